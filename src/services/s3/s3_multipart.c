/*
 * s3_multipart.c: multipart uploads: CreateMultipartUpload, UploadPart,
 * UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload,
 * ListParts and ListMultipartUploads. An upload (s3_uploads) keeps the
 * object's attributes until it completes; its parts (s3_parts) keep their
 * bytes, ETag and checksum. Completing joins the listed parts inside
 * SQLite (no copy of the object passes through the call's arena) and
 * drops the upload.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 * (parts listed in ascending order, else InvalidPartOrder; a part missing
 * or with another ETag is InvalidPart; every part but the last at least
 * 5 MiB, else EntityTooSmall with ProposedSize, MinSizeAllowed, PartNumber
 * and ETag), https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 * (NoSuchUpload, 404, with UploadId), and
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 * (the ETag of a multipart object is the MD5 of the parts' binary MD5s,
 * then "-" and the number of parts; checksum types: COMPOSITE, the
 * algorithm over the parts' binary checksums then "-N", for CRC32, CRC32C,
 * SHA1 and SHA256; FULL_OBJECT, the CRC of the whole object, for CRC32,
 * CRC32C and CRC64NVME; CRC64NVME defaults to FULL_OBJECT, the others to
 * COMPOSITE). Messages of the checksum errors follow what S3 answers, as
 * moto (moto/s3/models.py) and versitygw reproduce them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/http.h"
#include "core/model.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/blob.h"
#include "store/store.h"

/* AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
#define MIN_PART_SIZE (5 * 1024 * 1024)
#define MAX_PART_NUMBER 10000
#define MAX_LIST 1000

/* An upload as stored; strings in the call's arena. */
typedef struct upload {
    const char *bucket;  /* bucket name */
    const char *key;     /* object key */
    const char *id;      /* UploadId */
    const char *account; /* who started it */
    double initiated;    /* Initiated */
    const char *attrs;   /* the object's attributes (JSON, s3_attrs_of) */
    const char *ck_algo; /* checksum algorithm, or "" */
    const char *ck_type; /* "COMPOSITE", "FULL_OBJECT", or "" */
    const char *tags;    /* x-amz-tagging as sent, or "" */
    const char *acl;     /* the object's ACL (JSON), or "" */
} upload;

static const char *
dup_col(nb_call *call, nb_stmt *st, int i)
{
    return nb_arena_strdup(call->arena, nb_col_text(st, i));
}

static int
no_such_upload(nb_call *call, const char *id)
{
    /* AWS: the message S3 sends (ErrorResponses.html abbreviates it) */
    return s3_fail(call, 404, "NoSuchUpload",
                   "The specified upload does not exist. The upload ID may be invalid, or the "
                   "upload may have been aborted or completed.",
                   "UploadId", id);
}

static int
upload_need(nb_call *call, const char *bucket, const char *key, const char *id, upload *u)
{
    nb_stmt *st = nb_sql(call, "SELECT account, initiated, attrs, ck_algo, ck_type, tags, acl"
                               " FROM s3_uploads WHERE upload_id = ? AND bucket = ? AND key = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, id);
    nb_bind_text(st, 2, bucket);
    nb_bind_text(st, 3, key);
    int rc = nb_step(st);
    if (rc == NB_DONE)
        return no_such_upload(call, id);
    if (rc != NB_ROW)
        return NB_EINTERNAL;
    u->bucket = bucket;
    u->key = key;
    u->id = id;
    u->account = dup_col(call, st, 0);
    u->initiated = nb_col_double(st, 1);
    u->attrs = dup_col(call, st, 2);
    u->ck_algo = dup_col(call, st, 3);
    u->ck_type = dup_col(call, st, 4);
    u->tags = dup_col(call, st, 5);
    u->acl = dup_col(call, st, 6);
    return u->account && u->attrs && u->ck_algo && u->ck_type && u->tags && u->acl ? NB_OK
                                                                                   : NB_ENOMEM;
}

static int
invalid_request(nb_call *call, const char *msg)
{
    return msg ? s3_fail(call, 400, "InvalidRequest", msg, NULL, NULL) : NB_ENOMEM;
}

/* The checksum algorithm and type an upload is created with. */
static int
upload_checksum(nb_call *call, const nb_value *in, const char **algo, const char **type)
{
    const char *a = nb_get_str(in, "ChecksumAlgorithm"), *t = nb_get_str(in, "ChecksumType");
    *algo = *type = "";
    if (!a && t)
        return invalid_request(call, "The x-amz-checksum-type header can only be used with the "
                                     "x-amz-checksum-algorithm header.");
    if (!a)
        return NB_OK;
    if (!(*algo = s3_checksum_algo(a)))
        return invalid_request(call, "Checksum algorithm provided is unsupported. Please try "
                                     "again with any of the valid types: [CRC32, CRC32C, "
                                     "CRC64NVME, SHA1, SHA256]");
    int crc64 = strcmp(*algo, "CRC64NVME") == 0, sha = strncmp(*algo, "SHA", 3) == 0;
    *type = t ? t : crc64 ? "FULL_OBJECT" : "COMPOSITE";
    if ((crc64 && strcmp(*type, "COMPOSITE") == 0) || (sha && strcmp(*type, "FULL_OBJECT") == 0)) {
        char lower[16];
        size_t i = 0;
        for (; (*algo)[i] && i < sizeof(lower) - 1; i++)
            lower[i] = (char)((*algo)[i] | 0x20);
        lower[i] = '\0';
        return invalid_request(call, nb_arena_printf(call->arena,
                                                     "The %s checksum type cannot be used with "
                                                     "the %s checksum algorithm.",
                                                     *type, lower));
    }
    return NB_OK;
}

int
s3_create_multipart_upload(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    const char *algo, *type, *tags = "";
    int rc = s3_key_check(call, nb_get_str(in, "Key"));
    rc = rc ? rc : upload_checksum(call, in, &algo, &type);
    rc = rc ? rc : s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (!rc && nb_get_str(in, "Tagging"))
        rc = s3_tags_from_query(call, nb_get_str(in, "Tagging"), &tags);
    if (rc)
        return rc;
    const char *id = s3_random_id(call, 64), *attrs = s3_attrs_of(call, in), *acl = "";
    if ((rc = s3_acl_from_request(call, in, &b, &acl)))
        return rc;
    if (!id || !attrs)
        return NB_ENOMEM;
    nb_stmt *st = nb_sql(call, "INSERT INTO s3_uploads (account, region, bucket, key, upload_id,"
                               " initiated, attrs, ck_algo, ck_type, tags, acl)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, b.region);
    nb_bind_text(st, 3, b.name);
    nb_bind_text(st, 4, nb_get_str(in, "Key"));
    nb_bind_text(st, 5, id);
    nb_bind_double(st, 6, call->now);
    nb_bind_text(st, 7, attrs);
    nb_bind_text(st, 8, algo);
    nb_bind_text(st, 9, type);
    nb_bind_text(st, 10, tags);
    nb_bind_text(st, 11, acl);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    rc = nb_set_str(out, "Bucket", b.name);
    rc = rc ? rc : nb_set_str(out, "Key", nb_get_str(in, "Key"));
    rc = rc ? rc : nb_set_str(out, "UploadId", id);
    if (!rc && algo[0]) {
        rc = nb_set_str(out, "ChecksumAlgorithm", algo);
        rc = rc ? rc : nb_set_str(out, "ChecksumType", type);
    }
    const nb_value *sse = nb_get(s3_from_json(call, attrs, NB_NO_SHAPE), "ServerSideEncryption");
    return rc ? rc : nb_set_str(out, "ServerSideEncryption", sse ? sse->u.s.p : "AES256");
}

static int
part_number(nb_call *call, const nb_value *in, int64_t *n)
{
    *n = nb_get_int(in, "PartNumber", 0);
    if (*n >= 1 && *n <= MAX_PART_NUMBER)
        return NB_OK;
    int rc = s3_fail(call, 400, "InvalidArgument",
                     "Part number must be an integer between 1 and 10000, inclusive",
                     "ArgumentName", "partNumber");
    const char *v = nb_arena_printf(call->arena, "%lld", (long long)*n);
    return rc == NB_EAWS && (!v || nb_set_str(call->err_fields, "ArgumentValue", v)) ? NB_ENOMEM
                                                                                     : rc;
}

/* Stores part n of u (replacing an earlier upload of the same number). */
static int
store_part(nb_call *call, const upload *u, int64_t n, const char *blob, int64_t len,
           const char *etag, const char *ck)
{
    /* Not INSERT OR REPLACE: its implicit delete fires no trigger (SQLite
     * lang_conflict.html, unless recursive triggers are on), and the
     * replaced part's blob must be released. */
    nb_stmt *st = nb_sql(call, "DELETE FROM s3_parts WHERE upload_id = ? AND part_number = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, u->id);
    nb_bind_int(st, 2, n);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    st = nb_sql(call, "INSERT INTO s3_parts (account, region, upload_id, part_number, blob, size,"
                      " etag, modified, ck_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, call->region);
    nb_bind_text(st, 3, u->id);
    nb_bind_int(st, 4, n);
    if (blob)
        nb_bind_text(st, 5, blob);
    else
        nb_bind_null(st, 5);
    nb_bind_int(st, 6, len);
    nb_bind_text(st, 7, etag);
    nb_bind_double(st, 8, (double)(int64_t)call->now);
    nb_bind_text(st, 9, ck);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

static const char *
lower(nb_call *call, const char *s)
{
    char *d = nb_arena_strdup(call->arena, s);
    for (char *p = d; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p | 0x20);
    return d;
}

/* The part's checksum under the upload's algorithm: the one sent, or
 * computed when none was; and its sums. */
static int
part_checksum(nb_call *call, const upload *u, const nb_value *in, const nb_value *body,
              const char **ck, s3_sum *sum)
{
    const char *algo, *value;
    int rc = s3_check_body(call, in, body, &algo, &value, sum);
    if (rc)
        return rc;
    *ck = value;
    if (!u->ck_algo[0] || !algo[0] || strcmp(algo, u->ck_algo) == 0) {
        if (u->ck_algo[0] && !algo[0]) {
            s3_sum again;
            rc = s3_sum_value(call, body, u->ck_algo, &again);
            *ck = rc ? NULL : again.ck;
        }
        return *ck ? NB_OK : rc ? rc : NB_ENOMEM;
    }
    return invalid_request(call, nb_arena_printf(call->arena,
                                                 "Checksum Type mismatch occurred, expected "
                                                 "checksum Type: %s, actual checksum Type: %s",
                                                 lower(call, u->ck_algo), lower(call, algo)));
}

int
s3_upload_part(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    upload u;
    int64_t n;
    const char *ck = "", *blob = NULL;
    const nb_value *body = nb_get(in, "Body");
    int64_t len = s3_body_size(body);
    s3_sum sum;
    int rc = part_number(call, in, &n);
    rc = rc ? rc : s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : upload_need(call, b.name, nb_get_str(in, "Key"), nb_get_str(in, "UploadId"), &u);
    if (!rc && len > S3_PUT_MAX)
        rc = s3_too_large(call, len, S3_PUT_MAX);
    rc = rc ? rc : part_checksum(call, &u, in, body, &ck, &sum);
    if (rc)
        return rc;
    const char *etag = s3_etag_of(call, &sum);
    if (!etag)
        return NB_ENOMEM;
    if ((rc = nb_blob_put(call, body, &blob)) ||
        (rc = store_part(call, &u, n, blob, len, etag, ck)))
        return rc;
    rc = nb_set_str(out, "ETag", etag);
    const char *algo = u.ck_algo[0] ? u.ck_algo : ck[0] ? nb_get_str(in, "ChecksumAlgorithm") : "";
    if (!rc && ck[0]) {
        const char *a = s3_checksum_algo(algo);
        for (const char *const *m =
                 (const char *const[]){"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", NULL};
             !a && *m; m++)
            if (nb_get_str(in, s3_checksum_member(call, *m)))
                a = *m;
        if (a)
            rc = nb_set_str(out, s3_checksum_member(call, a), ck);
    }
    return rc ? rc : nb_set_str(out, "ServerSideEncryption", "AES256");
}

/* x-amz-copy-source-range: "bytes=first-last" inside the source. */
static int
copy_range(nb_call *call, const char *r, int64_t size, int64_t *from, int64_t *to)
{
    long long a = 0, z = 0;
    int used = 0;
    *from = 0;
    *to = size - 1;
    if (!r)
        return NB_OK;
    if (sscanf(r, "bytes=%lld-%lld%n", &a, &z, &used) != 2 || (size_t)used != strlen(r) || a < 0 ||
        z < a || strspn(r + 6, "0123456789-") != strlen(r + 6)) {
        int rc = s3_fail(call, 400, "InvalidArgument",
                         "The x-amz-copy-source-range value must be of the form bytes=first-last "
                         "where first and last are the zero-based offsets of the first and last "
                         "bytes to copy",
                         "ArgumentName", "x-amz-copy-source-range");
        return rc == NB_EAWS && nb_set_str(call->err_fields, "ArgumentValue", r) ? NB_ENOMEM : rc;
    }
    if (z >= size) {
        const char *msg = nb_arena_printf(
            call->arena, "Range specified is not valid for source object of size: %lld",
            (long long)size);
        int rc = msg ? s3_fail(call, 400, "InvalidArgument", msg, "ArgumentName",
                               "x-amz-copy-source-range")
                     : NB_ENOMEM;
        return rc == NB_EAWS && nb_set_str(call->err_fields, "ArgumentValue", r) ? NB_ENOMEM : rc;
    }
    *from = a;
    *to = z;
    return NB_OK;
}

int
s3_upload_part_copy(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    upload u;
    s3_object src;
    int64_t n, from, to;
    const char *sbucket;
    int rc = part_number(call, in, &n);
    rc = rc ? rc : s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : upload_need(call, b.name, nb_get_str(in, "Key"), nb_get_str(in, "UploadId"), &u);
    rc = rc ? rc : s3_copy_load(call, in, &src, &sbucket);
    rc = rc ? rc : copy_range(call, nb_get_str(in, "CopySourceRange"), src.size, &from, &to);
    if (rc)
        return rc;
    int64_t len = to - from + 1;
    s3_sum sum;
    const char *blob = NULL;
    if ((rc = s3_sum_blob(call, src.blob, from, len, u.ck_algo[0] ? u.ck_algo : NULL, &sum)))
        return rc;
    const char *etag = s3_etag_of(call, &sum);
    const char *ck = u.ck_algo[0] ? sum.ck : "";
    if (!etag || !ck)
        return NB_ENOMEM;
    if (from == 0 && len == src.size) {
        blob = src.blob; /* the whole source: its blob is shared */
    } else {
        nb_blob_writer *w = nb_blob_begin(call);
        if (!w)
            return NB_ENOMEM;
        nb_blob_append(w, src.blob, from, len);
        if ((rc = nb_blob_finish(w, &blob)))
            return rc;
    }
    if ((rc = store_part(call, &u, n, blob, len, etag, ck)))
        return rc;
    nb_value *r = nb_set_struct(out, "CopyPartResult");
    if (!r || nb_set_str(r, "ETag", etag) ||
        nb_set_time(r, "LastModified", (double)(int64_t)call->now))
        return NB_ENOMEM;
    if (ck[0] && nb_set_str(r, s3_checksum_member(call, u.ck_algo), ck))
        return NB_ENOMEM;
    if (strcmp(src.version_id, "null") != 0 &&
        nb_set_str(out, "CopySourceVersionId", src.version_id))
        return NB_ENOMEM;
    return nb_set_str(out, "ServerSideEncryption", "AES256");
}

static int
drop_upload(nb_call *call, const char *id)
{
    nb_stmt *st = nb_sql(call, "DELETE FROM s3_parts WHERE upload_id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, id);
    if (nb_step(st) != NB_DONE ||
        !(st = nb_sql(call, "DELETE FROM s3_uploads WHERE upload_id = ?")))
        return NB_EINTERNAL;
    nb_bind_text(st, 1, id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
s3_abort_multipart_upload(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    upload u;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : upload_need(call, b.name, nb_get_str(in, "Key"), nb_get_str(in, "UploadId"), &u);
    return rc ? rc : drop_upload(call, u.id);
}

/* One part as stored. */
typedef struct part {
    int64_t size;     /* bytes */
    const char *etag; /* quoted MD5 */
    const char *ck;   /* checksum (base64), or "" */
} part;

static int
part_get(nb_call *call, const upload *u, int64_t n, part *p)
{
    nb_stmt *st = nb_sql(call, "SELECT size, etag, ck_value FROM s3_parts"
                               " WHERE upload_id = ? AND part_number = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, u->id);
    nb_bind_int(st, 2, n);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : NB_EINTERNAL;
    p->size = nb_col_int(st, 0);
    p->etag = dup_col(call, st, 1);
    p->ck = dup_col(call, st, 2);
    return p->etag && p->ck ? NB_OK : NB_ENOMEM;
}

/* ETags compare without their quotes. */
static int
etag_eq(const char *a, const char *b)
{
    size_t al = strlen(a), bl = strlen(b);
    if (al >= 2 && a[0] == '"' && a[al - 1] == '"')
        a++, al -= 2;
    if (bl >= 2 && b[0] == '"' && b[bl - 1] == '"')
        b++, bl -= 2;
    return al == bl && strncmp(a, b, al) == 0;
}

static int
invalid_part(nb_call *call, const upload *u, int64_t n, const char *etag)
{
    int rc = s3_fail(call, 400, "InvalidPart",
                     "One or more of the specified parts could not be found.  The part may not "
                     "have been uploaded, or the specified entity tag may not match the part's "
                     "entity tag.",
                     "UploadId", u->id);
    const char *ns = nb_arena_printf(call->arena, "%lld", (long long)n);
    if (rc == NB_EAWS && (!ns || nb_set_str(call->err_fields, "PartNumber", ns) ||
                          nb_set_str(call->err_fields, "ETag", etag ? etag : "")))
        return NB_ENOMEM;
    return rc;
}

static int
too_small(nb_call *call, int64_t n, const part *p)
{
    int rc = s3_fail(call, 400, "EntityTooSmall",
                     "Your proposed upload is smaller than the minimum allowed size",
                     "ProposedSize", nb_arena_printf(call->arena, "%lld", (long long)p->size));
    if (rc != NB_EAWS)
        return rc;
    const char *ns = nb_arena_printf(call->arena, "%lld", (long long)n);
    size_t el = strlen(p->etag);
    const char *bare = el >= 2 ? nb_arena_strndup(call->arena, p->etag + 1, el - 2) : p->etag;
    if (!ns || !bare || nb_set_str(call->err_fields, "MinSizeAllowed", "5242880") ||
        nb_set_str(call->err_fields, "PartNumber", ns) ||
        nb_set_str(call->err_fields, "ETag", bare))
        return NB_ENOMEM;
    return rc;
}

/* What completing computes over the listed parts. */
typedef struct joined {
    unsigned char *md5s; /* the parts' binary MD5s, 16 bytes each */
    unsigned char *cks;  /* the parts' binary checksums (COMPOSITE) */
    size_t ckl;          /* bytes in cks */
    int64_t size;        /* the object's size */
    size_t n;            /* parts */
    nb_value *parts;     /* [{PartNumber, Size, Checksum<algo>}] for the object */
} joined;

/* Checks one listed part (number n, its entry in the request) and adds it
 * to j. last: it is the last listed. */
static int
join_part(nb_call *call, const upload *u, const nb_value *cp, int64_t n, int last, joined *j)
{
    part p;
    const char *etag = nb_get_str(cp, "ETag");
    int rc = part_get(call, u, n, &p);
    if (rc == NB_ENOTFOUND || (rc == NB_OK && (!etag || !etag_eq(etag, p.etag))))
        return invalid_part(call, u, n, etag);
    if (rc)
        return rc;
    const char *sent = NULL, *sent_algo = NULL;
    for (const nb_value *m = nb_first(cp); m; m = m->next)
        if (m->klen > 8 && strncmp(m->key, "Checksum", 8) == 0 && m->type == NB_V_STR) {
            sent = m->u.s.p;
            sent_algo = m->key + 8;
        }
    if (u->ck_algo[0] && strcmp(u->ck_type, "COMPOSITE") == 0 && !sent)
        return invalid_request(call, nb_arena_printf(call->arena,
                                                     "The upload was created using a %s checksum."
                                                     " The complete request must include the "
                                                     "checksum for each part. It was missing for "
                                                     "part %lld in the request.",
                                                     lower(call, u->ck_algo), (long long)n));
    if (sent && (strcmp(sent_algo, u->ck_algo) != 0 || strcmp(sent, p.ck) != 0))
        return invalid_part(call, u, n, etag);
    if (!last && p.size < MIN_PART_SIZE)
        return too_small(call, n, &p);
    unsigned char raw[64];
    size_t rl = 0;
    const char *hex = p.etag + 1;
    for (int i = 0; i < 16; i++) {
        unsigned hi = 0;
        sscanf(hex + 2 * i, "%2x", &hi);
        j->md5s[16 * j->n + (size_t)i] = (unsigned char)hi;
    }
    if (u->ck_algo[0] && nb_b64_decode(raw, &rl, p.ck, strlen(p.ck), NULL) == NB_B64_OK &&
        rl <= 32) {
        memcpy(j->cks + j->ckl, raw, rl);
        j->ckl += rl;
    }
    j->size += p.size;
    j->n++;
    nb_value *e = nb_list_add_struct(j->parts);
    if (!e || nb_set_int(e, "PartNumber", (int64_t)j->n) || nb_set_int(e, "Size", p.size))
        return NB_ENOMEM;
    if (u->ck_algo[0] && p.ck[0] && nb_set_str(e, s3_checksum_member(call, u->ck_algo), p.ck))
        return NB_ENOMEM;
    return NB_OK;
}

/* The object's bytes: the listed parts joined into one new blob; the
 * others are dropped first. With FULL_OBJECT checksums, the CRC of the
 * whole is computed on the way (*crc; else left alone). */
typedef struct join_ctx {
    nb_blob_writer *w; /* the object's blob being made */
    s3_crc crc;        /* the full-object CRC, when asked */
    int want_crc;      /* asked */
} join_ctx;

static int
crc_piece(void *ud, const void *p, size_t n)
{
    s3_crc_update(ud, p, n);
    return NB_OK;
}

static int
join_bodies(nb_call *call, const upload *u, const nb_value *list, const char **blob,
            const char **crc)
{
    nb_stmt *st = nb_sql(call, "UPDATE s3_parts SET size = -1 - size WHERE upload_id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, u->id);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    for (const nb_value *cp = nb_first(list); cp; cp = cp->next) {
        if (!(st = nb_sql(call, "UPDATE s3_parts SET size = -1 - size WHERE upload_id = ?"
                                " AND part_number = ? AND size < 0")))
            return NB_EINTERNAL;
        nb_bind_text(st, 1, u->id);
        nb_bind_int(st, 2, nb_get_int(cp, "PartNumber", 0));
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    if (!(st = nb_sql(call, "DELETE FROM s3_parts WHERE upload_id = ? AND size < 0")))
        return NB_EINTERNAL;
    nb_bind_text(st, 1, u->id);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    /* The parts' names first: appending runs statements of its own. */
    if (!(st = nb_sql(call, "SELECT blob, size FROM s3_parts WHERE upload_id = ?"
                            " ORDER BY part_number")))
        return NB_EINTERNAL;
    nb_bind_text(st, 1, u->id);
    nb_value *parts = nb_value_list(call->arena);
    int rc;
    while (parts && (rc = nb_step(st)) == NB_ROW) {
        nb_value *e = nb_list_add_struct(parts);
        if (!e || nb_set_str(e, "Blob", nb_col_text(st, 0)) ||
            nb_set_int(e, "Size", nb_col_int(st, 1)))
            return NB_ENOMEM;
    }
    if (!parts || rc != NB_DONE)
        return parts ? NB_EINTERNAL : NB_ENOMEM;
    join_ctx j = {nb_blob_begin(call), {0}, crc != NULL};
    if (!j.w)
        return NB_ENOMEM;
    if (crc)
        s3_crc_init(&j.crc, u->ck_algo);
    rc = NB_OK;
    for (const nb_value *e = nb_first(parts); e && !rc; e = e->next) {
        const char *name = nb_get_str(e, "Blob");
        int64_t size = nb_get_int(e, "Size", 0);
        if (!name[0])
            continue;
        rc = nb_blob_append(j.w, name, 0, size);
        if (!rc && crc)
            rc = nb_blob_each(call, name, 0, size, crc_piece, &j.crc);
    }
    if (rc) {
        const char *ignored;
        nb_blob_finish(j.w, &ignored);
        return rc;
    }
    if (crc && !(*crc = s3_crc_final(call, &j.crc)))
        return NB_ENOMEM;
    return nb_blob_finish(j.w, blob);
}

static int
complete_checks(nb_call *call, const nb_value *in, const upload *u, const joined *j,
                const s3_object *cur, int exists)
{
    const char *t = nb_get_str(in, "ChecksumType");
    if (t && u->ck_type[0] && strcmp(t, u->ck_type) != 0)
        return invalid_request(call, nb_arena_printf(call->arena,
                                                     "The upload was created using the %s "
                                                     "checksum mode. The complete request must "
                                                     "use the same checksum mode.",
                                                     u->ck_type));
    const nb_value *mos = nb_get(in, "MpuObjectSize");
    if (mos && nb_get_int(in, "MpuObjectSize", -1) != j->size)
        return invalid_request(call, "The provided 'x-amz-mp-object-size' header does not match "
                                     "what was computed.");
    if (nb_get_str(in, "IfNoneMatch") && exists)
        return s3_precondition(call, "If-None-Match");
    if (nb_get_str(in, "IfMatch") && (!exists || !s3_etag_in(nb_get_str(in, "IfMatch"), cur->etag)))
        return exists ? s3_precondition(call, "If-Match") : s3_no_such_key(call, u->key, NULL);
    return NB_OK;
}

static const char *
location(nb_call *call, const upload *u)
{
    const char *host = call->http && call->http->host ? call->http->host : "localhost";
    return nb_arena_printf(call->arena, "http://%s/%s/%s", host, u->bucket,
                           s3_url_encode(call, u->key));
}

int
s3_complete_multipart_upload(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    upload u;
    s3_object o = {0}, cur;
    const nb_value *list = nb_get(nb_get(in, "MultipartUpload"), "Parts");
    size_t np = nb_get_len(nb_get(in, "MultipartUpload"), "Parts");
    if (np == 0) /* AWS: an empty list does not validate against the schema */
        return s3_fail(call, 400, "MalformedXML",
                       "The XML you provided was not well-formed or did not validate against our "
                       "published schema",
                       NULL, NULL);
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : upload_need(call, b.name, nb_get_str(in, "Key"), nb_get_str(in, "UploadId"), &u);
    if (rc)
        return rc;
    joined j = {0};
    j.md5s = nb_arena_alloc(call->arena, 16 * np);
    j.cks = nb_arena_alloc(call->arena, 64 * np);
    j.parts = nb_value_list(call->arena);
    if (!j.md5s || !j.cks || !j.parts)
        return NB_ENOMEM;
    int64_t prev = 0;
    for (const nb_value *cp = nb_first(list); cp; cp = cp->next) {
        int64_t n = nb_get_int(cp, "PartNumber", 0);
        if (n <= prev)
            return s3_fail(call, 400, "InvalidPartOrder",
                           "The list of parts was not in ascending order. Parts must be ordered "
                           "by part number.",
                           "UploadId", u.id);
        prev = n;
    }
    for (const nb_value *cp = nb_first(list); cp; cp = cp->next)
        if ((rc = join_part(call, &u, cp, nb_get_int(cp, "PartNumber", 0), cp->next == NULL, &j)))
            return rc;
    int exists = s3_object_get(call, b.name, u.key, NULL, &cur) == NB_OK;
    if ((rc = complete_checks(call, in, &u, &j, &cur, exists)))
        return rc;
    const char *md5 = s3_md5_etag(call, j.md5s, 16 * j.n);
    o.key = u.key;
    o.size = j.size;
    o.etag =
        md5 ? nb_arena_printf(call->arena, "%.*s-%zu\"", (int)strlen(md5) - 1, md5, j.n) : NULL;
    o.version_id = s3_write_version(call, &b);
    o.modified = (double)(int64_t)call->now;
    o.attrs = u.attrs;
    o.ck_algo = u.ck_algo;
    o.ck_type = u.ck_type;
    o.ck_value = "";
    o.parts = s3_to_json(call, j.parts);
    o.tags = u.tags;
    o.acl = u.acl;
    if (u.ck_algo[0] && strcmp(u.ck_type, "COMPOSITE") == 0) {
        const char *c = s3_checksum(call, u.ck_algo, j.cks, j.ckl);
        o.ck_value = c ? nb_arena_printf(call->arena, "%s-%zu", c, j.n) : NULL;
    }
    if (!o.etag || !o.version_id || !o.parts || !o.ck_value)
        return NB_ENOMEM;
    int full = u.ck_algo[0] && strcmp(u.ck_type, "FULL_OBJECT") == 0;
    if ((rc = join_bodies(call, &u, list, &o.blob, full ? &o.ck_value : NULL)) ||
        (rc = s3_store_object(call, &b, &o)))
        return rc;
    if ((rc = drop_upload(call, u.id)))
        return rc;
    rc = nb_set_str(out, "Location", location(call, &u));
    rc = rc ? rc : nb_set_str(out, "Bucket", b.name);
    rc = rc ? rc : nb_set_str(out, "Key", u.key);
    rc = rc ? rc : nb_set_str(out, "ETag", o.etag);
    if (!rc && o.ck_algo[0]) {
        rc = nb_set_str(out, s3_checksum_member(call, o.ck_algo), o.ck_value);
        rc = rc ? rc : nb_set_str(out, "ChecksumType", o.ck_type);
    }
    if (!rc && strcmp(o.version_id, "null") != 0)
        rc = nb_set_str(out, "VersionId", o.version_id);
    const nb_value *sse = nb_get(s3_from_json(call, u.attrs, NB_NO_SHAPE), "ServerSideEncryption");
    return rc ? rc : nb_set_str(out, "ServerSideEncryption", sse ? sse->u.s.p : "AES256");
}

static int
owner_initiator(nb_call *call, nb_value *v, const char *account)
{
    const char *id = s3_owner_id(call, account);
    nb_value *i = nb_set_struct(v, "Initiator");
    if (!id || !i || nb_set_str(i, "ID", id) || nb_set_str(i, "DisplayName", "webfile"))
        return NB_ENOMEM;
    nb_value *o = nb_set_struct(v, "Owner");
    return o && !nb_set_str(o, "ID", id) && !nb_set_str(o, "DisplayName", "webfile") ? NB_OK
                                                                                     : NB_ENOMEM;
}

/* AWS: API_ListParts.html: MaxParts defaults to 1000; parts after
 * PartNumberMarker; NextPartNumberMarker is the last part listed. */
int
s3_list_parts(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    upload u;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : upload_need(call, b.name, nb_get_str(in, "Key"), nb_get_str(in, "UploadId"), &u);
    if (rc)
        return rc;
    int64_t max = nb_get_int(in, "MaxParts", MAX_LIST),
            marker = nb_get_int(in, "PartNumberMarker", 0);
    if (max < 0)
        return s3_fail(call, 400, "InvalidArgument",
                       "Argument max-parts must be an integer "
                       "between 0 and 2147483647",
                       "ArgumentName", "max-parts");
    if (max > MAX_LIST)
        max = MAX_LIST;
    nb_stmt *st = nb_sql(call, "SELECT part_number, size, etag, modified, ck_value FROM s3_parts"
                               " WHERE upload_id = ? AND part_number > ? ORDER BY part_number");
    nb_value *parts = nb_value_list(call->arena);
    if (!st || !parts)
        return st ? NB_ENOMEM : NB_EINTERNAL;
    nb_bind_text(st, 1, u.id);
    nb_bind_int(st, 2, marker);
    int64_t count = 0, last = 0;
    int truncated = 0;
    while ((rc = nb_step(st)) == NB_ROW) {
        if (count == max) {
            truncated = 1;
            break;
        }
        nb_value *p = nb_list_add_struct(parts);
        last = nb_col_int(st, 0);
        if (!p || nb_set_int(p, "PartNumber", last) ||
            nb_set_time(p, "LastModified", nb_col_double(st, 3)) ||
            nb_set_str(p, "ETag", nb_col_text(st, 2)) || nb_set_int(p, "Size", nb_col_int(st, 1)))
            return NB_ENOMEM;
        if (u.ck_algo[0] && nb_col_text(st, 4)[0] &&
            nb_set_str(p, s3_checksum_member(call, u.ck_algo), nb_col_text(st, 4)))
            return NB_ENOMEM;
        count++;
    }
    if (rc != NB_ROW && rc != NB_DONE)
        return NB_EINTERNAL;
    rc = nb_set_str(out, "Bucket", b.name);
    rc = rc ? rc : nb_set_str(out, "Key", u.key);
    rc = rc ? rc : nb_set_str(out, "UploadId", u.id);
    rc = rc ? rc : nb_set_int(out, "PartNumberMarker", marker);
    if (!rc && count)
        rc = nb_set_int(out, "NextPartNumberMarker", last);
    rc = rc ? rc : nb_set_int(out, "MaxParts", max);
    rc = rc ? rc : nb_set_bool(out, "IsTruncated", truncated);
    if (!rc && parts->u.c.n)
        rc = nb_value_put(out, "Parts", 5, parts);
    rc = rc ? rc : owner_initiator(call, out, u.account);
    rc = rc ? rc : nb_set_str(out, "StorageClass", "STANDARD");
    if (!rc && u.ck_algo[0]) {
        rc = nb_set_str(out, "ChecksumAlgorithm", u.ck_algo);
        rc = rc ? rc : nb_set_str(out, "ChecksumType", u.ck_type);
    }
    return rc;
}

/* ListMultipartUploads' walk: uploads by key, then by when they began. */
typedef struct ulister {
    const char *prefix;   /* Prefix, or "" */
    const char *delim;    /* Delimiter, or NULL */
    int url;              /* EncodingType=url */
    int64_t max;          /* MaxUploads */
    int64_t count;        /* uploads and prefixes listed */
    const char *last_key; /* the last key (or prefix) listed */
    const char *last_id;  /* the last upload id listed, or NULL */
    int truncated;        /* more remain */
} ulister;

static const char *
uenc(nb_call *call, const ulister *l, const char *s)
{
    return l->url ? s3_url_encode(call, s) : s;
}

static int
upload_item(nb_call *call, const ulister *l, nb_value *list, nb_stmt *st)
{
    nb_value *it = nb_list_add_struct(list);
    if (!it || nb_set_str(it, "UploadId", nb_col_text(st, 1)) ||
        nb_set_str(it, "Key", uenc(call, l, nb_col_text(st, 0))) ||
        nb_set_time(it, "Initiated", nb_col_double(st, 2)) ||
        nb_set_str(it, "StorageClass", "STANDARD"))
        return NB_ENOMEM;
    int rc = owner_initiator(call, it, nb_col_text(st, 3));
    if (!rc && nb_col_text(st, 4)[0]) {
        rc = nb_set_str(it, "ChecksumAlgorithm", nb_col_text(st, 4));
        rc = rc ? rc : nb_set_str(it, "ChecksumType", nb_col_text(st, 5));
    }
    return rc;
}

/* Rows after the markers: keys after key_marker, or the same key with
 * uploads begun after the one named by id_marker. */
static int
walk_uploads(nb_call *call, const s3_bucket *b, ulister *l, const char *km, const char *im,
             nb_value *uploads, nb_value *cps)
{
    nb_stmt *st = nb_sql(call, "SELECT key, upload_id, initiated, account, ck_algo, ck_type"
                               " FROM s3_uploads WHERE bucket = ? AND key >= ? AND key >= ?"
                               " ORDER BY key, initiated, upload_id");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, b->name);
    nb_bind_text(st, 2, l->prefix);
    nb_bind_text(st, 3, km);
    int rc, past_id = im == NULL || !im[0];
    const char *last_cp = NULL;
    size_t pl = strlen(l->prefix);
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *key = nb_col_text(st, 0), *id = nb_col_text(st, 1);
        if (strncmp(key, l->prefix, pl) != 0)
            break;
        if (km[0] && strcmp(key, km) == 0) { /* the marker's own key */
            if (!past_id) {
                past_id = strcmp(id, im) == 0;
                continue;
            }
            if (!im || !im[0])
                continue;
        }
        const char *d = l->delim && l->delim[0] ? strstr(key + pl, l->delim) : NULL;
        const char *cp =
            d ? nb_arena_strndup(call->arena, key, (size_t)(d - key) + strlen(l->delim)) : NULL;
        if (cp && ((last_cp && strcmp(cp, last_cp) == 0) || (km[0] && strcmp(cp, km) == 0)))
            continue;
        if (l->count == l->max) {
            l->truncated = 1;
            break;
        }
        l->count++;
        if (cp) {
            nb_value *p = nb_list_add_struct(cps);
            if (!p || nb_set_str(p, "Prefix", uenc(call, l, cp)))
                return NB_ENOMEM;
            l->last_key = last_cp = cp;
            l->last_id = NULL;
            continue;
        }
        if ((rc = upload_item(call, l, uploads, st)))
            return rc;
        l->last_key = nb_arena_strdup(call->arena, key);
        l->last_id = nb_arena_strdup(call->arena, id);
    }
    return rc == NB_ROW || rc == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* AWS: API_ListMultipartUploads.html: MaxUploads 1 to 1000 (default
 * 1000); with KeyMarker alone, uploads of keys after it; with
 * UploadIdMarker too, also the marker key's uploads begun after that
 * one; NextKeyMarker and NextUploadIdMarker when truncated. */
int
s3_list_multipart_uploads(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    ulister l = {0};
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    const char *km = nb_get_str(in, "KeyMarker"), *im = nb_get_str(in, "UploadIdMarker");
    const char *et = nb_get_str(in, "EncodingType");
    l.prefix = nb_get_str(in, "Prefix") ? nb_get_str(in, "Prefix") : "";
    l.delim = nb_get_str(in, "Delimiter");
    l.url = et && strcmp(et, "url") == 0;
    l.max = nb_get_int(in, "MaxUploads", MAX_LIST);
    if (l.max < 0)
        return s3_fail(call, 400, "InvalidArgument",
                       "Argument max-uploads must be an integer "
                       "between 0 and 2147483647",
                       "ArgumentName", "max-uploads");
    if (l.max > MAX_LIST)
        l.max = MAX_LIST;
    nb_value *uploads = nb_value_list(call->arena), *cps = nb_value_list(call->arena);
    if (!uploads || !cps)
        return NB_ENOMEM;
    if ((rc = walk_uploads(call, &b, &l, km ? km : "", im, uploads, cps)))
        return rc;
    rc = nb_set_str(out, "Bucket", b.name);
    rc = rc ? rc : nb_set_str(out, "KeyMarker", uenc(call, &l, km ? km : ""));
    rc = rc ? rc : nb_set_str(out, "UploadIdMarker", im ? im : "");
    if (!rc && l.truncated) {
        rc = nb_set_str(out, "NextKeyMarker", uenc(call, &l, l.last_key));
        rc = rc ? rc : nb_set_str(out, "NextUploadIdMarker", l.last_id ? l.last_id : "");
    }
    rc = rc ? rc : nb_set_str(out, "Prefix", uenc(call, &l, l.prefix));
    if (!rc && l.delim)
        rc = nb_set_str(out, "Delimiter", uenc(call, &l, l.delim));
    rc = rc ? rc : nb_set_int(out, "MaxUploads", l.max);
    rc = rc ? rc : nb_set_bool(out, "IsTruncated", l.truncated);
    if (!rc && uploads->u.c.n)
        rc = nb_value_put(out, "Uploads", 7, uploads);
    if (!rc && cps->u.c.n)
        rc = nb_value_put(out, "CommonPrefixes", 14, cps);
    if (!rc && l.url)
        rc = nb_set_str(out, "EncodingType", "url");
    return rc;
}
