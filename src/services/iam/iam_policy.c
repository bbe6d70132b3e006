/*
 * iam_policy.c: managed policies. Customer managed policies live in
 * iam_policies (one row each) and iam_policy_versions (up to five
 * documents, one the default). AWS managed policies
 * (arn:aws:iam::aws:policy/...) are a small built-in list, answered by
 * GetPolicy, GetPolicyVersion and ListPolicies; any AWS managed policy ARN
 * may be attached, known or not, since CDK apps name many of them.
 *
 * AWS: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
 * (EntityAlreadyExists "A policy called X already exists. Duplicate names
 * are not allowed."), API_CreatePolicyVersion.html (LimitExceeded at five
 * versions), API_DeletePolicy.html (DeleteConflict while attached or while
 * non-default versions remain), API_DeletePolicyVersion.html (the default
 * version cannot be deleted), API_ListPolicies.html (Scope All|AWS|Local,
 * OnlyAttached, PathPrefix, PolicyUsageFilter), API_ListEntitiesForPolicy.html.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "iam_int.h"
#include "store/store.h"

/* AWS: a managed policy document holds at most 6,144 characters, white
 * space aside (LimitExceeded "Cannot exceed quota for PolicySize: 6144"). */
#define MAX_POLICY_SIZE 6144
/* AWS: a managed policy keeps at most five versions. */
#define MAX_VERSIONS 5
/* When the built-in AWS managed policies are dated (2015-02-06). */
#define AWS_POLICY_DATE 1423245600.0

/* A managed policy, customer or AWS; strings in the call's arena. */
typedef struct pol {
    const char *arn;         /* arn:aws:iam::<account|aws>:policy<path><name> */
    const char *name;        /* PolicyName */
    const char *id;          /* ANPA... */
    const char *path;        /* "/" or "/a/" */
    const char *description; /* or "" */
    int64_t dflt;            /* default version number (v<dflt>) */
    int64_t next;            /* number the next version gets */
    double created;          /* CreateDate */
    double updated;          /* UpdateDate */
    const char *doc;         /* AWS managed: the document; else NULL */
} pol;

/* An AWS managed policy nimbus knows. */
typedef struct aws_pol {
    const char *path; /* "/" or "/service-role/" */
    const char *name; /* PolicyName */
    const char *doc;  /* its default version's document */
} aws_pol;

#define ALL_RESOURCES "\"Resource\":\"*\"}]}"
#define V "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
#define LOGS "\"logs:CreateLogGroup\",\"logs:CreateLogStream\",\"logs:PutLogEvents\""

/* AWS: the documents of these policies as the IAM console shows them. */
static const aws_pol aws_pols[] = {
    {"/", "AdministratorAccess", V "\"Action\":\"*\"," ALL_RESOURCES},
    {"/", "AmazonDynamoDBFullAccess", V "\"Action\":[\"dynamodb:*\"]," ALL_RESOURCES},
    {"/", "AmazonS3FullAccess", V "\"Action\":[\"s3:*\",\"s3-object-lambda:*\"]," ALL_RESOURCES},
    {"/", "AmazonS3ReadOnlyAccess",
     V "\"Action\":[\"s3:Get*\",\"s3:List*\",\"s3:Describe*\",\"s3-object-lambda:Get*\","
       "\"s3-object-lambda:List*\"]," ALL_RESOURCES},
    {"/", "AmazonSQSFullAccess", V "\"Action\":[\"sqs:*\"]," ALL_RESOURCES},
    {"/", "AmazonSSMReadOnlyAccess",
     V "\"Action\":[\"ssm:Describe*\",\"ssm:Get*\",\"ssm:List*\"]," ALL_RESOURCES},
    {"/", "AWSCloudFormationFullAccess", V "\"Action\":[\"cloudformation:*\"]," ALL_RESOURCES},
    {"/", "AWSXrayWriteOnlyAccess",
     V "\"Action\":[\"xray:PutTraceSegments\",\"xray:PutTelemetryRecords\","
       "\"xray:GetSamplingRules\",\"xray:GetSamplingTargets\","
       "\"xray:GetSamplingStatisticSummaries\"]," ALL_RESOURCES},
    {"/", "CloudWatchLogsFullAccess", V "\"Action\":[\"logs:*\"]," ALL_RESOURCES},
    {"/", "IAMFullAccess", V "\"Action\":[\"iam:*\"]," ALL_RESOURCES},
    {"/", "PowerUserAccess",
     V "\"NotAction\":[\"iam:*\",\"organizations:*\",\"account:*\"],\"Resource\":\"*\"},"
       "{\"Effect\":\"Allow\",\"Action\":[\"iam:CreateServiceLinkedRole\","
       "\"iam:DeleteServiceLinkedRole\",\"iam:ListRoles\","
       "\"organizations:DescribeOrganization\",\"account:ListRegions\"]," ALL_RESOURCES},
    {"/service-role/", "AmazonECSTaskExecutionRolePolicy",
     V "\"Action\":[\"ecr:GetAuthorizationToken\",\"ecr:BatchCheckLayerAvailability\","
       "\"ecr:GetDownloadUrlForLayer\",\"ecr:BatchGetImage\",\"logs:CreateLogStream\","
       "\"logs:PutLogEvents\"]," ALL_RESOURCES},
    {"/service-role/", "AWSLambdaBasicExecutionRole", V "\"Action\":[" LOGS "]," ALL_RESOURCES},
    {"/service-role/", "AWSLambdaDynamoDBExecutionRole",
     V "\"Action\":[\"dynamodb:DescribeStream\",\"dynamodb:GetRecords\","
       "\"dynamodb:GetShardIterator\",\"dynamodb:ListStreams\"," LOGS "]," ALL_RESOURCES},
    {"/service-role/", "AWSLambdaSQSQueueExecutionRole",
     V "\"Action\":[\"sqs:ReceiveMessage\",\"sqs:DeleteMessage\",\"sqs:GetQueueAttributes\"," LOGS
       "]," ALL_RESOURCES},
    {"/service-role/", "AWSLambdaVPCAccessExecutionRole",
     V "\"Action\":[" LOGS ",\"ec2:CreateNetworkInterface\",\"ec2:DescribeNetworkInterfaces\","
       "\"ec2:DescribeSubnets\",\"ec2:DeleteNetworkInterface\","
       "\"ec2:AssignPrivateIpAddresses\",\"ec2:UnassignPrivateIpAddresses\"]," ALL_RESOURCES},
};

static const aws_pol *
aws_find(const char *arn)
{
    static const char pre[] = "arn:aws:iam::aws:policy";
    if (strncmp(arn, pre, sizeof(pre) - 1) != 0)
        return NULL;
    arn += sizeof(pre) - 1;
    for (size_t i = 0; i < NB_ARRAY_LEN(aws_pols); i++) {
        size_t pl = strlen(aws_pols[i].path);
        if (strncmp(arn, aws_pols[i].path, pl) == 0 && strcmp(arn + pl, aws_pols[i].name) == 0)
            return &aws_pols[i];
    }
    return NULL;
}

const char *
iam_aws_policy_doc(const char *arn)
{
    const aws_pol *a = aws_find(arn);
    return a ? a->doc : NULL;
}

/* A stable id for an AWS managed policy, from its name. */
static const char *
aws_id(nb_call *call, const char *name)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint64_t h = 1469598103934665603ull;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    char *id = nb_arena_alloc(call->arena, 22);
    if (!id)
        return NULL;
    memcpy(id, "ANPA", 4);
    for (int i = 4; i < 21; i++, h = h * 6364136223846793005ull + 1442695040888963407ull)
        id[i] = alphabet[(h >> 59) & 31];
    id[21] = '\0';
    return id;
}

static void
aws_pol_load(nb_call *call, const aws_pol *a, pol *p)
{
    memset(p, 0, sizeof(*p));
    p->arn = nb_arena_printf(call->arena, "arn:aws:iam::aws:policy%s%s", a->path, a->name);
    p->name = a->name;
    p->id = aws_id(call, a->name);
    p->path = a->path;
    p->description = "";
    p->dflt = 1;
    p->next = 2;
    p->created = p->updated = AWS_POLICY_DATE;
    p->doc = a->doc;
}

static const char *
dup(nb_call *call, const char *s)
{
    return nb_arena_strdup(call->arena, s ? s : "");
}

static void
row_load(nb_call *call, nb_stmt *st, pol *p)
{
    memset(p, 0, sizeof(*p));
    p->arn = dup(call, nb_col_text(st, 0));
    p->name = dup(call, nb_col_text(st, 1));
    p->id = dup(call, nb_col_text(st, 2));
    p->path = dup(call, nb_col_text(st, 3));
    p->description = dup(call, nb_col_text(st, 4));
    p->dflt = nb_col_int(st, 5);
    p->next = nb_col_int(st, 6);
    p->created = nb_col_double(st, 7);
    p->updated = nb_col_double(st, 8);
}

#define POL_COLS "arn, name, id, path, description, dflt, next, created, updated"

/* Loads a policy by ARN: NB_OK, or NB_ENOTFOUND (nothing raised). */
static int
pol_load(nb_call *call, const char *arn, pol *p)
{
    const aws_pol *a = aws_find(arn);
    if (a) {
        aws_pol_load(call, a, p);
        return p->arn && p->id ? NB_OK : NB_ENOMEM;
    }
    nb_stmt *st =
        nb_sql(call, "SELECT " POL_COLS " FROM iam_policies WHERE account = ? AND arn = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, arn);
    int rc = nb_step(st);
    if (rc != NB_ROW)
        return rc == NB_DONE ? NB_ENOTFOUND : NB_EINTERNAL;
    row_load(call, st, p);
    return p->updated >= 0 && p->arn ? NB_OK : NB_ENOMEM;
}

/* The same, with NoSuchEntity "Policy X was not found." raised. */
static int
pol_get(nb_call *call, const char *arn, pol *p)
{
    int rc = iam_check_policy_arn(call, arn);
    rc = rc ? rc : pol_load(call, arn, p);
    return rc == NB_ENOTFOUND ? nb_fail(call, "NoSuchEntity", "Policy %s was not found.", arn) : rc;
}

int
iam_check_policy_arn(nb_call *call, const char *arn)
{
    static const char pre[] = "arn:aws:iam::";
    const char *p = arn + sizeof(pre) - 1;
    int ok = strncmp(arn, pre, sizeof(pre) - 1) == 0;
    if (ok && strncmp(p, "aws:", 4) == 0)
        p += 4;
    else if (ok && strspn(p, "0123456789") == 12 && p[12] == ':')
        p += 13;
    else
        ok = 0;
    ok = ok && strncmp(p, "policy/", 7) == 0 && p[strlen(p) - 1] != '/';
    /* AWS: InvalidInput "ARN X is not valid." */
    return ok ? NB_OK : nb_fail(call, "InvalidInput", "ARN %s is not valid.", arn);
}

int
iam_policy_exists(nb_call *call, const char *arn)
{
    if (strncmp(arn, "arn:aws:iam::aws:policy/", 24) == 0)
        return 1;
    pol p;
    return pol_load(call, arn, &p) == NB_OK;
}

int
iam_check_boundary(nb_call *call, const char *arn)
{
    const char *p = strncmp(arn, "arn:aws:iam::", 13) == 0 ? arn + 13 : NULL;
    if (!p || (strncmp(p, "aws:", 4) != 0 && strspn(p, "0123456789") != 12) ||
        !strstr(p, ":policy/"))
        return nb_fail(call, "InvalidInput",
                       "Value (%s) for parameter PermissionsBoundary is invalid.", arn);
    if (!iam_policy_exists(call, arn))
        return nb_fail(call, "NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.",
                       arn);
    return NB_OK;
}

static int64_t
count_arn(nb_call *call, const char *sql, const char *arn)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return 0;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, arn);
    return nb_step(st) == NB_ROW ? nb_col_int(st, 0) : 0;
}

static int64_t
attachments(nb_call *call, const char *arn)
{
    return count_arn(call, "SELECT COUNT(*) FROM iam_attached WHERE account = ? AND arn = ?", arn);
}

static int64_t
boundary_uses(nb_call *call, const char *arn)
{
    return count_arn(call, "SELECT COUNT(*) FROM iam_entities WHERE account = ? AND boundary = ?",
                     arn);
}

/* A Policy structure; full adds Description and Tags (GetPolicy). */
static int
pol_out(nb_call *call, nb_value *o, const pol *p, int full)
{
    char v[24];
    snprintf(v, sizeof(v), "v%lld", (long long)p->dflt);
    if (!o)
        return NB_ENOMEM;
    int rc = nb_set_str(o, "PolicyName", p->name);
    rc = rc ? rc : nb_set_str(o, "PolicyId", p->id);
    rc = rc ? rc : nb_set_str(o, "Arn", p->arn);
    rc = rc ? rc : nb_set_str(o, "Path", p->path);
    rc = rc ? rc : nb_set_str(o, "DefaultVersionId", v);
    rc = rc ? rc : nb_set_int(o, "AttachmentCount", attachments(call, p->arn));
    rc = rc ? rc : nb_set_int(o, "PermissionsBoundaryUsageCount", boundary_uses(call, p->arn));
    rc = rc ? rc : nb_set_bool(o, "IsAttachable", 1);
    if (!rc && full && p->description[0])
        rc = nb_set_str(o, "Description", p->description);
    rc = rc ? rc : nb_set_time(o, "CreateDate", p->created);
    rc = rc ? rc : nb_set_time(o, "UpdateDate", p->updated);
    if (!rc && full && !p->doc)
        rc = iam_tags_out(call, "policy", p->arn, o, 1);
    return rc;
}

/* AWS: model policyPathType: ((/[A-Za-z0-9\.,\+@=_-]+)*)/. */
static int
check_policy_path(nb_call *call, const char *path)
{
    size_t n = strlen(path);
    int ok = n >= 1 && path[0] == '/' && path[n - 1] == '/' && !strstr(path, "//");
    for (const char *c = path; ok && *c; c++)
        ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
             strchr("/.,+@=_-", *c);
    if (ok)
        return NB_OK;
    return nb_fail(call, "ValidationError",
                   "1 validation error detected: Value '%s' at 'path' failed to satisfy "
                   "constraint: Member must satisfy regular expression pattern: "
                   "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
                   path);
}

static int
check_managed_doc(nb_call *call, const char *doc)
{
    int rc = iam_check_doc(call, doc);
    if (!rc && iam_doc_size(doc) > MAX_POLICY_SIZE)
        return nb_fail(call, "LimitExceeded", "Cannot exceed quota for PolicySize: %d",
                       MAX_POLICY_SIZE);
    return rc;
}

static int
insert_version(nb_call *call, const char *arn, int64_t v, const char *doc)
{
    nb_stmt *st = nb_sql(call, "INSERT INTO iam_policy_versions (account, arn, version, doc,"
                               " created) VALUES (?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, arn);
    nb_bind_int(st, 3, v);
    nb_bind_text(st, 4, doc);
    nb_bind_double(st, 5, call->now);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_create_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    const char *name = nb_get_str(in, "PolicyName");
    const char *path = nb_get_str(in, "Path") ? nb_get_str(in, "Path") : "/";
    const char *doc = nb_get_str(in, "PolicyDocument");
    int rc = iam_check_name(call, "PolicyName", name);
    rc = rc ? rc : check_policy_path(call, path);
    rc = rc ? rc : check_managed_doc(call, doc);
    if (rc)
        return rc;
    if (count_arn(call, "SELECT COUNT(*) FROM iam_policies WHERE account = ? AND name = ?", name))
        return nb_fail(call, "EntityAlreadyExists",
                       "A policy called %s already exists. Duplicate names are not allowed.", name);
    pol p = {0};
    p.arn = iam_arn(call, "policy", path, name);
    p.name = name;
    p.id = iam_new_id(call, "ANPA");
    p.path = path;
    p.description = nb_get_str(in, "Description") ? nb_get_str(in, "Description") : "";
    p.dflt = 1;
    p.next = 2;
    p.created = p.updated = call->now;
    if (!p.arn || !p.id)
        return NB_ENOMEM;
    nb_stmt *st = nb_sql(call, "INSERT INTO iam_policies (account, " POL_COLS ")"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, p.arn);
    nb_bind_text(st, 3, p.name);
    nb_bind_text(st, 4, p.id);
    nb_bind_text(st, 5, p.path);
    nb_bind_text(st, 6, p.description);
    nb_bind_int(st, 7, p.dflt);
    nb_bind_int(st, 8, p.next);
    nb_bind_double(st, 9, p.created);
    nb_bind_double(st, 10, p.updated);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    rc = insert_version(call, p.arn, 1, doc);
    rc = rc ? rc : iam_tags_put(call, "policy", p.arn, nb_get(in, "Tags"));
    nb_value *o = rc ? NULL : nb_set_struct(out, "Policy");
    rc = rc ? rc : pol_out(call, o, &p, 0);
    if (!rc && nb_get_len(in, "Tags"))
        rc = iam_tags_out(call, "policy", p.arn, o, 1);
    return rc;
}

int
iam_get_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    return rc ? rc : pol_out(call, nb_set_struct(out, "Policy"), &p, 1);
}

static int
arn_exec(nb_call *call, const char *sql, const char *arn)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, arn);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_delete_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    const char *arn = nb_get_str(in, "PolicyArn");
    int rc = pol_get(call, arn, &p);
    if (rc)
        return rc;
    if (p.doc) /* AWS managed policies belong to AWS */
        return nb_fail_status(call, 403, "AccessDenied", "Cannot delete an AWS managed policy.");
    if (attachments(call, arn) || boundary_uses(call, arn))
        return nb_fail(call, "DeleteConflict", "Cannot delete a policy attached to entities.");
    if (count_arn(call, "SELECT COUNT(*) FROM iam_policy_versions WHERE account = ? AND arn = ?",
                  arn) > 1)
        return nb_fail(call, "DeleteConflict",
                       "This policy has more than one version. Before you delete a policy, you "
                       "must delete the policy's versions. The default version is deleted with "
                       "the policy.");
    rc = arn_exec(call, "DELETE FROM iam_policies WHERE account = ? AND arn = ?", arn);
    rc = rc ? rc
            : arn_exec(call, "DELETE FROM iam_policy_versions WHERE account = ? AND arn = ?", arn);
    return rc ? rc
              : arn_exec(call,
                         "DELETE FROM iam_tags WHERE account = ? AND kind = 'policy'"
                         " AND owner = ?",
                         arn);
}

/* ---- ListPolicies -------------------------------------------------------- */

static int
cmp_pol(const void *a, const void *b)
{
    const pol *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->arn, y->arn);
}

/* Every policy of the scope, sorted by name; *n set. */
static int
all_policies(nb_call *call, const char *scope, pol **out, size_t *n)
{
    int aws = strcmp(scope, "Local") != 0, local = strcmp(scope, "AWS") != 0;
    size_t cap = NB_ARRAY_LEN(aws_pols), k = 0;
    if (local)
        cap += (size_t)iam_count(call,
                                 "SELECT COUNT(*) FROM iam_policies WHERE account = ?"
                                 " AND ? = ?",
                                 "", "");
    pol *v = nb_arena_alloc(call->arena, (cap + 1) * sizeof(pol));
    if (!v)
        return NB_ENOMEM;
    for (size_t i = 0; aws && i < NB_ARRAY_LEN(aws_pols); i++)
        aws_pol_load(call, &aws_pols[i], &v[k++]);
    nb_stmt *st =
        local ? nb_sql(call, "SELECT " POL_COLS " FROM iam_policies WHERE account = ?") : NULL;
    if (local && !st)
        return NB_EINTERNAL;
    if (st)
        nb_bind_text(st, 1, call->account);
    while (st && k < cap && nb_step(st) == NB_ROW)
        row_load(call, st, &v[k++]);
    qsort(v, k, sizeof(pol), cmp_pol);
    *out = v;
    *n = k;
    return NB_OK;
}

int
iam_list_policies(nb_call *call, const nb_value *in, nb_value *out)
{
    iam_page pg;
    pol *v;
    size_t n;
    const char *scope = nb_get_str(in, "Scope") ? nb_get_str(in, "Scope") : "All";
    const char *prefix = nb_get_str(in, "PathPrefix");
    const char *usage = nb_get_str(in, "PolicyUsageFilter");
    int only = nb_get_bool(in, "OnlyAttached", 0);
    int rc = iam_page_start(call, in, &pg);
    rc = rc ? rc : all_policies(call, scope, &v, &n);
    nb_value *list = rc ? NULL : nb_set_list(out, "Policies");
    if (rc || !list)
        return rc ? rc : NB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int64_t att = attachments(call, v[i].arn), pb = boundary_uses(call, v[i].arn);
        if (!iam_path_under(v[i].path, prefix) || (only && !att && !pb))
            continue;
        if (usage && strcmp(usage, "PermissionsPolicy") == 0 && only && !att)
            continue;
        if (usage && strcmp(usage, "PermissionsBoundary") == 0 && only && !pb)
            continue;
        const char *key = nb_arena_printf(call->arena, "%s\t%s", v[i].name, v[i].arn);
        int take = key ? iam_page_take(&pg, key) : 1;
        if (take < 0)
            break;
        if (take && (rc = pol_out(call, nb_list_add_struct(list), &v[i], 0)))
            return rc;
    }
    return iam_page_end(call, out, &pg);
}

/* ---- Versions -------------------------------------------------------------- */

/* "v3" -> 3, or 0 when not of the model's form v[1-9][0-9]*. */
static int64_t
version_num(const char *id)
{
    if (!id || id[0] != 'v' || id[1] < '1' || id[1] > '9' ||
        strspn(id + 1, "0123456789") != strlen(id + 1) || strlen(id) > 12)
        return 0;
    return strtoll(id + 1, NULL, 10);
}

static int
no_version(nb_call *call, const char *arn, const char *vid)
{
    return nb_fail(call, "NoSuchEntity",
                   "Policy %s version %s does not exist or is not attachable.", arn, vid);
}

/* A local policy's version: its document and date; NB_ENOTFOUND. */
static int
version_load(nb_call *call, const pol *p, int64_t v, const char **doc, double *created)
{
    if (p->doc) {
        *doc = p->doc;
        *created = p->created;
        return v == 1 ? NB_OK : NB_ENOTFOUND;
    }
    nb_stmt *st = nb_sql(call, "SELECT doc, created FROM iam_policy_versions WHERE account = ?"
                               " AND arn = ? AND version = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, p->arn);
    nb_bind_int(st, 3, v);
    if (nb_step(st) != NB_ROW)
        return NB_ENOTFOUND;
    *doc = nb_arena_strdup(call->arena, nb_col_text(st, 0));
    *created = nb_col_double(st, 1);
    return *doc ? NB_OK : NB_ENOMEM;
}

static int
version_out(nb_call *call, nb_value *o, const pol *p, int64_t v, const char *doc, double created)
{
    char id[24];
    snprintf(id, sizeof(id), "v%lld", (long long)v);
    if (!o)
        return NB_ENOMEM;
    int rc = NB_OK;
    if (doc) {
        const char *enc = iam_url_encode(call, doc);
        rc = enc ? nb_set_str(o, "Document", enc) : NB_ENOMEM;
    }
    rc = rc ? rc : nb_set_str(o, "VersionId", id);
    rc = rc ? rc : nb_set_bool(o, "IsDefaultVersion", v == p->dflt);
    return rc ? rc : nb_set_time(o, "CreateDate", created);
}

static int
set_default(nb_call *call, pol *p, int64_t v)
{
    nb_stmt *st = nb_sql(call, "UPDATE iam_policies SET dflt = ?, next = ?, updated = ?"
                               " WHERE account = ? AND arn = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_int(st, 1, v);
    nb_bind_int(st, 2, p->next);
    nb_bind_double(st, 3, call->now);
    nb_bind_text(st, 4, call->account);
    nb_bind_text(st, 5, p->arn);
    p->dflt = v;
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_create_policy_version(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    const char *doc = nb_get_str(in, "PolicyDocument");
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    rc = rc ? rc : check_managed_doc(call, doc);
    if (rc)
        return rc;
    if (p.doc)
        return nb_fail_status(call, 403, "AccessDenied", "Cannot modify an AWS managed policy.");
    if (count_arn(call, "SELECT COUNT(*) FROM iam_policy_versions WHERE account = ? AND arn = ?",
                  p.arn) >= MAX_VERSIONS)
        return nb_fail(call, "LimitExceeded",
                       "A managed policy can have up to %d versions. Before you create a new "
                       "version, you must delete an existing version.",
                       MAX_VERSIONS);
    int64_t v = p.next++;
    rc = insert_version(call, p.arn, v, doc);
    rc = rc ? rc : set_default(call, &p, nb_get_bool(in, "SetAsDefault", 0) ? v : p.dflt);
    return rc ? rc : version_out(call, nb_set_struct(out, "PolicyVersion"), &p, v, NULL, call->now);
}

int
iam_get_policy_version(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    const char *vid = nb_get_str(in, "VersionId"), *doc;
    double created;
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    if (rc)
        return rc;
    int64_t v = version_num(vid);
    rc = v ? version_load(call, &p, v, &doc, &created) : NB_ENOTFOUND;
    if (rc == NB_ENOTFOUND)
        return no_version(call, p.arn, vid);
    return rc ? rc : version_out(call, nb_set_struct(out, "PolicyVersion"), &p, v, doc, created);
}

int
iam_list_policy_versions(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    iam_page pg;
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    rc = rc ? rc : iam_page_start(call, in, &pg);
    nb_value *list = rc ? NULL : nb_set_list(out, "Versions");
    if (rc || !list)
        return rc ? rc : NB_ENOMEM;
    if (p.doc) {
        rc = iam_page_take(&pg, "1") > 0
                 ? version_out(call, nb_list_add_struct(list), &p, 1, NULL, p.created)
                 : NB_OK;
        return rc ? rc : iam_page_end(call, out, &pg);
    }
    /* AWS lists the newest version first */
    nb_stmt *st = nb_sql(call, "SELECT version, created FROM iam_policy_versions"
                               " WHERE account = ? AND arn = ? ORDER BY version DESC");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, p.arn);
    while ((rc = nb_step(st)) == NB_ROW) {
        int64_t v = nb_col_int(st, 0);
        const char *key = nb_arena_printf(call->arena, "%012lld", 999999999999LL - (long long)v);
        int take = key ? iam_page_take(&pg, key) : 1;
        if (take < 0)
            break;
        if (take && version_out(call, nb_list_add_struct(list), &p, v, NULL, nb_col_double(st, 1)))
            return NB_ENOMEM;
    }
    return rc < 0 ? NB_EINTERNAL : iam_page_end(call, out, &pg);
}

int
iam_delete_policy_version(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    const char *vid = nb_get_str(in, "VersionId"), *doc;
    double created;
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    if (rc)
        return rc;
    int64_t v = version_num(vid);
    rc = v ? version_load(call, &p, v, &doc, &created) : NB_ENOTFOUND;
    if (rc == NB_ENOTFOUND)
        return no_version(call, p.arn, vid);
    if (rc)
        return rc;
    if (v == p.dflt)
        return nb_fail(call, "DeleteConflict", "Cannot delete the default version of a policy.");
    nb_stmt *st = nb_sql(call, "DELETE FROM iam_policy_versions WHERE account = ? AND arn = ?"
                               " AND version = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, call->account);
    nb_bind_text(st, 2, p.arn);
    nb_bind_int(st, 3, v);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EINTERNAL;
}

int
iam_set_default_policy_version(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    const char *vid = nb_get_str(in, "VersionId"), *doc;
    double created;
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    if (rc)
        return rc;
    int64_t v = version_num(vid);
    rc = v ? version_load(call, &p, v, &doc, &created) : NB_ENOTFOUND;
    if (rc == NB_ENOTFOUND)
        return no_version(call, p.arn, vid);
    if (!rc && p.doc)
        return nb_fail_status(call, 403, "AccessDenied", "Cannot modify an AWS managed policy.");
    return rc ? rc : set_default(call, &p, v);
}

/* ---- Tags ------------------------------------------------------------------ */

static int
local_policy(nb_call *call, const char *arn, pol *p)
{
    int rc = pol_get(call, arn, p);
    if (!rc && p->doc)
        return nb_fail(call, "NoSuchEntity", "Policy %s was not found.", arn);
    return rc;
}

int
iam_tag_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    int rc = local_policy(call, nb_get_str(in, "PolicyArn"), &p);
    return rc ? rc : iam_tags_put(call, "policy", p.arn, nb_get(in, "Tags"));
}

int
iam_untag_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    int rc = local_policy(call, nb_get_str(in, "PolicyArn"), &p);
    return rc ? rc : iam_tags_remove(call, "policy", p.arn, nb_get(in, "TagKeys"));
}

int
iam_list_policy_tags(nb_call *call, const nb_value *in, nb_value *out)
{
    pol p;
    int rc = local_policy(call, nb_get_str(in, "PolicyArn"), &p);
    return rc ? rc : iam_tags_list(call, "policy", p.arn, in, out);
}

/* ---- ListEntitiesForPolicy ----------------------------------------------- */

/* The kinds the filter keeps: EntityFilter User, Role, Group, or any. */
static int
filter_keeps(const char *filter, const char *kind)
{
    if (!filter || strcmp(filter, "LocalManagedPolicy") == 0 ||
        strcmp(filter, "AWSManagedPolicy") == 0)
        return 1;
    return strcasecmp(filter, kind) == 0;
}

int
iam_list_entities_for_policy(nb_call *call, const nb_value *in, nb_value *out)
{
    static const struct {
        const char *kind, *list, *name, *id;
    } kinds[] = {
        {IAM_GROUP, "PolicyGroups", "GroupName", "GroupId"},
        {IAM_USER, "PolicyUsers", "UserName", "UserId"},
        {IAM_ROLE, "PolicyRoles", "RoleName", "RoleId"},
    };
    pol p;
    iam_page pg;
    const char *filter = nb_get_str(in, "EntityFilter"),
               *usage = nb_get_str(in, "PolicyUsageFilter");
    const char *prefix = nb_get_str(in, "PathPrefix");
    int rc = pol_get(call, nb_get_str(in, "PolicyArn"), &p);
    rc = rc ? rc : iam_page_start(call, in, &pg);
    if (rc)
        return rc;
    if (filter && ((strcmp(filter, "LocalManagedPolicy") == 0 && p.doc) ||
                   (strcmp(filter, "AWSManagedPolicy") == 0 && !p.doc)))
        filter = "none";
    for (size_t k = 0; k < NB_ARRAY_LEN(kinds); k++) {
        nb_value *list = nb_set_list(out, kinds[k].list);
        if (!list)
            return NB_ENOMEM;
        if (!filter_keeps(filter, kinds[k].kind))
            continue;
        /* attached as a permissions policy, or used as a boundary */
        nb_stmt *st =
            nb_sql(call, "SELECT e.name, e.id, e.path FROM iam_entities e WHERE e.account = ?1"
                         " AND e.kind = ?2 AND ((?4 != 'PermissionsBoundary' AND EXISTS (SELECT 1"
                         " FROM iam_attached a WHERE a.account = ?1 AND a.kind = ?2"
                         " AND a.owner = e.name AND a.arn = ?3)) OR (?4 != 'PermissionsPolicy'"
                         " AND e.boundary = ?3)) ORDER BY e.name COLLATE BINARY");
        if (!st)
            return NB_EINTERNAL;
        nb_bind_text(st, 1, call->account);
        nb_bind_text(st, 2, kinds[k].kind);
        nb_bind_text(st, 3, p.arn);
        nb_bind_text(st, 4, usage ? usage : "");
        while ((rc = nb_step(st)) == NB_ROW) {
            if (!iam_path_under(nb_col_text(st, 2), prefix))
                continue;
            const char *key = nb_arena_printf(call->arena, "%zu:%s", k, nb_col_text(st, 0));
            int take = key ? iam_page_take(&pg, key) : 1;
            if (take < 0)
                break;
            nb_value *e = take ? nb_list_add_struct(list) : NULL;
            if (take && (!e || nb_set_str(e, kinds[k].name, nb_col_text(st, 0)) ||
                         nb_set_str(e, kinds[k].id, nb_col_text(st, 1))))
                return NB_ENOMEM;
        }
        if (rc < 0)
            return NB_EINTERNAL;
    }
    return iam_page_end(call, out, &pg);
}
