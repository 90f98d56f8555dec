/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * link.c - a simulated point-to-point link: the driver of a simulated cable.
 *
 * The simulated-link driver ("drv_sim"): the iface_ops whose
 * transmit() takes a finished frame from the host's Ethernet layer and puts it
 * on the link. Per frame, in order:
 *   link down       -> DROP LINK_DOWN (the frame never reaches the wire)
 *   rules           -> each rule counts the frame; the one whose nth it is acts
 *   duplicate roll  -> a copy is offered after this frame (no duplicate roll)
 *   queue full      -> DROP LINK_QUEUE_FULL (the frame never reaches the wire)
 *   otherwise       -> WIRE event (what the capture records), then
 *   lost in flight  -> DROP LINK_LOSS, or LINK_RULE for a drop rule (it was on
 *                      the wire, so WIRE came first)
 *   corrupt roll    -> an octet inverted, or marked as a bad FCS
 *   else            -> SIM_EV_FRAME at depart + delay (jitter, reorder, rule
 *                      delay), never before the previous normal frame (FIFO)
 * A lost frame still occupies the serialiser for its whole length: the bits
 * went out, they just never arrived.
 * The faults, the queue and the WIRE event are the direction's struct netem
 * (sim/netem.c); this file adds the link's own: down, rules, the ends.
 * Called by: eth_output() through ifc->ops, sim.c. Calls: the netem_*
 * draws and netem_schedule(), netem_trace(), event_heap_push(), pkt_free().
 */
#include "sim/link.h"

#include <stdio.h>
#include <string.h>

#include "sim/event.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/host.h"
#include "stack/trace.h"
#include "stack/wire/arp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"

static const struct iface_ops link_ops = {
    .transmit = link_transmit,
};

/* Apply a link MTU to the interfaces at its ends. */
static void
link_apply_mtu(struct link *l)
{
    uint16_t mtu = l->dir[0].wire.params.mtu;
    if (mtu == 0)
        return;
    l->a->mtu = mtu;
    l->b->mtu = mtu;
}

int
link_init(struct link *l, struct sim *s, unsigned index, const char *name, struct iface *a,
          struct iface *b, const struct link_params *p)
{
    if (a == NULL || b == NULL || a == b || !netem_params_valid(p))
        return -ERR_INVAL;
    if (link_of_iface(a) != NULL || link_of_iface(b) != NULL)
        return -ERR_INVAL;
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name ? name : "");
    l->index = index;
    l->sim = s;
    l->a = a;
    l->b = b;
    for (unsigned d = 0; d < 2; d++)
        netem_init(&l->dir[d].wire, p, s->seed, LINK_RNG_STREAM_BASE + 2ull * index + d);
    l->dir[0].from = a;
    l->dir[0].to = b;
    l->dir[1].from = b;
    l->dir[1].to = a;
    a->ops = &link_ops;
    a->drv = l;
    b->ops = &link_ops;
    b->drv = l;
    link_apply_mtu(l);
    return 0;
}

void
link_destroy(struct link *l)
{
    netem_destroy(&l->dir[0].wire);
    netem_destroy(&l->dir[1].wire);
}

int
link_set_params(struct link *l, const struct link_params *p)
{
    if (p == NULL || !netem_params_valid(p))
        return -ERR_INVAL;
    netem_set_params(&l->dir[0].wire, p);
    netem_set_params(&l->dir[1].wire, p);
    link_apply_mtu(l);
    return 0;
}

/* A note on the link with no packet: "link down", "link up". */
static void
link_note(struct link *l, const char *text)
{
    if (!trace_wanted(&l->sim->trace))
        return;
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = l->sim->now_ns;
    ev.kind = TRACE_WIRE;
    ev.layer = LAYER_WIRE;
    ev.where = l->name;
    snprintf(ev.text, sizeof ev.text, "%s", text);
    trace_emit(&l->sim->trace, &ev);
}

void
link_set_down(struct link *l, bool down)
{
    if (l->down != down)
        link_note(l, down ? "link down: frames offered now are dropped"
                          : "link up: frames flow again");
    l->down = down;
}

static void
link_down_call(struct sim *s, void *ctx)
{
    (void)s;
    link_set_down(ctx, true);
}

static void
link_up_call(struct sim *s, void *ctx)
{
    (void)s;
    link_set_down(ctx, false);
}

int
link_schedule_down(struct link *l, uint64_t at_ns, bool down)
{
    return sim_schedule_call(l->sim, at_ns, down ? link_down_call : link_up_call, l);
}

int
link_add_rule(struct link *l, const struct link_rule *r)
{
    if (r == NULL || (unsigned)r->action > LINK_RULE_CORRUPT ||
        (unsigned)r->proto > LINK_RULE_IPV6 || (unsigned)r->len_cmp > LINK_CMP_GE)
        return -ERR_INVAL;
    if (l->n_rules >= LINK_RULES_MAX)
        return -ERR_NOBUFS;
    struct link_rule *n = &l->rules[l->n_rules];
    *n = *r;
    if (n->nth == 0)
        n->nth = 1;
    n->seen = 0;
    n->hit_pkt_id = 0;
    return (int)l->n_rules++;
}

/* Is the frame's sender `h`: the interface it left by, or (through a switch)
 * one of h's MACs as its source? */
static bool
frame_from_host(const struct host *h, const struct link_dir *d, const uint8_t *b)
{
    if (d->from != NULL && d->from->host == h)
        return true;
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (memcmp(b + 6, h->ifaces[i].mac, ETH_ALEN) == 0)
            return true;
    return false;
}

/* Does addr belong to one of h's interfaces? */
static bool
host_has_addr(const struct host *h, uint32_t addr)
{
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (h->ifaces[i].addr != 0 && h->ifaces[i].addr == addr)
            return true;
    return false;
}

uint32_t
link_frame_payload_len(const uint8_t *b, size_t len)
{
    if (len < ETH_HDR_LEN + IPV4_HDR_MIN || be16_get(b + ETH_OFF_TYPE) != ETHERTYPE_IPV4)
        return 0;
    const uint8_t *ip = b + ETH_HDR_LEN;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    size_t total = be16_get(ip + IPV4_OFF_TOTAL_LEN);
    /* a short or damaged header: count what the frame holds */
    if (total > len - ETH_HDR_LEN)
        total = len - ETH_HDR_LEN;
    if (ihl < IPV4_HDR_MIN || ihl > total)
        return 0;
    size_t pn = total - ihl;
    uint16_t frag = be16_get(ip + IPV4_OFF_FRAG);
    if ((frag & (IPV4_FRAG_MASK | IPV4_FLAG_MF)) != 0)
        return (uint32_t)pn;  /* a fragment: no whole transport header to skip */
    size_t hdr = 0;
    switch (ip[IPV4_OFF_PROTO]) {
    case IPPROTO_TCP_:
        /* [RFC 9293 3.1] data offset: the header with its options (a
         * damaged offset below 5 words counts as the 20-byte minimum) */
        hdr = pn >= 13 ? (size_t)(ip[ihl + 12] >> 4) * 4 : pn;
        if (hdr < 20)
            hdr = 20;
        break;
    case IPPROTO_UDP_:
        hdr = 8;
        break;
    case IPPROTO_ICMP_:
        hdr = 8;
        break;
    default:
        break;
    }
    return (uint32_t)(pn > hdr ? pn - hdr : 0);
}

static bool
cmp_u32(uint32_t a, enum link_rule_cmp op, uint32_t b)
{
    switch (op) {
    case LINK_CMP_EQ: return a == b;
    case LINK_CMP_NE: return a != b;
    case LINK_CMP_LT: return a < b;
    case LINK_CMP_LE: return a <= b;
    case LINK_CMP_GT: return a > b;
    case LINK_CMP_GE: return a >= b;
    }
    return false;
}

bool
link_rule_matches(const struct link_rule *r, const struct link_dir *d, const struct pkt *p)
{
    const uint8_t *b = p->data;
    size_t len = p->len;
    if (len < ETH_HDR_LEN)
        return false;
    if (r->from != NULL && !frame_from_host(r->from, d, b))
        return false;
    uint16_t type = be16_get(b + ETH_OFF_TYPE);
    if (type == ETHERTYPE_IPV6 && r->match6 != NULL)
        return r->match6(r->match6_a, r->match6_b, b, len);
    if (r->proto == LINK_RULE_IPV6)
        return false;
    bool arp = type == ETHERTYPE_ARP && len >= ETH_HDR_LEN + ARP_LEN;
    bool ipv4 = type == ETHERTYPE_IPV4 && len >= ETH_HDR_LEN + IPV4_HDR_MIN;
    /* Addresses: IPv4 source and destination, ARP's sender and target. */
    if (r->to != NULL || r->has_src || r->has_dst) {
        if (!arp && !ipv4)
            return false;
        const uint8_t *l3 = b + ETH_HDR_LEN;
        uint32_t src = arp ? be32_get(l3 + 14) : be32_get(l3 + IPV4_OFF_SRC);
        uint32_t dst = arp ? be32_get(l3 + 24) : be32_get(l3 + IPV4_OFF_DST);
        if ((r->has_src && src != r->src) || (r->has_dst && dst != r->dst) ||
            (r->to != NULL && !host_has_addr(r->to, dst)))
            return false;
    }
    if (r->has_len && !cmp_u32(link_frame_payload_len(b, len), r->len_cmp, r->len))
        return false;
    if (type == ETHERTYPE_ARP)
        return (r->proto == LINK_RULE_ANY || r->proto == LINK_RULE_ARP) && r->port == 0 &&
               r->tcp_flags == 0 && r->tcp_flags_not == 0;
    if (!ipv4)
        return r->proto == LINK_RULE_ANY && r->port == 0 && r->tcp_flags == 0 &&
               r->tcp_flags_not == 0;
    const uint8_t *ip = b + ETH_HDR_LEN;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    uint8_t proto = ip[IPV4_OFF_PROTO];
    static const uint8_t want[] = { [LINK_RULE_ICMP] = IPPROTO_ICMP_,
                                    [LINK_RULE_UDP] = IPPROTO_UDP_,
                                    [LINK_RULE_TCP] = IPPROTO_TCP_ };
    if (r->proto == LINK_RULE_ARP)
        return false;
    if (r->proto != LINK_RULE_ANY && r->proto != LINK_RULE_IPV4 && proto != want[r->proto])
        return false;
    if (r->port == 0 && r->tcp_flags == 0 && r->tcp_flags_not == 0)
        return true;
    /* Ports and flags are in the first fragment only. */
    const uint8_t *l4 = ip + ihl;
    bool first = (be16_get(ip + IPV4_OFF_FRAG) & IPV4_FRAG_MASK) == 0;
    if (!first || (proto != IPPROTO_UDP_ && proto != IPPROTO_TCP_) ||
        ETH_HDR_LEN + ihl + (proto == IPPROTO_TCP_ ? 14u : 4u) > len)
        return false;
    if (r->port != 0 && be16_get(l4) != r->port && be16_get(l4 + 2) != r->port)
        return false;
    if (r->tcp_flags != 0 || r->tcp_flags_not != 0) {
        if (proto != IPPROTO_TCP_)
            return false;
        uint8_t flags = l4[13];
        if ((flags & r->tcp_flags) != r->tcp_flags || (flags & r->tcp_flags_not) != 0)
            return false;
    }
    return true;
}

struct link *
link_of_iface(const struct iface *ifc)
{
    if (ifc == NULL || ifc->ops != &link_ops)
        return NULL;
    return ifc->drv;
}

struct link_dir *
link_dir_from(struct link *l, const struct iface *ifc)
{
    if (l == NULL)
        return NULL;
    if (ifc == l->a)
        return &l->dir[0];
    if (ifc == l->b)
        return &l->dir[1];
    return NULL;
}

struct iface *
link_peer(const struct iface *ifc)
{
    struct link *l = link_of_iface(ifc);
    if (l == NULL)
        return NULL;
    return ifc == l->a ? l->b : l->a;
}

/* One trace event on the link: where = the link's name. */
static void
link_trace(struct link *l, enum trace_kind kind, const struct pkt *p, enum drop_reason reason)
{
    netem_trace(&l->sim->trace, l->sim->now_ns, l->name, kind, p, reason, NULL);
}

/* Refuse or lose p: trace the drop and free it (links have no host to count
 * it on, so pkt_drop() is not for them). */
static void
link_drop(struct link *l, struct pkt *p, enum drop_reason reason)
{
    link_trace(l, TRACE_DROP, p, reason);
    pkt_free(p);
}

/* What the rules decided for one frame. */
struct rule_verdict {
    bool drop;          /* a drop rule hit it */
    bool duplicate;     /* a duplicate rule hit it */
    bool corrupt;       /* a corrupt rule hit it */
    uint64_t delay_ns;  /* extra delay from delay rules */
};

/* Count the frame against every rule; the rules whose nth it is act on it. */
static void
link_apply_rules(struct link *l, struct link_dir *d, const struct pkt *p, struct rule_verdict *v)
{
    memset(v, 0, sizeof *v);
    for (unsigned i = 0; i < l->n_rules; i++) {
        struct link_rule *r = &l->rules[i];
        if (r->hit_pkt_id != 0 || !link_rule_matches(r, d, p))
            continue;
        if (++r->seen != r->nth)
            continue;
        r->hit_pkt_id = p->id;
        d->rule_hits++;
        switch (r->action) {
        case LINK_RULE_DROP:
            v->drop = true;
            break;
        case LINK_RULE_DELAY:
            v->delay_ns = netem_sat_add(v->delay_ns, r->delay_ns);
            break;
        case LINK_RULE_DUPLICATE:
            v->duplicate = true;
            break;
        case LINK_RULE_CORRUPT:
            v->corrupt = true;
            break;
        }
    }
}

/* Put p on direction d: queue, WIRE, loss, corruption, arrival. `copy` is
 * a duplicate, which is not rolled for duplication again. The draws, in
 * order: duplicate, loss, corrupt (and where), reorder, delay. */
static void
link_send(struct link *l, struct link_dir *d, struct pkt *p, const struct rule_verdict *rv,
          bool copy)
{
    struct sim *s = l->sim;
    struct netem *w = &d->wire;
    struct pkt *dup = NULL;
    if ((!copy && netem_roll_duplicate(w)) || rv->duplicate) {
        dup = pkt_clone(p);
        if (rv->duplicate && !copy)
            w->duplicated++;
    }
    uint64_t depart_ns, arrive_ns;
    switch (netem_schedule(w, s->now_ns, p->len, &depart_ns, &arrive_ns)) {
    case NETEM_QUEUE_FULL:
        link_drop(l, p, DROP_LINK_QUEUE_FULL);
        goto out_dup;
    case NETEM_NO_MEMORY:
        link_drop(l, p, DROP_NO_MEMORY);
        goto out_dup;
    case NETEM_QUEUED:
        break;
    }

    link_trace(l, TRACE_WIRE, p, DROP_NONE);

    if (rv->drop) {
        link_drop(l, p, DROP_LINK_RULE);
        goto out_dup;
    }
    if (netem_roll_loss(w)) {
        link_drop(l, p, DROP_LINK_LOSS);
        goto out_dup;
    }
    bool bad_fcs = false;
    if (netem_roll_corrupt(w) || rv->corrupt) {
        if (rv->corrupt && w->params.corrupt <= 0.0)
            w->corrupted++;
        pkt_touch(p);
        bad_fcs = !netem_corrupt_frame(w, p->data, p->len);
    }
    bool now = netem_roll_reorder(w);
    uint64_t delay = now ? 0 : netem_draw_delay(w);
    if (!now && rv->delay_ns == 0)
        arrive_ns = netem_fifo_arrival(w, depart_ns, delay);
    else
        arrive_ns = netem_sat_add(depart_ns, delay);  /* may pass the frames ahead */
    arrive_ns = netem_sat_add(arrive_ns, rv->delay_ns);

    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = arrive_ns;
    ev.kind = SIM_EV_FRAME;
    ev.u.frame.dst = d->to;
    ev.u.frame.p = p;
    ev.u.frame.via = w;
    ev.u.frame.bad_fcs = bad_fcs;
    if (event_heap_push(&s->heap, &ev) < 0)
        link_drop(l, p, DROP_NO_MEMORY);
out_dup:
    if (dup != NULL) {
        static const struct rule_verdict none;
        link_send(l, d, dup, &none, true);
    }
}

int
link_transmit(struct iface *ifc, struct pkt *p)
{
    struct link *l = link_of_iface(ifc);
    struct link_dir *d = link_dir_from(l, ifc);
    if (d == NULL) {
        /* not a link interface: a programming error, but never leak */
        pkt_free(p);
        return -ERR_INVAL;
    }
    if (l->down) {
        d->down_drops++;
        link_drop(l, p, DROP_LINK_DOWN);
        return 0;
    }
    struct rule_verdict rv;
    link_apply_rules(l, d, p, &rv);
    link_send(l, d, p, &rv, false);
    return 0;
}
