/*
 * digest.h: message digests (MD5, SHA-1, SHA-256) and hex, for every
 * service that must hand out AWS's digests (SQS MD5OfMessageBody, S3
 * ETags and checksums, derived ids).
 *
 * OpenSSL 3 looks an algorithm up anew each time EVP_md5() and friends
 * are used with EVP_Digest(); here each is fetched once, at first use, and
 * kept for the life of the process.
 */
#ifndef NB_DIGEST_H
#define NB_DIGEST_H

#include <stddef.h>

typedef enum nb_digest_alg {
    NB_MD5,    /* 16 bytes */
    NB_SHA1,   /* 20 bytes */
    NB_SHA256, /* 32 bytes */
} nb_digest_alg;

#define NB_DIGEST_MAX 32 /* bytes of the longest digest */

/* The digest of n bytes at p into out (NB_DIGEST_MAX bytes of room);
 * returns its length, or 0 when OpenSSL failed. */
size_t nb_digest(nb_digest_alg alg, const void *p, size_t n, unsigned char *out);
/* The same as lower-case hex, NUL-terminated, into out (2 *
 * NB_DIGEST_MAX + 1 bytes of room); returns the hex length, or 0. */
size_t nb_digest_hex(nb_digest_alg alg, const void *p, size_t n, char *out);
/* A digest over bytes given in pieces: begin (NULL when OpenSSL failed),
 * update with each piece (0, or -1 on failure; its signature fits
 * nb_piece_fn, the ctx as ud), end with out (NB_DIGEST_MAX bytes of room;
 * NULL to abandon) which frees the context and returns the length. */
typedef struct nb_digest_ctx nb_digest_ctx;
nb_digest_ctx *nb_digest_begin(nb_digest_alg alg);
int nb_digest_update(void *ctx, const void *p, size_t n);
size_t nb_digest_end(nb_digest_ctx *ctx, unsigned char *out);
/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void nb_hex(const unsigned char *p, size_t n, char *out);

#endif
