/*
 * proto.h: one codec per AWS protocol behind one vtable (curl's
 * Curl_handler). A codec finds the operation in a request, decodes the
 * request into an nb_value tree by the model's input shape, and encodes a
 * result tree or an AWS error by the model. Services never see bytes.
 */
#ifndef NB_PROTO_H
#define NB_PROTO_H

#include "http.h"
#include "nb.h"

typedef struct nb_proto {
    const char *name; /* "awsJson1_0", "awsQuery", ... */
    /* Find the operation the request names in model m. Returns NB_OK with
     * *op set, or NB_EAWS (unknown operation error set on the call). */
    int (*resolve)(nb_call *call, const nb_model *m, const nb_http_req *req,
                   const nb_operation **op);
    /* Decode req into a tree for call->op's input shape (an empty struct
     * when it has none). NB_EAWS on malformed input, with AWS's error. */
    int (*decode)(nb_call *call, const nb_http_req *req, nb_value **in);
    /* Encode call->out (may be NULL: empty result) into resp. */
    int (*encode)(nb_call *call, const nb_value *out, nb_http_resp *resp);
    /* Encode the error set on the call into resp. */
    int (*encode_error)(nb_call *call, nb_http_resp *resp);
} nb_proto;

extern const nb_proto nb_proto_query;
extern const nb_proto nb_proto_json;
extern const nb_proto nb_proto_rest_json;
extern const nb_proto nb_proto_rest_xml;

/* The codec for a model's protocol. */
const nb_proto *nb_proto_for(const nb_model *m);

/* Shared by codecs: the HTTP status and wire code of the error set on the
 * call, looked up in call->model (exception shapes), defaulting to 400 for
 * client errors. *sender is 1 for client faults. */
void nb_proto_error_info(nb_call *call, int *status, const char **code, int *sender);

#endif
