/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv4.c - IPv4 on a host: validate, decide, dispatch; route and send.
 *
 * Input follows [RFC 1122 3.2.1]: check the header [RFC 791 3.1], accept
 * datagrams addressed to one of our addresses or a broadcast, forward others
 * when this host is a router (TTL decremented [RFC 791 3.2], ICMP time
 * exceeded when it reaches zero), drop them otherwise.
 * Datagrams larger than the path MTU are fragmented on output and when
 * forwarded [RFC 791 3.2]; fragments for us are reassembled (ipfrag.c). A
 * router follows the [RFC 1812] subset a course teaches: TTL, ICMP time
 * exceeded, destination unreachable (net, host, fragmentation needed with the
 * next-hop MTU [RFC 1191 4]), and no forwarding of broadcasts [RFC 1812
 * 5.3.4]. The path MTU cache [RFC 1191 6.3] lives here too.
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
#include "stack/ipfrag.h"
#include "stack/loopback.h"
#include "stack/pkt.h"
#include "stack/route.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"

bool
ipv4_is_local(const struct host *h, uint32_t addr)
{
    /* The whole of 127.0.0.0/8 is this host's, on lo, as Linux's local
     * table says ("local 127.0.0.0/8 dev lo") [RFC 1122 3.2.1.3 (g)]. */
    if (loopback_addr(addr))
        return true;
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
    /* To itself a host speaks from the address it speaks to, and to
     * 127.x from lo's 127.0.0.1 (`ip route get` says "src" so). */
    if (ipv4_is_local(h, dst))
        return loopback_addr(dst) ? h->lo.addr : dst;
    const struct route *r = route_lookup(h, dst);
    return r != NULL ? r->ifc->addr : 0;
}

unsigned
ipv4_max_payload(const struct host *h, uint32_t dst)
{
    unsigned mtu = ipv4_path_mtu(h, dst);
    return mtu > IPV4_HDR_MIN ? mtu - IPV4_HDR_MIN : 0;
}

/* --- path MTU [RFC 1191] ------------------------------------------------- */

void
ipv4_pmtu_init(struct ipv4_pmtu_cache *c)
{
    memset(c, 0, sizeof(*c));
    c->expire_ns = IPV4_PMTU_EXPIRE_NS;
    c->min_mtu = IPV4_PMTU_MIN_DEFAULT;
}

static const struct ipv4_pmtu_entry *
ipv4_pmtu_find(const struct host *h, uint32_t dst)
{
    /* Most hosts never hear a "fragmentation needed" [RFC 1191]: no scan
     * of the empty table for every datagram they send. */
    if (!h->pmtu.learned)
        return NULL;
    for (unsigned i = 0; i < IPV4_PMTU_MAX; i++) {
        const struct ipv4_pmtu_entry *e = &h->pmtu.e[i];
        if (e->dst == dst && dst != 0 && e->expires_ns > h->now_ns)
            return e;
    }
    return NULL;
}

/* The path MTU by route r (NULL: none) with e the destination's learned
 * entry (NULL: none). */
static uint16_t
ipv4_path_mtu_of(const struct route *r, const struct ipv4_pmtu_entry *e)
{
    uint16_t mtu = r != NULL ? r->ifc->mtu : ETH_MTU;
    if (e != NULL && e->mtu < mtu)
        mtu = e->mtu;
    return mtu;
}

/* The path MTU to dst, not one of our addresses, when r is its route
 * (NULL: none). */
static uint16_t
ipv4_path_mtu_via(const struct host *h, const struct route *r, uint32_t dst)
{
    return ipv4_path_mtu_of(r, ipv4_pmtu_find(h, dst));
}

uint16_t
ipv4_path_mtu(const struct host *h, uint32_t dst)
{
    if (ipv4_is_local(h, dst))
        return h->lo.mtu;
    return ipv4_path_mtu_via(h, route_lookup(h, dst), dst);
}

uint16_t
ipv4_pmtu_update(struct host *h, uint32_t dst, uint16_t mtu, uint16_t quoted_len)
{
    /* [RFC 1191 7] the plateau table: an old router says 0; take the
     * largest plateau below the length of the datagram it refused. A value
     * below 68 [RFC 791 3.2] is no MTU any link has: treated the same. */
    static const uint16_t plateau[] = { 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296,
                                        IPV4_MIN_MTU };
    uint16_t told = mtu;
    if (mtu < IPV4_MIN_MTU) {
        mtu = IPV4_MIN_MTU;
        for (unsigned i = 0; i < sizeof(plateau) / sizeof(plateau[0]); i++) {
            if (plateau[i] < quoted_len) {
                mtu = plateau[i];
                break;
            }
        }
        trace_event(h, TRACE_NOTE, LAYER_IPV4, NULL, "RFC 1191 7",
                    "next-hop MTU %u is impossible: the plateau below the refused %u bytes "
                    "is %u", told, quoted_len, mtu);
    }
    /* The floor (min_pmtu): below it, stay at it and clear DF. */
    bool locked = false;
    uint16_t floor = h->pmtu.min_mtu > IPV4_MIN_MTU ? h->pmtu.min_mtu : IPV4_MIN_MTU;
    if (mtu < floor) {
        trace_event(h, TRACE_NOTE, LAYER_IPV4, NULL, "RFC 1191 6.3",
                    "path MTU %u is below this host's floor %u: use %u, and send without DF",
                    mtu, floor, floor);
        mtu = floor;
        locked = true;
    }
    uint16_t now = ipv4_path_mtu(h, dst);
    char d[IPV4_ADDR_STRLEN];
    ipv4_addr_str(dst, d);
    if (mtu > now || (mtu == now && !locked)) {
        /* [RFC 1191 6.1] a host "MUST not increase its estimate of the
         * Path MTU in response to the contents of a Datagram Too Big
         * message". */
        trace_event(h, TRACE_NOTE, LAYER_IPV4, NULL, "RFC 1191 6.1",
                    "path MTU to %s stays %u (told %u)", d, now, mtu);
        return now;
    }
    struct ipv4_pmtu_entry *slot = NULL;
    for (unsigned i = 0; i < IPV4_PMTU_MAX && slot == NULL; i++)
        if (h->pmtu.e[i].dst == dst)
            slot = &h->pmtu.e[i];
    for (unsigned i = 0; i < IPV4_PMTU_MAX && slot == NULL; i++)
        if (h->pmtu.e[i].dst == 0 || h->pmtu.e[i].expires_ns <= h->now_ns)
            slot = &h->pmtu.e[i];
    if (slot == NULL) {
        /* Full: replace the entry closest to expiry. */
        slot = &h->pmtu.e[0];
        for (unsigned i = 1; i < IPV4_PMTU_MAX; i++)
            if (h->pmtu.e[i].expires_ns < slot->expires_ns)
                slot = &h->pmtu.e[i];
    }
    slot->dst = dst;
    slot->mtu = mtu;
    slot->locked = locked;
    slot->expires_ns = h->now_ns + h->pmtu.expire_ns;
    h->pmtu.learned = true;
    trace_event(h, TRACE_CACHE, LAYER_IPV4, NULL, "RFC 1191 6.3",
                "path MTU to %s is now %u (was %u), for %llu s", d, mtu, now,
                (unsigned long long)(h->pmtu.expire_ns / 1000000000ull));
    return mtu;
}

/* --- fragmentation [RFC 791 3.2] --------------------------------------- */

/* The options a non-first fragment carries: those with the "copied" flag
 * [RFC 791 3.1 "Options"], padded to a multiple of 4 with End of Option List. */
static uint8_t
ipv4_copied_options(const struct ipv4_hdr *ip, uint8_t out[IPV4_OPT_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < ip->opt_len;) {
        uint8_t type = ip->options[i];
        if (type == 0)
            break;                     /* End of Option List */
        if (type == 1) {               /* No Operation: one byte, not copied */
            i++;
            continue;
        }
        size_t len = i + 1 < ip->opt_len ? ip->options[i + 1] : 0;
        if (len < 2 || i + len > ip->opt_len)
            break;                     /* ipv4_parse checked; be safe */
        if (type & 0x80) {
            memcpy(out + n, ip->options + i, len);
            n += len;
        }
        i += len;
    }
    while (n % 4 != 0)
        out[n++] = 0;
    return (uint8_t)n;
}

/* Send datagram p (data at its valid IPv4 header, larger than mtu, DF clear)
 * as fragments of at most mtu bytes to next_hop on ifc. Every fragment's
 * payload but the last is a multiple of 8 bytes [RFC 791 3.2]; the first
 * keeps all options, the others only the copied ones. A fragment of a
 * fragment keeps the original offsets and the last piece keeps its MF.
 * Takes ownership of p (used up: the fragments are new packets). */
static int
ipv4_fragment(struct host *h, struct iface *ifc, struct pkt *p, uint32_t next_hop, unsigned mtu)
{
    struct ipv4_hdr ip;
    if (ipv4_parse(p->data, p->len, &ip) != DROP_NONE) {
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TRUNCATED);
        return -ERR_INVAL;
    }
    uint8_t later_opts[IPV4_OPT_MAX];
    uint8_t later_opt_len = ipv4_copied_options(&ip, later_opts);
    const uint8_t *payload = p->data + ip.ihl;
    size_t total = (size_t)ip.total_len - ip.ihl;
    unsigned count = 0;
    int err = 0;
    char s[IPV4_ADDR_STRLEN], d[IPV4_ADDR_STRLEN];
    ipv4_addr_str(ip.src, s);
    ipv4_addr_str(ip.dst, d);
    for (size_t off = 0; off < total;) {
        struct ipv4_hdr f = ip;
        if (off > 0) {
            f.opt_len = later_opt_len;
            memcpy(f.options, later_opts, later_opt_len);
        }
        f.ihl = (uint8_t)(IPV4_HDR_MIN + f.opt_len);
        size_t room = ((mtu - f.ihl) / 8) * 8;
        size_t chunk = total - off <= mtu - f.ihl ? total - off : room;
        bool last = off + chunk == total;
        f.total_len = (uint16_t)(f.ihl + chunk);
        f.frag_off = (uint16_t)(ip.frag_off + off);
        f.mf = last ? ip.mf : true;
        struct pkt *q = host_pkt_alloc(h, PKT_HEADROOM, f.ihl + chunk);
        if (q == NULL) {
            err = -ERR_NOBUFS;
            break;
        }
        q->cause = p->cause;
        uint8_t *b = pkt_put(q, f.ihl + chunk);
        ipv4_emit(&f, b);
        memcpy(b + f.ihl, payload + off, chunk);
        q->l3_off = pkt_off(q);
        count++;
        trace_tx(h, LAYER_IPV4, q, "RFC 791 3.2",
                 "%s > %s: fragment %u of id %u, offset %u, length %u%s (MTU %u dev %s)", s, d,
                 count, f.id, f.frag_off, f.total_len, f.mf ? ", flags [+]" : "", mtu, ifc->name);
        int r = arp_output(ifc, q, next_hop);
        if (r < 0 && err == 0)
            err = r;
        off += chunk;
    }
    pkt_free(p);
    return err;
}

/* --- forwarding [RFC 1812] ---------------------------------------------- */

void
ipv4_next_hop_unreachable(struct host *h, const struct pkt *p)
{
    const uint8_t *b = pkt_l3(p);
    if (!h->forwarding || b == NULL || pkt_len_from(p, p->l3_off) < IPV4_HDR_MIN)
        return;
    /* Only for datagrams we forwarded; a local sender learns from its own
     * stack, not from ICMP. */
    if (ipv4_is_local(h, be32_get(b + IPV4_OFF_SRC)))
        return;
    icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_UNREACH_HOST, 0);
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
    bool too_big = p->len > r->ifc->mtu;
    if (too_big && ip->df) {
        /* [RFC 1191 4] "fragmentation needed and DF set", carrying the MTU
         * of the next-hop network in the low-order 16 bits. */
        trace_rx(h, LAYER_IPV4, p, "RFC 1191 4",
                 "%s > %s: larger than the next hop's MTU %u and DF is set", s, d, r->ifc->mtu);
        icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_UNREACH_NEEDFRAG, r->ifc->mtu);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TOO_BIG);
        return;
    }
    /* Decrement the TTL and patch the checksum by recomputing the header. */
    struct ipv4_hdr fwd = *ip;
    fwd.ttl = (uint8_t)(ip->ttl - 1);
    pkt_touch(p);
    ipv4_emit(&fwd, p->data);
    h->stats.ipv4_forwarded++;
    uint32_t next_hop = r->gateway != 0 ? r->gateway : ip->dst;
    char nh[IPV4_ADDR_STRLEN];
    trace_event(h, too_big ? TRACE_NOTE : TRACE_TX, LAYER_IPV4, p, "RFC 1812 5.2.1",
                "%s > %s: forward, ttl %u -> %u, next hop %s dev %s%s", s, d, ip->ttl, fwd.ttl,
                ipv4_addr_str(next_hop, nh), r->ifc->name,
                too_big ? "; larger than its MTU, DF clear: fragment it" : "");
    if (too_big)
        ipv4_fragment(h, r->ifc, p, next_hop, r->ifc->mtu);
    else
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

    /* [RFC 1122 3.2.1.3] a source that is a broadcast (limited, or directed
     * to any subnet of ours) or multicast address MUST be discarded
     * [RFC 1122 4.2.3.10]: it names no host that could be answered. */
    if ((ip.src >> 28) == 0xe || ipv4_is_broadcast(h, ip.src)) {
        trace_rx(h, LAYER_IPV4, p, "RFC 1122 3.2.1.3",
                 TRACE_IPV4 " > " TRACE_IPV4 ": the source is a broadcast or multicast address",
                 ip.src, ip.dst);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_BAD_SRC);
        return;
    }
    /* [RFC 1122 3.2.1.3 (a)] 0.0.0.0 is "this host" and "MUST NOT be sent,
     * except as a source address as part of an initialization procedure by
     * which the host learns its own IP address" (DHCP), which this stack
     * does not run. */
    if (ip.src == 0 && !ifc->loopback) {
        trace_rx(h, LAYER_IPV4, p, "RFC 1122 3.2.1.3", TRACE_IPV4 " > " TRACE_IPV4 ": source 0.0.0.0",
                 ip.src, ip.dst);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_ZERO_SRC);
        return;
    }
    /* [RFC 1122 3.2.1.3 (g)] 127.x "MUST NOT appear outside a host": from
     * a real interface it is a martian (Linux drops it so too). */
    if (!ifc->loopback && (loopback_addr(ip.src) || loopback_addr(ip.dst))) {
        trace_rx(h, LAYER_IPV4, p, "RFC 1122 3.2.1.3",
                 TRACE_IPV4 " > " TRACE_IPV4 ": a loopback address on %s, from outside the host",
                 ip.src, ip.dst, ifc->name);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_MARTIAN);
        return;
    }
    /* A datagram from a wire that claims one of our own addresses as its
     * source was not sent by us: what we send ourselves comes back on lo.
     * Believing it answers ourselves, as the LAND attack (src = dst) wants,
     * and can loop forever; Linux drops it as a martian source so. */
    if (!ifc->loopback && ipv4_is_local(h, ip.src)) {
        trace_rx(h, LAYER_IPV4, p, "RFC 1122 3.2.1.3",
                 TRACE_IPV4 " > " TRACE_IPV4 ": my own address as the source, arriving on %s",
                 ip.src, ip.dst, ifc->name);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_OWN_SRC);
        return;
    }
    bool local = ipv4_is_local(h, ip.dst);
    bool bcast = !local && ipv4_is_broadcast(h, ip.dst);
    if (!local && !bcast) {
        /* [RFC 1812 5.3.4] a router forwards neither a datagram that came
         * as a link-layer broadcast nor one to a broadcast or multicast
         * address (this router forwards no multicast). */
        const uint8_t *l2 = pkt_l2(p);
        bool l2_bcast = l2 != NULL && mac_is_multicast(l2 + ETH_OFF_DST);
        if (h->forwarding && (l2_bcast || (ip.dst >> 28) >= 0xe || ip.dst == 0)) {
            trace_rx(h, LAYER_IPV4, p, "RFC 1812 5.3.4",
                     TRACE_IPV4 " > " TRACE_IPV4 ": not mine, and a %s: a router does not forward it",
                     ip.src, ip.dst, l2_bcast ? "link-layer broadcast" : "broadcast or multicast address");
            pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_NO_FORWARD_BCAST);
            return;
        }
        if (h->forwarding) {
            ipv4_forward(h, p, &ip);
            return;
        }
        trace_rx(h, LAYER_IPV4, p, "RFC 1122 3.3.4.2",
                 TRACE_IPV4 " > " TRACE_IPV4 ": not my address, and I am not a router", ip.src, ip.dst);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_NOT_FOR_US);
        return;
    }
    if (ip.mf || ip.frag_off != 0) {
        /* [RFC 791 3.2] a fragment for us: hold it until the datagram is
         * whole; the rest of this function sees only whole datagrams. */
        trace_rx(h, LAYER_IPV4, p, "RFC 791 3.2",
                 TRACE_IPV4 " > " TRACE_IPV4 ": id %u, a fragment (offset %u%s): to reassembly",
                 ip.src, ip.dst, ip.id, ip.frag_off, ip.mf ? ", more follow" : "");
        p = ipfrag_input(h, p, &ip);
        if (p == NULL)
            return;
        if (ipv4_parse(p->data, p->len, &ip) != DROP_NONE) {
            pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TRUNCATED);
            return;
        }
    }
    if (trace_wants_sentence(h->trace)) {
        /* whose it is goes in the format, not as a 20-byte string argument
         * the event log would keep for every datagram received */
        const char *pname = ipproto_name(ip.proto);
        if (local)
            trace_rx(h, LAYER_IPV4, p, "RFC 791 3.2",
                     TRACE_IPV4 " > " TRACE_IPV4 ": ttl %u, id %u, length %u: destination is "
                     "mine, protocol %u -> %s", ip.src, ip.dst, ip.ttl, ip.id, ip.total_len,
                     ip.proto, pname != NULL ? pname : "nobody");
        else
            trace_rx(h, LAYER_IPV4, p, "RFC 791 3.2",
                     TRACE_IPV4 " > " TRACE_IPV4 ": ttl %u, id %u, length %u: a broadcast, "
                     "protocol %u -> %s", ip.src, ip.dst, ip.ttl, ip.id, ip.total_len, ip.proto,
                     pname != NULL ? pname : "nobody");
    } else {
        trace_count(h, TRACE_RX, LAYER_IPV4);
    }
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
    char d[IPV4_ADDR_STRLEN] = "";
    struct iface *ifc = NULL;
    uint32_t next_hop = tx->dst;
    const struct route *r = NULL;
    bool to_self = ipv4_is_local(h, tx->dst);
    if (to_self) {
        /* Linux's local table, looked up before the main one: a datagram
         * to one of our own addresses, or to 127.x, goes out of lo and
         * comes straight back in (loopback.c). */
        ifc = &h->lo;
    } else if (tx->dst == IPV4_BROADCAST) {
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
    /* The path MTU [RFC 1191]: the interface's, or less if a router said so
     * (not for a broadcast, which has no path). The entry is looked up once
     * for both its MTU and its lock (below). */
    const struct ipv4_pmtu_entry *pmtu = r != NULL ? ipv4_pmtu_find(h, tx->dst) : NULL;
    unsigned mtu = r != NULL ? ipv4_path_mtu_of(r, pmtu) : ifc->mtu;
    if (total > IPV4_MAX_LEN || (total > mtu && tx->df)) {
        trace_event(h, TRACE_NOTE, LAYER_IPV4, p, "RFC 791 3.2",
                    "%zu bytes %s: EMSGSIZE", total,
                    total > IPV4_MAX_LEN ? "exceed the 65535 an IPv4 datagram can hold"
                                         : "exceed the path MTU and DF is set");
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_TOO_BIG);
        return -ERR_MSGSIZE;
    }
    /* A destination whose path MTU sits at the floor takes no DF, so a
     * smaller path still carries it, fragmented (Linux: a locked MTU). */
    bool df = tx->df;
    if (df && pmtu != NULL && pmtu->locked)
        df = false;
    struct ipv4_hdr ip = {
        .ihl = IPV4_HDR_MIN,
        .tos = tx->tos,
        .total_len = (uint16_t)total,
        .id = h->ip_id++,
        .df = df,
        .ttl = tx->ttl != 0 ? tx->ttl : IPV4_DEFAULT_TTL,
        .proto = tx->proto,
        .src = tx->src != 0 ? tx->src : to_self ? ipv4_source_for(h, tx->dst) : ifc->addr,
        .dst = tx->dst,
    };
    uint8_t *b = pkt_push(p, IPV4_HDR_MIN);
    if (b == NULL) {
        pkt_drop(h, p, LAYER_IPV4, DROP_NO_MEMORY);
        return -ERR_NOBUFS;
    }
    ipv4_emit(&ip, b);
    p->l3_off = pkt_off(p);
    /* A datagram that goes out as fragments is narrated here and counted
     * once per fragment by ipv4_fragment(). */
    enum trace_kind kind = total > mtu ? TRACE_NOTE : TRACE_TX;
    if (trace_wants_sentence(h->trace) && r != NULL) {
        /* The routed datagram, every segment of a transfer: its route and
         * next hop passed as the numbers they are (TRACE_IPV4), written
         * out only by a sink that reads them. The same words as below. */
        const char *pname = ipproto_name(ip.proto);
        if (next_hop == tx->dst && ip.df)  /* every segment of a TCP transfer */
            trace_event(h, kind, LAYER_IPV4, p, "RFC 791 3.2",
                        TRACE_IPV4 " > " TRACE_IPV4 ": %s (%u), ttl %u, id %u, length %u, flags "
                        "[DF]; route " TRACE_IPV4 "/%u dev %s, next hop on-link%s",
                        ip.src, ip.dst, pname != NULL ? pname : "?", ip.proto, ip.ttl, ip.id,
                        ip.total_len, r->dst, r->prefix_len, ifc->name,
                        total > mtu ? "; larger than the MTU: fragment it" : "");
        else if (next_hop == tx->dst)
            trace_event(h, kind, LAYER_IPV4, p, "RFC 791 3.2",
                        TRACE_IPV4 " > " TRACE_IPV4 ": %s (%u), ttl %u, id %u, length %u%s; "
                        "route " TRACE_IPV4 "/%u dev %s, next hop on-link%s",
                        ip.src, ip.dst, pname != NULL ? pname : "?", ip.proto, ip.ttl, ip.id,
                        ip.total_len, ip.df ? ", flags [DF]" : "", r->dst, r->prefix_len,
                        ifc->name, total > mtu ? "; larger than the MTU: fragment it" : "");
        else
            trace_event(h, kind, LAYER_IPV4, p, "RFC 791 3.2",
                        TRACE_IPV4 " > " TRACE_IPV4 ": %s (%u), ttl %u, id %u, length %u%s; "
                        "route " TRACE_IPV4 "/%u dev %s, next hop " TRACE_IPV4 "%s",
                        ip.src, ip.dst, pname != NULL ? pname : "?", ip.proto, ip.ttl, ip.id,
                        ip.total_len, ip.df ? ", flags [DF]" : "", r->dst, r->prefix_len,
                        ifc->name, next_hop,
                        total > mtu ? "; larger than the MTU: fragment it" : "");
    } else if (trace_wants_sentence(h->trace)) {
        const char *pname = ipproto_name(ip.proto);
        char nh[IPV4_ADDR_STRLEN] = "on-link", net[IPV4_ADDR_STRLEN], rt[64] = "broadcast";
        if (to_self && loopback_addr(tx->dst))
            snprintf(rt, sizeof(rt), "local 127.0.0.0/8 dev lo");
        else if (to_self)
            snprintf(rt, sizeof(rt), "local %s dev lo", ipv4_addr_str(tx->dst, net));
        else if (r != NULL)
            snprintf(rt, sizeof(rt), "%s/%u dev %s", ipv4_addr_str(r->dst, net), r->prefix_len,
                     ifc->name);
        if (next_hop != tx->dst)
            ipv4_addr_str(next_hop, nh);
        trace_event(h, kind, LAYER_IPV4, p, "RFC 791 3.2",
                    TRACE_IPV4 " > " TRACE_IPV4
                    ": %s (%u), ttl %u, id %u, length %u%s; route %s, next hop %s%s", ip.src, ip.dst,
                    pname != NULL ? pname : "?", ip.proto, ip.ttl, ip.id, ip.total_len,
                    ip.df ? ", flags [DF]" : "", rt, nh,
                    total > mtu ? "; larger than the MTU: fragment it" : "");
    } else {
        trace_count(h, kind, LAYER_IPV4);
    }
    if (total > mtu)
        return ipv4_fragment(h, ifc, p, next_hop, mtu);
    return arp_output(ifc, p, next_hop);
}
