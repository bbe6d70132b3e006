/*
 * ddb_expr_eval.c: evaluating parsed expressions over items: conditions
 * and filters, update actions (SET, REMOVE, ADD, DELETE), projections,
 * and taking a key condition apart for Query.
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * Expressions.OperatorsAndFunctions.html (comparisons of different types
 * are false; <, <=, >, >= and BETWEEN order S, N and B only) and
 * Expressions.UpdateExpressions.html. Runtime messages: dynalite
 * actions/updateItem.js and db/index.js (recorded against DynamoDB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_expr.h"
#include "ddb_int.h"

#define BAD_OPERAND "An operand in the update expression has an incorrect data type"

/* The value at path in item (a map), or NULL. */
static const nb_value *
path_get(const nb_value *item, const node *path)
{
    const nb_value *cur = ddb_map_get(item, path->path[0].name, path->path[0].len);
    for (int i = 1; cur && i < path->np; i++) {
        const nb_value *in;
        ddb_type t = ddb_av_type(cur, &in);
        const pel *e = &path->path[i];
        if (e->name) {
            cur = t == DDB_M ? ddb_map_get(in, e->name, e->len) : NULL;
        } else {
            long k = 0;
            const nb_value *c = t == DDB_L ? nb_first(in) : NULL;
            while (c && k < e->idx)
                c = c->next, k++;
            cur = c;
        }
    }
    return cur;
}

static size_t
utf8_len(nb_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.p[i] & 0xc0) != 0x80;
    return n;
}

/* size(): AWS: strings by length, binaries by bytes, sets, lists and
 * maps by elements; other types have no size (the condition is false). */
static const nb_value *
size_of(nb_call *call, const nb_value *av)
{
    const nb_value *in;
    int64_t n;
    switch (ddb_av_type(av, &in)) {
    case DDB_S:
        n = (int64_t)utf8_len(in->u.s);
        break;
    case DDB_B:
        n = (int64_t)in->u.s.len;
        break;
    case DDB_SS:
    case DDB_NS:
    case DDB_BS:
    case DDB_L:
    case DDB_M:
        n = (int64_t)in->u.c.n;
        break;
    default:
        return NULL;
    }
    char buf[24];
    int len = snprintf(buf, sizeof(buf), "%lld", (long long)n);
    return ddb_av_str(call->arena, DDB_N, buf, (size_t)len);
}

static const nb_value *
operand(nb_call *call, const node *n, const nb_value *item)
{
    switch (n->k) {
    case K_PATH:
        return item ? path_get(item, n) : NULL;
    case K_VAL:
        return n->val;
    case K_FN: {
        const nb_value *v = operand(call, n->args[0], item);
        return v && strcmp(n->fn, "size") == 0 ? size_of(call, v) : NULL;
    }
    default:
        return NULL;
    }
}

static int
begins_with(const nb_value *a, const nb_value *b)
{
    const nb_value *x, *y;
    ddb_type ta = ddb_av_type(a, &x), tb = ddb_av_type(b, &y);
    if (ta != tb || (ta != DDB_S && ta != DDB_B))
        return 0;
    return x->u.s.len >= y->u.s.len && memcmp(x->u.s.p, y->u.s.p, y->u.s.len) == 0;
}

/* contains(): a substring of a string, a subsequence of a binary (AWS:
 * LegacyConditionalParameters.html CONTAINS), a member of a set, an
 * element of a list. */
static int
contains(const nb_value *a, const nb_value *b)
{
    const nb_value *x, *y;
    ddb_type ta = ddb_av_type(a, &x), tb = ddb_av_type(b, &y);
    if ((ta == DDB_S && tb == DDB_S) || (ta == DDB_B && tb == DDB_B))
        return y->u.s.len == 0 || memmem(x->u.s.p, x->u.s.len, y->u.s.p, y->u.s.len) != NULL;
    if ((ta == DDB_SS && tb == DDB_S) || (ta == DDB_NS && tb == DDB_N) ||
        (ta == DDB_BS && tb == DDB_B)) {
        for (const nb_value *c = nb_first(x); c; c = c->next)
            if (nb_str_eq(c->u.s, y->u.s))
                return 1;
        return 0;
    }
    if (ta == DDB_L) {
        for (const nb_value *c = nb_first(x); c; c = c->next)
            if (ddb_av_equal(c, b))
                return 1;
    }
    return 0;
}

static int
eval_fn(nb_call *call, const node *n, const nb_value *item)
{
    const nb_value *a = operand(call, n->args[0], item);
    const nb_value *b = n->na > 1 ? operand(call, n->args[1], item) : NULL;
    if (strcmp(n->fn, "attribute_exists") == 0)
        return a != NULL;
    if (strcmp(n->fn, "attribute_not_exists") == 0)
        return a == NULL;
    if (!a || !b)
        return 0;
    if (strcmp(n->fn, "attribute_type") == 0) {
        const nb_value *in;
        ddb_av_type(b, &in);
        return ddb_av_type(a, NULL) == ddb_type_from(in->u.s.p);
    }
    if (strcmp(n->fn, "begins_with") == 0)
        return begins_with(a, b);
    if (strcmp(n->fn, "contains") == 0)
        return contains(a, b);
    return 0;
}

static int
compare(int op, const nb_value *a, const nb_value *b)
{
    if (!a || !b)
        return op == T_NE && (a || b) ? 1 : 0;
    if (op == T_EQ)
        return ddb_av_equal(a, b);
    if (op == T_NE)
        return !ddb_av_equal(a, b);
    int c = ddb_av_cmp(a, b);
    if (c == 2)
        return 0;
    switch (op) {
    case T_LT:
        return c < 0;
    case T_LE:
        return c <= 0;
    case T_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

static int
eval(nb_call *call, const node *n, const nb_value *item)
{
    switch (n->k) {
    case K_AND:
        return eval(call, n->args[0], item) && eval(call, n->args[1], item);
    case K_OR:
        return eval(call, n->args[0], item) || eval(call, n->args[1], item);
    case K_NOT:
        return !eval(call, n->args[0], item);
    case K_CMP:
        return compare(n->op, operand(call, n->args[0], item), operand(call, n->args[1], item));
    case K_BETWEEN: {
        const nb_value *a = operand(call, n->args[0], item);
        const nb_value *lo = operand(call, n->args[1], item);
        const nb_value *hi = operand(call, n->args[2], item);
        return a && lo && hi && compare(T_GE, a, lo) && compare(T_LE, a, hi);
    }
    case K_IN: {
        const nb_value *a = operand(call, n->args[0], item);
        for (int i = 1; a && i < n->na; i++) {
            const nb_value *b = operand(call, n->args[i], item);
            if (b && ddb_av_equal(a, b))
                return 1;
        }
        return 0;
    }
    case K_FN:
        return eval_fn(call, n, item);
    default:
        return 0;
    }
}

int
ddb_expr_eval(nb_call *call, const ddb_expr *e, const nb_value *item)
{
    return e && e->root ? eval(call, e->root, item) : 1;
}

/* ---- updates ------------------------------------------------------------------ */

static int
ufail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

static int
arith(nb_call *call, int op, const nb_value *a, const nb_value *b, nb_value **out)
{
    ddb_num x, y, r;
    if (ddb_av_getnum(a, &x) || ddb_av_getnum(b, &y))
        return ufail(call, BAD_OPERAND);
    int e = op == T_PLUS ? ddb_num_add(&x, &y, &r) : ddb_num_sub(&x, &y, &r);
    if (e)
        return ufail(call, ddb_num_errmsg(e));
    *out = ddb_av_num(call->arena, &r);
    return *out ? NB_OK : NB_ENOMEM;
}

/* The value of a SET operand, computed on the item before the update. */
static int
set_value(nb_call *call, const node *n, const nb_value *item, nb_value **out)
{
    nb_value *a, *b;
    int rc;
    switch (n->k) {
    case K_VAL:
    case K_PATH: {
        const nb_value *v = operand(call, n, item);
        if (!v) /* AWS: dynalite db/index.js updateItem path missing */
            return ufail(call, "The provided expression refers to an attribute that does not "
                               "exist in the item");
        *out = nb_value_copy(call->arena, v);
        return *out ? NB_OK : NB_ENOMEM;
    }
    case K_ARITH:
        if ((rc = set_value(call, n->args[0], item, &a)) ||
            (rc = set_value(call, n->args[1], item, &b)))
            return rc;
        return arith(call, n->op, a, b, out);
    case K_FN:
        if (strcmp(n->fn, "if_not_exists") == 0) {
            const nb_value *v = operand(call, n->args[0], item);
            if (v) {
                *out = nb_value_copy(call->arena, v);
                return *out ? NB_OK : NB_ENOMEM;
            }
            return set_value(call, n->args[1], item, out);
        }
        if ((rc = set_value(call, n->args[0], item, &a)) ||
            (rc = set_value(call, n->args[1], item, &b)))
            return rc;
        {
            const nb_value *x, *y;
            if (ddb_av_type(a, &x) != DDB_L || ddb_av_type(b, &y) != DDB_L)
                return ufail(call, BAD_OPERAND);
            nb_value *l = nb_value_copy(call->arena, x);
            for (const nb_value *c = nb_first(y); l && c; c = c->next)
                if (nb_value_append(l, nb_value_copy(call->arena, c)))
                    return NB_ENOMEM;
            *out = ddb_av_wrap(call->arena, DDB_L, l);
            return *out ? NB_OK : NB_ENOMEM;
        }
    default:
        return NB_EINTERNAL;
    }
}

/* The container (M's map or L's list) holding the last element of path,
 * in item; NULL when a parent is missing or of another type. */
static nb_value *
parent_of(nb_value *item, const node *path)
{
    nb_value *cur = item;
    for (int i = 0; i < path->np - 1; i++) {
        const pel *e = &path->path[i];
        nb_value *av;
        if (e->name) {
            av = ddb_map_get(cur, e->name, e->len);
        } else {
            long k = 0;
            av = cur->u.c.first;
            while (av && k < e->idx)
                av = av->next, k++;
        }
        const nb_value *in;
        ddb_type t = av ? ddb_av_type(av, &in) : DDB_NONE;
        const pel *next = &path->path[i + 1];
        if (!av || (next->name ? t != DDB_M : t != DDB_L))
            return NULL;
        cur = (nb_value *)in;
    }
    return cur;
}

static int
path_set(nb_call *call, nb_value *item, const node *path, nb_value *v)
{
    nb_value *parent = parent_of(item, path);
    const pel *e = &path->path[path->np - 1];
    if (!parent ||
        (path->np == 1 ? 0 : (e->name ? parent->type != NB_V_MAP : parent->type != NB_V_LIST)))
        return ufail(call, "The document path provided in the update expression is invalid for "
                           "update");
    if (e->name)
        return ddb_map_set(parent, e->name, e->len, v);
    long k = 0;
    nb_value *prev = NULL, *c = parent->u.c.first;
    while (c && k < e->idx)
        prev = c, c = c->next, k++;
    if (!c) /* AWS: past the end appends */
        return nb_value_append(parent, v);
    v->next = c->next;
    if (prev)
        prev->next = v;
    else
        parent->u.c.first = v;
    if (parent->u.c.last == c)
        parent->u.c.last = v;
    return NB_OK;
}

static void
path_remove(nb_value *item, const node *path)
{
    nb_value *parent = parent_of(item, path);
    const pel *e = &path->path[path->np - 1];
    if (!parent)
        return;
    if (e->name) {
        if (parent->type == NB_V_MAP)
            ddb_map_del(parent, e->name, e->len);
        return;
    }
    if (parent->type != NB_V_LIST)
        return;
    long k = 0;
    nb_value *prev = NULL, *c = parent->u.c.first;
    while (c && k < e->idx)
        prev = c, c = c->next, k++;
    if (!c)
        return;
    if (prev)
        prev->next = c->next;
    else
        parent->u.c.first = c->next;
    if (parent->u.c.last == c)
        parent->u.c.last = prev;
    parent->u.c.n--;
}

static int
set_type(ddb_type t)
{
    return t == DDB_SS || t == DDB_NS || t == DDB_BS;
}

/* ADD to a number or a set; DELETE from a set. */
static int
add_delete(nb_call *call, nb_value *item, const act *a)
{
    const nb_value *cur = path_get(item, a->path), *x, *y;
    ddb_type tv = ddb_av_type(a->val->val, &y);
    nb_value *res;
    if (a->sec == S_DELETE && !cur)
        return NB_OK;
    if (a->sec == S_ADD && !cur) {
        res = nb_value_copy(call->arena, a->val->val);
        return res ? path_set(call, item, a->path, res) : NB_ENOMEM;
    }
    ddb_type tc = ddb_av_type(cur, &x);
    if (a->sec == S_ADD && tv == DDB_N) {
        if (tc != DDB_N)
            return ufail(call, BAD_OPERAND);
        int rc = arith(call, T_PLUS, cur, a->val->val, &res);
        return rc ? rc : path_set(call, item, a->path, res);
    }
    if (tc != tv || !set_type(tc))
        return ufail(call, BAD_OPERAND);
    nb_value *l = nb_value_list(call->arena);
    if (!l)
        return NB_ENOMEM;
    for (const nb_value *c = nb_first(x); c; c = c->next) {
        int found = 0;
        for (const nb_value *d = nb_first(y); a->sec == S_DELETE && d && !found; d = d->next)
            found = nb_str_eq(c->u.s, d->u.s);
        if (!found && nb_value_append(l, nb_value_copy(call->arena, c)))
            return NB_ENOMEM;
    }
    for (const nb_value *d = nb_first(y); a->sec == S_ADD && d; d = d->next) {
        int found = 0;
        for (const nb_value *c = nb_first(x); c && !found; c = c->next)
            found = nb_str_eq(c->u.s, d->u.s);
        if (!found && nb_value_append(l, nb_value_copy(call->arena, d)))
            return NB_ENOMEM;
    }
    if (!nb_first(l)) { /* AWS: an empty set is no attribute */
        path_remove(item, a->path);
        return NB_OK;
    }
    res = ddb_av_wrap(call->arena, tc, l);
    return res ? path_set(call, item, a->path, res) : NB_ENOMEM;
}

static int
idx_desc(const void *pa, const void *pb)
{
    const act *a = pa, *b = pb;
    const pel *x = &a->path->path[a->path->np - 1], *y = &b->path->path[b->path->np - 1];
    long i = x->name ? -1 : x->idx, j = y->name ? -1 : y->idx;
    return i < j ? 1 : i > j ? -1 : 0;
}

int
ddb_expr_update(nb_call *call, const ddb_expr *e, nb_value *item)
{
    nb_value **vals = nb_arena_zalloc(call->arena, ((size_t)e->nacts + 1) * sizeof(nb_value *));
    const nb_value *before = nb_value_copy(call->arena, item);
    int rc;
    if (!vals || !before)
        return NB_ENOMEM;
    for (int i = 0; i < e->nacts; i++) /* operands see the item before the update */
        if (e->acts[i].sec == S_SET && (rc = set_value(call, e->acts[i].val, before, &vals[i])))
            return rc;
    for (int i = 0; i < e->nacts; i++) {
        const act *a = &e->acts[i];
        if (a->sec == S_SET && (rc = path_set(call, item, a->path, vals[i])))
            return rc;
        if ((a->sec == S_ADD || a->sec == S_DELETE) && (rc = add_delete(call, item, a)))
            return rc;
    }
    /* removals last, list indexes from the highest, so that each index
     * means what it meant in the item before */
    act *rem = nb_arena_alloc(call->arena, ((size_t)e->nacts + 1) * sizeof(act));
    int nrem = 0;
    if (!rem)
        return NB_ENOMEM;
    for (int i = 0; i < e->nacts; i++)
        if (e->acts[i].sec == S_REMOVE)
            rem[nrem++] = e->acts[i];
    qsort(rem, (size_t)nrem, sizeof(act), idx_desc);
    for (int i = 0; i < nrem; i++)
        path_remove(item, rem[i].path);
    return NB_OK;
}

int
ddb_expr_update_paths(const ddb_expr *e,
                      int (*fn)(void *ud, const char *name, size_t len, int nested), void *ud)
{
    for (int i = 0; e && i < e->nacts; i++) {
        const node *p = e->acts[i].path;
        int rc = fn(ud, p->path[0].name, p->path[0].len, p->np > 1);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* ---- projections ------------------------------------------------------------------ */

/* Copies the value at path from item into out, making the containers on
 * the way. */
static int
project_one(nb_call *call, const nb_value *item, const node *path, nb_value *out)
{
    const nb_value *v = path_get(item, path);
    if (!v)
        return NB_OK;
    nb_value *cur = out;
    for (int i = 0; i < path->np; i++) {
        const pel *e = &path->path[i];
        int last = i == path->np - 1;
        const pel *next = last ? NULL : &path->path[i + 1];
        nb_value *slot = NULL;
        if (e->name && cur->type == NB_V_MAP)
            slot = ddb_map_get(cur, e->name, e->len);
        if (last) {
            nb_value *c = nb_value_copy(call->arena, v);
            if (!c)
                return NB_ENOMEM;
            if (e->name)
                return ddb_map_set(cur, e->name, e->len, c);
            return nb_value_append(cur, c);
        }
        if (!slot || ddb_av_type(slot, NULL) != (next->name ? DDB_M : DDB_L)) {
            nb_value *in = next->name ? nb_value_map(call->arena) : nb_value_list(call->arena);
            slot = ddb_av_wrap(call->arena, next->name ? DDB_M : DDB_L, in);
            if (!slot)
                return NB_ENOMEM;
            if (e->name ? ddb_map_set(cur, e->name, e->len, slot) : nb_value_append(cur, slot))
                return NB_ENOMEM;
        }
        cur = slot->u.c.first;
    }
    return NB_OK;
}

int
ddb_expr_project(nb_call *call, const ddb_expr *e, const nb_value *item, nb_value **out)
{
    nb_value *m = nb_value_map(call->arena);
    if (!m)
        return NB_ENOMEM;
    for (int i = 0; i < e->npaths; i++) {
        int rc = project_one(call, item, e->paths[i], m);
        if (rc)
            return rc;
    }
    *out = m;
    return NB_OK;
}

/* ---- key conditions ---------------------------------------------------------------- */

static int
kfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

/* One condition on a key attribute (dynalite validations checkExpr). */
static int
key_part(nb_call *call, const node *n, const char **name, int *op, const nb_value **v1,
         const nb_value **v2)
{
    static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};
    const node *path = NULL;
    int attr_ix = 0;
    if (n->k == K_OR || n->k == K_NOT || n->k == K_IN || (n->k == K_CMP && n->op == T_NE))
        return nb_fail(call, "ValidationException",
                       "Invalid operator used in KeyConditionExpression: %s",
                       n->k == K_OR    ? "OR"
                       : n->k == K_NOT ? "NOT"
                       : n->k == K_IN  ? "IN"
                                       : "<>");
    if (n->k == K_FN && strcmp(n->fn, "begins_with") != 0) {
        if (strcmp(n->fn, "size") == 0)
            return kfail(call, "KeyConditionExpressions cannot contain nested operations");
        return nb_fail(call, "ValidationException",
                       "Invalid operator used in KeyConditionExpression: %s", n->fn);
    }
    if ((n->k == K_BETWEEN || n->k == K_FN) && n->args[0]->k != K_PATH)
        return nb_fail(call, "ValidationException",
                       "Invalid condition in KeyConditionExpression: %s operator must have the "
                       "key attribute as its first operand",
                       n->k == K_BETWEEN ? "BETWEEN" : n->fn);
    for (int i = 0; i < n->na; i++) {
        const node *a = n->args[i];
        if (a->k == K_PATH) {
            if (path)
                return kfail(call, "Invalid condition in KeyConditionExpression: Multiple "
                                   "attribute names used in one condition");
            if (a->np > 1)
                return kfail(call,
                             "KeyConditionExpressions cannot have conditions on nested attributes");
            path = a, attr_ix = i;
        } else if (a->k == K_FN) {
            return kfail(call, "KeyConditionExpressions cannot contain nested operations");
        }
    }
    if (!path)
        return kfail(call,
                     "Invalid condition in KeyConditionExpression: No key attribute specified");
    *name = nb_arena_strndup(call->arena, path->path[0].name, path->path[0].len);
    if (n->k == K_BETWEEN) {
        *op = DDB_KC_BETWEEN, *v1 = n->args[1]->val, *v2 = n->args[2]->val;
    } else if (n->k == K_FN) {
        *op = DDB_KC_BEGINS, *v1 = n->args[1]->val;
    } else {
        int t = n->op;
        if (attr_ix == 1) /* :v < key is key > :v */
            t = t == T_LT ? T_GT : t == T_LE ? T_GE : t == T_GT ? T_LT : t == T_GE ? T_LE : t;
        *op = t == T_EQ   ? DDB_KC_EQ
              : t == T_LT ? DDB_KC_LT
              : t == T_LE ? DDB_KC_LE
              : t == T_GT ? DDB_KC_GT
                          : DDB_KC_GE;
        *v1 = n->args[1 - attr_ix]->val;
    }
    NB_UNUSED(ops);
    return NB_OK;
}

typedef struct kpart {
    const char *name;
    int op;
    const nb_value *v1, *v2;
} kpart;

static int
key_walk(nb_call *call, const node *n, kpart *parts, int *np)
{
    if (n->k == K_AND) {
        int rc = key_walk(call, n->args[0], parts, np);
        return rc ? rc : key_walk(call, n->args[1], parts, np);
    }
    kpart k = {0};
    int rc = key_part(call, n, &k.name, &k.op, &k.v1, &k.v2);
    if (rc)
        return rc;
    for (int i = 0; i < *np; i++)
        if (strcmp(parts[i].name, k.name) == 0)
            return kfail(call, "KeyConditionExpressions must only contain one condition per key");
    if (*np == 2)
        return kfail(call, "Conditions can be of length 1 or 2 only");
    parts[(*np)++] = k;
    return NB_OK;
}

/* AWS: dynalite actions/query.js (key schema checks). */
int
ddb_expr_keycond(nb_call *call, const ddb_expr *e, const ddb_keydef *hash, const ddb_keydef *range,
                 ddb_keycond *kc)
{
    kpart parts[2];
    int np = 0, rc = key_walk(call, e->root, parts, &np);
    if (rc)
        return rc;
    memset(kc, 0, sizeof(*kc));
    const kpart *h = NULL, *r = NULL;
    for (int i = 0; i < np; i++) {
        if (strcmp(parts[i].name, hash->name) == 0)
            h = &parts[i];
        else if (range->name && strcmp(parts[i].name, range->name) == 0)
            r = &parts[i];
    }
    if (!range->name && np > 1)
        return kfail(call, "Query key condition not supported");
    if (!h)
        return nb_fail(call, "ValidationException", "Query condition missed key schema element: %s",
                       hash->name);
    if (np == 2 && !r)
        return nb_fail(call, "ValidationException", "Query condition missed key schema element: %s",
                       range->name);
    const kpart *all[2] = {h, r};
    const ddb_keydef *defs[2] = {hash, range};
    for (int i = 0; i < 2; i++) {
        if (!all[i])
            continue;
        if (ddb_av_type(all[i]->v1, NULL) != defs[i]->type ||
            (all[i]->v2 && ddb_av_type(all[i]->v2, NULL) != defs[i]->type))
            return kfail(call, "One or more parameter values were invalid: Condition parameter "
                               "type does not match schema type");
    }
    if (h->op != DDB_KC_EQ)
        return kfail(call, "Query key condition not supported");
    kc->hash = h->v1;
    kc->hash_name = h->name;
    if (r) {
        if (r->op == DDB_KC_BEGINS && defs[1]->type == DDB_N)
            return kfail(call, "Invalid KeyConditionExpression: Incorrect operand type for "
                               "operator or function; operator or function: begins_with, "
                               "operand type: N");
        kc->range_name = r->name;
        kc->op = r->op;
        kc->v1 = r->v1;
        kc->v2 = r->v2;
    }
    return NB_OK;
}
