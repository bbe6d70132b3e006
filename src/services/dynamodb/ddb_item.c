/*
 * ddb_item.c: items: PutItem, GetItem, UpdateItem, DeleteItem, and the
 * write machinery TransactWriteItems and BatchWriteItem share: key and
 * item checks, conditions, the new item, and storing it with its index
 * entries, the table's counts and its stream record.
 *
 * Messages: dynalite db/index.js validateKey/validateItem and
 * validations/{putItem,updateItem}.js (recorded against DynamoDB).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_int.h"
#include "store/store.h"

#define INVALID "One or more parameter values were invalid: "
#define ITEM_MAX (400 * 1024) /* AWS: maximum item size, 400 KB */

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

/* ---- keys ------------------------------------------------------------------- */

static int
key_piece(nb_call *call, const nb_value *av, const ddb_keydef *k, int hash, int in_item)
{
    const nb_value *in;
    ddb_type t = ddb_av_type(av, &in);
    if (t != k->type) {
        if (!in_item)
            return vfail(call, "The provided key element does not match the schema");
        return nb_fail(call, "ValidationException",
                       INVALID "Type mismatch for key %s expected: %s actual: %s", k->name,
                       ddb_type_name(k->type), ddb_type_name(t));
    }
    if (t != DDB_N && in->u.s.len == 0)
        return nb_fail(call, "ValidationException",
                       "One or more parameter values are not valid. The AttributeValue for a key "
                       "attribute cannot contain an empty %s value. Key: %s",
                       t == DDB_S ? "string" : "binary", k->name);
    if (t != DDB_N && hash && in->u.s.len > 2048)
        return vfail(call, INVALID "Size of hashkey has exceeded the maximum size limit of2048 "
                                   "bytes");
    if (t != DDB_N && !hash && in->u.s.len > 1024)
        return vfail(call, INVALID "Aggregated size of all range keys has exceeded the size "
                                   "limit of 1024 bytes");
    return NB_OK;
}

int
ddb_key_check(nb_call *call, const ddb_table *t, const nb_value *key)
{
    size_t want = t->range.name ? 2 : 1;
    const nb_value *h = ddb_map_get(key, t->hash.name, strlen(t->hash.name));
    const nb_value *r =
        t->range.name ? ddb_map_get(key, t->range.name, strlen(t->range.name)) : NULL;
    if (!key || key->u.c.n != want || !h || (t->range.name && !r))
        return vfail(call, "The provided key element does not match the schema");
    int rc = key_piece(call, h, &t->hash, 1, 0);
    return rc || !r ? rc : key_piece(call, r, &t->range, 0, 0);
}

int
ddb_item_check(nb_call *call, const ddb_table *t, const nb_value *item)
{
    const ddb_keydef *keys[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++) {
        if (!keys[i]->name)
            continue;
        const nb_value *v = ddb_map_get(item, keys[i]->name, strlen(keys[i]->name));
        if (!v)
            return nb_fail(call, "ValidationException", INVALID "Missing the key %s in the item",
                           keys[i]->name);
        int rc = key_piece(call, v, keys[i], i == 0, 1);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < t->nidx; i++) {
        const ddb_index *ix = &t->idx[i];
        const ddb_keydef *ik[2] = {&ix->hash, &ix->range};
        for (int j = 0; j < 2; j++) {
            if (!ik[j]->name)
                continue;
            const nb_value *v = ddb_map_get(item, ik[j]->name, strlen(ik[j]->name));
            ddb_type vt = v ? ddb_av_type(v, NULL) : DDB_NONE;
            if (v && vt != ik[j]->type)
                return nb_fail(call, "ValidationException",
                               INVALID "Type mismatch for Index Key %s Expected: %s Actual: %s "
                                       "IndexName: %s",
                               ik[j]->name, ddb_type_name(ik[j]->type), ddb_type_name(vt),
                               ix->name);
        }
    }
    if (ddb_item_size(item) > ITEM_MAX)
        return vfail(call, "Item size has exceeded the maximum allowed size");
    return NB_OK;
}

nb_value *
ddb_item_key(nb_arena *a, const ddb_table *t, const nb_value *item)
{
    nb_value *k = nb_value_map(a);
    const ddb_keydef *keys[2] = {&t->hash, &t->range};
    for (int i = 0; k && i < 2; i++) {
        if (!keys[i]->name)
            continue;
        const nb_value *v = ddb_map_get(item, keys[i]->name, strlen(keys[i]->name));
        if (!v || nb_value_put(k, keys[i]->name, strlen(keys[i]->name), nb_value_copy(a, v)))
            return NULL;
    }
    return k;
}

/* The sortable encodings of a key (pk and sk; sk empty without a sort
 * key) into bufs the caller frees. */
static int
encode_key(const nb_value *item, const ddb_keydef *h, const ddb_keydef *r, nb_buf *pk, nb_buf *sk)
{
    nb_buf_init(pk, 4096);
    nb_buf_init(sk, 4096);
    const nb_value *hv = ddb_map_get(item, h->name, strlen(h->name));
    if (!hv || ddb_av_type(hv, NULL) != h->type || ddb_key_encode(hv, pk))
        return NB_ENOTFOUND;
    if (!r->name)
        return NB_OK;
    const nb_value *rv = ddb_map_get(item, r->name, strlen(r->name));
    if (!rv || ddb_av_type(rv, NULL) != r->type || ddb_key_encode(rv, sk))
        return NB_ENOTFOUND;
    return NB_OK;
}

static const void *
bp(const nb_buf *b)
{
    return b->p ? (const void *)b->p : (const void *)"";
}

int
ddb_item_load(nb_call *call, const ddb_table *t, const nb_value *key, nb_value **item)
{
    nb_buf pk, sk;
    int rc = encode_key(key, &t->hash, &t->range, &pk, &sk);
    *item = NULL;
    nb_stmt *st = rc ? NULL
                     : nb_sql(call, "SELECT item FROM ddb_items WHERE tid = ?1 AND "
                                    "pk = ?2 AND sk = ?3");
    if (st) {
        nb_bind_int(st, 1, t->id);
        nb_bind_blob(st, 2, bp(&pk), pk.len);
        nb_bind_blob(st, 3, bp(&sk), sk.len);
        rc = nb_step(st);
        if (rc == NB_ROW)
            rc = ddb_item_decode(call->arena, nb_col_blob(st, 0), nb_col_bytes(st, 0), item);
        else
            rc = rc == NB_DONE ? NB_OK : NB_EIO;
    } else if (!rc) {
        rc = NB_EIO;
    }
    nb_buf_free(&pk);
    nb_buf_free(&sk);
    return rc;
}

/* ---- indexes ------------------------------------------------------------------- */

static int
in_names(const nb_value *list, const char *name, size_t len)
{
    for (const nb_value *c = nb_first(list); c; c = c->next)
        if (c->u.s.len == len && memcmp(c->u.s.p, name, len) == 0)
            return 1;
    return 0;
}

static int
is_key(const ddb_table *t, const ddb_index *ix, const char *name, size_t len)
{
    const char *k[4] = {t->hash.name, t->range.name, ix->hash.name, ix->range.name};
    for (int i = 0; i < 4; i++)
        if (k[i] && strlen(k[i]) == len && memcmp(k[i], name, len) == 0)
            return 1;
    return 0;
}

nb_value *
ddb_index_project(nb_arena *a, const ddb_table *t, const ddb_index *ix, const nb_value *item)
{
    if (strcmp(ix->proj, "ALL") == 0)
        return nb_value_copy(a, item);
    nb_value *m = nb_value_map(a);
    int inc = strcmp(ix->proj, "INCLUDE") == 0;
    for (const nb_value *c = nb_first(item); m && c; c = c->next)
        if (is_key(t, ix, c->key, c->klen) || (inc && in_names(ix->attrs, c->key, c->klen)))
            if (nb_value_put(m, c->key, c->klen, nb_value_copy(a, c)))
                return NULL;
    return m;
}

int
ddb_index_put(nb_call *call, const ddb_table *t, const nb_value *item)
{
    nb_buf pk, sk, ipk, isk, enc;
    int rc = encode_key(item, &t->hash, &t->range, &pk, &sk);
    for (size_t i = 0; !rc && i < t->nidx; i++) {
        const ddb_index *ix = &t->idx[i];
        if (encode_key(item, &ix->hash, &ix->range, &ipk, &isk) != NB_OK) {
            nb_buf_free(&ipk);
            nb_buf_free(&isk);
            continue; /* AWS: sparse indexes: items without the keys are left out */
        }
        nb_buf_init(&enc, 1 << 20);
        rc = ddb_item_encode(ddb_index_project(call->arena, t, ix, item), &enc);
        nb_stmt *st = rc ? NULL
                         : nb_sql(call, "INSERT OR REPLACE INTO ddb_index_items (tid, "
                                        "iname, ipk, isk, pk, sk, item) VALUES (?1, ?2, "
                                        "?3, ?4, ?5, ?6, ?7)");
        if (st) {
            nb_bind_int(st, 1, t->id);
            nb_bind_text(st, 2, ix->name);
            nb_bind_blob(st, 3, bp(&ipk), ipk.len);
            nb_bind_blob(st, 4, bp(&isk), isk.len);
            nb_bind_blob(st, 5, bp(&pk), pk.len);
            nb_bind_blob(st, 6, bp(&sk), sk.len);
            nb_bind_blob(st, 7, bp(&enc), enc.len);
            rc = nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
        } else if (!rc) {
            rc = NB_EIO;
        }
        nb_buf_free(&enc);
        nb_buf_free(&ipk);
        nb_buf_free(&isk);
    }
    nb_buf_free(&pk);
    nb_buf_free(&sk);
    return rc;
}

static int
index_del(nb_call *call, const ddb_table *t, const nb_value *item)
{
    nb_buf pk, sk;
    int rc = encode_key(item, &t->hash, &t->range, &pk, &sk);
    nb_stmt *st = rc || !t->nidx ? NULL
                                 : nb_sql(call, "DELETE FROM ddb_index_items WHERE tid = ?1 AND "
                                                "pk = ?2 AND sk = ?3");
    if (st) {
        nb_bind_int(st, 1, t->id);
        nb_bind_blob(st, 2, bp(&pk), pk.len);
        nb_bind_blob(st, 3, bp(&sk), sk.len);
        rc = nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
    }
    nb_buf_free(&pk);
    nb_buf_free(&sk);
    return rc;
}

/* ---- storing ----------------------------------------------------------------------- */

static uint32_t
fnv(const void *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const uint8_t *)p)[i]) * 16777619u;
    return h;
}

/* The TTL expiry of item (epoch seconds), or -1. AWS: the attribute must
 * be a Number of epoch seconds. */
static double
expiry(const ddb_table *t, const nb_value *item)
{
    ddb_num n;
    const nb_value *v = t->ttl_attr ? ddb_map_get(item, t->ttl_attr, strlen(t->ttl_attr)) : NULL;
    if (!v || ddb_av_getnum(v, &n) || n.sign <= 0 || n.exp > 15)
        return -1;
    double x = 0;
    for (int i = 0; i < n.exp; i++)
        x = x * 10 + (i < n.nd ? n.d[i] : 0);
    return x;
}

static int
row_put(nb_call *call, const ddb_table *t, const nb_value *item)
{
    nb_buf pk, sk, enc;
    int rc = encode_key(item, &t->hash, &t->range, &pk, &sk);
    nb_buf_init(&enc, 1 << 20);
    rc = rc ? rc : ddb_item_encode(item, &enc);
    nb_stmt *st = rc ? NULL
                     : nb_sql(call, "INSERT OR REPLACE INTO ddb_items (tid, pk, sk, seg, "
                                    "size, expires, item) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                    "?7)");
    if (st) {
        double exp = expiry(t, item);
        nb_bind_int(st, 1, t->id);
        nb_bind_blob(st, 2, bp(&pk), pk.len);
        nb_bind_blob(st, 3, bp(&sk), sk.len);
        nb_bind_int(st, 4, fnv(bp(&pk), pk.len));
        nb_bind_int(st, 5, (int64_t)ddb_item_size(item));
        if (exp >= 0)
            nb_bind_double(st, 6, exp);
        else
            nb_bind_null(st, 6);
        nb_bind_blob(st, 7, bp(&enc), enc.len);
        rc = nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
    } else if (!rc) {
        rc = NB_EIO;
    }
    nb_buf_free(&pk);
    nb_buf_free(&sk);
    nb_buf_free(&enc);
    return rc;
}

static int
row_del(nb_call *call, const ddb_table *t, const nb_value *item)
{
    nb_buf pk, sk;
    int rc = encode_key(item, &t->hash, &t->range, &pk, &sk);
    nb_stmt *st =
        rc ? NULL : nb_sql(call, "DELETE FROM ddb_items WHERE tid = ?1 AND pk = ?2 AND sk = ?3");
    if (st) {
        nb_bind_int(st, 1, t->id);
        nb_bind_blob(st, 2, bp(&pk), pk.len);
        nb_bind_blob(st, 3, bp(&sk), sk.len);
        rc = nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
    } else if (!rc) {
        rc = NB_EIO;
    }
    nb_buf_free(&pk);
    nb_buf_free(&sk);
    return rc;
}

int
ddb_item_store(nb_call *call, const ddb_table *t, const nb_value *old, const nb_value *item,
               int ttl_delete)
{
    int rc = NB_OK;
    if (!old && !item)
        return NB_OK;
    if (old && t->nidx)
        rc = index_del(call, t, old);
    if (!rc)
        rc = item ? row_put(call, t, item) : row_del(call, t, old);
    if (!rc && item && t->nidx)
        rc = ddb_index_put(call, t, item);
    if (!rc)
        rc = ddb_table_account(call, t, (item ? 1 : 0) - (old ? 1 : 0),
                               (int64_t)(item ? ddb_item_size(item) : 0) -
                                   (int64_t)(old ? ddb_item_size(old) : 0));
    if (!rc)
        rc = ddb_stream_record(call, t, old, item, ttl_delete);
    return rc;
}

/* ---- the write path ------------------------------------------------------------------ */

static int
check_key_updates(void *ud, const char *name, size_t len, int nested)
{
    nb_call **pc = ud;
    const ddb_table *t = (const ddb_table *)pc[1];
    const char *k[2] = {t->hash.name, t->range.name};
    for (int i = 0; i < 2; i++)
        if (k[i] && strlen(k[i]) == len && memcmp(k[i], name, len) == 0)
            return nb_fail(pc[0], "ValidationException",
                           INVALID "Cannot update attribute %s. This attribute is part of the key",
                           k[i]);
    return NB_OK;
}

/* Expression parameters and the legacy ones they exclude. AWS: dynalite
 * validations validateExpressionParams. */
static int
check_params(nb_call *call, const nb_value *in, int kind)
{
    static const char *const uexpr[] = {"UpdateExpression", "ConditionExpression", NULL};
    static const char *const ulegacy[] = {"AttributeUpdates", "Expected", NULL};
    static const char *const expr[] = {"ConditionExpression", NULL};
    static const char *const legacy[] = {"Expected", NULL};
    if (kind == DDB_W_UPDATE)
        return ddb_legacy_mix(call, in, uexpr, ulegacy);
    return ddb_legacy_mix(call, in, expr, legacy);
}

static int
check_return_values(nb_call *call, const nb_value *in, int kind)
{
    const char *rv = nb_get_str(in, "ReturnValues");
    if (!rv || strcmp(rv, "NONE") == 0 || strcmp(rv, "ALL_OLD") == 0)
        return NB_OK;
    if (kind == DDB_W_PUT) /* AWS: dynalite validations/putItem.js */
        return vfail(call, "ReturnValues can only be ALL_OLD or NONE");
    if (kind == DDB_W_DELETE)
        return vfail(call, "ReturnValues can only be ALL_OLD or NONE");
    return NB_OK;
}

int
ddb_write_prepare(nb_call *call, int kind, const nb_value *in, ddb_write *w)
{
    ddb_expr_ctx *cx = nb_arena_zalloc(call->arena, sizeof(*cx));
    int rc;
    memset(w, 0, sizeof(*w));
    w->kind = kind;
    if (!cx)
        return NB_ENOMEM;
    if ((rc = check_params(call, in, kind)) || (rc = check_return_values(call, in, kind)))
        return rc;
    if (kind == DDB_W_PUT) {
        if ((rc = ddb_item_norm(call, nb_get(in, "Item"), &w->item)))
            return rc;
    } else if ((rc = ddb_item_norm(call, nb_get(in, "Key"), &w->key))) {
        return rc;
    }
    if (nb_get(in, "AttributeUpdates") &&
        (rc = ddb_legacy_update_check(call, nb_get(in, "AttributeUpdates"), &w->legacy)))
        return rc;
    if (nb_get(in, "Expected") &&
        (rc = ddb_legacy_cond(call, nb_get(in, "Expected"), nb_get_str(in, "ConditionalOperator"),
                              1, &w->cond)))
        return rc;
    cx->call = call;
    cx->names = nb_get(in, "ExpressionAttributeNames");
    if (nb_get(in, "ExpressionAttributeValues") &&
        (rc = ddb_item_norm(call, nb_get(in, "ExpressionAttributeValues"),
                            (nb_value **)&cx->values)))
        return rc;
    if ((rc = ddb_expr_check_maps(cx)))
        return rc;
    const char *ue = nb_get_str(in, "UpdateExpression");
    const char *ce = nb_get_str(in, "ConditionExpression");
    if (ue && (rc = ddb_expr_parse(cx, DDB_EXPR_UPDATE, ue, &w->update)))
        return rc;
    if (ce && (rc = ddb_expr_parse(cx, DDB_EXPR_CONDITION, ce, &w->cond)))
        return rc;
    if ((rc = ddb_expr_check_unused(cx)))
        return rc;
    if ((rc = ddb_table_get(call, nb_get_str(in, "TableName"), &w->t)))
        return rc;
    if (kind == DDB_W_PUT) {
        if ((rc = ddb_item_check(call, &w->t, w->item)))
            return rc;
        w->key = ddb_item_key(call->arena, &w->t, w->item);
        return w->key ? NB_OK : NB_ENOMEM;
    }
    if ((rc = ddb_key_check(call, &w->t, w->key)))
        return rc;
    if (w->legacy && (rc = ddb_legacy_update_keys(call, &w->t, w->legacy)))
        return rc;
    if (w->update) {
        void *ud[2] = {call, &w->t};
        if ((rc = ddb_expr_update_paths(w->update, check_key_updates, ud)))
            return rc;
    }
    return NB_OK;
}

static int
only_deletes(const nb_value *upd)
{
    for (const nb_value *c = nb_first(upd); c; c = c->next)
        if (strcmp(nb_get_str(c, "Action"), "DELETE") != 0)
            return 0;
    return 1;
}

int
ddb_write_eval(nb_call *call, ddb_write *w)
{
    int rc = ddb_item_load(call, &w->t, w->key, &w->old);
    if (rc)
        return rc;
    if (w->cond && !ddb_expr_eval(call, w->cond, w->old))
        return 0;
    switch (w->kind) {
    case DDB_W_PUT:
        w->new_item = w->item;
        break;
    case DDB_W_DELETE:
        w->new_item = NULL;
        break;
    case DDB_W_CHECK:
        w->new_item = w->old;
        break;
    default:
        w->new_item = nb_value_copy(call->arena, w->old ? w->old : w->key);
        if (!w->new_item)
            return NB_ENOMEM;
        if (w->update && (rc = ddb_expr_update(call, w->update, w->new_item)))
            return rc;
        if (w->legacy && (rc = ddb_legacy_update(call, w->legacy, w->new_item)))
            return rc;
        if (w->legacy && !w->old && only_deletes(w->legacy)) {
            w->new_item = NULL; /* AWS: AttributeValueUpdate: DELETE of no item: nothing */
            break;
        }
        if (ddb_item_size(w->new_item) > ITEM_MAX) /* AWS: dynalite actions/updateItem.js */
            return vfail(call, "Item size to update has exceeded the maximum allowed size");
        if ((rc = ddb_item_check(call, &w->t, w->new_item)))
            return rc;
        break;
    }
    return 1;
}

int
ddb_write_apply(nb_call *call, ddb_write *w)
{
    if (w->kind == DDB_W_CHECK)
        return NB_OK;
    return ddb_item_store(call, &w->t, w->old, w->new_item, 0);
}

/* ---- responses ------------------------------------------------------------------------- */

/* AWS: ItemCollectionMetrics (ReturnItemCollectionMetrics SIZE): for a
 * table with local secondary indexes, the partition key of the item
 * written and the size of all its items (the item collection, index
 * entries included) as a range of GB, lower and upper bound. */
int
ddb_item_metrics(nb_call *call, const ddb_table *t, const nb_value *key, nb_value **out)
{
    int lsi = 0, rc;
    nb_buf pk, sk;
    *out = NULL;
    for (size_t i = 0; i < t->nidx; i++)
        lsi |= !t->idx[i].global;
    if (!lsi)
        return NB_OK;
    if ((rc = encode_key(key, &t->hash, &t->range, &pk, &sk)))
        goto out;
    nb_stmt *st = nb_sql(call, "SELECT (SELECT COALESCE(SUM(size), 0) FROM ddb_items WHERE "
                               "tid = ?1 AND pk = ?2), (SELECT COALESCE(SUM(length(item)), 0) "
                               "FROM ddb_index_items WHERE tid = ?1 AND pk = ?2)");
    if (!st) {
        rc = NB_EIO;
        goto out;
    }
    nb_bind_int(st, 1, t->id);
    nb_bind_blob(st, 2, bp(&pk), pk.len);
    if (nb_step(st) != NB_ROW) {
        rc = NB_EIO;
        goto out;
    }
    double gb = (double)(nb_col_int(st, 0) + nb_col_int(st, 1)) / (1024.0 * 1024 * 1024);
    nb_value *m = nb_value_struct(call->arena), *k = nb_value_map(call->arena);
    const nb_value *h = ddb_map_get(key, t->hash.name, strlen(t->hash.name));
    nb_value *range = m ? nb_set_list(m, "SizeEstimateRangeGB") : NULL;
    if (!k || !range || !h ||
        nb_value_put(k, t->hash.name, strlen(t->hash.name), nb_value_copy(call->arena, h)) ||
        nb_value_put(m, "ItemCollectionKey", 17, k) ||
        nb_value_append(range, nb_value_double(call->arena, (double)(int64_t)gb)) ||
        nb_value_append(range, nb_value_double(call->arena, (double)(int64_t)gb + 1))) {
        rc = NB_ENOMEM;
        goto out;
    }
    *out = m;
out:
    nb_buf_free(&pk);
    nb_buf_free(&sk);
    return rc;
}

static int
cond_failed(nb_call *call, const nb_value *in, const ddb_write *w)
{
    /* AWS: ReturnValuesOnConditionCheckFailure ALL_OLD puts the item in
     * the error as "Item". */
    const char *rv = nb_get_str(in, "ReturnValuesOnConditionCheckFailure");
    if (rv && strcmp(rv, "ALL_OLD") == 0 && w->old) {
        call->err_fields = nb_value_struct(call->arena);
        if (call->err_fields)
            nb_value_put(call->err_fields, "Item", 4, nb_value_copy(call->arena, w->old));
    }
    return nb_fail(call, "ConditionalCheckFailedException", "The conditional request failed");
}

/* The attributes an update changed (UPDATED_OLD from old, UPDATED_NEW
 * from new): top-level names whose values differ. */
nb_value *
ddb_updated(nb_call *call, const nb_value *from, const nb_value *other)
{
    nb_value *m = nb_value_map(call->arena);
    for (const nb_value *c = nb_first(from); m && c; c = c->next) {
        const nb_value *o = ddb_map_get(other, c->key, c->klen);
        if (!o || !ddb_av_equal(o, c))
            if (nb_value_put(m, c->key, c->klen, nb_value_copy(call->arena, c)))
                return NULL;
    }
    return m;
}

static int
write_op(nb_call *call, const nb_value *in, nb_value *out, int kind)
{
    ddb_write w;
    int rc = ddb_write_prepare(call, kind, in, &w);
    if (rc)
        return rc;
    rc = ddb_write_eval(call, &w);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return cond_failed(call, in, &w);
    if ((rc = ddb_write_apply(call, &w)))
        return rc;
    const char *rv = nb_get_str(in, "ReturnValues");
    const nb_value *ret = NULL;
    if (rv && strcmp(rv, "ALL_OLD") == 0)
        ret = w.old;
    else if (rv && strcmp(rv, "ALL_NEW") == 0)
        ret = w.new_item;
    else if (rv && strcmp(rv, "UPDATED_OLD") == 0)
        ret = w.old ? ddb_updated(call, w.old, w.new_item) : NULL;
    else if (rv && strcmp(rv, "UPDATED_NEW") == 0)
        ret = ddb_updated(call, w.new_item, w.old);
    if (ret && nb_first(ret) &&
        nb_value_put(out, "Attributes", 10, nb_value_copy(call->arena, ret)))
        return NB_ENOMEM;
    ddb_cap cap = {0};
    ddb_cap_write(call, &w.t, w.old, w.kind == DDB_W_DELETE ? NULL : w.new_item, 1, &cap);
    if ((rc = ddb_consumed(call, in, out, &cap, 1)))
        return rc;
    const char *icm = nb_get_str(in, "ReturnItemCollectionMetrics");
    nb_value *m;
    if (!icm || strcmp(icm, "SIZE") != 0 || (rc = ddb_item_metrics(call, &w.t, w.key, &m)) || !m)
        return rc;
    return nb_value_put(out, "ItemCollectionMetrics", 21, m) ? NB_ENOMEM : NB_OK;
}

int
ddb_put_item(nb_call *call, const nb_value *in, nb_value *out)
{
    return write_op(call, in, out, DDB_W_PUT);
}

int
ddb_update_item(nb_call *call, const nb_value *in, nb_value *out)
{
    return write_op(call, in, out, DDB_W_UPDATE);
}

int
ddb_delete_item(nb_call *call, const nb_value *in, nb_value *out)
{
    return write_op(call, in, out, DDB_W_DELETE);
}

/* ProjectionExpression (or AttributesToGet) of a read, parsed. */
int
ddb_read_projection(nb_call *call, const nb_value *in, ddb_expr **proj)
{
    static const char *const expr[] = {"ProjectionExpression", NULL};
    static const char *const legacy[] = {"AttributesToGet", NULL};
    ddb_expr_ctx *cx = nb_arena_zalloc(call->arena, sizeof(*cx));
    const char *pe = nb_get_str(in, "ProjectionExpression");
    int rc;
    *proj = NULL;
    if (!cx)
        return NB_ENOMEM;
    cx->call = call;
    cx->names = nb_get(in, "ExpressionAttributeNames");
    if ((rc = ddb_legacy_mix(call, in, expr, legacy)) ||
        (rc = ddb_legacy_projection(call, nb_get(in, "AttributesToGet"), proj)) ||
        (rc = ddb_expr_check_maps(cx)))
        return rc;
    if (pe && (rc = ddb_expr_parse(cx, DDB_EXPR_PROJECTION, pe, proj)))
        return rc;
    return ddb_expr_check_unused(cx);
}

int
ddb_get_item(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    ddb_expr *proj;
    nb_value *key, *item;
    int rc = ddb_item_norm(call, nb_get(in, "Key"), &key);
    if (rc || (rc = ddb_read_projection(call, in, &proj)) ||
        (rc = ddb_table_get(call, nb_get_str(in, "TableName"), &t)) ||
        (rc = ddb_key_check(call, &t, key)) || (rc = ddb_item_load(call, &t, key, &item)))
        return rc;
    size_t size = item ? ddb_item_size(item) : 0; /* AWS: the whole item is read */
    if (item && proj && (rc = ddb_expr_project(call, proj, item, &item)))
        return rc;
    if (item && nb_value_put(out, "Item", 4, item))
        return NB_ENOMEM;
    ddb_cap cap = {0};
    ddb_cap_read(call, &t, NULL, ddb_read_units(size, nb_get_bool(in, "ConsistentRead", 0)), &cap);
    return ddb_consumed(call, in, out, &cap, 0);
}
