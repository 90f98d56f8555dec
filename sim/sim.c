/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim.c - the world: virtual clock, event loop, hosts and links.
 *
 * The loop is sim_step(): pop the earliest event, set the clock, run it whole,
 * re-arm the touched host's wake-up. Everything that happens in the world is
 * one of three events (event.h); everything the world contains is owned here
 * and freed by sim_destroy() (docs/architecture.md, "The three rings" and
 * "Time and determinism").
 * Called by: the scenario runner, the view, tests. Calls: iface_input(),
 * host_poll(), host_next_deadline(), host_* setup, link.c.
 */
#include "sim/sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/drv_tap.h"
#include "sim/realtime.h"
#include "sim/switch.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/wire/describe.h"

/* --- the driver of an interface with nothing attached ---------------------- */

/* Drops every frame: an unplugged port. Traced like a link drop, but on the
 * host, since there is no link to name. */
static int
sim_unplugged_transmit(struct iface *ifc, struct pkt *p)
{
    struct sim *s = ifc->drv;
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = s ? s->now_ns : ifc->host->now_ns;
    ev.kind = TRACE_DROP;
    ev.layer = LAYER_WIRE;
    ev.host = ifc->host;
    ev.where = ifc->host->name;
    ev.pkt = p;
    ev.reason = DROP_LINK_NO_PEER;
    ev.rfc = drop_reason_rfc(DROP_LINK_NO_PEER);
    ev.cause = p->cause;
    trace_emit(ifc->host->trace, &ev);
    pkt_free(p);
    return 0;
}

static const struct iface_ops sim_unplugged_ops = {
    .transmit = sim_unplugged_transmit,
};

/* --- tables ---------------------------------------------------------------- */

static bool
sim_grow_hosts(struct sim *s)
{
    if (s->n_hosts < s->cap_hosts)
        return true;
    size_t cap = s->cap_hosts ? s->cap_hosts * 2 : 8;
    struct host **hosts = realloc(s->hosts, cap * sizeof *hosts);
    if (hosts == NULL)
        return false;
    s->hosts = hosts;
    struct sim_wake *wakes = realloc(s->wakes, cap * sizeof *wakes);
    if (wakes == NULL)
        return false;  /* hosts grew already; harmless, cap_hosts is unchanged */
    s->wakes = wakes;
    size_t *entered = realloc(s->call_entered, cap * sizeof *entered);
    if (entered == NULL)
        return false;
    s->call_entered = entered;
    s->cap_hosts = cap;
    return true;
}

static bool
sim_grow_links(struct sim *s)
{
    if (s->n_links < s->cap_links)
        return true;
    size_t cap = s->cap_links ? s->cap_links * 2 : 8;
    struct link **links = realloc(s->links, cap * sizeof *links);
    if (links == NULL)
        return false;
    s->links = links;
    s->cap_links = cap;
    return true;
}

void
sim_init(struct sim *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->seed = seed;
    /* the pool starts zeroed: pkt_alloc() numbers packets from 1, so "#0"
     * never names a packet; it keeps freed buffers for reuse (pkt.h) */
    pkt_pool_recycle(&s->pool);
    trace_init(&s->trace);
    event_heap_init(&s->heap);
}

void
sim_destroy(struct sim *s)
{
    /* Hosts first: closing their sockets may still send or drop packets, and
     * those must find the links and the heap in place. */
    for (size_t i = 0; i < s->n_hosts; i++) {
        sim_enter_host(s, s->hosts[i]);
        host_destroy(s->hosts[i]);
    }
    realtime_destroy(s);  /* TAP devices, after the hosts' last frames */
    event_heap_destroy(&s->heap);  /* frames in flight, and their packets */
    for (size_t i = 0; i < s->n_links; i++) {
        link_destroy(s->links[i]);
        free(s->links[i]);
    }
    for (size_t i = 0; i < s->n_switches; i++) {
        switch_destroy(s->switches[i]);
        free(s->switches[i]);
    }
    free(s->switches);
    s->switches = NULL;
    s->n_switches = s->cap_switches = 0;
    for (size_t i = 0; i < s->n_hosts; i++)
        free(s->hosts[i]);
    free(s->hosts);
    free(s->wakes);
    free(s->call_entered);
    free(s->links);
    free(s->host_names);
    free(s->link_names);
    s->host_names = s->link_names = NULL;
    s->cap_host_names = s->cap_link_names = 0;
    pkt_pool_destroy(&s->pool);  /* last: every packet above went back to it */
    s->hosts = NULL;
    s->wakes = NULL;
    s->call_entered = NULL;
    s->n_call_entered = 0;
    s->links = NULL;
    s->n_hosts = s->cap_hosts = 0;
    s->n_links = s->cap_links = 0;
}

int
sim_host_index(const struct sim *s, const struct host *h)
{
    /* The slot the host remembers, checked: a host of another world (or
     * none) is not at that slot of this one. */
    if (h == NULL || h->world_index >= s->n_hosts || s->hosts[h->world_index] != h)
        return -1;
    return (int)h->world_index;
}

/* --- names ---------------------------------------------------------------- */

/* FNV-1a [draft-eastlake-fnv]: names are short and the table only needs
 * them spread. */
static size_t
name_hash(const char *name)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *c = (const unsigned char *)name; *c != '\0'; c++)
        h = (h ^ *c) * 1099511628211ull;
    return (size_t)h;
}

/* The index of the name in a table, or -1. name_of(s, i) is the name of
 * entry i. */
static ptrdiff_t
name_find(const struct sim *s, const size_t *table, size_t cap, const char *name,
          const char *(*name_of)(const struct sim *, size_t))
{
    if (table == NULL)
        return -1;
    for (size_t i = name_hash(name) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (table[i] == 0)
            return -1;
        if (strcmp(name_of(s, table[i] - 1), name) == 0)
            return (ptrdiff_t)(table[i] - 1);
    }
}

/* Make room in a table for entry `index` (entries 0..index-1 are in it),
 * growing it to keep it at most half full: they are rehashed then. False
 * when memory runs out (the table is unchanged). */
static bool
name_reserve(const struct sim *s, size_t **table, size_t *cap, size_t index,
             const char *(*name_of)(const struct sim *, size_t))
{
    if ((index + 1) * 2 <= *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 64;
    size_t *grown = calloc(ncap, sizeof *grown);
    if (grown == NULL)
        return false;
    for (size_t k = 0; k < index; k++) {
        size_t i = name_hash(name_of(s, k)) & (ncap - 1);
        while (grown[i] != 0)
            i = (i + 1) & (ncap - 1);
        grown[i] = k + 1;
    }
    free(*table);
    *table = grown;
    *cap = ncap;
    return true;
}

/* Put entry `index` into a table name_reserve() made room in. */
static void
name_add(const struct sim *s, size_t *table, size_t cap, size_t index,
         const char *(*name_of)(const struct sim *, size_t))
{
    size_t i = name_hash(name_of(s, index)) & (cap - 1);
    while (table[i] != 0)
        i = (i + 1) & (cap - 1);
    table[i] = index + 1;
}

static const char *
host_name_of(const struct sim *s, size_t i)
{
    return s->hosts[i]->name;
}

static const char *
link_name_of(const struct sim *s, size_t i)
{
    return s->links[i]->name;
}

struct host *
sim_host_by_name(struct sim *s, const char *name)
{
    if (name == NULL)
        return NULL;
    ptrdiff_t i = name_find(s, s->host_names, s->cap_host_names, name, host_name_of);
    return i >= 0 ? s->hosts[i] : NULL;
}

struct link *
sim_link_by_name(struct sim *s, const char *name)
{
    if (name == NULL)
        return NULL;
    ptrdiff_t i = name_find(s, s->link_names, s->cap_link_names, name, link_name_of);
    return i >= 0 ? s->links[i] : NULL;
}

bool
sim_event_is_frame(const struct trace_event *ev)
{
    if (ev->pkt == NULL)
        return false;
    if (ev->kind == TRACE_WIRE)
        return true;
    return ev->kind == TRACE_RX && ev->layer == LAYER_ETH && ev->pkt->rx_ifc != NULL &&
           ev->pkt->rx_ifc->loopback;
}

struct host *
sim_add_host(struct sim *s, const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) >= HOST_NAME_LEN)
        return NULL;
    if (sim_host_by_name(s, name) != NULL)
        return NULL;
    if (s->n_hosts >= (size_t)INT32_MAX || !sim_grow_hosts(s) ||
        !name_reserve(s, &s->host_names, &s->cap_host_names, s->n_hosts, host_name_of))
        return NULL;
    struct host *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    uint64_t index = s->n_hosts;
    host_init(h, name, &s->pool, &s->trace, s->seed, index);
    h->now_ns = s->now_ns;
    h->world_index = (size_t)index;
    s->hosts[s->n_hosts] = h;
    name_add(s, s->host_names, s->cap_host_names, s->n_hosts, host_name_of);
    memset(&s->wakes[s->n_hosts], 0, sizeof s->wakes[s->n_hosts]);
    s->n_hosts++;
    return h;
}

struct iface *
sim_host_add_iface(struct sim *s, struct host *h, uint32_t addr, unsigned prefix_len,
                   uint16_t mtu, const uint8_t *mac_or_null)
{
    int hi = sim_host_index(s, h);
    if (hi < 0 || h->n_ifaces >= HOST_MAX_IFACES)
        return NULL;
    unsigned ii = h->n_ifaces;
    char name[IFACE_NAME_LEN];
    snprintf(name, sizeof name, "eth%u", ii);
    uint8_t mac[ETH_ALEN];
    if (mac_or_null != NULL) {
        memcpy(mac, mac_or_null, ETH_ALEN);
    } else {
        /* 02:00:00:00:HH:II - locally administered, unicast. A world with
         * more than 254 hosts carries the high bits of HH in the byte before. */
        unsigned hh = (unsigned)hi + 1;
        mac[0] = 0x02;
        mac[1] = 0x00;
        mac[2] = 0x00;
        mac[3] = (uint8_t)(hh >> 8);
        mac[4] = (uint8_t)hh;
        mac[5] = (uint8_t)(ii + 1);
    }
    sim_enter_host(s, h);
    return host_add_iface(h, name, mac, addr, prefix_len, mtu, &sim_unplugged_ops, s);
}

struct link *
sim_add_link(struct sim *s, struct iface *a, struct iface *b, const struct link_params *p)
{
    if (a == NULL || b == NULL || a == b)
        return NULL;
    /* Each end is a host's interface in s, or a switch port of s. */
    struct iface *ends_[2] = { a, b };
    const char *names[2];
    for (unsigned i = 0; i < 2; i++) {
        struct switch_port *sp = switch_port_of(ends_[i]);
        if (sp != NULL ? sp->sw->sim != s : sim_host_index(s, ends_[i]->host) < 0)
            return NULL;
        names[i] = sp != NULL ? sp->sw->name : ends_[i]->host->name;
    }
    if (!sim_grow_links(s) ||
        !name_reserve(s, &s->link_names, &s->cap_link_names, s->n_links, link_name_of))
        return NULL;

    char base[LINK_NAME_LEN];
    char name[LINK_NAME_LEN];
    snprintf(base, sizeof base, "%s-%s", names[0], names[1]);
    snprintf(name, sizeof name, "%s", base);
    for (unsigned n = 2; sim_link_by_name(s, name) != NULL; n++) {
        /* leave room for the "/n" so it is never cut off */
        snprintf(name, sizeof name, "%.*s/%u", LINK_NAME_LEN - 12, base, n);
    }

    struct link *l = malloc(sizeof *l);
    if (l == NULL)
        return NULL;
    if (link_init(l, s, (unsigned)s->n_links, name, a, b, p) < 0) {
        free(l);
        return NULL;
    }
    s->links[s->n_links] = l;
    name_add(s, s->link_names, s->cap_link_names, s->n_links, link_name_of);
    s->n_links++;

    struct iface *ends[2] = { a, b };
    for (unsigned i = 0; i < 2; i++) {
        struct host *h = ends[i]->host;
        if (h == NULL) {
            ends[i]->up = true;  /* a switch port: up once cabled */
            continue;
        }
        sim_enter_host(s, h);
        host_iface_up(h, ends[i], false);
        sim_host_entered(s, h);
    }
    return l;
}

/* --- halting ----------------------------------------------------------------- */

void
sim_halt(struct sim *s, enum sim_halt_kind why, int sig, const char *msg)
{
    if (s->halted != SIM_HALT_NONE)
        return;
    s->halted = why;
    s->halt_signal = sig;
    s->halt_ns = s->now_ns;
    s->halt_trace_events = s->trace.events;
    snprintf(s->halt_msg, sizeof s->halt_msg, "%s", msg != NULL ? msg : "");
    if (s->on_halt != NULL)
        s->on_halt(s, s->halt_ctx);
}

/* Count one sampled storm event for `name` in tally t (the busiest kept). */
static void
sim_storm_count(struct sim_storm_count *t, uint64_t *other, const char *name)
{
    for (unsigned i = 0; i < SIM_STORM_TALLY; i++) {
        if (t[i].name == NULL) {
            t[i].name = name;
            t[i].n = 1;
            return;
        }
        if (t[i].name == name) {
            t[i].n++;
            return;
        }
    }
    if (other != NULL)
        (*other)++;
}

static int
sim_storm_cmp(const void *a, const void *b)
{
    const struct sim_storm_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    if (x->name == NULL || y->name == NULL)
        return (x->name == NULL) - (y->name == NULL);
    return strcmp(x->name, y->name);
}

/* ", alice 400, h1 300" for a tally, busiest first. */
static size_t
sim_storm_list(struct sim_storm_count *t, char *buf, size_t n)
{
    qsort(t, SIM_STORM_TALLY, sizeof *t, sim_storm_cmp);
    size_t used = 0;
    for (unsigned i = 0; i < SIM_STORM_TALLY && t[i].name != NULL && used < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s %" PRIu64, i ? ", " : "", t[i].name, t[i].n);
        used += k > 0 ? (size_t)k : 0;
    }
    return used < n ? used : n;
}

/* The storm's last frame in words. A description that does not fit ends in
 * "...": cut anywhere else it would misread ("length 1" of a 1448-byte
 * segment). */
static void
sim_storm_frame(struct sim *s, const struct pkt *p)
{
    char *buf = s->storm_last_frame;
    size_t n = sizeof s->storm_last_frame;
    int k = frame_describe(p->data, p->len, buf, n);
    if (k >= 0 && (size_t)k >= n)
        memcpy(buf + n - 4, "...", 4);
}

/* Halt on a storm, saying who made it: the hosts and switches that handled
 * the last SIM_STORM_SAMPLE events, the links their frames came by, and the
 * last frame. */
static void
sim_storm_halt(struct sim *s)
{
    char who[256] = "", links[256] = "", msg[SIM_HALT_MSG_LEN];
    sim_storm_list(s->storm_who, who, sizeof who);
    sim_storm_list(s->storm_links, links, sizeof links);
    int k;
    if (s->rt == NULL)
        k = snprintf(msg, sizeof msg,
                     "a storm: %u events at %" PRIu64 ".%06" PRIu64 " s without the clock moving "
                     "(the most one instant may hold); of the last %u, handled by %s%s",
                     SIM_INSTANT_EVENTS_MAX, s->now_ns / 1000000000u,
                     (s->now_ns % 1000000000u) / 1000u, SIM_STORM_SAMPLE,
                     who[0] ? who : "no host", s->storm_other ? " and others" : "");
    else  /* TAP mode: the wall clock moved, but no event waited for it */
        k = snprintf(msg, sizeof msg,
                     "a storm: %u events in a row from %" PRIu64 ".%06" PRIu64 " s to %" PRIu64
                     ".%06" PRIu64 " s, each due before the one before it ran (the clock "
                     "follows the wall clock, but none waited for a delay, a timer or a frame "
                     "from a device; the most one instant may hold); of the last %u, handled "
                     "by %s%s",
                     SIM_INSTANT_EVENTS_MAX, s->instant_ns / 1000000000u,
                     (s->instant_ns % 1000000000u) / 1000u, s->now_ns / 1000000000u,
                     (s->now_ns % 1000000000u) / 1000u, SIM_STORM_SAMPLE,
                     who[0] ? who : "no host", s->storm_other ? " and others" : "");
    size_t used = k > 0 && (size_t)k < sizeof msg ? (size_t)k : sizeof msg - 1;
    if (links[0] != '\0' && used < sizeof msg) {
        k = snprintf(msg + used, sizeof msg - used, "; frames by %s", links);
        used += k > 0 ? (size_t)k : 0;
    }
    if (s->storm_last_pkt != 0 && used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, "; the last frame: #%" PRIu64 " %s",
                 s->storm_last_pkt, s->storm_last_frame);
    sim_halt(s, SIM_HALT_STORM, 0, msg);
}

/* Whether the event being dispatched is among the storm's sample. */
static bool
sim_storm_sampling(const struct sim *s)
{
    return s->instant_events > SIM_INSTANT_EVENTS_MAX - SIM_STORM_SAMPLE;
}

/* --- the loop --------------------------------------------------------------- */

void
sim_enter_host(struct sim *s, struct host *h)
{
    h->now_ns = s->now_ns;
    if (s->in_call) {
        int hi = sim_host_index(s, h);
        if (hi >= 0 && !s->wakes[hi].entered) {
            s->wakes[hi].entered = true;
            s->call_entered[s->n_call_entered++] = (size_t)hi;
        }
    }
}

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* A SIM_EV_CALL: run it, then re-arm the hosts it entered, in index order
 * (the order a loop over every host would push their wakes in, so traces do
 * not depend on the order the call entered them). A call made from inside
 * another (a step that runs the loop) keeps the outer call's list below
 * `mark`; the outer call re-arms those. */
static void
sim_run_call(struct sim *s, struct sim_ev_call *c)
{
    bool outer = s->in_call;
    size_t mark = s->n_call_entered;
    s->in_call = true;
    c->fn(s, c->ctx);
    size_t n = s->n_call_entered - mark;
    if (n > 0) {  /* (a world with no hosts has no list at all) */
        size_t *list = s->call_entered + mark;
        qsort(list, n, sizeof *list, cmp_size);
        for (size_t k = 0; k < n; k++) {
            s->wakes[list[k]].entered = false;
            sim_host_entered(s, s->hosts[list[k]]);
            s->call_rearms++;
        }
    }
    s->n_call_entered = mark;
    s->in_call = outer;
}

void
sim_host_entered(struct sim *s, struct host *h)
{
    int hi = sim_host_index(s, h);
    if (hi < 0)
        return;
    struct sim_wake *w = &s->wakes[hi];
    uint64_t deadline = host_next_deadline(h);
    if (deadline == UINT64_MAX)
        return;  /* a live wake that is no longer needed just finds nothing due */
    uint64_t at = deadline > s->now_ns ? deadline : s->now_ns;
    if (at == s->now_ns && w->spin_at_ns == s->now_ns && w->spins >= SIM_WAKE_SPIN_MAX) {
        /* polled this often at this instant and still due: do not spin */
        s->wake_spins++;
        return;
    }
    if (w->live && w->at_ns <= at)
        return;
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = at;
    ev.kind = SIM_EV_WAKE;
    ev.u.wake = h;
    if (event_heap_push(&s->heap, &ev) < 0)
        return;  /* out of memory: an existing (later) wake, if any, stays */
    w->live = true;
    w->at_ns = at;
    w->seq = ev.seq;
}

static void
sim_deliver(struct sim *s, struct sim_ev_frame *f)
{
    struct iface *dst = f->dst;
    struct pkt *p = f->p;
    if (f->tap != NULL) {
        /* delayed on its way to the kernel (a tap's delay, rate, jitter) */
        drv_tap_emit(f->tap, p, f->bad_fcs);
        return;
    }
    if (dst == NULL) {
        pkt_free(p);
        return;
    }
    if (sim_storm_sampling(s)) {
        const struct switch_port *sp = dst->host == NULL ? switch_port_of(dst) : NULL;
        sim_storm_count(s->storm_who, &s->storm_other,
                        dst->host != NULL ? dst->host->name : sp != NULL ? sp->sw->name : "?");
        /* the frame came over a wire: the link its receiving end is on */
        const struct link *via = f->via != NULL ? link_of_iface(dst) : NULL;
        if (via != NULL)
            sim_storm_count(s->storm_links, NULL, via->name);
        s->storm_last_pkt = p->id;
        sim_storm_frame(s, p);
    }
    if (dst->host == NULL) {
        if (f->via != NULL)
            f->via->delivered++;
        p->l2_off = pkt_off(p);
        p->l3_off = p->l4_off = -1;
        p->next = NULL;
        switch_input(dst, p, f->bad_fcs);
        return;
    }
    struct host *h = dst->host;
    if (f->via != NULL)
        f->via->delivered++;

    /* The frame starts over at the receiver: only the Ethernet header is
     * known, the sender's layer offsets mean nothing here. */
    p->l2_off = pkt_off(p);
    p->l3_off = -1;
    p->l4_off = -1;
    p->rx_ifc = dst;
    p->next = NULL;
    p->next_hop = 0;
    if (s->on_host_rx != NULL)
        s->on_host_rx(s->host_rx_ctx, dst, p, f->bad_fcs);

    sim_enter_host(s, h);
    host_set_cause(h, cause_arrival(p->id));
    if (f->bad_fcs) {
        /* [IEEE 802.3 3.2.9] the frame check sequence does not match: the
         * NIC discards the frame before any layer sees it. */
        p->cause = h->cause;
        pkt_drop(h, p, LAYER_ETH, DROP_ETH_BAD_FCS);
    } else {
        iface_input(dst, p);
    }
    host_set_cause(h, (struct trace_cause){ .kind = CAUSE_NONE });
    sim_host_entered(s, h);
}

/* Returns false for a stale wake (nothing ran). */
static bool
sim_wake(struct sim *s, struct host *h, uint64_t seq)
{
    int hi = sim_host_index(s, h);
    if (hi < 0)
        return false;
    struct sim_wake *w = &s->wakes[hi];
    if (!w->live || w->seq != seq)
        return false;
    w->live = false;
    if (sim_storm_sampling(s)) {
        sim_storm_count(s->storm_who, &s->storm_other, h->name);
        /* frames the host sent itself, which this wake hands back to it:
         * a loop over lo (the LAND loop) has no frame on any wire */
        const struct pkt *lo = h->loopq.last;
        if (lo != NULL) {
            sim_storm_count(s->storm_links, NULL, h->lo.name);
            s->storm_last_pkt = lo->id;
            sim_storm_frame(s, lo);
        }
    }
    if (w->spin_at_ns == s->now_ns) {
        w->spins++;
    } else {
        w->spin_at_ns = s->now_ns;
        w->spins = 1;
    }
    sim_enter_host(s, h);
    host_poll(h);
    host_set_cause(h, (struct trace_cause){ .kind = CAUSE_NONE });
    sim_host_entered(s, h);
    return true;
}

/* Pop the earliest event and run it (sim_step without the real-time wait). */
static bool
sim_dispatch_next(struct sim *s)
{
    struct sim_event ev;
    if (s->halted != SIM_HALT_NONE)
        return false;
    if (s->stop_signal != NULL && *s->stop_signal != 0) {
        sim_halt(s, SIM_HALT_SIGNAL, (int)*s->stop_signal, "stopped by a signal");
        return false;
    }
    if (!event_heap_pop(&s->heap, &ev))
        return false;
    if (ev.at_ns > s->now_ns)
        s->now_ns = ev.at_ns;
    /* Storm watch: events while the clock stands still, that is, each due no
     * later than the clock at which the one before it ran. In a simulated
     * world this is the clock not moving; in TAP mode the wall clock moves
     * the world's between any two events, yet a loop of frames without
     * delay still makes every event due before its predecessor ran. */
    if (ev.at_ns > s->instant_last_ns || s->instant_events == 0) {
        if (sim_storm_sampling(s)) {
            memset(s->storm_who, 0, sizeof s->storm_who);
            memset(s->storm_links, 0, sizeof s->storm_links);
            s->storm_other = 0;
            s->storm_last_pkt = 0;
        }
        s->instant_ns = s->now_ns;
        s->instant_events = 0;
    }
    s->instant_events++;
    s->instant_last_ns = s->now_ns;
    switch (ev.kind) {
    case SIM_EV_FRAME:
        s->events_run++;
        sim_deliver(s, &ev.u.frame);
        break;
    case SIM_EV_WAKE:
        if (sim_wake(s, ev.u.wake, ev.seq))
            s->events_run++;
        else
            s->wakes_stale++;
        break;
    case SIM_EV_CALL:
        s->events_run++;
        sim_run_call(s, &ev.u.call);
        break;
    case SIM_EV_KIND_COUNT:
        break;
    }
    if (s->instant_events >= SIM_INSTANT_EVENTS_MAX)
        sim_storm_halt(s);
    return true;
}

bool
sim_step(struct sim *s)
{
    if (s->halted != SIM_HALT_NONE)
        return false;
    if (s->rt != NULL) {
        /* TAP mode: the event runs when its time comes on the wall clock,
         * unless a frame arrives first (and runs first). */
        uint64_t next = sim_next_time(s);
        if (next == UINT64_MAX)
            realtime_wait(s->rt, 0, false);
        while (next != UINT64_MAX && next > s->now_ns && !realtime_wait(s->rt, next, true))
            next = sim_next_time(s);
    }
    return sim_dispatch_next(s);
}

bool
sim_step_until(struct sim *s, uint64_t limit_ns)
{
    if (s->halted == SIM_HALT_NONE && s->stop_signal != NULL && *s->stop_signal != 0)
        sim_halt(s, SIM_HALT_SIGNAL, (int)*s->stop_signal, "stopped by a signal");
    if (s->halted != SIM_HALT_NONE) {
        /* a halted world is one with nothing left to do */
        if (limit_ns != UINT64_MAX && limit_ns > s->now_ns)
            s->now_ns = limit_ns;
        return false;
    }
    if (s->rt != NULL) {
        uint64_t next = sim_next_time(s);
        uint64_t until = next < limit_ns ? next : limit_ns;
        realtime_wait(s->rt, until, until != UINT64_MAX);
        if (sim_next_time(s) <= s->now_ns)
            return sim_dispatch_next(s);
        return false;
    }
    if (sim_next_time(s) <= limit_ns)
        return sim_dispatch_next(s);
    if (limit_ns != UINT64_MAX && limit_ns > s->now_ns)
        s->now_ns = limit_ns;
    return false;
}

uint64_t
sim_next_time(const struct sim *s)
{
    if (s->halted != SIM_HALT_NONE)
        return UINT64_MAX;
    const struct sim_event *ev = event_heap_peek(&s->heap);
    return ev ? ev->at_ns : UINT64_MAX;
}

void
sim_run_until(struct sim *s, uint64_t t_ns)
{
    if (s->rt != NULL && t_ns != UINT64_MAX) {
        while (s->now_ns < t_ns || sim_next_time(s) <= t_ns)
            sim_step_until(s, t_ns);
        return;
    }
    while (sim_next_time(s) <= t_ns && sim_step(s)) {
        /* each step runs one event whole */
    }
    if (t_ns > s->now_ns && t_ns != UINT64_MAX)
        s->now_ns = t_ns;
}

int
sim_schedule_call(struct sim *s, uint64_t at_ns, void (*fn)(struct sim *, void *), void *ctx)
{
    if (fn == NULL)
        return -ERR_INVAL;
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = at_ns > s->now_ns ? at_ns : s->now_ns;
    ev.kind = SIM_EV_CALL;
    ev.u.call.fn = fn;
    ev.u.call.ctx = ctx;
    return event_heap_push(&s->heap, &ev);
}
