/*
 * kms_int.h: private to src/services/kms/: the stored form of a KMS key,
 * the helpers the handler files share, and the handlers.
 *
 * A key is one row of kms_keys (metadata, key policy, rotation, and its
 * 256-bit AES key material), with aliases in kms_aliases and tags in
 * kms_tags, all keyed by account and region first. Symmetric encryption
 * keys (SYMMETRIC_DEFAULT) and RSA and elliptic-curve key pairs are
 * served; HMAC, SM2 and ML-DSA keys are not.
 */
#ifndef NB_KMS_INT_H
#define NB_KMS_INT_H

#include "core/nb.h"

#define KMS_KEY_BYTES 32 /* AES-256 key material */
#define KMS_ID_LEN 36    /* a key id is a UUID */

/* One KMS key, strings in the call's arena. */
typedef struct kms_key {
    const char *id;                /* KeyId, a UUID */
    const char *arn;               /* arn:aws:kms:<region>:<account>:key/<id> */
    double created;                /* CreationDate */
    const char *description;       /* Description, or "" */
    const char *usage;             /* KeyUsage: ENCRYPT_DECRYPT */
    const char *spec;              /* KeySpec: SYMMETRIC_DEFAULT */
    const char *policy;            /* the "default" key policy */
    const char *state;             /* Enabled, Disabled, PendingDeletion */
    double deletion;               /* DeletionDate when PendingDeletion */
    int64_t pending_days;          /* PendingDeletionWindowInDays, when pending */
    int rotation;                  /* automatic rotation enabled */
    int64_t rotation_days;         /* RotationPeriodInDays */
    const unsigned char *material; /* symmetric: the AES-256 key (32 bytes);
                                      asymmetric: the private key, DER */
    size_t material_len;           /* bytes in material */
} kms_key;

/* What a key lookup accepts besides key ids and key ARNs. */
#define KMS_ALIASES 1 /* alias names and alias ARNs too */

/* Finds the key that raw names (key id, key ARN, and with KMS_ALIASES an
 * alias name or alias ARN). When there is none, raises NotFoundException
 * with AWS's message and returns NB_EAWS. */
int kms_key_find(nb_call *call, const char *raw, int flags, kms_key *out);
/* Loads a key by id: NB_OK, NB_ENOTFOUND (nothing raised), or an error. */
int kms_key_load(nb_call *call, const char *id, kms_key *out);
/* The key ARN of id. */
const char *kms_key_arn(nb_call *call, const char *id);
/* Raises AWS's error when the key cannot be used for cryptography:
 * DisabledException or KMSInvalidStateException (pending deletion). */
int kms_key_usable(nb_call *call, const kms_key *k);
/* Raises KMSInvalidStateException when the key is pending deletion. */
int kms_key_not_pending(nb_call *call, const kms_key *k);
/* Opaque page markers: the last sort key of a page. */
const char *kms_marker_make(nb_call *call, const char *last);
/* The sort key in a marker, or NULL after raising InvalidMarkerException. */
const char *kms_marker_read(nb_call *call, const char *marker);

int kms_create_key(nb_call *call, const nb_value *in, nb_value *out);
int kms_describe_key(nb_call *call, const nb_value *in, nb_value *out);
int kms_list_keys(nb_call *call, const nb_value *in, nb_value *out);
int kms_enable_key(nb_call *call, const nb_value *in, nb_value *out);
int kms_disable_key(nb_call *call, const nb_value *in, nb_value *out);
int kms_schedule_key_deletion(nb_call *call, const nb_value *in, nb_value *out);
int kms_cancel_key_deletion(nb_call *call, const nb_value *in, nb_value *out);
int kms_get_key_policy(nb_call *call, const nb_value *in, nb_value *out);
int kms_put_key_policy(nb_call *call, const nb_value *in, nb_value *out);
int kms_list_key_policies(nb_call *call, const nb_value *in, nb_value *out);
int kms_tag_resource(nb_call *call, const nb_value *in, nb_value *out);
int kms_untag_resource(nb_call *call, const nb_value *in, nb_value *out);
int kms_list_resource_tags(nb_call *call, const nb_value *in, nb_value *out);
int kms_enable_key_rotation(nb_call *call, const nb_value *in, nb_value *out);
int kms_disable_key_rotation(nb_call *call, const nb_value *in, nb_value *out);
int kms_get_key_rotation_status(nb_call *call, const nb_value *in, nb_value *out);

int kms_create_alias(nb_call *call, const nb_value *in, nb_value *out);
int kms_delete_alias(nb_call *call, const nb_value *in, nb_value *out);
int kms_update_alias(nb_call *call, const nb_value *in, nb_value *out);
int kms_list_aliases(nb_call *call, const nb_value *in, nb_value *out);
/* The key id an alias name ("alias/x") points to, or NULL when none. */
const char *kms_alias_target(nb_call *call, const char *name);

/* ---- Asymmetric keys (kms_asym.c) ---- */
/* Whether spec names a key pair nimbus can make (RSA_*, ECC_*). */
int kms_asym_spec_ok(const char *spec);
/* Whether a key pair of spec may have usage (ENCRYPT_DECRYPT, SIGN_VERIFY). */
int kms_asym_usage_ok(const char *spec, const char *usage);
/* A new private key of spec, DER, in the call's arena. */
int kms_asym_generate(nb_call *call, const char *spec, const unsigned char **der, size_t *len);
/* Sets EncryptionAlgorithms or SigningAlgorithms of a structure (KeyMetadata,
 * GetPublicKey's output) for an asymmetric key. */
int kms_asym_algorithms_out(const kms_key *k, nb_value *out);
/* RSA encryption with OAEP for Encrypt and Decrypt (alg RSAES_OAEP_SHA_*). */
int kms_asym_encrypt(nb_call *call, const kms_key *k, const char *alg, const nb_value *pt,
                     nb_value *out);
int kms_asym_decrypt(nb_call *call, const kms_key *k, const char *alg, const nb_value *blob,
                     nb_value *out);
/* Raises InvalidKeyUsageException: "<arn> key usage is <usage> which is
 * not valid for <op>." */
int kms_bad_usage(nb_call *call, const kms_key *k, const char *op);

int kms_sign(nb_call *call, const nb_value *in, nb_value *out);
int kms_verify(nb_call *call, const nb_value *in, nb_value *out);
int kms_get_public_key(nb_call *call, const nb_value *in, nb_value *out);

int kms_encrypt(nb_call *call, const nb_value *in, nb_value *out);
int kms_decrypt(nb_call *call, const nb_value *in, nb_value *out);
int kms_re_encrypt(nb_call *call, const nb_value *in, nb_value *out);
int kms_generate_data_key(nb_call *call, const nb_value *in, nb_value *out);
int kms_generate_data_key_without_plaintext(nb_call *call, const nb_value *in, nb_value *out);
int kms_generate_random(nb_call *call, const nb_value *in, nb_value *out);

#endif
