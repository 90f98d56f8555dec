/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * host.h - one node of the network: every datum the stack keeps about it.
 *
 * stack/ keeps no state of its own (docs/architecture.md, "The three
 * rings"): a host's interfaces, ARP cache, routes, sockets, counters and
 * random generator all live here, and the code is shared by every host.
 * Time is an input: the caller sets `now_ns` before every entry into the
 * stack (iface_input, host_poll, a socket call).
 */
#ifndef NETSTEP_STACK_HOST_H
#define NETSTEP_STACK_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/arp.h"
#include "stack/drop.h"
#include "stack/iface.h"
#include "stack/ipfrag.h"
#include "stack/ipv4.h"
#include "stack/pkt.h"
#include "stack/rng.h"
#include "stack/route.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/trace.h"

struct ip6_host;

#define HOST_NAME_LEN   32
#define HOST_MAX_IFACES 8

/* ICMP messages by type, received and sent (Linux's Icmp/IcmpMsg lines):
 * 4 KiB, so allocated at a host's first ICMP message (host_count_icmp). */
struct host_icmp_types {
    uint64_t rx[256];  /* received, by type */
    uint64_t tx[256];  /* sent, by type */
};

/* Per-layer counters, the numbers `netstat -s` would show. */
struct host_stats {
    uint64_t rx[LAYER_COUNT];           /* packets a layer accepted */
    uint64_t tx[LAYER_COUNT];           /* packets a layer sent down */
    uint64_t drop_layer[LAYER_COUNT];   /* packets a layer dropped */
    uint64_t drops[DROP_COUNT];         /* drops by reason */
    struct host_icmp_types *icmp_types; /* ICMP messages by type, or NULL
                                           before the first (all zero) */
    uint64_t ipv4_forwarded;            /* datagrams forwarded */
    uint64_t udp_delivered;             /* datagrams queued on a socket */
    uint64_t local_tx;                  /* local (AF_LOCAL) sends that moved data */
    uint64_t local_tx_bytes;            /* bytes those sends moved, socket to socket */
};

struct host {
    char name[HOST_NAME_LEN];                /* "alice" */
    uint64_t now_ns;                         /* set by the caller before each entry */
    struct pkt_pool *pool;                   /* where packets come from */
    struct trace *trace;                     /* the bus, or NULL */
    struct trace_cause cause;                /* cause of what the host does right now */
    struct iface ifaces[HOST_MAX_IFACES];    /* interfaces, eth0 first */
    unsigned n_ifaces;                       /* used entries of ifaces */
    struct iface lo;                         /* loopback, 127.0.0.1/8; not in ifaces[] */
    struct pkt_queue loopq;                  /* frames lo sent, for host_poll() to deliver */
    struct arp_cache arp;                    /* IPv4 -> MAC */
    struct route_table routes;               /* where datagrams go */
    bool forwarding;                         /* a router: forward datagrams not for us */
    struct ipfrag_table ipfrag;              /* datagrams being reassembled */
    struct ipv4_pmtu_cache pmtu;             /* path MTUs learned [RFC 1191] */
    struct ip6_host *ip6;                    /* IPv6 (ipv6.h): NULL until the host
                                                gets its first IPv6 address */
    uint16_t ip_id;                          /* next IPv4 identification */
    uint16_t next_ping_id;                   /* next ICMP echo identifier */
    struct rng rng;                          /* this host's random numbers */
    struct sock_table socks;                 /* sockets */
    struct tcp_host tcp;                     /* TCBs, ISN key, TCP tunables and counters */
    struct host_stats stats;                 /* counters */
    size_t world_index;                      /* the owner's slot for this host (sim/
                                                keeps its hosts in an array); the
                                                stack never reads it */
};

/* Set up h with no interfaces. `seed` feeds its generator (ephemeral ports,
 * ISNs); `stream` tells hosts of the same seed apart. */
void host_init(struct host *h, const char *name, struct pkt_pool *pool, struct trace *trace,
               uint64_t seed, uint64_t stream);

/* Close sockets, flush queues; every packet the host held is freed. */
void host_destroy(struct host *h);

/* Add an interface with its connected route. Returns it, or NULL when the host
 * has HOST_MAX_IFACES already. The interface starts down; host_iface_up()
 * brings it up and announces it with a gratuitous ARP. */
struct iface *host_add_iface(struct host *h, const char *name, const uint8_t mac[ETH_ALEN],
                             uint32_t addr, unsigned prefix_len, uint16_t mtu,
                             const struct iface_ops *ops, void *drv);
void host_iface_up(struct host *h, struct iface *ifc, bool announce);

/* Run every timer whose deadline is <= now_ns. */
void host_poll(struct host *h);
/* When host_poll() next has work, or UINT64_MAX. */
uint64_t host_next_deadline(struct host *h);

/* Name the cause of what follows (a socket call, a timer). */
static inline void
host_set_cause(struct host *h, struct trace_cause c)
{
    h->cause = c;
}

/* The interface holding addr, or NULL (lo for 127.0.0.1). */
struct iface *host_iface_by_addr(struct host *h, uint32_t addr);

/* The interface's first address, the host's "name" address (eth0's). */
uint32_t host_primary_addr(const struct host *h);

/* Count one ICMP message of `type`, sent (tx) or received. A host that cannot
 * get memory for its counters loses the count, never the message. */
void host_count_icmp(struct host *h, bool tx, uint8_t type);

/* ICMP messages of `type` the host sent (tx) or received. */
uint64_t host_icmp_count(const struct host *h, bool tx, uint8_t type);

/* A packet built by this host: from its pool, stamped with now and the cause. */
struct pkt *host_pkt_alloc(struct host *h, size_t headroom, size_t size);

#endif
