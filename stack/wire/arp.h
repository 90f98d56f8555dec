/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arp.h - the ARP packet for IPv4 over Ethernet [RFC 826]: parse, emit, describe.
 */
#ifndef NETSTEP_WIRE_ARP_H
#define NETSTEP_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"
#include "stack/wire/addr.h"

#define ARP_LEN         28  /* Ethernet/IPv4 ARP body */
#define ARP_HTYPE_ETH   1
#define ARP_OP_REQUEST  1
#define ARP_OP_REPLY    2

struct arp_hdr {
    uint16_t htype;          /* hardware type: 1 = Ethernet */
    uint16_t ptype;          /* protocol type: 0x0800 = IPv4 */
    uint8_t hlen;            /* hardware address length: 6 */
    uint8_t plen;            /* protocol address length: 4 */
    uint16_t op;             /* 1 request, 2 reply */
    uint8_t sha[ETH_ALEN];   /* sender hardware address */
    uint32_t spa;            /* sender protocol address */
    uint8_t tha[ETH_ALEN];   /* target hardware address */
    uint32_t tpa;            /* target protocol address */
};

/* ARP_TRUNCATED, ARP_BAD_HW, ARP_BAD_PROTO, ARP_BAD_OP or NONE. */
enum drop_reason arp_parse(const uint8_t *b, size_t len, struct arp_hdr *out);
void arp_emit(const struct arp_hdr *arp, uint8_t *b);
size_t arp_hdr_len(const struct arp_hdr *arp);
/* tcpdump -nn's words: "Request who-has 192.0.2.2 tell 192.0.2.1",
 * "Reply 192.0.2.2 is-at 02:00:00:00:00:02"; a gratuitous request reads
 * "Request who-has 192.0.2.1 tell 192.0.2.1", as tcpdump 4.99 prints it.
 * frame_describe() adds tcpdump's ", length 28" (the frame's ARP bytes). */
int arp_describe(const struct arp_hdr *arp, char *buf, size_t n);

#endif
