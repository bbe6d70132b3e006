/*
 * sts_session.c: STS operations. Each issues or describes credentials;
 * the identity behind a key is the principal ARN recorded when the key
 * was issued, or the account root for keys nimbus did not issue.
 *
 * AWS: https://docs.aws.amazon.com/STS/latest/APIReference/ (each
 * operation's page gives its defaults: AssumeRole 3600 s, GetSessionToken
 * 43200 s, GetFederationToken 43200 s).
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/creds.h"
#include "core/digest.h"
#include "core/json.h"
#include "core/value.h"
#include "services/iam/iam.h"
#include "sts_int.h"

/* A session token: opaque to clients; random bytes in base64, about the
 * length of AWS's own so that clients' buffers see realistic sizes. */
static const char *
new_session_token(nb_call *call)
{
    unsigned char raw[240];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return NULL;
    char *t = nb_arena_alloc(call->arena, 16 + 4 * ((sizeof(raw) + 2) / 3) + 1);
    if (!t)
        return NULL;
    memcpy(t, "IQoJb3JpZ2luX2Vj", 16); /* the prefix AWS session tokens carry */
    EVP_EncodeBlock((unsigned char *)t + 16, raw, sizeof(raw));
    return t;
}

/* A stable unique id ("AROA" + 17 characters) for a role ARN that IAM
 * does not know. */
static const char *
role_id(nb_call *call, const char *role_arn)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char md[NB_DIGEST_MAX];
    if (nb_digest(NB_SHA256, role_arn, strlen(role_arn), md) != 32)
        return NULL;
    char *id = nb_arena_alloc(call->arena, 22);
    if (!id)
        return NULL;
    memcpy(id, "AROA", 4);
    for (int i = 0; i < 17; i++)
        id[4 + i] = b32[md[i] & 31];
    id[21] = '\0';
    return id;
}

/* Issues a key for account and principal arn, valid for seconds, and puts
 * the Credentials structure into out. */
static int
issue(nb_call *call, const char *account, const char *arn, int64_t seconds, nb_value *out)
{
    nb_cred c = {0};
    c.key_id = nb_creds_new_key_id(call, "ASIA", account);
    c.secret = nb_creds_new_secret(call);
    c.session_token = new_session_token(call);
    c.account = account;
    c.arn = arn;
    c.expires = (double)((int64_t)call->now + seconds);
    if (!c.key_id || !c.secret || !c.session_token)
        return NB_ENOMEM;
    int rc = nb_creds_put(call, &c);
    if (rc)
        return rc;
    nb_value *cr = nb_set_struct(out, "Credentials");
    if (!cr)
        return NB_ENOMEM;
    rc = nb_set_str(cr, "AccessKeyId", c.key_id);
    rc = rc ? rc : nb_set_str(cr, "SecretAccessKey", c.secret);
    rc = rc ? rc : nb_set_str(cr, "SessionToken", c.session_token);
    return rc ? rc : nb_set_time(cr, "Expiration", c.expires);
}

/* Splits arn:aws:iam::<account>:role/<path/><name>; the account is the
 * caller's when the ARN names none. */
static void
parse_role_arn(nb_call *call, const char *arn, char *account, const char **name)
{
    snprintf(account, 13, "%s", call->account);
    const char *p = strstr(arn, ":iam::");
    if (p) {
        p += 6;
        size_t n = strspn(p, "0123456789");
        if (n == 12 && p[12] == ':')
            memcpy(account, p, 12), account[12] = '\0';
    }
    const char *slash = strrchr(arn, '/');
    const char *colon = strrchr(arn, ':');
    *name = slash ? slash + 1 : colon ? colon + 1 : arn;
}

static int
assumed_role(nb_call *call, const nb_value *in, nb_value *out, int64_t dflt_seconds)
{
    const char *arn = nb_get_str(in, "RoleArn");
    const char *session = nb_get_str(in, "RoleSessionName");
    char account[13];
    const char *name;
    parse_role_arn(call, arn, account, &name);
    const char *sarn =
        nb_arena_printf(call->arena, "arn:aws:sts::%s:assumed-role/%s/%s", account, name, session);
    /* The role's own RoleId when IAM has it (and its RoleLastUsed moves);
     * a made-up stable one when the role was never created (the CDK
     * assumes bootstrap roles that may not exist). */
    const char *rid = NULL;
    if (iam_role_used(call, arn, &rid) != NB_OK || !rid)
        rid = role_id(call, arn);
    if (!sarn || !rid)
        return NB_ENOMEM;
    int rc = issue(call, account, sarn, nb_get_int(in, "DurationSeconds", dflt_seconds), out);
    if (rc)
        return rc;
    nb_value *u = nb_set_struct(out, "AssumedRoleUser");
    if (!u)
        return NB_ENOMEM;
    rc = nb_set_str(u, "AssumedRoleId", nb_arena_printf(call->arena, "%s:%s", rid, session));
    rc = rc ? rc : nb_set_str(u, "Arn", sarn);
    if (!rc && nb_get(in, "Policy"))
        rc = nb_set_int(out, "PackedPolicySize", 6);
    if (!rc && nb_get_str(in, "SourceIdentity"))
        rc = nb_set_str(out, "SourceIdentity", nb_get_str(in, "SourceIdentity"));
    return rc;
}

int
sts_assume_role(nb_call *call, const nb_value *in, nb_value *out)
{
    return assumed_role(call, in, out, 3600);
}

/* The claims of a JWT (header.payload.signature, base64url), or NULL when
 * the token is not one. The signature is not checked: nimbus trusts every
 * identity provider. */
static nb_value *
jwt_claims(nb_call *call, const char *token)
{
    const char *p = strchr(token, '.');
    const char *e = p ? strchr(p + 1, '.') : NULL;
    if (!e)
        return NULL;
    size_t n = (size_t)(e - p - 1);
    char *b = nb_arena_alloc(call->arena, n + 4);
    unsigned char *raw = nb_arena_alloc(call->arena, n + 4);
    if (!b || !raw)
        return NULL;
    for (size_t i = 0; i < n; i++) /* base64url -> base64 */
        b[i] = p[1 + i] == '-' ? '+' : p[1 + i] == '_' ? '/' : p[1 + i];
    while (n % 4)
        b[n++] = '=';
    size_t len;
    nb_value *claims = NULL;
    if (nb_b64_decode(raw, &len, b, n, NULL) != NB_B64_OK ||
        nb_json_parse_value(call->arena, (const char *)raw, len, &claims, NULL) != NB_OK ||
        claims->type != NB_V_MAP)
        return NULL;
    return claims;
}

int
sts_assume_role_with_web_identity(nb_call *call, const nb_value *in, nb_value *out)
{
    int rc = assumed_role(call, in, out, 3600);
    if (rc)
        return rc;
    /* AWS: SubjectFromWebIdentityToken is the token's "sub", Audience its
     * "aud" (the client id), Provider its issuer or the ProviderId sent. */
    const nb_value *claims = jwt_claims(call, nb_get_str(in, "WebIdentityToken"));
    const char *sub = nb_get_str(claims, "sub");
    const nb_value *aud = nb_get(claims, "aud");
    if (aud && aud->type == NB_V_LIST)
        aud = nb_first(aud);
    const char *provider = nb_get_str(in, "ProviderId");
    if (!provider)
        provider = nb_get_str(claims, "iss");
    rc = nb_set_str(out, "SubjectFromWebIdentityToken", sub ? sub : "");
    if (!rc && aud && aud->type == NB_V_STR)
        rc = nb_set_str(out, "Audience", aud->u.s.p);
    if (!rc && provider)
        rc = nb_set_str(out, "Provider", provider);
    return rc;
}

/* AWS: session credentials act as the IAM user whose key asked for them
 * (GetCallerIdentity names the user), or as the account's root
 * (API_GetSessionToken.html: "the temporary credentials have the same
 * permissions as the IAM user"). They outlive a later deactivation or
 * deletion of that key: "After AWS STS issues temporary security
 * credentials, they are valid through the expiration period and cannot be
 * revoked" (IAM/latest/UserGuide/id_credentials_temp_control-access.html). */
int
sts_get_session_token(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_cred c;
    const char *arn = NULL;
    if (call->access_key[0] && nb_creds_get(call, call->access_key, &c) == NB_OK && c.arn &&
        strstr(c.arn, ":user/"))
        arn = c.arn;
    if (!arn)
        arn = nb_arena_printf(call->arena, "arn:aws:iam::%s:root", call->account);
    if (!arn)
        return NB_ENOMEM;
    return issue(call, call->account, arn, nb_get_int(in, "DurationSeconds", 43200), out);
}

int
sts_get_federation_token(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "Name");
    const char *arn =
        nb_arena_printf(call->arena, "arn:aws:sts::%s:federated-user/%s", call->account, name);
    if (!arn)
        return NB_ENOMEM;
    int rc = issue(call, call->account, arn, nb_get_int(in, "DurationSeconds", 43200), out);
    nb_value *u = rc ? NULL : nb_set_struct(out, "FederatedUser");
    if (!rc && !u)
        return NB_ENOMEM;
    if (!rc)
        rc = nb_set_str(u, "FederatedUserId",
                        nb_arena_printf(call->arena, "%s:%s", call->account, name));
    return rc ? rc : nb_set_str(u, "Arn", arn);
}

int
sts_get_caller_identity(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_cred c;
    const char *arn = NULL, *user_id = call->account;
    if (call->access_key[0] && nb_creds_get(call, call->access_key, &c) == NB_OK && c.arn) {
        arn = c.arn;
        const char *ar = strstr(arn, ":assumed-role/");
        if (ar) {
            /* UserId of a role session: <role id>:<session name> */
            const char *session = strrchr(arn, '/') + 1;
            char role_arn[512];
            snprintf(role_arn, sizeof(role_arn), "arn:aws:iam::%s:role/%.*s", c.account,
                     (int)(session - 1 - (ar + 14)), ar + 14);
            const char *rid = NULL, *rarn = NULL;
            char rname[256];
            snprintf(rname, sizeof(rname), "%.*s", (int)(session - 1 - (ar + 14)), ar + 14);
            if (iam_role_lookup(call, rname, &rarn, &rid) != NB_OK || !rid)
                rid = role_id(call, role_arn);
            user_id = nb_arena_printf(call->arena, "%s:%s", rid, session);
        } else if (strstr(arn, ":federated-user/")) {
            user_id = nb_arena_printf(call->arena, "%s:%s", c.account, strrchr(arn, '/') + 1);
        }
    }
    if (!arn) /* AWS: root credentials: UserId is the account id */
        arn = nb_arena_printf(call->arena, "arn:aws:iam::%s:root", call->account);
    if (!arn || !user_id)
        return NB_ENOMEM;
    int rc = nb_set_str(out, "UserId", user_id);
    rc = rc ? rc : nb_set_str(out, "Account", call->account);
    return rc ? rc : nb_set_str(out, "Arn", arn);
}

int
sts_get_access_key_info(nb_call *call, const nb_value *in, nb_value *out)
{
    char account[13];
    const char *key = nb_get_str(in, "AccessKeyId");
    if (nb_creds_decode_account(key, account) != NB_OK)
        nb_creds_account(call, key, account);
    return nb_set_str(out, "Account", account);
}
