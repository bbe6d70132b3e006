/*
 * store.c: nimbus's one database connection, on SQLite. It opens the
 * database (in memory, or <dir>/nimbus.db in WAL mode), runs the core
 * schema, the blob table's and the services' schemas (on disk all at
 * open, in memory each on first use), caches prepared statements by the
 * address of their SQL text, and keeps at most one transaction open: the
 * one of the call being served, begun by its first statement and ended by
 * call.c with nb_store_commit() or nb_store_rollback().
 *
 * Everything here runs on the loop thread; the connection is opened
 * without SQLite's mutexes. This file owns the connection, the cached
 * statements and the cache's slot table, and frees them in
 * nb_store_close(). docs/internals/store.md says what the store promises.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "blob.h"
#include "core/call.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/service.h"
#include "store.h"

/* The version of the core schema below, kept in nb_meta. A database made
 * by a newer nimbus is refused rather than misread. */
#define SCHEMA_VERSION 2

/* How long opening a data folder waits for the lock of another process
 * that has it open (another nimbus, or a sqlite3 shell) before it fails.
 * Once open, nimbus holds the lock until it closes (configure). */
#define BUSY_TIMEOUT_MS 1000

/* Page cache: a negative cache_size is in KiB. 16 MiB holds the working
 * set of a local emulator; the in-memory database is not bounded by it. */
#define CACHE_SIZE_KIB 16384
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Slots in the statement cache when it is first used (a power of two). */
#define CACHE_MIN_SLOTS 64

/* One cached statement. */
struct nb_stmt {
    sqlite3_stmt *st; /* the prepared statement; owned */
    const char *sql;  /* the caller's SQL text, the cache key; borrowed (a literal) */
};

static sqlite3 *db;          /* the connection, or NULL when closed */
static nb_stmt **slots;      /* open addressing table of statements by sql address */
static size_t nslots;        /* slots allocated: 0 or a power of two */
static size_t nused;         /* slots filled; kept at most half of nslots */
static const nb_call *owner; /* the call whose transaction is open, or NULL */
static uint64_t epoch = 1;   /* nb_store_epoch(): bumped by rollbacks, resets, opens */
/* In memory, a schema runs when a statement first names one of its
 * tables (schema_for_missing), not at open. The schemas are numbered as
 * parts: PART_BLOBS (nb_blobs), PART_CORE (the other nb_ tables), then
 * nb_services[i] as PART_SERVICES + i. made_in_txn has bit p set when part
 * p's schema ran inside the open transaction: a rollback undoes it, so it
 * is run again then (rollback_now). */
enum { PART_BLOBS, PART_CORE, PART_SERVICES, PART_MAX = 64 };
static int lazy_schemas;
static uint64_t made_in_txn;

/* Settings made by pragma: at open on disk; in memory before the first
 * statement is prepared or run (pragmas_first, see run_pragmas). */
static const char SQL_PRAGMAS[] =
    "PRAGMA cache_size = -" STRINGIFY(CACHE_SIZE_KIB) ";"
                                                      "PRAGMA temp_store = MEMORY;";
static int pragmas_first;

/* Statements the store itself runs, cached like any other. */
static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

/* The core's own tables. nb_meta holds the schema version; nb_access_keys
 * holds credentials (made by STS and IAM, read by SigV4 verification);
 * state is an nb_cred_state (creds.h): 0 signs, 1 inactive, 2 deleted. */
static const char core_schema[] = "CREATE TABLE IF NOT EXISTS nb_meta("
                                  " key TEXT PRIMARY KEY,"
                                  " value TEXT);"
                                  "CREATE TABLE IF NOT EXISTS nb_access_keys("
                                  " key_id TEXT PRIMARY KEY,"
                                  " secret TEXT NOT NULL,"
                                  " session_token TEXT,"
                                  " account TEXT NOT NULL,"
                                  " arn TEXT,"
                                  " expires REAL,"
                                  " state INTEGER NOT NULL DEFAULT 0);"
                                  "INSERT OR IGNORE INTO nb_meta(key, value)"
                                  " VALUES('schema_version', '" STRINGIFY(SCHEMA_VERSION) "');";

/* Maps a failed SQLite result code to ours, with a log line naming the
 * SQL. Constraint failures are expected (a duplicate name, say) and the
 * caller decides what they mean, so they are logged at debug only. */
static int
map_error(int rc, const char *what, const char *sql)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        nb_debug("store: %s: %s (%d): %s", what, msg, rc, sql);
        return NB_EINVAL;
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
        nb_error("store: %s: %s (%d): %s", what, msg, rc, sql);
        return NB_ENOMEM;
    default:
        nb_error("store: %s: %s (%d): %s", what, msg, rc, sql);
        return NB_EIO;
    }
}

/* ---- statement cache ------------------------------------------------ */

/* Fibonacci hashing of the address: its low bits are mostly alignment. */
static size_t
hash_ptr(const char *sql)
{
    uint64_t h = (uint64_t)(uintptr_t)sql * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 29);
}

/* The slot holding sql, or the empty slot where it belongs. The table is
 * never more than half full, so the probe ends. */
static nb_stmt **
cache_slot(const char *sql)
{
    size_t mask = nslots - 1;
    for (size_t i = hash_ptr(sql) & mask;; i = (i + 1) & mask)
        if (!slots[i] || slots[i]->sql == sql)
            return &slots[i];
}

/* Doubles the slot table (or makes the first one) and rehashes. */
static int
cache_grow(void)
{
    size_t n = nslots ? nslots * 2 : CACHE_MIN_SLOTS;
    nb_stmt **old = slots;
    size_t nold = nslots;

    nb_stmt **fresh = nb_calloc(n, sizeof(*fresh));
    if (!fresh)
        return NB_ENOMEM;
    slots = fresh;
    nslots = n;
    for (size_t i = 0; i < nold; i++)
        if (old[i])
            *cache_slot(old[i]->sql) = old[i];
    nb_free(old);
    return NB_OK;
}

/* Whether only blanks and semicolons are left in s. */
static int
is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';')
            return 0;
    return 1;
}

/* sqlite3_exec callback: copies the first column of the first row. */
static int
on_first_value(void *ud, int ncol, char **vals, char **names)
{
    char *dst = ud;
    NB_UNUSED(names);
    if (ncol > 0 && vals[0] && !dst[0])
        snprintf(dst, 16, "%s", vals[0]);
    return 0;
}

/* Runs the upgrade steps of svc whose condition holds. */
static int
run_upgrades(const nb_service *svc)
{
    for (const nb_upgrade *u = svc->upgrades; u && u->when; u++) {
        char found[16] = "";
        char *err = NULL;
        int rc = sqlite3_exec(db, u->when, on_first_value, found, &err);
        if (rc == SQLITE_OK && found[0])
            rc = sqlite3_exec(db, u->sql, NULL, NULL, &err);
        if (rc != SQLITE_OK) {
            nb_error("store: upgrade of %s failed: %s", svc->name, err ? err : "?");
            sqlite3_free(err);
            return NB_EIO;
        }
        if (found[0])
            nb_info("store: upgraded %s's tables (%.60s)", svc->name, u->when);
    }
    return NB_OK;
}

/* Runs nb_services[i]'s schema, after its upgrade steps. */
static int
run_schema(size_t i)
{
    const nb_service *svc = nb_services[i];
    char *err = NULL;
    int rc = run_upgrades(svc);
    if (!rc && sqlite3_exec(db, svc->schema, NULL, NULL, &err) != SQLITE_OK) {
        nb_error("store: schema of %s failed: %s", svc->name, err ? err : "?");
        rc = NB_EIO;
    }
    sqlite3_free(err);
    return rc;
}

static int exec_text(const char *sql, const char *what);

/* In memory, runs the pragmas before the connection's first statement.
 * That is at the latest its first BEGIN: temp_store cannot change inside a
 * transaction. */
static int
run_pragmas(void)
{
    if (!pragmas_first)
        return NB_OK;
    pragmas_first = 0;
    return exec_text(SQL_PRAGMAS, "cannot configure the database");
}

/* The table name prefix of part p (see PART_BLOBS), or NULL when the part
 * has no schema or does not exist. */
static const char *
part_prefix(size_t p)
{
    if (p == PART_BLOBS)
        return "nb_blobs";
    if (p == PART_CORE)
        return "nb_";
    for (size_t i = 0; nb_services[i]; i++)
        if (i + PART_SERVICES == p)
            return nb_services[i]->schema ? nb_services[i]->table_prefix : NULL;
    return NULL;
}

/* Runs part p's schema (IF NOT EXISTS throughout, so again is harmless),
 * noting when it ran inside a transaction. A service whose triggers name
 * nb_blobs (S3's) gets the blob table with it: a statement of its own
 * that fires them may be run by nb_store_exec (a reset), which makes
 * nothing lazily. */
static int
run_part(size_t p)
{
    int rc;
    if (p == PART_BLOBS) {
        rc = nb_blob_make_table();
    } else if (p == PART_CORE) {
        rc = exec_text(core_schema, "core schema failed");
    } else {
        const char *schema = nb_services[p - PART_SERVICES]->schema;
        rc = strstr(schema, "nb_blobs") ? run_part(PART_BLOBS) : NB_OK;
        rc = rc ? rc : run_schema(p - PART_SERVICES);
    }
    if (!rc && lazy_schemas && !sqlite3_get_autocommit(db))
        made_in_txn |= UINT64_C(1) << p;
    return rc;
}

/*
 * After a prepare failed: when the error is a missing table that belongs
 * to a part (by its table prefix, the longest that matches) and the
 * schemas are lazy, runs that part's schema and returns NB_OK, so that the
 * caller prepares again. Else NB_EINVAL, and the error stands. Inside an
 * open transaction the tables are made in it, and made again should it
 * roll back. The message's form is SQLite's "no such table: [schema.]name".
 */
static int
schema_for_missing(void)
{
    static const char lead[] = "no such table: ";
    const char *msg = sqlite3_errmsg(db);
    if (!lazy_schemas || strncmp(msg, lead, sizeof(lead) - 1) != 0)
        return NB_EINVAL;
    const char *name = msg + sizeof(lead) - 1;
    if (strncmp(name, "main.", 5) == 0)
        name += 5;
    size_t best = SIZE_MAX, best_len = 0;
    for (size_t p = 0; p < PART_MAX; p++) {
        const char *prefix = part_prefix(p);
        size_t n = prefix ? strlen(prefix) : 0;
        if (n > best_len && strncmp(name, prefix, n) == 0) {
            best = p;
            best_len = n;
        }
    }
    if (best == SIZE_MAX || run_part(best))
        return NB_EINVAL;
    nb_debug("store: made the tables named %s*", part_prefix(best));
    return NB_OK;
}

/* Prepares sql into a new cache entry placed in *slot. */
static nb_stmt *
cache_add(nb_stmt **slot, const char *sql)
{
    const char *tail = NULL;
    nb_stmt *s = nb_malloc(sizeof(*s));
    if (!s) {
        nb_error("store: out of memory preparing: %s", sql);
        return NULL;
    }
    s->sql = sql;
    int rc = run_pragmas() ? SQLITE_ERROR : SQLITE_OK;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
    /* A statement may name the tables of several parts (an S3 delete
     * fires a trigger on nb_blobs): each missing one is made in turn. */
    for (int tries = 0; rc != SQLITE_OK && tries < 4 && schema_for_missing() == NB_OK; tries++)
        rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
    if (rc != SQLITE_OK) {
        map_error(rc, "cannot prepare", sql);
        nb_free(s);
        return NULL;
    }
    /* One statement per nb_sql(): the rest would be silently ignored. */
    if (NB_NEVER(!s->st || (tail && !is_blank(tail)))) {
        nb_error("store: nb_sql takes exactly one statement: %s", sql);
        sqlite3_finalize(s->st);
        nb_free(s);
        return NULL;
    }
    *slot = s;
    nused++;
    return s;
}

/* The cached statement for sql, prepared on first use. */
static nb_stmt *
stmt_get(const char *sql)
{
    if ((nused + 1) * 2 > nslots && cache_grow()) {
        nb_error("store: out of memory growing the statement cache: %s", sql);
        return NULL;
    }
    nb_stmt **slot = cache_slot(sql);
    if (!*slot)
        return cache_add(slot, sql);
#ifndef NDEBUG
    /* The key is the address: the text there must not have changed, as it
     * would if a caller passed a reused buffer instead of a literal. */
    const char *was = sqlite3_sql((*slot)->st);
    assert(strncmp(was, sql, strlen(was)) == 0);
#endif
    return *slot;
}

/* Runs one cached statement that returns no rows (BEGIN, COMMIT, ...). */
static int
run_simple(const char *sql)
{
    nb_stmt *s = stmt_get(sql);
    if (!s)
        return NB_EIO;
    sqlite3_reset(s->st);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(s->st);
        return NB_OK;
    }
    rc = map_error(rc, "failed", sql);
    sqlite3_reset(s->st);
    return rc;
}

/* Resets every statement still part-way through its rows, so that none
 * holds a read open past the end of a transaction. */
static void
reset_busy(void)
{
    for (sqlite3_stmt *p = sqlite3_next_stmt(db, NULL); p; p = sqlite3_next_stmt(db, p))
        if (sqlite3_stmt_busy(p))
            sqlite3_reset(p);
}

/* ---- opening -------------------------------------------------------- */

/* mkdir of one path, accepting a directory that is already there. */
static int
mkdir_one(const char *path)
{
    struct stat sb;
    if (mkdir(path, 0700) == 0)
        return NB_OK;
    if (errno != EEXIST) {
        nb_error("store: cannot make %s: %s", path, strerror(errno));
        return NB_EIO;
    }
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        nb_error("store: %s exists and is not a folder", path);
        return NB_EIO;
    }
    return NB_OK;
}

/* mkdir -p: each missing folder along dir is made with mode 0700. */
static int
make_dir(const char *dir)
{
    int rc = NB_OK;
    char *p = nb_strdup(dir);
    if (!p)
        return NB_ENOMEM;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/' || s[-1] == '/')
            continue;
        *s = '\0';
        rc = mkdir_one(p);
        *s = '/';
        if (rc)
            goto out;
    }
    rc = mkdir_one(p);
out:
    nb_free(p);
    return rc;
}

/* Runs text with sqlite3_exec, mapping a failure to our codes. */
static int
exec_text(const char *sql, const char *what)
{
    char *err = NULL;
    if (run_pragmas())
        return NB_EIO;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc == SQLITE_OK)
        return NB_OK;
    nb_error("store: %s: %s", what, err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return (rc & 0xff) == SQLITE_CONSTRAINT ? NB_EINVAL : NB_EIO;
}

/*
 * Connection settings. On disk the journal is a write-ahead log with
 * synchronous=NORMAL: a COMMIT has write()n its frames into the WAL file
 * before it returns, so the kernel holds them and a process crash, even
 * SIGKILL, loses no committed transaction; the WAL is fsync'ed only at
 * checkpoints, so a power loss or OS crash may roll back the last
 * transactions, but never corrupts the database. SQLite's words:
 * "WAL mode is always consistent with synchronous=NORMAL, but WAL mode
 * does lose durability. A transaction committed in WAL mode with
 * synchronous=NORMAL might roll back following a power loss or system
 * crash. Transactions are durable across application crashes regardless
 * of the synchronous setting or journal mode."
 * (https://www.sqlite.org/pragma.html#pragma_synchronous, and
 * https://www.sqlite.org/wal.html#performance_considerations). That is the
 * promise nimbus makes; tests/unit/store/test_store_kill9.c checks it.
 */
static int
configure(const char *path)
{
    char mode[16] = "";
    int rc;

    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    /* Strictness that catches bugs in services' SQL: "x" is an identifier
     * only, never a string; no schema tricks (SQLite's quirks.html). */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);

    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, (int *)NULL);
    /* In memory the pragmas wait for the first statement (pragmas_first):
     * running them is SQLite's parser, which an idle server never needs. */
    if (!path) {
        pragmas_first = 1;
        return NB_OK;
    }
    /* One process owns a data folder: the connection takes the file's
     * lock at its first read and keeps it until it closes. Set before
     * the journal mode, it also keeps WAL's index in this process's heap
     * instead of a shared -shm file ("if the locking mode is EXCLUSIVE
     * prior to the first WAL-mode database access, then SQLite never
     * attempts to call any of the shared-memory methods",
     * https://www.sqlite.org/wal.html#noshm), which saves the six fcntl()
     * lock calls each transaction made on it. */
    rc = exec_text("PRAGMA locking_mode = EXCLUSIVE;", "cannot configure the database");
    if (rc)
        return rc;
    /* Takes the lock now, so a second nimbus on the folder fails here
     * with a plain reason (after the busy timeout, which lets a nimbus
     * that is still shutting down let go). */
    if (sqlite3_exec(db, "BEGIN EXCLUSIVE; COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
        if ((sqlite3_errcode(db) & 0xff) == SQLITE_BUSY)
            nb_error("store: %s is in use by another process", path);
        else
            nb_error("store: cannot lock %s: %s", path, sqlite3_errmsg(db));
        return NB_EIO;
    }
    rc = exec_text(SQL_PRAGMAS, "cannot configure the database");
    if (rc)
        return rc;
    if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", on_first_value, mode, NULL) != SQLITE_OK)
        return map_error(sqlite3_errcode(db), "cannot set the journal mode", "WAL");
    /* WAL needs shared memory; a file system without it (some network
     * mounts) keeps the rollback journal, which is as durable against a
     * process crash, only slower. */
    if (strcmp(mode, "wal") != 0)
        nb_warn("store: journal mode is %s, not wal: writes will be slower", mode);
    return exec_text("PRAGMA synchronous = NORMAL;", "cannot set synchronous");
}

/* Checks the schema version recorded in nb_meta against ours. */
static int
check_version(const char *where)
{
    char ver[16] = "";
    int rc = sqlite3_exec(db, "SELECT value FROM nb_meta WHERE key = 'schema_version'",
                          on_first_value, ver, NULL);
    if (rc != SQLITE_OK)
        return map_error(rc, "cannot read the schema version", "nb_meta");
    long v = strtol(ver, NULL, 10);
    if (v > SCHEMA_VERSION) {
        nb_error("store: %s has schema version %ld; this nimbus knows up to %d", where, v,
                 SCHEMA_VERSION);
        return NB_EIO;
    }
    /* Migrations from older versions, in order. 1 -> 2: keys have a state
     * (IAM's UpdateAccessKey and DeleteAccessKey revoke them). */
    if (v < 2) {
        rc = exec_text("ALTER TABLE nb_access_keys ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
                       "UPDATE nb_meta SET value = '2' WHERE key = 'schema_version';",
                       "cannot migrate nb_access_keys");
        if (rc)
            return rc;
    }
    return NB_OK;
}

/* On disk: the core schema, then each service's, all in one transaction,
 * so that a file made by an older nimbus gets the tables, indexes and
 * triggers added since. In memory every schema waits for its first use
 * (schema_for_missing): making the tables at open was three quarters of
 * start-up's instructions, and paged in SQLite's parser for a server that
 * may only answer a health check. */
static int
run_schemas(const char *where, int on_disk)
{
    lazy_schemas = !on_disk;
    if (lazy_schemas)
        return NB_OK;
    int rc = exec_text("BEGIN", "cannot begin the schema");
    if (rc)
        return rc;
    rc = exec_text(core_schema, "core schema failed");
    if (!rc)
        rc = check_version(where);
    for (size_t i = 0; !rc && nb_services[i]; i++)
        if (nb_services[i]->schema)
            rc = run_schema(i);
    if (!rc)
        rc = exec_text("COMMIT", "cannot commit the schema");
    if (rc && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int
nb_store_open(const char *dir)
{
    char *path = NULL;
    int rc;

    if (NB_NEVER(db != NULL)) {
        nb_error("store: already open");
        return NB_EIO;
    }
    if (dir) {
        rc = make_dir(dir);
        if (rc)
            goto out;
        size_t len = strlen(dir);
        while (len > 1 && dir[len - 1] == '/')
            len--;
        size_t n = len + sizeof("/nimbus.db");
        path = nb_malloc(n);
        if (!path) {
            rc = NB_ENOMEM;
            goto out;
        }
        snprintf(path, n, "%.*s/nimbus.db", (int)len, dir);
    }
    /* Before SQLite initialises (the first open; later calls are refused
     * harmlessly): no allocation statistics, which nothing reads and
     * which cost a mutex and two counters on each of the ~50 allocations
     * of an SQS send; and one-thread mode, as the loop is the only user. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    epoch++;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int src = sqlite3_open_v2(path ? path : ":memory:", &db, flags, NULL);
    if (src != SQLITE_OK) {
        nb_error("store: cannot open %s: %s", path ? path : "the in-memory database",
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
        rc = NB_EIO;
        goto out;
    }
    rc = configure(path);
    if (!rc)
        rc = nb_blob_open(db, dir);
    if (!rc)
        rc = run_schemas(path ? path : "the in-memory database", path != NULL);
    if (!rc)
        nb_info("store: opened %s", path ? path : "an in-memory database");
out:
    if (rc) {
        nb_store_close();
        rc = NB_EIO;
    }
    nb_free(path);
    return rc;
}

void
nb_store_close(void)
{
    for (size_t i = 0; i < nslots; i++) {
        if (!slots[i])
            continue;
        sqlite3_finalize(slots[i]->st);
        nb_free(slots[i]);
    }
    nb_free(slots);
    slots = NULL;
    nslots = nused = 0;
    owner = NULL;
    lazy_schemas = pragmas_first = 0;
    made_in_txn = 0;
    nb_blob_close();
    if (!db)
        return;
    /* Closing the last connection checkpoints the WAL and removes it. An
     * open transaction is rolled back. */
    int rc = sqlite3_close(db);
    if (rc != SQLITE_OK)
        nb_error("store: close failed: %s", sqlite3_errmsg(db));
    db = NULL;
}

int
nb_store_exec(const char *sql)
{
    if (NB_NEVER(!db))
        return NB_EIO;
    return exec_text(sql, "exec failed");
}

/* ---- transactions --------------------------------------------------- */

int
nb_store_begin(nb_call *call)
{
    if (!call)
        return NB_OK;
    if (NB_NEVER(!db))
        return NB_EIO;
    if (call->in_txn) {
        assert(owner == call);
        /* Some errors (disk full, I/O) make SQLite roll the transaction
         * back on its own. Later statements must not run in autocommit
         * and keep half of the call's writes. */
        if (sqlite3_get_autocommit(db)) {
            nb_error("store: the transaction of request %s was rolled back by an error",
                     call->request_id);
            epoch++;
            return NB_EIO;
        }
        return NB_OK;
    }
    /* One thread, one connection: a second call may not begin while the
     * first has its transaction open (call.c ends it before waiting). */
    if (NB_NEVER(owner != NULL)) {
        nb_error("store: request %s begins while another transaction is open", call->request_id);
        return NB_EINTERNAL;
    }
    /* Deferred: a call that only reads takes no write lock. */
    int rc = run_simple(SQL_BEGIN);
    if (rc)
        return rc;
    call->in_txn = 1;
    owner = call;
    return NB_OK;
}

/* Rolls back whatever transaction the connection has open, if any. */
static void
rollback_now(void)
{
    epoch++;
    reset_busy();
    if (!sqlite3_get_autocommit(db) && run_simple(SQL_ROLLBACK))
        nb_error("store: rollback failed");
    /* Tables made inside the transaction went with it: make them again,
     * or the statements cached for them would fail from now on. */
    for (size_t p = 0; made_in_txn && p < PART_MAX; p++)
        if (made_in_txn & (UINT64_C(1) << p))
            run_part(p);
    made_in_txn = 0;
}

int
nb_store_commit(nb_call *call)
{
    int rc = NB_OK;
    if (!call || !call->in_txn)
        return NB_OK;
    assert(owner == call);
    if (NB_NEVER(!db))
        return NB_EIO;
    reset_busy();
    if (sqlite3_get_autocommit(db)) {
        nb_error("store: the transaction of request %s was rolled back by an error",
                 call->request_id);
        epoch++;
        rc = NB_EIO;
    } else if (nb_blob_precommit() || run_simple(SQL_COMMIT)) {
        nb_error("store: commit of request %s failed; rolling back", call->request_id);
        rollback_now();
        rc = NB_EIO;
    }
    nb_blob_txn_end(rc == NB_OK);
    if (rc == NB_OK)
        made_in_txn = 0;
    call->in_txn = 0;
    owner = NULL;
    return rc;
}

void
nb_store_rollback(nb_call *call)
{
    if (!call || !call->in_txn)
        return;
    assert(owner == call);
    if (NB_ALWAYS(db))
        rollback_now();
    nb_blob_txn_end(0);
    call->in_txn = 0;
    owner = NULL;
}

/* ---- statements ----------------------------------------------------- */

nb_stmt *
nb_sql(nb_call *call, const char *sql)
{
    if (NB_NEVER(!db || !sql))
        return NULL;
    if (nb_store_begin(call))
        return NULL;
    nb_stmt *s = stmt_get(sql);
    if (!s)
        return NULL;
    /* reset returns the last step's error, already reported then. */
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    return s;
}

/* Maps a bind result. A bad index is a bug in the caller's SQL. */
static int
bind_rc(nb_stmt *s, int i, int rc)
{
    if (rc == SQLITE_OK)
        return NB_OK;
    nb_error("store: cannot bind parameter %d: %s: %s", i, sqlite3_errstr(rc), s->sql);
    if (rc == SQLITE_NOMEM || rc == SQLITE_TOOBIG)
        return NB_ENOMEM;
    return NB_EINTERNAL;
}

int
nb_bind_text(nb_stmt *s, int i, const char *str)
{
    assert(s);
    if (!str)
        return nb_bind_null(s, i);
    return nb_bind_textn(s, i, str, strlen(str));
}

int
nb_bind_textn(nb_stmt *s, int i, const char *str, size_t len)
{
    assert(s);
    if (!str)
        return nb_bind_null(s, i);
    return bind_rc(s, i, sqlite3_bind_text64(s->st, i, str, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int
nb_bind_blob(nb_stmt *s, int i, const void *p, size_t len)
{
    assert(s);
    assert(p || len == 0);
    if (!p)
        return nb_bind_null(s, i);
    return bind_rc(s, i, sqlite3_bind_blob64(s->st, i, p, len, SQLITE_TRANSIENT));
}

int
nb_bind_int(nb_stmt *s, int i, int64_t v)
{
    assert(s);
    return bind_rc(s, i, sqlite3_bind_int64(s->st, i, v));
}

int
nb_bind_double(nb_stmt *s, int i, double v)
{
    assert(s);
    return bind_rc(s, i, sqlite3_bind_double(s->st, i, v));
}

int
nb_bind_null(nb_stmt *s, int i)
{
    assert(s);
    return bind_rc(s, i, sqlite3_bind_null(s->st, i));
}

int
nb_step(nb_stmt *s)
{
    assert(s);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return NB_ROW;
    if (rc == SQLITE_DONE)
        return NB_DONE;
    rc = map_error(rc, "step failed", s->sql);
    /* Release what the failed statement holds; the message is logged. */
    sqlite3_reset(s->st);
    return rc;
}

const char *
nb_col_text(nb_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s->st, i);
    return t ? (const char *)t : "";
}

const void *
nb_col_blob(nb_stmt *s, int i)
{
    return sqlite3_column_blob(s->st, i);
}

size_t
nb_col_bytes(nb_stmt *s, int i)
{
    return (size_t)sqlite3_column_bytes(s->st, i);
}

int64_t
nb_col_int(nb_stmt *s, int i)
{
    return sqlite3_column_int64(s->st, i);
}

double
nb_col_double(nb_stmt *s, int i)
{
    return sqlite3_column_double(s->st, i);
}

int
nb_col_is_null(nb_stmt *s, int i)
{
    return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

uint64_t
nb_store_epoch(void)
{
    return epoch;
}

int64_t
nb_store_changes(void)
{
    return db ? (int64_t)sqlite3_changes64(db) : 0;
}

/* ---- reset ---------------------------------------------------------- */

/* The tables a reset empties: every table of ours whose name starts with
 * ?1 (compared exactly: LIKE would read '_' as a wildcard), or all of them
 * when ?1 is NULL. nb_meta (the schema version) is never emptied. */
static const char SQL_RESET_TABLES[] =
    "SELECT name FROM sqlite_master"
    " WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' AND name <> 'nb_meta'"
    " AND name <> 'nb_blobs'"
    " AND (?1 IS NULL OR substr(name, 1, length(?1)) = ?1)"
    " ORDER BY name";

int
nb_store_reset(const char *prefix)
{
    int rc;
    char *sql = NULL;

    if (NB_NEVER(!db))
        return NB_EIO;
    if (prefix && !*prefix)
        prefix = NULL;
    epoch++;
    /* A savepoint is a transaction of its own outside a call, and nests
     * inside a call's. Foreign keys are checked at its end, so the order
     * in which tables are emptied does not matter. */
    sqlite3_str *q = sqlite3_str_new(db);
    sqlite3_str_appendall(q, "SAVEPOINT nb_reset; PRAGMA defer_foreign_keys = ON;");
    nb_stmt *s = stmt_get(SQL_RESET_TABLES);
    if (!s) {
        rc = NB_EIO;
        goto out;
    }
    sqlite3_reset(s->st);
    rc = nb_bind_text(s, 1, prefix);
    while (!rc && (rc = nb_step(s)) == NB_ROW) {
        sqlite3_str_appendf(q, "DELETE FROM \"%w\";", nb_col_text(s, 0));
        rc = NB_OK;
    }
    sqlite3_reset(s->st);
    if (rc != NB_DONE)
        goto out;
    sqlite3_str_appendall(q, "RELEASE nb_reset;");
    sql = sqlite3_str_finish(q);
    q = NULL;
    if (!sql) {
        rc = NB_ENOMEM;
        goto out;
    }
    rc = exec_text(sql, "reset failed");
    if (rc) {
        sqlite3_exec(db, "ROLLBACK TO nb_reset; RELEASE nb_reset;", NULL, NULL, NULL);
        goto out;
    }
    /* The services' triggers released the blobs their rows named. */
    if (!owner) {
        rc = nb_blob_precommit();
        nb_blob_txn_end(rc == NB_OK);
    }
    nb_info("store: reset %s", prefix ? prefix : "all tables");
out:
    sqlite3_free(sqlite3_str_finish(q));
    sqlite3_free(sql);
    return rc;
}
