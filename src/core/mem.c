/*
 * mem.c: the only file that calls malloc and free (checksrc RAWALLOC). It
 * can fail the Nth allocation on request (curl's -t), so tests can prove
 * that every caller survives out-of-memory.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static unsigned long fail_at; /* 0: never; else fail when countdown hits 0 */

void
nb_mem_fail_at(unsigned long n)
{
    fail_at = n;
}

static int
should_fail(void)
{
    if (fail_at == 0)
        return 0;
    return --fail_at == 0;
}

void *
nb_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *
nb_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *
nb_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void
nb_free(void *p)
{
    free(p);
}

char *
nb_strndup(const char *s, size_t n)
{
    char *d = nb_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *
nb_strdup(const char *s)
{
    return nb_strndup(s, strlen(s));
}
