/*
 * main.c: the command line, and nothing else: start, stop, status, wait
 * and run. Every flag of start has an environment variable (README's
 * settings table); flags win over the environment. start runs the loop
 * in the foreground, or detached with -d and a pid file inside the data
 * dir (or a runtime folder named after the port), so that several
 * instances can run side by side.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/server.h"
#include "core/service.h"
#include "store/store.h"

#ifndef NB_VERSION
#define NB_VERSION "0.1.0"
#endif

static const char usage_text[] =
    "usage: nimbus <command> [options]\n"
    "\n"
    "A local AWS cloud: one port that speaks the AWS APIs.\n"
    "\n"
    "commands:\n"
    "  start [--host H] [--port P] [--data-dir DIR] [--log-level L]\n"
    "        [--default-region R] [--verify-signatures] [-d]\n"
    "                    run the server (foreground, or detached with -d)\n"
    "  stop [--port P] [--data-dir DIR]     stop a detached server\n"
    "  status [--host H] [--port P] [--data-dir DIR]\n"
    "                    say whether a server is running and answering\n"
    "  wait [--host H] [--port P] [--timeout S]\n"
    "                    exit 0 once the server answers its health check\n"
    "  run [start options] -- CMD [ARGS...]\n"
    "                    run CMD against a private instance (port 0: any free\n"
    "                    port, the default for run), then stop it; exits with\n"
    "                    CMD's status\n"
    "\n"
    "options (each also an environment variable):\n"
    "  --host H             NIMBUS_HOST             listen address (127.0.0.1)\n"
    "  --port P             NIMBUS_PORT             port (4566)\n"
    "  --data-dir DIR       NIMBUS_DATA_DIR         keep state on disk (in memory)\n"
    "  --log-level L        NIMBUS_LOG_LEVEL        debug|info|warn|error|off (info)\n"
    "  --default-region R   NIMBUS_DEFAULT_REGION   region when a request has none\n"
    "                                               (us-east-1)\n"
    "  --verify-signatures  NIMBUS_VERIFY_SIGNATURES=1  check SigV4 (off)\n"
    "  -d, --detach         run in the background with a pid file\n"
    "  --timeout S          for wait: seconds to wait (30)\n"
    "  -h, --help           this text\n"
    "  -V, --version        print the version\n";

typedef struct opts {
    int detach;     /* -d */
    double timeout; /* wait --timeout */
    int port_given; /* --port or NIMBUS_PORT was set */
} opts;

static void
usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nimbus: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try 'nimbus --help')\n");
    exit(2);
}

static int
parse_port(const char *s, uint16_t *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 0 || v > 65535)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

static void
env_defaults(opts *o)
{
    const char *v;
    if ((v = getenv("NIMBUS_HOST")) && *v)
        nb_cfg.host = v;
    if ((v = getenv("NIMBUS_PORT")) && *v) {
        if (parse_port(v, &nb_cfg.port))
            usage_error("bad NIMBUS_PORT '%s'", v);
        o->port_given = 1;
    }
    if ((v = getenv("NIMBUS_DATA_DIR")) && *v)
        nb_cfg.data_dir = v;
    if ((v = getenv("NIMBUS_LOG_LEVEL")) && *v) {
        nb_cfg.log_level = nb_log_parse_level(v);
        if (nb_cfg.log_level < 0)
            usage_error("bad NIMBUS_LOG_LEVEL '%s'", v);
    }
    if ((v = getenv("NIMBUS_DEFAULT_REGION")) && *v)
        nb_cfg.default_region = v;
    if ((v = getenv("NIMBUS_VERIFY_SIGNATURES")) && *v)
        nb_cfg.verify_signatures = strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
}

enum { O_HOST = 256, O_DATA, O_LOG, O_REGION, O_VERIFY, O_TIMEOUT };

static const struct option long_opts[] = {
    {"host", required_argument, NULL, O_HOST},
    {"port", required_argument, NULL, 'p'},
    {"data-dir", required_argument, NULL, O_DATA},
    {"log-level", required_argument, NULL, O_LOG},
    {"default-region", required_argument, NULL, O_REGION},
    {"verify-signatures", no_argument, NULL, O_VERIFY},
    {"detach", no_argument, NULL, 'd'},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Parses options after the command word; returns the index of the first
 * argument that is not an option. */
static int
parse_opts(int argc, char **argv, opts *o)
{
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+p:dhV", long_opts, NULL)) != -1) {
        switch (c) {
        case O_HOST:
            nb_cfg.host = optarg;
            break;
        case 'p':
            if (parse_port(optarg, &nb_cfg.port))
                usage_error("bad port '%s'", optarg);
            o->port_given = 1;
            break;
        case O_DATA:
            nb_cfg.data_dir = optarg;
            break;
        case O_LOG:
            nb_cfg.log_level = nb_log_parse_level(optarg);
            if (nb_cfg.log_level < 0)
                usage_error("bad log level '%s'", optarg);
            break;
        case O_REGION:
            nb_cfg.default_region = optarg;
            break;
        case O_VERIFY:
            nb_cfg.verify_signatures = 1;
            break;
        case 'd':
            o->detach = 1;
            break;
        case O_TIMEOUT: {
            char *end;
            o->timeout = strtod(optarg, &end);
            if (*end || o->timeout < 0)
                usage_error("bad timeout '%s'", optarg);
            break;
        }
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        case 'V':
            printf("nimbus %s\n", NB_VERSION);
            exit(0);
        default:
            usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    return optind;
}

/* ---- pid files ---- */

static int
mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0700) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

/* The folder for the pid file and the detached log. */
static void
run_dir(char *out, size_t n)
{
    if (nb_cfg.data_dir) {
        snprintf(out, n, "%s", nb_cfg.data_dir);
        return;
    }
    const char *x = getenv("XDG_RUNTIME_DIR");
    if (x && *x)
        snprintf(out, n, "%s/nimbus/%u", x, nb_cfg.port);
    else
        snprintf(out, n, "/tmp/nimbus-%u/%u", (unsigned)getuid(), nb_cfg.port);
}

static void
pid_path(char *out, size_t n)
{
    char dir[PATH_MAX - 16];
    run_dir(dir, sizeof(dir));
    snprintf(out, n, "%s/nimbus.pid", dir);
}

static pid_t
read_pid(void)
{
    char path[PATH_MAX];
    pid_path(path, sizeof(path));
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    if (pid <= 0 || kill((pid_t)pid, 0) != 0)
        return 0;
    return (pid_t)pid;
}

/* ---- a tiny health client for wait and status ---- */

static int
health_ok(const char *host, uint16_t port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char ps[8];
    snprintf(ps, sizeof(ps), "%u", port);
    if (strcmp(host, "0.0.0.0") == 0)
        host = "127.0.0.1";
    if (strcmp(host, "::") == 0)
        host = "::1";
    if (getaddrinfo(host, ps, &hints, &res) || !res)
        return 0;
    int ok = 0;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
        static const char req[] =
            "GET /_nimbus/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        char buf[64];
        if (write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1)) {
            ssize_t n = read(fd, buf, sizeof(buf) - 1);
            if (n > 12) {
                buf[n] = '\0';
                ok = strncmp(buf + 9, "200", 3) == 0;
            }
        }
    }
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    return ok;
}

static int
wait_health(const char *host, uint16_t port, double timeout)
{
    struct timespec ts = {0, 20 * 1000000};
    int64_t end = nb_mono_ns() + (int64_t)(timeout * 1e9);
    for (;;) {
        if (health_ok(host, port))
            return 1;
        if (nb_mono_ns() >= end)
            return 0;
        nanosleep(&ts, NULL);
    }
}

/* ---- the server ---- */

static void
on_signal(int fd, int events, void *ud)
{
    struct signalfd_siginfo si;
    if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        nb_loop_stop();
}

/* Runs the server until SIGTERM or SIGINT. ready_fd, when >= 0, receives
 * the bound port as text once the server listens, then is closed. */
static int
serve(int ready_fd)
{
    nb_log_level = nb_cfg.log_level;
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    int rc = nb_loop_init();
    if (!rc && sfd >= 0)
        rc = nb_loop_add_fd(sfd, NB_READABLE, on_signal, NULL);
    if (!rc && nb_store_open(nb_cfg.data_dir))
        rc = NB_EIO;
    for (size_t i = 0; !rc && nb_services[i]; i++)
        if (nb_services[i]->init && nb_services[i]->init())
            rc = NB_EIO;
    if (!rc)
        rc = nb_server_start(nb_cfg.host, nb_cfg.port, &nb_cfg.bound_port);
    if (rc) {
        if (ready_fd >= 0)
            close(ready_fd);
        nb_store_close();
        return 1;
    }
    nb_info("nimbus %s listening on %s:%u (%s)", NB_VERSION, nb_cfg.host, nb_cfg.bound_port,
            nb_cfg.data_dir ? nb_cfg.data_dir : "in memory");
    if (ready_fd >= 0) {
        dprintf(ready_fd, "%u\n", nb_cfg.bound_port);
        close(ready_fd);
    }
    nb_loop_run();
    nb_info("shutting down");
    nb_server_stop();
    for (size_t i = 0; nb_services[i]; i++)
        if (nb_services[i]->stop)
            nb_services[i]->stop();
    nb_store_close();
    nb_loop_free();
    if (sfd >= 0)
        close(sfd);
    return 0;
}

static int
write_pid_file(pid_t pid)
{
    char dir[PATH_MAX - 16], path[PATH_MAX];
    run_dir(dir, sizeof(dir));
    if (mkdirs(dir))
        return -1;
    pid_path(path, sizeof(path));
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "%ld\n", (long)pid);
    return fclose(f);
}

static int
read_port(int fd, uint16_t *port)
{
    char buf[16];
    ssize_t n, got = 0;
    while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
        got += n;
    close(fd);
    buf[got] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    return got > 0 && parse_port(buf, port) == 0 ? 0 : -1;
}

static int
cmd_start(opts *o)
{
    if (!o->detach)
        return serve(-1);
    if (nb_cfg.port == 0)
        usage_error("%s", "-d needs a fixed --port");
    if (read_pid()) {
        fprintf(stderr, "nimbus: already running on port %u\n", nb_cfg.port);
        return 1;
    }
    char dir[PATH_MAX - 16], logp[PATH_MAX];
    run_dir(dir, sizeof(dir));
    if (mkdirs(dir)) {
        fprintf(stderr, "nimbus: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    snprintf(logp, sizeof(logp), "%s/nimbus.log", dir);
    int p[2];
    if (pipe(p))
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(p[0]);
        setsid();
        int null = open("/dev/null", O_RDONLY);
        int log = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (null >= 0)
            dup2(null, 0);
        if (log >= 0) {
            dup2(log, 1);
            dup2(log, 2);
        }
        write_pid_file(getpid());
        _exit(serve(p[1]));
    }
    close(p[1]);
    uint16_t port;
    if (read_port(p[0], &port)) {
        fprintf(stderr, "nimbus: the server did not start; see %s\n", logp);
        return 1;
    }
    printf("nimbus started on %s:%u (pid %ld)\n", nb_cfg.host, port, (long)pid);
    return 0;
}

static int
cmd_stop(void)
{
    pid_t pid = read_pid();
    if (!pid) {
        fprintf(stderr, "nimbus: no server running on port %u\n", nb_cfg.port);
        return 1;
    }
    kill(pid, SIGTERM);
    struct timespec ts = {0, 20 * 1000000};
    for (int i = 0; i < 500 && kill(pid, 0) == 0; i++)
        nanosleep(&ts, NULL);
    if (kill(pid, 0) == 0) {
        fprintf(stderr, "nimbus: pid %ld did not stop\n", (long)pid);
        return 1;
    }
    char path[PATH_MAX];
    pid_path(path, sizeof(path));
    unlink(path);
    printf("nimbus stopped (pid %ld)\n", (long)pid);
    return 0;
}

static int
cmd_status(void)
{
    pid_t pid = read_pid();
    int up = health_ok(nb_cfg.host, nb_cfg.port);
    if (up)
        printf("running on %s:%u%s\n", nb_cfg.host, nb_cfg.port, pid ? "" : " (not ours)");
    else
        printf("not running on %s:%u\n", nb_cfg.host, nb_cfg.port);
    return up ? 0 : 3;
}

static int
cmd_run(int argc, char **argv, int first)
{
    if (first >= argc) {
        fprintf(stderr, "nimbus: run needs a command after '--'\n");
        return 2;
    }
    int p[2];
    if (pipe(p))
        return 1;
    pid_t srv = fork();
    if (srv < 0)
        return 1;
    if (srv == 0) {
        close(p[0]);
        _exit(serve(p[1]));
    }
    close(p[1]);
    uint16_t port;
    if (read_port(p[0], &port)) {
        fprintf(stderr, "nimbus: the server did not start\n");
        waitpid(srv, NULL, 0);
        return 1;
    }
    char url[96], ps[8];
    const char *h = strcmp(nb_cfg.host, "0.0.0.0") == 0 ? "127.0.0.1" : nb_cfg.host;
    snprintf(url, sizeof(url), strchr(h, ':') ? "http://[%s]:%u" : "http://%s:%u", h, port);
    snprintf(ps, sizeof(ps), "%u", port);
    pid_t child = fork();
    if (child == 0) {
        setenv("AWS_ENDPOINT_URL", url, 1);
        setenv("AWS_ACCESS_KEY_ID", "test", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "test", 1);
        unsetenv("AWS_SESSION_TOKEN");
        unsetenv("AWS_PROFILE");
        setenv("AWS_REGION", nb_cfg.default_region, 1);
        setenv("AWS_DEFAULT_REGION", nb_cfg.default_region, 1);
        setenv("CDK_DEFAULT_ACCOUNT", NB_DEFAULT_ACCOUNT, 1);
        setenv("CDK_DEFAULT_REGION", nb_cfg.default_region, 1);
        setenv("NIMBUS_PORT", ps, 1);
        execvp(argv[first], argv + first);
        fprintf(stderr, "nimbus: cannot run %s: %s\n", argv[first], strerror(errno));
        _exit(127);
    }
    int st = 0, code = 1;
    if (child > 0) {
        while (waitpid(child, &st, 0) < 0 && errno == EINTR)
            ;
        code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    kill(srv, SIGTERM);
    int sst = 0;
    waitpid(srv, &sst, 0);
    if (code == 0 && !(WIFEXITED(sst) && WEXITSTATUS(sst) == 0)) {
        fprintf(stderr, "nimbus: the server exited badly\n");
        code = 1;
    }
    return code;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("nimbus %s\n", NB_VERSION);
        return 0;
    }
    opts o = {.timeout = 30};
    int is_run = strcmp(cmd, "run") == 0;
    if (strcmp(cmd, "start") && strcmp(cmd, "stop") && strcmp(cmd, "status") &&
        strcmp(cmd, "wait") && !is_run)
        usage_error("unknown command '%s'", cmd);
    env_defaults(&o);
    if (is_run && !o.port_given)
        nb_cfg.port = 0;
    int first = parse_opts(argc - 1, argv + 1, &o) + 1;
    if (is_run) /* getopt stops at "--" and consumes it */
        return cmd_run(argc, argv, first);
    if (first < argc)
        usage_error("unexpected argument '%s'", argv[first]);
    if (strcmp(cmd, "start") == 0)
        return cmd_start(&o);
    if (strcmp(cmd, "stop") == 0)
        return cmd_stop();
    if (strcmp(cmd, "status") == 0)
        return cmd_status();
    return wait_health(nb_cfg.host, nb_cfg.port, o.timeout) ? 0 : 1;
}
