/*
 * iam.h: what other services may ask of IAM without HTTP, for
 * CloudFormation's AWS::IAM::Role, AWS::IAM::Policy (inline),
 * AWS::IAM::ManagedPolicy and the ManagedPolicyArns of a role: create and
 * delete roles and managed policies, put and delete inline role policies,
 * attach and detach managed policies.
 *
 * Each runs inside the given call's store transaction, in its account (IAM
 * is global: the region does not matter). The same checks and errors as
 * the IAM operations apply: a failure that is an AWS error returns NB_EAWS
 * with the error set on the call (EntityAlreadyExists, NoSuchEntity,
 * MalformedPolicyDocument, ValidationError, ...). Strings come back in the
 * call's arena. Optional arguments are NULL (or 0) to take IAM's default.
 */
#ifndef NB_IAM_H
#define NB_IAM_H

#include "core/nb.h"

/* CreateRole: path "/" and one hour of session by default; tags is a list
 * of Tag structures (Key, Value) or NULL. Gives the ARN and RoleId (either
 * pointer may be NULL). */
int iam_role_create(nb_call *call, const char *name, const char *path, const char *trust_doc,
                    const char *description, int64_t max_session, const char *boundary_arn,
                    const nb_value *tags, const char **arn, const char **id);
/* Deletes a role after detaching its managed policies, deleting its inline
 * policies and taking it out of instance profiles, as CloudFormation does.
 * NB_OK when there is no such role. */
int iam_role_delete(nb_call *call, const char *name);
/* ARN and RoleId of an existing role; NB_ENOTFOUND (nothing raised). */
int iam_role_lookup(nb_call *call, const char *name, const char **arn, const char **id);
/* For STS: a role (by ARN, in the ARN's account) was assumed: its
 * RoleLastUsed becomes now, in the call's region, and *role_id its RoleId
 * (the AROA... that AssumedRoleId and GetCallerIdentity's UserId carry).
 * NB_ENOTFOUND when IAM has no such role (nothing raised). */
int iam_role_used(nb_call *call, const char *role_arn, const char **role_id);
/* PutRolePolicy / DeleteRolePolicy; delete is NB_OK when the role or the
 * policy is gone already. */
int iam_role_put_policy(nb_call *call, const char *role, const char *policy_name, const char *doc);
int iam_role_delete_policy(nb_call *call, const char *role, const char *policy_name);
/* AttachRolePolicy / DetachRolePolicy; detach is NB_OK when the policy is
 * not attached or the role is gone. */
int iam_role_attach(nb_call *call, const char *role, const char *policy_arn);
int iam_role_detach(nb_call *call, const char *role, const char *policy_arn);
/* CreatePolicy (path "/" by default); gives the policy ARN. */
int iam_policy_create(nb_call *call, const char *name, const char *path, const char *doc,
                      const char *description, const char **arn);
/* Deletes a customer managed policy after detaching it from every role,
 * user and group and deleting its other versions. NB_OK when it is gone. */
int iam_policy_delete(nb_call *call, const char *arn);

#endif
