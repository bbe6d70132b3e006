/*
 * kms_key.c: KMS keys: creating them, finding them by
 * key id, key ARN, alias name or alias ARN, describing and listing them,
 * their states (enabled, disabled, pending deletion), the key policy,
 * tags and the rotation flag.
 *
 * AWS: https://docs.aws.amazon.com/kms/latest/APIReference/
 * (API_CreateKey.html, API_DescribeKey.html, API_ListKeys.html,
 * API_EnableKey.html, API_DisableKey.html, API_ScheduleKeyDeletion.html,
 * API_CancelKeyDeletion.html, API_GetKeyPolicy.html, API_PutKeyPolicy.html,
 * API_ListKeyPolicies.html, API_TagResource.html, API_UntagResource.html,
 * API_ListResourceTags.html, API_EnableKeyRotation.html,
 * API_GetKeyRotationStatus.html) and
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html.
 * Key pairs (RSA, ECC) are made in kms_asym.c. Error texts are AWS's as
 * LocalStack's snapshot tests against AWS
 * (tests/aws/services/kms/test_kms.snapshot.json) record them.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/json.h"
#include "core/value.h"
#include "kms_int.h"
#include "services/tags.h"
#include "store/store.h"

/* AWS: ListKeys, ListAliases and ListResourceTags pages hold 100 by
 * default. */
#define PAGE_DEFAULT 100
/* AWS: ScheduleKeyDeletion waits 7 to 30 days, 30 by default. */
#define PENDING_MIN 7
#define PENDING_MAX 30
/* AWS: automatic rotation every 90 to 2560 days, 365 by default. */
#define ROTATION_MIN 90
#define ROTATION_MAX 2560
#define ROTATION_DEFAULT 365
#define DAY 86400.0

static const char *
dup(nb_call *call, const char *s)
{
    return nb_arena_strdup(call->arena, s ? s : "");
}

const char *
kms_key_arn(nb_call *call, const char *id)
{
    return nb_arena_printf(call->arena, "arn:aws:kms:%s:%s:key/%s", call->region, call->account,
                           id);
}

const char *
kms_marker_make(nb_call *call, const char *last)
{
    size_t n = strlen(last);
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len(n) + 1);
    if (b)
        nb_b64_encode(b, last, n);
    return b;
}

const char *
kms_marker_read(nb_call *call, const char *marker)
{
    size_t n = strlen(marker), len;
    char *d = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    if (!d || nb_b64_decode(d, &len, marker, n, NULL) != NB_B64_OK) {
        nb_fail(call, "InvalidMarkerException", NULL);
        return NULL;
    }
    d[len] = '\0';
    return d;
}

int
kms_key_load(nb_call *call, const char *id, kms_key *k)
{
    nb_stmt *st = nb_sql(call, "SELECT created, description, usage, spec, policy, state,"
                               " deletion, pending_days, rotation, rotation_days, material"
                               " FROM kms_keys WHERE account = ? AND region = ? AND id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, id);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : rc;
    k->id = dup(call, id);
    k->arn = kms_key_arn(call, id);
    k->created = nb_col_double(st, 0);
    k->description = dup(call, nb_col_text(st, 1));
    k->usage = dup(call, nb_col_text(st, 2));
    k->spec = dup(call, nb_col_text(st, 3));
    k->policy = dup(call, nb_col_text(st, 4));
    k->state = dup(call, nb_col_text(st, 5));
    k->deletion = nb_col_double(st, 6);
    k->pending_days = nb_col_int(st, 7);
    k->rotation = (int)nb_col_int(st, 8);
    k->rotation_days = nb_col_int(st, 9);
    k->material_len = nb_col_bytes(st, 10);
    unsigned char *m = nb_arena_alloc(call->arena, k->material_len + 1);
    if (!m)
        return NB_ENOMEM;
    memcpy(m, nb_col_blob(st, 10), k->material_len);
    k->material = m;
    if (NB_NEVER(strcmp(k->spec, "SYMMETRIC_DEFAULT") == 0 && k->material_len != KMS_KEY_BYTES))
        return NB_EINTERNAL;
    return k->state && k->arn ? NB_OK : NB_ENOMEM;
}

static int
is_uuid(const char *s)
{
    if (strlen(s) != KMS_ID_LEN)
        return 0;
    for (int i = 0; i < KMS_ID_LEN; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-'
                                                      : !isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int
alias_not_found(nb_call *call, const char *name)
{
    return nb_fail(call, "NotFoundException", "Alias arn:aws:kms:%s:%s:%s is not found.",
                   call->region, call->account, name);
}

/* raw is a KMS ARN naming a Region other than the caller's. */
static int
other_region(nb_call *call, const char *raw)
{
    const char *colon = strncmp(raw, "arn:aws:kms:", 12) == 0 ? strchr(raw + 12, ':') : NULL;
    size_t n = colon ? (size_t)(colon - (raw + 12)) : 0;
    return colon && (n != strlen(call->region) || strncmp(raw + 12, call->region, n) != 0);
}

int
kms_key_find(nb_call *call, const char *raw, int flags, kms_key *k)
{
    const char *prefix =
        nb_arena_printf(call->arena, "arn:aws:kms:%s:%s:", call->region, call->account);
    const char *id = raw, *alias = NULL;
    if (!prefix)
        return NB_ENOMEM;
    if (strncmp(raw, prefix, strlen(prefix)) == 0) {
        const char *rest = raw + strlen(prefix);
        if (strncmp(rest, "key/", 4) == 0)
            id = rest + 4;
        else if (strncmp(rest, "alias/", 6) == 0)
            alias = rest;
    } else if (other_region(call, raw)) {
        /* AWS: a key ARN of another Region (LocalStack's AWS snapshot). */
        return nb_fail(call, "NotFoundException", "Invalid arn %.*s",
                       (int)(strchr(raw + 12, ':') - (raw + 12)), raw + 12);
    } else if (strncmp(raw, "arn:", 4) == 0) {
        /* Another account: nothing of it is here. */
        return nb_fail(call, "NotFoundException", "Key '%s' does not exist", raw);
    } else if (strncmp(raw, "alias/", 6) == 0) {
        alias = raw;
    }
    if (alias) {
        if (!(flags & KMS_ALIASES))
            return nb_fail(call, "NotFoundException", "Invalid keyId '%s'", raw);
        if (!(id = kms_alias_target(call, alias)))
            return alias_not_found(call, alias);
    }
    if (!is_uuid(id))
        return nb_fail(call, "NotFoundException", "Invalid keyId '%s'", id);
    int rc = kms_key_load(call, id, k);
    if (rc == NB_ENOTFOUND)
        return nb_fail(call, "NotFoundException", "Key '%s' does not exist", kms_key_arn(call, id));
    return rc;
}

int
kms_key_not_pending(nb_call *call, const kms_key *k)
{
    if (strcmp(k->state, "PendingDeletion") == 0)
        return nb_fail(call, "KMSInvalidStateException", "%s is pending deletion.", k->arn);
    return NB_OK;
}

int
kms_key_usable(nb_call *call, const kms_key *k)
{
    if (strcmp(k->state, "Disabled") == 0)
        return nb_fail(call, "DisabledException", "%s is disabled.", k->arn);
    return kms_key_not_pending(call, k);
}

static int
key_metadata(nb_call *call, nb_value *m, const kms_key *k)
{
    if (!m)
        return NB_ENOMEM;
    int pending = strcmp(k->state, "PendingDeletion") == 0;
    int rc = nb_set_str(m, "AWSAccountId", call->account);
    rc = rc ? rc : nb_set_str(m, "KeyId", k->id);
    rc = rc ? rc : nb_set_str(m, "Arn", k->arn);
    rc = rc ? rc : nb_set_time(m, "CreationDate", k->created);
    rc = rc ? rc : nb_set_bool(m, "Enabled", strcmp(k->state, "Enabled") == 0);
    rc = rc ? rc : nb_set_str(m, "Description", k->description);
    rc = rc ? rc : nb_set_str(m, "KeyUsage", k->usage);
    rc = rc ? rc : nb_set_str(m, "KeyState", k->state);
    if (!rc && pending)
        rc = nb_set_time(m, "DeletionDate", k->deletion);
    rc = rc ? rc : nb_set_str(m, "Origin", "AWS_KMS");
    rc = rc ? rc : nb_set_str(m, "KeyManager", "CUSTOMER");
    rc = rc ? rc : nb_set_str(m, "CustomerMasterKeySpec", k->spec);
    rc = rc ? rc : nb_set_str(m, "KeySpec", k->spec);
    if (!rc && strcmp(k->spec, "SYMMETRIC_DEFAULT") != 0) {
        rc = kms_asym_algorithms_out(k, m);
    } else if (!rc) {
        nb_value *algs = nb_set_list(m, "EncryptionAlgorithms");
        rc = algs ? nb_list_add_str(algs, "SYMMETRIC_DEFAULT") : NB_ENOMEM;
    }
    rc = rc ? rc : nb_set_bool(m, "MultiRegion", 0);
    if (!rc && pending)
        rc = nb_set_int(m, "PendingDeletionWindowInDays", k->pending_days);
    return rc;
}

/* ---- CreateKey --------------------------------------------------------- */

static const char *
default_policy(nb_call *call)
{
    /* AWS: the default key policy gives the account (its IAM policies)
     * full access (key-policy-default.html). */
    return nb_arena_printf(call->arena,
                           "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n"
                           "  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n"
                           "    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n"
                           "      \"AWS\" : \"arn:aws:iam::%s:root\"\n    },\n"
                           "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}",
                           call->account);
}

static int
policy_ok(nb_call *call, const char *policy)
{
    nb_value *v = NULL;
    if (nb_json_parse_value(call->arena, policy, strlen(policy), &v, NULL) || !v ||
        v->type != NB_V_MAP)
        return nb_fail(call, "MalformedPolicyDocumentException", "Policy is not valid JSON.");
    return NB_OK;
}

static const nb_tag_sql tag_sql = {
    .put = "INSERT OR REPLACE INTO kms_tags (account, region, key_id, key, value)"
           " VALUES (?, ?, ?, ?, ?)",
    .del = "DELETE FROM kms_tags WHERE account = ? AND region = ? AND key_id = ? AND key = ?",
    .list = "SELECT key, value FROM kms_tags WHERE account = ? AND region = ? AND key_id = ?"
            " AND key > ? ORDER BY key",
    .key = "TagKey",
    .value = "TagValue",
};

/* AWS: tag keys starting "aws:" are reserved (TagException). */
static int
put_tags(nb_call *call, const char *id, const nb_value *tags)
{
    for (const nb_value *t = nb_first(tags); t; t = t->next)
        if (strncmp(nb_get_str(t, "TagKey"), "aws:", 4) == 0)
            return nb_fail(call, "TagException", "Tags beginning with aws: are reserved");
    return nb_tags_put(call, &tag_sql, id, tags);
}

static int
insert_key(nb_call *call, const kms_key *k)
{
    nb_stmt *st = nb_sql(call, "INSERT INTO kms_keys (account, region, id, created, description,"
                               " usage, spec, policy, state, deletion, pending_days, rotation,"
                               " rotation_days, material) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                               " 'Enabled', 0, 0, 0, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, k->id);
    nb_bind_double(st, 4, k->created);
    nb_bind_text(st, 5, k->description);
    nb_bind_text(st, 6, k->usage);
    nb_bind_text(st, 7, k->spec);
    nb_bind_text(st, 8, k->policy);
    nb_bind_int(st, 9, k->rotation_days);
    nb_bind_blob(st, 10, k->material, k->material_len);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* What CreateKey asks for, checked: only symmetric encryption keys in
 * KMS's own key store, in one Region. */
static int
check_create(nb_call *call, const nb_value *in, const char **spec, const char **usage)
{
    /* CustomerMasterKeySpec is the deprecated name of KeySpec. */
    const char *s = nb_get_str(in, "KeySpec"), *cmk = nb_get_str(in, "CustomerMasterKeySpec");
    const char *origin = nb_get_str(in, "Origin");
    *spec = s ? s : cmk ? cmk : "SYMMETRIC_DEFAULT";
    *usage = nb_get_str(in, "KeyUsage");
    int symmetric = strcmp(*spec, "SYMMETRIC_DEFAULT") == 0;
    if (!symmetric && !kms_asym_spec_ok(*spec))
        return nb_fail(call, "UnsupportedOperationException",
                       "KeySpec %s is not supported: nimbus serves SYMMETRIC_DEFAULT, RSA and "
                       "ECC (NIST and secp256k1) keys only.",
                       *spec);
    if (!symmetric && !*usage)
        return nb_fail(call, "ValidationException",
                       "You must specify a KeyUsage value for all KMS keys except for symmetric "
                       "encryption keys.");
    if (!*usage)
        *usage = "ENCRYPT_DECRYPT";
    if (symmetric ? strcmp(*usage, "ENCRYPT_DECRYPT") != 0 : !kms_asym_usage_ok(*spec, *usage))
        return nb_fail(call, "ValidationException", "KeyUsage %s is not compatible with KeySpec %s",
                       *usage, *spec);
    if (origin && strcmp(origin, "AWS_KMS") != 0)
        return nb_fail(call, "UnsupportedOperationException",
                       "Origin %s is not supported: nimbus serves keys with origin AWS_KMS only.",
                       origin);
    if (nb_get_str(in, "CustomKeyStoreId"))
        return nb_fail(call, "CustomKeyStoreNotFoundException", NULL);
    if (nb_get_bool(in, "MultiRegion", 0))
        return nb_fail(call, "UnsupportedOperationException",
                       "Multi-Region keys are not supported by nimbus.");
    return NB_OK;
}

int
kms_create_key(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k = {0};
    int rc = check_create(call, in, &k.spec, &k.usage);
    if (rc)
        return rc;
    k.id = nb_call_uuid(call);
    k.arn = k.id ? kms_key_arn(call, k.id) : NULL;
    k.created = call->now;
    k.description = nb_get_str(in, "Description") ? nb_get_str(in, "Description") : "";
    k.policy = nb_get_str(in, "Policy") ? nb_get_str(in, "Policy") : default_policy(call);
    k.state = "Enabled";
    k.rotation_days = ROTATION_DEFAULT;
    if (!k.arn || !k.policy)
        return NB_ENOMEM;
    if (nb_get_str(in, "Policy") && (rc = policy_ok(call, k.policy)))
        return rc;
    if (strcmp(k.spec, "SYMMETRIC_DEFAULT") == 0) {
        unsigned char *m = nb_arena_alloc(call->arena, KMS_KEY_BYTES);
        if (!m)
            return NB_ENOMEM;
        if (RAND_bytes(m, KMS_KEY_BYTES) != 1)
            return NB_EINTERNAL;
        k.material = m;
        k.material_len = KMS_KEY_BYTES;
    } else if ((rc = kms_asym_generate(call, k.spec, &k.material, &k.material_len))) {
        return rc;
    }
    if ((rc = insert_key(call, &k)) || (rc = put_tags(call, k.id, nb_get(in, "Tags"))))
        return rc;
    return key_metadata(call, nb_set_struct(out, "KeyMetadata"), &k);
}

/* ---- DescribeKey, ListKeys ------------------------------------------- */

int
kms_describe_key(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), KMS_ALIASES, &k);
    return rc ? rc : key_metadata(call, nb_set_struct(out, "KeyMetadata"), &k);
}

int
kms_list_keys(nb_call *call, const nb_value *in, nb_value *out)
{
    int64_t limit = nb_get_int(in, "Limit", PAGE_DEFAULT), n = 0;
    const char *after = "", *last = "";
    if (nb_get_str(in, "Marker") && !(after = kms_marker_read(call, nb_get_str(in, "Marker"))))
        return NB_EAWS;
    nb_value *list = nb_set_list(out, "Keys");
    nb_stmt *st = nb_sql(call, "SELECT id FROM kms_keys WHERE account = ? AND region = ?"
                               " AND id > ? ORDER BY id");
    if (!list || !st)
        return list ? NB_EINTERNAL : NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, after);
    int rc, more = 0;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n++ == limit) {
            more = 1;
            break;
        }
        nb_value *e = nb_list_add_struct(list);
        last = dup(call, nb_col_text(st, 0));
        if (!e || !last || nb_set_str(e, "KeyId", last) ||
            nb_set_str(e, "KeyArn", kms_key_arn(call, last)))
            return NB_ENOMEM;
    }
    if (rc < 0)
        return rc;
    rc = more ? nb_set_str(out, "NextMarker", kms_marker_make(call, last)) : NB_OK;
    return rc ? rc : nb_set_bool(out, "Truncated", more);
}

/* ---- States ------------------------------------------------------------ */

static int
set_state(nb_call *call, const kms_key *k, const char *state, double deletion, int64_t days)
{
    nb_stmt *st = nb_sql(call, "UPDATE kms_keys SET state = ?, deletion = ?, pending_days = ?"
                               " WHERE account = ? AND region = ? AND id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, state);
    nb_bind_double(st, 2, deletion);
    nb_bind_int(st, 3, days);
    nb_bind_text(st, 4, call->account);
    nb_bind_text(st, 5, call->region);
    nb_bind_text(st, 6, k->id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
enable(nb_call *call, const nb_value *in, const char *state)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_not_pending(call, &k);
    return rc ? rc : set_state(call, &k, state, 0, 0);
}

int
kms_enable_key(nb_call *call, const nb_value *in, nb_value *out)
{
    return enable(call, in, "Enabled");
}

int
kms_disable_key(nb_call *call, const nb_value *in, nb_value *out)
{
    return enable(call, in, "Disabled");
}

int
kms_schedule_key_deletion(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int64_t days = nb_get_int(in, "PendingWindowInDays", PENDING_MAX);
    if (days < PENDING_MIN || days > PENDING_MAX)
        return nb_fail(call, "ValidationException",
                       "PendingWindowInDays should be between 7 and 30, but it is %lld",
                       (long long)days);
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_not_pending(call, &k);
    double when = call->now + (double)days * DAY;
    rc = rc ? rc : set_state(call, &k, "PendingDeletion", when, days);
    rc = rc ? rc : nb_set_str(out, "KeyId", k.arn);
    rc = rc ? rc : nb_set_time(out, "DeletionDate", when);
    rc = rc ? rc : nb_set_str(out, "KeyState", "PendingDeletion");
    return rc ? rc : nb_set_int(out, "PendingWindowInDays", days);
}

int
kms_cancel_key_deletion(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    if (rc)
        return rc;
    if (strcmp(k.state, "PendingDeletion") != 0)
        return nb_fail(call, "KMSInvalidStateException", "%s is not pending deletion.", k.arn);
    /* AWS: a key whose deletion is canceled is Disabled. */
    rc = set_state(call, &k, "Disabled", 0, 0);
    return rc ? rc : nb_set_str(out, "KeyId", k.arn);
}

/* ---- Key policy ------------------------------------------------------- */

static int
policy_name_ok(nb_call *call, const nb_value *in)
{
    const char *name = nb_get_str(in, "PolicyName");
    if (name && strcmp(name, "default") != 0)
        return nb_fail(call, "NotFoundException", "No such policy exists");
    return NB_OK;
}

int
kms_get_key_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : policy_name_ok(call, in);
    rc = rc ? rc : nb_set_str(out, "Policy", k.policy);
    return rc ? rc : nb_set_str(out, "PolicyName", "default");
}

int
kms_put_key_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    const char *policy = nb_get_str(in, "Policy");
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_not_pending(call, &k);
    rc = rc ? rc : policy_name_ok(call, in);
    rc = rc ? rc : policy_ok(call, policy);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "UPDATE kms_keys SET policy = ? WHERE account = ? AND region = ?"
                               " AND id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, policy);
    nb_bind_text(st, 2, call->account);
    nb_bind_text(st, 3, call->region);
    nb_bind_text(st, 4, k.id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
kms_list_key_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    nb_value *l = rc ? NULL : nb_set_list(out, "PolicyNames");
    rc = rc ? rc : l ? nb_list_add_str(l, "default") : NB_ENOMEM;
    return rc ? rc : nb_set_bool(out, "Truncated", 0);
}

/* ---- Tags ------------------------------------------------------------ */

int
kms_tag_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_not_pending(call, &k);
    return rc ? rc : put_tags(call, k.id, nb_get(in, "Tags"));
}

int
kms_untag_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_not_pending(call, &k);
    return rc ? rc : nb_tags_delete(call, &tag_sql, k.id, nb_get(in, "TagKeys"));
}

int
kms_list_resource_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int64_t limit = nb_get_int(in, "Limit", PAGE_DEFAULT);
    const char *after = "", *last = NULL;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    if (rc)
        return rc;
    if (nb_get_str(in, "Marker") && !(after = kms_marker_read(call, nb_get_str(in, "Marker"))))
        return NB_EAWS;
    nb_value *list = nb_set_list(out, "Tags");
    if (!list)
        return NB_ENOMEM;
    int more = 0;
    rc = nb_tags_list(call, &tag_sql, k.id, after, limit, list, &more, &last);
    if (rc)
        return rc;
    rc = more ? nb_set_str(out, "NextMarker", kms_marker_make(call, last ? last : "")) : NB_OK;
    return rc ? rc : nb_set_bool(out, "Truncated", more);
}

/* ---- Rotation ---------------------------------------------------------- */

static int
set_rotation(nb_call *call, const nb_value *in, int on)
{
    kms_key k;
    int64_t days = nb_get_int(in, "RotationPeriodInDays", ROTATION_DEFAULT);
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_usable(call, &k);
    if (rc)
        return rc;
    if (strcmp(k.spec, "SYMMETRIC_DEFAULT") != 0)
        /* AWS: automatic rotation is for symmetric encryption keys only
         * (rotate-keys.html). */
        return nb_fail(call, "UnsupportedOperationException",
                       "%s key spec is %s which is not valid for automatic key rotation.", k.arn,
                       k.spec);
    if (on && (days < ROTATION_MIN || days > ROTATION_MAX))
        return nb_fail(call, "ValidationException",
                       "1 validation error detected: Value '%lld' at 'rotationPeriodInDays' "
                       "failed to satisfy constraint: Member must have value %s",
                       (long long)days,
                       days < ROTATION_MIN ? "greater than or equal to 90"
                                           : "less than or equal to 2560");
    nb_stmt *st = nb_sql(call, "UPDATE kms_keys SET rotation = ?, rotation_days = ?"
                               " WHERE account = ? AND region = ? AND id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_int(st, 1, on);
    nb_bind_int(st, 2, on ? days : k.rotation_days);
    nb_bind_text(st, 3, call->account);
    nb_bind_text(st, 4, call->region);
    nb_bind_text(st, 5, k.id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
kms_enable_key_rotation(nb_call *call, const nb_value *in, nb_value *out)
{
    return set_rotation(call, in, 1);
}

int
kms_disable_key_rotation(nb_call *call, const nb_value *in, nb_value *out)
{
    return set_rotation(call, in, 0);
}

int
kms_get_key_rotation_status(nb_call *call, const nb_value *in, nb_value *out)
{
    kms_key k;
    int rc = kms_key_find(call, nb_get_str(in, "KeyId"), 0, &k);
    rc = rc ? rc : kms_key_not_pending(call, &k);
    rc = rc ? rc : nb_set_bool(out, "KeyRotationEnabled", k.rotation);
    rc = rc ? rc : nb_set_str(out, "KeyId", k.id);
    if (!rc && k.rotation) {
        rc = nb_set_int(out, "RotationPeriodInDays", k.rotation_days);
        /* Rotation is never performed here; the date is when it would be. */
        rc = rc ? rc
                : nb_set_time(out, "NextRotationDate", k.created + (double)k.rotation_days * DAY);
    }
    return rc;
}
