/*
 * sqs_api.c: the in-process interface of sqs.h, for the Lambda event
 * source mapping and CloudFormation. Thin wrappers over the same code the
 * operations use, so that both paths behave alike.
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "sqs.h"
#include "sqs_int.h"

static int
by_arn(nb_call *call, const char *arn, sqs_queue *q)
{
    int rc = sqs_queue_by_arn(call, arn, q);
    return rc == NB_ENOTFOUND ? sqs_no_queue(call) : rc;
}

int
sqs_receive_batch(nb_call *call, const char *queue_arn, int max, int visibility,
                  nb_value **messages)
{
    sqs_queue q;
    int got, rc = by_arn(call, queue_arn, &q);
    if (rc)
        return rc;
    *messages = nb_value_list(call->arena);
    if (!*messages)
        return NB_ENOMEM;
    if (max < 1)
        max = 1;
    return sqs_receive_into(call, &q, NULL, max, visibility < 0 ? q.visibility : visibility,
                            *messages, &got);
}

int
sqs_delete_batch(nb_call *call, const char *queue_arn, const char *const *receipts, size_t n)
{
    sqs_queue q;
    int rc = by_arn(call, queue_arn, &q);
    for (size_t i = 0; !rc && i < n; i++)
        rc = sqs_delete_receipt(call, &q, receipts[i]);
    return rc;
}

int
sqs_create(nb_call *call, const char *name, const nb_value *attrs, const nb_value *tags,
           const char **url, const char **arn)
{
    const char *u;
    int rc = sqs_queue_create(call, name, attrs, tags, &u);
    if (rc)
        return rc;
    if (url)
        *url = u;
    if (arn)
        *arn =
            nb_arena_printf(call->arena, "arn:aws:sqs:%s:%s:%s", call->region, call->account, name);
    return arn && !*arn ? NB_ENOMEM : NB_OK;
}

int
sqs_delete(nb_call *call, const char *url_or_arn)
{
    sqs_queue q;
    const char *region = call->region, *account, *name;
    int rc = strncmp(url_or_arn, "arn:", 4) == 0
                 ? sqs_parse_arn(call, url_or_arn, &region, &account, &name)
                 : sqs_parse_url(call, url_or_arn, &account, &name);
    rc = rc ? rc : sqs_queue_load(call, region, account, name, &q);
    if (rc == NB_ENOTFOUND)
        return NB_OK;
    return rc ? rc : sqs_queue_drop(call, &q);
}

int
sqs_lookup(nb_call *call, const char *name, const char **url, const char **arn)
{
    sqs_queue q;
    int rc = sqs_queue_load(call, call->region, call->account, name, &q);
    if (rc)
        return rc;
    if (url && !(*url = sqs_queue_url(call, q.account, q.name)))
        return NB_ENOMEM;
    if (arn)
        *arn = q.arn;
    return NB_OK;
}
