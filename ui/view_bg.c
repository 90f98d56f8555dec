/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_bg.c - record a lesson behind the view (the thread, the lock, the
 * yield points); see view_bg.h.
 *
 * Why a lock the recorder gives up only when asked, rather than one taken
 * per event: the recorder runs a million events a second, and a lock taken
 * and given back each time would cost more than the event. So it looks at
 * one atomic flag every VIEW_BG_YIELD_EVENTS events and after every step,
 * and only when the view has raised it does it wait on a condition
 * variable, the lock given up, until the view lowers it again. The view
 * waits at most that many events for the model, a few milliseconds.
 * The model only moves at a step's end (vm_run_step brings its counts and
 * indexes up to the log then), so what the view sees at a yield point
 * inside a step is the model as of the last step recorded, whole.
 * Called by: tui.c, tui_curses.c, bench/view_scale.c, tests.
 * Calls: vm_run_step(), view_printed_detach(), record_compact(), sim_halt().
 */
#define _GNU_SOURCE  /* pipe2 */
#include "ui/view_bg.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/scenario_run.h"
#include "sim/sim.h"
#include "ui/view_model.h"
#include "ui/view_printed.h"

/* A byte down the pipe: the view's poll() wakes to redraw. A full pipe
 * already says so. */
static void
bg_notify(struct view_bg *bg)
{
    ssize_t r = write(bg->wake[1], "", 1);
    (void)r;
}

/* The view asked for the model: give it the lock until it is done. Called
 * with the lock held; returns with it held. */
static void
bg_yield(struct view_bg *bg)
{
    if (!atomic_load_explicit(&bg->want, memory_order_acquire))
        return;
    while (atomic_load_explicit(&bg->want, memory_order_acquire) &&
           !atomic_load_explicit(&bg->stop, memory_order_acquire))
        pthread_cond_wait(&bg->turn, &bg->lock);
}

/* The view closes: the world stops at once, so the step running now ends
 * (a halted world is one with nothing left to do: its waits return). */
static void
bg_halt(struct view_bg *bg)
{
    sim_halt(&bg->m->runner->sim, SIM_HALT_SIGNAL, 0, "the view closed while recording");
}

/* The yield point inside a step: a sink that needs no sentence. */
static void
bg_sink_emit(void *ctx, const struct trace_event *ev)
{
    struct view_bg *bg = ctx;
    (void)ev;
    if (++bg->since_look < VIEW_BG_YIELD_EVENTS)
        return;
    bg->since_look = 0;
    bg_yield(bg);
    if (atomic_load_explicit(&bg->stop, memory_order_acquire))
        bg_halt(bg);
}

/* Tests: wait, the lock given up, while the hold file exists. */
static void
bg_hold(struct view_bg *bg)
{
    struct stat sb;
    bool held = false;
    while (!atomic_load_explicit(&bg->stop, memory_order_acquire) &&
           stat(bg->hold_path, &sb) == 0) {
        if (!held)
            pthread_mutex_unlock(&bg->lock);
        held = true;
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    if (held)
        pthread_mutex_lock(&bg->lock);
    bg->hold_after = 0;  /* once */
}

static void *
bg_record(void *arg)
{
    struct view_bg *bg = arg;
    struct view_model *m = bg->m;
    pthread_mutex_lock(&bg->lock);
    while (!atomic_load_explicit(&bg->stop, memory_order_acquire)) {
        if (bg->hold_after > 0 && m->n_steps >= bg->hold_after)
            bg_hold(bg);
        if (atomic_load_explicit(&bg->stop, memory_order_acquire) || !vm_run_step(m))
            break;
        bg_notify(bg);
        bg_yield(bg);
    }
    bool stopped = atomic_load_explicit(&bg->stop, memory_order_acquire);
    if (!stopped) {
        /* what open_model() did once the steps had run */
        if (bg->printed != NULL)
            view_printed_detach(bg->printed, m);
        record_compact(&m->rec);  /* the script is recorded: give back the slack */
    }
    bg->failed = m->failed || (bg->printed != NULL && bg->printed->failed);
    /* a live call later runs on the view's thread: no yield point then */
    trace_detach(&m->runner->sim.trace, &bg->sink);
    atomic_store_explicit(&bg->done, true, memory_order_release);
    pthread_mutex_unlock(&bg->lock);
    bg_notify(bg);
    return NULL;
}

/* NETSTEP_UI_RECORD_HOLD=N:PATH (tests only). */
static void
bg_hold_from_env(struct view_bg *bg)
{
    const char *e = getenv("NETSTEP_UI_RECORD_HOLD");
    if (e == NULL)
        return;
    char *colon;
    unsigned long n = strtoul(e, &colon, 10);
    if (*colon != ':' || n == 0 || strlen(colon + 1) >= sizeof bg->hold_path)
        return;
    bg->hold_after = n;
    snprintf(bg->hold_path, sizeof bg->hold_path, "%s", colon + 1);
}

int
view_bg_start(struct view_bg *bg, struct view_model *m, struct view_printed *printed)
{
    memset(bg, 0, sizeof *bg);
    bg->m = m;
    bg->printed = printed;
    bg->wake[0] = bg->wake[1] = -1;
    atomic_init(&bg->want, false);
    atomic_init(&bg->stop, false);
    atomic_init(&bg->done, false);
    bg_hold_from_env(bg);
    if (pipe2(bg->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
        bg->wake[0] = bg->wake[1] = -1;
        return -1;
    }
    pthread_mutex_init(&bg->lock, NULL);
    pthread_cond_init(&bg->turn, NULL);
    bg->sink.emit = bg_sink_emit;
    bg->sink.ctx = bg;
    /* the least need: the yield point costs no sentence */
    trace_attach_need(&m->runner->sim.trace, &bg->sink, TRACE_NEED_FRAMES);
    /* Signals go to the view's thread, whose poll() they must end. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&bg->thread, NULL, bg_record, bg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        trace_detach(&m->runner->sim.trace, &bg->sink);
        pthread_mutex_destroy(&bg->lock);
        pthread_cond_destroy(&bg->turn);
        close(bg->wake[0]);
        close(bg->wake[1]);
        bg->wake[0] = bg->wake[1] = -1;
        return -1;
    }
    bg->started = true;
    return 0;
}

void
view_bg_lock(struct view_bg *bg)
{
    atomic_store_explicit(&bg->want, true, memory_order_release);
    pthread_mutex_lock(&bg->lock);
}

void
view_bg_unlock(struct view_bg *bg)
{
    /* lowered with the lock held: the recorder looks at it under the lock,
     * so it cannot miss the broadcast */
    atomic_store_explicit(&bg->want, false, memory_order_release);
    pthread_mutex_unlock(&bg->lock);
    pthread_cond_broadcast(&bg->turn);
}

bool
view_bg_recording(const struct view_bg *bg)
{
    return bg->started && !atomic_load_explicit(&bg->done, memory_order_acquire);
}

int
view_bg_fd(const struct view_bg *bg)
{
    return bg->wake[0];
}

void
view_bg_drain(struct view_bg *bg)
{
    char buf[256];
    while (read(bg->wake[0], buf, sizeof buf) > 0)
        ;
}

void
view_bg_wait_first(struct view_bg *bg, volatile const sig_atomic_t *interrupt)
{
    for (;;) {
        view_bg_lock(bg);
        bool ready = bg->m->n_events > 0 || !view_bg_recording(bg);
        view_bg_unlock(bg);
        if (ready || (interrupt != NULL && *interrupt != 0))
            return;
        struct pollfd p = { .fd = bg->wake[0], .events = POLLIN };
        poll(&p, 1, -1);  /* a signal ends it too (EINTR) */
        view_bg_drain(bg);
    }
}

void
view_bg_wait_done(struct view_bg *bg)
{
    while (view_bg_recording(bg)) {
        struct pollfd p = { .fd = bg->wake[0], .events = POLLIN };
        poll(&p, 1, -1);
        view_bg_drain(bg);
    }
}

void
view_bg_stop(struct view_bg *bg)
{
    if (!bg->started)
        return;
    /* The view holds no lock here, so the recorder waits for no turn: it
     * runs to its next yield point, sees stop and halts the world (a
     * broadcast all the same, for a wait that has not seen the view's
     * last one yet). */
    atomic_store_explicit(&bg->stop, true, memory_order_release);
    pthread_cond_broadcast(&bg->turn);
    pthread_join(bg->thread, NULL);
    bg->started = false;
    pthread_mutex_destroy(&bg->lock);
    pthread_cond_destroy(&bg->turn);
    close(bg->wake[0]);
    close(bg->wake[1]);
    bg->wake[0] = bg->wake[1] = -1;
}
