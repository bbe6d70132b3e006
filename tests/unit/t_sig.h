/*
 * t_sig.h: checks of a signature refusal (nb_sigv4_err), shared by the
 * SigV4 and SigV2 unit tests. Include after t.h and core/sigv4.h.
 */
#ifndef NB_T_SIG_H
#define NB_T_SIG_H

#include <stdio.h>
#include <string.h>

/* The value of the refusal's extra field name, or NULL. */
static const char *
fieldv(const nb_sigv4_err *e, const char *name)
{
    for (size_t i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return e->fields[i].value;
    return NULL;
}

/* rc is a refusal with this code, status and (unless NULL) message. */
static void
expect_err(int rc, const nb_sigv4_err *e, const char *code, int status, const char *msg,
           const char *what)
{
    char name[256];
    snprintf(name, sizeof(name), "%s: refused", what);
    t_inteq(rc, NB_EAWS, name);
    snprintf(name, sizeof(name), "%s: code", what);
    t_streq(e->code, code, name);
    snprintf(name, sizeof(name), "%s: status", what);
    t_inteq(e->status, status, name);
    if (msg) {
        snprintf(name, sizeof(name), "%s: message", what);
        t_streq(e->message, msg, name);
    }
}

#endif
