/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event.h - the world's agenda: events ordered by (at_ns, seq).
 *
 * Every event carries the time it is due and an insertion number. Events due
 * at the same nanosecond run in the order they were pushed, as libuv orders its
 * timers, so a run with the same seed replays event for event
 * (docs/architecture.md, "Time and determinism").
 * The heap is an implicit 4-ary heap of keys (the children of key i are
 * 4i+1 .. 4i+4), each naming the slot of its event in an array beside it,
 * and a queue beside the heap takes events pushed in time order.
 *
 * Ownership: a SIM_EV_FRAME event owns its packet from a successful push until
 * it is popped (then the popper owns it). event_heap_destroy() frees the
 * packets of frames still pending. A SIM_EV_CALL's ctx is never owned.
 */
#ifndef NETSTEP_SIM_EVENT_H
#define NETSTEP_SIM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct drv_tap;
struct host;
struct iface;
struct netem;
struct pkt;
struct sim;

enum sim_event_kind {
    SIM_EV_FRAME,  /* a frame reaches an interface: iface_input(dst, p) */
    SIM_EV_WAKE,   /* a host's earliest timer is due: host_poll(host) */
    SIM_EV_CALL,   /* the scenario runner's own step: fn(sim, ctx) */
    SIM_EV_KIND_COUNT
};

/* What a SIM_EV_FRAME carries. */
struct sim_ev_frame {
    struct iface *dst;     /* the interface the frame reaches */
    struct pkt *p;         /* the frame (p->data at the Ethernet header); owned */
    struct netem *via;     /* the wire direction that carried it (counts it
                              delivered), or NULL; sim/netem.h */
    bool bad_fcs;          /* damaged at L2: the receiving NIC drops it (ETH_BAD_FCS) */
    struct drv_tap *tap;   /* not NULL: the frame leaves the world, written to this
                              TAP device when due (dst is NULL); sim/drv_tap.h */
};

/* What a SIM_EV_CALL carries. */
struct sim_ev_call {
    void (*fn)(struct sim *s, void *ctx);  /* what to run */
    void *ctx;                             /* its argument; not owned */
};

struct sim_event {
    uint64_t at_ns;            /* virtual time the event is due */
    uint64_t seq;              /* insertion number: breaks ties, set by push */
    enum sim_event_kind kind;  /* which member of the union is valid */
    union {
        struct sim_ev_frame frame;  /* SIM_EV_FRAME */
        struct host *wake;          /* SIM_EV_WAKE: the host to poll */
        struct sim_ev_call call;    /* SIM_EV_CALL */
    } u;
};

/* A heap key: when the event is due, and where it is (its insertion
 * number, which breaks ties, is read from the event). */
struct event_key {
    uint64_t at_ns;  /* the event's at_ns */
    uint64_t slot;   /* its index in event_heap.ev */
};

/* Two sorted stores, popped by comparing their heads: a 4-ary heap, and a
 * queue that takes every frame due no earlier than the last one it took.
 * Most events are frames arriving in the order they were sent, which the
 * queue takes in O(1); wake-ups, calls and out-of-order arrivals go to the
 * heap. The order popped is (at_ns, seq) either way. */
struct event_heap {
    struct event_key *key;   /* heap order, 64-byte aligned, from key[3] (the
                                root, the earliest) so that siblings share a
                                cache line (event.c) */
    struct sim_event *ev;    /* the heap's events, where their keys' slots say */
    uint32_t *free_slot;     /* the slots of ev not in use, a stack */
    size_t n_free;           /* entries of free_slot (cap - len) */
    size_t len;              /* events in the heap */
    size_t cap;              /* keys, events and free slots allocated */
    struct sim_event *fifo;  /* a ring, sorted by (at_ns, seq) from fifo_head */
    size_t fifo_head;        /* index of its earliest event */
    size_t fifo_len;         /* events in the queue */
    size_t fifo_cap;         /* ring slots allocated (a power of two) */
    uint64_t next_seq;       /* insertion number of the next push */
};

void event_heap_init(struct event_heap *hp);

/* Free the array and the packet of every pending SIM_EV_FRAME. The heap is
 * left empty and usable. */
void event_heap_destroy(struct event_heap *hp);

/* Add a copy of *ev, giving it the next insertion number (written back into
 * ev->seq too, so a caller can recognise its event later). Returns 0, or
 * -ERR_NOMEM when the array cannot grow; then nothing was added and the
 * caller still owns a frame's packet. On success the heap owns it. */
int event_heap_push(struct event_heap *hp, struct sim_event *ev);

/* Remove the earliest event into *out. Returns false when the heap is empty.
 * The caller now owns a frame's packet. */
bool event_heap_pop(struct event_heap *hp, struct sim_event *out);

/* The earliest event, still in the heap, or NULL when empty. */
const struct sim_event *event_heap_peek(const struct event_heap *hp);

size_t event_heap_size(const struct event_heap *hp);

#endif
