/*
 * fuzz_chunked.c: libFuzzer target for the aws-chunked decoder
 * (core/chunked.c). The input is decoded twice, whole and split at a point
 * taken from its first byte; both runs must give the same bytes, the same
 * verdict and the same trailers, and the decoded data can never be longer
 * than the input. Seeds: fuzz/corpus/chunked/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct out {
    uint8_t *p; /* decoded bytes */
    size_t n;   /* how many */
    size_t cap; /* room */
} out;

static int
put(void *ud, const char *p, size_t n)
{
    out *o = ud;
    if (o->n + n > o->cap)
        abort(); /* more out than in */
    memcpy(o->p + o->n, p, n);
    o->n += n;
    return 0;
}

static nb_chunked c1, c2;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    out a = {malloc(size + 1), 0, size}, b = {malloc(size + 1), 0, size};
    size_t cut = size ? data[0] % (size + 1) : 0;
    nb_chunked_init(&c1);
    nb_chunked_feed(&c1, (const char *)data, size, put, &a);
    nb_chunked_init(&c2);
    nb_chunked_feed(&c2, (const char *)data, cut, put, &b);
    nb_chunked_feed(&c2, (const char *)data + cut, size - cut, put, &b);
    if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0 || c1.bad != c2.bad ||
        nb_chunked_complete(&c1) != nb_chunked_complete(&c2))
        abort(); /* the split changed the outcome */
    size_t p1 = 0, p2 = 0, l1, l2, v1, v2;
    const char *n1, *n2, *x1, *x2;
    for (;;) {
        int g1 = nb_chunked_trailer(&c1, &p1, &n1, &l1, &x1, &v1);
        int g2 = nb_chunked_trailer(&c2, &p2, &n2, &l2, &x2, &v2);
        if (g1 != g2 || (g1 && (l1 != l2 || v1 != v2 || memcmp(n1, n2, l1) || memcmp(x1, x2, v1))))
            abort();
        if (!g1)
            break;
    }
    free(a.p);
    free(b.p);
    return 0;
}
