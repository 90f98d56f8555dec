/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arp.c - Address Resolution Protocol for IPv4 over Ethernet [RFC 826].
 *
 * The packet reception algorithm follows RFC 826's "Packet Reception" section
 * step by step: update an existing entry for the sender ("merge_flag"), then,
 * if the target is us, add the sender if it was new, and answer a request.
 * Resolution holds packets per address up to a byte bound, retries once a second
 * [RFC 1122 2.3.2.1] and gives up after ARP_MAX_TRIES requests; a router
 * then tells the sources of the datagrams it held (ICMP host unreachable,
 * through ipv4_next_hop_unreachable()). The table grows on demand up to
 * ARP_CACHE_MAX entries; arp.h tells the sizes and the eviction policy and
 * where they come from (Linux's neighbour table).
 * Called by: eth_input(), ipv4_output(), host_poll().
 * Calls: eth_output(), pkt_drop().
 */
#include "stack/arp.h"

#include <stdlib.h>
#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/ipv4.h"
#include "stack/wire/arp.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"

static const uint8_t mac_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void
arp_cache_init(struct arp_cache *c)
{
    memset(c, 0, sizeof(*c));
    c->timeout_ns = ARP_TIMEOUT_NS;
    c->retry_ns = ARP_RETRY_NS;
    c->max_tries = ARP_MAX_TRIES;
    c->max_entries = ARP_CACHE_MAX;
    c->queue_max_bytes = ARP_QUEUE_MAX_BYTES;
}

size_t
arp_pkt_mem(const struct pkt *p)
{
    return sizeof(*p) + p->cap;
}

const char *
arp_state_name(enum arp_state s)
{
    switch (s) {
    case ARP_FREE: return "FREE";
    case ARP_INCOMPLETE: return "INCOMPLETE";
    case ARP_REACHABLE: return "REACHABLE";
    case ARP_PERMANENT: return "PERMANENT";
    }
    return "?";
}

static struct arp_entry *
arp_find(struct host *h, uint32_t ip)
{
    for (unsigned i = 0; i < h->arp.cap; i++)
        if (h->arp.e[i].state != ARP_FREE && h->arp.e[i].ip == ip)
            return &h->arp.e[i];
    return NULL;
}

const struct arp_entry *
arp_cache_lookup(const struct host *h, uint32_t ip)
{
    return arp_find((struct host *)h, ip);
}

/* Every change to an entry's state or deadline goes through here first, so
 * the cached earliest deadline is never stale. */
static void
arp_deadline_changed(struct host *h)
{
    h->arp.next_known = false;
}

static void
arp_entry_clear(struct host *h, struct arp_entry *e, enum drop_reason why)
{
    arp_deadline_changed(h);
    struct pkt *p;
    while ((p = pkt_queue_pop(&e->pending)) != NULL)
        pkt_drop(h, p, LAYER_ARP, why);
    if (e->state != ARP_FREE)
        h->arp.used--;
    memset(e, 0, sizeof(*e));
}

/* Room for one more slot: double the table, up to the bound. Slots move, so
 * no caller holds an entry pointer across this. Returns false when the table
 * is at its bound or memory runs out. */
static bool
arp_grow(struct host *h)
{
    struct arp_cache *c = &h->arp;
    unsigned max = c->max_entries < ARP_CACHE_MAX ? c->max_entries : ARP_CACHE_MAX;
    if (c->cap >= max)
        return false;
    unsigned cap = c->cap == 0 ? ARP_CACHE_FIRST : c->cap * 2;
    if (cap > max)
        cap = max;
    struct arp_entry *e = realloc(c->e, (size_t)cap * sizeof(*e));
    if (e == NULL)
        return false;
    memset(e + c->cap, 0, (size_t)(cap - c->cap) * sizeof(*e));
    c->e = e;
    c->cap = cap;
    return true;
}

/* A free slot, marked used; the caller sets its state. The table grows when
 * every slot is taken; at its bound the reachable entry confirmed longest
 * ago (the one closest to expiry) is evicted, as Linux's forced garbage
 * collection removes the entries updated longest ago. Never an incomplete
 * entry (its packets are waiting) nor a permanent one. NULL when only those
 * are left. */
static struct arp_entry *
arp_alloc(struct host *h)
{
    if (h->arp.used >= h->arp.cap)
        arp_grow(h);
    struct arp_entry *victim = NULL;
    for (unsigned i = 0; i < h->arp.cap; i++) {
        struct arp_entry *e = &h->arp.e[i];
        if (e->state == ARP_FREE) {
            h->arp.used++;
            return e;
        }
        if (e->state == ARP_REACHABLE && (victim == NULL || e->expires_ns < victim->expires_ns))
            victim = e;
    }
    if (victim != NULL) {
        char ip[IPV4_ADDR_STRLEN];
        trace_event(h, TRACE_CACHE, LAYER_ARP, NULL, NULL, "cache full (%u entries): evict %s",
                    h->arp.used, ipv4_addr_str(victim->ip, ip));
        arp_entry_clear(h, victim, DROP_ARP_UNRESOLVED);
        h->arp.used++;
    }
    return victim;
}

void
arp_cache_flush(struct host *h)
{
    for (unsigned i = 0; i < h->arp.cap; i++)
        if (h->arp.e[i].state != ARP_FREE)
            arp_entry_clear(h, &h->arp.e[i], DROP_HOST_DOWN);
    free(h->arp.e);
    h->arp.e = NULL;
    h->arp.cap = 0;
    h->arp.used = 0;
}

static int
arp_send(struct iface *ifc, uint16_t op, const uint8_t tha[ETH_ALEN], uint32_t tpa,
         const uint8_t eth_dst[ETH_ALEN])
{
    struct host *h = ifc->host;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, ARP_LEN + ETH_MIN_FRAME);
    if (p == NULL)
        return -ERR_NOBUFS;
    struct arp_hdr arp = {
        .htype = ARP_HTYPE_ETH,
        .ptype = ETHERTYPE_IPV4,
        .hlen = ETH_ALEN,
        .plen = 4,
        .op = op,
        .spa = ifc->addr,
        .tpa = tpa,
    };
    memcpy(arp.sha, ifc->mac, ETH_ALEN);
    memcpy(arp.tha, tha, ETH_ALEN);
    uint8_t *b = pkt_put(p, ARP_LEN);
    arp_emit(&arp, b);
    p->l3_off = pkt_off(p);
    char desc[96] = "";
    if (trace_wanted(h->trace))
        arp_describe(&arp, desc, sizeof(desc));
    const char *why = op == ARP_OP_REPLY ? "answering a request for my address"
                      : tpa == ifc->addr ? "announcing my address (gratuitous ARP)"
                                         : "broadcasting: who has this address?";
    trace_tx(h, LAYER_ARP, p, "RFC 826", "%s: %s", desc, why);
    return eth_output(ifc, p, eth_dst, ETHERTYPE_ARP);
}

int
arp_announce(struct iface *ifc)
{
    static const uint8_t zero[ETH_ALEN] = { 0 };
    return arp_send(ifc, ARP_OP_REQUEST, zero, ifc->addr, mac_broadcast);
}

/* Fill entry e with mac (REACHABLE, or PERMANENT when set by hand) and send
 * what waited for it. */
static void
arp_entry_resolve(struct host *h, struct arp_entry *e, struct iface *ifc,
                  const uint8_t mac[ETH_ALEN], bool permanent)
{
    const char *verb = e->state == ARP_INCOMPLETE ? "resolved"
                       : e->state == ARP_FREE     ? "learned"
                       : memcmp(e->mac, mac, ETH_ALEN) != 0 ? "changed"
                                                            : NULL;
    arp_deadline_changed(h);
    if (e->state != ARP_PERMANENT) {
        e->state = ARP_REACHABLE;
        memcpy(e->mac, mac, ETH_ALEN);
        e->ifc = ifc;
        e->expires_ns = h->now_ns + h->arp.timeout_ns;
        if (permanent)
            e->state = ARP_PERMANENT;
    }
    char ip[IPV4_ADDR_STRLEN], m[MAC_ADDR_STRLEN];
    if (verb != NULL)
        trace_event(h, TRACE_CACHE, LAYER_ARP, NULL, "RFC 826",
                    "%s is-at %s on %s: entry %s, valid %llu s", ipv4_addr_str(e->ip, ip),
                    mac_addr_str(mac, m), ifc->name, verb,
                    (unsigned long long)(h->arp.timeout_ns / 1000000000ull));
    /* Take the queue out first: sending may run the stack again, and a new
     * entry may move the table (arp_grow). */
    struct pkt_queue held = e->pending;
    struct iface *out = e->ifc;
    uint8_t dst[ETH_ALEN];
    memcpy(dst, e->mac, ETH_ALEN);
    memset(&e->pending, 0, sizeof(e->pending));
    e->pending_mem = 0;
    struct pkt *p;
    while ((p = pkt_queue_pop(&held)) != NULL)
        eth_output(out, p, dst, ETHERTYPE_IPV4);
}

void
arp_input(struct iface *ifc, struct pkt *p)
{
    struct host *h = ifc->host;
    struct arp_hdr arp;
    enum drop_reason why = arp_parse(p->data, p->len, &arp);
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_ARP, why);
        return;
    }
    /* The sentence only when someone reads it: every host of a LAN hears
     * every request, and describing one costs more than handling it. */
    char desc[96] = "";
    if (trace_wanted(h->trace))
        arp_describe(&arp, desc, sizeof(desc));

    /* A sender hardware address that is broadcast or multicast names no
     * one station: caching it would send unicast to every host. Linux
     * (arp_process) and [RFC 1812 3.3.2] ignore such a packet. */
    if (mac_is_multicast(arp.sha)) {
        trace_rx(h, LAYER_ARP, p, "RFC 1812 3.3.2",
                 "%s: the sender's MAC is a broadcast or multicast address: ignored", desc);
        pkt_drop(h, p, LAYER_ARP, DROP_ARP_BAD_SENDER);
        return;
    }
    /* [RFC 826 Packet Reception] "If the pair <protocol type, sender protocol
     * address> is already in my translation table, update the sender hardware
     * address field of the entry with the new information" (merge_flag). */
    struct arp_entry *e = arp.spa != 0 ? arp_find(h, arp.spa) : NULL;
    bool merge = e != NULL;
    /* "Am I the target protocol address?" */
    bool for_me = ifc->addr != 0 && arp.tpa == ifc->addr;

    if (!for_me) {
        trace_rx(h, LAYER_ARP, p, "RFC 826", "%s: not for my address%s", desc,
                 merge ? "; I know the sender, so refresh its entry" : "");
        if (merge)
            arp_entry_resolve(h, e, ifc, arp.sha, false);
        if (!merge) {
            pkt_drop(h, p, LAYER_ARP, DROP_ARP_NOT_FOR_US);
            return;
        }
        pkt_free(p);
        return;
    }
    /* A packet claiming our own address as its sender means a conflict
     * [RFC 5227 2.4]; we report it and keep our address. */
    if (arp.spa == ifc->addr) {
        trace_rx(h, LAYER_ARP, p, "RFC 5227 2.4", "%s: someone else claims my address", desc);
        pkt_free(p);
        return;
    }
    trace_rx(h, LAYER_ARP, p, "RFC 826", "%s: the target is my address; %s the sender%s", desc,
             merge ? "update" : "remember",
             arp.op == ARP_OP_REQUEST ? " and answer" : "");
    if (merge) {
        arp_entry_resolve(h, e, ifc, arp.sha, false);
    } else if (arp.spa != 0) {
        /* "If merge_flag is false, add the triplet <protocol type, sender
         * protocol address, sender hardware address> to the translation table." */
        e = arp_alloc(h);
        if (e != NULL) {
            e->ip = arp.spa;
            arp_entry_resolve(h, e, ifc, arp.sha, false);
        }
    }
    /* "If the opcode is ares_op$REQUEST, swap fields and send a reply." */
    if (arp.op == ARP_OP_REQUEST)
        arp_send(ifc, ARP_OP_REPLY, arp.sha, arp.spa, arp.sha);
    pkt_free(p);
}

int
arp_output(struct iface *ifc, struct pkt *p, uint32_t next_hop)
{
    struct host *h = ifc->host;
    /* lo asks nobody (IFF_NOARP): every frame on it is for this host, and
     * its address is all zeros (loopback.c). */
    if (ifc->loopback)
        return eth_output(ifc, p, ifc->mac, ETHERTYPE_IPV4);
    if (next_hop == IPV4_BROADCAST || next_hop == iface_broadcast(ifc))
        return eth_output(ifc, p, mac_broadcast, ETHERTYPE_IPV4);

    struct arp_entry *e = arp_find(h, next_hop);
    if (e != NULL && (e->state == ARP_REACHABLE || e->state == ARP_PERMANENT))
        return eth_output(e->ifc != NULL ? e->ifc : ifc, p, e->mac, ETHERTYPE_IPV4);

    char ip[IPV4_ADDR_STRLEN];
    ipv4_addr_str(next_hop, ip);
    arp_deadline_changed(h);
    if (e == NULL) {
        e = arp_alloc(h);
        if (e == NULL) {
            pkt_drop(h, p, LAYER_ARP, DROP_ARP_QUEUE_FULL);
            return -ERR_NOBUFS;
        }
        e->state = ARP_INCOMPLETE;
        e->ip = next_hop;
        e->ifc = ifc;
        e->tries = 0;
        trace_event(h, TRACE_CACHE, LAYER_ARP, p, "RFC 826",
                    "no entry for %s: hold the packet and ask", ip);
    }
    /* [RFC 1122 2.3.2.2] "SHOULD save at least one (the latest) packet":
     * past the bound (Linux's unres_qlen_bytes) drop the oldest, so the
     * newest is always kept. */
    size_t mem = arp_pkt_mem(p);
    struct pkt *old;
    while (e->pending_mem + mem > h->arp.queue_max_bytes &&
           (old = pkt_queue_pop(&e->pending)) != NULL) {
        e->pending_mem -= arp_pkt_mem(old);
        pkt_drop(h, old, LAYER_ARP, DROP_ARP_QUEUE_FULL);
    }
    p->next_hop = next_hop;
    pkt_queue_push(&e->pending, p);
    e->pending_mem += mem;
    if (e->tries == 0) {
        static const uint8_t zero[ETH_ALEN] = { 0 };
        e->tries = 1;
        e->retry_ns = h->now_ns + h->arp.retry_ns;
        arp_send(ifc, ARP_OP_REQUEST, zero, next_hop, mac_broadcast);
    }
    return 0;
}

int
arp_cache_set_permanent(struct host *h, struct iface *ifc, uint32_t ip,
                        const uint8_t mac[ETH_ALEN])
{
    struct arp_entry *e = arp_find(h, ip);
    if (e == NULL)
        e = arp_alloc(h);
    if (e == NULL)
        return -ERR_NOBUFS;
    e->ip = ip;
    arp_deadline_changed(h);
    /* By hand a static entry may be replaced (as `ip neigh replace` does);
     * arp_entry_resolve() leaves PERMANENT entries alone for ARP packets. */
    if (e->state == ARP_PERMANENT)
        e->state = ARP_REACHABLE;
    arp_entry_resolve(h, e, ifc, mac, true);
    return 0;
}

void
arp_poll(struct host *h)
{
    static const uint8_t zero[ETH_ALEN] = { 0 };
    /* By index: a send below may grow (move) the table. */
    for (unsigned i = 0; i < h->arp.cap; i++) {
        struct arp_entry *e = &h->arp.e[i];
        char ip[IPV4_ADDR_STRLEN];
        if (e->state == ARP_INCOMPLETE && e->retry_ns <= h->now_ns) {
            struct trace_cause saved = h->cause;
            host_set_cause(h, cause_timer(TIMER_ARP_RETRY));
            ipv4_addr_str(e->ip, ip);
            if (e->tries >= h->arp.max_tries) {
                trace_event(h, TRACE_CACHE, LAYER_ARP, NULL, "RFC 1122 2.3.2.1",
                            "no reply for %s after %u requests: give up", ip, e->tries);
                /* Empty the entry first: the ICMP errors below may need
                 * ARP themselves. A router tells the source of each
                 * datagram it could not deliver [RFC 1812 5.2.7.1]. */
                struct pkt_queue held = e->pending;
                memset(&e->pending, 0, sizeof(e->pending));
                e->pending_mem = 0;
                arp_entry_clear(h, e, DROP_ARP_UNRESOLVED);
                struct pkt *q;
                while ((q = pkt_queue_pop(&held)) != NULL) {
                    ipv4_next_hop_unreachable(h, q);
                    pkt_drop(h, q, LAYER_ARP, DROP_ARP_UNRESOLVED);
                }
            } else {
                e->tries++;
                arp_deadline_changed(h);
                e->retry_ns = h->now_ns + h->arp.retry_ns;
                trace_event(h, TRACE_TIMER, LAYER_ARP, NULL, "RFC 1122 2.3.2.1",
                            "no reply for %s yet: ask again (request %u of %u)", ip, e->tries,
                            h->arp.max_tries);
                arp_send(e->ifc, ARP_OP_REQUEST, zero, e->ip, mac_broadcast);
            }
            host_set_cause(h, saved);
        } else if (e->state == ARP_REACHABLE && e->expires_ns <= h->now_ns) {
            struct trace_cause saved = h->cause;
            host_set_cause(h, cause_timer(TIMER_ARP_EXPIRE));
            trace_event(h, TRACE_CACHE, LAYER_ARP, NULL, NULL, "%s aged out of the cache",
                        ipv4_addr_str(e->ip, ip));
            arp_entry_clear(h, e, DROP_ARP_UNRESOLVED);
            host_set_cause(h, saved);
        }
    }
}

uint64_t
arp_next_deadline(struct host *h)
{
    if (h->arp.next_known)
        return h->arp.next_ns;
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < h->arp.cap; i++) {
        const struct arp_entry *e = &h->arp.e[i];
        if (e->state == ARP_INCOMPLETE && e->retry_ns < next)
            next = e->retry_ns;
        else if (e->state == ARP_REACHABLE && e->expires_ns < next)
            next = e->expires_ns;
    }
    h->arp.next_ns = next;
    h->arp.next_known = true;
    return next;
}
