/*
 * url.c: percent-decoding for form bodies, query strings and URI paths
 * (nb_url_decode in http.h). It owns no memory: the caller gives the
 * destination, which is never longer than the source.
 */
#include "http.h"

static int
hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A '%' must be followed by two hex digits (RFC 3986 section 2.1); a
 * lone or short escape is refused rather than passed through, so that
 * one byte string never has two readings. */
long
nb_url_decode(char *dst, const char *src, size_t len, int plus)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '%') {
            int hi, lo;
            if (len - i < 3 || (hi = hexval((unsigned char)src[i + 1])) < 0 ||
                (lo = hexval((unsigned char)src[i + 2])) < 0) {
                dst[j] = '\0';
                return -1;
            }
            dst[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+' && plus) {
            dst[j++] = ' ';
        } else {
            dst[j++] = (char)c;
        }
    }
    dst[j] = '\0';
    return (long)j;
}
