/*
 * iam.c: AWS Identity and Access Management: roles, users, groups,
 * managed and inline policies, instance profiles, access keys, login
 * profiles, OpenID Connect providers. nimbus keeps and answers what IAM
 * keeps; it does not enforce policies (every call is allowed).
 *
 * IAM is global: its tables are keyed by account only, so a role made
 * through us-east-1 is the same role in eu-west-1. Names of roles, users,
 * groups and instance profiles are unique without regard to case.
 */
#include "core/service.h"
#include "gen/iam_model.h"
#include "iam_int.h"

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"AddClientIDToOpenIDConnectProvider", iam_add_client_id_to_open_id_connect_provider},
    {"AddRoleToInstanceProfile", iam_add_role_to_instance_profile},
    {"AddUserToGroup", iam_add_user_to_group},
    {"AttachGroupPolicy", iam_attach_group_policy},
    {"AttachRolePolicy", iam_attach_role_policy},
    {"AttachUserPolicy", iam_attach_user_policy},
    {"CreateAccessKey", iam_create_access_key},
    {"CreateGroup", iam_create_group},
    {"CreateInstanceProfile", iam_create_instance_profile},
    {"CreateLoginProfile", iam_create_login_profile},
    {"CreateOpenIDConnectProvider", iam_create_open_id_connect_provider},
    {"CreatePolicy", iam_create_policy},
    {"CreatePolicyVersion", iam_create_policy_version},
    {"CreateRole", iam_create_role},
    {"CreateServiceLinkedRole", iam_create_service_linked_role},
    {"CreateUser", iam_create_user},
    {"DeleteAccessKey", iam_delete_access_key},
    {"DeleteGroup", iam_delete_group},
    {"DeleteGroupPolicy", iam_delete_group_policy},
    {"DeleteInstanceProfile", iam_delete_instance_profile},
    {"DeleteLoginProfile", iam_delete_login_profile},
    {"DeleteOpenIDConnectProvider", iam_delete_open_id_connect_provider},
    {"DeletePolicy", iam_delete_policy},
    {"DeletePolicyVersion", iam_delete_policy_version},
    {"DeleteRole", iam_delete_role},
    {"DeleteRolePermissionsBoundary", iam_delete_role_permissions_boundary},
    {"DeleteRolePolicy", iam_delete_role_policy},
    {"DeleteServiceLinkedRole", iam_delete_service_linked_role},
    {"DeleteUser", iam_delete_user},
    {"DeleteUserPermissionsBoundary", iam_delete_user_permissions_boundary},
    {"DeleteUserPolicy", iam_delete_user_policy},
    {"DetachGroupPolicy", iam_detach_group_policy},
    {"DetachRolePolicy", iam_detach_role_policy},
    {"DetachUserPolicy", iam_detach_user_policy},
    {"GetAccessKeyLastUsed", iam_get_access_key_last_used},
    {"GetAccountSummary", iam_get_account_summary},
    {"GetGroup", iam_get_group},
    {"GetGroupPolicy", iam_get_group_policy},
    {"GetInstanceProfile", iam_get_instance_profile},
    {"GetLoginProfile", iam_get_login_profile},
    {"GetOpenIDConnectProvider", iam_get_open_id_connect_provider},
    {"GetPolicy", iam_get_policy},
    {"GetPolicyVersion", iam_get_policy_version},
    {"GetRole", iam_get_role},
    {"GetRolePolicy", iam_get_role_policy},
    {"GetServiceLinkedRoleDeletionStatus", iam_get_service_linked_role_deletion_status},
    {"GetUser", iam_get_user},
    {"GetUserPolicy", iam_get_user_policy},
    {"ListAccessKeys", iam_list_access_keys},
    {"ListAttachedGroupPolicies", iam_list_attached_group_policies},
    {"ListAttachedRolePolicies", iam_list_attached_role_policies},
    {"ListAttachedUserPolicies", iam_list_attached_user_policies},
    {"ListEntitiesForPolicy", iam_list_entities_for_policy},
    {"ListGroupPolicies", iam_list_group_policies},
    {"ListGroups", iam_list_groups},
    {"ListGroupsForUser", iam_list_groups_for_user},
    {"ListInstanceProfileTags", iam_list_instance_profile_tags},
    {"ListInstanceProfiles", iam_list_instance_profiles},
    {"ListInstanceProfilesForRole", iam_list_instance_profiles_for_role},
    {"ListOpenIDConnectProviderTags", iam_list_open_id_connect_provider_tags},
    {"ListOpenIDConnectProviders", iam_list_open_id_connect_providers},
    {"ListPolicies", iam_list_policies},
    {"ListPolicyTags", iam_list_policy_tags},
    {"ListPolicyVersions", iam_list_policy_versions},
    {"ListRolePolicies", iam_list_role_policies},
    {"ListRoleTags", iam_list_role_tags},
    {"ListRoles", iam_list_roles},
    {"ListUserPolicies", iam_list_user_policies},
    {"ListUserTags", iam_list_user_tags},
    {"ListUsers", iam_list_users},
    {"PutGroupPolicy", iam_put_group_policy},
    {"PutRolePermissionsBoundary", iam_put_role_permissions_boundary},
    {"PutRolePolicy", iam_put_role_policy},
    {"PutUserPermissionsBoundary", iam_put_user_permissions_boundary},
    {"PutUserPolicy", iam_put_user_policy},
    {"RemoveClientIDFromOpenIDConnectProvider", iam_remove_client_id_from_open_id_connect_provider},
    {"RemoveRoleFromInstanceProfile", iam_remove_role_from_instance_profile},
    {"RemoveUserFromGroup", iam_remove_user_from_group},
    {"SetDefaultPolicyVersion", iam_set_default_policy_version},
    {"TagInstanceProfile", iam_tag_instance_profile},
    {"TagOpenIDConnectProvider", iam_tag_open_id_connect_provider},
    {"TagPolicy", iam_tag_policy},
    {"TagRole", iam_tag_role},
    {"TagUser", iam_tag_user},
    {"UntagInstanceProfile", iam_untag_instance_profile},
    {"UntagOpenIDConnectProvider", iam_untag_open_id_connect_provider},
    {"UntagPolicy", iam_untag_policy},
    {"UntagRole", iam_untag_role},
    {"UntagUser", iam_untag_user},
    {"UpdateAccessKey", iam_update_access_key},
    {"UpdateAssumeRolePolicy", iam_update_assume_role_policy},
    {"UpdateGroup", iam_update_group},
    {"UpdateLoginProfile", iam_update_login_profile},
    {"UpdateOpenIDConnectProviderThumbprint", iam_update_open_id_connect_provider_thumbprint},
    {"UpdateRole", iam_update_role},
    {"UpdateRoleDescription", iam_update_role_description},
    {"UpdateUser", iam_update_user},
};

static const char schema[] =
    /* roles, users, groups, instance profiles (kind) */
    "CREATE TABLE IF NOT EXISTS iam_entities ("
    " account TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE,"
    " id TEXT NOT NULL, path TEXT NOT NULL, arn TEXT NOT NULL, created REAL NOT NULL,"
    " doc TEXT NOT NULL, description TEXT NOT NULL, max_session INTEGER NOT NULL,"
    " boundary TEXT NOT NULL, last_used REAL NOT NULL, last_region TEXT NOT NULL,"
    " PRIMARY KEY (account, kind, name)) WITHOUT ROWID;"
    /* inline policies of an owner (kind, owner name) */
    "CREATE TABLE IF NOT EXISTS iam_inline ("
    " account TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL, name TEXT NOT NULL,"
    " doc TEXT NOT NULL, PRIMARY KEY (account, kind, owner, name)) WITHOUT ROWID;"
    /* managed policies attached to an owner */
    "CREATE TABLE IF NOT EXISTS iam_attached ("
    " account TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL, arn TEXT NOT NULL,"
    " PRIMARY KEY (account, kind, owner, arn)) WITHOUT ROWID;"
    /* tags of an entity (by name) or a resource (by ARN) */
    "CREATE TABLE IF NOT EXISTS iam_tags ("
    " account TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL,"
    " key TEXT NOT NULL COLLATE NOCASE, value TEXT NOT NULL, PRIMARY KEY (account, kind, owner, "
    "key)) WITHOUT ROWID;"
    /* group members (kind group) and instance profile roles */
    "CREATE TABLE IF NOT EXISTS iam_links ("
    " account TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT NOT NULL, child TEXT NOT NULL,"
    " PRIMARY KEY (account, kind, parent, child)) WITHOUT ROWID;"
    /* customer managed policies and their versions */
    "CREATE TABLE IF NOT EXISTS iam_policies ("
    " account TEXT NOT NULL, arn TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE,"
    " id TEXT NOT NULL, path TEXT NOT NULL, description TEXT NOT NULL,"
    " dflt INTEGER NOT NULL, next INTEGER NOT NULL, created REAL NOT NULL,"
    " updated REAL NOT NULL, PRIMARY KEY (account, arn)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS iam_policy_versions ("
    " account TEXT NOT NULL, arn TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,"
    " created REAL NOT NULL, PRIMARY KEY (account, arn, version)) WITHOUT ROWID;"
    /* access keys (their secrets are in the core's credential table) */
    "CREATE TABLE IF NOT EXISTS iam_keys ("
    " account TEXT NOT NULL, user TEXT NOT NULL, key_id TEXT NOT NULL, status TEXT NOT NULL,"
    " created REAL NOT NULL, PRIMARY KEY (account, key_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS iam_logins ("
    " account TEXT NOT NULL, user TEXT NOT NULL, created REAL NOT NULL,"
    " reset INTEGER NOT NULL, PRIMARY KEY (account, user)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS iam_oidc ("
    " account TEXT NOT NULL, arn TEXT NOT NULL, url TEXT NOT NULL, created REAL NOT NULL,"
    " clients TEXT NOT NULL, thumbs TEXT NOT NULL, PRIMARY KEY (account, arn)) WITHOUT ROWID;"
    /* service-linked role deletion tasks */
    "CREATE TABLE IF NOT EXISTS iam_deletions ("
    " account TEXT NOT NULL, task TEXT NOT NULL, status TEXT NOT NULL,"
    " PRIMARY KEY (account, task)) WITHOUT ROWID;";

const nb_service nb_iam_service = {
    .name = "iam",
    .model = &nb_iam_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: query-protocol services answer model violations with
     * ValidationError. */
    .validation_code = "ValidationError",
    .schema = schema,
    .table_prefix = "iam_",
    .global = 1,
};
