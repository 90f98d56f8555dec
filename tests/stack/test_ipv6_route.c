/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ipv6_route.c - IPv6 routes and forwarding [RFC 8200 3, RFC 4443 3],
 * the path MTU cache [RFC 8201], fragmentation at the source and
 * reassembly [RFC 8200 4.5], overlapping fragments [RFC 5722].
 *
 * alice is 2001:db8::1/64 on eth0. bob is a router: 2001:db8::2/64 on eth0
 * (alice's link) and 2001:db8:2::fe/64 on eth1, a recording port where
 * carol (2001:db8:2::3) answers neighbour solicitations when a test says so.
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
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv6.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define SEC      (1000ull * 1000 * 1000)

static const uint8_t mac_bob1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t mac_carol[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x01 };

static struct ip6_addr
A6(const char *s)
{
    struct ip6_addr a;
    ck_assert_msg(ip6_addr_parse(s, &a), "bad test address %s", s);
    return a;
}

/* alice and bob dual-stack; bob a router with eth1 (mtu) on the port;
 * alice's default route via bob. */
static struct hw_world *
routed_world_tentative(struct hw_port *port, unsigned eth1_mtu)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct host *a = ALICE(w), *b = BOB(w);
    b->forwarding = true;
    struct iface *eth1 = host_add_iface(b, "eth1", mac_bob1, 0, 0, eth1_mtu, &hw_port_ops, port);
    ck_assert_ptr_nonnull(eth1);
    host_iface_up(b, eth1, false);
    struct ip6_addr aa = A6("2001:db8::1"), ba = A6("2001:db8::2"), b1 = A6("2001:db8:2::fe");
    ck_assert_int_eq(ipv6_addr_add(a, &a->ifaces[0], &aa, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(b, &b->ifaces[0], &ba, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(b, eth1, &b1, 64), 0);
    struct ip6_addr any = A6("::");
    ck_assert_int_eq(route6_add(a, &any, 0, &ba, NULL), 0);
    return w;
}

static struct hw_world *
routed_world(struct hw_port *port, unsigned eth1_mtu)
{
    struct hw_world *w = routed_world_tentative(port, eth1_mtu);
    struct host *a = ALICE(w), *b = BOB(w);
    struct ip6_addr aa = A6("2001:db8::1"), b1 = A6("2001:db8:2::fe");
    struct iface *eth1 = &b->ifaces[1];
    /* Every address, a router's too, is tentative until duplicate address
     * detection passes [RFC 4862 5.4]: at most 1 s of random delay, then
     * RetransTimer. Let it pass, and forget what DAD sent on the port. */
    for (int i = 0; i < 3; i++) {
        hw_advance(w, SEC);
        hw_deliver(w);
    }
    ck_assert(ipv6_is_mine(a, &a->ifaces[0], &aa));
    ck_assert(ipv6_is_mine(b, eth1, &b1));
    struct pkt *p;
    while ((p = pkt_queue_pop(&port->out)) != NULL)
        pkt_free(p);
    return w;
}

static void
done(struct hw_world *w)
{
    hw_destroy(w);
    free(w);
}

static void
echo(struct hw_world *w, const char *dst, uint16_t seq, size_t len, uint8_t hlim)
{
    hw_enter(w);
    struct ip6_addr d = A6(dst);
    uint8_t *data = calloc(1, len + 1);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)i;
    ck_assert_int_eq(icmp6_echo_send(ALICE(w), &d, 77, seq, data, len, hlim), 0);
    free(data);
}

/* A frame: Ethernet, IPv6 (src, dst, hop limit, next header), payload. */
static size_t
frame6(uint8_t *f, const uint8_t dmac[ETH_ALEN], const uint8_t smac[ETH_ALEN],
       const struct ip6_addr *src, const struct ip6_addr *dst, uint8_t hlim, uint8_t nh,
       const uint8_t *payload, size_t len)
{
    memcpy(f, dmac, ETH_ALEN);
    memcpy(f + 6, smac, ETH_ALEN);
    be16_put(f + 12, ETHERTYPE_IPV6);
    struct ipv6_hdr h = { .payload_len = (uint16_t)len, .next_header = nh, .hop_limit = hlim,
                          .src = *src, .dst = *dst };
    ipv6_emit(&h, f + 14);
    memcpy(f + 54, payload, len);
    size_t n = 54 + len;
    if (n < ETH_MIN_FRAME) {
        memset(f + n, 0, ETH_MIN_FRAME - n);
        n = ETH_MIN_FRAME;
    }
    return n;
}

/* An ICMPv6 message (checksum filled) from src to dst. */
static size_t
icmp_frame(uint8_t *f, const uint8_t dmac[ETH_ALEN], const uint8_t smac[ETH_ALEN],
           const struct ip6_addr *src, const struct ip6_addr *dst, uint8_t hlim, uint8_t *m,
           size_t len)
{
    be16_put(m + 2, 0);
    uint32_t s = csum_pseudo_ipv6(src, dst, (uint32_t)len, IPV6_NH_ICMPV6);
    be16_put(m + 2, csum_finish(csum_add(s, m, len)));
    return frame6(f, dmac, smac, src, dst, hlim, IPV6_NH_ICMPV6, m, len);
}

/* carol answers the solicitation bob sent on the port. */
static void
carol_answers(struct hw_world *w, struct hw_port *port)
{
    struct pkt *ns = pkt_queue_pop(&port->out);
    ck_assert_ptr_nonnull(ns);
    ck_assert_uint_eq(ns->data[14 + 40], ND_NEIGHBOR_SOLICIT);
    pkt_free(ns);
    struct ip6_addr carol = A6("2001:db8:2::3"), b1 = A6("2001:db8:2::fe");
    uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x60, 0, 0, 0 };
    memcpy(na + 8, carol.b, 16);
    na[24] = ND_OPT_TLLA;
    na[25] = 1;
    memcpy(na + 26, mac_carol, ETH_ALEN);
    uint8_t f[128];
    size_t n = icmp_frame(f, mac_bob1, mac_carol, &carol, &b1, 255, na, sizeof na);
    hw_inject_on(w, HW_BOB, 1, f, n);
}

/* alice and bob know each other's MACs (a ping both ways), so what bob
 * sends alice goes out at once. */
static void
resolve(struct hw_world *w)
{
    echo(w, "2001:db8::2", 99, 8, 0);
    hw_deliver(w);
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 77, 99, &m));
}

/* The first ICMPv6 message of `type` host `from` sent (others it sent
 * before are thrown away), or NULL. */
static struct pkt *
take_icmp6(struct hw_world *w, int from, uint8_t type)
{
    struct pkt *p;
    while ((p = hw_take(w, from)) != NULL) {
        if (p->len > 14 + 40 && p->data[14 + 6] == IPV6_NH_ICMPV6 && p->data[14 + 40] == type)
            return p;
        pkt_free(p);
    }
    return NULL;
}

/* --- routes -------------------------------------------------------------- */

/* Where a packet goes does not wait for DAD: while alice's address is
 * tentative the route and the path MTU are known, only a source is not
 * (the merged next-hop code once refused the route itself, so the path MTU
 * fell to 1280 and a router with tentative addresses forwarded nothing). */
START_TEST(test_route_known_while_addresses_tentative)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world_tentative(&port, 1500);
    struct host *a = ALICE(w);
    struct ip6_addr far = A6("2001:db8:77::1"), bob = A6("2001:db8::2"), src, nh;
    struct iface *ifc = NULL;
    struct ip6_addr aa = A6("2001:db8::1");
    ck_assert(addr6_tentative(a, &a->ifaces[0], &aa));
    ck_assert_int_eq(ipv6_next_hop(a, &far, &ifc, &src, &nh), 0);
    ck_assert_ptr_eq(ifc, &a->ifaces[0]);
    ck_assert(ip6_addr_eq(&nh, &bob));
    ck_assert(ip6_addr_is_unspecified(&src));
    ck_assert_uint_eq(ipv6_path_mtu(a, &far), 1500);
    /* [RFC 4862 5.4] but nothing may be sent from a tentative address. */
    ck_assert_int_eq(ipv6_select(a, &far, &ifc, &src), -ERR_ADDRNOTAVAIL);
    ck_assert_int_eq(ipv6_select(a, &bob, &ifc, &src), -ERR_ADDRNOTAVAIL);
    struct pkt *p;
    while ((p = pkt_queue_pop(&port.out)) != NULL)
        pkt_free(p);
    done(w);
}
END_TEST

START_TEST(test_route6_longest_prefix_and_listing)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    struct host *a = ALICE(w);
    struct ip6_addr p48 = A6("2001:db8:5::"), p64 = A6("2001:db8:5:1::"), gw = A6("2001:db8::7");
    struct ip6_addr ll = A6("fe80::1"), off = A6("2001:db8:9::1"), dst = A6("2001:db8:5:1::9");
    ck_assert_int_eq(route6_add(a, &p48, 48, &gw, NULL), 0);
    ck_assert_int_eq(route6_add(a, &p64, 64, NULL, &a->ifaces[0]), 0);
    ck_assert_int_eq(route6_add(a, &p64, 64, NULL, &a->ifaces[0]), -ERR_EXIST);
    /* A link-local gateway means nothing without its link [RFC 4007 6]. */
    ck_assert_int_eq(route6_add(a, &p48, 56, &ll, NULL), -ERR_INVAL);
    /* A global gateway must be on an on-link prefix. */
    ck_assert_int_eq(route6_add(a, &p48, 56, &off, NULL), -ERR_NETUNREACH);
    struct iface *ifc;
    struct ip6_addr src, nh;
    /* The /64 (on-link) beats the /48 (via 2001:db8::7) beats the default. */
    ck_assert_int_eq(ipv6_next_hop(a, &dst, &ifc, &src, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, &dst));
    struct ip6_addr d48 = A6("2001:db8:5:2::9");
    ck_assert_int_eq(ipv6_next_hop(a, &d48, &ifc, &src, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, &gw));
    struct ip6_addr far = A6("2001:db8:77::1"), bob = A6("2001:db8::2");
    ck_assert_int_eq(ipv6_next_hop(a, &far, &ifc, &src, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, &bob));
    struct ip6_addr me = A6("2001:db8::1");
    ck_assert(ip6_addr_eq(&src, &me));
    /* The connected /64 wins over a static route of the same length. */
    struct ip6_addr own = A6("2001:db8::"), peer = A6("2001:db8::5");
    ck_assert_int_eq(route6_add(a, &own, 64, &gw, NULL), 0);
    ck_assert_int_eq(ipv6_next_hop(a, &peer, &ifc, &src, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, &peer));
    ck_assert_int_eq(route6_del(a, &own, 64), 0);
    ck_assert_int_eq(route6_del(a, &own, 64), -ERR_NOENT);
    char buf[1024];
    route6_table_format(a, buf, sizeof buf);
    ck_assert_str_eq(buf, "2001:db8::/64 dev eth0 proto kernel metric 256 pref medium\n"
                          "2001:db8:5::/48 via 2001:db8::7 dev eth0 metric 1024 pref medium\n"
                          "2001:db8:5:1::/64 dev eth0 metric 1024 pref medium\n"
                          "fe80::/64 dev eth0 proto kernel metric 256 pref medium\n"
                          "default via 2001:db8::2 dev eth0 metric 1024 pref medium\n");
    /* Cut short, it still says how long the whole would be, and ends. */
    int whole = (int)strlen(buf);
    char small[24];
    ck_assert_int_eq(route6_table_format(a, small, sizeof small), whole);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    char exact[59];  /* the first line (58 bytes) and its newline: no room for the NUL */
    ck_assert_int_eq(route6_table_format(a, exact, sizeof exact), whole);
    ck_assert_uint_eq(strlen(exact), sizeof exact - 1);
    done(w);
}
END_TEST

/* --- forwarding ---------------------------------------------------------- */

START_TEST(test_forward_decrements_hop_limit)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    echo(w, "2001:db8:2::3", 1, 8, 0);
    hw_deliver(w);
    carol_answers(w, &port);
    struct pkt *f = pkt_queue_pop(&port.out);
    ck_assert_ptr_nonnull(f);
    const uint8_t *ip = f->data + 14;
    ck_assert_mem_eq(f->data, mac_carol, ETH_ALEN);
    ck_assert_uint_eq(ip[7], IPV6_DEFAULT_HLIM - 1);
    struct ip6_addr src, alice = A6("2001:db8::1");
    memcpy(src.b, ip + 8, 16);
    ck_assert(ip6_addr_eq(&src, &alice));
    ck_assert_uint_eq(ip[40], ICMP6_ECHO_REQUEST);
    ck_assert_uint_eq(BOB(w)->ip6->stats.forwarded, 1);
    pkt_free(f);
    done(w);
}
END_TEST

/* The error alice's ping keeps for (77, seq). */
static struct icmp6_echo_msg
answer(struct hw_world *w, uint16_t seq)
{
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 77, seq, &m));
    return m;
}

START_TEST(test_hop_limit_one_is_time_exceeded)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    echo(w, "2001:db8:2::3", 1, 8, 1);
    hw_deliver(w);
    struct icmp6_echo_msg m = answer(w, 1);
    ck_assert_uint_eq(m.type, ICMP6_TIME_EXCEEDED);
    ck_assert_uint_eq(m.code, 0);
    struct ip6_addr bob = A6("2001:db8::2");
    ck_assert(ip6_addr_eq(&m.from, &bob));
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_HOP_LIMIT), 1);
    ck_assert_ptr_null(port.out.first);  /* nothing went on */
    done(w);
}
END_TEST

START_TEST(test_no_route_is_destination_unreachable)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    echo(w, "2001:db8:99::1", 1, 8, 0);
    hw_deliver(w);
    struct icmp6_echo_msg m = answer(w, 1);
    ck_assert_uint_eq(m.type, ICMP6_DST_UNREACH);
    ck_assert_uint_eq(m.code, ICMP6_UNREACH_NOROUTE);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_NO_ROUTE), 1);
    done(w);
}
END_TEST

START_TEST(test_linklocal_source_never_forwarded)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    resolve(w);
    hw_enter(w);
    uint8_t req[16] = { ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 77, 0, 1 };
    struct ip6_addr ll = *ipv6_linklocal(ALICE(w), &ALICE(w)->ifaces[0]);
    struct ip6_addr carol = A6("2001:db8:2::3");
    uint8_t f[128];
    size_t n = icmp_frame(f, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ll, &carol, 64,
                          req, sizeof req);
    hw_inject(w, HW_BOB, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_LINKLOCAL_FWD), 1);
    ck_assert_ptr_null(port.out.first);
    /* [RFC 4443 3.1] the sender hears "beyond scope of source address". */
    hw_deliver(w);
    struct icmp6_echo_msg m = answer(w, 1);
    ck_assert_uint_eq(m.type, ICMP6_DST_UNREACH);
    ck_assert_uint_eq(m.code, ICMP6_UNREACH_BEYOND_SCOPE);
    done(w);
}
END_TEST

START_TEST(test_too_big_for_next_link_then_source_fragments)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1280);
    struct ip6_addr carol = A6("2001:db8:2::3");
    ck_assert_uint_eq(ipv6_path_mtu(ALICE(w), &carol), 1500);
    echo(w, "2001:db8:2::3", 1, 1400, 0);
    hw_deliver(w);
    /* bob never fragments: packet too big with the next link's MTU. */
    struct icmp6_echo_msg m = answer(w, 1);
    ck_assert_uint_eq(m.type, ICMP6_PACKET_TOO_BIG);
    ck_assert_uint_eq(m.param, 1280);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_TOO_BIG_FWD), 1);
    ck_assert_ptr_null(port.out.first);
    ck_assert_uint_eq(ipv6_path_mtu(ALICE(w), &carol), 1280);
    /* Now alice fragments at the source; each fragment fits 1280. */
    echo(w, "2001:db8:2::3", 2, 1400, 0);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 2);
    uint32_t id = 0;
    size_t data = 0;
    for (int k = 0; k < 2; k++) {
        struct pkt *f = hw_take(w, HW_ALICE);
        const uint8_t *ip = f->data + 14;
        ck_assert_uint_le(f->len - 14, 1280);
        ck_assert_uint_eq(ip[6], IPV6_NH_FRAGMENT);
        ck_assert_uint_eq(ip[40], IPV6_NH_ICMPV6);
        uint16_t fo = be16_get(ip + 42);
        ck_assert_uint_eq(fo & 0xfff8, data);
        ck_assert_uint_eq(fo & 1, k == 0 ? 1 : 0);
        if (k == 0) {
            id = be32_get(ip + 44);
            ck_assert_uint_eq((be16_get(ip + 4) - 8) % 8, 0);
        }
        ck_assert_uint_eq(be32_get(ip + 44), id);
        data += be16_get(ip + 4) - 8u;
        pkt_free(f);
    }
    ck_assert_uint_eq(data, 1408);
    ck_assert_uint_eq(ALICE(w)->ip6->stats.frag_created, 2);
    /* [RFC 7739 5.3.3] the next packet to the same place: the next id. */
    echo(w, "2001:db8:2::3", 3, 1400, 0);
    struct pkt *f = hw_take(w, HW_ALICE);
    ck_assert_uint_eq(be32_get(f->data + 14 + 44), id + 1);
    pkt_free(f);
    done(w);
}
END_TEST

/* --- the path MTU cache [RFC 8201] ---------------------------------------- */

START_TEST(test_pmtu_floor_and_aging)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    struct host *a = ALICE(w);
    struct ip6_addr carol = A6("2001:db8:2::3");
    hw_enter(w);
    ipv6_pmtu_learn(a, &carol, 1000);  /* below 1280: ignored [RFC 8201 4] */
    ck_assert_uint_eq(ipv6_path_mtu(a, &carol), 1500);
    ipv6_pmtu_learn(a, &carol, 1400);
    ck_assert_uint_eq(ipv6_path_mtu(a, &carol), 1400);
    ipv6_pmtu_learn(a, &carol, 1450);  /* never raised by a packet too big */
    ck_assert_uint_eq(ipv6_path_mtu(a, &carol), 1400);
    ck_assert_uint_eq(ipv6_next_deadline(a) <= a->now_ns + IP6_PMTU_AGE_NS, true);
    hw_advance(w, IP6_PMTU_AGE_NS - SEC);
    ck_assert_uint_eq(ipv6_path_mtu(a, &carol), 1400);
    hw_advance(w, SEC);
    /* [RFC 8201 5.3] ten minutes on, the link MTU is tried again. */
    ck_assert_uint_eq(ipv6_path_mtu(a, &carol), 1500);
    done(w);
}
END_TEST

/* --- reassembly [RFC 8200 4.5] -------------------------------------------- */

/* A fragment from alice to bob: offset (bytes), M, id, of an ICMPv6 echo
 * request whose whole body is `body` (checksummed over all of it). */
static void
send_frag(struct hw_world *w, const uint8_t *body, size_t off, size_t len, bool more,
          uint32_t id)
{
    struct ip6_addr a = A6("2001:db8::1"), b = A6("2001:db8::2");
    uint8_t pl[1600];
    pl[0] = IPV6_NH_ICMPV6;
    pl[1] = 0;
    be16_put(pl + 2, (uint16_t)(off | (more ? 1 : 0)));
    be32_put(pl + 4, id);
    memcpy(pl + 8, body + off, len);
    uint8_t f[1700];
    size_t n = frame6(f, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &a, &b, 64,
                      IPV6_NH_FRAGMENT, pl, 8 + len);
    hw_inject(w, HW_BOB, f, n);
}

static void
echo_body(uint8_t *m, size_t len)
{
    struct ip6_addr a = A6("2001:db8::1"), b = A6("2001:db8::2");
    memset(m, 0, len);
    m[0] = ICMP6_ECHO_REQUEST;
    be16_put(m + 4, 77);
    be16_put(m + 6, 9);
    for (size_t i = 8; i < len; i++)
        m[i] = (uint8_t)i;
    uint32_t s = csum_pseudo_ipv6(&a, &b, (uint32_t)len, IPV6_NH_ICMPV6);
    be16_put(m + 2, csum_finish(csum_add(s, m, len)));
}

START_TEST(test_reassembly_in_any_order)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    resolve(w);
    uint8_t body[64];
    echo_body(body, sizeof body);
    send_frag(w, body, 48, 16, false, 0x1234);
    send_frag(w, body, 0, 24, true, 0x1234);
    ck_assert_uint_eq(BOB(w)->ip6->stats.reasm_ok, 0);
    send_frag(w, body, 24, 24, true, 0x1234);
    ck_assert_uint_eq(BOB(w)->ip6->stats.reasm_ok, 1);
    /* One echo request more than resolve()'s reached ICMPv6, and was answered. */
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_rx_type[ICMP6_ECHO_REQUEST], 2);
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ICMP6_ECHO_REPLY], 2);
    done(w);
}
END_TEST

START_TEST(test_overlap_drops_the_whole_packet)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    resolve(w);
    uint8_t body[64];
    echo_body(body, sizeof body);
    send_frag(w, body, 0, 24, true, 7);
    send_frag(w, body, 16, 24, true, 7);  /* bytes 16..24 again */
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_FRAG_OVERLAP), 2);
    /* [RFC 5722 4] the fragments still to come are dropped too, and the
     * packet is never delivered, and no error is sent. */
    send_frag(w, body, 40, 24, false, 7);
    send_frag(w, body, 24, 16, true, 7);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_FRAG_DEAD), 2);
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_rx_type[ICMP6_ECHO_REQUEST], 1);  /* resolve()'s */
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ICMP6_PARAM_PROB], 0);
    done(w);
}
END_TEST

START_TEST(test_fragment_length_not_multiple_of_8)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    resolve(w);
    uint8_t body[64];
    echo_body(body, sizeof body);
    send_frag(w, body, 0, 20, true, 8);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_FRAG_BAD_LEN), 1);
    /* Parameter problem, code 0, pointing at the payload length (4). */
    struct pkt *e = take_icmp6(w, HW_BOB, ICMP6_PARAM_PROB);
    ck_assert_ptr_nonnull(e);
    const uint8_t *m = e->data + 14 + 40;
    ck_assert_uint_eq(m[1], 0);
    ck_assert_uint_eq(be32_get(m + 4), 4);
    pkt_free(e);
    done(w);
}
END_TEST

START_TEST(test_reassembly_timeout)
{
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    resolve(w);
    uint8_t body[64];
    echo_body(body, sizeof body);
    /* Only a later fragment: after 60 s it goes, and no error (the first
     * never came). */
    send_frag(w, body, 24, 24, true, 1);
    hw_advance(w, IP6_REASM_TIMEOUT_NS - 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_FRAG_TIMEOUT), 0);
    hw_advance(w, 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_FRAG_TIMEOUT), 1);
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ICMP6_TIME_EXCEEDED], 0);
    /* The first fragment only: time exceeded, code 1, quoting it. */
    send_frag(w, body, 0, 24, true, 2);
    hw_advance(w, IP6_REASM_TIMEOUT_NS);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_FRAG_TIMEOUT), 2);
    struct pkt *e = take_icmp6(w, HW_BOB, ICMP6_TIME_EXCEEDED);
    ck_assert_ptr_nonnull(e);
    const uint8_t *m = e->data + 14 + 40;
    ck_assert_uint_eq(m[1], ICMP6_TIMEEX_REASSEMBLY);
    ck_assert_uint_eq(be32_get(m + 8 + 40 + 4), 2);  /* the quoted fragment's id */
    pkt_free(e);
    done(w);
}
END_TEST

START_TEST(test_fragmented_echo_round_trip)
{
    /* alice -> bob on-link with a 1280 path MTU; bob answers 3008 bytes of
     * ICMPv6 on his 1500 link: both sides fragment, both reassemble. */
    struct hw_port port = { 0 };
    struct hw_world *w = routed_world(&port, 1500);
    struct ip6_addr bob = A6("2001:db8::2");
    hw_enter(w);
    ipv6_pmtu_learn(ALICE(w), &bob, 1280);
    echo(w, "2001:db8::2", 5, 3000, 0);
    hw_deliver(w);
    struct icmp6_echo_msg m = answer(w, 5);
    ck_assert_uint_eq(m.type, ICMP6_ECHO_REPLY);
    ck_assert_uint_eq(m.len, 3008);
    ck_assert_uint_eq(ALICE(w)->ip6->stats.frag_created, 3);  /* 1232 + 1232 + 544 */
    ck_assert_uint_eq(BOB(w)->ip6->stats.frag_created, 3);    /* 1448 + 1448 + 112 */
    ck_assert_uint_eq(BOB(w)->ip6->stats.reasm_ok, 1);
    ck_assert_uint_eq(ALICE(w)->ip6->stats.reasm_ok, 1);
    done(w);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("ipv6_route");
    TCase *tc = tcase_create("route");
    tcase_add_test(tc, test_route_known_while_addresses_tentative);
    tcase_add_test(tc, test_route6_longest_prefix_and_listing);
    tcase_add_test(tc, test_forward_decrements_hop_limit);
    tcase_add_test(tc, test_hop_limit_one_is_time_exceeded);
    tcase_add_test(tc, test_no_route_is_destination_unreachable);
    tcase_add_test(tc, test_linklocal_source_never_forwarded);
    tcase_add_test(tc, test_too_big_for_next_link_then_source_fragments);
    tcase_add_test(tc, test_pmtu_floor_and_aging);
    suite_add_tcase(s, tc);
    tc = tcase_create("frag");
    tcase_add_test(tc, test_reassembly_in_any_order);
    tcase_add_test(tc, test_overlap_drops_the_whole_packet);
    tcase_add_test(tc, test_fragment_length_not_multiple_of_8);
    tcase_add_test(tc, test_reassembly_timeout);
    tcase_add_test(tc, test_fragmented_echo_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
