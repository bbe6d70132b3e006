/*
 * server.c: the only user of libmicrohttpd. The daemon runs without a
 * thread of its own (MHD_USE_EPOLL, external event loop): its epoll fd is
 * watched by our loop, MHD_run() is called on each wake-up, and the loop
 * sleeps no longer than MHD_get_timeout() allows.
 *
 * One conn_state per request: it holds the raw URI (from the URI log
 * callback, before libmicrohttpd splits or unescapes anything: S3 keys and
 * SigV4 need the bytes as sent), the body, and the call. The body is kept
 * in memory up to NB_SPOOL_MIN and spooled to a file of the store's blob
 * folder beyond (an S3 upload of any size takes no more memory than that);
 * an aws-chunked body is decoded on the way in (core/chunked.c), and its
 * trailers join the headers. The spool file goes with the request: a
 * service that keeps the body links it (store/blob.c), so an upload cut
 * off midway leaves nothing behind. A response may be sent from a file
 * (nb_http_resp.file) without reading it into memory. A call
 * that returns NB_PENDING suspends its connection; nb_call_done() fills
 * the response and resumes it, and libmicrohttpd calls the access handler
 * again, which queues the response.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arena.h"
#include "call.h"
#include "chunked.h"
#include "limits.h"
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "server.h"
#include "store/blob.h"

typedef struct conn_state {
    nb_call *call;                   /* the call, made on the first access callback */
    char *uri;                       /* raw request target as sent (call arena) */
    nb_buf body;                     /* request body in memory, up to NB_SPOOL_MIN */
    int spool_fd;                    /* the body's spool file once larger, else -1 */
    char *spool_path;                /* its path (malloc'ed), unlinked at the end */
    uint64_t spool_started;          /* bytes of it handed to writeback (nb_blob_spool_grew) */
    uint64_t received;               /* body bytes (decoded) so far */
    nb_chunked *chunk;               /* decoder of an aws-chunked body, or NULL */
    nb_http_req *req;                /* the request view, once headers are in */
    nb_http_resp resp;               /* the response once ready */
    int too_large;                   /* the body went over the bound */
    int spool_failed;                /* the spool file could not be written */
    int pending;                     /* waiting for nb_call_done */
    int ready;                       /* resp is complete */
    struct MHD_Connection *conn;     /* for resume */
    struct conn_state *next_pending; /* pending list links */
    struct conn_state *prev_pending;
} conn_state;

static struct {
    struct MHD_Daemon *d; /* the daemon */
    int epfd;             /* its epoll fd, on our loop */
    uint16_t port;        /* bound port */
    conn_state *pending;  /* suspended connections waiting for their call */
    int resumed;          /* a connection was resumed since the last MHD_run */
} S;

static void
pending_add(conn_state *cs)
{
    cs->pending = 1;
    cs->prev_pending = NULL;
    cs->next_pending = S.pending;
    if (S.pending)
        S.pending->prev_pending = cs;
    S.pending = cs;
}

static void
pending_del(conn_state *cs)
{
    if (!cs->pending)
        return;
    if (cs->prev_pending)
        cs->prev_pending->next_pending = cs->next_pending;
    else
        S.pending = cs->next_pending;
    if (cs->next_pending)
        cs->next_pending->prev_pending = cs->prev_pending;
    cs->pending = 0;
}

static void
conn_free(conn_state *cs)
{
    if (!cs)
        return;
    nb_buf_free(&cs->body);
    nb_buf_free(&cs->resp.body);
    nb_resp_drop_file(&cs->resp);
    if (cs->spool_fd >= 0)
        close(cs->spool_fd);
    if (cs->spool_path) {
        unlink(cs->spool_path);
        nb_free(cs->spool_path);
    }
    nb_call_free(cs->call);
    nb_free(cs);
}

/* URI log callback: the first thing libmicrohttpd tells us of a request.
 * Its return value becomes the request's context pointer. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    conn_state *cs = nb_calloc(1, sizeof(*cs));
    if (!cs)
        return NULL;
    cs->call = nb_call_new(NULL, NULL);
    if (!cs->call) {
        nb_free(cs);
        return NULL;
    }
    cs->uri = nb_arena_strdup(cs->call->arena, uri);
    cs->conn = conn;
    cs->spool_fd = -1;
    nb_buf_init(&cs->body, NB_SPOOL_MIN);
    nb_buf_init(&cs->resp.body, NB_RESP_MAX);
    return cs;
}

/* Leave the URI as sent: we decode each part ourselves where AWS does. */
static size_t
on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    return strlen(s);
}

typedef struct hdr_ctx {
    nb_arena *a;  /* where copies go */
    nb_header *h; /* array of NB_HEADERS_MAX */
    size_t n;     /* used */
} hdr_ctx;

static enum MHD_Result
on_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    hdr_ctx *hc = cls;
    if (hc->n >= NB_HEADERS_MAX)
        return MHD_NO;
    size_t kl = strlen(key);
    char *k = nb_arena_strndup(hc->a, key, kl);
    if (!k)
        return MHD_NO;
    for (size_t i = 0; i < kl; i++)
        k[i] = (char)tolower((unsigned char)k[i]);
    hc->h[hc->n].name = k;
    hc->h[hc->n].value = value ? value : "";
    hc->n++;
    return MHD_YES;
}

static int
build_request(conn_state *cs, struct MHD_Connection *conn, const char *method)
{
    nb_call *call = cs->call;
    nb_http_req *req = nb_arena_zalloc(call->arena, sizeof(*req));
    nb_header *h = nb_arena_alloc(call->arena, NB_HEADERS_MAX * sizeof(nb_header));
    if (!req || !h)
        return NB_ENOMEM;
    hdr_ctx hc = {call->arena, h, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, on_header, &hc);
    req->headers = h;
    req->nheaders = hc.n;
    req->method = method;
    char *q = strchr(cs->uri, '?');
    if (q) {
        req->url = nb_arena_strndup(call->arena, cs->uri, (size_t)(q - cs->uri));
        req->query = q + 1;
    } else {
        req->url = cs->uri;
        req->query = "";
    }
    if (!req->url)
        return NB_ENOMEM;
    const char *host = nb_http_header(req, "host");
    req->host = host ? host : "";
    req->local_port = S.port;
    call->http = req;
    cs->req = req;
    return NB_OK;
}

/* 1 when name (n bytes) is listed in the comma-separated x-amz-trailer. */
static int
declared(const char *list, const char *name, size_t n)
{
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t l = strcspn(p, ", ");
        if (l == n && strncasecmp(p, name, n) == 0)
            return 1;
        p += l;
    }
    return 0;
}

/* The body is all in: the request view gets it, and an aws-chunked
 * body's declared trailers join the headers (so that header members read
 * them as if they had come first). */
static int
body_done(conn_state *cs)
{
    nb_http_req *req = cs->req;
    req->body = cs->body.p ? cs->body.p : "";
    req->body_len = (size_t)cs->received;
    req->body_path = cs->spool_fd >= 0 ? cs->spool_path : NULL;
    if (!cs->chunk)
        return NB_OK;
    const char *dl = nb_http_header(req, "x-amz-decoded-content-length");
    if (!nb_chunked_complete(cs->chunk) || (dl && strtoull(dl, NULL, 10) != cs->received))
        req->body_bad = 1;
    const char *list = nb_http_header(req, "x-amz-trailer"), *name, *value;
    size_t pos = 0, nl, vl;
    while (list && req->nheaders < NB_HEADERS_MAX &&
           nb_chunked_trailer(cs->chunk, &pos, &name, &nl, &value, &vl)) {
        if (!declared(list, name, nl))
            continue;
        char *k = nb_arena_strndup(cs->call->arena, name, nl);
        char *v = nb_arena_strndup(cs->call->arena, value, vl);
        if (!k || !v)
            return NB_ENOMEM;
        for (char *c = k; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        req->headers[req->nheaders].name = k;
        req->headers[req->nheaders++].value = v;
    }
    return NB_OK;
}

static int
write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Decoded body bytes: to memory while they fit NB_SPOOL_MIN, then to the
 * spool file. */
static int
body_add(void *ud, const char *p, size_t n)
{
    conn_state *cs = ud;
    if (cs->too_large || cs->spool_failed)
        return 0;
    cs->received += n;
    if (cs->received > NB_UPLOAD_MAX) {
        cs->too_large = 1;
        return 0;
    }
    if (cs->spool_fd < 0 && cs->received <= NB_SPOOL_MIN)
        return nb_buf_add(&cs->body, p, n) ? (cs->spool_failed = 1, 0) : 0;
    if (cs->spool_fd < 0) {
        cs->spool_fd = nb_blob_spool_open(&cs->spool_path);
        if (cs->spool_fd < 0 || write_all(cs->spool_fd, cs->body.p, cs->body.len)) {
            cs->spool_failed = 1;
            return 0;
        }
        nb_buf_free(&cs->body);
    }
    if (write_all(cs->spool_fd, p, n)) {
        nb_error("cannot spool a request body to %s: %s", cs->spool_path, strerror(errno));
        cs->spool_failed = 1;
        return 0;
    }
    nb_blob_spool_grew(cs->spool_fd, cs->received, &cs->spool_started);
    return 0;
}

static void
free_body(void *p)
{
    nb_free(p);
}

/* A reply to HEAD that names its own Content-Length (S3 HeadObject: the
 * object's size), or NULL. libmicrohttpd 0.9.75 drops such a header and
 * sends "Content-Length: 0" for an empty response; but it answers HEAD
 * with the length of the response it was given and no body, so the
 * response is made with that size and a reader it never calls. */
static const char *
head_length(const conn_state *cs)
{
    if (!cs->req || strcmp(cs->req->method, "HEAD") != 0)
        return NULL;
    for (size_t i = 0; i < cs->resp.nheaders; i++)
        if (strcasecmp(cs->resp.headers[i].name, "Content-Length") == 0)
            return cs->resp.headers[i].value;
    return NULL;
}

static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static enum MHD_Result
send_resp(struct MHD_Connection *conn, conn_state *cs)
{
    nb_http_resp *r = &cs->resp;
    size_t len;
    const char *hl = head_length(cs);
    char *body = hl || r->file ? NULL : nb_buf_take(&r->body, &len);
    struct MHD_Response *mr =
        hl ? MHD_create_response_from_callback(strtoull(hl, NULL, 10), 1024, no_body, NULL, NULL)
        : r->file ? MHD_create_response_from_fd_at_offset64((uint64_t)r->file->len, r->file->fd,
                                                            (uint64_t)r->file->off)
        : body    ? MHD_create_response_from_buffer_with_free_callback(len, body, free_body)
                  : MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (mr && r->file)
        r->file->fd = -1; /* the response closes it */
    if (!mr) {
        nb_free(body);
        return MHD_NO;
    }
    if (r->content_type)
        MHD_add_response_header(mr, "Content-Type", r->content_type);
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* Called by call.c (through call->done_cb) when a pending call is done. */
static void
on_call_done(nb_call *call, int rc, void *ud)
{
    conn_state *cs = ud;
    cs->ready = 1;
    pending_del(cs);
    MHD_resume_connection(cs->conn);
    S.resumed = 1;
}

static void
too_large(conn_state *cs)
{
    /* AWS front ends answer an oversized body with 413 before the service
     * sees it. */
    nb_resp_text(&cs->resp, 413, "text/plain", "Request Entity Too Large\n", 25);
    cs->ready = 1;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload, size_t *upload_size, void **ctx)
{
    conn_state *cs = *ctx;
    if (!cs)
        return MHD_NO; /* out of memory in on_uri: drop the connection */
    if (cs->ready)
        return send_resp(conn, cs);
    if (cs->pending)
        return MHD_YES;
    if (*upload_size) {
        if (cs->chunk)
            nb_chunked_feed(cs->chunk, upload, *upload_size, body_add, cs);
        else
            body_add(cs, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (!cs->call->http) {
        /* first call: headers are in; refuse an announced oversize now */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > (unsigned long long)NB_UPLOAD_MAX) {
            too_large(cs);
            return send_resp(conn, cs);
        }
        if (build_request(cs, conn, method))
            return MHD_NO;
        if (nb_chunked_is(nb_http_header(cs->req, "x-amz-content-sha256"),
                          nb_http_header(cs->req, "content-encoding"))) {
            cs->chunk = nb_arena_alloc(cs->call->arena, sizeof(*cs->chunk));
            if (!cs->chunk)
                return MHD_NO;
            nb_chunked_init(cs->chunk);
            cl = nb_http_header(cs->req, "x-amz-decoded-content-length");
        }
        /* A body that will stay in memory gets its buffer at once (a 1 MiB
         * one grew by doubling to 2 MiB, copied on the way). */
        unsigned long long want = cl ? strtoull(cl, NULL, 10) : 0;
        if (want && want <= NB_SPOOL_MIN)
            (void)nb_buf_reserve(&cs->body, (size_t)want);
        if (!cs->req->host[0] && strcmp(version, MHD_HTTP_VERSION_1_1) == 0) {
            /* RFC 9112 3.2: an HTTP/1.1 request without Host is a 400 */
            nb_resp_text(&cs->resp, 400, "text/plain", "Bad Request: missing Host\n", 26);
            cs->ready = 1;
            return send_resp(conn, cs);
        }
        return MHD_YES; /* body, if any, comes next */
    }
    if (cs->too_large) {
        too_large(cs);
        return send_resp(conn, cs);
    }
    if (cs->spool_failed) {
        nb_resp_text(&cs->resp, 500, "text/plain", "Cannot store the request body\n", 30);
        cs->ready = 1;
        return send_resp(conn, cs);
    }
    if (body_done(cs))
        return MHD_NO;
    cs->call->done_cb = on_call_done;
    cs->call->done_ud = cs;
    int rc = nb_call_serve(cs->call, &cs->resp);
    if (rc == NB_PENDING) {
        pending_add(cs);
        MHD_suspend_connection(conn);
        return MHD_YES;
    }
    cs->ready = 1;
    return send_resp(conn, cs);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
             enum MHD_RequestTerminationCode toe)
{
    conn_state *cs = *ctx;
    if (cs && cs->pending) { /* the call never finished: its handler forgets it */
        pending_del(cs);
        if (cs->call->cancel_cb)
            cs->call->cancel_cb(cs->call, NB_EAWS, cs->call->cancel_ud);
    }
    conn_free(cs);
    *ctx = NULL;
}

static void
on_epoll(int fd, int events, void *ud)
{
    MHD_run(S.d);
}

static int64_t
before_wait(void *ud)
{
    /* libmicrohttpd's epoll set is edge-triggered: data it has read but
     * not yet processed (a body larger than one read, a pipelined request)
     * raises no new event, and it says so by a timeout of 0. Run it until
     * it has nothing left to do now, with a bound so that one busy
     * connection cannot starve the loop's timers. */
    MHD_UNSIGNED_LONG_LONG ms = 0;
    /* A connection resumed outside MHD_run (a timer finished its call)
     * is only taken back by the next MHD_run: neither MHD_get_timeout nor
     * the epoll set says so (seen with libmicrohttpd 0.9.75: a keep-alive
     * connection's long poll answered by a SendMessage on another
     * connection stayed suspended until the client gave up). */
    if (S.resumed) {
        S.resumed = 0;
        MHD_run(S.d);
    }
    for (int i = 0; i < 64; i++) {
        if (MHD_get_timeout(S.d, &ms) != MHD_YES)
            return -1;
        if (ms > 0)
            return (int64_t)ms;
        MHD_run(S.d);
    }
    return 0;
}

static int
resolve_addr(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char ps[8];
    snprintf(ps, sizeof(ps), "%u", port);
    if (getaddrinfo(host, ps, &hints, &res) || !res)
        return NB_EINVAL;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return NB_OK;
}

int
nb_server_start(const char *host, uint16_t port, uint16_t *bound)
{
    struct sockaddr_storage ss;
    if (resolve_addr(host, port, &ss)) {
        nb_error("cannot resolve listen address %s", host);
        return NB_EIO;
    }
    /* SIGPIPE is ignored (main.c's serve() does it too), and libmicrohttpd
     * is told so: only then does it send a file response with sendfile()
     * (libmicrohttpd 0.9.75, MHD_queue_response); else it copies the file
     * through its connection pool, a few KiB per send(), and a 1 MiB
     * GetObject took some 250 pread+send+epoll_wait rounds. */
    signal(SIGPIPE, SIG_IGN);
    unsigned flags =
        MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO | MHD_USE_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    S.d = MHD_start_daemon(
        flags, port, NULL, NULL, on_access, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)NB_CONN_MAX, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)NB_CONN_IDLE_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)NB_CONN_MEMORY, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)1024, MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int)1, MHD_OPTION_END);
    if (!S.d) {
        nb_error("cannot listen on %s:%u", host, port);
        return NB_EIO;
    }
    const union MHD_DaemonInfo *pi = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT);
    S.port = pi ? pi->port : port;
    const union MHD_DaemonInfo *ei = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_EPOLL_FD);
    if (!ei) {
        nb_error("libmicrohttpd has no epoll fd");
        MHD_stop_daemon(S.d);
        return NB_EIO;
    }
    S.epfd = ei->epoll_fd;
    if (nb_loop_add_fd(S.epfd, NB_READABLE, on_epoll, NULL)) {
        MHD_stop_daemon(S.d);
        return NB_EIO;
    }
    nb_loop_set_before_wait(before_wait, NULL);
    *bound = S.port;
    return NB_OK;
}

/* Shutdown: every waiting call is abandoned (its handler forgets it) and
 * answered 503, so that no connection stays suspended. */
static void
abandon_pending(void)
{
    while (S.pending) {
        conn_state *cs = S.pending;
        pending_del(cs);
        nb_call *call = cs->call;
        if (call->cancel_cb)
            call->cancel_cb(call, NB_EAWS, call->cancel_ud);
        nb_resp_text(&cs->resp, 503, "text/plain", "Service shutting down\n", 22);
        cs->ready = 1;
        MHD_resume_connection(cs->conn);
    }
    MHD_run(S.d);
}

void
nb_server_stop(void)
{
    if (!S.d)
        return;
    abandon_pending();
    nb_loop_del_fd(S.epfd);
    nb_loop_set_before_wait(NULL, NULL);
    MHD_stop_daemon(S.d);
    S.d = NULL;
}

void
nb_server_no_tls(void)
{
    nb_error("a GnuTLS call was reached, but nimbus serves plain HTTP only (server.h)");
    abort();
}

int
nb_server_no_tls_init(void)
{
    return 0;
}

/* Defined by the linker when it wraps setsockopt; absent otherwise, when
 * nothing calls __wrap_setsockopt but a test. */
extern int __real_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
    __attribute__((weak));

int
__wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    int on = val && len >= (socklen_t)sizeof(int) && *(const int *)val != 0;
    if (level == IPPROTO_TCP && name == TCP_CORK && on)
        return 0;
    if (__real_setsockopt)
        return __real_setsockopt(fd, level, name, val, len);
    return setsockopt(fd, level, name, val, len);
}
