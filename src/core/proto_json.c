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
 *
 * Where AWS's own behaviour was checked, the comment says where from. The
 * type-mismatch messages are those of Amazon's Coral framework (Java):
 * DynamoDB answers SerializationException with messages like "class
 * java.lang.Short can not be converted to an String"; dynalite, an
 * emulator whose tests were run against DynamoDB, records them
 * (github.com/architect/dynalite validations/index.js, checkTypes).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "arena.h"
#include "base64.h"
#include "call.h"
#include "json.h"
#include "limits.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "service.h"
#include "timefmt.h"
#include "value.h"

#define SER_EXC "SerializationException"

/* Decoding state: one request. */
typedef struct dec {
    nb_call *call;     /* where errors go */
    const nb_model *m; /* the model being decoded by */
    nb_arena *a;       /* the call's arena: the tree lives there */
} dec;

static const nb_shape *
shape_at(const nb_model *m, uint32_t idx)
{
    assert(idx < m->nshapes);
    return &m->shapes[idx];
}

/* The shape of a list's items (i = 0), a map's keys (0) or values (1). */
static uint32_t
child_shape(const nb_model *m, const nb_shape *s, unsigned i)
{
    assert(s->nmembers > i);
    return m->members[s->members + i].shape;
}

/* SerializationException, 400, with a formatted message (Coral sends it
 * as "Message"; see framework[] below). */
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
mismatch(dec *d, int type, const nb_json *j)
{
    int jt = nb_json_type(j);

    if (jt == NB_J_OBJECT)
        return ser_fail(d, "%s", "Start of structure or map found where not expected.");
    if (jt == NB_J_ARRAY)
        return ser_fail(d, "%s", "Start of list found where not expected");
    if (type == NB_T_LIST)
        return ser_fail(d, "%s", "Expected list or null");
    if (type == NB_T_MAP)
        return ser_fail(d, "%s", "Expected map or null");
    if (type == NB_T_STRUCTURE)
        return ser_fail(d, "%s", "Expected null");
    if (jt == NB_J_BOOL)
        return ser_fail(d, "class java.lang.Boolean can not be converted to %s", java_type(type));
    if (jt == NB_J_STR && type == NB_T_BOOLEAN) {
        nb_str s = nb_json_str(j);
        char *up = nb_arena_strndup(d->a, s.p, s.len);
        if (!up)
            return NB_ENOMEM;
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        return ser_fail(d, "'%s' can not be converted to %s", up, java_type(type));
    }
    return ser_fail(d, "class %s can not be converted to %s",
                    jt == NB_J_STR ? "java.lang.String" : num_class(j), java_type(type));
}

static int dec_value(dec *d, uint32_t shape, const nb_json *j, nb_value **out);

static int
dec_struct(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    nb_json_iter it = NB_JSON_ITER_INIT;
    const nb_json *val;
    nb_value *v, *c;
    nb_str key;
    int rc = NB_OK;

    if (s->flags & NB_SF_DOCUMENT) /* kept as the JSON's own tree */
        return nb_json_to_value(d->a, j, out);
    if (nb_json_type(j) != NB_J_OBJECT)
        return mismatch(d, NB_T_STRUCTURE, j);
    v = nb_value_struct(d->a);
    if (!v)
        return NB_ENOMEM;
    while (nb_json_next(j, &it, &key, &val)) {
        /* AWS ignores members it does not know, and a null is an absent
         * member (dynalite checkTypes deletes both). */
        const nb_member *mb = nb_shape_member_wire(d->m, s, key.p, key.len);
        if (!mb || nb_json_type(val) == NB_J_NULL)
            continue;
        rc = dec_value(d, mb->shape, val, &c);
        if (rc || (rc = nb_value_put(v, mb->name, strlen(mb->name), c)))
            return rc;
    }
    /* Smithy: a union has exactly one member set; several is malformed.
     * The message is ours. */
    if ((s->flags & NB_SF_UNION) && v->u.c.n > 1)
        return ser_fail(d, "Union %s must have exactly one member set", s->name);
    *out = v;
    return rc;
}

static int
dec_list(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    uint32_t item = child_shape(d->m, s, 0);
    size_t n = nb_json_len(j);
    nb_value *v, *c;
    int rc;

    if (nb_json_type(j) != NB_J_ARRAY)
        return mismatch(d, NB_T_LIST, j);
    if (n > NB_LIST_MAX) /* our bound (limits.h); the message is ours */
        return ser_fail(d, "List has more than %u entries", (unsigned)NB_LIST_MAX);
    v = nb_value_list(d->a);
    if (!v)
        return NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const nb_json *e = nb_json_item(j, i);
        if (nb_json_type(e) == NB_J_NULL) /* dense lists drop nulls */
            continue;
        rc = dec_value(d, item, e, &c);
        if (rc || (rc = nb_value_append(v, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

static int
dec_map(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    uint32_t vshape = child_shape(d->m, s, 1);
    nb_json_iter it = NB_JSON_ITER_INIT;
    const nb_json *val;
    nb_value *v, *c;
    nb_str key;
    int rc;

    if (nb_json_type(j) != NB_J_OBJECT)
        return mismatch(d, NB_T_MAP, j);
    if (nb_json_len(j) > NB_LIST_MAX)
        return ser_fail(d, "Map has more than %u entries", (unsigned)NB_LIST_MAX);
    v = nb_value_map(d->a);
    if (!v)
        return NB_ENOMEM;
    while (nb_json_next(j, &it, &key, &val)) {
        if (nb_json_type(val) == NB_J_NULL) /* dense maps drop nulls */
            continue;
        rc = dec_value(d, vshape, val, &c);
        if (rc || (rc = nb_value_put(v, key.p, key.len, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

/* Integers and longs. AWS (Coral on Jackson) takes a number with a
 * fraction and drops the fraction (dynalite: "if (actualType != 'Double')
 * val = Math.floor(val)"; Jackson truncates toward zero, as done here).
 * Out of range, the message is Jackson's "Numeric value (...) out of range
 * of int/long". */
static int
dec_int(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    int64_t lo = s->type == NB_T_INTEGER ? INT32_MIN : INT64_MIN;
    int64_t hi = s->type == NB_T_INTEGER ? INT32_MAX : INT64_MAX;
    const char *what = s->type == NB_T_INTEGER ? "int" : "long";
    char num[NB_JSON_NUM_MAX];
    int64_t i;

    if (nb_json_type(j) == NB_J_INT) {
        i = nb_json_int(j);
        if (i < lo || i > hi) {
            snprintf(num, sizeof(num), "%lld", (long long)i);
            return ser_fail(d, "Numeric value (%s) out of range of %s", num, what);
        }
    } else if (nb_json_type(j) == NB_J_REAL) {
        double x = trunc(nb_json_num(j));
        if (!(x >= (double)lo && x < -(double)lo)) { /* [lo, -lo): exact in double */
            nb_json_fmt_double(num, nb_json_num(j));
            return ser_fail(d, "Numeric value (%s) out of range of %s", num, what);
        }
        i = (int64_t)x; /* in [lo, -lo - 1] = [lo, hi] */
    } else {
        return mismatch(d, s->type, j);
    }
    *out = nb_value_int(d->a, i);
    return *out ? NB_OK : NB_ENOMEM;
}

/* Floats and doubles: any JSON number, or the strings "NaN", "Infinity"
 * and "-Infinity" (Smithy awsJson1_0: non-numeric float values; botocore
 * serialize.py _handle_float sends them so). */
static int
dec_double(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    double x;
    int jt = nb_json_type(j);

    if (jt == NB_J_INT || jt == NB_J_REAL) {
        x = nb_json_num(j);
    } else if (jt == NB_J_STR && nb_str_eqc(nb_json_str(j), "NaN")) {
        x = NAN;
    } else if (jt == NB_J_STR && nb_str_eqc(nb_json_str(j), "Infinity")) {
        x = INFINITY;
    } else if (jt == NB_J_STR && nb_str_eqc(nb_json_str(j), "-Infinity")) {
        x = -INFINITY;
    } else {
        return mismatch(d, s->type, j);
    }
    *out = nb_value_double(d->a, x);
    return *out ? NB_OK : NB_ENOMEM;
}

/* Timestamps: epoch seconds as a number, possibly fractional (botocore
 * serialize.py JSONSerializer TIMESTAMP_FORMAT = 'unixtimestamp'), kept to
 * the millisecond; also ISO 8601, HTTP-date or epoch strings, which some
 * clients send. A string that is none of these is refused; that message is
 * ours. */
static int
dec_time(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    int jt = nb_json_type(j);
    double t;

    if (jt == NB_J_INT || jt == NB_J_REAL) {
        t = nb_json_num(j);
    } else if (jt == NB_J_STR) {
        nb_str str = nb_json_str(j);
        if (nb_time_parse(str.p, str.len, NB_TS_DEFAULT, &t) != NB_OK) {
            char *c = nb_arena_strndup(d->a, str.p, str.len);
            if (!c)
                return NB_ENOMEM;
            return ser_fail(d, "'%s' can not be converted to %s", c, java_type(s->type));
        }
    } else {
        return mismatch(d, s->type, j);
    }
    *out = nb_value_time(d->a, round(t * 1000.0) / 1000.0);
    return *out ? NB_OK : NB_ENOMEM;
}

/* Blobs: strict base64 (base64.h). AWS (dynalite checkTypes, Blob): a
 * length that is not a multiple of 4, a byte outside the alphabet (or
 * '=' followed by something else), or spare bits set in the last
 * character are refused with these messages; "dectected" is AWS's. */
static int
dec_blob(dec *d, const nb_shape *s, const nb_json *j, nb_value **out)
{
    nb_str str;
    size_t n = 0, bad = 0;
    char *buf, *c, badc[2];
    int rc;

    if (nb_json_type(j) != NB_J_STR)
        return mismatch(d, s->type, j);
    str = nb_json_str(j);
    buf = nb_arena_alloc(d->a, nb_b64_dec_max(str.len) + 1);
    if (!buf)
        return NB_ENOMEM;
    rc = nb_b64_decode(buf, &n, str.p, str.len, &bad);
    if (rc == NB_B64_OK) {
        buf[n] = '\0';
        *out = nb_value_blob(d->a, "", 0);
        if (!*out)
            return NB_ENOMEM;
        (*out)->u.s.p = buf; /* decoded in place: no second copy */
        (*out)->u.s.len = n;
        return NB_OK;
    }
    c = nb_arena_strndup(d->a, str.p, str.len);
    if (!c)
        return NB_ENOMEM;
    if (rc == NB_B64_E_LENGTH)
        return ser_fail(d,
                        "'%s' can not be converted to a Blob: Base64 encoded length is "
                        "expected a multiple of 4 bytes but found: %zu",
                        c, str.len);
    if (rc == NB_B64_E_CHAR) {
        badc[0] = str.p[bad];
        badc[1] = '\0';
        return ser_fail(d, "'%s' can not be converted to a Blob: Invalid Base64 character: '%s'", c,
                        badc);
    }
    return ser_fail(d,
                    "'%s' can not be converted to a Blob: Invalid last non-pad Base64 "
                    "character dectected",
                    c);
}

static int
dec_value(dec *d, uint32_t shape, const nb_json *j, nb_value **out)
{
    const nb_shape *s = shape_at(d->m, shape);
    nb_str str;

    *out = NULL;
    switch (s->type) {
    case NB_T_STRUCTURE:
        return dec_struct(d, s, j, out);
    case NB_T_LIST:
        return dec_list(d, s, j, out);
    case NB_T_MAP:
        return dec_map(d, s, j, out);
    case NB_T_BOOLEAN:
        if (nb_json_type(j) != NB_J_BOOL)
            return mismatch(d, s->type, j);
        *out = nb_value_bool(d->a, nb_json_bool(j));
        return *out ? NB_OK : NB_ENOMEM;
    case NB_T_INTEGER:
    case NB_T_LONG:
        return dec_int(d, s, j, out);
    case NB_T_FLOAT:
    case NB_T_DOUBLE:
        return dec_double(d, s, j, out);
    case NB_T_TIMESTAMP:
        return dec_time(d, s, j, out);
    case NB_T_BLOB:
        return dec_blob(d, s, j, out);
    default: /* NB_T_STRING */
        if (nb_json_type(j) != NB_J_STR)
            return mismatch(d, NB_T_STRING, j);
        str = nb_json_str(j);
        *out = nb_value_str(d->a, str.p, str.len);
        return *out ? NB_OK : NB_ENOMEM;
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
    dec d = {call, call->model, call->arena};
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
        rc = dec_value(&d, op->input, doc, in);
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

typedef struct enc {
    nb_jw *w;          /* the writer, on the response body */
    const nb_model *m; /* the model being encoded by */
} enc;

static int enc_value(enc *e, uint32_t shape, int tsfmt, const nb_value *v);

static int
enc_struct(enc *e, const nb_shape *s, const nb_value *v)
{
    if ((s->flags & NB_SF_DOCUMENT) || (v->type != NB_V_STRUCT && v->type != NB_V_MAP))
        return nb_jw_value(e->w, v);
    nb_jw_obj_begin(e->w);
    for (const nb_value *c = v->u.c.first; c && !e->w->rc; c = c->next) {
        const nb_member *mb = c->key ? nb_shape_member(e->m, s, c->key, c->klen) : NULL;
        if (!mb || c->type == NB_V_NULL) /* not in the shape: not on the wire */
            continue;
        nb_jw_keyc(e->w, nb_member_wire(mb));
        enc_value(e, mb->shape, mb->tsfmt, c);
    }
    return nb_jw_obj_end(e->w);
}

static int
enc_list(enc *e, const nb_shape *s, const nb_value *v)
{
    uint32_t item = child_shape(e->m, s, 0);

    if (v->type != NB_V_LIST)
        return nb_jw_value(e->w, v);
    nb_jw_arr_begin(e->w);
    for (const nb_value *c = v->u.c.first; c && !e->w->rc; c = c->next)
        enc_value(e, item, 0, c);
    return nb_jw_arr_end(e->w);
}

static int
enc_map(enc *e, const nb_shape *s, const nb_value *v)
{
    uint32_t vshape = child_shape(e->m, s, 1);

    if (v->type != NB_V_MAP && v->type != NB_V_STRUCT)
        return nb_jw_value(e->w, v);
    nb_jw_obj_begin(e->w);
    for (const nb_value *c = v->u.c.first; c && !e->w->rc; c = c->next) {
        nb_jw_key(e->w, c->key, c->klen);
        enc_value(e, vshape, 0, c);
    }
    return nb_jw_obj_end(e->w);
}

/* Timestamps: epoch seconds, with the milliseconds as a fraction when
 * there are any (botocore parsers.py reads a number with
 * _parse_timestamp; Smithy awsJson1_0: epoch-seconds by default), unless
 * the member or shape asks for another timestampFormat. */
static int
enc_time(enc *e, const nb_shape *s, int tsfmt, const nb_value *v)
{
    char t[NB_TIME_STR_MAX];
    double x;
    int fmt = tsfmt ? tsfmt : s->tsfmt;

    if (v->type == NB_V_TIME || v->type == NB_V_DOUBLE)
        x = v->u.d;
    else if (v->type == NB_V_INT)
        x = (double)v->u.i;
    else
        return nb_jw_value(e->w, v);
    if (fmt == NB_TS_ISO8601 || fmt == NB_TS_RFC822) {
        if (nb_time_format(t, sizeof(t), x, fmt) == NB_OK)
            return nb_jw_str(e->w, t, strlen(t));
    } else if (nb_time_epoch(t, sizeof(t), x) == NB_OK) {
        return nb_jw_raw(e->w, t, strlen(t));
    }
    return nb_jw_double(e->w, x); /* beyond year 9999: still a number */
}

static int
enc_value(enc *e, uint32_t shape, int tsfmt, const nb_value *v)
{
    const nb_shape *s = shape_at(e->m, shape);

    switch (s->type) {
    case NB_T_STRUCTURE:
        return enc_struct(e, s, v);
    case NB_T_LIST:
        return enc_list(e, s, v);
    case NB_T_MAP:
        return enc_map(e, s, v);
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
    return nb_jw_value(e->w, v); /* scalars are written as they are */
}

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
    enc e = {&w, call->model};
    const nb_operation *op = call->op;
    int rc;

    body_reset(resp);
    nb_jw_init(&w, &resp->body);
    if (out && op && op->output != NB_NO_SHAPE && e.m) {
        enc_value(&e, op->output, 0, out);
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
 * __type is the error shape's name with no namespace: botocore
 * (parsers.py BaseJSONParser._do_error_parse) and the SDK for JavaScript
 * v3 (sanitizeErrorCode) cut everything up to '#' and from ':', so
 * "QueueDoesNotExist" and AWS's "com.amazonaws.sqs#QueueDoesNotExist" read
 * the same, and the models do not carry AWS's namespaces. A message that
 * is empty is left out, as Coral does for framework errors. */
static void
error_body(nb_jw *w, nb_call *call, const nb_shape *s, const char *type, const char *msg_key)
{
    const nb_model *m = call->model;

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
