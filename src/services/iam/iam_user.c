/*
 * iam_user.c: users and groups: create, read, list, rename, delete; group
 * membership (iam_links, kind "group": parent group, child user); tags;
 * and the users' and groups' inline and attached policies.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
 * (EntityAlreadyExists "User with name X already exists."),
 * API_GetUser.html (without UserName: the caller; for the account root,
 * UserId is the account and Arn arn:aws:iam::<account>:root),
 * API_DeleteUser.html (DeleteConflict until login profile, access keys,
 * group memberships and policies are removed: "Cannot delete entity, must
 * remove users from group first." as IAM words it), API_GetGroup.html
 * (the group and a page of its users), API_DeleteGroup.html.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/creds.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

#define LIST_SQL                                                                                   \
    "SELECT name FROM iam_entities WHERE account = ? AND kind = ? AND ? IS NULL"                   \
    " ORDER BY name COLLATE BINARY"

static int
boundary_out(nb_value *o, const iam_entity *e)
{
    if (!e->boundary[0])
        return NB_OK;
    nb_value *b = nb_set_struct(o, "PermissionsBoundary");
    int rc = b ? nb_set_str(b, "PermissionsBoundaryType", "PermissionsBoundaryPolicy") : NB_ENOMEM;
    return rc ? rc : nb_set_str(b, "PermissionsBoundaryArn", e->boundary);
}

/* A User structure; full adds PermissionsBoundary and Tags. */
static int
user_out(nb_call *call, nb_value *u, const iam_entity *e, int full)
{
    if (!u)
        return NB_ENOMEM;
    int rc = nb_set_str(u, "Path", e->path);
    rc = rc ? rc : nb_set_str(u, "UserName", e->name);
    rc = rc ? rc : nb_set_str(u, "UserId", e->id);
    rc = rc ? rc : nb_set_str(u, "Arn", e->arn);
    rc = rc ? rc : nb_set_time(u, "CreateDate", e->created);
    if (!rc && full)
        rc = boundary_out(u, e);
    if (!rc && full)
        rc = iam_tags_out(call, IAM_USER, e->name, u, 1);
    return rc;
}

static int
user_item(nb_call *call, nb_value *item, const iam_entity *e)
{
    return user_out(call, item, e, 0);
}

static int
group_item(nb_call *call, nb_value *g, const iam_entity *e)
{
    if (!g)
        return NB_ENOMEM;
    int rc = nb_set_str(g, "Path", e->path);
    rc = rc ? rc : nb_set_str(g, "GroupName", e->name);
    rc = rc ? rc : nb_set_str(g, "GroupId", e->id);
    rc = rc ? rc : nb_set_str(g, "Arn", e->arn);
    return rc ? rc : nb_set_time(g, "CreateDate", e->created);
}

/* Creates an entity of kind from Name/Path members; AWS's texts for a
 * name taken: "User with name X already exists." */
static int
create_entity(nb_call *call, const nb_value *in, const char *kind, const char *member,
              const char *prefix, iam_entity *e)
{
    const char *path = nb_get_str(in, "Path");
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->name = nb_get_str(in, member);
    e->path = path ? path : "/";
    e->doc = e->description = e->boundary = e->last_region = "";
    int rc = iam_check_name(call, member, e->name);
    rc = rc ? rc : iam_check_path(call, "Path", e->path);
    if (!rc && nb_get_str(in, "PermissionsBoundary")) {
        e->boundary = nb_get_str(in, "PermissionsBoundary");
        rc = iam_check_boundary(call, e->boundary);
    }
    if (rc)
        return rc;
    iam_entity old;
    rc = iam_entity_load(call, kind, e->name, &old);
    if (rc == NB_OK)
        return nb_fail(call, "EntityAlreadyExists", "%c%s with name %s already exists.",
                       kind[0] - 'a' + 'A', kind + 1, e->name);
    if (rc != NB_ENOTFOUND)
        return rc;
    e->id = iam_new_id(call, prefix);
    e->arn = iam_arn(call, kind, e->path, e->name);
    e->created = call->now;
    if (!e->id || !e->arn)
        return NB_ENOMEM;
    rc = iam_entity_insert(call, e);
    return rc ? rc : iam_tags_put(call, kind, e->name, nb_get(in, "Tags"));
}

/* Renames and/or moves an entity (UpdateUser, UpdateGroup). */
static int
update_entity(nb_call *call, const char *kind, const char *member, iam_entity *e,
              const char *new_name, const char *new_path)
{
    int rc = NB_OK;
    if (new_path && (rc = iam_check_path(call, "NewPath", new_path)))
        return rc;
    if (new_name && (rc = iam_check_name(call, member, new_name)))
        return rc;
    iam_entity other;
    if (new_name && strcasecmp(new_name, e->name) != 0) {
        rc = iam_entity_load(call, kind, new_name, &other);
        if (rc == NB_OK)
            return nb_fail(call, "EntityAlreadyExists", "%c%s with name %s already exists.",
                           kind[0] - 'a' + 'A', kind + 1, new_name);
        if (rc != NB_ENOTFOUND)
            return rc;
    }
    const char *old = e->name;
    nb_stmt *st = nb_sql(call, "DELETE FROM iam_entities WHERE account = ? AND kind = ?"
                               " AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, old);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    e->name = new_name ? new_name : e->name;
    e->path = new_path ? new_path : e->path;
    e->arn = iam_arn(call, kind, e->path, e->name);
    if (!e->arn)
        return NB_ENOMEM;
    rc = iam_entity_insert(call, e);
    return rc ? rc : iam_owner_rename(call, kind, old, e->name);
}

static int
count_of(nb_call *call, const char *sql, const char *kind, const char *name)
{
    return iam_count(call, sql, kind, name) != 0;
}

/* ---- Users ---------------------------------------------------------------- */

int
iam_create_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = create_entity(call, in, IAM_USER, "UserName", "AIDA", &e);
    return rc ? rc : user_out(call, nb_set_struct(out, "User"), &e, 1);
}

/* GetUser without a name: the user the caller's key belongs to, or the
 * account root. */
static int
get_caller(nb_call *call, nb_value *out)
{
    nb_cred c;
    const char *arn = NULL;
    if (call->access_key[0] && nb_creds_get(call, call->access_key, &c) == NB_OK && c.arn)
        arn = c.arn;
    const char *u = arn ? strstr(arn, ":user/") : NULL;
    if (u) {
        iam_entity e;
        int rc = iam_entity_get(call, IAM_USER, strrchr(arn, '/') + 1, &e);
        return rc ? rc : user_out(call, nb_set_struct(out, "User"), &e, 1);
    }
    nb_value *r = nb_set_struct(out, "User");
    const char *root = nb_arena_printf(call->arena, "arn:aws:iam::%s:root", call->account);
    if (!r || !root)
        return NB_ENOMEM;
    int rc = nb_set_str(r, "UserId", call->account);
    rc = rc ? rc : nb_set_str(r, "Arn", root);
    return rc ? rc : nb_set_time(r, "CreateDate", 0);
}

int
iam_get_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    if (!nb_get_str(in, "UserName"))
        return get_caller(call, out);
    int rc = iam_entity_get(call, IAM_USER, nb_get_str(in, "UserName"), &e);
    return rc ? rc : user_out(call, nb_set_struct(out, "User"), &e, 1);
}

int
iam_list_users(nb_call *call, const nb_value *in, nb_value *out)
{
    return iam_entity_list(call, LIST_SQL, IAM_USER, NULL, in, out, "Users", user_item);
}

int
iam_update_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = iam_entity_get(call, IAM_USER, nb_get_str(in, "UserName"), &e);
    const char *old = e.name;
    rc = rc ? rc
            : update_entity(call, IAM_USER, "NewUserName", &e, nb_get_str(in, "NewUserName"),
                            nb_get_str(in, "NewPath"));
    if (rc || strcmp(old, e.name) == 0)
        return rc;
    static const char *const sql[] = {
        "UPDATE iam_keys SET user = ?3 WHERE account = ?1 AND user = ?2",
        "UPDATE iam_logins SET user = ?3 WHERE account = ?1 AND user = ?2",
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(sql); i++) {
        nb_stmt *st = nb_sql(call, sql[i]);
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, old);
        nb_bind_text(st, 3, e.name);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    return NB_OK;
}

static int
user_conflicts(nb_call *call, const char *name)
{
    static const struct {
        const char *sql, *msg;
    } checks[] = {
        {"SELECT COUNT(*) FROM iam_logins WHERE account = ? AND ? IS NOT NULL AND user = ?",
         "Cannot delete entity, must delete login profile first."},
        {"SELECT COUNT(*) FROM iam_keys WHERE account = ? AND ? IS NOT NULL AND user = ?",
         "Cannot delete entity, must delete access keys first."},
        {"SELECT COUNT(*) FROM iam_links WHERE account = ? AND kind = ? AND child = ?",
         "Cannot delete entity, must remove users from group first."},
        {"SELECT COUNT(*) FROM iam_attached WHERE account = ? AND kind = ? AND owner = ?",
         "Cannot delete entity, must detach all policies first."},
        {"SELECT COUNT(*) FROM iam_inline WHERE account = ? AND kind = ? AND owner = ?",
         "Cannot delete entity, must delete policies first."},
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(checks); i++)
        if (count_of(call, checks[i].sql, i == 2 ? IAM_GROUP : IAM_USER, name))
            return nb_fail(call, "DeleteConflict", "%s", checks[i].msg);
    return NB_OK;
}

int
iam_delete_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = iam_entity_get(call, IAM_USER, nb_get_str(in, "UserName"), &e);
    rc = rc ? rc : user_conflicts(call, e.name);
    return rc ? rc : iam_entity_delete(call, IAM_USER, e.name);
}

static int
user_get(nb_call *call, const nb_value *in, iam_entity *e)
{
    return iam_entity_get(call, IAM_USER, nb_get_str(in, "UserName"), e);
}

int
iam_put_user_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    rc = rc ? rc : iam_check_boundary(call, nb_get_str(in, "PermissionsBoundary"));
    if (rc)
        return rc;
    e.boundary = nb_get_str(in, "PermissionsBoundary");
    return iam_entity_insert(call, &e);
}

int
iam_delete_user_permissions_boundary(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    if (rc)
        return rc;
    e.boundary = "";
    return iam_entity_insert(call, &e);
}

int
iam_tag_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_tags_put(call, IAM_USER, e.name, nb_get(in, "Tags"));
}

int
iam_untag_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_tags_remove(call, IAM_USER, e.name, nb_get(in, "TagKeys"));
}

int
iam_list_user_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_tags_list(call, IAM_USER, e.name, in, out);
}

int
iam_put_user_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_inline_put(call, IAM_USER, e.name, in);
}

int
iam_get_user_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_inline_get(call, IAM_USER, e.name, in, out);
}

int
iam_delete_user_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_inline_delete(call, IAM_USER, e.name, nb_get_str(in, "PolicyName"));
}

int
iam_list_user_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_inline_list(call, IAM_USER, e.name, in, out);
}

int
iam_attach_user_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_attach(call, IAM_USER, e.name, nb_get_str(in, "PolicyArn"));
}

int
iam_detach_user_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_detach(call, IAM_USER, e.name, nb_get_str(in, "PolicyArn"));
}

int
iam_list_attached_user_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = user_get(call, in, &e);
    return rc ? rc : iam_attached_list(call, IAM_USER, e.name, in, out);
}

/* ---- Groups --------------------------------------------------------------- */

static int
group_get(nb_call *call, const nb_value *in, iam_entity *e)
{
    return iam_entity_get(call, IAM_GROUP, nb_get_str(in, "GroupName"), e);
}

int
iam_create_group(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = create_entity(call, in, IAM_GROUP, "GroupName", "AGPA", &e);
    return rc ? rc : group_item(call, nb_set_struct(out, "Group"), &e);
}

int
iam_get_group(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    rc = rc ? rc : group_item(call, nb_set_struct(out, "Group"), &e);
    return rc ? rc
              : iam_entity_list(call,
                                "SELECT child FROM iam_links WHERE account = ? AND kind = 'group'"
                                " AND ? IS NOT NULL AND parent = ? ORDER BY child COLLATE BINARY",
                                IAM_USER, e.name, in, out, "Users", user_item);
}

int
iam_list_groups(nb_call *call, const nb_value *in, nb_value *out)
{
    return iam_entity_list(call, LIST_SQL, IAM_GROUP, NULL, in, out, "Groups", group_item);
}

int
iam_update_group(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc
              : update_entity(call, IAM_GROUP, "NewGroupName", &e, nb_get_str(in, "NewGroupName"),
                              nb_get_str(in, "NewPath"));
}

int
iam_delete_group(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    if (rc)
        return rc;
    if (count_of(call,
                 "SELECT COUNT(*) FROM iam_links WHERE account = ? AND kind = ? AND parent = ?",
                 IAM_GROUP, e.name))
        return nb_fail(call, "DeleteConflict",
                       "Cannot delete entity, must remove users from group first.");
    if (count_of(call,
                 "SELECT COUNT(*) FROM iam_attached WHERE account = ? AND kind = ? AND owner = ?",
                 IAM_GROUP, e.name))
        return nb_fail(call, "DeleteConflict",
                       "Cannot delete entity, must detach all policies first.");
    if (count_of(call,
                 "SELECT COUNT(*) FROM iam_inline WHERE account = ? AND kind = ? AND owner = ?",
                 IAM_GROUP, e.name))
        return nb_fail(call, "DeleteConflict", "Cannot delete entity, must delete policies first.");
    return iam_entity_delete(call, IAM_GROUP, e.name);
}

static int
link_exec(nb_call *call, const char *sql, const char *group, const char *user)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, group);
    nb_bind_text(st, 3, user);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_add_user_to_group(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity g, u;
    int rc = group_get(call, in, &g);
    rc = rc ? rc : user_get(call, in, &u);
    return rc ? rc
              : link_exec(call,
                          "INSERT OR IGNORE INTO iam_links (account, kind, parent, child)"
                          " VALUES (?, 'group', ?, ?)",
                          g.name, u.name);
}

int
iam_remove_user_from_group(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity g, u;
    int rc = group_get(call, in, &g);
    rc = rc ? rc : user_get(call, in, &u);
    rc = rc ? rc
            : link_exec(call,
                        "DELETE FROM iam_links WHERE account = ? AND kind = 'group'"
                        " AND parent = ? AND child = ?",
                        g.name, u.name);
    if (!rc && !nb_store_changes())
        return nb_fail(call, "NoSuchEntity", "The user with name %s cannot be found.", u.name);
    return rc;
}

int
iam_list_groups_for_user(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    int rc = user_get(call, in, &u);
    return rc ? rc
              : iam_entity_list(call,
                                "SELECT parent FROM iam_links WHERE account = ? AND kind = ?"
                                " AND child = ? ORDER BY parent COLLATE BINARY",
                                IAM_GROUP, u.name, in, out, "Groups", group_item);
}

int
iam_put_group_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_inline_put(call, IAM_GROUP, e.name, in);
}

int
iam_get_group_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_inline_get(call, IAM_GROUP, e.name, in, out);
}

int
iam_delete_group_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_inline_delete(call, IAM_GROUP, e.name, nb_get_str(in, "PolicyName"));
}

int
iam_list_group_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_inline_list(call, IAM_GROUP, e.name, in, out);
}

int
iam_attach_group_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_attach(call, IAM_GROUP, e.name, nb_get_str(in, "PolicyArn"));
}

int
iam_detach_group_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_detach(call, IAM_GROUP, e.name, nb_get_str(in, "PolicyArn"));
}

int
iam_list_attached_group_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity e;
    int rc = group_get(call, in, &e);
    return rc ? rc : iam_attached_list(call, IAM_GROUP, e.name, in, out);
}
