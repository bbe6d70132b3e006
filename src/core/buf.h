/*
 * buf.h: a growable byte buffer with a bound set when it is made (curl
 * dynbuf). Appending past the bound fails with NB_ENOMEM and leaves the
 * buffer as it was. The buffer owns its bytes; nb_buf_free releases them.
 */
#ifndef NB_BUF_H
#define NB_BUF_H

#include <stdarg.h>

#include "nb.h"
#include "str.h"

typedef struct nb_buf {
    char *p;    /* bytes, always NUL-terminated when len > 0; may be NULL */
    size_t len; /* bytes in use, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* bound on len */
} nb_buf;

void nb_buf_init(nb_buf *b, size_t max);
void nb_buf_free(nb_buf *b);
void nb_buf_reset(nb_buf *b);
int nb_buf_add(nb_buf *b, const void *p, size_t n);
/* Room for n more bytes (and the NUL) in one allocation of just that size,
 * when the final size is known: no doubling, no copy on the way. */
int nb_buf_reserve(nb_buf *b, size_t n);
int nb_buf_adds(nb_buf *b, const char *s);
int nb_buf_addc(nb_buf *b, char c);
int nb_buf_addf(nb_buf *b, const char *fmt, ...) NB_PRINTF(2, 3);
int nb_buf_vaddf(nb_buf *b, const char *fmt, va_list ap);
/* Hands the bytes to the caller (free with nb_free) and empties b. */
char *nb_buf_take(nb_buf *b, size_t *len);
static inline nb_str
nb_buf_str(const nb_buf *b)
{
    return (nb_str){b->p, b->len};
}

#endif
