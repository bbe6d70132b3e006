/*
 * ssm_param.c: Parameter Store parameters: writing versions, reading them
 * by name, version or label, deleting, and the history.
 *
 * AWS: https://docs.aws.amazon.com/systems-manager/latest/APIReference/
 * (API_PutParameter.html, API_GetParameter.html, API_GetParameters.html,
 * API_DeleteParameter.html, API_GetParameterHistory.html) and
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/
 * sysman-paramstore-su-create.html (name rules). GetParameter and
 * DeleteParameter answer ParameterNotFound without a message.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/creds.h"
#include "core/value.h"
#include "ssm_int.h"
#include "store/store.h"

/* AWS: a hierarchy has at most 15 levels. */
#define MAX_LEVELS 15
/* AWS: a parameter keeps at most 100 versions. */
#define MAX_VERSIONS 100
/* AWS: standard parameters hold 4 KB, advanced 8 KB. */
#define STANDARD_MAX 4096

static const char *
dup(nb_call *call, const char *s)
{
    return nb_arena_strdup(call->arena, s ? s : "");
}

const char *
ssm_name_of(nb_call *call, const char *name)
{
    const char *p = strncmp(name, "arn:", 4) == 0 ? strstr(name, ":parameter/") : NULL;
    if (!p)
        return name;
    p += 11; /* "a/b" is "/a/b"; "name" stays "name" */
    return strchr(p, '/') ? nb_arena_printf(call->arena, "/%s", p) : p;
}

const char *
ssm_arn(nb_call *call, const char *name)
{
    return nb_arena_printf(call->arena, "arn:aws:ssm:%s:%s:parameter%s%s", call->region,
                           call->account, name[0] == '/' ? "" : "/", name);
}

int64_t
ssm_latest(nb_call *call, const char *name)
{
    nb_stmt *st = nb_sql(call, "SELECT version FROM ssm_params WHERE account = ? AND region = ?"
                               " AND name = ?");
    if (!st)
        return 0;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    return nb_step(st) == NB_ROW ? nb_col_int(st, 0) : 0;
}

int
ssm_load(nb_call *call, const char *name, int64_t version, ssm_ver *v)
{
    if (version == 0 && (version = ssm_latest(call, name)) == 0)
        return NB_ENOTFOUND;
    nb_stmt *st = nb_sql(call, "SELECT type, value, description, key_id, allowed_pattern, tier,"
                               " data_type, policies, modified, user FROM ssm_versions"
                               " WHERE account = ? AND region = ? AND name = ? AND version = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, version);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : rc;
    v->name = dup(call, name);
    v->version = version;
    v->type = dup(call, nb_col_text(st, 0));
    v->value = dup(call, nb_col_text(st, 1));
    v->description = dup(call, nb_col_text(st, 2));
    v->key_id = dup(call, nb_col_text(st, 3));
    v->allowed_pattern = dup(call, nb_col_text(st, 4));
    v->tier = dup(call, nb_col_text(st, 5));
    v->data_type = dup(call, nb_col_text(st, 6));
    v->policies = dup(call, nb_col_text(st, 7));
    v->modified = nb_col_double(st, 8);
    v->user = dup(call, nb_col_text(st, 9));
    return v->name && v->user ? NB_OK : NB_ENOMEM;
}

/* SecureString values without WithDecryption: AWS shows the KMS
 * ciphertext (base64); nimbus shows base64 of a marked copy, so that the
 * plain value never appears. */
const char *
ssm_shown_value(nb_call *call, const ssm_ver *v, int decrypt)
{
    if (decrypt || strcmp(v->type, "SecureString") != 0)
        return v->value;
    const char *raw = nb_arena_printf(call->arena, "kms:%s:%s", v->key_id, v->value);
    if (!raw)
        return NULL;
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len(strlen(raw)) + 1);
    if (b)
        nb_b64_encode(b, raw, strlen(raw));
    return b;
}

int
ssm_parameter_out(nb_call *call, nb_value *p, const ssm_ver *v, const char *selector, int decrypt)
{
    const char *value = ssm_shown_value(call, v, decrypt);
    if (!p || !value)
        return NB_ENOMEM;
    int rc = nb_set_str(p, "Name", v->name);
    rc = rc ? rc : nb_set_str(p, "Type", v->type);
    rc = rc ? rc : nb_set_str(p, "Value", value);
    rc = rc ? rc : nb_set_int(p, "Version", v->version);
    if (!rc && selector)
        rc = nb_set_str(p, "Selector", selector);
    rc = rc ? rc : nb_set_time(p, "LastModifiedDate", v->modified);
    rc = rc ? rc : nb_set_str(p, "ARN", ssm_arn(call, v->name));
    return rc ? rc : nb_set_str(p, "DataType", v->data_type);
}

/* Policies as ParameterInlinePolicy items: the text as given, its "Type"
 * and the status AWS gives a policy not yet evaluated. */
static int
policies_out(nb_call *call, nb_value *p, const ssm_ver *v)
{
    nb_value *l = nb_set_list(p, "Policies");
    if (!l)
        return NB_ENOMEM;
    if (!v->policies[0])
        return NB_OK;
    nb_value *it = nb_list_add_struct(l);
    const char *type = "";
    for (const char *t = v->policies; (t = strstr(t, "\"Type\"")) != NULL; t += 6) {
        const char *q = strchr(t + 6, '"');
        const char *e = q ? strchr(q + 1, '"') : NULL;
        if (e) {
            type = nb_arena_strndup(call->arena, q + 1, (size_t)(e - q - 1));
            break;
        }
    }
    if (!it || !type)
        return NB_ENOMEM;
    int rc = nb_set_str(it, "PolicyText", v->policies);
    rc = rc ? rc : nb_set_str(it, "PolicyType", type);
    return rc ? rc : nb_set_str(it, "PolicyStatus", "Pending");
}

int
ssm_metadata_out(nb_call *call, nb_value *p, const ssm_ver *v)
{
    if (!p)
        return NB_ENOMEM;
    int rc = nb_set_str(p, "Name", v->name);
    rc = rc ? rc : nb_set_str(p, "ARN", ssm_arn(call, v->name));
    rc = rc ? rc : nb_set_str(p, "Type", v->type);
    if (!rc && v->key_id[0])
        rc = nb_set_str(p, "KeyId", v->key_id);
    rc = rc ? rc : nb_set_time(p, "LastModifiedDate", v->modified);
    rc = rc ? rc : nb_set_str(p, "LastModifiedUser", v->user);
    if (!rc && v->description[0])
        rc = nb_set_str(p, "Description", v->description);
    if (!rc && v->allowed_pattern[0])
        rc = nb_set_str(p, "AllowedPattern", v->allowed_pattern);
    rc = rc ? rc : nb_set_int(p, "Version", v->version);
    rc = rc ? rc : nb_set_str(p, "Tier", v->tier);
    rc = rc ? rc : policies_out(call, p, v);
    return rc ? rc : nb_set_str(p, "DataType", v->data_type);
}

const char *
ssm_token_make(nb_call *call, const char *last)
{
    size_t n = strlen(last);
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len(n) + 1);
    if (b)
        nb_b64_encode(b, last, n);
    return b;
}

const char *
ssm_token_read(nb_call *call, const char *token)
{
    size_t n = strlen(token), len;
    char *d = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    if (!d || nb_b64_decode(d, &len, token, n, NULL) != NB_B64_OK)
        return NULL;
    d[len] = '\0';
    return d;
}

/* ---- PutParameter ---------------------------------------------------- */

static int
reserved(const char *name)
{
    const char *p = name[0] == '/' ? name + 1 : name;
    return strncasecmp(p, "aws", 3) == 0 || strncasecmp(p, "ssm", 3) == 0;
}

/* AWS: names are letters, digits and . - _ with / between levels; not
 * prefixed "aws" or "ssm"; a name with / is fully qualified (starts with
 * /); at most 15 levels. */
static int
check_name(nb_call *call, const char *name)
{
    int levels = 0;
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("._-/", *p))
            goto bad;
        levels += *p == '/';
    }
    if (reserved(name))
        goto bad;
    if (strchr(name, '/') && name[0] != '/')
        return nb_fail(call, "ValidationException",
                       "Parameter name must be a fully qualified name.");
    if (levels > MAX_LEVELS)
        return nb_fail(call, "HierarchyLevelLimitExceededException",
                       "A hierarchy can have a maximum of 15 levels. For more information, see "
                       "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                       "sysman-paramstore-su-create.html#sysman-parameter-name-constraints");
    return NB_OK;
bad:
    return nb_fail(call, "ValidationException",
                   "Parameter name: can't be prefixed with \"aws\" or \"ssm\" "
                   "(case-insensitive). If formed as a path, it can consist of sub-paths "
                   "divided by slash symbol; each sub-path can be formed as a mix of letters, "
                   "numbers and the following 3 symbols .-_");
}

/* AllowedPattern is a Java regular expression; POSIX ERE reads the
 * common ones once \d, \w and \s are spelled out. */
static int
pattern_matches(nb_call *call, const char *pattern, const char *value, int *ok)
{
    char *ere = nb_arena_alloc(call->arena, strlen(pattern) * 12 + 1);
    size_t n = 0;
    if (!ere)
        return NB_ENOMEM;
    for (const char *p = pattern; *p; p++) {
        const char *rep = NULL;
        if (p[0] == '\\' && p[1] == 'd')
            rep = "[0-9]";
        else if (p[0] == '\\' && p[1] == 'w')
            rep = "[A-Za-z0-9_]";
        else if (p[0] == '\\' && p[1] == 's')
            rep = "[[:space:]]";
        if (rep) {
            memcpy(ere + n, rep, strlen(rep));
            n += strlen(rep);
            p++;
        } else {
            ere[n++] = *p;
        }
    }
    ere[n] = '\0';
    regex_t re;
    if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB)) {
        *ok = -1;
        return NB_OK;
    }
    *ok = regexec(&re, value, 0, NULL, 0) == 0;
    regfree(&re);
    return NB_OK;
}

static const char *
caller_arn(nb_call *call)
{
    nb_cred c;
    if (call->access_key[0] && nb_creds_get(call, call->access_key, &c) == NB_OK && c.arn)
        return c.arn;
    return nb_arena_printf(call->arena, "arn:aws:iam::%s:root", call->account);
}

static int
insert_version(nb_call *call, const ssm_ver *v)
{
    nb_stmt *st = nb_sql(call, "INSERT INTO ssm_versions (account, region, name, version, type,"
                               " value, description, key_id, allowed_pattern, tier, data_type,"
                               " policies, modified, user)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, v->name);
    nb_bind_int(st, 4, v->version);
    nb_bind_text(st, 5, v->type);
    nb_bind_text(st, 6, v->value);
    nb_bind_text(st, 7, v->description);
    nb_bind_text(st, 8, v->key_id);
    nb_bind_text(st, 9, v->allowed_pattern);
    nb_bind_text(st, 10, v->tier);
    nb_bind_text(st, 11, v->data_type);
    nb_bind_text(st, 12, v->policies);
    nb_bind_double(st, 13, v->modified);
    nb_bind_text(st, 14, v->user);
    int rc = nb_step(st);
    if (rc != NB_DONE)
        return rc < 0 ? rc : NB_EINTERNAL;
    st = nb_sql(call, "INSERT OR REPLACE INTO ssm_params (account, region, name, version)"
                      " VALUES (?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, v->name);
    nb_bind_int(st, 4, v->version);
    rc = nb_step(st);
    return rc == NB_DONE ? NB_OK : rc < 0 ? rc : NB_EINTERNAL;
}

/* AWS: at 100 versions the oldest is dropped, unless it has a label. */
static int
make_room(nb_call *call, const char *name)
{
    nb_stmt *st = nb_sql(call, "SELECT COUNT(*), MIN(version) FROM ssm_versions"
                               " WHERE account = ? AND region = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    if (nb_step(st) != NB_ROW || nb_col_int(st, 0) < MAX_VERSIONS)
        return NB_OK;
    int64_t oldest = nb_col_int(st, 1);
    st = nb_sql(call, "SELECT 1 FROM ssm_labels WHERE account = ? AND region = ? AND name = ?"
                      " AND version = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, oldest);
    if (nb_step(st) == NB_ROW)
        return nb_fail(call, "ParameterMaxVersionLimitExceeded",
                       "You attempted to create a new version of %s by calling the PutParameter "
                       "API with the overwrite flag. Version %lld, the oldest version, can't be "
                       "deleted because it has a label associated with it. Move the label to "
                       "another version of the parameter, and try again.",
                       name, (long long)oldest);
    st = nb_sql(call, "DELETE FROM ssm_versions WHERE account = ? AND region = ? AND name = ?"
                      " AND version = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, oldest);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

const nb_tag_sql ssm_tag_sql = {
    .put = "INSERT OR REPLACE INTO ssm_tags (account, region, name, key, value)"
           " VALUES (?, ?, ?, ?, ?)",
    .del = "DELETE FROM ssm_tags WHERE account = ? AND region = ? AND name = ? AND key = ?",
    .list = "SELECT key, value FROM ssm_tags WHERE account = ? AND region = ? AND name = ?"
            " ORDER BY key",
    .count = "SELECT COUNT(*) FROM ssm_tags WHERE account = ? AND region = ? AND name = ?",
    .key = "Key",
    .value = "Value",
};

/* The tier a new version gets. AWS: Intelligent-Tiering picks Standard
 * when the value and policies allow it; an advanced parameter cannot go
 * back to Standard. */
static int
pick_tier(nb_call *call, const nb_value *in, const ssm_ver *old, ssm_ver *v)
{
    const char *tier = nb_get_str(in, "Tier");
    size_t len = strlen(v->value);
    if (!tier)
        tier = old ? old->tier : "Standard";
    if (strcmp(tier, "Intelligent-Tiering") == 0)
        tier = len > STANDARD_MAX || v->policies[0] || (old && strcmp(old->tier, "Advanced") == 0)
                   ? "Advanced"
                   : "Standard";
    if (old && strcmp(old->tier, "Advanced") == 0 && strcmp(tier, "Standard") == 0)
        return nb_fail(call, "ValidationException",
                       "This parameter uses the advanced-parameter tier. You can't downgrade a "
                       "parameter from the advanced-parameter tier to the standard-parameter "
                       "tier. If necessary, you can delete the advanced parameter and recreate it "
                       "as a standard parameter.");
    if (strcmp(tier, "Standard") == 0 && len > STANDARD_MAX)
        return nb_fail(call, "ValidationException",
                       "Standard tier parameters support a maximum parameter value of 4096 "
                       "characters. To create a larger parameter value, upgrade the parameter to "
                       "use the advanced-parameter tier. For more information, see "
                       "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                       "parameter-store-advanced-parameters.html");
    v->tier = tier;
    return NB_OK;
}

static const char *
kept(const nb_value *in, const char *member, const char *old, const char *dflt)
{
    const char *s = nb_get_str(in, member);
    return s ? s : old ? old : dflt;
}

int
ssm_put_parameter(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = ssm_name_of(call, nb_get_str(in, "Name"));
    ssm_ver old, v = {0};
    int rc = check_name(call, name);
    if (rc)
        return rc;
    int overwrite = nb_get_bool(in, "Overwrite", 0);
    if (overwrite && nb_get_len(in, "Tags"))
        return nb_fail(call, "ValidationException",
                       "Invalid request: tags and overwrite can't be used together. To create a "
                       "parameter with tags, please remove overwrite flag. To update tags for an "
                       "existing parameter, please use AddTagsToResource or "
                       "RemoveTagsFromResource.");
    rc = ssm_load(call, name, 0, &old);
    if (rc && rc != NB_ENOTFOUND)
        return rc;
    ssm_ver *prev = rc == NB_OK ? &old : NULL;
    if (prev && !overwrite)
        return nb_fail(call, "ParameterAlreadyExists",
                       "The parameter already exists. To overwrite this value, set the overwrite "
                       "option in the request to true.");
    v.name = name;
    v.version = prev ? prev->version + 1 : 1;
    v.type = kept(in, "Type", prev ? prev->type : NULL, NULL);
    if (!v.type)
        return nb_fail(call, "ValidationException",
                       "A parameter type is required when you create a parameter.");
    v.value = nb_get_str(in, "Value");
    v.description = kept(in, "Description", prev ? prev->description : NULL, "");
    v.key_id = "";
    if (strcmp(v.type, "SecureString") == 0)
        v.key_id =
            kept(in, "KeyId", prev && prev->key_id[0] ? prev->key_id : NULL, "alias/aws/ssm");
    v.allowed_pattern = kept(in, "AllowedPattern", prev ? prev->allowed_pattern : NULL, "");
    v.data_type = kept(in, "DataType", prev ? prev->data_type : NULL, "text");
    v.policies = kept(in, "Policies", prev ? prev->policies : NULL, "");
    v.modified = call->now;
    v.user = caller_arn(call);
    if ((rc = pick_tier(call, in, prev, &v)))
        return rc;
    if (v.allowed_pattern[0]) {
        int ok = 0;
        if ((rc = pattern_matches(call, v.allowed_pattern, v.value, &ok)))
            return rc;
        if (ok < 0)
            return nb_fail(call, "InvalidAllowedPatternException",
                           "The allowed pattern is not a valid regular expression.");
        if (!ok)
            return nb_fail(call, "ParameterPatternMismatchException",
                           "Parameter value, cannot be validated against allowedPattern: %s",
                           v.allowed_pattern);
    }
    if (prev && (rc = make_room(call, name)))
        return rc;
    if ((rc = insert_version(call, &v)) ||
        (rc = nb_tags_put(call, &ssm_tag_sql, name, nb_get(in, "Tags"))))
        return rc;
    rc = nb_set_int(out, "Version", v.version);
    return rc ? rc : nb_set_str(out, "Tier", v.tier);
}

/* ---- GetParameter(s) ------------------------------------------------- */

/* name[:selector], the selector a version number or a label. Resolves to
 * a version; *sel is ":<selector>" or NULL. NB_ENOTFOUND when the
 * parameter, version or label does not exist (*which says: 0 name,
 * 1 version, 2 label). */
static int
resolve(nb_call *call, const char *raw, ssm_ver *v, const char **sel, int *which)
{
    const char *full = ssm_name_of(call, raw);
    const char *colon = strrchr(full, ':');
    const char *name = colon ? nb_arena_strndup(call->arena, full, (size_t)(colon - full)) : full;
    int64_t version = 0;
    *sel = colon;
    *which = 0;
    if (!name)
        return NB_ENOMEM;
    if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        version = strtoll(colon + 1, NULL, 10);
        *which = 1;
    } else if (colon) {
        nb_stmt *st = nb_sql(call, "SELECT version FROM ssm_labels WHERE account = ? AND"
                                   " region = ? AND name = ? AND label = ?");
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, name);
        nb_bind_text(st, 4, colon + 1);
        if (nb_step(st) != NB_ROW) {
            *which = ssm_latest(call, name) ? 2 : 0;
            v->name = name;
            return NB_ENOTFOUND;
        }
        version = nb_col_int(st, 0);
    }
    int rc = ssm_load(call, name, version, v);
    if (rc == NB_ENOTFOUND && *which == 1 && !ssm_latest(call, name))
        *which = 0;
    if (rc == NB_ENOTFOUND && version == 0)
        *which = 0;
    v->name = name;
    v->version = version ? version : v->version;
    return rc;
}

int
ssm_get_parameter(nb_call *call, const nb_value *in, nb_value *out)
{
    ssm_ver v;
    const char *sel;
    int which;
    int rc = resolve(call, nb_get_str(in, "Name"), &v, &sel, &which);
    if (rc == NB_ENOTFOUND && which == 1)
        return nb_fail(call, "ParameterVersionNotFound",
                       "Systems Manager could not find version %lld of %s. Verify the version "
                       "and try again.",
                       (long long)v.version, v.name);
    if (rc == NB_ENOTFOUND)
        return nb_fail(call, "ParameterNotFound", NULL);
    if (rc)
        return rc;
    return ssm_parameter_out(call, nb_set_struct(out, "Parameter"), &v, sel,
                             nb_get_bool(in, "WithDecryption", 0));
}

int
ssm_get_parameters(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_value *found = nb_set_list(out, "Parameters");
    nb_value *invalid = nb_set_list(out, "InvalidParameters");
    int decrypt = nb_get_bool(in, "WithDecryption", 0);
    if (!found || !invalid)
        return NB_ENOMEM;
    for (const nb_value *n = nb_first(nb_get(in, "Names")); n; n = n->next) {
        int seen = 0;
        for (const nb_value *m = nb_first(nb_get(in, "Names")); m != n; m = m->next)
            seen |= strcmp(m->u.s.p, n->u.s.p) == 0;
        if (seen)
            continue;
        ssm_ver v;
        const char *sel;
        int which;
        int rc = resolve(call, n->u.s.p, &v, &sel, &which);
        if (rc == NB_ENOTFOUND)
            rc = nb_list_add_str(invalid, n->u.s.p);
        else if (!rc)
            rc = ssm_parameter_out(call, nb_list_add_struct(found), &v, sel, decrypt);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* ---- DeleteParameter(s) ---------------------------------------------- */

static int
delete_one(nb_call *call, const char *name)
{
    static const char *const sql[] = {
        "DELETE FROM ssm_params WHERE account = ? AND region = ? AND name = ?",
        "DELETE FROM ssm_versions WHERE account = ? AND region = ? AND name = ?",
        "DELETE FROM ssm_labels WHERE account = ? AND region = ? AND name = ?",
        "DELETE FROM ssm_tags WHERE account = ? AND region = ? AND name = ?",
    };
    if (!ssm_latest(call, name))
        return NB_ENOTFOUND;
    for (size_t i = 0; i < NB_ARRAY_LEN(sql); i++) {
        nb_stmt *st = nb_sql(call, sql[i]);
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, name);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    return NB_OK;
}

int
ssm_delete_parameter(nb_call *call, const nb_value *in, nb_value *out)
{
    int rc = delete_one(call, ssm_name_of(call, nb_get_str(in, "Name")));
    return rc == NB_ENOTFOUND ? nb_fail(call, "ParameterNotFound", NULL) : rc;
}

int
ssm_delete_parameters(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_value *deleted = nb_set_list(out, "DeletedParameters");
    nb_value *invalid = nb_set_list(out, "InvalidParameters");
    if (!deleted || !invalid)
        return NB_ENOMEM;
    for (const nb_value *n = nb_first(nb_get(in, "Names")); n; n = n->next) {
        int rc = delete_one(call, ssm_name_of(call, n->u.s.p));
        if (rc == NB_ENOTFOUND)
            rc = nb_list_add_str(invalid, n->u.s.p);
        else if (!rc)
            rc = nb_list_add_str(deleted, n->u.s.p);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* ---- GetParameterHistory --------------------------------------------- */

static int
labels_of(nb_call *call, const char *name, int64_t version, nb_value *list)
{
    nb_stmt *st = nb_sql(call, "SELECT label FROM ssm_labels WHERE account = ? AND region = ?"
                               " AND name = ? AND version = ? ORDER BY label");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, version);
    int rc;
    while ((rc = nb_step(st)) == NB_ROW)
        if (nb_list_add_str(list, nb_col_text(st, 0)))
            return NB_ENOMEM;
    return rc == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
history_item(nb_call *call, nb_value *h, const ssm_ver *v, int decrypt)
{
    int rc = ssm_metadata_out(call, h, v);
    if (rc)
        return rc;
    const char *value = ssm_shown_value(call, v, decrypt);
    nb_value *labels = nb_set_list(h, "Labels");
    if (!value || !labels)
        return NB_ENOMEM;
    rc = nb_set_str(h, "Value", value);
    return rc ? rc : labels_of(call, v->name, v->version, labels);
}

int
ssm_get_parameter_history(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = ssm_name_of(call, nb_get_str(in, "Name"));
    int64_t max = nb_get_int(in, "MaxResults", 50), after = 0, n = 0, last = 0;
    int decrypt = nb_get_bool(in, "WithDecryption", 0);
    if (!ssm_latest(call, name))
        return nb_fail(call, "ParameterNotFound", NULL);
    if (nb_get_str(in, "NextToken")) {
        const char *t = ssm_token_read(call, nb_get_str(in, "NextToken"));
        if (!t)
            return nb_fail(call, "InvalidNextToken", "The specified token isn't valid.");
        after = strtoll(t, NULL, 10);
    }
    nb_stmt *st = nb_sql(call, "SELECT version FROM ssm_versions WHERE account = ? AND"
                               " region = ? AND name = ? AND version > ? ORDER BY version");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, after);
    int64_t versions[MAX_VERSIONS + 1];
    int nv = 0, more = 0;
    while (nb_step(st) == NB_ROW) {
        if (nv == max) {
            more = 1;
            break;
        }
        versions[nv++] = nb_col_int(st, 0);
    }
    nb_value *list = nb_set_list(out, "Parameters");
    if (!list)
        return NB_ENOMEM;
    for (; n < nv; n++) {
        ssm_ver v;
        int rc = ssm_load(call, name, versions[n], &v);
        rc = rc ? rc : history_item(call, nb_list_add_struct(list), &v, decrypt);
        if (rc)
            return rc;
        last = versions[n];
    }
    if (more) {
        char buf[24];
        snprintf(buf, sizeof(buf), "%lld", (long long)last);
        return nb_set_str(out, "NextToken", ssm_token_make(call, buf));
    }
    return NB_OK;
}
