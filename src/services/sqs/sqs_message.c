/*
 * sqs_message.c: messages: SendMessage(Batch), ReceiveMessage,
 * DeleteMessage(Batch), ChangeMessageVisibility(Batch), and the pieces
 * other files share (receive, counts, expiry, the attribute digest).
 *
 * A message is a row of sqs_messages. visible_at is when a receive may
 * return it (its delay, then each visibility timeout); receipt is the
 * handle of its latest receive, so an older handle no longer matches.
 * Message attributes are stored in the form SQS digests them (see
 * sqs_md5_attrs), so that the digest of any subset is cheap to make.
 *
 * AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
 * (each operation's page), and the SQS Developer Guide ("Calculating the
 * MD5 message digest for message attributes"). Messages of errors the
 * pages do not spell out come from AWS answers recorded by LocalStack
 * (tests/aws/services/sqs/test_sqs.snapshot.json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/call.h"
#include "core/digest.h"
#include "core/ids.h"
#include "core/model.h"
#include "core/value.h"
#include "sqs_int.h"
#include "store/store.h"

#define ATTRS_MAX 10 /* AWS: up to 10 message attributes */

/* ---- attribute encoding (the digest's input) ---- */

static int
add_lv(nb_buf *b, const void *p, size_t n)
{
    unsigned char l[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 8), (unsigned char)n};
    int rc = nb_buf_add(b, l, 4);
    return rc ? rc : n ? nb_buf_add(b, p, n) : NB_OK;
}

static int
cmp_names(const void *a, const void *b)
{
    const nb_value *x = *(nb_value *const *)a, *y = *(nb_value *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* Encodes attrs (map name -> MessageAttributeValue) sorted by name: per
 * attribute name, DataType, a transport byte (1 string, 2 binary) and the
 * value, each length-prefixed (4 bytes, big-endian). */
static int
encode_attrs(nb_arena *a, const nb_value *attrs, nb_buf *b)
{
    size_t n = 0;
    for (const nb_value *v = nb_first(attrs); v; v = v->next)
        n++;
    const nb_value **sorted = nb_arena_alloc(a, (n ? n : 1) * sizeof(*sorted));
    if (!sorted)
        return NB_ENOMEM;
    n = 0;
    for (const nb_value *v = nb_first(attrs); v; v = v->next)
        sorted[n++] = v;
    qsort(sorted, n, sizeof(*sorted), cmp_names);
    int rc = NB_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        const nb_value *v = sorted[i];
        const char *type = nb_get_str(v, "DataType");
        const nb_value *bin = nb_get(v, "BinaryValue");
        const char *s = nb_get_str(v, "StringValue");
        unsigned char t = bin && !s ? 2 : 1;
        rc = add_lv(b, v->key, v->klen);
        rc = rc ? rc : add_lv(b, type ? type : "", type ? strlen(type) : 0);
        rc = rc ? rc : nb_buf_add(b, &t, 1);
        if (!rc && t == 2)
            rc = add_lv(b, bin->u.s.p, bin->u.s.len);
        else if (!rc)
            rc = add_lv(b, s ? s : "", s ? strlen(s) : 0);
    }
    return rc;
}

static void
md5_hex(const void *p, size_t n, char hex[33])
{
    if (!nb_digest_hex(NB_MD5, p, n, hex))
        hex[0] = '\0';
}

int
sqs_md5_attrs(nb_arena *a, const nb_value *attrs, char hex[33])
{
    nb_buf b;
    nb_buf_init(&b, 4u << 20);
    int rc = encode_attrs(a, attrs, &b);
    if (!rc)
        md5_hex(b.p ? b.p : "", b.len, hex);
    nb_buf_free(&b);
    return rc;
}

static uint32_t
get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Does name pass the MessageAttributeNames filter? AWS: "All" or ".*"
 * for all, "bar.*" for a prefix, else the exact name. */
static int
wanted(const nb_value *names, const char *name, size_t len)
{
    for (const nb_value *n = nb_first(names); n; n = n->next) {
        const char *w = n->u.s.p;
        size_t wl = n->u.s.len;
        if (strcmp(w, "All") == 0 || strcmp(w, ".*") == 0)
            return 1;
        if (wl >= 2 && strcmp(w + wl - 2, ".*") == 0 && len >= wl - 2 &&
            memcmp(name, w, wl - 2) == 0)
            return 1;
        if (wl == len && memcmp(w, name, len) == 0)
            return 1;
    }
    return 0;
}

/* Decodes a stored attribute encoding into a map, keeping the names the
 * filter wants (all when names is NULL). */
static int
decode_attrs(nb_arena *a, const unsigned char *p, size_t n, const nb_value *names, int all,
             nb_value **out)
{
    nb_value *m = nb_value_map(a);
    if (!m)
        return NB_ENOMEM;
    size_t i = 0;
    while (i + 4 <= n) {
        uint32_t kl = get_u32(p + i);
        const char *k = (const char *)p + i + 4;
        i += 4 + kl;
        uint32_t tl = get_u32(p + i);
        const char *t = (const char *)p + i + 4;
        i += 4 + tl;
        unsigned char tr = p[i++];
        uint32_t vl = get_u32(p + i);
        const unsigned char *v = p + i + 4;
        i += 4 + vl;
        if (i > n)
            return NB_EINTERNAL;
        if (!all && !wanted(names, k, kl))
            continue;
        nb_value *e = nb_value_struct(a);
        if (!e || nb_set_strn(e, "DataType", t, tl))
            return NB_ENOMEM;
        int rc = tr == 2 ? nb_set_blob(e, "BinaryValue", v, vl)
                         : nb_set_strn(e, "StringValue", (const char *)v, vl);
        if (rc || nb_value_put(m, k, kl, e))
            return NB_ENOMEM;
    }
    *out = m;
    return NB_OK;
}

/* ---- checks ---- */

/* AWS: message bodies may hold #x9 | #xA | #xD | #x20 to #xD7FF | #xE000
 * to #xFFFD | #x10000 to #x10FFFF, in UTF-8. */
static int
valid_chars(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        uint32_t c;
        int len;
        if (e - p >= 8) {
            /* eight bytes at once while all are 0x20..0x7F: no byte has
             * its top bit set, and none borrows when 0x20 is taken away */
            uint64_t w;
            memcpy(&w, p, 8);
            if (!((w | (w - 0x2020202020202020ull)) & 0x8080808080808080ull)) {
                p += 8;
                continue;
            }
        }
        if (*p < 0x80)
            c = *p, len = 1;
        else if ((*p & 0xE0) == 0xC0)
            c = *p & 0x1F, len = 2;
        else if ((*p & 0xF0) == 0xE0)
            c = *p & 0x0F, len = 3;
        else if ((*p & 0xF8) == 0xF0)
            c = *p & 0x07, len = 4;
        else
            return 0;
        if (e - p < len)
            return 0;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (p[i] & 0x3F);
        }
        if (!(c == 9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
              (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF)))
            return 0;
        p += len;
    }
    return 1;
}

/* AWS: MessageGroupId and MessageDeduplicationId: 1 to 128 alphanumeric
 * or punctuation characters (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~). */
static int
valid_token(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7F)
            return 0;
    return 1;
}

/* Checks the message attributes; *size gets their size as SQS counts it
 * (name, type and value bytes). */
static int
check_attrs(nb_call *call, const nb_value *attrs, int system, size_t *size)
{
    size_t n = 0;
    for (const nb_value *v = nb_first(attrs); v; v = v->next, n++) {
        const char *type = nb_get_str(v, "DataType");
        const char *s = nb_get_str(v, "StringValue");
        const nb_value *bin = nb_get(v, "BinaryValue");
        if (system && strcmp(v->key, "AWSTraceHeader") != 0)
            return nb_fail(call, "InvalidParameterValue",
                           "Message system attribute name '%s' is invalid.", v->key);
        if (!type || !*type)
            return nb_fail(call, "InvalidParameterValue",
                           "Message (user) attribute '%s' must contain a non-empty attribute "
                           "type.",
                           v->key);
        int is_bin = strncmp(type, "Binary", 6) == 0;
        if (!is_bin && strncmp(type, "String", 6) != 0 && strncmp(type, "Number", 6) != 0)
            return nb_fail(call, "InvalidParameterValue",
                           "The type of message (user) attribute '%s' is invalid. You must use "
                           "only the following supported type prefixes: Binary, Number, String.",
                           v->key);
        if (is_bin ? !bin || !bin->u.s.len : !s || !*s)
            return nb_fail(call, "InvalidParameterValue",
                           "Message (user) attribute '%s' must contain a non-empty value of type "
                           "'%s'.",
                           v->key, is_bin ? "Binary" : "String");
        *size += v->klen + strlen(type) + (is_bin ? bin->u.s.len : strlen(s));
    }
    if (n > ATTRS_MAX)
        return nb_fail(call, "InvalidParameterValue",
                       "Number of message attributes [%zu] exceeds the allowed maximum [%d].", n,
                       ATTRS_MAX);
    return NB_OK;
}

static int
sha256_hex(nb_call *call, const char *s, const char **hex)
{
    char *h = nb_arena_alloc(call->arena, 2 * NB_DIGEST_MAX + 1);
    if (!h)
        return NB_ENOMEM;
    if (!nb_digest_hex(NB_SHA256, s, strlen(s), h))
        return NB_EIO;
    *hex = h;
    return NB_OK;
}

/* ---- send ---- */

typedef struct sent {
    const char *id;     /* MessageId */
    char md5_body[33];  /* MD5OfMessageBody */
    char md5_attrs[33]; /* MD5OfMessageAttributes, or "" */
    char md5_sys[33];   /* MD5OfMessageSystemAttributes, or "" */
    const char *seqnum; /* SequenceNumber (FIFO), or NULL */
} sent;

/* FIFO deduplication: a message with the same id in the last 5 minutes
 * is accepted but not stored again; the first one's id is answered. */
static int
dedup(nb_call *call, sqs_queue *q, const char *group, const char *did, sent *r, int *dup)
{
    nb_stmt *st = nb_sql(call, "SELECT message_id, seqnum FROM sqs_dedup WHERE qid = ?1"
                               " AND scope = ?2 AND dedup_id = ?3 AND expires > ?4");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q->qid);
    nb_bind_text(st, 2, q->dedup_per_group ? group : "");
    nb_bind_text(st, 3, did);
    nb_bind_double(st, 4, call->now);
    int rc = nb_step(st);
    *dup = rc == NB_ROW;
    if (*dup) {
        r->id = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        r->seqnum = nb_arena_strdup(call->arena, nb_col_text(st, 1));
        return r->id && r->seqnum ? NB_OK : NB_ENOMEM;
    }
    if (rc != NB_DONE)
        return NB_EIO;
    st = nb_sql(call, "UPDATE sqs_queues SET seq = seq + 1 WHERE qid = ?1 RETURNING seq");
    if (!st)
        return NB_EIO;
    sqs_queue_changed();
    nb_bind_int(st, 1, q->qid);
    if (nb_step(st) != NB_ROW)
        return NB_EIO;
    q->seq = nb_col_int(st, 0);
    nb_step(st);
    /* AWS: sequence numbers are large, increasing, 20 digits here */
    r->seqnum = nb_arena_printf(call->arena, "%llu",
                                (unsigned long long)(10000000000000000000ull + (uint64_t)q->seq));
    st = nb_sql(call, "INSERT OR REPLACE INTO sqs_dedup (qid, scope, dedup_id, expires,"
                      " message_id, seqnum) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st || !r->seqnum)
        return NB_EIO;
    nb_bind_int(st, 1, q->qid);
    nb_bind_text(st, 2, q->dedup_per_group ? group : "");
    nb_bind_text(st, 3, did);
    nb_bind_double(st, 4, call->now + SQS_DEDUP_WINDOW);
    nb_bind_text(st, 5, r->id);
    nb_bind_text(st, 6, r->seqnum);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

/* Checks the FIFO parameters of a send. batch: errors as SendMessageBatch
 * gives them. */
static int
check_fifo(nb_call *call, const sqs_queue *q, const nb_value *m, int batch, const char **did)
{
    const char *group = nb_get_str(m, "MessageGroupId");
    *did = nb_get_str(m, "MessageDeduplicationId");
    if (group && !valid_token(group))
        return nb_fail(call, "InvalidParameterValue",
                       "Value %s for parameter MessageGroupId is invalid. Reason: MessageGroupId "
                       "can only include alphanumeric and punctuation characters. 1 to 128 in "
                       "length.",
                       group);
    if (*did && !valid_token(*did))
        return nb_fail(call, "InvalidParameterValue",
                       "Value %s for parameter MessageDeduplicationId is invalid. Reason: "
                       "MessageDeduplicationId can only include alphanumeric and punctuation "
                       "characters. 1 to 128 in length.",
                       *did);
    if (!q->fifo) {
        if (*did)
            return nb_fail(call, "InvalidParameterValue",
                           "Value %s for parameter MessageDeduplicationId is invalid. Reason: The "
                           "request includes a parameter that is not valid for this queue type.",
                           *did);
        return NB_OK;
    }
    const nb_value *ds = nb_get(m, "DelaySeconds");
    if (ds && ds->u.i != 0)
        return nb_fail(call, "InvalidParameterValue",
                       "Value %lld for parameter DelaySeconds is invalid. Reason: The request "
                       "include parameter that is not valid for this queue type.",
                       (long long)ds->u.i);
    if (!group)
        return nb_fail(call, batch ? "InvalidParameterValue" : "MissingParameter",
                       "The request must contain the parameter MessageGroupId.");
    if (!*did && !q->cbd)
        return nb_fail(call, "InvalidParameterValue",
                       "The queue should either have ContentBasedDeduplication enabled or "
                       "MessageDeduplicationId provided explicitly");
    if (!*did)
        return sha256_hex(call, nb_get_str(m, "MessageBody"), did);
    return NB_OK;
}

/* Sends one message (SendMessage input or a batch entry) to q. */
static int
send_one(nb_call *call, sqs_queue *q, const nb_value *m, int batch, sent *r)
{
    const nb_value *bv = nb_get(m, "MessageBody");
    const char *body = nb_get_str(m, "MessageBody"), *did = NULL;
    /* The decoded length, not strlen: a body may hold U+0000, which SQS
     * refuses as InvalidMessageContents. */
    size_t blen = bv ? bv->u.s.len : 0;
    const nb_value *attrs = nb_get(m, "MessageAttributes");
    const nb_value *sys = nb_get(m, "MessageSystemAttributes");
    const nb_value *dsv = nb_get(m, "DelaySeconds");
    size_t size = 0;
    int rc, dup = 0;
    memset(r, 0, sizeof(*r));
    if (!body || !*body)
        return nb_fail(call, "MissingParameter", "The request must contain the parameter %s.",
                       "MessageBody");
    if (!valid_chars(body, blen))
        return nb_fail(call, "InvalidMessageContents",
                       "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | "
                       "#x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    if (dsv && (dsv->u.i < 0 || dsv->u.i > 900))
        return nb_fail(call, "InvalidParameterValue",
                       "Value %lld for parameter DelaySeconds is invalid. Reason: DelaySeconds "
                       "must be >= 0 and <= 900.",
                       (long long)dsv->u.i);
    if ((rc = check_attrs(call, attrs, 0, &size)) || (rc = check_attrs(call, sys, 1, &size)))
        return rc;
    if ((int64_t)(blen + size) > q->max_size)
        return nb_fail(call, "InvalidParameterValue",
                       "One or more parameters are invalid. Reason: Message must be shorter than "
                       "%lld bytes.",
                       (long long)q->max_size);
    if ((rc = check_fifo(call, q, m, batch, &did)))
        return rc;
    r->id = nb_call_uuid(call);
    if (!r->id)
        return NB_ENOMEM;
    md5_hex(body, blen, r->md5_body);
    if (q->fifo && (rc = dedup(call, q, nb_get_str(m, "MessageGroupId"), did, r, &dup)))
        return rc;
    nb_buf ab, sb;
    nb_buf_init(&ab, 4u << 20);
    nb_buf_init(&sb, 1u << 20);
    rc = encode_attrs(call->arena, attrs, &ab);
    rc = rc ? rc : encode_attrs(call->arena, sys, &sb);
    if (!rc && nb_first(attrs))
        md5_hex(ab.p, ab.len, r->md5_attrs);
    if (!rc && nb_first(sys))
        md5_hex(sb.p, sb.len, r->md5_sys);
    if (!rc && !dup) {
        nb_stmt *st = nb_sql(call, "INSERT INTO sqs_messages (qid, id, body, attrs, sysattrs,"
                                   " md5_body, md5_attrs, md5_sys, sender, sent, visible_at,"
                                   " group_id, dedup_id, seqnum) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                   " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
        if (!st) {
            rc = NB_EIO;
            goto out;
        }
        int64_t delay = dsv ? dsv->u.i : q->delay;
        nb_bind_int(st, 1, q->qid);
        nb_bind_text(st, 2, r->id);
        nb_bind_text(st, 3, body);
        ab.len ? nb_bind_blob(st, 4, ab.p, ab.len) : nb_bind_null(st, 4);
        sb.len ? nb_bind_blob(st, 5, sb.p, sb.len) : nb_bind_null(st, 5);
        nb_bind_text(st, 6, r->md5_body);
        r->md5_attrs[0] ? nb_bind_text(st, 7, r->md5_attrs) : nb_bind_null(st, 7);
        r->md5_sys[0] ? nb_bind_text(st, 8, r->md5_sys) : nb_bind_null(st, 8);
        nb_bind_text(st, 9, call->account);
        nb_bind_double(st, 10, call->now);
        nb_bind_double(st, 11, call->now + (double)delay);
        const char *g = nb_get_str(m, "MessageGroupId");
        g ? nb_bind_text(st, 12, g) : nb_bind_null(st, 12);
        did ? nb_bind_text(st, 13, did) : nb_bind_null(st, 13);
        r->seqnum ? nb_bind_text(st, 14, r->seqnum) : nb_bind_null(st, 14);
        rc = nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
        if (!rc)
            sqs_poll_kick(q->qid);
    }
out:
    nb_buf_free(&ab);
    nb_buf_free(&sb);
    return rc;
}

static int
put_sent(nb_value *out, const sent *r)
{
    int rc = nb_set_str(out, "MD5OfMessageBody", r->md5_body);
    if (!rc && r->md5_attrs[0])
        rc = nb_set_str(out, "MD5OfMessageAttributes", r->md5_attrs);
    if (!rc && r->md5_sys[0])
        rc = nb_set_str(out, "MD5OfMessageSystemAttributes", r->md5_sys);
    rc = rc ? rc : nb_set_str(out, "MessageId", r->id);
    if (!rc && r->seqnum)
        rc = nb_set_str(out, "SequenceNumber", r->seqnum);
    return rc;
}

int
sqs_send_message(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    sent r;
    int rc = sqs_queue_from_request(call, in, &q);
    rc = rc ? rc : send_one(call, &q, in, 0, &r);
    return rc ? rc : put_sent(out, &r);
}

/* ---- batches ---- */

/* AWS: batch entry ids: alphanumeric, hyphens and underscores, up to 80
 * characters, distinct within the request; 1 to 10 entries. */
static int
check_batch(nb_call *call, const nb_value *entries, const char *entry_shape)
{
    size_t n = 0;
    for (const nb_value *e = nb_first(entries); e; e = e->next)
        n++;
    if (n == 0)
        return nb_fail(call, "EmptyBatchRequest", "There should be at least one %s in the request.",
                       entry_shape);
    if (n > SQS_BATCH_MAX)
        return nb_fail(call, "TooManyEntriesInBatchRequest",
                       "Maximum number of entries per request are %d. You have sent %zu.",
                       SQS_BATCH_MAX, n);
    for (const nb_value *e = nb_first(entries); e; e = e->next) {
        const char *id = nb_get_str(e, "Id");
        size_t l = id ? strlen(id) : 0;
        int ok = l >= 1 && l <= 80;
        for (size_t i = 0; ok && i < l; i++)
            ok = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
                 (id[i] >= 'A' && id[i] <= 'Z') || id[i] == '-' || id[i] == '_';
        if (!ok)
            return nb_fail(call, "InvalidBatchEntryId",
                           "A batch entry id can only contain alphanumeric characters, hyphens "
                           "and underscores. It can be at most 80 letters long.");
    }
    for (const nb_value *e = nb_first(entries); e; e = e->next)
        for (const nb_value *f = e->next; f; f = f->next)
            if (strcmp(nb_get_str(e, "Id"), nb_get_str(f, "Id")) == 0)
                return nb_fail(call, "BatchEntryIdsNotDistinct", "Id %s repeated.",
                               nb_get_str(e, "Id"));
    return NB_OK;
}

/* Turns the AWS error an entry raised into a BatchResultErrorEntry and
 * clears it from the call. Other failures stay failures. */
static int
entry_failed(nb_call *call, nb_value **failed, nb_value *out, const char *id, int rc)
{
    if (rc != NB_EAWS)
        return rc;
    const nb_shape *s = nb_model_error(call->model, call->err_code);
    const char *code = s && s->err_code ? s->err_code : call->err_code;
    if (!*failed && !(*failed = nb_set_list(out, "Failed")))
        return NB_ENOMEM;
    nb_value *f = nb_list_add_struct(*failed);
    if (!f)
        return NB_ENOMEM;
    rc = nb_set_str(f, "Id", id);
    rc = rc ? rc : nb_set_bool(f, "SenderFault", 1);
    rc = rc ? rc : nb_set_str(f, "Code", code);
    if (!rc && call->err_msg)
        rc = nb_set_str(f, "Message", call->err_msg);
    call->err_code = NULL;
    call->err_msg = NULL;
    call->err_status = 0;
    return rc;
}

int
sqs_send_message_batch(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    const nb_value *entries = nb_get(in, "Entries");
    int rc = sqs_queue_from_request(call, in, &q);
    rc = rc ? rc : check_batch(call, entries, "SendMessageBatchRequestEntry");
    if (rc)
        return rc;
    size_t total = 0;
    for (const nb_value *e = nb_first(entries); e; e = e->next) {
        const char *b = nb_get_str(e, "MessageBody");
        total += b ? strlen(b) : 0;
        size_t sz = 0;
        for (const nb_value *a = nb_first(nb_get(e, "MessageAttributes")); a; a = a->next) {
            const char *t = nb_get_str(a, "DataType"), *s = nb_get_str(a, "StringValue");
            const nb_value *bin = nb_get(a, "BinaryValue");
            sz += a->klen + (t ? strlen(t) : 0) + (s ? strlen(s) : bin ? bin->u.s.len : 0);
        }
        total += sz;
    }
    /* AWS: "Batch requests cannot be longer than 1048576 bytes." */
    if (total > SQS_DEFAULT_MAX_SIZE)
        return nb_fail(call, "BatchRequestTooLong",
                       "Batch requests cannot be longer than %d bytes. You have sent %zu bytes.",
                       SQS_DEFAULT_MAX_SIZE, total);
    nb_value *ok = nb_set_list(out, "Successful"), *failed = NULL;
    if (!ok)
        return NB_ENOMEM;
    for (const nb_value *e = nb_first(entries); e; e = e->next) {
        sent r;
        const char *id = nb_get_str(e, "Id");
        rc = send_one(call, &q, e, 1, &r);
        if (rc) {
            if ((rc = entry_failed(call, &failed, out, id, rc)))
                return rc;
            continue;
        }
        nb_value *s = nb_list_add_struct(ok);
        if (!s || nb_set_str(s, "Id", id) || put_sent(s, &r))
            return NB_ENOMEM;
    }
    return failed ? NB_OK : nb_set_list(out, "Failed") ? NB_OK : NB_ENOMEM;
}

/* ---- receive ---- */

int
sqs_expire(nb_call *call, const sqs_queue *q)
{
    nb_stmt *st = nb_sql(call, "DELETE FROM sqs_messages WHERE qid = ?1 AND sent <= ?2");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q->qid);
    nb_bind_double(st, 2, call->now - (double)q->retention);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

int
sqs_counts(nb_call *call, const sqs_queue *q, int64_t *visible, int64_t *inflight, int64_t *delayed)
{
    nb_stmt *st = nb_sql(call, "SELECT coalesce(sum(visible_at <= ?2), 0),"
                               " coalesce(sum(visible_at > ?2 AND receipt IS NOT NULL), 0),"
                               " coalesce(sum(visible_at > ?2 AND receipt IS NULL), 0)"
                               " FROM sqs_messages WHERE qid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q->qid);
    nb_bind_double(st, 2, call->now);
    if (nb_step(st) != NB_ROW)
        return NB_EIO;
    *visible = nb_col_int(st, 0);
    *inflight = nb_col_int(st, 1);
    *delayed = nb_col_int(st, 2);
    nb_step(st);
    return NB_OK;
}

double
sqs_next_visible(nb_call *call, int64_t qid)
{
    nb_stmt *st = nb_sql(call, "SELECT min(visible_at) FROM sqs_messages WHERE qid = ?1"
                               " AND visible_at > ?2");
    if (!st)
        return 0;
    nb_bind_int(st, 1, qid);
    nb_bind_double(st, 2, call->now);
    double t = nb_step(st) == NB_ROW && !nb_col_is_null(st, 0) ? nb_col_double(st, 0) : 0;
    nb_step(st);
    return t;
}

/* The message ids (rows) a receive may take, in order: for a standard
 * queue the first visible ones; for FIFO the first visible ones of the
 * groups that have no message in flight. AWS: "you can't receive messages from the same
 * message group while it has messages in flight". */
static int
pick(nb_call *call, const sqs_queue *q, int64_t max, int64_t *mids, int *n)
{
    nb_stmt *st;
    *n = 0;
    if (!q->fifo) {
        /* +visible_at: walk sqs_messages_o in arrival order and stop at
         * the first max visible, rather than sort every visible message */
        st = nb_sql(call, "SELECT mid FROM sqs_messages WHERE qid = ?1 AND +visible_at <= ?2"
                          " ORDER BY mid LIMIT ?3");
        if (!st)
            return NB_EIO;
        nb_bind_int(st, 1, q->qid);
        nb_bind_double(st, 2, call->now);
        nb_bind_int(st, 3, max);
        int rc;
        while ((rc = nb_step(st)) == NB_ROW)
            mids[(*n)++] = nb_col_int(st, 0);
        return rc == NB_DONE ? NB_OK : NB_EIO;
    }
    st = nb_sql(call, "SELECT m.mid FROM sqs_messages m WHERE m.qid = ?1 AND +m.visible_at <= ?2"
                      " AND NOT EXISTS (SELECT 1 FROM sqs_messages f WHERE f.qid = ?1"
                      " AND f.group_id = m.group_id AND f.receipt IS NOT NULL"
                      " AND f.visible_at > ?2) ORDER BY m.mid LIMIT ?3");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, q->qid);
    nb_bind_double(st, 2, call->now);
    nb_bind_int(st, 3, max);
    int rc;
    while ((rc = nb_step(st)) == NB_ROW)
        mids[(*n)++] = nb_col_int(st, 0);
    return rc == NB_DONE ? NB_OK : NB_EIO;
}

/* Moves a message that went over maxReceiveCount to the DLQ. AWS: "When
 * the ReceiveCount for a message exceeds the maxReceiveCount for a queue,
 * Amazon SQS moves the message to the dead-letter-queue." */
static int
to_dlq(nb_call *call, const sqs_queue *q, int64_t mid, int *moved)
{
    sqs_queue dlq;
    *moved = 0;
    int rc = sqs_queue_by_arn(call, q->dlq_arn, &dlq);
    if (rc == NB_ENOTFOUND)
        return NB_OK; /* the DLQ is gone: the message stays */
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "UPDATE sqs_messages SET qid = ?2, visible_at = ?3, receipt = NULL,"
                               " recv_count = 0, first_recv = 0, dlq_source = ?4 WHERE mid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    nb_bind_int(st, 2, dlq.qid);
    nb_bind_double(st, 3, call->now);
    nb_bind_text(st, 4, q->arn);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    *moved = 1;
    sqs_poll_kick(dlq.qid);
    return NB_OK;
}

/* The system attribute name is asked for. */
static int
sys_wanted(const nb_value *want, const char *name)
{
    if (!want)
        return 1;
    const char *lists[] = {"AttributeNames", "MessageSystemAttributeNames"};
    for (int i = 0; i < 2; i++)
        for (const nb_value *n = nb_first(nb_get(want, lists[i])); n; n = n->next)
            if (strcmp(n->u.s.p, "All") == 0 || strcmp(n->u.s.p, name) == 0)
                return 1;
    return 0;
}

static int
put_sys(nb_value **attrs, nb_value *msg, const nb_value *want, const char *name, const char *v)
{
    if (!v || !sys_wanted(want, name))
        return NB_OK;
    if (!*attrs && !(*attrs = nb_set_map(msg, "Attributes")))
        return NB_ENOMEM;
    return nb_set_str(*attrs, name, v);
}

static const char *
ms(nb_call *call, double t)
{
    return nb_arena_printf(call->arena, "%lld", (long long)(t * 1000.0 + 0.5));
}

/* Builds the Message structure of row st (columns of take_one). */
static int
build_msg(nb_call *call, nb_stmt *st, const nb_value *want, const char *rh, int64_t count,
          double first, nb_value *msg)
{
    nb_value *attrs = NULL, *ma = NULL;
    int rc = nb_set_str(msg, "MessageId", nb_col_text(st, 0));
    rc = rc ? rc : nb_set_str(msg, "ReceiptHandle", rh);
    rc = rc ? rc : nb_set_str(msg, "MD5OfBody", nb_col_text(st, 3));
    rc = rc ? rc : nb_set_strn(msg, "Body", nb_col_blob(st, 1), nb_col_bytes(st, 1));
    rc = rc ? rc : put_sys(&attrs, msg, want, "SenderId", nb_col_text(st, 4));
    rc = rc ? rc : put_sys(&attrs, msg, want, "SentTimestamp", ms(call, nb_col_double(st, 5)));
    rc = rc ? rc
            : put_sys(&attrs, msg, want, "ApproximateReceiveCount",
                      nb_arena_printf(call->arena, "%lld", (long long)count));
    rc = rc ? rc : put_sys(&attrs, msg, want, "ApproximateFirstReceiveTimestamp", ms(call, first));
    if (!nb_col_is_null(st, 6)) {
        rc = rc ? rc : put_sys(&attrs, msg, want, "MessageGroupId", nb_col_text(st, 6));
        rc = rc ? rc : put_sys(&attrs, msg, want, "MessageDeduplicationId", nb_col_text(st, 7));
        rc = rc ? rc : put_sys(&attrs, msg, want, "SequenceNumber", nb_col_text(st, 8));
    }
    if (!nb_col_is_null(st, 9))
        rc = rc ? rc : put_sys(&attrs, msg, want, "DeadLetterQueueSourceArn", nb_col_text(st, 9));
    if (!rc && !nb_col_is_null(st, 10)) { /* AWSTraceHeader */
        nb_value *sys;
        rc = decode_attrs(call->arena, nb_col_blob(st, 10), nb_col_bytes(st, 10), NULL, 1, &sys);
        const char *th = rc ? NULL : nb_get_str(nb_get(sys, "AWSTraceHeader"), "StringValue");
        rc = rc ? rc : put_sys(&attrs, msg, want, "AWSTraceHeader", th);
    }
    if (!rc && !nb_col_is_null(st, 2)) {
        const nb_value *names = want ? nb_get(want, "MessageAttributeNames") : NULL;
        rc = decode_attrs(call->arena, nb_col_blob(st, 2), nb_col_bytes(st, 2), names, !want, &ma);
        char hex[33];
        if (!rc && nb_first(ma)) {
            rc = sqs_md5_attrs(call->arena, ma, hex);
            rc = rc ? rc : nb_set_str(msg, "MD5OfMessageAttributes", hex);
            rc = rc ? rc : nb_value_put(msg, "MessageAttributes", 17, ma);
        }
    }
    return rc;
}

/* A receipt handle: opaque to clients; names queue, message and receive
 * so that a malformed one can be told from a stale one. */
static const char *
new_receipt(nb_call *call, const sqs_queue *q, int64_t mid)
{
    char raw[96];
    int n = snprintf(raw, sizeof(raw), "nb1 %lld %lld %016llx%016llx", (long long)q->qid,
                     (long long)mid, (unsigned long long)nb_ids_rand(),
                     (unsigned long long)nb_ids_rand());
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len((size_t)n) + 1);
    if (b)
        nb_b64_encode(b, raw, (size_t)n);
    return b;
}

/* Receives message mid (or moves it to the DLQ) into list. */
static int
take_one(nb_call *call, sqs_queue *q, int64_t mid, const nb_value *want, int64_t vis,
         nb_value *list, int *got)
{
    nb_stmt *st = nb_sql(call, "SELECT id, body, attrs, md5_body, sender, sent, group_id,"
                               " dedup_id, seqnum, dlq_source, sysattrs, recv_count, first_recv"
                               " FROM sqs_messages WHERE mid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    if (nb_step(st) != NB_ROW)
        return NB_EIO;
    int64_t count = nb_col_int(st, 11);
    double first = nb_col_double(st, 12);
    if (q->dlq_arn && q->max_receive && count >= q->max_receive) {
        int moved;
        int rc = to_dlq(call, q, mid, &moved);
        if (rc || moved)
            return rc;
    }
    const char *rh = new_receipt(call, q, mid);
    nb_value *msg = nb_list_add_struct(list);
    if (!rh || !msg)
        return NB_ENOMEM;
    count++;
    if (!first)
        first = call->now;
    int rc = build_msg(call, st, want, rh, count, first, msg);
    if (rc)
        return rc;
    st = nb_sql(call, "UPDATE sqs_messages SET recv_count = ?2, first_recv = ?3,"
                      " visible_at = ?4, receipt = ?5 WHERE mid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    nb_bind_int(st, 2, count);
    nb_bind_double(st, 3, first);
    nb_bind_double(st, 4, call->now + (double)vis);
    nb_bind_text(st, 5, rh);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    (*got)++;
    return NB_OK;
}

int
sqs_receive_into(nb_call *call, sqs_queue *q, const nb_value *want, int64_t max, int64_t vis,
                 nb_value *list, int *got)
{
    int64_t mids[SQS_BATCH_MAX];
    int n, rc = sqs_expire(call, q);
    *got = 0;
    if (max > SQS_BATCH_MAX)
        max = SQS_BATCH_MAX;
    /* a second round when the first moved messages to the DLQ */
    for (int round = 0; !rc && round < 3 && *got < max; round++) {
        int before = *got;
        rc = pick(call, q, max - *got, mids, &n);
        for (int i = 0; !rc && i < n; i++)
            rc = take_one(call, q, mids[i], want, vis, list, got);
        if (n == 0 || *got - before == n || vis == 0)
            break;
    }
    return rc;
}

static int
bad_param(nb_call *call, const char *name, int64_t v, const char *why)
{
    return nb_fail(call, "InvalidParameterValue",
                   "Value %lld for parameter %s is invalid. Reason: %s", (long long)v, name, why);
}

int
sqs_receive_message(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    if (rc)
        return rc;
    int64_t max = nb_get_int(in, "MaxNumberOfMessages", 1);
    int64_t vis = nb_get_int(in, "VisibilityTimeout", q.visibility);
    int64_t wait = nb_get_int(in, "WaitTimeSeconds", q.wait);
    if (max < 1 || max > SQS_BATCH_MAX)
        return bad_param(call, "MaxNumberOfMessages", max,
                         "Must be between 1 and 10, if provided.");
    if (wait < 0 || wait > SQS_MAX_WAIT)
        return bad_param(call, "WaitTimeSeconds", wait, "Must be >= 0 and <= 20, if provided.");
    if (vis < 0 || vis > 43200)
        return bad_param(call, "VisibilityTimeout", vis, "Must be >= 0 and <= 43200, if provided.");
    nb_value *list = nb_value_list(call->arena);
    int got;
    if (!list)
        return NB_ENOMEM;
    rc = sqs_receive_into(call, &q, in, max, vis, list, &got);
    if (rc)
        return rc;
    if (got)
        return nb_value_put(out, "Messages", 8, list);
    if (wait > 0)
        return sqs_poll_wait(call, &q, out, wait);
    return NB_OK;
}

/* ---- delete and visibility ---- */

/* Checks a receipt handle's form; *mid gets the message row it names. */
static int
parse_receipt(nb_call *call, const char *rh, int64_t *mid)
{
    size_t n = strlen(rh);
    unsigned char *raw = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    size_t len;
    long long qid, m;
    if (raw && n < 512 && nb_b64_decode(raw, &len, rh, n, NULL) == NB_B64_OK) {
        raw[len] = '\0';
        if (sscanf((char *)raw, "nb1 %lld %lld ", &qid, &m) == 2) {
            *mid = m;
            return NB_OK;
        }
    }
    return nb_fail(call, "ReceiptHandleIsInvalid",
                   "The input receipt handle \"%s\" is not a valid receipt handle.", rh);
}

int
sqs_delete_receipt(nb_call *call, const sqs_queue *q, const char *rh)
{
    int64_t mid;
    int rc = parse_receipt(call, rh, &mid);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "SELECT receipt = ?2, visible_at FROM sqs_messages"
                               " WHERE mid = ?1 AND qid = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    nb_bind_text(st, 2, rh);
    nb_bind_int(st, 3, q->qid);
    rc = nb_step(st);
    if (rc == NB_DONE)
        return NB_OK; /* already gone: AWS answers success */
    if (rc != NB_ROW)
        return NB_EIO;
    int current = (int)nb_col_int(st, 0);
    double vis = nb_col_double(st, 1);
    nb_step(st);
    /* AWS: a FIFO receipt handle expires with its visibility timeout; a
     * standard queue ignores an outdated handle ("the request succeeds,
     * but the message might not be deleted"). */
    if (q->fifo && (!current || vis <= call->now))
        return nb_fail(call, "InvalidParameterValue",
                       "Value %s for parameter ReceiptHandle is invalid. Reason: The receipt "
                       "handle has expired.",
                       rh);
    if (!current)
        return NB_OK;
    st = nb_sql(call, "DELETE FROM sqs_messages WHERE mid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

int
sqs_delete_message(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    return rc ? rc : sqs_delete_receipt(call, &q, nb_get_str(in, "ReceiptHandle"));
}

int
sqs_delete_message_batch(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    const nb_value *entries = nb_get(in, "Entries");
    int rc = sqs_queue_from_request(call, in, &q);
    rc = rc ? rc : check_batch(call, entries, "DeleteMessageBatchRequestEntry");
    if (rc)
        return rc;
    nb_value *ok = nb_set_list(out, "Successful"), *failed = NULL;
    if (!ok)
        return NB_ENOMEM;
    for (const nb_value *e = nb_first(entries); e; e = e->next) {
        const char *id = nb_get_str(e, "Id");
        rc = sqs_delete_receipt(call, &q, nb_get_str(e, "ReceiptHandle"));
        if (rc) {
            if ((rc = entry_failed(call, &failed, out, id, rc)))
                return rc;
            continue;
        }
        nb_value *s = nb_list_add_struct(ok);
        if (!s || nb_set_str(s, "Id", id))
            return NB_ENOMEM;
    }
    return failed ? NB_OK : nb_set_list(out, "Failed") ? NB_OK : NB_ENOMEM;
}

/* AWS: the new timeout counts from now; the message must be in flight
 * under this receipt handle. */
static int
change_vis(nb_call *call, const sqs_queue *q, const char *rh, const nb_value *v)
{
    int64_t mid;
    int rc = parse_receipt(call, rh, &mid);
    if (rc)
        return rc;
    if (!v)
        return nb_fail(call, "MissingParameter", "The request must contain the parameter %s.",
                       "VisibilityTimeout");
    if (v->u.i < 0 || v->u.i > 43200)
        return bad_param(call, "VisibilityTimeout", v->u.i,
                         "VisibilityTimeout must be an integer between 0 and 43200");
    nb_stmt *st = nb_sql(call, "SELECT visible_at FROM sqs_messages WHERE mid = ?1 AND qid = ?2"
                               " AND receipt = ?3");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    nb_bind_int(st, 2, q->qid);
    nb_bind_text(st, 3, rh);
    rc = nb_step(st);
    if (rc == NB_DONE)
        return nb_fail(call, "InvalidParameterValue",
                       "Value %s for parameter ReceiptHandle is invalid. Reason: Message does not "
                       "exist or is not available for visibility timeout change.",
                       rh);
    if (rc != NB_ROW)
        return NB_EIO;
    double at = nb_col_double(st, 0);
    nb_step(st);
    if (at <= call->now)
        return nb_fail(call, "MessageNotInflight", "The specified message isn't in flight.");
    st = nb_sql(call, "UPDATE sqs_messages SET visible_at = ?2 WHERE mid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    nb_bind_double(st, 2, call->now + (double)v->u.i);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    sqs_poll_kick(q->qid);
    return NB_OK;
}

int
sqs_change_message_visibility(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    int rc = sqs_queue_from_request(call, in, &q);
    return rc ? rc
              : change_vis(call, &q, nb_get_str(in, "ReceiptHandle"),
                           nb_get(in, "VisibilityTimeout"));
}

int
sqs_change_message_visibility_batch(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue q;
    const nb_value *entries = nb_get(in, "Entries");
    int rc = sqs_queue_from_request(call, in, &q);
    rc = rc ? rc : check_batch(call, entries, "ChangeMessageVisibilityBatchRequestEntry");
    if (rc)
        return rc;
    nb_value *ok = nb_set_list(out, "Successful"), *failed = NULL;
    if (!ok)
        return NB_ENOMEM;
    for (const nb_value *e = nb_first(entries); e; e = e->next) {
        const char *id = nb_get_str(e, "Id");
        rc = change_vis(call, &q, nb_get_str(e, "ReceiptHandle"), nb_get(e, "VisibilityTimeout"));
        if (rc) {
            if ((rc = entry_failed(call, &failed, out, id, rc)))
                return rc;
            continue;
        }
        nb_value *s = nb_list_add_struct(ok);
        if (!s || nb_set_str(s, "Id", id))
            return NB_ENOMEM;
    }
    return failed ? NB_OK : nb_set_list(out, "Failed") ? NB_OK : NB_ENOMEM;
}
