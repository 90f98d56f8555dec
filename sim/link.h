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
 *   mtu    if not 0, both interfaces' MTU (the hosts fragment to it)
 *
 * Every random decision of a direction comes from its own seeded generator,
 * in a fixed order per frame (rules, duplicate, loss, corrupt, reorder,
 * jitter), so a run replays exactly.
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

/* Per-packet rules: "drop / delay / duplicate / corrupt the Nth packet that
 * matches". A rule counts the frames that match its filter from the moment
 * it is added and acts on exactly the nth, once. */
enum link_rule_action {
    LINK_RULE_DROP,       /* lost on the wire (it is in the capture) */
    LINK_RULE_DELAY,      /* arrives delay_ns later than it would have */
    LINK_RULE_DUPLICATE,  /* sent twice */
    LINK_RULE_CORRUPT,    /* damaged as `corrupt` damages frames */
};

enum link_rule_proto {
    LINK_RULE_ANY,   /* every frame */
    LINK_RULE_ARP,   /* ARP */
    LINK_RULE_ICMP,  /* IPv4 protocol 1 */
    LINK_RULE_UDP,   /* IPv4 protocol 17 */
    LINK_RULE_TCP,   /* IPv4 protocol 6 */
    LINK_RULE_IPV4,  /* any IPv4 datagram, whatever it carries */
};

/* How a rule compares a frame's payload length with its number. */
enum link_rule_cmp {
    LINK_CMP_EQ,  /* == */
    LINK_CMP_NE,  /* != */
    LINK_CMP_LT,  /* <  */
    LINK_CMP_LE,  /* <= */
    LINK_CMP_GT,  /* >  */
    LINK_CMP_GE,  /* >= */
};

struct host;

struct link_rule {
    enum link_rule_action action;  /* what to do to the packet */
    uint64_t delay_ns;             /* LINK_RULE_DELAY: how much later */
    uint32_t nth;                  /* which matching frame, 1-based (0 is taken as 1) */
    const struct host *from;       /* sent by this host (its interface, or its source MAC
                                      through a switch); NULL = either direction */
    enum link_rule_proto proto;    /* protocol filter */
    uint8_t tcp_flags;             /* TCP: these flags (TCP_SYN, TCP_ACK...) all set */
    uint8_t tcp_flags_not;         /* TCP: and these clear (SYN but not ACK: SYN, ACK) */
    uint16_t port;                 /* UDP/TCP: source or destination port; 0 = any */
    const struct host *to;         /* IPv4 destination (ARP: target protocol address) is
                                      one of this host's addresses; NULL = any */
    bool has_src;                  /* src given */
    uint32_t src;                  /* IPv4 source (ARP: sender protocol address) exactly */
    bool has_dst;                  /* dst given */
    uint32_t dst;                  /* IPv4 destination (ARP: target protocol address) exactly */
    bool has_len;                  /* len given */
    enum link_rule_cmp len_cmp;    /* payload length `len_cmp` len: */
    uint32_t len;                  /* bytes above the transport header, as
                                      link_frame_payload_len() counts them */
    uint32_t seen;                 /* state: matching frames so far */
    uint64_t hit_pkt_id;           /* state: the packet it acted on, 0 before */
};

#define LINK_RULES_MAX 16

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
    bool ge_bad;                /* Gilbert-Elliott: in the bad state */
    uint32_t reorder_count;     /* netem's counter: frames delayed since the last jump */
    uint64_t last_arrive_ns;    /* FIFO: no normal frame arrives before this */
    uint64_t duplicated;        /* frames sent twice */
    uint64_t corrupted;         /* frames damaged */
    uint64_t reordered;         /* frames that skipped the delay */
    uint64_t rule_hits;         /* frames a rule acted on */
};

struct link {
    char name[LINK_NAME_LEN];   /* "alice-bob": the `where` of its trace events */
    unsigned index;             /* position in the world's link table */
    struct sim *sim;            /* the world: clock, heap, trace bus */
    struct iface *a;            /* first end */
    struct iface *b;            /* second end */
    bool down;                  /* frames offered while down are dropped */
    struct link_dir dir[2];     /* dir[0] carries a -> b, dir[1] b -> a */
    struct link_rule rules[LINK_RULES_MAX];  /* per-packet rules, both directions */
    unsigned n_rules;           /* rules in use */
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

/* Draw whether the next frame is lost; counts it in `lost` if so. RANDOM
 * draws from the generator only when 0 < loss < 1; GEMODEL follows netem's
 * loss_gilb_ell(): move between states (p, r), then lose with 1-h in the bad
 * state or 1-k in the good one, as the state was before the move. */
bool link_dir_roll_loss(struct link_dir *d);
/* The other per-frame draws, each counted when it happens; each draws only
 * when its chance is strictly between 0 and 1. */
bool link_dir_roll_duplicate(struct link_dir *d);
bool link_dir_roll_corrupt(struct link_dir *d);
/* netem's reorder decision: true = this frame goes without delay. */
bool link_dir_roll_reorder(struct link_dir *d);
/* This frame's delay: delay_ns with jitter drawn from its distribution. */
uint64_t link_dir_draw_delay(struct link_dir *d);
/* Damage frame b (len bytes) as `corrupt` does, drawing the position from
 * d: returns true if it inverted an octet inside an IPv4 datagram, false if
 * the frame must count as a bad FCS instead (corrupt_l2, or not IPv4). */
bool link_dir_corrupt_frame(struct link_dir *d, uint8_t *b, size_t len);
/* How many octets after the Ethernet header `corrupt` may hit in frame b
 * (len bytes): the IPv4 datagram's; 0 when the damage must be a bad FCS
 * instead (l2, or a frame that is not IPv4). */
size_t link_corrupt_span(const uint8_t *b, size_t len, bool l2);

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
 * already in flight still arrive. Traced as a WIRE note on the link. */
void link_set_down(struct link *l, bool down);
/* Take the link down (down = true) or up at at_ns of virtual time, through a
 * SIM_EV_CALL on the world's heap. Returns 0 or -ERR_NOMEM. */
int link_schedule_down(struct link *l, uint64_t at_ns, bool down);

/* Add a per-packet rule (copied; its state starts at zero). Returns its index,
 * -ERR_NOBUFS when LINK_RULES_MAX are in use, -ERR_INVAL for a bad rule. */
int link_add_rule(struct link *l, const struct link_rule *r);
/* The bytes of frame b[0..len) above its transport header, as `expect
 * packets` counts them: TCP data (after the options), UDP data, ICMP data
 * after the 8-byte header; a fragment's whole IPv4 payload (it has no
 * transport header of its own, or only the first has); the IPv4 payload of
 * another protocol; 0 for ARP or anything that is not IPv4. */
uint32_t link_frame_payload_len(const uint8_t *b, size_t len);

/* Does frame p (data at the Ethernet header), sent through direction d,
 * pass rule r's filter? (Counts nothing.) */
bool link_rule_matches(const struct link_rule *r, const struct link_dir *d,
                       const struct pkt *p);

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
