/*
 * nb.h: the few definitions every nimbus file needs: return codes, the
 * assertion helpers, and forward declarations of the core types. Include it
 * first. It owns nothing and allocates nothing.
 */
#ifndef NB_H
#define NB_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes. A function that can fail returns int: NB_OK or a negative
 * NB_E*. NB_PENDING is the one positive code: a handler that will finish
 * later with nb_call_done(). */
#define NB_OK 0
#define NB_PENDING 1
#define NB_EAWS (-1)      /* an AWS error is set on the call (nb_fail) */
#define NB_ENOMEM (-2)    /* out of memory or over a bound */
#define NB_EINTERNAL (-3) /* a bug or an unexpected library failure */
#define NB_EIO (-4)       /* a system call failed; errno says why */
#define NB_ENOTFOUND (-5) /* a lookup found nothing (no AWS error set) */
#define NB_EINVAL (-6)    /* bad input to an internal function */

/* Defensive checks on conditions that "cannot happen" (SQLite). In debug
 * and sanitizer builds they abort; in release they are evaluated. */
#ifdef NDEBUG
#define NB_ALWAYS(x) (x)
#define NB_NEVER(x) (x)
#else
#define NB_ALWAYS(x) ((x) ? 1 : (assert(0), 0))
#define NB_NEVER(x) ((x) ? (assert(0), 1) : 0)
#endif

#define NB_UNUSED(x) ((void)(x))
#define NB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define NB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NB_PRINTF(f, a)
#endif

typedef struct nb_arena nb_arena;
typedef struct nb_value nb_value;
typedef struct nb_call nb_call;
typedef struct nb_model nb_model;
typedef struct nb_shape nb_shape;
typedef struct nb_member nb_member;
typedef struct nb_operation nb_operation;
typedef struct nb_service nb_service;
typedef struct nb_store nb_store;
typedef struct nb_http_req nb_http_req;
typedef struct nb_http_resp nb_http_resp;

#endif
