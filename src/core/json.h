/*
 * json.h: JSON for the codecs and the services, in two halves. The reader
 * parses bytes with jansson into a read-only document, refusing nesting
 * deeper than a bound before jansson sees the bytes; the codecs walk it
 * through the accessors below, or turn it into an nb_value tree. The
 * writer appends JSON to an nb_buf by hand, without building a tree first,
 * since it is on every JSON reply. json.c is the only file that includes
 * jansson (checksrc LAYER); nothing here knows about AWS errors, so the
 * caller picks the error code (SerializationException, ...).
 */
#ifndef NB_JSON_H
#define NB_JSON_H

#include "buf.h"
#include "nb.h"
#include "str.h"

/* ---- Reader ----------------------------------------------------------
 * A document is a tree of nb_json nodes owned by the root that
 * nb_json_parse returned; nb_json_free(root) frees all of it. Nodes are
 * read-only. Strings may hold NUL bytes and are valid UTF-8 (the parser
 * refuses anything else). Objects keep their members in document order;
 * with a duplicate key the last value wins. */

typedef struct nb_json nb_json;

/* What a node holds (nb_json_type). */
enum nb_jtype {
    NB_J_NULL = 0,
    NB_J_BOOL,   /* true or false: nb_json_bool */
    NB_J_INT,    /* a number without fraction or exponent: nb_json_int */
    NB_J_REAL,   /* any other number: nb_json_num */
    NB_J_STR,    /* nb_json_str */
    NB_J_ARRAY,  /* nb_json_len, nb_json_item */
    NB_J_OBJECT, /* nb_json_len, nb_json_get, nb_json_next */
};

/* Why a parse failed (nb_json_err.code). */
enum nb_json_errc {
    NB_JSON_E_SYNTAX = 1, /* not JSON: truncated, stray bytes, bad escape */
    NB_JSON_E_DEPTH,      /* nested deeper than the bound */
    NB_JSON_E_SIZE,       /* more bytes than NB_BODY_MAX */
    NB_JSON_E_RANGE,      /* a number too large for int64 or double */
    NB_JSON_E_UTF8,       /* invalid UTF-8 */
};

typedef struct nb_json_err {
    int code;        /* enum nb_json_errc */
    int line;        /* line of the error (1-based), or 0 */
    int column;      /* its column, or 0 */
    size_t position; /* its byte offset */
    char text[160];  /* jansson's description, for logs; "" when none */
} nb_json_err;

/* Parses p[0..len) as one JSON value of any type, with whitespace around
 * it, into a new document (*out; free it with nb_json_free). Refuses
 * arrays and objects nested deeper than max_depth (at most NB_DEPTH_MAX is
 * what the codecs pass), and more than NB_BODY_MAX bytes. Returns NB_OK,
 * NB_EINVAL with *err filled (err may be NULL), or NB_ENOMEM. */
int nb_json_parse(const char *p, size_t len, int max_depth, nb_json **out, nb_json_err *err);
/* nb_json_free(NULL) is a no-op. Only roots are freed. */
void nb_json_free(nb_json *root);

/* Accessors; each is safe on any node and gives 0/empty on a mismatch. */
int nb_json_type(const nb_json *j);
int nb_json_bool(const nb_json *j);
int64_t nb_json_int(const nb_json *j);
/* NB_J_INT or NB_J_REAL as a double. */
double nb_json_num(const nb_json *j);
/* The bytes of a string (valid until the document is freed). */
nb_str nb_json_str(const nb_json *j);
/* Items of an array, members of an object, else 0. */
size_t nb_json_len(const nb_json *j);
const nb_json *nb_json_item(const nb_json *arr, size_t i);
const nb_json *nb_json_get(const nb_json *obj, const char *key, size_t klen);

/* Walks an object's members in document order:
 *   nb_json_iter it = NB_JSON_ITER_INIT;
 *   while (nb_json_next(obj, &it, &key, &val)) ...
 * Returns 1 with key and val set, 0 at the end (and keeps returning 0). */
typedef struct nb_json_iter {
    void *it;  /* jansson iterator, NULL before the first call */
    int state; /* 0 not started, 1 walking, 2 finished */
} nb_json_iter;
#define NB_JSON_ITER_INIT ((nb_json_iter){NULL, 0})
int nb_json_next(const nb_json *obj, nb_json_iter *it, nb_str *key, const nb_json **val);

/* Copies a parsed value into arena a as a tree (documents, JSON strings
 * inside AWS values): objects become NB_V_MAP (document order), arrays
 * NB_V_LIST, integers NB_V_INT, other numbers NB_V_DOUBLE, strings
 * NB_V_STR, true/false NB_V_BOOL, null NB_V_NULL. An array or object with
 * more than NB_LIST_MAX entries gives NB_ENOMEM (over a bound), as does
 * the arena's own bound. */
int nb_json_to_value(nb_arena *a, const nb_json *j, nb_value **out);
/* nb_json_parse (depth bound NB_DEPTH_MAX) then nb_json_to_value: the tree
 * lives in a, the document is freed. NB_OK, NB_EINVAL (*err filled; err
 * may be NULL) or NB_ENOMEM. */
int nb_json_parse_value(nb_arena *a, const char *p, size_t len, nb_value **out, nb_json_err *err);

/* ---- Writer ----------------------------------------------------------
 * nb_jw writes one JSON value (usually an object) into an nb_buf. Commas
 * and colons are its business: the caller says begin/key/value/end. Each
 * function returns NB_OK or the writer's first error, which is sticky:
 * after a failure every later call does nothing and returns it again, so
 * a caller may check once at the end. Errors: NB_ENOMEM when the buffer's
 * bound is hit, NB_EINVAL when containers nest past NB_JW_DEPTH_MAX or end
 * without a begin.
 *
 * Strings are written as UTF-8 with only what JSON requires escaped: '"',
 * '\\', and the C0 controls (\b \f \n \r \t, others as \u00XX). Bytes that
 * are not valid UTF-8 become U+FFFD, so the output is always valid JSON. */

#define NB_JW_DEPTH_MAX 256

typedef struct nb_jw {
    nb_buf *b;                           /* where the bytes go; not owned */
    int rc;                              /* first error, or NB_OK */
    int depth;                           /* open arrays and objects */
    int after_key;                       /* a key was written: value comes next */
    uint64_t more[NB_JW_DEPTH_MAX / 64]; /* a bit per level: set when it holds
                                            a value, so the next needs ',' */
} nb_jw;

/* Starts writing at the end of b (which the caller initialised). */
void nb_jw_init(nb_jw *w, nb_buf *b);
int nb_jw_obj_begin(nb_jw *w);
int nb_jw_obj_end(nb_jw *w);
int nb_jw_arr_begin(nb_jw *w);
int nb_jw_arr_end(nb_jw *w);
/* An object key; the next call writes its value. */
int nb_jw_key(nb_jw *w, const char *k, size_t len);
static inline int
nb_jw_keyc(nb_jw *w, const char *k)
{
    return nb_jw_key(w, k, strlen(k));
}
int nb_jw_str(nb_jw *w, const char *s, size_t len);
int nb_jw_int(nb_jw *w, int64_t i);
/* A double in its shortest round-trip form, ECMAScript style: 1, 0.1,
 * 1.5e+300, 1e-7 (but whole numbers from 2^63 up as 1e+20: see json.c).
 * NaN and the infinities have no JSON number, so they are written as the
 * strings "NaN", "Infinity" and "-Infinity" (Smithy awsJson1_0 and
 * restJson1: non-numeric float values). */
int nb_jw_double(nb_jw *w, double d);
int nb_jw_bool(nb_jw *w, int b);
int nb_jw_null(nb_jw *w);
/* The base64 encoding of p[0..n) as a string, encoded straight into b. */
int nb_jw_b64(nb_jw *w, const void *p, size_t n);
/* A value the caller has already written as JSON text (a number made by
 * nb_time_epoch, say). It is not checked. */
int nb_jw_raw(nb_jw *w, const char *s, size_t len);
/* A tree without a shape (documents): STRUCT and MAP as objects, LIST as
 * arrays, BLOB as base64, TIME as epoch seconds (nb_time_epoch form). */
int nb_jw_value(nb_jw *w, const nb_value *v);

/* Formats d the way nb_jw_double writes a finite number into dst (at
 * least NB_JSON_NUM_MAX bytes), NUL-terminated; returns its length, or 0
 * when d is NaN or infinite. For codecs that put numbers in text. */
#define NB_JSON_NUM_MAX 32
size_t nb_json_fmt_double(char *dst, double d);

#endif
