/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * link.h - a simulated point-to-point link, and the driver that feeds it.
 *
 * A link joins two interfaces like a crossover cable: full duplex, and each
 * direction is independent: its own faults, queue, serialiser, counters and
 * random generator, a struct netem (sim/netem.h, which lists the knobs:
 * delay, rate, limit, loss, jitter, duplicate, reorder, corrupt, mtu). On top
 * of netem's knobs a link has what only a simulated cable can have: it can
 * be taken down and up, and per-packet rules act on the Nth frame that
 * matches a filter.
 *
 * The driver (link.c's iface_ops) takes a finished frame from a host's
 * Ethernet layer, applies the rules and the direction's faults, emits the
 * WIRE trace event the capture records, and schedules the arrival as a
 * SIM_EV_FRAME on the world's heap. Per frame the draws come in a fixed
 * order (rules, duplicate, loss, corrupt, reorder, jitter), so a run
 * replays exactly.
 */
#ifndef NETSTEP_SIM_LINK_H
#define NETSTEP_SIM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/netem.h"

/* "alice-bob" from two host names, plus a "/2" when the pair has two links. */
#define LINK_NAME_LEN 80
/* Random streams of links start here, so they never meet a host's stream
 * (hosts use their index: 0, 1, 2...). Direction d of link i uses
 * LINK_RNG_STREAM_BASE + 2*i + d. */
#define LINK_RNG_STREAM_BASE (1ull << 32)

struct iface;
struct pkt;
struct sim;

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
    LINK_RULE_IPV6,  /* IPv6 frames only (ip6, icmp6): match6 decides */
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
    /* IPv6 frames: when set, this decides after `from` (the scenario's own
     * filter, which reads IPv6 and its extension headers); else an IPv6
     * frame matches only a rule for any frame. */
    bool (*match6)(const void *a, const void *b, const uint8_t *frame, size_t len);
    const void *match6_a, *match6_b;
    uint32_t seen;                 /* state: matching frames so far */
    uint64_t hit_pkt_id;           /* state: the packet it acted on, 0 before */
};

#define LINK_RULES_MAX 16

/* One direction of a link. */
struct link_dir {
    struct netem wire;          /* faults, queue, generator and counters */
    struct iface *from;         /* sending interface (NULL in pure tests) */
    struct iface *to;           /* receiving interface (NULL in pure tests) */
    uint64_t down_drops;        /* frames refused because the link was down */
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
