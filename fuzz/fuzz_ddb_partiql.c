/*
 * fuzz_ddb_partiql.c: libFuzzer target for DynamoDB's PartiQL parser
 * (src/services/dynamodb/ddb_partiql.c). The input is a statement; two
 * parameters (a string and a number) are bound to its first '?'s. A
 * statement that parses has its parts run on a fixed item, as the
 * executor would: WHERE evaluated, the projection taken, the update
 * applied to a copy. Any failure must be an error message, never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/json.h"
#include "core/value.h"
#include "services/dynamodb/ddb_int.h"
#include "services/dynamodb/ddb_partiql.h"

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

static const char params_json[] = "[{\"S\":\"ab\"},{\"N\":\"1.5\"}]";
static const char item_json[] =
    "{\"a\":{\"S\":\"abc\"},\"b\":{\"N\":\"2\"},\"l\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"x\":"
    "{\"S\":\"y\"}}}]},\"m\":{\"M\":{\"x\":{\"L\":[]}}},\"ss\":{\"SS\":[\"q\",\"r\"]}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    nb_call *c = nb_call_new(NULL, NULL);
    if (!c)
        return 0;
    ddb_pq pq;
    const char *err;
    nb_value *params = avs(c, params_json), *item = avs(c, item_json);
    if (!params || !item ||
        ddb_pq_parse(c->arena, (const char *)data, size, params, &pq, &err) != NB_OK)
        goto out;
    if (pq.where) {
        ddb_expr_eval(c, pq.where, item);
        ddb_expr_eval(c, pq.where, NULL);
    }
    if (pq.proj) {
        nb_value *p;
        ddb_expr_project(c, pq.proj, item, &p);
    }
    if (pq.update) {
        nb_value *copy = nb_value_copy(c->arena, item);
        if (copy)
            ddb_expr_update(c, pq.update, copy);
    }
    if (pq.item) {
        nb_value *norm;
        ddb_item_norm(c, pq.item, &norm);
    }
out:
    nb_call_free(c);
    return 0;
}
