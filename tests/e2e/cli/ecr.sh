#!/usr/bin/env bash
# ECR through AWS CLI v2: repositories as the CDK bootstrap template and
# apps use them. Expected values come from the Amazon ECR API reference
# (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/) and the
# texts ECR sends in its errors (as captured CLI outputs show them). nimbus
# has no image registry, so repositories stay empty.
. "$(dirname "$0")/../lib.sh"

nimbus_start

REPO=cdk-hnb659fds-container-assets-000000000000-us-east-1
ARN=arn:aws:ecr:us-east-1:000000000000:repository/$REPO

# --- CreateRepository

aws_ok "create-repository" ecr create-repository --repository-name "$REPO" \
    --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true \
    --tags Key=team,Value=platform
is "repositoryName" "$(jget repository.repositoryName)" "$REPO"
is "repositoryArn" "$(jget repository.repositoryArn)" "$ARN"
is "registryId is the account" "$(jget repository.registryId)" 000000000000
is "repositoryUri" "$(jget repository.repositoryUri)" \
    "000000000000.dkr.ecr.us-east-1.amazonaws.com/$REPO"
like "createdAt" "$(jget repository.createdAt)" '^20[0-9]{2}-'
is "imageTagMutability" "$(jget repository.imageTagMutability)" IMMUTABLE
is "scanOnPush" "$(jget repository.imageScanningConfiguration.scanOnPush)" true
is "default encryption is AES256" "$(jget repository.encryptionConfiguration.encryptionType)" \
    AES256
aws_ok "create-repository with KMS encryption" ecr create-repository --repository-name team/app \
    --encryption-configuration encryptionType=KMS,kmsKey=alias/my-key
is "defaults: MUTABLE" "$(jget repository.imageTagMutability)" MUTABLE
is "defaults: scanOnPush false" "$(jget repository.imageScanningConfiguration.scanOnPush)" false
is "encryptionType KMS" "$(jget repository.encryptionConfiguration.encryptionType)" KMS
is "kmsKey" "$(jget repository.encryptionConfiguration.kmsKey)" alias/my-key
aws_error "create-repository again: RepositoryAlreadyExistsException" \
    RepositoryAlreadyExistsException \
    "The repository with name '$REPO' already exists in the registry with id '000000000000'" \
    ecr create-repository --repository-name "$REPO"
aws_error "upper-case name: InvalidParameterException" InvalidParameterException \
    "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*''" \
    ecr create-repository --repository-name Bad_Name
aws_error "name ending in a separator: InvalidParameterException" InvalidParameterException "" \
    ecr create-repository --repository-name app-
aws_error "name with an empty level: InvalidParameterException" InvalidParameterException "" \
    ecr create-repository --repository-name team//app
aws_error "bad imageTagMutability" InvalidParameterException "" \
    ecr create-repository --repository-name other --image-tag-mutability SOMETIMES

# --- DescribeRepositories

aws_ok "describe-repositories" ecr describe-repositories
is "two repositories" "$(jget repositories.length)" 2
aws_ok "describe-repositories by name" ecr describe-repositories --repository-names team/app
is "one named" "$(jget repositories.0.repositoryName)" team/app
aws_error "describe-repositories of a missing name: RepositoryNotFoundException" \
    RepositoryNotFoundException \
    "The repository with name 'nope' does not exist in the registry with id '000000000000'" \
    ecr describe-repositories --repository-names team/app nope
aws_error "describe-repositories in another registry" RepositoryNotFoundException \
    "The repository with name 'team/app' does not exist in the registry with id '111111111111'" \
    ecr describe-repositories --registry-id 111111111111 --repository-names team/app
aws_ok "create a third repository" ecr create-repository --repository-name zeta
aws_ok "describe-repositories page 1" ecr describe-repositories --max-items 2
is "page 1 holds 2" "$(jget repositories.length)" 2
TOKEN=$(jget NextToken)
is "page 1 is sorted by name" "$(jget repositories.0.repositoryName)" "$REPO"
aws_ok "describe-repositories page 2" ecr describe-repositories --max-items 2 \
    --starting-token "$TOKEN"
is "page 2 holds the last" "$(jget repositories.0.repositoryName)" zeta
aws_ok "describe-repositories --max-results 1 --no-paginate" ecr describe-repositories \
    --max-results 1 --no-paginate
is "one result" "$(jget repositories.length)" 1
if jget nextToken >/dev/null; then ok "nextToken given"; else not_ok "nextToken given" "$OUT"; fi
aws_ok "a region has its own repositories" ecr describe-repositories --region eu-west-1
is "eu-west-1 is empty" "$(jget repositories.length)" 0

# --- Settings

aws_ok "put-image-tag-mutability" ecr put-image-tag-mutability --repository-name team/app \
    --image-tag-mutability IMMUTABLE
is "mutability answered" "$(jget imageTagMutability)" IMMUTABLE
is "registryId answered" "$(jget registryId)" 000000000000
aws_ok "put-image-scanning-configuration" ecr put-image-scanning-configuration \
    --repository-name team/app --image-scanning-configuration scanOnPush=true
is "scanOnPush answered" "$(jget imageScanningConfiguration.scanOnPush)" true
aws_ok "describe after the settings" ecr describe-repositories --repository-names team/app
is "mutability kept" "$(jget repositories.0.imageTagMutability)" IMMUTABLE
is "scanOnPush kept" "$(jget repositories.0.imageScanningConfiguration.scanOnPush)" true
aws_error "put-image-tag-mutability on a missing repository" RepositoryNotFoundException \
    "The repository with name 'nope' does not exist in the registry with id '000000000000'" \
    ecr put-image-tag-mutability --repository-name nope --image-tag-mutability MUTABLE
aws_error "put-image-scanning-configuration on a missing repository" \
    RepositoryNotFoundException "" \
    ecr put-image-scanning-configuration --repository-name nope \
    --image-scanning-configuration scanOnPush=true

# --- Lifecycle policy

LP='{"rules":[{"rulePriority":1,"description":"keep 10","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}'
aws_error "get-lifecycle-policy before any: LifecyclePolicyNotFoundException" \
    LifecyclePolicyNotFoundException \
    "Lifecycle policy does not exist for the repository with name '$REPO' in the registry with id '000000000000'" \
    ecr get-lifecycle-policy --repository-name "$REPO"
aws_ok "put-lifecycle-policy" ecr put-lifecycle-policy --repository-name "$REPO" \
    --lifecycle-policy-text "$LP"
is "put answers the text" "$(jget lifecyclePolicyText)" "$LP"
aws_ok "get-lifecycle-policy" ecr get-lifecycle-policy --repository-name "$REPO"
is "get answers the text" "$(jget lifecyclePolicyText)" "$LP"
is "get answers the name" "$(jget repositoryName)" "$REPO"
BADLP='{"rulez":[{"rulePriority":1,"description":"this text is long enough to pass the length rule of the model"}]}'
aws_error "lifecycle policy without rules" InvalidParameterException \
    "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: object has missing required properties ([\"rules\"])'" \
    ecr put-lifecycle-policy --repository-name "$REPO" --lifecycle-policy-text "$BADLP"
NOTJSON='this is not json at all, but it is long enough to pass the length rule of the model, which asks for 100'
aws_error "lifecycle policy that is not JSON" InvalidParameterException \
    "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: Could not map policyString into LifecyclePolicy.'" \
    ecr put-lifecycle-policy --repository-name "$REPO" --lifecycle-policy-text "$NOTJSON"
aws_ok "delete-lifecycle-policy" ecr delete-lifecycle-policy --repository-name "$REPO"
is "delete answers the text" "$(jget lifecyclePolicyText)" "$LP"
aws_error "delete-lifecycle-policy again" LifecyclePolicyNotFoundException "" \
    ecr delete-lifecycle-policy --repository-name "$REPO"
aws_error "put-lifecycle-policy on a missing repository" RepositoryNotFoundException "" \
    ecr put-lifecycle-policy --repository-name nope --lifecycle-policy-text "$LP"

# --- Repository policy

RP='{"Version":"2012-10-17","Statement":[{"Sid":"lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}'
aws_error "get-repository-policy before any" RepositoryPolicyNotFoundException \
    "Repository policy does not exist for the repository with name '$REPO' in the registry with id '000000000000'" \
    ecr get-repository-policy --repository-name "$REPO"
aws_ok "set-repository-policy" ecr set-repository-policy --repository-name "$REPO" \
    --policy-text "$RP"
is "set answers the text" "$(jget policyText)" "$RP"
aws_ok "get-repository-policy" ecr get-repository-policy --repository-name "$REPO"
is "get answers the text" "$(jget policyText)" "$RP"
aws_error "set-repository-policy with bad JSON" InvalidParameterException \
    "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'" \
    ecr set-repository-policy --repository-name "$REPO" --policy-text '{"Version":'
aws_ok "delete-repository-policy" ecr delete-repository-policy --repository-name "$REPO"
is "delete answers the text" "$(jget policyText)" "$RP"
aws_error "delete-repository-policy again" RepositoryPolicyNotFoundException "" \
    ecr delete-repository-policy --repository-name "$REPO"

# --- Tags

aws_ok "list-tags-for-resource" ecr list-tags-for-resource --resource-arn "$ARN"
is "tags from create" "$(jget tags)" '[{"Key":"team","Value":"platform"}]'
aws_ok "tag-resource" ecr tag-resource --resource-arn "$ARN" \
    --tags Key=env,Value=dev Key=team,Value=infra
aws_ok "list-tags-for-resource after tagging" ecr list-tags-for-resource --resource-arn "$ARN"
is "tags sorted by key, value replaced" "$(jget tags)" \
    '[{"Key":"env","Value":"dev"},{"Key":"team","Value":"infra"}]'
aws_ok "untag-resource" ecr untag-resource --resource-arn "$ARN" --tag-keys team
aws_ok "list-tags-for-resource after untagging" ecr list-tags-for-resource --resource-arn "$ARN"
is "one tag left" "$(jget tags)" '[{"Key":"env","Value":"dev"}]'
aws_error "tags of a missing repository" RepositoryNotFoundException \
    "The repository with name 'nope' does not exist in the registry with id '000000000000'" \
    ecr list-tags-for-resource --resource-arn arn:aws:ecr:us-east-1:000000000000:repository/nope
aws_error "tags with an ARN that names no repository" InvalidParameterException \
    "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'" \
    ecr tag-resource --resource-arn arn:aws:sqs:us-east-1:000000000000:queue \
    --tags Key=a,Value=b

# --- GetAuthorizationToken

aws_ok "get-authorization-token" ecr get-authorization-token
TOK=$(jget authorizationData.0.authorizationToken)
like "token decodes to AWS:<password>" "$(printf '%s' "$TOK" | base64 -d)" '^AWS:.+'
is "proxyEndpoint" "$(jget authorizationData.0.proxyEndpoint)" \
    https://000000000000.dkr.ecr.us-east-1.amazonaws.com
like "expiresAt" "$(jget authorizationData.0.expiresAt)" '^20[0-9]{2}-'
run_ok "get-login-password" awsv2 ecr get-login-password
like "get-login-password prints the password alone" "$OUT" '^[^:[:space:]]{16,}$'

# --- Images (repositories stay empty)

aws_ok "list-images" ecr list-images --repository-name "$REPO"
is "no images" "$(jget imageIds)" '[]'
aws_ok "describe-images" ecr describe-images --repository-name "$REPO"
is "no image details" "$(jget imageDetails)" '[]'
aws_error "describe-images of a tag: ImageNotFoundException" ImageNotFoundException \
    "The image with imageId {imageDigest:'null', imageTag:'latest'} does not exist within the repository with name '$REPO' in the registry with id '000000000000'" \
    ecr describe-images --repository-name "$REPO" --image-ids imageTag=latest
aws_ok "batch-get-image" ecr batch-get-image --repository-name "$REPO" \
    --image-ids imageTag=latest
is "no images got" "$(jget images)" '[]'
is "failure code" "$(jget failures.0.failureCode)" ImageNotFound
is "failure reason" "$(jget failures.0.failureReason)" "Requested image not found"
is "failure imageId" "$(jget failures.0.imageId.imageTag)" latest
aws_ok "batch-delete-image" ecr batch-delete-image --repository-name "$REPO" \
    --image-ids imageTag=v1 imageDigest=sha256:0000000000000000000000000000000000000000000000000000000000000000
is "nothing deleted" "$(jget imageIds)" '[]'
is "two failures" "$(jget failures.length)" 2
is "digest echoed" "$(jget failures.1.imageId.imageDigest)" \
    sha256:0000000000000000000000000000000000000000000000000000000000000000
aws_error "list-images of a missing repository" RepositoryNotFoundException \
    "The repository with name 'nope' does not exist in the registry with id '000000000000'" \
    ecr list-images --repository-name nope
aws_error "batch-get-image of a missing repository" RepositoryNotFoundException "" \
    ecr batch-get-image --repository-name nope --image-ids imageTag=latest

# --- DeleteRepository

aws_ok "delete-repository" ecr delete-repository --repository-name "$REPO"
is "delete answers the repository" "$(jget repository.repositoryArn)" "$ARN"
aws_error "delete-repository again" RepositoryNotFoundException \
    "The repository with name '$REPO' does not exist in the registry with id '000000000000'" \
    ecr delete-repository --repository-name "$REPO"
aws_ok "delete-repository --force" ecr delete-repository --repository-name team/app --force
aws_ok "recreate after delete" ecr create-repository --repository-name "$REPO"
aws_ok "tags did not survive the delete" ecr list-tags-for-resource --resource-arn "$ARN"
is "no tags" "$(jget tags)" '[]'
