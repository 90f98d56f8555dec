/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp6.h - ICMPv6 [RFC 4443]: echo, errors with their rules (never an error
 * about an error, none about a multicast, a rate limit), and the hand-off of
 * neighbour discovery messages to nd6.c.
 */
#ifndef NETSTEP_STACK_ICMP6_H
#define NETSTEP_STACK_ICMP6_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/wire/ipv6.h"

/* [RFC 4443 3.1] destination unreachable codes. */
#define ICMP6_UNREACH_NOROUTE      0   /* no route to destination */
#define ICMP6_UNREACH_BEYOND_SCOPE 2   /* beyond scope of source address */
#define ICMP6_UNREACH_ADDR         3   /* address unreachable */
/* [RFC 4443 3.3] time exceeded codes. */
#define ICMP6_TIMEEX_HOPLIMIT      0   /* hop limit exceeded in transit */
#define ICMP6_TIMEEX_REASSEMBLY    1   /* fragment reassembly time exceeded */

struct host;
struct iface;
struct pkt;
struct icmp6_echo_msg;

/* An ICMPv6 message arrived; p->data is the ICMPv6 header, hdr the IPv6
 * header it came in. Takes ownership of p. */
void icmp6_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr);

/* Send an ICMPv6 error about p (p->l3_off is its IPv6 header) unless
 * RFC 4443 2.4(e) forbids it or the rate limit 2.4(f) says wait.
 * `multicast_ok` is for packet too big and parameter problem code 2 about
 * an option whose type asks for it. Does not take p. */
void icmp6_send_error(struct host *h, const struct pkt *p, uint8_t type, uint8_t code,
                      uint32_t param, bool multicast_ok);

/* Neighbour discovery gave up on p's next hop [RFC 4861 7.2.2]: a
 * destination unreachable (address unreachable) for its sender, kept for
 * ping when the sender is this host. Does not take p. */
void icmp6_report_unreachable(struct host *h, const struct pkt *p);

/* Build the message body (type..end) in p and send it from src (NULL:
 * chosen) to dst, checksummed with the pseudo-header [RFC 8200 8.1].
 * Takes ownership of p. */
int icmp6_output(struct host *h, struct iface *ifc, struct pkt *p, const struct ip6_addr *src,
                 const struct ip6_addr *dst, uint8_t hop_limit);

/* ping's side: send an echo request with `len` bytes of data. */
int icmp6_echo_send(struct host *h, const struct ip6_addr *dst, uint16_t id, uint16_t seq,
                    const uint8_t *data, size_t len, uint8_t hop_limit);
/* Take the reply (or error) kept for (id, seq), if one came. */
bool icmp6_echo_take(struct host *h, uint16_t id, uint16_t seq, struct icmp6_echo_msg *out);

#endif
