/*
 * ddb_expr.c: DynamoDB's expression language: condition, key condition,
 * filter, projection and update expressions. A hand-written lexer turns
 * the text into tokens, a recursive-descent parser builds a tree in the
 * call's arena and records the semantic errors DynamoDB reports (in the
 * order DynamoDB reports them); evaluation walks the tree over an item.
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * Expressions.OperatorsAndFunctions.html and Expressions.UpdateExpressions
 * .html. Messages: dynalite db/{condition,update,projection}Parser.pegjs
 * and validations/index.js, whose tests were recorded against DynamoDB.
 * Syntax errors take AWS's form 'Syntax error; token: "<tok>", near:
 * "<prev tok next>"'.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_expr.h"
#include "ddb_int.h"

static int
ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int
lex(nb_arena *a, const char *s, tok **out, int *n)
{
    size_t len = strlen(s), i = 0;
    tok *v = nb_arena_alloc(a, (len + 2) * sizeof(tok));
    int k = 0;
    if (!v)
        return NB_ENOMEM;
    while (i < len) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        tok t = {T_BAD, s + i, 1};
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '#' || c == ':') {
            size_t j = i + 1;
            while (j < len && ident_char(s[j]))
                j++;
            t.t = c == '#' ? T_HNAME : c == ':' ? T_VALUE : T_NAME;
            t.len = j - i;
        } else if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < len && s[j] >= '0' && s[j] <= '9')
                j++;
            t.t = T_INT;
            t.len = j - i;
        } else if (c == '<' && i + 1 < len && (s[i + 1] == '>' || s[i + 1] == '=')) {
            t.t = s[i + 1] == '>' ? T_NE : T_LE;
            t.len = 2;
        } else if (c == '>' && i + 1 < len && s[i + 1] == '=') {
            t.t = T_GE;
            t.len = 2;
        } else {
            static const char single[] = "=<>()[],.+-";
            static const int types[] = {T_EQ, T_LT,    T_GT,  T_LP,   T_RP,   T_LB,
                                        T_RB, T_COMMA, T_DOT, T_PLUS, T_MINUS};
            const char *f = strchr(single, c);
            if (f && c)
                t.t = types[f - single];
            else /* a whole UTF-8 character */
                while (i + t.len < len && ((unsigned char)s[i + t.len] & 0xc0) == 0x80)
                    t.len++;
        }
        v[k++] = t;
        i += t.len;
    }
    v[k] = (tok){T_EOF, s + len, 0};
    *out = v;
    *n = k + 1;
    return NB_OK;
}

/* ---- parser state ------------------------------------------------------------ */

enum {
    E_UNKFN,
    E_MISUSED,
    E_RESERVED,
    E_SECTION,
    E_NAME,
    E_VALUE,
    E_OVERLAP,
    E_CONFLICT,
    E_OPERAND,
    E_DISTINCT,
    E_FUNCTION,
    E_MAX
};

typedef struct P {
    ddb_expr_ctx *cx;       /* names, values, call */
    nb_arena *a;            /* the call's arena */
    int kind;               /* DDB_EXPR_* */
    tok *t;                 /* tokens */
    int nt;                 /* their number */
    int i;                  /* next token */
    const char *syntax;     /* syntax error message, once one is found */
    const char *err[E_MAX]; /* first semantic error of each kind */
    node **paths;           /* update/projection paths for overlap checks */
    int npaths;             /* their number */
    int sections;           /* update sections seen (bits) */
} P;

static void
seterr(P *p, int e, const char *msg)
{
    if (!p->err[e])
        p->err[e] = msg ? msg : "";
}

static const char *
tok_text(P *p, const tok *t)
{
    if (t->t == T_EOF)
        return "<EOF>";
    return nb_arena_strndup(p->a, t->p, t->len);
}

/* AWS: 'Syntax error; token: "x", near: "a x b"': the token with its
 * neighbours as written. */
static int
syntax(P *p)
{
    if (p->syntax)
        return NB_EINVAL;
    int i = p->i < p->nt ? p->i : p->nt - 1;
    const tok *t = &p->t[i];
    const tok *first = i > 0 ? &p->t[i - 1] : t;
    const tok *last = t->t != T_EOF && i + 1 < p->nt ? &p->t[i + 1] : t;
    const char *end = last->p + last->len;
    p->syntax = nb_arena_printf(p->a, "Syntax error; token: \"%s\", near: \"%.*s\"", tok_text(p, t),
                                (int)(end - first->p), first->p);
    return NB_EINVAL;
}

static const tok *
peek(P *p)
{
    return &p->t[p->i];
}

static int
is_kw(const tok *t, const char *kw)
{
    return t->t == T_NAME && t->len == strlen(kw) && strncasecmp(t->p, kw, t->len) == 0;
}

static int
accept(P *p, int type)
{
    if (p->t[p->i].t != type)
        return 0;
    p->i++;
    return 1;
}

static int
expect(P *p, int type)
{
    return accept(p, type) ? NB_OK : syntax(p);
}

static node *
new_node(P *p, int k)
{
    node *n = nb_arena_zalloc(p->a, sizeof(node));
    if (n)
        n->k = k;
    return n;
}

/* The entry of map named by t; marks it used. */
static const nb_value *
lookup(const nb_value *map, uint8_t *used, const tok *t)
{
    int pos = 0;
    for (const nb_value *c = nb_first(map); c; c = c->next, pos++) {
        if (c->klen == t->len && memcmp(c->key, t->p, t->len) == 0) {
            if (pos < 256)
                used[pos] = 1;
            return c;
        }
    }
    return NULL;
}

static const char *const kwords[] = {"AND", "OR", "NOT", "BETWEEN", "IN"};

static int
is_reserved_kw(const tok *t)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(kwords); i++)
        if (is_kw(t, kwords[i]))
            return 1;
    return 0;
}

/* One name element of a path: an identifier or #name. */
static int
path_name(P *p, pel *e)
{
    const tok *t = peek(p);
    if (t->t == T_NAME && !is_reserved_kw(t)) {
        if (ddb_reserved(t->p, t->len))
            seterr(p, E_RESERVED,
                   nb_arena_printf(p->a,
                                   "Attribute name is a reserved keyword; reserved "
                                   "keyword: %.*s",
                                   (int)t->len, t->p));
        e->name = t->p;
        e->len = t->len;
    } else if (t->t == T_HNAME) {
        const nb_value *v = lookup(p->cx->names, p->cx->used_names, t);
        if (!v) {
            seterr(p, E_NAME,
                   nb_arena_printf(p->a,
                                   "An expression attribute name used in the document "
                                   "path is not defined; attribute name: %.*s",
                                   (int)t->len, t->p));
            e->name = t->p;
            e->len = t->len;
        } else {
            e->name = v->type == NB_V_STR ? v->u.s.p : "";
            e->len = v->type == NB_V_STR ? v->u.s.len : 0;
        }
    } else {
        return syntax(p);
    }
    p->i++;
    return NB_OK;
}

static int
parse_path(P *p, node **out)
{
    pel buf[64];
    int n = 0, rc;
    if ((rc = path_name(p, &buf[n++])))
        return rc;
    for (;;) {
        if (n == (int)NB_ARRAY_LEN(buf))
            return syntax(p);
        if (accept(p, T_DOT)) {
            if ((rc = path_name(p, &buf[n++])))
                return rc;
        } else if (accept(p, T_LB)) {
            const tok *t = peek(p);
            if (t->t != T_INT)
                return syntax(p);
            long v = 0;
            for (size_t i = 0; i < t->len && v < 100000000; i++)
                v = v * 10 + (t->p[i] - '0');
            p->i++;
            buf[n++] = (pel){NULL, 0, v};
            if ((rc = expect(p, T_RB)))
                return rc;
        } else {
            break;
        }
    }
    node *nd = new_node(p, K_PATH);
    if (!nd || !(nd->path = nb_arena_alloc(p->a, (size_t)n * sizeof(pel))))
        return NB_ENOMEM;
    memcpy(nd->path, buf, (size_t)n * sizeof(pel));
    nd->np = n;
    *out = nd;
    return NB_OK;
}

static int
parse_value(P *p, node **out)
{
    const tok *t = peek(p);
    node *nd = new_node(p, K_VAL);
    if (!nd)
        return NB_ENOMEM;
    nd->val = lookup(p->cx->values, p->cx->used_values, t);
    if (!nd->val)
        seterr(p, p->kind == DDB_EXPR_UPDATE ? E_VALUE : E_NAME,
               nb_arena_printf(p->a,
                               "An expression attribute value used in expression is not "
                               "defined; attribute value: %.*s",
                               (int)t->len, t->p));
    else
        nd->type = ddb_av_type(nd->val, NULL);
    p->i++;
    *out = nd;
    return NB_OK;
}

static const char *
path_str(P *p, const node *n)
{
    nb_buf b;
    nb_buf_init(&b, 1 << 16);
    nb_buf_addc(&b, '[');
    for (int i = 0; i < n->np; i++) {
        if (i)
            nb_buf_adds(&b, ", ");
        if (n->path[i].name)
            nb_buf_add(&b, n->path[i].name, n->path[i].len);
        else
            nb_buf_addf(&b, "[%ld]", n->path[i].idx);
    }
    nb_buf_addc(&b, ']');
    char *s = nb_arena_strndup(p->a, b.p ? b.p : "[]", b.len);
    nb_buf_free(&b);
    return s;
}

static int
same_path(const node *a, const node *b)
{
    if (a->k != K_PATH || b->k != K_PATH || a->np != b->np)
        return 0;
    for (int i = 0; i < a->np; i++) {
        const pel *x = &a->path[i], *y = &b->path[i];
        if (!x->name != !y->name ||
            (x->name ? x->len != y->len || memcmp(x->name, y->name, x->len) : x->idx != y->idx))
            return 0;
    }
    return 1;
}

/* Update and projection paths may not overlap or conflict. */
static void
check_overlap(P *p, node *path)
{
    for (int j = 0; j < p->npaths && !p->err[E_OVERLAP]; j++) {
        const node *o = p->paths[j];
        int i, n = o->np < path->np ? o->np : path->np, diff = 0;
        for (i = 0; i < n; i++) {
            const pel *x = &o->path[i], *y = &path->path[i];
            if (!x->name != !y->name) {
                seterr(p, E_CONFLICT,
                       nb_arena_printf(p->a,
                                       "Two document paths conflict with each other; must "
                                       "remove or rewrite one of these paths; path one: "
                                       "%s, path two: %s",
                                       path_str(p, o), path_str(p, path)));
                diff = 1;
                break;
            }
            if (x->name ? x->len != y->len || memcmp(x->name, y->name, x->len) : x->idx != y->idx) {
                diff = 1;
                break;
            }
        }
        if (!diff)
            seterr(p, E_OVERLAP,
                   nb_arena_printf(p->a,
                                   "Two document paths overlap with each other; must "
                                   "remove or rewrite one of these paths; path one: %s, "
                                   "path two: %s",
                                   path_str(p, o), path_str(p, path)));
    }
    node **np = nb_arena_alloc(p->a, (size_t)(p->npaths + 1) * sizeof(node *));
    if (!np)
        return;
    if (p->npaths)
        memcpy(np, p->paths, (size_t)p->npaths * sizeof(node *));
    np[p->npaths++] = path;
    p->paths = np;
}

/* ---- conditions ------------------------------------------------------------------ */

static int parse_operand(P *p, node **out);
static int parse_or(P *p, node **out);

static const char *
fn_err(P *p, const char *what, const char *fn, const char *extra)
{
    return nb_arena_printf(p->a, "%s; operator or function: %s%s", what, fn, extra ? extra : "");
}

/* Checks a condition function's operands (dynalite checkFunction). */
static void
check_cond_fn(P *p, node *f)
{
    static const struct {
        const char *name;
        int n;
    } fns[] = {{"attribute_exists", 1}, {"attribute_not_exists", 1},
               {"attribute_type", 2},   {"begins_with", 2},
               {"contains", 2},         {"size", 1}};
    int want = -1;
    for (size_t i = 0; i < NB_ARRAY_LEN(fns); i++)
        if (strcmp(f->fn, fns[i].name) == 0)
            want = fns[i].n;
    if (want < 0) {
        seterr(p, E_UNKFN, nb_arena_printf(p->a, "Invalid function name; function: %s", f->fn));
        return;
    }
    if (want != f->na) {
        seterr(p, E_OPERAND,
               fn_err(p, "Incorrect number of operands for operator or function", f->fn,
                      nb_arena_printf(p->a, ", number of operands: %d", f->na)));
        return;
    }
    if (f->na == 2 && same_path(f->args[0], f->args[1]))
        seterr(p, E_DISTINCT,
               nb_arena_printf(p->a,
                               "The first operand must be distinct from the remaining "
                               "operands for this operator or function; operator: %s, "
                               "first operand: %s",
                               f->fn, path_str(p, f->args[0])));
    f->type = DDB_BOOL;
    if (strncmp(f->fn, "attribute_", 10) == 0 && strcmp(f->fn, "attribute_type") != 0) {
        if (f->args[0]->k != K_PATH)
            seterr(p, E_FUNCTION,
                   fn_err(p, "Operator or function requires a document path", f->fn, NULL));
    } else if (strcmp(f->fn, "begins_with") == 0) {
        for (int i = 0; i < 2; i++) {
            ddb_type t = f->args[i]->type;
            if (t && t != DDB_S && t != DDB_B)
                seterr(p, E_FUNCTION,
                       fn_err(p, "Incorrect operand type for operator or function", f->fn,
                              nb_arena_printf(p->a, ", operand type: %s", ddb_type_name(t))));
        }
    } else if (strcmp(f->fn, "attribute_type") == 0) {
        ddb_type t = f->args[1]->type;
        const nb_value *v;
        if (t != DDB_S) {
            seterr(
                p, E_FUNCTION,
                fn_err(p, "Incorrect operand type for operator or function", f->fn,
                       nb_arena_printf(p->a, ", operand type: %s",
                                       t ? ddb_type_name(t) : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")));
        } else if (ddb_av_type(f->args[1]->val, &v), !ddb_type_from(v->u.s.p)) {
            seterr(p, E_FUNCTION,
                   nb_arena_printf(p->a,
                                   "Invalid attribute type name found; type: %s, valid "
                                   "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
                                   v->u.s.p));
        }
    } else if (strcmp(f->fn, "size") == 0) {
        ddb_type t = f->args[0]->type;
        if (t == DDB_N || t == DDB_BOOL || t == DDB_NULL)
            seterr(p, E_FUNCTION,
                   fn_err(p, "Incorrect operand type for operator or function", f->fn,
                          nb_arena_printf(p->a, ", operand type: %s", ddb_type_name(t))));
        f->type = DDB_N;
    }
}

/* A function call: name '(' operands ')'. */
static int
parse_fn(P *p, node **out, int update)
{
    const tok *t = peek(p);
    node *f = new_node(p, K_FN);
    node *args[16];
    int rc;
    if (!f)
        return NB_ENOMEM;
    f->fn = nb_arena_strndup(p->a, t->p, t->len);
    p->i += 2; /* name ( */
    do {
        if (f->na == (int)NB_ARRAY_LEN(args))
            return syntax(p);
        if ((rc = parse_operand(p, &args[f->na])))
            return rc;
        f->na++;
    } while (accept(p, T_COMMA));
    if ((rc = expect(p, T_RP)))
        return rc;
    f->args = nb_arena_alloc(p->a, (size_t)f->na * sizeof(node *));
    if (!f->args)
        return NB_ENOMEM;
    memcpy(f->args, args, (size_t)f->na * sizeof(node *));
    if (!update)
        check_cond_fn(p, f);
    *out = f;
    return NB_OK;
}

static int parse_update_value(P *p, node **out);

/* An operand: a path, a value, a function, or one of them in parentheses. */
static int
parse_operand(P *p, node **out)
{
    const tok *t = peek(p);
    int rc;
    if (t->t == T_LP) {
        p->i++;
        if ((rc = parse_operand(p, out)))
            return rc;
        return expect(p, T_RP);
    }
    if (t->t == T_VALUE)
        return parse_value(p, out);
    if (t->t == T_NAME && p->t[p->i + 1].t == T_LP && !is_reserved_kw(t)) {
        if (p->kind == DDB_EXPR_UPDATE)
            return parse_update_value(p, out);
        return parse_fn(p, out, 0);
    }
    if (t->t == T_NAME || t->t == T_HNAME)
        return parse_path(p, out);
    return syntax(p);
}

static void
misused(P *p, node *n)
{
    if (n->k == K_FN && strcmp(n->fn, "size") != 0)
        seterr(p, E_MISUSED,
               nb_arena_printf(p->a,
                               "The function is not allowed to be used this way in an "
                               "expression; function: %s",
                               n->fn));
}

static int
cmp_tok(int t)
{
    return t == T_EQ || t == T_NE || t == T_LT || t == T_LE || t == T_GT || t == T_GE;
}

static const char *
cmp_name(int t)
{
    switch (t) {
    case T_EQ:
        return "=";
    case T_NE:
        return "<>";
    case T_LT:
        return "<";
    case T_LE:
        return "<=";
    case T_GT:
        return ">";
    default:
        return ">=";
    }
}

static node *
node2(P *p, int k, int na, node *a, node *b, node *c)
{
    node *n = new_node(p, k);
    if (!n || !(n->args = nb_arena_alloc(p->a, 3 * sizeof(node *))))
        return NULL;
    n->args[0] = a, n->args[1] = b, n->args[2] = c;
    n->na = na;
    return n;
}

static void
check_between(P *p, node *lo, node *hi)
{
    if (!lo->val || !hi->val || lo->k != K_VAL || hi->k != K_VAL)
        return;
    const char *l = ddb_av_text(p->a, lo->val), *h = ddb_av_text(p->a, hi->val);
    if (lo->type != hi->type)
        seterr(p, E_FUNCTION,
               nb_arena_printf(p->a,
                               "The BETWEEN operator requires same data type for lower and "
                               "upper bounds; lower bound operand: AttributeValue: %s, upper "
                               "bound operand: AttributeValue: %s",
                               l, h));
    else if (ddb_av_cmp(lo->val, hi->val) == 1)
        seterr(p, E_FUNCTION,
               nb_arena_printf(p->a,
                               "The BETWEEN operator requires upper bound to be greater "
                               "than or equal to lower bound; lower bound operand: "
                               "AttributeValue: %s, upper bound operand: AttributeValue: %s",
                               l, h));
}

/* operand (comparator operand | BETWEEN operand AND operand | IN (list)) or
 * a function standing alone. */
static int
parse_comparison(P *p, node **out)
{
    node *x, *y, *z;
    int rc = parse_operand(p, &x);
    if (rc)
        return rc;
    const tok *t = peek(p);
    if (cmp_tok(t->t)) {
        int op = t->t;
        p->i++;
        if ((rc = parse_operand(p, &y)))
            return rc;
        misused(p, x), misused(p, y);
        if (same_path(x, y))
            seterr(p, E_DISTINCT,
                   nb_arena_printf(p->a,
                                   "The first operand must be distinct from the remaining "
                                   "operands for this operator or function; operator: %s, "
                                   "first operand: %s",
                                   cmp_name(op), path_str(p, x)));
        *out = node2(p, K_CMP, 2, x, y, NULL);
        if (*out)
            (*out)->op = op;
        return *out ? NB_OK : NB_ENOMEM;
    }
    if (is_kw(t, "BETWEEN")) {
        p->i++;
        if ((rc = parse_operand(p, &y)))
            return rc;
        if (!is_kw(peek(p), "AND"))
            return syntax(p);
        p->i++;
        if ((rc = parse_operand(p, &z)))
            return rc;
        misused(p, x), misused(p, y), misused(p, z);
        check_between(p, y, z);
        *out = node2(p, K_BETWEEN, 3, x, y, z);
        return *out ? NB_OK : NB_ENOMEM;
    }
    if (is_kw(t, "IN")) {
        node *args[101];
        int n = 0;
        p->i++;
        if ((rc = expect(p, T_LP)))
            return rc;
        args[n++] = x;
        do {
            if (n == (int)NB_ARRAY_LEN(args))
                return syntax(p);
            if ((rc = parse_operand(p, &args[n])))
                return rc;
            misused(p, args[n++]);
        } while (accept(p, T_COMMA));
        if ((rc = expect(p, T_RP)))
            return rc;
        misused(p, x);
        node *in = new_node(p, K_IN);
        if (!in || !(in->args = nb_arena_alloc(p->a, (size_t)n * sizeof(node *))))
            return NB_ENOMEM;
        memcpy(in->args, args, (size_t)n * sizeof(node *));
        in->na = n;
        *out = in;
        return NB_OK;
    }
    if (x->k != K_FN)
        return syntax(p);
    if (strcmp(x->fn, "size") == 0)
        misused(p, x), seterr(p, E_MISUSED,
                              "The function is not allowed to be used this way in an expression; "
                              "function: size");
    *out = x;
    return NB_OK;
}

static int
parse_primary(P *p, node **out)
{
    if (peek(p)->t == T_LP) {
        /* a condition in parentheses, or an operand in them: try the first */
        P save = *p;
        p->i++;
        int rc = parse_or(p, out);
        if (rc == NB_OK && accept(p, T_RP))
            return NB_OK;
        if (rc == NB_ENOMEM)
            return rc;
        *p = save;
    }
    return parse_comparison(p, out);
}

static int
parse_not(P *p, node **out)
{
    if (is_kw(peek(p), "NOT")) {
        node *x;
        p->i++;
        int rc = parse_not(p, &x);
        if (rc)
            return rc;
        *out = node2(p, K_NOT, 1, x, NULL, NULL);
        return *out ? NB_OK : NB_ENOMEM;
    }
    return parse_primary(p, out);
}

static int
parse_and(P *p, node **out)
{
    node *x, *y;
    int rc = parse_not(p, &x);
    while (!rc && is_kw(peek(p), "AND")) {
        p->i++;
        if ((rc = parse_not(p, &y)))
            break;
        if (!(x = node2(p, K_AND, 2, x, y, NULL)))
            return NB_ENOMEM;
    }
    *out = x;
    return rc;
}

static int
parse_or(P *p, node **out)
{
    node *x, *y;
    int rc = parse_and(p, &x);
    while (!rc && is_kw(peek(p), "OR")) {
        p->i++;
        if ((rc = parse_and(p, &y)))
            break;
        if (!(x = node2(p, K_OR, 2, x, y, NULL)))
            return NB_ENOMEM;
    }
    *out = x;
    return rc;
}

/* ---- updates ------------------------------------------------------------------- */

static void
check_update_fn(P *p, node *f)
{
    int want = -1;
    if (strcmp(f->fn, "if_not_exists") == 0 || strcmp(f->fn, "list_append") == 0)
        want = 2;
    if (want < 0) {
        seterr(p, E_UNKFN, nb_arena_printf(p->a, "Invalid function name; function: %s", f->fn));
        return;
    }
    if (f->na != want) {
        seterr(p, E_FUNCTION,
               fn_err(p, "Incorrect number of operands for operator or function", f->fn,
                      nb_arena_printf(p->a, ", number of operands: %d", f->na)));
        return;
    }
    if (f->fn[0] == 'i') {
        if (f->args[0]->k != K_PATH)
            seterr(p, E_FUNCTION,
                   fn_err(p, "Operator or function requires a document path", f->fn, NULL));
        f->type = f->args[1]->type;
        return;
    }
    for (int i = 0; i < 2; i++) {
        ddb_type t = f->args[i]->k == K_VAL ? f->args[i]->type : DDB_NONE;
        if (t && t != DDB_L)
            seterr(p, E_FUNCTION,
                   fn_err(p, "Incorrect operand type for operator or function", f->fn,
                          nb_arena_printf(p->a, ", operand type: %s", ddb_type_name(t))));
    }
    f->type = DDB_L;
}

/* An update operand: path, value, or if_not_exists / list_append call. */
static int
parse_update_operand(P *p, node **out)
{
    const tok *t = peek(p);
    int rc;
    if (t->t == T_NAME && p->t[p->i + 1].t == T_LP) {
        if ((rc = parse_fn(p, out, 1)))
            return rc;
        check_update_fn(p, *out);
        return NB_OK;
    }
    if (t->t == T_VALUE)
        return parse_value(p, out);
    if (t->t == T_NAME || t->t == T_HNAME)
        return parse_path(p, out);
    return syntax(p);
}

/* operand [(+|-) operand] */
static int
parse_update_value(P *p, node **out)
{
    node *x, *y;
    int rc = parse_update_operand(p, &x);
    if (rc)
        return rc;
    int op = peek(p)->t;
    if (op != T_PLUS && op != T_MINUS) {
        *out = x;
        return NB_OK;
    }
    p->i++;
    if ((rc = parse_update_operand(p, &y)))
        return rc;
    node *n = node2(p, K_ARITH, 2, x, y, NULL);
    if (!n)
        return NB_ENOMEM;
    n->op = op;
    n->type = DDB_N;
    for (int i = 0; i < 2; i++) {
        ddb_type t = n->args[i]->k == K_VAL ? n->args[i]->type : DDB_NONE;
        if (t && t != DDB_N)
            seterr(p, E_FUNCTION,
                   fn_err(p, "Incorrect operand type for operator or function",
                          op == T_PLUS ? "+" : "-",
                          nb_arena_printf(p->a, ", operand type: %s", ddb_type_name(t))));
    }
    *out = n;
    return NB_OK;
}

static const char *
type_word(ddb_type t)
{
    switch (t) {
    case DDB_S:
        return "STRING";
    case DDB_N:
        return "NUMBER";
    case DDB_B:
        return "BINARY";
    case DDB_NULL:
        return "NULL";
    case DDB_BOOL:
        return "BOOLEAN";
    case DDB_L:
        return "LIST";
    case DDB_M:
        return "MAP";
    default:
        return NULL;
    }
}

static int
parse_actions(P *p, int sec, act **acts, int *nacts, int *cap)
{
    int rc;
    do {
        act a = {sec, NULL, NULL};
        if ((rc = parse_path(p, &a.path)))
            return rc;
        check_overlap(p, a.path);
        if (sec == S_SET) {
            if ((rc = expect(p, T_EQ)) || (rc = parse_update_value(p, &a.val)))
                return rc;
        } else if (sec == S_ADD || sec == S_DELETE) {
            if (peek(p)->t != T_VALUE)
                return syntax(p);
            if ((rc = parse_value(p, &a.val)))
                return rc;
            const char *w = type_word(a.val->type);
            if (w && !(sec == S_ADD && a.val->type == DDB_N))
                seterr(p, E_OPERAND,
                       nb_arena_printf(p->a,
                                       "Incorrect operand type for operator or function; "
                                       "operator: %s, operand type: %s",
                                       sec == S_ADD ? "ADD" : "DELETE", w));
        }
        if (*nacts == *cap) {
            int ncap = *cap ? *cap * 2 : 8;
            act *n = nb_arena_alloc(p->a, (size_t)ncap * sizeof(act));
            if (!n)
                return NB_ENOMEM;
            if (*nacts)
                memcpy(n, *acts, (size_t)*nacts * sizeof(act));
            *acts = n;
            *cap = ncap;
        }
        (*acts)[(*nacts)++] = a;
    } while (accept(p, T_COMMA));
    return NB_OK;
}

static int
parse_update(P *p, ddb_expr *e)
{
    static const char *const secs[] = {"SET", "REMOVE", "ADD", "DELETE"};
    int cap = 0, rc;
    do {
        const tok *t = peek(p);
        int sec = -1;
        for (int i = 0; i < 4; i++)
            if (is_kw(t, secs[i]))
                sec = i;
        if (sec < 0)
            return syntax(p);
        if (p->sections & (1 << sec))
            seterr(p, E_SECTION,
                   nb_arena_printf(p->a,
                                   "The \"%s\" section can only be used once in an update "
                                   "expression;",
                                   secs[sec]));
        p->sections |= 1 << sec;
        p->i++;
        if ((rc = parse_actions(p, sec, &e->acts, &e->nacts, &cap)))
            return rc;
    } while (peek(p)->t != T_EOF);
    return NB_OK;
}

static int
parse_projection(P *p, ddb_expr *e)
{
    node *buf[256];
    int rc;
    do {
        if (e->npaths == (int)NB_ARRAY_LEN(buf))
            return syntax(p);
        if ((rc = parse_path(p, &buf[e->npaths])))
            return rc;
        check_overlap(p, buf[e->npaths++]);
    } while (accept(p, T_COMMA));
    e->paths = nb_arena_alloc(p->a, (size_t)e->npaths * sizeof(node *));
    if (!e->paths)
        return NB_ENOMEM;
    memcpy(e->paths, buf, (size_t)e->npaths * sizeof(node *));
    return NB_OK;
}

static const char *const kind_names[] = {"ConditionExpression", "KeyConditionExpression",
                                         "FilterExpression", "ProjectionExpression",
                                         "UpdateExpression"};

/* The first semantic error, in the order DynamoDB checks them. */
static const char *
first_error(P *p)
{
    static const int cond[] = {E_UNKFN,   E_MISUSED,  E_RESERVED, E_NAME,
                               E_OPERAND, E_DISTINCT, E_FUNCTION};
    static const int upd[] = {E_RESERVED, E_UNKFN,    E_SECTION, E_NAME,    E_VALUE,
                              E_OVERLAP,  E_CONFLICT, E_OPERAND, E_FUNCTION};
    static const int proj[] = {E_RESERVED, E_NAME, E_OVERLAP, E_CONFLICT};
    const int *order = cond;
    size_t n = NB_ARRAY_LEN(cond);
    if (p->kind == DDB_EXPR_UPDATE)
        order = upd, n = NB_ARRAY_LEN(upd);
    else if (p->kind == DDB_EXPR_PROJECTION)
        order = proj, n = NB_ARRAY_LEN(proj);
    for (size_t i = 0; i < n; i++)
        if (p->err[order[i]])
            return p->err[order[i]];
    return NULL;
}

int
ddb_expr_parse(ddb_expr_ctx *cx, int kind, const char *text, ddb_expr **out)
{
    nb_call *call = cx->call;
    P p = {0};
    ddb_expr *e = nb_arena_zalloc(call->arena, sizeof(*e));
    int rc;
    if (!e)
        return NB_ENOMEM;
    if (!text[0]) /* AWS: dynalite validations parse() */
        return nb_fail(call, "ValidationException", "Invalid %s: The expression can not be empty;",
                       kind_names[kind]);
    p.cx = cx;
    p.a = call->arena;
    p.kind = kind;
    if ((rc = lex(call->arena, text, &p.t, &p.nt)))
        return rc;
    e->kind = kind;
    if (kind == DDB_EXPR_UPDATE)
        rc = parse_update(&p, e);
    else if (kind == DDB_EXPR_PROJECTION)
        rc = parse_projection(&p, e);
    else
        rc = parse_or(&p, &e->root);
    if (!rc && peek(&p)->t != T_EOF)
        rc = syntax(&p);
    if (rc == NB_ENOMEM)
        return rc;
    if (!rc && kind != DDB_EXPR_UPDATE && kind != DDB_EXPR_PROJECTION && e->root->k == K_FN &&
        strcmp(e->root->fn, "size") == 0)
        misused(&p, e->root);
    const char *msg = p.syntax ? p.syntax : first_error(&p);
    if (msg)
        return nb_fail(call, "ValidationException", "Invalid %s: %s", kind_names[kind], msg);
    *out = e;
    return NB_OK;
}

static int
key_ok(const char *k, size_t len, char lead)
{
    if (len < 2 || k[0] != lead)
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!ident_char(k[i]))
            return 0;
    return 1;
}

/* AWS: dynalite validations validateExpressions. */
int
ddb_expr_check_maps(ddb_expr_ctx *cx)
{
    nb_call *call = cx->call;
    if (cx->names && !nb_first(cx->names))
        return nb_fail(call, "ValidationException", "ExpressionAttributeNames must not be empty");
    for (const nb_value *c = nb_first(cx->names); c; c = c->next)
        if (!key_ok(c->key, c->klen, '#'))
            return nb_fail(call, "ValidationException",
                           "ExpressionAttributeNames contains invalid key: Syntax error; key: "
                           "\"%s\"",
                           c->key);
    if (cx->values && !nb_first(cx->values))
        return nb_fail(call, "ValidationException", "ExpressionAttributeValues must not be empty");
    for (const nb_value *c = nb_first(cx->values); c; c = c->next)
        if (!key_ok(c->key, c->klen, ':'))
            return nb_fail(call, "ValidationException",
                           "ExpressionAttributeValues contains invalid key: Syntax error; key: "
                           "\"%s\"",
                           c->key);
    return NB_OK;
}

static int
unused(ddb_expr_ctx *cx, const nb_value *map, const uint8_t *used, const char *what)
{
    nb_buf b;
    int pos = 0, any = 0;
    nb_buf_init(&b, 1 << 16);
    for (const nb_value *c = nb_first(map); c; c = c->next, pos++) {
        if (pos < 256 && used[pos])
            continue;
        nb_buf_adds(&b, any++ ? ", " : "");
        nb_buf_add(&b, c->key, c->klen);
    }
    int rc = NB_OK;
    if (any)
        rc = nb_fail(cx->call, "ValidationException",
                     "Value provided in %s unused in expressions: keys: {%.*s}", what, (int)b.len,
                     b.p);
    nb_buf_free(&b);
    return rc;
}

int
ddb_expr_check_unused(ddb_expr_ctx *cx)
{
    int rc = unused(cx, cx->names, cx->used_names, "ExpressionAttributeNames");
    return rc ? rc : unused(cx, cx->values, cx->used_values, "ExpressionAttributeValues");
}
