/*
 * kms_asym.c: asymmetric KMS keys: RSA (2048, 3072, 4096 bits) and
 * elliptic-curve (NIST P-256, P-384, P-521, secp256k1) key pairs made with
 * OpenSSL and kept in the store as DER; Sign and Verify (RAW messages or
 * DIGEST), GetPublicKey, and RSA encryption with OAEP.
 *
 * AWS: https://docs.aws.amazon.com/kms/latest/developerguide/
 * asymmetric-key-specs.html (specs, usages and algorithms; PSS salts as
 * long as the digest; ECDSA signatures DER-encoded) and
 * https://docs.aws.amazon.com/kms/latest/APIReference/ (API_Sign.html,
 * API_Verify.html, API_GetPublicKey.html, API_Encrypt.html). Error texts
 * are AWS's as LocalStack's snapshot tests against AWS record them.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "kms_int.h"

static const char *const rsa_sign[] = {
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",        "RSASSA_PSS_SHA_512",
};
static const char *const rsa_encrypt[] = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};
static const char *const ecdsa_256[] = {"ECDSA_SHA_256"};
static const char *const ecdsa_384[] = {"ECDSA_SHA_384"};
static const char *const ecdsa_512[] = {"ECDSA_SHA_512"};

typedef struct spec_info {
    const char *spec;        /* KeySpec */
    const char *type;        /* OpenSSL key type: "RSA" or "EC" */
    const char *curve;       /* EC group name, or NULL */
    unsigned bits;           /* RSA modulus size, or 0 */
    const char *const *sign; /* signing algorithms */
    size_t nsign;            /* entries in sign */
    int encrypt;             /* may be ENCRYPT_DECRYPT */
} spec_info;

static const spec_info specs[] = {
    {"RSA_2048", "RSA", NULL, 2048, rsa_sign, NB_ARRAY_LEN(rsa_sign), 1},
    {"RSA_3072", "RSA", NULL, 3072, rsa_sign, NB_ARRAY_LEN(rsa_sign), 1},
    {"RSA_4096", "RSA", NULL, 4096, rsa_sign, NB_ARRAY_LEN(rsa_sign), 1},
    {"ECC_NIST_P256", "EC", "P-256", 0, ecdsa_256, 1, 0},
    {"ECC_NIST_P384", "EC", "P-384", 0, ecdsa_384, 1, 0},
    {"ECC_NIST_P521", "EC", "P-521", 0, ecdsa_512, 1, 0},
    {"ECC_SECG_P256K1", "EC", "secp256k1", 0, ecdsa_256, 1, 0},
};

static const spec_info *
find_spec(const char *spec)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(specs); i++)
        if (strcmp(specs[i].spec, spec) == 0)
            return &specs[i];
    return NULL;
}

int
kms_asym_spec_ok(const char *spec)
{
    return find_spec(spec) != NULL;
}

int
kms_asym_usage_ok(const char *spec, const char *usage)
{
    const spec_info *s = find_spec(spec);
    return s && (strcmp(usage, "SIGN_VERIFY") == 0 ||
                 (s->encrypt && strcmp(usage, "ENCRYPT_DECRYPT") == 0));
}

int
kms_bad_usage(nb_call *call, const kms_key *k, const char *op)
{
    return nb_fail(call, "InvalidKeyUsageException",
                   "%s key usage is %s which is not valid for %s.", k->arn, k->usage, op);
}

int
kms_asym_generate(nb_call *call, const char *spec, const unsigned char **der, size_t *len)
{
    const spec_info *s = find_spec(spec);
    EVP_PKEY *pkey = NULL;
    int rc = NB_EINTERNAL;
    if (NB_NEVER(!s))
        return NB_EINTERNAL;
    pkey = s->curve ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", s->curve)
                    : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)s->bits);
    int n = pkey ? i2d_PrivateKey(pkey, NULL) : -1;
    unsigned char *p = n > 0 ? nb_arena_alloc(call->arena, (size_t)n) : NULL;
    if (n > 0 && !p) {
        rc = NB_ENOMEM;
        goto out;
    }
    if (!p)
        goto out;
    *der = p;
    *len = (size_t)i2d_PrivateKey(pkey, &p);
    rc = *len == (size_t)n ? NB_OK : NB_EINTERNAL;
out:
    EVP_PKEY_free(pkey);
    return rc;
}

static EVP_PKEY *
load_pkey(const kms_key *k)
{
    const unsigned char *p = k->material;
    return d2i_AutoPrivateKey(NULL, &p, (long)k->material_len);
}

int
kms_asym_algorithms_out(const kms_key *k, nb_value *out)
{
    const spec_info *s = find_spec(k->spec);
    int enc = strcmp(k->usage, "ENCRYPT_DECRYPT") == 0;
    const char *const *algs = enc ? rsa_encrypt : s ? s->sign : NULL;
    size_t n = enc ? NB_ARRAY_LEN(rsa_encrypt) : s ? s->nsign : 0;
    nb_value *l = nb_set_list(out, enc ? "EncryptionAlgorithms" : "SigningAlgorithms");
    if (!l)
        return NB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (nb_list_add_str(l, algs[i]))
            return NB_ENOMEM;
    return NB_OK;
}

static int
has_alg(const kms_key *k, const char *alg)
{
    const spec_info *s = find_spec(k->spec);
    int enc = strcmp(k->usage, "ENCRYPT_DECRYPT") == 0;
    const char *const *algs = enc ? rsa_encrypt : s ? s->sign : NULL;
    size_t n = enc ? NB_ARRAY_LEN(rsa_encrypt) : s ? s->nsign : 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(algs[i], alg) == 0)
            return 1;
    return 0;
}

static const EVP_MD *
md_of(const char *alg)
{
    size_t n = strlen(alg);
    if (n > 4 && strcmp(alg + n - 4, "_256") == 0)
        return EVP_sha256();
    if (n > 4 && strcmp(alg + n - 4, "_384") == 0)
        return EVP_sha384();
    if (n > 4 && strcmp(alg + n - 4, "_512") == 0)
        return EVP_sha512();
    return EVP_sha1(); /* RSAES_OAEP_SHA_1 */
}

/* ---- Sign, Verify ---------------------------------------------------- */

/* What Sign and Verify share: the key (SIGN_VERIFY, usable), the
 * algorithm, and the digest to sign (RAW messages are hashed here). */
static int
sign_setup(nb_call *call, const nb_value *in, const char *op, kms_key *k, unsigned char *dg,
           size_t *dlen)
{
    const char *alg = nb_get_str(in, "SigningAlgorithm");
    const char *type = nb_get_str(in, "MessageType");
    const nb_value *msg = nb_get(in, "Message");
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), KMS_ALIASES, k);
    rc = rc ? rc : kms_key_usable(call, k);
    if (rc)
        return rc;
    if (strcmp(k->usage, "SIGN_VERIFY") != 0)
        return kms_bad_usage(call, k, op);
    if (!has_alg(k, alg))
        return nb_fail(call, "InvalidKeyUsageException",
                       "Algorithm %s is incompatible with key spec %s.", alg, k->spec);
    const EVP_MD *md = md_of(alg);
    if (type && strcmp(type, "DIGEST") == 0) {
        if (msg->u.s.len != (size_t)EVP_MD_get_size(md))
            return nb_fail(call, "ValidationException",
                           "Digest is invalid length for algorithm %s.", alg);
        memcpy(dg, msg->u.s.p, msg->u.s.len);
        *dlen = msg->u.s.len;
    } else if (type && strcmp(type, "RAW") != 0) {
        return nb_fail(call, "UnsupportedOperationException",
                       "MessageType %s is not supported by nimbus.", type);
    } else {
        unsigned int n = 0;
        if (EVP_Digest(msg->u.s.p, msg->u.s.len, dg, &n, md, NULL) != 1)
            return NB_EINTERNAL;
        *dlen = n;
    }
    if (nb_get_bool(in, "DryRun", 0))
        return nb_fail(call, "DryRunOperationException",
                       "The request would have succeeded, but the DryRun option is set.");
    return NB_OK;
}

/* A context for signing or verifying a digest with alg. */
static EVP_PKEY_CTX *
sign_ctx(EVP_PKEY *pkey, const char *alg, int verify)
{
    EVP_PKEY_CTX *c = pkey ? EVP_PKEY_CTX_new(pkey, NULL) : NULL;
    int ok = c && (verify ? EVP_PKEY_verify_init(c) : EVP_PKEY_sign_init(c)) == 1;
    ok = ok && EVP_PKEY_CTX_set_signature_md(c, md_of(alg)) == 1;
    if (ok && strncmp(alg, "RSASSA_PSS", 10) == 0)
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, RSA_PSS_SALTLEN_DIGEST) == 1;
    else if (ok && strncmp(alg, "RSASSA_PKCS1", 12) == 0)
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1;
    if (!ok) {
        EVP_PKEY_CTX_free(c);
        return NULL;
    }
    return c;
}

int
kms_sign(nb_call *call, const nb_value *in, nb_value *out)
{
    unsigned char dg[EVP_MAX_MD_SIZE];
    size_t dlen = 0, slen = 0;
    const char *alg = nb_get_str(in, "SigningAlgorithm");
    kms_key k;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *c = NULL;
    unsigned char *sig = NULL;
    int rc = sign_setup(call, in, "Sign", &k, dg, &dlen);
    if (rc)
        goto out;
    rc = NB_EINTERNAL;
    pkey = load_pkey(&k);
    c = sign_ctx(pkey, alg, 0);
    if (!c || EVP_PKEY_sign(c, NULL, &slen, dg, dlen) != 1)
        goto out;
    if (!(sig = nb_arena_alloc(call->arena, slen))) {
        rc = NB_ENOMEM;
        goto out;
    }
    if (EVP_PKEY_sign(c, sig, &slen, dg, dlen) != 1)
        goto out;
    rc = nb_set_str(out, "KeyId", k.arn);
    rc = rc ? rc : nb_set_blob(out, "Signature", sig, slen);
    rc = rc ? rc : nb_set_str(out, "SigningAlgorithm", alg);
out:
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(pkey);
    return rc;
}

int
kms_verify(nb_call *call, const nb_value *in, nb_value *out)
{
    unsigned char dg[EVP_MAX_MD_SIZE];
    size_t dlen = 0;
    const char *alg = nb_get_str(in, "SigningAlgorithm");
    const nb_value *sig = nb_get(in, "Signature");
    kms_key k;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *c = NULL;
    int rc = sign_setup(call, in, "Verify", &k, dg, &dlen);
    if (rc)
        goto out;
    rc = NB_EINTERNAL;
    pkey = load_pkey(&k);
    if (!(c = sign_ctx(pkey, alg, 1)))
        goto out;
    if (EVP_PKEY_verify(c, (const unsigned char *)sig->u.s.p, sig->u.s.len, dg, dlen) != 1) {
        /* AWS: an invalid signature is KMSInvalidSignatureException with
         * no message. */
        rc = nb_fail(call, "KMSInvalidSignatureException", NULL);
        goto out;
    }
    rc = nb_set_str(out, "KeyId", k.arn);
    rc = rc ? rc : nb_set_bool(out, "SignatureValid", 1);
    rc = rc ? rc : nb_set_str(out, "SigningAlgorithm", alg);
out:
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(pkey);
    return rc;
}

int
kms_get_public_key(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    EVP_PKEY *pkey = NULL;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), KMS_ALIASES, &k);
    rc = rc ? rc : kms_key_usable(call, &k);
    if (rc)
        return rc;
    if (strcmp(k.spec, "SYMMETRIC_DEFAULT") == 0)
        /* AWS: API_GetPublicKey.html: only asymmetric keys have one. */
        return nb_fail(call, "UnsupportedOperationException",
                       "%s key spec is SYMMETRIC_DEFAULT which is not valid for GetPublicKey.",
                       k.arn);
    rc = NB_EINTERNAL;
    pkey = load_pkey(&k);
    int n = pkey ? i2d_PUBKEY(pkey, NULL) : -1;
    unsigned char *der = n > 0 ? nb_arena_alloc(call->arena, (size_t)n) : NULL, *p = der;
    if (!der || i2d_PUBKEY(pkey, &p) != n)
        goto out;
    rc = nb_set_str(out, "KeyId", k.arn);
    rc = rc ? rc : nb_set_blob(out, "PublicKey", der, (size_t)n);
    rc = rc ? rc : nb_set_str(out, "CustomerMasterKeySpec", k.spec);
    rc = rc ? rc : nb_set_str(out, "KeySpec", k.spec);
    rc = rc ? rc : nb_set_str(out, "KeyUsage", k.usage);
    rc = rc ? rc : kms_asym_algorithms_out(&k, out);
out:
    EVP_PKEY_free(pkey);
    return rc;
}

/* ---- RSA encryption ---------------------------------------------------- */

static EVP_PKEY_CTX *
oaep_ctx(EVP_PKEY *pkey, const char *alg, int enc)
{
    EVP_PKEY_CTX *c = pkey ? EVP_PKEY_CTX_new(pkey, NULL) : NULL;
    int ok = c && (enc ? EVP_PKEY_encrypt_init(c) : EVP_PKEY_decrypt_init(c)) == 1;
    ok = ok && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) == 1;
    ok = ok && EVP_PKEY_CTX_set_rsa_oaep_md(c, md_of(alg)) == 1;
    ok = ok && EVP_PKEY_CTX_set_rsa_mgf1_md(c, md_of(alg)) == 1;
    if (!ok) {
        EVP_PKEY_CTX_free(c);
        return NULL;
    }
    return c;
}

static int
oaep_alg_ok(nb_call *call, const kms_key *k, const char *alg)
{
    if (!alg || !has_alg(k, alg))
        return nb_fail(call, "InvalidKeyUsageException",
                       "Algorithm %s is incompatible with key spec %s.",
                       alg ? alg : "SYMMETRIC_DEFAULT", k->spec);
    return NB_OK;
}

/* Encrypt or decrypt in with OAEP; out member Ciphertext or Plaintext. */
static int
oaep(nb_call *call, const kms_key *k, const char *alg, const nb_value *in, int enc, nb_value *out)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *c = NULL;
    size_t n = 0;
    unsigned char *buf = NULL;
    const unsigned char *src = (const unsigned char *)in->u.s.p;
    int rc = oaep_alg_ok(call, k, alg);
    if (rc)
        return rc;
    rc = NB_EINTERNAL;
    pkey = load_pkey(k);
    if (!(c = oaep_ctx(pkey, alg, enc)))
        goto out;
    int ok = enc ? EVP_PKEY_encrypt(c, NULL, &n, src, in->u.s.len)
                 : EVP_PKEY_decrypt(c, NULL, &n, src, in->u.s.len);
    if (ok == 1 && !(buf = nb_arena_alloc(call->arena, n + 1))) {
        rc = NB_ENOMEM;
        goto out;
    }
    if (ok == 1)
        ok = enc ? EVP_PKEY_encrypt(c, buf, &n, src, in->u.s.len)
                 : EVP_PKEY_decrypt(c, buf, &n, src, in->u.s.len);
    if (ok != 1) {
        /* Too long a plaintext, or a ciphertext that does not open. */
        rc = enc ? nb_fail(call, "ValidationException",
                           "Algorithm %s and key spec %s cannot encrypt data larger than %d "
                           "bytes.",
                           alg, k->spec,
                           EVP_PKEY_get_size(pkey) - 2 * EVP_MD_get_size(md_of(alg)) - 2)
                 : nb_fail(call, "InvalidCiphertextException", NULL);
        goto out;
    }
    rc = nb_set_str(out, "KeyId", k->arn);
    rc = rc ? rc : nb_set_blob(out, enc ? "CiphertextBlob" : "Plaintext", buf, n);
    rc = rc ? rc : nb_set_str(out, "EncryptionAlgorithm", alg);
out:
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(pkey);
    return rc;
}

int
kms_asym_encrypt(nb_call *call, const kms_key *k, const char *alg, const nb_value *pt,
                 nb_value *out)
{
    return oaep(call, k, alg, pt, 1, out);
}

int
kms_asym_decrypt(nb_call *call, const kms_key *k, const char *alg, const nb_value *blob,
                 nb_value *out)
{
    return oaep(call, k, alg, blob, 0, out);
}
