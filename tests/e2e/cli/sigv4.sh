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

nimbus_stop
