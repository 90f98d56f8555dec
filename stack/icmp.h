/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp.h - the ICMP layer of a host [RFC 792] [RFC 1122 3.2.2].
 *
 * Answers echo requests, hands echo replies to ping sockets, turns
 * destination-unreachable messages into socket errors, and builds the error
 * messages other layers ask for, quoting the offending header.
 */
#ifndef NETSTEP_STACK_ICMP_H
#define NETSTEP_STACK_ICMP_H

#include <stdint.h>

struct host;
struct pkt;
struct ipv4_hdr;

/* p->data is the ICMP message; ip is its parsed IPv4 header. Takes ownership. */
void icmp_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip);

/* Send an ICMP error about the datagram `orig` (whose l3_off is set): its IP
 * header and the first 8 bytes of its payload are quoted [RFC 792]. Never about
 * an ICMP error, a broadcast, or a non-first fragment [RFC 1122 3.2.2].
 * Does not take orig. `mtu` is the next-hop MTU for "fragmentation needed". */
void icmp_send_error(struct host *h, const struct pkt *orig, uint8_t type, uint8_t code,
                     uint16_t mtu);

#endif
