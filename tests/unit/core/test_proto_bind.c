/*
 * test_proto_bind.c: HTTP bindings on the restJson1 fixture model
 * (tests/models/restjson_test.json) and a small hand-made model for
 * header lists. Expected wire forms are botocore's (serialize.py
 * BaseRestSerializer, parsers.py BaseRestParser): booleans "true"/"false",
 * HTTP dates in headers ("Tue, 29 Apr 2014 18:30:38 GMT"), ISO 8601 where
 * timestampFormat says so, base64 blobs and jsonvalue headers, repeated
 * query keys for lists, x-amz-meta-* prefix maps.
 */
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/proto_bind.h"
#include "core/rest_route.h"
#include "core/value.h"
#include "fake_call.h"
#include "fake_http.h"
#include "gen/restjson_test_model.h"
#include "t.h"

static const nb_model *M = &nb_restjson_test_model;

static int nbad;               /* bad() calls */
static const char *bad_member; /* last member reported */
static char bad_value[64];     /* and its value */

static int
on_bad(nb_call *call, const nb_member *mb, const char *value, size_t len)
{
    nbad++;
    bad_member = mb->name;
    snprintf(bad_value, sizeof(bad_value), "%.*s", (int)len, value);
    return nb_fail(call, "SerializationException", "bad %s", mb->name);
}

/* Routes and binds; returns the rc of nb_bind_decode. */
static int
bind(nb_call *c, const char *method, const char *url, const char *const *h, const char *body,
     nb_value **in)
{
    nb_http_req r = fake_http_req(c, method, url, h, body, body ? strlen(body) : 0);
    nb_rest_match mt;
    int rc = nb_rest_route(c->arena, M, &r, NULL, NULL, &mt);
    if (rc)
        return -100 - mt.miss;
    c->op = mt.op;
    *in = nb_value_struct(c->arena);
    return nb_bind_decode(c, &r, &mt, mt.op->input, *in, on_bad);
}

static void
test_labels_query_headers(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    const char *h[] = {"Range: bytes=0-9", "If-Modified-Since: Tue, 29 Apr 2014 18:30:38 GMT",
                       NULL};
    int rc = bind(c, "GET", "/buckets/my-bucket/objects/a/b%20c.txt?versionId=v%2B1", h, NULL, &in);
    t_inteq(rc, NB_OK, "GetObject binds");
    t_streq(nb_get_str(in, "Bucket"), "my-bucket", "bucket label");
    t_streq(nb_get_str(in, "Key"), "a/b c.txt", "greedy key label, decoded");
    t_streq(nb_get_str(in, "VersionId"), "v+1", "query string member");
    t_streq(nb_get_str(in, "Range"), "bytes=0-9", "header, matched without case");
    const nb_value *t = nb_get(in, "IfModifiedSince");
    t_ok(t && t->type == NB_V_TIME && t->u.d == 1398796238.0, "HTTP date header -> time");

    const char *h2[] = {"If-Modified-Since: 2014-04-29T18:30:38Z", NULL};
    rc = bind(c, "GET", "/buckets/b/objects/k", h2, NULL, &in);
    t = nb_get(in, "IfModifiedSince");
    t_ok(rc == 0 && t && t->u.d == 1398796238.0, "ISO date in a header accepted too");

    const char *h3[] = {"If-Modified-Since: yesterday", NULL};
    nbad = 0;
    rc = bind(c, "GET", "/buckets/b/objects/k", h3, NULL, &in);
    t_inteq(rc, NB_EAWS, "bad date: codec error");
    t_streq(bad_member, "IfModifiedSince", "bad() names the member");
    t_streq(bad_value, "yesterday", "bad() gets the raw value");
    fake_call_free(c);
}

static void
test_query_types(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    int rc = bind(c, "DELETE", "/things/t1?force=true", NULL, NULL, &in);
    t_inteq(rc, NB_OK, "DeleteThing binds");
    t_streq(nb_get_str(in, "ThingName"), "t1", "label");
    t_inteq(nb_get_bool(in, "Force", -1), 1, "boolean query");
    rc = bind(c, "DELETE", "/things/t1?force=maybe", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "bad boolean refused");
    t_streq(c->err_code, "SerializationException", "codec picked the code");

    rc = bind(c, "GET",
              "/things?list&maxResults=25&state=ACTIVE&state=DELETING&nextToken=n1&color=red"
              "&size=10&color=blue",
              NULL, NULL, &in);
    t_inteq(rc, NB_OK, "ListThings binds");
    t_inteq(nb_get_int(in, "MaxResults", 0), 25, "integer query");
    t_inteq(nb_get_len(in, "States"), 2, "list from repeated keys");
    const nb_value *st = nb_get(in, "States");
    t_streq(st && st->u.c.first ? st->u.c.first->u.s.p : NULL, "ACTIVE", "first list item");
    t_streq(nb_get_str(in, "NextToken"), "n1", "string query");
    const nb_value *f = nb_get(in, "Filters");
    t_inteq(f ? f->u.c.n : 0, 2, "map takes the two unbound keys only");
    t_streq(nb_get_str(f, "color"), "red", "first of a repeated key");
    t_streq(nb_get_str(f, "size"), "10", "map value");
    t_ok(!nb_get(f, "list"), "the template's own ?list is not in the map");

    rc = bind(c, "GET", "/things?list&maxResults=abc", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "non-numeric integer refused");
    rc = bind(c, "GET", "/things?list&maxResults=2147483648", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "integer over int32 refused");
    rc = bind(c, "GET", "/things?list&maxResults=-2147483648", NULL, NULL, &in);
    t_ok(rc == NB_OK && nb_get_int(in, "MaxResults", 0) == INT32_MIN, "int32 minimum kept");
    rc = bind(c, "GET", "/things?list&maxResults=1%200", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "space inside an integer refused");
    rc = bind(c, "GET", "/things?list&maxResults=", NULL, NULL, &in);
    t_inteq(rc, NB_EAWS, "empty integer refused");
    fake_call_free(c);
}

static void
test_headers_payload(void)
{
    nb_call *c = fake_call_new(M);
    nb_value *in;
    const char *h[] = {"Content-Type: text/plain", "X-Amz-Meta-Color: blue",
                       "x-amz-meta-Owner-Name: Ann", "x-amz-metadata-directive: COPY", NULL};
    int rc = bind(c, "PUT", "/buckets/b/objects/k", h, "hello\0world", &in);
    t_inteq(rc, NB_OK, "PutObject binds");
    const nb_value *body = nb_get(in, "Body");
    t_ok(body && body->type == NB_V_BLOB && body->u.s.len == 5, "raw body is the blob payload");
    t_streq(nb_get_str(in, "ContentType"), "text/plain", "Content-Type member");
    const nb_value *md = nb_get(in, "Metadata");
    t_inteq(md ? md->u.c.n : 0, 2, "two x-amz-meta- headers");
    t_streq(nb_get_str(md, "color"), "blue", "prefix stripped, key lower-case");
    t_streq(nb_get_str(md, "owner-name"), "Ann", "value kept as sent");

    rc = bind(c, "PUT", "/buckets/b/objects/k", NULL, NULL, &in);
    body = nb_get(in, "Body");
    t_ok(rc == 0 && body && body->u.s.len == 0, "empty streaming body is an empty blob");

    const char *h2[] = {"x-amz-data: aGVsbG8=", NULL};
    rc = bind(c, "PUT", "/things/t/config", h2, "{}", &in);
    const nb_value *d = nb_get(in, "Data");
    t_ok(rc == 0 && d && d->type == NB_V_BLOB && d->u.s.len == 5 &&
             memcmp(d->u.s.p, "hello", 5) == 0,
         "blob header is base64");
    t_ok(!nb_get(in, "Config"), "structure payload is left to the codec");
    const char *h3[] = {"x-amz-data: not base64!", NULL};
    rc = bind(c, "PUT", "/things/t/config", h3, "{}", &in);
    t_inteq(rc, NB_EAWS, "bad base64 header refused");
    fake_call_free(c);
}

static void
test_helpers(void)
{
    const nb_shape *gor = nb_model_shape_by_name(M, "GetObjectResponse");
    const nb_member *pl = nb_bind_payload(M, gor);
    t_streq(pl ? pl->name : NULL, "Body", "payload member");
    t_ok(nb_bind_payload_is_raw(M, pl), "blob payload is raw");
    t_ok(!nb_bind_has_body_members(M, gor), "GetObjectResponse has no body members");
    const nb_shape *gsr = nb_model_shape_by_name(M, "GetStatusResponse");
    t_ok(nb_bind_has_body_members(M, gsr), "GetStatusResponse has body members");
    t_ok(!nb_bind_payload(M, gsr), "and no payload");
    const nb_member *exp = nb_shape_member(M, gor, "Expires", 7);
    t_inteq(nb_bind_tsfmt(M, exp, NB_TS_RFC822), NB_TS_ISO8601, "member timestampFormat wins");
    const nb_member *lm = nb_shape_member(M, gor, "LastModified", 12);
    t_inteq(nb_bind_tsfmt(M, lm, NB_TS_RFC822), NB_TS_RFC822, "location default");

    nb_arena *a = nb_arena_new(0);
    const nb_shape *dbl = nb_model_shape_by_name(M, "Integer");
    uint32_t ishape = (uint32_t)(dbl - M->shapes);
    nb_value *v;
    t_inteq(nb_bind_parse_scalar(a, M, ishape, 0, "+7", 2, &v), NB_OK, "leading plus");
    t_inteq(nb_bind_parse_scalar(a, M, ishape, 0, "0x10", 4, &v), NB_EINVAL, "hex refused");
    t_inteq(nb_bind_parse_scalar(a, M, ishape, 0, "1.5", 3, &v), NB_EINVAL, "fraction refused");
    uint32_t lshape = (uint32_t)(nb_model_shape_by_name(M, "Long") - M->shapes);
    t_inteq(nb_bind_parse_scalar(a, M, lshape, 0, "-9223372036854775808", 20, &v), NB_OK,
            "int64 minimum");
    t_ok(v && v->u.i == INT64_MIN, "int64 minimum value");
    t_inteq(nb_bind_parse_scalar(a, M, lshape, 0, "9223372036854775808", 19, &v), NB_EINVAL,
            "int64 overflow refused");
    uint32_t bshape = (uint32_t)(nb_model_shape_by_name(M, "Boolean") - M->shapes);
    t_inteq(nb_bind_parse_scalar(a, M, bshape, 0, "TRUE", 4, &v), NB_OK, "TRUE accepted");
    t_inteq(nb_bind_parse_scalar(a, M, bshape, 0, "1", 1, &v), NB_EINVAL, "1 is not a boolean");
    uint32_t tshape = (uint32_t)(nb_model_shape_by_name(M, "Timestamp") - M->shapes);
    const char *out;
    size_t n;
    nb_value *tv = nb_value_time(a, 1398796238.0);
    nb_bind_format_scalar(a, M, tshape, NB_TS_RFC822, tv, &out, &n);
    t_streq(out, "Tue, 29 Apr 2014 18:30:38 GMT", "format HTTP date");
    nb_bind_format_scalar(a, M, tshape, NB_TS_EPOCH, tv, &out, &n);
    t_streq(out, "1398796238", "format epoch");
    nb_value *bv = nb_value_bool(a, 0);
    nb_bind_format_scalar(a, M, bshape, 0, bv, &out, &n);
    t_streq(out, "false", "format boolean");
    nb_value *blob = nb_value_blob(a, "hello", 5);
    uint32_t blshape = (uint32_t)(nb_model_shape_by_name(M, "Blob") - M->shapes);
    nb_bind_format_scalar(a, M, blshape, 0, blob, &out, &n);
    t_streq(out, "aGVsbG8=", "format blob as base64");
    nb_arena_free(a);
}

static const char *
resp_header(const nb_http_resp *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static void
test_encode(void)
{
    nb_call *c = fake_call_new(M);
    nb_http_resp resp;
    memset(&resp, 0, sizeof(resp));
    nb_buf_init(&resp.body, NB_RESP_MAX);
    c->op = nb_model_op(M, "GetObject", 9);
    nb_value *out = nb_value_struct(c->arena);
    nb_set_blob(out, "Body", "data!", 5);
    nb_set_str(out, "ContentType", "image/png");
    nb_set_int(out, "ContentLength", 5);
    nb_set_time(out, "LastModified", 1398796238.5);
    nb_set_time(out, "Expires", 1398796238.0);
    nb_value *md = nb_set_map(out, "Metadata");
    nb_set_str(md, "color", "blue");
    int status = 0, raw = 0;
    int rc = nb_bind_encode(c, c->op->output, out, &resp, &status, &raw);
    t_inteq(rc, NB_OK, "encode GetObject");
    t_inteq(status, 200, "default status");
    t_inteq(raw, 1, "raw payload");
    t_ok(resp.body.len == 5 && memcmp(resp.body.p, "data!", 5) == 0, "body is the blob");
    t_streq(resp.content_type, "image/png", "Content-Type member sets the content type");
    t_streq(resp_header(&resp, "Last-Modified"), "Tue, 29 Apr 2014 18:30:38 GMT",
            "timestamp header as HTTP date");
    t_streq(resp_header(&resp, "x-amz-expires"), "2014-04-29T18:30:38.000Z",
            "timestampFormat iso8601 header");
    t_streq(resp_header(&resp, "x-amz-meta-color"), "blue", "prefix header");
    t_ok(!resp_header(&resp, "Content-Length"), "Content-Length left to the server");
    nb_buf_free(&resp.body);

    memset(&resp, 0, sizeof(resp));
    c->op = nb_model_op(M, "GetStatus", 9);
    out = nb_value_struct(c->arena);
    nb_set_int(out, "StatusCode", 202);
    nb_set_str(out, "Context", "{\"a\":1}");
    nb_set_str(out, "State", "ACTIVE");
    rc = nb_bind_encode(c, c->op->output, out, &resp, &status, &raw);
    t_inteq(status, 202, "statusCode member sets the status");
    t_inteq(raw, 0, "no raw payload");
    t_streq(resp_header(&resp, "x-amz-context"), "eyJhIjoxfQ==", "jsonvalue header is base64");

    memset(&resp, 0, sizeof(resp));
    c->op = nb_model_op(M, "CreateThing", 11);
    out = nb_value_struct(c->arena);
    nb_set_str(out, "Location", "/things/a\r\nX-Evil: 1");
    rc = nb_bind_encode(c, c->op->output, out, &resp, &status, &raw);
    t_inteq(status, 201, "responseCode 201");
    t_ok(!resp_header(&resp, "Location"), "header with CR LF dropped");
    fake_call_free(c);
}

/* Header lists need a model with list members in headers. */
enum { S_STR, S_TS, S_INT, S_STRL, S_TSL, S_INTL, S_IN };
static const nb_member lmembers[] = {
    {.name = "member", .shape = S_STR},
    {.name = "member", .shape = S_TS},
    {.name = "member", .shape = S_INT},
    {.name = "Tags", .wire = "X-Tags", .shape = S_STRL, .loc = NB_LOC_HEADER},
    {.name = "Dates", .wire = "X-Dates", .shape = S_TSL, .loc = NB_LOC_HEADER},
    {.name = "Nums", .wire = "X-Nums", .shape = S_INTL, .loc = NB_LOC_HEADER},
};
static const nb_shape lshapes[] = {
    {.name = "String", .type = NB_T_STRING},
    {.name = "Ts", .type = NB_T_TIMESTAMP},
    {.name = "Int", .type = NB_T_INTEGER},
    {.name = "StrList", .type = NB_T_LIST, .nmembers = 1, .members = 0},
    {.name = "TsList", .type = NB_T_LIST, .nmembers = 1, .members = 1},
    {.name = "IntList", .type = NB_T_LIST, .nmembers = 1, .members = 2},
    {.name = "In", .type = NB_T_STRUCTURE, .nmembers = 3, .members = 3},
};
static const nb_operation lops[] = {
    {.name = "Op", .method = "GET", .uri = "/", .input = S_IN, .output = S_IN, .http_status = 200},
};
static const nb_model lmodel = {.protocol = NB_P_REST_JSON,
                                .shapes = lshapes,
                                .nshapes = 7,
                                .members = lmembers,
                                .nmembers = 6,
                                .ops = lops,
                                .nops = 1};

static void
test_header_lists(void)
{
    nb_call *c = fake_call_new(&lmodel);
    c->op = &lops[0];
    const char *h[] = {"X-Tags: a, \"b,c\", \"d\\\"e\"", "X-Tags: f",
                       "X-Dates: Tue, 29 Apr 2014 18:30:38 GMT, Wed, 30 Apr 2014 18:30:38 GMT",
                       "X-Nums: 1,2 , 3", NULL};
    nb_http_req r = fake_http_req(c, "GET", "/", h, NULL, 0);
    nb_value *in = nb_value_struct(c->arena);
    int rc = nb_bind_decode(c, &r, NULL, S_IN, in, on_bad);
    t_inteq(rc, NB_OK, "lists bind");
    const nb_value *tags = nb_get(in, "Tags");
    t_inteq(tags ? tags->u.c.n : 0, 4, "quoted items and a repeated header");
    const nb_value *it = nb_first(tags);
    t_streq(it ? it->next->u.s.p : NULL, "b,c", "quoted comma kept");
    t_streq(it ? it->next->next->u.s.p : NULL, "d\"e", "escaped quote");
    const nb_value *dates = nb_get(in, "Dates");
    t_inteq(dates ? dates->u.c.n : 0, 2, "HTTP dates are not split at their comma");
    t_ok(dates && nb_first(dates)->next->u.d == 1398796238.0 + 86400, "second date");
    t_inteq(nb_get_len(in, "Nums"), 3, "integer list trimmed");

    const char *hb[] = {"X-Nums: 1,x", NULL};
    r = fake_http_req(c, "GET", "/", hb, NULL, 0);
    in = nb_value_struct(c->arena);
    t_inteq(nb_bind_decode(c, &r, NULL, S_IN, in, on_bad), NB_EAWS, "bad list item refused");

    nb_http_resp resp;
    memset(&resp, 0, sizeof(resp));
    nb_value *out = nb_value_struct(c->arena);
    nb_value *l = nb_set_list(out, "Tags");
    nb_list_add_str(l, "a");
    nb_list_add_str(l, "b,c");
    nb_list_add_str(l, "d\"e");
    nb_value *dl = nb_set_list(out, "Dates");
    nb_value_append(dl, nb_value_time(c->arena, 1398796238.0));
    nb_value_append(dl, nb_value_time(c->arena, 1398796238.0 + 86400));
    nb_set_list(out, "Nums");
    int status, raw;
    rc = nb_bind_encode(c, S_IN, out, &resp, &status, &raw);
    t_streq(resp_header(&resp, "X-Tags"), "a, \"b,c\", \"d\\\"e\"", "list header quoting");
    t_streq(resp_header(&resp, "X-Dates"),
            "Tue, 29 Apr 2014 18:30:38 GMT, Wed, 30 Apr 2014 18:30:38 GMT", "date list header");
    t_ok(!resp_header(&resp, "X-Nums"), "empty list not sent");
    fake_call_free(c);
}

int
main(void)
{
    test_labels_query_headers();
    test_query_types();
    test_headers_payload();
    test_helpers();
    test_encode();
    test_header_lists();
    nb_rest_route_cleanup();
    return t_done();
}
