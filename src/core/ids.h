/*
 * ids.h: identifiers that must be unique but need not be secret: request
 * ids and resource ids. A fast generator (xoshiro256**, seeded once from
 * the kernel) so that the request path makes no system call for them.
 * Secrets (access keys, tokens) use OpenSSL's RAND_bytes instead.
 */
#ifndef NB_IDS_H
#define NB_IDS_H

#include "nb.h"

/* 64 random bits. */
uint64_t nb_ids_rand(void);
/* A lower-case UUID v4 into out (37 bytes with the NUL). */
void nb_ids_uuid(char out[37]);

#endif
