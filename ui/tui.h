/*
 * tui.h - the classroom view: `netstep ui FILE` and `netstep FILE` on a terminal.
 *
 * tui_main() parses the view's options, records the lesson (view_model.h),
 * then runs the frame loop in tui_curses.c. view_key() is the whole of the
 * key handling, apart from curses, so tests can drive it.
 */
#ifndef NETSTEP_UI_TUI_H
#define NETSTEP_UI_TUI_H

#include <stdbool.h>

#include "ui/view.h"

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
 * quit. */
bool view_key(const struct view_model *m, struct view_state *st, int key);

/* `netstep ui FILE [options]`: argv[0] is "ui". Returns the exit status. */
int tui_main(int argc, char **argv);

/* The frame loop (tui_curses.c). Returns 0, or -1 if the terminal could not
 * be set up. */
int tui_curses_run(const struct view_model *m, struct view_state *st,
                   const struct view_opts *o, enum tui_theme theme);

#endif
