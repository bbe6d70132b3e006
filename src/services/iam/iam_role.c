/*
 * iam_role.c: roles: create, read, list, update, delete; their trust
 * policy, tags, permissions boundary, inline policies and attached
 * managed policies; and service-linked roles, which are roles under
 * /aws-service-role/<service>/ that only their service may change.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 * (EntityAlreadyExists "Role with name X already exists."),
 * API_GetRole.html (the trust policy URL-encoded; RoleLastUsed),
 * API_ListRoles.html (Tags, PermissionsBoundary and RoleLastUsed are not
 * listed), API_DeleteRole.html (DeleteConflict until instance profiles,
 * attached and inline policies are removed),
 * API_CreateServiceLinkedRole.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 * (names AWSServiceRoleFor<Service>, path /aws-service-role/<service>/).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

/* AWS: MaxSessionDuration defaults to one hour. */
#define DEFAULT_SESSION 3600
/* AWS: default quota on the size of a role's trust policy. */
#define MAX_TRUST_SIZE 2048

/* What the Role structure carries in each answer. */
enum { ROLE_LIST, ROLE_CREATE, ROLE_GET };

int
iam_role_out(nb_call *call, nb_value *r, const iam_entity *e, int full)
{
    const char *doc = iam_url_encode(call, e->doc);
    if (!r || !doc)
        return NB_ENOMEM;
    int rc = nb_set_str(r, "Path", e->path);
    rc = rc ? rc : nb_set_str(r, "RoleName", e->name);
    rc = rc ? rc : nb_set_str(r, "RoleId", e->id);
    rc = rc ? rc : nb_set_str(r, "Arn", e->arn);
    rc = rc ? rc : nb_set_time(r, "CreateDate", e->created);
    rc = rc ? rc : nb_set_str(r, "AssumeRolePolicyDocument", doc);
    if (!rc && e->description[0])
        rc = nb_set_str(r, "Description", e->description);
    if (!rc && full != ROLE_CREATE)
        rc = nb_set_int(r, "MaxSessionDuration", e->max_session);
    if (rc || full == ROLE_LIST)
        return rc;
    if (e->boundary[0]) {
        nb_value *b = nb_set_struct(r, "PermissionsBoundary");
        rc = b ? nb_set_str(b, "PermissionsBoundaryType", "PermissionsBoundaryPolicy") : NB_ENOMEM;
        rc = rc ? rc : nb_set_str(b, "PermissionsBoundaryArn", e->boundary);
    }
    rc = rc ? rc : iam_tags_out(call, IAM_ROLE, e->name, r, 1);
    if (rc || full != ROLE_GET)
        return rc;
    nb_value *u = nb_set_struct(r, "RoleLastUsed");
    if (!u)
        return NB_ENOMEM;
    if (e->last_used > 0) {
        rc = nb_set_time(u, "LastUsedDate", e->last_used);
        rc = rc ? rc : nb_set_str(u, "Region", e->last_region);
    }
    return rc;
}

static int
role_get(nb_call *call, const nb_value *in, iam_entity *e)
{
    return iam_entity_get(call, IAM_ROLE, nb_get_str(in, "RoleName"), e);
}

/* AWS: service-linked roles answer UnmodifiableEntity to their owners'
 * callers. */
static int
check_modifiable(nb_call *call, const iam_entity *e)
{
    if (strncmp(e->path, "/aws-service-role/", 18) != 0)
        return NB_OK;
    return nb_fail(call, "UnmodifiableEntity",
                   "Cannot perform the operation on the protected role '%s' - this role is only "
                   "modifiable by AWS",
                   e->name);
}

/* AWS: a trust policy holds at most 2,048 characters, white space aside
 * (LimitExceeded "Cannot exceed quota for ACLSizePerRole: 2048"). */
static int
check_trust(nb_call *call, const char *doc)
{
    int rc = iam_check_doc(call, doc);
    if (!rc && iam_doc_size(doc) > MAX_TRUST_SIZE)
        return nb_fail(call, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: %d",
                       MAX_TRUST_SIZE);
    return rc;
}

static int
create_role(nb_call *call, const nb_value *in, iam_entity *e)
{
    int rc = iam_check_name(call, "RoleName", e->name);
    rc = rc ? rc : iam_check_path(call, "Path", e->path);
    rc = rc ? rc : check_trust(call, e->doc);
    if (!rc && e->boundary[0])
        rc = iam_check_boundary(call, e->boundary);
    if (rc)
        return rc;
    iam_entity old;
    rc = iam_entity_load(call, IAM_ROLE, e->name, &old);
    if (rc == NB_OK)
        return nb_fail(call, "EntityAlreadyExists", "Role with name %s already exists.", e->name);
    if (rc != NB_ENOTFOUND)
        return rc;
    e->kind = IAM_ROLE;
    e->id = iam_new_id(call, "AROA");
    e->arn = iam_arn(call, "role", e->path, e->name);
    e->created = call->now;
    if (!e->id || !e->arn)
        return NB_ENOMEM;
    rc = iam_entity_insert(call, e);
    return rc ? rc : iam_tags_put(call, IAM_ROLE, e->name, nb_get(in, "Tags"));
}

int
iam_create_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e = {0};
    const char *path = nb_get_str(in, "Path"), *desc = nb_get_str(in, "Description");
    const char *pb = nb_get_str(in, "PermissionsBoundary");
    e.name = nb_get_str(in, "RoleName");
    e.path = path ? path : "/";
    e.doc = nb_get_str(in, "AssumeRolePolicyDocument");
    e.description = desc ? desc : "";
    e.max_session = nb_get_int(in, "MaxSessionDuration", DEFAULT_SESSION);
    e.boundary = pb ? pb : "";
    e.last_region = "";
    int rc = create_role(call, in, &e);
    return rc ? rc : iam_role_out(call, nb_set_struct(out, "Role"), &e, ROLE_CREATE);
}

int
iam_get_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_role_out(call, nb_set_struct(out, "Role"), &e, ROLE_GET);
}

static int
role_item(nb_call *call, nb_value *item, const iam_entity *e)
{
    return iam_role_out(call, item, e, ROLE_LIST);
}

int
iam_list_roles(nb_call *call, const nb_value *in, nb_value *out)
{
    return iam_entity_list(call,
                           "SELECT name FROM iam_entities WHERE account = ? AND kind = ?"
                           " AND ? IS NULL ORDER BY name COLLATE BINARY",
                           IAM_ROLE, NULL, in, out, "Roles", role_item);
}

int
iam_update_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    if (rc)
        return rc;
    if (nb_get_str(in, "Description"))
        e.description = nb_get_str(in, "Description");
    e.max_session = nb_get_int(in, "MaxSessionDuration", e.max_session);
    return iam_entity_insert(call, &e);
}

int
iam_update_role_description(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    if (rc)
        return rc;
    e.description = nb_get_str(in, "Description");
    rc = iam_entity_insert(call, &e);
    return rc ? rc : iam_role_out(call, nb_set_struct(out, "Role"), &e, ROLE_GET);
}

int
iam_update_assume_role_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    rc = rc ? rc : check_trust(call, nb_get_str(in, "PolicyDocument"));
    if (rc)
        return rc;
    e.doc = nb_get_str(in, "PolicyDocument");
    return iam_entity_insert(call, &e);
}

/* AWS: DeleteRole's conflicts, in the order IAM reports them. */
static int
role_conflicts(nb_call *call, const char *name)
{
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_links WHERE account = ? AND kind = ? AND child = ?",
                  IAM_PROFILE, name))
        return nb_fail(call, "DeleteConflict",
                       "Cannot delete entity, must remove roles from instance profile first.");
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_attached WHERE account = ? AND kind = ? AND owner = ?",
                  IAM_ROLE, name))
        return nb_fail(call, "DeleteConflict",
                       "Cannot delete entity, must detach all policies first.");
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_inline WHERE account = ? AND kind = ? AND owner = ?",
                  IAM_ROLE, name))
        return nb_fail(call, "DeleteConflict", "Cannot delete entity, must delete policies first.");
    return NB_OK;
}

int
iam_delete_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    rc = rc ? rc : role_conflicts(call, e.name);
    return rc ? rc : iam_entity_delete(call, IAM_ROLE, e.name);
}

int
iam_tag_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_tags_put(call, IAM_ROLE, e.name, nb_get(in, "Tags"));
}

int
iam_untag_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_tags_remove(call, IAM_ROLE, e.name, nb_get(in, "TagKeys"));
}

int
iam_list_role_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_tags_list(call, IAM_ROLE, e.name, in, out);
}

int
iam_put_role_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    rc = rc ? rc : iam_check_boundary(call, nb_get_str(in, "PermissionsBoundary"));
    if (rc)
        return rc;
    e.boundary = nb_get_str(in, "PermissionsBoundary");
    return iam_entity_insert(call, &e);
}

int
iam_delete_role_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    if (rc)
        return rc;
    e.boundary = "";
    return iam_entity_insert(call, &e);
}

/* ---- Inline and attached policies ------------------------------------- */

int
iam_put_role_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    return rc ? rc : iam_inline_put(call, IAM_ROLE, e.name, in);
}

int
iam_get_role_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_inline_get(call, IAM_ROLE, e.name, in, out);
}

int
iam_delete_role_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    return rc ? rc : iam_inline_delete(call, IAM_ROLE, e.name, nb_get_str(in, "PolicyName"));
}

int
iam_list_role_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_inline_list(call, IAM_ROLE, e.name, in, out);
}

int
iam_attach_role_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    return rc ? rc : iam_attach(call, IAM_ROLE, e.name, nb_get_str(in, "PolicyArn"));
}

int
iam_detach_role_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    rc = rc ? rc : check_modifiable(call, &e);
    return rc ? rc : iam_detach(call, IAM_ROLE, e.name, nb_get_str(in, "PolicyArn"));
}

int
iam_list_attached_role_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    return rc ? rc : iam_attached_list(call, IAM_ROLE, e.name, in, out);
}

/* ---- Service-linked roles ----------------------------------------------- */

/* AWS: the role name suffix each service gives its service-linked role
 * (each service's "Using service-linked roles" page). Others: the
 * service's first label, capitalised. */
static const struct {
    const char *service; /* AWSServiceName */
    const char *suffix;  /* AWSServiceRoleFor<suffix> */
} slr_names[] = {
    {"autoscaling.amazonaws.com", "AutoScaling"},
    {"dynamodb.application-autoscaling.amazonaws.com", "ApplicationAutoScaling_DynamoDBTable"},
    {"ecs.amazonaws.com", "ECS"},
    {"ecs.application-autoscaling.amazonaws.com", "ApplicationAutoScaling_ECSService"},
    {"eks.amazonaws.com", "AmazonEKS"},
    {"eks-nodegroup.amazonaws.com", "AmazonEKSNodegroup"},
    {"elasticache.amazonaws.com", "ElastiCache"},
    {"elasticloadbalancing.amazonaws.com", "ElasticLoadBalancing"},
    {"es.amazonaws.com", "AmazonElasticsearchService"},
    {"lambda.amazonaws.com", "Lambda"},
    {"opensearchservice.amazonaws.com", "AmazonOpenSearchService"},
    {"organizations.amazonaws.com", "Organizations"},
    {"rds.amazonaws.com", "RDS"},
    {"replication.dynamodb.amazonaws.com", "DynamoDBReplication"},
    {"spot.amazonaws.com", "EC2Spot"},
    {"spotfleet.amazonaws.com", "EC2SpotFleet"},
    {"support.amazonaws.com", "Support"},
    {"trustedadvisor.amazonaws.com", "TrustedAdvisor"},
};

static const char *
slr_suffix(nb_call *call, const char *service)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(slr_names); i++)
        if (strcmp(service, slr_names[i].service) == 0)
            return slr_names[i].suffix;
    char *s = nb_arena_strndup(call->arena, service, strcspn(service, "."));
    if (s && s[0])
        s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

int
iam_create_service_linked_role(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *service = nb_get_str(in, "AWSServiceName");
    const char *custom = nb_get_str(in, "CustomSuffix");
    const char *desc = nb_get_str(in, "Description");
    const char *suffix = slr_suffix(call, service);
    if (!suffix)
        return NB_ENOMEM;
    iam_entity e = {0}, old;
    e.name = nb_arena_printf(call->arena, "AWSServiceRoleFor%s%s%s", suffix, custom ? "_" : "",
                             custom ? custom : "");
    e.path = nb_arena_printf(call->arena, "/aws-service-role/%s/", service);
    e.doc = nb_arena_printf(call->arena,
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                            "\"Principal\":{\"Service\":[\"%s\"]},\"Action\":[\"sts:AssumeRole\"]"
                            "}]}",
                            service);
    e.description = desc ? desc : "";
    e.max_session = DEFAULT_SESSION;
    e.boundary = e.last_region = "";
    if (!e.name || !e.path || !e.doc)
        return NB_ENOMEM;
    int rc = iam_entity_load(call, IAM_ROLE, e.name, &old);
    if (rc == NB_OK)
        return nb_fail(call, "InvalidInput",
                       "Service role name %s has been taken in this account, please try a "
                       "different suffix.",
                       e.name);
    rc = rc == NB_ENOTFOUND ? create_role(call, in, &e) : rc;
    return rc ? rc : iam_role_out(call, nb_set_struct(out, "Role"), &e, ROLE_CREATE);
}

int
iam_delete_service_linked_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = role_get(call, in, &e);
    if (rc)
        return rc;
    if (strncmp(e.path, "/aws-service-role/", 18) != 0)
        return nb_fail(call, "InvalidInput", "Role %s is not a service-linked role.", e.name);
    const char *task =
        nb_arena_printf(call->arena, "task%s%s/%s", e.path, e.name, nb_call_uuid(call));
    if (!task)
        return NB_ENOMEM;
    /* AWS: deletion is a task; nimbus finishes it at once */
    rc = iam_count(call,
                   "SELECT COUNT(*) FROM iam_links WHERE account = ? AND kind = ? AND child = ?",
                   IAM_PROFILE, e.name)
             ? nb_fail(call, "DeleteConflict",
                       "Cannot delete entity, must remove roles from instance profile first.")
             : iam_entity_delete(call, IAM_ROLE, e.name);
    nb_stmt *st = rc ? NULL
                     : nb_sql(call, "INSERT INTO iam_deletions (account, task, status)"
                                    " VALUES (?, ?, 'SUCCEEDED')");
    if (rc || !st)
        return rc ? rc : NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, task);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    return nb_set_str(out, "DeletionTaskId", task);
}

int
iam_get_service_linked_role_deletion_status(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *task = nb_get_str(in, "DeletionTaskId");
    nb_stmt *st = nb_sql(call, "SELECT status FROM iam_deletions WHERE account = ? AND task = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, task);
    if (nb_step(st) != NB_ROW)
        return nb_fail(call, "NoSuchEntity", "Deletion task %s cannot be found.", task);
    return nb_set_str(out, "Status", nb_col_text(st, 0));
}
