/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv4.h - the IPv4 header [RFC 791 3.1]: parse, emit, describe.
 */
#ifndef NETSTEP_WIRE_IPV4_H
#define NETSTEP_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"

#define IPV4_HDR_MIN   20
#define IPV4_HDR_MAX   60
#define IPV4_OPT_MAX   40
#define IPV4_MAX_LEN   65535
#define IPV4_DEFAULT_TTL 64  /* [RFC 1700], as Linux and the BSDs send */

#define IPV4_OFF_VER_IHL   0
#define IPV4_OFF_TOS       1
#define IPV4_OFF_TOTAL_LEN 2
#define IPV4_OFF_ID        4
#define IPV4_OFF_FRAG      6
#define IPV4_OFF_TTL       8
#define IPV4_OFF_PROTO     9
#define IPV4_OFF_CSUM      10
#define IPV4_OFF_SRC       12
#define IPV4_OFF_DST       16

#define IPV4_FLAG_DF 0x4000  /* don't fragment, in the 16-bit flags+offset word */
#define IPV4_FLAG_MF 0x2000  /* more fragments */
#define IPV4_FRAG_MASK 0x1fff

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17

struct ipv4_hdr {
    uint8_t ihl;                   /* header length in bytes (20..60) */
    uint8_t tos;                   /* DSCP and ECN */
    uint16_t total_len;            /* header + payload bytes */
    uint16_t id;                   /* identification */
    bool df;                       /* don't fragment */
    bool mf;                       /* more fragments */
    uint16_t frag_off;             /* fragment offset in bytes (a multiple of 8) */
    uint8_t ttl;                   /* time to live */
    uint8_t proto;                 /* 1 ICMP, 6 TCP, 17 UDP */
    uint16_t csum;                 /* header checksum as received (parse only) */
    uint32_t src;                  /* source address, host order */
    uint32_t dst;                  /* destination address, host order */
    uint8_t opt_len;               /* bytes of options (ihl - 20) */
    uint8_t options[IPV4_OPT_MAX]; /* the options, as on the wire */
};

/* Validates version, IHL, total length against len, every option's length,
 * and the header checksum. Reasons: IPV4_TRUNCATED, IPV4_BAD_VERSION,
 * IPV4_BAD_IHL, IPV4_BAD_OPTIONS, IPV4_BAD_CSUM. Never writes b. */
enum drop_reason ipv4_parse(const uint8_t *b, size_t len, struct ipv4_hdr *out);
/* Writes ihl bytes (20 + opt_len, opt_len padded by the caller to 4) and fills
 * the checksum. If ip->ihl is 0 it is taken as 20 + opt_len. */
void ipv4_emit(const struct ipv4_hdr *ip, uint8_t *b);
size_t ipv4_hdr_len(const struct ipv4_hdr *ip);
/* "192.0.2.1 > 192.0.2.2: proto UDP (17), ttl 64, id 1, length 33" and
 * ", flags [DF]" / ", offset 1480, flags [+]" when they apply. */
int ipv4_describe(const struct ipv4_hdr *ip, char *buf, size_t n);
/* "ICMP", "TCP", "UDP" or NULL. */
const char *ipproto_name(uint8_t proto);

#endif
