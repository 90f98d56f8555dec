/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * harness.h - a tiny world for stack unit tests: hosts on a recording wire.
 *
 * No sim/, no clock, no pcap: hosts alice (192.0.2.1/24) and bob
 * (192.0.2.2/24) whose interfaces hand every transmitted frame to a queue.
 * A test moves frames across with hw_deliver(), injects hand-made frames with
 * hw_inject(), moves time with hw_advance(), and reads what happened from the
 * recorded trace. hw_destroy() asserts that no packet leaked.
 */
#ifndef NETSTEP_TESTS_HARNESS_H
#define NETSTEP_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/host.h"
#include "stack/pkt.h"
#include "stack/trace.h"

#define HW_MAX_EVENTS 4096

struct hw_event {
    enum trace_kind kind;        /* what */
    enum trace_layer layer;      /* where */
    int host;                    /* 0 alice, 1 bob, -1 none */
    int reason;                  /* drop reason */
    uint64_t pkt_id;             /* 0 if none */
    struct trace_cause cause;    /* why */
    char text[TRACE_TEXT_LEN];   /* the sentence */
};

struct hw_world {
    struct pkt_pool pool;                 /* counts packets for the leak check */
    struct trace trace;                   /* the bus */
    struct trace_sink sink;               /* the recorder */
    struct host host[2];                  /* alice, bob */
    struct pkt_queue out[2];              /* frames each host transmitted, not yet delivered */
    uint64_t now_ns;                      /* shared clock */
    struct hw_event ev[HW_MAX_EVENTS];    /* recorded events */
    size_t n_ev;                          /* how many */
    bool cut;                             /* drop every frame instead of queueing it */
};

#define HW_ALICE 0
#define HW_BOB   1
#define HW_ALICE_ADDR 0xc0000201u  /* 192.0.2.1 */
#define HW_BOB_ADDR   0xc0000202u  /* 192.0.2.2 */

void hw_init(struct hw_world *w);
/* Destroys the hosts and asserts (Check) that no packet is alive. */
void hw_destroy(struct hw_world *w);

/* Move queued frames to the other host until nothing moves; returns how many. */
size_t hw_deliver(struct hw_world *w);
/* Move exactly the oldest frame from host `from`; false if none. */
bool hw_deliver_one(struct hw_world *w, int from);
/* Discard the frames host `from` sent (lost on the wire); returns how many. */
size_t hw_lose(struct hw_world *w, int from);
/* Hand a raw frame to host `to` as if it arrived. */
void hw_inject(struct hw_world *w, int to, const uint8_t *frame, size_t len);
/* Advance the clock by ns and run both hosts' timers. */
void hw_advance(struct hw_world *w, uint64_t ns);
/* Set both hosts' now_ns to the world clock (before a socket call). */
void hw_enter(struct hw_world *w);

/* Events recorded so far that match (kind, layer); -1 means any. */
size_t hw_count(const struct hw_world *w, int kind, int layer, int host);
size_t hw_count_drops(const struct hw_world *w, int reason);
/* The last event matching, or NULL. */
const struct hw_event *hw_last(const struct hw_world *w, int kind, int layer, int host);
/* The oldest frame host `from` has queued, or NULL. */
const struct pkt *hw_peek(const struct hw_world *w, int from);

#endif
