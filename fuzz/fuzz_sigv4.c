/*
 * fuzz_sigv4.c: libFuzzer target for the SigV4 parser and verifier. The
 * input is one flag byte and then '\n'-separated fields; the parser sees
 * them as the Authorization header, the query string, X-Amz-Date, Date,
 * the path, x-amz-content-sha256, and the body (the rest). The flag byte
 * picks the error style (bits 0-1) and which headers are present (bits
 * 2-5). Every input is parsed, then verified with a fixed secret and
 * clock, so the canonicalisation runs on hostile bytes too.
 *
 *   clang -std=c11 -D_GNU_SOURCE -Isrc -O1 -g -fsanitize=fuzzer,address,undefined \
 *       fuzz/fuzz_sigv4.c src/core/sigv4.c src/core/arena.c src/core/buf.c \
 *       src/core/mem.c -lcrypto -o /tmp/fs && /tmp/fs fuzz/corpus/sigv4
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { F_AUTH, F_QUERY, F_AMZ_DATE, F_DATE, F_PATH, F_SHA, F_BODY, F_N };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    nb_arena *a = nb_arena_new(0);
    if (!a)
        return 0;
    unsigned flags = data[0];
    const char *f[F_N] = {"", "", "", "", "/", "", ""};
    size_t body_len = 0, pos = 1;
    for (int i = 0; i < F_N && pos <= size; i++) {
        size_t e = pos;
        if (i < F_BODY)
            while (e < size && data[e] != '\n')
                e++;
        else
            e = size;
        char *s = nb_arena_strndup(a, (const char *)data + pos, e - pos);
        if (!s)
            goto out;
        f[i] = s;
        if (i == F_BODY)
            body_len = e - pos;
        pos = e + 1;
    }

    nb_header h[6];
    size_t nh = 0;
    h[nh++] = (nb_header){"host", "localhost:4566"};
    if (flags & 4)
        h[nh++] = (nb_header){"authorization", f[F_AUTH]};
    if (flags & 8)
        h[nh++] = (nb_header){"x-amz-date", f[F_AMZ_DATE]};
    if (flags & 16)
        h[nh++] = (nb_header){"date", f[F_DATE]};
    if (flags & 32)
        h[nh++] = (nb_header){"x-amz-content-sha256", f[F_SHA]};
    h[nh++] = (nb_header){"x-amz-meta-x", " folded   value "};
    nb_http_req req = {.method = (flags & 64) ? "PUT" : "GET",
                       .url = f[F_PATH],
                       .query = f[F_QUERY],
                       .host = "localhost:4566",
                       .headers = h,
                       .nheaders = nh,
                       .body = f[F_BODY],
                       .body_len = body_len};

    nb_sigv4_auth auth;
    int rc = nb_sigv4_parse(a, &req, &auth);
    if (rc != NB_OK && rc != NB_EINVAL && rc != NB_ENOMEM)
        abort();
    if (rc == NB_ENOMEM)
        goto out;
    char acct[13];
    nb_sigv4_key_account(auth.access_key, acct);

    nb_sigv4_err err;
    int style = (int)(flags & 3);
    rc =
        nb_sigv4_verify(a, &req, &auth, (flags & 128) ? NULL : "secret", 1709987696.0, style, &err);
    if (rc == NB_EAWS && (!err.code || !err.message || (err.status != 400 && err.status != 403)))
        abort();
    if (rc != NB_OK && rc != NB_EAWS && rc != NB_ENOMEM)
        abort();
    nb_sigv4_reject(a, style, NB_SIGV4_UNKNOWN_KEY, &auth, &err);
out:
    nb_arena_free(a);
    return 0;
}
