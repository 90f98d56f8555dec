/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ipv6.c - IPv6 [RFC 8200], ICMPv6 [RFC 4443] and neighbour discovery
 * [RFC 4861]: addresses in text, the header, extension headers in order
 * with the unknown-option rules, routing type 0 refused [RFC 5095], the
 * error rules and rate limit, and every neighbour cache state and timer.
 *
 * alice (2001:db8::1) and bob (2001:db8::2) are the harness's two hosts with
 * IPv6 turned on; frames move only when a test moves them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/describe.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv6.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define MS       (1000ull * 1000)
#define SEC      (1000ull * MS)

static struct ip6_addr
A6(const char *s)
{
    struct ip6_addr a;
    ck_assert_msg(ip6_addr_parse(s, &a), "bad test address %s", s);
    return a;
}

/* Both hosts dual-stack: 2001:db8::1/64 and 2001:db8::2/64 on eth0. */
static struct hw_world *
v6_world(void)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct ip6_addr a = A6("2001:db8::1"), b = A6("2001:db8::2");
    ck_assert_int_eq(ipv6_addr_add(ALICE(w), &ALICE(w)->ifaces[0], &a, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(BOB(w), &BOB(w)->ifaces[0], &b, 64), 0);
    /* Every address is tentative until duplicate address detection passes
     * [RFC 4862 5.4] (at most 1 s of random delay, then RetransTimer), and
     * each host then sends its three router solicitations, 4 s apart
     * [RFC 4861 6.3.7]: let all of that pass before a test starts. */
    for (int i = 0; i < 13; i++) {
        hw_advance(w, SEC);
        hw_deliver(w);
    }
    ck_assert(ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &a));
    ck_assert(ipv6_is_mine(BOB(w), &BOB(w)->ifaces[0], &b));
    ck_assert_uint_eq(ALICE(w)->ip6->icmp6_tx_type[ND_ROUTER_SOLICIT], 3);
    return w;
}

static void
v6_done(struct hw_world *w)
{
    hw_destroy(w);
    free(w);
}

static enum nd6_state
nd_state(struct hw_world *w, int who, const char *ip)
{
    struct ip6_addr a = A6(ip);
    const struct nd6_entry *e = nd6_lookup(&w->host[who], &a);
    return e == NULL ? ND6_FREE : e->state;
}

static void
ping(struct hw_world *w, uint16_t seq)
{
    hw_enter(w);
    struct ip6_addr b = A6("2001:db8::2");
    uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    ck_assert_int_eq(icmp6_echo_send(ALICE(w), &b, 77, seq, data, sizeof data, 0), 0);
}

/* A frame from bob's MAC to alice: IPv6 from src to dst, the extension
 * headers `ext` (first_nh names the first), then an ICMPv6 message whose
 * checksum is filled in. Returns the frame length. */
static size_t
frame6(uint8_t *f, const uint8_t dst_mac[ETH_ALEN], const uint8_t src_mac[ETH_ALEN],
       const struct ip6_addr *src, const struct ip6_addr *dst, uint8_t hlim, uint8_t first_nh,
       const uint8_t *ext, size_t ext_len, const uint8_t *icmp, size_t icmp_len)
{
    memcpy(f, dst_mac, ETH_ALEN);
    memcpy(f + 6, src_mac, ETH_ALEN);
    be16_put(f + 12, ETHERTYPE_IPV6);
    struct ipv6_hdr h = { .payload_len = (uint16_t)(ext_len + icmp_len),
                          .next_header = ext_len ? first_nh : IPV6_NH_ICMPV6,
                          .hop_limit = hlim, .src = *src, .dst = *dst };
    ipv6_emit(&h, f + 14);
    if (ext_len > 0)
        memcpy(f + 14 + 40, ext, ext_len);
    uint8_t *m = f + 14 + 40 + ext_len;
    memcpy(m, icmp, icmp_len);
    if (icmp_len >= 4) {
        be16_put(m + 2, 0);
        uint32_t s = csum_pseudo_ipv6(src, dst, (uint32_t)icmp_len, IPV6_NH_ICMPV6);
        be16_put(m + 2, csum_finish(csum_add(s, m, icmp_len)));
    }
    size_t n = 14 + 40 + ext_len + icmp_len;
    if (n < ETH_MIN_FRAME) {
        memset(f + n, 0, ETH_MIN_FRAME - n);
        n = ETH_MIN_FRAME;
    }
    return n;
}

static const uint8_t echo_req[16] = { ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 9, 0, 1,
                                      'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };

/* bob -> alice with permanent-enough ND: alice learns bob first. */
static void
resolve_both(struct hw_world *w)
{
    ping(w, 1);
    hw_deliver(w);
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 77, 1, &m));
}

/* An ICMPv6 error alice sent, decoded: type, code, parameter. */
static bool
take_error(struct hw_world *w, uint8_t *type, uint8_t *code, uint32_t *param)
{
    while (hw_pending(w, HW_ALICE) > 0) {
        struct pkt *p = hw_take(w, HW_ALICE);
        const uint8_t *b = p->data + 14;
        bool err = be16_get(p->data + 12) == ETHERTYPE_IPV6 && b[6] == IPV6_NH_ICMPV6 &&
                   b[40] < 128;
        if (err) {
            *type = b[40];
            *code = b[41];
            *param = be32_get(b + 44);
            /* Its checksum is right [RFC 4443 2.3]. */
            struct ip6_addr s, d;
            memcpy(s.b, b + 8, 16);
            memcpy(d.b, b + 24, 16);
            size_t len = be16_get(b + 4);
            uint32_t sum = csum_pseudo_ipv6(&s, &d, (uint32_t)len, IPV6_NH_ICMPV6);
            ck_assert_uint_eq(csum_finish(csum_add(sum, b + 40, len)), 0);
        }
        pkt_free(p);
        if (err)
            return true;
    }
    return false;
}

/* --- addresses ------------------------------------------------------------ */

START_TEST(test_addr_text_rfc5952)
{
    static const struct { const char *in, *out; } ok[] = {
        { "2001:db8::1", "2001:db8::1" },
        { "2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },  /* first longest run */
        { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },  /* one zero group stays */
        { "::", "::" },
        { "::1", "::1" },
        { "fe80::", "fe80::" },
        { "ff02::1:ff00:2", "ff02::1:ff00:2" },
        { "0:0:1:0:0:0:1:0", "0:0:1::1:0" },  /* the longer run wins */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct ip6_addr a;
        char buf[IPV6_ADDR_STRLEN];
        ck_assert_msg(ip6_addr_parse(ok[i].in, &a), "%s", ok[i].in);
        ck_assert_str_eq(ip6_addr_str(&a, buf), ok[i].out);
    }
    static const char *const bad[] = { ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
                                       "1:2:3:4:5:6:7", ":1::", "2001:db8::g", "", "1:", };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ip6_addr a;
        ck_assert_msg(!ip6_addr_parse(bad[i], &a), "accepted '%s'", bad[i]);
    }
}
END_TEST

START_TEST(test_solicited_node_and_mac)
{
    struct ip6_addr a = A6("2001:db8::12:3456:789a"), g;
    char buf[IPV6_ADDR_STRLEN];
    ip6_solicited_node(&a, &g);
    ck_assert_str_eq(ip6_addr_str(&g, buf), "ff02::1:ff56:789a");
    uint8_t mac[ETH_ALEN];
    ip6_multicast_mac(&g, mac);
    static const uint8_t want[ETH_ALEN] = { 0x33, 0x33, 0xff, 0x56, 0x78, 0x9a };
    ck_assert_mem_eq(mac, want, ETH_ALEN);
}
END_TEST

START_TEST(test_linklocal_seeded_and_stable)
{
    struct hw_world *w1 = v6_world(), *w2 = v6_world();
    const struct ip6_addr *l1 = ipv6_linklocal(ALICE(w1), &ALICE(w1)->ifaces[0]);
    const struct ip6_addr *l2 = ipv6_linklocal(ALICE(w2), &ALICE(w2)->ifaces[0]);
    const struct ip6_addr *lb = ipv6_linklocal(BOB(w1), &BOB(w1)->ifaces[0]);
    ck_assert_ptr_nonnull(l1);
    ck_assert(ip6_addr_is_linklocal(l1));
    /* The same seed gives the same address; another host another one. */
    ck_assert(ip6_addr_eq(l1, l2));
    ck_assert(!ip6_addr_eq(l1, lb));
    /* [RFC 7217] not a modified EUI-64: no ff:fe in the middle, no MAC. */
    ck_assert(!(l1->b[11] == 0xff && l1->b[12] == 0xfe));
    ck_assert_mem_ne(l1->b + 13, ALICE(w1)->ifaces[0].mac + 3, 3);
    v6_done(w1);
    v6_done(w2);
}
END_TEST

/* --- the header ------------------------------------------------------------ */

START_TEST(test_header_parse_rules)
{
    uint8_t b[60] = { 0x60, 0, 0, 0, 0, 20, IPV6_NH_NONE, 64 };
    struct ipv6_hdr h;
    ck_assert_int_eq(ipv6_parse(b, 60, &h), DROP_NONE);
    ck_assert_uint_eq(h.payload_len, 20);
    ck_assert_int_eq(ipv6_parse(b, 39, &h), DROP_IPV6_TRUNCATED);
    ck_assert_int_eq(ipv6_parse(b, 59, &h), DROP_IPV6_TRUNCATED);  /* payload runs past */
    b[0] = 0x45;
    ck_assert_int_eq(ipv6_parse(b, 60, &h), DROP_IPV6_BAD_VERSION);
    /* emit and parse agree on traffic class and flow label */
    struct ipv6_hdr o = { .traffic_class = 0xb8, .flow_label = 0xabcde, .payload_len = 0,
                          .next_header = 59, .hop_limit = 1 };
    ipv6_emit(&o, b);
    ck_assert_int_eq(ipv6_parse(b, 40, &h), DROP_NONE);
    ck_assert_uint_eq(h.traffic_class, 0xb8);
    ck_assert_uint_eq(h.flow_label, 0xabcde);
}
END_TEST

START_TEST(test_describe_like_tcpdump)
{
    struct ip6_addr a = A6("2001:db8::1"), b = A6("2001:db8::2");
    static const uint8_t m1[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 }, m2[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
    uint8_t f[200], buf[512];
    char line[512];
    size_t n = frame6(f, m2, m1, &a, &b, 64, 0, NULL, 0, echo_req, sizeof echo_req);
    frame_describe(f, n, line, sizeof line);
    ck_assert_str_eq(line, "IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo request, id 9, seq 1, "
                           "length 16");
    uint8_t ns[32] = { ND_NEIGHBOR_SOLICIT };
    memcpy(ns + 8, b.b, 16);
    ns[24] = ND_OPT_SLLA;
    ns[25] = 1;
    uint8_t dopt[8] = { IPV6_NH_ICMPV6, 0, 1, 4 };
    n = frame6(f, m2, m1, &a, &b, 255, IPV6_NH_DSTOPTS, dopt, 8, ns, 32);
    frame_describe(f, n, line, sizeof line);
    ck_assert_str_eq(line, "IP6 2001:db8::1 > 2001:db8::2: DSTOPT ICMP6, neighbor solicitation, "
                           "who has 2001:db8::2, length 32");
    uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x60 };
    memcpy(na + 8, b.b, 16);
    n = frame6(f, m2, m1, &b, &a, 255, 0, NULL, 0, na, 32);
    frame_describe(f, n, line, sizeof line);
    ck_assert_str_eq(line, "IP6 2001:db8::2 > 2001:db8::1: ICMP6, neighbor advertisement, tgt is "
                           "2001:db8::2, Flags [solicited, override], length 32");
    /* Linux's MLDv2 report, as it sends one when a device comes up: named,
     * not "type 143" (the trace said "unknown type" for it). */
    struct ip6_addr unspec = A6("::"), mld_all = A6("ff02::16");
    uint8_t hbh_ra[8] = { IPV6_NH_ICMPV6, 0, 5, 2, 0, 0, 1, 0 };  /* Router Alert, PadN */
    uint8_t mld2[28] = { MLD2_LISTENER_REPORT, 0, 0, 0, 0, 0, 0, 1, 4 };
    n = frame6(f, m2, m1, &unspec, &mld_all, 1, IPV6_NH_HOPOPT, hbh_ra, 8, mld2, 28);
    frame_describe(f, n, line, sizeof line);
    ck_assert_str_eq(line, "IP6 :: > ff02::16: HBH ICMP6, multicast listener report v2, code 0, "
                           "length 28");
    ck_assert_str_eq(icmp6_type_name(MLD_LISTENER_REPORT), "multicast listener report");
    /* a payload length past the frame */
    n = frame6(f, m2, m1, &a, &b, 64, 0, NULL, 0, echo_req, sizeof echo_req);
    ck_assert_int_eq(ipv6_describe(f + 14, 50, line, sizeof line), (int)strlen(line));
    ck_assert_str_eq(line, "IP6 [truncated, 50 of 56 bytes]");
    /* the length whatever the room, and never past it */
    n = frame6(f, m2, m1, &a, &b, 64, 0, NULL, 0, echo_req, sizeof echo_req);
    int full = ipv6_describe(f + 14, n - 14, line, sizeof line);
    memset(buf, 0x5a, sizeof buf);
    ck_assert_int_eq(ipv6_describe(f + 14, n - 14, (char *)buf, 10), full);
    ck_assert_uint_eq(buf[9], 0);
    ck_assert_uint_eq(buf[10], 0x5a);
}
END_TEST

START_TEST(test_ipv4_only_host_drops_ipv6)
{
    struct hw_world *w = hw_new();
    struct ip6_addr s = A6("2001:db8::9"), d = A6("2001:db8::1");
    uint8_t f[200];
    size_t n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &s, &d, 64, 0, NULL,
                      0, echo_req, sizeof echo_req);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_ptr_null(ALICE(w)->ip6);  /* nothing allocated */
    ck_assert_uint_eq(hw_count_drops(w, DROP_ETH_UNKNOWN_TYPE), 1);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- neighbour discovery ----------------------------------------------------- */

START_TEST(test_nd_resolution_states)
{
    struct hw_world *w = v6_world();
    ping(w, 1);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_INCOMPLETE);
    /* The solicitation goes to bob's solicited-node group at 33:33:ff:00:00:02,
     * from the address of the waiting packet, with alice's MAC in an option. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);
    const struct pkt *p = hw_peek(w, HW_ALICE);
    static const uint8_t group_mac[ETH_ALEN] = { 0x33, 0x33, 0xff, 0, 0, 2 };
    ck_assert_mem_eq(p->data, group_mac, ETH_ALEN);
    const uint8_t *ip = p->data + 14;
    struct ip6_addr src, dst, sn, a1 = A6("2001:db8::1"), b2 = A6("2001:db8::2");
    memcpy(src.b, ip + 8, 16);
    memcpy(dst.b, ip + 24, 16);
    ip6_solicited_node(&b2, &sn);
    ck_assert(ip6_addr_eq(&src, &a1));
    ck_assert(ip6_addr_eq(&dst, &sn));
    ck_assert_uint_eq(ip[7], 255);
    ck_assert_uint_eq(ip[40], ND_NEIGHBOR_SOLICIT);
    ck_assert_uint_eq(ip[64], ND_OPT_SLLA);
    ck_assert_mem_eq(ip + 66, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    /* bob learns alice from the solicitation (STALE), answers, and so its
     * entry goes to DELAY; alice's turns REACHABLE and the echo goes. */
    ck_assert(hw_deliver_one(w, HW_ALICE));
    ck_assert_int_eq(nd_state(w, HW_BOB, "2001:db8::1"), ND6_DELAY);
    ck_assert(hw_deliver_one(w, HW_BOB));
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_REACHABLE);
    hw_deliver(w);
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 77, 1, &m));
    ck_assert_uint_eq(m.type, ICMP6_ECHO_REPLY);
    ck_assert_uint_eq(m.hop_limit, 64);
    ck_assert(!icmp6_echo_take(ALICE(w), 77, 1, &m));  /* taken once */
    /* DELAY_FIRST_PROBE_TIME later bob probes alice by unicast; her
     * solicited answer makes bob's entry REACHABLE. */
    hw_advance(w, 5 * SEC);
    ck_assert_int_eq(nd_state(w, HW_BOB, "2001:db8::1"), ND6_PROBE);
    p = hw_peek(w, HW_BOB);
    ck_assert_ptr_nonnull(p);
    ck_assert_mem_eq(p->data, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(p->data[14 + 40], ND_NEIGHBOR_SOLICIT);
    hw_deliver(w);
    ck_assert_int_eq(nd_state(w, HW_BOB, "2001:db8::1"), ND6_REACHABLE);
    /* ReachableTime (15..45 s) with no confirmation: STALE. A packet on a
     * STALE entry goes at once and the entry turns DELAY. */
    hw_advance(w, 46 * SEC);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_STALE);
    ping(w, 2);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_DELAY);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);
    hw_deliver(w);
    ck_assert(icmp6_echo_take(ALICE(w), 77, 2, &m));
    v6_done(w);
}
END_TEST

START_TEST(test_nd_incomplete_gives_up)
{
    struct hw_world *w = v6_world();
    ping(w, 1);
    ping(w, 2);
    hw_lose(w, HW_ALICE);
    /* MAX_MULTICAST_SOLICIT solicitations, RetransTimer apart, then the
     * waiting packets are dropped and the entry goes. */
    hw_advance(w, 1 * SEC);
    ck_assert_uint_eq(hw_lose(w, HW_ALICE), 1);
    hw_advance(w, 1 * SEC);
    ck_assert_uint_eq(hw_lose(w, HW_ALICE), 1);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_INCOMPLETE);
    hw_advance(w, 1 * SEC);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_FREE);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_UNRESOLVED), 2);
    /* [RFC 4861 7.2.2] address unreachable, for the sender: here alice's
     * own ping, which finds it kept under each request's sequence. */
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 77, 1, &m));
    ck_assert_uint_eq(m.type, ICMP6_DST_UNREACH);
    ck_assert_uint_eq(m.code, 3);
    ck_assert(icmp6_echo_take(ALICE(w), 77, 2, &m));
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);  /* nothing on the wire for it */
    v6_done(w);
}
END_TEST

START_TEST(test_nd_probe_gives_up)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    hw_advance(w, 46 * SEC);  /* REACHABLE -> STALE */
    ping(w, 2);               /* STALE -> DELAY */
    hw_lose(w, HW_ALICE);
    hw_lose(w, HW_BOB);
    hw_advance(w, 5 * SEC);   /* DELAY -> PROBE, first unicast NS */
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_PROBE);
    ck_assert_uint_eq(hw_lose(w, HW_ALICE), 1);
    hw_advance(w, 1 * SEC);
    ck_assert_uint_eq(hw_lose(w, HW_ALICE), 1);
    hw_advance(w, 1 * SEC);
    ck_assert_uint_eq(hw_lose(w, HW_ALICE), 1);
    hw_advance(w, 1 * SEC);   /* MAX_UNICAST_SOLICIT probes unanswered */
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_FREE);
    v6_done(w);
}
END_TEST

START_TEST(test_nd_validation)
{
    struct hw_world *w = v6_world();
    struct ip6_addr b2 = A6("2001:db8::2"), a1 = A6("2001:db8::1"), sn;
    ip6_solicited_node(&a1, &sn);
    uint8_t ns[32] = { ND_NEIGHBOR_SOLICIT, 0 };
    memcpy(ns + 8, a1.b, 16);
    ns[24] = ND_OPT_SLLA;
    ns[25] = 1;
    memcpy(ns + 26, BOB(w)->ifaces[0].mac, ETH_ALEN);
    uint8_t f[200], group_mac[ETH_ALEN];
    ip6_multicast_mac(&sn, group_mac);
    /* A hop limit below 255: forwarded from elsewhere, so refused [7.1.1]. */
    size_t n = frame6(f, group_mac, BOB(w)->ifaces[0].mac, &b2, &sn, 64, 0, NULL, 0, ns, 32);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_INVALID), 1);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    /* A zero-length option is malformed. */
    ns[25] = 0;
    n = frame6(f, group_mac, BOB(w)->ifaces[0].mac, &b2, &sn, 255, 0, NULL, 0, ns, 32);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_INVALID), 2);
    /* A solicitation for someone else's address gets no answer. */
    ns[25] = 1;
    struct ip6_addr other = A6("2001:db8::99");
    memcpy(ns + 8, other.b, 16);
    n = frame6(f, group_mac, BOB(w)->ifaces[0].mac, &b2, &sn, 255, 0, NULL, 0, ns, 32);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_NOT_OUR_TARGET), 1);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    /* To a group alice did not join: refused before ND sees it. */
    struct ip6_addr sn99;
    ip6_solicited_node(&other, &sn99);
    n = frame6(f, group_mac, BOB(w)->ifaces[0].mac, &b2, &sn99, 255, 0, NULL, 0, ns, 32);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_NOT_FOR_US), 1);
    /* An unsolicited advertisement for a neighbour alice never asked about
     * creates nothing [7.2.5]. */
    uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x20 };
    memcpy(na + 8, b2.b, 16);
    na[24] = ND_OPT_TLLA;
    na[25] = 1;
    memcpy(na + 26, BOB(w)->ifaces[0].mac, ETH_ALEN);
    n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &a1, 255, 0, NULL, 0,
               na, 32);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_NO_ENTRY), 1);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_FREE);
    v6_done(w);
}
END_TEST

START_TEST(test_na_override_rules)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    ck_assert_int_eq(nd_state(w, HW_ALICE, "2001:db8::2"), ND6_REACHABLE);
    struct ip6_addr b2 = A6("2001:db8::2"), a1 = A6("2001:db8::1");
    static const uint8_t other_mac[ETH_ALEN] = { 2, 0, 0, 0, 9, 9 };
    uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x00 };  /* no S, no O */
    memcpy(na + 8, b2.b, 16);
    na[24] = ND_OPT_TLLA;
    na[25] = 1;
    memcpy(na + 26, other_mac, ETH_ALEN);
    uint8_t f[200];
    size_t n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &a1, 255, 0,
                      NULL, 0, na, 32);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    /* [7.2.5] no override, another address: keep the old one, but STALE. */
    const struct nd6_entry *e = nd6_lookup(ALICE(w), &b2);
    ck_assert_int_eq(e->state, ND6_STALE);
    ck_assert_mem_eq(e->mac, BOB(w)->ifaces[0].mac, ETH_ALEN);
    /* With override: the new address is taken, and STALE (not solicited). */
    na[4] = 0x20;
    n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &a1, 255, 0, NULL, 0,
               na, 32);
    hw_inject(w, HW_ALICE, f, n);
    e = nd6_lookup(ALICE(w), &b2);
    ck_assert_int_eq(e->state, ND6_STALE);
    ck_assert_mem_eq(e->mac, other_mac, ETH_ALEN);
    v6_done(w);
}
END_TEST

/* --- extension headers ------------------------------------------------------- */

/* Inject an echo request to alice behind `ext` and return what came back:
 * 1 an echo reply, 2 an error (type/code/param filled in), 0 nothing. */
static int
inject_ext(struct hw_world *w, uint8_t first_nh, const uint8_t *ext, size_t ext_len,
           const char *dst_s, uint8_t *type, uint8_t *code, uint32_t *param)
{
    struct ip6_addr b2 = A6("2001:db8::2"), d = A6(dst_s);
    uint8_t f[300];
    const uint8_t *dmac = ALICE(w)->ifaces[0].mac;
    uint8_t gmac[ETH_ALEN];
    if (ip6_addr_is_multicast(&d)) {
        ip6_multicast_mac(&d, gmac);
        dmac = gmac;
    }
    size_t n = frame6(f, dmac, BOB(w)->ifaces[0].mac, &b2, &d, 64, first_nh, ext, ext_len,
                      echo_req, sizeof echo_req);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    if (hw_pending(w, HW_ALICE) == 0)
        return 0;
    const struct pkt *p = hw_peek(w, HW_ALICE);
    if (p->data[14 + 40] == ICMP6_ECHO_REPLY) {
        pkt_free(hw_take(w, HW_ALICE));
        return 1;
    }
    return take_error(w, type, code, param) ? 2 : 0;
}

START_TEST(test_destination_options_unknown_option_actions)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    uint8_t type = 0, code = 0;
    uint32_t param = 0;
    /* 8 bytes: next header ICMPv6, length 0, then option T len 2 + 2 bytes.
     * [RFC 8200 4.2] the two top bits of T decide. */
    uint8_t ext[8] = { IPV6_NH_ICMPV6, 0, 0x1e, 4, 0, 0, 0, 0 };
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code,
                                &param), 1);                                    /* 00: skip */
    ext[2] = 0x5e;
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code,
                                &param), 0);                                    /* 01: drop quietly */
    ext[2] = 0x9e;
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code,
                                &param), 2);                                    /* 10: report */
    ck_assert_uint_eq(type, ICMP6_PARAM_PROB);
    ck_assert_uint_eq(code, ICMP6_PARAMPROB_OPTION);
    ck_assert_uint_eq(param, 42);  /* 40 + the option's offset in the header */
    /* 10 reports even to a multicast destination; 11 does not. */
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "ff02::1", &type, &code, &param),
                     2);
    ext[2] = 0xde;
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "ff02::1", &type, &code, &param),
                     0);
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code,
                                &param), 2);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_UNKNOWN_OPTION), 5);
    v6_done(w);
}
END_TEST

START_TEST(test_routing_type0_refused)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    uint8_t type = 0, code = 0;
    uint32_t param = 0;
    /* Routing header type 0, one address, one segment left [RFC 5095 3]. */
    uint8_t rh[24] = { IPV6_NH_ICMPV6, 2, 0, 1 };
    ck_assert_int_eq(inject_ext(w, IPV6_NH_ROUTING, rh, 24, "2001:db8::1", &type, &code,
                                &param), 2);
    ck_assert_uint_eq(type, ICMP6_PARAM_PROB);
    ck_assert_uint_eq(code, ICMP6_PARAMPROB_HEADER);
    ck_assert_uint_eq(param, 42);  /* the routing type field */
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_RH0), 1);
    /* With no segments left the header is ignored [RFC 8200 4.4]. */
    rh[3] = 0;
    ck_assert_int_eq(inject_ext(w, IPV6_NH_ROUTING, rh, 24, "2001:db8::1", &type, &code,
                                &param), 1);
    v6_done(w);
}
END_TEST

START_TEST(test_header_order_and_next_header)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    uint8_t type = 0, code = 0;
    uint32_t param = 0;
    /* Destination options, then hop-by-hop: hop-by-hop may only come
     * first [RFC 8200 4.3]: parameter problem code 1 at the field naming it. */
    uint8_t ext[16] = { IPV6_NH_HOPOPT, 0, 1, 4, 0, 0, 0, 0,
                        IPV6_NH_ICMPV6, 0, 1, 4, 0, 0, 0, 0 };
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 16, "2001:db8::1", &type, &code,
                                &param), 2);
    ck_assert_uint_eq(code, ICMP6_PARAMPROB_NH);
    ck_assert_uint_eq(param, 40);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_HBH_NOT_FIRST), 1);
    /* Hop-by-hop first, then destination options: fine. */
    ext[0] = IPV6_NH_DSTOPTS;
    ck_assert_int_eq(inject_ext(w, IPV6_NH_HOPOPT, ext, 16, "2001:db8::1", &type, &code,
                                &param), 1);
    /* An atomic fragment is a whole packet [RFC 6946]. */
    uint8_t frag[8] = { IPV6_NH_ICMPV6, 0, 0, 0, 0, 0, 0x12, 0x34 };
    ck_assert_int_eq(inject_ext(w, IPV6_NH_FRAGMENT, frag, 8, "2001:db8::1", &type, &code,
                                &param), 1);
    /* A next header nobody handles: code 1, pointing at byte 6. */
    uint8_t opts[8] = { 200, 0, 1, 4, 0, 0, 0, 0 };
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, opts, 8, "2001:db8::1", &type, &code,
                                &param), 2);
    ck_assert_uint_eq(code, ICMP6_PARAMPROB_NH);
    ck_assert_uint_eq(param, 40);
    v6_done(w);
}
END_TEST

/* --- ICMPv6 ----------------------------------------------------------------- */

START_TEST(test_bad_checksum_dropped)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    struct ip6_addr b2 = A6("2001:db8::2"), a1 = A6("2001:db8::1");
    uint8_t f[200];
    size_t n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &a1, 64, 0,
                      NULL, 0, echo_req, sizeof echo_req);
    f[14 + 40 + 9] ^= 1;  /* one bit of the data */
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ICMPV6_BAD_CSUM), 1);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    v6_done(w);
}
END_TEST

START_TEST(test_no_error_about_an_error)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    /* A destination unreachable behind an option that asks for a report:
     * still no error about it [RFC 4443 2.4(e.1)]. */
    struct ip6_addr b2 = A6("2001:db8::2"), a1 = A6("2001:db8::1");
    uint8_t err[56] = { ICMP6_DST_UNREACH, 3 };
    uint8_t ext[8] = { IPV6_NH_ICMPV6, 0, 0x9e, 4, 0, 0, 0, 0 };
    uint8_t f[200];
    size_t n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &a1, 64,
                      IPV6_NH_DSTOPTS, ext, 8, err, sizeof err);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_UNKNOWN_OPTION), 1);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    v6_done(w);
}
END_TEST

START_TEST(test_error_rate_limit)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    uint8_t type, code;
    uint32_t param;
    uint8_t ext[8] = { IPV6_NH_ICMPV6, 0, 0x9e, 4, 0, 0, 0, 0 };
    int sent = 0;
    for (int i = 0; i < 15; i++)
        sent += inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code, &param) == 2;
    /* [RFC 4443 2.4(f)] a bucket of ten, then none until it refills. */
    ck_assert_int_eq(sent, 10);
    hw_advance(w, 100 * MS);
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code,
                                &param), 2);
    ck_assert_int_eq(inject_ext(w, IPV6_NH_DSTOPTS, ext, 8, "2001:db8::1", &type, &code,
                                &param), 0);
    v6_done(w);
}
END_TEST

START_TEST(test_echo_reply_mirrors_request)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    struct ip6_addr b2 = A6("2001:db8::2"), a1 = A6("2001:db8::1");
    uint8_t f[200];
    size_t n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &a1, 64, 0,
                      NULL, 0, echo_req, sizeof echo_req);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    struct pkt *p = hw_take(w, HW_ALICE);
    const uint8_t *ip = p->data + 14;
    /* [RFC 4443 4.2] identifier, sequence and data unchanged; from the
     * address the request went to. */
    ck_assert_uint_eq(ip[40], ICMP6_ECHO_REPLY);
    ck_assert_mem_eq(ip + 44, echo_req + 4, sizeof echo_req - 4);
    ck_assert_mem_eq(ip + 8, a1.b, 16);
    ck_assert_mem_eq(ip + 24, b2.b, 16);
    pkt_free(p);
    v6_done(w);
}
END_TEST

/* [RFC 4291 2.5.3] ::1 is lo's on every host with IPv6: a packet to it
 * goes out of lo and comes back in, never onto a wire; one from a wire with
 * ::1 as its source or destination is dropped, with its reason. */
START_TEST(test_loopback_v6)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    struct ip6_addr lo6 = A6("::1"), b2 = A6("2001:db8::2"), a1 = A6("2001:db8::1");
    struct iface *ifc = NULL;
    struct ip6_addr src, nh;
    hw_enter(w);
    ck_assert_int_eq(ipv6_next_hop(ALICE(w), &lo6, &ifc, &src, &nh), 0);
    ck_assert_ptr_eq(ifc, &ALICE(w)->lo);
    ck_assert(ip6_addr_eq(&src, &lo6));
    ck_assert(ip6_addr_eq(&nh, &lo6));

    /* A ping to ::1 is answered by alice herself, and nothing is on her wire. */
    uint8_t data[4] = { 9, 8, 7, 6 };
    ck_assert_int_eq(icmp6_echo_send(ALICE(w), &lo6, 78, 1, data, sizeof data, 0), 0);
    hw_advance(w, 0);  /* lo delivers the request, at the same instant */
    hw_advance(w, 0);  /* and then the reply */
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 78, 1, &m));
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);

    /* From the wire: to ::1, then from ::1; neither is answered. */
    uint8_t f[200];
    size_t n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &b2, &lo6, 64, 0,
                      NULL, 0, echo_req, sizeof echo_req);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_LOOPBACK_WIRE), 1);
    n = frame6(f, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &lo6, &a1, 64, 0, NULL, 0,
               echo_req, sizeof echo_req);
    hw_inject(w, HW_ALICE, f, n);
    ck_assert_uint_eq(hw_count_drops(w, DROP_IPV6_LOOPBACK_WIRE), 2);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    v6_done(w);
}
END_TEST

/* A packet to one of the host's own addresses turns round on lo, as one to
 * ::1 does: before, alice solicited her own address on the wire, nobody
 * answered, and her ping to 2001:db8::1 was lost. */
START_TEST(test_own_address_turns_round_on_lo)
{
    struct hw_world *w = v6_world();
    resolve_both(w);
    struct ip6_addr a1 = A6("2001:db8::1");
    struct iface *ifc = NULL;
    struct ip6_addr src, nh;
    hw_enter(w);
    ck_assert_int_eq(ipv6_next_hop(ALICE(w), &a1, &ifc, &src, &nh), 0);
    ck_assert_ptr_eq(ifc, &ALICE(w)->lo);
    ck_assert(ip6_addr_eq(&src, &a1));
    const struct ip6_addr *ll = ipv6_linklocal(ALICE(w), &ALICE(w)->ifaces[0]);
    ck_assert_ptr_nonnull(ll);
    struct ip6_addr mine_ll = *ll;
    ck_assert_int_eq(ipv6_next_hop(ALICE(w), &mine_ll, &ifc, &src, &nh), 0);
    ck_assert_ptr_eq(ifc, &ALICE(w)->lo);

    uint8_t data[4] = { 1, 2, 3, 4 };
    ck_assert_int_eq(icmp6_echo_send(ALICE(w), &a1, 79, 1, data, sizeof data, 0), 0);
    hw_advance(w, 0);
    hw_advance(w, 0);
    struct icmp6_echo_msg m;
    ck_assert(icmp6_echo_take(ALICE(w), 79, 1, &m));
    ck_assert(ip6_addr_eq(&m.from, &a1));
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    v6_done(w);
}
END_TEST

static Suite *
ipv6_suite(void)
{
    Suite *s = suite_create("ipv6");
    TCase *tc = tcase_create("addresses");
    tcase_add_test(tc, test_addr_text_rfc5952);
    tcase_add_test(tc, test_solicited_node_and_mac);
    tcase_add_test(tc, test_linklocal_seeded_and_stable);
    tcase_add_test(tc, test_header_parse_rules);
    tcase_add_test(tc, test_describe_like_tcpdump);
    tcase_add_test(tc, test_ipv4_only_host_drops_ipv6);
    suite_add_tcase(s, tc);
    tc = tcase_create("nd");
    tcase_add_test(tc, test_nd_resolution_states);
    tcase_add_test(tc, test_nd_incomplete_gives_up);
    tcase_add_test(tc, test_nd_probe_gives_up);
    tcase_add_test(tc, test_nd_validation);
    tcase_add_test(tc, test_na_override_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("ext");
    tcase_add_test(tc, test_destination_options_unknown_option_actions);
    tcase_add_test(tc, test_routing_type0_refused);
    tcase_add_test(tc, test_header_order_and_next_header);
    suite_add_tcase(s, tc);
    tc = tcase_create("icmp6");
    tcase_add_test(tc, test_bad_checksum_dropped);
    tcase_add_test(tc, test_no_error_about_an_error);
    tcase_add_test(tc, test_error_rate_limit);
    tcase_add_test(tc, test_echo_reply_mirrors_request);
    tcase_add_test(tc, test_loopback_v6);
    tcase_add_test(tc, test_own_address_turns_round_on_lo);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(ipv6_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
