/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realtime.c - TAP mode's clock: the loop waits in ppoll() on the TAP
 * devices with the next event as its timeout.
 *
 * The only file in sim/ that reads a clock (CLOCK_MONOTONIC;
 * docs/architecture.md, "TAP mode"). The world's virtual time is pinned to
 * it at the first TAP attach and follows it from then on; stack/ still only
 * sees host->now_ns.
 * Called by: sim.c (sim_step, sim_step_until, sim_destroy), drv_tap.c.
 * Calls: clock_gettime(), ppoll(), drv_tap_pull() (or a test's clock, see
 * realtime_set_clock()).
 */
#define _GNU_SOURCE /* ppoll() */
#include "sim/realtime.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/drv_tap.h"
#include "sim/sim.h"
#include "stack/err.h"

#define NS_PER_S 1000000000ull

static uint64_t
mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

struct realtime *
realtime_get(struct sim *s)
{
    if (s->rt != NULL)
        return s->rt;
    struct realtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL)
        return NULL;
    rt->sim = s;
    rt->base_mono_ns = mono_ns();
    rt->base_virtual_ns = s->now_ns;
    s->rt = rt;
    return rt;
}

/* The wall clock: CLOCK_MONOTONIC, or a test's own. */
static uint64_t
wall_ns(const struct realtime *rt)
{
    return rt->clock_ns != NULL ? rt->clock_ns(rt->clock_ctx) : mono_ns();
}

void
realtime_set_clock(struct realtime *rt, uint64_t (*clock_ns)(void *ctx),
                   void (*sleep_ns)(void *ctx, uint64_t ns), void *ctx)
{
    rt->clock_ns = clock_ns;
    rt->sleep_ns = sleep_ns;
    rt->clock_ctx = ctx;
    rt->base_mono_ns = wall_ns(rt);
    rt->base_virtual_ns = rt->sim->now_ns;
}

uint64_t
realtime_now(const struct realtime *rt)
{
    return rt->base_virtual_ns + (wall_ns(rt) - rt->base_mono_ns);
}

int
realtime_add_tap(struct realtime *rt, struct drv_tap *t)
{
    if (rt->n_taps >= REALTIME_TAPS_MAX)
        return -ERR_NOBUFS;
    rt->taps[rt->n_taps++] = t;
    return 0;
}

/* Move the world's clock up to the wall clock (never back). */
static void
realtime_sync(struct realtime *rt)
{
    uint64_t now = realtime_now(rt);
    if (now > rt->sim->now_ns)
        rt->sim->now_ns = now;
}

/* Read what the devices hold; true if any frame came. A frame from outside
 * ends the storm watch's instant (sim.h, SIM_INSTANT_EVENTS_MAX): a world
 * kept busy by a wire, even one flooding faster than it can answer, is not
 * making events on its own. */
static bool
realtime_pull(struct realtime *rt)
{
    unsigned got = 0;
    for (unsigned i = 0; i < rt->n_taps; i++)
        got += drv_tap_pull(rt->taps[i], REALTIME_RX_BATCH);
    if (got > 0)
        rt->sim->instant_events = 0;
    return got > 0;
}

bool
realtime_wait(struct realtime *rt, uint64_t until_ns, bool block)
{
    struct sim *s = rt->sim;
    for (;;) {
        realtime_sync(rt);
        if (realtime_pull(rt))
            return true;
        if (!block || until_ns <= s->now_ns)
            return false;
        struct pollfd fds[REALTIME_TAPS_MAX];
        for (unsigned i = 0; i < rt->n_taps; i++) {
            fds[i].fd = rt->taps[i]->fd;
            fds[i].events = POLLIN;
            fds[i].revents = 0;
        }
        uint64_t wait_ns = until_ns - s->now_ns;
        if (rt->sleep_ns != NULL) {  /* a test's clock: its own wait */
            rt->waits++;
            rt->sleep_ns(rt->clock_ctx, wait_ns);
            continue;
        }
        struct timespec ts = { .tv_sec = (time_t)(wait_ns / NS_PER_S),
                               .tv_nsec = (long)(wait_ns % NS_PER_S) };
        rt->waits++;
        int r = ppoll(fds, rt->n_taps, &ts, NULL);
        if (r < 0 && errno == EINTR) {
            /* a signal: let the caller look at its flags */
            rt->interrupted++;
            realtime_sync(rt);
            return false;
        }
        if (r > 0)
            rt->wakeups_rx++;
        /* timeout or readable: go round, sync, pull, and maybe return */
    }
}

void
realtime_destroy(struct sim *s)
{
    struct realtime *rt = s->rt;
    if (rt == NULL)
        return;
    for (unsigned i = 0; i < rt->n_taps; i++) {
        drv_tap_close(rt->taps[i]);
        free(rt->taps[i]);
    }
    free(rt);
    s->rt = NULL;
}
