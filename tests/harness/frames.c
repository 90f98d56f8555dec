/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * frames.c - hand-made frames and decoded transmissions for the unit tests.
 */
#include "frames.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "stack/arp.h"
#include "stack/host.h"

const uint8_t hwf_mac_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct ipv4_hdr
hwf_ip(uint32_t src, uint32_t dst, uint8_t proto)
{
    struct ipv4_hdr ip;
    memset(&ip, 0, sizeof(ip));
    ip.ihl = IPV4_HDR_MIN;
    ip.id = 0x1234;
    ip.ttl = IPV4_DEFAULT_TTL;
    ip.proto = proto;
    ip.src = src;
    ip.dst = dst;
    return ip;
}

size_t
hwf_ipv4(uint8_t *frame, const uint8_t dst_mac[ETH_ALEN], const uint8_t src_mac[ETH_ALEN],
         const struct ipv4_hdr *ip, const uint8_t *payload, size_t len)
{
    struct eth_hdr eth = { .type = ETHERTYPE_IPV4 };
    memcpy(eth.dst, dst_mac, ETH_ALEN);
    memcpy(eth.src, src_mac, ETH_ALEN);
    eth_emit(&eth, frame);
    struct ipv4_hdr h = *ip;
    size_t ihl = ipv4_hdr_len(&h);
    ck_assert_uint_le(ETH_HDR_LEN + ihl + len, HWF_MAX);
    if (h.total_len == 0)
        h.total_len = (uint16_t)(ihl + len);
    ipv4_emit(&h, frame + ETH_HDR_LEN);
    if (len > 0)
        memcpy(frame + ETH_HDR_LEN + ihl, payload, len);
    return ETH_HDR_LEN + ihl + len;
}

size_t
hwf_udp(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
        const uint8_t *data, size_t len)
{
    if (len > 0)
        memcpy(buf + UDP_HDR_LEN, data, len);
    struct udp_hdr udp = { .sport = sport, .dport = dport, .len = (uint16_t)(UDP_HDR_LEN + len) };
    udp_emit(&udp, buf, src, dst);
    return UDP_HDR_LEN + len;
}

size_t
hwf_icmp_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq, const uint8_t *data,
              size_t len)
{
    if (len > 0)
        memcpy(buf + ICMP_HDR_LEN, data, len);
    struct icmp_hdr icmp = { .type = type, .code = 0, .id = id, .seq = seq };
    icmp_emit(&icmp, buf, ICMP_HDR_LEN + len);
    return ICMP_HDR_LEN + len;
}

size_t
hwf_arp(uint8_t *frame, const uint8_t eth_dst[ETH_ALEN], const struct arp_hdr *arp)
{
    struct eth_hdr eth = { .type = ETHERTYPE_ARP };
    memcpy(eth.dst, eth_dst, ETH_ALEN);
    memcpy(eth.src, arp->sha, ETH_ALEN);
    eth_emit(&eth, frame);
    arp_emit(arp, frame + ETH_HDR_LEN);
    return ETH_HDR_LEN + ARP_LEN;
}

size_t
hwf_udp_frame(const struct hw_world *w, int from, uint32_t src, uint16_t sport, uint32_t dst,
              uint16_t dport, const uint8_t *data, size_t len, uint8_t *frame)
{
    uint8_t l4[HWF_MAX];
    size_t n = hwf_udp(l4, src, sport, dst, dport, data, len);
    struct ipv4_hdr ip = hwf_ip(src, dst, IPPROTO_UDP_);
    return hwf_ipv4(frame, w->host[1 - from].ifaces[0].mac, w->host[from].ifaces[0].mac, &ip, l4,
                    n);
}

void
hwf_decode(const struct pkt *p, struct hwf *out)
{
    memset(out, 0, sizeof(*out));
    out->frame_len = p->len;
    ck_assert_int_eq(eth_parse(p->data, p->len, &out->eth), DROP_NONE);
    /* [IEEE 802.3 3.2.8] nothing shorter than 60 bytes leaves a host. */
    ck_assert_uint_ge(p->len, ETH_MIN_FRAME);
    out->l3 = p->data + ETH_HDR_LEN;
    size_t l3_len = p->len - ETH_HDR_LEN;
    if (out->eth.type == ETHERTYPE_ARP) {
        ck_assert_int_eq(arp_parse(out->l3, l3_len, &out->arp), DROP_NONE);
        out->is_arp = true;
    } else if (out->eth.type == ETHERTYPE_IPV4) {
        ck_assert_int_eq(ipv4_parse(out->l3, l3_len, &out->ip), DROP_NONE);
        out->is_ipv4 = true;
        out->l4 = out->l3 + out->ip.ihl;
        out->l4_len = (size_t)out->ip.total_len - out->ip.ihl;
    }
}

struct hw_world *
hw_new(void)
{
    struct hw_world *w = calloc(1, sizeof(*w));
    ck_assert_ptr_nonnull(w);
    hw_init(w);
    return w;
}

struct pkt *
hw_take(struct hw_world *w, int from)
{
    struct pkt *p = pkt_queue_pop(&w->out[from]);
    ck_assert_msg(p != NULL, "%s sent nothing", w->host[from].name);
    return p;
}

size_t
hw_pending(const struct hw_world *w, int from)
{
    return w->out[from].count;
}

void
hw_learn_each_other(struct hw_world *w)
{
    struct host *a = &w->host[HW_ALICE], *b = &w->host[HW_BOB];
    ck_assert_int_eq(arp_cache_set_permanent(a, &a->ifaces[0], b->ifaces[0].addr, b->ifaces[0].mac),
                     0);
    ck_assert_int_eq(arp_cache_set_permanent(b, &b->ifaces[0], a->ifaces[0].addr, a->ifaces[0].mac),
                     0);
}

static int
hw_port_transmit(struct iface *ifc, struct pkt *p)
{
    struct hw_port *port = ifc->drv;
    pkt_queue_push(&port->out, p);
    return 0;
}

const struct iface_ops hw_port_ops = { .transmit = hw_port_transmit };

void
hw_inject_on(struct hw_world *w, int to, unsigned ifc, const uint8_t *frame, size_t len)
{
    hw_enter(w);
    ck_assert_uint_lt(ifc, w->host[to].n_ifaces);
    struct pkt *p = pkt_from_bytes(&w->pool, frame, len);
    ck_assert_ptr_nonnull(p);
    iface_input(&w->host[to].ifaces[ifc], p);
}
