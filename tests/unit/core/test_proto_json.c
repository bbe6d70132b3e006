/*
 * test_proto_json.c: the awsJson codec (src/core/proto_json.c) on the
 * json_test fixture model (tests/models/json_test.json: JSON 1.0, target
 * prefix JsonTest_20200101, awsQueryCompatible). Each test builds a call
 * and a request by hand, runs one codec entry point and compares exact
 * bytes. Expected values come from AWS: the SQS developer guide's JSON
 * error example, botocore's serializer and parser, and DynamoDB's Coral
 * messages as recorded by dynalite (see proto_json.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/fake_call.h"
#include "core/model.h"
#include "core/proto.h"
#include "core/value.h"
#include "gen/json_test_model.h"
#include "t.h"

#define RID "c6104cbe-af31-11e0-8154-cbc7ccf896c7"
#define SER "{\"__type\":\"com.amazon.coral.service#SerializationException\""

static const nb_model *M = &nb_json_test_model;

/* ---- helpers --------------------------------------------------------- */

typedef struct req {
    nb_header h[2]; /* content-type, x-amz-target */
    nb_http_req r;  /* the request */
} req;

static void
req_init(req *q, const char *target, const char *body, size_t len)
{
    memset(q, 0, sizeof(*q));
    q->h[0] = (nb_header){"content-type", "application/x-amz-json-1.0"};
    q->h[1] = (nb_header){"x-amz-target", target};
    q->r.method = "POST";
    q->r.url = "/";
    q->r.query = "";
    q->r.host = "localhost:4566";
    q->r.headers = q->h;
    q->r.nheaders = target ? 2 : 1;
    q->r.body = body;
    q->r.body_len = len;
}

static const char *
resp_header(const nb_http_resp *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static nb_call *
call_for(const char *op)
{
    nb_call *c = fake_call_new(M);
    c->op = op ? nb_model_op(M, op, strlen(op)) : NULL;
    return c;
}

/* Decodes body for op; returns the tree (NULL on error, with the error on
 * the call). */
static nb_value *
decode(nb_call *c, const char *body, size_t len, int *rc)
{
    req q;
    nb_value *in = NULL;
    req_init(&q, "JsonTest_20200101.Echo", body, len);
    *rc = nb_proto_json.decode(c, &q.r, &in);
    return in;
}

/* The error body encode_error writes for the call, in the call's arena. */
static const char *
error_body(nb_call *c, nb_http_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    if (nb_proto_json.encode_error(c, resp) != NB_OK)
        return "(encode_error failed)";
    const char *s = nb_arena_strndup(c->arena, resp->body.p ? resp->body.p : "", resp->body.len);
    nb_buf_free(&resp->body);
    return s;
}

/* Decoding body for Echo must fail; returns the encoded error body. */
static const char *
decode_fail(const char *body, size_t len)
{
    static char out[1024];
    nb_http_resp resp;
    int rc;
    nb_call *c = call_for("Echo");
    nb_value *in = decode(c, body, len, &rc);
    if (rc != NB_EAWS || in)
        snprintf(out, sizeof(out), "(rc %d)", rc);
    else
        snprintf(out, sizeof(out), "%s", error_body(c, &resp));
    fake_call_free(c);
    return out;
}

#define DECODE_FAIL(body, want, name) t_streq(decode_fail(body, strlen(body)), want, name)

/* Encodes out for op; returns the body (static), and the response. */
static const char *
encode(nb_call *c, const nb_value *out, nb_http_resp *resp)
{
    static char body[4096];
    memset(resp, 0, sizeof(*resp));
    int rc = nb_proto_json.encode(c, out, resp);
    snprintf(body, sizeof(body), "%s", rc ? "(encode failed)" : resp->body.p ? resp->body.p : "");
    nb_buf_free(&resp->body);
    return body;
}

/* ---- resolve --------------------------------------------------------- */

static void
resolve(void)
{
    static const char *const bad[] = {
        NULL,                          /* no X-Amz-Target */
        "",                            /* empty */
        "JsonTest_20200101.Nope",      /* not in the model */
        "DynamoDB_20120810.GetThing",  /* another service's prefix */
        "JsonTest_20200101GetThing",   /* no dot */
        "JsonTest_20200101.",          /* no operation */
        "JsonTest_20200101.getThing",  /* case matters */
        "JsonTest_20200101.GetThing ", /* trailing space */
        "GetThing",                    /* no prefix */
    };
    nb_http_resp resp;
    const nb_operation *op = NULL;
    req q;

    nb_call *c = call_for(NULL);
    req_init(&q, "JsonTest_20200101.GetThing", "{}", 2);
    t_inteq(nb_proto_json.resolve(c, M, &q.r, &op), NB_OK, "target resolves");
    t_streq(op ? op->name : NULL, "GetThing", "to the named operation");
    fake_call_free(c);

    for (size_t i = 0; i < NB_ARRAY_LEN(bad); i++) {
        char name[96];
        c = call_for(NULL);
        req_init(&q, bad[i], "{}", 2);
        op = (const nb_operation *)1;
        int rc = nb_proto_json.resolve(c, M, &q.r, &op);
        snprintf(name, sizeof(name), "target \"%s\": UnknownOperationException",
                 bad[i] ? bad[i] : "(none)");
        t_ok(rc == NB_EAWS && op == NULL && c->err_code &&
                 strcmp(c->err_code, "UnknownOperationException") == 0,
             name);
        /* AWS (dynalite db/index.js): 400 and only the __type */
        if (i == 0) {
            t_streq(error_body(c, &resp),
                    "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}",
                    "UnknownOperationException body has no message");
            t_inteq(resp.status, 400, "UnknownOperationException is 400");
            t_streq(resp_header(&resp, "x-amzn-query-error"), "UnknownOperationException;Sender",
                    "query-compatible header for an unmodelled code");
        }
        fake_call_free(c);
    }
}

/* ---- decode ---------------------------------------------------------- */

static void
decode_types(void)
{
    const char *body =
        "{\"Str\":\"h\\u00e9llo\\n\",\"Int\":-42,\"Long\":9007199254740993,\"Float\":1.5,"
        "\"Double\":\"NaN\",\"Bool\":true,\"Blob\":\"aGVsbG8=\",\"Time\":1700000000.1234,"
        "\"IsoTime\":\"2014-04-29T18:30:38Z\",\"HttpTime\":1398796238,\"State\":\"ACTIVE\","
        "\"List\":[\"a\",null,\"b\"],\"Map\":{\"Color\":\"red\",\"Size\":null},"
        "\"Nested\":{\"Size\":5,\"Load\":\"Infinity\",\"Inner\":{\"Level\":3,\"Notes\":[]}},"
        "\"Value\":{\"M\":{\"k\":{\"L\":[{\"N\":\"1\"},{\"B\":\"AA==\"}]}}},"
        "\"Unknown\":{\"deep\":[1,{\"x\":null}]},\"Str2\":5}";
    int rc;
    nb_call *c = call_for("Echo");
    nb_value *in = decode(c, body, strlen(body), &rc);

    t_inteq(rc, NB_OK, "Echo body decodes");
    t_ok(in && in->type == NB_V_STRUCT, "into a struct");
    t_streq(nb_get_str(in, "Str"), "h\xc3\xa9llo\n", "string with escapes");
    t_inteq(nb_get_int(in, "Int", 0), -42, "integer");
    t_ok(nb_get(in, "Long") && nb_get(in, "Long")->u.i == 9007199254740993LL,
         "long beyond 2^53 exact");
    t_ok(nb_get_double(in, "Float", 0) == 1.5, "float");
    t_ok(isnan(nb_get_double(in, "Double", 0)), "\"NaN\" string is NaN");
    t_inteq(nb_get_bool(in, "Bool", 0), 1, "boolean");
    const nb_value *b = nb_get(in, "Blob");
    t_ok(b && b->type == NB_V_BLOB && b->u.s.len == 5 && memcmp(b->u.s.p, "hello", 5) == 0,
         "blob base64-decoded");
    const nb_value *t = nb_get(in, "Time");
    t_ok(t && t->type == NB_V_TIME && fabs(t->u.d - 1700000000.123) < 1e-6,
         "timestamp kept to the millisecond");
    t_ok(nb_get_double(in, "IsoTime", 0) == 1398796238.0, "ISO 8601 string accepted");
    t_ok(nb_get_double(in, "HttpTime", 0) == 1398796238.0, "epoch number for an rfc822 member");
    t_streq(nb_get_str(in, "State"), "ACTIVE", "enum string");
    const nb_value *l = nb_get(in, "List");
    t_ok(l && l->type == NB_V_LIST && l->u.c.n == 2, "null list items dropped");
    const nb_value *m = nb_get(in, "Map");
    t_ok(m && m->type == NB_V_MAP && m->u.c.n == 1 && strcmp(nb_get_str(m, "Color"), "red") == 0,
         "map, null value dropped");
    const nb_value *nest = nb_get(in, "Nested");
    t_inteq(nb_get_int(nest, "Size", 0), 5, "nested long");
    t_ok(isinf(nb_get_double(nest, "Load", 0)), "\"Infinity\" string");
    t_inteq(nb_get_int(nb_get(nest, "Inner"), "Level", 0), 3, "two levels down");
    t_ok(nb_get(nb_get(nest, "Inner"), "Notes") != NULL, "empty list kept");
    const nb_value *v = nb_get(nb_get(nb_get(nb_get(in, "Value"), "M"), "k"), "L");
    t_ok(v && v->u.c.n == 2 && strcmp(nb_get_str(v->u.c.first, "N"), "1") == 0, "recursive union");
    t_ok(nb_get(in, "Unknown") == NULL && nb_get(in, "Str2") == NULL, "unknown members ignored");
    t_inteq(in ? in->u.c.n : 0, 15, "fifteen members");
    fake_call_free(c);
}

static void
decode_edges(void)
{
    int rc;
    nb_call *c = call_for("Echo");
    nb_value *in = decode(c, "", 0, &rc);
    t_ok(rc == NB_OK && in && in->type == NB_V_STRUCT && in->u.c.n == 0, "empty body is {}");
    in = decode(c, " {} ", 4, &rc);
    t_ok(rc == NB_OK && in && in->u.c.n == 0, "{} with whitespace");
    in = decode(c, "null", 4, &rc);
    t_ok(rc == NB_OK && in && in->u.c.n == 0, "null body is {}");
    in = decode(c, "{\"Str\":null,\"Int\":null}", 23, &rc);
    t_ok(rc == NB_OK && in && in->u.c.n == 0, "null members are absent (dynalite checkTypes)");
    in = decode(c, "{\"Str\":\"a\\u0000b\"}", 18, &rc);
    const nb_value *s = nb_get(in, "Str");
    t_ok(rc == NB_OK && s && s->u.s.len == 3 && s->u.s.p[1] == '\0', "NUL inside a string kept");
    in = decode(c, "{\"Int\":1.9,\"Long\":-1.9}", 23, &rc);
    t_ok(rc == NB_OK && nb_get_int(in, "Int", 0) == 1 && nb_get_int(in, "Long", 0) == -1,
         "fractions dropped toward zero for integers (Coral/Jackson)");
    in = decode(c, "{\"Int\":2147483647,\"Long\":-9223372036854775808}", 46, &rc);
    t_ok(rc == NB_OK && nb_get_int(in, "Int", 0) == INT32_MAX &&
             nb_get_int(in, "Long", 0) == INT64_MIN,
         "range ends accepted");
    in = decode(c, "{\"Blob\":\"\"}", 11, &rc);
    t_ok(rc == NB_OK && nb_get(in, "Blob") && nb_get(in, "Blob")->u.s.len == 0, "empty blob");
    in = decode(c, "{\"Time\":\"1398796238.5\"}", 23, &rc);
    t_ok(rc == NB_OK && nb_get_double(in, "Time", 0) == 1398796238.5, "epoch in a string");
    in = decode(c, "{\"Time\":-1.5}", 13, &rc);
    t_ok(rc == NB_OK && nb_get_double(in, "Time", 0) == -1.5, "before 1970");
    fake_call_free(c);

    /* an operation without input still wants JSON */
    c = call_for("Echo");
    c->op = nb_model_op(M, "DeleteThing", 11);
    nb_operation noin = *c->op;
    noin.input = NB_NO_SHAPE;
    c->op = &noin;
    in = decode(c, "{\"x\":1}", 7, &rc);
    t_ok(rc == NB_OK && in && in->u.c.n == 0, "no input shape: empty struct");
    in = decode(c, "[1]", 3, &rc);
    t_ok(rc == NB_EAWS, "no input shape: an array is still refused");
    fake_call_free(c);

    /* documents are kept as the JSON's own tree */
    c = call_for("CreateThing");
    const char *body = "{\"Name\":\"abc\",\"Document\":{\"a\":[1,2.5,\"x\",true,null],\"b\":{}}}";
    in = decode(c, body, strlen(body), &rc);
    const nb_value *d = nb_get(in, "Document");
    t_ok(rc == NB_OK && d && d->type == NB_V_MAP, "document object as a map");
    const nb_value *a = nb_get(d, "a");
    t_ok(a && a->type == NB_V_LIST && a->u.c.n == 5 && a->u.c.last->type == NB_V_NULL,
         "document keeps nulls and mixed types");
    fake_call_free(c);
}

static void
decode_malformed(void)
{
    /* AWS: malformed JSON gets 400 and only the __type (dynalite db/index.js) */
    const char *const bad[] = {
        "{\"Str\":\"abc\"",   "{\"Str\":}",     "{} x",
        "{\"Str\":'a'}",      "{Str:1}",        "{\"Int\":01}",
        "{\"Double\":NaN}",   "[1,]",           "{\"Str\":\"\\q\"}",
        "{\"Str\":\"a\tb\"}", "\xef\xbb\xbf{}", " ",
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(bad); i++) {
        char name[80];
        snprintf(name, sizeof(name), "malformed %zu: SerializationException, no message", i);
        DECODE_FAIL(bad[i], SER "}", name);
    }
    DECODE_FAIL("{\"Str\":\"\xff\"}", SER "}", "invalid UTF-8");
    DECODE_FAIL("{\"Str\":\"\xc0\xaf\"}", SER "}", "overlong UTF-8");
    DECODE_FAIL("{\"Str\":\"\xed\xa0\x80\"}", SER "}", "UTF-8 surrogate");
    t_streq(decode_fail("{\"Str\":\"a\0\"}", 11), SER "}", "raw NUL byte");

    /* our bounds: the message is ours */
    char deep[200];
    size_t n = (size_t)snprintf(deep, sizeof(deep), "{\"Unknown\":");
    for (int i = 0; i < 64; i++)
        deep[n++] = '[';
    for (int i = 0; i < 64; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    DECODE_FAIL(deep, SER ",\"Message\":\"JSON nesting depth exceeds the maximum of 64\"}",
                "65 levels refused, even in an unknown member");
    DECODE_FAIL("{\"Long\":9223372036854775808}",
                SER ",\"Message\":\"Numeric value out of range at byte 27\"}",
                "integer past int64 refused");
    DECODE_FAIL("{\"Double\":1e999}", SER ",\"Message\":\"Numeric value out of range at byte 15\"}",
                "double overflow refused");
}

static void
decode_types_wrong(void)
{
    /* AWS (dynalite validations/index.js checkTypes): SerializationException
     * with "Message" */
    static const struct {
        const char *body, *msg;
    } cases[] = {
        {"{\"Str\":5}", "class java.lang.Short can not be converted to an String"},
        {"{\"Str\":70000}", "class java.lang.Integer can not be converted to an String"},
        {"{\"Str\":3000000000}", "class java.lang.Long can not be converted to an String"},
        {"{\"Str\":1.5}", "class java.lang.Double can not be converted to an String"},
        {"{\"Str\":true}", "class java.lang.Boolean can not be converted to an String"},
        {"{\"Str\":{}}", "Start of structure or map found where not expected."},
        {"{\"Str\":[]}", "Start of list found where not expected"},
        {"{\"Int\":\"5\"}", "class java.lang.String can not be converted to an Integer"},
        {"{\"Long\":false}", "class java.lang.Boolean can not be converted to an Long"},
        {"{\"Double\":\"1.5\"}", "class java.lang.String can not be converted to an Double"},
        {"{\"Float\":[1]}", "Start of list found where not expected"},
        {"{\"Bool\":\"yes\"}", "'YES' can not be converted to an Boolean"},
        {"{\"Bool\":1}", "class java.lang.Short can not be converted to an Boolean"},
        {"{\"List\":\"a\"}", "Expected list or null"},
        {"{\"List\":{}}", "Start of structure or map found where not expected."},
        {"{\"List\":[1]}", "class java.lang.Short can not be converted to an String"},
        {"{\"Map\":[]}", "Start of list found where not expected"},
        {"{\"Map\":7}", "Expected map or null"},
        {"{\"Map\":{\"Color\":{}}}", "Start of structure or map found where not expected."},
        {"{\"Nested\":5}", "Expected null"},
        {"{\"Nested\":[]}", "Start of list found where not expected"},
        {"{\"Nested\":{\"Inner\":{\"Level\":\"x\"}}}",
         "class java.lang.String can not be converted to an Integer"},
        {"{\"Blob\":5}", "class java.lang.Short can not be converted to a Blob"},
        {"{\"Blob\":\"abc\"}", "'abc' can not be converted to a Blob: Base64 encoded length is "
                               "expected a multiple of 4 bytes but found: 3"},
        {"{\"Blob\":\"ab$=\"}",
         "'ab$=' can not be converted to a Blob: Invalid Base64 character: '$'"},
        {"{\"Blob\":\"ab=c\"}",
         "'ab=c' can not be converted to a Blob: Invalid Base64 character: '='"},
        {"{\"Blob\":\"aGl=\"}", "'aGl=' can not be converted to a Blob: Invalid last non-pad "
                                "Base64 character dectected"},
        {"{\"Int\":2147483648}", "Numeric value (2147483648) out of range of int"},
        {"{\"Int\":-2147483649}", "Numeric value (-2147483649) out of range of int"},
        {"{\"Int\":1e300}", "Numeric value (1e+300) out of range of int"},
        {"{\"Long\":1e19}", "Numeric value (1e+19) out of range of long"},
        {"{\"Time\":true}", "class java.lang.Boolean can not be converted to a Date"},
        {"{\"Time\":\"yesterday\"}", "'yesterday' can not be converted to a Date"},
        {"[]", "Start of list found where not expected"},
        {"\"x\"", "Expected null"},
        {"5", "Expected null"},
        {"{\"Value\":{\"S\":\"a\",\"N\":\"1\"}}",
         "Union AttributeValue must have exactly one member set"},
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(cases); i++) {
        char want[512];
        snprintf(want, sizeof(want), SER ",\"Message\":\"%s\"}", cases[i].msg);
        DECODE_FAIL(cases[i].body, want, cases[i].body);
    }
}

/* ---- encode ---------------------------------------------------------- */

static void
encode_output(void)
{
    nb_http_resp resp;
    nb_call *c = call_for("GetThing");
    nb_value *out = nb_value_struct(c->arena);
    nb_value *th = nb_set_struct(out, "Thing");
    nb_set_str(th, "Name", "widget");
    nb_set_str(th, "Arn", "arn:aws:jsontest:us-east-1:000000000000:thing/widget");
    nb_set_str(th, "State", "ACTIVE");
    nb_value *cfg = nb_set_struct(th, "Config");
    nb_set_int(cfg, "Size", 5);
    nb_set_bool(cfg, "Enabled", 0);
    nb_set_double(cfg, "Load", 12.5);
    nb_value *inner = nb_set_struct(cfg, "Inner");
    nb_set_int(inner, "Level", 3);
    nb_value *notes = nb_set_list(inner, "Notes");
    nb_list_add_str(notes, "a");
    nb_list_add_str(notes, "b\"c");
    nb_value *tags = nb_set_list(th, "Tags");
    nb_value *tag = nb_list_add_struct(tags);
    nb_set_str(tag, "Key", "k");
    nb_set_str(tag, "Value", "v");
    nb_value *attrs = nb_set_map(th, "Attributes");
    nb_set_str(attrs, "Color", "red");
    nb_set_time(th, "CreatedAt", 1700000000.5);
    nb_set_int(th, "SizeBytes", 9007199254740993LL);
    nb_set_str(th, "NotInShape", "dropped");
    nb_value_put(th, "Null", 4, nb_value_null(c->arena));

    t_streq(encode(c, out, &resp),
            "{\"Thing\":{\"Name\":\"widget\",\"Arn\":\"arn:aws:jsontest:us-east-1:000000000000:"
            "thing/widget\",\"State\":\"ACTIVE\",\"Config\":{\"Size\":5,\"Enabled\":false,"
            "\"Load\":12.5,\"Inner\":{\"Level\":3,\"Notes\":[\"a\",\"b\\\"c\"]}},\"Tags\":"
            "[{\"Key\":\"k\",\"Value\":\"v\"}],\"Attributes\":{\"Color\":\"red\"},"
            "\"CreatedAt\":1700000000.5,\"SizeBytes\":9007199254740993}}",
            "GetThing output, members in the order set, unknown ones left out");
    t_inteq(resp.status, 200, "status 200");
    /* AWS: SQS developer guide, successful JSON response structure */
    t_streq(resp.content_type, "application/x-amz-json-1.0", "Content-Type 1.0");
    t_streq(resp_header(&resp, "x-amzn-RequestId"), RID, "x-amzn-RequestId");
    t_ok(resp_header(&resp, "x-amzn-query-error") == NULL, "no query error on success");

    t_streq(encode(c, NULL, &resp), "{}", "no result: {}");
    t_streq(encode(c, nb_value_struct(c->arena), &resp), "{}", "empty result: {}");
    fake_call_free(c);

    c = call_for("DeleteThing");
    out = nb_value_struct(c->arena);
    nb_set_str(out, "Name", "x");
    t_streq(encode(c, out, &resp), "{}", "operation without output: {}");
    fake_call_free(c);
}

static void
encode_scalars(void)
{
    nb_http_resp resp;
    nb_call *c = call_for("Echo");
    nb_value *out = nb_value_struct(c->arena);
    nb_set_str(out, "Str", "tab\there \x01 \xc3\xa9 \xff");
    nb_set_int(out, "Int", -42);
    nb_set_int(out, "Long", -9007199254740993LL);
    nb_set_double(out, "Float", 0.1);
    nb_set_double(out, "Double", NAN);
    nb_set_bool(out, "Bool", 1);
    nb_set_blob(out, "Blob", "hello", 5);
    nb_set_time(out, "Time", 1398796238.0);
    nb_set_time(out, "IsoTime", 1398796238.0);
    nb_set_time(out, "HttpTime", 1398796238.25);
    nb_value *list = nb_set_list(out, "List");
    nb_list_add_str(list, "x");
    nb_value *m = nb_set_map(out, "Map");
    nb_set_str(m, "Size", "L");
    nb_value *val = nb_set_struct(out, "Value");
    nb_set_blob(val, "B", "\0\1", 2);

    /* Blobs base64 (botocore JSONParser._handle_blob); timestamps epoch
     * seconds by default, else the member's timestampFormat; NaN as the
     * string "NaN" (Smithy awsJson1_0). */
    t_streq(encode(c, out, &resp),
            "{\"Str\":\"tab\\there \\u0001 \xc3\xa9 \xef\xbf\xbd\",\"Int\":-42,"
            "\"Long\":-9007199254740993,\"Float\":0.1,\"Double\":\"NaN\",\"Bool\":true,"
            "\"Blob\":\"aGVsbG8=\",\"Time\":1398796238,\"IsoTime\":\"2014-04-29T18:30:38.000Z\","
            "\"HttpTime\":\"Tue, 29 Apr 2014 18:30:38 GMT\",\"List\":[\"x\"],\"Map\":{\"Size\":"
            "\"L\"},\"Value\":{\"B\":\"AAE=\"}}",
            "every scalar type");
    fake_call_free(c);

    /* a decoded request written back gives the same bytes */
    const char *body = "{\"Str\":\"a\\\"b\\\\c\",\"Int\":7,\"Double\":1e+21,\"Float\":-0.5,"
                       "\"Blob\":\"AAECAwQ=\",\"Time\":1700000000.123,\"List\":[\"p\",\"q\"],"
                       "\"Nested\":{\"Load\":99.5,\"Inner\":{\"Notes\":[]}},"
                       "\"Value\":{\"L\":[{\"BOOL\":false},{\"NULL\":true}]}}";
    int rc;
    c = call_for("Echo");
    nb_value *in = decode(c, body, strlen(body), &rc);
    t_inteq(rc, NB_OK, "round trip: decode");
    t_streq(encode(c, in, &resp), body, "round trip: same bytes");
    fake_call_free(c);
}

static void
encode_limits(void)
{
    nb_http_resp resp;
    nb_call *c = call_for("Echo");
    nb_value *out = nb_value_struct(c->arena);
    nb_set_str(out, "Str", "0123456789012345678901234567890123456789");
    memset(&resp, 0, sizeof(resp));
    nb_buf_init(&resp.body, 16); /* the server's bound wins */
    t_inteq(nb_proto_json.encode(c, out, &resp), NB_ENOMEM, "reply over the bound: NB_ENOMEM");
    t_inteq(resp.nheaders, 0, "no headers added on failure");
    nb_buf_free(&resp.body);

    /* 1.1 models answer with their Content-Type, and only query-compatible
     * ones send x-amzn-query-error */
    nb_model m11 = *M;
    m11.json_version = "1.1";
    m11.query_compatible = 0;
    c->model = &m11;
    t_streq(encode(c, out, &resp), "{\"Str\":\"0123456789012345678901234567890123456789\"}",
            "1.1 body");
    t_streq(resp.content_type, "application/x-amz-json-1.1", "Content-Type 1.1");
    nb_fail(c, "ResourceNotFoundException", "gone");
    t_streq(error_body(c, &resp), "{\"__type\":\"ResourceNotFoundException\",\"message\":\"gone\"}",
            "1.1 error body");
    t_streq(resp.content_type, "application/x-amz-json-1.1", "error Content-Type 1.1");
    t_ok(resp_header(&resp, "x-amzn-query-error") == NULL, "no x-amzn-query-error without "
                                                           "awsQueryCompatible");
    fake_call_free(c);
}

/* ---- encode_error ---------------------------------------------------- */

static void
errors(void)
{
    nb_http_resp resp;

    /* AWS (SQS developer guide, JSON error response structure): 400,
     * x-amzn-query-error "<query code>;Sender", body __type and "message". */
    nb_call *c = call_for("GetThing");
    nb_fail(c, "ResourceNotFoundException", "Thing \"%s\" does not exist.", "x");
    t_streq(error_body(c, &resp),
            "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Thing \\\"x\\\" does not "
            "exist.\"}",
            "modelled error body");
    t_inteq(resp.status, 400, "status from the model");
    t_streq(resp.content_type, "application/x-amz-json-1.0", "error Content-Type");
    t_streq(resp_header(&resp, "x-amzn-RequestId"), RID, "x-amzn-RequestId");
    t_streq(resp_header(&resp, "x-amzn-ErrorType"), "ResourceNotFoundException",
            "x-amzn-ErrorType");
    t_streq(resp_header(&resp, "x-amzn-query-error"), "AWS.JsonTest.NonExistentThing;Sender",
            "x-amzn-query-error with the query code");
    fake_call_free(c);

    /* raised by its query code: the same shape */
    c = call_for("GetThing");
    nb_fail(c, "AWS.JsonTest.NonExistentThing", "gone");
    t_streq(error_body(c, &resp), "{\"__type\":\"ResourceNotFoundException\",\"message\":\"gone\"}",
            "raised by query code, __type is the shape name");
    fake_call_free(c);

    c = call_for("CreateThing");
    nb_fail(c, "ThingAlreadyExistsException", "exists");
    error_body(c, &resp);
    t_inteq(resp.status, 409, "httpStatusCode from the model");
    t_streq(resp_header(&resp, "x-amzn-query-error"), "AWS.JsonTest.ThingAlreadyExists;Sender",
            "its query code");
    fake_call_free(c);

    /* a server fault: Receiver */
    c = call_for("GetThing");
    nb_fail_status(c, 500, "InternalServerError", "boom");
    t_streq(error_body(c, &resp), "{\"__type\":\"InternalServerError\",\"message\":\"boom\"}",
            "server fault body");
    t_inteq(resp.status, 500, "500");
    t_streq(resp_header(&resp, "x-amzn-query-error"), "InternalServerError;Receiver",
            "Receiver for a server fault");
    fake_call_free(c);

    /* no error set: InternalFailure 500 */
    c = call_for("GetThing");
    t_streq(error_body(c, &resp), "{\"__type\":\"InternalFailure\"}", "InternalFailure");
    t_inteq(resp.status, 500, "InternalFailure is 500");
    fake_call_free(c);

    /* a code outside the model, with extra members */
    c = call_for("GetThing");
    nb_fail_status(c, 400, "ThrottlingException", "Rate exceeded");
    c->err_fields = nb_value_struct(c->arena);
    nb_value *r = nb_set_list(c->err_fields, "Reasons");
    nb_list_add_str(r, "a");
    nb_set_str(c->err_fields, "message", "dup");
    nb_set_int(c->err_fields, "RetryAfter", 3);
    t_streq(error_body(c, &resp),
            "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\","
            "\"Reasons\":[\"a\"],\"RetryAfter\":3}",
            "unmodelled code with extra members");
    t_streq(resp_header(&resp, "x-amzn-query-error"), "ThrottlingException;Sender",
            "unmodelled code in x-amzn-query-error");
    fake_call_free(c);

    /* a modelled error's extra members follow its shape */
    c = call_for("GetThing");
    nb_fail(c, "ValidationException", "%s", "");
    c->err_fields = nb_value_struct(c->arena);
    nb_set_str(c->err_fields, "NotInShape", "x");
    t_streq(error_body(c, &resp), "{\"__type\":\"ValidationException\",\"NotInShape\":\"x\"}",
            "empty message left out; members the shape lacks written as they are");
    fake_call_free(c);

    /* SerializationException says "Message" (dynalite) */
    c = call_for("GetThing");
    nb_fail_status(c, 400, "SerializationException", "Expected null");
    t_streq(error_body(c, &resp), SER ",\"Message\":\"Expected null\"}",
            "Coral framework error keeps its namespace and \"Message\"");
    t_streq(resp_header(&resp, "x-amzn-ErrorType"), "SerializationException",
            "x-amzn-ErrorType without namespace");
    fake_call_free(c);

    /* error after a failed encode: the body starts over */
    c = call_for("GetThing");
    memset(&resp, 0, sizeof(resp));
    nb_buf_init(&resp.body, 1024);
    nb_buf_adds(&resp.body, "{\"partial\":");
    nb_fail(c, "ResourceNotFoundException", "x");
    nb_proto_json.encode_error(c, &resp);
    t_streq(resp.body.p, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"x\"}",
            "encode_error resets the body");
    nb_buf_free(&resp.body);
    fake_call_free(c);
}

int
main(void)
{
    resolve();
    decode_types();
    decode_edges();
    decode_malformed();
    decode_types_wrong();
    encode_output();
    encode_scalars();
    encode_limits();
    errors();
    return t_done();
}
