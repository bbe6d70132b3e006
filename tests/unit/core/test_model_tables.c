/*
 * test_model_tables.c: checks the generated STS tables (src/gen/sts_model.c)
 * against facts of the botocore 1.43.11 STS model, and the invariants every
 * generated table must keep: indexes in range, operations and shapes sorted
 * by name, lists with one item member and maps with key and value. It
 * indexes the tables directly, so that it depends on the generator alone,
 * not on the lookups of src/core/model.c.
 */
#include <stdio.h>
#include <string.h>

#include "gen/sts_model.h"
#include "t.h"

/* The operation named name, or NULL (linear scan). */
static const nb_operation *
find_op(const nb_model *m, const char *name)
{
    for (uint32_t i = 0; i < m->nops; i++)
        if (strcmp(m->ops[i].name, name) == 0)
            return &m->ops[i];
    return NULL;
}

/* The index of the shape named name, or NB_NO_SHAPE. */
static uint32_t
find_shape(const nb_model *m, const char *name)
{
    for (uint32_t i = 0; i < m->nshapes; i++)
        if (strcmp(m->shapes[i].name, name) == 0)
            return i;
    return NB_NO_SHAPE;
}

/* The member named name of shape idx, or NULL. */
static const nb_member *
find_member(const nb_model *m, uint32_t idx, const char *name)
{
    if (idx >= m->nshapes)
        return NULL;
    const nb_shape *s = &m->shapes[idx];
    for (uint32_t i = 0; i < s->nmembers; i++)
        if (strcmp(m->members[s->members + i].name, name) == 0)
            return &m->members[s->members + i];
    return NULL;
}

/* Whether the error list of op names the shape called name. */
static int
op_has_error(const nb_model *m, const nb_operation *op, const char *name)
{
    for (uint32_t i = 0; i < op->nerrors; i++)
        if (strcmp(m->shapes[m->errors[op->errors + i]].name, name) == 0)
            return 1;
    return 0;
}

/* Shape invariants; returns the number of broken ones (0 when fine). */
static int
check_shapes(const nb_model *m)
{
    int bad = 0;
    for (uint32_t i = 0; i < m->nshapes; i++) {
        const nb_shape *s = &m->shapes[i];
        if (i > 0 && strcmp(m->shapes[i - 1].name, s->name) >= 0)
            bad++;
        if (s->nmembers && (uint64_t)s->members + s->nmembers > m->nmembers)
            bad++;
        if (s->type == NB_T_LIST &&
            (s->nmembers != 1 || strcmp(m->members[s->members].name, "member") != 0))
            bad++;
        if (s->type == NB_T_MAP &&
            (s->nmembers != 2 || strcmp(m->members[s->members].name, "key") != 0 ||
             strcmp(m->members[s->members + 1].name, "value") != 0))
            bad++;
        if (s->type != NB_T_STRUCTURE && s->type != NB_T_LIST && s->type != NB_T_MAP &&
            s->nmembers != 0)
            bad++;
        if (s->nenum && s->type != NB_T_STRING)
            bad++;
        if ((s->flags & NB_SF_HAS_MIN) && (s->flags & NB_SF_HAS_MAX) && s->min > s->max)
            bad++;
    }
    for (uint32_t i = 0; i < m->nmembers; i++)
        if (m->members[i].shape >= m->nshapes)
            bad++;
    return bad;
}

/* Operation invariants; returns the number of broken ones. */
static int
check_ops(const nb_model *m)
{
    int bad = 0;
    for (uint32_t i = 0; i < m->nops; i++) {
        const nb_operation *op = &m->ops[i];
        if (i > 0 && strcmp(m->ops[i - 1].name, op->name) >= 0)
            bad++;
        if (op->input != NB_NO_SHAPE && op->input >= m->nshapes)
            bad++;
        if (op->output != NB_NO_SHAPE && op->output >= m->nshapes)
            bad++;
        for (uint32_t e = 0; e < op->nerrors; e++) {
            uint32_t idx = m->errors[op->errors + e];
            if (idx >= m->nshapes || !(m->shapes[idx].flags & NB_SF_EXCEPTION))
                bad++;
        }
        if (!op->method || !op->uri || op->http_status < 100)
            bad++;
    }
    return bad;
}

static void
test_metadata(const nb_model *m)
{
    t_streq(m->service_id, "STS", "serviceId");
    t_streq(m->api_version, "2011-06-15", "apiVersion");
    t_inteq(m->protocol, NB_P_QUERY, "protocol query");
    t_inteq(m->query_compatible, 0, "not awsQueryCompatible");
    t_ok(m->json_version == NULL, "no jsonVersion");
    t_streq(m->endpoint_prefix, "sts", "endpointPrefix");
    t_streq(m->signing_name, "sts", "signingName defaults to endpointPrefix");
    t_ok(m->target_prefix == NULL, "no targetPrefix");
    t_streq(m->xml_namespace, "https://sts.amazonaws.com/doc/2011-06-15/", "xmlNamespace");
    t_streq(m->source, "botocore 1.43.11", "source");
}

static void
test_assume_role(const nb_model *m)
{
    const nb_operation *op = find_op(m, "AssumeRole");
    t_ok(op != NULL, "AssumeRole exists");
    if (!op)
        return;
    t_streq(op->method, "POST", "AssumeRole method");
    t_streq(op->uri, "/", "AssumeRole requestUri");
    t_inteq(op->http_status, 200, "AssumeRole responseCode defaults to 200");
    t_streq(op->result_wrapper, "AssumeRoleResult", "AssumeRole result wrapper");
    t_inteq(op->input, find_shape(m, "AssumeRoleRequest"), "AssumeRole input shape");
    t_inteq(op->output, find_shape(m, "AssumeRoleResponse"), "AssumeRole output shape");
    t_ok(op_has_error(m, op, "ExpiredTokenException"), "AssumeRole lists ExpiredToken");
    t_ok(op_has_error(m, op, "MalformedPolicyDocumentException"),
         "AssumeRole lists MalformedPolicyDocument");

    const nb_member *arn = find_member(m, op->input, "RoleArn");
    t_ok(arn != NULL, "AssumeRoleRequest has RoleArn");
    if (arn) {
        const nb_shape *s = &m->shapes[arn->shape];
        t_ok(arn->flags & NB_MF_REQUIRED, "RoleArn is required");
        t_inteq(arn->loc, NB_LOC_BODY, "RoleArn in the body");
        t_ok(arn->wire == NULL, "RoleArn has no locationName");
        t_streq(s->name, "arnType", "RoleArn shape");
        t_inteq(s->type, NB_T_STRING, "arnType is a string");
        t_ok((s->flags & (NB_SF_HAS_MIN | NB_SF_HAS_MAX)) == (NB_SF_HAS_MIN | NB_SF_HAS_MAX),
             "arnType has min and max");
        t_inteq(s->min, 20, "arnType min 20");
        t_inteq(s->max, 2048, "arnType max 2048");
    }
    const nb_member *pol = find_member(m, op->input, "Policy");
    t_ok(pol && !(pol->flags & NB_MF_REQUIRED), "Policy is optional");
    const nb_member *tags = find_member(m, op->input, "Tags");
    t_ok(tags && m->shapes[tags->shape].type == NB_T_LIST, "Tags is a list");
    if (tags) {
        const nb_shape *l = &m->shapes[tags->shape];
        const nb_member *item = &m->members[l->members];
        t_inteq(l->nmembers, 1, "list has one item member");
        t_streq(item->name, "member", "list item is named member");
        t_ok(item->wire == NULL, "list item has no locationName");
        t_streq(m->shapes[item->shape].name, "Tag", "list item shape");
        t_inteq(l->max, 50, "tagListType max 50");
    }
}

static void
test_duration(const nb_model *m)
{
    uint32_t idx = find_shape(m, "roleDurationSecondsType");
    t_ok(idx != NB_NO_SHAPE, "roleDurationSecondsType exists");
    if (idx == NB_NO_SHAPE)
        return;
    const nb_shape *s = &m->shapes[idx];
    t_inteq(s->type, NB_T_INTEGER, "roleDurationSecondsType is an integer");
    t_ok(s->flags & NB_SF_HAS_MIN, "roleDurationSecondsType has min");
    t_ok(s->flags & NB_SF_HAS_MAX, "roleDurationSecondsType has max");
    t_inteq(s->min, 900, "roleDurationSecondsType min 900");
    t_inteq(s->max, 43200, "roleDurationSecondsType max 43200");
    const nb_member *d = find_member(m, find_shape(m, "AssumeRoleRequest"), "DurationSeconds");
    t_ok(d && d->shape == idx, "DurationSeconds uses roleDurationSecondsType");
}

static void
test_caller_identity(const nb_model *m)
{
    const nb_operation *op = find_op(m, "GetCallerIdentity");
    t_ok(op != NULL, "GetCallerIdentity exists");
    if (!op)
        return;
    t_streq(op->result_wrapper, "GetCallerIdentityResult", "GetCallerIdentity result wrapper");
    t_inteq(op->nerrors, 0, "GetCallerIdentity lists no errors");
    t_ok(op->input != NB_NO_SHAPE && m->shapes[op->input].nmembers == 0,
         "GetCallerIdentityRequest is empty");
    t_ok(find_member(m, op->output, "Account") != NULL, "output has Account");
    t_ok(find_member(m, op->output, "Arn") != NULL, "output has Arn");
    t_ok(find_member(m, op->output, "UserId") != NULL, "output has UserId");
}

static void
test_errors(const nb_model *m)
{
    uint32_t idx = find_shape(m, "ExpiredTokenException");
    t_ok(idx != NB_NO_SHAPE, "ExpiredTokenException exists");
    if (idx != NB_NO_SHAPE) {
        const nb_shape *s = &m->shapes[idx];
        t_ok(s->flags & NB_SF_EXCEPTION, "ExpiredToken is an exception");
        t_ok(s->flags & NB_SF_SENDER_FAULT, "ExpiredToken is a sender fault");
        t_streq(s->err_code, "ExpiredTokenException", "ExpiredToken error code");
        t_inteq(s->err_status, 400, "ExpiredToken status 400");
    }
    idx = find_shape(m, "PackedPolicyTooLargeException");
    t_ok(idx != NB_NO_SHAPE && m->shapes[idx].err_code &&
             strcmp(m->shapes[idx].err_code, "PackedPolicyTooLarge") == 0,
         "PackedPolicyTooLarge: code differs from the shape name");
    idx = find_shape(m, "RegionDisabledException");
    t_ok(idx != NB_NO_SHAPE && m->shapes[idx].err_status == 403, "RegionDisabled status 403");
    idx = find_shape(m, "Credentials");
    t_ok(idx != NB_NO_SHAPE && !(m->shapes[idx].flags & NB_SF_EXCEPTION) &&
             m->shapes[idx].err_code == NULL && m->shapes[idx].err_status == 0,
         "Credentials is no error");
}

int
main(void)
{
    const nb_model *m = &nb_sts_model;

    t_inteq(m->nops, 11, "STS has 11 operations");
    t_ok(m->nshapes > 0 && m->nmembers > 0, "tables are not empty");
    t_inteq(check_ops(m), 0, "operations sorted by name, indexes in range");
    t_inteq(check_shapes(m), 0, "shapes sorted by name, members in range");
    test_metadata(m);
    test_assume_role(m);
    test_duration(m);
    test_caller_identity(m);
    test_errors(m);
    return t_done();
}
