/*
 * kms_crypto.c: the cryptographic operations on symmetric KMS keys:
 * Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and
 * GenerateRandom, done locally with AES-256-GCM under the key material
 * each KMS key keeps in the store. Encrypt and Decrypt with an RSA
 * ENCRYPT_DECRYPT key go to kms_asym.c.
 *
 * A ciphertext blob is nimbus's own format (AWS's is opaque too):
 *
 *   version (1 byte, 1) | key id (36 bytes) | IV (12) | ciphertext | tag (16)
 *
 * The key id lets Decrypt find the key without a KeyId. The additional
 * authenticated data is the header (version and key id) followed by the
 * encryption context, its pairs sorted by key and each string prefixed by
 * its length, so a different context, key or altered blob fails with
 * InvalidCiphertextException, as AWS does.
 *
 * AWS: https://docs.aws.amazon.com/kms/latest/APIReference/
 * (API_Encrypt.html, API_Decrypt.html, API_ReEncrypt.html,
 * API_GenerateDataKey.html, API_GenerateDataKeyWithoutPlaintext.html,
 * API_GenerateRandom.html) and
 * https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "kms_int.h"

#define IV_LEN 12
#define TAG_LEN 16
#define HDR_LEN (1 + KMS_ID_LEN)
#define BLOB_MIN (HDR_LEN + IV_LEN + TAG_LEN)
#define BLOB_VERSION 1
#define ALGORITHM "SYMMETRIC_DEFAULT"

typedef struct kms_bytes {
    unsigned char *p; /* arena bytes */
    size_t n;         /* their count */
} kms_bytes;

static int
by_key(const void *a, const void *b)
{
    const nb_value *x = *(const nb_value *const *)a, *y = *(const nb_value *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static unsigned char *
put_len(unsigned char *p, size_t n)
{
    p[0] = (unsigned char)(n >> 24);
    p[1] = (unsigned char)(n >> 16);
    p[2] = (unsigned char)(n >> 8);
    p[3] = (unsigned char)n;
    return p + 4;
}

/* The additional authenticated data: header, then the sorted context. */
static int
make_aad(nb_call *call, const unsigned char *hdr, const nb_value *ctx, kms_bytes *aad)
{
    size_t count = 0, total = HDR_LEN;
    for (const nb_value *e = nb_first(ctx); e; e = e->next, count++)
        total += 8 + e->klen + (e->type == NB_V_STR ? e->u.s.len : 0);
    const nb_value **items = nb_arena_alloc(call->arena, sizeof(*items) * (count + 1));
    unsigned char *p = nb_arena_alloc(call->arena, total);
    if (!items || !p)
        return NB_ENOMEM;
    count = 0;
    for (const nb_value *e = nb_first(ctx); e; e = e->next)
        items[count++] = e;
    qsort(items, count, sizeof(*items), by_key);
    aad->p = p;
    aad->n = total;
    memcpy(p, hdr, HDR_LEN);
    p += HDR_LEN;
    for (size_t i = 0; i < count; i++) {
        size_t vlen = items[i]->type == NB_V_STR ? items[i]->u.s.len : 0;
        p = put_len(p, items[i]->klen);
        memcpy(p, items[i]->key, items[i]->klen);
        p = put_len(p + items[i]->klen, vlen);
        if (vlen)
            memcpy(p, items[i]->u.s.p, vlen);
        p += vlen;
    }
    return NB_OK;
}

/* AES-256-GCM one way or the other; NB_EINVAL when the tag does not
 * verify. */
static int
gcm(const kms_key *k, int enc, const unsigned char *iv, const kms_bytes *aad,
    const unsigned char *in, size_t n, unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, ok = c != NULL;
    ok = ok && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, k->material, iv, enc) == 1;
    ok = ok && EVP_CipherUpdate(c, NULL, &len, aad->p, (int)aad->n) == 1;
    ok = ok && (n == 0 || EVP_CipherUpdate(c, out, &len, in, (int)n) == 1);
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1;
    int fin = ok ? EVP_CipherFinal_ex(c, out + (n ? len : 0), &len) : 0;
    if (ok && fin == 1 && enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok)
        return NB_EINTERNAL;
    return fin == 1 ? NB_OK : NB_EINVAL;
}

static int
seal(nb_call *call, const kms_key *k, const nb_value *ctx, const void *pt, size_t n,
     kms_bytes *blob)
{
    kms_bytes aad;
    unsigned char *b = nb_arena_alloc(call->arena, BLOB_MIN + n);
    if (!b)
        return NB_ENOMEM;
    b[0] = BLOB_VERSION;
    memcpy(b + 1, k->id, KMS_ID_LEN);
    if (RAND_bytes(b + HDR_LEN, IV_LEN) != 1)
        return NB_EINTERNAL;
    int rc = make_aad(call, b, ctx, &aad);
    rc = rc ? rc
            : gcm(k, 1, b + HDR_LEN, &aad, pt, n, b + HDR_LEN + IV_LEN, b + HDR_LEN + IV_LEN + n);
    blob->p = b;
    blob->n = BLOB_MIN + n;
    return rc;
}

static int
bad_ciphertext(nb_call *call)
{
    /* AWS: InvalidCiphertextException carries no message. */
    return nb_fail(call, "InvalidCiphertextException", NULL);
}

static int
dry_run(nb_call *call, const nb_value *in)
{
    if (nb_get_bool(in, "DryRun", 0))
        return nb_fail(call, "DryRunOperationException",
                       "The request would have succeeded, but the DryRun option is set.");
    return NB_OK;
}

static int
algorithm_ok(nb_call *call, const kms_key *k, const char *alg)
{
    if (alg && strcmp(alg, ALGORITHM) != 0)
        return nb_fail(call, "InvalidKeyUsageException",
                       "Algorithm %s is incompatible with key spec %s.", alg, k->spec);
    return NB_OK;
}

/* Opens a blob: finds its key (which key_id, when given, must name),
 * checks the key's state and the tag. */
static int
open_blob(nb_call *call, const nb_value *blob, const char *key_id, const nb_value *ctx, kms_key *k,
          kms_bytes *pt)
{
    const unsigned char *b = blob ? (const unsigned char *)blob->u.s.p : NULL;
    size_t n = blob ? blob->u.s.len : 0;
    char id[KMS_ID_LEN + 1];
    kms_key named;
    kms_bytes aad;
    int rc;
    if (!b || n < BLOB_MIN || b[0] != BLOB_VERSION)
        return bad_ciphertext(call);
    memcpy(id, b + 1, KMS_ID_LEN);
    id[KMS_ID_LEN] = '\0';
    if (key_id && (rc = kms_key_find(call, key_id, KMS_ALIASES, &named)))
        return rc;
    if (key_id && strcmp(named.id, id) != 0)
        return nb_fail(call, "IncorrectKeyException",
                       "The key ID in the request does not identify a CMK that can perform this "
                       "operation.");
    rc = memchr(id, '\0', KMS_ID_LEN) ? NB_ENOTFOUND : kms_key_load(call, id, k);
    if (rc == NB_ENOTFOUND)
        return bad_ciphertext(call);
    if (rc || (rc = kms_key_usable(call, k)))
        return rc;
    pt->n = n - BLOB_MIN;
    pt->p = nb_arena_alloc(call->arena, pt->n + 1);
    if (!pt->p)
        return NB_ENOMEM;
    rc = make_aad(call, b, ctx, &aad);
    rc = rc ? rc
            : gcm(k, 0, b + HDR_LEN, &aad, b + HDR_LEN + IV_LEN, pt->n, pt->p,
                  (unsigned char *)b + n - TAG_LEN);
    return rc == NB_EINVAL ? bad_ciphertext(call) : rc;
}

static int
encrypt_key(nb_call *call, const nb_value *in, const char *member, kms_key *k)
{
    int rc = kms_key_find(call, nb_get_str(in, member), KMS_ALIASES, k);
    return rc ? rc : kms_key_usable(call, k);
}

static int
is_symmetric(const kms_key *k)
{
    return strcmp(k->spec, ALGORITHM) == 0;
}

/* Data keys and ReEncrypt need a symmetric encryption key. */
static int
symmetric_only(nb_call *call, const kms_key *k, const char *op)
{
    if (is_symmetric(k))
        return NB_OK;
    if (strcmp(k->usage, "ENCRYPT_DECRYPT") != 0)
        return kms_bad_usage(call, k, op);
    return nb_fail(call, "InvalidKeyUsageException", "%s key spec is %s which is not valid for %s.",
                   k->arn, k->spec, op);
}

/* Encrypt and Decrypt with an asymmetric key: RSA with OAEP. */
static int
asym_crypt(nb_call *call, const nb_value *in, const kms_key *k, int enc, nb_value *out)
{
    const char *op = enc ? "Encrypt" : "Decrypt";
    const char *alg = nb_get_str(in, "EncryptionAlgorithm");
    if (strcmp(k->usage, "ENCRYPT_DECRYPT") != 0)
        return kms_bad_usage(call, k, op);
    int rc = dry_run(call, in);
    if (rc)
        return rc;
    return enc ? kms_asym_encrypt(call, k, alg, nb_get(in, "Plaintext"), out)
               : kms_asym_decrypt(call, k, alg, nb_get(in, "CiphertextBlob"), out);
}

int
kms_encrypt(nb_call *call, const nb_value *in, nb_value *out)
{
    const nb_value *pt = nb_get(in, "Plaintext");
    kms_key k;
    kms_bytes blob;
    int rc = encrypt_key(call, in, "KeyId", &k);
    if (!rc && !is_symmetric(&k))
        return asym_crypt(call, in, &k, 1, out);
    rc = rc ? rc : algorithm_ok(call, &k, nb_get_str(in, "EncryptionAlgorithm"));
    rc = rc ? rc : dry_run(call, in);
    rc = rc ? rc : seal(call, &k, nb_get(in, "EncryptionContext"), pt->u.s.p, pt->u.s.len, &blob);
    rc = rc ? rc : nb_set_blob(out, "CiphertextBlob", blob.p, blob.n);
    rc = rc ? rc : nb_set_str(out, "KeyId", k.arn);
    return rc ? rc : nb_set_str(out, "EncryptionAlgorithm", ALGORITHM);
}

int
kms_decrypt(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    kms_bytes pt;
    const char *key_id = nb_get_str(in, "KeyId");
    /* An asymmetric key's ciphertext carries no key id: KeyId names it. */
    int rc = key_id ? encrypt_key(call, in, "KeyId", &k) : NB_OK;
    if (rc || (key_id && !is_symmetric(&k)))
        return rc ? rc : asym_crypt(call, in, &k, 0, out);
    rc = open_blob(call, nb_get(in, "CiphertextBlob"), nb_get_str(in, "KeyId"),
                   nb_get(in, "EncryptionContext"), &k, &pt);
    rc = rc ? rc : algorithm_ok(call, &k, nb_get_str(in, "EncryptionAlgorithm"));
    rc = rc ? rc : dry_run(call, in);
    rc = rc ? rc : nb_set_str(out, "KeyId", k.arn);
    rc = rc ? rc : nb_set_blob(out, "Plaintext", pt.p, pt.n);
    return rc ? rc : nb_set_str(out, "EncryptionAlgorithm", ALGORITHM);
}

int
kms_re_encrypt(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key src, dst;
    kms_bytes pt, blob;
    int rc = open_blob(call, nb_get(in, "CiphertextBlob"), nb_get_str(in, "SourceKeyId"),
                       nb_get(in, "SourceEncryptionContext"), &src, &pt);
    rc = rc ? rc : algorithm_ok(call, &src, nb_get_str(in, "SourceEncryptionAlgorithm"));
    rc = rc ? rc : encrypt_key(call, in, "DestinationKeyId", &dst);
    rc = rc ? rc : symmetric_only(call, &dst, "ReEncrypt");
    rc = rc ? rc : algorithm_ok(call, &dst, nb_get_str(in, "DestinationEncryptionAlgorithm"));
    rc = rc ? rc : dry_run(call, in);
    rc = rc ? rc : seal(call, &dst, nb_get(in, "DestinationEncryptionContext"), pt.p, pt.n, &blob);
    rc = rc ? rc : nb_set_blob(out, "CiphertextBlob", blob.p, blob.n);
    rc = rc ? rc : nb_set_str(out, "SourceKeyId", src.arn);
    rc = rc ? rc : nb_set_str(out, "KeyId", dst.arn);
    rc = rc ? rc : nb_set_str(out, "SourceEncryptionAlgorithm", ALGORITHM);
    return rc ? rc : nb_set_str(out, "DestinationEncryptionAlgorithm", ALGORITHM);
}

/* GenerateDataKey(WithoutPlaintext): a random data key, returned sealed
 * under the KMS key (and in clear when plain is set). */
static int
data_key(nb_call *call, const nb_value *in, nb_value *out, int plain)
{
    const char *spec = nb_get_str(in, "KeySpec");
    int has_n = nb_get(in, "NumberOfBytes") != NULL;
    size_t n = (size_t)nb_get_int(in, "NumberOfBytes", 0);
    kms_key k;
    kms_bytes blob;
    int rc = encrypt_key(call, in, "KeyId", &k);
    rc = rc ? rc
            : symmetric_only(call, &k,
                             plain ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext");
    if (rc)
        return rc;
    if (!spec == !has_n)
        /* AWS: one of the two, not both, not neither. */
        return nb_fail(call, "ValidationException",
                       "Please specify either number of bytes or key spec.");
    if (spec)
        n = strcmp(spec, "AES_128") == 0 ? 16 : 32;
    unsigned char *key = nb_arena_alloc(call->arena, n);
    if (!key)
        return NB_ENOMEM;
    if (RAND_bytes(key, (int)n) != 1)
        return NB_EINTERNAL;
    rc = dry_run(call, in);
    rc = rc ? rc : seal(call, &k, nb_get(in, "EncryptionContext"), key, n, &blob);
    rc = rc ? rc : nb_set_blob(out, "CiphertextBlob", blob.p, blob.n);
    if (!rc && plain)
        rc = nb_set_blob(out, "Plaintext", key, n);
    return rc ? rc : nb_set_str(out, "KeyId", k.arn);
}

int
kms_generate_data_key(nb_call *call, const nb_value *in, nb_value *out)
{
    return data_key(call, in, out, 1);
}

int
kms_generate_data_key_without_plaintext(nb_call *call, const nb_value *in, nb_value *out)
{
    return data_key(call, in, out, 0);
}

int
kms_generate_random(nb_call *call, const nb_value *in, nb_value *out)
{
    int64_t n = nb_get_int(in, "NumberOfBytes", 0);
    if (!nb_get(in, "NumberOfBytes"))
        /* AWS: the text LocalStack's snapshot of AWS records. */
        return nb_fail(call, "ValidationException", "NumberOfBytes is required.");
    if (nb_get_str(in, "CustomKeyStoreId"))
        return nb_fail(call, "CustomKeyStoreNotFoundException", NULL);
    unsigned char *p = nb_arena_alloc(call->arena, (size_t)n);
    if (!p)
        return NB_ENOMEM;
    if (RAND_bytes(p, (int)n) != 1)
        return NB_EINTERNAL;
    return nb_set_blob(out, "Plaintext", p, (size_t)n);
}
