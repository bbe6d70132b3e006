/*
 * ddb_value.c: attribute values and items: validation of what a request
 * sends (with AWS's messages), equality and ordering, sizes as DynamoDB
 * counts them, the binary form items take in the store, and the sortable
 * encoding of key values that makes a Query an index range scan.
 *
 * Messages: dynalite validations/index.js validateAttributeValue and
 * checkNum, whose tests were recorded against DynamoDB.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_int.h"

static const char *const type_names[] = {"",   "S", "N", "B",    "SS",  "NS",
                                         "BS", "M", "L", "NULL", "BOOL"};

const char *
ddb_type_name(ddb_type t)
{
    return (unsigned)t < NB_ARRAY_LEN(type_names) ? type_names[t] : "";
}

ddb_type
ddb_type_from(const char *name)
{
    for (size_t i = 1; name && i < NB_ARRAY_LEN(type_names); i++)
        if (strcmp(name, type_names[i]) == 0)
            return (ddb_type)i;
    return DDB_NONE;
}

ddb_type
ddb_av_type(const nb_value *av, const nb_value **inner)
{
    const nb_value *c = nb_first(av);
    if (inner)
        *inner = c;
    if (!c || !c->key || av->type == NB_V_LIST)
        return DDB_NONE;
    return ddb_type_from(c->key);
}

nb_value *
ddb_av_wrap(nb_arena *a, ddb_type t, nb_value *inner)
{
    nb_value *av = nb_value_struct(a);
    if (!av || !inner)
        return NULL;
    const char *k = ddb_type_name(t); /* a literal: not copied */
    return nb_value_put_new(av, k, strlen(k), inner) ? NULL : av;
}

nb_value *
ddb_av_str(nb_arena *a, ddb_type t, const char *s, size_t len)
{
    return ddb_av_wrap(a, t, t == DDB_B ? nb_value_blob(a, s, len) : nb_value_str(a, s, len));
}

nb_value *
ddb_av_num(nb_arena *a, const ddb_num *n)
{
    char buf[200];
    size_t len = ddb_num_format(n, buf, sizeof(buf));
    return ddb_av_str(a, DDB_N, buf, len);
}

nb_value *
ddb_av_bool(nb_arena *a, int b)
{
    return ddb_av_wrap(a, DDB_BOOL, nb_value_bool(a, b));
}

/* ---- validation and normalisation -------------------------------------- */

static int
vfail(nb_call *call, const char *msg)
{
    return nb_fail(call, "ValidationException", "%s", msg);
}

/* "[a, b]" for a set's members, as AWS prints an input collection. */
static const char *
set_text(nb_arena *a, const nb_value *list, int b64)
{
    nb_buf b;
    nb_buf_init(&b, 1 << 20);
    nb_buf_addc(&b, '[');
    for (const nb_value *c = nb_first(list); c; c = c->next) {
        if (c != nb_first(list))
            nb_buf_adds(&b, ", ");
        if (b64) {
            char *t = nb_arena_alloc(a, nb_b64_enc_len(c->u.s.len) + 1);
            if (t) {
                nb_b64_encode(t, c->u.s.p, c->u.s.len);
                nb_buf_adds(&b, t);
            }
        } else {
            nb_buf_add(&b, c->u.s.p, c->u.s.len);
        }
    }
    nb_buf_addc(&b, ']');
    char *r = nb_arena_strndup(a, b.p ? b.p : "", b.len);
    nb_buf_free(&b);
    return r;
}

static int
norm_num(nb_call *call, const nb_value *v, nb_value **out)
{
    ddb_num n;
    if (v->type != NB_V_STR || v->u.s.len == 0)
        return vfail(call, "The parameter cannot be converted to a numeric value");
    int e = ddb_num_parse(v->u.s.p, v->u.s.len, &n);
    if (e == DDB_NUM_EINVAL)
        return nb_fail(call, "ValidationException",
                       "The parameter cannot be converted to a numeric value: %s", v->u.s.p);
    if (e)
        return vfail(call, ddb_num_errmsg(e));
    char buf[200];
    size_t len = ddb_num_format(&n, buf, sizeof(buf));
    *out = nb_value_str(call->arena, buf, len);
    return *out ? NB_OK : NB_ENOMEM;
}

static int
has_dup(const nb_value *list)
{
    for (const nb_value *a = nb_first(list); a; a = a->next)
        for (const nb_value *b = a->next; b; b = b->next)
            if (nb_str_eq(a->u.s, b->u.s))
                return 1;
    return 0;
}

static int
norm_set(nb_call *call, ddb_type t, const nb_value *v, nb_value **out)
{
    static const char *const empty[] = {
        "One or more parameter values were invalid: An string set  may not be empty",
        "One or more parameter values were invalid: An number set  may not be empty",
        "One or more parameter values were invalid: Binary sets should not be empty"};
    nb_value *l = nb_value_list(call->arena);
    int rc;
    if (!l)
        return NB_ENOMEM;
    if (!nb_first(v))
        return vfail(call, empty[t - DDB_SS]);
    for (const nb_value *c = nb_first(v); c; c = c->next) {
        nb_value *x;
        if (t == DDB_NS) {
            if ((rc = norm_num(call, c, &x)))
                return rc;
        } else {
            x = nb_value_copy(call->arena, c);
        }
        if (!x || nb_value_append(l, x))
            return NB_ENOMEM;
    }
    if (has_dup(l)) {
        if (t == DDB_NS)
            return vfail(call, "Input collection contains duplicates");
        return nb_fail(call, "ValidationException",
                       "One or more parameter values were invalid: Input collection %s%s",
                       set_text(call->arena, l, t == DDB_BS),
                       t == DDB_SS ? " contains duplicates." : "of type BS contains duplicates.");
    }
    *out = l;
    return NB_OK;
}

int
ddb_av_norm(nb_call *call, const nb_value *av, nb_value **out)
{
    const nb_value *v;
    nb_value *x = NULL;
    int rc = NB_OK;

    if (!av || av->type != NB_V_STRUCT || !nb_first(av))
        return vfail(call, "Supplied AttributeValue is empty, must contain exactly one of the "
                           "supported datatypes");
    if (av->u.c.n > 1)
        return vfail(call, "Supplied AttributeValue has more than one datatypes set, must "
                           "contain exactly one of the supported datatypes");
    ddb_type t = ddb_av_type(av, &v);
    switch (t) {
    case DDB_N:
        rc = norm_num(call, v, &x);
        break;
    case DDB_NULL:
        if (!v->u.b)
            return vfail(call, "One or more parameter values were invalid: Null attribute "
                               "value types must have the value of true");
        x = nb_value_copy(call->arena, v);
        break;
    case DDB_SS:
    case DDB_NS:
    case DDB_BS:
        rc = norm_set(call, t, v, &x);
        break;
    case DDB_M:
        rc = ddb_item_norm(call, v, &x);
        break;
    case DDB_L:
        x = nb_value_list(call->arena);
        for (const nb_value *c = nb_first(v); x && !rc && c; c = c->next) {
            nb_value *y;
            rc = ddb_av_norm(call, c, &y);
            if (!rc)
                rc = nb_value_append(x, y);
        }
        break;
    case DDB_NONE:
        return vfail(call, "Supplied AttributeValue is empty, must contain exactly one of the "
                           "supported datatypes");
    default:
        x = nb_value_copy(call->arena, v);
        break;
    }
    if (rc)
        return rc;
    *out = ddb_av_wrap(call->arena, t, x);
    return *out ? NB_OK : NB_ENOMEM;
}

int
ddb_item_norm(nb_call *call, const nb_value *item, nb_value **out)
{
    nb_value *m = nb_value_map(call->arena);
    if (!m)
        return NB_ENOMEM;
    for (const nb_value *c = nb_first(item); c; c = c->next) {
        nb_value *x;
        int rc = ddb_av_norm(call, c, &x);
        if (rc)
            return rc;
        if (nb_value_put(m, c->key, c->klen, x))
            return NB_ENOMEM;
    }
    *out = m;
    return NB_OK;
}

/* ---- equality, order, size ------------------------------------------------ */

static int
in_set(const nb_value *x, const nb_value *set)
{
    for (const nb_value *c = nb_first(set); c; c = c->next)
        if (nb_str_eq(x->u.s, c->u.s))
            return 1;
    return 0;
}

int
ddb_av_equal(const nb_value *a, const nb_value *b)
{
    const nb_value *x, *y;
    ddb_type ta = ddb_av_type(a, &x), tb = ddb_av_type(b, &y);
    if (ta != tb || ta == DDB_NONE)
        return 0;
    switch (ta) {
    case DDB_S:
    case DDB_N: /* canonical text: equal numbers have equal text */
    case DDB_B:
        return nb_str_eq(x->u.s, y->u.s);
    case DDB_BOOL:
    case DDB_NULL:
        return x->u.b == y->u.b;
    case DDB_SS:
    case DDB_NS:
    case DDB_BS:
        if (x->u.c.n != y->u.c.n)
            return 0;
        for (const nb_value *c = nb_first(x); c; c = c->next)
            if (!in_set(c, y))
                return 0;
        return 1;
    case DDB_L: {
        const nb_value *c = nb_first(x), *d = nb_first(y);
        for (; c && d; c = c->next, d = d->next)
            if (!ddb_av_equal(c, d))
                return 0;
        return !c && !d;
    }
    case DDB_M:
        if (x->u.c.n != y->u.c.n)
            return 0;
        for (const nb_value *c = nb_first(x); c; c = c->next) {
            const nb_value *d = ddb_map_get(y, c->key, c->klen);
            if (!d || !ddb_av_equal(c, d))
                return 0;
        }
        return 1;
    default:
        return 0;
    }
}

int
ddb_av_getnum(const nb_value *av, ddb_num *n)
{
    const nb_value *v;
    if (ddb_av_type(av, &v) != DDB_N)
        return NB_EINVAL;
    return ddb_num_parse(v->u.s.p, v->u.s.len, n) ? NB_EINVAL : NB_OK;
}

static int
bytes_cmp(nb_str a, nb_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return a.len == b.len ? 0 : a.len < b.len ? -1 : 1;
}

int
ddb_av_cmp(const nb_value *a, const nb_value *b)
{
    const nb_value *x, *y;
    ddb_type ta = ddb_av_type(a, &x), tb = ddb_av_type(b, &y);
    if (ta != tb)
        return 2;
    if (ta == DDB_S || ta == DDB_B)
        return bytes_cmp(x->u.s, y->u.s);
    if (ta == DDB_N) {
        ddb_num m, n;
        if (ddb_av_getnum(a, &m) || ddb_av_getnum(b, &n))
            return 2;
        return ddb_num_cmp(&m, &n);
    }
    return 2;
}

static size_t
num_size(nb_str s)
{
    ddb_num n;
    if (ddb_num_parse(s.p, s.len, &n))
        return s.len;
    return (size_t)(n.nd + 1) / 2 + 1;
}

/* AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * CapacityUnitCalculations.html: strings and binaries by length, numbers
 * about one byte per two digits plus one, NULL and BOOL one byte, lists
 * and maps 3 bytes plus one per element. */
size_t
ddb_av_size(const nb_value *av)
{
    const nb_value *v;
    size_t n = 0;
    switch (ddb_av_type(av, &v)) {
    case DDB_S:
    case DDB_B:
        return v->u.s.len;
    case DDB_N:
        return num_size(v->u.s);
    case DDB_SS:
    case DDB_BS:
        for (const nb_value *c = nb_first(v); c; c = c->next)
            n += c->u.s.len;
        return n;
    case DDB_NS:
        for (const nb_value *c = nb_first(v); c; c = c->next)
            n += num_size(c->u.s);
        return n;
    case DDB_M:
        return 3 + ddb_item_size(v) + v->u.c.n;
    case DDB_L:
        for (const nb_value *c = nb_first(v); c; c = c->next)
            n += ddb_av_size(c) + 1;
        return 3 + n;
    default:
        return 1;
    }
}

size_t
ddb_item_size(const nb_value *item)
{
    size_t n = 0;
    for (const nb_value *c = nb_first(item); c; c = c->next)
        n += c->klen + ddb_av_size(c);
    return n;
}

/* ---- maps -------------------------------------------------------------------- */

nb_value *
ddb_map_get(const nb_value *map, const char *name, size_t len)
{
    for (const nb_value *c = nb_first(map); c; c = c->next)
        if (c->klen == len && memcmp(c->key, name, len) == 0)
            return (nb_value *)c;
    return NULL;
}

int
ddb_map_del(nb_value *map, const char *name, size_t len)
{
    nb_value *prev = NULL;
    for (nb_value *c = map->u.c.first; c; prev = c, c = c->next) {
        if (c->klen != len || memcmp(c->key, name, len) != 0)
            continue;
        if (prev)
            prev->next = c->next;
        else
            map->u.c.first = c->next;
        if (map->u.c.last == c)
            map->u.c.last = prev;
        map->u.c.n--;
        return 1;
    }
    return 0;
}

int
ddb_map_set(nb_value *map, const char *name, size_t len, nb_value *v)
{
    for (nb_value *c = map->u.c.first, *prev = NULL; c; prev = c, c = c->next) {
        if (c->klen != len || memcmp(c->key, name, len) != 0)
            continue;
        v->key = c->key; /* replace in place, keeping the order */
        v->klen = c->klen;
        v->next = c->next;
        if (prev)
            prev->next = v;
        else
            map->u.c.first = v;
        if (map->u.c.last == c)
            map->u.c.last = v;
        return NB_OK;
    }
    return nb_value_put(map, name, len, v);
}

/* ---- binary form ------------------------------------------------------------- */

static int
put_len(nb_buf *b, size_t n)
{
    uint8_t tmp[10];
    int i = 0;
    do {
        tmp[i++] = (uint8_t)((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
        n >>= 7;
    } while (n);
    return nb_buf_add(b, tmp, (size_t)i);
}

static int
put_bytes(nb_buf *b, nb_str s)
{
    int rc = put_len(b, s.len);
    return rc ? rc : nb_buf_add(b, s.p ? s.p : "", s.len);
}

static int enc_av(const nb_value *av, nb_buf *b);

static int
enc_map(const nb_value *m, nb_buf *b)
{
    int rc = put_len(b, m ? m->u.c.n : 0);
    for (const nb_value *c = nb_first(m); !rc && c; c = c->next) {
        rc = put_bytes(b, (nb_str){c->key, c->klen});
        rc = rc ? rc : enc_av(c, b);
    }
    return rc;
}

static int
enc_av(const nb_value *av, nb_buf *b)
{
    const nb_value *v;
    ddb_type t = ddb_av_type(av, &v);
    int rc = nb_buf_addc(b, (char)t);
    if (rc)
        return rc;
    switch (t) {
    case DDB_S:
    case DDB_N:
    case DDB_B:
        return put_bytes(b, v->u.s);
    case DDB_BOOL:
    case DDB_NULL:
        return nb_buf_addc(b, (char)v->u.b);
    case DDB_SS:
    case DDB_NS:
    case DDB_BS:
        rc = put_len(b, v->u.c.n);
        for (const nb_value *c = nb_first(v); !rc && c; c = c->next)
            rc = put_bytes(b, c->u.s);
        return rc;
    case DDB_L:
        rc = put_len(b, v->u.c.n);
        for (const nb_value *c = nb_first(v); !rc && c; c = c->next)
            rc = enc_av(c, b);
        return rc;
    case DDB_M:
        return enc_map(v, b);
    default:
        return NB_EINVAL;
    }
}

int
ddb_item_encode(const nb_value *item, nb_buf *b)
{
    return enc_map(item, b);
}

typedef struct rd {
    const uint8_t *p; /* next byte */
    const uint8_t *e; /* end */
    nb_arena *a;      /* where the tree goes */
    int depth;        /* nesting, bounded */
} rd;

static int
get_len(rd *r, size_t *n)
{
    size_t v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
        if (r->p >= r->e)
            return NB_EINVAL;
        uint8_t c = *r->p++;
        v |= (size_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *n = v;
            return NB_OK; /* reads past the end fail later */
        }
    }
    return NB_EINVAL;
}

static int
get_bytes(rd *r, nb_str *s)
{
    size_t n;
    if (get_len(r, &n) || n > (size_t)(r->e - r->p))
        return NB_EINVAL;
    s->p = (const char *)r->p;
    s->len = n;
    r->p += n;
    return NB_OK;
}

static int dec_av(rd *r, nb_value **out);

static int
dec_map(rd *r, nb_value **out)
{
    size_t n;
    nb_value *m = nb_value_map(r->a);
    if (!m || get_len(r, &n) || ++r->depth > 64)
        return NB_EINVAL;
    /* The names were checked distinct when the item was stored: appended
     * as they come, without a search for each. */
    for (size_t i = 0; i < n; i++) {
        nb_str k;
        nb_value *v;
        char *name;
        if (get_bytes(r, &k) || dec_av(r, &v))
            return NB_EINVAL;
        if (!(name = nb_arena_strndup(r->a, k.p, k.len)) || nb_value_put_new(m, name, k.len, v))
            return NB_ENOMEM;
    }
    r->depth--;
    *out = m;
    return NB_OK;
}

static int
dec_av(rd *r, nb_value **out)
{
    if (r->p >= r->e)
        return NB_EINVAL;
    ddb_type t = (ddb_type)*r->p++;
    nb_value *v = NULL;
    nb_str s;
    size_t n;
    switch (t) {
    case DDB_S:
    case DDB_N:
    case DDB_B:
        if (get_bytes(r, &s))
            return NB_EINVAL;
        v = t == DDB_B ? nb_value_blob(r->a, s.p, s.len) : nb_value_str(r->a, s.p, s.len);
        break;
    case DDB_BOOL:
    case DDB_NULL:
        if (r->p >= r->e)
            return NB_EINVAL;
        v = nb_value_bool(r->a, *r->p++);
        break;
    case DDB_SS:
    case DDB_NS:
    case DDB_BS:
        v = nb_value_list(r->a);
        if (!v || get_len(r, &n))
            return NB_EINVAL;
        for (size_t i = 0; i < n; i++) {
            if (get_bytes(r, &s))
                return NB_EINVAL;
            nb_value *x =
                t == DDB_BS ? nb_value_blob(r->a, s.p, s.len) : nb_value_str(r->a, s.p, s.len);
            if (!x || nb_value_append(v, x))
                return NB_ENOMEM;
        }
        break;
    case DDB_L:
        v = nb_value_list(r->a);
        if (!v || get_len(r, &n) || ++r->depth > 64)
            return NB_EINVAL;
        for (size_t i = 0; i < n; i++) {
            nb_value *x;
            if (dec_av(r, &x) || nb_value_append(v, x))
                return NB_EINVAL;
        }
        r->depth--;
        break;
    case DDB_M:
        if (dec_map(r, &v))
            return NB_EINVAL;
        break;
    default:
        return NB_EINVAL;
    }
    *out = ddb_av_wrap(r->a, t, v);
    return *out ? NB_OK : NB_ENOMEM;
}

int
ddb_item_decode(nb_arena *a, const void *p, size_t len, nb_value **out)
{
    rd r = {p, (const uint8_t *)p + len, a, 0};
    return dec_map(&r, out);
}

/* Key values sort as DynamoDB sorts them: S by UTF-8 bytes, B by bytes
 * (SQLite compares BLOBs with memcmp, then by length), N numerically
 * (ddb_num_keyenc). */
int
ddb_key_encode(const nb_value *av, nb_buf *b)
{
    const nb_value *v;
    ddb_type t = ddb_av_type(av, &v);
    if (t == DDB_S || t == DDB_B)
        return nb_buf_add(b, v->u.s.p ? v->u.s.p : "", v->u.s.len);
    if (t == DDB_N) {
        ddb_num n;
        uint8_t k[DDB_NUM_KEYMAX];
        if (ddb_num_parse(v->u.s.p, v->u.s.len, &n))
            return NB_EINVAL;
        return nb_buf_add(b, k, ddb_num_keyenc(&n, k));
    }
    return NB_EINVAL;
}

const char *
ddb_av_text(nb_arena *a, const nb_value *av)
{
    const nb_value *v;
    ddb_type t = ddb_av_type(av, &v);
    if (t == DDB_S || t == DDB_N)
        return nb_arena_printf(a, "{%s:%s}", ddb_type_name(t), v->u.s.p);
    if (t == DDB_B) {
        char *s = nb_arena_alloc(a, nb_b64_enc_len(v->u.s.len) + 1);
        if (!s)
            return "";
        nb_b64_encode(s, v->u.s.p, v->u.s.len);
        return nb_arena_printf(a, "{B:%s}", s);
    }
    if (t == DDB_BOOL)
        return nb_arena_printf(a, "{BOOL:%s}", v->u.b ? "true" : "false");
    if (t == DDB_NULL)
        return "{NULL:true}";
    return nb_arena_printf(a, "{%s:...}", ddb_type_name(t));
}
