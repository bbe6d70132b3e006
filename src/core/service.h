/*
 * service.h: what a service is to the core. Each service folder defines
 * one nb_service (its name, models, operation table, schema) and
 * src/services/services.c lists them all. The core routes on the models'
 * metadata and never names a service.
 */
#ifndef NB_SERVICE_H
#define NB_SERVICE_H

#include "nb.h"

/* An operation's handler: reads `in` (decoded and validated), fills
 * `out` (an empty struct in the call's arena). Returns NB_OK, NB_EAWS
 * (after nb_fail), NB_PENDING (will call nb_call_done), or another
 * negative code (becomes InternalFailure plus a log line). */
typedef int (*nb_handler)(nb_call *call, const nb_value *in, nb_value *out);

typedef struct nb_op {
    const char *name; /* operation name as in the model */
    nb_handler fn;    /* its handler */
} nb_op;

/* One step of a service's schema upgrade: sql runs when the query when
 * (against an existing data dir) yields a row, e.g. a column that an older
 * nimbus had. Steps run in order, inside the schema's transaction. */
typedef struct {
    const char *when;
    const char *sql;
} nb_upgrade;

struct nb_service {
    const char *name;            /* short name: logs, health, reset ?service= */
    const nb_model *model;       /* the current model (routing, codec) */
    const nb_model *alt_model;   /* an older protocol still spoken, or NULL */
    const nb_op *ops;            /* operations it implements; others get a
                                    not-implemented error */
    size_t nops;                 /* entries in ops */
    const char *validation_code; /* code for model validation failures:
                                    "ValidationError" or "ValidationException" */
    const char *missing_fmt;     /* message for an absent required top-level
                                    member ("%s": its name), or NULL for the
                                    "N validation errors detected" form */
    const char *schema;          /* SQL making its tables (IF NOT EXISTS), or NULL:
                                    run at open on disk, on first use in memory */
    const nb_upgrade *upgrades;  /* steps that bring an older data dir's
                                    tables to this schema, run before it;
                                    ends with an entry whose when is NULL */
    const char *table_prefix;    /* its tables' prefix ("sts_"), for reset */
    int global;                  /* state shared by all regions (IAM) */
    int own_unions;              /* the service checks union members itself:
                                    the codec lets several set through */
    int body_crc32;              /* JSON replies carry x-amz-crc32 (DynamoDB) */
    const char *error_ns;        /* awsJson: what AWS puts before the error's
                                    name in __type ("com.amazonaws.sqs#"), or
                                    NULL for the bare name */
    int fallback;                /* takes requests no other service claims
                                    (S3, as LocalStack does) */
    int query_error_detail;      /* awsQuery errors carry an empty <Detail/>
                                    after <Message> (SQS) */
    /* Once the service is chosen, before its operation is resolved: may
     * point *view at a rewritten copy of the request (in the call's
     * arena) that decoding then reads, e.g. an address form the URI
     * templates cannot express (S3's bucket in the Host, put back in front
     * of the path). The signature is still checked against the request as
     * sent. Returns NB_OK, or an error (NB_EAWS after nb_fail). Or NULL. */
    int (*rewrite)(nb_call *call, const nb_http_req *req, const nb_http_req **view);
    int (*init)(void);  /* once at start, after the store; or NULL */
    void (*stop)(void); /* once at shutdown; or NULL */
};

/* The services list, NULL-terminated (src/services/services.c). */
extern const nb_service *const nb_services[];

/* The handler for op in svc, or NULL. */
nb_handler nb_service_handler(const nb_service *svc, const char *op);

#endif
