/*
 * ddb_int.h: private to src/services/dynamodb/: the number type, attribute
 * values and items, the table record, the expression language, streams,
 * and every operation handler.
 *
 * An item is an nb_value map from attribute name to an AttributeValue,
 * itself a struct with exactly one member named by its type ("S", "N",
 * "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"), as the JSON codec
 * decodes it and encodes it back. Numbers inside are kept in canonical
 * text (ddb_num_format).
 */
#ifndef NB_DDB_INT_H
#define NB_DDB_INT_H

#include "core/buf.h"
#include "core/nb.h"
#include "core/str.h"

/* ---- numbers (ddb_number.c) ------------------------------------------ */

#define DDB_NUM_MAX 38    /* AWS: significant digits of a Number */
#define DDB_NUM_SPAN 320  /* decimal positions a sum can span */
#define DDB_NUM_KEYMAX 48 /* bytes of ddb_num_keyenc at most */

enum { DDB_NUM_OK = 0, DDB_NUM_EINVAL, DDB_NUM_EOVER, DDB_NUM_EUNDER, DDB_NUM_EDIGITS };

typedef struct ddb_num {
    int sign;                   /* -1, 0 (the number zero) or 1 */
    int exp;                    /* value = 0.d[0]d[1]... x 10^exp */
    int nd;                     /* digits in d, no leading/trailing zeros */
    uint8_t d[DDB_NUM_MAX + 2]; /* decimal digits 0..9 */
} ddb_num;

int ddb_num_parse(const char *s, size_t len, ddb_num *n);
int ddb_num_cmp(const ddb_num *a, const ddb_num *b);
int ddb_num_add(const ddb_num *a, const ddb_num *b, ddb_num *out);
int ddb_num_sub(const ddb_num *a, const ddb_num *b, ddb_num *out);
/* Writes the canonical text (NUL-terminated, cut to cap); returns the
 * full length. 200 bytes always suffice. */
size_t ddb_num_format(const ddb_num *n, char *buf, size_t cap);
size_t ddb_num_keyenc(const ddb_num *n, uint8_t *out);
/* AWS's message for a DDB_NUM_E* code. */
const char *ddb_num_errmsg(int err);

/* ---- attribute values (ddb_value.c) ------------------------------------ */

typedef enum ddb_type {
    DDB_NONE = 0,
    DDB_S,
    DDB_N,
    DDB_B,
    DDB_SS,
    DDB_NS,
    DDB_BS,
    DDB_M,
    DDB_L,
    DDB_NULL,
    DDB_BOOL,
} ddb_type;

/* The type of an AttributeValue and its inner value (the member). */
ddb_type ddb_av_type(const nb_value *av, const nb_value **inner);
const char *ddb_type_name(ddb_type t);
ddb_type ddb_type_from(const char *name);
/* A new AttributeValue of type t holding inner (attached as is). */
nb_value *ddb_av_wrap(nb_arena *a, ddb_type t, nb_value *inner);
nb_value *ddb_av_str(nb_arena *a, ddb_type t, const char *s, size_t len);
nb_value *ddb_av_num(nb_arena *a, const ddb_num *n);
nb_value *ddb_av_bool(nb_arena *a, int b);
/* Validates an AttributeValue from a request and returns a copy with
 * numbers in canonical form. Fails with ValidationException. */
int ddb_av_norm(nb_call *call, const nb_value *av, nb_value **out);
/* The same for a map of name -> AttributeValue (an item, a key, the
 * expression attribute values). */
int ddb_item_norm(nb_call *call, const nb_value *item, nb_value **out);
/* Deep equality, sets compared as sets. */
int ddb_av_equal(const nb_value *a, const nb_value *b);
/* Order of two scalars of one type (S, N, B): <0, 0, >0; 2 when the
 * types differ or are not ordered. */
int ddb_av_cmp(const nb_value *a, const nb_value *b);
/* Number of an N value (canonical already). */
int ddb_av_getnum(const nb_value *av, ddb_num *n);
/* AWS's size of an item or a value, in bytes. */
size_t ddb_item_size(const nb_value *item);
size_t ddb_av_size(const nb_value *av);
/* Map helpers (attribute maps, M values): lookup, set (replaces), delete. */
nb_value *ddb_map_get(const nb_value *map, const char *name, size_t len);
int ddb_map_set(nb_value *map, const char *name, size_t len, nb_value *v);
int ddb_map_del(nb_value *map, const char *name, size_t len);
/* Binary form of an item for the store, and back. */
int ddb_item_encode(const nb_value *item, nb_buf *b);
int ddb_item_decode(nb_arena *a, const void *p, size_t len, nb_value **out);
/* The sortable encoding of a key value (S, N or B) into b. */
int ddb_key_encode(const nb_value *av, nb_buf *b);
/* A value as text for error messages ("{S:abc}" style members). */
const char *ddb_av_text(nb_arena *a, const nb_value *av);

/* Is name (any case) one of DynamoDB's reserved words? (ddb_reserved.c) */
int ddb_reserved(const char *name, size_t len);

/* ---- tables (ddb_table.c) ---------------------------------------------- */

typedef struct ddb_keydef {
    const char *name; /* attribute name, or NULL when there is none */
    ddb_type type;    /* DDB_S, DDB_N or DDB_B */
} ddb_keydef;

typedef struct ddb_index {
    const char *name;      /* IndexName */
    int global;            /* a GSI (else an LSI) */
    ddb_keydef hash;       /* its partition key */
    ddb_keydef range;      /* its sort key (name NULL when none) */
    const char *proj;      /* ProjectionType: ALL, KEYS_ONLY, INCLUDE */
    const nb_value *attrs; /* NonKeyAttributes (list of strings) or NULL */
} ddb_index;

#define DDB_MAX_INDEXES 25 /* AWS: 20 GSIs + 5 LSIs */

typedef struct ddb_table {
    int64_t id;                     /* store id: items are keyed by it */
    const char *name;               /* TableName */
    const char *arn;                /* TableArn */
    ddb_keydef hash;                /* partition key */
    ddb_keydef range;               /* sort key (name NULL when none) */
    ddb_index idx[DDB_MAX_INDEXES]; /* secondary indexes */
    size_t nidx;                    /* entries in idx */
    const char *stream_view;        /* StreamViewType, or NULL when off */
    const char *stream_arn;         /* latest stream ARN, or NULL */
    const char *ttl_attr;           /* TTL attribute when enabled, or NULL */
    const nb_value *desc;           /* stored description (a map): shared, read only */
    nb_value *edit;                 /* UpdateTable's working copy of desc, or NULL */
    int64_t item_count;             /* items in the table */
    int64_t size_bytes;             /* their total size */
} ddb_table;

/* Loads a table of the caller's account and region. On a miss fails with
 * ResourceNotFoundException (AWS's message) and returns NB_EAWS. */
int ddb_table_get(nb_call *call, const char *name, ddb_table *t);
/* A table by its store id (background work: TTL); NB_ENOTFOUND. */
int ddb_table_by_id(nb_call *call, int64_t id, ddb_table *t);
/* The index of t named name, or NULL. */
const ddb_index *ddb_table_index(const ddb_table *t, const char *name);
/* Frees the parsed descriptions kept by ddb_table.c (at shutdown). */
void ddb_table_cache_free(void);
/* Adjusts the stored item count and size. */
int ddb_table_account(nb_call *call, const ddb_table *t, int64_t dcount, int64_t dsize);

/* ---- expressions (ddb_expr.c) ------------------------------------------ */

typedef struct ddb_expr ddb_expr; /* a parsed expression, in the arena */

enum ddb_expr_kind {
    DDB_EXPR_CONDITION,
    DDB_EXPR_KEY_CONDITION,
    DDB_EXPR_FILTER,
    DDB_EXPR_PROJECTION,
    DDB_EXPR_UPDATE,
};

/* Names and values an operation's expressions share, and which of them
 * the expressions used (for AWS's "unused" errors). */
typedef struct ddb_expr_ctx {
    nb_call *call;            /* where errors go */
    const nb_value *names;    /* ExpressionAttributeNames, or NULL */
    const nb_value *values;   /* ExpressionAttributeValues (normalised) or NULL */
    uint8_t used_names[256];  /* flags by position in names */
    uint8_t used_values[256]; /* flags by position in values */
} ddb_expr_ctx;

/* Parses text as kind; on error fails the call with AWS's message
 * ("Invalid <Kind>Expression: ...") and returns NB_EAWS. */
int ddb_expr_parse(ddb_expr_ctx *cx, int kind, const char *text, ddb_expr **out);
/* Checks the expression attribute names and values given, before parsing
 * (empty maps, bad keys). */
int ddb_expr_check_maps(ddb_expr_ctx *cx);
/* After all of an operation's expressions are parsed: unused names or
 * values fail as AWS does. */
int ddb_expr_check_unused(ddb_expr_ctx *cx);
/* Evaluates a condition or filter on item (NULL: no item): 1 true, 0
 * false, or NB_EAWS (e.g. a type error in arithmetic). */
int ddb_expr_eval(nb_call *call, const ddb_expr *e, const nb_value *item);
/* Applies an update expression to item (a map, changed in place). */
int ddb_expr_update(nb_call *call, const ddb_expr *e, nb_value *item);
/* A new map with only the projected paths of item. */
int ddb_expr_project(nb_call *call, const ddb_expr *e, const nb_value *item, nb_value **out);
/* Top-level attribute names an update expression sets or removes (for
 * the key check and UPDATED_* return values): calls fn for each. */
int ddb_expr_update_paths(const ddb_expr *e,
                          int (*fn)(void *ud, const char *name, size_t len, int nested), void *ud);

/* A key condition taken apart (Query). */
typedef struct ddb_keycond {
    const nb_value *hash;   /* value the partition key equals */
    const char *hash_name;  /* the partition key attribute named */
    const char *range_name; /* sort key attribute, or NULL */
    int op;                 /* DDB_KC_*: the sort key condition */
    const nb_value *v1;     /* its operand */
    const nb_value *v2;     /* BETWEEN's upper bound */
} ddb_keycond;

enum {
    DDB_KC_NONE,
    DDB_KC_EQ,
    DDB_KC_LT,
    DDB_KC_LE,
    DDB_KC_GT,
    DDB_KC_GE,
    DDB_KC_BETWEEN,
    DDB_KC_BEGINS
};

/* Splits a parsed key condition by the key schema; fails the call with
 * AWS's message when it is not a valid key condition. */
int ddb_expr_keycond(nb_call *call, const ddb_expr *e, const ddb_keydef *hash,
                     const ddb_keydef *range, ddb_keycond *kc);

/* ---- reads (ddb_query.c) -------------------------------------------------- */

/* A Query or Scan to run: what the request parsed into. */
typedef struct ddb_read {
    ddb_table t;             /* the table */
    const ddb_index *ix;     /* the index, or NULL */
    const ddb_keydef *hash;  /* the partition key read by */
    const ddb_keydef *range; /* the sort key read by */
    ddb_expr *filter;        /* FilterExpression or NULL */
    ddb_expr *proj;          /* ProjectionExpression or NULL */
    const nb_value *start;   /* ExclusiveStartKey (normalised) or NULL */
    int64_t limit;           /* Limit, or 0 */
    int count_only;          /* Select COUNT */
    int legacy_proj;         /* the projection came from AttributesToGet */
    ddb_keycond kc;          /* Query's key condition */
} ddb_read;

/* One page read. */
typedef struct ddb_page {
    nb_value *items; /* Items (a list the caller made) */
    int64_t count;   /* Count */
    int64_t scanned; /* ScannedCount */
    size_t bytes;    /* read so far */
    nb_value *last;  /* last item read */
    int stopped;     /* stopped by Limit or size */
} ddb_page;

/* Reads one page of a Query (desc: backwards) or a Scan (segment seg of
 * tot; tot 0: the whole table) into pg. */
int ddb_read_query(nb_call *call, const ddb_read *q, int desc, ddb_page *pg);
int ddb_read_scan(nb_call *call, const ddb_read *q, int64_t tot, int64_t seg, ddb_page *pg);
/* The key to resume after item (LastEvaluatedKey). */
nb_value *ddb_read_last_key(nb_call *call, const ddb_read *q, const nb_value *item);

/* ---- legacy parameters (ddb_legacy.c) ----------------------------------- */

/* Fails with AWS's messages when a request mixes expression and legacy
 * parameters, or sends ExpressionAttributeNames/Values without an
 * expression. expr and legacy are NULL-terminated lists of member names
 * in AWS's order. */
int ddb_legacy_mix(nb_call *call, const nb_value *in, const char *const *expr,
                   const char *const *legacy);
/* Expected (expected=1) or QueryFilter/ScanFilter, joined by cop (AND when
 * NULL), as a condition tree; *out NULL when conds is empty. */
int ddb_legacy_cond(nb_call *call, const nb_value *conds, const char *cop, int expected,
                    ddb_expr **out);
/* KeyConditions' checks that need no table, then the split by key. */
int ddb_legacy_keycheck(nb_call *call, const nb_value *conds);
int ddb_legacy_keycond(nb_call *call, const nb_value *conds, const ddb_keydef *hash,
                       const ddb_keydef *range, ddb_keycond *kc);
/* AttributesToGet as a projection; *out NULL when names is NULL. */
int ddb_legacy_projection(nb_call *call, const nb_value *names, ddb_expr **out);
/* AttributeUpdates checked, values normalised and Action filled in. */
int ddb_legacy_update_check(nb_call *call, const nb_value *upd, nb_value **norm);
/* Key and index key checks of normalised AttributeUpdates. */
int ddb_legacy_update_keys(nb_call *call, const ddb_table *t, const nb_value *upd);
/* Applies normalised AttributeUpdates to item (changed in place). */
int ddb_legacy_update(nb_call *call, const nb_value *upd, nb_value *item);

/* ---- items (ddb_item.c) -------------------------------------------------- */

/* Reads the item with key (a normalised map) from t; *item is NULL when
 * there is none. */
int ddb_item_load(nb_call *call, const ddb_table *t, const nb_value *key, nb_value **item);
/* Writes item (new, or replacing old; old NULL when there was none) or
 * deletes old (item NULL), keeping indexes, counts and the stream. */
int ddb_item_store(nb_call *call, const ddb_table *t, const nb_value *old, const nb_value *item,
                   int ttl_delete);
/* Writes item's entries in t's indexes (those whose keys it has). */
int ddb_index_put(nb_call *call, const ddb_table *t, const nb_value *item);
/* ProjectionExpression of a read request (GetItem, BatchGetItem's
 * tables, TransactGetItems' Gets), parsed; *proj NULL when none. */
int ddb_read_projection(nb_call *call, const nb_value *in, ddb_expr **proj);
/* Checks a key map against t's schema (AWS's messages). */
int ddb_key_check(nb_call *call, const ddb_table *t, const nb_value *key);
/* Checks an item's key attributes and index key types. */
int ddb_item_check(nb_call *call, const ddb_table *t, const nb_value *item);
/* The key attributes of item, as a map. */
nb_value *ddb_item_key(nb_arena *a, const ddb_table *t, const nb_value *item);
/* Projection of item onto index ix (ALL, KEYS_ONLY, INCLUDE). */
nb_value *ddb_index_project(nb_arena *a, const ddb_table *t, const ddb_index *ix,
                            const nb_value *item);
/* ItemCollectionMetrics of the item with key in t, or *out NULL when t
 * has no local secondary index. */
int ddb_item_metrics(nb_call *call, const ddb_table *t, const nb_value *key, nb_value **out);

/* Capacity consumed on one table (ddb_capacity.c). */
typedef struct ddb_cap {
    const char *table;           /* TableName */
    const ddb_table *t;          /* the table (an arena copy), for its indexes */
    double table_units;          /* the table's share */
    double idx[DDB_MAX_INDEXES]; /* each index's share, by position in t->idx */
    const ddb_index *index_read; /* a read of this index (its units are its own) */
} ddb_cap;

/* Read units for bytes read (4 KB units, halved when eventually
 * consistent). */
double ddb_read_units(size_t bytes, int consistent);
/* Adds the write of item over old (either NULL) to c, times factor (2 in
 * transactions), table and indexes. */
void ddb_cap_write(nb_call *call, const ddb_table *t, const nb_value *old, const nb_value *item,
                   double factor, ddb_cap *c);
/* Adds units read from t, or from its index ix, to c. */
void ddb_cap_read(nb_call *call, const ddb_table *t, const ddb_index *ix, double units, ddb_cap *c);
/* The entry of caps[0..*n) for t, added when new (caps has room). */
ddb_cap *ddb_cap_for(nb_call *call, ddb_cap *caps, size_t *n, const ddb_table *t);
/* ConsumedCapacity (one, or a list for batches and transactions) in out,
 * when the request's ReturnConsumedCapacity asks for it. */
int ddb_consumed(nb_call *call, const nb_value *in, nb_value *out, const ddb_cap *cap, int write);
int ddb_consumed_list(nb_call *call, const nb_value *in, nb_value *out, const ddb_cap *caps,
                      size_t n, int write);
/* A write of one item with the condition and update taken from a request
 * part (PutItem, UpdateItem, DeleteItem, TransactWriteItems). */
typedef struct ddb_write {
    int kind;           /* DDB_W_PUT, DDB_W_UPDATE, DDB_W_DELETE, DDB_W_CHECK */
    ddb_table t;        /* the table */
    nb_value *key;      /* key (normalised) */
    nb_value *item;     /* PutItem's item (normalised) */
    ddb_expr *cond;     /* ConditionExpression, or NULL */
    ddb_expr *update;   /* UpdateExpression, or NULL */
    nb_value *legacy;   /* AttributeUpdates (normalised), or NULL */
    nb_value *old;      /* item before (after ddb_write_run) */
    nb_value *new_item; /* item after (NULL when deleted) */
} ddb_write;

enum { DDB_W_PUT, DDB_W_UPDATE, DDB_W_DELETE, DDB_W_CHECK };

/* Parses and checks a write from its request part. */
int ddb_write_prepare(nb_call *call, int kind, const nb_value *in, ddb_write *w);
/* Reads the item, evaluates the condition (1: it passed, 0: it failed,
 * with no AWS error set), computes the new item. */
int ddb_write_eval(nb_call *call, ddb_write *w);
/* The attributes of from that other lacks or holds otherwise (UPDATED_*
 * return values). */
nb_value *ddb_updated(nb_call *call, const nb_value *from, const nb_value *other);
/* Stores the result of ddb_write_eval. */
int ddb_write_apply(nb_call *call, ddb_write *w);

/* Do keys a and b name the same item of t? (ddb_batch.c) */
int ddb_same_key(const ddb_table *t, const nb_value *a, const nb_value *b);
/* ClientRequestToken of a transaction whose items are in member: 1 for a
 * repeat of an earlier request (nothing to do), 0 for a new one, or an
 * error (IdempotentParameterMismatchException). (ddb_batch.c) */
int ddb_idempotent(nb_call *call, const nb_value *in, const char *member);

/* ---- streams (ddb_stream.c) ---------------------------------------------- */

/* Records a change for t's stream, if it has one and the change changes
 * something. */
int ddb_stream_record(nb_call *call, const ddb_table *t, const nb_value *old, const nb_value *item,
                      int ttl_delete);
/* A new stream for t (label from now); returns its ARN in *arn. */
int ddb_stream_create(nb_call *call, const char *table, int64_t tid, const char *view,
                      const char **arn, const char **label);
int ddb_stream_disable(nb_call *call, int64_t tid);
/* Recomputes the TTL expiry of every item of table tid (attr NULL: TTL
 * off). */
int ddb_ttl_reindex(nb_call *call, int64_t tid, const char *attr);
/* At start: starts the TTL sweeper on disk only (ddb_stream.c says why). */
int ddb_ttl_start(void);
/* Starts the TTL sweeper if it is not running. */
int ddb_ttl_arm(void);
void ddb_ttl_stop(void);

/* ---- handlers ------------------------------------------------------------- */

#define DDB_HANDLER(fn) int fn(nb_call *call, const nb_value *in, nb_value *out)

DDB_HANDLER(ddb_batch_execute_statement);
DDB_HANDLER(ddb_batch_get_item);
DDB_HANDLER(ddb_batch_write_item);
DDB_HANDLER(ddb_create_table);
DDB_HANDLER(ddb_delete_item);
DDB_HANDLER(ddb_delete_table);
DDB_HANDLER(ddb_describe_continuous_backups);
DDB_HANDLER(ddb_describe_endpoints);
DDB_HANDLER(ddb_describe_limits);
DDB_HANDLER(ddb_describe_table);
DDB_HANDLER(ddb_describe_time_to_live);
DDB_HANDLER(ddb_execute_statement);
DDB_HANDLER(ddb_execute_transaction);
DDB_HANDLER(ddb_get_item);
DDB_HANDLER(ddb_list_tables);
DDB_HANDLER(ddb_list_tags_of_resource);
DDB_HANDLER(ddb_put_item);
DDB_HANDLER(ddb_query);
DDB_HANDLER(ddb_scan);
DDB_HANDLER(ddb_tag_resource);
DDB_HANDLER(ddb_transact_get_items);
DDB_HANDLER(ddb_transact_write_items);
DDB_HANDLER(ddb_untag_resource);
DDB_HANDLER(ddb_update_continuous_backups);
DDB_HANDLER(ddb_update_item);
DDB_HANDLER(ddb_update_table);
DDB_HANDLER(ddb_update_time_to_live);

DDB_HANDLER(ddbs_describe_stream);
DDB_HANDLER(ddbs_get_records);
DDB_HANDLER(ddbs_get_shard_iterator);
DDB_HANDLER(ddbs_list_streams);

#endif
