/*
 * base64.c: table-driven standard base64. The decoder checks everything
 * strictly (see base64.h) in one pass: the groups before the last are
 * plain alphabet, and the last group alone may carry padding.
 */
#include "base64.h"

static const char enc_tab[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of each byte in the alphabet, or -1 (also for '='). */
/* clang-format off */
static const signed char dec_tab[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
    -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
/* clang-format on */

size_t
nb_b64_enc_len(size_t n)
{
    size_t groups = n / 3 + (n % 3 != 0);
    if (groups > SIZE_MAX / 4)
        return 0;
    return groups * 4;
}

size_t
nb_b64_encode(char *dst, const void *src, size_t n)
{
    const unsigned char *s = src;
    char *d = dst;
    size_t i = 0;

    for (; n - i >= 3; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *d++ = enc_tab[v >> 18];
        *d++ = enc_tab[(v >> 12) & 63];
        *d++ = enc_tab[(v >> 6) & 63];
        *d++ = enc_tab[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        *d++ = enc_tab[v >> 18];
        *d++ = enc_tab[(v >> 12) & 63];
        *d++ = '=';
        *d++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        *d++ = enc_tab[v >> 18];
        *d++ = enc_tab[(v >> 12) & 63];
        *d++ = enc_tab[(v >> 6) & 63];
        *d++ = '=';
    }
    *d = '\0';
    return (size_t)(d - dst);
}

/* The offset of the first byte of s[0..n) outside the alphabet, or n. */
static size_t
first_bad(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dec_tab[s[i]] < 0)
            return i;
    return n;
}

/* The last group, c[0..4): two to four alphabet characters, then '='. */
static int
last_group(unsigned char *d, size_t *nd, const unsigned char *c, size_t at, size_t *bad)
{
    int v0 = dec_tab[c[0]], v1 = dec_tab[c[1]], v2 = dec_tab[c[2]], v3 = dec_tab[c[3]];
    size_t b = v0 < 0 ? 0 : v1 < 0 ? 1 : SIZE_MAX;

    if (b == SIZE_MAX && v2 < 0 && (c[2] != '=' || c[3] != '='))
        b = 2;
    if (b == SIZE_MAX && v3 < 0 && c[3] != '=')
        b = 3;
    if (b != SIZE_MAX) {
        if (bad)
            *bad = at + b;
        return NB_B64_E_CHAR;
    }
    d[0] = (unsigned char)(v0 << 2 | v1 >> 4);
    if (v2 < 0) { /* "xx==" */
        if (v1 & 0x0f)
            return NB_B64_E_BITS;
        *nd = 1;
        return NB_B64_OK;
    }
    d[1] = (unsigned char)((v1 & 0x0f) << 4 | v2 >> 2);
    if (v3 < 0) { /* "xxx=" */
        if (v2 & 0x03)
            return NB_B64_E_BITS;
        *nd = 2;
        return NB_B64_OK;
    }
    d[2] = (unsigned char)((v2 & 0x03) << 6 | v3);
    *nd = 3;
    return NB_B64_OK;
}

int
nb_b64_decode(void *dst, size_t *out_len, const char *src, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)src;
    unsigned char *d = dst;
    size_t i = 0, nd = 0;
    int rc;

    *out_len = 0;
    if (len % 4)
        return NB_B64_E_LENGTH;
    if (len == 0)
        return NB_B64_OK;
    for (; i + 4 < len; i += 4) {
        int a = dec_tab[s[i]], b = dec_tab[s[i + 1]], c = dec_tab[s[i + 2]], e = dec_tab[s[i + 3]];
        if ((a | b | c | e) < 0) {
            if (bad)
                *bad = i + first_bad(s + i, 4);
            return NB_B64_E_CHAR;
        }
        *d++ = (unsigned char)(a << 2 | b >> 4);
        *d++ = (unsigned char)((b & 0x0f) << 4 | c >> 2);
        *d++ = (unsigned char)((c & 0x03) << 6 | e);
    }
    rc = last_group(d, &nd, s + i, i, bad);
    if (rc)
        return rc;
    *out_len = (size_t)(d - (unsigned char *)dst) + nd;
    return NB_B64_OK;
}
