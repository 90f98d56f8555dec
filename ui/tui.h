/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tui.h - the classroom view: `netstep ui FILE` and `netstep FILE` on a terminal.
 *
 * tui_main() parses the view's options, starts recording the lesson
 * (view_model.h) behind the view (view_bg.h), then runs the frame loop in
 * tui_curses.c. view_key() is the whole of the
 * key handling, apart from curses, so tests can drive it.
 */
#ifndef NETSTEP_UI_TUI_H
#define NETSTEP_UI_TUI_H

#include <stdbool.h>

#include "ui/view.h"

struct view_bg;

/* Keys that are not characters (curses' codes stay in tui_curses.c). */
enum view_keycode {
    VK_UP = 0x110000,
    VK_DOWN,
    VK_LEFT,
    VK_RIGHT,
    VK_BACKSPACE,
    VK_ENTER,
    VK_ESC,
    VK_TAB,
    VK_TICK,  /* the play timer ran out */
};

enum tui_theme {
    THEME_DEFAULT,
    THEME_HIGH_CONTRAST,
    THEME_MONO,  /* NO_COLOR, --theme mono, or a terminal without colours */
};

/* One key (a character or a VK_ code). Returns false when the view should
 * quit. A line the command line finished waits in st->cmd for
 * tui_session_apply(). */
bool view_key(const struct view_model *m, struct view_state *st, int key);

/* `netstep ui FILE [options]`: argv[0] is "ui". Returns the exit status. */
int tui_main(int argc, char **argv);

/* The live side of a view (tui_live.c): the world after the script runs
 * statements typed on the command line, and in TAP mode follows the wire. */
struct tui_session {
    struct view_model *m;   /* the model; its world runs the live statements */
    struct scenario *scn;   /* m->scn, writable: live statements join it */
    const char *orig;       /* the scenario file's text as loaded, for :w (may be NULL) */
    size_t first_live;      /* scn->n_steps before any live statement */
    bool seed_given;        /* the view ran with --seed */
    bool script_only;       /* a packetdrill script (ui/pd_view.c): its world
                               takes no statements from the command line */
    struct view_bg *bg;     /* the recording behind the view (ui/view_bg.h),
                               or NULL: the lesson was recorded before it opened
                               (or runs live) */
};

/* While the lesson is still being recorded behind the view: whether key,
 * pressed now, could give another result than it gives once the whole
 * lesson is recorded (G, a step or event past the recorded end, a time
 * later than it, a statement typed on the command line...). Such a key
 * waits until the recording reaches what it needs. The model's lock is
 * held. */
bool view_key_waits(const struct view_model *m, const struct view_state *st, int key);

/* After each key: carry out the line st->cmd finished, if any (a
 * statement, `w FILE`, `q`). Returns false when the view should quit. */
bool tui_session_apply(struct tui_session *ss, struct view_state *st);

/* TAP mode, between keys: run the script's next step, or once the script
 * has run, what the wall clock and the wire bring (never blocks). The
 * cursor stays where it is unless it was on the last event: then it follows
 * the newest (as `tail -f`). true if the log grew. */
bool tui_session_pump(struct tui_session *ss, struct view_state *st);
/* How long the frame loop may sleep before tui_session_pump() has work:
 * 0, a number of ms, or -1 (until a key or a frame). */
int tui_session_timeout_ms(const struct tui_session *ss);

/* After the log grew from old_n events: if the cursor was on the last
 * event (or there was none), move it to the newest the filter shows. */
void view_follow(const struct view_model *m, struct view_state *st, size_t old_n);

/* The world halted (a storm, sim_halt): the last event before the halt, or
 * SIZE_MAX while the world runs. */
size_t view_halt_event(const struct view_model *m);
/* Stop at the halt with its card (and stop play) when the cursor moved
 * from `from` to or past it, or the halt came into the log at or after
 * old_n (TAP mode; SIZE_MAX: not looked at). */
void view_stop_at_halt(const struct view_model *m, struct view_state *st, size_t from,
                       size_t old_n);

/* The frame loop (tui_curses.c). Returns the exit status: 0 after `q` or
 * when the input ended, 128 + N after signal N (SIGHUP, SIGTERM, SIGINT);
 * or -1 if the terminal could not be set up. */
int tui_curses_run(struct tui_session *ss, struct view_state *st, const struct view_opts *o,
                   enum tui_theme theme);

#endif
