/*
 * ddb_capacity.c: the capacity units a request consumed, by table and by
 * secondary index, as ReturnConsumedCapacity (TOTAL or INDEXES) reports
 * them in ConsumedCapacity.
 *
 * AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 * read-write-operations.html: a read is one unit per 4 KB of the items
 * read (a Query or Scan sums the sizes of every item it read, before any
 * filter, then rounds up), half of that when eventually consistent; a
 * write is one unit per 1 KB of the larger of the item before and after;
 * transactional reads and writes cost twice. GSI.html#GSI.Throughput
 * Considerations.Writes: a write that puts an item into an index, or takes
 * it out, costs one index write of the projected item's size; one that
 * changes an index key costs two (delete and put); one that changes only
 * projected attributes costs one; an item in the index neither before nor
 * after costs nothing.
 */
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "ddb_int.h"

double
ddb_read_units(size_t bytes, int consistent)
{
    double u = bytes ? (double)((bytes + 4095) / 4096) : 1;
    return consistent ? u : u / 2;
}

static double
wunits(size_t bytes)
{
    return bytes ? (double)((bytes + 1023) / 1024) : 1;
}

static int
has_keys(const ddb_index *ix, const nb_value *item)
{
    const ddb_keydef *k[2] = {&ix->hash, &ix->range};
    if (!item)
        return 0;
    for (int i = 0; i < 2; i++) {
        const nb_value *v = k[i]->name ? ddb_map_get(item, k[i]->name, strlen(k[i]->name)) : NULL;
        if (k[i]->name && (!v || ddb_av_type(v, NULL) != k[i]->type))
            return 0;
    }
    return 1;
}

static int
same_attr(const nb_value *a, const nb_value *b, const char *name)
{
    const nb_value *x = name ? ddb_map_get(a, name, strlen(name)) : NULL;
    const nb_value *y = name ? ddb_map_get(b, name, strlen(name)) : NULL;
    return (!x && !y) || (x && y && ddb_av_equal(x, y));
}

static int
map_equal(const nb_value *a, const nb_value *b)
{
    if (a->u.c.n != b->u.c.n)
        return 0;
    for (const nb_value *c = nb_first(a); c; c = c->next) {
        const nb_value *d = ddb_map_get(b, c->key, c->klen);
        if (!d || !ddb_av_equal(c, d))
            return 0;
    }
    return 1;
}

/* An arena copy of t, which outlives the caller's. */
static const ddb_table *
keep(nb_call *call, const ddb_table *t)
{
    ddb_table *k = nb_arena_alloc(call->arena, sizeof(*k));
    if (k)
        *k = *t;
    return k;
}

void
ddb_cap_write(nb_call *call, const ddb_table *t, const nb_value *old, const nb_value *item,
              double factor, ddb_cap *c)
{
    size_t a = old ? ddb_item_size(old) : 0, b = item ? ddb_item_size(item) : 0;
    if (!c->t)
        c->t = keep(call, t);
    c->table = t->name;
    c->table_units += factor * wunits(a > b ? a : b);
    for (size_t i = 0; i < t->nidx; i++) {
        const ddb_index *ix = &t->idx[i];
        int was = has_keys(ix, old), is = has_keys(ix, item);
        const nb_value *po = was ? ddb_index_project(call->arena, t, ix, old) : NULL;
        const nb_value *pn = is ? ddb_index_project(call->arena, t, ix, item) : NULL;
        double u = 0;
        if (was && is) {
            if (!same_attr(old, item, ix->hash.name) || !same_attr(old, item, ix->range.name))
                u = wunits(ddb_item_size(po)) + wunits(ddb_item_size(pn));
            else if (po && pn && !map_equal(po, pn))
                u = wunits(ddb_item_size(pn));
        } else if (was || is) {
            u = wunits(ddb_item_size(was ? po : pn));
        }
        c->idx[i] += factor * u;
    }
}

static int
capacity(nb_value *c, double units, int write)
{
    int rc = nb_set_double(c, "CapacityUnits", units);
    return rc ? rc : nb_set_double(c, write ? "WriteCapacityUnits" : "ReadCapacityUnits", units);
}

/* One ConsumedCapacity structure in c. */
static int
fill(nb_value *c, const ddb_cap *cap, int indexes, int write)
{
    double total = cap->table_units;
    const ddb_table *t = cap->t;
    for (size_t i = 0; t && i < t->nidx; i++)
        total += cap->idx[i];
    int rc = nb_set_str(c, "TableName", cap->table);
    rc = rc ? rc : capacity(c, total, write);
    if (rc || !indexes)
        return rc;
    if (!cap->index_read) {
        nb_value *tb = nb_set_struct(c, "Table");
        if (!tb || (rc = capacity(tb, cap->table_units, write)))
            return tb ? rc : NB_ENOMEM;
    }
    for (size_t i = 0; t && i < t->nidx; i++) {
        const ddb_index *ix = &t->idx[i];
        if (cap->idx[i] == 0 && !(cap->index_read && cap->index_read == ix))
            continue;
        const char *k = ix->global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
        nb_value *m = (nb_value *)nb_get(c, k);
        if (!m && !(m = nb_set_map(c, k)))
            return NB_ENOMEM;
        nb_value *e = nb_value_struct(nb_value_arena(c));
        if (!e || (rc = capacity(e, cap->idx[i], write)) ||
            nb_value_put(m, ix->name, strlen(ix->name), e))
            return e ? (rc ? rc : NB_ENOMEM) : NB_ENOMEM;
    }
    return NB_OK;
}

static const char *
mode(const nb_value *in)
{
    const char *r = nb_get_str(in, "ReturnConsumedCapacity");
    return r && strcmp(r, "NONE") != 0 ? r : NULL;
}

int
ddb_consumed(nb_call *call, const nb_value *in, nb_value *out, const ddb_cap *cap, int write)
{
    const char *r = mode(in);
    if (!r)
        return NB_OK;
    nb_value *c = nb_set_struct(out, "ConsumedCapacity");
    return c ? fill(c, cap, strcmp(r, "INDEXES") == 0, write) : NB_ENOMEM;
}

int
ddb_consumed_list(nb_call *call, const nb_value *in, nb_value *out, const ddb_cap *caps, size_t n,
                  int write)
{
    const char *r = mode(in);
    if (!r)
        return NB_OK;
    nb_value *l = nb_set_list(out, "ConsumedCapacity");
    if (!l)
        return NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        nb_value *c = nb_list_add_struct(l);
        int rc = c ? fill(c, &caps[i], strcmp(r, "INDEXES") == 0, write) : NB_ENOMEM;
        if (rc)
            return rc;
    }
    return NB_OK;
}

ddb_cap *
ddb_cap_for(nb_call *call, ddb_cap *caps, size_t *n, const ddb_table *t)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(caps[i].table, t->name) == 0)
            return &caps[i];
    memset(&caps[*n], 0, sizeof(caps[*n]));
    caps[*n].table = t->name;
    caps[*n].t = keep(call, t);
    return caps[*n].t ? &caps[(*n)++] : NULL;
}

void
ddb_cap_read(nb_call *call, const ddb_table *t, const ddb_index *ix, double units, ddb_cap *c)
{
    if (!c->t)
        c->t = keep(call, t);
    c->table = t->name;
    if (!ix || !c->t) {
        c->table_units += units;
        return;
    }
    size_t i = (size_t)(ix - t->idx);
    c->index_read = &c->t->idx[i];
    c->idx[i] += units;
}
