/*
 * tags.h: the tag rows that DynamoDB, ECR, KMS and SSM keep alike, one
 * (account, region, owner, key, value) row per tag in a table of the
 * service's own. The service gives its SQL (its table and column names)
 * and the member names its model uses; each statement binds ?1 account,
 * ?2 region, ?3 owner (an ARN, a name, a key id), then ?4 key and ?5
 * value. Validation (reserved prefixes, limits) stays with the service,
 * whose errors differ.
 */
#ifndef NB_SERVICES_TAGS_H
#define NB_SERVICES_TAGS_H

#include "core/call.h"
#include "core/value.h"

typedef struct nb_tag_sql {
    const char *put;   /* INSERT OR REPLACE of one tag: ?1..?5 */
    const char *del;   /* DELETE of one key: ?1..?4 */
    const char *list;  /* SELECT key, value ... ORDER BY key: ?1..?3, and ?4 the
                        * key to start after when it pages (nb_tags_list) */
    const char *count; /* SELECT COUNT(*): ?1..?3 */
    const char *key;   /* the members of a tag: "Key", "TagKey", ... */
    const char *value;
} nb_tag_sql;

/* Puts each tag of the list tags (structures of q->key and q->value; a
 * missing value is stored as ""), replacing a key's earlier value. */
int nb_tags_put(nb_call *call, const nb_tag_sql *q, const char *owner, const nb_value *tags);
/* Deletes the keys of the list keys (strings); a key not there is no
 * error. */
int nb_tags_delete(nb_call *call, const nb_tag_sql *q, const char *owner, const nb_value *keys);
/* Appends the owner's tags in key order to list, as structures of q->key
 * and q->value. With after (not NULL) the keys after it only, and with
 * limit > 0 at most limit of them: *more then says whether more follow,
 * and *last is the last key appended (in the call's arena), or NULL. */
int nb_tags_list(nb_call *call, const nb_tag_sql *q, const char *owner, const char *after,
                 int64_t limit, nb_value *list, int *more, const char **last);
/* The number of the owner's tags, or -1 on a store failure. */
int64_t nb_tags_count(nb_call *call, const nb_tag_sql *q, const char *owner);

#endif
