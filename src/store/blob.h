/*
 * blob.h: bodies kept by the store (S3 objects and parts), whatever their
 * size. A blob is named by the store and referred to by name from a
 * service's rows; it is immutable once made. Small blobs live in a row of
 * nb_blobs; larger ones in a file of their own in the blob folder
 * (<data-dir>/blobs, or a private temporary folder when the state is in
 * memory), so a 5 GB object never sits in memory.
 *
 * References are counted by the service's own triggers, which add one to
 * nb_blobs.refs when a row naming a blob is inserted and take one off
 * when it is deleted (see S3's schema). A blob that no row names when its
 * transaction commits is removed, its file unlinked after the commit (an
 * SQLite update hook, which this module owns, lists the nb_blobs rows a
 * transaction touches); a blob made by a transaction that rolls back is
 * removed with it. So a copy shares its source's blob, and no delete path
 * can leak a file. Start-up removes files no row names (a crash between
 * writing a file and committing its row).
 *
 * Request bodies too large to keep in memory are spooled by the server
 * into the blob folder's tmp/ (nb_blob_spool_open): a blob made from such
 * a body takes the spool file by a hard link, without copying it.
 */
#ifndef NB_BLOB_H
#define NB_BLOB_H

#include "../core/nb.h"

/* Bodies up to this size are kept in their row; larger ones in a file. */
#define NB_BLOB_INLINE (256u * 1024)

/* Opens the blob folder: <dir>/blobs, or a new temporary folder when dir
 * is NULL (removed by nb_blob_close). Called by nb_store_open with its
 * connection, before the services' schemas; on disk it makes nb_blobs,
 * in memory the store makes it on first use with nb_blob_make_table. */
int nb_blob_open(void *sqlite_db, const char *dir);
/* Makes nb_blobs if it does not exist. */
int nb_blob_make_table(void);
void nb_blob_close(void);

/* A new spool file in the blob folder's tmp/: an fd open for writing and
 * its path (malloc'ed, the caller frees it and unlinks the file). -1 on
 * failure, after a log line. */
int nb_blob_spool_open(char **path);
/* The spool file fd now holds size bytes. With --data-dir, each further
 * NB_BLOB_WRITEBACK bytes are handed to the kernel's writeback at once
 * (sync_file_range), so the fsync that makes a blob of the file durable
 * waits for the last few MiB only: on the fsync of a whole 512 MiB
 * upload the loop stood still for 0.6 s. *started is the caller's record
 * of how far it has handed over (0 for a new file). */
#define NB_BLOB_WRITEBACK (8u << 20)
void nb_blob_spool_grew(int fd, uint64_t size, uint64_t *started);

/* Makes a blob of the bytes of v (an NB_V_BLOB, or an NB_V_FILE such as a
 * spooled request body) in the call's transaction; *name is its name in
 * the call's arena, or NULL for an empty body (no blob). */
int nb_blob_put(nb_call *call, const nb_value *v, const char **name);

/* A blob made of several pieces in order (multipart completion, a ranged
 * copy). */
typedef struct nb_blob_writer nb_blob_writer;
nb_blob_writer *nb_blob_begin(nb_call *call);
/* Appends len bytes from offset off of blob name. */
int nb_blob_append(nb_blob_writer *w, const char *name, int64_t off, int64_t len);
/* Ends the writer (always frees it): NB_OK and *name as nb_blob_put
 * gives, or the first error met. */
int nb_blob_finish(nb_blob_writer *w, const char **name);

/* The bytes [off, off + len) of blob name as a value a reply can carry:
 * NB_V_BLOB for a small blob, NB_V_FILE for a file. NULL on failure. name
 * NULL is the empty body. */
nb_value *nb_blob_value(nb_call *call, const char *name, int64_t off, int64_t len);

/* Calls fn on the bytes [off, off + len) of blob name, in pieces, in
 * order; stops at the first non-zero return of fn and returns it. */
int nb_blob_each(nb_call *call, const char *name, int64_t off, int64_t len,
                 int (*fn)(void *ud, const void *p, size_t n), void *ud);

/* ---- driven by store.c ---- */

/* Before COMMIT: blobs no row names any more are deleted (rows now,
 * files once committed). */
int nb_blob_precommit(void);
/* After the transaction ends: committed, or rolled back. */
void nb_blob_txn_end(int committed);

#endif
