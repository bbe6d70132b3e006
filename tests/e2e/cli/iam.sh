#!/usr/bin/env bash
# IAM through AWS CLI v2. Expected values come from the IAM API reference
# (https://docs.aws.amazon.com/IAM/latest/APIReference/), the IAM user
# guide's identifier and quota pages, and the IAM model (patterns, lengths,
# error codes and statuses). The CLI decodes the URL-encoded policy
# documents IAM returns into JSON, so documents are compared as JSON.
. "$(dirname "$0")/../lib.sh"

nimbus_start

TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
DOC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
DOC2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}'
ACCT=000000000000
LAMBDA_BASIC=arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
ADMIN=arn:aws:iam::aws:policy/AdministratorAccess

# --- Roles

aws_ok "create-role" iam create-role --role-name app-role --path /app/ \
    --assume-role-policy-document "$TRUST" --description "the app" --max-session-duration 7200 \
    --tags Key=team,Value=core
is "create-role: ARN has the path" "$(jget Role.Arn)" "arn:aws:iam::$ACCT:role/app/app-role"
like "create-role: RoleId is AROA and 17 more" "$(jget Role.RoleId)" '^AROA[A-Z0-9]{17}$'
is "create-role: trust policy comes back as JSON" "$(jget Role.AssumeRolePolicyDocument)" "$TRUST"
is "create-role: Path" "$(jget Role.Path)" /app/
is "create-role: Description" "$(jget Role.Description)" "the app"
is "create-role: Tags" "$(jget Role.Tags)" '[{"Key":"team","Value":"core"}]'
like "create-role: CreateDate" "$(jget Role.CreateDate)" '^20[0-9]{2}-'
ROLE_ID=$(jget Role.RoleId)

aws_ok "get-role from another region (IAM is global)" --region eu-west-1 iam get-role \
    --role-name app-role
is "get-role: same RoleId" "$(jget Role.RoleId)" "$ROLE_ID"
is "get-role: MaxSessionDuration" "$(jget Role.MaxSessionDuration)" 7200
is "get-role: RoleLastUsed is present and empty" "$(jget Role.RoleLastUsed)" '{}'
is "get-role: tags" "$(jget Role.Tags)" '[{"Key":"team","Value":"core"}]'

aws_ok "get-role is case-insensitive on the name" iam get-role --role-name APP-ROLE
is "get-role APP-ROLE: the name as created" "$(jget Role.RoleName)" app-role

aws_error "create-role: the name is taken" EntityAlreadyExists \
    "Role with name app-role already exists." \
    iam create-role --role-name app-role --assume-role-policy-document "$TRUST"
aws_error "create-role: names differing only by case clash" EntityAlreadyExists \
    "Role with name App-Role already exists." \
    iam create-role --role-name App-Role --assume-role-policy-document "$TRUST"
aws_error "create-role: bad name" ValidationError \
    "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+" \
    iam create-role --role-name 'bad name' --assume-role-policy-document "$TRUST"
aws_error "create-role: path without a trailing slash" ValidationError \
    "1 validation error detected: Value '/app' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)" \
    iam create-role --role-name r9 --path /app --assume-role-policy-document "$TRUST"
aws_error "create-role: trust policy that is not JSON" MalformedPolicyDocument \
    "Syntax errors in policy." \
    iam create-role --role-name r9 --assume-role-policy-document '{"Version":'
aws_error "get-role: no such role" NoSuchEntity "The role with name nope cannot be found." \
    iam get-role --role-name nope

aws_ok "update-role" iam update-role --role-name app-role --description "new text" \
    --max-session-duration 3600
aws_ok "get-role after update-role" iam get-role --role-name app-role
is "update-role: Description" "$(jget Role.Description)" "new text"
is "update-role: MaxSessionDuration" "$(jget Role.MaxSessionDuration)" 3600
aws_ok "update-role-description" iam update-role-description --role-name app-role \
    --description "third"
is "update-role-description: returns the role" "$(jget Role.Description)" third
aws_ok "update-assume-role-policy" iam update-assume-role-policy --role-name app-role \
    --policy-document "$DOC2"
aws_ok "get-role after update-assume-role-policy" iam get-role --role-name app-role
is "update-assume-role-policy: new document" "$(jget Role.AssumeRolePolicyDocument)" "$DOC2"
aws_error "update-assume-role-policy: not JSON" MalformedPolicyDocument \
    "Syntax errors in policy." \
    iam update-assume-role-policy --role-name app-role --policy-document 'x'
aws_ok "update-assume-role-policy back" iam update-assume-role-policy --role-name app-role \
    --policy-document "$TRUST"

aws_ok "tag-role" iam tag-role --role-name app-role --tags Key=env,Value=dev Key=team,Value=web
aws_ok "list-role-tags" iam list-role-tags --role-name app-role
is "list-role-tags: both tags, the changed value" "$(jget Tags)" \
    '[{"Key":"env","Value":"dev"},{"Key":"team","Value":"web"}]'
is "list-role-tags: IsTruncated" "$(jget IsTruncated)" false
aws_ok "untag-role" iam untag-role --role-name app-role --tag-keys env
aws_ok "list-role-tags after untag" iam list-role-tags --role-name app-role
is "untag-role: one tag left" "$(jget Tags)" '[{"Key":"team","Value":"web"}]'
aws_error "tag-role: the same key twice, in two cases" InvalidInput \
    "Duplicate tag keys found. Please note that Tag keys are case insensitive." \
    iam tag-role --role-name app-role --tags Key=dup,Value=1 Key=DUP,Value=2
aws_ok "tag-role: a key differing only by case replaces the value" iam tag-role \
    --role-name app-role --tags Key=TEAM,Value=ops
aws_ok "list-role-tags after the case-insensitive replace" iam list-role-tags --role-name app-role
is "tag keys are case-insensitive" "$(jget Tags)" '[{"Key":"team","Value":"ops"}]'

# --- Inline role policies

aws_ok "put-role-policy" iam put-role-policy --role-name app-role --policy-name s3-read \
    --policy-document "$DOC"
aws_ok "get-role-policy" iam get-role-policy --role-name app-role --policy-name s3-read
is "get-role-policy: document as put" "$(jget PolicyDocument)" "$DOC"
is "get-role-policy: RoleName" "$(jget RoleName)" app-role
aws_ok "put-role-policy replaces" iam put-role-policy --role-name app-role \
    --policy-name s3-read --policy-document "$DOC2"
aws_ok "get-role-policy after replace" iam get-role-policy --role-name app-role \
    --policy-name s3-read
is "put-role-policy: replaced document" "$(jget PolicyDocument)" "$DOC2"
aws_ok "put-role-policy (second)" iam put-role-policy --role-name app-role --policy-name a-first \
    --policy-document "$DOC"
aws_ok "list-role-policies" iam list-role-policies --role-name app-role
is "list-role-policies: sorted names" "$(jget PolicyNames)" '["a-first","s3-read"]'
aws_error "get-role-policy: no such policy" NoSuchEntity \
    "The role policy with name nope cannot be found." \
    iam get-role-policy --role-name app-role --policy-name nope
aws_error "put-role-policy: no such role" NoSuchEntity "The role with name ghost cannot be found." \
    iam put-role-policy --role-name ghost --policy-name p --policy-document "$DOC"
aws_error "put-role-policy: not JSON" MalformedPolicyDocument "Syntax errors in policy." \
    iam put-role-policy --role-name app-role --policy-name p --policy-document '[1,'

# --- Managed policies

aws_ok "create-policy" iam create-policy --policy-name app-policy --path /app/ \
    --policy-document "$DOC" --description "app access" --tags Key=k,Value=v
POLICY_ARN=$(jget Policy.Arn)
is "create-policy: ARN" "$POLICY_ARN" "arn:aws:iam::$ACCT:policy/app/app-policy"
like "create-policy: PolicyId is ANPA and 17 more" "$(jget Policy.PolicyId)" '^ANPA[A-Z0-9]{17}$'
is "create-policy: DefaultVersionId v1" "$(jget Policy.DefaultVersionId)" v1
is "create-policy: AttachmentCount 0" "$(jget Policy.AttachmentCount)" 0
is "create-policy: IsAttachable" "$(jget Policy.IsAttachable)" true
aws_error "create-policy: the name is taken" EntityAlreadyExists \
    "A policy called app-policy already exists. Duplicate names are not allowed." \
    iam create-policy --policy-name app-policy --policy-document "$DOC"
aws_error "create-policy: not JSON" MalformedPolicyDocument "Syntax errors in policy." \
    iam create-policy --policy-name p2 --policy-document nope

aws_ok "get-policy" iam get-policy --policy-arn "$POLICY_ARN"
is "get-policy: Description" "$(jget Policy.Description)" "app access"
is "get-policy: Tags" "$(jget Policy.Tags)" '[{"Key":"k","Value":"v"}]'
aws_error "get-policy: no such policy" NoSuchEntity \
    "Policy arn:aws:iam::$ACCT:policy/nope was not found." \
    iam get-policy --policy-arn "arn:aws:iam::$ACCT:policy/nope"
aws_error "get-policy: not an ARN" InvalidInput "ARN this-is-not-an-arn-at-all is not valid." \
    iam get-policy --policy-arn this-is-not-an-arn-at-all

aws_ok "get-policy of an AWS managed policy" iam get-policy --policy-arn "$LAMBDA_BASIC"
is "AWS managed policy: name" "$(jget Policy.PolicyName)" AWSLambdaBasicExecutionRole
is "AWS managed policy: path" "$(jget Policy.Path)" /service-role/
aws_ok "get-policy-version of an AWS managed policy" iam get-policy-version \
    --policy-arn "$ADMIN" --version-id v1
is "AdministratorAccess allows everything" "$(jget PolicyVersion.Document)" \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'

aws_ok "create-policy-version v2 (default)" iam create-policy-version --policy-arn "$POLICY_ARN" \
    --policy-document "$DOC2" --set-as-default
is "create-policy-version: v2" "$(jget PolicyVersion.VersionId)" v2
is "create-policy-version: is default" "$(jget PolicyVersion.IsDefaultVersion)" true
aws_ok "get-policy-version v2" iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v2
is "get-policy-version: the document" "$(jget PolicyVersion.Document)" "$DOC2"
aws_ok "get-policy-version v1" iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v1
is "get-policy-version v1: not default" "$(jget PolicyVersion.IsDefaultVersion)" false
for v in 3 4 5; do
    aws_ok "create-policy-version v$v" iam create-policy-version --policy-arn "$POLICY_ARN" \
        --policy-document "$DOC"
done
aws_error "create-policy-version: a sixth" LimitExceeded \
    "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version." \
    iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "$DOC"
aws_ok "list-policy-versions" iam list-policy-versions --policy-arn "$POLICY_ARN"
is "list-policy-versions: newest first" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.Versions.map(v=>v.VersionId+(v.IsDefaultVersion?"*":"")).join(" "))')" \
    "v5 v4 v3 v2* v1"
aws_ok "list-policy-versions --max-items 2" iam list-policy-versions --policy-arn "$POLICY_ARN" \
    --max-items 2
is "list-policy-versions --max-items 2: two" "$(jget Versions.1.VersionId)" v4
aws_ok "list-policy-versions --starting-token" iam list-policy-versions \
    --policy-arn "$POLICY_ARN" --max-items 2 --starting-token "$(jget NextToken)"
is "list-policy-versions: the next page starts at v3" "$(jget Versions.0.VersionId)" v3
aws_error "delete-policy-version: the default" DeleteConflict \
    "Cannot delete the default version of a policy." \
    iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v2
aws_error "get-policy-version: no such version" NoSuchEntity \
    "Policy $POLICY_ARN version v9 does not exist or is not attachable." \
    iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v9
aws_ok "set-default-policy-version v5" iam set-default-policy-version \
    --policy-arn "$POLICY_ARN" --version-id v5
aws_ok "get-policy after set-default" iam get-policy --policy-arn "$POLICY_ARN"
is "set-default-policy-version: DefaultVersionId" "$(jget Policy.DefaultVersionId)" v5
aws_error "set-default-policy-version: no such version" NoSuchEntity \
    "Policy $POLICY_ARN version v7 does not exist or is not attachable." \
    iam set-default-policy-version --policy-arn "$POLICY_ARN" --version-id v7
for v in 1 2 3 4; do
    aws_ok "delete-policy-version v$v" iam delete-policy-version --policy-arn "$POLICY_ARN" \
        --version-id v$v
done
aws_error "delete-policy-version: gone" NoSuchEntity \
    "Policy $POLICY_ARN version v1 does not exist or is not attachable." \
    iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v1

aws_ok "tag-policy" iam tag-policy --policy-arn "$POLICY_ARN" --tags Key=x,Value=y
aws_ok "list-policy-tags" iam list-policy-tags --policy-arn "$POLICY_ARN"
is "list-policy-tags" "$(jget Tags)" '[{"Key":"k","Value":"v"},{"Key":"x","Value":"y"}]'
aws_ok "untag-policy" iam untag-policy --policy-arn "$POLICY_ARN" --tag-keys k
aws_ok "list-policy-tags after untag" iam list-policy-tags --policy-arn "$POLICY_ARN"
is "untag-policy: one left" "$(jget Tags)" '[{"Key":"x","Value":"y"}]'

# --- Attaching managed policies to roles

aws_ok "attach-role-policy: customer policy" iam attach-role-policy --role-name app-role \
    --policy-arn "$POLICY_ARN"
aws_ok "attach-role-policy: AWS managed policy" iam attach-role-policy --role-name app-role \
    --policy-arn "$LAMBDA_BASIC"
aws_ok "attach-role-policy: again (no change)" iam attach-role-policy --role-name app-role \
    --policy-arn "$LAMBDA_BASIC"
aws_ok "list-attached-role-policies" iam list-attached-role-policies --role-name app-role
is "list-attached-role-policies: both" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.AttachedPolicies.map(p=>p.PolicyName+"="+p.PolicyArn).sort().join(" "))')" \
    "AWSLambdaBasicExecutionRole=$LAMBDA_BASIC app-policy=$POLICY_ARN"
aws_ok "list-attached-role-policies --path-prefix /service-role/" \
    iam list-attached-role-policies --role-name app-role --path-prefix /service-role/
is "list-attached-role-policies --path-prefix: one" "$(jget AttachedPolicies)" \
    "[{\"PolicyName\":\"AWSLambdaBasicExecutionRole\",\"PolicyArn\":\"$LAMBDA_BASIC\"}]"
aws_error "attach-role-policy: no such policy" NoSuchEntity \
    "Policy arn:aws:iam::$ACCT:policy/ghost does not exist or is not attachable." \
    iam attach-role-policy --role-name app-role --policy-arn "arn:aws:iam::$ACCT:policy/ghost"
aws_error "attach-role-policy: not a policy ARN" InvalidInput \
    "ARN arn:aws:iam::$ACCT:role/app-role is not valid." \
    iam attach-role-policy --role-name app-role --policy-arn "arn:aws:iam::$ACCT:role/app-role"
aws_ok "get-policy: AttachmentCount 1" iam get-policy --policy-arn "$POLICY_ARN"
is "get-policy: attached once" "$(jget Policy.AttachmentCount)" 1

aws_ok "list-policies --scope Local" iam list-policies --scope Local
is "list-policies Local: the one customer policy" "$(jget Policies.0.Arn)" "$POLICY_ARN"
is "list-policies Local: no more" "$(jget Policies.1.Arn)" ""
aws_ok "list-policies --scope AWS --only-attached" iam list-policies --scope AWS --only-attached
is "list-policies AWS attached: the Lambda policy" "$(jget Policies.0.Arn)" "$LAMBDA_BASIC"
is "list-policies AWS attached: only it" "$(jget Policies.1.Arn)" ""
aws_ok "list-policies --path-prefix /app/" iam list-policies --path-prefix /app/
is "list-policies --path-prefix: the app policy" "$(jget Policies.0.PolicyName)" app-policy
aws_ok "list-policies --scope AWS --max-items 3" iam list-policies --scope AWS --max-items 3
like "list-policies --max-items: NextToken" "$(jget NextToken)" '.+'
like "list-policies --max-items: a third item" "$(jget Policies.2.PolicyName)" '.+'
is "list-policies --max-items: no fourth" "$(jget Policies.3.PolicyName)" ""
FIRST3=$(jget Policies)
aws_ok "list-policies --scope AWS --page-size 2 (all pages)" iam list-policies --scope AWS \
    --page-size 2
ALLAWS=$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.Policies.length)')
aws_ok "list-policies --scope AWS in one page" iam list-policies --scope AWS
is "list-policies: --page-size 2 gives what one page gives" "$ALLAWS" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.Policies.length)')"
is "list-policies: pages keep the order" "$(jget Policies.0.Arn)" "$(jget 0.Arn "$FIRST3")"

aws_ok "list-entities-for-policy" iam list-entities-for-policy --policy-arn "$LAMBDA_BASIC"
is "list-entities-for-policy: the role" "$(jget PolicyRoles)" \
    "[{\"RoleName\":\"app-role\",\"RoleId\":\"$ROLE_ID\"}]"
is "list-entities-for-policy: no users" "$(jget PolicyUsers)" '[]'
aws_ok "list-entities-for-policy --entity-filter User" iam list-entities-for-policy \
    --policy-arn "$LAMBDA_BASIC" --entity-filter User
is "list-entities-for-policy User: no roles" "$(jget PolicyRoles)" '[]'

aws_error "delete-policy: attached" DeleteConflict "Cannot delete a policy attached to entities." \
    iam delete-policy --policy-arn "$POLICY_ARN"
aws_error "delete-role: policies attached" DeleteConflict \
    "Cannot delete entity, must detach all policies first." \
    iam delete-role --role-name app-role
aws_ok "detach-role-policy (customer)" iam detach-role-policy --role-name app-role \
    --policy-arn "$POLICY_ARN"
aws_ok "detach-role-policy (AWS)" iam detach-role-policy --role-name app-role \
    --policy-arn "$LAMBDA_BASIC"
aws_error "detach-role-policy: not attached" NoSuchEntity "Policy $LAMBDA_BASIC was not found." \
    iam detach-role-policy --role-name app-role --policy-arn "$LAMBDA_BASIC"
aws_error "delete-role: inline policies left" DeleteConflict \
    "Cannot delete entity, must delete policies first." \
    iam delete-role --role-name app-role
aws_ok "delete-role-policy" iam delete-role-policy --role-name app-role --policy-name s3-read
aws_ok "delete-role-policy (second)" iam delete-role-policy --role-name app-role \
    --policy-name a-first
aws_error "delete-role-policy: gone" NoSuchEntity \
    "The role policy with name s3-read cannot be found." \
    iam delete-role-policy --role-name app-role --policy-name s3-read

# --- Permissions boundaries

aws_ok "put-role-permissions-boundary" iam put-role-permissions-boundary --role-name app-role \
    --permissions-boundary "$POLICY_ARN"
aws_ok "get-role shows the boundary" iam get-role --role-name app-role
is "PermissionsBoundary ARN" "$(jget Role.PermissionsBoundary.PermissionsBoundaryArn)" \
    "$POLICY_ARN"
is "PermissionsBoundary type" "$(jget Role.PermissionsBoundary.PermissionsBoundaryType)" \
    PermissionsBoundaryPolicy
aws_ok "list-policies --policy-usage-filter PermissionsBoundary --only-attached" \
    iam list-policies --scope Local --only-attached --policy-usage-filter PermissionsBoundary
is "the boundary policy is listed" "$(jget Policies.0.Arn)" "$POLICY_ARN"
is "PermissionsBoundaryUsageCount" "$(jget Policies.0.PermissionsBoundaryUsageCount)" 1
aws_error "put-role-permissions-boundary: not an ARN" InvalidInput \
    "Value (not-a-policy-arn-at-all) for parameter PermissionsBoundary is invalid." \
    iam put-role-permissions-boundary --role-name app-role \
    --permissions-boundary not-a-policy-arn-at-all
aws_ok "delete-role-permissions-boundary" iam delete-role-permissions-boundary \
    --role-name app-role
aws_ok "get-role without the boundary" iam get-role --role-name app-role
is "no PermissionsBoundary" "$(jget Role.PermissionsBoundary)" ""
aws_ok "create-role with a boundary" iam create-role --role-name bounded \
    --assume-role-policy-document "$TRUST" --permissions-boundary "$ADMIN"
is "create-role: boundary in the answer" \
    "$(jget Role.PermissionsBoundary.PermissionsBoundaryArn)" "$ADMIN"
aws_ok "delete-role bounded" iam delete-role --role-name bounded

# --- Pagination of roles

for n in 1 2 3 4; do
    aws_ok "create-role page-$n" iam create-role --role-name "page-$n" --path /pages/ \
        --assume-role-policy-document "$TRUST"
done
aws_ok "list-roles --path-prefix /pages/ --page-size 3" iam list-roles --path-prefix /pages/ \
    --page-size 3
is "list-roles --page-size 3: all four across pages" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.Roles.map(x=>x.RoleName).join(" "))')" \
    "page-1 page-2 page-3 page-4"
is "list-roles: no Tags in list items" "$(jget Roles.0.Tags)" ""
aws_ok "list-roles --max-items 3" iam list-roles --path-prefix /pages/ --max-items 3
is "list-roles --max-items 3: three" "$(jget Roles.2.RoleName)" page-3
TOKEN=$(jget NextToken)
like "list-roles --max-items 3: NextToken" "$TOKEN" '.+'
aws_ok "list-roles --starting-token" iam list-roles --path-prefix /pages/ --max-items 3 \
    --starting-token "$TOKEN"
is "list-roles: the last page has one role" "$(jget Roles.1.RoleName)" ""
is "list-roles: the last page is page-4" "$(jget Roles.0.RoleName)" page-4
is "list-roles: no NextToken after the last page" "$(jget NextToken)" ""
aws_error "list-roles: bad marker" ValidationError "Invalid Marker." \
    iam list-roles --no-paginate --marker bogus
for n in 1 2 3 4; do
    aws_ok "delete-role page-$n" iam delete-role --role-name "page-$n"
done

# --- Users

aws_ok "create-user" iam create-user --user-name alice --path /staff/ --tags Key=dept,Value=eng
is "create-user: ARN" "$(jget User.Arn)" "arn:aws:iam::$ACCT:user/staff/alice"
like "create-user: UserId is AIDA and 17 more" "$(jget User.UserId)" '^AIDA[A-Z0-9]{17}$'
is "create-user: Tags" "$(jget User.Tags)" '[{"Key":"dept","Value":"eng"}]'
aws_error "create-user: taken" EntityAlreadyExists "User with name alice already exists." \
    iam create-user --user-name alice
aws_error "create-user: bad name" ValidationError \
    "1 validation error detected: Value 'a/b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+" \
    iam create-user --user-name a/b
aws_ok "get-user" iam get-user --user-name alice
is "get-user: Path" "$(jget User.Path)" /staff/
aws_ok "get-user without a name: the caller (account root)" iam get-user
is "get-user: root ARN" "$(jget User.Arn)" "arn:aws:iam::$ACCT:root"
is "get-user: root UserId is the account" "$(jget User.UserId)" "$ACCT"
aws_error "get-user: no such user" NoSuchEntity "The user with name bob cannot be found." \
    iam get-user --user-name bob
aws_ok "create-user bob" iam create-user --user-name bob
aws_ok "list-users" iam list-users
is "list-users: sorted" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.Users.map(x=>x.UserName).join(" "))')" \
    "alice bob"
aws_ok "list-users --path-prefix /staff/" iam list-users --path-prefix /staff/
is "list-users --path-prefix: alice only" "$(jget Users.1.UserName)" ""
aws_ok "update-user: rename and move" iam update-user --user-name bob --new-user-name robert \
    --new-path /ops/
aws_ok "get-user robert" iam get-user --user-name robert
is "update-user: new ARN" "$(jget User.Arn)" "arn:aws:iam::$ACCT:user/ops/robert"
aws_error "update-user: new name taken" EntityAlreadyExists \
    "User with name alice already exists." \
    iam update-user --user-name robert --new-user-name alice
aws_ok "put-user-permissions-boundary" iam put-user-permissions-boundary --user-name alice \
    --permissions-boundary "$ADMIN"
aws_ok "get-user shows the boundary" iam get-user --user-name alice
is "user PermissionsBoundary" "$(jget User.PermissionsBoundary.PermissionsBoundaryArn)" "$ADMIN"
aws_ok "delete-user-permissions-boundary" iam delete-user-permissions-boundary --user-name alice
aws_ok "get-user without the boundary" iam get-user --user-name alice
is "user boundary gone" "$(jget User.PermissionsBoundary)" ""
aws_ok "tag-user" iam tag-user --user-name alice --tags Key=a,Value=1
aws_ok "list-user-tags" iam list-user-tags --user-name alice
is "list-user-tags" "$(jget Tags)" '[{"Key":"a","Value":"1"},{"Key":"dept","Value":"eng"}]'
aws_ok "untag-user" iam untag-user --user-name alice --tag-keys a dept
aws_ok "list-user-tags after untag" iam list-user-tags --user-name alice
is "untag-user: none left" "$(jget Tags)" '[]'

aws_ok "put-user-policy" iam put-user-policy --user-name alice --policy-name up \
    --policy-document "$DOC"
aws_ok "get-user-policy" iam get-user-policy --user-name alice --policy-name up
is "get-user-policy: document" "$(jget PolicyDocument)" "$DOC"
is "get-user-policy: UserName" "$(jget UserName)" alice
aws_ok "list-user-policies" iam list-user-policies --user-name alice
is "list-user-policies" "$(jget PolicyNames)" '["up"]'
aws_error "get-user-policy: none" NoSuchEntity "The user policy with name nope cannot be found." \
    iam get-user-policy --user-name alice --policy-name nope
aws_ok "attach-user-policy" iam attach-user-policy --user-name alice --policy-arn "$ADMIN"
aws_ok "list-attached-user-policies" iam list-attached-user-policies --user-name alice
is "list-attached-user-policies" "$(jget AttachedPolicies.0.PolicyName)" AdministratorAccess

# --- Access keys and login profile

aws_ok "create-access-key" iam create-access-key --user-name alice
KEY=$(jget AccessKey.AccessKeyId)
SECRET=$(jget AccessKey.SecretAccessKey)
like "create-access-key: AKIA id" "$KEY" '^AKIA[A-Z0-9]{16}$'
like "create-access-key: secret" "$SECRET" '^[A-Za-z0-9/+]{40}$'
is "create-access-key: Active" "$(jget AccessKey.Status)" Active
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET aws_ok "sts get-caller-identity with the key" \
    sts get-caller-identity
is "the key is alice's" "$(jget Arn)" "arn:aws:iam::$ACCT:user/staff/alice"
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET aws_ok "get-user with alice's key" \
    iam get-user
is "get-user without a name: alice" "$(jget User.UserName)" alice
aws_ok "create-access-key (second)" iam create-access-key --user-name alice
KEY2=$(jget AccessKey.AccessKeyId)
aws_error "create-access-key: a third" LimitExceeded \
    "Cannot exceed quota for AccessKeysPerUser: 2" \
    iam create-access-key --user-name alice
aws_ok "list-access-keys" iam list-access-keys --user-name alice
is "list-access-keys: two" "$(jget AccessKeyMetadata.1.UserName)" alice
aws_ok "update-access-key Inactive" iam update-access-key --user-name alice \
    --access-key-id "$KEY2" --status Inactive
aws_ok "list-access-keys --max-items 1" iam list-access-keys --user-name alice --max-items 1
like "list-access-keys --max-items 1: NextToken" "$(jget NextToken)" '.+'
aws_ok "get-access-key-last-used" iam get-access-key-last-used --access-key-id "$KEY"
is "get-access-key-last-used: UserName" "$(jget UserName)" alice
is "get-access-key-last-used: never used: N/A" "$(jget AccessKeyLastUsed.ServiceName)" N/A
aws_error "update-access-key: no such key" NoSuchEntity \
    "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found." \
    iam update-access-key --user-name alice --access-key-id AKIAIOSFODNN7EXAMPLE --status Active

aws_ok "create-login-profile" iam create-login-profile --user-name alice \
    --password 'Secr3t!pass' --password-reset-required
is "create-login-profile: PasswordResetRequired" "$(jget LoginProfile.PasswordResetRequired)" true
aws_error "create-login-profile: exists" EntityAlreadyExists \
    "Login Profile for user alice already exists." \
    iam create-login-profile --user-name alice --password 'Secr3t!pass'
aws_ok "update-login-profile" iam update-login-profile --user-name alice \
    --no-password-reset-required
aws_ok "get-login-profile" iam get-login-profile --user-name alice
is "get-login-profile: reset no longer required" "$(jget LoginProfile.PasswordResetRequired)" false
aws_error "get-login-profile: none" NoSuchEntity \
    "Login Profile for User robert cannot be found." \
    iam get-login-profile --user-name robert

# --- Groups

aws_ok "create-group" iam create-group --group-name devs --path /eng/
is "create-group: ARN" "$(jget Group.Arn)" "arn:aws:iam::$ACCT:group/eng/devs"
like "create-group: GroupId is AGPA and 17 more" "$(jget Group.GroupId)" '^AGPA[A-Z0-9]{17}$'
aws_error "create-group: taken" EntityAlreadyExists "Group with name devs already exists." \
    iam create-group --group-name devs
aws_ok "add-user-to-group alice" iam add-user-to-group --group-name devs --user-name alice
aws_ok "add-user-to-group robert" iam add-user-to-group --group-name devs --user-name robert
aws_error "add-user-to-group: no such user" NoSuchEntity \
    "The user with name zed cannot be found." \
    iam add-user-to-group --group-name devs --user-name zed
aws_ok "get-group" iam get-group --group-name devs
is "get-group: members" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.Users.map(x=>x.UserName).join(" "))')" \
    "alice robert"
aws_ok "get-group --max-items 1" iam get-group --group-name devs --max-items 1
is "get-group --max-items 1: one member" "$(jget Users.1.UserName)" ""
aws_ok "list-groups" iam list-groups
is "list-groups" "$(jget Groups.0.GroupName)" devs
aws_ok "list-groups-for-user" iam list-groups-for-user --user-name alice
is "list-groups-for-user" "$(jget Groups.0.GroupName)" devs
aws_error "get-group: none" NoSuchEntity "The group with name nope cannot be found." \
    iam get-group --group-name nope
aws_ok "put-group-policy" iam put-group-policy --group-name devs --policy-name gp \
    --policy-document "$DOC"
aws_ok "get-group-policy" iam get-group-policy --group-name devs --policy-name gp
is "get-group-policy: document" "$(jget PolicyDocument)" "$DOC"
aws_ok "list-group-policies" iam list-group-policies --group-name devs
is "list-group-policies" "$(jget PolicyNames)" '["gp"]'
aws_ok "attach-group-policy" iam attach-group-policy --group-name devs --policy-arn "$ADMIN"
aws_ok "list-attached-group-policies" iam list-attached-group-policies --group-name devs
is "list-attached-group-policies" "$(jget AttachedPolicies.0.PolicyArn)" "$ADMIN"
aws_ok "list-entities-for-policy (user and group)" iam list-entities-for-policy \
    --policy-arn "$ADMIN"
is "list-entities-for-policy: group" "$(jget PolicyGroups.0.GroupName)" devs
is "list-entities-for-policy: user" "$(jget PolicyUsers.0.UserName)" alice
aws_ok "update-group: rename" iam update-group --group-name devs --new-group-name developers
aws_ok "list-groups-for-user after the rename" iam list-groups-for-user --user-name alice
is "the member follows the renamed group" "$(jget Groups.0.GroupName)" developers
aws_error "delete-group: members" DeleteConflict \
    "Cannot delete entity, must remove users from group first." \
    iam delete-group --group-name developers
aws_error "delete-user: login profile" DeleteConflict \
    "Cannot delete entity, must delete login profile first." \
    iam delete-user --user-name alice
aws_ok "delete-login-profile" iam delete-login-profile --user-name alice
aws_error "delete-user: access keys" DeleteConflict \
    "Cannot delete entity, must delete access keys first." \
    iam delete-user --user-name alice
aws_ok "delete-access-key" iam delete-access-key --user-name alice --access-key-id "$KEY"
aws_ok "delete-access-key (second)" iam delete-access-key --user-name alice \
    --access-key-id "$KEY2"
aws_error "delete-access-key: gone" NoSuchEntity "The Access Key with id $KEY cannot be found." \
    iam delete-access-key --user-name alice --access-key-id "$KEY"
aws_error "delete-user: in a group" DeleteConflict \
    "Cannot delete entity, must remove users from group first." \
    iam delete-user --user-name alice
aws_ok "remove-user-from-group alice" iam remove-user-from-group --group-name developers \
    --user-name alice
aws_ok "remove-user-from-group robert" iam remove-user-from-group --group-name developers \
    --user-name robert
aws_error "delete-user: attached policy" DeleteConflict \
    "Cannot delete entity, must detach all policies first." \
    iam delete-user --user-name alice
aws_ok "detach-user-policy" iam detach-user-policy --user-name alice --policy-arn "$ADMIN"
aws_error "delete-user: inline policy" DeleteConflict \
    "Cannot delete entity, must delete policies first." \
    iam delete-user --user-name alice
aws_ok "delete-user-policy" iam delete-user-policy --user-name alice --policy-name up
aws_ok "delete-user alice" iam delete-user --user-name alice
aws_ok "delete-user robert" iam delete-user --user-name robert
aws_error "delete-user: gone" NoSuchEntity "The user with name alice cannot be found." \
    iam delete-user --user-name alice
aws_error "delete-group: attached policy" DeleteConflict \
    "Cannot delete entity, must detach all policies first." \
    iam delete-group --group-name developers
aws_ok "detach-group-policy" iam detach-group-policy --group-name developers --policy-arn "$ADMIN"
aws_error "delete-group: inline policy" DeleteConflict \
    "Cannot delete entity, must delete policies first." \
    iam delete-group --group-name developers
aws_ok "delete-group-policy" iam delete-group-policy --group-name developers --policy-name gp
aws_ok "delete-group" iam delete-group --group-name developers

# --- Instance profiles

aws_ok "create-instance-profile" iam create-instance-profile --instance-profile-name web-ip
is "create-instance-profile: ARN" "$(jget InstanceProfile.Arn)" \
    "arn:aws:iam::$ACCT:instance-profile/web-ip"
like "create-instance-profile: AIPA id" "$(jget InstanceProfile.InstanceProfileId)" \
    '^AIPA[A-Z0-9]{17}$'
is "create-instance-profile: no roles" "$(jget InstanceProfile.Roles)" '[]'
aws_error "create-instance-profile: taken" EntityAlreadyExists \
    "Instance Profile web-ip already exists." \
    iam create-instance-profile --instance-profile-name web-ip
aws_ok "tag-instance-profile" iam tag-instance-profile --instance-profile-name web-ip \
    --tags Key=tier,Value=web
aws_ok "list-instance-profile-tags" iam list-instance-profile-tags --instance-profile-name web-ip
is "list-instance-profile-tags" "$(jget Tags)" '[{"Key":"tier","Value":"web"}]'
aws_ok "untag-instance-profile" iam untag-instance-profile --instance-profile-name web-ip \
    --tag-keys tier
aws_ok "list-instance-profile-tags after untag" iam list-instance-profile-tags \
    --instance-profile-name web-ip
is "untag-instance-profile: none left" "$(jget Tags)" '[]'
aws_ok "add-role-to-instance-profile" iam add-role-to-instance-profile \
    --instance-profile-name web-ip --role-name app-role
aws_ok "create-role other" iam create-role --role-name other \
    --assume-role-policy-document "$TRUST"
aws_error "add-role-to-instance-profile: one role only" LimitExceeded \
    "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1" \
    iam add-role-to-instance-profile --instance-profile-name web-ip --role-name other
aws_ok "get-instance-profile" iam get-instance-profile --instance-profile-name web-ip
is "get-instance-profile: its role" "$(jget InstanceProfile.Roles.0.RoleName)" app-role
aws_ok "list-instance-profiles" iam list-instance-profiles
is "list-instance-profiles" "$(jget InstanceProfiles.0.InstanceProfileName)" web-ip
aws_ok "list-instance-profiles-for-role" iam list-instance-profiles-for-role \
    --role-name app-role
is "list-instance-profiles-for-role" "$(jget InstanceProfiles.0.InstanceProfileName)" web-ip
aws_error "delete-role: in an instance profile" DeleteConflict \
    "Cannot delete entity, must remove roles from instance profile first." \
    iam delete-role --role-name app-role
aws_error "delete-instance-profile: has a role" DeleteConflict \
    "Cannot delete entity, must remove roles from instance profile first." \
    iam delete-instance-profile --instance-profile-name web-ip
aws_ok "remove-role-from-instance-profile" iam remove-role-from-instance-profile \
    --instance-profile-name web-ip --role-name app-role
aws_ok "delete-instance-profile" iam delete-instance-profile --instance-profile-name web-ip
aws_error "get-instance-profile: gone" NoSuchEntity "Instance Profile web-ip cannot be found." \
    iam get-instance-profile --instance-profile-name web-ip
aws_ok "delete-role app-role" iam delete-role --role-name app-role
aws_ok "delete-role other" iam delete-role --role-name other
aws_error "delete-role: gone" NoSuchEntity "The role with name app-role cannot be found." \
    iam delete-role --role-name app-role
aws_ok "delete-policy" iam delete-policy --policy-arn "$POLICY_ARN"
aws_error "delete-policy: gone" NoSuchEntity "Policy $POLICY_ARN was not found." \
    iam delete-policy --policy-arn "$POLICY_ARN"

# --- Service-linked roles

aws_ok "create-service-linked-role" iam create-service-linked-role \
    --aws-service-name elasticloadbalancing.amazonaws.com
is "service-linked role name" "$(jget Role.RoleName)" AWSServiceRoleForElasticLoadBalancing
is "service-linked role path" "$(jget Role.Path)" \
    /aws-service-role/elasticloadbalancing.amazonaws.com/
aws_error "create-service-linked-role: exists" InvalidInput \
    "Service role name AWSServiceRoleForElasticLoadBalancing has been taken in this account, please try a different suffix." \
    iam create-service-linked-role --aws-service-name elasticloadbalancing.amazonaws.com
aws_error "delete-role: a service-linked role" UnmodifiableEntity \
    "Cannot perform the operation on the protected role 'AWSServiceRoleForElasticLoadBalancing' - this role is only modifiable by AWS" \
    iam delete-role --role-name AWSServiceRoleForElasticLoadBalancing
aws_ok "delete-service-linked-role" iam delete-service-linked-role \
    --role-name AWSServiceRoleForElasticLoadBalancing
TASK=$(jget DeletionTaskId)
like "delete-service-linked-role: task id" "$TASK" \
    '^task/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing/'
aws_ok "get-service-linked-role-deletion-status" iam get-service-linked-role-deletion-status \
    --deletion-task-id "$TASK"
is "deletion status" "$(jget Status)" SUCCEEDED

# --- OpenID Connect providers

THUMB=9e99a48a9960b14926bb7f3b02e22da2b0ab7280
aws_ok "create-open-id-connect-provider" iam create-open-id-connect-provider \
    --url https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com \
    --thumbprint-list "$THUMB"
OIDC=$(jget OpenIDConnectProviderArn)
is "OIDC ARN" "$OIDC" "arn:aws:iam::$ACCT:oidc-provider/token.actions.githubusercontent.com"
aws_error "create-open-id-connect-provider: exists" EntityAlreadyExists \
    "Provider with url https://token.actions.githubusercontent.com already exists." \
    iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com \
    --thumbprint-list "$THUMB"
aws_ok "add-client-id-to-open-id-connect-provider" iam add-client-id-to-open-id-connect-provider \
    --open-id-connect-provider-arn "$OIDC" --client-id other-client
aws_ok "update-open-id-connect-provider-thumbprint" \
    iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn "$OIDC" \
    --thumbprint-list 1111111111111111111111111111111111111111
aws_ok "get-open-id-connect-provider" iam get-open-id-connect-provider \
    --open-id-connect-provider-arn "$OIDC"
is "OIDC Url (without https://)" "$(jget Url)" token.actions.githubusercontent.com
is "OIDC client ids" "$(jget ClientIDList)" '["sts.amazonaws.com","other-client"]'
is "OIDC thumbprints" "$(jget ThumbprintList)" '["1111111111111111111111111111111111111111"]'
aws_ok "tag-open-id-connect-provider" iam tag-open-id-connect-provider \
    --open-id-connect-provider-arn "$OIDC" --tags Key=ci,Value=github
aws_ok "list-open-id-connect-provider-tags" iam list-open-id-connect-provider-tags \
    --open-id-connect-provider-arn "$OIDC"
is "list-open-id-connect-provider-tags" "$(jget Tags)" '[{"Key":"ci","Value":"github"}]'
aws_ok "untag-open-id-connect-provider" iam untag-open-id-connect-provider \
    --open-id-connect-provider-arn "$OIDC" --tag-keys ci
aws_ok "list-open-id-connect-provider-tags after untag" iam list-open-id-connect-provider-tags \
    --open-id-connect-provider-arn "$OIDC"
is "untag-open-id-connect-provider: none left" "$(jget Tags)" '[]'
aws_ok "remove-client-id-from-open-id-connect-provider" \
    iam remove-client-id-from-open-id-connect-provider --open-id-connect-provider-arn "$OIDC" \
    --client-id sts.amazonaws.com
aws_ok "get-open-id-connect-provider after remove" iam get-open-id-connect-provider \
    --open-id-connect-provider-arn "$OIDC"
is "OIDC client ids after remove" "$(jget ClientIDList)" '["other-client"]'
aws_ok "list-open-id-connect-providers" iam list-open-id-connect-providers
is "list-open-id-connect-providers" "$(jget OpenIDConnectProviderList.0.Arn)" "$OIDC"
aws_ok "get-account-summary" iam get-account-summary
is "account summary: Providers" "$(jget SummaryMap.Providers)" 1
is "account summary: Roles" "$(jget SummaryMap.Roles)" 0
is "account summary: AccessKeysPerUserQuota" "$(jget SummaryMap.AccessKeysPerUserQuota)" 2
aws_ok "delete-open-id-connect-provider" iam delete-open-id-connect-provider \
    --open-id-connect-provider-arn "$OIDC"
aws_error "get-open-id-connect-provider: gone" NoSuchEntity \
    "OpenIDConnect Provider not found for arn $OIDC" \
    iam get-open-id-connect-provider --open-id-connect-provider-arn "$OIDC"

# --- Quotas (IAM user guide, reference_iam-quotas.html)

aws_ok "create-role quota-role" iam create-role --role-name quota-role \
    --assume-role-policy-document "$TRUST"
for name in AdministratorAccess AmazonDynamoDBFullAccess AmazonS3FullAccess \
    AmazonS3ReadOnlyAccess AmazonSQSFullAccess AmazonSSMReadOnlyAccess \
    AWSCloudFormationFullAccess AWSXrayWriteOnlyAccess CloudWatchLogsFullAccess IAMFullAccess; do
    aws_ok "attach $name" iam attach-role-policy --role-name quota-role \
        --policy-arn "arn:aws:iam::aws:policy/$name"
done
aws_error "attach-role-policy: an eleventh managed policy" LimitExceeded \
    "Cannot exceed quota for PoliciesPerRole: 10" \
    iam attach-role-policy --role-name quota-role --policy-arn "arn:aws:iam::aws:policy/PowerUserAccess"
BIG=$(node -e 'const s=[];for(let i=0;i<60;i++)s.push({Effect:"Allow",Action:"s3:GetObject",Resource:"arn:aws:s3:::b"+i+"/*"});console.log(JSON.stringify({Version:"2012-10-17",Statement:s}))')
aws_ok "put-role-policy of about 4,500 characters" iam put-role-policy --role-name quota-role \
    --policy-name big1 --policy-document "$BIG"
aws_ok "put-role-policy big1 again (a replacement is not counted twice)" iam put-role-policy \
    --role-name quota-role --policy-name big1 --policy-document "$BIG"
aws_ok "put-role-policy big2 (about 9,000 in all)" iam put-role-policy \
    --role-name quota-role --policy-name big2 --policy-document "$BIG"
aws_error "put-role-policy: over 10,240 characters in all" LimitExceeded \
    "Maximum policy size of 10240 bytes exceeded for role quota-role" \
    iam put-role-policy --role-name quota-role --policy-name big3 --policy-document "$BIG"
aws_error "create-policy: over 6,144 characters" LimitExceeded \
    "Cannot exceed quota for PolicySize: 6144" \
    iam create-policy --policy-name big --policy-document "$(node -e 'const d=JSON.parse(process.argv[1]);d.Statement=d.Statement.concat(d.Statement);console.log(JSON.stringify(d))' "$BIG")"
aws_error "create-role: trust policy over 2,048 characters" LimitExceeded \
    "Cannot exceed quota for ACLSizePerRole: 2048" \
    iam create-role --role-name big-trust --assume-role-policy-document "$BIG"

# --- Accounts are separate

AWS_ACCESS_KEY_ID=111122223333 aws_ok "create-role in account 111122223333" iam create-role \
    --role-name only-there --assume-role-policy-document "$TRUST"
is "the ARN names that account" "$(jget Role.Arn)" "arn:aws:iam::111122223333:role/only-there"
aws_error "the default account does not see it" NoSuchEntity \
    "The role with name only-there cannot be found." \
    iam get-role --role-name only-there
