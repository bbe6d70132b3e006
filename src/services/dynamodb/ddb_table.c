/*
 * ddb_table.c: tables: CreateTable, DescribeTable, UpdateTable,
 * DeleteTable, ListTables, tags, TTL settings, continuous backups,
 * DescribeEndpoints and DescribeLimits. A table's settings are kept as a
 * JSON description (the static part of TableDescription) in ddb_tables;
 * counts, status and ARNs are added when it is described. Tables are
 * ACTIVE at once.
 *
 * Messages: dynalite validations/createTable.js and actions/ (createTable,
 * deleteTable, tagResource...), whose tests were recorded against
 * DynamoDB; others cite the API reference.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/value.h"
#include "ddb_int.h"
#include "services/tags.h"
#include "store/store.h"

#define INVALID "One or more parameter values were invalid: "

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

static ddb_type
attr_type(const nb_value *defs, const char *name)
{
    for (const nb_value *d = nb_first(defs); d; d = d->next)
        if (strcmp(nb_get_str(d, "AttributeName"), name) == 0)
            return ddb_type_from(nb_get_str(d, "AttributeType"));
    return DDB_NONE;
}

/* Fills hash and range from a KeySchema list. */
static void
key_schema(const nb_value *ks, const nb_value *defs, ddb_keydef *hash, ddb_keydef *range)
{
    hash->name = range->name = NULL;
    for (const nb_value *k = nb_first(ks); k; k = k->next) {
        ddb_keydef *d = strcmp(nb_get_str(k, "KeyType"), "HASH") == 0 ? hash : range;
        d->name = nb_get_str(k, "AttributeName");
        d->type = attr_type(defs, d->name);
    }
}

static void
load_indexes(ddb_table *t, const nb_value *list, int global)
{
    const nb_value *defs = nb_get(t->desc, "AttributeDefinitions");
    for (const nb_value *x = nb_first(list); x && t->nidx < DDB_MAX_INDEXES; x = x->next) {
        ddb_index *ix = &t->idx[t->nidx++];
        ix->name = nb_get_str(x, "IndexName");
        ix->global = global;
        key_schema(nb_get(x, "KeySchema"), defs, &ix->hash, &ix->range);
        const nb_value *p = nb_get(x, "Projection");
        ix->proj = nb_get_str(p, "ProjectionType");
        ix->attrs = nb_get(p, "NonKeyAttributes");
        if (!ix->proj)
            ix->proj = "ALL";
    }
}

/* Parsed table descriptions, keyed by their stored text. Every item
 * operation loads its table, and jansson's parse of the description was
 * 45 % of a GetItem's instructions (bench/ddb.sh), and a copy of the parse
 * 11 % after; the settings change rarely. The text is the whole key, so a
 * changed description simply misses. Callers share the entry's tree, read
 * only (UpdateTable edits a copy), for the length of their call: an entry
 * that the call being served has used is not replaced (least recently used
 * first) while it runs, so no tree it holds goes away under it. */
#define DESC_CACHE 16

static struct desc_entry {
    nb_arena *arena;      /* holds text and desc; NULL: slot empty */
    const char *text;     /* the stored JSON */
    size_t len;           /* its length */
    const nb_value *desc; /* its parse */
    uint64_t used;        /* desc_clock at the last hit */
    const nb_call *call;  /* the call that used it last */
} desc_cache[DESC_CACHE];
static uint64_t desc_clock;

/* The parse of the description d (len bytes), through the cache: the
 * cache's tree, or one in the call's arena when every entry is held by
 * this call. */
static int
desc_load(nb_call *call, const char *d, size_t len, const nb_value **out)
{
    struct desc_entry *victim = NULL;
    for (size_t i = 0; i < DESC_CACHE; i++) {
        struct desc_entry *e = &desc_cache[i];
        if (e->arena && e->len == len && memcmp(e->text, d, len) == 0) {
            e->used = ++desc_clock;
            e->call = call;
            *out = e->desc;
            return NB_OK;
        }
        if (e->arena && e->call == call)
            continue; /* held by this call */
        if (!victim || !e->arena || (victim->arena && e->used < victim->used))
            victim = e;
    }
    nb_value *parsed;
    if (nb_json_parse_value(call->arena, d, len, &parsed, NULL))
        return NB_EINTERNAL;
    *out = parsed;
    /* Keep a copy; when that fails the cache just stays as it was. */
    nb_arena *a = victim ? nb_arena_new(0) : NULL;
    const char *text = a ? nb_arena_strndup(a, d, len) : NULL;
    const nb_value *copy = text ? nb_value_copy(a, parsed) : NULL;
    if (!copy) {
        nb_arena_free(a);
        return NB_OK;
    }
    nb_arena_free(victim->arena);
    *victim = (struct desc_entry){a, text, len, copy, ++desc_clock, call};
    *out = copy;
    return NB_OK;
}

void
ddb_table_cache_free(void)
{
    for (size_t i = 0; i < DESC_CACHE; i++)
        nb_arena_free(desc_cache[i].arena);
    memset(desc_cache, 0, sizeof(desc_cache));
}

static int
table_from_row(nb_call *call, nb_stmt *st, ddb_table *t)
{
    memset(t, 0, sizeof(*t));
    t->name = nb_arena_strdup(call->arena, nb_col_text(st, 0));
    t->id = nb_col_int(st, 1);
    t->arn = nb_arena_strdup(call->arena, nb_col_text(st, 2));
    const char *d = nb_col_text(st, 3);
    int rc = desc_load(call, d, strlen(d), &t->desc);
    if (rc)
        return rc;
    if (nb_col_int(st, 5))
        t->ttl_attr = nb_arena_strdup(call->arena, nb_col_text(st, 4));
    if (!nb_col_is_null(st, 6))
        t->stream_arn = nb_arena_strdup(call->arena, nb_col_text(st, 6));
    if (!nb_col_is_null(st, 7))
        t->stream_view = nb_arena_strdup(call->arena, nb_col_text(st, 7));
    t->item_count = nb_col_int(st, 8);
    t->size_bytes = nb_col_int(st, 9);
    const nb_value *defs = nb_get(t->desc, "AttributeDefinitions");
    key_schema(nb_get(t->desc, "KeySchema"), defs, &t->hash, &t->range);
    load_indexes(t, nb_get(t->desc, "LocalSecondaryIndexes"), 0);
    load_indexes(t, nb_get(t->desc, "GlobalSecondaryIndexes"), 1);
    return t->name && t->arn ? NB_OK : NB_ENOMEM;
}

/* Looks the table up; NB_ENOTFOUND without an error when absent. */
static int
table_find(nb_call *call, const char *name, ddb_table *t)
{
    nb_stmt *st = nb_sql(call, "SELECT name, id, arn, descr, ttl_attr, ttl_on, stream_arn, "
                               "stream_view, item_count, size_bytes FROM ddb_tables "
                               "WHERE account = ?1 AND region = ?2 AND name = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    int rc = nb_step(st);
    if (rc == NB_ROW)
        return table_from_row(call, st, t);
    return rc == NB_DONE ? NB_ENOTFOUND : rc;
}

/* AWS (dynalite db/index.js getTable): item operations say "Requested
 * resource not found"; table operations add ": Table: <name> not found". */
static int
table_get(nb_call *call, const char *name, ddb_table *t, int long_msg)
{
    int rc = table_find(call, name, t);
    if (rc != NB_ENOTFOUND)
        return rc;
    if (long_msg)
        return nb_fail(call, "ResourceNotFoundException",
                       "Requested resource not found: Table: %s not found", name);
    return nb_fail(call, "ResourceNotFoundException", "Requested resource not found");
}

int
ddb_table_by_id(nb_call *call, int64_t id, ddb_table *t)
{
    nb_stmt *st = nb_sql(call, "SELECT name, id, arn, descr, ttl_attr, ttl_on, stream_arn, "
                               "stream_view, item_count, size_bytes FROM ddb_tables WHERE id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, id);
    int rc = nb_step(st);
    if (rc == NB_ROW)
        return table_from_row(call, st, t);
    return rc == NB_DONE ? NB_ENOTFOUND : rc;
}

int
ddb_table_get(nb_call *call, const char *name, ddb_table *t)
{
    return table_get(call, name, t, 0);
}

const ddb_index *
ddb_table_index(const ddb_table *t, const char *name)
{
    for (size_t i = 0; name && i < t->nidx; i++)
        if (strcmp(t->idx[i].name, name) == 0)
            return &t->idx[i];
    return NULL;
}

int
ddb_table_account(nb_call *call, const ddb_table *t, int64_t dcount, int64_t dsize)
{
    if (!dcount && !dsize) /* an item replaced by one of its size */
        return NB_OK;
    nb_stmt *st = nb_sql(call, "UPDATE ddb_tables SET item_count = item_count + ?2, "
                               "size_bytes = size_bytes + ?3 WHERE id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, t->id);
    nb_bind_int(st, 2, dcount);
    nb_bind_int(st, 3, dsize);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

/* ---- describing ----------------------------------------------------------- */

static int64_t
index_count(nb_call *call, const ddb_table *t, const char *iname, int64_t *size)
{
    nb_stmt *st = nb_sql(call, "SELECT count(*), coalesce(sum(length(item)), 0) "
                               "FROM ddb_index_items WHERE tid = ?1 AND iname = ?2");
    *size = 0;
    if (!st)
        return 0;
    nb_bind_int(st, 1, t->id);
    nb_bind_text(st, 2, iname);
    if (nb_step(st) != NB_ROW)
        return 0;
    *size = nb_col_int(st, 1);
    return nb_col_int(st, 0);
}

static int
describe_indexes(nb_call *call, const ddb_table *t, nb_value *d, const char *member)
{
    nb_value *list = ddb_map_get(d, member, strlen(member));
    for (nb_value *x = list ? list->u.c.first : NULL; x; x = x->next) {
        const char *name = nb_get_str(x, "IndexName");
        int64_t size, n = index_count(call, t, name, &size);
        nb_value *v;
        if (!(v = nb_value_int(call->arena, n)) || ddb_map_set(x, "ItemCount", 9, v))
            return NB_ENOMEM;
        if (!(v = nb_value_int(call->arena, size)) || ddb_map_set(x, "IndexSizeBytes", 14, v))
            return NB_ENOMEM;
        const char *arn = nb_arena_printf(call->arena, "%s/index/%s", t->arn, name);
        if (!arn || !(v = nb_value_str(call->arena, arn, strlen(arn))) ||
            ddb_map_set(x, "IndexArn", 8, v))
            return NB_ENOMEM;
        if (member[0] == 'G' &&
            (!(v = nb_value_str(call->arena, "ACTIVE", 6)) || ddb_map_set(x, "IndexStatus", 11, v)))
            return NB_ENOMEM;
    }
    return NB_OK;
}

/* The TableDescription of t, as DescribeTable gives it. */
static int
describe(nb_call *call, const ddb_table *t, const char *status, nb_value **out)
{
    nb_value *d = nb_value_copy(call->arena, t->desc);
    if (!d)
        return NB_ENOMEM;
    int rc = nb_set_str(d, "TableName", t->name);
    rc = rc ? rc : nb_set_str(d, "TableStatus", status);
    rc = rc ? rc : nb_set_str(d, "TableArn", t->arn);
    rc = rc ? rc : nb_set_int(d, "ItemCount", t->item_count);
    rc = rc ? rc : nb_set_int(d, "TableSizeBytes", t->size_bytes);
    if (!rc && t->stream_arn) {
        rc = nb_set_str(d, "LatestStreamArn", t->stream_arn);
        const char *label = strstr(t->stream_arn, "/stream/");
        rc = rc ? rc : nb_set_str(d, "LatestStreamLabel", label ? label + 8 : "");
    }
    rc = rc ? rc : describe_indexes(call, t, d, "LocalSecondaryIndexes");
    rc = rc ? rc : describe_indexes(call, t, d, "GlobalSecondaryIndexes");
    *out = d;
    return rc;
}

/* ---- CreateTable ------------------------------------------------------------ */

static const char *
names_text(nb_call *call, const nb_value *list, const char *member)
{
    nb_buf b;
    nb_buf_init(&b, 1 << 16);
    for (const nb_value *c = nb_first(list); c; c = c->next) {
        if (c != nb_first(list))
            nb_buf_adds(&b, ", ");
        nb_buf_adds(&b, nb_get_str(c, member));
    }
    char *r = nb_arena_strndup(call->arena, b.p ? b.p : "", b.len);
    nb_buf_free(&b);
    return r;
}

/* The key schema checks shared by the table and its indexes. */
static int
check_keys(nb_call *call, const nb_value *ks, const nb_value *defs)
{
    const nb_value *k0 = nb_first(ks), *k1 = k0 ? k0->next : NULL;
    for (const nb_value *k = k0; k; k = k->next)
        if (!attr_type(defs, nb_get_str(k, "AttributeName")))
            return nb_fail(call, "ValidationException",
                           INVALID "Some index key attributes are not defined in "
                                   "AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
                           names_text(call, ks, "AttributeName"),
                           names_text(call, defs, "AttributeName"));
    if (k1 && strcmp(nb_get_str(k0, "AttributeName"), nb_get_str(k1, "AttributeName")) == 0)
        return vfail(call, "Both the Hash Key and the Range Key element in the KeySchema have "
                           "the same name");
    if (strcmp(nb_get_str(k0, "KeyType"), "HASH") != 0)
        return vfail(call, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (k1 && strcmp(nb_get_str(k1, "KeyType"), "RANGE") != 0)
        return vfail(call,
                     "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    return NB_OK;
}

static int
check_projection(nb_call *call, const nb_value *ix)
{
    const nb_value *p = nb_get(ix, "Projection");
    const char *pt = nb_get_str(p, "ProjectionType");
    if (!pt)
        return vfail(call, INVALID "Unknown ProjectionType: null");
    if (nb_get(p, "NonKeyAttributes") && strcmp(pt, "INCLUDE") != 0)
        return nb_fail(call, "ValidationException",
                       INVALID "ProjectionType is %s, but NonKeyAttributes is specified", pt);
    return NB_OK;
}

static int
check_indexes(nb_call *call, const nb_value *in, const nb_value *list, int global,
              const char **seen, size_t *nseen)
{
    const nb_value *defs = nb_get(in, "AttributeDefinitions");
    const nb_value *ks = nb_get(in, "KeySchema");
    if (!nb_first(list))
        return nb_fail(call, "ValidationException", INVALID "List of %s is empty",
                       global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    if (!global && ks->u.c.n != 2)
        return vfail(call, INVALID "Table KeySchema does not have a range key, which is "
                                   "required when specifying a LocalSecondaryIndex");
    for (const nb_value *ix = nb_first(list); ix; ix = ix->next) {
        const char *name = nb_get_str(ix, "IndexName");
        const nb_value *iks = nb_get(ix, "KeySchema");
        int rc = check_keys(call, iks, defs);
        if (rc)
            return rc;
        if (!global) {
            const char *ih = nb_get_str(nb_first(iks), "AttributeName");
            const char *th = nb_get_str(nb_first(ks), "AttributeName");
            if (iks->u.c.n != 2)
                return nb_fail(call, "ValidationException",
                               INVALID "Index KeySchema does not have a range key for index: %s",
                               name);
            if (strcmp(ih, th) != 0)
                return nb_fail(call, "ValidationException",
                               INVALID "Index KeySchema does not have the same leading hash key "
                                       "as table KeySchema for index: %s. index hash key: %s, "
                                       "table hash key: %s",
                               name, ih, th);
        }
        if ((rc = check_projection(call, ix)))
            return rc;
        const char *bm = nb_get_str(in, "BillingMode");
        if (global && bm && strcmp(bm, "PAY_PER_REQUEST") == 0 &&
            nb_get(ix, "ProvisionedThroughput"))
            return nb_fail(call, "ValidationException",
                           INVALID "ProvisionedThroughput should not be specified for index: %s "
                                   "when BillingMode is PAY_PER_REQUEST",
                           name);
        for (size_t i = 0; i < *nseen; i++)
            if (strcmp(seen[i], name) == 0)
                return nb_fail(call, "ValidationException", INVALID "Duplicate index name: %s",
                               name);
        if (*nseen < 2 * DDB_MAX_INDEXES)
            seen[(*nseen)++] = name;
    }
    if (!global && list->u.c.n > 5)
        return vfail(call, INVALID "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    if (global && list->u.c.n > 20)
        return vfail(call, INVALID "GlobalSecondaryIndex count exceeds the per-table limit of 20");
    return NB_OK;
}

static int
check_throughput(nb_call *call, const char *bm, const nb_value *pt)
{
    if (bm && strcmp(bm, "PAY_PER_REQUEST") == 0) {
        if (pt)
            return vfail(call, INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                       "specified when BillingMode is PAY_PER_REQUEST");
        return NB_OK;
    }
    if (!pt || !nb_get(pt, "ReadCapacityUnits") || !nb_get(pt, "WriteCapacityUnits"))
        return vfail(call, INVALID "ReadCapacityUnits and WriteCapacityUnits must both be "
                                   "specified when BillingMode is PROVISIONED");
    return NB_OK;
}

/* AWS: dynalite validations/createTable.js custom(). */
static int
check_create(nb_call *call, const nb_value *in)
{
    const nb_value *defs = nb_get(in, "AttributeDefinitions");
    const nb_value *ks = nb_get(in, "KeySchema");
    const nb_value *lsi = nb_get(in, "LocalSecondaryIndexes");
    const nb_value *gsi = nb_get(in, "GlobalSecondaryIndexes");
    const char *seen[2 * DDB_MAX_INDEXES];
    size_t nseen = 0;
    int rc =
        check_throughput(call, nb_get_str(in, "BillingMode"), nb_get(in, "ProvisionedThroughput"));
    if (rc)
        return rc;
    if (ks->u.c.n > defs->u.c.n)
        return vfail(call, "Invalid KeySchema: Some index key attribute have no definition");
    if ((rc = check_keys(call, ks, defs)))
        return rc;
    if (!lsi && !gsi && ks->u.c.n != defs->u.c.n)
        return vfail(call, INVALID "Number of attributes in KeySchema does not exactly match "
                                   "number of attributes defined in AttributeDefinitions");
    if (lsi && (rc = check_indexes(call, in, lsi, 0, seen, &nseen)))
        return rc;
    if (gsi && (rc = check_indexes(call, in, gsi, 1, seen, &nseen)))
        return rc;
    return NB_OK;
}

static int
throughput(nb_value *d, const nb_value *pt)
{
    nb_value *p = nb_set_struct(d, "ProvisionedThroughput");
    if (!p)
        return NB_ENOMEM;
    int rc = nb_set_int(p, "NumberOfDecreasesToday", 0);
    rc = rc ? rc : nb_set_int(p, "ReadCapacityUnits", nb_get_int(pt, "ReadCapacityUnits", 0));
    return rc ? rc : nb_set_int(p, "WriteCapacityUnits", nb_get_int(pt, "WriteCapacityUnits", 0));
}

static int
copy_member(nb_call *call, nb_value *d, const nb_value *in, const char *name)
{
    const nb_value *v = nb_get(in, name);
    if (!v)
        return NB_OK;
    nb_value *c = nb_value_copy(call->arena, v);
    return c ? nb_value_put(d, name, strlen(name), c) : NB_ENOMEM;
}

static int
index_desc(nb_call *call, nb_value *d, const nb_value *list, const char *member, int ppr)
{
    if (!list)
        return NB_OK;
    nb_value *l = nb_set_list(d, member);
    if (!l)
        return NB_ENOMEM;
    for (const nb_value *ix = nb_first(list); ix; ix = ix->next) {
        nb_value *x = nb_list_add_struct(l);
        if (!x)
            return NB_ENOMEM;
        int rc = copy_member(call, x, ix, "IndexName");
        rc = rc ? rc : copy_member(call, x, ix, "KeySchema");
        rc = rc ? rc : copy_member(call, x, ix, "Projection");
        if (!rc && member[0] == 'G')
            rc = throughput(x, ppr ? NULL : nb_get(ix, "ProvisionedThroughput"));
        if (rc)
            return rc;
    }
    return NB_OK;
}

static int
billing(nb_call *call, nb_value *d, const char *bm, const nb_value *pt)
{
    int ppr = bm && strcmp(bm, "PAY_PER_REQUEST") == 0;
    int rc = throughput(d, ppr ? NULL : pt);
    if (rc || !ppr)
        return rc;
    nb_value *b = nb_set_struct(d, "BillingModeSummary");
    if (!b)
        return NB_ENOMEM;
    rc = nb_set_str(b, "BillingMode", "PAY_PER_REQUEST");
    return rc ? rc : nb_set_time(b, "LastUpdateToPayPerRequestDateTime", call->now);
}

static int
sse_desc(nb_call *call, nb_value *d, const nb_value *sse)
{
    if (!sse || !nb_get_bool(sse, "Enabled", 0))
        return NB_OK;
    nb_value *s = nb_set_struct(d, "SSEDescription");
    if (!s)
        return NB_ENOMEM;
    const char *key = nb_get_str(sse, "KMSMasterKeyId");
    int rc = nb_set_str(s, "Status", "ENABLED");
    rc = rc ? rc : nb_set_str(s, "SSEType", "KMS");
    return rc ? rc
              : nb_set_str(s, "KMSMasterKeyArn",
                           key && strncmp(key, "arn:", 4) == 0
                               ? key
                               : nb_arena_printf(call->arena, "arn:aws:kms:%s:%s:key/%s",
                                                 call->region, call->account,
                                                 key ? key : "aws/dynamodb"));
}

/* The stored description of a new table, from the request. */
static int
new_desc(nb_call *call, const nb_value *in, const char *id, nb_value **out)
{
    nb_value *d = nb_value_struct(call->arena);
    const char *bm = nb_get_str(in, "BillingMode");
    int ppr = bm && strcmp(bm, "PAY_PER_REQUEST") == 0;
    if (!d)
        return NB_ENOMEM;
    int rc = copy_member(call, d, in, "AttributeDefinitions");
    rc = rc ? rc : copy_member(call, d, in, "KeySchema");
    rc = rc ? rc : nb_set_time(d, "CreationDateTime", call->now);
    rc = rc ? rc : nb_set_str(d, "TableId", id);
    rc = rc ? rc : billing(call, d, bm, nb_get(in, "ProvisionedThroughput"));
    rc = rc ? rc
            : index_desc(call, d, nb_get(in, "LocalSecondaryIndexes"), "LocalSecondaryIndexes", 0);
    rc = rc ? rc
            : index_desc(call, d, nb_get(in, "GlobalSecondaryIndexes"), "GlobalSecondaryIndexes",
                         ppr);
    const nb_value *ss = nb_get(in, "StreamSpecification");
    if (!rc && ss && nb_get_bool(ss, "StreamEnabled", 0))
        rc = copy_member(call, d, in, "StreamSpecification");
    rc = rc ? rc : sse_desc(call, d, nb_get(in, "SSESpecification"));
    if (!rc && nb_get_str(in, "TableClass")) {
        nb_value *tc = nb_set_struct(d, "TableClassSummary");
        rc = tc ? nb_set_str(tc, "TableClass", nb_get_str(in, "TableClass")) : NB_ENOMEM;
    }
    rc = rc ? rc
            : nb_set_bool(d, "DeletionProtectionEnabled",
                          nb_get_bool(in, "DeletionProtectionEnabled", 0));
    *out = d;
    return rc;
}

static const char *
to_json(nb_call *call, const nb_value *v)
{
    nb_buf b;
    nb_jw w;
    nb_buf_init(&b, 1 << 22);
    nb_jw_init(&w, &b);
    nb_jw_value(&w, v);
    char *s = w.rc ? NULL : nb_arena_strndup(call->arena, b.p, b.len);
    nb_buf_free(&b);
    return s;
}

static const nb_tag_sql tag_sql = {
    .put = "INSERT OR REPLACE INTO ddb_tags (account, region, arn, k, v) "
           "VALUES (?1, ?2, ?3, ?4, ?5)",
    .del = "DELETE FROM ddb_tags WHERE account = ?1 AND region = ?2 AND arn = ?3 AND k = ?4",
    .list = "SELECT k, v FROM ddb_tags WHERE account = ?1 AND region = ?2 AND arn = ?3 "
            "ORDER BY k",
    .key = "Key",
    .value = "Value",
};

static int
put_tags(nb_call *call, const char *arn, const nb_value *tags)
{
    return nb_tags_put(call, &tag_sql, arn, tags);
}

static int
save_desc(nb_call *call, int64_t id, const nb_value *desc)
{
    const char *json = to_json(call, desc);
    nb_stmt *st = nb_sql(call, "UPDATE ddb_tables SET descr = ?2 WHERE id = ?1");
    if (!json || !st)
        return NB_EIO;
    nb_bind_int(st, 1, id);
    nb_bind_text(st, 2, json);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

static int
set_stream(nb_call *call, ddb_table *t, const char *view)
{
    const char *arn = NULL, *label = NULL;
    int rc = view ? ddb_stream_create(call, t->name, t->id, view, &arn, &label)
                  : ddb_stream_disable(call, t->id);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "UPDATE ddb_tables SET stream_arn = coalesce(?2, stream_arn), "
                               "stream_view = ?3 WHERE id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, t->id);
    if (arn)
        nb_bind_text(st, 2, arn);
    else
        nb_bind_null(st, 2);
    if (view)
        nb_bind_text(st, 3, view);
    else
        nb_bind_null(st, 3);
    if (arn)
        t->stream_arn = arn;
    t->stream_view = view;
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

static int
stream_spec_check(nb_call *call, const nb_value *ss)
{
    if (ss && nb_get_bool(ss, "StreamEnabled", 0) && !nb_get_str(ss, "StreamViewType"))
        return vfail(call, INVALID "You must specify a StreamViewType when enabling a stream");
    return NB_OK;
}

int
ddb_create_table(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "TableName");
    char id[37];
    nb_value *desc;
    ddb_table t;
    int rc = check_create(call, in);
    if (rc || (rc = stream_spec_check(call, nb_get(in, "StreamSpecification"))))
        return rc;
    rc = table_find(call, name, &t);
    if (rc == NB_OK) /* AWS: CreateTable API reference, ResourceInUseException */
        return nb_fail(call, "ResourceInUseException", "Table already exists: %s", name);
    if (rc != NB_ENOTFOUND)
        return rc;
    nb_ids_uuid(id);
    if ((rc = new_desc(call, in, id, &desc)))
        return rc;
    const char *arn = nb_arena_printf(call->arena, "arn:aws:dynamodb:%s:%s:table/%s", call->region,
                                      call->account, name);
    const char *json = to_json(call, desc);
    nb_stmt *st = nb_sql(call, "INSERT INTO ddb_tables (account, region, name, id, arn, descr) "
                               "VALUES (?1, ?2, ?3, (SELECT coalesce(max(id), 0) + 1 "
                               "FROM ddb_tables), ?4, ?5)");
    if (!arn || !json || !st)
        return NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_text(st, 4, arn);
    nb_bind_text(st, 5, json);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    if ((rc = table_find(call, name, &t)))
        return rc;
    const nb_value *ss = nb_get(in, "StreamSpecification");
    if (ss && nb_get_bool(ss, "StreamEnabled", 0) &&
        (rc = set_stream(call, &t, nb_get_str(ss, "StreamViewType"))))
        return rc;
    if ((rc = put_tags(call, arn, nb_get(in, "Tags"))))
        return rc;
    nb_value *d;
    if ((rc = describe(call, &t, "ACTIVE", &d)))
        return rc;
    return nb_value_put(out, "TableDescription", 16, d);
}

int
ddb_describe_table(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    nb_value *d;
    int rc = table_get(call, nb_get_str(in, "TableName"), &t, 1);
    if (rc || (rc = describe(call, &t, "ACTIVE", &d)))
        return rc;
    return nb_value_put(out, "Table", 5, d);
}

static int
delete_rows(nb_call *call, const ddb_table *t)
{
    nb_stmt *st = nb_sql(call, "DELETE FROM ddb_items WHERE tid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, t->id);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    st = nb_sql(call, "DELETE FROM ddb_index_items WHERE tid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, t->id);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    st = nb_sql(call, "DELETE FROM ddb_tags WHERE account = ?1 AND region = ?2 AND arn = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, t->arn);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    st = nb_sql(call, "DELETE FROM ddb_tables WHERE id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, t->id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

int
ddb_delete_table(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    nb_value *d;
    int rc = table_get(call, nb_get_str(in, "TableName"), &t, 1);
    if (rc)
        return rc;
    /* AWS: DeleteTable with deletion protection on (API reference,
     * DeletionProtectionEnabled). */
    if (nb_get_bool(t.desc, "DeletionProtectionEnabled", 0))
        return vfail(call, "Resource cannot be deleted as it is currently protected against "
                           "deletion. Disable deletion protection first.");
    if ((rc = describe(call, &t, "DELETING", &d)))
        return rc;
    if (t.stream_view && (rc = ddb_stream_disable(call, t.id)))
        return rc;
    if ((rc = delete_rows(call, &t)))
        return rc;
    return nb_value_put(out, "TableDescription", 16, d);
}

/* ---- UpdateTable ---------------------------------------------------------------- */

static int
merge_defs(nb_call *call, nb_value *desc, const nb_value *defs)
{
    nb_value *cur = ddb_map_get(desc, "AttributeDefinitions", 20);
    for (const nb_value *d = nb_first(defs); cur && d; d = d->next) {
        const char *name = nb_get_str(d, "AttributeName");
        if (attr_type(cur, name))
            continue;
        nb_value *c = nb_value_copy(call->arena, d);
        if (!c || nb_value_append(cur, c))
            return NB_ENOMEM;
    }
    return NB_OK;
}

/* Fills a new index's entries from the table's items. */
static int backfill(nb_call *call, const ddb_table *t, const char *iname);

static int
gsi_update(nb_call *call, ddb_table *t, const nb_value *u, int *changed)
{
    nb_value *desc = t->edit;
    nb_value *list = ddb_map_get(desc, "GlobalSecondaryIndexes", 22);
    const nb_value *c = nb_get(u, "Create"), *del = nb_get(u, "Delete");
    int rc;
    *changed = 1;
    if (c) {
        const char *name = nb_get_str(c, "IndexName");
        if (ddb_table_index(t, name))
            return nb_fail(call, "ValidationException",
                           INVALID "Attempting to create an index which already exists");
        if ((rc = check_keys(call, nb_get(c, "KeySchema"), nb_get(desc, "AttributeDefinitions"))) ||
            (rc = check_projection(call, c)))
            return rc;
        if (!list) {
            list = nb_value_list(call->arena);
            if (!list || nb_value_put(desc, "GlobalSecondaryIndexes", 22, list))
                return NB_ENOMEM;
        }
        nb_value *tmp = nb_value_struct(call->arena), *one = nb_value_list(call->arena);
        nb_value *cc = nb_value_copy(call->arena, c);
        if (!tmp || !one || !cc || nb_value_append(one, cc))
            return NB_ENOMEM;
        const nb_value *bms = nb_get(desc, "BillingModeSummary");
        if ((rc = index_desc(call, tmp, one, "GlobalSecondaryIndexes", bms != NULL)))
            return rc;
        nb_value *x = (nb_value *)nb_first(nb_get(tmp, "GlobalSecondaryIndexes"));
        if (!x)
            return NB_ENOMEM;
        x->next = NULL;
        return nb_value_append(list, x);
    }
    if (del) {
        const char *name = nb_get_str(del, "IndexName");
        nb_value *prev = NULL;
        for (nb_value *x = list ? list->u.c.first : NULL; x; prev = x, x = x->next) {
            if (strcmp(nb_get_str(x, "IndexName"), name) != 0)
                continue;
            if (prev)
                prev->next = x->next;
            else
                list->u.c.first = x->next;
            if (list->u.c.last == x)
                list->u.c.last = prev;
            list->u.c.n--;
            nb_stmt *st = nb_sql(call, "DELETE FROM ddb_index_items WHERE tid = ?1 AND iname = ?2");
            if (!st)
                return NB_EIO;
            nb_bind_int(st, 1, t->id);
            nb_bind_text(st, 2, name);
            return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
        }
        return nb_fail(call, "ResourceNotFoundException", "Requested resource not found");
    }
    *changed = 0;
    return NB_OK;
}

static int
update_settings(nb_call *call, ddb_table *t, const nb_value *in, int *changed)
{
    nb_value *desc = t->edit;
    const char *bm = nb_get_str(in, "BillingMode");
    const nb_value *pt = nb_get(in, "ProvisionedThroughput");
    int rc = NB_OK;
    if (bm || pt) {
        const char *cur = nb_get(desc, "BillingModeSummary") ? "PAY_PER_REQUEST" : "PROVISIONED";
        const char *mode = bm ? bm : cur;
        if ((rc = check_throughput(call, mode,
                                   strcmp(mode, "PROVISIONED") == 0 && !pt
                                       ? nb_get(desc, "ProvisionedThroughput")
                                       : pt)))
            return rc;
        nb_value *tmp = nb_value_struct(call->arena);
        if (!tmp ||
            (rc = billing(call, tmp, mode, pt ? pt : nb_get(desc, "ProvisionedThroughput"))))
            return rc ? rc : NB_ENOMEM;
        ddb_map_del(desc, "BillingModeSummary", 18);
        for (nb_value *c = tmp->u.c.first, *n; c; c = n) {
            n = c->next;
            c->next = NULL;
            if ((rc = ddb_map_set(desc, c->key, c->klen, c)))
                return rc;
        }
        *changed = 1;
    }
    if (nb_get(in, "DeletionProtectionEnabled")) {
        nb_value *v = nb_value_bool(call->arena, nb_get_bool(in, "DeletionProtectionEnabled", 0));
        if (!v || ddb_map_set(desc, "DeletionProtectionEnabled", 25, v))
            return NB_ENOMEM;
        *changed = 1;
    }
    if (nb_get_str(in, "TableClass")) {
        nb_value *tc = nb_value_struct(call->arena);
        /* AWS: TableClassSummary.LastUpdateDateTime: when the class was last
         * changed */
        if (!tc || nb_set_str(tc, "TableClass", nb_get_str(in, "TableClass")) ||
            nb_set_time(tc, "LastUpdateDateTime", call->now) ||
            ddb_map_set(desc, "TableClassSummary", 17, tc))
            return NB_ENOMEM;
        *changed = 1;
    }
    if (nb_get(in, "SSESpecification")) {
        ddb_map_del(desc, "SSEDescription", 14);
        if ((rc = sse_desc(call, desc, nb_get(in, "SSESpecification"))))
            return rc;
        *changed = 1;
    }
    return rc;
}

static int
update_stream(nb_call *call, ddb_table *t, const nb_value *ss, int *changed)
{
    if (!ss)
        return NB_OK;
    int on = nb_get_bool(ss, "StreamEnabled", 0);
    int rc = stream_spec_check(call, ss);
    if (rc)
        return rc;
    /* AWS: UpdateTable API reference: enabling a stream on a table that
     * has one, or disabling one it lacks, is a ValidationException. */
    if (on && t->stream_view)
        return nb_fail(call, "ValidationException", "Table already has an enabled stream: %s",
                       t->arn);
    if (!on && !t->stream_view)
        return vfail(call, "Table does not have an enabled stream");
    ddb_map_del(t->edit, "StreamSpecification", 19);
    if (on) {
        nb_value *c = nb_value_copy(call->arena, ss);
        if (!c || nb_value_put(t->edit, "StreamSpecification", 19, c))
            return NB_ENOMEM;
    }
    *changed = 1;
    return set_stream(call, t, on ? nb_get_str(ss, "StreamViewType") : NULL);
}

int
ddb_update_table(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    nb_value *d;
    int changed = 0, c2 = 0;
    int rc = table_get(call, nb_get_str(in, "TableName"), &t, 1);
    if (rc)
        return rc;
    if (!(t.edit = nb_value_copy(call->arena, t.desc)))
        return NB_ENOMEM;
    if (nb_get(in, "AttributeDefinitions") &&
        (rc = merge_defs(call, t.edit, nb_get(in, "AttributeDefinitions"))))
        return rc;
    for (const nb_value *u = nb_first(nb_get(in, "GlobalSecondaryIndexUpdates")); u; u = u->next) {
        if ((rc = gsi_update(call, &t, u, &c2)))
            return rc;
        changed |= c2;
    }
    if ((rc = update_settings(call, &t, in, &changed)) ||
        (rc = update_stream(call, &t, nb_get(in, "StreamSpecification"), &changed)))
        return rc;
    if (!changed && !nb_get(in, "AttributeDefinitions"))
        /* AWS: dynalite validations/updateTable.js custom(). */
        return vfail(call,
                     "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                     "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is "
                     "required");
    if ((rc = save_desc(call, t.id, t.edit)))
        return rc;
    /* reload so that new indexes are known, then fill them */
    ddb_table t2;
    if ((rc = table_find(call, t.name, &t2)))
        return rc;
    for (const nb_value *u = nb_first(nb_get(in, "GlobalSecondaryIndexUpdates")); u; u = u->next)
        if (nb_get(u, "Create") &&
            (rc = backfill(call, &t2, nb_get_str(nb_get(u, "Create"), "IndexName"))))
            return rc;
    if ((rc = describe(call, &t2, "ACTIVE", &d)))
        return rc;
    return nb_value_put(out, "TableDescription", 16, d);
}

static int
backfill(nb_call *call, const ddb_table *t, const char *iname)
{
    const ddb_index *ix = ddb_table_index(t, iname);
    nb_stmt *st = nb_sql(call, "SELECT item FROM ddb_items WHERE tid = ?1");
    if (!ix || !st)
        return NB_EIO;
    nb_bind_int(st, 1, t->id);
    /* collect first: ddb_item_store uses other statements */
    nb_value *items = nb_value_list(call->arena);
    int rc;
    while ((rc = nb_step(st)) == NB_ROW) {
        nb_value *item;
        if (ddb_item_decode(call->arena, nb_col_blob(st, 0), nb_col_bytes(st, 0), &item) ||
            nb_value_append(items, item))
            return NB_ENOMEM;
    }
    if (rc != NB_DONE)
        return NB_EIO;
    for (const nb_value *it = nb_first(items); it; it = it->next) {
        ddb_table only = *t; /* write only this index's entries */
        only.nidx = 1;
        only.idx[0] = *ix;
        only.stream_view = NULL;
        if ((rc = ddb_index_put(call, &only, it)))
            return rc;
    }
    return NB_OK;
}

/* ---- ListTables --------------------------------------------------------------- */

int
ddb_list_tables(nb_call *call, const nb_value *in, nb_value *out)
{
    int64_t limit = nb_get_int(in, "Limit", 100);
    const char *start = nb_get_str(in, "ExclusiveStartTableName");
    nb_stmt *st = nb_sql(call, "SELECT name FROM ddb_tables WHERE account = ?1 AND region = ?2 "
                               "AND name > ?3 ORDER BY name LIMIT ?4");
    nb_value *names = nb_set_list(out, "TableNames");
    const char *last = NULL;
    int rc, n = 0;
    if (!st || !names)
        return NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, start ? start : "");
    nb_bind_int(st, 4, limit + 1);
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n++ == limit) {
            if (nb_set_str(out, "LastEvaluatedTableName", last))
                return NB_ENOMEM;
            break;
        }
        last = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        if ((rc = nb_list_add_str(names, last)))
            return rc;
    }
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EIO;
}

/* ---- tags ------------------------------------------------------------------------ */

/* The table an ARN names, or an AWS error (dynalite tagResource.js). */
static int
arn_table(nb_call *call, const char *arn, ddb_table *t)
{
    const char *p = strstr(arn, ":table/");
    const char *prefix =
        nb_arena_printf(call->arena, "arn:aws:dynamodb:%s:%s:table/", call->region, call->account);
    if (!p || !prefix || strncmp(arn, prefix, strlen(prefix)) != 0 || strchr(p + 7, '/') ||
        table_find(call, p + 7, t) != NB_OK)
        return nb_fail(call, "ResourceNotFoundException",
                       "Requested resource not found: ResourcArn: %s not found", arn);
    return NB_OK;
}

int
ddb_tag_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    const char *arn = nb_get_str(in, "ResourceArn");
    int rc = arn_table(call, arn, &t);
    return rc ? rc : put_tags(call, t.arn, nb_get(in, "Tags"));
}

int
ddb_untag_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    const char *arn = nb_get_str(in, "ResourceArn");
    int rc = arn_table(call, arn, &t);
    return rc ? rc : nb_tags_delete(call, &tag_sql, t.arn, nb_get(in, "TagKeys"));
}

int
ddb_list_tags_of_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    const char *arn = nb_get_str(in, "ResourceArn");
    int rc = arn_table(call, arn, &t);
    if (rc)
        return rc;
    nb_value *tags = nb_set_list(out, "Tags");
    if (!tags)
        return NB_ENOMEM;
    return nb_tags_list(call, &tag_sql, t.arn, NULL, 0, tags, NULL, NULL);
}

/* ---- TTL, backups, endpoints, limits ------------------------------------------- */

int
ddb_describe_time_to_live(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    int rc = table_get(call, nb_get_str(in, "TableName"), &t, 1);
    nb_value *d = rc ? NULL : nb_set_struct(out, "TimeToLiveDescription");
    if (rc || !d)
        return rc ? rc : NB_ENOMEM;
    rc = nb_set_str(d, "TimeToLiveStatus", t.ttl_attr ? "ENABLED" : "DISABLED");
    if (!rc && t.ttl_attr)
        rc = nb_set_str(d, "AttributeName", t.ttl_attr);
    return rc;
}

int
ddb_update_time_to_live(nb_call *call, const nb_value *in, nb_value *out)
{
    ddb_table t;
    const nb_value *spec = nb_get(in, "TimeToLiveSpecification");
    int on = nb_get_bool(spec, "Enabled", 0);
    const char *attr = nb_get_str(spec, "AttributeName");
    int rc = table_get(call, nb_get_str(in, "TableName"), &t, 1);
    if (rc)
        return rc;
    /* AWS: UpdateTimeToLive API reference, ValidationException. */
    if (on && t.ttl_attr)
        return vfail(call, "TimeToLive is already enabled");
    if (!on && !t.ttl_attr)
        return vfail(call, "TimeToLive is already disabled");
    nb_stmt *st = nb_sql(call, "UPDATE ddb_tables SET ttl_attr = ?2, ttl_on = ?3 WHERE id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, t.id);
    nb_bind_text(st, 2, attr);
    nb_bind_int(st, 3, on);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    /* recompute the expiry column of every item */
    if ((rc = ddb_ttl_reindex(call, t.id, on ? attr : NULL)))
        return rc;
    if (on && (rc = ddb_ttl_arm()))
        return rc;
    nb_value *c = nb_value_copy(call->arena, spec);
    return c ? nb_value_put(out, "TimeToLiveSpecification", 23, c) : NB_ENOMEM;
}

static int
pitr_out(nb_call *call, nb_value *out, int on)
{
    nb_value *d = nb_set_struct(out, "ContinuousBackupsDescription");
    nb_value *p = d ? nb_set_struct(d, "PointInTimeRecoveryDescription") : NULL;
    if (!p)
        return NB_ENOMEM;
    int rc = nb_set_str(d, "ContinuousBackupsStatus", "ENABLED");
    rc = rc ? rc : nb_set_str(p, "PointInTimeRecoveryStatus", on ? "ENABLED" : "DISABLED");
    if (!rc && on) {
        rc = nb_set_int(p, "RecoveryPeriodInDays", 35);
        rc = rc ? rc : nb_set_time(p, "EarliestRestorableDateTime", call->now);
        rc = rc ? rc : nb_set_time(p, "LatestRestorableDateTime", call->now);
    }
    return rc;
}

static int
pitr_get(nb_call *call, const char *name, int *on, int64_t *id)
{
    nb_stmt *st = nb_sql(call, "SELECT pitr, id FROM ddb_tables WHERE account = ?1 "
                               "AND region = ?2 AND name = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    if (nb_step(st) != NB_ROW) /* AWS: DescribeContinuousBackups, TableNotFoundException */
        return nb_fail(call, "TableNotFoundException", "Table not found: %s", name);
    *on = (int)nb_col_int(st, 0);
    *id = nb_col_int(st, 1);
    return NB_OK;
}

int
ddb_describe_continuous_backups(nb_call *call, const nb_value *in, nb_value *out)
{
    int on;
    int64_t id;
    int rc = pitr_get(call, nb_get_str(in, "TableName"), &on, &id);
    return rc ? rc : pitr_out(call, out, on);
}

int
ddb_update_continuous_backups(nb_call *call, const nb_value *in, nb_value *out)
{
    int on;
    int64_t id;
    int rc = pitr_get(call, nb_get_str(in, "TableName"), &on, &id);
    if (rc)
        return rc;
    on = nb_get_bool(nb_get(in, "PointInTimeRecoverySpecification"), "PointInTimeRecoveryEnabled",
                     0);
    nb_stmt *st = nb_sql(call, "UPDATE ddb_tables SET pitr = ?2 WHERE id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, id);
    nb_bind_int(st, 2, on);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    return pitr_out(call, out, on);
}

/* AWS: DescribeEndpoints API reference: the regional endpoint, cached for
 * 1440 minutes. */
int
ddb_describe_endpoints(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_value *l = nb_set_list(out, "Endpoints");
    nb_value *e = l ? nb_list_add_struct(l) : NULL;
    if (!e)
        return NB_ENOMEM;
    int rc = nb_set_str(e, "Address",
                        nb_arena_printf(call->arena, "dynamodb.%s.amazonaws.com", call->region));
    return rc ? rc : nb_set_int(e, "CachePeriodInMinutes", 1440);
}

/* AWS: DescribeLimits API reference (default quotas: 80,000 per account,
 * 40,000 per table). */
int
ddb_describe_limits(nb_call *call, const nb_value *in, nb_value *out)
{
    int rc = nb_set_int(out, "AccountMaxReadCapacityUnits", 80000);
    rc = rc ? rc : nb_set_int(out, "AccountMaxWriteCapacityUnits", 80000);
    rc = rc ? rc : nb_set_int(out, "TableMaxReadCapacityUnits", 40000);
    return rc ? rc : nb_set_int(out, "TableMaxWriteCapacityUnits", 40000);
}
