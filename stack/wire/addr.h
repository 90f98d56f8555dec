/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.h - MAC and IPv4 address text, both ways.
 *
 * Addresses are host-order uint32_t and 6-byte arrays in the stack; these turn
 * them into the dotted and colon forms tcpdump and ip(8) print, and back.
 */
#ifndef NETSTEP_WIRE_ADDR_H
#define NETSTEP_WIRE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN 6
#define IPV4_ADDR_STRLEN 16  /* "255.255.255.255" + NUL */
#define MAC_ADDR_STRLEN  18  /* "ff:ff:ff:ff:ff:ff" + NUL */

#define IPV4_ADDR(a, b, c, d) \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define IPV4_BROADCAST 0xffffffffu
#define IPV4_ANY       0u

/* Writes "192.0.2.1" into buf (at least IPV4_ADDR_STRLEN); returns buf. */
char *ipv4_addr_str(uint32_t addr, char *buf);
/* Parses exactly a dotted quad; false on anything else ("1.2.3", "1.2.3.256"). */
bool ipv4_addr_parse(const char *s, uint32_t *out);
/* Writes "02:00:00:00:00:01" into buf (at least MAC_ADDR_STRLEN); returns buf. */
char *mac_addr_str(const uint8_t mac[ETH_ALEN], char *buf);
/* Parses six colon-separated hex pairs. */
bool mac_addr_parse(const char *s, uint8_t out[ETH_ALEN]);

/* The netmask of a prefix length 0..32 (24 -> 0xffffff00). */
static inline uint32_t
ipv4_prefix_mask(unsigned prefix_len)
{
    return prefix_len == 0 ? 0 : 0xffffffffu << (32 - prefix_len);
}

bool mac_is_broadcast(const uint8_t mac[ETH_ALEN]);
bool mac_is_multicast(const uint8_t mac[ETH_ALEN]);
bool mac_is_zero(const uint8_t mac[ETH_ALEN]);

#endif
