/*
 * test_router.c: which service, model, operation, account and region a
 * request is given, for the request forms real clients send: the SigV4
 * credential scope, the Host forms of LocalStack-style endpoints, a bare
 * form-encoded Action, raw routes, and requests no service claims.
 */
#include <string.h>

#include "core/call.h"
#include "core/model.h"
#include "core/router.h"
#include "core/service.h"
#include "store/store.h"
#include "t.h"

static nb_header hdrs[8];

static nb_http_req
form_req(const char *host, const char *auth, const char *body)
{
    size_t n = 0;
    hdrs[n++] = (nb_header){"host", host};
    hdrs[n++] = (nb_header){"content-type", "application/x-www-form-urlencoded; charset=utf-8"};
    if (auth)
        hdrs[n++] = (nb_header){"authorization", auth};
    return (nb_http_req){.method = "POST",
                         .url = "/",
                         .query = "",
                         .host = host,
                         .headers = hdrs,
                         .nheaders = n,
                         .body = body,
                         .body_len = strlen(body),
                         .local_port = 4566};
}

#define SCOPE(key, region, svc)                                                                    \
    "AWS4-HMAC-SHA256 Credential=" key "/20240101/" region "/" svc "/aws4_request, "               \
    "SignedHeaders=host;x-amz-date, Signature=00"

static const char gci[] = "Action=GetCallerIdentity&Version=2011-06-15";

static int
route(nb_call **out, nb_http_req *req, nb_raw_fn *raw)
{
    nb_call *call = nb_call_new(NULL, NULL);
    call->http = req;
    *out = call;
    return nb_route(call, req, raw);
}

static void
test_scope(void)
{
    nb_http_req req = form_req("127.0.0.1:4566", SCOPE("test", "eu-west-2", "sts"), gci);
    nb_call *call;
    nb_raw_fn raw;
    t_inteq(route(&call, &req, &raw), NB_OK, "scope: routed");
    t_ok(!raw, "scope: not a raw route");
    t_streq(call->svc ? call->svc->name : NULL, "sts", "scope: service from the signing name");
    t_streq(call->op ? call->op->name : NULL, "GetCallerIdentity", "scope: operation from Action");
    t_streq(call->region, "eu-west-2", "scope: region from the credential scope");
    t_streq(call->account, "000000000000", "scope: key 'test' is the default account");
    t_streq(call->access_key, "test", "scope: access key kept");
    nb_call_free(call);
}

static void
test_account_key(void)
{
    nb_http_req req = form_req("localhost:4566", SCOPE("111122223333", "us-east-1", "sts"), gci);
    nb_call *call;
    nb_raw_fn raw;
    t_inteq(route(&call, &req, &raw), NB_OK, "12-digit key: routed");
    t_streq(call->account, "111122223333", "12-digit key: that is the account");
    nb_call_free(call);
}

static void
test_host_forms(void)
{
    static const struct {
        const char *host;   /* Host header */
        const char *region; /* region it names */
    } cases[] = {
        {"sts.us-west-2.localhost.localstack.cloud:4566", "us-west-2"},
        {"sts.localhost.localstack.cloud:4566", "us-east-1"},
        {"sts.ap-south-1.amazonaws.com", "ap-south-1"},
        {"sts.localhost:4566", "us-east-1"},
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(cases); i++) {
        nb_http_req req = form_req(cases[i].host, NULL, gci);
        nb_call *call;
        nb_raw_fn raw;
        int rc = route(&call, &req, &raw);
        t_ok(rc == NB_OK && call->svc && strcmp(call->svc->name, "sts") == 0, cases[i].host);
        t_streq(call->region, cases[i].region, "host: region");
        nb_call_free(call);
    }
}

/* Bucket and API hosts: the region is the region-shaped label, never the
 * service label before it. */
static void
test_host_regions(void)
{
    static const struct {
        const char *host;   /* Host header */
        const char *region; /* region it names */
    } cases[] = {
        {"mybucket.s3.us-west-2.localhost.localstack.cloud:4566", "us-west-2"},
        {"mybucket.s3.localhost.localstack.cloud:4566", "us-east-1"},
        {"abc123.execute-api.eu-central-1.localhost.localstack.cloud", "eu-central-1"},
        {"my.dotted.bucket.s3.ap-northeast-2.amazonaws.com", "ap-northeast-2"},
    };
    for (size_t i = 0; i < NB_ARRAY_LEN(cases); i++) {
        nb_http_req req = form_req(cases[i].host, NULL, gci);
        nb_call *call;
        nb_raw_fn raw;
        route(&call, &req, &raw);
        t_streq(call->region, cases[i].region, cases[i].host);
        nb_call_free(call);
    }
}

static void
test_bare_action(void)
{
    /* AssumeRoleWithWebIdentity comes unsigned: only the Action names it */
    nb_http_req req =
        form_req("127.0.0.1:4566", NULL, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15");
    nb_call *call;
    nb_raw_fn raw;
    t_inteq(route(&call, &req, &raw), NB_OK, "bare Action: routed");
    t_streq(call->op ? call->op->name : NULL, "AssumeRoleWithWebIdentity",
            "bare Action: the query-protocol model that has it");
    nb_call_free(call);
}

static void
test_raw_routes(void)
{
    nb_http_req req = form_req("127.0.0.1:4566", NULL, "");
    req.method = "GET";
    req.url = "/_localstack/health";
    nb_call *call;
    nb_raw_fn raw = NULL;
    t_inteq(route(&call, &req, &raw), NB_OK, "health: routed");
    t_ok(raw != NULL, "health: a raw route");
    nb_call_free(call);

    req.url = "/_nimbus/nothing-here";
    raw = NULL;
    t_inteq(route(&call, &req, &raw), NB_OK, "unknown internal path: routed");
    t_ok(raw != NULL && !call->svc, "unknown internal path: raw (404), never an AWS call");
    nb_call_free(call);
}

static void
test_unknown(void)
{
    nb_http_req req =
        form_req("127.0.0.1:4566", SCOPE("test", "us-east-1", "nosuchsvc"), "Action=NoSuchThing");
    nb_call *call;
    nb_raw_fn raw;
    int rc = route(&call, &req, &raw);
    int has_fallback = 0;
    for (size_t i = 0; nb_services[i]; i++)
        has_fallback |= nb_services[i]->fallback;
    if (has_fallback) {
        t_ok(rc == NB_OK || rc == NB_EAWS, "unclaimed request: goes to the fallback service");
    } else {
        t_inteq(rc, NB_EAWS, "unclaimed request: an AWS error");
        t_streq(call->err_code, "UnknownService", "unclaimed request: UnknownService");
    }
    nb_call_free(call);

    req = form_req("127.0.0.1:4566", SCOPE("test", "us-east-1", "sts"), "Action=NoSuchThing");
    rc = route(&call, &req, &raw);
    t_inteq(rc, NB_EAWS, "unknown Action of a known service: an AWS error");
    t_streq(call->err_code, "InvalidAction", "unknown Action: InvalidAction");
    nb_call_free(call);
}

int
main(void)
{
    if (nb_store_open(NULL) != NB_OK)
        return 1;
    test_scope();
    test_account_key();
    test_host_forms();
    test_host_regions();
    test_bare_action();
    test_raw_routes();
    test_unknown();
    nb_store_close();
    return t_done();
}
