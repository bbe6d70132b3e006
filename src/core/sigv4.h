/*
 * sigv4.h: AWS request authentication. Parsing finds who signed a request
 * and for which scope (access key, date, region, service) from the
 * Authorization header or a presigned URL; the router calls it on every
 * request, so it allocates only when a presigned parameter is
 * percent-encoded. Verification (off unless NIMBUS_VERIFY_SIGNATURES=1)
 * rebuilds the SigV4 canonical request, string to sign and signature
 * exactly as AWS documents them and says, in AWS's words, why a request
 * is refused. It owns nothing: results are slices of the request or
 * copies in the caller's arena.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
#ifndef NB_SIGV4_H
#define NB_SIGV4_H

#include "http.h"
#include "nb.h"
#include "str.h"

/* Where the credentials were found. */
typedef enum nb_sigv4_kind {
    NB_SIGV4_NONE = 0,     /* no Authorization header, no signing query parameters */
    NB_SIGV4_HEADER,       /* Authorization: AWS4-... Credential=..., SignedHeaders=..., ... */
    NB_SIGV4_QUERY,        /* presigned URL: X-Amz-Algorithm, X-Amz-Credential, ... */
    NB_SIGV4_V2_HEADER,    /* Authorization: AWS AKID:signature (legacy SigV2 / S3 HMAC-SHA1) */
    NB_SIGV4_V2_QUERY,     /* AWSAccessKeyId=... in the query (S3 presigned v2, query SigV2) */
    NB_SIGV4_OTHER_HEADER, /* an Authorization header of another scheme (Bearer, Basic, "") */
} nb_sigv4_kind;

/* Why the credentials cannot be verified as sent (NB_SIGV4_OK: they can). */
typedef enum nb_sigv4_bad {
    NB_SIGV4_OK = 0,         /* verifiable */
    NB_SIGV4_BAD_ALGORITHM,  /* AWS4-... header or X-Amz-Algorithm other than AWS4-HMAC-SHA256 */
    NB_SIGV4_BAD_PAIR,       /* a header component is not key=value (bad_part says which) */
    NB_SIGV4_MISSING,        /* parts are missing; the NB_SIGV4_NEED_* bits say which */
    NB_SIGV4_BAD_CREDENTIAL, /* Credential is not AKID/date/region/service/terminator */
    NB_SIGV4_BAD_TERMINATOR, /* the fifth Credential element is not aws4_request */
    NB_SIGV4_EMPTY_KEY,      /* the access key id in the Credential is empty */
    NB_SIGV4_BOTH,           /* both an Authorization header and X-Amz-Algorithm */
    NB_SIGV4_BAD_ESCAPE,     /* a signing query parameter has a malformed %-escape */
    NB_SIGV4_UNSUPPORTED,    /* SigV2 or another scheme: recognised, never verified */
} nb_sigv4_bad;

/* Bits of nb_sigv4_auth.missing. */
#define NB_SIGV4_NEED_CREDENTIAL 0x01u /* Credential / X-Amz-Credential */
#define NB_SIGV4_NEED_SIGNATURE 0x02u  /* Signature / X-Amz-Signature */
#define NB_SIGV4_NEED_SIGNED 0x04u     /* SignedHeaders / X-Amz-SignedHeaders */
#define NB_SIGV4_NEED_DATE 0x08u       /* X-Amz-Date or Date header / X-Amz-Date parameter */
#define NB_SIGV4_NEED_ALGORITHM 0x10u  /* X-Amz-Algorithm */
#define NB_SIGV4_NEED_EXPIRES 0x20u    /* X-Amz-Expires (S3 requires it) */

/* What parsing found. Each nb_str is a slice of the request (valid as long
 * as the request is) or a decoded copy in the arena given to the parser.
 * Fields are filled as far as parsing got, even when bad is set, so the
 * router can route a request whose signature it will not check. */
typedef struct nb_sigv4_auth {
    nb_sigv4_kind kind;    /* where the credentials came from */
    nb_sigv4_bad bad;      /* NB_SIGV4_OK, or why verification must refuse */
    unsigned missing;      /* NB_SIGV4_NEED_* bits (set with NB_SIGV4_MISSING) */
    nb_str access_key;     /* access key id, e.g. AKIAIOSFODNN7EXAMPLE */
    nb_str date;           /* scope date, YYYYMMDD as sent */
    nb_str region;         /* scope region, e.g. us-east-1 (SigV4a: X-Amz-Region-Set) */
    nb_str service;        /* scope service (signing name), e.g. sts, s3 */
    nb_str terminator;     /* scope terminator, aws4_request when well formed */
    nb_str scope;          /* date/region/service/terminator as sent */
    nb_str credential;     /* the whole Credential value, for messages */
    nb_str signed_headers; /* SignedHeaders, e.g. host;x-amz-date */
    nb_str signature;      /* hex signature as sent (SigV2: base64) */
    nb_str algorithm;      /* AWS4-HMAC-SHA256 when well formed */
    nb_str amz_date;       /* X-Amz-Date header or parameter, or empty */
    nb_str http_date;      /* Date header (used when there is no X-Amz-Date) */
    nb_str expires;        /* X-Amz-Expires (presigned) or Expires (SigV2 query) */
    nb_str token;          /* X-Amz-Security-Token header or parameter, or empty */
    nb_str authorization;  /* the Authorization header as sent, for messages */
    nb_str bad_part;       /* the component at fault (BAD_PAIR, BAD_ALGORITHM...) */
} nb_sigv4_auth;

/* How a service reports authentication errors; the service says which.
 * BUCKET is S3's family of rules (named so that core names no service):
 * the path is signed as sent, x-amz-content-sha256 is required, presigned
 * URLs expire by X-Amz-Expires, and the codes, messages and extra error
 * members are S3's. The values 0 and 1 are what a caller passing "is this
 * S3" as an int gets. */
typedef enum nb_sigv4_style {
    NB_SIGV4_STYLE_QUERY = 0,     /* awsQuery, ec2, restXml but S3: SignatureDoesNotMatch... */
    NB_SIGV4_STYLE_BUCKET = 1,    /* S3: its own codes, messages and extra fields */
    NB_SIGV4_STYLE_JSON = 2,      /* awsJson 1.0/1.1: InvalidSignatureException..., 400 */
    NB_SIGV4_STYLE_REST_JSON = 3, /* restJson1 (Lambda, API Gateway): *Exception, 403 */
} nb_sigv4_style;

#define NB_SIGV4_FIELDS_MAX 8

/* An extra member of an error (S3 puts these in its <Error> element). */
typedef struct nb_sigv4_field {
    const char *name;  /* element name, e.g. "StringToSign" */
    const char *value; /* its text (arena) */
} nb_sigv4_field;

/* An AWS error, for the caller to turn into nb_fail_status(). Strings are
 * static or in the arena given to the function that filled it. */
typedef struct nb_sigv4_err {
    const char *code;                           /* AWS error code */
    const char *message;                        /* AWS message */
    int status;                                 /* HTTP status */
    nb_sigv4_field fields[NB_SIGV4_FIELDS_MAX]; /* extra members (S3) */
    size_t nfields;                             /* number used */
    const char *canonical_request;              /* ours, when one was built (logs) */
    const char *string_to_sign;                 /* ours, when one was built (logs) */
} nb_sigv4_err;

/* Finds the credentials of req. Returns NB_OK when the request carries
 * well-formed credentials or none (auth->kind says which), NB_EINVAL when
 * it carries malformed ones (auth->bad says why; the fields found are
 * still set), NB_ENOMEM when the arena is full. Allocates from a only to
 * decode percent-encoded presigned parameters. */
int nb_sigv4_parse(nb_arena *a, const nb_http_req *req, nb_sigv4_auth *auth);

/* The account an access key names by itself: a key id of exactly twelve
 * digits is that account (the LocalStack convention). Fills out with the
 * NUL-terminated id and returns NB_OK, or returns NB_ENOTFOUND: the caller
 * decides (issued keys, the default account). */
int nb_sigv4_key_account(nb_str access_key, char out[13]);

/* Verifies the signature of req against secret, the secret access key of
 * auth->access_key (NULL when the key is unknown: the request is refused
 * as AWS refuses an unknown key, at the point AWS checks it). now is the
 * server clock in epoch seconds; style picks AWS's codes and messages.
 * Returns NB_OK when the signature is valid, NB_EAWS with err filled when
 * AWS would refuse the request, NB_ENOMEM when the arena is full. Strings
 * in err live in a. */
int nb_sigv4_verify(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth,
                    const char *secret, double now, int style, nb_sigv4_err *err);

/* Checks only the validity window of a presigned object-store URL (SigV4
 * X-Amz-Date and X-Amz-Expires, or SigV2 Expires), for when signatures
 * are not verified: AWS refuses an expired URL whatever its signature.
 * Returns NB_OK (also for requests that are not presigned), NB_EAWS with
 * err filled, or NB_ENOMEM. */
int nb_sigv4_check_expiry(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth,
                          double now, nb_sigv4_err *err);

/* The object store's SigV2 (sigv2.c). resource is the path SigV2 signs:
 * "/<bucket>" then the path as sent (the caller knows the bucket of a
 * virtual-hosted request); the sub-resources S3 signs are appended here.
 * Puts the string to sign in a (*out); returns NB_OK or NB_ENOMEM. */
int nb_sigv2_string_to_sign(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth,
                            const char *resource, const char **out);

/* Verifies a SigV2 request (auth->kind NB_SIGV4_V2_HEADER or
 * NB_SIGV4_V2_QUERY) as S3 does: form, time (Date skew, or the presigned
 * Expires), key (secret NULL: unknown), then the HMAC-SHA1 signature.
 * Returns NB_OK, NB_EAWS with err filled in S3's words, or NB_ENOMEM. */
int nb_sigv2_verify(nb_arena *a, const nb_http_req *req, const nb_sigv4_auth *auth,
                    const char *resource, const char *secret, double now, nb_sigv4_err *err);

/* Refusals decided by the caller, in the style's words. */
typedef enum nb_sigv4_reason {
    NB_SIGV4_NO_AUTH,     /* the request carries no credentials */
    NB_SIGV4_UNKNOWN_KEY, /* the access key id is not known */
    NB_SIGV4_BAD_TOKEN,   /* the session token does not belong to the key */
} nb_sigv4_reason;

/* Fills err for reason in the given style (auth may be NULL). */
void nb_sigv4_reject(nb_arena *a, int style, nb_sigv4_reason reason, const nb_sigv4_auth *auth,
                     nb_sigv4_err *err);

#endif
