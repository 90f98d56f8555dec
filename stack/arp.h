/*
 * arp.h - the ARP cache and resolver for IPv4 over Ethernet [RFC 826].
 *
 * A small fixed table per host. A miss creates an INCOMPLETE entry, queues the
 * packet (a few per entry [RFC 1122 2.3.2.2]) and broadcasts a request; the
 * request is retried, and when no reply comes the queued packets are dropped
 * as ARP_UNRESOLVED. A reply or a request naming us fills the entry and sends
 * what was queued. Entries age out. An interface announces itself with a
 * gratuitous request when it comes up.
 */
#ifndef NETSTEP_STACK_ARP_H
#define NETSTEP_STACK_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/wire/addr.h"

#define ARP_CACHE_SIZE 64

/* Defaults, settable per host (struct arp_cache fields). */
#define ARP_TIMEOUT_NS   (60ull * 1000 * 1000 * 1000)  /* entry lifetime: Linux's is 30-60 s */
#define ARP_RETRY_NS     (1000ull * 1000 * 1000)       /* [RFC 1122 2.3.2.1]: at most one request a second */
#define ARP_MAX_TRIES    3                             /* requests before giving up, as Linux's mcast_solicit */
#define ARP_QUEUE_MAX    3                             /* packets held per unresolved address */

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
};

struct arp_cache {
    struct arp_entry e[ARP_CACHE_SIZE];  /* the table */
    uint64_t timeout_ns;                 /* lifetime of a learned entry */
    uint64_t retry_ns;                   /* gap between requests */
    uint8_t max_tries;                   /* requests before giving up */
    uint8_t queue_max;                   /* packets held per entry */
    /* arp_next_deadline()'s answer, kept until an entry changes: the world
     * asks after every event, and the answer rarely moves. */
    bool next_known;                     /* next_ns is the table's earliest deadline */
    uint64_t next_ns;                    /* that deadline, or UINT64_MAX */
};

struct host;

void arp_cache_init(struct arp_cache *c);
/* Drop every queued packet and empty the table (host teardown). */
void arp_cache_flush(struct host *h);

/* An ARP packet arrived; p->data is the ARP body. Takes ownership of p. */
void arp_input(struct iface *ifc, struct pkt *p);

/* Send IPv4 packet p (p->data at the IPv4 header) to next_hop on ifc,
 * resolving its MAC first if needed. Takes ownership of p: it is sent, queued
 * until ARP resolves, or dropped. Returns 0 or -ERR_*. */
int arp_output(struct iface *ifc, struct pkt *p, uint32_t next_hop);

/* Broadcast a gratuitous ARP request for ifc's own address [RFC 5227 3]. */
int arp_announce(struct iface *ifc);

/* Look up ip; NULL if there is no entry in any state. */
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
