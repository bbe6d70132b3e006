/*
 * test_sigv4.c: SigV4 parsing and verification against an independent
 * signer. Every expected signature, canonical request and string to sign
 * comes from botocore (tests/unit/core/sigv4_vectors.py): the test reads
 * its vectors from the file named by argv[1], or runs the script itself.
 * Expected error codes and messages are AWS's, as cited in sigv4.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/sigv4.h"
#include "t.h"
#include "t_sig.h"

#define T0 1709987696.0 /* 2024-03-09T12:34:56Z, the vectors' frozen clock */
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define TOKEN "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token+with/slashes=="

#define MAX_HDRS 32

static nb_arena *A;

typedef t_sig_vec vec;


/* ------------------------------------------------------------- vectors */

static int
style_of(const char *s)
{
    if (strcmp(s, "s3") == 0)
        return NB_SIGV4_STYLE_BUCKET;
    if (strcmp(s, "json") == 0)
        return NB_SIGV4_STYLE_JSON;
    if (strcmp(s, "restjson") == 0)
        return NB_SIGV4_STYLE_REST_JSON;
    return NB_SIGV4_STYLE_QUERY;
}

/* ---------------------------------------------------------------- helpers */

/* A request as the server would build it from v, with a private copy of
 * the headers that a test may change. */
typedef struct treq {
    nb_http_req req;             /* the view */
    nb_header headers[MAX_HDRS]; /* its headers */
} treq;

static void
req_of(const vec *v, treq *r)
{
    memset(r, 0, sizeof(*r));
    memcpy(r->headers, v->headers, sizeof(r->headers));
    r->req.method = v->method;
    r->req.url = v->path;
    r->req.query = v->query ? v->query : "";
    r->req.host = "";
    r->req.headers = r->headers;
    r->req.nheaders = v->nheaders;
    r->req.body = v->body ? v->body : "";
    r->req.body_len = v->body_len;
    for (size_t i = 0; i < v->nheaders; i++)
        if (strcmp(v->headers[i].name, "host") == 0)
            r->req.host = v->headers[i].value;
}

static void
set_header(treq *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->req.nheaders; i++) {
        if (strcmp(r->headers[i].name, name) == 0) {
            if (value) {
                r->headers[i].value = value;
            } else {
                r->headers[i] = r->headers[--r->req.nheaders];
            }
            return;
        }
    }
    if (value && r->req.nheaders < MAX_HDRS)
        r->headers[r->req.nheaders++] = (nb_header){name, value};
}

/* Parses and verifies; returns verify's code. */
static int
check(const nb_http_req *req, const char *secret, double now, int style, nb_sigv4_err *err)
{
    nb_sigv4_auth auth;
    nb_sigv4_parse(A, req, &auth);
    return nb_sigv4_verify(A, req, &auth, secret, now, style, err);
}

static const char *
mismatch_code(int style)
{
    return style == NB_SIGV4_STYLE_JSON || style == NB_SIGV4_STYLE_REST_JSON
               ? "InvalidSignatureException"
               : "SignatureDoesNotMatch";
}

static int
mismatch_status(int style)
{
    return style == NB_SIGV4_STYLE_JSON ? 400 : 403;
}

/* ------------------------------------------------------- every vector */

static void
test_vector(const vec *v)
{
    char name[256];
    treq r;
    nb_sigv4_auth auth;
    nb_sigv4_err err;
    req_of(v, &r);

    int rc = nb_sigv4_parse(A, &r.req, &auth);
    snprintf(name, sizeof(name), "%s: parses", v->name);
    t_inteq(rc, NB_OK, name);
    snprintf(name, sizeof(name), "%s: access key", v->name);
    t_ok(nb_str_eqc(auth.access_key, "AKIAIOSFODNN7EXAMPLE"), name);
    snprintf(name, sizeof(name), "%s: region", v->name);
    t_ok(nb_str_eqc(auth.region, "us-east-1"), name);
    const char *scope = strchr(strchr(v->sts, '\n') + 1, '\n') + 1;
    snprintf(name, sizeof(name), "%s: scope as botocore's", v->name);
    t_ok(auth.scope.len && strncmp(scope, auth.scope.p, auth.scope.len) == 0 &&
             scope[auth.scope.len] == '\n',
         name);

    rc = nb_sigv4_verify(A, &r.req, &auth, v->secret, T0 + 30, v->kind, &err);
    snprintf(name, sizeof(name), "%s: botocore's signature verifies", v->name);
    t_inteq(rc, NB_OK, name);
    if (rc)
        printf("#   %s: %s\n", err.code ? err.code : "?", err.message ? err.message : "");

    rc = nb_sigv4_verify(A, &r.req, &auth, "not-the-secret", T0 + 30, v->kind, &err);
    snprintf(name, sizeof(name), "%s: wrong secret", v->name);
    expect_err(rc, &err, mismatch_code(v->kind), mismatch_status(v->kind), NULL, name);
    snprintf(name, sizeof(name), "%s: canonical request as botocore's", v->name);
    t_streq(err.canonical_request, v->canon, name);
    snprintf(name, sizeof(name), "%s: string to sign as botocore's", v->name);
    t_streq(err.string_to_sign, v->sts, name);
    if (v->kind == NB_SIGV4_STYLE_BUCKET) {
        snprintf(name, sizeof(name), "%s: S3 StringToSign field", v->name);
        t_streq(fieldv(&err, "StringToSign"), v->sts, name);
        snprintf(name, sizeof(name), "%s: S3 AWSAccessKeyId field", v->name);
        t_streq(fieldv(&err, "AWSAccessKeyId"), "AKIAIOSFODNN7EXAMPLE", name);
    } else {
        char *want = nb_arena_printf(
            A,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.\n\nThe Canonical String for this request should "
            "have been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n",
            v->canon, v->sts);
        snprintf(name, sizeof(name), "%s: message with canonical strings", v->name);
        t_streq(err.message, want, name);
    }

    rc = nb_sigv4_verify(A, &r.req, &auth, NULL, T0 + 30, v->kind, &err);
    snprintf(name, sizeof(name), "%s: unknown key", v->name);
    if (v->kind == NB_SIGV4_STYLE_BUCKET) {
        expect_err(rc, &err, "InvalidAccessKeyId", 403,
                   "The AWS Access Key Id you provided does not exist in our records.", name);
    } else {
        expect_err(rc, &err,
                   v->kind == NB_SIGV4_STYLE_QUERY ? "InvalidClientTokenId"
                                                    : "UnrecognizedClientException",
                   v->kind == NB_SIGV4_STYLE_JSON ? 400 : 403,
                   "The security token included in the request is invalid.", name);
    }
}

/* ---------------------------------------------------- named scenarios */

static void
test_tampering(void)
{
    const vec *v;
    treq r;
    nb_sigv4_err err;
    int rc;

    if ((v = t_find_vec("query_post"))) {
        req_of(v, &r);
        set_header(&r, "content-type", "application/json");
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, "tampered signed header");
        req_of(v, &r);
        r.req.body = "Action=GetCallerIdentity&Version=2011-06-16";
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, "tampered body");
        req_of(v, &r);
        set_header(&r, "user-agent", "someone-else/2.0");
        set_header(&r, "x-forwarded-for", "10.0.0.1");
        t_inteq(check(&r.req, SECRET, T0 + 30, v->kind, &err), NB_OK,
                "unsigned headers may change");
    }
    if ((v = t_find_vec("get_query"))) {
        req_of(v, &r);
        r.req.query = "Action=ListQueues&QueueNamePrefix=a+b%2Bc~d%2F%C3%A9%E6%BC%A2&Empty=&z=1"
                      "&Z=2&a-b=3&a=5";
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, "tampered query");
        req_of(v, &r);
        r.req.query = "a=4&a-b=3&Z=2&z=1&Empty&QueueNamePrefix=a%20b%2bc%7Ed%2f%c3%a9%e6%bc%a2"
                      "&Action=ListQueues";
        t_inteq(check(&r.req, SECRET, T0 + 30, v->kind, &err), NB_OK,
                "query order and escapes do not matter");
    }
    if ((v = t_find_vec("token_header"))) {
        nb_sigv4_auth auth;
        req_of(v, &r);
        nb_sigv4_parse(A, &r.req, &auth);
        t_ok(nb_str_eqc(auth.token, TOKEN), "session token from the header");
        set_header(&r, "x-amz-security-token", "another-token");
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, "tampered session token");
    }
    if ((v = t_find_vec("s3_get_unsigned"))) {
        req_of(v, &r);
        r.req.url = "/bucket/a%2Bb+c%20d/%C3%A9%E6%BC%A2/../x~y/./z";
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403,
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.",
                   "S3 path is not normalised");
        t_ok(fieldv(&err, "CanonicalRequestBytes") &&
                 strncmp(fieldv(&err, "CanonicalRequestBytes"), "47 45 54 0a 2f 62", 17) == 0,
             "S3 CanonicalRequestBytes");
        t_ok(fieldv(&err, "SignatureProvided") && strlen(fieldv(&err, "SignatureProvided")) == 64,
             "S3 SignatureProvided");
    }
    if ((v = t_find_vec("s3_put"))) {
        req_of(v, &r);
        r.req.body = "hello, S3\n";
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "XAmzContentSHA256Mismatch", 400,
                   "The provided 'x-amz-content-sha256' header does not match what was "
                   "computed.",
                   "S3 body does not match its hash");
        t_streq(fieldv(&err, "ClientComputedContentSHA256"),
                "c043ba599d48c5338cd9075ae0edbd65b49713627f66e472c26dc2ec093f387a",
                "S3 ClientComputedContentSHA256");
        req_of(v, &r);
        set_header(&r, "x-amz-content-sha256", NULL);
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "InvalidRequest", 400,
                   "Missing required header for this request: x-amz-content-sha256",
                   "S3 without x-amz-content-sha256");
        req_of(v, &r);
        set_header(&r, "x-amz-content-sha256", "bogus");
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "InvalidArgument", 400, NULL, "S3 bad x-amz-content-sha256");
        t_streq(fieldv(&err, "ArgumentValue"), "bogus", "S3 ArgumentValue");
    }
    if ((v = t_find_vec("s3_presigned_get"))) {
        req_of(v, &r);
        set_header(&r, "x-amz-meta-extra", "1");
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "AccessDenied", 403,
                   "There were headers present in the request which were not signed",
                   "S3 presigned with an unsigned x-amz header");
        t_streq(fieldv(&err, "HeadersNotSigned"), "x-amz-meta-extra", "S3 HeadersNotSigned");
        req_of(v, &r);
        char *q = nb_arena_strdup(A, v->query);
        q[strlen("versionId=v%2B")] = '2';
        r.req.query = q;
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, "S3 presigned tampered query");
        req_of(v, &r);
        set_header(&r, "authorization", "AWS4-HMAC-SHA256 Credential=x");
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "InvalidArgument", 400,
                   "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                   "Signature query string parameter or the Authorization header should be "
                   "specified",
                   "S3 header and presigned");
        rc = check(&r.req, SECRET, T0 + 30, NB_SIGV4_STYLE_JSON, &err);
        expect_err(rc, &err, "InvalidSignatureException", 400,
                   "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' "
                   "as HTTP header.",
                   "JSON header and presigned");
    }
    if ((v = t_find_vec("s3_presigned_put"))) {
        nb_sigv4_auth auth;
        req_of(v, &r);
        t_inteq(nb_sigv4_parse(A, &r.req, &auth), NB_OK, "presigned PUT parses");
        t_ok(nb_str_eqc(auth.token, TOKEN), "session token from the query, decoded");
        t_ok(nb_str_eqc(auth.expires, "60"), "X-Amz-Expires");
        t_ok(auth.kind == NB_SIGV4_QUERY, "presigned kind");
    }
}

static void
test_clock(void)
{
    const vec *v;
    treq r;
    nb_sigv4_err err;
    int rc;

    if ((v = t_find_vec("query_post"))) {
        req_of(v, &r);
        rc = check(&r.req, SECRET, T0 + 1000, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403,
                   "Signature expired: 20240309T123456Z is now earlier than 20240309T123636Z "
                   "(20240309T125136Z - 15 min.)",
                   "skewed clock, request too old");
        rc = check(&r.req, SECRET, T0 - 1000, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403,
                   "Signature not yet current: 20240309T123456Z is still later than "
                   "20240309T123316Z (20240309T121816Z + 15 min.)",
                   "skewed clock, request from the future");
        t_inteq(check(&r.req, SECRET, T0 + 900, v->kind, &err), NB_OK, "15 minutes is allowed");
        t_inteq(check(&r.req, SECRET, T0 - 900, v->kind, &err), NB_OK,
                "15 minutes ahead is allowed");
    }
    if ((v = t_find_vec("json_target"))) {
        req_of(v, &r);
        rc = check(&r.req, SECRET, T0 + 1000, v->kind, &err);
        expect_err(rc, &err, "InvalidSignatureException", 400, NULL, "JSON skewed clock");
    }
    if ((v = t_find_vec("date_header"))) {
        req_of(v, &r);
        rc = check(&r.req, SECRET, T0 + 1000, v->kind, &err);
        expect_err(rc, &err, "InvalidSignatureException", 400,
                   "Signature expired: 20240309T123456Z is now earlier than 20240309T123636Z "
                   "(20240309T125136Z - 15 min.)",
                   "skew from the Date header");
    }
    if ((v = t_find_vec("s3_put"))) {
        req_of(v, &r);
        rc = check(&r.req, SECRET, T0 + 1000, v->kind, &err);
        expect_err(rc, &err, "RequestTimeTooSkewed", 403,
                   "The difference between the request time and the current time is too "
                   "large.",
                   "S3 skewed clock");
        t_streq(fieldv(&err, "RequestTime"), "20240309T123456Z", "S3 RequestTime");
        t_streq(fieldv(&err, "ServerTime"), "2024-03-09T12:51:36Z", "S3 ServerTime");
        t_streq(fieldv(&err, "MaxAllowedSkewMilliseconds"), "900000", "S3 max skew");
    }
    if ((v = t_find_vec("s3_presigned_get"))) {
        req_of(v, &r);
        t_inteq(check(&r.req, SECRET, T0 + 3600, v->kind, &err), NB_OK,
                "presigned URL at its last second");
        rc = check(&r.req, SECRET, T0 + 3601, v->kind, &err);
        expect_err(rc, &err, "AccessDenied", 403, "Request has expired", "expired presigned URL");
        t_streq(fieldv(&err, "X-Amz-Expires"), "3600", "expired: X-Amz-Expires");
        t_streq(fieldv(&err, "Expires"), "2024-03-09T13:34:56Z", "expired: Expires");
        t_streq(fieldv(&err, "ServerTime"), "2024-03-09T13:34:57Z", "expired: ServerTime");
        rc = check(&r.req, SECRET, T0 - 1000, v->kind, &err);
        expect_err(rc, &err, "AccessDenied", 403, "Request is not yet valid",
                   "presigned URL from the future");
    }
    if ((v = t_find_vec("s3_presigned_put"))) {
        req_of(v, &r);
        rc = check(&r.req, SECRET, T0 + 61, v->kind, &err);
        expect_err(rc, &err, "AccessDenied", 403, "Request has expired",
                   "expired presigned PUT with a session token");
    }
    if ((v = t_find_vec("s3_presigned_week"))) {
        req_of(v, &r);
        t_inteq(check(&r.req, SECRET, T0 + 604800, v->kind, &err), NB_OK,
                "a week is the longest X-Amz-Expires");
    }
    if ((v = t_find_vec("s3_presigned_toolong"))) {
        req_of(v, &r);
        rc = check(&r.req, SECRET, T0 + 30, v->kind, &err);
        expect_err(rc, &err, "AuthorizationQueryParametersError", 400,
                   "X-Amz-Expires must be less than a week (in seconds); that is, the given "
                   "X-Amz-Expires must be less than 604800 seconds",
                   "X-Amz-Expires over a week");
    }
    if ((v = t_find_vec("sts_presigned"))) {
        req_of(v, &r);
        t_inteq(check(&r.req, SECRET, T0 + 300, v->kind, &err), NB_OK,
                "non-S3 presigned URL ignores X-Amz-Expires");
        rc = check(&r.req, SECRET, T0 + 1000, v->kind, &err);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403,
                   "Signature expired: 20240309T123456Z is now earlier than 20240309T123636Z "
                   "(20240309T125136Z - 15 min.)",
                   "non-S3 presigned URL, 15 minutes");
    }
}

/* ------------------------------------------------- malformed requests */

static nb_http_req
hand_req(nb_header *h, size_t nh, const char *query)
{
    nb_http_req r = {.method = "POST",
                     .url = "/",
                     .query = query,
                     .host = "localhost:4566",
                     .headers = h,
                     .nheaders = nh,
                     .body = "",
                     .body_len = 0};
    return r;
}

#define CRED_OK "AKIDEXAMPLE/20240309/us-east-1/sts/aws4_request"

static void
malformed(const char *authz, const char *date, int style, const char *code, int status,
          const char *msg, const char *what)
{
    nb_header h[3] = {{"host", "localhost:4566"}};
    size_t n = 1;
    if (authz)
        h[n++] = (nb_header){"authorization", authz};
    if (date)
        h[n++] = (nb_header){"x-amz-date", date};
    nb_http_req r = hand_req(h, n, "");
    nb_sigv4_err err;
    int rc = check(&r, "secret", T0 + 30, style, &err);
    expect_err(rc, &err, code, status, msg, what);
}

static void
test_malformed(void)
{
    const char *d = "20240309T123456Z";
    const char *a;

    a = "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_QUERY, "IncompleteSignature", 400,
              "Authorization header requires 'Credential' parameter. Authorization="
              "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc",
              "missing Credential");
    malformed(a, d, NB_SIGV4_STYLE_BUCKET, "AuthorizationHeaderMalformed", 400,
              "The authorization header is malformed; the authorization header requires three "
              "components: Credential, SignedHeaders, and Signature.",
              "S3 missing Credential");

    a = "AWS4-HMAC-SHA256 Credential=" CRED_OK ", SignedHeaders=host, Signature=abc";
    malformed(a, NULL, NB_SIGV4_STYLE_JSON, "IncompleteSignatureException", 400,
              "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
              "header. Authorization=AWS4-HMAC-SHA256 Credential=" CRED_OK
              ", SignedHeaders=host, Signature=abc",
              "missing date");
    malformed(a, NULL, NB_SIGV4_STYLE_BUCKET, "AccessDenied", 403,
              "AWS authentication requires a valid Date or x-amz-date header", "S3 missing date");
    malformed(a, "2024-03-09", NB_SIGV4_STYLE_QUERY, "IncompleteSignature", 400,
              "Date must be in ISO-8601 'basic format'. Got '2024-03-09'. See "
              "http://en.wikipedia.org/wiki/ISO_8601",
              "date not in basic format");

    a = "AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_QUERY, "IncompleteSignature", 400,
              "'Credential' not a valid key=value pair (missing equal-sign) in Authorization "
              "header: 'AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=abc'.",
              "component without '='");

    a = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240309/us-east-1/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_QUERY, "IncompleteSignature", 400,
              "Credential must have exactly 5 slash-delimited elements, e.g. "
              "keyid/date/region/service/term, got 'AKIDEXAMPLE/20240309/us-east-1/aws4_request'",
              "bad scope: four elements");
    malformed(a, d, NB_SIGV4_STYLE_BUCKET, "AuthorizationHeaderMalformed", 400,
              "The authorization header is malformed; the Credential is mal-formed; expecting "
              "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
              "S3 bad scope");

    a = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240308/us-east-1/sts/aws4_requesx, "
        "SignedHeaders=host;x-amz-date, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_QUERY, "SignatureDoesNotMatch", 403,
              "Credential should be scoped with a valid terminator: 'aws4_request', not "
              "'aws4_requesx'. Date in Credential scope does not match YYYYMMDD from ISO-8601 "
              "version of date from HTTP: '20240308' != '20240309', from '20240309T123456Z'.",
              "bad terminator and scope date");

    a = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240308/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_BUCKET, "AuthorizationHeaderMalformed", 400,
              "The authorization header is malformed; Invalid credential date. Date is not the "
              "same as X-Amz-Date.",
              "S3 scope date");

    a = "AWS4-HMAC-SHA256 Credential=" CRED_OK ", SignedHeaders=x-amz-date, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_QUERY, "SignatureDoesNotMatch", 403,
              "'Host' must be a 'SignedHeader' in the AWS Authorization.", "Host not signed");

    a = "AWS4-HMAC-SHA512 Credential=" CRED_OK ", SignedHeaders=host, Signature=abc";
    malformed(a, d, NB_SIGV4_STYLE_QUERY, "IncompleteSignature", 400,
              "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for "
              "now). ",
              "unsupported algorithm");

    malformed("", d, NB_SIGV4_STYLE_JSON, "MissingAuthenticationTokenException", 400,
              "Request is missing Authentication Token", "empty Authorization, JSON");
    malformed("", d, NB_SIGV4_STYLE_QUERY, "IncompleteSignature", 400,
              "Authorization header requires 'Credential' parameter. Authorization header "
              "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
              "parameter. Authorization=",
              "empty Authorization, query");
    malformed("Bearer abc", NULL, NB_SIGV4_STYLE_BUCKET, "InvalidArgument", 400,
              "Unsupported Authorization Type", "Bearer token, S3");
    malformed("AWS AKIDEXAMPLE:c2lnbmF0dXJl", d, NB_SIGV4_STYLE_BUCKET, "InvalidRequest", 400,
              "The authorization mechanism you have provided is not supported. Please use "
              "AWS4-HMAC-SHA256.",
              "SigV2, S3");

    malformed(NULL, NULL, NB_SIGV4_STYLE_QUERY, "MissingAuthenticationToken", 403,
              "Request is missing Authentication Token", "no credentials, query");
    malformed(NULL, NULL, NB_SIGV4_STYLE_REST_JSON, "MissingAuthenticationTokenException", 403,
              "Missing Authentication Token", "no credentials, restJson");
    malformed(NULL, NULL, NB_SIGV4_STYLE_BUCKET, "AccessDenied", 403, "Access Denied",
              "no credentials, S3");
}

static void
test_parse(void)
{
    nb_header h[2] = {{"host", "localhost:4566"}, {"authorization", ""}};
    nb_http_req r;
    nb_sigv4_auth au;

    h[1].value = "  AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240309/eu-west-1/sqs/aws4_request/,"
                 "SignedHeaders=host;x-amz-date,Signature=abcd";
    r = hand_req(h, 2, "");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_EINVAL, "no date: malformed");
    t_ok(au.kind == NB_SIGV4_HEADER && au.bad == NB_SIGV4_MISSING &&
             au.missing == NB_SIGV4_NEED_DATE,
         "no date: what is missing");
    t_ok(nb_str_eqc(au.access_key, "AKIDEXAMPLE") && nb_str_eqc(au.date, "20240309") &&
             nb_str_eqc(au.region, "eu-west-1") && nb_str_eqc(au.service, "sqs"),
         "scope without spaces, trailing slash ignored");
    t_ok(nb_str_eqc(au.scope, "20240309/eu-west-1/sqs/aws4_request"), "scope string");
    t_ok(nb_str_eqc(au.signature, "abcd") && nb_str_eqc(au.signed_headers, "host;x-amz-date"),
         "signature and signed headers");

    h[1].value = "AWS AKIDEXAMPLE:c2lnbmF0dXJl";
    r = hand_req(h, 2, "");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_OK, "SigV2 header parses");
    t_ok(au.kind == NB_SIGV4_V2_HEADER && nb_str_eqc(au.access_key, "AKIDEXAMPLE"),
         "SigV2 header access key");

    r = hand_req(h, 1, "AWSAccessKeyId=AKID%2Bx&Expires=1700000000&Signature=c2ln%3D");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_OK, "SigV2 query parses");
    t_ok(au.kind == NB_SIGV4_V2_QUERY && nb_str_eqc(au.access_key, "AKID+x") &&
             nb_str_eqc(au.signature, "c2ln=") && nb_str_eqc(au.expires, "1700000000"),
         "SigV2 query fields decoded");

    r = hand_req(h, 1, "list-type=2&prefix=a%20b");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_OK, "no credentials parses");
    t_ok(au.kind == NB_SIGV4_NONE, "no credentials kind");

    r = hand_req(h, 1,
                 "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240309%2F"
                 "ap-south-1%2Fs3%2Faws4_request");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_EINVAL, "incomplete presigned URL");
    t_ok(au.kind == NB_SIGV4_QUERY && nb_str_eqc(au.region, "ap-south-1") &&
             nb_str_eqc(au.service, "s3"),
         "incomplete presigned URL still gives the scope");
    t_inteq(au.missing,
            NB_SIGV4_NEED_SIGNATURE | NB_SIGV4_NEED_SIGNED | NB_SIGV4_NEED_DATE |
                NB_SIGV4_NEED_EXPIRES,
            "presigned: what is missing");
    nb_sigv4_err err;
    t_inteq(nb_sigv4_verify(A, &r, &au, "s", T0, NB_SIGV4_STYLE_QUERY, &err), NB_EAWS,
            "incomplete presigned refused");
    t_streq(err.message,
            "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string "
            "parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must "
            "include 'X-Amz-Date'. Re-examine the query-string parameters.",
            "incomplete presigned message");
    t_inteq(nb_sigv4_verify(A, &r, &au, "s", T0, NB_SIGV4_STYLE_BUCKET, &err), NB_EAWS,
            "S3 incomplete presigned refused");
    t_streq(err.code, "AuthorizationQueryParametersError", "S3 incomplete presigned code");

    r = hand_req(h, 1, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2G");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_EINVAL, "bad escape in presigned URL");
    t_ok(au.bad == NB_SIGV4_BAD_ESCAPE, "bad escape reported");

    h[1].value = "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20240309/s3/aws4_request, "
                 "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045";
    nb_header h4a[4] = {h[0],
                        h[1],
                        {"x-amz-region-set", "us-east-1,us-west-2"},
                        {"x-amz-date", "20240309T123456Z"}};
    r = hand_req(h4a, 4, "");
    t_inteq(nb_sigv4_parse(A, &r, &au), NB_EINVAL, "SigV4a: not verifiable");
    t_ok(au.bad == NB_SIGV4_BAD_ALGORITHM && nb_str_eqc(au.service, "s3") &&
             nb_str_eqc(au.region, "us-east-1,us-west-2") && nb_str_eqc(au.date, "20240309") &&
             nb_str_eqc(au.access_key, "AKIDEXAMPLE"),
         "SigV4a: scope for routing");

    char acct[13];
    t_inteq(nb_sigv4_key_account(NB_STR("123456789012"), acct), NB_OK, "12-digit key");
    t_streq(acct, "123456789012", "12-digit key is the account");
    t_inteq(nb_sigv4_key_account(NB_STR("AKIAIOSFODNN7EXAMPLE"), acct), NB_ENOTFOUND,
            "AKIA key: caller decides");
    t_inteq(nb_sigv4_key_account(NB_STR("12345678901a"), acct), NB_ENOTFOUND, "not digits");
    t_inteq(nb_sigv4_key_account(NB_STR("1234567890123"), acct), NB_ENOTFOUND, "13 digits");

    nb_sigv4_reject(A, NB_SIGV4_STYLE_BUCKET, NB_SIGV4_BAD_TOKEN, NULL, &err);
    t_streq(err.code, "InvalidToken", "S3 bad session token");
    nb_sigv4_reject(A, NB_SIGV4_STYLE_QUERY, NB_SIGV4_BAD_TOKEN, NULL, &err);
    t_streq(err.code, "InvalidClientTokenId", "query bad session token");
}

int
main(int argc, char **argv)
{
    A = nb_arena_new(0);
    if (!A)
        return 2;
    int rc = t_load_vectors(argc, argv, A, style_of, __FILE__, "sigv4_vectors.py");
    t_ok(rc == 0 && t_nvecs >= 14, "botocore vectors loaded (python3-botocore)");
    for (size_t i = 0; i < t_nvecs; i++)
        if (strcmp(t_vecs[i].name, "s3_presigned_toolong") != 0)
            test_vector(&t_vecs[i]);
    test_tampering();
    test_clock();
    test_malformed();
    test_parse();
    nb_arena_free(A);
    return t_done();
}
