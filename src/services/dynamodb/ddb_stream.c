/*
 * ddb_stream.c: DynamoDB Streams (ListStreams, DescribeStream,
 * GetShardIterator, GetRecords), the records every write leaves, and the
 * TTL sweeper, which deletes expired items within a second or two and
 * leaves REMOVE records whose userIdentity names the service.
 *
 * A stream has one shard. Records are rows of ddb_stream_records; their
 * row id is the sequence number (increasing over all streams). A shard
 * iterator is "<stream arn>|<shard id>|<last sequence number read>".
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
 * API_streams_Record.html, API_streams_StreamRecord.html and
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * time-to-live-ttl-streams.html (userIdentity of TTL deletions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/model.h"
#include "core/timefmt.h"
#include "core/value.h"
#include "ddb_int.h"
#include "store/store.h"

#define RETENTION_S (24 * 3600) /* AWS: stream records are kept 24 hours */

static const void *
bp(const nb_buf *b)
{
    return b->p ? (const void *)b->p : (const void *)"";
}

int
ddb_stream_create(nb_call *call, const char *table, int64_t tid, const char *view, const char **arn,
                  const char **label)
{
    char ts[64];
    /* AWS: the label is the creation time, ISO 8601 with milliseconds and
     * no zone ("2024-01-02T03:04:05.678"). */
    if (nb_time_format(ts, sizeof(ts), call->now, NB_TS_ISO8601))
        return NB_EINTERNAL;
    char *z = strchr(ts, 'Z');
    if (z)
        *z = '\0';
    if (!strchr(ts, '.'))
        snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".000");
    *label = nb_arena_strdup(call->arena, ts);
    *arn = nb_arena_printf(call->arena, "arn:aws:dynamodb:%s:%s:table/%s/stream/%s", call->region,
                           call->account, table, ts);
    nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO ddb_streams (account, region, arn, "
                               "table_name, tid, label, view, created, enabled) VALUES (?1, ?2, "
                               "?3, ?4, ?5, ?6, ?7, ?8, 1)");
    if (!*arn || !*label || !st)
        return NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, *arn);
    nb_bind_text(st, 4, table);
    nb_bind_int(st, 5, tid);
    nb_bind_text(st, 6, *label);
    nb_bind_text(st, 7, view);
    nb_bind_double(st, 8, call->now);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

int
ddb_stream_disable(nb_call *call, int64_t tid)
{
    nb_stmt *st = nb_sql(call, "UPDATE ddb_streams SET enabled = 0 WHERE tid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, tid);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

static int
bind_item(nb_stmt *st, int i, const nb_value *item, nb_buf *b)
{
    nb_buf_init(b, 1 << 20);
    if (!item)
        return nb_bind_null(st, i);
    int rc = ddb_item_encode(item, b);
    return rc ? rc : nb_bind_blob(st, i, bp(b), b->len);
}

int
ddb_stream_record(nb_call *call, const ddb_table *t, const nb_value *old, const nb_value *item,
                  int ttl_delete)
{
    if (!t->stream_view || !t->stream_arn)
        return NB_OK;
    if (old && item) { /* AWS: a write that changes nothing has no record */
        nb_value a = {.type = NB_V_STRUCT}, b = {.type = NB_V_STRUCT};
        nb_value ma = *old, mb = *item;
        ma.key = "M", ma.klen = 1, ma.next = NULL;
        mb.key = "M", mb.klen = 1, mb.next = NULL;
        a.u.c.first = a.u.c.last = &ma, a.u.c.n = 1;
        b.u.c.first = b.u.c.last = &mb, b.u.c.n = 1;
        if (ddb_av_equal(&a, &b))
            return NB_OK;
    }
    const char *v = t->stream_view;
    int want_new = strcmp(v, "NEW_IMAGE") == 0 || strcmp(v, "NEW_AND_OLD_IMAGES") == 0;
    int want_old = strcmp(v, "OLD_IMAGE") == 0 || strcmp(v, "NEW_AND_OLD_IMAGES") == 0;
    const char *ev = !old ? "INSERT" : !item ? "REMOVE" : "MODIFY";
    nb_value *keys = ddb_item_key(call->arena, t, item ? item : old);
    nb_buf kb, nbuf, obuf;
    nb_stmt *st = nb_sql(call, "INSERT INTO ddb_stream_records (stream_arn, created, event, keys, "
                               "new_image, old_image, size, ttl) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                               "?7, ?8)");
    if (!st || !keys)
        return NB_EIO;
    size_t size = ddb_item_size(keys) + (want_new && item ? ddb_item_size(item) : 0) +
                  (want_old && old ? ddb_item_size(old) : 0);
    nb_bind_text(st, 1, t->stream_arn);
    nb_bind_double(st, 2, call->now);
    nb_bind_text(st, 3, ev);
    bind_item(st, 4, keys, &kb);
    bind_item(st, 5, want_new ? item : NULL, &nbuf);
    bind_item(st, 6, want_old ? old : NULL, &obuf);
    nb_bind_int(st, 7, (int64_t)size);
    nb_bind_int(st, 8, ttl_delete);
    int rc = nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
    nb_buf_free(&kb), nb_buf_free(&nbuf), nb_buf_free(&obuf);
    return rc;
}

/* ---- the Streams API ------------------------------------------------------------ */

typedef struct stream {
    const char *arn;   /* StreamArn */
    const char *table; /* TableName */
    const char *label; /* StreamLabel */
    const char *view;  /* StreamViewType */
    double created;    /* CreationRequestDateTime */
    int enabled;       /* ENABLED or DISABLED */
    int64_t tid;       /* the table's id */
} stream;

static int
stream_get(nb_call *call, const char *arn, stream *s)
{
    nb_stmt *st = nb_sql(call, "SELECT table_name, label, view, created, enabled, tid FROM "
                               "ddb_streams WHERE account = ?1 AND region = ?2 AND arn = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, arn);
    if (nb_step(st) != NB_ROW) /* AWS: DescribeStream, ResourceNotFoundException */
        return nb_fail(call, "ResourceNotFoundException",
                       "Requested resource not found: Stream: %s not found", arn);
    s->arn = nb_arena_strdup(call->arena, arn);
    s->table = nb_arena_strdup(call->arena, nb_col_text(st, 0));
    s->label = nb_arena_strdup(call->arena, nb_col_text(st, 1));
    s->view = nb_arena_strdup(call->arena, nb_col_text(st, 2));
    s->created = nb_col_double(st, 3);
    s->enabled = (int)nb_col_int(st, 4);
    s->tid = nb_col_int(st, 5);
    return NB_OK;
}

static const char *
shard_id(nb_call *call, const stream *s)
{
    uint32_t h = 2166136261u;
    for (const char *p = s->arn; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return nb_arena_printf(call->arena, "shardId-%020lld-%08x", (long long)(s->created * 1000), h);
}

static const char *
seq_str(nb_call *call, int64_t seq)
{
    return nb_arena_printf(call->arena, "1%020lld", (long long)seq);
}

static int64_t
seq_parse(const char *s)
{
    int64_t v = 0;
    if (!s || s[0] != '1' || strlen(s) != 21)
        return -1;
    for (const char *p = s + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* The first and last sequence numbers of s's records (0 when none). */
static void
seq_range(nb_call *call, const stream *s, int64_t *first, int64_t *last)
{
    nb_stmt *st = nb_sql(call, "SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM "
                               "ddb_stream_records WHERE stream_arn = ?1 AND created > ?2");
    *first = *last = 0;
    if (!st)
        return;
    nb_bind_text(st, 1, s->arn);
    nb_bind_double(st, 2, call->now - RETENTION_S);
    if (nb_step(st) == NB_ROW)
        *first = nb_col_int(st, 0), *last = nb_col_int(st, 1);
}

int
ddbs_list_streams(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *table = nb_get_str(in, "TableName");
    const char *start = nb_get_str(in, "ExclusiveStartStreamArn");
    int64_t limit = nb_get_int(in, "Limit", 100), n = 0;
    nb_value *l = nb_set_list(out, "Streams");
    nb_stmt *st = nb_sql(call, "SELECT arn, table_name, label FROM ddb_streams WHERE account = ?1 "
                               "AND region = ?2 AND (?3 IS NULL OR table_name = ?3) AND arn > ?4 "
                               "ORDER BY arn");
    const char *last = NULL;
    int rc;
    if (!l || !st)
        return NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    if (table)
        nb_bind_text(st, 3, table);
    else
        nb_bind_null(st, 3);
    nb_bind_text(st, 4, start ? start : "");
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n++ == limit) {
            if (nb_set_str(out, "LastEvaluatedStreamArn", last))
                return NB_ENOMEM;
            break;
        }
        nb_value *s = nb_list_add_struct(l);
        last = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        if (!s || nb_set_str(s, "StreamArn", last) ||
            nb_set_str(s, "TableName", nb_col_text(st, 1)) ||
            nb_set_str(s, "StreamLabel", nb_col_text(st, 2)))
            return NB_ENOMEM;
    }
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EIO;
}

static int
key_schema(nb_call *call, const stream *s, nb_value *d)
{
    nb_stmt *st = nb_sql(call, "SELECT descr FROM ddb_tables WHERE id = ?1");
    nb_value *desc;
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, s->tid);
    if (nb_step(st) != NB_ROW) {
        nb_value *l = nb_set_list(d, "KeySchema");
        return l ? NB_OK : NB_ENOMEM;
    }
    const char *j = nb_col_text(st, 0);
    if (nb_json_parse_value(call->arena, j, strlen(j), &desc, NULL))
        return NB_EINTERNAL;
    nb_value *ks = nb_value_copy(call->arena, nb_get(desc, "KeySchema"));
    return ks ? nb_value_put(d, "KeySchema", 9, ks) : NB_ENOMEM;
}

int
ddbs_describe_stream(nb_call *call, const nb_value *in, nb_value *out)
{
    stream s;
    int64_t first, last;
    int rc = stream_get(call, nb_get_str(in, "StreamArn"), &s);
    if (rc)
        return rc;
    nb_value *d = nb_set_struct(out, "StreamDescription");
    if (!d)
        return NB_ENOMEM;
    seq_range(call, &s, &first, &last);
    rc = nb_set_str(d, "StreamArn", s.arn);
    rc = rc ? rc : nb_set_str(d, "StreamLabel", s.label);
    rc = rc ? rc : nb_set_str(d, "StreamStatus", s.enabled ? "ENABLED" : "DISABLED");
    rc = rc ? rc : nb_set_str(d, "StreamViewType", s.view);
    rc = rc ? rc : nb_set_time(d, "CreationRequestDateTime", s.created);
    rc = rc ? rc : nb_set_str(d, "TableName", s.table);
    rc = rc ? rc : key_schema(call, &s, d);
    nb_value *shards = rc ? NULL : nb_set_list(d, "Shards");
    nb_value *sh = shards ? nb_list_add_struct(shards) : NULL;
    nb_value *r = sh ? nb_set_struct(sh, "SequenceNumberRange") : NULL;
    if (rc || !r)
        return rc ? rc : NB_ENOMEM;
    rc = nb_set_str(sh, "ShardId", shard_id(call, &s));
    rc = rc ? rc : nb_set_str(r, "StartingSequenceNumber", seq_str(call, first ? first : last + 1));
    if (!rc && !s.enabled)
        rc = nb_set_str(r, "EndingSequenceNumber", seq_str(call, last));
    return rc;
}

int
ddbs_get_shard_iterator(nb_call *call, const nb_value *in, nb_value *out)
{
    stream s;
    const char *type = nb_get_str(in, "ShardIteratorType");
    const char *sid = nb_get_str(in, "ShardId");
    int64_t first, last, pos = 0;
    int rc = stream_get(call, nb_get_str(in, "StreamArn"), &s);
    if (rc)
        return rc;
    if (strcmp(sid, shard_id(call, &s)) != 0)
        return nb_fail(call, "ResourceNotFoundException",
                       "Requested resource not found: Shard does not exist");
    seq_range(call, &s, &first, &last);
    if (strcmp(type, "LATEST") == 0) {
        pos = last;
    } else if (strcmp(type, "TRIM_HORIZON") == 0) {
        pos = first ? first - 1 : 0;
    } else {
        int64_t seq = seq_parse(nb_get_str(in, "SequenceNumber"));
        if (seq < 0) /* AWS: GetShardIterator without a valid SequenceNumber */
            return nb_fail(call, "ValidationException",
                           "Invalid SequenceNumber for ShardIteratorType %s", type);
        pos = strcmp(type, "AT_SEQUENCE_NUMBER") == 0 ? seq - 1 : seq;
    }
    return nb_set_str(out, "ShardIterator",
                      nb_arena_printf(call->arena, "%s|%s|%lld", s.arn, sid, (long long)pos));
}

static int
image(nb_call *call, nb_stmt *st, int col, nb_value *d, const char *name)
{
    nb_value *item;
    if (nb_col_is_null(st, col))
        return NB_OK;
    int rc = ddb_item_decode(call->arena, nb_col_blob(st, col), nb_col_bytes(st, col), &item);
    return rc ? rc : nb_value_put(d, name, strlen(name), item);
}

static int
record(nb_call *call, nb_stmt *st, const stream *s, nb_value *list)
{
    nb_value *r = nb_list_add_struct(list);
    nb_value *d = r ? nb_set_struct(r, "dynamodb") : NULL;
    int64_t seq = nb_col_int(st, 0);
    char id[33];
    if (!d)
        return NB_ENOMEM;
    uint64_t h = 1469598103934665603ull;
    for (const char *p = s->arn; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    snprintf(id, sizeof(id), "%016llx%016llx", (unsigned long long)h,
             (unsigned long long)(seq * 2654435761u));
    int rc = nb_set_str(r, "eventID", id);
    rc = rc ? rc : nb_set_str(r, "eventName", nb_col_text(st, 2));
    rc = rc ? rc : nb_set_str(r, "eventVersion", "1.1");
    rc = rc ? rc : nb_set_str(r, "eventSource", "aws:dynamodb");
    rc = rc ? rc : nb_set_str(r, "awsRegion", call->region);
    rc = rc ? rc
            : nb_set_time(d, "ApproximateCreationDateTime", (double)(int64_t)nb_col_double(st, 1));
    rc = rc ? rc : image(call, st, 3, d, "Keys");
    rc = rc ? rc : image(call, st, 4, d, "NewImage");
    rc = rc ? rc : image(call, st, 5, d, "OldImage");
    rc = rc ? rc : nb_set_str(d, "SequenceNumber", seq_str(call, seq));
    rc = rc ? rc : nb_set_int(d, "SizeBytes", nb_col_int(st, 6));
    rc = rc ? rc : nb_set_str(d, "StreamViewType", s->view);
    if (!rc && nb_col_int(st, 7)) {
        nb_value *u = nb_set_struct(r, "userIdentity");
        rc = u ? nb_set_str(u, "PrincipalId", "dynamodb.amazonaws.com") : NB_ENOMEM;
        rc = rc ? rc : nb_set_str(u, "Type", "Service");
    }
    return rc;
}

int
ddbs_get_records(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *it = nb_get_str(in, "ShardIterator");
    const char *p1 = strchr(it, '|'), *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
    int64_t limit = nb_get_int(in, "Limit", 1000), pos, n = 0, last = -1;
    stream s;
    if (!p2) /* AWS: GetRecords with a malformed iterator */
        return nb_fail(call, "ValidationException", "Invalid ShardIterator");
    const char *arn = nb_arena_strndup(call->arena, it, (size_t)(p1 - it));
    const char *sid = nb_arena_strndup(call->arena, p1 + 1, (size_t)(p2 - p1 - 1));
    pos = strtoll(p2 + 1, NULL, 10);
    int rc = stream_get(call, arn, &s);
    if (rc)
        return rc;
    nb_value *l = nb_set_list(out, "Records");
    nb_stmt *st = nb_sql(call, "SELECT seq, created, event, keys, new_image, old_image, size, ttl "
                               "FROM ddb_stream_records WHERE stream_arn = ?1 AND seq > ?2 AND "
                               "created > ?3 ORDER BY seq LIMIT ?4");
    if (!l || !st)
        return NB_ENOMEM;
    nb_bind_text(st, 1, arn);
    nb_bind_int(st, 2, pos);
    nb_bind_double(st, 3, call->now - RETENTION_S);
    nb_bind_int(st, 4, limit);
    while ((rc = nb_step(st)) == NB_ROW) {
        last = nb_col_int(st, 0);
        n++;
        if ((rc = record(call, st, &s, l)))
            return rc;
    }
    if (rc != NB_DONE)
        return NB_EIO;
    if (last >= 0)
        pos = last;
    /* AWS: a closed shard read to its end has no next iterator */
    if (!s.enabled && n == 0)
        return NB_OK;
    return nb_set_str(out, "NextShardIterator",
                      nb_arena_printf(call->arena, "%s|%s|%lld", arn, sid, (long long)pos));
}

/* ---- TTL ----------------------------------------------------------------------- */

static nb_timer_id ttl_timer;

int
ddb_ttl_reindex(nb_call *call, int64_t tid, const char *attr)
{
    /* recompute expires for each item: read, then write back */
    nb_stmt *st = nb_sql(call, "SELECT pk, sk, item FROM ddb_items WHERE tid = ?1");
    nb_value *rows = nb_value_list(call->arena);
    int rc;
    if (!st || !rows)
        return NB_EIO;
    nb_bind_int(st, 1, tid);
    while ((rc = nb_step(st)) == NB_ROW) {
        nb_value *r = nb_value_struct(call->arena);
        nb_value *item;
        if (!r || nb_set_blob(r, "pk", nb_col_blob(st, 0), nb_col_bytes(st, 0)) ||
            nb_set_blob(r, "sk", nb_col_blob(st, 1), nb_col_bytes(st, 1)) ||
            ddb_item_decode(call->arena, nb_col_blob(st, 2), nb_col_bytes(st, 2), &item) ||
            nb_value_put(r, "item", 4, item) || nb_value_append(rows, r))
            return NB_ENOMEM;
    }
    for (const nb_value *r = nb_first(rows); r; r = r->next) {
        const nb_value *v = attr ? ddb_map_get(nb_get(r, "item"), attr, strlen(attr)) : NULL;
        ddb_num n;
        double exp = -1;
        if (v && !ddb_av_getnum(v, &n) && n.sign > 0 && n.exp <= 15) {
            exp = 0;
            for (int i = 0; i < n.exp; i++)
                exp = exp * 10 + (i < n.nd ? n.d[i] : 0);
        }
        st = nb_sql(call, "UPDATE ddb_items SET expires = ?4 WHERE tid = ?1 AND pk = ?2 AND "
                          "sk = ?3");
        if (!st)
            return NB_EIO;
        const nb_value *pk = nb_get(r, "pk"), *sk = nb_get(r, "sk");
        nb_bind_int(st, 1, tid);
        nb_bind_blob(st, 2, pk->u.s.p, pk->u.s.len);
        nb_bind_blob(st, 3, sk->u.s.p, sk->u.s.len);
        if (exp >= 0)
            nb_bind_double(st, 4, exp);
        else
            nb_bind_null(st, 4);
        if (nb_step(st) != NB_DONE)
            return NB_EIO;
    }
    return NB_OK;
}

/* One expired item of the store, deleted in its own background call. */
static int
sweep_one(void)
{
    nb_call *call = nb_call_new(NULL, NULL);
    int rc = NB_ENOTFOUND;
    if (!call)
        return NB_ENOMEM;
    nb_stmt *st = nb_sql(call, "SELECT i.tid, t.account, t.region, i.item FROM ddb_items i JOIN "
                               "ddb_tables t ON t.id = i.tid WHERE i.expires IS NOT NULL AND "
                               "i.expires <= ?1 AND t.ttl_on = 1 LIMIT 1");
    if (st) {
        nb_bind_double(st, 1, call->now);
        if (nb_step(st) == NB_ROW) {
            int64_t tid = nb_col_int(st, 0);
            snprintf(call->account, sizeof(call->account), "%s", nb_col_text(st, 1));
            snprintf(call->region, sizeof(call->region), "%s", nb_col_text(st, 2));
            nb_value *item;
            ddb_table t;
            rc = ddb_item_decode(call->arena, nb_col_blob(st, 3), nb_col_bytes(st, 3), &item);
            rc = rc ? rc : ddb_table_by_id(call, tid, &t);
            rc = rc ? rc : ddb_item_store(call, &t, item, NULL, 1);
            rc = rc ? rc : nb_store_commit(call);
        }
    }
    nb_call_free(call);
    return rc;
}

static void
on_ttl(void *ud)
{
    int n = 0;
    while (n < 1000 && sweep_one() == NB_OK)
        n++;
    ttl_timer = nb_timer_add(1000, on_ttl, NULL);
}

int
ddb_ttl_arm(void)
{
    if (!ttl_timer)
        ttl_timer = nb_timer_add(1000, on_ttl, NULL);
    return ttl_timer ? NB_OK : NB_ENOMEM;
}

/* At start the sweeper runs only on disk, where an earlier run may have
 * left tables with TTL on; in memory it waits for the first
 * UpdateTimeToLive, so that an idle server neither wakes every second nor
 * makes DynamoDB's tables before anyone uses them. */
int
ddb_ttl_start(void)
{
    return nb_cfg.data_dir ? ddb_ttl_arm() : NB_OK;
}

void
ddb_ttl_stop(void)
{
    nb_timer_cancel(ttl_timer);
    ttl_timer = 0;
}
