/*
 * proto_rest_json.c: the restJson1 codec (Lambda, API Gateway v1 and v2).
 * The operation comes from the method, path and query (rest_route.c); the
 * labels, query, headers and a raw payload from the HTTP bindings
 * (proto_bind.c); what is left is one JSON object in the body: the input
 * shape's unbound members, or the payload structure when there is one.
 * Replies mirror that: status, headers and a raw payload by the bindings,
 * the rest as a JSON object, Content-Type application/json, and
 * x-amzn-RequestId on every reply.
 *
 * Errors: status from the error shape, header x-amzn-ErrorType with the
 * code, and a JSON body with the message under the error shape's own
 * member name ("message" for API Gateway, "Message" for most of Lambda's,
 * with "Type": "User" or "Service" where the shape has it). AWS: the
 * Lambda emulator in AWS SAM CLI (aws/aws-sam-cli samcli/local/
 * lambda_service/lambda_error_responses.py) answers
 * {"Type": "User", "Message": "..."} with x-amzn-errortype; botocore
 * (parsers.py RestJSONParser._inject_error_code) takes the code from
 * x-amzn-errortype first and the message from "message" or "Message", so
 * no "__type" is needed in the body.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "base64.h"
#include "call.h"
#include "json.h"
#include "limits.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "proto_bind.h"
#include "rest_route.h"
#include "timefmt.h"
#include "value.h"

#define SER_EXC "SerializationException"

static const nb_shape *
shape_at(const nb_model *m, uint32_t idx)
{
    assert(idx < m->nshapes);
    return &m->shapes[idx];
}

static const nb_member *
member_at(const nb_model *m, const nb_shape *s, uint32_t i)
{
    return &m->members[s->members + i];
}

/* ---- Operation ------------------------------------------------------- */

/* AWS (Common Errors, docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/
 * common-errors.html): UnknownOperationException, 404, "The action or
 * operation requested is invalid. Verify that the action is typed
 * correctly."; MalformedHttpRequestException, 400, "problems with the
 * request at the HTTP level". */
static int
resolve(nb_call *call, const nb_model *m, const nb_http_req *req, const nb_operation **op)
{
    nb_rest_match mt;
    *op = NULL;
    int rc = nb_rest_route(call->arena, m, req, nb_rest_prefer_implemented, (void *)call->svc, &mt);
    if (rc == NB_OK) {
        *op = mt.op;
        return NB_OK;
    }
    if (rc != NB_ENOTFOUND)
        return rc;
    if (mt.miss == NB_REST_BAD_URI)
        return nb_fail_status(call, 400, "MalformedHttpRequestException",
                              "The request URI could not be decoded: %s", req->url);
    return nb_fail_status(call, 404, "UnknownOperationException",
                          "The action or operation requested is invalid. Verify that the "
                          "action is typed correctly.");
}

/* ---- Decoding -------------------------------------------------------- */

typedef struct dec {
    nb_call *call;     /* where errors go */
    const nb_model *m; /* the model */
    nb_arena *a;       /* the call's arena */
} dec;

static int ser_fail(dec *d, const char *fmt, ...) NB_PRINTF(2, 3);

static int
ser_fail(dec *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = nb_arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    if (!msg)
        return NB_ENOMEM;
    return nb_fail_status(d->call, 400, SER_EXC, "%s", msg);
}

static const char *const jnames[] = {"null",   "boolean", "number", "number",
                                     "string", "list",    "object"};

/* A JSON value of the wrong kind for its shape. The wording is ours. */
static int
mismatch(dec *d, const nb_shape *s, const char *where, const nb_json *j)
{
    int jt = nb_json_type(j);
    return ser_fail(d, "Unexpected %s for %s (%s)", jnames[jt >= 0 && jt <= 6 ? jt : 0], where,
                    s->name);
}

static int dec_value(dec *d, uint32_t shape, const char *where, const nb_json *j, nb_value **out);

/* Members of structure s from object j; with top set, only those the
 * body carries (no location, not the payload). Unknown keys and nulls
 * are skipped, as AWS does. */
static int
dec_members(dec *d, const nb_shape *s, const nb_json *j, int top, nb_value *v)
{
    nb_json_iter it = NB_JSON_ITER_INIT;
    const nb_json *val;
    nb_str key;
    while (nb_json_next(j, &it, &key, &val)) {
        const nb_member *mb = NULL;
        for (uint32_t i = 0; i < s->nmembers && !mb; i++) {
            const nb_member *c = member_at(d->m, s, i);
            if (top && (c->loc != NB_LOC_BODY || (c->flags & NB_MF_PAYLOAD)))
                continue;
            if (nb_str_eqc(key, nb_member_wire(c)))
                mb = c;
        }
        if (!mb || nb_json_type(val) == NB_J_NULL)
            continue;
        nb_value *c;
        int rc = dec_value(d, mb->shape, mb->name, val, &c);
        if (rc || (rc = nb_value_put(v, mb->name, strlen(mb->name), c)))
            return rc;
    }
    return NB_OK;
}

static int
dec_struct(dec *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    if (s->flags & NB_SF_DOCUMENT)
        return nb_json_to_value(d->a, j, out);
    if (nb_json_type(j) != NB_J_OBJECT)
        return mismatch(d, s, where, j);
    nb_value *v = nb_value_struct(d->a);
    if (!v)
        return NB_ENOMEM;
    int rc = dec_members(d, s, j, 0, v);
    *out = v;
    return rc;
}

static int
dec_list(dec *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    if (nb_json_type(j) != NB_J_ARRAY)
        return mismatch(d, s, where, j);
    size_t n = nb_json_len(j);
    if (n > NB_LIST_MAX)
        return ser_fail(d, "List %s has more than %u entries", where, (unsigned)NB_LIST_MAX);
    nb_value *v = nb_value_list(d->a), *c;
    if (!v)
        return NB_ENOMEM;
    uint32_t item = member_at(d->m, s, 0)->shape;
    for (size_t i = 0; i < n; i++) {
        const nb_json *e = nb_json_item(j, i);
        if (nb_json_type(e) == NB_J_NULL)
            continue;
        int rc = dec_value(d, item, where, e, &c);
        if (rc || (rc = nb_value_append(v, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

static int
dec_map(dec *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    if (nb_json_type(j) != NB_J_OBJECT)
        return mismatch(d, s, where, j);
    if (nb_json_len(j) > NB_LIST_MAX)
        return ser_fail(d, "Map %s has more than %u entries", where, (unsigned)NB_LIST_MAX);
    nb_value *v = nb_value_map(d->a), *c;
    if (!v)
        return NB_ENOMEM;
    uint32_t vshape = member_at(d->m, s, 1)->shape;
    nb_json_iter it = NB_JSON_ITER_INIT;
    const nb_json *val;
    nb_str key;
    while (nb_json_next(j, &it, &key, &val)) {
        if (nb_json_type(val) == NB_J_NULL)
            continue;
        int rc = dec_value(d, vshape, where, val, &c);
        if (rc || (rc = nb_value_put(v, key.p, key.len, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

/* Numbers: integers must be whole and in range; floats also take "NaN",
 * "Infinity", "-Infinity" (Smithy restJson1: non-numeric float values). */
static int
dec_number(dec *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    int jt = nb_json_type(j);
    if (s->type == NB_T_INTEGER || s->type == NB_T_LONG) {
        int64_t lo = s->type == NB_T_INTEGER ? INT32_MIN : INT64_MIN;
        int64_t hi = s->type == NB_T_INTEGER ? INT32_MAX : INT64_MAX;
        if (jt != NB_J_INT)
            return mismatch(d, s, where, j);
        int64_t i = nb_json_int(j);
        if (i < lo || i > hi)
            return ser_fail(d, "Numeric value out of range for %s (%s)", where, s->name);
        *out = nb_value_int(d->a, i);
    } else if (jt == NB_J_INT || jt == NB_J_REAL) {
        *out = nb_value_double(d->a, nb_json_num(j));
    } else if (jt == NB_J_STR) {
        nb_value *v;
        nb_str str = nb_json_str(j);
        uint32_t idx = (uint32_t)(s - d->m->shapes);
        /* only the three names: "1.5" as a string is not a number */
        if (nb_bind_parse_scalar(d->a, d->m, idx, 0, str.p, str.len, &v) ||
            (!isnan(v->u.d) && !isinf(v->u.d)))
            return mismatch(d, s, where, j);
        *out = v;
    } else {
        return mismatch(d, s, where, j);
    }
    return *out ? NB_OK : NB_ENOMEM;
}

/* Timestamps: epoch seconds by default (botocore serialize.py
 * RestJSONSerializer: TIMESTAMP_FORMAT 'unixtimestamp'), or a string in
 * the member's format or any other. */
static int
dec_time(dec *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    int jt = nb_json_type(j);
    double t;
    if (jt == NB_J_INT || jt == NB_J_REAL) {
        t = nb_json_num(j);
    } else if (jt == NB_J_STR) {
        nb_str str = nb_json_str(j);
        if (nb_time_parse(str.p, str.len, NB_TS_DEFAULT, &t))
            return ser_fail(d, "Invalid timestamp for %s", where);
    } else {
        return mismatch(d, s, where, j);
    }
    *out = nb_value_time(d->a, round(t * 1000.0) / 1000.0);
    return *out ? NB_OK : NB_ENOMEM;
}

static int
dec_scalar(dec *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    int jt = nb_json_type(j);
    nb_str str = nb_json_str(j);
    if (s->type == NB_T_BOOLEAN) {
        if (jt != NB_J_BOOL)
            return mismatch(d, s, where, j);
        *out = nb_value_bool(d->a, nb_json_bool(j));
    } else if (jt != NB_J_STR) {
        return mismatch(d, s, where, j);
    } else if (s->type == NB_T_BLOB) {
        char *buf = nb_arena_alloc(d->a, nb_b64_dec_max(str.len) + 1);
        size_t n = 0;
        if (!buf)
            return NB_ENOMEM;
        if (nb_b64_decode(buf, &n, str.p, str.len, NULL) != NB_B64_OK)
            return ser_fail(d, "Invalid base64 value for %s", where);
        *out = nb_value_blob(d->a, buf, n);
    } else {
        *out = nb_value_str(d->a, str.p, str.len);
    }
    return *out ? NB_OK : NB_ENOMEM;
}

static int
dec_value(dec *d, uint32_t shape, const char *where, const nb_json *j, nb_value **out)
{
    const nb_shape *s = shape_at(d->m, shape);
    *out = NULL;
    switch (s->type) {
    case NB_T_STRUCTURE:
        return dec_struct(d, s, where, j, out);
    case NB_T_LIST:
        return dec_list(d, s, where, j, out);
    case NB_T_MAP:
        return dec_map(d, s, where, j, out);
    case NB_T_INTEGER:
    case NB_T_LONG:
    case NB_T_FLOAT:
    case NB_T_DOUBLE:
        return dec_number(d, s, where, j, out);
    case NB_T_TIMESTAMP:
        return dec_time(d, s, where, j, out);
    default:
        return dec_scalar(d, s, where, j, out);
    }
}

/* A body that is not JSON: SerializationException, 400 (Smithy
 * restJson1 malformed-request tests expect it; the message is ours). */
static int
parse_body(dec *d, const nb_http_req *req, nb_json **doc)
{
    nb_json_err err;
    int rc = nb_json_parse(req->body, req->body_len, NB_DEPTH_MAX, doc, &err);
    if (rc != NB_EINVAL)
        return rc;
    nb_debug("%s: malformed JSON at byte %zu: %s", d->call->request_id, err.position, err.text);
    if (err.code == NB_JSON_E_DEPTH)
        return ser_fail(d, "JSON nesting depth exceeds the maximum of %d", NB_DEPTH_MAX);
    return ser_fail(d, "Could not parse the request body as JSON (byte %zu)", err.position);
}

static int
on_bad(nb_call *call, const nb_member *mb, const char *value, size_t len)
{
    NB_UNUSED(value);
    NB_UNUSED(len);
    return nb_fail_status(call, 400, SER_EXC, "Invalid value for %s '%s'",
                          mb->loc == NB_LOC_URI      ? "path parameter"
                          : mb->loc == NB_LOC_QUERY  ? "query parameter"
                          : mb->loc == NB_LOC_HEADER ? "header"
                                                     : "header prefix",
                          nb_member_wire(mb));
}

/* The body: the payload structure, or the unbound members. An empty body
 * is an empty object (botocore sends none when nothing is in it). */
static int
decode_body(dec *d, const nb_http_req *req, const nb_shape *s, nb_value *in)
{
    const nb_member *pl = nb_bind_payload(d->m, s);
    if (req->body_len == 0 || (pl && nb_bind_payload_is_raw(d->m, pl)))
        return NB_OK;
    if (!pl && !nb_bind_has_body_members(d->m, s))
        return NB_OK; /* AWS ignores a body nothing is bound to */
    nb_json *doc = NULL;
    int rc = parse_body(d, req, &doc);
    if (rc)
        return rc;
    if (nb_json_type(doc) == NB_J_NULL)
        goto out;
    if (pl) {
        nb_value *v;
        rc = dec_value(d, pl->shape, pl->name, doc, &v);
        if (!rc)
            rc = nb_value_put(in, pl->name, strlen(pl->name), v);
    } else if (nb_json_type(doc) != NB_J_OBJECT) {
        rc = mismatch(d, s, "the request body", doc);
    } else {
        rc = dec_members(d, s, doc, 1, in);
    }
out:
    nb_json_free(doc);
    return rc;
}

static int
decode(nb_call *call, const nb_http_req *req, nb_value **in)
{
    dec d = {call, call->model, call->arena};
    const nb_operation *op = call->op;
    nb_rest_match mt;
    *in = nb_value_struct(call->arena);
    if (!*in)
        return NB_ENOMEM;
    if (NB_NEVER(!op || !d.m))
        return NB_EINTERNAL;
    if (op->input == NB_NO_SHAPE)
        return NB_OK;
    int rc = nb_rest_route_op(call->arena, d.m, op, req, &mt);
    if (rc == NB_ENOTFOUND && mt.miss == NB_REST_BAD_URI)
        return nb_fail_status(call, 400, "MalformedHttpRequestException",
                              "The request URI could not be decoded: %s", req->url);
    if (rc && rc != NB_ENOTFOUND)
        return rc;
    rc = nb_bind_decode(call, req, &mt, op->input, *in, on_bad);
    if (!rc)
        rc = decode_body(&d, req, shape_at(d.m, op->input), *in);
    return rc;
}

/* ---- Encoding -------------------------------------------------------- */

typedef struct enc {
    nb_jw *w;          /* the writer, on the response body */
    const nb_model *m; /* the model */
} enc;

static int enc_value(enc *e, uint32_t shape, int tsfmt, const nb_value *v);

/* Members of structure s present in v, in the shape's order; with top
 * set, only body members. */
static int
enc_members(enc *e, const nb_shape *s, const nb_value *v, int top)
{
    nb_jw_obj_begin(e->w);
    for (uint32_t i = 0; i < s->nmembers && !e->w->rc; i++) {
        const nb_member *mb = member_at(e->m, s, i);
        if (top && (mb->loc != NB_LOC_BODY || (mb->flags & NB_MF_PAYLOAD)))
            continue;
        const nb_value *c = nb_get(v, mb->name);
        if (!c || c->type == NB_V_NULL)
            continue;
        nb_jw_keyc(e->w, nb_member_wire(mb));
        enc_value(e, mb->shape, mb->tsfmt, c);
    }
    return nb_jw_obj_end(e->w);
}

/* Timestamps: epoch seconds, fraction for milliseconds (Smithy
 * restJson1: epoch-seconds in bodies by default), unless timestampFormat
 * says otherwise. */
static int
enc_time(enc *e, const nb_shape *s, int tsfmt, const nb_value *v)
{
    char t[NB_TIME_STR_MAX];
    int fmt = tsfmt ? tsfmt : s->tsfmt;
    double x = v->type == NB_V_INT ? (double)v->u.i : v->u.d;
    if (v->type != NB_V_TIME && v->type != NB_V_DOUBLE && v->type != NB_V_INT)
        return nb_jw_value(e->w, v);
    if (fmt == NB_TS_ISO8601 || fmt == NB_TS_RFC822) {
        if (nb_time_format(t, sizeof(t), x, fmt) == NB_OK)
            return nb_jw_str(e->w, t, strlen(t));
    } else if (nb_time_epoch(t, sizeof(t), x) == NB_OK) {
        return nb_jw_raw(e->w, t, strlen(t));
    }
    return nb_jw_double(e->w, x);
}

static int
enc_value(enc *e, uint32_t shape, int tsfmt, const nb_value *v)
{
    const nb_shape *s = shape_at(e->m, shape);
    switch (s->type) {
    case NB_T_STRUCTURE:
        if ((s->flags & NB_SF_DOCUMENT) || v->type != NB_V_STRUCT)
            break;
        return enc_members(e, s, v, 0);
    case NB_T_LIST:
        if (v->type != NB_V_LIST)
            break;
        nb_jw_arr_begin(e->w);
        for (const nb_value *c = nb_first(v); c && !e->w->rc; c = c->next)
            enc_value(e, member_at(e->m, s, 0)->shape, member_at(e->m, s, 0)->tsfmt, c);
        return nb_jw_arr_end(e->w);
    case NB_T_MAP:
        if (v->type != NB_V_MAP && v->type != NB_V_STRUCT)
            break;
        nb_jw_obj_begin(e->w);
        for (const nb_value *c = nb_first(v); c && !e->w->rc; c = c->next) {
            nb_jw_key(e->w, c->key, c->klen);
            enc_value(e, member_at(e->m, s, 1)->shape, member_at(e->m, s, 1)->tsfmt, c);
        }
        return nb_jw_obj_end(e->w);
    case NB_T_TIMESTAMP:
        return enc_time(e, s, tsfmt, v);
    case NB_T_BLOB:
        if (v->type == NB_V_BLOB || v->type == NB_V_STR)
            return nb_jw_b64(e->w, v->u.s.p, v->u.s.len);
        break;
    case NB_T_FLOAT:
    case NB_T_DOUBLE:
        if (v->type == NB_V_INT)
            return nb_jw_double(e->w, (double)v->u.i);
        break;
    default:
        break;
    }
    return nb_jw_value(e->w, v);
}

static void
body_reset(nb_http_resp *resp)
{
    if (resp->body.max == 0)
        nb_buf_init(&resp->body, NB_RESP_MAX);
    nb_buf_reset(&resp->body);
}

/* No body at all: HEAD, 204 and 304 (RFC 9110 sections 9.3.2, 15.3.5,
 * 15.4.5). */
static int
bodiless(const nb_call *call, int status)
{
    return status == 204 || status == 304 ||
           (call->http && call->http->method && strcmp(call->http->method, "HEAD") == 0);
}

/* The JSON body of a reply: the payload structure when there is one (an
 * absent payload sends no body: Smithy httpPayload), else the output's
 * body members as one object ("{}" when none is set). */
static int
encode_body(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const nb_operation *op = call->op;
    nb_jw w;
    enc e = {&w, m};
    if (!op || op->output == NB_NO_SHAPE)
        return NB_OK;
    const nb_shape *s = shape_at(m, op->output);
    const nb_member *pl = nb_bind_payload(m, s);
    nb_jw_init(&w, &resp->body);
    if (pl) {
        const nb_value *v = nb_get(out, pl->name);
        if (!v || v->type == NB_V_NULL)
            return NB_OK;
        enc_value(&e, pl->shape, pl->tsfmt, v);
    } else if (nb_bind_has_body_members(m, s)) {
        enc_members(&e, s, out, 1);
    } else {
        return NB_OK;
    }
    resp->content_type = "application/json";
    return w.rc;
}

static int
encode(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    const nb_operation *op = call->op;
    int status = 200, raw = 0, rc;
    body_reset(resp);
    resp->content_type = NULL;
    rc = nb_resp_header(call->arena, resp, "x-amzn-RequestId", call->request_id);
    if (rc)
        return rc;
    if (op && op->output != NB_NO_SHAPE)
        rc = nb_bind_encode(call, op->output, out, resp, &status, &raw);
    else if (op && op->http_status)
        status = op->http_status;
    if (rc)
        return rc;
    if (raw && !resp->content_type) {
        const nb_member *pl = nb_bind_payload(call->model, shape_at(call->model, op->output));
        resp->content_type = shape_at(call->model, pl->shape)->type == NB_T_STRING
                                 ? "text/plain"
                                 : "application/octet-stream";
    } else if (!raw && out) {
        rc = encode_body(call, out, resp);
    }
    if (bodiless(call, status))
        nb_buf_reset(&resp->body);
    resp->status = status;
    return rc;
}

/* The error shape's member named "message" in any case, or NULL. */
static const nb_member *
member_named(const nb_model *m, const nb_shape *s, const char *name)
{
    for (uint32_t i = 0; s && i < s->nmembers; i++)
        if (strcasecmp(member_at(m, s, i)->name, name) == 0)
            return member_at(m, s, i);
    return NULL;
}

/* {"Type":"User","Message":"...", extra members}: see the file comment. */
static void
error_body(nb_jw *w, nb_call *call, const nb_shape *s, int sender)
{
    const nb_model *m = call->model;
    const nb_member *type = member_named(m, s, "Type");
    const nb_member *msg = member_named(m, s, "message");
    nb_jw_obj_begin(w);
    if (type && !nb_get(call->err_fields, type->name)) {
        const char *t = sender ? "User" : "Service";
        nb_jw_keyc(w, nb_member_wire(type));
        nb_jw_str(w, t, strlen(t));
    }
    if (call->err_msg) {
        nb_jw_keyc(w, msg ? nb_member_wire(msg) : "message");
        nb_jw_str(w, call->err_msg, strlen(call->err_msg));
    }
    for (const nb_value *c = nb_first(call->err_fields); c && !w->rc; c = c->next) {
        const nb_member *mb = s ? nb_shape_member(m, s, c->key, c->klen) : NULL;
        if (c->type == NB_V_NULL || (mb && mb == msg))
            continue;
        if (mb) {
            enc e = {w, m};
            nb_jw_keyc(w, nb_member_wire(mb));
            enc_value(&e, mb->shape, mb->tsfmt, c);
        } else {
            nb_jw_key(w, c->key, c->klen);
            nb_jw_value(w, c);
        }
    }
    nb_jw_obj_end(w);
}

static int
encode_error(nb_call *call, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const nb_shape *s = m && call->err_code ? nb_model_error(m, call->err_code) : NULL;
    const char *code;
    int status, sender;
    nb_jw w;
    nb_proto_error_info(call, &status, &code, &sender);
    body_reset(resp);
    if (!bodiless(call, status)) {
        nb_jw_init(&w, &resp->body);
        error_body(&w, call, s, sender);
        if (w.rc)
            return w.rc;
        resp->content_type = "application/json";
    }
    resp->status = status;
    int rc = nb_resp_header(call->arena, resp, "x-amzn-RequestId", call->request_id);
    return rc ? rc : nb_resp_header(call->arena, resp, "x-amzn-ErrorType", code);
}

const nb_proto nb_proto_rest_json = {
    .name = "restJson1",
    .resolve = resolve,
    .decode = decode,
    .encode = encode,
    .encode_error = encode_error,
};
