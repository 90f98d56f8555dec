/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * route6.h - IPv6 static routes and longest-prefix match [RFC 4861 5.2,
 * RFC 8200 3]: what `HOST: route add 2001:db8:2::/64 via ...` adds and
 * `HOST: ip -6 route` shows.
 *
 * The table lives in struct ip6_host (host->ip6) and allocates its entries
 * with the first route, so a host that never gets one pays nothing. The
 * connected prefixes of the interfaces are not stored here: they are the
 * interfaces' addresses (ipv6.c), and ipv6_select() weighs both, the most
 * specific prefix winning, a connected prefix winning a tie.
 */
#ifndef NETSTEP_STACK_ROUTE6_H
#define NETSTEP_STACK_ROUTE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/wire/ipv6.h"

#define ROUTE6_MAX 64
#define ROUTE6_METRIC_STATIC 1024   /* Linux's metric for a route added by hand */
#define ROUTE6_METRIC_KERNEL 256    /* and for a connected prefix */

struct host;
struct iface;

struct route6 {
    struct ip6_addr dst;    /* the prefix, host bits zero */
    uint8_t prefix_len;     /* 0..128 */
    bool has_gw;            /* via a gateway (else the destination is on-link) */
    struct ip6_addr gw;     /* the gateway: a global or link-local neighbour */
    struct iface *ifc;      /* where packets go */
};

struct route6_table {
    struct route6 *r;       /* entries in insertion order; NULL before the first */
    unsigned count;
    unsigned cap;
};

/* Add a static route. gw NULL: on-link through ifc. A link-local gateway
 * needs ifc (a link-local address means nothing without its link [RFC 4007
 * 6]); a global one without ifc uses the interface whose on-link prefix
 * holds it. -ERR_INVAL (bad prefix, multicast gateway, link-local gateway
 * without an interface), -ERR_NETUNREACH (no IPv6 on the host or the
 * interface; a global gateway on no on-link prefix), -ERR_EXIST (the same
 * prefix again), -ERR_NOBUFS (ROUTE6_MAX), -ERR_NOMEM. */
int route6_add(struct host *h, const struct ip6_addr *dst, unsigned prefix_len,
               const struct ip6_addr *gw, struct iface *ifc);
/* Remove the route for exactly dst/prefix_len: 0 or -ERR_NOENT. */
int route6_del(struct host *h, const struct ip6_addr *dst, unsigned prefix_len);
/* The most specific static route to dst, or NULL [RFC 4861 5.2]. */
const struct route6 *route6_lookup(const struct host *h, const struct ip6_addr *dst);
/* One static route as `ip -6 route` prints it ("2001:db8:2::/64 via
 * 2001:db8:1::2 dev eth0 metric 1024 pref medium"). Returns what snprintf
 * would. */
int route6_format(const struct route6 *r, char *buf, size_t n);
/* The table as `ip -6 route` prints it: connected prefixes ("proto kernel
 * metric 256") and static routes ("metric 1024"), each followed by "pref
 * medium", by prefix address, longer first, the default last. Returns what
 * snprintf would. */
int route6_table_format(const struct host *h, char *buf, size_t n);
/* Free the entries (host teardown). */
void route6_table_free(struct route6_table *t);

#endif
