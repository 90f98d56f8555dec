/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * craft.c - build any frame field by field, and put it on a link or into a
 * host (sim/craft.h).
 *
 * The frame is written front to back; the transport is written (or, for a
 * slice, built aside in full) before the IPv4 header so that the header's
 * lengths and the checksums see the bytes that are really there. Checksums
 * are computed over what was written, then replaced if the craft says so.
 */
#include "sim/craft.h"

#include <stdlib.h>
#include <string.h>

#include "sim/event.h"
#include "sim/link.h"
#include "sim/sim.h"
#include "stack/err.h"
#include "stack/iface.h"
#include "stack/wire/arp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

void
craft_init(struct craft *c)
{
    memset(c, 0, sizeof *c);
}

void
craft_arp_defaults(struct craft *c)
{
    c->net = CRAFT_NET_ARP;
    c->arp.htype = ARP_HTYPE_ETH;
    c->arp.ptype = ETHERTYPE_IPV4;
    c->arp.hlen = ETH_ALEN;
    c->arp.plen = 4;
    c->arp.op = ARP_OP_REQUEST;
}

int
craft_tcp_add_opt(struct craft *c, const struct craft_tcpopt *o)
{
    if (c->tcp.n_opts >= CRAFT_TCP_OPTS_MAX)
        return -ERR_NOBUFS;
    c->tcp.opts[c->tcp.n_opts++] = *o;
    return 0;
}

/* Bytes one option takes on the wire. */
static size_t
tcpopt_len(const struct craft_tcpopt *o)
{
    switch (o->kind) {
    case CRAFT_TCPOPT_EOL:
    case CRAFT_TCPOPT_NOP:
        return 1;
    case CRAFT_TCPOPT_MSS:
        return 4;
    case CRAFT_TCPOPT_WSCALE:
        return 3;
    case CRAFT_TCPOPT_SACK_PERM:
        return 2;
    case CRAFT_TCPOPT_SACK:
        return 2u + 8u * (o->n_sack > 4 ? 4u : o->n_sack);
    case CRAFT_TCPOPT_TS:
        return 10;
    case CRAFT_TCPOPT_RAW:
        return o->raw_len > CRAFT_OPT_MAX ? CRAFT_OPT_MAX : o->raw_len;
    }
    return 0;
}

size_t
craft_tcp_opts_len(const struct craft_tcp *t)
{
    size_t n = 0;
    for (unsigned i = 0; i < t->n_opts && i < CRAFT_TCP_OPTS_MAX; i++)
        n += tcpopt_len(&t->opts[i]);
    return n;
}

/* Write option o at b; returns its length. */
static size_t
tcpopt_write(const struct craft_tcpopt *o, uint8_t *b)
{
    size_t n = tcpopt_len(o);
    switch (o->kind) {
    case CRAFT_TCPOPT_EOL:
        b[0] = TCPOPT_EOL;
        break;
    case CRAFT_TCPOPT_NOP:
        b[0] = TCPOPT_NOP;
        break;
    case CRAFT_TCPOPT_MSS:
        b[0] = TCPOPT_MSS;
        b[1] = 4;
        be16_put(b + 2, o->mss);
        break;
    case CRAFT_TCPOPT_WSCALE:
        b[0] = TCPOPT_WSCALE;
        b[1] = 3;
        b[2] = o->wscale;
        break;
    case CRAFT_TCPOPT_SACK_PERM:
        b[0] = TCPOPT_SACK_PERM;
        b[1] = 2;
        break;
    case CRAFT_TCPOPT_SACK:
        b[0] = TCPOPT_SACK;
        b[1] = (uint8_t)n;
        for (size_t i = 0; i < (n - 2) / 8; i++) {
            be32_put(b + 2 + 8 * i, o->sack[i][0]);
            be32_put(b + 6 + 8 * i, o->sack[i][1]);
        }
        break;
    case CRAFT_TCPOPT_TS:
        b[0] = TCPOPT_TS;
        b[1] = 10;
        be32_put(b + 2, o->ts_val);
        be32_put(b + 6, o->ts_ecr);
        break;
    case CRAFT_TCPOPT_RAW:
        memcpy(b, o->raw, n);
        break;
    }
    return n;
}

/* The value a checksum field gets: `right` unless the craft says otherwise.
 * BAD flips the lowest bit, which never lands on right's ones' complement
 * twin (0x0000 and 0xffff both sum to zero [RFC 1071]). */
static uint16_t
csum_field(const struct craft_csum *cs, uint16_t right)
{
    switch (cs->mode) {
    case CRAFT_CSUM_RIGHT:
        return right;
    case CRAFT_CSUM_BAD:
        return (uint16_t)(right ^ 1u);
    case CRAFT_CSUM_VALUE:
        return cs->value;
    }
    return right;
}

/* The transport's own header length, before its payload. */
static int
trans_hdr_len(const struct craft *c, size_t *hl, const char **why)
{
    switch (c->trans) {
    case CRAFT_TRANS_NONE:
        *hl = 0;
        return 0;
    case CRAFT_TRANS_ICMP:
        *hl = ICMP_HDR_LEN;
        return 0;
    case CRAFT_TRANS_UDP:
        *hl = UDP_HDR_LEN;
        return 0;
    case CRAFT_TRANS_TCP: {
        size_t o = craft_tcp_opts_len(&c->tcp);
        if (c->tcp.n_opts > CRAFT_TCP_OPTS_MAX) {
            *why = "too many TCP options";
            return -ERR_INVAL;
        }
        if (!c->tcp.no_opt_pad)
            o = (o + 3) & ~(size_t)3;
        if (o > TCP_OPT_MAX) {
            *why = "TCP options take more than 40 bytes";
            return -ERR_INVAL;
        }
        *hl = TCP_HDR_MIN + o;
        return 0;
    }
    }
    *why = "unknown transport";
    return -ERR_INVAL;
}

/* Write the transport (header and payload) at b, whose room is known to be
 * enough, and its checksum. tl = header + payload bytes. */
static void
trans_write(const struct craft *c, uint8_t *b, size_t thl, size_t tl)
{
    if (c->payload_len > 0)
        memcpy(b + thl, c->payload, c->payload_len);
    const struct craft_ipv4 *ip = &c->ip;
    switch (c->trans) {
    case CRAFT_TRANS_NONE:
        break;
    case CRAFT_TRANS_ICMP: {
        const struct craft_icmp *m = &c->icmp;
        b[0] = m->type;
        b[1] = m->code;
        be16_put(b + 2, 0);
        if (m->has_rest) {
            be32_put(b + 4, m->rest);
        } else if (m->type == ICMP_DEST_UNREACH && m->code == ICMP_UNREACH_NEEDFRAG) {
            be16_put(b + 4, 0);  /* unused [RFC 1191 4] */
            be16_put(b + 6, m->mtu);
        } else if (m->type == ICMP_DEST_UNREACH || m->type == ICMP_TIME_EXCEEDED) {
            be32_put(b + 4, 0);  /* unused [RFC 792] */
        } else {
            be16_put(b + 4, m->id);
            be16_put(b + 6, m->seq);
        }
        be16_put(b + 2, csum_field(&m->csum, csum_compute(b, tl)));
        break;
    }
    case CRAFT_TRANS_UDP: {
        const struct craft_udp *u = &c->udp;
        be16_put(b, u->sport);
        be16_put(b + 2, u->dport);
        be16_put(b + 4, u->has_len ? u->len : (uint16_t)tl);
        be16_put(b + 6, 0);
        uint32_t sum = csum_pseudo_ipv4(ip->src, ip->dst, IPPROTO_UDP_, (uint16_t)tl);
        uint16_t right = csum_finish(csum_add(sum, b, tl));
        if (right == 0)
            right = 0xffff;  /* 0 means "no checksum" [RFC 768] */
        be16_put(b + 6, csum_field(&u->csum, right));
        break;
    }
    case CRAFT_TRANS_TCP: {
        const struct craft_tcp *t = &c->tcp;
        be16_put(b, t->sport);
        be16_put(b + 2, t->dport);
        be32_put(b + 4, t->seq);
        be32_put(b + 8, t->ack);
        uint8_t off = t->has_data_off ? t->data_off : (uint8_t)(thl / 4);
        if (!t->has_data_off && thl % 4 != 0)
            off = (uint8_t)((thl + 3) / 4);  /* unpadded options: round up */
        b[12] = (uint8_t)(off << 4 | (t->reserved & 0x0f));
        b[13] = t->flags;
        be16_put(b + 14, t->win);
        be16_put(b + 16, 0);
        be16_put(b + 18, t->urp);
        size_t at = TCP_HDR_MIN;
        for (unsigned i = 0; i < t->n_opts; i++)
            at += tcpopt_write(&t->opts[i], b + at);
        while (at < thl)
            b[at++] = TCPOPT_EOL;
        uint32_t sum = csum_pseudo_ipv4(ip->src, ip->dst, IPPROTO_TCP_, (uint16_t)tl);
        be16_put(b + 16, csum_field(&t->csum, csum_finish(csum_add(sum, b, tl))));
        break;
    }
    }
}

static uint8_t
trans_proto(enum craft_trans t)
{
    switch (t) {
    case CRAFT_TRANS_ICMP:
        return IPPROTO_ICMP_;
    case CRAFT_TRANS_UDP:
        return IPPROTO_UDP_;
    case CRAFT_TRANS_TCP:
        return IPPROTO_TCP_;
    case CRAFT_TRANS_NONE:
        break;
    }
    return 0;
}

/* Fail with reason r and sentence w. */
#define CRAFT_FAIL(r, w)         \
    do {                         \
        if (why != NULL)         \
            *why = (w);          \
        return (r);              \
    } while (0)

static int
ipv4_build(const struct craft *c, uint8_t *b, size_t room, size_t *out, const char **why)
{
    const struct craft_ipv4 *ip = &c->ip;
    if (ip->opt_len > IPV4_OPT_MAX)
        CRAFT_FAIL(-ERR_INVAL, "IPv4 options take more than 40 bytes");
    if (ip->frag_off % 8 != 0)
        CRAFT_FAIL(-ERR_INVAL, "a fragment offset is a multiple of 8 bytes");
    if (ip->has_version && ip->version > 15)
        CRAFT_FAIL(-ERR_INVAL, "the IPv4 version field has 4 bits (0..15)");
    if (ip->has_ihl && ip->ihl > 15)
        CRAFT_FAIL(-ERR_INVAL, "the IHL field has 4 bits (0..15 words)");
    size_t hl = IPV4_HDR_MIN + ((ip->opt_len + 3u) & ~3u);

    const char *w = NULL;
    size_t thl = 0;
    int rc = trans_hdr_len(c, &thl, &w);
    if (rc < 0)
        CRAFT_FAIL(rc, w);
    size_t tl = thl + c->payload_len;
    if (tl > IPV4_MAX_LEN)
        CRAFT_FAIL(-ERR_MSGSIZE, "the datagram would be longer than 65535 bytes");

    size_t body = tl;
    if (ip->slice) {
        if (ip->slice_off > tl)
            CRAFT_FAIL(-ERR_INVAL, "the fragment starts past the end of the transport");
        size_t rest = tl - ip->slice_off;
        body = ip->slice_len < 0 || (size_t)ip->slice_len > rest ? rest : (size_t)ip->slice_len;
        if (ip->slice_len >= 0 && (size_t)ip->slice_len > rest)
            CRAFT_FAIL(-ERR_INVAL, "the fragment runs past the end of the transport");
    }
    if (hl + body > IPV4_MAX_LEN)
        CRAFT_FAIL(-ERR_MSGSIZE, "the datagram would be longer than 65535 bytes");
    if (hl + body > room)
        CRAFT_FAIL(-ERR_MSGSIZE, "the frame does not fit in the buffer");

    if (ip->slice) {
        uint8_t *whole = malloc(tl > 0 ? tl : 1);
        if (whole == NULL)
            CRAFT_FAIL(-ERR_NOMEM, "out of memory");
        trans_write(c, whole, thl, tl);
        memcpy(b + hl, whole + ip->slice_off, body);
        free(whole);
    } else {
        trans_write(c, b + hl, thl, tl);
    }

    uint8_t version = ip->has_version ? ip->version : 4;
    uint8_t ihl = ip->has_ihl ? ip->ihl : (uint8_t)(hl / 4);
    b[IPV4_OFF_VER_IHL] = (uint8_t)(version << 4 | (ihl & 0x0f));
    b[IPV4_OFF_TOS] = ip->tos;
    be16_put(b + IPV4_OFF_TOTAL_LEN, ip->has_total_len ? ip->total_len : (uint16_t)(hl + body));
    be16_put(b + IPV4_OFF_ID, ip->id);
    uint16_t frag = (uint16_t)(ip->frag_off / 8);
    if (ip->rf)
        frag |= 0x8000;
    if (ip->df)
        frag |= IPV4_FLAG_DF;
    if (ip->mf)
        frag |= IPV4_FLAG_MF;
    be16_put(b + IPV4_OFF_FRAG, frag);
    b[IPV4_OFF_TTL] = ip->has_ttl ? ip->ttl : IPV4_DEFAULT_TTL;
    b[IPV4_OFF_PROTO] = ip->has_proto ? ip->proto : trans_proto(c->trans);
    be16_put(b + IPV4_OFF_CSUM, 0);
    be32_put(b + IPV4_OFF_SRC, ip->src);
    be32_put(b + IPV4_OFF_DST, ip->dst);
    memset(b + IPV4_HDR_MIN, TCPOPT_EOL, hl - IPV4_HDR_MIN);  /* EOL is 0 in IPv4 too */
    if (ip->opt_len > 0)
        memcpy(b + IPV4_HDR_MIN, ip->options, ip->opt_len);
    be16_put(b + IPV4_OFF_CSUM, csum_field(&ip->csum, csum_compute(b, hl)));
    *out = hl + body;
    return 0;
}

int
craft_build(const struct craft *c, uint8_t *buf, size_t cap, size_t *len, const char **why)
{
    size_t at = 0;
    if (c->trans != CRAFT_TRANS_NONE && c->net != CRAFT_NET_IPV4)
        CRAFT_FAIL(-ERR_INVAL, "ICMP, UDP and TCP need an IPv4 header under them");
    if (c->no_eth && c->net != CRAFT_NET_IPV4)
        CRAFT_FAIL(-ERR_INVAL, "a frame without Ethernet starts at an IPv4 header");
    if (!c->no_eth) {
        if (cap < ETH_HDR_LEN)
            CRAFT_FAIL(-ERR_MSGSIZE, "the frame does not fit in the buffer");
        memcpy(buf + ETH_OFF_DST, c->eth.dst, ETH_ALEN);
        memcpy(buf + ETH_OFF_SRC, c->eth.src, ETH_ALEN);
        uint16_t type = c->eth.type;
        if (!c->eth.has_type)
            type = c->net == CRAFT_NET_ARP ? ETHERTYPE_ARP
                   : c->net == CRAFT_NET_IPV4 ? ETHERTYPE_IPV4 : 0;
        be16_put(buf + ETH_OFF_TYPE, type);
        at = ETH_HDR_LEN;
    }
    switch (c->net) {
    case CRAFT_NET_NONE:
        if (c->payload_len > cap - at)
            CRAFT_FAIL(-ERR_MSGSIZE, "the frame does not fit in the buffer");
        if (c->payload_len > 0)
            memcpy(buf + at, c->payload, c->payload_len);
        at += c->payload_len;
        break;
    case CRAFT_NET_ARP: {
        const struct craft_arp *a = &c->arp;
        if (ARP_LEN + c->payload_len > cap - at)
            CRAFT_FAIL(-ERR_MSGSIZE, "the frame does not fit in the buffer");
        uint8_t *b = buf + at;
        be16_put(b, a->htype);
        be16_put(b + 2, a->ptype);
        b[4] = a->hlen;
        b[5] = a->plen;
        be16_put(b + 6, a->op);
        memcpy(b + 8, a->sha, ETH_ALEN);
        be32_put(b + 14, a->spa);
        memcpy(b + 18, a->tha, ETH_ALEN);
        be32_put(b + 24, a->tpa);
        if (c->payload_len > 0)
            memcpy(b + ARP_LEN, c->payload, c->payload_len);
        at += ARP_LEN + c->payload_len;
        break;
    }
    case CRAFT_NET_IPV4: {
        size_t n = 0;
        int rc = ipv4_build(c, buf + at, cap - at, &n, why);
        if (rc < 0)
            return rc;
        at += n;
        break;
    }
    default:
        CRAFT_FAIL(-ERR_INVAL, "unknown network layer");
    }
    if (!c->no_eth && !c->no_pad && at < ETH_MIN_FRAME) {
        if (cap < ETH_MIN_FRAME)
            CRAFT_FAIL(-ERR_MSGSIZE, "the frame does not fit in the buffer");
        memset(buf + at, 0, ETH_MIN_FRAME - at);  /* [IEEE 802.3 3.2.8] */
        at = ETH_MIN_FRAME;
    }
    *len = at;
    return 0;
}

size_t
craft_quote_len(const uint8_t *d, size_t len)
{
    if (len < 1)
        return 0;
    size_t q = (size_t)(d[0] & 0x0f) * 4 + 8;  /* header + 64 bits of data [RFC 792] */
    return q < len ? q : len;
}

struct pkt *
craft_pkt(struct sim *s, const uint8_t *frame, size_t len, struct trace_cause cause)
{
    struct pkt *p = pkt_from_bytes(&s->pool, frame, len);
    if (p == NULL)
        return NULL;
    p->cause = cause;
    p->born_ns = s->now_ns;
    p->l2_off = pkt_off(p);
    return p;
}

int
craft_send_on_link(struct link *l, struct iface *to, struct pkt *p)
{
    struct iface *from = to == l->a ? l->b : to == l->b ? l->a : NULL;
    if (from == NULL) {
        pkt_free(p);
        return -ERR_INVAL;
    }
    return link_transmit(from, p);
}

int
craft_deliver(struct sim *s, struct iface *ifc, struct pkt *p)
{
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = s->now_ns;
    ev.kind = SIM_EV_FRAME;
    ev.u.frame.dst = ifc;
    ev.u.frame.p = p;
    if (event_heap_push(&s->heap, &ev) < 0) {
        pkt_free(p);
        return -ERR_NOMEM;
    }
    return 0;
}
