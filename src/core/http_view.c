/*
 * http_view.c: the small helpers of the HTTP view in http.h: finding a
 * request header or query parameter, and filling a response. Request
 * strings are borrowed from nb_http_req; what these helpers make lives in
 * the arena they are given, except the response body, which the response
 * owns (an nb_buf).
 */
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "http.h"
#include "limits.h"

const char *
nb_http_header(const nb_http_req *req, const char *lname)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcmp(req->headers[i].name, lname) == 0)
            return req->headers[i].value;
    return NULL;
}

/* Does the raw (still encoded) name of len bytes decode to name? Names
 * without escapes are compared in place; others are decoded into a. */
static int
name_is(nb_arena *a, const char *raw, size_t len, const char *name)
{
    if (!memchr(raw, '%', len) && !memchr(raw, '+', len))
        return strlen(name) == len && memcmp(raw, name, len) == 0;
    char *d = nb_arena_alloc(a, len + 1);
    if (!d)
        return 0;
    long n = nb_url_decode(d, raw, len, 1);
    return n >= 0 && strcmp(d, name) == 0 && (size_t)n == strlen(name);
}

const char *
nb_http_query_param(nb_arena *a, const nb_http_req *req, const char *name)
{
    const char *p = req->query ? req->query : "";
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t plen = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', plen);
        size_t nlen = eq ? (size_t)(eq - p) : plen;
        if (name_is(a, p, nlen, name)) {
            const char *v = eq ? eq + 1 : p + plen;
            size_t vlen = (size_t)(p + plen - v);
            char *d = nb_arena_alloc(a, vlen + 1);
            if (!d || nb_url_decode(d, v, vlen, 1) < 0)
                return NULL;
            return d;
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    return NULL;
}

int
nb_resp_header(nb_arena *a, nb_http_resp *resp, const char *name, const char *value)
{
    if (resp->nheaders >= NB_RESP_HEADERS_MAX)
        return NB_ENOMEM;
    char *n = nb_arena_strdup(a, name);
    char *v = nb_arena_strdup(a, value);
    if (!n || !v)
        return NB_ENOMEM;
    resp->headers[resp->nheaders].name = n;
    resp->headers[resp->nheaders].value = v;
    resp->nheaders++;
    return NB_OK;
}

void
nb_resp_drop_file(nb_http_resp *resp)
{
    if (resp->file && resp->file->fd >= 0)
        close(resp->file->fd);
    resp->file = NULL;
}

/* ctype is borrowed: a literal or an arena string that outlives resp. */
int
nb_resp_text(nb_http_resp *resp, int status, const char *ctype, const char *body, size_t len)
{
    if (resp->body.max == 0) /* a zeroed response: give it the usual bound */
        resp->body.max = NB_RESP_MAX;
    nb_buf_reset(&resp->body);
    nb_resp_drop_file(resp);
    int rc = nb_buf_add(&resp->body, body ? body : "", body ? len : 0);
    if (rc)
        return rc;
    resp->status = status;
    resp->content_type = ctype;
    return NB_OK;
}
