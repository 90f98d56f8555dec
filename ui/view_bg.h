/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_bg.h - record a lesson behind the view: a thread runs the script's
 * steps while the view draws the first of them.
 *
 * One lock guards the model and its log. The recorder holds it while it
 * runs and lets it go at yield points: after every step, and every
 * VIEW_BG_YIELD_EVENTS trace events inside one (a sink on the bus that
 * needs no sentence, so it costs nothing to build one), whenever the view
 * has said it waits for the lock. The view takes it around each key and
 * each render (view_bg_lock / view_bg_unlock); between them it sleeps in
 * poll() on the terminal and view_bg_fd(), which becomes readable when a
 * step has been recorded and when the recording ends. Nothing else runs
 * the world while the thread lives: live calls wait for the end.
 *
 * For tests, NETSTEP_UI_RECORD_HOLD=N:PATH makes the recorder stop after
 * step N for as long as the file PATH exists (looked at every 20 ms, the
 * lock given up), so a test can see the view while the recording is under
 * way however fast the machine.
 * Called by: tui.c, tui_curses.c, bench/view_scale.c, tests.
 * Calls: vm_run_step(), view_printed_detach(), record_compact().
 */
#ifndef NETSTEP_UI_VIEW_BG_H
#define NETSTEP_UI_VIEW_BG_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "stack/trace.h"

struct view_model;
struct view_printed;

/* Trace events between two looks at "the view waits": a look is an atomic
 * load, and the view waits at most this many events for the lock. */
#define VIEW_BG_YIELD_EVENTS 2048u

struct view_bg {
    struct view_model *m;          /* the model the thread records into */
    struct view_printed *printed;  /* what ping and traceroute print, or NULL */
    pthread_t thread;              /* the recorder */
    bool started;                  /* thread runs, or ran and is not joined yet */
    pthread_mutex_t lock;          /* the model, its log and its world */
    pthread_cond_t turn;           /* the recorder waits on it while the view
                                      holds the lock */
    atomic_bool want;              /* the view waits for, or holds, the lock */
    atomic_bool stop;              /* the view closes: end the recording */
    atomic_bool done;              /* the whole script is recorded (or stopped) */
    bool failed;                   /* memory ran out recording (read after done) */
    int wake[2];                   /* a pipe: a byte after each step and at the end */
    struct trace_sink sink;        /* the yield point inside a step */
    unsigned since_look;           /* events since the last look at want */
    size_t hold_after;             /* tests: steps before the hold (0: none) */
    char hold_path[256];           /* tests: hold while this file exists */
};

/* Start recording m (opened by view_model_open, printed attached to it if
 * not NULL) on a thread of its own. The recording ends with what
 * open_model() did after the steps: printed detached, the log compacted.
 * 0, or -1 (no thread or pipe: then nothing was started). */
int view_bg_start(struct view_bg *bg, struct view_model *m, struct view_printed *printed);
/* The view takes the model (blocks until the recorder reaches a yield
 * point), and gives it back. */
void view_bg_lock(struct view_bg *bg);
void view_bg_unlock(struct view_bg *bg);
/* Whether the recording still runs. */
bool view_bg_recording(const struct view_bg *bg);
/* Readable when the model grew or the recording ended; view_bg_drain()
 * empties it. */
int view_bg_fd(const struct view_bg *bg);
void view_bg_drain(struct view_bg *bg);
/* Block (the lock not held) until the model holds an event, the recording
 * ended, or *interrupt (a signal's flag; may be NULL) is set. */
void view_bg_wait_first(struct view_bg *bg, volatile const sig_atomic_t *interrupt);
/* Block (the lock not held) until the recording ends. */
void view_bg_wait_done(struct view_bg *bg);
/* End the recording if it still runs (the world halts at the next yield
 * point), join the thread, free the lock and pipe. The model stays, to be
 * destroyed as usual. Safe to call twice, or after a failed start. */
void view_bg_stop(struct view_bg *bg);

#endif
