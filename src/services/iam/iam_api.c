/*
 * iam_api.c: the C interface of iam.h. Each function builds the input the
 * IAM operation would decode and runs its handler, so that callers get
 * exactly the operation's checks and errors; deletes first clear what the
 * operation would refuse over (attachments, inline policies, instance
 * profiles), as CloudFormation does before deleting a role or a policy.
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "iam.h"
#include "iam_int.h"
#include "store/store.h"

static int
set_opt(nb_value *in, const char *key, const char *s)
{
    return s ? nb_set_str(in, key, s) : NB_OK;
}

int
iam_role_create(nb_call *call, const char *name, const char *path, const char *trust_doc,
                const char *description, int64_t max_session, const char *boundary_arn,
                const nb_value *tags, const char **arn, const char **id)
{
    nb_value *in = nb_value_struct(call->arena), *out = nb_value_struct(call->arena);
    if (!in || !out)
        return NB_ENOMEM;
    int rc = nb_set_str(in, "RoleName", name);
    rc = rc ? rc : nb_set_str(in, "AssumeRolePolicyDocument", trust_doc);
    rc = rc ? rc : set_opt(in, "Path", path);
    rc = rc ? rc : set_opt(in, "Description", description);
    rc = rc ? rc : set_opt(in, "PermissionsBoundary", boundary_arn);
    if (!rc && max_session)
        rc = nb_set_int(in, "MaxSessionDuration", max_session);
    if (!rc && tags) {
        nb_value *copy = nb_value_copy(call->arena, tags);
        rc = copy ? nb_value_put(in, "Tags", 4, copy) : NB_ENOMEM;
    }
    rc = rc ? rc : iam_create_role(call, in, out);
    if (rc)
        return rc;
    if (arn)
        *arn = nb_get_str(nb_get(out, "Role"), "Arn");
    if (id)
        *id = nb_get_str(nb_get(out, "Role"), "RoleId");
    return NB_OK;
}

int
iam_role_lookup(nb_call *call, const char *name, const char **arn, const char **id)
{
    iam_entity e;
    int rc = iam_entity_load(call, IAM_ROLE, name, &e);
    if (rc)
        return rc;
    if (arn)
        *arn = e.arn;
    if (id)
        *id = e.id;
    return NB_OK;
}

int
iam_role_used(nb_call *call, const char *role_arn, const char **role_id)
{
    const char *p = strncmp(role_arn, "arn:aws:iam::", 13) == 0 ? role_arn + 13 : NULL;
    if (!p || strspn(p, "0123456789") != 12 || strncmp(p + 12, ":role/", 6) != 0)
        return NB_ENOTFOUND;
    char account[13];
    memcpy(account, p, 12);
    account[12] = '\0';
    nb_stmt *st = nb_sql(call, "UPDATE iam_entities SET last_used = ?, last_region = ?"
                               " WHERE account = ? AND kind = 'role' AND arn = ?"
                               " RETURNING id");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_double(st, 1, call->now);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, account);
    nb_bind_text(st, 4, role_arn);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : NB_EINTERNAL;
    const char *id = nb_arena_strdup(call->arena, nb_col_text(st, 0));
    while (nb_step(st) == NB_ROW) /* finish the statement */
        ;
    if (role_id)
        *role_id = id;
    return id ? NB_OK : NB_ENOMEM;
}

static int
exec3(nb_call *call, const char *sql, const char *a, const char *b)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, a);
    nb_bind_text(st, 3, b);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_role_delete(nb_call *call, const char *name)
{
    iam_entity e;
    int rc = iam_entity_load(call, IAM_ROLE, name, &e);
    if (rc == NB_ENOTFOUND)
        return NB_OK;
    rc = rc ? rc
            : exec3(call, "DELETE FROM iam_links WHERE account = ? AND kind = ? AND child = ?",
                    IAM_PROFILE, e.name);
    /* iam_entity_delete drops the role's inline and attached policies */
    return rc ? rc : iam_entity_delete(call, IAM_ROLE, e.name);
}

/* Runs handler fn on a struct with the given string members (NULL ends). */
static int
run(nb_call *call, int (*fn)(nb_call *, const nb_value *, nb_value *), nb_value **outp,
    const char *k1, const char *v1, const char *k2, const char *v2, const char *k3, const char *v3)
{
    nb_value *in = nb_value_struct(call->arena), *out = nb_value_struct(call->arena);
    if (!in || !out)
        return NB_ENOMEM;
    int rc = set_opt(in, k1, v1);
    rc = rc ? rc : k2 ? set_opt(in, k2, v2) : NB_OK;
    rc = rc ? rc : k3 ? set_opt(in, k3, v3) : NB_OK;
    rc = rc ? rc : fn(call, in, out);
    if (!rc && outp)
        *outp = out;
    return rc;
}

/* A NoSuchEntity from a delete means the thing is gone: not an error. */
static int
gone_ok(nb_call *call, int rc)
{
    if (rc == NB_EAWS && call->err_code && strcmp(call->err_code, "NoSuchEntity") == 0) {
        call->err_code = NULL;
        call->err_msg = NULL;
        call->err_status = 0;
        return NB_OK;
    }
    return rc;
}

int
iam_role_put_policy(nb_call *call, const char *role, const char *policy_name, const char *doc)
{
    return run(call, iam_put_role_policy, NULL, "RoleName", role, "PolicyName", policy_name,
               "PolicyDocument", doc);
}

int
iam_role_delete_policy(nb_call *call, const char *role, const char *policy_name)
{
    return gone_ok(call, run(call, iam_delete_role_policy, NULL, "RoleName", role, "PolicyName",
                             policy_name, NULL, NULL));
}

int
iam_role_attach(nb_call *call, const char *role, const char *policy_arn)
{
    return run(call, iam_attach_role_policy, NULL, "RoleName", role, "PolicyArn", policy_arn, NULL,
               NULL);
}

int
iam_role_detach(nb_call *call, const char *role, const char *policy_arn)
{
    return gone_ok(call, run(call, iam_detach_role_policy, NULL, "RoleName", role, "PolicyArn",
                             policy_arn, NULL, NULL));
}

int
iam_policy_create(nb_call *call, const char *name, const char *path, const char *doc,
                  const char *description, const char **arn)
{
    nb_value *in = nb_value_struct(call->arena), *out = nb_value_struct(call->arena);
    if (!in || !out)
        return NB_ENOMEM;
    int rc = nb_set_str(in, "PolicyName", name);
    rc = rc ? rc : nb_set_str(in, "PolicyDocument", doc);
    rc = rc ? rc : set_opt(in, "Path", path);
    rc = rc ? rc : set_opt(in, "Description", description);
    rc = rc ? rc : iam_create_policy(call, in, out);
    if (!rc && arn)
        *arn = nb_get_str(nb_get(out, "Policy"), "Arn");
    return rc;
}

int
iam_policy_delete(nb_call *call, const char *arn)
{
    int rc = exec3(call, "DELETE FROM iam_attached WHERE account = ? AND arn = ? AND ? IS NULL",
                   arn, NULL);
    rc = rc ? rc
            : exec3(call,
                    "DELETE FROM iam_policy_versions WHERE account = ? AND arn = ?"
                    " AND version != (SELECT dflt FROM iam_policies WHERE account = ?1"
                    " AND arn = ?2) AND ? IS NULL",
                    arn, NULL);
    rc = rc ? rc
            : exec3(call,
                    "UPDATE iam_entities SET boundary = '' WHERE account = ? AND boundary = ?"
                    " AND ? IS NULL",
                    arn, NULL);
    return rc ? rc
              : gone_ok(call, run(call, iam_delete_policy, NULL, "PolicyArn", arn, NULL, NULL, NULL,
                                  NULL));
}
