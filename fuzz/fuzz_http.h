/*
 * fuzz_http.h: what the REST codec fuzz targets (fuzz_rest_json.c,
 * fuzz_rest_xml.c) share: the text form of an HTTP request ("METHOD
 * /path?query\n", then "name: value\n" header lines up to an empty line,
 * then the body) split into an nb_http_req, and the run of one input
 * through a codec: route, decode, validate, then encode the decoded tree
 * back as if it were the result (a tree that does not fit the output
 * shape must not crash the encoder either), or encode the error. Included
 * once by each target after fake_call.h and its fixture tables.
 */
#ifndef NB_FUZZ_HTTP_H
#define NB_FUZZ_HTTP_H

#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/limits.h"
#include "core/model.h"
#include "core/proto.h"
#include "core/rest_route.h"
#include "core/value.h"

#define FUZZ_HEADERS 16

/* Splits the text request into req; strings live in the call's arena. */
static int
split(nb_call *call, const char *p, size_t n, nb_http_req *req, nb_header *hs)
{
    const char *end = p + n, *nl = memchr(p, '\n', n);
    const char *line_end = nl ? nl : end;
    const char *sp = memchr(p, ' ', (size_t)(line_end - p));
    const char *target = sp ? sp + 1 : p;
    const char *q = memchr(target, '?', (size_t)(line_end - target));
    req->method = sp ? nb_arena_strndup(call->arena, p, (size_t)(sp - p)) : "GET";
    req->url = nb_arena_strndup(call->arena, target, (size_t)((q ? q : line_end) - target));
    req->query = q ? nb_arena_strndup(call->arena, q + 1, (size_t)(line_end - q - 1)) : "";
    p = nl ? nl + 1 : end;
    while (p < end && *p != '\n' && req->nheaders < FUZZ_HEADERS) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *le = e ? e : end, *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            char *name = nb_arena_strndup(call->arena, p, (size_t)(colon - p));
            const char *v = colon + 1 < le && colon[1] == ' ' ? colon + 2 : colon + 1;
            for (char *c = name; c && *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
            hs[req->nheaders].name = name;
            hs[req->nheaders].value = nb_arena_strndup(call->arena, v, (size_t)(le - v));
            if (!name || !hs[req->nheaders].value)
                return NB_ENOMEM;
            req->nheaders++;
        }
        p = e ? e + 1 : end;
    }
    if (p < end && *p == '\n')
        p++;
    req->headers = hs;
    req->body = nb_arena_strndup(call->arena, p, (size_t)(end - p));
    req->body_len = (size_t)(end - p);
    return req->method && req->url && req->query && req->body ? NB_OK : NB_ENOMEM;
}

/* One input: routed, decoded, validated, then encoded back (file
 * comment of each target). Always 0, as libFuzzer wants. */
static int
fuzz_http_run(const nb_model *m, const nb_proto *proto, const uint8_t *data, size_t size)
{
    nb_header hs[FUZZ_HEADERS];
    nb_http_req req;
    nb_http_resp resp;
    nb_value *in = NULL;
    nb_call *call;
    int rc;

    if (size > NB_BODY_MAX)
        return 0;
    call = fake_call_new(m);
    if (!call)
        return 0;
    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    nb_buf_init(&resp.body, NB_RESP_MAX);
    rc = split(call, (const char *)data, size, &req, hs);
    call->http = &req;
    if (rc == NB_OK) {
        (void)nb_rest_path_score(m, req.url, strlen(req.url));
        rc = proto->resolve(call, m, &req, &call->op);
    }
    if (rc == NB_OK)
        rc = proto->decode(call, &req, &in);
    if (rc == NB_OK && call->op->input != NB_NO_SHAPE)
        rc = nb_model_validate(call, m, call->op->input, in);
    if (rc == NB_OK)
        rc = proto->encode(call, in, &resp);
    else if (rc == NB_EAWS)
        rc = proto->encode_error(call, &resp);
    nb_buf_free(&resp.body);
    fake_call_free(call);
    return 0;
}

#endif
