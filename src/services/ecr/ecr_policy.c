/*
 * ecr_policy.c: what hangs off a repository besides its settings: the
 * lifecycle policy and the repository (resource) policy, each a JSON text
 * kept as given; and registry login tokens.
 *
 * AWS: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/
 * (API_PutLifecyclePolicy.html, API_GetLifecyclePolicy.html,
 * API_DeleteLifecyclePolicy.html, API_SetRepositoryPolicy.html,
 * API_GetRepositoryPolicy.html, API_DeleteRepositoryPolicy.html,
 * API_GetAuthorizationToken.html). Messages as ECR sends them (moto's
 * ecr/exceptions.py and ecr/policy_validation.py carry the same text).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/value.h"
#include "ecr_int.h"
#include "store/store.h"

/* AWS: an authorization token is valid for 12 hours. */
#define TOKEN_SECONDS (12 * 3600)

/* text parsed as JSON: 1 when it is an object, 0 otherwise. The object
 * itself is returned in *obj (may be NULL). */
static int
json_object(nb_call *call, const char *text, const nb_value **obj)
{
    nb_value *v = NULL;
    if (nb_json_parse_value(call->arena, text, strlen(text), &v, NULL) || !v || v->type != NB_V_MAP)
        return 0;
    if (obj)
        *obj = v;
    return 1;
}

static int
policy_reply(nb_value *out, const ecr_repo *r, const char *member, const char *text)
{
    int rc = nb_set_str(out, "registryId", r->registry);
    rc = rc ? rc : nb_set_str(out, "repositoryName", r->name);
    return rc ? rc : nb_set_str(out, member, text);
}

/* ---- Lifecycle policy -------------------------------------------------- */

int
ecr_put_lifecycle_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *text = nb_get_str(in, "lifecyclePolicyText");
    const nb_value *obj = NULL, *rules;
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    if (!json_object(call, text, &obj))
        return nb_fail(call, "InvalidParameterException",
                       "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
                       "'Lifecycle policy validation failure: Could not map policyString into "
                       "LifecyclePolicy.'");
    rules = nb_get(obj, "rules");
    if (!rules || rules->type != NB_V_LIST)
        return nb_fail(call, "InvalidParameterException",
                       "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
                       "'Lifecycle policy validation failure: object has missing required "
                       "properties ([\"rules\"])'");
    rc = ecr_repo_set_text(call, "lifecycle", r.name, text);
    return rc ? rc : policy_reply(out, &r, "lifecyclePolicyText", text);
}

static int
lifecycle_get(nb_call *call, const nb_value *in, nb_value *out, int delete)
{
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    if (!r.lifecycle[0])
        return nb_fail(call, "LifecyclePolicyNotFoundException",
                       "Lifecycle policy does not exist for the repository with name '%s' in "
                       "the registry with id '%s'",
                       r.name, r.registry);
    if (delete &&(rc = ecr_repo_set_text(call, "lifecycle", r.name, "")))
        return rc;
    /* lastEvaluatedAt: nimbus never runs the rules (there are no images),
     * so it is left out. */
    return policy_reply(out, &r, "lifecyclePolicyText", r.lifecycle);
}

int
ecr_get_lifecycle_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    return lifecycle_get(call, in, out, 0);
}

int
ecr_delete_lifecycle_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    return lifecycle_get(call, in, out, 1);
}

/* ---- Repository policy ------------------------------------------------- */

int
ecr_set_repository_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *text = nb_get_str(in, "policyText");
    const nb_value *obj = NULL;
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    if (!json_object(call, text, &obj) || !nb_get(obj, "Statement"))
        return nb_fail(call, "InvalidParameterException",
                       "Invalid parameter at 'PolicyText' failed to satisfy constraint: "
                       "'Invalid repository policy provided'");
    rc = ecr_repo_set_text(call, "policy", r.name, text);
    return rc ? rc : policy_reply(out, &r, "policyText", text);
}

static int
policy_get(nb_call *call, const nb_value *in, nb_value *out, int delete)
{
    ecr_repo r;
    int rc = ecr_repo_get(call, in, nb_get_str(in, "repositoryName"), &r);
    if (rc)
        return rc;
    if (!r.policy[0])
        return nb_fail(call, "RepositoryPolicyNotFoundException",
                       "Repository policy does not exist for the repository with name '%s' in "
                       "the registry with id '%s'",
                       r.name, r.registry);
    if (delete &&(rc = ecr_repo_set_text(call, "policy", r.name, "")))
        return rc;
    return policy_reply(out, &r, "policyText", r.policy);
}

int
ecr_get_repository_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    return policy_get(call, in, out, 0);
}

int
ecr_delete_repository_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    return policy_get(call, in, out, 1);
}

/* ---- GetAuthorizationToken ------------------------------------------- */

/* One AuthorizationData: base64 of "AWS:<password>", as `docker login
 * --username AWS` expects; the password is random (nothing checks it). */
static int
token_out(nb_call *call, nb_value *list, const char *registry)
{
    char pw[65];
    for (int i = 0; i < 4; i++)
        snprintf(pw + i * 16, sizeof(pw) - (size_t)i * 16, "%016llx",
                 (unsigned long long)nb_ids_rand());
    const char *raw = nb_arena_printf(call->arena, "AWS:%s", pw);
    char *b64 = raw ? nb_arena_alloc(call->arena, nb_b64_enc_len(strlen(raw)) + 1) : NULL;
    nb_value *d = nb_list_add_struct(list);
    if (!b64 || !d)
        return NB_ENOMEM;
    nb_b64_encode(b64, raw, strlen(raw));
    int rc = nb_set_str(d, "authorizationToken", b64);
    rc = rc ? rc : nb_set_time(d, "expiresAt", call->now + TOKEN_SECONDS);
    return rc ? rc
              : nb_set_str(d, "proxyEndpoint",
                           nb_arena_printf(call->arena, "https://%s.dkr.ecr.%s.amazonaws.com",
                                           registry, call->region));
}

int
ecr_get_authorization_token(nb_call *call, const nb_value *in, nb_value *out)
{
    nb_value *list = nb_set_list(out, "authorizationData");
    const nb_value *ids = nb_get(in, "registryIds");
    int rc = list ? NB_OK : NB_ENOMEM;
    /* registryIds (deprecated) asks for one token per registry. */
    for (const nb_value *r = nb_first(ids); r && !rc; r = r->next)
        rc = token_out(call, list, r->u.s.p);
    if (!rc && !nb_first(ids))
        rc = token_out(call, list, call->account);
    return rc;
}
