/*
 * ecr.c: Amazon Elastic Container Registry, the control plane: image
 * repositories with their settings, lifecycle and repository policies and
 * tags, per account and region, and registry login tokens. This is what
 * the CDK bootstrap template (the container assets repository) and apps
 * that declare repositories use.
 *
 * There is no image registry in nimbus: nothing serves the Docker Registry
 * HTTP API at the repositoryUri, so `docker push` cannot reach it and
 * repositories stay empty (see ecr_image.c).
 *
 * The schema is below rather than in a .sql file, since the build embeds
 * no files.
 */
#include "core/service.h"
#include "ecr_int.h"
#include "gen/ecr_model.h"

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"BatchDeleteImage", ecr_batch_delete_image},
    {"BatchGetImage", ecr_batch_get_image},
    {"CreateRepository", ecr_create_repository},
    {"DeleteLifecyclePolicy", ecr_delete_lifecycle_policy},
    {"DeleteRepository", ecr_delete_repository},
    {"DeleteRepositoryPolicy", ecr_delete_repository_policy},
    {"DescribeImages", ecr_describe_images},
    {"DescribeRepositories", ecr_describe_repositories},
    {"GetAuthorizationToken", ecr_get_authorization_token},
    {"GetLifecyclePolicy", ecr_get_lifecycle_policy},
    {"GetRepositoryPolicy", ecr_get_repository_policy},
    {"ListImages", ecr_list_images},
    {"ListTagsForResource", ecr_list_tags_for_resource},
    {"PutImageScanningConfiguration", ecr_put_image_scanning_configuration},
    {"PutImageTagMutability", ecr_put_image_tag_mutability},
    {"PutLifecyclePolicy", ecr_put_lifecycle_policy},
    {"SetRepositoryPolicy", ecr_set_repository_policy},
    {"TagResource", ecr_tag_resource},
    {"UntagResource", ecr_untag_resource},
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS ecr_repos ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " created REAL NOT NULL, mutability TEXT NOT NULL, filters TEXT NOT NULL,"
    " scan_on_push INTEGER NOT NULL, enc_type TEXT NOT NULL, kms_key TEXT NOT NULL,"
    " lifecycle TEXT NOT NULL, policy TEXT NOT NULL,"
    " PRIMARY KEY (account, region, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ecr_tags ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (account, region, name, key)) WITHOUT ROWID;";

const nb_service nb_ecr_service = {
    .name = "ecr",
    .model = &nb_ecr_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: ECR answers constraint violations with InvalidParameterException
     * ("Invalid parameter at 'repositoryName' failed to satisfy
     * constraint: ..."), as aws/aws-dotnet-deploy#549 shows. */
    .validation_code = "InvalidParameterException",
    .schema = schema,
    .table_prefix = "ecr_",
};
