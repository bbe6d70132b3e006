/*
 * s3_list.c: ListObjects (v1) and ListObjectsV2: the latest version of
 * each key in UTF-8 byte order, cut by Prefix, grouped by Delimiter into
 * CommonPrefixes (each counts as one key against MaxKeys), paged by
 * Marker / StartAfter / ContinuationToken.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * and API_ListObjects.html: MaxKeys defaults to 1000 and is capped there;
 * KeyCount counts keys and common prefixes; NextMarker is sent only with
 * a Delimiter; with EncodingType=url, Key, Prefix, Delimiter, StartAfter,
 * Marker and NextMarker and the common prefixes are URL-encoded; v1
 * always lists the Owner, v2 only with FetchOwner.
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

#define MAX_KEYS 1000

typedef struct lister {
    const char *prefix;  /* Prefix, or "" */
    const char *delim;   /* Delimiter, or NULL */
    const char *after;   /* list keys after this one */
    int64_t max;         /* MaxKeys */
    int url;             /* EncodingType=url */
    int owner;           /* list Owner with each key */
    const char *account; /* the bucket's owner */
    int64_t count;       /* keys and prefixes listed */
    const char *last;    /* the last key or prefix listed */
    int truncated;       /* more remain */
} lister;

static const char *
enc(nb_call *call, const lister *l, const char *s)
{
    return l->url ? s3_url_encode(call, s) : s;
}

/* The common prefix key falls in, or NULL. */
static const char *
common_prefix(nb_call *call, const lister *l, const char *key)
{
    if (!l->delim || !l->delim[0])
        return NULL;
    const char *d = strstr(key + strlen(l->prefix), l->delim);
    return d ? nb_arena_strndup(call->arena, key, (size_t)(d - key) + strlen(l->delim)) : NULL;
}

static int
content(nb_call *call, lister *l, nb_value *contents, nb_stmt *st)
{
    nb_value *c = nb_list_add_struct(contents);
    if (!c || nb_set_str(c, "Key", enc(call, l, nb_col_text(st, 0))) ||
        nb_set_time(c, "LastModified", nb_col_double(st, 3)) ||
        nb_set_str(c, "ETag", nb_col_text(st, 2)) || nb_set_int(c, "Size", nb_col_int(st, 1)))
        return NB_ENOMEM;
    if (nb_col_text(st, 4)[0]) {
        nb_value *a = nb_set_list(c, "ChecksumAlgorithm");
        if (!a || nb_list_add_str(a, nb_col_text(st, 4)) ||
            nb_set_str(c, "ChecksumType", "FULL_OBJECT"))
            return NB_ENOMEM;
    }
    if (nb_set_str(c, "StorageClass", "STANDARD"))
        return NB_ENOMEM;
    return l->owner ? s3_owner_out(call, c, l->account) : NB_OK;
}

static int
list(nb_call *call, const char *bucket, lister *l, nb_value *out)
{
    nb_stmt *st = nb_sql(call, "SELECT key, size, etag, modified, ck_algo FROM s3_objects"
                               " WHERE bucket = ? AND latest = 1 AND delete_marker = 0"
                               " AND key > ? AND key >= ? ORDER BY key");
    nb_value *contents = nb_value_list(call->arena), *cps = nb_value_list(call->arena);
    if (!st || !contents || !cps)
        return st ? NB_ENOMEM : NB_EINTERNAL;
    nb_bind_text(st, 1, bucket);
    nb_bind_text(st, 2, l->after);
    nb_bind_text(st, 3, l->prefix);
    int rc;
    const char *last_cp = NULL;
    /* a page that ended on a common prefix resumes after all of it */
    if (l->delim && l->after[0] && strstr(l->after, l->delim) &&
        strncmp(l->after, l->prefix, strlen(l->prefix)) == 0)
        last_cp = common_prefix(call, l, l->after);
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *key = nb_col_text(st, 0);
        if (strncmp(key, l->prefix, strlen(l->prefix)) != 0)
            break; /* past the prefix: keys are in order */
        const char *cp = common_prefix(call, l, key);
        if (cp && last_cp && strcmp(cp, last_cp) == 0)
            continue;
        if (l->count == l->max) {
            l->truncated = 1;
            break;
        }
        l->count++;
        if (cp) {
            nb_value *p = nb_list_add_struct(cps);
            if (!p || nb_set_str(p, "Prefix", enc(call, l, cp)))
                return NB_ENOMEM;
            l->last = last_cp = cp;
        } else {
            if ((rc = content(call, l, contents, st)))
                return rc;
            l->last = nb_arena_strdup(call->arena, key);
        }
    }
    if (rc != NB_ROW && rc != NB_DONE)
        return NB_EINTERNAL;
    if (contents->u.c.n && (rc = nb_value_put(out, "Contents", 8, contents)))
        return rc;
    if (cps->u.c.n && (rc = nb_value_put(out, "CommonPrefixes", 14, cps)))
        return rc;
    return NB_OK;
}

static int
setup(nb_call *call, const nb_value *in, lister *l, s3_bucket *b)
{
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), b);
    if (rc)
        return rc;
    memset(l, 0, sizeof(*l));
    l->prefix = nb_get_str(in, "Prefix") ? nb_get_str(in, "Prefix") : "";
    l->delim = nb_get_str(in, "Delimiter");
    l->max = nb_get_int(in, "MaxKeys", MAX_KEYS);
    if (l->max < 0)
        return s3_fail(call, 400, "InvalidArgument", "max-keys cannot be negative", "ArgumentName",
                       "max-keys");
    if (l->max > MAX_KEYS)
        l->max = MAX_KEYS;
    const char *et = nb_get_str(in, "EncodingType");
    l->url = et && strcmp(et, "url") == 0;
    l->account = b->account;
    l->after = "";
    return NB_OK;
}

/* The request's own echo: Name, Prefix, Delimiter, MaxKeys, EncodingType. */
static int
echo(nb_call *call, const nb_value *in, const lister *l, const s3_bucket *b, nb_value *out)
{
    int rc = nb_set_str(out, "Name", b->name);
    rc = rc ? rc : nb_set_str(out, "Prefix", enc(call, l, l->prefix));
    if (!rc && l->delim)
        rc = nb_set_str(out, "Delimiter", enc(call, l, l->delim));
    rc = rc ? rc : nb_set_int(out, "MaxKeys", l->max);
    if (!rc && l->url)
        rc = nb_set_str(out, "EncodingType", "url");
    return rc ? rc : nb_set_bool(out, "IsTruncated", l->truncated);
}

int
s3_list_objects_v2(nb_call *call, const nb_value *in, nb_value *out)
{
    lister l;
    s3_bucket b;
    int rc = setup(call, in, &l, &b);
    if (rc)
        return rc;
    const char *token = nb_get_str(in, "ContinuationToken");
    const char *sa = nb_get_str(in, "StartAfter");
    l.owner = nb_get_bool(in, "FetchOwner", 0);
    if (sa)
        l.after = sa;
    if (token && !(l.after = s3_token_read(call, token)))
        return s3_fail(call, 400, "InvalidArgument", "The continuation token provided is incorrect",
                       "ArgumentName", "continuation-token");
    if ((rc = list(call, b.name, &l, out)) || (rc = echo(call, in, &l, &b, out)))
        return rc;
    rc = nb_set_int(out, "KeyCount", l.count);
    if (!rc && token)
        rc = nb_set_str(out, "ContinuationToken", token);
    if (!rc && sa)
        rc = nb_set_str(out, "StartAfter", enc(call, &l, sa));
    if (!rc && l.truncated)
        rc = nb_set_str(out, "NextContinuationToken", s3_token_make(call, l.last));
    return rc;
}

int
s3_list_objects(nb_call *call, const nb_value *in, nb_value *out)
{
    lister l;
    s3_bucket b;
    int rc = setup(call, in, &l, &b);
    if (rc)
        return rc;
    const char *marker = nb_get_str(in, "Marker");
    l.owner = 1;
    if (marker)
        l.after = marker;
    if ((rc = list(call, b.name, &l, out)) || (rc = echo(call, in, &l, &b, out)))
        return rc;
    rc = nb_set_str(out, "Marker", enc(call, &l, marker ? marker : ""));
    if (!rc && l.truncated && l.delim)
        rc = nb_set_str(out, "NextMarker", enc(call, &l, l.last));
    return rc;
}
