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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "call.h"
#include "json.h"
#include "json_shape.h"
#include "limits.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "proto_bind.h"
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
 * common-errors.html): MalformedHttpRequestException, 400, "problems with
 * the request at the HTTP level". */
static int
bad_uri(nb_call *call, const nb_http_req *req)
{
    return nb_fail_status(call, 400, "MalformedHttpRequestException",
                          "The request URI could not be decoded: %s", req->url);
}

/* AWS (Common Errors): UnknownOperationException, 404, "The action or
 * operation requested is invalid. Verify that the action is typed
 * correctly.". */
static int
no_match(nb_call *call, const nb_http_req *req)
{
    NB_UNUSED(req);
    return nb_fail_status(call, 404, "UnknownOperationException",
                          "The action or operation requested is invalid. Verify that the "
                          "action is typed correctly.");
}

/* ---- Decoding -------------------------------------------------------- */

static const char *const jnames[] = {"null",   "boolean", "number", "number",
                                     "string", "list",    "object"};

/* A JSON value of the wrong kind for its shape. The wording is ours. */
static int
mismatch(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j)
{
    int jt = nb_json_type(j);
    return nb_jsd_ser_fail(d, "Unexpected %s for %s (%s)", jnames[jt >= 0 && jt <= 6 ? jt : 0],
                           where, s->name);
}

/* The walker's refusals (json_shape.h), all SerializationException, 400;
 * the wording is ours, naming the member being read. */
static int
on_fail(nb_jsd *d, const nb_jsd_err *e)
{
    switch (e->why) {
    case NB_JSD_TOO_MANY:
        return nb_jsd_ser_fail(d, "%s %s has more than %u entries",
                               e->s->type == NB_T_LIST ? "List" : "Map", e->where,
                               (unsigned)NB_LIST_MAX);
    case NB_JSD_RANGE:
        return nb_jsd_ser_fail(d, "Numeric value out of range for %s (%s)", e->where, e->s->name);
    case NB_JSD_TIME:
        return nb_jsd_ser_fail(d, "Invalid timestamp for %s", e->where);
    case NB_JSD_BLOB:
        return nb_jsd_ser_fail(d, "Invalid base64 value for %s", e->where);
    default:
        return mismatch(d, e->s, e->where, e->j);
    }
}

/* A body that is not JSON: SerializationException, 400 (Smithy
 * restJson1 malformed-request tests expect it; the message is ours). */
static int
parse_body(nb_jsd *d, const nb_http_req *req, nb_json **doc)
{
    nb_json_err err;
    int rc = nb_json_parse(req->body, req->body_len, NB_DEPTH_MAX, doc, &err);
    if (rc != NB_EINVAL)
        return rc;
    nb_debug("%s: malformed JSON at byte %zu: %s", d->call->request_id, err.position, err.text);
    if (err.code == NB_JSON_E_DEPTH)
        return nb_jsd_ser_fail(d, "JSON nesting depth exceeds the maximum of %d", NB_DEPTH_MAX);
    return nb_jsd_ser_fail(d, "Could not parse the request body as JSON (byte %zu)", err.position);
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
 * is an empty object (botocore sends none when nothing is in it). Integers
 * must be whole, and unions are not checked. */
static int
decode_body(nb_call *call, const nb_http_req *req, const nb_shape *s, nb_value *in)
{
    nb_jsd d = {call, call->model, call->arena, 0, on_fail};
    const nb_member *pl = nb_bind_payload(d.m, s);
    if (req->body_len == 0 || (pl && nb_bind_payload_is_raw(d.m, pl)))
        return NB_OK;
    if (!pl && !nb_bind_has_body_members(d.m, s))
        return NB_OK; /* AWS ignores a body nothing is bound to */
    nb_json *doc = NULL;
    int rc = parse_body(&d, req, &doc);
    if (rc)
        return rc;
    if (nb_json_type(doc) == NB_J_NULL)
        goto out;
    if (pl) {
        nb_value *v;
        rc = nb_jsd_value(&d, pl->shape, pl->name, doc, &v);
        if (!rc)
            rc = nb_value_put(in, pl->name, strlen(pl->name), v);
    } else if (nb_json_type(doc) != NB_J_OBJECT) {
        rc = mismatch(&d, s, "the request body", doc);
    } else {
        rc = nb_jsd_members(&d, s, doc, 1, in);
    }
out:
    nb_json_free(doc);
    return rc;
}

/* ---- Encoding -------------------------------------------------------- */

static int
request_id(nb_call *call, nb_http_resp *resp)
{
    return nb_resp_header(call->arena, resp, "x-amzn-RequestId", call->request_id);
}

/* The JSON body of a reply: the payload structure when there is one (an
 * absent payload sends no body: Smithy httpPayload), else the output's
 * body members as one object ("{}" when none is set), in the shape's
 * order. */
static int
encode_body(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const nb_operation *op = call->op;
    nb_jw w;
    nb_jse e = {&w, m, 1};
    const nb_shape *s = shape_at(m, op->output);
    const nb_member *pl = nb_bind_payload(m, s);
    nb_jw_init(&w, &resp->body);
    if (pl) {
        const nb_value *v = nb_get(out, pl->name);
        if (!v || v->type == NB_V_NULL)
            return NB_OK;
        nb_jse_value(&e, pl->shape, pl->tsfmt, v);
    } else if (nb_bind_has_body_members(m, s)) {
        nb_jse_members(&e, s, out, 1);
    } else {
        return NB_OK;
    }
    resp->content_type = "application/json";
    return w.rc;
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
    nb_jse e = {w, m, 1};
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
        nb_jse_field(&e, mb, c);
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
    nb_bind_body_reset(resp);
    if (!nb_bind_bodiless(call, status)) {
        nb_jw_init(&w, &resp->body);
        error_body(&w, call, s, sender);
        if (w.rc)
            return w.rc;
        resp->content_type = "application/json";
    }
    resp->status = status;
    int rc = request_id(call, resp);
    return rc ? rc : nb_resp_header(call->arena, resp, "x-amzn-ErrorType", code);
}

/* ---- Codec ----------------------------------------------------------- */

static const nb_bind_codec rest_json = {
    .bad_uri = bad_uri,
    .no_match = no_match,
    .bad_value = on_bad,
    .unwrap = NULL,
    .decode_body = decode_body,
    .id_headers = request_id,
    .encode_body = encode_body,
};

static int
resolve(nb_call *call, const nb_model *m, const nb_http_req *req, const nb_operation **op)
{
    return nb_bind_resolve(&rest_json, call, m, req, op);
}

static int
decode(nb_call *call, const nb_http_req *req, nb_value **in)
{
    return nb_bind_request(&rest_json, call, req, in);
}

static int
encode(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    return nb_bind_reply(&rest_json, call, out, resp);
}

const nb_proto nb_proto_rest_json = {
    .name = "restJson1",
    .resolve = resolve,
    .decode = decode,
    .encode = encode,
    .encode_error = encode_error,
};
