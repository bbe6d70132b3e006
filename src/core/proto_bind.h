/*
 * proto_bind.h: the HTTP bindings that restJson1 and restXml share, from
 * the model's "location" traits: path labels ("uri"), query parameters
 * ("querystring"), single headers ("header"), header prefix maps
 * ("headers", S3's x-amz-meta-*), the status code ("statusCode") and the
 * "payload" member. The body format is the codec's business; everything
 * else about a REST request and response is done here, once.
 *
 * Wire conventions, from botocore (serialize.py BaseRestSerializer,
 * parsers.py BaseRestParser) and Smithy's HTTP binding traits
 * (smithy.io/2.0/spec/http-bindings.html):
 *   - timestamps are HTTP dates in headers and ISO 8601 in labels and
 *     query strings, unless the member or shape says timestampFormat;
 *   - booleans are "true"/"false"; blobs are base64 outside the body;
 *   - a list in a header is comma-separated, items holding ',' or '"'
 *     quoted ("a, \"b,c\""); in the query it is the key repeated;
 *   - a "jsonvalue" string header holds base64 of JSON text;
 *   - a map bound to the query without a name takes every parameter no
 *     other member took (Smithy httpQueryParams);
 *   - header names compare without case; a prefix map's keys are the
 *     header names after the prefix, lower-case as received.
 *
 * Strings made here live in the call's arena.
 */
#ifndef NB_PROTO_BIND_H
#define NB_PROTO_BIND_H

#include "http.h"
#include "model.h"
#include "nb.h"
#include "rest_route.h"

/* A value that does not convert (a label, query parameter or header the
 * member's type cannot hold). The codec raises its protocol's error
 * (nb_fail) and returns NB_EAWS. mb is the member, value its raw text. */
typedef int (*nb_bind_bad_fn)(nb_call *call, const nb_member *mb, const char *value, size_t len);

/* The timestamp format of a member: its own timestampFormat, else its
 * shape's, else dflt (enum nb_tsfmt). */
int nb_bind_tsfmt(const nb_model *m, const nb_member *mb, int dflt);

/* The "payload" member of structure s, or NULL. */
const nb_member *nb_bind_payload(const nb_model *m, const nb_shape *s);
/* 1 when the payload member is a blob or string: the raw body. */
int nb_bind_payload_is_raw(const nb_model *m, const nb_member *payload);
/* 1 when some member of s lives in the body (no location, no payload). */
int nb_bind_has_body_members(const nb_model *m, const nb_shape *s);

/* Text to a value of shape `shape` (any scalar type): strings as they
 * are, integers and longs in range, floats ("NaN", "Infinity" too),
 * booleans "true"/"false", timestamps in tsfmt (then any format), blobs
 * base64. Returns NB_OK, NB_EINVAL (the text does not convert; nothing is
 * raised), or NB_ENOMEM. */
int nb_bind_parse_scalar(nb_arena *a, const nb_model *m, uint32_t shape, int tsfmt, const char *p,
                         size_t len, nb_value **out);
/* A scalar value to text in arena a, the inverse of the above (doubles
 * in the shortest round-trip form; NaN and infinities as "NaN",
 * "Infinity", "-Infinity"). NB_EINVAL for containers or a time out of
 * range. */
int nb_bind_format_scalar(nb_arena *a, const nb_model *m, uint32_t shape, int tsfmt,
                          const nb_value *v, const char **out, size_t *len);

/* Request side: fills `in` (a struct of input shape `shape`) with every
 * member bound to a label (from mt), the query (mt's parsed pairs), a
 * header or a header prefix, and with the payload member when it is a
 * blob or string (the raw body). Body members and a structure payload
 * are left to the codec. Returns NB_OK, NB_EAWS (from bad()), NB_ENOMEM. */
int nb_bind_decode(nb_call *call, const nb_http_req *req, const nb_rest_match *mt, uint32_t shape,
                   nb_value *in, nb_bind_bad_fn bad);

/* Response side: from `out` (of output shape `shape`, may be NULL) sets
 * *status (the operation's responseCode, or a statusCode member's
 * value), adds header and prefix-header members to resp (a Content-Type
 * member becomes resp->content_type), and when the payload is a blob or
 * string puts its bytes in resp->body and sets *raw to 1. Header values
 * that cannot be sent (CR or LF in them) are dropped with a warning. */
int nb_bind_encode(nb_call *call, uint32_t shape, const nb_value *out, nb_http_resp *resp,
                   int *status, int *raw);

/* ---- The REST codecs' request and reply steps --------------------------
 * restJson1 and restXml route, bind and answer the same way; only the
 * body format and the wording of errors differ. A codec fills an
 * nb_bind_codec with those and calls the steps below. */

typedef struct nb_bind_codec {
    /* The request URI does not percent-decode: raises the protocol's
     * error and returns its code. */
    int (*bad_uri)(nb_call *call, const nb_http_req *req);
    /* No operation matches the method and path: likewise. */
    int (*no_match)(nb_call *call, const nb_http_req *req);
    /* A bound value that does not convert (nb_bind_decode). */
    nb_bind_bad_fn bad_value;
    /* Undoes a transfer coding of the body into *plain and points *req at
     * it, or leaves *req alone; NULL when the protocol has none. */
    int (*unwrap)(nb_call *call, const nb_http_req **req, nb_http_req *plain);
    /* Reads the body into `in` (input shape s): the members the bindings
     * left, or a structure payload. */
    int (*decode_body)(nb_call *call, const nb_http_req *req, const nb_shape *s, nb_value *in);
    /* Adds the request id headers every reply carries. */
    int (*id_headers)(nb_call *call, nb_http_resp *resp);
    /* Writes the body of a reply whose output has one and no raw payload
     * (out is not NULL; call->op has an output shape). */
    int (*encode_body)(nb_call *call, const nb_value *out, nb_http_resp *resp);
} nb_bind_codec;

/* nb_proto.resolve for a REST codec: the operation from method, path and
 * query (rest_route.c), preferring implemented operations; a miss goes to
 * c->bad_uri or c->no_match. */
int nb_bind_resolve(const nb_bind_codec *c, nb_call *call, const nb_model *m,
                    const nb_http_req *req, const nb_operation **op);
/* nb_proto.decode for a REST codec: *in is a new struct filled by the
 * bindings (nb_bind_decode) and then by c->decode_body. */
int nb_bind_request(const nb_bind_codec *c, nb_call *call, const nb_http_req *req, nb_value **in);
/* nb_proto.encode for a REST codec: request id headers, then status,
 * headers and a raw payload by the bindings (a raw payload gets
 * text/plain or application/octet-stream unless a member set the
 * Content-Type), else c->encode_body; no body when nb_bind_bodiless. */
int nb_bind_reply(const nb_bind_codec *c, nb_call *call, const nb_value *out, nb_http_resp *resp);

/* Readies resp->body for a new reply: bounded by NB_RESP_MAX unless the
 * server gave it a bound, and emptied (an error may follow a failed
 * encode). */
void nb_bind_body_reset(nb_http_resp *resp);
/* 1 when the request is a HEAD. */
int nb_bind_is_head(const nb_call *call);
/* 1 when a reply of this status has no body at all: HEAD, 204 and 304
 * (RFC 9110 sections 9.3.2, 15.3.5, 15.4.5). */
int nb_bind_bodiless(const nb_call *call, int status);

#endif
