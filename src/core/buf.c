/*
 * buf.c: bounded growable buffer; growth doubles, the bound is checked
 * before any allocation.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

void
nb_buf_init(nb_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
nb_buf_free(nb_buf *b)
{
    nb_free(b->p);
    nb_buf_init(b, b->max);
}

void
nb_buf_reset(nb_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

/* Makes room for n more bytes and the NUL: doubling (from 256) when exact
 * is 0, to the byte when the caller knows the final size. */
static int
grow(nb_buf *b, size_t n, int exact)
{
    if (n > b->max || b->len > b->max - n)
        return NB_ENOMEM;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return NB_OK;
    size_t cap = exact ? need : b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = nb_realloc(b->p, cap);
    if (!p)
        return NB_ENOMEM;
    b->p = p;
    b->cap = cap;
    return NB_OK;
}

int
nb_buf_reserve(nb_buf *b, size_t n)
{
    return grow(b, n, 1);
}

int
nb_buf_add(nb_buf *b, const void *p, size_t n)
{
    int rc = grow(b, n, 0);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return NB_OK;
}

int
nb_buf_adds(nb_buf *b, const char *s)
{
    return nb_buf_add(b, s, strlen(s));
}

int
nb_buf_addc(nb_buf *b, char c)
{
    return nb_buf_add(b, &c, 1);
}

int
nb_buf_vaddf(nb_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NB_EINVAL;
    int rc = grow(b, (size_t)n, 0);
    if (rc)
        return rc;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return NB_OK;
}

int
nb_buf_addf(nb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nb_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *
nb_buf_take(nb_buf *b, size_t *len)
{
    char *p = b->p;
    if (len)
        *len = b->len;
    nb_buf_init(b, b->max);
    return p;
}
