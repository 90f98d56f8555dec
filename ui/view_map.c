/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_map.c - the view's map pane: the lesson's topology, drawn with
 * characters, with the frames on the links as of the cursor.
 *
 * The layout is `netstep draw topology`'s (draw_model.c), scaled to the
 * pane; links are lines of box-drawing characters (ASCII: - | / \), and
 * each frame on a link at the cursor's time is a dot on its link, as far
 * along as the time it has spent there, with its packet number beside it.
 * The frames are the ladder's arrows (draw_ladder_build() on the log near
 * the cursor), so the map and the ladder always agree.
 * Called by: view_render(). Calls: draw_topo_build(), draw_ladder_build().
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw_model.h"
#include "ui/view.h"

#define MAP_EVENTS_AROUND 1500u

/* A place's cell in the pane. */
struct map_xy {
    int x, y;
};

static void
map_line(struct grid *g, struct map_xy a, struct map_xy b, bool utf8, enum grid_role role)
{
    int dx = b.x - a.x, dy = b.y - a.y;
    int steps = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
    uint32_t ch;
    if (dy == 0)
        ch = utf8 ? 0x2500 : '-';
    else if (dx == 0 || abs(dy) * 3 > abs(dx) * 2 * 3)
        ch = abs(dx) * 2 < abs(dy) ? (utf8 ? 0x2502 : '|') : ((dx > 0) == (dy > 0) ? '\\' : '/');
    else
        ch = (dx > 0) == (dy > 0) ? '\\' : '/';
    if (dx != 0 && dy != 0 && abs(dx) > 4 * abs(dy))
        ch = utf8 ? 0x2500 : '-';  /* nearly level: a level line reads better */
    for (int k = 1; k < steps; k++) {
        int x = a.x + (int)lround((double)dx * k / steps);
        int y = a.y + (int)lround((double)dy * k / steps);
        const struct grid_cell *c = grid_at(g, x, y);
        if (c != NULL && c->ch == ' ')
            grid_put(g, x, y, ch, role);
    }
}

void
view_render_map(const struct view_model *m, const struct view_state *st,
                const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_fill(g, r, ' ', ROLE_NORMAL);
    grid_box(g, r, "map: hosts, links and the frames on them  (M closes)", ROLE_FOCUS, gl);
    int x_in = r.x + 1, w_in = r.w - 2, y_in = r.y + 1, h_in = r.h - 2;
    if (w_in < 20 || h_in < 3)
        return;
    struct draw_topo t;
    if (draw_topo_build(m->scn, &t) < 0 || t.n_places == 0) {
        draw_topo_free(&t);
        return;
    }
    /* scale the layout's box into the pane, a line left for the frames' list */
    double minx = 1e18, maxx = -1e18, miny = 1e18, maxy = -1e18;
    for (size_t i = 0; i < t.n_places; i++) {
        minx = fmin(minx, t.places[i].x);
        maxx = fmax(maxx, t.places[i].x);
        miny = fmin(miny, t.places[i].y);
        maxy = fmax(maxy, t.places[i].y);
    }
    int left = x_in + 6, right = x_in + w_in - 7, top = y_in + 1, bottom = y_in + h_in - 1;
    if (bottom < top)
        bottom = top;
    struct map_xy *at = calloc(t.n_places, sizeof *at);
    if (at == NULL) {
        draw_topo_free(&t);
        return;
    }
    for (size_t i = 0; i < t.n_places; i++) {
        double fx = maxx > minx ? (t.places[i].x - minx) / (maxx - minx) : 0.5;
        double fy = maxy > miny ? (t.places[i].y - miny) / (maxy - miny) : 0.5;
        at[i].x = left + (int)lround(fx * (right - left));
        at[i].y = top + (int)lround(fy * (bottom - top));
    }
    /* names first (lines go around them), then the links */
    for (size_t i = 0; i < t.n_places; i++) {
        const struct draw_place *p = &t.places[i];
        char name[48];
        snprintf(name, sizeof name, p->node.router ? "(%s)" : p->node.is_switch ? "[%s]" : "%s",
                 p->node.name);
        int len = (int)strlen(name);
        grid_text(g, at[i].x - len / 2, at[i].y, len, name, ROLE_TITLE);
    }
    for (size_t i = 0; i < t.n_wires; i++) {
        const struct draw_wire *w = &t.wires[i];
        bool lossy = strstr(w->label, "loss") != NULL || strstr(w->label, "corrupt") != NULL;
        map_line(g, at[w->a], at[w->b], o->utf8, lossy ? ROLE_DROP : ROLE_BORDER);
    }
    /* the frames on a link at the cursor's time */
    struct record_event cur;
    uint64_t t_cur = vm_event(m, st->cursor, &cur) ? cur.t_ns : 0;
    struct draw_select sel = {
        .to_ns = UINT64_MAX,
        .first_event = st->cursor > MAP_EVENTS_AROUND ? st->cursor - MAP_EVENTS_AROUND : 0,
        .last_event = st->cursor + MAP_EVENTS_AROUND,
    };
    struct draw_ladder l;
    char err[160], list[512];
    size_t n_list = 0, shown = 0;
    snprintf(list, sizeof list, "t=%" PRIu64 ".%06" PRIu64 " s  on the links:", t_cur / 1000000000u,
             t_cur % 1000000000u / 1000u);
    n_list = strlen(list);
    if (draw_ladder_build(m, &sel, &l, err, sizeof err) == 0) {
        for (size_t i = 0; i < l.n_arrows; i++) {
            const struct draw_arrow *a = &l.arrows[i];
            /* on the link: put on it at or before the cursor's event, not yet
             * taken off by the time of it */
            if (a->at > st->cursor || t_cur > a->t1_ns || (t_cur == a->t1_ns && a->t1_ns > a->t0_ns))
                continue;
            int pa = -1, pb = -1;
            for (size_t k = 0; k < t.n_places; k++) {
                if (strcmp(t.places[k].node.name, l.nodes[a->from].name) == 0)
                    pa = (int)k;
                if (strcmp(t.places[k].node.name, l.nodes[a->to].name) == 0)
                    pb = (int)k;
            }
            if (pa < 0 || pb < 0)
                continue;
            double f = a->t1_ns > a->t0_ns && t_cur > a->t0_ns
                           ? (double)(t_cur - a->t0_ns) / (double)(a->t1_ns - a->t0_ns) : 0;
            if (a->lost)
                f *= 0.5;  /* the ladder's lost frame dies half-way */
            /* keep the dot off the names at the ends */
            f = 0.2 + 0.6 * f;
            int x = at[pa].x + (int)lround((at[pb].x - at[pa].x) * f);
            int y = at[pa].y + (int)lround((at[pb].y - at[pa].y) * f);
            bool lit = a->at == st->cursor;
            grid_put(g, x, y, a->lost ? (o->utf8 ? 0x2715 : 'X') : (o->utf8 ? 0x25cf : 'o'),
                     lit ? ROLE_SELECTED : a->lost ? ROLE_DROP : ROLE_WIRE);
            char id[24];
            snprintf(id, sizeof id, "#%" PRIu64, a->pkt_id);
            /* its number beside it, unless that would cover another frame
             * or a name: a crowded link shows the dots, the list names them */
            bool room = x + 1 + (int)strlen(id) < x_in + w_in;
            for (int k = 1; room && k <= (int)strlen(id); k++) {
                const struct grid_cell *c = grid_at(g, x + k, y);
                room = c != NULL && (c->ch == ' ' || c->ch == 0x2500 || c->ch == 0x2502 ||
                                     c->ch == '-' || c->ch == '|' || c->ch == '/' || c->ch == '\\');
            }
            if (room)
                grid_text(g, x + 1, y, (int)strlen(id), id, lit ? ROLE_SELECTED : ROLE_WIRE);
            if (n_list + 4 < sizeof list && shown < 6) {
                int k = snprintf(list + n_list, sizeof list - n_list, "  #%" PRIu64 " %s", a->pkt_id,
                                 a->label);
                n_list += k > 0 ? (size_t)k : 0;
                if (n_list >= sizeof list)
                    n_list = sizeof list - 1;
                shown++;
            }
        }
        draw_ladder_free(&l);
    }
    if (shown == 0 && n_list + 10 < sizeof list)
        snprintf(list + n_list, sizeof list - n_list, "  none");
    grid_text(g, x_in + 1, y_in, w_in - 2, list, ROLE_DIM);
    free(at);
    draw_topo_free(&t);
}
