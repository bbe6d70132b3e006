/*
 * model.h: the in-memory form of an AWS service model (botocore's
 * service-2.json), as tools/gen_model.py writes it into src/gen/. The
 * tables are const data: shapes, members, operations and errors, with the
 * wire names, HTTP bindings and constraints the codecs and the validator
 * need, and no documentation text. Indexes, not pointers, link the tables,
 * so that they stay small and relocation-free.
 *
 * model.c also holds the one validator: the model's required, enum,
 * length and range constraints, checked on every decoded request, with
 * AWS's own message format.
 */
#ifndef NB_MODEL_H
#define NB_MODEL_H

#include "nb.h"
#include "str.h"

/* Shape types (botocore "type"). */
enum nb_type {
    NB_T_STRUCTURE = 1,
    NB_T_LIST,
    NB_T_MAP,
    NB_T_STRING,
    NB_T_BLOB,
    NB_T_BOOLEAN,
    NB_T_INTEGER,
    NB_T_LONG,
    NB_T_FLOAT,
    NB_T_DOUBLE,
    NB_T_TIMESTAMP,
};

/* Shape flags. */
#define NB_SF_HAS_MIN 0x0001      /* min is set (length, or value for numbers) */
#define NB_SF_HAS_MAX 0x0002      /* max is set */
#define NB_SF_FLATTENED 0x0004    /* list/map is flattened (XML, query) */
#define NB_SF_EXCEPTION 0x0008    /* an error shape */
#define NB_SF_UNION 0x0010        /* structure with at most one member set */
#define NB_SF_SENSITIVE 0x0020    /* value is not logged */
#define NB_SF_STREAMING 0x0040    /* blob body streamed (S3 objects) */
#define NB_SF_EVENTSTREAM 0x0080  /* event stream structure */
#define NB_SF_DOCUMENT 0x0100     /* free-form document (structure "document") */
#define NB_SF_SENDER_FAULT 0x0200 /* error caused by the sender (400-class) */
/* XML output whose one member is the root element's text, not a child of
 * it (Smithy's aws.customizations#s3UnwrappedXmlOutput, which botocore's
 * JSON lacks: set by models/patches/s3.json for GetBucketLocation). */
#define NB_SF_UNWRAPPED 0x0400

/* Timestamp formats (shape or member "timestampFormat"). */
enum nb_tsfmt {
    NB_TS_DEFAULT = 0, /* the protocol's own default for that location */
    NB_TS_ISO8601,
    NB_TS_RFC822, /* HTTP date */
    NB_TS_EPOCH,  /* unixTimestamp */
};

/* Where a member lives on the wire (botocore "location"). */
enum nb_loc {
    NB_LOC_BODY = 0,
    NB_LOC_URI,     /* path label {Name} or {Name+} */
    NB_LOC_QUERY,   /* querystring */
    NB_LOC_HEADER,  /* one header */
    NB_LOC_HEADERS, /* every header with the wire name as prefix (map) */
    NB_LOC_STATUS,  /* the HTTP status code (output only) */
};

/* Member flags. */
#define NB_MF_REQUIRED 0x01    /* listed in the structure's "required" */
#define NB_MF_FLATTENED 0x02   /* member-level "flattened" */
#define NB_MF_XMLATTR 0x04     /* "xmlAttribute" */
#define NB_MF_PAYLOAD 0x08     /* the structure's "payload" member */
#define NB_MF_IDEMPOTENCY 0x10 /* "idempotencyToken": filled when absent */
#define NB_MF_HOSTLABEL 0x20   /* "hostLabel" */
#define NB_MF_JSONVALUE 0x40   /* "jsonvalue": header holds base64 JSON */

/* Protocols (metadata "protocol"). */
enum nb_protocol {
    NB_P_QUERY = 1,
    NB_P_JSON, /* awsJson1_0 / awsJson1_1: see json_version */
    NB_P_REST_JSON,
    NB_P_REST_XML,
    NB_P_EC2, /* not served; kept so the generator can say so */
};

struct nb_shape {
    const char *name;         /* shape name in the model */
    uint8_t type;             /* enum nb_type */
    uint8_t tsfmt;            /* enum nb_tsfmt for timestamps */
    uint16_t flags;           /* NB_SF_* */
    uint16_t nmembers;        /* struct: members; list: 1 (the item); map: 2 (key, value) */
    uint32_t members;         /* index of the first in model->members */
    uint16_t nenum;           /* number of enum values (strings only) */
    uint32_t enums;           /* index of the first in model->strings */
    int64_t min;              /* length (string, blob, list, map) or value (numbers) */
    int64_t max;              /* likewise; only when NB_SF_HAS_MAX */
    const char *wire;         /* shape "locationName" (XML element name), or NULL */
    const char *xmlns;        /* shape "xmlNamespace" uri, or NULL */
    const char *xmlns_prefix; /* its prefix (S3 Grantee: "xsi"), or NULL */
    const char *err_code;     /* exception: error "code" (query/XML), or NULL */
    uint16_t err_status;      /* exception: httpStatusCode, or 0 (then 400) */
};

struct nb_member {
    const char *name;         /* member name (tree key); list item: "member" */
    const char *wire;         /* "locationName", or NULL to use name */
    const char *xmlns;        /* member "xmlNamespace" uri, or NULL */
    const char *xmlns_prefix; /* its prefix, or NULL */
    uint32_t shape;           /* index in model->shapes */
    uint8_t loc;              /* enum nb_loc */
    uint8_t flags;            /* NB_MF_* */
    uint8_t tsfmt;            /* member-level timestampFormat, or 0 */
};

#define NB_NO_SHAPE UINT32_MAX

struct nb_operation {
    const char *name;           /* "GetCallerIdentity" */
    const char *method;         /* "POST" */
    const char *uri;            /* requestUri, e.g. "/{Bucket}/{Key+}?uploads" */
    uint32_t input;             /* shape index, or NB_NO_SHAPE */
    uint32_t output;            /* shape index, or NB_NO_SHAPE */
    const char *result_wrapper; /* query: output "resultWrapper", or NULL */
    uint16_t http_status;       /* "responseCode", 200 by default */
    uint16_t nerrors;           /* number of error shapes */
    uint32_t errors;            /* index of the first in model->errors */
    uint8_t flags;              /* NB_OF_* */
};

/* Operation flags. NB_OF_NOAUTH: "authtype": "none" or smithy.api#noAuth,
 * callers may send it unsigned (AssumeRoleWithWebIdentity). */
#define NB_OF_NOAUTH 0x01

struct nb_model {
    const char *service_id;      /* metadata serviceId, "STS" */
    const char *api_version;     /* "2011-06-15" */
    uint8_t protocol;            /* enum nb_protocol */
    uint8_t query_compatible;    /* metadata awsQueryCompatible */
    const char *json_version;    /* "1.0" or "1.1" for JSON protocols, else NULL */
    const char *endpoint_prefix; /* "sts" */
    const char *signing_name;    /* signingName, else endpointPrefix */
    const char *target_prefix;   /* X-Amz-Target prefix, or NULL */
    const char *xml_namespace;   /* metadata xmlNamespace uri, or NULL */
    const char *source;          /* where the tables came from: "botocore 1.43.11" */
    const nb_shape *shapes;      /* every shape, by index */
    uint32_t nshapes;
    const nb_member *members; /* members of all shapes, grouped by shape */
    uint32_t nmembers;
    const nb_operation *ops; /* sorted by name (strcmp) */
    uint32_t nops;
    const uint32_t *errors;     /* operation error lists: shape indexes */
    const char *const *strings; /* enum values of all shapes */
};

/* Lookups. NULL when absent. */
const nb_operation *nb_model_op(const nb_model *m, const char *name, size_t len);
const nb_shape *nb_model_shape(const nb_model *m, uint32_t idx);
/* The shape named name (linear: for errors and tests, not hot paths). */
const nb_shape *nb_model_shape_by_name(const nb_model *m, const char *name);
/* Member of a structure by member name / by wire name (locationName or
 * name). NULL when absent. */
const nb_member *nb_shape_member(const nb_model *m, const nb_shape *s, const char *name,
                                 size_t len);
const nb_member *nb_shape_member_wire(const nb_model *m, const nb_shape *s, const char *wire,
                                      size_t len);
static inline const char *
nb_member_wire(const nb_member *mb)
{
    return mb->wire ? mb->wire : mb->name;
}

/* The error shape that code names for this model: matched on the shape
 * name first, then on its error code. NULL when the model has none. */
const nb_shape *nb_model_error(const nb_model *m, const char *code);

/* Validate a decoded input tree against shape idx: required members,
 * enum values, lengths and ranges, recursively. On violations, sets the
 * AWS error on the call (code given by the service, message in AWS's
 * "N validation errors detected: ..." form) and returns NB_EAWS. */
int nb_model_validate(nb_call *call, const nb_model *m, uint32_t shape, const nb_value *in);

#endif
