/*
 * proto_json.c: the awsJson1_0 / awsJson1_1 codec (DynamoDB, SQS, Step
 * Functions, SSM, KMS, CloudWatch Logs, EventBridge, ECR). Every request
 * is a POST whose X-Amz-Target header names the operation and whose body
 * is one JSON object of the input shape's members; every reply is a JSON
 * object of the output shape's members, or an error object with "__type".
 * The two versions differ only in the Content-Type they answer with.
 *
 * The request body is parsed by json.c (jansson), then walked by the
 * input shape into an nb_value tree; the reply is written straight into
 * the response buffer by the output shape, with no intermediate tree.
 * The walk both ways is json_shape.c's, shared with restJson1; this file
 * words its errors as Coral does.
 *
 * Where AWS's own behaviour was checked, the comment says where from. The
 * type-mismatch messages are those of Amazon's Coral framework (Java):
 * DynamoDB answers SerializationException with messages like "class
 * java.lang.Short can not be converted to an String"; dynalite, an
 * emulator whose tests were run against DynamoDB, records them
 * (github.com/architect/dynalite validations/index.js, checkTypes).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "arena.h"
#include "base64.h"
#include "call.h"
#include "json.h"
#include "json_shape.h"
#include "limits.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "service.h"
#include "value.h"

#define SER_EXC "SerializationException"

/* The Java class Coral names for a JSON number (dynalite classForNumber). */
static const char *
num_class(const nb_json *j)
{
    if (nb_json_type(j) == NB_J_REAL)
        return "java.lang.Double";
    int64_t i = nb_json_int(j);
    if (i >= -32768 && i <= 32767)
        return "java.lang.Short";
    if (i >= INT32_MIN && i <= INT32_MAX)
        return "java.lang.Integer";
    return "java.lang.Long";
}

/* The target type as Coral's messages name it, with its article. The
 * timestamp wording is ours: no record of AWS's was found. */
static const char *
java_type(int type)
{
    switch (type) {
    case NB_T_BOOLEAN:
        return "an Boolean"; /* sic: AWS's grammar */
    case NB_T_INTEGER:
        return "an Integer";
    case NB_T_LONG:
        return "an Long";
    case NB_T_FLOAT:
        return "an Float";
    case NB_T_DOUBLE:
        return "an Double";
    case NB_T_BLOB:
        return "a Blob";
    case NB_T_TIMESTAMP:
        return "a Date";
    default:
        return "an String";
    }
}

/* The error for JSON node j where shape type `type` was expected. AWS
 * (dynalite checkTypes): an object where a scalar or list belongs gives
 * "Start of structure or map found where not expected.", an array "Start
 * of list found where not expected", a scalar where a list, map or
 * structure belongs "Expected list or null", "Expected map or null",
 * "Expected null"; a scalar of the wrong kind "class <java class> can not
 * be converted to an <type>", and a string for a boolean "'<STRING>' can
 * not be converted to an Boolean", upper-cased. */
static int
mismatch(nb_jsd *d, int type, const nb_json *j)
{
    int jt = nb_json_type(j);

    if (jt == NB_J_OBJECT)
        return nb_jsd_ser_fail(d, "%s", "Start of structure or map found where not expected.");
    if (jt == NB_J_ARRAY)
        return nb_jsd_ser_fail(d, "%s", "Start of list found where not expected");
    if (type == NB_T_LIST)
        return nb_jsd_ser_fail(d, "%s", "Expected list or null");
    if (type == NB_T_MAP)
        return nb_jsd_ser_fail(d, "%s", "Expected map or null");
    if (type == NB_T_STRUCTURE)
        return nb_jsd_ser_fail(d, "%s", "Expected null");
    if (jt == NB_J_BOOL)
        return nb_jsd_ser_fail(d, "class java.lang.Boolean can not be converted to %s",
                               java_type(type));
    if (jt == NB_J_STR && type == NB_T_BOOLEAN) {
        nb_str s = nb_json_str(j);
        char *up = nb_arena_strndup(d->a, s.p, s.len);
        if (!up)
            return NB_ENOMEM;
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        return nb_jsd_ser_fail(d, "'%s' can not be converted to %s", up, java_type(type));
    }
    return nb_jsd_ser_fail(d, "class %s can not be converted to %s",
                           jt == NB_J_STR ? "java.lang.String" : num_class(j), java_type(type));
}

/* Out of range integers: Jackson's "Numeric value (...) out of range of
 * int/long", with the number as it was sent. */
static int
out_of_range(nb_jsd *d, const nb_shape *s, const nb_json *j)
{
    char num[NB_JSON_NUM_MAX];
    if (nb_json_type(j) == NB_J_INT)
        snprintf(num, sizeof(num), "%lld", (long long)nb_json_int(j));
    else
        nb_json_fmt_double(num, nb_json_num(j));
    return nb_jsd_ser_fail(d, "Numeric value (%s) out of range of %s", num,
                           s->type == NB_T_INTEGER ? "int" : "long");
}

/* Blobs that are not strict base64. AWS (dynalite checkTypes, Blob): a
 * length that is not a multiple of 4, a byte outside the alphabet (or
 * '=' followed by something else), or spare bits set in the last
 * character are refused with these messages; "dectected" is AWS's. */
static int
bad_blob(nb_jsd *d, const nb_jsd_err *e)
{
    nb_str str = nb_json_str(e->j);
    char *c = nb_arena_strndup(d->a, str.p, str.len), badc[2];
    if (!c)
        return NB_ENOMEM;
    if (e->b64 == NB_B64_E_LENGTH)
        return nb_jsd_ser_fail(d,
                               "'%s' can not be converted to a Blob: Base64 encoded length is "
                               "expected a multiple of 4 bytes but found: %zu",
                               c, str.len);
    if (e->b64 == NB_B64_E_CHAR) {
        badc[0] = str.p[e->at];
        badc[1] = '\0';
        return nb_jsd_ser_fail(
            d, "'%s' can not be converted to a Blob: Invalid Base64 character: '%s'", c, badc);
    }
    return nb_jsd_ser_fail(d,
                           "'%s' can not be converted to a Blob: Invalid last non-pad Base64 "
                           "character dectected",
                           c);
}

/* The walker's refusals in Coral's words (json_shape.h). A string that
 * is no timestamp, and the union and bound messages, are ours. */
static int
on_fail(nb_jsd *d, const nb_jsd_err *e)
{
    nb_str str;
    char *c;
    switch (e->why) {
    case NB_JSD_TOO_MANY:
        return nb_jsd_ser_fail(d, "%s has more than %u entries",
                               e->s->type == NB_T_LIST ? "List" : "Map", (unsigned)NB_LIST_MAX);
    case NB_JSD_RANGE:
        return out_of_range(d, e->s, e->j);
    case NB_JSD_TIME:
        str = nb_json_str(e->j);
        c = nb_arena_strndup(d->a, str.p, str.len);
        if (!c)
            return NB_ENOMEM;
        return nb_jsd_ser_fail(d, "'%s' can not be converted to %s", c, java_type(e->s->type));
    case NB_JSD_BLOB:
        return bad_blob(d, e);
    case NB_JSD_UNION:
        return nb_jsd_ser_fail(d, "Union %s must have exactly one member set", e->s->name);
    default:
        return mismatch(d, e->s->type, e->j);
    }
}

/* A body that is not JSON. AWS: DynamoDB answers 400 with only
 * {"__type":"com.amazon.coral.service#SerializationException"} (dynalite
 * db/index.js, "THEN check body, see if the JSON parses"), so there is no
 * message; jansson's reason goes to the debug log. Bounds we add (depth,
 * size, numbers beyond int64/double) get a message of ours. */
static int
parse_fail(nb_call *call, const nb_json_err *err)
{
    nb_debug("%s: malformed JSON at byte %zu: %s", call->request_id, err->position, err->text);
    switch (err->code) {
    case NB_JSON_E_DEPTH:
        return nb_fail_status(call, 400, SER_EXC, "JSON nesting depth exceeds the maximum of %d",
                              NB_DEPTH_MAX);
    case NB_JSON_E_SIZE:
        return nb_fail_status(call, 400, SER_EXC, "Request body exceeds %u bytes",
                              (unsigned)NB_BODY_MAX);
    case NB_JSON_E_RANGE:
        return nb_fail_status(call, 400, SER_EXC, "Numeric value out of range at byte %zu",
                              err->position);
    default:
        return nb_fail_status(call, 400, SER_EXC, "%s", "");
    }
}

/* The request body by the input shape. An empty body is read as {}
 * (botocore always sends "{}", other clients may send nothing), and so is
 * a JSON null. */
static int
decode(nb_call *call, const nb_http_req *req, nb_value **in)
{
    /* A service that checks its unions itself (DynamoDB words "more than
     * one datatypes set" as a ValidationException) lets several through. */
    int unions = call->svc && call->svc->own_unions ? 0 : NB_JSD_UNIONS;
    nb_jsd d = {call, call->model, call->arena, NB_JSD_TRUNCATE | unions, on_fail};
    const nb_operation *op = call->op;
    nb_json *doc = NULL;
    nb_json_err err;
    int rc = NB_OK, jt = NB_J_NULL;

    *in = NULL;
    if (NB_NEVER(!op || !d.m))
        return NB_EINTERNAL;
    if (req->body_len > 0) {
        rc = nb_json_parse(req->body, req->body_len, NB_DEPTH_MAX, &doc, &err);
        if (rc == NB_EINVAL)
            rc = parse_fail(call, &err);
        if (rc)
            goto out;
        jt = nb_json_type(doc);
    }
    if (jt != NB_J_NULL && op->input != NB_NO_SHAPE) {
        rc = nb_jsd_value(&d, op->input, NULL, doc, in);
    } else if (jt != NB_J_NULL && jt != NB_J_OBJECT) {
        rc = mismatch(&d, NB_T_STRUCTURE, doc); /* no input, still an object */
    } else {
        *in = nb_value_struct(call->arena);
        rc = *in ? NB_OK : NB_ENOMEM;
    }
out:
    nb_json_free(doc);
    return rc;
}

/* ---- Encoding -------------------------------------------------------- */

static const char *
content_type(const nb_model *m)
{
    if (m && m->json_version && strcmp(m->json_version, "1.1") == 0)
        return "application/x-amz-json-1.1";
    return "application/x-amz-json-1.0";
}

/* Readies resp->body for a new reply: bounded by NB_RESP_MAX unless the
 * server gave it a bound, and emptied (an error may follow a failed
 * encode). */
static void
body_reset(nb_http_resp *resp)
{
    if (resp->body.max == 0)
        nb_buf_init(&resp->body, NB_RESP_MAX);
    nb_buf_reset(&resp->body);
}

/* Headers on every reply: the request id, and for services whose SDKs
 * check the body (DynamoDB: "x-amz-crc32", the CRC32 of the body as a
 * decimal number; AWS: DynamoDB low-level API, "CRC32 checksum"; the SDKs
 * retry on a mismatch) the checksum. */
static int
reply_headers(nb_call *call, nb_http_resp *resp)
{
    int rc = nb_resp_header(call->arena, resp, "x-amzn-RequestId", call->request_id);
    if (rc || !call->svc || !call->svc->body_crc32)
        return rc;
    uLong c = crc32(0L, (const Bytef *)(resp->body.p ? resp->body.p : ""), (uInt)resp->body.len);
    char *v = nb_arena_printf(call->arena, "%lu", (unsigned long)c);
    return v ? nb_resp_header(call->arena, resp, "x-amz-crc32", v) : NB_ENOMEM;
}

/* AWS (SQS developer guide, "Interpreting Amazon SQS JSON API responses"):
 * a reply carries x-amzn-RequestId and Content-Type
 * application/x-amz-json-1.0; an empty output is "{}". */
static int
encode(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    nb_jw w;
    nb_jse e = {&w, call->model, 0};
    const nb_operation *op = call->op;
    int rc;

    body_reset(resp);
    nb_jw_init(&w, &resp->body);
    if (out && op && op->output != NB_NO_SHAPE && e.m) {
        nb_jse_value(&e, op->output, 0, out);
    } else {
        nb_jw_obj_begin(&w);
        nb_jw_obj_end(&w);
    }
    rc = w.rc;
    if (rc)
        goto out;
    resp->status = 200;
    resp->content_type = content_type(call->model);
    rc = reply_headers(call, resp);
out:
    return rc;
}

/* Errors the Coral framework raises before a service sees the request:
 * AWS sends their __type with Coral's namespace, and SerializationException
 * with "Message" where everything else says "message" (dynalite
 * db/index.js and validations/index.js). */
static const struct framework_err {
    const char *code;    /* the code nb_fail was given */
    const char *type;    /* __type on the wire */
    const char *msg_key; /* the message member */
} framework[] = {
    {"SerializationException", "com.amazon.coral.service#SerializationException", "Message"},
    {"UnknownOperationException", "com.amazon.coral.service#UnknownOperationException", "message"},
    {"ValidationException", "com.amazon.coral.validate#ValidationException", "message"},
    {"MissingAuthenticationTokenException",
     "com.amazon.coral.service#MissingAuthenticationTokenException", "message"},
    {"InvalidSignatureException", "com.amazon.coral.service#InvalidSignatureException", "message"},
    {"IncompleteSignatureException", "com.amazon.coral.service#IncompleteSignatureException",
     "message"},
    {"UnrecognizedClientException", "com.amazon.coral.service#UnrecognizedClientException",
     "message"},
};

static const struct framework_err *
framework_err(const char *code)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(framework); i++)
        if (strcmp(framework[i].code, code) == 0)
            return &framework[i];
    return NULL;
}

/* The error shape's message member, whatever its case: DynamoDB's shapes
 * have "message" mostly but "Message" in TransactionCanceledException;
 * CloudWatch Logs' have none, and then "message" is sent. */
static const nb_member *
message_member(const nb_model *m, const nb_shape *s)
{
    for (uint16_t i = 0; s && i < s->nmembers; i++) {
        const nb_member *mb = &m->members[s->members + i];
        if (strcasecmp(mb->name, "message") == 0)
            return mb;
    }
    return NULL;
}

/* The error body: {"__type":"<type>","message":"<msg>", extra members}.
 * __type is the error's name after the service's error_ns, as AWS sends
 * it (DynamoDB: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
 * in dynalite's db/index.js, recorded against DynamoDB; SQS:
 * "com.amazonaws.sqs#QueueDoesNotExist"). botocore (parsers.py
 * BaseJSONParser._do_error_parse) and the SDK for JavaScript v3
 * (sanitizeErrorCode) cut everything up to '#' and from ':', so the code
 * they raise is the same either way; the SDK v3 also copies the body onto
 * the exception, where code that reads err.__type sees it whole. A message
 * that is empty is left out, as Coral does for framework errors. */
static void
error_body(nb_jw *w, nb_call *call, const nb_shape *s, const char *type, const char *msg_key)
{
    const nb_model *m = call->model;
    nb_jse e = {w, m, 0};

    nb_jw_obj_begin(w);
    nb_jw_keyc(w, "__type");
    nb_jw_str(w, type, strlen(type));
    if (call->err_msg && call->err_msg[0]) {
        nb_jw_keyc(w, msg_key);
        nb_jw_str(w, call->err_msg, strlen(call->err_msg));
    }
    for (const nb_value *c = nb_first(call->err_fields); c && !w->rc; c = c->next) {
        if (!c->key || c->type == NB_V_NULL || strcasecmp(c->key, "message") == 0 ||
            strcmp(c->key, "__type") == 0)
            continue;
        const nb_member *mb = s ? nb_shape_member(m, s, c->key, c->klen) : NULL;
        nb_jse_field(&e, mb, c);
    }
    nb_jw_obj_end(w);
}

/* AWS: status from the error shape (nb_proto_error_info); headers
 * x-amzn-RequestId, and x-amzn-ErrorType with the bare code, which the SDK
 * for JavaScript v3 reads when the body has no __type (loadErrorCode). For
 * awsQueryCompatible models (SQS), x-amzn-query-error: "<query code>;Sender"
 * or ";Receiver" (SQS developer guide: "x-amzn-query-error:
 * AWS.SimpleQueueService.NonExistentQueue;Sender"); botocore
 * (parsers.py _do_query_compatible_error_parse) and the SDK v3
 * (populateBodyWithQueryCompatibility) take the error code from it. */
static int
encode_error(nb_call *call, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const nb_shape *s = NULL;
    const struct framework_err *fw = NULL;
    const nb_member *mm;
    const char *code = NULL, *type, *msg_key = "message", *qcode;
    char *qe;
    int status = 400, sender = 1, rc;
    nb_jw w;

    nb_proto_error_info(call, &status, &code, &sender);
    if (m && call->err_code)
        s = nb_model_error(m, call->err_code);
    if (s) {
        type = s->name;
        if (call->svc && call->svc->error_ns) {
            type = nb_arena_printf(call->arena, "%s%s", call->svc->error_ns, s->name);
            if (!type)
                return NB_ENOMEM;
        }
        mm = message_member(m, s);
        if (mm)
            msg_key = nb_member_wire(mm);
    } else {
        code = call->err_code ? call->err_code : code ? code : "InternalFailure";
        fw = framework_err(code);
        type = fw ? fw->type : code;
        msg_key = fw ? fw->msg_key : "message";
    }
    body_reset(resp);
    nb_jw_init(&w, &resp->body);
    error_body(&w, call, s, type, msg_key);
    rc = w.rc;
    if (rc)
        goto out;
    resp->status = status;
    resp->content_type = content_type(m);
    rc = reply_headers(call, resp);
    if (!rc)
        rc = nb_resp_header(call->arena, resp, "x-amzn-ErrorType", s ? s->name : code);
    if (rc || !m || !m->query_compatible)
        goto out;
    qcode = s ? (s->err_code ? s->err_code : s->name) : code;
    qe = nb_arena_printf(call->arena, "%s;%s", qcode, sender ? "Sender" : "Receiver");
    rc = qe ? nb_resp_header(call->arena, resp, "x-amzn-query-error", qe) : NB_ENOMEM;
out:
    return rc;
}

/* ---- Operation ------------------------------------------------------- */

/* X-Amz-Target: "<targetPrefix>.<Operation>" (botocore serialize.py
 * JSONSerializer.serialize_to_request). A missing header, another
 * service's prefix or an operation the model lacks all get 400
 * {"__type":"com.amazon.coral.service#UnknownOperationException"} with no
 * message (dynalite db/index.js: "if (target.length != 2 || ...) return
 * sendData(req, res, {__type: 'com.amazon.coral.service#
 * UnknownOperationException'}, 400)"). */
static int
resolve(nb_call *call, const nb_model *m, const nb_http_req *req, const nb_operation **op)
{
    const char *t = nb_http_header(req, "x-amz-target"), *name = NULL;
    size_t plen;

    *op = NULL;
    if (t && m->target_prefix) {
        plen = strlen(m->target_prefix);
        if (strncmp(t, m->target_prefix, plen) == 0 && t[plen] == '.')
            name = t + plen + 1;
    } else if (t) {
        name = strrchr(t, '.');
        name = name ? name + 1 : t;
    }
    if (name)
        *op = nb_model_op(m, name, strlen(name));
    if (*op)
        return NB_OK;
    nb_debug("%s: unknown X-Amz-Target \"%s\"", call->request_id, t ? t : "(none)");
    return nb_fail_status(call, 400, "UnknownOperationException", "%s", "");
}

const nb_proto nb_proto_json = {
    .name = "awsJson",
    .resolve = resolve,
    .decode = decode,
    .encode = encode,
    .encode_error = encode_error,
};
