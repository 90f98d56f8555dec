/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_socket.c - the facade: BSD error semantics, each by name, and what a
 * call leaves in the trace.
 *
 * Each test reads like the C program a lesson shows: socket(), bind(),
 * sendto(), recv(), with the errno a real kernel would give.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/socket.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])

static int
udp_socket(struct hw_world *w, int who)
{
    hw_enter(w);
    int fd = sock_socket(&w->host[who], SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    return fd;
}

static int
bind_to(struct hw_world *w, int who, int fd, uint32_t addr, uint16_t port)
{
    hw_enter(w);
    struct sock_addr a = { .addr = addr, .port = port };
    return sock_bind(&w->host[who], fd, &a);
}

static int
sendto_(struct hw_world *w, int who, int fd, const void *buf, size_t len, uint32_t addr,
        uint16_t port)
{
    hw_enter(w);
    struct sock_addr to = { .addr = addr, .port = port };
    return sock_sendto(&w->host[who], fd, buf, len, &to);
}

static int
connect_(struct hw_world *w, int who, int fd, uint32_t addr, uint16_t port)
{
    hw_enter(w);
    struct sock_addr to = { .addr = addr, .port = port };
    return sock_connect(&w->host[who], fd, &to);
}

/* The text of the last TRACE_CALL event of host `who`. */
static const char *
last_call(const struct hw_world *w, int who)
{
    const struct hw_event *e = hw_last(w, TRACE_CALL, LAYER_SOCKET, who);
    ck_assert_ptr_nonnull(e);
    return e->text;
}

/* --- descriptors ---------------------------------------------------------- */

START_TEST(test_fds_start_at_3_and_reuse_the_lowest)
{
    struct hw_world *w = hw_new();
    ck_assert_int_eq(udp_socket(w, HW_ALICE), 3);
    ck_assert_int_eq(udp_socket(w, HW_ALICE), 4);
    ck_assert_int_eq(udp_socket(w, HW_ALICE), 5);
    ck_assert_int_eq(sock_close(ALICE(w), 4), 0);
    ck_assert_int_eq(udp_socket(w, HW_ALICE), 4);
    /* Each host numbers its own. */
    ck_assert_int_eq(udp_socket(w, HW_BOB), 3);
    hw_destroy(w);
    free(w);
}
END_TEST

/* A host pays for the sockets it has: a slot is allocated by socket() and
 * accept() and freed by close(), and a closed descriptor is really gone. */
START_TEST(test_sockets_are_allocated_when_opened)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_uint_eq(a->socks.cap, 0); /* no socket, no table */
    int u = udp_socket(w, HW_ALICE);
    hw_enter(w);
    int t = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    ck_assert_int_eq(t, u + 1);
    ck_assert_ptr_nonnull(a->socks.s[u - SOCK_FD_BASE]);
    ck_assert_ptr_eq(sock_lookup(a, t), a->socks.s[t - SOCK_FD_BASE]);
    ck_assert_int_eq(a->socks.s[t - SOCK_FD_BASE]->fd, t);
    ck_assert_ptr_null(a->socks.s[t - SOCK_FD_BASE + 1]);
    ck_assert_uint_lt(a->socks.cap, 64); /* grown for what is open, not more */
    ck_assert_int_eq(sock_close(a, u), 0);
    ck_assert_ptr_null(a->socks.s[u - SOCK_FD_BASE]);
    ck_assert_ptr_null(sock_lookup(a, u));
    ck_assert_int_eq(sock_close(a, t), 0);
    ck_assert_ptr_null(a->socks.s[t - SOCK_FD_BASE]);
    /* the TCB of the closed stream socket went with it */
    ck_assert_ptr_null(tcp_tcb_by_fd(a, t));
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_socket_errors)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    hw_enter(w);
    /* A local socket cannot carry UDP: the family has its own protocol. */
    ck_assert_int_eq(sock_socket(a, SOCK_DOMAIN_LOCAL, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                     -ERR_PROTONOSUPPORT);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "socket(AF_LOCAL, SOCK_DGRAM) = -1 EPROTONOSUPPORT (Protocol not "
                     "supported)");
    ck_assert_int_eq(sock_socket(a, (enum sock_domain)7, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                     -ERR_AFNOSUPPORT);
    /* RLIMIT_NOFILE: every descriptor below the limit (fds 0-2 are the
     * process's), then EMFILE; well past the old fixed table of 64. */
    ck_assert_uint_eq(a->socks.nofile, SOCK_NOFILE_DEFAULT);
    for (unsigned i = 0; i < SOCK_NOFILE_DEFAULT - SOCK_FD_BASE; i++)
        ck_assert_int_eq(sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                         SOCK_FD_BASE + (int)i);
    ck_assert_int_eq(sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                     -ERR_MFILE);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "socket(AF_INET, SOCK_DGRAM) = -1 EMFILE (Too many open files)");
    /* A closed descriptor is the next one handed out, the lowest free. */
    ck_assert_int_eq(sock_close(a, 500), 0);
    ck_assert_int_eq(sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP), 500);
    /* The limit is the host's to set (ulimit -n). */
    struct host *b = BOB(w);
    b->socks.nofile = 8;
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                         SOCK_FD_BASE + i);
    ck_assert_int_eq(sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                     -ERR_MFILE);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bad_descriptor)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(sock_close(a, fd), 0);
    uint8_t buf[4] = { 0 };
    struct sock_addr sa = { .addr = HW_BOB_ADDR, .port = 7 };
    int bad[] = { fd, 0, 2, -1, 99, 1 << 30, (int)SOCK_NOFILE_DEFAULT };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int b = bad[i];
        ck_assert_int_eq(sock_bind(a, b, &sa), -ERR_BADF);
        ck_assert_int_eq(sock_connect(a, b, &sa), -ERR_BADF);
        ck_assert_int_eq(sock_send(a, b, buf, 1), -ERR_BADF);
        ck_assert_int_eq(sock_sendto(a, b, buf, 1, &sa), -ERR_BADF);
        ck_assert_int_eq(sock_recv(a, b, buf, 1), -ERR_BADF);
        ck_assert_int_eq(sock_recvfrom(a, b, buf, 1, &sa), -ERR_BADF);
        ck_assert_int_eq(sock_getsockname(a, b, &sa), -ERR_BADF);
        ck_assert_int_eq(sock_getpeername(a, b, &sa), -ERR_BADF);
        ck_assert_int_eq(sock_close(a, b), -ERR_BADF);
        ck_assert_uint_eq(sock_poll(a, b), 0);
    }
    ck_assert_str_eq(last_call(w, HW_ALICE), "close(1024) = -1 EBADF (Bad file descriptor)");
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- bind ----------------------------------------------------------------- */

START_TEST(test_bind_port_in_use)
{
    struct hw_world *w = hw_new();
    int s1 = udp_socket(w, HW_BOB), s2 = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, s1, 0, 7), 0);
    ck_assert_int_eq(bind_to(w, HW_BOB, s2, 0, 7), -ERR_ADDRINUSE);
    ck_assert_str_eq(last_call(w, HW_BOB),
                     "bind(4, 0.0.0.0:7) = -1 EADDRINUSE (Address already in use)");
    /* A specific address overlaps the wildcard too. */
    ck_assert_int_eq(bind_to(w, HW_BOB, s2, HW_BOB_ADDR, 7), -ERR_ADDRINUSE);
    /* The failed binds left s2 unbound: another port works. */
    ck_assert_int_eq(bind_to(w, HW_BOB, s2, 0, 8), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bind_reuseaddr_needs_both)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    int s1 = udp_socket(w, HW_BOB), s2 = udp_socket(w, HW_BOB), s3 = udp_socket(w, HW_BOB);
    sock_lookup(b, s1)->so_reuseaddr = true;
    ck_assert_int_eq(bind_to(w, HW_BOB, s1, 0, 7), 0);
    /* s2 did not set SO_REUSEADDR. */
    ck_assert_int_eq(bind_to(w, HW_BOB, s2, 0, 7), -ERR_ADDRINUSE);
    sock_lookup(b, s3)->so_reuseaddr = true;
    ck_assert_int_eq(bind_to(w, HW_BOB, s3, 0, 7), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bind_two_addresses_same_port)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    struct hw_port port = { 0 };
    static const uint8_t mac1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
    uint32_t bob2 = IPV4_ADDR(198, 51, 100, 254);
    struct iface *eth1 = host_add_iface(b, "eth1", mac1, bob2, 24, 1500, &hw_port_ops, &port);
    hw_enter(w);
    host_iface_up(b, eth1, false);
    int s1 = udp_socket(w, HW_BOB), s2 = udp_socket(w, HW_BOB), s3 = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, s1, HW_BOB_ADDR, 7), 0);
    ck_assert_int_eq(bind_to(w, HW_BOB, s2, bob2, 7), 0);
    /* But not the wildcard over them. */
    ck_assert_int_eq(bind_to(w, HW_BOB, s3, 0, 7), -ERR_ADDRINUSE);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bind_address_not_ours)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, fd, HW_ALICE_ADDR, 7), -ERR_ADDRNOTAVAIL);
    ck_assert_int_eq(bind_to(w, HW_BOB, fd, IPV4_ADDR(10, 0, 0, 1), 7), -ERR_ADDRNOTAVAIL);
    ck_assert_str_eq(last_call(w, HW_BOB),
                     "bind(3, 10.0.0.1:7) = -1 EADDRNOTAVAIL (Cannot assign requested address)");
    ck_assert_int_eq(bind_to(w, HW_BOB, fd, HW_BOB_ADDR, 7), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bind_twice_is_invalid)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, fd, 0, 7), 0);
    ck_assert_int_eq(bind_to(w, HW_BOB, fd, 0, 8), -ERR_INVAL);
    ck_assert_str_eq(last_call(w, HW_BOB), "bind(3, 0.0.0.0:8) = -1 EINVAL (Invalid argument)");
    /* An implicit bind counts: after sendto the socket has a port. */
    int fd2 = udp_socket(w, HW_BOB);
    ck_assert_int_eq(sendto_(w, HW_BOB, fd2, "x", 1, HW_ALICE_ADDR, 9), 1);
    ck_assert_int_eq(bind_to(w, HW_BOB, fd2, 0, 9), -ERR_INVAL);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_close_frees_the_port)
{
    struct hw_world *w = hw_new();
    int s1 = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, s1, 0, 7), 0);
    ck_assert_int_eq(sock_close(BOB(w), s1), 0);
    int s2 = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, s2, 0, 7), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- send ----------------------------------------------------------------- */

START_TEST(test_send_unconnected_needs_an_address)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE);
    hw_enter(w);
    ck_assert_int_eq(sock_send(ALICE(w), fd, (const uint8_t *)"hello", 5), -ERR_DESTADDRREQ);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "send(3, 5 bytes) = -1 EDESTADDRREQ (Destination address required)");
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_datagram_larger_than_mtu)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = udp_socket(w, HW_ALICE);
    static uint8_t buf[1473];
    /* 1500 - 20 (IPv4) - 8 (UDP) = 1472 fit one frame. With DF
     * (IP_PMTUDISC_DO) one byte more is EMSGSIZE, as on Linux... */
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(ALICE(w), fd, SOCK_OPT_IP_DF, 1), 0);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, buf, 1473, HW_BOB_ADDR, 7), -ERR_MSGSIZE);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "sendto(3, 1473 bytes, 192.0.2.2:7) = -1 EMSGSIZE (Message too long)");
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, buf, 1472, HW_BOB_ADDR, 7), 1472);
    struct pkt *p = hw_take(w, HW_ALICE);
    ck_assert_uint_eq(p->len, ETH_HDR_LEN + 1500);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.ip.df);
    pkt_free(p);
    /* ...and without DF the datagram is fragmented [RFC 791 3.2]: 1481
     * bytes of IP payload are 1480 + 1. */
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(ALICE(w), fd, SOCK_OPT_IP_DF, 0), 0);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, buf, 1473, HW_BOB_ADDR, 7), 1473);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 2);
    p = hw_take(w, HW_ALICE);
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.total_len, 1500);
    ck_assert(f.ip.mf);
    pkt_free(p);
    p = hw_take(w, HW_ALICE);
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.total_len, 21);
    ck_assert_uint_eq(f.ip.frag_off, 1480);
    ck_assert(!f.ip.mf);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_datagram_larger_than_ipv4_allows)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    /* A link whose MTU is the IPv4 maximum: the UDP limit is 65535-20-8. */
    ALICE(w)->ifaces[0].mtu = 65535;
    int fd = udp_socket(w, HW_ALICE);
    uint8_t *buf = calloc(1, 65508);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, buf, 65508, HW_BOB_ADDR, 7), -ERR_MSGSIZE);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, buf, 65507, HW_BOB_ADDR, 7), 65507);
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.total_len, 65535);
    pkt_free(p);
    free(buf);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_broadcast_needs_so_broadcast)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, IPV4_BROADCAST, 7), -ERR_ACCES);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "sendto(3, 1 bytes, 255.255.255.255:7) = -1 EACCES (Permission denied)");
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, IPV4_ADDR(192, 0, 2, 255), 7), -ERR_ACCES);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, IPV4_BROADCAST, 7), -ERR_ACCES);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    sock_lookup(ALICE(w), fd)->so_broadcast = true;
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, IPV4_BROADCAST, 7), 1);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "y", 1, IPV4_ADDR(192, 0, 2, 255), 7), 1);
    for (int i = 0; i < 2; i++) {
        struct pkt *p = hw_take(w, HW_ALICE);
        struct hwf f;
        hwf_decode(p, &f);
        ck_assert(f.is_ipv4);
        ck_assert_mem_eq(f.eth.dst, hwf_mac_bcast, ETH_ALEN);
        ck_assert_uint_eq(f.ip.src, HW_ALICE_ADDR);
        pkt_free(p);
    }
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_no_route_is_network_unreachable)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE);
    uint32_t far = IPV4_ADDR(203, 0, 113, 1);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, far, 7), -ERR_NETUNREACH);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "sendto(3, 1 bytes, 203.0.113.1:7) = -1 ENETUNREACH (Network is unreachable)");
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, far, 7), -ERR_NETUNREACH);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_invalid_destination)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, HW_BOB_ADDR, 0), -ERR_INVAL);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 0), -ERR_INVAL);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, 0, 7), -ERR_INVAL);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_connected_send_reaches_the_peer)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, rx, 0, 7), 0);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 7), 0);
    ck_assert_str_eq(last_call(w, HW_ALICE), "connect(3, 192.0.2.2:7) = 0");
    /* A UDP connect sends nothing. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    hw_enter(w);
    ck_assert_int_eq(sock_send(ALICE(w), fd, (const uint8_t *)"hi", 2), 2);
    ck_assert_str_eq(last_call(w, HW_ALICE), "send(3, 2 bytes) = 2");
    hw_deliver(w);
    uint8_t buf[8];
    struct sock_addr from, me;
    ck_assert_int_eq(sock_recvfrom(BOB(w), rx, buf, sizeof(buf), &from), 2);
    ck_assert_int_eq(sock_getsockname(ALICE(w), fd, &me), 0);
    ck_assert_uint_eq(from.addr, HW_ALICE_ADDR);
    ck_assert_uint_eq(from.port, me.port);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- asynchronous errors -------------------------------------------------- */

START_TEST(test_connrefused_once_on_connected_socket)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 9), 0);
    hw_enter(w);
    ck_assert_int_eq(sock_send(a, fd, (const uint8_t *)"x", 1), 1);
    ck_assert_uint_eq(sock_poll(a, fd), SOCK_POLLOUT);
    hw_deliver(w);  /* bob: port unreachable; alice: the error waits on fd */
    ck_assert_uint_eq(sock_poll(a, fd), SOCK_POLLOUT | SOCK_POLLIN | SOCK_POLLERR);
    struct inspect_socket is;
    ck_assert(inspect_socket(a, fd, &is));
    ck_assert_int_eq(is.so_error, ERR_CONNREFUSED);
    /* [RFC 1122 4.1.3.3] reported once, on the next call. */
    hw_enter(w);
    ck_assert_int_eq(sock_send(a, fd, (const uint8_t *)"x", 1), -ERR_CONNREFUSED);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "send(3, 1 bytes) = -1 ECONNREFUSED (Connection refused)");
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);  /* the failed send sent nothing */
    ck_assert_uint_eq(sock_poll(a, fd), SOCK_POLLOUT);
    ck_assert_int_eq(sock_send(a, fd, (const uint8_t *)"x", 1), 1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_connrefused_returned_by_recv_too)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 9), 0);
    hw_enter(w);
    ck_assert_int_eq(sock_send(a, fd, (const uint8_t *)"x", 1), 1);
    hw_deliver(w);
    uint8_t buf[4];
    ck_assert_int_eq(sock_recv(a, fd, buf, sizeof(buf)), -ERR_CONNREFUSED);
    ck_assert_int_eq(sock_recv(a, fd, buf, sizeof(buf)), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_no_connrefused_on_unconnected_socket)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, HW_BOB_ADDR, 9), 1);
    hw_deliver(w);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    ck_assert_uint_eq(host_icmp_count(a, false, ICMP_DEST_UNREACH), 1);
    /* The ICMP arrived, but an unconnected socket cannot tell whom it is about. */
    ck_assert_uint_eq(sock_poll(a, fd), SOCK_POLLOUT);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, HW_BOB_ADDR, 9), 1);
    uint8_t buf[4];
    hw_enter(w);
    ck_assert_int_eq(sock_recv(a, fd, buf, sizeof(buf)), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_connect_clears_a_pending_error)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 9), 0);
    hw_enter(w);
    sock_send(a, fd, (const uint8_t *)"x", 1);
    hw_deliver(w);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 10), 0);
    ck_assert_int_eq(sock_send(a, fd, (const uint8_t *)"x", 1), 1);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- recv ----------------------------------------------------------------- */

START_TEST(test_recv_empty_would_block)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, fd, 0, 7), 0);
    size_t calls = hw_count(w, TRACE_CALL, LAYER_SOCKET, HW_BOB);
    uint8_t buf[4];
    struct sock_addr from;
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), -ERR_AGAIN);
    ck_assert_int_eq(sock_recvfrom(BOB(w), fd, buf, sizeof(buf), &from), -ERR_AGAIN);
    /* A call that would block has not completed: the caller retries later,
     * and only the completed call is traced. */
    ck_assert_uint_eq(hw_count(w, TRACE_CALL, LAYER_SOCKET, HW_BOB), calls);
    hw_destroy(w);
    free(w);
}
END_TEST

/* The bind sentence names the address and the port once each: it printed
 * the call's ADDR:PORT argument and the port again ("127.0.0.1:8080:8080"),
 * and put "(any address)" between the wildcard and its port. */
START_TEST(test_bind_sentence_names_address_and_port_once)
{
    struct hw_world *w = hw_new();
    int any = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, any, 0, 53), 0);
    const struct hw_event *e = hw_last(w, TRACE_STATE, LAYER_SOCKET, HW_BOB);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->text, "socket 3 is bound to 0.0.0.0:53 (any address)");
    int one = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, one, HW_BOB_ADDR, 8080), 0);
    e = hw_last(w, TRACE_STATE, LAYER_SOCKET, HW_BOB);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->text, "socket 4 is bound to 192.0.2.2:8080");
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_recv_truncates_and_discards_the_rest)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, rx, 0, 7), 0);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "0123456789", 10, HW_BOB_ADDR, 7), 10);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "ab", 2, HW_BOB_ADDR, 7), 2);
    hw_deliver(w);
    uint8_t buf[16];
    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, 4), 4);
    ck_assert_mem_eq(buf, "0123", 4);
    ck_assert_uint_eq(buf[4], 0);
    ck_assert_str_eq(last_call(w, HW_BOB), "recv(3, 4) = 4");
    const struct hw_event *d = hw_last(w, TRACE_DELIVER, LAYER_SOCKET, HW_BOB);
    ck_assert_ptr_nonnull(strstr(d->text, "discarded"));
    /* The next read is the next datagram, not the rest of the first. */
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, sizeof(buf)), 2);
    ck_assert_mem_eq(buf, "ab", 2);
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, sizeof(buf)), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_zero_length_datagram)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, rx, 0, 7), 0);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "", 0, HW_BOB_ADDR, 7), 0);
    hw_deliver(w);
    uint8_t buf[4];
    ck_assert_uint_eq(sock_poll(BOB(w), rx) & SOCK_POLLIN, SOCK_POLLIN);
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, sizeof(buf)), 0);
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, sizeof(buf)), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- close ---------------------------------------------------------------- */

START_TEST(test_close_discards_queued_datagrams)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, rx, 0, 7), 0);
    int fd = udp_socket(w, HW_ALICE);
    sendto_(w, HW_ALICE, fd, "one", 3, HW_BOB_ADDR, 7);
    sendto_(w, HW_ALICE, fd, "two", 3, HW_BOB_ADDR, 7);
    hw_deliver(w);
    uint64_t live = w->pool.live;
    ck_assert_int_eq(sock_close(BOB(w), rx), 0);
    ck_assert_str_eq(last_call(w, HW_BOB), "close(3) = 0");
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_SOCK_CLOSED], 2);
    ck_assert_uint_eq(hw_count_drops(w, DROP_SOCK_CLOSED), 2);
    ck_assert_uint_eq(w->pool.live, live - 2);
    uint8_t buf[4];
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, sizeof(buf)), -ERR_BADF);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_host_teardown_closes_sockets_without_leak)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, rx, 0, 7), 0);
    int fd = udp_socket(w, HW_ALICE);
    sendto_(w, HW_ALICE, fd, "left", 4, HW_BOB_ADDR, 7);
    hw_deliver(w);
    ck_assert_uint_gt(w->pool.live, 0);
    hw_destroy(w);  /* asserts the queued datagram was freed */
    free(w);
}
END_TEST

/* --- names and ports ------------------------------------------------------ */

START_TEST(test_ephemeral_ports_are_dynamic_and_unique)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint16_t seen[20];
    for (int i = 0; i < 20; i++) {
        int fd = udp_socket(w, HW_ALICE);
        ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, HW_BOB_ADDR, 7), 1);
        struct sock_addr me;
        ck_assert_int_eq(sock_getsockname(ALICE(w), fd, &me), 0);
        /* [RFC 6335 6] the dynamic range. */
        ck_assert_uint_ge(me.port, SOCK_EPHEMERAL_LO);
        ck_assert_uint_le(me.port, SOCK_EPHEMERAL_HI);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(me.port, seen[j]);
        seen[i] = me.port;
    }
    /* Bound to port 0: also an ephemeral port. */
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(bind_to(w, HW_ALICE, fd, 0, 0), 0);
    struct sock_addr me;
    ck_assert_int_eq(sock_getsockname(ALICE(w), fd, &me), 0);
    ck_assert_uint_ge(me.port, SOCK_EPHEMERAL_LO);
    for (int j = 0; j < 20; j++)
        ck_assert_uint_ne(me.port, seen[j]);
    hw_lose(w, HW_ALICE);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_ephemeral_skips_ports_in_use_and_wraps)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    a->socks.next_ephemeral = SOCK_EPHEMERAL_HI - 1;
    int taken = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(bind_to(w, HW_ALICE, taken, 0, SOCK_EPHEMERAL_HI - 1), 0);
    uint16_t want[2] = { SOCK_EPHEMERAL_HI, SOCK_EPHEMERAL_LO };
    for (int i = 0; i < 2; i++) {
        int fd = udp_socket(w, HW_ALICE);
        ck_assert_int_eq(bind_to(w, HW_ALICE, fd, 0, 0), 0);
        struct sock_addr me;
        sock_getsockname(a, fd, &me);
        ck_assert_uint_eq(me.port, want[i]);
    }
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_hosts_start_ephemeral_search_apart)
{
    struct hw_world *w = hw_new();
    uint16_t a = ALICE(w)->socks.next_ephemeral, b = BOB(w)->socks.next_ephemeral;
    ck_assert_uint_ge(a, SOCK_EPHEMERAL_LO);
    ck_assert_uint_ge(b, SOCK_EPHEMERAL_LO);
    ck_assert_uint_ne(a, b);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_getsockname_and_getpeername)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    struct sock_addr me, peer;
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    ck_assert_uint_eq(me.addr, 0);
    ck_assert_uint_eq(me.port, 0);
    ck_assert_int_eq(sock_getpeername(a, fd, &peer), -ERR_NOTCONN);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 7), 0);
    /* After connect: the source address the route chose, and a port. */
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    ck_assert_uint_eq(me.addr, HW_ALICE_ADDR);
    ck_assert_uint_ge(me.port, SOCK_EPHEMERAL_LO);
    ck_assert_int_eq(sock_getpeername(a, fd, &peer), 0);
    ck_assert_uint_eq(peer.addr, HW_BOB_ADDR);
    ck_assert_uint_eq(peer.port, 7);
    ck_assert_str_eq(last_call(w, HW_ALICE), "getpeername(3, 192.0.2.2:7) = 0");
    /* Bound to a specific address: that one. */
    int fd2 = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(bind_to(w, HW_ALICE, fd2, HW_ALICE_ADDR, 4000), 0);
    ck_assert_int_eq(sock_getsockname(a, fd2, &me), 0);
    ck_assert_uint_eq(me.addr, HW_ALICE_ADDR);
    ck_assert_uint_eq(me.port, 4000);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_getsockname_after_connect_follows_the_route)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    struct hw_port port = { 0 };
    static const uint8_t mac1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x01, 0x02 };
    uint32_t alice2 = IPV4_ADDR(198, 51, 100, 1);
    struct iface *eth1 = host_add_iface(a, "eth1", mac1, alice2, 24, 1500, &hw_port_ops, &port);
    hw_enter(w);
    host_iface_up(a, eth1, false);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, IPV4_ADDR(198, 51, 100, 9), 7), 0);
    struct sock_addr me;
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    ck_assert_uint_eq(me.addr, alice2);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- poll ----------------------------------------------------------------- */

START_TEST(test_poll_bits)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB);
    ck_assert_int_eq(bind_to(w, HW_BOB, rx, 0, 7), 0);
    ck_assert_uint_eq(sock_poll(BOB(w), rx), SOCK_POLLOUT);
    int fd = udp_socket(w, HW_ALICE);
    sendto_(w, HW_ALICE, fd, "x", 1, HW_BOB_ADDR, 7);
    hw_deliver(w);
    ck_assert_uint_eq(sock_poll(BOB(w), rx), SOCK_POLLOUT | SOCK_POLLIN);
    uint8_t buf[4];
    ck_assert_int_eq(sock_recv(BOB(w), rx, buf, sizeof(buf)), 1);
    ck_assert_uint_eq(sock_poll(BOB(w), rx), SOCK_POLLOUT);
    ck_assert_uint_eq(sock_poll(BOB(w), 42), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- the trace ------------------------------------------------------------ */

START_TEST(test_calls_are_traced_like_strace)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    ck_assert_str_eq(last_call(w, HW_ALICE), "socket(AF_INET, SOCK_DGRAM, 0) = 3");
    ck_assert_int_eq(bind_to(w, HW_ALICE, fd, 0, 7), 0);
    ck_assert_str_eq(last_call(w, HW_ALICE), "bind(3, 0.0.0.0:7) = 0");
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "hello", 5, HW_BOB_ADDR, 7), 5);
    ck_assert_str_eq(last_call(w, HW_ALICE), "sendto(3, 5 bytes, 192.0.2.2:7) = 5");
    hw_enter(w);
    int pfd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    ck_assert_str_eq(last_call(w, HW_ALICE), "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) = 4");
    struct sock_addr me;
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    ck_assert_str_eq(last_call(w, HW_ALICE), "getsockname(3, 0.0.0.0:7) = 0");
    ck_assert_int_eq(sock_getpeername(a, fd, &me), -ERR_NOTCONN);
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "getpeername(3) = -1 ENOTCONN (Transport endpoint is not connected)");
    ck_assert_int_eq(sock_close(a, pfd), 0);
    ck_assert_str_eq(last_call(w, HW_ALICE), "close(4) = 0");
    hw_destroy(w);
    free(w);
}
END_TEST

/* A caller's own queries and the tries of a blocking call leave no CALL
 * event while tracing is off, yet what the calls do is still traced; the
 * caller then traces the call once, pending and returned, in the form the
 * calls trace themselves. */
START_TEST(test_untraced_calls_and_a_call_traced_whole)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    size_t calls = hw_count(w, TRACE_CALL, LAYER_SOCKET, HW_ALICE);
    size_t states = hw_count(w, TRACE_STATE, LAYER_SOCKET, HW_ALICE);
    ck_assert(sock_trace_calls(a, false));
    struct sock_addr me;
    hw_enter(w);
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    ck_assert_int_eq(connect_(w, HW_ALICE, fd, HW_BOB_ADDR, 7), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_CALL, LAYER_SOCKET, HW_ALICE), calls);
    /* the connect still did its work, and says so: implicit bind, connected */
    ck_assert_uint_gt(hw_count(w, TRACE_STATE, LAYER_SOCKET, HW_ALICE), states);
    ck_assert(!sock_trace_calls(a, true));
    sock_trace_call(a, CALL_CONNECT, 0, true, "%d, %s", fd, "192.0.2.2:7");
    ck_assert_str_eq(last_call(w, HW_ALICE), "connect(3, 192.0.2.2:7) ...");
    sock_trace_call(a, CALL_CONNECT, -ERR_CONNREFUSED, false, "%d, %s", fd, "192.0.2.2:7");
    ck_assert_str_eq(last_call(w, HW_ALICE),
                     "connect(3, 192.0.2.2:7) = -1 ECONNREFUSED (Connection refused)");
    ck_assert_uint_eq(hw_count(w, TRACE_CALL, LAYER_SOCKET, HW_ALICE), calls + 2);
    /* tracing is back on: the next call traces itself */
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_CALL, LAYER_SOCKET, HW_ALICE), calls + 3);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_call_is_the_cause_of_what_it_sends)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct host *a = ALICE(w);
    int fd = udp_socket(w, HW_ALICE);
    /* The scenario runner names its step before the call. */
    host_set_cause(a, cause_call(CALL_NONE, 7));
    ck_assert_int_eq(sendto_(w, HW_ALICE, fd, "x", 1, HW_BOB_ADDR, 7), 1);
    const struct hw_event *e = hw_last(w, TRACE_CALL, LAYER_SOCKET, HW_ALICE);
    ck_assert_uint_eq(e->cause.kind, CAUSE_CALL);
    ck_assert_uint_eq(e->cause.call, CALL_SENDTO);
    ck_assert_uint_eq(e->cause.step, 7);
    const struct pkt *p = hw_peek(w, HW_ALICE);
    ck_assert_uint_eq(p->cause.kind, CAUSE_CALL);
    ck_assert_uint_eq(p->cause.call, CALL_SENDTO);
    ck_assert_uint_eq(p->cause.step, 7);
    const struct hw_event *tx = hw_last(w, TRACE_TX, LAYER_UDP, HW_ALICE);
    ck_assert_uint_eq(tx->cause.call, CALL_SENDTO);
    /* At bob the arrival is the cause of what follows. */
    hw_deliver(w);
    const struct hw_event *d = hw_last(w, TRACE_DROP, -1, HW_BOB);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->cause.kind, CAUSE_ARRIVAL);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
socket_suite(void)
{
    Suite *s = suite_create("socket");
    TCase *tc = tcase_create("descriptors");
    tcase_add_test(tc, test_fds_start_at_3_and_reuse_the_lowest);
    tcase_add_test(tc, test_sockets_are_allocated_when_opened);
    tcase_add_test(tc, test_socket_errors);
    tcase_add_test(tc, test_bad_descriptor);
    suite_add_tcase(s, tc);

    tc = tcase_create("bind");
    tcase_add_test(tc, test_bind_port_in_use);
    tcase_add_test(tc, test_bind_reuseaddr_needs_both);
    tcase_add_test(tc, test_bind_two_addresses_same_port);
    tcase_add_test(tc, test_bind_address_not_ours);
    tcase_add_test(tc, test_bind_twice_is_invalid);
    tcase_add_test(tc, test_close_frees_the_port);
    suite_add_tcase(s, tc);

    tc = tcase_create("send");
    tcase_add_test(tc, test_send_unconnected_needs_an_address);
    tcase_add_test(tc, test_datagram_larger_than_mtu);
    tcase_add_test(tc, test_datagram_larger_than_ipv4_allows);
    tcase_add_test(tc, test_broadcast_needs_so_broadcast);
    tcase_add_test(tc, test_no_route_is_network_unreachable);
    tcase_add_test(tc, test_invalid_destination);
    tcase_add_test(tc, test_connected_send_reaches_the_peer);
    suite_add_tcase(s, tc);

    tc = tcase_create("async_error");
    tcase_add_test(tc, test_connrefused_once_on_connected_socket);
    tcase_add_test(tc, test_connrefused_returned_by_recv_too);
    tcase_add_test(tc, test_no_connrefused_on_unconnected_socket);
    tcase_add_test(tc, test_connect_clears_a_pending_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("recv");
    tcase_add_test(tc, test_recv_empty_would_block);
    tcase_add_test(tc, test_bind_sentence_names_address_and_port_once);
    tcase_add_test(tc, test_recv_truncates_and_discards_the_rest);
    tcase_add_test(tc, test_zero_length_datagram);
    suite_add_tcase(s, tc);

    tc = tcase_create("close");
    tcase_add_test(tc, test_close_discards_queued_datagrams);
    tcase_add_test(tc, test_host_teardown_closes_sockets_without_leak);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_test(tc, test_ephemeral_ports_are_dynamic_and_unique);
    tcase_add_test(tc, test_ephemeral_skips_ports_in_use_and_wraps);
    tcase_add_test(tc, test_hosts_start_ephemeral_search_apart);
    tcase_add_test(tc, test_getsockname_and_getpeername);
    tcase_add_test(tc, test_getsockname_after_connect_follows_the_route);
    tcase_add_test(tc, test_poll_bits);
    suite_add_tcase(s, tc);

    tc = tcase_create("trace");
    tcase_add_test(tc, test_calls_are_traced_like_strace);
    tcase_add_test(tc, test_untraced_calls_and_a_call_traced_whole);
    tcase_add_test(tc, test_call_is_the_cause_of_what_it_sends);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(socket_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
