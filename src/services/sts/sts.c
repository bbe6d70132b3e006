/*
 * sts.c: the AWS Security Token Service: who is calling, and temporary
 * credentials. Issued keys are recorded through the core's credential
 * table (core/creds.h), so every later call signed with them maps back to
 * the account they were issued for, as the CDK toolkit relies on when it
 * assumes its bootstrap roles.
 *
 * STS state is global in AWS (not per region); its keys live in the core
 * table, so the service has no tables of its own.
 */
#include "core/service.h"
#include "gen/sts_model.h"
#include "sts_int.h"

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"AssumeRole", sts_assume_role},
    {"AssumeRoleWithWebIdentity", sts_assume_role_with_web_identity},
    {"GetAccessKeyInfo", sts_get_access_key_info},
    {"GetCallerIdentity", sts_get_caller_identity},
    {"GetFederationToken", sts_get_federation_token},
    {"GetSessionToken", sts_get_session_token},
};

const nb_service nb_sts_service = {
    .name = "sts",
    .model = &nb_sts_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: query-protocol services answer model violations with
     * ValidationError (e.g. STS AssumeRole with a short RoleArn). */
    .validation_code = "ValidationError",
    .table_prefix = NULL,
    .global = 1,
};
