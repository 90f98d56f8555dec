/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tui.c - the classroom view's controller: options, the recorded model, keys.
 *
 *   netstep ui FILE [--model osi|tcpip] [--theme default|high-contrast|mono]
 *                   [--ascii] [--projector] [--seed N] [--tap HOST=DEV]...
 *                   [--dump WxH [--keys KEYS]]
 *
 * The lesson opens with its introduction (its `about` text) as a card; any
 * key closes it. --projector starts in the projector layout (P toggles it).
 * --dump prints the screen the keys lead to as text instead of opening the
 * terminal (for scripts and bug reports); KEYS uses the view's keys, with
 * "\t" for tab, "\b" for Backspace, "\n" for Enter and "\e" for Esc (a
 * command line typed there runs as it would on the screen; "\." is one tick
 * of the play timer, as the screen's own clock gives while playing). --tap puts a
 * host on a TAP device: the view then runs live (tui_live.c). Otherwise,
 * on a terminal, the lesson is recorded behind the first frame by a thread
 * of its own (view_bg.h); view_key_waits() says which keys must wait for
 * the recording to reach what they need, so that every key gives what it
 * gives on the whole recording. --dump records it all first.
 * Called by: main.c. Calls: view_model_open(), view_bg_start(), view_render(),
 * tui_curses_run(), tui_session_apply().
 */
#include "ui/cli_num.h"
#include "ui/lessons.h"
#include "ui/pd_view.h"
#include "sim/packetdrill/pd.h"
#include "ui/quiz.h"
#include "ui/tui.h"
#include "ui/view_bg.h"
#include "ui/view_printed.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sim/drv_tap.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"

#define TUI_TAPS_MAX 8  /* --tap options (a world holds REALTIME_TAPS_MAX devices) */

static void
moved(struct view_state *st, size_t cursor)
{
    if (cursor != st->cursor) {
        st->cursor = cursor;
        st->field = -1;
        st->collapsed = 0;
    }
}

static bool view_key_move(const struct view_model *m, struct view_state *st, int key,
                          size_t last);

size_t
view_halt_event(const struct view_model *m)
{
    const struct sim *s = &m->runner->sim;
    if (s->halted == SIM_HALT_NONE || m->n_events == 0)
        return SIZE_MAX;
    /* While the script still runs (recorded behind the view, or live), a
     * halt after the model's last event is not in the model yet: no key
     * can reach it, and it is not the last event recorded. */
    if (s->halt_trace_events > m->n_events && m->n_steps < m->scn->n_steps)
        return SIZE_MAX;
    /* the log was recorded from the world's first event on */
    uint64_t k = s->halt_trace_events < m->n_events ? s->halt_trace_events : m->n_events;
    return k > 0 ? (size_t)k - 1 : 0;
}

void
view_stop_at_halt(const struct view_model *m, struct view_state *st, size_t from, size_t old_n)
{
    size_t h = view_halt_event(m);
    if (h == SIZE_MAX)
        return;
    bool crossed = from < h && st->cursor >= h;
    bool arrived = old_n != SIZE_MAX && h >= old_n;
    if (!crossed && !arrived)
        return;
    /* a halt is where the lesson's world stopped: play ends there, as
     * `netstep run` ends there, with the same words */
    if (crossed || st->cursor >= h)
        moved(st, h);
    st->playing = false;
    st->card = VIEW_CARD_HALT;
}

static bool
key_filter(struct view_state *st, int key)
{
    size_t n = strlen(st->filter);
    if (key == VK_ENTER) {
        st->editing_filter = false;
    } else if (key == VK_ESC) {
        st->filter[0] = '\0';
        st->editing_filter = false;
    } else if (key == VK_BACKSPACE) {
        if (n > 0)
            st->filter[n - 1] = '\0';
    } else if (key > ' ' && key < 0x7f && n + 1 < sizeof st->filter) {
        st->filter[n] = (char)key;
        st->filter[n + 1] = '\0';
    }
    return true;
}

/* Keys while the ':' command line is open: ui/cmdline.c edits it. */
static bool
key_cmdline(const struct view_model *m, struct view_state *st, int key)
{
    switch (key) {
    case VK_ENTER:     key = CMDLINE_KEY_ENTER; break;
    case VK_ESC:       key = CMDLINE_KEY_ESC; break;
    case VK_BACKSPACE: key = CMDLINE_KEY_BACKSPACE; break;
    case VK_TAB:       key = CMDLINE_KEY_TAB; break;
    case VK_UP:        key = CMDLINE_KEY_UP; break;
    case VK_DOWN:      key = CMDLINE_KEY_DOWN; break;
    default:
        if (key < 0 || key > 0xff)
            return true;  /* the play timer, arrows: not for the line */
        break;
    }
    cmdline_key(&st->cmd, m->scn, key);
    return true;
}

/* A jump (g, G, a mark, a time): remember where it left from, for ''. */
static void
jumped(struct view_state *st, size_t cursor)
{
    if (cursor != st->cursor) {
        st->jump_from = st->cursor;
        st->have_jump = true;
    }
    moved(st, cursor);
}

/* Whether key types into a question card's answer: any visible character,
 * except the teacher's keys while nothing is typed yet (r reveals, p plays
 * on, q quits, and on a card with choices a digit picks one); a typed
 * answer that begins with r, p or q starts with the capital (answers are
 * compared without case). */
static bool
ask_card_types(const struct scn_ask_args *a, const char *typed, int key)
{
    if (key <= ' ' || key > '~')
        return typed[0] != '\0' && key == ' ';
    if (typed[0] != '\0')
        return true;
    if (key == 'r' || key == 'p' || key == 'q')
        return false;
    return !(a->n_choices > 0 && key >= '1' && key <= '9');
}

/* A question's card: a student types an answer (Enter submits it), or the
 * teacher picks a choice by its digit after a show of hands; r or Enter
 * reveals: the cursor goes to the event that answered it, and the note says
 * the answer and whether the typed answer or the choice was right, judged as
 * `netstep quiz` judges (quiz_answer_matches()). Backspace takes back a
 * typed character; p plays on; any other key closes the card. */
static bool
key_ask_card(const struct view_model *m, struct view_state *st, int key)
{
    const struct scn_ask_args *a = &m->scn->steps[st->card_step].ask;
    size_t tl = strlen(st->card_typed);
    if (key == VK_BACKSPACE && tl > 0) {
        st->card_typed[tl - 1] = '\0';
        return true;
    }
    if (ask_card_types(a, st->card_typed, key)) {
        if (tl + 1 < sizeof st->card_typed) {
            st->card_typed[tl] = (char)key;
            st->card_typed[tl + 1] = '\0';
        }
        st->card_choice = 0;
        return true;
    }
    if (key >= '1' && key <= '9' && (size_t)(key - '0') <= a->n_choices) {
        st->card_choice = (unsigned)(key - '0');
        return true;
    }
    bool reveal = key == 'r' || key == VK_ENTER;
    bool resume = key == 'p';
    st->card = VIEW_CARD_NONE;
    char typed[VIEW_ANSWER_LEN];
    snprintf(typed, sizeof typed, "%s", st->card_typed);
    st->card_typed[0] = '\0';
    if (resume)
        st->playing = st->cursor < (m->n_events ? m->n_events - 1 : 0);
    if (!reveal)
        return key != 'q';
    char answer[64];
    size_t at = view_ask_answer(m, st->card_step, answer, sizeof answer);
    if (at == SIZE_MAX) {
        snprintf(st->note, sizeof st->note, "the stack never answered this question");
        return true;
    }
    moved(st, at);
    /* the answer's own choice number, so "2" is right when choice 2 is */
    unsigned answer_choice = 0;
    for (size_t i = 0; i < a->n_choices; i++)
        if (strcasecmp(a->choices[i], answer) == 0 && answer_choice == 0)
            answer_choice = (unsigned)i + 1;
    char said[256];
    if (typed[0] != '\0') {
        bool right = quiz_answer_matches(typed, answer, answer_choice, a->n_choices);
        snprintf(said, sizeof said, "answer: %s (event %zu): you said %s: %s", answer, at + 1,
                 typed, right ? "right" : "not this time");
    } else if (st->card_choice == 0) {
        snprintf(said, sizeof said, "answer: %s (event %zu)", answer, at + 1);
    } else {
        bool right = st->card_choice <= a->n_choices &&
                     strcasecmp(a->choices[st->card_choice - 1], answer) == 0;
        snprintf(said, sizeof said, "answer: %s (event %zu): %u was %s", answer, at + 1,
                 st->card_choice, right ? "right" : "not this time");
    }
    size_t len = strlen(said);
    if (len >= sizeof st->note)
        len = sizeof st->note - 1;
    memcpy(st->note, said, len);
    st->note[len] = '\0';
    return true;
}

static void
note_event(const struct view_model *m, struct view_state *st, const char *what, size_t i)
{
    struct record_event ev;
    uint64_t t = vm_event(m, i, &ev) ? ev.t_ns : 0;
    snprintf(st->note, sizeof st->note, "%s event %zu, t=%" PRIu64 ".%06" PRIu64 " s", what, i + 1,
             t / 1000000000u, t % 1000000000u / 1000u);
}

/* The letter after 'm' (set a bookmark) or '\'' (go to one), as in vi and
 * less; '' goes back to where the last jump left from. */
static bool
key_mark(const struct view_model *m, struct view_state *st, int key)
{
    int what = st->pending;
    st->pending = 0;
    if (key == VK_ESC)
        return true;
    if (what == '\'' && key == '\'') {
        if (!st->have_jump) {
            snprintf(st->note, sizeof st->note, "no jump yet to go back from");
            return true;
        }
        jumped(st, st->jump_from);
        note_event(m, st, "back to", st->cursor);
        return true;
    }
    if (key < 'a' || key > 'z') {
        snprintf(st->note, sizeof st->note, "bookmarks are the letters a to z");
        return true;
    }
    int i = key - 'a';
    char what_s[32];
    if (what == 'm') {
        st->marks[i] = st->cursor;
        st->marks_set |= 1u << i;
        snprintf(what_s, sizeof what_s, "mark %c set at", key);
        note_event(m, st, what_s, st->cursor);
    } else if (!(st->marks_set & (1u << i))) {
        snprintf(st->note, sizeof st->note, "no mark %c yet: m then %c sets it", key, key);
    } else {
        jumped(st, st->marks[i]);
        snprintf(what_s, sizeof what_s, "mark %c:", key);
        note_event(m, st, what_s, st->cursor);
    }
    return true;
}

/* Typing the time after '@'; Enter jumps to the first event at or after it. */
static bool
key_time(const struct view_model *m, struct view_state *st, int key)
{
    size_t n = strlen(st->time_input);
    if (key == VK_ENTER) {
        st->editing_time = false;
        if (n == 0)
            return true;
        struct record_event ev;
        uint64_t now = vm_event(m, st->cursor, &ev) ? ev.t_ns : 0, t;
        if (!view_parse_time(st->time_input, now, &t)) {
            snprintf(st->note, sizeof st->note, "not a time: '%s' (try 1.5s, 250ms or +10ms)",
                     st->time_input);
            return true;
        }
        jumped(st, view_time_event(m, st, t));
        note_event(m, st, "at", st->cursor);
    } else if (key == VK_ESC) {
        st->editing_time = false;
    } else if (key == VK_BACKSPACE) {
        if (n > 0)
            st->time_input[n - 1] = '\0';
    } else if (key >= ' ' && key < 0x7f && n + 1 < sizeof st->time_input) {
        st->time_input[n] = (char)key;
        st->time_input[n + 1] = '\0';
    }
    return true;
}

bool
view_key(const struct view_model *m, struct view_state *st, int key)
{
    if (st->cmd.active)
        return key_cmdline(m, st, key);
    if (key != VK_TICK) {
        st->cmd.msg[0] = '\0';  /* what the last line did, shown until a key */
        st->note[0] = '\0';
        if (st->editing_time)
            return key_time(m, st, key);
        if (st->pending)
            return key_mark(m, st, key);
    }
    if (st->editing_filter)
        return key_filter(st, key);
    if (st->card == VIEW_CARD_ASK && key != VK_TICK)
        return key_ask_card(m, st, key);
    if (st->card != VIEW_CARD_NONE) {
        /* any key closes a card; p on a pause plays on past it */
        if (key == VK_TICK)
            return true;
        bool resume = st->card == VIEW_CARD_PAUSE && key == 'p';
        st->card = VIEW_CARD_NONE;
        if (resume)
            st->playing = st->cursor < (m->n_events ? m->n_events - 1 : 0);
        return key != 'q';
    }
    if (st->help) {
        if (key != VK_TICK)
            st->help = false;
        return key != 'q';
    }
    size_t last = m->n_events ? m->n_events - 1 : 0;
    size_t from = st->cursor;
    bool go_on = view_key_move(m, st, key, last);
    view_stop_at_halt(m, st, from, SIZE_MAX);
    return go_on;
}

/* The keys that act on the log (view_key once no card, help or line takes
 * the key). false for q. */
static bool
view_key_move(const struct view_model *m, struct view_state *st, int key, size_t last)
{
    switch (key) {
    case 'q':
        return false;
    case ' ':
    case 'n':
        moved(st, view_next_event(m, st));
        break;
    case VK_TICK: {
        if (!st->playing)
            break;
        size_t from = st->cursor;
        moved(st, view_next_event(m, st));
        if (st->cursor >= last || view_next_event(m, st) == st->cursor)
            st->playing = false;
        /* a `pause` stops play and shows its text until the presenter
         * goes on (p) */
        size_t pause = view_pause_between(m, from, st->cursor);
        if (pause != SIZE_MAX) {
            st->playing = false;
            st->card = m->scn->steps[pause].kind == SCN_STEP_ASK ? VIEW_CARD_ASK
                                                                 : VIEW_CARD_PAUSE;
            st->card_step = pause;
            st->card_choice = 0;
            st->card_typed[0] = '\0';
        }
        break;
    }
    case 'b':
    case VK_BACKSPACE:
        moved(st, view_prev_event(m, st));
        break;
    case 's':
        moved(st, view_next_step(m, st->cursor));
        break;
    case 'S':
        moved(st, view_prev_step(m, st->cursor));
        break;
    case 'p':
        st->playing = !st->playing && st->cursor < last;
        break;
    case '[':
        if (st->speed > 0)
            st->speed--;
        break;
    case ']':
        if (st->speed < VIEW_SPEEDS - 1)
            st->speed++;
        break;
    case 'g':
        jumped(st, 0);
        break;
    case 'G':
        jumped(st, last);
        break;
    case 'm':
    case '\'':
        st->pending = key;
        break;
    case '@':
        st->editing_time = true;
        st->time_input[0] = '\0';
        break;
    case VK_TAB:
        st->focus = (enum view_pane)((st->focus + 1) % PANE_COUNT);
        /* below 140 columns bytes and sockets share a place: the packet
         * pane's field-to-byte link needs the bytes beside it */
        if (st->focus == PANE_SOCKETS)
            st->bottom_sockets = true;
        else if (st->focus == PANE_BYTES || st->focus == PANE_PACKET)
            st->bottom_sockets = false;
        break;
    case '/':
        st->editing_filter = true;
        st->filter[0] = '\0';
        break;
    case '?':
        st->help = true;
        break;
    case ':':
        cmdline_open(&st->cmd);
        st->playing = false;
        break;
    case 't':
        st->tcp_states = !st->tcp_states;
        st->ladder = st->plot = st->map = st->conn_table = false;
        break;
    case 'L':
        st->ladder = !st->ladder;
        st->tcp_states = st->plot = st->map = st->conn_table = false;
        break;
    case 'C':
        st->plot = !st->plot;
        st->tcp_states = st->ladder = st->map = st->conn_table = false;
        break;
    case 'M':
        st->map = !st->map;
        st->tcp_states = st->ladder = st->plot = st->conn_table = false;
        break;
    case 'T':
        st->conn_table = !st->conn_table;
        st->tcp_states = st->ladder = st->plot = st->map = false;
        break;
    case 'c': {
        size_t cause = view_cause_event(m, st->cursor);
        if (cause == SIZE_MAX) {
            snprintf(st->note, sizeof st->note, "no earlier event caused this one");
            break;
        }
        jumped(st, cause);
        note_event(m, st, "the cause ('' back):", st->cursor);
        break;
    }
    case 'i':
        if (m->scn->about != NULL && m->scn->about[0] != '\0')
            st->card = VIEW_CARD_ABOUT;
        else
            snprintf(st->note, sizeof st->note, "this lesson has no introduction (no `about`)");
        break;
    case 'o':
        st->osi_flip = !st->osi_flip;
        snprintf(st->note, sizeof st->note, "layer names switched, OSI or TCP/IP (? shows both)");
        break;
    case 'P':
        st->projector = !st->projector;
        snprintf(st->note, sizeof st->note, "projector layout %s", st->projector ? "on" : "off");
        break;
    case '<':
    case VK_LEFT:
        if (st->host_first > 0)
            st->host_first--;
        break;
    case '>':
    case VK_RIGHT:
        if ((size_t)st->host_first + 1 < vm_n_hosts(m))
            st->host_first++;
        break;
    case VK_UP:
    case VK_DOWN:
        if (st->focus == PANE_PACKET || st->focus == PANE_BYTES) {
            int f;
            int n = view_packet_lines(m, st, &f);
            f += key == VK_UP ? -1 : 1;
            if (f < 0)
                f = 0;
            if (f >= n)
                f = n - 1;
            st->field = f;
        } else if (st->focus == PANE_SOCKETS) {
            int n = view_sockets_items(m, st), k = st->sock_sel;
            k += key == VK_UP ? -1 : 1;
            st->sock_sel = k >= n ? n - 1 : k < 0 ? 0 : k;
            if (st->sock_sel < 0)
                st->sock_sel = 0;
        } else {
            moved(st, key == VK_UP ? view_prev_event(m, st) : view_next_event(m, st));
        }
        break;
    case VK_ENTER:
        if (st->focus == PANE_PACKET || st->focus == PANE_BYTES) {
            int layer = view_packet_layer_at(m, st);
            if (layer >= 0)
                st->collapsed ^= 1u << layer;
        }
        break;
    default:
        break;
    }
    return true;
}

/* Whether the forward move from st's cursor (n, space, down) finds its
 * event among those recorded: then the rest of the log cannot change it. */
static bool
next_unknown(const struct view_model *m, const struct view_state *st)
{
    return view_next_event(m, st) == st->cursor;
}

/* '@' then Enter: the first event at or after the time typed that passes
 * the filter is known once one such event is recorded. */
static bool
time_jump_waits(const struct view_model *m, const struct view_state *st)
{
    if (st->time_input[0] == '\0')
        return false;
    struct record_event ev;
    uint64_t now = vm_event(m, st->cursor, &ev) ? ev.t_ns : 0, t;
    if (!view_parse_time(st->time_input, now, &t))
        return false;  /* "not a time": the same answer either way */
    size_t at = view_time_event(m, st, t);
    struct view_filter vf;
    view_filter_init(&vf, m, st->filter);
    return at >= m->n_events || !vm_event_facts(m, at, &ev) || ev.t_ns < t ||
           !view_filter_hit(m, &vf, at);
}

bool
view_key_waits(const struct view_model *m, const struct view_state *st, int key)
{
    /* "the cursor is on the last event": with the log partly recorded,
     * play and the keys that look past it read an end that is not yet
     * the lesson's */
    bool at_end = m->n_events == 0 || st->cursor + 1 >= m->n_events;
    if (st->cmd.active) {
        /* a statement runs in the world after the script: all of it first */
        const char *arg;
        return key == VK_ENTER && cmdline_command(st->cmd.text, &arg) == CMDLINE_STATEMENT;
    }
    if (key != VK_TICK) {
        if (st->editing_time)
            return key == VK_ENTER && time_jump_waits(m, st);
        if (st->pending)
            return false;  /* marks are events seen, so recorded */
    }
    if (st->editing_filter)
        return false;  /* typing it; the cursor stays */
    if (st->card == VIEW_CARD_ASK && key != VK_TICK) {
        const struct scn_ask_args *a = &m->scn->steps[st->card_step].ask;
        if ((key == VK_BACKSPACE && st->card_typed[0] != '\0') ||
            ask_card_types(a, st->card_typed, key) ||
            (key >= '1' && key <= '9' && (size_t)(key - '0') <= a->n_choices))
            return false;
        if (key == 'p')
            return at_end;
        if (key == 'r' || key == VK_ENTER) {
            char answer[64];
            return view_ask_answer(m, st->card_step, answer, sizeof answer) == SIZE_MAX;
        }
        return false;
    }
    if (st->card != VIEW_CARD_NONE)
        return key == 'p' && st->card == VIEW_CARD_PAUSE && at_end;
    if (st->help)
        return false;
    switch (key) {
    case ' ':
    case 'n':
        return next_unknown(m, st);
    case VK_DOWN:
        if (st->focus == PANE_PACKET || st->focus == PANE_BYTES || st->focus == PANE_SOCKETS)
            return false;
        return next_unknown(m, st);
    case VK_TICK: {
        if (!st->playing)
            return false;
        /* the tick moves one on, and play stops if nothing follows that */
        if (next_unknown(m, st))
            return true;
        struct view_state on = *st;
        on.cursor = view_next_event(m, st);
        return next_unknown(m, &on);
    }
    case 's': {
        /* the next step's first event, once that step is recorded */
        if (m->n_events == 0)
            return true;
        size_t s = vm_step_of(m, st->cursor);
        return s + 1 >= m->n_steps || m->step_start[s + 1] >= m->n_events;
    }
    case 'p':
        return !st->playing && at_end;
    case 'G':
        return true;
    default:
        return false;  /* backward, or the state alone */
    }
}

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: netstep ui FILE [--model osi|tcpip] [--theme default|high-contrast|mono]\n"
            "                       [--ascii] [--projector] [--seed N] [--tap HOST=DEV] [--tap-create]\n"
            "                       [--dump WxH [--keys KEYS]]\n"
            "       netstep ui FILE.pkt [--personality netstep|freebsd|linux] [--seed N] ...\n"
            "\n"
            "Opens the classroom view: step through the lesson event by event and\n"
            "watch each host's layers, the frames on the wire, the packet and its bytes.\n"
            "Press ? in the view for every key; press : to make a socket call live,\n"
            "in the scenario's words (:w FILE saves the session). --tap HOST=DEV puts\n"
            "HOST on a TAP device and the view follows the real wire as frames arrive.\n"
            "--projector (or P in the view) lays the screen out for a projector:\n"
            "the narration in full, the layers, one pane, every key.\n"
            "A packetdrill script (FILE.pkt) opens with a step for each of its lines\n"
            "(docs/packetdrill.md); --personality picks the stack's tunables.\n"
            "NO_COLOR is honoured.\n");
}

/* "a\tb" style escapes of --keys into view keys. */
static int
next_key(const char **s)
{
    const char *p = *s;
    if (p[0] == '\\' && p[1] != '\0') {
        *s += 2;
        switch (p[1]) {
        case 't': return VK_TAB;
        case 'b': return VK_BACKSPACE;
        case 'n': return VK_ENTER;
        case 'e': return VK_ESC;
        case 'u': return VK_UP;
        case 'd': return VK_DOWN;
        case 'T': return VK_TICK;  /* one tick of play, as the timer gives */
        case '.': return VK_TICK;  /* the play timer running out once */
        default:  return (unsigned char)p[1];
        }
    }
    *s += 1;
    return (unsigned char)p[0];
}

static int
dump(struct tui_session *ss, struct view_state *st, const struct view_opts *o, int w, int h,
     const char *keys)
{
    for (const char *k = keys; k != NULL && *k;)
        if (!view_key(ss->m, st, next_key(&k)) || !tui_session_apply(ss, st))
            break;
    struct grid g;
    if (grid_init(&g, w, h) < 0)
        return -1;
    view_render(ss->m, st, o, &g);
    char line[4096];
    for (int y = 0; y < g.h; y++) {
        grid_row_text(&g, y, line, sizeof line);
        puts(line);
    }
    grid_free(&g);
    return 0;
}

/* The lesson's text, for `:w`; NULL if it cannot be read. */
static char *
lesson_text(const char *path)
{
    size_t len;
    char why[128];
    return scenario_read_file(path, &len, why, sizeof why);
}

/* The model: the whole lesson recorded; or, with TAP devices, the world
 * built and the devices attached, the steps left for the frame loop to run
 * as the person watches (in real time, since the wire is); or, when
 * `behind` (the view opens on a terminal), the world built and no step run:
 * the caller records them behind the view (view_bg.h). What ping and
 * traceroute print is kept in printed as the steps run. */
static int
open_model(struct view_model *m, struct view_printed *printed, const struct scenario *scn,
           bool seed_given, uint64_t seed, const char *const *taps, size_t n_taps, bool behind,
           char *err, size_t err_len)
{
    if (view_model_open(m, scn, seed_given, seed, err, err_len) < 0)
        return -1;
    if (view_printed_attach(printed, m) < 0) {
        snprintf(err, err_len, "netstep: out of memory");
        view_model_destroy(m);
        return -1;
    }
    /* A world on a TAP device (--tap, or a `tap` statement in the file) runs
     * live: its steps run as the view draws, not all before it opens.
     * Otherwise record it all now, as view_model_build() does. */
    if (n_taps == 0 && scn->n_taps == 0) {
        if (behind)
            return 0;
        while (vm_run_step(m))
            ;
        view_printed_detach(printed, m);
        record_compact(&m->rec);  /* the script is recorded: give back the slack */
        if (m->failed || printed->failed) {
            snprintf(err, err_len, "netstep: out of memory recording the lesson");
            view_model_destroy(m);
            view_printed_free(printed);
            return -1;
        }
        return 0;
    }
    for (size_t i = 0; i < n_taps; i++) {
        char why[400];
        if (scn_runner_attach_tap_arg(m->runner, taps[i], why, sizeof why) < 0) {
            snprintf(err, err_len, "netstep: %s", why);
            view_printed_detach(printed, m);
            view_model_destroy(m);
            view_printed_free(printed);
            return -1;
        }
    }
    return 0;
}

int
tui_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "model", required_argument, NULL, 'm' },
        { "theme", required_argument, NULL, 'T' },
        { "ascii", no_argument, NULL, 'a' },
        { "seed", required_argument, NULL, 's' },
        { "dump", required_argument, NULL, 'd' },
        { "keys", required_argument, NULL, 'k' },
        { "tap", required_argument, NULL, 'P' },
        { "tap-create", no_argument, NULL, 'C' },
        { "projector", no_argument, NULL, 'j' },
        { "personality", required_argument, NULL, 'Q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct view_opts o = { .utf8 = true };
    enum tui_theme theme = THEME_DEFAULT;
    bool seed_given = false, ascii = false, projector = false;
    uint64_t seed = 0;
    int dump_w = 0, dump_h = 0;
    const char *keys = NULL;
    const char *personality = NULL;
    const char *taps[TUI_TAPS_MAX];
    size_t n_taps = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:T:as:d:k:P:CjQ:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "osi") == 0)
                o.osi = true;
            else if (strcmp(optarg, "tcpip") != 0) {
                fprintf(stderr, "netstep: --model is osi or tcpip, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'T':
            if (strcmp(optarg, "high-contrast") == 0)
                theme = THEME_HIGH_CONTRAST;
            else if (strcmp(optarg, "mono") == 0)
                theme = THEME_MONO;
            else if (strcmp(optarg, "default") != 0) {
                fprintf(stderr, "netstep: --theme is default, high-contrast or mono, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'C':  /* a missing TAP device is created, not an error (sim/drv_tap.h) */
            drv_tap_allow_create(true);
            break;
        case 'a':
            ascii = true;
            break;
        case 's':
            if (cli_parse_u64(optarg, &seed) < 0) {
                fprintf(stderr, "netstep: --seed needs a number, not '%s'\n", optarg);
                return 2;
            }
            seed_given = true;
            break;
        case 'd':
            if (sscanf(optarg, "%dx%d", &dump_w, &dump_h) != 2 || dump_w < 20 || dump_h < 8 ||
                dump_w > 1000 || dump_h > 1000) {
                fprintf(stderr, "netstep: --dump needs WIDTHxHEIGHT, such as 80x24\n");
                return 2;
            }
            break;
        case 'k':
            keys = optarg;
            break;
        case 'P':
            if (strchr(optarg, '=') == NULL || n_taps == TUI_TAPS_MAX) {
                fprintf(stderr, "netstep: --tap needs HOST=DEV (at most %d), not '%s'\n",
                        TUI_TAPS_MAX, optarg);
                return 2;
            }
            taps[n_taps++] = optarg;
            break;
        case 'j':
            projector = true;
            break;
        case 'Q':
            if (!pd_personality_known(optarg)) {
                fprintf(stderr, "netstep: --personality is one of %s, not '%s'\n",
                        pd_personality_names(), optarg);
                return 2;
            }
            personality = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "netstep: ui needs exactly one scenario file\n");
        usage(stderr);
        return 2;
    }
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    o.utf8 = !ascii && cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && nc[0] != '\0')
        theme = THEME_MONO;

    char pathbuf[PATH_MAX];
    const char *path = lesson_resolve(argv[optind], pathbuf, sizeof pathbuf);
    o.file = path;
    struct scn_diag diag;
    struct view_model *m = calloc(1, sizeof *m);
    char err[PD_MSG_LEN];
    bool script = pd_view_is_script(path);
    struct scenario *scn = NULL;
    if (script) {
        /* a packetdrill script: run once, recorded, a step a line */
        if (m == NULL || pd_view_open(m, &scn, path, personality, seed_given, seed, err,
                                      sizeof err) != 0) {
            fprintf(stderr, "%s\n", m == NULL ? "netstep: out of memory" : err);
            free(m);
            return 2;
        }
    } else if (personality != NULL) {
        fprintf(stderr, "netstep: --personality is for a packetdrill script (FILE.pkt)\n");
        free(m);
        return 2;
    } else if ((scn = scenario_parse_file(path, &diag)) == NULL) {
        scn_diag_print(&diag, stderr);
        free(m);
        return 2;
    }
    /* what ping and traceroute print (a script prints nothing) */
    struct view_printed printed;
    memset(&printed, 0, sizeof printed);
    /* On a terminal, an ordinary lesson is recorded behind the first
     * frame; --dump prints once, and records it all first as it always has. */
    bool behind = !script && dump_w == 0 && n_taps == 0 && scn->n_taps == 0;
    if (!script && (m == NULL || open_model(m, &printed, scn, seed_given, seed, taps, n_taps,
                                            behind, err, sizeof err) < 0)) {
        fprintf(stderr, "%s\n", m == NULL ? "netstep: out of memory" : err);
        free(m);
        scenario_free(scn);
        return 2;
    }
    struct tui_session ss = { .m = m, .scn = scn, .orig = script ? NULL : lesson_text(path),
                              .first_live = scn->n_steps, .seed_given = seed_given,
                              .script_only = script };
    o.printed = &printed;
    struct view_state st;
    view_state_open(m, &st);
    st.projector = projector;
    int rc = 0;
    if (dump_w > 0) {
        while (vm_run_step(m))
            ;
        rc = dump(&ss, &st, &o, dump_w, dump_h, keys) < 0 ? 2 : 0;
    } else {
        struct view_bg bg;
        if (behind && view_bg_start(&bg, m, &printed) == 0) {
            ss.bg = &bg;
        } else if (behind) {
            /* no thread: record it all first, as before */
            while (vm_run_step(m))
                ;
            view_printed_detach(&printed, m);
            record_compact(&m->rec);
        }
        if ((rc = tui_curses_run(&ss, &st, &o, theme)) < 0) {
            fprintf(stderr, "netstep: cannot open the terminal for the view\n");
            rc = 2;
        }
        if (ss.bg != NULL) {
            view_bg_stop(&bg);  /* quit while recording: the world stops, the thread ends */
            if (bg.failed && rc == 0) {
                fprintf(stderr, "netstep: out of memory recording the lesson\n");
                rc = 2;
            }
            ss.bg = NULL;
        }
    }
    free((char *)ss.orig);
    view_printed_detach(&printed, m);
    view_model_destroy(m);
    view_printed_free(&printed);
    free(m);
    scenario_free(scn);
    return rc;
}
