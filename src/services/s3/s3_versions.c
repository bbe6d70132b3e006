/*
 * s3_versions.c: ListObjectVersions: every version and delete marker of
 * the keys under Prefix, keys in UTF-8 byte order and each key's versions
 * newest first, grouped by Delimiter into CommonPrefixes, paged by
 * KeyMarker and VersionIdMarker.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 * (MaxKeys defaults to and is capped at 1000; with KeyMarker alone the
 * listing starts after every version of that key; with VersionIdMarker
 * too, after that version of it; NextKeyMarker and NextVersionIdMarker
 * when truncated; IsLatest marks each key's current version). A
 * VersionIdMarker without a KeyMarker is InvalidArgument, as S3 answers
 * it (moto/s3/responses.py checks the same).
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

#define MAX_KEYS 1000

typedef struct vlister {
    const char *prefix;   /* Prefix, or "" */
    const char *delim;    /* Delimiter, or NULL */
    const char *km;       /* KeyMarker, or "" */
    const char *vm;       /* VersionIdMarker, or "" */
    int url;              /* EncodingType=url */
    int64_t max;          /* MaxKeys */
    int64_t count;        /* entries and prefixes listed */
    const char *last_key; /* the last key or prefix listed */
    const char *last_vid; /* the last version listed, or NULL */
    int truncated;        /* more remain */
    const char *account;  /* the bucket owner */
} vlister;

static const char *
venc(nb_call *call, const vlister *l, const char *s)
{
    return l->url ? s3_url_encode(call, s) : s;
}

/* Columns: key, version_id, latest, delete_marker, size, etag, modified,
 * ck_algo, ck_type. */
static int
entry(nb_call *call, const vlister *l, nb_value *versions, nb_value *markers, nb_stmt *st)
{
    int marker = nb_col_int(st, 3) != 0;
    nb_value *e = nb_list_add_struct(marker ? markers : versions);
    if (!e || nb_set_str(e, "Key", venc(call, l, nb_col_text(st, 0))) ||
        nb_set_str(e, "VersionId", nb_col_text(st, 1)) ||
        nb_set_bool(e, "IsLatest", nb_col_int(st, 2) != 0) ||
        nb_set_time(e, "LastModified", nb_col_double(st, 6)))
        return NB_ENOMEM;
    if (!marker) {
        if (nb_set_str(e, "ETag", nb_col_text(st, 5)) || nb_set_int(e, "Size", nb_col_int(st, 4)) ||
            nb_set_str(e, "StorageClass", "STANDARD"))
            return NB_ENOMEM;
        if (nb_col_text(st, 7)[0]) {
            nb_value *a = nb_set_list(e, "ChecksumAlgorithm");
            const char *t = nb_col_text(st, 8);
            if (!a || nb_list_add_str(a, nb_col_text(st, 7)) ||
                nb_set_str(e, "ChecksumType", t[0] ? t : "FULL_OBJECT"))
                return NB_ENOMEM;
        }
    }
    return s3_owner_out(call, e, l->account);
}

static int
walk(nb_call *call, const char *bucket, vlister *l, nb_value *versions, nb_value *markers,
     nb_value *cps)
{
    nb_stmt *st = nb_sql(call, "SELECT key, version_id, latest, delete_marker, size, etag,"
                               " modified, ck_algo, ck_type FROM s3_objects WHERE bucket = ?"
                               " AND key >= ? AND key >= ? ORDER BY key, rowid DESC");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, bucket);
    nb_bind_text(st, 2, l->prefix);
    nb_bind_text(st, 3, l->km);
    size_t pl = strlen(l->prefix);
    int rc, past = !l->vm[0];
    const char *last_cp = NULL;
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *key = nb_col_text(st, 0), *vid = nb_col_text(st, 1);
        if (strncmp(key, l->prefix, pl) != 0)
            break;
        if (l->km[0] && strcmp(key, l->km) == 0) { /* the marker key itself */
            if (!l->vm[0])
                continue; /* all of its versions came before */
            if (!past) {
                past = strcmp(vid, l->vm) == 0;
                continue;
            }
        }
        const char *d = l->delim && l->delim[0] ? strstr(key + pl, l->delim) : NULL;
        const char *cp =
            d ? nb_arena_strndup(call->arena, key, (size_t)(d - key) + strlen(l->delim)) : NULL;
        if (cp && ((last_cp && strcmp(cp, last_cp) == 0) || strcmp(cp, l->km) == 0))
            continue;
        if (l->count == l->max) {
            l->truncated = 1;
            break;
        }
        l->count++;
        if (cp) {
            nb_value *p = nb_list_add_struct(cps);
            if (!p || nb_set_str(p, "Prefix", venc(call, l, cp)))
                return NB_ENOMEM;
            l->last_key = last_cp = cp;
            l->last_vid = NULL;
            continue;
        }
        if ((rc = entry(call, l, versions, markers, st)))
            return rc;
        l->last_key = nb_arena_strdup(call->arena, key);
        l->last_vid = nb_arena_strdup(call->arena, vid);
    }
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
echo(nb_call *call, const vlister *l, const s3_bucket *b, nb_value *out)
{
    int rc = nb_set_str(out, "Name", b->name);
    rc = rc ? rc : nb_set_str(out, "Prefix", venc(call, l, l->prefix));
    rc = rc ? rc : nb_set_str(out, "KeyMarker", venc(call, l, l->km));
    rc = rc ? rc : nb_set_str(out, "VersionIdMarker", l->vm);
    if (!rc && l->delim)
        rc = nb_set_str(out, "Delimiter", venc(call, l, l->delim));
    rc = rc ? rc : nb_set_int(out, "MaxKeys", l->max);
    if (!rc && l->url)
        rc = nb_set_str(out, "EncodingType", "url");
    rc = rc ? rc : nb_set_bool(out, "IsTruncated", l->truncated);
    if (!rc && l->truncated) {
        rc = nb_set_str(out, "NextKeyMarker", venc(call, l, l->last_key));
        if (!rc && l->last_vid)
            rc = nb_set_str(out, "NextVersionIdMarker", l->last_vid);
    }
    return rc;
}

static int
put_list(nb_value *out, const char *name, nb_value *list)
{
    return list->u.c.n ? nb_value_put(out, name, strlen(name), list) : NB_OK;
}

int
s3_list_object_versions(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    vlister l = {0};
    const char *et = nb_get_str(in, "EncodingType");
    l.prefix = nb_get_str(in, "Prefix") ? nb_get_str(in, "Prefix") : "";
    l.delim = nb_get_str(in, "Delimiter");
    l.km = nb_get_str(in, "KeyMarker") ? nb_get_str(in, "KeyMarker") : "";
    l.vm = nb_get_str(in, "VersionIdMarker") ? nb_get_str(in, "VersionIdMarker") : "";
    l.url = et && strcmp(et, "url") == 0;
    l.max = nb_get_int(in, "MaxKeys", MAX_KEYS);
    if (l.vm[0] && !l.km[0]) {
        int rc = s3_fail(call, 400, "InvalidArgument",
                         "A version-id marker cannot be specified without a key marker.",
                         "ArgumentName", "version-id-marker");
        return rc == NB_EAWS && nb_set_str(call->err_fields, "ArgumentValue", l.vm) ? NB_ENOMEM
                                                                                    : rc;
    }
    if (l.max < 0)
        return s3_fail(call, 400, "InvalidArgument", "max-keys cannot be negative", "ArgumentName",
                       "max-keys");
    if (l.max > MAX_KEYS)
        l.max = MAX_KEYS;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    l.account = b.account;
    nb_value *versions = nb_value_list(call->arena), *markers = nb_value_list(call->arena);
    nb_value *cps = nb_value_list(call->arena);
    if (!versions || !markers || !cps)
        return NB_ENOMEM;
    if ((rc = walk(call, b.name, &l, versions, markers, cps)) || (rc = echo(call, &l, &b, out)))
        return rc;
    rc = put_list(out, "Versions", versions);
    rc = rc ? rc : put_list(out, "DeleteMarkers", markers);
    return rc ? rc : put_list(out, "CommonPrefixes", cps);
}
