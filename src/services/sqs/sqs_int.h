/*
 * sqs_int.h: private to src/services/sqs/: the queue record every handler
 * works on, the helpers the resource files share, and the handlers.
 *
 * A queue is a row of sqs_queues (its numeric id, qid, keys everything
 * else) plus its attributes in sqs_attrs, as the strings SQS returns.
 * sqs_queue_load() reads both and parses the attributes the message logic
 * needs into the struct, so that one place knows the defaults.
 */
#ifndef NB_SQS_INT_H
#define NB_SQS_INT_H

#include "core/nb.h"

/* AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
 * API_SetQueueAttributes.html (defaults and ranges of each attribute). */
#define SQS_DEFAULT_VISIBILITY 30
#define SQS_DEFAULT_MAX_SIZE 1048576
#define SQS_DEFAULT_RETENTION 345600
#define SQS_MAX_WAIT 20
#define SQS_BATCH_MAX 10
/* AWS: FIFO deduplication interval and ReceiveRequestAttemptId lifetime. */
#define SQS_DEDUP_WINDOW 300

typedef struct sqs_queue {
    int64_t qid;         /* row id in sqs_queues */
    const char *name;    /* queue name (call arena) */
    const char *account; /* owner account (call arena) */
    const char *region;  /* its region (call arena) */
    const char *arn;     /* arn:aws:sqs:<region>:<account>:<name> */
    double created;      /* CreatedTimestamp, epoch seconds */
    double modified;     /* LastModifiedTimestamp */
    double purged;       /* last PurgeQueue, or 0 */
    int fifo;            /* FifoQueue */
    int64_t seq;         /* last FIFO SequenceNumber handed out */
    int64_t visibility;  /* VisibilityTimeout */
    int64_t delay;       /* DelaySeconds */
    int64_t max_size;    /* MaximumMessageSize */
    int64_t retention;   /* MessageRetentionPeriod */
    int64_t wait;        /* ReceiveMessageWaitTimeSeconds */
    int cbd;             /* ContentBasedDeduplication */
    int dedup_per_group; /* DeduplicationScope is messageGroup */
    const char *dlq_arn; /* RedrivePolicy deadLetterTargetArn, or NULL */
    int64_t max_receive; /* RedrivePolicy maxReceiveCount, or 0 */
    nb_value *attrs;     /* every stored attribute: map name -> string */
} sqs_queue;

/* ---- sqs.c: queue addressing ---- */

/* The queue URL to give out for name in the caller's account. */
const char *sqs_queue_url(nb_call *call, const char *account, const char *name);
/* The queue the request names: QueueUrl (any host, or a bare path), or
 * for query requests the request path. Fails with QueueDoesNotExist or
 * MissingParameter. */
int sqs_queue_from_request(nb_call *call, const nb_value *in, sqs_queue *q);
/* Splits a queue URL or ARN into account and name (arena strings);
 * NB_ENOTFOUND when it is neither. */
int sqs_parse_url(nb_call *call, const char *url, const char **account, const char **name);
int sqs_parse_arn(nb_call *call, const char *arn, const char **region, const char **account,
                  const char **name);

/* ---- sqs_queue.c ---- */

/* Loads queue name of account in region; NB_ENOTFOUND when absent (no AWS
 * error set). */
int sqs_queue_load(nb_call *call, const char *region, const char *account, const char *name,
                   sqs_queue *q);
/* Every write to a queue's row or attributes calls this first: queues
 * loaded before it are read again from the store (sqs_queue.c keeps the
 * last ones loaded). */
void sqs_queue_changed(void);
/* Frees the kept queues (at shutdown). */
void sqs_queue_cache_free(void);
/* The same by ARN. */
int sqs_queue_by_arn(nb_call *call, const char *arn, sqs_queue *q);
/* Fails with QueueDoesNotExist. */
int sqs_no_queue(nb_call *call);
/* Deletes a queue, its messages and its state. */
int sqs_queue_drop(nb_call *call, const sqs_queue *q);
/* Creates (or finds, when attributes agree) a queue; sets *url. */
int sqs_queue_create(nb_call *call, const char *name, const nb_value *attrs, const nb_value *tags,
                     const char **url);

/* ---- sqs_message.c ---- */

/* MD5 of message attributes as SQS computes it (MD5OfMessageAttributes,
 * MD5OfMessageSystemAttributes): names sorted; per attribute the name,
 * the data type and the value, each as a 4-byte big-endian length and
 * the bytes, with a transport byte (1 string, 2 binary) before the value.
 * attrs is a map name -> {DataType, StringValue | BinaryValue}. hex gets
 * 33 bytes. Returns NB_OK, or NB_ENOMEM. */
int sqs_md5_attrs(nb_arena *a, const nb_value *attrs, char hex[33]);
/* Removes messages past their retention period. */
int sqs_expire(nb_call *call, const sqs_queue *q);
/* Receives up to max messages into list (Message structures) with
 * visibility vis; moves messages over maxReceiveCount to the DLQ.
 * want is the ReceiveMessage input (attribute names), or NULL for all.
 * *got is the number received. */
int sqs_receive_into(nb_call *call, sqs_queue *q, const nb_value *want, int64_t max, int64_t vis,
                     nb_value *list, int *got);
/* Counts for the Approximate* attributes. */
int sqs_counts(nb_call *call, const sqs_queue *q, int64_t *visible, int64_t *inflight,
               int64_t *delayed);
/* Seconds (epoch) when the next message of q becomes visible, or 0. */
double sqs_next_visible(nb_call *call, int64_t qid);
/* Deletes a message by receipt handle; NB_OK when deleted or stale. */
int sqs_delete_receipt(nb_call *call, const sqs_queue *q, const char *rh);

/* ---- sqs_poll.c: long polling ---- */

/* Parks a ReceiveMessage that found nothing until a message arrives or
 * wait seconds pass; returns NB_PENDING. */
int sqs_poll_wait(nb_call *call, const sqs_queue *q, nb_value *out, int64_t wait);
/* Something may have become receivable in qid: wake its waiters soon
 * (after the current call's transaction commits). */
void sqs_poll_kick(int64_t qid);
/* Completes every waiting call with an empty result (shutdown). */
void sqs_poll_stop(void);

/* ---- sqs_move.c ---- */

/* Re-arms the move timer for tasks left running (init), and stops it. */
int sqs_move_resume(void);
void sqs_move_stop(void);

/* Handlers, by resource file. */
int sqs_add_permission(nb_call *call, const nb_value *in, nb_value *out);
int sqs_cancel_message_move_task(nb_call *call, const nb_value *in, nb_value *out);
int sqs_change_message_visibility(nb_call *call, const nb_value *in, nb_value *out);
int sqs_change_message_visibility_batch(nb_call *call, const nb_value *in, nb_value *out);
int sqs_create_queue(nb_call *call, const nb_value *in, nb_value *out);
int sqs_delete_message(nb_call *call, const nb_value *in, nb_value *out);
int sqs_delete_message_batch(nb_call *call, const nb_value *in, nb_value *out);
int sqs_delete_queue(nb_call *call, const nb_value *in, nb_value *out);
int sqs_get_queue_attributes(nb_call *call, const nb_value *in, nb_value *out);
int sqs_get_queue_url(nb_call *call, const nb_value *in, nb_value *out);
int sqs_list_dead_letter_source_queues(nb_call *call, const nb_value *in, nb_value *out);
int sqs_list_message_move_tasks(nb_call *call, const nb_value *in, nb_value *out);
int sqs_list_queue_tags(nb_call *call, const nb_value *in, nb_value *out);
int sqs_list_queues(nb_call *call, const nb_value *in, nb_value *out);
int sqs_purge_queue(nb_call *call, const nb_value *in, nb_value *out);
int sqs_receive_message(nb_call *call, const nb_value *in, nb_value *out);
int sqs_remove_permission(nb_call *call, const nb_value *in, nb_value *out);
int sqs_send_message(nb_call *call, const nb_value *in, nb_value *out);
int sqs_send_message_batch(nb_call *call, const nb_value *in, nb_value *out);
int sqs_set_queue_attributes(nb_call *call, const nb_value *in, nb_value *out);
int sqs_start_message_move_task(nb_call *call, const nb_value *in, nb_value *out);
int sqs_tag_queue(nb_call *call, const nb_value *in, nb_value *out);
int sqs_untag_queue(nb_call *call, const nb_value *in, nb_value *out);

#endif
