/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_conns.c - every TCP connection of the lesson in one table, as of the
 * cursor: the numbers a congestion lecture compares side by side.
 *
 * One row a connection, from its first TCB snapshot in the log until it
 * reaches CLOSED: a connection close() left in FIN_WAIT or TIME_WAIT has no
 * descriptor any more but is still on the table, as it is still in the
 * stack (and on the sockets pane, as "(closed fd)"). The columns in the order a lecture needs them: state, cwnd,
 * ssthresh, bytes in flight, srtt, rto and the running timers, then the
 * windows; a narrow pane drops columns from the right. The TCB figures are
 * the log's own snapshots [RFC 9293 3.3.1], as the sockets pane shows them.
 * Like every pane, a pure function of (model, cursor, size).
 */
#include "ui/view.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stack/wire/addr.h"

/* The table's columns, by priority: a column is shown only if every one
 * before it is. */
enum conn_col {
    CC_HOST,
    CC_CONN,
    CC_STATE,
    CC_CWND,
    CC_SSTHRESH,
    CC_FLIGHT,
    CC_SRTT,
    CC_RTO,
    CC_TIMERS,
    CC_SND_WND,
    CC_RCV_WND,
    CC_COUNT
};

static const char *const col_head[CC_COUNT] = {
    "host", "connection", "state", "cwnd", "ssthresh", "flight", "srtt", "rto", "timers",
    "snd.wnd", "rcv.wnd",
};

#define CONN_ROWS_MAX 64
#define CONN_CELL 48  /* a timers list (vm_sock.timers) and its NUL */

struct conn_row {
    char cell[CC_COUNT][CONN_CELL];
    bool changed;  /* its TCB moved since the step began */
};

/* The running timers of this connection, from host's snapshot as of event
 * i (sockets, pending connections and orphans alike); "-" when none run,
 * "?" when the snapshot does not hold it yet. */
static void
conn_timers(const struct view_model *m, const struct vm_conn *c, size_t i, char *buf, size_t n)
{
    struct vm_snap_buf sb;
    const struct vm_snap *s = vm_snap_get(m, c->host, i, &sb);
    char f6[IPV6_ADDR_STRLEN] = "";
    if (c->v6) {
        struct ip6_addr a;
        memcpy(a.b, c->faddr6, sizeof a.b);
        ip6_addr_str(&a, f6);
    }
    for (size_t k = 0; s != NULL && k < s->n_socks; k++) {
        const struct vm_sock *so = &s->socks[k];
        /* an IPv6 socket's snapshot names its addresses by their text */
        bool same_peer = c->v6 ? so->family == VM_SOCK_V6 &&
                                     strcmp(vm_addr6_text(m, so->faddr), f6) == 0
                               : so->family != VM_SOCK_V6 && so->faddr == c->faddr;
        if (so->has_tcb && so->lport == c->lport && so->fport == c->fport && same_peer) {
            snprintf(buf, n, "%s", so->timers[0] != '\0' ? so->timers : "-");
            return;
        }
    }
    snprintf(buf, n, "?");
}

static bool
tcb_same(const struct trace_tcb *a, const struct trace_tcb *b)
{
    return strcmp(a->state, b->state) == 0 && a->snd_una == b->snd_una &&
           a->snd_nxt == b->snd_nxt && a->cwnd == b->cwnd && a->ssthresh == b->ssthresh &&
           a->srtt_ns == b->srtt_ns && a->rto_ns == b->rto_ns && a->snd_wnd == b->snd_wnd &&
           a->rcv_wnd == b->rcv_wnd;
}

/* The rows as of the cursor: the connections that exist and are not CLOSED. */
static int
conn_rows(const struct view_model *m, const struct view_state *st, struct conn_row *rows,
          int max)
{
    int n = 0;
    size_t step = vm_step_of(m, st->cursor);
    size_t from = m->n_steps ? m->step_start[step] : 0;
    for (size_t i = 0; i < m->n_conns && n < max; i++) {
        const struct vm_conn *c = &m->conns[i];
        size_t at = vm_conn_last(m, c, st->cursor);
        struct record_event ev;
        /* a listener is not a connection (the sockets pane lists it) */
        if (at == SIZE_MAX || !vm_event(m, at, &ev) || !ev.has_tcb || ev.tcb.state == NULL ||
            strcmp(ev.tcb.state, "CLOSED") == 0 || strcmp(ev.tcb.state, "LISTEN") == 0)
            continue;
        const struct trace_tcb *t = &ev.tcb;
        struct conn_row *r = &rows[n++];
        char fa[VM_ENDPOINT_STRLEN];
        snprintf(r->cell[CC_HOST], CONN_CELL, "%s", vm_host_name(m, c->host));
        snprintf(r->cell[CC_CONN], CONN_CELL, "%u>%s", c->lport, vm_conn_foreign(c, fa));
        snprintf(r->cell[CC_STATE], CONN_CELL, "%s", t->state);
        snprintf(r->cell[CC_CWND], CONN_CELL, "%u", t->cwnd);
        if (t->ssthresh >= 0x7fffffffu)
            snprintf(r->cell[CC_SSTHRESH], CONN_CELL, "inf");
        else
            snprintf(r->cell[CC_SSTHRESH], CONN_CELL, "%u", t->ssthresh);
        snprintf(r->cell[CC_FLIGHT], CONN_CELL, "%u", t->snd_nxt - t->snd_una);
        if (t->srtt_ns == 0)
            snprintf(r->cell[CC_SRTT], CONN_CELL, "-");
        else
            snprintf(r->cell[CC_SRTT], CONN_CELL, "%.1fms", (double)t->srtt_ns / 1e6);
        snprintf(r->cell[CC_RTO], CONN_CELL, "%.0fms", (double)t->rto_ns / 1e6);
        conn_timers(m, c, st->cursor, r->cell[CC_TIMERS], CONN_CELL);
        snprintf(r->cell[CC_SND_WND], CONN_CELL, "%u", t->snd_wnd);
        snprintf(r->cell[CC_RCV_WND], CONN_CELL, "%u", t->rcv_wnd);
        struct record_event before;
        size_t bt = from > 0 ? vm_conn_last(m, c, from - 1) : SIZE_MAX;
        r->changed = bt == SIZE_MAX || !vm_event(m, bt, &before) || !before.has_tcb ||
                     !tcb_same(&before.tcb, t);
    }
    return n;
}

int
view_conns_count(const struct view_model *m, const struct view_state *st)
{
    struct conn_row rows[CONN_ROWS_MAX];
    return conn_rows(m, st, rows, CONN_ROWS_MAX);
}

void
view_render_conns(const struct view_model *m, const struct view_state *st,
                  const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_box(g, r, "TCP connections  (T closes)", ROLE_FOCUS, gl);
    int x = r.x + 2, w = r.w - 4, y = r.y + 1, y_end = r.y + r.h - 1;
    if (w < 8 || y >= y_end)
        return;
    struct conn_row rows[CONN_ROWS_MAX];
    int n = conn_rows(m, st, rows, CONN_ROWS_MAX);
    if (n == 0) {
        grid_text(g, x, y, w, "no TCP connection at this point of the lesson", ROLE_DIM);
        return;
    }
    /* each column as wide as its widest cell; columns while they fit */
    int cw[CC_COUNT], shown = 0, used = 0;
    for (int k = 0; k < CC_COUNT; k++) {
        cw[k] = (int)strlen(col_head[k]);
        for (int i = 0; i < n; i++) {
            int l = (int)strlen(rows[i].cell[k]);
            cw[k] = l > cw[k] ? l : cw[k];
        }
    }
    for (int k = 0; k < CC_COUNT; k++) {
        int need = cw[k] + (k > 0 ? 2 : 0);
        if (used + need > w)
            break;
        used += need;
        shown = k + 1;
    }
    int cx = x;
    for (int k = 0; k < shown; k++) {
        grid_text(g, cx, y, cw[k], col_head[k], ROLE_KEY);
        cx += cw[k] + 2;
    }
    y++;
    /* more rows than room: the count on the frame, as the sockets pane does */
    int room = y_end - y;
    for (int i = 0; i < n && i < room; i++, y++) {
        cx = x;
        enum grid_role role = rows[i].changed ? ROLE_CHANGED : ROLE_NORMAL;
        for (int k = 0; k < shown; k++) {
            /* numbers right-aligned, names left */
            const char *cell = rows[i].cell[k];
            int pad = k >= CC_CWND && k != CC_TIMERS ? cw[k] - (int)strlen(cell) : 0;
            grid_text(g, cx + pad, y, cw[k] - pad, cell, k == CC_STATE ? ROLE_SELECTED : role);
            cx += cw[k] + 2;
        }
    }
    if (n > room) {
        char more[32];
        snprintf(more, sizeof more, " %d more ", n - room);
        int ml = (int)strlen(more);
        grid_text(g, r.x + r.w - 2 - ml, r.y + r.h - 1, ml, more, ROLE_KEY);
    }
}
