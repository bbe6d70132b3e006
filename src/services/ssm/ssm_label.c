/*
 * ssm_label.c: labels on parameter versions and tags on parameters.
 *
 * AWS: https://docs.aws.amazon.com/systems-manager/latest/APIReference/
 * API_LabelParameterVersion.html, API_UnlabelParameterVersion.html,
 * API_AddTagsToResource.html; label rules from
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/
 * sysman-paramstore-labels.html: at most 100 characters, letters, digits,
 * '.', '-', '_'; not starting with a digit, "aws" or "ssm"; at most 10
 * labels on one version; a label names one version and moves when given
 * to another. Invalid labels are returned, not raised.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ssm_int.h"
#include "store/store.h"

#define LABELS_PER_VERSION 10
#define TAGS_PER_RESOURCE 50

static int
label_valid(const char *l)
{
    if (strlen(l) > 100 || isdigit((unsigned char)l[0]) || strncasecmp(l, "aws", 3) == 0 ||
        strncasecmp(l, "ssm", 3) == 0)
        return 0;
    for (const char *p = l; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
            return 0;
    return 1;
}

int
ssm_has_label(nb_call *call, const char *name, const nb_value *labels)
{
    for (const nb_value *l = nb_first(labels); l; l = l->next) {
        nb_stmt *st = nb_sql(call, "SELECT 1 FROM ssm_labels WHERE account = ? AND region = ?"
                                   " AND name = ? AND label = ?");
        if (!st)
            return 0;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, name);
        nb_bind_text(st, 4, l->u.s.p);
        if (nb_step(st) == NB_ROW)
            return 1;
    }
    return 0;
}

int
ssm_has_tag(nb_call *call, const char *name, const char *key, const nb_value *values)
{
    nb_stmt *st = nb_sql(call, "SELECT value FROM ssm_tags WHERE account = ? AND region = ?"
                               " AND name = ? AND key = ?");
    if (!st)
        return 0;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_text(st, 4, key);
    if (nb_step(st) != NB_ROW)
        return 0;
    if (!nb_first(values))
        return 1;
    const char *v = nb_col_text(st, 0);
    for (const nb_value *x = nb_first(values); x; x = x->next)
        if (strcmp(x->u.s.p, v) == 0)
            return 1;
    return 0;
}

/* The version a label request names: the given one or the latest. */
static int
target_version(nb_call *call, const nb_value *in, const char *name, int64_t *version)
{
    int64_t latest = ssm_latest(call, name);
    if (!latest)
        return nb_fail(call, "ParameterNotFound", NULL);
    *version = nb_get_int(in, "ParameterVersion", latest);
    ssm_ver v;
    int rc = ssm_load(call, name, *version, &v);
    if (rc == NB_ENOTFOUND)
        return nb_fail(call, "ParameterVersionNotFound",
                       "Systems Manager could not find version %lld of %s. Verify the version "
                       "and try again.",
                       (long long)*version, name);
    return rc;
}

static int64_t
label_count(nb_call *call, const char *name, int64_t version)
{
    nb_stmt *st = nb_sql(call, "SELECT COUNT(*) FROM ssm_labels WHERE account = ? AND"
                               " region = ? AND name = ? AND version = ?");
    if (!st)
        return 0;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, version);
    return nb_step(st) == NB_ROW ? nb_col_int(st, 0) : 0;
}

int
ssm_label_parameter_version(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = ssm_name_of(call, nb_get_str(in, "Name"));
    int64_t version;
    int rc = target_version(call, in, name, &version);
    if (rc)
        return rc;
    nb_value *invalid = nb_set_list(out, "InvalidLabels");
    if (!invalid)
        return NB_ENOMEM;
    for (const nb_value *l = nb_first(nb_get(in, "Labels")); l; l = l->next) {
        if (!label_valid(l->u.s.p)) {
            if (nb_list_add_str(invalid, l->u.s.p))
                return NB_ENOMEM;
            continue;
        }
        nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO ssm_labels (account, region, name,"
                                   " label, version) VALUES (?, ?, ?, ?, ?)");
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, name);
        nb_bind_text(st, 4, l->u.s.p);
        nb_bind_int(st, 5, version);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    if (label_count(call, name, version) > LABELS_PER_VERSION)
        return nb_fail(call, "ParameterVersionLabelLimitExceeded",
                       "An error occurred when trying to label the version: A parameter version "
                       "can have maximum 10 labels.Move one or more labels to another version "
                       "and try again.");
    return nb_set_int(out, "ParameterVersion", version);
}

int
ssm_unlabel_parameter_version(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = ssm_name_of(call, nb_get_str(in, "Name"));
    int64_t version;
    int rc = target_version(call, in, name, &version);
    if (rc)
        return rc;
    nb_value *removed = nb_set_list(out, "RemovedLabels");
    nb_value *invalid = nb_set_list(out, "InvalidLabels");
    if (!removed || !invalid)
        return NB_ENOMEM;
    for (const nb_value *l = nb_first(nb_get(in, "Labels")); l; l = l->next) {
        nb_stmt *st = nb_sql(call, "DELETE FROM ssm_labels WHERE account = ? AND region = ?"
                                   " AND name = ? AND label = ? AND version = ?");
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, name);
        nb_bind_text(st, 4, l->u.s.p);
        nb_bind_int(st, 5, version);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
        rc = nb_list_add_str(nb_store_changes() ? removed : invalid, l->u.s.p);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* ---- Tags ------------------------------------------------------------ */

/* Only parameters are served; the resource must exist. AWS answers
 * InvalidResourceId for a parameter that does not. */
static int
tag_target(nb_call *call, const nb_value *in, const char **name)
{
    if (strcmp(nb_get_str(in, "ResourceType"), "Parameter") != 0)
        return nb_fail(call, "InvalidResourceType", NULL);
    *name = ssm_name_of(call, nb_get_str(in, "ResourceId"));
    if (!ssm_latest(call, *name))
        return nb_fail(call, "InvalidResourceId", NULL);
    return NB_OK;
}

int
ssm_add_tags_to_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name;
    int rc = tag_target(call, in, &name);
    rc = rc ? rc : nb_tags_put(call, &ssm_tag_sql, name, nb_get(in, "Tags"));
    if (!rc && nb_tags_count(call, &ssm_tag_sql, name) > TAGS_PER_RESOURCE)
        return nb_fail(call, "TooManyTagsError",
                       "The Parameter %s has too many tags. A resource can have at most 50 tags.",
                       name);
    return rc;
}

int
ssm_list_tags_for_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name;
    int rc = tag_target(call, in, &name);
    if (rc)
        return rc;
    nb_value *list = nb_set_list(out, "TagList");
    if (!list)
        return NB_ENOMEM;
    return nb_tags_list(call, &ssm_tag_sql, name, NULL, 0, list, NULL, NULL);
}

int
ssm_remove_tags_from_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name;
    int rc = tag_target(call, in, &name);
    return rc ? rc : nb_tags_delete(call, &ssm_tag_sql, name, nb_get(in, "TagKeys"));
}
