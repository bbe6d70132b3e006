/*
 * ddb_legacy.c: the legacy (non-expression) parameters old clients still
 * send: Expected and ConditionalOperator on writes, QueryFilter and
 * ScanFilter, KeyConditions on Query, AttributesToGet on reads, and
 * AttributeUpdates on UpdateItem. Conditions are checked with DynamoDB's
 * messages and then translated into the trees of ddb_expr.h, so one
 * evaluator (ddb_expr_eval.c) serves both styles; AttributeUpdates are
 * applied here, on the item being built.
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * LegacyConditionalParameters.html. Messages: dynalite validations/
 * index.js (validateExpressionParams, validateAttributeConditions,
 * validateConditions) and actions/{query,updateItem}.js, whose tests were
 * recorded against DynamoDB.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_expr.h"
#include "ddb_int.h"

#define INVALID "One or more parameter values were invalid: "

/* The comparison operators, their operand counts (IN: one or more) and
 * the AttributeValue types a filter or key condition accepts. */
enum {
    OP_EQ,
    OP_NE,
    OP_LE,
    OP_LT,
    OP_GE,
    OP_GT,
    OP_NNULL,
    OP_NULL,
    OP_CONT,
    OP_NCONT,
    OP_BEGINS,
    OP_IN,
    OP_BETWEEN,
    OP_MAX
};

static const struct {
    const char *name;  /* ComparisonOperator */
    int nargs;         /* values it takes (-1: one or more) */
    const char *types; /* types allowed, space separated, or NULL */
} ops[OP_MAX] = {
    {"EQ", 1, " S N B SS NS BS "}, {"NE", 1, " S N B SS NS BS "},
    {"LE", 1, " S N B "},          {"LT", 1, " S N B "},
    {"GE", 1, " S N B "},          {"GT", 1, " S N B "},
    {"NOT_NULL", 0, NULL},         {"NULL", 0, NULL},
    {"CONTAINS", 1, " S N B "},    {"NOT_CONTAINS", 1, " S N B "},
    {"BEGINS_WITH", 1, " S B "},   {"IN", -1, " S N B "},
    {"BETWEEN", 2, " S N B "},
};

static int
op_find(const char *name)
{
    for (int i = 0; name && i < OP_MAX; i++)
        if (strcmp(ops[i].name, name) == 0)
            return i;
    return -1;
}

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

/* ---- expression or not ---------------------------------------------------------- */

static void
join(char *buf, size_t cap, const char *name)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", name);
}

int
ddb_legacy_mix(nb_call *call, const nb_value *in, const char *const *expr,
               const char *const *legacy)
{
    char e[256] = "", l[256] = "", vals[256] = "";
    int nvals = 0;
    for (int i = 0; expr[i]; i++) {
        if (nb_get(in, expr[i]))
            join(e, sizeof(e), expr[i]);
        if (strcmp(expr[i], "ProjectionExpression") != 0) {
            size_t n = strlen(vals);
            snprintf(vals + n, sizeof(vals) - n, "%s%s", nvals++ ? " and " : "", expr[i]);
        }
    }
    /* AWS: KeyConditions with FilterExpression alone is allowed */
    int kc_alone = nb_get(in, "KeyConditions") && !nb_get(in, "KeyConditionExpression");
    for (int i = 0; legacy[i]; i++)
        if (nb_get(in, legacy[i]) && !(kc_alone && strcmp(legacy[i], "KeyConditions") == 0))
            join(l, sizeof(l), legacy[i]);
    if (e[0] && l[0])
        return nb_fail(call, "ValidationException",
                       "Can not use both expression and non-expression parameters in the same "
                       "request: Non-expression parameters: {%s} Expression parameters: {%s}",
                       l, e);
    if (nb_get(in, "ExpressionAttributeNames") && !e[0])
        return vfail(call, "ExpressionAttributeNames can only be specified when using expressions");
    int any_val = 0;
    for (int i = 0; expr[i]; i++)
        any_val |= strcmp(expr[i], "ProjectionExpression") != 0 && nb_get(in, expr[i]) != NULL;
    if (nvals && nb_get(in, "ExpressionAttributeValues") && !any_val)
        return nb_fail(call, "ValidationException",
                       "ExpressionAttributeValues can only be specified when using expressions: "
                       "%s %s null",
                       vals, nvals > 1 ? "are" : "is");
    return NB_OK;
}

/* ---- conditions --------------------------------------------------------------- */

static node *
mk(nb_arena *a, int k, int na)
{
    node *n = nb_arena_zalloc(a, sizeof(node));
    if (n && na && !(n->args = nb_arena_zalloc(a, (size_t)na * sizeof(node *))))
        return NULL;
    if (n)
        n->k = k, n->na = na;
    return n;
}

static node *
mk_path(nb_arena *a, const char *name, size_t len)
{
    node *n = mk(a, K_PATH, 0);
    if (n && (n->path = nb_arena_zalloc(a, sizeof(pel)))) {
        n->path[0].name = name;
        n->path[0].len = len;
        n->np = 1;
        return n;
    }
    return NULL;
}

static node *
mk_val(nb_arena *a, const nb_value *v)
{
    node *n = mk(a, K_VAL, 0);
    if (n) {
        n->val = v;
        n->type = ddb_av_type(v, NULL);
    }
    return n;
}

/* The tree of one condition: attr <op> values[0..nv). */
static node *
cond_node(nb_arena *a, const char *name, size_t len, int op, nb_value **v, int nv)
{
    static const int cmp[] = {T_EQ, T_NE, T_LE, T_LT, T_GE, T_GT};
    static const char *const fns[] = {"attribute_exists", "attribute_not_exists", "contains",
                                      "contains", "begins_with"};
    node *p = mk_path(a, name, len), *n = NULL;
    if (!p)
        return NULL;
    if (op <= OP_GT) {
        if ((n = mk(a, K_CMP, 2)) && (n->args[1] = mk_val(a, v[0])))
            n->op = cmp[op], n->args[0] = p;
    } else if (op <= OP_BEGINS) {
        int na = op <= OP_NULL ? 1 : 2;
        if ((n = mk(a, K_FN, na))) {
            n->fn = fns[op - OP_NNULL];
            n->args[0] = p;
            if (na == 2 && !(n->args[1] = mk_val(a, v[0])))
                return NULL;
        }
        if (n && op == OP_NCONT) {
            node *x = mk(a, K_NOT, 1);
            if (x)
                x->args[0] = n;
            n = x;
        }
    } else {
        if ((n = mk(a, op == OP_IN ? K_IN : K_BETWEEN, nv + 1))) {
            n->args[0] = p;
            for (int i = 0; i < nv; i++)
                if (!(n->args[i + 1] = mk_val(a, v[i])))
                    return NULL;
        }
    }
    return n;
}

/* Counts, types and order of one condition's AttributeValueList. */
static int
check_values(nb_call *call, int op, const char *opname, nb_value **v, int nv, int typed)
{
    if (op < 0 || (ops[op].nargs >= 0 ? nv != ops[op].nargs : nv < 1))
        return nb_fail(call, "ValidationException",
                       INVALID "Invalid number of argument(s) for the %s ComparisonOperator",
                       opname);
    for (int i = 1; i < nv; i++)
        if (ddb_av_type(v[i], NULL) != ddb_av_type(v[0], NULL))
            return vfail(call, INVALID "AttributeValues inside AttributeValueList must be of "
                                       "same type");
    for (int i = 0; typed && i < nv; i++) {
        const char *t = ddb_type_name(ddb_av_type(v[i], NULL));
        char pat[8];
        snprintf(pat, sizeof(pat), " %s ", t);
        if (!strstr(ops[op].types, pat))
            return nb_fail(call, "ValidationException",
                           INVALID "ComparisonOperator %s is not valid for %s AttributeValue type",
                           opname, t);
    }
    if (op == OP_BETWEEN && ddb_av_cmp(v[0], v[1]) == 1)
        return vfail(call, "The BETWEEN condition was provided a range where the lower bound is "
                           "greater than the upper bound");
    return NB_OK;
}

/* The normalised AttributeValueList (or Value) of c. */
static int
values_of(nb_call *call, const nb_value *c, nb_value ***v, int *nv)
{
    const nb_value *list = nb_get(c, "AttributeValueList"), *one = nb_get(c, "Value");
    int n = 0, rc;
    for (const nb_value *x = nb_first(list); x; x = x->next)
        n++;
    *v = nb_arena_zalloc(call->arena, (size_t)(n + 1) * sizeof(nb_value *));
    if (!*v)
        return NB_ENOMEM;
    n = 0;
    for (const nb_value *x = nb_first(list); x; x = x->next)
        if ((rc = ddb_av_norm(call, x, &(*v)[n++])))
            return rc;
    if (!list && one) {
        if ((rc = ddb_av_norm(call, one, &(*v)[0])))
            return rc;
        n = 1;
    }
    *nv = n;
    return NB_OK;
}

/* One entry of Expected: its checks (validateAttributeConditions) and
 * its operator (Exists: NOT_NULL or NULL; Value alone: EQ). */
static int
expected_one(nb_call *call, const nb_value *c, const char *attr, int *op, nb_value ***v, int *nv)
{
    const char *co = nb_get_str(c, "ComparisonOperator");
    const nb_value *list = nb_get(c, "AttributeValueList"), *val = nb_get(c, "Value");
    const nb_value *exists = nb_get(c, "Exists");
    if (list && val)
        return nb_fail(call, "ValidationException",
                       INVALID "Value and AttributeValueList cannot be used together for "
                               "Attribute: %s",
                       attr);
    if (co) {
        if (exists)
            return nb_fail(call, "ValidationException",
                           INVALID "Exists and ComparisonOperator cannot be used together for "
                                   "Attribute: %s",
                           attr);
        if (strcmp(co, "NULL") != 0 && strcmp(co, "NOT_NULL") != 0 && !list && !val)
            return nb_fail(call, "ValidationException",
                           INVALID "Value or AttributeValueList must be used with "
                                   "ComparisonOperator: %s for Attribute: %s",
                           co, attr);
        int rc = values_of(call, c, v, nv);
        *op = op_find(co);
        return rc ? rc : check_values(call, *op, co, *v, *nv, 0);
    }
    if (list)
        return nb_fail(call, "ValidationException",
                       INVALID "AttributeValueList can only be used with a ComparisonOperator for "
                               "Attribute: %s",
                       attr);
    int ex = exists ? exists->u.b : 1;
    if (ex && !val)
        return nb_fail(call, "ValidationException",
                       INVALID "Value must be provided when Exists is %s for Attribute: %s",
                       exists ? "true" : "null", attr);
    if (!ex && val)
        return nb_fail(call, "ValidationException",
                       INVALID "Value cannot be used when Exists is false for Attribute: %s", attr);
    *op = ex ? OP_EQ : OP_NULL;
    return values_of(call, c, v, nv);
}

int
ddb_legacy_cond(nb_call *call, const nb_value *conds, const char *cop, int expected, ddb_expr **out)
{
    ddb_expr *e = nb_arena_zalloc(call->arena, sizeof(*e));
    int or = cop && strcmp(cop, "OR") == 0, rc;
    if (!e)
        return NB_ENOMEM;
    e->kind = DDB_EXPR_CONDITION;
    for (const nb_value *c = nb_first(conds); c; c = c->next) {
        nb_value **v;
        int nv, op = -1;
        if (expected) {
            if ((rc = expected_one(call, c, c->key, &op, &v, &nv)))
                return rc;
        } else {
            const char *co = nb_get_str(c, "ComparisonOperator");
            if ((rc = values_of(call, c, &v, &nv)) ||
                (rc = check_values(call, op = op_find(co), co ? co : "", v, nv, 1)))
                return rc;
        }
        node *n = cond_node(call->arena, c->key, c->klen, op, v, nv);
        if (!n)
            return NB_ENOMEM;
        if (e->root) {
            node *j = mk(call->arena, or ? K_OR : K_AND, 2);
            if (!j)
                return NB_ENOMEM;
            j->args[0] = e->root, j->args[1] = n;
            n = j;
        }
        e->root = n;
    }
    *out = e->root ? e : NULL;
    return NB_OK;
}

/* ---- KeyConditions ---------------------------------------------------------------- */

int
ddb_legacy_keycheck(nb_call *call, const nb_value *conds)
{
    int n = 0, rc;
    for (const nb_value *c = nb_first(conds); c; c = c->next, n++) {
        nb_value **v;
        int nv;
        const char *co = nb_get_str(c, "ComparisonOperator");
        if ((rc = values_of(call, c, &v, &nv)) ||
            (rc = check_values(call, op_find(co), co ? co : "", v, nv, 1)))
            return rc;
    }
    if (n != 1 && n != 2)
        return vfail(call, "Conditions can be of length 1 or 2 only");
    return NB_OK;
}

int
ddb_legacy_keycond(nb_call *call, const nb_value *conds, const ddb_keydef *hash,
                   const ddb_keydef *range, ddb_keycond *kc)
{
    static const int kcop[] = {
        [OP_EQ] = DDB_KC_EQ,          [OP_LE] = DDB_KC_LE, [OP_LT] = DDB_KC_LT,
        [OP_GE] = DDB_KC_GE,          [OP_GT] = DDB_KC_GT, [OP_BEGINS] = DDB_KC_BEGINS,
        [OP_BETWEEN] = DDB_KC_BETWEEN};
    const ddb_keydef *keys[2] = {hash, range};
    size_t n = 0;
    for (const nb_value *c = nb_first(conds); c; c = c->next)
        n++;
    memset(kc, 0, sizeof(*kc));
    for (int i = 0; i < 2; i++) {
        const ddb_keydef *k = keys[i];
        if (!k->name)
            continue;
        if (i == 0 && !range->name && n > 1)
            return vfail(call, "Query key condition not supported");
        const nb_value *c = ddb_map_get(conds, k->name, strlen(k->name));
        if (!c) {
            if (i == 0 || n > 1)
                return nb_fail(call, "ValidationException",
                               "Query condition missed key schema element: %s", k->name);
            continue;
        }
        int op = op_find(nb_get_str(c, "ComparisonOperator"));
        if (op == OP_NULL || op == OP_NNULL || op == OP_NE || op == OP_CONT || op == OP_NCONT ||
            op == OP_IN)
            return vfail(call, "Attempted conditional constraint is not an indexable operation");
        nb_value **v;
        int nv, rc = values_of(call, c, &v, &nv);
        if (rc)
            return rc;
        for (int j = 0; j < nv; j++)
            if (ddb_av_type(v[j], NULL) != k->type)
                return vfail(call, INVALID "Condition parameter type does not match schema type");
        if (i == 0 && op != OP_EQ)
            return vfail(call, "Query key condition not supported");
        if (i == 0) {
            kc->hash = v[0];
            kc->hash_name = k->name;
        } else {
            kc->range_name = k->name;
            kc->op = kcop[op];
            kc->v1 = v[0];
            kc->v2 = nv > 1 ? v[1] : NULL;
        }
    }
    return NB_OK;
}

/* ---- AttributesToGet ----------------------------------------------------------------- */

int
ddb_legacy_projection(nb_call *call, const nb_value *names, ddb_expr **out)
{
    ddb_expr *e = nb_arena_zalloc(call->arena, sizeof(*e));
    int n = 0;
    *out = NULL;
    if (!names)
        return NB_OK;
    for (const nb_value *c = nb_first(names); c; c = c->next, n++)
        for (const nb_value *d = nb_first(names); d != c; d = d->next)
            if (nb_str_eq(c->u.s, d->u.s))
                return nb_fail(call, "ValidationException",
                               INVALID "Duplicate value in attribute name: %s", c->u.s.p);
    if (!e || !(e->paths = nb_arena_zalloc(call->arena, (size_t)(n + 1) * sizeof(node *))))
        return NB_ENOMEM;
    e->kind = DDB_EXPR_PROJECTION;
    for (const nb_value *c = nb_first(names); c; c = c->next)
        if (!(e->paths[e->npaths++] = mk_path(call->arena, c->u.s.p, c->u.s.len)))
            return NB_ENOMEM;
    *out = e;
    return NB_OK;
}

/* ---- AttributeUpdates ------------------------------------------------------------------ */

int
ddb_legacy_update_check(nb_call *call, const nb_value *upd, nb_value **norm)
{
    nb_value *m = nb_value_map(call->arena);
    if (!m)
        return NB_ENOMEM;
    for (const nb_value *c = nb_first(upd); c; c = c->next) {
        const nb_value *val = nb_get(c, "Value");
        const char *action = nb_get_str(c, "Action");
        nb_value *nu = nb_value_struct(call->arena), *v = NULL;
        int rc;
        if (!nu)
            return NB_ENOMEM;
        if (val && (rc = ddb_av_norm(call, val, &v)))
            return rc;
        int del = action && strcmp(action, "DELETE") == 0,
            add = action && strcmp(action, "ADD") == 0;
        ddb_type t = v ? ddb_av_type(v, NULL) : DDB_NONE;
        if (!v && !del)
            return vfail(call, INVALID "Only DELETE action is allowed when no attribute value is "
                                       "specified");
        if (v && del && t != DDB_SS && t != DDB_NS && t != DDB_BS)
            return nb_fail(call, "ValidationException",
                           INVALID "DELETE action with value is not supported for the type %s",
                           ddb_type_name(t));
        if (v && add && t != DDB_L && t != DDB_SS && t != DDB_NS && t != DDB_BS && t != DDB_N)
            return nb_fail(call, "ValidationException",
                           INVALID "ADD action is not supported for the type %s", ddb_type_name(t));
        if ((rc = nb_set_str(nu, "Action", del ? "DELETE" : add ? "ADD" : "PUT")))
            return rc;
        if (v && nb_value_put(nu, "Value", 5, v))
            return NB_ENOMEM;
        if (nb_value_put(m, c->key, c->klen, nu))
            return NB_ENOMEM;
    }
    *norm = m;
    return NB_OK;
}

int
ddb_legacy_update_keys(nb_call *call, const ddb_table *t, const nb_value *upd)
{
    const ddb_keydef *keys[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++)
        if (keys[i]->name && ddb_map_get(upd, keys[i]->name, strlen(keys[i]->name)))
            return nb_fail(call, "ValidationException",
                           INVALID "Cannot update attribute %s. This attribute is part of the key",
                           keys[i]->name);
    for (size_t i = 0; i < t->nidx; i++) {
        const ddb_keydef *ik[2] = {&t->idx[i].hash, &t->idx[i].range};
        for (int j = 0; j < 2; j++) {
            const nb_value *u =
                ik[j]->name ? ddb_map_get(upd, ik[j]->name, strlen(ik[j]->name)) : NULL;
            const nb_value *v = u ? nb_get(u, "Value") : NULL;
            ddb_type vt = v ? ddb_av_type(v, NULL) : DDB_NONE;
            if (v && vt != ik[j]->type)
                return nb_fail(call, "ValidationException",
                               INVALID "Type mismatch for Index Key %s Expected: %s Actual: %s "
                                       "IndexName: %s",
                               ik[j]->name, ddb_type_name(ik[j]->type), ddb_type_name(vt),
                               t->idx[i].name);
        }
    }
    return NB_OK;
}

static int
in_set(const nb_value *set, const nb_value *x)
{
    for (const nb_value *c = nb_first(set); c; c = c->next)
        if (nb_str_eq(c->u.s, x->u.s))
            return 1;
    return 0;
}

/* ADD or DELETE of one attribute (AWS: AttributeValueUpdate Action). */
static int
add_delete(nb_call *call, nb_value *item, const nb_value *c, const nb_value *v, int add)
{
    nb_value *cur = ddb_map_get(item, c->key, c->klen);
    const nb_value *x, *y;
    ddb_type tv = ddb_av_type(v, &y), tc = cur ? ddb_av_type(cur, &x) : DDB_NONE;
    nb_arena *a = call->arena;
    if (cur && tc != tv) /* AWS: dynalite actions/updateItem.js */
        return vfail(call, "Type mismatch for attribute to update");
    if (!cur) /* ADD makes the attribute; DELETE from nothing is nothing */
        return add ? ddb_map_set(item, c->key, c->klen, nb_value_copy(a, v)) : NB_OK;
    if (tv == DDB_N) {
        ddb_num m, n, r;
        int e;
        if (ddb_av_getnum(cur, &m) || ddb_av_getnum(v, &n))
            return vfail(call, "Type mismatch for attribute to update");
        if ((e = ddb_num_add(&m, &n, &r)))
            return vfail(call, ddb_num_errmsg(e));
        nb_value *s = ddb_av_num(a, &r);
        return s ? ddb_map_set(item, c->key, c->klen, s) : NB_ENOMEM;
    }
    nb_value *l = nb_value_list(a);
    if (!l)
        return NB_ENOMEM;
    for (const nb_value *e = nb_first(x); e; e = e->next)
        if ((add || !in_set(y, e)) && nb_value_append(l, nb_value_copy(a, e)))
            return NB_ENOMEM;
    for (const nb_value *e = nb_first(y); add && e; e = e->next)
        if ((tv == DDB_L || !in_set(x, e)) && nb_value_append(l, nb_value_copy(a, e)))
            return NB_ENOMEM;
    if (!nb_first(l) && tv != DDB_L) /* AWS: an empty set is no attribute */
        return ddb_map_del(item, c->key, c->klen), NB_OK;
    nb_value *s = ddb_av_wrap(a, tv, l);
    return s ? ddb_map_set(item, c->key, c->klen, s) : NB_ENOMEM;
}

int
ddb_legacy_update(nb_call *call, const nb_value *upd, nb_value *item)
{
    for (const nb_value *c = nb_first(upd); c; c = c->next) {
        const char *action = nb_get_str(c, "Action");
        const nb_value *v = nb_get(c, "Value");
        int rc = NB_OK;
        if (strcmp(action, "PUT") == 0) {
            nb_value *cp = nb_value_copy(call->arena, v);
            rc = cp ? ddb_map_set(item, c->key, c->klen, cp) : NB_ENOMEM;
        } else if (strcmp(action, "DELETE") == 0 && !v) {
            ddb_map_del(item, c->key, c->klen);
        } else {
            rc = add_delete(call, item, c, v, action[0] == 'A');
        }
        if (rc)
            return rc;
    }
    return NB_OK;
}
