/*
 * proto_bind.c: HTTP bindings of REST requests and responses (rules in
 * proto_bind.h). Conversions between text and typed values live here too,
 * since labels, query parameters, headers and XML text all need the same
 * ones. Nothing here knows a body format or an error code: a value that
 * does not convert is handed back to the codec through its bad() hook.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arena.h"
#include "base64.h"
#include "call.h"
#include "json.h"
#include "limits.h"
#include "log.h"
#include "proto_bind.h"
#include "timefmt.h"
#include "value.h"

static const nb_shape *
shape_of(const nb_model *m, uint32_t idx)
{
    return idx < m->nshapes ? &m->shapes[idx] : NULL;
}

static const nb_member *
member_at(const nb_model *m, const nb_shape *s, uint32_t i)
{
    return &m->members[s->members + i];
}

int
nb_bind_tsfmt(const nb_model *m, const nb_member *mb, int dflt)
{
    if (mb && mb->tsfmt)
        return mb->tsfmt;
    const nb_shape *s = mb ? shape_of(m, mb->shape) : NULL;
    if (s && s->tsfmt)
        return s->tsfmt;
    return dflt;
}

const nb_member *
nb_bind_payload(const nb_model *m, const nb_shape *s)
{
    if (!s || s->type != NB_T_STRUCTURE)
        return NULL;
    for (uint32_t i = 0; i < s->nmembers; i++)
        if (member_at(m, s, i)->flags & NB_MF_PAYLOAD)
            return member_at(m, s, i);
    return NULL;
}

int
nb_bind_payload_is_raw(const nb_model *m, const nb_member *payload)
{
    const nb_shape *s = payload ? shape_of(m, payload->shape) : NULL;
    return s && (s->type == NB_T_BLOB || s->type == NB_T_STRING);
}

int
nb_bind_has_body_members(const nb_model *m, const nb_shape *s)
{
    if (!s || s->type != NB_T_STRUCTURE)
        return 0;
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(m, s, i);
        if (mb->loc == NB_LOC_BODY && !(mb->flags & NB_MF_PAYLOAD))
            return 1;
    }
    return 0;
}

/* ---- Scalars -------------------------------------------------------- */

/* Strict decimal integer: [+-]?[0-9]+, within [lo, hi]. */
static int
parse_int(const char *p, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (len && (p[0] == '-' || p[0] == '+')) {
        neg = p[0] == '-';
        i++;
    }
    if (i == len)
        return NB_EINVAL;
    uint64_t v = 0, lim = neg ? (uint64_t)(-(lo + 1)) + 1 : (uint64_t)hi;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return NB_EINVAL;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (lim - d) / 10)
            return NB_EINVAL;
        v = v * 10 + d;
    }
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return NB_OK;
}

/* Decimal or exponent form only (no hex, no "inf"), or the three
 * non-numeric names Smithy allows (botocore serialize.py _handle_float). */
static int
parse_double(const char *p, size_t len, double *out)
{
    char tmp[128];
    if (len == 3 && memcmp(p, "NaN", 3) == 0)
        return *out = NAN, NB_OK;
    if (len == 8 && memcmp(p, "Infinity", 8) == 0)
        return *out = INFINITY, NB_OK;
    if (len == 9 && memcmp(p, "-Infinity", 9) == 0)
        return *out = -INFINITY, NB_OK;
    if (len == 0 || len >= sizeof(tmp))
        return NB_EINVAL;
    int digits = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c >= '0' && c <= '9')
            digits = 1;
        else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
            return NB_EINVAL;
    }
    if (!digits)
        return NB_EINVAL;
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    char *end;
    double d = strtod(tmp, &end);
    if (*end || isinf(d))
        return NB_EINVAL;
    *out = d;
    return NB_OK;
}

static int
parse_blob(nb_arena *a, const char *p, size_t len, nb_value **out)
{
    char *buf = nb_arena_alloc(a, nb_b64_dec_max(len) + 1);
    size_t n = 0;
    if (!buf)
        return NB_ENOMEM;
    if (nb_b64_decode(buf, &n, p, len, NULL) != NB_B64_OK)
        return NB_EINVAL;
    *out = nb_value_blob(a, buf, n);
    return *out ? NB_OK : NB_ENOMEM;
}

int
nb_bind_parse_scalar(nb_arena *a, const nb_model *m, uint32_t shape, int tsfmt, const char *p,
                     size_t len, nb_value **out)
{
    const nb_shape *s = shape_of(m, shape);
    int64_t i;
    double d;
    *out = NULL;
    if (!s)
        return NB_EINVAL;
    switch (s->type) {
    case NB_T_STRING:
        *out = nb_value_str(a, p, len);
        break;
    case NB_T_BLOB:
        return parse_blob(a, p, len, out);
    case NB_T_BOOLEAN:
        if (len == 4 && strncasecmp(p, "true", 4) == 0)
            *out = nb_value_bool(a, 1);
        else if (len == 5 && strncasecmp(p, "false", 5) == 0)
            *out = nb_value_bool(a, 0);
        else
            return NB_EINVAL;
        break;
    case NB_T_INTEGER:
    case NB_T_LONG:
        if (s->type == NB_T_INTEGER ? parse_int(p, len, INT32_MIN, INT32_MAX, &i)
                                    : parse_int(p, len, INT64_MIN, INT64_MAX, &i))
            return NB_EINVAL;
        *out = nb_value_int(a, i);
        break;
    case NB_T_FLOAT:
    case NB_T_DOUBLE:
        if (parse_double(p, len, &d))
            return NB_EINVAL;
        *out = nb_value_double(a, d);
        break;
    case NB_T_TIMESTAMP:
        if (nb_time_parse(p, len, tsfmt, &d) && nb_time_parse(p, len, NB_TS_DEFAULT, &d))
            return NB_EINVAL;
        *out = nb_value_time(a, round(d * 1000.0) / 1000.0);
        break;
    default:
        return NB_EINVAL;
    }
    return *out ? NB_OK : NB_ENOMEM;
}

static int
fmt_double(nb_arena *a, double d, const char **out, size_t *len)
{
    char num[NB_JSON_NUM_MAX];
    if (isnan(d))
        *out = "NaN";
    else if (isinf(d))
        *out = d > 0 ? "Infinity" : "-Infinity";
    else if (nb_json_fmt_double(num, d) == 0 || !(*out = nb_arena_strdup(a, num)))
        return NB_ENOMEM;
    *len = strlen(*out);
    return NB_OK;
}

static int
fmt_blob(nb_arena *a, const char *p, size_t n, const char **out, size_t *len)
{
    size_t el = nb_b64_enc_len(n);
    char *d = el || !n ? nb_arena_alloc(a, el + 1) : NULL;
    if (!d)
        return NB_ENOMEM;
    *len = nb_b64_encode(d, p, n);
    *out = d;
    return NB_OK;
}

int
nb_bind_format_scalar(nb_arena *a, const nb_model *m, uint32_t shape, int tsfmt, const nb_value *v,
                      const char **out, size_t *len)
{
    const nb_shape *s = shape_of(m, shape);
    int type = s ? s->type : 0;
    char tb[NB_TIME_STR_MAX];
    if (type == NB_T_TIMESTAMP &&
        (v->type == NB_V_TIME || v->type == NB_V_INT || v->type == NB_V_DOUBLE)) {
        double t = v->type == NB_V_INT ? (double)v->u.i : v->u.d;
        if (nb_time_format(tb, sizeof(tb), t, tsfmt))
            return NB_EINVAL;
        *out = nb_arena_strdup(a, tb);
        *len = strlen(tb);
        return *out ? NB_OK : NB_ENOMEM;
    }
    switch (v->type) {
    case NB_V_STR:
    case NB_V_BLOB:
        if (type == NB_T_BLOB)
            return fmt_blob(a, v->u.s.p, v->u.s.len, out, len);
        *out = v->u.s.p ? v->u.s.p : "";
        *len = v->u.s.len;
        return NB_OK;
    case NB_V_BOOL:
        *out = v->u.b ? "true" : "false";
        *len = strlen(*out);
        return NB_OK;
    case NB_V_INT:
        *out = nb_arena_printf(a, "%lld", (long long)v->u.i);
        break;
    case NB_V_DOUBLE:
        return fmt_double(a, v->u.d, out, len);
    case NB_V_TIME:
        if (nb_time_format(tb, sizeof(tb), v->u.d, tsfmt))
            return NB_EINVAL;
        *out = nb_arena_strdup(a, tb);
        break;
    default:
        return NB_EINVAL;
    }
    if (!*out)
        return NB_ENOMEM;
    *len = strlen(*out);
    return NB_OK;
}

/* ---- Request -------------------------------------------------------- */

/* Converts one text into the tree under mb, or reports it as bad. */
static int
put_scalar(nb_call *call, const nb_member *mb, uint32_t shape, int tsfmt, const char *p, size_t len,
           nb_value *into, nb_bind_bad_fn bad)
{
    nb_value *v;
    int rc = nb_bind_parse_scalar(call->arena, call->model, shape, tsfmt, p, len, &v);
    if (rc == NB_EINVAL)
        return bad(call, mb, p, len);
    if (rc)
        return rc;
    if (into->type == NB_V_LIST)
        return nb_value_append(into, v);
    return nb_value_put(into, mb->name, strlen(mb->name), v);
}

static int
bind_label(nb_call *call, const nb_member *mb, const nb_rest_match *mt, nb_value *in,
           nb_bind_bad_fn bad)
{
    const nb_rest_label *l = mt ? nb_rest_label_get(mt, nb_member_wire(mb)) : NULL;
    if (!l)
        return NB_OK;
    return put_scalar(call, mb, mb->shape, nb_bind_tsfmt(call->model, mb, NB_TS_ISO8601), l->value,
                      l->len, in, bad);
}

static int
bind_query(nb_call *call, const nb_member *mb, const nb_rest_match *mt, nb_value *in,
           nb_bind_bad_fn bad)
{
    const nb_model *m = call->model;
    const nb_shape *s = shape_of(m, mb->shape);
    const char *w = nb_member_wire(mb);
    size_t wl = strlen(w);
    nb_value *list = NULL;
    int rc;
    for (size_t i = 0; mt && i < mt->nquery; i++) {
        const nb_rest_qparam *q = &mt->query[i];
        if (q->klen != wl || memcmp(q->key, w, wl) != 0)
            continue;
        if (s->type != NB_T_LIST)
            return put_scalar(call, mb, mb->shape, nb_bind_tsfmt(m, mb, NB_TS_ISO8601), q->val,
                              q->vlen, in, bad);
        if (!list && !(list = nb_set_list(in, mb->name)))
            return NB_ENOMEM;
        const nb_member *item = member_at(m, s, 0);
        rc = put_scalar(call, mb, item->shape, nb_bind_tsfmt(m, item, NB_TS_ISO8601), q->val,
                        q->vlen, list, bad);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* Is query key k taken by a member of s other than maps, or named by the
 * template itself? */
static int
query_taken(const nb_model *m, const nb_shape *s, const nb_rest_qparam *q)
{
    if (q->literal)
        return 1;
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(m, s, i);
        if (mb->loc != NB_LOC_QUERY || shape_of(m, mb->shape)->type == NB_T_MAP)
            continue;
        const char *w = nb_member_wire(mb);
        if (strlen(w) == q->klen && memcmp(w, q->key, q->klen) == 0)
            return 1;
    }
    return 0;
}

/* A map bound to the query: every parameter no other member took. Values
 * that are lists collect repeated keys (Smithy httpQueryParams). */
static int
bind_query_map(nb_call *call, const nb_member *mb, const nb_shape *parent, const nb_rest_match *mt,
               nb_value *in, nb_bind_bad_fn bad)
{
    const nb_model *m = call->model;
    const nb_shape *s = shape_of(m, mb->shape);
    const nb_member *val = member_at(m, s, 1);
    const nb_shape *vs = shape_of(m, val->shape);
    nb_value *map = NULL;
    int rc;
    for (size_t i = 0; mt && i < mt->nquery; i++) {
        const nb_rest_qparam *q = &mt->query[i];
        if (query_taken(m, parent, q))
            continue;
        if (!map && !(map = nb_set_map(in, mb->name)))
            return NB_ENOMEM;
        nb_value *have = (nb_value *)nb_get(map, q->key);
        if (vs->type == NB_T_LIST) {
            if (!have) {
                have = nb_value_list(call->arena);
                rc = nb_value_put(map, q->key, q->klen, have);
                if (rc)
                    return rc;
            }
            const nb_member *item = member_at(m, vs, 0);
            rc = put_scalar(call, mb, item->shape, nb_bind_tsfmt(m, item, NB_TS_ISO8601), q->val,
                            q->vlen, have, bad);
        } else if (!have) { /* the first of repeated keys wins */
            nb_value *v;
            rc = nb_bind_parse_scalar(call->arena, m, val->shape,
                                      nb_bind_tsfmt(m, val, NB_TS_ISO8601), q->val, q->vlen, &v);
            if (rc == NB_EINVAL)
                return bad(call, mb, q->val, q->vlen);
            if (!rc)
                rc = nb_value_put(map, q->key, q->klen, v);
        } else {
            rc = NB_OK;
        }
        if (rc)
            return rc;
    }
    return NB_OK;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Next item of a comma-separated header list from *pp: trimmed, and
 * unquoted when quoted ("a\"b" -> a"b). Returns 0 at the end. */
static int
next_item(nb_arena *a, const char **pp, const char **item, size_t *len)
{
    const char *p = *pp;
    while (*p && (is_space(*p) || *p == ','))
        p++;
    if (!*p)
        return 0;
    if (*p == '"') {
        char *d = nb_arena_alloc(a, strlen(p) + 1);
        size_t n = 0;
        if (!d)
            return -1;
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            d[n++] = *p;
        }
        d[n] = '\0';
        if (*p == '"')
            p++;
        while (*p && *p != ',')
            p++;
        *item = d;
        *len = n;
    } else {
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && is_space(t[-1]))
            t--;
        *item = p;
        *len = (size_t)(t - p);
        p = e;
    }
    *pp = p;
    return 1;
}

/* HTTP dates hold a comma ("Tue, 29 Apr 2014 ..."): in a list of them a
 * lone weekday item is glued to the next (Smithy: timestamp lists in
 * headers are not split inside an HTTP date). */
static int
weekday_only(const char *p, size_t n)
{
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
            return 0;
    return 1;
}

static int
header_list(nb_call *call, const nb_member *mb, const char *hv, nb_value *list, nb_bind_bad_fn bad)
{
    const nb_model *m = call->model;
    const nb_member *item = member_at(m, shape_of(m, mb->shape), 0);
    int fmt = nb_bind_tsfmt(m, item, NB_TS_RFC822);
    int is_time = shape_of(m, item->shape)->type == NB_T_TIMESTAMP;
    const char *it, *it2;
    size_t n, n2;
    int r;
    while ((r = next_item(call->arena, &hv, &it, &n)) > 0) {
        if (is_time && fmt == NB_TS_RFC822 && weekday_only(it, n)) {
            const char *save = hv;
            if (next_item(call->arena, &hv, &it2, &n2) > 0) {
                char *j = nb_arena_printf(call->arena, "%.*s, %.*s", (int)n, it, (int)n2, it2);
                if (!j)
                    return NB_ENOMEM;
                it = j;
                n = strlen(j);
            } else {
                hv = save;
            }
        }
        int rc = put_scalar(call, mb, item->shape, fmt, it, n, list, bad);
        if (rc)
            return rc;
    }
    return r < 0 ? NB_ENOMEM : NB_OK;
}

/* jsonvalue headers: base64 of JSON text; the tree holds the text. */
static int
header_json(nb_call *call, const nb_member *mb, const char *hv, nb_value *in, nb_bind_bad_fn bad)
{
    nb_value *v;
    size_t n = strlen(hv);
    int rc = parse_blob(call->arena, hv, n, &v);
    if (rc == NB_EINVAL)
        return bad(call, mb, hv, n);
    if (rc)
        return rc;
    v->type = NB_V_STR;
    return nb_value_put(in, mb->name, strlen(mb->name), v);
}

static int
bind_header(nb_call *call, const nb_http_req *req, const nb_member *mb, nb_value *in,
            nb_bind_bad_fn bad)
{
    const nb_model *m = call->model;
    const nb_shape *s = shape_of(m, mb->shape);
    const char *w = nb_member_wire(mb);
    nb_value *list = NULL;
    for (size_t i = 0; i < req->nheaders; i++) {
        const nb_header *h = &req->headers[i];
        if (!h->name || strcasecmp(h->name, w) != 0)
            continue;
        if (s->type == NB_T_LIST) { /* repeated headers add to one list */
            if (!list && !(list = nb_set_list(in, mb->name)))
                return NB_ENOMEM;
            int rc = header_list(call, mb, h->value, list, bad);
            if (rc)
                return rc;
            continue;
        }
        if (mb->flags & NB_MF_JSONVALUE)
            return header_json(call, mb, h->value, in, bad);
        return put_scalar(call, mb, mb->shape, nb_bind_tsfmt(m, mb, NB_TS_RFC822), h->value,
                          strlen(h->value), in, bad);
    }
    return NB_OK;
}

/* Is header name bound to a single-header member of s? */
static int
header_taken(const nb_model *m, const nb_shape *s, const char *name)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(m, s, i);
        if (mb->loc == NB_LOC_HEADER && strcasecmp(nb_member_wire(mb), name) == 0)
            return 1;
    }
    return 0;
}

/* A prefix map (S3 x-amz-meta-*). AWS: botocore parsers.py
 * _parse_header_map strips the prefix and keeps the rest of the name;
 * request header names reach us lower-cased (http.h), so keys are too,
 * as S3 stores user metadata keys in lower case. With an empty prefix,
 * headers bound to other members are left out (Smithy httpPrefixHeaders). */
static int
bind_headers(nb_call *call, const nb_http_req *req, const nb_member *mb, const nb_shape *parent,
             nb_value *in, nb_bind_bad_fn bad)
{
    const nb_model *m = call->model;
    const nb_member *val = member_at(m, shape_of(m, mb->shape), 1);
    const char *prefix = mb->wire ? mb->wire : "";
    size_t pl = strlen(prefix);
    nb_value *map = NULL;
    for (size_t i = 0; i < req->nheaders; i++) {
        const nb_header *h = &req->headers[i];
        if (!h->name || strncasecmp(h->name, prefix, pl) != 0 || !h->name[pl])
            continue;
        if (pl == 0 && header_taken(m, parent, h->name))
            continue;
        if (!map && !(map = nb_set_map(in, mb->name)))
            return NB_ENOMEM;
        const char *key = h->name + pl;
        if (nb_get(map, key)) /* a repeated header: the first one counts */
            continue;
        nb_value *v;
        size_t n = strlen(h->value);
        int rc = nb_bind_parse_scalar(call->arena, m, val->shape,
                                      nb_bind_tsfmt(m, val, NB_TS_RFC822), h->value, n, &v);
        if (rc == NB_EINVAL)
            return bad(call, mb, h->value, n);
        if (rc || (rc = nb_value_put(map, key, strlen(key), v)))
            return rc;
    }
    return NB_OK;
}

/* A blob or string payload is the body, as sent. A streaming blob is set
 * even when empty (S3 PutObject of an empty object), and is the spool
 * file (NB_V_FILE) when the server spooled the body (call.c reads any
 * other spooled body back into memory before the codec runs). */
static int
bind_raw_payload(nb_call *call, const nb_http_req *req, const nb_member *mb, nb_value *in)
{
    const nb_shape *s = shape_of(call->model, mb->shape);
    if (req->body_len == 0 && !(s->flags & NB_SF_STREAMING))
        return NB_OK;
    /* The body outlives the call (server.c frees it after the call) and
     * has a NUL after it: it is named, not copied (a 1 MiB PutObject's
     * copy was 1 M instructions and a fresh 1 MiB of the arena). */
    nb_value *v =
        req->body_path
            ? nb_value_file(call->arena, req->body_path, 0, (int64_t)req->body_len)
            : nb_value_bytes_ref(call->arena, s->type == NB_T_STRING ? NB_V_STR : NB_V_BLOB,
                                 req->body, req->body_len);
    return nb_value_put(in, mb->name, strlen(mb->name), v);
}

int
nb_bind_decode(nb_call *call, const nb_http_req *req, const nb_rest_match *mt, uint32_t shape,
               nb_value *in, nb_bind_bad_fn bad)
{
    const nb_model *m = call->model;
    const nb_shape *s = shape_of(m, shape);
    if (!s || s->type != NB_T_STRUCTURE)
        return NB_OK;
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(m, s, i);
        int rc = NB_OK;
        switch (mb->loc) {
        case NB_LOC_URI:
            rc = bind_label(call, mb, mt, in, bad);
            break;
        case NB_LOC_QUERY:
            rc = shape_of(m, mb->shape)->type == NB_T_MAP ? bind_query_map(call, mb, s, mt, in, bad)
                                                          : bind_query(call, mb, mt, in, bad);
            break;
        case NB_LOC_HEADER:
            rc = bind_header(call, req, mb, in, bad);
            break;
        case NB_LOC_HEADERS:
            rc = bind_headers(call, req, mb, s, in, bad);
            break;
        case NB_LOC_BODY:
            if ((mb->flags & NB_MF_PAYLOAD) && nb_bind_payload_is_raw(m, mb))
                rc = bind_raw_payload(call, req, mb, in);
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* ---- Response ------------------------------------------------------- */

static int
header_safe(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == '\0')
            return 0;
    return 1;
}

static int
add_header(nb_call *call, nb_http_resp *resp, const char *name, const char *v, size_t n)
{
    if (!header_safe(v, n)) {
        nb_warn("%s: header %s dropped: it holds CR, LF or NUL", call->request_id, name);
        return NB_OK;
    }
    char *val = nb_arena_strndup(call->arena, v, n);
    if (!val)
        return NB_ENOMEM;
    if (strcasecmp(name, "Content-Type") == 0) {
        resp->content_type = val;
        return NB_OK;
    }
    return nb_resp_header(call->arena, resp, name, val);
}

/* A list header: items joined with ", "; string items are quoted when
 * they hold ',' or '"' (botocore serialize.py
 * _escape_header_list_string), dates are not (Smithy protocol test
 * RestJsonInputAndOutputWithTimestampHeaders: "Mon, 16 Dec 2019 23:48:18
 * GMT, Mon, 16 Dec 2019 23:48:18 GMT"). */
static int
list_header(nb_call *call, const nb_member *mb, const nb_value *v, const char **out, size_t *len)
{
    const nb_model *m = call->model;
    const nb_member *item = member_at(m, shape_of(m, mb->shape), 0);
    int fmt = nb_bind_tsfmt(m, item, NB_TS_RFC822);
    int is_str = shape_of(m, item->shape)->type == NB_T_STRING;
    nb_buf b;
    nb_buf_init(&b, NB_RESP_MAX);
    int rc = NB_OK;
    for (const nb_value *c = nb_first(v); c && !rc; c = c->next) {
        const char *s;
        size_t n;
        if ((rc = nb_bind_format_scalar(call->arena, m, item->shape, fmt, c, &s, &n)))
            break;
        if (c != nb_first(v))
            rc = nb_buf_add(&b, ", ", 2);
        int quote = is_str && (memchr(s, ',', n) || memchr(s, '"', n));
        if (!rc && quote)
            rc = nb_buf_addc(&b, '"');
        for (size_t i = 0; i < n && !rc; i++) {
            if (quote && (s[i] == '"' || s[i] == '\\'))
                rc = nb_buf_addc(&b, '\\');
            if (!rc)
                rc = nb_buf_addc(&b, s[i]);
        }
        if (!rc && quote)
            rc = nb_buf_addc(&b, '"');
    }
    if (!rc) {
        *out = nb_arena_strndup(call->arena, b.p ? b.p : "", b.len);
        *len = b.len;
        rc = *out ? NB_OK : NB_ENOMEM;
    }
    nb_buf_free(&b);
    return rc;
}

static int
encode_header(nb_call *call, const nb_member *mb, const nb_value *v, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const char *s;
    size_t n;
    int rc;
    if (shape_of(m, mb->shape)->type == NB_T_LIST) {
        if (!nb_first(v)) /* botocore: empty lists are not sent */
            return NB_OK;
        rc = list_header(call, mb, v, &s, &n);
    } else if ((mb->flags & NB_MF_JSONVALUE) && v->type == NB_V_STR) {
        rc = fmt_blob(call->arena, v->u.s.p, v->u.s.len, &s, &n);
    } else {
        rc = nb_bind_format_scalar(call->arena, m, mb->shape, nb_bind_tsfmt(m, mb, NB_TS_RFC822), v,
                                   &s, &n);
    }
    if (rc == NB_EINVAL) {
        nb_warn("%s: header member %s has a value of the wrong type", call->request_id, mb->name);
        return NB_OK;
    }
    return rc ? rc : add_header(call, resp, nb_member_wire(mb), s, n);
}

static int
encode_headers(nb_call *call, const nb_member *mb, const nb_value *map, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    const nb_member *val = member_at(m, shape_of(m, mb->shape), 1);
    const char *prefix = mb->wire ? mb->wire : "";
    for (const nb_value *c = nb_first(map); c; c = c->next) {
        const char *s;
        size_t n;
        int rc = nb_bind_format_scalar(call->arena, m, val->shape,
                                       nb_bind_tsfmt(m, val, NB_TS_RFC822), c, &s, &n);
        if (rc == NB_EINVAL)
            continue;
        char *name =
            rc ? NULL : nb_arena_printf(call->arena, "%s%.*s", prefix, (int)c->klen, c->key);
        if (rc || !name)
            return rc ? rc : NB_ENOMEM;
        if (!header_safe(name, strlen(name)))
            continue;
        if ((rc = add_header(call, resp, name, s, n)))
            return rc;
    }
    return NB_OK;
}

/* A file value is sent from the file: it is opened now, and the server
 * closes it once sent. */
static int
encode_file_payload(nb_call *call, nb_http_resp *resp, const nb_value *v, int *raw)
{
    nb_http_file *f = nb_arena_alloc(call->arena, sizeof(*f));
    if (!f)
        return NB_ENOMEM;
    f->fd = open(v->u.f.path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        nb_error("cannot open %s: %s", v->u.f.path, strerror(errno));
        return NB_EIO;
    }
    f->off = v->u.f.off;
    f->len = v->u.f.len;
    nb_resp_drop_file(resp);
    resp->file = f;
    *raw = 1;
    return NB_OK;
}

static int
encode_raw_payload(nb_call *call, nb_http_resp *resp, const nb_value *v, int *raw)
{
    if (v->type == NB_V_FILE)
        return encode_file_payload(call, resp, v, raw);
    if (v->type != NB_V_STR && v->type != NB_V_BLOB)
        return NB_OK;
    if (resp->body.max == 0)
        resp->body.max = NB_RESP_MAX;
    nb_buf_reset(&resp->body);
    *raw = 1;
    return nb_buf_add(&resp->body, v->u.s.p ? v->u.s.p : "", v->u.s.len);
}

int
nb_bind_encode(nb_call *call, uint32_t shape, const nb_value *out, nb_http_resp *resp, int *status,
               int *raw)
{
    const nb_model *m = call->model;
    const nb_shape *s = shape_of(m, shape);
    *status = call->op && call->op->http_status ? call->op->http_status : 200;
    *raw = 0;
    if (!s || s->type != NB_T_STRUCTURE || !out)
        return NB_OK;
    const nb_member *pl = nb_bind_payload(m, s);
    int has_raw = pl && nb_bind_payload_is_raw(m, pl) && nb_get(out, pl->name);
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(m, s, i);
        const nb_value *v = nb_get(out, mb->name);
        int rc = NB_OK;
        if (!v || v->type == NB_V_NULL)
            continue;
        switch (mb->loc) {
        case NB_LOC_STATUS:
            if (v->type == NB_V_INT && v->u.i >= 100 && v->u.i <= 599)
                *status = (int)v->u.i;
            break;
        case NB_LOC_HEADER:
            /* The server counts the body it sends; a Content-Length
             * member only stands when there is none (HEAD). */
            if (has_raw && strcasecmp(nb_member_wire(mb), "Content-Length") == 0)
                break;
            rc = encode_header(call, mb, v, resp);
            break;
        case NB_LOC_HEADERS:
            rc = encode_headers(call, mb, v, resp);
            break;
        case NB_LOC_BODY:
            if (mb == pl && nb_bind_payload_is_raw(m, mb))
                rc = encode_raw_payload(call, resp, v, raw);
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* ---- The REST codecs' request and reply steps ----------------------- */

int
nb_bind_resolve(const nb_bind_codec *c, nb_call *call, const nb_model *m, const nb_http_req *req,
                const nb_operation **op)
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
    return mt.miss == NB_REST_BAD_URI ? c->bad_uri(call, req) : c->no_match(call, req);
}

int
nb_bind_request(const nb_bind_codec *c, nb_call *call, const nb_http_req *req, nb_value **in)
{
    const nb_operation *op = call->op;
    nb_http_req plain;
    nb_rest_match mt;
    int rc;
    *in = nb_value_struct(call->arena);
    if (!*in)
        return NB_ENOMEM;
    if (NB_NEVER(!op || !call->model))
        return NB_EINTERNAL;
    if (op->input == NB_NO_SHAPE)
        return NB_OK;
    if (c->unwrap && (rc = c->unwrap(call, &req, &plain)))
        return rc;
    rc = nb_rest_route_op(call->arena, call->model, op, req, &mt);
    if (rc == NB_ENOTFOUND && mt.miss == NB_REST_BAD_URI)
        return c->bad_uri(call, req);
    if (rc && rc != NB_ENOTFOUND)
        return rc;
    rc = nb_bind_decode(call, req, &mt, op->input, *in, c->bad_value);
    if (!rc)
        rc = c->decode_body(call, req, shape_of(call->model, op->input), *in);
    return rc;
}

void
nb_bind_body_reset(nb_http_resp *resp)
{
    if (resp->body.max == 0)
        nb_buf_init(&resp->body, NB_RESP_MAX);
    nb_buf_reset(&resp->body);
    nb_resp_drop_file(resp);
}

int
nb_bind_is_head(const nb_call *call)
{
    return call->http && call->http->method && strcmp(call->http->method, "HEAD") == 0;
}

int
nb_bind_bodiless(const nb_call *call, int status)
{
    return status == 204 || status == 304 || nb_bind_is_head(call);
}

int
nb_bind_reply(const nb_bind_codec *c, nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    const nb_operation *op = call->op;
    int status = 200, raw = 0, rc;
    nb_bind_body_reset(resp);
    resp->content_type = NULL;
    if ((rc = c->id_headers(call, resp)))
        return rc;
    if (op && op->output != NB_NO_SHAPE)
        rc = nb_bind_encode(call, op->output, out, resp, &status, &raw);
    else if (op && op->http_status)
        status = op->http_status;
    if (rc)
        return rc;
    if (raw && !resp->content_type) {
        const nb_member *pl = nb_bind_payload(call->model, shape_of(call->model, op->output));
        resp->content_type = shape_of(call->model, pl->shape)->type == NB_T_STRING
                                 ? "text/plain"
                                 : "application/octet-stream";
    } else if (!raw && out && op && op->output != NB_NO_SHAPE) {
        rc = c->encode_body(call, out, resp);
    }
    if (nb_bind_bodiless(call, status)) {
        nb_buf_reset(&resp->body);
        nb_resp_drop_file(resp);
    }
    resp->status = status;
    return rc;
}
