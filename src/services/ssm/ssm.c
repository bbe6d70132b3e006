/*
 * ssm.c: AWS Systems Manager, the Parameter Store part: named values with
 * versions, labels and tags, per account and region. The CDK reads its
 * bootstrap version from here (/cdk-bootstrap/<qualifier>/version).
 *
 * The schema is below rather than in a .sql file, since the build embeds
 * no files: one head row per parameter (its latest version), one row per
 * version, labels and tags.
 */
#include "core/service.h"
#include "gen/ssm_model.h"
#include "ssm_int.h"

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"AddTagsToResource", ssm_add_tags_to_resource},
    {"DeleteParameter", ssm_delete_parameter},
    {"DeleteParameters", ssm_delete_parameters},
    {"DescribeParameters", ssm_describe_parameters},
    {"GetParameter", ssm_get_parameter},
    {"GetParameterHistory", ssm_get_parameter_history},
    {"GetParameters", ssm_get_parameters},
    {"GetParametersByPath", ssm_get_parameters_by_path},
    {"LabelParameterVersion", ssm_label_parameter_version},
    {"ListTagsForResource", ssm_list_tags_for_resource},
    {"PutParameter", ssm_put_parameter},
    {"RemoveTagsFromResource", ssm_remove_tags_from_resource},
    {"UnlabelParameterVersion", ssm_unlabel_parameter_version},
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS ssm_params ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " PRIMARY KEY (account, region, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ssm_versions ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " version INTEGER NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,"
    " description TEXT NOT NULL, key_id TEXT NOT NULL, allowed_pattern TEXT NOT NULL,"
    " tier TEXT NOT NULL, data_type TEXT NOT NULL, policies TEXT NOT NULL,"
    " modified REAL NOT NULL, user TEXT NOT NULL,"
    " PRIMARY KEY (account, region, name, version)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ssm_labels ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " label TEXT NOT NULL, version INTEGER NOT NULL,"
    " PRIMARY KEY (account, region, name, label)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ssm_tags ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (account, region, name, key)) WITHOUT ROWID;";

const nb_service nb_ssm_service = {
    .name = "ssm",
    .model = &nb_ssm_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: JSON services answer model violations with ValidationException. */
    .validation_code = "ValidationException",
    .schema = schema,
    .table_prefix = "ssm_",
};
