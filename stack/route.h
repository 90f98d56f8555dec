/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * route.h - the routing table: longest-prefix match [RFC 1812 5.2.4.3].
 *
 * Each interface's subnet is a connected route; a default route is 0.0.0.0/0
 * via a gateway. A lookup returns the most specific match, ties broken by the
 * lower metric, then by the earlier entry.
 */
#ifndef NETSTEP_STACK_ROUTE_H
#define NETSTEP_STACK_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#define ROUTE_MAX 64
/* Entries a table allocates at its first route; it doubles up to ROUTE_MAX.
 * An end host has two (its subnet and a default), a router one a subnet. */
#define ROUTE_INITIAL_CAP 2

struct iface;
struct host;

struct route {
    uint32_t dst;         /* network address, host order (masked) */
    uint8_t prefix_len;   /* 0..32 */
    uint32_t gateway;     /* next hop; 0 means on-link (the destination itself) */
    struct iface *ifc;    /* outgoing interface */
    uint32_t metric;      /* lower wins among equal prefixes */
    uint8_t proto;        /* enum route_proto: how it got here */
};

enum route_proto {
    ROUTE_PROTO_KERNEL,  /* connected subnet of an interface ("proto kernel") */
    ROUTE_PROTO_STATIC,  /* added by a scenario ("proto static") */
};

/* The entries are allocated when the first route is added and grow as
 * routes are added (a host of a big world keeps 2 of them, not 64). */
struct route_table {
    struct route *r;            /* entries, in insertion order; NULL before the first */
    unsigned count;             /* used entries */
    unsigned cap;               /* allocated entries (at most ROUTE_MAX) */
};

/* Add a route. ifc may be NULL when gateway is set: the interface whose subnet
 * holds the gateway is used. -ERR_EXIST for an identical dst/prefix/metric,
 * -ERR_NETUNREACH for a gateway on no connected subnet, -ERR_NOBUFS when full
 * (ROUTE_MAX routes), -ERR_NOMEM when the table cannot grow. */
int route_add(struct host *h, uint32_t dst, unsigned prefix_len, uint32_t gateway,
              struct iface *ifc, uint32_t metric, enum route_proto proto);
int route_del(struct host *h, uint32_t dst, unsigned prefix_len);

/* Free the table's entries (host_destroy); it is left empty and usable. */
void route_table_free(struct route_table *t);

/* The best route to dst, or NULL. */
const struct route *route_lookup(const struct host *h, uint32_t dst);

/* One line per route, as `ip route` prints it:
 *   "default via 192.0.2.254 dev eth0 proto static"
 *   "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1"
 * Returns what snprintf would. */
int route_format(const struct host *h, const struct route *r, char *buf, size_t n);

/* The whole table as `ip route show` prints it, one line each ending in
 * "\n", in its order: by destination address, then the longer prefix first,
 * then the lower metric (Linux's FIB trie walks keys in order and keeps a
 * key's aliases longest prefix first), then insertion order. Returns what
 * snprintf would (the full length even when cut short). */
int route_table_format(const struct host *h, char *buf, size_t n);

/* The table's entries in that order: writes up to cap pointers, returns the
 * number of routes. */
unsigned route_show_order(const struct host *h, const struct route **out, unsigned cap);

#endif
