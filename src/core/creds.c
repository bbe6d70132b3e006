/*
 * creds.c: issued access keys and the account each one maps to.
 *
 * AWS key ids (since 2019) carry the account: after the 4-letter prefix,
 * 16 base32 characters decode to 10 bytes, and bits 7..46 of the first
 * six bytes (big-endian) are the account id. GetAccessKeyInfo relies on
 * it; so do we, so that a key keeps naming its account even after a
 * reset. AWS: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
 * (the account is derived from the key id); the bit layout is the one
 * publicly documented by security researchers and used by tools that
 * decode key ids.
 */
#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "call.h"
#include "config.h"
#include "creds.h"
#include "store/store.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int
is_account(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isdigit((unsigned char)s[n]))
            return 0;
    return n == 12;
}

int
nb_creds_decode_account(const char *key_id, char *out)
{
    if (strlen(key_id) != 20)
        return NB_ENOTFOUND;
    uint64_t bits = 0; /* first 60 bits of the 80 decoded */
    for (int i = 4; i < 16; i++) {
        const char *p = strchr(b32, key_id[i]);
        if (!p || !*p)
            return NB_ENOTFOUND;
        bits = (bits << 5) | (uint64_t)(p - b32);
    }
    uint64_t first6 = bits >> 12; /* 60 bits -> the first 48 */
    uint64_t acct = (first6 & 0x7fffffffff80ull) >> 7;
    if (acct > 999999999999ull)
        return NB_ENOTFOUND;
    snprintf(out, 13, "%012llu", (unsigned long long)acct);
    return NB_OK;
}

const char *
nb_creds_new_key_id(nb_call *call, const char *prefix, const char *account)
{
    unsigned char raw[10];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return NULL;
    uint64_t acct = strtoull(account, NULL, 10);
    uint64_t first6 = ((acct << 7) & 0x7fffffffff80ull) | (raw[5] & 0x7f);
    for (int i = 0; i < 6; i++)
        raw[i] = (unsigned char)(first6 >> (40 - 8 * i));
    char *id = nb_arena_alloc(call->arena, 21);
    if (!id)
        return NULL;
    memcpy(id, prefix, 4);
    /* 80 bits -> 16 base32 characters */
    int bitpos = 0;
    for (int i = 0; i < 16; i++, bitpos += 5) {
        int byte = bitpos / 8, off = bitpos % 8;
        unsigned v = (unsigned)raw[byte] << 8 | (byte + 1 < 10 ? raw[byte + 1] : 0);
        id[4 + i] = b32[(v >> (11 - off)) & 31];
    }
    id[20] = '\0';
    return id;
}

const char *
nb_creds_new_secret(nb_call *call)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char raw[40];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return NULL;
    char *s = nb_arena_alloc(call->arena, 41);
    if (!s)
        return NULL;
    for (int i = 0; i < 40; i++)
        s[i] = alnum[raw[i] & 63];
    s[40] = '\0';
    return s;
}

int
nb_creds_put(nb_call *call, const nb_cred *c)
{
    nb_stmt *st = nb_sql(call, "INSERT OR REPLACE INTO nb_access_keys"
                               "(key_id, secret, session_token, account, arn, expires, state)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, c->key_id);
    nb_bind_text(st, 2, c->secret);
    if (c->session_token)
        nb_bind_text(st, 3, c->session_token);
    nb_bind_text(st, 4, c->account);
    if (c->arn)
        nb_bind_text(st, 5, c->arn);
    nb_bind_double(st, 6, c->expires);
    nb_bind_int(st, 7, (int64_t)c->state);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

int
nb_creds_set_state(nb_call *call, const char *key_id, nb_cred_state state)
{
    nb_stmt *st = nb_sql(call, "UPDATE nb_access_keys SET state = ?2 WHERE key_id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, key_id);
    nb_bind_int(st, 2, (int64_t)state);
    if (nb_step(st) != NB_DONE)
        return NB_EIO;
    return nb_store_changes() ? NB_OK : NB_ENOTFOUND;
}

static const char *
col_dup(nb_call *call, nb_stmt *st, int i)
{
    if (nb_col_is_null(st, i))
        return NULL;
    return nb_arena_strdup(call->arena, nb_col_text(st, i));
}

int
nb_creds_get(nb_call *call, const char *key_id, nb_cred *out)
{
    /* Only AWS-style key ids (ASIA..., AKIA...) can have been issued; the
     * rest ("test", 12-digit ids) skip the store. */
    if (strlen(key_id) != 20 || key_id[0] != 'A')
        return NB_ENOTFOUND;
    nb_stmt *st = nb_sql(call, "SELECT secret, session_token, account, arn, expires, state"
                               " FROM nb_access_keys WHERE key_id = ?1");
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, key_id);
    if (nb_step(st) != NB_ROW)
        return NB_ENOTFOUND;
    out->key_id = nb_arena_strdup(call->arena, key_id);
    out->secret = col_dup(call, st, 0);
    out->session_token = col_dup(call, st, 1);
    out->account = col_dup(call, st, 2);
    out->arn = col_dup(call, st, 3);
    out->expires = nb_col_double(st, 4);
    out->state = (nb_cred_state)nb_col_int(st, 5);
    nb_step(st); /* finish the statement so it holds no read lock */
    if (!out->key_id || !out->secret || !out->account)
        return NB_ENOMEM;
    return NB_OK;
}

void
nb_creds_account(nb_call *call, const char *key_id, char *out)
{
    nb_cred c;
    if (is_account(key_id)) {
        memcpy(out, key_id, 13);
        return;
    }
    if ((strncmp(key_id, "ASIA", 4) == 0 || strncmp(key_id, "AKIA", 4) == 0) &&
        nb_creds_get(call, key_id, &c) == NB_OK) {
        snprintf(out, 13, "%s", c.account);
        return;
    }
    memcpy(out, NB_DEFAULT_ACCOUNT, 13);
}
