/*
 * test_op_tables.c: every service's operation table names operations of
 * its own models (guide rule 6: the model, not our typing, decides names),
 * is sorted (nb_service_handler searches it), and every model's operations
 * are sorted for nb_model_op.
 */
#include <string.h>

#include "core/model.h"
#include "core/service.h"
#include "t.h"

static int
in_model(const nb_model *m, const char *name)
{
    return m && nb_model_op(m, name, strlen(name)) != NULL;
}

static void
check_model(const nb_service *s, const nb_model *m)
{
    if (!m)
        return;
    int sorted = 1;
    for (uint32_t i = 1; i < m->nops; i++)
        if (strcmp(m->ops[i - 1].name, m->ops[i].name) >= 0)
            sorted = 0;
    t_ok(sorted, s->name);
}

int
main(void)
{
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service *s = nb_services[i];
        int sorted = 1, known = 1;
        for (size_t j = 0; j < s->nops; j++) {
            if (j && strcmp(s->ops[j - 1].name, s->ops[j].name) >= 0)
                sorted = 0;
            if (!in_model(s->model, s->ops[j].name) && !in_model(s->alt_model, s->ops[j].name)) {
                known = 0;
                printf("# %s: %s is not in its models\n", s->name, s->ops[j].name);
            }
        }
        t_ok(sorted, "operation table sorted by name");
        t_ok(known, "every operation in the table is in the service's models");
        t_ok(s->validation_code != NULL, "validation error code set");
        check_model(s, s->model);
        check_model(s, s->alt_model);
        /* the handler lookup finds each entry */
        int found = 1;
        for (size_t j = 0; j < s->nops; j++)
            if (nb_service_handler(s, s->ops[j].name) != s->ops[j].fn)
                found = 0;
        t_ok(found, "nb_service_handler finds every operation");
    }
    return t_done();
}
