/*
 * test_iam_api.c: IAM's C interface (services/iam/iam.h), as
 * CloudFormation will use it: a role with an inline policy and managed
 * policies, a customer managed policy, and deletes that clear what the
 * IAM operations would refuse over. Runs on the in-memory store with
 * every service's schema; expected errors are IAM's (API reference).
 */
#include <string.h>

#include "core/call.h"
#include "services/iam/iam.h"
#include "store/store.h"
#include "t.h"

#define TRUST                                                                                      \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"              \
    "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define DOC "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
#define BASIC "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

static int
count(nb_call *call, const char *sql)
{
    nb_stmt *st = nb_sql(call, sql);
    return st && nb_step(st) == NB_ROW ? (int)nb_col_int(st, 0) : -1;
}

int
main(void)
{
    t_ok(nb_store_open(NULL) == NB_OK, "store opens with the IAM schema");
    nb_call *call = nb_call_new("000000000000", "eu-west-1");
    const char *arn = NULL, *id = NULL, *parn = NULL;

    int rc = iam_role_create(call, "Fn", "/", TRUST, "d", 0, NULL, NULL, &arn, &id);
    t_inteq(rc, NB_OK, "iam_role_create");
    t_streq(arn, "arn:aws:iam::000000000000:role/Fn", "role ARN");
    t_ok(id && strncmp(id, "AROA", 4) == 0 && strlen(id) == 21, "role id AROA + 17");

    rc = iam_role_create(call, "fn", NULL, TRUST, NULL, 0, NULL, NULL, NULL, NULL);
    t_inteq(rc, NB_EAWS, "a second role named fn (any case) fails");
    t_streq(call->err_code, "EntityAlreadyExists", "... with EntityAlreadyExists");
    t_streq(call->err_msg, "Role with name fn already exists.", "... and IAM's message");

    rc = iam_role_put_policy(call, "Fn", "Inline", "{not json");
    t_streq(call->err_code, "MalformedPolicyDocument", "inline policy must be JSON");
    t_inteq(iam_role_put_policy(call, "Fn", "Inline", DOC), NB_OK, "iam_role_put_policy");
    t_inteq(iam_policy_create(call, "Managed", NULL, DOC, "m", &parn), NB_OK, "iam_policy_create");
    t_streq(parn, "arn:aws:iam::000000000000:policy/Managed", "policy ARN");
    t_inteq(iam_role_attach(call, "Fn", parn), NB_OK, "attach the customer policy");
    t_inteq(iam_role_attach(call, "Fn", BASIC), NB_OK, "attach an AWS managed policy");
    t_inteq(count(call, "SELECT COUNT(*) FROM iam_attached"), 2, "two attachments");

    const char *rid = NULL;
    t_inteq(iam_role_used(call, arn, &rid), NB_OK, "iam_role_used");
    t_streq(rid, id, "... gives the RoleId");
    t_inteq(iam_role_used(call, "arn:aws:iam::000000000000:role/other", NULL), NB_ENOTFOUND,
            "iam_role_used of an unknown role");
    t_inteq(count(call, "SELECT COUNT(*) FROM iam_entities WHERE last_region = 'eu-west-1'"), 1,
            "RoleLastUsed region recorded");
    const char *got = NULL;
    t_inteq(iam_role_lookup(call, "FN", &got, NULL), NB_OK, "iam_role_lookup ignores case");
    t_streq(got, arn, "... and finds the role");
    t_inteq(iam_role_lookup(call, "nope", NULL, NULL), NB_ENOTFOUND, "lookup of no role");

    t_inteq(iam_role_detach(call, "Fn", BASIC), NB_OK, "detach");
    t_inteq(iam_role_detach(call, "Fn", BASIC), NB_OK, "detach again is not an error");
    t_inteq(iam_role_delete_policy(call, "Fn", "Inline"), NB_OK, "delete the inline policy");
    t_inteq(iam_role_delete_policy(call, "Fn", "Inline"), NB_OK, "... again is not an error");
    t_ok(call->err_code == NULL, "... and leaves no error on the call");
    t_inteq(iam_role_put_policy(call, "Fn", "Again", DOC), NB_OK, "put another inline policy");

    t_inteq(iam_policy_delete(call, parn), NB_OK, "delete an attached policy (detached first)");
    t_inteq(count(call, "SELECT COUNT(*) FROM iam_attached"), 0, "no attachments left");
    t_inteq(iam_policy_delete(call, parn), NB_OK, "delete it again: gone is fine");
    t_inteq(iam_role_delete(call, "Fn"), NB_OK, "delete the role with its inline policy");
    t_inteq(count(call, "SELECT COUNT(*) FROM iam_inline"), 0, "inline policies went too");
    t_inteq(iam_role_lookup(call, "Fn", NULL, NULL), NB_ENOTFOUND, "the role is gone");
    t_inteq(iam_role_delete(call, "Fn"), NB_OK, "deleting it again is fine");

    nb_store_commit(call);
    nb_call_free(call);
    nb_store_close();
    return t_done();
}
