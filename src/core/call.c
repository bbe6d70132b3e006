/*
 * call.c: the life of a call. nb_call_serve() takes a request from the
 * server through routing, signature check, decoding, validation, the
 * handler and the store transaction, then encodes the result or the AWS
 * error with the same codec, and logs one line. A handler may return
 * NB_PENDING; nb_call_done() then finishes the same way later.
 *
 * Error rule (guide, rule 2): an AWS error is made once with nb_fail();
 * any other failure becomes InternalFailure and a log line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "call.h"
#include "config.h"
#include "file.h"
#include "ids.h"
#include "limits.h"
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "model.h"
#include "proto.h"
#include "proto_bind.h"
#include "router.h"
#include "service.h"
#include "store/store.h"
#include "value.h"

nb_config nb_cfg = {
    .host = "127.0.0.1",
    .port = 4566,
    .default_region = "us-east-1",
    .log_level = NB_LOG_INFO,
};

nb_call *
nb_call_new(const char *account, const char *region)
{
    nb_arena *a = nb_arena_new(0);
    if (!a)
        return NULL;
    nb_call *call = nb_arena_zalloc(a, sizeof(*call));
    if (!call) {
        nb_arena_free(a);
        return NULL;
    }
    call->arena = a;
    const char *acct = account ? account : NB_DEFAULT_ACCOUNT;
    const char *reg = region ? region : nb_cfg.default_region;
    size_t rl = strlen(reg);
    memcpy(call->account, acct, sizeof(call->account) - 1);
    memcpy(call->region, reg, rl < sizeof(call->region) ? rl + 1 : sizeof(call->region) - 1);
    nb_ids_uuid(call->request_id);
    call->access_key = "";
    call->now = nb_wall_now();
    call->start_ns = nb_mono_ns();
    return call;
}

void
nb_call_free(nb_call *call)
{
    if (!call)
        return;
    if (call->in_txn)
        nb_store_rollback(call);
    nb_arena_free(call->arena); /* the call itself lives in its arena */
}

const char *
nb_call_uuid(nb_call *call)
{
    char *s = nb_arena_alloc(call->arena, 37);
    if (s)
        nb_ids_uuid(s);
    return s;
}

static int
vfail(nb_call *call, int status, const char *code, const char *fmt, va_list ap)
{
    call->err_code = code;
    call->err_status = status;
    call->err_msg = fmt ? nb_arena_vprintf(call->arena, fmt, ap) : NULL;
    return NB_EAWS;
}

int
nb_fail(nb_call *call, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(call, 0, code, fmt, ap);
    va_end(ap);
    return rc;
}

int
nb_fail_status(nb_call *call, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(call, status, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* Turns a non-AWS failure into AWS's generic server error. */
static void
internal(nb_call *call, int rc)
{
    nb_error("%s %s: internal error %d", call->svc ? call->svc->name : "-",
             call->op_name ? call->op_name : "-", rc);
    nb_fail_status(call, 500, "InternalFailure",
                   "The request processing has failed because of an unknown error, "
                   "exception or failure.");
}

static void
log_line(nb_call *call, int status)
{
    if (nb_log_level > NB_LOG_INFO)
        return;
    double ms = (double)(nb_mono_ns() - call->start_ns) / 1e6;
    nb_info("%s %s %d %.2fms%s%s", call->svc ? call->svc->name : "-",
            call->op_name ? call->op_name : (call->http ? call->http->url : "-"), status, ms,
            call->err_code ? " " : "", call->err_code ? call->err_code : "");
    if (nb_log_level <= NB_LOG_DEBUG && call->http && call->resp) {
        nb_debug("request body: %.*s",
                 (int)(call->http->body_len > 4096 ? 4096 : call->http->body_len),
                 call->http->body);
        nb_debug("response body: %.*s",
                 (int)(call->resp->body.len > 4096 ? 4096 : call->resp->body.len),
                 call->resp->body.p ? call->resp->body.p : "");
    }
}

/* An error before any codec was chosen (no service matched): a small JSON
 * error in the form most AWS front ends use. Codes here are our own words,
 * so they need no escaping. */
static void
no_codec_error(nb_call *call, nb_http_resp *resp)
{
    int status = call->err_status ? call->err_status : 400;
    nb_buf_reset(&resp->body);
    nb_resp_drop_file(resp);
    resp->status = status;
    resp->content_type = "application/json";
    nb_resp_header(call->arena, resp, "x-amzn-RequestId", call->request_id);
    nb_resp_header(call->arena, resp, "x-amzn-ErrorType", call->err_code);
    nb_buf_addf(&resp->body, "{\"__type\":\"%s\",\"message\":\"%s\"}", call->err_code,
                call->err_msg ? call->err_msg : "");
}

/* Encodes the outcome of a call into its response. */
static void
finish(nb_call *call, int rc)
{
    nb_http_resp *resp = call->resp;
    if (rc == NB_OK && call->in_txn && nb_store_commit(call))
        rc = NB_EIO;
    if (rc != NB_OK) {
        if (call->in_txn)
            nb_store_rollback(call);
        if (rc != NB_EAWS || !call->err_code)
            internal(call, rc);
    }
    if (call->proto) {
        int erc = rc == NB_OK ? call->proto->encode(call, call->out, resp)
                              : call->proto->encode_error(call, resp);
        if (erc) {
            nb_buf_reset(&resp->body);
            nb_error("%s: cannot encode response (%d)", call->op_name, erc);
            nb_resp_text(resp, 500, "text/plain", "encoding failed\n", 16);
        }
    } else {
        no_codec_error(call, resp);
    }
    log_line(call, resp->status);
}

/* A body the server spooled to a file is read back into memory for the
 * codecs, up to NB_BODY_MAX (AWS front ends refuse larger ones with 413),
 * unless the operation takes its payload as a stream (S3 PutObject). */
static int
load_body(nb_call *call)
{
    const nb_http_req *req = call->http;
    if (!req->body_path)
        return NB_OK;
    if (call->op && call->op->input != NB_NO_SHAPE) {
        const nb_model *m = call->model;
        const nb_member *pl = nb_bind_payload(m, nb_model_shape(m, call->op->input));
        const nb_shape *ps = pl ? nb_model_shape(m, pl->shape) : NULL;
        if (ps && (ps->flags & NB_SF_STREAMING))
            return NB_OK;
    }
    if (req->body_len > NB_BODY_MAX)
        return nb_fail_status(call, 413, "RequestEntityTooLarge",
                              "Request body of %zu bytes is larger than %u bytes.", req->body_len,
                              (unsigned)NB_BODY_MAX);
    nb_http_req *r = nb_arena_alloc(call->arena, sizeof(*r));
    char *body = NULL;
    if (!r)
        return NB_ENOMEM;
    *r = *req;
    int rc = nb_file_load(call->arena, req->body_path, req->body_len, &body);
    if (rc)
        return rc;
    r->body = body;
    r->body_path = NULL;
    call->http = r;
    return NB_OK;
}

static int
run_handler(nb_call *call)
{
    const nb_operation *op = call->op;
    call->op_name = op->name;
    int rc = load_body(call);
    if (rc)
        return rc;
    rc = call->proto->decode(call, call->http, &call->in);
    if (rc)
        return rc;
    if (op->input != NB_NO_SHAPE) {
        rc = nb_model_validate(call, call->model, op->input, call->in);
        if (rc)
            return rc;
    }
    nb_handler fn = nb_service_handler(call->svc, op->name);
    if (!fn)
        return nb_fail_status(call, 501, "NotImplemented",
                              "The operation %s of service %s is not implemented by nimbus yet.",
                              op->name, call->svc->name);
    call->out = nb_value_struct(call->arena);
    if (!call->out)
        return NB_ENOMEM;
    return fn(call, call->in, call->out);
}

int
nb_call_serve(nb_call *call, nb_http_resp *resp)
{
    call->resp = resp;
    nb_raw_fn raw = NULL;
    /* A form's Action is in its body: routing needs it in memory. */
    const char *ct = nb_http_header(call->http, "content-type");
    int rc = ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ? load_body(call)
                                                                                 : NB_OK;
    rc = rc ? rc : nb_route(call, call->http, &raw);
    if (rc == NB_OK && raw) {
        rc = raw(call, call->http, resp);
        if (rc == NB_PENDING)
            return rc;
        if (rc) {
            nb_buf_reset(&resp->body);
            nb_resp_text(resp, 500, "text/plain", "internal error\n", 15);
        }
        log_line(call, resp->status);
        return NB_OK;
    }
    if (rc == NB_OK)
        rc = run_handler(call);
    if (rc == NB_PENDING) {
        /* One transaction at a time: what the handler wrote before it
         * waits is committed now; nb_call_done opens a new one. */
        if (call->in_txn && nb_store_commit(call))
            rc = NB_EIO;
        else
            return NB_PENDING;
    }
    finish(call, rc);
    return NB_OK;
}

void
nb_call_done(nb_call *call, int rc)
{
    finish(call, rc);
    if (call->done_cb)
        call->done_cb(call, rc, call->done_ud);
}
