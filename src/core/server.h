/*
 * server.h: the HTTP/1.1 server. It owns the listening socket and every
 * connection, turns each complete request into an nb_call served by
 * call.c, and sends the response. It runs on the loop (loop.h): no thread
 * of its own.
 */
#ifndef NB_SERVER_H
#define NB_SERVER_H

#include "nb.h"

/* Listens on host:port (port 0: any free port). *bound receives the port
 * actually bound. Returns NB_OK or NB_EIO after a log line. */
int nb_server_start(const char *host, uint16_t port, uint16_t *bound);
void nb_server_stop(void);

/* What build/nimbus binds libmicrohttpd's GnuTLS calls to (Makefile,
 * LINK=static): nimbus never turns MHD's TLS on, so nb_server_no_tls logs
 * and aborts if one is ever reached, and nb_server_no_tls_init stands for
 * gnutls_global_init/_deinit, which MHD calls when the process starts and
 * exits, and does nothing. */
void nb_server_no_tls(void);
int nb_server_no_tls_init(void);

#endif
