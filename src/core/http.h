/*
 * http.h: the narrow view of an HTTP exchange that the rest of nimbus sees.
 * server.c fills nb_http_req from libmicrohttpd and sends nb_http_resp; no
 * other file knows the HTTP library. Raw routes (health, reset, and later
 * the Lambda Runtime API) use these views directly.
 *
 * Everything in both structs lives in the call's arena, except the
 * response body, which the response owns (an nb_buf) until it is sent.
 */
#ifndef NB_HTTP_H
#define NB_HTTP_H

#include "buf.h"
#include "nb.h"
#include "str.h"

typedef struct nb_header {
    const char *name;  /* lower-case name in requests; as sent in responses */
    const char *value; /* value, NUL-terminated */
} nb_header;

struct nb_http_req {
    const char *method;    /* "GET", "POST", ... */
    const char *url;       /* path as sent, still percent-encoded, no query */
    const char *query;     /* raw query string after '?', "" when none */
    const char *host;      /* Host header, or "" */
    nb_header *headers;    /* every header, names lower-cased */
    size_t nheaders;       /* number of headers */
    const char *body;      /* request body (NUL after it), "" when none or spooled */
    size_t body_len;       /* bytes in the body, in memory or spooled */
    const char *body_path; /* a large body is spooled to this file instead
                              (server.c), and body is ""; or NULL */
    int body_bad;          /* an aws-chunked body whose coding is broken or
                              was cut short (the codec says IncompleteBody) */
    uint16_t local_port;   /* port the request came in on */
};

/* The first header named lname (lower case), or NULL. */
const char *nb_http_header(const nb_http_req *req, const char *lname);
/* The first query parameter named name, percent-decoded into arena a
 * (NULL when absent). */
const char *nb_http_query_param(nb_arena *a, const nb_http_req *req, const char *name);

#define NB_RESP_HEADERS_MAX 32

struct nb_http_resp {
    int status;                             /* HTTP status code */
    nb_header headers[NB_RESP_HEADERS_MAX]; /* extra headers; arena strings */
    size_t nheaders;                        /* number used */
    const char *content_type;               /* Content-Type, or NULL for none */
    nb_buf body;                            /* owned; freed after sending */
    struct nb_http_file *file;              /* or a body sent from a file */
};

/* A response body read from a file (an S3 object too large for memory):
 * the server sends len bytes from off and closes fd. */
typedef struct nb_http_file {
    int fd;      /* open for reading; owned by the response */
    int64_t off; /* first byte */
    int64_t len; /* bytes */
} nb_http_file;

/* Adds a response header (name and value copied into arena a). */
int nb_resp_header(nb_arena *a, nb_http_resp *resp, const char *name, const char *value);
/* Closes and forgets a body from a file, if the response had one. */
void nb_resp_drop_file(nb_http_resp *resp);
/* Sets status, content type and a copied body in one go (any body from a
 * file is dropped). */
int nb_resp_text(nb_http_resp *resp, int status, const char *ctype, const char *body, size_t len);

/* Percent-decoding (form and URI): '+' becomes a space when plus is set.
 * Returns the decoded length, or -1 on a malformed escape. dst must hold
 * len + 1 bytes; it is NUL-terminated. */
long nb_url_decode(char *dst, const char *src, size_t len, int plus);

#endif
