/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.c - MAC and IPv4 addresses as text, both ways.
 *
 * Printing matches what tcpdump and ip(8) show: dotted decimal for IPv4,
 * lower-case colon hex for MACs. Parsing is strict on purpose: a scenario line
 * with "10.0.0" or "1.2.3.4x" in it is a typo the author should hear about,
 * not an address to guess at.
 */
#include "stack/wire/addr.h"

#include <stdio.h>

char *
ipv4_addr_str(uint32_t addr, char *buf)
{
    snprintf(buf, IPV4_ADDR_STRLEN, "%u.%u.%u.%u", (unsigned)(addr >> 24),
             (unsigned)(addr >> 16 & 0xff), (unsigned)(addr >> 8 & 0xff),
             (unsigned)(addr & 0xff));
    return buf;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Four decimal parts 0..255 joined by three dots, and nothing else: no sign,
 * no space, no empty part, no leading zero ("01" reads as octal to
 * inet_aton(3), so we refuse it rather than pick a meaning). */
bool
ipv4_addr_parse(const char *s, uint32_t *out)
{
    uint32_t addr = 0;
    int part;

    if (s == NULL)
        return false;
    for (part = 0; part < 4; part++) {
        unsigned v = 0;
        int digits = 0;

        if (part > 0) {
            if (*s != '.')
                return false;
            s++;
        }
        while (is_digit(*s)) {
            if (digits == 1 && v == 0)
                return false;  /* leading zero */
            if (++digits > 3)
                return false;
            v = v * 10 + (unsigned)(*s - '0');
            s++;
        }
        if (digits == 0 || v > 255)
            return false;
        addr = addr << 8 | v;
    }
    if (*s != '\0')
        return false;
    if (out != NULL)
        *out = addr;
    return true;
}

char *
mac_addr_str(const uint8_t mac[ETH_ALEN], char *buf)
{
    snprintf(buf, MAC_ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
    return buf;
}

/* The value of one hex digit, or -1. */
static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exactly "xx:xx:xx:xx:xx:xx", two hex digits per byte, either case. */
bool
mac_addr_parse(const char *s, uint8_t out[ETH_ALEN])
{
    uint8_t mac[ETH_ALEN];
    int i;

    if (s == NULL)
        return false;
    for (i = 0; i < ETH_ALEN; i++) {
        int hi, lo;

        if (i > 0) {
            if (*s != ':')
                return false;
            s++;
        }
        hi = hex_value(s[0]);
        if (hi < 0)
            return false;
        lo = hex_value(s[1]);
        if (lo < 0)
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    if (*s != '\0')
        return false;
    if (out != NULL) {
        for (i = 0; i < ETH_ALEN; i++)
            out[i] = mac[i];
    }
    return true;
}

bool
mac_is_broadcast(const uint8_t mac[ETH_ALEN])
{
    int i;

    for (i = 0; i < ETH_ALEN; i++) {
        if (mac[i] != 0xff)
            return false;
    }
    return true;
}

/* [IEEE 802.3 3.2.3] the I/G bit, the least significant bit of the first
 * byte: group addresses, broadcast included. */
bool
mac_is_multicast(const uint8_t mac[ETH_ALEN])
{
    return (mac[0] & 0x01) != 0;
}

bool
mac_is_zero(const uint8_t mac[ETH_ALEN])
{
    int i;

    for (i = 0; i < ETH_ALEN; i++) {
        if (mac[i] != 0)
            return false;
    }
    return true;
}
