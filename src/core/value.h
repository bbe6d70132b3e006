/*
 * value.h: nb_value, the tree that carries a decoded request into a handler
 * and its result back out. Codecs build it from the wire and turn it back
 * into bytes; handlers only read and build trees. Every node and string of
 * a tree lives in one arena (the call's), which every container remembers
 * so that setters need no extra argument.
 *
 * Keys are the model's member names ("QueueName"), never wire names.
 * Structures keep members in insertion order; maps keep entries in
 * insertion order too. Strings are NUL-terminated and carry their length
 * (blobs may contain NULs). Timestamps are seconds since the epoch with
 * millisecond precision.
 */
#ifndef NB_VALUE_H
#define NB_VALUE_H

#include "nb.h"
#include "str.h"

typedef enum nb_vtype {
    NB_V_NULL = 0, /* explicit JSON null; absent members are not stored */
    NB_V_BOOL,
    NB_V_INT,    /* integer and long shapes */
    NB_V_DOUBLE, /* float and double shapes */
    NB_V_STR,    /* string shapes (and enums) */
    NB_V_BLOB,   /* blob shapes: raw bytes (codecs do base64) */
    NB_V_TIME,   /* timestamp shapes: epoch seconds in u.d */
    NB_V_STRUCT, /* structure shapes: named members */
    NB_V_LIST,   /* list shapes: unnamed items */
    NB_V_MAP,    /* map shapes: string keys */
    NB_V_FILE,   /* a streaming blob held in a file (a large S3 body): u.f */
} nb_vtype;

struct nb_value {
    nb_vtype type;   /* what u holds */
    const char *key; /* member name or map key in the parent, or NULL */
    size_t klen;     /* bytes in key */
    nb_value *next;  /* next sibling in the parent, or NULL */
    union {
        int b;     /* NB_V_BOOL: 0 or 1 */
        int64_t i; /* NB_V_INT */
        double d;  /* NB_V_DOUBLE, NB_V_TIME */
        nb_str s;  /* NB_V_STR, NB_V_BLOB: arena bytes (or a request
                      body: nb_value_bytes_ref), NUL after */
        struct {
            const char *path; /* the file (arena string) */
            int64_t off;      /* where the bytes start in it */
            int64_t len;      /* how many */
        } f;                  /* NB_V_FILE */
        struct {
            nb_value *first; /* first child, or NULL */
            nb_value *last;  /* last child, or NULL */
            size_t n;        /* number of children */
            nb_arena *arena; /* where children and their strings live */
        } c;                 /* NB_V_STRUCT, NB_V_LIST, NB_V_MAP */
    } u;
};

/* Containers and scalars, unattached. NULL on out-of-memory. */
nb_value *nb_value_struct(nb_arena *a);
nb_value *nb_value_list(nb_arena *a);
nb_value *nb_value_map(nb_arena *a);
nb_value *nb_value_str(nb_arena *a, const char *s, size_t len);
nb_value *nb_value_blob(nb_arena *a, const void *p, size_t len);
/* A blob or string (t) naming len bytes at p, not copied: p must outlive
 * the value and have a NUL after its len bytes (a request body). */
nb_value *nb_value_bytes_ref(nb_arena *a, nb_vtype t, const char *p, size_t len);
nb_value *nb_value_int(nb_arena *a, int64_t i);
nb_value *nb_value_double(nb_arena *a, double d);
nb_value *nb_value_bool(nb_arena *a, int b);
nb_value *nb_value_time(nb_arena *a, double t);
nb_value *nb_value_null(nb_arena *a);
/* The len bytes at off of file path (copied into a). */
nb_value *nb_value_file(nb_arena *a, const char *path, int64_t off, int64_t len);

/* Attach child v to a struct or map under key (copied), or to a list (key
 * ignored). Setting a struct member that exists replaces it. */
int nb_value_put(nb_value *parent, const char *key, size_t klen, nb_value *v);
/* Appends child v to a struct or map under key, which the caller knows is
 * not there yet (a tree rebuilt from what a service stored) and which
 * outlives the tree (a literal, or a copy in the tree's arena): neither
 * searched for nor copied. */
int nb_value_put_new(nb_value *parent, const char *key, size_t klen, nb_value *v);
int nb_value_append(nb_value *list, nb_value *v);
nb_arena *nb_value_arena(const nb_value *container);

/* Lookups on structs and maps; NULL when absent or when v is NULL. */
const nb_value *nb_get(const nb_value *v, const char *key);
const char *nb_get_str(const nb_value *v, const char *key); /* STR or BLOB */
/* Integer member, or dflt when absent or not a number. */
int64_t nb_get_int(const nb_value *v, const char *key, int64_t dflt);
double nb_get_double(const nb_value *v, const char *key, double dflt);
/* Boolean member: 1, 0, or dflt when absent. */
int nb_get_bool(const nb_value *v, const char *key, int dflt);
/* Number of items of a list/map/struct member (0 when absent). */
size_t nb_get_len(const nb_value *v, const char *key);

/* Setters on structs and maps: copy s into the tree's arena. Each returns
 * NB_OK or NB_ENOMEM. */
int nb_set_str(nb_value *v, const char *key, const char *s);
int nb_set_strn(nb_value *v, const char *key, const char *s, size_t len);
int nb_set_blob(nb_value *v, const char *key, const void *p, size_t len);
int nb_set_int(nb_value *v, const char *key, int64_t i);
int nb_set_double(nb_value *v, const char *key, double d);
int nb_set_bool(nb_value *v, const char *key, int b);
int nb_set_time(nb_value *v, const char *key, double t);
/* New empty container attached under key; NULL on out-of-memory. */
nb_value *nb_set_struct(nb_value *v, const char *key);
nb_value *nb_set_list(nb_value *v, const char *key);
nb_value *nb_set_map(nb_value *v, const char *key);
/* List helpers: append a copy of s, or a new struct item. */
int nb_list_add_str(nb_value *list, const char *s);
nb_value *nb_list_add_struct(nb_value *list);

/* Iteration: for (c = nb_first(v); c; c = c->next). */
static inline const nb_value *
nb_first(const nb_value *v)
{
    if (!v || (v->type != NB_V_STRUCT && v->type != NB_V_LIST && v->type != NB_V_MAP))
        return NULL;
    return v->u.c.first;
}

/* Deep copy of v into arena a (for results built from stored trees). */
nb_value *nb_value_copy(nb_arena *a, const nb_value *v);

#endif
