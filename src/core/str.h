/*
 * str.h: nb_str, a borrowed slice of bytes (nginx ngx_str_t). It is not
 * NUL-terminated and owns nothing; whoever made the bytes frees them.
 */
#ifndef NB_STR_H
#define NB_STR_H

#include <string.h>

#include "nb.h"

typedef struct nb_str {
    const char *p; /* first byte; may be NULL when len is 0 */
    size_t len;    /* number of bytes */
} nb_str;

#define NB_STR(lit) ((nb_str){(lit), sizeof(lit) - 1})
#define NB_NULL_STR ((nb_str){NULL, 0})

static inline nb_str
nb_str_c(const char *s)
{
    return (nb_str){s, s ? strlen(s) : 0};
}

static inline int
nb_str_eq(nb_str a, nb_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline int
nb_str_eqc(nb_str a, const char *c)
{
    return nb_str_eq(a, nb_str_c(c));
}

#endif
