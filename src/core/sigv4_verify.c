/*
 * sigv4_verify.c: checking AWS request signatures (finding them is
 * sigv4.c's). Verification, off by default, follows AWS's SigV4 rules
 * step by step (canonical request, string to sign, signing key, HMAC)
 * with OpenSSL's libcrypto, and refuses a request with the code, status
 * and message the AWS service would send. The order of the checks is
 * AWS's: for the Coral-based services (query, JSON) it is the order the
 * DynamoDB emulator dynalite recorded against AWS (form, date, expiry,
 * Host signed, algorithm, credential, scope, key, signature); S3 checks
 * the header's form first, then the date, then the key and signature.
 * Dates are read and written by timefmt.c.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "arena.h"
#include "buf.h"
#include "digest.h"
#include "file.h"
#include "limits.h"
#include "sigv4.h"
#include "sigv4_int.h"
#include "timefmt.h"

#define UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* AWS: requests more than 15 minutes from the server clock are refused
 * (RequestExpired in the common errors; S3 MaxAllowedSkewMilliseconds). */
#define SKEW_S 900
/* AWS: X-Amz-Expires is at most 604800 seconds (seven days);
 * sigv4-query-string-auth.html. */
#define EXPIRES_MAX 604800
/* Bound on one canonical request: the request line and headers are
 * bounded by the server long before this. */
#define CANON_MAX (4u * 1024 * 1024)

/* AWS: the Coral services' messages, as recorded by dynalite (DynamoDB)
 * and seen in SDK issues for STS, SQS, IAM and CloudFormation. */
#define MSG_SIGNATURE                                                                              \
    "The request signature we calculated does not match the signature you "                        \
    "provided. Check your AWS Secret Access Key and signing method. Consult the "                  \
    "service documentation for details."
#define MSG_BAD_TOKEN "The security token included in the request is invalid."
/* AWS: S3 error responses, e.g. github.com/minio/minio/issues/2986. */
#define MSG_BUCKET_SIGNATURE                                                                       \
    "The request signature we calculated does not match the signature you "                        \
    "provided. Check your key and signing method."
#define MSG_BUCKET_CRED_FORMAT "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."

/* ---------------------------------------------------------------- bytes */

static void
hex_lower(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int
is_sha256_hex(nb_str s)
{
    if (s.len != 64)
        return 0;
    for (size_t i = 0; i < 64; i++)
        if (hexval(s.p[i]) < 0)
            return 0;
    return 1;
}

static int
unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

/* Appends s URI-encoded as SigV4 wants: every byte but the unreserved
 * characters (and '/' when keep_slash) as %XY with upper-case hex.
 * AWS: create-signed-request.html, "UriEncode". */
static int
add_encoded(nb_buf *b, nb_str s, int keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        int rc;
        if (unreserved(c) || (keep_slash && c == '/')) {
            rc = nb_buf_addc(b, (char)c);
        } else {
            char e[3] = {'%', digits[c >> 4], digits[c & 15]};
            rc = nb_buf_add(b, e, 3);
        }
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* Appends a header value trimmed, with runs of white space folded into
 * one space. AWS: create-signed-request.html, "Trimall"; botocore does
 * ' '.join(value.split()). */
static int
add_folded(nb_buf *b, const char *v)
{
    int started = 0, pending = 0;
    for (; *v; v++) {
        if (is_space(*v)) {
            pending = started;
            continue;
        }
        if (pending && nb_buf_addc(b, ' '))
            return NB_ENOMEM;
        if (nb_buf_addc(b, *v))
            return NB_ENOMEM;
        started = 1;
        pending = 0;
    }
    return NB_OK;
}

/* ----------------------------------------------------------------- time */

/* X-Amz-Date: ISO 8601 basic format, exactly YYYYMMDD'T'HHMMSS'Z' (the
 * length and letters pin timefmt's reader to that one form). */
static int
parse_amz_date(nb_str s, int64_t *t)
{
    double d;
    if (s.len != 16 || s.p[8] != 'T' || s.p[15] != 'Z' ||
        nb_time_parse_iso8601(s.p, s.len, &d) != NB_OK)
        return -1;
    *t = (int64_t)d;
    return 0;
}

/* The Date header: an HTTP date ([Day,] DD Mon YYYY HH:MM:SS zone, zone
 * being GMT, UTC, Z or +hhmm/-hhmm; botocore's formatdate() writes -0000),
 * white space around it ignored. */
static int
parse_http_date(nb_str s, int64_t *t)
{
    double d;
    s = trim(s);
    if (nb_time_parse_rfc822(s.p, s.len, &d) != NB_OK)
        return -1;
    *t = (int64_t)d;
    return 0;
}

/* ---------------------------------------------------------------- errors */

typedef nb_sig_ctx ctx;

const char *
nb_sig_afmt(nb_sig_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = c->a ? nb_arena_vprintf(c->a, fmt, ap) : NULL;
    va_end(ap);
    if (!s) {
        c->oom = 1;
        return "";
    }
    return s;
}

int
nb_sig_fail(nb_sig_ctx *c, const char *code, int status, const char *msg)
{
    c->err->code = code;
    c->err->status = status;
    c->err->message = msg;
    return NB_EAWS;
}

void
nb_sig_field(nb_sig_ctx *c, const char *name, const char *value)
{
    nb_sigv4_err *e = c->err;
    if (NB_ALWAYS(e->nfields < NB_SIGV4_FIELDS_MAX))
        e->fields[e->nfields++] = (nb_sigv4_field){name, value};
}

/* The four error families of the Coral services. */
typedef enum family { F_SIGNATURE, F_INCOMPLETE, F_NO_TOKEN, F_BAD_KEY } family;

/* AWS: query services answer SignatureDoesNotMatch, IncompleteSignature
 * (400), MissingAuthenticationToken, InvalidClientTokenId (403) per the
 * common errors pages (e.g. STS/latest/APIReference/CommonErrors.html);
 * awsJson services (DynamoDB's error handling page, dynalite) answer
 * InvalidSignatureException, IncompleteSignatureException,
 * MissingAuthenticationTokenException and UnrecognizedClientException
 * with 400; restJson1 services (Lambda, API Gateway) the same names with
 * 403. */
static int
coral(ctx *c, family f, const char *msg)
{
    static const char *const query[] = {"SignatureDoesNotMatch", "IncompleteSignature",
                                        "MissingAuthenticationToken", "InvalidClientTokenId"};
    static const char *const json[] = {"InvalidSignatureException", "IncompleteSignatureException",
                                       "MissingAuthenticationTokenException",
                                       "UnrecognizedClientException"};
    static const int query_status[] = {403, 400, 403, 403};
    if (c->style == NB_SIGV4_STYLE_JSON)
        return nb_sig_fail(c, json[f], 400, msg);
    if (c->style == NB_SIGV4_STYLE_REST_JSON)
        return nb_sig_fail(c, json[f], 403, msg);
    return nb_sig_fail(c, query[f], query_status[f], msg);
}

static int
no_token(ctx *c)
{
    /* AWS: "Request is missing Authentication Token" (STS, DynamoDB);
     * restJson1 services and API Gateway say "Missing Authentication Token". */
    return coral(c, F_NO_TOKEN,
                 c->style == NB_SIGV4_STYLE_REST_JSON ? "Missing Authentication Token"
                                                      : "Request is missing Authentication Token");
}

static const char *
sdup(ctx *c, nb_str s)
{
    return nb_sig_afmt(c, "%.*s", (int)s.len, s.p ? s.p : "");
}

/* "41 57 53 34": S3's *Bytes fields, lower-case hex, a space apart. */
static const char *
spaced_hex(ctx *c, const char *s)
{
    size_t n = strlen(s);
    char *out = c->a ? nb_arena_alloc(c->a, n * 3 + 1) : NULL;
    if (!out) {
        c->oom = 1;
        return "";
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        hex_lower((const unsigned char *)s + i, 1, out + 3 * i);
        out[3 * i + 2] = i + 1 < n ? ' ' : '\0';
    }
    return out;
}

void
nb_sigv4_reject(nb_arena *a, int style, nb_sigv4_reason reason, const nb_sigv4_auth *auth,
                nb_sigv4_err *err)
{
    ctx c = {
        .a = a, .auth = auth, .style = style, .bucket = style == NB_SIGV4_STYLE_BUCKET, .err = err};
    memset(err, 0, sizeof(*err));
    if (!c.bucket) {
        if (reason == NB_SIGV4_NO_AUTH)
            no_token(&c);
        else
            coral(&c, F_BAD_KEY, MSG_BAD_TOKEN);
        return;
    }
    switch (reason) {
    case NB_SIGV4_NO_AUTH:
        nb_sig_fail(&c, "AccessDenied", 403, "Access Denied");
        break;
    case NB_SIGV4_UNKNOWN_KEY:
        /* AWS: S3 InvalidAccessKeyId, with the key in AWSAccessKeyId. */
        nb_sig_fail(&c, "InvalidAccessKeyId", 403,
                    "The AWS Access Key Id you provided does not exist in our records.");
        nb_sig_field(&c, "AWSAccessKeyId", auth ? sdup(&c, auth->access_key) : "");
        break;
    case NB_SIGV4_BAD_TOKEN:
        nb_sig_fail(&c, "InvalidToken", 400,
                    "The provided token is malformed or otherwise invalid.");
        break;
    }
}

/* --------------------------------------------------------- form checks */

/* AWS: IncompleteSignature messages list each missing component, then
 * echo the header; presigned requests list the missing parameters.
 * (dynalite; SES and CloudFront answers quoted in SDK issues.) */
static int
coral_missing(ctx *c, unsigned missing)
{
    const nb_sigv4_auth *au = c->auth;
    static const struct {
        unsigned bit;     /* NB_SIGV4_NEED_* */
        const char *name; /* in the header / as a parameter */
    } hdr[] = {{NB_SIGV4_NEED_CREDENTIAL, "Credential"},
               {NB_SIGV4_NEED_SIGNATURE, "Signature"},
               {NB_SIGV4_NEED_SIGNED, "SignedHeaders"}},
      qry[] = {{NB_SIGV4_NEED_ALGORITHM, "X-Amz-Algorithm"},
               {NB_SIGV4_NEED_CREDENTIAL, "X-Amz-Credential"},
               {NB_SIGV4_NEED_SIGNATURE, "X-Amz-Signature"},
               {NB_SIGV4_NEED_SIGNED, "X-Amz-SignedHeaders"},
               {NB_SIGV4_NEED_DATE, "X-Amz-Date"}};
    nb_buf b;
    nb_buf_init(&b, CANON_MAX);
    int rc = 0;
    if (au->kind == NB_SIGV4_QUERY) {
        for (size_t i = 0; i < NB_ARRAY_LEN(qry); i++)
            if (missing & qry[i].bit)
                rc |=
                    nb_buf_addf(&b, "AWS query-string parameters must include '%s'. ", qry[i].name);
        rc |= nb_buf_adds(&b, "Re-examine the query-string parameters.");
    } else {
        for (size_t i = 0; i < NB_ARRAY_LEN(hdr); i++)
            if (missing & hdr[i].bit)
                rc |=
                    nb_buf_addf(&b, "Authorization header requires '%s' parameter. ", hdr[i].name);
        if (missing & NB_SIGV4_NEED_DATE)
            rc |= nb_buf_adds(&b, "Authorization header requires existence of either a "
                                  "'X-Amz-Date' or a 'Date' header. ");
        rc |= nb_buf_addf(&b, "Authorization=%.*s", (int)au->authorization.len,
                          au->authorization.p ? au->authorization.p : "");
    }
    const char *msg = rc ? "" : nb_sig_afmt(c, "%s", b.p ? b.p : "");
    c->oom |= rc != 0;
    nb_buf_free(&b);
    return coral(c, F_INCOMPLETE, msg);
}

static const char *
cred_count_msg(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    return nb_sig_afmt(c,
                       "Credential must have exactly 5 slash-delimited elements, e.g. "
                       "keyid/date/region/service/term, got '%.*s'",
                       (int)au->credential.len, au->credential.p ? au->credential.p : "");
}

static int
coral_form(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    unsigned all = NB_SIGV4_NEED_CREDENTIAL | NB_SIGV4_NEED_SIGNATURE | NB_SIGV4_NEED_SIGNED;
    switch (au->bad) {
    case NB_SIGV4_BOTH:
        return coral(c, F_SIGNATURE,
                     "Found both 'X-Amz-Algorithm' as a query-string param "
                     "and 'Authorization' as HTTP header.");
    case NB_SIGV4_UNSUPPORTED:
        /* AWS: DynamoDB answers a non-AWS4 Authorization with
         * MissingAuthenticationTokenException (dynalite); CloudFront and
         * API Gateway answer IncompleteSignature listing every part. */
        if (c->style == NB_SIGV4_STYLE_QUERY && au->kind != NB_SIGV4_V2_QUERY)
            return coral_missing(
                c, all | (au->amz_date.len || au->http_date.len ? 0 : NB_SIGV4_NEED_DATE));
        return no_token(c);
    case NB_SIGV4_BAD_PAIR:
        return coral(c, F_INCOMPLETE,
                     nb_sig_afmt(c,
                                 "'%.*s' not a valid key=value pair (missing equal-sign) in "
                                 "Authorization header: '%.*s'.",
                                 (int)au->bad_part.len, au->bad_part.p, (int)au->authorization.len,
                                 au->authorization.p));
    case NB_SIGV4_MISSING:
        return coral_missing(c, au->missing);
    case NB_SIGV4_BAD_ESCAPE:
        /* Not seen from AWS: a parameter that cannot be decoded is
         * reported like a credential that cannot be split. */
        return coral(c, F_INCOMPLETE,
                     nb_sig_afmt(c,
                                 "Credential must have exactly 5 slash-delimited elements, e.g. "
                                 "keyid/date/region/service/term, got '%.*s'",
                                 (int)au->bad_part.len, au->bad_part.p));
    default:
        return NB_OK;
    }
}

static int
bucket_malformed(ctx *c, const char *what)
{
    return nb_sig_fail(c, "AuthorizationHeaderMalformed", 400,
                       nb_sig_afmt(c, "The authorization header is malformed; %s", what));
}

static int
bucket_query_error(ctx *c, const char *msg)
{
    return nb_sig_fail(c, "AuthorizationQueryParametersError", 400, msg);
}

static int
bucket_invalid_argument(ctx *c, const char *msg, const char *name, nb_str value)
{
    nb_sig_fail(c, "InvalidArgument", 400, msg);
    nb_sig_field(c, "ArgumentName", name);
    nb_sig_field(c, "ArgumentValue", sdup(c, value));
    return NB_EAWS;
}

/* AWS: S3's answers to a malformed presigned URL (LocalStack's S3
 * presigned-URL validation, checked against AWS; SDK issues). */
static int
bucket_query_form(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    if (au->missing)
        return bucket_query_error(c, "Query-string authentication version 4 requires the "
                                     "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
                                     "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires "
                                     "parameters.");
    switch (au->bad) {
    case NB_SIGV4_BAD_ALGORITHM:
        return bucket_query_error(c, "X-Amz-Algorithm only supports \"" ALGORITHM "\"");
    case NB_SIGV4_EMPTY_KEY:
        return bucket_query_error(c, "Error parsing the X-Amz-Credential parameter; a non-empty "
                                     "Access Key (AKID) must be provided in the credential.");
    case NB_SIGV4_OK:
        return NB_OK;
    default:
        return bucket_query_error(c, "Error parsing the X-Amz-Credential parameter; the "
                                     "Credential is mal-formed; expecting " MSG_BUCKET_CRED_FORMAT);
    }
}

static int
bucket_form(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    switch (au->bad) {
    case NB_SIGV4_BOTH:
        return bucket_invalid_argument(c,
                                       "Only one auth mechanism allowed; only the X-Amz-Algorithm "
                                       "query parameter, Signature query string parameter or the "
                                       "Authorization header should be specified",
                                       "Authorization", au->authorization);
    case NB_SIGV4_UNSUPPORTED:
        if (au->kind == NB_SIGV4_OTHER_HEADER)
            return bucket_invalid_argument(c, "Unsupported Authorization Type", "Authorization",
                                           au->authorization);
        /* AWS: SigV2 where only SigV4 is accepted. */
        return nb_sig_fail(c, "InvalidRequest", 400,
                           "The authorization mechanism you have provided is not supported. Please "
                           "use " ALGORITHM ".");
    default:
        break;
    }
    if (au->kind == NB_SIGV4_QUERY)
        return bucket_query_form(c);
    switch (au->bad) {
    case NB_SIGV4_BAD_PAIR:
    case NB_SIGV4_MISSING:
        if (au->bad == NB_SIGV4_MISSING && au->missing == NB_SIGV4_NEED_DATE)
            return nb_sig_fail(c, "AccessDenied", 403,
                               "AWS authentication requires a valid Date or x-amz-date header");
        return bucket_malformed(c, "the authorization header requires three components: "
                                   "Credential, SignedHeaders, and Signature.");
    case NB_SIGV4_BAD_ALGORITHM:
        return bucket_invalid_argument(c, "Unsupported Authorization Type", "Authorization",
                                       au->authorization);
    case NB_SIGV4_EMPTY_KEY:
        return bucket_malformed(c, "a non-empty Access Key (AKID) must be provided in the "
                                   "credential.");
    case NB_SIGV4_OK:
        return NB_OK;
    default:
        return bucket_malformed(c,
                                "the Credential is mal-formed; expecting " MSG_BUCKET_CRED_FORMAT);
    }
}

/* --------------------------------------------------------- time checks */

/* Reads the request time into c->t and c->amz; -1 when it is invalid. */
static int
read_time(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    int bad = au->amz_date.len ? parse_amz_date(au->amz_date, &c->t)
                               : parse_http_date(au->http_date, &c->t);
    if (!bad)
        nb_time_basic(c->amz, c->t);
    return bad;
}

static int
coral_time(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    if (read_time(c)) {
        nb_str d = au->amz_date.len ? au->amz_date : au->http_date;
        return coral(c, F_INCOMPLETE,
                     nb_sig_afmt(c,
                                 "Date must be in ISO-8601 'basic format'. Got '%.*s'. See "
                                 "http://en.wikipedia.org/wiki/ISO_8601",
                                 (int)d.len, d.p));
    }
    /* AWS: "Signature expired: 20130301T000000Z is now earlier than
     * 20130609T094515Z (20130609T100015Z - 15 min.)" and "Signature not
     * yet current: ... is still later than ... (... + 15 min.)". Coral
     * services apply this to presigned URLs too and ignore X-Amz-Expires
     * (github.com/aws/aws-sdk-go/issues/2167). */
    char now[32], edge[32];
    nb_time_basic(now, c->now);
    if (c->t < c->now - SKEW_S) {
        nb_time_basic(edge, c->now - SKEW_S);
        return coral(c, F_SIGNATURE,
                     nb_sig_afmt(c, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
                                 c->amz, edge, now));
    }
    if (c->t > c->now + SKEW_S) {
        nb_time_basic(edge, c->now + SKEW_S);
        return coral(
            c, F_SIGNATURE,
            nb_sig_afmt(c, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
                        c->amz, edge, now));
    }
    return NB_OK;
}

/* X-Amz-Expires of a presigned S3 URL. */
static int
bucket_expires(ctx *c, int64_t *expires)
{
    nb_str e = c->auth->expires;
    size_t i = e.len && e.p[0] == '-' ? 1 : 0;
    int64_t v = 0;
    if (i == e.len)
        return bucket_query_error(c, "X-Amz-Expires should be a number");
    for (; i < e.len; i++) {
        if (!is_digit(e.p[i]))
            return bucket_query_error(c, "X-Amz-Expires should be a number");
        if (v < 10 * (int64_t)EXPIRES_MAX)
            v = v * 10 + (e.p[i] - '0');
    }
    if (e.p[0] == '-' && v > 0)
        return bucket_query_error(c, "X-Amz-Expires must be non-negative");
    /* AWS: "X-Amz-Expires must be less than a week (in seconds); that is,
     * the given X-Amz-Expires must be less than 604800 seconds"; 604800
     * itself is accepted. */
    if (v > EXPIRES_MAX)
        return bucket_query_error(c,
                                  "X-Amz-Expires must be less than a week (in seconds); that "
                                  "is, the given X-Amz-Expires must be less than 604800 seconds");
    *expires = v;
    return NB_OK;
}

static int
bucket_time(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    int query = au->kind == NB_SIGV4_QUERY;
    if (read_time(c)) {
        if (query)
            return bucket_query_error(c, "X-Amz-Date must be in the ISO8601 Long Format "
                                         "\"yyyyMMdd'T'HHmmss'Z'\"");
        return nb_sig_fail(c, "AccessDenied", 403,
                           "AWS authentication requires a valid Date or x-amz-date header");
    }
    if (!nb_str_eq(au->date, (nb_str){c->amz, 8})) {
        if (query)
            return bucket_query_error(
                c, nb_sig_afmt(c,
                               "Invalid credential date \"%.*s\". This date is not "
                               "the same as X-Amz-Date: \"%.8s\".",
                               (int)au->date.len, au->date.p, c->amz));
        return bucket_malformed(c, "Invalid credential date. Date is not the same as X-Amz-Date.");
    }
    char iso[32];
    nb_time_iso_seconds(iso, c->now);
    if (!query) {
        if (c->t >= c->now - SKEW_S && c->t <= c->now + SKEW_S)
            return NB_OK;
        /* AWS: S3 RequestTimeTooSkewed with RequestTime, ServerTime and
         * MaxAllowedSkewMilliseconds (e.g. minio-py issue 285). */
        nb_str sent = au->amz_date.len ? au->amz_date : au->http_date;
        nb_sig_fail(c, "RequestTimeTooSkewed", 403,
                    "The difference between the request time and the current time is too large.");
        nb_sig_field(c, "RequestTime", sdup(c, sent));
        nb_sig_field(c, "ServerTime", nb_sig_afmt(c, "%s", iso));
        nb_sig_field(c, "MaxAllowedSkewMilliseconds", "900000");
        return NB_EAWS;
    }
    int64_t expires = 0;
    int rc = bucket_expires(c, &expires);
    if (rc)
        return rc;
    char until[32];
    nb_time_iso_seconds(until, c->t + expires);
    if (c->t > c->now + SKEW_S) {
        /* AWS: AccessDenied "Request is not yet valid"; S3 gives
         * X-Amz-Date in epoch milliseconds (github.com/minio/minio/issues/2638). */
        nb_sig_fail(c, "AccessDenied", 403, "Request is not yet valid");
        nb_sig_field(c, "X-Amz-Date", nb_sig_afmt(c, "%lld", (long long)c->t * 1000));
        nb_sig_field(c, "Expires", nb_sig_afmt(c, "%s", until));
        nb_sig_field(c, "ServerTime", nb_sig_afmt(c, "%s", iso));
        return NB_EAWS;
    }
    if (c->now > c->t + expires) {
        /* AWS: AccessDenied "Request has expired" with X-Amz-Expires,
         * Expires and ServerTime (aws-sdk-php issue 1333). */
        nb_sig_fail(c, "AccessDenied", 403, "Request has expired");
        nb_sig_field(c, "X-Amz-Expires", sdup(c, au->expires));
        nb_sig_field(c, "Expires", nb_sig_afmt(c, "%s", until));
        nb_sig_field(c, "ServerTime", nb_sig_afmt(c, "%s", iso));
        return NB_EAWS;
    }
    return NB_OK;
}

/* ------------------------------------------------------- scope checks */

static int
signs_header(nb_str list, const char *name)
{
    size_t pos = 0;
    while (pos <= list.len) {
        size_t e = pos;
        while (e < list.len && list.p[e] != ';')
            e++;
        if (ieq((nb_str){list.p + pos, e - pos}, name))
            return 1;
        pos = e + 1;
    }
    return 0;
}

/* AWS, in this order (dynalite): Host signed, algorithm, five elements,
 * then one message for every scope element that is wrong. The region and
 * service are not checked: nimbus serves any region and routes by the
 * service named in the scope. */
static int
coral_scope(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    if (!signs_header(au->signed_headers, "host"))
        return coral(c, F_SIGNATURE, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    if (au->bad == NB_SIGV4_BAD_ALGORITHM)
        return coral(
            c, F_INCOMPLETE,
            nb_sig_afmt(c, "Unsupported AWS 'algorithm': '%.*s' (only " ALGORITHM " for now). ",
                        (int)au->algorithm.len, au->algorithm.p));
    if (au->bad == NB_SIGV4_BAD_CREDENTIAL)
        return coral(c, F_INCOMPLETE, cred_count_msg(c));
    const char *term = "", *date = "";
    if (au->bad == NB_SIGV4_BAD_TERMINATOR)
        term = nb_sig_afmt(c,
                           "Credential should be scoped with a valid terminator: '" TERMINATOR
                           "', not '%.*s'. ",
                           (int)au->terminator.len, au->terminator.p);
    if (!nb_str_eq(au->date, (nb_str){c->amz, 8}))
        date =
            nb_sig_afmt(c,
                        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                        "date from HTTP: '%.*s' != '%.8s', from '%s'.",
                        (int)au->date.len, au->date.p, c->amz, c->amz);
    if (*term || *date)
        return coral(c, F_SIGNATURE, nb_sig_afmt(c, "%s%s", term, date));
    return NB_OK;
}

/* ------------------------------------------------------------ payload */

/* AWS: S3 needs x-amz-content-sha256 on header-signed requests and
 * accepts only these values or a SHA-256 in hex (the messages as S3
 * sends them; sig-v4-header-based-auth.html). */
static int
bucket_payload_header(ctx *c, const char *v)
{
    static const char *const ok[] = {
        "UNSIGNED-PAYLOAD",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    };
    if (!v)
        return nb_sig_fail(c, "InvalidRequest", 400,
                           "Missing required header for this request: x-amz-content-sha256");
    for (size_t i = 0; i < NB_ARRAY_LEN(ok); i++)
        if (strcmp(v, ok[i]) == 0)
            return NB_OK;
    if (is_sha256_hex(nb_str_c(v)))
        return NB_OK;
    return bucket_invalid_argument(c,
                                   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                                   "STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                                   "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                                   "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid "
                                   "sha256 value.",
                                   "x-amz-content-sha256", nb_str_c(v));
}

/* The SHA-256 of the body, in memory or spooled to a file (a large
 * upload: read back in pieces). */
static void
body_sha256(const nb_http_req *req, char out[65])
{
    unsigned char h[SHA256_DIGEST_LENGTH];
    if (!req->body_path) {
        SHA256((const unsigned char *)(req->body ? req->body : ""), req->body ? req->body_len : 0,
               h);
    } else {
        nb_digest_ctx *c = nb_digest_begin(NB_SHA256);
        int bad = !c;
        if (c) {
            bad = nb_file_each(req->body_path, 0, (int64_t)req->body_len, nb_digest_update, c);
            bad = nb_digest_end(c, bad ? NULL : h) != sizeof(h) || bad;
        }
        if (bad)
            memset(h, 0, sizeof(h)); /* matches no signed hash */
    }
    hex_lower(h, sizeof(h), out);
}

/* The payload hash line of the canonical request: x-amz-content-sha256
 * as sent when present (UNSIGNED-PAYLOAD, STREAMING-*, or a hash), else
 * UNSIGNED-PAYLOAD for a presigned S3 URL, else the body's SHA-256.
 * AWS: create-signed-request.html; botocore SigV4Auth.canonical_request. */
static const char *
payload_hash(ctx *c, const char *header)
{
    const nb_sigv4_auth *au = c->auth;
    if (header)
        return header;
    if (c->bucket && au->kind == NB_SIGV4_QUERY) {
        qscan q;
        nb_sigv4_scan_query(c->req->query, &q);
        if (q.seen[Q_SHA] && q.raw[Q_SHA].len)
            return sdup(c, q.raw[Q_SHA]);
        return UNSIGNED_PAYLOAD;
    }
    char h[65];
    body_sha256(c->req, h);
    return nb_sig_afmt(c, "%s", h);
}

/* AWS: a presigned S3 request may not carry x-amz-* headers it did not
 * sign (LocalStack's S3 presigned-URL validation). */
static int
bucket_unsigned_headers(ctx *c)
{
    const nb_sigv4_auth *au = c->auth;
    const char *list = NULL;
    for (size_t i = 0; i < c->req->nheaders; i++) {
        const char *n = c->req->headers[i].name;
        if (!n || !has_prefix(nb_str_c(n), "x-amz-") || ieq(nb_str_c(n), "x-amz-content-sha256"))
            continue;
        if (signs_header(au->signed_headers, n))
            continue;
        list = list ? nb_sig_afmt(c, "%s, %s", list, n) : nb_sig_afmt(c, "%s", n);
    }
    if (!list)
        return NB_OK;
    nb_sig_fail(c, "AccessDenied", 403,
                "There were headers present in the request which were not signed");
    nb_sig_field(c, "HeadersNotSigned", list);
    return NB_EAWS;
}

/* ------------------------------------------------------ canonical form */

/* Canonical URI. S3: the path as sent, neither normalised nor encoded
 * again. Other services: dot segments and empty segments removed, then
 * every byte but unreserved ones and '/' percent-encoded, so the escapes
 * the client sent are encoded a second time. AWS: create-signed-request.html
 * ("Each path segment must be URI-encoded twice ... except for Amazon
 * S3"); botocore SigV4Auth._normalize_url_path and remove_dot_segments;
 * @smithy/signature-v4 getCanonicalPath. */
static int
canon_uri(ctx *c, nb_buf *b)
{
    nb_str path = nb_str_c(c->req->url);
    if (!path.len)
        return nb_buf_addc(b, '/');
    if (c->bucket)
        return nb_buf_add(b, path.p, path.len);
    size_t max = 1;
    for (size_t i = 0; i < path.len; i++)
        max += path.p[i] == '/';
    nb_str *seg = nb_arena_alloc(c->a, max * sizeof(*seg));
    if (!seg)
        return NB_ENOMEM;
    size_t n = 0, s = 0;
    for (size_t i = 0; i <= path.len; i++) {
        if (i < path.len && path.p[i] != '/')
            continue;
        nb_str part = {path.p + s, i - s};
        s = i + 1;
        if (!part.len || nb_str_eqc(part, "."))
            continue;
        if (nb_str_eqc(part, "..")) {
            n -= n > 0;
            continue;
        }
        seg[n++] = part;
    }
    int rc = path.p[0] == '/' ? nb_buf_addc(b, '/') : NB_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            rc = nb_buf_addc(b, '/');
        if (!rc)
            rc = add_encoded(b, seg[i], 0);
    }
    if (!rc && n && path.p[path.len - 1] == '/')
        rc = nb_buf_addc(b, '/');
    if (!rc && b->len == 0)
        rc = nb_buf_addc(b, '/');
    return rc;
}

typedef struct cpair {
    const char *k; /* encoded name */
    size_t kl;     /* its length */
    const char *v; /* encoded value */
    size_t vl;     /* its length */
} cpair;

static int
cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
    int r = memcmp(a, b, al < bl ? al : bl);
    return r ? r : (al > bl) - (al < bl);
}

static int
cmp_pair(const void *x, const void *y)
{
    const cpair *a = x, *b = y;
    int r = cmp_bytes(a->k, a->kl, b->k, b->kl);
    return r ? r : cmp_bytes(a->v, a->vl, b->v, b->vl);
}

/* Canonical query string: each name and value decoded ('+' is a space,
 * as form encoding and botocore's urlencode() have it) and encoded again
 * per RFC 3986, sorted by name then value, joined with '&'; a presigned
 * URL leaves out X-Amz-Signature. AWS: create-signed-request.html. */
static int
canon_query(ctx *c, nb_buf *b)
{
    nb_str q = nb_str_c(c->req->query);
    size_t max = nb_sigv4_max_pairs(q), pos = 0, n = 0;
    if (max > NB_LIST_MAX)
        return NB_ENOMEM;
    cpair *pairs = nb_arena_alloc(c->a, max * sizeof(*pairs));
    size_t *offs = nb_arena_alloc(c->a, max * 2 * sizeof(*offs));
    if (!pairs || !offs)
        return NB_ENOMEM;
    nb_buf enc;
    nb_buf_init(&enc, CANON_MAX);
    qpair p;
    int rc = NB_OK;
    while (!rc && nb_sigv4_next_pair(q, &pos, &p)) {
        if (c->auth->kind == NB_SIGV4_QUERY && nb_str_eqc(p.key, "X-Amz-Signature"))
            continue;
        nb_str k, v;
        rc = nb_sigv4_pct_decode(c->a, p.key, 1, 0, &k);
        if (!rc)
            rc = nb_sigv4_pct_decode(c->a, p.val, 1, 0, &v);
        if (rc)
            break;
        offs[2 * n] = enc.len;
        rc = add_encoded(&enc, k, 0);
        offs[2 * n + 1] = enc.len;
        if (!rc)
            rc = add_encoded(&enc, v, 0);
        pairs[n].kl = offs[2 * n + 1] - offs[2 * n];
        pairs[n].vl = enc.len - offs[2 * n + 1];
        n++;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        pairs[i].k = enc.p ? enc.p + offs[2 * i] : "";
        pairs[i].v = enc.p ? enc.p + offs[2 * i + 1] : "";
    }
    if (!rc && n > 1)
        qsort(pairs, n, sizeof(*pairs), cmp_pair);
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            rc = nb_buf_addc(b, '&');
        if (!rc)
            rc = nb_buf_add(b, pairs[i].k, pairs[i].kl);
        if (!rc)
            rc = nb_buf_addc(b, '=');
        if (!rc)
            rc = nb_buf_add(b, pairs[i].v, pairs[i].vl);
    }
    nb_buf_free(&enc);
    return rc;
}

/* Canonical headers: for each name of SignedHeaders, in its order, the
 * lower-case name, ':', and the values of every header of that name
 * trimmed and folded, joined with ','. AWS: create-signed-request.html;
 * botocore SigV4Auth.canonical_headers. */
static int
canon_headers(ctx *c, nb_buf *b)
{
    nb_str list = c->auth->signed_headers;
    size_t pos = 0;
    int rc = NB_OK;
    while (!rc && pos < list.len) {
        size_t e = pos;
        while (e < list.len && list.p[e] != ';')
            e++;
        nb_str name = {list.p + pos, e - pos};
        pos = e + 1;
        if (!name.len)
            continue;
        for (size_t i = 0; i < name.len && !rc; i++)
            rc = nb_buf_addc(b, lower(name.p[i]));
        rc = rc ? rc : nb_buf_addc(b, ':');
        int found = 0;
        for (size_t i = 0; i < c->req->nheaders && !rc; i++) {
            const nb_header *h = &c->req->headers[i];
            if (!h->name || !ieq(name, h->name))
                continue;
            if (found++)
                rc = nb_buf_addc(b, ',');
            if (!rc)
                rc = add_folded(b, h->value ? h->value : "");
        }
        if (!rc && !found && ieq(name, "host") && c->req->host)
            rc = add_folded(b, c->req->host);
        rc = rc ? rc : nb_buf_addc(b, '\n');
    }
    return rc;
}

/* The canonical request, in the arena. */
static int
canonical_request(ctx *c, const char *payload, const char **out, size_t *len)
{
    const nb_sigv4_auth *au = c->auth;
    nb_buf b;
    nb_buf_init(&b, CANON_MAX);
    int rc = nb_buf_adds(&b, c->req->method ? c->req->method : "");
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : canon_uri(c, &b);
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : canon_query(c, &b);
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : canon_headers(c, &b);
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : nb_buf_add(&b, au->signed_headers.p, au->signed_headers.len);
    rc = rc ? rc : nb_buf_addc(&b, '\n');
    rc = rc ? rc : nb_buf_adds(&b, payload);
    if (!rc) {
        *out = nb_arena_strndup(c->a, b.p ? b.p : "", b.len);
        *len = b.len;
        rc = *out ? NB_OK : NB_ENOMEM;
    }
    nb_buf_free(&b);
    return rc == NB_EINVAL ? NB_ENOMEM : rc;
}

static int
hmac(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32])
{
    unsigned int n = 0;
    if (klen > 0x7fffffff)
        return NB_EINVAL;
    if (!HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n) || n != 32)
        return NB_EINTERNAL;
    return NB_OK;
}

/* The signature: HMAC chain "AWS4"+secret, date, region, service,
 * aws4_request, then the string to sign. AWS: create-signed-request.html. */
static int
sign(ctx *c, const char *secret, const char *to_sign, char out[65])
{
    const nb_sigv4_auth *au = c->auth;
    const char *k0 = nb_sig_afmt(c, "AWS4%s", secret);
    if (c->oom)
        return NB_ENOMEM;
    unsigned char k[32];
    const nb_str parts[] = {au->date, au->region, au->service, au->terminator};
    int rc = hmac(k0, strlen(k0), parts[0].p, parts[0].len, k);
    for (size_t i = 1; i < NB_ARRAY_LEN(parts) && !rc; i++)
        rc = hmac(k, sizeof(k), parts[i].p, parts[i].len, k);
    if (!rc)
        rc = hmac(k, sizeof(k), to_sign, strlen(to_sign), k);
    if (!rc)
        hex_lower(k, sizeof(k), out);
    OPENSSL_cleanse(k, sizeof(k));
    return rc;
}

static int
signature_mismatch(ctx *c, const char *creq, const char *to_sign)
{
    const nb_sigv4_auth *au = c->auth;
    if (!c->bucket) {
        /* AWS: Coral services append what they computed (dynalite; STS
         * in github.com/boto/boto3/issues/756). */
        return coral(c, F_SIGNATURE,
                     nb_sig_afmt(c,
                                 MSG_SIGNATURE
                                 "\n\nThe Canonical String for this request should have "
                                 "been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n",
                                 creq, to_sign));
    }
    /* AWS: S3 adds AWSAccessKeyId, StringToSign, SignatureProvided,
     * StringToSignBytes, CanonicalRequest, CanonicalRequestBytes
     * (github.com/minio/minio/issues/2986). */
    nb_sig_fail(c, "SignatureDoesNotMatch", 403, MSG_BUCKET_SIGNATURE);
    nb_sig_field(c, "AWSAccessKeyId", sdup(c, au->access_key));
    nb_sig_field(c, "StringToSign", to_sign);
    nb_sig_field(c, "SignatureProvided", sdup(c, au->signature));
    nb_sig_field(c, "StringToSignBytes", spaced_hex(c, to_sign));
    nb_sig_field(c, "CanonicalRequest", creq);
    nb_sig_field(c, "CanonicalRequestBytes", spaced_hex(c, creq));
    return NB_EAWS;
}

static int
check_signature(ctx *c, const char *secret, const char *payload)
{
    const nb_sigv4_auth *au = c->auth;
    const char *creq;
    size_t clen;
    int rc = canonical_request(c, payload, &creq, &clen);
    if (rc)
        return rc;
    unsigned char h[SHA256_DIGEST_LENGTH];
    char hh[65], sig[65];
    SHA256((const unsigned char *)creq, clen, h);
    hex_lower(h, sizeof(h), hh);
    const char *to_sign =
        nb_sig_afmt(c, ALGORITHM "\n%s\n%.*s\n%s", c->amz, (int)au->scope.len, au->scope.p, hh);
    if (c->oom)
        return NB_ENOMEM;
    rc = sign(c, secret, to_sign, sig);
    if (rc)
        return rc;
    if (au->signature.len == 64 && CRYPTO_memcmp(sig, au->signature.p, 64) == 0)
        return NB_OK;
    c->err->canonical_request = creq;
    c->err->string_to_sign = to_sign;
    return signature_mismatch(c, creq, to_sign);
}

/* AWS: S3 checks a hex x-amz-content-sha256 against the body:
 * XAmzContentSHA256Mismatch with both hashes. */
static int
bucket_body_check(ctx *c, const char *header)
{
    if (!header || !is_sha256_hex(nb_str_c(header)))
        return NB_OK;
    char h[65];
    body_sha256(c->req, h);
    size_t i = 0;
    while (i < 64 && lower(header[i]) == h[i])
        i++;
    if (i == 64)
        return NB_OK;
    nb_sig_fail(c, "XAmzContentSHA256Mismatch", 400,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
    nb_sig_field(c, "ClientComputedContentSHA256", nb_sig_afmt(c, "%s", header));
    nb_sig_field(c, "S3ComputedContentSHA256", nb_sig_afmt(c, "%s", h));
    return NB_EAWS;
}

static int
verify_steps(ctx *c, const char *secret)
{
    const nb_sigv4_auth *au = c->auth;
    if (au->kind == NB_SIGV4_NONE) {
        nb_sigv4_reject(c->a, c->style, NB_SIGV4_NO_AUTH, au, c->err);
        return NB_EAWS;
    }
    int rc = c->bucket ? bucket_form(c) : coral_form(c);
    if (!rc)
        rc = c->bucket ? bucket_time(c) : coral_time(c);
    if (!rc && !c->bucket)
        rc = coral_scope(c);
    if (rc)
        return rc;
    if (!secret || au->bad == NB_SIGV4_EMPTY_KEY) {
        nb_sigv4_reject(c->a, c->style, NB_SIGV4_UNKNOWN_KEY, au, c->err);
        return NB_EAWS;
    }
    const char *sha = nb_sigv4_find_header(c->req, "x-amz-content-sha256");
    if (c->bucket && au->kind == NB_SIGV4_HEADER)
        rc = bucket_payload_header(c, sha);
    if (!rc && c->bucket && au->kind == NB_SIGV4_QUERY)
        rc = bucket_unsigned_headers(c);
    if (rc)
        return rc;
    const char *payload = payload_hash(c, sha);
    if (c->oom)
        return NB_ENOMEM;
    rc = check_signature(c, secret, payload);
    if (!rc && c->bucket)
        rc = bucket_body_check(c, sha);
    return rc;
}

/* AWS: a SigV2 presigned URL carries Expires in epoch seconds; past it
 * S3 answers AccessDenied "Request has expired" with Expires and
 * ServerTime (docs.aws.amazon.com/AmazonS3/latest/userguide/
 * RESTAuthentication.html, "Query string request authentication"). */
static int
v2_expiry(ctx *c)
{
    nb_str e = c->auth->expires;
    int64_t v = 0;
    for (size_t i = 0; i < e.len; i++) {
        if (e.p[i] < '0' || e.p[i] > '9' || v > 253402300800LL)
            return NB_OK; /* not a time: the signature check decides */
        v = v * 10 + (e.p[i] - '0');
    }
    if (!e.len || c->now <= v)
        return NB_OK;
    char until[32], iso[32];
    nb_time_iso_seconds(until, (double)v);
    nb_time_iso_seconds(iso, (double)c->now);
    nb_sig_fail(c, "AccessDenied", 403, "Request has expired");
    nb_sig_field(c, "Expires", nb_sig_afmt(c, "%s", until));
    nb_sig_field(c, "ServerTime", nb_sig_afmt(c, "%s", iso));
    return NB_EAWS;
}

int
nb_sigv4_check_expiry(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth, double now,
                      nb_sigv4_err *err)
{
    ctx c = {.a = a, .req = req, .auth = auth, .style = NB_SIGV4_STYLE_BUCKET, .err = err};
    memset(err, 0, sizeof(*err));
    c.bucket = 1;
    c.now = now > 0 && now < 253402300800.0 ? (int64_t)now : 0;
    int rc = NB_OK;
    if (auth->kind == NB_SIGV4_QUERY && auth->bad == NB_SIGV4_OK)
        rc = bucket_time(&c);
    else if (auth->kind == NB_SIGV4_V2_QUERY)
        rc = v2_expiry(&c);
    return c.oom ? NB_ENOMEM : rc;
}

int
nb_sigv4_verify(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth, const char *secret,
                double now, int style, nb_sigv4_err *err)
{
    ctx c = {.a = a, .req = req, .auth = auth, .style = style, .err = err};
    memset(err, 0, sizeof(*err));
    c.bucket = style == NB_SIGV4_STYLE_BUCKET;
    c.now = now > 0 && now < 253402300800.0 ? (int64_t)now : 0; /* before year 10000 */
    int rc = verify_steps(&c, secret);
    return c.oom ? NB_ENOMEM : rc;
}
