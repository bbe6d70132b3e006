/*
 * fuzz_ddb_expr.c: libFuzzer target for DynamoDB's expression language
 * (src/services/dynamodb/ddb_expr.c and ddb_expr_eval.c). The first byte
 * picks the kind of expression (condition, key condition, filter,
 * projection, update), the rest is its text. Names #a, #b and values :s,
 * :n, :l, :m, :ss, :z are defined. A parsed expression is evaluated on a
 * fixed item: conditions and filters, projection, the update on a copy,
 * and a key condition is taken apart against a hash and range key. Any
 * failure must be an AWS error, never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/json.h"
#include "core/value.h"
#include "services/dynamodb/ddb_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static nb_value *
avmap(nb_call *c, const char *json)
{
    nb_value *raw, *out;
    if (nb_json_parse_value(c->arena, json, strlen(json), &raw, NULL))
        return NULL;
    for (nb_value *e = raw->u.c.first; e; e = e->next)
        to_av(e);
    return ddb_item_norm(c, raw, &out) ? NULL : out;
}

static const char names_json[] = "{\"#a\":\"a\",\"#b\":\"b\"}";
static const char values[] =
    "{\":s\":{\"S\":\"ab\"},\":n\":{\"N\":\"1.5\"},\":l\":{\"L\":[{\"N\":\"1\"}]},"
    "\":m\":{\"M\":{\"x\":{\"S\":\"y\"}}},\":ss\":{\"SS\":[\"q\"]},\":z\":{\"NULL\":true}}";
static const char item_json[] =
    "{\"a\":{\"S\":\"abc\"},\"b\":{\"N\":\"2\"},\"l\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"x\":"
    "{\"S\":\"y\"}}}]},\"m\":{\"M\":{\"x\":{\"L\":[]}}},\"ss\":{\"SS\":[\"q\",\"r\"]}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    nb_call *c = nb_call_new(NULL, NULL);
    if (!c)
        return 0;
    int kind = data[0] % 5;
    char *text = nb_arena_strndup(c->arena, (const char *)data + 1, size - 1);
    nb_value *names;
    ddb_expr_ctx cx = {0};
    ddb_expr *e = NULL;
    cx.call = c;
    if (!text || nb_json_parse_value(c->arena, names_json, strlen(names_json), &names, NULL))
        goto out;
    cx.names = names;
    cx.values = avmap(c, values);
    nb_value *item = avmap(c, item_json);
    if (!cx.values || !item || ddb_expr_parse(&cx, kind, text, &e) != NB_OK)
        goto out;
    ddb_expr_check_unused(&cx);
    if (kind == DDB_EXPR_PROJECTION) {
        nb_value *p;
        ddb_expr_project(c, e, item, &p);
    } else if (kind == DDB_EXPR_UPDATE) {
        nb_value *copy = nb_value_copy(c->arena, item);
        if (copy)
            ddb_expr_update(c, e, copy);
    } else if (kind == DDB_EXPR_KEY_CONDITION) {
        ddb_keydef h = {"a", DDB_S}, r = {"b", DDB_N};
        ddb_keycond kc;
        ddb_expr_keycond(c, e, &h, &r, &kc);
    } else {
        ddb_expr_eval(c, e, item);
        ddb_expr_eval(c, e, NULL);
    }
out:
    nb_call_free(c);
    return 0;
}
