/*
 * s3.c: Amazon S3: buckets, their configurations, and objects. The
 * service takes requests no other service claims (.fallback), as
 * LocalStack's S3 does, and reads both addressing styles: path style
 * (/bucket/key) as the URI templates say, and virtual-hosted style
 * (bucket.s3.localhost.localstack.cloud, bucket.s3.<region>.amazonaws.com,
 * bucket.localhost), whose bucket rewrite() below puts back in front of
 * the path before the operation is resolved.
 *
 * The schema is below rather than in a .sql file, since the build embeds
 * no files. Bucket names are one global namespace, as in S3.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/config.h"
#include "core/http.h"
#include "core/service.h"
#include "gen/s3_model.h"
#include "s3_int.h"

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"AbortMultipartUpload", s3_abort_multipart_upload},
    {"CompleteMultipartUpload", s3_complete_multipart_upload},
    {"CopyObject", s3_copy_object},
    {"CreateBucket", s3_create_bucket},
    {"CreateMultipartUpload", s3_create_multipart_upload},
    {"DeleteBucket", s3_delete_bucket},
    {"DeleteBucketCors", s3_config_delete},
    {"DeleteBucketEncryption", s3_config_delete},
    {"DeleteBucketLifecycle", s3_config_delete},
    {"DeleteBucketOwnershipControls", s3_config_delete},
    {"DeleteBucketPolicy", s3_config_delete},
    {"DeleteBucketTagging", s3_config_delete},
    {"DeleteBucketWebsite", s3_config_delete},
    {"DeleteObject", s3_delete_object},
    {"DeleteObjectTagging", s3_delete_object_tagging},
    {"DeleteObjects", s3_delete_objects},
    {"DeletePublicAccessBlock", s3_config_delete},
    {"GetBucketAccelerateConfiguration", s3_config_get},
    {"GetBucketAcl", s3_get_bucket_acl},
    {"GetBucketCors", s3_config_get},
    {"GetBucketEncryption", s3_config_get},
    {"GetBucketLifecycleConfiguration", s3_config_get},
    {"GetBucketLocation", s3_get_bucket_location},
    {"GetBucketLogging", s3_config_get},
    {"GetBucketNotificationConfiguration", s3_config_get},
    {"GetBucketOwnershipControls", s3_config_get},
    {"GetBucketPolicy", s3_config_get},
    {"GetBucketPolicyStatus", s3_get_bucket_policy_status},
    {"GetBucketRequestPayment", s3_config_get},
    {"GetBucketTagging", s3_config_get},
    {"GetBucketVersioning", s3_get_bucket_versioning},
    {"GetBucketWebsite", s3_config_get},
    {"GetObject", s3_get_object},
    {"GetObjectAcl", s3_get_object_acl},
    {"GetObjectAttributes", s3_get_object_attributes},
    {"GetObjectLockConfiguration", s3_config_get},
    {"GetObjectTagging", s3_get_object_tagging},
    {"GetPublicAccessBlock", s3_config_get},
    {"HeadBucket", s3_head_bucket},
    {"HeadObject", s3_head_object},
    {"ListBuckets", s3_list_buckets},
    {"ListMultipartUploads", s3_list_multipart_uploads},
    {"ListObjectVersions", s3_list_object_versions},
    {"ListObjects", s3_list_objects},
    {"ListObjectsV2", s3_list_objects_v2},
    {"ListParts", s3_list_parts},
    {"PutBucketAccelerateConfiguration", s3_config_put},
    {"PutBucketAcl", s3_put_bucket_acl},
    {"PutBucketCors", s3_config_put},
    {"PutBucketEncryption", s3_config_put},
    {"PutBucketLifecycleConfiguration", s3_config_put},
    {"PutBucketLogging", s3_config_put},
    {"PutBucketNotificationConfiguration", s3_config_put},
    {"PutBucketOwnershipControls", s3_config_put},
    {"PutBucketPolicy", s3_config_put},
    {"PutBucketRequestPayment", s3_config_put},
    {"PutBucketTagging", s3_config_put},
    {"PutBucketVersioning", s3_put_bucket_versioning},
    {"PutBucketWebsite", s3_config_put},
    {"PutObject", s3_put_object},
    {"PutObjectAcl", s3_put_object_acl},
    {"PutObjectLockConfiguration", s3_config_put},
    {"PutObjectTagging", s3_put_object_tagging},
    {"PutPublicAccessBlock", s3_config_put},
    {"UploadPart", s3_upload_part},
    {"UploadPartCopy", s3_upload_part_copy},
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS s3_buckets ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL PRIMARY KEY,"
    " created REAL NOT NULL, versioning TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE IF NOT EXISTS s3_configs ("
    " account TEXT NOT NULL, region TEXT NOT NULL, bucket TEXT NOT NULL, kind TEXT NOT NULL,"
    " body TEXT NOT NULL, PRIMARY KEY (bucket, kind));"
    "CREATE TABLE IF NOT EXISTS s3_objects ("
    " account TEXT NOT NULL, region TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL,"
    " version_id TEXT NOT NULL, latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL,"
    " blob TEXT, size INTEGER NOT NULL, etag TEXT NOT NULL, modified REAL NOT NULL,"
    " attrs TEXT NOT NULL, ck_algo TEXT NOT NULL, ck_value TEXT NOT NULL,"
    " ck_type TEXT NOT NULL DEFAULT '', parts TEXT NOT NULL DEFAULT '',"
    " tags TEXT NOT NULL DEFAULT '', acl TEXT NOT NULL DEFAULT '',"
    " UNIQUE (bucket, key, version_id));"
    "CREATE INDEX IF NOT EXISTS s3_objects_latest ON s3_objects (bucket, latest, key);"
    "CREATE TABLE IF NOT EXISTS s3_uploads ("
    " account TEXT NOT NULL, region TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL,"
    " upload_id TEXT NOT NULL PRIMARY KEY, initiated REAL NOT NULL, attrs TEXT NOT NULL,"
    " ck_algo TEXT NOT NULL, ck_type TEXT NOT NULL, tags TEXT NOT NULL, acl TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS s3_uploads_key ON s3_uploads (bucket, key, initiated);"
    "CREATE TABLE IF NOT EXISTS s3_parts ("
    " account TEXT NOT NULL, region TEXT NOT NULL, upload_id TEXT NOT NULL,"
    " part_number INTEGER NOT NULL, blob TEXT, size INTEGER NOT NULL, etag TEXT NOT NULL,"
    " modified REAL NOT NULL, ck_value TEXT NOT NULL, PRIMARY KEY (upload_id, part_number));"
    /* Each row naming a blob holds a reference to it (store/blob.h). */
    "CREATE TRIGGER IF NOT EXISTS s3_objects_blob_new AFTER INSERT ON s3_objects"
    " BEGIN UPDATE nb_blobs SET refs = refs + 1 WHERE name = new.blob; END;"
    "CREATE TRIGGER IF NOT EXISTS s3_objects_blob_gone AFTER DELETE ON s3_objects"
    " BEGIN UPDATE nb_blobs SET refs = refs - 1 WHERE name = old.blob; END;"
    "CREATE TRIGGER IF NOT EXISTS s3_objects_blob_set AFTER UPDATE OF blob ON s3_objects"
    " BEGIN UPDATE nb_blobs SET refs = refs + 1 WHERE name = new.blob;"
    " UPDATE nb_blobs SET refs = refs - 1 WHERE name = old.blob; END;"
    "CREATE TRIGGER IF NOT EXISTS s3_parts_blob_new AFTER INSERT ON s3_parts"
    " BEGIN UPDATE nb_blobs SET refs = refs + 1 WHERE name = new.blob; END;"
    "CREATE TRIGGER IF NOT EXISTS s3_parts_blob_gone AFTER DELETE ON s3_parts"
    " BEGIN UPDATE nb_blobs SET refs = refs - 1 WHERE name = old.blob; END;"
    "CREATE TRIGGER IF NOT EXISTS s3_parts_blob_set AFTER UPDATE OF blob ON s3_parts"
    " BEGIN UPDATE nb_blobs SET refs = refs + 1 WHERE name = new.blob;"
    " UPDATE nb_blobs SET refs = refs - 1 WHERE name = old.blob; END;";

/* A data dir from before bodies were streamed (2026-12-03) kept each body
 * in a BLOB column of its row; its bodies become inline blobs, one
 * reference each (the triggers come after, with the schema). */
#define S3_BODY_TO_BLOB(t, tag)                                                                    \
    {                                                                                              \
        "SELECT 1 FROM pragma_table_info('" t "') WHERE name = 'body'",                            \
            "ALTER TABLE " t " ADD COLUMN blob TEXT;"                                              \
            "INSERT INTO nb_blobs (name, size, refs, data) SELECT '" tag                           \
            "-' || rowid, length(body), 1,"                                                        \
            " body FROM " t " WHERE length(body) > 0;"                                             \
            "UPDATE " t " SET blob = '" tag "-' || rowid WHERE length(body) > 0;"                  \
            "ALTER TABLE " t " DROP COLUMN body;"                                                  \
    }

static const nb_upgrade upgrades[] = {
    S3_BODY_TO_BLOB("s3_objects", "v1o"),
    S3_BODY_TO_BLOB("s3_parts", "v1p"),
    {NULL, NULL},
};

/* The bucket named by a virtual-hosted Host, if any: "<b>.s3.<rest>" under
 * localhost.localstack.cloud or amazonaws.com, or "<b>.localhost". A
 * region label after "s3." is the bucket's region, used when the request
 * named none (no SigV4 scope). */
static const char *
host_bucket(nb_call *call, const char *host, char *region, size_t rn)
{
    static const char *const suffixes[] = {".localhost.localstack.cloud", ".amazonaws.com",
                                           ".localhost"};
    size_t hl = strcspn(host, ":");
    region[0] = '\0';
    for (size_t i = 0; i < NB_ARRAY_LEN(suffixes); i++) {
        size_t sl = strlen(suffixes[i]);
        if (hl <= sl || strncmp(host + hl - sl, suffixes[i], sl) != 0)
            continue;
        size_t rest = hl - sl; /* "<b>.s3[.<region>]", "s3[...]" or "<b>" */
        if (i == 2 && (rest < 2 || strncmp(host, "s3", 2) != 0 || (rest > 2 && host[2] != '.')))
            return nb_arena_strndup(call->arena, host, rest);
        for (size_t p = rest; p-- > 0;) { /* the last ".s3" label */
            if (strncmp(host + p, ".s3", 3) != 0 ||
                (p + 3 < rest && host[p + 3] != '.' && host[p + 3] != '-'))
                continue;
            size_t after = p + 4; /* after ".s3." or ".s3-" */
            if (after < rest && rest - after < rn)
                snprintf(region, rn, "%.*s", (int)(rest - after), host + after);
            return nb_arena_strndup(call->arena, host, p);
        }
        return NULL;
    }
    return NULL;
}

static int
rewrite(nb_call *call, const nb_http_req *req, const nb_http_req **view)
{
    char region[32];
    const char *bucket = host_bucket(call, req->host, region, sizeof(region));
    if (!bucket || !bucket[0])
        return NB_OK;
    nb_http_req *r = nb_arena_alloc(call->arena, sizeof(*r));
    if (!r)
        return NB_ENOMEM;
    *r = *req;
    r->url = strcmp(req->url, "/") == 0 ? nb_arena_printf(call->arena, "/%s", bucket)
                                        : nb_arena_printf(call->arena, "/%s%s", bucket, req->url);
    if (!r->url)
        return NB_ENOMEM;
    /* a host "<b>.s3.localhost..." made the router read "s3" as a region */
    if (!strchr(call->region, '-'))
        snprintf(call->region, sizeof(call->region), "%s",
                 region[0] ? region : nb_cfg.default_region);
    *view = r;
    return NB_OK;
}

const nb_service nb_s3_service = {
    .name = "s3",
    .model = &nb_s3_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: S3 answers a bad argument with InvalidArgument (400). */
    .validation_code = "InvalidArgument",
    .schema = schema,
    .upgrades = upgrades,
    .table_prefix = "s3_",
    .fallback = 1,
    .rewrite = rewrite,
};
