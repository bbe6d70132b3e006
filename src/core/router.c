/*
 * router.c: request -> service, protocol, operation, account and region.
 *
 * The order follows how AWS front ends and the SDKs address services:
 *  1. raw routes (health, reset) by exact path;
 *  2. X-Amz-Target names the JSON service by its target prefix
 *     (DynamoDB_20120810, DynamoDBStreams_20120810, AmazonSQS, ...);
 *  3. the SigV4 credential scope names the signing service (sts, sqs,
 *     s3, ...); several services may share one (dynamodb and its streams),
 *     so the scope only narrows the choice;
 *  4. the Host: <svc>.<region>.localhost.localstack.cloud, <svc>.localhost,
 *     and the same under amazonaws.com;
 *  5. the Action parameter of form-encoded query requests;
 *  6. REST paths, matched against the models' URI templates;
 *  7. the fallback service (S3, as LocalStack does), if one is marked.
 * The region comes from the scope, else the host, else the default; the
 * account from the access key (creds.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "call.h"
#include "config.h"
#include "creds.h"
#include "model.h"
#include "proto.h"
#include "rest_route.h"
#include "router.h"
#include "service.h"
#include "sigv4.h"
#include "value.h"

typedef struct hint {
    nb_str target;    /* X-Amz-Target prefix (before the last '.') */
    nb_str scope_svc; /* signing name from the credential scope */
    nb_str host_svc;  /* service label from the Host */
    char region[32];  /* region from scope or host, or "" */
    int form;         /* form-encoded body or Action in the query */
} hint;

static int
is_form(const nb_http_req *req)
{
    const char *ct = nb_http_header(req, "content-type");
    return ct && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

static int
has_action(const nb_http_req *req)
{
    const char *q = req->query;
    return strncmp(q, "Action=", 7) == 0 || strstr(q, "&Action=") != NULL;
}

/* A region name: letters, '-', ending in a digit ("us-east-1"). */
static int
region_like(const char *p, size_t n)
{
    if (n < 4 || n >= 32 || !memchr(p, '-', n) || !isdigit((unsigned char)p[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)p[i]) && !isdigit((unsigned char)p[i]) && p[i] != '-')
            return 0;
    return 1;
}

/* Host forms: [<prefix>.]<svc>[.<region>] before .localhost.localstack.cloud,
 * .amazonaws.com or .localhost, with an optional :port. Read from the
 * right: a region-shaped last label is the region, and the label before
 * it is the service's endpoint prefix (<bucket>.s3.<region>...,
 * <api>.execute-api.<region>..., sqs.<region>..., sts...). */
static void
host_hint(const char *host, hint *h)
{
    static const char *const suffixes[] = {".localhost.localstack.cloud", ".amazonaws.com",
                                           ".localhost"};
    size_t hl = strcspn(host, ":");
    for (size_t i = 0; i < NB_ARRAY_LEN(suffixes); i++) {
        size_t sl = strlen(suffixes[i]);
        if (hl <= sl || strncmp(host + hl - sl, suffixes[i], sl) != 0)
            continue;
        size_t end = hl - sl; /* labels are host[0..end) */
        const char *last = host + end;
        while (last > host && last[-1] != '.')
            last--;
        if (region_like(last, (size_t)(host + end - last)) && last > host) {
            if (!h->region[0])
                snprintf(h->region, sizeof(h->region), "%.*s", (int)(host + end - last), last);
            end = (size_t)(last - 1 - host);
            last = host + end;
            while (last > host && last[-1] != '.')
                last--;
        }
        h->host_svc = (nb_str){last, (size_t)(host + end - last)};
        return;
    }
}

static const nb_model *
model_matching(const nb_service *s, int json_wanted)
{
    const nb_model *ms[2] = {s->model, s->alt_model};
    for (int i = 0; i < 2; i++)
        if (ms[i] && (ms[i]->protocol == NB_P_JSON) == json_wanted)
            return ms[i];
    return NULL;
}

static int
pick(nb_call *call, const nb_service *s, const nb_model *m)
{
    call->svc = s;
    call->model = m;
    call->proto = nb_proto_for(m);
    return call->proto ? NB_OK : NB_EINTERNAL;
}

static int
by_target(nb_call *call, const hint *h)
{
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service *s = nb_services[i];
        const nb_model *ms[2] = {s->model, s->alt_model};
        for (int j = 0; j < 2; j++)
            if (ms[j] && ms[j]->target_prefix && nb_str_eqc(h->target, ms[j]->target_prefix))
                return pick(call, s, ms[j]);
    }
    return NB_ENOTFOUND;
}

/* A service named by signing name or endpoint prefix, with the model that
 * fits the request's shape (JSON target, or form/query). */
static int
by_name(nb_call *call, nb_str name, const hint *h, const nb_http_req *req)
{
    if (!name.len)
        return NB_ENOTFOUND;
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service *s = nb_services[i];
        const nb_model *m = s->model;
        if (!nb_str_eqc(name, m->signing_name) && !nb_str_eqc(name, m->endpoint_prefix))
            continue;
        const nb_model *fit = model_matching(s, h->target.len > 0);
        if (!fit && !h->target.len && (h->form || has_action(req)))
            fit = model_matching(s, 0);
        return pick(call, s, fit ? fit : m);
    }
    return NB_ENOTFOUND;
}

/* Form requests: the query-protocol model that has the Action. */
static int
by_action(nb_call *call, const nb_http_req *req)
{
    const char *action = nb_http_query_param(call->arena, req, "Action");
    if (!action && is_form(req)) {
        nb_http_req body = *req; /* the form body parses like a query */
        body.query = req->body;
        action = nb_http_query_param(call->arena, &body, "Action");
    }
    if (!action)
        return NB_ENOTFOUND;
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service *s = nb_services[i];
        const nb_model *m = model_matching(s, 0);
        if (m && m->protocol == NB_P_QUERY && nb_model_op(m, action, strlen(action)))
            return pick(call, s, m);
    }
    return NB_ENOTFOUND;
}

static int
by_path(nb_call *call, const nb_http_req *req)
{
    const nb_service *best = NULL;
    int best_score = 0;
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_model *m = nb_services[i]->model;
        if (m->protocol != NB_P_REST_JSON && m->protocol != NB_P_REST_XML)
            continue;
        int sc = nb_rest_path_score(m, req->url, strlen(req->url));
        if (sc > best_score) {
            best_score = sc;
            best = nb_services[i];
        }
    }
    return best ? pick(call, best, best->model) : NB_ENOTFOUND;
}

static int
by_fallback(nb_call *call)
{
    for (size_t i = 0; nb_services[i]; i++)
        if (nb_services[i]->fallback)
            return pick(call, nb_services[i], nb_services[i]->model);
    return NB_ENOTFOUND;
}

static int
find_service(nb_call *call, const nb_http_req *req, hint *h)
{
    int rc = NB_ENOTFOUND;
    if (h->target.len)
        rc = by_target(call, h);
    if (rc == NB_ENOTFOUND)
        rc = by_name(call, h->scope_svc, h, req);
    if (rc == NB_ENOTFOUND)
        rc = by_name(call, h->host_svc, h, req);
    if (rc == NB_ENOTFOUND && (h->form || has_action(req)))
        rc = by_action(call, req);
    if (rc == NB_ENOTFOUND)
        rc = by_path(call, req);
    if (rc == NB_ENOTFOUND)
        rc = by_fallback(call);
    return rc;
}

static int
not_found(nb_call *call, const nb_http_req *req, nb_http_resp *resp)
{
    resp->status = 404;
    resp->content_type = "application/json";
    return nb_buf_adds(&resp->body, "{\"error\":\"not found\"}");
}

/* The core's own endpoints; any other path under their prefixes is a 404,
 * never an AWS call (LocalStack answers its unknown internal paths so). */
static nb_raw_fn
raw_route(const nb_http_req *req)
{
    for (const nb_raw_route *r = nb_core_routes; r->path; r++)
        if (strcmp(req->url, r->path) == 0 && (!r->method || strcmp(r->method, req->method) == 0))
            return r->fn;
    if (strncmp(req->url, "/_nimbus/", 9) == 0 || strncmp(req->url, "/_localstack/", 13) == 0)
        return not_found;
    return NULL;
}

static int
sig_style(const nb_call *call)
{
    if (call->svc->fallback) /* the object store signs paths as sent */
        return NB_SIGV4_STYLE_BUCKET;
    switch (call->model->protocol) {
    case NB_P_JSON:
        return NB_SIGV4_STYLE_JSON;
    case NB_P_REST_JSON:
        return NB_SIGV4_STYLE_REST_JSON;
    default:
        return NB_SIGV4_STYLE_QUERY;
    }
}

static int sig_fail(nb_call *call, const nb_sigv4_err *err);

/* The object-store path SigV2 signs (its CanonicalizedResource, without
 * the sub-resources): the bucket, then the path as sent. A service that
 * rewrote the request (the bucket of a virtual-hosted Host put in front
 * of the path) gives the bucket: its view's path ends with the path as
 * sent, or, for the path "/", is "/<bucket>", which SigV2 signs as
 * "/<bucket>/". AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
 * ("Constructing the CanonicalizedResource element"). */
static const char *
v2_resource(nb_call *call, const nb_http_req *req)
{
    const char *view = call->http ? call->http->url : req->url;
    size_t vl = strlen(view), rl = strlen(req->url);
    if (view == req->url || (vl >= rl && strcmp(view + vl - rl, req->url) == 0))
        return view;
    return nb_arena_printf(call->arena, "%s%s", view, req->url);
}

/* NIMBUS_VERIFY_SIGNATURES: every key's secret is "test" unless nimbus
 * issued it (then its own secret). A key nimbus issued and then
 * deactivated or revoked (IAM UpdateAccessKey, DeleteAccessKey) is
 * refused as AWS refuses a key it does not know. */
static int
verify(nb_call *call, const nb_http_req *req, const nb_sigv4_auth *auth)
{
    nb_sigv4_err err = {0};
    int style = sig_style(call);
    if (auth->kind == NB_SIGV4_NONE)
        nb_sigv4_reject(call->arena, style, NB_SIGV4_NO_AUTH, auth, &err);
    else {
        const char *secret = NB_DEFAULT_SECRET;
        nb_cred c;
        if (nb_creds_get(call, call->access_key, &c) == NB_OK)
            secret = c.state == NB_CRED_ACTIVE ? c.secret : NULL;
        int rc;
        if (style == NB_SIGV4_STYLE_BUCKET &&
            (auth->kind == NB_SIGV4_V2_HEADER || auth->kind == NB_SIGV4_V2_QUERY) &&
            auth->bad != NB_SIGV4_BOTH) {
            const char *resource = v2_resource(call, req);
            if (!resource)
                return NB_ENOMEM;
            rc = nb_sigv2_verify(call->arena, req, auth, resource, secret, call->now, &err);
        } else {
            rc = nb_sigv4_verify(call->arena, req, auth, secret, call->now, style, &err);
        }
        if (rc != NB_EAWS)
            return rc;
    }
    return sig_fail(call, &err);
}

/* Without signature checks, a presigned object-store URL still expires. */
static int
expiry(nb_call *call, const nb_http_req *req, const nb_sigv4_auth *auth)
{
    nb_sigv4_err err = {0};
    if (sig_style(call) != NB_SIGV4_STYLE_BUCKET)
        return NB_OK;
    int rc = nb_sigv4_check_expiry(call->arena, req, auth, call->now, &err);
    return rc == NB_EAWS ? sig_fail(call, &err) : rc;
}

/* The refusal in err as the call's AWS error. */
static int
sig_fail(nb_call *call, const nb_sigv4_err *e)
{
    nb_sigv4_err err = *e;
    int rc = nb_fail_status(call, err.status ? err.status : 403, err.code, "%s", err.message);
    for (size_t i = 0; i < err.nfields; i++) {
        if (!call->err_fields)
            call->err_fields = nb_value_struct(call->arena);
        if (!call->err_fields ||
            nb_set_str(call->err_fields, err.fields[i].name, err.fields[i].value))
            return NB_ENOMEM;
    }
    return rc;
}

int
nb_route(nb_call *call, const nb_http_req *req, nb_raw_fn *raw)
{
    *raw = raw_route(req);
    if (*raw)
        return NB_OK;
    hint h = {0};
    nb_sigv4_auth auth;
    int prc = nb_sigv4_parse(call->arena, req, &auth);
    if (prc == NB_ENOMEM)
        return prc;
    if (auth.access_key.len) { /* a malformed header still names its scope */
        h.scope_svc = auth.service;
        if (auth.region.len && auth.region.len < sizeof(h.region))
            snprintf(h.region, sizeof(h.region), "%.*s", (int)auth.region.len, auth.region.p);
        call->access_key = nb_arena_strndup(call->arena, auth.access_key.p, auth.access_key.len);
        if (!call->access_key)
            return NB_ENOMEM;
    }
    const char *target = nb_http_header(req, "x-amz-target");
    if (target) {
        const char *dot = strrchr(target, '.');
        h.target = (nb_str){target, dot ? (size_t)(dot - target) : strlen(target)};
    }
    h.form = is_form(req);
    host_hint(req->host, &h);
    if (h.region[0])
        snprintf(call->region, sizeof(call->region), "%s", h.region);
    if (call->access_key[0])
        nb_creds_account(call, call->access_key, call->account);
    int rc = find_service(call, req, &h);
    if (rc == NB_ENOTFOUND)
        return nb_fail_status(call, 400, "UnknownService",
                              "No service of nimbus matches this request.");
    if (rc)
        return rc;
    /* The service's own view of the request, if it keeps one (service.h
     * rewrite): resolve and decode read it; verify() below reads req. */
    const nb_http_req *view = req;
    if (call->svc->rewrite && (rc = call->svc->rewrite(call, req, &view)))
        return rc;
    call->http = view;
    rc = call->proto->resolve(call, call->model, view, &call->op);
    if (!rc && !nb_cfg.verify_signatures)
        return expiry(call, req, &auth);
    if (rc)
        return rc;
    /* AWS: operations marked noAuth (AssumeRoleWithWebIdentity) may come
     * unsigned; a signature that is sent is still checked. */
    if ((call->op->flags & NB_OF_NOAUTH) && auth.kind == NB_SIGV4_NONE)
        return NB_OK;
    return verify(call, req, &auth);
}
