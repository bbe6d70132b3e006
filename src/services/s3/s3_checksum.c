/*
 * s3_checksum.c: the integrity checks of S3 uploads: Content-MD5 and the
 * flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256), computed
 * over the decoded body and compared with what the client sent.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/
 * checking-object-integrity.html (each checksum is the big-endian value,
 * base64); https://docs.aws.amazon.com/AmazonS3/latest/API/
 * ErrorResponses.html: BadDigest, 400, "The Content-MD5 you specified did
 * not match what we received."; InvalidDigest, 400, "The Content-MD5 you
 * specified was invalid.". A flexible checksum that does not match is
 * BadDigest too: "The CRC32 you specified did not match the calculated
 * checksum.".
 *
 * CRC32C is Castagnoli (reflected 0x82F63B78); CRC64NVME is the NVMe
 * polynomial (reflected 0x9A6C9329AC4BC9B5), both with all-ones initial
 * value and final xor, as zlib's CRC32 is.
 */
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/digest.h"
#include "core/file.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/blob.h"

static uint32_t crc32c_tab[256];
static uint64_t crc64_tab[256];

static void
tables(void)
{
    if (crc32c_tab[1])
        return;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        uint64_t d = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            d = d & 1 ? (d >> 1) ^ 0x9A6C9329AC4BC9B5ull : d >> 1;
        }
        crc32c_tab[i] = c;
        crc64_tab[i] = d;
    }
}

static const char *
b64(nb_call *call, const unsigned char *p, size_t n)
{
    char *s = nb_arena_alloc(call->arena, nb_b64_enc_len(n) + 1);
    if (s)
        nb_b64_encode(s, p, n);
    return s;
}

static const char *
be(nb_call *call, uint64_t v, int bytes)
{
    unsigned char out[8];
    for (int i = 0; i < bytes; i++)
        out[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
    return b64(call, out, (size_t)bytes);
}

void
s3_crc_init(s3_crc *s, const char *algo)
{
    tables();
    s->algo = algo;
    s->c = strcmp(algo, "CRC32") == 0    ? (uint64_t)crc32(0L, Z_NULL, 0)
           : strcmp(algo, "CRC32C") == 0 ? 0xFFFFFFFFu
                                         : ~0ull;
}

void
s3_crc_update(s3_crc *s, const void *body, size_t len)
{
    const unsigned char *p = body;
    if (strcmp(s->algo, "CRC32") == 0) {
        uLong c = (uLong)s->c;
        for (size_t off = 0; off < len;) { /* zlib takes uInt lengths */
            uInt n = len - off > 1u << 30 ? 1u << 30 : (uInt)(len - off);
            c = crc32(c, p + off, n);
            off += n;
        }
        s->c = c;
    } else if (strcmp(s->algo, "CRC32C") == 0) {
        uint32_t c = (uint32_t)s->c;
        for (size_t i = 0; i < len; i++)
            c = crc32c_tab[(c ^ p[i]) & 0xFF] ^ (c >> 8);
        s->c = c;
    } else {
        uint64_t c = s->c;
        for (size_t i = 0; i < len; i++)
            c = crc64_tab[(c ^ p[i]) & 0xFF] ^ (c >> 8);
        s->c = c;
    }
}

const char *
s3_crc_final(nb_call *call, s3_crc *s)
{
    if (strcmp(s->algo, "CRC32") == 0)
        return be(call, s->c, 4);
    if (strcmp(s->algo, "CRC32C") == 0)
        return be(call, s->c ^ 0xFFFFFFFFu, 4);
    return be(call, ~s->c, 8);
}

const char *
s3_checksum(nb_call *call, const char *algo, const void *body, size_t len)
{
    if (strcmp(algo, "CRC32") == 0 || strcmp(algo, "CRC32C") == 0 ||
        strcmp(algo, "CRC64NVME") == 0) {
        s3_crc s;
        s3_crc_init(&s, algo);
        s3_crc_update(&s, body, len);
        return s3_crc_final(call, &s);
    }
    nb_digest_alg alg;
    if (strcmp(algo, "SHA1") == 0)
        alg = NB_SHA1;
    else if (strcmp(algo, "SHA256") == 0)
        alg = NB_SHA256;
    else if (strcmp(algo, "MD5") == 0)
        alg = NB_MD5;
    else
        return NULL;
    unsigned char out[NB_DIGEST_MAX];
    size_t n = nb_digest(alg, body, len, out);
    return n ? b64(call, out, n) : NULL;
}

const char *
s3_checksum_member(nb_call *call, const char *algo)
{
    return nb_arena_printf(call->arena, "Checksum%s", algo);
}

static const char *const algos[] = {"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"};

const char *
s3_checksum_algo(const char *name)
{
    for (size_t i = 0; name && i < NB_ARRAY_LEN(algos); i++)
        if (strcasecmp(name, algos[i]) == 0)
            return algos[i];
    return NULL;
}

/* One pass over a body's pieces: MD5 and, optionally, one checksum. */
typedef struct summer {
    nb_digest_ctx *md5; /* always */
    nb_digest_ctx *sha; /* the checksum when it is SHA1 or SHA256 */
    s3_crc crc;         /* the checksum when it is a CRC */
    const char *algo;   /* the checksum's algorithm, or NULL */
} summer;

static int
sum_piece(void *ud, const void *p, size_t n)
{
    summer *s = ud;
    if (nb_digest_update(s->md5, p, n) || (s->sha && nb_digest_update(s->sha, p, n)))
        return NB_EINTERNAL;
    if (s->algo && !s->sha)
        s3_crc_update(&s->crc, p, n);
    return NB_OK;
}

/* Runs each(ud-less iteration over the body) through a summer. */
static int
summed(nb_call *call, const char *algo, s3_sum *out, int (*each)(nb_call *, const void *, summer *),
       const void *what)
{
    summer s = {0};
    int sha1 = algo && strcmp(algo, "SHA1") == 0, sha256 = algo && strcmp(algo, "SHA256") == 0;
    s.algo = algo;
    s.md5 = nb_digest_begin(NB_MD5);
    if (sha1 || sha256)
        s.sha = nb_digest_begin(sha1 ? NB_SHA1 : NB_SHA256);
    else if (algo)
        s3_crc_init(&s.crc, algo);
    int rc = !s.md5 || ((sha1 || sha256) && !s.sha) ? NB_ENOMEM : each(call, what, &s);
    unsigned char d[NB_DIGEST_MAX];
    out->ck = NULL;
    if (s.sha) {
        size_t n = nb_digest_end(s.sha, rc ? NULL : d);
        if (!rc)
            out->ck = n ? b64(call, d, n) : NULL;
    } else if (algo && !rc) {
        out->ck = s3_crc_final(call, &s.crc);
    }
    if (s.md5 && nb_digest_end(s.md5, rc ? NULL : out->md5) != 16 && !rc)
        rc = NB_EINTERNAL;
    if (!rc && algo && !out->ck)
        rc = NB_ENOMEM;
    return rc;
}

static int
each_value(nb_call *call, const void *what, summer *s)
{
    const nb_value *v = what;
    if (!v)
        return NB_OK;
    if (v->type == NB_V_FILE)
        return nb_file_each(v->u.f.path, v->u.f.off, v->u.f.len, sum_piece, s);
    return sum_piece(s, v->u.s.p ? v->u.s.p : "", v->u.s.len);
}

typedef struct blob_range {
    const char *name; /* the blob */
    int64_t off, len; /* its bytes to sum */
} blob_range;

static int
each_blob(nb_call *call, const void *what, summer *s)
{
    const blob_range *r = what;
    return nb_blob_each(call, r->name, r->off, r->len, sum_piece, s);
}

int
s3_sum_value(nb_call *call, const nb_value *body, const char *algo, s3_sum *out)
{
    return summed(call, algo, out, each_value, body);
}

int
s3_sum_blob(nb_call *call, const char *blob, int64_t off, int64_t len, const char *algo,
            s3_sum *out)
{
    blob_range r = {blob, off, len};
    return summed(call, algo, out, each_blob, &r);
}

int64_t
s3_body_size(const nb_value *body)
{
    return !body ? 0 : body->type == NB_V_FILE ? body->u.f.len : (int64_t)body->u.s.len;
}

const char *
s3_etag_of(nb_call *call, const s3_sum *sum)
{
    char hex[33];
    nb_hex(sum->md5, 16, hex);
    return nb_arena_printf(call->arena, "\"%s\"", hex);
}

int
s3_check_body(nb_call *call, const nb_value *in, const nb_value *body, const char **algo,
              const char **value, s3_sum *sum)
{
    const char *md5 = nb_get_str(in, "ContentMD5"), *want = NULL;
    unsigned char raw[24];
    size_t n;
    *algo = "";
    *value = "";
    if (md5 && (nb_b64_decode(raw, &n, md5, strlen(md5), NULL) != NB_B64_OK || n != 16 ||
                strlen(md5) != 24))
        return s3_fail(call, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.",
                       "Content-MD5", md5);
    /* The checksum sent (a header, or a trailer of an aws-chunked body),
     * else the one only named: computed here. */
    for (size_t i = 0; i < NB_ARRAY_LEN(algos) && !want; i++)
        if ((want = nb_get_str(in, s3_checksum_member(call, algos[i]))))
            *algo = algos[i];
    const char *named = s3_checksum_algo(nb_get_str(in, "ChecksumAlgorithm"));
    if (!want && named)
        *algo = named;
    int rc = s3_sum_value(call, body, (*algo)[0] ? *algo : NULL, sum);
    if (rc)
        return rc;
    if (md5 && memcmp(raw, sum->md5, 16) != 0)
        return s3_fail(call, 400, "BadDigest",
                       "The Content-MD5 you specified did not match what we received.",
                       "ExpectedDigest", md5);
    if (want && strcmp(sum->ck, want) != 0) {
        const char *msg = nb_arena_printf(
            call->arena, "The %s you specified did not match the calculated checksum.", *algo);
        return msg ? s3_fail(call, 400, "BadDigest", msg, NULL, NULL) : NB_ENOMEM;
    }
    if ((*algo)[0])
        *value = sum->ck;
    return NB_OK;
}
