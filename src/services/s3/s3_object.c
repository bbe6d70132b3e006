/*
 * s3_object.c: objects: PutObject, GetObject and HeadObject (ranges,
 * conditions, response-* overrides), DeleteObject(s), CopyObject, and the
 * version bookkeeping under them (one "null" version when the bucket is
 * not versioned, a new version id per write when it is, delete markers).
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
 * API_GetObject.html (Range: one byte range, 206 with Content-Range; an
 * unsatisfiable range is InvalidRange, 416; If-Match / If-Unmodified-Since
 * failing is 412 PreconditionFailed, If-None-Match / If-Modified-Since 304,
 * and If-Match wins over If-Unmodified-Since, If-None-Match over
 * If-Modified-Since, as RFC 9110 section 13.2.2 orders them),
 * API_HeadObject.html, API_DeleteObject.html, API_DeleteObjects.html,
 * API_CopyObject.html, ErrorResponses.html (NoSuchKey "The specified key
 * does not exist." with Key; NoSuchVersion; PreconditionFailed "At least
 * one of the pre-conditions you specified did not hold" with Condition).
 * Objects without Content-Type are binary/octet-stream; every object is
 * SSE-S3 (AES256) unless the request names another encryption.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/digest.h"
#include "core/http.h"
#include "core/model.h"
#include "core/timefmt.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/blob.h"
#include "store/store.h"

/* Input members kept with an object and answered on GET and HEAD. */
static const char *const kept[] = {
    "ContentType",        "ContentEncoding",
    "ContentDisposition", "ContentLanguage",
    "CacheControl",       "Expires",
    "StorageClass",       "ServerSideEncryption",
    "SSEKMSKeyId",        "WebsiteRedirectLocation",
    "BucketKeyEnabled",   "Metadata",
};

int64_t
s3_object_count(nb_call *call, const char *bucket)
{
    nb_stmt *st = nb_sql(call, "SELECT COUNT(*) FROM s3_objects WHERE bucket = ?");
    if (!st)
        return 0;
    nb_bind_text(st, 1, bucket);
    return nb_step(st) == NB_ROW ? nb_col_int(st, 0) : 0;
}

static const char *
col_dup(nb_call *call, nb_stmt *st, int i)
{
    return nb_arena_strdup(call->arena, nb_col_text(st, i));
}

int
s3_object_get(nb_call *call, const char *bucket, const char *key, const char *version, s3_object *o)
{
    nb_stmt *st =
        version ? nb_sql(call, "SELECT version_id, delete_marker, size, etag, modified, attrs,"
                               " ck_algo, ck_value, blob, ck_type, parts, tags, acl"
                               " FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?")
                : nb_sql(call, "SELECT version_id, delete_marker, size, etag, modified, attrs,"
                               " ck_algo, ck_value, blob, ck_type, parts, tags, acl"
                               " FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, bucket);
    nb_bind_text(st, 2, key);
    if (version)
        nb_bind_text(st, 3, version);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : rc;
    memset(o, 0, sizeof(*o));
    o->key = nb_arena_strdup(call->arena, key);
    o->version_id = col_dup(call, st, 0);
    o->delete_marker = (int)nb_col_int(st, 1);
    o->size = nb_col_int(st, 2);
    o->etag = col_dup(call, st, 3);
    o->modified = nb_col_double(st, 4);
    o->attrs = col_dup(call, st, 5);
    o->ck_algo = col_dup(call, st, 6);
    o->ck_value = col_dup(call, st, 7);
    o->ck_type = col_dup(call, st, 9);
    o->parts = col_dup(call, st, 10);
    o->tags = col_dup(call, st, 11);
    o->acl = col_dup(call, st, 12);
    if (!nb_col_is_null(st, 8) && !(o->blob = col_dup(call, st, 8)))
        return NB_ENOMEM;
    if (!o->key || !o->version_id || !o->etag || !o->attrs || !o->ck_algo || !o->ck_value ||
        !o->ck_type || !o->parts || !o->tags || !o->acl)
        return NB_ENOMEM;
    return o->delete_marker && !version ? NB_ENOTFOUND : NB_OK;
}

/* A version id: 32 characters from S3's alphabet. */
const char *
s3_write_version(nb_call *call, const s3_bucket *b)
{
    return strcmp(b->vstatus, "Enabled") == 0 ? s3_random_id(call, 32) : "null";
}

static int
exec3(nb_call *call, const char *sql, const char *a, const char *b, const char *c)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, a);
    nb_bind_text(st, 2, b);
    if (c)
        nb_bind_text(st, 3, c);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* Writes o as the latest version of its key. Versions are listed newest
 * first by rowid, so a version that exists (the "null" one, overwritten
 * while versioning is off or suspended) and is not the latest is deleted
 * and inserted anew; the latest one is updated in place, which leaves the
 * table's two indexes alone: an overwrite writes one page of s3_objects
 * instead of three. */
int
s3_store_object(nb_call *call, const s3_bucket *b, const s3_object *o)
{
    int rc = exec3(call,
                   "DELETE FROM s3_objects"
                   " WHERE bucket = ? AND key = ? AND version_id = ? AND latest = 0",
                   b->name, o->key, o->version_id);
    rc = rc ? rc
            : exec3(call,
                    "UPDATE s3_objects SET latest = 0"
                    " WHERE bucket = ? AND key = ? AND version_id <> ? AND latest = 1",
                    b->name, o->key, o->version_id);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "INSERT INTO s3_objects (account, region, bucket, key, version_id,"
                               " latest, delete_marker, blob, size, etag, modified, attrs,"
                               " ck_algo, ck_value, ck_type, parts, tags, acl) VALUES (?, ?, ?,"
                               " ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                               " ON CONFLICT (bucket, key, version_id) DO UPDATE SET"
                               " account = excluded.account, region = excluded.region,"
                               " delete_marker = excluded.delete_marker, blob = excluded.blob,"
                               " size = excluded.size, etag = excluded.etag,"
                               " modified = excluded.modified, attrs = excluded.attrs,"
                               " ck_algo = excluded.ck_algo, ck_value = excluded.ck_value,"
                               " ck_type = excluded.ck_type, parts = excluded.parts,"
                               " tags = excluded.tags, acl = excluded.acl");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, b->account);
    nb_bind_text(st, 2, b->region);
    nb_bind_text(st, 3, b->name);
    nb_bind_text(st, 4, o->key);
    nb_bind_text(st, 5, o->version_id);
    nb_bind_int(st, 6, o->delete_marker);
    if (o->blob)
        nb_bind_text(st, 7, o->blob);
    else
        nb_bind_null(st, 7);
    nb_bind_int(st, 8, o->size);
    nb_bind_text(st, 9, o->etag);
    nb_bind_double(st, 10, o->modified);
    nb_bind_text(st, 11, o->attrs);
    nb_bind_text(st, 12, o->ck_algo);
    nb_bind_text(st, 13, o->ck_value);
    nb_bind_text(st, 14, o->ck_type ? o->ck_type : (o->ck_algo[0] ? "FULL_OBJECT" : ""));
    nb_bind_text(st, 15, o->parts ? o->parts : "");
    nb_bind_text(st, 16, o->tags ? o->tags : "");
    nb_bind_text(st, 17, o->acl ? o->acl : "");
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

const char *
s3_md5_etag(nb_call *call, const void *p, size_t n)
{
    char hex[2 * NB_DIGEST_MAX + 1];
    if (!nb_digest_hex(NB_MD5, p, n, hex))
        return NULL;
    return nb_arena_printf(call->arena, "\"%s\"", hex);
}

const char *
s3_attrs_of(nb_call *call, const nb_value *src)
{
    nb_value *a = nb_value_struct(call->arena);
    if (!a)
        return NULL;
    for (size_t i = 0; i < NB_ARRAY_LEN(kept); i++) {
        const nb_value *v = nb_get(src, kept[i]);
        nb_value *c = v ? nb_value_copy(call->arena, v) : NULL;
        if (v && (!c || nb_value_put(a, kept[i], strlen(kept[i]), c)))
            return NULL;
    }
    if (!nb_get(a, "ContentType") && nb_set_str(a, "ContentType", "binary/octet-stream"))
        return NULL;
    if (!nb_get(a, "ServerSideEncryption") && nb_set_str(a, "ServerSideEncryption", "AES256"))
        return NULL;
    return s3_to_json(call, a);
}

/* ETag lists in If-Match / If-None-Match: "*", or quoted or bare tags
 * separated by commas. */
int
s3_etag_in(const char *list, const char *etag)
{
    const char *bare = etag + 1;
    size_t bl = strlen(etag) - 2;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if ((n == 1 && *p == '*') || (n == bl + 2 && !strncmp(p, etag, n)) ||
            (n == bl && !strncmp(p, bare, n)))
            return 1;
        p += n;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

int
s3_precondition(nb_call *call, const char *condition)
{
    return s3_fail(call, 412, "PreconditionFailed",
                   "At least one of the pre-conditions you specified did not hold", "Condition",
                   condition);
}

int
s3_conditions(nb_call *call, const nb_value *in, const s3_object *o, const char *prefix)
{
    char m[64];
    snprintf(m, sizeof(m), "%sIfMatch", prefix);
    const char *im = nb_get_str(in, m);
    snprintf(m, sizeof(m), "%sIfUnmodifiedSince", prefix);
    const nb_value *ius = nb_get(in, m);
    snprintf(m, sizeof(m), "%sIfNoneMatch", prefix);
    const char *inm = nb_get_str(in, m);
    snprintf(m, sizeof(m), "%sIfModifiedSince", prefix);
    const nb_value *ims = nb_get(in, m);
    int copy = prefix[0] != '\0';
    if (im && !s3_etag_in(im, o->etag))
        return s3_precondition(call, copy ? "x-amz-copy-source-If-Match" : "If-Match");
    if (!im && ius && ius->type == NB_V_TIME && o->modified > ius->u.d)
        return s3_precondition(call, copy ? "x-amz-copy-source-If-Unmodified-Since"
                                          : "If-Unmodified-Since");
    if (inm && s3_etag_in(inm, o->etag))
        return copy ? s3_precondition(call, "x-amz-copy-source-If-None-Match") : 304;
    if (!inm && ims && ims->type == NB_V_TIME && o->modified <= ims->u.d && ims->u.d <= call->now)
        return copy ? s3_precondition(call, "x-amz-copy-source-If-Modified-Since") : 304;
    return NB_OK;
}

int
s3_put_object(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    s3_object o = {0}, cur;
    int rc = s3_key_check(call, nb_get_str(in, "Key"));
    o.tags = "";
    if (rc)
        return rc;
    if (nb_get_str(in, "Tagging") &&
        (rc = s3_tags_from_query(call, nb_get_str(in, "Tagging"), &o.tags)))
        return rc;
    if ((rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b)))
        return rc;
    const nb_value *body = nb_get(in, "Body");
    s3_sum sum;
    o.key = nb_get_str(in, "Key");
    o.size = s3_body_size(body);
    if (o.size > S3_PUT_MAX)
        return s3_too_large(call, o.size, S3_PUT_MAX);
    if ((rc = s3_check_body(call, in, body, &o.ck_algo, &o.ck_value, &sum)))
        return rc;
    if ((rc = s3_acl_from_request(call, in, &b, &o.acl)))
        return rc;
    /* AWS: conditional writes (If-None-Match "*", If-Match <etag>). */
    int exists = s3_object_get(call, b.name, o.key, NULL, &cur) == NB_OK;
    if (nb_get_str(in, "IfNoneMatch") && exists)
        return s3_precondition(call, "If-None-Match");
    if (nb_get_str(in, "IfMatch") && (!exists || !s3_etag_in(nb_get_str(in, "IfMatch"), cur.etag)))
        return exists ? s3_precondition(call, "If-Match")
                      : s3_fail(call, 404, "NoSuchKey", "The specified key does not exist.", "Key",
                                o.key);
    o.etag = s3_etag_of(call, &sum);
    o.version_id = s3_write_version(call, &b);
    o.modified = (double)(int64_t)call->now;
    o.attrs = s3_attrs_of(call, in);
    if (!o.etag || !o.version_id || !o.attrs)
        return NB_ENOMEM;
    if ((rc = nb_blob_put(call, body, &o.blob)) || (rc = s3_store_object(call, &b, &o)))
        return rc;
    rc = nb_set_str(out, "ETag", o.etag);
    if (!rc && strcmp(o.version_id, "null") != 0)
        rc = nb_set_str(out, "VersionId", o.version_id);
    if (!rc && o.ck_algo[0]) {
        rc = nb_set_str(out, s3_checksum_member(call, o.ck_algo), o.ck_value);
        rc = rc ? rc : nb_set_str(out, "ChecksumType", "FULL_OBJECT");
    }
    const nb_value *sse = nb_get(s3_from_json(call, o.attrs, NB_NO_SHAPE), "ServerSideEncryption");
    return rc ? rc : nb_set_str(out, "ServerSideEncryption", sse ? sse->u.s.p : "AES256");
}

/* One "bytes=first-last" range of size bytes: 0 with the bounds set; 1
 * when there is none S3 honours (absent, malformed, several); -1 when
 * unsatisfiable. */
static int
parse_range(const char *r, int64_t size, int64_t *from, int64_t *to)
{
    if (!r || strncmp(r, "bytes=", 6) != 0 || strchr(r, ','))
        return 1;
    const char *p = r + 6, *dash = strchr(p, '-');
    if (!dash || strspn(p, "0123456789") != (size_t)(dash - p) ||
        strspn(dash + 1, "0123456789") != strlen(dash + 1) || (dash == p && !dash[1]))
        return 1;
    if (dash == p) { /* suffix: the last n bytes */
        int64_t n = strtoll(dash + 1, NULL, 10);
        if (n == 0 || size == 0)
            return -1;
        *from = n >= size ? 0 : size - n;
        *to = size - 1;
        return 0;
    }
    *from = strtoll(p, NULL, 10);
    *to = dash[1] ? strtoll(dash + 1, NULL, 10) : INT64_MAX;
    if (*to < *from)
        return 1;
    if (*from >= size)
        return -1;
    if (*to >= size)
        *to = size - 1;
    return 0;
}

/* The kept attributes, then the response-* overrides. */
static int
attrs_out(nb_call *call, const nb_value *in, const s3_object *o, nb_value *out)
{
    static const char *const over[][2] = {
        {"ResponseContentType", "ContentType"},
        {"ResponseContentLanguage", "ContentLanguage"},
        {"ResponseCacheControl", "CacheControl"},
        {"ResponseContentDisposition", "ContentDisposition"},
        {"ResponseContentEncoding", "ContentEncoding"},
    };
    nb_value *a = s3_from_json(call, o->attrs, call->op->output);
    if (!a)
        return NB_EINTERNAL;
    for (nb_value *m = a->u.c.first, *next; m; m = next) {
        next = m->next;
        m->next = NULL;
        int rc = nb_value_put(out, m->key, m->klen, m);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < NB_ARRAY_LEN(over); i++)
        if (nb_get_str(in, over[i][0]) && nb_set_str(out, over[i][1], nb_get_str(in, over[i][0])))
            return NB_ENOMEM;
    const nb_value *exp = nb_get(in, "ResponseExpires");
    if (exp && exp->type == NB_V_TIME) {
        char *t = nb_arena_alloc(call->arena, 40);
        if (!t || nb_time_rfc822(t, 40, exp->u.d) || nb_set_str(out, "Expires", t))
            return NB_ENOMEM;
    }
    return NB_OK;
}

int
s3_no_such_key(nb_call *call, const char *key, const char *v)
{
    if (v && strcmp(v, "null") != 0) {
        int rc = s3_fail(call, 404, "NoSuchVersion", "The specified version does not exist.", "Key",
                         key);
        return rc == NB_EAWS && nb_set_str(call->err_fields, "VersionId", v) ? NB_ENOMEM : rc;
    }
    return s3_fail(call, 404, "NoSuchKey", "The specified key does not exist.", "Key", key);
}

/* The bytes of part n of a multipart object (parts numbered 1 to N in
 * the order completed); a simple object is one part. AWS: GetObject
 * partNumber: InvalidPartNumber (416) past the last part, with
 * PartNumberRequested and ActualPartCount. */
static int
part_range(nb_call *call, const nb_value *in, const s3_object *o, int64_t *from, int64_t *to,
           int64_t *nparts, const char **ck)
{
    int64_t n = nb_get_int(in, "PartNumber", 0);
    const nb_value *parts = o->parts[0] ? s3_from_json(call, o->parts, NB_NO_SHAPE) : NULL;
    int64_t count = parts ? (int64_t)parts->u.c.n : 1;
    if (n < 1 || n > count) {
        int rc = s3_fail(call, 416, "InvalidPartNumber",
                         "The requested partnumber is not "
                         "satisfiable",
                         "PartNumberRequested", nb_arena_printf(call->arena, "%lld", (long long)n));
        const char *c = nb_arena_printf(call->arena, "%lld", (long long)count);
        return rc == NB_EAWS && (!c || nb_set_str(call->err_fields, "ActualPartCount", c))
                   ? NB_ENOMEM
                   : rc;
    }
    if (!parts)
        return NB_OK; /* the whole object, as a plain GET */
    int64_t off = 0, i = 1;
    for (const nb_value *p = nb_first(parts); p; p = p->next, i++) {
        int64_t size = nb_get_int(p, "Size", 0);
        if (i == n) {
            *from = off;
            *to = off + size - 1;
            *ck = nb_get_str(p, s3_checksum_member(call, o->ck_algo));
            break;
        }
        off += size;
    }
    *nparts = count;
    return NB_OK;
}

static int
err_header(nb_call *call, const char *name, const char *value)
{
    if (!call->err_headers && !(call->err_headers = nb_value_struct(call->arena)))
        return NB_ENOMEM;
    return value ? nb_set_str(call->err_headers, name, value) : NB_ENOMEM;
}

int
s3_missing(nb_call *call, const char *key, const char *version, const s3_object *o)
{
    int rc;
    if (!o->delete_marker)
        return s3_no_such_key(call, key, version);
    /* AWS: API_GetObject.html: the current version is a delete marker:
     * NoSuchKey with x-amz-delete-marker: true; a delete marker asked for
     * by version: 405 MethodNotAllowed, ResourceType DeleteMarker. */
    if (!version) {
        rc = s3_no_such_key(call, key, NULL);
    } else {
        const char *m = call->http && call->http->method ? call->http->method : "GET";
        char *t = nb_arena_alloc(call->arena, 40);
        rc = s3_fail(call, 405, "MethodNotAllowed",
                     "The specified method is not allowed against this resource.", "Method", m);
        if (rc == NB_EAWS &&
            (!t || nb_set_str(call->err_fields, "ResourceType", "DeleteMarker") ||
             nb_time_rfc822(t, 40, o->modified) || err_header(call, "Last-Modified", t) ||
             err_header(call, "Allow", "DELETE")))
            return NB_ENOMEM;
    }
    if (rc == NB_EAWS && (err_header(call, "x-amz-delete-marker", "true") ||
                          err_header(call, "x-amz-version-id", o->version_id)))
        return NB_ENOMEM;
    return rc;
}

/* GetObject and HeadObject. */
static int
read_object(nb_call *call, const nb_value *in, nb_value *out, int head)
{
    s3_bucket b;
    s3_object o;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    o.delete_marker = 0;
    rc = s3_object_get(call, b.name, nb_get_str(in, "Key"), nb_get_str(in, "VersionId"), &o);
    if (rc == NB_ENOTFOUND || (rc == NB_OK && o.delete_marker))
        return s3_missing(call, nb_get_str(in, "Key"), nb_get_str(in, "VersionId"), &o);
    if (rc)
        return rc;
    rc = s3_conditions(call, in, &o, "");
    if (rc == 304) {
        rc = nb_set_int(out, "StatusCode", 304);
        rc = rc ? rc : nb_set_str(out, "ETag", o.etag);
        return rc ? rc : nb_set_time(out, "LastModified", o.modified);
    }
    if (rc)
        return rc;
    int64_t from = 0, to = o.size - 1, nparts = 0;
    const char *range = nb_get_str(in, "Range"), *part_ck = NULL;
    int pr = parse_range(range, o.size, &from, &to);
    if (pr > 0) { /* AWS: a range S3 does not honour is ignored: the whole object */
        from = 0;
        to = o.size - 1;
    }
    if (nb_get(in, "PartNumber")) {
        if (range)
            return s3_fail(call, 400, "InvalidRequest",
                           "Cannot specify both Range header and partNumber query parameter", NULL,
                           NULL);
        if ((rc = part_range(call, in, &o, &from, &to, &nparts, &part_ck)))
            return rc;
        pr = nparts ? 0 : 1;
    }
    if (pr < 0) {
        rc = s3_fail(call, 416, "InvalidRange", "The requested range is not satisfiable",
                     "RangeRequested", range);
        char sz[24];
        snprintf(sz, sizeof(sz), "%lld", (long long)o.size);
        return rc == NB_EAWS && nb_set_str(call->err_fields, "ActualObjectSize", sz) ? NB_ENOMEM
                                                                                     : rc;
    }
    int64_t len = pr == 0 ? to - from + 1 : o.size;
    if ((rc = attrs_out(call, in, &o, out)))
        return rc;
    rc = nb_set_str(out, "AcceptRanges", "bytes");
    rc = rc ? rc : nb_set_time(out, "LastModified", o.modified);
    rc = rc ? rc : nb_set_int(out, "ContentLength", len);
    rc = rc ? rc : nb_set_str(out, "ETag", o.etag);
    if (!rc && strcmp(o.version_id, "null") != 0)
        rc = nb_set_str(out, "VersionId", o.version_id);
    if (!rc && nparts)
        rc = nb_set_int(out, "PartsCount", nparts);
    if (!rc && o.tags[0])
        rc = nb_set_int(out, "TagCount", s3_tag_count(call, o.tags));
    if (!rc && pr == 0) {
        rc = nb_set_int(out, "StatusCode", 206);
        rc = rc ? rc
                : nb_set_str(out, "ContentRange",
                             nb_arena_printf(call->arena, "bytes %lld-%lld/%lld", (long long)from,
                                             (long long)to, (long long)o.size));
    }
    const char *mode = nb_get_str(in, "ChecksumMode");
    int ck_on = mode && strcasecmp(mode, "ENABLED") == 0 && o.ck_algo[0];
    if (!rc && ck_on && (pr != 0 || (nparts && part_ck))) {
        rc = nb_set_str(out, s3_checksum_member(call, o.ck_algo), part_ck ? part_ck : o.ck_value);
        rc = rc ? rc : nb_set_str(out, "ChecksumType", o.ck_type[0] ? o.ck_type : "FULL_OBJECT");
    }
    if (!rc && !head) {
        nb_value *bv = nb_blob_value(call, o.blob, from, len);
        rc = bv ? nb_value_put(out, "Body", 4, bv) : NB_EINTERNAL;
    }
    return rc;
}

int
s3_get_object(nb_call *call, const nb_value *in, nb_value *out)
{
    return read_object(call, in, out, 0);
}

int
s3_head_object(nb_call *call, const nb_value *in, nb_value *out)
{
    return read_object(call, in, out, 1);
}

/* After a version was removed: the newest remaining one is the latest. */
static int
promote(nb_call *call, const char *bucket, const char *key)
{
    return exec3(call,
                 "UPDATE s3_objects SET latest = 1 WHERE rowid = (SELECT rowid FROM s3_objects"
                 " WHERE bucket = ? AND key = ? ORDER BY rowid DESC LIMIT 1)",
                 bucket, key, NULL);
}

typedef struct deleted {
    const char *version_id; /* the version removed or the marker made, or NULL */
    int marker;             /* a delete marker was made or removed */
} deleted;

static int
delete_one(nb_call *call, const s3_bucket *b, const char *key, const char *version, deleted *d)
{
    s3_object o;
    memset(d, 0, sizeof(*d));
    if (version) {
        int rc = s3_object_get(call, b->name, key, version, &o);
        if (rc == NB_ENOTFOUND)
            return NB_OK; /* AWS: deleting a missing version succeeds */
        rc = rc ? rc
                : exec3(call,
                        "DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?",
                        b->name, key, version);
        d->version_id = version;
        d->marker = o.delete_marker;
        return rc ? rc : promote(call, b->name, key);
    }
    if (!b->vstatus[0])
        return exec3(call, "DELETE FROM s3_objects WHERE bucket = ? AND key = ?", b->name, key,
                     NULL);
    s3_object m = {0};
    m.key = key;
    m.version_id = s3_write_version(call, b);
    m.delete_marker = 1;
    m.etag = "";
    m.attrs = "{}";
    m.ck_algo = m.ck_value = "";
    m.modified = (double)(int64_t)call->now;
    if (!m.version_id)
        return NB_ENOMEM;
    d->version_id = m.version_id;
    d->marker = 1;
    return s3_store_object(call, b, &m);
}

static int
deleted_out(nb_value *v, const deleted *d, int multi)
{
    int rc = NB_OK;
    if (d->marker)
        rc = nb_set_bool(v, "DeleteMarker", 1);
    if (!rc && d->version_id && (multi || d->marker || strcmp(d->version_id, "null") != 0))
        rc = nb_set_str(v, multi && d->marker ? "DeleteMarkerVersionId" : "VersionId",
                        d->version_id);
    return rc;
}

int
s3_delete_object(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    deleted d;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : delete_one(call, &b, nb_get_str(in, "Key"), nb_get_str(in, "VersionId"), &d);
    return rc ? rc : deleted_out(out, &d, 0);
}

/* AWS: API_DeleteObjects.html: at most 1000 keys; Quiet leaves out what
 * was deleted. */
int
s3_delete_objects(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    const nb_value *del = nb_get(in, "Delete");
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    if (nb_get_len(del, "Objects") > 1000)
        return s3_fail(call, 400, "MalformedXML",
                       "The XML you provided was not well-formed or did not validate against our "
                       "published schema",
                       NULL, NULL);
    int quiet = nb_get_bool(del, "Quiet", 0);
    nb_value *list = quiet ? NULL : nb_set_list(out, "Deleted");
    for (const nb_value *ob = nb_first(nb_get(del, "Objects")); ob; ob = ob->next) {
        deleted d;
        const char *key = nb_get_str(ob, "Key"), *vid = nb_get_str(ob, "VersionId");
        if ((rc = delete_one(call, &b, key, vid, &d)))
            return rc;
        if (quiet)
            continue;
        nb_value *item = nb_list_add_struct(list);
        if (!item || nb_set_str(item, "Key", key) || (vid && nb_set_str(item, "VersionId", vid)))
            return NB_ENOMEM;
        if (!vid && (rc = deleted_out(item, &d, 1)))
            return rc;
        if (vid && d.marker &&
            (nb_set_bool(item, "DeleteMarker", 1) ||
             nb_set_str(item, "DeleteMarkerVersionId", vid)))
            return NB_ENOMEM;
    }
    return NB_OK;
}

/* x-amz-copy-source: "[/]bucket/key[?versionId=v]", URL-encoded. */
int
s3_copy_source(nb_call *call, const char *src, const char **bucket, const char **key,
               const char **version)
{
    const char *q = strchr(src, '?');
    size_t n = q ? (size_t)(q - src) : strlen(src);
    char *d = nb_arena_alloc(call->arena, n + 1);
    if (!d)
        return NB_ENOMEM;
    long len = nb_url_decode(d, src, n, 0);
    char *p = len < 0 ? NULL : d[0] == '/' ? d + 1 : d;
    char *slash = p ? strchr(p, '/') : NULL;
    if (!slash || !slash[1] || slash == p)
        return s3_fail(call, 400, "InvalidArgument", "Invalid copy source object key",
                       "ArgumentName", "x-amz-copy-source");
    *slash = '\0';
    *bucket = p;
    *key = slash + 1;
    *version = q && strncmp(q, "?versionId=", 11) == 0 ? q + 11 : NULL;
    return NB_OK;
}

int
s3_copy_load(nb_call *call, const nb_value *in, s3_object *src, const char **bucket)
{
    s3_bucket sb;
    const char *sbucket = NULL, *skey = NULL, *sver = NULL;
    int rc = s3_copy_source(call, nb_get_str(in, "CopySource"), &sbucket, &skey, &sver);
    rc = rc ? rc : s3_bucket_need(call, sbucket, &sb);
    if (rc)
        return rc;
    rc = s3_object_get(call, sb.name, skey, sver, src);
    if (rc == NB_ENOTFOUND || (rc == NB_OK && src->delete_marker))
        return sver && rc == NB_OK ? s3_fail(call, 400, "InvalidRequest",
                                             "The source of a copy request may not specifically "
                                             "refer to a delete marker by version id.",
                                             NULL, NULL)
                                   : s3_no_such_key(call, skey, sver);
    if (rc)
        return rc;
    *bucket = sb.name;
    rc = s3_conditions(call, in, src, "CopySource");
    return rc == 304 ? NB_EINTERNAL : rc;
}

int
s3_copy_object(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    s3_object src, o;
    int rc = s3_key_check(call, nb_get_str(in, "Key"));
    rc = rc ? rc : s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    const char *sbucket = NULL, *skey;
    rc = rc ? rc : s3_copy_load(call, in, &src, &sbucket);
    if (rc)
        return rc;
    skey = src.key;
    const char *dir = nb_get_str(in, "MetadataDirective");
    int replace = dir && strcmp(dir, "REPLACE") == 0;
    if (!replace && !strcmp(sbucket, b.name) && !strcmp(skey, nb_get_str(in, "Key")) &&
        !nb_get(in, "StorageClass") && !nb_get(in, "WebsiteRedirectLocation") &&
        !nb_get(in, "ServerSideEncryption") && strcmp(b.vstatus, "Enabled") != 0)
        return s3_fail(call, 400, "InvalidRequest",
                       "This copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata, storage class, website "
                       "redirect location or encryption attributes.",
                       NULL, NULL);
    o = src;
    o.key = nb_get_str(in, "Key");
    o.version_id = s3_write_version(call, &b);
    o.modified = (double)(int64_t)call->now;
    o.acl = "";
    if (replace)
        o.attrs = s3_attrs_of(call, in);
    if (o.parts[0]) { /* AWS: a copy is one part: its ETag is the MD5 of its bytes */
        s3_sum sum;
        int composite = strcmp(o.ck_type, "COMPOSITE") == 0;
        if ((rc = s3_sum_blob(call, o.blob, 0, o.size, composite ? o.ck_algo : NULL, &sum)))
            return rc;
        o.parts = "";
        o.etag = s3_etag_of(call, &sum);
        if (composite) {
            o.ck_type = "FULL_OBJECT";
            o.ck_value = sum.ck;
        }
    }
    if (!o.version_id || !o.attrs || !o.etag || !o.ck_value)
        return NB_ENOMEM;
    if ((rc = s3_store_object(call, &b, &o)))
        return rc;
    nb_value *r = nb_set_struct(out, "CopyObjectResult");
    if (!r || nb_set_str(r, "ETag", o.etag) || nb_set_time(r, "LastModified", o.modified))
        return NB_ENOMEM;
    if (o.ck_algo[0] && nb_set_str(r, s3_checksum_member(call, o.ck_algo), o.ck_value))
        return NB_ENOMEM;
    if (strcmp(src.version_id, "null") != 0 &&
        nb_set_str(out, "CopySourceVersionId", src.version_id))
        return NB_ENOMEM;
    if (strcmp(o.version_id, "null") != 0 && nb_set_str(out, "VersionId", o.version_id))
        return NB_ENOMEM;
    return nb_set_str(out, "ServerSideEncryption", "AES256");
}

static int
has_attr(const nb_value *list, const char *name)
{
    for (const nb_value *a = nb_first(list); a; a = a->next)
        if (a->type == NB_V_STR && strcmp(a->u.s.p, name) == 0)
            return 1;
    return 0;
}

/* ObjectParts: the parts of a multipart object, paged; the list itself
 * only when the parts carry checksums. */
static int
parts_out(nb_call *call, const nb_value *in, const s3_object *o, nb_value *out)
{
    const nb_value *parts = s3_from_json(call, o->parts, NB_NO_SHAPE);
    if (!parts)
        return NB_EINTERNAL;
    int64_t max = nb_get_int(in, "MaxParts", 1000), marker = nb_get_int(in, "PartNumberMarker", 0);
    int64_t count = 0, last = 0;
    nb_value *op = nb_set_struct(out, "ObjectParts");
    nb_value *list = nb_value_list(call->arena);
    if (!op || !list || nb_set_int(op, "TotalPartsCount", (int64_t)parts->u.c.n))
        return NB_ENOMEM;
    if (!o->ck_algo[0])
        return NB_OK;
    int truncated = 0;
    const char *member = s3_checksum_member(call, o->ck_algo);
    for (const nb_value *p = nb_first(parts); p; p = p->next) {
        int64_t n = nb_get_int(p, "PartNumber", 0);
        if (n <= marker)
            continue;
        if (count == max) {
            truncated = 1;
            break;
        }
        nb_value *e = nb_list_add_struct(list);
        if (!e || nb_set_int(e, "PartNumber", n) || nb_set_int(e, "Size", nb_get_int(p, "Size", 0)))
            return NB_ENOMEM;
        if (nb_get_str(p, member) && nb_set_str(e, member, nb_get_str(p, member)))
            return NB_ENOMEM;
        last = n;
        count++;
    }
    int rc = nb_set_int(op, "PartNumberMarker", marker);
    if (!rc && count)
        rc = nb_set_int(op, "NextPartNumberMarker", last);
    rc = rc ? rc : nb_set_int(op, "MaxParts", max);
    rc = rc ? rc : nb_set_bool(op, "IsTruncated", truncated);
    return rc || !count ? rc : nb_value_put(op, "Parts", 5, list);
}

/* AWS: API_GetObjectAttributes.html: only the attributes asked for; the
 * ETag without its quotes; Checksum with ChecksumType; ObjectParts for
 * multipart objects. */
int
s3_get_object_attributes(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    s3_object o;
    const nb_value *want = nb_get(in, "ObjectAttributes");
    const char *key = nb_get_str(in, "Key"), *vid = nb_get_str(in, "VersionId");
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    o.delete_marker = 0;
    rc = s3_object_get(call, b.name, key, vid, &o);
    if (rc == NB_ENOTFOUND || (!rc && o.delete_marker))
        return s3_missing(call, key, vid, &o);
    if (rc)
        return rc;
    rc = nb_set_time(out, "LastModified", o.modified);
    if (!rc && strcmp(o.version_id, "null") != 0)
        rc = nb_set_str(out, "VersionId", o.version_id);
    if (!rc && has_attr(want, "ETag"))
        rc = nb_set_strn(out, "ETag", o.etag + 1, strlen(o.etag) - 2);
    if (!rc && has_attr(want, "Checksum") && o.ck_algo[0]) {
        nb_value *c = nb_set_struct(out, "Checksum");
        rc = !c || nb_set_str(c, s3_checksum_member(call, o.ck_algo), o.ck_value) ||
                     nb_set_str(c, "ChecksumType", o.ck_type[0] ? o.ck_type : "FULL_OBJECT")
                 ? NB_ENOMEM
                 : NB_OK;
    }
    if (!rc && has_attr(want, "ObjectParts") && o.parts[0])
        rc = parts_out(call, in, &o, out);
    if (!rc && has_attr(want, "StorageClass"))
        rc = nb_set_str(out, "StorageClass", "STANDARD");
    if (!rc && has_attr(want, "ObjectSize"))
        rc = nb_set_int(out, "ObjectSize", o.size);
    return rc;
}
