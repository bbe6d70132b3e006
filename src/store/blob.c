/*
 * blob.c: the store's bodies (blob.h). Small blobs are rows of nb_blobs
 * (data not NULL); a larger one is a file named after the blob in the
 * blob folder, and its row has data NULL. refs counts the service rows
 * that name the blob; it is kept by the services' triggers through the
 * SQL in their triggers (an UPDATE of refs: see S3's schema).
 *
 * One transaction is open at a time (store.c), so this file keeps three
 * lists for it: the blobs it made (their files are unlinked if it rolls
 * back), the nb_blobs rows it inserted or updated (an update hook on the
 * connection hears of them, the triggers' refs updates included), and the
 * files to unlink once its COMMIT is through. Before the COMMIT, those of
 * its rows left at zero references are deleted, and their files unlinked
 * after it, never before, so that a crash in between leaves a file too
 * many, removed at the next start, and never a row naming a missing file.
 * So no committed row has zero references. (A partial index of the rows
 * at zero did the finding until 2026-12-03: keeping it cost two of the
 * six pages an overwrite of a small object wrote to the WAL.)
 *
 * With --data-dir a new file is fsync'ed, and the folder once per
 * transaction, before the COMMIT that names it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "blob.h"
#include "core/arena.h"
#include "core/call.h"
#include "core/file.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/value.h"
#include "store.h"

typedef struct name_list {
    char **v;   /* malloc'ed names */
    size_t n;   /* used */
    size_t cap; /* allocated */
} name_list;

static struct {
    sqlite3 *db;           /* the store's connection */
    char *dir;             /* the blob folder (malloc'ed), or NULL when closed */
    int durable;           /* on disk: fsync files and the folder */
    int temporary;         /* dir was made for this process: removed at close */
    name_list made;        /* blobs made by the open transaction */
    name_list doomed;      /* files to unlink once the COMMIT is through */
    int64_t *touched;      /* rowids of nb_blobs rows the transaction inserted or updated */
    size_t ntouched;       /* used */
    size_t touched_cap;    /* allocated */
    int touched_lost;      /* out of memory listing one: precommit scans the table */
    sqlite3_stmt *free_st; /* SQL_FREE_ONE, prepared once */
    sqlite3_stmt *all_st;  /* SQL_FREE_ALL, prepared when first needed */
    sqlite3_stmt *del_st;  /* SQL_DELETE_FREE, prepared once */
    int have_table;        /* nb_blobs exists (in memory, made on first use) */
    int dir_dirty;         /* a file was made: fsync the folder before COMMIT */
} B;

static const char schema[] = "CREATE TABLE IF NOT EXISTS nb_blobs("
                             " name TEXT PRIMARY KEY,"
                             " size INTEGER NOT NULL,"
                             " refs INTEGER NOT NULL DEFAULT 0,"
                             " data BLOB);"
                             /* made by data folders of before 2026-12-03 */
                             "DROP INDEX IF EXISTS nb_blobs_free;";

static int
list_add(name_list *l, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = nb_realloc(l->v, cap * sizeof(*v));
        if (!v)
            return NB_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = nb_strdup(name)))
        return NB_ENOMEM;
    l->n++;
    return NB_OK;
}

static void
list_clear(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        nb_free(l->v[i]);
    l->n = 0;
}

static void
list_free(name_list *l)
{
    list_clear(l);
    nb_free(l->v);
    memset(l, 0, sizeof(*l));
}

/* <dir>/<name> in buf. */
static int
path_of(char *buf, size_t n, const char *name)
{
    int w = snprintf(buf, n, "%s/%s", B.dir, name);
    return w < 0 || (size_t)w >= n ? NB_EINVAL : NB_OK;
}

/* ---- statements run outside nb_sql (SQL functions, commit hooks) ---- */

/* Runs sql with one text parameter; returns the first column of the first
 * row through *out (when out is not NULL; -1 when no row). */
static int
run1(const char *sql, const char *name, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(B.db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        nb_error("blob: %s: %s", sql, sqlite3_errmsg(B.db));
        return NB_EIO;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (out)
        *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    int ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    if (!ok)
        nb_error("blob: %s: %s", sql, sqlite3_errmsg(B.db));
    sqlite3_finalize(st);
    return ok ? NB_OK : NB_EIO;
}

/* Notes nb_blobs row rowid as touched by the transaction; a repeat of
 * the last one is not noted twice. Out of memory, sets touched_lost. */
static void
touch(int64_t rowid)
{
    if (B.ntouched && B.touched[B.ntouched - 1] == rowid)
        return;
    if (B.ntouched == B.touched_cap) {
        size_t cap = B.touched_cap ? 2 * B.touched_cap : 16;
        int64_t *v = nb_realloc(B.touched, cap * sizeof(*v));
        if (!v) {
            B.touched_lost = 1;
            return;
        }
        B.touched = v;
        B.touched_cap = cap;
    }
    B.touched[B.ntouched++] = rowid;
}

/* sqlite3_update_hook: lists the nb_blobs rows the transaction inserts
 * or updates (a reference taken off is an update). It must not touch the
 * connection, so it only notes the rowid. */
static void
on_row_change(void *ud, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
    (void)ud;
    (void)dbname;
    if (op != SQLITE_DELETE && strcmp(table, "nb_blobs") == 0)
        touch(rowid);
}

/* Blobs no row names among those the transaction touched: those it made
 * and did not use, and those whose last row it deleted. SQL_FREE_ALL is
 * every such blob, a scan of the table, for when the list was lost. */
static const char SQL_FREE_ONE[] = "SELECT name, data IS NULL FROM nb_blobs"
                                   " WHERE rowid = ? AND refs <= 0";
static const char SQL_FREE_ALL[] = "SELECT rowid FROM nb_blobs WHERE refs <= 0";
static const char SQL_DELETE_FREE[] = "DELETE FROM nb_blobs WHERE rowid = ?";

/* Steps st (prepared once into *st from sql) with rowid bound, if not
 * negative: NB_ROW with a row, NB_OK when done, NB_EIO. The caller
 * resets it. Prepared once: preparing these for each overwrite of an
 * object was 7 % of a 1 KiB PutObject. */
static int
step_once(sqlite3_stmt **st, const char *sql, int64_t rowid)
{
    if (!*st && sqlite3_prepare_v3(B.db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL)) {
        nb_error("blob: %s: %s", sql, sqlite3_errmsg(B.db));
        return NB_EIO;
    }
    if (rowid >= 0)
        sqlite3_bind_int64(*st, 1, rowid);
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW ? NB_ROW : NB_OK;
    nb_error("blob: %s: %s", sql, sqlite3_errmsg(B.db));
    return NB_EIO;
}

/* The list was lost (out of memory): lists every row at zero instead. */
static int
touch_all_free(void)
{
    int rc;
    B.ntouched = 0;
    B.touched_lost = 0;
    while ((rc = step_once(&B.all_st, SQL_FREE_ALL, -1)) == NB_ROW) {
        touch(sqlite3_column_int64(B.all_st, 0));
        if (B.touched_lost) {
            rc = NB_ENOMEM;
            break;
        }
    }
    sqlite3_reset(B.all_st);
    return rc;
}

int
nb_blob_precommit(void)
{
    int rc = NB_OK;
    /* No table, no blob: in memory, nothing has stored one yet. */
    if (!B.have_table)
        return NB_OK;
    if (B.touched_lost)
        rc = touch_all_free();
    for (size_t i = 0; !rc && i < B.ntouched; i++) {
        int found = step_once(&B.free_st, SQL_FREE_ONE, B.touched[i]);
        if (found == NB_ROW && sqlite3_column_int(B.free_st, 1)) {
            const char *name = (const char *)sqlite3_column_text(B.free_st, 0);
            rc = name ? list_add(&B.doomed, name) : NB_ENOMEM;
        } else if (found == NB_EIO)
            rc = NB_EIO;
        sqlite3_reset(B.free_st);
        if (!rc && found == NB_ROW && step_once(&B.del_st, SQL_DELETE_FREE, B.touched[i]))
            rc = NB_EIO;
        sqlite3_reset(B.del_st);
    }
    if (!rc && B.dir_dirty && B.durable) {
        int fd = open(B.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) {
            nb_error("blob: cannot sync %s: %s", B.dir, strerror(errno));
            rc = NB_EIO;
        }
        if (fd >= 0)
            close(fd);
    }
    return rc;
}

static void
unlink_name(const char *name)
{
    char p[4096];
    if (!path_of(p, sizeof(p), name) && unlink(p) != 0 && errno != ENOENT)
        nb_warn("blob: cannot remove %s: %s", p, strerror(errno));
}

void
nb_blob_txn_end(int committed)
{
    name_list *gone = committed ? &B.doomed : &B.made;
    for (size_t i = 0; i < gone->n; i++)
        unlink_name(gone->v[i]);
    list_clear(&B.made);
    list_clear(&B.doomed);
    B.ntouched = 0;
    B.touched_lost = 0;
    B.dir_dirty = 0;
}

/* ---- the folder ------------------------------------------------------ */

static int
mkdir_ok(const char *p)
{
    if (mkdir(p, 0700) == 0 || errno == EEXIST)
        return NB_OK;
    nb_error("blob: cannot make %s: %s", p, strerror(errno));
    return NB_EIO;
}

/* Removes every file of folder p (not sub-folders) for which keep() says
 * no (keep NULL: all). */
static void
sweep(const char *p, int (*keep)(const char *name))
{
    DIR *d = opendir(p);
    if (!d)
        return;
    char f[4096];
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || (keep && keep(e->d_name)))
            continue;
        if (snprintf(f, sizeof(f), "%s/%s", p, e->d_name) < (int)sizeof(f))
            unlink(f);
    }
    closedir(d);
}

static int
known(const char *name)
{
    int64_t found = -1;
    return strcmp(name, "tmp") == 0 ||
           (!run1("SELECT refs FROM nb_blobs WHERE name = ? AND data IS NULL", name, &found) &&
            found > 0);
}

int
nb_blob_open(void *sqlite_db, const char *dir)
{
    char p[4096];
    B.db = sqlite_db;
    sqlite3_update_hook(B.db, on_row_change, NULL);
    if (dir) {
        if (snprintf(p, sizeof(p), "%s/blobs", dir) >= (int)sizeof(p))
            return NB_EINVAL;
        if (mkdir_ok(p))
            return NB_EIO;
    } else {
        const char *t = getenv("TMPDIR");
        if (snprintf(p, sizeof(p), "%s/nimbus-blobs-XXXXXX", t && *t ? t : "/tmp") >=
                (int)sizeof(p) ||
            !mkdtemp(p)) {
            nb_error("blob: cannot make a temporary folder: %s", strerror(errno));
            return NB_EIO;
        }
    }
    if (!(B.dir = nb_strdup(p)))
        return NB_ENOMEM;
    B.durable = dir != NULL;
    B.temporary = dir == NULL;
    if (snprintf(p, sizeof(p), "%s/tmp", B.dir) >= (int)sizeof(p) || mkdir_ok(p))
        return NB_EIO;
    /* What a crash left: spool files, files no committed row names. */
    sweep(p, NULL);
    if (B.durable) {
        if (nb_blob_make_table())
            return NB_EIO;
        sweep(B.dir, known);
    }
    return NB_OK;
}

void
nb_blob_spool_grew(int fd, uint64_t size, uint64_t *started)
{
    if (!B.durable || size < *started + NB_BLOB_WRITEBACK)
        return;
    /* A failure only leaves more for the fsync to do. */
    if (sync_file_range(fd, (off_t)*started, (off_t)(size - *started), SYNC_FILE_RANGE_WRITE))
        nb_debug("blob: sync_file_range: %s", strerror(errno));
    *started = size;
}

int
nb_blob_make_table(void)
{
    if (nb_store_exec(schema))
        return NB_EIO;
    B.have_table = 1;
    return NB_OK;
}

void
nb_blob_close(void)
{
    B.have_table = 0;
    list_free(&B.made);
    list_free(&B.doomed);
    nb_free(B.touched);
    B.touched = NULL;
    B.ntouched = B.touched_cap = 0;
    B.touched_lost = 0;
    sqlite3_finalize(B.free_st);
    B.free_st = NULL;
    sqlite3_finalize(B.del_st);
    B.del_st = NULL;
    sqlite3_finalize(B.all_st);
    B.all_st = NULL;
    if (!B.dir)
        return;
    if (B.temporary) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/tmp", B.dir);
        sweep(p, NULL);
        rmdir(p);
        sweep(B.dir, NULL);
        rmdir(B.dir);
    }
    nb_free(B.dir);
    B.dir = NULL;
}

int
nb_blob_spool_open(char **path)
{
    char p[4096];
    if (!B.dir || snprintf(p, sizeof(p), "%s/tmp/spool-XXXXXX", B.dir) >= (int)sizeof(p))
        return -1;
    int fd = mkostemp(p, O_CLOEXEC);
    if (fd < 0) {
        nb_error("blob: cannot make a spool file in %s/tmp: %s", B.dir, strerror(errno));
        return -1;
    }
    if (!(*path = nb_strdup(p))) {
        close(fd);
        unlink(p);
        return -1;
    }
    return fd;
}

/* ---- making blobs ---------------------------------------------------- */

struct nb_blob_writer {
    nb_call *call;    /* whose transaction */
    char *mem;        /* bytes so far while they fit a row (malloc'ed) */
    size_t len;       /* bytes so far */
    int fd;           /* the file once they do not, else -1 */
    const char *name; /* the blob's name (arena) */
    char path[4096];  /* the file's path */
    int rc;           /* first error */
};

nb_blob_writer *
nb_blob_begin(nb_call *call)
{
    nb_blob_writer *w = nb_calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->call = call;
    w->fd = -1;
    return w;
}

/* Moves the bytes so far into a new file. */
static int
to_file(nb_blob_writer *w)
{
    const char *u = nb_call_uuid(w->call);
    if (!u || !(w->name = nb_arena_strdup(w->call->arena, u)) ||
        path_of(w->path, sizeof(w->path), w->name))
        return NB_ENOMEM;
    w->fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        nb_error("blob: cannot make %s: %s", w->path, strerror(errno));
        return NB_EIO;
    }
    for (size_t off = 0; off < w->len;) {
        ssize_t n = write(w->fd, w->mem + off, w->len - off);
        if (n <= 0) {
            nb_error("blob: cannot write %s: %s", w->path, strerror(errno));
            return NB_EIO;
        }
        off += (size_t)n;
    }
    nb_free(w->mem);
    w->mem = NULL;
    return NB_OK;
}

static int
append_mem(void *ud, const void *p, size_t n)
{
    nb_blob_writer *w = ud;
    if (w->rc || !n)
        return w->rc;
    if (w->fd < 0 && w->len + n <= NB_BLOB_INLINE) {
        char *m = nb_realloc(w->mem, w->len + n);
        if (!m)
            return w->rc = NB_ENOMEM;
        memcpy(m + w->len, p, n);
        w->mem = m;
        w->len += n;
        return NB_OK;
    }
    if (w->fd < 0 && (w->rc = to_file(w)))
        return w->rc;
    for (size_t off = 0; off < n;) {
        ssize_t k = write(w->fd, (const char *)p + off, n - off);
        if (k <= 0) {
            nb_error("blob: cannot write %s: %s", w->path, strerror(errno));
            return w->rc = NB_EIO;
        }
        off += (size_t)k;
    }
    w->len += n;
    return NB_OK;
}

int
nb_blob_each(nb_call *call, const char *name, int64_t off, int64_t len,
             int (*fn)(void *ud, const void *p, size_t n), void *ud)
{
    if (!name || len <= 0)
        return NB_OK;
    nb_stmt *st = nb_sql(call, "SELECT data IS NULL, data, size FROM nb_blobs WHERE name = ?");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, name);
    if (nb_step(st) != NB_ROW) {
        nb_error("blob: %s is missing", name);
        return NB_EINTERNAL;
    }
    if (off < 0 || off + len > nb_col_int(st, 2))
        return NB_EINVAL;
    if (!nb_col_int(st, 0)) {
        /* copy first: fn may run statements of its own */
        char *p = nb_arena_alloc(call->arena, (size_t)len);
        if (!p)
            return NB_ENOMEM;
        memcpy(p, (const char *)nb_col_blob(st, 1) + off, (size_t)len);
        return fn(ud, p, (size_t)len);
    }
    char path[4096];
    return path_of(path, sizeof(path), name) ? NB_EINVAL : nb_file_each(path, off, len, fn, ud);
}

int
nb_blob_append(nb_blob_writer *w, const char *name, int64_t off, int64_t len)
{
    if (!w->rc)
        w->rc = nb_blob_each(w->call, name, off, len, append_mem, w);
    return w->rc;
}

/* Records a new blob in the call's transaction. */
static int
record(nb_call *call, const char *name, int64_t size, const void *data)
{
    nb_stmt *st = nb_sql(call, "INSERT INTO nb_blobs (name, size, data) VALUES (?, ?, ?)");
    if (!st)
        return NB_EINTERNAL;
    nb_bind_text(st, 1, name);
    nb_bind_int(st, 2, size);
    if (data)
        nb_bind_blob(st, 3, data, (size_t)size);
    if (nb_step(st) != NB_DONE)
        return NB_EINTERNAL;
    return list_add(&B.made, name);
}

int
nb_blob_finish(nb_blob_writer *w, const char **name)
{
    int rc = w->rc;
    *name = NULL;
    if (!rc && w->fd >= 0 && B.durable && fsync(w->fd) != 0) {
        nb_error("blob: cannot sync %s: %s", w->path, strerror(errno));
        rc = NB_EIO;
    }
    if (w->fd >= 0 && close(w->fd) != 0 && !rc)
        rc = NB_EIO;
    if (!rc && w->fd >= 0) {
        rc = record(w->call, w->name, (int64_t)w->len, NULL);
        B.dir_dirty = 1;
        *name = w->name;
    } else if (!rc && w->len) {
        const char *u = nb_call_uuid(w->call);
        *name = u ? nb_arena_strdup(w->call->arena, u) : NULL;
        rc = *name ? record(w->call, *name, (int64_t)w->len, w->mem) : NB_ENOMEM;
    }
    if (rc && w->fd >= 0)
        unlink(w->path);
    nb_free(w->mem);
    nb_free(w);
    return rc;
}

/* A whole spool file becomes a blob by a hard link: no copy. */
static int
adopt(nb_call *call, const char *spool, int64_t len, const char **name)
{
    char p[4096];
    const char *u = nb_call_uuid(call);
    if (!u || !(*name = nb_arena_strdup(call->arena, u)) || path_of(p, sizeof(p), *name))
        return NB_ENOMEM;
    if (link(spool, p) != 0) {
        nb_error("blob: cannot link %s to %s: %s", spool, p, strerror(errno));
        return NB_EIO;
    }
    if (B.durable) {
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        int bad = fd < 0 || fsync(fd) != 0;
        if (fd >= 0)
            close(fd);
        if (bad) {
            nb_error("blob: cannot sync %s: %s", p, strerror(errno));
            unlink(p);
            return NB_EIO;
        }
    }
    B.dir_dirty = 1;
    int rc = record(call, *name, len, NULL);
    if (rc)
        unlink(p);
    return rc;
}

int
nb_blob_put(nb_call *call, const nb_value *v, const char **name)
{
    *name = NULL;
    if (v && v->type == NB_V_FILE) {
        struct stat sb;
        if (v->u.f.len > (int64_t)NB_BLOB_INLINE && v->u.f.off == 0 &&
            stat(v->u.f.path, &sb) == 0 && sb.st_size == v->u.f.len)
            return adopt(call, v->u.f.path, v->u.f.len, name);
        nb_blob_writer *w = nb_blob_begin(call);
        if (!w)
            return NB_ENOMEM;
        w->rc = nb_file_each(v->u.f.path, v->u.f.off, v->u.f.len, append_mem, w);
        return nb_blob_finish(w, name);
    }
    if (!v || (v->type != NB_V_BLOB && v->type != NB_V_STR) || !v->u.s.len)
        return NB_OK;
    nb_blob_writer *w = nb_blob_begin(call);
    if (!w)
        return NB_ENOMEM;
    append_mem(w, v->u.s.p, v->u.s.len);
    return nb_blob_finish(w, name);
}

nb_value *
nb_blob_value(nb_call *call, const char *name, int64_t off, int64_t len)
{
    if (!name || len <= 0)
        return nb_value_blob(call->arena, "", 0);
    nb_stmt *st = nb_sql(call, "SELECT data IS NULL, substr(data, ?, ?), size FROM nb_blobs"
                               " WHERE name = ?");
    if (!st)
        return NULL;
    nb_bind_int(st, 1, off + 1);
    nb_bind_int(st, 2, len);
    nb_bind_text(st, 3, name);
    if (nb_step(st) != NB_ROW || off < 0 || off + len > nb_col_int(st, 2)) {
        nb_error("blob: %s is missing or shorter than asked", name);
        return NULL;
    }
    if (!nb_col_int(st, 0))
        return nb_value_blob(call->arena, nb_col_blob(st, 1), nb_col_bytes(st, 1));
    char p[4096];
    return path_of(p, sizeof(p), name) ? NULL : nb_value_file(call->arena, p, off, len);
}
