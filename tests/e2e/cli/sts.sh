#!/usr/bin/env bash
# STS through AWS CLI v2. Expected values come from the STS API reference
# (https://docs.aws.amazon.com/STS/latest/APIReference/) and the STS model;
# the default account 000000000000 and "a 12-digit access key is its
# account" are nimbus's (and LocalStack's) rules for test credentials.
. "$(dirname "$0")/../lib.sh"

nimbus_start

# The CLI checks required members, minimum lengths and minimum values itself
# before sending; this profile turns that off so nimbus's checks are reached.
NOVAL_CONFIG=$E2E_TMP/noval.config
printf '[default]\nparameter_validation = false\n' >"$NOVAL_CONFIG"

# within NAME ISO_TIME SECONDS: the time is SECONDS from now, give or take 120 s.
within() {
    local t now d
    t=$(date -d "$2" +%s 2>/dev/null) || {
        not_ok "$1" "not a time: $2"
        return
    }
    now=$(date +%s)
    d=$((t - now - $3))
    if [ ${d#-} -le 120 ]; then
        ok "$1"
    else
        not_ok "$1" "expires at $2, $((t - now)) s from now, want about $3 s"
    fi
}

# --- GetCallerIdentity

aws_ok "get-caller-identity with the test credentials" sts get-caller-identity
CALLER=$OUT
is "default account is 000000000000" "$(jget Account)" 000000000000
is "default caller is the account root" "$(jget Arn)" "arn:aws:iam::000000000000:root"
like "caller has a UserId" "$(jget UserId)" '^.+$'

AWS_ACCESS_KEY_ID=111122223333 aws_ok "get-caller-identity with access key 111122223333" \
    sts get-caller-identity
is "a 12-digit access key id is the account" "$(jget Account)" 111122223333
is "... and the caller is that account's root" "$(jget Arn)" "arn:aws:iam::111122223333:root"

# --- AssumeRole

aws_ok "assume-role" sts assume-role --role-arn arn:aws:iam::000000000000:role/demo \
    --role-session-name s1
like "assume-role: temporary access key id starts with ASIA" \
    "$(jget Credentials.AccessKeyId)" '^ASIA[A-Z0-9]{16}$'
like "assume-role: secret access key" "$(jget Credentials.SecretAccessKey)" '^[A-Za-z0-9/+]{40}$'
like "assume-role: session token" "$(jget Credentials.SessionToken)" '^[^[:space:]]+$'
within "assume-role: credentials expire in 3600 s by default" "$(jget Credentials.Expiration)" 3600
is "assume-role: assumed-role ARN" "$(jget AssumedRoleUser.Arn)" \
    "arn:aws:sts::000000000000:assumed-role/demo/s1"
like "assume-role: AssumedRoleId is the role id and the session name" \
    "$(jget AssumedRoleUser.AssumedRoleId)" '^AROA[A-Z0-9]+:s1$'
ROLE_ID=$(jget AssumedRoleUser.AssumedRoleId)
AKID=$(jget Credentials.AccessKeyId)
SECRET=$(jget Credentials.SecretAccessKey)
TOKEN=$(jget Credentials.SessionToken)

AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
    aws_ok "get-caller-identity with the assumed-role credentials" sts get-caller-identity
is "assumed role: account" "$(jget Account)" 000000000000
is "assumed role: ARN is the assumed-role ARN" "$(jget Arn)" \
    "arn:aws:sts::000000000000:assumed-role/demo/s1"
is "assumed role: UserId is the AssumedRoleId" "$(jget UserId)" "$ROLE_ID"

aws_ok "assume-role of a role in another account" sts assume-role \
    --role-arn arn:aws:iam::123456789012:role/xacct --role-session-name s2 --duration-seconds 900
is "cross-account: assumed-role ARN is in the role's account" "$(jget AssumedRoleUser.Arn)" \
    "arn:aws:sts::123456789012:assumed-role/xacct/s2"
within "assume-role --duration-seconds 900" "$(jget Credentials.Expiration)" 900
XAKID=$(jget Credentials.AccessKeyId)
AWS_ACCESS_KEY_ID=$XAKID AWS_SECRET_ACCESS_KEY=$(jget Credentials.SecretAccessKey) \
    AWS_SESSION_TOKEN=$(jget Credentials.SessionToken) \
    aws_ok "get-caller-identity with the cross-account credentials" sts get-caller-identity
is "cross-account: the credentials belong to the role's account" "$(jget Account)" 123456789012

# --- GetSessionToken

aws_ok "get-session-token" sts get-session-token --duration-seconds 900
like "get-session-token: access key id starts with ASIA" "$(jget Credentials.AccessKeyId)" \
    '^ASIA[A-Z0-9]{16}$'
like "get-session-token: session token" "$(jget Credentials.SessionToken)" '^[^[:space:]]+$'
within "get-session-token --duration-seconds 900" "$(jget Credentials.Expiration)" 900
AWS_ACCESS_KEY_ID=$(jget Credentials.AccessKeyId) \
    AWS_SECRET_ACCESS_KEY=$(jget Credentials.SecretAccessKey) \
    AWS_SESSION_TOKEN=$(jget Credentials.SessionToken) \
    aws_ok "get-caller-identity with session credentials" sts get-caller-identity
is "session credentials: same account as the caller" "$(jget Account)" "$(jget Account "$CALLER")"
is "session credentials: same principal as the caller" "$(jget Arn)" "$(jget Arn "$CALLER")"

# --- GetAccessKeyInfo

aws_ok "get-access-key-info of a published AWS key id" sts get-access-key-info \
    --access-key-id ASIAY34FZKBOKMUTVV7A
is "get-access-key-info decodes account 609629065308" "$(jget Account)" 609629065308
aws_ok "get-access-key-info of a key nimbus issued" sts get-access-key-info \
    --access-key-id "$XAKID"
is "get-access-key-info: the issued key's account" "$(jget Account)" 123456789012

# --- AssumeRoleWithWebIdentity (sent unsigned by the CLI)

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
JWT="$(printf '{"alg":"RS256","typ":"JWT"}' | b64url).$(printf \
    '{"iss":"https://idp.example.com","sub":"user-1","aud":"client-1","iat":1700000000,"exp":4102444800}' |
    b64url).$(printf 'signature' | b64url)"
aws_ok "assume-role-with-web-identity" sts assume-role-with-web-identity \
    --role-arn arn:aws:iam::000000000000:role/web --role-session-name w1 \
    --web-identity-token "$JWT"
like "web identity: temporary access key id" "$(jget Credentials.AccessKeyId)" '^ASIA[A-Z0-9]{16}$'
is "web identity: assumed-role ARN" "$(jget AssumedRoleUser.Arn)" \
    "arn:aws:sts::000000000000:assumed-role/web/w1"
is "web identity: SubjectFromWebIdentityToken is the token's sub" \
    "$(jget SubjectFromWebIdentityToken)" user-1
is "web identity: Audience is the token's aud" "$(jget Audience)" client-1

# --- errors, as STS words them (model constraints on AssumeRoleRequest and
# GetSessionTokenRequest)

AWS_CONFIG_FILE=$NOVAL_CONFIG aws_error "assume-role without RoleArn" ValidationError \
    "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null" \
    sts assume-role --cli-input-json '{"RoleSessionName": "s1"}'
AWS_CONFIG_FILE=$NOVAL_CONFIG aws_error "assume-role with a RoleArn under 20 characters" \
    ValidationError \
    "1 validation error detected: Value 'arn:aws:iam::1' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20" \
    sts assume-role --role-arn arn:aws:iam::1 --role-session-name s1
AWS_CONFIG_FILE=$NOVAL_CONFIG aws_error "assume-role with DurationSeconds 100" ValidationError \
    "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900" \
    sts assume-role --role-arn arn:aws:iam::000000000000:role/demo --role-session-name s1 \
    --duration-seconds 100
aws_error "assume-role with DurationSeconds 50000" ValidationError \
    "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200" \
    sts assume-role --role-arn arn:aws:iam::000000000000:role/demo --role-session-name s1 \
    --duration-seconds 50000
AWS_CONFIG_FILE=$NOVAL_CONFIG aws_error "get-session-token with DurationSeconds 899" \
    ValidationError \
    "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900" \
    sts get-session-token --duration-seconds 899
