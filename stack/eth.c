/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eth.c - Ethernet II on a host: accept frames for us, dispatch by EtherType,
 * build and pad outgoing frames.
 *
 * Called by: iface_input() (in), arp_output()/arp.c (out).
 * Calls: arp_input(), ipv4_input(), ipv6_input(), iface_transmit().
 */
#include "stack/eth.h"

#include <string.h>

#include "stack/arp.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/ipv4.h"
#include "stack/ipv6.h"
#include "stack/pkt.h"
#include "stack/wire/eth.h"

void
eth_input(struct iface *ifc, struct pkt *p)
{
    struct host *h = ifc->host;
    struct eth_hdr eth;
    enum drop_reason why = eth_parse(p->data, p->len, &eth);
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_ETH, why);
        return;
    }
    if (p->len > (size_t)ETH_HDR_LEN + ifc->mtu) {
        pkt_drop(h, p, LAYER_ETH, DROP_ETH_TOO_LONG);
        return;
    }
    bool to_us = memcmp(eth.dst, ifc->mac, ETH_ALEN) == 0;
    bool bcast = mac_is_broadcast(eth.dst);
    /* A group this interface joined for IPv6 [RFC 2464 7]. */
    bool group = !to_us && !bcast && ipv6_mac_wanted(ifc, eth.dst);
    if (!to_us && !bcast && !group) {
        /* [IEEE 802.3 3.2.3] A NIC that is not promiscuous ignores frames for
         * other stations; on a point-to-point link this only happens when a
         * sender used a stale cache entry. */
        pkt_drop(h, p, LAYER_ETH, DROP_ETH_NOT_FOR_US);
        return;
    }
    if (trace_wants_sentence(h->trace)) {
        const char *tname = ethertype_name(eth.type);
        trace_rx(h, LAYER_ETH, p, "IEEE 802.3 3.2",
                 TRACE_MAC " > " TRACE_MAC ", ethertype %s (0x%04x), length %zu: %s; up to %s",
                 trace_mac(eth.src), trace_mac(eth.dst), tname ? tname : "?", eth.type, p->len,
                 ifc->loopback ? "back from lo, this host's own, no wire" :
                 bcast ? "broadcast, so for everyone" :
                 group ? "multicast to a group I joined" : "addressed to me",
                 tname ? tname : "nobody");
    } else {
        trace_frame(h, TRACE_RX, LAYER_ETH, p);  /* a capture may want it */
    }
    pkt_pull(p, ETH_HDR_LEN);
    p->l3_off = pkt_off(p);
    switch (eth.type) {
    case ETHERTYPE_ARP:
        arp_input(ifc, p);
        break;
    case ETHERTYPE_IPV4:
        ipv4_input(ifc, p);
        break;
    case ETHERTYPE_IPV6:
        ipv6_input(ifc, p);
        break;
    default:
        pkt_drop(h, p, LAYER_ETH, DROP_ETH_UNKNOWN_TYPE);
        break;
    }
}

int
eth_output(struct iface *ifc, struct pkt *p, const uint8_t dst[ETH_ALEN], uint16_t type)
{
    struct host *h = ifc->host;
    /* [IEEE 802.3 3.2.8] Pad short frames to the 60-byte minimum (64 with
     * the FCS the hardware would add). lo is no Ethernet segment and pads
     * nothing, as Linux's does not. */
    if (p->len + ETH_HDR_LEN < ETH_MIN_FRAME && !ifc->loopback) {
        size_t pad = ETH_MIN_FRAME - ETH_HDR_LEN - p->len;
        uint8_t *tail = pkt_put(p, pad);
        if (tail == NULL) {
            pkt_drop(h, p, LAYER_ETH, DROP_NO_MEMORY);
            return -ERR_NOBUFS;
        }
        memset(tail, 0, pad);
    }
    uint8_t *b = pkt_push(p, ETH_HDR_LEN);
    if (b == NULL) {
        pkt_drop(h, p, LAYER_ETH, DROP_NO_MEMORY);
        return -ERR_NOBUFS;
    }
    struct eth_hdr eth = { .type = type };
    memcpy(eth.dst, dst, ETH_ALEN);
    memcpy(eth.src, ifc->mac, ETH_ALEN);
    eth_emit(&eth, b);
    p->l2_off = pkt_off(p);
    if (trace_wants_sentence(h->trace)) {
        const char *tname = ethertype_name(type);
        trace_tx(h, LAYER_ETH, p, "IEEE 802.3 3.2",
                 TRACE_MAC " > " TRACE_MAC ", ethertype %s (0x%04x), length %zu on %s%s",
                 trace_mac(eth.src), trace_mac(eth.dst), tname ? tname : "?",
                 type, p->len, ifc->name,
                 ifc->loopback ? ": loopback, it turns round inside this host" : "");
    } else {
        trace_frame(h, TRACE_TX, LAYER_ETH, p);  /* a capture may want it */
    }
    return iface_transmit(ifc, p);
}
