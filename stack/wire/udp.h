/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp.h - the UDP header [RFC 768]: parse, emit, describe.
 */
#ifndef NETSTEP_WIRE_UDP_H
#define NETSTEP_WIRE_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"

#define UDP_HDR_LEN 8

struct udp_hdr {
    uint16_t sport;  /* source port */
    uint16_t dport;  /* destination port */
    uint16_t len;    /* header + payload bytes */
    uint16_t csum;   /* as received; 0 means "no checksum" [RFC 768] */
};

/* b[0..len) is the IP payload; src and dst (host order) form the pseudo-header.
 * Checks UDP_TRUNCATED (len < 8 or length field > len), UDP_BAD_LEN (field < 8)
 * and UDP_BAD_CSUM (non-zero checksum that does not verify). Never writes b. */
enum drop_reason udp_parse(const uint8_t *b, size_t len, uint32_t src, uint32_t dst,
                           struct udp_hdr *out);
/* Writes the header at b, where b[8..udp->len) is the payload in place, and the
 * checksum with the pseudo-header (0 becomes 0xffff [RFC 768]). */
void udp_emit(const struct udp_hdr *udp, uint8_t *b, uint32_t src, uint32_t dst);
/* The same over IPv6: the IPv6 pseudo-header, and a zero checksum is
 * refused (DROP_UDP_BAD_CSUM) [RFC 8200 8.1]. */
struct ip6_addr;
enum drop_reason udp_parse6(const uint8_t *b, size_t len, const struct ip6_addr *src,
                            const struct ip6_addr *dst, struct udp_hdr *out);
void udp_emit6(const struct udp_hdr *udp, uint8_t *b, const struct ip6_addr *src,
               const struct ip6_addr *dst);
size_t udp_hdr_len(const struct udp_hdr *udp);
/* "UDP, length 5" (payload bytes, as tcpdump prints), with "49152 > 7" prefix:
 * "49152 > 7: UDP, length 5". */
int udp_describe(const struct udp_hdr *udp, char *buf, size_t n);

#endif
