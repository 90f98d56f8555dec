/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ipv6_tentative.c - nothing leaves a host from a tentative address
 * [RFC 4862 5.4]: a router in its first seconds, while duplicate address
 * detection still runs, sends no neighbour solicitation from its tentative
 * link-local [RFC 4861 7.2.2] (the packet it forwards waits, and goes once
 * DAD has ended, as Linux does), no echo reply and no ICMPv6 error; DAD's
 * own solicitations from :: are the only exception.
 *
 * alice is 2001:db8::1/64 on eth0. bob is a router: 2001:db8::2/64 on eth0
 * (alice's link) and 2001:db8:2::fe/64 on eth1, a recording port where
 * carol (2001:db8:2::3) answers bob's solicitations when the test does.
 * dave (2001:db8::7) is a node on alice's link that is no netstep host: its
 * frames are injected. Every test starts at time 0, when every address is
 * tentative.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/addr6.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/route6.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv6.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define MS       (1000ull * 1000)
#define SEC      (1000ull * MS)

static const uint8_t mac_bob1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t mac_carol[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x01 };
static const uint8_t mac_dave[ETH_ALEN] = { 0x02, 0, 0, 0, 0x01, 0x07 };

static struct ip6_addr
A6(const char *s)
{
    struct ip6_addr a;
    ck_assert_msg(ip6_addr_parse(s, &a), "bad test address %s", s);
    return a;
}

/* alice and bob as above, at time 0: nothing has passed DAD yet. */
static struct hw_world *
tentative_world(struct hw_port *port)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct host *a = ALICE(w), *b = BOB(w);
    b->forwarding = true;
    struct iface *eth1 = host_add_iface(b, "eth1", mac_bob1, 0, 0, 1500, &hw_port_ops, port);
    ck_assert_ptr_nonnull(eth1);
    host_iface_up(b, eth1, false);
    struct ip6_addr aa = A6("2001:db8::1"), ba = A6("2001:db8::2"), b1 = A6("2001:db8:2::fe");
    ck_assert_int_eq(ipv6_addr_add(a, &a->ifaces[0], &aa, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(b, &b->ifaces[0], &ba, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(b, eth1, &b1, 64), 0);
    /* The premise of every test here: bob holds no address yet. */
    ck_assert(addr6_tentative(b, eth1, ipv6_linklocal(b, eth1)));
    ck_assert(addr6_tentative(b, &b->ifaces[0], ipv6_linklocal(b, &b->ifaces[0])));
    ck_assert(addr6_tentative(b, &b->ifaces[0], &ba));
    ck_assert(addr6_tentative(b, eth1, &b1));
    return w;
}

static void
done(struct hw_world *w, struct hw_port *port)
{
    struct pkt *p;
    while ((p = pkt_queue_pop(&port->out)) != NULL)
        pkt_free(p);
    hw_destroy(w);
    free(w);
}

/* An ICMPv6 message m (checksum filled here) from src to dst in a frame. */
static size_t
icmp_frame(uint8_t *f, const uint8_t dmac[ETH_ALEN], const uint8_t smac[ETH_ALEN],
           const struct ip6_addr *src, const struct ip6_addr *dst, uint8_t hlim, uint8_t *m,
           size_t len)
{
    be16_put(m + 2, 0);
    uint32_t s = csum_pseudo_ipv6(src, dst, (uint32_t)len, IPV6_NH_ICMPV6);
    be16_put(m + 2, csum_finish(csum_add(s, m, len)));
    memcpy(f, dmac, ETH_ALEN);
    memcpy(f + 6, smac, ETH_ALEN);
    be16_put(f + 12, ETHERTYPE_IPV6);
    struct ipv6_hdr h = { .payload_len = (uint16_t)len, .next_header = IPV6_NH_ICMPV6,
                          .hop_limit = hlim, .src = *src, .dst = *dst };
    ipv6_emit(&h, f + 14);
    memcpy(f + 54, m, len);
    size_t n = 54 + len;
    if (n < ETH_MIN_FRAME) {
        memset(f + n, 0, ETH_MIN_FRAME - n);
        n = ETH_MIN_FRAME;
    }
    return n;
}

/* dave sends bob (eth0) an echo request for dst with hop limit hlim. */
static void
dave_pings(struct hw_world *w, const char *src, const char *dst, const uint8_t dmac[ETH_ALEN],
           uint8_t hlim, uint16_t seq)
{
    struct ip6_addr s = A6(src), d = A6(dst);
    uint8_t m[16] = { ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 42, 0, 0, 'n', 'd', '1', '6' };
    be16_put(m + 6, seq);
    uint8_t f[128];
    size_t n = icmp_frame(f, dmac, mac_dave, &s, &d, hlim, m, sizeof m);
    hw_inject_on(w, HW_BOB, 0, f, n);
}

/* What bob sent on one interface since the last look. */
struct seen {
    unsigned ns_with_source;   /* neighbour solicitations not from :: */
    unsigned echo_replies;     /* echo replies */
    unsigned errors;           /* ICMPv6 errors (types below 128) */
    unsigned forwarded;        /* dave's echo requests, passed on */
    bool ns_for_carol;         /* a solicitation for carol */
    struct ip6_addr ns_src;    /* its source */
    struct ip6_addr reply_src; /* the last echo reply's source */
    struct ip6_addr error_src; /* the last error's source */
};

/* Take every frame bob sent on ifc (eth0: the harness queue; eth1: the
 * port) and check the rule under test: an IPv6 packet bob sends itself
 * (not dave's, passed on) comes from :: or from an address bob holds on
 * that interface now [RFC 4862 5.4]. */
static void
look(struct hw_world *w, struct hw_port *port, unsigned ifc, struct seen *s)
{
    struct host *b = BOB(w);
    struct iface *on = &b->ifaces[ifc];
    struct ip6_addr dave = A6("2001:db8::7"), carol = A6("2001:db8:2::3");
    for (;;) {
        struct pkt *p = ifc == 0 ? (hw_pending(w, HW_BOB) > 0 ? hw_take(w, HW_BOB) : NULL)
                                 : pkt_queue_pop(&port->out);
        if (p == NULL)
            break;
        struct ipv6_hdr h;
        if (p->len < 14 + IPV6_HDR_LEN || be16_get(p->data + 12) != ETHERTYPE_IPV6 ||
            ipv6_parse(p->data + 14, p->len - 14, &h) != DROP_NONE) {
            pkt_free(p);
            continue;
        }
        char sb[IPV6_ADDR_STRLEN];
        const uint8_t *m = p->data + 14 + IPV6_HDR_LEN;
        bool icmp = h.next_header == IPV6_NH_ICMPV6 && p->len >= 14 + IPV6_HDR_LEN + 8;
        bool passed_on = icmp && m[0] == ICMP6_ECHO_REQUEST && ip6_addr_eq(&h.src, &dave);
        ck_assert_msg(ip6_addr_is_unspecified(&h.src) || passed_on || addr6_usable(b, on, &h.src),
                      "at %llu ms bob sent ICMPv6 type %d on %s from %s, which it does not "
                      "hold yet", (unsigned long long)(w->now_ns / MS), icmp ? m[0] : -1,
                      on->name, ip6_addr_str(&h.src, sb));
        if (icmp && m[0] == ND_NEIGHBOR_SOLICIT && !ip6_addr_is_unspecified(&h.src)) {
            s->ns_with_source++;
            struct ip6_addr target;
            memcpy(target.b, m + 8, 16);
            if (ip6_addr_eq(&target, &carol)) {
                s->ns_for_carol = true;
                s->ns_src = h.src;
            }
        } else if (icmp && m[0] == ICMP6_ECHO_REPLY) {
            s->echo_replies++;
            s->reply_src = h.src;
        } else if (icmp && m[0] < 128) {
            s->errors++;
            s->error_src = h.src;
        } else if (passed_on) {
            s->forwarded++;
        }
        pkt_free(p);
    }
    /* alice's own frames (her DAD) are no part of these tests. */
    hw_lose(w, HW_ALICE);
}

/* carol answers bob's solicitation (to its source) from the port. */
static void
carol_answers(struct hw_world *w, const struct ip6_addr *to)
{
    struct ip6_addr carol = A6("2001:db8:2::3");
    uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x60, 0, 0, 0 };
    memcpy(na + 8, carol.b, 16);
    na[24] = ND_OPT_TLLA;
    na[25] = 1;
    memcpy(na + 26, mac_carol, ETH_ALEN);
    uint8_t f[128];
    size_t n = icmp_frame(f, mac_bob1, mac_carol, &carol, to, 255, na, sizeof na);
    hw_inject_on(w, HW_BOB, 1, f, n);
}

/* A router asked to forward at time 0, its link-local on the next link
 * still tentative: the solicitation waits for DAD (Linux's ndisc_send_ns
 * sends nothing without a non-tentative link-local), the attempt counts,
 * a later one goes from the link-local once it is bob's, carol answers,
 * and dave's packet is delivered. DAD ends at most 2 s after the start
 * (at most 1 s of delay, then RetransTimer), before the third and last
 * attempt at 2 s, so the packet always gets through. */
START_TEST(test_forward_waits_for_dad_then_delivers)
{
    struct hw_port port = { 0 };
    struct hw_world *w = tentative_world(&port);
    struct host *b = BOB(w);
    struct iface *eth1 = &b->ifaces[1];
    struct ip6_addr carol = A6("2001:db8:2::3");
    dave_pings(w, "2001:db8::7", "2001:db8:2::3", b->ifaces[0].mac, 64, 1);
    struct seen s0 = { 0 }, s1 = { 0 };
    look(w, &port, 0, &s0);
    look(w, &port, 1, &s1);
    ck_assert_uint_eq(s1.ns_with_source, 0);
    const struct nd6_entry *e = nd6_lookup(b, &carol);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->state, ND6_INCOMPLETE);
    ck_assert_uint_eq(e->n_pending, 1);
    uint64_t first_ns_at = 0;
    for (uint64_t t = 0; t < 4 * SEC && s1.forwarded == 0; t += 10 * MS) {
        hw_advance(w, 10 * MS);
        look(w, &port, 0, &s0);
        look(w, &port, 1, &s1);
        if (s1.ns_for_carol && first_ns_at == 0) {
            first_ns_at = w->now_ns;
            ck_assert(ip6_addr_eq(&s1.ns_src, ipv6_linklocal(b, eth1)));
            carol_answers(w, &s1.ns_src);
            look(w, &port, 1, &s1);
        }
    }
    /* The first attempt (at 0) was held back; a retry, on RetransTimer's
     * beat, went out. */
    ck_assert_msg(first_ns_at == 1 * SEC || first_ns_at == 2 * SEC,
                  "first solicitation at %llu ms", (unsigned long long)(first_ns_at / MS));
    ck_assert_uint_eq(s1.ns_with_source, 1);
    ck_assert_uint_eq(s1.forwarded, 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_UNRESOLVED), 0);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_NO_SOURCE), 0);
    ck_assert_uint_eq(s0.errors, 0);
    done(w, &port);
}
END_TEST

/* DAD that outlasts neighbour discovery's three attempts (four probes, as
 * DupAddrDetectTransmits 4 asks): not one solicitation goes out with a
 * source, the packet is dropped as unresolved after the third attempt's
 * RetransTimer [RFC 4861 7.3.3], and the address unreachable error about it
 * is not sent either: bob has no address to send it from (Linux's
 * icmp6_send finds no source and gives up). */
START_TEST(test_forward_unresolved_while_tentative_sends_nothing)
{
    struct hw_port port = { 0 };
    struct hw_world *w = tentative_world(&port);
    struct host *b = BOB(w);
    addr6_set_dad_transmits(b, 4);
    dave_pings(w, "2001:db8::7", "2001:db8:2::3", b->ifaces[0].mac, 64, 1);
    struct seen s0 = { 0 }, s1 = { 0 };
    for (uint64_t t = 0; t < 3500 * MS; t += 10 * MS) {
        look(w, &port, 0, &s0);
        look(w, &port, 1, &s1);
        hw_advance(w, 10 * MS);
    }
    look(w, &port, 0, &s0);
    look(w, &port, 1, &s1);
    ck_assert_uint_eq(s1.ns_with_source, 0);
    ck_assert_uint_eq(s1.forwarded, 0);
    ck_assert_uint_eq(s0.errors, 0);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_UNRESOLVED), 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_NO_SOURCE), 1);
    struct ip6_addr carol = A6("2001:db8:2::3");
    ck_assert_ptr_null(nd6_lookup(b, &carol));
    done(w, &port);
}
END_TEST

/* An echo request to all nodes, and a packet to forward whose hop limit
 * runs out, while every address of bob is tentative: no reply and no time
 * exceeded, each dropped as IPV6_NO_SOURCE. Once DAD has ended, the same
 * two get their answers, from bob's link-local and from 2001:db8::2. */
START_TEST(test_no_reply_or_error_from_tentative_addresses)
{
    struct hw_port port = { 0 };
    struct hw_world *w = tentative_world(&port);
    struct host *b = BOB(w);
    static const uint8_t all_nodes_mac[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };
    struct seen s0 = { 0 }, s1 = { 0 };
    dave_pings(w, "fe80::7", "ff02::1", all_nodes_mac, 64, 1);
    dave_pings(w, "2001:db8::7", "2001:db8:2::3", b->ifaces[0].mac, 1, 2);
    look(w, &port, 0, &s0);
    ck_assert_uint_eq(s0.echo_replies, 0);
    ck_assert_uint_eq(s0.errors, 0);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_NO_SOURCE), 2);
    /* At most 1 s of delay and RetransTimer: by 3 s every address is bob's. */
    for (int i = 0; i < 300; i++) {
        hw_advance(w, 10 * MS);
        look(w, &port, 0, &s0);
        look(w, &port, 1, &s1);
    }
    ck_assert(addr6_usable(b, &b->ifaces[0], ipv6_linklocal(b, &b->ifaces[0])));
    /* bob knows dave's MAC (as from a solicitation of dave's), so the
     * answers go at once instead of waiting for a solicitation that this
     * test, which only reads what bob sends, would leave unanswered. */
    struct ip6_addr dll = A6("fe80::7"), dg = A6("2001:db8::7");
    nd6_learn(b, &b->ifaces[0], &dll, mac_dave, false, NULL, "RFC 4861 7.2.3", "test");
    nd6_learn(b, &b->ifaces[0], &dg, mac_dave, false, NULL, "RFC 4861 7.2.3", "test");
    dave_pings(w, "fe80::7", "ff02::1", all_nodes_mac, 64, 3);
    dave_pings(w, "2001:db8::7", "2001:db8:2::3", b->ifaces[0].mac, 1, 4);
    look(w, &port, 0, &s0);
    ck_assert_uint_eq(s0.echo_replies, 1);
    ck_assert(ip6_addr_eq(&s0.reply_src, ipv6_linklocal(b, &b->ifaces[0])));
    ck_assert_uint_eq(s0.errors, 1);
    struct ip6_addr ba = A6("2001:db8::2");
    ck_assert(ip6_addr_eq(&s0.error_src, &ba));
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_NO_SOURCE), 2);
    done(w, &port);
}
END_TEST

/* A UDP datagram over IPv6 while alice's addresses are tentative: sendto()
 * fails with EADDRNOTAVAIL, as Linux's does (it once said ENETUNREACH,
 * which means no route); a destination no route holds is ENETUNREACH; once
 * DAD has ended the same sendto() goes, from 2001:db8::1. */
START_TEST(test_udp6_sendto_while_tentative_is_eaddrnotavail)
{
    struct hw_port port = { 0 };
    struct hw_world *w = tentative_world(&port);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET6, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, 0);
    struct sock_addr to = { .port = 7, .family = SOCK_AF_INET6, .addr6 = A6("2001:db8::2") };
    struct sock_addr far = { .port = 7, .family = SOCK_AF_INET6, .addr6 = A6("2001:db8:99::1") };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"x", 1, &to), -ERR_ADDRNOTAVAIL);
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"x", 1, &far), -ERR_NETUNREACH);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    for (int i = 0; i < 300; i++)
        hw_advance(w, 10 * MS);
    hw_lose(w, HW_ALICE);
    hw_enter(w);
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"x", 1, &to), 1);
    struct pkt *p = hw_take(w, HW_ALICE);  /* the solicitation for bob, from 2001:db8::1 */
    struct ipv6_hdr h;
    ck_assert_int_eq(ipv6_parse(p->data + 14, p->len - 14, &h), DROP_NONE);
    struct ip6_addr mine = A6("2001:db8::1");
    ck_assert(ip6_addr_eq(&h.src, &mine));
    pkt_free(p);
    hw_lose(w, HW_ALICE);
    ck_assert_int_eq(sock_close(a, fd), 0);
    done(w, &port);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("ipv6_tentative");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_forward_waits_for_dad_then_delivers);
    tcase_add_test(tc, test_forward_unresolved_while_tentative_sends_nothing);
    tcase_add_test(tc, test_no_reply_or_error_from_tentative_addresses);
    tcase_add_test(tc, test_udp6_sendto_while_tentative_is_eaddrnotavail);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
