/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6.c - IPv6 on a host [RFC 8200]: addresses (link-local with a stable,
 * seeded interface identifier [RFC 7217]), the header in and out, and the
 * extension headers in the order they come [RFC 8200 4.1].
 *
 * Called by: eth_input() (in), icmp6.c and nd6.c (out), host.c (timers).
 * Calls: icmp6_input(), icmp6_send_error(), nd6_output(), eth_output().
 */
#include "stack/ipv6.h"

#include <stdlib.h>
#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/icmp6.h"
#include "stack/nd6.h"
#include "stack/pkt.h"
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
 * [RFC 7721 3]. Network_ID is empty; DAD_Counter is 0. */
static void
form_iid(const struct host *h, const struct iface *ifc, const struct ip6_addr *prefix,
         struct ip6_addr *out)
{
    uint8_t in[8 + IFACE_NAME_LEN + 1];
    memcpy(in, prefix->b, 8);
    memcpy(in + 8, ifc->name, IFACE_NAME_LEN);
    in[8 + IFACE_NAME_LEN] = 0;  /* DAD_Counter */
    uint64_t rid = tcp_siphash24(h->ip6->iid_key, in, sizeof in);
    memcpy(out->b, prefix->b, 8);
    for (int i = 0; i < 8; i++)
        out->b[8 + i] = (uint8_t)(rid >> (56 - 8 * i));
}

static void
iface_enable(struct host *h, struct iface *ifc)
{
    struct ip6_iface *i6 = &h->ip6->ifs[ifc->index];
    if (i6->enabled || ifc->loopback)
        return;
    struct ip6_addr ll = { .b = { 0xfe, 0x80 } };
    form_iid(h, ifc, &ll, &ll);
    i6->enabled = true;
    i6->addrs[0].addr = ll;
    i6->addrs[0].prefix_len = 64;
    i6->addrs[0].used = true;
    char a[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4291 2.5.6",
                "%s gets link-local %s/64: fe80::/64 and an interface identifier from a keyed "
                "hash of the prefix and interface name [RFC 7217 5], stable for this seed",
                ifc->name, ip6_addr_str(&ll, a));
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
        s->err_burst = ICMP6_ERR_BURST;
        s->err_tokens = ICMP6_ERR_BURST;
        s->err_interval_ns = ICMP6_ERR_INTERVAL_NS;
        s->err_refill_ns = h->now_ns;
        s->next_echo_id = (uint16_t)(1 + rng_below(&h->rng, 1000));
        /* [RFC 4861 6.3.2] ReachableTime is BaseReachableTime times a
         * uniform factor in [MIN_RANDOM_FACTOR, MAX_RANDOM_FACTOR) = [0.5, 1.5). */
        s->nd.reachable_ns = ND6_BASE_REACHABLE_NS / 2 + rng_below(&h->rng, ND6_BASE_REACHABLE_NS);
        s->nd.retrans_ns = ND6_RETRANS_TIMER_NS;
        h->ip6 = s;
    }
    for (unsigned i = 0; i < h->n_ifaces; i++)
        iface_enable(h, &h->ifaces[i]);
    return 0;
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
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
        if (i6->addrs[k].used && ip6_addr_eq(&i6->addrs[k].addr, addr))
            return -ERR_ADDRINUSE;
    }
    for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++) {
        if (i6->addrs[k].used)
            continue;
        i6->addrs[k].addr = *addr;
        i6->addrs[k].prefix_len = (uint8_t)prefix_len;
        i6->addrs[k].used = true;
        char a[IPV6_ADDR_STRLEN];
        trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4861 5.1",
                    "%s gets %s/%u, set by hand: every address of that prefix is on this link",
                    ifc->name, ip6_addr_str(addr, a), prefix_len);
        return 0;
    }
    return -ERR_NOBUFS;
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
            if (i6->addrs[k].used)
                return &i6->addrs[k].addr;
    }
    return NULL;
}

bool
ipv6_is_mine(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr)
{
    const struct ip6_iface *i6 = v6if(h, ifc);
    for (unsigned k = 0; i6 != NULL && k < IP6_ADDRS_PER_IFACE; k++)
        if (i6->addrs[k].used && ip6_addr_eq(&i6->addrs[k].addr, addr))
            return true;
    return false;
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
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
        if (!i6->addrs[k].used)
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
    for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
        if (!i6->addrs[k].used)
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

void
ipv6_input(struct iface *ifc, struct pkt *p)
{
    struct host *h = ifc->host;
    if (v6if(h, ifc) == NULL) {
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
    if (!ip6_addr_is_unspecified(&hdr.src) && ipv6_is_mine(h, ifc, &hdr.src)) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_OWN_SRC);
        return;
    }
    bool mcast = ip6_addr_is_multicast(&hdr.dst);
    if (mcast ? !ipv6_in_group(h, ifc, &hdr.dst) : !ipv6_is_mine(h, ifc, &hdr.dst)) {
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
                pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAGMENT);
                return;
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

int
ipv6_select(struct host *h, const struct ip6_addr *dst, struct iface **ifc, struct ip6_addr *src)
{
    if (h->ip6 == NULL)
        return -ERR_NETUNREACH;
    bool local_scope = ip6_addr_is_linklocal(dst) || ip6_addr_is_multicast(dst);
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        struct iface *c = &h->ifaces[i];
        const struct ip6_iface *i6 = v6if(h, c);
        if (i6 == NULL || !c->up)
            continue;
        if (local_scope) {
            /* Link-local and link-scope destinations: the first interface
             * (a scenario with several would need a zone index). [RFC 6724
             * 5 rule 2] the source of the same scope: the link-local. */
            *ifc = c;
            *src = i6->addrs[0].addr;
            return 0;
        }
        for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++) {
            if (i6->addrs[k].used &&
                ip6_prefix_match(&i6->addrs[k].addr, dst, i6->addrs[k].prefix_len)) {
                *ifc = c;
                *src = i6->addrs[k].addr;
                return 0;
            }
        }
    }
    return -ERR_NETUNREACH;
}

/* A source on ifc for dst [RFC 6724 5]: rule 2, the scope of dst. */
static void
source_on(const struct host *h, const struct iface *ifc, const struct ip6_addr *dst,
          struct ip6_addr *src)
{
    const struct ip6_iface *i6 = v6if(h, ifc);
    *src = i6->addrs[0].addr;
    if (ip6_addr_is_linklocal(dst) || ip6_addr_is_multicast(dst))
        return;
    for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++)
        if (i6->addrs[k].used) {
            *src = i6->addrs[k].addr;
            if (ip6_prefix_match(&i6->addrs[k].addr, dst, i6->addrs[k].prefix_len))
                return;
        }
}

int
ipv6_output(struct host *h, struct iface *ifc, struct pkt *p, const struct ip6_addr *src,
            const struct ip6_addr *dst, uint8_t next_header, uint8_t hop_limit)
{
    struct ip6_addr s;
    if (ifc == NULL) {
        int r = ipv6_select(h, dst, &ifc, &s);
        if (r < 0) {
            pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
            return r;
        }
    } else if (v6if(h, ifc) == NULL) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
        return -ERR_NETUNREACH;
    } else {
        source_on(h, ifc, dst, &s);
    }
    if (src != NULL)
        s = *src;
    if ((size_t)IPV6_HDR_LEN + p->len > ifc->mtu) {
        /* [RFC 8200 5] only the source may fragment; it is not built yet. */
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
    if (trace_wanted(h->trace)) {
        char a[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN];
        trace_tx(h, LAYER_IPV6, p, "RFC 8200 3",
                 "%s > %s, next header %u (%s), hop limit %u, payload %u on %s: %s",
                 ip6_addr_str(&hdr.src, a), ip6_addr_str(dst, d), next_header,
                 nh_name(next_header), hdr.hop_limit, hdr.payload_len, ifc->name,
                 mcast ? "multicast, to its 33:33 Ethernet address [RFC 2464 7]"
                       : "on-link, to the neighbour itself");
    } else {
        trace_count(h, TRACE_TX, LAYER_IPV6);
    }
    if (mcast) {
        uint8_t mac[ETH_ALEN];
        ip6_multicast_mac(dst, mac);
        return eth_output(ifc, p, mac, ETHERTYPE_IPV6);
    }
    return nd6_output(ifc, p, dst);
}

uint32_t
ipv6_path_mtu(struct host *h, const struct ip6_addr *dst)
{
    /* Minimal: the outgoing interface's MTU. The path MTU cache of RFC 8201
     * replaces this with the smallest MTU learnt from packet too big. */
    struct iface *ifc;
    struct ip6_addr src;
    if (ipv6_select(h, dst, &ifc, &src) < 0 || ifc->mtu < IPV6_MIN_MTU)
        return IPV6_MIN_MTU;
    return ifc->mtu;
}

void
ipv6_poll(struct host *h)
{
    if (h->ip6 != NULL)
        nd6_poll(h);
}

uint64_t
ipv6_next_deadline(struct host *h)
{
    return h->ip6 != NULL ? nd6_next_deadline(h) : UINT64_MAX;
}

void
ipv6_host_destroy(struct host *h)
{
    if (h->ip6 == NULL)
        return;
    nd6_flush(h);
    free(h->ip6);
    h->ip6 = NULL;
}
