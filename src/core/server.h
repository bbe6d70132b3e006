/*
 * server.h: the HTTP/1.1 server. It owns the listening socket and every
 * connection, turns each complete request into an nb_call served by
 * call.c, and sends the response. It runs on the loop (loop.h): no thread
 * of its own.
 */
#ifndef NB_SERVER_H
#define NB_SERVER_H

#include <sys/socket.h>

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

/* What build/nimbus (LINK=static, -Wl,--wrap=setsockopt) routes
 * libmicrohttpd's setsockopt() calls to. Turning TCP_CORK on is answered
 * with success and not done: MHD corks the socket around each sendfile()
 * of a file response, and on loopback a corked sendfile of a 1 MiB body
 * cost the server about three times the CPU of an uncorked one (bench/
 * README.md, 2026-12-03). Uncorked, with TCP_NODELAY on, each piece goes
 * out as it is written; nothing else changes. Every other option is set. */
int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len);

#endif
