/*
 * proto.c: what all codecs share: choosing the codec for a model's
 * protocol, and turning the error set on a call (nb_fail) into the wire
 * code, HTTP status and fault side that every protocol reports. The codec
 * objects themselves live in proto_<protocol>.c.
 */
#include <string.h>

#include "call.h"
#include "model.h"
#include "proto.h"

/* Weak, so that a program linked without every codec (a unit test or a
 * fuzz target) still links; in nimbus all four are defined. */
#if defined(__GNUC__)
extern const nb_proto nb_proto_json __attribute__((weak));
extern const nb_proto nb_proto_rest_json __attribute__((weak));
extern const nb_proto nb_proto_rest_xml __attribute__((weak));
extern const nb_proto nb_proto_query __attribute__((weak));
#endif

const nb_proto *
nb_proto_for(const nb_model *m)
{
    if (!m)
        return NULL;
    switch (m->protocol) {
    case NB_P_QUERY:
        return &nb_proto_query;
    case NB_P_JSON:
        return &nb_proto_json;
    case NB_P_REST_JSON:
        return &nb_proto_rest_json;
    case NB_P_REST_XML:
        return &nb_proto_rest_xml;
    default:
        return NULL; /* NB_P_EC2 is not served */
    }
}

/* Codes not in a model that are the server's fault, with their status.
 * AWS: Common Errors (e.g. docs.aws.amazon.com/AmazonRDS/latest/
 * APIReference/CommonErrors.html): InternalFailure 500, ServiceUnavailable
 * 503; S3 Error Responses: InternalError 500, NotImplemented 501,
 * SlowDown 503. */
static const struct {
    const char *code; /* wire code */
    int status;       /* its HTTP status */
} server_codes[] = {
    {"InternalFailure", 500},
    {"InternalError", 500},
    {"InternalServerError", 500},
    {"ServiceUnavailable", 503},
    {"ServiceUnavailableException", 503},
    {"NotImplemented", 501},
    {"SlowDown", 503},
};

void
nb_proto_error_info(nb_call *call, int *status, const char **code, int *sender)
{
    const nb_model *m = call->model;
    const nb_shape *s = NULL;
    int st = call->err_status;

    *code = call->err_code ? call->err_code : "InternalFailure";
    if (!call->err_code && !st)
        st = 500;
    if (m && call->err_code)
        s = nb_model_error(m, call->err_code);
    if (s) {
        /* The query and XML protocols put the error's "code" on the wire
         * (STS MalformedPolicyDocumentException -> MalformedPolicyDocument);
         * JSON protocols the shape name. */
        int xmlish = m->protocol == NB_P_QUERY || m->protocol == NB_P_REST_XML;
        *code = xmlish && s->err_code ? s->err_code : s->name;
        if (!st) /* an explicit nb_fail_status wins over the model */
            st = s->err_status ? s->err_status : 400;
    }
    for (size_t i = 0; !st && i < NB_ARRAY_LEN(server_codes); i++)
        if (strcmp(*code, server_codes[i].code) == 0)
            st = server_codes[i].status;
    if (!st)
        st = 400;
    *status = st;
    *sender = (s && (s->flags & NB_SF_SENDER_FAULT)) || st < 500;
}
