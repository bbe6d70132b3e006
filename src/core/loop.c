/*
 * loop.c: epoll plus a timer heap. File descriptors map to callbacks in a
 * table indexed by fd. Timers sit in a min-heap ordered by deadline, with
 * cancellation by id through lazy deletion (a cancelled entry is skipped
 * when it reaches the top).
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "mem.h"

typedef struct fd_entry {
    nb_fd_cb cb; /* callback, or NULL when unwatched */
    void *ud;    /* its argument */
} fd_entry;

typedef struct timer {
    int64_t when_ns; /* monotonic deadline */
    nb_timer_id id;  /* unique id; 0 marks a cancelled entry */
    nb_timer_cb cb;  /* callback */
    void *ud;        /* its argument */
} timer;

static struct {
    int epfd;                  /* epoll instance */
    fd_entry *fds;             /* by fd */
    int nfds;                  /* entries in fds */
    timer *heap;               /* min-heap on when_ns */
    size_t nheap, capheap;     /* used, allocated */
    nb_timer_id next_id;       /* next timer id */
    int stop;                  /* set by nb_loop_stop */
    int64_t (*before)(void *); /* before-wait hook */
    void *before_ud;           /* its argument */
} L = {.epfd = -1};

int64_t
nb_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double
nb_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

int
nb_loop_init(void)
{
    L.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (L.epfd < 0)
        return NB_EIO;
    L.next_id = 1;
    L.stop = 0;
    return NB_OK;
}

void
nb_loop_free(void)
{
    if (L.epfd >= 0)
        close(L.epfd);
    nb_free(L.fds);
    nb_free(L.heap);
    memset(&L, 0, sizeof(L));
    L.epfd = -1;
}

static uint32_t
ep_events(int events)
{
    return ((events & NB_READABLE) ? EPOLLIN : 0) | ((events & NB_WRITABLE) ? EPOLLOUT : 0);
}

int
nb_loop_add_fd(int fd, int events, nb_fd_cb cb, void *ud)
{
    if (fd >= L.nfds) {
        int n = L.nfds ? L.nfds : 64;
        while (n <= fd)
            n *= 2;
        fd_entry *f = nb_realloc(L.fds, (size_t)n * sizeof(*f));
        if (!f)
            return NB_ENOMEM;
        memset(f + L.nfds, 0, (size_t)(n - L.nfds) * sizeof(*f));
        L.fds = f;
        L.nfds = n;
    }
    struct epoll_event ev = {.events = ep_events(events), .data.fd = fd};
    int op = L.fds[fd].cb ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(L.epfd, op, fd, &ev) < 0)
        return NB_EIO;
    L.fds[fd].cb = cb;
    L.fds[fd].ud = ud;
    return NB_OK;
}

void
nb_loop_del_fd(int fd)
{
    if (fd < 0 || fd >= L.nfds || !L.fds[fd].cb)
        return;
    epoll_ctl(L.epfd, EPOLL_CTL_DEL, fd, NULL);
    L.fds[fd].cb = NULL;
    L.fds[fd].ud = NULL;
}

static void
heap_swap(size_t a, size_t b)
{
    timer t = L.heap[a];
    L.heap[a] = L.heap[b];
    L.heap[b] = t;
}

static void
heap_up(size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (L.heap[p].when_ns <= L.heap[i].when_ns)
            break;
        heap_swap(p, i);
        i = p;
    }
}

static void
heap_down(size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < L.nheap && L.heap[l].when_ns < L.heap[m].when_ns)
            m = l;
        if (r < L.nheap && L.heap[r].when_ns < L.heap[m].when_ns)
            m = r;
        if (m == i)
            return;
        heap_swap(i, m);
        i = m;
    }
}

static void
heap_pop(void)
{
    L.heap[0] = L.heap[--L.nheap];
    if (L.nheap)
        heap_down(0);
}

nb_timer_id
nb_timer_add(int64_t ms, nb_timer_cb cb, void *ud)
{
    if (L.nheap == L.capheap) {
        size_t cap = L.capheap ? L.capheap * 2 : 64;
        timer *h = nb_realloc(L.heap, cap * sizeof(*h));
        if (!h)
            return 0;
        L.heap = h;
        L.capheap = cap;
    }
    if (ms < 0)
        ms = 0;
    timer *t = &L.heap[L.nheap];
    t->when_ns = nb_mono_ns() + ms * 1000000;
    t->id = L.next_id++;
    t->cb = cb;
    t->ud = ud;
    heap_up(L.nheap++);
    return t->id;
}

void
nb_timer_cancel(nb_timer_id id)
{
    /* Linear, but timers are few; the entry stays in the heap, inert. */
    for (size_t i = 0; i < L.nheap; i++)
        if (L.heap[i].id == id) {
            L.heap[i].id = 0;
            L.heap[i].cb = NULL;
            return;
        }
}

void
nb_loop_set_before_wait(int64_t (*fn)(void *), void *ud)
{
    L.before = fn;
    L.before_ud = ud;
}

void
nb_loop_stop(void)
{
    L.stop = 1;
}

static void
run_timers(void)
{
    int64_t now = nb_mono_ns();
    while (L.nheap && L.heap[0].when_ns <= now) {
        timer t = L.heap[0];
        heap_pop();
        if (t.cb)
            t.cb(t.ud);
    }
}

static int
wait_ms(void)
{
    int64_t ms = -1;
    if (L.before)
        ms = L.before(L.before_ud);
    /* drop cancelled timers at the top so they do not wake us */
    while (L.nheap && !L.heap[0].cb)
        heap_pop();
    if (L.nheap) {
        int64_t t = (L.heap[0].when_ns - nb_mono_ns() + 999999) / 1000000;
        if (t < 0)
            t = 0;
        if (ms < 0 || t < ms)
            ms = t;
    }
    if (ms > 60000)
        ms = 60000;
    return (int)ms;
}

int
nb_loop_run(void)
{
    struct epoll_event evs[128];
    while (!L.stop) {
        int n = epoll_wait(L.epfd, evs, (int)NB_ARRAY_LEN(evs), wait_ms());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            nb_error("epoll_wait: %s", strerror(errno));
            return NB_EIO;
        }
        for (int i = 0; i < n && !L.stop; i++) {
            int fd = evs[i].data.fd;
            if (fd < 0 || fd >= L.nfds || !L.fds[fd].cb)
                continue;
            int ev = 0;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                ev |= NB_READABLE;
            if (evs[i].events & EPOLLOUT)
                ev |= NB_WRITABLE;
            L.fds[fd].cb(fd, ev, L.fds[fd].ud);
        }
        run_timers();
    }
    return NB_OK;
}
