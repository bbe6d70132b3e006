/*
 * s3_tagging.c: object tags: PutObjectTagging, GetObjectTagging,
 * DeleteObjectTagging, and the x-amz-tagging header of PutObject and
 * CreateMultipartUpload. Tags are stored with the object version as a
 * TagSet (JSON list of {Key, Value}) and counted on GET and HEAD
 * (x-amz-tagging-count).
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 * (at most 10 tags per object; keys of 1 to 128 Unicode characters,
 * values of 0 to 256; keys unique; no "aws:" prefix),
 * API_PutObjectTagging.html. The messages are the ones S3 answers, as
 * moto (moto/s3/models.py) and S3 users' reports show them: more than 10
 * tags is BadRequest, not InvalidTag; duplicate keys in x-amz-tagging are
 * InvalidArgument.
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/http.h"
#include "core/model.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

#define MAX_TAGS 10
#define MAX_TAG_KEY 128
#define MAX_TAG_VALUE 256

static int
invalid_tag(nb_call *call, const char *msg)
{
    return s3_fail(call, 400, "InvalidTag", msg, NULL, NULL);
}

/* Unicode characters in a UTF-8 string. */
static size_t
chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Checks a TagSet tree: count, lengths, unique keys (header: as sent in
 * x-amz-tagging, whose duplicates are a malformed header). */
static int
check_tags(nb_call *call, const nb_value *set, int header)
{
    size_t n = 0;
    for (const nb_value *t = nb_first(set); t; t = t->next, n++) {
        const char *k = nb_get_str(t, "Key"), *v = nb_get_str(t, "Value");
        if (!k || !k[0] || chars(k) > MAX_TAG_KEY)
            return invalid_tag(call, "The TagKey you have provided is invalid");
        if (v && chars(v) > MAX_TAG_VALUE)
            return invalid_tag(call, "The TagValue you have provided is invalid");
        if (strncmp(k, "aws:", 4) == 0)
            return invalid_tag(call, "Your TagKey cannot be prefixed with aws:");
        for (const nb_value *u = nb_first(set); u != t; u = u->next)
            if (strcmp(nb_get_str(u, "Key"), k) == 0)
                return header ? s3_fail(call, 400, "InvalidArgument",
                                        "The header 'x-amz-tagging' shall be encoded as UTF-8 "
                                        "then URLEncoded URL query parameters without tag name "
                                        "duplicates.",
                                        "ArgumentName", "x-amz-tagging")
                              : invalid_tag(call, "Cannot provide multiple Tags with the same key");
    }
    if (n > MAX_TAGS) /* AWS answers this one with BadRequest */
        return s3_fail(call, 400, "BadRequest", "Object tags cannot be greater than 10", NULL,
                       NULL);
    return NB_OK;
}

/* One URL-encoded piece of a tagging query, decoded ('+' is a space). */
static char *
piece(nb_call *call, const char *p, size_t n)
{
    char *d = nb_arena_alloc(call->arena, n + 1);
    if (!d)
        return NULL;
    long len = nb_url_decode(d, p, n, 1);
    if (len < 0)
        return NULL;
    d[len] = '\0';
    return d;
}

int
s3_tags_from_query(nb_call *call, const char *query, const char **json)
{
    nb_value *set = nb_value_list(call->arena);
    if (!set)
        return NB_ENOMEM;
    for (const char *p = query; *p;) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        char *k = piece(call, p, kn),
             *v = eq ? piece(call, eq + 1, n - kn - 1) : piece(call, "", 0);
        if (!k || !v)
            return invalid_tag(call, "The TagKey you have provided is invalid");
        nb_value *t = n ? nb_list_add_struct(set) : NULL;
        if (n && (!t || nb_set_str(t, "Key", k) || nb_set_str(t, "Value", v)))
            return NB_ENOMEM;
        p += n;
        if (*p == '&')
            p++;
    }
    int rc = check_tags(call, set, 1);
    if (rc)
        return rc;
    *json = set->u.c.n ? s3_to_json(call, set) : "";
    return *json ? NB_OK : NB_ENOMEM;
}

int64_t
s3_tag_count(nb_call *call, const char *tags)
{
    const nb_value *v = tags[0] ? s3_from_json(call, tags, NB_NO_SHAPE) : NULL;
    return v && v->type == NB_V_LIST ? (int64_t)v->u.c.n : 0;
}

/* The object version a tagging call names (delete markers refused). */
static int
target(nb_call *call, const nb_value *in, s3_object *o)
{
    s3_bucket b;
    const char *key = nb_get_str(in, "Key"), *vid = nb_get_str(in, "VersionId");
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    o->delete_marker = 0;
    rc = s3_object_get(call, b.name, key, vid, o);
    if (rc == NB_ENOTFOUND || (!rc && o->delete_marker))
        return s3_missing(call, key, vid, o);
    return rc;
}

static int
set_tags(nb_call *call, const nb_value *in, const s3_object *o, const char *json)
{
    nb_stmt *st = nb_sql(call, "UPDATE s3_objects SET tags = ? WHERE bucket = ? AND key = ?"
                               " AND version_id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, json);
    nb_bind_text(st, 2, nb_get_str(in, "Bucket"));
    nb_bind_text(st, 3, o->key);
    nb_bind_text(st, 4, o->version_id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static int
version_out(nb_value *out, const s3_object *o)
{
    return strcmp(o->version_id, "null") != 0 ? nb_set_str(out, "VersionId", o->version_id) : NB_OK;
}

int
s3_put_object_tagging(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_object o;
    const nb_value *set = nb_get(nb_get(in, "Tagging"), "TagSet");
    int rc = target(call, in, &o);
    rc = rc ? rc : check_tags(call, set, 0);
    if (rc)
        return rc;
    const char *json = nb_first(set) ? s3_to_json(call, set) : "";
    if (!json)
        return NB_ENOMEM;
    rc = set_tags(call, in, &o, json);
    return rc ? rc : version_out(out, &o);
}

int
s3_get_object_tagging(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_object o;
    int rc = target(call, in, &o);
    if (rc)
        return rc;
    nb_value *set = o.tags[0] ? s3_from_json(call, o.tags, s3_out_shape(call, "TagSet"))
                              : nb_value_list(call->arena);
    if (!set)
        return NB_ENOMEM;
    set->type = NB_V_LIST;
    rc = nb_value_put(out, "TagSet", 6, set);
    return rc ? rc : version_out(out, &o);
}

int
s3_delete_object_tagging(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_object o;
    int rc = target(call, in, &o);
    rc = rc ? rc : set_tags(call, in, &o, "");
    return rc ? rc : version_out(out, &o);
}
