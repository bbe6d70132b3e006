/*
 * s3_acl.c: access control lists: GetObjectAcl, PutObjectAcl,
 * GetBucketAcl, PutBucketAcl, and the x-amz-acl / x-amz-grant-* headers of
 * the writes that take them (PutObject, CreateMultipartUpload). An ACL is
 * kept as its Grants list (JSON) with the object version, or as the
 * bucket's "AccessControlPolicy" configuration row; "" means the default,
 * FULL_CONTROL to the owner. nimbus records ACLs and answers them; it does
 * not enforce them.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 * (canned ACLs and the grants they make; the group URIs; grant headers
 * `id="..."`, `uri="..."`, `emailAddress="..."` separated by commas),
 * API_PutObjectAcl.html (a canned ACL, grant headers or an
 * AccessControlPolicy body), userguide/about-object-ownership.html (with
 * ObjectOwnership BucketOwnerEnforced, the default for new buckets, ACLs
 * other than bucket-owner full control fail with
 * AccessControlListNotSupported, "The bucket does not allow ACLs"),
 * ErrorResponses.html (MalformedACLError, UnresolvableGrantByEmailAddress,
 * MissingSecurityHeader).
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/model.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

#define ALL_USERS "http://acs.amazonaws.com/groups/global/AllUsers"
#define AUTH_USERS "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
#define LOG_DELIVERY "http://acs.amazonaws.com/groups/s3/LogDelivery"

static int
grant(nb_value *list, const char *type, const char *who, const char *perm)
{
    nb_value *g = nb_list_add_struct(list), *e = g ? nb_set_struct(g, "Grantee") : NULL;
    if (!e || nb_set_str(e, "Type", type) ||
        nb_set_str(e, strcmp(type, "Group") == 0 ? "URI" : "ID", who) ||
        nb_set_str(g, "Permission", perm))
        return NB_ENOMEM;
    return NB_OK;
}

/* The grants of a canned ACL (owner id given). */
static int
canned(nb_call *call, const char *acl, const char *owner, nb_value *list)
{
    int rc = grant(list, "CanonicalUser", owner, "FULL_CONTROL");
    if (rc || strcmp(acl, "private") == 0 || strcmp(acl, "bucket-owner-full-control") == 0 ||
        strcmp(acl, "bucket-owner-read") == 0 || strcmp(acl, "aws-exec-read") == 0)
        return rc;
    if (strcmp(acl, "public-read") == 0 || strcmp(acl, "public-read-write") == 0)
        rc = grant(list, "Group", ALL_USERS, "READ");
    if (!rc && strcmp(acl, "public-read-write") == 0)
        rc = grant(list, "Group", ALL_USERS, "WRITE");
    if (!rc && strcmp(acl, "authenticated-read") == 0)
        rc = grant(list, "Group", AUTH_USERS, "READ");
    if (!rc && strcmp(acl, "log-delivery-write") == 0) {
        rc = grant(list, "Group", LOG_DELIVERY, "WRITE");
        rc = rc ? rc : grant(list, "Group", LOG_DELIVERY, "READ_ACP");
    }
    return rc;
}

static int
bad_argument(nb_call *call, const char *msg, const char *name, const char *value)
{
    int rc = s3_fail(call, 400, "InvalidArgument", msg, "ArgumentName", name);
    return rc == NB_EAWS && nb_set_str(call->err_fields, "ArgumentValue", value) ? NB_ENOMEM : rc;
}

/* A canonical user id is 64 lower-case hex digits. */
static int
id_ok(const char *id)
{
    return strlen(id) == 64 && strspn(id, "0123456789abcdef") == 64;
}

static int
user_grant(nb_call *call, nb_value *list, const char *id, const char *perm)
{
    return id_ok(id) ? grant(list, "CanonicalUser", id, perm)
                     : bad_argument(call, "Invalid id", "CanonicalUser/ID", id);
}

static int
group_ok(const char *uri)
{
    return strcmp(uri, ALL_USERS) == 0 || strcmp(uri, AUTH_USERS) == 0 ||
           strcmp(uri, LOG_DELIVERY) == 0;
}

/* One grantee of a grant header: id="...", uri="...", emailAddress="...". */
static int
header_grantee(nb_call *call, const char *p, size_t n, const char *perm, nb_value *list)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    const char *eq = memchr(p, '=', n);
    size_t kn = eq ? (size_t)(eq - p) : n;
    const char *v = eq ? eq + 1 : "";
    size_t vn = eq ? n - kn - 1 : 0;
    if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
        v++, vn -= 2;
    char *val = nb_arena_strndup(call->arena, v, vn);
    const char *arg = nb_arena_strndup(call->arena, p, n);
    if (!val || !arg)
        return NB_ENOMEM;
    if (kn == 2 && strncmp(p, "id", 2) == 0)
        return user_grant(call, list, val, perm);
    if (kn == 3 && strncmp(p, "uri", 3) == 0)
        return group_ok(val) ? grant(list, "Group", val, perm)
                             : bad_argument(call, "Invalid group uri", "uri", val);
    if (kn == 12 && strncmp(p, "emailAddress", 12) == 0)
        return s3_fail(call, 400, "UnresolvableGrantByEmailAddress",
                       "The e-mail address you provided does not match any account on record.",
                       "EmailAddress", val);
    return bad_argument(call, "Argument format not recognized", arg, arg);
}

static const char *const grant_headers[][2] = {
    {"GrantFullControl", "FULL_CONTROL"}, {"GrantRead", "READ"},
    {"GrantReadACP", "READ_ACP"},         {"GrantWrite", "WRITE"},
    {"GrantWriteACP", "WRITE_ACP"},
};

/* The grants named by x-amz-grant-* headers; *any: some were sent. */
static int
header_grants(nb_call *call, const nb_value *in, nb_value *list, int *any)
{
    *any = 0;
    for (size_t i = 0; i < NB_ARRAY_LEN(grant_headers); i++) {
        const char *h = nb_get_str(in, grant_headers[i][0]);
        if (!h)
            continue;
        *any = 1;
        for (const char *p = h; *p;) {
            size_t n = strcspn(p, ",");
            int rc = header_grantee(call, p, n, grant_headers[i][1], list);
            if (rc)
                return rc;
            p += n;
            if (*p == ',')
                p++;
        }
    }
    return NB_OK;
}

static int
malformed_acl(nb_call *call)
{
    return s3_fail(call, 400, "MalformedACLError",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema",
                   NULL, NULL);
}

/* Grants from an AccessControlPolicy body, checked. */
static int
body_grants(nb_call *call, const nb_value *policy, nb_value *list)
{
    for (const nb_value *g = nb_first(nb_get(policy, "Grants")); g; g = g->next) {
        const nb_value *e = nb_get(g, "Grantee");
        const char *type = nb_get_str(e, "Type"), *perm = nb_get_str(g, "Permission");
        if (!type || !perm)
            return malformed_acl(call);
        int rc;
        if (strcmp(type, "CanonicalUser") == 0 && nb_get_str(e, "ID"))
            rc = user_grant(call, list, nb_get_str(e, "ID"), perm);
        else if (strcmp(type, "Group") == 0 && nb_get_str(e, "URI"))
            rc = group_ok(nb_get_str(e, "URI"))
                     ? grant(list, type, nb_get_str(e, "URI"), perm)
                     : bad_argument(call, "Invalid group uri", "uri", nb_get_str(e, "URI"));
        else if (strcmp(type, "AmazonCustomerByEmail") == 0 && nb_get_str(e, "EmailAddress"))
            rc = s3_fail(call, 400, "UnresolvableGrantByEmailAddress",
                         "The e-mail address you provided does not match any account on record.",
                         "EmailAddress", nb_get_str(e, "EmailAddress"));
        else
            rc = malformed_acl(call);
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* 1 when the grants give nothing beyond FULL_CONTROL to the owner. */
static int
owner_only(const nb_value *list, const char *owner)
{
    for (const nb_value *g = nb_first(list); g; g = g->next) {
        const nb_value *e = nb_get(g, "Grantee");
        const char *id = nb_get_str(e, "ID");
        if (!id || strcmp(id, owner) != 0 ||
            strcmp(nb_get_str(g, "Permission"), "FULL_CONTROL") != 0)
            return 0;
    }
    return 1;
}

static int
enforced(nb_call *call, const s3_bucket *b)
{
    const char *own = s3_config_stored(call, b->name, "OwnershipControls");
    return own && strstr(own, "BucketOwnerEnforced") != NULL;
}

/* The grants a request asks for (canned, headers or, when body is set,
 * the AccessControlPolicy), or an empty list for none; checked against
 * the bucket's object ownership. */
static int
requested(nb_call *call, const nb_value *in, const s3_bucket *b, const nb_value *body,
          nb_value *list, int *given)
{
    const char *acl = nb_get_str(in, "ACL"), *owner = s3_owner_id(call, call->account);
    int headers, rc = header_grants(call, in, list, &headers);
    if (rc || !owner)
        return rc ? rc : NB_ENOMEM;
    if (acl && headers)
        return s3_fail(call, 400, "InvalidRequest",
                       "Specifying both Canned ACLs and Header Grants is not allowed", NULL, NULL);
    if ((acl || headers) && body)
        return s3_fail(call, 400, "UnexpectedContent", "This request does not support content",
                       NULL, NULL);
    if (acl)
        rc = canned(call, acl, owner, list);
    else if (body)
        rc = body_grants(call, body, list);
    *given = acl || headers || body;
    if (!rc && *given && enforced(call, b) && !owner_only(list, owner))
        return s3_fail(call, 400, "AccessControlListNotSupported", "The bucket does not allow ACLs",
                       NULL, NULL);
    return rc;
}

int
s3_acl_from_request(nb_call *call, const nb_value *in, const s3_bucket *b, const char **json)
{
    nb_value *list = nb_value_list(call->arena);
    int given = 0, rc = list ? requested(call, in, b, NULL, list, &given) : NB_ENOMEM;
    if (rc)
        return rc;
    *json = given ? s3_to_json(call, list) : "";
    return *json ? NB_OK : NB_ENOMEM;
}

/* Owner and Grants of a stored ACL ("" is owner FULL_CONTROL). */
static int
acl_out(nb_call *call, const char *json, const char *account, nb_value *out)
{
    const char *owner = s3_owner_id(call, account);
    nb_value *list = json[0] ? s3_from_json(call, json, s3_out_shape(call, "Grants"))
                             : nb_value_list(call->arena);
    if (!owner || !list)
        return NB_ENOMEM;
    list->type = NB_V_LIST;
    int rc = json[0] ? NB_OK : grant(list, "CanonicalUser", owner, "FULL_CONTROL");
    rc = rc ? rc : s3_owner_out(call, out, account);
    return rc ? rc : nb_value_put(out, "Grants", 6, list);
}

/* A Put*Acl request's grants as JSON; none at all is an error. */
static int
put_request(nb_call *call, const nb_value *in, const s3_bucket *b, const char **json)
{
    nb_value *list = nb_value_list(call->arena);
    const nb_value *body = nb_get(in, "AccessControlPolicy");
    int given = 0, rc = list ? requested(call, in, b, body, list, &given) : NB_ENOMEM;
    if (rc)
        return rc;
    if (!given) {
        rc = s3_fail(call, 400, "MissingSecurityHeader",
                     "Your request was missing a required "
                     "header",
                     "MissingHeaderName", "x-amz-acl");
        return rc;
    }
    return (*json = s3_to_json(call, list)) ? NB_OK : NB_ENOMEM;
}

int
s3_get_bucket_acl(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    if (rc)
        return rc;
    const char *json = s3_config_stored(call, b.name, "AccessControlPolicy");
    return acl_out(call, json ? json : "", b.account, out);
}

int
s3_put_bucket_acl(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    const char *json;
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), &b);
    rc = rc ? rc : put_request(call, in, &b, &json);
    return rc ? rc : s3_config_store(call, &b, "AccessControlPolicy", json);
}

/* The object version an ACL call names. */
static int
acl_target(nb_call *call, const nb_value *in, s3_bucket *b, s3_object *o)
{
    const char *key = nb_get_str(in, "Key"), *vid = nb_get_str(in, "VersionId");
    int rc = s3_bucket_need(call, nb_get_str(in, "Bucket"), b);
    if (rc)
        return rc;
    o->delete_marker = 0;
    rc = s3_object_get(call, b->name, key, vid, o);
    if (rc == NB_ENOTFOUND || (!rc && o->delete_marker))
        return s3_missing(call, key, vid, o);
    return rc;
}

int
s3_get_object_acl(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    s3_object o;
    int rc = acl_target(call, in, &b, &o);
    return rc ? rc : acl_out(call, o.acl, b.account, out);
}

int
s3_put_object_acl(nb_call *call, const nb_value *in, nb_value *out)
{
    s3_bucket b;
    s3_object o;
    const char *json;
    int rc = acl_target(call, in, &b, &o);
    rc = rc ? rc : put_request(call, in, &b, &json);
    if (rc)
        return rc;
    nb_stmt *st = nb_sql(call, "UPDATE s3_objects SET acl = ? WHERE bucket = ? AND key = ?"
                               " AND version_id = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, json);
    nb_bind_text(st, 2, b.name);
    nb_bind_text(st, 3, o.key);
    nb_bind_text(st, 4, o.version_id);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}
