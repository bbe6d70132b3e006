/*
 * sqs_poll.c: long polling. A ReceiveMessage with WaitTimeSeconds that
 * finds nothing returns NB_PENDING and waits here, its connection
 * suspended, until a message can be received or the wait ends.
 *
 * AWS: "Long polling ... returns messages as soon as they become
 * available" (SQS Developer Guide, "Amazon SQS short and long polling").
 *
 * Each waiter has one timer: at the earlier of its deadline and the time
 * the next message of its queue becomes visible (a delay or a visibility
 * timeout ending). Anything that may make a message receivable (a send, a
 * visibility change, a DLQ move) calls sqs_poll_kick(), which runs the
 * queue's waiters from a 0 ms timer, after the current call's transaction
 * has committed: the store has one transaction at a time. A waiter that
 * finds nothing commits what its try wrote (expiry) and sleeps again.
 *
 * Waiters are this file's own allocations, not the call's: while the
 * loop runs, a waiting call is only freed after nb_call_done() (the
 * server keeps a suspended connection until it is resumed, even if the
 * client went away); but at shutdown the server stops first and frees
 * suspended calls itself (MHD_stop_daemon closes them), so sqs_poll_stop()
 * only frees the waiters and never touches their calls.
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/value.h"
#include "sqs_int.h"
#include "store/store.h"

typedef struct waiter {
    nb_call *call;       /* the waiting ReceiveMessage */
    nb_value *out;       /* its result struct */
    int64_t qid;         /* the queue it waits on */
    const char *name;    /* queue name, account, region (call arena) */
    const char *account; /* owner account */
    const char *region;  /* region */
    int64_t max;         /* MaxNumberOfMessages */
    int64_t vis;         /* visibility timeout for what it receives */
    double deadline;     /* epoch seconds when it answers empty */
    nb_timer_id timer;   /* its wake-up, or 0 */
    int kicked;          /* a kick is due */
    struct waiter *prev; /* list links */
    struct waiter *next;
} waiter;

static waiter *waiters;        /* every waiting call */
static nb_timer_id kick_timer; /* pending 0 ms run of kicked waiters, or 0 */

static void on_timer(void *ud);

static void
unlink_waiter(waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        waiters = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    if (w->timer)
        nb_timer_cancel(w->timer);
    w->timer = 0;
}

static void
finish(waiter *w, int rc)
{
    nb_call *call = w->call;
    unlink_waiter(w);
    nb_free(w);
    nb_call_done(call, rc); /* the server frees the call later */
}

static void
arm(waiter *w, double next)
{
    double at = next > 0 && next < w->deadline ? next : w->deadline;
    int64_t ms = (int64_t)((at - nb_wall_now()) * 1000.0) + 1;
    if (w->timer)
        nb_timer_cancel(w->timer);
    w->timer = nb_timer_add(ms > 0 ? ms : 0, on_timer, w);
}

/* Tries to receive for w; answers, or sleeps again. */
static void
try_receive(waiter *w)
{
    nb_call *call = w->call;
    sqs_queue q;
    int got = 0;
    call->now = nb_wall_now();
    int rc = sqs_queue_load(call, w->region, w->account, w->name, &q);
    if (rc == NB_ENOTFOUND || (rc == NB_OK && q.qid != w->qid)) {
        finish(w, NB_OK); /* the queue was deleted: an empty answer */
        return;
    }
    nb_value *list = rc ? NULL : nb_value_list(call->arena);
    if (!rc && !list)
        rc = NB_ENOMEM;
    if (!rc)
        rc = sqs_receive_into(call, &q, call->in, w->max, w->vis, list, &got);
    if (!rc && got)
        rc = nb_value_put(w->out, "Messages", 8, list);
    if (rc || got || call->now >= w->deadline) {
        finish(w, rc);
        return;
    }
    double next = sqs_next_visible(call, q.qid);
    if (call->in_txn && nb_store_commit(call)) {
        finish(w, NB_EIO);
        return;
    }
    arm(w, next);
}

static void
on_timer(void *ud)
{
    waiter *w = ud;
    w->timer = 0;
    try_receive(w);
}

static void
on_kick(void *ud)
{
    kick_timer = 0;
    waiter *w = waiters, *next;
    for (; w; w = next) {
        next = w->next;
        if (w->kicked) {
            w->kicked = 0;
            try_receive(w); /* may unlink w, never another waiter */
        }
    }
}

void
sqs_poll_kick(int64_t qid)
{
    int any = 0;
    for (waiter *w = waiters; w; w = w->next)
        if (w->qid == qid)
            w->kicked = any = 1;
    if (any && !kick_timer)
        kick_timer = nb_timer_add(0, on_kick, NULL);
}

int
sqs_poll_wait(nb_call *call, const sqs_queue *q, nb_value *out, int64_t wait)
{
    waiter *w = nb_calloc(1, sizeof(*w));
    if (!w)
        return NB_ENOMEM;
    w->call = call;
    w->out = out;
    w->qid = q->qid;
    w->name = q->name;
    w->account = q->account;
    w->region = q->region;
    w->max = nb_get_int(call->in, "MaxNumberOfMessages", 1);
    w->vis = nb_get_int(call->in, "VisibilityTimeout", q->visibility);
    w->deadline = call->now + (double)wait;
    double next = sqs_next_visible(call, q->qid);
    w->next = waiters;
    if (waiters)
        waiters->prev = w;
    waiters = w;
    arm(w, next);
    if (!w->timer) {
        unlink_waiter(w);
        nb_free(w);
        return NB_ENOMEM;
    }
    return NB_PENDING;
}

void
sqs_poll_stop(void)
{
    while (waiters) {
        waiter *w = waiters;
        unlink_waiter(w);
        nb_free(w);
    }
    if (kick_timer)
        nb_timer_cancel(kick_timer);
    kick_timer = 0;
}
