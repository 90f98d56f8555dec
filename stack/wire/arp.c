/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arp.c - the ARP packet for IPv4 over Ethernet [RFC 826]: parse, emit,
 * describe.
 *
 * Only the one pairing this stack speaks: hardware type 1 (Ethernet, 6-byte
 * addresses) and protocol type 0x0800 (IPv4, 4-byte addresses), which makes
 * the packet 28 bytes. The fixed first 8 bytes say what the rest holds, so
 * they are checked first and the 28-byte length after.
 * Called by: arp_input(), arp_output(), frame_describe().
 */
#include "stack/wire/arp.h"

#include <stdio.h>
#include <string.h>

#include "stack/wire/bytes.h"

/* [RFC 826] "Packet format" field offsets for Ethernet/IPv4 */
#define ARP_OFF_HTYPE 0
#define ARP_OFF_PTYPE 2
#define ARP_OFF_HLEN  4
#define ARP_OFF_PLEN  5
#define ARP_OFF_OP    6
#define ARP_OFF_SHA   8
#define ARP_OFF_SPA   14
#define ARP_OFF_THA   18
#define ARP_OFF_TPA   24
#define ARP_FIXED_LEN 8   /* htype .. op */
#define ARP_PTYPE_IPV4 0x0800
#define ARP_PLEN_IPV4 4

enum drop_reason
arp_parse(const uint8_t *b, size_t len, struct arp_hdr *out)
{
    if (len < ARP_FIXED_LEN)
        return DROP_ARP_TRUNCATED;
    out->htype = be16_get(b + ARP_OFF_HTYPE);
    out->ptype = be16_get(b + ARP_OFF_PTYPE);
    out->hlen = b[ARP_OFF_HLEN];
    out->plen = b[ARP_OFF_PLEN];
    out->op = be16_get(b + ARP_OFF_OP);
    if (out->htype != ARP_HTYPE_ETH || out->hlen != ETH_ALEN)
        return DROP_ARP_BAD_HW;
    if (out->ptype != ARP_PTYPE_IPV4 || out->plen != ARP_PLEN_IPV4)
        return DROP_ARP_BAD_PROTO;
    if (out->op != ARP_OP_REQUEST && out->op != ARP_OP_REPLY)
        return DROP_ARP_BAD_OP;
    if (len < ARP_LEN)
        return DROP_ARP_TRUNCATED;
    memcpy(out->sha, b + ARP_OFF_SHA, ETH_ALEN);
    out->spa = be32_get(b + ARP_OFF_SPA);
    memcpy(out->tha, b + ARP_OFF_THA, ETH_ALEN);
    out->tpa = be32_get(b + ARP_OFF_TPA);
    return DROP_NONE;
}

void
arp_emit(const struct arp_hdr *arp, uint8_t *b)
{
    be16_put(b + ARP_OFF_HTYPE, arp->htype);
    be16_put(b + ARP_OFF_PTYPE, arp->ptype);
    b[ARP_OFF_HLEN] = arp->hlen;
    b[ARP_OFF_PLEN] = arp->plen;
    be16_put(b + ARP_OFF_OP, arp->op);
    memcpy(b + ARP_OFF_SHA, arp->sha, ETH_ALEN);
    be32_put(b + ARP_OFF_SPA, arp->spa);
    memcpy(b + ARP_OFF_THA, arp->tha, ETH_ALEN);
    be32_put(b + ARP_OFF_TPA, arp->tpa);
}

size_t
arp_hdr_len(const struct arp_hdr *arp)
{
    (void)arp;
    return ARP_LEN;
}

/* tcpdump -nn's words. A request names the target MAC in parentheses only
 * when it is not all zeros; a gratuitous request (sender = target address)
 * prints as any other request, as tcpdump 4.99 does. The ", length N" that
 * follows in tcpdump is the frame's, so frame_describe() adds it. */
int
arp_describe(const struct arp_hdr *arp, char *buf, size_t n)
{
    char spa[IPV4_ADDR_STRLEN], tpa[IPV4_ADDR_STRLEN], mac[MAC_ADDR_STRLEN];

    ipv4_addr_str(arp->spa, spa);
    ipv4_addr_str(arp->tpa, tpa);
    switch (arp->op) {
    case ARP_OP_REQUEST:
        if (mac_is_zero(arp->tha))
            return snprintf(buf, n, "Request who-has %s tell %s", tpa, spa);
        return snprintf(buf, n, "Request who-has %s (%s) tell %s", tpa,
                        mac_addr_str(arp->tha, mac), spa);
    case ARP_OP_REPLY:
        return snprintf(buf, n, "Reply %s is-at %s", spa, mac_addr_str(arp->sha, mac));
    default:
        return snprintf(buf, n, "Unknown (%u)", arp->op);
    }
}
