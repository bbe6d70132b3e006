#!/usr/bin/env bash
# S3 SigV2 signatures checked (NIMBUS_VERIFY_SIGNATURES=1): requests signed
# by botocore's HmacV1Auth (Authorization: AWS key:signature) and
# HmacV1QueryAuth (presigned AWSAccessKeyId/Expires/Signature) through
# sigv2_req.py, never by nimbus's code. A good signature passes, a wrong
# secret is SignatureDoesNotMatch with S3's StringToSign, an unknown
# (revoked) key InvalidAccessKeyId, an expired URL AccessDenied.
# AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
. "$(dirname "$0")/../lib.sh"

export NIMBUS_VERIFY_SIGNATURES=1
nimbus_start

REQ=$(dirname "$0")/sigv2_req.py
# v2 NAME WANT_STATUS ARGS...: one request; OUT holds the body after.
v2() {
    local name=$1 want=$2
    shift 2
    run /usr/bin/python3 "$REQ" "$@"
    local status=${OUT%%$'\n'*}
    if [ "$RC" -ne 0 ]; then
        not_ok "$name" "sigv2_req.py exited $RC" "stderr: $ERR"
        return
    fi
    OUT=${OUT#*$'\n'}
    is "$name" "$status" "$want"
}
# elem NAME: the text of the first <NAME> element of OUT.
elem() {
    printf '%s' "$OUT" | /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
e = ET.fromstring(sys.stdin.read()).find(sys.argv[1])
sys.stdout.write("" if e is None or e.text is None else e.text)' "$1"
}

B=sigv2-bucket
aws_ok "create a bucket (SigV4)" s3api create-bucket --bucket $B
KEY='dir/a b+c~é&=?.txt'
ENC='dir/a%20b%2Bc~%C3%A9%26%3D%3F.txt'
printf 'hello v2\n' >"$E2E_TMP/body"
aws_ok "put an object whose key needs encoding (SigV4)" \
    s3api put-object --bucket $B --key "$KEY" --body "$E2E_TMP/body"

v2 "header: a good signature is accepted" 200 header GET "$ENDPOINT/$B/$ENC"
is "header: the object comes back" "$OUT" "hello v2"
v2 "presigned: a good URL is accepted" 200 query GET "$ENDPOINT/$B/$ENC"
is "presigned: the object comes back" "$OUT" "hello v2"
v2 "header: x-amz-date in place of Date (empty Date line)" 200 \
    header GET "$ENDPOINT/$B/$ENC" --amz-date
v2 "header: virtual-hosted, the bucket signed in front of the path" 200 \
    header GET "http://$B.s3.localhost.localstack.cloud:$PORT/$ENC" \
    --auth-path "/$B/$ENC" --connect "127.0.0.1:$PORT"
v2 "header: virtual-hosted bucket listing signs /bucket/" 200 \
    header GET "http://$B.s3.localhost.localstack.cloud:$PORT/" \
    --auth-path "/$B/" --connect "127.0.0.1:$PORT"

# Signed standard and x-amz-* headers.
MD5=$(printf 'hello v2' | openssl dgst -md5 -binary | base64)
v2 "header: PUT with Content-MD5, Content-Type and x-amz-* headers" 200 \
    header PUT "$ENDPOINT/$B/put1" --data 'hello v2' \
    --header "Content-MD5: $MD5" --header 'Content-Type: text/plain' \
    --header 'x-amz-meta-Colour:  blue ' --header 'x-amz-storage-class: STANDARD'
aws_ok "the PUT's metadata was kept" s3api head-object --bucket $B --key put1
is "the PUT's x-amz-meta-colour" "$(jget Metadata.colour)" blue
v2 "presigned: PUT with Content-Type and x-amz-meta-* in the URL" 200 \
    query PUT "$ENDPOINT/$B/put2" --data x --header 'Content-Type: text/plain' \
    --header 'x-amz-meta-colour: red'

# Sub-resources S3 signs.
v2 "header: ?acl" 200 header GET "$ENDPOINT/$B/$ENC?acl"
like "header: ?acl answers the ACL" "$OUT" '<AccessControlPolicy'
v2 "header: POST ?uploads" 200 header POST "$ENDPOINT/$B/mp?uploads"
UPLOAD=$(elem '{http://s3.amazonaws.com/doc/2006-03-01/}UploadId')
v2 "header: DELETE ?uploadId=" 204 header DELETE "$ENDPOINT/$B/mp?uploadId=$UPLOAD"
aws_ok "enable versioning (SigV4)" s3api put-bucket-versioning --bucket $B \
    --versioning-configuration Status=Enabled
aws_ok "put a versioned object (SigV4)" s3api put-object --bucket $B --key "$KEY" \
    --body "$E2E_TMP/body"
VID=$(jget VersionId)
VENC=$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$VID")
v2 "header: ?versionId=... with a response override" 200 \
    header GET "$ENDPOINT/$B/$ENC?versionId=$VENC&response-content-type=text%2Fx-test"
v2 "presigned: ?versionId=..." 200 query GET "$ENDPOINT/$B/$ENC?versionId=$VENC"
v2 "header: an unsigned query parameter may be added" 200 \
    header GET "$ENDPOINT/$B?prefix=dir%2F&max-keys=5"

# Refusals.
v2 "header: a wrong secret is refused with 403" 403 \
    header GET "$ENDPOINT/$B/$ENC?acl" --secret wrong
is "header: SignatureDoesNotMatch" "$(elem Code)" SignatureDoesNotMatch
is "header: S3's message" "$(elem Message)" \
    "The request signature we calculated does not match the signature you provided. Check your key and signing method."
is "header: AWSAccessKeyId" "$(elem AWSAccessKeyId)" test
like "header: StringToSign ends with the resource and sub-resource" "$(elem StringToSign)" \
    "^GET"$'\n\n\n'".*GMT"$'\n'"/$B/$ENC\\?acl\$"
like "header: SignatureProvided is base64" "$(elem SignatureProvided)" '^[A-Za-z0-9+/]{27}=$'
like "header: StringToSignBytes in hex" "$(elem StringToSignBytes)" '^47 45 54 0a 0a 0a'
v2 "presigned: a wrong secret is refused with 403" 403 \
    query GET "$ENDPOINT/$B/$ENC" --secret wrong
is "presigned: SignatureDoesNotMatch" "$(elem Code)" SignatureDoesNotMatch
like "presigned: the Date line is Expires" "$(elem StringToSign)" \
    "^GET"$'\n\n\n'"[0-9]+"$'\n'"/$B/$ENC\$"
v2 "presigned: an expired URL is refused with 403" 403 \
    query GET "$ENDPOINT/$B/$ENC" --expires -60
is "presigned: expired: AccessDenied" "$(elem Code)" AccessDenied
is "presigned: expired: message" "$(elem Message)" "Request has expired"
like "presigned: expired: Expires" "$(elem Expires)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
like "presigned: expired: ServerTime" "$(elem ServerTime)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
v2 "header: a Date an hour off is refused with 403" 403 \
    header GET "$ENDPOINT/$B/$ENC" --date-offset 3600
is "header: RequestTimeTooSkewed" "$(elem Code)" RequestTimeTooSkewed

run curl -s -w '\n%{http_code}' "$ENDPOINT/$B/$ENC?AWSAccessKeyId=test&Expires=99999999999"
is "presigned: no Signature: AccessDenied" "$(printf '%s' "$OUT" | tail -1)" 403
like "presigned: no Signature: S3's message" "$OUT" \
    'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters'
run curl -s -w '\n%{http_code}' -H 'Authorization: AWS test' -H "Date: $(date -u -R)" \
    "$ENDPOINT/$B/$ENC"
is "header: no signature: 400" "$(printf '%s' "$OUT" | tail -1)" 400
like "header: no signature: InvalidArgument" "$OUT" '<Code>InvalidArgument</Code>'

# A key IAM issued, then deleted: unknown to S3.
aws_ok "IAM: create a user" iam create-user --user-name v2user
aws_ok "IAM: create an access key" iam create-access-key --user-name v2user
AK=$(jget AccessKey.AccessKeyId)
SK=$(jget AccessKey.SecretAccessKey)
v2 "an IAM key signs SigV2 with its own secret" 200 \
    header GET "$ENDPOINT/$B/$ENC" --key "$AK" --secret "$SK"
v2 "an IAM key signs a presigned SigV2 URL" 200 \
    query GET "$ENDPOINT/$B/$ENC" --key "$AK" --secret "$SK"
aws_ok "IAM: delete the access key" iam delete-access-key --user-name v2user \
    --access-key-id "$AK"
v2 "header: a deleted key is refused with 403" 403 \
    header GET "$ENDPOINT/$B/$ENC" --key "$AK" --secret "$SK"
is "header: deleted key: InvalidAccessKeyId" "$(elem Code)" InvalidAccessKeyId
is "header: deleted key: message" "$(elem Message)" \
    "The AWS Access Key Id you provided does not exist in our records."
is "header: deleted key: AWSAccessKeyId" "$(elem AWSAccessKeyId)" "$AK"
v2 "presigned: a deleted key is refused with 403" 403 \
    query GET "$ENDPOINT/$B/$ENC" --key "$AK" --secret "$SK"
is "presigned: deleted key: InvalidAccessKeyId" "$(elem Code)" InvalidAccessKeyId

nimbus_stop
