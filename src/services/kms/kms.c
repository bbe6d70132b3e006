/*
 * kms.c: AWS Key Management Service for templates and apps that name a
 * key: symmetric encryption keys with their metadata, states, deletion
 * schedule, key policy, rotation flag, aliases and tags, per account and
 * region; and the cryptography on them (Encrypt, Decrypt, ReEncrypt, data
 * keys, random bytes), done locally with AES-256-GCM and a key material
 * kept per KMS key in the store; RSA and elliptic-curve key pairs with
 * Sign, Verify, GetPublicKey and RSA encryption (kms_asym.c).
 *
 * HMAC, SM2 and ML-DSA keys, key agreement, multi-Region keys, imported
 * key material and custom key stores are not served: CreateKey answers
 * UnsupportedOperationException for them.
 *
 * The schema is below rather than in a .sql file, since the build embeds
 * no files.
 */
#include "core/service.h"
#include "gen/kms_model.h"
#include "kms_int.h"

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"CancelKeyDeletion", kms_cancel_key_deletion},
    {"CreateAlias", kms_create_alias},
    {"CreateKey", kms_create_key},
    {"Decrypt", kms_decrypt},
    {"DeleteAlias", kms_delete_alias},
    {"DescribeKey", kms_describe_key},
    {"DisableKey", kms_disable_key},
    {"DisableKeyRotation", kms_disable_key_rotation},
    {"EnableKey", kms_enable_key},
    {"EnableKeyRotation", kms_enable_key_rotation},
    {"Encrypt", kms_encrypt},
    {"GenerateDataKey", kms_generate_data_key},
    {"GenerateDataKeyWithoutPlaintext", kms_generate_data_key_without_plaintext},
    {"GenerateRandom", kms_generate_random},
    {"GetKeyPolicy", kms_get_key_policy},
    {"GetKeyRotationStatus", kms_get_key_rotation_status},
    {"GetPublicKey", kms_get_public_key},
    {"ListAliases", kms_list_aliases},
    {"ListKeyPolicies", kms_list_key_policies},
    {"ListKeys", kms_list_keys},
    {"ListResourceTags", kms_list_resource_tags},
    {"PutKeyPolicy", kms_put_key_policy},
    {"ReEncrypt", kms_re_encrypt},
    {"ScheduleKeyDeletion", kms_schedule_key_deletion},
    {"Sign", kms_sign},
    {"TagResource", kms_tag_resource},
    {"UntagResource", kms_untag_resource},
    {"UpdateAlias", kms_update_alias},
    {"Verify", kms_verify},
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS kms_keys ("
    " account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL,"
    " created REAL NOT NULL, description TEXT NOT NULL, usage TEXT NOT NULL,"
    " spec TEXT NOT NULL, policy TEXT NOT NULL, state TEXT NOT NULL,"
    " deletion REAL NOT NULL, pending_days INTEGER NOT NULL,"
    " rotation INTEGER NOT NULL, rotation_days INTEGER NOT NULL,"
    " material BLOB NOT NULL,"
    " PRIMARY KEY (account, region, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS kms_aliases ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " key_id TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,"
    " PRIMARY KEY (account, region, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS kms_tags ("
    " account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,"
    " key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (account, region, key_id, key)) WITHOUT ROWID;";

const nb_service nb_kms_service = {
    .name = "kms",
    .model = &nb_kms_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: KMS answers model violations with ValidationException
     * ("1 validation error detected: ..."). */
    .validation_code = "ValidationException",
    .schema = schema,
    .table_prefix = "kms_",
};
