/*
 * s3_bucket.c: buckets: create, head, delete, list, location and
 * versioning state.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html,
 * API_HeadBucket.html, API_DeleteBucket.html, API_ListBuckets.html,
 * API_GetBucketLocation.html (us-east-1 buckets have no LocationConstraint),
 * ErrorResponses.html (BucketAlreadyExists, BucketAlreadyOwnedByYou,
 * BucketNotEmpty, InvalidBucketName, IllegalLocationConstraintException),
 * and https://docs.aws.amazon.com/AmazonS3/latest/userguide/
 * bucketnamingrules.html (3 to 63 characters: lower-case letters, digits,
 * '.' and '-'; a letter or digit at each end; no "..", no IP address form,
 * no "xn--", "sthree-" or "amzn-s3-demo-" prefix, no "-s3alias",
 * "--ol-s3", ".mrap" or "--x-s3" suffix). New buckets get Block Public
 * Access and BucketOwnerEnforced ownership (April 2023 defaults).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
ip_form(const char *s)
{
    int dots = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.')
            dots++;
        else if (*p < '0' || *p > '9')
            return 0;
    }
    return dots == 3;
}

static int
name_valid(const char *n)
{
    size_t len = strlen(n);
    if (len < 3 || len > 63 || strstr(n, "..") || ip_form(n))
        return 0;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
            return 0;
    if (n[0] == '.' || n[0] == '-' || n[len - 1] == '.' || n[len - 1] == '-')
        return 0;
    if (!strncmp(n, "xn--", 4) || !strncmp(n, "sthree-", 7) || !strncmp(n, "amzn-s3-demo-", 13))
        return 0;
    return !ends_with(n, "-s3alias") && !ends_with(n, "--ol-s3") && !ends_with(n, ".mrap") &&
           !ends_with(n, "--x-s3");
}

static int
config_row(nb_call *call, const char *bucket, const char *region, const char *kind,
           const char *json)
{
    nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO s3_configs (account, region, bucket, kind,"
                               " body) VALUES (?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, region);
    nb_bind_text(st, 3, bucket);
    nb_bind_text(st, 4, kind);
    nb_bind_text(st, 5, json);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

/* The region a CreateBucket asks for. AWS: the constraint must name the
 * region of the endpoint; none means us-east-1; "EU" is eu-west-1; naming
 * us-east-1 explicitly is refused. */
static int
bucket_region(nb_call *call, const nb_value *in, const char **region)
{
    const char *lc = nb_get_str(nb_get(in, "CreateBucketConfiguration"), "LocationConstraint");
    if (lc && strcmp(lc, "EU") == 0)
        lc = "eu-west-1";
    if (lc && strcmp(lc, "us-east-1") == 0)
        return s3_fail(call, 400, "InvalidLocationConstraint",
                       "The specified location-constraint is not valid", "LocationConstraint", lc);
    *region = lc ? lc : "us-east-1";
    if (strcmp(*region, call->region) == 0)
        return NB_OK;
    const char *msg = nb_arena_printf(call->arena,
                                      "The %s location constraint is incompatible for the region "
                                      "specific endpoint this request was sent to.",
                                      lc ? lc : "unspecified");
    return msg ? s3_fail(call, 400, "IllegalLocationConstraintException", msg, NULL, NULL)
               : NB_ENOMEM;
}

int
s3_create_bucket(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "Bucket"), *region = NULL;
    s3_bucket b;
    if (!name_valid(name))
        return s3_fail(call, 400, "InvalidBucketName", "The specified bucket is not valid.",
                       "BucketName", name);
    int rc = bucket_region(call, in, &region);
    if (rc)
        return rc;
    /* AWS: API_CreateBucket.html: an ACL beyond the owner's with
     * BucketOwnerEnforced (the default) is InvalidBucketAclWithObjectOwnership;
     * the message as S3 sends it (hashicorp/terraform-provider-aws users'
     * reports). */
    const char *acl = nb_get_str(in, "ACL"), *own = nb_get_str(in, "ObjectOwnership");
    int grants = nb_get(in, "GrantFullControl") || nb_get(in, "GrantRead") ||
                 nb_get(in, "GrantReadACP") || nb_get(in, "GrantWrite") ||
                 nb_get(in, "GrantWriteACP");
    if ((grants || (acl && strcmp(acl, "private") != 0)) &&
        (!own || strcmp(own, "BucketOwnerEnforced") == 0))
        return s3_fail(call, 400, "InvalidBucketAclWithObjectOwnership",
                       "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced "
                       "setting",
                       NULL, NULL);
    rc = s3_bucket_get(call, name, &b);
    if (rc == NB_OK && strcmp(b.account, call->account) != 0)
        return s3_fail(call, 409, "BucketAlreadyExists",
                       "The requested bucket name is not available. The bucket namespace is "
                       "shared by all users of the system. Please select a different name and "
                       "try again.",
                       "BucketName", name);
    /* AWS: us-east-1 answers 200 to a re-create by the owner. */
    if (rc == NB_OK && strcmp(b.region, "us-east-1") == 0 && strcmp(region, "us-east-1") == 0)
        return nb_set_str(out, "Location", nb_arena_printf(call->arena, "/%s", name));
    if (rc == NB_OK)
        return s3_fail(call, 409, "BucketAlreadyOwnedByYou",
                       "Your previous request to create the named bucket succeeded and you "
                       "already own it.",
                       "BucketName", name);
    if (rc != NB_ENOTFOUND)
        return rc;
    nb_stmt *st = nb_sql(call, "INSERT INTO s3_buckets (account, region, name, created)"
                               " VALUES (?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, region);
    nb_bind_text(st, 3, name);
    nb_bind_double(st, 4, (double)(int64_t)call->now);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    const char *own_json =
        nb_arena_printf(call->arena, "{\"Rules\":[{\"ObjectOwnership\":\"%s\"}]}",
                        own ? own : "BucketOwnerEnforced");
    rc = config_row(call, name, region, "PublicAccessBlockConfiguration",
                    "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,"
                    "\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true}");
    rc = rc ? rc : config_row(call, name, region, "OwnershipControls", own_json);
    if (!rc && (acl || grants)) {
        const char *json = "";
        s3_bucket nb = {.name = name, .account = call->account, .region = region, .vstatus = ""};
        rc = s3_acl_from_request(call, in, &nb, &json);
        if (!rc && json[0])
            rc = s3_config_store(call, &nb, "AccessControlPolicy", json);
    }
    return rc ? rc : nb_set_str(out, "Location", nb_arena_printf(call->arena, "/%s", name));
}

int
s3_head_bucket(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    rc = nb_set_str(out, "BucketRegion", b.region);
    return rc ? rc : nb_set_bool(out, "AccessPointAlias", 0);
}

int
s3_delete_bucket(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    if (s3_object_count(call, b.name) > 0)
        return s3_fail(call, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty",
                       "BucketName", b.name);
    static const char *const sql[] = {
        "DELETE FROM s3_buckets WHERE name = ?",
        "DELETE FROM s3_configs WHERE bucket = ?",
        "DELETE FROM s3_objects WHERE bucket = ?",
        ("DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads"
         " WHERE bucket = ?)"),
        "DELETE FROM s3_uploads WHERE bucket = ?",
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(sql); i++) {
        nb_stmt *st = nb_sql(call, sql[i]);
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, b.name);
        if (nb_step(st) != NB_DONE)
            return NB_EINTERNAL;
    }
    return NB_OK;
}

/* AWS: ListBuckets pages by name (MaxBuckets 1 to 10000, a
 * ContinuationToken), filtered by Prefix and BucketRegion. */
int
s3_list_buckets(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *after = "", *prefix = nb_get_str(in, "Prefix");
    const char *breg = nb_get_str(in, "BucketRegion");
    int64_t max = nb_get_int(in, "MaxBuckets", 10000);
    if (nb_get_str(in, "ContinuationToken") &&
        !(after = s3_token_read(call, nb_get_str(in, "ContinuationToken"))))
        return s3_fail(call, 400, "InvalidArgument", "The continuation token provided is incorrect",
                       "ArgumentName", "continuation-token");
    nb_value *list = nb_set_list(out, "Buckets");
    nb_stmt *st = nb_sql(call, "SELECT name, region, created FROM s3_buckets WHERE account = ?"
                               " AND name > ? ORDER BY name");
    if (!list || !st)
        return list ? NB_EINTERNAL : NB_ENOMEM;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, after);
    int rc;
    const char *last = NULL;
    while ((rc = nb_step(st)) == NB_ROW) {
        const char *name = nb_col_text(st, 0), *region = nb_col_text(st, 1);
        if ((prefix && strncmp(name, prefix, strlen(prefix)) != 0) ||
            (breg && strcmp(breg, region) != 0))
            continue;
        if ((int64_t)list->u.c.n == max) {
            if (nb_set_str(out, "ContinuationToken", s3_token_make(call, last)))
                return NB_ENOMEM;
            break;
        }
        nb_value *b = nb_list_add_struct(list);
        if (!b || nb_set_str(b, "Name", name) ||
            nb_set_time(b, "CreationDate", nb_col_double(st, 2)) ||
            nb_set_str(b, "BucketRegion", region))
            return NB_ENOMEM;
        last = nb_get_str(b, "Name");
    }
    if (rc != NB_ROW && rc != NB_DONE)
        return NB_EINTERNAL;
    rc = s3_owner_out(call, out, call->account);
    if (!rc && prefix)
        rc = nb_set_str(out, "Prefix", prefix);
    return rc;
}

int
s3_get_bucket_location(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc || strcmp(b.region, "us-east-1") == 0)
        return rc;
    return nb_set_str(out, "LocationConstraint", b.region);
}

/* AWS: API_PutBucketVersioning.html: Status Enabled or Suspended; once
 * enabled a bucket never goes back to unversioned. */
int
s3_put_bucket_versioning(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    const char *status = nb_get_str(nb_get(in, "VersioningConfiguration"), "Status");
    if (!status)
        return NB_OK;
    nb_stmt *st = nb_sql(call, "UPDATE s3_buckets SET versioning = ? WHERE name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, status);
    nb_bind_text(st, 2, b.name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
s3_get_bucket_versioning(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc || !b.vstatus[0])
        return rc;
    return nb_set_str(out, "Status", b.vstatus);
}
