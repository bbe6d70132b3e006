/*
 * rest_route.c: requestUri templates, compiled once per model, and the
 * matcher that picks the most specific one for a request (rules in
 * rest_route.h). A compiled template is a run of segments (literal text or
 * a label name, both slices of the model's const uri string), its query
 * requirements, and the wire names of the input shape's required query and
 * header members. Matching walks the raw path once per template without
 * copying; only the winner's labels are percent-decoded.
 *
 * Trailing slashes: "/2015-03-31/functions/" and "/2015-03-31/functions"
 * are the same template (Lambda's ListFunctions and CreateFunction differ
 * by method only), and a request path may end in one extra '/' (S3
 * "GET /bucket/" is ListObjects), except under a greedy label, where the
 * slash belongs to the value ("/bucket/dir/" is key "dir/").
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "limits.h"
#include "log.h"
#include "mem.h"
#include "rest_route.h"
#include "service.h"

enum { SEG_LIT = 0, SEG_LABEL, SEG_GREEDY };

typedef struct seg {
    const char *p; /* literal text or label name (no braces, no '+') */
    uint32_t len;  /* bytes in p */
    uint8_t kind;  /* SEG_* */
} seg;

typedef struct qreq {
    const char *key; /* query key the template requires */
    uint32_t klen;   /* bytes in key */
    const char *val; /* required value, or NULL for a bare key */
    uint32_t vlen;   /* bytes in val */
} qreq;

typedef struct mreq {
    const char *name; /* wire name of a query/header member */
    uint8_t header;   /* 1: header (compared without case); 0: query key */
    uint8_t required; /* listed in the input's "required" */
    uint64_t bit;     /* a header's bit in a request's header_bits() */
} mreq;

typedef struct tmpl {
    const nb_operation *op; /* the operation */
    uint32_t seg0, nseg;    /* its segments in table->segs */
    uint32_t q0, nq;        /* its query requirements in table->qs */
    uint32_t r0, nr;        /* its query/header members in table->rs */
    uint32_t nreq;          /* how many of those are required */
    int greedy;             /* index of the greedy segment, or -1 */
    uint32_t nlit;          /* literal segments */
    uint32_t nlabels;       /* label segments, greedy included */
} tmpl;

typedef struct table {
    const nb_model *m;  /* the model compiled */
    struct table *next; /* next compiled model */
    tmpl *t;            /* one per usable operation */
    uint32_t nt;        /* entries in t */
    seg *segs;          /* all segments */
    qreq *qs;           /* all query requirements */
    mreq *rs;           /* all query/header members */
} table;

static table *tables; /* every model compiled so far; process lifetime */

/* One of 64 bits for a header name, the same whatever its case. A request's
 * headers make a 64-bit set of them (header_bits), so that ranking the
 * candidates, which asks for each of their header members (some fifty for
 * PutObject) whether the request has it, skips most of them without a
 * string compare: a 1 KiB PutObject made some 680 strcasecmp() calls. */
static uint64_t
name_bit(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = name; *p; p++)
        h = (h ^ (uint32_t)(unsigned char)tolower((unsigned char)*p)) * 16777619u;
    return (uint64_t)1 << (h & 63);
}

static uint64_t
header_bits(const nb_http_req *req)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (req->headers[i].name)
            bits |= name_bit(req->headers[i].name);
    return bits;
}

/* A raw (still encoded) label value found by the path walk. */
typedef struct span {
    const char *p; /* first byte in the request path */
    size_t len;    /* bytes */
} span;

static void
table_free(table *tb)
{
    if (!tb)
        return;
    nb_free(tb->t);
    nb_free(tb->segs);
    nb_free(tb->qs);
    nb_free(tb->rs);
    nb_free(tb);
}

void
nb_rest_route_cleanup(void)
{
    while (tables) {
        table *n = tables->next;
        table_free(tables);
        tables = n;
    }
}

static size_t
count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* Splits the path part [p, e) of a template into segments. */
static void
compile_path(table *tb, tmpl *t, const char *p, const char *e)
{
    t->greedy = -1;
    if (e - p > 1 && e[-1] == '/')
        e--; /* one trailing slash is not a segment */
    if (p < e && *p == '/')
        p++;
    while (p < e) {
        const char *q = memchr(p, '/', (size_t)(e - p));
        if (!q)
            q = e;
        seg *s = &tb->segs[t->seg0 + t->nseg];
        size_t n = (size_t)(q - p);
        if (n >= 3 && p[0] == '{' && p[n - 1] == '}') {
            int g = p[n - 2] == '+';
            s->kind = g ? SEG_GREEDY : SEG_LABEL;
            s->p = p + 1;
            s->len = (uint32_t)(n - 2 - g);
            if (g && t->greedy < 0)
                t->greedy = (int)t->nseg;
            t->nlabels++;
        } else {
            s->kind = SEG_LIT;
            s->p = p;
            s->len = (uint32_t)n;
            t->nlit++;
        }
        t->nseg++;
        p = q + 1;
    }
}

static void
compile_query(table *tb, tmpl *t, const char *p)
{
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n) {
            qreq *r = &tb->qs[t->q0 + t->nq++];
            const char *eq = memchr(p, '=', n);
            r->key = p;
            r->klen = (uint32_t)(eq ? (size_t)(eq - p) : n);
            r->val = eq ? eq + 1 : NULL;
            r->vlen = eq ? (uint32_t)(n - r->klen - 1) : 0;
        }
        p += n + (amp ? 1 : 0);
    }
}

static int
in_template_query(const table *tb, const tmpl *t, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t i = 0; i < t->nq; i++) {
        const qreq *r = &tb->qs[t->q0 + i];
        if (r->klen == n && memcmp(r->key, name, n) == 0)
            return 1;
    }
    return 0;
}

/* Scalar and list members bound to the query or a header (rule 4). */
static void
compile_bound(table *tb, tmpl *t, const nb_model *m)
{
    const nb_operation *op = t->op;
    if (op->input == NB_NO_SHAPE || op->input >= m->nshapes)
        return;
    const nb_shape *s = &m->shapes[op->input];
    if (s->type != NB_T_STRUCTURE)
        return;
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = &m->members[s->members + i];
        if (mb->loc != NB_LOC_QUERY && mb->loc != NB_LOC_HEADER)
            continue;
        if (mb->shape < m->nshapes && m->shapes[mb->shape].type == NB_T_MAP)
            continue; /* a map takes whatever is left: not a key */
        const char *w = nb_member_wire(mb);
        if (mb->loc == NB_LOC_QUERY && in_template_query(tb, t, w))
            continue;
        mreq *r = &tb->rs[t->r0 + t->nr++];
        r->name = w;
        r->header = mb->loc == NB_LOC_HEADER;
        r->bit = name_bit(w);
        r->required = (mb->flags & NB_MF_REQUIRED) != 0;
        t->nreq += r->required;
    }
}

/* Upper bounds of the arrays, so that each is allocated once. */
static void
sizes(const nb_model *m, size_t *nseg, size_t *nq, size_t *nr)
{
    *nseg = *nq = *nr = 0;
    for (uint32_t i = 0; i < m->nops; i++) {
        const nb_operation *op = &m->ops[i];
        if (!op->uri)
            continue;
        *nseg += count_char(op->uri, '/') + 1;
        *nq += count_char(op->uri, '&') + 1;
        if (op->input != NB_NO_SHAPE && op->input < m->nshapes)
            *nr += m->shapes[op->input].nmembers;
    }
}

static table *
compile(const nb_model *m)
{
    size_t nseg, nq, nr;
    sizes(m, &nseg, &nq, &nr);
    table *tb = nb_calloc(1, sizeof(*tb));
    if (!tb)
        return NULL;
    tb->m = m;
    tb->t = nb_calloc(m->nops ? m->nops : 1, sizeof(tmpl));
    tb->segs = nb_calloc(nseg ? nseg : 1, sizeof(seg));
    tb->qs = nb_calloc(nq ? nq : 1, sizeof(qreq));
    tb->rs = nb_calloc(nr ? nr : 1, sizeof(mreq));
    if (!tb->t || !tb->segs || !tb->qs || !tb->rs) {
        table_free(tb);
        return NULL;
    }
    uint32_t s0 = 0, q0 = 0, r0 = 0;
    for (uint32_t i = 0; i < m->nops; i++) {
        const nb_operation *op = &m->ops[i];
        if (!op->uri || op->uri[0] != '/' || !op->method)
            continue;
        tmpl *t = &tb->t[tb->nt];
        memset(t, 0, sizeof(*t));
        t->op = op;
        t->seg0 = s0;
        t->q0 = q0;
        t->r0 = r0;
        const char *qm = strchr(op->uri, '?');
        compile_path(tb, t, op->uri, qm ? qm : op->uri + strlen(op->uri));
        if (qm)
            compile_query(tb, t, qm + 1);
        compile_bound(tb, t, m);
        if (t->nlabels > NB_REST_LABELS_MAX) {
            nb_warn("rest_route: %s %s has too many labels; skipped", op->name, op->uri);
            continue;
        }
        s0 += t->nseg;
        q0 += t->nq;
        r0 += t->nr;
        tb->nt++;
    }
    return tb;
}

static const table *
table_for(const nb_model *m)
{
    for (table *tb = tables; tb; tb = tb->next)
        if (tb->m == m)
            return tb;
    table *tb = compile(m);
    if (!tb)
        return NULL;
    tb->next = tables;
    tables = tb;
    return tb;
}

static int
seg_eq(const seg *s, const char *p, size_t n)
{
    return s->len == n && memcmp(s->p, p, n) == 0;
}

/* Matches segments [from, to) of t forward from *pos. With to_end, the
 * last one must end the path; without, each must be followed by '/' (a
 * greedy label comes next). Label spans are appended to sp[]. */
static int
walk_forward(const table *tb, const tmpl *t, uint32_t from, uint32_t to, const char **pos,
             const char *end, int to_end, span *sp, uint32_t *nsp)
{
    const char *p = *pos;
    for (uint32_t i = from; i < to; i++) {
        const seg *s = &tb->segs[t->seg0 + i];
        if (p > end)
            return 0;
        const char *q = memchr(p, '/', (size_t)(end - p));
        if (!q)
            q = end;
        size_t n = (size_t)(q - p);
        if (s->kind == SEG_LIT ? !seg_eq(s, p, n) : n == 0)
            return 0;
        if (s->kind != SEG_LIT)
            sp[(*nsp)++] = (span){p, n};
        if (!to_end && q == end)
            return 0; /* a greedy label must follow */
        p = q + 1;
    }
    if (to_end && p != end + 1 && !(from == to && p == end))
        return 0;
    *pos = p;
    return 1;
}

/* Path match of t; raw label spans in template order into sp. */
static int
match_path(const table *tb, const tmpl *t, const char *path, size_t len, span *sp)
{
    uint32_t nsp = 0;
    if (len == 0 || path[0] != '/')
        return 0;
    const char *p = path + 1, *end = path + len;
    if (t->greedy < 0) {
        if (len > 1 && end[-1] == '/')
            end--; /* "/bucket/" is "/bucket" */
        return walk_forward(tb, t, 0, t->nseg, &p, end, 1, sp, &nsp);
    }
    uint32_t g = (uint32_t)t->greedy;
    if (!walk_forward(tb, t, 0, g, &p, end, 0, sp, &nsp))
        return 0;
    /* Literal and label segments after the greedy one, from the end. */
    span tail[NB_REST_LABELS_MAX];
    uint32_t ntail = 0;
    const char *tend = end;
    for (uint32_t i = t->nseg; i-- > g + 1;) {
        const seg *s = &tb->segs[t->seg0 + i];
        const char *q = tend;
        while (q > p && q[-1] != '/')
            q--;
        if (q <= p)
            return 0; /* no slash left after the greedy part */
        size_t n = (size_t)(tend - q);
        if (s->kind == SEG_LIT ? !seg_eq(s, q, n) : n == 0)
            return 0;
        if (s->kind != SEG_LIT)
            tail[ntail++] = (span){q, n};
        tend = q - 1;
    }
    if (tend <= p || p > end)
        return 0; /* the greedy label is empty */
    sp[nsp++] = (span){p, (size_t)(tend - p)};
    while (ntail)
        sp[nsp++] = tail[--ntail];
    return 1;
}

static int
query_has(const nb_rest_qparam *qp, size_t nq, const char *k, size_t kl, const char *v, size_t vl)
{
    for (size_t i = 0; i < nq; i++) {
        if (qp[i].klen != kl || memcmp(qp[i].key, k, kl) != 0)
            continue;
        if (!v || (qp[i].vlen == vl && memcmp(qp[i].val, v, vl) == 0))
            return 1;
    }
    return 0;
}

static int
header_has(const nb_http_req *req, uint64_t bits, const mreq *q)
{
    const char *name = q->name;
    if (!(bits & q->bit))
        return 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (req->headers[i].name && strcasecmp(req->headers[i].name, name) == 0)
            return 1;
    return 0;
}

/* How specific a candidate is; compared field by field. */
typedef struct rank {
    uint32_t nlit;    /* rule 1 */
    uint32_t nq;      /* rule 2 */
    int nongreedy;    /* rule 3 */
    int all_req;      /* rule 4a */
    uint32_t present; /* rule 4b */
    uint32_t other;   /* rule 4c */
    int preferred;    /* rule 5 */
} rank;

static int
better(const rank *a, const rank *b)
{
    if (a->nlit != b->nlit)
        return a->nlit > b->nlit;
    if (a->nq != b->nq)
        return a->nq > b->nq;
    if (a->nongreedy != b->nongreedy)
        return a->nongreedy > b->nongreedy;
    if (a->all_req != b->all_req)
        return a->all_req > b->all_req;
    if (a->present != b->present)
        return a->present > b->present;
    if (a->other != b->other)
        return a->other > b->other;
    return a->preferred > b->preferred;
}

static void
rank_of(const table *tb, const tmpl *t, const nb_http_req *req, uint64_t hbits,
        const nb_rest_qparam *qp, size_t nq, rank *r)
{
    r->nlit = t->nlit;
    r->nq = t->nq;
    r->nongreedy = t->greedy < 0;
    r->present = r->other = 0;
    for (uint32_t i = 0; i < t->nr; i++) {
        const mreq *q = &tb->rs[t->r0 + i];
        if (q->header ? header_has(req, hbits, q)
                      : query_has(qp, nq, q->name, strlen(q->name), NULL, 0)) {
            if (q->required)
                r->present++;
            else
                r->other++;
        }
    }
    r->all_req = r->present == t->nreq;
    r->preferred = 0;
}

static int
template_query_ok(const table *tb, const tmpl *t, const nb_rest_qparam *qp, size_t nq)
{
    for (uint32_t i = 0; i < t->nq; i++) {
        const qreq *r = &tb->qs[t->q0 + i];
        if (!query_has(qp, nq, r->key, r->klen, r->val, r->vlen))
            return 0;
    }
    return 1;
}

static int
decode_into(nb_arena *a, const char *src, size_t len, int plus, const char **out, size_t *olen)
{
    char *d = nb_arena_alloc(a, len + 1);
    if (!d)
        return NB_ENOMEM;
    long n = nb_url_decode(d, src, len, plus);
    if (n < 0)
        return NB_EINVAL;
    *out = d;
    *olen = (size_t)n;
    return NB_OK;
}

int
nb_rest_query_parse(nb_arena *a, const char *query, nb_rest_qparam **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!query || !*query)
        return NB_OK;
    size_t cap = count_char(query, '&') + 1;
    if (cap > NB_LIST_MAX)
        return NB_ENOMEM;
    nb_rest_qparam *qp = nb_arena_alloc(a, cap * sizeof(*qp));
    if (!qp)
        return NB_ENOMEM;
    size_t k = 0;
    const char *p = query;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t kl = eq ? (size_t)(eq - p) : len;
            nb_rest_qparam *q = &qp[k];
            int rc = decode_into(a, p, kl, 1, &q->key, &q->klen);
            if (!rc)
                rc = eq ? decode_into(a, eq + 1, len - kl - 1, 1, &q->val, &q->vlen)
                        : decode_into(a, "", 0, 1, &q->val, &q->vlen);
            if (rc)
                return rc;
            q->bare = !eq;
            q->literal = 0;
            k++;
        }
        p += len + (amp ? 1 : 0);
    }
    *out = qp;
    *n = k;
    return NB_OK;
}

static int
decode_labels(nb_arena *a, const table *tb, const tmpl *t, const span *sp, nb_rest_match *out)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->nseg; i++) {
        const seg *s = &tb->segs[t->seg0 + i];
        if (s->kind == SEG_LIT)
            continue;
        nb_rest_label *l = &out->labels[k];
        char *name = nb_arena_strndup(a, s->p, s->len);
        if (!name)
            return NB_ENOMEM;
        l->name = name;
        int rc = decode_into(a, sp[k].p, sp[k].len, 0, &l->value, &l->len);
        if (rc)
            return rc;
        k++;
    }
    out->nlabels = k;
    return NB_OK;
}

/* Marks the query pairs that the template itself names. */
static void
mark_literals(const table *tb, const tmpl *t, nb_rest_match *out)
{
    for (size_t i = 0; i < out->nquery; i++) {
        nb_rest_qparam *q = &out->query[i];
        for (uint32_t k = 0; k < t->nq && !q->literal; k++) {
            const qreq *r = &tb->qs[t->q0 + k];
            q->literal = r->klen == q->klen && memcmp(r->key, q->key, q->klen) == 0;
        }
    }
}

/* The request path, never NULL. */
static const char *
req_path(const nb_http_req *req)
{
    return req->url ? req->url : "/";
}

/* Labels come out of match_path in template order, greedy included. */
int
nb_rest_route(nb_arena *a, const nb_model *m, const nb_http_req *req, nb_rest_prefer_fn prefer,
              void *ud, nb_rest_match *out)
{
    memset(out, 0, sizeof(*out));
    out->miss = NB_REST_NO_PATH;
    const table *tb = table_for(m);
    if (!tb)
        return NB_ENOMEM;
    int rc = nb_rest_query_parse(a, req->query, &out->query, &out->nquery);
    if (rc == NB_EINVAL) {
        out->miss = NB_REST_BAD_URI;
        return NB_ENOTFOUND;
    }
    if (rc)
        return rc;
    const char *path = req_path(req);
    size_t plen = strlen(path);
    const tmpl *best = NULL;
    rank br = {0};
    uint64_t hbits = 0;
    int hbits_set = 0;
    span bsp[NB_REST_LABELS_MAX], sp[NB_REST_LABELS_MAX];
    for (uint32_t i = 0; i < tb->nt; i++) {
        const tmpl *t = &tb->t[i];
        if (!match_path(tb, t, path, plen, sp) ||
            !template_query_ok(tb, t, out->query, out->nquery))
            continue;
        if (strcmp(t->op->method, req->method) != 0) {
            if (!best)
                out->miss = NB_REST_NO_METHOD;
            continue;
        }
        rank r;
        if (!hbits_set) {
            hbits = header_bits(req);
            hbits_set = 1;
        }
        rank_of(tb, t, req, hbits, out->query, out->nquery, &r);
        r.preferred = prefer ? prefer(t->op, ud) : 0;
        if (!best || better(&r, &br)) {
            best = t;
            br = r;
            memcpy(bsp, sp, t->nlabels * sizeof(sp[0]));
        }
    }
    if (!best)
        return NB_ENOTFOUND;
    rc = decode_labels(a, tb, best, bsp, out);
    if (rc == NB_EINVAL) {
        out->miss = NB_REST_BAD_URI;
        return NB_ENOTFOUND;
    }
    if (rc)
        return rc;
    mark_literals(tb, best, out);
    out->op = best->op;
    out->miss = NB_REST_HIT;
    return NB_OK;
}

int
nb_rest_route_op(nb_arena *a, const nb_model *m, const nb_operation *op, const nb_http_req *req,
                 nb_rest_match *out)
{
    memset(out, 0, sizeof(*out));
    out->miss = NB_REST_NO_PATH;
    const table *tb = table_for(m);
    if (!tb)
        return NB_ENOMEM;
    const tmpl *t = NULL;
    for (uint32_t i = 0; i < tb->nt && !t; i++)
        if (tb->t[i].op == op)
            t = &tb->t[i];
    span sp[NB_REST_LABELS_MAX];
    const char *path = req_path(req);
    if (!t || !match_path(tb, t, path, strlen(path), sp))
        return NB_ENOTFOUND;
    int rc = nb_rest_query_parse(a, req->query, &out->query, &out->nquery);
    if (!rc)
        rc = decode_labels(a, tb, t, sp, out);
    if (rc == NB_EINVAL) {
        out->miss = NB_REST_BAD_URI;
        return NB_ENOTFOUND;
    }
    if (rc)
        return rc;
    mark_literals(tb, t, out);
    out->op = op;
    out->miss = NB_REST_HIT;
    return NB_OK;
}

int
nb_rest_prefer_implemented(const nb_operation *op, void *ud)
{
    const nb_service *svc = ud;
    for (size_t i = 0; svc && i < svc->nops; i++)
        if (strcmp(svc->ops[i].name, op->name) == 0)
            return 1;
    return 0;
}

const nb_rest_label *
nb_rest_label_get(const nb_rest_match *mt, const char *name)
{
    for (size_t i = 0; i < mt->nlabels; i++)
        if (strcmp(mt->labels[i].name, name) == 0)
            return &mt->labels[i];
    return NULL;
}

int
nb_rest_path_score(const nb_model *m, const char *path, size_t len)
{
    const table *tb = table_for(m);
    if (!tb)
        return NB_ENOMEM;
    int best = -1;
    span sp[NB_REST_LABELS_MAX];
    for (uint32_t i = 0; i < tb->nt; i++) {
        const tmpl *t = &tb->t[i];
        if ((int)t->nlit > best && match_path(tb, t, path, len, sp))
            best = (int)t->nlit;
    }
    return best;
}
