/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp.h - the UDP layer of a host [RFC 768] [RFC 1122 4.1].
 *
 * udp_input() checks the datagram and demultiplexes it to a socket by
 * destination (and, for connected sockets, source) address and port; a
 * datagram for no socket gets ICMP port unreachable. udp_output() builds the
 * header with its checksum and hands the datagram to IPv4. The *6
 * functions do the same over IPv6 [RFC 8200 8.1]; an AF_INET6 socket bound
 * to [::] without IPV6_V6ONLY hears IPv4 datagrams too [RFC 3493 3.7].
 */
#ifndef NETSTEP_STACK_UDP_H
#define NETSTEP_STACK_UDP_H

#include <stddef.h>
#include <stdint.h>

struct host;
struct pkt;
struct ipv4_hdr;
struct socket;
struct ipv6_hdr;
struct ip6_addr;

/* p->data is the UDP header. Takes ownership of p. */
void udp_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip);

/* Send len bytes from s's local address/port to dst:dport. */
int udp_output(struct host *h, struct socket *s, const uint8_t *data, size_t len,
               uint32_t dst, uint16_t dport);

/* A datagram from a connected socket's peer provoked an ICMP error: find the
 * socket by the quoted 4-tuple and record the error on it. */
void udp_icmp_error(struct host *h, uint32_t src, uint16_t sport, uint32_t dst,
                    uint16_t dport, int err);

/* The same over IPv6. */
void udp_input6(struct host *h, struct pkt *p, const struct ipv6_hdr *ip);
int udp_output6(struct host *h, struct socket *s, const uint8_t *data, size_t len,
                const struct ip6_addr *dst, uint16_t dport);
void udp_icmp6_error(struct host *h, const struct ip6_addr *src, uint16_t sport,
                     const struct ip6_addr *dst, uint16_t dport, int err);

#endif
