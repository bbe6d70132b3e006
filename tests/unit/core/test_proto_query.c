/*
 * test_proto_query.c: the awsQuery codec (proto_query.c) and the shared
 * error lookup (proto.c). Request bodies are what botocore's
 * QuerySerializer writes for these inputs (AWS CLI v2 sends the same);
 * expected replies follow AWS's documented form (STS API Reference
 * examples, IAM's ErrorResponse in NixOS/nixops#328) and were checked to
 * parse with botocore's QueryParser into the inputs' values.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/model.h"
#include "core/proto.h"
#include "core/service.h"
#include "core/value.h"
#include "fake_call.h"
#include "gen/query_test_model.h"
#include "gen/sts_model.h"
#include "t.h"

#define RID "c6104cbe-af31-11e0-8154-cbc7ccf896c7"
#define STS_NS "https://sts.amazonaws.com/doc/2011-06-15/"
#define QT_NS "https://querytest.amazonaws.com/doc/2020-01-01/"

static nb_call *call;
static nb_http_req req;
static nb_header hdrs[2];
static nb_http_resp resp;

static void
fresh(const nb_model *m)
{
    fake_call_free(call);
    call = fake_call_new(m);
    nb_buf_free(&resp.body);
    memset(&resp, 0, sizeof(resp));
    nb_buf_init(&resp.body, NB_RESP_MAX);
}

/* A POST with a form body (ctype NULL: the usual one). */
static void
set_req(const char *method, const char *ctype, const char *query, const char *body, size_t len)
{
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = "/";
    req.query = query;
    req.host = "localhost:4566";
    hdrs[0].name = "content-type";
    hdrs[0].value = ctype ? ctype : "application/x-www-form-urlencoded; charset=utf-8";
    hdrs[1].name = "host";
    hdrs[1].value = "localhost:4566";
    req.headers = hdrs;
    req.nheaders = 2;
    req.body = body;
    req.body_len = len;
}

static void
form(const char *body)
{
    set_req("POST", NULL, "", body, strlen(body));
}

/* Resolve then decode; returns the first failing code. */
static int
decode(const nb_model *m, nb_value **in)
{
    const nb_operation *op = NULL;
    *in = NULL;
    int rc = nb_proto_query.resolve(call, m, &req, &op);
    if (rc)
        return rc;
    call->op = op;
    return nb_proto_query.decode(call, &req, in);
}

static const char *
header(const char *name)
{
    for (size_t i = 0; i < resp.nheaders; i++)
        if (strcmp(resp.headers[i].name, name) == 0)
            return resp.headers[i].value;
    return NULL;
}

static const char *
body(void)
{
    return resp.body.p ? resp.body.p : "";
}

static const nb_value *
item(const nb_value *list, size_t i)
{
    const nb_value *c = nb_first(list);
    while (c && i--)
        c = c->next;
    return c;
}

/* ---- resolve -------------------------------------------------------- */

static void
test_resolve(void)
{
    const nb_operation *op = NULL;
    fresh(&nb_sts_model);
    form("Action=GetCallerIdentity&Version=2011-06-15");
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_OK, "resolve");
    t_streq(op ? op->name : NULL, "GetCallerIdentity", "operation from the body");

    fresh(&nb_sts_model);
    set_req("GET", "", "Action=GetCallerIdentity&Version=2011-06-15", "", 0);
    req.nheaders = 0;
    op = NULL;
    nb_proto_query.resolve(call, &nb_sts_model, &req, &op);
    t_streq(op ? op->name : NULL, "GetCallerIdentity", "operation from the query string");

    fresh(&nb_sts_model);
    set_req("POST", "application/x-www-form-urlencoded", "", "Version=2011-06-15&Action=AssumeRole",
            36);
    op = NULL;
    nb_proto_query.resolve(call, &nb_sts_model, &req, &op);
    t_streq(op ? op->name : NULL, "AssumeRole", "no charset, Action not first");

    /* AWS: aws/aws-cli#37, "Could not find operation X for version V". */
    fresh(&nb_sts_model);
    form("Action=GetCallerIdentityX&Version=2011-06-15");
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_EAWS, "unknown action");
    t_streq(call->err_code, "InvalidAction", "InvalidAction");
    t_streq(call->err_msg, "Could not find operation GetCallerIdentityX for version 2011-06-15",
            "InvalidAction message");
    t_inteq(nb_proto_query.encode_error(call, &resp), NB_OK, "encode the error");
    t_inteq(resp.status, 400, "InvalidAction is 400");
    t_streq(resp.content_type, "text/xml", "text/xml");
    t_streq(header("x-amzn-RequestId"), RID, "request id header");
    t_streq(body(),
            "<ErrorResponse xmlns=\"" STS_NS "\"><Error><Type>Sender</Type>"
            "<Code>InvalidAction</Code><Message>Could not find operation GetCallerIdentityX for "
            "version 2011-06-15</Message></Error><RequestId>" RID "</RequestId></ErrorResponse>",
            "InvalidAction reply");

    fresh(&nb_sts_model);
    form("Version=2011-06-15");
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_EAWS, "no Action");
    t_streq(call->err_code, "MissingAction", "MissingAction");
    nb_proto_query.encode_error(call, &resp);
    t_inteq(resp.status, 400, "MissingAction is 400");

    fresh(&nb_sts_model);
    set_req("POST", "application/json", "", "Action=GetCallerIdentity", 24);
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_EAWS,
            "a body that is not a form is not read");

    fresh(&nb_sts_model);
    form("Action=");
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_EAWS, "empty Action");
    t_streq(call->err_code, "MissingAction", "empty Action is missing");

    fresh(&nb_sts_model);
    form("Action=Get%ZZ");
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_EAWS, "bad escape");
    t_streq(call->err_code, "MalformedQueryString", "bad escape code");
    nb_proto_query.encode_error(call, &resp);
    t_inteq(resp.status, 404, "MalformedQueryString is 404 (AWS Common Errors)");

    fresh(&nb_sts_model);
    set_req("POST", NULL, "", "Action=GetCallerIdentity\0&x=1", 30);
    t_inteq(nb_proto_query.resolve(call, &nb_sts_model, &req, &op), NB_EAWS,
            "a NUL inside a value is kept, so the name does not match");
}

/* ---- decode --------------------------------------------------------- */

/* botocore QuerySerializer output for CreateThing (see file header). */
static const char create_body[] =
    "Action=CreateThing&Version=2020-01-01&Name=thing+one&State=ACTIVE&Config.Size=10"
    "&Config.Enabled=true&Config.Ratio=0.5&Config.Inner.Level=3"
    "&Config.Inner.Notes.member.1=a&Config.Inner.Notes.member.2=b&Tags.member.1.Key=k1"
    "&Tags.member.1.Value=v1&Tags.member.2.Key=k2&Tags.member.2.Value=v+2%26%3D"
    "&Attribute.1.Name=Color&Attribute.1.Value=red&Attribute.2.Name=Size&Attribute.2.Value=XL"
    "&Labels.entry.1.key=env&Labels.entry.1.value=prod&Alias.1=x&Alias.2=y&Secret=s3cr3t";

static void
test_decode_shapes(void)
{
    const nb_model *m = &nb_query_test_model;
    nb_value *in;
    fresh(m);
    form(create_body);
    t_inteq(decode(m, &in), NB_OK, "decode CreateThing");
    t_streq(nb_get_str(in, "Name"), "thing one", "'+' is a space");
    t_streq(nb_get_str(in, "State"), "ACTIVE", "enum string");
    const nb_value *cfg = nb_get(in, "Config");
    t_inteq(nb_get_int(cfg, "Size", -1), 10, "nested integer");
    t_inteq(nb_get_bool(cfg, "Enabled", -1), 1, "nested boolean");
    t_ok(nb_get_double(cfg, "Ratio", 0) == 0.5, "nested double");
    const nb_value *inner = nb_get(cfg, "Inner");
    t_inteq(nb_get_int(inner, "Level", -1), 3, "two levels down");
    const nb_value *notes = nb_get(inner, "Notes");
    t_ok(notes && notes->type == NB_V_LIST && notes->u.c.n == 2, "list of strings");
    t_streq(item(notes, 1) ? item(notes, 1)->u.s.p : NULL, "b", "list item 2");
    const nb_value *tags = nb_get(in, "Tags");
    t_inteq(tags ? tags->u.c.n : 0, 2, "list of structures");
    t_streq(nb_get_str(item(tags, 1), "Value"), "v 2&=", "escapes in a nested value");
    const nb_value *attrs = nb_get(in, "Attributes");
    t_ok(attrs && attrs->type == NB_V_MAP && attrs->u.c.n == 2, "flattened map (locationName)");
    t_streq(nb_get_str(attrs, "Size"), "XL", "flattened map value");
    t_streq(nb_get_str(nb_get(in, "Labels"), "env"), "prod", "map with entry/key/value");
    const nb_value *al = nb_get(in, "Aliases");
    t_ok(al && al->u.c.n == 2 && strcmp(item(al, 0)->u.s.p, "x") == 0,
         "flattened list under its locationName");
    t_streq(nb_get_str(in, "Secret"), "s3cr3t", "string");
    t_inteq(nb_model_validate(call, m, call->op->input, in), NB_OK, "valid");
}

static void
test_decode_scalars(void)
{
    const nb_model *m = &nb_query_test_model;
    nb_value *in;
    fresh(m);
    form("Action=Echo&Version=2020-01-01&Str=h%C3%A9llo%2B%2F&Int=-42&Long=9007199254740993"
         "&Float=1.5&Double=-0.25&Bool=false&Blob=AAFoaQ%3D%3D"
         "&Time=2011-07-15T23%3A28%3A33.359000Z&EpochTime=1577836800"
         "&HttpTime=Wed%2C+01+Jan+2020+00%3A00%3A00+GMT&List=");
    t_inteq(decode(m, &in), NB_OK, "decode Echo");
    t_streq(nb_get_str(in, "Str"), "h\xC3\xA9llo+/", "UTF-8 and escaped '+'");
    t_inteq(nb_get_int(in, "Int", 0), -42, "negative integer");
    t_inteq(nb_get_int(in, "Long", 0), 9007199254740993LL, "long past 2^53");
    t_ok(nb_get_double(in, "Float", 0) == 1.5, "float");
    t_ok(nb_get_double(in, "Double", 0) == -0.25, "double");
    t_inteq(nb_get_bool(in, "Bool", -1), 0, "false");
    const nb_value *blob = nb_get(in, "Blob");
    t_ok(blob && blob->type == NB_V_BLOB && blob->u.s.len == 4 &&
             memcmp(blob->u.s.p, "\0\1hi", 4) == 0,
         "base64 blob");
    const nb_value *tm = nb_get(in, "Time");
    t_ok(tm && tm->type == NB_V_TIME && tm->u.d > 1310772513.358 && tm->u.d < 1310772513.360,
         "ISO 8601 timestamp with fraction");
    t_ok(nb_get_double(in, "EpochTime", 0) == 1577836800.0, "unixTimestamp member");
    t_ok(nb_get_double(in, "HttpTime", 0) == 1577836800.0, "rfc822 member");
    const nb_value *l = nb_get(in, "List");
    t_ok(l && l->type == NB_V_LIST && l->u.c.n == 0, "'List=' is an empty list");
    t_ok(!nb_get(in, "Map"), "absent stays absent");

    fresh(m);
    form("Action=DescribeThings&Version=2020-01-01&Names.Name.1=a&Names.Name.2=b&MaxResults=5");
    t_inteq(decode(m, &in), NB_OK, "decode DescribeThings");
    const nb_value *names = nb_get(in, "Names");
    t_ok(names && names->u.c.n == 2 && strcmp(item(names, 1)->u.s.p, "b") == 0,
         "list items under the item's locationName");
    t_inteq(nb_get_int(in, "MaxResults", 0), 5, "integer");

    fresh(m);
    form("Action=Ping");
    t_inteq(decode(m, &in), NB_OK, "operation without input");
    t_ok(in && in->type == NB_V_STRUCT && in->u.c.n == 0, "empty struct");
}

static void
test_decode_order(void)
{
    const nb_model *m = &nb_query_test_model;
    nb_value *in;
    fresh(m);
    form("Action=Echo&List.member.10=j&List.member.2=b&List.member.1=a&List.member.9=i"
         "&Str=first&Str=second&Bogus=1&Str.Sub=2&List.member.x=no&List.member.01=no"
         "&List.member.99999999999=no&Map.entry.1.key=k&Nested.Inner.Notes.member.1=deep");
    t_inteq(decode(m, &in), NB_OK, "decode out of order");
    const nb_value *l = nb_get(in, "List");
    t_inteq(l ? l->u.c.n : 0, 4, "only valid indexes count");
    t_ok(l && strcmp(item(l, 0)->u.s.p, "a") == 0 && strcmp(item(l, 1)->u.s.p, "b") == 0 &&
             strcmp(item(l, 2)->u.s.p, "i") == 0 && strcmp(item(l, 3)->u.s.p, "j") == 0,
         "items in index order, 10 after 9");
    t_streq(nb_get_str(in, "Str"), "first", "a repeated name: the first wins");
    t_ok(!nb_get(in, "Bogus"), "unknown parameters are ignored");
    const nb_value *map = nb_get(in, "Map");
    t_ok(map && map->u.c.n == 0, "an entry without value is skipped");
    const nb_value *notes = nb_get(nb_get(nb_get(in, "Nested"), "Inner"), "Notes");
    t_ok(notes && notes->u.c.n == 1, "three levels of structure");

    fresh(m);
    set_req("POST", NULL, "Str=from-query&Int=7", "Action=Echo&Str=from-body", 25);
    t_inteq(decode(m, &in), NB_OK, "body and query string");
    t_streq(nb_get_str(in, "Str"), "from-body", "the body wins");
    t_inteq(nb_get_int(in, "Int", 0), 7, "the query string adds");

    fresh(m);
    form("Action=CreateThing&Name=n&Alias=");
    t_inteq(decode(m, &in), NB_OK, "empty flattened list");
    t_ok(nb_get(in, "Aliases") && nb_get(in, "Aliases")->u.c.n == 0, "'Alias=' empty list");
}

static void
expect_bad(const char *body_text, const char *code, const char *msg, const char *name)
{
    nb_value *in;
    fresh(&nb_query_test_model);
    form(body_text);
    t_inteq(decode(&nb_query_test_model, &in), NB_EAWS, name);
    t_streq(call->err_code, code, name);
    if (msg)
        t_streq(call->err_msg, msg, name);
}

static void
test_decode_errors(void)
{
    expect_bad("Action=CreateThing&Name=n&Config.Size=abc", "ValidationException",
               "1 validation error detected: Value 'abc' at 'config.size' failed to satisfy "
               "constraint: Member must be an integer",
               "integer that is not");
    expect_bad("Action=Echo&Int=2147483648", "ValidationException", NULL, "int32 overflow");
    expect_bad("Action=Echo&Long=9223372036854775808", "ValidationException", NULL,
               "int64 overflow");
    expect_bad("Action=Echo&Int=+", "ValidationException", NULL, "sign alone");
    expect_bad("Action=Echo&Int=", "ValidationException", NULL, "empty integer");
    expect_bad("Action=Echo&Int=1%00", "ValidationException", NULL, "NUL in a number");
    expect_bad("Action=Echo&Double=0x10", "ValidationException", NULL, "hex float");
    expect_bad("Action=Echo&Double=inf", "ValidationException", NULL, "'inf'");
    expect_bad("Action=Echo&Double=1e999", "ValidationException", NULL, "double overflow");
    expect_bad("Action=Echo&Bool=yes", "ValidationException",
               "1 validation error detected: Value 'yes' at 'bool' failed to satisfy "
               "constraint: Member must be a boolean",
               "boolean that is not");
    expect_bad("Action=Echo&Blob=abc", "ValidationException", NULL, "base64 length");
    expect_bad("Action=Echo&Blob=a%2Ab%3D", "ValidationException", NULL, "base64 alphabet");
    expect_bad("Action=Echo&Time=yesterday", "ValidationException", NULL, "timestamp");
    expect_bad("Action=Echo&Str=%E", "MalformedQueryString", NULL, "short escape");
    expect_bad("Action=Echo&St%r=1", "MalformedQueryString", NULL, "bad escape in a name");
    expect_bad("Action=CreateThing&Tags.member.1.Key=%", "MalformedQueryString", NULL,
               "lone percent");

    /* NaN and the infinities are what botocore writes for them. */
    nb_value *in;
    fresh(&nb_query_test_model);
    form("Action=Echo&Double=-Infinity&Float=NaN");
    t_inteq(decode(&nb_query_test_model, &in), NB_OK, "botocore's non-finite spellings");
    t_ok(nb_get_double(in, "Double", 0) < -1e308, "-Infinity");
}

static void
test_decode_limits(void)
{
    nb_value *in;
    /* One parameter over NB_LIST_MAX. */
    size_t n = NB_LIST_MAX + 1;
    char *big = nb_malloc(n * 24 + 32);
    size_t len = (size_t)snprintf(big, 32, "Action=Echo");
    for (size_t i = 1; i < n; i++) {
        memcpy(big + len, "&x=1", 4);
        len += 4;
    }
    big[len] = '\0';
    fresh(&nb_query_test_model);
    set_req("POST", NULL, "", big, len);
    t_inteq(decode(&nb_query_test_model, &in), NB_EAWS, "too many parameters");
    t_streq(call->err_code, "InvalidQueryParameter", "too many parameters: code");

    /* Exactly NB_LIST_MAX is fine: 99999 list items and Action. */
    len = (size_t)snprintf(big, 32, "Action=Echo");
    for (size_t i = 1; i < NB_LIST_MAX; i++)
        len += (size_t)snprintf(big + len, 32, "&List.member.%zu=v", (size_t)NB_LIST_MAX - i);
    fresh(&nb_query_test_model);
    set_req("POST", NULL, "", big, len);
    t_inteq(decode(&nb_query_test_model, &in), NB_OK, "NB_LIST_MAX parameters");
    t_inteq(nb_get_len(in, "List"), NB_LIST_MAX - 1, "every item, sorted");
    nb_free(big);

    /* Deep names. */
    char deep[4096];
    len = (size_t)snprintf(deep, sizeof(deep), "Action=Echo&Nested");
    for (int i = 0; i < 3 * NB_DEPTH_MAX; i++)
        len += (size_t)snprintf(deep + len, sizeof(deep) - len, ".Inner");
    snprintf(deep + len, sizeof(deep) - len, "=1");
    expect_bad(deep, "InvalidQueryParameter", NULL, "too deep a name");
}

/* A whole STS AssumeRole body as botocore writes it (fuzz/corpus/query/
 * assume_role), decoded and validated against the real model. */
static void
test_decode_sts(void)
{
    static const char sts_body[] =
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole"
        "%2Fdemo&RoleSessionName=s1&DurationSeconds=3600&Tags.member.1.Key=Project"
        "&Tags.member.1.Value=nimbus&Tags.member.2.Key=Team&Tags.member.2.Value=a+b%26c"
        "&TransitiveTagKeys.member.1=Project&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws"
        "%3Apolicy%2FReadOnlyAccess&Policy=%7B%22Version%22%3A%222012-10-17%22%7D&ExternalId=ext"
        "&ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider"
        "%2FIdentityCenter&ProvidedContexts.member.1.ContextAssertion=xxxx";
    nb_value *in;
    fresh(&nb_sts_model);
    form(sts_body);
    t_inteq(decode(&nb_sts_model, &in), NB_OK, "decode STS AssumeRole");
    t_streq(nb_get_str(in, "RoleArn"), "arn:aws:iam::123456789012:role/demo", "RoleArn");
    t_inteq(nb_get_int(in, "DurationSeconds", 0), 3600, "DurationSeconds");
    t_streq(nb_get_str(item(nb_get(in, "Tags"), 1), "Value"), "a b&c", "Tags.member.2.Value");
    t_streq(nb_get_str(item(nb_get(in, "PolicyArns"), 0), "arn"),
            "arn:aws:iam::aws:policy/ReadOnlyAccess", "lower-case member name");
    t_streq(nb_get_str(in, "Policy"), "{\"Version\":\"2012-10-17\"}", "JSON in a string");
    t_inteq(nb_get_len(in, "TransitiveTagKeys"), 1, "list of strings");
    t_inteq(nb_model_validate(call, &nb_sts_model, call->op->input, in), NB_OK,
            "the real model accepts it");
    if (call->err_msg)
        printf("# %s\n", call->err_msg);
}

/* http_view.c and url.c. */
static void
test_http_view(void)
{
    char d[32];
    t_inteq(nb_url_decode(d, "a%20b+c%2B%2f", 13, 1), 7, "decode length");
    t_streq(d, "a b c+/", "form decoding");
    nb_url_decode(d, "a+b", 3, 0);
    t_streq(d, "a+b", "'+' kept outside forms");
    t_inteq(nb_url_decode(d, "%4", 2, 1), -1, "short escape");
    t_inteq(nb_url_decode(d, "%g0", 3, 1), -1, "non-hex escape");
    t_inteq(nb_url_decode(d, "%", 1, 1), -1, "lone percent");
    t_inteq(nb_url_decode(d, "%00x", 4, 1), 2, "NUL decodes");
    t_inteq(nb_url_decode(d, "", 0, 1), 0, "empty");

    fresh(&nb_sts_model);
    set_req("GET", NULL, "a=1&Action=Get%43allerIdentity&b&%41ction=2&c=%ZZ", "", 0);
    t_streq(nb_http_header(&req, "content-type"),
            "application/x-www-form-urlencoded; charset=utf-8", "header by name");
    t_ok(nb_http_header(&req, "x-missing") == NULL, "absent header");
    t_streq(nb_http_query_param(call->arena, &req, "Action"), "GetCallerIdentity",
            "query parameter, decoded, first one");
    t_streq(nb_http_query_param(call->arena, &req, "b"), "", "parameter without '='");
    t_ok(nb_http_query_param(call->arena, &req, "c") == NULL, "bad escape: none");
    t_ok(nb_http_query_param(call->arena, &req, "z") == NULL, "absent parameter");
    req.query = NULL;
    t_ok(nb_http_query_param(call->arena, &req, "a") == NULL, "no query string");

    t_inteq(nb_resp_header(call->arena, &resp, "X-A", "1"), NB_OK, "response header");
    t_streq(resp.headers[0].value, "1", "header value copied");
    for (int i = 1; i < NB_RESP_HEADERS_MAX; i++)
        nb_resp_header(call->arena, &resp, "X-B", "2");
    t_inteq(nb_resp_header(call->arena, &resp, "X-C", "3"), NB_ENOMEM, "header table bound");
    nb_buf_free(&resp.body);
    memset(&resp.body, 0, sizeof(resp.body));
    t_inteq(nb_resp_text(&resp, 418, "text/plain", "tea", 3), NB_OK, "text response");
    t_ok(resp.status == 418 && strcmp(resp.content_type, "text/plain") == 0 &&
             strcmp(body(), "tea") == 0,
         "status, type and body");
}

/* ---- encode --------------------------------------------------------- */

static void
test_encode(void)
{
    /* AWS: STS API Reference, GetCallerIdentity example response (without
     * the whitespace between elements). */
    fresh(&nb_sts_model);
    call->op = nb_model_op(&nb_sts_model, "GetCallerIdentity", 17);
    nb_value *out = nb_value_struct(call->arena);
    nb_set_str(out, "UserId", "AIDACKCEVSQ6C2EXAMPLE");
    nb_set_str(out, "Account", "123456789012");
    nb_set_str(out, "Arn", "arn:aws:iam::123456789012:user/Alice");
    t_inteq(nb_proto_query.encode(call, out, &resp), NB_OK, "encode GetCallerIdentity");
    t_inteq(resp.status, 200, "200");
    t_streq(resp.content_type, "text/xml", "text/xml");
    t_streq(header("x-amzn-RequestId"), RID, "request id header");
    t_streq(body(),
            "<GetCallerIdentityResponse xmlns=\"" STS_NS "\"><GetCallerIdentityResult>"
            "<UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>"
            "<Arn>arn:aws:iam::123456789012:user/Alice</Arn></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>" RID "</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>",
            "GetCallerIdentity reply");

    /* AWS: botocore's STS examples-1.json, AssumeRole. Members in the
     * model's order whatever order the handler set them in. */
    fresh(&nb_sts_model);
    call->op = nb_model_op(&nb_sts_model, "AssumeRole", 10);
    out = nb_value_struct(call->arena);
    nb_set_int(out, "PackedPolicySize", 8);
    nb_value *cr = nb_set_struct(out, "Credentials");
    nb_set_str(cr, "SessionToken", "AQoDYXdzEPT//////////wEXAMPLEtc764");
    nb_set_str(cr, "AccessKeyId", "AKIAIOSFODNN7EXAMPLE");
    nb_set_str(cr, "SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    nb_set_time(cr, "Expiration", 1310772513.359);
    nb_value *u = nb_set_struct(out, "AssumedRoleUser");
    nb_set_str(u, "Arn", "arn:aws:sts::123456789012:assumed-role/demo/Bob");
    nb_set_str(u, "AssumedRoleId", "ARO123EXAMPLE123:Bob");
    nb_proto_query.encode(call, out, &resp);
    t_streq(body(),
            "<AssumeRoleResponse xmlns=\"" STS_NS "\"><AssumeRoleResult><Credentials>"
            "<AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>"
            "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>"
            "<SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>"
            "<Expiration>2011-07-15T23:28:33.359Z</Expiration></Credentials>"
            "<AssumedRoleUser><AssumedRoleId>ARO123EXAMPLE123:Bob</AssumedRoleId>"
            "<Arn>arn:aws:sts::123456789012:assumed-role/demo/Bob</Arn></AssumedRoleUser>"
            "<PackedPolicySize>8</PackedPolicySize></AssumeRoleResult>"
            "<ResponseMetadata><RequestId>" RID "</RequestId></ResponseMetadata>"
            "</AssumeRoleResponse>",
            "AssumeRole reply: nested structures, timestamp with ms");
}

static void
test_encode_shapes(void)
{
    const nb_model *m = &nb_query_test_model;
    fresh(m);
    call->op = nb_model_op(m, "Echo", 4);
    nb_value *out = nb_value_struct(call->arena);
    nb_set_str(out, "Str", "a<b>&\"c\"\r");
    nb_set_int(out, "Int", -7);
    nb_set_int(out, "Long", 9007199254740993LL);
    nb_set_double(out, "Float", 1.5);
    nb_set_double(out, "Double", 100);
    nb_set_bool(out, "Bool", 1);
    nb_set_blob(out, "Blob", "\0\1hi", 4);
    nb_set_time(out, "Time", 0);
    nb_set_time(out, "EpochTime", 1577836800.5);
    nb_set_time(out, "HttpTime", 1577836800);
    nb_value *l = nb_set_list(out, "List");
    nb_list_add_str(l, "x");
    nb_list_add_str(l, "y");
    nb_value *mp = nb_set_map(out, "Map");
    nb_set_str(mp, "k&", "v");
    nb_set_str(nb_set_struct(out, "Nested"), "Unknown", "dropped"); /* not in the model */
    nb_set_str(out, "NotAMember", "dropped");
    t_inteq(nb_proto_query.encode(call, out, &resp), NB_OK, "encode Echo");
    t_streq(body(),
            "<EchoResponse xmlns=\"" QT_NS "\"><EchoResult>"
            "<Str>a&lt;b&gt;&amp;\"c\"&#13;</Str><Int>-7</Int><Long>9007199254740993</Long>"
            "<Float>1.5</Float><Double>100.0</Double><Bool>true</Bool><Blob>AAFoaQ==</Blob>"
            "<Time>1970-01-01T00:00:00.000Z</Time><EpochTime>1577836800.5</EpochTime>"
            "<HttpTime>Wed, 01 Jan 2020 00:00:00 GMT</HttpTime>"
            "<List><member>x</member><member>y</member></List>"
            "<Map><entry><key>k&amp;</key><value>v</value></entry></Map><Nested></Nested>"
            "</EchoResult><ResponseMetadata><RequestId>" RID "</RequestId></ResponseMetadata>"
            "</EchoResponse>",
            "every scalar type, list, map, escaping");

    fresh(m);
    call->op = nb_model_op(m, "DescribeThings", 14);
    out = nb_value_struct(call->arena);
    nb_value *things = nb_set_list(out, "Things");
    for (int i = 1; i <= 2; i++) {
        nb_value *t = nb_list_add_struct(things);
        nb_set_str(t, "Name", i == 1 ? "one" : "two");
        nb_value *tags = nb_set_list(t, "Tags");
        nb_value *tag = nb_list_add_struct(tags);
        nb_set_str(tag, "Key", "k");
        nb_set_str(tag, "Value", "v");
    }
    nb_set_str(out, "NextToken", "tok");
    nb_proto_query.encode(call, out, &resp);
    t_streq(body(),
            "<DescribeThingsResponse xmlns=\"" QT_NS "\"><DescribeThingsResult>"
            "<Thing><Name>one</Name><Tags><member><Key>k</Key><Value>v</Value></member></Tags>"
            "</Thing><Thing><Name>two</Name><Tags><member><Key>k</Key><Value>v</Value></member>"
            "</Tags></Thing><NextToken>tok</NextToken></DescribeThingsResult>"
            "<ResponseMetadata><RequestId>" RID "</RequestId></ResponseMetadata>"
            "</DescribeThingsResponse>",
            "flattened list of structures holding a plain list");

    fresh(m);
    call->op = nb_model_op(m, "Ping", 4);
    nb_proto_query.encode(call, NULL, &resp);
    t_streq(body(),
            "<PingResponse xmlns=\"" QT_NS "\"><ResponseMetadata><RequestId>" RID
            "</RequestId></ResponseMetadata></PingResponse>",
            "no output: no Result element");

    fresh(m);
    call->op = nb_model_op(m, "CreateThing", 11);
    nb_proto_query.encode(call, NULL, &resp);
    t_streq(body(),
            "<CreateThingResponse xmlns=\"" QT_NS "\"><CreateThingResult></CreateThingResult>"
            "<ResponseMetadata><RequestId>" RID "</RequestId></ResponseMetadata>"
            "</CreateThingResponse>",
            "an empty result keeps its wrapper");
}

static void
expect_error(const char *code, int status, const char *want_code, const char *type,
             const char *name)
{
    int st, sender;
    const char *c;
    fresh(&nb_query_test_model);
    if (status)
        nb_fail_status(call, status, code, "boom <%d>", 1);
    else if (code)
        nb_fail(call, code, "boom <%d>", 1);
    nb_proto_error_info(call, &st, &c, &sender);
    nb_proto_query.encode_error(call, &resp);
    char *want = nb_arena_printf(call->arena,
                                 "<ErrorResponse xmlns=\"" QT_NS "\"><Error><Type>%s</Type>"
                                 "<Code>%s</Code>%s</Error><RequestId>" RID "</RequestId>"
                                 "</ErrorResponse>",
                                 type, want_code, code ? "<Message>boom &lt;1&gt;</Message>" : "");
    t_streq(body(), want, name);
}

static void
test_errors(void)
{
    expect_error("ThingAlreadyExistsException", 0, "QueryTest.ThingAlreadyExists", "Sender",
                 "modeled error: its code");
    t_inteq(resp.status, 409, "modeled status");
    expect_error("QueryTest.ThingAlreadyExists", 0, "QueryTest.ThingAlreadyExists", "Sender",
                 "raised by its code");
    t_inteq(resp.status, 409, "same status");
    expect_error("NoSuchThingException", 0, "NoSuchThingException", "Sender",
                 "no error code in the model: the shape name");
    t_inteq(resp.status, 400, "no status in the model: 400");
    expect_error("InternalFailure", 0, "InternalFailure", "Receiver", "modeled server fault");
    t_inteq(resp.status, 500, "500");
    expect_error("ServiceUnavailable", 0, "ServiceUnavailable", "Receiver",
                 "unmodeled server code");
    t_inteq(resp.status, 503, "503");
    expect_error("Throttling", 0, "Throttling", "Sender", "unmodeled client code");
    t_inteq(resp.status, 400, "400");
    expect_error("NoSuchThingException", 404, "NoSuchThingException", "Sender", "explicit status");
    t_inteq(resp.status, 404, "explicit status wins");
    expect_error(NULL, 0, "InternalFailure", "Receiver", "no code at all");
    t_inteq(resp.status, 500, "no code: 500");

    /* Extra members of a modeled error go inside <Error>. */
    fresh(&nb_query_test_model);
    nb_fail(call, "InvalidInputException", "bad");
    call->err_fields = nb_value_struct(call->arena);
    nb_set_str(call->err_fields, "message", "bad");
    nb_set_str(call->err_fields, "Detail", "x");
    nb_proto_query.encode_error(call, &resp);
    t_streq(body(),
            "<ErrorResponse xmlns=\"" QT_NS "\"><Error><Type>Sender</Type><Code>InvalidInput"
            "</Code><Message>bad</Message><Detail>x</Detail></Error><RequestId>" RID
            "</RequestId></ErrorResponse>",
            "error fields");

    t_ok(nb_proto_for(&nb_query_test_model) == &nb_proto_query, "codec for query");
    t_ok(nb_proto_for(NULL) == NULL, "no model, no codec");
    nb_model ec2 = nb_query_test_model;
    ec2.protocol = NB_P_EC2;
    t_ok(nb_proto_for(&ec2) == NULL, "ec2 is not served");
}

/* Out of memory in the reply: a bounded body fails cleanly. */
static void
test_encode_bound(void)
{
    fresh(&nb_sts_model);
    call->op = nb_model_op(&nb_sts_model, "GetCallerIdentity", 17);
    nb_value *out = nb_value_struct(call->arena);
    nb_set_str(out, "Arn", "arn:aws:iam::123456789012:user/Alice");
    resp.body.max = 64;
    t_inteq(nb_proto_query.encode(call, out, &resp), NB_ENOMEM, "reply over its bound");
}

int
main(void)
{
    test_resolve();
    test_decode_shapes();
    test_decode_scalars();
    test_decode_order();
    test_decode_errors();
    test_decode_limits();
    test_decode_sts();
    test_http_view();
    test_encode();
    test_encode_shapes();
    test_errors();
    test_encode_bound();
    fake_call_free(call);
    nb_buf_free(&resp.body);
    return t_done();
}
