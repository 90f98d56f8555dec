/* SPDX-License-Identifier: BSD-2-Clause */
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

/* The path MTU cache [RFC 1191 6.3]: what "fragmentation needed" taught this
 * host about each destination. A few entries; the oldest is replaced. */
#define IPV4_PMTU_MAX 16
/* [RFC 1191 6.3] "the timeout SHOULD be settable ... no less than 10
 * minutes": Linux's net.ipv4.route.mtu_expires is 600 s. Settable per host. */
#define IPV4_PMTU_EXPIRE_NS (600ull * 1000 * 1000 * 1000)
/* [RFC 791 3.2] "Every internet module must be able to forward a datagram of
 * 68 octets without further fragmentation": no path MTU is smaller. */
#define IPV4_MIN_MTU 68
/* The smallest path MTU a "fragmentation needed" message may teach, as
 * Linux's net.ipv4.route.min_pmtu (552): a forged MTU of 68 would make TCP
 * cut every segment to 28 bytes. Below it the path MTU stays at the floor
 * and datagrams to that destination go without DF, so a router on a truly
 * smaller path fragments them instead of dropping them. Settable per host. */
#define IPV4_PMTU_MIN_DEFAULT 552

struct ipv4_pmtu_entry {
    uint32_t dst;         /* destination; 0 = free slot */
    uint16_t mtu;         /* learned path MTU */
    bool locked;          /* held at the floor: send without DF */
    uint64_t expires_ns;  /* when it is forgotten */
};

struct ipv4_pmtu_cache {
    struct ipv4_pmtu_entry e[IPV4_PMTU_MAX];  /* entries */
    uint64_t expire_ns;                       /* lifetime of a learned value */
    uint16_t min_mtu;                         /* floor of a learned value (min_pmtu) */
    bool learned;                             /* some slot was ever filled: until then
                                                 every lookup finds nothing, and
                                                 ipv4_pmtu_find() skips the scan */
};

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
 * A datagram larger than the path MTU is fragmented [RFC 791 3.2], unless
 * tx->df is set: then it is dropped (IPV4_TOO_BIG) with -ERR_MSGSIZE, as it is
 * when it would exceed 65535 bytes.
 * Takes ownership of p. Returns 0, -ERR_NETUNREACH (no route),
 * -ERR_MSGSIZE, or another -ERR_*. A limited broadcast goes out of the first
 * interface. */
int ipv4_output(struct host *h, struct pkt *p, const struct ipv4_tx *tx);

/* The source address a datagram to dst would carry, or 0 with no route. */
uint32_t ipv4_source_for(const struct host *h, uint32_t dst);

/* True if addr is one of h's addresses. */
bool ipv4_is_local(const struct host *h, uint32_t addr);

/* True if addr is a broadcast for h: 255.255.255.255 or a subnet's directed
 * broadcast. */
bool ipv4_is_broadcast(const struct host *h, uint32_t addr);

/* The largest transport payload a datagram to dst can carry unfragmented:
 * ipv4_path_mtu() less a 20-byte header. */
unsigned ipv4_max_payload(const struct host *h, uint32_t dst);

/* The MTU of the path to dst: the outgoing interface's MTU, lowered by what
 * ICMP "fragmentation needed" taught [RFC 1191 3]. TCP's MSS follows it. */
uint16_t ipv4_path_mtu(const struct host *h, uint32_t dst);

/* A router said datagrams to dst must be at most mtu bytes (0, or anything
 * below 68 that no link may have: an old or lying router; guess from the
 * plateau table of [RFC 1191 7] below quoted_len). Never raises the estimate
 * [RFC 1191 6.1], never below the host's pmtu.min_mtu (then the entry is
 * locked: DF is cleared for dst). Returns the path MTU now. */
uint16_t ipv4_pmtu_update(struct host *h, uint32_t dst, uint16_t mtu, uint16_t quoted_len);

void ipv4_pmtu_init(struct ipv4_pmtu_cache *c);

/* ARP gave up on the next hop of p (p->data at its IPv4 header): a router
 * tells the datagram's source with ICMP host unreachable [RFC 1812 4.3.3.1,
 * 5.2.7.1]. Does not take p. */
void ipv4_next_hop_unreachable(struct host *h, const struct pkt *p);

#endif
