/*
 * test_ddb_expr.c: the expression parser and evaluator (ddb_expr.c,
 * ddb_expr_eval.c): DynamoDB's messages for bad expressions, as dynalite's
 * tests (test/updateItem.js, test/query.js, ...) recorded them against
 * DynamoDB, and evaluation of conditions and updates on items.
 */
#include "core/arena.h"
#include "core/call.h"
#include "core/json.h"
#include "core/value.h"
#include "services/dynamodb/ddb_int.h"
#include "t.h"

/* JSON objects become maps; AttributeValues (one member named by a type)
 * must be structs, as the codec makes them. */
static void
to_av(nb_value *v, int is_av)
{
    if (v->type != NB_V_MAP && v->type != NB_V_LIST)
        return;
    if (is_av)
        v->type = NB_V_STRUCT;
    for (nb_value *c = v->u.c.first; c; c = c->next) {
        if (is_av && (strcmp(c->key, "M") == 0 || strcmp(c->key, "L") == 0))
            for (nb_value *d = c->u.c.first; d; d = d->next)
                to_av(d, 1);
    }
}

/* An AttributeValue map from JSON in DynamoDB's form ({"a":{"S":"x"}});
 * B values are not used here. */
static nb_value *
avmap(nb_call *c, const char *json)
{
    nb_value *raw, *out;
    if (nb_json_parse_value(c->arena, json, strlen(json), &raw, NULL))
        return NULL;
    /* JSON objects became maps; AttributeValues must be structs */
    for (nb_value *e = raw->u.c.first; e; e = e->next)
        to_av(e, 1);
    if (ddb_item_norm(c, raw, &out))
        return NULL;
    return out;
}

/* The message of parsing text as kind, or "" when it parses. */
static const char *
perr(int kind, const char *text, const char *names, const char *values)
{
    static char buf[512];
    nb_call *c = nb_call_new(NULL, NULL);
    ddb_expr_ctx cx = {0};
    ddb_expr *e;
    cx.call = c;
    if (names) {
        nb_value *n;
        nb_json_parse_value(c->arena, names, strlen(names), &n, NULL);
        cx.names = n;
    }
    if (values)
        cx.values = avmap(c, values);
    int rc = ddb_expr_parse(&cx, kind, text, &e);
    if (!rc)
        rc = ddb_expr_check_unused(&cx);
    snprintf(buf, sizeof(buf), "%s", rc ? (c->err_msg ? c->err_msg : "?") : "");
    nb_call_free(c);
    return buf;
}

static int
cond(const char *text, const char *item, const char *values)
{
    nb_call *c = nb_call_new(NULL, NULL);
    ddb_expr_ctx cx = {0};
    ddb_expr *e;
    cx.call = c;
    cx.values = values ? avmap(c, values) : NULL;
    int r = ddb_expr_parse(&cx, DDB_EXPR_CONDITION, text, &e);
    if (!r)
        r = ddb_expr_eval(c, e, avmap(c, item));
    else
        r = -1;
    nb_call_free(c);
    return r;
}

int
main(void)
{
    const char *v = "{\":v\":{\"S\":\"x\"}}";
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = :v", NULL, v), "", "a valid update");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = :v,", NULL, v),
            "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\"",
            "syntax error at the end");
    t_streq(perr(DDB_EXPR_CONDITION, "a = = :v", NULL, v),
            "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"",
            "syntax error: token and neighbours");
    t_streq(perr(DDB_EXPR_UPDATE, "SET size = :v", NULL, v),
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: "
            "size",
            "reserved word");
    t_streq(perr(DDB_EXPR_UPDATE, "SET #a = :v", NULL, v),
            "Invalid UpdateExpression: An expression attribute name used in the document path is "
            "not defined; attribute name: #a",
            "undefined name");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = :w", NULL, v),
            "Invalid UpdateExpression: An expression attribute value used in expression is not "
            "defined; attribute value: :w",
            "undefined value");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = :v", "{\"#b\":\"b\"}", v),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
            "unused name");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = :v REMOVE a", NULL, v),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
            "rewrite one of these paths; path one: [a], path two: [a]",
            "overlapping paths");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a[1] = :v, a.b = :v", NULL, v),
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove "
            "or rewrite one of these paths; path one: [a, [1]], path two: [a, b]",
            "conflicting paths");
    t_streq(perr(DDB_EXPR_UPDATE, "ADD a :v", NULL, v),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator: ADD, operand type: STRING",
            "ADD of a string");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = :v + :v", NULL, v),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator or function: +, operand type: S",
            "+ of a string");
    t_streq(perr(DDB_EXPR_UPDATE, "SET a = foo(:v)", NULL, v),
            "Invalid UpdateExpression: Invalid function name; function: foo", "unknown function");
    t_streq(perr(DDB_EXPR_CONDITION, "attribute_exists(:v)", NULL, v),
            "Invalid ConditionExpression: Operator or function requires a document path; "
            "operator or function: attribute_exists",
            "attribute_exists of a value");
    t_streq(perr(DDB_EXPR_CONDITION, "begins_with(a)", NULL, NULL),
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
            "operator or function: begins_with, number of operands: 1",
            "wrong number of operands");
    t_streq(perr(DDB_EXPR_CONDITION, "a = a", NULL, NULL),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining "
            "operands for this operator or function; operator: =, first operand: [a]",
            "same operands");
    t_streq(perr(DDB_EXPR_CONDITION, "", NULL, NULL),
            "Invalid ConditionExpression: The expression can not be empty;", "empty expression");
    t_streq(perr(DDB_EXPR_PROJECTION, "a, b.c, d[0]", NULL, NULL), "", "a projection");

    const char *item =
        "{\"a\":{\"N\":\"5\"},\"s\":{\"S\":\"hello\"},\"l\":{\"L\":[{\"N\":\"1\"}]}}";
    t_inteq(cond("a > :v", item, "{\":v\":{\"N\":\"4.99\"}}"), 1, "number comparison");
    t_inteq(cond("a > :v", item, "{\":v\":{\"S\":\"4\"}}"), 0, "different types: false");
    t_inteq(cond("begins_with(s, :v)", item, "{\":v\":{\"S\":\"he\"}}"), 1, "begins_with");
    t_inteq(cond("contains(s, :v)", item, "{\":v\":{\"S\":\"ll\"}}"), 1, "contains");
    t_inteq(cond("size(s) = :v", item, "{\":v\":{\"N\":\"5\"}}"), 1, "size of a string");
    t_inteq(cond("l[0] = :v", item, "{\":v\":{\"N\":\"1\"}}"), 1, "list index");
    t_inteq(cond("NOT (a = :v OR a = :w)", item, "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"2\"}}"), 1,
            "NOT and OR with parentheses");
    t_inteq(cond("a IN (:v, :w)", item, "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"5\"}}"), 1, "IN");
    t_inteq(cond("a BETWEEN :v AND :w", item, "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"5\"}}"), 1,
            "BETWEEN is inclusive");
    t_inteq(
        cond("attribute_not_exists(zz) AND attribute_type(a, :t)", item, "{\":t\":{\"S\":\"N\"}}"),
        1, "attribute_not_exists, attribute_type");
    return t_done();
}
