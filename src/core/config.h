/*
 * config.h: the settings of a running nimbus, each a command-line flag and
 * an environment variable (README's settings table). main.c fills nb_cfg
 * once at start; everything else only reads it.
 */
#ifndef NB_CONFIG_H
#define NB_CONFIG_H

#include "nb.h"

typedef struct nb_config {
    const char *host;           /* NIMBUS_HOST, listen address: 127.0.0.1 */
    uint16_t port;              /* NIMBUS_PORT: 4566 (0: any free port) */
    const char *data_dir;       /* NIMBUS_DATA_DIR: NULL keeps state in memory */
    const char *default_region; /* NIMBUS_DEFAULT_REGION: us-east-1 */
    int verify_signatures;      /* NIMBUS_VERIFY_SIGNATURES: 0 */
    int log_level;              /* NIMBUS_LOG_LEVEL: info */
    uint16_t bound_port;        /* the port actually bound */
} nb_config;

extern nb_config nb_cfg;

/* The default account for credentials that name none. */
#define NB_DEFAULT_ACCOUNT "000000000000"
/* The secret every access key has unless one was issued or configured. */
#define NB_DEFAULT_SECRET "test"

#endif
