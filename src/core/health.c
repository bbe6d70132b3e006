/*
 * health.c: the endpoints that are not AWS APIs: health in nimbus's own
 * form and in LocalStack's (so tools written for LocalStack, such as
 * cdklocal, testcontainers and `localstack wait`-style scripts, keep
 * working), and reset, which empties state without a restart.
 *
 * LocalStack's health answer is {"services": {"<name>": "running", ...},
 * "edition": ..., "version": ...}; "running" means a service is up.
 */
#include <string.h>

#include "arena.h"
#include "call.h"
#include "config.h"
#include "loop.h"
#include "router.h"
#include "service.h"
#include "store/store.h"

#ifndef NB_VERSION
#define NB_VERSION "0.1.0"
#endif

static double started_at;

static int
services_json(nb_buf *b)
{
    int rc = nb_buf_adds(b, "{");
    for (size_t i = 0; nb_services[i] && !rc; i++)
        rc = nb_buf_addf(b, "%s\"%s\":\"running\"", i ? "," : "", nb_services[i]->name);
    return rc ? rc : nb_buf_adds(b, "}");
}

static int
json_resp(nb_http_resp *resp, int status)
{
    resp->status = status;
    resp->content_type = "application/json";
    return NB_OK;
}

static int
health_localstack(nb_call *call, const nb_http_req *req, nb_http_resp *resp)
{
    nb_buf *b = &resp->body;
    int rc = nb_buf_adds(b, "{\"services\":");
    if (!rc)
        rc = services_json(b);
    if (!rc)
        rc = nb_buf_adds(b, ",\"edition\":\"community\",\"version\":\"" NB_VERSION "\"}");
    return rc ? rc : json_resp(resp, 200);
}

static int
health_nimbus(nb_call *call, const nb_http_req *req, nb_http_resp *resp)
{
    if (started_at == 0)
        started_at = call->now;
    nb_buf *b = &resp->body;
    int rc = nb_buf_addf(b,
                         "{\"status\":\"ok\",\"version\":\"" NB_VERSION "\","
                         "\"persistent\":%s,\"services\":",
                         nb_cfg.data_dir ? "true" : "false");
    if (!rc)
        rc = services_json(b);
    if (!rc)
        rc = nb_buf_adds(b, "}");
    return rc ? rc : json_resp(resp, 200);
}

static int
reset(nb_call *call, const nb_http_req *req, nb_http_resp *resp)
{
    const char *want = nb_http_query_param(call->arena, req, "service");
    int rc = NB_OK, found = 0;
    nb_buf *b = &resp->body;
    nb_buf_adds(b, "{\"reset\":[");
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service *s = nb_services[i];
        if (want && strcmp(want, s->name) != 0)
            continue;
        if (s->table_prefix)
            rc = nb_store_reset(s->table_prefix);
        if (rc)
            return rc;
        nb_buf_addf(b, "%s\"%s\"", found ? "," : "", s->name);
        found++;
    }
    if (want && !found) {
        nb_buf_reset(b);
        nb_buf_addf(b, "{\"error\":\"unknown service\"}");
        return json_resp(resp, 404);
    }
    if (!want)
        rc = nb_store_reset("nb_access_keys");
    nb_buf_adds(b, "]}");
    return rc ? rc : json_resp(resp, 200);
}

const nb_raw_route nb_core_routes[] = {
    {"GET", "/_nimbus/health", health_nimbus},
    {"HEAD", "/_nimbus/health", health_nimbus},
    {"GET", "/_localstack/health", health_localstack},
    {"HEAD", "/_localstack/health", health_localstack},
    {"POST", "/_nimbus/reset", reset},
    {"POST", "/_localstack/state/reset", reset},
    {NULL, NULL, NULL},
};
