/*
 * json_shape.c: one shape-driven JSON walker for both JSON protocols
 * (json_shape.h). Reading follows what AWS's JSON services accept:
 * unknown members and nulls are dropped (dynalite checkTypes deletes
 * both), lists and maps are bounded by NB_LIST_MAX (limits.h), floats also
 * take "NaN", "Infinity" and "-Infinity" (Smithy: non-numeric float
 * values; botocore serialize.py _handle_float), timestamps are epoch
 * seconds or a string in any format kept to the millisecond, blobs strict
 * base64. Every refusal goes through the codec's hook, which words it as
 * its protocol does. Writing is the inverse: epoch-seconds timestamps
 * unless timestampFormat says otherwise, base64 blobs, and what the shape
 * does not describe written as it is.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "arena.h"
#include "base64.h"
#include "json_shape.h"
#include "limits.h"
#include "timefmt.h"

static const nb_shape *
shape_at(const nb_model *m, uint32_t idx)
{
    assert(idx < m->nshapes);
    return &m->shapes[idx];
}

/* Member i of s: a list's item (0), a map's key (0) or value (1). */
static const nb_member *
member_at(const nb_model *m, const nb_shape *s, uint32_t i)
{
    assert(s->nmembers > i);
    return &m->members[s->members + i];
}

/* Members bound to the URI, query or headers, and the payload, are not
 * in a REST body object (Smithy HTTP binding traits). */
static int
in_body(const nb_member *mb)
{
    return mb->loc == NB_LOC_BODY && !(mb->flags & NB_MF_PAYLOAD);
}

/* ---- Reader ---------------------------------------------------------- */

int
nb_jsd_ser_fail(nb_jsd *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = nb_arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    if (!msg)
        return NB_ENOMEM;
    return nb_fail_status(d->call, 400, "SerializationException", "%s", msg);
}

static int
fail(nb_jsd *d, nb_jsd_why why, const nb_shape *s, const char *where, const nb_json *j)
{
    nb_jsd_err e = {why, s, where, j, 0, 0};
    return d->fail(d, &e);
}

/* The member of s whose wire name is key; with top set, body members
 * only, so a body key never fills a header-bound member of that name. */
static const nb_member *
member_by_wire(const nb_model *m, const nb_shape *s, nb_str key, int top)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *c = member_at(m, s, i);
        if ((!top || in_body(c)) && nb_str_eqc(key, nb_member_wire(c)))
            return c;
    }
    return NULL;
}

int
nb_jsd_members(nb_jsd *d, const nb_shape *s, const nb_json *j, int top, nb_value *v)
{
    nb_json_iter it = NB_JSON_ITER_INIT;
    const nb_json *val;
    nb_value *c;
    nb_str key;
    while (nb_json_next(j, &it, &key, &val)) {
        const nb_member *mb = member_by_wire(d->m, s, key, top);
        if (!mb || nb_json_type(val) == NB_J_NULL)
            continue;
        int rc = nb_jsd_value(d, mb->shape, mb->name, val, &c);
        if (rc || (rc = nb_value_put(v, mb->name, strlen(mb->name), c)))
            return rc;
    }
    return NB_OK;
}

static int
dec_struct(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    if (s->flags & NB_SF_DOCUMENT) /* kept as the JSON's own tree */
        return nb_json_to_value(d->a, j, out);
    if (nb_json_type(j) != NB_J_OBJECT)
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    nb_value *v = nb_value_struct(d->a);
    if (!v)
        return NB_ENOMEM;
    int rc = nb_jsd_members(d, s, j, 0, v);
    if (rc)
        return rc;
    /* Smithy: a union has exactly one member set; several is malformed. */
    if ((d->flags & NB_JSD_UNIONS) && (s->flags & NB_SF_UNION) && v->u.c.n > 1)
        return fail(d, NB_JSD_UNION, s, where, j);
    *out = v;
    return NB_OK;
}

static int
dec_list(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    uint32_t item = member_at(d->m, s, 0)->shape;
    if (nb_json_type(j) != NB_J_ARRAY)
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    size_t n = nb_json_len(j);
    if (n > NB_LIST_MAX) /* our bound (limits.h) */
        return fail(d, NB_JSD_TOO_MANY, s, where, j);
    nb_value *v = nb_value_list(d->a), *c;
    if (!v)
        return NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const nb_json *e = nb_json_item(j, i);
        if (nb_json_type(e) == NB_J_NULL) /* dense lists drop nulls */
            continue;
        int rc = nb_jsd_value(d, item, where, e, &c);
        if (rc || (rc = nb_value_append(v, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

static int
dec_map(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    uint32_t vshape = member_at(d->m, s, 1)->shape;
    nb_json_iter it = NB_JSON_ITER_INIT;
    const nb_json *val;
    nb_str key;
    if (nb_json_type(j) != NB_J_OBJECT)
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    if (nb_json_len(j) > NB_LIST_MAX)
        return fail(d, NB_JSD_TOO_MANY, s, where, j);
    nb_value *v = nb_value_map(d->a), *c;
    if (!v)
        return NB_ENOMEM;
    while (nb_json_next(j, &it, &key, &val)) {
        if (nb_json_type(val) == NB_J_NULL) /* dense maps drop nulls */
            continue;
        int rc = nb_jsd_value(d, vshape, where, val, &c);
        if (rc || (rc = nb_value_put(v, key.p, key.len, c)))
            return rc;
    }
    *out = v;
    return NB_OK;
}

/* Integers and longs: whole numbers in range. With NB_JSD_TRUNCATE a
 * number with a fraction loses it, toward zero (awsJson: Coral on
 * Jackson; dynalite "if (actualType != 'Double') val = Math.floor(val)"),
 * and one out of range is NB_JSD_RANGE too. */
static int
dec_int(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    int64_t lo = s->type == NB_T_INTEGER ? INT32_MIN : INT64_MIN;
    int64_t hi = s->type == NB_T_INTEGER ? INT32_MAX : INT64_MAX;
    int64_t i;
    if (nb_json_type(j) == NB_J_INT) {
        i = nb_json_int(j);
        if (i < lo || i > hi)
            return fail(d, NB_JSD_RANGE, s, where, j);
    } else if (nb_json_type(j) == NB_J_REAL && (d->flags & NB_JSD_TRUNCATE)) {
        double x = trunc(nb_json_num(j));
        if (!(x >= (double)lo && x < -(double)lo)) /* [lo, -lo): exact in double */
            return fail(d, NB_JSD_RANGE, s, where, j);
        i = (int64_t)x; /* in [lo, -lo - 1] = [lo, hi] */
    } else {
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    }
    *out = nb_value_int(d->a, i);
    return *out ? NB_OK : NB_ENOMEM;
}

/* Floats and doubles: any JSON number, or the three names (file comment);
 * "1.5" as a string is not a number. */
static int
dec_double(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    double x;
    int jt = nb_json_type(j);
    if (jt == NB_J_INT || jt == NB_J_REAL)
        x = nb_json_num(j);
    else if (jt == NB_J_STR && nb_str_eqc(nb_json_str(j), "NaN"))
        x = NAN;
    else if (jt == NB_J_STR && nb_str_eqc(nb_json_str(j), "Infinity"))
        x = INFINITY;
    else if (jt == NB_J_STR && nb_str_eqc(nb_json_str(j), "-Infinity"))
        x = -INFINITY;
    else
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    *out = nb_value_double(d->a, x);
    return *out ? NB_OK : NB_ENOMEM;
}

/* Timestamps: epoch seconds as a number, possibly fractional (botocore
 * serialize.py: TIMESTAMP_FORMAT 'unixtimestamp' for both protocols), kept
 * to the millisecond; also ISO 8601, HTTP-date or epoch strings, which
 * some clients send. */
static int
dec_time(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    int jt = nb_json_type(j);
    double t;
    if (jt == NB_J_INT || jt == NB_J_REAL) {
        t = nb_json_num(j);
    } else if (jt == NB_J_STR) {
        nb_str str = nb_json_str(j);
        if (nb_time_parse(str.p, str.len, NB_TS_DEFAULT, &t) != NB_OK)
            return fail(d, NB_JSD_TIME, s, where, j);
    } else {
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    }
    *out = nb_value_time(d->a, round(t * 1000.0) / 1000.0);
    return *out ? NB_OK : NB_ENOMEM;
}

/* Blobs: strict base64 (base64.h), decoded in place in the arena. */
static int
dec_blob(nb_jsd *d, const nb_shape *s, const char *where, const nb_json *j, nb_value **out)
{
    size_t n = 0, bad = 0;
    if (nb_json_type(j) != NB_J_STR)
        return fail(d, NB_JSD_MISMATCH, s, where, j);
    nb_str str = nb_json_str(j);
    char *buf = nb_arena_alloc(d->a, nb_b64_dec_max(str.len) + 1);
    if (!buf)
        return NB_ENOMEM;
    int rc = nb_b64_decode(buf, &n, str.p, str.len, &bad);
    if (rc != NB_B64_OK) {
        nb_jsd_err e = {NB_JSD_BLOB, s, where, j, rc, bad};
        return d->fail(d, &e);
    }
    buf[n] = '\0';
    *out = nb_value_blob(d->a, "", 0);
    if (!*out)
        return NB_ENOMEM;
    (*out)->u.s.p = buf; /* decoded in place: no second copy */
    (*out)->u.s.len = n;
    return NB_OK;
}

int
nb_jsd_value(nb_jsd *d, uint32_t shape, const char *where, const nb_json *j, nb_value **out)
{
    const nb_shape *s = shape_at(d->m, shape);
    nb_str str;

    *out = NULL;
    switch (s->type) {
    case NB_T_STRUCTURE:
        return dec_struct(d, s, where, j, out);
    case NB_T_LIST:
        return dec_list(d, s, where, j, out);
    case NB_T_MAP:
        return dec_map(d, s, where, j, out);
    case NB_T_BOOLEAN:
        if (nb_json_type(j) != NB_J_BOOL)
            return fail(d, NB_JSD_MISMATCH, s, where, j);
        *out = nb_value_bool(d->a, nb_json_bool(j));
        return *out ? NB_OK : NB_ENOMEM;
    case NB_T_INTEGER:
    case NB_T_LONG:
        return dec_int(d, s, where, j, out);
    case NB_T_FLOAT:
    case NB_T_DOUBLE:
        return dec_double(d, s, where, j, out);
    case NB_T_TIMESTAMP:
        return dec_time(d, s, where, j, out);
    case NB_T_BLOB:
        return dec_blob(d, s, where, j, out);
    default: /* NB_T_STRING */
        if (nb_json_type(j) != NB_J_STR)
            return fail(d, NB_JSD_MISMATCH, s, where, j);
        str = nb_json_str(j);
        *out = nb_value_str(d->a, str.p, str.len);
        return *out ? NB_OK : NB_ENOMEM;
    }
}

/* ---- Writer ---------------------------------------------------------- */

int
nb_jse_members(nb_jse *e, const nb_shape *s, const nb_value *v, int top)
{
    nb_jw_obj_begin(e->w);
    for (uint32_t i = 0; i < s->nmembers && !e->w->rc; i++) {
        const nb_member *mb = member_at(e->m, s, i);
        if (top && !in_body(mb))
            continue;
        const nb_value *c = nb_get(v, mb->name);
        if (!c || c->type == NB_V_NULL)
            continue;
        nb_jw_keyc(e->w, nb_member_wire(mb));
        nb_jse_value(e, mb->shape, mb->tsfmt, c);
    }
    return nb_jw_obj_end(e->w);
}

/* A structure in the tree's order: members the shape lacks are not on the
 * wire. */
static int
enc_struct_tree(nb_jse *e, const nb_shape *s, const nb_value *v)
{
    nb_jw_obj_begin(e->w);
    for (const nb_value *c = v->u.c.first; c && !e->w->rc; c = c->next) {
        const nb_member *mb = c->key ? nb_shape_member(e->m, s, c->key, c->klen) : NULL;
        if (!mb || c->type == NB_V_NULL)
            continue;
        nb_jw_keyc(e->w, nb_member_wire(mb));
        nb_jse_value(e, mb->shape, mb->tsfmt, c);
    }
    return nb_jw_obj_end(e->w);
}

static int
enc_struct(nb_jse *e, const nb_shape *s, const nb_value *v)
{
    if (s->flags & NB_SF_DOCUMENT)
        return nb_jw_value(e->w, v);
    if (e->shape_order)
        return v->type == NB_V_STRUCT ? nb_jse_members(e, s, v, 0) : nb_jw_value(e->w, v);
    if (v->type != NB_V_STRUCT && v->type != NB_V_MAP)
        return nb_jw_value(e->w, v);
    return enc_struct_tree(e, s, v);
}

static int
enc_list(nb_jse *e, const nb_shape *s, const nb_value *v)
{
    const nb_member *item = member_at(e->m, s, 0);
    if (v->type != NB_V_LIST)
        return nb_jw_value(e->w, v);
    nb_jw_arr_begin(e->w);
    for (const nb_value *c = v->u.c.first; c && !e->w->rc; c = c->next)
        nb_jse_value(e, item->shape, item->tsfmt, c);
    return nb_jw_arr_end(e->w);
}

static int
enc_map(nb_jse *e, const nb_shape *s, const nb_value *v)
{
    const nb_member *val = member_at(e->m, s, 1);
    if (v->type != NB_V_MAP && v->type != NB_V_STRUCT)
        return nb_jw_value(e->w, v);
    nb_jw_obj_begin(e->w);
    for (const nb_value *c = v->u.c.first; c && !e->w->rc; c = c->next) {
        nb_jw_key(e->w, c->key, c->klen);
        nb_jse_value(e, val->shape, val->tsfmt, c);
    }
    return nb_jw_obj_end(e->w);
}

/* Timestamps: epoch seconds, with the milliseconds as a fraction when
 * there are any (Smithy awsJson1_0 and restJson1: epoch-seconds in bodies
 * by default; botocore parsers.py _parse_timestamp reads a number), unless
 * the member or shape asks for another timestampFormat. */
static int
enc_time(nb_jse *e, const nb_shape *s, int tsfmt, const nb_value *v)
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

int
nb_jse_value(nb_jse *e, uint32_t shape, int tsfmt, const nb_value *v)
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

int
nb_jse_field(nb_jse *e, const nb_member *mb, const nb_value *c)
{
    if (!mb) {
        nb_jw_key(e->w, c->key, c->klen);
        return nb_jw_value(e->w, c);
    }
    nb_jw_keyc(e->w, nb_member_wire(mb));
    return nb_jse_value(e, mb->shape, mb->tsfmt, c);
}
