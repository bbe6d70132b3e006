/*
 * store.h: the one storage layer, on SQLite. One database holds every
 * service's tables (named <prefix>_*, keyed by account and region first).
 * In memory by default; on disk in WAL mode with --data-dir, where a call's
 * writes are committed before its reply is sent, so nothing acknowledged
 * is lost if the process dies (even by SIGKILL).
 *
 * Only src/store/ includes sqlite3.h. Services use the statement wrapper
 * below: statements are prepared once and cached by their SQL text's
 * address (pass string literals), and a call's first statement opens its
 * transaction lazily; call.c commits it before the reply, or rolls it back
 * when the call fails.
 */
#ifndef NB_STORE_H
#define NB_STORE_H

#include "../core/nb.h"

typedef struct nb_stmt nb_stmt;

/* Step results. */
#define NB_ROW 100
#define NB_DONE 101

/* Opens the store: dir NULL means in memory, else <dir>/nimbus.db (the
 * folder is made if needed). On disk runs every service's schema; in
 * memory each runs when a statement first names one of its tables. Returns NB_OK,
 * or NB_EIO with a log line. */
int nb_store_open(const char *dir);
void nb_store_close(void);
/* Runs SQL text (several statements) outside any call, e.g. a schema. */
int nb_store_exec(const char *sql);

/* The statement for sql (a string literal: cached by address), reset and
 * with its bindings cleared, inside the call's transaction (begun now if
 * needed). NULL on error, after a log line. */
nb_stmt *nb_sql(nb_call *call, const char *sql);
/* Bindings, 1-based as in SQLite. Text and blobs are copied. */
int nb_bind_text(nb_stmt *st, int i, const char *s);
int nb_bind_textn(nb_stmt *st, int i, const char *s, size_t len);
int nb_bind_blob(nb_stmt *st, int i, const void *p, size_t len);
int nb_bind_int(nb_stmt *st, int i, int64_t v);
int nb_bind_double(nb_stmt *st, int i, double v);
int nb_bind_null(nb_stmt *st, int i);
/* NB_ROW, NB_DONE, or a negative code (constraint failures: NB_EINVAL). */
int nb_step(nb_stmt *st);
/* Columns of the current row, 0-based. Text is valid until the next step. */
const char *nb_col_text(nb_stmt *st, int i); /* "" for NULL */
const void *nb_col_blob(nb_stmt *st, int i);
size_t nb_col_bytes(nb_stmt *st, int i);
int64_t nb_col_int(nb_stmt *st, int i);
double nb_col_double(nb_stmt *st, int i);
int nb_col_is_null(nb_stmt *st, int i);
/* Rows changed by the last statement that wrote. */
int64_t nb_store_changes(void);

/* A number that changes whenever the store may have lost state that a
 * caller read: a rollback (of a call, or of a failed commit), a reset, a
 * reopen. A cache of rows is good only while it stays the same. */
uint64_t nb_store_epoch(void);

/* Transactions, driven by call.c. begin is a no-op when one is open. */
int nb_store_begin(nb_call *call);
int nb_store_commit(nb_call *call);
void nb_store_rollback(nb_call *call);

/* Deletes every row of every table whose name starts with prefix (all
 * tables when prefix is NULL). For POST /_nimbus/reset. */
int nb_store_reset(const char *prefix);

#endif
