/*
 * test_chunked.c: the aws-chunked decoder (core/chunked.c), fed each body
 * whole and then one byte at a time, since the server passes it whatever
 * split the network gives. Vectors in the form of the S3 API reference
 * (sigv4-streaming.html: "<hex size>;chunk-signature=<sig>\r\n<data>\r\n"
 * then a 0-size chunk; sigv4-streaming-trailers.html: unsigned chunks and
 * a trailing checksum header).
 */
#include <stdlib.h>
#include <string.h>

#include "core/chunked.h"
#include "t.h"

typedef struct sink {
    char out[256]; /* decoded bytes */
    size_t n;      /* how many */
} sink;

static int
collect(void *ud, const char *p, size_t n)
{
    sink *s = ud;
    if (s->n + n > sizeof(s->out))
        return 1;
    memcpy(s->out + s->n, p, n);
    s->n += n;
    return 0;
}

/* Decodes body whole (step 0) or in pieces of step bytes. */
static void
decode(nb_chunked *c, sink *s, const char *body, size_t step)
{
    size_t len = strlen(body);
    nb_chunked_init(c);
    memset(s, 0, sizeof(*s));
    if (!step)
        step = len;
    for (size_t off = 0; off < len; off += step)
        nb_chunked_feed(c, body + off, len - off < step ? len - off : step, collect, s);
}

static const char SIGNED[] =
    "6;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
    "hello \r\n"
    "5;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"
    "world\r\n"
    "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n"
    "\r\n";
static const char TRAILER[] = "A\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:rfMpfg==\r\n\r\n";

int
main(void)
{
    nb_chunked c;
    sink s;
    t_ok(nb_chunked_is("STREAMING-UNSIGNED-PAYLOAD-TRAILER", NULL), "streaming sha is chunked");
    t_ok(nb_chunked_is(NULL, "gzip, aws-chunked"), "aws-chunked encoding is chunked");
    t_ok(!nb_chunked_is("UNSIGNED-PAYLOAD", "gzip"), "others are not");

    for (size_t step = 0; step <= 1; step++) {
        const char *how = step ? " (byte by byte)" : " (whole)";
        char name[128];
        decode(&c, &s, SIGNED, step);
        snprintf(name, sizeof(name), "signed chunks joined, signatures dropped%s", how);
        t_ok(s.n == 11 && memcmp(s.out, "hello world", 11) == 0 && nb_chunked_complete(&c), name);

        decode(&c, &s, TRAILER, step);
        snprintf(name, sizeof(name), "unsigned chunks with a trailer%s", how);
        t_ok(s.n == 10 && memcmp(s.out, "0123456789", 10) == 0 && nb_chunked_complete(&c), name);
        size_t pos = 0, nl, vl;
        const char *n, *v;
        int got = nb_chunked_trailer(&c, &pos, &n, &nl, &v, &vl);
        snprintf(name, sizeof(name), "the trailer header read%s", how);
        t_ok(got && nl == 20 && !strncmp(n, "x-amz-checksum-crc32", nl) && vl == 8 &&
                 !strncmp(v, "rfMpfg==", vl),
             name);
        snprintf(name, sizeof(name), "one trailer only%s", how);
        t_ok(!nb_chunked_trailer(&c, &pos, &n, &nl, &v, &vl), name);

        decode(&c, &s, "A\r\n01234\r\n0\r\n\r\n", step);
        snprintf(name, sizeof(name), "a chunk shorter than its size is broken%s", how);
        t_ok(!nb_chunked_complete(&c), name);
        decode(&c, &s, "zz\r\nhello\r\n", step);
        snprintf(name, sizeof(name), "a bad chunk size is broken%s", how);
        t_ok(c.bad && !nb_chunked_complete(&c), name);
        decode(&c, &s, "5\r\nhello\r\n", step);
        snprintf(name, sizeof(name), "a body cut before its last chunk is incomplete%s", how);
        t_ok(!c.bad && !nb_chunked_complete(&c), name);
        decode(&c, &s, "5\r\nhello\r\n0\r\n", step);
        snprintf(name, sizeof(name), "a last chunk without the final CRLF is complete%s", how);
        t_ok(nb_chunked_complete(&c) && s.n == 5, name);
        decode(&c, &s, "1000000000000\r\n", step);
        snprintf(name, sizeof(name), "a size of 13 hex digits is refused%s", how);
        t_ok(c.bad, name);
    }

    /* A trailer longer than the decoder keeps breaks the body, not memory. */
    char *big = malloc(NB_CHUNKED_TRAILER_MAX + 64);
    strcpy(big, "0\r\nx-amz-checksum-crc32:");
    size_t l = strlen(big);
    memset(big + l, 'A', NB_CHUNKED_TRAILER_MAX);
    big[l + NB_CHUNKED_TRAILER_MAX] = '\0';
    decode(&c, &s, big, 0);
    t_ok(c.bad, "an oversized trailer is refused");
    free(big);
    return t_done();
}
