/*
 * file.h: reading a part of a file in pieces, for bodies too large for
 * memory (spooled request bodies, S3 objects kept in files).
 */
#ifndef NB_FILE_H
#define NB_FILE_H

#include "nb.h"

/* Bytes read at a time. */
#define NB_FILE_PIECE (64u * 1024)

/* Piece consumer: returns 0 to go on, or an error code to stop with. */
typedef int (*nb_piece_fn)(void *ud, const void *p, size_t n);

/* Calls fn on the bytes [off, off + len) of file path, in order, in
 * pieces of at most NB_FILE_PIECE. Returns NB_OK, NB_EIO (after a log
 * line: the file cannot be opened or is short), NB_ENOMEM, or fn's code. */
int nb_file_each(const char *path, int64_t off, int64_t len, nb_piece_fn fn, void *ud);

/* Reads the whole of file path (len bytes) into arena a, NUL-terminated. */
int nb_file_load(nb_arena *a, const char *path, size_t len, char **out);

#endif
