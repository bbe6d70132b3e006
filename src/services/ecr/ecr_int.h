/*
 * ecr_int.h: private to src/services/ecr/: the stored form of a
 * repository, the helpers the handler files share, and the handlers.
 *
 * A repository is one row of ecr_repos (settings, lifecycle policy,
 * repository policy) with its tags in ecr_tags, keyed by account, region
 * and name. nimbus runs no image registry (no Docker Registry HTTP API on
 * <account>.dkr.ecr.<region>.amazonaws.com), so repositories never hold
 * images: the image operations answer as AWS does for an empty one.
 */
#ifndef NB_ECR_INT_H
#define NB_ECR_INT_H

#include "core/nb.h"

/* One repository, strings in the call's arena. */
typedef struct ecr_repo {
    const char *name;       /* repositoryName, "team/app" */
    const char *registry;   /* registryId: the owning account */
    double created;         /* createdAt */
    const char *mutability; /* MUTABLE, IMMUTABLE, ... */
    const char *filters;    /* imageTagMutabilityExclusionFilters as JSON, or "" */
    int scan_on_push;       /* imageScanningConfiguration.scanOnPush */
    const char *enc_type;   /* AES256, KMS, KMS_DSSE */
    const char *kms_key;    /* encryptionConfiguration.kmsKey, or "" */
    const char *lifecycle;  /* lifecycle policy text, or "" when none */
    const char *policy;     /* repository policy text, or "" when none */
} ecr_repo;

/* The registry a request names: its registryId, or the caller's account. */
const char *ecr_registry(nb_call *call, const nb_value *in);
/* Loads repository name of the request's registry; when there is none,
 * raises RepositoryNotFoundException (AWS's message) and returns NB_EAWS. */
int ecr_repo_get(nb_call *call, const nb_value *in, const char *name, ecr_repo *out);
/* repositoryArn and repositoryUri of a repository. */
const char *ecr_repo_arn(nb_call *call, const char *name);
const char *ecr_repo_uri(nb_call *call, const char *name);
/* Writes one column (lifecycle or policy) of a repository. */
int ecr_repo_set_text(nb_call *call, const char *column, const char *name, const char *text);

int ecr_create_repository(nb_call *call, const nb_value *in, nb_value *out);
int ecr_describe_repositories(nb_call *call, const nb_value *in, nb_value *out);
int ecr_delete_repository(nb_call *call, const nb_value *in, nb_value *out);
int ecr_put_image_scanning_configuration(nb_call *call, const nb_value *in, nb_value *out);
int ecr_put_image_tag_mutability(nb_call *call, const nb_value *in, nb_value *out);
int ecr_tag_resource(nb_call *call, const nb_value *in, nb_value *out);
int ecr_untag_resource(nb_call *call, const nb_value *in, nb_value *out);
int ecr_list_tags_for_resource(nb_call *call, const nb_value *in, nb_value *out);

int ecr_put_lifecycle_policy(nb_call *call, const nb_value *in, nb_value *out);
int ecr_get_lifecycle_policy(nb_call *call, const nb_value *in, nb_value *out);
int ecr_delete_lifecycle_policy(nb_call *call, const nb_value *in, nb_value *out);
int ecr_set_repository_policy(nb_call *call, const nb_value *in, nb_value *out);
int ecr_get_repository_policy(nb_call *call, const nb_value *in, nb_value *out);
int ecr_delete_repository_policy(nb_call *call, const nb_value *in, nb_value *out);
int ecr_get_authorization_token(nb_call *call, const nb_value *in, nb_value *out);

int ecr_describe_images(nb_call *call, const nb_value *in, nb_value *out);
int ecr_list_images(nb_call *call, const nb_value *in, nb_value *out);
int ecr_batch_get_image(nb_call *call, const nb_value *in, nb_value *out);
int ecr_batch_delete_image(nb_call *call, const nb_value *in, nb_value *out);

#endif
