/*
 * kms_alias.c: KMS aliases: friendly names ("alias/app") that point to a
 * key in the same account and region, usable wherever a key is named in
 * DescribeKey and the cryptographic operations.
 *
 * AWS: https://docs.aws.amazon.com/kms/latest/APIReference/
 * (API_CreateAlias.html, API_DeleteAlias.html, API_UpdateAlias.html,
 * API_ListAliases.html) and
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
 * (names start "alias/"; "alias/aws/" is reserved for AWS managed keys).
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "kms_int.h"
#include "store/store.h"

#define PAGE_DEFAULT 100

static const char *
alias_arn(nb_call *call, const char *name)
{
    return nb_arena_printf(call->arena, "arn:aws:kms:%s:%s:%s", call->region, call->account, name);
}

const char *
kms_alias_target(nb_call *call, const char *name)
{
    nb_stmt *st = nb_sql(call, "SELECT key_id FROM kms_aliases WHERE account = ? AND region = ?"
                               " AND name = ?");
    if (!st)
        return NULL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    return nb_step(st) == NB_ROW ? nb_arena_strdup(call->arena, nb_col_text(st, 0)) : NULL;
}

/* AWS: the text KMS sends for a name without the prefix (as quoted in
 * aws-controllers-k8s/community#1878); the reserved prefix is refused
 * with NotAuthorizedException and no message (moto's kms/responses.py). */
static int
check_name(nb_call *call, const char *name)
{
    if (strncmp(name, "alias/", 6) != 0)
        return nb_fail(call, "ValidationException",
                       "Alias must start with the prefix \"alias/\". Please see "
                       "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
    if (strncmp(name, "alias/aws/", 10) == 0)
        return nb_fail_status(call, 400, "NotAuthorizedException", NULL);
    return NB_OK;
}

static int
not_found(nb_call *call, const char *name)
{
    return nb_fail(call, "NotFoundException", "Alias %s is not found.", alias_arn(call, name));
}

/* The key an alias may point to: named by key id or key ARN, not pending
 * deletion. */
static int
target(nb_call *call, const nb_value *in, kms_key *k)
{
    int rc = kms_key_find(call, nb_get_str(in, "TargetKeyId"), 0, k);
    return rc ? rc : kms_key_not_pending(call, k);
}

int
kms_create_alias(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "AliasName");
    kms_key k;
    int rc = check_name(call, name);
    if (rc)
        return rc;
    if (kms_alias_target(call, name))
        return nb_fail(call, "AlreadyExistsException", "An alias with the name %s already exists",
                       alias_arn(call, name));
    if ((rc = target(call, in, &k)))
        return rc;
    nb_stmt *st = nb_sql(call, "INSERT INTO kms_aliases (account, region, name, key_id, created,"
                               " updated) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_text(st, 4, k.id);
    nb_bind_double(st, 5, call->now);
    nb_bind_double(st, 6, call->now);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
kms_update_alias(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "AliasName");
    kms_key k;
    int rc = check_name(call, name);
    if (rc)
        return rc;
    if (!kms_alias_target(call, name))
        return not_found(call, name);
    if ((rc = target(call, in, &k)))
        return rc;
    nb_stmt *st = nb_sql(call, "UPDATE kms_aliases SET key_id = ?, updated = ?"
                               " WHERE account = ? AND region = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, k.id);
    nb_bind_double(st, 2, call->now);
    nb_bind_text(st, 3, call->account);
    nb_bind_text(st, 4, call->region);
    nb_bind_text(st, 5, name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
kms_delete_alias(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "AliasName");
    int rc = check_name(call, name);
    if (rc)
        return rc;
    if (!kms_alias_target(call, name))
        return not_found(call, name);
    nb_stmt *st = nb_sql(call, "DELETE FROM kms_aliases WHERE account = ? AND region = ?"
                               " AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
alias_entry(nb_call *call, nb_value *list, nb_stmt *st)
{
    nb_value *e = nb_list_add_struct(list);
    const char *name = nb_col_text(st, 0);
    if (!e)
        return NB_ENOMEM;
    int rc = nb_set_str(e, "AliasName", name);
    rc = rc ? rc : nb_set_str(e, "AliasArn", alias_arn(call, name));
    rc = rc ? rc : nb_set_str(e, "TargetKeyId", nb_col_text(st, 1));
    rc = rc ? rc : nb_set_time(e, "CreationDate", nb_col_double(st, 2));
    return rc ? rc : nb_set_time(e, "LastUpdatedDate", nb_col_double(st, 3));
}

int
kms_list_aliases(nb_call *call, const nb_value *in, nb_value *out)
{
    int64_t limit = nb_get_int(in, "Limit", PAGE_DEFAULT), n = 0;
    const char *after = "", *last = "", *key = "";
    kms_key k;
    int rc;
    if (nb_get_str(in, "KeyId")) {
        /* AWS: KeyId is a key id or key ARN, not an alias. */
        if ((rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k)))
            return rc;
        key = k.id;
    }
    if (nb_get_str(in, "Marker") && !(after = kms_marker_read(call, nb_get_str(in, "Marker"))))
        return NB_EAWS;
    nb_value *list = nb_set_list(out, "Aliases");
    nb_stmt *st = nb_sql(call, "SELECT name, key_id, created, updated FROM kms_aliases"
                               " WHERE account = ? AND region = ? AND name > ?"
                               " AND (? = '' OR key_id = ?) ORDER BY name");
    if (!list || !st)
        return list ? NB_EINTERNAL : NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, after);
    nb_bind_text(st, 4, key);
    nb_bind_text(st, 5, key);
    int more = 0;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n++ == limit) {
            more = 1;
            break;
        }
        if (!(last = nb_arena_strdup(call->arena, nb_col_text(st, 0))) ||
            (rc = alias_entry(call, list, st)))
            return rc ? rc : NB_ENOMEM;
    }
    if (rc < 0)
        return rc;
    rc = more ? nb_set_str(out, "NextMarker", kms_marker_make(call, last)) : NB_OK;
    return rc ? rc : nb_set_bool(out, "Truncated", more);
}
