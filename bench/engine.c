/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.c - how fast the world's agenda (sim/event.c) runs events, against
 * ns-3's schedulers on the same workloads.
 *
 * Two workloads, each at 1,000 and at 100,000 pending events:
 *
 *   hold    the classic hold model: pop the earliest event, schedule a new
 *           one at now + a random increment (exponential, mean 1 ms), so the
 *           number pending stays N.
 *   timers  what TCP does to its retransmission timer: N connections, each
 *           with a stream of segments (one pending event each, the hold
 *           model again) and one timer. Every segment re-arms its
 *           connection's timer to now + RTO (4 ms, four mean gaps), so the
 *           timer is re-armed about 50 times for each time it fires. Each
 *           engine does it its own way, as its world does:
 *             netstep  sim/sim.c's wake-up rule: one live wake per
 *                      connection; a deadline that moves later pushes
 *                      nothing (the wake, when it comes early, pushes
 *                      itself again at the deadline); one that moves earlier
 *                      pushes a new wake and the old goes stale, popped as
 *                      a no-op (the insertion number tells)
 *             ns-3     TcpSocketBase's: Cancel() the timer's EventId and
 *                      Schedule() a new one (cancelled events stay in the
 *                      scheduler and are skipped when their time comes)
 *
 * netstep's side pushes SIM_EV_CALL events and pops them in a loop that
 * moves the clock and calls the function, as sim_dispatch_next() does
 * (event_heap_push/event_heap_pop, the code sim_step runs); the `world
 * loop` row runs the hold model through sim_schedule_call() and sim_step()
 * themselves, storm watch and all. ns-3's side (bench/ns3/engine_ns3.cc,
 * built when libns3-dev is installed) runs Simulator::Schedule and
 * Simulator::Run with each of its schedulers: map (its default),
 * heap, calendar and priority queue; it is a child process, started once per
 * figure. Both sides draw their increments from the same generator with the
 * same seed, so they schedule the same times.
 *
 * Printed: nanoseconds per event run (hold), per segment run (timers: the
 * segment's event, its re-arm and the timer events that go with it), in
 * CPU time of the process (the machines are shared: wall time counts the
 * neighbours' work too), and the ratio ns-3 / netstep: above 1 netstep is faster. Every
 * figure is the best of three timed repetitions, after a warm-up of a tenth
 * as many.
 *
 *   bench_engine [--ops N] [--no-ns3]
 *       --ops     events run per figure (default 500,000)
 *       --no-ns3  netstep's figures only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/event.h"
#include "sim/sim.h"

/* The increments of both sides: a 64-bit LCG (Knuth's MMIX constants), the
 * top 53 bits as a uniform in (0, 1], exponential by inversion. The same
 * code is in bench/ns3/engine_ns3.cc. */
struct bench_rng {
    uint64_t x;  /* state */
};

#define MEAN_GAP_NS 1000000.0  /* 1 ms between a stream's events, on average */
#define RTO_NS      4000000u   /* the timers' re-arm distance: 4 mean gaps */
#define REPEATS     3

static uint64_t
gap_ns(struct bench_rng *g)
{
    g->x = g->x * 6364136223846793005ull + 1442695040888963407ull;
    double u = (double)((g->x >> 11) + 1) / 9007199254740993.0;  /* (0, 1] */
    return 1 + (uint64_t)(-log(u) * MEAN_GAP_NS);
}

static double
cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- netstep: the agenda and a dispatch loop ----------------------------- */

struct engine_loop {
    struct event_heap heap;
    uint64_t now_ns;
    struct bench_rng rng;
    uint64_t ran;          /* events run (popped, stale wakes included) */
    uint64_t segments;     /* segment events run (the timers workload's unit) */
};

struct conn {
    struct engine_loop *loop;
    uint64_t deadline;     /* when the timer is due */
    uint64_t live_at;      /* when its live wake is due */
    uint64_t live_seq;     /* the live wake's insertion number */
    bool live;             /* a wake is pending */
    uint64_t fired;        /* times the timer ran out */
};

static int
loop_push(struct engine_loop *l, uint64_t at, void (*fn)(struct sim *, void *), void *ctx,
          uint64_t *seq)
{
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = at;
    ev.kind = SIM_EV_CALL;
    ev.u.call.fn = fn;
    ev.u.call.ctx = ctx;
    int rc = event_heap_push(&l->heap, &ev);
    if (seq != NULL)
        *seq = ev.seq;
    return rc;
}

/* The one place the loop's events get their context back: fn(NULL, ctx).
 * (No struct sim here: the agenda alone is measured.) */
static struct engine_loop *hold_loop;

static void
hold_event(struct sim *s, void *ctx)
{
    (void)s;
    (void)ctx;
    if (loop_push(hold_loop, hold_loop->now_ns + gap_ns(&hold_loop->rng), hold_event, NULL,
                  NULL) < 0)
        abort();
}

/* A wake of conn c: stale (another is live), early (the deadline moved
 * later: push again there), or the timer running out. */
static uint64_t wake_seq;  /* the popped event's insertion number */

static void
timer_wake(struct sim *s, void *ctx)
{
    (void)s;
    struct conn *c = ctx;
    if (!c->live || c->live_seq != wake_seq)
        return;  /* stale */
    struct engine_loop *l = c->loop;
    if (c->deadline > l->now_ns) {
        c->live_at = c->deadline;
        if (loop_push(l, c->deadline, timer_wake, c, &c->live_seq) < 0)
            abort();
        return;
    }
    c->live = false;
    c->fired++;
}

static void
segment_event(struct sim *s, void *ctx)
{
    (void)s;
    struct conn *c = ctx;
    struct engine_loop *l = c->loop;
    l->segments++;
    c->deadline = l->now_ns + RTO_NS;
    if (!c->live || c->live_at > c->deadline) {
        c->live = true;
        c->live_at = c->deadline;
        if (loop_push(l, c->deadline, timer_wake, c, &c->live_seq) < 0)
            abort();
    }
    if (loop_push(l, l->now_ns + gap_ns(&l->rng), segment_event, c, NULL) < 0)
        abort();
}

/* Run events until *counter has grown by n. */
static void
loop_run(struct engine_loop *l, const uint64_t *counter, uint64_t n)
{
    struct sim_event ev;
    uint64_t until = *counter + n;
    while (*counter < until && event_heap_pop(&l->heap, &ev)) {
        if (ev.at_ns > l->now_ns)
            l->now_ns = ev.at_ns;
        wake_seq = ev.seq;
        ev.u.call.fn(NULL, ev.u.call.ctx);
        l->ran++;
    }
}

/* ns per event (hold) or per segment (timers: the segment event, the
 * re-arm, and the share of wakes and stale wakes that goes with it) of one
 * workload in netstep, the best of REPEATS runs. */
static double
netstep_ns_per_event(const char *workload, unsigned pending, uint64_t ops, uint64_t *fired,
                     double each[REPEATS])
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        struct engine_loop l = { .rng = { 1 } };
        event_heap_init(&l.heap);
        struct conn *conns = NULL;
        if (strcmp(workload, "hold") == 0) {
            hold_loop = &l;
            for (unsigned i = 0; i < pending; i++)
                if (loop_push(&l, gap_ns(&l.rng), hold_event, NULL, NULL) < 0)
                    abort();
        } else {
            conns = calloc(pending, sizeof *conns);
            if (conns == NULL)
                abort();
            for (unsigned i = 0; i < pending; i++) {
                conns[i].loop = &l;
                if (loop_push(&l, gap_ns(&l.rng), segment_event, &conns[i], NULL) < 0)
                    abort();
            }
        }
        const uint64_t *counter = conns != NULL ? &l.segments : &l.ran;
        loop_run(&l, counter, ops / 10);  /* warm up: the agenda reaches its steady shape */
        double t0 = cpu_s();
        loop_run(&l, counter, ops);
        double t = cpu_s() - t0;
        each[r] = t * 1e9 / (double)ops;
        if (t < best)
            best = t;
        if (conns != NULL) {
            uint64_t f = 0;
            for (unsigned i = 0; i < pending; i++)
                f += conns[i].fired;
            *fired = f;
        }
        free(conns);
        event_heap_destroy(&l.heap);
    }
    return best * 1e9 / (double)ops;
}

/* --- netstep: the world's own loop ----------------------------------------- */

struct world_hold {
    struct bench_rng rng;
};

static void
world_hold_event(struct sim *s, void *ctx)
{
    struct world_hold *w = ctx;
    if (sim_schedule_call(s, s->now_ns + gap_ns(&w->rng), world_hold_event, w) < 0)
        abort();
}

static double
world_ns_per_event(unsigned pending, uint64_t ops)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        struct sim s;
        sim_init(&s, 1);
        struct world_hold w = { { 1 } };
        for (unsigned i = 0; i < pending; i++)
            if (sim_schedule_call(&s, gap_ns(&w.rng), world_hold_event, &w) < 0)
                abort();
        for (uint64_t k = 0; k < ops / 10; k++)
            sim_step(&s);
        double t0 = cpu_s();
        for (uint64_t k = 0; k < ops; k++)
            sim_step(&s);
        double t = cpu_s() - t0;
        if (t < best)
            best = t;
        sim_destroy(&s);
    }
    return best * 1e9 / (double)ops;
}

/* --- ns-3, a child process ----------------------------------------------- */

#ifdef NETSTEP_ENGINE_NS3
static const char *const ns3_schedulers[] = { "map", "heap", "calendar", "priority" };
#define N_NS3 (sizeof ns3_schedulers / sizeof ns3_schedulers[0])

/* engine_ns3's "ns_per_event X" for one figure, or a negative number. */
static double
ns3_ns_per_event(const char *sched, const char *workload, unsigned pending, uint64_t ops,
                 double each[REPEATS])
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --scheduler %s --workload %s --pending %u --ops %" PRIu64,
             NETSTEP_ENGINE_NS3, sched, workload, pending, ops);
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    char line[256];
    double v = -1;
    int run;
    double t;
    while (fgets(line, sizeof line, f) != NULL) {
        sscanf(line, "ns_per_event %lf", &v);
        if (sscanf(line, "run %d %lf", &run, &t) == 2 && run >= 1 && run <= REPEATS)
            each[run - 1] = t;
    }
    if (pclose(f) != 0)
        return -1;
    return v;
}
#endif

int
main(int argc, char **argv)
{
    uint64_t ops = 500000;
    bool with_ns3 = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-ns3") == 0) {
            with_ns3 = false;
        } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (errno != 0 || *end != '\0' || v < 1000 || v > 1000000000ull) {
                fprintf(stderr, "bench_engine: --ops wants a number 1000..1000000000\n");
                return 2;
            }
            ops = v;
        } else {
            fprintf(stderr, "usage: bench_engine [--ops N] [--no-ns3]\n");
            return 2;
        }
    }
    static const unsigned sizes[] = { 1000, 100000 };
    static const char *const workloads[] = { "hold", "timers" };
    printf("bench_engine: the world's agenda (sim/event.c), %" PRIu64
           " events a figure, ns per event (best of %d)\n",
           ops, REPEATS);
#ifndef NETSTEP_ENGINE_NS3
#ifdef NETSTEP_NS3_SANITIZER_BUILD
    printf("  (a sanitizer build: the ns-3 comparison is skipped)\n");
#else
    printf("  (ns-3 is not installed: scripts/install-deps.sh --bench, then configure again,"
           " adds the comparison)\n");
#endif
#endif
    for (size_t w = 0; w < 2; w++) {
        for (size_t z = 0; z < 2; z++) {
            uint64_t fired = 0;
            double each[REPEATS];
            double ours = netstep_ns_per_event(workloads[w], sizes[z], ops, &fired, each);
            printf("%-6s %7u pending  netstep %7.1f ns (runs %.1f, %.1f, %.1f)", workloads[w],
                   sizes[z], ours, each[0], each[1], each[2]);
            if (w == 1)
                printf(" (%" PRIu64 " timers ran out)", fired);
            printf("\n");
#ifndef NETSTEP_ENGINE_NS3
            (void)with_ns3;
#else
            double best_ns3 = INFINITY, default_ns3 = -1;
            const char *best_name = "";
            for (size_t k = 0; with_ns3 && k < N_NS3; k++) {
                double ne[REPEATS] = { 0 };
                double t = ns3_ns_per_event(ns3_schedulers[k], workloads[w], sizes[z], ops, ne);
                if (t < 0) {
                    printf("    ns-3 %-8s failed\n", ns3_schedulers[k]);
                    continue;
                }
                if (k == 0)
                    default_ns3 = t;
                if (t < best_ns3) {
                    best_ns3 = t;
                    best_name = ns3_schedulers[k];
                }
                printf("    ns-3 %-8s %7.1f ns (runs %.1f, %.1f, %.1f)  ns-3/netstep %5.2f%s\n",
                       ns3_schedulers[k], t, ne[0], ne[1], ne[2], t / ours,
                       k == 0 ? "  (ns-3's default)" : "");
            }
            if (default_ns3 > 0 && isfinite(best_ns3))
                printf("    row: event engine, %s, %u pending, vs ns-3: %.2fx faster than its "
                       "default (map), %.2fx than its fastest (%s)\n",
                       workloads[w], sizes[z], default_ns3 / ours, best_ns3 / ours, best_name);
#endif
        }
    }
    for (size_t z = 0; z < 2; z++)
        printf("hold   %7u pending  world loop (sim_schedule_call + sim_step) %7.1f ns\n",
               sizes[z], world_ns_per_event(sizes[z], ops));
    return 0;
}
