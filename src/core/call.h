/*
 * call.h: nb_call, one unit of work: an API request, or one background
 * step (a timer, an event source poll). It carries who is calling (account,
 * region, access key), the request id, the arena that owns every byte the
 * call makes, the clock read once at its start, and the AWS error if one
 * was raised. call.c drives its life: decode, validate, handler, store
 * transaction, encode, free.
 */
#ifndef NB_CALL_H
#define NB_CALL_H

#include "http.h"
#include "nb.h"

/* A handler that returned NB_PENDING finishes later through this. */
typedef void (*nb_call_cb)(nb_call *call, int rc, void *ud);

struct nb_call {
    nb_arena *arena;              /* owns everything the call makes */
    const nb_service *svc;        /* the service, or NULL for raw routes */
    const nb_model *model;        /* the model its protocol speaks */
    const nb_operation *op;       /* the operation, or NULL */
    const struct nb_proto *proto; /* the codec in use, or NULL */
    const nb_http_req *http;      /* the request, or NULL for background work */
    nb_value *in;                 /* decoded input, or NULL */
    nb_value *out;                /* result tree being built */
    char account[13];             /* 12-digit account id */
    char region[32];              /* e.g. "us-east-1" */
    char request_id[40];          /* UUID, also in x-amzn-RequestId */
    const char *access_key;       /* access key id from the signature, or "" */
    double now;                   /* clock at start, epoch seconds (ms) */
    int64_t start_ns;             /* monotonic start, for the log line */
    /* The AWS error, once nb_fail() was called. */
    const char *err_code;  /* error shape name or code */
    const char *err_msg;   /* message, or NULL */
    int err_status;        /* HTTP status, or 0 to take the model's */
    nb_value *err_fields;  /* extra members of the error shape, or NULL */
    nb_value *err_headers; /* HTTP headers sent with the error (REST
                              protocols): a struct of strings, name to
                              value, or NULL */
    /* Waiting calls. */
    nb_call_cb done_cb;   /* set by the server; run by nb_call_done */
    void *done_ud;        /* its argument */
    void *conn;           /* server's connection handle, opaque */
    nb_call_cb cancel_cb; /* set by a handler that returned NB_PENDING: run
                             if the call is abandoned (shutdown) before
                             nb_call_done; the handler must then forget the
                             call, which is freed right after */
    void *cancel_ud;      /* its argument */
    nb_http_resp *resp;   /* where the response goes (server-owned) */
    const char *op_name;  /* operation name for the log line */
    int in_txn;           /* a store transaction is open */
};

/* Raise an AWS error: code names the error shape in the model (or is a
 * bare code such as "ValidationError"); the codec writes code, status
 * and headers. Returns NB_EAWS, so handlers write `return nb_fail(...)`. */
int nb_fail(nb_call *call, const char *code, const char *fmt, ...) NB_PRINTF(3, 4);
/* The same with an explicit HTTP status (for bare codes not in the model). */
int nb_fail_status(nb_call *call, int status, const char *code, const char *fmt, ...)
    NB_PRINTF(4, 5);

/* A call for background work (no HTTP), in account and region. Free it
 * with nb_call_free. NULL on out-of-memory. */
nb_call *nb_call_new(const char *account, const char *region);
void nb_call_free(nb_call *call);

/* Serves one request (server.c): NB_OK when call->resp is ready, or
 * NB_PENDING when the call finishes later through nb_call_done(). */
int nb_call_serve(nb_call *call, nb_http_resp *resp);

/* A pending handler finishes: rc is NB_OK (call->out holds the result) or
 * NB_EAWS. The response is encoded and sent; the call is freed. */
void nb_call_done(nb_call *call, int rc);

/* New UUID v4 string in the call's arena. */
const char *nb_call_uuid(nb_call *call);

#endif
