/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_panes.c - the script, layers, events and sockets panes.
 *
 * Each is a pure function of (model, state, options, rectangle): what it
 * shows as of the cursor is found in the log (events up to the cursor) and
 * in the model's inspect_*() snapshots, never in a running stack.
 * Called by: view_render(). Calls: vm_*(), log_format_cause().
 */
#include "ui/view.h"
#include "ui/view_printed.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/log_sink.h"
#include "stack/drop.h"
#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"

/* s with runs of blanks squeezed to one, into buf. */
static const char *
squeeze(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    bool blank = false;
    for (; *s && k + 1 < n; s++) {
        if (*s == ' ' || *s == '\t') {
            if (!blank && k > 0)
                buf[k++] = ' ';
            blank = true;
        } else {
            buf[k++] = *s;
            blank = false;
        }
    }
    buf[k] = '\0';
    return buf;
}

/* s from (x, y) in at most w columns; when it is longer, its last column
 * shows an ellipsis, so a cut number ("seq 520...") does not pass for a
 * whole one. */
static void
text_fit(struct grid *g, int x, int y, int w, const char *s, enum grid_role role, bool utf8)
{
    if (w < 1)
        return;
    int cols = 0;
    for (const char *p = s; *p; p++)
        cols += ((unsigned char)*p & 0xc0) != 0x80;  /* code points, not bytes */
    grid_text(g, x, y, w, s, role);
    if (cols > w)
        grid_put(g, x + w - 1, y, utf8 ? 0x2026 : '~', role);
}

/* ---- script --------------------------------------------------------------- */

/* The most printed lines (ping's, traceroute's) the script pane looks at. */
#define PRINTED_ROWS_MAX 64

struct wrap_ctx {
    struct grid *g;       /* target */
    int x, y, w;          /* where the next line goes, and its width */
    int y_end;            /* first row not to write */
    enum grid_role role;  /* how */
};

static void
wrap_line(void *ctx, const char *line, size_t len)
{
    struct wrap_ctx *c = ctx;
    if (c->y >= c->y_end)
        return;
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)len, line);
    grid_text(c->g, c->x, c->y, c->w, buf, c->role);
    c->y++;
}

/* grid_wrap() callback that only lets it count lines. */
static void
count_cb(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    (void)line;
    (void)len;
}

void
view_render_script(const struct view_model *m, const struct view_state *st,
                   const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    const struct scenario *scn = m->scn;
    size_t cur = vm_step_of(m, st->cursor);
    char title[40];
    snprintf(title, sizeof title, "script %zu/%zu", m->n_steps ? cur + 1 : 0, m->n_steps);
    grid_box(g, r, title, ROLE_TITLE, gl);
    int x = r.x + 1, w = r.w - 2, y0 = r.y + 1, ih = r.h - 2;
    if (ih < 1 || w < 4)
        return;

    /* The narration in force: the latest run of `say` steps up to the
     * current step, shown in full below the script. */
    size_t say_end = 0, say_begin = 0;
    bool have_say = false;
    for (size_t i = cur + 1; i-- > 0 && m->n_steps > 0;) {
        if (scn->steps[i].kind == SCN_STEP_SAY) {
            say_end = i;
            have_say = true;
            break;
        }
    }
    if (have_say) {
        say_begin = say_end;
        while (say_begin > 0 && scn->steps[say_begin - 1].kind == SCN_STEP_SAY)
            say_begin--;
    }
    /* A ping or traceroute after the narration in force: what it has
     * printed by the cursor's event takes the box instead, as `netstep
     * run` prints it (the replies, one a line, as they arrive), until the
     * next `say`. */
    size_t printed[PRINTED_ROWS_MAX], out_step = cur;
    size_t n_printed = view_printed_latest(o->printed, have_say ? say_end + 1 : 0, cur,
                                           st->cursor, printed, PRINTED_ROWS_MAX, &out_step);
    int say_lines = 0, say_need = 0;
    if (n_printed > 0) {
        /* the latest lines when not all fit: the first ones go */
        int most = ih - 3 > ih / 2 ? ih - 3 : ih / 2;
        size_t first = 0;
        for (size_t k = n_printed; k-- > 0;) {
            int need = grid_wrap(o->printed->lines[printed[k]].text, w - 1, count_cb, NULL);
            if (say_need + need > most && say_need > 0)
                break;
            say_need += need;
            first = k;
        }
        memmove(printed, printed + first, (n_printed - first) * sizeof printed[0]);
        n_printed -= first;
        say_lines = say_need < most ? say_need : most;
    } else if (have_say) {
        say_need = view_wrap_says(scn, say_begin, say_end + 1, w - 1, count_cb, NULL);
        /* The narration is what the class reads: it may take all but two
         * script lines (the current step and the next), and says so when
         * even that is not enough. */
        int most = ih - 3 > ih / 2 ? ih - 3 : ih / 2;
        say_lines = say_need < most ? say_need : most;
    }
    int list_h = ih - (say_lines > 0 ? say_lines + 1 : 0);

    /* The steps, the current one a third of the way down. */
    size_t first = 0;
    if (list_h > 0 && cur > (size_t)(list_h / 3))
        first = cur - (size_t)(list_h / 3);
    if (m->n_steps > (size_t)list_h && first > m->n_steps - (size_t)list_h)
        first = m->n_steps - (size_t)list_h;
    for (int row = 0; row < list_h && first + (size_t)row < m->n_steps; row++) {
        size_t i = first + (size_t)row;
        const struct scn_step *sp = &scn->steps[i];
        char buf[256], kept[256];
        squeeze(view_step_text(m, st, i, kept, sizeof kept), buf, sizeof buf);
        enum grid_role role = i == cur ? ROLE_CURRENT : i > cur ? ROLE_DIM : ROLE_NORMAL;
        if (sp->kind == SCN_STEP_SAY && i != cur)
            role = i > cur ? ROLE_DIM : ROLE_SAY;
        if (i == cur) {
            grid_paint(g, x, y0 + row, w, ROLE_CURRENT);
            grid_put(g, x, y0 + row, gl->mark, ROLE_CURRENT);
        }
        grid_text(g, x + 2, y0 + row, w - 2, buf, role);
    }
    if (say_lines > 0 && n_printed > 0) {
        int sy = y0 + list_h;
        for (int i = 0; i < w; i++)
            grid_put(g, x + i, sy, gl->h, ROLE_BORDER);
        grid_text(g, x + 1, sy, w - 2,
                  scn->steps[out_step].kind == SCN_STEP_TRACEROUTE ? " traceroute " : " ping ",
                  ROLE_TITLE);
        struct wrap_ctx c = { g, x + 1, sy + 1, w - 1, sy + 1 + say_lines, ROLE_NORMAL };
        for (size_t k = 0; k < n_printed; k++)
            grid_wrap(o->printed->lines[printed[k]].text, w - 1, wrap_line, &c);
    } else if (say_lines > 0) {
        int sy = y0 + list_h;
        for (int i = 0; i < w; i++)
            grid_put(g, x + i, sy, gl->h, ROLE_BORDER);
        grid_text(g, x + 1, sy, w - 2, " say ", ROLE_TITLE);
        struct wrap_ctx c = { g, x + 1, sy + 1, w - 1, sy + 1 + say_lines, ROLE_SAY };
        view_wrap_says(scn, say_begin, say_end + 1, w - 1, wrap_line, &c);
        /* Cut short: a mark after the last word shown (the whole text is
         * in the layers pane when the cursor is on the say step). */
        if (say_need > say_lines) {
            int ly = sy + say_lines, lx = x + w - 1;
            while (lx > x + 1 && grid_at(g, lx - 1, ly)->ch == ' ')
                lx--;
            if (lx < x + w - 1)
                lx++;
            grid_put(g, lx, ly, o->utf8 ? 0x2026 : '~', ROLE_SAY);
        }
    }
}

/* ---- layers --------------------------------------------------------------- */

enum row { ROW_APP, ROW_SOCKET, ROW_TRANSPORT, ROW_NETWORK, ROW_LINK, ROW_COUNT };

static int
layer_row(enum trace_layer l)
{
    switch (l) {
    case LAYER_APP:    return ROW_APP;
    case LAYER_SOCKET: return ROW_SOCKET;
    case LAYER_TCP:
    case LAYER_UDP:
    case LAYER_ICMP:   return ROW_TRANSPORT;
    case LAYER_IPV4:
    case LAYER_ARP:    return ROW_NETWORK;
    case LAYER_ETH:    return ROW_LINK;
    default:           return -1;
    }
}

static enum grid_role
row_role(int row)
{
    static const enum grid_role roles[ROW_COUNT] = {
        ROLE_LAYER_APP, ROLE_LAYER_SOCK, ROLE_LAYER_L4, ROLE_LAYER_L3, ROLE_LAYER_L2,
    };
    return row >= 0 && row < ROW_COUNT ? roles[row] : ROLE_NORMAL;
}

static const char *const row_tcpip[ROW_COUNT] = {
    "App", "Socket", "Transport", "Network", "Link",
};
static const char *const row_osi[ROW_COUNT] = {
    "7-6 App", "5 Session", "4 Transport", "3 Network", "2-1 Link",
};

/* What a layer decided, shortly: the words after the header summary. */
static const char *
decision(const char *text)
{
    const char *p = strrchr(text, ':');
    if (p != NULL && p[1] == ' ' && p[2] != '\0')
        return p + 2;
    return text;
}

/* "ARP", "UDP", "TCP S", "ICMP" for the frame in ev. */
static void
frame_label(const struct record_event *ev, char *buf, size_t n)
{
    snprintf(buf, n, "#%" PRIu64, ev->pkt_id);
    if (ev->bytes == NULL || ev->len < ETH_HDR_LEN)
        return;
    const uint8_t *b = ev->bytes;
    uint16_t type = be16_get(b + ETH_OFF_TYPE);
    if (type == ETHERTYPE_ARP) {
        snprintf(buf, n, "ARP");
    } else if (type == ETHERTYPE_IPV4 && ev->len >= ETH_HDR_LEN + IPV4_HDR_MIN) {
        uint8_t proto = b[ETH_HDR_LEN + IPV4_OFF_PROTO];
        size_t ihl = (size_t)(b[ETH_HDR_LEN] & 15) * 4;
        const char *pn = ipproto_name(proto);
        if (proto == IPPROTO_TCP_ && ev->len >= ETH_HDR_LEN + ihl + 14) {
            char fl[16];
            tcp_flags_str(b[ETH_HDR_LEN + ihl + 13], fl, sizeof fl);
            snprintf(buf, n, "TCP %s", fl);
        } else {
            snprintf(buf, n, "%s", pn != NULL ? pn : "IP");
        }
    }
}

/* The pane's geometry. A host is a column; the row labels sit on the left;
 * between two columns a gap holds the wire and the frame crossing it. */
#define LAYERS_LABEL_W_TCPIP 10  /* "Transport" and a blank */
#define LAYERS_LABEL_W_OSI 12    /* "4 Transport" and a blank */
#define LAYERS_GAP_W 8           /* a blank, 6 cells of wire ("#12>" and the
                                    frame's label above it), a blank */
#define LAYERS_WIRE_W (LAYERS_GAP_W - 2)
#define LAYERS_COL_MIN_W 14      /* narrowest host column worth drawing */
#define LAYERS_MIN_W 20          /* inside the box: narrower shows nothing */
#define LAYERS_MIN_H 2           /* inside the box: the names and one row */

struct layers_layout {
    int x0, y0;    /* inside the box: top-left cell */
    int w, ih;     /* inside the box: width and height */
    int label_w;   /* the row labels' column */
    int col_w;     /* one host's column */
    int first;     /* index of the leftmost host shown */
    int shown;     /* hosts shown */
    int rows;      /* layer rows that fit (ROW_COUNT when all do) */
};

/* Left edge of the column of the c-th host shown. */
static int
layers_col_x(const struct layers_layout *L, int c)
{
    return L->x0 + L->label_w + c * (L->col_w + LAYERS_GAP_W);
}

/* As many columns as fit at LAYERS_COL_MIN_W, from host_first (kept in
 * range), sharing the width. False when the pane is too small to show any. */
static bool
layers_layout(const struct view_model *m, const struct view_state *st, const struct view_opts *o,
              struct grid_rect r, struct layers_layout *L)
{
    L->x0 = r.x + 1;
    L->w = r.w - 2;
    L->y0 = r.y + 1;
    L->ih = r.h - 2;
    int nh = (int)vm_n_hosts(m);
    if (L->ih < LAYERS_MIN_H || L->w < LAYERS_MIN_W || nh == 0)
        return false;
    L->label_w = o->osi ? LAYERS_LABEL_W_OSI : LAYERS_LABEL_W_TCPIP;
    /* n columns take n * col + (n - 1) * gap */
    int fit = (L->w - L->label_w + LAYERS_GAP_W) / (LAYERS_COL_MIN_W + LAYERS_GAP_W);
    if (fit < 1)
        fit = 1;
    L->first = st->host_first;
    if (L->first > nh - 1)
        L->first = nh - 1;
    if (L->first < 0)
        L->first = 0;
    L->shown = nh - L->first < fit ? nh - L->first : fit;
    L->col_w = (L->w - L->label_w - LAYERS_GAP_W * (L->shown - 1)) / L->shown;
    L->rows = L->ih - 1 < ROW_COUNT ? L->ih - 1 : ROW_COUNT;
    return true;
}

/* The hosts' names over their columns, and arrows where more hosts are
 * off to the left or right. */
static void
layers_host_names(const struct view_model *m, const struct layers_layout *L, struct grid *g,
                  const struct grid_glyphs *gl)
{
    for (int c = 0; c < L->shown; c++) {
        const char *name = vm_host_name(m, L->first + c);
        int nl = (int)strlen(name);
        int cx = layers_col_x(L, c);
        grid_text(g, cx + (L->col_w > nl ? (L->col_w - nl) / 2 : 0), L->y0, L->col_w, name,
                  ROLE_TITLE);
    }
    if (L->first > 0)
        grid_put(g, L->x0 + L->label_w - 2, L->y0, gl->left, ROLE_KEY);
    if (L->first + L->shown < (int)vm_n_hosts(m))
        grid_put(g, L->x0 + L->w - 1, L->y0, gl->right, ROLE_KEY);
}

/* The latest event of host h at one of row's layers, in the current step
 * (from `from`) up to the cursor: its index in *at, itself in *ev. */
static bool
layers_latest(const struct view_model *m, const struct view_state *st, int h, int row,
              size_t from, size_t *at, struct record_event *ev)
{
    bool found = false;
    for (int l = 0; l < LAYER_COUNT; l++) {
        if (layer_row((enum trace_layer)l) != row)
            continue;
        size_t i = vm_last_at_layer(m, h, (enum trace_layer)l, st->cursor);
        if (i != SIZE_MAX && i >= from && (!found || i > *at)) {
            *at = i;
            found = true;
        }
    }
    return found && vm_event(m, *at, ev);
}

/* The App row of host h: the statement the current step runs on it (not an
 * expect), without its "host:" prefix (a ping keeps its words whole). */
static void
layers_app_cell(const struct view_model *m, const struct view_opts *o, struct grid *g, int h,
                size_t step, int cx, int y, int cw, bool selected)
{
    const struct scn_step *sp = m->n_steps ? &m->scn->steps[step] : NULL;
    if (sp == NULL || sp->host != h || sp->kind == SCN_STEP_EXPECT)
        return;
    char buf[256];
    const char *t = squeeze(sp->text, buf, sizeof buf);
    const char *colon = strchr(t, ':');
    if (colon != NULL && sp->kind != SCN_STEP_PING)
        t = colon + 2 <= buf + strlen(buf) ? colon + 2 : t;
    text_fit(g, cx, y, cw, t, selected ? ROLE_SELECTED : ROLE_LAYER_APP, o->utf8);
}

/* A layer's cell: an arrow (down sent, up received, x dropped), then the
 * protocol and what it decided. The selected packet takes its layer's
 * colour; the selected event itself is highlighted. */
static void
layers_event_cell(const struct view_state *st, const struct view_opts *o, struct grid *g,
                  const struct grid_glyphs *gl, int row, const struct record_event *ev,
                  size_t at, const struct record_event *sel, bool have_sel, int cx, int y, int cw)
{
    uint32_t arrow = ev->kind == TRACE_TX ? gl->down : ev->kind == TRACE_RX ? gl->up
                   : ev->kind == TRACE_DROP ? 'x' : ' ';
    enum grid_role role = ROLE_NORMAL;
    if (ev->kind == TRACE_DROP)
        role = ROLE_DROP;
    else if (have_sel && sel->pkt_id != 0 && ev->pkt_id == sel->pkt_id)
        role = row_role(row);
    if (at == st->cursor)
        role = ev->kind == TRACE_DROP ? ROLE_DROP : ROLE_SELECTED;
    char buf[200];
    /* the protocol's name, but not the row's own again ("Socket") */
    if (strcmp(trace_layer_name(ev->layer), row_tcpip[row]) == 0)
        snprintf(buf, sizeof buf, "%s", decision(ev->text));
    else
        snprintf(buf, sizeof buf, "%s %s", trace_layer_name(ev->layer), decision(ev->text));
    grid_paint(g, cx, y, cw, role);
    grid_put(g, cx, y, arrow, role);
    text_fit(g, cx + 1, y, cw - 1, buf, role, o->utf8);
}

/* The layer rows: labels on the left, each host's latest event per layer. */
static void
layers_rows(const struct view_model *m, const struct view_state *st, const struct view_opts *o,
            struct grid *g, const struct grid_glyphs *gl, const struct layers_layout *L,
            const struct record_event *sel, bool have_sel)
{
    const char *const *labels = o->osi ? row_osi : row_tcpip;
    size_t step = vm_step_of(m, st->cursor);
    size_t from = m->n_steps ? m->step_start[step] : 0;
    for (int row = 0; row < L->rows; row++) {
        int y = L->y0 + 1 + row;
        grid_text(g, L->x0, y, L->label_w - 1, labels[row], row_role(row));
        for (int c = 0; c < L->shown; c++) {
            int h = L->first + c;
            int cx = layers_col_x(L, c);
            struct record_event ev;
            size_t at = 0;
            bool found = have_sel && layers_latest(m, st, h, row, from, &at, &ev);
            if (row == ROW_APP)
                layers_app_cell(m, o, g, h, step, cx, y, L->col_w, found && at == st->cursor);
            else if (found)
                layers_event_cell(st, o, g, gl, row, &ev, at, sel, have_sel, cx, y, L->col_w);
        }
    }
}

/* Is there a scenario link between hosts a and b? */
static bool
layers_linked(const struct view_model *m, int a, int b)
{
    bool linked = false;
    for (size_t i = 0; i < m->scn->n_links; i++) {
        const struct scn_link *l = &m->scn->links[i];
        if ((l->a == a && l->b == b) || (l->a == b && l->b == a))
            linked = true;
    }
    return linked;
}

/* The latest frame in flight between hosts a and b on the wire starting at
 * gx on row ly: from the last wire event sent by the cursor back, no
 * further than a frame can have stayed on a link. "#12>" (or "<#12", "x"
 * for one lost by the selected event), its label ("TCP S") above. */
static void
layers_frame_on_wire(const struct view_model *m, const struct view_state *st, struct grid *g,
                     const struct grid_glyphs *gl, const struct record_event *sel, int a, int b,
                     int gx, int ly)
{
    size_t lo = 0, hi = m->n_wires;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->wires[mid].at <= st->cursor)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k-- > 0;) {
        const struct vm_wire *wi = &m->wires[k];
        if (wi->at + m->wire_life < st->cursor)
            break;
        /* on the wire now, or lost on it by the selected event */
        bool lost = wi->end == st->cursor && sel->kind == TRACE_DROP;
        if (wi->at > st->cursor || (wi->end <= st->cursor && !lost))
            continue;
        bool right = wi->from == a && wi->to == b;
        bool left = wi->from == b && wi->to == a;
        if (!right && !left)
            continue;
        struct record_event we;
        if (!vm_event(m, wi->at, &we))
            break;
        char id[24], lab[24];
        snprintf(id, sizeof id, "#%" PRIu64, we.pkt_id);
        frame_label(&we, lab, sizeof lab);
        enum grid_role role = lost ? ROLE_DROP
                            : wi->at == st->cursor ? ROLE_SELECTED : ROLE_WIRE;
        int il = (int)strlen(id);
        int ix = gx + (LAYERS_WIRE_W - il - 1) / 2;  /* the id and its arrow, centred */
        if (right) {
            grid_text(g, ix, ly, il, id, role);
            grid_put(g, ix + il, ly, lost ? 'x' : gl->right, role);
        } else {
            grid_put(g, ix, ly, lost ? 'x' : gl->left, role);
            grid_text(g, ix + 1, ly, il, id, role);
        }
        int ll = (int)strlen(lab);
        if (ll > LAYERS_WIRE_W)
            ll = LAYERS_WIRE_W;
        grid_text(g, gx + (LAYERS_WIRE_W - ll) / 2, ly - 1, ll, lab, role);
        break;
    }
}

/* The wire between neighbouring columns on the Link row, with the frames
 * on it. Only when every row fits. */
static void
layers_wires(const struct view_model *m, const struct view_state *st, struct grid *g,
             const struct grid_glyphs *gl, const struct layers_layout *L,
             const struct record_event *sel)
{
    if (L->rows != ROW_COUNT)
        return;
    int ly = L->y0 + 1 + ROW_LINK;
    for (int c = 0; c + 1 < L->shown; c++) {
        int a = L->first + c, b = L->first + c + 1;
        int gx = layers_col_x(L, c) + L->col_w + 1;  /* after the column and a blank */
        if (layers_linked(m, a, b))
            for (int i = 0; i < LAYERS_WIRE_W; i++)
                grid_put(g, gx + i, ly, gl->wire, ROLE_WIRE);
        layers_frame_on_wire(m, st, g, gl, sel, a, b, gx, ly);
    }
}

/* The sentence under the layer rows for event i (sel): where, layer, what,
 * why and the RFC that says so; for a blocking call, how it blocked and
 * what ran underneath (view_call_detail()). */
static void
layers_sentence_text(const struct view_model *m, size_t i, const struct record_event *sel,
                     char *line, size_t n)
{
    const char *text = sel->text;
    char detail[512];
    if (sel->kind == TRACE_DROP && (text == NULL || text[0] == '\0'))
        text = drop_reason_sentence((enum drop_reason)sel->reason);
    view_call_detail(m, i, detail, sizeof detail);
    snprintf(line, n, "%s %s %s: %s%s%s%s%s%s", sel->where[0] ? sel->where : "-",
             trace_layer_name(sel->layer), log_dir_name(sel->kind), text,
             sel->rfc ? " [" : "", sel->rfc ? sel->rfc : "", sel->rfc ? "]" : "",
             detail[0] == '\0' ? "" : sel->rfc == NULL && strstr(text, "...") ? " " : ". ",
             detail);
}

int
view_layers_sentence_lines(const struct view_model *m, const struct view_state *st, int w)
{
    struct record_event sel;
    if (!vm_event(m, st->cursor, &sel) || w < 3)
        return 0;
    char line[1024];
    layers_sentence_text(m, st->cursor, &sel, line, sizeof line);
    return grid_wrap(line, w - 2, count_cb, NULL);
}

/* Shorten line, in place, until it wraps into at most rows lines of w
 * columns, keeping its citation ("[RFC 9293 3.10.7.4]", "[IEEE 802.3 3.2]")
 * whole at the end: the words before
 * it give way, marked by an ellipsis, so a sentence too long for a small
 * screen never loses the citation that says why. */
static void
fit_keeping_rfc(char *line, size_t n, int w, int rows, bool utf8)
{
    if (rows <= 0 || w < 8 || grid_wrap(line, w, count_cb, NULL) <= rows)
        return;
    /* the citation: the last "[...]", at the very end (a "." may follow) */
    char tail[96] = "";
    char *rfc = strrchr(line, '[');
    char *close = rfc != NULL ? strchr(rfc, ']') : NULL;
    if (close == NULL || (close[1] != '\0' && strcmp(close + 1, ".") != 0))
        rfc = NULL;
    if (rfc != NULL && strlen(rfc) + 1 < sizeof tail) {
        tail[0] = ' ';
        memcpy(tail + 1, rfc, strlen(rfc) + 1);
        *rfc = '\0';
    }
    size_t body = strlen(line);
    while (body > 0 && line[body - 1] == ' ')
        body--;
    char buf[1024];
    const char *mark = utf8 ? "\xe2\x80\xa6" : "~";
    do {
        body = body > 8 ? body - 8 : 0;
        while (body > 0 && ((unsigned char)line[body] & 0xC0) == 0x80)
            body--;  /* not inside a UTF-8 character */
        size_t k = body < sizeof buf - sizeof tail - 4 ? body : sizeof buf - sizeof tail - 4;
        memcpy(buf, line, k);
        buf[k] = '\0';
        strcat(buf, mark);
        strcat(buf, tail);
    } while (body > 0 && grid_wrap(buf, w, count_cb, NULL) > rows);
    snprintf(line, n, "%s", buf);
}

/* Under the rows: the selected event's sentence, in full, wrapped; cut in
 * the middle if the pane is too short, never its RFC. */
static void
layers_sentence(const struct view_model *m, const struct view_state *st,
                const struct view_opts *o, struct grid *g, const struct layers_layout *L,
                const struct record_event *sel)
{
    int sy = L->y0 + 1 + L->rows;
    if (sy >= L->y0 + L->ih)
        return;
    char line[1024];
    layers_sentence_text(m, st->cursor, sel, line, sizeof line);
    fit_keeping_rfc(line, sizeof line, L->w, L->y0 + L->ih - sy, o->utf8);
    struct wrap_ctx c = { g, L->x0, sy, L->w, L->y0 + L->ih,
                          sel->kind == TRACE_DROP ? ROLE_DROP : ROLE_NORMAL };
    grid_wrap(line, L->w, wrap_line, &c);
}

void
view_render_layers(const struct view_model *m, const struct view_state *st,
                   const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_box(g, r, o->osi ? "layers (OSI)" : "layers", ROLE_TITLE, gl);
    struct layers_layout L;
    if (!layers_layout(m, st, o, r, &L))
        return;
    struct record_event sel;
    bool have_sel = vm_event(m, st->cursor, &sel);
    layers_host_names(m, &L, g, gl);
    layers_rows(m, st, o, g, gl, &L, &sel, have_sel);
    layers_wires(m, st, g, gl, &L, &sel);
    if (have_sel)
        layers_sentence(m, st, o, g, &L, &sel);
}

/* ---- events --------------------------------------------------------------- */

static void
event_line(const struct view_model *m, const struct view_state *st,
           const struct record_event *ev, int where_w, char *buf, size_t n)
{
    char cause[64];
    log_format_cause(&ev->cause, cause, sizeof cause);
    char id[24] = "";
    if (view_event_is_packet(ev))
        snprintf(id, sizeof id, "#%" PRIu64 " ", ev->pkt_id);
    const char *text = ev->text;
    if (ev->kind == TRACE_DROP && (text == NULL || text[0] == '\0'))
        text = drop_reason_sentence((enum drop_reason)ev->reason);
    /* the lesson's own answer, a row below its question: not before the
     * card reveals it (or the cursor gets there) */
    char kept_back[64];
    if (view_event_hides_answer(m, st, ev)) {
        snprintf(kept_back, sizeof kept_back, "%.*s ? (the question's card reveals it)",
                 (int)(strchr(text, ':') - text + 1), text);
        text = kept_back;
    }
    snprintf(buf, n, "%3" PRIu64 ".%06" PRIu64 " %-*.*s %-6s %-5s %s%s%s%s%s", ev->t_ns / 1000000000u,
             ev->t_ns % 1000000000u / 1000u, where_w, where_w, ev->where[0] ? ev->where : "-",
             trace_layer_name(ev->layer), log_dir_name(ev->kind), id, text,
             cause[0] ? "  (" : "", cause, cause[0] ? ")" : "");
}

static enum grid_role
event_role(const struct record_event *ev)
{
    switch (ev->kind) {
    case TRACE_DROP: return ROLE_DROP;
    case TRACE_WIRE: return ROLE_WIRE;
    case TRACE_NOTE: return strncmp(ev->text, "say: ", 5) == 0 ? ROLE_SAY : ROLE_DIM;
    default:         return ROLE_NORMAL;
    }
}

void
view_render_events(const struct view_model *m, const struct view_state *st,
                   const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    char title[64];
    if (st->filter[0])
        snprintf(title, sizeof title, "events [/%s]", st->filter);
    else
        snprintf(title, sizeof title, "events");
    grid_box(g, r, title, st->focus == PANE_EVENTS ? ROLE_FOCUS : ROLE_TITLE, gl);
    int x = r.x + 1, w = r.w - 2, y0 = r.y + 1, ih = r.h - 2;
    if (ih < 1 || m->n_events == 0)
        return;
    int where_w = 6;  /* "script" */
    for (size_t h = 0; h < vm_n_hosts(m); h++) {
        int l = (int)strlen(vm_host_name(m, (int)h));
        if (l > where_w)
            where_w = l;
    }
    for (size_t i = 0; i < m->scn->n_links; i++) {
        const struct scn_link *lk = &m->scn->links[i];
        /* an end is a host or a switch port */
        const char *a = lk->a >= 0 ? m->scn->hosts[lk->a].name : m->scn->switches[lk->a_sw].name;
        const char *b = lk->b >= 0 ? m->scn->hosts[lk->b].name : m->scn->switches[lk->b_sw].name;
        int l = (int)(strlen(a) + strlen(b) + 1);
        if (l > where_w)
            where_w = l;
    }
    if (where_w > 9)
        where_w = 9;
    /* the cursor, and matching events around it: a third above */
    size_t idx[128];
    int above = ih / 3, n_above = 0;
    struct record_event ev;
    size_t tmp[128];
    struct view_filter vf;
    view_filter_init(&vf, m, st->filter);
    for (size_t i = st->cursor; i > 0 && n_above < above;) {
        i = view_filter_find(m, &vf, i - 1, -1);
        if (i == SIZE_MAX)
            break;
        tmp[n_above++] = i;
    }
    int n = 0;
    for (int k = n_above; k-- > 0;)
        idx[n++] = tmp[k];
    int sel_row = n;
    idx[n++] = st->cursor;
    for (size_t i = st->cursor + 1; n < ih && n < 128; i++) {
        i = view_filter_find(m, &vf, i, 1);
        if (i == SIZE_MAX)
            break;
        idx[n++] = i;
    }
    /* With bookmarks set, a gutter shows their letters beside their events. */
    int gut = st->marks_set ? 2 : 0;
    for (int row = 0; row < n && row < ih; row++) {
        if (!vm_event(m, idx[row], &ev))
            continue;
        char buf[512];
        event_line(m, st, &ev, where_w, buf, sizeof buf);
        enum grid_role role = event_role(&ev);
        if (row == sel_row) {
            role = ev.kind == TRACE_DROP ? ROLE_DROP : ROLE_SELECTED;
            grid_paint(g, x, y0 + row, w, role);
        }
        for (int k = VIEW_MARKS; gut && k-- > 0;)
            if ((st->marks_set & (1u << k)) && st->marks[k] == idx[row]) {
                grid_put(g, x, y0 + row, (uint32_t)('a' + k), ROLE_KEY);
                break;  /* the first letter, when one event has several */
            }
        grid_text(g, x + gut, y0 + row, w - gut, buf, role);
    }
}

/* ---- sockets -------------------------------------------------------------- */

static bool
sock_in(const struct vm_snap *s, const struct vm_sock *k)
{
    for (size_t i = 0; s != NULL && i < s->n_socks; i++) {
        const struct vm_sock *o = &s->socks[i];
        if (o->fd == k->fd && o->family == k->family && o->laddr == k->laddr &&
            o->lport == k->lport && o->faddr == k->faddr && o->fport == k->fport &&
            strcmp(o->state, k->state) == 0 && o->rcvq_bytes == k->rcvq_bytes && o->rcvq_count == k->rcvq_count)
            return true;
    }
    return false;
}

/* NORMAL if the step's first snapshot held k as it is, else CHANGED. */
static enum grid_role
srole_of(const struct vm_snap *before, const struct vm_sock *k)
{
    return sock_in(before, k) ? ROLE_NORMAL : ROLE_CHANGED;
}

/* Whether s held k's socket with the same TCB figures. */
static bool
tcb_in(const struct vm_snap *s, const struct vm_sock *k)
{
    for (size_t i = 0; s != NULL && i < s->n_socks; i++) {
        const struct vm_sock *o = &s->socks[i];
        /* a pending connection has no fd: its endpoints tell it apart */
        if (o->fd == k->fd && o->has_tcb && o->lport == k->lport && o->fport == k->fport &&
            o->family == k->family && o->faddr == k->faddr && o->snd_una == k->snd_una &&
            o->snd_nxt == k->snd_nxt && o->snd_wnd == k->snd_wnd && o->rcv_nxt == k->rcv_nxt &&
            o->rcv_wnd == k->rcv_wnd && o->cwnd == k->cwnd && o->ssthresh == k->ssthresh &&
            o->srtt_ns == k->srtt_ns && o->rto_ns == k->rto_ns &&
            o->sndq_bytes == k->sndq_bytes && strcmp(o->timers, k->timers) == 0)
            return true;
    }
    return false;
}

static bool
arp_in(const struct vm_snap *s, const struct vm_arp *a)
{
    for (size_t i = 0; s != NULL && i < s->n_arp; i++)
        if (s->arp[i].ip == a->ip && memcmp(s->arp[i].mac, a->mac, 6) == 0 &&
            strcmp(s->arp[i].state, a->state) == 0 && s->arp[i].queued == a->queued)
            return true;
    return false;
}

/* One end of socket k as `ss -tan` writes it: "192.0.2.1:80" ("*:80" for
 * an IPv4 wildcard, "*:*" for no peer); an AF_INET6 socket's in brackets,
 * which keep the port apart from the address's colons [RFC 5952 6]:
 * "[2001:db8::1]:80", "[::ffff:192.0.2.3]:49158" for an IPv4 peer
 * [RFC 4291 2.5.5.2], "[::]:80" for a wildcard and "[::]:*" for no peer. */
static void
endpoint(const struct view_model *m, const struct vm_sock *k, bool local, bool set, char *buf,
         size_t n)
{
    uint32_t addr = local ? k->laddr : k->faddr;
    uint16_t port = local ? k->lport : k->fport;
    char a[IPV4_ADDR_STRLEN];
    if (k->family == VM_SOCK_V4) {
        if (!set)
            snprintf(buf, n, "*:*");
        else
            snprintf(buf, n, "%s:%u", addr == 0 ? "*" : ipv4_addr_str(addr, a), port);
        return;
    }
    if (!set)
        snprintf(buf, n, "[::]:*");
    else if (k->family == VM_SOCK_V6)
        snprintf(buf, n, "[%s]:%u", vm_addr6_text(m, addr), port);
    else if (addr == 0)
        snprintf(buf, n, "[::]:%u", port);
    else
        snprintf(buf, n, "[::ffff:%s]:%u", ipv4_addr_str(addr, a), port);
}

/* The TCB figures of socket k as of event i, from the log: every TCP event
 * carries a snapshot of its TCB [issue 3 item 9], so the latest one of k's
 * connection at or before i is the TCB as the cursor sees it, newer than the
 * socket snapshot (taken when a state, a call or a delivery changed the
 * socket) whenever an ACK moved snd_una or cwnd since. */
static void
tcb_as_of(const struct view_model *m, int host, size_t snap_at, struct vm_sock *k, size_t i)
{
    if (!k->has_tcb)
        return;
    /* the log's IPv6 connections carry 0 as their IPv4 addresses; the
     * ports (and the host) tell them apart */
    bool v6 = k->family == VM_SOCK_V6;
    size_t at = vm_last_tcb(m, host, v6 ? 0 : k->laddr, k->lport, v6 ? 0 : k->faddr, k->fport, i);
    struct record_event ev;
    if (at == SIZE_MAX || at < snap_at || !vm_event(m, at, &ev) || !ev.has_tcb)
        return;
    k->snd_una = ev.tcb.snd_una - ev.tcb.iss;
    k->snd_nxt = ev.tcb.snd_nxt - ev.tcb.iss;
    k->snd_wnd = ev.tcb.snd_wnd;
    k->rcv_nxt = ev.tcb.rcv_nxt - ev.tcb.irs;
    k->rcv_wnd = ev.tcb.rcv_wnd;
    k->cwnd = ev.tcb.cwnd;
    k->ssthresh = ev.tcb.ssthresh;
    k->srtt_ns = ev.tcb.srtt_ns;
    k->rto_ns = ev.tcb.rto_ns;
}

#define SOCKS_SHOWN 64

/* Snapshot s of host with its sockets' TCBs as of event i, into socks. */
static const struct vm_snap *
snap_as_of(const struct view_model *m, int host, const struct vm_snap *s, size_t i,
           struct vm_snap *out, struct vm_sock *socks)
{
    if (s == NULL)
        return NULL;
    *out = *s;
    out->n_socks = s->n_socks < SOCKS_SHOWN ? s->n_socks : SOCKS_SHOWN;
    for (size_t k = 0; k < out->n_socks; k++) {
        socks[k] = s->socks[k];
        tcb_as_of(m, host, s->at, &socks[k], i);
    }
    out->socks = socks;
    return out;
}

/* One line of the sockets pane. The lines are gathered before any is drawn
 * so that a pane too short for all of them can show the part that matters
 * (the selected event's host, or the line the person selected) and say how
 * much is out of sight. */
struct sock_line {
    int indent;           /* columns from the pane's left edge */
    int host;             /* whose */
    int item;             /* the socket or ARP entry it belongs to; -1: a host's name */
    enum grid_role role;
    char text[160];
};

#define SOCK_LINES_MAX 256

struct sock_lines {
    struct sock_line l[SOCK_LINES_MAX];
    int n;                /* lines kept */
    int items;            /* sockets and ARP entries, all hosts */
};

static void
sock_add(struct sock_lines *sl, int indent, int host, int item, enum grid_role role,
         const char *text)
{
    if (sl->n >= SOCK_LINES_MAX)
        return;
    struct sock_line *l = &sl->l[sl->n++];
    l->indent = indent;
    l->host = host;
    l->item = item;
    l->role = role;
    size_t n = strlen(text);
    if (n >= sizeof l->text)
        n = sizeof l->text - 1;  /* wider than any pane shows */
    memcpy(l->text, text, n);
    l->text[n] = '\0';
}

/* A time for the TCB lines: whole milliseconds from 10 ms, else one decimal. */
static void
ms_str(uint64_t ns, char *buf, size_t n)
{
    if (ns >= 10000000u)
        snprintf(buf, n, "%.0fms", (double)ns / 1e6);
    else
        snprintf(buf, n, "%.1fms", (double)ns / 1e6);
}

/* Most lines a TCB takes on a pane narrower than TCB_ONE_LINE_W. */
#define TCB_LINES_MAX 3
/* From this pane width a TCB is one line (cut at the edge). */
#define TCB_ONE_LINE_W 90

/* The TCB of k under its socket line, in RFC 9293's names, sequence numbers
 * relative to the ISS/IRS as Wireshark shows them. The figures in the order
 * a lecture needs them, most needed first: cwnd, ssthresh, bytes in flight,
 * srtt, rto, the running timers, then the sequence numbers and windows; they
 * fill up to three lines on a narrow pane, and what does not fit is the
 * least needed (the T table has every figure of every connection). */
static void
tcb_lines(struct sock_lines *sl, const struct vm_sock *k, enum grid_role role, int indent,
          int host, int item, int w)
{
    if (!k->has_tcb || strcmp(k->state, "LISTEN") == 0 || strcmp(k->state, "CLOSED") == 0)
        return;
    char tok[11][64];  /* "timers " and a timers list */
    int nt = 0;
    snprintf(tok[nt++], sizeof tok[0], "cwnd %u", k->cwnd);
    if (k->ssthresh >= 0x7fffffffu)
        snprintf(tok[nt++], sizeof tok[0], "ssthresh inf");
    else
        snprintf(tok[nt++], sizeof tok[0], "ssthresh %u", k->ssthresh);
    snprintf(tok[nt++], sizeof tok[0], "flight %u", k->snd_nxt - k->snd_una);
    char t[24];
    if (k->srtt_ns == 0)
        snprintf(t, sizeof t, "-");
    else
        ms_str(k->srtt_ns, t, sizeof t);
    snprintf(tok[nt++], sizeof tok[0], "srtt %s", t);
    ms_str(k->rto_ns, t, sizeof t);
    snprintf(tok[nt++], sizeof tok[0], "rto %s", t);
    snprintf(tok[nt++], sizeof tok[0], "timers %s", k->timers[0] != '\0' ? k->timers : "-");
    snprintf(tok[nt++], sizeof tok[0], "snd.una %u", k->snd_una);
    snprintf(tok[nt++], sizeof tok[0], "snd.nxt %u", k->snd_nxt);
    snprintf(tok[nt++], sizeof tok[0], "snd.wnd %u", k->snd_wnd);
    snprintf(tok[nt++], sizeof tok[0], "rcv.nxt %u", k->rcv_nxt);
    snprintf(tok[nt++], sizeof tok[0], "rcv.wnd %u", k->rcv_wnd);
    int room = w - indent, lines = 0;
    char buf[400] = "";
    for (int i = 0; i < nt; i++) {
        size_t bl = strlen(buf), tl = strlen(tok[i]);
        if (w >= TCB_ONE_LINE_W || bl == 0 || (int)(bl + 1 + tl) <= room) {
            snprintf(buf + bl, sizeof buf - bl, "%s%s", bl ? (w >= TCB_ONE_LINE_W ? "  " : " ") : "",
                     tok[i]);
            continue;
        }
        sock_add(sl, indent, host, item, role, buf);
        if (++lines == TCB_LINES_MAX)
            return;
        snprintf(buf, sizeof buf, "%s", tok[i]);
    }
    sock_add(sl, indent, host, item, role, buf);
}

/* Every line of the sockets pane as of the cursor, for a pane w wide. */
/* A socket's two ends on a line of their own at indent, or on one line
 * each when both do not fit the pane (IPv6 ones seldom do). */
static void
sock_addrs(struct sock_lines *sl, int indent, int host, int item, enum grid_role role,
           const char *l, const char *f, int w)
{
    char buf[200];
    snprintf(buf, sizeof buf, "%s %s", l, f);
    if ((int)strlen(buf) <= w - indent) {
        sock_add(sl, indent, host, item, role, buf);
    } else {
        sock_add(sl, indent, host, item, role, l);
        sock_add(sl, indent, host, item, role, f);
    }
}

static void
sock_collect(const struct view_model *m, const struct view_state *st, int w,
             struct sock_lines *sl)
{
    sl->n = 0;
    sl->items = 0;
    size_t step = vm_step_of(m, st->cursor);
    size_t from = m->n_steps ? m->step_start[step] : 0;
    for (size_t h = 0; h < vm_n_hosts(m); h++) {
        struct vm_snap now_s, before_s;
        struct vm_sock now_k[SOCKS_SHOWN], before_k[SOCKS_SHOWN];
        struct vm_snap_buf now_b, before_b;
        const struct vm_snap *now = snap_as_of(
            m, (int)h, vm_snap_get(m, (int)h, st->cursor, &now_b), st->cursor, &now_s, now_k);
        const struct vm_snap *before =
            from > 0 ? snap_as_of(m, (int)h, vm_snap_get(m, (int)h, from - 1, &before_b),
                                  from - 1, &before_s, before_k)
                     : NULL;
        sock_add(sl, 0, (int)h, -1, ROLE_TITLE, vm_host_name(m, (int)h));
        if (now == NULL || (now->n_socks == 0 && now->n_arp == 0)) {
            sock_add(sl, 1, (int)h, -1, ROLE_DIM, "no sockets, ARP cache empty");
            continue;
        }
        for (size_t i = 0; i < now->n_socks; i++) {
            const struct vm_sock *k = &now->socks[i];
            int item = sl->items++;
            char l[64], f[64], buf[200];
            endpoint(m, k, true, k->bound, l, sizeof l);
            /* a TCP connection has its peer from connect() on, before the
             * socket counts as connected */
            endpoint(m, k, false, k->connected || k->fport != 0, f, sizeof f);
            if (k->fd < 0 && k->listen_fd < 0) {
                /* close() left it to the stack to finish: no fd, still a
                 * connection, on the panel until CLOSED [RFC 9293 3.6] */
                snprintf(buf, sizeof buf, "(closed fd) tcp %s %s %s", k->state, l, f);
                if ((int)strlen(buf) <= w - 1) {
                    sock_add(sl, 1, (int)h, item, srole_of(before, k), buf);
                } else {
                    snprintf(buf, sizeof buf, "(closed fd) tcp %s", k->state);
                    sock_add(sl, 1, (int)h, item, srole_of(before, k), buf);
                    sock_addrs(sl, 3, (int)h, item, srole_of(before, k), l, f, w);
                }
            } else if (k->listen_fd >= 0) {
                /* A connection its listener made that accept() has not
                 * taken: no fd yet, so under the listener, as `ss -t -a`
                 * lists SYN-RECV under the listening port [RFC 9293 3.10.7.2]. */
                const char *why = strcmp(k->state, "SYN_RECEIVED") == 0
                                      ? "handshake in progress"
                                      : "in the accept queue";
                enum grid_role prole = sock_in(before, k) ? ROLE_NORMAL : ROLE_CHANGED;
                snprintf(buf, sizeof buf, "%s %s %s: %s, not accepted yet", k->state, l, f, why);
                if ((int)strlen(buf) <= w - 3) {
                    sock_add(sl, 3, (int)h, item, prole, buf);
                } else {
                    snprintf(buf, sizeof buf, "%s: %s", k->state, why);
                    sock_add(sl, 3, (int)h, item, prole, buf);
                    sock_addrs(sl, 5, (int)h, item, prole, l, f, w);
                }
            } else {
                /* The state first: on a narrow pane the addresses, not the
                 * state, are what the edge cuts, and when even the short form
                 * does not fit the addresses go on a line of their own. */
                enum grid_role srole = sock_in(before, k) ? ROLE_NORMAL : ROLE_CHANGED;
                snprintf(buf, sizeof buf, "fd %d %s %s %s %s rq %zu/%zu", k->fd, k->proto,
                         k->state, l, f, k->rcvq_count, k->rcvq_bytes);
                if ((int)strlen(buf) <= w - 1) {
                    sock_add(sl, 1, (int)h, item, srole, buf);
                } else {
                    snprintf(buf, sizeof buf, "fd %d %s %s rq %zu/%zu", k->fd, k->proto,
                             k->state, k->rcvq_count, k->rcvq_bytes);
                    sock_add(sl, 1, (int)h, item, srole, buf);
                    sock_addrs(sl, 3, (int)h, item, srole, l, f, w);
                }
            }
            /* A listener or a closed socket has no connection to show. */
            if (!k->has_tcb || strcmp(k->state, "LISTEN") == 0 || strcmp(k->state, "CLOSED") == 0)
                continue;
            tcb_lines(sl, k, tcb_in(before, k) ? ROLE_NORMAL : ROLE_CHANGED,
                      k->listen_fd >= 0 ? 5 : 3, (int)h, item, w);
        }
        for (size_t i = 0; i < now->n_arp; i++) {
            const struct vm_arp *a = &now->arp[i];
            char ip[IPV4_ADDR_STRLEN], mac[MAC_ADDR_STRLEN], buf[200];
            snprintf(buf, sizeof buf, "arp %s %s %s%s", ipv4_addr_str(a->ip, ip),
                     strcmp(a->state, "INCOMPLETE") == 0 ? "(?)" : mac_addr_str(a->mac, mac),
                     a->state, a->queued ? " +queued" : "");
            sock_add(sl, 1, (int)h, sl->items++, arp_in(before, a) ? ROLE_NORMAL : ROLE_CHANGED,
                     buf);
        }
    }
}

int
view_sockets_items(const struct view_model *m, const struct view_state *st)
{
    struct sock_lines sl;
    sock_collect(m, st, 40, &sl);
    return sl.items;
}

/* The host the cursor's event happened on, or the last one before it that
 * happened on a host (a frame on a link, a script note have none). */
static int
event_host(const struct view_model *m, size_t cursor)
{
    struct record_event ev;
    for (size_t i = cursor + 1, seen = 0; i-- > 0 && seen < 64; seen++)
        if (vm_event(m, i, &ev) && ev.host >= 0)
            return ev.host;
    return -1;
}

void
view_render_sockets(const struct view_model *m, const struct view_state *st,
                    const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    bool focused = st->focus == PANE_SOCKETS;
    grid_box(g, r, "sockets & ARP", focused ? ROLE_FOCUS : ROLE_TITLE, gl);
    int x = r.x + 1, w = r.w - 2, y0 = r.y + 1, ih = r.h - 2;
    if (ih < 1 || w < 4)
        return;
    struct sock_lines sl;
    sock_collect(m, st, w, &sl);
    int sel = st->sock_sel < sl.items ? st->sock_sel : sl.items - 1;

    /* What must be in sight when not all fits: the selected line's socket
     * while the pane has the focus, else the selected event's host. */
    int off = 0;
    if (sl.n > ih) {
        int want_first = -1, want_last = -1, host = focused ? -1 : event_host(m, st->cursor);
        for (int i = 0; i < sl.n; i++) {
            bool in = focused ? sl.l[i].item == sel : sl.l[i].host == host;
            if (!in)
                continue;
            if (want_first < 0)
                want_first = i;
            want_last = i;
        }
        if (want_first >= 0) {
            if (want_last >= ih)
                off = want_last - ih + 1;
            if (want_first < off)
                off = want_first;
            if (off > sl.n - ih)
                off = sl.n - ih;
        }
    }
    for (int row = 0; row < ih && off + row < sl.n; row++) {
        const struct sock_line *l = &sl.l[off + row];
        text_fit(g, x + l->indent, y0 + row, w - l->indent, l->text, l->role, o->utf8);
        /* the mark just left of the item's first line (a pending
         * connection's is indented under its listener) */
        if (focused && l->item == sel && l->indent >= 1 &&
            (off + row == 0 || sl.l[off + row - 1].item != sel))
            grid_put(g, x + l->indent - 1, y0 + row, gl->mark, ROLE_KEY);
    }
    /* Lines out of sight, on the frame: how many, and how to reach them. */
    char more[48];
    int fx = r.x + r.w - 2;
    if (off > 0) {
        snprintf(more, sizeof more, " %d above ", off);
        int ml = (int)strlen(more);
        grid_put(g, fx - ml, r.y, gl->up, ROLE_KEY);
        grid_text(g, fx - ml + 1, r.y, ml, more, ROLE_KEY);
    }
    int below = sl.n - off - ih;
    if (below > 0) {
        snprintf(more, sizeof more, focused ? " %d more " : " %d more (tab here, then down) ",
                 below);
        int ml = (int)strlen(more);
        if (ml + 2 > w)
            snprintf(more, sizeof more, " %d more ", below), ml = (int)strlen(more);
        grid_put(g, fx - ml, r.y + r.h - 1, gl->down, ROLE_KEY);
        grid_text(g, fx - ml + 1, r.y + r.h - 1, ml, more, ROLE_KEY);
    }
}
