/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim.h - the world: virtual clock, event loop, hosts and links.
 *
 * One single-threaded run-to-completion loop (docs/architecture.md,
 * "Time and determinism"): sim_step() pops the
 * earliest event, moves the clock to it, and runs it whole (a frame arrives at
 * an interface, a host's timers fire, or a scenario step runs). Time is
 * virtual and only moves forward; nothing in sim/ reads the wall clock.
 *
 * The world owns everything in it: the packet pool (so a test can check that
 * nothing leaked), the trace bus the sinks attach to, every host and link, and
 * the packets of frames still in flight.
 *
 * Entering a host from outside the loop (a socket call by the scenario runner
 * or the view) follows one pattern:
 *
 *     sim_enter_host(s, h);                        h->now_ns = s->now_ns
 *     host_set_cause(h, cause_call(CALL_SENDTO, step));
 *     sock_sendto(h, ...);
 *     sim_host_entered(s, h);                      re-arm h's wake-up
 *
 * Wake-ups: each host has at most one live SIM_EV_WAKE, due at
 * host_next_deadline(h). When a host's deadline moves earlier a new wake is
 * pushed and the old one goes stale; stale wakes are popped as no-op steps.
 */
#ifndef NETSTEP_SIM_SIM_H
#define NETSTEP_SIM_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/event.h"
#include "sim/link.h"
#include "stack/pkt.h"
#include "stack/trace.h"

struct host;
struct iface;
struct lan_switch;
struct realtime;

/* A host woken this many times at one instant whose deadline is still due
 * is not making progress (a stack bug): no further wake is scheduled for it at
 * that instant (sim.wake_spins counts each refusal), so the loop cannot hang.
 * The next frame or call that enters the host at a later time re-arms it. */
#define SIM_WAKE_SPIN_MAX 1000u

/* A storm: more events than this at one instant of virtual time (the clock
 * standing still) is a world that would never end, such as frames circling
 * a loop of hubs or switches over links without delay, or a host answering
 * itself on lo forever. The world halts (SIM_HALT_STORM) instead of
 * spinning. A real lesson stays far below: a megabyte over TCP is a few
 * thousand events, each at its own instant on a link with any delay.
 * In TAP mode the clock follows the wall clock and so moves between any two
 * events; there "one instant" is a run of events each of which was due no
 * later than the clock at which the event before it ran: none waited for a
 * link delay, a timer or a frame from a device. In a simulated world that is
 * exactly the clock standing still, so one bound serves both modes. A frame
 * read from a device also ends the instant (sim/realtime.c): a world a wire
 * keeps busy is not a storm, however fast the wire. */
#define SIM_INSTANT_EVENTS_MAX 1000000u
/* The storm's report tallies who handled its last this many events. */
#define SIM_STORM_SAMPLE 1000u
/* Names in each tally of the report (the busiest; the rest are summed). */
#define SIM_STORM_TALLY 6u
/* A storm's last frame in words: room for the longest TCP line (addresses,
 * ports, both sequence ranges, a window and four SACK blocks of options);
 * a longer one ends in "..." rather than in a number cut short. */
#define SIM_STORM_FRAME_LEN 320
/* The halt's message: the storm's words, its two tallies and its frame. */
#define SIM_HALT_MSG_LEN 1152

/* Why the world stopped before its end. */
enum sim_halt_kind {
    SIM_HALT_NONE = 0,
    SIM_HALT_SIGNAL,  /* *stop_signal became nonzero (SIGINT, SIGTERM, SIGHUP) */
    SIM_HALT_STORM,   /* SIM_INSTANT_EVENTS_MAX events at one instant */
};

/* One line of a storm's tally: who (a host, switch or link) and how often. */
struct sim_storm_count {
    const char *name;  /* the host's, switch's or link's own name (not copied) */
    uint64_t n;        /* events (frames delivered, wakes) or frames on the link */
};

/* The wake-up bookkeeping of one host (parallel to sim.hosts). */
struct sim_wake {
    bool live;           /* a wake for this host is on the heap */
    uint64_t at_ns;      /* when the live wake is due */
    uint64_t seq;        /* its insertion number; a wake with another is stale */
    uint64_t spin_at_ns; /* instant of the last wake that ran */
    unsigned spins;      /* wakes that ran at spin_at_ns */
    bool entered;        /* entered by the SIM_EV_CALL running now */
};

struct sim {
    uint64_t now_ns;            /* virtual time */
    uint64_t seed;              /* the world's seed: hosts and links derive theirs */
    struct pkt_pool pool;       /* every packet of this world */
    struct trace trace;         /* the bus all hosts and links emit on */
    struct event_heap heap;     /* the agenda */
    struct host **hosts;        /* each malloc'd, so pointers stay put */
    struct sim_wake *wakes;     /* wakes[i] belongs to hosts[i] */
    size_t n_hosts;             /* hosts in use */
    size_t cap_hosts;           /* slots in hosts and wakes */
    struct link **links;        /* each malloc'd */
    size_t n_links;             /* links in use */
    size_t cap_links;           /* slots in links */
    /* Names to indexes: open-addressing hash tables (a slot holds index + 1,
     * 0 is empty), so adding the 100,000th host or link does not compare
     * its name with all the others. */
    size_t *host_names;         /* into hosts; NULL until the first host */
    size_t cap_host_names;      /* slots (a power of two, at least twice n_hosts) */
    size_t *link_names;         /* into links */
    size_t cap_link_names;      /* slots, as cap_host_names */
    struct lan_switch **switches;  /* switches and hubs (sim/switch.h), each malloc'd */
    size_t n_switches;          /* in use */
    size_t cap_switches;        /* slots in switches */
    uint64_t events_run;        /* events dispatched (stale wakes not counted) */
    uint64_t wakes_stale;       /* stale wakes popped */
    uint64_t wake_spins;        /* times SIM_WAKE_SPIN_MAX pushed a wake ahead */
    bool in_call;               /* a SIM_EV_CALL is running: note the hosts it enters */
    size_t *call_entered;       /* their indexes (cap_hosts slots), each once */
    size_t n_call_entered;      /* entries of call_entered */
    uint64_t call_rearms;       /* hosts re-armed after calls: only those they entered */
    struct realtime *rt;        /* TAP mode (sim/realtime.h): time follows the wall
                                   clock; NULL in a simulated world */
    /* Halting (see sim_halt()). */
    volatile sig_atomic_t *stop_signal;  /* a driver's flag, set by its signal
                                            handler to the signal's number; NULL: none */
    void (*on_halt)(struct sim *s, void *ctx);  /* called once when the world halts */
    void *halt_ctx;             /* passed to on_halt */
    enum sim_halt_kind halted;  /* SIM_HALT_NONE while the world runs */
    int halt_signal;            /* SIM_HALT_SIGNAL: the signal's number */
    uint64_t halt_ns;           /* the clock when it halted */
    uint64_t halt_trace_events; /* trace events emitted before it halted (a
                                   recorder attached from the start finds the
                                   halt after its event halt_trace_events - 1) */
    char halt_msg[SIM_HALT_MSG_LEN];  /* what happened, in words (no "error:" prefix) */
    /* Storm watch: events at the current instant, and who ran the last ones. */
    uint64_t instant_ns;        /* the instant being counted (its first event's clock) */
    uint64_t instant_events;    /* events dispatched at instant_ns so far */
    uint64_t instant_last_ns;   /* the clock when the last of them ran */
    struct sim_storm_count storm_who[SIM_STORM_TALLY];    /* hosts and switches */
    struct sim_storm_count storm_links[SIM_STORM_TALLY];  /* links the frames came by */
    uint64_t storm_other;       /* sampled events not in storm_who */
    uint64_t storm_last_pkt;    /* id of the last frame sampled, 0 if none */
    char storm_last_frame[SIM_STORM_FRAME_LEN]; /* its description (frame_describe) */
    /* An observer of every frame that reaches an interface of a host (after
     * the link's loss, corruption and delay; bad_fcs: the NIC will discard
     * it), called just before the host sees it. sim/capture.c records each
     * host interface's own view with it. NULL: none. */
    void (*on_host_rx)(void *ctx, const struct iface *ifc, const struct pkt *p, bool bad_fcs);
    void *host_rx_ctx;          /* passed to on_host_rx */
};

void sim_init(struct sim *s, uint64_t seed);

/* Destroy hosts (host_destroy, which may still emit DROP events to attached
 * sinks), pending events and their packets, and links. Afterwards
 * s->pool.live is 0 unless something outside the world still holds a packet.
 * Sinks stay attached to s->trace but are not called again. */
void sim_destroy(struct sim *s);

/* A new host called `name` (unique, 1..HOST_NAME_LEN-1 bytes), initialised
 * with host_init(s->pool, s->trace, s->seed, stream = its index). NULL for a
 * bad or taken name, or when memory runs out. */
struct host *sim_add_host(struct sim *s, const char *name);

/* Add interface "ethN" (N = the host's interface count) to h. mac NULL picks
 * the locally administered 02:00:00:00:HH:II, HH = host index + 1, II =
 * interface index + 1. Until a link is attached the interface's driver drops
 * every frame (DROP_LINK_NO_PEER); the interface starts down. NULL if h is not
 * in s or has no room. */
struct iface *sim_host_add_iface(struct sim *s, struct host *h, uint32_t addr,
                                 unsigned prefix_len, uint16_t mtu, const uint8_t *mac_or_null);

/* Join a and b with a link named "hostA-hostB" ("hostA-hostB/2" for a second
 * link of the same pair; a switch port is named by its switch, "alice-sw1") and parameters p (NULL: zero delay, infinite rate,
 * no loss, default limit) in both directions. Replaces both interfaces'
 * drivers, then brings both up with host_iface_up(announce = false): the
 * scenario decides about gratuitous ARP. NULL for bad arguments (same
 * interface twice, one already on a link, loss outside [0, 1]) or no memory. */
struct link *sim_add_link(struct sim *s, struct iface *a, struct iface *b,
                          const struct link_params *p);

/* Set h->now_ns = s->now_ns. Call before every entry into a host. Inside a
 * SIM_EV_CALL it also notes h, so the loop re-arms h after the call. */
void sim_enter_host(struct sim *s, struct host *h);

/* Call after anything outside the loop entered h: makes sure a wake is due
 * no later than host_next_deadline(h). The loop calls it itself after every
 * frame delivery and wake, and after a SIM_EV_CALL for every host the call
 * entered (sim_enter_host): a call costs what it touches, not the world. */
void sim_host_entered(struct sim *s, struct host *h);

/* Pop one event, move the clock to it and dispatch it (in TAP mode, first
 * wait until its time comes on the wall clock or a frame arrives):
 *   FRAME  h = dst's host: enter h, h->cause = arrival of the frame,
 *          iface_input(dst, p), h->cause cleared, sim_host_entered(h)
 *   WAKE   (live) enter h, host_poll(h), sim_host_entered(h); the stack's
 *          timers set the cause. A stale wake only moves the clock.
 *   CALL   fn(s, ctx), then sim_host_entered() for every host fn entered
 *          (through sim_enter_host), in index order
 * Returns false, changing nothing, when the heap is empty. */
bool sim_step(struct sim *s);

/* Run the next event if it is due at or before limit_ns and return true;
 * otherwise move the clock to limit_ns (never backwards; not for UINT64_MAX)
 * and return false. The loop of a caller that waits for a condition:
 *     while (!ready() && sim_step_until(s, deadline)) {}
 * In TAP mode (s->rt set, see sim/drv_tap.h) it first waits in ppoll() on the
 * TAP devices until the event's or limit's time comes on the wall clock, or a
 * frame arrives (then an event due now); the clock is then the wall clock,
 * and a signal interrupting the wait also returns false, before the limit. */
bool sim_step_until(struct sim *s, uint64_t limit_ns);

/* Stop the world: no event runs after this one (sim_step() and
 * sim_step_until() then behave as in a world with nothing left to do, the
 * latter still moving the clock to its limit, and sim_next_time() says
 * UINT64_MAX). Records why (halted, halt_ns, halt_msg), then calls
 * on_halt once, which may end the process (ui/main.c closes the captures,
 * says where it stopped and exits). The loop calls it itself when
 * *stop_signal is set (at the next event) and on a storm. */
void sim_halt(struct sim *s, enum sim_halt_kind why, int sig, const char *msg);

/* Whether ev carries a frame the capture records and `expect packets`
 * counts: a frame on a wire (TRACE_WIRE), or a frame coming back in on a
 * host's lo (its Ethernet RX there), which is what `tcpdump -i lo` would see
 * (stack/loopback.c). Either way ev->pkt->data is the Ethernet header. */
bool sim_event_is_frame(const struct trace_event *ev);

/* When the next event is due, or UINT64_MAX when there is none. */
uint64_t sim_next_time(const struct sim *s);

/* Run every event due at or before t_ns (including ones those events add),
 * then set the clock to t_ns. Never moves time backwards. t_ns = UINT64_MAX
 * runs until the heap is empty and leaves the clock at the last event.
 * In TAP mode this takes until t_ns on the wall clock, frames arriving from
 * the devices meanwhile. */
void sim_run_until(struct sim *s, uint64_t t_ns);

/* Run fn(s, ctx) at at_ns (now, if at_ns is in the past), after events
 * already due then. Returns 0 or -ERR_NOMEM. */
int sim_schedule_call(struct sim *s, uint64_t at_ns, void (*fn)(struct sim *, void *),
                      void *ctx);

struct host *sim_host_by_name(struct sim *s, const char *name);
/* Index of h in s->hosts, or -1. */
int sim_host_index(const struct sim *s, const struct host *h);
struct link *sim_link_by_name(struct sim *s, const char *name);

#endif
