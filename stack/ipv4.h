/*
 * ipv4.h - the IPv4 layer of a host [RFC 791] [RFC 1122 3.3].
 *
 * ipv4_input() validates the header, decides "mine, forward or drop", and
 * dispatches on the protocol number; ipv4_output() routes, fills the header
 * and hands the datagram to ARP.
 */
#ifndef NETSTEP_STACK_IPV4_H
#define NETSTEP_STACK_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/wire/ipv4.h"

struct host;
struct iface;
struct pkt;

/* p->data is the IPv4 header. Takes ownership of p. */
void ipv4_input(struct iface *ifc, struct pkt *p);

/* How ipv4_output builds the header. Zero means "the default". */
struct ipv4_tx {
    uint32_t src;   /* 0: the outgoing interface's address */
    uint32_t dst;   /* destination */
    uint8_t proto;  /* IPPROTO_* */
    uint8_t ttl;    /* 0: IPV4_DEFAULT_TTL */
    uint8_t tos;    /* type of service */
    bool df;        /* set Don't Fragment */
};

/* p->data is the transport header (payload of the datagram to build).
 * Routes tx->dst, prepends the header and passes the packet to ARP.
 * Takes ownership of p. Returns 0, -ERR_NETUNREACH (no route),
 * -ERR_MSGSIZE (larger than the MTU: fragmentation comes with routers), or
 * another -ERR_*. A limited broadcast goes out of the first interface. */
int ipv4_output(struct host *h, struct pkt *p, const struct ipv4_tx *tx);

/* The source address a datagram to dst would carry, or 0 with no route. */
uint32_t ipv4_source_for(const struct host *h, uint32_t dst);

/* True if addr is one of h's addresses. */
bool ipv4_is_local(const struct host *h, uint32_t addr);

/* True if addr is a broadcast for h: 255.255.255.255 or a subnet's directed
 * broadcast. */
bool ipv4_is_broadcast(const struct host *h, uint32_t addr);

/* The largest transport payload a datagram to dst can carry unfragmented. */
unsigned ipv4_max_payload(const struct host *h, uint32_t dst);

#endif
