/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * route.c - the routing table and longest-prefix match [RFC 1812 5.2.4.3].
 */
#include "stack/route.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/wire/addr.h"

int
route_add(struct host *h, uint32_t dst, unsigned prefix_len, uint32_t gateway,
          struct iface *ifc, uint32_t metric, enum route_proto proto)
{
    struct route_table *t = &h->routes;
    if (prefix_len > 32)
        return -ERR_INVAL;
    dst &= ipv4_prefix_mask(prefix_len);
    for (unsigned i = 0; i < t->count; i++)
        if (t->r[i].dst == dst && t->r[i].prefix_len == prefix_len && t->r[i].metric == metric)
            return -ERR_EXIST;
    if (ifc == NULL) {
        /* The gateway must sit on a connected subnet [RFC 1812 5.2.4.3]. */
        if (gateway == 0)
            return -ERR_INVAL;
        for (unsigned i = 0; i < h->n_ifaces && ifc == NULL; i++) {
            struct iface *c = &h->ifaces[i];
            if (c->addr != 0 && (gateway & ipv4_prefix_mask(c->prefix_len)) == iface_net(c))
                ifc = c;
        }
        if (ifc == NULL)
            return -ERR_NETUNREACH;
    }
    if (t->count >= ROUTE_MAX)
        return -ERR_NOBUFS;
    if (t->count == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : ROUTE_INITIAL_CAP;
        if (cap > ROUTE_MAX)
            cap = ROUTE_MAX;
        struct route *grown = realloc(t->r, cap * sizeof *grown);
        if (grown == NULL)
            return -ERR_NOMEM;
        t->r = grown;
        t->cap = cap;
    }
    struct route *r = &t->r[t->count++];
    r->dst = dst;
    r->prefix_len = (uint8_t)prefix_len;
    r->gateway = gateway;
    r->ifc = ifc;
    r->metric = metric;
    r->proto = (uint8_t)proto;
    return 0;
}

int
route_del(struct host *h, uint32_t dst, unsigned prefix_len)
{
    struct route_table *t = &h->routes;
    dst &= ipv4_prefix_mask(prefix_len);
    for (unsigned i = 0; i < t->count; i++) {
        if (t->r[i].dst == dst && t->r[i].prefix_len == prefix_len) {
            memmove(&t->r[i], &t->r[i + 1], (t->count - i - 1) * sizeof(t->r[0]));
            t->count--;
            return 0;
        }
    }
    return -ERR_NOENT;
}

void
route_table_free(struct route_table *t)
{
    free(t->r);
    t->r = NULL;
    t->count = 0;
    t->cap = 0;
}

const struct route *
route_lookup(const struct host *h, uint32_t dst)
{
    const struct route *best = NULL;
    for (unsigned i = 0; i < h->routes.count; i++) {
        const struct route *r = &h->routes.r[i];
        if ((dst & ipv4_prefix_mask(r->prefix_len)) != r->dst || !r->ifc->up)
            continue;
        if (best == NULL || r->prefix_len > best->prefix_len ||
            (r->prefix_len == best->prefix_len && r->metric < best->metric))
            best = r;
    }
    return best;
}

int
route_format(const struct host *h, const struct route *r, char *buf, size_t n)
{
    (void)h;
    char dst[IPV4_ADDR_STRLEN], gw[IPV4_ADDR_STRLEN], src[IPV4_ADDR_STRLEN];
    char prefix[24];
    if (r->prefix_len == 0)
        snprintf(prefix, sizeof(prefix), "default");
    else if (r->prefix_len == 32)
        snprintf(prefix, sizeof(prefix), "%s", ipv4_addr_str(r->dst, dst));
    else
        snprintf(prefix, sizeof(prefix), "%s/%u", ipv4_addr_str(r->dst, dst), r->prefix_len);
    const char *proto = r->proto == ROUTE_PROTO_KERNEL ? "kernel" : "static";
    int len;
    if (r->gateway != 0)
        len = snprintf(buf, n, "%s via %s dev %s proto %s", prefix, ipv4_addr_str(r->gateway, gw),
                       r->ifc->name, proto);
    else
        len = snprintf(buf, n, "%s dev %s proto %s scope link src %s", prefix, r->ifc->name,
                       proto, ipv4_addr_str(r->ifc->addr, src));
    if (r->metric != 0 && len >= 0 && (size_t)len < n)
        len += snprintf(buf + len, n - (size_t)len, " metric %u", r->metric);
    return len;
}

/* Does a come before b in `ip route` order? */
static bool
route_show_before(const struct route *a, const struct route *b)
{
    if (a->dst != b->dst)
        return a->dst < b->dst;
    if (a->prefix_len != b->prefix_len)
        return a->prefix_len > b->prefix_len;
    return a->metric < b->metric;
}

unsigned
route_show_order(const struct host *h, const struct route **out, unsigned cap)
{
    const struct route *sorted[ROUTE_MAX];
    unsigned n = h->routes.count;
    /* Insertion sort: stable, so equal keys keep their insertion order. */
    for (unsigned i = 0; i < n; i++) {
        const struct route *r = &h->routes.r[i];
        unsigned j = i;
        while (j > 0 && route_show_before(r, sorted[j - 1])) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = r;
    }
    for (unsigned i = 0; i < n && i < cap; i++)
        out[i] = sorted[i];
    return n;
}

int
route_table_format(const struct host *h, char *buf, size_t n)
{
    const struct route *order[ROUTE_MAX];
    unsigned count = route_show_order(h, order, ROUTE_MAX);
    size_t used = 0;
    if (n > 0)
        buf[0] = '\0';
    for (unsigned i = 0; i < count; i++) {
        char line[160];
        int len = route_format(h, order[i], line, sizeof(line));
        if (len < 0)
            return len;
        int w = snprintf(used < n ? buf + used : NULL, used < n ? n - used : 0, "%s\n", line);
        if (w < 0)
            return w;
        used += (size_t)w;
    }
    return (int)used;
}
