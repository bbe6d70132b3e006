/*
 * sqs.c: Amazon Simple Queue Service: the service definition, its schema,
 * and how queues are addressed (URLs and ARNs).
 *
 * SQS speaks two protocols on the same queues: awsJson1_0 (current SDKs;
 * the model is awsQueryCompatible, so errors carry the query codes in
 * x-amzn-query-error) and awsQuery (AWS CLI v2 2.9.19 and older SDKs).
 * The router picks nb_sqs_model for X-Amz-Target requests and
 * nb_sqs_query_model for form-encoded Action requests; one handler serves
 * both (models/README.md says how the two tables are built).
 *
 * Queue URLs are built from the Host the request came in on, since current
 * SDKs send later calls to the QueueUrl's own host; NIMBUS_SQS_URL_STYLE=
 * localstack gives LocalStack's sqs.<region>.localhost.localstack.cloud
 * form. Any URL form (and a bare /<account>/<name> path) is accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/config.h"
#include "core/http.h"
#include "core/model.h"
#include "core/service.h"
#include "core/value.h"
#include "gen/sqs_model.h"
#include "gen/sqs_query_model.h"
#include "sqs_int.h"

/* Tables keyed by account and region first (sqs_queues); the rest hang
 * off the queue's numeric id. Single quotes only: the store disables
 * double-quoted string literals. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS sqs_queues ("
    " qid INTEGER PRIMARY KEY,"
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " created REAL NOT NULL, modified REAL NOT NULL,"
    " fifo INTEGER NOT NULL DEFAULT 0,"
    " seq INTEGER NOT NULL DEFAULT 0," /* last FIFO SequenceNumber */
    " purged REAL NOT NULL DEFAULT 0," /* last PurgeQueue */
    " UNIQUE (account, region, name));"
    "CREATE TABLE IF NOT EXISTS sqs_attrs ("
    " qid INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (qid, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS sqs_tags ("
    " qid INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (qid, key)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS sqs_perms ("
    " qid INTEGER NOT NULL, label TEXT NOT NULL, accounts TEXT NOT NULL,"
    " actions TEXT NOT NULL, PRIMARY KEY (qid, label)) WITHOUT ROWID;"
    /* mid orders arrivals; visible_at is when a receive may return it
     * (delay, visibility); receipt is the nonce of the latest receive. */
    "CREATE TABLE IF NOT EXISTS sqs_messages ("
    " mid INTEGER PRIMARY KEY, qid INTEGER NOT NULL, id TEXT NOT NULL,"
    " body BLOB NOT NULL, attrs TEXT, sysattrs TEXT,"
    " md5_body TEXT NOT NULL, md5_attrs TEXT, md5_sys TEXT,"
    " sender TEXT NOT NULL, sent REAL NOT NULL,"
    " first_recv REAL NOT NULL DEFAULT 0, recv_count INTEGER NOT NULL DEFAULT 0,"
    " visible_at REAL NOT NULL, receipt TEXT,"
    " group_id TEXT, dedup_id TEXT, seqnum TEXT, dlq_source TEXT);"
    "CREATE INDEX IF NOT EXISTS sqs_messages_q ON sqs_messages (qid, visible_at);"
    /* receives walk a queue in arrival order (stopping at the first
     * visible ones), retention deletes by age, FIFO checks a group's
     * messages in flight: each has its index, so none scans the queue */
    "CREATE INDEX IF NOT EXISTS sqs_messages_o ON sqs_messages (qid, mid);"
    "CREATE INDEX IF NOT EXISTS sqs_messages_s ON sqs_messages (qid, sent);"
    "CREATE INDEX IF NOT EXISTS sqs_messages_g ON sqs_messages (qid, group_id, visible_at)"
    " WHERE group_id IS NOT NULL;"
    /* no lookup goes by receipt (a handle names its row): an index made
     * by an earlier nimbus in a --data-dir goes */
    "DROP INDEX IF EXISTS sqs_messages_r;"
    /* FIFO deduplication: scope is the group id or '' (queue scope). */
    "CREATE TABLE IF NOT EXISTS sqs_dedup ("
    " qid INTEGER NOT NULL, scope TEXT NOT NULL, dedup_id TEXT NOT NULL,"
    " expires REAL NOT NULL, message_id TEXT NOT NULL, seqnum TEXT,"
    " PRIMARY KEY (qid, scope, dedup_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS sqs_move_tasks ("
    " handle TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,"
    " source_arn TEXT NOT NULL, dest_arn TEXT, rate INTEGER,"
    " status TEXT NOT NULL, moved INTEGER NOT NULL DEFAULT 0,"
    " to_move INTEGER NOT NULL DEFAULT 0, started REAL NOT NULL, failure TEXT);";

static int url_style_localstack; /* NIMBUS_SQS_URL_STYLE=localstack */

static int
sqs_init(void)
{
    const char *s = getenv("NIMBUS_SQS_URL_STYLE");
    url_style_localstack = s && strcmp(s, "localstack") == 0;
    return sqs_move_resume();
}

static void
sqs_stop(void)
{
    sqs_poll_stop();
    sqs_move_stop();
    sqs_queue_cache_free();
}

const char *
sqs_queue_url(nb_call *call, const char *account, const char *name)
{
    const nb_http_req *req = call->http;
    unsigned port = req && req->local_port ? req->local_port : nb_cfg.bound_port;
    if (url_style_localstack)
        return nb_arena_printf(call->arena, "http://sqs.%s.localhost.localstack.cloud:%u/%s/%s",
                               call->region, port, account, name);
    if (req && req->host[0])
        return nb_arena_printf(call->arena, "http://%s/%s/%s", req->host, account, name);
    return nb_arena_printf(call->arena, "http://localhost:%u/%s/%s", port, account, name);
}

static int
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* AWS: queue URLs are https://sqs.<region>.amazonaws.com/<account>/<name>;
 * only the last two path segments matter here, whatever the host. */
int
sqs_parse_url(nb_call *call, const char *url, const char **account, const char **name)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    if (!p)
        return NB_ENOTFOUND;
    while (*p == '/')
        p++;
    const char *slash = strchr(p, '/');
    if (!slash) { /* a bare name: the caller's account */
        if (!*p)
            return NB_ENOTFOUND;
        *account = call->account;
        *name = nb_arena_strdup(call->arena, p);
        return *name ? NB_OK : NB_ENOMEM;
    }
    const char *n = slash + 1;
    size_t nl = strcspn(n, "/?");
    if (!all_digits(p, (size_t)(slash - p)) || slash - p != 12 || nl == 0 || n[nl] == '/')
        return NB_ENOTFOUND;
    *account = nb_arena_strndup(call->arena, p, 12);
    *name = nb_arena_strndup(call->arena, n, nl);
    return *account && *name ? NB_OK : NB_ENOMEM;
}

/* arn:aws:sqs:<region>:<account>:<name> */
int
sqs_parse_arn(nb_call *call, const char *arn, const char **region, const char **account,
              const char **name)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NB_ENOTFOUND;
    const char *f[6];
    size_t len[6];
    const char *p = arn;
    for (int i = 0; i < 6; i++) {
        const char *c = i < 5 ? strchr(p, ':') : p + strlen(p);
        if (!c)
            return NB_ENOTFOUND;
        f[i] = p;
        len[i] = (size_t)(c - p);
        p = c + 1;
    }
    if (len[2] != 3 || strncmp(f[2], "sqs", 3) != 0 || len[3] == 0 || len[4] != 12 || len[5] == 0)
        return NB_ENOTFOUND;
    *region = nb_arena_strndup(call->arena, f[3], len[3]);
    *account = nb_arena_strndup(call->arena, f[4], len[4]);
    *name = nb_arena_strndup(call->arena, f[5], len[5]);
    return *region && *account && *name ? NB_OK : NB_ENOMEM;
}

int
sqs_queue_from_request(nb_call *call, const nb_value *in, sqs_queue *q)
{
    const char *url = nb_get_str(in, "QueueUrl");
    const char *account, *name;
    int rc;
    if (!url && call->http && call->model && call->model->protocol == NB_P_QUERY &&
        strcmp(call->http->url, "/") != 0)
        url = call->http->url; /* POST /<account>/<name> with Action=... */
    if (!url)
        return nb_fail(call, "MissingParameter", "The request must contain the parameter %s.",
                       "QueueUrl");
    rc = sqs_parse_url(call, url, &account, &name);
    if (rc == NB_ENOTFOUND)
        return sqs_no_queue(call);
    if (rc)
        return rc;
    rc = sqs_queue_load(call, call->region, account, name, q);
    return rc == NB_ENOTFOUND ? sqs_no_queue(call) : rc;
}

int
sqs_no_queue(nb_call *call)
{
    /* AWS (recorded answers): the query protocol adds "for this wsdl
     * version" to the message. */
    int query = call->model && call->model->protocol == NB_P_QUERY;
    return nb_fail(call, "QueueDoesNotExist", "The specified queue does not exist%s.",
                   query ? " for this wsdl version" : "");
}

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"AddPermission", sqs_add_permission},
    {"CancelMessageMoveTask", sqs_cancel_message_move_task},
    {"ChangeMessageVisibility", sqs_change_message_visibility},
    {"ChangeMessageVisibilityBatch", sqs_change_message_visibility_batch},
    {"CreateQueue", sqs_create_queue},
    {"DeleteMessage", sqs_delete_message},
    {"DeleteMessageBatch", sqs_delete_message_batch},
    {"DeleteQueue", sqs_delete_queue},
    {"GetQueueAttributes", sqs_get_queue_attributes},
    {"GetQueueUrl", sqs_get_queue_url},
    {"ListDeadLetterSourceQueues", sqs_list_dead_letter_source_queues},
    {"ListMessageMoveTasks", sqs_list_message_move_tasks},
    {"ListQueueTags", sqs_list_queue_tags},
    {"ListQueues", sqs_list_queues},
    {"PurgeQueue", sqs_purge_queue},
    {"ReceiveMessage", sqs_receive_message},
    {"RemovePermission", sqs_remove_permission},
    {"SendMessage", sqs_send_message},
    {"SendMessageBatch", sqs_send_message_batch},
    {"SetQueueAttributes", sqs_set_queue_attributes},
    {"StartMessageMoveTask", sqs_start_message_move_task},
    {"TagQueue", sqs_tag_queue},
    {"UntagQueue", sqs_untag_queue},
};

const nb_service nb_sqs_service = {
    .name = "sqs",
    .model = &nb_sqs_model,           /* awsJson1_0, awsQueryCompatible */
    .alt_model = &nb_sqs_query_model, /* awsQuery, for the CLI and older SDKs */
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: SQS answers a missing required parameter with MissingParameter
     * ("The request must contain the parameter MessageBody."); required
     * members are the only model constraint the tables keep for SQS. */
    .validation_code = "MissingParameter",
    .missing_fmt = "The request must contain the parameter %s.",
    /* AWS: SQS's query errors end with an empty <Detail/> (botocore's
     * recorded SQS error, tests/unit/response_parsing/xml/errors/
     * sqs-delete-queue.json: "Detail": null). */
    .query_error_detail = 1,
    /* AWS JSON: {"__type":"com.amazonaws.sqs#QueueDoesNotExist", ...} next to
     * x-amzn-query-error (LocalStack's SQS serializer notes the same) */
    .error_ns = "com.amazonaws.sqs#",
    .schema = schema,
    .table_prefix = "sqs_",
    .init = sqs_init,
    .stop = sqs_stop,
};
