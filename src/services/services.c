/*
 * services.c: the list of services nimbus serves, one line each. The core
 * routes on their models and knows them only through this list.
 */
#include "core/service.h"

#include <string.h>

extern const nb_service nb_dynamodb_service;
extern const nb_service nb_dynamodbstreams_service;
extern const nb_service nb_ecr_service;
extern const nb_service nb_iam_service;
extern const nb_service nb_kms_service;
extern const nb_service nb_s3_service;
extern const nb_service nb_ssm_service;
extern const nb_service nb_sqs_service;
extern const nb_service nb_sts_service;

const nb_service *const nb_services[] = {
    &nb_dynamodb_service,
    &nb_dynamodbstreams_service,
    &nb_ecr_service,
    &nb_iam_service, /* global: keyed by account only */
    &nb_kms_service,
    &nb_ssm_service,
    &nb_s3_service,
    &nb_sqs_service,
    &nb_sts_service,
    NULL,
};

nb_handler
nb_service_handler(const nb_service *svc, const char *op)
{
    size_t lo = 0, hi = svc->nops;
    /* ops tables are sorted by name, as the model's operations are */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(op, svc->ops[mid].name);
        if (c == 0)
            return svc->ops[mid].fn;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
