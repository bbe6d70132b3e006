/*
 * ssm_list.c: listing parameters: GetParametersByPath (a level or a
 * subtree of the hierarchy) and DescribeParameters (metadata, with
 * filters), both paginated by name.
 *
 * AWS: https://docs.aws.amazon.com/systems-manager/latest/APIReference/
 * API_GetParametersByPath.html, API_DescribeParameters.html and
 * API_ParameterStringFilter.html (keys Name, Path, Type, KeyId, Label,
 * Tier, DataType, tag:<key>; options Equals, BeginsWith, Contains for
 * names, OneLevel and Recursive for paths).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ssm_int.h"
#include "store/store.h"

/* GetParametersByPath pages hold 10 at most; DescribeParameters 50. */
#define PATH_PAGE 10
#define DESCRIBE_PAGE 50

static int
in_values(const nb_value *values, const char *s)
{
    for (const nb_value *v = nb_first(values); v; v = v->next)
        if (v->type == NB_V_STR && strcmp(v->u.s.p, s) == 0)
            return 1;
    return 0;
}

/* name is under path: one level down, or anywhere below (recursive). */
static int
under(const char *name, const char *path, int recursive)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 1 && path[0] == '/')
        n = 0;
    if (strncmp(name, path, n) != 0 || name[n] != '/')
        return 0;
    return recursive || strchr(name + n + 1, '/') == NULL;
}

static int
name_matches(const char *name, const char *option, const nb_value *values)
{
    for (const nb_value *v = nb_first(values); v; v = v->next) {
        const char *x = v->u.s.p;
        if (!option || strcmp(option, "Equals") == 0) {
            if (strcmp(name, x) == 0 || (x[0] != '/' && name[0] == '/' && !strcmp(name + 1, x)))
                return 1;
        } else if (strcmp(option, "BeginsWith") == 0) {
            if (strncmp(name, x, strlen(x)) == 0 ||
                (x[0] != '/' && name[0] == '/' && !strncmp(name + 1, x, strlen(x))))
                return 1;
        } else if (strcmp(option, "Contains") == 0 && strstr(name, x)) {
            return 1;
        }
    }
    return 0;
}

static int
path_matches(const char *name, const char *option, const nb_value *values)
{
    int recursive = option && strcmp(option, "Recursive") == 0;
    for (const nb_value *v = nb_first(values); v; v = v->next)
        if (under(name, v->u.s.p, recursive))
            return 1;
    return 0;
}

/* One ParameterStringFilter against a version. */
static int
filter_matches(nb_call *call, const ssm_ver *v, const nb_value *f)
{
    const char *key = nb_get_str(f, "Key"), *opt = nb_get_str(f, "Option");
    const nb_value *values = nb_get(f, "Values");
    if (strcmp(key, "Name") == 0)
        return name_matches(v->name, opt, values);
    if (strcmp(key, "Path") == 0)
        return path_matches(v->name, opt, values);
    if (strcmp(key, "Type") == 0)
        return in_values(values, v->type);
    if (strcmp(key, "KeyId") == 0)
        return in_values(values, v->key_id);
    if (strcmp(key, "Tier") == 0)
        return in_values(values, v->tier);
    if (strcmp(key, "DataType") == 0)
        return in_values(values, v->data_type);
    if (strcmp(key, "Label") == 0)
        return ssm_has_label(call, v->name, values);
    if (strncmp(key, "tag:", 4) == 0)
        return ssm_has_tag(call, v->name, key + 4, values);
    return 0;
}

/* The deprecated ParametersFilter: Name (prefix), Type, KeyId. */
static int
old_filter_matches(const ssm_ver *v, const nb_value *f)
{
    const char *key = nb_get_str(f, "Key");
    const nb_value *values = nb_get(f, "Values");
    if (strcmp(key, "Name") == 0)
        return name_matches(v->name, "BeginsWith", values);
    if (strcmp(key, "Type") == 0)
        return in_values(values, v->type);
    return in_values(values, v->key_id);
}

static int
all_match(nb_call *call, const ssm_ver *v, const nb_value *filters, const nb_value *old)
{
    for (const nb_value *f = nb_first(filters); f; f = f->next)
        if (!filter_matches(call, v, f))
            return 0;
    for (const nb_value *f = nb_first(old); f; f = f->next)
        if (!old_filter_matches(v, f))
            return 0;
    return 1;
}

typedef struct page {
    const char *path;       /* GetParametersByPath: the path, else NULL */
    int recursive;          /* ... and whether below it */
    const nb_value *filter; /* ParameterFilters */
    const nb_value *old;    /* Filters (DescribeParameters) */
    int64_t max;            /* page size */
    int decrypt;            /* WithDecryption */
    int metadata;           /* DescribeParameters: metadata items */
} page;

/* Names of the account's parameters after `after`, in name order. */
static int
names_after(nb_call *call, const char *after, nb_value *names)
{
    nb_stmt *st = nb_sql(call, "SELECT name FROM ssm_params WHERE account = ? AND region = ?"
                               " AND name > ? ORDER BY name");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, after);
    int rc;
    while ((rc = nb_step(st)) == NB_ROW)
        if (nb_list_add_str(names, nb_col_text(st, 0)))
            return NB_ENOMEM;
    return rc == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
list_page(nb_call *call, const nb_value *in, const page *pg, nb_value *out)
{
    const char *after = "";
    if (nb_get_str(in, "NextToken") && !(after = ssm_token_read(call, nb_get_str(in, "NextToken"))))
        return nb_fail(call, "InvalidNextToken", "The specified token isn't valid.");
    nb_value *names = nb_value_list(call->arena);
    nb_value *list = nb_set_list(out, "Parameters");
    if (!names || !list)
        return NB_ENOMEM;
    int rc = names_after(call, after, names);
    const char *last = NULL;
    for (const nb_value *n = nb_first(names); n && !rc; n = n->next) {
        ssm_ver v;
        if (pg->path && !under(n->u.s.p, pg->path, pg->recursive))
            continue;
        if ((rc = ssm_load(call, n->u.s.p, 0, &v)))
            return rc == NB_ENOTFOUND ? NB_EINTERNAL : rc;
        if (!all_match(call, &v, pg->filter, pg->old))
            continue;
        if ((int64_t)list->u.c.n == pg->max)
            return nb_set_str(out, "NextToken", ssm_token_make(call, last));
        nb_value *item = nb_list_add_struct(list);
        rc = pg->metadata ? ssm_metadata_out(call, item, &v)
                          : ssm_parameter_out(call, item, &v, NULL, pg->decrypt);
        last = n->u.s.p;
    }
    return rc;
}

int
ssm_get_parameters_by_path(nb_call *call, const nb_value *in, nb_value *out)
{
    page pg = {0};
    pg.path = ssm_name_of(call, nb_get_str(in, "Path"));
    pg.recursive = nb_get_bool(in, "Recursive", 0);
    pg.filter = nb_get(in, "ParameterFilters");
    pg.max = nb_get_int(in, "MaxResults", PATH_PAGE);
    pg.decrypt = nb_get_bool(in, "WithDecryption", 0);
    if (pg.path[0] != '/')
        return nb_fail(call, "ValidationException",
                       "The parameter doesn't meet the parameter name requirements. The "
                       "parameter name must begin with a forward slash \"/\". It can't be "
                       "prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only "
                       "letters, numbers, or the following symbols: . (period), - (hyphen), _ "
                       "(underscore). Special characters are not allowed. All sub-paths, if "
                       "specified, must use the forward slash symbol \"/\". Valid example: "
                       "/get/parameters2-/by1./path0_.");
    for (const nb_value *f = nb_first(pg.filter); f; f = f->next) {
        const char *key = nb_get_str(f, "Key");
        if (strcmp(key, "Type") && strcmp(key, "KeyId") && strcmp(key, "Label") &&
            strncmp(key, "tag:", 4))
            return nb_fail(call, "InvalidFilterKey",
                           "The following filter key is not valid: %s. Valid filter keys "
                           "include: [Type, KeyId].",
                           key);
    }
    return list_page(call, in, &pg, out);
}

int
ssm_describe_parameters(nb_call *call, const nb_value *in, nb_value *out)
{
    page pg = {0};
    pg.filter = nb_get(in, "ParameterFilters");
    pg.old = nb_get(in, "Filters");
    pg.max = nb_get_int(in, "MaxResults", DESCRIBE_PAGE);
    pg.metadata = 1;
    if (nb_get_len(in, "Filters") && nb_get_len(in, "ParameterFilters"))
        return nb_fail(call, "ValidationException",
                       "You can use either Filters or ParameterFilters in a single request.");
    return list_page(call, in, &pg, out);
}
