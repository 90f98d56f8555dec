/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netem.c - the faults of one direction of a wire: the serialiser and its
 * drop-tail queue, the random draws (loss random or Gilbert-Elliott,
 * duplicate, corrupt, reorder, delay with jitter), the FIFO arrival, and the
 * WIRE/DROP trace event every wire emits.
 *
 * Used by the simulated link (sim/link.c) and the TAP driver
 * (sim/drv_tap.c); it knows neither. Each function draws from the
 * direction's generator exactly as the knob it serves needs, so the order in
 * which a driver calls them is the order of the draws (see each driver).
 * Called by: link.c, drv_tap.c. Calls: rng_unit(), rng_below(),
 * trace_emit_frame().
 */
#include "sim/netem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/ipv4.h"
#include "stack/pkt.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"

#define NS_PER_S 1000000000ull
/* First size of a direction's backlog ring; it doubles up to the limit. */
#define NETEM_RING_INITIAL 16

uint64_t
netem_sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Written so that NaN fails too. */
static bool
chance_valid(double x)
{
    return x >= 0.0 && x <= 1.0;
}

bool
netem_params_valid(const struct link_params *p)
{
    return p == NULL ||
           (chance_valid(p->loss) && chance_valid(p->ge_p) && chance_valid(p->ge_r) &&
            chance_valid(p->ge_1h) && chance_valid(p->ge_1k) && chance_valid(p->duplicate) &&
            chance_valid(p->reorder) && chance_valid(p->corrupt) &&
            (p->mtu == 0 || p->mtu >= IPV4_MIN_MTU));
}

uint64_t
netem_serialisation_ns(uint64_t rate_bps, size_t frame_len)
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
    return netem_sat_add(whole_s * NS_PER_S, frac_ns);
}

void
netem_init(struct netem *n, const struct link_params *p, uint64_t seed, uint64_t stream)
{
    memset(n, 0, sizeof *n);
    if (p != NULL)
        n->params = *p;
    if (n->params.limit == 0)
        n->params.limit = LINK_LIMIT_DEFAULT;
    rng_seed(&n->rng, seed, stream);
}

void
netem_destroy(struct netem *n)
{
    free(n->depart_ns);
    n->depart_ns = NULL;
    n->ring_cap = 0;
    n->ring_head = 0;
    n->ring_count = 0;
}

int
netem_set_params(struct netem *n, const struct link_params *p)
{
    if (p == NULL || !netem_params_valid(p))
        return -ERR_INVAL;
    n->params = *p;
    if (n->params.limit == 0)
        n->params.limit = LINK_LIMIT_DEFAULT;
    return 0;
}

/* Slot k places after the head, k <= ring_cap (no division per frame). */
static size_t
ring_slot(const struct netem *n, size_t k)
{
    size_t i = n->ring_head + k;
    return i >= n->ring_cap ? i - n->ring_cap : i;
}

/* Forget frames whose last bit has left by now_ns. Departures are in FIFO
 * order and never decrease, so they leave from the head. */
static void
ring_prune(struct netem *n, uint64_t now_ns)
{
    while (n->ring_count > 0 && n->depart_ns[n->ring_head] <= now_ns) {
        n->ring_head = ring_slot(n, 1);
        n->ring_count--;
    }
}

/* Room for one more entry; false when memory runs out. */
static bool
ring_reserve(struct netem *n)
{
    if (n->ring_count < n->ring_cap)
        return true;
    size_t cap = n->ring_cap ? n->ring_cap * 2 : NETEM_RING_INITIAL;
    if (cap > n->params.limit)
        cap = n->params.limit;
    if (cap <= n->ring_count)
        cap = n->ring_count + 1;
    if (cap > SIZE_MAX / sizeof *n->depart_ns)
        return false;
    uint64_t *grown = malloc(cap * sizeof *grown);
    if (grown == NULL)
        return false;
    for (size_t i = 0; i < n->ring_count; i++)
        grown[i] = n->depart_ns[ring_slot(n, i)];
    free(n->depart_ns);
    n->depart_ns = grown;
    n->ring_cap = cap;
    n->ring_head = 0;
    return true;
}

enum netem_verdict
netem_schedule(struct netem *n, uint64_t now_ns, size_t frame_len, uint64_t *depart_ns,
               uint64_t *arrive_ns)
{
    ring_prune(n, now_ns);
    if (n->ring_count >= n->params.limit) {
        n->queue_drops++;
        return NETEM_QUEUE_FULL;
    }
    if (!ring_reserve(n)) {
        n->queue_drops++;
        return NETEM_NO_MEMORY;
    }
    uint64_t start_ns = n->busy_until_ns > now_ns ? n->busy_until_ns : now_ns;
    uint64_t depart =
        netem_sat_add(start_ns, netem_serialisation_ns(n->params.rate_bps, frame_len));
    uint64_t arrive = netem_sat_add(depart, n->params.delay_ns);
    n->depart_ns[ring_slot(n, n->ring_count)] = depart;
    n->ring_count++;
    n->busy_until_ns = depart;
    n->tx_frames++;
    n->tx_bytes += frame_len;
    *depart_ns = depart;
    *arrive_ns = arrive;
    return NETEM_QUEUED;
}

size_t
netem_backlog(const struct netem *n, uint64_t now_ns)
{
    size_t held = 0;
    for (size_t i = n->ring_count; i > 0; i--) {
        /* newest first: stop at the first one already gone */
        if (n->depart_ns[ring_slot(n, i - 1)] <= now_ns)
            break;
        held++;
    }
    return held;
}

/* True with chance x; draws only when 0 < x < 1. */
static bool
roll(struct netem *n, double x)
{
    if (x <= 0.0)
        return false;
    if (x >= 1.0)
        return true;
    return rng_unit(&n->rng) < x;
}

bool
netem_roll_loss(struct netem *n)
{
    bool lost;
    if (n->params.loss_model == LINK_LOSS_GEMODEL) {
        /* netem's loss_gilb_ell(): the state may change, and the loss is
         * drawn with the chance of the state the frame found. */
        bool was_bad = n->ge_bad;
        if (!was_bad) {
            if (roll(n, n->params.ge_p))
                n->ge_bad = true;
            lost = roll(n, n->params.ge_1k);
        } else {
            if (roll(n, n->params.ge_r))
                n->ge_bad = false;
            lost = roll(n, n->params.ge_1h);
        }
    } else {
        lost = roll(n, n->params.loss);
    }
    if (lost)
        n->lost++;
    return lost;
}

bool
netem_roll_duplicate(struct netem *n)
{
    bool dup = roll(n, n->params.duplicate);
    if (dup)
        n->duplicated++;
    return dup;
}

bool
netem_roll_corrupt(struct netem *n)
{
    bool bad = roll(n, n->params.corrupt);
    if (bad)
        n->corrupted++;
    return bad;
}

bool
netem_roll_reorder(struct netem *n)
{
    if (n->params.reorder <= 0.0)
        return false;
    uint32_t gap = n->params.reorder_gap == 0 ? 1 : n->params.reorder_gap;
    /* netem_enqueue(): "if (q->gap == 0 || q->counter < q->gap - 1 ||
     * q->reorder < rnd)" delay as usual and count; else send now, reset. */
    if (n->reorder_count < gap - 1 || !roll(n, n->params.reorder)) {
        n->reorder_count++;
        return false;
    }
    n->reorder_count = 0;
    n->reordered++;
    return true;
}

uint64_t
netem_draw_delay(struct netem *n)
{
    uint64_t mu = n->params.delay_ns, sigma = n->params.jitter_ns;
    if (sigma == 0)
        return mu;
    double x;
    if (n->params.jitter_dist == LINK_JITTER_NORMAL) {
        /* Box-Muller on two uniform draws; u1 in (0, 1] keeps log finite. */
        double u1 = 1.0 - rng_unit(&n->rng);
        double u2 = rng_unit(&n->rng);
        double z = sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
        x = (double)mu + z * (double)sigma;
    } else {
        /* netem's tabledist() without a table: mu - sigma + rnd % (2 sigma). */
        x = (double)mu - (double)sigma + (double)rng_below(&n->rng, 2 * sigma);
    }
    if (x <= 0.0)
        return 0;
    if (x >= 1.8e19)
        return UINT64_MAX;
    return (uint64_t)x;
}

size_t
netem_corrupt_span(const uint8_t *b, size_t len, bool l2)
{
    if (l2 || len < ETH_HDR_LEN + IPV4_HDR_MIN || be16_get(b + ETH_OFF_TYPE) != ETHERTYPE_IPV4)
        return 0;
    /* Inside the datagram, not in the Ethernet padding after it, so a
     * checksum always sees it: inverting an octet changes the 16-bit
     * one's complement sum by an odd multiple of 1 or 256, never by 0xffff. */
    size_t ip_len = be16_get(b + ETH_HDR_LEN + IPV4_OFF_TOTAL_LEN);
    if (ip_len < IPV4_HDR_MIN || ETH_HDR_LEN + ip_len > len)
        ip_len = len - ETH_HDR_LEN;
    return ip_len;
}

bool
netem_corrupt_at(const struct netem *n, uint8_t *b, size_t len, uint64_t draw)
{
    size_t span = netem_corrupt_span(b, len, n->params.corrupt_l2);
    if (span == 0)
        return false;
    b[ETH_HDR_LEN + (size_t)(draw % span)] ^= 0xff;
    return true;
}

bool
netem_corrupt_frame(struct netem *n, uint8_t *b, size_t len)
{
    size_t span = netem_corrupt_span(b, len, n->params.corrupt_l2);
    if (span == 0)
        return false;
    size_t at = ETH_HDR_LEN + (size_t)rng_below(&n->rng, span);
    b[at] ^= 0xff;
    return true;
}

uint64_t
netem_fifo_arrival(struct netem *n, uint64_t depart_ns, uint64_t delay_ns)
{
    uint64_t arrive_ns = netem_sat_add(depart_ns, delay_ns);
    if (arrive_ns < n->last_arrive_ns)
        arrive_ns = n->last_arrive_ns;
    n->last_arrive_ns = arrive_ns;
    return arrive_ns;
}

void
netem_trace(struct trace *tr, uint64_t now_ns, const char *where, enum trace_kind kind,
            const struct pkt *p, enum drop_reason reason, const char *side)
{
    if (!trace_wanted(tr))
        return;
    /* not zeroed whole: two wire events a data segment */
    struct trace_event ev;
    trace_event_start(&ev, now_ns, kind, LAYER_WIRE, NULL, where, p, p->cause);
    if (kind == TRACE_DROP) {
        ev.reason = (int)reason;
        ev.rfc = drop_reason_rfc(reason);
        /* text stays empty: sinks print the reason's sentence */
        trace_emit(tr, &ev);
        return;
    }
    /* "<frame_describe> on alice-bob" or "... on bob-nstap0 (to kernel)",
     * built only if a sink reads it */
    if (side != NULL)
        trace_emit_frame(tr, &ev, " on %s (%s)", where, side);
    else
        trace_emit_frame(tr, &ev, " on %s", where);
}
