/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp6.c - ICMPv6 [RFC 4443]: echo request and reply, errors sent under
 * the rules of 2.4 (never about an error, a multicast or an unspecified
 * source; at a limited rate), errors received for ping, and neighbour
 * discovery handed to nd6.c.
 *
 * Called by: ipv6_input() (in), nd6.c and ping (out).
 * Calls: ipv6_output(), nd6_input().
 */
#include "stack/icmp6.h"

#include <string.h>

#include "stack/addr6.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/pkt.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"

static const char *
type_text(uint8_t type)
{
    const char *n = icmp6_type_name(type);
    return n != NULL ? n : "unknown type";
}

int
icmp6_output(struct host *h, struct iface *ifc, struct pkt *p, const struct ip6_addr *src,
             const struct ip6_addr *dst, uint8_t hop_limit)
{
    struct ip6_addr s;
    if (h->ip6 == NULL) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_IPV6_NO_ROUTE);
        return -ERR_NETUNREACH;
    }
    if (ifc == NULL) {
        int r = ipv6_select(h, dst, &ifc, &s);
        if (r < 0) {
            pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
            return r;
        }
    } else if (ifc->loopback) {
        s = *dst;  /* ::1 to ::1: lo holds no other address [RFC 4291 2.5.3] */
    } else {
        const struct ip6_addr *ll = ipv6_linklocal(h, ifc);
        if (ll == NULL) {
            pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_ROUTE);
            return -ERR_NETUNREACH;
        }
        /* [RFC 4862 5.4] a tentative (or duplicate) link-local is no
         * source: :: stands for "none yet" until a choice below. */
        memset(&s, 0, sizeof s);
        if (addr6_usable(h, ifc, ll))
            s = *ll;
        if (!ip6_addr_is_linklocal(dst) && !ip6_addr_is_multicast(dst)) {
            struct iface *sel;
            struct ip6_addr g;
            if (ipv6_select(h, dst, &sel, &g) == 0 && sel == ifc)
                s = g;
        }
    }
    if (src != NULL)
        s = *src;
    uint8_t *b = p->data;
    if (src == NULL && ip6_addr_is_unspecified(&s)) {
        /* Every address this host could send from is still tentative (or
         * duplicate): nothing may come from it [RFC 4862 5.4], and only
         * duplicate address detection's solicitations and router
         * solicitations may come from :: [RFC 4861 6.3.7]; those name ::
         * themselves. Linux sends nothing either. */
        if (trace_wanted(h->trace)) {
            char d[IPV6_ADDR_STRLEN];
            trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4862 5.4",
                        "no %s sent to %s: no address of this host on %s may be its source "
                        "yet; each is tentative (or duplicate)", type_text(b[0]),
                        ip6_addr_str(dst, d), ifc->name);
        }
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_NO_SOURCE);
        return -ERR_ADDRNOTAVAIL;
    }
    /* [RFC 4443 2.3] the checksum covers the message and the IPv6
     * pseudo-header [RFC 8200 8.1]. */
    be16_put(b + 2, 0);
    uint32_t sum = csum_pseudo_ipv6(&s, dst, (uint32_t)p->len, IPV6_NH_ICMPV6);
    be16_put(b + 2, csum_finish(csum_add(sum, b, p->len)));
    p->l4_off = pkt_off(p);
    h->ip6->icmp6_tx_type[b[0]]++;
    if (trace_wanted(h->trace)) {
        char d[IPV6_ADDR_STRLEN], t[IPV6_ADDR_STRLEN], sb[IPV6_ADDR_STRLEN];
        if (b[0] == ND_NEIGHBOR_SOLICIT || b[0] == ND_NEIGHBOR_ADVERT) {
            struct ip6_addr target;
            memcpy(target.b, b + 8, 16);
            ip6_addr_str(&target, t);
        }
        if (b[0] == ND_NEIGHBOR_SOLICIT && p->len < ND_NS_LEN + 8)
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4862 5.4.2",
                     "neighbour solicitation to %s: who has %s? (duplicate address detection: "
                     "from ::, no link-layer address)", ip6_addr_str(dst, d), t);
        else if (b[0] == ND_NEIGHBOR_SOLICIT)
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4861 4.3",
                     "neighbour solicitation to %s: who has %s? tell %s at %02x:%02x:%02x:%02x:"
                     "%02x:%02x", ip6_addr_str(dst, d), t, ip6_addr_str(&s, sb), b[26], b[27],
                     b[28], b[29], b[30], b[31]);
        else if (b[0] == ND_NEIGHBOR_ADVERT)
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4861 4.4",
                     "neighbour advertisement to %s: %s is at %02x:%02x:%02x:%02x:%02x:%02x, "
                     "flags %s%s%s", ip6_addr_str(dst, d), t, b[26], b[27], b[28], b[29],
                     b[30], b[31], b[4] & 0x80 ? "R" : "", b[4] & 0x40 ? "S" : "",
                     b[4] & 0x20 ? "O" : "");
        else if (b[0] == ND_ROUTER_SOLICIT)
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4861 4.1",
                     "router solicitation to %s (all routers): is a router here? from %s",
                     ip6_addr_str(dst, d), ip6_addr_str(&s, sb));
        else if (b[0] == ND_ROUTER_ADVERT && p->len >= 16)
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4861 4.2",
                     "router advertisement to %s: router lifetime %u s, hop limit %u, flags "
                     "%s%s, %zu bytes of options", ip6_addr_str(dst, d), be16_get(b + 6), b[4],
                     b[5] & 0x80 ? "M" : "-", b[5] & 0x40 ? "O" : "-", p->len - 16);
        else if (b[0] == ICMP6_ECHO_REQUEST || b[0] == ICMP6_ECHO_REPLY)
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4443 4", "%s to %s, id %u seq %u, %zu bytes",
                     type_text(b[0]), ip6_addr_str(dst, d), be16_get(b + 4), be16_get(b + 6),
                     p->len);
        else
            trace_tx(h, LAYER_ICMPV6, p, "RFC 4443 3", "%s (code %u, parameter %u) to %s",
                     type_text(b[0]), b[1], be32_get(b + 4), ip6_addr_str(dst, d));
    } else {
        trace_count(h, TRACE_TX, LAYER_ICMPV6);
    }
    return ipv6_output(h, ifc, p, &s, dst, IPV6_NH_ICMPV6, hop_limit);
}

/* [RFC 4443 2.4(f)] a token bucket refilled with one token per interval. */
static bool
rate_ok(struct host *h)
{
    struct ip6_host *s = h->ip6;
    uint64_t elapsed = h->now_ns - s->err_refill_ns;
    uint64_t add = elapsed / s->err_interval_ns;
    if (add > 0) {
        s->err_tokens = add >= s->err_burst || s->err_tokens + add >= s->err_burst
                            ? s->err_burst
                            : s->err_tokens + (uint32_t)add;
        s->err_refill_ns += add * s->err_interval_ns;
    }
    if (s->err_tokens == 0)
        return false;
    s->err_tokens--;
    return true;
}

/* Whether the packet at b (an IPv6 header) carries an ICMPv6 error message,
 * walking its extension headers. */
static bool
is_icmp6_error(const uint8_t *b, size_t len)
{
    uint8_t nh = b[6];
    size_t off = IPV6_HDR_LEN;
    while ((nh == IPV6_NH_HOPOPT || nh == IPV6_NH_DSTOPTS || nh == IPV6_NH_ROUTING ||
            nh == IPV6_NH_FRAGMENT) && off + 8 <= len) {
        size_t hl = nh == IPV6_NH_FRAGMENT ? 8 : 8u * (b[off + 1] + 1u);
        nh = b[off];
        off += hl;
    }
    return nh == IPV6_NH_ICMPV6 && off < len && b[off] < 128;
}

void
icmp6_send_error(struct host *h, const struct pkt *p, uint8_t type, uint8_t code, uint32_t param,
                 bool multicast_ok)
{
    const uint8_t *ip = pkt_l3(p);
    size_t iplen = pkt_len_from(p, p->l3_off);
    if (h->ip6 == NULL || ip == NULL || iplen < IPV6_HDR_LEN)
        return;
    struct ip6_addr src, dst;
    memcpy(src.b, ip + 8, 16);
    memcpy(dst.b, ip + 24, 16);
    const uint8_t *l2 = pkt_l2(p);
    const char *refuse = NULL;
    /* [RFC 4443 2.4(e)] the messages no error is ever sent about. */
    if (is_icmp6_error(ip, iplen))
        refuse = "it is itself an ICMPv6 error (e.1)";
    else if (ip6_addr_is_multicast(&dst) && !multicast_ok)
        refuse = "it went to a multicast address (e.2)";
    else if (l2 != NULL && (l2[0] & 1) && !multicast_ok)
        refuse = "it came in a link-layer multicast or broadcast (e.3)";
    else if (ip6_addr_is_unspecified(&src) || ip6_addr_is_multicast(&src))
        refuse = "its source does not name one node (e.5)";
    if (refuse != NULL) {
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4443 2.4",
                    "no %s sent: %s", type_text(type), refuse);
        return;
    }
    if (!rate_ok(h)) {
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4443 2.4",
                    "no %s sent: the error rate limit (a bucket of %u, one more each %llu ms) "
                    "is used up (f)", type_text(type), h->ip6->err_burst,
                    (unsigned long long)(h->ip6->err_interval_ns / 1000000));
        return;
    }
    /* [RFC 4443 2.4(c)] as much of the invoking packet as fits without the
     * error exceeding the minimum IPv6 MTU. */
    size_t quote = iplen;
    if (quote > IPV6_MIN_MTU - IPV6_HDR_LEN - ICMP6_HDR_LEN)
        quote = IPV6_MIN_MTU - IPV6_HDR_LEN - ICMP6_HDR_LEN;
    struct pkt *e = host_pkt_alloc(h, PKT_HEADROOM, ICMP6_HDR_LEN + quote);
    if (e == NULL)
        return;
    uint8_t *b = pkt_put(e, ICMP6_HDR_LEN + quote);
    b[0] = type;
    b[1] = code;
    be16_put(b + 2, 0);
    be32_put(b + 4, param);
    memcpy(b + ICMP6_HDR_LEN, ip, quote);
    /* [RFC 4443 2.2] the source is the address the packet was sent to when
     * that is one of ours (a unicast), else one chosen as for any packet. */
    bool mine = !ip6_addr_is_multicast(&dst) && ipv6_is_mine(h, p->rx_ifc, &dst);
    icmp6_output(h, p->rx_ifc, e, mine ? &dst : NULL, &src, 0);
}

/* An error (type, code, from `from`) about the packet q[0..qlen) (its IPv6
 * header first): when that was one of our echo requests, keep it for ping. */
static void
keep_error(struct host *h, uint8_t type, uint8_t code, uint32_t param,
           const struct ip6_addr *from, uint8_t hop_limit, const uint8_t *q, size_t qlen,
           size_t len)
{
    if (qlen < IPV6_HDR_LEN + 8 || q[6] != IPV6_NH_ICMPV6 || q[IPV6_HDR_LEN] != ICMP6_ECHO_REQUEST)
        return;
    uint16_t seq = be16_get(q + IPV6_HDR_LEN + 6);
    struct icmp6_echo_msg *m = &h->ip6->inbox[seq % ICMP6_ECHO_INBOX];
    *m = (struct icmp6_echo_msg){ .used = true, .type = type, .code = code,
                                  .id = be16_get(q + IPV6_HDR_LEN + 4), .seq = seq,
                                  .hop_limit = hop_limit, .from = *from,
                                  .len = (uint16_t)len, .param = param };
}

/* [RFC 4443 2.4(a)] an error about a TCP segment or UDP datagram of ours
 * (q[0..qlen): the quoted packet, its IPv6 header first) goes to the
 * transport that sent it, with the errno it means. */
static void
notify_transport(struct host *h, uint8_t type, uint8_t code, uint32_t param, const uint8_t *q,
                 size_t qlen)
{
    if (qlen < IPV6_HDR_LEN + 8 || (q[6] != IPV6_NH_TCP && q[6] != IPV6_NH_UDP) ||
        (type != ICMP6_DST_UNREACH && type != ICMP6_PACKET_TOO_BIG && type != ICMP6_TIME_EXCEEDED))
        return;
    struct ip6_addr src, dst;
    memcpy(src.b, q + 8, 16);
    memcpy(dst.b, q + 24, 16);
    const uint8_t *l4 = q + IPV6_HDR_LEN;
    int err = type == ICMP6_PACKET_TOO_BIG ? ERR_MSGSIZE
              : type == ICMP6_DST_UNREACH && code == 4 ? ERR_CONNREFUSED
              : type == ICMP6_DST_UNREACH && code == 1 ? ERR_ACCES
                                                       : ERR_HOSTUNREACH;
    if (q[6] == IPV6_NH_TCP)
        tcp_icmp6_error(h, &src, be16_get(l4), &dst, be16_get(l4 + 2), be32_get(l4 + 4), type,
                        code, param, err);
    else if (type == ICMP6_DST_UNREACH)
        udp_icmp6_error(h, &src, be16_get(l4), &dst, be16_get(l4 + 2), err);
}

void
icmp6_report_unreachable(struct host *h, const struct pkt *p)
{
    const uint8_t *ip = pkt_l3(p);
    size_t iplen = pkt_len_from(p, p->l3_off);
    if (h->ip6 == NULL || ip == NULL || iplen < IPV6_HDR_LEN)
        return;
    struct ip6_addr src;
    memcpy(src.b, ip + 8, 16);
    bool ours = false;
    for (unsigned i = 0; i < h->n_ifaces && !ours; i++)
        ours = ipv6_is_mine(h, &h->ifaces[i], &src);
    if (!ours) {
        icmp6_send_error(h, p, ICMP6_DST_UNREACH, 3, 0, false);
        return;
    }
    /* A packet this host sent itself: the error goes to the sender inside
     * the host, as Linux reports it on the socket (ping prints it "From" the
     * host's own address). */
    trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 7.2.2",
                "address unreachable: reported to this host's own sender");
    keep_error(h, ICMP6_DST_UNREACH, 3, 0, &src, 0, ip, iplen, ICMP6_HDR_LEN + iplen);
}

void
icmp6_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    if (p->len < 4) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ICMPV6_TRUNCATED);
        return;
    }
    uint32_t sum = csum_pseudo_ipv6(&hdr->src, &hdr->dst, (uint32_t)p->len, IPV6_NH_ICMPV6);
    if (csum_finish(csum_add(sum, p->data, p->len)) != 0) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ICMPV6_BAD_CSUM);
        return;
    }
    const uint8_t *b = p->data;
    uint8_t type = b[0];
    h->ip6->icmp6_rx_type[type]++;
    if (trace_wanted(h->trace)) {
        char s[IPV6_ADDR_STRLEN], t[IPV6_ADDR_STRLEN];
        ip6_addr_str(&hdr->src, s);
        if ((type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT) && p->len >= 24) {
            struct ip6_addr target;
            memcpy(target.b, b + 8, 16);
            ip6_addr_str(&target, t);
            trace_rx(h, LAYER_ICMPV6, p, type == ND_NEIGHBOR_SOLICIT ? "RFC 4861 4.3" : "RFC 4861 4.4",
                     type == ND_NEIGHBOR_SOLICIT ? "neighbour solicitation from %s: who has %s?"
                                                 : "neighbour advertisement from %s: %s is here",
                     ip6_addr_is_unspecified(&hdr->src) ? ":: (no address yet)" : s, t);
        } else if (type == ND_ROUTER_SOLICIT || type == ND_ROUTER_ADVERT ||
                   type == ND_REDIRECT) {
            trace_rx(h, LAYER_ICMPV6, p,
                     type == ND_ROUTER_SOLICIT ? "RFC 4861 4.1"
                     : type == ND_ROUTER_ADVERT ? "RFC 4861 4.2" : "RFC 4861 4.5",
                     "%s from %s", type_text(type), s);
        } else if ((type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY) && p->len >= 8) {
            trace_rx(h, LAYER_ICMPV6, p, "RFC 4443 4", "%s from %s, id %u seq %u, %zu bytes",
                     type_text(type), s, be16_get(b + 4), be16_get(b + 6), p->len);
        } else {
            trace_rx(h, LAYER_ICMPV6, p, "RFC 4443 2.1", "%s (type %u code %u) from %s",
                     type_text(type), type, b[1], s);
        }
    } else {
        trace_count(h, TRACE_RX, LAYER_ICMPV6);
    }
    switch (type) {
    case ICMP6_ECHO_REQUEST: {
        if (p->len < ICMP6_HDR_LEN) {
            pkt_drop(h, p, LAYER_ICMPV6, DROP_ICMPV6_TRUNCATED);
            return;
        }
        /* [RFC 4443 4.2] the reply carries the request's identifier,
         * sequence number and data; to a multicast request, from a unicast
         * address of ours. */
        struct pkt *r = host_pkt_alloc(h, PKT_HEADROOM, p->len);
        if (r == NULL) {
            pkt_drop(h, p, LAYER_ICMPV6, DROP_NO_MEMORY);
            return;
        }
        uint8_t *rb = pkt_put(r, p->len);
        memcpy(rb, b, p->len);
        rb[0] = ICMP6_ECHO_REPLY;
        rb[1] = 0;
        bool mcast = ip6_addr_is_multicast(&hdr->dst);
        struct ip6_addr to = hdr->src;
        struct ip6_addr from = hdr->dst;
        pkt_free(p);
        icmp6_output(h, ifc, r, mcast ? NULL : &from, &to, 0);
        return;
    }
    case ICMP6_ECHO_REPLY:
        if (p->len >= ICMP6_HDR_LEN) {
            uint16_t seq = be16_get(b + 6);
            struct icmp6_echo_msg *m = &h->ip6->inbox[seq % ICMP6_ECHO_INBOX];
            *m = (struct icmp6_echo_msg){ .used = true, .type = type, .id = be16_get(b + 4),
                                          .seq = seq, .hop_limit = hdr->hop_limit,
                                          .from = hdr->src, .len = (uint16_t)p->len };
        }
        pkt_free(p);
        return;
    case ND_NEIGHBOR_SOLICIT:
    case ND_NEIGHBOR_ADVERT:
        nd6_input(ifc, p, hdr);
        return;
    case ND_ROUTER_SOLICIT:
    case ND_ROUTER_ADVERT:
    case ND_REDIRECT:
        ra6_input(ifc, p, hdr);  /* ra6.c [RFC 4861 6, 8] */
        return;
    case ICMP6_DST_UNREACH:
    case ICMP6_PACKET_TOO_BIG:
    case ICMP6_TIME_EXCEEDED:
    case ICMP6_PARAM_PROB:
        /* [RFC 8201 4] a packet too big lowers the path MTU to the
         * destination of the packet it quotes. */
        if (type == ICMP6_PACKET_TOO_BIG && p->len >= ICMP6_HDR_LEN + IPV6_HDR_LEN) {
            struct ip6_addr qdst;
            memcpy(qdst.b, b + ICMP6_HDR_LEN + 24, 16);
            ipv6_pmtu_learn(h, &qdst, be32_get(b + 4));
        }
        /* [RFC 4443 2.4(a)] an error goes to the upper layer that sent the
         * offending packet: ping, TCP or UDP. */
        if (p->len >= ICMP6_HDR_LEN) {
            keep_error(h, b[0], b[1], be32_get(b + 4), &hdr->src, hdr->hop_limit,
                       b + ICMP6_HDR_LEN,
                       p->len - ICMP6_HDR_LEN, p->len);
            notify_transport(h, b[0], b[1], be32_get(b + 4), b + ICMP6_HDR_LEN,
                             p->len - ICMP6_HDR_LEN);
        }
        pkt_free(p);
        return;
    default:
        /* [RFC 4443 2.4(b)] an unknown informational message is discarded
         * silently. */
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ICMPV6_UNHANDLED);
        return;
    }
}

int
icmp6_echo_send(struct host *h, const struct ip6_addr *dst, uint16_t id, uint16_t seq,
                const uint8_t *data, size_t len, uint8_t hop_limit)
{
    struct iface *ifc;
    struct ip6_addr src;
    int r = ipv6_select(h, dst, &ifc, &src);
    if (r < 0)
        return r;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, ICMP6_HDR_LEN + len);
    if (p == NULL)
        return -ERR_NOBUFS;
    uint8_t *b = pkt_put(p, ICMP6_HDR_LEN + len);
    if (b == NULL) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_NO_MEMORY);
        return -ERR_MSGSIZE;
    }
    b[0] = ICMP6_ECHO_REQUEST;
    b[1] = 0;
    be16_put(b + 4, id);
    be16_put(b + 6, seq);
    if (len > 0)
        memcpy(b + ICMP6_HDR_LEN, data, len);
    return icmp6_output(h, ifc, p, &src, dst, hop_limit);
}

bool
icmp6_echo_take(struct host *h, uint16_t id, uint16_t seq, struct icmp6_echo_msg *out)
{
    if (h->ip6 == NULL)
        return false;
    struct icmp6_echo_msg *m = &h->ip6->inbox[seq % ICMP6_ECHO_INBOX];
    if (!m->used || m->id != id || m->seq != seq)
        return false;
    *out = *m;
    m->used = false;
    return true;
}
