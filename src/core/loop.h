/*
 * loop.h: the one event loop (Redis ae.c). One thread owns all state; the
 * loop waits on file descriptors and timers with epoll and runs callbacks.
 * Nothing in a callback blocks. Timers are one-shot, kept in a binary
 * heap; a callback that wants to repeat arms a new timer.
 */
#ifndef NB_LOOP_H
#define NB_LOOP_H

#include "nb.h"

#define NB_READABLE 1
#define NB_WRITABLE 2

typedef void (*nb_fd_cb)(int fd, int events, void *ud);
typedef void (*nb_timer_cb)(void *ud);
typedef uint64_t nb_timer_id;

int nb_loop_init(void);
void nb_loop_free(void);
/* Watches fd for events (NB_READABLE|NB_WRITABLE); one callback per fd. */
int nb_loop_add_fd(int fd, int events, nb_fd_cb cb, void *ud);
void nb_loop_del_fd(int fd);
/* Runs cb once after ms milliseconds. Returns an id (never 0), or 0 on
 * out-of-memory. */
nb_timer_id nb_timer_add(int64_t ms, nb_timer_cb cb, void *ud);
/* Cancels a timer that has not run; unknown ids are ignored. */
void nb_timer_cancel(nb_timer_id id);
/* A hook run before each wait; returns the longest time (ms) the loop may
 * sleep, or -1 for no limit (the HTTP server uses it). */
void nb_loop_set_before_wait(int64_t (*fn)(void *), void *ud);
/* Runs until nb_loop_stop(). */
int nb_loop_run(void);
void nb_loop_stop(void);
/* Monotonic clock in nanoseconds, and wall clock in epoch seconds. */
int64_t nb_mono_ns(void);
double nb_wall_now(void);

#endif
