/*
 * digest.c: MD5, SHA-1 and SHA-256 through OpenSSL's EVP interface, with
 * each algorithm fetched once (see digest.h), and hex encoding.
 */
#include <openssl/evp.h>

#include "digest.h"

static const char *const names[] = {"MD5", "SHA1", "SHA256"};
static EVP_MD *fetched[3]; /* by nb_digest_alg; kept until exit */

static const EVP_MD *
md_of(nb_digest_alg alg)
{
    if ((unsigned)alg >= sizeof(fetched) / sizeof(fetched[0]))
        return NULL;
    if (!fetched[alg])
        fetched[alg] = EVP_MD_fetch(NULL, names[alg], NULL);
    return fetched[alg];
}

size_t
nb_digest(nb_digest_alg alg, const void *p, size_t n, unsigned char *out)
{
    unsigned int len = 0;
    const EVP_MD *md = md_of(alg);
    if (!md || !EVP_Digest(p, n, out, &len, md, NULL))
        return 0;
    return len;
}

nb_digest_ctx *
nb_digest_begin(nb_digest_alg alg)
{
    const EVP_MD *md = md_of(alg);
    EVP_MD_CTX *c = md ? EVP_MD_CTX_new() : NULL;
    if (c && !EVP_DigestInit_ex(c, md, NULL)) {
        EVP_MD_CTX_free(c);
        c = NULL;
    }
    return (nb_digest_ctx *)c;
}

int
nb_digest_update(void *ctx, const void *p, size_t n)
{
    return EVP_DigestUpdate((EVP_MD_CTX *)ctx, p, n) ? 0 : -1;
}

size_t
nb_digest_end(nb_digest_ctx *ctx, unsigned char *out)
{
    unsigned int len = 0;
    if (out && !EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, out, &len))
        len = 0;
    EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
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
