/*
 * ddb_batch.c: BatchGetItem, BatchWriteItem, TransactGetItems and
 * TransactWriteItems. nimbus has no throughput limit, so batches are
 * always processed whole (UnprocessedKeys and UnprocessedItems come back
 * empty). A transaction is checked whole before anything is written, and
 * all of it runs inside the call's one store transaction: all or nothing.
 *
 * AWS: the API reference pages of each operation; messages from dynalite
 * actions/{batchGetItem,batchWriteItem,transactWriteItems}.js.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/json.h"
#include "core/value.h"
#include "ddb_int.h"
#include "store/store.h"

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

/* Two keys of one table equal? */
int
ddb_same_key(const ddb_table *t, const nb_value *a, const nb_value *b)
{
    const char *k[2] = {t->hash.name, t->range.name};
    for (int i = 0; i < 2; i++) {
        if (!k[i])
            continue;
        const nb_value *x = ddb_map_get(a, k[i], strlen(k[i]));
        const nb_value *y = ddb_map_get(b, k[i], strlen(k[i]));
        if (!x || !y || !ddb_av_equal(x, y))
            return 0;
    }
    return 1;
}

int
ddb_batch_get_item(nb_call *call, const nb_value *in, nb_value *out)
{
    const nb_value *req = nb_get(in, "RequestItems");
    nb_value *resp = nb_set_map(out, "Responses");
    size_t total = 0, ncap = 0;
    int rc;
    ddb_cap *caps = nb_arena_zalloc(call->arena, (req->u.c.n + 1) * sizeof(ddb_cap));
    if (!resp || !caps || !nb_set_map(out, "UnprocessedKeys"))
        return NB_ENOMEM;
    for (const nb_value *r = nb_first(req); r; r = r->next)
        total += nb_get_len(r, "Keys");
    if (total > 100) /* AWS: BatchGetItem: at most 100 items */
        return vfail(call, "Too many items requested for the BatchGetItem call");
    for (const nb_value *r = nb_first(req); r; r = r->next) {
        ddb_table t;
        ddb_expr *proj;
        nb_value *keys = nb_value_list(call->arena), *items = nb_value_list(call->arena);
        if (!keys || !items)
            return NB_ENOMEM;
        if ((rc = ddb_read_projection(call, r, &proj)) || (rc = ddb_table_get(call, r->key, &t)))
            return rc;
        ddb_cap *cap = ddb_cap_for(call, caps, &ncap, &t);
        if (!cap)
            return NB_ENOMEM;
        for (const nb_value *k = nb_first(nb_get(r, "Keys")); k; k = k->next) {
            nb_value *key, *item;
            if ((rc = ddb_item_norm(call, k, &key)) || (rc = ddb_key_check(call, &t, key)))
                return rc;
            for (const nb_value *o = nb_first(keys); o; o = o->next)
                if (ddb_same_key(&t, o, key))
                    return vfail(call, "Provided list of item keys contains duplicates");
            if ((rc = nb_value_append(keys, key)) || (rc = ddb_item_load(call, &t, key, &item)))
                return rc;
            ddb_cap_read(
                call, &t, NULL,
                ddb_read_units(item ? ddb_item_size(item) : 0, nb_get_bool(r, "ConsistentRead", 0)),
                cap);
            if (item && proj && (rc = ddb_expr_project(call, proj, item, &item)))
                return rc;
            if (item && (rc = nb_value_append(items, item)))
                return rc;
        }
        if ((rc = nb_value_put(resp, r->key, r->klen, items)))
            return rc;
    }
    return ddb_consumed_list(call, in, out, caps, ncap, 0);
}

/* AWS: ItemCollectionMetrics of BatchWriteItem and TransactWriteItems
 * (ReturnItemCollectionMetrics SIZE): by table, one entry per item
 * written to a table with local secondary indexes. */
static int
metrics_list(nb_call *call, const nb_value *in, nb_value *out, const ddb_write *ws, size_t n)
{
    const char *icm = nb_get_str(in, "ReturnItemCollectionMetrics");
    nb_value *map = NULL;
    if (!icm || strcmp(icm, "SIZE") != 0)
        return NB_OK;
    for (size_t i = 0; i < n; i++) {
        nb_value *m, *l;
        int rc = ddb_item_metrics(call, &ws[i].t, ws[i].key, &m);
        if (rc)
            return rc;
        if (!m)
            continue;
        if (!map && !(map = nb_set_map(out, "ItemCollectionMetrics")))
            return NB_ENOMEM;
        l = ddb_map_get(map, ws[i].t.name, strlen(ws[i].t.name));
        if (!l && (!(l = nb_value_list(call->arena)) ||
                   nb_value_put(map, ws[i].t.name, strlen(ws[i].t.name), l)))
            return NB_ENOMEM;
        if (nb_value_append(l, m))
            return NB_ENOMEM;
    }
    return NB_OK;
}

int
ddb_batch_write_item(nb_call *call, const nb_value *in, nb_value *out)
{
    const nb_value *req = nb_get(in, "RequestItems");
    size_t total = 0;
    int rc;
    if (!nb_set_map(out, "UnprocessedItems"))
        return NB_ENOMEM;
    for (const nb_value *r = nb_first(req); r; r = r->next)
        total += r->u.c.n;
    if (total > 25) /* AWS: BatchWriteItem: at most 25 requests */
        return vfail(call, "Too many items requested for the BatchWriteItem call");
    /* check everything first: a bad request writes nothing */
    size_t n = 0;
    ddb_write *ws = nb_arena_zalloc(call->arena, (total + 1) * sizeof(ddb_write));
    if (!ws)
        return NB_ENOMEM;
    for (const nb_value *r = nb_first(req); r; r = r->next) {
        size_t first = n;
        for (const nb_value *w = nb_first(r); w; w = w->next) {
            const nb_value *put = nb_get(w, "PutRequest"), *del = nb_get(w, "DeleteRequest");
            nb_value *part = nb_value_struct(call->arena);
            if (!part || nb_set_str(part, "TableName", r->key))
                return NB_ENOMEM;
            const nb_value *body = put ? nb_get(put, "Item") : nb_get(del, "Key");
            if (!body || (put && del))
                return vfail(call, "Supplied AttributeValue has more than one datatypes set, "
                                   "must contain exactly one of the supported datatypes");
            if (nb_value_put(part, put ? "Item" : "Key", put ? 4 : 3,
                             nb_value_copy(call->arena, body)))
                return NB_ENOMEM;
            if ((rc = ddb_write_prepare(call, put ? DDB_W_PUT : DDB_W_DELETE, part, &ws[n])))
                return rc;
            for (size_t j = first; j < n; j++)
                if (ddb_same_key(&ws[n].t, ws[j].key, ws[n].key))
                    return vfail(call, "Provided list of item keys contains duplicates");
            n++;
        }
    }
    ddb_cap *caps = nb_arena_zalloc(call->arena, (n + 1) * sizeof(ddb_cap));
    size_t ncap = 0;
    if (!caps)
        return NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if ((rc = ddb_write_eval(call, &ws[i])) < 0)
            return rc;
        if ((rc = ddb_write_apply(call, &ws[i])))
            return rc;
        ddb_cap *cap = ddb_cap_for(call, caps, &ncap, &ws[i].t);
        if (!cap)
            return NB_ENOMEM;
        ddb_cap_write(call, &ws[i].t, ws[i].old, ws[i].new_item, 1, cap);
    }
    if ((rc = ddb_consumed_list(call, in, out, caps, ncap, 1)))
        return rc;
    return metrics_list(call, in, out, ws, n);
}

int
ddb_transact_get_items(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_value *resp = nb_set_list(out, "Responses");
    size_t ncap = 0;
    ddb_cap *caps =
        nb_arena_zalloc(call->arena, (nb_get_len(in, "TransactItems") + 1) * sizeof(ddb_cap));
    int rc;
    if (!resp || !caps)
        return NB_ENOMEM;
    for (const nb_value *ti = nb_first(nb_get(in, "TransactItems")); ti; ti = ti->next) {
        const nb_value *g = nb_get(ti, "Get");
        ddb_table t;
        ddb_expr *proj;
        nb_value *key, *item, *r = nb_list_add_struct(resp);
        if (!r)
            return NB_ENOMEM;
        if ((rc = ddb_item_norm(call, nb_get(g, "Key"), &key)) ||
            (rc = ddb_read_projection(call, g, &proj)) ||
            (rc = ddb_table_get(call, nb_get_str(g, "TableName"), &t)) ||
            (rc = ddb_key_check(call, &t, key)) || (rc = ddb_item_load(call, &t, key, &item)))
            return rc;
        ddb_cap *cap = ddb_cap_for(call, caps, &ncap, &t);
        if (!cap)
            return NB_ENOMEM;
        /* AWS: a transactional read costs two strongly consistent reads */
        ddb_cap_read(call, &t, NULL, 2 * ddb_read_units(item ? ddb_item_size(item) : 0, 1), cap);
        if (item && proj && (rc = ddb_expr_project(call, proj, item, &item)))
            return rc;
        if (item && nb_value_put(r, "Item", 4, item))
            return NB_ENOMEM;
    }
    return ddb_consumed_list(call, in, out, caps, ncap, 0);
}

/* ---- TransactWriteItems ---------------------------------------------------------- */

static uint64_t
digest(const nb_value *v)
{
    nb_buf b;
    nb_jw w;
    uint64_t h = 1469598103934665603ull;
    nb_buf_init(&b, 1 << 24);
    nb_jw_init(&w, &b);
    nb_jw_value(&w, v);
    for (size_t i = 0; i < b.len; i++)
        h = (h ^ (uint8_t)b.p[i]) * 1099511628211ull;
    nb_buf_free(&b);
    return h;
}

/* AWS: ClientRequestToken: a repeat within 10 minutes with the same
 * request succeeds without writing again; with another request it is
 * IdempotentParameterMismatchException. Returns 1 for a repeat. */
int
ddb_idempotent(nb_call *call, const nb_value *in, const char *member)
{
    const char *tok = nb_get_str(in, "ClientRequestToken");
    char d[24];
    if (!tok)
        return 0;
    snprintf(d, sizeof(d), "%016llx", (unsigned long long)digest(nb_get(in, member)));
    nb_stmt *st = nb_sql(call, "SELECT digest FROM ddb_tokens WHERE account = ?1 AND region = ?2 "
                               "AND token = ?3 AND created > ?4");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, tok);
    nb_bind_double(st, 4, call->now - 600);
    if (nb_step(st) == NB_ROW) {
        if (strcmp(nb_col_text(st, 0), d) == 0)
            return 1;
        return nb_fail(call, "IdempotentParameterMismatchException",
                       "Parameters of the request do not match those of an earlier request with "
                       "the same ClientRequestToken");
    }
    st = nb_sql(call, "INSERT OR REPLACE INTO ddb_tokens (account, region, token, created, digest) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, tok);
    nb_bind_double(st, 4, call->now);
    nb_bind_text(st, 5, d);
    return nb_step(st) == NB_DONE ? 0 : NB_EIO;
}

static int
canceled(nb_call *call, const nb_value *in, ddb_write *ws, const int *failed, size_t n)
{
    nb_value *f = nb_value_struct(call->arena);
    nb_value *l = f ? nb_set_list(f, "CancellationReasons") : NULL;
    nb_buf codes;
    if (!l)
        return NB_ENOMEM;
    nb_buf_init(&codes, 1 << 16);
    for (size_t i = 0; i < n; i++) {
        nb_value *r = nb_list_add_struct(l);
        if (!r)
            return NB_ENOMEM;
        nb_buf_adds(&codes, i ? ", " : "");
        nb_buf_adds(&codes, failed[i] ? "ConditionalCheckFailed" : "None");
        if (!failed[i]) {
            nb_set_str(r, "Code", "None");
            continue;
        }
        nb_set_str(r, "Code", "ConditionalCheckFailed");
        nb_set_str(r, "Message", "The conditional request failed");
        if (failed[i] == 2 && ws[i].old)
            nb_value_put(r, "Item", 4, nb_value_copy(call->arena, ws[i].old));
    }
    call->err_fields = f;
    /* AWS: TransactWriteItems API reference, TransactionCanceledException. */
    int rc = nb_fail(call, "TransactionCanceledException",
                     "Transaction cancelled, please refer cancellation reasons for specific "
                     "reasons [%.*s]",
                     (int)codes.len, codes.p ? codes.p : "");
    nb_buf_free(&codes);
    return rc;
}

static const char *const tw_kinds[] = {"Put", "Update", "Delete", "ConditionCheck"};

int
ddb_transact_write_items(nb_call *call, const nb_value *in, nb_value *out)
{
    const nb_value *items = nb_get(in, "TransactItems");
    size_t n = nb_get_len(in, "TransactItems"), i = 0;
    ddb_write *ws = nb_arena_zalloc(call->arena, (n + 1) * sizeof(ddb_write));
    int *failed = nb_arena_zalloc(call->arena, (n + 1) * sizeof(int));
    int rc, any = 0;
    if (!ws || !failed)
        return NB_ENOMEM;
    if ((rc = ddb_idempotent(call, in, "TransactItems")))
        return rc < 0 ? rc : NB_OK;
    for (const nb_value *ti = nb_first(items); ti; ti = ti->next, i++) {
        const nb_value *part = NULL;
        int kind = 0;
        for (int k = 0; k < 4; k++)
            if (nb_get(ti, tw_kinds[k]))
                part = nb_get(ti, tw_kinds[k]), kind = k;
        if (!part)
            return vfail(call, "TransactItems can only contain one of Check, Put, Update or "
                               "Delete");
        if ((rc = ddb_write_prepare(call, kind, part, &ws[i])))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (ws[j].t.id == ws[i].t.id && ddb_same_key(&ws[i].t, ws[j].key, ws[i].key))
                return vfail(call, "Transaction request cannot include multiple operations on "
                                   "one item");
    }
    for (i = 0; i < n; i++) {
        if ((rc = ddb_write_eval(call, &ws[i])) < 0)
            return rc;
        if (rc == 0) {
            const nb_value *ti = nb_first(items);
            for (size_t k = 0; k < i; k++)
                ti = ti->next;
            const char *rv = NULL;
            for (int k = 0; k < 4 && !rv; k++)
                rv = nb_get_str(nb_get(ti, tw_kinds[k]), "ReturnValuesOnConditionCheckFailure");
            failed[i] = rv && strcmp(rv, "ALL_OLD") == 0 ? 2 : 1;
            any = 1;
        }
    }
    if (any)
        return canceled(call, in, ws, failed, n);
    ddb_cap *caps = nb_arena_zalloc(call->arena, (n + 1) * sizeof(ddb_cap));
    size_t ncap = 0;
    if (!caps)
        return NB_ENOMEM;
    for (i = 0; i < n; i++) {
        if ((rc = ddb_write_apply(call, &ws[i])))
            return rc;
        ddb_cap *cap = ddb_cap_for(call, caps, &ncap, &ws[i].t);
        if (!cap)
            return NB_ENOMEM;
        /* AWS: a transactional write costs two writes; a check, a read */
        if (ws[i].kind == DDB_W_CHECK)
            ddb_cap_read(call, &ws[i].t, NULL,
                         2 * ddb_read_units(ws[i].old ? ddb_item_size(ws[i].old) : 0, 1), cap);
        else
            ddb_cap_write(call, &ws[i].t, ws[i].old, ws[i].new_item, 2, cap);
    }
    if ((rc = ddb_consumed_list(call, in, out, caps, ncap, 1)))
        return rc;
    return metrics_list(call, in, out, ws, n);
}
