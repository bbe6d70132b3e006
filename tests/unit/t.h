/*
 * t.h: a tiny TAP harness for the C unit tests. Each test file is one
 * program: it calls the checks below and ends with `return t_done();`,
 * which prints the plan and exits non-zero when any check failed.
 * scripts/run-tests.sh counts the "ok"/"not ok" lines.
 */
#ifndef T_H
#define T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

static inline void
t_ok_at(int cond, const char *file, int line, const char *name)
{
    t_n++;
    if (cond) {
        printf("ok %d - %s\n", t_n, name);
    } else {
        t_failed++;
        printf("not ok %d - %s\n#   at %s:%d\n", t_n, name, file, line);
    }
    fflush(stdout);
}

#define t_ok(cond, name) t_ok_at(!!(cond), __FILE__, __LINE__, (name))

/* String equality with a diagnostic showing both sides. */
#define t_streq(got, want, name)                                                              \
    do {                                                                                      \
        const char *t_g = (got), *t_w = (want);                                               \
        int t_c = t_g && t_w && strcmp(t_g, t_w) == 0;                                        \
        t_ok_at(t_c, __FILE__, __LINE__, (name));                                             \
        if (!t_c)                                                                             \
            printf("#   got:  %s\n#   want: %s\n", t_g ? t_g : "(null)", t_w ? t_w : "(null)"); \
    } while (0)

#define t_inteq(got, want, name)                                                              \
    do {                                                                                      \
        long long t_g = (long long)(got), t_w = (long long)(want);                            \
        t_ok_at(t_g == t_w, __FILE__, __LINE__, (name));                                      \
        if (t_g != t_w)                                                                       \
            printf("#   got:  %lld\n#   want: %lld\n", t_g, t_w);                             \
    } while (0)

static inline int
t_done(void)
{
    printf("1..%d\n", t_n);
    return t_failed ? 1 : 0;
}

#endif
