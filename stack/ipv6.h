/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6.h - IPv6 on a host [RFC 8200]: its addresses, the header in and out,
 * extension headers in order, and the per-host IPv6 state.
 *
 * A host pays nothing for IPv6 until it gets its first IPv6 address:
 * ipv6_enable() then allocates struct ip6_host (host->ip6) and gives every
 * interface a link-local address whose interface identifier is stable and
 * seeded [RFC 7217], so runs stay deterministic. An IPv4-only host keeps
 * host->ip6 NULL and drops IPv6 frames as an unknown EtherType.
 *
 * Receive: eth_input -> ipv6_input (header, "for me?", then hop-by-hop,
 * destination options, routing, fragment, in the order they come
 * [RFC 8200 4.1]) -> icmp6_input. Send: icmp6 -> ipv6_output (source
 * address, on-link check) -> nd6_output (neighbour cache) -> eth_output.
 * Multicast goes straight to its 33:33:xx:xx:xx:xx Ethernet address
 * [RFC 2464 7]; a switch floods it to every port (netstep's switches do no
 * MLD snooping, and need none: flooding is always correct).
 */
#ifndef NETSTEP_STACK_IPV6_H
#define NETSTEP_STACK_IPV6_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/host.h"
#include "stack/nd6.h"
#include "stack/wire/ipv6.h"

#define IP6_ADDRS_PER_IFACE 4   /* link-local + a few global ones */
#define ICMP6_ECHO_INBOX    8   /* echo replies waiting for ping */

struct ip6_ifaddr {
    struct ip6_addr addr;   /* the address */
    uint8_t prefix_len;     /* its on-link prefix [RFC 4861 5.1] */
    bool used;              /* slot holds an address */
};

/* An interface's IPv6 side. */
struct ip6_iface {
    bool enabled;                                   /* has a link-local address */
    struct ip6_ifaddr addrs[IP6_ADDRS_PER_IFACE];   /* [0] is the link-local */
};

/* An echo reply (or an ICMPv6 error about an echo request) kept for ping. */
struct icmp6_echo_msg {
    bool used;
    uint8_t type;             /* ICMP6_ECHO_REPLY or an error type */
    uint8_t code;
    uint16_t id, seq;         /* of the echo (for an error: of the quoted request) */
    uint8_t hop_limit;        /* of the datagram that carried it */
    struct ip6_addr from;     /* who sent it */
    uint16_t len;             /* ICMPv6 bytes */
};

struct ip6_host {
    struct ip6_iface ifs[HOST_MAX_IFACES];  /* by iface->index */
    uint64_t iid_key[2];                    /* RFC 7217's secret_key */
    struct nd6_cache nd;                    /* the neighbour cache */
    uint8_t hop_limit;                      /* for packets this host sends */
    /* [RFC 4443 2.4(f)] the error rate limiter: a token bucket. */
    uint32_t err_tokens;                    /* errors that may go now */
    uint64_t err_refill_ns;                 /* when the last token was added */
    uint64_t err_interval_ns;               /* one token per interval */
    uint32_t err_burst;                     /* bucket size */
    uint16_t next_echo_id;                  /* next ping identifier */
    struct icmp6_echo_msg inbox[ICMP6_ECHO_INBOX];  /* replies for ping */
    uint64_t icmp6_rx_type[256];            /* ICMPv6 messages received, by type */
    uint64_t icmp6_tx_type[256];            /* ICMPv6 messages sent, by type */
};

/* Allocate h->ip6 (once) and give every interface its link-local address.
 * Returns 0 or -ERR_NOBUFS. */
int ipv6_enable(struct host *h);
/* Add addr/plen to ifc (enabling IPv6 first). -ERR_INVAL for a multicast or
 * unspecified address, -ERR_NOBUFS when the interface is full. */
int ipv6_addr_add(struct host *h, struct iface *ifc, const struct ip6_addr *addr,
                  unsigned prefix_len);
/* The link-local address of ifc (NULL when IPv6 is off there). */
const struct ip6_addr *ipv6_linklocal(const struct host *h, const struct iface *ifc);
/* The first global (non-link-local) address of the host, or NULL. */
const struct ip6_addr *ipv6_global_addr(const struct host *h);
/* Whether addr is one of ifc's unicast addresses. */
bool ipv6_is_mine(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr);
/* Whether ifc listens to this multicast group (all-nodes, or the
 * solicited-node group of one of its addresses). */
bool ipv6_in_group(const struct host *h, const struct iface *ifc, const struct ip6_addr *g);
/* Whether eth_input should take a frame sent to this multicast MAC. */
bool ipv6_mac_wanted(const struct iface *ifc, const uint8_t mac[ETH_ALEN]);

/* An IPv6 packet arrived; p->data is its header. Takes ownership of p. */
void ipv6_input(struct iface *ifc, struct pkt *p);

/* Prepend an IPv6 header to p (p->data is the upper-layer packet) and send
 * it. src may be NULL: the source is then chosen for dst [RFC 6724 5,
 * rules 1-2: the same address, then the right scope]. ifc may be NULL for a
 * global dst (the interface with the on-link prefix). hop_limit 0 means the
 * host's default. Takes ownership of p. Returns 0 or -ERR_*. */
int ipv6_output(struct host *h, struct iface *ifc, struct pkt *p, const struct ip6_addr *src,
                const struct ip6_addr *dst, uint8_t next_header, uint8_t hop_limit);

/* Pick the interface and source for dst; -ERR_NETUNREACH when no interface
 * has dst's prefix on-link (IPv6 routes are not built yet). */
int ipv6_select(struct host *h, const struct ip6_addr *dst, struct iface **ifc,
                struct ip6_addr *src);

/* The path MTU to dst, for TCP's MSS and a datagram's size: here the MTU of
 * the interface that reaches dst (IPV6_MIN_MTU when none does); the path
 * MTU cache [RFC 8201 4], lowered by packet too big, replaces it. */
uint32_t ipv6_path_mtu(struct host *h, const struct ip6_addr *dst);

void ipv6_poll(struct host *h);
uint64_t ipv6_next_deadline(struct host *h);
/* Free h->ip6 and every packet it holds. */
void ipv6_host_destroy(struct host *h);

#endif
