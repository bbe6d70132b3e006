/*
 * chunked.h: the aws-chunked content coding of SigV4 streaming uploads,
 * undone as the bytes arrive, so that a body of any size passes through
 * without being held. AWS (S3 API reference, sigv4-streaming.html and
 * sigv4-streaming-trailers.html): x-amz-content-sha256 is
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] or
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER, or Content-Encoding names
 * aws-chunked; the body is chunks "<hex size>[;chunk-signature=<sig>]\r\n
 * <data>\r\n" ending with a zero-size chunk, then optional trailer lines
 * "name:value\r\n" and a final "\r\n" (which some clients leave out).
 * Chunk signatures are not checked.
 */
#ifndef NB_CHUNKED_H
#define NB_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of trailer text kept (AWS sends one checksum header). */
#define NB_CHUNKED_TRAILER_MAX 4096

typedef struct nb_chunked {
    int state;                            /* where in the grammar (chunked.c) */
    int digits;                           /* hex digits of the size read so far */
    uint64_t left;                        /* bytes of the current chunk still to come */
    int bad;                              /* the coding is broken: the rest is ignored */
    size_t tlen;                          /* bytes in trailer */
    char trailer[NB_CHUNKED_TRAILER_MAX]; /* the trailer lines as sent */
} nb_chunked;

/* Sink for decoded data: returns 0, or non-zero to stop (then returned). */
typedef int (*nb_chunked_out)(void *ud, const char *p, size_t n);

/* 1 when the request's headers say its body is aws-chunked (either value
 * may be NULL). */
int nb_chunked_is(const char *content_sha256, const char *content_encoding);
void nb_chunked_init(nb_chunked *c);
/* Decodes n more bytes, passing data to out. A coding error sets c->bad
 * (and is not an error of this call); out's non-zero return is. */
int nb_chunked_feed(nb_chunked *c, const char *p, size_t n, nb_chunked_out out, void *ud);
/* After the last byte: 1 when the body ended where the coding says it
 * does (the zero-size chunk was read), else 0. */
int nb_chunked_complete(const nb_chunked *c);
/* The trailer lines: from *pos (0 at first), the next "name:value" line's
 * name and value (spaces after the colon skipped) and 1, or 0 at the end. */
int nb_chunked_trailer(const nb_chunked *c, size_t *pos, const char **name, size_t *nlen,
                       const char **value, size_t *vlen);

#endif
