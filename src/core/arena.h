/*
 * arena.h: a region allocator (nginx r->pool). A call's request tree, its
 * result tree and every string made while serving it live in the call's
 * arena, which is freed once when the response has been queued. Nothing
 * allocated from an arena is freed on its own.
 */
#ifndef NB_ARENA_H
#define NB_ARENA_H

#include <stdarg.h>

#include "nb.h"
#include "str.h"

/* A new arena that refuses to grow past max bytes in all (0: no bound
 * beyond NB_ARENA_MAX in limits.h). Returns NULL on failure. */
nb_arena *nb_arena_new(size_t max);
/* Frees every block. nb_arena_free(NULL) is a no-op. */
void nb_arena_free(nb_arena *a);
/* Drops everything but keeps the first block for reuse. */
void nb_arena_reset(nb_arena *a);

/* n bytes aligned for any type, or NULL past the bound. */
void *nb_arena_alloc(nb_arena *a, size_t n);
void *nb_arena_zalloc(nb_arena *a, size_t n);
/* NUL-terminated copies in the arena. */
char *nb_arena_strndup(nb_arena *a, const char *s, size_t n);
char *nb_arena_strdup(nb_arena *a, const char *s);
char *nb_arena_printf(nb_arena *a, const char *fmt, ...) NB_PRINTF(2, 3);
char *nb_arena_vprintf(nb_arena *a, const char *fmt, va_list ap);
/* Bytes handed out so far (for logs and limits). */
size_t nb_arena_used(const nb_arena *a);

#endif
