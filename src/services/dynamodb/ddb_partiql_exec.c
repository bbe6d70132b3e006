/*
 * ddb_partiql_exec.c: ExecuteStatement, BatchExecuteStatement and
 * ExecuteTransaction. A statement parsed by ddb_partiql.c runs on the
 * machinery of the other operations: SELECT is a Query when its WHERE
 * fixes the partition key and a Scan otherwise (ddb_query.c), with the
 * whole WHERE as the filter; INSERT, UPDATE and DELETE are ddb_write
 * items (ddb_item.c), so they keep indexes, counts and the stream as any
 * other write does.
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * ql-reference.{select,insert,update,delete}.html and the API reference
 * of the three operations. INSERT of an existing key is
 * DuplicateItemException "Duplicate primary key exists in table"; UPDATE
 * of a missing item, or a WHERE that does not hold, is
 * ConditionalCheckFailedException; DELETE of a missing item does nothing.
 * Messages not in the documentation come from dynoxide
 * (src/partiql/executor.rs, src/actions/execute_statement.rs and its kin), which records
 * them against DynamoDB.
 */
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/model.h"
#include "core/value.h"
#include "ddb_int.h"
#include "ddb_partiql.h"

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

/* One statement, parsed and bound to its table. */
typedef struct stmt {
    ddb_pq pq;       /* the parse */
    ddb_table t;     /* its table */
    ddb_write w;     /* INSERT, UPDATE, DELETE: the write */
    nb_value *key;   /* the item named by WHERE (writes, single reads) */
    int rv_all_old;  /* ReturnValuesOnConditionCheckFailure ALL_OLD */
    const char *why; /* a failed write: the cancellation code */
} stmt;

/* Normalises the Parameters and parses the statement. */
static int
prepare(nb_call *call, const char *text, const nb_value *params, stmt *s)
{
    nb_value *norm = nb_value_list(call->arena);
    const char *err;
    int rc, n = 0;
    if (!norm)
        return NB_ENOMEM;
    for (const nb_value *p = nb_first(params); p; p = p->next, n++) {
        nb_value *v;
        if ((rc = ddb_av_norm(call, p, &v)) || (rc = nb_value_append(norm, v)))
            return rc;
    }
    rc = ddb_pq_parse(call->arena, text, strlen(text), norm, &s->pq, &err);
    if (rc == NB_EINVAL)
        return vfail(call, err);
    if (rc)
        return rc;
    /* AWS: the '?' placeholders and Parameters must agree in number
     * (wording as DynamoDB gives it, reported by its users) */
    if (s->pq.nparams != n)
        return vfail(call, "Number of parameters in request and statement don't match.");
    return NB_OK;
}

/* The value WHERE's top-level AND gives attribute name with '=', or NULL. */
static const nb_value *
key_eq(const node *n, const char *name)
{
    if (!n || !name)
        return NULL;
    if (n->k == K_AND) {
        const nb_value *v = key_eq(n->args[0], name);
        return v ? v : key_eq(n->args[1], name);
    }
    if (n->k != K_CMP || n->op != T_EQ)
        return NULL;
    for (int i = 0; i < 2; i++) {
        const node *p = n->args[i], *v = n->args[1 - i];
        if (p->k == K_PATH && p->np == 1 && p->path[0].name && v->k == K_VAL &&
            p->path[0].len == strlen(name) && memcmp(p->path[0].name, name, p->path[0].len) == 0)
            return v->val;
    }
    return NULL;
}

static int
is_attr(const node *p, const char *name)
{
    return p->k == K_PATH && p->np == 1 && p->path[0].name && p->path[0].len == strlen(name) &&
           memcmp(p->path[0].name, name, p->path[0].len) == 0;
}

/* A condition of WHERE's top-level AND on the sort key k (a comparison,
 * BETWEEN or begins_with with values of k's type) as a key condition, so
 * that a SELECT reads only that range, as a Query would. Returns the
 * number found. */
static int
range_cond(const node *n, const ddb_keydef *k, ddb_keycond *kc)
{
    if (!n || !k->name)
        return 0;
    if (n->k == K_AND)
        return range_cond(n->args[0], k, kc) + range_cond(n->args[1], k, kc);
    const node *a = n->na > 0 ? n->args[0] : NULL, *b = n->na > 1 ? n->args[1] : NULL;
    if (!a || !b || !is_attr(a, k->name) || b->k != K_VAL || ddb_av_type(b->val, NULL) != k->type)
        return 0;
    if (n->k == K_CMP && n->op != T_NE) {
        kc->op = n->op == T_EQ   ? DDB_KC_EQ
                 : n->op == T_LT ? DDB_KC_LT
                 : n->op == T_LE ? DDB_KC_LE
                 : n->op == T_GT ? DDB_KC_GT
                                 : DDB_KC_GE;
    } else if (n->k == K_BETWEEN && n->args[2]->k == K_VAL &&
               ddb_av_type(n->args[2]->val, NULL) == k->type &&
               ddb_av_cmp(b->val, n->args[2]->val) <= 0) {
        kc->op = DDB_KC_BETWEEN;
        kc->v2 = n->args[2]->val;
    } else if (n->k == K_FN && strcmp(n->fn, "begins_with") == 0 && k->type != DDB_N) {
        kc->op = DDB_KC_BEGINS;
    } else {
        return 0;
    }
    kc->v1 = b->val;
    kc->range_name = k->name;
    return 1;
}

/* The key map WHERE names with equalities on every key attribute. */
static int
where_key(nb_call *call, stmt *s)
{
    const ddb_keydef *k[2] = {&s->t.hash, &s->t.range};
    nb_value *key = nb_value_map(call->arena);
    if (!key)
        return NB_ENOMEM;
    for (int i = 0; i < 2; i++) {
        if (!k[i]->name)
            continue;
        const nb_value *v = key_eq(s->pq.where ? s->pq.where->root : NULL, k[i]->name);
        if (!v)
            return vfail(call, "Where clause does not contain a mandatory equality on all key "
                               "attributes");
        if (nb_value_put(key, k[i]->name, strlen(k[i]->name), nb_value_copy(call->arena, v)))
            return NB_ENOMEM;
    }
    s->key = key;
    return NB_OK;
}

static node *
exists_node(nb_call *call, const char *fn, const char *name)
{
    node *f = nb_arena_zalloc(call->arena, sizeof(node));
    node *p = nb_arena_zalloc(call->arena, sizeof(node));
    pel *e = nb_arena_zalloc(call->arena, sizeof(pel));
    node **args = nb_arena_zalloc(call->arena, sizeof(node *));
    if (!f || !p || !e || !args)
        return NULL;
    e->name = name, e->len = strlen(name);
    p->k = K_PATH, p->path = e, p->np = 1;
    f->k = K_FN, f->fn = fn, f->args = args, f->na = 1, args[0] = p;
    return f;
}

static int
check_key_update(void *ud, const char *name, size_t len, int nested)
{
    void **pc = ud;
    const ddb_table *t = pc[1];
    const char *k[2] = {t->hash.name, t->range.name};
    for (int i = 0; i < 2; i++)
        if (k[i] && strlen(k[i]) == len && memcmp(k[i], name, len) == 0)
            return nb_fail(pc[0], "ValidationException",
                           "One or more parameter values were invalid: Cannot update attribute "
                           "%s. This attribute is part of the key",
                           k[i]);
    return NB_OK;
}

/* Binds a parsed statement to its table and, for writes, builds the write. */
static int
bind(nb_call *call, stmt *s)
{
    ddb_pq *pq = &s->pq;
    int rc;
    if (pq->kind != DDB_PQ_SELECT && pq->index) /* AWS: dynoxide, recorded */
        return vfail(call, "This operation is not supported on an index");
    if ((rc = ddb_table_get(call, pq->table, &s->t)))
        return rc;
    ddb_write *w = &s->w;
    memset(w, 0, sizeof(*w));
    w->t = s->t;
    switch (pq->kind) {
    case DDB_PQ_SELECT:
        return NB_OK;
    case DDB_PQ_INSERT:
        w->kind = DDB_W_PUT;
        if ((rc = ddb_item_norm(call, pq->item, &w->item)) ||
            (rc = ddb_item_check(call, &s->t, w->item)))
            return rc;
        w->key = s->key = ddb_item_key(call->arena, &s->t, w->item);
        w->cond = nb_arena_zalloc(call->arena, sizeof(ddb_expr));
        if (!w->key || !w->cond ||
            !(w->cond->root = exists_node(call, "attribute_not_exists", s->t.hash.name)))
            return NB_ENOMEM;
        w->cond->kind = DDB_EXPR_CONDITION;
        return NB_OK;
    case DDB_PQ_UPDATE:
    case DDB_PQ_DELETE:
        if ((rc = where_key(call, s)) || (rc = ddb_key_check(call, &s->t, s->key)))
            return rc;
        w->key = s->key;
        w->kind = pq->kind == DDB_PQ_UPDATE ? DDB_W_UPDATE : DDB_W_DELETE;
        w->cond = pq->where;
        if (pq->kind == DDB_PQ_UPDATE) {
            void *ud[2] = {call, &s->t};
            w->update = pq->update;
            return ddb_expr_update_paths(pq->update, check_key_update, ud);
        }
        /* AWS: a DELETE of a missing item does nothing */
        node *miss = exists_node(call, "attribute_not_exists", s->t.hash.name);
        node * or = nb_arena_zalloc(call->arena, sizeof(node));
        node **args = nb_arena_zalloc(call->arena, 2 * sizeof(node *));
        w->cond = nb_arena_zalloc(call->arena, sizeof(ddb_expr));
        if (!miss || ! or || !args || !w->cond)
            return NB_ENOMEM;
        or->k = K_OR, or->args = args, or->na = 2, args[0] = miss;
        args[1] = pq->where->root;
        w->cond->kind = DDB_EXPR_CONDITION, w->cond->root = or ;
        if (pq->returning && pq->returning != DDB_PQ_RET_ALL_OLD)
            return vfail(call, "Invalid returning clause: Only RETURNING ALL OLD * is allowed in "
                               "DELETE statements.");
        return NB_OK;
    default:
        return NB_EINTERNAL;
    }
}

/* ---- SELECT ----------------------------------------------------------------------- */

/* NextToken: the last key read, in the store's item encoding, base64. */
static int
token_make(nb_call *call, const nb_value *key, const char **out)
{
    nb_buf b;
    nb_buf_init(&b, 64 * 1024);
    int rc = ddb_item_encode(key, &b);
    char *s = rc ? NULL : nb_arena_alloc(call->arena, nb_b64_enc_len(b.len) + 1);
    if (s)
        s[nb_b64_encode(s, b.p ? b.p : "", b.len)] = 0;
    nb_buf_free(&b);
    *out = s;
    return s ? NB_OK : rc ? rc : NB_ENOMEM;
}

static int
token_read(nb_call *call, const ddb_read *q, const char *text, const nb_value **start)
{
    size_t len = strlen(text), n, bad;
    uint8_t *p = nb_arena_alloc(call->arena, nb_b64_dec_max(len) + 1);
    nb_value *k;
    if (!p)
        return NB_ENOMEM;
    if (nb_b64_decode(p, &n, text, len, &bad) || ddb_item_decode(call->arena, p, n, &k))
        return vfail(call, "Invalid NextToken");
    const ddb_keydef *need[4] = {&q->t.hash, &q->t.range, q->hash, q->range};
    for (int i = 0; i < 4; i++) {
        const nb_value *v =
            need[i]->name ? ddb_map_get(k, need[i]->name, strlen(need[i]->name)) : NULL;
        if (need[i]->name && (!v || ddb_av_type(v, NULL) != need[i]->type))
            return vfail(call, "Invalid NextToken");
    }
    *start = k;
    return NB_OK;
}

static int
run_select(nb_call *call, stmt *s, int consistent, int64_t limit, const char *next_token,
           nb_value *items, const char **next, nb_value **last, ddb_cap *cap)
{
    ddb_read q;
    ddb_page pg = {0};
    int rc;
    memset(&q, 0, sizeof(q));
    q.t = s->t;
    q.hash = &q.t.hash;
    q.range = &q.t.range;
    if (s->pq.index) {
        q.ix = ddb_table_index(&q.t, s->pq.index);
        if (!q.ix)
            return nb_fail(call, "ValidationException",
                           "The table does not have the specified index: %s", s->pq.index);
        if (q.ix->global && consistent) /* AWS: dynoxide, recorded */
            return vfail(call, "Strongly consistent read is not supported on Global Secondary "
                               "Indexes");
        q.hash = &q.ix->hash;
        q.range = &q.ix->range;
    }
    q.filter = s->pq.where;
    q.proj = s->pq.proj;
    q.limit = limit;
    if (next_token && (rc = token_read(call, &q, next_token, &q.start)))
        return rc;
    const nb_value *h = key_eq(s->pq.where ? s->pq.where->root : NULL, q.hash->name);
    pg.items = items;
    if (h && ddb_av_type(h, NULL) == q.hash->type) {
        ddb_keycond kc = {0};
        if (range_cond(s->pq.where->root, q.range, &kc) == 1)
            q.kc = kc; /* the filter still checks it */
        q.kc.hash = h;
        q.kc.hash_name = q.hash->name;
        rc = ddb_read_query(call, &q, s->pq.order_desc, &pg);
    } else {
        rc = ddb_read_scan(call, &q, 0, 0, &pg);
    }
    if (!rc)
        ddb_cap_read(call, &s->t, q.ix, ddb_read_units(pg.bytes, consistent), cap);
    if (rc || !pg.stopped || !pg.last)
        return rc;
    *last = ddb_read_last_key(call, &q, pg.last);
    return *last ? token_make(call, *last, next) : NB_ENOMEM;
}

/* ---- writes ------------------------------------------------------------------------- */

/* Evaluates a bound write: 1 to go on, 0 when it fails (s->why set). */
static int
eval_write(nb_call *call, stmt *s)
{
    int rc = ddb_write_eval(call, &s->w);
    if (rc == 0)
        s->why = s->pq.kind == DDB_PQ_INSERT ? "DuplicateItem" : "ConditionalCheckFailed";
    return rc;
}

static int
write_failed(nb_call *call, stmt *s)
{
    if (strcmp(s->why, "DuplicateItem") == 0)
        return nb_fail(call, "DuplicateItemException", "Duplicate primary key exists in table");
    if (s->rv_all_old && s->w.old) {
        call->err_fields = nb_value_struct(call->arena);
        if (call->err_fields)
            nb_value_put(call->err_fields, "Item", 4, nb_value_copy(call->arena, s->w.old));
    }
    return nb_fail(call, "ConditionalCheckFailedException", "The conditional request failed");
}

/* The item a RETURNING clause gives, or NULL. */
static const nb_value *
returned(nb_call *call, const stmt *s)
{
    const ddb_write *w = &s->w;
    switch (s->pq.returning) {
    case DDB_PQ_RET_ALL_OLD:
        return w->old;
    case DDB_PQ_RET_ALL_NEW:
        return w->new_item;
    case DDB_PQ_RET_MOD_OLD:
        return w->old ? ddb_updated(call, w->old, w->new_item) : NULL;
    case DDB_PQ_RET_MOD_NEW:
        return w->new_item ? ddb_updated(call, w->new_item, w->old) : NULL;
    default:
        return NULL;
    }
}

/* Runs one bound statement alone; its item (a read's or RETURNING's)
 * goes into items. */
static int
run_one(nb_call *call, stmt *s, const nb_value *in, nb_value *items, nb_value *out)
{
    int rc;
    if (s->pq.kind == DDB_PQ_SELECT) {
        const char *next = NULL;
        nb_value *last = NULL;
        ddb_cap cap = {0};
        rc = run_select(call, s, nb_get_bool(in, "ConsistentRead", 0), nb_get_int(in, "Limit", 0),
                        nb_get_str(in, "NextToken"), items, &next, &last, &cap);
        if (!rc && next)
            rc = nb_set_str(out, "NextToken", next);
        if (!rc && last && nb_value_put(out, "LastEvaluatedKey", 16, last))
            rc = NB_ENOMEM;
        return rc ? rc : ddb_consumed(call, in, out, &cap, 0);
    }
    if ((rc = eval_write(call, s)) < 0)
        return rc;
    if (rc == 0)
        return write_failed(call, s);
    if ((rc = ddb_write_apply(call, &s->w)))
        return rc;
    const nb_value *r = returned(call, s);
    if (r && nb_first(r) && nb_value_append(items, nb_value_copy(call->arena, r)))
        return NB_ENOMEM;
    ddb_cap cap = {0};
    ddb_cap_write(call, &s->t, s->w.old, s->w.new_item, 1, &cap);
    return ddb_consumed(call, in, out, &cap, 1);
}

int
ddb_execute_statement(nb_call *call, const nb_value *in, nb_value *out)
{
    stmt *s = nb_arena_zalloc(call->arena, sizeof(*s));
    nb_value *items = nb_value_list(call->arena);
    int rc;
    if (!s || !items)
        return NB_ENOMEM;
    const char *rv = nb_get_str(in, "ReturnValuesOnConditionCheckFailure");
    s->rv_all_old = rv && strcmp(rv, "ALL_OLD") == 0;
    if ((rc = prepare(call, nb_get_str(in, "Statement"), nb_get(in, "Parameters"), s)))
        return rc;
    if (nb_get(in, "NextToken") && s->pq.kind != DDB_PQ_SELECT) /* AWS: dynoxide, recorded */
        return vfail(call, "NextToken is only valid on a SELECT statement");
    if ((rc = bind(call, s)) || (rc = run_one(call, s, in, items, out)))
        return rc;
    return nb_value_put(out, "Items", 5, items) ? NB_ENOMEM : NB_OK;
}

/* ---- BatchExecuteStatement ------------------------------------------------------------ */

/* The BatchStatementError code for an AWS error shape. */
static const char *
batch_code(const char *err)
{
    static const char *const map[][2] = {
        {"ConditionalCheckFailedException", "ConditionalCheckFailed"},
        {"DuplicateItemException", "DuplicateItem"},
        {"ValidationException", "ValidationError"},
        {"ResourceNotFoundException", "ResourceNotFound"},
        {"TransactionConflictException", "TransactionConflict"},
    };
    for (size_t i = 0; err && i < NB_ARRAY_LEN(map); i++)
        if (strcmp(err, map[i][0]) == 0)
            return map[i][1];
    return "InternalServerError";
}

/* Turns the AWS error a statement raised into its response's Error and
 * clears it from the call. Other failures stay failures. */
static int
batch_error(nb_call *call, nb_value *r, const stmt *s, int rc)
{
    if (rc != NB_EAWS)
        return rc;
    const char *code = batch_code(call->err_code);
    nb_value *e = nb_set_struct(r, "Error");
    if (!e)
        return NB_ENOMEM;
    rc = nb_set_str(e, "Code", code);
    if (!rc && call->err_msg)
        rc = nb_set_str(e, "Message", call->err_msg);
    if (!rc && call->err_fields && nb_get(call->err_fields, "Item") &&
        nb_value_put(e, "Item", 4, nb_value_copy(call->arena, nb_get(call->err_fields, "Item"))))
        rc = NB_ENOMEM;
    /* AWS: the table is echoed when the statement ran and failed */
    if (!rc && s->pq.table && strcmp(code, "ValidationError") != 0)
        rc = nb_set_str(r, "TableName", s->pq.table);
    call->err_code = NULL;
    call->err_msg = NULL;
    call->err_status = 0;
    call->err_fields = NULL;
    return rc;
}

static int
batch_one(nb_call *call, const nb_value *part, stmt *s, nb_value *r, ddb_cap *cap)
{
    int rc;
    if (s->pq.kind == DDB_PQ_SELECT) {
        if (s->pq.index || where_key(call, s)) { /* AWS: dynoxide, recorded */
            call->err_code = NULL;
            return vfail(call, "Select statements within BatchExecuteStatement must specify the "
                               "primary key in the where clause.");
        }
        nb_value *items = nb_value_list(call->arena);
        const char *next = NULL;
        nb_value *last = NULL;
        if (!items)
            return NB_ENOMEM;
        rc = run_select(call, s, nb_get_bool(part, "ConsistentRead", 0), 0, NULL, items, &next,
                        &last, cap);
        if (!rc && nb_first(items) &&
            nb_value_put(r, "Item", 4, nb_value_copy(call->arena, nb_first(items))))
            rc = NB_ENOMEM;
    } else {
        if ((rc = eval_write(call, s)) < 0)
            return rc;
        if (rc == 0)
            return write_failed(call, s);
        rc = ddb_write_apply(call, &s->w);
        if (!rc)
            ddb_cap_write(call, &s->t, s->w.old, s->w.new_item, 1, cap);
        const nb_value *ret = rc ? NULL : returned(call, s);
        if (ret && nb_first(ret) && nb_value_put(r, "Item", 4, nb_value_copy(call->arena, ret)))
            rc = NB_ENOMEM;
    }
    return rc ? rc : nb_set_str(r, "TableName", s->t.name);
}

static void
clear_error(nb_call *call)
{
    call->err_code = NULL, call->err_msg = NULL, call->err_status = 0, call->err_fields = NULL;
}

/* AWS: two statements of a batch on one item fail the whole request
 * (dynoxide, recorded). Statements that do not bind fail on their own
 * later. */
static int
batch_dups(nb_call *call, stmt *ss, const int *ok, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = ok[i] ? bind(call, &ss[i]) : NB_EAWS;
        if (!rc && ss[i].pq.kind == DDB_PQ_SELECT)
            rc = where_key(call, &ss[i]);
        if (rc == NB_EAWS) {
            clear_error(call);
            ss[i].key = NULL;
            continue;
        }
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (ss[j].key && ss[j].t.id == ss[i].t.id &&
                ddb_same_key(&ss[i].t, ss[j].key, ss[i].key))
                return vfail(call, "Provided list of item keys contains duplicates");
    }
    return NB_OK;
}

int
ddb_batch_execute_statement(nb_call *call, const nb_value *in, nb_value *out)
{
    size_t n = nb_get_len(in, "Statements"), i = 0;
    stmt *ss = nb_arena_zalloc(call->arena, (n + 1) * sizeof(stmt));
    int *ok = nb_arena_zalloc(call->arena, (n + 1) * sizeof(int));
    nb_value *resp = nb_set_list(out, "Responses");
    ddb_cap *caps = nb_arena_zalloc(call->arena, (n + 1) * sizeof(ddb_cap));
    size_t ncap = 0;
    int rc, reads = 0, writes = 0;
    if (!ss || !ok || !resp || !caps)
        return NB_ENOMEM;
    /* parse all first: a batch is all reads or all writes */
    for (const nb_value *p = nb_first(nb_get(in, "Statements")); p; p = p->next, i++) {
        const char *rv = nb_get_str(p, "ReturnValuesOnConditionCheckFailure");
        ss[i].rv_all_old = rv && strcmp(rv, "ALL_OLD") == 0;
        rc = prepare(call, nb_get_str(p, "Statement"), nb_get(p, "Parameters"), &ss[i]);
        if (rc && rc != NB_EAWS)
            return rc;
        ok[i] = rc == NB_OK;
        if (rc) { /* reported below, as the statement's Error */
            clear_error(call);
            continue;
        }
        reads += ss[i].pq.kind == DDB_PQ_SELECT;
        writes += ss[i].pq.kind != DDB_PQ_SELECT;
    }
    if (reads && writes) { /* AWS: dynoxide, recorded */
        call->err_code = NULL;
        return vfail(call, "Read and write requests together in the same batch is not "
                           "supported.");
    }
    if ((rc = batch_dups(call, ss, ok, n)))
        return rc;
    i = 0;
    for (const nb_value *p = nb_first(nb_get(in, "Statements")); p; p = p->next, i++) {
        nb_value *r = nb_list_add_struct(resp);
        if (!r)
            return NB_ENOMEM;
        if (!ok[i]) { /* the parse error again, now as this statement's Error */
            rc = prepare(call, nb_get_str(p, "Statement"), nb_get(p, "Parameters"), &ss[i]);
        } else {
            ddb_cap *cap = NULL;
            rc = bind(call, &ss[i]);
            if (!rc && !(cap = ddb_cap_for(call, caps, &ncap, &ss[i].t)))
                return NB_ENOMEM;
            if (!rc)
                rc = batch_one(call, p, &ss[i], r, cap);
        }
        if (rc && (rc = batch_error(call, r, &ss[i], rc)))
            return rc;
    }
    return ddb_consumed_list(call, in, out, caps, ncap, writes > 0);
}

/* ---- ExecuteTransaction ------------------------------------------------------------------ */

static int
tx_canceled(nb_call *call, stmt *ss, size_t n)
{
    nb_value *f = nb_value_struct(call->arena);
    nb_value *l = f ? nb_set_list(f, "CancellationReasons") : NULL;
    nb_buf codes;
    if (!l)
        return NB_ENOMEM;
    nb_buf_init(&codes, 1 << 16);
    for (size_t i = 0; i < n; i++) {
        nb_value *r = nb_list_add_struct(l);
        const char *why = ss[i].why ? ss[i].why : "None";
        if (!r)
            return NB_ENOMEM;
        nb_buf_adds(&codes, i ? ", " : "");
        nb_buf_adds(&codes, why);
        nb_set_str(r, "Code", why);
        if (!ss[i].why)
            continue;
        nb_set_str(r, "Message",
                   strcmp(why, "DuplicateItem") == 0 ? "Duplicate primary key exists in table"
                                                     : "The conditional request failed");
        if (ss[i].rv_all_old && ss[i].w.old && strcmp(why, "DuplicateItem") != 0)
            nb_value_put(r, "Item", 4, nb_value_copy(call->arena, ss[i].w.old));
    }
    call->err_fields = f;
    /* AWS: ExecuteTransaction API reference, TransactionCanceledException */
    int rc = nb_fail(call, "TransactionCanceledException",
                     "Transaction cancelled, please refer cancellation reasons for specific "
                     "reasons [%.*s]",
                     (int)codes.len, codes.p ? codes.p : "");
    nb_buf_free(&codes);
    return rc;
}

static int
tx_reads(nb_call *call, const nb_value *in, stmt *ss, size_t n, nb_value *out)
{
    nb_value *resp = nb_set_list(out, "Responses");
    ddb_cap *caps = nb_arena_zalloc(call->arena, (n + 1) * sizeof(ddb_cap));
    size_t ncap = 0;
    if (!resp || !caps)
        return NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        nb_value *r = nb_list_add_struct(resp), *item;
        int rc;
        if (!r)
            return NB_ENOMEM;
        if (ss[i].pq.index) /* AWS: dynoxide, recorded */
            return nb_fail(call, "ValidationException",
                           "Validation failed in TransactStatements[%zu]: Reads on indices are "
                           "not supported within transactions.",
                           i);
        if ((rc = where_key(call, &ss[i])) || (rc = ddb_key_check(call, &ss[i].t, ss[i].key)) ||
            (rc = ddb_item_load(call, &ss[i].t, ss[i].key, &item)))
            return rc;
        ddb_cap *cap = ddb_cap_for(call, caps, &ncap, &ss[i].t);
        if (!cap)
            return NB_ENOMEM;
        /* AWS: a transactional read costs two strongly consistent reads */
        ddb_cap_read(call, &ss[i].t, NULL, 2 * ddb_read_units(item ? ddb_item_size(item) : 0, 1),
                     cap);
        if (item && ss[i].pq.where && !ddb_expr_eval(call, ss[i].pq.where, item))
            item = NULL;
        if (item && ss[i].pq.proj && (rc = ddb_expr_project(call, ss[i].pq.proj, item, &item)))
            return rc;
        if (item && nb_value_put(r, "Item", 4, item))
            return NB_ENOMEM;
    }
    return ddb_consumed_list(call, in, out, caps, ncap, 0);
}

int
ddb_execute_transaction(nb_call *call, const nb_value *in, nb_value *out)
{
    size_t n = nb_get_len(in, "TransactStatements"), i = 0;
    stmt *ss = nb_arena_zalloc(call->arena, (n + 1) * sizeof(stmt));
    int rc, reads = 0, any = 0;
    if (!ss)
        return NB_ENOMEM;
    if ((rc = ddb_idempotent(call, in, "TransactStatements")))
        return rc < 0 ? rc : NB_OK;
    for (const nb_value *p = nb_first(nb_get(in, "TransactStatements")); p; p = p->next, i++) {
        const char *rv = nb_get_str(p, "ReturnValuesOnConditionCheckFailure");
        ss[i].rv_all_old = rv && strcmp(rv, "ALL_OLD") == 0;
        if ((rc = prepare(call, nb_get_str(p, "Statement"), nb_get(p, "Parameters"), &ss[i])))
            return rc;
        reads += ss[i].pq.kind == DDB_PQ_SELECT;
        if (ss[i].pq.returning) /* AWS: dynoxide, recorded */
            return nb_fail(call, "ValidationException",
                           "Validation failed in TransactStatements[%zu]: RETURNING clause is "
                           "not supported in ExecuteTransaction.",
                           i);
    }
    if (reads && (size_t)reads != n) /* AWS: ExecuteTransaction API reference */
        return vfail(call, "ExecuteTransaction API does not support both read and write "
                           "operations in the same request.");
    for (i = 0; i < n; i++)
        if ((rc = bind(call, &ss[i])))
            return rc;
    if (reads)
        return tx_reads(call, in, ss, n, out);
    for (i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (ss[j].t.id == ss[i].t.id && ddb_same_key(&ss[i].t, ss[j].key, ss[i].key))
                return vfail(call, "Transaction request cannot include multiple operations on "
                                   "one item");
    for (i = 0; i < n; i++) {
        if ((rc = eval_write(call, &ss[i])) < 0)
            return rc;
        any |= rc == 0;
    }
    if (any)
        return tx_canceled(call, ss, n);
    ddb_cap *caps = nb_arena_zalloc(call->arena, (n + 1) * sizeof(ddb_cap));
    size_t ncap = 0;
    if (!caps)
        return NB_ENOMEM;
    for (i = 0; i < n; i++) {
        ddb_cap *cap = ddb_cap_for(call, caps, &ncap, &ss[i].t);
        if (!cap)
            return NB_ENOMEM;
        if ((rc = ddb_write_apply(call, &ss[i].w)))
            return rc;
        /* AWS: a transactional write costs two writes */
        ddb_cap_write(call, &ss[i].t, ss[i].w.old, ss[i].w.new_item, 2, cap);
    }
    return ddb_consumed_list(call, in, out, caps, ncap, 1);
}
