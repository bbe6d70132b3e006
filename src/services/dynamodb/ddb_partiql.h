/*
 * ddb_partiql.h: the PartiQL statements DynamoDB runs (ExecuteStatement,
 * BatchExecuteStatement, ExecuteTransaction), parsed by ddb_partiql.c into
 * the trees of ddb_expr.h so that conditions, updates and projections run
 * on the same evaluator as the expression language. Private to
 * src/services/dynamodb/ (and its unit test and fuzz target).
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * ql-reference.html (SELECT, INSERT, UPDATE, DELETE, functions).
 */
#ifndef NB_DDB_PARTIQL_H
#define NB_DDB_PARTIQL_H

#include "ddb_expr.h"

enum { DDB_PQ_SELECT, DDB_PQ_INSERT, DDB_PQ_UPDATE, DDB_PQ_DELETE };

/* RETURNING clauses. */
enum {
    DDB_PQ_RET_NONE,
    DDB_PQ_RET_ALL_OLD,
    DDB_PQ_RET_ALL_NEW,
    DDB_PQ_RET_MOD_OLD,
    DDB_PQ_RET_MOD_NEW
};

#define DDB_PQ_DEPTH 32 /* nesting of conditions and literals a statement may have */

typedef struct ddb_pq {
    int kind;          /* DDB_PQ_* */
    const char *table; /* table name (unquoted) */
    const char *index; /* SELECT ... FROM "t"."i": the index, or NULL */
    ddb_expr *proj;    /* SELECT's attribute list, NULL for * */
    ddb_expr *where;   /* WHERE as a condition, or NULL */
    ddb_expr *update;  /* UPDATE's SET and REMOVE clauses */
    nb_value *item;    /* INSERT's VALUE: a map of attribute values */
    int returning;     /* DDB_PQ_RET_* */
    int order_desc;    /* SELECT ... ORDER BY k DESC */
    const char *order; /* the ORDER BY attribute, or NULL */
    int nparams;       /* '?' placeholders in the statement */
} ddb_pq;

/* Parses a statement of len bytes into *out (arena memory). params, a
 * list of normalised AttributeValues or NULL, gives the '?' values in
 * order. Returns NB_OK, or NB_EINVAL with *err set to DynamoDB's message,
 * or NB_ENOMEM. */
int ddb_pq_parse(nb_arena *a, const char *text, size_t len, const nb_value *params, ddb_pq *out,
                 const char **err);

#endif
