/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp.c - ICMP on a host [RFC 792] [RFC 1122 3.2.2].
 *
 * Echo requests are answered with the same identifier, sequence and data
 * [RFC 792 "Echo or Echo Reply Message"]; echo replies go to the ping socket
 * whose identifier they carry; a destination unreachable is matched to the
 * socket that sent the quoted datagram and becomes its error [RFC 1122
 * 4.1.3.3]. Errors we send quote the offending IP header and 8 bytes of its
 * payload, and are never sent about an ICMP error, a broadcast or a non-first
 * fragment [RFC 1122 3.2.2].
 * Called by: ipv4_input(), udp_input(), ipv4 forwarding. Calls: ipv4_output(),
 * udp_icmp_error(), sock_deliver_dgram().
 */
#include "stack/icmp.h"

#include <stdio.h>
#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/pkt.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/udp.h"

/* The ping socket bound to echo identifier id, or NULL. */
static struct socket *
icmp_ping_socket(struct host *h, uint16_t id)
{
    for (unsigned i = 0; i < h->socks.cap; i++) {
        struct socket *s = h->socks.s[i];
        if (s != NULL && s->proto == SOCK_PROTO_ICMP && s->ping_id == id)
            return s;
    }
    return NULL;
}

static void
icmp_echo_reply(struct host *h, struct pkt *req, const struct ipv4_hdr *ip,
                const struct icmp_hdr *icmp)
{
    size_t len = req->len;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, len);
    if (p == NULL) {
        pkt_drop(h, req, LAYER_ICMP, DROP_NO_MEMORY);
        return;
    }
    uint8_t *b = pkt_put(p, len);
    memcpy(b + ICMP_HDR_LEN, req->data + ICMP_HDR_LEN, len - ICMP_HDR_LEN);
    struct icmp_hdr rep = { .type = ICMP_ECHO_REPLY, .code = 0, .id = icmp->id, .seq = icmp->seq };
    icmp_emit(&rep, b, len);
    p->l4_off = pkt_off(p);
    host_count_icmp(h, true, ICMP_ECHO_REPLY);
    trace_tx(h, LAYER_ICMP, p, "RFC 792",
             "ICMP echo reply, id %u, seq %u, length %zu: same id, seq and data as the request",
             rep.id, rep.seq, len);
    /* Reply from the address the request was sent to [RFC 1122 3.2.2.6]
     * (a broadcast request is answered from our own address). */
    struct ipv4_tx tx = {
        .src = ipv4_is_local(h, ip->dst) ? ip->dst : 0,
        .dst = ip->src,
        .proto = IPPROTO_ICMP_,
    };
    ipv4_output(h, p, &tx);
    pkt_free(req);
}

/* Queue the error on the sockets that asked for IP_RECVERR: a UDP socket
 * bound to the quoted source port, or the ping socket of the quoted echo
 * identifier. This is how traceroute and ping learn which router answered. */
static void
icmp_error_to_queues(struct host *h, const struct pkt *p, const struct icmp_hdr *icmp,
                     const struct ipv4_hdr *inner, const uint8_t *l4, int err)
{
    const uint8_t *outer = pkt_l3(p);
    struct sock_icmp_err qe = {
        .err = err,
        .type = icmp->type,
        .code = icmp->code,
        .mtu = icmp->type == ICMP_DEST_UNREACH && icmp->code == ICMP_UNREACH_NEEDFRAG ? icmp->mtu
                                                                                       : 0,
        .offender = outer != NULL ? be32_get(outer + IPV4_OFF_SRC) : 0,
        .dst = inner->dst,
        .ttl = outer != NULL ? outer[IPV4_OFF_TTL] : 0,
        .at_ns = h->now_ns,
    };
    if (inner->proto == IPPROTO_UDP_) {
        qe.sport = be16_get(l4);
        qe.dport = be16_get(l4 + 2);
        for (unsigned i = 0; i < h->socks.cap; i++) {
            struct socket *s = h->socks.s[i];
            if (s != NULL && s->proto == SOCK_PROTO_UDP && s->pcb.lport == qe.sport &&
                (s->pcb.laddr == 0 || s->pcb.laddr == inner->src))
                sock_queue_icmp_error(h, s, &qe);
        }
    } else if (inner->proto == IPPROTO_ICMP_ && l4[0] == ICMP_ECHO_REQUEST) {
        qe.sport = be16_get(l4 + 4);
        qe.dport = be16_get(l4 + 6);
        struct socket *s = icmp_ping_socket(h, qe.sport);
        if (s != NULL)
            sock_queue_icmp_error(h, s, &qe);
    }
}

/* An ICMP error quoting a datagram of ours: hand it to the socket that sent it. */
static void
icmp_error_input(struct host *h, struct pkt *p, const struct icmp_hdr *icmp, const char *desc)
{
    const uint8_t *q = p->data + ICMP_HDR_LEN;
    size_t qlen = p->len - ICMP_HDR_LEN;
    struct ipv4_hdr inner;
    /* The quote is truncated by design: parse its header only. */
    if (qlen < IPV4_HDR_MIN || (q[0] >> 4) != 4 || (size_t)(q[0] & 0xf) * 4 + 8 > qlen) {
        pkt_drop(h, p, LAYER_ICMP, DROP_ICMP_TRUNCATED);
        return;
    }
    size_t ihl = (size_t)(q[0] & 0xf) * 4;
    memset(&inner, 0, sizeof(inner));
    inner.proto = q[IPV4_OFF_PROTO];
    inner.src = be32_get(q + IPV4_OFF_SRC);
    inner.dst = be32_get(q + IPV4_OFF_DST);
    const uint8_t *l4 = q + ihl;
    int err = 0;
    if (icmp->type == ICMP_DEST_UNREACH) {
        switch (icmp->code) {
        case ICMP_UNREACH_PORT:
        case ICMP_UNREACH_PROTOCOL:
            err = ERR_CONNREFUSED;
            break;
        case ICMP_UNREACH_NET:
            err = ERR_NETUNREACH;
            break;
        case ICMP_UNREACH_NEEDFRAG:
            err = ERR_MSGSIZE;
            break;
        default:
            err = ERR_HOSTUNREACH;
            break;
        }
    } else if (icmp->type == ICMP_TIME_EXCEEDED) {
        err = ERR_HOSTUNREACH;
    }
    trace_rx(h, LAYER_ICMP, p, "RFC 1122 4.1.3.3", "%s: about a datagram I sent; tell its socket (%s)",
             desc, err_name(err));
    /* [RFC 1191 3] learn the path MTU first, so the transport that hears
     * of the error already sees the smaller value. TCP learns it itself,
     * once it has checked that the quote is of a segment in flight
     * [RFC 5927 4.1]: a forged message cannot shrink a connection's MTU. */
    uint16_t quoted_len = be16_get(q + IPV4_OFF_TOTAL_LEN);
    if (icmp->type == ICMP_DEST_UNREACH && icmp->code == ICMP_UNREACH_NEEDFRAG &&
        inner.proto != IPPROTO_TCP_)
        ipv4_pmtu_update(h, inner.dst, icmp->mtu, quoted_len);
    icmp_error_to_queues(h, p, icmp, &inner, l4, err);
    if (inner.proto == IPPROTO_UDP_)
        udp_icmp_error(h, inner.src, be16_get(l4), inner.dst, be16_get(l4 + 2), err);
    else if (inner.proto == IPPROTO_TCP_)
        tcp_icmp_error(h, inner.src, be16_get(l4), inner.dst, be16_get(l4 + 2), be32_get(l4 + 4),
                       icmp->type, icmp->code, icmp->mtu, quoted_len, err);
    pkt_free(p);
}

void
icmp_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip)
{
    struct icmp_hdr icmp;
    enum drop_reason why = icmp_parse(p->data, p->len, &icmp);
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_ICMP, why);
        return;
    }
    host_count_icmp(h, false, icmp.type);
    char desc[96];
    icmp_describe(&icmp, desc, sizeof(desc));
    switch (icmp.type) {
    case ICMP_ECHO_REQUEST:
        trace_rx(h, LAYER_ICMP, p, "RFC 792", "%s: answer with an echo reply", desc);
        icmp_echo_reply(h, p, ip, &icmp);
        return;
    case ICMP_ECHO_REPLY: {
        struct socket *s = icmp_ping_socket(h, icmp.id);
        if (s == NULL) {
            trace_rx(h, LAYER_ICMP, p, "RFC 792", "%s: no ping is waiting for id %u", desc, icmp.id);
            pkt_drop(h, p, LAYER_ICMP, DROP_ICMP_UNHANDLED);
            return;
        }
        trace_rx(h, LAYER_ICMP, p, "RFC 792", "%s: to the ping socket %d", desc, s->fd);
        sock_deliver_dgram(h, s, p);
        return;
    }
    case ICMP_DEST_UNREACH:
    case ICMP_TIME_EXCEEDED:
        icmp_error_input(h, p, &icmp, desc);
        return;
    default:
        trace_rx(h, LAYER_ICMP, p, "RFC 1122 3.2.2", "%s: a type this host ignores", desc);
        pkt_drop(h, p, LAYER_ICMP, DROP_ICMP_UNHANDLED);
        return;
    }
}

void
icmp_send_error(struct host *h, const struct pkt *orig, uint8_t type, uint8_t code, uint16_t mtu)
{
    const uint8_t *oip = pkt_l3(orig);
    if (oip == NULL)
        return;
    size_t olen = pkt_len_from(orig, orig->l3_off);
    if (olen < IPV4_HDR_MIN)
        return;
    size_t ihl = (size_t)(oip[0] & 0xf) * 4;
    uint32_t osrc = be32_get(oip + IPV4_OFF_SRC);
    uint32_t odst = be32_get(oip + IPV4_OFF_DST);
    uint16_t frag = be16_get(oip + IPV4_OFF_FRAG);
    /* [RFC 1122 3.2.2] An ICMP error MUST NOT be sent about an ICMP error, a
     * datagram to a broadcast, a non-initial fragment, or a datagram whose
     * source is not a single host. */
    bool about_error = false;
    if (oip[IPV4_OFF_PROTO] == IPPROTO_ICMP_ && olen >= ihl + 1) {
        uint8_t t = oip[ihl];
        about_error = t != ICMP_ECHO_REQUEST && t != ICMP_ECHO_REPLY;
    }
    /* Nor about "a datagram sent as a link-layer broadcast" (or multicast:
     * the group bit covers both), even when its IP destination is unicast. */
    const uint8_t *l2 = pkt_l2(orig);
    bool link_bcast = l2 != NULL && mac_is_multicast(l2 + ETH_OFF_DST);
    if (about_error || link_bcast || ipv4_is_broadcast(h, odst) || (odst >> 28) == 0xe ||
        (frag & IPV4_FRAG_MASK) != 0 || osrc == 0 || ipv4_is_broadcast(h, osrc)) {
        trace_event(h, TRACE_NOTE, LAYER_ICMP, orig, "RFC 1122 3.2.2",
                    "no ICMP error: it would be about an error, a broadcast or a fragment");
        return;
    }
    /* Quote the IP header and the first 64 bits of the data [RFC 792]. */
    size_t quote = ihl + 8 < olen ? ihl + 8 : olen;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, ICMP_HDR_LEN + quote);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, ICMP_HDR_LEN + quote);
    memcpy(b + ICMP_HDR_LEN, oip, quote);
    struct icmp_hdr icmp = { .type = type, .code = code, .mtu = mtu };
    icmp_emit(&icmp, b, ICMP_HDR_LEN + quote);
    p->l4_off = pkt_off(p);
    host_count_icmp(h, true, type);
    char desc[96];
    snprintf(desc, sizeof(desc), "ICMP %s", icmp_type_name(type, code));
    trace_tx(h, LAYER_ICMP, p, "RFC 792",
             "%s, quoting the IP header and 8 bytes of the datagram", desc);
    struct ipv4_tx tx = {
        .src = ipv4_is_local(h, odst) ? odst : 0,
        .dst = osrc,
        .proto = IPPROTO_ICMP_,
    };
    ipv4_output(h, p, &tx);
}
