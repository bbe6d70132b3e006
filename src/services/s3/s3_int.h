/*
 * s3_int.h: private to src/services/s3/: the stored forms of buckets and
 * objects, the helpers the handler files share, and the handlers.
 *
 * Bucket names are global in S3 (one namespace for every account and
 * region), so s3_buckets is unique by name and records the owning account
 * and the bucket's region. Objects (s3_objects) and bucket configurations
 * (s3_configs, one JSON document per kind) hang off the bucket name.
 * Object bodies are blobs in the store for now; bodies are bounded by the
 * core's request limit (limits.h NB_BODY_MAX).
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
    const char *body;       /* the bytes, when loaded */
    int64_t size;           /* bytes */
    const char *etag;       /* "\"<md5 hex>\"" (with the quotes) */
    double modified;        /* LastModified (whole seconds) */
    const char *attrs;      /* JSON of the stored headers (s3_object.c) */
    const char *ck_algo;    /* checksum algorithm name ("CRC32", ...), or "" */
    const char *ck_value;   /* its base64 value, or "" */
} s3_object;

/* ---- s3_util.c ---- */

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
/* Opaque continuation tokens. */
const char *s3_token_make(nb_call *call, const char *s);
const char *s3_token_read(nb_call *call, const char *token);

/* ---- s3_checksum.c ---- */

/* The base64 checksum of body with algorithm ("CRC32", "CRC32C",
 * "CRC64NVME", "SHA1", "SHA256"), or NULL for an unknown algorithm. */
const char *s3_checksum(nb_call *call, const char *algo, const void *body, size_t len);
/* Checks Content-MD5 and any x-amz-checksum-* of the input against body;
 * picks the checksum to keep (*algo, *value: "" when none). NB_OK or an
 * S3 error (BadDigest, InvalidDigest). */
int s3_check_body(nb_call *call, const nb_value *in, const void *body, size_t len,
                  const char **algo, const char **value);
/* The member name for an algorithm's checksum: "ChecksumCRC32", ... */
const char *s3_checksum_member(nb_call *call, const char *algo);

/* ---- s3_object.c ---- */

/* Loads the current (or given) version of key; NB_ENOTFOUND when none or
 * a delete marker is current. with_body loads the bytes. */
int s3_object_get(nb_call *call, const char *bucket, const char *key, const char *version,
                  int with_body, s3_object *o);
/* Number of objects in a bucket (any version). */
int64_t s3_object_count(nb_call *call, const char *bucket);

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

#endif
