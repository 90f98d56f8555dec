/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp6.c - TCP and UDP over IPv6 behind AF_INET6 sockets: the IPv6
 * pseudo-header in both checksums [RFC 8200 8.1], a zero UDP checksum
 * refused, the MSS of 1440 on a 1500-byte link [RFC 6691], a whole
 * connection with data, the dual-stack listener that sees an IPv4 peer as
 * ::ffff:a.b.c.d [RFC 4291 2.5.5.2] [RFC 3493 3.7], IPV6_V6ONLY, the ports
 * both families share, the family errors, and what inspect_socket() and
 * inspect_tcb() report of IPv6 and IPv4-mapped sockets.
 *
 * alice (192.0.2.1, 2001:db8::1) and bob (192.0.2.2, 2001:db8::2) are the
 * harness's two hosts with IPv6 turned on.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/ipv6.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define MS       (1000ull * 1000)

static struct ip6_addr
A6(const char *s)
{
    struct ip6_addr a;
    ck_assert_msg(ip6_addr_parse(s, &a), "bad test address %s", s);
    return a;
}

static struct hw_world *
v6_world(void)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct ip6_addr a = A6("2001:db8::1"), b = A6("2001:db8::2");
    ck_assert_int_eq(ipv6_addr_add(ALICE(w), &ALICE(w)->ifaces[0], &a, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(BOB(w), &BOB(w)->ifaces[0], &b, 64), 0);
    /* [RFC 4862 5.4] the addresses are tentative until duplicate address
     * detection passes (at most 1 s of random delay, then RetransTimer);
     * a socket cannot send from one before. */
    int fd = sock_socket(ALICE(w), SOCK_DOMAIN_INET6, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { .family = SOCK_AF_INET6, .addr6 = b, .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), fd, &to), -ERR_ADDRNOTAVAIL);
    ck_assert_int_eq(sock_close(ALICE(w), fd), 0);
    for (int i = 0; i < 30; i++) {
        hw_advance(w, 100 * MS);
        hw_deliver(w);
    }
    ck_assert(ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &a));
    ck_assert(ipv6_is_mine(BOB(w), &BOB(w)->ifaces[0], &b));
    return w;
}

static void
v6_done(struct hw_world *w)
{
    hw_destroy(w);
    free(w);
}

/* ::ffff:a.b.c.d (ip6_addr_parse() reads the hex form only). */
static struct ip6_addr
MAPPED(uint32_t v4)
{
    struct ip6_addr m;
    sock_addr_v4mapped(v4, &m);
    return m;
}

static struct sock_addr
SA6(const char *addr, uint16_t port)
{
    return (struct sock_addr){ .family = SOCK_AF_INET6, .addr6 = A6(addr), .port = port };
}

static int
sock6(struct hw_world *w, int who, bool tcp)
{
    hw_enter(w);
    int fd = sock_socket(&w->host[who], SOCK_DOMAIN_INET6,
                         tcp ? SOCK_TYPE_STREAM : SOCK_TYPE_DGRAM,
                         tcp ? SOCK_PROTO_TCP : SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    return fd;
}

/* Move frames and time until nothing moves (ND, handshakes, ACKs). */
static void
settle(struct hw_world *w)
{
    for (int i = 0; i < 20; i++) {
        hw_deliver(w);
        hw_advance(w, 1 * MS);
    }
    hw_deliver(w);
}

/* A TCP listener on bob: AF_INET6 on [::]:port (v6only as given) or
 * AF_INET on 0.0.0.0:port. */
static int
listener(struct hw_world *w, bool v6, bool v6only, uint16_t port)
{
    int fd;
    if (v6) {
        fd = sock6(w, HW_BOB, true);
        if (v6only)
            ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_IPV6_V6ONLY, 1), 0);
        struct sock_addr any = { .family = SOCK_AF_INET6, .port = port };
        ck_assert_int_eq(sock_bind(BOB(w), fd, &any), 0);
    } else {
        fd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
        struct sock_addr any = { .addr = 0, .port = port };
        ck_assert_int_eq(sock_bind(BOB(w), fd, &any), 0);
    }
    ck_assert_int_eq(sock_listen(BOB(w), fd, 5), 0);
    return fd;
}

/* The pseudo-header sum, written out byte by byte as RFC 8200 8.1 draws it,
 * independently of csum_pseudo_ipv6(). */
static uint16_t
sum_with_pseudo(const struct ip6_addr *s, const struct ip6_addr *d, uint8_t nh, const uint8_t *seg,
                size_t len)
{
    uint8_t buf[40 + 2048];
    ck_assert_uint_le(len, 2048);
    memcpy(buf, s->b, 16);
    memcpy(buf + 16, d->b, 16);
    buf[32] = (uint8_t)(len >> 24);
    buf[33] = (uint8_t)(len >> 16);
    buf[34] = (uint8_t)(len >> 8);
    buf[35] = (uint8_t)len;
    buf[36] = buf[37] = buf[38] = 0;
    buf[39] = nh;
    memcpy(buf + 40, seg, len);
    return csum_compute(buf, 40 + len);
}

START_TEST(test_pseudo_header_checksums)
{
    struct ip6_addr s = A6("2001:db8::1"), d = A6("2001:db8::2");
    uint8_t seg[20 + 5];
    memcpy(seg + 20, "hello", 5);
    struct tcp_hdr t = { .sport = 49152, .dport = 80, .seq = 1000, .ack = 2000,
                         .flags = TCP_ACK | TCP_PSH, .wnd = 512 };
    tcp_emit6(&t, seg, 5, &s, &d);
    /* A correct checksum makes the whole sum, pseudo-header included, 0. */
    ck_assert_uint_eq(sum_with_pseudo(&s, &d, IPV6_NH_TCP, seg, sizeof seg), 0);
    struct tcp_hdr back;
    ck_assert_int_eq(tcp_parse6(seg, sizeof seg, &s, &d, &back), DROP_NONE);
    /* The addresses are covered: another destination breaks it. */
    struct ip6_addr other = A6("2001:db8::3");
    ck_assert_int_eq(tcp_parse6(seg, sizeof seg, &s, &other, &back), DROP_TCP_BAD_CSUM);

    uint8_t dg[8 + 3] = { 0 };
    memcpy(dg + 8, "abc", 3);
    struct udp_hdr u = { .sport = 5000, .dport = 7, .len = sizeof dg };
    udp_emit6(&u, dg, &s, &d);
    ck_assert_uint_ne(be16_get(dg + 6), 0);
    ck_assert_uint_eq(sum_with_pseudo(&s, &d, IPV6_NH_UDP, dg, sizeof dg), 0);
    struct udp_hdr ub;
    ck_assert_int_eq(udp_parse6(dg, sizeof dg, &s, &d, &ub), DROP_NONE);
    /* [RFC 8200 8.1] zero means "no checksum", which IPv6 refuses; over
     * IPv4 the same datagram is taken [RFC 768]. */
    be16_put(dg + 6, 0);
    ck_assert_int_eq(udp_parse6(dg, sizeof dg, &s, &d, &ub), DROP_UDP_BAD_CSUM);
    ck_assert_int_eq(udp_parse(dg, sizeof dg, 0xc0000201u, 0xc0000202u, &ub), DROP_NONE);
}
END_TEST

/* The wire line of TCP and UDP over IPv6, in tcpdump -nn's words; a
 * checksum that fails over the IPv6 pseudo-header is said. */
START_TEST(test_describe_transport_over_ipv6)
{
    struct ip6_addr s = A6("2001:db8::1"), d = A6("2001:db8::2");
    uint8_t pkt[IPV6_HDR_LEN + 24];
    struct tcp_hdr t = { .sport = 49152, .dport = 80, .seq = 7, .flags = TCP_SYN, .wnd = 1000 };
    t.opts.has_mss = true;
    t.opts.mss = 1440;
    size_t tl = tcp_hdr_len(&t);
    ck_assert_uint_eq(tl, 24);
    struct ipv6_hdr h = { .payload_len = (uint16_t)tl, .next_header = IPV6_NH_TCP,
                          .hop_limit = 64, .src = s, .dst = d };
    ipv6_emit(&h, pkt);
    tcp_emit6(&t, pkt + IPV6_HDR_LEN, 0, &s, &d);
    char line[256];
    ipv6_describe(pkt, sizeof pkt, line, sizeof line);
    ck_assert_str_eq(line, "IP6 2001:db8::1.49152 > 2001:db8::2.80: Flags [S], seq 7, win 1000, "
                           "options [mss 1440], length 0");
    pkt[IPV6_HDR_LEN + 4] ^= 1; /* seq damaged on the way */
    ipv6_describe(pkt, sizeof pkt, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, "[bad tcp cksum]"));

    uint8_t dg[IPV6_HDR_LEN + 12];
    struct udp_hdr u = { .sport = 5000, .dport = 7, .len = 12 };
    memcpy(dg + IPV6_HDR_LEN + 8, "ping", 4);
    struct ipv6_hdr h2 = { .payload_len = 12, .next_header = IPV6_NH_UDP, .hop_limit = 64,
                           .src = s, .dst = d };
    ipv6_emit(&h2, dg);
    udp_emit6(&u, dg + IPV6_HDR_LEN, &s, &d);
    ipv6_describe(dg, sizeof dg, line, sizeof line);
    ck_assert_str_eq(line, "IP6 2001:db8::1.5000 > 2001:db8::2.7: UDP, length 4");
    be16_put(dg + IPV6_HDR_LEN + 6, 0);
    ipv6_describe(dg, sizeof dg, line, sizeof line);
    ck_assert_str_eq(line, "IP6 2001:db8::1.5000 > 2001:db8::2.7: UDP, length 4 [zero udp cksum]");
}
END_TEST

START_TEST(test_mapped_address_helpers)
{
    struct ip6_addr m;
    sock_addr_v4mapped(0xc0000201u, &m);
    struct ip6_addr want = A6("::ffff:c000:201");
    ck_assert(ip6_addr_eq(&m, &want));
    ck_assert(sock_addr_is_v4mapped(&m));
    ck_assert_uint_eq(sock_addr_v4_of_mapped(&m), 0xc0000201u);
    struct ip6_addr g = A6("2001:db8::1");
    ck_assert(!sock_addr_is_v4mapped(&g));
    char buf[SOCK_ADDR_STRLEN];
    struct sock_addr sa = SA6("2001:db8::2", 80);
    ck_assert_str_eq(sock_addr_str(&sa, buf, sizeof buf), "[2001:db8::2]:80");
    struct sock_addr s4 = { .addr = 0xc0000202u, .port = 80 };
    ck_assert_str_eq(sock_addr_str(&s4, buf, sizeof buf), "192.0.2.2:80");
}
END_TEST

START_TEST(test_udp6_roundtrip_and_zero_checksum)
{
    struct hw_world *w = v6_world();
    int b = sock6(w, HW_BOB, false);
    struct sock_addr any7 = { .family = SOCK_AF_INET6, .port = 7 };
    ck_assert_int_eq(sock_bind(BOB(w), b, &any7), 0);
    int a = sock6(w, HW_ALICE, false);
    struct sock_addr to = SA6("2001:db8::2", 7);
    ck_assert_int_eq(sock_sendto(ALICE(w), a, (const uint8_t *)"ping", 4, &to), 4);
    settle(w);
    uint8_t buf[16];
    struct sock_addr from;
    hw_enter(w);
    ck_assert_int_eq(sock_recvfrom(BOB(w), b, buf, sizeof buf, &from), 4);
    ck_assert_mem_eq(buf, "ping", 4);
    ck_assert_int_eq(from.family, SOCK_AF_INET6);
    struct ip6_addr alice6 = A6("2001:db8::1");
    ck_assert(ip6_addr_eq(&from.addr6, &alice6));

    /* The same datagram again (ND is done now: the frame is queued), its
     * checksum zeroed on the way: bob must drop it. */
    ck_assert_int_eq(sock_sendto(ALICE(w), a, (const uint8_t *)"ping", 4, &to), 4);
    const struct pkt *p = hw_peek(w, HW_ALICE);
    ck_assert_ptr_nonnull(p);
    uint8_t f[128];
    ck_assert_uint_le(p->len, sizeof f);
    memcpy(f, p->data, p->len);
    size_t flen = p->len;
    hw_lose(w, HW_ALICE);
    ck_assert_uint_eq(f[ETH_HDR_LEN + 6], IPV6_NH_UDP);
    be16_put(f + ETH_HDR_LEN + IPV6_HDR_LEN + 6, 0);
    size_t drops = hw_count_drops(w, DROP_UDP_BAD_CSUM);
    hw_inject(w, HW_BOB, f, flen);
    ck_assert_uint_eq(hw_count_drops(w, DROP_UDP_BAD_CSUM), drops + 1);
    ck_assert_int_eq(sock_recvfrom(BOB(w), b, buf, sizeof buf, &from), -ERR_AGAIN);
    v6_done(w);
}
END_TEST

START_TEST(test_tcp6_connection_mss_and_data)
{
    struct hw_world *w = v6_world();
    int l = listener(w, true, false, 80);
    int c = sock6(w, HW_ALICE, true);
    struct sock_addr to = SA6("2001:db8::2", 80);
    ck_assert_int_eq(sock_connect(ALICE(w), c, &to), -ERR_INPROGRESS);
    struct tcb *tp = tcp_tcb_by_fd(ALICE(w), c);
    ck_assert_ptr_nonnull(tp);
    ck_assert(tp->v6);
    /* [RFC 6691] 1500 - 40 (IPv6) - 20 (TCP) */
    ck_assert_uint_eq(tp->rcv_mss, 1440);
    settle(w);
    hw_enter(w);
    struct sock_addr peer;
    int a = sock_accept(BOB(w), l, &peer);
    ck_assert_int_ge(a, SOCK_FD_BASE);
    ck_assert_int_eq(peer.family, SOCK_AF_INET6);
    struct ip6_addr alice6 = A6("2001:db8::1"), bob6 = A6("2001:db8::2");
    ck_assert(ip6_addr_eq(&peer.addr6, &alice6));
    ck_assert_uint_eq(tp->state, TCP_ESTABLISHED);
    /* Both sides announced 1440, so both send 1440-byte segments. */
    ck_assert_uint_eq(tp->mss, 1440);
    ck_assert_uint_eq(tcp_tcb_by_fd(BOB(w), a)->mss, 1440);
    struct sock_addr me;
    ck_assert_int_eq(sock_getsockname(ALICE(w), c, &me), 0);
    ck_assert_int_eq(me.family, SOCK_AF_INET6);
    ck_assert(ip6_addr_eq(&me.addr6, &alice6));
    ck_assert_int_eq(sock_getpeername(ALICE(w), c, &me), 0);
    ck_assert(ip6_addr_eq(&me.addr6, &bob6));
    ck_assert_uint_eq(me.port, 80);

    static uint8_t data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    ck_assert_int_eq(sock_send(ALICE(w), c, data, sizeof data), (int)sizeof data);
    settle(w);
    hw_advance(w, 300 * MS);
    settle(w);
    static uint8_t got[6000];
    size_t n = 0;
    hw_enter(w);
    for (int r; (r = sock_recv(BOB(w), a, got + n, sizeof got - n)) > 0;)
        n += (size_t)r;
    ck_assert_uint_eq(n, sizeof data);
    ck_assert_mem_eq(got, data, sizeof data);
    /* No IPv4 segment was involved: every TCP segment went over IPv6. */
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_BAD_CSUM), 0);
    v6_done(w);
}
END_TEST

START_TEST(test_dual_stack_listener_sees_mapped_peer)
{
    struct hw_world *w = v6_world();
    int l = listener(w, true, false, 80);
    hw_enter(w);
    int c = sock_socket(ALICE(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), c, &to), -ERR_INPROGRESS);
    settle(w);
    hw_enter(w);
    struct sock_addr peer;
    int a = sock_accept(BOB(w), l, &peer);
    ck_assert_int_ge(a, SOCK_FD_BASE);
    /* [RFC 3493 3.7] the IPv4 peer, as an AF_INET6 socket sees it */
    ck_assert_int_eq(peer.family, SOCK_AF_INET6);
    struct ip6_addr mapped = MAPPED(HW_ALICE_ADDR);
    ck_assert(ip6_addr_eq(&peer.addr6, &mapped));
    struct sock_addr alice_end;
    ck_assert_int_eq(sock_getsockname(ALICE(w), c, &alice_end), 0);
    ck_assert_int_eq(alice_end.family, SOCK_AF_INET);
    ck_assert_uint_eq(peer.port, alice_end.port);
    char buf[SOCK_ADDR_STRLEN], want[SOCK_ADDR_STRLEN];
    snprintf(want, sizeof want, "[::ffff:192.0.2.1]:%u", alice_end.port);
    ck_assert_str_eq(sock_addr_str(&peer, buf, sizeof buf), want);
    /* The connection itself is IPv4. */
    ck_assert(!tcp_tcb_by_fd(BOB(w), a)->v6);
    ck_assert_uint_eq(tcp_tcb_by_fd(BOB(w), a)->rcv_mss, 1460);
    struct sock_addr me;
    ck_assert_int_eq(sock_getsockname(BOB(w), a, &me), 0);
    struct ip6_addr bob_mapped = MAPPED(HW_BOB_ADDR);
    ck_assert(ip6_addr_eq(&me.addr6, &bob_mapped));
    v6_done(w);
}
END_TEST

START_TEST(test_v6only_listener_refuses_ipv4)
{
    struct hw_world *w = v6_world();
    listener(w, true, true, 80);
    hw_enter(w);
    int c = sock_socket(ALICE(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), c, &to), -ERR_INPROGRESS);
    settle(w);
    hw_enter(w);
    /* No IPv4 listener: bob answered RST, the connect failed. */
    int64_t e = 0;
    ck_assert_int_eq(sock_getsockopt(ALICE(w), c, SOCK_OPT_ERROR, &e), 0);
    ck_assert_int_eq(e, ERR_CONNREFUSED);
    /* And over IPv6 it is there. */
    int c6 = sock6(w, HW_ALICE, true);
    struct sock_addr to6 = SA6("2001:db8::2", 80);
    ck_assert_int_eq(sock_connect(ALICE(w), c6, &to6), -ERR_INPROGRESS);
    settle(w);
    ck_assert_uint_eq(tcp_tcb_by_fd(ALICE(w), c6)->state, TCP_ESTABLISHED);
    v6_done(w);
}
END_TEST

START_TEST(test_ports_shared_by_both_families)
{
    struct hw_world *w = v6_world();
    hw_enter(w);
    int s4 = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr any4 = { .addr = 0, .port = 80 };
    ck_assert_int_eq(sock_bind(BOB(w), s4, &any4), 0);
    /* [::]:80 without V6ONLY covers IPv4 too: taken (as Linux). */
    int s6 = sock6(w, HW_BOB, true);
    struct sock_addr any6 = { .family = SOCK_AF_INET6, .port = 80 };
    ck_assert_int_eq(sock_bind(BOB(w), s6, &any6), -ERR_ADDRINUSE);
    /* With V6ONLY it covers IPv6 only: free. */
    int s6o = sock6(w, HW_BOB, true);
    ck_assert_int_eq(sock_setsockopt(BOB(w), s6o, SOCK_OPT_IPV6_V6ONLY, 1), 0);
    ck_assert_int_eq(sock_bind(BOB(w), s6o, &any6), 0);
    /* ... and then fixed: V6ONLY cannot change after bind. */
    ck_assert_int_eq(sock_setsockopt(BOB(w), s6o, SOCK_OPT_IPV6_V6ONLY, 0), -ERR_INVAL);
    int64_t v = 0;
    ck_assert_int_eq(sock_getsockopt(BOB(w), s6o, SOCK_OPT_IPV6_V6ONLY, &v), 0);
    ck_assert_int_eq(v, 1);
    /* A specific IPv6 address that is not bob's: EADDRNOTAVAIL. */
    int s6b = sock6(w, HW_BOB, true);
    struct sock_addr not_mine = SA6("2001:db8::99", 81);
    ck_assert_int_eq(sock_bind(BOB(w), s6b, &not_mine), -ERR_ADDRNOTAVAIL);
    v6_done(w);
}
END_TEST

START_TEST(test_family_errors)
{
    struct hw_world *w = v6_world();
    hw_enter(w);
    int s4 = sock_socket(ALICE(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to6 = SA6("2001:db8::2", 80);
    /* An IPv6 address to an AF_INET socket, and the other way round. */
    ck_assert_int_eq(sock_connect(ALICE(w), s4, &to6), -ERR_AFNOSUPPORT);
    int s6 = sock6(w, HW_ALICE, true);
    struct sock_addr to4 = { .addr = HW_BOB_ADDR, .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), s6, &to4), -ERR_AFNOSUPPORT);
    /* V6ONLY is AF_INET6's option. */
    ck_assert_int_eq(sock_setsockopt(ALICE(w), s4, SOCK_OPT_IPV6_V6ONLY, 1), -ERR_OPNOTSUPP);
    /* A mapped address under V6ONLY leads nowhere. */
    int s6o = sock6(w, HW_ALICE, true);
    ck_assert_int_eq(sock_setsockopt(ALICE(w), s6o, SOCK_OPT_IPV6_V6ONLY, 1), 0);
    struct sock_addr mapped = { .family = SOCK_AF_INET6, .addr6 = MAPPED(HW_BOB_ADDR), .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), s6o, &mapped), -ERR_NETUNREACH);
    /* No ICMPv6 ping socket. */
    ck_assert_int_eq(sock_socket(ALICE(w), SOCK_DOMAIN_INET6, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP),
                     -ERR_PROTONOSUPPORT);
    v6_done(w);
}
END_TEST

START_TEST(test_mapped_connect_goes_over_ipv4)
{
    struct hw_world *w = v6_world();
    int l = listener(w, false, false, 80);
    int c = sock6(w, HW_ALICE, true);
    struct sock_addr mapped = { .family = SOCK_AF_INET6, .addr6 = MAPPED(HW_BOB_ADDR), .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), c, &mapped), -ERR_INPROGRESS);
    ck_assert(!tcp_tcb_by_fd(ALICE(w), c)->v6);
    settle(w);
    hw_enter(w);
    struct sock_addr peer;
    ck_assert_int_ge(sock_accept(BOB(w), l, &peer), SOCK_FD_BASE);
    ck_assert_int_eq(peer.family, SOCK_AF_INET);
    ck_assert_uint_eq(peer.addr, HW_ALICE_ADDR);
    struct sock_addr pn;
    ck_assert_int_eq(sock_getpeername(ALICE(w), c, &pn), 0);
    ck_assert_int_eq(pn.family, SOCK_AF_INET6);
    ck_assert(ip6_addr_eq(&pn.addr6, &mapped.addr6));
    v6_done(w);
}
END_TEST

/* An ICMPv6 error from bob to alice (type, code, the 32-bit field) quoting
 * q[0..qlen), an IPv6 packet alice sent, injected into alice. */
static void
inject_icmp6_error(struct hw_world *w, uint8_t type, uint8_t code, uint32_t param,
                   const uint8_t *q, size_t qlen)
{
    struct ip6_addr b6 = A6("2001:db8::2"), a6 = A6("2001:db8::1");
    uint8_t f[ETH_HDR_LEN + IPV6_HDR_LEN + 8 + 1280];
    ck_assert_uint_le(qlen, 1200);
    size_t ml = 8 + qlen;
    struct eth_hdr e = { .type = ETHERTYPE_IPV6 };
    memcpy(e.dst, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    memcpy(e.src, BOB(w)->ifaces[0].mac, ETH_ALEN);
    eth_emit(&e, f);
    struct ipv6_hdr h = { .payload_len = (uint16_t)ml, .next_header = IPV6_NH_ICMPV6,
                          .hop_limit = 64, .src = b6, .dst = a6 };
    ipv6_emit(&h, f + ETH_HDR_LEN);
    uint8_t *m = f + ETH_HDR_LEN + IPV6_HDR_LEN;
    m[0] = type;
    m[1] = code;
    be16_put(m + 2, 0);
    be32_put(m + 4, param);
    memcpy(m + 8, q, qlen);
    uint32_t sum = csum_pseudo_ipv6(&b6, &a6, (uint32_t)ml, IPV6_NH_ICMPV6);
    be16_put(m + 2, csum_finish(csum_add(sum, m, ml)));
    hw_inject(w, HW_ALICE, f, ETH_HDR_LEN + IPV6_HDR_LEN + ml);
}

/* [RFC 8201 4] packet too big lowers the MSS to MTU - 60, but only when it
 * quotes a sequence number in flight [RFC 5927 4.1]; never below 1280. */
START_TEST(test_packet_too_big_lowers_mss_when_in_flight)
{
    struct hw_world *w = v6_world();
    int l = listener(w, true, false, 80);
    int c = sock6(w, HW_ALICE, true);
    struct sock_addr to = SA6("2001:db8::2", 80);
    ck_assert_int_eq(sock_connect(ALICE(w), c, &to), -ERR_INPROGRESS);
    settle(w);
    hw_enter(w);
    struct sock_addr peer;
    ck_assert_int_ge(sock_accept(BOB(w), l, &peer), SOCK_FD_BASE);
    struct tcb *tp = tcp_tcb_by_fd(ALICE(w), c);
    ck_assert_uint_eq(tp->mss, 1440);
    static uint8_t data[4000];
    ck_assert_int_eq(sock_send(ALICE(w), c, data, sizeof data), (int)sizeof data);
    const struct pkt *p = hw_peek(w, HW_ALICE);
    ck_assert_ptr_nonnull(p);
    uint8_t q[IPV6_HDR_LEN + 60];
    memcpy(q, p->data + ETH_HDR_LEN, sizeof q);
    ck_assert_uint_eq(q[6], IPV6_NH_TCP);
    hw_lose(w, HW_ALICE);
    /* A quote whose sequence number is not in flight: ignored. */
    uint8_t forged[sizeof q];
    memcpy(forged, q, sizeof q);
    be32_put(forged + IPV6_HDR_LEN + 4, tp->snd_una - 100000);
    inject_icmp6_error(w, ICMP6_PACKET_TOO_BIG, 0, 1280, forged, sizeof forged);
    ck_assert_uint_eq(tp->mss, 1440);
    /* The real one: 1280 - 40 - 20 = 1220, and what was in flight goes
     * again in segments of the new size. */
    inject_icmp6_error(w, ICMP6_PACKET_TOO_BIG, 0, 1280, q, sizeof q);
    ck_assert_uint_eq(tp->mss, 1220);
    ck_assert_uint_eq(tp->snd_nxt - tp->snd_una <= 1220u * 10, true);
    /* An MTU below IPv6's minimum is taken as 1280 [RFC 8201 4]. */
    inject_icmp6_error(w, ICMP6_PACKET_TOO_BIG, 0, 500, q, sizeof q);
    ck_assert_uint_eq(tp->mss, 1220);
    hw_lose(w, HW_ALICE);
    v6_done(w);
}
END_TEST

/* [RFC 4443 3.1] a udp6 datagram to a port nobody holds: bob answers port
 * unreachable, and alice's connected socket reports ECONNREFUSED. */
START_TEST(test_udp6_port_unreachable_refuses_connected_socket)
{
    struct hw_world *w = v6_world();
    int a = sock6(w, HW_ALICE, false);
    struct sock_addr to = SA6("2001:db8::2", 9);
    ck_assert_int_eq(sock_connect(ALICE(w), a, &to), 0);
    ck_assert_int_eq(sock_send(ALICE(w), a, (const uint8_t *)"x", 1), 1);
    settle(w);
    hw_enter(w);
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(ALICE(w), a, buf, sizeof buf), -ERR_CONNREFUSED);
    v6_done(w);
}
END_TEST

/* [RFC 4987 3.6] SYN cookies over IPv6: with the SYN queue full, a SYN
 * gets a cookie and no TCB; the ACK that returns it opens the connection,
 * an IPv6 one, with the cookie's MSS. The cookie hashes the IPv6 addresses
 * through the keyed fold, so the check must recompute the same value. */
START_TEST(test_syn_cookie_over_ipv6)
{
    struct hw_world *w = v6_world();
    hw_enter(w);
    int l = listener(w, true, false, 80);
    ck_assert_int_eq(sock_listen(BOB(w), l, 1), 0);
    ck_assert(BOB(w)->tcp.syncookies);
    /* One half-open connection fills the queue: its SYN-ACK is lost. The
     * first connect also does neighbour discovery. */
    int c1 = sock6(w, HW_ALICE, true);
    struct sock_addr to = SA6("2001:db8::2", 80);
    ck_assert_int_eq(sock_connect(ALICE(w), c1, &to), -ERR_INPROGRESS);
    for (int i = 0; i < 10 && tcp_tcb_by_fd(ALICE(w), c1)->state == TCP_SYN_SENT; i++) {
        while (hw_deliver_one(w, HW_ALICE))
            ;
        const struct pkt *p = hw_peek(w, HW_BOB);
        if (p != NULL && p->data[ETH_HDR_LEN + 6] == IPV6_NH_TCP) {
            hw_lose(w, HW_BOB); /* the SYN-ACK */
            break;
        }
        hw_deliver_one(w, HW_BOB); /* ND */
        hw_advance(w, 1 * MS);
    }
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_sent, 0);
    int c2 = sock6(w, HW_ALICE, true);
    ck_assert_int_eq(sock_connect(ALICE(w), c2, &to), -ERR_INPROGRESS);
    while (hw_deliver_one(w, HW_ALICE))
        ;
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_sent, 1);
    hw_deliver(w);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_ok, 1);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_failed, 0);
    hw_enter(w);
    struct sock_addr peer;
    int a = sock_accept(BOB(w), l, &peer);
    ck_assert_int_ge(a, SOCK_FD_BASE);
    ck_assert_int_eq(peer.family, SOCK_AF_INET6);
    const struct tcb *bt = tcp_tcb_by_fd(BOB(w), a);
    ck_assert(bt->v6);
    ck_assert_uint_eq(bt->state, TCP_ESTABLISHED);
    ck_assert(!bt->ts_ok); /* what a cookie cannot carry */
    ck_assert_uint_le(bt->mss, 1440);
    ck_assert_uint_eq(tcp_tcb_by_fd(ALICE(w), c2)->state, TCP_ESTABLISHED);
    v6_done(w);
}
END_TEST

/* [RFC 9293 3.10.7.1] a SYN over IPv6 to a port nobody listens on is
 * answered with RST,ACK over IPv6; connect() fails with ECONNREFUSED. */
START_TEST(test_closed_port_answers_rst_over_ipv6)
{
    struct hw_world *w = v6_world();
    int c = sock6(w, HW_ALICE, true);
    struct sock_addr to = SA6("2001:db8::2", 81);
    ck_assert_int_eq(sock_connect(ALICE(w), c, &to), -ERR_INPROGRESS);
    settle(w);
    hw_enter(w);
    int64_t e = 0;
    ck_assert_int_eq(sock_getsockopt(ALICE(w), c, SOCK_OPT_ERROR, &e), 0);
    ck_assert_int_eq(e, ERR_CONNREFUSED);
    ck_assert_uint_eq(BOB(w)->tcp.stats.rst_tx, 1);
    ck_assert_uint_eq(ALICE(w)->tcp.stats.rst_rx, 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_BAD_CSUM), 0);
    v6_done(w);
}
END_TEST

/* What the view's sockets pane and its connection table read: an IPv6
 * socket and its TCB carry the family and the IPv6 addresses (no IPv4 ones),
 * the tcp6 listener on [::] is v6 with :: as its address, and an IPv4
 * connection its listener accepted is IPv4 marked mapped (::ffff:a.b.c.d)
 * [RFC 4291 2.5.5.2], while a plain AF_INET socket is neither. */
START_TEST(test_inspect_ipv6_and_mapped_sockets)
{
    struct hw_world *w = v6_world();
    int l = listener(w, true, false, 80);
    int c6 = sock6(w, HW_ALICE, true);
    struct sock_addr to = SA6("2001:db8::2", 80);
    ck_assert_int_eq(sock_connect(ALICE(w), c6, &to), -ERR_INPROGRESS);
    hw_enter(w);
    int c4 = sock_socket(ALICE(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to4 = { .addr = HW_BOB_ADDR, .port = 80 };
    ck_assert_int_eq(sock_connect(ALICE(w), c4, &to4), -ERR_INPROGRESS);
    settle(w);
    hw_enter(w);
    struct sock_addr peer;
    int a6 = sock_accept(BOB(w), l, &peer);
    ck_assert_int_eq(peer.family, SOCK_AF_INET6);
    int a4 = sock_accept(BOB(w), l, &peer);
    ck_assert_int_ge(a4, SOCK_FD_BASE);
    struct ip6_addr alice6 = A6("2001:db8::1"), bob6 = A6("2001:db8::2"), any6 = A6("::");

    struct inspect_socket is;
    ck_assert(inspect_socket(BOB(w), l, &is));
    ck_assert(is.v6 && !is.mapped);
    ck_assert(ip6_addr_eq(&is.laddr6, &any6));
    ck_assert_uint_eq(is.lport, 80);
    ck_assert_str_eq(is.state, "LISTEN");

    /* the socket names its peer; its local address, chosen by the route,
     * is the TCB's (as over IPv4) */
    ck_assert(inspect_socket(ALICE(w), c6, &is));
    ck_assert(is.v6 && !is.mapped);
    ck_assert(ip6_addr_eq(&is.faddr6, &bob6));
    ck_assert_uint_eq(is.laddr, 0);
    ck_assert_uint_eq(is.faddr, 0);
    ck_assert_uint_eq(is.fport, 80);
    struct inspect_tcb t;
    ck_assert(inspect_tcb(ALICE(w), c6, &t));
    ck_assert(t.v6 && !t.mapped);
    ck_assert(ip6_addr_eq(&t.laddr6, &alice6));
    ck_assert(ip6_addr_eq(&t.faddr6, &bob6));

    ck_assert(inspect_tcb(BOB(w), a6, &t));
    ck_assert(t.v6 && !t.mapped);
    ck_assert(ip6_addr_eq(&t.laddr6, &bob6));
    ck_assert(ip6_addr_eq(&t.faddr6, &alice6));

    ck_assert(inspect_socket(BOB(w), a4, &is));
    ck_assert(!is.v6 && is.mapped);
    ck_assert_uint_eq(is.laddr, HW_BOB_ADDR);
    ck_assert_uint_eq(is.faddr, HW_ALICE_ADDR);
    ck_assert(inspect_tcb(BOB(w), a4, &t));
    ck_assert(!t.v6 && t.mapped);
    ck_assert_uint_eq(t.faddr, HW_ALICE_ADDR);

    ck_assert(inspect_socket(ALICE(w), c4, &is));
    ck_assert(!is.v6 && !is.mapped);
    ck_assert_uint_eq(is.faddr, HW_BOB_ADDR);
    ck_assert(inspect_tcb(ALICE(w), c4, &t));
    ck_assert(!t.v6 && !t.mapped);
    v6_done(w);
}
END_TEST

static Suite *
tcp6_suite(void)
{
    Suite *s = suite_create("tcp6");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, test_pseudo_header_checksums);
    tcase_add_test(tc, test_mapped_address_helpers);
    tcase_add_test(tc, test_describe_transport_over_ipv6);
    suite_add_tcase(s, tc);
    tc = tcase_create("sockets");
    tcase_add_test(tc, test_udp6_roundtrip_and_zero_checksum);
    tcase_add_test(tc, test_tcp6_connection_mss_and_data);
    tcase_add_test(tc, test_dual_stack_listener_sees_mapped_peer);
    tcase_add_test(tc, test_v6only_listener_refuses_ipv4);
    tcase_add_test(tc, test_ports_shared_by_both_families);
    tcase_add_test(tc, test_family_errors);
    tcase_add_test(tc, test_mapped_connect_goes_over_ipv4);
    tcase_add_test(tc, test_packet_too_big_lowers_mss_when_in_flight);
    tcase_add_test(tc, test_udp6_port_unreachable_refuses_connected_socket);
    tcase_add_test(tc, test_syn_cookie_over_ipv6);
    tcase_add_test(tc, test_closed_port_answers_rst_over_ipv6);
    tcase_add_test(tc, test_inspect_ipv6_and_mapped_sockets);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp6_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
