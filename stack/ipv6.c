/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6.c - IPv6 on a host [RFC 8200]: addresses (link-local with a stable,
 * seeded interface identifier [RFC 7217]), the header in and out, and the
 * extension headers in the order they come [RFC 8200 4.1].
 *
 * A router forwards what is not for it [RFC 8200 3]: the hop limit goes
 * down by one (time exceeded at 0 or 1 [RFC 4443 3.3]), no route is a
 * destination unreachable [RFC 4443 3.1], a packet larger than the next
 * link's MTU a packet too big [RFC 4443 3.2] (routers never fragment), and
 * nothing with a link-local source or destination leaves its link
 * [RFC 4291 2.5.6]. The source fragments what exceeds its path MTU
 * (ipv6_frag.c), which packet too big messages lower [RFC 8201].
 *
 * Called by: eth_input() (in), icmp6.c and nd6.c (out), host.c (timers).
 * Calls: icmp6_input(), icmp6_send_error(), nd6_output(), eth_output(),
 * route6_lookup(), ipv6_fragment_output(), ipv6_reasm_input().
 */
#include "stack/ipv6.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/addr6.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/icmp6.h"
#include "stack/nd6.h"
#include "stack/pkt.h"
#include "stack/route6.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"

/* [RFC 4443 2.4(f)] a token bucket: ten errors at once, then one per 100 ms. */
#define ICMP6_ERR_BURST       10u
#define ICMP6_ERR_INTERVAL_NS (100ull * 1000 * 1000)

static struct ip6_iface *
v6if(const struct host *h, const struct iface *ifc)
{
    if (h->ip6 == NULL || ifc == NULL || ifc->loopback || ifc->index >= HOST_MAX_IFACES)
        return NULL;
    struct ip6_iface *i6 = &h->ip6->ifs[ifc->index];
    return i6->enabled ? i6 : NULL;
}

/* [RFC 7217 5] RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter,
 * secret_key), F a keyed hash (SipHash-2-4, as the ISNs use [RFC 6528]).
 * The key comes from the host's seeded generator: the same seed gives the
 * same address, another seed another one, and nothing in it is the MAC
 * [RFC 7721 3]. Network_ID is empty; DAD_Counter is 0, and one more for each
 * SLAAC address DAD found taken [RFC 7217 6]. */
void
ipv6_form_iid_n(const struct host *h, const struct iface *ifc, const struct ip6_addr *prefix,
                unsigned dad_counter, struct ip6_addr *out)
{
    uint8_t in[8 + IFACE_NAME_LEN + 1];
    memcpy(in, prefix->b, 8);
    memcpy(in + 8, ifc->name, IFACE_NAME_LEN);
    in[8 + IFACE_NAME_LEN] = (uint8_t)dad_counter;  /* DAD_Counter */
    uint64_t rid = tcp_siphash24(h->ip6->iid_key, in, sizeof in);
    memcpy(out->b, prefix->b, 8);
    for (int i = 0; i < 8; i++)
        out->b[8 + i] = (uint8_t)(rid >> (56 - 8 * i));
}

void
ipv6_form_iid(const struct host *h, const struct iface *ifc, const struct ip6_addr *prefix,
              struct ip6_addr *out)
{
    ipv6_form_iid_n(h, ifc, prefix, 0, out);
}

static void
iface_enable(struct host *h, struct iface *ifc)
{
    struct ip6_iface *i6 = &h->ip6->ifs[ifc->index];
    if (i6->enabled || ifc->loopback)
        return;
    struct ip6_addr ll = { .b = { 0xfe, 0x80 } };
    ipv6_form_iid(h, ifc, &ll, &ll);
    i6->enabled = true;
    i6->addrs[0] = (struct ip6_ifaddr){ .addr = ll, .prefix_len = 64, .used = true,
                                        .preferred_until_ns = UINT64_MAX,
                                        .valid_until_ns = UINT64_MAX };
    char a[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4291 2.5.6",
                "%s gets link-local %s/64: fe80::/64 and an interface identifier from a keyed "
                "hash of the prefix and interface name [RFC 7217 5], stable for this seed",
                ifc->name, ip6_addr_str(&ll, a));
    addr6_dad_start(h, ifc, &i6->addrs[0]);
}

int
ipv6_enable(struct host *h)
{
    if (h->ip6 == NULL) {
        struct ip6_host *s = calloc(1, sizeof *s);
        if (s == NULL)
            return -ERR_NOBUFS;
        s->iid_key[0] = rng_next(&h->rng);
        s->iid_key[1] = rng_next(&h->rng);
        s->hop_limit = IPV6_DEFAULT_HLIM;
        s->dad_transmits = ADDR6_DUP_ADDR_DETECT_TRANSMITS;
        s->err_burst = ICMP6_ERR_BURST;
        s->err_tokens = ICMP6_ERR_BURST;
        s->err_interval_ns = ICMP6_ERR_INTERVAL_NS;
        s->err_refill_ns = h->now_ns;
        s->next_echo_id = (uint16_t)(1 + rng_below(&h->rng, 1000));
        /* [RFC 4861 6.3.2] ReachableTime is BaseReachableTime times a
         * uniform factor in [MIN_RANDOM_FACTOR, MAX_RANDOM_FACTOR) = [0.5, 1.5). */
        s->nd.reachable_ns = ND6_BASE_REACHABLE_NS / 2 + rng_below(&h->rng, ND6_BASE_REACHABLE_NS);
        s->nd.retrans_ns = ND6_RETRANS_TIMER_NS;
        s->nd.base_reachable_ns = ND6_BASE_REACHABLE_NS;
        /* Router discovery and DAD draw from their own generator, keyed
         * from the host's: the draws above stay what they were. */
        rng_seed(&s->nd.rng, s->iid_key[0] ^ s->iid_key[1], 0x6e6436u);
        /* [RFC 7739 5.3.3] the fragment identification secret: derived from
         * the RFC 7217 key by a keyed hash (not drawn from the generator, so
         * every other number a seed gives stays where it was). */
        static const uint8_t label_a[] = "fragment id key a", label_b[] = "fragment id key b";
        s->frag.id_key[0] = tcp_siphash24(s->iid_key, label_a, sizeof label_a);
        s->frag.id_key[1] = tcp_siphash24(s->iid_key, label_b, sizeof label_b);
        h->ip6 = s;
    }
    for (unsigned i = 0; i < h->n_ifaces; i++)
        iface_enable(h, &h->ifaces[i]);
    return 0;
}

struct ip6_ifaddr *
ipv6_addr_insert(struct host *h, struct iface *ifc, const struct ip6_addr *addr,
                 unsigned prefix_len)
{
    struct ip6_iface *i6 = &h->ip6->ifs[ifc->index];
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++)
        if (i6->addrs[k].used && ip6_addr_eq(&i6->addrs[k].addr, addr))
            return NULL;
    for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++) {
        struct ip6_ifaddr *a = &i6->addrs[k];
        if (a->used)
            continue;
        *a = (struct ip6_ifaddr){ .addr = *addr, .prefix_len = (uint8_t)prefix_len,
                                  .used = true, .preferred_until_ns = UINT64_MAX,
                                  .valid_until_ns = UINT64_MAX };
        /* [RFC 4862 5.4] every unicast address is tested before use. */
        addr6_dad_start(h, ifc, a);
        return a;
    }
    return NULL;
}

int
ipv6_addr_add(struct host *h, struct iface *ifc, const struct ip6_addr *addr,
              unsigned prefix_len)
{
    if (ip6_addr_is_multicast(addr) || ip6_addr_is_unspecified(addr) || prefix_len > 128 ||
        ifc->loopback)
        return -ERR_INVAL;
    int r = ipv6_enable(h);
    if (r < 0)
        return r;
    struct ip6_iface *i6 = &h->ip6->ifs[ifc->index];
    bool full = true;
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
        if (i6->addrs[k].used && ip6_addr_eq(&i6->addrs[k].addr, addr))
            return -ERR_ADDRINUSE;
        if (k > 0 && !i6->addrs[k].used)
            full = false;
    }
    if (full)
        return -ERR_NOBUFS;
    char a[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4861 5.1",
                "%s gets %s/%u, set by hand: every address of that prefix is on this link",
                ifc->name, ip6_addr_str(addr, a), prefix_len);
    return ipv6_addr_insert(h, ifc, addr, prefix_len) != NULL ? 0 : -ERR_NOBUFS;
}

const struct ip6_addr *
ipv6_linklocal(const struct host *h, const struct iface *ifc)
{
    const struct ip6_iface *i6 = v6if(h, ifc);
    return i6 != NULL ? &i6->addrs[0].addr : NULL;
}

const struct ip6_addr *
ipv6_global_addr(const struct host *h)
{
    for (unsigned i = 0; h->ip6 != NULL && i < h->n_ifaces; i++) {
        const struct ip6_iface *i6 = &h->ip6->ifs[i];
        for (unsigned k = 1; i6->enabled && k < IP6_ADDRS_PER_IFACE; k++)
            if (i6->addrs[k].used && (i6->addrs[k].state == ADDR6_PREFERRED ||
                                      i6->addrs[k].state == ADDR6_DEPRECATED))
                return &i6->addrs[k].addr;
    }
    return NULL;
}

bool
ipv6_is_mine(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr)
{
    /* [RFC 4862 5.4] a tentative address is not yet this host's, and a
     * duplicate one never is. */
    return addr6_usable(h, ifc, addr);
}

bool
ipv6_in_group(const struct host *h, const struct iface *ifc, const struct ip6_addr *g)
{
    const struct ip6_iface *i6 = v6if(h, ifc);
    if (i6 == NULL || !ip6_addr_is_multicast(g))
        return false;
    struct ip6_addr m;
    ip6_all_nodes(&m);
    if (ip6_addr_eq(g, &m))
        return true;
    /* [RFC 4291 2.7.1] a router joins all-routers, ff02::2. */
    static const struct ip6_addr all_routers = { .b = { 0xff, 0x02, [15] = 2 } };
    if (ifc->host->forwarding && ip6_addr_eq(g, &all_routers))
        return true;
    /* [RFC 4862 5.4.2] a tentative address's group is joined (DAD listens
     * there); a duplicate's is left. */
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
        if (!i6->addrs[k].used || i6->addrs[k].state == ADDR6_DUPLICATE)
            continue;
        ip6_solicited_node(&i6->addrs[k].addr, &m);
        if (ip6_addr_eq(g, &m))
            return true;
    }
    return false;
}

bool
ipv6_mac_wanted(const struct iface *ifc, const uint8_t mac[ETH_ALEN])
{
    const struct ip6_iface *i6 = v6if(ifc->host, ifc);
    if (i6 == NULL || mac[0] != 0x33 || mac[1] != 0x33)
        return false;
    /* The groups this interface joined, mapped as RFC 2464 7 maps them (a
     * NIC's multicast filter; what it passes ipv6_input checks again). */
    uint8_t want[ETH_ALEN];
    struct ip6_addr g;
    ip6_all_nodes(&g);
    ip6_multicast_mac(&g, want);
    if (memcmp(want, mac, ETH_ALEN) == 0)
        return true;
    static const struct ip6_addr all_routers = { .b = { 0xff, 0x02, [15] = 2 } };
    ip6_multicast_mac(&all_routers, want);
    if (ifc->host->forwarding && memcmp(want, mac, ETH_ALEN) == 0)
        return true;
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
        if (!i6->addrs[k].used || i6->addrs[k].state == ADDR6_DUPLICATE)
            continue;
        ip6_solicited_node(&i6->addrs[k].addr, &g);
        ip6_multicast_mac(&g, want);
        if (memcmp(want, mac, ETH_ALEN) == 0)
            return true;
    }
    return false;
}

static const char *
nh_name(uint8_t nh)
{
    switch (nh) {
    case IPV6_NH_HOPOPT: return "hop-by-hop options";
    case IPV6_NH_TCP: return "TCP";
    case IPV6_NH_UDP: return "UDP";
    case IPV6_NH_ROUTING: return "routing";
    case IPV6_NH_FRAGMENT: return "fragment";
    case IPV6_NH_ICMPV6: return "ICMPv6";
    case IPV6_NH_NONE: return "no next header";
    case IPV6_NH_DSTOPTS: return "destination options";
    default: return "unknown";
    }
}

/* Send a parameter problem about p, then drop it. */
static void
param_problem(struct host *h, struct pkt *p, uint8_t code, uint32_t pointer, bool mcast_ok,
              enum drop_reason why)
{
    icmp6_send_error(h, p, ICMP6_PARAM_PROB, code, pointer, mcast_ok);
    pkt_drop(h, p, LAYER_IPV6, why);
}

/* The TLV options of a hop-by-hop or destination options header at
 * b[off..off+len) of the packet whose IPv6 header is b [RFC 8200 4.2].
 * Returns false after dropping p. */
static bool
process_options(struct host *h, struct pkt *p, const struct ipv6_hdr *hdr, size_t off,
                size_t len, const char *what)
{
    const uint8_t *b = p->data;
    size_t o = off + 2, end = off + len;
    while (o < end) {
        uint8_t type = b[o];
        if (type == 0) {  /* Pad1 */
            o++;
            continue;
        }
        if (o + 2 > end || o + 2 + b[o + 1] > end) {
            param_problem(h, p, ICMP6_PARAMPROB_HEADER, (uint32_t)o, false, DROP_IPV6_BAD_EXT);
            return false;
        }
        size_t olen = 2u + b[o + 1];
        /* PadN (1) and Router Alert (5, [RFC 2711]) are known: skip them. */
        if (type != 1 && type != 5) {
            /* [RFC 8200 4.2] the two high bits of an unknown option's type
             * say what to do: 00 skip, 01 discard, 10 discard and send a
             * parameter problem even to a multicast, 11 discard and send one
             * only if the destination was not multicast. */
            unsigned action = type >> 6;
            if (action != 0) {
                trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.2",
                            "%s option type 0x%02x unknown; its top bits %u%u say discard%s",
                            what, type, action >> 1, action & 1,
                            action == 1 ? " quietly" :
                            action == 2 ? " and report, even to a multicast" :
                            ip6_addr_is_multicast(&hdr->dst) ? ", and no report: the destination is multicast" :
                            " and report");
                if (action == 1 || (action == 3 && ip6_addr_is_multicast(&hdr->dst))) {
                    pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_UNKNOWN_OPTION);
                } else {
                    param_problem(h, p, ICMP6_PARAMPROB_OPTION, (uint32_t)o, action == 2,
                                  DROP_IPV6_UNKNOWN_OPTION);
                }
                return false;
            }
            trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.2",
                        "%s option type 0x%02x unknown; its top bits 00 say skip it", what,
                        type);
        }
        o += olen;
    }
    return true;
}

/* Whether dst is ours: an address of the interface it came in on, or (a
 * weak host, as Linux is [RFC 1122 3.3.4.2]) a global address of another
 * interface. A link-local address belongs to its own link only. */
static bool
is_mine_any(const struct host *h, const struct iface *ifc, const struct ip6_addr *dst)
{
    if (ipv6_is_mine(h, ifc, dst))
        return true;
    if (ip6_addr_is_linklocal(dst))
        return false;
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (&h->ifaces[i] != ifc && ipv6_is_mine(h, &h->ifaces[i], dst))
            return true;
    return false;
}

/* dst is an address this host holds on any of its interfaces (usable: not
 * tentative, not duplicate), so a packet to it turns round on lo. */
static bool
is_own_unicast(const struct host *h, const struct ip6_addr *dst)
{
    if (ip6_addr_is_multicast(dst) || ip6_addr_is_unspecified(dst))
        return false;
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (ipv6_is_mine(h, &h->ifaces[i], dst))
            return true;
    return false;
}

/* A router forwards a packet that is not for it [RFC 8200 3]. */
static void
ipv6_forward(struct host *h, struct iface *in, struct pkt *p, const struct ipv6_hdr *hdr)
{
    char s[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN];
    ip6_addr_str(&hdr->src, s);
    ip6_addr_str(&hdr->dst, d);
    if (ip6_addr_is_linklocal(&hdr->dst) || ip6_addr_is_linklocal(&hdr->src) ||
        ip6_addr_is_unspecified(&hdr->src)) {
        /* [RFC 4291 2.5.6] "Routers must not forward any packets with
         * Link-Local source or destination addresses to other links." The
         * sender of a link-local source hears "beyond scope of source
         * address" [RFC 4443 3.1]. */
        trace_rx(h, LAYER_IPV6, p, "RFC 4291 2.5.6",
                 "%s > %s: not mine, and a link-local %s stays on its link: not forwarded", s,
                 d, ip6_addr_is_linklocal(&hdr->dst) ? "destination" : "source");
        if (ip6_addr_is_linklocal(&hdr->src) && !ip6_addr_is_linklocal(&hdr->dst))
            icmp6_send_error(h, p, ICMP6_DST_UNREACH, ICMP6_UNREACH_BEYOND_SCOPE, 0, false);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_LINKLOCAL_FWD);
        return;
    }
    if (hdr->hop_limit <= 1) {
        /* [RFC 8200 3] each node that forwards the packet decrements the
         * hop limit; at zero it is discarded, and [RFC 4443 3.3] the router
         * sends time exceeded, code 0. */
        trace_rx(h, LAYER_IPV6, p, "RFC 4443 3.3",
                 "%s > %s: not mine, hop limit %u: it would reach 0 here", s, d,
                 hdr->hop_limit);
        icmp6_send_error(h, p, ICMP6_TIME_EXCEEDED, ICMP6_TIMEEX_HOPLIMIT, 0, false);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_HOP_LIMIT);
        return;
    }
    struct iface *out;
    struct ip6_addr src, nh;
    if (ipv6_next_hop(h, &hdr->dst, &out, &src, &nh) < 0) {
        trace_rx(h, LAYER_IPV6, p, "RFC 4443 3.1", "%s > %s: not mine, and no route to it", s,
                 d);
        icmp6_send_error(h, p, ICMP6_DST_UNREACH, ICMP6_UNREACH_NOROUTE, 0, false);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
        return;
    }
    if (p->len > out->mtu) {
        /* [RFC 8200 5] only the source fragments; [RFC 4443 3.2] a router
         * that cannot send a packet on because it is larger than the next
         * link's MTU says so with packet too big, carrying that MTU (and
         * may even answer a multicast with it, 2.4(e.2)). */
        trace_rx(h, LAYER_IPV6, p, "RFC 4443 3.2",
                 "%s > %s: %zu bytes, larger than the MTU %u of %s: a router never fragments; "
                 "packet too big", s, d, p->len, out->mtu, out->name);
        icmp6_send_error(h, p, ICMP6_PACKET_TOO_BIG, 0, out->mtu, true);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_TOO_BIG_FWD);
        return;
    }
    pkt_touch(p);
    p->data[7] = (uint8_t)(hdr->hop_limit - 1);
    h->ip6->stats.forwarded++;
    char n[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_TX, LAYER_IPV6, p, "RFC 8200 3",
                "%s > %s: forward, hop limit %u -> %u, next hop %s dev %s%s", s, d,
                hdr->hop_limit, hdr->hop_limit - 1, ip6_addr_str(&nh, n), out->name,
                out == in ? " (back out of the interface it came in on)" : "");
    nd6_output(out, p, &nh);
}

void
ipv6_input(struct iface *ifc, struct pkt *p)
{
    struct host *h = ifc->host;
    /* lo carries ::1 on every host with IPv6 [RFC 4291 2.5.3]. */
    bool on_lo = ifc->loopback && h->ip6 != NULL;
    if (!on_lo && v6if(h, ifc) == NULL) {
        /* A host without IPv6 does not speak the EtherType at all. */
        pkt_drop(h, p, LAYER_ETH, DROP_ETH_UNKNOWN_TYPE);
        return;
    }
    struct ipv6_hdr hdr;
    enum drop_reason why = ipv6_parse(p->data, p->len, &hdr);
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_IPV6, why);
        return;
    }
    /* Ethernet padding is no part of the packet. */
    pkt_trim(p, (size_t)IPV6_HDR_LEN + hdr.payload_len);
    if (ip6_addr_is_multicast(&hdr.src)) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_BAD_SRC);
        return;
    }
    if (!on_lo && (ip6_addr_is_loopback(&hdr.src) || ip6_addr_is_loopback(&hdr.dst))) {
        /* [RFC 4291 2.5.3] "An IPv6 packet received on an interface with a
         * destination address of loopback must be dropped", and one with
         * ::1 as its source never left a host honestly either. */
        char s6[IPV6_ADDR_STRLEN], d6[IPV6_ADDR_STRLEN];
        trace_rx(h, LAYER_IPV6, p, "RFC 4291 2.5.3",
                 "%s > %s: the loopback address ::1 on %s, from outside the host",
                 ip6_addr_str(&hdr.src, s6), ip6_addr_str(&hdr.dst, d6), ifc->name);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_LOOPBACK_WIRE);
        return;
    }
    if (!on_lo && !ip6_addr_is_unspecified(&hdr.src) && ipv6_is_mine(h, ifc, &hdr.src)) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_OWN_SRC);
        return;
    }
    bool mcast = ip6_addr_is_multicast(&hdr.dst);
    /* On lo come ::1 and the host's own addresses (ipv6_next_hop routes
     * them there); nothing else is routed to lo. */
    bool mine = on_lo ? ip6_addr_is_loopback(&hdr.dst) || is_own_unicast(h, &hdr.dst)
              : mcast ? ipv6_in_group(h, ifc, &hdr.dst) : is_mine_any(h, ifc, &hdr.dst);
    if (!mine) {
        if (on_lo) {
            pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NOT_FOR_US);
            return;
        }
        if (h->forwarding && !mcast) {
            ipv6_forward(h, ifc, p, &hdr);
            return;
        }
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NOT_FOR_US);
        return;
    }
    if (trace_wanted(h->trace)) {
        char s[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN];
        trace_rx(h, LAYER_IPV6, p, "RFC 8200 3",
                 "%s > %s, next header %u (%s), hop limit %u, payload %u: %s",
                 ip6_addr_str(&hdr.src, s), ip6_addr_str(&hdr.dst, d), hdr.next_header,
                 nh_name(hdr.next_header), hdr.hop_limit, hdr.payload_len,
                 mcast ? "to a group this interface joined" : "for me");
    } else {
        trace_count(h, TRACE_RX, LAYER_IPV6);
    }

    /* [RFC 8200 4.1] extension headers are processed strictly in the order
     * they appear; each names the next. */
    const uint8_t *b = p->data;
    size_t total = p->len;
    size_t off = IPV6_HDR_LEN;
    size_t nh_field = 6;  /* where the current next-header value sits */
    uint8_t nh = hdr.next_header;
    for (;;) {
        if (nh == IPV6_NH_HOPOPT || nh == IPV6_NH_DSTOPTS || nh == IPV6_NH_ROUTING) {
            if (nh == IPV6_NH_HOPOPT && off != IPV6_HDR_LEN) {
                /* [RFC 8200 4.3] hop-by-hop options may only follow the
                 * IPv6 header itself. */
                param_problem(h, p, ICMP6_PARAMPROB_NH, (uint32_t)nh_field, false,
                              DROP_IPV6_HBH_NOT_FIRST);
                return;
            }
            if (off + 8 > total || off + 8u * (b[off + 1] + 1u) > total) {
                param_problem(h, p, ICMP6_PARAMPROB_HEADER, (uint32_t)(off + 1), false,
                              DROP_IPV6_BAD_EXT);
                return;
            }
            size_t len = 8u * (b[off + 1] + 1u);
            if (nh == IPV6_NH_ROUTING) {
                uint8_t type = b[off + 2], left = b[off + 3];
                if (left != 0) {
                    /* [RFC 5095 3] type 0 is deprecated: it let one packet
                     * bounce between routers many times. [RFC 8200 4.4] any
                     * type this node does not know, with segments left, is
                     * refused the same way. */
                    trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 5095 3",
                                "routing header type %u with %u segments left: %s", type, left,
                                type == 0 ? "type 0 is refused (it made amplification "
                                            "attacks possible)"
                                          : "a type this host does not process");
                    param_problem(h, p, ICMP6_PARAMPROB_HEADER, (uint32_t)(off + 2), false,
                                  DROP_IPV6_RH0);
                    return;
                }
                trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.4",
                            "routing header type %u with no segments left: ignored, on to "
                            "next header %u", type, b[off]);
            } else {
                const char *what = nh == IPV6_NH_HOPOPT ? "hop-by-hop" : "destination";
                trace_event(h, TRACE_NOTE, LAYER_IPV6, p,
                            nh == IPV6_NH_HOPOPT ? "RFC 8200 4.3" : "RFC 8200 4.6",
                            "%s options header, %zu bytes, then next header %u (%s)", what,
                            len, b[off], nh_name(b[off]));
                if (!process_options(h, p, &hdr, off, len, what))
                    return;
            }
            nh_field = off;
            nh = b[off];
            off += len;
            continue;
        }
        if (nh == IPV6_NH_FRAGMENT) {
            if (off + 8 > total) {
                param_problem(h, p, ICMP6_PARAMPROB_HEADER, (uint32_t)off, false,
                              DROP_IPV6_BAD_EXT);
                return;
            }
            uint16_t fo = be16_get(b + off + 2);
            if ((fo & 0xfff9) != 0) {
                /* A real fragment: held until its packet is whole
                 * [RFC 8200 4.5]; then the loop goes on with the whole
                 * packet, the fragment header gone. */
                struct pkt *whole = ipv6_reasm_input(h, p, &off, &nh_field);
                if (whole == NULL)
                    return;
                p = whole;
                b = p->data;
                total = p->len;
                hdr.payload_len = (uint16_t)(total - IPV6_HDR_LEN);
                nh = b[nh_field];
                continue;
            }
            /* [RFC 6946 4] an atomic fragment (offset 0, M clear) is a whole
             * packet: processed at once, never reassembled with others. */
            trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 6946 4",
                        "atomic fragment (offset 0, no more fragments, id 0x%08x): a whole "
                        "packet, processed at once", be32_get(b + off + 4));
            nh_field = off;
            nh = b[off];
            off += 8;
            continue;
        }
        break;
    }
    p->l4_off = (int16_t)(p->l3_off + (int16_t)off);
    switch (nh) {
    case IPV6_NH_ICMPV6:
        pkt_pull(p, off);
        icmp6_input(ifc, p, &hdr);
        return;
    case IPV6_NH_TCP:
    case IPV6_NH_UDP:
        /* [RFC 8200 8.1] the transports check their checksums over the IPv6
         * pseudo-header; a segment or datagram to a group is not TCP's. */
        pkt_pull(p, off);
        if (nh == IPV6_NH_UDP)
            udp_input6(h, p, &hdr);
        else if (mcast)
            pkt_drop(h, p, LAYER_TCP, DROP_TCP_NO_SOCKET);
        else
            tcp_input6(h, p, &hdr);
        return;
    case IPV6_NH_NONE:
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_NEXT_HEADER);
        return;
    default:
        /* [RFC 8200 4] an unrecognized next header: parameter problem code 1
         * pointing at the field that named it. */
        param_problem(h, p, ICMP6_PARAMPROB_NH, (uint32_t)nh_field, false,
                      DROP_IPV6_UNKNOWN_NH);
        return;
    }
}

/* A source on ifc for dst [RFC 6724 5] (addr6.c); before DAD passes,
 * nothing but :: is ours. */
static void
source_on(const struct host *h, const struct iface *ifc, const struct ip6_addr *dst,
          struct ip6_addr *src)
{
    if (!addr6_select_source(h, ifc, dst, src))
        memset(src, 0, sizeof *src);
}

int
ipv6_next_hop(struct host *h, const struct ip6_addr *dst, struct iface **ifc,
              struct ip6_addr *src, struct ip6_addr *next_hop)
{
    if (h->ip6 == NULL)
        return -ERR_NETUNREACH;
    if (ip6_addr_is_loopback(dst)) {
        /* [RFC 4291 2.5.3] ::1 is lo's, on every host with IPv6 (Linux:
         * "local ::1 dev lo"): from ::1 to ::1, never onto a wire. No DAD
         * for it: a loopback link has no neighbours to hold it, and Linux
         * never runs DAD on lo. */
        *ifc = &h->lo;
        *src = *dst;
        *next_hop = *dst;
        return 0;
    }
    if (is_own_unicast(h, dst)) {
        /* One of this host's own addresses, global or link-local: the
         * packet turns round inside the host, on lo, as Linux's local table
         * routes it ("local 2001:db8::1 dev lo"), and as IPv4 does for its
         * own addresses [RFC 1122 3.2.1.3 (g)]; never a solicitation on a
         * wire for ourselves. The source is the address itself. */
        *ifc = &h->lo;
        *src = *dst;
        *next_hop = *dst;
        return 0;
    }
    bool local_scope = ip6_addr_is_linklocal(dst) || ip6_addr_is_multicast(dst);
    /* The most specific on-link prefix of an interface (connected). */
    struct iface *on = NULL;
    unsigned on_len = 0;
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        struct iface *c = &h->ifaces[i];
        const struct ip6_iface *i6 = v6if(h, c);
        if (i6 == NULL || !c->up)
            continue;
        if (local_scope) {
            /* Link-local and link-scope destinations: the first interface
             * (a scenario with several would need a zone index). */
            *ifc = c;
            *next_hop = *dst;
            source_on(h, c, dst, src);
            return 0;
        }
        for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++) {
            if (i6->addrs[k].used &&
                ip6_prefix_match(&i6->addrs[k].addr, dst, i6->addrs[k].prefix_len) &&
                (on == NULL || i6->addrs[k].prefix_len > on_len)) {
                on = c;
                on_len = i6->addrs[k].prefix_len;
            }
        }
    }
    /* [RFC 4861 5.2] longest prefix match over the static routes and the
     * on-link prefixes; a connected prefix wins a tie. Where a packet goes
     * does not depend on whether this host has a source for it yet: a
     * router forwards, and the path MTU is known, while its own addresses
     * are still tentative [RFC 4862 5.4]; the source is then :: and
     * ipv6_select() refuses it. */
    const struct route6 *r = route6_lookup(h, dst);
    if (r != NULL && (on == NULL || r->prefix_len > on_len) && v6if(h, r->ifc) != NULL) {
        *ifc = r->ifc;
        *next_hop = r->has_gw ? r->gw : *dst;
        source_on(h, r->ifc, dst, src);
        return 0;
    }
    if (on != NULL) {
        *ifc = on;
        *next_hop = *dst;
        source_on(h, on, dst, src);
        return 0;
    }
    /* [RFC 4861 5.2] no static route and no address prefix holds dst: the
     * destination cache, the prefix list and the default router list that
     * router advertisements filled. */
    int e = nd6_next_hop(h, dst, ifc, next_hop);
    if (e < 0)
        return e;
    source_on(h, *ifc, dst, src);
    return 0;
}

int
ipv6_select(struct host *h, const struct ip6_addr *dst, struct iface **ifc, struct ip6_addr *src)
{
    struct ip6_addr next_hop;
    int e = ipv6_next_hop(h, dst, ifc, src, &next_hop);
    if (e < 0)
        return e;
    /* [RFC 4862 5.4] while every candidate is tentative (or duplicate) the
     * host has no address to send from: a segment or datagram from :: would
     * be answered to nobody [RFC 4291 2.5.2]. */
    return ip6_addr_is_unspecified(src) ? -ERR_ADDRNOTAVAIL : 0;
}

int
ipv6_output(struct host *h, struct iface *ifc, struct pkt *p, const struct ip6_addr *src,
            const struct ip6_addr *dst, uint8_t next_header, uint8_t hop_limit)
{
    struct ip6_addr s, next_hop = *dst;
    bool local_scope = ip6_addr_is_linklocal(dst) || ip6_addr_is_multicast(dst);
    bool routed = false;
    if (ifc == NULL || !local_scope) {
        /* A global destination goes where the routes say, whatever
         * interface the caller had in mind (an error answering a packet a
         * router forwarded goes back through the routes). */
        struct iface *via;
        int r = ipv6_next_hop(h, dst, &via, &s, &next_hop);
        if (r < 0) {
            if (trace_wanted(h->trace)) {
                char d[IPV6_ADDR_STRLEN];
                trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 4861 5.2",
                            "no route to %s: no on-link prefix or route holds it",
                            ip6_addr_str(dst, d));
            }
            pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
            return r;
        }
        routed = !ip6_addr_eq(&next_hop, dst);
        ifc = via;
    } else if (v6if(h, ifc) == NULL) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
        return -ERR_NETUNREACH;
    } else {
        source_on(h, ifc, dst, &s);
    }
    if (src != NULL)
        s = *src;
    uint32_t mtu = ifc->mtu;
    if (!local_scope && !ifc->loopback) {
        uint32_t pmtu = ipv6_path_mtu(h, dst);
        mtu = pmtu < mtu ? pmtu : mtu;
    }
    bool fragment = (size_t)IPV6_HDR_LEN + p->len > mtu;
    if ((size_t)IPV6_HDR_LEN + p->len > 65535u) {
        /* [RFC 8200 3] the payload length is 16 bits (jumbograms, RFC 2675,
         * are not built). */
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_TOO_BIG);
        return -ERR_MSGSIZE;
    }
    struct ipv6_hdr hdr = {
        .payload_len = (uint16_t)p->len,
        .next_header = next_header,
        .hop_limit = hop_limit != 0 ? hop_limit : h->ip6->hop_limit,
        .src = s,
        .dst = *dst,
    };
    uint8_t *b = pkt_push(p, IPV6_HDR_LEN);
    if (b == NULL) {
        pkt_drop(h, p, LAYER_IPV6, DROP_NO_MEMORY);
        return -ERR_NOBUFS;
    }
    ipv6_emit(&hdr, b);
    p->l4_off = (int16_t)(pkt_off(p) + IPV6_HDR_LEN);
    p->l3_off = pkt_off(p);
    bool mcast = ip6_addr_is_multicast(dst);
    if (fragment)
        return ipv6_fragment_output(h, ifc, p, mtu, &next_hop);
    if (trace_wanted(h->trace)) {
        char a[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN], n[IPV6_ADDR_STRLEN];
        char via[IPV6_ADDR_STRLEN + 40];
        snprintf(via, sizeof via, "routed, to the gateway %s", ip6_addr_str(&next_hop, n));
        trace_tx(h, LAYER_IPV6, p, ifc->loopback ? "RFC 4291 2.5.3" : "RFC 8200 3",
                 "%s > %s, next header %u (%s), hop limit %u, payload %u on %s: %s",
                 ip6_addr_str(&hdr.src, a), ip6_addr_str(dst, d), next_header,
                 nh_name(next_header), hdr.hop_limit, hdr.payload_len, ifc->name,
                 ifc->loopback ? "loopback, it turns round inside this host"
                 : mcast ? "multicast, to its 33:33 Ethernet address [RFC 2464 7]"
                 : routed ? via : "on-link, to the neighbour itself");
    } else {
        trace_count(h, TRACE_TX, LAYER_IPV6);
    }
    if (ifc->loopback)  /* lo asks no neighbour: its address is all zeros (loopback.c) */
        return eth_output(ifc, p, ifc->mac, ETHERTYPE_IPV6);
    if (mcast) {
        uint8_t mac[ETH_ALEN];
        ip6_multicast_mac(dst, mac);
        return eth_output(ifc, p, mac, ETHERTYPE_IPV6);
    }
    return nd6_output(ifc, p, &next_hop);
}

/* --- the path MTU cache [RFC 8201] ------------------------------------- */

uint32_t
ipv6_path_mtu(struct host *h, const struct ip6_addr *dst)
{
    struct iface *ifc;
    struct ip6_addr src, nh;
    if (h->ip6 == NULL || ipv6_next_hop(h, dst, &ifc, &src, &nh) < 0)
        return IPV6_MIN_MTU;
    if (ifc->loopback)  /* ::1: lo's own MTU, no router says otherwise */
        return ifc->mtu;
    /* [RFC 4861 6.3.4] a router advertisement's MTU option sets the link's */
    uint32_t mtu = nd6_link_mtu(h, ifc);
    for (unsigned i = 0; i < IP6_PMTU_MAX; i++) {
        const struct ip6_pmtu *e = &h->ip6->pmtu[i];
        if (e->used && ip6_addr_eq(&e->dst, dst) && e->mtu < mtu)
            mtu = e->mtu;
    }
    return mtu;
}

void
ipv6_pmtu_learn(struct host *h, const struct ip6_addr *dst, uint32_t mtu)
{
    if (h->ip6 == NULL)
        return;
    char d[IPV6_ADDR_STRLEN];
    ip6_addr_str(dst, d);
    if (mtu < IPV6_MIN_MTU) {
        /* [RFC 8201 4] a node must not lower its estimate below the IPv6
         * minimum link MTU; RFC 8021 retired the atomic fragments an older
         * rule sent instead, so the message is simply ignored. */
        trace_event(h, TRACE_NOTE, LAYER_IPV6, NULL, "RFC 8201 4",
                    "packet too big says MTU %u for %s: below 1280, the minimum every link "
                    "carries; ignored [RFC 8021]", mtu, d);
        return;
    }
    uint32_t now = ipv6_path_mtu(h, dst);
    if (mtu >= now) {
        /* [RFC 8201 4] a packet too big never raises the estimate. */
        trace_event(h, TRACE_NOTE, LAYER_IPV6, NULL, "RFC 8201 4",
                    "packet too big says MTU %u for %s, not below the path MTU %u: kept", mtu,
                    d, now);
        return;
    }
    struct ip6_pmtu *slot = NULL;
    for (unsigned i = 0; i < IP6_PMTU_MAX && slot == NULL; i++)
        if (h->ip6->pmtu[i].used && ip6_addr_eq(&h->ip6->pmtu[i].dst, dst))
            slot = &h->ip6->pmtu[i];
    for (unsigned i = 0; i < IP6_PMTU_MAX && slot == NULL; i++)
        if (!h->ip6->pmtu[i].used)
            slot = &h->ip6->pmtu[i];
    if (slot == NULL) {
        /* Full: the entry that ages out first makes room. */
        slot = &h->ip6->pmtu[0];
        for (unsigned i = 1; i < IP6_PMTU_MAX; i++)
            if (h->ip6->pmtu[i].expires_ns < slot->expires_ns)
                slot = &h->ip6->pmtu[i];
    }
    *slot = (struct ip6_pmtu){ .used = true, .dst = *dst, .mtu = mtu,
                               .expires_ns = h->now_ns + IP6_PMTU_AGE_NS };
    h->ip6->stats.pmtu_learned++;
    trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 8201 4",
                "path MTU to %s lowered %u -> %u by a packet too big; larger packets to it "
                "are fragmented here, at the source; tried again in 10 minutes",
                d, now, mtu);
}

static void
pmtu_age(struct host *h)
{
    for (unsigned i = 0; i < IP6_PMTU_MAX; i++) {
        struct ip6_pmtu *e = &h->ip6->pmtu[i];
        if (!e->used || h->now_ns < e->expires_ns)
            continue;
        e->used = false;
        char d[IPV6_ADDR_STRLEN];
        trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 8201 5.3",
                    "path MTU %u to %s is 10 minutes old: forgotten, the link MTU again (a "
                    "packet too big lowers it again if the path still needs it)", e->mtu,
                    ip6_addr_str(&e->dst, d));
    }
}

void
ipv6_poll(struct host *h)
{
    if (h->ip6 == NULL)
        return;
    nd6_poll(h);
    pmtu_age(h);
    ipv6_reasm_poll(h);
}

uint64_t
ipv6_next_deadline(struct host *h)
{
    if (h->ip6 == NULL)
        return UINT64_MAX;
    uint64_t t = nd6_next_deadline(h);
    for (unsigned i = 0; i < IP6_PMTU_MAX; i++)
        if (h->ip6->pmtu[i].used && h->ip6->pmtu[i].expires_ns < t)
            t = h->ip6->pmtu[i].expires_ns;
    uint64_t r = ipv6_reasm_deadline(h);
    return r < t ? r : t;
}

void
ipv6_host_destroy(struct host *h)
{
    if (h->ip6 == NULL)
        return;
    nd6_flush(h);
    ipv6_reasm_flush(h);
    route6_table_free(&h->ip6->routes);
    free(h->ip6);
    h->ip6 = NULL;
}
