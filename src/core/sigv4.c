/*
 * sigv4.c: finding AWS request signatures (checking them is
 * sigv4_verify.c's).
 *
 * Parsing reads the Authorization header (SigV4 or legacy SigV2) or the
 * signing parameters of a presigned URL and keeps slices of them; it runs
 * on every request, so it allocates only to percent-decode a presigned
 * parameter. What it finds, and what is wrong with it (nb_sigv4_bad),
 * is what sigv4_verify.c checks and words as AWS does.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sigv4.h"
#include "sigv4_int.h"

#define ALGORITHM_4A "AWS4-ECDSA-P256-SHA256" /* SigV4a */

/* ---------------------------------------------------------------- bytes */

/* Percent-decodes s (sigv4_int.h). */
int
nb_sigv4_pct_decode(nb_arena *a, nb_str s, int plus, int strict, nb_str *out)
{
    size_t i = 0;
    while (i < s.len && s.p[i] != '%' && !(plus && s.p[i] == '+'))
        i++;
    if (i == s.len) {
        *out = s;
        return NB_OK;
    }
    char *d = nb_arena_alloc(a, s.len + 1);
    if (!d)
        return NB_ENOMEM;
    size_t n = 0;
    for (i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == '%') {
            int hi = s.len - i >= 3 ? hexval(s.p[i + 1]) : -1;
            int lo = s.len - i >= 3 ? hexval(s.p[i + 2]) : -1;
            if (hi >= 0 && lo >= 0) {
                d[n++] = (char)(hi << 4 | lo);
                i += 2;
                continue;
            }
            if (strict)
                return NB_EINVAL;
        } else if (plus && c == '+') {
            c = ' ';
        }
        d[n++] = c;
    }
    d[n] = '\0';
    *out = (nb_str){d, n};
    return NB_OK;
}

/* ------------------------------------------------------------- request */

/* Headers compare without case (sigv4_int.h). */
const char *
nb_sigv4_find_header(const nb_http_req *req, const char *lname)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        const nb_header *h = &req->headers[i];
        if (h->name && ieq(nb_str_c(h->name), lname))
            return h->value ? h->value : "";
    }
    return NULL;
}

/* Empty pairs ("a&&b") are skipped, as AWS does (sigv4_int.h). */
int
nb_sigv4_next_pair(nb_str q, size_t *pos, qpair *out)
{
    while (*pos < q.len) {
        size_t s = *pos, e = s;
        while (e < q.len && q.p[e] != '&')
            e++;
        *pos = e < q.len ? e + 1 : e;
        if (e == s)
            continue;
        size_t eq = s;
        while (eq < e && q.p[eq] != '=')
            eq++;
        out->key = (nb_str){q.p + s, eq - s};
        out->val = eq < e ? (nb_str){q.p + eq + 1, e - eq - 1} : (nb_str){q.p + e, 0};
        return 1;
    }
    return 0;
}

static const char *const q_names[Q_N] = {
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
    "X-Amz-Region-Set",
    "AWSAccessKeyId",
    "Signature",
    "Expires",
};

/* Only the first occurrence of a parameter counts (sigv4_int.h). */
void
nb_sigv4_scan_query(const char *query, qscan *q)
{
    memset(q, 0, sizeof(*q));
    nb_str s = nb_str_c(query);
    size_t pos = 0;
    qpair p;
    while (nb_sigv4_next_pair(s, &pos, &p)) {
        for (int i = 0; i < Q_N; i++) {
            if (!q->seen[i] && nb_str_eqc(p.key, q_names[i])) {
                q->seen[i] = 1;
                q->raw[i] = p.val;
                break;
            }
        }
    }
}

/* ---------------------------------------------------------------- parse */

/* How early a problem is reported: a higher rank wins. */
static int
bad_rank(nb_sigv4_bad b)
{
    switch (b) {
    case NB_SIGV4_OK:
        return 0;
    case NB_SIGV4_EMPTY_KEY:
        return 1;
    case NB_SIGV4_BAD_TERMINATOR:
        return 2;
    case NB_SIGV4_BAD_CREDENTIAL:
        return 3;
    case NB_SIGV4_BAD_ALGORITHM:
        return 4;
    case NB_SIGV4_MISSING:
        return 5;
    case NB_SIGV4_BAD_ESCAPE:
        return 6;
    case NB_SIGV4_BAD_PAIR:
        return 7;
    case NB_SIGV4_UNSUPPORTED:
        return 8;
    case NB_SIGV4_BOTH:
        return 9;
    }
    return 0;
}

static void
set_bad(nb_sigv4_auth *auth, nb_sigv4_bad bad, nb_str part)
{
    if (bad_rank(bad) > bad_rank(auth->bad)) {
        auth->bad = bad;
        auth->bad_part = part;
    }
}

/* Splits the Credential into AKID/date/region/service/terminator.
 * AWS ignores trailing slashes (dynalite's notes). */
static void
parse_credential(nb_sigv4_auth *auth)
{
    nb_str c = auth->credential, part[5];
    while (c.len && c.p[c.len - 1] == '/')
        c.len--;
    size_t n = 0, s = 0;
    for (size_t i = 0; i <= c.len && n <= 5; i++) {
        if (i < c.len && c.p[i] != '/')
            continue;
        if (n < 5)
            part[n] = (nb_str){c.p + s, i - s};
        n++;
        s = i + 1;
    }
    auth->access_key = part[0];
    if (n == 4 && nb_str_eqc(auth->algorithm, ALGORITHM_4A)) {
        /* AWS: SigV4a scopes have no region (X-Amz-Region-Set names it);
         * nimbus cannot verify them but routes them. */
        auth->date = part[1];
        auth->service = part[2];
        auth->terminator = part[3];
        auth->scope = (nb_str){part[1].p, (size_t)(c.p + c.len - part[1].p)};
        return;
    }
    if (n != 5) {
        set_bad(auth, NB_SIGV4_BAD_CREDENTIAL, auth->credential);
        return;
    }
    auth->date = part[1];
    auth->region = part[2];
    auth->service = part[3];
    auth->terminator = part[4];
    auth->scope = (nb_str){part[1].p, (size_t)(c.p + c.len - part[1].p)};
    if (!nb_str_eqc(part[4], TERMINATOR))
        set_bad(auth, NB_SIGV4_BAD_TERMINATOR, part[4]);
    if (part[0].len == 0)
        set_bad(auth, NB_SIGV4_EMPTY_KEY, part[0]);
}

/* Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
 * Components are separated by commas and/or white space. */
static void
parse_v4_params(nb_str h, size_t i, nb_sigv4_auth *auth)
{
    while (i < h.len) {
        while (i < h.len && (h.p[i] == ',' || is_space(h.p[i])))
            i++;
        size_t s = i;
        while (i < h.len && h.p[i] != ',' && !is_space(h.p[i]))
            i++;
        if (i == s)
            break;
        nb_str tok = {h.p + s, i - s};
        const char *eq = memchr(tok.p, '=', tok.len);
        if (!eq) {
            set_bad(auth, NB_SIGV4_BAD_PAIR, tok);
            continue;
        }
        nb_str key = {tok.p, (size_t)(eq - tok.p)};
        nb_str val = {eq + 1, tok.len - key.len - 1};
        if (nb_str_eqc(key, "Credential") && !auth->credential.len)
            auth->credential = val;
        else if (nb_str_eqc(key, "SignedHeaders") && !auth->signed_headers.len)
            auth->signed_headers = val;
        else if (nb_str_eqc(key, "Signature") && !auth->signature.len)
            auth->signature = val;
    }
    if (!auth->credential.len)
        auth->missing |= NB_SIGV4_NEED_CREDENTIAL;
    if (!auth->signature.len)
        auth->missing |= NB_SIGV4_NEED_SIGNATURE;
    if (!auth->signed_headers.len)
        auth->missing |= NB_SIGV4_NEED_SIGNED;
}

static void
parse_header(const nb_http_req *req, nb_str h, nb_sigv4_auth *auth)
{
    const char *v;
    auth->authorization = h;
    if ((v = nb_sigv4_find_header(req, "x-amz-date")))
        auth->amz_date = nb_str_c(v);
    if ((v = nb_sigv4_find_header(req, "date")))
        auth->http_date = nb_str_c(v);
    if ((v = nb_sigv4_find_header(req, "x-amz-security-token")))
        auth->token = nb_str_c(v);
    if ((v = nb_sigv4_find_header(req, "x-amz-region-set")))
        auth->region = nb_str_c(v);

    size_t i = 0;
    while (i < h.len && is_space(h.p[i]))
        i++;
    size_t s = i;
    while (i < h.len && !is_space(h.p[i]))
        i++;
    nb_str scheme = {h.p + s, i - s};
    if (nb_str_eqc(scheme, "AWS")) {
        /* AWS: SigV2 / S3 "Authorization: AWS AccessKeyId:Signature". */
        nb_str rest = trim((nb_str){h.p + i, h.len - i});
        const char *colon = memchr(rest.p, ':', rest.len);
        size_t klen = colon ? (size_t)(colon - rest.p) : rest.len;
        auth->kind = NB_SIGV4_V2_HEADER;
        auth->access_key = (nb_str){rest.p, klen};
        if (colon)
            auth->signature = (nb_str){colon + 1, rest.len - klen - 1};
        set_bad(auth, NB_SIGV4_UNSUPPORTED, scheme);
        return;
    }
    if (!has_prefix(scheme, "AWS4-")) {
        auth->kind = NB_SIGV4_OTHER_HEADER;
        set_bad(auth, NB_SIGV4_UNSUPPORTED, scheme);
        return;
    }
    auth->kind = NB_SIGV4_HEADER;
    auth->algorithm = scheme;
    parse_v4_params(h, i, auth);
    /* AWS: "Authorization header requires existence of either a
     * 'X-Amz-Date' or a 'Date' header." */
    if (!auth->amz_date.len && !auth->http_date.len)
        auth->missing |= NB_SIGV4_NEED_DATE;
    if (auth->missing)
        set_bad(auth, NB_SIGV4_MISSING, NB_NULL_STR);
    if (!nb_str_eqc(scheme, ALGORITHM))
        set_bad(auth, NB_SIGV4_BAD_ALGORITHM, scheme);
    if (auth->credential.len)
        parse_credential(auth);
}

/* Decodes presigned parameter i into *out, or records it as missing. */
static int
take_param(nb_arena *a, const qscan *q, int i, unsigned need, int plus, nb_str *out,
           nb_sigv4_auth *auth)
{
    if (!q->seen[i] || !q->raw[i].len) {
        auth->missing |= need;
        return NB_OK;
    }
    int rc = nb_sigv4_pct_decode(a, q->raw[i], plus, 1, out);
    if (rc == NB_EINVAL) {
        set_bad(auth, NB_SIGV4_BAD_ESCAPE, q->raw[i]);
        return NB_OK;
    }
    return rc;
}

static int
parse_query_v4(nb_arena *a, const qscan *q, nb_sigv4_auth *auth)
{
    static const struct {
        int q;         /* parameter */
        unsigned need; /* its NB_SIGV4_NEED_* bit */
        size_t off;    /* its field in nb_sigv4_auth */
    } params[] = {
        {Q_ALG, NB_SIGV4_NEED_ALGORITHM, offsetof(nb_sigv4_auth, algorithm)},
        {Q_CRED, NB_SIGV4_NEED_CREDENTIAL, offsetof(nb_sigv4_auth, credential)},
        {Q_SIG, NB_SIGV4_NEED_SIGNATURE, offsetof(nb_sigv4_auth, signature)},
        {Q_SIGNED, NB_SIGV4_NEED_SIGNED, offsetof(nb_sigv4_auth, signed_headers)},
        {Q_DATE, NB_SIGV4_NEED_DATE, offsetof(nb_sigv4_auth, amz_date)},
        {Q_EXPIRES, NB_SIGV4_NEED_EXPIRES, offsetof(nb_sigv4_auth, expires)},
    };
    auth->kind = NB_SIGV4_QUERY;
    for (size_t i = 0; i < NB_ARRAY_LEN(params); i++) {
        nb_str *f = (nb_str *)((char *)auth + params[i].off);
        int rc = take_param(a, q, params[i].q, params[i].need, 1, f, auth);
        if (rc)
            return rc;
    }
    /* A session token may hold '+' that a client left unencoded. */
    int rc = take_param(a, q, Q_TOKEN, 0, 0, &auth->token, auth);
    if (!rc && q->seen[Q_REGIONS])
        rc = take_param(a, q, Q_REGIONS, 0, 1, &auth->region, auth);
    if (rc)
        return rc;
    /* AWS: S3 alone requires X-Amz-Expires; Coral services ignore it
     * (github.com/aws/aws-sdk-go/issues/2167). verify decides. */
    if (auth->missing & ~NB_SIGV4_NEED_EXPIRES)
        set_bad(auth, NB_SIGV4_MISSING, NB_NULL_STR);
    if (auth->algorithm.len && !nb_str_eqc(auth->algorithm, ALGORITHM))
        set_bad(auth, NB_SIGV4_BAD_ALGORITHM, auth->algorithm);
    if (auth->credential.len)
        parse_credential(auth);
    return NB_OK;
}

static int
parse_query_v2(nb_arena *a, const qscan *q, nb_sigv4_auth *auth)
{
    auth->kind = NB_SIGV4_V2_QUERY;
    int rc = take_param(a, q, Q_V2KEY, 0, 1, &auth->access_key, auth);
    if (!rc)
        rc = take_param(a, q, Q_V2SIG, 0, 1, &auth->signature, auth);
    if (!rc)
        rc = take_param(a, q, Q_V2EXP, 0, 1, &auth->expires, auth);
    set_bad(auth, NB_SIGV4_UNSUPPORTED, NB_NULL_STR);
    return rc;
}

int
nb_sigv4_parse(nb_arena *a, const nb_http_req *req, nb_sigv4_auth *auth)
{
    memset(auth, 0, sizeof(*auth));
    const char *h = nb_sigv4_find_header(req, "authorization");
    qscan q;
    nb_sigv4_scan_query(req->query, &q);
    int rc = NB_OK;
    if (h) {
        parse_header(req, nb_str_c(h), auth);
        /* AWS: one mechanism only ("Found both 'X-Amz-Algorithm' as a
         * query-string param and 'Authorization' as HTTP header."). */
        if (q.seen[Q_ALG] || (q.seen[Q_V2KEY] && q.seen[Q_V2SIG]))
            set_bad(auth, NB_SIGV4_BOTH, NB_NULL_STR);
    } else if (q.seen[Q_ALG] || q.seen[Q_CRED] || q.seen[Q_SIG]) {
        rc = parse_query_v4(a, &q, auth);
    } else if (q.seen[Q_V2KEY]) {
        rc = parse_query_v2(a, &q, auth);
    }
    if (rc)
        return rc;
    if (auth->bad == NB_SIGV4_OK)
        return NB_OK;
    if (auth->bad == NB_SIGV4_UNSUPPORTED &&
        (auth->kind == NB_SIGV4_V2_HEADER || auth->kind == NB_SIGV4_V2_QUERY))
        return NB_OK;
    return NB_EINVAL;
}

int
nb_sigv4_key_account(nb_str access_key, char out[13])
{
    if (access_key.len != 12)
        return NB_ENOTFOUND;
    for (size_t i = 0; i < 12; i++)
        if (!is_digit(access_key.p[i]))
            return NB_ENOTFOUND;
    memcpy(out, access_key.p, 12);
    out[12] = '\0';
    return NB_OK;
}
