/*
 * test_server_sockopt.c: __wrap_setsockopt (server.h), which build/nimbus
 * routes libmicrohttpd's setsockopt() calls to. Turning TCP_CORK on is
 * answered with success and not done; every other option, TCP_CORK off
 * included, reaches the socket (checked with getsockopt on a TCP socket).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/server.h"
#include "t.h"

static int
get_opt(int fd, int name)
{
    int v = -1;
    socklen_t n = sizeof(v);
    return getsockopt(fd, IPPROTO_TCP, name, &v, &n) == 0 ? v : -1;
}

int
main(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1, zero = 0;
    t_ok(fd >= 0, "a TCP socket");
    t_inteq(get_opt(fd, TCP_CORK), 0, "not corked at first");

    t_inteq(__wrap_setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)), 0,
            "TCP_CORK on: success");
    t_inteq(get_opt(fd, TCP_CORK), 0, "but the socket is not corked");

    t_inteq(__wrap_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0,
            "TCP_NODELAY on: success");
    t_ok(get_opt(fd, TCP_NODELAY) != 0, "and set");
    t_inteq(__wrap_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero)), 0,
            "TCP_NODELAY off: success");
    t_inteq(get_opt(fd, TCP_NODELAY), 0, "and set");

    /* Corked by another way (setsockopt itself), uncorking still reaches
     * the socket. */
    t_ok(setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)) == 0 &&
             get_opt(fd, TCP_CORK) != 0,
         "corked directly");
    t_inteq(__wrap_setsockopt(fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero)), 0,
            "TCP_CORK off: success");
    t_inteq(get_opt(fd, TCP_CORK), 0, "and uncorked");

    t_ok(__wrap_setsockopt(-1, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1,
         "an error of the real call is returned");
    close(fd);
    return t_done();
}
