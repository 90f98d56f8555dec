/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire/ipv6.h - the IPv6 header [RFC 8200 3], IPv6 addresses [RFC 4291] in
 * text [RFC 5952] and the ICMPv6 and neighbour discovery formats
 * [RFC 4443 2.1, RFC 4861 4]: formats only, no state.
 */
#ifndef NETSTEP_WIRE_IPV6_H
#define NETSTEP_WIRE_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"
#include "stack/wire/addr.h"

#define IPV6_HDR_LEN       40
#define IPV6_MIN_MTU       1280  /* [RFC 8200 5] every link carries this much */
#define IPV6_ADDR_STRLEN   46    /* "ffff:ffff:...:255.255.255.255" + NUL */
#define IPV6_DEFAULT_HLIM  64    /* Linux's hop_limit default */

/* Next header values [IANA protocol numbers, RFC 8200 4]. */
#define IPV6_NH_HOPOPT   0
#define IPV6_NH_TCP      6
#define IPV6_NH_UDP      17
#define IPV6_NH_ROUTING  43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_ICMPV6   58
#define IPV6_NH_NONE     59
#define IPV6_NH_DSTOPTS  60

/* ICMPv6 types [RFC 4443 2.1, RFC 4861 4]. */
#define ICMP6_DST_UNREACH    1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED  3
#define ICMP6_PARAM_PROB     4
#define ICMP6_ECHO_REQUEST   128
#define ICMP6_ECHO_REPLY     129
#define ND_ROUTER_SOLICIT    133
#define ND_ROUTER_ADVERT     134
#define ND_NEIGHBOR_SOLICIT  135
#define ND_NEIGHBOR_ADVERT   136
#define ND_REDIRECT          137
/* Multicast listener discovery, which a Linux host sends on every link
 * [RFC 2710 3, RFC 3810 5]: named in traces, not spoken by this stack. */
#define MLD_LISTENER_QUERY   130
#define MLD_LISTENER_REPORT  131
#define MLD_LISTENER_DONE    132
#define MLD2_LISTENER_REPORT 143

#define ICMP6_HDR_LEN 8    /* type, code, checksum, 4 bytes of body */
#define ND_NS_LEN     24   /* header + reserved + target */
#define ND_NA_LEN     24
#define ND_OPT_SLLA   1    /* source link-layer address option [RFC 4861 4.6.1] */
#define ND_OPT_TLLA   2    /* target link-layer address option */
#define ND_NA_FLAG_ROUTER    0x80000000u
#define ND_NA_FLAG_SOLICITED 0x40000000u
#define ND_NA_FLAG_OVERRIDE  0x20000000u

/* Parameter problem codes [RFC 4443 3.4]. */
#define ICMP6_PARAMPROB_HEADER 0   /* erroneous header field */
#define ICMP6_PARAMPROB_NH     1   /* unrecognized next header */
#define ICMP6_PARAMPROB_OPTION 2   /* unrecognized IPv6 option */

struct ip6_addr {
    uint8_t b[16];  /* network order, as on the wire */
};

struct ipv6_hdr {
    uint8_t traffic_class;   /* DSCP and ECN */
    uint32_t flow_label;     /* 20 bits */
    uint16_t payload_len;    /* bytes after the 40-byte header */
    uint8_t next_header;     /* what follows */
    uint8_t hop_limit;       /* decremented by each router */
    struct ip6_addr src;
    struct ip6_addr dst;
};

/* Fills out from b[0..len): IPV6_TRUNCATED below 40 bytes or when the payload
 * length runs past len, IPV6_BAD_VERSION when the version is not 6. */
enum drop_reason ipv6_parse(const uint8_t *b, size_t len, struct ipv6_hdr *out);
void ipv6_emit(const struct ipv6_hdr *h, uint8_t *b);

/* Text forms [RFC 5952 4]: lower case, the longest run of two or more zero
 * groups as "::" (the first of equal runs). buf holds IPV6_ADDR_STRLEN. */
char *ip6_addr_str(const struct ip6_addr *a, char *buf);
/* Parses RFC 4291 2.2 forms 1 and 2 ("2001:db8::1"); false on anything else. */
bool ip6_addr_parse(const char *s, struct ip6_addr *out);

bool ip6_addr_eq(const struct ip6_addr *a, const struct ip6_addr *b);
bool ip6_addr_is_unspecified(const struct ip6_addr *a);  /* :: */
bool ip6_addr_is_multicast(const struct ip6_addr *a);    /* ff00::/8 */
bool ip6_addr_is_linklocal(const struct ip6_addr *a);    /* fe80::/10 */
bool ip6_addr_is_loopback(const struct ip6_addr *a);     /* ::1 */
/* Whether a and b agree in their first plen bits. */
bool ip6_prefix_match(const struct ip6_addr *a, const struct ip6_addr *b, unsigned plen);
/* The solicited-node multicast group of a: ff02::1:ffXX:XXXX [RFC 4291 2.7.1]. */
void ip6_solicited_node(const struct ip6_addr *a, struct ip6_addr *out);
/* ff02::1, all nodes on the link [RFC 4291 2.7.1]. */
void ip6_all_nodes(struct ip6_addr *out);
/* The Ethernet address of a multicast group: 33:33 and its last 32 bits
 * [RFC 2464 7]. */
void ip6_multicast_mac(const struct ip6_addr *group, uint8_t mac[ETH_ALEN]);

/* The sum of the IPv6 pseudo-header [RFC 8200 8.1]: source, destination,
 * upper-layer packet length (32 bits) and next header. */
uint32_t csum_pseudo_ipv6(const struct ip6_addr *src, const struct ip6_addr *dst, uint32_t len,
                          uint8_t next_header);

/* One line for an IPv6 packet b[0..len), in tcpdump -nn's shape:
 *   "IP6 2001:db8::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has
 *    2001:db8::2, length 32"
 * with the extension headers named in order before the upper layer. Returns
 * what snprintf would. */
int ipv6_describe(const uint8_t *b, size_t len, char *buf, size_t n);

/* "ICMPv6 echo request", "neighbour solicitation", ... or NULL. */
const char *icmp6_type_name(uint8_t type);

#endif
