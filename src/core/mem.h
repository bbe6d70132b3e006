/*
 * mem.h: the only allocator entry points. Everything else in nimbus gets
 * memory from here or from an arena built on it, so that one place can
 * count, bound and (in debug builds) fail allocations on purpose.
 */
#ifndef NB_MEM_H
#define NB_MEM_H

#include "nb.h"

/* Each returns NULL on failure; callers turn that into NB_ENOMEM. */
void *nb_malloc(size_t n);
void *nb_calloc(size_t n, size_t size);
void *nb_realloc(void *p, size_t n);
/* nb_free(NULL) is a no-op. */
void nb_free(void *p);
/* A NUL-terminated copy of s (or of its first n bytes); caller frees. */
char *nb_strdup(const char *s);
char *nb_strndup(const char *s, size_t n);

/* Debug builds: fail the Nth allocation from now on (0 turns it off). */
void nb_mem_fail_at(unsigned long n);

#endif
