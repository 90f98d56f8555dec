/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp.c - UDP on a host [RFC 768] [RFC 1122 4.1].
 *
 * Demultiplexing picks the most specific socket, as BSD's in_pcblookup does:
 * a connected socket whose 4-tuple matches exactly beats one bound to the
 * local address, which beats one bound to the wildcard address. A datagram
 * for no socket is answered with ICMP port unreachable [RFC 1122 4.1.3.1].
 * Called by: ipv4_input(), sock_sendto(). Calls: sock_deliver_dgram(),
 * icmp_send_error(), ipv4_output().
 */
#include "stack/udp.h"

#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp.h"
#include "stack/ipv4.h"
#include "stack/ipv6.h"
#include "stack/icmp6.h"
#include "stack/pkt.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/udp.h"

/* The best socket for a datagram src:sport -> dst:dport, or NULL. */
static struct socket *
udp_lookup(struct host *h, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
    struct socket *best = NULL;
    int best_score = -1;
    for (unsigned i = 0; i < h->socks.cap; i++) {
        struct socket *s = h->socks.s[i];
        if (s == NULL || s->proto != SOCK_PROTO_UDP || s->pcb.lport != dport)
            continue;
        /* An IPv6 socket hears IPv4 only as a dual-stack wildcard [::]
         * without IPV6_V6ONLY [RFC 3493 3.7]. */
        if (s->pcb.v6 && (s->v6only || s->connected || !ip6_addr_is_unspecified(&s->pcb.laddr6)))
            continue;
        int score = 0;
        if (s->pcb.laddr != 0) {
            if (s->pcb.laddr != dst)
                continue;
            score += 1;
        }
        if (s->connected) {
            if (s->pcb.faddr != src || s->pcb.fport != sport)
                continue;
            score += 2;
        }
        if (score > best_score) {
            best = s;
            best_score = score;
        }
    }
    return best;
}

void
udp_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip)
{
    struct udp_hdr udp;
    enum drop_reason why = udp_parse(p->data, p->len, ip->src, ip->dst, &udp);
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_UDP, why);
        return;
    }
    pkt_trim(p, udp.len);
    struct socket *s = udp_lookup(h, ip->src, udp.sport, ip->dst, udp.dport);
    if (s == NULL) {
        trace_rx(h, LAYER_UDP, p, "RFC 1122 4.1.3.1",
                 "%u > %u: UDP, length %u: no socket is bound to port %u", udp.sport, udp.dport,
                 udp.len - UDP_HDR_LEN, udp.dport);
        /* [RFC 1122 4.1.3.1] "If a datagram arrives addressed to a UDP port
         * for which there is no pending LISTEN call, UDP SHOULD send an ICMP
         * Port Unreachable message." Not for a broadcast [RFC 1122 3.2.2]. */
        if (ipv4_is_local(h, ip->dst))
            icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, 0);
        pkt_drop(h, p, LAYER_UDP, DROP_UDP_NO_SOCKET);
        return;
    }
    trace_rx(h, LAYER_UDP, p, "RFC 768", "%u > %u: UDP, length %u: checksum %s, port %u -> socket %d",
             udp.sport, udp.dport, udp.len - UDP_HDR_LEN, udp.csum == 0 ? "absent" : "good",
             udp.dport, s->fd);
    pkt_pull(p, UDP_HDR_LEN);
    sock_deliver_dgram(h, s, p);
}

/* The best IPv6 socket for a datagram src:sport -> dst:dport, or NULL. */
static struct socket *
udp_lookup6(struct host *h, const struct ip6_addr *src, uint16_t sport, const struct ip6_addr *dst,
            uint16_t dport)
{
    struct socket *best = NULL;
    int best_score = -1;
    for (unsigned i = 0; i < h->socks.cap; i++) {
        struct socket *s = h->socks.s[i];
        if (s == NULL || s->proto != SOCK_PROTO_UDP || s->pcb.lport != dport || !s->pcb.v6)
            continue;
        int score = 0;
        if (!ip6_addr_is_unspecified(&s->pcb.laddr6)) {
            if (!ip6_addr_eq(&s->pcb.laddr6, dst))
                continue;
            score += 1;
        }
        if (s->connected) {
            if (!ip6_addr_eq(&s->pcb.faddr6, src) || s->pcb.fport != sport)
                continue;
            score += 2;
        }
        if (score > best_score) {
            best = s;
            best_score = score;
        }
    }
    return best;
}

void
udp_input6(struct host *h, struct pkt *p, const struct ipv6_hdr *ip)
{
    struct udp_hdr udp;
    enum drop_reason why = udp_parse6(p->data, p->len, &ip->src, &ip->dst, &udp);
    if (why != DROP_NONE) {
        if (why == DROP_UDP_BAD_CSUM && p->len >= UDP_HDR_LEN && be16_get(p->data + 6) == 0)
            trace_rx(h, LAYER_UDP, p, "RFC 8200 8.1",
                     "%u > %u: UDP with a zero checksum: over IPv6 the checksum is mandatory, "
                     "the datagram is discarded", be16_get(p->data), be16_get(p->data + 2));
        pkt_drop(h, p, LAYER_UDP, why);
        return;
    }
    pkt_trim(p, udp.len);
    struct socket *s = udp_lookup6(h, &ip->src, udp.sport, &ip->dst, udp.dport);
    if (s == NULL) {
        trace_rx(h, LAYER_UDP, p, "RFC 4443 3.1",
                 "%u > %u: UDP, length %u: no socket is bound to port %u", udp.sport, udp.dport,
                 udp.len - UDP_HDR_LEN, udp.dport);
        /* [RFC 4443 3.1] destination unreachable, code 4 port unreachable; never for a datagram
         * sent to a group [RFC 4443 2.4 (e.3)]. */
        if (!ip6_addr_is_multicast(&ip->dst))
            icmp6_send_error(h, p, ICMP6_DST_UNREACH, 4, 0, false);
        pkt_drop(h, p, LAYER_UDP, DROP_UDP_NO_SOCKET);
        return;
    }
    trace_rx(h, LAYER_UDP, p, "RFC 8200 8.1",
             "%u > %u: UDP, length %u: checksum good (IPv6 pseudo-header), port %u -> socket %d",
             udp.sport, udp.dport, udp.len - UDP_HDR_LEN, udp.dport, s->fd);
    pkt_pull(p, UDP_HDR_LEN);
    sock_deliver_dgram(h, s, p);
}

int
udp_output6(struct host *h, struct socket *s, const uint8_t *data, size_t len,
            const struct ip6_addr *dst, uint16_t dport)
{
    struct ip6_addr src = s->pcb.laddr6;
    struct iface *ifc = NULL;
    /* No route is ENETUNREACH; a route but every address still tentative
     * [RFC 4862 5.4] is EADDRNOTAVAIL, as Linux's sendto() says it. */
    if (ip6_addr_is_unspecified(&src)) {
        int e = ipv6_select(h, dst, &ifc, &src);
        if (e < 0)
            return e;
    }
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, UDP_HDR_LEN + len);
    if (p == NULL)
        return -ERR_NOBUFS;
    uint8_t *b = pkt_put(p, UDP_HDR_LEN + len);
    if (b == NULL) {
        pkt_free(p);
        return -ERR_NOBUFS;
    }
    if (len > 0)
        memcpy(b + UDP_HDR_LEN, data, len);
    struct udp_hdr udp = {
        .sport = s->pcb.lport,
        .dport = dport,
        .len = (uint16_t)(UDP_HDR_LEN + len),
    };
    udp_emit6(&udp, b, &src, dst);
    p->l4_off = pkt_off(p);
    trace_tx(h, LAYER_UDP, p, "RFC 8200 8.1",
             "%u > %u: UDP, length %zu: header and checksum added (IPv6 pseudo-header; the "
             "checksum is mandatory over IPv6)", udp.sport, udp.dport, len);
    int r = ipv6_output(h, NULL, p, &src, dst, IPV6_NH_UDP, s->ip_ttl);
    return r < 0 ? r : (int)len;
}

void
udp_icmp6_error(struct host *h, const struct ip6_addr *src, uint16_t sport,
                const struct ip6_addr *dst, uint16_t dport, int err)
{
    for (unsigned i = 0; i < h->socks.cap; i++) {
        struct socket *s = h->socks.s[i];
        if (s == NULL || s->proto != SOCK_PROTO_UDP || s->pcb.lport != sport || !s->pcb.v6)
            continue;
        if (!ip6_addr_is_unspecified(&s->pcb.laddr6) && !ip6_addr_eq(&s->pcb.laddr6, src))
            continue;
        /* [RFC 1122 4.1.3.3], as over IPv4: a connected socket only. */
        if (!s->connected || !ip6_addr_eq(&s->pcb.faddr6, dst) || s->pcb.fport != dport) {
            trace_event(h, TRACE_NOTE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                        "socket %d is not connected: the error is not reported", s->fd);
            continue;
        }
        s->so_error = err;
        trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                    "socket %d: pending error %s; the next call returns it", s->fd, err_name(err));
    }
}

int
udp_output(struct host *h, struct socket *s, const uint8_t *data, size_t len, uint32_t dst,
           uint16_t dport)
{
    uint32_t src = s->pcb.laddr != 0 ? s->pcb.laddr : ipv4_source_for(h, dst);
    if (src == 0 && dst == IPV4_BROADCAST)
        src = host_primary_addr(h);
    if (src == 0)
        return -ERR_NETUNREACH;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, UDP_HDR_LEN + len);
    if (p == NULL)
        return -ERR_NOBUFS;
    uint8_t *b = pkt_put(p, UDP_HDR_LEN + len);
    if (b == NULL) {
        /* cannot happen (the room was just allocated), but a compiler that
         * sees pkt_put() whole (link-time optimisation) warns without it */
        pkt_free(p);
        return -ERR_NOBUFS;
    }
    if (len > 0)
        memcpy(b + UDP_HDR_LEN, data, len);
    struct udp_hdr udp = {
        .sport = s->pcb.lport,
        .dport = dport,
        .len = (uint16_t)(UDP_HDR_LEN + len),
    };
    udp_emit(&udp, b, src, dst);
    p->l4_off = pkt_off(p);
    trace_tx(h, LAYER_UDP, p, "RFC 768", "%u > %u: UDP, length %zu: header and checksum added",
             udp.sport, udp.dport, len);
    struct ipv4_tx tx = { .src = src, .dst = dst, .proto = IPPROTO_UDP_, .ttl = s->ip_ttl,
                          .df = s->ip_df };
    int r = ipv4_output(h, p, &tx);
    return r < 0 ? r : (int)len;
}

void
udp_icmp_error(struct host *h, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, int err)
{
    for (unsigned i = 0; i < h->socks.cap; i++) {
        struct socket *s = h->socks.s[i];
        if (s == NULL || s->proto != SOCK_PROTO_UDP || s->pcb.lport != sport || s->pcb.v6)
            continue;
        if (s->pcb.laddr != 0 && s->pcb.laddr != src)
            continue;
        /* [RFC 1122 4.1.3.3] The error goes to the application; BSD and Linux
         * report it only on a connected socket, since an unconnected one
         * cannot tell which of its destinations refused. */
        if (!s->connected || s->pcb.faddr != dst || s->pcb.fport != dport) {
            trace_event(h, TRACE_NOTE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                        "socket %d is not connected: the error is not reported", s->fd);
            continue;
        }
        s->so_error = err;
        trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                    "socket %d: pending error %s; the next call returns it", s->fd, err_name(err));
    }
}
