/*
 * sqs_move.c: message move tasks (DLQ redrive): StartMessageMoveTask,
 * ListMessageMoveTasks, CancelMessageMoveTask.
 *
 * A task is a row of sqs_move_tasks. While any task is RUNNING, one loop
 * timer moves a slice of each task's messages every 100 ms (at the task's
 * MaxNumberOfMessagesPerSecond, 500 by default), in a background call of
 * its own, so that a task can be listed while it runs and cancelled.
 * Messages go to DestinationArn, or back to the queue each came from.
 *
 * AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
 * API_StartMessageMoveTask.html,
 * API_ListMessageMoveTasks.html, API_CancelMessageMoveTask.html; error
 * messages from AWS answers recorded by LocalStack
 * (tests/aws/services/sqs/test_sqs_move_task.snapshot.json).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/value.h"
#include "sqs_int.h"
#include "store/store.h"

#define STEP_MS 100
#define DEFAULT_RATE 500 /* AWS: "system-optimized" when not given */

static nb_timer_id step_timer; /* the running tasks' next slice, or 0 */

static void on_step(void *ud);

static void
arm_step(void)
{
    if (!step_timer)
        step_timer = nb_timer_add(STEP_MS, on_step, NULL);
}

/* Is q the dead-letter queue of some queue (its RedrivePolicy names it)? */
static int
is_dlq(nb_call *call, const sqs_queue *q, int *yes)
{
    const char *needle = nb_arena_printf(call->arena, "\"%s\"", q->arn);
    nb_stmt *st = nb_sql(call, "SELECT 1 FROM sqs_attrs WHERE name = 'RedrivePolicy'"
                               " AND instr(value, ?1) > 0 LIMIT 1");
    if (!needle || !st)
        return NB_EIO;
    nb_bind_text(st, 1, needle);
    int rc = nb_step(st);
    *yes = rc == NB_ROW;
    if (rc == NB_ROW)
        nb_step(st);
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EIO;
}

static int
not_found(nb_call *call, const char *param)
{
    return nb_fail(call, "ResourceNotFoundException",
                   "The resource that you specified for the %s parameter doesn't exist.", param);
}

int
sqs_start_message_move_task(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *src_arn = nb_get_str(in, "SourceArn"), *dst_arn = nb_get_str(in, "DestinationArn");
    const nb_value *rate = nb_get(in, "MaxNumberOfMessagesPerSecond");
    sqs_queue src, dst;
    int rc = sqs_queue_by_arn(call, src_arn, &src), dlq;
    if (rc == NB_ENOTFOUND)
        return not_found(call, "SourceArn");
    if (rc || (rc = is_dlq(call, &src, &dlq)))
        return rc;
    if (!dlq)
        return nb_fail(call, "InvalidParameterValue",
                       "Source queue must be configured as a Dead Letter Queue.");
    if (dst_arn && (rc = sqs_queue_by_arn(call, dst_arn, &dst)))
        return rc == NB_ENOTFOUND ? not_found(call, "DestinationArn") : rc;
    if (rate && (rate->u.i < 1 || rate->u.i > 500))
        return nb_fail(call, "InvalidParameterValue",
                       "Value %lld for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: "
                       "must be between 1 and 500.",
                       (long long)rate->u.i);
    nb_stmt *st = nb_sql(call, "SELECT 1 FROM sqs_move_tasks WHERE source_arn = ?1"
                               " AND status IN ('RUNNING', 'CANCELLING')");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, src.arn);
    if ((rc = nb_step(st)) == NB_ROW) {
        nb_step(st);
        return nb_fail(call, "InvalidParameterValue",
                       "There is already a task running. Only one active task is allowed for a "
                       "source queue arn at a given time.");
    }
    int64_t visible, inflight, delayed;
    if ((rc = sqs_counts(call, &src, &visible, &inflight, &delayed)))
        return rc;
    /* AWS: the handle is opaque; AWS's decode to {taskId, sourceArn}. */
    const char *json = nb_arena_printf(call->arena, "{\"taskId\":\"%s\",\"sourceArn\":\"%s\"}",
                                       nb_call_uuid(call), src.arn);
    char *handle = json ? nb_arena_alloc(call->arena, nb_b64_enc_len(strlen(json)) + 1) : NULL;
    if (!handle)
        return NB_ENOMEM;
    nb_b64_encode(handle, json, strlen(json));
    st = nb_sql(call, "INSERT INTO sqs_move_tasks (handle, account, region, source_arn, dest_arn,"
                      " rate, status, to_move, started) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'RUNNING',"
                      " ?7, ?8)");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, handle);
    nb_bind_text(st, 2, src.account);
    nb_bind_text(st, 3, src.region);
    nb_bind_text(st, 4, src.arn);
    dst_arn ? nb_bind_text(st, 5, dst.arn) : nb_bind_null(st, 5);
    rate ? nb_bind_int(st, 6, rate->u.i) : nb_bind_null(st, 6);
    nb_bind_int(st, 7, visible + inflight + delayed);
    nb_bind_double(st, 8, call->now);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    arm_step();
    return nb_set_str(out, "TaskHandle", handle);
}

/* Moves one message to where the task sends it; *ok is 0 when it has
 * nowhere to go. */
static int
move_one(nb_call *call, int64_t mid, const char *dest, const char *origin, int *ok)
{
    sqs_queue q;
    const char *arn = dest ? dest : origin;
    *ok = 0;
    if (!arn || !*arn)
        return NB_OK;
    int rc = sqs_queue_by_arn(call, arn, &q);
    if (rc)
        return rc == NB_ENOTFOUND ? NB_OK : rc;
    nb_stmt *st = nb_sql(call, "UPDATE sqs_messages SET qid = ?2, visible_at = ?3, receipt = NULL,"
                               " recv_count = 0, first_recv = 0, dlq_source = NULL WHERE mid = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, mid);
    nb_bind_int(st, 2, q.qid);
    nb_bind_double(st, 3, call->now);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    sqs_poll_kick(q.qid);
    *ok = 1;
    return NB_OK;
}

static int
set_status(nb_call *call, const char *handle, const char *status, int64_t moved,
           const char *failure)
{
    nb_stmt *st = nb_sql(call, "UPDATE sqs_move_tasks SET status = ?2, moved = moved + ?3,"
                               " failure = ?4 WHERE handle = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, handle);
    nb_bind_text(st, 2, status);
    nb_bind_int(st, 3, moved);
    failure ? nb_bind_text(st, 4, failure) : nb_bind_null(st, 4);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

/* One slice of one task. */
static int
step_task(nb_call *call, const char *handle, const char *src_arn, const char *dest, int64_t rate)
{
    sqs_queue src;
    int rc = sqs_queue_by_arn(call, src_arn, &src);
    if (rc == NB_ENOTFOUND)
        return set_status(call, handle, "FAILED", 0, "AWS.SimpleQueueService.NonExistentQueue");
    if (rc)
        return rc;
    int64_t slice = (rate > 0 ? rate : DEFAULT_RATE) * STEP_MS / 1000;
    int64_t mids[64];
    char *origins[64];
    int n = 0;
    nb_stmt *st = nb_sql(call, "SELECT mid, dlq_source FROM sqs_messages WHERE qid = ?1"
                               " AND visible_at <= ?2 ORDER BY mid LIMIT ?3");
    if (!st)
        return NB_EIO;
    nb_bind_int(st, 1, src.qid);
    nb_bind_double(st, 2, call->now);
    nb_bind_int(st, 3, slice < 1 ? 1 : slice > 64 ? 64 : slice);
    while ((rc = nb_step(st)) == NB_ROW) {
        mids[n] = nb_col_int(st, 0);
        origins[n++] = nb_arena_strdup(call->arena, nb_col_text(st, 1));
    }
    if (rc != NB_DONE)
        return NB_EIO;
    int64_t moved = 0;
    for (int i = 0; i < n; i++) {
        int ok;
        if ((rc = move_one(call, mids[i], dest, origins[i], &ok)))
            return rc;
        moved += ok;
    }
    return set_status(call, handle, n < slice || moved < n ? "COMPLETED" : "RUNNING", moved, NULL);
}

static void
on_step(void *ud)
{
    step_timer = 0;
    nb_call *call = nb_call_new(NULL, NULL);
    if (!call)
        return;
    int rc = NB_OK, running = 0;
    nb_stmt *st = nb_sql(call, "SELECT handle, source_arn, dest_arn, coalesce(rate, 0), status"
                               " FROM sqs_move_tasks WHERE status IN ('RUNNING', 'CANCELLING')");
    struct {
        const char *handle, *src, *dest, *status;
        int64_t rate;
    } t[32];
    int n = 0;
    while (st && n < 32 && nb_step(st) == NB_ROW) {
        t[n].handle = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        t[n].src = nb_arena_strdup(call->arena, nb_col_text(st, 1));
        t[n].dest = nb_col_is_null(st, 2) ? NULL : nb_arena_strdup(call->arena, nb_col_text(st, 2));
        t[n].rate = nb_col_int(st, 3);
        t[n].status = nb_arena_strdup(call->arena, nb_col_text(st, 4));
        n++;
    }
    if (st && n == 32)
        nb_step(st); /* more wait for the next slice */
    for (int i = 0; !rc && i < n; i++) {
        if (strcmp(t[i].status, "CANCELLING") == 0) {
            rc = set_status(call, t[i].handle, "CANCELLED", 0, NULL);
            continue;
        }
        rc = step_task(call, t[i].handle, t[i].src, t[i].dest, t[i].rate);
        running = 1;
    }
    if (rc)
        nb_error("sqs: message move step failed (%d)", rc);
    else if (call->in_txn)
        nb_store_commit(call);
    nb_call_free(call);
    if (running || n == 32)
        arm_step();
}

void
sqs_move_stop(void)
{
    if (step_timer)
        nb_timer_cancel(step_timer);
    step_timer = 0;
}

/* Restarts the timer for tasks that were running when nimbus stopped:
 * only a data folder keeps tasks across a restart (in memory, looking
 * would make SQS's tables before anyone uses them). */
int
sqs_move_resume(void)
{
    if (nb_cfg.data_dir)
        arm_step();
    return NB_OK;
}

static int
task_from_handle(nb_call *call, const char *handle)
{
    size_t n = strlen(handle), len;
    unsigned char *raw = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    nb_value *j = NULL;
    if (!raw)
        return NB_ENOMEM;
    if (nb_b64_decode(raw, &len, handle, n, NULL) != NB_B64_OK ||
        nb_json_parse_value(call->arena, (char *)raw, len, &j, NULL) || j->type != NB_V_MAP ||
        !nb_get_str(j, "taskId"))
        return nb_fail(call, "InvalidParameterValue", "Value for parameter TaskHandle is invalid.");
    return NB_OK;
}

int
sqs_cancel_message_move_task(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *handle = nb_get_str(in, "TaskHandle");
    int rc = task_from_handle(call, handle);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "SELECT status, moved FROM sqs_move_tasks WHERE handle = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, handle);
    rc = nb_step(st);
    if (rc == NB_DONE)
        return nb_fail(call, "ResourceNotFoundException", "Task does not exist.");
    if (rc != NB_ROW)
        return NB_EIO;
    int running = strcmp(nb_col_text(st, 0), "RUNNING") == 0;
    int64_t moved = nb_col_int(st, 1);
    nb_step(st);
    if (!running)
        return nb_fail(call, "ResourceNotFoundException", "Task does not exist.");
    rc = set_status(call, handle, "CANCELLING", 0, NULL);
    return rc ? rc : nb_set_int(out, "ApproximateNumberOfMessagesMoved", moved);
}

static int
put_task(nb_call *call, nb_stmt *st, nb_value *e)
{
    const char *status = nb_col_text(st, 4);
    int rc = NB_OK;
    if (strcmp(status, "RUNNING") == 0)
        rc = nb_set_str(e, "TaskHandle", nb_col_text(st, 0));
    rc = rc ? rc : nb_set_str(e, "Status", status);
    rc = rc ? rc : nb_set_str(e, "SourceArn", nb_col_text(st, 1));
    if (!rc && !nb_col_is_null(st, 2))
        rc = nb_set_str(e, "DestinationArn", nb_col_text(st, 2));
    if (!rc && !nb_col_is_null(st, 3))
        rc = nb_set_int(e, "MaxNumberOfMessagesPerSecond", nb_col_int(st, 3));
    rc = rc ? rc : nb_set_int(e, "ApproximateNumberOfMessagesMoved", nb_col_int(st, 5));
    rc = rc ? rc : nb_set_int(e, "ApproximateNumberOfMessagesToMove", nb_col_int(st, 6));
    if (!rc && !nb_col_is_null(st, 8))
        rc = nb_set_str(e, "FailureReason", nb_col_text(st, 8));
    return rc ? rc : nb_set_int(e, "StartedTimestamp", (int64_t)(nb_col_double(st, 7) * 1000));
}

int
sqs_list_message_move_tasks(nb_call *call, const nb_value *in, nb_value *out)
{
    sqs_queue src;
    const nb_value *mr = nb_get(in, "MaxResults");
    int64_t max = mr ? mr->u.i : 1;
    int rc = sqs_queue_by_arn(call, nb_get_str(in, "SourceArn"), &src);
    if (rc == NB_ENOTFOUND)
        return not_found(call, "SourceArn");
    if (rc)
        return rc;
    if (max < 1 || max > 10)
        return nb_fail(call, "InvalidParameterValue",
                       "Value %lld for parameter MaxResults is invalid. Reason: You must enter a "
                       "number that's between 1 and 10.",
                       (long long)max);
    nb_stmt *st = nb_sql(call, "SELECT handle, source_arn, dest_arn, rate, status, moved, to_move,"
                               " started, failure FROM sqs_move_tasks WHERE source_arn = ?1"
                               " ORDER BY started DESC, rowid DESC LIMIT ?2");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, src.arn);
    nb_bind_int(st, 2, max);
    nb_value *list = nb_set_list(out, "Results");
    if (!list)
        return NB_ENOMEM;
    while ((rc = nb_step(st)) == NB_ROW) {
        nb_value *e = nb_list_add_struct(list);
        if (!e || put_task(call, st, e))
            return NB_ENOMEM;
    }
    return rc == NB_DONE ? NB_OK : NB_EIO;
}
