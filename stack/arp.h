/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arp.h - the ARP cache and resolver for IPv4 over Ethernet [RFC 826].
 *
 * A table per host that grows as neighbours appear. A miss creates an
 * INCOMPLETE entry, queues the packet [RFC 1122 2.3.2.2] and broadcasts a
 * request; the request is retried, and when no reply comes the queued packets
 * are dropped as ARP_UNRESOLVED. A reply or a request naming us fills the
 * entry and sends what was queued. Entries age out. An interface announces
 * itself with a gratuitous request when it comes up.
 *
 * Sizes. RFC 826 says nothing of how big the table is, and RFC 1122 2.3.2.2
 * only that a host SHOULD hold at least one packet (the latest) while it
 * resolves. The model is Linux's neighbour table (ip-sysctl.rst, neigh/):
 *  - The table holds as many entries as the host has neighbours, up to
 *    gc_thresh3 (1024), the hard bound. It is allocated on demand: a host
 *    with two neighbours pays for a few slots, a router with 101 for 128.
 *  - Garbage collection: an entry lives ARP_TIMEOUT_NS after it was last
 *    confirmed and then ages out (Linux keeps a STALE entry longer and lets
 *    its collector remove it once the table has more than gc_thresh1, 128,
 *    entries; the aging here plays that part). When the table is at its
 *    bound and a new neighbour needs a slot, the entry confirmed longest ago
 *    is evicted, as Linux's forced collection removes the entries updated
 *    longest ago; INCOMPLETE entries (their packets wait) and PERMANENT ones
 *    are never evicted, and when only those are left the new neighbour is
 *    refused (Linux logs "neighbour table overflow") and its packet dropped.
 *  - While an address is being resolved, its queue holds up to
 *    unres_qlen_bytes (212992) bytes of packets, counted as the memory each
 *    packet takes (Linux counts skb->truesize; here the struct and its
 *    buffer); past that the oldest are dropped so the latest is kept.
 */
#ifndef NETSTEP_STACK_ARP_H
#define NETSTEP_STACK_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/wire/addr.h"

/* [Linux neigh gc_thresh3] the hard bound on entries per host. */
#define ARP_CACHE_MAX 1024
/* Slots allocated the first time; the table doubles from there. */
#define ARP_CACHE_FIRST 4

/* Defaults, settable per host (struct arp_cache fields). */
#define ARP_TIMEOUT_NS   (60ull * 1000 * 1000 * 1000)  /* entry lifetime: Linux's is 30-60 s */
#define ARP_RETRY_NS     (1000ull * 1000 * 1000)       /* [RFC 1122 2.3.2.1]: at most one request a second */
#define ARP_MAX_TRIES    3                             /* requests before giving up, as Linux's mcast_solicit */
#define ARP_QUEUE_MAX_BYTES 212992u  /* per unresolved address: Linux's unres_qlen_bytes */

enum arp_state {
    ARP_FREE,        /* slot unused */
    ARP_INCOMPLETE,  /* request sent, waiting for a reply */
    ARP_REACHABLE,   /* MAC known until expires_ns */
    ARP_PERMANENT,   /* set by hand; never expires */
};

struct arp_entry {
    enum arp_state state;      /* see above */
    uint32_t ip;               /* protocol address, host order */
    uint8_t mac[ETH_ALEN];     /* hardware address (REACHABLE, PERMANENT) */
    struct iface *ifc;         /* interface it was learned on / is resolved on */
    uint64_t expires_ns;       /* REACHABLE: when it ages out */
    uint64_t retry_ns;         /* INCOMPLETE: when to ask again */
    uint8_t tries;             /* INCOMPLETE: requests sent so far */
    struct pkt_queue pending;  /* INCOMPLETE: packets waiting for the MAC */
    size_t pending_mem;        /* INCOMPLETE: memory they take (arp_pkt_mem()) */
};

struct arp_cache {
    struct arp_entry *e;                 /* the table: cap slots, NULL until needed */
    unsigned cap;                        /* slots allocated */
    unsigned used;                       /* slots not FREE */
    unsigned max_entries;                /* bound on used (gc_thresh3) */
    uint64_t timeout_ns;                 /* lifetime of a learned entry */
    uint64_t retry_ns;                   /* gap between requests */
    uint8_t max_tries;                   /* requests before giving up */
    size_t queue_max_bytes;              /* memory held per unresolved entry */
    /* arp_next_deadline()'s answer, kept until an entry changes: the world
     * asks after every event, and the answer rarely moves. */
    bool next_known;                     /* next_ns is the table's earliest deadline */
    uint64_t next_ns;                    /* that deadline, or UINT64_MAX */
};

struct host;

void arp_cache_init(struct arp_cache *c);
/* Drop every queued packet, empty the table and free it (host teardown). */
void arp_cache_flush(struct host *h);

/* An ARP packet arrived; p->data is the ARP body. Takes ownership of p. */
void arp_input(struct iface *ifc, struct pkt *p);

/* Send IPv4 packet p (p->data at the IPv4 header) to next_hop on ifc,
 * resolving its MAC first if needed. Takes ownership of p: it is sent, queued
 * until ARP resolves, or dropped. Returns 0 or -ERR_*. */
int arp_output(struct iface *ifc, struct pkt *p, uint32_t next_hop);

/* Broadcast a gratuitous ARP request for ifc's own address [RFC 5227 3]. */
int arp_announce(struct iface *ifc);

/* The memory a queued packet is charged: its struct and its buffer. */
size_t arp_pkt_mem(const struct pkt *p);

/* Look up ip; NULL if there is no entry in any state. The pointer is good
 * until the stack next runs (a new entry may move the table). */
const struct arp_entry *arp_cache_lookup(const struct host *h, uint32_t ip);

/* Insert or refresh a mapping by hand (a static entry). */
int arp_cache_set_permanent(struct host *h, struct iface *ifc, uint32_t ip,
                            const uint8_t mac[ETH_ALEN]);

/* Retry requests and age entries whose deadline has passed. */
void arp_poll(struct host *h);
/* The earliest deadline in the table, or UINT64_MAX. Scans the table only
 * when an entry changed since the last answer. */
uint64_t arp_next_deadline(struct host *h);

const char *arp_state_name(enum arp_state s);

#endif
