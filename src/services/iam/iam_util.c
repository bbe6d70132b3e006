/*
 * iam_util.c: what every IAM resource file shares: ids and ARNs, the name
 * and path rules the model states as patterns (the core validator checks
 * lengths, not patterns), policy documents (JSON, returned URL-encoded),
 * Marker/MaxItems pages, the entity table, and tags.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 * (unique ids: AROA role, AIDA user, AGPA group, ANPA managed policy, AIPA
 * instance profile; ARNs arn:aws:iam::<account>:<kind><path><name>) and
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 * (AssumeRolePolicyDocument is "URL-encoded compliant with RFC 3986").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

/* AWS: a role, user or policy carries at most 50 tags. */
#define MAX_TAGS 50
/* AWS: MaxItems defaults to 100 (maxItemsType: 1 to 1000). */
#define PAGE_DEFAULT 100

const char *
iam_new_id(nb_call *call, const char *prefix)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char *id = nb_arena_alloc(call->arena, 22);
    if (!id)
        return NULL;
    memcpy(id, prefix, 4);
    for (int i = 4; i < 21; i++)
        id[i] = alphabet[nb_ids_rand() % (sizeof(alphabet) - 1)];
    id[21] = '\0';
    return id;
}

const char *
iam_arn(nb_call *call, const char *kind, const char *path, const char *name)
{
    return nb_arena_printf(call->arena, "arn:aws:iam::%s:%s%s%s", call->account, kind, path, name);
}

const char *
iam_url_encode(nb_call *call, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *o = nb_arena_alloc(call->arena, 3 * n + 1), *p = o;
    if (!o)
        return NULL;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~') {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return o;
}

static int
pattern_fail(nb_call *call, const char *member, const char *value, const char *pattern)
{
    return nb_fail(call, "ValidationError",
                   "1 validation error detected: Value '%s' at '%c%s' failed to satisfy "
                   "constraint: Member must satisfy regular expression pattern: %s",
                   value, tolower((unsigned char)member[0]), member + 1, pattern);
}

/* AWS: model roleNameType, userNameType, groupNameType, policyNameType,
 * instanceProfileNameType: pattern [\w+=,.@-]+. */
int
iam_check_name(nb_call *call, const char *member, const char *name)
{
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_+=,.@-", *p))
            return pattern_fail(call, member, name, "[\\w+=,.@-]+");
    return NB_OK;
}

/* AWS: model pathType: (\u002F)|(\u002F[\u0021-\u007E]+\u002F). */
int
iam_check_path(nb_call *call, const char *member, const char *path)
{
    size_t n = strlen(path);
    int ok = n >= 1 && path[0] == '/' && path[n - 1] == '/';
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)path[i] >= 0x21 && (unsigned char)path[i] <= 0x7E;
    return ok ? NB_OK
              : pattern_fail(call, member, path, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
}

int
iam_check_doc(nb_call *call, const char *doc)
{
    nb_json *j = NULL;
    int rc = nb_json_parse(doc, strlen(doc), 32, &j, NULL);
    int is_obj = rc == NB_OK && nb_json_type(j) == NB_J_OBJECT;
    nb_json_free(j);
    if (rc == NB_ENOMEM)
        return rc;
    /* AWS: MalformedPolicyDocument "Syntax errors in policy." for text
     * that is not a JSON object. */
    return is_obj ? NB_OK : nb_fail(call, "MalformedPolicyDocument", "Syntax errors in policy.");
}

size_t
iam_doc_size(const char *doc)
{
    size_t n = 0;
    for (const char *p = doc; *p; p++)
        n += !isspace((unsigned char)*p);
    return n;
}

int
iam_path_under(const char *path, const char *prefix)
{
    return !prefix || strncmp(path, prefix, strlen(prefix)) == 0;
}

/* ---- Pages ------------------------------------------------------------ */

int
iam_page_start(nb_call *call, const nb_value *in, iam_page *pg)
{
    memset(pg, 0, sizeof(*pg));
    pg->max = nb_get_int(in, "MaxItems", PAGE_DEFAULT);
    const char *m = nb_get_str(in, "Marker");
    if (!m)
        return NB_OK;
    size_t n = strlen(m), len;
    char *d = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    if (!d)
        return NB_ENOMEM;
    if (nb_b64_decode(d, &len, m, n, NULL) != NB_B64_OK || len < 2 || memcmp(d, "m:", 2))
        return nb_fail(call, "ValidationError", "Invalid Marker.");
    d[len] = '\0';
    pg->after = d + 2;
    return NB_OK;
}

int
iam_page_take(iam_page *pg, const char *key)
{
    if (pg->after && strcmp(key, pg->after) <= 0)
        return 0;
    if (pg->n >= pg->max) {
        pg->truncated = 1;
        return -1;
    }
    pg->n++;
    pg->last = key;
    return 1;
}

int
iam_page_end(nb_call *call, nb_value *out, const iam_page *pg)
{
    int rc = nb_set_bool(out, "IsTruncated", pg->truncated);
    if (rc || !pg->truncated)
        return rc;
    const char *raw = nb_arena_printf(call->arena, "m:%s", pg->last);
    if (!raw)
        return NB_ENOMEM;
    size_t n = strlen(raw);
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len(n) + 1);
    if (!b)
        return NB_ENOMEM;
    nb_b64_encode(b, raw, n);
    return nb_set_str(out, "Marker", b);
}

/* ---- Entities ---------------------------------------------------------- */

static const char *
dup(nb_call *call, const char *s)
{
    return nb_arena_strdup(call->arena, s ? s : "");
}

int
iam_entity_load(nb_call *call, const char *kind, const char *name, iam_entity *e)
{
    nb_stmt *st = nb_sql(call, "SELECT name, id, path, arn, created, doc, description,"
                               " max_session, boundary, last_used, last_region FROM iam_entities"
                               " WHERE account = ? AND kind = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, name);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : NB_EINTERNAL;
    e->kind = kind;
    e->name = dup(call, nb_col_text(st, 0));
    e->id = dup(call, nb_col_text(st, 1));
    e->path = dup(call, nb_col_text(st, 2));
    e->arn = dup(call, nb_col_text(st, 3));
    e->created = nb_col_double(st, 4);
    e->doc = dup(call, nb_col_text(st, 5));
    e->description = dup(call, nb_col_text(st, 6));
    e->max_session = nb_col_int(st, 7);
    e->boundary = dup(call, nb_col_text(st, 8));
    e->last_used = nb_col_double(st, 9);
    e->last_region = dup(call, nb_col_text(st, 10));
    return e->name && e->last_region ? NB_OK : NB_ENOMEM;
}

int
iam_entity_get(nb_call *call, const char *kind, const char *name, iam_entity *e)
{
    int rc = iam_entity_load(call, kind, name, e);
    if (rc != NB_ENOTFOUND)
        return rc;
    /* AWS: NoSuchEntity "The role with name X cannot be found." (user,
     * group likewise); "Instance Profile X cannot be found." */
    if (strcmp(kind, IAM_PROFILE) == 0)
        return nb_fail(call, "NoSuchEntity", "Instance Profile %s cannot be found.", name);
    return nb_fail(call, "NoSuchEntity", "The %s with name %s cannot be found.", kind, name);
}

int
iam_entity_insert(nb_call *call, const iam_entity *e)
{
    nb_stmt *st = nb_sql(call, "INSERT INTO iam_entities (account, kind, name, id, path, arn,"
                               " created, doc, description, max_session, boundary, last_used,"
                               " last_region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                               " ON CONFLICT DO UPDATE SET name = excluded.name,"
                               " path = excluded.path, arn = excluded.arn, doc = excluded.doc,"
                               " description = excluded.description,"
                               " max_session = excluded.max_session,"
                               " boundary = excluded.boundary");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, e->kind);
    nb_bind_text(st, 3, e->name);
    nb_bind_text(st, 4, e->id);
    nb_bind_text(st, 5, e->path);
    nb_bind_text(st, 6, e->arn);
    nb_bind_double(st, 7, e->created);
    nb_bind_text(st, 8, e->doc ? e->doc : "");
    nb_bind_text(st, 9, e->description ? e->description : "");
    nb_bind_int(st, 10, e->max_session);
    nb_bind_text(st, 11, e->boundary ? e->boundary : "");
    nb_bind_double(st, 12, e->last_used);
    nb_bind_text(st, 13, e->last_region ? e->last_region : "");
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_entity_delete(nb_call *call, const char *kind, const char *name)
{
    nb_stmt *st =
        nb_sql(call, "DELETE FROM iam_entities WHERE account = ? AND kind = ? AND name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, name);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    return iam_owner_drop(call, kind, name);
}

int64_t
iam_count(nb_call *call, const char *sql, const char *kind, const char *name)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return -1;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, name);
    return nb_step(st) == NB_ROW ? nb_col_int(st, 0) : -1;
}

/* Side tables keyed by (account, kind, owner). */
static const char *const rename_sql[] = {
    "UPDATE iam_inline SET owner = ?4 WHERE account = ?1 AND kind = ?2 AND owner = ?3",
    "UPDATE iam_attached SET owner = ?4 WHERE account = ?1 AND kind = ?2 AND owner = ?3",
    "UPDATE iam_tags SET owner = ?4 WHERE account = ?1 AND kind = ?2 AND owner = ?3",
    "UPDATE iam_links SET parent = ?4 WHERE account = ?1 AND kind = ?2 AND parent = ?3",
    /* a renamed user stays in its groups */
    ("UPDATE iam_links SET child = ?4 WHERE account = ?1 AND ?2 = 'user' AND kind = 'group'"
     " AND child = ?3"),
};

static const char *const drop_sql[] = {
    "DELETE FROM iam_inline WHERE account = ?1 AND kind = ?2 AND owner = ?3",
    "DELETE FROM iam_attached WHERE account = ?1 AND kind = ?2 AND owner = ?3",
    "DELETE FROM iam_tags WHERE account = ?1 AND kind = ?2 AND owner = ?3",
    "DELETE FROM iam_links WHERE account = ?1 AND kind = ?2 AND parent = ?3",
};

static int
run_owner_sql(nb_call *call, const char *const *sql, size_t n, const char *kind, const char *a,
              const char *b)
{
    for (size_t i = 0; i < n; i++) {
        nb_stmt *st = nb_sql(call, sql[i]);
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, kind);
        nb_bind_text(st, 3, a);
        if (b)
            nb_bind_text(st, 4, b);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    return NB_OK;
}

int
iam_owner_rename(nb_call *call, const char *kind, const char *from, const char *to)
{
    return run_owner_sql(call, rename_sql, NB_ARRAY_LEN(rename_sql), kind, from, to);
}

int
iam_owner_drop(nb_call *call, const char *kind, const char *owner)
{
    return run_owner_sql(call, drop_sql, NB_ARRAY_LEN(drop_sql), kind, owner, NULL);
}

/* ---- Tags --------------------------------------------------------------- */

int
iam_tags_put(nb_call *call, const char *kind, const char *owner, const nb_value *tags)
{
    /* AWS: tag keys are case-insensitive; one request may not repeat one */
    for (const nb_value *t = nb_first(tags); t; t = t->next) {
        if (!nb_get_str(t, "Key")) /* the model requires it; C callers too */
            return nb_fail(call, "InvalidInput", "A tag has no key.");
        for (const nb_value *u = t->next; u; u = u->next)
            if (nb_get_str(u, "Key") && strcasecmp(nb_get_str(t, "Key"), nb_get_str(u, "Key")) == 0)
                return nb_fail(call, "InvalidInput",
                               "Duplicate tag keys found. Please note that "
                               "Tag keys are case insensitive.");
    }
    for (const nb_value *t = nb_first(tags); t; t = t->next) {
        nb_stmt *st = nb_sql(call, "INSERT INTO iam_tags (account, kind, owner, key, value)"
                                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE"
                                   " SET value = excluded.value");
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, kind);
        nb_bind_text(st, 3, owner);
        nb_bind_text(st, 4, nb_get_str(t, "Key"));
        nb_bind_text(st, 5, nb_get_str(t, "Value") ? nb_get_str(t, "Value") : "");
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    int64_t n = iam_count(call,
                          "SELECT COUNT(*) FROM iam_tags WHERE account = ? AND kind = ?"
                          " AND owner = ?",
                          kind, owner);
    /* AWS: LimitExceeded "The number of tags has reached the maximum limit." */
    if (n > MAX_TAGS)
        return nb_fail(call, "LimitExceeded", "The number of tags has reached the maximum limit.");
    return n < 0 ? NB_EINTERNAL : NB_OK;
}

/* Appends the owner's tags as Tag structures to list. */
static int
tags_fill(nb_call *call, const char *kind, const char *owner, nb_value *list, iam_page *pg)
{
    nb_stmt *st = nb_sql(call, "SELECT key, value FROM iam_tags WHERE account = ? AND kind = ?"
                               " AND owner = ? ORDER BY key COLLATE BINARY");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, kind);
    nb_bind_text(st, 3, owner);
    int rc;
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *key = nb_arena_strdup(call->arena, nb_col_text(st, 0));
        int take = pg ? iam_page_take(pg, key) : 1;
        if (take < 0)
            break;
        if (!take)
            continue;
        nb_value *t = nb_list_add_struct(list);
        if (!t || !key || nb_set_str(t, "Key", key) || nb_set_str(t, "Value", nb_col_text(st, 1)))
            return NB_ENOMEM;
    }
    return rc < 0 ? NB_EINTERNAL : NB_OK;
}

int
iam_tags_out(nb_call *call, const char *kind, const char *owner, nb_value *parent, int if_any)
{
    if (if_any && iam_count(call,
                            "SELECT COUNT(*) FROM iam_tags WHERE account = ? AND kind = ?"
                            " AND owner = ?",
                            kind, owner) <= 0)
        return NB_OK;
    nb_value *list = nb_set_list(parent, "Tags");
    return list ? tags_fill(call, kind, owner, list, NULL) : NB_ENOMEM;
}

int
iam_tags_remove(nb_call *call, const char *kind, const char *owner, const nb_value *keys)
{
    for (const nb_value *k = nb_first(keys); k; k = k->next) {
        nb_stmt *st = nb_sql(call, "DELETE FROM iam_tags WHERE account = ? AND kind = ?"
                                   " AND owner = ? AND key = ?");
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, kind);
        nb_bind_text(st, 3, owner);
        nb_bind_text(st, 4, k->u.s.p);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    return NB_OK;
}

int
iam_tags_list(nb_call *call, const char *kind, const char *owner, const nb_value *in, nb_value *out)
{
    iam_page pg;
    int rc = iam_page_start(call, in, &pg);
    nb_value *list = rc ? NULL : nb_set_list(out, "Tags");
    if (rc)
        return rc;
    if (!list)
        return NB_ENOMEM;
    rc = tags_fill(call, kind, owner, list, &pg);
    return rc ? rc : iam_page_end(call, out, &pg);
}

int
iam_names(nb_call *call, const char *sql, const char *a, const char *b, const char ***out,
          size_t *n)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, a);
    nb_bind_text(st, 3, b);
    size_t cap = 16;
    const char **v = nb_arena_alloc(call->arena, cap * sizeof(char *));
    int rc;
    *n = 0;
    while (v && (rc = nb_step(st)) == NB_ROW) {
        if (*n == cap) {
            const char **more = nb_arena_alloc(call->arena, 2 * cap * sizeof(char *));
            if (more)
                memcpy(more, v, cap * sizeof(char *));
            v = more;
            cap *= 2;
        }
        if (v && !(v[(*n)++] = nb_arena_strdup(call->arena, nb_col_text(st, 0))))
            v = NULL;
    }
    if (!v)
        return NB_ENOMEM;
    *out = v;
    return rc == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_entity_list(nb_call *call, const char *sql, const char *kind, const char *b, const nb_value *in,
                nb_value *out, const char *member, iam_out_fn fn)
{
    iam_page pg;
    const char **names;
    size_t n;
    const char *prefix = nb_get_str(in, "PathPrefix");
    int rc = iam_page_start(call, in, &pg);
    rc = rc ? rc : iam_names(call, sql, kind, b, &names, &n);
    nb_value *list = rc ? NULL : nb_set_list(out, member);
    if (rc || !list)
        return rc ? rc : NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        iam_entity e;
        if ((rc = iam_entity_load(call, kind, names[i], &e)))
            return rc;
        if (!iam_path_under(e.path, prefix))
            continue;
        int take = iam_page_take(&pg, names[i]);
        if (take < 0)
            break;
        if (take && (rc = fn(call, nb_list_add_struct(list), &e)))
            return rc;
    }
    return iam_page_end(call, out, &pg);
}
