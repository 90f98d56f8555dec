/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nd6.h - neighbour discovery for IPv6 [RFC 4861]: the neighbour cache and
 * its states, neighbour solicitation and advertisement.
 *
 * The cache is RFC 4861 7.3.2's conceptual model:
 *   INCOMPLETE  a solicitation went to the solicited-node group; packets wait
 *   REACHABLE   confirmed within ReachableTime
 *   STALE       not known to be reachable; nothing is sent until a packet
 *               needs it
 *   DELAY       a packet went out on a STALE entry: wait DELAY_FIRST_PROBE_TIME
 *               for an upper layer to confirm, then probe
 *   PROBE       unicast solicitations every RetransTimer
 * Every change is a trace event naming the RFC section that makes it.
 */
#ifndef NETSTEP_STACK_ND6_H
#define NETSTEP_STACK_ND6_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/wire/ipv6.h"

/* [RFC 4861 10] protocol constants. */
#define ND6_MAX_MULTICAST_SOLICIT 3
#define ND6_MAX_UNICAST_SOLICIT   3
#define ND6_RETRANS_TIMER_NS      (1000ull * 1000 * 1000)
#define ND6_DELAY_FIRST_PROBE_NS  (5000ull * 1000 * 1000)
#define ND6_BASE_REACHABLE_NS     (30000ull * 1000 * 1000)
#define ND6_CACHE_MAX             64   /* neighbours per host */
#define ND6_QUEUE_MAX             3    /* packets waiting per INCOMPLETE entry (Linux's 3) */

enum nd6_state {
    ND6_FREE,
    ND6_INCOMPLETE,
    ND6_REACHABLE,
    ND6_STALE,
    ND6_DELAY,
    ND6_PROBE,
};

struct nd6_entry {
    enum nd6_state state;
    struct ip6_addr ip;         /* the neighbour's address */
    uint8_t mac[ETH_ALEN];      /* its link-layer address (not INCOMPLETE) */
    struct iface *ifc;          /* where it lives */
    bool is_router;             /* the R flag of its last advertisement */
    uint64_t timer_ns;          /* next deadline (0: none, as in STALE) */
    uint8_t probes;             /* solicitations sent in this state */
    struct pkt_queue pending;   /* INCOMPLETE: packets waiting */
    unsigned n_pending;
};

struct nd6_cache {
    struct nd6_entry e[ND6_CACHE_MAX];
    uint64_t reachable_ns;      /* ReachableTime: BaseReachableTime times a
                                   random factor in [0.5, 1.5) [RFC 4861 6.3.2] */
    uint64_t retrans_ns;        /* RetransTimer */
};

struct host;
struct iface;

/* Send the IPv6 packet p (p->data is its header) to neighbour next_hop on
 * ifc, resolving it first if needed. Takes ownership of p. */
int nd6_output(struct iface *ifc, struct pkt *p, const struct ip6_addr *next_hop);
/* A neighbour solicitation or advertisement arrived (p->data is the ICMPv6
 * message, already checksummed; hdr is its IPv6 header). Takes ownership. */
void nd6_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr);
/* The entry for ip, or NULL. */
const struct nd6_entry *nd6_lookup(const struct host *h, const struct ip6_addr *ip);
void nd6_poll(struct host *h);
uint64_t nd6_next_deadline(const struct host *h);
/* Drop every queued packet (host teardown). */
void nd6_flush(struct host *h);
const char *nd6_state_name(enum nd6_state s);

#endif
