/*
 * s3_util.c: what the S3 handler files share: errors with S3's extra
 * elements, bucket lookup, the owner's canonical id, stored JSON trees
 * retyped by the model, hex, URL encoding and page tokens.
 *
 * AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 * (NoSuchBucket, 404, "The specified bucket does not exist", with
 * BucketName).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/call.h"
#include "core/digest.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/model.h"
#include "core/value.h"
#include "s3_int.h"
#include "store/store.h"

int
s3_fail(nb_call *call, int status, const char *code, const char *msg, const char *name,
        const char *value)
{
    int rc = nb_fail_status(call, status, code, "%s", msg);
    if (!name)
        return rc;
    if (!call->err_fields && !(call->err_fields = nb_value_struct(call->arena)))
        return NB_ENOMEM;
    return nb_set_str(call->err_fields, name, value ? value : "") ? NB_ENOMEM : rc;
}

int
s3_no_such_bucket(nb_call *call, const char *name)
{
    return s3_fail(call, 404, "NoSuchBucket", "The specified bucket does not exist", "BucketName",
                   name);
}

int
s3_bucket_get(nb_call *call, const char *name, s3_bucket *b)
{
    nb_stmt *st = nb_sql(call, "SELECT account, region, created, versioning FROM s3_buckets"
                               " WHERE name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, name);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : rc;
    b->name = nb_arena_strdup(call->arena, name);
    b->account = nb_arena_strdup(call->arena, nb_col_text(st, 0));
    b->region = nb_arena_strdup(call->arena, nb_col_text(st, 1));
    b->created = nb_col_double(st, 2);
    b->vstatus = nb_arena_strdup(call->arena, nb_col_text(st, 3));
    return b->name && b->account && b->region && b->vstatus ? NB_OK : NB_ENOMEM;
}

int
s3_bucket_need(nb_call *call, const char *name, s3_bucket *b)
{
    int rc = s3_bucket_get(call, name, b);
    return rc == NB_ENOTFOUND ? s3_no_such_bucket(call, name) : rc;
}

char *
s3_hex(nb_call *call, const unsigned char *p, size_t n)
{
    char *s = nb_arena_alloc(call->arena, 2 * n + 1);
    if (s)
        nb_hex(p, n, s);
    return s;
}

/* A canonical user id is 64 hex digits; nimbus derives one per account. */
const char *
s3_owner_id(nb_call *call, const char *account)
{
    unsigned char md[NB_DIGEST_MAX];
    if (nb_digest(NB_SHA256, account, strlen(account), md) != 32)
        return NULL;
    return s3_hex(call, md, 32);
}

int
s3_owner_out(nb_call *call, nb_value *v, const char *account)
{
    nb_value *o = nb_set_struct(v, "Owner");
    const char *id = s3_owner_id(call, account);
    return o && id ? nb_set_str(o, "ID", id) : NB_ENOMEM;
}

const char *
s3_to_json(nb_call *call, const nb_value *v)
{
    nb_buf b;
    nb_jw w;
    nb_buf_init(&b, NB_BODY_MAX);
    nb_jw_init(&w, &b);
    int rc = nb_jw_value(&w, v);
    char *s = rc ? NULL : nb_arena_strndup(call->arena, b.p ? b.p : "", b.len);
    nb_buf_free(&b);
    return s;
}

/* JSON comes back as maps and numbers; the model says which maps are
 * structures and which numbers are timestamps. */
static void
retype(const nb_model *m, uint32_t si, nb_value *v)
{
    const nb_shape *s = &m->shapes[si];
    switch (s->type) {
    case NB_T_STRUCTURE:
        if (v->type == NB_V_MAP)
            v->type = NB_V_STRUCT;
        if (v->type != NB_V_STRUCT)
            return;
        for (nb_value *c = v->u.c.first; c; c = c->next) {
            const nb_member *mb = nb_shape_member(m, s, c->key, c->klen);
            if (mb)
                retype(m, mb->shape, c);
        }
        return;
    case NB_T_LIST:
    case NB_T_MAP: {
        const nb_member *item = &m->members[s->members + (s->type == NB_T_MAP ? 1 : 0)];
        if (v->type == NB_V_LIST || v->type == NB_V_MAP)
            for (nb_value *c = v->u.c.first; c; c = c->next)
                retype(m, item->shape, c);
        return;
    }
    case NB_T_TIMESTAMP:
        if (v->type == NB_V_INT)
            v->u.d = (double)v->u.i;
        if (v->type == NB_V_INT || v->type == NB_V_DOUBLE)
            v->type = NB_V_TIME;
        return;
    default:
        return;
    }
}

nb_value *
s3_from_json(nb_call *call, const char *json, uint32_t shape)
{
    nb_value *v = NULL;
    if (nb_json_parse_value(call->arena, json, strlen(json), &v, NULL) != NB_OK)
        return NULL;
    if (shape != NB_NO_SHAPE)
        retype(call->model, shape, v);
    return v;
}

uint32_t
s3_out_shape(nb_call *call, const char *member)
{
    const nb_model *m = call->model;
    if (call->op->output == NB_NO_SHAPE)
        return NB_NO_SHAPE;
    const nb_member *mb = nb_shape_member(m, &m->shapes[call->op->output], member, strlen(member));
    return mb ? mb->shape : NB_NO_SHAPE;
}

/* AWS: with encoding-type=url, keys are URL-encoded in the listing;
 * botocore and the SDKs decode them with unquote_plus semantics, so a
 * space is '+' and '+' is %2B. '/' stays as it is. */
const char *
s3_url_encode(nb_call *call, const char *s)
{
    static const char hx[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *d = nb_arena_alloc(call->arena, 3 * n + 1), *p = d;
    if (!d)
        return NULL;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-_.~/", *c)) {
            *p++ = (char)*c;
        } else if (*c == ' ') {
            *p++ = '+';
        } else {
            *p++ = '%';
            *p++ = hx[*c >> 4];
            *p++ = hx[*c & 15];
        }
    }
    *p = '\0';
    return d;
}

/* AWS: ErrorResponses.html: KeyTooLongError, 400, "Your key is too
 * long.", with Size and MaxSizeAllowed; keys are at most 1024 bytes of
 * UTF-8 (userguide/object-keys.html). */
int
s3_key_check(nb_call *call, const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n <= 1024)
        return NB_OK;
    char sz[24];
    snprintf(sz, sizeof(sz), "%zu", n);
    int rc = s3_fail(call, 400, "KeyTooLongError", "Your key is too long.", "Size", sz);
    return rc == NB_EAWS && nb_set_str(call->err_fields, "MaxSizeAllowed", "1024") ? NB_ENOMEM : rc;
}

const char *
s3_random_id(nb_call *call, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    char *s = nb_arena_alloc(call->arena, n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = a[nb_ids_rand() % 64];
    s[n] = '\0';
    return s;
}

const char *
s3_token_make(nb_call *call, const char *s)
{
    size_t n = strlen(s);
    char *b = nb_arena_alloc(call->arena, nb_b64_enc_len(n) + 1);
    if (b)
        nb_b64_encode(b, s, n);
    return b;
}

const char *
s3_token_read(nb_call *call, const char *token)
{
    size_t n = strlen(token), len;
    char *d = nb_arena_alloc(call->arena, nb_b64_dec_max(n) + 1);
    if (!d || nb_b64_decode(d, &len, token, n, NULL) != NB_B64_OK)
        return NULL;
    d[len] = '\0';
    return d;
}

/* AWS: ErrorResponses.html: EntityTooLarge, 400, "Your proposed upload
 * exceeds the maximum allowed object size.", with ProposedSize and
 * MaxSizeAllowed. */
int
s3_too_large(nb_call *call, int64_t size, int64_t max)
{
    char a[24], b[24];
    snprintf(a, sizeof(a), "%lld", (long long)size);
    snprintf(b, sizeof(b), "%lld", (long long)max);
    int rc =
        s3_fail(call, 400, "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed object size.", "ProposedSize", a);
    return rc == NB_EAWS && nb_set_str(call->err_fields, "MaxSizeAllowed", b) ? NB_ENOMEM : rc;
}
