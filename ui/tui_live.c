/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tui_live.c - the view's live side: statements typed on the command line,
 * `:w` and `:q`, and in TAP mode a log that grows as frames arrive.
 *
 * The frame loop (tui_curses.c, and --dump in tui.c) calls
 * tui_session_apply() after every key; a finished command line is carried
 * out here, against the model's world (vm_live_call). In TAP mode the loop
 * also calls tui_session_pump() whenever it wakes: the script's steps run one
 * per wake-up, then the world follows the wall clock and the wire. Either
 * way the cursor stays where the person put it, unless it was on the last
 * event, in which case it follows the newest (as `tail -f` does).
 * Called by: tui.c, tui_curses.c. Calls: vm_live_call(), vm_run_step(),
 * vm_live_poll(), cmdline_save().
 */
#include "ui/tui.h"

#include <stdio.h>
#include <string.h>

void
view_follow(const struct view_model *m, struct view_state *st, size_t old_n)
{
    if (m->n_events == 0 || (old_n > 0 && st->cursor + 1 < old_n))
        return;
    struct view_state end = *st;
    end.cursor = m->n_events;
    size_t last = view_prev_event(m, &end);
    if (last >= m->n_events)
        return;  /* nothing passes the filter */
    if (last != st->cursor) {
        st->cursor = last;
        st->field = -1;
        st->collapsed = 0;
    }
}

static bool
run_statement(struct tui_session *ss, struct view_state *st)
{
    struct cmdline *cl = &st->cmd;
    struct scn_diag diag;
    char result[160];
    if (ss->script_only) {
        /* the script's world is the script's: its peer is the script */
        cl->active = false;
        snprintf(cl->msg, sizeof cl->msg,
                 "a packetdrill script takes no statements; run it with netstep packetdrill");
        cl->msg_error = true;
        return true;
    }
    long k = vm_live_call(ss->m, ss->scn, cl->text, &diag, result, sizeof result);
    if (k < 0) {
        cmdline_set_error(cl, &diag);  /* the line stays open, to be mended */
        return true;
    }
    cl->active = false;
    st->cursor = ss->m->step_start[k];
    st->field = -1;
    st->collapsed = 0;
    size_t n = ss->m->n_events - ss->m->step_start[k];
    if (ss->m->failed)
        snprintf(cl->msg, sizeof cl->msg, "out of memory recording the call");
    else
        snprintf(cl->msg, sizeof cl->msg, "%s   %s%s(%zu event%s)", ss->scn->steps[k].text, result,
                 result[0] != '\0' ? "   " : "", n, n == 1 ? "" : "s");
    cl->msg_error = ss->m->failed;
    return true;
}

bool
tui_session_apply(struct tui_session *ss, struct view_state *st)
{
    struct cmdline *cl = &st->cmd;
    if (!cl->submitted)
        return true;
    cl->submitted = false;
    const char *arg;
    switch (cmdline_command(cl->text, &arg)) {
    case CMDLINE_QUIT:
        cl->active = false;
        return false;
    case CMDLINE_WRITE: {
        char err[CMDLINE_MSG_LEN - 16];
        size_t typed = ss->scn->n_steps - ss->first_live;
        if (cmdline_save(arg, ss->orig, ss->scn, ss->first_live, ss->seed_given, ss->m->seed, err,
                         sizeof err) < 0) {
            snprintf(cl->msg, sizeof cl->msg, "error: %s", err);
            cl->msg_error = true;
            return true;
        }
        cl->active = false;
        snprintf(cl->msg, sizeof cl->msg, "wrote %s: the lesson and %zu statement%s typed here",
                 arg, typed, typed == 1 ? "" : "s");
        cl->msg_error = false;
        return true;
    }
    case CMDLINE_STATEMENT:
        return run_statement(ss, st);
    }
    return true;
}

bool
tui_session_pump(struct tui_session *ss, struct view_state *st)
{
    size_t old_n = ss->m->n_events;
    /* At a `pause` the script waits until the presenter closes its card;
     * the world (and the wire) runs on meanwhile. */
    ss->m->held = st->card == VIEW_CARD_PAUSE;
    if (ss->m->n_steps < ss->scn->n_steps && !ss->m->held) {
        size_t k = ss->m->n_steps;
        vm_run_step(ss->m);
        if (ss->scn->steps[k].kind == SCN_STEP_PAUSE) {
            st->card = VIEW_CARD_PAUSE;
            st->card_step = k;
            st->playing = false;
            ss->m->held = true;
        }
    } else if (!vm_live_poll(ss->m)) {
        return false;
    }
    size_t from = st->cursor;
    view_follow(ss->m, st, old_n);
    view_stop_at_halt(ss->m, st, from, old_n);
    return ss->m->n_events != old_n;
}

int
tui_session_timeout_ms(const struct tui_session *ss)
{
    if (!vm_realtime(ss->m))
        return -1;
    if (ss->m->n_steps < ss->scn->n_steps && !ss->m->held)
        return 0;
    return vm_live_timeout_ms(ss->m);  /* held at a pause: until a key or the wire */
}
