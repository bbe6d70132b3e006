/*
 * file.c: pieces of files (file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "file.h"
#include "log.h"
#include "mem.h"

int
nb_file_each(const char *path, int64_t off, int64_t len, nb_piece_fn fn, void *ud)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        nb_error("cannot open %s: %s", path, strerror(errno));
        return NB_EIO;
    }
    char *buf = nb_malloc(NB_FILE_PIECE);
    int rc = buf ? NB_OK : NB_ENOMEM;
    while (!rc && len > 0) {
        ssize_t n = pread(fd, buf, len < (int64_t)NB_FILE_PIECE ? (size_t)len : NB_FILE_PIECE, off);
        if (n <= 0) {
            nb_error("cannot read %s: %s", path, n ? strerror(errno) : "the file is short");
            rc = NB_EIO;
            break;
        }
        rc = fn(ud, buf, (size_t)n);
        off += n;
        len -= n;
    }
    nb_free(buf);
    close(fd);
    return rc;
}

typedef struct loader {
    char *p;  /* destination */
    size_t n; /* bytes so far */
} loader;

static int
load_piece(void *ud, const void *p, size_t n)
{
    loader *l = ud;
    memcpy(l->p + l->n, p, n);
    l->n += n;
    return NB_OK;
}

int
nb_file_load(nb_arena *a, const char *path, size_t len, char **out)
{
    loader l = {nb_arena_alloc(a, len + 1), 0};
    if (!l.p)
        return NB_ENOMEM;
    int rc = nb_file_each(path, 0, (int64_t)len, load_piece, &l);
    if (rc)
        return rc;
    l.p[len] = '\0';
    *out = l.p;
    return NB_OK;
}
