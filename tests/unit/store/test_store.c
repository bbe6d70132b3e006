/*
 * test_store.c: the store layer on its own: opening in memory and on disk,
 * the schemas, the statement cache, transactions per call, error codes,
 * binding, reset by prefix, and reopening a data folder.
 *
 * It brings its own nb_services[] with one fake service, so it links only
 * store.c, mem.c and log.c. The definition is weak: when the Makefile
 * links the whole library, services.c's list wins and the fake schema is
 * run by hand instead (open_store below).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/call.h"
#include "core/value.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/service.h"
#include "store/blob.h"
#include "store/store.h"
#include "t.h"

#define FAKE_SCHEMA                                                                                \
    "CREATE TABLE IF NOT EXISTS fake_items("                                                       \
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"                            \
    " body BLOB, n INTEGER NOT NULL DEFAULT 0,"                                                    \
    " PRIMARY KEY(account, region, name));"                                                        \
    "CREATE TABLE IF NOT EXISTS fake_tags("                                                        \
    " account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"                            \
    " tag TEXT NOT NULL,"                                                                          \
    " FOREIGN KEY(account, region, name) REFERENCES fake_items(account, region, name));"

static const nb_service fake_service = {
    .name = "fake",
    .schema = FAKE_SCHEMA,
    .table_prefix = "fake_",
};

static const nb_service bare_service = {
    .name = "bare", /* a service without tables */
};

/* S3's service, when the whole library is linked (test_s3_upgrade). */
extern const nb_service nb_s3_service __attribute__((weak));

__attribute__((weak)) const nb_service *const nb_services[] = {
    &fake_service,
    &bare_service,
    NULL,
};

/* Opens the store and makes sure the fake tables exist. */
static int
open_store(const char *dir)
{
    int rc = nb_store_open(dir);
    if (!rc && nb_services[0] != &fake_service)
        rc = nb_store_exec(FAKE_SCHEMA);
    return rc;
}

/* Rows in a table, by a fixed query per table. */
static int64_t
count_sql(const char *sql)
{
    nb_stmt *st = nb_sql(NULL, sql);
    if (!st || nb_step(st) != NB_ROW)
        return -1;
    return nb_col_int(st, 0);
}

#define COUNT_ITEMS "SELECT count(*) FROM fake_items"
#define COUNT_TAGS "SELECT count(*) FROM fake_tags"
#define COUNT_OTHER "SELECT count(*) FROM other_x"
#define COUNT_FAKEX "SELECT count(*) FROM fakeXitems"
#define INSERT_ITEM "INSERT INTO fake_items(account, region, name, n) VALUES(?1, ?2, ?3, ?4)"

static int
insert_item(nb_call *call, const char *name, int64_t n)
{
    nb_stmt *st = nb_sql(call, INSERT_ITEM);
    if (!st)
        return NB_EIO;
    nb_bind_text(st, 1, "000000000000");
    nb_bind_text(st, 2, "us-east-1");
    nb_bind_text(st, 3, name);
    nb_bind_int(st, 4, n);
    int rc = nb_step(st);
    return rc == NB_DONE ? NB_OK : rc;
}

/* Whether a table of that name exists. */
static int
table_exists(const char *name)
{
    nb_stmt *st = nb_sql(NULL, "SELECT count(*) FROM sqlite_master"
                               " WHERE type = 'table' AND name = ?1");
    if (!st || nb_bind_text(st, 1, name) || nb_step(st) != NB_ROW)
        return -1;
    return (int)nb_col_int(st, 0);
}

/* In memory, a service's tables are made when a statement first names one
 * of them, and made again when the transaction that made them rolls back.
 * The service is the first in nb_services[] with a schema (the fake one,
 * or a real one when the whole library is linked); its first table is
 * read from the schema text. */
static void
test_lazy_schema(void)
{
    static char count_sql_text[160];
    static const char lead[] = "CREATE TABLE IF NOT EXISTS ";
    const nb_service *svc = NULL;
    char table[64] = "";

    for (size_t i = 0; !svc && nb_services[i]; i++)
        if (nb_services[i]->schema && nb_services[i]->table_prefix)
            svc = nb_services[i];
    const char *p = svc ? strstr(svc->schema, lead) : NULL;
    if (p) {
        p += sizeof(lead) - 1;
        size_t n = strcspn(p, "( \n");
        snprintf(table, sizeof(table), "%.*s", (int)n, p);
    }
    t_ok(table[0], "a service with a schema and a table");
    snprintf(count_sql_text, sizeof(count_sql_text), "SELECT count(*) FROM %s", table);

    t_inteq(nb_store_open(NULL), NB_OK, "open in memory");
    t_inteq(table_exists(table), 0, "in memory, no service table is made at open");
    t_inteq(table_exists("nb_meta"), 0, "nor the core's tables");
    t_inteq(table_exists("nb_blobs"), 0, "nor the blob table");
    t_inteq(nb_store_reset(svc->table_prefix), NB_OK, "reset of a service with no tables yet");
    t_inteq(count_sql(count_sql_text), 0, "the first statement naming the table makes it");
    t_inteq(table_exists(table), 1, "the table exists after its first use");
    nb_store_close();

    nb_call call = {0};
    snprintf(call.request_id, sizeof(call.request_id), "test-lazy");
    t_inteq(nb_store_open(NULL), NB_OK, "open in memory again");
    nb_stmt *st = nb_sql(&call, count_sql_text);
    t_ok(st && nb_step(st) == NB_ROW, "the table made inside a call's transaction");
    nb_store_rollback(&call);
    t_inteq(table_exists(table), 1, "made again after that transaction rolled back");
    t_inteq(count_sql(count_sql_text), 0, "its cached statement still runs");

    /* The core's tables, made inside a call whose commit finds no blob
     * table (nothing to free), then by a rolled back one. */
    st = nb_sql(&call, "SELECT count(*) FROM nb_access_keys");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == 0, "nb_access_keys made on first use");
    t_inteq(nb_store_commit(&call), NB_OK, "a commit with no blob table yet");
    t_inteq(table_exists("nb_blobs"), 0, "which it did not make");
    t_inteq(count_sql("SELECT count(*) FROM nb_meta WHERE value = '2'"), 1,
            "nb_meta holds the schema version");
    st = nb_sql(&call, "SELECT count(*) FROM nb_blobs");
    t_ok(st && nb_step(st) == NB_ROW, "nb_blobs made inside a call");
    nb_store_rollback(&call);
    t_inteq(table_exists("nb_blobs"), 1, "and again after its rollback");
    nb_store_close();
}

static void
test_open_memory(void)
{
    t_inteq(open_store(NULL), NB_OK, "open in memory");
    nb_stmt *st = nb_sql(NULL, "SELECT value FROM nb_meta WHERE key = 'schema_version'");
    t_ok(st && nb_step(st) == NB_ROW, "nb_meta has a schema version");
    t_streq(st ? nb_col_text(st, 0) : NULL, "2", "schema version is 2");
    t_inteq(count_sql("SELECT count(*) FROM nb_access_keys"), 0, "nb_access_keys exists");
    t_inteq(count_sql(COUNT_ITEMS), 0, "service schema ran");
    st = nb_sql(NULL, "PRAGMA foreign_keys");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == 1, "foreign keys on");
    /* In memory these pragmas run before the first statement, not at open. */
    st = nb_sql(NULL, "PRAGMA temp_store");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == 2, "temporary tables in memory");
    st = nb_sql(NULL, "PRAGMA cache_size");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == -16384, "a 16 MiB page cache");
    t_inteq(nb_store_exec("SELECT \"not a column\" FROM nb_meta"), NB_EIO,
            "double-quoted strings are identifiers only");
}

static void
test_cache(void)
{
    static const char q[] = "SELECT ?1 + 1";
    static char same_text[] = "SELECT ?1 + 1";
    nb_stmt *a = nb_sql(NULL, q);
    nb_stmt *b = nb_sql(NULL, q);
    nb_stmt *c = nb_sql(NULL, same_text);
    t_ok(a && a == b, "same pointer, same statement");
    t_ok(c && c != a, "same text elsewhere, another statement");

    a = nb_sql(NULL, q);
    nb_bind_int(a, 1, 41);
    t_ok(nb_step(a) == NB_ROW && nb_col_int(a, 0) == 42, "bound and stepped");
    a = nb_sql(NULL, q); /* reset mid-row, bindings cleared */
    t_ok(nb_step(a) == NB_ROW && nb_col_is_null(a, 0), "reuse clears bindings");

    /* Past the first table of slots: the cache grows and keeps entries. */
    static char texts[300][32];
    nb_stmt *got[300];
    int all = 1;
    for (int i = 0; i < 300; i++) {
        snprintf(texts[i], sizeof(texts[i]), "SELECT %d", i);
        got[i] = nb_sql(NULL, texts[i]);
        all = all && got[i] && nb_step(got[i]) == NB_ROW && nb_col_int(got[i], 0) == i;
    }
    t_ok(all, "300 statements prepared and run");
    all = 1;
    for (int i = 0; i < 300; i++)
        all = all && nb_sql(NULL, texts[i]) == got[i];
    t_ok(all, "each found again after the cache grew");
    t_ok(nb_sql(NULL, q) == b, "first statement still cached");

    nb_mem_fail_at(1);
    nb_stmt *oom = nb_sql(NULL, "SELECT 'out of memory'");
    nb_mem_fail_at(0);
    t_ok(oom == NULL, "out of memory: NULL");
    oom = nb_sql(NULL, "SELECT 'out of memory'");
    t_ok(oom && nb_step(oom) == NB_ROW, "then works again");

    t_ok(nb_sql(NULL, "SELECT * FROM no_such_table") == NULL, "bad SQL: NULL");
}

static void
test_transactions(void)
{
    nb_call call = {0};
    snprintf(call.request_id, sizeof(call.request_id), "test-1");

    t_inteq(insert_item(&call, "a", 1), NB_OK, "insert in a call");
    t_inteq(call.in_txn, 1, "first statement opened the transaction");
    t_inteq(count_sql(COUNT_ITEMS), 1, "visible inside the transaction");
    t_inteq(nb_store_begin(&call), NB_OK, "begin again is a no-op");
    t_inteq(nb_store_commit(&call), NB_OK, "commit");
    t_inteq(call.in_txn, 0, "commit clears in_txn");
    t_inteq(count_sql(COUNT_ITEMS), 1, "committed row visible");
    t_inteq(nb_store_commit(&call), NB_OK, "commit without a transaction is a no-op");

    t_inteq(insert_item(&call, "b", 2), NB_OK, "insert in a second call");
    nb_stmt *st = nb_sql(&call, "SELECT name FROM fake_items ORDER BY name");
    t_ok(st && nb_step(st) == NB_ROW, "a read left part-way");
    nb_store_rollback(&call);
    t_inteq(call.in_txn, 0, "rollback clears in_txn");
    t_inteq(count_sql(COUNT_ITEMS), 1, "rolled back row gone");
    nb_store_rollback(&call); /* no-op */

    /* A constraint error fails the statement only; the call goes on. */
    t_inteq(insert_item(&call, "c", 3), NB_OK, "insert c");
    t_inteq(insert_item(&call, "c", 4), NB_EINVAL, "duplicate key: NB_EINVAL");
    st = nb_sql(&call, "INSERT INTO fake_items(account, region, name) VALUES(NULL, 'r', 'n')");
    t_inteq(st ? nb_step(st) : 0, NB_EINVAL, "NOT NULL: NB_EINVAL");
    st = nb_sql(&call, "INSERT INTO fake_tags VALUES('000000000000', 'us-east-1', 'zz', 't')");
    t_inteq(st ? nb_step(st) : 0, NB_EINVAL, "foreign key: NB_EINVAL");
    st = nb_sql(&call, "SELECT abs(-9223372036854775807 - 1)");
    t_inteq(st ? nb_step(st) : 0, NB_EIO, "other error: NB_EIO");
    t_inteq(nb_store_commit(&call), NB_OK, "commit after errors");
    t_inteq(count_sql(COUNT_ITEMS), 2, "c kept, rest failed");

    st = nb_sql(NULL, "UPDATE fake_items SET n = n + 10");
    t_ok(st && nb_step(st) == NB_DONE, "update outside a call");
    t_inteq(nb_store_changes(), 2, "changes counts rows updated");

    /* A COMMIT that fails (a deferred foreign key) rolls back. */
    t_inteq(nb_store_exec("CREATE TABLE fake_deferred(x TEXT REFERENCES fake_items(name)"
                          " DEFERRABLE INITIALLY DEFERRED);"
                          "CREATE UNIQUE INDEX fake_items_name ON fake_items(name);"),
            NB_OK, "exec several statements");
    t_inteq(insert_item(&call, "d", 5), NB_OK, "insert d");
    st = nb_sql(&call, "INSERT INTO fake_deferred VALUES('nobody')");
    t_ok(st && nb_step(st) == NB_DONE, "deferred violation accepted for now");
    t_inteq(nb_store_commit(&call), NB_EIO, "failed COMMIT: NB_EIO");
    t_inteq(call.in_txn, 0, "failed commit clears in_txn");
    t_inteq(count_sql(COUNT_ITEMS), 2, "failed commit rolled back d");
    t_inteq(insert_item(&call, "e", 6), NB_OK, "next call works");
    t_inteq(nb_store_commit(&call), NB_OK, "and commits");
    t_inteq(count_sql(COUNT_ITEMS), 3, "e kept");
}

static void
test_binding(void)
{
    static const char nul_text[] = "x\0y\0z";
    static const unsigned char blob[] = {0, 1, 2, 0, 255};
    nb_stmt *st = nb_sql(NULL, "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, typeof(?1), typeof(?2)");
    t_ok(st != NULL, "prepare");
    if (!st)
        return;
    t_inteq(nb_bind_textn(st, 1, nul_text, 5), NB_OK, "bind text with NULs");
    t_inteq(nb_bind_blob(st, 2, blob, sizeof(blob)), NB_OK, "bind blob");
    t_inteq(nb_bind_text(st, 3, NULL), NB_OK, "bind NULL text");
    t_inteq(nb_bind_int(st, 4, INT64_MIN), NB_OK, "bind int64 min");
    t_inteq(nb_bind_double(st, 5, 0.125), NB_OK, "bind double");
    t_inteq(nb_bind_null(st, 6), NB_OK, "bind null");
    t_inteq(nb_bind_blob(st, 7, "", 0), NB_OK, "bind empty blob");
    t_inteq(nb_bind_text(st, 8, "héllo"), NB_OK, "bind UTF-8");
    t_inteq(nb_bind_int(st, 99, 1), NB_EINTERNAL, "bad index: NB_EINTERNAL");
    t_inteq(nb_step(st), NB_ROW, "row");
    t_inteq(nb_col_bytes(st, 0), 5, "text length kept");
    t_ok(memcmp(nb_col_text(st, 0), nul_text, 5) == 0, "text bytes kept");
    t_inteq(nb_col_bytes(st, 1), sizeof(blob), "blob length kept");
    t_ok(memcmp(nb_col_blob(st, 1), blob, sizeof(blob)) == 0, "blob bytes kept");
    t_ok(nb_col_is_null(st, 2), "NULL text is NULL");
    t_streq(nb_col_text(st, 2), "", "NULL column reads as \"\"");
    t_ok(nb_col_int(st, 3) == INT64_MIN, "int64 kept");
    t_ok(nb_col_double(st, 4) == 0.125, "double kept");
    t_ok(nb_col_is_null(st, 5), "null kept");
    t_ok(!nb_col_is_null(st, 6) && nb_col_bytes(st, 6) == 0, "empty blob is not NULL");
    t_streq(nb_col_text(st, 7), "héllo", "UTF-8 kept");
    t_streq(nb_col_text(st, 8), "text", "text type");
    t_streq(nb_col_text(st, 9), "blob", "blob type");

    /* Stored and read back, not only echoed. */
    st = nb_sql(NULL, "INSERT INTO fake_items(account, region, name, body)"
                      " VALUES('1', 'r', ?1, ?2)");
    nb_bind_textn(st, 1, nul_text, 5);
    nb_bind_blob(st, 2, blob, sizeof(blob));
    t_inteq(nb_step(st), NB_DONE, "store text key with NULs");
    st = nb_sql(NULL, "SELECT body FROM fake_items WHERE name = ?1");
    nb_bind_textn(st, 1, nul_text, 5);
    t_ok(nb_step(st) == NB_ROW && nb_col_bytes(st, 0) == sizeof(blob), "found by NUL key");
    st = nb_sql(NULL, "SELECT count(*) FROM fake_items WHERE name = ?1");
    nb_bind_text(st, 1, "x");
    t_ok(nb_step(st) == NB_ROW && nb_col_int(st, 0) == 0, "a prefix before NUL does not match");
}

static void
test_reset(void)
{
    nb_stmt *st;
    t_inteq(nb_store_exec("CREATE TABLE other_x(v);"
                          "CREATE TABLE fakeXitems(v);"
                          "INSERT INTO other_x VALUES(1), (2);"
                          "INSERT INTO fakeXitems VALUES(1);"
                          "INSERT INTO nb_access_keys(key_id, secret, account)"
                          " VALUES('AKID', 's', '000000000000');"),
            NB_OK, "make other tables");
    st = nb_sql(NULL, "INSERT INTO fake_tags VALUES('000000000000', 'us-east-1', 'a', 't')");
    t_inteq(st ? nb_step(st) : 0, NB_DONE, "a child row");
    t_ok(count_sql(COUNT_ITEMS) > 0 && count_sql(COUNT_TAGS) == 1, "fake tables have rows");

    t_inteq(nb_store_reset("fake_"), NB_OK, "reset fake_ (parent before child)");
    t_inteq(count_sql(COUNT_ITEMS), 0, "fake_items empty");
    t_inteq(count_sql(COUNT_TAGS), 0, "fake_tags empty");
    t_inteq(count_sql(COUNT_OTHER), 2, "other_x untouched");
    t_inteq(count_sql(COUNT_FAKEX), 1, "'_' in the prefix is no wildcard");

    /* Inside a call's transaction it joins it. */
    nb_call call = {0};
    t_inteq(insert_item(&call, "in-call", 1), NB_OK, "insert in a call");
    t_inteq(nb_store_reset("fake_"), NB_OK, "reset inside the call");
    t_inteq(count_sql(COUNT_ITEMS), 0, "emptied inside the call");
    nb_store_rollback(&call);
    t_inteq(count_sql(COUNT_ITEMS), 0, "rollback: still empty (the row was never committed)");

    t_inteq(nb_store_reset(NULL), NB_OK, "reset all");
    t_inteq(count_sql(COUNT_OTHER), 0, "other_x empty");
    t_inteq(count_sql(COUNT_FAKEX), 0, "fakeXitems empty");
    t_inteq(count_sql("SELECT count(*) FROM nb_access_keys"), 0, "nb_access_keys empty");
    t_inteq(count_sql("SELECT count(*) FROM nb_meta"), 1, "nb_meta kept");
    t_inteq(nb_store_reset("nb_"), NB_OK, "reset nb_");
    t_inteq(count_sql("SELECT count(*) FROM nb_meta"), 1, "nb_meta kept by nb_ too");
    t_inteq(nb_store_reset("nothing_"), NB_OK, "reset of no tables");
}

/* Removes the store's files and the folders made for it. */
static void
remove_dir(const char *dir, const char *top)
{
    static const char *const names[] = {"nimbus.db", "nimbus.db-wal", "nimbus.db-shm"};
    char path[512];
    for (size_t i = 0; i < NB_ARRAY_LEN(names); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/blobs/tmp", dir); /* store/blob.c's folders */
    rmdir(path);
    snprintf(path, sizeof(path), "%s/blobs", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s", dir);
    while (strlen(path) >= strlen(top)) {
        rmdir(path);
        char *slash = strrchr(path, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
}

static void
test_disk(void)
{
    char top[] = "/tmp/nb_store_XXXXXX";
    char dir[256], file[300];
    struct stat sb;
    nb_call call = {0};

    t_ok(mkdtemp(top) != NULL, "mkdtemp");
    snprintf(dir, sizeof(dir), "%s/a/b//data/", top);
    t_inteq(open_store(dir), NB_OK, "open on disk, making folders");
    t_ok(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 0777) == 0700,
         "folder made with mode 0700");
    snprintf(file, sizeof(file), "%snimbus.db", dir);
    t_ok(stat(file, &sb) == 0, "nimbus.db exists");
    nb_stmt *st = nb_sql(NULL, "PRAGMA journal_mode");
    t_streq(st && nb_step(st) == NB_ROW ? nb_col_text(st, 0) : NULL, "wal", "WAL mode");
    st = nb_sql(NULL, "PRAGMA synchronous");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == 1, "synchronous NORMAL");
    st = nb_sql(NULL, "PRAGMA foreign_keys");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == 1, "foreign keys on");
    st = nb_sql(NULL, "PRAGMA temp_store");
    t_ok(st && nb_step(st) == NB_ROW && nb_col_int(st, 0) == 2, "temporary tables in memory");

    t_inteq(insert_item(&call, "kept", 7), NB_OK, "insert");
    t_inteq(nb_store_commit(&call), NB_OK, "commit");
    t_inteq(insert_item(&call, "dropped", 8), NB_OK, "insert, not committed");
    nb_store_close(); /* an open transaction is rolled back */
    nb_store_close(); /* twice is harmless */

    t_inteq(open_store(dir), NB_OK, "reopen");
    st = nb_sql(NULL, "SELECT name, n FROM fake_items");
    t_ok(st && nb_step(st) == NB_ROW && strcmp(nb_col_text(st, 0), "kept") == 0 &&
             nb_col_int(st, 1) == 7 && nb_step(st) == NB_DONE,
         "committed row kept, uncommitted one gone");
    t_inteq(count_sql("SELECT count(*) FROM nb_meta"), 1, "one version row after reopen");
    snprintf(file, sizeof(file), "%snimbus.db-shm", dir);
    t_ok(stat(file, &sb) != 0, "no -shm file: the WAL index is in the heap");

    /* A data folder belongs to the process that has it open: while a
     * child holds it, opening it here fails after the busy timeout; once
     * the child is gone, it opens. */
    nb_store_close();
    int up[2], down[2];
    char byte = 0;
    t_ok(pipe(up) == 0 && pipe(down) == 0, "pipes");
    pid_t pid = fork();
    if (pid == 0) {
        close(down[1]);
        char ok = nb_store_open(dir) == NB_OK;
        if (write(up[1], &ok, 1) != 1 || read(down[0], &ok, 1) < 0)
            _exit(1);
        _exit(0); /* the lock goes with the process */
    }
    t_ok(pid > 0 && read(up[0], &byte, 1) == 1 && byte == 1, "the child opened the folder");
    t_inteq(nb_store_open(dir), NB_EIO, "a folder open in another process: NB_EIO");
    nb_store_close();
    close(down[1]); /* the child's read returns: it exits */
    int status = -1;
    t_ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
         "the child exited");
    close(up[0]);
    close(up[1]);
    close(down[0]);
    t_inteq(open_store(dir), NB_OK, "opens once the other process is gone");

    /* A version-1 folder (keys without a state) is migrated: its keys
     * stay, active. */
    t_inteq(nb_store_exec("INSERT INTO nb_access_keys (key_id, secret, account, state)"
                          " VALUES ('AKIAOLD', 's', '000000000000', 1);"
                          "ALTER TABLE nb_access_keys DROP COLUMN state;"
                          "UPDATE nb_meta SET value = '1' WHERE key = 'schema_version'"),
            NB_OK, "pretend a version-1 folder");
    nb_store_close();
    t_inteq(open_store(dir), NB_OK, "a version-1 folder opens");
    t_inteq(count_sql("SELECT value FROM nb_meta WHERE key = 'schema_version'"), 2,
            "migrated to version 2");
    t_inteq(count_sql("SELECT state FROM nb_access_keys WHERE key_id = 'AKIAOLD'"), 0,
            "a migrated key is active");

    /* A database from a newer nimbus is refused. */
    t_inteq(nb_store_exec("UPDATE nb_meta SET value = '99' WHERE key = 'schema_version'"), NB_OK,
            "pretend a newer schema");
    nb_store_close();
    t_inteq(nb_store_open(dir), NB_EIO, "newer schema refused");
    nb_store_close();
    remove_dir(dir, top);

    /* A data folder that is a file. */
    snprintf(file, sizeof(file), "%s/file", top);
    mkdir(top, 0700);
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    t_inteq(nb_store_open(file), NB_EIO, "a file as data folder: NB_EIO");
    unlink(file);
    rmdir(top);
}

/* A spool file's writeback starts each NB_BLOB_WRITEBACK bytes, and only
 * with --data-dir (in memory nothing is made durable). */
static void
test_spool_writeback(void)
{
    char top[] = "/tmp/nb_store_XXXXXX";
    char *path = NULL;
    uint64_t started = 0;
    t_ok(mkdtemp(top) != NULL, "mkdtemp");
    for (int disk = 0; disk <= 1; disk++) {
        t_inteq(open_store(disk ? top : NULL), NB_OK, disk ? "on disk" : "in memory");
        int fd = nb_blob_spool_open(&path);
        t_ok(fd >= 0 && ftruncate(fd, 2 * NB_BLOB_WRITEBACK) == 0, "a spool file of 16 MiB");
        started = 0;
        nb_blob_spool_grew(fd, NB_BLOB_WRITEBACK - 1, &started);
        t_inteq(started, 0, "less than a step: nothing handed over");
        nb_blob_spool_grew(fd, NB_BLOB_WRITEBACK + 5, &started);
        t_inteq(started, disk ? NB_BLOB_WRITEBACK + 5 : 0,
                disk ? "a step: handed over up to the end" : "in memory: never");
        nb_blob_spool_grew(fd, 2 * NB_BLOB_WRITEBACK, &started);
        t_inteq(started, disk ? NB_BLOB_WRITEBACK + 5 : 0, "less than a step since: kept");
        if (fd >= 0)
            close(fd);
        if (path)
            unlink(path);
        nb_free(path);
        path = NULL;
        nb_store_close();
    }
    remove_dir(top, top);
}

/* Puts a small blob of text in the call's transaction; its name. */
static const char *
put_blob(nb_call *call, const char *text)
{
    const char *name = NULL;
    nb_value *v = nb_value_blob(call->arena, text, strlen(text));
    return v && nb_blob_put(call, v, &name) == NB_OK ? name : NULL;
}

/* Runs sql (one text parameter, may be NULL) in the call. */
static int
run_named(nb_call *call, const char *sql, const char *name)
{
    nb_stmt *st = nb_sql(call, sql);
    if (!st)
        return NB_EIO;
    if (name)
        nb_bind_text(st, 1, name);
    return nb_step(st) == NB_DONE ? NB_OK : NB_EIO;
}

static const char SQL_REF[] = "INSERT INTO blobref_rows (blob) VALUES (?)";
static const char SQL_UNREF[] = "DELETE FROM blobref_rows WHERE blob = ?";
static const char SQL_UNREF_ALL[] = "DELETE FROM blobref_rows WHERE blob <> ?";

/* Blob references as a service keeps them (S3's triggers): a blob no row
 * names when its transaction commits is deleted; one that a row names
 * stays. The blob module finds them among the rows the transaction
 * touched, or, if it ran out of memory listing those, by a scan. */
static void
test_blob_refs(void)
{
    nb_call call = {.arena = nb_arena_new(0), .request_id = "blobs"};
    t_inteq(open_store(NULL), NB_OK, "open for blob references");
    t_inteq(nb_store_exec("CREATE TABLE blobref_rows (blob TEXT);"
                          "CREATE TRIGGER blobref_new AFTER INSERT ON blobref_rows BEGIN"
                          " UPDATE nb_blobs SET refs = refs + 1 WHERE name = new.blob; END;"
                          "CREATE TRIGGER blobref_gone AFTER DELETE ON blobref_rows BEGIN"
                          " UPDATE nb_blobs SET refs = refs - 1 WHERE name = old.blob; END;"),
            NB_OK, "a table whose rows name blobs");

    const char *x = put_blob(&call, "x");
    t_ok(x && run_named(&call, SQL_REF, x) == NB_OK, "blob x, named by a row");
    t_ok(put_blob(&call, "y") != NULL, "blob y, named by none");
    t_inteq(nb_store_commit(&call), NB_OK, "commit");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs"), 1, "y is gone at the commit, x stays");
    t_inteq(count_sql("SELECT refs FROM nb_blobs"), 1, "x has one reference");

    const char *z = put_blob(&call, "z");
    t_ok(z && run_named(&call, SQL_REF, z) == NB_OK && run_named(&call, SQL_UNREF, x) == NB_OK,
         "an overwrite: z named, x no longer");
    t_inteq(nb_store_commit(&call), NB_OK, "commit");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs WHERE refs = 1"), 1, "z stays");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs"), 1, "x is gone");

    /* More rows than the list holds so far (16), with its growth made to
     * fail: the commit scans for the blobs at zero instead. */
    char text[16];
    int ok = 1;
    for (int i = 0; i < 40 && ok; i++) {
        snprintf(text, sizeof(text), "b%d", i);
        const char *b = put_blob(&call, text);
        ok = b && run_named(&call, SQL_REF, b) == NB_OK;
        if (ok && i % 10 == 9) /* ten at a time: the list stays at 16 */
            ok = nb_store_commit(&call) == NB_OK;
    }
    t_ok(ok, "40 more blobs, each named");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs"), 41, "41 blobs");
    /* Prepared (and its transaction begun) by a run that matches no row
     * (blob <> NULL), so that the next allocation is the list's growth. */
    t_ok(run_named(&call, SQL_UNREF_ALL, NULL) == NB_OK, "the statement, once");
    nb_mem_fail_at(1);
    t_ok(run_named(&call, SQL_UNREF_ALL, z) == NB_OK, "40 rows unnamed in one statement");
    nb_mem_fail_at(0);
    t_inteq(nb_store_commit(&call), NB_OK, "commit");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs"), 1, "the 40 are gone, z stays");
    nb_store_close();
    nb_arena_free(call.arena);
}

/* A data dir from before S3 bodies were streamed (2026-12-03) kept bodies
 * in a BLOB column; reopening it moves them into blobs, one reference
 * each, so reads and deletes see them as any blob. Only when the real S3
 * service is linked. */
static void
test_s3_upgrade(void)
{
    if (!&nb_s3_service)
        return;
    char top[] = "/tmp/nb_store_XXXXXX";
    char dir[256];
    t_ok(mkdtemp(top) != NULL, "mkdtemp");
    snprintf(dir, sizeof(dir), "%s/data", top);
    t_inteq(open_store(dir), NB_OK, "open a new data dir");
    t_inteq(nb_store_exec("DROP TABLE s3_objects; DROP TABLE s3_parts;"
                          "CREATE TABLE s3_objects (account TEXT NOT NULL, region TEXT NOT NULL,"
                          " bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,"
                          " latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL, body BLOB,"
                          " size INTEGER NOT NULL, etag TEXT NOT NULL, modified REAL NOT NULL,"
                          " attrs TEXT NOT NULL, ck_algo TEXT NOT NULL, ck_value TEXT NOT NULL,"
                          " ck_type TEXT NOT NULL DEFAULT '', parts TEXT NOT NULL DEFAULT '',"
                          " tags TEXT NOT NULL DEFAULT '', acl TEXT NOT NULL DEFAULT '',"
                          " UNIQUE (bucket, key, version_id));"
                          "CREATE TABLE s3_parts (account TEXT NOT NULL, region TEXT NOT NULL,"
                          " upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, body BLOB,"
                          " size INTEGER NOT NULL, etag TEXT NOT NULL, modified REAL NOT NULL,"
                          " ck_value TEXT NOT NULL, PRIMARY KEY (upload_id, part_number));"
                          "INSERT INTO s3_objects (account, region, bucket, key, version_id,"
                          " latest, delete_marker, body, size, etag, modified, attrs, ck_algo,"
                          " ck_value) VALUES ('a', 'r', 'b', 'k', 'null', 1, 0, x'68656c6c6f', 5,"
                          " 'e', 0, '{}', '', ''), ('a', 'r', 'b', 'z', 'null', 1, 0, NULL, 0,"
                          " 'e', 0, '{}', '', '');"
                          "INSERT INTO s3_parts VALUES ('a', 'r', 'u', 1, x'6869', 2, 'e', 0, '');"),
            NB_OK, "make the old layout");
    nb_store_close();
    t_inteq(open_store(dir), NB_OK, "reopen upgrades");
    t_inteq(count_sql("SELECT count(*) FROM pragma_table_info('s3_objects') WHERE name = 'body'"),
            0, "no body column left");
    t_inteq(count_sql("SELECT count(*) FROM s3_objects o JOIN nb_blobs b ON b.name = o.blob"
                      " WHERE b.data = x'68656c6c6f' AND b.size = 5 AND b.refs = 1"),
            1, "the object's body is a blob with one reference");
    t_inteq(count_sql("SELECT count(*) FROM s3_objects WHERE key = 'z' AND blob IS NULL"), 1,
            "an empty body is no blob");
    t_inteq(count_sql("SELECT count(*) FROM s3_parts p JOIN nb_blobs b ON b.name = p.blob"
                      " WHERE b.data = x'6869' AND b.refs = 1"),
            1, "the part's body is a blob");
    nb_call call = {0};
    nb_stmt *st = nb_sql(&call, "DELETE FROM s3_parts");
    t_inteq(st ? nb_step(st) : NB_EIO, NB_DONE, "delete the part");
    t_inteq(nb_store_commit(&call), NB_OK, "commit");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs"), 1, "its blob went with it");
    nb_store_close();
    t_inteq(open_store(dir), NB_OK, "a second reopen");
    t_inteq(count_sql("SELECT count(*) FROM nb_blobs"), 1, "nothing upgraded twice");
    nb_store_close();
    remove_dir(dir, top);
    t_ok(access(top, F_OK) != 0, "nothing left behind");
}

int
main(void)
{
    nb_log_level = NB_LOG_OFF;
    test_open_memory();
    test_cache();
    test_transactions();
    test_binding();
    test_reset();
    nb_store_close();
    t_ok(open_store(NULL) == NB_OK && count_sql(COUNT_ITEMS) == 0,
         "a new in-memory store starts empty");
    nb_store_close();
    test_lazy_schema();
    test_disk();
    test_blob_refs();
    test_spool_writeback();
    test_s3_upgrade();
    return t_done();
}
