/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netem.h - the faults of one direction of a wire, as Linux's netem applies
 * them: shared by the simulated link (sim/link.h) and the TAP driver
 * (sim/drv_tap.h), which both carry frames through a struct netem.
 *
 * The knobs (struct link_params, named for the `link` statement that sets
 * them, and set on a TAP device by the same words):
 *
 *   delay  propagation delay added after the last bit leaves the sender
 *   rate   bits per second; a frame takes len*8/rate seconds to serialise
 *          (0 = infinitely fast). Frames queue behind each other FIFO.
 *   limit  frames that may be waiting or serialising at once; a frame that
 *          finds `limit` ahead of it is dropped (drop-tail), as netem's limit
 *   loss   chance in [0, 1] that a frame which went on the wire never arrives
 *          (random), or netem's `loss gemodel p r 1-h 1-k`: the Gilbert-
 *          Elliott two-state chain for bursts (LINK_LOSS_GEMODEL)
 *   jitter delay varies per frame: uniform in [delay - jitter, delay + jitter]
 *          (netem's default without a distribution table) or normal with
 *          sigma = jitter (netem's `distribution normal`), never below 0.
 *          Unlike netem, frames stay in FIFO order: a frame never arrives
 *          before the one sent ahead of it (only `reorder` and a delay rule
 *          reorder). netem reorders under jitter unless a rate is set.
 *   duplicate  chance a frame is sent twice (the copy takes the loss and
 *          corrupt rolls again, not the duplicate roll, as in netem)
 *   reorder    chance, with `gap`, that a frame skips the delay: netem's
 *          `reorder P gap G`: after G-1 delayed frames, the next goes at once
 *          with probability P (G defaults to 1, as tc sets it)
 *   corrupt    chance a frame is damaged: one octet inside the IPv4 datagram
 *          is inverted, so its IP, ICMP, UDP or TCP checksum catches it at
 *          the receiver (netem flips one bit anywhere); with corrupt_l2, or
 *          for a frame that is not IPv4 (ARP has no checksum), the frame
 *          counts as a bad FCS and the receiving NIC drops it (ETH_BAD_FCS)
 *   mtu    if not 0, both interfaces' MTU (the hosts fragment to it); a
 *          link applies it, a TAP device keeps the kernel's
 *
 * Every random decision of a direction comes from its own seeded generator;
 * each driver takes the draws in a fixed order per frame, so a run replays
 * exactly. Each roll draws only when its chance is strictly between 0 and 1,
 * so a knob left at 0 (or set to 1) takes nothing from the stream.
 *
 * Bytes on the wire: a frame counts as exactly its length as the stack
 * carries it (Ethernet header + payload + padding to 60, no FCS, no preamble
 * or inter-frame gap). That is also what the capture shows, so the arithmetic
 * a student does from the pcap matches the timing the view shows.
 * Serialisation times are rounded up to the next nanosecond, so a frame never
 * arrives before its last bit could have.
 *
 * Everything here but netem_trace() is arithmetic on one struct netem: no
 * packet, heap or clock, so it is tested to the nanosecond and the draw.
 */
#ifndef NETSTEP_SIM_NETEM_H
#define NETSTEP_SIM_NETEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"
#include "stack/rng.h"
#include "stack/trace.h"

struct pkt;

/* Queue limit when a wire is made with limit 0: netem's default. */
#define LINK_LIMIT_DEFAULT 1000u

enum link_jitter_dist {
    LINK_JITTER_UNIFORM,  /* delay +- jitter, uniform (netem's default) */
    LINK_JITTER_NORMAL,   /* normal, mean delay, sigma jitter */
};

enum link_loss_model {
    LINK_LOSS_RANDOM,   /* each frame lost with chance `loss` */
    LINK_LOSS_GEMODEL,  /* Gilbert-Elliott: ge_p, ge_r, ge_1h, ge_1k as netem */
};

struct link_params {
    uint64_t delay_ns;   /* one-way propagation delay */
    uint64_t rate_bps;   /* bits per second; 0 = no serialisation time */
    double loss;         /* chance in [0, 1] a frame is lost in flight (RANDOM) */
    uint32_t limit;      /* frames waiting or serialising; 0 = LINK_LIMIT_DEFAULT */
    uint64_t jitter_ns;  /* delay variation; 0 = none */
    enum link_jitter_dist jitter_dist;  /* its distribution */
    enum link_loss_model loss_model;    /* RANDOM or GEMODEL */
    double ge_p;         /* GEMODEL: chance good -> bad per frame */
    double ge_r;         /* GEMODEL: chance bad -> good per frame */
    double ge_1h;        /* GEMODEL: chance of loss in the bad state (netem's 1-h) */
    double ge_1k;        /* GEMODEL: chance of loss in the good state (netem's 1-k) */
    double duplicate;    /* chance in [0, 1] a frame is sent twice */
    double reorder;      /* chance in [0, 1] a frame skips the delay (see gap) */
    uint32_t reorder_gap;  /* netem's gap; 0 means 1 */
    double corrupt;      /* chance in [0, 1] a frame is damaged */
    bool corrupt_l2;     /* damage as a bad FCS (dropped by the NIC) instead */
    uint16_t mtu;        /* if not 0, both interfaces' MTU */
};

/* What netem_schedule() decided. */
enum netem_verdict {
    NETEM_QUEUED,      /* accepted; depart/arrive times written */
    NETEM_QUEUE_FULL,  /* `limit` frames already ahead: drop-tail */
    NETEM_NO_MEMORY,   /* the backlog array could not grow */
};

/* One direction of a wire: its faults, its queue, its generator, its counts. */
struct netem {
    struct link_params params;  /* limit already resolved (never 0) */
    struct rng rng;             /* every draw of this direction */
    uint64_t busy_until_ns;     /* when the serialiser finishes its last frame */
    uint64_t *depart_ns;        /* ring: departure times of frames still held */
    size_t ring_cap;            /* slots in depart_ns */
    size_t ring_head;           /* oldest entry */
    size_t ring_count;          /* entries held */
    bool ge_bad;                /* Gilbert-Elliott: in the bad state */
    uint32_t reorder_count;     /* netem's counter: frames delayed since the last jump */
    uint64_t last_arrive_ns;    /* FIFO: no normal frame arrives before this */
    /* counters */
    uint64_t tx_frames;         /* frames put on the wire (lost ones included) */
    uint64_t tx_bytes;          /* their bytes */
    uint64_t lost;              /* frames lost in flight (random loss) */
    uint64_t queue_drops;       /* frames refused: queue full, or no memory */
    uint64_t delivered;         /* frames handed to the far end */
    uint64_t duplicated;        /* frames sent twice */
    uint64_t corrupted;         /* frames damaged */
    uint64_t reordered;         /* frames that skipped the delay */
};

/* Every chance in [0, 1] (NaN fails) and mtu 0 or at least IPv4's minimum.
 * NULL is valid: no faults. */
bool netem_params_valid(const struct link_params *p);

/* Nanoseconds to clock frame_len bytes onto a wire of rate_bps, rounded up;
 * 0 when rate_bps is 0. Example: 1000 bytes at 8 Mbit/s = 1000000 ns. */
uint64_t netem_serialisation_ns(uint64_t rate_bps, size_t frame_len);

/* Set up n with params p (NULL: all zero, default limit), its generator
 * seeded with rng_seed(seed, stream). Allocates nothing yet. */
void netem_init(struct netem *n, const struct link_params *p, uint64_t seed, uint64_t stream);
void netem_destroy(struct netem *n);

/* Change the parameters; frames already held keep their times. -ERR_INVAL
 * (nothing changes) when netem_params_valid() refuses p or p is NULL. */
int netem_set_params(struct netem *n, const struct link_params *p);

/* Offer a frame of frame_len bytes at now_ns. A frame stops counting against
 * the limit the instant its last bit leaves (depart_ns <= now_ns). If fewer
 * than `limit` frames are held, the frame starts serialising when the
 * previous one is done (or now), and
 *     *depart_ns = max(now_ns, busy_until) + serialisation time
 *     *arrive_ns = *depart_ns + delay_ns
 * and tx_frames/tx_bytes count it; else queue_drops counts it. */
enum netem_verdict netem_schedule(struct netem *n, uint64_t now_ns, size_t frame_len,
                                  uint64_t *depart_ns, uint64_t *arrive_ns);

/* Frames waiting or serialising at now_ns. */
size_t netem_backlog(const struct netem *n, uint64_t now_ns);

/* Draw whether the next frame is lost; counts it in `lost` if so. RANDOM
 * draws from the generator only when 0 < loss < 1; GEMODEL follows netem's
 * loss_gilb_ell(): move between states (p, r), then lose with 1-h in the bad
 * state or 1-k in the good one, as the state was before the move. */
bool netem_roll_loss(struct netem *n);
/* The other per-frame draws, each counted when it happens. */
bool netem_roll_duplicate(struct netem *n);
bool netem_roll_corrupt(struct netem *n);
/* netem's reorder decision: true = this frame goes without delay. */
bool netem_roll_reorder(struct netem *n);
/* This frame's delay: delay_ns with jitter drawn from its distribution. */
uint64_t netem_draw_delay(struct netem *n);

/* How many octets after the Ethernet header `corrupt` may hit in frame b
 * (len bytes): the IPv4 datagram's; 0 when the damage must be a bad FCS
 * instead (l2, or a frame that is not IPv4). */
size_t netem_corrupt_span(const uint8_t *b, size_t len, bool l2);
/* Damage frame b (len bytes) as `corrupt` does, the octet chosen by `draw`
 * (a raw draw from the generator, taken modulo the span): true if it
 * inverted an octet inside an IPv4 datagram, false if the frame must count
 * as a bad FCS instead (corrupt_l2, or not IPv4). */
bool netem_corrupt_at(const struct netem *n, uint8_t *b, size_t len, uint64_t draw);
/* The same, drawing the octet from n now (the link's order of draws). */
bool netem_corrupt_frame(struct netem *n, uint8_t *b, size_t len);

/* When a frame that left at depart_ns with `delay_ns` arrives, kept in FIFO
 * order behind every frame that came this way before it (jitter never lets
 * a frame pass the one ahead of it). */
uint64_t netem_fifo_arrival(struct netem *n, uint64_t depart_ns, uint64_t delay_ns);

/* a + b, stuck at UINT64_MAX instead of wrapping. */
uint64_t netem_sat_add(uint64_t a, uint64_t b);

/* The trace event of a wire, the one place it is built: host NULL, layer
 * WIRE, `where` the wire's name. For TRACE_DROP the text stays empty (sinks
 * print the reason's sentence); otherwise it is "<frame_describe> on WHERE",
 * or "... on WHERE (SIDE)" when side is not NULL, the suffix kept even when
 * the description is cut short. Nothing is built when nobody listens. */
void netem_trace(struct trace *tr, uint64_t now_ns, const char *where, enum trace_kind kind,
                 const struct pkt *p, enum drop_reason reason, const char *side);

#endif
