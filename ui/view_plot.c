/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_plot.c - the view's plot pane: cwnd against time for every TCP
 * sender of the lesson, in braille dots, with a line at the cursor's time.
 *
 * A braille cell holds 2 x 4 dots, so a pane of W x H cells is a plot of
 * 2W x 4H points: enough to see slow start's curve, the sawtooth and fast
 * recovery's step. The ASCII fallback marks a cell with '*'. Each sender
 * has its own colour role and letter (a, b, c...), named in the legend with
 * its cwnd and ssthresh as of the cursor. The numbers are the same as
 * `netstep draw cwnd`'s (draw_model.c): the TCB snapshots of the log.
 * Called by: view_render(). Calls: draw_conns_build().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw_model.h"
#include "ui/view.h"

#define PLOT_SERIES_MAX 4

/* [RFC 9293]'s pictures aside, Unicode's braille block: the bit of dot
 * (x 0..1, y 0..3) in U+2800 + bits. */
static const uint8_t braille_bit[4][2] = { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 },
                                           { 0x40, 0x80 } };

static const enum grid_role series_role[PLOT_SERIES_MAX] = { ROLE_LAYER_L4, ROLE_LAYER_L3,
                                                             ROLE_LAYER_L2, ROLE_LAYER_APP };

/* cwnd of c at time t: the last sample at or before t, or 0. */
static uint32_t
cwnd_at(const struct draw_conn *c, uint64_t t, size_t *hint)
{
    size_t k = *hint;
    while (k + 1 < c->n_samples && c->samples[k + 1].t_ns <= t)
        k++;
    *hint = k;
    return c->n_samples && c->samples[k].t_ns <= t ? c->samples[k].cwnd : 0;
}

void
view_render_plot(const struct view_model *m, const struct view_state *st,
                 const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_fill(g, r, ' ', ROLE_NORMAL);
    grid_box(g, r, "cwnd against time, every TCP sender  (C closes)", ROLE_FOCUS, gl);
    int x_in = r.x + 1, w_in = r.w - 2, y_in = r.y + 1, h_in = r.h - 2;
    if (w_in < 24 || h_in < 4)
        return;
    struct draw_select sel = { .to_ns = UINT64_MAX, .last_event = SIZE_MAX };
    struct draw_conns cs;
    char err[160];
    if (draw_conns_build(m, &sel, &cs, err, sizeof err) < 0) {
        grid_text(g, x_in + 1, y_in, w_in - 2, "no TCP connection sent data in this lesson",
                  ROLE_DIM);
        return;
    }
    size_t n = cs.n < PLOT_SERIES_MAX ? cs.n : PLOT_SERIES_MAX;
    struct record_event cur;
    uint64_t t_cur = vm_event(m, st->cursor, &cur) ? cur.t_ns : 0;
    /* legend: one line per sender, its value as of the cursor; on a short
     * pane one line for all of them */
    bool compact = h_in < (int)n + 5;
    int legend_h = compact ? 1 : (int)n;
    int lx = x_in + 1;
    for (size_t i = 0; i < n; i++) {
        size_t hint = 0;
        const struct draw_conn *c = &cs.c[i];
        uint32_t now = cwnd_at(c, t_cur, &hint);
        uint32_t ss = c->n_samples && c->samples[hint].t_ns <= t_cur ? c->samples[hint].ssthresh
                                                                      : UINT32_MAX;
        char line[200], ssb[24];
        if (ss >= DRAW_SSTHRESH_INFINITE)
            snprintf(ssb, sizeof ssb, "none yet");
        else
            snprintf(ssb, sizeof ssb, "%" PRIu32, ss);
        if (compact) {
            /* "a reno_a 14600": the sender's host and its cwnd */
            snprintf(line, sizeof line, "%c %.*s %" PRIu32 "  ", 'a' + (int)i,
                     (int)strcspn(c->name, " "), c->name, now);
            int room = x_in + w_in - 1 - lx;
            if (room > 0)
                lx += grid_text(g, lx, y_in, room, line, series_role[i]);
            continue;
        }
        snprintf(line, sizeof line, "%c %s   cwnd %" PRIu32 "  ssthresh %s", 'a' + (int)i, c->name,
                 now, ssb);
        grid_text(g, x_in + 1, y_in + (int)i, w_in - 2, line, series_role[i]);
    }
    /* the plot area: y labels on the left, the time axis below */
    const int ylab = 7;
    int px = x_in + ylab + 1, pw = w_in - ylab - 2;
    int py = y_in + legend_h, ph = h_in - legend_h - 1;
    if (ph < 2 || pw < 8) {
        draw_conns_free(&cs);
        return;
    }
    uint32_t vmax = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < cs.c[i].n_samples; k++)
            if (cs.c[i].samples[k].cwnd > vmax)
                vmax = cs.c[i].samples[k].cwnd;
    uint64_t tmax = cs.t_end_ns ? cs.t_end_ns : 1;
    char lab[32];
    snprintf(lab, sizeof lab, "%" PRIu32 "k", (vmax + 999) / 1000);
    grid_text(g, x_in, py, ylab, lab, ROLE_DIM);
    grid_text(g, x_in, py + ph - 1, ylab, "0", ROLE_DIM);
    grid_text(g, x_in, py + ph / 2, ylab, "bytes", ROLE_DIM);
    for (int y = py; y < py + ph; y++)
        grid_put(g, px - 1, y, gl->v, ROLE_BORDER);
    for (int x = px - 1; x < px + pw; x++)
        grid_put(g, x, py + ph, gl->h, ROLE_BORDER);
    grid_put(g, px - 1, py + ph, gl->bl, ROLE_BORDER);
    snprintf(lab, sizeof lab, "%" PRIu64 ".%03" PRIu64 " s", tmax / 1000000000u,
             tmax % 1000000000u / 1000000u);
    grid_text(g, px + pw - (int)strlen(lab), py + ph, (int)strlen(lab), lab, ROLE_DIM);
    grid_text(g, px, py + ph, 4, "0 s", ROLE_DIM);
    /* the dots: per cell, the bits of each series; a cell shows the last
     * series that touched it */
    size_t cells = (size_t)pw * (size_t)ph;
    uint8_t *bits = calloc(cells, 1);
    uint8_t *who = calloc(cells, 1);
    if (bits == NULL || who == NULL) {
        free(bits);
        free(who);
        draw_conns_free(&cs);
        return;
    }
    int dots_w = pw * 2, dots_h = ph * 4;
    for (size_t i = 0; i < n; i++) {
        size_t hint = 0;
        int prev_dy = -1;
        for (int dx = 0; dx < dots_w; dx++) {
            uint64_t t = (uint64_t)((double)tmax * (dx + 0.5) / dots_w);
            uint32_t v = cwnd_at(&cs.c[i], t, &hint);
            if (cs.c[i].n_samples == 0 || cs.c[i].samples[0].t_ns > t)
                continue;
            int dy = dots_h - 1 - (int)((double)v / vmax * (dots_h - 1) + 0.5);
            /* a vertical step joins the two levels, as the files' step lines do */
            int lo = prev_dy < 0 ? dy : (prev_dy < dy ? prev_dy : dy);
            int hi = prev_dy < 0 ? dy : (prev_dy > dy ? prev_dy : dy);
            for (int yy = lo; yy <= hi; yy++) {
                size_t cell = (size_t)(yy / 4) * (size_t)pw + (size_t)(dx / 2);
                bits[cell] |= braille_bit[yy % 4][dx % 2];
                who[cell] = (uint8_t)(i + 1);
            }
            prev_dy = dy;
        }
    }
    /* the cursor's time: a column lit from top to bottom */
    int cur_col = (int)((double)t_cur / (double)tmax * pw);
    if (cur_col >= pw)
        cur_col = pw - 1;
    for (int y = 0; y < ph; y++)
        for (int x = 0; x < pw; x++) {
            size_t cell = (size_t)y * (size_t)pw + (size_t)x;
            if (bits[cell]) {
                uint32_t ch = o->utf8 ? 0x2800u + bits[cell] : (uint32_t)"abcd"[who[cell] - 1];
                grid_put(g, px + x, py + y, ch,
                         x == cur_col ? ROLE_SELECTED : series_role[who[cell] - 1]);
            } else if (x == cur_col) {
                grid_put(g, px + x, py + y, gl->v, ROLE_SELECTED);
            }
        }
    free(bits);
    free(who);
    draw_conns_free(&cs);
}
