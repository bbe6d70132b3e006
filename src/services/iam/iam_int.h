/*
 * iam_int.h: private to src/services/iam/: the stored form of IAM
 * entities, the helpers the resource files share (ids, ARNs, names and
 * paths, policy documents, pagination, tags, inline and attached
 * policies), and every handler.
 *
 * IAM is global: every table is keyed by account only, never by region.
 * Roles, users, groups and instance profiles share one table
 * (iam_entities) and differ by kind; names are unique per kind without
 * regard to case, as IAM's are.
 */
#ifndef NB_IAM_INT_H
#define NB_IAM_INT_H

#include "core/nb.h"

/* Kinds of named entity (iam_entities.kind and owners elsewhere). */
#define IAM_ROLE "role"
#define IAM_USER "user"
#define IAM_GROUP "group"
#define IAM_PROFILE "instance-profile"

/* An entity as stored; strings in the call's arena. */
typedef struct iam_entity {
    const char *kind;        /* IAM_ROLE, IAM_USER, IAM_GROUP, IAM_PROFILE */
    const char *name;        /* name as created (case kept) */
    const char *id;          /* AROA..., AIDA..., AGPA..., AIPA... */
    const char *path;        /* "/" or "/a/b/" */
    const char *arn;         /* arn:aws:iam::<account>:<kind><path><name> */
    double created;          /* CreateDate */
    const char *doc;         /* role: trust policy as given; else "" */
    const char *description; /* role: description, or "" */
    int64_t max_session;     /* role: MaxSessionDuration */
    const char *boundary;    /* role, user: permissions boundary ARN, or "" */
    double last_used;        /* role: RoleLastUsed date, or 0 */
    const char *last_region; /* role: region of that use, or "" */
} iam_entity;

/* One page of a List* answer (Marker, MaxItems, IsTruncated). */
typedef struct iam_page {
    const char *after; /* sort key the Marker names: rows after it, or NULL */
    int64_t max;       /* MaxItems (default 100) */
    int64_t n;         /* rows taken so far */
    const char *last;  /* sort key of the last row taken */
    int truncated;     /* a row was left for the next page */
} iam_page;

/* ---- iam_util.c ------------------------------------------------------ */

/* A new unique id: prefix ("AROA") and 17 upper-case letters and digits. */
const char *iam_new_id(nb_call *call, const char *prefix);
/* arn:aws:iam::<account>:<kind><path><name>. */
const char *iam_arn(nb_call *call, const char *kind, const char *path, const char *name);
/* RFC 3986 percent-encoding (IAM returns policy documents so). */
const char *iam_url_encode(nb_call *call, const char *s);
/* Name and path checks with AWS's ValidationError text; member is the
 * request member (lower-cased first letter in the message). */
int iam_check_name(nb_call *call, const char *member, const char *name);
int iam_check_path(nb_call *call, const char *member, const char *path);
/* A policy document must be JSON: MalformedPolicyDocument otherwise. */
int iam_check_doc(nb_call *call, const char *doc);
/* A document's size as IAM counts it against quotas: white space is not
 * counted. */
size_t iam_doc_size(const char *doc);
/* Pages: start reads Marker and MaxItems; take says whether a row with
 * sort key key goes into the page (1), is before it (0), or is past it
 * (-1: stop); end sets IsTruncated and Marker. */
int iam_page_start(nb_call *call, const nb_value *in, iam_page *pg);
int iam_page_take(iam_page *pg, const char *key);
int iam_page_end(nb_call *call, nb_value *out, const iam_page *pg);
/* Whether path starts with prefix (NULL: any). */
int iam_path_under(const char *path, const char *prefix);

/* Entities. load: NB_OK or NB_ENOTFOUND (nothing raised). get: the same
 * with AWS's NoSuchEntity raised. */
int iam_entity_load(nb_call *call, const char *kind, const char *name, iam_entity *e);
int iam_entity_get(nb_call *call, const char *kind, const char *name, iam_entity *e);
int iam_entity_insert(nb_call *call, const iam_entity *e);
int iam_entity_delete(nb_call *call, const char *kind, const char *name);
/* Names (first column) of the rows of sql, which binds account, a, b. */
int iam_names(nb_call *call, const char *sql, const char *a, const char *b, const char ***out,
              size_t *n);
/* Writes one entity into a list item. */
typedef int (*iam_out_fn)(nb_call *call, nb_value *item, const iam_entity *e);
/* A List* answer: the entities of kind named by sql (binds account, kind,
 * b; sorted by name COLLATE BINARY), PathPrefix and a page applied, each
 * written by fn into list member. */
int iam_entity_list(nb_call *call, const char *sql, const char *kind, const char *b,
                    const nb_value *in, nb_value *out, const char *member, iam_out_fn fn);
/* Counts rows of sql (one "?" for account, two for kind and name). */
int64_t iam_count(nb_call *call, const char *sql, const char *kind, const char *name);

/* Tags of an entity or resource (owner: a name, or an ARN). */
int iam_tags_put(nb_call *call, const char *kind, const char *owner, const nb_value *tags);
int iam_tags_out(nb_call *call, const char *kind, const char *owner, nb_value *parent, int if_any);
int iam_tags_remove(nb_call *call, const char *kind, const char *owner, const nb_value *keys);
int iam_tags_list(nb_call *call, const char *kind, const char *owner, const nb_value *in,
                  nb_value *out);
/* Renames or drops everything keyed by (kind, owner) in the side tables. */
int iam_owner_rename(nb_call *call, const char *kind, const char *from, const char *to);
int iam_owner_drop(nb_call *call, const char *kind, const char *owner);

/* ---- iam_inline.c: inline and attached policies of an owner ---------- */

int iam_inline_put(nb_call *call, const char *kind, const char *owner, const nb_value *in);
int iam_inline_get(nb_call *call, const char *kind, const char *owner, const nb_value *in,
                   nb_value *out);
int iam_inline_delete(nb_call *call, const char *kind, const char *owner, const char *name);
int iam_inline_list(nb_call *call, const char *kind, const char *owner, const nb_value *in,
                    nb_value *out);
int iam_attach(nb_call *call, const char *kind, const char *owner, const char *arn);
int iam_detach(nb_call *call, const char *kind, const char *owner, const char *arn);
int iam_attached_list(nb_call *call, const char *kind, const char *owner, const nb_value *in,
                      nb_value *out);

/* ---- iam_policy.c ---------------------------------------------------- */

/* Whether arn names a managed policy that exists (customer or AWS). */
int iam_policy_exists(nb_call *call, const char *arn);
/* Checks a PermissionsBoundary ARN (InvalidInput / NoSuchEntity). */
int iam_check_boundary(nb_call *call, const char *arn);
/* Checks a policy ARN's form (InvalidInput "ARN x is not valid."). */
int iam_check_policy_arn(nb_call *call, const char *arn);
/* The AWS managed policies nimbus knows, by ARN; NULL when unknown. */
const char *iam_aws_policy_doc(const char *arn);

/* ---- iam_role.c: roles ----------------------------------------------- */
int iam_role_out(nb_call *call, nb_value *r, const iam_entity *e, int full);

int iam_create_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_roles(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_role_description(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_assume_role_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_tag_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_untag_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_role_tags(nb_call *call, const nb_value *in, nb_value *out);
int iam_put_role_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_role_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out);
int iam_put_role_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_role_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_role_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_role_policies(nb_call *call, const nb_value *in, nb_value *out);
int iam_attach_role_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_detach_role_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_attached_role_policies(nb_call *call, const nb_value *in, nb_value *out);
int iam_create_service_linked_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_service_linked_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_service_linked_role_deletion_status(nb_call *call, const nb_value *in, nb_value *out);

/* ---- iam_policy.c: managed policies ---------------------------------- */
int iam_create_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_policies(nb_call *call, const nb_value *in, nb_value *out);
int iam_create_policy_version(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_policy_version(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_policy_versions(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_policy_version(nb_call *call, const nb_value *in, nb_value *out);
int iam_set_default_policy_version(nb_call *call, const nb_value *in, nb_value *out);
int iam_tag_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_untag_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_policy_tags(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_entities_for_policy(nb_call *call, const nb_value *in, nb_value *out);

/* ---- iam_user.c: users, groups, access keys, login profiles ---------- */
int iam_create_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_users(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_put_user_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_user_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out);
int iam_tag_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_untag_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_user_tags(nb_call *call, const nb_value *in, nb_value *out);
int iam_put_user_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_user_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_user_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_user_policies(nb_call *call, const nb_value *in, nb_value *out);
int iam_attach_user_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_detach_user_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_attached_user_policies(nb_call *call, const nb_value *in, nb_value *out);
int iam_create_group(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_group(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_groups(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_group(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_group(nb_call *call, const nb_value *in, nb_value *out);
int iam_add_user_to_group(nb_call *call, const nb_value *in, nb_value *out);
int iam_remove_user_from_group(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_groups_for_user(nb_call *call, const nb_value *in, nb_value *out);
int iam_put_group_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_group_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_group_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_group_policies(nb_call *call, const nb_value *in, nb_value *out);
int iam_attach_group_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_detach_group_policy(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_attached_group_policies(nb_call *call, const nb_value *in, nb_value *out);

/* ---- iam_key.c: access keys and login profiles ----------------------- */
int iam_create_access_key(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_access_keys(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_access_key(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_access_key(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_access_key_last_used(nb_call *call, const nb_value *in, nb_value *out);
int iam_create_login_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_login_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_update_login_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_login_profile(nb_call *call, const nb_value *in, nb_value *out);

/* ---- iam_profile.c: instance profiles, OIDC providers, summary ------- */
int iam_create_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_instance_profiles(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_add_role_to_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_remove_role_from_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_instance_profiles_for_role(nb_call *call, const nb_value *in, nb_value *out);
int iam_create_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_open_id_connect_providers(nb_call *call, const nb_value *in, nb_value *out);
int iam_delete_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out);
int iam_add_client_id_to_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out);
int iam_remove_client_id_from_open_id_connect_provider(nb_call *call, const nb_value *in,
                                                       nb_value *out);
int iam_update_open_id_connect_provider_thumbprint(nb_call *call, const nb_value *in,
                                                   nb_value *out);
int iam_tag_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_untag_instance_profile(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_instance_profile_tags(nb_call *call, const nb_value *in, nb_value *out);
int iam_tag_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out);
int iam_untag_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out);
int iam_list_open_id_connect_provider_tags(nb_call *call, const nb_value *in, nb_value *out);
int iam_get_account_summary(nb_call *call, const nb_value *in, nb_value *out);

#endif
