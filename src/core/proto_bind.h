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

#endif
