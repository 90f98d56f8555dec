/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nd6.c - neighbour discovery [RFC 4861]: the neighbour cache and its
 * states, neighbour solicitation (NS) and advertisement (NA).
 *
 * What ARP does for IPv4, with three differences a student can see in the
 * trace: the question goes to a solicited-node multicast group, not to
 * everyone [RFC 4861 7.2.2]; the answer says whether it was asked for (S)
 * and whether it may replace what a cache holds (O) [4.4]; and an entry is
 * not trusted forever: REACHABLE becomes STALE after ReachableTime, and the
 * next packet to a STALE neighbour starts the DELAY and PROBE check
 * [7.3.3].
 *
 * Called by: ipv6_output() (out), icmp6_input() (NS, NA), host.c (timers).
 */
#include "stack/nd6.h"

#include <string.h>

#include "stack/addr6.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"

const char *
nd6_state_name(enum nd6_state s)
{
    switch (s) {
    case ND6_FREE: return "FREE";
    case ND6_INCOMPLETE: return "INCOMPLETE";
    case ND6_REACHABLE: return "REACHABLE";
    case ND6_STALE: return "STALE";
    case ND6_DELAY: return "DELAY";
    case ND6_PROBE: return "PROBE";
    }
    return "?";
}

static struct nd6_entry *
find(struct host *h, const struct ip6_addr *ip)
{
    for (unsigned i = 0; i < ND6_CACHE_MAX; i++) {
        struct nd6_entry *e = &h->ip6->nd.e[i];
        if (e->state != ND6_FREE && ip6_addr_eq(&e->ip, ip))
            return e;
    }
    return NULL;
}

const struct nd6_entry *
nd6_lookup(const struct host *h, const struct ip6_addr *ip)
{
    return h->ip6 != NULL ? find((struct host *)h, ip) : NULL;
}

/* A change of state, said with the section that makes it. */
static void
set_state(struct host *h, struct nd6_entry *e, enum nd6_state to, const struct pkt *p,
          const char *rfc, const char *why)
{
    char a[IPV6_ADDR_STRLEN], m[MAC_ADDR_STRLEN];
    enum nd6_state from = e->state;
    e->state = to;
    if (to == ND6_FREE) {
        trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, rfc, "neighbour %s: %s -> deleted: %s",
                    ip6_addr_str(&e->ip, a), nd6_state_name(from), why);
        return;
    }
    if (to == ND6_INCOMPLETE)
        trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, rfc, "neighbour %s: new, INCOMPLETE: %s",
                    ip6_addr_str(&e->ip, a), why);
    else
        trace_event(h, TRACE_CACHE, LAYER_ICMPV6, p, rfc, "neighbour %s at %s: %s -> %s: %s",
                    ip6_addr_str(&e->ip, a), mac_addr_str(e->mac, m),
                    from == ND6_FREE ? "new" : nd6_state_name(from), nd6_state_name(to), why);
}

static void flush_pending(struct host *h, struct nd6_entry *e);

static struct nd6_entry *
create(struct host *h, const struct ip6_addr *ip, struct iface *ifc)
{
    struct nd6_entry *victim = NULL;
    for (unsigned i = 0; i < ND6_CACHE_MAX; i++) {
        struct nd6_entry *e = &h->ip6->nd.e[i];
        if (e->state == ND6_FREE) {
            victim = e;
            break;
        }
        /* A full cache gives up a STALE entry first: nothing waits on it. */
        if (victim == NULL && e->state == ND6_STALE)
            victim = e;
    }
    if (victim == NULL)
        return NULL;
    if (victim->state != ND6_FREE)
        set_state(h, victim, ND6_FREE, NULL, "RFC 4861 7.3.4",
                  "the cache is full and a STALE entry makes room");
    memset(victim, 0, sizeof *victim);
    victim->ip = *ip;
    victim->ifc = ifc;
    return victim;
}

bool
nd6_options_ok(const uint8_t *b, size_t len, size_t off)
{
    while (off + 2 <= len) {
        size_t olen = 8u * b[off + 1];
        if (olen == 0 || off + olen > len)
            return false;
        off += olen;
    }
    return off == len;
}

void
nd6_learn(struct host *h, struct iface *ifc, const struct ip6_addr *ip,
          const uint8_t mac[ETH_ALEN], bool is_router, const struct pkt *p, const char *rfc,
          const char *why)
{
    struct nd6_entry *e = find(h, ip);
    if (e == NULL) {
        e = create(h, ip, ifc);
        if (e == NULL)
            return;
        memcpy(e->mac, mac, ETH_ALEN);
        e->is_router = is_router;
        set_state(h, e, ND6_STALE, p, rfc, why);
        e->timer_ns = 0;
        return;
    }
    if (is_router)
        e->is_router = true;
    if (e->state == ND6_INCOMPLETE) {
        memcpy(e->mac, mac, ETH_ALEN);
        set_state(h, e, ND6_STALE, p, rfc, why);
        e->timer_ns = 0;
        flush_pending(h, e);
    } else if (memcmp(e->mac, mac, ETH_ALEN) != 0) {
        memcpy(e->mac, mac, ETH_ALEN);
        set_state(h, e, ND6_STALE, p, rfc, "it carries a new link-layer address");
        e->timer_ns = 0;
    }
}

/* Options of an NS or NA: the link-layer address option of `want`, if any.
 * Returns false when an option is malformed [RFC 4861 7.1.1, 7.1.2: every
 * option's length is greater than zero]. */
static bool
find_lla(const uint8_t *b, size_t len, size_t off, uint8_t want, uint8_t mac[ETH_ALEN],
         bool *found)
{
    *found = false;
    while (off + 2 <= len) {
        size_t olen = 8u * b[off + 1];
        if (olen == 0 || off + olen > len)
            return false;
        if (b[off] == want && olen == 8) {
            memcpy(mac, b + off + 2, ETH_ALEN);
            *found = true;
        }
        off += olen;
    }
    return off == len;
}

/* [RFC 4861 7.2.2] the source of a solicitation: the source of the packet
 * that prompted it, when that is one of the interface's addresses (so the
 * target learns the address it is about to answer); else one chosen. */
static const struct ip6_addr *
prompting_source(struct host *h, const struct nd6_entry *e, struct ip6_addr *buf)
{
    const struct pkt *q = e->pending.first;
    if (q == NULL || q->len < IPV6_HDR_LEN)
        return NULL;
    memcpy(buf->b, q->data + 8, 16);
    return ipv6_is_mine(h, e->ifc, buf) ? buf : NULL;
}

/* Build and send an NS for e->ip: to its solicited-node group (INCOMPLETE)
 * or to the neighbour itself (PROBE) [RFC 4861 7.2.2, 7.3.3]. */
static void
send_ns(struct host *h, struct nd6_entry *e, bool unicast)
{
    struct ip6_addr srcbuf;
    const struct ip6_addr *src = prompting_source(h, e, &srcbuf);
    const struct ip6_addr *ll = ipv6_linklocal(h, e->ifc);
    if (src == NULL && (ll == NULL || !addr6_usable(h, e->ifc, ll))) {
        /* [RFC 4861 7.2.2] the source must be an address assigned to the
         * interface, and [RFC 4862 5.4] a tentative one is not assigned:
         * only duplicate address detection's own solicitation (from ::)
         * may name it. So, as Linux does, no solicitation goes out; the
         * attempt still counts, the packets keep waiting, and the timer
         * tries again in RetransTimer, by when DAD may have ended. */
        char a[IPV6_ADDR_STRLEN], l[IPV6_ADDR_STRLEN];
        bool tentative = ll != NULL && addr6_tentative(h, e->ifc, ll);
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, e->pending.first, "RFC 4861 7.2.2",
                    "no solicitation for %s (attempt %u of %u): the link-local %s of %s is "
                    "%s, and a solicitation comes only from an address the interface holds; "
                    "what waits keeps waiting", ip6_addr_str(&e->ip, a), e->probes,
                    unicast ? ND6_MAX_UNICAST_SOLICIT : ND6_MAX_MULTICAST_SOLICIT,
                    ll != NULL ? ip6_addr_str(ll, l) : "(none)", e->ifc->name,
                    tentative ? "still tentative" : "duplicate");
        return;
    }
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, ND_NS_LEN + 8);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, ND_NS_LEN + 8);
    if (b == NULL) {  /* the room was allocated above; a NULL here would be a pool bug */
        pkt_free(p);
        return;
    }
    memset(b, 0, ND_NS_LEN + 8);
    b[0] = ND_NEIGHBOR_SOLICIT;
    memcpy(b + 8, e->ip.b, 16);
    /* [RFC 4861 4.3] the source link-layer address, so the target can
     * answer without asking back. */
    b[24] = ND_OPT_SLLA;
    b[25] = 1;
    memcpy(b + 26, e->ifc->mac, ETH_ALEN);
    struct ip6_addr dst = e->ip;
    if (!unicast)
        ip6_solicited_node(&e->ip, &dst);
    icmp6_output(h, e->ifc, p, src, &dst, 255);
}

/* Send what waited for this neighbour. */
static void
flush_pending(struct host *h, struct nd6_entry *e)
{
    struct pkt *q;
    while ((q = pkt_queue_pop(&e->pending)) != NULL) {
        e->n_pending--;
        eth_output(e->ifc, q, e->mac, ETHERTYPE_IPV6);
    }
    (void)h;
}

int
nd6_output(struct iface *ifc, struct pkt *p, const struct ip6_addr *next_hop)
{
    struct host *h = ifc->host;
    /* [RFC 4861 5.2] the destination cache says where a destination's
     * packets go next: a router that next-hop determination chose, or the
     * target of a redirect. */
    struct ip6_addr via;
    const struct nd6_dest *d = nd6_dest_lookup(h, next_hop);
    if (d != NULL && !ip6_addr_eq(&d->next_hop, next_hop)) {
        char a[IPV6_ADDR_STRLEN], r[IPV6_ADDR_STRLEN];
        trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, d->redirected ? "RFC 4861 8.3" : "RFC 4861 5.2",
                    "%s is not on-link: the packet goes to %s %s, whose link-layer address "
                    "it needs", ip6_addr_str(next_hop, a),
                    d->redirected ? "the first hop a redirect named," : "the default router",
                    ip6_addr_str(&d->next_hop, r));
        via = d->next_hop;
        ifc = d->ifc;
        next_hop = &via;
    }
    struct nd6_entry *e = find(h, next_hop);
    if (e == NULL) {
        e = create(h, next_hop, ifc);
        if (e == NULL) {
            pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_QUEUE_FULL);
            return -ERR_NOBUFS;
        }
        set_state(h, e, ND6_INCOMPLETE, p, "RFC 4861 7.2.2",
                  "a packet needs its link-layer address; it waits while a solicitation "
                  "goes to the neighbour's solicited-node group");
        pkt_queue_push(&e->pending, p);
        e->n_pending = 1;
        e->probes = 1;
        e->timer_ns = h->now_ns + h->ip6->nd.retrans_ns;
        send_ns(h, e, false);
        return 0;
    }
    switch (e->state) {
    case ND6_INCOMPLETE:
        if (e->n_pending >= ND6_QUEUE_MAX) {
            /* [RFC 4861 7.2.2] when the queue overflows, the oldest goes. */
            struct pkt *old = pkt_queue_pop(&e->pending);
            e->n_pending--;
            pkt_drop(h, old, LAYER_ICMPV6, DROP_ND_QUEUE_FULL);
        }
        pkt_queue_push(&e->pending, p);
        e->n_pending++;
        return 0;
    case ND6_STALE:
        set_state(h, e, ND6_DELAY, p, "RFC 4861 7.3.3",
                  "a packet goes out on a STALE entry; wait DELAY_FIRST_PROBE_TIME (5 s) for a "
                  "confirmation before probing");
        e->timer_ns = h->now_ns + ND6_DELAY_FIRST_PROBE_NS;
        break;
    default:
        break;
    }
    return eth_output(ifc, p, e->mac, ETHERTYPE_IPV6);
}

static void
send_na(struct host *h, struct iface *ifc, const struct ip6_addr *target,
        const struct ip6_addr *dst, bool solicited)
{
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, ND_NA_LEN + 8);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, ND_NA_LEN + 8);
    if (b == NULL) {  /* the room was allocated above; a NULL here would be a pool bug */
        pkt_free(p);
        return;
    }
    memset(b, 0, ND_NA_LEN + 8);
    b[0] = ND_NEIGHBOR_ADVERT;
    /* [RFC 4861 7.2.4] S when answering a solicitation, O for an address
     * that is no anycast one, R for a router. */
    uint32_t flags = ND_NA_FLAG_OVERRIDE | (solicited ? ND_NA_FLAG_SOLICITED : 0) |
                     (h->forwarding ? ND_NA_FLAG_ROUTER : 0);
    be32_put(b + 4, flags);
    memcpy(b + 8, target->b, 16);
    b[24] = ND_OPT_TLLA;
    b[25] = 1;
    memcpy(b + 26, ifc->mac, ETH_ALEN);
    icmp6_output(h, ifc, p, target, dst, 255);
}

static void
ns_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    struct ip6_addr target;
    uint8_t mac[ETH_ALEN];
    bool has_lla;
    memcpy(target.b, p->data + 8, 16);
    bool dad = ip6_addr_is_unspecified(&hdr->src);
    struct ip6_addr sn;
    ip6_solicited_node(&target, &sn);
    /* [RFC 4861 7.1.1] validation. */
    if (!find_lla(p->data, p->len, ND_NS_LEN, ND_OPT_SLLA, mac, &has_lla) ||
        ip6_addr_is_multicast(&target) ||
        (dad && (!ip6_addr_eq(&hdr->dst, &sn) || has_lla))) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (addr6_tentative(h, ifc, &target)) {
        if (dad) {
            /* [RFC 4862 5.4.3] another node probes for the same address at
             * the same time: neither may have it. */
            addr6_dad_failed(h, ifc, &target, p, "RFC 4862 5.4.3",
                             "another node's duplicate address detection asks for it too");
            pkt_free(p);
        } else {
            /* [RFC 4862 5.4.3] a tentative address is not answered for. */
            pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_DAD_TENTATIVE);
        }
        return;
    }
    if (!ipv6_is_mine(h, ifc, &target)) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_NOT_OUR_TARGET);
        return;
    }
    if (!dad && has_lla) {
        /* [RFC 4861 7.2.3] the solicitation tells us the sender's address. */
        struct nd6_entry *e = find(h, &hdr->src);
        if (e == NULL) {
            e = create(h, &hdr->src, ifc);
            if (e != NULL) {
                memcpy(e->mac, mac, ETH_ALEN);
                set_state(h, e, ND6_STALE, p, "RFC 4861 7.2.3",
                          "learned from its solicitation; STALE, since nothing confirms the "
                          "path back yet");
                e->timer_ns = 0;
            }
        } else if (e->state == ND6_INCOMPLETE) {
            memcpy(e->mac, mac, ETH_ALEN);
            set_state(h, e, ND6_STALE, p, "RFC 4861 7.2.3",
                      "its solicitation carries the address we were asking for");
            e->timer_ns = 0;
            flush_pending(h, e);
        } else if (memcmp(e->mac, mac, ETH_ALEN) != 0) {
            memcpy(e->mac, mac, ETH_ALEN);
            set_state(h, e, ND6_STALE, p, "RFC 4861 7.2.3",
                      "its solicitation carries a new link-layer address");
            e->timer_ns = 0;
        }
    }
    char t[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_NOTE, LAYER_ICMPV6, p, "RFC 4861 7.2.4",
                "%s is mine: answer with an advertisement%s", ip6_addr_str(&target, t),
                dad ? " to all nodes (the asker has no address yet: duplicate detection)"
                    : ", solicited, to the asker");
    struct ip6_addr dst;
    if (dad)
        ip6_all_nodes(&dst);
    else
        dst = hdr->src;
    pkt_free(p);
    send_na(h, ifc, &target, &dst, !dad);
}

static void
na_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    struct ip6_addr target;
    uint8_t mac[ETH_ALEN];
    bool has_lla;
    uint32_t flags = be32_get(p->data + 4);
    bool sol = flags & ND_NA_FLAG_SOLICITED, ovr = flags & ND_NA_FLAG_OVERRIDE;
    memcpy(target.b, p->data + 8, 16);
    /* [RFC 4861 7.1.2] validation. */
    if (!find_lla(p->data, p->len, ND_NA_LEN, ND_OPT_TLLA, mac, &has_lla) ||
        ip6_addr_is_multicast(&target) || (ip6_addr_is_multicast(&hdr->dst) && sol)) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (addr6_tentative(h, ifc, &target)) {
        /* [RFC 4862 5.4.4] someone answers for our tentative address: it
         * is theirs. */
        addr6_dad_failed(h, ifc, &target, p, "RFC 4862 5.4.4",
                         "a neighbour advertisement answers for it");
        pkt_free(p);
        return;
    }
    struct nd6_entry *e = find(h, &target);
    if (e == NULL) {
        /* [RFC 4861 7.2.5] no entry: the advertisement is not wanted. */
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_NO_ENTRY);
        return;
    }
    e->is_router = flags & ND_NA_FLAG_ROUTER;
    if (e->state == ND6_INCOMPLETE) {
        if (!has_lla) {
            pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
            return;
        }
        memcpy(e->mac, mac, ETH_ALEN);
        if (sol) {
            set_state(h, e, ND6_REACHABLE, p, "RFC 4861 7.2.5",
                      "a solicited advertisement answers our question: the path both ways "
                      "works");
            e->timer_ns = h->now_ns + h->ip6->nd.reachable_ns;
        } else {
            set_state(h, e, ND6_STALE, p, "RFC 4861 7.2.5",
                      "an unsolicited advertisement gives the address but confirms nothing");
            e->timer_ns = 0;
        }
        e->probes = 0;
        pkt_free(p);
        flush_pending(h, e);
        return;
    }
    bool same = !has_lla || memcmp(mac, e->mac, ETH_ALEN) == 0;
    if (!ovr && !same) {
        /* [RFC 4861 7.2.5] no override and a different address: keep the
         * one we have, but no longer call it reachable. */
        if (e->state == ND6_REACHABLE) {
            set_state(h, e, ND6_STALE, p, "RFC 4861 7.2.5",
                      "an advertisement without override names another address: ours is "
                      "kept, but in doubt");
            e->timer_ns = 0;
        }
        pkt_free(p);
        return;
    }
    if (!same)
        memcpy(e->mac, mac, ETH_ALEN);
    if (sol) {
        set_state(h, e, ND6_REACHABLE, p, "RFC 4861 7.2.5",
                  e->state == ND6_PROBE ? "the probe is answered: the neighbour is there"
                                        : "a solicited advertisement confirms the neighbour");
        e->timer_ns = h->now_ns + h->ip6->nd.reachable_ns;
        e->probes = 0;
    } else if (!same) {
        set_state(h, e, ND6_STALE, p, "RFC 4861 7.2.5",
                  "an unsolicited advertisement with override: a new link-layer address");
        e->timer_ns = 0;
    }
    pkt_free(p);
}

void
nd6_input(struct iface *ifc, struct pkt *p, const struct ipv6_hdr *hdr)
{
    struct host *h = ifc->host;
    /* [RFC 4861 7.1.1, 7.1.2] a hop limit of 255 proves the message was not
     * forwarded: it comes from this link. */
    if (hdr->hop_limit != 255 || p->data[1] != 0 || p->len < ND_NS_LEN) {
        pkt_drop(h, p, LAYER_ICMPV6, DROP_ND_INVALID);
        return;
    }
    if (p->data[0] == ND_NEIGHBOR_SOLICIT)
        ns_input(ifc, p, hdr);
    else
        na_input(ifc, p, hdr);
}

void
nd6_poll(struct host *h)
{
    ra6_poll(h);
    for (unsigned i = 0; i < ND6_CACHE_MAX; i++) {
        struct nd6_entry *e = &h->ip6->nd.e[i];
        if (e->state == ND6_FREE || e->timer_ns == 0 || e->timer_ns > h->now_ns)
            continue;
        host_set_cause(h, cause_timer(TIMER_ND));
        switch (e->state) {
        case ND6_INCOMPLETE:
            if (e->probes < ND6_MAX_MULTICAST_SOLICIT) {
                e->probes++;
                e->timer_ns = h->now_ns + h->ip6->nd.retrans_ns;
                send_ns(h, e, false);
                break;
            }
            {
                struct pkt *q;
                while ((q = pkt_queue_pop(&e->pending)) != NULL) {
                    icmp6_report_unreachable(h, q);
                    pkt_drop(h, q, LAYER_ICMPV6, DROP_ND_UNRESOLVED);
                }
                e->n_pending = 0;
            }
            set_state(h, e, ND6_FREE, NULL, "RFC 4861 7.3.3",
                      "MAX_MULTICAST_SOLICIT (3) solicitations and no answer");
            break;
        case ND6_REACHABLE:
            set_state(h, e, ND6_STALE, NULL, "RFC 4861 7.3.3",
                      "ReachableTime passed without a confirmation");
            e->timer_ns = 0;
            break;
        case ND6_DELAY:
            set_state(h, e, ND6_PROBE, NULL, "RFC 4861 7.3.3",
                      "DELAY_FIRST_PROBE_TIME passed with no confirmation: ask the neighbour "
                      "itself, by unicast");
            e->probes = 1;
            e->timer_ns = h->now_ns + h->ip6->nd.retrans_ns;
            send_ns(h, e, true);
            break;
        case ND6_PROBE:
            if (e->probes < ND6_MAX_UNICAST_SOLICIT) {
                e->probes++;
                e->timer_ns = h->now_ns + h->ip6->nd.retrans_ns;
                send_ns(h, e, true);
                break;
            }
            set_state(h, e, ND6_FREE, NULL, "RFC 4861 7.3.3",
                      "MAX_UNICAST_SOLICIT (3) probes and no answer");
            /* [RFC 4861 7.3.3] destinations that went through it choose
             * their next hop again. */
            for (unsigned k = 0; k < ND6_DESTS_MAX; k++)
                if (h->ip6->nd.dests[k].used &&
                    ip6_addr_eq(&h->ip6->nd.dests[k].next_hop, &e->ip))
                    h->ip6->nd.dests[k].used = false;
            break;
        default:
            break;
        }
    }
}

uint64_t
nd6_next_deadline(const struct host *h)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < ND6_CACHE_MAX; i++) {
        const struct nd6_entry *e = &h->ip6->nd.e[i];
        if (e->state != ND6_FREE && e->timer_ns != 0 && e->timer_ns < next)
            next = e->timer_ns;
    }
    uint64_t ra = ra6_next_deadline(h);
    return ra < next ? ra : next;
}

void
nd6_flush(struct host *h)
{
    for (unsigned i = 0; i < ND6_CACHE_MAX; i++) {
        pkt_queue_purge(&h->ip6->nd.e[i].pending);
        h->ip6->nd.e[i].state = ND6_FREE;
    }
}
