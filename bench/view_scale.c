/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_scale.c - does the classroom view answer a key as fast with a million
 * recorded events as with a thousand?
 *
 * Records a long TCP transfer through the real stack (a scenario: alice sends
 * bob many megabytes over a 100 Mbit/s link, bob reads it all) until the log
 * holds about 1 000 000 events, and a short one of about 1 000 events as the
 * baseline, in the same run. For every key a person can press (next and
 * previous event, next and previous step, first, last, the filter, a jump to
 * a time, a resize) it times what the view does for that key without a
 * terminal: view_key() computes the new state and view_render() draws every
 * pane into a grid. Each key is timed from many cursor places spread over
 * the log; the worst and the median are printed in ms, and the big log's
 * against the baseline's as ratios. Then the log's memory: bytes of storage
 * per recorded event (index, text, packet bytes, the view model's snapshots
 * and indexes), averaged over the run, and the time from the start of
 * `netstep ui` on the big lesson to its first frame drawn, by the view's
 * own path (parse the lesson, build the world, start the recorder thread,
 * record the first step, draw every pane once while the rest is recorded
 * behind it), against its goal; and when the whole lesson was recorded.
 *
 *   bench_view_scale [--events N] [--places N]
 *
 * Wall time on a shared machine is noisy: each key is timed three times from
 * the same state and the least counts; read the ratios, and the worst case
 * against the 50 ms a key may take [issue 6].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/scenario.h"
#include "ui/grid.h"
#include "ui/tui.h"
#include "ui/view.h"
#include "ui/view_bg.h"
#include "ui/view_model.h"
#include "ui/view_printed.h"

/* The recorded lesson: connections one after another, each sending up to
 * 48 MB in sends of at most 16 MB (the language's bounds: `bytes N` is at
 * most 16 MiB, what `recv all` gathers at most 64 MiB), bob reading it all. */
static struct scenario *
make_lesson(unsigned long long total, char *text, size_t n)
{
    const unsigned long long chunk_max = 16000000, conn_max = 48000000;
    int k = snprintf(text, n,
                     "title \"view scale: a long transfer\"\n"
                     "seed 1\n"
                     "host alice 192.0.2.1/24\n"
                     "host bob 192.0.2.2/24\n"
                     "link alice bob delay 1ms rate 100Mbit\n"
                     "bob: s = socket tcp\n"
                     "bob: bind s 9000\n"
                     "bob: listen s 5\n");
    int conn = 0;
    for (unsigned long long left = total; left > 0 && (size_t)k < n; conn++) {
        k += snprintf(text + k, n - (size_t)k,
                      "bob: a%d = accept s &\n"
                      "alice: c%d = socket tcp\n"
                      "alice: connect c%d bob:9000\n"
                      "wait a%d\n"
                      "bob: recv a%d all timeout 3600s -> data%d &\n",
                      conn, conn, conn, conn, conn, conn);
        for (unsigned long long sent = 0; sent < conn_max && left > 0 && (size_t)k < n;) {
            unsigned long long c = left > chunk_max ? chunk_max : left;
            k += snprintf(text + k, n - (size_t)k, "alice: send c%d bytes %llu\n", conn, c);
            left -= c;
            sent += c;
        }
        if ((size_t)k < n)
            k += snprintf(text + k, n - (size_t)k, "alice: close c%d\nwait a%d\nbob: close a%d\n",
                          conn, conn, conn);
    }
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_string("view-scale.scn", text, &diag);
    if (scn == NULL)
        scn_diag_print(&diag, stderr);
    return scn;
}

static int
build(struct view_model *m, struct scenario **scn, unsigned long long bytes)
{
    static char text[8192];
    *scn = make_lesson(bytes, text, sizeof text);
    if (*scn == NULL)
        return -1;
    char err[256];
    if (view_model_build(m, *scn, false, 0, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        scenario_free(*scn);
        return -1;
    }
    return 0;
}

static double now_ms(void);
static double cpu_ms(void);

/* When `netstep ui` on the lesson of `bytes` puts its first frame on screen
 * and when the lesson is all recorded behind it: the view's own path
 * (tui.c, tui_curses.c), from the parse of the lesson on: the world built,
 * the recorder thread started (ui/view_bg.h), its first step recorded, the
 * model taken and every pane drawn into a 160x48 grid; then the wait for
 * the rest. m is left whole, the thread joined. */
struct behind {
    double first_ms, first_cpu_ms;  /* the first frame drawn */
    size_t first_events;            /* events in the model it drew */
    double all_ms, all_cpu_ms;      /* the whole lesson recorded */
};

static int
record_behind(struct view_model *m, struct view_printed *printed, struct scenario **scn,
              unsigned long long bytes, struct behind *out)
{
    static char text[8192];
    double t0 = now_ms(), c0 = cpu_ms();
    *scn = make_lesson(bytes, text, sizeof text);
    if (*scn == NULL)
        return -1;
    char err[256];
    if (view_model_open(m, *scn, false, 0, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        scenario_free(*scn);
        return -1;
    }
    memset(printed, 0, sizeof *printed);
    struct view_bg bg;
    if (view_printed_attach(printed, m) < 0 || view_bg_start(&bg, m, printed) < 0) {
        fprintf(stderr, "bench_view_scale: cannot start the recorder\n");
        return -1;
    }
    view_bg_wait_first(&bg, NULL);
    struct view_opts o = { .utf8 = true, .printed = printed };
    struct view_state st;
    view_state_open(m, &st);
    struct grid g;
    if (grid_init(&g, 160, 48) < 0)
        return -1;
    view_bg_lock(&bg);
    o.recording = view_bg_recording(&bg) ? record_count(&m->rec) : 0;
    view_render(m, &st, &o, &g);
    out->first_events = m->n_events;
    view_bg_unlock(&bg);
    out->first_ms = now_ms() - t0;
    out->first_cpu_ms = cpu_ms() - c0;
    grid_free(&g);
    view_bg_wait_done(&bg);
    out->all_ms = now_ms() - t0;
    out->all_cpu_ms = cpu_ms() - c0;
    bool failed = bg.failed;
    view_bg_stop(&bg);
    if (failed) {
        fprintf(stderr, "bench_view_scale: out of memory recording the lesson\n");
        return -1;
    }
    return 0;
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* This process's CPU time, ms: on a shared machine the wall time of the
 * recording measures the neighbours too. */
static double
cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* What a key is, as the person presses it: keys typed before (not timed),
 * then the timed one; resize renders at the other size instead. */
struct key_case {
    const char *name;   /* as printed */
    const char *setup;  /* keys before, untimed ("\n" Enter) */
    const char *keys;   /* the timed keys, each timed with its render */
    bool resize;        /* render at the other size */
};

static const struct key_case cases[] = {
    { "next event (n)", "", "n", false },
    { "prev event (b)", "", "b", false },
    { "next step (s)", "", "s", false },
    { "prev step (S)", "", "S", false },
    { "first (g)", "", "g", false },
    { "last (G)", "", "G", false },
    { "filter typed (/bob)", "", "/bob\n", false },
    { "filter none match", "", "/drop\n", false },
    { "n under a filter", "/bob\n", "n", false },
    { "b under /drop", "/drop\n", "b", false },
    { "jump to time (@)", "@", "2.5s\n", false },
    { "mark and back ('a)", "ma", "G'a", false },
    { "TCP states (t)", "", "t", false },
    { "resize 160x48->80x24", "", "", true },
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* Each key is timed this many times from the same state; the least counts
 * (the machine is shared: a longer time is someone else's). */
#define REPEATS 3

static int
key_of(char c)
{
    return c == '\n' ? VK_ENTER : (unsigned char)c;
}

struct figures {
    double worst[N_CASES];
    double median[N_CASES];
};

/* Time every case from `places` cursor places spread over m's log. */
static int
measure(const struct view_model *m, int places, struct figures *f)
{
    struct view_opts o = { .utf8 = true };
    struct grid big, small;
    if (grid_init(&big, 160, 48) < 0 || grid_init(&small, 80, 24) < 0)
        return -1;
    double *t = calloc((size_t)places * 8, sizeof *t);
    if (t == NULL)
        return -1;
    uint64_t rng = 88172645463325252ull;
    for (size_t c = 0; c < N_CASES; c++) {
        int nt = 0;
        for (int p = 0; p < places; p++) {
            struct view_state st;
            view_state_init(&st);
            /* the ends, then places spread at random */
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            st.cursor = p == 0 ? 0 : p == 1 ? m->n_events - 1 : (size_t)(rng % m->n_events);
            for (const char *k = cases[c].setup; *k; k++)
                view_key(m, &st, key_of(*k));
            view_render(m, &st, &o, &big);
            if (cases[c].resize) {
                double best = 1e9;
                for (int rep = 0; rep < REPEATS; rep++) {
                    double t0 = now_ms();
                    view_render(m, &st, &o, &small);
                    double dt = now_ms() - t0;
                    best = dt < best ? dt : best;
                }
                t[nt++] = best;
                continue;
            }
            for (const char *k = cases[c].keys; *k; k++) {
                /* the same key from the same state, a few times: the least
                 * is the view's cost, the rest the neighbours' */
                double best = 1e9;
                struct view_state again = st;
                for (int rep = 0; rep < REPEATS; rep++) {
                    struct view_state s2 = again;
                    double t0 = now_ms();
                    view_key(m, &s2, key_of(*k));
                    view_render(m, &s2, &o, &big);
                    double dt = now_ms() - t0;
                    best = dt < best ? dt : best;
                    st = s2;
                }
                t[nt++] = best;
            }
        }
        qsort(t, (size_t)nt, sizeof *t, cmp_double);
        f->worst[c] = t[nt - 1];
        f->median[c] = t[nt / 2];
    }
    free(t);
    grid_free(&big);
    grid_free(&small);
    return 0;
}

int
main(int argc, char **argv)
{
    size_t want = 1000000;
    int places = 60;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--events") == 0)
            want = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--places") == 0)
            places = atoi(argv[i + 1]);
    }
    if (want < 2000 || places < 3) {
        fprintf(stderr, "usage: bench_view_scale [--events N (>= 2000)] [--places N (>= 3)]\n");
        return 2;
    }

    /* Calibrate: events per byte moved, from a 1 MB transfer. */
    struct view_model cal, base, large;
    struct scenario *scn_cal, *scn_base, *scn_large;
    if (build(&cal, &scn_cal, 1000000) < 0)
        return 1;
    double per_byte = (double)cal.n_events / 1e6;
    view_model_destroy(&cal);
    scenario_free(scn_cal);

    unsigned long long base_bytes = (unsigned long long)(1000 / per_byte);
    if (build(&base, &scn_base, base_bytes < 1000 ? 1000 : base_bytes) < 0)
        return 1;
    /* The big one: scaled until it holds at least `want` events (the
     * events a byte costs fall as the transfer grows), each try recorded as
     * the view records it: behind its first frame. */
    struct view_printed large_printed;
    struct behind bh;
    unsigned long long bytes = (unsigned long long)((double)want / per_byte);
    for (int tries = 0;; tries++) {
        if (record_behind(&large, &large_printed, &scn_large, bytes, &bh) < 0)
            return 1;
        if (large.n_events >= want || tries == 4)
            break;
        bytes = (unsigned long long)((double)bytes * (double)want / (double)large.n_events * 1.01);
        view_printed_detach(&large_printed, &large);
        view_model_destroy(&large);
        view_printed_free(&large_printed);
        scenario_free(scn_large);
    }
    double build_ms = bh.all_ms;

    printf("view_scale: the time to answer one key (view_key + view_render of every pane\n"
           "into a 160x48 grid), from %d cursor places; baseline %zu events, large %zu events\n"
           "(recorded in %.1f s)\n\n",
           places, base.n_events, large.n_events, build_ms / 1e3);
    printf("(frames on a link at most %zu events; %zu wires; %zu socket snapshots)\n",
           large.wire_life, large.n_wires, large.n_snaps);
    struct figures fb, fl;
    if (measure(&base, places, &fb) < 0 || measure(&large, places, &fl) < 0)
        return 1;
    printf("%-22s %10s %10s %10s %10s %8s %8s\n", "key", "base med", "base worst", "large med",
           "large wst", "med x", "worst x");
    double worst = 0;
    for (size_t c = 0; c < N_CASES; c++) {
        printf("%-22s %8.3fms %8.3fms %8.3fms %8.3fms %8.1f %8.1f\n", cases[c].name, fb.median[c],
               fb.worst[c], fl.median[c], fl.worst[c], fl.median[c] / fb.median[c],
               fl.worst[c] / fb.worst[c]);
        if (fl.worst[c] > worst)
            worst = fl.worst[c];
    }
    printf("\nworst key with %zu events: %.2f ms (the view's budget is 50 ms)\n", large.n_events,
           worst);

    struct vm_memory mb, ml;
    view_model_memory(&base, &mb);
    view_model_memory(&large, &ml);
    printf("\nmemory per recorded event (%zu events, %zu with a packet):\n", large.n_events,
           ml.events_with_packet);
    printf("  event index     %6.1f bytes\n", (double)ml.index / (double)large.n_events);
    printf("  text            %6.1f bytes\n", (double)ml.text / (double)large.n_events);
    printf("  packet bytes    %6.1f bytes\n", (double)ml.packet / (double)large.n_events);
    printf("  TCB snapshots   %6.1f bytes\n", (double)ml.tcb / (double)large.n_events);
    printf("  view model      %6.1f bytes (socket snapshots, indexes)\n",
           (double)ml.model / (double)large.n_events);
    printf("  total           %6.1f bytes (baseline lesson: %.1f)\n",
           (double)ml.total / (double)large.n_events, (double)mb.total / (double)base.n_events);
    /* milliseconds matter here: three decimals */
    printf("\nfirst frame of the %zu-event lesson: %.3f s after start, %.3f s of CPU   "
           "(goal < 1 s: ratio %.3f, by CPU %.3f)\n",
           large.n_events, bh.first_ms / 1e3, bh.first_cpu_ms / 1e3, bh.first_ms / 1e3 / 1.0,
           bh.first_cpu_ms / 1e3 / 1.0);
    printf("whole lesson recorded behind it: %.2f s after start, %.2f s of CPU (the first frame "
           "drew the %zu events of the steps recorded by then)\n",
           bh.all_ms / 1e3, bh.all_cpu_ms / 1e3, bh.first_events);
    printf("bytes per recorded event: %.1f   (goal <= 120: ratio %.2f)\n",
           (double)ml.total / (double)large.n_events,
           (double)ml.total / (double)large.n_events / 120.0);
    view_model_destroy(&base);
    view_printed_detach(&large_printed, &large);
    view_model_destroy(&large);
    view_printed_free(&large_printed);
    scenario_free(scn_base);
    scenario_free(scn_large);
    return 0;
}
