#!/usr/bin/env bash
# SSM Parameter Store through AWS CLI v2. Expected values come from the
# Systems Manager API reference
# (https://docs.aws.amazon.com/systems-manager/latest/APIReference/) and the
# Parameter Store user guide (names, labels, tiers); ParameterNotFound
# without a message is what AWS answers (the CLI prints nothing after the
# colon).
. "$(dirname "$0")/../lib.sh"

nimbus_start

# --- PutParameter / GetParameter: the CDK bootstrap version parameter

aws_ok "put-parameter String" ssm put-parameter --name /cdk-bootstrap/hnb659fds/version \
    --type String --value 30
is "first version is 1" "$(jget Version)" 1
is "default tier is Standard" "$(jget Tier)" Standard
aws_ok "get-parameter" ssm get-parameter --name /cdk-bootstrap/hnb659fds/version
is "get-parameter: value" "$(jget Parameter.Value)" 30
is "get-parameter: type" "$(jget Parameter.Type)" String
is "get-parameter: version" "$(jget Parameter.Version)" 1
is "get-parameter: data type defaults to text" "$(jget Parameter.DataType)" text
is "get-parameter: ARN" "$(jget Parameter.ARN)" \
    "arn:aws:ssm:us-east-1:000000000000:parameter/cdk-bootstrap/hnb659fds/version"
like "get-parameter: LastModifiedDate" "$(jget Parameter.LastModifiedDate)" '^20[0-9]{2}-'

aws_error "put-parameter again without --overwrite: ParameterAlreadyExists" \
    ParameterAlreadyExists \
    "The parameter already exists. To overwrite this value, set the overwrite option in the request to true." \
    ssm put-parameter --name /cdk-bootstrap/hnb659fds/version --type String --value 31
aws_ok "put-parameter --overwrite" ssm put-parameter --name /cdk-bootstrap/hnb659fds/version \
    --value 31 --overwrite
is "overwrite makes version 2" "$(jget Version)" 2
aws_ok "get-parameter name:1" ssm get-parameter --name /cdk-bootstrap/hnb659fds/version:1
is "name:1 gives the first value" "$(jget Parameter.Value)" 30
is "name:1 selector" "$(jget Parameter.Selector)" ":1"
is "name:1 Name is the bare name" "$(jget Parameter.Name)" /cdk-bootstrap/hnb659fds/version
aws_error "get-parameter name:9: ParameterVersionNotFound" ParameterVersionNotFound \
    "Systems Manager could not find version 9 of /cdk-bootstrap/hnb659fds/version. Verify the version and try again." \
    ssm get-parameter --name /cdk-bootstrap/hnb659fds/version:9
aws_error "get-parameter of a missing name: ParameterNotFound, no message" ParameterNotFound "" \
    ssm get-parameter --name /nope
like "ParameterNotFound message is empty" "$ERR" 'GetParameter operation: ?$'
aws_ok "get-parameter by ARN" ssm get-parameter \
    --name arn:aws:ssm:us-east-1:000000000000:parameter/cdk-bootstrap/hnb659fds/version
is "by ARN: value" "$(jget Parameter.Value)" 31

# --- SecureString, StringList

aws_ok "put-parameter SecureString" ssm put-parameter --name /app/secret --type SecureString \
    --value s3cr3t
aws_ok "get-parameter SecureString without decryption" ssm get-parameter --name /app/secret
if [ "$(jget Parameter.Value)" = s3cr3t ]; then
    not_ok "SecureString value is not shown in clear"
else ok "SecureString value is not shown in clear"; fi
aws_ok "get-parameter --with-decryption" ssm get-parameter --name /app/secret --with-decryption
is "decrypted value" "$(jget Parameter.Value)" s3cr3t
aws_ok "put-parameter StringList" ssm put-parameter --name /app/list --type StringList \
    --value a,b,c
aws_ok "put-parameter plain name" ssm put-parameter --name plain --type String --value p
aws_ok "put-parameter nested" ssm put-parameter --name /app/db/host --type String --value h

# --- Bad input

aws_error "put-parameter aws-prefixed name: ValidationException" ValidationException "" \
    ssm put-parameter --name /aws/x --type String --value v
aws_error "put-parameter without type: ValidationException" ValidationException \
    "A parameter type is required when you create a parameter." \
    ssm put-parameter --name /notype --value v
aws_error "put-parameter tags with overwrite" ValidationException "" \
    ssm put-parameter --name /app/list --value v --overwrite --tags Key=a,Value=b
aws_error "AllowedPattern mismatch" ParameterPatternMismatchException \
    "Parameter value, cannot be validated against allowedPattern: ^[0-9]+\$" \
    ssm put-parameter --name /num --type String --value abc --allowed-pattern '^[0-9]+$'
aws_ok "AllowedPattern match" ssm put-parameter --name /num --type String --value 42 \
    --allowed-pattern '^\d+$'
BIG=$(head -c 5000 /dev/zero | tr '\0' x)
aws_error "standard tier value over 4096: ValidationException" ValidationException "" \
    ssm put-parameter --name /big --type String --value "$BIG"
aws_ok "advanced tier holds it" ssm put-parameter --name /big --type String --value "$BIG" \
    --tier Advanced
is "tier Advanced" "$(jget Tier)" Advanced

# --- GetParameters

aws_ok "get-parameters" ssm get-parameters --names /app/list /missing plain
is "get-parameters: found" "$(jget Parameters.length)" 2
is "get-parameters: invalid" "$(jget InvalidParameters)" '["/missing"]'

# --- GetParametersByPath

aws_ok "get-parameters-by-path one level" ssm get-parameters-by-path --path /app
is "one level: names" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Parameters.map((p) => p.Name).sort().join(" "))')" "/app/list /app/secret"
aws_ok "get-parameters-by-path recursive" ssm get-parameters-by-path --path /app/ --recursive
is "recursive: count" "$(jget Parameters.length)" 3
aws_ok "get-parameters-by-path recursive, type filter" ssm get-parameters-by-path --path / \
    --recursive --parameter-filters Key=Type,Values=StringList
is "type filter" "$(jget Parameters.0.Name)" /app/list
aws_ok "get-parameters-by-path paginates (page size 1)" ssm get-parameters-by-path --path /app \
    --recursive --page-size 1
is "all pages together" "$(jget Parameters.length)" 3
aws_error "get-parameters-by-path without leading slash" ValidationException "" \
    ssm get-parameters-by-path --path app

# --- DescribeParameters

aws_ok "describe-parameters" ssm describe-parameters
is "describe: every parameter" "$(jget Parameters.length)" 7
aws_ok "describe-parameters BeginsWith" ssm describe-parameters \
    --parameter-filters Key=Name,Option=BeginsWith,Values=/app/db
is "BeginsWith" "$(jget Parameters.0.Name)" /app/db/host
is "one match" "$(jget Parameters.length)" 1
aws_ok "describe-parameters SecureString" ssm describe-parameters \
    --parameter-filters Key=Type,Values=SecureString
is "SecureString key id" "$(jget Parameters.0.KeyId)" alias/aws/ssm
is "LastModifiedUser" "$(jget Parameters.0.LastModifiedUser)" arn:aws:iam::000000000000:root

# --- History and labels

aws_ok "get-parameter-history" ssm get-parameter-history --name /cdk-bootstrap/hnb659fds/version
is "history: two versions" "$(jget Parameters.length)" 2
is "history: oldest first" "$(jget Parameters.0.Value)" 30
aws_ok "label-parameter-version" ssm label-parameter-version \
    --name /cdk-bootstrap/hnb659fds/version --parameter-version 1 --labels prod 1bad
is "label: version" "$(jget ParameterVersion)" 1
is "label: invalid labels returned" "$(jget InvalidLabels)" '["1bad"]'
aws_ok "get-parameter name:label" ssm get-parameter --name /cdk-bootstrap/hnb659fds/version:prod
is "label selects version 1" "$(jget Parameter.Value)" 30
aws_ok "label moves to the latest version" ssm label-parameter-version \
    --name /cdk-bootstrap/hnb659fds/version --labels prod
aws_ok "get-parameter name:label again" ssm get-parameter \
    --name /cdk-bootstrap/hnb659fds/version:prod
is "label now selects version 2" "$(jget Parameter.Value)" 31
aws_ok "unlabel-parameter-version" ssm unlabel-parameter-version \
    --name /cdk-bootstrap/hnb659fds/version --parameter-version 2 --labels prod other
is "removed" "$(jget RemovedLabels)" '["prod"]'
is "not there" "$(jget InvalidLabels)" '["other"]'

# --- Tags

aws_ok "add-tags-to-resource" ssm add-tags-to-resource --resource-type Parameter \
    --resource-id /app/list --tags Key=team,Value=a Key=env,Value=dev
aws_ok "list-tags-for-resource" ssm list-tags-for-resource --resource-type Parameter \
    --resource-id /app/list
is "tags" "$(jget TagList)" '[{"Key":"env","Value":"dev"},{"Key":"team","Value":"a"}]'
aws_ok "describe-parameters by tag" ssm describe-parameters \
    --parameter-filters Key=tag:team,Values=a
is "tag filter" "$(jget Parameters.0.Name)" /app/list
aws_ok "remove-tags-from-resource" ssm remove-tags-from-resource --resource-type Parameter \
    --resource-id /app/list --tag-keys team
aws_ok "list-tags-for-resource after removal" ssm list-tags-for-resource \
    --resource-type Parameter --resource-id /app/list
is "one tag left" "$(jget TagList)" '[{"Key":"env","Value":"dev"}]'
aws_error "tags of a missing parameter: InvalidResourceId" InvalidResourceId "" \
    ssm list-tags-for-resource --resource-type Parameter --resource-id /missing

# --- Delete

aws_ok "delete-parameter" ssm delete-parameter --name plain
aws_error "delete-parameter again: ParameterNotFound" ParameterNotFound "" \
    ssm delete-parameter --name plain
aws_ok "delete-parameters" ssm delete-parameters --names /app/list /missing
is "deleted" "$(jget DeletedParameters)" '["/app/list"]'
is "invalid" "$(jget InvalidParameters)" '["/missing"]'
aws_ok "a region has its own parameters" ssm get-parameters-by-path --path / --recursive \
    --region eu-west-1
is "eu-west-1 is empty" "$(jget Parameters.length)" 0
