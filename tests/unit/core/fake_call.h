/*
 * fake_call.h: TEST ONLY. A stand-in for the parts of call.c that unit
 * tests of the codecs and the validator need: nb_fail and nb_fail_status
 * record the error on the call, and fake_call_new builds a call around a
 * fresh arena. Include it from exactly one file of a test program.
 *
 * The two functions are weak symbols: when a test is linked with the real
 * call.c (as `make unit` does once it exists), the real ones win and these
 * are dropped, so both builds work.
 */
#ifndef NB_FAKE_CALL_H
#define NB_FAKE_CALL_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"

#if defined(__GNUC__)
#define FAKE_WEAK __attribute__((weak))
#else
#define FAKE_WEAK
#endif

static int
fake_fail_v(nb_call *call, int status, const char *code, const char *fmt, va_list ap)
{
    call->err_code = nb_arena_strdup(call->arena, code);
    call->err_msg = fmt ? nb_arena_vprintf(call->arena, fmt, ap) : NULL;
    call->err_status = status;
    return NB_EAWS;
}

FAKE_WEAK int
nb_fail(nb_call *call, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = fake_fail_v(call, 0, code, fmt, ap);
    va_end(ap);
    return rc;
}

FAKE_WEAK int
nb_fail_status(nb_call *call, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = fake_fail_v(call, status, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* A call on model m with its own arena and a fixed request id; free it
 * with fake_call_free. */
static inline nb_call *
fake_call_new(const nb_model *m)
{
    nb_arena *a = nb_arena_new(0);
    if (!a)
        return NULL;
    nb_call *c = nb_arena_zalloc(a, sizeof(*c));
    if (!c) {
        nb_arena_free(a);
        return NULL;
    }
    c->arena = a;
    c->model = m;
    c->access_key = "";
    snprintf(c->account, sizeof(c->account), "000000000000");
    snprintf(c->region, sizeof(c->region), "us-east-1");
    snprintf(c->request_id, sizeof(c->request_id), "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
    return c;
}

static inline void
fake_call_free(nb_call *c)
{
    if (c)
        nb_arena_free(c->arena);
}

#endif
