/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_tcpstate.c - the TCP state diagram, with the transition just taken.
 *
 * Eleven states [RFC 9293 3.3.2] and the events that move between them, in a
 * layout of our own that reads top to bottom: open, the connection, the two
 * ways to close. The state the selected host's connection just entered is
 * highlighted, and the state it left is marked as changed, so stepping
 * through a lesson animates the diagram. What is shown comes from the last
 * TCP STATE event at or before the cursor, preferring the host of the
 * selected event: like every pane, a pure function of (log, cursor, size).
 */
#include "ui/view.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ui/grid.h"
#include "ui/view_model.h"

/* Plain ASCII on purpose: it reads the same in every terminal and theme. */
static const char *const diagram_wide[] = {
    "  CLOSED ---- listen() ----> LISTEN ---- rcv SYN / snd SYN,ACK ----> SYN_RECEIVED",
    "     |                                                                   |",
    "     | connect() / snd SYN                                rcv ACK of SYN |",
    "     v                                                                   v",
    "  SYN_SENT -------------- rcv SYN,ACK / snd ACK -------------------> ESTABLISHED",
    "                                                                   |          |",
    "                                               close() / snd FIN   |          | rcv FIN / snd ACK",
    "                                                                   v          v",
    "     CLOSING <------------- rcv FIN / snd ACK -------------- FIN_WAIT_1    CLOSE_WAIT",
    "        |                                                         |           |",
    "        | rcv ACK of FIN                         rcv ACK of FIN   |           | close() / snd FIN",
    "        v                                                         v           v",
    "     TIME_WAIT <------------- rcv FIN / snd ACK ------------- FIN_WAIT_2    LAST_ACK",
    "        |                                                                     |",
    "        | 2 x MSL                                              rcv ACK of FIN |",
    "        v                                                                     v",
    "     CLOSED                                                                 CLOSED",
};
/* The same diagram in at most 76 columns, for an 80-column screen: shorter
 * labels, two-line labels on the right. */
static const char *const diagram_narrow[] = {
    "CLOSED --listen()--> LISTEN --rcv SYN / snd SYN,ACK--> SYN_RECEIVED",
    "  |                                                         |",
    "  | connect() / snd SYN                      rcv ACK of SYN |",
    "  v                                                         v",
    "SYN_SENT --------rcv SYN,ACK / snd ACK---------------> ESTABLISHED",
    "                                               close() |         | rcv FIN",
    "                                               snd FIN v         v snd ACK",
    "  CLOSING <--rcv FIN / snd ACK--------------- FIN_WAIT_1     CLOSE_WAIT",
    "     |                                           |               | close()",
    "     | rcv ACK of FIN             rcv ACK of FIN |               v snd FIN",
    "     v                                           v           LAST_ACK",
    "  TIME_WAIT <--rcv FIN / snd ACK------------- FIN_WAIT_2         | rcv ACK",
    "     |                                                           v of FIN",
    "     | 2 x MSL                                                 CLOSED",
    "     v",
    "  CLOSED",
};

/* One of the layouts: its rows, how many, and the widest. */
struct diagram {
    const char *const *rows;
    size_t n;
};

/* The wide layout when the pane has the room, else the narrow one. */
static struct diagram
diagram_for(int w)
{
    struct diagram d = { diagram_wide, sizeof diagram_wide / sizeof diagram_wide[0] };
    for (size_t i = 0; i < d.n; i++)
        if ((int)strlen(d.rows[i]) > w)
            return (struct diagram){ diagram_narrow,
                                     sizeof diagram_narrow / sizeof diagram_narrow[0] };
    return d;
}

/* Whether c can be part of a state's name ("FIN_WAIT_1"). */
static bool
name_char(char c)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Paint every whole-word occurrence of name in line (drawn at x, y). */
static void
paint_word(struct grid *g, int x, int y, int max_w, const char *line, const char *name,
           enum grid_role role)
{
    size_t n = strlen(name);
    for (const char *p = strstr(line, name); p != NULL; p = strstr(p + 1, name)) {
        bool start = p == line || !name_char(p[-1]);
        bool end = !name_char(p[n]);
        int col = (int)(p - line);
        if (start && end && col < max_w)
            grid_paint(g, x + col, y, (int)n < max_w - col ? (int)n : max_w - col, role);
    }
}

/* The last TCP state change at or before the cursor: on the selected
 * event's host if it has one, else anywhere. Returns false if none. */
static bool
last_transition(const struct view_model *m, size_t cursor, char *from, char *to, size_t n,
                struct record_event *out)
{
    struct record_event sel;
    int want = vm_event(m, cursor, &sel) ? sel.host : -1;
    for (int pass = 0; pass < 2; pass++) {
        /* the host's state changes, newest first, then any host's */
        int host = pass == 0 ? want : -1;
        if (pass == 0 && want < 0)
            continue;
        for (size_t i = vm_last_tcp_state(m, host, cursor); i != SIZE_MAX;
             i = i > 0 ? vm_last_tcp_state(m, host, i - 1) : SIZE_MAX) {
            struct record_event ev;
            if (!vm_event(m, i, &ev))
                break;
            char a[32], b[32];
            /* digits too: FIN_WAIT_1, FIN_WAIT_2 */
            if (sscanf(ev.text, "%31[A-Z_0-9] -> %31[A-Z_0-9]", a, b) != 2)
                continue;
            snprintf(from, n, "%s", a);
            snprintf(to, n, "%s", b);
            *out = ev;
            return true;
        }
    }
    return false;
}

/* The row of the diagram that names state (a whole word) nearest to row
 * near, or 0. */
static size_t
row_near(const struct diagram *dg, const char *state, size_t near)
{
    size_t n = strlen(state), best = 0, best_d = SIZE_MAX;
    for (size_t i = 0; i < dg->n; i++)
        for (const char *p = strstr(dg->rows[i], state); p != NULL; p = strstr(p + 1, state)) {
            bool start = p == dg->rows[i] || !name_char(p[-1]);
            bool end = !name_char(p[n]);
            size_t d = i > near ? i - near : near - i;
            if (start && end && d < best_d) {
                best = i;
                best_d = d;
            }
        }
    return best;
}

void
view_render_tcp_states(const struct view_model *m, const struct view_state *st,
                       const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_box(g, r, "TCP states [RFC 9293 3.3.2]  (t closes)", ROLE_FOCUS, gl);
    int x = r.x + 2, w = r.w - 4, y = r.y + 1, y_end = r.y + r.h - 1;
    char from[32] = "", to[32] = "";
    struct record_event ev;
    bool have = last_transition(m, st->cursor, from, to, sizeof from, &ev);
    if (y < y_end) {
        char line[160];
        if (have)
            snprintf(line, sizeof line, "%s: %s -> %s%s%s%s", ev.where, from, to,
                     ev.rfc ? "  [" : "", ev.rfc ? ev.rfc : "", ev.rfc ? "]" : "");
        else
            snprintf(line, sizeof line, "no TCP state change yet at this point of the lesson");
        grid_text(g, x, y++, w, line, have ? ROLE_SELECTED : ROLE_DIM);
    }
    /* A SYN to a listener makes a new TCB, which the log rightly shows going
     * CLOSED -> SYN_RECEIVED; the listener itself stays in LISTEN. The
     * diagram has that transition as its LISTEN -> SYN_RECEIVED arc
     * [RFC 9293 3.10.7.2], so that is the arc lit, and a line says why the
     * log names CLOSED. */
    const char *drawn_from = from;
    if (have && strcmp(from, "CLOSED") == 0 && strcmp(to, "SYN_RECEIVED") == 0) {
        drawn_from = "LISTEN";
        if (y < y_end)
            grid_text(g, x, y++, w,
                      "a new TCB its listener made: drawn as the LISTEN -> SYN_RECEIVED arc",
                      ROLE_DIM);
    }
    /* Skip rows from the top when the pane is short, keeping the part of
     * the diagram with the transition: the state left and the state
     * entered when both fit; when the rows between them do not, the row of
     * the state left, a "..." row for those skipped, and the rows up to the
     * state entered (with 2 rows or fewer: the state entered). */
    struct diagram d = diagram_for(w);
    size_t first = 0, room = y_end > y ? (size_t)(y_end - y) : 0;
    size_t gap_at = SIZE_MAX, resume = 0;  /* after row gap_at, "..." then row resume */
    if (room < d.n && room > 0 && have) {
        size_t was = row_near(&d, drawn_from, 0), at = row_near(&d, to, was);
        was = row_near(&d, drawn_from, at);  /* CLOSED is drawn three times */
        size_t lo = was < at ? was : at, hi = was < at ? at : was;
        if (hi - lo < room) {
            size_t spare = room - (hi - lo + 1);
            first = lo > spare / 2 ? lo - spare / 2 : 0;
        } else if (room >= 3) {
            first = lo;
            gap_at = lo;
            resume = hi + 3 - room;  /* lo, "...", then room - 2 rows ending at hi */
        } else {
            first = at > room / 2 ? at - room / 2 : 0;
        }
        if (first + room > d.n)
            first = d.n - room;
    }
    for (size_t i = first; i < d.n && y < y_end; i++, y++) {
        grid_text(g, x, y, w, d.rows[i], ROLE_NORMAL);
        if (have) {
            paint_word(g, x, y, w, d.rows[i], drawn_from, ROLE_CHANGED);
            paint_word(g, x, y, w, d.rows[i], to, ROLE_SELECTED);
        }
        if (i == gap_at && y + 1 < y_end) {
            grid_text(g, x, ++y, w, "   ...", ROLE_DIM);
            i = resume - 1;
        }
    }
}
