/*
 * ecr_repo.c: ECR repositories: creating one (name rules, tag mutability,
 * scanning and encryption settings, tags), describing them with
 * pagination, deleting, changing their settings, and their tags.
 *
 * AWS: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/
 * (API_CreateRepository.html, API_DescribeRepositories.html,
 * API_DeleteRepository.html, API_PutImageScanningConfiguration.html,
 * API_PutImageTagMutability.html, API_TagResource.html,
 * API_UntagResource.html, API_ListTagsForResource.html, API_Repository.html).
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/value.h"
#include "ecr_int.h"
#include "services/tags.h"
#include "store/store.h"

/* AWS: DescribeRepositories returns up to 100 repositories a page when
 * maxResults is not given. */
#define DESCRIBE_PAGE 100
/* AWS: a resource holds at most 50 tags (TagResource). */
#define MAX_TAGS 50
/* The model's RepositoryName pattern, as AWS prints it in the error. */
#define NAME_RE "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"

static const char *
dup(nb_call *call, const char *s)
{
    return nb_arena_strdup(call->arena, s ? s : "");
}

const char *
ecr_registry(nb_call *call, const nb_value *in)
{
    const char *r = nb_get_str(in, "registryId");
    return r ? r : call->account;
}

const char *
ecr_repo_arn(nb_call *call, const char *name)
{
    return nb_arena_printf(call->arena, "arn:aws:ecr:%s:%s:repository/%s", call->region,
                           call->account, name);
}

/* The address docker would push to; nothing listens there (ecr.c). */
const char *
ecr_repo_uri(nb_call *call, const char *name)
{
    return nb_arena_printf(call->arena, "%s.dkr.ecr.%s.amazonaws.com/%s", call->account,
                           call->region, name);
}

static int
not_found(nb_call *call, const char *name, const char *registry)
{
    /* AWS: the message as ECR sends it (moto's exceptions.py and many
     * captured CLI outputs agree). */
    return nb_fail(call, "RepositoryNotFoundException",
                   "The repository with name '%s' does not exist in the registry with id '%s'",
                   name, registry);
}

static int
load(nb_call *call, const char *name, ecr_repo *r)
{
    nb_stmt *st = nb_sql(call, "SELECT created, mutability, filters, scan_on_push, enc_type,"
                               " kms_key, lifecycle, policy FROM ecr_repos"
                               " WHERE account = ? AND region = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, name);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : rc;
    r->name = dup(call, name);
    r->registry = call->account;
    r->created = nb_col_double(st, 0);
    r->mutability = dup(call, nb_col_text(st, 1));
    r->filters = dup(call, nb_col_text(st, 2));
    r->scan_on_push = (int)nb_col_int(st, 3);
    r->enc_type = dup(call, nb_col_text(st, 4));
    r->kms_key = dup(call, nb_col_text(st, 5));
    r->lifecycle = dup(call, nb_col_text(st, 6));
    r->policy = dup(call, nb_col_text(st, 7));
    return r->policy ? NB_OK : NB_ENOMEM;
}

int
ecr_repo_get(nb_call *call, const nb_value *in, const char *name, ecr_repo *r)
{
    const char *registry = ecr_registry(call, in);
    /* Only the caller's own registry exists here. */
    int rc = strcmp(registry, call->account) == 0 ? load(call, name, r) : NB_ENOTFOUND;
    return rc == NB_ENOTFOUND ? not_found(call, name, registry) : rc;
}

int
ecr_repo_set_text(nb_call *call, const char *column, const char *name, const char *text)
{
    nb_stmt *st = strcmp(column, "lifecycle") == 0
                      ? nb_sql(call, "UPDATE ecr_repos SET lifecycle = ? WHERE account = ?"
                                     " AND region = ? AND name = ?")
                      : nb_sql(call, "UPDATE ecr_repos SET policy = ? WHERE account = ?"
                                     " AND region = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, text);
    nb_bind_text(st, 2, call->account);
    nb_bind_text(st, 3, call->region);
    nb_bind_text(st, 4, name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* Exclusion filters are stored as "<filterType>\t<filter>\n" lines. */
static int
filters_out(nb_call *call, nb_value *parent, const char *filters)
{
    if (!filters[0])
        return NB_OK;
    nb_value *l = nb_set_list(parent, "imageTagMutabilityExclusionFilters");
    if (!l)
        return NB_ENOMEM;
    for (const char *p = filters; *p;) {
        const char *tab = strchr(p, '\t'), *nl = tab ? strchr(tab, '\n') : NULL;
        if (!NB_ALWAYS(nl))
            return NB_EINTERNAL;
        nb_value *f = nb_list_add_struct(l);
        if (!f || nb_set_strn(f, "filterType", p, (size_t)(tab - p)) ||
            nb_set_strn(f, "filter", tab + 1, (size_t)(nl - tab - 1)))
            return NB_ENOMEM;
        p = nl + 1;
    }
    return NB_OK;
}

static const char *
filters_in(nb_call *call, const nb_value *in)
{
    const char *s = "";
    for (const nb_value *f = nb_first(nb_get(in, "imageTagMutabilityExclusionFilters")); f && s;
         f = f->next)
        s = nb_arena_printf(call->arena, "%s%s\t%s\n", s, nb_get_str(f, "filterType"),
                            nb_get_str(f, "filter"));
    return s;
}

static int
repo_out(nb_call *call, nb_value *o, const ecr_repo *r)
{
    if (!o)
        return NB_ENOMEM;
    int rc = nb_set_str(o, "repositoryArn", ecr_repo_arn(call, r->name));
    rc = rc ? rc : nb_set_str(o, "registryId", r->registry);
    rc = rc ? rc : nb_set_str(o, "repositoryName", r->name);
    rc = rc ? rc : nb_set_str(o, "repositoryUri", ecr_repo_uri(call, r->name));
    rc = rc ? rc : nb_set_time(o, "createdAt", r->created);
    rc = rc ? rc : nb_set_str(o, "imageTagMutability", r->mutability);
    rc = rc ? rc : filters_out(call, o, r->filters);
    nb_value *scan = rc ? NULL : nb_set_struct(o, "imageScanningConfiguration");
    rc = rc ? rc : scan ? nb_set_bool(scan, "scanOnPush", r->scan_on_push) : NB_ENOMEM;
    nb_value *enc = rc ? NULL : nb_set_struct(o, "encryptionConfiguration");
    rc = rc ? rc : enc ? nb_set_str(enc, "encryptionType", r->enc_type) : NB_ENOMEM;
    if (!rc && r->kms_key[0])
        rc = nb_set_str(enc, "kmsKey", r->kms_key);
    return rc;
}

/* ---- Tags ------------------------------------------------------------ */

static const nb_tag_sql tag_sql = {
    .put = "INSERT OR REPLACE INTO ecr_tags (account, region, name, key, value)"
           " VALUES (?, ?, ?, ?, ?)",
    .del = "DELETE FROM ecr_tags WHERE account = ? AND region = ? AND name = ? AND key = ?",
    .list = "SELECT key, value FROM ecr_tags WHERE account = ? AND region = ? AND name = ?"
            " ORDER BY key",
    .count = "SELECT COUNT(*) FROM ecr_tags WHERE account = ? AND region = ? AND name = ?",
    .key = "Key",
    .value = "Value",
};

static int
put_tags(nb_call *call, const char *name, const nb_value *tags)
{
    int rc = nb_tags_put(call, &tag_sql, name, tags);
    int64_t n = rc ? 0 : nb_tags_count(call, &tag_sql, name);
    if (n < 0)
        return NB_EIO;
    if (n > MAX_TAGS)
        /* AWS: API_TagResource.html: "a maximum of 50 tags". */
        return nb_fail(call, "TooManyTagsException",
                       "The list of tags on the repository is over the limit. The maximum number "
                       "of tags that can be applied to a repository is 50.");
    return rc;
}

/* The repository an ARN names: arn:aws:ecr:<region>:<account>:repository/<name>. */
static int
tag_target(nb_call *call, const nb_value *in, const char **name)
{
    const char *arn = nb_get_str(in, "resourceArn");
    const char *prefix = nb_arena_printf(call->arena, "arn:aws:ecr:%s:", call->region);
    const char *p =
        prefix && strncmp(arn, prefix, strlen(prefix)) == 0 ? arn + strlen(prefix) : NULL;
    const char *colon = p ? strchr(p, ':') : NULL;
    ecr_repo r;
    if (!prefix)
        return NB_ENOMEM;
    if (!colon || strncmp(colon + 1, "repository/", 11) != 0 || !colon[12])
        /* AWS: InvalidParameterException for an ARN that names no
         * repository (moto's ecr/models.py _parse_resource_arn). */
        return nb_fail(call, "InvalidParameterException",
                       "Invalid parameter at 'resourceArn' failed to satisfy constraint: "
                       "'Invalid ARN'");
    *name = colon + 12;
    if ((size_t)(colon - p) != strlen(call->account) || strncmp(p, call->account, 12) != 0)
        return not_found(call, *name, nb_arena_strndup(call->arena, p, (size_t)(colon - p)));
    return ecr_repo_get(call, NULL, *name, &r);
}

int
ecr_tag_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name;
    int rc = tag_target(call, in, &name);
    NB_UNUSED(out);
    return rc ? rc : put_tags(call, name, nb_get(in, "tags"));
}

int
ecr_untag_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name;
    int rc = tag_target(call, in, &name);
    NB_UNUSED(out);
    return rc ? rc : nb_tags_delete(call, &tag_sql, name, nb_get(in, "tagKeys"));
}

int
ecr_list_tags_for_resource(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name;
    int rc = tag_target(call, in, &name);
    if (rc)
        return rc;
    nb_value *list = nb_set_list(out, "tags");
    if (!list)
        return NB_ENOMEM;
    return nb_tags_list(call, &tag_sql, name, NULL, 0, list, NULL, NULL);
}

/* ---- CreateRepository ------------------------------------------------ */

static int
name_ok(const char *name)
{
    regex_t re;
    if (regcomp(&re, "^" NAME_RE "$", REG_EXTENDED | REG_NOSUB))
        return 0;
    int ok = regexec(&re, name, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

static int
insert_repo(nb_call *call, const ecr_repo *r)
{
    nb_stmt *st = nb_sql(call, "INSERT INTO ecr_repos (account, region, name, created,"
                               " mutability, filters, scan_on_push, enc_type, kms_key,"
                               " lifecycle, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, r->name);
    nb_bind_double(st, 4, r->created);
    nb_bind_text(st, 5, r->mutability);
    nb_bind_text(st, 6, r->filters);
    nb_bind_int(st, 7, r->scan_on_push);
    nb_bind_text(st, 8, r->enc_type);
    nb_bind_text(st, 9, r->kms_key);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
ecr_create_repository(nb_call *call, const nb_value *in, nb_value *out)
{
    const nb_value *enc = nb_get(in, "encryptionConfiguration");
    const char *registry = ecr_registry(call, in);
    ecr_repo r = {0}, old;
    r.name = nb_get_str(in, "repositoryName");
    r.registry = call->account;
    if (!name_ok(r.name))
        /* AWS: the text ECR sends, pattern and doubled quote included. */
        return nb_fail(call, "InvalidParameterException",
                       "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
                       "'must satisfy regular expression '" NAME_RE "''");
    int rc = load(call, r.name, &old);
    if (rc != NB_ENOTFOUND)
        return rc ? rc
                  : nb_fail(call, "RepositoryAlreadyExistsException",
                            "The repository with name '%s' already exists in the registry with "
                            "id '%s'",
                            r.name, registry);
    r.created = call->now;
    r.mutability =
        nb_get_str(in, "imageTagMutability") ? nb_get_str(in, "imageTagMutability") : "MUTABLE";
    r.filters = filters_in(call, in);
    r.scan_on_push = nb_get_bool(nb_get(in, "imageScanningConfiguration"), "scanOnPush", 0);
    r.enc_type = nb_get_str(enc, "encryptionType") ? nb_get_str(enc, "encryptionType") : "AES256";
    r.kms_key = nb_get_str(enc, "kmsKey") ? nb_get_str(enc, "kmsKey") : "";
    if (!r.filters)
        return NB_ENOMEM;
    if ((rc = insert_repo(call, &r)) || (rc = put_tags(call, r.name, nb_get(in, "tags"))))
        return rc;
    return repo_out(call, nb_set_struct(out, "repository"), &r);
}

/* ---- DescribeRepositories -------------------------------------------- */

static const char *
token_make(nb_call *call, const char *last)
{
    size_t n = strlen(last);
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len(n) + 1);
    if (b)
        nb_b64_encode(b, last, n);
    return b;
}

static const char *
token_read(nb_call *call, const char *token)
{
    size_t n = strlen(token), len;
    char *d = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    if (!d || nb_b64_decode(d, &len, token, n, NULL) != NB_B64_OK)
        return NULL;
    d[len] = '\0';
    return d;
}

static int
describe_named(nb_call *call, const nb_value *in, nb_value *list)
{
    for (const nb_value *n = nb_first(nb_get(in, "repositoryNames")); n; n = n->next) {
        ecr_repo r;
        int rc = ecr_repo_get(call, in, n->u.s.p, &r);
        rc = rc ? rc : repo_out(call, nb_list_add_struct(list), &r);
        if (rc)
            return rc;
    }
    return NB_OK;
}

int
ecr_describe_repositories(nb_call *call, const nb_value *in, nb_value *out)
{
    int64_t max = nb_get_int(in, "maxResults", DESCRIBE_PAGE), n = 0;
    const char *after = "", *last = NULL;
    nb_value *list = nb_set_list(out, "repositories");
    if (!list)
        return NB_ENOMEM;
    if (nb_get(in, "repositoryNames"))
        return describe_named(call, in, list);
    if (strcmp(ecr_registry(call, in), call->account) != 0)
        return NB_OK;
    if (nb_get_str(in, "nextToken") && !(after = token_read(call, nb_get_str(in, "nextToken"))))
        return nb_fail(call, "InvalidParameterException",
                       "Invalid parameter at 'nextToken' failed to satisfy constraint: "
                       "'Invalid NextToken'");
    nb_stmt *st = nb_sql(call, "SELECT name FROM ecr_repos WHERE account = ? AND region = ?"
                               " AND name > ? ORDER BY name");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, after);
    const char **names = nb_arena_alloc(call->arena, sizeof(*names) * (size_t)(max + 1));
    int rc, more = 0;
    if (!names)
        return NB_ENOMEM;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (n == max) {
            more = 1;
            break;
        }
        if (!(names[n++] = dup(call, nb_col_text(st, 0))))
            return NB_ENOMEM;
    }
    if (rc < 0)
        return rc;
    for (int64_t i = 0; i < n; i++) {
        ecr_repo r;
        rc = load(call, names[i], &r);
        rc = rc ? rc : repo_out(call, nb_list_add_struct(list), &r);
        if (rc)
            return rc;
        last = names[i];
    }
    return more ? nb_set_str(out, "nextToken", token_make(call, last)) : NB_OK;
}

/* ---- DeleteRepository ------------------------------------------------ */

int
ecr_delete_repository(nb_call *call, const nb_value *in, nb_value *out)
{
    static const char *const sql[] = {
        "DELETE FROM ecr_repos WHERE account = ? AND region = ? AND name = ?",
        "DELETE FROM ecr_tags WHERE account = ? AND region = ? AND name = ?",
    };
    ecr_repo r;
    /* Repositories never hold images here, so RepositoryNotEmptyException
     * (without force) cannot arise. */
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    for (size_t i = 0; !rc && i < NB_ARRAY_LEN(sql); i++) {
        nb_stmt *st = nb_sql(call, sql[i]);
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, r.name);
        rc = nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
    }
    return rc ? rc : repo_out(call, nb_set_struct(out, "repository"), &r);
}

/* ---- Settings ---------------------------------------------------------- */

int
ecr_put_image_scanning_configuration(nb_call *call, const nb_value *in, nb_value *out)
{
    ecr_repo r;
    int scan = nb_get_bool(nb_get(in, "imageScanningConfiguration"), "scanOnPush", 0);
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "UPDATE ecr_repos SET scan_on_push = ? WHERE account = ?"
                               " AND region = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_int(st, 1, scan);
    nb_bind_text(st, 2, call->account);
    nb_bind_text(st, 3, call->region);
    nb_bind_text(st, 4, r.name);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    nb_value *c = NULL;
    rc = nb_set_str(out, "registryId", r.registry);
    rc = rc ? rc : nb_set_str(out, "repositoryName", r.name);
    rc = rc ? rc : (c = nb_set_struct(out, "imageScanningConfiguration")) ? NB_OK : NB_ENOMEM;
    return rc ? rc : nb_set_bool(c, "scanOnPush", scan);
}

int
ecr_put_image_tag_mutability(nb_call *call, const nb_value *in, nb_value *out)
{
    ecr_repo r;
    const char *filters = filters_in(call, in);
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc || !filters)
        return rc ? rc : NB_ENOMEM;
    nb_stmt *st = nb_sql(call, "UPDATE ecr_repos SET mutability = ?, filters = ?"
                               " WHERE account = ? AND region = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, nb_get_str(in, "imageTagMutability"));
    nb_bind_text(st, 2, filters);
    nb_bind_text(st, 3, call->account);
    nb_bind_text(st, 4, call->region);
    nb_bind_text(st, 5, r.name);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    rc = nb_set_str(out, "registryId", r.registry);
    rc = rc ? rc : nb_set_str(out, "repositoryName", r.name);
    rc = rc ? rc : nb_set_str(out, "imageTagMutability", nb_get_str(in, "imageTagMutability"));
    return rc ? rc : filters_out(call, out, filters);
}
