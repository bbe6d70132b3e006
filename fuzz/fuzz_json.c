/*
 * fuzz_json.c: libFuzzer target for the awsJson request decoder
 * (proto_json.c) and the JSON reader and writer under it (json.c). The
 * first input byte picks an operation of the json_test fixture model
 * (tests/models/json_test.json), the rest is the request body. A decoded
 * tree is encoded back (exercising the writer by shape), a failure is
 * encoded as the AWS error. Then the bytes are read as a free-form
 * document and written twice: the writer must always produce JSON that
 * reads back to the same text (a crash here means invalid output).
 *
 * Build (see the Makefile's fuzz-build):
 *   clang -std=c11 -D_GNU_SOURCE -Isrc $(pkg-config --cflags jansson) -O1 -g \
 *     -fsanitize=fuzzer,address,undefined fuzz/fuzz_json.c src/core/... -o fj
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/model.h"
#include "core/proto.h"
#include "core/value.h"

/* The fixture tables and the test stand-in for nb_fail (weak: call.c's
 * wins when it is linked) are included rather than linked, since the
 * fuzz build links src/ only. */
#include "../tests/unit/core/fake_call.h"
#include "../tests/unit/gen/json_test_model.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const op_names[] = {"Echo", "CreateThing", "ListThings", "GetThing"};

static void
codec(const uint8_t *data, size_t size)
{
    const char *name = op_names[size ? data[0] % NB_ARRAY_LEN(op_names) : 0];
    nb_call *c = fake_call_new(&nb_json_test_model);
    nb_http_resp resp;
    nb_value *in = NULL;
    char *body;

    if (!c)
        return;
    body = nb_arena_alloc(c->arena, size + 1);
    if (!body)
        goto out;
    if (size > 1)
        memcpy(body, data + 1, size - 1);
    body[size ? size - 1 : 0] = '\0';
    nb_header h[1] = {{"x-amz-target", "JsonTest_20200101.Echo"}};
    nb_http_req req = {.method = "POST",
                       .url = "/",
                       .query = "",
                       .host = "",
                       .headers = h,
                       .nheaders = 1,
                       .body = body,
                       .body_len = size ? size - 1 : 0};
    c->op = nb_model_op(c->model, name, strlen(name));
    memset(&resp, 0, sizeof(resp));
    int rc = nb_proto_json.decode(c, &req, &in);
    if (rc == NB_OK)
        rc = nb_proto_json.encode(c, in, &resp);
    else if (rc == NB_EAWS)
        rc = nb_proto_json.encode_error(c, &resp);
    if (rc != NB_OK && rc != NB_ENOMEM)
        abort(); /* only bounds may stop the encoder */
    nb_buf_free(&resp.body);
out:
    fake_call_free(c);
}

/* write(read(x)) must read back and write the same bytes again. */
static void
writer_round_trip(const uint8_t *data, size_t size)
{
    nb_arena *a = nb_arena_new(0);
    nb_value *v = NULL, *v2 = NULL;
    nb_buf b1, b2;
    nb_jw w;

    nb_buf_init(&b1, NB_RESP_MAX);
    nb_buf_init(&b2, NB_RESP_MAX);
    if (!a || nb_json_parse_value(a, (const char *)data, size, &v, NULL) != NB_OK)
        goto out;
    nb_jw_init(&w, &b1);
    if (nb_jw_value(&w, v) != NB_OK)
        goto out;
    if (nb_json_parse_value(a, b1.p, b1.len, &v2, NULL) != NB_OK)
        abort(); /* the writer wrote something that is not JSON */
    nb_jw_init(&w, &b2);
    if (nb_jw_value(&w, v2) != NB_OK || b1.len != b2.len || memcmp(b1.p, b2.p, b1.len) != 0)
        abort(); /* not stable */
out:
    nb_buf_free(&b1);
    nb_buf_free(&b2);
    nb_arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > NB_BODY_MAX)
        return 0;
    codec(data, size);
    writer_round_trip(data, size);
    return 0;
}
