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
#include "stack/ipv6_frag.h"
#include "stack/nd6.h"
#include "stack/route6.h"
#include "stack/wire/ipv6.h"

#define IP6_ADDRS_PER_IFACE 4   /* link-local + a few global ones */
#define ICMP6_ECHO_INBOX    8   /* echo replies waiting for ping */
#define IP6_PMTU_MAX        16  /* destinations with a learned path MTU */
/* [RFC 8201 5.3] a lowered path MTU is tried again after 10 minutes. */
#define IP6_PMTU_AGE_NS     (600ull * 1000 * 1000 * 1000)

/* One destination's path MTU, learned from a packet too big [RFC 8201 4]. */
struct ip6_pmtu {
    bool used;
    struct ip6_addr dst;
    uint32_t mtu;             /* never below IPV6_MIN_MTU */
    uint64_t expires_ns;      /* then forgotten: the link MTU again */
};

/* What the IPv6 layer counts beyond rx/tx/drop (`HOST counter ipv6.NAME`). */
struct ip6_stats {
    uint64_t forwarded;       /* packets a router sent on [RFC 8200 3] */
    uint64_t frag_created;    /* fragments this host made [RFC 8200 4.5] */
    uint64_t frag_ok;         /* packets fragmented at the source */
    uint64_t reasm_reqd;      /* fragments received */
    uint64_t reasm_ok;        /* packets reassembled */
    uint64_t reasm_fails;     /* reassemblies abandoned (overlap, timeout, bad fragment) */
    uint64_t pmtu_learned;    /* packet too big messages that lowered a path MTU */
};

struct ip6_ifaddr {
    struct ip6_addr addr;   /* the address */
    uint8_t prefix_len;     /* its on-link prefix [RFC 4861 5.1] */
    bool used;              /* slot holds an address */
    uint8_t state;          /* enum addr6_state (addr6.h): tentative until DAD passes */
    bool autoconf;          /* formed by SLAAC from an advertised prefix */
    uint64_t preferred_until_ns;  /* then deprecated (UINT64_MAX: never) */
    uint64_t valid_until_ns;      /* then removed (UINT64_MAX: never) */
    bool dad_armed;         /* a DAD step is scheduled */
    uint64_t dad_ns;        /* when: the probe, or the end of the wait */
    uint8_t dad_sent;       /* probes sent [RFC 4862 5.4.2] */
    uint8_t dad_counter;    /* SLAAC: RFC 7217's DAD_Counter for this address */
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
    uint32_t param;           /* an error's 4-byte field: packet too big's MTU */
};

struct ip6_host {
    struct ip6_iface ifs[HOST_MAX_IFACES];  /* by iface->index */
    uint64_t iid_key[2];                    /* RFC 7217's secret_key */
    struct nd6_cache nd;                    /* the neighbour cache */
    uint8_t hop_limit;                      /* for packets this host sends */
    uint8_t dad_transmits;                  /* DupAddrDetectTransmits [RFC 4862 5.1]:
                                               probes per new address; 0 turns
                                               duplicate address detection off */
    /* [RFC 4443 2.4(f)] the error rate limiter: a token bucket. */
    uint32_t err_tokens;                    /* errors that may go now */
    uint64_t err_refill_ns;                 /* when the last token was added */
    uint64_t err_interval_ns;               /* one token per interval */
    uint32_t err_burst;                     /* bucket size */
    uint16_t next_echo_id;                  /* next ping identifier */
    struct icmp6_echo_msg inbox[ICMP6_ECHO_INBOX];  /* replies for ping */
    uint64_t icmp6_rx_type[256];            /* ICMPv6 messages received, by type */
    uint64_t icmp6_tx_type[256];            /* ICMPv6 messages sent, by type */
    struct route6_table routes;             /* static routes (route6.h) */
    struct ip6_pmtu pmtu[IP6_PMTU_MAX];     /* the path MTU cache [RFC 8201 5.2] */
    struct ip6_frag_state frag;             /* fragment ids and reassembly (ipv6_frag.h) */
    struct ip6_stats stats;
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

/* Pick the interface and source for dst: the most specific of the static
 * routes (route6.h) and the interfaces' on-link prefixes, a connected prefix
 * winning a tie [RFC 4861 5.2], else next-hop determination from router
 * advertisements (nd6_next_hop() [RFC 4861 5.2]); the source by RFC 6724
 * (addr6.c). -ERR_NETUNREACH when nothing leads there, -ERR_ADDRNOTAVAIL
 * when no assigned address may be the source (say, all still tentative). */
int ipv6_select(struct host *h, const struct ip6_addr *dst, struct iface **ifc,
                struct ip6_addr *src);
/* As ipv6_select, and the neighbour the packet goes to: a route's gateway,
 * else dst itself. The route does not depend on the source: with no
 * assigned address yet, src is :: and the answer still 0 (forwarding and
 * the path MTU need the route, not a source). */
int ipv6_next_hop(struct host *h, const struct ip6_addr *dst, struct iface **ifc,
                  struct ip6_addr *src, struct ip6_addr *next_hop);

/* The path MTU to dst [RFC 8201]: the MTU of the link a packet to dst
 * leaves on, lowered by packet too big messages (never below 1280) until
 * they age out after 10 minutes [RFC 8201 5.3]. IPV6_MIN_MTU when no route
 * holds dst. TCP takes its MSS from it. */
uint32_t ipv6_path_mtu(struct host *h, const struct ip6_addr *dst);
/* A packet too big said `mtu` for the path to dst [RFC 8201 4]: lower the
 * path MTU (an MTU below 1280 is ignored [RFC 8201 4, RFC 8021]). */
void ipv6_pmtu_learn(struct host *h, const struct ip6_addr *dst, uint32_t mtu);

void ipv6_poll(struct host *h);
uint64_t ipv6_next_deadline(struct host *h);
/* Free h->ip6 and every packet it holds. */
void ipv6_host_destroy(struct host *h);

#endif
