/*
 * fuzz_rest_json.c: libFuzzer target for the restJson1 codec on the
 * fixture model (tests/models/restjson_test.json). The input is an HTTP
 * request in text: "METHOD /path?query\n", then "name: value\n" header
 * lines up to an empty line, then the body. It is routed, decoded,
 * validated, and then the decoded tree is encoded back as if it were the
 * operation's result (a tree that does not fit the output shape must not
 * crash the encoder either), or the error is encoded. Any crash,
 * sanitizer report or leak is a bug. Seeds: fuzz/corpus/rest_json/
 * (botocore's own requests for the fixture model).
 */
#include <stdint.h>

#include "../tests/unit/core/fake_call.h"          /* nb_fail for a program without call.c */
#include "../tests/unit/gen/restjson_test_model.c" /* the fixture tables */
#include "fuzz_http.h"                             /* split() and the run of one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_http_run(&nb_restjson_test_model, &nb_proto_rest_json, data, size);
}
