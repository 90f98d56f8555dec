/*
 * link.h - a simulated point-to-point link, and the driver that feeds it.
 *
 * A link joins two interfaces like a crossover cable: full duplex, and each
 * direction is independent (its own queue, serialiser, counters and random
 * generator). A direction has netem's knobs:
 *
 *   delay  propagation delay added after the last bit leaves the sender
 *   rate   bits per second; a frame takes len*8/rate seconds to serialise
 *          (0 = infinitely fast). Frames queue behind each other FIFO.
 *   limit  frames that may be waiting or serialising at once; a frame that
 *          finds `limit` ahead of it is dropped (drop-tail), as netem's limit
 *   loss   chance in [0, 1] that a frame which went on the wire never arrives
 *
 * Bytes on the wire: a frame counts as exactly p->len bytes, the frame as the
 * stack carries it (Ethernet header + payload + padding to 60, no FCS, no
 * preamble or inter-frame gap). That is also what the capture shows, so the
 * arithmetic a student does from the pcap matches the timing the view shows.
 * Serialisation times are rounded up to the next nanosecond, so a frame never
 * arrives before its last bit could have.
 *
 * The timing is pure arithmetic in link_schedule(), so it can be tested to the
 * nanosecond. The driver (link.c's iface_ops) wraps it: it emits the WIRE trace
 * event the capture records, decides loss, and schedules the arrival as a
 * SIM_EV_FRAME on the world's heap.
 */
#ifndef NETSTEP_SIM_LINK_H
#define NETSTEP_SIM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/rng.h"

/* Queue limit when a link is made with limit 0: netem's default. */
#define LINK_LIMIT_DEFAULT 1000u
/* "alice-bob" from two host names, plus a "/2" when the pair has two links. */
#define LINK_NAME_LEN 80
/* Random streams of links start here, so they never meet a host's stream
 * (hosts use their index: 0, 1, 2...). Direction d of link i uses
 * LINK_RNG_STREAM_BASE + 2*i + d. */
#define LINK_RNG_STREAM_BASE (1ull << 32)

struct iface;
struct pkt;
struct sim;

struct link_params {
    uint64_t delay_ns;  /* one-way propagation delay */
    uint64_t rate_bps;  /* bits per second; 0 = no serialisation time */
    double loss;        /* chance in [0, 1] a frame is lost in flight */
    uint32_t limit;     /* frames waiting or serialising; 0 = LINK_LIMIT_DEFAULT */
};

/* What link_schedule() decided. */
enum link_verdict {
    LINK_QUEUED,      /* accepted; depart/arrive times written */
    LINK_QUEUE_FULL,  /* `limit` frames already ahead: drop-tail */
    LINK_NO_MEMORY,   /* the backlog array could not grow */
};

/* One direction of a link. */
struct link_dir {
    struct link_params params;  /* limit already resolved (never 0) */
    struct rng rng;             /* loss decisions of this direction */
    uint64_t busy_until_ns;     /* when the serialiser finishes its last frame */
    uint64_t *depart_ns;        /* ring: departure times of frames still held */
    size_t ring_cap;            /* slots in depart_ns */
    size_t ring_head;           /* oldest entry */
    size_t ring_count;          /* entries held */
    struct iface *from;         /* sending interface (NULL in pure tests) */
    struct iface *to;           /* receiving interface (NULL in pure tests) */
    /* counters */
    uint64_t tx_frames;         /* frames put on the wire (lost ones included) */
    uint64_t tx_bytes;          /* their bytes */
    uint64_t lost;              /* frames lost in flight (random loss) */
    uint64_t queue_drops;       /* frames refused: queue full, or no memory */
    uint64_t down_drops;        /* frames refused because the link was down */
    uint64_t delivered;         /* frames handed to the far interface */
};

struct link {
    char name[LINK_NAME_LEN];   /* "alice-bob": the `where` of its trace events */
    unsigned index;             /* position in the world's link table */
    struct sim *sim;            /* the world: clock, heap, trace bus */
    struct iface *a;            /* first end */
    struct iface *b;            /* second end */
    bool down;                  /* frames offered while down are dropped */
    struct link_dir dir[2];     /* dir[0] carries a -> b, dir[1] b -> a */
};

/* --- one direction: pure arithmetic ------------------------------------- */

/* Nanoseconds to clock frame_len bytes onto a wire of rate_bps, rounded up;
 * 0 when rate_bps is 0. Example: 1000 bytes at 8 Mbit/s = 1000000 ns. */
uint64_t link_serialisation_ns(uint64_t rate_bps, size_t frame_len);

/* Set up d with params p (NULL: all zero, default limit), its generator
 * seeded with rng_seed(seed, stream). Allocates nothing yet. */
void link_dir_init(struct link_dir *d, const struct link_params *p, uint64_t seed,
                   uint64_t stream);
void link_dir_destroy(struct link_dir *d);

/* Change the parameters; frames already held keep their times. -ERR_INVAL
 * for a loss outside [0, 1]. */
int link_dir_set_params(struct link_dir *d, const struct link_params *p);

/* Offer a frame of frame_len bytes at now_ns. A frame stops counting against
 * the limit the instant its last bit leaves (depart_ns <= now_ns). If fewer
 * than `limit` frames are held, the frame starts serialising when the
 * previous one is done (or now), and
 *     *depart_ns = max(now_ns, busy_until) + serialisation time
 *     *arrive_ns = *depart_ns + delay_ns
 * and tx_frames/tx_bytes count it; else queue_drops counts it. Only d
 * changes: no packet, heap or trace is involved. */
enum link_verdict link_schedule(struct link_dir *d, uint64_t now_ns, size_t frame_len,
                                uint64_t *depart_ns, uint64_t *arrive_ns);

/* Frames waiting or serialising at now_ns. */
size_t link_dir_backlog(const struct link_dir *d, uint64_t now_ns);

/* Draw whether the next frame is lost; counts it in `lost` if so. Draws
 * from the generator only when 0 < loss < 1. */
bool link_dir_roll_loss(struct link_dir *d);

/* --- the link and its driver ------------------------------------------- */

/* Join a and b (different interfaces, not on a link yet) with p in both
 * directions: installs the link driver as both interfaces' ops (drv = l).
 * Seeds direction d with rng_seed(s->seed, LINK_RNG_STREAM_BASE + 2*index + d).
 * `name` becomes l->name (truncated). Returns 0 or -ERR_INVAL. Does not bring
 * the interfaces up (sim_add_link does). */
int link_init(struct link *l, struct sim *s, unsigned index, const char *name,
              struct iface *a, struct iface *b, const struct link_params *p);
/* Free the backlog arrays. Frames in flight are events on the world's heap,
 * not the link's: sim_destroy() frees them. */
void link_destroy(struct link *l);

/* Both directions at once; -ERR_INVAL for a bad loss (nothing changes). */
int link_set_params(struct link *l, const struct link_params *p);

/* A down link drops every frame offered to it (DROP_LINK_DOWN); frames
 * already in flight still arrive. */
void link_set_down(struct link *l, bool down);

/* The link ifc is attached to, or NULL (not on a link). */
struct link *link_of_iface(const struct iface *ifc);

/* The direction that carries frames sent by ifc, or NULL. */
struct link_dir *link_dir_from(struct link *l, const struct iface *ifc);

/* The other end of ifc's link, or NULL. */
struct iface *link_peer(const struct iface *ifc);

/* The driver entry point (also reachable as ifc->ops->transmit): put frame p
 * on ifc's link at the world's current time. Takes ownership of p on every
 * path. Emits WIRE (the capture's record), then, for a lost frame, a DROP;
 * a frame refused (link down, queue full) gets only a DROP. Returns 0 whenever
 * the frame was taken, lost or not: a wire never tells the sender. */
int link_transmit(struct iface *ifc, struct pkt *p);

#endif
