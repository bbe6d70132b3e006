/*
 * creds.h: access keys nimbus knows: the ones STS and IAM issued, kept in
 * the store table nb_access_keys so they survive a restart with
 * --data-dir. Routing maps every request's access key to an account here;
 * signature checking finds the secret here, and whether the key may still
 * sign (a service that issued a key may deactivate or revoke it).
 */
#ifndef NB_CREDS_H
#define NB_CREDS_H

#include "nb.h"

/* Whether an issued key still signs. A revoked key stays recorded, so that
 * signature checking refuses it as AWS refuses an unknown key rather than
 * taking it for a key nimbus never issued (whose secret is "test"). */
typedef enum nb_cred_state {
    NB_CRED_ACTIVE = 0,   /* signs */
    NB_CRED_INACTIVE = 1, /* deactivated; may be made active again */
    NB_CRED_DELETED = 2,  /* revoked for good */
} nb_cred_state;

typedef struct nb_cred {
    const char *key_id;        /* "ASIA..." or "AKIA..." */
    const char *secret;        /* secret access key */
    const char *session_token; /* session token, or NULL */
    const char *account;       /* 12-digit account it belongs to */
    const char *arn;           /* principal ARN (assumed role, user), or NULL */
    double expires;            /* epoch seconds, or 0 for never */
    nb_cred_state state;       /* NB_CRED_ACTIVE unless deactivated or revoked */
} nb_cred;

/* Records an issued key, inside the call's transaction. */
int nb_creds_put(nb_call *call, const nb_cred *c);
/* Sets the state of an issued key, inside the call's transaction.
 * Returns NB_OK, NB_ENOTFOUND when nimbus never issued key_id, or NB_EIO. */
int nb_creds_set_state(nb_call *call, const char *key_id, nb_cred_state state);
/* Looks up key_id, whatever its state; strings are copied into the call's arena. Returns
 * NB_OK, or NB_ENOTFOUND. */
int nb_creds_get(nb_call *call, const char *key_id, nb_cred *out);
/* The account for an access key id: a 12-digit id is that account; an
 * issued key is its account; anything else is NB_DEFAULT_ACCOUNT. out
 * holds 13 bytes. */
void nb_creds_account(nb_call *call, const char *key_id, char *out);
/* A new access key id with the given 4-letter prefix ("ASIA") that
 * encodes account the way AWS key ids do, so that GetAccessKeyInfo can
 * decode it; and a random secret. Strings in the call's arena. */
const char *nb_creds_new_key_id(nb_call *call, const char *prefix, const char *account);
const char *nb_creds_new_secret(nb_call *call);
/* Decodes the account from an AWS-style key id; NB_ENOTFOUND when the id
 * is not of that form. out holds 13 bytes. */
int nb_creds_decode_account(const char *key_id, char *out);

#endif
