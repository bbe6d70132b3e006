/*
 * test_sigv2.c: S3 SigV2 (sigv2.c) against an independent signer. Every
 * expected string to sign and signature comes from botocore's HmacV1Auth
 * and HmacV1QueryAuth (tests/unit/core/sigv2_vectors.py): the test reads
 * the vectors from the file named by argv[1], or runs the script itself.
 * Expected error codes and messages are S3's, as cited in sigv2.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/sigv4.h"
#include "t.h"
#include "t_sig.h"

#define T0 1709987696.0 /* 2024-03-09T12:34:56Z, the vectors' frozen clock */

static nb_arena *A;

typedef t_sig_vec vec;

/* A vector's kind: 1 for a presigned URL (its case line says "query"), 0
 * for the Authorization header. */
static int
presigned_of(const char *field)
{
    return strcmp(field, "query") == 0;
}


static void
req_of(const vec *v, nb_http_req *r)
{
    memset(r, 0, sizeof(*r));
    r->method = v->method;
    r->url = v->path;
    r->query = v->query ? v->query : "";
    r->host = "localhost:4566";
    r->headers = (nb_header *)v->headers; /* read only */
    r->nheaders = v->nheaders;
    r->body = "";
}

static void
test_vector(const vec *v)
{
    char name[256];
    nb_http_req r;
    nb_sigv4_auth au;
    nb_sigv4_err err;
    req_of(v, &r);
    int rc = nb_sigv4_parse(A, &r, &au);
    snprintf(name, sizeof(name), "%s: parses as SigV2", v->name);
    t_ok(rc == NB_OK && au.kind == (v->kind ? NB_SIGV4_V2_QUERY : NB_SIGV4_V2_HEADER), name);
    snprintf(name, sizeof(name), "%s: access key", v->name);
    t_ok(nb_str_eqc(au.access_key, "AKIAIOSFODNN7EXAMPLE"), name);

    const char *sts = NULL;
    rc = nb_sigv2_string_to_sign(A, &r, &au, v->resource, &sts);
    snprintf(name, sizeof(name), "%s: string to sign as botocore's", v->name);
    t_inteq(rc, NB_OK, name);
    t_streq(sts, v->sts, name);

    rc = nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 + 30, &err);
    snprintf(name, sizeof(name), "%s: botocore's signature verifies", v->name);
    t_inteq(rc, NB_OK, name);
    if (rc)
        printf("#   %s: %s\n", err.code ? err.code : "?", err.message ? err.message : "");

    rc = nb_sigv2_verify(A, &r, &au, v->resource, "not-the-secret", T0 + 30, &err);
    snprintf(name, sizeof(name), "%s: wrong secret", v->name);
    expect_err(rc, &err, "SignatureDoesNotMatch", 403,
           "The request signature we calculated does not match the signature you provided. "
           "Check your key and signing method.",
           name);
    snprintf(name, sizeof(name), "%s: StringToSign field", v->name);
    t_streq(fieldv(&err, "StringToSign"), v->sts, name);
    snprintf(name, sizeof(name), "%s: AWSAccessKeyId field", v->name);
    t_streq(fieldv(&err, "AWSAccessKeyId"), "AKIAIOSFODNN7EXAMPLE", name);
    snprintf(name, sizeof(name), "%s: SignatureProvided field", v->name);
    t_ok(fieldv(&err, "SignatureProvided") && nb_str_eqc(au.signature,
                                                         fieldv(&err, "SignatureProvided")),
         name);
    snprintf(name, sizeof(name), "%s: StringToSignBytes field starts with the method", v->name);
    const char *bytes = fieldv(&err, "StringToSignBytes");
    t_ok(bytes && strlen(bytes) == 3 * strlen(v->sts) - 1 &&
             (strncmp(bytes, "47 45 54 0a", 11) == 0 || strncmp(bytes, "50 ", 3) == 0 ||
              strncmp(bytes, "44 45 4c ", 9) == 0),
         name);
    snprintf(name, sizeof(name), "%s: no canonical request (SigV2 has none)", v->name);
    t_ok(!fieldv(&err, "CanonicalRequest"), name);

    rc = nb_sigv2_verify(A, &r, &au, v->resource, NULL, T0 + 30, &err);
    snprintf(name, sizeof(name), "%s: unknown key", v->name);
    expect_err(rc, &err, "InvalidAccessKeyId", 403,
           "The AWS Access Key Id you provided does not exist in our records.", name);
    t_streq(fieldv(&err, "AWSAccessKeyId"), "AKIAIOSFODNN7EXAMPLE", name);

    /* Tampering with what is signed. */
    if (!v->kind) {
        nb_http_req t = r;
        t.method = strcmp(v->method, "GET") == 0 ? "HEAD" : "GET";
        rc = nb_sigv2_verify(A, &t, &au, v->resource, v->secret, T0 + 30, &err);
        snprintf(name, sizeof(name), "%s: another method", v->name);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, name);
        rc = nb_sigv2_verify(A, &r, &au, "/other/resource", v->secret, T0 + 30, &err);
        snprintf(name, sizeof(name), "%s: another resource", v->name);
        expect_err(rc, &err, "SignatureDoesNotMatch", 403, NULL, name);
    }
}

/* Times: the Date skew of a header, the Expires of a presigned URL. */
static void
test_clock(void)
{
    const vec *v;
    nb_http_req r;
    nb_sigv4_auth au;
    nb_sigv4_err err;
    if ((v = t_find_vec("get"))) {
        req_of(v, &r);
        nb_sigv4_parse(A, &r, &au);
        t_inteq(nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 + 899, &err), NB_OK,
                "header: 899 s late is in time");
        int rc = nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 + 901, &err);
        expect_err(rc, &err, "RequestTimeTooSkewed", 403,
               "The difference between the request time and the current time is too large.",
               "header: 901 s late");
        t_streq(fieldv(&err, "RequestTime"), "Sat, 09 Mar 2024 12:34:56 GMT",
                "header: RequestTime as sent");
        t_streq(fieldv(&err, "ServerTime"), "2024-03-09T12:49:57Z", "header: ServerTime");
        t_streq(fieldv(&err, "MaxAllowedSkewMilliseconds"), "900000", "header: allowed skew");
        rc = nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 - 901, &err);
        expect_err(rc, &err, "RequestTimeTooSkewed", 403, NULL, "header: 901 s early");
        /* Refused for its time before its key is looked at. */
        rc = nb_sigv2_verify(A, &r, &au, v->resource, NULL, T0 + 901, &err);
        expect_err(rc, &err, "RequestTimeTooSkewed", 403, NULL, "header: time before key");
    }
    if ((v = t_find_vec("amz_date"))) {
        req_of(v, &r);
        nb_sigv4_parse(A, &r, &au);
        int rc = nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 + 3600, &err);
        expect_err(rc, &err, "RequestTimeTooSkewed", 403, NULL, "x-amz-date: its time counts");
    }
    if ((v = t_find_vec("presigned_get"))) {
        req_of(v, &r);
        nb_sigv4_parse(A, &r, &au);
        t_inteq(nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 + 3600, &err), NB_OK,
                "presigned: valid up to Expires");
        int rc = nb_sigv2_verify(A, &r, &au, v->resource, v->secret, T0 + 3601, &err);
        expect_err(rc, &err, "AccessDenied", 403, "Request has expired", "presigned: past Expires");
        t_streq(fieldv(&err, "Expires"), "2024-03-09T13:34:56Z", "presigned: Expires field");
        t_streq(fieldv(&err, "ServerTime"), "2024-03-09T13:34:57Z", "presigned: ServerTime");
        rc = nb_sigv2_verify(A, &r, &au, v->resource, NULL, T0 + 3601, &err);
        expect_err(rc, &err, "AccessDenied", 403, "Request has expired",
               "presigned: expiry before key");
    }
}

static nb_http_req
hand_req(nb_header *h, size_t n, const char *query)
{
    nb_http_req r = {0};
    r.method = "GET";
    r.url = "/bucket/k";
    r.query = query;
    r.host = "localhost:4566";
    r.headers = h;
    r.nheaders = n;
    r.body = "";
    return r;
}

static void
test_malformed(void)
{
    nb_sigv4_auth au;
    nb_sigv4_err err;
    nb_header h[2] = {{"authorization", "AWS AKIAIOSFODNN7EXAMPLE"},
                      {"date", "Sat, 09 Mar 2024 12:34:56 GMT"}};
    nb_http_req r = hand_req(h, 2, "");
    nb_sigv4_parse(A, &r, &au);
    int rc = nb_sigv2_verify(A, &r, &au, "/bucket/k", "s", T0, &err);
    expect_err(rc, &err, "InvalidArgument", 400,
           "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
           "header without ':'");
    t_streq(fieldv(&err, "ArgumentName"), "Authorization", "header without ':': ArgumentName");
    t_streq(fieldv(&err, "ArgumentValue"), "AWS AKIAIOSFODNN7EXAMPLE",
            "header without ':': ArgumentValue");
    h[0].value = "AWS :c2ln";
    nb_sigv4_parse(A, &r, &au);
    rc = nb_sigv2_verify(A, &r, &au, "/bucket/k", "s", T0, &err);
    expect_err(rc, &err, "InvalidArgument", 400, NULL, "header with no key");

    h[0].value = "AWS AKIAIOSFODNN7EXAMPLE:c2lnbmF0dXJl";
    r = hand_req(h, 1, "");
    nb_sigv4_parse(A, &r, &au);
    rc = nb_sigv2_verify(A, &r, &au, "/bucket/k", "s", T0, &err);
    expect_err(rc, &err, "AccessDenied", 403,
           "AWS authentication requires a valid Date or x-amz-date header", "header without Date");

    r = hand_req(h, 0, "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1709991296");
    nb_sigv4_parse(A, &r, &au);
    rc = nb_sigv2_verify(A, &r, &au, "/bucket/k", "s", T0, &err);
    expect_err(rc, &err, "AccessDenied", 403,
           "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
           "parameters",
           "presigned without Signature");
    r = hand_req(h, 0, "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=c2ln");
    nb_sigv4_parse(A, &r, &au);
    rc = nb_sigv2_verify(A, &r, &au, "/bucket/k", "s", T0, &err);
    expect_err(rc, &err, "AccessDenied", 403, NULL, "presigned without Expires");
    r = hand_req(h, 0, "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=c2ln&Expires=soon");
    nb_sigv4_parse(A, &r, &au);
    rc = nb_sigv2_verify(A, &r, &au, "/bucket/k", "s", T0, &err);
    expect_err(rc, &err, "AccessDenied", 403, "Invalid date (should be seconds since epoch): soon",
           "presigned Expires not a number");
}

int
main(int argc, char **argv)
{
    A = nb_arena_new(0);
    if (!A)
        return 2;
    int rc = t_load_vectors(argc, argv, A, presigned_of, __FILE__, "sigv2_vectors.py");
    t_ok(rc == 0 && t_nvecs >= 11, "botocore vectors loaded (python3-botocore)");
    for (size_t i = 0; i < t_nvecs; i++)
        test_vector(&t_vecs[i]);
    test_clock();
    test_malformed();
    nb_arena_free(A);
    return t_done();
}
