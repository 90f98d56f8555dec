/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_router.c - routers and the hosts behind them: longest-prefix match
 * edge cases [RFC 1812 5.2.4.3], the `ip route` listing, no forwarding of
 * broadcasts [RFC 1812 5.3.4], host unreachable when ARP gives up on a
 * forwarded datagram [RFC 1812 5.2.7.1], the path MTU cache [RFC 1191], and
 * the IP_RECVERR queue traceroute and ping read their "From" lines from,
 * and a router with 101 neighbours (the bench's site) that keeps them all.
 *
 * bob is the router: eth0 on alice's 192.0.2.0/24, eth1 (a recording port)
 * on 198.51.100.0/24 where carol is .1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/drop.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/ipv4.h"
#include "stack/route.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define S_NS     (1000ull * 1000 * 1000)

#define NET2       IPV4_ADDR(198, 51, 100, 0)
#define BOB_ETH1   IPV4_ADDR(198, 51, 100, 254)
#define CAROL_ADDR IPV4_ADDR(198, 51, 100, 1)
static const uint8_t mac_bob1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t mac_carol[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x01 };

static struct iface *
make_router(struct hw_world *w, struct hw_port *port, bool know_carol)
{
    struct host *b = BOB(w);
    b->forwarding = true;
    struct iface *eth1 = host_add_iface(b, "eth1", mac_bob1, BOB_ETH1, 24, 1500, &hw_port_ops, port);
    ck_assert_ptr_nonnull(eth1);
    hw_enter(w);
    host_iface_up(b, eth1, false);
    ck_assert_int_eq(route_add(ALICE(w), NET2, 24, HW_BOB_ADDR, NULL, 0, ROUTE_PROTO_STATIC), 0);
    hw_learn_each_other(w);
    if (know_carol)
        ck_assert_int_eq(arp_cache_set_permanent(b, eth1, CAROL_ADDR, mac_carol), 0);
    return eth1;
}

/* --- longest-prefix match ---------------------------------------------- */

START_TEST(test_lpm_most_specific_wins)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    hw_enter(w);
    uint32_t gw1 = IPV4_ADDR(192, 0, 2, 10), gw2 = IPV4_ADDR(192, 0, 2, 20),
             gw3 = IPV4_ADDR(192, 0, 2, 30), gw4 = IPV4_ADDR(192, 0, 2, 40);
    ck_assert_int_eq(route_add(a, 0, 0, gw1, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 0, 0, 0), 8, gw2, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 0, 0), 16, gw3, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 2, 3), 32, gw4, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 2, 3))->gateway, gw4);   /* host route */
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 2, 4))->gateway, gw3);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 255, 255))->gateway, gw3);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 2, 0, 0))->gateway, gw2);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 255, 255, 255))->gateway, gw2);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(11, 0, 0, 0))->gateway, gw1);   /* default */
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(9, 255, 255, 255))->gateway, gw1);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(192, 0, 2, 99))->gateway, 0);   /* connected */
    /* The destination is masked on the way in: 10.1.2.3/16 is 10.1.0.0/16. */
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 2, 3), 16, gw1, NULL, 0, ROUTE_PROTO_STATIC),
                     -ERR_EXIST);
    /* Equal prefixes: the lower metric wins, whatever the order of adding. */
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 0, 0), 16, gw1, NULL, 5, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 9, 9))->gateway, gw3);
    ck_assert_int_eq(route_del(a, IPV4_ADDR(10, 1, 0, 0), 16), 0);  /* the first one: metric 0 */
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 9, 9))->gateway, gw1);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 9, 9))->metric, 5);
    /* A route through an interface that is down is not used. */
    a->ifaces[0].up = false;
    ck_assert_ptr_null(route_lookup(a, IPV4_ADDR(10, 1, 2, 3)));
    a->ifaces[0].up = true;
    /* A gateway on no connected subnet is refused. */
    ck_assert_int_eq(route_add(a, IPV4_ADDR(172, 16, 0, 0), 12, IPV4_ADDR(203, 0, 113, 1), NULL, 0,
                               ROUTE_PROTO_STATIC),
                     -ERR_NETUNREACH);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_route_table_prints_in_ip_route_order)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, false);
    struct host *b = BOB(w);
    ck_assert_int_eq(route_add(b, IPV4_ADDR(203, 0, 113, 0), 24, CAROL_ADDR, NULL, 0,
                               ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(b, IPV4_ADDR(10, 0, 0, 0), 8, HW_ALICE_ADDR, NULL, 0,
                               ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(b, IPV4_ADDR(10, 0, 0, 0), 16, CAROL_ADDR, NULL, 0,
                               ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(b, 0, 0, CAROL_ADDR, NULL, 100, ROUTE_PROTO_STATIC), 0);
    char buf[1024];
    int n = route_table_format(b, buf, sizeof(buf));
    const char *want = "default via 198.51.100.1 dev eth1 proto static metric 100\n"
                       "10.0.0.0/16 via 198.51.100.1 dev eth1 proto static\n"
                       "10.0.0.0/8 via 192.0.2.1 dev eth0 proto static\n"
                       "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2\n"
                       "198.51.100.0/24 dev eth1 proto kernel scope link src 198.51.100.254\n"
                       "203.0.113.0/24 via 198.51.100.1 dev eth1 proto static\n";
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(n, (int)strlen(want));
    /* Cut short, it still says how long the whole would be. */
    char small[16];
    ck_assert_int_eq(route_table_format(b, small, sizeof(small)), n);
    ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- forwarding ---------------------------------------------------------- */

START_TEST(test_link_layer_broadcast_is_not_forwarded)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, true);
    uint8_t l4[64], frame[HWF_MAX];
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5000, CAROL_ADDR, 9, (const uint8_t *)"x", 1);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, CAROL_ADDR, IPPROTO_UDP_);
    /* A unicast IP destination in a broadcast frame [RFC 1812 5.3.4]. */
    size_t len = hwf_ipv4(frame, hwf_mac_bcast, ALICE(w)->ifaces[0].mac, &ip, l4, n);
    hw_inject(w, HW_BOB, frame, len);
    /* A multicast destination in a unicast frame. */
    ip = hwf_ip(HW_ALICE_ADDR, IPV4_ADDR(239, 1, 1, 1), IPPROTO_UDP_);
    len = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4, n);
    hw_inject(w, HW_BOB, frame, len);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_NO_FORWARD_BCAST], 2);
    ck_assert_uint_eq(port.out.count, 0);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);  /* and no ICMP about it */
    ck_assert_uint_eq(BOB(w)->stats.ipv4_forwarded, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_arp_failure_sends_host_unreachable)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, false);
    uint8_t l4[64], frame[HWF_MAX];
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5000, CAROL_ADDR, 9, (const uint8_t *)"hello", 5);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, CAROL_ADDR, IPPROTO_UDP_);
    size_t len = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4, n);
    hw_inject(w, HW_BOB, frame, len);
    ck_assert_uint_eq(port.out.count, 1);  /* who-has carol */
    pkt_queue_purge(&port.out);
    for (int i = 0; i < ARP_MAX_TRIES; i++) {
        hw_advance(w, ARP_RETRY_NS);
        pkt_queue_purge(&port.out);
    }
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ARP_UNRESOLVED], 1);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.src, HW_BOB_ADDR);
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f.l4, f.l4_len, &icmp), DROP_NONE);
    ck_assert_uint_eq(icmp.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(icmp.code, ICMP_UNREACH_HOST);
    ck_assert_uint_eq(icmp.body_len, IPV4_HDR_MIN + 8);
    const uint8_t *quote = f.l4 + ICMP_HDR_LEN;
    ck_assert_uint_eq(csum_compute(quote, IPV4_HDR_MIN), 0);
    ck_assert_uint_eq(be32_get(quote + IPV4_OFF_SRC), HW_ALICE_ADDR);
    ck_assert_uint_eq(be32_get(quote + IPV4_OFF_DST), CAROL_ADDR);
    ck_assert_mem_eq(quote + IPV4_HDR_MIN, l4, 8);  /* the UDP header */
    pkt_free(p);
    /* alice, connected to carol, hears EHOSTUNREACH. */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_local_datagram_arp_failure_is_silent)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, false);
    hw_enter(w);
    int fd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = CAROL_ADDR, .port = 9 };
    ck_assert_int_eq(sock_sendto(BOB(w), fd, (const uint8_t *)"x", 1, &to), 1);
    for (int i = 0; i < ARP_MAX_TRIES; i++)
        hw_advance(w, ARP_RETRY_NS);
    pkt_queue_purge(&port.out);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ARP_UNRESOLVED], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(host_icmp_count(BOB(w), true, ICMP_DEST_UNREACH), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- a router with many neighbours ------------------------------------- */

#define LAN_HOSTS 100

/* Host i (0..99) of the LAN in front of bob: 192.0.2.10 + i. */
static uint32_t
lan_addr(unsigned i)
{
    return IPV4_ADDR(192, 0, 2, 10 + i);
}

static void
lan_mac(unsigned i, uint8_t mac[ETH_ALEN])
{
    const uint8_t m[ETH_ALEN] = { 0x02, 0, 0, 0, 0x20, (uint8_t)i };
    memcpy(mac, m, ETH_ALEN);
}

static struct hwf
decode(const struct pkt *p)
{
    struct hwf f;
    hwf_decode(p, &f);
    return f;
}

/* The bench's site in small: 100 hosts ask the router for its MAC and send
 * one datagram each to carol behind it, all before carol is resolved; then
 * carol answers each. The router has 101 neighbours (and alice): it must
 * hold all 100 first datagrams while it asks for carol (Linux holds
 * unres_qlen_bytes of them, not 3), and it must still know every host when
 * carol answers (a table of 64 evicted 37 and asked for them again). */
START_TEST(test_router_with_101_neighbours_drops_nothing)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, false);
    struct host *b = BOB(w);
    uint8_t frame[HWF_MAX], l4[64], mac[ETH_ALEN];
    for (unsigned i = 0; i < LAN_HOSTS; i++) {
        lan_mac(i, mac);
        struct arp_hdr a = { .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4, .hlen = ETH_ALEN,
                             .plen = 4, .op = ARP_OP_REQUEST, .spa = lan_addr(i),
                             .tpa = HW_BOB_ADDR };
        memcpy(a.sha, mac, ETH_ALEN);
        size_t n = hwf_arp(frame, hwf_mac_bcast, &a);
        hw_inject(w, HW_BOB, frame, n);
        struct pkt *reply = hw_take(w, HW_BOB);  /* bob is-at */
        ck_assert(decode(reply).is_arp);
        pkt_free(reply);
        uint8_t data = (uint8_t)i;
        n = hwf_udp(l4, lan_addr(i), 5000, CAROL_ADDR, 9, &data, 1);
        struct ipv4_hdr ip = hwf_ip(lan_addr(i), CAROL_ADDR, IPPROTO_UDP_);
        n = hwf_ipv4(frame, b->ifaces[0].mac, mac, &ip, l4, n);
        hw_inject(w, HW_BOB, frame, n);
    }
    /* One who-has carol, every datagram held. */
    ck_assert_uint_eq(port.out.count, 1);
    struct pkt *p = pkt_queue_pop(&port.out);
    struct hwf f = decode(p);
    ck_assert(f.is_arp && f.arp.op == ARP_OP_REQUEST && f.arp.tpa == CAROL_ADDR);
    pkt_free(p);
    struct arp_hdr is_at = { .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4, .hlen = ETH_ALEN,
                             .plen = 4, .op = ARP_OP_REPLY, .spa = CAROL_ADDR, .tpa = BOB_ETH1 };
    memcpy(is_at.sha, mac_carol, ETH_ALEN);
    memcpy(is_at.tha, mac_bob1, ETH_ALEN);
    hw_inject_on(w, HW_BOB, 1, frame, hwf_arp(frame, mac_bob1, &is_at));
    /* Every first datagram reaches carol, in the order sent. */
    ck_assert_uint_eq(port.out.count, LAN_HOSTS);
    for (unsigned i = 0; i < LAN_HOSTS; i++) {
        p = pkt_queue_pop(&port.out);
        f = decode(p);
        ck_assert(f.is_ipv4);
        ck_assert_mem_eq(f.eth.dst, mac_carol, ETH_ALEN);
        ck_assert_uint_eq(f.ip.src, lan_addr(i));
        ck_assert_uint_eq(f.l4[UDP_HDR_LEN], (uint8_t)i);
        pkt_free(p);
    }
    /* carol answers each host; bob knows them all: no request, straight out. */
    for (unsigned i = 0; i < LAN_HOSTS; i++) {
        uint8_t data = (uint8_t)i;
        size_t n = hwf_udp(l4, CAROL_ADDR, 9, lan_addr(i), 5000, &data, 1);
        struct ipv4_hdr ip = hwf_ip(CAROL_ADDR, lan_addr(i), IPPROTO_UDP_);
        n = hwf_ipv4(frame, mac_bob1, mac_carol, &ip, l4, n);
        hw_inject_on(w, HW_BOB, 1, frame, n);
    }
    ck_assert_uint_eq(hw_pending(w, HW_BOB), LAN_HOSTS);
    for (unsigned i = 0; i < LAN_HOSTS; i++) {
        p = hw_take(w, HW_BOB);
        f = decode(p);
        ck_assert_msg(f.is_ipv4, "frame %u is not the answer (an ARP request?)", i);
        lan_mac(i, mac);
        ck_assert_mem_eq(f.eth.dst, mac, ETH_ALEN);
        ck_assert_uint_eq(f.ip.dst, lan_addr(i));
        pkt_free(p);
    }
    ck_assert_uint_eq(b->stats.ipv4_forwarded, 2 * LAN_HOSTS);
    for (unsigned k = 0; k < DROP_COUNT; k++)
        ck_assert_msg(b->stats.drops[k] == 0, "bob dropped %llu (%s)",
                      (unsigned long long)b->stats.drops[k], drop_reason_name(k));
    ck_assert_uint_eq(inspect_arp(b, NULL, 0), LAN_HOSTS + 2);  /* + alice, carol */
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- path MTU [RFC 1191] --------------------------------------------------- */

/* bob tells alice "fragmentation needed, next-hop MTU mtu" about a datagram
 * alice -> carol of total length qlen. */
static void
inject_needfrag(struct hw_world *w, uint16_t mtu, uint16_t qlen)
{
    uint8_t body[ICMP_HDR_LEN + IPV4_HDR_MIN + 8];
    struct ipv4_hdr q = hwf_ip(HW_ALICE_ADDR, CAROL_ADDR, IPPROTO_UDP_);
    q.total_len = qlen;
    q.df = true;
    ipv4_emit(&q, body + ICMP_HDR_LEN);
    memset(body + ICMP_HDR_LEN + IPV4_HDR_MIN, 0, 8);
    be16_put(body + ICMP_HDR_LEN + IPV4_HDR_MIN, 5000);
    be16_put(body + ICMP_HDR_LEN + IPV4_HDR_MIN + 2, 9);
    struct icmp_hdr icmp = { .type = ICMP_DEST_UNREACH, .code = ICMP_UNREACH_NEEDFRAG, .mtu = mtu };
    icmp_emit(&icmp, body, sizeof(body));
    struct ipv4_hdr ip = hwf_ip(HW_BOB_ADDR, HW_ALICE_ADDR, IPPROTO_ICMP_);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &ip, body,
                        sizeof(body));
    hw_inject(w, HW_ALICE, frame, n);
}

START_TEST(test_needfrag_sets_path_mtu)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, true);
    struct host *a = ALICE(w);
    /* The floor down to the protocol's minimum, so the plateau table shows
     * all the way (test_pmtu.c tests the default floor of 552). */
    a->pmtu.min_mtu = IPV4_MIN_MTU;
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), 1500);
    inject_needfrag(w, 576, 1500);
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), 576);
    ck_assert_uint_eq(ipv4_max_payload(a, CAROL_ADDR), 556);
    ck_assert_uint_eq(ipv4_path_mtu(a, HW_BOB_ADDR), 1500);  /* per destination */
    /* Never raised by a later message [RFC 1191 6.1]. */
    inject_needfrag(w, 1400, 1500);
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), 576);
    /* An old router that says 0: the plateau below the refused length
     * [RFC 1191 7]; and never below 68. */
    inject_needfrag(w, 0, 576);
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), 508);
    /* Below 68 is no MTU at all: the plateau below the refused length too;
     * and never below 68. */
    inject_needfrag(w, 20, 508);
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), 296);
    inject_needfrag(w, 0, 100);
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), IPV4_MIN_MTU);
    /* DF sockets get EMSGSIZE above it; others are fragmented to it. */
    hw_enter(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_DF, 1), 0);
    static uint8_t buf[100];
    struct sock_addr to = { .addr = CAROL_ADDR, .port = 9 };
    ck_assert_int_eq(sock_sendto(a, fd, buf, 41, &to), -ERR_MSGSIZE);
    ck_assert_int_eq(sock_sendto(a, fd, buf, 40, &to), 40);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_DF, 0), 0);
    ck_assert_int_eq(sock_sendto(a, fd, buf, 100, &to), 100);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1 + 3);  /* 48 + 48 + 12 bytes of payload */
    /* Forgotten after the cache lifetime [RFC 1191 6.3]. */
    w->now_ns += IPV4_PMTU_EXPIRE_NS;
    hw_enter(w);
    ck_assert_uint_eq(ipv4_path_mtu(a, CAROL_ADDR), 1500);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- IP_RECVERR: what traceroute and ping read ----------------------------- */

START_TEST(test_udp_probe_with_ttl_1_reports_the_router)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, true);
    struct host *a = ALICE(w);
    hw_enter(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_RECVERR, 1), 0);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_TTL, 1), 0);
    int64_t v = 0;
    ck_assert_int_eq(sock_getsockopt(a, fd, SOCK_OPT_IP_TTL, &v), 0);
    ck_assert_int_eq(v, 1);
    struct sock_addr to = { .addr = CAROL_ADDR, .port = 33434 };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"probe", 5, &to), 5);
    struct hwf f;
    struct pkt *p = pkt_clone(hw_peek(w, HW_ALICE));
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.ttl, 1);
    pkt_free(p);
    struct sock_icmp_err e;
    ck_assert_int_eq(sock_recv_error(a, fd, &e), -ERR_AGAIN);
    hw_deliver(w);  /* bob: TTL would reach 0 -> time exceeded back to alice */
    ck_assert(sock_poll(a, fd) & SOCK_POLLERR);
    ck_assert_int_eq(sock_recv_error(a, fd, &e), 0);
    ck_assert_uint_eq(e.type, ICMP_TIME_EXCEEDED);
    ck_assert_uint_eq(e.code, ICMP_EXC_TTL);
    ck_assert_uint_eq(e.offender, HW_BOB_ADDR);
    ck_assert_uint_eq(e.dst, CAROL_ADDR);
    ck_assert_uint_eq(e.dport, 33434);
    ck_assert_int_eq(e.err, ERR_HOSTUNREACH);
    ck_assert_int_eq(sock_recv_error(a, fd, &e), -ERR_AGAIN);
    ck_assert(!(sock_poll(a, fd) & SOCK_POLLERR));
    /* TTL 2 reaches carol (the recording port): the datagram leaves with 1. */
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_TTL, 2), 0);
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"probe", 5, &to), 5);
    hw_deliver(w);
    ck_assert_uint_eq(port.out.count, 1);
    p = pkt_queue_pop(&port.out);
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.ttl, 1);
    pkt_free(p);
    /* Without IP_RECVERR nothing is queued (and an unconnected socket gets
     * no error at all, as before). */
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_RECVERR, 0), 0);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_TTL, 1), 0);
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"probe", 5, &to), 5);
    hw_deliver(w);
    ck_assert_int_eq(sock_recv_error(a, fd, &e), -ERR_AGAIN);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_TTL, 256), -ERR_INVAL);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_ping_with_ttl_1_reports_the_router)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, true);
    struct host *a = ALICE(w);
    hw_enter(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_RECVERR, 1), 0);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_TTL, 1), 0);
    uint8_t req[16];
    size_t n = hwf_icmp_echo(req, ICMP_ECHO_REQUEST, 0, 7, (const uint8_t *)"12345678", 8);
    struct sock_addr to = { .addr = CAROL_ADDR };
    ck_assert_int_eq(sock_sendto(a, fd, req, n, &to), (int)n);
    hw_deliver(w);
    struct sock_icmp_err e;
    ck_assert_int_eq(sock_recv_error(a, fd, &e), 0);
    ck_assert_uint_eq(e.type, ICMP_TIME_EXCEEDED);
    ck_assert_uint_eq(e.offender, HW_BOB_ADDR);
    ck_assert_uint_eq(e.dport, 7);  /* the echo sequence */
    ck_assert_uint_eq(e.sport, sock_lookup(a, fd)->ping_id);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("routes");
    tcase_add_test(tc, test_lpm_most_specific_wins);
    tcase_add_test(tc, test_route_table_prints_in_ip_route_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("forward");
    tcase_add_test(tc, test_link_layer_broadcast_is_not_forwarded);
    tcase_add_test(tc, test_arp_failure_sends_host_unreachable);
    tcase_add_test(tc, test_local_datagram_arp_failure_is_silent);
    tcase_add_test(tc, test_router_with_101_neighbours_drops_nothing);
    suite_add_tcase(s, tc);
    tc = tcase_create("pmtu");
    tcase_add_test(tc, test_needfrag_sets_path_mtu);
    suite_add_tcase(s, tc);
    tc = tcase_create("recverr");
    tcase_add_test(tc, test_udp_probe_with_ttl_1_reports_the_router);
    tcase_add_test(tc, test_ping_with_ttl_1_reports_the_router);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(router_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
