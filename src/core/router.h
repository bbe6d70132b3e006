/*
 * router.h: which service, protocol and operation a request is for, and
 * in which account and region. Real endpoints and the SDKs decide this
 * from X-Amz-Target, the SigV4 credential scope, the Host, the Action
 * parameter and the path; so does nb_route. Endpoints that are not AWS
 * APIs (health, reset) are raw routes with the narrow view of http.h.
 */
#ifndef NB_ROUTER_H
#define NB_ROUTER_H

#include "http.h"
#include "nb.h"

/* A raw route's handler: fills resp; NB_OK, NB_PENDING, or a failure. */
typedef int (*nb_raw_fn)(nb_call *call, const nb_http_req *req, nb_http_resp *resp);

typedef struct nb_raw_route {
    const char *method; /* "GET", or NULL for any */
    const char *path;   /* exact path */
    nb_raw_fn fn;       /* handler */
} nb_raw_route;

/* Routes req. On NB_OK either *raw is set (a raw route), or call->svc,
 * ->model, ->proto and ->op are set, with account, region and access key.
 * NB_EAWS when no service or operation matches (error set on the call). */
int nb_route(nb_call *call, const nb_http_req *req, nb_raw_fn *raw);

/* The core's raw routes (health.c). */
extern const nb_raw_route nb_core_routes[];

#endif
