/*
 * proto_query.c: the awsQuery codec (STS, IAM, CloudFormation, SNS, and
 * SQS's older protocol). Requests are form parameters, in a urlencoded
 * body or the query string, named by dotted paths (botocore serialize.py
 * QuerySerializer): "Tags.member.1.Key", flattened lists "Alias.1", maps
 * "Attribute.entry.1.key" or flattened "Attribute.1.Name". Replies are
 * XML (botocore parsers.py QueryParser):
 *
 *   <OpResponse xmlns="..."><OpResult>members</OpResult>
 *   <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></OpResponse>
 *
 *   <ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>c</Code>
 *   <Message>m</Message></Error><RequestId>id</RequestId></ErrorResponse>
 *
 * (with an empty <Detail/> after <Message> for a service that sets
 * query_error_detail: SQS)
 *
 * AWS: that error form is IAM's and STS's own (NixOS/nixops#328 shows an
 * IAM reply byte for byte).
 *
 * Decoding sorts the parameters by name, comparing dot-separated segments
 * (numerically where both are numbers), so that every parameter under one
 * prefix is contiguous and list indexes come in order; the tree is then
 * built by walking the sorted array and the input shape together. No
 * per-parameter lookup is quadratic, whatever the count. Everything the
 * codec makes lives in the call's arena; the reply body is the response's.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "base64.h"
#include "call.h"
#include "http.h"
#include "limits.h"
#include "model.h"
#include "proto.h"
#include "service.h"
#include "timefmt.h"
#include "value.h"
#include "xml.h"

/* ---- Shared model helpers ------------------------------------------ */

static const nb_shape *
shape_of(const nb_model *m, uint32_t idx)
{
    return nb_model_shape(m, idx);
}

static const nb_member *
item_of(const nb_model *m, const nb_shape *s, uint32_t i)
{
    return i < s->nmembers ? &m->members[s->members + i] : NULL;
}

static int
is_flat(const nb_shape *s, const nb_member *mb)
{
    return (s->flags & NB_SF_FLATTENED) || (mb && (mb->flags & NB_MF_FLATTENED));
}

/* The name a member goes by on the wire: its locationName or name, except
 * that a flattened list whose items have a locationName goes by that
 * (botocore QuerySerializer._serialize_type_list and
 * BaseXMLResponseParser._member_key_name). */
static const char *
query_name(const nb_model *m, const nb_member *mb)
{
    const nb_shape *s = shape_of(m, mb->shape);
    if (s && s->type == NB_T_LIST && is_flat(s, mb)) {
        const nb_member *item = item_of(m, s, 0);
        if (item && item->wire)
            return item->wire;
    }
    return nb_member_wire(mb);
}

/* List item element ("member" unless the item has a locationName), map
 * key and value elements ("key", "value" likewise). */
static const char *
part_name(const nb_model *m, const nb_shape *s, uint32_t i, const char *dflt)
{
    const nb_member *mb = item_of(m, s, i);
    return mb && mb->wire ? mb->wire : dflt;
}

/* ---- Parameters ----------------------------------------------------- */

typedef struct qparam {
    const char *name; /* decoded name, NUL-terminated */
    size_t nlen;      /* bytes in name */
    const char *val;  /* decoded value, NUL-terminated */
    size_t vlen;      /* bytes in val (may hold NULs) */
    size_t pos;       /* order of arrival, for duplicates */
} qparam;

typedef struct qset {
    qparam *p;  /* parameters (arena) */
    size_t n;   /* number used */
    size_t cap; /* number allocated */
} qset;

static int
is_form(const nb_http_req *req)
{
    static const char ct[] = "application/x-www-form-urlencoded";
    const char *v = nb_http_header(req, "content-type");
    if (!v)
        return 0;
    while (*v == ' ' || *v == '\t')
        v++;
    if (strncasecmp(v, ct, sizeof(ct) - 1) != 0)
        return 0;
    v += sizeof(ct) - 1;
    while (*v == ' ' || *v == '\t')
        v++;
    return *v == '\0' || *v == ';'; /* "; charset=utf-8" is optional */
}

static int
malformed(nb_call *call)
{
    /* AWS: Common Errors, "MalformedQueryString: The query string contains
     * a syntax error. HTTP Status Code: 404". */
    return nb_fail_status(call, 404, "MalformedQueryString",
                          "The query string contains a syntax error.");
}

static int
add_param(nb_call *call, qset *q, const char *s, size_t len)
{
    const char *eq = memchr(s, '=', len);
    size_t nraw = eq ? (size_t)(eq - s) : len;
    size_t vraw = eq ? len - nraw - 1 : 0;
    if (nraw == 0)
        return NB_OK; /* "=x" or an empty pair: nothing to name */
    if (q->n == q->cap) {
        if (q->cap >= NB_LIST_MAX)
            return nb_fail_status(call, 400, "InvalidQueryParameter",
                                  "The request has more than %u parameters.", NB_LIST_MAX);
        size_t cap = q->cap ? q->cap * 2 : 32;
        if (cap > NB_LIST_MAX)
            cap = NB_LIST_MAX;
        qparam *np = nb_arena_alloc(call->arena, cap * sizeof(*np));
        if (!np)
            return NB_ENOMEM;
        if (q->n)
            memcpy(np, q->p, q->n * sizeof(*np));
        q->p = np;
        q->cap = cap;
    }
    char *name = nb_arena_alloc(call->arena, nraw + 1);
    char *val = nb_arena_alloc(call->arena, vraw + 1);
    if (!name || !val)
        return NB_ENOMEM;
    long nl = nb_url_decode(name, s, nraw, 1);
    long vl = nb_url_decode(val, eq ? eq + 1 : s + len, vraw, 1);
    if (nl < 0 || vl < 0)
        return malformed(call);
    q->p[q->n] = (qparam){name, (size_t)nl, val, (size_t)vl, q->n};
    q->n++;
    return NB_OK;
}

/* Splits "a=1&b=2" (len bytes, may hold NULs) into q. */
static int
add_params(nb_call *call, qset *q, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t plen = amp ? (size_t)(amp - (s + i)) : len - i;
        int rc = add_param(call, q, s + i, plen);
        if (rc)
            return rc;
        i += plen + 1;
    }
    return NB_OK;
}

/* The form body first, then the query string: a name given in both is
 * taken from the body. */
static int
read_params(nb_call *call, const nb_http_req *req, qset *q)
{
    int rc = NB_OK;
    memset(q, 0, sizeof(*q));
    if (is_form(req) && req->body)
        rc = add_params(call, q, req->body, req->body_len);
    if (!rc && req->query)
        rc = add_params(call, q, req->query, strlen(req->query));
    return rc;
}

/* The first parameter of s[0..len) named `name`, its value decoded into
 * the arena (*val NULL when there is none). Only that parameter is
 * decoded: resolve needs two names, decode reads the rest. */
static int
scan_param(nb_call *call, const char *s, size_t len, const char *name, const qparam **val)
{
    char buf[32];
    size_t want = strlen(name), i = 0;
    while (i < len && !*val) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t plen = amp ? (size_t)(amp - (s + i)) : len - i;
        const char *eq = memchr(s + i, '=', plen);
        size_t nraw = eq ? (size_t)(eq - (s + i)) : plen;
        long nl = nraw < sizeof(buf) ? nb_url_decode(buf, s + i, nraw, 1) : -1;
        if (nl == (long)want && memcmp(buf, name, want) == 0) {
            qset one = {0};
            int rc = add_param(call, &one, s + i, plen);
            if (rc)
                return rc;
            *val = one.p;
        }
        i += plen + 1;
    }
    return NB_OK;
}

/* A parameter from the form body, else from the query string. */
static int
find_param(nb_call *call, const nb_http_req *req, const char *name, const qparam **val)
{
    int rc = NB_OK;
    *val = NULL;
    if (is_form(req) && req->body)
        rc = scan_param(call, req->body, req->body_len, name, val);
    if (!rc && !*val && req->query)
        rc = scan_param(call, req->query, strlen(req->query), name, val);
    return rc;
}

/* ---- Resolve -------------------------------------------------------- */

static int
query_resolve(nb_call *call, const nb_model *m, const nb_http_req *req, const nb_operation **op)
{
    const qparam *action, *version;
    int rc;
    *op = NULL;
    rc = find_param(call, req, "Action", &action);
    if (!rc)
        rc = find_param(call, req, "Version", &version);
    if (rc)
        return rc;
    if (!action || action->vlen == 0)
        /* AWS: Common Errors, "MissingAction: The request is missing an
         * action or a required parameter. HTTP Status Code: 400". */
        return nb_fail_status(call, 400, "MissingAction", "Missing Action");
    *op = nb_model_op(m, action->val, action->vlen);
    if (!*op)
        /* AWS: aws/aws-cli#37, SES (a query service): InvalidAction,
         * "Could not find operation GetSendStatistics for version
         * 2012-12-01". Any Version is accepted otherwise: real clients
         * send the model's. */
        return nb_fail_status(call, 400, "InvalidAction",
                              "Could not find operation %s for version %s", action->val,
                              version && version->vlen ? version->val : m->api_version);
    return NB_OK;
}

/* ---- Decode --------------------------------------------------------- */

/* Is s[0..n) a number we take as a list index: 1.., no leading zero? */
static int
is_index(const char *s, size_t n)
{
    if (n == 0 || n > 9 || s[0] < '1' || s[0] > '9')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* Compares two segments. All-digit segments come first, in numeric order
 * (then by bytes, so "01" and "1" differ); the others by bytes. This is a
 * total order, as qsort needs. */
static int
seg_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int da = all_digits(a, an), db = all_digits(b, bn);
    if (da != db)
        return da ? -1 : 1;
    if (da) {
        size_t za = 0, zb = 0;
        while (za + 1 < an && a[za] == '0')
            za++;
        while (zb + 1 < bn && b[zb] == '0')
            zb++;
        if (an - za != bn - zb)
            return an - za < bn - zb ? -1 : 1;
        int c = memcmp(a + za, b + zb, an - za);
        if (c)
            return c;
    }
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return c;
    return an == bn ? 0 : (an < bn ? -1 : 1);
}

/* Orders names segment by segment; a name sorts before the names it is a
 * prefix of; equal names keep their order of arrival. */
static int
param_cmp(const void *x, const void *y)
{
    const qparam *a = x, *b = y;
    size_t i = 0, j = 0;
    for (;;) {
        const char *da = memchr(a->name + i, '.', a->nlen - i);
        const char *db = memchr(b->name + j, '.', b->nlen - j);
        size_t ea = da ? (size_t)(da - a->name) : a->nlen;
        size_t eb = db ? (size_t)(db - b->name) : b->nlen;
        int c = seg_cmp(a->name + i, ea - i, b->name + j, eb - j);
        if (c)
            return c;
        if (!da || !db) {
            if (da || db)
                return da ? 1 : -1; /* the shorter name first */
            return a->pos < b->pos ? -1 : (a->pos > b->pos ? 1 : 0);
        }
        i = ea + 1;
        j = eb + 1;
    }
}

/* A run of sorted parameters that share their names up to `off`. */
typedef struct span {
    const qparam *p; /* first parameter */
    size_t n;        /* how many */
    size_t off;      /* where the next segment starts in each name */
} span;

/* One group of a span: the parameters whose next segment is seg. val is
 * the parameter named exactly up to seg, if any; kids the deeper ones. */
typedef struct group {
    const char *seg;   /* the segment (in the first name) */
    size_t seglen;     /* its bytes */
    const qparam *val; /* the value for seg itself, or NULL */
    span kids;         /* parameters below seg */
} group;

static size_t
seg_end(const qparam *p, size_t off)
{
    const char *d = memchr(p->name + off, '.', p->nlen - off);
    return d ? (size_t)(d - p->name) : p->nlen;
}

/* Takes the next group off the front of sp; 0 when sp is empty. */
static int
next_group(span *sp, group *g)
{
    if (sp->n == 0)
        return 0;
    const qparam *p = sp->p;
    size_t end = seg_end(p, sp->off);
    size_t len = end - sp->off;
    size_t n = 1;
    while (n < sp->n) {
        const qparam *o = &sp->p[n];
        size_t oe = seg_end(o, sp->off);
        if (oe - sp->off != len || memcmp(o->name + sp->off, p->name + sp->off, len) != 0)
            break;
        n++;
    }
    g->seg = p->name + sp->off;
    g->seglen = len;
    g->val = NULL;
    size_t k = 0;
    while (k < n && sp->p[k].nlen == end) /* exact names sort first */
        k++;
    if (k)
        g->val = &sp->p[0];
    g->kids = (span){sp->p + k, n - k, end + 1};
    sp->p += n;
    sp->n -= n;
    return 1;
}

static int
seg_is(const group *g, const char *s)
{
    return strlen(s) == g->seglen && memcmp(g->seg, s, g->seglen) == 0;
}

typedef struct qctx {
    nb_call *call;     /* for errors and the arena */
    const nb_model *m; /* the model */
    char path[512];    /* member path for messages: "tags.1.member.key" */
    size_t plen;       /* bytes in path */
} qctx;

static size_t
path_push(qctx *c, const char *s, size_t n, int lower)
{
    size_t old = c->plen;
    size_t room = sizeof(c->path) - 1 - c->plen;
    if (c->plen && room) {
        c->path[c->plen++] = '.';
        room--;
    }
    if (n > room)
        n = room;
    memcpy(c->path + c->plen, s, n);
    if (lower && n && isupper((unsigned char)s[0]))
        c->path[c->plen] = (char)tolower((unsigned char)s[0]);
    c->plen += n;
    c->path[c->plen] = '\0';
    return old;
}

static void
path_pop(qctx *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

/* A value the shape's type cannot take: a validation-style error, in the
 * form nb_model_validate uses, with the service's validation code. */
static int
bad_value(qctx *c, const qparam *p, const char *what)
{
    const nb_service *svc = c->call->svc;
    const char *code = svc && svc->validation_code ? svc->validation_code : "ValidationException";
    return nb_fail(c->call, code,
                   "1 validation error detected: Value '%.*s' at '%s' failed to satisfy "
                   "constraint: Member must be %s",
                   (int)(p->vlen > 256 ? 256 : p->vlen), p->val, c->path, what);
}

static int
parse_int(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    if (n == 0 || isspace((unsigned char)s[0]) || memchr(s, '\0', n))
        return NB_EINVAL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end != s + n || v < lo || v > hi)
        return NB_EINVAL;
    *out = v;
    return NB_OK;
}

static int
parse_double(const char *s, size_t n, double *out)
{
    char *end;
    if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 || strcmp(s, "-Infinity") == 0) {
        *out = s[0] == 'N' ? NAN : (s[0] == '-' ? -INFINITY : INFINITY);
        return NB_OK; /* botocore writes these three for non-finite floats */
    }
    if (n == 0 || strpbrk(s, "xXnNiI") || isspace((unsigned char)s[0]) || memchr(s, '\0', n))
        return NB_EINVAL; /* no hex, no "inf"/"nan" spellings */
    errno = 0;
    *out = strtod(s, &end);
    return end == s + n && !(errno == ERANGE && isinf(*out)) ? NB_OK : NB_EINVAL;
}

/* A scalar from a parameter's text. */
static int
decode_scalar(qctx *c, const nb_shape *s, const nb_member *mb, const qparam *p, nb_value **out)
{
    nb_arena *a = c->call->arena;
    int64_t i;
    double d;
    switch (s->type) {
    case NB_T_STRING:
        *out = nb_value_str(a, p->val, p->vlen);
        break;
    case NB_T_BOOLEAN:
        if (strcasecmp(p->val, "true") != 0 && strcasecmp(p->val, "false") != 0)
            return bad_value(c, p, "a boolean");
        *out = nb_value_bool(a, tolower((unsigned char)p->val[0]) == 't');
        break;
    case NB_T_INTEGER:
        if (parse_int(p->val, p->vlen, INT32_MIN, INT32_MAX, &i))
            return bad_value(c, p, "an integer");
        *out = nb_value_int(a, i);
        break;
    case NB_T_LONG:
        if (parse_int(p->val, p->vlen, INT64_MIN, INT64_MAX, &i))
            return bad_value(c, p, "a long");
        *out = nb_value_int(a, i);
        break;
    case NB_T_FLOAT:
    case NB_T_DOUBLE:
        if (parse_double(p->val, p->vlen, &d))
            return bad_value(c, p, "a number");
        *out = nb_value_double(a, d);
        break;
    case NB_T_TIMESTAMP: {
        int fmt = mb && mb->tsfmt ? mb->tsfmt : s->tsfmt;
        if (nb_time_parse(p->val, p->vlen, fmt, &d))
            return bad_value(c, p, "a timestamp");
        *out = nb_value_time(a, d);
        break;
    }
    case NB_T_BLOB: {
        char *buf = nb_arena_alloc(a, nb_b64_dec_max(p->vlen) + 1);
        size_t n = 0;
        if (!buf)
            return NB_ENOMEM;
        if (nb_b64_decode(buf, &n, p->val, p->vlen, NULL) != NB_B64_OK)
            return bad_value(c, p, "base64-encoded bytes");
        *out = nb_value_blob(a, buf, n);
        break;
    }
    default:
        return NB_EINTERNAL;
    }
    return *out ? NB_OK : NB_ENOMEM;
}

static int decode_value(qctx *c, uint32_t shape, const nb_member *mb, const group *g,
                        nb_value **out);

static int
decode_struct(qctx *c, const nb_shape *s, span kids, nb_value *obj)
{
    group g;
    int rc = NB_OK;
    while (!rc && next_group(&kids, &g)) {
        const nb_member *mb = NULL;
        for (uint32_t i = 0; i < s->nmembers && !mb; i++) {
            const nb_member *x = item_of(c->m, s, i);
            if (x->loc == NB_LOC_BODY &&
                (seg_is(&g, query_name(c->m, x)) || seg_is(&g, nb_member_wire(x))))
                mb = x;
        }
        if (!mb)
            continue; /* AWS ignores parameters it does not know */
        nb_value *v = NULL;
        size_t old = path_push(c, mb->name, strlen(mb->name), 1);
        rc = decode_value(c, mb->shape, mb, &g, &v);
        path_pop(c, old);
        if (!rc && v)
            rc = nb_value_put(obj, mb->name, strlen(mb->name), v);
    }
    return rc;
}

/* The items of a list or the entries of a map: the index groups under
 * g (flattened) or under g's "member"/"entry" child. */
static int
index_span(const group *g, int flat, const char *wrap, span *out)
{
    group w;
    span kids = g->kids;
    *out = (span){NULL, 0, 0};
    if (flat) {
        *out = kids;
        return 1;
    }
    while (next_group(&kids, &w))
        if (seg_is(&w, wrap)) {
            *out = w.kids;
            return 1;
        }
    return 0;
}

static int
decode_list(qctx *c, const nb_shape *s, const nb_member *mb, const group *g, nb_value **out)
{
    const nb_member *item = item_of(c->m, s, 0);
    span items;
    group ig;
    int rc = NB_OK;
    if (!item)
        return NB_EINTERNAL;
    if (!index_span(g, is_flat(s, mb), part_name(c->m, s, 0, "member"), &items) && !g->val)
        return NB_OK; /* neither items nor "Name=" for an empty list */
    nb_value *list = nb_value_list(c->call->arena);
    if (!list)
        return NB_ENOMEM;
    while (!rc && next_group(&items, &ig)) {
        if (!is_index(ig.seg, ig.seglen))
            continue;
        nb_value *v = NULL;
        size_t old = path_push(c, ig.seg, ig.seglen, 0);
        path_push(c, "member", 6, 0);
        rc = decode_value(c, item->shape, item, &ig, &v);
        path_pop(c, old);
        if (!rc && v)
            rc = nb_value_append(list, v);
    }
    *out = list;
    return rc;
}

static int
decode_map(qctx *c, const nb_shape *s, const nb_member *mb, const group *g, nb_value **out)
{
    const nb_member *km = item_of(c->m, s, 0), *vm = item_of(c->m, s, 1);
    const char *kname = part_name(c->m, s, 0, "key"), *vname = part_name(c->m, s, 1, "value");
    span entries;
    group eg, part;
    int rc = NB_OK;
    if (!km || !vm)
        return NB_EINTERNAL;
    if (!index_span(g, is_flat(s, mb), "entry", &entries) && !g->val)
        return NB_OK;
    nb_value *map = nb_value_map(c->call->arena);
    if (!map)
        return NB_ENOMEM;
    while (!rc && next_group(&entries, &eg)) {
        const qparam *key = NULL;
        group vg = {0};
        int has_v = 0;
        if (!is_index(eg.seg, eg.seglen))
            continue;
        span parts = eg.kids;
        while (next_group(&parts, &part)) {
            if (seg_is(&part, kname) && part.val && !key)
                key = part.val;
            else if (seg_is(&part, vname) && !has_v)
                vg = part, has_v = 1;
        }
        if (!key || !has_v)
            continue; /* an entry needs both */
        nb_value *v = NULL;
        size_t old = path_push(c, key->val, key->vlen, 0); /* as model.c names it */
        path_push(c, "member", 6, 0);
        rc = decode_value(c, vm->shape, vm, &vg, &v);
        path_pop(c, old);
        if (!rc && v)
            rc = nb_value_put(map, key->val, key->vlen, v);
    }
    *out = map;
    return rc;
}

static int
decode_value(qctx *c, uint32_t shape, const nb_member *mb, const group *g, nb_value **out)
{
    const nb_shape *s = shape_of(c->m, shape);
    *out = NULL;
    if (!s)
        return NB_EINTERNAL;
    switch (s->type) {
    case NB_T_STRUCTURE:
        if (g->kids.n == 0)
            return NB_OK;
        *out = nb_value_struct(c->call->arena);
        return *out ? decode_struct(c, s, g->kids, *out) : NB_ENOMEM;
    case NB_T_LIST:
        return decode_list(c, s, mb, g, out);
    case NB_T_MAP:
        return decode_map(c, s, mb, g, out);
    default:
        if (!g->val)
            return NB_OK; /* only deeper names: not this scalar */
        return decode_scalar(c, s, mb, g->val, out);
    }
}

/* Deepest parameter name accepted, in segments: three per level of
 * nesting (list name, "member", index) at the tree's depth bound. */
#define SEGMENTS_MAX (3 * NB_DEPTH_MAX)

static int
query_decode(nb_call *call, const nb_http_req *req, nb_value **in)
{
    qset q;
    qctx c;
    int rc;
    *in = nb_value_struct(call->arena);
    if (!*in)
        return NB_ENOMEM;
    if (!call->op || call->op->input == NB_NO_SHAPE)
        return NB_OK;
    rc = read_params(call, req, &q);
    if (rc)
        return rc;
    for (size_t i = 0; i < q.n; i++) {
        size_t dots = 0;
        for (size_t k = 0; k < q.p[i].nlen; k++)
            dots += q.p[i].name[k] == '.';
        if (dots >= SEGMENTS_MAX)
            return nb_fail_status(call, 400, "InvalidQueryParameter",
                                  "The parameter name %.64s... is nested too deeply.", q.p[i].name);
    }
    if (q.n > 1)
        qsort(q.p, q.n, sizeof(*q.p), param_cmp);
    memset(&c, 0, sizeof(c));
    c.call = call;
    c.m = call->model;
    const nb_shape *s = shape_of(c.m, call->op->input);
    if (!s)
        return NB_EINTERNAL;
    return decode_struct(&c, s, (span){q.p, q.n, 0}, *in);
}

/* ---- Encode --------------------------------------------------------- */

typedef struct ectx {
    const nb_model *m; /* the model */
    nb_buf *b;         /* the reply body */
} ectx;

/* A double as AWS's Java services print it: "1.5", "100.0". */
static int
put_double(nb_buf *b, double d)
{
    char tmp[40];
    if (isnan(d))
        return nb_buf_adds(b, "NaN");
    if (isinf(d))
        return nb_buf_adds(b, d > 0 ? "Infinity" : "-Infinity");
    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(tmp, sizeof(tmp), "%.1f", d);
        return nb_buf_adds(b, tmp);
    }
    for (int prec = 1; prec <= 17; prec++) { /* shortest text that reads back */
        snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return nb_buf_adds(b, tmp);
}

/* Base64 of n bytes into b, in chunks (a multiple of 3 bytes each, so
 * only the last is padded). */
static int
put_base64(nb_buf *b, const char *p, size_t n)
{
    char out[1024 + 1];
    int rc = NB_OK;
    while (n && !rc) {
        size_t take = n > 768 ? 768 : n;
        size_t len = nb_b64_encode(out, p, take);
        rc = nb_buf_add(b, out, len);
        p += take;
        n -= take;
    }
    return rc;
}

static int
put_time(ectx *e, const nb_shape *s, const nb_member *mb, double t)
{
    char tmp[NB_TIME_STR_MAX];
    int fmt = mb && mb->tsfmt ? mb->tsfmt : s->tsfmt;
    /* AWS: query replies carry ISO 8601 with milliseconds (botocore's STS
     * examples-1.json, AssumeRole: "Expiration": "2011-07-15T23:28:33.359Z"). */
    if (nb_time_format(tmp, sizeof(tmp), t, fmt ? fmt : NB_TS_ISO8601))
        return NB_EINVAL;
    return nb_buf_adds(e->b, tmp);
}

/* A scalar's text by its shape; a node of another type than the shape's
 * is written as well as it can be (handlers build trees by hand). */
static int
put_scalar(ectx *e, const nb_shape *s, const nb_member *mb, const nb_value *v)
{
    int ts = s->type == NB_T_TIMESTAMP;
    switch (v->type) {
    case NB_V_STR:
    case NB_V_BLOB:
        if (s->type == NB_T_BLOB)
            return put_base64(e->b, v->u.s.p, v->u.s.len);
        return nb_xmlw_text(e->b, v->u.s.p, v->u.s.len);
    case NB_V_BOOL:
        return nb_buf_adds(e->b, v->u.b ? "true" : "false");
    case NB_V_INT:
        if (ts)
            return put_time(e, s, mb, (double)v->u.i);
        return nb_buf_addf(e->b, "%lld", (long long)v->u.i);
    case NB_V_DOUBLE:
        if (ts)
            return put_time(e, s, mb, v->u.d);
        return put_double(e->b, v->u.d);
    case NB_V_TIME:
        return put_time(e, s, mb, v->u.d);
    default:
        return NB_OK; /* null, or a container where a scalar belongs */
    }
}

static int put_value(ectx *e, const char *name, uint32_t shape, const nb_member *mb,
                     const nb_value *v, int depth);

/* The members of a structure, in the model's order. */
static int
put_members(ectx *e, const nb_shape *s, const nb_value *obj, int depth)
{
    int rc = NB_OK;
    for (uint32_t i = 0; i < s->nmembers && !rc; i++) {
        const nb_member *mb = item_of(e->m, s, i);
        const nb_value *v = nb_get(obj, mb->name);
        if (v && v->type != NB_V_NULL)
            rc = put_value(e, query_name(e->m, mb), mb->shape, mb, v, depth + 1);
    }
    return rc;
}

static int
put_list(ectx *e, const char *name, const nb_shape *s, const nb_member *mb, const nb_value *v,
         int depth)
{
    const nb_member *item = item_of(e->m, s, 0);
    int flat = is_flat(s, mb);
    int rc = NB_OK;
    if (!item || v->type != NB_V_LIST)
        return NB_OK;
    if (!flat)
        rc = nb_xmlw_start(e->b, name, NULL);
    const char *iname = flat ? name : part_name(e->m, s, 0, "member");
    for (const nb_value *c = nb_first(v); c && !rc; c = c->next)
        rc = put_value(e, iname, item->shape, item, c, depth + 1);
    if (!flat && !rc)
        rc = nb_xmlw_end(e->b, name);
    return rc;
}

static int
put_map(ectx *e, const char *name, const nb_shape *s, const nb_member *mb, const nb_value *v,
        int depth)
{
    const nb_member *km = item_of(e->m, s, 0), *vm = item_of(e->m, s, 1);
    const char *kname = part_name(e->m, s, 0, "key"), *vname = part_name(e->m, s, 1, "value");
    int flat = is_flat(s, mb);
    int rc = NB_OK;
    if (!km || !vm || v->type != NB_V_MAP)
        return NB_OK;
    if (!flat)
        rc = nb_xmlw_start(e->b, name, NULL);
    const char *ename = flat ? name : "entry";
    for (const nb_value *c = nb_first(v); c && !rc; c = c->next) {
        rc = nb_xmlw_start(e->b, ename, NULL);
        if (!rc)
            rc = nb_xmlw_leaf(e->b, kname, c->key ? c->key : "", c->klen);
        if (!rc && c->type != NB_V_NULL)
            rc = put_value(e, vname, vm->shape, vm, c, depth + 1);
        if (!rc)
            rc = nb_xmlw_end(e->b, ename);
    }
    if (!flat && !rc)
        rc = nb_xmlw_end(e->b, name);
    return rc;
}

static int
put_value(ectx *e, const char *name, uint32_t shape, const nb_member *mb, const nb_value *v,
          int depth)
{
    const nb_shape *s = shape_of(e->m, shape);
    int rc;
    if (!s || depth > 4 * NB_DEPTH_MAX)
        return NB_EINTERNAL; /* a cycle or a tree no request could make */
    switch (s->type) {
    case NB_T_LIST:
        return put_list(e, name, s, mb, v, depth);
    case NB_T_MAP:
        return put_map(e, name, s, mb, v, depth);
    case NB_T_STRUCTURE:
        if (v->type != NB_V_STRUCT)
            return NB_OK;
        rc = nb_xmlw_start(e->b, name, NULL);
        if (!rc)
            rc = put_members(e, s, v, depth);
        return rc ? rc : nb_xmlw_end(e->b, name);
    default:
        rc = nb_xmlw_start(e->b, name, NULL);
        if (!rc)
            rc = put_scalar(e, s, mb, v);
        return rc ? rc : nb_xmlw_end(e->b, name);
    }
}

/* The response's body buffer, emptied, with its bound. */
static nb_buf *
reply_body(nb_http_resp *resp)
{
    if (resp->body.max == 0)
        resp->body.max = NB_RESP_MAX;
    nb_buf_reset(&resp->body);
    return &resp->body;
}

static int
put_request_id(nb_call *call, nb_http_resp *resp)
{
    /* AWS: query services send the id in this header too (botocore reads
     * it from the body; SDKs from either). */
    return nb_resp_header(call->arena, resp, "x-amzn-RequestId", call->request_id);
}

static int
query_encode(nb_call *call, const nb_value *out, nb_http_resp *resp)
{
    const nb_operation *op = call->op;
    const nb_model *m = call->model;
    ectx e = {m, reply_body(resp)};
    char root[160];
    int rc;
    if (!op)
        return NB_EINTERNAL;
    snprintf(root, sizeof(root), "%sResponse", op->name);
    rc = nb_xmlw_start(e.b, root, m->xml_namespace);
    if (!rc && op->output != NB_NO_SHAPE) {
        const nb_shape *s = shape_of(m, op->output);
        if (!s)
            return NB_EINTERNAL;
        /* Without a resultWrapper the members sit in the root itself
         * (botocore QueryParser._parse_body_as_xml). */
        if (op->result_wrapper)
            rc = nb_xmlw_start(e.b, op->result_wrapper, NULL);
        if (!rc && out)
            rc = put_members(&e, s, out, 0);
        if (!rc && op->result_wrapper)
            rc = nb_xmlw_end(e.b, op->result_wrapper);
    }
    if (!rc)
        rc = nb_buf_adds(e.b, "<ResponseMetadata>");
    if (!rc)
        rc = nb_xmlw_leaf(e.b, "RequestId", call->request_id, strlen(call->request_id));
    if (!rc)
        rc = nb_buf_adds(e.b, "</ResponseMetadata>");
    if (!rc)
        rc = nb_xmlw_end(e.b, root);
    if (!rc)
        rc = put_request_id(call, resp);
    if (rc)
        return rc;
    resp->status = op->http_status ? op->http_status : 200;
    resp->content_type = "text/xml";
    return NB_OK;
}

/* Extra members of a modeled error, inside <Error> after <Message>
 * (botocore QueryParser._do_error_parse reads every child of <Error>). */
static int
put_error_fields(ectx *e, nb_call *call)
{
    const nb_shape *s = call->model ? nb_model_error(call->model, call->err_code) : NULL;
    int rc = NB_OK;
    if (!call->err_fields || call->err_fields->type != NB_V_STRUCT)
        return NB_OK;
    for (const nb_value *c = nb_first(call->err_fields); c && !rc; c = c->next) {
        const nb_member *mb = s ? nb_shape_member(e->m, s, c->key, c->klen) : NULL;
        if (!c->key || (c->klen == 7 && strncasecmp(c->key, "message", 7) == 0))
            continue; /* <Message> is written already */
        if (mb)
            rc = put_value(e, query_name(e->m, mb), mb->shape, mb, c, 0);
        else if (c->type == NB_V_STR)
            rc = nb_xmlw_leaf(e->b, c->key, c->u.s.p, c->u.s.len);
    }
    return rc;
}

static int
query_encode_error(nb_call *call, nb_http_resp *resp)
{
    const nb_model *m = call->model;
    ectx e = {m, reply_body(resp)};
    int status, sender, rc;
    const char *code;
    nb_proto_error_info(call, &status, &code, &sender);
    /* AWS: IAM's reply, NixOS/nixops#328: ErrorResponse, Error with Type,
     * Code, Message, then RequestId beside Error. SQS adds an empty Detail
     * (botocore's recorded SQS error, tests/unit/response_parsing/xml/
     * errors/sqs-delete-queue.json, has "Detail": null; those of IAM, STS
     * and SNS have no Detail). */
    rc = nb_xmlw_start(e.b, "ErrorResponse", m ? m->xml_namespace : NULL);
    if (!rc)
        rc = nb_buf_adds(e.b, "<Error>");
    if (!rc)
        rc = nb_xmlw_leaf(e.b, "Type", sender ? "Sender" : "Receiver", sender ? 6 : 8);
    if (!rc)
        rc = nb_xmlw_leaf(e.b, "Code", code, strlen(code));
    if (!rc && call->err_msg)
        rc = nb_xmlw_leaf(e.b, "Message", call->err_msg, strlen(call->err_msg));
    if (!rc && call->svc && call->svc->query_error_detail)
        rc = nb_buf_adds(e.b, "<Detail/>");
    if (!rc && m)
        rc = put_error_fields(&e, call);
    if (!rc)
        rc = nb_buf_adds(e.b, "</Error>");
    if (!rc)
        rc = nb_xmlw_leaf(e.b, "RequestId", call->request_id, strlen(call->request_id));
    if (!rc)
        rc = nb_xmlw_end(e.b, "ErrorResponse");
    if (!rc)
        rc = put_request_id(call, resp);
    if (rc)
        return rc;
    resp->status = status;
    resp->content_type = "text/xml";
    return NB_OK;
}

const nb_proto nb_proto_query = {
    .name = "awsQuery",
    .resolve = query_resolve,
    .decode = query_decode,
    .encode = query_encode,
    .encode_error = query_encode_error,
};
