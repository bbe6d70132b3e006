/*
 * dynamodb.c: the two services of this folder: DynamoDB (target prefix
 * DynamoDB_20120810) and DynamoDB Streams (DynamoDBStreams_20120810, which
 * signs as "dynamodb" too; the router tells them apart by X-Amz-Target).
 * Both share one schema: tables, items, index entries, streams and their
 * records, all reached from ddb_tables, which is keyed by account and
 * region first.
 */
#include "core/service.h"
#include "ddb_int.h"
#include "gen/dynamodb_model.h"
#include "gen/dynamodbstreams_model.h"

/* Items and index entries are keyed by the table's id (unique over all
 * accounts and regions), then by the sortable key encodings (ddb_value.c
 * ddb_key_encode): a Query is a range scan of the primary key. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS ddb_tables ("
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    " id INTEGER NOT NULL UNIQUE, arn TEXT NOT NULL, descr TEXT NOT NULL,"
    " ttl_attr TEXT, ttl_on INTEGER NOT NULL DEFAULT 0, pitr INTEGER NOT NULL DEFAULT 0,"
    " stream_arn TEXT, stream_view TEXT,"
    " item_count INTEGER NOT NULL DEFAULT 0, size_bytes INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (account, region, name));"
    "CREATE TABLE IF NOT EXISTS ddb_items ("
    " tid INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, seg INTEGER NOT NULL,"
    " size INTEGER NOT NULL, expires REAL, item BLOB NOT NULL,"
    " PRIMARY KEY (tid, pk, sk)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS ddb_items_ttl ON ddb_items (expires) WHERE expires IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS ddb_index_items ("
    " tid INTEGER NOT NULL, iname TEXT NOT NULL, ipk BLOB NOT NULL, isk BLOB NOT NULL,"
    " pk BLOB NOT NULL, sk BLOB NOT NULL, item BLOB NOT NULL,"
    " PRIMARY KEY (tid, iname, ipk, isk, pk, sk)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ddb_tags ("
    " account TEXT NOT NULL, region TEXT NOT NULL, arn TEXT NOT NULL, k TEXT NOT NULL,"
    " v TEXT NOT NULL, PRIMARY KEY (account, region, arn, k));"
    "CREATE TABLE IF NOT EXISTS ddb_streams ("
    " account TEXT NOT NULL, region TEXT NOT NULL, arn TEXT NOT NULL, table_name TEXT NOT NULL,"
    " tid INTEGER NOT NULL, label TEXT NOT NULL, view TEXT NOT NULL, created REAL NOT NULL,"
    " enabled INTEGER NOT NULL, PRIMARY KEY (account, region, arn));"
    "CREATE TABLE IF NOT EXISTS ddb_stream_records ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_arn TEXT NOT NULL, created REAL NOT NULL,"
    " event TEXT NOT NULL, keys BLOB NOT NULL, new_image BLOB, old_image BLOB,"
    " size INTEGER NOT NULL, ttl INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS ddb_stream_records_arn ON ddb_stream_records (stream_arn, seq);"
    "CREATE TABLE IF NOT EXISTS ddb_tokens ("
    " account TEXT NOT NULL, region TEXT NOT NULL, token TEXT NOT NULL, created REAL NOT NULL,"
    " digest TEXT NOT NULL, PRIMARY KEY (account, region, token));";

static void
stop(void)
{
    ddb_ttl_stop();
    ddb_table_cache_free();
}

/* Sorted by name, as the model's operations are. */
static const nb_op ops[] = {
    {"BatchExecuteStatement", ddb_batch_execute_statement},
    {"BatchGetItem", ddb_batch_get_item},
    {"BatchWriteItem", ddb_batch_write_item},
    {"CreateTable", ddb_create_table},
    {"DeleteItem", ddb_delete_item},
    {"DeleteTable", ddb_delete_table},
    {"DescribeContinuousBackups", ddb_describe_continuous_backups},
    {"DescribeEndpoints", ddb_describe_endpoints},
    {"DescribeLimits", ddb_describe_limits},
    {"DescribeTable", ddb_describe_table},
    {"DescribeTimeToLive", ddb_describe_time_to_live},
    {"ExecuteStatement", ddb_execute_statement},
    {"ExecuteTransaction", ddb_execute_transaction},
    {"GetItem", ddb_get_item},
    {"ListTables", ddb_list_tables},
    {"ListTagsOfResource", ddb_list_tags_of_resource},
    {"PutItem", ddb_put_item},
    {"Query", ddb_query},
    {"Scan", ddb_scan},
    {"TagResource", ddb_tag_resource},
    {"TransactGetItems", ddb_transact_get_items},
    {"TransactWriteItems", ddb_transact_write_items},
    {"UntagResource", ddb_untag_resource},
    {"UpdateContinuousBackups", ddb_update_continuous_backups},
    {"UpdateItem", ddb_update_item},
    {"UpdateTable", ddb_update_table},
    {"UpdateTimeToLive", ddb_update_time_to_live},
};

static const nb_op stream_ops[] = {
    {"DescribeStream", ddbs_describe_stream},
    {"GetRecords", ddbs_get_records},
    {"GetShardIterator", ddbs_get_shard_iterator},
    {"ListStreams", ddbs_list_streams},
};

const nb_service nb_dynamodb_service = {
    .name = "dynamodb",
    .model = &nb_dynamodb_model,
    .ops = ops,
    .nops = NB_ARRAY_LEN(ops),
    /* AWS: JSON services answer model violations with ValidationException
     * ("1 validation error detected: ..."). */
    .validation_code = "ValidationException",
    .schema = schema,
    .table_prefix = "ddb_",
    .body_crc32 = 1, /* AWS: SDKs check x-amz-crc32 on DynamoDB replies */
    /* AWS: {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}
     * (dynalite db/index.js, recorded against DynamoDB) */
    .error_ns = "com.amazonaws.dynamodb.v20120810#",
    .own_unions = 1,       /* AttributeValue: ddb_value.c words the error */
    .init = ddb_ttl_start, /* the TTL sweeper */
    .stop = stop,          /* and the parsed table descriptions */
};

const nb_service nb_dynamodbstreams_service = {
    .name = "dynamodbstreams",
    .model = &nb_dynamodbstreams_model,
    .ops = stream_ops,
    .nops = NB_ARRAY_LEN(stream_ops),
    .validation_code = "ValidationException",
    .schema = NULL,           /* its tables are DynamoDB's (above) */
    .table_prefix = "ddb_st", /* reset with DynamoDB's */
    .body_crc32 = 1,
};
