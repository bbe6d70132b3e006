/*
 * digest.c: MD5, SHA-1 and SHA-256 through OpenSSL's EVP interface, with
 * each algorithm fetched once (see digest.h), and hex encoding.
 */
#include <openssl/evp.h>

#include "digest.h"

static const char *const names[] = {"MD5", "SHA1", "SHA256"};
static EVP_MD *fetched[3]; /* by nb_digest_alg; kept until exit */

size_t
nb_digest(nb_digest_alg alg, const void *p, size_t n, unsigned char *out)
{
    unsigned int len = 0;
    if ((unsigned)alg >= sizeof(fetched) / sizeof(fetched[0]))
        return 0;
    if (!fetched[alg])
        fetched[alg] = EVP_MD_fetch(NULL, names[alg], NULL);
    if (!fetched[alg] || !EVP_Digest(p, n, out, &len, fetched[alg], NULL))
        return 0;
    return len;
}

void
nb_hex(const unsigned char *p, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}

size_t
nb_digest_hex(nb_digest_alg alg, const void *p, size_t n, char *out)
{
    unsigned char md[NB_DIGEST_MAX];
    size_t len = nb_digest(alg, p, n, md);
    if (len)
        nb_hex(md, len, out);
    return 2 * len;
}
