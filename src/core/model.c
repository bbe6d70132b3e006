/*
 * model.c: lookups in the generated model tables (model.h) and the one
 * validator every decoded request goes through. The tables are const data
 * owned by src/gen/; nothing here allocates except the validator, which
 * builds its message in a bounded buffer and hands it to nb_fail (the
 * call's arena keeps the copy).
 *
 * The validator mirrors AWS's own request validation, message for message:
 *
 *   1 validation error detected: Value '600' at 'durationSeconds' failed to
 *   satisfy constraint: Member must have value greater than or equal to 900
 *
 * AWS: STS (goldstack/goldstack#425, aws/aws-sdk-java-v2#6129), IAM
 * (NixOS/nixops#328). Several violations are joined with "; " after
 * "N validation errors detected: " (DynamoDB, architect/dynalite#185 and
 * serverless-components/aws-dynamodb#23). Values print in single quotes,
 * numbers too ('600'); a missing member prints as bare null ("Value null
 * at 'sub' ... Member must not be null", amazon-cognito-auth-js#65); a
 * sensitive one prints no value at all ("Value at 'username'",
 * massif-press/compcon#1951). Paths are member names with the first
 * letter lower-cased, nested with '.' ('advancedSecurityOptions.
 * sAMLOptions.masterUserName'); list items add '.N.member' counting from 1
 * ('tags.1.member.value' in CloudFormation, szuecs/kube-static-egress-
 * controller#35; 'attributeDefinitions.3.member.attributeType'). Map
 * entries are checked as a whole: "Map value must satisfy constraint:
 * [Member must have length less than or equal to 256, Member must have
 * length greater than or equal to 0]" with the map printed as
 * '{k=v, k2=v2}' (Lambda, SWO-GS/auto-tag#77); lists of scalars likewise
 * with "Member must satisfy constraint: [...]" and '[a, b]'.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "call.h"
#include "limits.h"
#include "model.h"
#include "service.h"
#include "value.h"

/* ---- Lookups -------------------------------------------------------- */

/* strcmp of NUL-terminated s against the len bytes at p. */
static int
cmp_n(const char *s, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)p[i];
        if (a == 0)
            return -1; /* s ends first, even if p holds a NUL here */
        if (a != b)
            return a < b ? -1 : 1;
    }
    return s[len] ? 1 : 0;
}

const nb_operation *
nb_model_op(const nb_model *m, const char *name, size_t len)
{
    uint32_t lo = 0, hi = m->nops;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = cmp_n(m->ops[mid].name, name, len);
        if (c == 0)
            return &m->ops[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const nb_shape *
nb_model_shape(const nb_model *m, uint32_t idx)
{
    return idx < m->nshapes ? &m->shapes[idx] : NULL;
}

const nb_shape *
nb_model_shape_by_name(const nb_model *m, const char *name)
{
    for (uint32_t i = 0; i < m->nshapes; i++)
        if (strcmp(m->shapes[i].name, name) == 0)
            return &m->shapes[i];
    return NULL;
}

const nb_member *
nb_shape_member(const nb_model *m, const nb_shape *s, const char *name, size_t len)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = &m->members[s->members + i];
        if (cmp_n(mb->name, name, len) == 0)
            return mb;
    }
    return NULL;
}

const nb_member *
nb_shape_member_wire(const nb_model *m, const nb_shape *s, const char *wire, size_t len)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = &m->members[s->members + i];
        if (cmp_n(nb_member_wire(mb), wire, len) == 0)
            return mb;
    }
    return NULL;
}

const nb_shape *
nb_model_error(const nb_model *m, const char *code)
{
    if (!code)
        return NULL;
    for (uint32_t i = 0; i < m->nshapes; i++) {
        const nb_shape *s = &m->shapes[i];
        if ((s->flags & NB_SF_EXCEPTION) && strcmp(s->name, code) == 0)
            return s;
    }
    for (uint32_t i = 0; i < m->nshapes; i++) {
        const nb_shape *s = &m->shapes[i];
        if ((s->flags & NB_SF_EXCEPTION) && s->err_code && strcmp(s->err_code, code) == 0)
            return s;
    }
    return NULL;
}

/* ---- Validation ----------------------------------------------------- */

#define PATH_MAX_LEN 1024    /* longest member path printed */
#define VALUE_PRINT_MAX 1024 /* bytes of one printed value before "..." */
#define MSG_MAX                                                                                    \
    (64u * 1024) /* message length past which violations are
                                   counted but not printed */

typedef struct vctx {
    const nb_model *m;       /* the model the shapes index */
    nb_buf msg;              /* violations so far, joined with "; " */
    size_t n;                /* number of violations */
    int rc;                  /* NB_ENOMEM when the scratch buffers failed */
    char path[PATH_MAX_LEN]; /* current member path, NUL-terminated */
    size_t plen;             /* bytes in path */
    const char *missing;     /* first required top-level member absent, or NULL */
} vctx;

static const nb_shape *
shape_at(const vctx *c, uint32_t idx)
{
    const nb_shape *s = nb_model_shape(c->m, idx);
    NB_ALWAYS(s != NULL);
    return s;
}

static const nb_member *
member_at(const vctx *c, const nb_shape *s, uint32_t i)
{
    return &c->m->members[s->members + i];
}

/* Appends ".<seg>" (or "<seg>" at the top) to the path; returns the old
 * length for path_pop. A path too long is cut, never overflowed. */
static size_t
path_push(vctx *c, const char *seg, size_t len, int lower_first)
{
    size_t old = c->plen;
    size_t room = sizeof(c->path) - 1 - c->plen;
    if (c->plen && room) {
        c->path[c->plen++] = '.';
        room--;
    }
    if (len > room)
        len = room;
    if (len) {
        memcpy(c->path + c->plen, seg, len);
        if (lower_first && seg[0] >= 'A' && seg[0] <= 'Z')
            c->path[c->plen] = (char)(seg[0] - 'A' + 'a');
        c->plen += len;
    }
    c->path[c->plen] = '\0';
    return old;
}

static void
path_pop(vctx *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

/* Number of UTF-8 code points in s: AWS counts characters, not bytes. */
static size_t
utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static int print_value(const vctx *c, nb_buf *b, const nb_value *v, uint32_t shape, size_t stop);

/* A double as Java prints it, near enough: "100.0", "1.5". */
static int
print_double(nb_buf *b, double d)
{
    char tmp[40];
    if (isnan(d))
        return nb_buf_adds(b, "NaN");
    if (isinf(d))
        return nb_buf_adds(b, d > 0 ? "Infinity" : "-Infinity");
    if (d == floor(d) && fabs(d) < 1e7) {
        snprintf(tmp, sizeof(tmp), "%.1f", d);
        return nb_buf_adds(b, tmp);
    }
    for (int prec = 1; prec <= 17; prec++) { /* shortest form that reads back */
        snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return nb_buf_adds(b, tmp);
}

/* The shape of child ch of container v (of shape idx), or NB_NO_SHAPE. */
static uint32_t
child_shape(const vctx *c, uint32_t idx, const nb_value *v, const nb_value *ch)
{
    const nb_shape *s = nb_model_shape(c->m, idx);
    const nb_member *mb = NULL;
    if (!s)
        return NB_NO_SHAPE;
    if (v->type == NB_V_STRUCT && s->type == NB_T_STRUCTURE && ch->key)
        mb = nb_shape_member(c->m, s, ch->key, ch->klen);
    else if (v->type == NB_V_LIST && s->type == NB_T_LIST && s->nmembers >= 1)
        mb = member_at(c, s, 0);
    else if (v->type == NB_V_MAP && s->type == NB_T_MAP && s->nmembers >= 2)
        mb = member_at(c, s, 1);
    return mb ? mb->shape : NB_NO_SHAPE;
}

/* Children of a container as "a, b" or "k=v, k2=v2", until stop. */
static int
print_children(const vctx *c, nb_buf *b, const nb_value *v, uint32_t shape, size_t stop)
{
    int rc = NB_OK, keys = v->type != NB_V_LIST;
    for (const nb_value *ch = nb_first(v); ch && !rc && b->len <= stop; ch = ch->next) {
        if (ch != v->u.c.first)
            rc = nb_buf_add(b, ", ", 2);
        if (!rc && keys && ch->key)
            rc = nb_buf_add(b, ch->key, ch->klen);
        if (!rc && keys)
            rc = nb_buf_addc(b, '=');
        if (!rc)
            rc = print_value(c, b, ch, child_shape(c, shape, v, ch), stop);
    }
    return rc;
}

/* A value as Java's toString would show it inside AWS's message, with
 * sensitive members inside it masked the way AWS's Java SDK masks them.
 * Printing stops soon after the buffer passes stop bytes. */
static int
print_value(const vctx *c, nb_buf *b, const nb_value *v, uint32_t shape, size_t stop)
{
    const nb_shape *s = nb_model_shape(c->m, shape);
    char tmp[32];
    int rc;
    if (s && (s->flags & NB_SF_SENSITIVE))
        return nb_buf_adds(b, "*** Sensitive Data Redacted ***");
    switch (v->type) {
    case NB_V_NULL:
        return nb_buf_adds(b, "null");
    case NB_V_BOOL:
        return nb_buf_adds(b, v->u.b ? "true" : "false");
    case NB_V_INT:
        snprintf(tmp, sizeof(tmp), "%lld", (long long)v->u.i);
        return nb_buf_adds(b, tmp);
    case NB_V_DOUBLE:
    case NB_V_TIME:
        return print_double(b, v->u.d);
    case NB_V_STR:
    case NB_V_BLOB:
        return nb_buf_add(b, v->u.s.p,
                          v->u.s.len > VALUE_PRINT_MAX + 1 ? VALUE_PRINT_MAX + 1 : v->u.s.len);
    case NB_V_FILE:
        snprintf(tmp, sizeof(tmp), "<%lld bytes>", (long long)v->u.f.len);
        return nb_buf_adds(b, tmp);
    case NB_V_LIST:
        rc = nb_buf_addc(b, '[');
        if (!rc)
            rc = print_children(c, b, v, shape, stop);
        return rc ? rc : nb_buf_addc(b, ']');
    case NB_V_STRUCT:
    case NB_V_MAP:
        rc = nb_buf_addc(b, '{');
        if (!rc)
            rc = print_children(c, b, v, shape, stop);
        return rc ? rc : nb_buf_addc(b, '}');
    }
    return NB_OK;
}

/* Starts one violation: "Value '<v>' at '<path>' failed to satisfy
 * constraint: " (v NULL: "Value null"; hide: "Value at", for sensitive
 * values). shape is v's, for masking what is inside it. The caller
 * appends the constraint text. */
static int
violation(vctx *c, const nb_value *v, uint32_t shape, int hide)
{
    nb_buf *b = &c->msg;
    int rc = NB_OK;
    c->n++;
    if (b->len >= MSG_MAX)
        return NB_ENOMEM; /* counted, not printed */
    if (c->n > 1)
        rc = nb_buf_add(b, "; ", 2);
    if (!rc)
        rc = nb_buf_adds(b, "Value ");
    if (!rc && !v)
        rc = nb_buf_adds(b, "null ");
    if (!rc && v && !hide) {
        size_t mark = b->len;
        rc = nb_buf_addc(b, '\'');
        if (!rc)
            rc = print_value(c, b, v, shape, mark + VALUE_PRINT_MAX);
        if (!rc && b->len - mark > VALUE_PRINT_MAX) {
            size_t cut = mark + VALUE_PRINT_MAX;
            while (cut > mark && ((unsigned char)b->p[cut] & 0xC0) == 0x80)
                cut--; /* keep whole UTF-8 characters */
            b->len = cut;
            rc = nb_buf_adds(b, "...");
        }
        if (!rc)
            rc = nb_buf_add(b, "' ", 2);
    }
    if (!rc)
        rc = nb_buf_addf(b, "at '%s' failed to satisfy constraint: ", c->path);
    return rc;
}

static int
is_sensitive(const nb_shape *s)
{
    return s && (s->flags & NB_SF_SENSITIVE);
}

static uint32_t
idx_of(const vctx *c, const nb_shape *s)
{
    return (uint32_t)(s - c->m->shapes);
}

/* Keeps a real failure; running past MSG_MAX is not one. */
static void
note_rc(vctx *c, int rc)
{
    if (rc && c->msg.len < MSG_MAX)
        c->rc = rc;
}

/* The constraints a scalar shape can carry, in the order AWS lists them
 * (SWO-GS/auto-tag#77: max, then min). */
enum { K_MAX, K_MIN, K_ENUM, K_COUNT };

static int
has_constraint(const nb_shape *s, int k)
{
    switch (k) {
    case K_MAX:
        return (s->flags & NB_SF_HAS_MAX) != 0;
    case K_MIN:
        return (s->flags & NB_SF_HAS_MIN) != 0;
    default:
        return s->nenum > 0 && s->type == NB_T_STRING;
    }
}

static int
is_len_shape(const nb_shape *s)
{
    return s->type == NB_T_STRING || s->type == NB_T_BLOB;
}

/* Does v break constraint k of s? Values of another type than the shape
 * expects are left alone (the codec checks types). */
static int
breaks(const vctx *c, const nb_shape *s, const nb_value *v, int k)
{
    if (k == K_ENUM) {
        if (v->type != NB_V_STR)
            return 0;
        for (uint32_t i = 0; i < s->nenum; i++)
            if (nb_str_eqc(v->u.s, c->m->strings[s->enums + i]))
                return 0;
        return 1;
    }
    double x;
    if (is_len_shape(s)) {
        if (v->type == NB_V_STR && s->type == NB_T_STRING)
            x = (double)utf8_count(v->u.s.p, v->u.s.len);
        else if (v->type == NB_V_STR || v->type == NB_V_BLOB)
            x = (double)v->u.s.len;
        else
            return 0;
    } else if (v->type == NB_V_INT) {
        x = (double)v->u.i;
    } else if (v->type == NB_V_DOUBLE) {
        x = v->u.d;
    } else {
        return 0;
    }
    return k == K_MAX ? x > (double)s->max : x < (double)s->min;
}

/* AWS's text for constraint k of s. */
static int
constraint_text(const vctx *c, const nb_shape *s, int k, nb_buf *b)
{
    const char *what = is_len_shape(s) ? "length" : "value";
    int rc;
    if (k == K_MAX)
        return nb_buf_addf(b, "Member must have %s less than or equal to %lld", what,
                           (long long)s->max);
    if (k == K_MIN)
        return nb_buf_addf(b, "Member must have %s greater than or equal to %lld", what,
                           (long long)s->min);
    rc = nb_buf_adds(b, "Member must satisfy enum value set: [");
    for (uint32_t i = 0; !rc && i < s->nenum; i++) {
        if (i)
            rc = nb_buf_add(b, ", ", 2);
        if (!rc)
            rc = nb_buf_adds(b, c->m->strings[s->enums + i]);
    }
    return rc ? rc : nb_buf_addc(b, ']');
}

static int check(vctx *c, uint32_t shape, const nb_value *v, int depth);

/* A scalar member: each broken constraint is its own violation. */
static void
check_scalar(vctx *c, const nb_shape *s, const nb_value *v)
{
    int rc = NB_OK;
    for (int k = 0; k < K_COUNT && !rc; k++) {
        if (!has_constraint(s, k) || !breaks(c, s, v, k))
            continue;
        rc = violation(c, v, idx_of(c, s), is_sensitive(s));
        if (!rc)
            rc = constraint_text(c, s, k, &c->msg);
    }
    note_rc(c, rc);
}

/* A list or map whose items are scalars: one violation for the whole
 * container when any item breaks its shape, listing every constraint of
 * the item shape ("Member must satisfy constraint: [...]"). keys: check
 * the map's keys rather than its values. */
static void
check_items(vctx *c, const nb_shape *cs, const nb_value *v, const nb_shape *item, const char *label,
            int keys)
{
    int bad = 0, rc = NB_OK, first = 1;
    for (const nb_value *e = nb_first(v); e && !bad; e = e->next) {
        nb_value kv;
        const nb_value *x = e;
        if (keys) { /* the key, seen as a string value */
            memset(&kv, 0, sizeof(kv));
            kv.type = NB_V_STR;
            kv.u.s = (nb_str){e->key, e->klen};
            x = &kv;
        }
        for (int k = 0; k < K_COUNT && !bad; k++)
            bad = has_constraint(item, k) && breaks(c, item, x, k);
    }
    if (!bad)
        return;
    rc = violation(c, v, idx_of(c, cs), is_sensitive(cs) || is_sensitive(item));
    if (!rc)
        rc = nb_buf_addf(&c->msg, "%s must satisfy constraint: [", label);
    for (int k = 0; k < K_COUNT && !rc; k++) {
        if (!has_constraint(item, k))
            continue;
        if (!first)
            rc = nb_buf_add(&c->msg, ", ", 2);
        first = 0;
        if (!rc)
            rc = constraint_text(c, item, k, &c->msg);
    }
    if (!rc)
        rc = nb_buf_addc(&c->msg, ']');
    note_rc(c, rc);
}

static int
is_scalar(const nb_shape *s)
{
    return s->type != NB_T_STRUCTURE && s->type != NB_T_LIST && s->type != NB_T_MAP;
}

/* Count bounds of a list or map ("Member must have length ..."). */
static void
check_count(vctx *c, const nb_shape *s, const nb_value *v)
{
    int rc = NB_OK;
    int64_t cnt = (int64_t)v->u.c.n;
    if ((s->flags & NB_SF_HAS_MAX) && cnt > s->max) {
        rc = violation(c, v, idx_of(c, s), is_sensitive(s));
        if (!rc)
            rc = nb_buf_addf(&c->msg, "Member must have length less than or equal to %lld",
                             (long long)s->max);
    }
    if (!rc && (s->flags & NB_SF_HAS_MIN) && cnt < s->min) {
        rc = violation(c, v, idx_of(c, s), is_sensitive(s));
        if (!rc)
            rc = nb_buf_addf(&c->msg, "Member must have length greater than or equal to %lld",
                             (long long)s->min);
    }
    note_rc(c, rc);
}

static void
check_list(vctx *c, const nb_shape *s, const nb_value *v, int depth)
{
    check_count(c, s, v);
    if (s->nmembers < 1)
        return;
    uint32_t item = member_at(c, s, 0)->shape;
    const nb_shape *is = shape_at(c, item);
    if (is_scalar(is)) {
        check_items(c, s, v, is, "Member", 0);
        return;
    }
    char idx[24];
    size_t i = 0;
    for (const nb_value *e = nb_first(v); e; e = e->next) {
        int l = snprintf(idx, sizeof(idx), "%zu", ++i);
        size_t old = path_push(c, idx, (size_t)l, 0);
        path_push(c, "member", 6, 0);
        check(c, item, e, depth + 1);
        path_pop(c, old);
    }
}

static void
check_map(vctx *c, const nb_shape *s, const nb_value *v, int depth)
{
    check_count(c, s, v);
    if (s->nmembers < 2)
        return;
    const nb_shape *ks = shape_at(c, member_at(c, s, 0)->shape);
    uint32_t val = member_at(c, s, 1)->shape;
    const nb_shape *vs = shape_at(c, val);
    check_items(c, s, v, ks, "Map keys", 1);
    if (is_scalar(vs)) {
        check_items(c, s, v, vs, "Map value", 0);
        return;
    }
    for (const nb_value *e = nb_first(v); e; e = e->next) {
        size_t old = path_push(c, e->key ? e->key : "", e->klen, 0);
        path_push(c, "member", 6, 0);
        check(c, val, e, depth + 1);
        path_pop(c, old);
    }
}

static void
check_struct(vctx *c, const nb_shape *s, const nb_value *v, int depth)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const nb_member *mb = member_at(c, s, i);
        if (mb->loc == NB_LOC_STATUS)
            continue;
        const nb_value *mv = nb_get(v, mb->name);
        size_t old = path_push(c, mb->name, strlen(mb->name), 1);
        if (!mv || mv->type == NB_V_NULL) {
            if (mb->flags & NB_MF_REQUIRED) {
                if (depth == 0 && !c->missing)
                    c->missing = mb->name;
                int rc = violation(c, NULL, NB_NO_SHAPE, 0);
                if (!rc)
                    rc = nb_buf_adds(&c->msg, "Member must not be null");
                note_rc(c, rc);
            }
        } else {
            check(c, mb->shape, mv, depth + 1);
        }
        path_pop(c, old);
    }
}

/* Checks v against shape; type mismatches are the codec's business and
 * are skipped here. */
static int
check(vctx *c, uint32_t shape, const nb_value *v, int depth)
{
    const nb_shape *s = shape_at(c, shape);
    if (!s || depth > 2 * NB_DEPTH_MAX)
        return NB_OK;
    switch (s->type) {
    case NB_T_STRUCTURE:
        if (v->type == NB_V_STRUCT && !(s->flags & NB_SF_DOCUMENT))
            check_struct(c, s, v, depth);
        break;
    case NB_T_LIST:
        if (v->type == NB_V_LIST)
            check_list(c, s, v, depth);
        break;
    case NB_T_MAP:
        if (v->type == NB_V_MAP)
            check_map(c, s, v, depth);
        break;
    default:
        check_scalar(c, s, v);
        break;
    }
    return c->rc;
}

int
nb_model_validate(nb_call *call, const nb_model *m, uint32_t shape, const nb_value *in)
{
    vctx c;
    int rc;
    if (shape == NB_NO_SHAPE || !in)
        return NB_OK;
    memset(&c, 0, sizeof(c));
    c.m = m;
    nb_buf_init(&c.msg, 2 * MSG_MAX); /* room for the one violation past MSG_MAX */
    rc = check(&c, shape, in, 0);
    if (rc)
        goto out;
    if (c.n) {
        const nb_service *svc = call->svc;
        const char *code =
            svc && svc->validation_code ? svc->validation_code : "ValidationException";
        if (svc && svc->missing_fmt && c.missing)
            rc = nb_fail(call, code, svc->missing_fmt, c.missing);
        else
            rc = nb_fail(call, code, "%zu validation error%s detected: %s", c.n,
                         c.n == 1 ? "" : "s", c.msg.p ? c.msg.p : "");
    }
out:
    nb_buf_free(&c.msg);
    return rc;
}
