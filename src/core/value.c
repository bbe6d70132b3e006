/*
 * value.c: building and reading nb_value trees. Nodes are allocated in the
 * container's arena and never freed on their own.
 */
#include <string.h>

#include "arena.h"
#include "value.h"

static nb_value *
node(nb_arena *a, nb_vtype t)
{
    nb_value *v = nb_arena_zalloc(a, sizeof(*v));
    if (v)
        v->type = t;
    return v;
}

static nb_value *
container(nb_arena *a, nb_vtype t)
{
    nb_value *v = node(a, t);
    if (v)
        v->u.c.arena = a;
    return v;
}

nb_value *
nb_value_struct(nb_arena *a)
{
    return container(a, NB_V_STRUCT);
}

nb_value *
nb_value_list(nb_arena *a)
{
    return container(a, NB_V_LIST);
}

nb_value *
nb_value_map(nb_arena *a)
{
    return container(a, NB_V_MAP);
}

static nb_value *
bytes(nb_arena *a, nb_vtype t, const void *p, size_t len)
{
    nb_value *v = node(a, t);
    if (!v)
        return NULL;
    char *d = nb_arena_strndup(a, p ? p : "", p ? len : 0);
    if (!d)
        return NULL;
    v->u.s.p = d;
    v->u.s.len = p ? len : 0;
    return v;
}

nb_value *
nb_value_str(nb_arena *a, const char *s, size_t len)
{
    return bytes(a, NB_V_STR, s, len);
}

nb_value *
nb_value_blob(nb_arena *a, const void *p, size_t len)
{
    return bytes(a, NB_V_BLOB, p, len);
}

nb_value *
nb_value_bytes_ref(nb_arena *a, nb_vtype t, const char *p, size_t len)
{
    nb_value *v = node(a, t);
    if (!v)
        return NULL;
    v->u.s.p = p;
    v->u.s.len = len;
    return v;
}

nb_value *
nb_value_file(nb_arena *a, const char *path, int64_t off, int64_t len)
{
    nb_value *v = node(a, NB_V_FILE);
    if (!v || !(v->u.f.path = nb_arena_strdup(a, path)))
        return NULL;
    v->u.f.off = off;
    v->u.f.len = len;
    return v;
}

nb_value *
nb_value_int(nb_arena *a, int64_t i)
{
    nb_value *v = node(a, NB_V_INT);
    if (v)
        v->u.i = i;
    return v;
}

nb_value *
nb_value_double(nb_arena *a, double d)
{
    nb_value *v = node(a, NB_V_DOUBLE);
    if (v)
        v->u.d = d;
    return v;
}

nb_value *
nb_value_bool(nb_arena *a, int b)
{
    nb_value *v = node(a, NB_V_BOOL);
    if (v)
        v->u.b = b ? 1 : 0;
    return v;
}

nb_value *
nb_value_time(nb_arena *a, double t)
{
    nb_value *v = node(a, NB_V_TIME);
    if (v)
        v->u.d = t;
    return v;
}

nb_value *
nb_value_null(nb_arena *a)
{
    return node(a, NB_V_NULL);
}

nb_arena *
nb_value_arena(const nb_value *c)
{
    return c->u.c.arena;
}

static nb_value **
find_slot(nb_value *parent, const char *key, size_t klen, nb_value **prev)
{
    nb_value **pp = &parent->u.c.first;
    *prev = NULL;
    while (*pp) {
        if ((*pp)->klen == klen && memcmp((*pp)->key, key, klen) == 0)
            return pp;
        *prev = *pp;
        pp = &(*pp)->next;
    }
    return NULL;
}

int
nb_value_put(nb_value *parent, const char *key, size_t klen, nb_value *v)
{
    assert(parent->type == NB_V_STRUCT || parent->type == NB_V_MAP || parent->type == NB_V_LIST);
    if (!v)
        return NB_ENOMEM;
    if (parent->type == NB_V_LIST)
        return nb_value_append(parent, v);
    char *k = nb_arena_strndup(parent->u.c.arena, key, klen);
    if (!k)
        return NB_ENOMEM;
    v->key = k;
    v->klen = klen;
    nb_value *prev;
    nb_value **slot = find_slot(parent, key, klen, &prev);
    if (slot) {
        nb_value *old = *slot;
        v->next = old->next;
        *slot = v;
        if (parent->u.c.last == old)
            parent->u.c.last = v;
        return NB_OK;
    }
    return nb_value_put_new(parent, k, klen, v);
}

int
nb_value_put_new(nb_value *parent, const char *key, size_t klen, nb_value *v)
{
    assert(parent->type == NB_V_STRUCT || parent->type == NB_V_MAP);
    if (!v)
        return NB_ENOMEM;
    v->key = key;
    v->klen = klen;
    v->next = NULL;
    if (parent->u.c.last)
        parent->u.c.last->next = v;
    else
        parent->u.c.first = v;
    parent->u.c.last = v;
    parent->u.c.n++;
    return NB_OK;
}

int
nb_value_append(nb_value *list, nb_value *v)
{
    if (!v)
        return NB_ENOMEM;
    v->next = NULL;
    if (list->u.c.last)
        list->u.c.last->next = v;
    else
        list->u.c.first = v;
    list->u.c.last = v;
    list->u.c.n++;
    return NB_OK;
}

const nb_value *
nb_get(const nb_value *v, const char *key)
{
    if (!v || (v->type != NB_V_STRUCT && v->type != NB_V_MAP))
        return NULL;
    size_t klen = strlen(key);
    for (const nb_value *c = v->u.c.first; c; c = c->next)
        if (c->klen == klen && memcmp(c->key, key, klen) == 0)
            return c;
    return NULL;
}

const char *
nb_get_str(const nb_value *v, const char *key)
{
    const nb_value *c = nb_get(v, key);
    if (!c || (c->type != NB_V_STR && c->type != NB_V_BLOB))
        return NULL;
    return c->u.s.p;
}

int64_t
nb_get_int(const nb_value *v, const char *key, int64_t dflt)
{
    const nb_value *c = nb_get(v, key);
    if (!c)
        return dflt;
    if (c->type == NB_V_INT)
        return c->u.i;
    if (c->type == NB_V_DOUBLE)
        return (int64_t)c->u.d;
    return dflt;
}

double
nb_get_double(const nb_value *v, const char *key, double dflt)
{
    const nb_value *c = nb_get(v, key);
    if (!c)
        return dflt;
    if (c->type == NB_V_DOUBLE || c->type == NB_V_TIME)
        return c->u.d;
    if (c->type == NB_V_INT)
        return (double)c->u.i;
    return dflt;
}

int
nb_get_bool(const nb_value *v, const char *key, int dflt)
{
    const nb_value *c = nb_get(v, key);
    if (!c || c->type != NB_V_BOOL)
        return dflt;
    return c->u.b;
}

size_t
nb_get_len(const nb_value *v, const char *key)
{
    const nb_value *c = nb_get(v, key);
    if (!c || (c->type != NB_V_STRUCT && c->type != NB_V_LIST && c->type != NB_V_MAP))
        return 0;
    return c->u.c.n;
}

static int
put(nb_value *v, const char *key, nb_value *c)
{
    return nb_value_put(v, key, strlen(key), c);
}

int
nb_set_strn(nb_value *v, const char *key, const char *s, size_t len)
{
    return put(v, key, nb_value_str(v->u.c.arena, s, len));
}

int
nb_set_str(nb_value *v, const char *key, const char *s)
{
    if (!s)
        return NB_OK;
    return nb_set_strn(v, key, s, strlen(s));
}

int
nb_set_blob(nb_value *v, const char *key, const void *p, size_t len)
{
    return put(v, key, nb_value_blob(v->u.c.arena, p, len));
}

int
nb_set_int(nb_value *v, const char *key, int64_t i)
{
    return put(v, key, nb_value_int(v->u.c.arena, i));
}

int
nb_set_double(nb_value *v, const char *key, double d)
{
    return put(v, key, nb_value_double(v->u.c.arena, d));
}

int
nb_set_bool(nb_value *v, const char *key, int b)
{
    return put(v, key, nb_value_bool(v->u.c.arena, b));
}

int
nb_set_time(nb_value *v, const char *key, double t)
{
    return put(v, key, nb_value_time(v->u.c.arena, t));
}

static nb_value *
set_container(nb_value *v, const char *key, nb_vtype t)
{
    nb_value *c = container(v->u.c.arena, t);
    if (!c || put(v, key, c))
        return NULL;
    return c;
}

nb_value *
nb_set_struct(nb_value *v, const char *key)
{
    return set_container(v, key, NB_V_STRUCT);
}

nb_value *
nb_set_list(nb_value *v, const char *key)
{
    return set_container(v, key, NB_V_LIST);
}

nb_value *
nb_set_map(nb_value *v, const char *key)
{
    return set_container(v, key, NB_V_MAP);
}

int
nb_list_add_str(nb_value *list, const char *s)
{
    return nb_value_append(list, nb_value_str(list->u.c.arena, s, strlen(s)));
}

nb_value *
nb_list_add_struct(nb_value *list)
{
    nb_value *c = container(list->u.c.arena, NB_V_STRUCT);
    if (!c || nb_value_append(list, c))
        return NULL;
    return c;
}

nb_value *
nb_value_copy(nb_arena *a, const nb_value *v)
{
    nb_value *d;
    switch (v->type) {
    case NB_V_STR:
    case NB_V_BLOB:
        d = bytes(a, v->type, v->u.s.p, v->u.s.len);
        break;
    case NB_V_STRUCT:
    case NB_V_LIST:
    case NB_V_MAP:
        d = container(a, v->type);
        if (!d)
            return NULL;
        for (const nb_value *c = v->u.c.first; c; c = c->next) {
            nb_value *cc = nb_value_copy(a, c);
            if (!cc || nb_value_put(d, c->key ? c->key : "", c->klen, cc))
                return NULL;
        }
        return d;
    case NB_V_FILE:
        d = nb_value_file(a, v->u.f.path, v->u.f.off, v->u.f.len);
        break;
    default:
        d = node(a, v->type);
        if (d)
            d->u = v->u;
        break;
    }
    return d;
}
