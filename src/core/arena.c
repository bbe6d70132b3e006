/*
 * arena.c: a chain of blocks; allocation bumps a pointer in the newest
 * block and opens a bigger block when it is full. A request that makes a
 * very large string gets a block of its own. The total is bounded so that
 * no request can take unbounded memory.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "limits.h"
#include "mem.h"

typedef struct block {
    struct block *prev; /* older block, or NULL */
    size_t size;        /* usable bytes in data[] */
    size_t used;        /* bytes handed out from data[] */
    _Alignas(16) unsigned char data[];
} block;

struct nb_arena {
    block *head;  /* newest block */
    size_t total; /* bytes of all blocks' data */
    size_t max;   /* bound on total */
    size_t given; /* bytes handed out */
};

#define ARENA_FIRST 4096

static block *
block_new(size_t size)
{
    block *b = nb_malloc(sizeof(block) + size);
    if (!b)
        return NULL;
    b->prev = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

nb_arena *
nb_arena_new(size_t max)
{
    nb_arena *a = nb_calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->max = max ? max : NB_ARENA_MAX;
    return a;
}

void
nb_arena_free(nb_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *p = b->prev;
        nb_free(b);
        b = p;
    }
    nb_free(a);
}

void
nb_arena_reset(nb_arena *a)
{
    block *b = a->head;
    if (!b)
        return;
    while (b->prev) {
        block *p = b->prev;
        nb_free(b);
        b = p;
    }
    b->used = 0;
    a->head = b;
    a->total = b->size;
    a->given = 0;
}

void *
nb_arena_alloc(nb_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = b ? b->size * 2 : ARENA_FIRST;
        if (size < n)
            size = n;
        if (size > 1024 * 1024 && n <= 1024 * 1024)
            size = 1024 * 1024;
        if (a->total + size > a->max)
            return NULL;
        block *nb = block_new(size);
        if (!nb)
            return NULL;
        nb->prev = b;
        a->head = nb;
        a->total += size;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->given += n;
    return p;
}

void *
nb_arena_zalloc(nb_arena *a, size_t n)
{
    void *p = nb_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *
nb_arena_strndup(nb_arena *a, const char *s, size_t n)
{
    char *d = nb_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *
nb_arena_strdup(nb_arena *a, const char *s)
{
    return nb_arena_strndup(a, s, strlen(s));
}

char *
nb_arena_vprintf(nb_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *d = nb_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *
nb_arena_printf(nb_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = nb_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

size_t
nb_arena_used(const nb_arena *a)
{
    return a->given;
}
