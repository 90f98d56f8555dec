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
 *
 * Router discovery lives beside it (stack/ra6.c) [RFC 4861 6]: a router
 * advertises on the interfaces the scenario names, a host solicits routers
 * when an interface comes up and keeps what advertisements tell it in a
 * default router list and a prefix list; next-hop determination [5.2] reads
 * those through a destination cache, which received redirects [8.3] update.
 */
#ifndef NETSTEP_STACK_ND6_H
#define NETSTEP_STACK_ND6_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/rng.h"
#include "stack/wire/ipv6.h"

/* [RFC 4861 10] protocol constants. */
#define ND6_MAX_MULTICAST_SOLICIT 3
#define ND6_MAX_UNICAST_SOLICIT   3
#define ND6_RETRANS_TIMER_NS      (1000ull * 1000 * 1000)
#define ND6_DELAY_FIRST_PROBE_NS  (5000ull * 1000 * 1000)
#define ND6_BASE_REACHABLE_NS     (30000ull * 1000 * 1000)
#define ND6_CACHE_MAX             64   /* neighbours per host */
#define ND6_QUEUE_MAX             3    /* packets waiting per INCOMPLETE entry (Linux's 3) */

/* [RFC 4861 10] router and host constants of router discovery. */
#define ND6_MS                            (1000ull * 1000)
#define ND6_SEC                           (1000ull * ND6_MS)
#define RA6_MAX_INITIAL_RTR_ADVERT_INTERVAL_NS (16 * ND6_SEC)
#define RA6_MAX_INITIAL_RTR_ADVERTISEMENTS 3
#define RA6_MIN_DELAY_BETWEEN_RAS_NS      (3 * ND6_SEC)
#define RA6_MAX_RA_DELAY_TIME_NS          (500 * ND6_MS)
#define ND6_MAX_RTR_SOLICITATION_DELAY_NS (1 * ND6_SEC)
#define ND6_RTR_SOLICITATION_INTERVAL_NS  (4 * ND6_SEC)
#define ND6_MAX_RTR_SOLICITATIONS         3

/* [RFC 4861 6.2.1] a router's defaults. */
#define RA6_DEFAULT_MAX_INTERVAL_S 600u
#define RA6_DEFAULT_VALID_S        2592000u  /* 30 days */
#define RA6_DEFAULT_PREFERRED_S    604800u   /* 7 days */
#define ND6_INFINITY               0xffffffffu  /* a lifetime that never ends */

#define ND6_IFACES          8    /* == HOST_MAX_IFACES (checked in ra6.c) */
#define RA6_PREFIXES_MAX    4    /* prefixes one interface advertises */
#define ND6_ROUTERS_MAX     4    /* default router list */
#define ND6_PREFIXES_MAX    8    /* prefix list (advertised on-link prefixes) */
#define ND6_DESTS_MAX       32   /* destination cache */

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

/* One prefix a router advertises [RFC 4861 4.6.2]. */
struct ra6_prefix {
    struct ip6_addr prefix;   /* host bits zero */
    uint8_t len;              /* its length */
    bool on_link;             /* L: hosts may reach every address of it directly */
    bool autonomous;          /* A: hosts may form addresses in it [RFC 4862 5.5.3] */
    uint32_t valid_s;         /* valid lifetime, seconds (ND6_INFINITY: forever) */
    uint32_t preferred_s;     /* preferred lifetime, seconds */
};

/* What a router advertises on one interface: RFC 4861 6.2.1's
 * AdvSendAdvertisements and the Adv* variables. */
struct ra6_config {
    bool advertising;           /* AdvSendAdvertisements */
    bool managed, other;        /* the M and O flags */
    uint32_t max_interval_s;    /* MaxRtrAdvInterval, 4..1800 */
    uint32_t min_interval_s;    /* MinRtrAdvInterval, 3..0.75 * max */
    uint16_t router_lifetime_s; /* AdvDefaultLifetime: 0 (not a default router) or max..9000 */
    uint32_t reachable_ms;      /* AdvReachableTime (0: unspecified) */
    uint32_t retrans_ms;        /* AdvRetransTimer (0: unspecified) */
    uint8_t cur_hop_limit;      /* AdvCurHopLimit */
    uint32_t mtu;               /* AdvLinkMTU (0: no MTU option) */
    struct ra6_prefix prefixes[RA6_PREFIXES_MAX];  /* AdvPrefixList */
    unsigned n_prefixes;
};

/* Router discovery on one interface: the router's advertising timers and
 * the host's solicitations. */
struct ra6_iface {
    struct ra6_config cfg;      /* router: what it advertises */
    bool ra_armed;              /* router: an advertisement is scheduled */
    uint64_t next_ra_ns;        /* router: when */
    uint64_t last_mcast_ra_ns;  /* router: when the last one went (0: never) */
    bool sent_any;              /* router: last_mcast_ra_ns is meaningful */
    unsigned initial_sent;      /* router: advertisements sent so far, up to
                                   MAX_INITIAL_RTR_ADVERTISEMENTS */
    bool rs_armed;              /* host: a solicitation is scheduled */
    uint64_t rs_next_ns;        /* host: when */
    uint8_t rs_sent;            /* host: solicitations sent */
    uint32_t link_mtu;          /* host: the MTU an advertisement gave (0: none) */
};

/* [RFC 4861 6.3.4, 5.1] a default router list entry. */
struct nd6_router {
    bool used;
    struct ip6_addr addr;       /* its link-local address */
    struct iface *ifc;          /* where it was heard */
    uint64_t expire_ns;         /* when its router lifetime ends */
};

/* [RFC 4861 5.1] a prefix list entry: an on-link prefix. */
struct nd6_prefix {
    bool used;
    struct ip6_addr prefix;
    uint8_t len;
    struct iface *ifc;
    uint64_t expire_ns;         /* UINT64_MAX: an infinite valid lifetime */
};

/* [RFC 4861 5.1] a destination cache entry: where packets for dst go next. */
struct nd6_dest {
    bool used;
    struct ip6_addr dst;
    struct ip6_addr next_hop;   /* dst itself when on-link */
    struct iface *ifc;
    bool redirected;            /* set by a redirect [8.3] */
};

struct nd6_cache {
    struct nd6_entry e[ND6_CACHE_MAX];
    uint64_t reachable_ns;      /* ReachableTime: BaseReachableTime times a
                                   random factor in [0.5, 1.5) [RFC 4861 6.3.2] */
    uint64_t retrans_ns;        /* RetransTimer */
    uint64_t base_reachable_ns; /* BaseReachableTime (an advertisement may set it) */
    struct rng rng;             /* router discovery's own draws, seeded from the
                                   host's key, so they move no other number */
    struct ra6_iface ifs[ND6_IFACES];       /* by iface->index */
    struct nd6_router routers[ND6_ROUTERS_MAX];
    struct nd6_prefix prefixes[ND6_PREFIXES_MAX];
    struct nd6_dest dests[ND6_DESTS_MAX];
    unsigned rr_next;           /* round-robin position [RFC 4861 6.3.6] */
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
/* Create or update the entry for ip from a link-layer address an ND message
 * carried unasked (a solicitation's, an advertisement's or a redirect's): a
 * new or changed address is STALE [RFC 4861 7.2.3, 6.2.6, 6.3.4, 8.3]. */
void nd6_learn(struct host *h, struct iface *ifc, const struct ip6_addr *ip,
               const uint8_t mac[ETH_ALEN], bool is_router, const struct pkt *p,
               const char *rfc, const char *why);
/* Option walk for every ND message: false when an option has length zero or
 * runs past the message [RFC 4861 4.6]. */
bool nd6_options_ok(const uint8_t *b, size_t len, size_t off);

/* --- router discovery (ra6.c) [RFC 4861 6] ------------------------------- */

/* Fill cfg with RFC 4861 6.2.1's defaults and no prefix. */
void ra6_config_defaults(struct ra6_config *cfg);
/* Make ifc of router h advertise cfg (replacing what it advertised before);
 * cfg->advertising false stops it. -ERR_INVAL when h does not forward, IPv6
 * is off on ifc or cfg breaks 6.2.1's bounds. */
int ra6_advertise(struct host *h, struct iface *ifc, const struct ra6_config *cfg);
/* ifc just got IPv6: a host schedules its router solicitations [6.3.7]. */
void ra6_iface_up(struct host *h, struct iface *ifc);
/* RS, RA or redirect arrived (checksummed; p->data is the message). Takes p. */
void ra6_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr);
/* [RFC 4861 5.2] next-hop determination for a destination no static route
 * or address prefix covers: the destination cache, then the prefix list,
 * then a default router. Sets *ifc and *next_hop; -ERR_NETUNREACH when no
 * router is known. */
int nd6_next_hop(struct host *h, const struct ip6_addr *dst, struct iface **ifc,
                 struct ip6_addr *next_hop);
/* The destination cache entry for dst, or NULL. */
const struct nd6_dest *nd6_dest_lookup(const struct host *h, const struct ip6_addr *dst);
/* The link MTU an advertisement set on ifc, else ifc->mtu [RFC 4861 6.3.4]. */
uint32_t nd6_link_mtu(const struct host *h, const struct iface *ifc);
void ra6_poll(struct host *h);
uint64_t ra6_next_deadline(const struct host *h);

#endif
