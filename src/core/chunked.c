/*
 * chunked.c: the aws-chunked decoder (chunked.h), a state machine fed
 * any split of the body, one byte at a time if need be.
 */
#include <string.h>
#include <strings.h>

#include "chunked.h"

enum {
    S_SIZE,    /* hex digits of a chunk size */
    S_EXT,     /* ";chunk-signature=..." up to CR */
    S_SIZE_LF, /* the LF after the size line */
    S_DATA,    /* chunk bytes */
    S_DATA_CR, /* CR after the data */
    S_DATA_LF, /* LF after the data */
    S_TRAILER, /* trailer lines after the last chunk */
    S_DONE,    /* the final empty line was read: the rest is ignored */
};

int
nb_chunked_is(const char *sha, const char *ce)
{
    return (sha && strncmp(sha, "STREAMING-", 10) == 0) || (ce && strstr(ce, "aws-chunked"));
}

void
nb_chunked_init(nb_chunked *c)
{
    memset(c, 0, sizeof(*c));
    c->state = S_SIZE;
}

static int
hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = (char)(ch | 32);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* The trailer's own end: an empty line. */
static int
trailer_done(const nb_chunked *c)
{
    if (c->tlen == 2)
        return memcmp(c->trailer, "\r\n", 2) == 0;
    return c->tlen >= 4 && memcmp(c->trailer + c->tlen - 4, "\r\n\r\n", 4) == 0;
}

int
nb_chunked_feed(nb_chunked *c, const char *p, size_t n, nb_chunked_out out, void *ud)
{
    const char *end = p + n;
    while (p < end && !c->bad) {
        char ch = *p;
        switch (c->state) {
        case S_SIZE: {
            int v = hexval(ch);
            if (v >= 0 && c->digits < 12) {
                c->left = c->left * 16 + (uint64_t)v;
                c->digits++;
                p++;
            } else if (c->digits && (ch == ';' || ch == '\r')) {
                c->state = S_EXT;
            } else {
                c->bad = 1;
            }
            break;
        }
        case S_EXT: {
            const char *cr = memchr(p, '\r', (size_t)(end - p));
            p = cr ? cr + 1 : end;
            if (cr)
                c->state = S_SIZE_LF;
            break;
        }
        case S_SIZE_LF:
            if (ch != '\n') {
                c->bad = 1;
                break;
            }
            p++;
            c->state = c->left ? S_DATA : S_TRAILER;
            break;
        case S_DATA: {
            size_t k = (size_t)(end - p);
            if ((uint64_t)k > c->left)
                k = (size_t)c->left;
            int rc = out(ud, p, k);
            if (rc)
                return rc;
            p += k;
            c->left -= k;
            if (!c->left)
                c->state = S_DATA_CR;
            break;
        }
        case S_DATA_CR:
        case S_DATA_LF:
            if (ch != (c->state == S_DATA_CR ? '\r' : '\n')) {
                c->bad = 1;
                break;
            }
            p++;
            if (c->state == S_DATA_LF) {
                c->state = S_SIZE;
                c->digits = 0;
            } else {
                c->state = S_DATA_LF;
            }
            break;
        case S_TRAILER:
            if (c->tlen == sizeof(c->trailer)) {
                c->bad = 1;
                break;
            }
            c->trailer[c->tlen++] = ch;
            p++;
            if (trailer_done(c))
                c->state = S_DONE;
            break;
        default: /* S_DONE */
            p = end;
            break;
        }
    }
    return 0;
}

int
nb_chunked_complete(const nb_chunked *c)
{
    return !c->bad && (c->state == S_TRAILER || c->state == S_DONE);
}

int
nb_chunked_trailer(const nb_chunked *c, size_t *pos, const char **name, size_t *nlen,
                   const char **value, size_t *vlen)
{
    const char *t = c->trailer, *end = t + c->tlen;
    for (const char *p = t + *pos; p < end;) {
        const char *eol = p;
        while (eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n'))
            eol++;
        if (eol + 1 >= end)
            eol = end; /* a last line without its CRLF */
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        *pos = (size_t)(eol - t) + (eol < end ? 2 : 0);
        if (!colon || colon == p) {
            p = t + *pos;
            continue;
        }
        const char *v = colon + 1;
        while (v < eol && *v == ' ')
            v++;
        *name = p;
        *nlen = (size_t)(colon - p);
        *value = v;
        *vlen = (size_t)(eol - v);
        return 1;
    }
    return 0;
}
