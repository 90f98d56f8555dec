/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eth.h - the Ethernet II header: parse, emit, describe.
 *
 * The frame check sequence is not carried (as in pcap captures and on TAP);
 * frames shorter than 60 bytes are padded by eth_output().
 */
#ifndef NETSTEP_WIRE_ETH_H
#define NETSTEP_WIRE_ETH_H

#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"
#include "stack/wire/addr.h"

#define ETH_HDR_LEN    14
#define ETH_MIN_FRAME  60    /* without FCS [IEEE 802.3 3.2.8] */
#define ETH_MTU        1500  /* payload bytes of a standard frame */
#define ETH_OFF_DST    0
#define ETH_OFF_SRC    6
#define ETH_OFF_TYPE   12

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_IPV6 0x86dd

struct eth_hdr {
    uint8_t dst[ETH_ALEN];  /* destination MAC */
    uint8_t src[ETH_ALEN];  /* source MAC */
    uint16_t type;          /* EtherType, host order */
};

/* Fills out from b[0..len). ETH_TRUNCATED if len < 14; EtherType values below
 * 0x0600 (802.3 lengths) give ETH_UNKNOWN_TYPE. Never writes b. */
enum drop_reason eth_parse(const uint8_t *b, size_t len, struct eth_hdr *out);
void eth_emit(const struct eth_hdr *eth, uint8_t *b);
size_t eth_hdr_len(const struct eth_hdr *eth);
/* "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806)"; returns
 * what snprintf would. */
int eth_describe(const struct eth_hdr *eth, char *buf, size_t n);
/* "IPv4", "ARP", or NULL for a type we do not name. */
const char *ethertype_name(uint16_t type);

#endif
