/*
 * sqs_queue.c: queues and their attributes: CreateQueue, GetQueueUrl,
 * ListQueues, DeleteQueue, Get/SetQueueAttributes, PurgeQueue, tags,
 * permissions and ListDeadLetterSourceQueues.
 *
 * Attributes are kept as the strings SQS returns (sqs_attrs), defaults
 * included, so that GetQueueAttributes and CreateQueue's "same
 * attributes" check read one place; attr_defs says how each is checked.
 *
 * AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 * and API_SetQueueAttributes.html (names, ranges, defaults). Messages of
 * errors not in those pages come from AWS answers recorded by LocalStack
 * (tests/aws/services/sqs/test_sqs.snapshot.json).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/call.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/value.h"
#include "sqs_int.h"
#include "store/store.h"

enum { A_INT, A_BOOL, A_JSON, A_STR, A_ENUM };

/* Flags of an attribute. */
#define AF_FIFO 1   /* FIFO queues only */
#define AF_CREATE 2 /* only at creation (FifoQueue) */

static const struct attr_def {
    const char *name;  /* attribute name */
    int kind;          /* A_* */
    int64_t min, max;  /* A_INT range */
    const char *enums; /* A_ENUM values, '|'-separated */
    const char *dflt;  /* stored at creation, or NULL */
    int flags;         /* AF_* */
} attr_defs[] = {
    {"ContentBasedDeduplication", A_BOOL, 0, 0, NULL, "false", AF_FIFO},
    {"DeduplicationScope", A_ENUM, 0, 0, "queue|messageGroup", "queue", AF_FIFO},
    {"DelaySeconds", A_INT, 0, 900, NULL, "0", 0},
    {"FifoQueue", A_BOOL, 0, 0, NULL, "true", AF_FIFO | AF_CREATE},
    {"FifoThroughputLimit", A_ENUM, 0, 0, "perQueue|perMessageGroupId", "perQueue", AF_FIFO},
    {"KmsDataKeyReusePeriodSeconds", A_INT, 60, 86400, NULL, NULL, 0},
    {"KmsMasterKeyId", A_STR, 0, 0, NULL, NULL, 0},
    {"MaximumMessageSize", A_INT, 1024, 1048576, NULL, "1048576", 0},
    {"MessageRetentionPeriod", A_INT, 60, 1209600, NULL, "345600", 0},
    {"Policy", A_JSON, 0, 0, NULL, NULL, 0},
    {"ReceiveMessageWaitTimeSeconds", A_INT, 0, 20, NULL, "0", 0},
    {"RedriveAllowPolicy", A_JSON, 0, 0, NULL, NULL, 0},
    {"RedrivePolicy", A_JSON, 0, 0, NULL, NULL, 0},
    /* AWS: SSE-SQS is on by default for new queues (since 2022). */
    {"SqsManagedSseEnabled", A_BOOL, 0, 0, NULL, "true", 0},
    {"VisibilityTimeout", A_INT, 0, 43200, NULL, "30", 0},
};

/* Read-only attributes GetQueueAttributes computes. */
static const char *const computed[] = {
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
};

static const struct attr_def *
attr_def(const char *name)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(attr_defs); i++)
        if (strcmp(attr_defs[i].name, name) == 0)
            return &attr_defs[i];
    return NULL;
}

static int
is_computed(const char *name)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(computed); i++)
        if (strcmp(computed[i], name) == 0)
            return 1;
    return 0;
}

static int
bad_value(nb_call *call, const char *name)
{
    return nb_fail(call, "InvalidAttributeValue", "Invalid value for the parameter %s.", name);
}

static int
unknown_attr(nb_call *call, const char *name)
{
    return nb_fail(call, "InvalidAttributeName", "Unknown Attribute %s.", name);
}

/* A decimal integer with optional sign, nothing else. */
static int
parse_int(const char *s, int64_t *v)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s))
        return 0;
    long long x = strtoll(s, &end, 10);
    if (*end)
        return 0;
    *v = x;
    return 1;
}

/* RedrivePolicy: {"deadLetterTargetArn": "<arn>", "maxReceiveCount": N},
 * N from 1 to 1000, as a number or a string. Normalised as AWS returns
 * it (maxReceiveCount a number). */
static int
check_redrive(nb_call *call, const char *v, const sqs_queue *self, const char **norm)
{
    nb_value *j = NULL;
    const char *why = "Redrive policy is not a valid JSON map.";
    if (nb_json_parse_value(call->arena, v, strlen(v), &j, NULL) || j->type != NB_V_MAP)
        goto bad;
    const nb_value *mrc = nb_get(j, "maxReceiveCount");
    const char *arn = nb_get_str(j, "deadLetterTargetArn");
    int64_t n = 0;
    if (mrc && mrc->type == NB_V_INT)
        n = mrc->u.i;
    else if (!mrc || mrc->type != NB_V_STR || !parse_int(mrc->u.s.p, &n))
        n = -1;
    if (!arn || n < 0) {
        why = "Redrive policy does not contain mandatory attribute: maxReceiveCount.";
        if (!arn)
            why = "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.";
        goto bad;
    }
    if (n < 1 || n > 1000) {
        why = "Invalid value for maxReceiveCount: must be between 1 and 1000.";
        goto bad;
    }
    sqs_queue dlq;
    int rc = sqs_queue_by_arn(call, arn, &dlq);
    if (rc == NB_ENOTFOUND) {
        why = "Dead-letter target does not exist.";
        goto bad;
    }
    if (rc)
        return rc;
    if (self && dlq.fifo != self->fifo) {
        why = self->fifo ? "Dead-letter queue must be same type of queue as the source."
                         : "Dead-letter queue must be same type of queue as the source.";
        goto bad;
    }
    *norm =
        nb_arena_printf(call->arena, "{\"deadLetterTargetArn\":\"%s\",\"maxReceiveCount\":%lld}",
                        dlq.arn, (long long)n);
    return *norm ? NB_OK : NB_ENOMEM;
bad:
    return nb_fail(call, "InvalidParameterValue",
                   "Value %s for parameter RedrivePolicy is invalid. Reason: %s", v, why);
}

/* Checks one attribute for a queue (fifo tells its type) and gives the
 * value to store. */
static int
check_attr(nb_call *call, const char *name, const char *v, int fifo, const sqs_queue *self,
           const char **norm)
{
    const struct attr_def *d = attr_def(name);
    int64_t n;
    if (!d || (d->flags & AF_FIFO && !fifo && strcmp(name, "ContentBasedDeduplication") == 0) ||
        (strcmp(name, "FifoQueue") == 0 && !fifo))
        return unknown_attr(call, name);
    if (d->flags & AF_FIFO && !fifo)
        return nb_fail(call, "InvalidAttributeName",
                       "You can specify the %s only when FifoQueue is set to true.", name);
    *norm = v;
    switch (d->kind) {
    case A_INT:
        if (!parse_int(v, &n) || n < d->min || n > d->max)
            return bad_value(call, name);
        *norm = nb_arena_printf(call->arena, "%lld", (long long)n);
        return *norm ? NB_OK : NB_ENOMEM;
    case A_BOOL:
        if (strcasecmp(v, "true") == 0)
            *norm = "true";
        else if (strcasecmp(v, "false") == 0)
            *norm = "false";
        else
            return bad_value(call, name);
        if (strcmp(name, "FifoQueue") == 0 && strcmp(*norm, "true") != 0)
            return nb_fail(call, "InvalidAttributeValue",
                           "Invalid value for the parameter FifoQueue. Reason: Modifying queue "
                           "type is not supported.");
        return NB_OK;
    case A_ENUM: {
        size_t l = strlen(v);
        for (const char *p = d->enums; *p;) {
            size_t el = strcspn(p, "|");
            if (el == l && strncmp(p, v, l) == 0)
                return NB_OK;
            p += el + (p[el] == '|');
        }
        return bad_value(call, name);
    }
    case A_JSON:
        if (!*v) /* AWS: an empty policy removes it */
            return NB_OK;
        if (strcmp(name, "RedrivePolicy") == 0)
            return check_redrive(call, v, self, norm);
        nb_value *j;
        if (nb_json_parse_value(call->arena, v, strlen(v), &j, NULL) || j->type != NB_V_MAP)
            return bad_value(call, name);
        return NB_OK;
    default:
        return NB_OK;
    }
}

static int
put_attr(nb_call *call, int64_t qid, const char *name, const char *value)
{
    nb_stmt *st;
    sqs_queue_changed();
    if (!*value &&
        (strcmp(name, "RedrivePolicy") == 0 || strcmp(name, "Policy") == 0 ||
         strcmp(name, "RedriveAllowPolicy") == 0 || strcmp(name, "KmsMasterKeyId") == 0)) {
        st = nb_sql(call, "DELETE FROM sqs_attrs WHERE qid = ?1 AND name = ?2");
    } else {
        st =
            nb_sql(call, "INSERT OR REPLACE INTO sqs_attrs (qid, name, value) VALUES (?1, ?2, ?3)");
        if (st)
            nb_bind_text(st, 3, value);
    }
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, qid);
    nb_bind_text(st, 2, name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

/* Parses the stored attributes into the struct's fields. */
static void
parse_attrs(nb_call *call, sqs_queue *q)
{
    q->visibility = SQS_DEFAULT_VISIBILITY;
    q->max_size = SQS_DEFAULT_MAX_SIZE;
    q->retention = SQS_DEFAULT_RETENTION;
    for (const nb_value *a = nb_first(q->attrs); a; a = a->next) {
        const char *v = a->u.s.p;
        int64_t n = 0;
        parse_int(v, &n);
        if (strcmp(a->key, "VisibilityTimeout") == 0)
            q->visibility = n;
        else if (strcmp(a->key, "DelaySeconds") == 0)
            q->delay = n;
        else if (strcmp(a->key, "MaximumMessageSize") == 0)
            q->max_size = n;
        else if (strcmp(a->key, "MessageRetentionPeriod") == 0)
            q->retention = n;
        else if (strcmp(a->key, "ReceiveMessageWaitTimeSeconds") == 0)
            q->wait = n;
        else if (strcmp(a->key, "ContentBasedDeduplication") == 0)
            q->cbd = strcmp(v, "true") == 0;
        else if (strcmp(a->key, "DeduplicationScope") == 0)
            q->dedup_per_group = strcmp(v, "messageGroup") == 0;
        else if (strcmp(a->key, "RedrivePolicy") == 0) {
            nb_value *j = NULL;
            if (nb_json_parse_value(call->arena, v, strlen(v), &j, NULL) == NB_OK) {
                q->dlq_arn = nb_get_str(j, "deadLetterTargetArn");
                q->max_receive = nb_get_int(j, "maxReceiveCount", 0);
            }
        }
    }
}

/* ---- the queue cache ---- */

/* Every SendMessage and ReceiveMessage loads its queue: two statements, a
 * quarter of a send's SQLite work. The queues loaded last are kept here as
 * the store gave them (the row and the attribute strings). An entry holds
 * while no SQS write changed a queue's row or attributes since
 * (sqs_queue_changed(), called by each such write, bumps qc_gen) and the
 * store has neither rolled back nor reset since (nb_store_epoch()): state
 * read inside a transaction that is then undone must not outlive it. */
#define QC_SLOTS 16              /* entries, by a hash of the name */
#define QC_ENTRY_MAX (64u << 10) /* a queue with more attribute bytes is not kept */

typedef struct qc_entry {
    char *mem;                           /* the one allocation: strings and attr, or NULL */
    const char *account, *region, *name; /* the key, in mem */
    const char **attr;                   /* name, value pairs: 2 * nattr pointers into mem */
    size_t nattr;                        /* attributes */
    int64_t qid, seq;                    /* the row's values */
    double created, modified, purged;
    int fifo;
    uint64_t gen, epoch; /* qc_gen and nb_store_epoch() when read */
} qc_entry;

static qc_entry qc[QC_SLOTS];
static uint64_t qc_gen = 1;

void
sqs_queue_changed(void)
{
    qc_gen++;
}

void
sqs_queue_cache_free(void)
{
    for (size_t i = 0; i < QC_SLOTS; i++)
        nb_free(qc[i].mem);
    memset(qc, 0, sizeof(qc));
}

static qc_entry *
qc_slot(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return &qc[h % QC_SLOTS];
}

static const qc_entry *
qc_find(const char *region, const char *account, const char *name)
{
    const qc_entry *e = qc_slot(name);
    if (!e->mem || e->gen != qc_gen || e->epoch != nb_store_epoch() || strcmp(e->name, name) != 0 ||
        strcmp(e->account, account) != 0 || strcmp(e->region, region) != 0)
        return NULL;
    return e;
}

/* Appends s and its NUL at *o; returns where it went. */
static const char *
qc_copy(char **o, const char *s, size_t n)
{
    char *d = *o;
    memcpy(d, s, n);
    d[n] = '\0';
    *o = d + n + 1;
    return d;
}

/* Keeps q (just read from the store) in its slot; a failure only means
 * that the next load reads the store again. */
static void
qc_put(const sqs_queue *q)
{
    size_t n = 0, size = strlen(q->account) + strlen(q->region) + strlen(q->name) + 3;
    for (const nb_value *a = nb_first(q->attrs); a; a = a->next, n++)
        size += a->klen + a->u.s.len + 2;
    size_t ptrs = 2 * n * sizeof(const char *);
    qc_entry *e = qc_slot(q->name);
    nb_free(e->mem);
    memset(e, 0, sizeof(*e));
    if (size + ptrs > QC_ENTRY_MAX || !(e->mem = nb_malloc(ptrs + size)))
        return;
    char *o = e->mem + ptrs;
    e->attr = (const char **)(void *)e->mem;
    e->account = qc_copy(&o, q->account, strlen(q->account));
    e->region = qc_copy(&o, q->region, strlen(q->region));
    e->name = qc_copy(&o, q->name, strlen(q->name));
    for (const nb_value *a = nb_first(q->attrs); a; a = a->next, e->nattr++) {
        e->attr[2 * e->nattr] = qc_copy(&o, a->key, a->klen);
        e->attr[2 * e->nattr + 1] = qc_copy(&o, a->u.s.p, a->u.s.len);
    }
    e->qid = q->qid;
    e->seq = q->seq;
    e->created = q->created;
    e->modified = q->modified;
    e->purged = q->purged;
    e->fifo = q->fifo;
    e->gen = qc_gen;
    e->epoch = nb_store_epoch();
}

/* The fields every load fills the same way, from the key. */
static int
fill_names(nb_call *call, const char *region, const char *account, const char *name, sqs_queue *q)
{
    q->name = nb_arena_strdup(call->arena, name);
    q->account = nb_arena_strdup(call->arena, account);
    q->region = nb_arena_strdup(call->arena, region);
    q->arn = nb_arena_printf(call->arena, "arn:aws:sqs:%s:%s:%s", region, account, name);
    q->attrs = nb_value_map(call->arena);
    if (!q->name || !q->account || !q->region || !q->arn || !q->attrs)
        return NB_ENOMEM;
    return NB_OK;
}

int
sqs_queue_load(nb_call *call, const char *region, const char *account, const char *name,
               sqs_queue *q)
{
    memset(q, 0, sizeof(*q));
    const qc_entry *e = qc_find(region, account, name);
    if (e) {
        q->qid = e->qid;
        q->created = e->created;
        q->modified = e->modified;
        q->fifo = e->fifo;
        q->seq = e->seq;
        q->purged = e->purged;
        if (fill_names(call, region, account, name, q))
            return NB_ENOMEM;
        for (size_t i = 0; i < e->nattr; i++)
            if (nb_set_str(q->attrs, e->attr[2 * i], e->attr[2 * i + 1]))
                return NB_ENOMEM;
        parse_attrs(call, q);
        return NB_OK;
    }
    nb_stmt *st = nb_sql(call, "SELECT qid, created, modified, fifo, seq, purged FROM sqs_queues"
                               " WHERE account = ?1 AND region = ?2 AND name = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, account);
    nb_bind_text(st, 2, region);
    nb_bind_text(st, 3, name);
    int rc = nb_step(st);
    if (rc == NB_DONE)
        return NB_ENOTFOUND;
    if (rc != NB_ROW)
        return NB_EIO;
    q->qid = nb_col_int(st, 0);
    q->created = nb_col_double(st, 1);
    q->modified = nb_col_double(st, 2);
    q->fifo = (int)nb_col_int(st, 3);
    q->seq = nb_col_int(st, 4);
    q->purged = nb_col_double(st, 5);
    if (fill_names(call, region, account, name, q))
        return NB_ENOMEM;
    st = nb_sql(call, "SELECT name, value FROM sqs_attrs WHERE qid = ?1 ORDER BY name");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q->qid);
    while ((rc = nb_step(st)) == NB_ROW)
        if (nb_set_str(q->attrs, nb_col_text(st, 0), nb_col_text(st, 1)))
            return NB_ENOMEM;
    if (rc != NB_DONE)
        return NB_EIO;
    qc_put(q);
    parse_attrs(call, q);
    return NB_OK;
}

int
sqs_queue_by_arn(nb_call *call, const char *arn, sqs_queue *q)
{
    const char *region, *account, *name;
    int rc = sqs_parse_arn(call, arn, &region, &account, &name);
    return rc ? rc : sqs_queue_load(call, region, account, name, q);
}

/* AWS: "Queue names can contain up to 80 characters: alphanumeric
 * characters, hyphens (-), and underscores (_). A FIFO queue name must
 * end with the .fifo suffix." */
static int
check_name(nb_call *call, const char *name, int fifo)
{
    size_t n = strlen(name), body = n;
    if (fifo && n > 5 && strcmp(name + n - 5, ".fifo") == 0)
        body = n - 5;
    int ok = n >= 1 && n <= 80 && body > 0;
    for (size_t i = 0; ok && i < body; i++)
        ok = isalnum((unsigned char)name[i]) || name[i] == '-' || name[i] == '_';
    if (fifo && (!ok || body == n))
        return nb_fail(call, "InvalidParameterValue",
                       "The name of a FIFO queue can only include alphanumeric characters, "
                       "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in "
                       "length.");
    if (!ok)
        return nb_fail(call, "InvalidParameterValue",
                       "Can only include alphanumeric characters, hyphens, or underscores. 1 to "
                       "80 in length");
    return NB_OK;
}

/* The current value of an attribute, "" when not set. */
static const char *
cur_attr(const sqs_queue *q, const char *name)
{
    const char *v = nb_get_str(q->attrs, name);
    return v ? v : "";
}

static int
put_tags(nb_call *call, int64_t qid, const nb_value *tags)
{
    for (const nb_value *t = nb_first(tags); t; t = t->next) {
        nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO sqs_tags (qid, key, value)"
                                   " VALUES (?1, ?2, ?3)");
        if (!st)
            return NB_EIO;
        nb_bind_int(st, 1, qid);
        nb_bind_textn(st, 2, t->key, t->klen);
        nb_bind_text(st, 3, t->type == NB_V_STR ? t->u.s.p : "");
        if (nb_step(st) != NB_DONE)
            return NB_EIO;
    }
    return NB_OK;
}

/* CreateQueue on an existing queue: every attribute given must equal the
 * current one. AWS: "If you provide the name of an existing queue along
 * with the exact names and values of all the queue's attributes,
 * CreateQueue returns the queue URL for the existing queue." */
static int
create_existing(nb_call *call, const sqs_queue *q, const nb_value *attrs)
{
    for (const nb_value *a = nb_first(attrs); a; a = a->next) {
        const char *norm;
        int rc = check_attr(call, a->key, a->u.s.p, q->fifo, q, &norm);
        if (rc)
            return rc;
        if (strcmp(norm, cur_attr(q, a->key)) != 0)
            return nb_fail(call, "QueueNameExists",
                           "A queue already exists with the same name and a different value for "
                           "attribute %s",
                           a->key);
    }
    return NB_OK;
}

int
sqs_queue_create(nb_call *call, const char *name, const nb_value *attrs, const nb_value *tags,
                 const char **url)
{
    const char *fq = nb_get_str(attrs, "FifoQueue");
    int fifo = fq && strcasecmp(fq, "true") == 0;
    sqs_queue q;
    int rc;
    if (fq && !fifo) /* AWS: FifoQueue=false on a standard queue is unknown */
        return unknown_attr(call, "FifoQueue");
    rc = check_name(call, name, fifo);
    if (rc)
        return rc;
    *url = sqs_queue_url(call, call->account, name);
    if (!*url)
        return NB_ENOMEM;
    rc = sqs_queue_load(call, call->region, call->account, name, &q);
    if (rc == NB_OK)
        return create_existing(call, &q, attrs);
    if (rc != NB_ENOTFOUND)
        return rc;
    memset(&q, 0, sizeof(q));
    q.fifo = fifo;
    const char *norms[NB_ARRAY_LEN(attr_defs)] = {0};
    for (const nb_value *a = nb_first(attrs); a; a = a->next) {
        const char *norm;
        rc = check_attr(call, a->key, a->u.s.p, fifo, &q, &norm);
        if (rc)
            return rc;
        norms[attr_def(a->key) - attr_defs] = norm;
    }
    nb_stmt *st = nb_sql(call, "INSERT INTO sqs_queues (account, region, name, created, modified,"
                               " fifo) VALUES (?1, ?2, ?3, ?4, ?4, ?5)");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_double(st, 4, (double)(int64_t)call->now);
    nb_bind_int(st, 5, fifo);
    sqs_queue_changed();
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    st = nb_sql(call, "SELECT last_insert_rowid()");
    if (!st || nb_step(st) != NB_ROW)
        return NB_EIO;
    int64_t qid = nb_col_int(st, 0);
    for (size_t i = 0; i < NB_ARRAY_LEN(attr_defs); i++) {
        const struct attr_def *d = &attr_defs[i];
        const char *v = norms[i] ? norms[i] : d->dflt;
        if (!norms[i] && d->flags & AF_FIFO && !fifo)
            continue;
        if (!norms[i] && strcmp(d->name, "SqsManagedSseEnabled") == 0 &&
            norms[attr_def("KmsMasterKeyId") - attr_defs])
            v = "false"; /* AWS: a KMS key replaces SSE-SQS */
        if (v && *v && (rc = put_attr(call, qid, d->name, v)))
            return rc;
    }
    return put_tags(call, qid, tags);
}

int
sqs_create_queue(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *url;
    int rc = sqs_queue_create(call, nb_get_str(in, "QueueName"), nb_get(in, "Attributes"),
                              nb_get(in, "tags"), &url);
    return rc ? rc : nb_set_str(out, "QueueUrl", url);
}

int
sqs_get_queue_url(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    const char *owner = nb_get_str(in, "QueueOwnerAWSAccountId");
    int rc = sqs_queue_load(call, call->region, owner ? owner : call->account,
                            nb_get_str(in, "QueueName"), &q);
    if (rc == NB_ENOTFOUND)
        return sqs_no_queue(call);
    if (rc)
        return rc;
    return nb_set_str(out, "QueueUrl", sqs_queue_url(call, q.account, q.name));
}

/* ListQueues and ListDeadLetterSourceQueues page the same way: names in
 * order, NextToken the last name given. AWS: MaxResults 1 to 1000; without
 * it up to 1000 and no NextToken. */
static int
page_args(nb_call *call, const nb_value *in, int64_t *max, const char **after)
{
    const nb_value *mr = nb_get(in, "MaxResults");
    *max = mr ? mr->u.i : 1000;
    *after = nb_get_str(in, "NextToken");
    if (!*after)
        *after = "";
    if (mr && (*max < 1 || *max > 1000))
        return nb_fail(call, "InvalidParameterValue",
                       "Value %lld for parameter MaxResults is invalid. Reason: MaxResults must be "
                       "an integer between 1 and 1000.",
                       (long long)*max);
    return NB_OK;
}

int
sqs_list_queues(nb_call *call, const nb_value *in, nb_value *out)
{
    int64_t max, n = 0;
    const char *after, *prefix = nb_get_str(in, "QueueNamePrefix"), *last = NULL;
    int rc = page_args(call, in, &max, &after);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "SELECT name FROM sqs_queues WHERE account = ?1 AND region = ?2"
                               " AND substr(name, 1, length(?3)) = ?3 AND name > ?4"
                               " ORDER BY name LIMIT ?5");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, prefix ? prefix : "");
    nb_bind_text(st, 4, after);
    nb_bind_int(st, 5, max + 1);
    nb_value *urls = NULL;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n == max) {
            if (nb_get(in, "MaxResults") && nb_set_str(out, "NextToken", last))
                return NB_ENOMEM;
            break;
        }
        const char *name = nb_col_text(st, 0);
        if (!urls && !(urls = nb_set_list(out, "QueueUrls")))
            return NB_ENOMEM;
        if (nb_list_add_str(urls, sqs_queue_url(call, call->account, name)))
            return NB_ENOMEM;
        last = nb_arena_strdup(call->arena, name);
        n++;
    }
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EIO;
}

int
sqs_queue_drop(nb_call *call, const sqs_queue *q)
{
    static const char *const sql[] = {
        "DELETE FROM sqs_messages WHERE qid = ?1", "DELETE FROM sqs_attrs WHERE qid = ?1",
        "DELETE FROM sqs_tags WHERE qid = ?1",     "DELETE FROM sqs_perms WHERE qid = ?1",
        "DELETE FROM sqs_dedup WHERE qid = ?1",    "DELETE FROM sqs_queues WHERE qid = ?1",
    };
    sqs_queue_changed();
    for (size_t i = 0; i < NB_ARRAY_LEN(sql); i++) {
        nb_stmt *st = nb_sql(call, sql[i]);
        if (!st)
            return NB_EIO;
        nb_bind_int(st, 1, q->qid);
        if (nb_step(st) != NB_DONE)
            return NB_EIO;
    }
    sqs_poll_kick(q->qid); /* waiters find the queue gone and return */
    return NB_OK;
}

int
sqs_delete_queue(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    return rc ? rc : sqs_queue_drop(call, &q);
}

static int
set_count(nb_value *m, const char *name, int64_t n)
{
    char b[24];
    snprintf(b, sizeof(b), "%lld", (long long)n);
    return nb_set_str(m, name, b);
}

/* The computed attribute name into map m. */
static int
put_computed(nb_call *call, const sqs_queue *q, const char *name, nb_value *m, int64_t c[3])
{
    if (strcmp(name, "QueueArn") == 0)
        return nb_set_str(m, name, q->arn);
    if (strcmp(name, "CreatedTimestamp") == 0)
        return set_count(m, name, (int64_t)q->created);
    if (strcmp(name, "LastModifiedTimestamp") == 0)
        return set_count(m, name, (int64_t)q->modified);
    if (c[0] < 0 && sqs_counts(call, q, &c[0], &c[1], &c[2]))
        return NB_EIO;
    if (strcmp(name, "ApproximateNumberOfMessages") == 0)
        return set_count(m, name, c[0]);
    if (strcmp(name, "ApproximateNumberOfMessagesNotVisible") == 0)
        return set_count(m, name, c[1]);
    return set_count(m, name, c[2]);
}

static int
put_named(nb_call *call, const sqs_queue *q, const char *name, nb_value *m, int64_t c[3])
{
    if (is_computed(name))
        return put_computed(call, q, name, m, c);
    const char *v = nb_get_str(q->attrs, name);
    if (v)
        return nb_set_str(m, name, v);
    if (!attr_def(name))
        return unknown_attr(call, name);
    return NB_OK;
}

int
sqs_get_queue_attributes(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    const nb_value *names = nb_get(in, "AttributeNames");
    int all = 0;
    for (const nb_value *n = nb_first(names); n; n = n->next)
        all |= strcmp(n->u.s.p, "All") == 0;
    if (!nb_first(names))
        return NB_OK;
    if ((rc = sqs_expire(call, &q)))
        return rc;
    nb_value *m = nb_value_map(call->arena);
    int64_t c[3] = {-1, -1, -1};
    if (!m)
        return NB_ENOMEM;
    if (all) {
        for (size_t i = 0; !rc && i < NB_ARRAY_LEN(computed); i++)
            rc = put_computed(call, &q, computed[i], m, c);
        for (const nb_value *a = nb_first(q.attrs); !rc && a; a = a->next)
            rc = nb_set_str(m, a->key, a->u.s.p);
    } else {
        for (const nb_value *n = nb_first(names); !rc && n; n = n->next)
            rc = put_named(call, &q, n->u.s.p, m, c);
    }
    if (rc)
        return rc;
    return nb_first(m) ? nb_value_put(out, "Attributes", 10, m) : NB_OK;
}

int
sqs_set_queue_attributes(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    const nb_value *attrs = nb_get(in, "Attributes");
    for (const nb_value *a = nb_first(attrs); a; a = a->next) {
        const char *norm;
        if (is_computed(a->key))
            return unknown_attr(call, a->key);
        rc = check_attr(call, a->key, a->u.s.p, q.fifo, &q, &norm);
        if (rc)
            return rc;
        if ((rc = put_attr(call, q.qid, a->key, norm)))
            return rc;
    }
    nb_stmt *st = nb_sql(call, "UPDATE sqs_queues SET modified = ?2 WHERE qid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q.qid);
    nb_bind_double(st, 2, (double)(int64_t)call->now);
    sqs_queue_changed();
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    sqs_poll_kick(q.qid); /* a shorter visibility may make messages receivable */
    return NB_OK;
}

int
sqs_purge_queue(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    /* AWS: "Only one PurgeQueue operation on <name> is allowed every 60
     * seconds." (PurgeQueueInProgress) */
    if (q.purged && call->now - q.purged < 60)
        return nb_fail(call, "PurgeQueueInProgress",
                       "Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.name);
    nb_stmt *st = nb_sql(call, "DELETE FROM sqs_messages WHERE qid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q.qid);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    st = nb_sql(call, "UPDATE sqs_queues SET purged = ?2 WHERE qid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q.qid);
    nb_bind_double(st, 2, call->now);
    sqs_queue_changed();
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

int
sqs_tag_queue(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    return rc ? rc : put_tags(call, q.qid, nb_get(in, "Tags"));
}

int
sqs_untag_queue(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    for (const nb_value *k = nb_first(nb_get(in, "TagKeys")); k; k = k->next) {
        nb_stmt *st = nb_sql(call, "DELETE FROM sqs_tags WHERE qid = ?1 AND key = ?2");
        if (!st)
            return NB_EIO;
        nb_bind_int(st, 1, q.qid);
        nb_bind_text(st, 2, k->u.s.p);
        if (nb_step(st) != NB_DONE)
            return NB_EIO;
    }
    return NB_OK;
}

int
sqs_list_queue_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "SELECT key, value FROM sqs_tags WHERE qid = ?1 ORDER BY key");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q.qid);
    nb_value *m = NULL;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (!m && !(m = nb_set_map(out, "Tags")))
            return NB_ENOMEM;
        if (nb_set_str(m, nb_col_text(st, 0), nb_col_text(st, 1)))
            return NB_ENOMEM;
    }
    return rc == NB_DONE ? NB_OK : NB_EIO;
}

/* The Policy attribute made from the permissions AddPermission recorded.
 * AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
 * ("AddPermission generates a policy for you"). */
static int
write_policy(nb_call *call, const sqs_queue *q)
{
    nb_buf b;
    nb_jw w;
    int rc, n = 0;
    nb_buf_init(&b, 1 << 20);
    nb_jw_init(&w, &b);
    nb_jw_obj_begin(&w);
    nb_jw_keyc(&w, "Version");
    nb_jw_str(&w, "2012-10-17", 10);
    nb_jw_keyc(&w, "Id");
    const char *id = nb_arena_printf(call->arena, "%s/SQSDefaultPolicy", q->arn);
    nb_jw_str(&w, id ? id : "", id ? strlen(id) : 0);
    nb_jw_keyc(&w, "Statement");
    nb_jw_arr_begin(&w);
    nb_stmt *st = nb_sql(
        call, "SELECT label, accounts, actions FROM sqs_perms WHERE qid = ?1 ORDER BY label");
    if (!st) {
        nb_buf_free(&b);
        return NB_EIO;
    }
    nb_bind_int(st, 1, q->qid);
    while ((rc = nb_step(st)) == NB_ROW) {
        n++;
        nb_jw_obj_begin(&w);
        nb_jw_keyc(&w, "Sid");
        nb_jw_str(&w, nb_col_text(st, 0), strlen(nb_col_text(st, 0)));
        nb_jw_keyc(&w, "Effect");
        nb_jw_str(&w, "Allow", 5);
        nb_jw_keyc(&w, "Principal");
        nb_jw_obj_begin(&w);
        nb_jw_keyc(&w, "AWS");
        nb_jw_raw(&w, nb_col_text(st, 1), strlen(nb_col_text(st, 1)));
        nb_jw_obj_end(&w);
        nb_jw_keyc(&w, "Action");
        nb_jw_raw(&w, nb_col_text(st, 2), strlen(nb_col_text(st, 2)));
        nb_jw_keyc(&w, "Resource");
        nb_jw_str(&w, q->arn, strlen(q->arn));
        nb_jw_obj_end(&w);
    }
    nb_jw_arr_end(&w);
    nb_jw_obj_end(&w);
    if (rc == NB_DONE && !w.rc && nb_buf_add(&b, "", 1) == NB_OK)
        rc = put_attr(call, q->qid, "Policy", n ? b.p : "");
    else
        rc = rc == NB_DONE ? NB_ENOMEM : NB_EIO;
    nb_buf_free(&b);
    return rc;
}

/* A JSON array of strings: each item, prefixed, into w. */
static int
json_list(nb_call *call, const nb_value *list, const char *prefix, const char *suffix,
          const char **out)
{
    nb_buf b;
    nb_jw w;
    nb_buf_init(&b, 1 << 16);
    nb_jw_init(&w, &b);
    nb_jw_arr_begin(&w);
    for (const nb_value *v = nb_first(list); v; v = v->next) {
        const char *s = nb_arena_printf(call->arena, "%s%s%s", prefix, v->u.s.p, suffix);
        if (s)
            nb_jw_str(&w, s, strlen(s));
    }
    nb_jw_arr_end(&w);
    int rc = w.rc;
    *out = rc ? NULL : nb_arena_strndup(call->arena, b.p, b.len);
    nb_buf_free(&b);
    return rc ? rc : *out ? NB_OK : NB_ENOMEM;
}

int
sqs_add_permission(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    const char *label = nb_get_str(in, "Label"), *accounts, *actions;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    rc = json_list(call, nb_get(in, "AWSAccountIds"), "arn:aws:iam::", ":root", &accounts);
    rc = rc ? rc : json_list(call, nb_get(in, "Actions"), "SQS:", "", &actions);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "INSERT OR IGNORE INTO sqs_perms (qid, label, accounts, actions)"
                               " VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q.qid);
    nb_bind_text(st, 2, label);
    nb_bind_text(st, 3, accounts);
    nb_bind_text(st, 4, actions);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    if (nb_store_changes() == 0)
        return nb_fail(call, "InvalidParameterValue",
                       "Value %s for parameter Label is invalid. Reason: Already exists.", label);
    return write_policy(call, &q);
}

int
sqs_remove_permission(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    const char *label = nb_get_str(in, "Label");
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "DELETE FROM sqs_perms WHERE qid = ?1 AND label = ?2");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q.qid);
    nb_bind_text(st, 2, label);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    if (nb_store_changes() == 0)
        return nb_fail(call, "InvalidParameterValue",
                       "Value %s for parameter Label is invalid. Reason: can't find label.", label);
    return write_policy(call, &q);
}

int
sqs_list_dead_letter_source_queues(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int64_t max, n = 0;
    const char *after, *last = NULL;
    int rc = sqs_queue_from_request(call, in, &q);
    rc = rc ? rc : page_args(call, in, &max, &after);
    if (rc)
        return rc;
    const char *needle = nb_arena_printf(call->arena, "\"%s\"", q.arn);
    if (!needle)
        return NB_ENOMEM;
    nb_stmt *st = nb_sql(call, "SELECT q.name FROM sqs_queues q JOIN sqs_attrs a ON a.qid = q.qid"
                               " AND a.name = 'RedrivePolicy' WHERE q.account = ?1"
                               " AND q.region = ?2 AND instr(a.value, ?3) > 0 AND q.name > ?4"
                               " ORDER BY q.name LIMIT ?5");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, needle);
    nb_bind_text(st, 4, after);
    nb_bind_int(st, 5, max + 1);
    /* AWS: queueUrls is required in the result, even when empty. */
    nb_value *urls = nb_set_list(out, "queueUrls");
    if (!urls)
        return NB_ENOMEM;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n == max) {
            if (nb_get(in, "MaxResults") && nb_set_str(out, "NextToken", last))
                return NB_ENOMEM;
            break;
        }
        const char *name = nb_col_text(st, 0);
        if (nb_list_add_str(urls, sqs_queue_url(call, call->account, name)))
            return NB_ENOMEM;
        last = nb_arena_strdup(call->arena, name);
        n++;
    }
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EIO;
}
