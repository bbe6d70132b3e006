/*
 * test_validate.c: the model lookups and the validator (model.c). The
 * expected messages are AWS's own, as reported by users of real AWS
 * (sources in model.c's header and next to each case), applied to the STS
 * model and to the query test model (tests/models/query_test.json).
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/model.h"
#include "core/service.h"
#include "core/value.h"
#include "fake_call.h"
#include "gen/query_test_model.h"
#include "gen/sts_model.h"
#include "t.h"

static const nb_service sts_svc = {
    .name = "sts",
    .model = &nb_sts_model,
    .validation_code = "ValidationError", /* AWS: STS/IAM say ValidationError (NixOS/nixops#328) */
};

static nb_call *call;

static void
fresh(const nb_model *m, const nb_service *svc)
{
    fake_call_free(call);
    call = fake_call_new(m);
    call->svc = svc;
}

static uint32_t
shape_idx(const nb_model *m, const char *name)
{
    const nb_shape *s = nb_model_shape_by_name(m, name);
    return s ? (uint32_t)(s - m->shapes) : NB_NO_SHAPE;
}

static int
validate(const nb_model *m, const char *shape, const nb_value *in)
{
    return nb_model_validate(call, m, shape_idx(m, shape), in);
}

static char *
repeat(const char *s, int n)
{
    size_t l = strlen(s);
    char *d = nb_arena_alloc(call->arena, l * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(d + l * (size_t)i, s, l);
    d[l * (size_t)n] = '\0';
    return d;
}

static void
test_lookups(void)
{
    const nb_model *m = &nb_sts_model;
    for (uint32_t i = 0; i < m->nops; i++) {
        const char *n = m->ops[i].name;
        t_ok(nb_model_op(m, n, strlen(n)) == &m->ops[i], n);
    }
    t_ok(nb_model_op(m, "GetCallerIdentityX", 17) == nb_model_op(m, "GetCallerIdentity", 17),
         "op: name is a slice");
    t_ok(!nb_model_op(m, "GetCallerIdentityX", 18), "op: unknown");
    t_ok(!nb_model_op(m, "Assume", 6), "op: prefix is not a match");
    t_ok(!nb_model_op(m, "", 0), "op: empty");
    t_ok(!nb_model_op(m, "assumerole", 10), "op: case matters");

    const nb_model *q = &nb_query_test_model;
    const nb_shape *req = nb_model_shape_by_name(q, "CreateThingRequest");
    t_ok(req && req->type == NB_T_STRUCTURE, "shape by name");
    t_ok(!nb_model_shape_by_name(q, "Nope"), "shape by name: absent");
    t_ok(nb_model_shape(q, q->nshapes) == NULL, "shape index out of range");
    const nb_member *mb = nb_shape_member(q, req, "Attributes", 10);
    t_ok(mb && strcmp(nb_member_wire(mb), "Attribute") == 0, "member by name");
    t_ok(nb_shape_member_wire(q, req, "Attribute", 9) == mb, "member by wire name");
    t_ok(!nb_shape_member_wire(q, req, "Attributes", 10), "wire name is not the name");
    t_ok(nb_shape_member_wire(q, req, "Name", 4) == nb_shape_member(q, req, "Name", 4),
         "wire name defaults to the name");
    t_ok(!nb_shape_member(q, req, "Nam", 3), "member: prefix is not a match");

    const nb_shape *e = nb_model_error(q, "ThingAlreadyExistsException");
    t_ok(e && strcmp(e->name, "ThingAlreadyExistsException") == 0, "error by shape name");
    t_ok(nb_model_error(q, "QueryTest.ThingAlreadyExists") == e, "error by code");
    t_ok(nb_model_error(q, "InvalidInput") == nb_model_shape_by_name(q, "InvalidInputException"),
         "error by code 2");
    t_ok(!nb_model_error(q, "CreateThingRequest"), "a non-error shape is not an error");
    t_ok(!nb_model_error(q, "ValidationError"), "unknown code");
}

/* AWS: STS AssumeRole without its two required members. */
static void
test_required(void)
{
    fresh(&nb_sts_model, &sts_svc);
    nb_value *in = nb_value_struct(call->arena);
    t_inteq(validate(&nb_sts_model, "AssumeRoleRequest", in), NB_EAWS, "missing required");
    t_streq(call->err_code, "ValidationError", "service's validation code");
    t_streq(call->err_msg,
            "2 validation errors detected: "
            "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
            "Value null at 'roleSessionName' failed to satisfy constraint: "
            "Member must not be null",
            "two nulls, joined with '; '");

    fresh(&nb_sts_model, NULL);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "RoleArn", "arn:aws:iam::123456789012:role/demo");
    t_inteq(validate(&nb_sts_model, "AssumeRoleRequest", in), NB_EAWS, "one missing");
    t_streq(call->err_code, "ValidationException", "default validation code");
    t_streq(call->err_msg,
            "1 validation error detected: Value null at 'roleSessionName' failed to satisfy "
            "constraint: Member must not be null",
            "singular form");

    fresh(&nb_sts_model, &sts_svc);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "RoleArn", "arn:aws:iam::123456789012:role/demo");
    nb_set_str(in, "RoleSessionName", "s1");
    nb_set_int(in, "DurationSeconds", 3600);
    t_inteq(validate(&nb_sts_model, "AssumeRoleRequest", in), NB_OK, "valid input");
    t_ok(call->err_code == NULL, "no error set");
    t_inteq(nb_model_validate(call, &nb_sts_model, NB_NO_SHAPE, in), NB_OK, "no shape");
}

static void
test_ranges(void)
{
    /* AWS: goldstack/goldstack#425 (GetSessionToken, same shape). */
    fresh(&nb_sts_model, &sts_svc);
    nb_value *in = nb_value_struct(call->arena);
    nb_set_int(in, "DurationSeconds", 600);
    t_inteq(validate(&nb_sts_model, "GetSessionTokenRequest", in), NB_EAWS, "range");
    t_streq(call->err_msg,
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900",
            "number below min, quoted");

    fresh(&nb_sts_model, &sts_svc);
    in = nb_value_struct(call->arena);
    nb_set_int(in, "DurationSeconds", 129601); /* GetSessionToken: up to 36 hours */
    validate(&nb_sts_model, "GetSessionTokenRequest", in);
    t_streq(call->err_msg,
            "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 129600",
            "number above max");

    /* AWS: aws/aws-sdk-java-v2#6129 (STS AssumeRole). */
    fresh(&nb_sts_model, &sts_svc);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "RoleArn", "arn:aws:iam::123456");
    nb_set_str(in, "RoleSessionName", "s1");
    validate(&nb_sts_model, "AssumeRoleRequest", in);
    t_streq(call->err_msg,
            "1 validation error detected: Value 'arn:aws:iam::123456' at 'roleArn' failed to "
            "satisfy constraint: Member must have length greater than or equal to 20",
            "string below min length");

    /* AWS: youyo/awslogin#20, "'roleSessionName' ... less than or equal to 64". */
    fresh(&nb_sts_model, &sts_svc);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "RoleArn", "arn:aws:iam::123456789012:role/demo");
    nb_set_str(in, "RoleSessionName", repeat("\xC3\xA9", 64)); /* 64 characters, 128 bytes */
    t_inteq(validate(&nb_sts_model, "AssumeRoleRequest", in), NB_OK,
            "length counts characters, not bytes");
    nb_set_str(in, "RoleSessionName", repeat("\xC3\xA9", 65));
    t_inteq(validate(&nb_sts_model, "AssumeRoleRequest", in), NB_EAWS, "65 characters");
    t_ok(call->err_msg && strstr(call->err_msg, "at 'roleSessionName' failed to satisfy "
                                                "constraint: Member must have length less "
                                                "than or equal to 64"),
         "string above max length");
}

/* AWS: 'tags.1.member.value' (CloudFormation, szuecs/kube-static-egress-
 * controller#35), 'attributeDefinitions.3.member.attributeType'. */
static void
test_nested(void)
{
    fresh(&nb_sts_model, &sts_svc);
    nb_value *in = nb_value_struct(call->arena);
    nb_set_str(in, "RoleArn", "arn:aws:iam::123456789012:role/demo");
    nb_set_str(in, "RoleSessionName", "s1");
    nb_value *tags = nb_set_list(in, "Tags");
    nb_value *t1 = nb_list_add_struct(tags);
    nb_set_str(t1, "Key", "k");
    nb_set_str(t1, "Value", "v");
    nb_value *t2 = nb_list_add_struct(tags);
    nb_set_str(t2, "Key", "k2");
    nb_set_str(t2, "Value", repeat("x", 257));
    validate(&nb_sts_model, "AssumeRoleRequest", in);
    char *want = nb_arena_printf(call->arena,
                                 "1 validation error detected: Value '%s' at "
                                 "'tags.2.member.value' failed to satisfy constraint: Member "
                                 "must have length less than or equal to 256",
                                 repeat("x", 257));
    t_streq(call->err_msg, want, "list of structures: path.N.member.field");

    fresh(&nb_query_test_model, NULL);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "Name", "thing");
    nb_value *tl = nb_set_list(in, "Tags");
    nb_list_add_struct(tl); /* no Key */
    nb_value *cfg = nb_set_struct(in, "Config");
    nb_set_int(cfg, "Size", 2000);
    nb_set_str(in, "State", "GONE");
    validate(&nb_query_test_model, "CreateThingRequest", in);
    t_streq(call->err_msg,
            "3 validation errors detected: "
            "Value 'GONE' at 'state' failed to satisfy constraint: Member must satisfy enum "
            "value set: [ACTIVE, INACTIVE, DELETING]; "
            "Value '2000' at 'config.size' failed to satisfy constraint: Member must have value "
            "less than or equal to 1024; "
            "Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not "
            "be null",
            "enum, nested structure, null inside a list item");
}

/* Lists and maps of scalars are judged as a whole (SWO-GS/auto-tag#77). */
static void
test_containers(void)
{
    const nb_model *q = &nb_query_test_model;
    fresh(q, NULL);
    nb_value *in = nb_value_struct(call->arena);
    nb_value *names = nb_set_list(in, "Names");
    nb_list_add_str(names, "a");
    nb_list_add_str(names, "");
    nb_set_int(in, "MaxResults", 0);
    validate(q, "DescribeThingsRequest", in);
    t_streq(call->err_msg,
            "2 validation errors detected: "
            "Value '[a, ]' at 'names' failed to satisfy constraint: Member must satisfy "
            "constraint: [Member must have length less than or equal to 64, Member must have "
            "length greater than or equal to 1]; "
            "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value "
            "greater than or equal to 1",
            "list item constraint, integer min");

    fresh(q, NULL);
    in = nb_value_struct(call->arena);
    names = nb_set_list(in, "Names");
    for (int i = 0; i < 21; i++)
        nb_list_add_str(names, "n");
    validate(q, "DescribeThingsRequest", in);
    t_streq(call->err_msg,
            "1 validation error detected: Value '[n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, "
            "n, n, n, n, n]' at 'names' failed to satisfy constraint: Member must have length "
            "less than or equal to 20",
            "list count");

    fresh(q, NULL);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "Name", "thing");
    nb_value *attrs = nb_set_map(in, "Attributes");
    nb_set_str(attrs, "Color", "red");
    nb_set_str(attrs, "Smell", "bad");
    validate(q, "CreateThingRequest", in);
    t_streq(call->err_msg,
            "1 validation error detected: Value '{Color=red, Smell=bad}' at 'attributes' failed "
            "to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy "
            "enum value set: [Color, Size, Owner]]",
            "map key enum");

    fresh(q, NULL);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "Name", "thing");
    nb_value *labels = nb_set_map(in, "Labels");
    for (int i = 0; i < 11; i++) {
        char k[16];
        snprintf(k, sizeof(k), "k%d", i);
        nb_set_str(labels, k, "v");
    }
    t_inteq(validate(q, "CreateThingRequest", in), NB_EAWS, "map count");
    t_ok(call->err_msg && strstr(call->err_msg, "' at 'labels' failed to satisfy constraint: "
                                                "Member must have length less than or equal "
                                                "to 10"),
         "map count message");

    fresh(q, NULL);
    in = nb_value_struct(call->arena);
    nb_set_str(in, "Name", "");
    nb_set_list(in, "Tags"); /* empty list: min 0 */
    t_inteq(validate(q, "CreateThingRequest", in), NB_EAWS, "empty name");
    t_streq(call->err_msg,
            "1 validation error detected: Value '' at 'name' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
            "empty string");
}

/* A sensitive member's value is not printed (Cognito, massif-press/
 * compcon#1951: "Value at 'username' failed to satisfy constraint"). */
static void
test_sensitive(void)
{
    fresh(&nb_sts_model, &sts_svc);
    nb_value *in = nb_value_struct(call->arena);
    nb_set_str(in, "RoleArn", "arn:aws:iam::123456789012:role/demo");
    nb_set_str(in, "RoleSessionName", "web");
    nb_set_str(in, "WebIdentityToken", "abc");
    t_inteq(validate(&nb_sts_model, "AssumeRoleWithWebIdentityRequest", in), NB_EAWS,
            "short token");
    t_streq(call->err_msg,
            "1 validation error detected: Value at 'webIdentityToken' failed to satisfy "
            "constraint: Member must have length greater than or equal to 4",
            "sensitive value left out");
}

/* Long values are cut at 1 KiB with "..."; the next value prints whole. */
static void
test_long_values(void)
{
    const nb_model *q = &nb_query_test_model;
    fresh(q, NULL);
    nb_value *in = nb_value_struct(call->arena);
    nb_set_str(in, "Name", repeat("x", 2000));
    nb_value *tl = nb_set_list(in, "Tags");
    for (int i = 0; i < 51; i++)
        nb_set_str(nb_list_add_struct(tl), "Key", "k");
    t_inteq(validate(q, "CreateThingRequest", in), NB_EAWS, "long name, 51 tags");
    char *want = nb_arena_printf(call->arena, "Value '%s...' at 'name' failed", repeat("x", 1023));
    t_ok(call->err_msg && strstr(call->err_msg, want), "long value cut with '...'");
    size_t n = 0;
    for (const char *p = call->err_msg; p && (p = strstr(p, "{Key=k}")); p++)
        n++;
    t_inteq(n, 51, "the list after it prints whole");
    t_ok(call->err_msg && strstr(call->err_msg, "}]' at 'tags' failed to satisfy constraint: "
                                                "Member must have length less than or equal "
                                                "to 50"),
         "list count message");
}

/* Many violations: all counted; the message stays bounded. */
static void
test_many(void)
{
    const nb_model *q = &nb_query_test_model;
    fresh(q, NULL);
    nb_value *in = nb_value_struct(call->arena);
    nb_set_str(in, "Name", "thing");
    nb_value *tl = nb_set_list(in, "Tags");
    for (int i = 0; i < 5000; i++)
        nb_set_str(nb_list_add_struct(tl), "Key", repeat("k", 200));
    t_inteq(validate(q, "CreateThingRequest", in), NB_EAWS, "many violations");
    t_ok(call->err_msg && strncmp(call->err_msg, "5001 validation errors detected: ", 33) == 0,
         "all are counted");
    t_ok(call->err_msg && strlen(call->err_msg) < 200 * 1024, "message is bounded");
}

int
main(void)
{
    test_lookups();
    test_required();
    test_ranges();
    test_nested();
    test_containers();
    test_sensitive();
    test_long_values();
    test_many();
    fake_call_free(call);
    return t_done();
}
