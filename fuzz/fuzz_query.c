/*
 * fuzz_query.c: libFuzzer target for the awsQuery decoder. The input is a
 * form body sent to the STS model: resolve, decode, validate, and encode
 * whatever error came out, as a request would go. Any crash, sanitizer
 * report or leak is a bug; AWS errors are the expected outcome for most
 * inputs. Seeds: fuzz/corpus/query/ (botocore's own request bodies).
 */
#include <stdint.h>
#include <string.h>

#include "../tests/unit/core/fake_call.h" /* nb_fail for a program without call.c */
#include "core/arena.h"
#include "core/call.h"
#include "core/limits.h"
#include "core/model.h"
#include "core/proto.h"
#include "core/service.h"
#include "gen/sts_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const nb_service svc = {
    .name = "sts",
    .model = &nb_sts_model,
    .validation_code = "ValidationError",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_header hdr = {"content-type", "application/x-www-form-urlencoded; charset=utf-8"};
    nb_http_req req;
    nb_http_resp resp;
    const nb_operation *op = NULL;
    nb_value *in = NULL;
    nb_call *call;
    char *body;
    int rc;

    if (size > NB_BODY_MAX)
        return 0;
    call = fake_call_new(&nb_sts_model);
    if (!call)
        return 0;
    call->svc = &svc;
    body =
        nb_arena_strndup(call->arena, (const char *)data, size); /* NUL after, as the server does */
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.url = "/";
    req.query = "";
    req.host = "localhost";
    req.headers = &hdr;
    req.nheaders = 1;
    req.body = body;
    req.body_len = size;
    memset(&resp, 0, sizeof(resp));
    nb_buf_init(&resp.body, NB_RESP_MAX);

    rc = body ? nb_proto_query.resolve(call, &nb_sts_model, &req, &op) : NB_ENOMEM;
    if (rc == NB_OK) {
        call->op = op;
        rc = nb_proto_query.decode(call, &req, &in);
    }
    if (rc == NB_OK && op->input != NB_NO_SHAPE)
        rc = nb_model_validate(call, &nb_sts_model, op->input, in);
    if (rc == NB_OK)
        rc = nb_proto_query.encode(call, NULL, &resp);
    else if (rc == NB_EAWS)
        rc = nb_proto_query.encode_error(call, &resp);
    nb_buf_free(&resp.body);
    fake_call_free(call);
    return 0;
}
