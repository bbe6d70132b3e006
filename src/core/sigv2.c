/*
 * sigv2.c: checking the object store's legacy signatures (AWS signature
 * version 2, HMAC-SHA1), in the Authorization header ("AWS
 * AccessKeyId:Signature") and in presigned URLs (AWSAccessKeyId, Expires,
 * Signature). sigv4.c finds them; the router calls nb_sigv2_verify() when
 * signatures are checked and the service signs paths as sent (S3). The
 * string to sign is S3's: method, Content-MD5, Content-Type, Date (empty
 * when x-amz-date is sent; Expires in a presigned URL), the x-amz-*
 * headers, and the resource with the sub-resources S3 signs. It owns
 * nothing: results live in the caller's arena.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
 * ("Signing and authenticating REST requests", with "Query string request
 * authentication alternative").
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "digest.h"
#include "limits.h"
#include "sigv4.h"
#include "sigv4_int.h"
#include "timefmt.h"

/* AWS: a request whose Date is more than 15 minutes from the server clock
 * is refused (RESTAuthentication.html, "Time stamp requirement"). */
#define SKEW_S 900
/* Bound on one string to sign; the request is bounded long before. */
#define TO_SIGN_MAX (4u * 1024 * 1024)
/* AWS: S3's SignatureDoesNotMatch message (the same for both versions). */
#define MSG_SIGNATURE                                                                              \
    "The request signature we calculated does not match the signature you "                        \
    "provided. Check your key and signing method."

/* The query parameters S3 signs in the CanonicalizedResource, sorted.
 * AWS: RESTAuthentication.html lists acl, lifecycle, location, logging,
 * notification, partNumber, policy, requestPayment, uploadId, uploads,
 * versionId, versioning, versions, website, the response-* overrides and
 * delete; S3 signs the later sub-resources too (tagging, cors, ...,
 * object-lock: github.com/boto/botocore/issues/2468), and botocore's
 * HmacV1Auth.QSAOfInterest, the signer clients use, lists them all. */
static const char *const signed_subresources[] = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

typedef nb_sig_ctx v2ctx;

static const char *
sdup(v2ctx *c, nb_str s)
{
    return nb_sig_afmt(c, "%.*s", (int)s.len, s.p ? s.p : "");
}

/* ------------------------------------------------------ string to sign */

/* One x-amz-* header (or presigned parameter) for CanonicalizedAmzHeaders. */
typedef struct amz {
    const char *name; /* lower-case name */
    nb_str value;     /* trimmed value */
    size_t order;     /* position in the request, to keep repeats in order */
} amz;

static int
cmp_amz(const void *x, const void *y)
{
    const amz *a = x, *b = y;
    int r = strcmp(a->name, b->name);
    return r ? r : (a->order > b->order) - (a->order < b->order);
}

static char *
lower_dup(nb_arena *a, nb_str s)
{
    char *d = nb_arena_strndup(a, s.p, s.len);
    for (size_t i = 0; d && i < s.len; i++)
        d[i] = lower(d[i]);
    return d;
}

/* CanonicalizedAmzHeaders: every x-amz-* header, the name in lower case,
 * sorted by name, the values of one name joined with ',' (no spaces), each
 * trimmed, one "name:value\n" line per name. A presigned URL may carry
 * x-amz-* headers as query parameters (botocore's HmacV1QueryAuth moves
 * them there): those count as headers, unless the header is sent too. AWS: RESTAuthentication.html,
 * "Constructing the CanonicalizedAmzHeaders element". */
static int
add_amz_headers(v2ctx *c, nb_buf *b)
{
    const nb_http_req *req = c->req;
    nb_str q = nb_str_c(req->query);
    size_t max = req->nheaders + nb_sigv4_max_pairs(q), n = 0, pos = 0;
    if (max > NB_LIST_MAX)
        return NB_ENOMEM;
    amz *list = nb_arena_alloc(c->a, max * sizeof(*list));
    if (!list)
        return NB_ENOMEM;
    for (size_t i = 0; i < req->nheaders; i++) {
        const nb_header *h = &req->headers[i];
        if (!h->name || !has_prefix(nb_str_c(h->name), "x-amz-"))
            continue;
        list[n] =
            (amz){lower_dup(c->a, nb_str_c(h->name)), trim(nb_str_c(h->value ? h->value : "")), n};
        if (!list[n++].name)
            return NB_ENOMEM;
    }
    qpair p;
    while (c->auth->kind == NB_SIGV4_V2_QUERY && nb_sigv4_next_pair(q, &pos, &p)) {
        nb_str k, v;
        int rc = nb_sigv4_pct_decode(c->a, p.key, 1, 0, &k);
        rc = rc ? rc : nb_sigv4_pct_decode(c->a, p.val, 1, 0, &v);
        if (rc)
            return rc;
        if (k.len < 6 || !ieq((nb_str){k.p, 6}, "x-amz-"))
            continue;
        char *name = lower_dup(c->a, k);
        if (!name)
            return NB_ENOMEM;
        if (nb_sigv4_find_header(req, name))
            continue; /* the header, sent as well, counts once */
        list[n] = (amz){name, trim(v), n};
        n++;
    }
    if (n > 1)
        qsort(list, n, sizeof(*list), cmp_amz);
    int rc = NB_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        int same = i > 0 && strcmp(list[i].name, list[i - 1].name) == 0;
        if (same)
            rc = nb_buf_addc(b, ',');
        else if (i > 0)
            rc = nb_buf_addc(b, '\n');
        if (!rc && !same)
            rc = nb_buf_addf(b, "%s:", list[i].name);
        if (!rc)
            rc = nb_buf_add(b, list[i].value.p, list[i].value.len);
    }
    if (!rc && n)
        rc = nb_buf_addc(b, '\n');
    return rc;
}

typedef struct sub {
    nb_str name;  /* as sent (never encoded: the names are plain) */
    nb_str value; /* percent-decoded */
    int has_eq;   /* the pair had '=' */
    size_t order; /* position in the query */
} sub;

static int
cmp_sub(const void *x, const void *y)
{
    const sub *a = x, *b = y;
    size_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
    int r = memcmp(a->name.p, b->name.p, n);
    if (!r)
        r = (a->name.len > b->name.len) - (a->name.len < b->name.len);
    return r ? r : (a->order > b->order) - (a->order < b->order);
}

static int
is_signed_subresource(nb_str name)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(signed_subresources); i++)
        if (nb_str_eqc(name, signed_subresources[i]))
            return 1;
    return 0;
}

/* CanonicalizedResource: the resource path (the bucket, then the path as
 * sent), then '?' and the signed sub-resources sorted by name, each with
 * '=' and its value when it has one, values not encoded, joined with
 * '&'. AWS: RESTAuthentication.html, "Constructing the
 * CanonicalizedResource element" ("When signing, you do not encode these
 * values"). */
static int
add_resource(v2ctx *c, nb_buf *b, const char *resource)
{
    nb_str q = nb_str_c(c->req->query);
    size_t max = nb_sigv4_max_pairs(q), n = 0, pos = 0;
    if (max > NB_LIST_MAX)
        return NB_ENOMEM;
    sub *list = nb_arena_alloc(c->a, max * sizeof(*list));
    if (!list)
        return NB_ENOMEM;
    qpair p;
    while (nb_sigv4_next_pair(q, &pos, &p)) {
        if (!is_signed_subresource(p.key))
            continue;
        list[n] = (sub){p.key, p.val, p.val.p != p.key.p + p.key.len, n};
        int rc = nb_sigv4_pct_decode(c->a, p.val, 0, 0, &list[n].value);
        if (rc)
            return rc;
        n++;
    }
    if (n > 1)
        qsort(list, n, sizeof(*list), cmp_sub);
    int rc = nb_buf_adds(b, resource);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = nb_buf_addc(b, i ? '&' : '?');
        if (!rc)
            rc = nb_buf_add(b, list[i].name.p, list[i].name.len);
        if (!rc && list[i].has_eq)
            rc = nb_buf_addc(b, '=');
        if (!rc)
            rc = nb_buf_add(b, list[i].value.p, list[i].value.len);
    }
    return rc;
}

/* A standard header's value for the string to sign, trimmed: the header,
 * else (presigned) a query parameter of that name, else empty. */
static int
add_standard(v2ctx *c, nb_buf *b, const char *lname)
{
    const char *h = nb_sigv4_find_header(c->req, lname);
    if (h) {
        nb_str v = trim(nb_str_c(h));
        return nb_buf_add(b, v.p, v.len);
    }
    if (c->auth->kind != NB_SIGV4_V2_QUERY)
        return NB_OK;
    nb_str q = nb_str_c(c->req->query);
    size_t pos = 0;
    qpair p;
    while (nb_sigv4_next_pair(q, &pos, &p)) {
        if (!ieq(p.key, lname))
            continue;
        nb_str v;
        int rc = nb_sigv4_pct_decode(c->a, p.val, 1, 0, &v);
        v = trim(v);
        return rc ? rc : nb_buf_add(b, v.p, v.len);
    }
    return NB_OK;
}

/* The string to sign, in the arena. The Date line: Expires for a presigned
 * URL; empty when x-amz-date is sent ("if you include the x-amz-date
 * header, use the empty string for the Date when constructing the
 * StringToSign"); else the Date header. */
static int
string_to_sign(v2ctx *c, const char *resource, const char **out)
{
    nb_buf b;
    nb_buf_init(&b, TO_SIGN_MAX);
    int rc = nb_buf_adds(&b, c->req->method ? c->req->method : "");
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : add_standard(c, &b, "content-md5");
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : add_standard(c, &b, "content-type");
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    if (!rc && c->auth->kind == NB_SIGV4_V2_QUERY)
        rc = nb_buf_add(&b, c->auth->expires.p, c->auth->expires.len);
    else if (!rc && !nb_sigv4_find_header(c->req, "x-amz-date"))
        rc = add_standard(c, &b, "date");
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : add_amz_headers(c, &b);
    rc = rc ? rc : add_resource(c, &b, resource);
    if (!rc) {
        *out = nb_arena_strndup(c->a, b.p ? b.p : "", b.len);
        rc = *out ? NB_OK : NB_ENOMEM;
    }
    nb_buf_free(&b);
    return rc == NB_EINVAL ? NB_ENOMEM : rc;
}

int
nb_sigv2_string_to_sign(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth,
                        const char *resource, const char **out)
{
    nb_sigv4_err err;
    v2ctx c = {.a = a, .req = req, .auth = auth, .err = &err};
    int rc = string_to_sign(&c, resource, out);
    return c.oom ? NB_ENOMEM : rc;
}

/* -------------------------------------------------------------- checks */

/* AWS: a malformed SigV2 header is InvalidArgument naming the header
 * (ceph/s3-tests test_object_create_bad_authorization_invalid_aws2
 * expects 400 InvalidArgument, as S3 answers). */
static int
header_form(v2ctx *c)
{
    nb_str h = trim(c->auth->authorization);
    size_t i = 3; /* after "AWS" */
    while (i < h.len && is_space(h.p[i]))
        i++;
    nb_str rest = {h.p + i, h.len - i};
    const char *colon = memchr(rest.p, ':', rest.len);
    if (colon && colon > rest.p && (size_t)(colon - rest.p) + 1 < rest.len)
        return NB_OK;
    nb_sig_fail(c, "InvalidArgument", 400,
                "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
    nb_sig_field(c, "ArgumentName", "Authorization");
    nb_sig_field(c, "ArgumentValue", sdup(c, c->auth->authorization));
    return NB_EAWS;
}

/* The request time of a header-signed request: x-amz-date, else Date, an
 * HTTP date. AWS: RESTAuthentication.html, "Time stamp requirement": a
 * request without a valid time stamp is refused, and one more than 15
 * minutes from the server clock gets RequestTimeTooSkewed (403). */
static int
header_time(v2ctx *c, int64_t now)
{
    const char *d = nb_sigv4_find_header(c->req, "x-amz-date");
    if (!d)
        d = nb_sigv4_find_header(c->req, "date");
    nb_str s = trim(nb_str_c(d ? d : ""));
    double t;
    if (!s.len || nb_time_parse_rfc822(s.p, s.len, &t) != NB_OK)
        return nb_sig_fail(c, "AccessDenied", 403,
                           "AWS authentication requires a valid Date or x-amz-date header");
    if ((int64_t)t >= now - SKEW_S && (int64_t)t <= now + SKEW_S)
        return NB_OK;
    char iso[32];
    nb_time_iso_seconds(iso, now);
    nb_sig_fail(c, "RequestTimeTooSkewed", 403,
                "The difference between the request time and the current time is too large.");
    nb_sig_field(c, "RequestTime", sdup(c, s));
    nb_sig_field(c, "ServerTime", nb_sig_afmt(c, "%s", iso));
    nb_sig_field(c, "MaxAllowedSkewMilliseconds", "900000");
    return NB_EAWS;
}

/* AWS: a presigned URL needs all three parameters (S3's and CloudFront's
 * answer, quoted in github.com/aws/aws-sdk-php/issues/97); Expires is
 * epoch seconds, and past it the URL has expired (nb_sigv4_check_expiry
 * words that). A value that is not a number is refused as not a date
 * (S3's message, as s3-tests and S3 clients quote it). */
static int
query_form(v2ctx *c, nb_arena *a, double now)
{
    const nb_sigv4_auth *au = c->auth;
    if (!au->access_key.len || !au->signature.len || !au->expires.len)
        return nb_sig_fail(c, "AccessDenied", 403,
                           "Query-string authentication requires the Signature, Expires and "
                           "AWSAccessKeyId parameters");
    for (size_t i = 0; i < au->expires.len; i++)
        if (!is_digit(au->expires.p[i]))
            return nb_sig_fail(c, "AccessDenied", 403,
                               nb_sig_afmt(c, "Invalid date (should be seconds since epoch): %.*s",
                                           (int)au->expires.len, au->expires.p));
    return nb_sigv4_check_expiry(a, c->req, au, now, c->err);
}

static int
hmac_sha1_b64(const char *secret, const char *msg, char out[32])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    size_t klen = strlen(secret);
    if (klen > 0x7fffffff ||
        !HMAC(EVP_sha1(), secret, (int)klen, (const unsigned char *)msg, strlen(msg), mac, &n) ||
        n != 20)
        return NB_EINTERNAL;
    nb_b64_encode(out, mac, n); /* 28 characters */
    OPENSSL_cleanse(mac, sizeof(mac));
    return NB_OK;
}

/* AWS: S3's SignatureDoesNotMatch for SigV2 carries AWSAccessKeyId,
 * StringToSign, SignatureProvided and StringToSignBytes (lower-case hex
 * bytes a space apart); there is no canonical request. */
static int
mismatch(v2ctx *c, const char *to_sign)
{
    size_t n = strlen(to_sign);
    char *bytes = nb_arena_alloc(c->a, n * 3 + 1);
    if (!bytes) {
        c->oom = 1;
        return NB_ENOMEM;
    }
    bytes[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        nb_hex((const unsigned char *)to_sign + i, 1, bytes + 3 * i);
        bytes[3 * i + 2] = i + 1 < n ? ' ' : '\0';
    }
    c->err->string_to_sign = to_sign;
    nb_sig_fail(c, "SignatureDoesNotMatch", 403, MSG_SIGNATURE);
    nb_sig_field(c, "AWSAccessKeyId", sdup(c, c->auth->access_key));
    nb_sig_field(c, "StringToSign", to_sign);
    nb_sig_field(c, "SignatureProvided", sdup(c, c->auth->signature));
    nb_sig_field(c, "StringToSignBytes", bytes);
    return NB_EAWS;
}

static int
verify_steps(v2ctx *c, const char *resource, const char *secret, double now)
{
    const nb_sigv4_auth *au = c->auth;
    int64_t t = now > 0 && now < 253402300800.0 ? (int64_t)now : 0;
    int rc = au->kind == NB_SIGV4_V2_HEADER ? header_form(c) : query_form(c, c->a, (double)t);
    if (!rc && au->kind == NB_SIGV4_V2_HEADER)
        rc = header_time(c, t);
    if (rc)
        return rc;
    if (!secret) {
        nb_sigv4_reject(c->a, NB_SIGV4_STYLE_BUCKET, NB_SIGV4_UNKNOWN_KEY, au, c->err);
        return NB_EAWS;
    }
    const char *to_sign;
    char sig[32];
    rc = string_to_sign(c, resource, &to_sign);
    rc = rc ? rc : hmac_sha1_b64(secret, to_sign, sig);
    if (rc)
        return rc;
    if (au->signature.len == 28 && CRYPTO_memcmp(sig, au->signature.p, 28) == 0)
        return NB_OK;
    return mismatch(c, to_sign);
}

int
nb_sigv2_verify(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth,
                const char *resource, const char *secret, double now, nb_sigv4_err *err)
{
    v2ctx c = {.a = a, .req = req, .auth = auth, .err = err};
    memset(err, 0, sizeof(*err));
    int rc = verify_steps(&c, resource, secret, now);
    return c.oom ? NB_ENOMEM : rc;
}
