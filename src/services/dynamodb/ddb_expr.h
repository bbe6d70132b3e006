/*
 * ddb_expr.h: private to ddb_expr.c (the parser) and ddb_expr_eval.c (the
 * evaluator): the tokens and the tree of a parsed expression.
 */
#ifndef NB_DDB_EXPR_H
#define NB_DDB_EXPR_H

#include "ddb_int.h"

enum {
    T_EOF,
    T_NAME,
    T_HNAME, /* #name */
    T_VALUE, /* :value */
    T_INT,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_LP,
    T_RP,
    T_LB,
    T_RB,
    T_COMMA,
    T_DOT,
    T_PLUS,
    T_MINUS,
    T_BAD,
};

typedef struct tok {
    int t;         /* T_* */
    const char *p; /* its text */
    size_t len;    /* bytes */
} tok;

enum { K_PATH, K_VAL, K_FN, K_CMP, K_BETWEEN, K_IN, K_AND, K_OR, K_NOT, K_ARITH };

typedef struct pel {
    const char *name; /* attribute name, or NULL for a list index */
    size_t len;       /* bytes of name */
    long idx;         /* list index when name is NULL */
} pel;

typedef struct node node;
struct node {
    int k;               /* K_* */
    int op;              /* comparator token, or T_PLUS/T_MINUS */
    const char *fn;      /* K_FN: function name */
    pel *path;           /* K_PATH: elements */
    int np;              /* their number */
    const nb_value *val; /* K_VAL: the AttributeValue */
    node **args;         /* operands */
    int na;              /* their number */
    ddb_type type;       /* static type when known (values, functions) */
};

enum { S_SET, S_REMOVE, S_ADD, S_DELETE };

typedef struct act {
    int sec;    /* S_* */
    node *path; /* target */
    node *val;  /* operand (SET, ADD, DELETE) */
} act;

struct ddb_expr {
    int kind;     /* DDB_EXPR_* */
    node *root;   /* conditions */
    act *acts;    /* updates */
    int nacts;    /* their number */
    node **paths; /* projection paths */
    int npaths;   /* their number */
};

#endif
