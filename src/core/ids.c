/*
 * ids.c: xoshiro256** (Blackman and Vigna, public domain algorithm),
 * seeded from getrandom() on first use and again in a forked child (a
 * pthread_atfork() handler forgets the seed, so that parent and child
 * never share a sequence; no getpid() per id).
 */
#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ids.h"

static uint64_t s[4];
static int seeded;       /* s holds this process's seed */
static int registered;   /* the fork handler is in place */
static pid_t seeded_pid; /* who seeded: checked only when registering failed */

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static void
seed(void)
{
    if (getrandom(s, sizeof(s), 0) != (ssize_t)sizeof(s)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s[0] = (uint64_t)ts.tv_nsec ^ 0x9e3779b97f4a7c15ull;
        s[1] = (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ull;
        s[2] = (uint64_t)getpid() * 0x94d049bb133111ebull;
        s[3] = 0x2545f4914f6cdd1dull;
    }
    seeded = 1;
    seeded_pid = getpid();
}

/* In the child of a fork: the next id reseeds. */
static void
forget_seed(void)
{
    seeded = 0;
}

uint64_t
nb_ids_rand(void)
{
    if (!seeded || (!registered && seeded_pid != getpid())) {
        if (!registered && pthread_atfork(NULL, NULL, forget_seed) == 0)
            registered = 1;
        seed();
    }
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

void
nb_ids_uuid(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    uint64_t a = nb_ids_rand(), c = nb_ids_rand();
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(a >> (8 * i));
        b[8 + i] = (unsigned char)(c >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[36] = '\0';
}
