/*
 * iam_profile.c: instance profiles (entities of kind "instance-profile";
 * their one role in iam_links), OpenID Connect providers (iam_oidc: the
 * URL, client ids and thumbprints of each), and the account summary.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html
 * (EntityAlreadyExists "Instance Profile X already exists."),
 * API_AddRoleToInstanceProfile.html (one role per profile: LimitExceeded
 * "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"),
 * API_DeleteInstanceProfile.html (DeleteConflict while a role is in it),
 * API_CreateOpenIDConnectProvider.html (the ARN is
 * arn:aws:iam::<account>:oidc-provider/<url without https://>; at most
 * five thumbprints), API_GetOpenIDConnectProvider.html and
 * API_GetAccountSummary.html (the quotas).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

/* AWS: an instance profile holds one role. */
#define ROLES_PER_PROFILE 1
/* AWS: an OIDC provider has at most five thumbprints and 100 client ids. */
#define MAX_THUMBPRINTS 5
#define MAX_CLIENT_IDS 100

static int
profile_out(nb_call *call, nb_value *p, const iam_entity *e)
{
    const char **roles;
    size_t n;
    if (!p)
        return NB_ENOMEM;
    int rc = nb_set_str(p, "Path", e->path);
    rc = rc ? rc : nb_set_str(p, "InstanceProfileName", e->name);
    rc = rc ? rc : nb_set_str(p, "InstanceProfileId", e->id);
    rc = rc ? rc : nb_set_str(p, "Arn", e->arn);
    rc = rc ? rc : nb_set_time(p, "CreateDate", e->created);
    rc = rc ? rc
            : iam_names(call,
                        "SELECT child FROM iam_links WHERE account = ? AND kind = ?"
                        " AND parent = ? ORDER BY child",
                        IAM_PROFILE, e->name, &roles, &n);
    nb_value *list = rc ? NULL : nb_set_list(p, "Roles");
    if (rc || !list)
        return rc ? rc : NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        iam_entity r;
        rc = iam_entity_load(call, IAM_ROLE, roles[i], &r);
        rc = rc ? rc : iam_role_out(call, nb_list_add_struct(list), &r, 1);
        if (rc)
            return rc;
    }
    return iam_tags_out(call, IAM_PROFILE, e->name, p, 1);
}

static int
profile_item(nb_call *call, nb_value *item, const iam_entity *e)
{
    return profile_out(call, item, e);
}

static int
profile_get(nb_call *call, const nb_value *in, iam_entity *e)
{
    return iam_entity_get(call, IAM_PROFILE, nb_get_str(in, "InstanceProfileName"), e);
}

int
iam_create_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e = {0}, old;
    const char *path = nb_get_str(in, "Path");
    e.kind = IAM_PROFILE;
    e.name = nb_get_str(in, "InstanceProfileName");
    e.path = path ? path : "/";
    e.doc = e.description = e.boundary = e.last_region = "";
    int rc = iam_check_name(call, "InstanceProfileName", e.name);
    rc = rc ? rc : iam_check_path(call, "Path", e.path);
    if (rc)
        return rc;
    rc = iam_entity_load(call, IAM_PROFILE, e.name, &old);
    if (rc == NB_OK)
        return nb_fail(call, "EntityAlreadyExists", "Instance Profile %s already exists.", e.name);
    if (rc != NB_ENOTFOUND)
        return rc;
    e.id = iam_new_id(call, "AIPA");
    e.arn = iam_arn(call, IAM_PROFILE, e.path, e.name);
    e.created = call->now;
    if (!e.id || !e.arn)
        return NB_ENOMEM;
    rc = iam_entity_insert(call, &e);
    rc = rc ? rc : iam_tags_put(call, IAM_PROFILE, e.name, nb_get(in, "Tags"));
    return rc ? rc : profile_out(call, nb_set_struct(out, "InstanceProfile"), &e);
}

int
iam_get_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = profile_get(call, in, &e);
    return rc ? rc : profile_out(call, nb_set_struct(out, "InstanceProfile"), &e);
}

int
iam_list_instance_profiles(nb_call *call, const nb_value *in, nb_value *out)
{
    return iam_entity_list(call,
                           "SELECT name FROM iam_entities WHERE account = ? AND kind = ?"
                           " AND ? IS NULL ORDER BY name COLLATE BINARY",
                           IAM_PROFILE, NULL, in, out, "InstanceProfiles", profile_item);
}

int
iam_delete_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = profile_get(call, in, &e);
    if (rc)
        return rc;
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_links WHERE account = ? AND kind = ? AND parent = ?",
                  IAM_PROFILE, e.name))
        return nb_fail(call, "DeleteConflict",
                       "Cannot delete entity, must remove roles from instance profile first.");
    return iam_entity_delete(call, IAM_PROFILE, e.name);
}

static int
link_exec(nb_call *call, const char *sql, const char *profile, const char *role)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, profile);
    nb_bind_text(st, 3, role);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_add_role_to_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity p, r;
    int rc = profile_get(call, in, &p);
    rc = rc ? rc : iam_entity_get(call, IAM_ROLE, nb_get_str(in, "RoleName"), &r);
    if (rc)
        return rc;
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_links WHERE account = ? AND kind = ? AND parent = ?",
                  IAM_PROFILE, p.name) >= ROLES_PER_PROFILE)
        return nb_fail(call, "LimitExceeded",
                       "Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d",
                       ROLES_PER_PROFILE);
    return link_exec(call,
                     "INSERT INTO iam_links (account, kind, parent, child)"
                     " VALUES (?, 'instance-profile', ?, ?)",
                     p.name, r.name);
}

int
iam_remove_role_from_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity p, r;
    int rc = profile_get(call, in, &p);
    rc = rc ? rc : iam_entity_get(call, IAM_ROLE, nb_get_str(in, "RoleName"), &r);
    rc = rc ? rc
            : link_exec(call,
                        "DELETE FROM iam_links WHERE account = ? AND kind = 'instance-profile'"
                        " AND parent = ? AND child = ?",
                        p.name, r.name);
    if (!rc && !nb_store_changes())
        return nb_fail(call, "NoSuchEntity", "The role with name %s cannot be found.", r.name);
    return rc;
}

int
iam_list_instance_profiles_for_role(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity r;
    int rc = iam_entity_get(call, IAM_ROLE, nb_get_str(in, "RoleName"), &r);
    return rc ? rc
              : iam_entity_list(call,
                                "SELECT parent FROM iam_links WHERE account = ? AND kind = ?"
                                " AND child = ? ORDER BY parent COLLATE BINARY",
                                IAM_PROFILE, r.name, in, out, "InstanceProfiles", profile_item);
}

/* ---- OpenID Connect providers ------------------------------------------- */

typedef struct oidc {
    const char *arn;     /* arn:aws:iam::<account>:oidc-provider/<host/path> */
    const char *url;     /* host/path, without https:// */
    double created;      /* CreateDate */
    const char *clients; /* client ids, each followed by '\n' */
    const char *thumbs;  /* thumbprints, each followed by '\n' */
} oidc;

static int
oidc_get(nb_call *call, const char *arn, oidc *o)
{
    nb_stmt *st = nb_sql(call, "SELECT url, created, clients, thumbs FROM iam_oidc"
                               " WHERE account = ? AND arn = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, arn);
    if (nb_step(st) != NB_ROW)
        return nb_fail(call, "NoSuchEntity", "OpenIDConnect Provider not found for arn %s", arn);
    o->arn = arn;
    o->url = nb_arena_strdup(call->arena, nb_col_text(st, 0));
    o->created = nb_col_double(st, 1);
    o->clients = nb_arena_strdup(call->arena, nb_col_text(st, 2));
    o->thumbs = nb_arena_strdup(call->arena, nb_col_text(st, 3));
    return o->url && o->clients && o->thumbs ? NB_OK : NB_ENOMEM;
}

static int
oidc_put(nb_call *call, const oidc *o)
{
    nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO iam_oidc (account, arn, url, created,"
                               " clients, thumbs) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, o->arn);
    nb_bind_text(st, 3, o->url);
    nb_bind_double(st, 4, o->created);
    nb_bind_text(st, 5, o->clients);
    nb_bind_text(st, 6, o->thumbs);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* "a\nb\n" with s added (add) or taken out (!add). */
static const char *
edit_list(nb_call *call, const char *joined, const char *s, int add, size_t *n)
{
    const char *item = nb_arena_printf(call->arena, "%s\n", s);
    if (!item)
        return NULL;
    size_t il = strlen(item);
    char *o = nb_arena_alloc(call->arena, strlen(joined) + il + 1), *p = o;
    if (!o)
        return NULL;
    *n = 0;
    for (const char *q = joined; *q;) {
        size_t l = (size_t)(strchr(q, '\n') - q) + 1;
        if (l != il || memcmp(q, item, il) != 0) {
            memcpy(p, q, l);
            p += l;
            ++*n;
        }
        q += l;
    }
    if (add) {
        memcpy(p, item, il);
        p += il;
        ++*n;
    }
    *p = '\0';
    return o;
}

/* A list of strings as "a\nb\n", without repeats; *n set. */
static const char *
join(nb_call *call, const nb_value *list, size_t *n)
{
    const char *s = "";
    *n = 0;
    for (const nb_value *v = nb_first(list); v && s; v = v->next)
        s = edit_list(call, s, v->u.s.p, 1, n);
    return s;
}

static int
split_out(nb_value *out, const char *member, const char *joined)
{
    nb_value *list = nb_set_list(out, member);
    if (!list)
        return NB_ENOMEM;
    for (const char *p = joined; *p;) {
        const char *e = strchr(p, '\n');
        nb_value *v = nb_value_str(nb_value_arena(list), p, (size_t)(e - p));
        if (!v || nb_value_append(list, v))
            return NB_ENOMEM;
        p = e + 1;
    }
    return NB_OK;
}

int
iam_create_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *url = nb_get_str(in, "Url");
    size_t nc, nt;
    if (strncmp(url, "https://", 8) != 0 || !url[8])
        return nb_fail(call, "InvalidInput", "Invalid Open ID Connect Provider URL");
    oidc o;
    o.url = url + 8;
    o.arn = nb_arena_printf(call->arena, "arn:aws:iam::%s:oidc-provider/%s", call->account, o.url);
    o.created = call->now;
    o.clients = join(call, nb_get(in, "ClientIDList"), &nc);
    o.thumbs = join(call, nb_get(in, "ThumbprintList"), &nt);
    if (!o.arn || !o.clients || !o.thumbs)
        return NB_ENOMEM;
    if (nt > MAX_THUMBPRINTS)
        return nb_fail(call, "InvalidInput", "Thumbprint list must contain fewer than %d entries.",
                       MAX_THUMBPRINTS);
    if (nc > MAX_CLIENT_IDS)
        return nb_fail(call, "LimitExceeded",
                       "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d",
                       MAX_CLIENT_IDS);
    nb_stmt *st = nb_sql(call, "SELECT 1 FROM iam_oidc WHERE account = ? AND arn = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, o.arn);
    if (nb_step(st) == NB_ROW)
        return nb_fail(call, "EntityAlreadyExists", "Provider with url %s already exists.", url);
    int rc = oidc_put(call, &o);
    rc = rc ? rc : iam_tags_put(call, "oidc-provider", o.arn, nb_get(in, "Tags"));
    rc = rc ? rc : nb_set_str(out, "OpenIDConnectProviderArn", o.arn);
    return rc ? rc : iam_tags_out(call, "oidc-provider", o.arn, out, 1);
}

int
iam_get_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    rc = rc ? rc : nb_set_str(out, "Url", o.url);
    rc = rc ? rc : split_out(out, "ClientIDList", o.clients);
    rc = rc ? rc : split_out(out, "ThumbprintList", o.thumbs);
    rc = rc ? rc : nb_set_time(out, "CreateDate", o.created);
    return rc ? rc : iam_tags_out(call, "oidc-provider", o.arn, out, 1);
}

int
iam_list_open_id_connect_providers(nb_call *call, const nb_value *in, nb_value *out)
{
    const char **arns;
    size_t n;
    int rc = iam_names(call,
                       "SELECT arn FROM iam_oidc WHERE account = ? AND ? IS NULL AND ? IS NULL"
                       " ORDER BY arn",
                       NULL, NULL, &arns, &n);
    nb_value *list = rc ? NULL : nb_set_list(out, "OpenIDConnectProviderList");
    if (rc || !list)
        return rc ? rc : NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        nb_value *e = nb_list_add_struct(list);
        if (!e || nb_set_str(e, "Arn", arns[i]))
            return NB_ENOMEM;
    }
    return NB_OK;
}

int
iam_delete_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    nb_stmt *st = rc ? NULL : nb_sql(call, "DELETE FROM iam_oidc WHERE account = ? AND arn = ?");
    if (rc || !st)
        return rc ? rc : NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, o.arn);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    return iam_owner_drop(call, "oidc-provider", o.arn);
}

int
iam_add_client_id_to_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    size_t n;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    if (rc)
        return rc;
    o.clients = edit_list(call, o.clients, nb_get_str(in, "ClientID"), 1, &n);
    if (!o.clients)
        return NB_ENOMEM;
    if (n > MAX_CLIENT_IDS)
        return nb_fail(call, "LimitExceeded",
                       "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d",
                       MAX_CLIENT_IDS);
    return oidc_put(call, &o);
}

int
iam_remove_client_id_from_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    size_t n;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    if (rc)
        return rc;
    o.clients = edit_list(call, o.clients, nb_get_str(in, "ClientID"), 0, &n);
    return o.clients ? oidc_put(call, &o) : NB_ENOMEM;
}

int
iam_update_open_id_connect_provider_thumbprint(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    size_t n;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    if (rc)
        return rc;
    o.thumbs = join(call, nb_get(in, "ThumbprintList"), &n);
    if (!o.thumbs)
        return NB_ENOMEM;
    if (n > MAX_THUMBPRINTS)
        return nb_fail(call, "InvalidInput", "Thumbprint list must contain fewer than %d entries.",
                       MAX_THUMBPRINTS);
    return oidc_put(call, &o);
}

/* ---- GetAccountSummary ------------------------------------------------------ */

int
iam_get_account_summary(nb_call *call, const nb_value *in, nb_value *out)
{
    /* AWS: default quotas, from the IAM quotas page */
    static const struct {
        const char *key;
        int64_t value;
    } quotas[] = {
        {"AccessKeysPerUserQuota", 2},
        {"AccountAccessKeysPresent", 0},
        {"AccountMFAEnabled", 0},
        {"AccountSigningCertificatesPresent", 0},
        {"AssumeRolePolicySizeQuota", 2048},
        {"AttachedPoliciesPerGroupQuota", 10},
        {"AttachedPoliciesPerRoleQuota", 10},
        {"AttachedPoliciesPerUserQuota", 10},
        {"GlobalEndpointTokenVersion", 1},
        {"GroupPolicySizeQuota", 5120},
        {"GroupsPerUserQuota", 10},
        {"GroupsQuota", 300},
        {"InstanceProfilesQuota", 1000},
        {"MFADevices", 0},
        {"MFADevicesInUse", 0},
        {"PoliciesQuota", 1500},
        {"PolicySizeQuota", 6144},
        {"PolicyVersionsInUseQuota", 10000},
        {"RolePolicySizeQuota", 10240},
        {"RolesQuota", 1000},
        {"ServerCertificates", 0},
        {"ServerCertificatesQuota", 20},
        {"SigningCertificatesPerUserQuota", 2},
        {"UserPolicySizeQuota", 2048},
        {"UsersQuota", 5000},
        {"VersionsPerPolicyQuota", 5},
    };
    static const struct {
        const char *key, *kind;
    } counts[] = {
        {"Groups", IAM_GROUP},
        {"InstanceProfiles", IAM_PROFILE},
        {"Roles", IAM_ROLE},
        {"Users", IAM_USER},
    };
    nb_value *m = nb_set_map(out, "SummaryMap");
    if (!m)
        return NB_ENOMEM;
    int rc = NB_OK;
    for (size_t i = 0; !rc && i < NB_ARRAY_LEN(quotas); i++)
        rc = nb_set_int(m, quotas[i].key, quotas[i].value);
    for (size_t i = 0; !rc && i < NB_ARRAY_LEN(counts); i++)
        rc = nb_set_int(m, counts[i].key,
                        iam_count(call,
                                  "SELECT COUNT(*) FROM iam_entities WHERE account = ?"
                                  " AND kind = ? AND ? IS NULL",
                                  counts[i].kind, NULL));
    rc = rc ? rc
            : nb_set_int(m, "Policies",
                         iam_count(call,
                                   "SELECT COUNT(*) FROM iam_policies WHERE account = ?"
                                   " AND ? IS NULL AND ? IS NULL",
                                   NULL, NULL));
    rc = rc ? rc
            : nb_set_int(m, "PolicyVersionsInUse",
                         iam_count(call,
                                   "SELECT COUNT(*) FROM iam_attached WHERE account = ?"
                                   " AND ? IS NULL AND ? IS NULL",
                                   NULL, NULL));
    return rc ? rc
              : nb_set_int(m, "Providers",
                           iam_count(call,
                                     "SELECT COUNT(*) FROM iam_oidc WHERE account = ?"
                                     " AND ? IS NULL AND ? IS NULL",
                                     NULL, NULL));
}

/* ---- Tags of instance profiles and OIDC providers ---------------------- */

int
iam_tag_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = profile_get(call, in, &e);
    return rc ? rc : iam_tags_put(call, IAM_PROFILE, e.name, nb_get(in, "Tags"));
}

int
iam_untag_instance_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = profile_get(call, in, &e);
    return rc ? rc : iam_tags_remove(call, IAM_PROFILE, e.name, nb_get(in, "TagKeys"));
}

int
iam_list_instance_profile_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = profile_get(call, in, &e);
    return rc ? rc : iam_tags_list(call, IAM_PROFILE, e.name, in, out);
}

int
iam_tag_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    return rc ? rc : iam_tags_put(call, "oidc-provider", o.arn, nb_get(in, "Tags"));
}

int
iam_untag_open_id_connect_provider(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    return rc ? rc : iam_tags_remove(call, "oidc-provider", o.arn, nb_get(in, "TagKeys"));
}

int
iam_list_open_id_connect_provider_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    oidc o;
    int rc = oidc_get(call, nb_get_str(in, "OpenIDConnectProviderArn"), &o);
    return rc ? rc : iam_tags_list(call, "oidc-provider", o.arn, in, out);
}
