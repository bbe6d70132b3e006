#!/usr/bin/env bash
# S3 through AWS CLI v2 (aws s3 and aws s3api). Expected values come from
# the S3 API reference (https://docs.aws.amazon.com/AmazonS3/latest/API/),
# its error list (ErrorResponses.html) and the bucket naming rules
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
. "$(dirname "$0")/../lib.sh"

nimbus_start
W=$E2E_TMP/work
mkdir -p "$W"

# --- Buckets

aws_ok "s3 mb" s3 mb s3://cdk-hnb659fds-assets-000000000000-us-east-1
B=cdk-hnb659fds-assets-000000000000-us-east-1
aws_ok "create-bucket again: us-east-1 answers 200 to its owner" s3api create-bucket --bucket "$B"
aws_error "create-bucket in eu-west-1 of a us-east-1 name: BucketAlreadyOwnedByYou" \
    BucketAlreadyOwnedByYou "" s3api create-bucket --bucket "$B" --region eu-west-1 \
    --create-bucket-configuration LocationConstraint=eu-west-1
aws_error "create-bucket in eu-west-1 without a constraint" IllegalLocationConstraintException \
    "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to." \
    s3api create-bucket --bucket other-bkt --region eu-west-1
aws_error "create-bucket with an invalid name: InvalidBucketName" InvalidBucketName \
    "The specified bucket is not valid." s3api create-bucket --bucket ab
aws_error "create-bucket with upper case: InvalidBucketName" InvalidBucketName "" \
    s3api create-bucket --bucket Upper-Case
aws_ok "create-bucket in eu-west-1 with its constraint" s3api create-bucket --bucket euro-bkt \
    --region eu-west-1 --create-bucket-configuration LocationConstraint=eu-west-1
aws_error "create-bucket again in eu-west-1: BucketAlreadyOwnedByYou" BucketAlreadyOwnedByYou \
    "Your previous request to create the named bucket succeeded and you already own it." \
    s3api create-bucket --bucket euro-bkt --region eu-west-1 \
    --create-bucket-configuration LocationConstraint=eu-west-1
AWS_ACCESS_KEY_ID=111122223333 aws_error "another account: BucketAlreadyExists" \
    BucketAlreadyExists "" s3api create-bucket --bucket euro-bkt --region eu-west-1 \
    --create-bucket-configuration LocationConstraint=eu-west-1
aws_ok "get-bucket-location in us-east-1" s3api get-bucket-location --bucket "$B"
is "get-bucket-location: us-east-1 is null" "$(printf '%s' "$OUT" | node -e '
    console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8"))))')" \
    '{"LocationConstraint":null}'
aws_ok "get-bucket-location in eu-west-1" s3api get-bucket-location --bucket euro-bkt
is "get-bucket-location: the CLI reads the region" "$(jget LocationConstraint)" eu-west-1
aws_ok "head-bucket" s3api head-bucket --bucket euro-bkt
run curl -sI "$ENDPOINT/euro-bkt"
like "head-bucket: x-amz-bucket-region" "$OUT" 'x-amz-bucket-region: eu-west-1'
# AWS answers GetBucketLocation with the bare element as the document's
# root (Smithy s3UnwrappedXmlOutput), which botocore reads as root.text.
run curl -s -H "Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=00" \
    "$ENDPOINT/euro-bkt?location"
like "get-bucket-location: the bare root element" "$OUT" \
    '^<\?xml[^>]*>.<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>$'
aws_ok "list-buckets" s3api list-buckets
is "list-buckets: both, by name" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Buckets.map((b) => b.Name).join(" "))')" "$B euro-bkt"
like "list-buckets: owner id" "$(jget Owner.ID)" '^[0-9a-f]{64}$'
aws_error "head-bucket of a missing bucket: 404" 404 "" s3api head-bucket --bucket no-such-bkt
aws_error "get-bucket-location of a missing bucket: NoSuchBucket" NoSuchBucket \
    "The specified bucket does not exist" s3api get-bucket-location --bucket no-such-bkt

# --- Bucket configurations (the CDK bootstrap bucket)

aws_ok "get-bucket-encryption: SSE-S3 by default" s3api get-bucket-encryption --bucket "$B"
is "default SSE algorithm" \
    "$(jget ServerSideEncryptionConfiguration.Rules.0.ApplyServerSideEncryptionByDefault.SSEAlgorithm)" \
    AES256
aws_ok "put-bucket-encryption aws:kms" s3api put-bucket-encryption --bucket "$B" \
    --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/k"},"BucketKeyEnabled":true}]}'
aws_ok "get-bucket-encryption" s3api get-bucket-encryption --bucket "$B"
is "stored KMS key" \
    "$(jget ServerSideEncryptionConfiguration.Rules.0.ApplyServerSideEncryptionByDefault.KMSMasterKeyID)" \
    alias/k
is "stored BucketKeyEnabled" "$(jget ServerSideEncryptionConfiguration.Rules.0.BucketKeyEnabled)" true
aws_ok "get-public-access-block: on by default" s3api get-public-access-block --bucket "$B"
is "BlockPublicAcls" "$(jget PublicAccessBlockConfiguration.BlockPublicAcls)" true
aws_ok "delete-public-access-block" s3api delete-public-access-block --bucket "$B"
aws_error "get-public-access-block after delete" NoSuchPublicAccessBlockConfiguration \
    "The public access block configuration was not found" \
    s3api get-public-access-block --bucket "$B"
aws_ok "put-public-access-block" s3api put-public-access-block --bucket "$B" \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=false
aws_ok "get-public-access-block" s3api get-public-access-block --bucket "$B"
is "IgnorePublicAcls stored" "$(jget PublicAccessBlockConfiguration.IgnorePublicAcls)" false
aws_ok "get-bucket-versioning: never enabled" s3api get-bucket-versioning --bucket "$B"
is "no Status" "$OUT" ""
aws_ok "put-bucket-versioning" s3api put-bucket-versioning --bucket "$B" \
    --versioning-configuration Status=Enabled
aws_ok "get-bucket-versioning" s3api get-bucket-versioning --bucket "$B"
is "versioning Enabled" "$(jget Status)" Enabled
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::x/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'
aws_error "get-bucket-policy: none" NoSuchBucketPolicy "The bucket policy does not exist" \
    s3api get-bucket-policy --bucket "$B"
aws_ok "put-bucket-policy" s3api put-bucket-policy --bucket "$B" --policy "$POLICY"
aws_ok "get-bucket-policy" s3api get-bucket-policy --bucket "$B"
is "policy kept exactly" "$(jget Policy)" "$POLICY"
aws_error "put-bucket-policy not JSON: MalformedPolicy" MalformedPolicy "" \
    s3api put-bucket-policy --bucket "$B" --policy 'nope'
aws_ok "delete-bucket-policy" s3api delete-bucket-policy --bucket "$B"
aws_error "get-bucket-lifecycle-configuration: none" NoSuchLifecycleConfiguration \
    "The lifecycle configuration does not exist" \
    s3api get-bucket-lifecycle-configuration --bucket "$B"
aws_ok "put-bucket-lifecycle-configuration" s3api put-bucket-lifecycle-configuration \
    --bucket "$B" --lifecycle-configuration \
    '{"Rules":[{"ID":"CleanupOldVersions","Status":"Enabled","Filter":{"Prefix":""},"NoncurrentVersionExpiration":{"NoncurrentDays":365}}]}'
aws_ok "get-bucket-lifecycle-configuration" s3api get-bucket-lifecycle-configuration --bucket "$B"
is "lifecycle rule id" "$(jget Rules.0.ID)" CleanupOldVersions
is "lifecycle noncurrent days" "$(jget Rules.0.NoncurrentVersionExpiration.NoncurrentDays)" 365
aws_ok "put-bucket-tagging" s3api put-bucket-tagging --bucket "$B" \
    --tagging 'TagSet=[{Key=team,Value=a},{Key=env,Value=dev}]'
aws_ok "get-bucket-tagging" s3api get-bucket-tagging --bucket "$B"
is "tags in order" "$(jget TagSet)" '[{"Key":"team","Value":"a"},{"Key":"env","Value":"dev"}]'
aws_ok "delete-bucket-tagging" s3api delete-bucket-tagging --bucket "$B"
aws_error "get-bucket-tagging after delete" NoSuchTagSet "The TagSet does not exist" \
    s3api get-bucket-tagging --bucket "$B"
aws_ok "put-bucket-cors" s3api put-bucket-cors --bucket "$B" --cors-configuration \
    '{"CORSRules":[{"AllowedMethods":["GET","PUT"],"AllowedOrigins":["*"],"MaxAgeSeconds":3000}]}'
aws_ok "get-bucket-cors" s3api get-bucket-cors --bucket "$B"
is "cors methods" "$(jget CORSRules.0.AllowedMethods)" '["GET","PUT"]'
aws_ok "get-bucket-ownership-controls" s3api get-bucket-ownership-controls --bucket "$B"
is "BucketOwnerEnforced by default" "$(jget OwnershipControls.Rules.0.ObjectOwnership)" \
    BucketOwnerEnforced
aws_ok "put-bucket-versioning Suspended" s3api put-bucket-versioning --bucket "$B" \
    --versioning-configuration Status=Suspended

# --- Objects

printf 'hello world\n' >"$W/hello.txt"
aws_ok "s3 cp upload" s3 cp "$W/hello.txt" "s3://$B/dir/hello.txt"
aws_ok "put-object with metadata and headers" s3api put-object --bucket "$B" --key "a b+c/é ü.txt" \
    --body "$W/hello.txt" --content-type text/x-test --metadata k1=v1,k2=v2 \
    --cache-control max-age=60 --content-disposition 'attachment; filename="x"'
is "put-object ETag is the MD5" "$(jget ETag)" '"6f5902ac237024bdd0c176cb93063dc4"'
aws_ok "head-object" s3api head-object --bucket "$B" --key "a b+c/é ü.txt"
is "head-object: ContentLength" "$(jget ContentLength)" 12
is "head-object: ContentType" "$(jget ContentType)" text/x-test
is "head-object: metadata" "$(jget Metadata)" '{"k1":"v1","k2":"v2"}'
is "head-object: CacheControl" "$(jget CacheControl)" max-age=60
is "head-object: ContentDisposition" "$(jget ContentDisposition)" 'attachment; filename="x"'
is "head-object: SSE" "$(jget ServerSideEncryption)" AES256
aws_ok "get-object" s3api get-object --bucket "$B" --key "a b+c/é ü.txt" "$W/out.txt"
is "get-object: body" "$(cat "$W/out.txt")" "hello world"
aws_ok "get-object with a range" s3api get-object --bucket "$B" --key "a b+c/é ü.txt" \
    --range bytes=0-4 "$W/range.txt"
is "range: body" "$(cat "$W/range.txt")" hello
is "range: ContentRange" "$(jget ContentRange)" "bytes 0-4/12"
is "range: ContentLength" "$(jget ContentLength)" 5
aws_error "get-object with an unsatisfiable range: InvalidRange" InvalidRange \
    "The requested range is not satisfiable" \
    s3api get-object --bucket "$B" --key "a b+c/é ü.txt" --range bytes=50-60 "$W/x"
aws_ok "get-object with response-content-type" s3api get-object --bucket "$B" \
    --key "a b+c/é ü.txt" --response-content-type application/json "$W/x"
is "response-content-type overrides" "$(jget ContentType)" application/json
aws_error "get-object If-Match mismatch: PreconditionFailed" PreconditionFailed \
    "At least one of the pre-conditions you specified did not hold" \
    s3api get-object --bucket "$B" --key "a b+c/é ü.txt" --if-match '"0000"' "$W/x"
aws_error "get-object If-None-Match on the ETag: 304" 304 "" \
    s3api get-object --bucket "$B" --key "a b+c/é ü.txt" \
    --if-none-match '"6f5902ac237024bdd0c176cb93063dc4"' "$W/x"
aws_error "get-object of a missing key: NoSuchKey" NoSuchKey "The specified key does not exist." \
    s3api get-object --bucket "$B" --key missing "$W/x"
aws_error "head-object of a missing key: 404" 404 "" s3api head-object --bucket "$B" --key missing
aws_error "put-object with a wrong Content-MD5: BadDigest" BadDigest \
    "The Content-MD5 you specified did not match what we received." \
    s3api put-object --bucket "$B" --key bad --body "$W/hello.txt" \
    --content-md5 1B2M2Y8AsgTpgAmY7PhCfg==
aws_error "put-object with a wrong SHA256: BadDigest" BadDigest "" \
    s3api put-object --bucket "$B" --key bad --body "$W/hello.txt" \
    --checksum-sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
aws_ok "put-object with the right SHA256" s3api put-object --bucket "$B" --key good \
    --body "$W/hello.txt" --checksum-sha256 qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc=
is "the checksum is echoed" "$(jget ChecksumSHA256)" qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc=
aws_ok "copy-object" s3api copy-object --bucket "$B" --key copy.txt \
    --copy-source "$B/a b+c/é ü.txt"
is "copy: same ETag" "$(jget CopyObjectResult.ETag)" '"6f5902ac237024bdd0c176cb93063dc4"'
aws_ok "head-object of the copy" s3api head-object --bucket "$B" --key copy.txt
is "copy keeps metadata" "$(jget Metadata)" '{"k1":"v1","k2":"v2"}'
aws_ok "copy-object REPLACE" s3api copy-object --bucket "$B" --key copy.txt \
    --copy-source "$B/copy.txt" --metadata-directive REPLACE --metadata new=1
aws_ok "head-object after REPLACE" s3api head-object --bucket "$B" --key copy.txt
is "replaced metadata" "$(jget Metadata)" '{"new":"1"}'
aws_error "copy-object onto itself: InvalidRequest" InvalidRequest "" \
    s3api copy-object --bucket "$B" --key copy.txt --copy-source "$B/copy.txt"

# --- Listing

for k in p/a p/b p/c/1 p/c/2 p/d/1 q; do
    printf '%s' "$k" >"$W/k"
    run awsv2 s3api put-object --bucket euro-bkt --key "$k" --body "$W/k" --region eu-west-1
done
aws_ok "list-objects-v2 with delimiter" s3api list-objects-v2 --bucket euro-bkt --prefix p/ \
    --delimiter / --region eu-west-1 --no-paginate
is "keys" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Contents.map((c) => c.Key).join(" "), "|",
      r.CommonPrefixes.map((c) => c.Prefix).join(" "), "|", r.KeyCount)')" "p/a p/b | p/c/ p/d/ | 4"
aws_ok "list-objects-v2 paginated by 2" s3api list-objects-v2 --bucket euro-bkt \
    --delimiter / --prefix p/ --page-size 2 --region eu-west-1
is "all pages" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Contents.map((c) => c.Key).join(" "), "|",
      r.CommonPrefixes.map((c) => c.Prefix).join(" "))')" "p/a p/b | p/c/ p/d/"
aws_ok "list-objects-v2 --max-items 3 (one page)" s3api list-objects-v2 --bucket euro-bkt \
    --max-keys 3 --no-paginate --region eu-west-1
is "truncated" "$(jget IsTruncated)" true
is "KeyCount 3" "$(jget KeyCount)" 3
like "NextContinuationToken" "$(jget NextContinuationToken)" '.+'
aws_ok "list-objects-v2 start-after" s3api list-objects-v2 --bucket euro-bkt --start-after p/d/1 \
    --region eu-west-1
is "after p/d/1" "$(jget Contents.0.Key)" q
aws_ok "list-objects (v1) with marker" s3api list-objects --bucket euro-bkt --marker p/c/2 \
    --region eu-west-1 --no-paginate
is "v1 after the marker" "$(jget Contents.0.Key)" p/d/1
like "v1 lists the owner" "$(jget Contents.0.Owner.ID)" '^[0-9a-f]{64}$'
aws_ok "s3 ls" s3 ls "s3://$B/"
like "s3 ls shows the prefix" "$OUT" 'PRE dir/'
aws_ok "s3 sync" s3 sync "$W" "s3://euro-bkt/sync/" --region eu-west-1
aws_ok "s3 ls recursive" s3 ls --recursive "s3://euro-bkt/sync/" --region eu-west-1
like "synced files" "$OUT" 'sync/hello.txt'

# --- Deleting

aws_ok "delete-objects" s3api delete-objects --bucket euro-bkt --region eu-west-1 \
    --delete '{"Objects":[{"Key":"p/a"},{"Key":"p/b"},{"Key":"nope"}]}'
is "deleted keys" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Deleted.map((d) => d.Key).join(" "))')" "p/a p/b nope"
aws_error "delete-bucket not empty: BucketNotEmpty" BucketNotEmpty \
    "The bucket you tried to delete is not empty" s3api delete-bucket --bucket euro-bkt \
    --region eu-west-1
aws_ok "s3 rm --recursive" s3 rm --recursive s3://euro-bkt --region eu-west-1
aws_ok "s3 rb" s3 rb s3://euro-bkt --region eu-west-1
aws_ok "delete-object of a missing key succeeds" s3api delete-object --bucket "$B" --key nope

# --- Multipart uploads
# AWS: API_CompleteMultipartUpload.html, ErrorResponses.html; the ETag of
# a multipart object is the MD5 of the parts' binary MD5s, "-", the count
# (userguide/checking-object-integrity.html).

M=mp-bkt
aws_ok "mb for multipart" s3 mb "s3://$M"
head -c 20000000 /dev/urandom >"$W/big.bin"
# the CLI's default part size is 8 MiB: 3 parts
BIG_ETAG=$(python3 -c '
import hashlib, sys
d = open(sys.argv[1], "rb").read()
ps = [d[i:i + 8388608] for i in range(0, len(d), 8388608)]
print("\"%s-%d\"" % (hashlib.md5(b"".join(hashlib.md5(p).digest() for p in ps)).hexdigest(), len(ps)))
' "$W/big.bin")
aws_ok "s3 cp of 20 MB goes multipart" s3 cp "$W/big.bin" "s3://$M/dir/big.bin" --only-show-errors
aws_ok "head-object of the multipart object" s3api head-object --bucket "$M" --key dir/big.bin
is "multipart ETag: md5 of the part md5s, -3" "$(jget ETag)" "$BIG_ETAG"
is "multipart ContentLength" "$(jget ContentLength)" 20000000
aws_ok "s3 cp back" s3 cp "s3://$M/dir/big.bin" "$W/big.out" --only-show-errors
run_ok "the bytes round-trip" cmp "$W/big.bin" "$W/big.out"
aws_ok "head-object --part-number 2" s3api head-object --bucket "$M" --key dir/big.bin \
    --part-number 2
is "part 2: x-amz-mp-parts-count" "$(jget PartsCount)" 3
is "part 2: its length" "$(jget ContentLength)" 8388608
aws_ok "get-object --part-number 3" s3api get-object --bucket "$M" --key dir/big.bin \
    --part-number 3 "$W/part3"
is "part 3: ContentRange" "$(jget ContentRange)" "bytes 16777216-19999999/20000000"
run_ok "part 3: the last bytes" cmp "$W/part3" <(tail -c 3222784 "$W/big.bin")
aws_error "get-object --part-number 4: InvalidPartNumber" InvalidPartNumber \
    "The requested partnumber is not satisfiable" \
    s3api get-object --bucket "$M" --key dir/big.bin --part-number 4 "$W/x"
aws_ok "s3 ls" s3 ls "s3://$M/dir/"
like "s3 ls shows the size" "$OUT" '20000000 big.bin'

head -c 5242880 /dev/urandom >"$W/p5m"
printf 'the end' >"$W/tail"
aws_ok "create-multipart-upload" s3api create-multipart-upload --bucket "$M" --key "mp/a b+é" \
    --content-type text/x-mp --metadata m=1
UP=$(jget UploadId)
like "an UploadId" "$UP" '^.{32,}$'
aws_ok "upload-part 1 (5 MiB)" s3api upload-part --bucket "$M" --key "mp/a b+é" --upload-id "$UP" \
    --part-number 1 --body "$W/p5m"
E1=$(jget ETag)
is "part ETag is its MD5" "$E1" "\"$(md5sum "$W/p5m" | cut -d' ' -f1)\""
aws_ok "upload-part 2 (small, last)" s3api upload-part --bucket "$M" --key "mp/a b+é" \
    --upload-id "$UP" --part-number 2 --body "$W/tail"
E2=$(jget ETag)
aws_ok "upload-part 3 (small, not listed)" s3api upload-part --bucket "$M" --key "mp/a b+é" \
    --upload-id "$UP" --part-number 3 --body "$W/tail"
aws_error "upload-part 0: InvalidArgument" InvalidArgument \
    "Part number must be an integer between 1 and 10000, inclusive" \
    s3api upload-part --bucket "$M" --key "mp/a b+é" --upload-id "$UP" --part-number 0 \
    --body "$W/tail"
aws_error "upload-part to an unknown upload: NoSuchUpload" NoSuchUpload \
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed." \
    s3api upload-part --bucket "$M" --key "mp/a b+é" --upload-id nope --part-number 1 \
    --body "$W/tail"
aws_ok "list-parts" s3api list-parts --bucket "$M" --key "mp/a b+é" --upload-id "$UP"
is "list-parts: numbers and sizes" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Parts.map((p) => p.PartNumber + ":" + p.Size).join(" "))')" "1:5242880 2:7 3:7"
like "list-parts: owner" "$(jget Owner.ID)" '^[0-9a-f]{64}$'
aws_ok "list-parts one page of 2" s3api list-parts --bucket "$M" --key "mp/a b+é" \
    --upload-id "$UP" --max-parts 2 --no-paginate
is "page: truncated" "$(jget IsTruncated)" true
is "page: NextPartNumberMarker" "$(jget NextPartNumberMarker)" 2
aws_ok "list-parts after marker 2" s3api list-parts --bucket "$M" --key "mp/a b+é" \
    --upload-id "$UP" --part-number-marker 2 --no-paginate
is "after the marker: part 3 only" "$(jget Parts.0.PartNumber) $(jget IsTruncated)" "3 false"
aws_ok "list-parts paginated by the CLI" s3api list-parts --bucket "$M" --key "mp/a b+é" \
    --upload-id "$UP" --page-size 1
is "all parts through the pages" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Parts.map((p) => p.PartNumber).join(" "))')" "1 2 3"
aws_ok "create a second upload of another key" s3api create-multipart-upload --bucket "$M" \
    --key "mp/z/other"
UP2=$(jget UploadId)
aws_ok "create-multipart-upload of a key outside mp/" s3api create-multipart-upload --bucket "$M" \
    --key "top"
UP3=$(jget UploadId)
aws_ok "list-multipart-uploads" s3api list-multipart-uploads --bucket "$M"
is "uploads by key" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Uploads.map((u) => u.Key).join("|"))')" "mp/a b+é|mp/z/other|top"
aws_ok "list-multipart-uploads prefix and delimiter" s3api list-multipart-uploads --bucket "$M" \
    --prefix mp/ --delimiter /
is "under mp/: one upload, one common prefix" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Uploads.map((u) => u.Key).join("|"), r.CommonPrefixes.map((p) => p.Prefix).join("|"))')" \
    "mp/a b+é mp/z/"
aws_ok "list-multipart-uploads one page" s3api list-multipart-uploads --bucket "$M" \
    --max-uploads 1 --no-paginate
is "page: truncated with markers" "$(jget IsTruncated) $(jget NextKeyMarker) $(jget NextUploadIdMarker)" \
    "true mp/a b+é $UP"
aws_ok "list-multipart-uploads after the key marker" s3api list-multipart-uploads --bucket "$M" \
    --key-marker "mp/a b+é" --no-paginate
is "after the marker" "$(jget Uploads.0.Key)" "mp/z/other"
aws_error "complete with parts out of order: InvalidPartOrder" InvalidPartOrder \
    "The list of parts was not in ascending order. Parts must be ordered by part number." \
    s3api complete-multipart-upload --bucket "$M" --key "mp/a b+é" --upload-id "$UP" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":2,\"ETag\":$E2},{\"PartNumber\":1,\"ETag\":$E1}]}"
aws_error "complete with a wrong ETag: InvalidPart" InvalidPart "" \
    s3api complete-multipart-upload --bucket "$M" --key "mp/a b+é" --upload-id "$UP" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$E2},{\"PartNumber\":2,\"ETag\":$E2}]}"
aws_error "complete with a part never uploaded: InvalidPart" InvalidPart "" \
    s3api complete-multipart-upload --bucket "$M" --key "mp/a b+é" --upload-id "$UP" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$E1},{\"PartNumber\":9,\"ETag\":$E2}]}"
aws_error "complete with a small part before the last: EntityTooSmall" EntityTooSmall \
    "Your proposed upload is smaller than the minimum allowed size" \
    s3api complete-multipart-upload --bucket "$M" --key "mp/a b+é" --upload-id "$UP" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":2,\"ETag\":$E2},{\"PartNumber\":3,\"ETag\":$E2}]}"
aws_ok "complete-multipart-upload" s3api complete-multipart-upload --bucket "$M" --key "mp/a b+é" \
    --upload-id "$UP" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$E1},{\"PartNumber\":2,\"ETag\":$E2}]}"
WANT=$(python3 -c '
import hashlib, sys
a, b = (open(f, "rb").read() for f in sys.argv[1:3])
print("\"%s-2\"" % hashlib.md5(hashlib.md5(a).digest() + hashlib.md5(b).digest()).hexdigest())
' "$W/p5m" "$W/tail")
is "complete: ETag" "$(jget ETag)" "$WANT"
is "complete: Key" "$(jget Key)" "mp/a b+é"
like "complete: Location" "$(jget Location)" "/$M/mp/a"
aws_ok "get-object of the completed upload" s3api get-object --bucket "$M" --key "mp/a b+é" \
    "$W/mp.out"
is "attributes from create-multipart-upload" "$(jget ContentType) $(jget Metadata.m)" "text/x-mp 1"
run_ok "body: part 1 then part 2 (part 3 dropped)" cmp "$W/mp.out" <(cat "$W/p5m" "$W/tail")
aws_error "complete again: NoSuchUpload" NoSuchUpload "" \
    s3api complete-multipart-upload --bucket "$M" --key "mp/a b+é" --upload-id "$UP" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$E1}]}"
aws_ok "upload-part-copy with a range" s3api upload-part-copy --bucket "$M" --key mp/z/other \
    --upload-id "$UP2" --part-number 1 --copy-source "$M/dir/big.bin" \
    --copy-source-range bytes=0-5242879
CE1=$(jget CopyPartResult.ETag)
is "copied part ETag" "$CE1" "\"$(head -c 5242880 "$W/big.bin" | md5sum | cut -d' ' -f1)\""
aws_ok "upload-part-copy of a whole object" s3api upload-part-copy --bucket "$M" \
    --key mp/z/other --upload-id "$UP2" --part-number 2 --copy-source "$M/mp/a b+é"
CE2=$(jget CopyPartResult.ETag)
aws_error "upload-part-copy past the end: InvalidArgument" InvalidArgument \
    "Range specified is not valid for source object of size: 20000000" \
    s3api upload-part-copy --bucket "$M" --key mp/z/other --upload-id "$UP2" --part-number 3 \
    --copy-source "$M/dir/big.bin" --copy-source-range bytes=0-20000000
aws_error "upload-part-copy with a malformed range: InvalidArgument" InvalidArgument "" \
    s3api upload-part-copy --bucket "$M" --key mp/z/other --upload-id "$UP2" --part-number 3 \
    --copy-source "$M/dir/big.bin" --copy-source-range 0-5
aws_error "upload-part-copy of a missing key: NoSuchKey" NoSuchKey "" \
    s3api upload-part-copy --bucket "$M" --key mp/z/other --upload-id "$UP2" --part-number 3 \
    --copy-source "$M/missing"
aws_ok "complete the copied upload" s3api complete-multipart-upload --bucket "$M" \
    --key mp/z/other --upload-id "$UP2" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$CE1},{\"PartNumber\":2,\"ETag\":$CE2}]}"
aws_ok "get-object of the copied upload" s3api get-object --bucket "$M" --key mp/z/other \
    "$W/copy.out"
run_ok "copied body" cmp "$W/copy.out" <(head -c 5242880 "$W/big.bin"; cat "$W/p5m" "$W/tail")
aws_ok "abort-multipart-upload" s3api abort-multipart-upload --bucket "$M" --key top \
    --upload-id "$UP3"
aws_error "abort again: NoSuchUpload" NoSuchUpload "" \
    s3api abort-multipart-upload --bucket "$M" --key top --upload-id "$UP3"
aws_error "list-parts of an aborted upload: NoSuchUpload" NoSuchUpload "" \
    s3api list-parts --bucket "$M" --key top --upload-id "$UP3"
aws_ok "list-multipart-uploads: none left" s3api list-multipart-uploads --bucket "$M"
is "no uploads" "$(jget Uploads)" ""
mkdir -p "$W/tree/sub"
cp "$W/big.bin" "$W/tree/sub/big.bin"
printf 'small' >"$W/tree/small.txt"
# sync uploads a file whose mtime is later than the object's LastModified,
# which has whole seconds (as in S3): files written in the second of their
# upload would be sent again, so they are given an older mtime
touch -d '1 hour ago' "$W/tree/small.txt" "$W/tree/sub/big.bin"
aws_ok "s3 sync of a tree with a big file" s3 sync "$W/tree" "s3://$M/tree/" --only-show-errors
aws_ok "s3 ls --recursive" s3 ls --recursive "s3://$M/tree/"
like "synced big file" "$OUT" '20000000 tree/sub/big.bin'
like "synced small file" "$OUT" 'tree/small.txt'
aws_ok "s3 sync again copies nothing" s3 sync "$W/tree" "s3://$M/tree/"
is "nothing to sync" "$OUT" ""
aws_ok "s3 rm --recursive" s3 rm --recursive "s3://$M/" --only-show-errors
aws_ok "list-objects-v2 after rm" s3api list-objects-v2 --bucket "$M" --no-paginate
is "bucket empty" "$(jget KeyCount)" 0
aws_ok "s3 rb" s3 rb "s3://$M"

# --- Versioning
# AWS: userguide/Versioning.html, API_ListObjectVersions.html,
# API_DeleteObject.html, API_GetObject.html (a delete marker as the current
# version: NoSuchKey with x-amz-delete-marker; by version id: 405
# MethodNotAllowed), ErrorResponses.html (NoSuchVersion).

V=ver-bkt
aws_ok "mb for versioning" s3 mb "s3://$V"
printf 'v0' >"$W/v0"
printf 'v1' >"$W/v1"
printf 'v2' >"$W/v2"
aws_ok "put before versioning" s3api put-object --bucket "$V" --key doc --body "$W/v0"
is "no VersionId before versioning" "$(jget VersionId || echo none)" none
aws_ok "enable versioning" s3api put-bucket-versioning --bucket "$V" \
    --versioning-configuration Status=Enabled
aws_ok "put v1" s3api put-object --bucket "$V" --key doc --body "$W/v1"
V1=$(jget VersionId)
like "v1 has a version id" "$V1" '^[A-Za-z0-9._]{32}$'
aws_ok "put v2" s3api put-object --bucket "$V" --key doc --body "$W/v2"
V2=$(jget VersionId)
run_ok "version ids differ" test "$V1" != "$V2"
aws_ok "get-object: the latest" s3api get-object --bucket "$V" --key doc "$W/got"
is "latest body and version" "$(cat "$W/got") $(jget VersionId)" "v2 $V2"
aws_ok "get-object --version-id v1" s3api get-object --bucket "$V" --key doc --version-id "$V1" \
    "$W/got"
is "v1 body" "$(cat "$W/got") $(jget VersionId)" "v1 $V1"
aws_ok "get-object --version-id null (written before versioning)" s3api get-object \
    --bucket "$V" --key doc --version-id null "$W/got"
is "null version body" "$(cat "$W/got")" v0
aws_ok "head-object --version-id v1" s3api head-object --bucket "$V" --key doc --version-id "$V1"
is "head v1: ContentLength" "$(jget ContentLength)" 2
aws_error "get-object of an unknown version: NoSuchVersion" NoSuchVersion \
    "The specified version does not exist." \
    s3api get-object --bucket "$V" --key doc --version-id AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "$W/x"
aws_ok "delete-object adds a delete marker" s3api delete-object --bucket "$V" --key doc
is "DeleteMarker" "$(jget DeleteMarker)" true
DM=$(jget VersionId)
like "the marker's version id" "$DM" '^[A-Za-z0-9._]{32}$'
aws_error "get-object with a delete marker current: NoSuchKey" NoSuchKey \
    "The specified key does not exist." s3api get-object --bucket "$V" --key doc "$W/x"
run curl -s -D - -o "$W/body" -H "Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00" "$ENDPOINT/$V/doc"
like "GET after delete: x-amz-delete-marker: true" "$OUT" $'x-amz-delete-marker: true\r'
like "GET after delete: the marker's x-amz-version-id" "$OUT" "x-amz-version-id: $DM"
aws_error "get-object of the delete marker by version: MethodNotAllowed" MethodNotAllowed \
    "The specified method is not allowed against this resource." \
    s3api get-object --bucket "$V" --key doc --version-id "$DM" "$W/x"
aws_error "head-object of the delete marker by version: 405" 405 "" \
    s3api head-object --bucket "$V" --key doc --version-id "$DM"
aws_ok "get-object of an older version still works" s3api get-object --bucket "$V" --key doc \
    --version-id "$V2" "$W/got"
is "v2 still there" "$(cat "$W/got")" v2
aws_ok "list-objects-v2 hides the key" s3api list-objects-v2 --bucket "$V" --no-paginate
is "no keys" "$(jget KeyCount)" 0
aws_ok "list-object-versions" s3api list-object-versions --bucket "$V"
is "versions newest first" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Versions.map((v) => v.VersionId + ":" + v.IsLatest).join(" "),
      "|", r.DeleteMarkers.map((v) => v.VersionId + ":" + v.IsLatest).join(" "))')" \
    "$V2:false $V1:false null:false | $DM:true"
aws_ok "list-object-versions one page" s3api list-object-versions --bucket "$V" --max-keys 2 \
    --no-paginate
is "page: truncated with markers" \
    "$(jget IsTruncated) $(jget NextKeyMarker) $(jget NextVersionIdMarker)" "true doc $V2"
aws_ok "list-object-versions after the markers" s3api list-object-versions --bucket "$V" \
    --key-marker doc --version-id-marker "$V2" --no-paginate
is "the rest: v1 and null" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Versions.map((v) => v.VersionId).join(" "), r.IsTruncated)')" "$V1 null false"
aws_ok "list-object-versions paginated by the CLI" s3api list-object-versions --bucket "$V" \
    --page-size 1
is "every entry through the pages" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Versions.length + r.DeleteMarkers.length)')" 4
aws_error "version-id-marker without key-marker: InvalidArgument" InvalidArgument \
    "A version-id marker cannot be specified without a key marker." \
    s3api list-object-versions --bucket "$V" --version-id-marker "$V1"
for k in a/1 a/2 b; do
    run awsv2 s3api put-object --bucket "$V" --key "$k" --body "$W/v1"
done
aws_ok "list-object-versions with prefix and delimiter" s3api list-object-versions \
    --bucket "$V" --delimiter / --no-paginate
is "common prefix a/ and keys b, doc" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.CommonPrefixes.map((p) => p.Prefix).join(" "), "|",
      [...new Set(r.Versions.map((v) => v.Key))].join(" "))')" "a/ | b doc"
aws_ok "copy-object from a version" s3api copy-object --bucket "$V" --key restored \
    --copy-source "$V/doc?versionId=$V1"
is "CopySourceVersionId" "$(jget CopySourceVersionId)" "$V1"
aws_ok "get the copy" s3api get-object --bucket "$V" --key restored "$W/got"
is "the copy has v1's bytes" "$(cat "$W/got")" v1
aws_ok "delete the delete marker by version" s3api delete-object --bucket "$V" --key doc \
    --version-id "$DM"
is "deleting a marker: DeleteMarker and its id" "$(jget DeleteMarker) $(jget VersionId)" "true $DM"
aws_ok "get-object: v2 is current again" s3api get-object --bucket "$V" --key doc "$W/got"
is "v2 current" "$(cat "$W/got") $(jget VersionId)" "v2 $V2"
aws_ok "delete-objects with versions" s3api delete-objects --bucket "$V" \
    --delete "{\"Objects\":[{\"Key\":\"doc\",\"VersionId\":\"$V2\"},{\"Key\":\"b\"}]}"
is "deleted entries" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Deleted.map((d) => d.Key + ":" + (d.VersionId || "") + ":" + (d.DeleteMarker || false)
      + ":" + (d.DeleteMarkerVersionId ? "dm" : "")).join(" "))')" "doc:$V2:false: b::true:dm"
aws_ok "get-object: v1 current after removing v2" s3api get-object --bucket "$V" --key doc \
    "$W/got"
is "v1 current" "$(cat "$W/got")" v1
aws_ok "suspend versioning" s3api put-bucket-versioning --bucket "$V" \
    --versioning-configuration Status=Suspended
aws_ok "put while suspended replaces the null version" s3api put-object --bucket "$V" --key doc \
    --body "$W/v2"
aws_ok "list-object-versions --prefix doc" s3api list-object-versions --bucket "$V" --prefix doc
is "suspended: one null version, newest" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Versions.map((v) => v.VersionId + ":" + v.IsLatest).join(" "))')" \
    "null:true $V1:false"
aws_ok "delete while suspended: a null delete marker" s3api delete-object --bucket "$V" --key doc
is "null marker" "$(jget DeleteMarker) $(jget VersionId)" "true null"
aws_error "delete-bucket with versions left: BucketNotEmpty" BucketNotEmpty "" \
    s3api delete-bucket --bucket "$V"

# --- Tags, ACLs, object attributes
# AWS: userguide/object-tagging.html, API_PutObjectTagging.html,
# userguide/acl-overview.html (canned ACLs), about-object-ownership.html
# (BucketOwnerEnforced refuses ACLs), API_GetObjectAttributes.html.

T=tag-bkt
printf 'v1' >"$W/v1"
aws_ok "mb for tags and ACLs" s3 mb "s3://$T"
aws_ok "put-object with x-amz-tagging" s3api put-object --bucket "$T" --key t.txt \
    --body "$W/v1" --tagging 'team=a%20b&env=dev'
aws_ok "get-object-tagging" s3api get-object-tagging --bucket "$T" --key t.txt
is "tags from the header, decoded" "$(jget TagSet)" '[{"Key":"team","Value":"a b"},{"Key":"env","Value":"dev"}]'
run curl -s -D - -o /dev/null -H "Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00" "$ENDPOINT/$T/t.txt"
like "GET: x-amz-tagging-count" "$OUT" $'x-amz-tagging-count: 2\r'
aws_ok "put-object-tagging" s3api put-object-tagging --bucket "$T" --key t.txt \
    --tagging 'TagSet=[{Key=k1,Value=v1}]'
aws_ok "get-object-tagging after put" s3api get-object-tagging --bucket "$T" --key t.txt
is "replaced tags" "$(jget TagSet)" '[{"Key":"k1","Value":"v1"}]'
aws_error "put-object-tagging with a duplicate key: InvalidTag" InvalidTag \
    "Cannot provide multiple Tags with the same key" \
    s3api put-object-tagging --bucket "$T" --key t.txt \
    --tagging 'TagSet=[{Key=a,Value=1},{Key=a,Value=2}]'
aws_error "put-object-tagging with an aws: key: InvalidTag" InvalidTag \
    "Your TagKey cannot be prefixed with aws:" \
    s3api put-object-tagging --bucket "$T" --key t.txt --tagging 'TagSet=[{Key=aws:x,Value=1}]'
aws_error "put-object with 11 tags: BadRequest" BadRequest "Object tags cannot be greater than 10" \
    s3api put-object --bucket "$T" --key u --body "$W/v1" \
    --tagging 'a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11'
aws_error "get-object-tagging of a missing key: NoSuchKey" NoSuchKey "" \
    s3api get-object-tagging --bucket "$T" --key nope
aws_ok "delete-object-tagging" s3api delete-object-tagging --bucket "$T" --key t.txt
aws_ok "get-object-tagging after delete" s3api get-object-tagging --bucket "$T" --key t.txt
is "no tags" "$(jget TagSet)" '[]'
aws_ok "create-multipart-upload with tags" s3api create-multipart-upload --bucket "$T" \
    --key mpt --tagging 'x=1'
UPT=$(jget UploadId)
aws_ok "upload-part" s3api upload-part --bucket "$T" --key mpt --upload-id "$UPT" \
    --part-number 1 --body "$W/v1"
ET=$(jget ETag)
aws_ok "complete" s3api complete-multipart-upload --bucket "$T" --key mpt --upload-id "$UPT" \
    --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$ET}]}"
aws_ok "tags of the completed upload" s3api get-object-tagging --bucket "$T" --key mpt
is "tags from create-multipart-upload" "$(jget TagSet)" '[{"Key":"x","Value":"1"}]'

OWNER_ID=$(awsv2 s3api list-buckets | node -e '
    console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).Owner.ID)')
aws_ok "get-object-acl: owner FULL_CONTROL" s3api get-object-acl --bucket "$T" --key t.txt
is "default grant" "$(jget Grants)" \
    "[{\"Grantee\":{\"ID\":\"$OWNER_ID\",\"Type\":\"CanonicalUser\"},\"Permission\":\"FULL_CONTROL\"}]"
is "ACL owner" "$(jget Owner.ID)" "$OWNER_ID"
aws_error "put-object --acl public-read on a BucketOwnerEnforced bucket" \
    AccessControlListNotSupported "The bucket does not allow ACLs" \
    s3api put-object --bucket "$T" --key p.txt --body "$W/v1" --acl public-read
aws_ok "put-object --acl private is allowed" s3api put-object --bucket "$T" --key p.txt \
    --body "$W/v1" --acl private
aws_ok "put-bucket-ownership-controls ObjectWriter" s3api put-bucket-ownership-controls \
    --bucket "$T" --ownership-controls 'Rules=[{ObjectOwnership=ObjectWriter}]'
aws_ok "put-object --acl public-read" s3api put-object --bucket "$T" --key p.txt \
    --body "$W/v1" --acl public-read
aws_ok "get-object-acl" s3api get-object-acl --bucket "$T" --key p.txt
is "public-read grants" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Grants.map((g) => (g.Grantee.URI || g.Grantee.Type) + ":" + g.Permission).join(" "))')" \
    "CanonicalUser:FULL_CONTROL http://acs.amazonaws.com/groups/global/AllUsers:READ"
aws_ok "put-object-acl with grant headers" s3api put-object-acl --bucket "$T" --key p.txt \
    --grant-read 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' \
    --grant-full-control "id=$OWNER_ID"
aws_ok "get-object-acl after grants" s3api get-object-acl --bucket "$T" --key p.txt
is "header grants" "$(printf '%s' "$OUT" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(r.Grants.map((g) => (g.Grantee.URI || g.Grantee.Type) + ":" + g.Permission).join(" "))')" \
    "CanonicalUser:FULL_CONTROL http://acs.amazonaws.com/groups/global/AuthenticatedUsers:READ"
aws_ok "put-object-acl with an AccessControlPolicy body" s3api put-object-acl --bucket "$T" \
    --key p.txt --access-control-policy \
    "{\"Owner\":{\"ID\":\"$OWNER_ID\"},\"Grants\":[{\"Grantee\":{\"Type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/global/AllUsers\"},\"Permission\":\"WRITE\"}]}"
aws_ok "get-object-acl after the body" s3api get-object-acl --bucket "$T" --key p.txt
is "body grants" "$(jget Grants.0.Grantee.URI) $(jget Grants.0.Permission)" \
    "http://acs.amazonaws.com/groups/global/AllUsers WRITE"
aws_error "put-object-acl with nothing: MissingSecurityHeader" MissingSecurityHeader \
    "Your request was missing a required header" s3api put-object-acl --bucket "$T" --key p.txt
aws_error "put-object-acl with a bad group: InvalidArgument" InvalidArgument "Invalid group uri" \
    s3api put-object-acl --bucket "$T" --key p.txt --grant-read 'uri="http://example.com/x"'
aws_error "put-object-acl with an email grantee: UnresolvableGrantByEmailAddress" \
    UnresolvableGrantByEmailAddress "" \
    s3api put-object-acl --bucket "$T" --key p.txt --grant-read 'emailAddress="a@example.com"'
aws_error "canned ACL and grant headers together: InvalidRequest" InvalidRequest \
    "Specifying both Canned ACLs and Header Grants is not allowed" \
    s3api put-object-acl --bucket "$T" --key p.txt --acl private --grant-read "id=$OWNER_ID"
aws_ok "get-bucket-acl" s3api get-bucket-acl --bucket "$T"
is "bucket default grant" "$(jget Grants.0.Permission) $(jget Grants.0.Grantee.ID)" \
    "FULL_CONTROL $OWNER_ID"
aws_ok "put-bucket-acl public-read" s3api put-bucket-acl --bucket "$T" --acl public-read
aws_ok "get-bucket-acl after put" s3api get-bucket-acl --bucket "$T"
is "bucket grants" "$(jget Grants.1.Grantee.URI) $(jget Grants.1.Permission)" \
    "http://acs.amazonaws.com/groups/global/AllUsers READ"
aws_error "create-bucket --acl public-read: InvalidBucketAclWithObjectOwnership" \
    InvalidBucketAclWithObjectOwnership \
    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting" \
    s3api create-bucket --bucket acl-refused-bkt --acl public-read
aws_ok "create-bucket --acl public-read with ObjectWriter" s3api create-bucket \
    --bucket acl-writer-bkt --acl public-read --object-ownership ObjectWriter
aws_ok "get-bucket-acl of the new bucket" s3api get-bucket-acl --bucket acl-writer-bkt
is "its public-read grant" "$(jget Grants.1.Grantee.URI) $(jget Grants.1.Permission)" \
    "http://acs.amazonaws.com/groups/global/AllUsers READ"

aws_ok "put-object with SHA256 for attributes" s3api put-object --bucket "$T" --key attr.txt \
    --body "$W/v1" --checksum-algorithm SHA256
aws_ok "get-object-attributes" s3api get-object-attributes --bucket "$T" --key attr.txt \
    --object-attributes ETag Checksum StorageClass ObjectSize
is "attributes" "$(jget ETag) $(jget StorageClass) $(jget ObjectSize) $(jget Checksum.ChecksumSHA256)" \
    "$(md5sum "$W/v1" | cut -d' ' -f1) STANDARD 2 $(openssl dgst -sha256 -binary "$W/v1" | base64)"
aws_ok "get-object-attributes ObjectParts of a multipart object" s3api get-object-attributes \
    --bucket "$T" --key mpt --object-attributes ObjectParts ObjectSize
is "one part" "$(jget ObjectParts.TotalPartsCount)" 1
aws_ok "get-object-attributes ETag only" s3api get-object-attributes --bucket "$T" \
    --key attr.txt --object-attributes ETag
is "only what was asked" "$(jget ObjectSize || echo none)" none
aws_error "get-object-attributes of a missing key: NoSuchKey" NoSuchKey "" \
    s3api get-object-attributes --bucket "$T" --key nope --object-attributes ETag

# --- Presigned URLs
# AWS: API/sigv4-query-string-auth.html (X-Amz-Expires); userguide/
# RESTAuthentication.html (SigV2 query: AWSAccessKeyId, Expires,
# Signature); an expired URL is AccessDenied "Request has expired" with
# X-Amz-Expires (SigV4), Expires and ServerTime (aws-sdk-php issue 1333).

P3=presign-bkt
aws_ok "mb for presigned URLs" s3 mb "s3://$P3"
printf 'signed bytes' >"$W/signed"
aws_ok "upload a key with spaces, + and unicode" s3 cp "$W/signed" "s3://$P3/a b+c/é ü.txt"
aws_ok "s3 presign" s3 presign "s3://$P3/a b+c/é ü.txt" --expires-in 300
URL=$OUT
like "a SigV4 query URL" "$URL" 'X-Amz-Algorithm=AWS4-HMAC-SHA256.*X-Amz-Expires=300'
run curl -s "$URL"
is "curl of the presigned URL" "$OUT" "signed bytes"
run curl -s -o /dev/null -w '%{http_code}' \
    "$ENDPOINT/$P3/a%20b%2Bc/%C3%A9%20%C3%BC.txt?AWSAccessKeyId=test&Expires=$(($(date +%s) + 300))&Signature=c2lnbmF0dXJl"
is "SigV2 query URL accepted" "$OUT" 200
run curl -s "$ENDPOINT/$P3/a%20b%2Bc/%C3%A9%20%C3%BC.txt?AWSAccessKeyId=test&Expires=1000&Signature=c2lnbmF0dXJl"
like "expired SigV2 URL: AccessDenied" "$OUT" '<Code>AccessDenied</Code><Message>Request has expired</Message><Expires>1970-01-01T00:16:40Z</Expires><ServerTime>[0-9T:-]+Z</ServerTime>'
OLD=$(date -u -d '-2 hours' +%Y%m%dT%H%M%SZ)
run curl -s -w '\n%{http_code}' "$ENDPOINT/$P3/a%20b%2Bc/%C3%A9%20%C3%BC.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F${OLD:0:8}%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=$OLD&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
like "expired SigV4 URL: 403 AccessDenied with X-Amz-Expires" "$OUT" \
    '<Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires><Expires>[0-9T:-]+Z</Expires><ServerTime>[0-9T:-]+Z</ServerTime>.*403$'

# --- aws-chunked bodies and bad input
# AWS: API/sigv4-streaming.html and sigv4-streaming-trailers.html (chunks
# "<hex size>[;chunk-signature=...]\r\n<data>\r\n", a zero chunk, then the
# trailers named in x-amz-trailer); ErrorResponses.html (BadDigest,
# KeyTooLongError, MalformedXML, IncompleteBody).

AUTH="Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"
printf '5;chunk-signature=%064d\r\nhello\r\n6;chunk-signature=%064d\r\n world\r\n0;chunk-signature=%064d\r\n\r\n' 0 0 0 >"$W/signed-chunks"
run curl -s -o /dev/null -w '%{http_code}' -X PUT -H "$AUTH" \
    -H "x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD" -H "Content-Encoding: aws-chunked" \
    -H "x-amz-decoded-content-length: 11" --data-binary @"$W/signed-chunks" "$ENDPOINT/$P3/chunked"
is "signed chunks: 200" "$OUT" 200
aws_ok "get the chunked object" s3api get-object --bucket "$P3" --key chunked "$W/got"
is "the decoded bytes" "$(cat "$W/got") $(jget ContentLength)" "hello world 11"
# CRC32 of "hello" is 0x3610a686
printf '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n' >"$W/trailer-ok"
run curl -s -D - -o /dev/null -X PUT -H "$AUTH" \
    -H "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER" -H "Content-Encoding: aws-chunked" \
    -H "x-amz-trailer: x-amz-checksum-crc32" -H "x-amz-decoded-content-length: 5" \
    --data-binary @"$W/trailer-ok" "$ENDPOINT/$P3/trailer"
like "trailer checksum kept and echoed" "$OUT" $'x-amz-checksum-crc32: NhCmhg==\r'
printf '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n' >"$W/trailer-bad"
run curl -s -X PUT -H "$AUTH" \
    -H "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER" -H "Content-Encoding: aws-chunked" \
    -H "x-amz-trailer: x-amz-checksum-crc32" -H "x-amz-decoded-content-length: 5" \
    --data-binary @"$W/trailer-bad" "$ENDPOINT/$P3/trailer2"
like "wrong trailer checksum: BadDigest" "$OUT" \
    '<Code>BadDigest</Code><Message>The CRC32 you specified did not match the calculated checksum.</Message>'
printf '5\r\nhel' >"$W/short-chunk"
run curl -s -X PUT -H "$AUTH" \
    -H "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER" -H "Content-Encoding: aws-chunked" \
    -H "x-amz-decoded-content-length: 5" --data-binary @"$W/short-chunk" "$ENDPOINT/$P3/short"
like "truncated chunk: IncompleteBody" "$OUT" '<Code>IncompleteBody</Code>'
aws_error "put-object with a 1025-byte key: KeyTooLongError" KeyTooLongError \
    "Your key is too long." \
    s3api put-object --bucket "$P3" --key "$(printf 'k%.0s' $(seq 1025))" --body "$W/signed"
aws_ok "put-object with a 1024-byte key" s3api put-object --bucket "$P3" \
    --key "$(printf 'k%.0s' $(seq 1024))" --body "$W/signed"
run curl -s -X PUT -H "$AUTH" --data-binary '<Tagging><TagSet>' "$ENDPOINT/$P3/chunked?tagging"
like "malformed XML body: MalformedXML" "$OUT" '<Code>MalformedXML</Code>'
aws_error "get-object with a range past the end: InvalidRange" InvalidRange \
    "The requested range is not satisfiable" \
    s3api get-object --bucket "$P3" --key chunked --range bytes=11-20 "$W/x"
aws_ok "get-object with a reversed range: the whole object" s3api get-object --bucket "$P3" \
    --key chunked --range bytes=5-1 "$W/got"
is "reversed range ignored" "$(cat "$W/got")" "hello world"
aws_ok "get-object with a suffix range" s3api get-object --bucket "$P3" --key chunked \
    --range bytes=-5 "$W/got"
is "last five bytes" "$(cat "$W/got") $(jget ContentRange)" "world bytes 6-10/11"

# --- Virtual-hosted addressing

run curl -s -o "$W/vh.txt" -w '%{http_code}' \
    -H "Host: $B.s3.localhost.localstack.cloud:$PORT" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00" \
    "$ENDPOINT/dir/hello.txt"
is "virtual-hosted GET" "$OUT $(cat "$W/vh.txt")" "200 hello world"
run curl -s -o "$W/vh.txt" -w '%{http_code}' -H "Host: $B.localhost:$PORT" "$ENDPOINT/dir/hello.txt"
is "bucket.localhost GET" "$OUT $(cat "$W/vh.txt")" "200 hello world"
run curl -s -o /dev/null -w '%{http_code}' -H "Host: $B.s3.us-east-1.amazonaws.com" \
    "$ENDPOINT/?list-type=2"
is "bucket.s3.<region>.amazonaws.com ListObjectsV2" "$OUT" 200
