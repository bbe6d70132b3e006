/*
 * sqs.h: what other services may ask of SQS without HTTP: the Lambda event
 * source mapping receives and deletes batches, CloudFormation creates and
 * deletes queues (AWS::SQS::Queue: Ref is the URL, GetAtt Arn the ARN).
 *
 * Each runs inside the given call's store transaction, in its account and
 * region (queues named by ARN carry their own). Strings come back in the
 * call's arena. Failures that are AWS errors return NB_EAWS with the error
 * set on the call, as the SQS operations give them.
 */
#ifndef NB_SQS_H
#define NB_SQS_H

#include "core/nb.h"

/* Receives up to max (1 to 10) messages from the queue with ARN
 * queue_arn, hidden for visibility seconds (-1: the queue's own). *messages
 * is a list of ReceiveMessage's Message structures (MessageId,
 * ReceiptHandle, MD5OfBody, Body, Attributes with every system attribute,
 * MessageAttributes), possibly empty. Messages over the queue's
 * maxReceiveCount go to its dead-letter queue as for ReceiveMessage. */
int sqs_receive_batch(nb_call *call, const char *queue_arn, int max, int visibility,
                      nb_value **messages);
/* Deletes the messages with these receipt handles from the queue. A stale
 * handle is not an error (as DeleteMessage); a malformed one is. */
int sqs_delete_batch(nb_call *call, const char *queue_arn, const char *const *receipts, size_t n);
/* Creates a queue (or finds it, when its attributes agree) with
 * attributes (a map name -> string, or NULL) and tags (map, or NULL);
 * gives its URL and ARN (either pointer may be NULL). */
int sqs_create(nb_call *call, const char *name, const nb_value *attrs, const nb_value *tags,
               const char **url, const char **arn);
/* Deletes the queue named by URL or ARN; NB_OK when it does not exist. */
int sqs_delete(nb_call *call, const char *url_or_arn);
/* URL and ARN of an existing queue; NB_ENOTFOUND when there is none. */
int sqs_lookup(nb_call *call, const char *name, const char **url, const char **arn);

#endif
