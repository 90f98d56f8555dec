/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw_render.c - the ladder and the TCP plots, painted with cairo.
 *
 * Layout is computed first (text measured with cairo's own metrics on a
 * scratch surface), then the figure is painted once on a surface of the
 * format the file name asks for. Time runs down the ladder: within a burst
 * of activity a millisecond is always the same height, so an arrow's slope
 * is its real delay; a quiet stretch with nothing on any link (a TIME_WAIT,
 * an RTO) is cut short and marked with how long it was.
 * Called by: draw.c. Calls: cairo.
 */
#include "ui/draw_render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Okabe & Ito's palette: told apart with every common colour vision. */
static const double PAL[][3] = {
    { 0.000, 0.447, 0.698 },  /* blue */
    { 0.835, 0.369, 0.000 },  /* vermillion */
    { 0.000, 0.620, 0.451 },  /* bluish green */
    { 0.902, 0.624, 0.000 },  /* orange */
    { 0.800, 0.475, 0.655 },  /* reddish purple */
    { 0.337, 0.706, 0.914 },  /* sky blue */
    { 0.000, 0.000, 0.000 },  /* black */
};
#define PAL_BLUE 0
#define PAL_VERMILLION 1
#define PAL_GREEN 2
#define PAL_ORANGE 3
#define PAL_PURPLE 4
#define PAL_N 6

#define FONT "DejaVu Sans"
/* The largest picture: PNG's and a PDF page's practical limits. */
#define DRAW_MAX_PX 30000.0

void
draw_render_done(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

enum draw_format
draw_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL)
        return DRAW_FMT_NONE;
    if (strcasecmp(dot, ".svg") == 0)
        return DRAW_FMT_SVG;
    if (strcasecmp(dot, ".pdf") == 0)
        return DRAW_FMT_PDF;
    if (strcasecmp(dot, ".png") == 0)
        return DRAW_FMT_PNG;
    return DRAW_FMT_NONE;
}

static void
set_pal(cairo_t *cr, int i)
{
    cairo_set_source_rgb(cr, PAL[i][0], PAL[i][1], PAL[i][2]);
}

static void
font(cairo_t *cr, double size, bool bold, bool italic)
{
    cairo_select_font_face(cr, FONT, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double
text_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Text with its left (align 0), centre (0.5) or right (1) end at x. */
static void
text_at(cairo_t *cr, double x, double y, double align, const char *s)
{
    cairo_move_to(cr, x - align * text_w(cr, s), y);
    cairo_show_text(cr, s);
}

static void
dash(cairo_t *cr, double on, double off)
{
    if (on <= 0) {
        cairo_set_dash(cr, NULL, 0, 0);
        return;
    }
    double d[2] = { on, off };
    cairo_set_dash(cr, d, 2, 0);
}

static void
cross(cairo_t *cr, double x, double y, double r)
{
    cairo_move_to(cr, x - r, y - r);
    cairo_line_to(cr, x + r, y + r);
    cairo_move_to(cr, x - r, y + r);
    cairo_line_to(cr, x + r, y - r);
    cairo_stroke(cr);
}

/* A surface of the format path asks for, w x h points (pixels for PNG). */
static cairo_surface_t *
surface_open(const char *path, double w, double h, char *err, size_t err_len)
{
    cairo_surface_t *s = NULL;
    switch (draw_format_of(path)) {
    case DRAW_FMT_SVG:
        s = cairo_svg_surface_create(path, w, h);
        break;
    case DRAW_FMT_PDF:
        s = cairo_pdf_surface_create(path, w, h);
        /* No creation date: the same lesson gives the same bytes. */
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
        break;
    case DRAW_FMT_PNG:
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w), (int)ceil(h));
        break;
    case DRAW_FMT_NONE:
        snprintf(err, err_len, "netstep: %s: the name must end in .svg, .pdf or .png", path);
        return NULL;
    }
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "netstep: %s: %s", path,
                 cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

static int
surface_close(cairo_surface_t *s, cairo_t *cr, const char *path, char *err, size_t err_len)
{
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && draw_format_of(path) == DRAW_FMT_PNG)
        st = cairo_surface_write_to_png(s, path);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "netstep: %s: %s", path, cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

/* ---- the ladder ----------------------------------------------------------- */

/* Where each moment of the ladder is drawn. */
struct timeline {
    uint64_t *t;      /* key times, increasing */
    double *y;        /* their heights */
    bool *cut;        /* a quiet stretch was cut short before key i */
    size_t n;
};

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t
key_index(const struct timeline *tl, uint64_t t)
{
    size_t lo = 0, hi = tl->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tl->t[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < tl->n ? lo : tl->n - 1;
}

static double
y_of(const struct timeline *tl, uint64_t t)
{
    return tl->n ? tl->y[key_index(tl, t)] : 0;
}

/* Heights for every moment something happens: px_per_ns within activity,
 * at least row_px between moments, quiet stretches cut to cut_px. */
static int
timeline_build(const struct draw_ladder *l, double top, struct timeline *tl)
{
    size_t n = 2 * l->n_arrows + l->n_marks;
    memset(tl, 0, sizeof *tl);
    tl->t = malloc((n ? n : 1) * sizeof *tl->t);
    if (tl->t == NULL)
        return -1;
    uint64_t *durs = malloc((l->n_arrows ? l->n_arrows : 1) * sizeof *durs);
    if (durs == NULL)
        return -1;
    size_t k = 0, nd = 0;
    for (size_t i = 0; i < l->n_arrows; i++) {
        tl->t[k++] = l->arrows[i].t0_ns;
        tl->t[k++] = l->arrows[i].t1_ns;
        if (l->arrows[i].t1_ns > l->arrows[i].t0_ns)
            durs[nd++] = l->arrows[i].t1_ns - l->arrows[i].t0_ns;
    }
    for (size_t i = 0; i < l->n_marks; i++)
        tl->t[k++] = l->marks[i].t_ns;
    qsort(tl->t, k, sizeof *tl->t, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || tl->t[i] != tl->t[u - 1])
            tl->t[u++] = tl->t[i];
    tl->n = u;
    qsort(durs, nd, sizeof *durs, cmp_u64);
    /* the typical frame's time on a link draws 44 px tall */
    double typical = nd ? (double)durs[nd / 2] : 10e6;
    free(durs);
    double px_per_ns = 44.0 / typical;
    tl->y = calloc(u ? u : 1, sizeof *tl->y);
    tl->cut = calloc(u ? u : 1, sizeof *tl->cut);
    int *covered = calloc(u + 1, sizeof *covered);
    if (tl->y == NULL || tl->cut == NULL || covered == NULL) {
        free(covered);
        return -1;
    }
    /* which gaps have a frame on a link: those are never cut */
    for (size_t i = 0; i < l->n_arrows; i++) {
        size_t a = key_index(tl, l->arrows[i].t0_ns), b = key_index(tl, l->arrows[i].t1_ns);
        covered[a + 1]++;
        covered[b + 1]--;
    }
    int run = 0;
    for (size_t i = 0; i < u; i++) {
        run += covered[i];
        if (i == 0) {
            tl->y[i] = top;
            continue;
        }
        double dy = (double)(tl->t[i] - tl->t[i - 1]) * px_per_ns;
        if (run > 0) {
            if (dy > 600)
                dy = 600;
        } else if (dy > 3 * 44.0) {
            dy = 30;
            tl->cut[i] = true;
        }
        if (dy < 13)
            dy = 13;
        tl->y[i] = tl->y[i - 1] + dy;
    }
    free(covered);
    return 0;
}

static void
timeline_free(struct timeline *tl)
{
    free(tl->t);
    free(tl->y);
    free(tl->cut);
}

static void
arrow_head(cairo_t *cr, double x0, double y0, double x1, double y1)
{
    double a = atan2(y1 - y0, x1 - x0), len = 7, half = 0.42;
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x1 - len * cos(a - half), y1 - len * sin(a - half));
    cairo_line_to(cr, x1 - len * cos(a + half), y1 - len * sin(a + half));
    cairo_close_path(cr);
    cairo_fill(cr);
}

static void
format_secs(uint64_t ns, char *buf, size_t n)
{
    if (ns >= 1000000000u)
        snprintf(buf, n, "%" PRIu64 ".%03" PRIu64 " s", ns / 1000000000u, ns % 1000000000u / 1000000u);
    else
        snprintf(buf, n, "%" PRIu64 ".%03" PRIu64 " ms", ns / 1000000u, ns % 1000000u / 1000u);
}

static void
legend_line(cairo_t *cr, double x, double y, double width, double d_on, int pal, const char *what,
            bool with_cross)
{
    set_pal(cr, pal);
    cairo_set_line_width(cr, width);
    dash(cr, d_on, d_on / 2);
    cairo_move_to(cr, x, y - 3);
    cairo_line_to(cr, x + 30, y - 3);
    cairo_stroke(cr);
    dash(cr, 0, 0);
    if (with_cross) {
        cairo_set_line_width(cr, 1.6);
        cross(cr, x + 30, y - 3, 4);
    } else {
        arrow_head(cr, x, y - 3, x + 30, y - 3);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 9, false, false);
    text_at(cr, x + 38, y, 0, what);
}

/* ---- where the ladder's labels go ------------------------------------------ */

/* Whether two label boxes overlap: the separating-axis test for two
 * rectangles, each turned by its own angle. */
bool
draw_label_boxes_overlap(const struct draw_label_box *a, const struct draw_label_box *b)
{
    const struct draw_label_box *box[2] = { a, b };
    double dx = b->cx - a->cx, dy = b->cy - a->cy;
    for (int k = 0; k < 2; k++) {
        for (int axis = 0; axis < 2; axis++) {
            double ang = box[k]->angle + (axis ? M_PI / 2 : 0);
            double ux = cos(ang), uy = sin(ang);
            double r = 0;
            for (int j = 0; j < 2; j++) {
                double c = cos(box[j]->angle), sn = sin(box[j]->angle);
                r += box[j]->hw * fabs(ux * c + uy * sn) + box[j]->hh * fabs(-ux * sn + uy * c);
            }
            if (fabs(dx * ux + dy * uy) >= r)
                return false;
        }
    }
    return true;
}

/* The ladder's layout: columns, the time axis, and every arrow's label. */
struct ladder_geom {
    double left_w, right_w, say_w, col_gap, x0, width, top, bottom, height;
    double xs[64];
    size_t nn;
    struct timeline tl;
    struct draw_label_box *labels;  /* one per arrow */
};

static void
ladder_geom_free(struct ladder_geom *g)
{
    timeline_free(&g->tl);
    free(g->labels);
}

/* What an arrow's label says: "[3 dup ACKs] 2921:4381(1460) ack 1 win 53248". */
static void
arrow_text(const struct draw_arrow *a, char *s, size_t n)
{
    snprintf(s, n, "%s%s%s%s", a->why ? "[" : "", a->why ? a->why : "", a->why ? "] " : "",
             a->label);
}

/* From a label box's centre down to its text's baseline: an 8.5-point line
 * (caps 6.2 above the baseline, descenders 2 below) inside the box's 11. */
#define LABEL_BASE 4.0

/* Which labels go first when room is short: a retransmission's (it says
 * why), then a lost frame's, then data, SYN, FIN, then pure ACKs, then ARP,
 * ICMP, UDP; within a rank, in time order. */
static int
label_rank(const struct draw_arrow *a)
{
    if (a->why != NULL)
        return 0;
    if (a->lost)
        return 1;
    return a->style == DRAW_ARROW_DATA ? 2 : a->style == DRAW_ARROW_ACK ? 3 : 4;
}

/* Put each arrow's label along its arrow where it overlaps no label placed
 * before it: above the arrow at its middle, else slid towards either end,
 * else below it; a label with no room anywhere is left off (a dense burst
 * keeps its arrows and the labels that fit; --from/--to zooms in). */
static void
place_labels(cairo_t *mc, const struct draw_ladder *l, struct ladder_geom *g)
{
    static const double along[] = { 0.5, 0.36, 0.64, 0.24, 0.76, 0.14, 0.86 };
    size_t placed_n = 0;
    size_t *placed = malloc((l->n_arrows ? l->n_arrows : 1) * sizeof *placed);
    if (placed == NULL) {
        for (size_t i = 0; i < l->n_arrows; i++)
            g->labels[i].shown = false;
        return;
    }
    for (int rank = 0; rank <= 4; rank++) {
        for (size_t i = 0; i < l->n_arrows; i++) {
            const struct draw_arrow *a = &l->arrows[i];
            struct draw_label_box *b = &g->labels[i];
            if (label_rank(a) != rank)
                continue;
            b->shown = false;
            if ((size_t)a->from >= g->nn || (size_t)a->to >= g->nn)
                continue;
            double xa = g->xs[a->from], xb = g->xs[a->to];
            double ya = y_of(&g->tl, a->t0_ns), yb = y_of(&g->tl, a->t1_ns);
            if (a->lost)
                xb = (xa + xb) / 2;
            double ang = atan2(yb - ya, xb - xa);
            if (xb < xa)
                ang += M_PI;
            char s[220];
            arrow_text(a, s, sizeof s);
            font(mc, 8.5, a->why != NULL, false);
            b->angle = ang;
            b->hw = text_w(mc, s) / 2 + 1;
            b->hh = 5.5;
            /* the text's baseline 3 points above the arrow (or 12.5 below
             * it); the box's centre LABEL_BASE points above the baseline */
            for (int side = 0; side < 2 && !b->shown; side++) {
                double off = side == 0 ? -3 - LABEL_BASE : 12.5 - LABEL_BASE;
                for (size_t k = 0; k < sizeof along / sizeof along[0] && !b->shown; k++) {
                    double px = xa + (xb - xa) * along[k], py = ya + (yb - ya) * along[k];
                    b->cx = px - sin(ang) * off;
                    b->cy = py + cos(ang) * off;
                    bool clear = true;
                    for (size_t j = 0; j < placed_n && clear; j++)
                        clear = !draw_label_boxes_overlap(b, &g->labels[placed[j]]);
                    if (clear)
                        b->shown = true;
                }
            }
            if (b->shown)
                placed[placed_n++] = i;
        }
    }
    free(placed);
}

/* Measure and lay out the whole ladder (with an image surface's metrics,
 * whatever the format: the same labels fit in SVG, PDF and PNG). */
static int
ladder_geom_build(const struct draw_ladder *l, struct ladder_geom *g)
{
    memset(g, 0, sizeof *g);
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
    cairo_t *mc = cairo_create(scratch);
    font(mc, 8.5, false, false);
    double label_w = 0;
    for (size_t i = 0; i < l->n_arrows; i++) {
        char s[220];
        arrow_text(&l->arrows[i], s, sizeof s);
        double w = text_w(mc, s);
        int span = abs(l->arrows[i].to - l->arrows[i].from);
        if (span > 0 && w / span > label_w)
            label_w = w / span;
    }
    double left_w = 40, right_w = 40, say_w = 0;
    font(mc, 9, true, false);
    for (size_t i = 0; i < l->n_marks; i++) {
        const struct draw_mark *mk = &l->marks[i];
        double w = text_w(mc, mk->text) + 14;
        if (mk->kind == DRAW_MARK_SAY) {
            if (w > say_w)
                say_w = w;
        } else if (mk->node == 0 && l->n_nodes > 1) {
            if (w > left_w)
                left_w = w;
        } else if ((size_t)mk->node == l->n_nodes - 1) {
            if (w > right_w)
                right_w = w;
        }
    }
    double col_gap = label_w * 1.3 + 60;
    if (col_gap < 220)
        col_gap = 220;
    if (col_gap > 520)
        col_gap = 520;
    if (say_w > 460)
        say_w = 460;
    font(mc, 16, true, false);
    double title_w = text_w(mc, l->title) + 40;

    double x0 = left_w + 20;
    double width = x0 + col_gap * (double)(l->n_nodes - 1) + right_w + 20 + (say_w > 0 ? say_w + 20 : 0);
    if (width < title_w)
        width = title_w;
    g->left_w = left_w;
    g->right_w = right_w;
    g->say_w = say_w;
    g->col_gap = col_gap;
    g->x0 = x0;
    g->width = width;
    g->top = 78;
    g->nn = l->n_nodes < 64 ? l->n_nodes : 64;
    for (size_t i = 0; i < g->nn; i++)
        g->xs[i] = x0 + col_gap * (double)i;
    g->labels = calloc(l->n_arrows ? l->n_arrows : 1, sizeof *g->labels);
    int rc = g->labels == NULL || timeline_build(l, g->top, &g->tl) < 0 ? -1 : 0;
    if (rc == 0) {
        g->bottom = g->tl.n ? g->tl.y[g->tl.n - 1] + 30 : g->top + 30;
        g->height = g->bottom + 70;
        place_labels(mc, l, g);
    }
    cairo_destroy(mc);
    cairo_surface_destroy(scratch);
    return rc;
}

int
draw_ladder_labels(const struct draw_ladder *l, struct draw_label_box *out)
{
    struct ladder_geom g;
    if (ladder_geom_build(l, &g) < 0) {
        ladder_geom_free(&g);
        return -1;
    }
    memcpy(out, g.labels, l->n_arrows * sizeof *out);
    ladder_geom_free(&g);
    return 0;
}

int
draw_render_ladder(const struct draw_ladder *l, const char *path, char *err, size_t err_len)
{
    if (draw_format_of(path) == DRAW_FMT_NONE) {
        snprintf(err, err_len, "netstep: %s: the name must end in .svg, .pdf or .png", path);
        return -1;
    }
    if (l->n_nodes == 0) {
        snprintf(err, err_len, "netstep: nothing to draw: no hosts");
        return -1;
    }
    struct ladder_geom g;
    if (ladder_geom_build(l, &g) < 0) {
        ladder_geom_free(&g);
        snprintf(err, err_len, "netstep: out of memory");
        return -1;
    }
    const struct timeline tl = g.tl;
    double width = g.width, height = g.height, bottom = g.bottom, top = g.top;
    double x0 = g.x0, col_gap = g.col_gap, right_w = g.right_w;
    if (height > DRAW_MAX_PX || width > DRAW_MAX_PX) {
        ladder_geom_free(&g);
        snprintf(err, err_len,
                 "netstep: %s: %zu frames make a ladder too long for one picture; "
                 "choose a time window with --from/--to, or fewer --hosts",
                 path, l->n_arrows);
        return -1;
    }
    cairo_surface_t *s = surface_open(path, width, height, err, err_len);
    if (s == NULL) {
        ladder_geom_free(&g);
        return -1;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);

    /* title and columns */
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 16, true, false);
    text_at(cr, width / 2, 26, 0.5, l->title);
    double xs[64];
    size_t nn = l->n_nodes < 64 ? l->n_nodes : 64;
    for (size_t i = 0; i < nn; i++) {
        xs[i] = x0 + col_gap * (double)i;
        const struct draw_node *d = &l->nodes[i];
        font(cr, 11, true, false);
        text_at(cr, xs[i], 52, 0.5, d->name);
        font(cr, 8, false, true);
        text_at(cr, xs[i], 64, 0.5, d->hub ? "hub" : d->is_switch ? "switch" : d->router ? "router" : "host");
        cairo_set_line_width(cr, d->is_switch || d->router ? 1.0 : 1.6);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        dash(cr, d->is_switch ? 4 : 0, 2);
        cairo_move_to(cr, xs[i], top - 6);
        cairo_line_to(cr, xs[i], bottom);
        cairo_stroke(cr);
        dash(cr, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    /* time axis: the quiet stretches cut short, with how long they were */
    font(cr, 8, false, true);
    for (size_t i = 1; i < tl.n; i++) {
        if (!tl.cut[i])
            continue;
        double ym = (tl.y[i - 1] + tl.y[i]) / 2;
        char d[32], s2[48];
        format_secs(tl.t[i] - tl.t[i - 1], d, sizeof d);
        snprintf(s2, sizeof s2, "%s later", d);
        cairo_set_source_rgb(cr, 1, 1, 1);
        for (size_t c = 0; c < nn; c++)
            cairo_rectangle(cr, xs[c] - 3, ym - 4, 6, 8);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.8);
        for (size_t c = 0; c < nn; c++) {
            cairo_move_to(cr, xs[c] - 5, ym - 2);
            cairo_line_to(cr, xs[c] + 5, ym - 6);
            cairo_move_to(cr, xs[c] - 5, ym + 6);
            cairo_line_to(cr, xs[c] + 5, ym + 2);
        }
        cairo_stroke(cr);
        text_at(cr, (xs[0] + xs[nn - 1]) / 2, ym + 3, 0.5, s2);
    }
    /* the time of each row, at the far left */
    font(cr, 7, false, false);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    double last_t_y = -100;
    for (size_t i = 0; i < tl.n; i++) {
        if (tl.y[i] - last_t_y < 11)
            continue;
        char ts[32];
        snprintf(ts, sizeof ts, "%" PRIu64 ".%03" PRIu64, tl.t[i] / 1000000000u,
                 tl.t[i] % 1000000000u / 1000000u);
        text_at(cr, 4, tl.y[i] + 2.5, 0, ts);
        last_t_y = tl.y[i];
    }

    /* arrows */
    for (size_t i = 0; i < l->n_arrows; i++) {
        const struct draw_arrow *a = &l->arrows[i];
        if ((size_t)a->from >= nn || (size_t)a->to >= nn)
            continue;
        double xa = xs[a->from], xb = xs[a->to];
        double ya = y_of(&tl, a->t0_ns), yb = y_of(&tl, a->t1_ns);
        if (a->lost)
            xb = (xa + xb) / 2;
        int pal = a->why ? PAL_VERMILLION : a->style == DRAW_ARROW_DATA ? PAL_BLUE : 6;
        set_pal(cr, pal);
        if (a->style == DRAW_ARROW_OTHER)
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        cairo_set_line_width(cr, a->style == DRAW_ARROW_DATA ? 1.5 : a->style == DRAW_ARROW_ACK ? 0.9 : 1.0);
        if (a->why)
            dash(cr, 6, 3);
        else if (a->style == DRAW_ARROW_OTHER)
            dash(cr, 2, 2);
        cairo_move_to(cr, xa, ya);
        cairo_line_to(cr, xb, yb);
        cairo_stroke(cr);
        dash(cr, 0, 0);
        if (a->lost) {
            set_pal(cr, PAL_VERMILLION);
            cairo_set_line_width(cr, 2.0);
            cross(cr, xb, yb, 5);
        } else {
            arrow_head(cr, xa, ya, xb, yb);
        }
        /* the label along the arrow, where place_labels() found room */
        const struct draw_label_box *lb = &g.labels[i];
        if (!lb->shown)
            continue;
        char s2[220];
        arrow_text(a, s2, sizeof s2);
        font(cr, 8.5, a->why != NULL, false);
        cairo_save(cr);
        cairo_translate(cr, lb->cx, lb->cy);
        cairo_rotate(cr, lb->angle);
        text_at(cr, 0, LABEL_BASE, 0.5, s2);
        cairo_restore(cr);
    }
    /* marks: calls, states, drops beside their line; narration at the side */
    double *last_y = calloc(nn + 1, sizeof *last_y);
    for (size_t i = 0; last_y != NULL && i < nn + 1; i++)
        last_y[i] = -100;
    double say_x = x0 + col_gap * (double)(nn - 1) + right_w + 30;
    for (size_t i = 0; last_y != NULL && i < l->n_marks; i++) {
        const struct draw_mark *mk = &l->marks[i];
        double y = y_of(&tl, mk->t_ns);
        size_t slot = mk->kind == DRAW_MARK_SAY ? nn : (size_t)mk->node;
        if (slot > nn)
            continue;
        double ty = y + 3;
        if (ty < last_y[slot] + 11)
            ty = last_y[slot] + 11;
        last_y[slot] = ty;
        if (mk->kind == DRAW_MARK_SAY) {
            font(cr, 8.5, false, true);
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            text_at(cr, say_x, ty, 0, mk->text);
            continue;
        }
        double x = xs[mk->node];
        bool left = mk->node == 0 && nn > 1;
        double tx = left ? x - 8 : x + 8, align = left ? 1 : 0;
        switch (mk->kind) {
        case DRAW_MARK_CALL:
            set_pal(cr, PAL_GREEN);
            cairo_rectangle(cr, x - 3, y - 3, 6, 6);
            cairo_fill(cr);
            font(cr, 9, false, true);
            text_at(cr, tx, ty, align, mk->text);
            break;
        case DRAW_MARK_STATE:
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 1.2);
            cairo_move_to(cr, x - 5, y);
            cairo_line_to(cr, x + 5, y);
            cairo_stroke(cr);
            font(cr, 9, true, false);
            text_at(cr, tx, ty, align, mk->text);
            break;
        case DRAW_MARK_DROP:
            set_pal(cr, PAL_VERMILLION);
            cairo_set_line_width(cr, 2.0);
            cross(cr, x, y, 4);
            font(cr, 8.5, true, false);
            text_at(cr, tx, ty, align, mk->text);
            break;
        case DRAW_MARK_SAY:
            break;
        }
    }
    free(last_y);
    /* legend: what each line means, in black and white too */
    double ly = bottom + 24, lx = 20;
    legend_line(cr, lx, ly, 1.5, 0, PAL_BLUE, "data, SYN, FIN", false);
    legend_line(cr, lx + 150, ly, 0.9, 0, 6, "pure ACK", false);
    legend_line(cr, lx + 260, ly, 1.5, 6, PAL_VERMILLION, "[why] retransmission", false);
    legend_line(cr, lx + 450, ly, 1.0, 2, 6, "ARP, ICMP, UDP", false);
    legend_line(cr, lx, ly + 18, 1.5, 0, PAL_VERMILLION, "lost on the link", true);
    font(cr, 9, false, true);
    set_pal(cr, PAL_GREEN);
    cairo_rectangle(cr, lx + 152, ly + 12, 6, 6);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, lx + 166, ly + 18, 0, "socket call");
    font(cr, 9, true, false);
    text_at(cr, lx + 262, ly + 18, 0, "STATE");
    font(cr, 9, false, false);
    text_at(cr, lx + 310, ly + 18, 0, "TCP state entered;  time goes down (s)");
    ladder_geom_free(&g);
    return surface_close(s, cr, path, err, err_len);
}

/* ---- plots ---------------------------------------------------------------- */

/* A step for axis ticks: 1, 2 or 5 times a power of ten, about range/6. */
static double
nice_step(double range)
{
    if (range <= 0)
        return 1;
    double raw = range / 6, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

struct axes {
    double x0, y0, w, h;      /* plot area: left, top, width, height */
    double xmax, ymax;        /* data range (from 0) */
};

static double
ax_x(const struct axes *a, double v)
{
    return a->x0 + v / a->xmax * a->w;
}

static double
ax_y(const struct axes *a, double v)
{
    return a->y0 + a->h - v / a->ymax * a->h;
}

static void
draw_axes(cairo_t *cr, const struct axes *a, const char *xlabel, const char *ylabel, double yscale)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, a->x0, a->y0, a->w, a->h);
    cairo_stroke(cr);
    font(cr, 9, false, false);
    double xs = nice_step(a->xmax), ys = nice_step(a->ymax);
    char buf[32];
    for (double v = 0; v <= a->xmax * 1.0001; v += xs) {
        double x = ax_x(a, v);
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, x, a->y0);
        cairo_line_to(cr, x, a->y0 + a->h);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "%g", v);
        text_at(cr, x, a->y0 + a->h + 14, 0.5, buf);
    }
    for (double v = 0; v <= a->ymax * 1.0001; v += ys) {
        double y = ax_y(a, v);
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, a->x0, y);
        cairo_line_to(cr, a->x0 + a->w, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "%g", v / yscale);
        text_at(cr, a->x0 - 6, y + 3, 1, buf);
    }
    font(cr, 11, false, false);
    text_at(cr, a->x0 + a->w / 2, a->y0 + a->h + 36, 0.5, xlabel);
    cairo_save(cr);
    cairo_translate(cr, 18, a->y0 + a->h / 2);
    cairo_rotate(cr, -M_PI / 2);
    text_at(cr, 0, 0, 0.5, ylabel);
    cairo_restore(cr);
}

/* A marker shape per series, so lines are told apart without colour. */
static void
marker(cairo_t *cr, int shape, double x, double y)
{
    double r = 3.2;
    switch (shape % 4) {
    case 0:
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        break;
    case 2:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
        cairo_close_path(cr);
        break;
    default:
        cairo_move_to(cr, x, y - r * 1.3);
        cairo_line_to(cr, x + r, y);
        cairo_line_to(cr, x, y + r * 1.3);
        cairo_line_to(cr, x - r, y);
        cairo_close_path(cr);
        break;
    }
    cairo_fill(cr);
}

/* What a line of a plot follows. */
enum series_of { S_CWND, S_SSTHRESH, S_FLIGHT, S_SRTT, S_RTO, S_ACK, S_WND };

static bool
sample_value(const struct draw_sample *s, enum series_of what, double *v)
{
    switch (what) {
    case S_CWND:     *v = s->cwnd; return true;
    case S_SSTHRESH: *v = s->ssthresh; return s->ssthresh < DRAW_SSTHRESH_INFINITE;
    case S_FLIGHT:   *v = s->flight; return true;
    case S_SRTT:     *v = (double)s->srtt_ns / 1e6; return s->srtt_ns > 0;
    case S_RTO:      *v = (double)s->rto_ns / 1e6; return s->rto_ns > 0;
    case S_ACK:      *v = s->snd_una; return s->snd_una < 0x80000000u;
    case S_WND:      *v = (double)s->snd_una + s->snd_wnd; return s->snd_una < 0x80000000u;
    }
    return false;
}

/* Whether sample k of c is where TCP took a new RTT measurement (the first
 * sample in the window only if it was taken there, not before). */
static bool
new_rtt_sample(const struct draw_conn *c, size_t k)
{
    const struct draw_sample *s = &c->samples[k];
    if (s->rtt_samples == 0)
        return false;
    return k > 0 ? s->rtt_samples != c->samples[k - 1].rtt_samples : s->rtt_at_ns >= s->t_ns;
}

/* A step line: a value holds until the next sample changes it. */
static void
step_line(cairo_t *cr, const struct axes *a, const struct draw_conn *c, enum series_of what,
          double t_end, int shape)
{
    bool pen = false;
    double ly = 0;
    size_t n_marks = 0;
    double every = a->w / 12, last_mark_x = -1e9;
    double mxs[64], mys[64];
    for (size_t k = 0; k < c->n_samples; k++) {
        double v;
        double x = ax_x(a, (double)c->samples[k].t_ns / 1e9);
        if (!sample_value(&c->samples[k], what, &v)) {
            if (pen)
                cairo_line_to(cr, x, ly);
            pen = false;
            continue;
        }
        double y = ax_y(a, v);
        if (!pen) {
            cairo_move_to(cr, x, y);
            pen = true;
        } else {
            cairo_line_to(cr, x, ly);
            cairo_line_to(cr, x, y);
        }
        if (x - last_mark_x >= every && n_marks < 64) {
            mxs[n_marks] = x;
            mys[n_marks++] = y;
            last_mark_x = x;
        }
        ly = y;
    }
    if (pen)
        cairo_line_to(cr, ax_x(a, t_end), ly);
    cairo_stroke(cr);
    dash(cr, 0, 0);
    for (size_t i = 0; shape >= 0 && i < n_marks; i++)
        marker(cr, shape, mxs[i], mys[i]);
}

static const char *
plot_name(enum draw_plot_kind k)
{
    switch (k) {
    case DRAW_PLOT_TIMESEQ: return "time-sequence graph";
    case DRAW_PLOT_CWND:    return "congestion window";
    case DRAW_PLOT_RTT:     return "round-trip time and RTO";
    }
    return "";
}

/* One line of a plot's legend. */
struct legend_q {
    const char *text;   /* what the line is */
    double width, on;   /* its width and dash (0: solid) */
    int pal;            /* its colour when one connection is plotted */
    bool dot;           /* a hollow circle (a sample), not a line */
};

int
draw_render_plot(const struct draw_conns *cs, enum draw_plot_kind kind, const char *path,
                 char *err, size_t err_len)
{
    const double W = 960, H = 560;
    struct axes a = { .x0 = 80, .y0 = 56, .w = W - 80 - 30, .h = H - 56 - 70 };
    /* ranges */
    double tmax = (double)cs->t_end_ns / 1e9, vmax = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const struct draw_conn *c = &cs->c[i];
        for (size_t k = 0; k < c->n_samples; k++) {
            double v;
            /* the window's edge may run far above the data: not in the range */
            static const enum series_of by_kind[3][2] = { { S_ACK, S_ACK }, { S_CWND, S_SSTHRESH },
                                                          { S_RTO, S_SRTT } };
            for (int q = 0; q < 2; q++)
                if (sample_value(&c->samples[k], by_kind[kind][q], &v) && v > vmax)
                    vmax = v;
            if (kind == DRAW_PLOT_CWND && sample_value(&c->samples[k], S_FLIGHT, &v) && v > vmax)
                vmax = v;
            if (kind == DRAW_PLOT_RTT && new_rtt_sample(c, k) &&
                (double)c->samples[k].rtt_ns / 1e6 > vmax)
                vmax = (double)c->samples[k].rtt_ns / 1e6;
        }
        for (size_t k = 0; kind == DRAW_PLOT_TIMESEQ && k < c->n_segs; k++)
            if ((double)c->segs[k].seq + c->segs[k].len > vmax && c->segs[k].seq < 0x80000000u)
                vmax = (double)c->segs[k].seq + c->segs[k].len;
    }
    a.xmax = tmax > 0 ? tmax * 1.02 : 1;
    a.ymax = vmax > 0 ? vmax * 1.08 : 1;
    double yscale = 1;
    const char *ylabel = "";
    switch (kind) {
    case DRAW_PLOT_CWND:
        yscale = vmax >= 20000 ? 1000 : 1;
        ylabel = yscale > 1 ? "bytes (thousands)" : "bytes";
        break;
    case DRAW_PLOT_TIMESEQ:
        yscale = vmax >= 20000 ? 1000 : 1;
        ylabel = yscale > 1 ? "relative sequence number (thousands of bytes)"
                            : "relative sequence number (bytes)";
        break;
    case DRAW_PLOT_RTT:
        ylabel = "milliseconds";
        break;
    }
    cairo_surface_t *s = surface_open(path, W, H, err, err_len);
    if (s == NULL)
        return -1;
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 15, true, false);
    char title[200];
    snprintf(title, sizeof title, "%s: %s", cs->title, plot_name(kind));
    text_at(cr, W / 2, 26, 0.5, title);
    draw_axes(cr, &a, "time (s)", ylabel, yscale);
    cairo_save(cr);
    cairo_rectangle(cr, a.x0, a.y0, a.w, a.h);
    cairo_clip(cr);
    bool by_conn = cs->n > 1;
    for (size_t i = 0; i < cs->n; i++) {
        const struct draw_conn *c = &cs->c[i];
        int pal = (int)(i % PAL_N);
        switch (kind) {
        case DRAW_PLOT_CWND:
            set_pal(cr, by_conn ? pal : PAL_BLUE);
            cairo_set_line_width(cr, 1.8);
            step_line(cr, &a, c, S_CWND, tmax, by_conn ? (int)i : -1);
            set_pal(cr, by_conn ? pal : PAL_VERMILLION);
            cairo_set_line_width(cr, 1.2);
            dash(cr, 7, 4);
            step_line(cr, &a, c, S_SSTHRESH, tmax, -1);
            set_pal(cr, by_conn ? pal : PAL_GREEN);
            cairo_set_line_width(cr, 0.8);
            dash(cr, 1.5, 2.5);
            step_line(cr, &a, c, S_FLIGHT, tmax, -1);
            break;
        case DRAW_PLOT_RTT:
            set_pal(cr, by_conn ? pal : PAL_BLUE);
            cairo_set_line_width(cr, 1.8);
            step_line(cr, &a, c, S_SRTT, tmax, by_conn ? (int)i : -1);
            set_pal(cr, by_conn ? pal : PAL_VERMILLION);
            cairo_set_line_width(cr, 1.2);
            dash(cr, 7, 4);
            step_line(cr, &a, c, S_RTO, tmax, -1);
            /* each measurement R [RFC 6298 2] a hollow circle where and
             * when TCP took it: SRTT is their average, RTO adds 4 RTTVAR */
            set_pal(cr, by_conn ? pal : PAL_BLUE);
            cairo_set_line_width(cr, 1.0);
            for (size_t k = 0; k < c->n_samples; k++) {
                if (!new_rtt_sample(c, k))
                    continue;
                const struct draw_sample *r = &c->samples[k];
                cairo_new_sub_path(cr);
                cairo_arc(cr, ax_x(&a, (double)r->rtt_at_ns / 1e9), ax_y(&a, (double)r->rtt_ns / 1e6),
                          3.2, 0, 2 * M_PI);
                cairo_stroke(cr);
            }
            break;
        case DRAW_PLOT_TIMESEQ:
            /* the ACK line and the window's right edge */
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 1.0);
            step_line(cr, &a, c, S_ACK, tmax, -1);
            set_pal(cr, PAL_GREEN);
            dash(cr, 5, 3);
            step_line(cr, &a, c, S_WND, tmax, -1);
            /* SACK blocks: thin bars beside the ACK line */
            set_pal(cr, PAL_ORANGE);
            cairo_set_line_width(cr, 3);
            for (size_t k = 0; k < c->n_sacks; k++) {
                double x = ax_x(&a, (double)c->sacks[k].t_ns / 1e9) + 2;
                cairo_move_to(cr, x, ax_y(&a, c->sacks[k].left));
                cairo_line_to(cr, x, ax_y(&a, c->sacks[k].right));
                cairo_stroke(cr);
            }
            /* segments as bars with ticks at both ends; retransmissions
             * in vermillion with a cross */
            for (size_t k = 0; k < c->n_segs; k++) {
                const struct draw_segment *g = &c->segs[k];
                double x = ax_x(&a, (double)g->t_ns / 1e9);
                double y0 = ax_y(&a, g->seq), y1 = ax_y(&a, (double)g->seq + g->len);
                set_pal(cr, g->rexmit ? PAL_VERMILLION : by_conn ? pal : PAL_BLUE);
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, x, y0);
                cairo_line_to(cr, x, y1);
                cairo_move_to(cr, x - 2, y0);
                cairo_line_to(cr, x + 2, y0);
                cairo_move_to(cr, x - 2, y1);
                cairo_line_to(cr, x + 2, y1);
                cairo_stroke(cr);
                if (g->rexmit)
                    cross(cr, x, y1 - 5, 3);
            }
            break;
        }
    }
    cairo_restore(cr);
    /* legend, top left inside the plot */
    double lx = a.x0 + 12, ly = a.y0 + 16;
    font(cr, 9, false, false);
    size_t rows = (by_conn ? cs->n : 0) + (kind == DRAW_PLOT_TIMESEQ ? 5 : 3);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_rectangle(cr, lx - 6, ly - 12, 290, 15.0 * (double)rows + 6);
    cairo_fill(cr);
    struct legend_q q[5];
    size_t nq = 0;
    switch (kind) {
    case DRAW_PLOT_CWND:
        q[0] = (struct legend_q){ "cwnd", 1.8, 0, PAL_BLUE };
        q[1] = (struct legend_q){ "ssthresh", 1.2, 7, PAL_VERMILLION };
        q[2] = (struct legend_q){ "bytes in flight", 0.8, 1.5, PAL_GREEN };
        nq = 3;
        break;
    case DRAW_PLOT_RTT:
        q[0] = (struct legend_q){ "SRTT (smoothed RTT)", 1.8, 0, PAL_BLUE };
        q[1] = (struct legend_q){ "RTO", 1.2, 7, PAL_VERMILLION };
        q[2] = (struct legend_q){ "RTT sample (one measurement)", 1.0, 0, PAL_BLUE, true };
        nq = 3;
        break;
    case DRAW_PLOT_TIMESEQ:
        q[0] = (struct legend_q){ "segment sent (bar: seq .. seq+len)", 1.2, 0, PAL_BLUE };
        q[1] = (struct legend_q){ "ACK line (snd.una)", 1.0, 0, 6 };
        q[2] = (struct legend_q){ "window edge (snd.una + snd.wnd)", 1.0, 5, PAL_GREEN };
        q[3] = (struct legend_q){ "SACK block the receiver reported", 3, 0, PAL_ORANGE };
        q[4] = (struct legend_q){ "retransmission (x)", 1.2, 0, PAL_VERMILLION };
        nq = 5;
        break;
    }
    for (size_t i = 0; i < nq; i++, ly += 15) {
        if (by_conn && q[i].pal != PAL_ORANGE && q[i].pal != PAL_VERMILLION)
            cairo_set_source_rgb(cr, 0, 0, 0);
        else
            set_pal(cr, q[i].pal);
        cairo_set_line_width(cr, q[i].width);
        dash(cr, q[i].on, q[i].on > 0 ? q[i].on * 0.6 + 1 : 0);
        if (q[i].dot) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, lx + 15, ly - 3, 3.2, 0, 2 * M_PI);
        } else {
            cairo_move_to(cr, lx, ly - 3);
            cairo_line_to(cr, lx + 30, ly - 3);
        }
        cairo_stroke(cr);
        dash(cr, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text_at(cr, lx + 38, ly, 0, q[i].text);
    }
    for (size_t i = 0; by_conn && i < cs->n; i++, ly += 15) {
        set_pal(cr, (int)(i % PAL_N));
        cairo_set_line_width(cr, 1.8);
        cairo_move_to(cr, lx, ly - 3);
        cairo_line_to(cr, lx + 30, ly - 3);
        cairo_stroke(cr);
        if (kind != DRAW_PLOT_TIMESEQ)
            marker(cr, (int)i, lx + 15, ly - 3);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text_at(cr, lx + 38, ly, 0, cs->c[i].name);
    }
    if (!by_conn) {
        font(cr, 9, false, true);
        text_at(cr, a.x0 + a.w, a.y0 - 6, 1, cs->c[0].name);
    }
    return surface_close(s, cr, path, err, err_len);
}

/* ---- the topology ------------------------------------------------------------ */

/* Where a line from (x0,y0) to (x1,y1) leaves a w x h box centred on (x0,y0). */
static void
box_exit(double x0, double y0, double x1, double y1, double w, double h, double *ex, double *ey)
{
    double dx = x1 - x0, dy = y1 - y0;
    double sx = dx != 0 ? (w / 2) / fabs(dx) : 1e9, sy = dy != 0 ? (h / 2) / fabs(dy) : 1e9;
    double s = sx < sy ? sx : sy;
    if (s > 1)
        s = 1;
    *ex = x0 + dx * s;
    *ey = y0 + dy * s;
}

int
draw_render_topo(const struct draw_topo *t, const char *path, char *err, size_t err_len)
{
    const double node_w = 92, node_h = 34;
    double W = t->width, H = t->height;
    cairo_surface_t *s = surface_open(path, W, H, err, err_len);
    if (s == NULL)
        return -1;
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 15, true, false);
    text_at(cr, W / 2, 28, 0.5, t->title);
    /* links first, under the nodes; the label at the middle on a white
     * ground so it stays readable where it crosses a line */
    for (size_t i = 0; i < t->n_wires; i++) {
        const struct draw_wire *w = &t->wires[i];
        const struct draw_place *a = &t->places[w->a], *b = &t->places[w->b];
        bool lossy = strstr(w->label, "loss") != NULL || strstr(w->label, "corrupt") != NULL;
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 2);
        dash(cr, lossy ? 6 : 0, 3);
        cairo_move_to(cr, a->x, a->y);
        cairo_line_to(cr, b->x, b->y);
        cairo_stroke(cr);
        dash(cr, 0, 0);
        font(cr, 8.5, false, false);
        double mx = (a->x + b->x) / 2, my = (a->y + b->y) / 2;
        double tw = text_w(cr, w->label);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, mx - tw / 2 - 3, my - 16, tw + 6, 12);
        cairo_fill(cr);
        if (lossy)
            set_pal(cr, PAL_VERMILLION);
        else
            cairo_set_source_rgb(cr, 0, 0, 0);
        text_at(cr, mx, my - 7, 0.5, w->label);
        /* the interface at each host end, by the node */
        font(cr, 8, false, true);
        set_pal(cr, PAL_BLUE);
        for (int end = 0; end < 2; end++) {
            const struct draw_place *p = end == 0 ? a : b, *q = end == 0 ? b : a;
            int ifn = end == 0 ? w->a_if : w->b_if;
            if (ifn < 0 || (unsigned)ifn >= p->n_addrs)
                continue;
            double ex, ey;
            box_exit(p->x, p->y, q->x, q->y, node_w + 10, node_h + 24, &ex, &ey);
            double align = q->x > p->x + 1 ? 0 : q->x < p->x - 1 ? 1 : 0.5;
            /* below a level link (its label is above), else beside the end */
            double dy = fabs(q->y - p->y) < 1 ? 13 : q->y > p->y ? 10 : -2;
            text_at(cr, ex + (align == 0 ? 4 : align == 1 ? -4 : 0), ey + dy, align, p->addrs[ifn]);
            if (p->addrs6[ifn][0] != '\0')  /* a dual-stack interface: a line more */
                text_at(cr, ex + (align == 0 ? 4 : align == 1 ? -4 : 0), ey + dy + 10, align,
                        p->addrs6[ifn]);
        }
    }
    /* nodes: a host a box, a router a rounded box with a double border,
     * a switch a box with ports, a hub the same dashed */
    for (size_t i = 0; i < t->n_places; i++) {
        const struct draw_place *p = &t->places[i];
        double x = p->x - node_w / 2, y = p->y - node_h / 2;
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, x, y, node_w, node_h);
        cairo_fill(cr);
        if (p->node.router) {
            set_pal(cr, PAL_ORANGE);
            cairo_set_line_width(cr, 2.5);
            cairo_new_sub_path(cr);
            cairo_arc(cr, x + node_w - 10, y + 10, 10, -M_PI / 2, 0);
            cairo_arc(cr, x + node_w - 10, y + node_h - 10, 10, 0, M_PI / 2);
            cairo_arc(cr, x + 10, y + node_h - 10, 10, M_PI / 2, M_PI);
            cairo_arc(cr, x + 10, y + 10, 10, M_PI, 3 * M_PI / 2);
            cairo_close_path(cr);
            cairo_stroke(cr);
        } else if (p->node.is_switch) {
            set_pal(cr, PAL_GREEN);
            cairo_set_line_width(cr, 2);
            dash(cr, p->node.hub ? 5 : 0, 3);
            cairo_rectangle(cr, x, y, node_w, node_h);
            cairo_stroke(cr);
            dash(cr, 0, 0);
            for (int k = 0; k < 6; k++)
                cairo_rectangle(cr, x + 10 + k * 12.5, y + 3, 6, 4);
            cairo_fill(cr);
        } else {
            set_pal(cr, PAL_BLUE);
            cairo_set_line_width(cr, 1.5);
            cairo_rectangle(cr, x, y, node_w, node_h);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        font(cr, 11, true, false);
        text_at(cr, p->x, p->y + 1, 0.5, p->node.name);
        font(cr, 7.5, false, true);
        text_at(cr, p->x, p->y + 11, 0.5,
                p->node.hub ? "hub" : p->node.is_switch ? "switch" : p->node.router ? "router" : "host");
    }
    /* legend */
    font(cr, 9, false, false);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, 12, H - 14, 0,
            "box: host   rounded: router   with ports: switch (dashed: hub)   "
            "dashed line: a lossy link   blue: interface and address");
    return surface_close(s, cr, path, err, err_len);
}
