/*
 * base64.h: standard base64 (RFC 4648 section 4, "+/" alphabet, "="
 * padding), for the codecs' blob members and anything else that carries
 * bytes in text. Encoding always pads. Decoding is strict, the way AWS's
 * JSON services are (DynamoDB refuses a length that is not a multiple of
 * 4, characters outside the alphabet, "=" before the end, and non-zero
 * bits in the last character before the padding): no whitespace, no
 * URL-safe alphabet, no missing padding. Nothing here allocates.
 */
#ifndef NB_BASE64_H
#define NB_BASE64_H

#include "nb.h"

/* Why a decode failed (nb_b64_decode). */
enum nb_b64_err {
    NB_B64_OK = 0,
    NB_B64_E_LENGTH, /* length is not a multiple of 4 */
    NB_B64_E_CHAR,   /* a byte outside the alphabet, or "=" misplaced */
    NB_B64_E_BITS,   /* the last character before "=" has non-zero spare bits */
};

/* Bytes the encoding of n bytes takes (padding included, NUL not), or 0
 * when that would overflow size_t. */
size_t nb_b64_enc_len(size_t n);
/* Bytes that decoding len characters can produce at most. */
static inline size_t
nb_b64_dec_max(size_t len)
{
    return len / 4 * 3;
}

/* Writes the encoding of src[0..n) to dst, which must hold
 * nb_b64_enc_len(n) + 1 bytes; NUL-terminates it and returns its length. */
size_t nb_b64_encode(char *dst, const void *src, size_t n);

/* Decodes src[0..len) into dst (room for nb_b64_dec_max(len) bytes) and
 * sets *out_len. Returns NB_B64_OK or an enum nb_b64_err; on
 * NB_B64_E_CHAR, *bad (if not NULL) is the offset of the offending byte.
 * dst may be partly written on failure. */
int nb_b64_decode(void *dst, size_t *out_len, const char *src, size_t len, size_t *bad);

#endif
