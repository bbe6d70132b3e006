/*
 * test_proto_rest_json.c: the restJson1 codec on the fixture model
 * (tests/models/restjson_test.json). The requests are the bytes
 * botocore 1.43.11 sends for these calls: RestJSONSerializer on the
 * fixture model, then botocore.awsrequest prepare_request_dict and
 * create_request_object(...).prepare() for the final URL and headers.
 * Expected replies follow AWS's restJson1 conventions: epoch-second
 * timestamps, x-amzn-RequestId, x-amzn-ErrorType, and the error message
 * under the error shape's own member name (AWS SAM CLI's Lambda emulator:
 * {"Type": "User", "Message": ...}).
 */
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/proto.h"
#include "core/rest_route.h"
#include "core/value.h"
#include "fake_call.h"
#include "fake_http.h"
#include "gen/restjson_test_model.h"
#include "t.h"

static const nb_model *M = &nb_restjson_test_model;
static const nb_proto *P = &nb_proto_rest_json;

static nb_http_req req;

static void
mkreq(nb_call *c, const char *method, const char *url, const char *const *h, const char *body,
      size_t blen)
{
    req = fake_http_req(c, method, url, h, body, blen);
    c->http = &req;
}

/* resolve + decode; returns the first non-OK rc. */
static int
run(nb_call *c, const char *method, const char *url, const char *const *h, const char *body,
    nb_value **in)
{
    mkreq(c, method, url, h, body, body ? strlen(body) : 0);
    int rc = P->resolve(c, M, &req, &c->op);
    if (rc)
        return rc;
    return P->decode(c, &req, in);
}

static void
test_resolve(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    t_inteq(run(c, "GET", "/things?list", NULL, NULL, &in), NB_OK, "GET /things?list");
    t_streq(c->op->name, "ListThings", "ListThings");
    t_inteq(run(c, "GET", "/things/t1/status", NULL, NULL, &in), NB_OK, "GetStatus");
    t_streq(nb_get_str(in, "ThingName"), "t1", "label decoded");
    t_inteq(run(c, "GET", "/nothing/here", NULL, NULL, &in), NB_EAWS, "unknown path");
    t_streq(c->err_code, "UnknownOperationException", "unknown path code");
    t_inteq(c->err_status, 404, "unknown path status");
    t_inteq(run(c, "PATCH", "/things/t1/config", NULL, NULL, &in), NB_EAWS, "unknown method");
    t_streq(c->err_code, "UnknownOperationException", "unknown method code");
    t_inteq(run(c, "GET", "/things/t%G1/status", NULL, NULL, &in), NB_EAWS, "bad escape");
    t_inteq(c->err_status, 400, "bad escape is 400");
    fake_call_free(c);
}

static void
test_decode_botocore(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    const char *h[] = {"Content-Type: application/json", NULL};
    int rc = run(c, "POST", "/things", h,
                 "{\"Name\": \"t1\", \"Description\": \"a \\\"quoted\\\" desc\", \"State\": "
                 "\"ACTIVE\", \"Config\": {\"Size\": 3, \"Enabled\": true, \"Labels\": [\"a\", "
                 "\"b\"], \"Blob\": \"aGk=\"}, \"Tags\": {\"k\": \"v\"}, \"ClientToken\": "
                 "\"tok\"}",
                 &in);
    t_inteq(rc, NB_OK, "CreateThing decodes");
    t_streq(c->op->name, "CreateThing", "CreateThing resolved");
    t_streq(nb_get_str(in, "Description"), "a \"quoted\" desc", "escaped string");
    const nb_value *cfg = nb_get(in, "Config");
    t_inteq(nb_get_int(cfg, "Size", 0), 3, "nested integer");
    t_inteq(nb_get_bool(cfg, "Enabled", 0), 1, "nested boolean");
    t_inteq(nb_get_len(cfg, "Labels"), 2, "nested list");
    const nb_value *b = nb_get(cfg, "Blob");
    t_ok(b && b->type == NB_V_BLOB && b->u.s.len == 2 && memcmp(b->u.s.p, "hi", 2) == 0,
         "base64 blob decoded");
    t_streq(nb_get_str(nb_get(in, "Tags"), "k"), "v", "map");
    t_streq(nb_get_str(in, "ClientToken"), "tok", "idempotency token");

    const char *h2[] = {"x-amz-account-id: 123456789012", NULL};
    rc = run(c, "GET",
             "/things?list&maxResults=10&nextToken=n%201&state=ACTIVE&state=INACTIVE"
             "&color=red",
             h2, NULL, &in);
    t_inteq(rc, NB_OK, "ListThings decodes");
    t_streq(nb_get_str(in, "AccountId"), "123456789012", "host label header");
    t_streq(nb_get_str(in, "NextToken"), "n 1", "%20 in query");
    t_inteq(nb_get_len(in, "States"), 2, "repeated query key list");
    t_streq(nb_get_str(nb_get(in, "Filters"), "color"), "red", "query map");

    const char *h3[] = {"Range: bytes=0-9", "If-Modified-Since: Tue, 29 Apr 2014 18:30:38 GMT",
                        NULL};
    rc = run(c, "GET", "/buckets/bkt/objects/dir/a%20b%2Bc.txt?versionId=v1", h3, NULL, &in);
    t_inteq(rc, NB_OK, "GetObject decodes");
    t_streq(nb_get_str(in, "Key"), "dir/a b+c.txt", "greedy label with %2B");
    t_ok(nb_get(in, "IfModifiedSince") && nb_get(in, "IfModifiedSince")->u.d == 1398796238.0,
         "HTTP date header");

    const char *h4[] = {"Content-Type: application/json", NULL};
    rc = run(c, "PUT", "/things/t%2F1/config", h4, "{\"Size\": 1, \"Enabled\": false}", &in);
    t_inteq(rc, NB_OK, "PutThingConfig decodes");
    t_streq(nb_get_str(in, "ThingName"), "t/1", "%2F in a label");
    cfg = nb_get(in, "Config");
    t_ok(cfg && nb_get_int(cfg, "Size", 0) == 1 && nb_get_bool(cfg, "Enabled", 1) == 0,
         "structure payload from the whole body");

    rc = run(c, "DELETE", "/things/t1?force=true", NULL, NULL, &in);
    t_ok(rc == NB_OK && nb_get_bool(in, "Force", 0) == 1, "DeleteThing force=true");

    const char *h5[] = {"Content-Type: text/plain", "x-amz-meta-Color: blue", NULL};
    rc = run(c, "PUT", "/buckets/bkt/objects/k", h5, "raw bytes", &in);
    t_inteq(rc, NB_OK, "PutObject decodes");
    b = nb_get(in, "Body");
    t_ok(b && b->u.s.len == 9 && memcmp(b->u.s.p, "raw bytes", 9) == 0, "raw payload");
    t_streq(nb_get_str(nb_get(in, "Metadata"), "color"), "blue", "meta header");
    fake_call_free(c);
}

static void
test_decode_malformed(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    t_inteq(run(c, "POST", "/things", NULL, "{\"Name\": ", &in), NB_EAWS, "truncated JSON");
    t_streq(c->err_code, "SerializationException", "SerializationException");
    t_inteq(c->err_status, 400, "400");
    t_inteq(run(c, "POST", "/things", NULL, "[1]", &in), NB_EAWS, "array body refused");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Name\": 5}", &in), NB_EAWS, "number for string");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Config\": {\"Size\": 1.5}}", &in), NB_EAWS,
            "fraction for integer");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Config\": {\"Size\": 4294967296}}", &in), NB_EAWS,
            "integer out of int32");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Config\": {\"Enabled\": \"true\"}}", &in), NB_EAWS,
            "string for boolean");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Config\": {\"Blob\": \"a\"}}", &in), NB_EAWS,
            "bad base64");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Config\": {\"Labels\": {}}}", &in), NB_EAWS,
            "object for list");
    t_inteq(run(c, "POST", "/things", NULL, "{\"Name\": null, \"Zzz\": [1,2]}", &in), NB_OK,
            "null and unknown members skipped");
    t_ok(!nb_get(in, "Name"), "null is absent");
    t_inteq(run(c, "POST", "/things", NULL, "", &in), NB_OK, "empty body is {}");
    char deep[400];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof(deep), "{\"Config\":");
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    t_inteq(run(c, "POST", "/things", NULL, deep, &in), NB_EAWS, "deep nesting refused");
    mkreq(c, "POST", "/things", NULL, "{\"Name\": \"a\0b\"}", 15);
    P->resolve(c, M, &req, &c->op);
    int rc = P->decode(c, &req, &in);
    t_inteq(rc, NB_EAWS, "raw NUL inside JSON refused");
    fake_call_free(c);
}

static void
test_encode(void)
{
    nb_call *c = fake_call_new(M);
    nb_http_resp r;
    mkreq(c, "POST", "/things", NULL, NULL, 0);
    c->op = nb_model_op(M, "CreateThing", 11);
    nb_value *out = nb_value_struct(c->arena);
    nb_set_str(out, "Name", "t1");
    nb_set_str(out, "Arn", "arn:aws:restjson:us-east-1:000000000000:thing/t1");
    nb_set_time(out, "CreatedAt", 1398796238.5);
    nb_set_map(out, "Tags");
    nb_set_str(out, "Location", "/things/t1");
    nb_set_str(out, "NotInShape", "dropped");
    fake_http_resp_init(&r);
    t_inteq(P->encode(c, out, &r), NB_OK, "encode CreateThing");
    t_inteq(r.status, 201, "responseCode 201");
    t_streq(r.content_type, "application/json", "JSON content type");
    t_streq(fake_http_body(&r),
            "{\"Name\":\"t1\",\"Arn\":\"arn:aws:restjson:us-east-1:000000000000:thing/t1\","
            "\"Tags\":{},\"CreatedAt\":1398796238.5}",
            "body: shape order, epoch time, no header member, no stray member");
    t_streq(fake_http_header(&r, "Location"), "/things/t1", "header member");
    t_streq(fake_http_header(&r, "x-amzn-RequestId"), c->request_id, "request id header");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "GetThingConfig", 14);
    out = nb_value_struct(c->arena);
    nb_value *cfg = nb_set_struct(out, "Config");
    nb_set_int(cfg, "Size", 3);
    nb_set_bool(cfg, "Enabled", 1);
    nb_value *l = nb_set_list(cfg, "Labels");
    nb_list_add_str(l, "a");
    nb_set_blob(cfg, "Blob", "hi", 2);
    nb_set_str(out, "ETag", "\"abc\"");
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_inteq(r.status, 200, "status 200");
    t_streq(fake_http_body(&r),
            "{\"Size\":3,\"Enabled\":true,\"Labels\":[\"a\"],\"Blob\":\"aGk=\"}",
            "structure payload is the whole body");
    t_streq(fake_http_header(&r, "ETag"), "\"abc\"", "ETag header");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "PutThingConfig", 14);
    out = nb_value_struct(c->arena);
    nb_set_blob(out, "Raw", "\x00\x01\x02", 3);
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_ok(r.body.len == 3 && memcmp(r.body.p, "\x00\x01\x02", 3) == 0, "blob payload raw");
    t_streq(r.content_type, "application/octet-stream", "blob payload content type");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "DeleteThing", 11);
    fake_http_resp_init(&r);
    P->encode(c, nb_value_struct(c->arena), &r);
    t_inteq(r.status, 204, "204 from the model");
    t_inteq(r.body.len, 0, "204 has no body");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "GetStatus", 9);
    out = nb_value_struct(c->arena);
    nb_set_str(out, "State", "ACTIVE");
    nb_set_time(out, "CheckedAt", 0);
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_streq(fake_http_body(&r), "{\"State\":\"ACTIVE\",\"CheckedAt\":0}", "epoch zero");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "ListThings", 10);
    fake_http_resp_init(&r);
    P->encode(c, nb_value_struct(c->arena), &r);
    t_streq(fake_http_body(&r), "{}", "empty output is {}");
    nb_buf_free(&r.body);
    fake_call_free(c);
}

static void
test_errors(void)
{
    nb_call *c = fake_call_new(M);
    nb_http_resp r;
    mkreq(c, "GET", "/things/t1/status", NULL, NULL, 0);
    c->op = nb_model_op(M, "GetStatus", 9);
    nb_fail(c, "NotFoundException", "Thing t1 does not exist.");
    c->err_fields = nb_value_struct(c->arena);
    nb_set_str(c->err_fields, "ResourceType", "Thing");
    fake_http_resp_init(&r);
    t_inteq(P->encode_error(c, &r), NB_OK, "encode error");
    t_inteq(r.status, 404, "status from the error shape");
    t_streq(fake_http_header(&r, "x-amzn-ErrorType"), "NotFoundException", "x-amzn-ErrorType");
    t_streq(fake_http_header(&r, "x-amzn-RequestId"), c->request_id, "request id");
    t_streq(r.content_type, "application/json", "JSON error");
    t_streq(fake_http_body(&r),
            "{\"message\":\"Thing t1 does not exist.\",\"ResourceType\":\"Thing\"}",
            "message and extra member");
    nb_buf_free(&r.body);

    c->err_fields = NULL;
    nb_fail(c, "BadRequestException", "Bad \"name\"");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_inteq(r.status, 400, "400");
    t_streq(fake_http_body(&r), "{\"Type\":\"User\",\"message\":\"Bad \\\"name\\\"\"}",
            "Type User for a sender fault (Lambda style)");
    nb_buf_free(&r.body);

    nb_fail(c, "InternalServerException", "boom");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_inteq(r.status, 500, "500 from the shape");
    t_streq(fake_http_body(&r), "{\"message\":\"boom\"}", "server fault body");
    nb_buf_free(&r.body);

    nb_fail_status(c, 400, "SerializationException", "bad json");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_streq(fake_http_header(&r, "x-amzn-ErrorType"), "SerializationException",
            "code not in the model");
    t_streq(fake_http_body(&r), "{\"message\":\"bad json\"}", "plain message");
    nb_buf_free(&r.body);

    mkreq(c, "HEAD", "/things/t1/status", NULL, NULL, 0);
    nb_fail(c, "NotFoundException", "gone");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_ok(r.status == 404 && r.body.len == 0, "HEAD error has no body");
    nb_buf_free(&r.body);
    fake_call_free(c);
}

int
main(void)
{
    test_resolve();
    test_decode_botocore();
    test_decode_malformed();
    test_encode();
    test_errors();
    nb_rest_route_cleanup();
    return t_done();
}
