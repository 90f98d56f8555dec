/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_ladder.c - the view's ladder pane: the ladder diagram of
 * docs/pictures.md drawn with characters, following the cursor.
 *
 * Each host, router or switch is a column; each frame a row with an arrow
 * from the sender's column to the receiver's, labelled as tcpdump would;
 * socket calls, TCP states and drops stand beside their column. A terminal
 * has no slopes, so a row is one thing that happened, in the log's order,
 * and the time it happened is in the left margin. The row of the cursor's
 * event (or the last one before it) is lit; the rows shown are the ones
 * around it, so stepping moves through the diagram.
 * The model is the same as `netstep draw ladder`'s (draw_model.c), built
 * from the log's events near the cursor only, so a long lesson stays fast.
 * Called by: view_render(). Calls: draw_ladder_build().
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw_model.h"
#include "ui/view.h"

/* Events either side of the cursor the pane reads: far more rows than a
 * screen holds (most events are not rows). */
#define LADDER_EVENTS_AROUND 1500u
/* The narrowest a column may be. */
#define LADDER_COL_MIN 12

/* One row: an arrow or a mark, in log order. */
struct ladder_row {
    size_t at;                     /* its event */
    const struct draw_arrow *a;    /* or NULL */
    const struct draw_mark *mk;    /* or NULL */
};

static void
time_text(uint64_t t_ns, char *buf, size_t n)
{
    snprintf(buf, n, "%" PRIu64 ".%04" PRIu64, t_ns / 1000000000u, t_ns % 1000000000u / 100000u);
}

static void
draw_arrow_row(struct grid *g, const struct draw_arrow *a, const int *xs, int y, bool utf8,
               const struct grid_glyphs *gl)
{
    int xa = xs[a->from], xb = xs[a->to];
    bool right = xb > xa;
    int lo = right ? xa : xb, hi = right ? xb : xa;
    int end = a->lost ? (lo + hi) / 2 : -1;
    enum grid_role role = a->why ? ROLE_DROP
                          : a->style == DRAW_ARROW_DATA ? ROLE_LAYER_L4
                          : a->style == DRAW_ARROW_ACK ? ROLE_NORMAL : ROLE_DIM;
    /* the shaft, dotted for frames that are not TCP */
    uint32_t shaft = a->style == DRAW_ARROW_OTHER ? (utf8 ? 0x2508 : '.') : gl->h;
    int from = right ? lo + 1 : (a->lost ? end : lo + 1);
    int to = right ? (a->lost ? end : hi - 1) : hi - 1;
    for (int x = from; x <= to; x++)
        grid_put(g, x, y, shaft, role);
    if (a->lost)
        grid_put(g, end, y, utf8 ? 0x2715 : 'X', ROLE_DROP);
    else
        grid_put(g, right ? hi - 1 : lo + 1, y, right ? (utf8 ? 0x25b6 : '>') : (utf8 ? 0x25c0 : '<'),
                 role);
    /* the label in the middle of the shaft, with a space either side */
    char label[200];
    snprintf(label, sizeof label, "%s%s%s%s", a->why ? "[" : "", a->why ? a->why : "",
             a->why ? "] " : "", a->label);
    int room = to - from - 3;
    if (room < 4)
        return;
    int len = (int)strlen(label);
    if (len > room)
        len = room;
    int x0 = from + 1 + (room - len) / 2 + 1;
    grid_put(g, x0 - 1, y, ' ', role);
    char clipped[200];
    snprintf(clipped, sizeof clipped, "%.*s", len, label);
    grid_text(g, x0, y, len, clipped, role);
    grid_put(g, x0 + len, y, ' ', role);
}

static void
draw_mark_row(struct grid *g, const struct draw_mark *mk, const int *xs, int n_cols, int y,
              int x_end, bool utf8)
{
    int x = xs[mk->node];
    enum grid_role role = mk->kind == DRAW_MARK_DROP ? ROLE_DROP
                          : mk->kind == DRAW_MARK_STATE ? ROLE_CURRENT : ROLE_LAYER_SOCK;
    uint32_t dot = mk->kind == DRAW_MARK_DROP ? (utf8 ? 0x2715 : 'X')
                   : mk->kind == DRAW_MARK_STATE ? (utf8 ? 0x2524 : '+') : (utf8 ? 0x25a0 : '#');
    grid_put(g, x, y, dot, role);
    /* beside the line, on the right: the rows are one thing each, so the
     * text has the row to itself */
    (void)n_cols;
    grid_text(g, x + 2, y, x_end - x - 2, mk->text, role);
}

void
view_render_ladder(const struct view_model *m, const struct view_state *st,
                   const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_fill(g, r, ' ', ROLE_NORMAL);
    grid_box(g, r, "ladder: frames between the hosts, time going down  (L closes)", ROLE_FOCUS, gl);
    int x_in = r.x + 1, w_in = r.w - 2, y_in = r.y + 1, h_in = r.h - 2;
    if (w_in < 20 || h_in < 2 || m->n_events == 0)
        return;
    struct draw_select sel = {
        .to_ns = UINT64_MAX,
        .first_event = st->cursor > LADDER_EVENTS_AROUND ? st->cursor - LADDER_EVENTS_AROUND : 0,
        .last_event = st->cursor + LADDER_EVENTS_AROUND,
    };
    struct draw_ladder l;
    char err[160];
    if (draw_ladder_build(m, &sel, &l, err, sizeof err) < 0) {
        grid_text(g, x_in + 1, y_in, w_in - 2, err, ROLE_DROP);
        return;
    }
    /* columns: after the time margin, as many as fit, from the view's first
     * host column (< > scroll them) */
    const int gutter = 8;
    int avail = w_in - gutter - 4;
    int n_fit = avail / LADDER_COL_MIN + 1;
    int first_col = st->host_first < (int)l.n_nodes ? st->host_first : 0;
    int n_cols = (int)l.n_nodes - first_col;
    if (n_cols > n_fit)
        n_cols = n_fit;
    if (n_cols < 1) {
        draw_ladder_free(&l);
        return;
    }
    int xs_all[64];
    int x_last = x_in + w_in - 2;
    /* the last column leaves room for the marks beside it */
    int span = avail - (n_cols > 1 ? 14 : 0);
    for (size_t i = 0; i < l.n_nodes && i < 64; i++) {
        int c = (int)i - first_col;
        xs_all[i] = c < 0 || c >= n_cols ? -1
                    : x_in + gutter + 2 + (n_cols > 1 ? c * span / (n_cols - 1) : span / 2);
    }
    /* rows: every arrow and mark between shown columns, in log order */
    struct ladder_row rows[4096];
    size_t n_rows = 0, ia = 0, im = 0;
    while ((ia < l.n_arrows || im < l.n_marks) && n_rows < 4096) {
        bool arrow = im >= l.n_marks || (ia < l.n_arrows && l.arrows[ia].at < l.marks[im].at);
        if (arrow) {
            const struct draw_arrow *a = &l.arrows[ia++];
            if (a->from < 64 && a->to < 64 && xs_all[a->from] >= 0 && xs_all[a->to] >= 0)
                rows[n_rows++] = (struct ladder_row){ a->at, a, NULL };
        } else {
            const struct draw_mark *mk = &l.marks[im++];
            if (mk->node >= 0 && mk->node < 64 && xs_all[mk->node] >= 0)
                rows[n_rows++] = (struct ladder_row){ mk->at, NULL, mk };
        }
    }
    /* the header: the columns' names */
    for (int c = 0; c < n_cols; c++) {
        const struct draw_node *d = &l.nodes[first_col + c];
        int len = (int)strlen(d->name);
        int x = xs_all[first_col + c] - len / 2;
        if (x < x_in + gutter)
            x = x_in + gutter;
        grid_text(g, x, y_in, len, d->name, ROLE_TITLE);
    }
    grid_text(g, x_in, y_in, gutter, "time s", ROLE_DIM);
    int body = h_in - 1;
    /* the cursor's row: the last row at or before the cursor's event */
    size_t cur = SIZE_MAX;
    for (size_t i = 0; i < n_rows && rows[i].at <= st->cursor; i++)
        cur = i;
    size_t top = 0;
    if (cur != SIZE_MAX && n_rows > (size_t)body) {
        size_t above = (size_t)body / 3;
        top = cur > above ? cur - above : 0;
        if (top + (size_t)body > n_rows)
            top = n_rows - (size_t)body;
    }
    for (int k = 0; k < body; k++) {
        int y = y_in + 1 + k;
        for (int c = 0; c < n_cols; c++)
            grid_put(g, xs_all[first_col + c], y, gl->v, ROLE_BORDER);
        size_t i = top + (size_t)k;
        if (i >= n_rows)
            continue;
        char t[24];
        uint64_t when = rows[i].a ? rows[i].a->t0_ns : rows[i].mk->t_ns;
        time_text(when, t, sizeof t);
        grid_text(g, x_in, y, gutter - 1, t, ROLE_DIM);
        if (rows[i].a)
            draw_arrow_row(g, rows[i].a, xs_all, y, o->utf8, gl);
        else
            draw_mark_row(g, rows[i].mk, xs_all, n_cols, y, x_last, o->utf8);
        if (i == cur) {
            grid_paint(g, x_in, y, w_in, ROLE_SELECTED);
            grid_put(g, x_in + gutter - 1, y, gl->mark, ROLE_SELECTED);
        }
    }
    if (n_rows == 0)
        grid_text(g, x_in + gutter + 2, y_in + 1, w_in - gutter - 4,
                  "no frame on a link near this point of the lesson", ROLE_DIM);
    draw_ladder_free(&l);
}
