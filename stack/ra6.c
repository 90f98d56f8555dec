/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ra6.c - router discovery [RFC 4861 6], next-hop determination [5.2] and
 * redirects received [8].
 *
 * A router advertises on the interfaces the scenario names: unsolicited
 * advertisements at random intervals in [MinRtrAdvInterval,
 * MaxRtrAdvInterval], the first MAX_INITIAL_RTR_ADVERTISEMENTS at most
 * MAX_INITIAL_RTR_ADVERT_INTERVAL apart [6.2.4], and an answer to a
 * solicitation after a random delay, never sooner than MIN_DELAY_BETWEEN_RAS
 * after the last one [6.2.6]. A host solicits when an interface comes up
 * [6.3.7] and keeps what an advertisement says [6.3.4]: the default router
 * list and the prefix list with their lifetimes, the hop limit, the link
 * MTU, ReachableTime and RetransTimer; prefixes with the A flag go to SLAAC
 * (addr6.c). Sending finds the next hop through the destination cache
 * [5.2], which a redirect from the current first hop updates [8.3].
 *
 * Random draws come from the neighbour cache's own generator (seeded from
 * the host's key), so a router advertising moves no other random number.
 *
 * Called by: icmp6_input() (RS, RA, redirect), nd6_poll() (timers),
 * ipv6_select() (next hop), the scenario's `advertise` (ra6_advertise).
 */
#include <stdio.h>
#include <string.h>

#include "stack/addr6.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/wire/bytes.h"

_Static_assert(ND6_IFACES == HOST_MAX_IFACES, "one router discovery state per interface");

#define RA_HDR_LEN       16  /* type .. retrans timer [RFC 4861 4.2] */
#define RS_HDR_LEN       8   /* [RFC 4861 4.1] */
#define REDIRECT_LEN     40  /* [RFC 4861 4.5] */
#define ND_OPT_PREFIX    3
#define ND_OPT_REDIRECTED 4
#define ND_OPT_MTU       5
#define PREFIX_OPT_LEN   32
#define RA_FLAG_MANAGED  0x80
#define RA_FLAG_OTHER    0x40
#define PFX_FLAG_ONLINK  0x80
#define PFX_FLAG_AUTO    0x40

static struct ra6_iface *
rif(struct host *h, const struct iface *ifc)
{
    return &h->ip6->nd.ifs[ifc->index];
}

static uint64_t
draw(struct host *h, uint64_t bound)
{
    return rng_below(&h->ip6->nd.rng, bound);
}

static const char *
dur_text(uint32_t s, char *buf, size_t n)
{
    if (s == ND6_INFINITY)
        snprintf(buf, n, "infinity");
    else if (s >= 86400 && s % 86400 == 0)
        snprintf(buf, n, "%u days", s / 86400);
    else
        snprintf(buf, n, "%u s", s);
    return buf;
}

/* --- the router side ------------------------------------------------------ */

void
ra6_config_defaults(struct ra6_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->advertising = true;
    cfg->max_interval_s = RA6_DEFAULT_MAX_INTERVAL_S;
    cfg->min_interval_s = RA6_DEFAULT_MAX_INTERVAL_S / 3;  /* 0.33 * Max [6.2.1] */
    cfg->router_lifetime_s = (uint16_t)(3 * RA6_DEFAULT_MAX_INTERVAL_S);
    cfg->cur_hop_limit = IPV6_DEFAULT_HLIM;
}

int
ra6_advertise(struct host *h, struct iface *ifc, const struct ra6_config *cfg)
{
    if (!h->forwarding || ipv6_linklocal(h, ifc) == NULL)
        return -ERR_INVAL;
    /* [RFC 4861 6.2.1] the bounds of the router's variables. */
    if (cfg->max_interval_s < 4 || cfg->max_interval_s > 1800 || cfg->min_interval_s < 3 ||
        4u * cfg->min_interval_s > 3u * cfg->max_interval_s ||
        (cfg->router_lifetime_s != 0 &&
         (cfg->router_lifetime_s < cfg->max_interval_s || cfg->router_lifetime_s > 9000)) ||
        (cfg->mtu != 0 && cfg->mtu < IPV6_MIN_MTU) || cfg->n_prefixes > RA6_PREFIXES_MAX)
        return -ERR_INVAL;
    for (unsigned i = 0; i < cfg->n_prefixes; i++)
        if (cfg->prefixes[i].preferred_s > cfg->prefixes[i].valid_s ||
            cfg->prefixes[i].len > 128)
            return -ERR_INVAL;
    struct ra6_iface *ri = rif(h, ifc);
    bool was = ri->cfg.advertising;
    ri->cfg = *cfg;
    if (!cfg->advertising) {
        ri->ra_armed = false;
        trace_event(h, TRACE_STATE, LAYER_ICMPV6, NULL, "RFC 4861 6.2.5",
                    "%s stops advertising", ifc->name);
        return 0;
    }
    char pfx[IPV6_ADDR_STRLEN + 80] = "";
    if (cfg->n_prefixes > 0) {
        char a[IPV6_ADDR_STRLEN], v[24], pr[24];
        const struct ra6_prefix *x = &cfg->prefixes[0];
        snprintf(pfx, sizeof pfx, "prefix %s/%u (%s%s, valid %s, preferred %s)%s",
                 ip6_addr_str(&x->prefix, a), x->len, x->on_link ? "on-link" : "not on-link",
                 x->autonomous ? ", for SLAAC" : "",
                 dur_text(x->valid_s, v, sizeof v), dur_text(x->preferred_s, pr, sizeof pr),
                 cfg->n_prefixes > 1 ? " and more" : "");
    } else {
        snprintf(pfx, sizeof pfx, "no prefix");
    }
    trace_event(h, TRACE_STATE, LAYER_ICMPV6, NULL, "RFC 4861 6.2.2",
                "%s %s: %s, router lifetime %u s, every %u to %u s", ifc->name,
                was ? "advertises anew" : "becomes an advertising interface", pfx,
                cfg->router_lifetime_s, cfg->min_interval_s, cfg->max_interval_s);
    /* [RFC 4861 6.2.4] an interface that becomes advertising starts its
     * initial advertisements now; a changed one tells its hosts at once. */
    ri->initial_sent = 0;
    ri->ra_armed = true;
    ri->next_ra_ns = h->now_ns;
    if (ri->sent_any && h->now_ns < ri->last_mcast_ra_ns + RA6_MIN_DELAY_BETWEEN_RAS_NS)
        ri->next_ra_ns = ri->last_mcast_ra_ns + RA6_MIN_DELAY_BETWEEN_RAS_NS;
    return 0;
}

static void
send_ra(struct host *h, struct iface *ifc)
{
    struct ra6_iface *ri = rif(h, ifc);
    const struct ra6_config *c = &ri->cfg;
    size_t len = RA_HDR_LEN + 8 + (c->mtu != 0 ? 8 : 0) + PREFIX_OPT_LEN * c->n_prefixes;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, len);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, len);
    if (b == NULL) {
        pkt_free(p);
        return;
    }
    memset(b, 0, len);
    b[0] = ND_ROUTER_ADVERT;
    b[4] = c->cur_hop_limit;
    b[5] = (uint8_t)((c->managed ? RA_FLAG_MANAGED : 0) | (c->other ? RA_FLAG_OTHER : 0));
    be16_put(b + 6, c->router_lifetime_s);
    be32_put(b + 8, c->reachable_ms);
    be32_put(b + 12, c->retrans_ms);
    size_t o = RA_HDR_LEN;
    /* [RFC 4861 4.6.1] the router's link-layer address, so hosts need not
     * ask for it. */
    b[o] = ND_OPT_SLLA;
    b[o + 1] = 1;
    memcpy(b + o + 2, ifc->mac, ETH_ALEN);
    o += 8;
    if (c->mtu != 0) {  /* [RFC 4861 4.6.4] */
        b[o] = ND_OPT_MTU;
        b[o + 1] = 1;
        be32_put(b + o + 4, c->mtu);
        o += 8;
    }
    for (unsigned i = 0; i < c->n_prefixes; i++) {  /* [RFC 4861 4.6.2] */
        const struct ra6_prefix *x = &c->prefixes[i];
        b[o] = ND_OPT_PREFIX;
        b[o + 1] = 4;
        b[o + 2] = x->len;
        b[o + 3] = (uint8_t)((x->on_link ? PFX_FLAG_ONLINK : 0) | (x->autonomous ? PFX_FLAG_AUTO : 0));
        be32_put(b + o + 4, x->valid_s);
        be32_put(b + o + 8, x->preferred_s);
        memcpy(b + o + 16, x->prefix.b, 16);
        o += PREFIX_OPT_LEN;
    }
    ri->last_mcast_ra_ns = h->now_ns;
    ri->sent_any = true;
    if (ri->initial_sent < RA6_MAX_INITIAL_RTR_ADVERTISEMENTS)
        ri->initial_sent++;
    struct ip6_addr all;
    ip6_all_nodes(&all);
    icmp6_output(h, ifc, p, ipv6_linklocal(h, ifc), &all, 255);
}

/* [RFC 4861 6.2.4] the next unsolicited advertisement: a uniform random
 * time in [MinRtrAdvInterval, MaxRtrAdvInterval], at most
 * MAX_INITIAL_RTR_ADVERT_INTERVAL for the first few. */
static void
schedule_unsolicited(struct host *h, struct iface *ifc)
{
    struct ra6_iface *ri = rif(h, ifc);
    uint64_t lo = ri->cfg.min_interval_s * ND6_SEC, hi = ri->cfg.max_interval_s * ND6_SEC;
    uint64_t iv = lo + draw(h, hi - lo + 1);
    bool initial = ri->initial_sent < RA6_MAX_INITIAL_RTR_ADVERTISEMENTS;
    bool capped = initial && iv > RA6_MAX_INITIAL_RTR_ADVERT_INTERVAL_NS;
    if (capped)
        iv = RA6_MAX_INITIAL_RTR_ADVERT_INTERVAL_NS;
    ri->ra_armed = true;
    ri->next_ra_ns = h->now_ns + iv;
    trace_event(h, TRACE_TIMER, LAYER_ICMPV6, NULL, "RFC 4861 6.2.4",
                "%s: next unsolicited router advertisement in %llu.%03llu s (%s)", ifc->name,
                (unsigned long long)(iv / ND6_SEC),
                (unsigned long long)(iv % ND6_SEC / ND6_MS),
                capped ? "one of the first MAX_INITIAL_RTR_ADVERTISEMENTS (3): at most "
                         "MAX_INITIAL_RTR_ADVERT_INTERVAL, 16 s"
                       : "random between MinRtrAdvInterval and MaxRtrAdvInterval");
}

static void
rs_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    struct ra6_iface *ri = rif(h, ifc);
    /* [RFC 4861 6.2.6] a host discards solicitations; so does an interface
     * that does not advertise. */
    if (!h->forwarding || !ri->cfg.advertising) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_RS_NOT_ROUTER);
        return;
    }
    uint8_t mac[ETH_ALEN];
    bool has_lla = false;
    for (size_t o = RS_HDR_LEN; o + 8 <= p->len; o += 8u * p->data[o + 1])
        if (p->data[o] == ND_OPT_SLLA && p->data[o + 1] == 1) {
            memcpy(mac, p->data + o + 2, ETH_ALEN);
            has_lla = true;
        }
    /* [RFC 4861 6.1.1] from the unspecified address, no link-layer option. */
    if (ip6_addr_is_unspecified(&hdr->src) && has_lla) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (has_lla)
        nd6_learn(h, ifc, &hdr->src, mac, false, p, "RFC 4861 6.2.6",
                  "its router solicitation carries its link-layer address; STALE until "
                  "something confirms it");
    uint64_t delay = draw(h, RA6_MAX_RA_DELAY_TIME_NS + 1);
    uint64_t at = h->now_ns + delay;
    const char *why = "after a random delay of at most MAX_RA_DELAY_TIME (0.5 s)";
    if (ri->sent_any && h->now_ns < ri->last_mcast_ra_ns + RA6_MIN_DELAY_BETWEEN_RAS_NS) {
        at = ri->last_mcast_ra_ns + RA6_MIN_DELAY_BETWEEN_RAS_NS + delay;
        why = "MIN_DELAY_BETWEEN_RAS (3 s) after the last one, plus a random delay";
    }
    if (ri->ra_armed && ri->next_ra_ns <= at) {
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 6.2.6",
                    "router solicitation on %s: the next unsolicited advertisement comes "
                    "sooner and answers it", ifc->name);
    } else {
        ri->ra_armed = true;
        ri->next_ra_ns = at;
        trace_event(h, TRACE_TIMER, LAYER_ICMPV6, p, "RFC 4861 6.2.6",
                    "router solicitation on %s: answer with an advertisement to all nodes in "
                    "%llu ms, %s", ifc->name, (unsigned long long)((at - h->now_ns) / ND6_MS),
                    why);
    }
    pkt_free(p);
}

/* --- the host side: solicitations ----------------------------------------- */

void
ra6_iface_up(struct host *h, struct iface *ifc)
{
    if (h->forwarding || ifc->loopback)
        return;
    struct ra6_iface *ri = rif(h, ifc);
    /* [RFC 4861 6.3.7] the first solicitation waits a random time in
     * [0, MAX_RTR_SOLICITATION_DELAY], so hosts that start together do not
     * ask together. */
    uint64_t delay = draw(h, ND6_MAX_RTR_SOLICITATION_DELAY_NS + 1);
    ri->rs_armed = true;
    ri->rs_sent = 0;
    ri->rs_next_ns = h->now_ns + delay;
    trace_event(h, TRACE_TIMER, LAYER_ICMPV6, NULL, "RFC 4861 6.3.7",
                "%s: router solicitation in %llu ms (a random delay of at most "
                "MAX_RTR_SOLICITATION_DELAY, 1 s)", ifc->name,
                (unsigned long long)(delay / ND6_MS));
}

static void
send_rs(struct host *h, struct iface *ifc)
{
    /* [RFC 4861 6.3.7] from the link-local address once it may be used,
     * else from :: without the link-layer option [4.1]. */
    const struct ip6_addr *ll = ipv6_linklocal(h, ifc);
    bool usable = ll != NULL && addr6_usable(h, ifc, ll);
    size_t len = RS_HDR_LEN + (usable ? 8 : 0);
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, len);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, len);
    if (b == NULL) {
        pkt_free(p);
        return;
    }
    memset(b, 0, len);
    b[0] = ND_ROUTER_SOLICIT;
    if (usable) {
        b[RS_HDR_LEN] = ND_OPT_SLLA;
        b[RS_HDR_LEN + 1] = 1;
        memcpy(b + RS_HDR_LEN + 2, ifc->mac, ETH_ALEN);
    }
    struct ip6_addr unspec = { .b = { 0 } };
    struct ip6_addr all_routers = { .b = { 0xff, 0x02, [15] = 2 } };
    icmp6_output(h, ifc, p, usable ? ll : &unspec, &all_routers, 255);
}

/* --- the host side: advertisements ---------------------------------------- */

static struct nd6_router *
router_find(struct host *h, const struct ip6_addr *a, const struct iface *ifc)
{
    for (unsigned i = 0; i < ND6_ROUTERS_MAX; i++) {
        struct nd6_router *r = &h->ip6->nd.routers[i];
        if (r->used && r->ifc == ifc && ip6_addr_eq(&r->addr, a))
            return r;
    }
    return NULL;
}

static void
dests_forget_router(struct host *h, const struct ip6_addr *router)
{
    for (unsigned k = 0; k < ND6_DESTS_MAX; k++) {
        struct nd6_dest *d = &h->ip6->nd.dests[k];
        if (d->used && ip6_addr_eq(&d->next_hop, router))
            d->used = false;
    }
}

static void
router_remove(struct host *h, struct nd6_router *r, const struct pkt *p, const char *rfc,
              const char *why)
{
    char a[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, rfc,
                "default router %s on %s: removed: %s", ip6_addr_str(&r->addr, a),
                r->ifc->name, why);
    r->used = false;
    /* [RFC 4861 6.3.5] destinations sent through it pick a next hop again. */
    dests_forget_router(h, &r->addr);
}

static void
update_router(struct host *h, struct iface *ifc, const struct ip6_addr *src, uint16_t life,
              const struct pkt *p)
{
    char a[IPV6_ADDR_STRLEN];
    struct nd6_router *r = router_find(h, src, ifc);
    if (life == 0) {
        if (r != NULL)
            router_remove(h, r, p, "RFC 4861 6.3.4",
                          "its advertisement says router lifetime 0: no longer a default router");
        return;
    }
    if (r == NULL) {
        for (unsigned i = 0; i < ND6_ROUTERS_MAX && r == NULL; i++)
            if (!h->ip6->nd.routers[i].used)
                r = &h->ip6->nd.routers[i];
        if (r == NULL) {
            trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                        "the default router list is full: %s is not added",
                        ip6_addr_str(src, a));
            return;
        }
        *r = (struct nd6_router){ .used = true, .addr = *src, .ifc = ifc };
        trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                    "default router %s on %s: added, for its router lifetime of %u s",
                    ip6_addr_str(src, a), ifc->name, life);
    }
    r->expire_ns = h->now_ns + life * ND6_SEC;
}

static struct nd6_prefix *
prefix_find(struct host *h, const struct ip6_addr *pfx, uint8_t len, const struct iface *ifc)
{
    for (unsigned i = 0; i < ND6_PREFIXES_MAX; i++) {
        struct nd6_prefix *x = &h->ip6->nd.prefixes[i];
        if (x->used && x->ifc == ifc && x->len == len && ip6_addr_eq(&x->prefix, pfx))
            return x;
    }
    return NULL;
}

/* [RFC 4861 6.3.4] a prefix information option with the L flag. */
static void
update_onlink(struct host *h, struct iface *ifc, const struct ip6_addr *pfx, uint8_t len,
              uint32_t valid, const struct pkt *p)
{
    char a[IPV6_ADDR_STRLEN], v[24];
    struct nd6_prefix *x = prefix_find(h, pfx, len, ifc);
    if (valid == 0) {
        if (x != NULL) {
            trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                        "on-link prefix %s/%u on %s: removed: its valid lifetime is now 0",
                        ip6_addr_str(pfx, a), len, ifc->name);
            x->used = false;
        }
        return;
    }
    if (x == NULL) {
        for (unsigned i = 0; i < ND6_PREFIXES_MAX && x == NULL; i++)
            if (!h->ip6->nd.prefixes[i].used)
                x = &h->ip6->nd.prefixes[i];
        if (x == NULL)
            return;
        *x = (struct nd6_prefix){ .used = true, .prefix = *pfx, .len = len, .ifc = ifc };
        trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                    "on-link prefix %s/%u on %s: added, valid %s: its addresses are "
                    "neighbours, reached without a router", ip6_addr_str(pfx, a), len,
                    ifc->name, dur_text(valid, v, sizeof v));
    }
    x->expire_ns = valid == ND6_INFINITY ? UINT64_MAX : h->now_ns + valid * ND6_SEC;
}

static void
ra_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    const uint8_t *b = p->data;
    char a[IPV6_ADDR_STRLEN];
    /* [RFC 4861 6.1.2] from a link-local address; the length and options
     * are checked by the caller. */
    if (!ip6_addr_is_linklocal(&hdr->src) || p->len < RA_HDR_LEN ||
        !nd6_options_ok(b, p->len, RA_HDR_LEN)) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (h->forwarding) {
        /* [RFC 4861 6.2.7] a router may check other routers' advertisements
         * for consistency; it takes no configuration from them. */
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_RA_AT_ROUTER);
        return;
    }
    struct ip6_host *s = h->ip6;
    struct ra6_iface *ri = rif(h, ifc);
    uint16_t life = be16_get(b + 6);
    if (ri->rs_armed && life != 0) {
        /* [RFC 4861 6.3.7] a valid advertisement with a non-zero router
         * lifetime ends the solicitations. */
        ri->rs_armed = false;
        trace_event(h, TRACE_TIMER, LAYER_ICMPV6, p, "RFC 4861 6.3.7",
                    "%s: a router answered: no more router solicitations", ifc->name);
    }
    if (b[4] != 0 && b[4] != s->hop_limit) {
        trace_event(h, TRACE_STATE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                    "hop limit for packets this host sends: %u -> %u, as the router says",
                    s->hop_limit, b[4]);
        s->hop_limit = b[4];
    }
    if (b[5] & (RA_FLAG_MANAGED | RA_FLAG_OTHER))
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 4.2",
                    "the advertisement sets %s%s%s: DHCPv6 would ask for %s (netstep has no "
                    "DHCPv6)", b[5] & RA_FLAG_MANAGED ? "M" : "",
                    (b[5] & RA_FLAG_MANAGED) && (b[5] & RA_FLAG_OTHER) ? " and " : "",
                    b[5] & RA_FLAG_OTHER ? "O" : "",
                    b[5] & RA_FLAG_MANAGED ? "addresses" : "other configuration");
    uint32_t reach = be32_get(b + 8), retrans = be32_get(b + 12);
    if (reach != 0 && (uint64_t)reach * ND6_MS != s->nd.base_reachable_ns) {
        /* [RFC 4861 6.3.4] a new BaseReachableTime draws ReachableTime
         * again, a uniform factor in [0.5, 1.5) [6.3.2]. */
        s->nd.base_reachable_ns = (uint64_t)reach * ND6_MS;
        s->nd.reachable_ns = s->nd.base_reachable_ns / 2 + draw(h, s->nd.base_reachable_ns);
        trace_event(h, TRACE_STATE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                    "BaseReachableTime %u ms, as the router says: ReachableTime is now %llu ms",
                    reach, (unsigned long long)(s->nd.reachable_ns / ND6_MS));
    }
    if (retrans != 0 && (uint64_t)retrans * ND6_MS != s->nd.retrans_ns) {
        s->nd.retrans_ns = (uint64_t)retrans * ND6_MS;
        trace_event(h, TRACE_STATE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                    "RetransTimer %u ms, as the router says", retrans);
    }
    for (size_t o = RA_HDR_LEN; o + 8 <= p->len; o += 8u * b[o + 1]) {
        const uint8_t *opt = b + o;
        if (opt[0] == ND_OPT_SLLA && opt[1] == 1) {
            nd6_learn(h, ifc, &hdr->src, opt + 2, true, p, "RFC 4861 6.3.4",
                      "its router advertisement carries its link-layer address; STALE until "
                      "something confirms it");
        } else if (opt[0] == ND_OPT_MTU && opt[1] == 1) {
            uint32_t mtu = be32_get(opt + 4);
            if (mtu >= IPV6_MIN_MTU && mtu <= ifc->mtu) {
                if (ri->link_mtu != mtu)
                    trace_event(h, TRACE_STATE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                                "%s: IPv6 link MTU %u, as the router says", ifc->name, mtu);
                ri->link_mtu = mtu;
            } else {
                trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                            "MTU option %u ignored: below 1280 or above the link's %u", mtu,
                            ifc->mtu);
            }
        } else if (opt[0] == ND_OPT_PREFIX && opt[1] == 4) {
            struct ip6_addr pfx;
            memcpy(pfx.b, opt + 16, 16);
            uint8_t len = opt[2];
            uint32_t valid = be32_get(opt + 4), pref = be32_get(opt + 8);
            if (len > 128 || ip6_addr_is_linklocal(&pfx)) {
                /* [RFC 4861 6.3.4] the link-local prefix is ignored. */
                trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 6.3.4",
                            "prefix %s/%u ignored: %s", ip6_addr_str(&pfx, a), len,
                            len > 128 ? "longer than 128 bits" : "it is the link-local prefix");
                continue;
            }
            if (opt[3] & PFX_FLAG_ONLINK)
                update_onlink(h, ifc, &pfx, len, valid, p);
            if (opt[3] & PFX_FLAG_AUTO)
                addr6_prefix_autoconf(h, ifc, &pfx, len, valid, pref, p);
        }
    }
    /* Last, so that the router's neighbour entry exists when it becomes a
     * default router (it is then "probably reachable" [6.3.6]). */
    update_router(h, ifc, &hdr->src, life, p);
    pkt_free(p);
}

/* --- next-hop determination and the destination cache --------------------- */

static struct nd6_dest *
dest_find(struct host *h, const struct ip6_addr *dst)
{
    for (unsigned i = 0; i < ND6_DESTS_MAX; i++) {
        struct nd6_dest *d = &h->ip6->nd.dests[i];
        if (d->used && ip6_addr_eq(&d->dst, dst))
            return d;
    }
    return NULL;
}

const struct nd6_dest *
nd6_dest_lookup(const struct host *h, const struct ip6_addr *dst)
{
    return h->ip6 != NULL ? dest_find((struct host *)h, dst) : NULL;
}

static struct nd6_dest *
dest_add(struct host *h, const struct ip6_addr *dst, const struct ip6_addr *nh,
         struct iface *ifc)
{
    struct nd6_dest *d = dest_find(h, dst);
    for (unsigned i = 0; i < ND6_DESTS_MAX && d == NULL; i++)
        if (!h->ip6->nd.dests[i].used)
            d = &h->ip6->nd.dests[i];
    if (d == NULL) {
        /* Full: the oldest slot goes (it is only a cache [RFC 4861 5.1]). */
        d = &h->ip6->nd.dests[0];
        memmove(&h->ip6->nd.dests[0], &h->ip6->nd.dests[1],
                sizeof(struct nd6_dest) * (ND6_DESTS_MAX - 1));
        d = &h->ip6->nd.dests[ND6_DESTS_MAX - 1];
    }
    *d = (struct nd6_dest){ .used = true, .dst = *dst, .next_hop = *nh, .ifc = ifc };
    return d;
}

/* [RFC 4861 6.3.6] a default router: one reachable or probably reachable
 * (a neighbour entry in any state but INCOMPLETE) first; when none is,
 * round-robin through the list. */
static struct nd6_router *
choose_router(struct host *h, bool *known)
{
    struct nd6_cache *nd = &h->ip6->nd;
    for (unsigned i = 0; i < ND6_ROUTERS_MAX; i++) {
        struct nd6_router *r = &nd->routers[i];
        if (!r->used || !r->ifc->up)
            continue;
        const struct nd6_entry *e = nd6_lookup(h, &r->addr);
        if (e != NULL && e->state != ND6_INCOMPLETE) {
            *known = true;
            return r;
        }
    }
    *known = false;
    for (unsigned k = 0; k < ND6_ROUTERS_MAX; k++) {
        struct nd6_router *r = &nd->routers[(nd->rr_next + k) % ND6_ROUTERS_MAX];
        if (r->used && r->ifc->up) {
            nd->rr_next = (unsigned)((r - nd->routers) + 1) % ND6_ROUTERS_MAX;
            return r;
        }
    }
    return NULL;
}

int
nd6_next_hop(struct host *h, const struct ip6_addr *dst, struct iface **ifc,
             struct ip6_addr *next_hop)
{
    if (h->ip6 == NULL)
        return -ERR_NETUNREACH;
    char d[IPV6_ADDR_STRLEN], r[IPV6_ADDR_STRLEN];
    const struct nd6_dest *de = dest_find(h, dst);
    if (de != NULL && de->ifc->up) {
        *ifc = de->ifc;
        *next_hop = de->next_hop;
        return 0;
    }
    /* [RFC 4861 5.2] the longest matching on-link prefix. */
    const struct nd6_prefix *best = NULL;
    for (unsigned i = 0; i < ND6_PREFIXES_MAX; i++) {
        const struct nd6_prefix *x = &h->ip6->nd.prefixes[i];
        if (x->used && x->ifc->up && ip6_prefix_match(&x->prefix, dst, x->len) &&
            (best == NULL || x->len > best->len))
            best = x;
    }
    if (best != NULL) {
        dest_add(h, dst, dst, best->ifc);
        *ifc = best->ifc;
        *next_hop = *dst;
        trace_event(h, TRACE_CACHE, LAYER_IPV6, NULL, "RFC 4861 5.2",
                    "next hop for %s: itself, on-link in the advertised prefix %s/%u",
                    ip6_addr_str(dst, d), ip6_addr_str(&best->prefix, r), best->len);
        return 0;
    }
    bool known;
    struct nd6_router *rt = choose_router(h, &known);
    if (rt == NULL)
        return -ERR_NETUNREACH;  /* not assumed on-link [RFC 4943] */
    dest_add(h, dst, &rt->addr, rt->ifc);
    *ifc = rt->ifc;
    *next_hop = rt->addr;
    trace_event(h, TRACE_CACHE, LAYER_IPV6, NULL, "RFC 4861 6.3.6",
                "next hop for %s: default router %s on %s, %s", ip6_addr_str(dst, d),
                ip6_addr_str(&rt->addr, r), rt->ifc->name,
                known ? "reachable or probably reachable"
                      : "chosen round-robin: no router is known reachable");
    return 0;
}

uint32_t
nd6_link_mtu(const struct host *h, const struct iface *ifc)
{
    if (h->ip6 == NULL || ifc->index >= ND6_IFACES || h->ip6->nd.ifs[ifc->index].link_mtu == 0)
        return ifc->mtu;
    return h->ip6->nd.ifs[ifc->index].link_mtu;
}

/* --- redirects [RFC 4861 8] ----------------------------------------------- */

static void
redirect_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    const uint8_t *b = p->data;
    char t[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN], s[IPV6_ADDR_STRLEN];
    if (p->len < REDIRECT_LEN || !ip6_addr_is_linklocal(&hdr->src) ||
        !nd6_options_ok(b, p->len, REDIRECT_LEN)) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (h->forwarding) {
        /* [RFC 4861 8.2] a router does not change its routes for one. */
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_REDIRECT_INVALID);
        return;
    }
    struct ip6_addr target, dst;
    memcpy(target.b, b + 8, 16);
    memcpy(dst.b, b + 24, 16);
    /* [RFC 4861 8.1] the destination is not multicast; the target is a
     * link-local router or the destination itself (then on-link); and the
     * redirect comes from the router this host now uses for it. */
    const char *bad = NULL;
    struct iface *cur_if = NULL;
    struct ip6_addr cur;
    if (ip6_addr_is_multicast(&dst))
        bad = "its destination is multicast";
    else if (!ip6_addr_is_linklocal(&target) && !ip6_addr_eq(&target, &dst))
        bad = "its target is neither link-local nor the destination itself";
    else if (nd6_next_hop(h, &dst, &cur_if, &cur) < 0 || cur_if != ifc ||
             !ip6_addr_eq(&cur, &hdr->src))
        bad = "it does not come from the current first-hop router for that destination";
    if (bad != NULL) {
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 8.1",
                    "redirect from %s ignored: %s", ip6_addr_str(&hdr->src, s), bad);
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_REDIRECT_INVALID);
        return;
    }
    bool onlink = ip6_addr_eq(&target, &dst);
    struct nd6_dest *de = dest_add(h, &dst, &target, ifc);
    de->redirected = true;
    trace_event(h, TRACE_CACHE, LAYER_IPV6, p, "RFC 4861 8.3",
                onlink ? "destination cache: %s is on-link: %s says to send to it directly"
                       : "destination cache: %s now goes through %s, the better first hop "
                         "router %s names",
                ip6_addr_str(&dst, d), onlink ? ip6_addr_str(&hdr->src, s)
                                              : ip6_addr_str(&target, t),
                ip6_addr_str(&hdr->src, s));
    for (size_t o = REDIRECT_LEN; o + 8 <= p->len; o += 8u * b[o + 1])
        if (b[o] == ND_OPT_TLLA && b[o + 1] == 1)
            nd6_learn(h, ifc, &target, b + o + 2, !onlink, p, "RFC 4861 8.3",
                      "the redirect carries the target's link-layer address; STALE until "
                      "something confirms it");
    pkt_free(p);
}

void
ra6_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    /* [RFC 4861 6.1.1, 6.1.2, 8.1] hop limit 255 (not forwarded), code 0,
     * and options of non-zero length within the message. */
    size_t min = p->data[0] == ND_ROUTER_SOLICIT ? RS_HDR_LEN
               : p->data[0] == ND_ROUTER_ADVERT  ? RA_HDR_LEN
                                                 : REDIRECT_LEN;
    if (hdr->hop_limit != 255 || p->len < min || p->data[1] != 0 ||
        !nd6_options_ok(p->data, p->len, min)) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (p->data[0] == ND_ROUTER_SOLICIT)
        rs_input(ifc, p, hdr);
    else if (p->data[0] == ND_ROUTER_ADVERT)
        ra_input(ifc, p, hdr);
    else
        redirect_input(ifc, p, hdr);
}

/* --- timers --------------------------------------------------------------- */

void
ra6_poll(struct host *h)
{
    char a[IPV6_ADDR_STRLEN];
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        struct iface *ifc = &h->ifaces[i];
        struct ra6_iface *ri = rif(h, ifc);
        if (ri->ra_armed && ri->next_ra_ns <= h->now_ns) {
            const struct ip6_addr *ll = ipv6_linklocal(h, ifc);
            if (ll != NULL && addr6_tentative(h, ifc, ll)) {
                /* [RFC 4861 6.1.2] an advertisement comes from a link-local
                 * address, and a tentative one may not be used yet
                 * [RFC 4862 5.4]: wait for DAD to end. */
                ri->next_ra_ns = h->now_ns + 100 * ND6_MS;
                continue;
            }
            host_set_cause(h, cause_timer(TIMER_ND));
            ri->ra_armed = false;
            if (ri->cfg.advertising && h->forwarding && ifc->up && ll != NULL &&
                addr6_usable(h, ifc, ll)) {
                send_ra(h, ifc);
                schedule_unsolicited(h, ifc);
            }
        }
        if (ri->rs_armed && ri->rs_next_ns <= h->now_ns) {
            host_set_cause(h, cause_timer(TIMER_ND));
            if (ifc->up)
                send_rs(h, ifc);
            ri->rs_sent++;
            if (ri->rs_sent < ND6_MAX_RTR_SOLICITATIONS) {
                ri->rs_next_ns = h->now_ns + ND6_RTR_SOLICITATION_INTERVAL_NS;
            } else {
                ri->rs_armed = false;
                trace_event(h, TRACE_TIMER, LAYER_ICMPV6, NULL, "RFC 4861 6.3.7",
                            "%s: MAX_RTR_SOLICITATIONS (3) sent: no more router solicitations",
                            ifc->name);
            }
        }
    }
    for (unsigned i = 0; i < ND6_ROUTERS_MAX; i++) {
        struct nd6_router *r = &h->ip6->nd.routers[i];
        if (r->used && r->expire_ns <= h->now_ns) {
            host_set_cause(h, cause_timer(TIMER_ND));
            router_remove(h, r, NULL, "RFC 4861 6.3.5", "its router lifetime ran out");
        }
    }
    for (unsigned i = 0; i < ND6_PREFIXES_MAX; i++) {
        struct nd6_prefix *x = &h->ip6->nd.prefixes[i];
        if (x->used && x->expire_ns <= h->now_ns) {
            host_set_cause(h, cause_timer(TIMER_ND));
            trace_event(h, TRACE_CACHE, LAYER_ICMPV6, NULL, "RFC 4861 6.3.5",
                        "on-link prefix %s/%u on %s: removed: its valid lifetime ran out",
                        ip6_addr_str(&x->prefix, a), x->len, x->ifc->name);
            x->used = false;
        }
    }
    addr6_poll(h);
}

uint64_t
ra6_next_deadline(const struct host *h)
{
    const struct nd6_cache *nd = &h->ip6->nd;
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        const struct ra6_iface *ri = &nd->ifs[i];
        if (ri->ra_armed && ri->next_ra_ns < next)
            next = ri->next_ra_ns;
        if (ri->rs_armed && ri->rs_next_ns < next)
            next = ri->rs_next_ns;
    }
    for (unsigned i = 0; i < ND6_ROUTERS_MAX; i++)
        if (nd->routers[i].used && nd->routers[i].expire_ns < next)
            next = nd->routers[i].expire_ns;
    for (unsigned i = 0; i < ND6_PREFIXES_MAX; i++)
        if (nd->prefixes[i].used && nd->prefixes[i].expire_ns < next)
            next = nd->prefixes[i].expire_ns;
    uint64_t a = addr6_next_deadline(h);
    return a < next ? a : next;
}
