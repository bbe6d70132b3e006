/*
 * s3_config.c: bucket configurations that S3 stores and returns as given:
 * encryption, public access block, policy, lifecycle, tagging, CORS,
 * website, ownership controls, logging, notification, accelerate,
 * request payment and object lock. One table row per kind holds the
 * document as JSON; the table below says, per operation, which input
 * member is stored, where the stored document goes in the output (one
 * member, or spread over the output's own members when the output is the
 * document), and what a bucket without one answers.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/ (each Get*
 * operation's page lists its "not found" error): NoSuchBucketPolicy "The
 * bucket policy does not exist", NoSuchLifecycleConfiguration "The
 * lifecycle configuration does not exist", NoSuchTagSet "The TagSet does
 * not exist", NoSuchCORSConfiguration "The CORS configuration does not
 * exist", NoSuchWebsiteConfiguration "The specified bucket does not have a
 * website configuration", NoSuchPublicAccessBlockConfiguration "The public
 * access block configuration was not found",
 * OwnershipControlsNotFoundError "The bucket ownership controls were not
 * found", ObjectLockConfigurationNotFoundError "Object Lock configuration
 * does not exist for this bucket"; all 404. Since January 2023 every
 * bucket has SSE-S3 default encryption (API_GetBucketEncryption.html).
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/model.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

typedef struct cfg {
    const char *kind;   /* row kind: the configuration's element name */
    const char *put;    /* Put operation */
    const char *get;    /* Get operation */
    const char *del;    /* Delete operation, or NULL */
    const char *member; /* input member stored; output member or NULL
                           (spread over the output's members) */
    int out_whole;      /* the Get output has `member` itself */
    const char *code;   /* error when none is stored, or NULL (empty) */
    const char *msg;    /* its message */
    const char *dflt;   /* JSON answered when none is stored, or NULL */
} cfg;

static const cfg cfgs[] = {
    {"ServerSideEncryptionConfiguration", "PutBucketEncryption", "GetBucketEncryption",
     "DeleteBucketEncryption", "ServerSideEncryptionConfiguration", 1, NULL, NULL,
     "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"},"
     "\"BucketKeyEnabled\":false}]}"},
    {"PublicAccessBlockConfiguration", "PutPublicAccessBlock", "GetPublicAccessBlock",
     "DeletePublicAccessBlock", "PublicAccessBlockConfiguration", 1,
     "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found",
     NULL},
    {"Policy", "PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy", "Policy", 1,
     "NoSuchBucketPolicy", "The bucket policy does not exist", NULL},
    {"LifecycleConfiguration", "PutBucketLifecycleConfiguration", "GetBucketLifecycleConfiguration",
     "DeleteBucketLifecycle", "LifecycleConfiguration", 0, "NoSuchLifecycleConfiguration",
     "The lifecycle configuration does not exist", NULL},
    {"Tagging", "PutBucketTagging", "GetBucketTagging", "DeleteBucketTagging", "Tagging", 0,
     "NoSuchTagSet", "The TagSet does not exist", NULL},
    {"CORSConfiguration", "PutBucketCors", "GetBucketCors", "DeleteBucketCors", "CORSConfiguration",
     0, "NoSuchCORSConfiguration", "The CORS configuration does not exist", NULL},
    {"WebsiteConfiguration", "PutBucketWebsite", "GetBucketWebsite", "DeleteBucketWebsite",
     "WebsiteConfiguration", 0, "NoSuchWebsiteConfiguration",
     "The specified bucket does not have a website configuration", NULL},
    {"OwnershipControls", "PutBucketOwnershipControls", "GetBucketOwnershipControls",
     "DeleteBucketOwnershipControls", "OwnershipControls", 1, "OwnershipControlsNotFoundError",
     "The bucket ownership controls were not found", NULL},
    {"BucketLoggingStatus", "PutBucketLogging", "GetBucketLogging", NULL, "BucketLoggingStatus", 0,
     NULL, NULL, NULL},
    {"NotificationConfiguration", "PutBucketNotificationConfiguration",
     "GetBucketNotificationConfiguration", NULL, "NotificationConfiguration", 0, NULL, NULL, NULL},
    {"AccelerateConfiguration", "PutBucketAccelerateConfiguration",
     "GetBucketAccelerateConfiguration", NULL, "AccelerateConfiguration", 0, NULL, NULL, NULL},
    {"RequestPaymentConfiguration", "PutBucketRequestPayment", "GetBucketRequestPayment", NULL,
     "RequestPaymentConfiguration", 0, NULL, NULL, "{\"Payer\":\"BucketOwner\"}"},
    {"ObjectLockConfiguration", "PutObjectLockConfiguration", "GetObjectLockConfiguration", NULL,
     "ObjectLockConfiguration", 1, "ObjectLockConfigurationNotFoundError",
     "Object Lock configuration does not exist for this bucket", NULL},
};

static const cfg *
cfg_of(const char *op)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(cfgs); i++)
        if (strcmp(cfgs[i].put, op) == 0 || strcmp(cfgs[i].get, op) == 0 ||
            (cfgs[i].del && strcmp(cfgs[i].del, op) == 0))
            return &cfgs[i];
    return NULL;
}

const char *
s3_config_stored(nb_call *call, const char *bucket, const char *kind)
{
    nb_stmt *st = nb_sql(call, "SELECT body FROM s3_configs WHERE bucket = ? AND kind = ?");
    if (!st)
        return NULL;
    nb_bind_text(st, 1, bucket);
    nb_bind_text(st, 2, kind);
    return nb_step(st) == NB_ROW ? nb_arena_strdup(call->arena, nb_col_text(st, 0)) : NULL;
}

/* AWS: a policy must be JSON: MalformedPolicy, "Policies must be valid
 * JSON and the first byte must be '{'". */
static int
check_policy(nb_call *call, const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    if (*p == '{' && s3_from_json(call, p, NB_NO_SHAPE))
        return NB_OK;
    return s3_fail(call, 400, "MalformedPolicy",
                   "Policies must be valid JSON and the first byte must be '{'", NULL, NULL);
}

int
s3_config_put(nb_call *call, const nb_value *in, nb_value *out)
{
    const cfg *c = cfg_of(call->op->name);
    s3_bucket b;
    if (NB_NEVER(!c))
        return NB_EINTERNAL;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    const nb_value *doc = nb_get(in, c->member);
    if (!doc)
        return s3_fail(call, 400, "MissingRequestBodyError", "Request body is empty.", NULL, NULL);
    if (strcmp(c->kind, "Policy") == 0 && (rc = check_policy(call, doc->u.s.p)))
        return rc;
    const char *json = s3_to_json(call, doc);
    return json ? s3_config_store(call, &b, c->kind, json) : NB_ENOMEM;
}

int
s3_config_store(nb_call *call, const s3_bucket *b, const char *kind, const char *json)
{
    nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO s3_configs (account, region, bucket, kind,"
                               " body) VALUES (?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, b->account);
    nb_bind_text(st, 2, b->region);
    nb_bind_text(st, 3, b->name);
    nb_bind_text(st, 4, kind);
    nb_bind_text(st, 5, json);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
s3_config_get(nb_call *call, const nb_value *in, nb_value *out)
{
    const cfg *c = cfg_of(call->op->name);
    s3_bucket b;
    if (NB_NEVER(!c))
        return NB_EINTERNAL;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    const char *json = s3_config_stored(call, b.name, c->kind);
    if (!json && c->code)
        return s3_fail(call, 404, c->code, c->msg, "BucketName", b.name);
    if (!json && !(json = c->dflt))
        return NB_OK;
    uint32_t shape = c->out_whole ? s3_out_shape(call, c->member) : call->op->output;
    nb_value *doc = s3_from_json(call, json, shape);
    if (!doc)
        return NB_EINTERNAL;
    if (c->out_whole)
        return nb_value_put(out, c->member, strlen(c->member), doc);
    for (nb_value *m = doc->u.c.first, *next; m; m = next) {
        next = m->next;
        m->next = NULL;
        if ((rc = nb_value_put(out, m->key, m->klen, m)))
            return rc;
    }
    return NB_OK;
}

int
s3_config_delete(nb_call *call, const nb_value *in, nb_value *out)
{
    const cfg *c = cfg_of(call->op->name);
    s3_bucket b;
    if (NB_NEVER(!c))
        return NB_EINTERNAL;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "DELETE FROM s3_configs WHERE bucket = ? AND kind = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, b.name);
    nb_bind_text(st, 2, c->kind);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* AWS: API_GetBucketPolicyStatus.html; nimbus enforces no policy, so no
 * bucket is public. */
int
s3_get_bucket_policy_status(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    if (!s3_config_stored(call, b.name, "Policy"))
        return s3_fail(call, 404, "NoSuchBucketPolicy", "The bucket policy does not exist",
                       "BucketName", b.name);
    nb_value *ps = nb_set_struct(out, "PolicyStatus");
    return ps ? nb_set_bool(ps, "IsPublic", 0) : NB_ENOMEM;
}
