/*
 * rest_route.h: finding the operation of a REST request (restJson1,
 * restXml) from its method, path and query string, by the operations'
 * requestUri templates: "/2015-03-31/functions/{FunctionName}/invocations",
 * "/{Bucket}/{Key+}?uploads", "/{Bucket}?list-type=2".
 *
 * A template has literal segments, labels "{Name}" (one non-empty path
 * segment) and greedy labels "{Name+}" (one or more segments, slashes
 * kept), then optional query requirements: a bare key ("?uploads") must be
 * present, "key=value" must be present with that value. Many operations
 * share a template (S3: PutObject, CopyObject, UploadPart, UploadPartCopy
 * are all "PUT /{Bucket}/{Key+}" in botocore's model); the most specific
 * match wins, in this order:
 *   1. more literal path segments,
 *   2. more query requirements in the template,
 *   3. a non-greedy template over a greedy one,
 *   4. every required query/header member of the input shape present
 *      (UploadPart needs partNumber and uploadId, CopyObject needs
 *      x-amz-copy-source) over some missing, then more of them present,
 *      then more of its optional query/header members present (S3
 *      ListDirectoryBuckets' max-directory-buckets over ListBuckets),
 *   5. the caller's preference (an implemented operation), then the
 *      first in the model's table (sorted by name).
 * Only templates whose method is the request's are candidates; a path
 * that matches some template under another method is told apart, since
 * S3 answers 405 MethodNotAllowed there and others 404.
 *
 * The templates of a model are compiled once, on first use, into a table
 * allocated with nb_malloc and kept for the life of the process (the core
 * is single-threaded: see guide section 1). Label names point into the
 * model's const strings; label values are percent-decoded into the arena.
 */
#ifndef NB_REST_ROUTE_H
#define NB_REST_ROUTE_H

#include "http.h"
#include "model.h"
#include "nb.h"

/* Labels in one template, at most. AWS: in botocore 1.43.11's REST
 * models the most is five (lexv2-models DeleteSlot); API Gateway has
 * four, Lambda three. Templates with more are skipped with a warning. */
#define NB_REST_LABELS_MAX 8

typedef struct nb_rest_label {
    const char *name;  /* label name as in the template, "Key" for {Key+} */
    const char *value; /* percent-decoded value in the arena, NUL after */
    size_t len;        /* bytes in value (it may hold a NUL from %00) */
} nb_rest_label;

/* Why a request matched no operation. */
enum nb_rest_miss {
    NB_REST_HIT = 0,   /* an operation was found */
    NB_REST_NO_PATH,   /* no template matches path and query */
    NB_REST_NO_METHOD, /* some template matches, but not for this method */
    NB_REST_BAD_URI,   /* a label or the query has a malformed escape */
};

/* One query parameter, percent-decoded ('+' is a space), NUL-terminated. */
typedef struct nb_rest_qparam {
    const char *key; /* name; "" for "=v" */
    size_t klen;     /* bytes in key */
    const char *val; /* value; "" for a bare key ("?uploads") */
    size_t vlen;     /* bytes in val */
    int bare;        /* 1 when there was no '=' */
    int literal;     /* 1 when the matched requestUri names this key */
} nb_rest_qparam;

typedef struct nb_rest_match {
    const nb_operation *op;                   /* the operation, or NULL */
    nb_rest_label labels[NB_REST_LABELS_MAX]; /* its labels, in template order */
    size_t nlabels;                           /* labels used */
    int miss;                                 /* enum nb_rest_miss */
    nb_rest_qparam *query;                    /* the parsed query, arena */
    size_t nquery;                            /* pairs in query */
} nb_rest_match;

/* Splits a raw query string ("a=1&b&c=%20") into decoded pairs in arena
 * a, in order, skipping empty pieces. Returns NB_OK, NB_EINVAL on a
 * malformed escape (nothing is returned then), or NB_ENOMEM (also when
 * there are more than NB_LIST_MAX pairs). */
int nb_rest_query_parse(nb_arena *a, const char *query, nb_rest_qparam **out, size_t *n);

/* Among equally specific candidates, prefer ops for which this returns 1
 * (e.g. those the service implements). May be NULL. */
typedef int (*nb_rest_prefer_fn)(const nb_operation *op, void *ud);

/* A preference for nb_rest_route: ud is an nb_service; 1 when it
 * implements op (S3's GetBucketLifecycle and GetBucketLifecycleConfiguration
 * are the same request: the one with a handler wins). */
int nb_rest_prefer_implemented(const nb_operation *op, void *svc);

/* Matches req (method, url, query and, for rule 4, headers) against the
 * templates of m. Returns NB_OK with out->op set; NB_ENOTFOUND with
 * out->miss saying why; NB_ENOMEM. Label values live in arena a. */
int nb_rest_route(nb_arena *a, const nb_model *m, const nb_http_req *req, nb_rest_prefer_fn prefer,
                  void *ud, nb_rest_match *out);

/* Matches req against the template of one given operation (for a codec
 * that resolved the operation earlier and now needs its labels): labels
 * and query as nb_rest_route gives them, method and query requirements
 * not checked. NB_OK; NB_ENOTFOUND when the path does not fit (out->miss
 * NB_REST_NO_PATH) or has a bad escape (NB_REST_BAD_URI); NB_ENOMEM. */
int nb_rest_route_op(nb_arena *a, const nb_model *m, const nb_operation *op, const nb_http_req *req,
                     nb_rest_match *out);

/* The value of label name in a match, or NULL. */
const nb_rest_label *nb_rest_label_get(const nb_rest_match *mt, const char *name);

/* For the router: whether any template of m matches the percent-encoded
 * path (the query, method and headers are not looked at). Returns -1 when
 * none does, else the number of literal segments of the most specific
 * matching template, so that a path claimed by several models goes to
 * the one that names it most precisely (Lambda's "/2015-03-31/functions"
 * scores 2 where S3's "/{Bucket}/{Key+}" scores 0). NB_ENOMEM (< -1) when
 * the model's table cannot be compiled. */
int nb_rest_path_score(const nb_model *m, const char *path, size_t len);

/* Frees every compiled table (for leak checkers at exit; tests). */
void nb_rest_route_cleanup(void);

#endif
