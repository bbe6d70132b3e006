/*
 * fake_http.h: TEST ONLY. Builders for the HTTP side of a REST codec
 * test (test_proto_bind.c, test_proto_rest_json.c, test_proto_rest_xml.c):
 * a request from a method, "path?query", "Name: value" header lines and
 * a body, and small readers of a response. Strings live in the call's
 * arena; the headers of the last request built live in a static array.
 * Include it from exactly one file of a test program, after fake_call.h.
 */
#ifndef NB_FAKE_HTTP_H
#define NB_FAKE_HTTP_H

#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/call.h"
#include "core/http.h"
#include "core/limits.h"

#define FAKE_HTTP_HEADERS 16

static nb_header fake_http_hdrs[FAKE_HTTP_HEADERS]; /* the last request's headers */

/* A request: url may carry "?query"; h is NULL or NULL-terminated lines
 * "Name: value", whose names are lower-cased as the server does before
 * they reach a codec; body is blen bytes, or NULL for none. */
static inline nb_http_req
fake_http_req(nb_call *c, const char *method, const char *url, const char *const *h,
              const char *body, size_t blen)
{
    nb_http_req r = {0};
    const char *q = strchr(url, '?');
    r.method = method;
    r.url = q ? nb_arena_strndup(c->arena, url, (size_t)(q - url)) : url;
    r.query = q ? q + 1 : "";
    size_t n = 0;
    for (; h && h[n] && n < FAKE_HTTP_HEADERS; n++) {
        const char *colon = strchr(h[n], ':');
        char *name = nb_arena_strndup(c->arena, h[n], (size_t)(colon - h[n]));
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        fake_http_hdrs[n].name = name;
        fake_http_hdrs[n].value = colon + 2;
    }
    r.headers = fake_http_hdrs;
    r.nheaders = n;
    r.body = body ? body : "";
    r.body_len = body ? blen : 0;
    return r;
}

/* The value of response header `name` (any case), or NULL. */
static inline const char *
fake_http_header(const nb_http_resp *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* An empty response with a body bounded as the server bounds it. */
static inline void
fake_http_resp_init(nb_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    nb_buf_init(&r->body, NB_RESP_MAX);
}

/* The response body as a string ("" when none was written). */
static inline const char *
fake_http_body(const nb_http_resp *r)
{
    return r->body.p ? r->body.p : "";
}

#endif
