/*
 * json_shape.h: the shape-driven JSON walker the JSON codecs share
 * (awsJson1_0/1_1 in proto_json.c, restJson1 in proto_rest_json.c). The
 * reader turns a parsed JSON document into an nb_value tree by a model
 * shape; the writer writes a tree as JSON by a shape. The two protocols
 * read and write the same types the same way; what differs is how an
 * error is worded (Coral's Java messages for awsJson, ours for
 * restJson1), which the codec supplies as a hook, and the few rules
 * chosen by flags below. Trees live in the caller's arena.
 */
#ifndef NB_JSON_SHAPE_H
#define NB_JSON_SHAPE_H

#include "call.h"
#include "json.h"
#include "model.h"
#include "value.h"

/* ---- Reader ---------------------------------------------------------- */

/* Why a JSON value does not fit its shape (nb_jsd_err.why). */
typedef enum nb_jsd_why {
    NB_JSD_MISMATCH, /* the wrong JSON type for the shape */
    NB_JSD_TOO_MANY, /* a list or map of more than NB_LIST_MAX entries */
    NB_JSD_RANGE,    /* an integer outside its shape's type */
    NB_JSD_TIME,     /* a string that is no timestamp in any format */
    NB_JSD_BLOB,     /* a string that is not strict base64 */
    NB_JSD_UNION,    /* a union with more than one member set */
} nb_jsd_why;

/* What the hook is told about a value that does not fit. */
typedef struct nb_jsd_err {
    nb_jsd_why why;    /* what is wrong */
    const nb_shape *s; /* the shape the value was read by */
    const char *where; /* the member or payload being read; NULL at the top */
    const nb_json *j;  /* the value */
    int b64;           /* NB_JSD_BLOB: nb_b64_decode's code */
    size_t at;         /* NB_JSD_BLOB with NB_B64_E_CHAR: the bad byte's offset */
} nb_jsd_err;

typedef struct nb_jsd nb_jsd;

/* Raises the protocol's error for e with nb_fail and returns its code
 * (NB_EAWS, or NB_ENOMEM). */
typedef int (*nb_jsd_fail_fn)(nb_jsd *d, const nb_jsd_err *e);

/* nb_jsd.flags */
#define NB_JSD_TRUNCATE 1u /* a number with a fraction for an integer is cut, not refused */
#define NB_JSD_UNIONS 2u   /* a union with more than one member set is refused */

/* Reading state: one request. */
struct nb_jsd {
    nb_call *call;       /* where errors go */
    const nb_model *m;   /* the model being decoded by */
    nb_arena *a;         /* the call's arena: the tree lives there */
    unsigned flags;      /* NB_JSD_* */
    nb_jsd_fail_fn fail; /* the protocol's wording of errors */
};

/* SerializationException, 400, with a formatted message: the code both
 * JSON protocols answer a body that does not fit with (Coral; Smithy's
 * restJson1 malformed-request tests). Returns NB_EAWS or NB_ENOMEM. */
int nb_jsd_ser_fail(nb_jsd *d, const char *fmt, ...) NB_PRINTF(2, 3);

/* The value j by shape `shape` into *out. `where` names what is read for
 * the hook (a member's name, passed down into lists and maps). Unknown
 * members and nulls are skipped, as AWS does. Returns NB_OK, the hook's
 * code, or NB_ENOMEM. */
int nb_jsd_value(nb_jsd *d, uint32_t shape, const char *where, const nb_json *j, nb_value **out);
/* The members of structure s found in object j, put into v; with top set,
 * only members the body carries (no HTTP binding, not the payload). */
int nb_jsd_members(nb_jsd *d, const nb_shape *s, const nb_json *j, int top, nb_value *v);

/* ---- Writer ---------------------------------------------------------- */

/* Writing state: one reply. */
typedef struct nb_jse {
    nb_jw *w;          /* the writer, on the response body */
    const nb_model *m; /* the model being encoded by */
    int shape_order;   /* structures: 1, members in the shape's order (a
                          map value is then written as it is); 0, in the
                          tree's order, maps read as structures */
} nb_jse;

/* Writes v by shape `shape`; tsfmt is the member's timestampFormat (0 for
 * the shape's). A value the shape does not expect is written as it is.
 * Returns the writer's first error. */
int nb_jse_value(nb_jse *e, uint32_t shape, int tsfmt, const nb_value *v);
/* The members of structure s set in v as one object, in the shape's
 * order; with top set, only body members (as nb_jsd_members). */
int nb_jse_members(nb_jse *e, const nb_shape *s, const nb_value *v, int top);
/* One member c of an error's extra fields: by member mb when the error
 * shape has it, else as it is under its own key. */
int nb_jse_field(nb_jse *e, const nb_member *mb, const nb_value *c);

#endif
