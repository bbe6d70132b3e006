/*
 * test_store_kill9.c: the store's durability promise, tested by killing.
 * A child process commits transactions into an on-disk store as fast as it
 * can and reports each id on a pipe only after nb_store_commit() returned;
 * the parent kills it with SIGKILL at a random moment, reopens the folder
 * and checks that every reported id is there, that each transaction is
 * whole (a counter row moves with every insert), and that the database
 * passes integrity_check. Twenty rounds share one folder, so each also
 * recovers the WAL the previous kill left behind, and the random payloads
 * make the WAL cross checkpoints during a round.
 *
 * The seed is printed; NB_KILL9_SEED=<n> replays a run.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/call.h"
#include "core/log.h"
#include "core/service.h"
#include "store/store.h"
#include "t.h"

#define ROUNDS 20
#define MAX_DELAY_MS 200 /* the kill lands up to this long after the first commit */
#define MAX_PAYLOAD 3000 /* bytes of random payload per row, at most */

/* No service tables here; weak so the full library's list may win. */
__attribute__((weak)) const nb_service *const nb_services[] = {NULL};

#define SCHEMA                                                                                     \
    "CREATE TABLE IF NOT EXISTS k9_rows(id INTEGER PRIMARY KEY, payload BLOB);"                    \
    "CREATE TABLE IF NOT EXISTS k9_count(one INTEGER PRIMARY KEY, n INTEGER NOT NULL);"            \
    "INSERT OR IGNORE INTO k9_count VALUES(1, 0);"

/* The one integer a query returns, binding a and b to ?1 and ?2 when
 * range is set; -1 on error. */
static int64_t
query_int(const char *sql, int range, int64_t a, int64_t b)
{
    nb_stmt *st = nb_sql(NULL, sql);
    if (!st)
        return -1;
    if (range && (nb_bind_int(st, 1, a) || nb_bind_int(st, 2, b)))
        return -1;
    if (nb_step(st) != NB_ROW)
        return -1;
    return nb_col_int(st, 0);
}

/* Writes all of buf; the pipe reader may be slow. */
static int
write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The child: commit, report, repeat, until killed. */
static void
child(const char *dir, int wfd, unsigned seed)
{
    nb_call call = {0};
    snprintf(call.request_id, sizeof(call.request_id), "kill9-child");
    srand(seed);
    if (nb_store_open(dir) || nb_store_exec(SCHEMA))
        _exit(2);
    int64_t id = query_int("SELECT coalesce(max(id), 0) + 1 FROM k9_rows", 0, 0, 0);
    if (id < 1)
        _exit(3);
    for (;; id++) {
        nb_stmt *st = nb_sql(&call, "INSERT INTO k9_rows(id, payload) VALUES(?1, randomblob(?2))");
        if (!st || nb_bind_int(st, 1, id) || nb_bind_int(st, 2, rand() % MAX_PAYLOAD) ||
            nb_step(st) != NB_DONE)
            _exit(4);
        st = nb_sql(&call, "UPDATE k9_count SET n = n + 1 WHERE one = 1");
        if (!st || nb_step(st) != NB_DONE)
            _exit(5);
        if (nb_store_commit(&call))
            _exit(6);
        if (write_all(wfd, &id, sizeof(id)))
            _exit(7);
    }
}

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the parent has heard from the child. */
typedef struct heard {
    int64_t first;  /* first id reported, 0 before any */
    int64_t last;   /* last id reported */
    int ordered;    /* each id was the one before plus one */
    char buf[8192]; /* bytes read, not yet a whole id */
    size_t have;    /* bytes in buf */
} heard;

/* Reads reported ids until deadline (monotonic ms; -1: until end of
 * file), or, with until_one, as soon as at least one has arrived. */
static void
read_ids(int fd, heard *h, int64_t deadline, int until_one)
{
    while (!(until_one && h->first)) {
        int wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return;
            wait = (int)left;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, wait);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return;
        ssize_t n = read(fd, h->buf + h->have, sizeof(h->buf) - h->have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        h->have += (size_t)n;
        size_t whole = h->have / sizeof(int64_t) * sizeof(int64_t);
        for (size_t off = 0; off < whole; off += sizeof(int64_t)) {
            int64_t id;
            memcpy(&id, h->buf + off, sizeof(id));
            if (h->first == 0)
                h->first = id;
            else if (id != h->last + 1)
                h->ordered = 0;
            h->last = id;
        }
        memmove(h->buf, h->buf + whole, h->have - whole);
        h->have -= whole;
    }
}

/* One round: returns 1 when every check passed. */
static int
round_once(const char *dir, int r, unsigned seed, long *total)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 0;
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        close(fds[0]);
        child(dir, fds[1], seed);
    }
    close(fds[1]);

    /* Wait for the first commit (the child has opened the store), then
     * a random while, still draining the pipe so the child never blocks. */
    static heard h;
    memset(&h, 0, sizeof(h));
    h.ordered = 1;
    read_ids(fds[0], &h, now_ms() + 10000, 1);
    int delay = rand() % (MAX_DELAY_MS + 1);
    read_ids(fds[0], &h, now_ms() + delay, 0);
    kill(pid, SIGKILL);
    read_ids(fds[0], &h, -1, 0);
    int64_t first = h.first, last = h.last;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);

    int ok = 1;
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
        printf("# round %d: child was not killed (status 0x%x)\n", r, status);
        ok = 0;
    }
    if (first == 0 || !h.ordered) {
        printf("# round %d: no ids, or out of order\n", r);
        ok = 0;
    }
    if (nb_store_open(dir)) {
        printf("# round %d: reopen failed\n", r);
        return 0;
    }
    int64_t present =
        query_int("SELECT count(*) FROM k9_rows WHERE id BETWEEN ?1 AND ?2", 1, first, last);
    int64_t max = query_int("SELECT max(id) FROM k9_rows", 0, 0, 0);
    int64_t rows = query_int("SELECT count(*) FROM k9_rows", 0, 0, 0);
    int64_t counter = query_int("SELECT n FROM k9_count", 0, 0, 0);
    nb_stmt *st = nb_sql(NULL, "PRAGMA integrity_check");
    int intact = st && nb_step(st) == NB_ROW && strcmp(nb_col_text(st, 0), "ok") == 0;
    nb_store_close();

    if (first)
        *total += last - first + 1;
    printf("# round %d: %lld commits reported (ids %lld..%lld), max id %lld, kill after %d ms\n", r,
           (long long)(last - first + 1), (long long)first, (long long)last, (long long)max, delay);
    if (present != last - first + 1) {
        printf("# round %d: only %lld of the reported ids are present\n", r, (long long)present);
        ok = 0;
    }
    /* The child may have been killed between COMMIT and its report. */
    if (max != last && max != last + 1) {
        printf("# round %d: max id %lld, last reported %lld\n", r, (long long)max, (long long)last);
        ok = 0;
    }
    if (counter != rows) {
        printf("# round %d: counter %lld but %lld rows: a torn transaction\n", r,
               (long long)counter, (long long)rows);
        ok = 0;
    }
    if (!intact) {
        printf("# round %d: integrity_check failed\n", r);
        ok = 0;
    }
    return ok;
}

int
main(void)
{
    char dir[] = "/tmp/nb_kill9_XXXXXX";
    const char *env = getenv("NB_KILL9_SEED");
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    if (env)
        seed = (unsigned)strtoul(env, NULL, 10);
    long total = 0;

    nb_log_level = NB_LOG_WARN;
    signal(SIGPIPE, SIG_IGN);
    printf("# seed %u (NB_KILL9_SEED replays it)\n", seed);
    srand(seed);
    t_ok(mkdtemp(dir) != NULL, "mkdtemp");
    for (int r = 1; r <= ROUNDS; r++) {
        char name[64];
        snprintf(name, sizeof(name), "round %d: every reported commit survived SIGKILL", r);
        t_ok(round_once(dir, r, (unsigned)rand(), &total), name);
    }
    printf("# %ld commits reported in all\n", total);

    static const char *const files[] = {"nimbus.db", "nimbus.db-wal", "nimbus.db-shm"};
    for (size_t i = 0; i < NB_ARRAY_LEN(files); i++) {
        char path[128];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    char blobs[128];
    snprintf(blobs, sizeof(blobs), "%s/blobs/tmp", dir);
    rmdir(blobs); /* the store's blob folder (store/blob.c), empty here */
    snprintf(blobs, sizeof(blobs), "%s/blobs", dir);
    rmdir(blobs);
    t_ok(rmdir(dir) == 0, "folder removed");
    return t_done();
}
