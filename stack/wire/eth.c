/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eth.c - the Ethernet II header: parse, emit, describe.
 *
 * Destination, source, EtherType [IEEE 802.3 3.1.1]; no FCS, as in pcap and on
 * TAP. A type field below 0x0600 is an 802.3 length, not a type
 * [IEEE 802.3 3.2.6], and this stack does not speak 802.2 LLC.
 * Called by: eth_input(), eth_output(), frame_describe().
 */
#include "stack/wire/eth.h"

#include <stdio.h>
#include <string.h>

#include "stack/wire/bytes.h"

/* [IEEE 802.3 3.2.6] values from 1536 (0x0600) up are EtherTypes */
#define ETHERTYPE_MIN 0x0600

enum drop_reason
eth_parse(const uint8_t *b, size_t len, struct eth_hdr *out)
{
    if (len < ETH_HDR_LEN)
        return DROP_ETH_TRUNCATED;
    memcpy(out->dst, b + ETH_OFF_DST, ETH_ALEN);
    memcpy(out->src, b + ETH_OFF_SRC, ETH_ALEN);
    out->type = be16_get(b + ETH_OFF_TYPE);
    /* out is filled either way, so a describer can still name the frame. */
    if (out->type < ETHERTYPE_MIN)
        return DROP_ETH_UNKNOWN_TYPE;
    return DROP_NONE;
}

void
eth_emit(const struct eth_hdr *eth, uint8_t *b)
{
    memcpy(b + ETH_OFF_DST, eth->dst, ETH_ALEN);
    memcpy(b + ETH_OFF_SRC, eth->src, ETH_ALEN);
    be16_put(b + ETH_OFF_TYPE, eth->type);
}

size_t
eth_hdr_len(const struct eth_hdr *eth)
{
    (void)eth;
    return ETH_HDR_LEN;
}

const char *
ethertype_name(uint16_t type)
{
    switch (type) {
    case ETHERTYPE_IPV4:
        return "IPv4";
    case ETHERTYPE_ARP:
        return "ARP";
    case ETHERTYPE_IPV6:
        return "IPv6";
    default:
        return NULL;
    }
}

/* tcpdump -e's link-level words: "ethertype IPv4 (0x0800)", "ethertype
 * Unknown (0x1234)", or "802.3, length 46" for a length field. */
int
eth_describe(const struct eth_hdr *eth, char *buf, size_t n)
{
    char src[MAC_ADDR_STRLEN], dst[MAC_ADDR_STRLEN];
    const char *name = ethertype_name(eth->type);

    mac_addr_str(eth->src, src);
    mac_addr_str(eth->dst, dst);
    if (eth->type < ETHERTYPE_MIN)
        return snprintf(buf, n, "%s > %s, 802.3, length %u", src, dst, eth->type);
    return snprintf(buf, n, "%s > %s, ethertype %s (0x%04x)", src, dst,
                    name != NULL ? name : "Unknown", eth->type);
}
