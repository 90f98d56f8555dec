/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * route6.c - IPv6 static routes: add, remove, longest-prefix match
 * [RFC 4861 5.2], and the table as `ip -6 route` prints it.
 */
#include "stack/route6.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/ipv6.h"

static void
mask_prefix(struct ip6_addr *a, unsigned plen)
{
    for (unsigned i = 0; i < 16; i++) {
        if (plen >= 8 * (i + 1))
            continue;
        unsigned keep = plen > 8 * i ? plen - 8 * i : 0;
        a->b[i] &= (uint8_t)(0xff00u >> keep);
    }
}

/* Whether gw lies in an on-link prefix of an interface; that interface. */
static struct iface *
onlink_iface(struct host *h, const struct ip6_addr *gw)
{
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        const struct ip6_iface *i6 = &h->ip6->ifs[i];
        for (unsigned k = 1; i6->enabled && k < IP6_ADDRS_PER_IFACE; k++)
            if (i6->addrs[k].used &&
                ip6_prefix_match(&i6->addrs[k].addr, gw, i6->addrs[k].prefix_len))
                return &h->ifaces[i];
    }
    return NULL;
}

int
route6_add(struct host *h, const struct ip6_addr *dst, unsigned prefix_len,
           const struct ip6_addr *gw, struct iface *ifc)
{
    if (prefix_len > 128 || ip6_addr_is_multicast(dst))
        return -ERR_INVAL;
    if (h->ip6 == NULL)
        return -ERR_NETUNREACH;
    if (ifc != NULL && (ifc->loopback || ifc->index >= HOST_MAX_IFACES ||
                        !h->ip6->ifs[ifc->index].enabled))
        return -ERR_NETUNREACH;
    if (gw == NULL && ifc == NULL)
        return -ERR_INVAL;
    if (gw != NULL) {
        if (ip6_addr_is_multicast(gw) || ip6_addr_is_unspecified(gw))
            return -ERR_INVAL;
        if (ip6_addr_is_linklocal(gw)) {
            /* [RFC 4007 6] a link-local address is ambiguous without the
             * link it belongs to: `via fe80::1 dev eth0`. */
            if (ifc == NULL)
                return -ERR_INVAL;
        } else if (ifc == NULL) {
            ifc = onlink_iface(h, gw);
            if (ifc == NULL)
                return -ERR_NETUNREACH;
        }
    }
    struct ip6_addr net = *dst;
    mask_prefix(&net, prefix_len);
    struct route6_table *t = &h->ip6->routes;
    for (unsigned i = 0; i < t->count; i++)
        if (t->r[i].prefix_len == prefix_len && ip6_addr_eq(&t->r[i].dst, &net))
            return -ERR_EXIST;
    if (t->count >= ROUTE6_MAX)
        return -ERR_NOBUFS;
    if (t->count == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : 2;
        if (cap > ROUTE6_MAX)
            cap = ROUTE6_MAX;
        struct route6 *grown = realloc(t->r, cap * sizeof *grown);
        if (grown == NULL)
            return -ERR_NOMEM;
        t->r = grown;
        t->cap = cap;
    }
    struct route6 *r = &t->r[t->count++];
    *r = (struct route6){ .dst = net, .prefix_len = (uint8_t)prefix_len, .ifc = ifc };
    if (gw != NULL) {
        r->has_gw = true;
        r->gw = *gw;
    }
    return 0;
}

int
route6_del(struct host *h, const struct ip6_addr *dst, unsigned prefix_len)
{
    if (h->ip6 == NULL || prefix_len > 128)
        return -ERR_NOENT;
    struct route6_table *t = &h->ip6->routes;
    struct ip6_addr net = *dst;
    mask_prefix(&net, prefix_len);
    for (unsigned i = 0; i < t->count; i++) {
        if (t->r[i].prefix_len == prefix_len && ip6_addr_eq(&t->r[i].dst, &net)) {
            memmove(&t->r[i], &t->r[i + 1], (t->count - i - 1) * sizeof t->r[0]);
            t->count--;
            return 0;
        }
    }
    return -ERR_NOENT;
}

const struct route6 *
route6_lookup(const struct host *h, const struct ip6_addr *dst)
{
    if (h->ip6 == NULL)
        return NULL;
    const struct route6_table *t = &h->ip6->routes;
    const struct route6 *best = NULL;
    for (unsigned i = 0; i < t->count; i++) {
        const struct route6 *r = &t->r[i];
        if (!r->ifc->up || !ip6_prefix_match(&r->dst, dst, r->prefix_len))
            continue;
        if (best == NULL || r->prefix_len > best->prefix_len)
            best = r;
    }
    return best;
}

void
route6_table_free(struct route6_table *t)
{
    free(t->r);
    t->r = NULL;
    t->count = 0;
    t->cap = 0;
}

/* One line of `ip -6 route`, kept for sorting. */
struct shown {
    struct ip6_addr dst;
    unsigned plen;
    const struct iface *ifc;
    const struct ip6_addr *gw;  /* NULL: on-link */
    bool kernel;
};

static int
shown_cmp(const void *pa, const void *pb)
{
    const struct shown *a = pa, *b = pb;
    /* The default route last, as Linux's walk of its FIB tree lists it. */
    if ((a->plen == 0) != (b->plen == 0))
        return a->plen == 0 ? 1 : -1;
    int c = memcmp(a->dst.b, b->dst.b, 16);
    if (c != 0)
        return c;
    if (a->plen != b->plen)
        return a->plen > b->plen ? -1 : 1;
    if (a->kernel != b->kernel)
        return a->kernel ? -1 : 1;
    return (int)a->ifc->index - (int)b->ifc->index;
}

static int
format_one(const struct route6 *r, bool kernel, char *buf, size_t n)
{
    char d[IPV6_ADDR_STRLEN], g[IPV6_ADDR_STRLEN], via[IPV6_ADDR_STRLEN + 8] = "";
    char dest[IPV6_ADDR_STRLEN + 8];
    if (r->prefix_len == 0)
        snprintf(dest, sizeof dest, "default");
    else
        snprintf(dest, sizeof dest, "%s/%u", ip6_addr_str(&r->dst, d), r->prefix_len);
    if (r->has_gw)
        snprintf(via, sizeof via, " via %s", ip6_addr_str(&r->gw, g));
    return snprintf(buf, n, "%s%s dev %s %smetric %u pref medium", dest, via, r->ifc->name,
                    kernel ? "proto kernel " : "",
                    kernel ? ROUTE6_METRIC_KERNEL : ROUTE6_METRIC_STATIC);
}

int
route6_table_format(const struct host *h, char *buf, size_t n)
{
    struct shown s[ROUTE6_MAX + HOST_MAX_IFACES * IP6_ADDRS_PER_IFACE];
    unsigned count = 0;
    if (n > 0)
        buf[0] = '\0';
    if (h->ip6 == NULL)
        return 0;
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        const struct ip6_iface *i6 = &h->ip6->ifs[i];
        for (unsigned k = 0; i6->enabled && h->ifaces[i].up && k < IP6_ADDRS_PER_IFACE; k++) {
            if (!i6->addrs[k].used)
                continue;
            struct shown e = { .dst = i6->addrs[k].addr, .plen = i6->addrs[k].prefix_len,
                               .ifc = &h->ifaces[i], .kernel = true };
            mask_prefix(&e.dst, e.plen);
            bool dup = false;
            for (unsigned j = 0; j < count && !dup; j++)
                dup = s[j].ifc == e.ifc && s[j].plen == e.plen && ip6_addr_eq(&s[j].dst, &e.dst);
            if (!dup)
                s[count++] = e;
        }
    }
    const struct route6_table *t = &h->ip6->routes;
    for (unsigned i = 0; i < t->count; i++)
        s[count++] = (struct shown){ .dst = t->r[i].dst, .plen = t->r[i].prefix_len,
                                     .ifc = t->r[i].ifc,
                                     .gw = t->r[i].has_gw ? &t->r[i].gw : NULL };
    qsort(s, count, sizeof s[0], shown_cmp);
    size_t o = 0;
    int total = 0;
    for (unsigned i = 0; i < count; i++) {
        struct route6 r = { .dst = s[i].dst, .prefix_len = (uint8_t)s[i].plen,
                            .has_gw = s[i].gw != NULL, .ifc = (struct iface *)s[i].ifc };
        if (s[i].gw != NULL)
            r.gw = *s[i].gw;
        int w = format_one(&r, s[i].kernel, buf + o, o < n ? n - o : 0);
        if (w < 0)
            return w;
        total += w;
        o += (size_t)w;
        if (o > n)
            o = n;
        if (o < n)
            buf[o++] = '\n';
        /* Always NUL-terminated, cut short when it does not fit. */
        if (o < n)
            buf[o] = '\0';
        else if (n > 0)
            buf[n - 1] = '\0';
        total++;
    }
    return total;
}

int
route6_format(const struct route6 *r, char *buf, size_t n)
{
    return format_one(r, false, buf, n);
}
