/*
 * iam_inline.c: the policies an owner (role, user or group) carries:
 * inline policies (a name and a document kept with the owner, in
 * iam_inline) and attached managed policies (a policy ARN, in
 * iam_attached). The Role/User/Group operations in the other files check
 * that the owner exists and call these.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html,
 * API_GetRolePolicy.html (NoSuchEntity "The role policy with name X cannot
 * be found."), API_AttachRolePolicy.html (NoSuchEntity "Policy X does not
 * exist or is not attachable.", InvalidInput "ARN X is not valid."),
 * API_DetachRolePolicy.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * (10 managed policies per role, user or group by default).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

/* AWS: default quota of managed policies attached to one owner. */
#define MAX_ATTACHED 10

static const char *
owner_member(const char *kind)
{
    return strcmp(kind, IAM_ROLE) == 0   ? "RoleName"
           : strcmp(kind, IAM_USER) == 0 ? "UserName"
                                         : "GroupName";
}

/* AWS: inline policies of one owner together hold at most 10,240
 * characters (role), 2,048 (user) or 5,120 (group), white space aside
 * (LimitExceeded "Maximum policy size of 10240 bytes exceeded for role X"). */
static int
check_total(nb_call *call, const char *kind, const char *owner, const char *name, const char *doc)
{
    size_t max = strcmp(kind, IAM_ROLE) == 0 ? 10240 : strcmp(kind, IAM_USER) == 0 ? 2048 : 5120;
    size_t total = iam_doc_size(doc);
    nb_stmt *st = nb_sql(call, "SELECT doc FROM iam_inline WHERE account = ? AND kind = ?"
                               " AND owner = ? AND name != ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    nb_bind_text(st, 4, name);
    while (nb_step(st) == NB_ROW)
        total += iam_doc_size(nb_col_text(st, 0));
    if (total <= max)
        return NB_OK;
    return nb_fail(call, "LimitExceeded", "Maximum policy size of %zu bytes exceeded for %s %s",
                   max, kind, owner);
}

int
iam_inline_put(nb_call *call, const char *kind, const char *owner, const nb_value *in)
{
    const char *name = nb_get_str(in, "PolicyName");
    const char *doc = nb_get_str(in, "PolicyDocument");
    int rc = iam_check_name(call, "PolicyName", name);
    rc = rc ? rc : iam_check_doc(call, doc);
    rc = rc ? rc : check_total(call, kind, owner, name, doc);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "INSERT INTO iam_inline (account, kind, owner, name, doc)"
                               " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE"
                               " SET doc = excluded.doc");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    nb_bind_text(st, 4, name);
    nb_bind_text(st, 5, doc);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
no_inline(nb_call *call, const char *kind, const char *name)
{
    return nb_fail(call, "NoSuchEntity", "The %s policy with name %s cannot be found.", kind, name);
}

int
iam_inline_get(nb_call *call, const char *kind, const char *owner, const nb_value *in,
               nb_value *out)
{
    const char *name = nb_get_str(in, "PolicyName");
    nb_stmt *st = nb_sql(call, "SELECT name, doc FROM iam_inline WHERE account = ? AND kind = ?"
                               " AND owner = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    nb_bind_text(st, 4, name);
    if (nb_step(st) != NB_ROW)
        return no_inline(call, kind, name);
    const char *doc = iam_url_encode(call, nb_col_text(st, 1));
    int rc = nb_set_str(out, owner_member(kind), owner);
    rc = rc ? rc : nb_set_str(out, "PolicyName", nb_col_text(st, 0));
    return rc ? rc : doc ? nb_set_str(out, "PolicyDocument", doc) : NB_ENOMEM;
}

int
iam_inline_delete(nb_call *call, const char *kind, const char *owner, const char *name)
{
    nb_stmt *st = nb_sql(call, "DELETE FROM iam_inline WHERE account = ? AND kind = ?"
                               " AND owner = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    nb_bind_text(st, 4, name);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    return nb_store_changes() ? NB_OK : no_inline(call, kind, name);
}

int
iam_inline_list(nb_call *call, const char *kind, const char *owner, const nb_value *in,
                nb_value *out)
{
    iam_page pg;
    int rc = iam_page_start(call, in, &pg);
    if (rc)
        return rc;
    nb_value *list = nb_set_list(out, "PolicyNames");
    nb_stmt *st = nb_sql(call, "SELECT name FROM iam_inline WHERE account = ? AND kind = ?"
                               " AND owner = ? ORDER BY name");
    if (!list || !st)
        return list ? NB_EINTERNAL : NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *name = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        int take = name ? iam_page_take(&pg, name) : 1;
        if (take < 0)
            break;
        if (take && nb_list_add_str(list, name))
            return NB_ENOMEM;
    }
    if (rc < 0)
        return NB_EINTERNAL;
    return iam_page_end(call, out, &pg);
}

/* ---- Attached managed policies ---------------------------------------- */

int
iam_attach(nb_call *call, const char *kind, const char *owner, const char *arn)
{
    int rc = iam_check_policy_arn(call, arn);
    if (rc)
        return rc;
    if (!iam_policy_exists(call, arn))
        return nb_fail(call, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn);
    nb_stmt *st = nb_sql(call, "INSERT OR IGNORE INTO iam_attached (account, kind, owner, arn)"
                               " VALUES (?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    nb_bind_text(st, 4, arn);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    int64_t n = iam_count(call,
                          "SELECT COUNT(*) FROM iam_attached WHERE account = ? AND kind = ?"
                          " AND owner = ?",
                          kind, owner);
    if (n > MAX_ATTACHED)
        return nb_fail(call, "LimitExceeded", "Cannot exceed quota for PoliciesPer%c%s: %d",
                       kind[0] - 'a' + 'A', kind + 1, MAX_ATTACHED);
    return n < 0 ? NB_EINTERNAL : NB_OK;
}

int
iam_detach(nb_call *call, const char *kind, const char *owner, const char *arn)
{
    int rc = iam_check_policy_arn(call, arn);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "DELETE FROM iam_attached WHERE account = ? AND kind = ?"
                               " AND owner = ? AND arn = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    nb_bind_text(st, 4, arn);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    return nb_store_changes() ? NB_OK
                              : nb_fail(call, "NoSuchEntity", "Policy %s was not found.", arn);
}

int
iam_attached_list(nb_call *call, const char *kind, const char *owner, const nb_value *in,
                  nb_value *out)
{
    iam_page pg;
    const char *prefix = nb_get_str(in, "PathPrefix");
    int rc = iam_page_start(call, in, &pg);
    if (rc)
        return rc;
    nb_value *list = nb_set_list(out, "AttachedPolicies");
    nb_stmt *st = nb_sql(call, "SELECT arn FROM iam_attached WHERE account = ? AND kind = ?"
                               " AND owner = ? ORDER BY arn");
    if (!list || !st)
        return list ? NB_EINTERNAL : NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *arn = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        if (!arn)
            return NB_ENOMEM;
        if (!strchr(arn, '/'))
            continue; /* cannot happen: attach checks the ARN's form */
        const char *path = strstr(arn, ":policy");
        const char *name = strrchr(arn, '/');
        path = path ? nb_arena_strndup(call->arena, path + 7, (size_t)(name - path - 6)) : "/";
        if (!path || !iam_path_under(path, prefix))
            continue;
        int take = iam_page_take(&pg, arn);
        if (take < 0)
            break;
        nb_value *a = take ? nb_list_add_struct(list) : NULL;
        if (take &&
            (!a || nb_set_str(a, "PolicyName", name + 1) || nb_set_str(a, "PolicyArn", arn)))
            return NB_ENOMEM;
    }
    if (rc < 0)
        return NB_EINTERNAL;
    return iam_page_end(call, out, &pg);
}
