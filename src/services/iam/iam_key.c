/*
 * iam_key.c: a user's long-term credentials: access keys (iam_keys, and
 * the core's credential table, so that requests signed with a key map to
 * the key's account and user) and the console password's login profile
 * (iam_logins; the password itself is not kept).
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
 * (LimitExceeded "Cannot exceed quota for AccessKeysPerUser: 2"),
 * API_UpdateAccessKey.html, API_DeleteAccessKey.html (NoSuchEntity "The
 * Access Key with id X cannot be found."), API_GetAccessKeyLastUsed.html
 * (ServiceName and Region "N/A" for a key never used),
 * API_CreateLoginProfile.html, API_GetLoginProfile.html.
 *
 * A key made Inactive signs nothing until it is made Active again, and a
 * deleted key signs nothing ever: "Inactive - ... cannot be used for API
 * calls"; "When you delete an access key, ... it can no longer be used"
 * (IAM User Guide, id_credentials_access-keys.html). Both go to the
 * core's credential table, which signature checking reads. Temporary
 * credentials STS issued from a key are not touched: "After AWS STS
 * issues temporary security credentials, they are valid through the
 * expiration period and cannot be revoked" (id_credentials_temp_control-access.html).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/creds.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

/* AWS: two access keys per user. */
#define MAX_KEYS 2

/* The user a key call is about: UserName, or the user whose key signed
 * the request. */
static int
key_user(nb_call *call, const nb_value *in, iam_entity *e)
{
    const char *name = nb_get_str(in, "UserName");
    nb_cred c;
    if (!name && call->access_key[0] && nb_creds_get(call, call->access_key, &c) == NB_OK &&
        c.arn && strstr(c.arn, ":user/"))
        name = strrchr(c.arn, '/') + 1;
    if (!name)
        return nb_fail(call, "ValidationError",
                       "Must specify userName when calling with non-User credentials");
    return iam_entity_get(call, IAM_USER, name, e);
}

int
iam_create_access_key(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    int rc = key_user(call, in, &u);
    if (rc)
        return rc;
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_keys WHERE account = ? AND ? IS NOT NULL AND user = ?",
                  "", u.name) >= MAX_KEYS)
        return nb_fail(call, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d",
                       MAX_KEYS);
    nb_cred c = {0};
    c.key_id = nb_creds_new_key_id(call, "AKIA", call->account);
    c.secret = nb_creds_new_secret(call);
    c.account = call->account;
    c.arn = u.arn;
    if (!c.key_id || !c.secret)
        return NB_ENOMEM;
    if ((rc = nb_creds_put(call, &c)))
        return rc;
    nb_stmt *st = nb_sql(call, "INSERT INTO iam_keys (account, user, key_id, status, created)"
                               " VALUES (?, ?, ?, 'Active', ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, u.name);
    nb_bind_text(st, 3, c.key_id);
    nb_bind_double(st, 4, call->now);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    nb_value *k = nb_set_struct(out, "AccessKey");
    if (!k)
        return NB_ENOMEM;
    rc = nb_set_str(k, "UserName", u.name);
    rc = rc ? rc : nb_set_str(k, "AccessKeyId", c.key_id);
    rc = rc ? rc : nb_set_str(k, "Status", "Active");
    rc = rc ? rc : nb_set_str(k, "SecretAccessKey", c.secret);
    return rc ? rc : nb_set_time(k, "CreateDate", call->now);
}

int
iam_list_access_keys(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    iam_page pg;
    int rc = key_user(call, in, &u);
    rc = rc ? rc : iam_page_start(call, in, &pg);
    nb_value *list = rc ? NULL : nb_set_list(out, "AccessKeyMetadata");
    if (rc || !list)
        return rc ? rc : NB_ENOMEM;
    nb_stmt *st = nb_sql(call, "SELECT key_id, status, created FROM iam_keys WHERE account = ?"
                               " AND user = ? ORDER BY key_id");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, u.name);
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *id = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        int take = id ? iam_page_take(&pg, id) : 1;
        if (take < 0)
            break;
        nb_value *k = take ? nb_list_add_struct(list) : NULL;
        if (take &&
            (!k || !id || nb_set_str(k, "UserName", u.name) || nb_set_str(k, "AccessKeyId", id) ||
             nb_set_str(k, "Status", nb_col_text(st, 1)) ||
             nb_set_time(k, "CreateDate", nb_col_double(st, 2))))
            return NB_ENOMEM;
    }
    return rc < 0 ? NB_EINTERNAL : iam_page_end(call, out, &pg);
}

static int
no_key(nb_call *call, const char *id)
{
    return nb_fail(call, "NoSuchEntity", "The Access Key with id %s cannot be found.", id);
}

int
iam_update_access_key(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    const char *id = nb_get_str(in, "AccessKeyId");
    int rc = key_user(call, in, &u);
    nb_stmt *st = rc ? NULL
                     : nb_sql(call, "UPDATE iam_keys SET status = ? WHERE account = ?"
                                    " AND user = ? AND key_id = ?");
    if (rc || !st)
        return rc ? rc : NB_EINTERNAL;
    nb_bind_text(st, 1, nb_get_str(in, "Status"));
    nb_bind_text(st, 2, call->account);
    nb_bind_text(st, 3, u.name);
    nb_bind_text(st, 4, id);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    if (!nb_store_changes())
        return no_key(call, id);
    const char *status = nb_get_str(in, "Status");
    rc = nb_creds_set_state(call, id,
                            strcmp(status, "Active") == 0 ? NB_CRED_ACTIVE : NB_CRED_INACTIVE);
    return rc == NB_ENOTFOUND ? NB_OK : rc;
}

int
iam_delete_access_key(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    const char *id = nb_get_str(in, "AccessKeyId");
    int rc = key_user(call, in, &u);
    nb_stmt *st = rc ? NULL
                     : nb_sql(call, "DELETE FROM iam_keys WHERE account = ? AND user = ?"
                                    " AND key_id = ?");
    if (rc || !st)
        return rc ? rc : NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, u.name);
    nb_bind_text(st, 3, id);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    if (!nb_store_changes())
        return no_key(call, id);
    rc = nb_creds_set_state(call, id, NB_CRED_DELETED);
    return rc == NB_ENOTFOUND ? NB_OK : rc;
}

int
iam_get_access_key_last_used(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *id = nb_get_str(in, "AccessKeyId");
    nb_stmt *st = nb_sql(call, "SELECT user FROM iam_keys WHERE account = ? AND key_id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, id);
    if (nb_step(st) != NB_ROW)
        return no_key(call, id);
    int rc = nb_set_str(out, "UserName", nb_col_text(st, 0));
    nb_value *u = rc ? NULL : nb_set_struct(out, "AccessKeyLastUsed");
    if (!u)
        return rc ? rc : NB_ENOMEM;
    rc = nb_set_str(u, "ServiceName", "N/A");
    return rc ? rc : nb_set_str(u, "Region", "N/A");
}

/* ---- Login profiles ------------------------------------------------------ */

static int
login_out(nb_call *call, nb_value *out, const char *user, double created, int reset)
{
    nb_value *p = nb_set_struct(out, "LoginProfile");
    if (!p)
        return NB_ENOMEM;
    int rc = nb_set_str(p, "UserName", user);
    rc = rc ? rc : nb_set_time(p, "CreateDate", created);
    return rc ? rc : nb_set_bool(p, "PasswordResetRequired", reset);
}

/* Loads a user's login profile; NoSuchEntity when it has none. */
static int
login_get(nb_call *call, const nb_value *in, iam_entity *u, double *created, int *reset)
{
    int rc = key_user(call, in, u);
    nb_stmt *st = rc ? NULL
                     : nb_sql(call, "SELECT created, reset FROM iam_logins WHERE account = ?"
                                    " AND user = ?");
    if (rc || !st)
        return rc ? rc : NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, u->name);
    if (nb_step(st) != NB_ROW)
        return nb_fail(call, "NoSuchEntity", "Login Profile for User %s cannot be found.", u->name);
    *created = nb_col_double(st, 0);
    *reset = (int)nb_col_int(st, 1);
    return NB_OK;
}

static int
login_put(nb_call *call, const char *user, double created, int reset)
{
    nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO iam_logins (account, user, created,"
                               " reset) VALUES (?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, user);
    nb_bind_double(st, 3, created);
    nb_bind_int(st, 4, reset);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_create_login_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    int reset = nb_get_bool(in, "PasswordResetRequired", 0);
    int rc = key_user(call, in, &u);
    if (rc)
        return rc;
    if (iam_count(call,
                  "SELECT COUNT(*) FROM iam_logins WHERE account = ? AND ? IS NOT NULL"
                  " AND user = ?",
                  "", u.name))
        return nb_fail(call, "EntityAlreadyExists", "Login Profile for user %s already exists.",
                       u.name);
    rc = login_put(call, u.name, call->now, reset);
    return rc ? rc : login_out(call, out, u.name, call->now, reset);
}

int
iam_get_login_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    double created;
    int reset;
    int rc = login_get(call, in, &u, &created, &reset);
    return rc ? rc : login_out(call, out, u.name, created, reset);
}

int
iam_update_login_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    double created;
    int reset;
    int rc = login_get(call, in, &u, &created, &reset);
    return rc ? rc
              : login_put(call, u.name, created, nb_get_bool(in, "PasswordResetRequired", reset));
}

int
iam_delete_login_profile(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_entity u;
    double created;
    int reset;
    int rc = login_get(call, in, &u, &created, &reset);
    nb_stmt *st = rc ? NULL : nb_sql(call, "DELETE FROM iam_logins WHERE account = ? AND user = ?");
    if (rc || !st)
        return rc ? rc : NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, u.name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}
