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
#include "core/value.h"
#include "s3_int.h"

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

static int
check_md5(nb_call *call, const char *want, const void *body, size_t len)
{
    unsigned char raw[24];
    size_t n;
    if (nb_b64_decode(raw, &n, want, strlen(want), NULL) != NB_B64_OK || n != 16 ||
        strlen(want) != 24)
        return s3_fail(call, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.",
                       "Content-MD5", want);
    const char *got = s3_checksum(call, "MD5", body, len);
    if (!got)
        return NB_ENOMEM;
    if (strcmp(got, want) != 0)
        return s3_fail(call, 400, "BadDigest",
                       "The Content-MD5 you specified did not match what we received.",
                       "ExpectedDigest", want);
    return NB_OK;
}

int
s3_check_body(nb_call *call, const nb_value *in, const void *body, size_t len, const char **algo,
              const char **value)
{
    const char *md5 = nb_get_str(in, "ContentMD5");
    int rc = md5 ? check_md5(call, md5, body, len) : NB_OK;
    *algo = "";
    *value = "";
    for (size_t i = 0; i < NB_ARRAY_LEN(algos) && !rc; i++) {
        const char *want = nb_get_str(in, s3_checksum_member(call, algos[i]));
        if (!want)
            continue;
        const char *got = s3_checksum(call, algos[i], body, len);
        if (!got)
            return NB_ENOMEM;
        if (strcmp(got, want) != 0) {
            const char *msg = nb_arena_printf(
                call->arena, "The %s you specified did not match the calculated checksum.",
                algos[i]);
            return msg ? s3_fail(call, 400, "BadDigest", msg, NULL, NULL) : NB_ENOMEM;
        }
        *algo = algos[i];
        *value = got;
    }
    /* Sent as a trailer (aws-chunked) or only named: computed here. */
    const char *named = nb_get_str(in, "ChecksumAlgorithm");
    if (!rc && !(*algo)[0] && named) {
        for (size_t i = 0; i < NB_ARRAY_LEN(algos); i++)
            if (strcasecmp(named, algos[i]) == 0) {
                *algo = algos[i];
                *value = s3_checksum(call, algos[i], body, len);
            }
        if (!*value)
            return NB_ENOMEM;
    }
    return rc;
}
