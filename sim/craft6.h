/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * craft6.h - IPv6 frames built byte by byte for the packetdrill runner and
 * other scripted peers: an Ethernet header, the fixed IPv6 header [RFC 8200
 * 3] and an upper-layer packet whose checksum covers the IPv6 pseudo-header
 * [RFC 8200 8.1]. No extension headers.
 */
#ifndef NETSTEP_SIM_CRAFT6_H
#define NETSTEP_SIM_CRAFT6_H

#include <stddef.h>
#include <stdint.h>

#include "sim/craft.h"
#include "stack/wire/ipv6.h"

/* The fixed IPv6 header's fields a caller chooses. */
struct craft6_ip {
    uint8_t eth_dst[ETH_ALEN];  /* destination MAC */
    uint8_t eth_src[ETH_ALEN];  /* source MAC */
    struct ip6_addr src;        /* source address */
    struct ip6_addr dst;        /* destination address */
    uint8_t hop_limit;          /* 0: 64 */
    uint8_t traffic_class;      /* DSCP and ECN */
};

/* Frame ip + the upper-layer packet l4[0..l4_len) of protocol next_header
 * into buf (cap bytes); the 16-bit checksum at l4 offset csum_off (>= 0) is
 * computed over the pseudo-header and the packet. 0, or -1 with *why. */
int craft6_frame(const struct craft6_ip *ip, uint8_t next_header, const uint8_t *l4,
                 size_t l4_len, int csum_off, uint8_t *buf, size_t cap, size_t *len,
                 const char **why);

/* The TCP or UDP packet c describes (c->trans; options, payload and
 * checksum mode as craft_build() writes them) carried over IPv6: the same
 * bytes craft_build() gives, with the checksum taken over the IPv6
 * pseudo-header instead (a CRAFT_CSUM_BAD or CRAFT_CSUM_VALUE field is
 * written as asked). c's network layer is ignored. */
int craft6_build(const struct craft *c, const struct craft6_ip *ip, uint8_t *buf, size_t cap,
                 size_t *len, const char **why);

#endif
