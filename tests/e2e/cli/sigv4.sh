#!/usr/bin/env bash
# Signature checking (NIMBUS_VERIFY_SIGNATURES=1) through AWS CLI v2, which
# signs with botocore's SigV4: the right secret passes, a wrong one gets
# AWS's SignatureDoesNotMatch (403), and keys issued by STS sign with their
# own secret and session token. AWS: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
. "$(dirname "$0")/../lib.sh"

export NIMBUS_VERIFY_SIGNATURES=1
nimbus_start

aws_ok "signed with the secret 'test': accepted" sts get-caller-identity
is "signed with the secret 'test': account" "$(jget Account)" 000000000000

AWS_SECRET_ACCESS_KEY=wrong aws_error "a wrong secret: SignatureDoesNotMatch" \
    SignatureDoesNotMatch "" sts get-caller-identity
like "a wrong secret: AWS's message" "$ERR" \
    'The request signature we calculated does not match the signature you provided'

aws_ok "AssumeRole, signed with 'test'" sts assume-role \
    --role-arn arn:aws:iam::123456789012:role/signer --role-session-name sig
KEY=$(jget Credentials.AccessKeyId)
SECRET=$(jget Credentials.SecretAccessKey)
TOKEN=$(jget Credentials.SessionToken)

AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
    aws_ok "an issued key signs with its own secret" sts get-caller-identity
is "an issued key maps to its account" "$(jget Account)" 123456789012

AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=$TOKEN \
    aws_error "an issued key with the wrong secret: SignatureDoesNotMatch" \
    SignatureDoesNotMatch "" sts get-caller-identity

run curl -s -o /dev/null -w '%{http_code}' -X POST "$ENDPOINT/" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'Action=GetCallerIdentity&Version=2011-06-15'
is "an unsigned GetCallerIdentity is refused with 403" "$OUT" 403

# AssumeRoleWithWebIdentity is sent unsigned by every AWS client (the STS
# model marks it noAuth): it works with checking on.
run curl -s -o /dev/null -w '%{http_code}' -X POST "$ENDPOINT/" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=web1&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb&WebIdentityToken=e30.e30.c2ln'
is "an unsigned AssumeRoleWithWebIdentity is accepted" "$OUT" 200

# Keys IAM issues sign with their own secret; UpdateAccessKey Inactive
# refuses them until Active again, DeleteAccessKey for good, with the
# errors AWS gives a key it does not know: InvalidClientTokenId (query,
# and SQS's query-compatible JSON), InvalidAccessKeyId (S3). Session
# credentials STS issued from the key outlive it ("After AWS STS issues
# temporary security credentials, they are valid through the expiration
# period and cannot be revoked": IAM/latest/UserGuide/id_credentials_temp_control-access.html).
aws_ok "IAM: create a user" iam create-user --user-name signer
aws_ok "IAM: create an access key" iam create-access-key --user-name signer
IKEY=$(jget AccessKey.AccessKeyId)
ISECRET=$(jget AccessKey.SecretAccessKey)
as_key() { AWS_ACCESS_KEY_ID=$IKEY AWS_SECRET_ACCESS_KEY=$ISECRET "$@"; }
as_key aws_ok "an IAM key signs with its own secret" sts get-caller-identity
is "an IAM key is its user" "$(jget Arn)" "arn:aws:iam::000000000000:user/signer"
AWS_ACCESS_KEY_ID=$IKEY AWS_SECRET_ACCESS_KEY=test aws_error \
    "an IAM key with the secret 'test': SignatureDoesNotMatch" SignatureDoesNotMatch "" \
    sts get-caller-identity
as_key aws_ok "GetSessionToken with the IAM key" sts get-session-token
SKEY=$(jget Credentials.AccessKeyId)
SSECRET=$(jget Credentials.SecretAccessKey)
STOKEN=$(jget Credentials.SessionToken)
as_session() {
    AWS_ACCESS_KEY_ID=$SKEY AWS_SECRET_ACCESS_KEY=$SSECRET AWS_SESSION_TOKEN=$STOKEN "$@"
}

aws_ok "IAM: deactivate the key" iam update-access-key --user-name signer \
    --access-key-id "$IKEY" --status Inactive
as_key aws_error "an inactive key: InvalidClientTokenId (STS)" InvalidClientTokenId \
    "The security token included in the request is invalid." sts get-caller-identity
as_key aws_error "an inactive key: InvalidAccessKeyId (S3)" InvalidAccessKeyId \
    "The AWS Access Key Id you provided does not exist in our records." s3api list-buckets
as_key aws_error "an inactive key: InvalidClientTokenId (SQS)" InvalidClientTokenId \
    "The security token included in the request is invalid." sqs list-queues
as_key aws_error "an inactive key: InvalidClientTokenId (IAM)" InvalidClientTokenId \
    "The security token included in the request is invalid." iam list-access-keys
as_session aws_ok "session credentials from the inactive key still sign" sts get-caller-identity
is "session credentials act as the user" "$(jget Arn)" "arn:aws:iam::000000000000:user/signer"

aws_ok "IAM: activate the key again" iam update-access-key --user-name signer \
    --access-key-id "$IKEY" --status Active
as_key aws_ok "an active key signs again (STS)" sts get-caller-identity
as_key aws_ok "an active key signs again (S3)" s3api list-buckets

aws_ok "IAM: delete the key" iam delete-access-key --user-name signer --access-key-id "$IKEY"
as_key aws_error "a deleted key: InvalidClientTokenId (STS)" InvalidClientTokenId \
    "The security token included in the request is invalid." sts get-caller-identity
as_key aws_error "a deleted key: InvalidAccessKeyId (S3)" InvalidAccessKeyId \
    "The AWS Access Key Id you provided does not exist in our records." s3api list-buckets
aws_error "a deleted key cannot be made active again" NoSuchEntity \
    "The Access Key with id $IKEY cannot be found." \
    iam update-access-key --user-name signer --access-key-id "$IKEY" --status Active
as_key aws_error "a deleted key stays refused" InvalidClientTokenId "" sts get-caller-identity
as_session aws_ok "session credentials from the deleted key still sign" sts get-caller-identity

nimbus_stop
