/*
 * ddb_partiql.c: a hand-written lexer and recursive-descent parser for the
 * PartiQL subset DynamoDB accepts:
 *
 *   SELECT * | path, ... FROM table[."index"] [WHERE cond] [ORDER BY k [ASC|DESC]]
 *   INSERT INTO table VALUE {'attr': value, ...}
 *   UPDATE table SET path = v [, ...] | REMOVE path [, ...] ... WHERE cond
 *       [RETURNING ALL|MODIFIED OLD|NEW *]
 *   DELETE FROM table WHERE cond [RETURNING ALL OLD *]
 *
 * Conditions (=, <>, !=, <, <=, >, >=, BETWEEN, IN, IS [NOT] MISSING,
 * IS [NOT] NULL, begins_with, contains, attribute_type, size, AND, OR,
 * NOT) become ddb_expr.h condition trees; SET and REMOVE become update
 * actions (a + b, a - b, list_append, set_add, set_delete); literals
 * ('text', numbers, TRUE, FALSE, NULL, [lists], {maps}, <<sets>>) and
 * '?' parameters become AttributeValues in the arena. The parser needs no
 * call: it returns DynamoDB's message, and the caller fails the call.
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * ql-reference.html. Error wording: DynamoDB answers syntax errors with
 * "Statement wasn't well formed, can't be processed: <detail>", and a
 * statement that starts with no DML keyword with the detail "Expected data
 * manipulation" (aws-sdk-for-javascript-v3 issue 98; dynoxide PR 149,
 * checked against DynamoDB).
 */
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/value.h"
#include "ddb_partiql.h"

#define BAD "Statement wasn't well formed, can't be processed: "

enum { Q_EOF, Q_IDENT, Q_QIDENT, Q_STR, Q_NUM, Q_PARAM, Q_PUNCT, Q_BAD };

typedef struct qtok {
    int t;         /* Q_* */
    const char *p; /* its text in the statement */
    size_t len;    /* bytes */
} qtok;

typedef struct Q {
    nb_arena *a;         /* where everything goes */
    const char *s;       /* the statement */
    size_t len;          /* its bytes */
    size_t pos;          /* next byte to lex */
    qtok cur;            /* current token */
    const nb_value *par; /* first parameter value, then the next */
    int npar;            /* '?' seen */
    int depth;           /* nesting now */
    const char *err;     /* first error */
} Q;

/* ---- lexer ---------------------------------------------------------------------- */

static int
id_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
id_char(char c)
{
    return id_start(c) || (c >= '0' && c <= '9');
}

static int
digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A quoted run from s[i] (the quote) to its closing quote; a doubled
 * quote stands for one. Returns the length with quotes, or 0 when open. */
static size_t
quoted(const char *s, size_t len, size_t i)
{
    char q = s[i];
    for (size_t j = i + 1; j < len; j++) {
        if (s[j] != q)
            continue;
        if (j + 1 < len && s[j + 1] == q) {
            j++;
            continue;
        }
        return j + 1 - i;
    }
    return 0;
}

static void
next(Q *q)
{
    const char *s = q->s;
    size_t i = q->pos;
    while (i < q->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    qtok t = {Q_EOF, s + i, 0};
    if (i >= q->len) {
        q->cur = t;
        q->pos = i;
        return;
    }
    char c = s[i];
    if (id_start(c)) {
        size_t j = i + 1;
        while (j < q->len && id_char(s[j]))
            j++;
        t.t = Q_IDENT, t.len = j - i;
    } else if (c == '"' || c == '\'') {
        t.len = quoted(s, q->len, i);
        t.t = t.len ? (c == '"' ? Q_QIDENT : Q_STR) : Q_BAD;
        if (!t.len)
            t.len = q->len - i;
    } else if (digit(c) || (c == '.' && i + 1 < q->len && digit(s[i + 1]))) {
        size_t j = i;
        while (j < q->len && digit(s[j]))
            j++;
        if (j < q->len && s[j] == '.')
            for (j++; j < q->len && digit(s[j]); j++)
                ;
        if (j < q->len && (s[j] == 'e' || s[j] == 'E')) {
            size_t k = j + 1;
            if (k < q->len && (s[k] == '+' || s[k] == '-'))
                k++;
            if (k < q->len && digit(s[k])) {
                for (j = k; j < q->len && digit(s[j]); j++)
                    ;
            }
        }
        t.t = Q_NUM, t.len = j - i;
    } else if (c == '?') {
        t.t = Q_PARAM, t.len = 1;
    } else {
        static const char *const two[] = {"<=", ">=", "<>", "!=", "<<", ">>"};
        t.t = Q_PUNCT, t.len = 1;
        for (size_t k = 0; k < NB_ARRAY_LEN(two); k++)
            if (i + 1 < q->len && s[i] == two[k][0] && s[i + 1] == two[k][1])
                t.len = 2;
        if (t.len == 1 && !strchr("()[]{},.:*=<>+-", c))
            t.t = Q_BAD;
        if (t.t == Q_BAD) /* a whole UTF-8 character */
            while (i + t.len < q->len && ((unsigned char)s[i + t.len] & 0xc0) == 0x80)
                t.len++;
    }
    q->cur = t;
    q->pos = i + t.len;
}

static int
is_p(const Q *q, const char *punct)
{
    return q->cur.t == Q_PUNCT && q->cur.len == strlen(punct) &&
           memcmp(q->cur.p, punct, q->cur.len) == 0;
}

static int
is_kw(const Q *q, const char *kw)
{
    return q->cur.t == Q_IDENT && q->cur.len == strlen(kw) &&
           strncasecmp(q->cur.p, kw, q->cur.len) == 0;
}

static const char *const keywords[] = {
    "SELECT", "FROM",      "WHERE", "AND",   "OR",      "NOT",    "BETWEEN", "IN",
    "IS",     "INSERT",    "INTO",  "VALUE", "VALUES",  "UPDATE", "SET",     "REMOVE",
    "DELETE", "RETURNING", "ORDER", "BY",    "MISSING", "NULL",   "TRUE",    "FALSE",
    "ASC",    "DESC",      "ALL",   "LIMIT", "GROUP",   "JOIN",
};

static int
is_keyword(const Q *q)
{
    for (size_t i = 0; i < NB_ARRAY_LEN(keywords); i++)
        if (is_kw(q, keywords[i]))
            return 1;
    return 0;
}

/* Records the first error (the detail after BAD). */
static int
fail(Q *q, const char *detail)
{
    if (!q->err)
        q->err = nb_arena_printf(q->a, BAD "%s", detail);
    return NB_EINVAL;
}

static int
unexpected(Q *q)
{
    if (q->cur.t == Q_EOF)
        return fail(q, "Unexpected end of statement");
    if (q->cur.t == Q_BAD)
        return fail(q, "Unexpected character");
    return fail(q, is_keyword(q) ? "Unexpected keyword" : "Unexpected token");
}

static int
expect_p(Q *q, const char *punct)
{
    if (!is_p(q, punct))
        return unexpected(q);
    next(q);
    return NB_OK;
}

static int
expect_kw(Q *q, const char *kw)
{
    if (!is_kw(q, kw))
        return unexpected(q);
    next(q);
    return NB_OK;
}

/* The text of a quoted token without its quotes, doubled quotes undone. */
static char *
unquote(Q *q, const qtok *t, size_t *n)
{
    char *o = nb_arena_alloc(q->a, t->len + 1);
    size_t k = 0;
    if (!o)
        return NULL;
    for (size_t i = 1; i + 1 < t->len; i++) {
        o[k++] = t->p[i];
        if (t->p[i] == t->p[0])
            i++;
    }
    o[k] = 0;
    *n = k;
    return o;
}

/* ---- trees -------------------------------------------------------------------- */

static node *
mk(Q *q, int k, int na)
{
    node *n = nb_arena_zalloc(q->a, sizeof(node));
    if (n && na && !(n->args = nb_arena_zalloc(q->a, (size_t)na * sizeof(node *))))
        return NULL;
    if (n)
        n->k = k, n->na = na;
    return n;
}

static node *
mk_val(Q *q, const nb_value *v)
{
    node *n = mk(q, K_VAL, 0);
    if (n)
        n->val = v, n->type = ddb_av_type(v, NULL);
    return n;
}

/* A name: an identifier or a "quoted identifier". */
static int
name(Q *q, const char **s, size_t *n)
{
    if (q->cur.t == Q_QIDENT) {
        if (!(*s = unquote(q, &q->cur, n)))
            return NB_ENOMEM;
        if (*n == 0)
            return fail(q, "Path component cannot be an empty string");
    } else if (q->cur.t == Q_IDENT && !is_keyword(q)) {
        *s = q->cur.p, *n = q->cur.len;
    } else {
        return unexpected(q);
    }
    next(q);
    return NB_OK;
}

static int
path(Q *q, node **out)
{
    pel buf[32];
    int n = 0, rc;
    if ((rc = name(q, &buf[0].name, &buf[0].len)))
        return rc;
    buf[n++].idx = 0;
    while (is_p(q, ".") || is_p(q, "[")) {
        if (n == (int)NB_ARRAY_LEN(buf))
            return fail(q, "Document path is too deep");
        if (is_p(q, ".")) {
            next(q);
            if ((rc = name(q, &buf[n].name, &buf[n].len)))
                return rc;
            buf[n++].idx = 0;
            continue;
        }
        next(q);
        if (q->cur.t == Q_STR) { /* a['b'] names a map member */
            if (!(buf[n].name = unquote(q, &q->cur, &buf[n].len)))
                return NB_ENOMEM;
        } else if (q->cur.t == Q_NUM && q->cur.len < 9 && !memchr(q->cur.p, '.', q->cur.len) &&
                   !memchr(q->cur.p, 'e', q->cur.len) && !memchr(q->cur.p, 'E', q->cur.len)) {
            long v = 0;
            for (size_t i = 0; i < q->cur.len; i++)
                v = v * 10 + (q->cur.p[i] - '0');
            buf[n].name = NULL, buf[n].len = 0, buf[n].idx = v;
        } else {
            return unexpected(q);
        }
        n++;
        next(q);
        if ((rc = expect_p(q, "]")))
            return rc;
    }
    node *nd = mk(q, K_PATH, 0);
    if (!nd || !(nd->path = nb_arena_alloc(q->a, (size_t)n * sizeof(pel))))
        return NB_ENOMEM;
    memcpy(nd->path, buf, (size_t)n * sizeof(pel));
    nd->np = n;
    *out = nd;
    return NB_OK;
}

/* ---- literals -------------------------------------------------------------------- */

static int value(Q *q, nb_value **out);

static int
number(Q *q, int neg, nb_value **out)
{
    ddb_num n;
    char buf[512];
    size_t len = q->cur.len;
    if (len + 2 > sizeof(buf))
        return fail(q, "Number literal is too long");
    buf[0] = '-';
    memcpy(buf + 1, q->cur.p, len);
    int e = ddb_num_parse(neg ? buf : buf + 1, len + (neg ? 1 : 0), &n);
    if (e)
        return fail(q, ddb_num_errmsg(e));
    next(q);
    *out = ddb_av_num(q->a, &n);
    return *out ? NB_OK : NB_ENOMEM;
}

static int
param(Q *q, nb_value **out)
{
    q->npar++;
    *out = q->par ? nb_value_copy(q->a, q->par) : NULL;
    if (q->par)
        q->par = q->par->next;
    next(q);
    if (!*out) /* counted against the request at the end */
        *out = ddb_av_wrap(q->a, DDB_NULL, nb_value_bool(q->a, 1));
    return *out ? NB_OK : NB_ENOMEM;
}

/* [v, ...], {'k': v, ...} or <<v, ...>>, after the opening token. */
static int
collection(Q *q, int kind, nb_value **out)
{
    const char *close = kind == 'L' ? "]" : kind == 'M' ? "}" : ">>";
    nb_value *c = kind == 'M' ? nb_value_map(q->a) : nb_value_list(q->a);
    ddb_type st = DDB_NONE;
    int rc;
    if (!c)
        return NB_ENOMEM;
    if (++q->depth > DDB_PQ_DEPTH)
        return fail(q, "Statement is nested too deeply");
    if (!is_p(q, close)) {
        do {
            nb_value *v;
            const char *k = NULL;
            size_t kl = 0;
            if (kind == 'M') {
                if (q->cur.t != Q_STR)
                    return unexpected(q);
                if (!(k = unquote(q, &q->cur, &kl)))
                    return NB_ENOMEM;
                next(q);
                if ((rc = expect_p(q, ":")))
                    return rc;
            }
            if ((rc = value(q, &v)))
                return rc;
            if (kind == 'M') {
                rc = ddb_map_set(c, k, kl, v);
            } else if (kind == 'L') {
                rc = nb_value_append(c, v);
            } else {
                const nb_value *in;
                ddb_type t = ddb_av_type(v, &in);
                if ((t != DDB_S && t != DDB_N && t != DDB_B) || (st && t != st))
                    return fail(q, "Set elements must be strings, numbers or binaries of one type");
                st = t;
                int dup = 0;
                for (const nb_value *e = nb_first(c); e && !dup; e = e->next)
                    dup = nb_str_eq(e->u.s, in->u.s);
                rc = dup ? NB_OK : nb_value_append(c, nb_value_copy(q->a, in));
            }
            if (rc)
                return rc;
        } while (is_p(q, ",") && (next(q), 1));
    }
    if ((rc = expect_p(q, close)))
        return rc;
    q->depth--;
    if (kind == 'S' && !st)
        return fail(q, "A set may not be empty");
    *out = ddb_av_wrap(q->a,
                       kind == 'L'   ? DDB_L
                       : kind == 'M' ? DDB_M
                       : st == DDB_S ? DDB_SS
                       : st == DDB_N ? DDB_NS
                                     : DDB_BS,
                       c);
    return *out ? NB_OK : NB_ENOMEM;
}

static int
value(Q *q, nb_value **out)
{
    size_t n;
    if (q->cur.t == Q_STR) {
        char *s = unquote(q, &q->cur, &n);
        next(q);
        *out = s ? ddb_av_str(q->a, DDB_S, s, n) : NULL;
        return *out ? NB_OK : NB_ENOMEM;
    }
    if (q->cur.t == Q_NUM)
        return number(q, 0, out);
    if (is_p(q, "-")) {
        next(q);
        if (q->cur.t != Q_NUM)
            return unexpected(q);
        return number(q, 1, out);
    }
    if (q->cur.t == Q_PARAM)
        return param(q, out);
    if (is_kw(q, "TRUE") || is_kw(q, "FALSE")) {
        *out = ddb_av_bool(q->a, is_kw(q, "TRUE"));
        next(q);
        return *out ? NB_OK : NB_ENOMEM;
    }
    if (is_kw(q, "NULL")) {
        *out = ddb_av_wrap(q->a, DDB_NULL, nb_value_bool(q->a, 1));
        next(q);
        return *out ? NB_OK : NB_ENOMEM;
    }
    int kind = is_p(q, "[") ? 'L' : is_p(q, "{") ? 'M' : is_p(q, "<<") ? 'S' : 0;
    if (!kind)
        return unexpected(q);
    next(q);
    return collection(q, kind, out);
}

static int
is_value_start(const Q *q)
{
    return q->cur.t == Q_STR || q->cur.t == Q_NUM || q->cur.t == Q_PARAM || is_p(q, "-") ||
           is_p(q, "[") || is_p(q, "{") || is_p(q, "<<") || is_kw(q, "TRUE") || is_kw(q, "FALSE") ||
           is_kw(q, "NULL");
}

/* ---- conditions -------------------------------------------------------------------- */

static int cond_or(Q *q, node **out);

/* The lower-case name of a known function at the current token, or NULL. */
static const char *
func_name(Q *q)
{
    static const char *const fns[] = {"begins_with", "contains", "attribute_type", "size"};
    if (q->cur.t != Q_IDENT)
        return NULL;
    for (size_t i = 0; i < NB_ARRAY_LEN(fns); i++)
        if (q->cur.len == strlen(fns[i]) && strncasecmp(q->cur.p, fns[i], q->cur.len) == 0)
            return fns[i];
    return NULL;
}

static int operand(Q *q, node **out);

static int
func(Q *q, const char *fn, node **out)
{
    int na = strcmp(fn, "size") == 0 ? 1 : 2, rc;
    node *f = mk(q, K_FN, na);
    if (!f)
        return NB_ENOMEM;
    f->fn = fn;
    next(q);
    if ((rc = expect_p(q, "(")) || (rc = path(q, &f->args[0])))
        return rc;
    if (na == 2) {
        nb_value *v;
        if ((rc = expect_p(q, ",")))
            return rc;
        if (is_value_start(q)) {
            if ((rc = value(q, &v)))
                return rc;
            if (!(f->args[1] = mk_val(q, v)))
                return NB_ENOMEM;
        } else if ((rc = path(q, &f->args[1]))) {
            return rc;
        }
    }
    if ((rc = expect_p(q, ")")))
        return rc;
    f->type = na == 1 ? DDB_N : DDB_BOOL;
    *out = f;
    return NB_OK;
}

static int
operand(Q *q, node **out)
{
    const char *fn = func_name(q);
    if (fn && strcmp(fn, "size") == 0)
        return func(q, fn, out);
    if (is_value_start(q)) {
        nb_value *v;
        int rc = value(q, &v);
        if (rc)
            return rc;
        *out = mk_val(q, v);
        return *out ? NB_OK : NB_ENOMEM;
    }
    return path(q, out);
}

static int
cmp_op(const Q *q)
{
    static const struct {
        const char *p;
        int t;
    } ops[] = {{"=", T_EQ},  {"<>", T_NE}, {"!=", T_NE}, {"<", T_LT},
               {"<=", T_LE}, {">", T_GT},  {">=", T_GE}};
    for (size_t i = 0; i < NB_ARRAY_LEN(ops); i++)
        if (is_p(q, ops[i].p))
            return ops[i].t;
    return 0;
}

static node *
negate(Q *q, node *n)
{
    node *x = n ? mk(q, K_NOT, 1) : NULL;
    if (x)
        x->args[0] = n;
    return x;
}

/* path IS [NOT] MISSING | NULL */
static int
is_pred(Q *q, node *x, node **out)
{
    int neg = 0;
    next(q);
    if (is_kw(q, "NOT"))
        neg = 1, next(q);
    node *n;
    if (is_kw(q, "MISSING")) {
        n = mk(q, K_FN, 1);
        if (n)
            n->fn = "attribute_not_exists", n->args[0] = x;
    } else if (is_kw(q, "NULL")) {
        /* NULL-typed or missing (PartiQL: MISSING IS NULL is true) */
        node *t = mk(q, K_FN, 2), *m = mk(q, K_FN, 1);
        nb_value *s = ddb_av_str(q->a, DDB_S, "NULL", 4);
        n = mk(q, K_OR, 2);
        if (!t || !m || !s || !n || !(t->args[1] = mk_val(q, s)))
            return NB_ENOMEM;
        t->fn = "attribute_type", t->args[0] = x;
        m->fn = "attribute_not_exists", m->args[0] = x;
        n->args[0] = t, n->args[1] = m;
    } else {
        return unexpected(q);
    }
    if (x->k != K_PATH)
        return fail(q, "IS requires a document path");
    next(q);
    *out = neg ? negate(q, n) : n;
    return *out ? NB_OK : NB_ENOMEM;
}

/* x [NOT] IN [v, ...] or (v, ...) */
static int
in_pred(Q *q, node *x, int neg, node **out)
{
    node *args[101];
    int n = 0, rc;
    next(q);
    const char *close = is_p(q, "[") ? "]" : is_p(q, "(") ? ")" : NULL;
    if (!close)
        return unexpected(q);
    next(q);
    args[n++] = x;
    do {
        if (n == (int)NB_ARRAY_LEN(args))
            return fail(q, "Too many values in IN");
        if ((rc = operand(q, &args[n++])))
            return rc;
    } while (is_p(q, ",") && (next(q), 1));
    if ((rc = expect_p(q, close)))
        return rc;
    node *in = mk(q, K_IN, n);
    if (!in)
        return NB_ENOMEM;
    memcpy(in->args, args, (size_t)n * sizeof(node *));
    *out = neg ? negate(q, in) : in;
    return *out ? NB_OK : NB_ENOMEM;
}

static int
predicate(Q *q, node **out)
{
    node *x, *y, *z;
    int rc, op;
    const char *fn = func_name(q);
    if (fn && strcmp(fn, "size") != 0)
        return func(q, fn, out);
    if ((rc = operand(q, &x)))
        return rc;
    if ((op = cmp_op(q))) {
        next(q);
        if ((rc = operand(q, &y)))
            return rc;
        node *c = mk(q, K_CMP, 2);
        if (!c)
            return NB_ENOMEM;
        c->op = op, c->args[0] = x, c->args[1] = y;
        *out = c;
        return NB_OK;
    }
    if (is_kw(q, "IS"))
        return is_pred(q, x, out);
    int neg = 0;
    if (is_kw(q, "NOT"))
        neg = 1, next(q);
    if (is_kw(q, "IN"))
        return in_pred(q, x, neg, out);
    if (!is_kw(q, "BETWEEN"))
        return unexpected(q);
    next(q);
    if ((rc = operand(q, &y)) || (rc = expect_kw(q, "AND")) || (rc = operand(q, &z)))
        return rc;
    node *b = mk(q, K_BETWEEN, 3);
    if (!b)
        return NB_ENOMEM;
    b->args[0] = x, b->args[1] = y, b->args[2] = z;
    *out = neg ? negate(q, b) : b;
    return *out ? NB_OK : NB_ENOMEM;
}

static int
cond_prim(Q *q, node **out)
{
    if (is_p(q, "(")) {
        next(q);
        int rc = cond_or(q, out);
        return rc ? rc : expect_p(q, ")");
    }
    return predicate(q, out);
}

static int
cond_not(Q *q, node **out)
{
    if (is_kw(q, "NOT")) {
        node *x;
        next(q);
        if (++q->depth > DDB_PQ_DEPTH)
            return fail(q, "Statement is nested too deeply");
        int rc = cond_not(q, &x);
        q->depth--;
        if (rc)
            return rc;
        *out = negate(q, x);
        return *out ? NB_OK : NB_ENOMEM;
    }
    return cond_prim(q, out);
}

static int
join(Q *q, int k, node **x, node *y)
{
    node *n = mk(q, k, 2);
    if (!n)
        return NB_ENOMEM;
    n->args[0] = *x, n->args[1] = y;
    *x = n;
    return NB_OK;
}

static int
cond_and(Q *q, node **out)
{
    node *y;
    int rc = cond_not(q, out);
    while (!rc && is_kw(q, "AND")) {
        next(q);
        if (!(rc = cond_not(q, &y)))
            rc = join(q, K_AND, out, y);
    }
    return rc;
}

static int
cond_or(Q *q, node **out)
{
    node *y;
    int rc;
    if (++q->depth > DDB_PQ_DEPTH)
        return fail(q, "Statement is nested too deeply");
    rc = cond_and(q, out);
    while (!rc && is_kw(q, "OR")) {
        next(q);
        if (!(rc = cond_and(q, &y)))
            rc = join(q, K_OR, out, y);
    }
    q->depth--;
    return rc;
}

static int
where(Q *q, ddb_pq *pq)
{
    if (!is_kw(q, "WHERE"))
        return NB_OK;
    next(q);
    pq->where = nb_arena_zalloc(q->a, sizeof(ddb_expr));
    if (!pq->where)
        return NB_ENOMEM;
    pq->where->kind = DDB_EXPR_CONDITION;
    return cond_or(q, &pq->where->root);
}

/* ---- statements -------------------------------------------------------------------- */

static int
table(Q *q, ddb_pq *pq, int index_ok)
{
    size_t n;
    const char *s;
    int rc = name(q, &s, &n);
    if (rc)
        return rc;
    pq->table = nb_arena_strndup(q->a, s, n);
    if (is_p(q, ".")) {
        next(q);
        if ((rc = name(q, &s, &n)))
            return rc;
        pq->index = nb_arena_strndup(q->a, s, n);
        if (!index_ok)
            return fail(q, "Unexpected path component");
    }
    return pq->table ? NB_OK : NB_ENOMEM;
}

static int
select_stmt(Q *q, ddb_pq *pq)
{
    node *buf[256];
    int n = 0, rc;
    next(q);
    if (is_p(q, "*")) {
        next(q);
    } else {
        do {
            if (n == (int)NB_ARRAY_LEN(buf))
                return fail(q, "Too many attributes in the projection");
            if ((rc = path(q, &buf[n++])))
                return rc;
        } while (is_p(q, ",") && (next(q), 1));
        pq->proj = nb_arena_zalloc(q->a, sizeof(ddb_expr));
        if (!pq->proj || !(pq->proj->paths = nb_arena_alloc(q->a, (size_t)n * sizeof(node *))))
            return NB_ENOMEM;
        memcpy(pq->proj->paths, buf, (size_t)n * sizeof(node *));
        pq->proj->npaths = n;
        pq->proj->kind = DDB_EXPR_PROJECTION;
    }
    if ((rc = expect_kw(q, "FROM")) || (rc = table(q, pq, 1)) || (rc = where(q, pq)))
        return rc;
    if (is_kw(q, "ORDER")) {
        const char *s;
        size_t len;
        next(q);
        if ((rc = expect_kw(q, "BY")) || (rc = name(q, &s, &len)))
            return rc;
        if (!(pq->order = nb_arena_strndup(q->a, s, len)))
            return NB_ENOMEM;
        if (is_kw(q, "ASC") || is_kw(q, "DESC")) {
            pq->order_desc = is_kw(q, "DESC");
            next(q);
        }
    }
    return NB_OK;
}

static int
insert_stmt(Q *q, ddb_pq *pq)
{
    nb_value *v;
    int rc;
    next(q);
    if ((rc = expect_kw(q, "INTO")) || (rc = table(q, pq, 0)) || (rc = expect_kw(q, "VALUE")) ||
        (rc = value(q, &v)))
        return rc;
    const nb_value *in;
    if (ddb_av_type(v, &in) != DDB_M)
        return fail(q, "VALUE must be a map of attribute names to values");
    pq->item = (nb_value *)in;
    return NB_OK;
}

static int
update_value(Q *q, node *target, act *a)
{
    static const char *const fns[] = {"list_append", "set_add", "set_delete", "if_not_exists"};
    int rc;
    for (size_t i = 0; q->cur.t == Q_IDENT && i < NB_ARRAY_LEN(fns); i++) {
        if (q->cur.len != strlen(fns[i]) || strncasecmp(q->cur.p, fns[i], q->cur.len) != 0)
            continue;
        node *f = mk(q, K_FN, 2);
        if (!f)
            return NB_ENOMEM;
        f->fn = fns[i];
        next(q);
        if ((rc = expect_p(q, "(")) || (rc = operand(q, &f->args[0])) || (rc = expect_p(q, ",")) ||
            (rc = operand(q, &f->args[1])) || (rc = expect_p(q, ")")))
            return rc;
        if (i == 1 || i == 2) { /* set_add(a, <<..>>): ADD; set_delete: DELETE */
            if (f->args[1]->k != K_VAL)
                return fail(q, "set_add and set_delete take a set value");
            a->sec = i == 1 ? S_ADD : S_DELETE;
            a->val = f->args[1];
            return NB_OK;
        }
        if (i == 3 && f->args[0]->k != K_PATH)
            return fail(q, "if_not_exists takes a document path");
        a->val = f;
        return NB_OK;
    }
    node *x, *y;
    if ((rc = operand(q, &x)))
        return rc;
    if (!is_p(q, "+") && !is_p(q, "-")) {
        a->val = x;
        return NB_OK;
    }
    int op = is_p(q, "+") ? T_PLUS : T_MINUS;
    next(q);
    if ((rc = operand(q, &y)))
        return rc;
    node *n = mk(q, K_ARITH, 2);
    if (!n)
        return NB_ENOMEM;
    n->op = op, n->args[0] = x, n->args[1] = y, n->type = DDB_N;
    a->val = n;
    NB_UNUSED(target);
    return NB_OK;
}

static int
update_stmt(Q *q, ddb_pq *pq)
{
    act buf[128];
    int n = 0, rc;
    next(q);
    if ((rc = table(q, pq, 0)))
        return rc;
    while (is_kw(q, "SET") || is_kw(q, "REMOVE")) {
        int sec = is_kw(q, "SET") ? S_SET : S_REMOVE;
        next(q);
        do {
            if (n == (int)NB_ARRAY_LEN(buf))
                return fail(q, "Too many SET and REMOVE clauses");
            act *a = &buf[n++];
            memset(a, 0, sizeof(*a));
            a->sec = sec;
            if ((rc = path(q, &a->path)))
                return rc;
            if (sec == S_SET && ((rc = expect_p(q, "=")) || (rc = update_value(q, a->path, a))))
                return rc;
        } while (is_p(q, ",") && (next(q), 1));
    }
    if (!n)
        return unexpected(q);
    pq->update = nb_arena_zalloc(q->a, sizeof(ddb_expr));
    if (!pq->update || !(pq->update->acts = nb_arena_alloc(q->a, (size_t)n * sizeof(act))))
        return NB_ENOMEM;
    memcpy(pq->update->acts, buf, (size_t)n * sizeof(act));
    pq->update->nacts = n;
    pq->update->kind = DDB_EXPR_UPDATE;
    return where(q, pq);
}

static int
delete_stmt(Q *q, ddb_pq *pq)
{
    int rc;
    next(q);
    if ((rc = expect_kw(q, "FROM")) || (rc = table(q, pq, 0)))
        return rc;
    return where(q, pq);
}

/* RETURNING ALL|MODIFIED OLD|NEW * */
static int
returning(Q *q, ddb_pq *pq)
{
    int all, old, rc;
    if (!is_kw(q, "RETURNING"))
        return NB_OK;
    next(q);
    if (!is_kw(q, "ALL") && !is_kw(q, "MODIFIED"))
        return unexpected(q);
    all = is_kw(q, "ALL");
    next(q);
    if (!is_kw(q, "OLD") && !is_kw(q, "NEW"))
        return unexpected(q);
    old = is_kw(q, "OLD");
    next(q);
    if ((rc = expect_p(q, "*")))
        return rc;
    pq->returning = all ? (old ? DDB_PQ_RET_ALL_OLD : DDB_PQ_RET_ALL_NEW)
                        : (old ? DDB_PQ_RET_MOD_OLD : DDB_PQ_RET_MOD_NEW);
    return NB_OK;
}

int
ddb_pq_parse(nb_arena *a, const char *text, size_t len, const nb_value *params, ddb_pq *out,
             const char **err)
{
    Q q = {a, text, len, 0, {0}, nb_first(params), 0, 0, NULL};
    int rc;
    memset(out, 0, sizeof(*out));
    *err = NULL;
    next(&q);
    if (is_kw(&q, "SELECT"))
        out->kind = DDB_PQ_SELECT, rc = select_stmt(&q, out);
    else if (is_kw(&q, "INSERT"))
        out->kind = DDB_PQ_INSERT, rc = insert_stmt(&q, out);
    else if (is_kw(&q, "UPDATE"))
        out->kind = DDB_PQ_UPDATE, rc = update_stmt(&q, out);
    else if (is_kw(&q, "DELETE"))
        out->kind = DDB_PQ_DELETE, rc = delete_stmt(&q, out);
    else
        rc = fail(&q, "Expected data manipulation");
    if (!rc && (out->kind == DDB_PQ_UPDATE || out->kind == DDB_PQ_DELETE))
        rc = returning(&q, out);
    if (!rc && q.cur.t != Q_EOF)
        rc = unexpected(&q);
    out->nparams = q.npar;
    if (rc == NB_ENOMEM)
        return rc;
    if (rc) {
        *err = q.err ? q.err : BAD "Unexpected token";
        return NB_EINVAL;
    }
    return NB_OK;
}
