/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ra6.c - router discovery [RFC 4861 6], redirects [8], SLAAC and DAD
 * [RFC 4862] and address selection [RFC 6724].
 *
 * bob is a router advertising (or, for hand-made messages, the source they
 * claim); alice is a host. Frames move only when a test moves them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/addr6.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
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

/* Let s seconds pass, one at a time, delivering what was sent. */
static void
settle(struct hw_world *w, unsigned s)
{
    for (unsigned i = 0; i < s; i++) {
        hw_advance(w, SEC);
        hw_deliver(w);
    }
}

/* alice a host and bob a router, both with IPv6 on and their link-locals
 * through DAD; bob advertises nothing yet. */
static struct hw_world *
ra_world(void)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    BOB(w)->forwarding = true;
    ck_assert_int_eq(ipv6_enable(ALICE(w)), 0);
    ck_assert_int_eq(ipv6_enable(BOB(w)), 0);
    settle(w, 13);  /* DAD, then alice's three solicitations */
    return w;
}

static void
ra_done(struct hw_world *w)
{
    hw_destroy(w);
    free(w);
}

/* A frame from bob's MAC to alice's, IPv6 from src to dst, with an ICMPv6
 * message whose checksum is filled in. */
static size_t
frame6(uint8_t *f, const struct hw_world *w, const struct ip6_addr *src,
       const struct ip6_addr *dst, uint8_t hlim, const uint8_t *icmp, size_t icmp_len)
{
    uint8_t mac[ETH_ALEN];
    if (ip6_addr_is_multicast(dst))
        ip6_multicast_mac(dst, mac);
    else
        memcpy(mac, w->host[HW_ALICE].ifaces[0].mac, ETH_ALEN);
    memcpy(f, mac, ETH_ALEN);
    memcpy(f + 6, w->host[HW_BOB].ifaces[0].mac, ETH_ALEN);
    be16_put(f + 12, ETHERTYPE_IPV6);
    struct ipv6_hdr h = { .payload_len = (uint16_t)icmp_len, .next_header = IPV6_NH_ICMPV6,
                          .hop_limit = hlim, .src = *src, .dst = *dst };
    ipv6_emit(&h, f + 14);
    uint8_t *m = f + 14 + 40;
    memcpy(m, icmp, icmp_len);
    be16_put(m + 2, 0);
    uint32_t s = csum_pseudo_ipv6(src, dst, (uint32_t)icmp_len, IPV6_NH_ICMPV6);
    be16_put(m + 2, csum_finish(csum_add(s, m, icmp_len)));
    size_t n = 14 + 40 + icmp_len;
    if (n < ETH_MIN_FRAME) {
        memset(f + n, 0, ETH_MIN_FRAME - n);
        n = ETH_MIN_FRAME;
    }
    return n;
}

/* An RA: router lifetime, then one prefix option (len 64) with flags,
 * valid and preferred lifetimes, and bob's link-layer address. */
static size_t
ra_msg(uint8_t *m, const struct hw_world *w, uint16_t life, const char *prefix, uint8_t pflags,
       uint32_t valid, uint32_t pref)
{
    memset(m, 0, 56);
    m[0] = ND_ROUTER_ADVERT;
    m[4] = 64;
    be16_put(m + 6, life);
    m[16] = ND_OPT_SLLA;
    m[17] = 1;
    memcpy(m + 18, w->host[HW_BOB].ifaces[0].mac, ETH_ALEN);
    m[24] = 3;
    m[25] = 4;
    m[26] = 64;
    m[27] = pflags;
    be32_put(m + 28, valid);
    be32_put(m + 32, pref);
    struct ip6_addr p = A6(prefix);
    memcpy(m + 40, p.b, 16);
    return 56;
}

static void
inject_ra(struct hw_world *w, uint8_t hlim, const struct ip6_addr *src, const uint8_t *m,
          size_t n)
{
    uint8_t f[256];
    struct ip6_addr all = A6("ff02::1");
    size_t len = frame6(f, w, src, &all, hlim, m, n);
    hw_enter(w);
    hw_inject(w, HW_ALICE, f, len);
}

static const struct ip6_addr *
bob_ll(struct hw_world *w)
{
    return ipv6_linklocal(BOB(w), &BOB(w)->ifaces[0]);
}

static unsigned
n_routers(const struct host *h)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ND6_ROUTERS_MAX; i++)
        n += h->ip6->nd.routers[i].used;
    return n;
}

static const struct nd6_prefix *
onlink(const struct host *h, const char *prefix)
{
    struct ip6_addr p = A6(prefix);
    for (unsigned i = 0; i < ND6_PREFIXES_MAX; i++)
        if (h->ip6->nd.prefixes[i].used && ip6_addr_eq(&h->ip6->nd.prefixes[i].prefix, &p))
            return &h->ip6->nd.prefixes[i];
    return NULL;
}

/* The autoconfigured address of alice's eth0, or NULL. */
static const struct ip6_ifaddr *
slaac_addr(const struct host *h)
{
    const struct ip6_iface *i6 = &h->ip6->ifs[0];
    for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++)
        if (i6->addrs[k].used && i6->addrs[k].autoconf)
            return &i6->addrs[k];
    return NULL;
}

/* --- validation [RFC 4861 6.1.2] ------------------------------------------ */

START_TEST(test_ra_validation)
{
    struct hw_world *w = ra_world();
    uint8_t m[64];
    size_t n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 3600, 1800);
    struct ip6_addr global = A6("2001:db8::99");
    size_t before = hw_count_drops(w, DROP_ND_INVALID);
    /* Forwarded (hop limit 254), from a global address, with a zero-length
     * option: each refused, and nothing learned. */
    inject_ra(w, 254, bob_ll(w), m, n);
    inject_ra(w, 255, &global, m, n);
    m[25] = 0;
    inject_ra(w, 255, bob_ll(w), m, n);
    m[25] = 4;
    m[1] = 1;  /* code 1 */
    inject_ra(w, 255, bob_ll(w), m, n);
    m[1] = 0;
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_INVALID), before + 4);
    ck_assert_uint_eq(n_routers(ALICE(w)), 0);
    ck_assert_ptr_null(onlink(ALICE(w), "2001:db8:1::"));
    /* A good one is taken. */
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(n_routers(ALICE(w)), 1);
    ck_assert_ptr_nonnull(onlink(ALICE(w), "2001:db8:1::"));
    /* Its link-layer address made the router a STALE neighbour, a router. */
    const struct nd6_entry *e = nd6_lookup(ALICE(w), bob_ll(w));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->state, ND6_STALE);
    ck_assert(e->is_router);
    /* A router takes no configuration from another's advertisement. */
    hw_enter(w);
    uint8_t f[256];
    struct ip6_addr all = A6("ff02::1"), other_router = A6("fe80::77");
    size_t len = frame6(f, w, &other_router, &all, 255, m, n);
    hw_inject(w, HW_BOB, f, len);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_RA_AT_ROUTER), 1);
    ra_done(w);
}
END_TEST

/* --- the lists and their lifetimes [RFC 4861 6.3.4, 6.3.5] ---------------- */

START_TEST(test_router_and_prefix_lifetimes)
{
    struct hw_world *w = ra_world();
    uint8_t m[64];
    /* On-link (L) only, valid 20 s; router lifetime 30 s. */
    size_t n = ra_msg(m, w, 30, "2001:db8:1::", 0x80, 20, 10);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(n_routers(ALICE(w)), 1);
    ck_assert_ptr_nonnull(onlink(ALICE(w), "2001:db8:1::"));
    ck_assert_ptr_null(slaac_addr(ALICE(w)));  /* no A flag: no address */
    /* Next hop: on-link in the prefix, else the default router. */
    struct iface *ifc;
    struct ip6_addr nh, dst = A6("2001:db8:1::42"), far = A6("2001:db8:99::1");
    hw_enter(w);
    ck_assert_int_eq(nd6_next_hop(ALICE(w), &dst, &ifc, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, &dst));
    ck_assert_int_eq(nd6_next_hop(ALICE(w), &far, &ifc, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, bob_ll(w)));
    ck_assert_ptr_nonnull(nd6_dest_lookup(ALICE(w), &far));
    settle(w, 21);
    ck_assert_ptr_null(onlink(ALICE(w), "2001:db8:1::"));
    ck_assert_uint_eq(n_routers(ALICE(w)), 1);
    settle(w, 10);
    ck_assert_uint_eq(n_routers(ALICE(w)), 0);
    /* The destination went through it: it chooses again, and finds none
     * (not assumed on-link [RFC 4943]). */
    ck_assert_ptr_null(nd6_dest_lookup(ALICE(w), &far));
    hw_enter(w);
    ck_assert_int_eq(nd6_next_hop(ALICE(w), &far, &ifc, &nh), -ERR_NETUNREACH);
    /* Router lifetime 0 removes the router at once. */
    n = ra_msg(m, w, 1800, "2001:db8:1::", 0x80, 20, 10);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(n_routers(ALICE(w)), 1);
    n = ra_msg(m, w, 0, "2001:db8:1::", 0x80, 20, 10);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(n_routers(ALICE(w)), 0);
    ra_done(w);
}
END_TEST

/* --- SLAAC and DAD [RFC 4862] --------------------------------------------- */

START_TEST(test_slaac_address_then_dad)
{
    struct hw_world *w = ra_world();
    uint8_t m[64];
    size_t n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 86400, 3600);
    inject_ra(w, 255, bob_ll(w), m, n);
    const struct ip6_ifaddr *a = slaac_addr(ALICE(w));
    ck_assert_ptr_nonnull(a);
    /* The prefix, and an identifier from the same keyed hash as the
     * link-local's: not the MAC [RFC 7217]. */
    struct ip6_addr pfx = A6("2001:db8:1::"), want;
    ipv6_form_iid(ALICE(w), &ALICE(w)->ifaces[0], &pfx, &want);
    ck_assert(ip6_addr_eq(&a->addr, &want));
    ck_assert(ip6_prefix_match(&a->addr, &pfx, 64));
    ck_assert_int_eq(a->state, ADDR6_TENTATIVE);
    /* Tentative: not ours, and no source. */
    ck_assert(!ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &a->addr));
    ck_assert_ptr_null(ipv6_global_addr(ALICE(w)));
    /* Within the random delay (at most 1 s) the probe goes: from ::, to the
     * solicited-node group, no options [RFC 4862 5.4.2]. */
    hw_advance(w, SEC + 1);
    ck_assert_uint_ge(hw_pending(w, HW_ALICE), 1);
    struct pkt *p = hw_take(w, HW_ALICE);
    const uint8_t *b = p->data + 14;
    struct ip6_addr src, dst, sn, target;
    memcpy(src.b, b + 8, 16);
    memcpy(dst.b, b + 24, 16);
    memcpy(target.b, b + 48, 16);
    ip6_solicited_node(&a->addr, &sn);
    ck_assert(ip6_addr_is_unspecified(&src));
    ck_assert(ip6_addr_eq(&dst, &sn));
    ck_assert_uint_eq(b[40], ND_NEIGHBOR_SOLICIT);
    ck_assert(ip6_addr_eq(&target, &a->addr));
    ck_assert_uint_eq(be16_get(b + 4), ND_NS_LEN);
    pkt_free(p);
    /* RetransTimer later, no answer: preferred, and a source. */
    settle(w, 1);
    ck_assert_int_eq(a->state, ADDR6_PREFERRED);
    ck_assert(ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &a->addr));
    ck_assert_ptr_nonnull(ipv6_global_addr(ALICE(w)));
    ck_assert(ip6_addr_eq(ipv6_global_addr(ALICE(w)), &a->addr));
    /* The preferred lifetime (3600 s) ends: deprecated, still ours. */
    for (int i = 0; i < 61; i++)
        settle(w, 60);
    ck_assert_int_eq(a->state, ADDR6_DEPRECATED);
    ck_assert(ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &a->addr));
    ra_done(w);
}
END_TEST

START_TEST(test_two_hour_rule)
{
    struct hw_world *w = ra_world();
    uint8_t m[64];
    size_t n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 86400, 3600);
    inject_ra(w, 255, bob_ll(w), m, n);
    const struct ip6_ifaddr *a = slaac_addr(ALICE(w));
    ck_assert_ptr_nonnull(a);
    uint64_t now = w->now_ns;
    ck_assert_uint_eq(a->valid_until_ns, now + 86400 * SEC);
    /* A valid lifetime of 60 s cannot end it sooner than two hours
     * [RFC 4862 5.5.3 e]. */
    n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 60, 30);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(a->valid_until_ns, now + 7200 * SEC);
    ck_assert_uint_eq(a->preferred_until_ns, now + 30 * SEC);
    /* With two hours or less left, a short one is ignored. */
    n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 10, 0);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(a->valid_until_ns, now + 7200 * SEC);
    /* Above two hours, taken as it is. */
    n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 3 * 3600, 0);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(a->valid_until_ns, now + 3 * 3600 * SEC);
    /* Preferred above valid: the option is ignored for SLAAC. */
    n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 100 * 3600, 200 * 3600);
    inject_ra(w, 255, bob_ll(w), m, n);
    ck_assert_uint_eq(a->valid_until_ns, now + 3 * 3600 * SEC);
    ra_done(w);
}
END_TEST

START_TEST(test_dad_finds_a_duplicate)
{
    struct hw_world *w = ra_world();
    struct ip6_addr x = A6("2001:db8::7");
    hw_enter(w);
    ck_assert_int_eq(ipv6_addr_add(BOB(w), &BOB(w)->ifaces[0], &x, 64), 0);
    settle(w, 3);
    ck_assert(ipv6_is_mine(BOB(w), &BOB(w)->ifaces[0], &x));
    /* alice is given bob's address: her probe is answered by bob's
     * advertisement to all nodes, and she never uses it [RFC 4862 5.4.4]. */
    hw_enter(w);
    ck_assert_int_eq(ipv6_addr_add(ALICE(w), &ALICE(w)->ifaces[0], &x, 64), 0);
    settle(w, 3);
    const struct ip6_iface *i6 = &ALICE(w)->ip6->ifs[0];
    ck_assert(i6->addrs[1].used);
    ck_assert_int_eq(i6->addrs[1].state, ADDR6_DUPLICATE);
    ck_assert(!ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &x));
    ck_assert_ptr_null(ipv6_global_addr(ALICE(w)));
    ck_assert(ipv6_is_mine(BOB(w), &BOB(w)->ifaces[0], &x));
    const struct hw_event *ev = hw_last(w, TRACE_STATE, LAYER_IPV6, HW_ALICE);
    ck_assert_ptr_nonnull(ev);
    ck_assert_ptr_nonnull(strstr(ev->text, "duplicate"));
    ra_done(w);
}
END_TEST

/* A SLAAC address someone else holds: a new identifier with DAD_Counter 1
 * [RFC 7217 6], which passes. */
START_TEST(test_slaac_duplicate_tries_a_new_identifier)
{
    struct hw_world *w = ra_world();
    struct ip6_addr pfx = A6("2001:db8:1::"), first, second;
    ipv6_form_iid(ALICE(w), &ALICE(w)->ifaces[0], &pfx, &first);
    ipv6_form_iid_n(ALICE(w), &ALICE(w)->ifaces[0], &pfx, 1, &second);
    ck_assert(!ip6_addr_eq(&first, &second));
    hw_enter(w);
    ck_assert_int_eq(ipv6_addr_add(BOB(w), &BOB(w)->ifaces[0], &first, 64), 0);
    settle(w, 3);
    uint8_t m[64];
    size_t n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 86400, 3600);
    inject_ra(w, 255, bob_ll(w), m, n);
    settle(w, 5);
    const struct ip6_ifaddr *a = slaac_addr(ALICE(w));
    ck_assert_ptr_nonnull(a);
    ck_assert(ip6_addr_eq(&a->addr, &second));
    ck_assert_uint_eq(a->dad_counter, 1);
    ck_assert_int_eq(a->state, ADDR6_PREFERRED);
    ck_assert(!ipv6_is_mine(ALICE(w), &ALICE(w)->ifaces[0], &first));
    ck_assert(ipv6_is_mine(BOB(w), &BOB(w)->ifaces[0], &first));
    ra_done(w);
}
END_TEST

START_TEST(test_dad_simultaneous_probes)
{
    /* Two nodes probing for one address at once: each hears the other's
     * probe while tentative, and neither takes it [RFC 4862 5.4.3]. */
    struct hw_world *w = ra_world();
    struct ip6_addr x = A6("2001:db8::8");
    hw_enter(w);
    ck_assert_int_eq(ipv6_addr_add(BOB(w), &BOB(w)->ifaces[0], &x, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(ALICE(w), &ALICE(w)->ifaces[0], &x, 64), 0);
    settle(w, 3);
    ck_assert_int_eq(ALICE(w)->ip6->ifs[0].addrs[1].state, ADDR6_DUPLICATE);
    ck_assert_int_eq(BOB(w)->ip6->ifs[0].addrs[1].state, ADDR6_DUPLICATE);
    ra_done(w);
}
END_TEST

/* --- the router's side [RFC 4861 6.2] ------------------------------------- */

START_TEST(test_router_advertises_and_answers)
{
    struct hw_world *w = ra_world();
    struct ra6_config cfg;
    ra6_config_defaults(&cfg);
    cfg.n_prefixes = 1;
    cfg.prefixes[0] = (struct ra6_prefix){ .prefix = A6("2001:db8:1::"), .len = 64,
                                           .on_link = true, .autonomous = true,
                                           .valid_s = 86400, .preferred_s = 3600 };
    cfg.mtu = 1400;
    hw_enter(w);
    /* Only a router advertises. */
    ck_assert_int_eq(ra6_advertise(ALICE(w), &ALICE(w)->ifaces[0], &cfg), -ERR_INVAL);
    ck_assert_int_eq(ra6_advertise(BOB(w), &BOB(w)->ifaces[0], &cfg), 0);
    /* The first advertisement at once, then the initial ones at most 16 s
     * apart [6.2.4]. */
    hw_advance(w, 1);
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ND_ROUTER_ADVERT], 1);
    const struct pkt *p = hw_peek(w, HW_BOB);
    ck_assert_ptr_nonnull(p);
    const uint8_t *b = p->data + 14;
    ck_assert_uint_eq(b[7], 255);                       /* hop limit */
    ck_assert_uint_eq(b[24], 0xff);                     /* to ff02::1 */
    ck_assert_uint_eq(b[39], 1);
    ck_assert_uint_eq(b[40], ND_ROUTER_ADVERT);
    ck_assert_uint_eq(be16_get(b + 46), 1800);          /* router lifetime */
    hw_deliver(w);
    ck_assert_ptr_nonnull(slaac_addr(ALICE(w)));
    ck_assert_uint_eq(n_routers(ALICE(w)), 1);
    ck_assert_uint_eq(nd6_link_mtu(ALICE(w), &ALICE(w)->ifaces[0]), 1400);
    for (unsigned k = 2; k <= 3; k++) {
        settle(w, 16);
        ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ND_ROUTER_ADVERT], k);
    }
    /* After the initial three, MinRtrAdvInterval (200 s) at least. */
    settle(w, 199);
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ND_ROUTER_ADVERT], 3);
    /* A solicitation is answered within MAX_RA_DELAY_TIME (0.5 s) once
     * MIN_DELAY_BETWEEN_RAS (3 s) has passed since the last [6.2.6]. */
    uint8_t rs[16] = { ND_ROUTER_SOLICIT };
    rs[8] = ND_OPT_SLLA;
    rs[9] = 1;
    memcpy(rs + 10, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    const struct ip6_addr *all_ll = ipv6_linklocal(ALICE(w), &ALICE(w)->ifaces[0]);
    struct ip6_addr routers = A6("ff02::2");
    uint8_t f[128];
    size_t len = frame6(f, w, all_ll, &routers, 255, rs, sizeof rs);
    hw_enter(w);
    hw_inject(w, HW_BOB, f, len);
    hw_advance(w, 500 * MS + 1);
    ck_assert_uint_eq(BOB(w)->ip6->icmp6_tx_type[ND_ROUTER_ADVERT], 4);
    /* It taught bob alice's address (STALE) [6.2.6]. */
    const struct nd6_entry *e = nd6_lookup(BOB(w), all_ll);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->state, ND6_STALE);
    /* An interface that does not advertise drops solicitations: bob
     * dropped alice's three before he advertised. */
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_RS_NOT_ROUTER), 3);

    ra_done(w);
}
END_TEST

/* A packet for a destination off every prefix goes to the default router's
 * MAC, with the destination unchanged in the IPv6 header [RFC 4861 5.2]. */
START_TEST(test_off_link_goes_to_default_router)
{
    struct hw_world *w = ra_world();
    uint8_t m[64];
    size_t n = ra_msg(m, w, 1800, "2001:db8:1::", 0xc0, 86400, 3600);
    inject_ra(w, 255, bob_ll(w), m, n);
    for (int i = 0; i < 3; i++) {  /* alice's SLAAC address through DAD */
        hw_advance(w, SEC);
        hw_lose(w, HW_ALICE);
    }
    const struct ip6_ifaddr *a = slaac_addr(ALICE(w));
    ck_assert_int_eq(a->state, ADDR6_PREFERRED);
    struct ip6_addr far = A6("2001:db8:99::1");
    uint8_t data[8] = { 0 };
    hw_enter(w);
    ck_assert_int_eq(icmp6_echo_send(ALICE(w), &far, 7, 1, data, sizeof data, 0), 0);
    const struct pkt *p = hw_peek(w, HW_ALICE);
    ck_assert_ptr_nonnull(p);
    /* bob's entry was STALE from the advertisement's link-layer option: the
     * packet goes at once, to bob's MAC. */
    ck_assert_mem_eq(p->data, BOB(w)->ifaces[0].mac, ETH_ALEN);
    struct ip6_addr src, dst;
    memcpy(src.b, p->data + 14 + 8, 16);
    memcpy(dst.b, p->data + 14 + 24, 16);
    ck_assert(ip6_addr_eq(&dst, &far));
    ck_assert(ip6_addr_eq(&src, &a->addr));  /* RFC 6724: the global source */
    const struct nd6_entry *e = nd6_lookup(ALICE(w), bob_ll(w));
    ck_assert_int_eq(e->state, ND6_DELAY);
    hw_lose(w, HW_ALICE);
    ra_done(w);
}
END_TEST

/* --- redirects [RFC 4861 8] ----------------------------------------------- */

START_TEST(test_redirect_updates_destination_cache)
{
    struct hw_world *w = ra_world();
    uint8_t m[64];
    size_t n = ra_msg(m, w, 1800, "2001:db8:1::", 0x80, 86400, 3600);
    inject_ra(w, 255, bob_ll(w), m, n);
    struct ip6_addr far = A6("2001:db8:99::1"), better = A6("fe80::99");
    struct iface *ifc;
    struct ip6_addr nh;
    hw_enter(w);
    ck_assert_int_eq(nd6_next_hop(ALICE(w), &far, &ifc, &nh), 0);
    ck_assert(ip6_addr_eq(&nh, bob_ll(w)));
    uint8_t r[48] = { ND_REDIRECT };
    memcpy(r + 8, better.b, 16);
    memcpy(r + 24, far.b, 16);
    r[40] = ND_OPT_TLLA;
    r[41] = 1;
    static const uint8_t mac99[ETH_ALEN] = { 2, 0, 0, 0, 0, 0x99 };
    memcpy(r + 42, mac99, ETH_ALEN);
    uint8_t f[160];
    const struct ip6_addr *all_ll = ipv6_linklocal(ALICE(w), &ALICE(w)->ifaces[0]);
    /* From someone who is not the first hop for far: ignored [8.1]. */
    struct ip6_addr other = A6("fe80::5");
    size_t len = frame6(f, w, &other, all_ll, 255, r, 48);
    hw_inject(w, HW_ALICE, f, len);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_REDIRECT_INVALID), 1);
    /* From bob, the first hop: far now goes to fe80::99, whose link-layer
     * address the redirect gave (STALE, a router) [8.3]. */
    len = frame6(f, w, bob_ll(w), all_ll, 255, r, sizeof r);
    hw_inject(w, HW_ALICE, f, len);
    const struct nd6_dest *d = nd6_dest_lookup(ALICE(w), &far);
    ck_assert_ptr_nonnull(d);
    ck_assert(d->redirected);
    ck_assert(ip6_addr_eq(&d->next_hop, &better));
    const struct nd6_entry *e = nd6_lookup(ALICE(w), &better);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->state, ND6_STALE);
    ck_assert_mem_eq(e->mac, mac99, ETH_ALEN);
    ck_assert(e->is_router);
    /* A redirect for a multicast destination is invalid. */
    struct ip6_addr mc = A6("ff0e::1");
    memcpy(r + 24, mc.b, 16);
    len = frame6(f, w, bob_ll(w), all_ll, 255, r, sizeof r);
    hw_inject(w, HW_ALICE, f, len);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ND_REDIRECT_INVALID), 2);
    ra_done(w);
}
END_TEST

/* --- address selection [RFC 6724] ----------------------------------------- */

START_TEST(test_source_selection_rules)
{
    struct hw_world *w = ra_world();
    struct host *a = ALICE(w);
    struct iface *e0 = &a->ifaces[0];
    struct ip6_addr g1 = A6("2001:db8:1::5"), g2 = A6("2001:db8:2::5"), s;
    hw_enter(w);
    ck_assert_int_eq(ipv6_addr_add(a, e0, &g1, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(a, e0, &g2, 64), 0);
    settle(w, 3);
    const struct ip6_addr *ll = ipv6_linklocal(a, e0);
    /* Rule 1: the destination itself. */
    ck_assert(addr6_select_source(a, e0, &g2, &s));
    ck_assert(ip6_addr_eq(&s, &g2));
    /* Rule 2: a link-local destination gets the link-local source; a
     * global one a global source. */
    struct ip6_addr lld = A6("fe80::1234");
    ck_assert(addr6_select_source(a, e0, &lld, &s));
    ck_assert(ip6_addr_eq(&s, ll));
    /* Rule 8: the longest matching prefix. */
    struct ip6_addr d1 = A6("2001:db8:1::99"), d2 = A6("2001:db8:2::99");
    ck_assert(addr6_select_source(a, e0, &d1, &s));
    ck_assert(ip6_addr_eq(&s, &g1));
    ck_assert(addr6_select_source(a, e0, &d2, &s));
    ck_assert(ip6_addr_eq(&s, &g2));
    /* Rule 3 before rule 8: a deprecated address loses. */
    a->ip6->ifs[0].addrs[1].state = ADDR6_DEPRECATED;
    ck_assert(addr6_select_source(a, e0, &d1, &s));
    ck_assert(ip6_addr_eq(&s, &g2));
    /* Tentative and duplicate addresses are no candidates. */
    a->ip6->ifs[0].addrs[2].state = ADDR6_TENTATIVE;
    ck_assert(addr6_select_source(a, e0, &d2, &s));
    ck_assert(ip6_addr_eq(&s, &g1));
    /* The policy table [RFC 6724 2.1]. */
    struct ip6_addr lo = A6("::1"), v4 = A6("::ffff:c000:201"), ula = A6("fd00::1"),
                    teredo = A6("2001:0:1::1");
    ck_assert_uint_eq(addr6_precedence(&lo), 50);
    ck_assert_uint_eq(addr6_precedence(&d1), 40);
    ck_assert_uint_eq(addr6_precedence(&v4), 35);
    ck_assert_uint_eq(addr6_label(&v4), 4);
    ck_assert_uint_eq(addr6_precedence(&ula), 3);
    ck_assert_uint_eq(addr6_label(&teredo), 5);
    ra_done(w);
}
END_TEST

START_TEST(test_destination_selection_dual_stack)
{
    struct hw_world *w = ra_world();
    struct host *a = ALICE(w);
    struct ip6_addr v6 = A6("2001:db8:2::9"), g = A6("2001:db8:1::5");
    const char *why = NULL;
    hw_enter(w);
    /* Only a link-local: the global IPv6 destination's source would be of
     * a smaller scope, IPv4's matches: IPv4 [RFC 6724 6 rule 2]. */
    ck_assert(!addr6_prefer_ipv6(a, &v6, 0xc6336409u, &why));
    ck_assert_ptr_nonnull(strstr(why, "rule 2"));
    /* With a global address: precedence 40 against 35, IPv6 (rule 6). */
    ck_assert_int_eq(ipv6_addr_add(a, &a->ifaces[0], &g, 64), 0);
    ck_assert(!addr6_prefer_ipv6(a, &v6, 0xc6336409u, &why));  /* still tentative */
    settle(w, 3);
    ck_assert(addr6_prefer_ipv6(a, &v6, 0xc6336409u, &why));
    ck_assert_ptr_nonnull(strstr(why, "rule 6"));
    ra_done(w);
}
END_TEST

static Suite *
ra6_suite(void)
{
    Suite *s = suite_create("ra6");
    TCase *tc = tcase_create("router discovery");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ra_validation);
    tcase_add_test(tc, test_router_and_prefix_lifetimes);
    tcase_add_test(tc, test_router_advertises_and_answers);
    tcase_add_test(tc, test_redirect_updates_destination_cache);
    tcase_add_test(tc, test_off_link_goes_to_default_router);
    suite_add_tcase(s, tc);
    tc = tcase_create("addresses");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_slaac_address_then_dad);
    tcase_add_test(tc, test_two_hour_rule);
    tcase_add_test(tc, test_dad_finds_a_duplicate);
    tcase_add_test(tc, test_dad_simultaneous_probes);
    tcase_add_test(tc, test_slaac_duplicate_tries_a_new_identifier);
    tcase_add_test(tc, test_source_selection_rules);
    tcase_add_test(tc, test_destination_selection_dual_stack);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(ra6_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
