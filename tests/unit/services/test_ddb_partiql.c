/*
 * test_ddb_partiql.c: the PartiQL parser (ddb_partiql.c): each statement
 * form DynamoDB documents (ql-reference.{select,insert,update,delete}
 * .html) parses into the expected parts, conditions built from it
 * evaluate as PartiQL says on an item, '?' parameters are counted and
 * bound in order, and malformed statements give DynamoDB's "Statement
 * wasn't well formed" message without crashing.
 */
#include "core/arena.h"
#include "core/call.h"
#include "core/json.h"
#include "core/value.h"
#include "services/dynamodb/ddb_int.h"
#include "services/dynamodb/ddb_partiql.h"
#include "t.h"

#define BAD "Statement wasn't well formed, can't be processed: "

static void
to_av(nb_value *v)
{
    if (v->type != NB_V_MAP)
        return;
    v->type = NB_V_STRUCT;
    for (nb_value *c = v->u.c.first; c; c = c->next)
        if (strcmp(c->key, "M") == 0 || strcmp(c->key, "L") == 0)
            for (nb_value *d = c->u.c.first; d; d = d->next)
                to_av(d);
}

/* A map or a list of AttributeValues from JSON in DynamoDB's form. */
static nb_value *
avs(nb_call *c, const char *json)
{
    nb_value *raw, *out;
    if (nb_json_parse_value(c->arena, json, strlen(json), &raw, NULL))
        return NULL;
    for (nb_value *e = raw->u.c.first; e; e = e->next)
        to_av(e);
    if (raw->type == NB_V_LIST)
        return raw;
    return ddb_item_norm(c, raw, &out) ? NULL : out;
}

/* The parse error of text, or "" when it parses. */
static const char *
perr(const char *text)
{
    static char buf[512];
    nb_call *c = nb_call_new(NULL, NULL);
    ddb_pq pq;
    const char *err = NULL;
    int rc = ddb_pq_parse(c->arena, text, strlen(text), NULL, &pq, &err);
    snprintf(buf, sizeof(buf), "%s", rc ? (err ? err : "?") : "");
    nb_call_free(c);
    return buf;
}

/* WHERE of a SELECT evaluated on item: 1, 0, or -1 when it does not parse. */
static int
where(const char *cond, const char *item, const char *params)
{
    nb_call *c = nb_call_new(NULL, NULL);
    ddb_pq pq;
    const char *err;
    char text[512];
    snprintf(text, sizeof(text), "SELECT * FROM t WHERE %s", cond);
    int r = ddb_pq_parse(c->arena, text, strlen(text), params ? avs(c, params) : NULL, &pq, &err);
    r = r ? -1 : ddb_expr_eval(c, pq.where, avs(c, item));
    nb_call_free(c);
    return r;
}

static void
statements(void)
{
    nb_call *c = nb_call_new(NULL, NULL);
    ddb_pq pq;
    const char *err;
    const char *s = "SELECT a, \"b c\".d, e[1] FROM \"Music\".\"by-artist\" WHERE x = 1 "
                    "ORDER BY sk DESC";
    t_inteq(ddb_pq_parse(c->arena, s, strlen(s), NULL, &pq, &err), NB_OK, "SELECT parses");
    t_inteq(pq.kind, DDB_PQ_SELECT, "SELECT kind");
    t_streq(pq.table, "Music", "quoted table name");
    t_streq(pq.index, "by-artist", "quoted index name");
    t_inteq(pq.proj ? pq.proj->npaths : 0, 3, "three projected paths");
    t_ok(pq.proj && pq.proj->paths[1]->np == 2 && pq.proj->paths[1]->path[0].len == 3,
         "a quoted path element keeps its space");
    t_ok(pq.order && pq.order_desc, "ORDER BY ... DESC");

    s = "select * from t";
    t_inteq(ddb_pq_parse(c->arena, s, strlen(s), NULL, &pq, &err), NB_OK, "keywords in any case");
    t_ok(!pq.proj && !pq.where, "SELECT *: no projection, no WHERE");

    s = "INSERT INTO t VALUE {'pk': 'a', 'n': -1.50, 'l': [1, 'x', NULL], 'm': {'b': TRUE}, "
        "'s': <<'x', 'y', 'x'>>, 'q': 'it''s', 'p': ?}";
    nb_value *params = avs(c, "[{\"N\":\"7\"}]");
    t_inteq(ddb_pq_parse(c->arena, s, strlen(s), params, &pq, &err), NB_OK, "INSERT parses");
    t_inteq(pq.kind, DDB_PQ_INSERT, "INSERT kind");
    t_inteq(pq.nparams, 1, "one parameter");
    const nb_value *v = ddb_map_get(pq.item, "n", 1), *in;
    t_ok(v && ddb_av_type(v, &in) == DDB_N && strcmp(in->u.s.p, "-1.5") == 0,
         "numbers are canonical");
    v = ddb_map_get(pq.item, "s", 1);
    t_ok(v && ddb_av_type(v, &in) == DDB_SS && in->u.c.n == 2, "a string set, deduplicated");
    v = ddb_map_get(pq.item, "q", 1);
    t_ok(v && ddb_av_type(v, &in) == DDB_S && strcmp(in->u.s.p, "it's") == 0,
         "a doubled quote is one quote");
    v = ddb_map_get(pq.item, "p", 1);
    t_ok(v && ddb_av_type(v, &in) == DDB_N && strcmp(in->u.s.p, "7") == 0,
         "the parameter is bound");
    v = ddb_map_get(pq.item, "l", 1);
    t_ok(v && ddb_av_type(v, &in) == DDB_L && in->u.c.n == 3, "a list of three");

    s = "UPDATE t SET a = a + 1, b = list_append(b, [2]) SET c = set_add(c, <<1>>) REMOVE d "
        "WHERE pk = 'k' RETURNING MODIFIED NEW *";
    t_inteq(ddb_pq_parse(c->arena, s, strlen(s), NULL, &pq, &err), NB_OK, "UPDATE parses");
    t_inteq(pq.update ? pq.update->nacts : 0, 4, "four actions");
    t_ok(pq.update && pq.update->acts[0].val->k == K_ARITH, "a + 1 is arithmetic");
    t_ok(pq.update && pq.update->acts[2].sec == S_ADD, "set_add is an ADD");
    t_ok(pq.update && pq.update->acts[3].sec == S_REMOVE, "REMOVE");
    t_inteq(pq.returning, DDB_PQ_RET_MOD_NEW, "RETURNING MODIFIED NEW *");

    s = "DELETE FROM t WHERE pk = ? AND sk = ? RETURNING ALL OLD *";
    t_inteq(ddb_pq_parse(c->arena, s, strlen(s), NULL, &pq, &err), NB_OK, "DELETE parses");
    t_inteq(pq.nparams, 2, "two parameters counted, none given");
    t_inteq(pq.returning, DDB_PQ_RET_ALL_OLD, "RETURNING ALL OLD *");
    nb_call_free(c);
}

int
main(void)
{
    statements();

    t_streq(perr("SELEC * FROM t"), BAD "Expected data manipulation", "not a DML statement");
    t_streq(perr(""), BAD "Expected data manipulation", "empty statement");
    t_streq(perr("SELECT * FROM"), BAD "Unexpected end of statement", "missing table");
    t_streq(perr("SELECT * FROM t WHERE"), BAD "Unexpected end of statement", "empty WHERE");
    t_streq(perr("SELECT * FROM t WHERE a = 'open"), BAD "Unexpected character",
            "an unclosed string");
    t_streq(perr("SELECT * FROM t t2"), BAD "Unexpected token", "trailing token");
    t_streq(perr("SELECT * FROM t WHERE a = 1 AND"), BAD "Unexpected end of statement",
            "dangling AND");
    t_streq(perr("SELECT * FROM select"), BAD "Unexpected keyword", "a keyword as table name");
    t_streq(perr("INSERT INTO t VALUE [1]"), BAD "VALUE must be a map of attribute names to values",
            "INSERT of a list");
    t_streq(perr("INSERT INTO t VALUE {'a': <<>>}"), BAD "A set may not be empty", "an empty set");
    t_streq(perr("INSERT INTO t VALUE {'a': <<1, 'x'>>}"),
            BAD "Set elements must be strings, numbers or binaries of one type", "a mixed set");
    t_streq(perr("INSERT INTO t VALUE {'a': 1e999}"),
            BAD "Number overflow. Attempting to store a number with magnitude larger than "
                "supported range",
            "number overflow");
    t_streq(perr("UPDATE t WHERE a = 1"), BAD "Unexpected keyword", "UPDATE without SET");
    t_streq(perr("DELETE FROM t WHERE a = 1 RETURNING ALL *"), BAD "Unexpected token",
            "RETURNING without OLD or NEW");
    t_streq(perr("UPDATE t.i SET a = 1 WHERE pk = 1"), BAD "Unexpected path component",
            "an index on UPDATE");
    char deep[400] = "SELECT * FROM t WHERE ";
    for (int i = 0; i < 60; i++)
        strcat(deep, "(");
    t_ok(strstr(perr(deep), "nested too deeply") != NULL, "nesting is bounded");

    const char *item = "{\"a\":{\"N\":\"5\"},\"s\":{\"S\":\"hello\"},\"z\":{\"NULL\":true},"
                       "\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]},\"m\":{\"M\":{\"k\":"
                       "{\"S\":\"v\"}}},\"ss\":{\"SS\":[\"p\",\"q\"]}}";
    t_inteq(where("a = 5", item, NULL), 1, "=");
    t_inteq(where("a <> 5", item, NULL), 0, "<>");
    t_inteq(where("a != 4", item, NULL), 1, "!=");
    t_inteq(where("a >= 5 AND a < 6", item, NULL), 1, ">= and <");
    t_inteq(where("s > 'hell' OR a > 9", item, NULL), 1, "OR on strings");
    t_inteq(where("NOT a = 5", item, NULL), 0, "NOT");
    t_inteq(where("a BETWEEN 1 AND 5", item, NULL), 1, "BETWEEN is inclusive");
    t_inteq(where("a NOT BETWEEN 1 AND 5", item, NULL), 0, "NOT BETWEEN");
    t_inteq(where("a IN [1, 5]", item, NULL), 1, "IN with brackets");
    t_inteq(where("s IN ('x', 'y')", item, NULL), 0, "IN with parentheses");
    t_inteq(where("a NOT IN [1, 2]", item, NULL), 1, "NOT IN");
    t_inteq(where("nope IS MISSING AND a IS NOT MISSING", item, NULL), 1, "IS [NOT] MISSING");
    t_inteq(where("z IS NULL AND nope IS NULL AND a IS NOT NULL", item, NULL), 1, "IS NULL");
    t_inteq(where("begins_with(s, 'he')", item, NULL), 1, "begins_with");
    t_inteq(where("contains(ss, 'q') AND contains(l, 'x')", item, NULL), 1, "contains");
    t_inteq(where("attribute_type(m, 'M')", item, NULL), 1, "attribute_type");
    t_inteq(where("size(s) = 5", item, NULL), 1, "size");
    t_inteq(where("m.k = 'v' AND l[1] = 'x' AND \"m\".\"k\" = 'v'", item, NULL), 1, "nested paths");
    t_inteq(where("m['k'] = 'v'", item, NULL), 1, "a map member by a string index");
    t_inteq(where("(a = 1 OR a = 5) AND (s = 'hello')", item, NULL), 1, "parentheses");
    t_inteq(where("a = ? AND s = ?", item, "[{\"N\":\"5\"},{\"S\":\"hello\"}]"), 1,
            "parameters bound in order");
    t_inteq(where("a = -5", item, NULL), 0, "a negative literal");
    return t_done();
}
