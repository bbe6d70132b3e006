/*
 * tags.c: tag rows kept alike by several services (tags.h).
 */
#include "tags.h"

#include "store/store.h"

/* A statement of q with ?1 account, ?2 region, ?3 owner bound. */
static nb_stmt *
owned(nb_call *call, const char *sql, const char *owner)
{
    nb_stmt *st = nb_sql(call, sql);
    if (st) {
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, call->region);
        nb_bind_text(st, 3, owner);
    }
    return st;
}

int
nb_tags_put(nb_call *call, const nb_tag_sql *q, const char *owner, const nb_value *tags)
{
    for (const nb_value *t = nb_first(tags); t; t = t->next) {
        nb_stmt *st = owned(call, q->put, owner);
        const char *v = nb_get_str(t, q->value);
        if (!st)
            return NB_EIO;
        nb_bind_text(st, 4, nb_get_str(t, q->key));
        nb_bind_text(st, 5, v ? v : "");
        if (nb_step(st) != NB_DONE)
            return NB_EIO;
    }
    return NB_OK;
}

int
nb_tags_delete(nb_call *call, const nb_tag_sql *q, const char *owner, const nb_value *keys)
{
    for (const nb_value *k = nb_first(keys); k; k = k->next) {
        nb_stmt *st = owned(call, q->del, owner);
        if (!st)
            return NB_EIO;
        nb_bind_text(st, 4, k->u.s.p);
        if (nb_step(st) != NB_DONE)
            return NB_EIO;
    }
    return NB_OK;
}

int
nb_tags_list(nb_call *call, const nb_tag_sql *q, const char *owner, const char *after,
             int64_t limit, nb_value *list, int *more, const char **last)
{
    nb_stmt *st = owned(call, q->list, owner);
    int64_t n = 0;
    int rc;
    if (more)
        *more = 0;
    if (last)
        *last = NULL;
    if (!st)
        return NB_EIO;
    if (after)
        nb_bind_text(st, 4, after);
    while ((rc = nb_step(st)) == NB_ROW) {
        if (limit > 0 && n++ == limit) {
            if (more)
                *more = 1;
            return NB_OK;
        }
        nb_value *t = nb_list_add_struct(list);
        if (!t || nb_set_str(t, q->key, nb_col_text(st, 0)) ||
            nb_set_str(t, q->value, nb_col_text(st, 1)))
            return NB_ENOMEM;
        if (last)
            *last = nb_get_str(t, q->key); /* the tree's copy */
    }
    return rc == NB_DONE ? NB_OK : NB_EIO;
}

int64_t
nb_tags_count(nb_call *call, const nb_tag_sql *q, const char *owner)
{
    nb_stmt *st = owned(call, q->count, owner);
    return st && nb_step(st) == NB_ROW ? nb_col_int(st, 0) : -1;
}
