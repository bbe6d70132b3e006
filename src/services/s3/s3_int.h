/*
 * s3_int.h: private to src/services/s3/: the stored forms of buckets and
 * objects, the helpers the handler files share, and the handlers.
 *
 * Bucket names are global in S3 (one namespace for every account and
 * region), so s3_buckets is unique by name and records the owning account
 * and the bucket's region. Objects (s3_objects) and bucket configurations
 * (s3_configs, one JSON document per kind) hang off the bucket name.
 * Each row of s3_objects is one version (version_id "null" outside
 * versioning), with its tags, ACL and, for multipart objects, the sizes
 * and checksums of its parts. Multipart uploads in progress are
 * s3_uploads and their parts s3_parts. Bodies are the store's blobs
 * (store/blob.h: small ones in a row, larger ones in files), named by the
 * blob column; the schema's triggers count the rows naming each blob, so
 * a copy shares its source's bytes and every delete path frees them.
 */
#ifndef NB_S3_INT_H
#define NB_S3_INT_H

#include "core/nb.h"

/* A bucket as stored; strings in the call's arena. */
typedef struct s3_bucket {
    const char *name;    /* bucket name */
    const char *account; /* owner */
    const char *region;  /* where it lives */
    double created;      /* CreationDate */
    const char *vstatus; /* versioning: "", "Enabled" or "Suspended" */
} s3_bucket;

/* An object version as stored (body not loaded unless asked). */
typedef struct s3_object {
    const char *key;        /* object key */
    const char *version_id; /* "null" when unversioned */
    int delete_marker;      /* a delete marker, not an object */
    const char *blob;       /* the store's blob of its bytes, or NULL when empty */
    int64_t size;           /* bytes */
    const char *etag;       /* "\"<md5 hex>\"" (with the quotes) */
    double modified;        /* LastModified (whole seconds) */
    const char *attrs;      /* JSON of the stored headers (s3_object.c) */
    const char *ck_algo;    /* checksum algorithm name ("CRC32", ...), or "" */
    const char *ck_value;   /* its base64 value, or "" */
    const char *ck_type;    /* "FULL_OBJECT", "COMPOSITE", or "" */
    const char *parts;      /* JSON list of a multipart object's parts, or "" */
    const char *tags;       /* JSON TagSet, or "" */
    const char *acl;        /* JSON AccessControlPolicy, or "" (owner only) */
} s3_object;

/* AWS: the largest object one PutObject or UploadPart takes (5 GiB). */
#define S3_PUT_MAX (5ll * 1024 * 1024 * 1024)

/* ---- s3_util.c ---- */

/* EntityTooLarge for an upload of size bytes over max. */
int s3_too_large(nb_call *call, int64_t size, int64_t max);

/* Raises an S3 error with one extra element (name NULL: none). */
int s3_fail(nb_call *call, int status, const char *code, const char *msg, const char *name,
            const char *value);
/* NoSuchBucket for name. */
int s3_no_such_bucket(nb_call *call, const char *name);
/* Loads bucket name: NB_OK, or NoSuchBucket raised (NB_EAWS). */
int s3_bucket_need(nb_call *call, const char *name, s3_bucket *b);
/* The same without raising: NB_OK or NB_ENOTFOUND. */
int s3_bucket_get(nb_call *call, const char *name, s3_bucket *b);
/* The canonical user id of the caller's account (64 hex digits). */
const char *s3_owner_id(nb_call *call, const char *account);
/* Sets Owner {ID} in v. */
int s3_owner_out(nb_call *call, nb_value *v, const char *account);
/* A tree as JSON text (arena), and back: the tree is retyped by the
 * model shape it must fit (structures, timestamps). */
const char *s3_to_json(nb_call *call, const nb_value *v);
nb_value *s3_from_json(nb_call *call, const char *json, uint32_t shape);
/* The shape index of member name of the current operation's output. */
uint32_t s3_out_shape(nb_call *call, const char *member);
/* Lower-case hex of n bytes. */
char *s3_hex(nb_call *call, const unsigned char *p, size_t n);
/* S3's URL encoding for EncodingType=url (arena). */
const char *s3_url_encode(nb_call *call, const char *s);
/* KeyTooLongError for a key over 1024 bytes, else NB_OK. */
int s3_key_check(nb_call *call, const char *key);
/* A random id of n characters from [A-Za-z0-9._] (version and upload
 * ids). */
const char *s3_random_id(nb_call *call, size_t n);
/* Opaque continuation tokens. */
const char *s3_token_make(nb_call *call, const char *s);
const char *s3_token_read(nb_call *call, const char *token);

/* ---- s3_checksum.c ---- */

/* The base64 checksum of body with algorithm ("CRC32", "CRC32C",
 * "CRC64NVME", "SHA1", "SHA256"), or NULL for an unknown algorithm. */
const char *s3_checksum(nb_call *call, const char *algo, const void *body, size_t len);
/* What one pass over a body gives: its MD5 and one checksum. */
typedef struct s3_sum {
    unsigned char md5[16]; /* the MD5, raw */
    const char *ck;        /* the checksum asked for (base64), or NULL */
} s3_sum;
/* The sums of a body value (NB_V_BLOB, NB_V_FILE, or NULL for empty),
 * read once; algo NULL for the MD5 alone. */
int s3_sum_value(nb_call *call, const nb_value *body, const char *algo, s3_sum *out);
/* The same over the bytes [off, off + len) of a stored blob. */
int s3_sum_blob(nb_call *call, const char *blob, int64_t off, int64_t len, const char *algo,
                s3_sum *out);
/* Bytes in a body value (NULL: 0). */
int64_t s3_body_size(const nb_value *body);
/* "\"<md5 hex>\"" of a sum. */
const char *s3_etag_of(nb_call *call, const s3_sum *sum);
/* Checks Content-MD5 and any x-amz-checksum-* of the input against body
 * in one pass, which also gives its MD5 (*sum); picks the checksum to
 * keep (*algo, *value: "" when none). NB_OK or an S3 error (BadDigest,
 * InvalidDigest). */
int s3_check_body(nb_call *call, const nb_value *in, const nb_value *body, const char **algo,
                  const char **value, s3_sum *sum);
/* The member name for an algorithm's checksum: "ChecksumCRC32", ... */
const char *s3_checksum_member(nb_call *call, const char *algo);
/* The canonical algorithm name for name (any case), or NULL. */
const char *s3_checksum_algo(const char *name);
/* A running CRC over a body given in pieces (full-object checksums of
 * multipart uploads). */
typedef struct s3_crc {
    const char *algo; /* "CRC32", "CRC32C" or "CRC64NVME" */
    uint64_t c;       /* the running value */
} s3_crc;
void s3_crc_init(s3_crc *s, const char *algo);
void s3_crc_update(s3_crc *s, const void *p, size_t n);
/* The base64 of the final value. */
const char *s3_crc_final(nb_call *call, s3_crc *s);

/* ---- s3_object.c ---- */

/* Loads the current (or given) version of key; NB_ENOTFOUND when none or
 * a delete marker is current. */
int s3_object_get(nb_call *call, const char *bucket, const char *key, const char *version,
                  s3_object *o);
/* Number of objects in a bucket (any version). */
int64_t s3_object_count(nb_call *call, const char *bucket);
/* Stores o (body and all) as the latest version of its key. */
int s3_store_object(nb_call *call, const s3_bucket *b, const s3_object *o);
/* The version id a write gets in bucket b ("null" unless Enabled). */
const char *s3_write_version(nb_call *call, const s3_bucket *b);
/* "\"<md5 hex>\"" of n bytes. */
const char *s3_md5_etag(nb_call *call, const void *p, size_t n);
/* The kept request members (Content-Type, metadata, ...) as JSON. */
const char *s3_attrs_of(nb_call *call, const nb_value *src);
/* ETag list match (If-Match and friends): 1 when etag is in list. */
int s3_etag_in(const char *list, const char *etag);
/* PreconditionFailed naming the header that failed. */
int s3_precondition(nb_call *call, const char *condition);
/* The [CopySource]If-* conditions of in against o: NB_OK, 304, or an
 * error raised; prefix is "" or "CopySource". */
int s3_conditions(nb_call *call, const nb_value *in, const s3_object *o, const char *prefix);
/* Parses x-amz-copy-source into bucket, key and version (or NULL). */
int s3_copy_source(nb_call *call, const char *src, const char **bucket, const char **key,
                   const char **version);
/* Loads the source of a copy (bucket, key, version, conditions) with its
 * body, and its bucket's name: NB_OK or an S3 error raised. */
int s3_copy_load(nb_call *call, const nb_value *in, s3_object *src, const char **bucket);
/* The error for a key or version that cannot be read: NoSuchKey /
 * NoSuchVersion, or, when o (as s3_object_get left it) is a delete
 * marker, NoSuchKey or MethodNotAllowed with x-amz-delete-marker. */
int s3_missing(nb_call *call, const char *key, const char *version, const s3_object *o);
/* NoSuchKey (or NoSuchVersion when a version was asked for). */
int s3_no_such_key(nb_call *call, const char *key, const char *version);

/* ---- s3_config.c ---- */

/* The stored configuration document of kind for bucket (JSON), or NULL. */
const char *s3_config_stored(nb_call *call, const char *bucket, const char *kind);
/* Stores (replaces) the configuration document of kind. */
int s3_config_store(nb_call *call, const s3_bucket *b, const char *kind, const char *json);

/* ---- s3_tagging.c ---- */

/* x-amz-tagging ("k=v&k2=v2", URL-encoded) as a stored TagSet (JSON):
 * NB_OK, or InvalidTag raised. */
int s3_tags_from_query(nb_call *call, const char *query, const char **json);
/* Number of tags in a stored TagSet. */
int64_t s3_tag_count(nb_call *call, const char *tags);

/* ---- s3_acl.c ---- */

/* The ACL a write asks for (x-amz-acl or x-amz-grant-*) as stored JSON,
 * "" for the default (owner FULL_CONTROL): NB_OK, or an error raised. */
int s3_acl_from_request(nb_call *call, const nb_value *in, const s3_bucket *b, const char **json);

/* ---- handlers ---- */

int s3_create_bucket(nb_call *call, const nb_value *in, nb_value *out);
int s3_head_bucket(nb_call *call, const nb_value *in, nb_value *out);
int s3_delete_bucket(nb_call *call, const nb_value *in, nb_value *out);
int s3_list_buckets(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_bucket_location(nb_call *call, const nb_value *in, nb_value *out);
int s3_config_put(nb_call *call, const nb_value *in, nb_value *out);
int s3_config_get(nb_call *call, const nb_value *in, nb_value *out);
int s3_config_delete(nb_call *call, const nb_value *in, nb_value *out);
int s3_put_bucket_versioning(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_bucket_versioning(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_bucket_policy_status(nb_call *call, const nb_value *in, nb_value *out);
int s3_put_object(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_object(nb_call *call, const nb_value *in, nb_value *out);
int s3_head_object(nb_call *call, const nb_value *in, nb_value *out);
int s3_delete_object(nb_call *call, const nb_value *in, nb_value *out);
int s3_delete_objects(nb_call *call, const nb_value *in, nb_value *out);
int s3_copy_object(nb_call *call, const nb_value *in, nb_value *out);
int s3_list_objects(nb_call *call, const nb_value *in, nb_value *out);
int s3_list_objects_v2(nb_call *call, const nb_value *in, nb_value *out);
int s3_create_multipart_upload(nb_call *call, const nb_value *in, nb_value *out);
int s3_upload_part(nb_call *call, const nb_value *in, nb_value *out);
int s3_upload_part_copy(nb_call *call, const nb_value *in, nb_value *out);
int s3_complete_multipart_upload(nb_call *call, const nb_value *in, nb_value *out);
int s3_abort_multipart_upload(nb_call *call, const nb_value *in, nb_value *out);
int s3_put_object_tagging(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_object_tagging(nb_call *call, const nb_value *in, nb_value *out);
int s3_delete_object_tagging(nb_call *call, const nb_value *in, nb_value *out);
int s3_list_object_versions(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_object_acl(nb_call *call, const nb_value *in, nb_value *out);
int s3_put_object_acl(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_bucket_acl(nb_call *call, const nb_value *in, nb_value *out);
int s3_put_bucket_acl(nb_call *call, const nb_value *in, nb_value *out);
int s3_get_object_attributes(nb_call *call, const nb_value *in, nb_value *out);
int s3_list_parts(nb_call *call, const nb_value *in, nb_value *out);
int s3_list_multipart_uploads(nb_call *call, const nb_value *in, nb_value *out);

#endif
