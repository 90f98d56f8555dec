/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realtime.h - TAP mode's clock: virtual time follows the wall clock.
 *
 * In a simulated world the loop jumps from event to event
 * (docs/architecture.md, "TAP mode"). Once a TAP device is attached
 * (sim/drv_tap.h) the world meets a real wire, so the loop must keep pace
 * with it: before an event runs, the loop waits in
 * ppoll() on every TAP descriptor until the event's time has come on
 * CLOCK_MONOTONIC, and a frame that arrives meanwhile becomes a SIM_EV_FRAME
 * due at once. Virtual time then reads
 *
 *     now_ns = base_virtual_ns + (CLOCK_MONOTONIC - base_mono_ns)
 *
 * and never runs behind the wall clock while an event is being handled.
 *
 * This is the one place in sim/ that reads a clock; stack/ never does (its
 * time still comes in through host->now_ns). sim.c calls realtime_wait()
 * from sim_step() and sim_step_until() when s->rt is set, and
 * realtime_destroy() from sim_destroy(). A world without a TAP device never
 * creates one, so it stays exactly reproducible.
 */
#ifndef NETSTEP_SIM_REALTIME_H
#define NETSTEP_SIM_REALTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct drv_tap;
struct sim;

/* Frames read from one device per wait, at most, so timers are not starved
 * by a busy wire. */
#define REALTIME_RX_BATCH 64u
/* TAP devices one world may hold. */
#define REALTIME_TAPS_MAX 8u

struct realtime {
    struct sim *sim;                        /* the world it paces */
    uint64_t base_mono_ns;                  /* CLOCK_MONOTONIC when it started */
    uint64_t base_virtual_ns;               /* s->now_ns at that moment */
    struct drv_tap *taps[REALTIME_TAPS_MAX];/* attached devices (owned) */
    unsigned n_taps;                        /* entries of taps */
    uint64_t waits;                         /* ppoll() calls that slept */
    uint64_t wakeups_rx;                    /* waits ended by a frame */
    uint64_t interrupted;                   /* waits ended by a signal (EINTR) */
    /* Where the wall clock comes from: NULL reads CLOCK_MONOTONIC and waits
     * in ppoll(). A test sets its own (realtime_set_clock) to drive TAP
     * mode's timing with no device and no real waiting. */
    uint64_t (*clock_ns)(void *ctx);        /* the wall clock now, in ns */
    void (*sleep_ns)(void *ctx, uint64_t ns);  /* wait ns of it (no device read) */
    void *clock_ctx;                        /* passed to both */
};

/* s->rt, made on first use (s->now_ns becomes the base). NULL without memory. */
struct realtime *realtime_get(struct sim *s);

/* Replace the wall clock (both functions given; see struct realtime) and
 * pin the world's clock to it from here on. */
void realtime_set_clock(struct realtime *rt, uint64_t (*clock_ns)(void *ctx),
                        void (*sleep_ns)(void *ctx, uint64_t ns), void *ctx);

/* Virtual time now, by the wall clock. */
uint64_t realtime_now(const struct realtime *rt);

/* Add a device; the realtime owns it from here. -ERR_NOBUFS when full. */
int realtime_add_tap(struct realtime *rt, struct drv_tap *t);

/* Bring the world's clock up to the wall clock, read what frames the devices
 * hold, and, if none came, sleep in ppoll() until until_ns (virtual) or a
 * frame or a signal arrives. Never moves s->now_ns backwards. until_ns may
 * be UINT64_MAX only with block = false. Returns true if a frame was read. */
bool realtime_wait(struct realtime *rt, uint64_t until_ns, bool block);

/* Close the devices and free rt (s->rt becomes NULL). Called by
 * sim_destroy() after the hosts are gone. */
void realtime_destroy(struct sim *s);

#endif
