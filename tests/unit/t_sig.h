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

#define T_SIG_MAX_VECS 32
#define T_SIG_MAX_HDRS 32

/* One vector of the independent signer: what the SigV4 and the SigV2
 * scripts write (a tag one of them does not write stays NULL). */
typedef struct t_sig_vec {
    const char *name;                  /* case name */
    int kind;                          /* the case line's third field, by the
                                          test's kind_of: SigV4's style,
                                          SigV2's presigned form */
    const char *secret;                /* secret access key */
    const char *method;                /* HTTP method */
    const char *path;                  /* path as sent */
    const char *query;                 /* raw query */
    const char *resource;              /* SigV2: the path it signs */
    const char *body;                  /* SigV4: body bytes (NUL after) */
    size_t body_len;                   /* their number */
    const char *canon;                 /* SigV4: botocore's canonical request */
    const char *sts;                   /* botocore's string to sign */
    nb_header headers[T_SIG_MAX_HDRS]; /* headers as sent */
    size_t nheaders;                   /* their number */
} t_sig_vec;

static t_sig_vec t_vecs[T_SIG_MAX_VECS];
static size_t t_nvecs;
static nb_arena *t_vec_arena;
static int (*t_vec_kind)(const char *field);

/* One line of a vector file, "tag<TAB>arg[<TAB>extra]" (extra NULL when
 * absent, arg "" then): "case" starts a vector, the other tags fill the
 * latest. */
static void
t_vec_line(const char *tag, const char *arg, const char *extra)
{
    nb_arena *a = t_vec_arena;
    t_sig_vec *v = t_nvecs ? &t_vecs[t_nvecs - 1] : NULL;
    if (strcmp(tag, "case") == 0 && t_nvecs < T_SIG_MAX_VECS) {
        v = &t_vecs[t_nvecs++];
        v->name = nb_arena_strdup(a, arg);
        v->kind = t_vec_kind(extra ? extra : "");
    } else if (!v) {
        return;
    } else if (strcmp(tag, "secret") == 0) {
        v->secret = nb_arena_strdup(a, arg);
    } else if (strcmp(tag, "method") == 0) {
        v->method = nb_arena_strdup(a, arg);
    } else if (strcmp(tag, "path") == 0) {
        v->path = nb_arena_strdup(a, arg);
    } else if (strcmp(tag, "query") == 0) {
        v->query = nb_arena_strdup(a, arg);
    } else if (strcmp(tag, "resource") == 0) {
        v->resource = nb_arena_strdup(a, arg);
    } else if (strcmp(tag, "header") == 0 && extra && v->nheaders < T_SIG_MAX_HDRS) {
        v->headers[v->nheaders].name = nb_arena_strdup(a, arg);
        v->headers[v->nheaders++].value = t_unhex(a, extra, NULL);
    } else if (strcmp(tag, "body") == 0) {
        v->body = t_unhex(a, arg, &v->body_len);
    } else if (strcmp(tag, "canon") == 0) {
        v->canon = t_unhex(a, arg, NULL);
    } else if (strcmp(tag, "sts") == 0) {
        v->sts = t_unhex(a, arg, NULL);
    }
}

static void
t_read_vec_lines(FILE *f)
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
        t_vec_line(line, f1 ? f1 : "", f2);
    }
}

/* Reads into t_vecs (strings in arena a; kind_of turns each case line's
 * third field into its kind) the vectors in the file named by argv[1],
 * else those that the script `script` beside the test's source (here: the
 * caller's __FILE__) prints. Returns 0, or -1 when neither could be read. */
static int
t_load_vectors(int argc, char **argv, nb_arena *a, int (*kind_of)(const char *), const char *here,
               const char *script)
{
    t_vec_arena = a;
    t_vec_kind = kind_of;
    if (argc > 1) {
        FILE *f = fopen(argv[1], "r");
        if (!f)
            return -1;
        t_read_vec_lines(f);
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
    t_read_vec_lines(p);
    return pclose(p) == 0 ? 0 : -1;
}

/* The vector named name, or NULL. */
static const t_sig_vec *
t_find_vec(const char *name)
{
    for (size_t i = 0; i < t_nvecs; i++)
        if (strcmp(t_vecs[i].name, name) == 0)
            return &t_vecs[i];
    return NULL;
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
