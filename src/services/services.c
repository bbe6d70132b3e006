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
    &nb_dynamodb_service,        /* awsJson1_0 */
    &nb_dynamodbstreams_service, /* awsJson1_0 */
    &nb_ecr_service,             /* awsJson1_1 */
    &nb_iam_service,             /* awsQuery; global: keyed by account only */
    &nb_kms_service,             /* awsJson1_1 */
    &nb_ssm_service,             /* awsJson1_1 */
    &nb_s3_service,              /* restXml; takes what no other service claims */
    &nb_sqs_service,             /* awsJson1_0 and awsQuery */
    &nb_sts_service,             /* awsQuery */
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
