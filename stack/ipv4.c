/*
 * ipv4.c - IPv4 on a host: validate, decide, dispatch; route and send.
 *
 * Input follows [RFC 1122 3.2.1]: check the header [RFC 791 3.1], accept
 * datagrams addressed to one of our addresses or a broadcast, forward others
 * when this host is a router (TTL decremented [RFC 791 3.2], ICMP time
 * exceeded when it reaches zero), drop them otherwise.
 * Fragments are dropped with a named reason: reassembly comes with routers.
 * Called by: eth_input(), udp_output(), icmp.c. Calls: icmp_input(),
 * udp_input(), route_lookup(), arp_output().
 */
#include "stack/ipv4.h"

#include <stdio.h>
#include <string.h>

#include "stack/arp.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/route.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"

bool
ipv4_is_local(const struct host *h, uint32_t addr)
{
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (h->ifaces[i].addr == addr && addr != 0)
            return true;
    return false;
}

bool
ipv4_is_broadcast(const struct host *h, uint32_t addr)
{
    if (addr == IPV4_BROADCAST)
        return true;
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        const struct iface *ifc = &h->ifaces[i];
        if (ifc->addr != 0 && ifc->prefix_len < 31 && addr == iface_broadcast(ifc))
            return true;
    }
    return false;
}

uint32_t
ipv4_source_for(const struct host *h, uint32_t dst)
{
    const struct route *r = route_lookup(h, dst);
    return r != NULL ? r->ifc->addr : 0;
}

unsigned
ipv4_max_payload(const struct host *h, uint32_t dst)
{
    const struct route *r = route_lookup(h, dst);
    unsigned mtu = r != NULL ? r->ifc->mtu : ETH_MTU;
    return mtu > IPV4_HDR_MIN ? mtu - IPV4_HDR_MIN : 0;
}

static void
ipv4_forward(struct host *h, struct pkt *p, const struct ipv4_hdr *ip)
{
    char s[IPV4_ADDR_STRLEN], d[IPV4_ADDR_STRLEN];
    ipv4_addr_str(ip->src, s);
    ipv4_addr_str(ip->dst, d);
    /* [RFC 791 3.2] "If the time to live reaches zero, the datagram must be
     * destroyed"; [RFC 792] the router says so with time exceeded. */
    if (ip->ttl <= 1) {
        trace_rx(h, LAYER_IPV4, p, "RFC 791 3.2", "%s > %s: ttl %u, not mine: TTL would reach 0",
                 s, d, ip->ttl);
        icmp_send_error(h, p, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TTL_EXPIRED);
        return;
    }
    const struct route *r = route_lookup(h, ip->dst);
    if (r == NULL) {
        trace_rx(h, LAYER_IPV4, p, "RFC 1812 5.2.7.1", "%s > %s: not mine, and no route", s, d);
        icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_UNREACH_NET, 0);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_NO_ROUTE);
        return;
    }
    if (p->len > r->ifc->mtu) {
        trace_rx(h, LAYER_IPV4, p, "RFC 1191 4", "%s > %s: larger than the next hop's MTU %u",
                 s, d, r->ifc->mtu);
        if (ip->df)
            icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_UNREACH_NEEDFRAG, r->ifc->mtu);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TOO_BIG);
        return;
    }
    /* Decrement the TTL and patch the checksum by recomputing the header. */
    struct ipv4_hdr fwd = *ip;
    fwd.ttl = (uint8_t)(ip->ttl - 1);
    ipv4_emit(&fwd, p->data);
    h->stats.ipv4_forwarded++;
    uint32_t next_hop = r->gateway != 0 ? r->gateway : ip->dst;
    char nh[IPV4_ADDR_STRLEN];
    trace_tx(h, LAYER_IPV4, p, "RFC 1812 5.2.1",
             "%s > %s: forward, ttl %u -> %u, next hop %s dev %s", s, d, ip->ttl, fwd.ttl,
             ipv4_addr_str(next_hop, nh), r->ifc->name);
    arp_output(r->ifc, p, next_hop);
}

void
ipv4_input(struct iface *ifc, struct pkt *p)
{
    struct host *h = ifc->host;
    struct ipv4_hdr ip;
    enum drop_reason why = ipv4_parse(p->data, p->len, &ip);
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_IPV4, why);
        return;
    }
    /* Ethernet padding follows short datagrams: trust the total length. */
    pkt_trim(p, ip.total_len);
    p->l3_off = pkt_off(p);

    char s[IPV4_ADDR_STRLEN], d[IPV4_ADDR_STRLEN];
    ipv4_addr_str(ip.src, s);
    ipv4_addr_str(ip.dst, d);
    /* [RFC 1122 3.2.1.3] a source that is a broadcast or multicast address
     * MUST be discarded. */
    if (ip.src == IPV4_BROADCAST || (ip.src >> 28) == 0xe) {
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_BAD_SRC);
        return;
    }
    bool local = ipv4_is_local(h, ip.dst);
    bool bcast = !local && ipv4_is_broadcast(h, ip.dst);
    if (!local && !bcast) {
        if (h->forwarding) {
            ipv4_forward(h, p, &ip);
            return;
        }
        trace_rx(h, LAYER_IPV4, p, "RFC 1122 3.3.4.2", "%s > %s: not my address, and I am not a router",
                 s, d);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_NOT_FOR_US);
        return;
    }
    if (ip.mf || ip.frag_off != 0) {
        trace_rx(h, LAYER_IPV4, p, "RFC 791 3.2", "%s > %s: a fragment (offset %u%s)", s, d,
                 ip.frag_off, ip.mf ? ", more follow" : "");
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAGMENT);
        return;
    }
    const char *pname = ipproto_name(ip.proto);
    trace_rx(h, LAYER_IPV4, p, "RFC 791 3.2",
             "%s > %s: ttl %u, id %u, length %u: %s, protocol %u -> %s", s, d, ip.ttl, ip.id,
             ip.total_len, local ? "destination is mine" : "a broadcast", ip.proto,
             pname != NULL ? pname : "nobody");
    pkt_pull(p, ip.ihl);
    p->l4_off = pkt_off(p);
    switch (ip.proto) {
    case IPPROTO_ICMP_:
        icmp_input(h, p, &ip);
        break;
    case IPPROTO_UDP_:
        udp_input(h, p, &ip);
        break;
    case IPPROTO_TCP_:
        tcp_input(h, p, &ip);
        break;
    default:
        /* [RFC 1122 3.2.2.1] protocol unreachable, unless it was a broadcast. */
        if (local)
            icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_UNKNOWN_PROTO);
        break;
    }
}

int
ipv4_output(struct host *h, struct pkt *p, const struct ipv4_tx *tx)
{
    char s[IPV4_ADDR_STRLEN], d[IPV4_ADDR_STRLEN];
    struct iface *ifc = NULL;
    uint32_t next_hop = tx->dst;
    const struct route *r = NULL;
    if (tx->dst == IPV4_BROADCAST) {
        /* The limited broadcast goes out of the first interface that is up. */
        for (unsigned i = 0; i < h->n_ifaces && ifc == NULL; i++)
            if (h->ifaces[i].up)
                ifc = &h->ifaces[i];
    } else {
        r = route_lookup(h, tx->dst);
        if (r != NULL) {
            ifc = r->ifc;
            if (r->gateway != 0)
                next_hop = r->gateway;
        }
    }
    if (ifc == NULL) {
        trace_event(h, TRACE_NOTE, LAYER_IPV4, p, "RFC 1122 3.3.1",
                    "no route to %s", ipv4_addr_str(tx->dst, d));
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_NO_ROUTE);
        return -ERR_NETUNREACH;
    }
    size_t total = IPV4_HDR_MIN + p->len;
    if (total > ifc->mtu) {
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TOO_BIG);
        return -ERR_MSGSIZE;
    }
    struct ipv4_hdr ip = {
        .ihl = IPV4_HDR_MIN,
        .tos = tx->tos,
        .total_len = (uint16_t)total,
        .id = h->ip_id++,
        .df = tx->df,
        .ttl = tx->ttl != 0 ? tx->ttl : IPV4_DEFAULT_TTL,
        .proto = tx->proto,
        .src = tx->src != 0 ? tx->src : ifc->addr,
        .dst = tx->dst,
    };
    uint8_t *b = pkt_push(p, IPV4_HDR_MIN);
    if (b == NULL) {
        pkt_drop(h, p, LAYER_IPV4, DROP_NO_MEMORY);
        return -ERR_NOBUFS;
    }
    ipv4_emit(&ip, b);
    p->l3_off = pkt_off(p);
    const char *pname = ipproto_name(ip.proto);
    char nh[IPV4_ADDR_STRLEN], net[IPV4_ADDR_STRLEN], rt[64] = "broadcast";
    if (r != NULL)
        snprintf(rt, sizeof(rt), "%s/%u dev %s", ipv4_addr_str(r->dst, net), r->prefix_len,
                 ifc->name);
    trace_tx(h, LAYER_IPV4, p, "RFC 791 3.2",
             "%s > %s: %s (%u), ttl %u, id %u, length %u%s; route %s, next hop %s",
             ipv4_addr_str(ip.src, s), ipv4_addr_str(ip.dst, d), pname != NULL ? pname : "?",
             ip.proto, ip.ttl, ip.id, ip.total_len, ip.df ? ", flags [DF]" : "", rt,
             next_hop == tx->dst ? "on-link" : ipv4_addr_str(next_hop, nh));
    return arp_output(ifc, p, next_hop);
}
