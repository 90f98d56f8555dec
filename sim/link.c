/*
 * link.c - a simulated point-to-point link: timing arithmetic and its driver.
 *
 * This file is also the simulated-link driver ("drv_sim"): the iface_ops whose
 * transmit() takes a finished frame from the host's Ethernet layer and puts it
 * on the link. Per frame, in order:
 *   link down       -> DROP LINK_DOWN (the frame never reaches the wire)
 *   queue full      -> DROP LINK_QUEUE_FULL (idem)
 *   otherwise       -> WIRE event (what the capture records), then
 *   lost in flight  -> DROP LINK_LOSS (it was on the wire, so WIRE came first)
 *   else            -> SIM_EV_FRAME at the arrival time, to the far interface
 * A lost frame still occupies the serialiser for its whole length: the bits
 * went out, they just never arrived.
 * Called by: eth_output() through ifc->ops, sim.c. Calls: trace_emit(),
 * frame_describe(), event_heap_push(), rng_unit(), pkt_free().
 */
#include "sim/link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/event.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/trace.h"
#include "stack/wire/describe.h"

#define NS_PER_S 1000000000ull
/* First size of a direction's backlog ring; it doubles up to the limit. */
#define LINK_RING_INITIAL 16

static const struct iface_ops link_ops = {
    .transmit = link_transmit,
};

/* a + b, stuck at UINT64_MAX instead of wrapping. */
static uint64_t
sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static bool
link_params_valid(const struct link_params *p)
{
    /* Written so that NaN fails too. */
    return p == NULL || (p->loss >= 0.0 && p->loss <= 1.0);
}

uint64_t
link_serialisation_ns(uint64_t rate_bps, size_t frame_len)
{
    if (rate_bps == 0)
        return 0;
    uint64_t len = (uint64_t)frame_len;
    if (len > UINT64_MAX / 8)
        return UINT64_MAX;
    uint64_t bits = len * 8;
    /* ns = ceil(bits * 1e9 / rate) without a 128-bit product: whole seconds
     * first, then the nine decimal digits of the remainder by long division
     * (r < rate, so r * 10 cannot overflow for any rate below 1.8e18). */
    uint64_t whole_s = bits / rate_bps;
    uint64_t r = bits % rate_bps;
    if (whole_s > UINT64_MAX / NS_PER_S)
        return UINT64_MAX;
    uint64_t frac_ns = 0;
    for (int digit = 0; digit < 9; digit++) {
        r *= 10;
        frac_ns = frac_ns * 10 + r / rate_bps;
        r %= rate_bps;
    }
    if (r != 0)
        frac_ns++;  /* round up: never faster than the wire */
    return sat_add(whole_s * NS_PER_S, frac_ns);
}

void
link_dir_init(struct link_dir *d, const struct link_params *p, uint64_t seed, uint64_t stream)
{
    memset(d, 0, sizeof *d);
    if (p != NULL)
        d->params = *p;
    if (d->params.limit == 0)
        d->params.limit = LINK_LIMIT_DEFAULT;
    rng_seed(&d->rng, seed, stream);
}

void
link_dir_destroy(struct link_dir *d)
{
    free(d->depart_ns);
    d->depart_ns = NULL;
    d->ring_cap = 0;
    d->ring_head = 0;
    d->ring_count = 0;
}

int
link_dir_set_params(struct link_dir *d, const struct link_params *p)
{
    if (p == NULL || !link_params_valid(p))
        return -ERR_INVAL;
    d->params = *p;
    if (d->params.limit == 0)
        d->params.limit = LINK_LIMIT_DEFAULT;
    return 0;
}

/* Forget frames whose last bit has left by now_ns. Departures are in FIFO
 * order and never decrease, so they leave from the head. */
static void
ring_prune(struct link_dir *d, uint64_t now_ns)
{
    while (d->ring_count > 0 && d->depart_ns[d->ring_head] <= now_ns) {
        d->ring_head = (d->ring_head + 1) % d->ring_cap;
        d->ring_count--;
    }
}

/* Room for one more entry; false when memory runs out. */
static bool
ring_reserve(struct link_dir *d)
{
    if (d->ring_count < d->ring_cap)
        return true;
    size_t cap = d->ring_cap ? d->ring_cap * 2 : LINK_RING_INITIAL;
    if (cap > d->params.limit)
        cap = d->params.limit;
    if (cap <= d->ring_count)
        cap = d->ring_count + 1;
    if (cap > SIZE_MAX / sizeof *d->depart_ns)
        return false;
    uint64_t *grown = malloc(cap * sizeof *grown);
    if (grown == NULL)
        return false;
    for (size_t i = 0; i < d->ring_count; i++)
        grown[i] = d->depart_ns[(d->ring_head + i) % d->ring_cap];
    free(d->depart_ns);
    d->depart_ns = grown;
    d->ring_cap = cap;
    d->ring_head = 0;
    return true;
}

enum link_verdict
link_schedule(struct link_dir *d, uint64_t now_ns, size_t frame_len, uint64_t *depart_ns,
              uint64_t *arrive_ns)
{
    ring_prune(d, now_ns);
    if (d->ring_count >= d->params.limit) {
        d->queue_drops++;
        return LINK_QUEUE_FULL;
    }
    if (!ring_reserve(d)) {
        d->queue_drops++;
        return LINK_NO_MEMORY;
    }
    uint64_t start_ns = d->busy_until_ns > now_ns ? d->busy_until_ns : now_ns;
    uint64_t depart = sat_add(start_ns, link_serialisation_ns(d->params.rate_bps, frame_len));
    uint64_t arrive = sat_add(depart, d->params.delay_ns);
    d->depart_ns[(d->ring_head + d->ring_count) % d->ring_cap] = depart;
    d->ring_count++;
    d->busy_until_ns = depart;
    d->tx_frames++;
    d->tx_bytes += frame_len;
    *depart_ns = depart;
    *arrive_ns = arrive;
    return LINK_QUEUED;
}

size_t
link_dir_backlog(const struct link_dir *d, uint64_t now_ns)
{
    size_t held = 0;
    for (size_t i = d->ring_count; i > 0; i--) {
        /* newest first: stop at the first one already gone */
        if (d->depart_ns[(d->ring_head + i - 1) % d->ring_cap] <= now_ns)
            break;
        held++;
    }
    return held;
}

bool
link_dir_roll_loss(struct link_dir *d)
{
    bool lost;
    if (d->params.loss <= 0.0)
        lost = false;
    else if (d->params.loss >= 1.0)
        lost = true;
    else
        lost = rng_unit(&d->rng) < d->params.loss;
    if (lost)
        d->lost++;
    return lost;
}

int
link_init(struct link *l, struct sim *s, unsigned index, const char *name, struct iface *a,
          struct iface *b, const struct link_params *p)
{
    if (a == NULL || b == NULL || a == b || !link_params_valid(p))
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
        link_dir_init(&l->dir[d], p, s->seed, LINK_RNG_STREAM_BASE + 2ull * index + d);
    l->dir[0].from = a;
    l->dir[0].to = b;
    l->dir[1].from = b;
    l->dir[1].to = a;
    a->ops = &link_ops;
    a->drv = l;
    b->ops = &link_ops;
    b->drv = l;
    return 0;
}

void
link_destroy(struct link *l)
{
    link_dir_destroy(&l->dir[0]);
    link_dir_destroy(&l->dir[1]);
}

int
link_set_params(struct link *l, const struct link_params *p)
{
    if (p == NULL || !link_params_valid(p))
        return -ERR_INVAL;
    link_dir_set_params(&l->dir[0], p);
    link_dir_set_params(&l->dir[1], p);
    return 0;
}

void
link_set_down(struct link *l, bool down)
{
    l->down = down;
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

/* One trace event on the link: host NULL, where = the link's name. */
static void
link_trace(struct link *l, enum trace_kind kind, const struct pkt *p, enum drop_reason reason)
{
    if (!trace_wanted(&l->sim->trace))
        return;
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = l->sim->now_ns;
    ev.kind = kind;
    ev.layer = LAYER_WIRE;
    ev.host = NULL;
    ev.where = l->name;
    ev.pkt = p;
    ev.cause = p->cause;
    if (kind == TRACE_DROP) {
        ev.reason = (int)reason;
        ev.rfc = drop_reason_rfc(reason);
        /* text stays empty: sinks print the reason's sentence */
    } else {
        /* "<frame_describe> on alice-bob", the suffix kept even when the
         * description is cut short */
        char suffix[LINK_NAME_LEN + 8];
        int sl = snprintf(suffix, sizeof suffix, " on %s", l->name);
        size_t suffix_len = sl < 0 ? 0 : (size_t)sl;
        if (suffix_len >= sizeof ev.text)
            suffix_len = 0;
        size_t room = sizeof ev.text - suffix_len;
        frame_describe(p->data, p->len, ev.text, room);
        size_t used = strnlen(ev.text, room - 1);
        memcpy(ev.text + used, suffix, suffix_len);
        ev.text[used + suffix_len] = '\0';
    }
    trace_emit(&l->sim->trace, &ev);
}

/* Refuse or lose p: trace the drop and free it (links have no host to count
 * it on, so pkt_drop() is not for them). */
static void
link_drop(struct link *l, struct pkt *p, enum drop_reason reason)
{
    link_trace(l, TRACE_DROP, p, reason);
    pkt_free(p);
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
    struct sim *s = l->sim;

    if (l->down) {
        d->down_drops++;
        link_drop(l, p, DROP_LINK_DOWN);
        return 0;
    }

    uint64_t depart_ns, arrive_ns;
    switch (link_schedule(d, s->now_ns, p->len, &depart_ns, &arrive_ns)) {
    case LINK_QUEUE_FULL:
        link_drop(l, p, DROP_LINK_QUEUE_FULL);
        return 0;
    case LINK_NO_MEMORY:
        link_drop(l, p, DROP_NO_MEMORY);
        return 0;
    case LINK_QUEUED:
        break;
    }

    link_trace(l, TRACE_WIRE, p, DROP_NONE);

    if (link_dir_roll_loss(d)) {
        link_drop(l, p, DROP_LINK_LOSS);
        return 0;
    }

    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = arrive_ns;
    ev.kind = SIM_EV_FRAME;
    ev.u.frame.dst = d->to;
    ev.u.frame.p = p;
    ev.u.frame.via = d;
    if (event_heap_push(&s->heap, &ev) < 0)
        link_drop(l, p, DROP_NO_MEMORY);
    return 0;
}
