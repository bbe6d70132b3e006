#!/usr/bin/env bash
# KMS through AWS CLI v2: symmetric keys, their states, aliases, policy,
# tags, rotation, and the cryptography (round trips through fileb://).
# Expected values come from the AWS KMS API reference
# (https://docs.aws.amazon.com/kms/latest/APIReference/) and the developer
# guide; error texts are AWS's as recorded by LocalStack's snapshot tests
# against AWS (tests/aws/services/kms/test_kms.snapshot.json).
. "$(dirname "$0")/../lib.sh"

nimbus_start

ACCT=000000000000
ARN_PREFIX=arn:aws:kms:us-east-1:$ACCT
T=$E2E_TMP

# --- CreateKey / DescribeKey

aws_ok "create-key" kms create-key --description "app key" --tags TagKey=team,TagValue=a
KEY=$(jget KeyMetadata.KeyId)
ARN=$ARN_PREFIX:key/$KEY
like "KeyId is a UUID" "$KEY" '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
is "Arn" "$(jget KeyMetadata.Arn)" "$ARN"
is "AWSAccountId" "$(jget KeyMetadata.AWSAccountId)" $ACCT
is "Description" "$(jget KeyMetadata.Description)" "app key"
is "Enabled" "$(jget KeyMetadata.Enabled)" true
is "KeyState" "$(jget KeyMetadata.KeyState)" Enabled
is "KeyUsage" "$(jget KeyMetadata.KeyUsage)" ENCRYPT_DECRYPT
is "KeySpec" "$(jget KeyMetadata.KeySpec)" SYMMETRIC_DEFAULT
is "CustomerMasterKeySpec" "$(jget KeyMetadata.CustomerMasterKeySpec)" SYMMETRIC_DEFAULT
is "Origin" "$(jget KeyMetadata.Origin)" AWS_KMS
is "KeyManager" "$(jget KeyMetadata.KeyManager)" CUSTOMER
is "EncryptionAlgorithms" "$(jget KeyMetadata.EncryptionAlgorithms)" '["SYMMETRIC_DEFAULT"]'
is "MultiRegion" "$(jget KeyMetadata.MultiRegion)" false
like "CreationDate" "$(jget KeyMetadata.CreationDate)" '^20[0-9]{2}-'
aws_ok "create-key with --customer-master-key-spec" kms create-key \
    --customer-master-key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT
KEY2=$(jget KeyMetadata.KeyId)
aws_error "create-key HMAC_256: UnsupportedOperationException" UnsupportedOperationException "" \
    kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC
aws_error "create-key RSA without KeyUsage: ValidationException" ValidationException \
    "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys." \
    kms create-key --key-spec RSA_2048
aws_error "create-key symmetric SIGN_VERIFY: ValidationException" ValidationException \
    "KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT" \
    kms create-key --key-usage SIGN_VERIFY
aws_error "create-key with an aws: tag: TagException" TagException \
    "Tags beginning with aws: are reserved" \
    kms create-key --tags TagKey=aws:x,TagValue=y
aws_error "create-key with a bad KeySpec: ValidationException" ValidationException "" \
    kms create-key --key-spec AES_999

aws_ok "describe-key by id" kms describe-key --key-id "$KEY"
is "by id" "$(jget KeyMetadata.Arn)" "$ARN"
aws_ok "describe-key by ARN" kms describe-key --key-id "$ARN"
is "by ARN" "$(jget KeyMetadata.KeyId)" "$KEY"
aws_error "describe-key of a missing key: NotFoundException" NotFoundException \
    "Key '$ARN_PREFIX:key/00000000-0000-0000-0000-000000000000' does not exist" \
    kms describe-key --key-id 00000000-0000-0000-0000-000000000000
aws_error "describe-key of a key ARN in another region" NotFoundException \
    "Invalid arn eu-west-1" kms describe-key --key-id "arn:aws:kms:eu-west-1:$ACCT:key/$KEY"
aws_error "describe-key of a malformed id" NotFoundException "Invalid keyId 'key_id'" \
    kms describe-key --key-id key_id

# --- Aliases

aws_ok "create-alias" kms create-alias --alias-name alias/app --target-key-id "$KEY"
aws_ok "describe-key by alias name" kms describe-key --key-id alias/app
is "alias name finds the key" "$(jget KeyMetadata.KeyId)" "$KEY"
aws_ok "describe-key by alias ARN" kms describe-key --key-id "$ARN_PREFIX:alias/app"
is "alias ARN finds the key" "$(jget KeyMetadata.KeyId)" "$KEY"
aws_error "describe-key of a missing alias" NotFoundException \
    "Alias $ARN_PREFIX:alias/nope is not found." kms describe-key --key-id alias/nope
aws_error "create-alias again: AlreadyExistsException" AlreadyExistsException \
    "An alias with the name $ARN_PREFIX:alias/app already exists" \
    kms create-alias --alias-name alias/app --target-key-id "$KEY"
aws_error "create-alias without the prefix: ValidationException" ValidationException \
    'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html' \
    kms create-alias --alias-name app2 --target-key-id "$KEY"
aws_error "create-alias alias/aws/...: reserved" NotAuthorizedException "" \
    kms create-alias --alias-name alias/aws/mine --target-key-id "$KEY"
aws_error "create-alias to a missing key" NotFoundException \
    "Key '$ARN_PREFIX:key/00000000-0000-0000-0000-000000000000' does not exist" \
    kms create-alias --alias-name alias/x --target-key-id 00000000-0000-0000-0000-000000000000
aws_ok "create-alias for the second key" kms create-alias --alias-name alias/other \
    --target-key-id "$ARN_PREFIX:key/$KEY2"
aws_ok "list-aliases" kms list-aliases
is "two aliases, sorted" "$(jget Aliases.0.AliasName),$(jget Aliases.1.AliasName)" \
    alias/app,alias/other
is "AliasArn" "$(jget Aliases.0.AliasArn)" "$ARN_PREFIX:alias/app"
is "TargetKeyId" "$(jget Aliases.0.TargetKeyId)" "$KEY"
aws_ok "list-aliases --key-id" kms list-aliases --key-id "$KEY2"
is "only the second key's alias" "$(jget Aliases.length),$(jget Aliases.0.AliasName)" \
    1,alias/other
aws_ok "update-alias" kms update-alias --alias-name alias/other --target-key-id "$KEY"
aws_ok "list-aliases --key-id after update" kms list-aliases --key-id "$KEY"
is "both point at the first key" "$(jget Aliases.length)" 2
aws_error "update-alias of a missing alias" NotFoundException \
    "Alias $ARN_PREFIX:alias/nope is not found." \
    kms update-alias --alias-name alias/nope --target-key-id "$KEY"
aws_ok "delete-alias" kms delete-alias --alias-name alias/other
aws_error "delete-alias again" NotFoundException "Alias $ARN_PREFIX:alias/other is not found." \
    kms delete-alias --alias-name alias/other

# --- ListKeys

aws_ok "list-keys" kms list-keys
is "two keys" "$(jget Keys.length)" 2
aws_ok "list-keys --limit 1 --no-paginate" kms list-keys --limit 1 --no-paginate
is "one key" "$(jget Keys.length)" 1
is "Truncated" "$(jget Truncated)" true
MARKER=$(jget NextMarker)
aws_ok "list-keys --marker" kms list-keys --limit 1 --marker "$MARKER" --no-paginate
is "the other key" "$(jget Keys.length)" 1
is "last page is not truncated" "$(jget Truncated)" false
aws_error "list-keys with a bad marker" InvalidMarkerException "" kms list-keys --marker '%%%'
aws_ok "keys are per region" kms list-keys --region eu-west-1
is "eu-west-1 has none" "$(jget Keys.length)" 0

# --- Key policy, tags, rotation

aws_ok "get-key-policy" kms get-key-policy --key-id "$KEY" --policy-name default
like "default policy gives the account root" "$(jget Policy)" "arn:aws:iam::$ACCT:root"
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}'
aws_ok "put-key-policy" kms put-key-policy --key-id "$KEY" --policy-name default \
    --policy "$POLICY"
aws_ok "get-key-policy after put" kms get-key-policy --key-id "$KEY" --policy-name default
is "policy replaced" "$(jget Policy)" "$POLICY"
aws_error "get-key-policy of another name" NotFoundException "No such policy exists" \
    kms get-key-policy --key-id "$KEY" --policy-name other
aws_ok "list-key-policies" kms list-key-policies --key-id "$KEY"
is "only default" "$(jget PolicyNames)" '["default"]'
aws_ok "list-resource-tags" kms list-resource-tags --key-id "$KEY"
is "tags from create-key" "$(jget Tags)" '[{"TagKey":"team","TagValue":"a"}]'
aws_ok "tag-resource" kms tag-resource --key-id "$KEY" --tags TagKey=env,TagValue=dev
aws_ok "untag-resource" kms untag-resource --key-id "$KEY" --tag-keys team
aws_ok "list-resource-tags after" kms list-resource-tags --key-id "$KEY"
is "tags after" "$(jget Tags)" '[{"TagKey":"env","TagValue":"dev"}]'
aws_error "tag-resource with aws: key" TagException "Tags beginning with aws: are reserved" \
    kms tag-resource --key-id "$KEY" --tags TagKey=aws:x,TagValue=y
aws_ok "get-key-rotation-status" kms get-key-rotation-status --key-id "$KEY"
is "rotation off by default" "$(jget KeyRotationEnabled)" false
# (This CLI's model has no --rotation-period-in-days; the SDK suite sets it.)
aws_ok "enable-key-rotation" kms enable-key-rotation --key-id "$KEY"
aws_ok "get-key-rotation-status on" kms get-key-rotation-status --key-id "$KEY"
is "rotation on" "$(jget KeyRotationEnabled)" true
aws_ok "disable-key-rotation" kms disable-key-rotation --key-id "$KEY"
aws_ok "get-key-rotation-status off" kms get-key-rotation-status --key-id "$KEY"
is "rotation off again" "$(jget KeyRotationEnabled)" false

# --- Encrypt / Decrypt round trip through files

printf 'the secret\n' >"$T/plain.txt"
aws_ok "encrypt by alias with a context" kms encrypt --key-id alias/app \
    --plaintext "fileb://$T/plain.txt" --encryption-context purpose=test,app=x
is "encrypt KeyId is the key ARN" "$(jget KeyId)" "$ARN"
is "EncryptionAlgorithm" "$(jget EncryptionAlgorithm)" SYMMETRIC_DEFAULT
jget CiphertextBlob | base64 -d >"$T/blob.bin"
run_ok "decrypt without KeyId" awsv2 kms decrypt --ciphertext-blob "fileb://$T/blob.bin" \
    --encryption-context app=x,purpose=test --output text --query Plaintext
is "round trip" "$(printf '%s' "$OUT" | base64 -d)" "the secret"
aws_ok "decrypt with the KeyId" kms decrypt --ciphertext-blob "fileb://$T/blob.bin" \
    --encryption-context app=x,purpose=test --key-id "$ARN"
is "decrypt KeyId" "$(jget KeyId)" "$ARN"
aws_error "decrypt with a wrong context" InvalidCiphertextException "" \
    kms decrypt --ciphertext-blob "fileb://$T/blob.bin" --encryption-context app=y,purpose=test
like "InvalidCiphertextException has no message" "$ERR" 'Decrypt operation: ?$'
aws_error "decrypt without the context" InvalidCiphertextException "" \
    kms decrypt --ciphertext-blob "fileb://$T/blob.bin"
aws_error "decrypt naming another key: IncorrectKeyException" IncorrectKeyException \
    "The key ID in the request does not identify a CMK that can perform this operation." \
    kms decrypt --ciphertext-blob "fileb://$T/blob.bin" --encryption-context app=x,purpose=test \
    --key-id "$KEY2"
head -c 80 /dev/urandom >"$T/junk.bin"
aws_error "decrypt of junk" InvalidCiphertextException "" \
    kms decrypt --ciphertext-blob "fileb://$T/junk.bin"
aws_ok "re-encrypt to the second key" kms re-encrypt --ciphertext-blob "fileb://$T/blob.bin" \
    --source-encryption-context app=x,purpose=test --destination-key-id "$KEY2"
is "SourceKeyId" "$(jget SourceKeyId)" "$ARN"
is "destination KeyId" "$(jget KeyId)" "$ARN_PREFIX:key/$KEY2"
jget CiphertextBlob | base64 -d >"$T/blob2.bin"
run_ok "decrypt the re-encrypted blob" awsv2 kms decrypt \
    --ciphertext-blob "fileb://$T/blob2.bin" --output text --query Plaintext
is "re-encrypt round trip" "$(printf '%s' "$OUT" | base64 -d)" "the secret"

# --- Data keys and random bytes

aws_ok "generate-data-key AES_256" kms generate-data-key --key-id "$KEY" --key-spec AES_256
is "32-byte data key" "$(jget Plaintext | base64 -d | wc -c | tr -d ' ')" 32
jget Plaintext | base64 -d >"$T/dk.bin"
jget CiphertextBlob | base64 -d >"$T/dkblob.bin"
run_ok "decrypt the data key" awsv2 kms decrypt --ciphertext-blob "fileb://$T/dkblob.bin" \
    --output text --query Plaintext
printf '%s' "$OUT" | base64 -d >"$T/dk2.bin"
run_ok "the decrypted data key is the plaintext one" cmp "$T/dk.bin" "$T/dk2.bin"
aws_ok "generate-data-key --number-of-bytes 16" kms generate-data-key --key-id "$KEY" \
    --number-of-bytes 16
is "16-byte data key" "$(jget Plaintext | base64 -d | wc -c | tr -d ' ')" 16
aws_error "generate-data-key without a size" ValidationException \
    "Please specify either number of bytes or key spec." kms generate-data-key --key-id "$KEY"
aws_ok "generate-data-key-without-plaintext" kms generate-data-key-without-plaintext \
    --key-id alias/app --key-spec AES_128
if jget Plaintext >/dev/null; then not_ok "no Plaintext" "$OUT"; else ok "no Plaintext"; fi
is "KeyId" "$(jget KeyId)" "$ARN"
aws_ok "generate-random" kms generate-random --number-of-bytes 64
is "64 random bytes" "$(jget Plaintext | base64 -d | wc -c | tr -d ' ')" 64
aws_error "generate-random over 1024" ValidationException "" \
    kms generate-random --number-of-bytes 2000

# --- Key states

aws_ok "disable-key" kms disable-key --key-id "$KEY"
aws_ok "describe a disabled key" kms describe-key --key-id "$KEY"
is "disabled state" "$(jget KeyMetadata.KeyState),$(jget KeyMetadata.Enabled)" Disabled,false
aws_error "encrypt with a disabled key: DisabledException" DisabledException "$ARN is disabled." \
    kms encrypt --key-id "$KEY" --plaintext "fileb://$T/plain.txt"
aws_error "decrypt with a disabled key" DisabledException "$ARN is disabled." \
    kms decrypt --ciphertext-blob "fileb://$T/blob.bin" --encryption-context app=x,purpose=test
aws_ok "enable-key" kms enable-key --key-id "$KEY"
aws_ok "encrypt after enable-key" kms encrypt --key-id "$KEY" --plaintext "fileb://$T/plain.txt"
aws_error "schedule-key-deletion with 6 days" ValidationException \
    "PendingWindowInDays should be between 7 and 30, but it is 6" \
    kms schedule-key-deletion --key-id "$KEY" --pending-window-in-days 6
aws_ok "schedule-key-deletion" kms schedule-key-deletion --key-id "$KEY" \
    --pending-window-in-days 7
is "KeyId is the ARN" "$(jget KeyId)" "$ARN"
is "KeyState" "$(jget KeyState)" PendingDeletion
is "PendingWindowInDays" "$(jget PendingWindowInDays)" 7
like "DeletionDate" "$(jget DeletionDate)" '^20[0-9]{2}-'
aws_ok "describe a key pending deletion" kms describe-key --key-id "$KEY"
is "pending state" "$(jget KeyMetadata.KeyState),$(jget KeyMetadata.Enabled)" \
    PendingDeletion,false
is "PendingDeletionWindowInDays" "$(jget KeyMetadata.PendingDeletionWindowInDays)" 7
aws_error "encrypt with a key pending deletion" KMSInvalidStateException \
    "$ARN is pending deletion." kms encrypt --key-id "$KEY" --plaintext "fileb://$T/plain.txt"
aws_error "enable-key pending deletion" KMSInvalidStateException "$ARN is pending deletion." \
    kms enable-key --key-id "$KEY"
aws_error "create-alias to a key pending deletion" KMSInvalidStateException \
    "$ARN is pending deletion." kms create-alias --alias-name alias/late --target-key-id "$KEY"
aws_ok "cancel-key-deletion" kms cancel-key-deletion --key-id "$KEY"
is "cancel answers the ARN" "$(jget KeyId)" "$ARN"
aws_ok "describe after cancel" kms describe-key --key-id "$KEY"
is "a canceled deletion leaves the key Disabled" "$(jget KeyMetadata.KeyState)" Disabled
aws_error "cancel-key-deletion of a key not pending" KMSInvalidStateException "" \
    kms cancel-key-deletion --key-id "$KEY"

# --- Asymmetric keys: ECC and RSA signing, RSA encryption

aws_ok "create-key ECC_NIST_P256 SIGN_VERIFY" kms create-key --key-spec ECC_NIST_P256 \
    --key-usage SIGN_VERIFY
EC=$(jget KeyMetadata.KeyId)
is "ECC signing algorithms" "$(jget KeyMetadata.SigningAlgorithms)" '["ECDSA_SHA_256"]'
if jget KeyMetadata.EncryptionAlgorithms >/dev/null; then
    not_ok "a signing key lists no EncryptionAlgorithms" "$OUT"
else ok "a signing key lists no EncryptionAlgorithms"; fi
aws_error "ECC key for ENCRYPT_DECRYPT" ValidationException \
    "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256" \
    kms create-key --key-spec ECC_NIST_P256 --key-usage ENCRYPT_DECRYPT
printf 'sign me' >"$T/msg.txt"
aws_ok "sign ECDSA_SHA_256" kms sign --key-id "$EC" --message "fileb://$T/msg.txt" \
    --signing-algorithm ECDSA_SHA_256
jget Signature | base64 -d >"$T/sig.bin"
aws_ok "verify" kms verify --key-id "$EC" --message "fileb://$T/msg.txt" \
    --signing-algorithm ECDSA_SHA_256 --signature "fileb://$T/sig.bin"
is "SignatureValid" "$(jget SignatureValid)" true
aws_ok "get-public-key" kms get-public-key --key-id "$EC"
jget PublicKey | base64 -d >"$T/pub.der"
run_ok "openssl checks the signature with the public key" openssl dgst -sha256 -keyform DER \
    -verify "$T/pub.der" -signature "$T/sig.bin" "$T/msg.txt"
printf 'other' >"$T/msg2.txt"
aws_error "verify another message: KMSInvalidSignatureException" KMSInvalidSignatureException "" \
    kms verify --key-id "$EC" --message "fileb://$T/msg2.txt" \
    --signing-algorithm ECDSA_SHA_256 --signature "fileb://$T/sig.bin"
aws_error "sign with a digest of the wrong length" ValidationException \
    "Digest is invalid length for algorithm ECDSA_SHA_256." \
    kms sign --key-id "$EC" --message "fileb://$T/msg.txt" --message-type DIGEST \
    --signing-algorithm ECDSA_SHA_256
aws_error "encrypt with a signing key" InvalidKeyUsageException \
    "$ARN_PREFIX:key/$EC key usage is SIGN_VERIFY which is not valid for Encrypt." \
    kms encrypt --key-id "$EC" --plaintext "fileb://$T/plain.txt"
aws_error "sign with a symmetric key" InvalidKeyUsageException \
    "$ARN_PREFIX:key/$KEY2 key usage is ENCRYPT_DECRYPT which is not valid for Sign." \
    kms sign --key-id "$KEY2" --message "fileb://$T/msg.txt" --signing-algorithm ECDSA_SHA_256
aws_ok "create-key RSA_2048 ENCRYPT_DECRYPT" kms create-key --key-spec RSA_2048 \
    --key-usage ENCRYPT_DECRYPT
RSA=$(jget KeyMetadata.KeyId)
is "RSA encryption algorithms" "$(jget KeyMetadata.EncryptionAlgorithms)" \
    '["RSAES_OAEP_SHA_1","RSAES_OAEP_SHA_256"]'
aws_ok "encrypt RSAES_OAEP_SHA_256" kms encrypt --key-id "$RSA" \
    --plaintext "fileb://$T/plain.txt" --encryption-algorithm RSAES_OAEP_SHA_256
jget CiphertextBlob | base64 -d >"$T/rsa.bin"
run_ok "decrypt RSAES_OAEP_SHA_256" awsv2 kms decrypt --key-id "$RSA" \
    --ciphertext-blob "fileb://$T/rsa.bin" --encryption-algorithm RSAES_OAEP_SHA_256 \
    --output text --query Plaintext
is "RSA round trip" "$(printf '%s' "$OUT" | base64 -d)" "the secret"
aws_error "generate-data-key with an RSA key" InvalidKeyUsageException "" \
    kms generate-data-key --key-id "$RSA" --key-spec AES_256
