/*
 * test_proto_rest_xml.c: the restXml codec on the fixture model
 * (tests/models/restxml_test.json, shaped like S3). Requests are the
 * bytes botocore 1.43.11 sends for these calls (RestXMLSerializer, then
 * prepare_request_dict/create_request_object). Expected replies follow
 * S3's documented forms: ListObjects and GetBucketAcl examples
 * (docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
 * API_GetBucketAcl.html: Grantee with xmlns:xsi and xsi:type), error
 * responses (API/ErrorResponses.html), x-amz-request-id and x-amz-id-2.
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
#include "gen/restxml_test_model.h"
#include "t.h"

static const nb_model *M = &nb_restxml_test_model;
static const nb_proto *P = &nb_proto_rest_xml;

#define NS "http://restxmltest.amazonaws.com/doc/2020-01-01/"
#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static nb_http_req req;

static void
mkreq(nb_call *c, const char *method, const char *url, const char *const *h, const char *body)
{
    req = fake_http_req(c, method, url, h, body, body ? strlen(body) : 0);
    c->http = &req;
}

static int
run(nb_call *c, const char *method, const char *url, const char *const *h, const char *body,
    nb_value **in)
{
    mkreq(c, method, url, h, body);
    c->err_code = NULL;
    c->err_fields = NULL;
    int rc = P->resolve(c, M, &req, &c->op);
    return rc ? rc : P->decode(c, &req, in);
}

static void
test_decode_botocore(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    const char *h1[] = {"x-amz-acl: private", NULL};
    int rc = run(c, "PUT", "/bkt", h1,
                 "<CreateBucketConfiguration xmlns=\"" NS "\"><LocationConstraint>eu-west-1"
                 "</LocationConstraint></CreateBucketConfiguration>",
                 &in);
    t_inteq(rc, NB_OK, "CreateBucket decodes");
    t_streq(c->op->name, "CreateBucket", "CreateBucket resolved");
    t_streq(nb_get_str(in, "ACL"), "private", "x-amz-acl header");
    t_streq(nb_get_str(nb_get(in, "CreateBucketConfiguration"), "LocationConstraint"), "eu-west-1",
            "payload structure from the root element");

    const char *h2[] = {"x-amz-client-token: tok", NULL};
    rc = run(c, "POST", "/things", h2,
             "<CreateThingRequest xmlns=\"" NS "\"><Name>t1</Name><Size>3</Size><Tags><Tag>"
             "<Key>k1</Key><Value>v1</Value></Tag><Tag><Key>k2</Key><Value>v2</Value></Tag>"
             "</Tags></CreateThingRequest>",
             &in);
    t_inteq(rc, NB_OK, "CreateThing decodes");
    t_streq(nb_get_str(in, "Name"), "t1", "body member under the input's root");
    t_inteq(nb_get_int(in, "Size", 0), 3, "integer element");
    const nb_value *tags = nb_get(in, "Tags");
    t_inteq(tags ? tags->u.c.n : 0, 2, "non-flattened list of Tag");
    t_streq(tags ? nb_get_str(tags->u.c.last, "Value") : NULL, "v2", "second tag value");
    t_streq(nb_get_str(in, "ClientToken"), "tok", "idempotency token header");

    rc = run(c, "PUT", "/bkt?tagging", NULL,
             "<Tagging xmlns=\"" NS "\"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag>"
             "</TagSet></Tagging>",
             &in);
    t_inteq(rc, NB_OK, "PutBucketTagging decodes");
    t_streq(c->op->name, "PutBucketTagging", "?tagging resolved");
    t_inteq(nb_get_len(nb_get(in, "Tagging"), "TagSet"), 1, "TagSet");

    rc = run(c, "GET", "/bkt?list-type=2&prefix=p%2F&max-keys=5&id=x&id=y&f=g", NULL, NULL, &in);
    t_inteq(rc, NB_OK, "ListObjects decodes");
    t_streq(nb_get_str(in, "Prefix"), "p/", "prefix");
    t_inteq(nb_get_int(in, "MaxKeys", 0), 5, "max-keys");
    t_inteq(nb_get_len(in, "Ids"), 2, "repeated id");
    const nb_value *f = nb_get(in, "Filters");
    t_ok(f && f->u.c.n == 1 && nb_get_str(f, "f"), "query map without list-type");

    rc = run(c, "GET", "/bkt/a/b%20c?partNumber=2", NULL, NULL, &in);
    t_inteq(rc, NB_OK, "GetObject decodes");
    t_streq(nb_get_str(in, "Key"), "a/b c", "key");
    t_inteq(nb_get_int(in, "PartNumber", 0), 2, "partNumber");

    const char *h3[] = {"x-amz-meta-Color: blue", "x-amz-tagging: a=b", NULL};
    rc = run(c, "PUT", "/bkt/k", h3, "data", &in);
    t_inteq(rc, NB_OK, "PutObject decodes");
    const nb_value *b = nb_get(in, "Body");
    t_ok(b && b->u.s.len == 4 && memcmp(b->u.s.p, "data", 4) == 0, "raw body");
    t_streq(nb_get_str(nb_get(in, "Metadata"), "color"), "blue", "metadata");
    fake_call_free(c);
}

static void
test_decode_xml_features(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    /* No namespace, whitespace around numbers, CDATA, entities. */
    int rc = run(c, "POST", "/things", NULL,
                 "<?xml version=\"1.0\"?>\n<CreateThingRequest>\n  <Name><![CDATA[a<b]]>&amp;c"
                 "</Name>\n  <Size> 7 </Size>\n  <Unknown>x</Unknown>\n</CreateThingRequest>",
                 &in);
    t_inteq(rc, NB_OK, "namespace-less body with whitespace");
    t_streq(nb_get_str(in, "Name"), "a<b&c", "CDATA and entity");
    t_inteq(nb_get_int(in, "Size", 0), 7, "number trimmed");

    rc = run(c, "POST", "/things", NULL, "<CreateThingRequest><Size>x</Size></CreateThingRequest>",
             &in);
    t_inteq(rc, NB_EAWS, "bad integer in XML");
    t_streq(c->err_code, "MalformedXML", "MalformedXML");
    t_inteq(c->err_status, 400, "400");

    rc = run(c, "POST", "/things", NULL, "<CreateThingRequest><Name>t", &in);
    t_streq(c->err_code, "MalformedXML", "truncated XML");

    rc = run(c, "POST", "/things", NULL,
             "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
             "<CreateThingRequest><Name>&e;</Name></CreateThingRequest>",
             &in);
    t_inteq(rc, NB_EAWS, "DTD refused");
    t_streq(c->err_code, "MalformedXML", "DTD is MalformedXML");

    char deep[2048];
    size_t n = (size_t)snprintf(deep, sizeof(deep), "<CreateThingRequest><Tags>");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a>");
    rc = run(c, "POST", "/things", NULL, deep, &in);
    t_streq(c->err_code, "MalformedXML", "deep XML refused");

    rc = run(c, "PUT", "/bkt?tagging", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "empty body for a required payload");
    t_streq(c->err_code, "MissingRequestBodyError", "MissingRequestBodyError");

    rc = run(c, "PUT", "/bkt", NULL, NULL, &in);
    t_inteq(rc, NB_OK, "optional payload may be absent");
    t_ok(!nb_get(in, "CreateBucketConfiguration"), "absent payload");

    rc = run(c, "GET", "/bkt?list-type=2&max-keys=abc", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "bad max-keys");
    t_streq(c->err_code, "InvalidArgument", "InvalidArgument");
    t_streq(nb_get_str(c->err_fields, "ArgumentName"), "max-keys", "ArgumentName");
    t_streq(nb_get_str(c->err_fields, "ArgumentValue"), "abc", "ArgumentValue");
    fake_call_free(c);
}

/* An aws-chunked body is decoded by the server as it arrives (its
 * decoder: test_chunked.c); one whose coding broke reaches the codec
 * marked, and S3's answer is IncompleteBody. */
static void
test_chunked(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    mkreq(c, "PUT", "/bkt/k", NULL, "hello");
    c->err_code = NULL;
    req.body_bad = 1;
    int rc = P->resolve(c, M, &req, &c->op);
    rc = rc ? rc : P->decode(c, &req, &in);
    t_inteq(rc, NB_EAWS, "a broken aws-chunked body is refused");
    t_streq(c->err_code, "IncompleteBody", "IncompleteBody");
    t_inteq(c->err_status, 400, "400");
    fake_call_free(c);
}

static void
test_resolve_errors(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    nb_http_resp r;
    int rc = run(c, "PATCH", "/bkt", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "PATCH refused");
    t_streq(c->err_code, "MethodNotAllowed", "MethodNotAllowed");
    t_inteq(c->err_status, 405, "405");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    const char *rid = fake_http_header(&r, "x-amz-request-id");
    const char *hid = fake_http_header(&r, "x-amz-id-2");
    t_streq(rid, "C6104CBEAF3111E0", "S3-style request id from the call's UUID");
    char want[1024];
    snprintf(want, sizeof(want),
             DECL "<Error><Code>MethodNotAllowed</Code><Message>The specified method is not "
                  "allowed against this resource.</Message><Method>PATCH</Method><ResourceType>"
                  "BUCKET</ResourceType><RequestId>%s</RequestId><HostId>%s</HostId></Error>",
             rid ? rid : "", hid ? hid : "");
    t_streq(fake_http_body(&r), want, "MethodNotAllowed body");
    t_inteq(r.status, 405, "status 405");
    nb_buf_free(&r.body);

    rc = run(c, "DELETE", "/bkt/some/key", NULL, NULL, &in);
    t_streq(nb_get_str(c->err_fields, "ResourceType"), "OBJECT", "object resource type");

    rc = run(c, "GET", "/bkt/a%zz", NULL, NULL, &in);
    t_streq(c->err_code, "InvalidURI", "bad escape: InvalidURI");
    t_inteq(c->err_status, 400, "InvalidURI 400");
    fake_call_free(c);
}

static void
test_encode(void)
{
    nb_call *c = fake_call_new(M);
    nb_http_resp r;
    mkreq(c, "GET", "/bkt", NULL, NULL);
    c->op = nb_model_op(M, "ListObjects", 11);
    nb_value *out = nb_value_struct(c->arena);
    nb_set_bool(out, "IsTruncated", 0);
    nb_value *contents = nb_set_list(out, "Contents");
    nb_value *o = nb_list_add_struct(contents);
    nb_set_str(o, "Key", "my-image.jpg");
    nb_set_time(o, "LastModified", 1255369830.0);
    nb_set_str(o, "ETag", "\"fba9dede5f27731c9771645a39863328\"");
    nb_set_int(o, "Size", 434234);
    nb_set_str(o, "StorageClass", "STANDARD");
    o = nb_list_add_struct(contents);
    nb_set_str(o, "Key", "a&b<c>");
    nb_set_str(out, "Name", "bucket");
    nb_set_str(out, "Prefix", "");
    nb_set_int(out, "MaxKeys", 1000);
    nb_value *cp = nb_set_list(out, "CommonPrefixes");
    nb_set_str(nb_list_add_struct(cp), "Prefix", "photos/");
    nb_set_int(out, "KeyCount", 2);
    fake_http_resp_init(&r);
    t_inteq(P->encode(c, out, &r), NB_OK, "encode ListObjects");
    t_streq(fake_http_body(&r),
            DECL "<ListBucketResult xmlns=\"" NS "\"><IsTruncated>false</IsTruncated><Contents>"
                 "<Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
                 "<ETag>\"fba9dede5f27731c9771645a39863328\"</ETag><Size>434234</Size>"
                 "<StorageClass>STANDARD</StorageClass></Contents><Contents><Key>a&amp;b&lt;c"
                 "&gt;</Key></Contents><Name>bucket</Name><Prefix></Prefix><MaxKeys>1000"
                 "</MaxKeys><CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes><KeyCount>2"
                 "</KeyCount></ListBucketResult>",
            "ListBucketResult: root name, xmlns, flattened lists, ISO 8601 ms");
    t_streq(r.content_type, "application/xml", "application/xml");
    t_inteq(r.status, 200, "200");
    t_ok(fake_http_header(&r, "x-amz-request-id") && fake_http_header(&r, "x-amz-id-2"),
         "S3 id headers");
    t_ok(!fake_http_header(&r, "x-amzn-RequestId"), "no x-amzn-RequestId");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "GetBucketAcl", 12);
    out = nb_value_struct(c->arena);
    nb_set_str(nb_set_struct(out, "Owner"), "ID", "owner-id");
    nb_value *g = nb_list_add_struct(nb_set_list(out, "Grants"));
    nb_value *ge = nb_set_struct(g, "Grantee");
    nb_set_str(ge, "ID", "owner-id");
    nb_set_str(ge, "Type", "CanonicalUser");
    nb_set_str(g, "Permission", "FULL_CONTROL");
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_streq(fake_http_body(&r),
            DECL "<AccessControlPolicy xmlns=\"" NS "\"><Owner><ID>owner-id</ID></Owner>"
                 "<AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/"
                 "XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>owner-id</ID></Grantee>"
                 "<Permission>FULL_CONTROL</Permission></Grant></AccessControlList>"
                 "</AccessControlPolicy>",
            "AccessControlPolicy: list member name, xsi namespace and attribute");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "GetStatus", 9);
    out = nb_value_struct(c->arena);
    nb_set_int(out, "Status", 203);
    nb_set_bool(out, "Healthy", 1);
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_inteq(r.status, 203, "statusCode member");
    t_streq(fake_http_body(&r),
            DECL "<StatusResult xmlns=\"" NS "\"><Healthy>true</Healthy></StatusResult>",
            "status member not in the body");
    nb_buf_free(&r.body);

    /* An output marked s3UnwrappedXmlOutput (S3 GetBucketLocation): its one
     * member is the root's text; without a value, an empty root. */
    c->op = nb_model_op(M, "GetPlace", 8);
    out = nb_value_struct(c->arena);
    nb_set_str(out, "Place", "eu-west-1");
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_streq(fake_http_body(&r), DECL "<Place xmlns=\"" NS "\">eu-west-1</Place>",
            "unwrapped output: the member is the root's text");
    nb_buf_free(&r.body);
    fake_http_resp_init(&r);
    P->encode(c, nb_value_struct(c->arena), &r);
    t_streq(fake_http_body(&r), DECL "<Place xmlns=\"" NS "\"/>",
            "unwrapped output without the member: an empty root");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "CreateThing", 11);
    out = nb_value_struct(c->arena);
    nb_set_str(out, "Name", "t1");
    nb_set_str(out, "Location", "/things/t1");
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_inteq(r.status, 201, "responseCode 201");
    t_streq(fake_http_body(&r),
            DECL "<CreateThingOutput xmlns=\"" NS "\"><Name>t1</Name></CreateThingOutput>",
            "root named after the shape when it has no locationName");
    t_streq(fake_http_header(&r, "Location"), "/things/t1", "Location header");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "PutObject", 9);
    out = nb_value_struct(c->arena);
    nb_set_str(out, "ETag", "\"abc\"");
    nb_set_time(out, "Expiration", 1255369830.0);
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_inteq(r.body.len, 0, "headers-only output has no body");
    t_ok(r.content_type == NULL, "and no content type");
    t_streq(fake_http_header(&r, "x-amz-expiration"), "2009-10-12T17:50:30.000Z", "iso8601 header");
    nb_buf_free(&r.body);

    c->op = nb_model_op(M, "GetObject", 9);
    out = nb_value_struct(c->arena);
    nb_set_blob(out, "Body", "hello", 5);
    nb_set_str(out, "ContentType", "text/plain");
    nb_set_time(out, "LastModified", 1255369830.0);
    nb_set_int(out, "ContentLength", 5);
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_streq(fake_http_body(&r), "hello", "object bytes");
    t_streq(r.content_type, "text/plain", "content type from the member");
    t_streq(fake_http_header(&r, "Last-Modified"), "Mon, 12 Oct 2009 17:50:30 GMT",
            "Last-Modified");
    nb_buf_free(&r.body);

    mkreq(c, "HEAD", "/bkt/k", NULL, NULL);
    fake_http_resp_init(&r);
    P->encode(c, out, &r);
    t_inteq(r.body.len, 0, "HEAD: no body");
    t_streq(fake_http_header(&r, "Last-Modified"), "Mon, 12 Oct 2009 17:50:30 GMT",
            "HEAD keeps headers");
    nb_buf_free(&r.body);

    mkreq(c, "PUT", "/bkt?tagging", NULL, NULL);
    c->op = nb_model_op(M, "PutBucketTagging", 16);
    fake_http_resp_init(&r);
    P->encode(c, nb_value_struct(c->arena), &r);
    t_inteq(r.status, 204, "204 from the model");
    t_inteq(r.body.len, 0, "204: no body");
    nb_buf_free(&r.body);
    fake_call_free(c);
}

static void
test_errors(void)
{
    nb_call *c = fake_call_new(M);
    nb_http_resp r;
    mkreq(c, "GET", "/bkt/k", NULL, NULL);
    c->op = nb_model_op(M, "GetObject", 9);
    nb_fail(c, "NoSuchKey", "The specified key does not exist.");
    c->err_fields = nb_value_struct(c->arena);
    nb_set_str(c->err_fields, "Key", "k&1");
    fake_http_resp_init(&r);
    t_inteq(P->encode_error(c, &r), NB_OK, "encode NoSuchKey");
    t_inteq(r.status, 404, "404 from the model");
    char want[1024];
    snprintf(want, sizeof(want),
             DECL "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist."
                  "</Message><Key>k&amp;1</Key><RequestId>C6104CBEAF3111E0</RequestId><HostId>%s"
                  "</HostId></Error>",
             fake_http_header(&r, "x-amz-id-2"));
    t_streq(fake_http_body(&r), want, "S3 error document");
    t_streq(r.content_type, "application/xml", "application/xml");
    nb_buf_free(&r.body);

    c->err_fields = NULL;
    nb_fail(c, "BucketAlreadyExists", "The requested bucket name is not available.");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_inteq(r.status, 409, "409");
    t_ok(strstr(fake_http_body(&r), "<Code>BucketAlreadyExists</Code>") != NULL, "error code");
    nb_buf_free(&r.body);

    nb_fail_status(c, 500, "InternalError", "We encountered an internal error.");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_inteq(r.status, 500, "500");
    nb_buf_free(&r.body);

    mkreq(c, "HEAD", "/bkt/k", NULL, NULL);
    nb_fail(c, "NoSuchKey", "The specified key does not exist.");
    fake_http_resp_init(&r);
    P->encode_error(c, &r);
    t_ok(r.status == 404 && r.body.len == 0, "HEAD 404 without body");
    t_ok(fake_http_header(&r, "x-amz-request-id") != NULL, "HEAD error keeps the id header");
    nb_buf_free(&r.body);
    fake_call_free(c);
}

int
main(void)
{
    test_decode_botocore();
    test_decode_xml_features();
    test_chunked();
    test_resolve_errors();
    test_encode();
    test_errors();
    nb_rest_route_cleanup();
    return t_done();
}
