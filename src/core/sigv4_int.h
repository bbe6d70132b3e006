/*
 * sigv4_int.h: what the two halves of SigV4 share, private to sigv4.c
 * (parsing) and sigv4_verify.c (verification): byte helpers, the query
 * scan that finds the signing parameters, and the names both check.
 * Nothing here allocates but nb_sigv4_pct_decode, in the caller's arena.
 * sigv2.c (S3's older signatures) shares the checks' working state.
 */
#ifndef NB_SIGV4_INT_H
#define NB_SIGV4_INT_H

#include <string.h>

#include "arena.h"
#include "http.h"
#include "nb.h"
#include "sigv4.h"
#include "str.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"

static inline int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline char
lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Case-insensitive equality of a slice and a C string. */
static inline int
ieq(nb_str s, const char *c)
{
    size_t n = strlen(c);
    if (s.len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s.p[i]) != lower(c[i]))
            return 0;
    return 1;
}

static inline int
has_prefix(nb_str s, const char *pre)
{
    size_t n = strlen(pre);
    return s.len >= n && memcmp(s.p, pre, n) == 0;
}

static inline nb_str
trim(nb_str s)
{
    while (s.len && is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

static inline int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

typedef struct qpair {
    nb_str key; /* raw name, still percent-encoded */
    nb_str val; /* raw value; empty when the pair has no '=' */
} qpair;

/* The query parameters that carry credentials, by index into q_names (sigv4.c). */
enum {
    Q_ALG,     /* X-Amz-Algorithm */
    Q_CRED,    /* X-Amz-Credential */
    Q_SIG,     /* X-Amz-Signature */
    Q_SIGNED,  /* X-Amz-SignedHeaders */
    Q_DATE,    /* X-Amz-Date */
    Q_EXPIRES, /* X-Amz-Expires */
    Q_TOKEN,   /* X-Amz-Security-Token */
    Q_SHA,     /* X-Amz-Content-Sha256 (JavaScript SDK presigned URLs) */
    Q_REGIONS, /* X-Amz-Region-Set (SigV4a) */
    Q_V2KEY,   /* AWSAccessKeyId (SigV2) */
    Q_V2SIG,   /* Signature (SigV2) */
    Q_V2EXP,   /* Expires (SigV2) */
    Q_N
};

typedef struct qscan {
    nb_str raw[Q_N]; /* raw value of the first occurrence */
    int seen[Q_N];   /* the parameter is present */
} qscan;

/* Percent-decodes s into *out ('+' is a space when plus is set): the
 * slice itself when there is nothing to decode, else a copy in a. A
 * malformed escape is NB_EINVAL when strict, else kept as it is. */
int nb_sigv4_pct_decode(nb_arena *a, nb_str s, int plus, int strict, nb_str *out);
/* The value of the first header named lname (any case), or NULL. */
const char *nb_sigv4_find_header(const nb_http_req *req, const char *lname);
/* The next non-empty '&'-separated pair of q at or after *pos; 0 at the
 * end. */
int nb_sigv4_next_pair(nb_str q, size_t *pos, qpair *out);

/* The most pairs nb_sigv4_next_pair can find in q: one more than its '&'s. */
static inline size_t
nb_sigv4_max_pairs(nb_str q)
{
    size_t n = 1;
    for (size_t i = 0; i < q.len; i++)
        n += q.p[i] == '&';
    return n;
}
/* The first occurrence of each signing parameter in the raw query. */
void nb_sigv4_scan_query(const char *query, qscan *q);

/* A signature check's working state, shared by SigV4 (sigv4_verify.c) and
 * SigV2 (sigv2.c): strings go to the arena, a refusal to err (with its
 * extra fields); oom notes a failed allocation, which callers turn into
 * NB_ENOMEM at the end. Defined in sigv4_verify.c. */
typedef struct nb_sig_ctx {
    nb_arena *a;               /* where messages and canonical strings go */
    const nb_http_req *req;    /* the request */
    const nb_sigv4_auth *auth; /* what parsing found */
    int style;                 /* an nb_sigv4_style */
    int bucket;                /* style is NB_SIGV4_STYLE_BUCKET */
    int oom;                   /* an allocation failed */
    int64_t t;                 /* request time, epoch seconds */
    int64_t now;               /* server clock, epoch seconds */
    char amz[32];              /* request time, basic ISO 8601 */
    nb_sigv4_err *err;         /* the answer */
} nb_sig_ctx;

/* A string in c's arena ("" and oom set when that fails). */
const char *nb_sig_afmt(nb_sig_ctx *c, const char *fmt, ...) NB_PRINTF(2, 3);
/* Sets the refusal: code, HTTP status, message; returns NB_EAWS. */
int nb_sig_fail(nb_sig_ctx *c, const char *code, int status, const char *msg);
/* Adds an extra field to the refusal (S3's StringToSign, say). */
void nb_sig_field(nb_sig_ctx *c, const char *name, const char *value);

#endif
