/*
 * ddb_query.c: Query and Scan, on a table or a secondary index. Items are
 * stored under sortable key encodings (ddb_value.c), so a Query is one
 * index range scan in SQLite: the partition key's encoding, then the sort
 * key between two bounds, forward or backward. Limit counts the items
 * read before the filter (AWS: "ScannedCount"); a page also stops at 1 MB.
 *
 * Messages: dynalite actions/query.js, actions/scan.js and
 * validations/{query,scan}.js (recorded against DynamoDB).
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_expr.h"
#include "ddb_int.h"
#include "store/store.h"

#define PAGE_MAX (1024 * 1024) /* AWS: a Query or Scan page is at most 1 MB */
#define KEY_HI_LEN 1100        /* longer than any key encoding (1024 bytes) */

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

typedef ddb_read rq;

/* Does the condition tree n name attribute name at the top of a path? */
static int
names_attr(const node *n, const char *name)
{
    if (!n)
        return 0;
    if (n->k == K_PATH)
        return n->path[0].name && n->path[0].len == strlen(name) &&
               memcmp(n->path[0].name, name, n->path[0].len) == 0;
    for (int i = 0; i < n->na; i++)
        if (names_attr(n->args[i], name))
            return 1;
    return 0;
}

/* AWS: a Query's filter may not name the key it reads by (dynalite
 * actions/query.js, recorded against DynamoDB). */
static int
filter_keys(nb_call *call, const rq *q, int legacy)
{
    const ddb_keydef *k[2] = {q->hash, q->range};
    for (int i = 0; q->filter && i < 2; i++)
        if (k[i]->name && names_attr(q->filter->root, k[i]->name))
            return nb_fail(call, "ValidationException",
                           "%s can only contain non-primary key attributes: Primary key "
                           "attribute: %s",
                           legacy ? "QueryFilter" : "Filter Expression", k[i]->name);
    return NB_OK;
}

static int
parse_exprs(nb_call *call, const nb_value *in, rq *q, int query)
{
    ddb_expr_ctx *cx = nb_arena_zalloc(call->arena, sizeof(*cx));
    ddb_expr *kce = NULL;
    int rc;
    if (!cx)
        return NB_ENOMEM;
    cx->call = call;
    cx->names = nb_get(in, "ExpressionAttributeNames");
    const char *k = query ? nb_get_str(in, "KeyConditionExpression") : NULL;
    const char *f = nb_get_str(in, "FilterExpression");
    const char *p = nb_get_str(in, "ProjectionExpression");
    static const char *const qexpr[] = {"ProjectionExpression", "FilterExpression",
                                        "KeyConditionExpression", NULL};
    static const char *const qlegacy[] = {"AttributesToGet", "QueryFilter", "ConditionalOperator",
                                          "KeyConditions", NULL};
    static const char *const sexpr[] = {"ProjectionExpression", "FilterExpression", NULL};
    static const char *const slegacy[] = {"AttributesToGet", "ScanFilter", "ConditionalOperator",
                                          NULL};
    const nb_value *kconds = query ? nb_get(in, "KeyConditions") : NULL;
    if ((rc = ddb_legacy_mix(call, in, query ? qexpr : sexpr, query ? qlegacy : slegacy)) ||
        (rc = ddb_legacy_projection(call, nb_get(in, "AttributesToGet"), &q->proj)) ||
        (rc = ddb_legacy_cond(call, nb_get(in, query ? "QueryFilter" : "ScanFilter"),
                              nb_get_str(in, "ConditionalOperator"), 0, &q->filter)))
        return rc;
    q->legacy_proj = q->proj != NULL;
    if (nb_get(in, "ExpressionAttributeValues") &&
        (rc = ddb_item_norm(call, nb_get(in, "ExpressionAttributeValues"),
                            (nb_value **)&cx->values)))
        return rc;
    if ((rc = ddb_expr_check_maps(cx)))
        return rc;
    if (query && !k && !kconds)
        return vfail(call, "Either the KeyConditions or KeyConditionExpression parameter must be "
                           "specified in the request.");
    if (kconds && !k && (rc = ddb_legacy_keycheck(call, kconds)))
        return rc;
    if (k && (rc = ddb_expr_parse(cx, DDB_EXPR_KEY_CONDITION, k, &kce)))
        return rc;
    if (f && (rc = ddb_expr_parse(cx, DDB_EXPR_FILTER, f, &q->filter)))
        return rc;
    if (p && (rc = ddb_expr_parse(cx, DDB_EXPR_PROJECTION, p, &q->proj)))
        return rc;
    if ((rc = ddb_expr_check_unused(cx)))
        return rc;
    if ((rc = ddb_table_get(call, nb_get_str(in, "TableName"), &q->t)))
        return rc;
    const char *iname = nb_get_str(in, "IndexName");
    q->hash = &q->t.hash;
    q->range = &q->t.range;
    if (iname) {
        q->ix = ddb_table_index(&q->t, iname);
        if (!q->ix)
            return nb_fail(call, "ValidationException",
                           "The table does not have the specified index: %s", iname);
        if (q->ix->global && nb_get_bool(in, "ConsistentRead", 0))
            return vfail(call, "Consistent reads are not supported on global secondary indexes");
        q->hash = &q->ix->hash;
        q->range = &q->ix->range;
    }
    if (kce && (rc = ddb_expr_keycond(call, kce, q->hash, q->range, &q->kc)))
        return rc;
    if (kconds && !kce && (rc = ddb_legacy_keycond(call, kconds, q->hash, q->range, &q->kc)))
        return rc;
    if (query && (rc = filter_keys(call, q, nb_get(in, "QueryFilter") != NULL)))
        return rc;
    return NB_OK;
}

static int
parse_common(nb_call *call, const nb_value *in, rq *q, int query)
{
    int rc;
    memset(q, 0, sizeof(*q));
    if ((rc = parse_exprs(call, in, q, query)))
        return rc;
    q->limit = nb_get_int(in, "Limit", 0);
    const char *sel = nb_get_str(in, "Select");
    q->count_only = sel && strcmp(sel, "COUNT") == 0;
    if (sel && strcmp(sel, "SPECIFIC_ATTRIBUTES") == 0 && !q->proj)
        return vfail(call, "One or more parameter values were invalid: Select type "
                           "SPECIFIC_ATTRIBUTES requires AttributesToGet or "
                           "ProjectionExpression");
    if (sel && q->proj && strcmp(sel, "SPECIFIC_ATTRIBUTES") != 0)
        return nb_fail(call, "ValidationException",
                       "One or more parameter values were invalid: Cannot specify the "
                       "%s when choosing to get %s",
                       q->legacy_proj ? "AttributesToGet" : "ProjectionExpression",
                       q->count_only ? "only the Count" : sel);
    if (sel && strcmp(sel, "ALL_ATTRIBUTES") == 0 && q->ix && q->ix->global &&
        strcmp(q->ix->proj, "ALL") != 0)
        return nb_fail(call, "ValidationException",
                       "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is "
                       "not supported for global secondary index %s because its projection type "
                       "is not ALL",
                       q->ix->name);
    if (sel && strcmp(sel, "ALL_PROJECTED_ATTRIBUTES") == 0 && !q->ix)
        return vfail(call, "One or more parameter values were invalid: Select type "
                           "ALL_PROJECTED_ATTRIBUTES is not supported for table");
    if (nb_get(in, "ExclusiveStartKey")) {
        nb_value *sk;
        if ((rc = ddb_item_norm(call, nb_get(in, "ExclusiveStartKey"), &sk)))
            return rc;
        const ddb_keydef *need[4] = {&q->t.hash, &q->t.range, q->hash, q->range};
        size_t n = 0;
        for (int i = 0; i < 4; i++) {
            if (!need[i]->name)
                continue;
            const nb_value *v = ddb_map_get(sk, need[i]->name, strlen(need[i]->name));
            if (!v || ddb_av_type(v, NULL) != need[i]->type)
                return vfail(call, "The provided starting key is invalid");
        }
        for (const nb_value *c = nb_first(sk); c; c = c->next)
            n++;
        size_t want = 0;
        for (int i = 0; i < 4; i++) {
            int dup = 0;
            for (int j = 0; j < i; j++)
                dup |= need[i]->name && need[j]->name && strcmp(need[i]->name, need[j]->name) == 0;
            want += need[i]->name && !dup;
        }
        if (n != want)
            return vfail(call, "The provided starting key is invalid");
        q->start = sk;
    }
    return NB_OK;
}

/* ---- reading ------------------------------------------------------------------------ */

static const nb_value *
attr(const nb_value *item, const ddb_keydef *k)
{
    return k->name ? ddb_map_get(item, k->name, strlen(k->name)) : NULL;
}

/* The key to resume after item (table keys, plus the index's). */
nb_value *
ddb_read_last_key(nb_call *call, const ddb_read *q, const nb_value *item)
{
    nb_value *k = ddb_item_key(call->arena, &q->t, item);
    const ddb_keydef *ik[2] = {q->hash, q->range};
    for (int i = 0; k && q->ix && i < 2; i++) {
        const nb_value *v = attr(item, ik[i]);
        if (v && !ddb_map_get(k, ik[i]->name, strlen(ik[i]->name)) &&
            nb_value_put(k, ik[i]->name, strlen(ik[i]->name), nb_value_copy(call->arena, v)))
            return NULL;
    }
    return k;
}

/* Does the sort key of item satisfy the key condition beyond the SQL
 * bounds (exclusive ends, begins_with)? */
static int
range_ok(const rq *q, const nb_value *item)
{
    const nb_value *v = attr(item, q->range);
    switch (q->kc.op) {
    case DDB_KC_LT:
        return ddb_av_cmp(v, q->kc.v1) < 0;
    case DDB_KC_GT:
        return ddb_av_cmp(v, q->kc.v1) > 0;
    case DDB_KC_BEGINS: {
        const nb_value *x, *y;
        ddb_av_type(v, &x), ddb_av_type(q->kc.v1, &y);
        return x->u.s.len >= y->u.s.len && memcmp(x->u.s.p, y->u.s.p, y->u.s.len) == 0;
    }
    default:
        return 1;
    }
}

typedef ddb_page page;

/* One row read (item, size): count it, filter it, keep it. Returns 1 to
 * go on. A table's row has its item's size, as row_put stored it; an
 * index's row has NULL and the projected item's size is counted. */
static int
take(nb_call *call, const rq *q, page *pg, nb_stmt *st, int *rc)
{
    nb_value *item;
    if ((*rc = ddb_item_decode(call->arena, nb_col_blob(st, 0), nb_col_bytes(st, 0), &item)))
        return 0;
    if (q->kc.range_name && !range_ok(q, item))
        return 1;
    pg->scanned++;
    pg->bytes += nb_col_is_null(st, 1) ? ddb_item_size(item) : (size_t)nb_col_int(st, 1);
    pg->last = item;
    if (!q->filter || ddb_expr_eval(call, q->filter, item)) {
        pg->count++;
        if (!q->count_only) {
            if (q->proj && (*rc = ddb_expr_project(call, q->proj, item, &item)))
                return 0;
            if ((*rc = nb_value_append(pg->items, item)))
                return 0;
        }
    }
    if ((q->limit && pg->scanned >= q->limit) || pg->bytes >= PAGE_MAX) {
        pg->stopped = 1;
        return 0;
    }
    return 1;
}

static int
finish(nb_call *call, const nb_value *in, nb_value *out, const rq *q, page *pg)
{
    int rc = NB_OK;
    if (!q->count_only && nb_value_put(out, "Items", 5, pg->items))
        return NB_ENOMEM;
    rc = nb_set_int(out, "Count", pg->count);
    rc = rc ? rc : nb_set_int(out, "ScannedCount", pg->scanned);
    if (!rc && pg->stopped && pg->last) {
        nb_value *k = ddb_read_last_key(call, q, pg->last);
        if (!k || nb_value_put(out, "LastEvaluatedKey", 16, k))
            return NB_ENOMEM;
    }
    ddb_cap cap = {0};
    ddb_cap_read(call, &q->t, q->ix,
                 ddb_read_units(pg->bytes, nb_get_bool(in, "ConsistentRead", 0)), &cap);
    return rc ? rc : ddb_consumed(call, in, out, &cap, 0);
}

static int
key_enc(const nb_value *av, nb_buf *b)
{
    nb_buf_init(b, 4096);
    return av ? ddb_key_encode(av, b) : NB_OK;
}

static const void *
bp(const nb_buf *b)
{
    return b->p ? (const void *)b->p : (const void *)"";
}

/* Statements: [index][descending][with a start key]. */
static const char *const query_sql[2][2][2] = {
    {{"SELECT item, size FROM ddb_items WHERE tid = ?1 AND pk = ?2 AND sk >= ?3 AND sk <= ?4 "
      "ORDER BY sk",
      "SELECT item, size FROM ddb_items WHERE tid = ?1 AND pk = ?2 AND sk >= ?3 AND sk <= ?4 "
      "AND sk > ?5 ORDER BY sk"},
     {"SELECT item, size FROM ddb_items WHERE tid = ?1 AND pk = ?2 AND sk >= ?3 AND sk <= ?4 "
      "ORDER BY sk DESC",
      "SELECT item, size FROM ddb_items WHERE tid = ?1 AND pk = ?2 AND sk >= ?3 AND sk <= ?4 "
      "AND sk < ?5 ORDER BY sk DESC"}},
    {{"SELECT item, NULL FROM ddb_index_items WHERE tid = ?1 AND iname = ?6 AND ipk = ?2 AND "
      "isk >= ?3 AND isk <= ?4 ORDER BY isk, pk, sk",
      "SELECT item, NULL FROM ddb_index_items WHERE tid = ?1 AND iname = ?6 AND ipk = ?2 AND "
      "isk >= ?3 AND isk <= ?4 AND (isk, pk, sk) > (?5, ?7, ?8) ORDER BY isk, pk, sk"},
     {"SELECT item, NULL FROM ddb_index_items WHERE tid = ?1 AND iname = ?6 AND ipk = ?2 AND "
      "isk >= ?3 AND isk <= ?4 ORDER BY isk DESC, pk DESC, sk DESC",
      "SELECT item, NULL FROM ddb_index_items WHERE tid = ?1 AND iname = ?6 AND ipk = ?2 AND "
      "isk >= ?3 AND isk <= ?4 AND (isk, pk, sk) < (?5, ?7, ?8) "
      "ORDER BY isk DESC, pk DESC, sk DESC"}}};

/* The sort key bounds [lo, hi] of the key condition. */
static int
bounds(const rq *q, nb_buf *lo, nb_buf *hi)
{
    static const char ff[KEY_HI_LEN] = {[0 ... KEY_HI_LEN - 1] = (char)0xff};
    nb_buf_init(lo, 4096);
    nb_buf_init(hi, 4096);
    const nb_value *v1 = q->kc.v1, *v2 = q->kc.v2;
    int rc = NB_OK;
    switch (q->kc.op) {
    case DDB_KC_EQ:
        rc = ddb_key_encode(v1, lo);
        rc = rc ? rc : ddb_key_encode(v1, hi);
        break;
    case DDB_KC_LT:
    case DDB_KC_LE:
        rc = ddb_key_encode(v1, hi);
        break;
    case DDB_KC_GT:
    case DDB_KC_GE:
        rc = ddb_key_encode(v1, lo);
        rc = rc ? rc : nb_buf_add(hi, ff, sizeof(ff));
        break;
    case DDB_KC_BETWEEN:
        rc = ddb_key_encode(v1, lo);
        rc = rc ? rc : ddb_key_encode(v2, hi);
        break;
    case DDB_KC_BEGINS:
        rc = ddb_key_encode(v1, lo);
        rc = rc ? rc : ddb_key_encode(v1, hi);
        rc = rc ? rc : nb_buf_add(hi, ff, sizeof(ff));
        break;
    default:
        rc = nb_buf_add(hi, ff, sizeof(ff));
        break;
    }
    return rc;
}

int
ddb_read_query(nb_call *call, const ddb_read *qp, int desc, ddb_page *pg)
{
    const ddb_read q = *qp;
    nb_buf pk, lo, hi, s1, s2, s3;
    int idx = q.ix != NULL, start = q.start != NULL, rc;
    if (!pg->items)
        return NB_ENOMEM;
    desc = desc != 0;
    nb_buf_init(&lo, 4096), nb_buf_init(&hi, 4096), nb_buf_init(&s1, 4096);
    nb_buf_init(&s2, 4096), nb_buf_init(&s3, 4096);
    rc = key_enc(q.kc.hash, &pk);
    rc = rc ? rc : bounds(&q, &lo, &hi);
    rc = rc ? rc : key_enc(start ? attr(q.start, q.range) : NULL, &s1);
    rc = rc ? rc : key_enc(start && idx ? attr(q.start, &q.t.hash) : NULL, &s2);
    rc = rc ? rc : key_enc(start && idx ? attr(q.start, &q.t.range) : NULL, &s3);
    nb_stmt *st = rc ? NULL : nb_sql(call, query_sql[idx][desc][start]);
    if (st) {
        nb_bind_int(st, 1, q.t.id);
        nb_bind_blob(st, 2, bp(&pk), pk.len);
        nb_bind_blob(st, 3, bp(&lo), lo.len);
        nb_bind_blob(st, 4, bp(&hi), hi.len);
        if (start)
            nb_bind_blob(st, 5, bp(&s1), s1.len);
        if (idx)
            nb_bind_text(st, 6, q.ix->name);
        if (idx && start) {
            nb_bind_blob(st, 7, bp(&s2), s2.len);
            nb_bind_blob(st, 8, bp(&s3), s3.len);
        }
        int r;
        while ((r = nb_step(st)) == NB_ROW && take(call, &q, pg, st, &rc))
            ;
        if (!rc && r != NB_ROW && r != NB_DONE)
            rc = NB_EIO;
    } else if (!rc) {
        rc = NB_EIO;
    }
    nb_buf_free(&pk), nb_buf_free(&lo), nb_buf_free(&hi);
    nb_buf_free(&s1), nb_buf_free(&s2), nb_buf_free(&s3);
    return rc;
}

int
ddb_query(nb_call *call, const nb_value *in, nb_value *out)
{
    rq q;
    page pg = {0};
    int rc = parse_common(call, in, &q, 1);
    if (rc)
        return rc;
    pg.items = nb_value_list(call->arena);
    rc = ddb_read_query(call, &q, !nb_get_bool(in, "ScanIndexForward", 1), &pg);
    return rc ? rc : finish(call, in, out, &q, &pg);
}

/* [index][with a start key]; TotalSegments 0 means no segments. */
static const char *const scan_sql[2][2] = {
    {"SELECT item, size FROM ddb_items WHERE tid = ?1 AND (?2 = 0 OR seg % ?2 = ?3) ORDER BY pk, "
     "sk",
     "SELECT item, size FROM ddb_items WHERE tid = ?1 AND (?2 = 0 OR seg % ?2 = ?3) AND "
     "(pk, sk) > (?4, ?5) ORDER BY pk, sk"},
    {"SELECT item, NULL FROM ddb_index_items WHERE tid = ?1 AND iname = ?6 AND "
     "(?2 = 0 OR (ipk IS NOT NULL AND length(ipk) % ?2 = ?3)) ORDER BY ipk, isk, pk, sk",
     "SELECT item, NULL FROM ddb_index_items WHERE tid = ?1 AND iname = ?6 AND "
     "(?2 = 0 OR (ipk IS NOT NULL AND length(ipk) % ?2 = ?3)) AND "
     "(ipk, isk, pk, sk) > (?7, ?8, ?4, ?5) ORDER BY ipk, isk, pk, sk"}};

int
ddb_read_scan(nb_call *call, const ddb_read *qp, int64_t tot, int64_t seg, ddb_page *pg)
{
    const ddb_read q = *qp;
    nb_buf s1, s2, s3, s4;
    int idx = q.ix != NULL, start = q.start != NULL;
    int rc;
    if (!pg->items)
        return NB_ENOMEM;
    nb_buf_init(&s2, 4096), nb_buf_init(&s3, 4096), nb_buf_init(&s4, 4096);
    rc = key_enc(start ? attr(q.start, &q.t.hash) : NULL, &s1);
    rc = rc ? rc : key_enc(start ? attr(q.start, &q.t.range) : NULL, &s2);
    rc = rc ? rc : key_enc(start && idx ? attr(q.start, q.hash) : NULL, &s3);
    rc = rc ? rc : key_enc(start && idx ? attr(q.start, q.range) : NULL, &s4);
    nb_stmt *st = rc ? NULL : nb_sql(call, scan_sql[idx][start]);
    if (st) {
        nb_bind_int(st, 1, q.t.id);
        nb_bind_int(st, 2, tot);
        nb_bind_int(st, 3, seg);
        if (start) {
            nb_bind_blob(st, 4, bp(&s1), s1.len);
            nb_bind_blob(st, 5, bp(&s2), s2.len);
        }
        if (idx)
            nb_bind_text(st, 6, q.ix->name);
        if (idx && start) {
            nb_bind_blob(st, 7, bp(&s3), s3.len);
            nb_bind_blob(st, 8, bp(&s4), s4.len);
        }
        int r;
        while ((r = nb_step(st)) == NB_ROW && take(call, &q, pg, st, &rc))
            ;
        if (!rc && r != NB_ROW && r != NB_DONE)
            rc = NB_EIO;
    } else if (!rc) {
        rc = NB_EIO;
    }
    nb_buf_free(&s1), nb_buf_free(&s2), nb_buf_free(&s3), nb_buf_free(&s4);
    return rc;
}

int
ddb_scan(nb_call *call, const nb_value *in, nb_value *out)
{
    rq q;
    page pg = {0};
    const nb_value *seg = nb_get(in, "Segment"), *tot = nb_get(in, "TotalSegments");
    /* AWS: dynalite validations/scan.js custom(). */
    if (seg && !tot)
        return vfail(call, "The TotalSegments parameter is required but was not present in the "
                           "request when Segment parameter is present");
    if (tot && !seg)
        return vfail(call, "The Segment parameter is required but was not present in the request "
                           "when parameter TotalSegments is present");
    if (seg && seg->u.i >= tot->u.i)
        return nb_fail(call, "ValidationException",
                       "The Segment parameter is zero-based and must be less than parameter "
                       "TotalSegments: Segment: %lld is not less than TotalSegments: %lld",
                       (long long)seg->u.i, (long long)tot->u.i);
    int rc = parse_common(call, in, &q, 0);
    if (rc)
        return rc;
    pg.items = nb_value_list(call->arena);
    rc = ddb_read_scan(call, &q, tot ? tot->u.i : 0, seg ? seg->u.i : 0, &pg);
    return rc ? rc : finish(call, in, out, &q, &pg);
}
