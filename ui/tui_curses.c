/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tui_curses.c - the one file that includes curses: the frame loop, and the
 * blit of a rendered grid to the screen with the theme's colours.
 *
 * One loop (htop's shape): render the whole screen into a grid, blit it,
 * wait for a key (or the play timer), let view_key() change the state,
 * again. A resize (SIGWINCH, seen as KEY_RESIZE) only changes the grid's
 * size: the state, and so the place in the lesson, is kept. While the
 * lesson is recorded behind the view (view_bg.h) the loop takes the
 * model's lock around each round of keys and render, wakes when a step is
 * recorded, and holds a key view_key_waits() says must wait (and those
 * typed after it) until the recording has what it needs.
 * Called by: tui_main(). Calls: view_render(), view_key().
 */
#include "ui/tui.h"
#include "ui/view_bg.h"

#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "sim/realtime.h"

/* How each role looks: foreground, background (-1 = terminal's) and
 * attributes, per theme. */
struct role_style {
    short fg;
    short bg;
    attr_t attr;
};

static const struct role_style style_default[ROLE_COUNT] = {
    [ROLE_NORMAL] = { -1, -1, A_NORMAL },
    [ROLE_BORDER] = { COLOR_BLUE, -1, A_NORMAL },
    [ROLE_TITLE] = { COLOR_CYAN, -1, A_BOLD },
    [ROLE_FOCUS] = { COLOR_YELLOW, -1, A_BOLD | A_REVERSE },
    [ROLE_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
    [ROLE_KEYBAR] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL },
    [ROLE_KEY] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD },
    [ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
    [ROLE_CURRENT] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
    [ROLE_SAY] = { COLOR_YELLOW, -1, A_BOLD },
    [ROLE_DIM] = { -1, -1, A_DIM },
    [ROLE_DROP] = { COLOR_WHITE, COLOR_RED, A_BOLD },
    [ROLE_WIRE] = { COLOR_MAGENTA, -1, A_BOLD },
    [ROLE_LAYER_APP] = { COLOR_WHITE, -1, A_BOLD },
    [ROLE_LAYER_SOCK] = { COLOR_CYAN, -1, A_NORMAL },
    [ROLE_LAYER_L4] = { COLOR_GREEN, -1, A_NORMAL },
    [ROLE_LAYER_L3] = { COLOR_YELLOW, -1, A_NORMAL },
    [ROLE_LAYER_L2] = { COLOR_MAGENTA, -1, A_NORMAL },
    [ROLE_FIELD] = { COLOR_BLACK, COLOR_WHITE, A_BOLD },
    [ROLE_CHANGED] = { COLOR_GREEN, -1, A_BOLD },
};

/* For projectors: black background, bright text, no dim, no blue on black. */
static const struct role_style style_high_contrast[ROLE_COUNT] = {
    [ROLE_NORMAL] = { COLOR_WHITE, COLOR_BLACK, A_BOLD },
    [ROLE_BORDER] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
    [ROLE_TITLE] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD },
    [ROLE_FOCUS] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
    [ROLE_HEADER] = { COLOR_BLACK, COLOR_WHITE, A_BOLD },
    [ROLE_KEYBAR] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
    [ROLE_KEY] = { COLOR_BLACK, COLOR_WHITE, A_BOLD | A_UNDERLINE },
    [ROLE_SELECTED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
    [ROLE_CURRENT] = { COLOR_BLACK, COLOR_GREEN, A_BOLD },
    [ROLE_SAY] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD },
    [ROLE_DIM] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
    [ROLE_DROP] = { COLOR_WHITE, COLOR_RED, A_BOLD },
    [ROLE_WIRE] = { COLOR_CYAN, COLOR_BLACK, A_BOLD },
    [ROLE_LAYER_APP] = { COLOR_WHITE, COLOR_BLACK, A_BOLD },
    [ROLE_LAYER_SOCK] = { COLOR_CYAN, COLOR_BLACK, A_BOLD },
    [ROLE_LAYER_L4] = { COLOR_GREEN, COLOR_BLACK, A_BOLD },
    [ROLE_LAYER_L3] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD },
    [ROLE_LAYER_L2] = { COLOR_MAGENTA, COLOR_BLACK, A_BOLD },
    [ROLE_FIELD] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
    [ROLE_CHANGED] = { COLOR_GREEN, COLOR_BLACK, A_BOLD | A_UNDERLINE },
};

/* Monochrome: attributes only. */
static const attr_t mono_attr[ROLE_COUNT] = {
    [ROLE_NORMAL] = A_NORMAL,       [ROLE_BORDER] = A_NORMAL,
    [ROLE_TITLE] = A_BOLD,          [ROLE_FOCUS] = A_REVERSE | A_BOLD,
    [ROLE_HEADER] = A_REVERSE,      [ROLE_KEYBAR] = A_REVERSE,
    [ROLE_KEY] = A_REVERSE | A_BOLD, [ROLE_SELECTED] = A_REVERSE,
    [ROLE_CURRENT] = A_REVERSE | A_BOLD, [ROLE_SAY] = A_BOLD,
    [ROLE_DIM] = A_DIM,             [ROLE_DROP] = A_BOLD | A_UNDERLINE,
    [ROLE_WIRE] = A_BOLD,           [ROLE_LAYER_APP] = A_NORMAL,
    [ROLE_LAYER_SOCK] = A_NORMAL,   [ROLE_LAYER_L4] = A_NORMAL,
    [ROLE_LAYER_L3] = A_NORMAL,     [ROLE_LAYER_L2] = A_NORMAL,
    [ROLE_FIELD] = A_REVERSE | A_BOLD, [ROLE_CHANGED] = A_BOLD | A_UNDERLINE,
};

static attr_t role_attr[ROLE_COUNT];

static void
theme_apply(enum tui_theme theme)
{
    if (theme != THEME_MONO && has_colors()) {
        start_color();
        use_default_colors();
        const struct role_style *s =
            theme == THEME_HIGH_CONTRAST ? style_high_contrast : style_default;
        for (int r = 0; r < ROLE_COUNT; r++) {
            init_pair((short)(r + 1), s[r].fg, s[r].bg);
            role_attr[r] = COLOR_PAIR(r + 1) | s[r].attr;
        }
        if (theme == THEME_HIGH_CONTRAST)
            bkgd(COLOR_PAIR(ROLE_NORMAL + 1));
        return;
    }
    for (int r = 0; r < ROLE_COUNT; r++)
        role_attr[r] = mono_attr[r];
}

static void
blit(const struct grid *g)
{
    for (int y = 0; y < g->h; y++) {
        for (int x = 0; x < g->w; x++) {
            const struct grid_cell *c = grid_at(g, x, y);
            wchar_t wc[2] = { (wchar_t)c->ch, L'\0' };
            cchar_t cc;
            attr_t a = role_attr[c->role < ROLE_COUNT ? c->role : 0];
            setcchar(&cc, wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
            mvadd_wch(y, x, &cc);
        }
    }
}

static int
map_key(int ch)
{
    switch (ch) {
    case KEY_UP:        return VK_UP;
    case KEY_DOWN:      return VK_DOWN;
    case KEY_LEFT:      return VK_LEFT;
    case KEY_RIGHT:     return VK_RIGHT;
    case KEY_BACKSPACE:
    case 127:
    case 8:             return VK_BACKSPACE;
    case KEY_ENTER:
    case '\n':
    case '\r':          return VK_ENTER;
    case 27:            return VK_ESC;
    case '\t':          return VK_TAB;
    default:            return ch;
    }
}

static uint64_t
mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The signal that asks the view to close (SIGHUP, SIGTERM, SIGINT), or 0.
 * Set by the handler only; the frame loop reads it after every wait. */
static volatile sig_atomic_t tui_close_signal;

static void
tui_on_close_signal(int sig)
{
    tui_close_signal = sig;
}

/* Catch the signals that end the view, without SA_RESTART, so a poll()
 * asleep in the frame loop returns at once. Installed before initscr():
 * curses leaves a signal alone that already has a handler. */
static void
tui_catch_close_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tui_on_close_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* What a wait for a key brought besides a key. */
#define LIVE_NO_KEY (-2)  /* only the world moved (redraw, nothing else) */
#define KEY_INPUT_END (-3) /* stdin is at end of file: nothing will ever come */
#define KEY_SIGNAL (-4)   /* a signal asked the view to close */

/* After poll() said the terminal is readable: the key, or KEY_INPUT_END if
 * there is none (read() returned 0 or failed: end of file or hang-up). */
static int
read_ready_key(void)
{
    nodelay(stdscr, TRUE);
    int ch = getch();
    return ch != ERR ? ch : KEY_INPUT_END;
}

/* The recorded view: a key, ERR when the play timer (ms >= 0) ran out, or
 * KEY_INPUT_END / KEY_SIGNAL. Blocks in poll() with no timeout when ms < 0. */
static int
wait_key(int ms)
{
    /* keys curses has read already come first: poll() cannot see them */
    nodelay(stdscr, TRUE);
    int ch = getch();
    if (ch != ERR)
        return ch;
    struct pollfd fd = { .fd = STDIN_FILENO, .events = POLLIN };
    int r = poll(&fd, 1, ms);
    if (tui_close_signal != 0)
        return KEY_SIGNAL;
    if (r < 0) {
        /* SIGWINCH: curses has noted the new size and says KEY_RESIZE */
        ch = getch();
        return ch != ERR ? ch : LIVE_NO_KEY;
    }
    if (r == 0)
        return ERR;
    return read_ready_key();
}

/* A live view (TAP mode) waits in poll() on the terminal, the TAP devices
 * and the next timer of the world (or of play), then lets the world catch
 * up. Returns a key, ERR for the play timer, or LIVE_NO_KEY when only the
 * world moved (redraw, nothing else), KEY_INPUT_END or KEY_SIGNAL. */
static int
live_wait(struct tui_session *ss, struct view_state *st, uint64_t *tick_at)
{
    /* keys curses has read already come first: poll() cannot see them */
    nodelay(stdscr, TRUE);
    int ch = getch();
    if (ch != ERR)
        return ch;
    struct pollfd fds[1 + REALTIME_TAPS_MAX];
    int tap_fds[REALTIME_TAPS_MAX];
    size_t n = vm_live_fds(ss->m, tap_fds, REALTIME_TAPS_MAX);
    fds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
    for (size_t i = 0; i < n; i++)
        fds[1 + i] = (struct pollfd){ .fd = tap_fds[i], .events = POLLIN };
    int ms = tui_session_timeout_ms(ss);
    uint64_t now = mono_ms();
    if (st->playing) {
        if (*tick_at == 0)
            *tick_at = now + 1000 / view_speed_eps[st->speed];
        int play_ms = *tick_at > now ? (int)(*tick_at - now) : 0;
        if (ms < 0 || play_ms < ms)
            ms = play_ms;
    } else {
        *tick_at = 0;
    }
    /* a signal (SIGWINCH) ends the wait too; curses then says KEY_RESIZE */
    int r = poll(fds, (nfds_t)(1 + n), ms);
    if (tui_close_signal != 0)
        return KEY_SIGNAL;
    if (r > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
        return read_ready_key();
    if (r < 0) {
        ch = getch();
        if (ch != ERR)
            return ch;
    }
    tui_session_pump(ss, st);
    if (st->playing && mono_ms() >= *tick_at) {
        *tick_at = 0;
        return ERR;
    }
    return LIVE_NO_KEY;
}

/* How often the view redraws while the lesson is recorded behind it (the
 * count in the header moves; a waiting key is looked at again). */
#define BG_REDRAW_MS 100

/* The recorded view while the lesson is still being recorded behind it:
 * poll() on the terminal and the recorder's pipe, with the play timer.
 * Returns a key, ERR for the play timer, LIVE_NO_KEY when only the
 * recording moved (at most every BG_REDRAW_MS, and at its end), or
 * KEY_INPUT_END / KEY_SIGNAL. */
static int
bg_wait(struct view_bg *bg, const struct view_state *st, uint64_t *tick_at, uint64_t frame_ms)
{
    nodelay(stdscr, TRUE);
    int ch = getch();
    if (ch != ERR)
        return ch;
    for (;;) {
        bool recording = view_bg_recording(bg);
        uint64_t now = mono_ms();
        int ms = -1;
        if (st->playing) {
            if (*tick_at == 0)
                *tick_at = now + 1000 / view_speed_eps[st->speed];
            ms = *tick_at > now ? (int)(*tick_at - now) : 0;
        } else {
            *tick_at = 0;
        }
        if (recording) {
            int redraw = frame_ms + BG_REDRAW_MS > now ? (int)(frame_ms + BG_REDRAW_MS - now) : 0;
            if (ms < 0 || redraw < ms)
                ms = redraw;
        }
        struct pollfd fds[2] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = view_bg_fd(bg), .events = POLLIN },
        };
        int r = poll(fds, 2, ms);
        if (tui_close_signal != 0)
            return KEY_SIGNAL;
        if (r > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
            return read_ready_key();
        if (r < 0) {
            /* SIGWINCH: curses has noted the new size and says KEY_RESIZE */
            ch = getch();
            if (ch != ERR)
                return ch;
        }
        if (r > 0 && (fds[1].revents & POLLIN) != 0)
            view_bg_drain(bg);
        now = mono_ms();
        if (st->playing && now >= *tick_at) {
            *tick_at = 0;
            return ERR;
        }
        /* the end of the recording is drawn at once; its progress at most
         * every BG_REDRAW_MS */
        if (!view_bg_recording(bg) || now >= frame_ms + BG_REDRAW_MS)
            return LIVE_NO_KEY;
    }
}

/* Keys typed while one waits for the recording, in the order typed. */
#define KEYQ_MAX 64
struct keyq {
    int k[KEYQ_MAX];
    unsigned head;
    unsigned n;
};

/* Carry out the queued keys in order, up to one that must wait for the
 * recording (view_key_waits). The model's lock is held. false to quit. */
static bool
run_keys(struct tui_session *ss, struct view_state *st, struct keyq *q, bool recording)
{
    while (q->n > 0) {
        int key = q->k[q->head];
        if (recording && view_key_waits(ss->m, st, key))
            return true;
        q->head = (q->head + 1) % KEYQ_MAX;
        q->n--;
        if (!view_key(ss->m, st, key) || !tui_session_apply(ss, st))
            return false;
    }
    return true;
}

int
tui_curses_run(struct tui_session *ss, struct view_state *st, const struct view_opts *o,
               enum tui_theme theme)
{
    tui_close_signal = 0;
    tui_catch_close_signals();
    if (initscr() == NULL)
        return -1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    theme_apply(theme);
    struct grid g;
    int h, w;
    getmaxyx(stdscr, h, w);
    if (grid_init(&g, w, h) < 0) {
        endwin();
        return -1;
    }
    /* (a lesson recorded behind the view is never live: the world is the
     * recorder's until it ends) */
    bool live = ss->bg == NULL && vm_realtime(ss->m);
    /* the lesson recorded behind the view: the first frame as soon as its
     * first step is (a live view has no recorder) */
    struct view_bg *bg = live ? NULL : ss->bg;
    if (bg != NULL)
        view_bg_wait_first(bg, &tui_close_signal);
    uint64_t tick_at = 0, frame_ms = 0;
    int status = 0;
    bool input_ended = false;
    struct keyq q = { .n = 0 };
    for (;;) {
        if (tui_close_signal != 0) {
            status = 128 + (int)tui_close_signal;
            break;
        }
        /* One lock round a frame: the keys, then the render. */
        if (bg != NULL)
            view_bg_lock(bg);
        bool recording = bg != NULL && view_bg_recording(bg);
        bool go_on = !(bg != NULL && !recording && bg->failed) &&
                     run_keys(ss, st, &q, recording);
        if (go_on) {
            struct view_opts ro = *o;
            ro.recording = recording ? record_count(&ss->m->rec) : 0;
            view_render(ss->m, st, &ro, &g);
        }
        if (bg != NULL)
            view_bg_unlock(bg);
        if (!go_on)
            break;
        blit(&g);
        refresh();
        frame_ms = mono_ms();
        int ch;
        if (live)
            ch = live_wait(ss, st, &tick_at);
        else if (bg != NULL)
            ch = bg_wait(bg, st, &tick_at, frame_ms);
        else
            ch = wait_key(st->playing ? (int)(1000 / view_speed_eps[st->speed]) : -1);
        if (ch == LIVE_NO_KEY)
            continue;
        if (ch == KEY_INPUT_END || ch == KEY_SIGNAL) {
            status = ch == KEY_SIGNAL ? 128 + (int)tui_close_signal : 0;
            input_ended = ch == KEY_INPUT_END;
            break;
        }
        if (ch == KEY_RESIZE) {
            getmaxyx(stdscr, h, w);
            if (grid_resize(&g, w, h) < 0)
                break;
            clear();
            continue;
        }
        int key = ch == ERR ? VK_TICK : map_key(ch);
        /* q while a key waits for the recording: the person wants out now */
        if (q.n > 0 && key == 'q')
            break;
        if (key == VK_TICK && q.n > 0)
            continue;  /* play ticks do not pile up behind a waiting key */
        if (q.n < KEYQ_MAX) {
            q.k[(q.head + q.n) % KEYQ_MAX] = key;
            q.n++;
        }
    }
    grid_free(&g);
    endwin();
    if (status != 0)
        fprintf(stderr, "netstep: the view closed on signal %d (%s)\n", status - 128,
                status - 128 == SIGHUP ? "the terminal hung up" : "asked to stop");
    else if (input_ended)
        fprintf(stderr, "netstep: the view's input ended (stdin closed); the view closed\n");
    return status;
}
