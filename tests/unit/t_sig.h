/*
 * t_sig.h: what the SigV4 and SigV2 unit tests share: reading the vectors
 * an independent signer wrote, and checks of a signature refusal
 * (nb_sigv4_err). Include after t.h, core/arena.h and core/sigv4.h.
 */
#ifndef NB_T_SIG_H
#define NB_T_SIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hex text to bytes in arena a, NUL-terminated; *len (if not NULL) gets
 * their number. */
static char *
t_unhex(nb_arena *a, const char *h, size_t *len)
{
    static const char d[] = "0123456789abcdef";
    size_t n = strlen(h) / 2;
    char *out = nb_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        size_t hi = (size_t)(strchr(d, h[2 * i]) - d), lo = (size_t)(strchr(d, h[2 * i + 1]) - d);
        out[i] = (char)(hi << 4 | lo);
    }
    out[n] = '\0';
    if (len)
        *len = n;
    return out;
}

/* One line of a vector file, "tag<TAB>arg[<TAB>extra]": extra is NULL
 * when absent, arg "" then. */
typedef void t_vec_line(const char *tag, const char *arg, const char *extra);

static void
t_read_vec_lines(FILE *f, t_vec_line *fn)
{
    static char line[1 << 16];
    while (fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        char *f1 = strchr(line, '\t'), *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
        if (f1)
            *f1++ = '\0';
        if (f2)
            *f2++ = '\0';
        fn(line, f1 ? f1 : "", f2);
    }
}

/* Feeds fn the vectors in the file named by argv[1], else those that the
 * script `script` beside the test's source (here: the caller's __FILE__)
 * prints. Returns 0, or -1 when neither could be read. */
static int
t_load_vectors(int argc, char **argv, const char *here, const char *script, t_vec_line *fn)
{
    if (argc > 1) {
        FILE *f = fopen(argv[1], "r");
        if (!f)
            return -1;
        t_read_vec_lines(f, fn);
        fclose(f);
        return 0;
    }
    const char *slash = strrchr(here, '/');
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %.*s%s%s", slash ? (int)(slash - here + 1) : 0,
             here, slash ? "" : "./", script);
    FILE *p = popen(cmd, "r"); /* checksrc:allow BANNED because tests may run the signer */
    if (!p)
        return -1;
    t_read_vec_lines(p, fn);
    return pclose(p) == 0 ? 0 : -1;
}

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
