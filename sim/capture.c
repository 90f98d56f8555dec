/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capture.c - the run's captures: one file, one per link, pcap or pcapng.
 *
 * One trace sink hands each WIRE frame to every file that keeps it: the
 * whole-run file takes every frame, a per-link file only those whose `where`
 * is its link, and a host interface's file the frames its interface sent
 * (found by the Ethernet transmit that came just before the WIRE event).
 * The frames a host interface received come from the world itself
 * (sim.on_host_rx), as they arrive, after the link's faults. The files themselves are pcap_sink (libpcap, classic pcap) and
 * pcapng_sink (our own writer); they are fed through their sink's emit()
 * directly, never attached to the bus themselves.
 * Called by: ui/main.c. Calls: pcap_sink_*, pcapng_sink_*, log_format_cause().
 */
#include "sim/capture.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/log_sink.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/switch.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/wire/addr.h"

static int
capture_fail(struct capture *c, int err, const char *what, const char *detail)
{
    if (c->err == 0) {
        c->err = err;
        size_t wl = strlen(what);
        if (detail != NULL && (strncmp(detail, what, wl) == 0 ||
                               strncmp(detail, "cannot write capture: ", 22) == 0))
            snprintf(c->errmsg, sizeof c->errmsg, "%s", detail);  /* names the file already */
        else
            snprintf(c->errmsg, sizeof c->errmsg, "%s: %s", what, detail ? detail : "failed");
    }
    return c->err;
}

void
capture_link_file_name(const char *link_name, const char *ext, char *buf, size_t n)
{
    if (n == 0)
        return;
    size_t i = 0;
    for (const char *s = link_name; *s != '\0' && i + 1 < n; s++, i++) {
        char ch = *s;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
        buf[i] = ok ? ch : '_';
    }
    buf[i] = '\0';
    snprintf(buf + i, n - i, "%s", ext);
}

size_t
capture_format_comment(const struct scenario *scn, const struct trace_event *ev, char *buf,
                       size_t n)
{
    const struct trace_cause *c = &ev->cause;
    char where[PCAPNG_COMMENT_LEN];
    where[0] = '\0';
    if (scn != NULL && c->kind == CAUSE_CALL && c->step != 0 && c->step <= scn->n_steps) {
        const struct scn_step *st = &scn->steps[c->step - 1];
        const char *text = st->text ? st->text : "";
        /* an inject or replay cause names its line itself */
        if (c->origin != ORIGIN_NONE && st->file != 0 && st->file < scn->n_files)
            snprintf(where, sizeof where, "%s: %s", scn->files[st->file], text);
        else if (c->origin != ORIGIN_NONE)
            snprintf(where, sizeof where, "%s", text);
        else if (st->file != 0 && st->file < scn->n_files)
            snprintf(where, sizeof where, "%s line %u: %s", scn->files[st->file], st->line, text);
        else
            snprintf(where, sizeof where, "line %u: %s", st->line, text);
    }
    return pcapng_format_comment(ev, where, buf, n);
}

static size_t
capture_comment(void *ctx, const struct trace_event *ev, char *buf, size_t n)
{
    return capture_format_comment(ctx, ev, buf, n);
}

/* "alice eth0 192.0.2.1/24" or "sw1 port 3": one end of a link. */
static void
capture_end_name(const struct iface *ifc, char *buf, size_t n)
{
    const struct switch_port *sp = switch_port_of(ifc);
    if (sp != NULL) {
        snprintf(buf, n, "%s %s %u", sp->sw->name, sp->sw->hub ? "hub port" : "port",
                 sp->number);
        return;
    }
    if (ifc->host == NULL) {
        snprintf(buf, n, "%s", ifc->name);
        return;
    }
    char a[IPV4_ADDR_STRLEN];
    if (ifc->addr != 0)
        snprintf(buf, n, "%s %s %s/%u", ifc->host->name, ifc->name, ipv4_addr_str(ifc->addr, a),
                 ifc->prefix_len);
    else
        snprintf(buf, n, "%s %s", ifc->host->name, ifc->name);
}

static void
capture_link_description(const struct link *l, char *buf, size_t n)
{
    char a[96], b[96];
    capture_end_name(l->a, a, sizeof a);
    capture_end_name(l->b, b, sizeof b);
    snprintf(buf, n, "link %s: %s <-> %s", l->name, a, b);
}

/* A new output file; on failure c->err says why and nothing is left. */
static struct capture_file *
capture_add_file(struct capture *c, const char *path, const char *where, bool ng)
{
    if (c->n_files == c->cap_files) {
        size_t cap = c->cap_files ? 2 * c->cap_files : 4;
        struct capture_file **f = realloc(c->files, cap * sizeof *f);
        if (f == NULL) {
            capture_fail(c, -ERR_NOMEM, path, "out of memory");
            return NULL;
        }
        c->files = f;
        c->cap_files = cap;
    }
    struct capture_file *cf = calloc(1, sizeof *cf);
    if (cf == NULL) {
        capture_fail(c, -ERR_NOMEM, path, "out of memory");
        return NULL;
    }
    if (where != NULL && (cf->where = strdup(where)) == NULL) {
        free(cf);
        capture_fail(c, -ERR_NOMEM, path, "out of memory");
        return NULL;
    }
    cf->ng = ng;
    int rc = ng ? pcapng_sink_open(&cf->u.ng, path, c->appl) : pcap_sink_open(&cf->u.pcap, path);
    if (rc < 0) {
        capture_fail(c, rc, path, ng ? pcapng_sink_error(&cf->u.ng) : pcap_sink_error(&cf->u.pcap));
        free(cf->where);
        free(cf);
        return NULL;
    }
    if (ng) {
        pcapng_sink_set_comment(&cf->u.ng, capture_comment, (void *)c->scn);
        pcapng_sink_only_known(&cf->u.ng, where != NULL);
    }
    c->files[c->n_files++] = cf;
    return cf;
}

/* A pcapng interface for a link; the error, if any, lands in c. */
static void
capture_add_iface(struct capture *c, struct capture_file *cf, const struct link *l)
{
    char descr[LINK_NAME_LEN + 2 * 96 + 16];
    capture_link_description(l, descr, sizeof descr);
    if (pcapng_sink_add_iface(&cf->u.ng, l->name, descr) < 0)
        capture_fail(c, cf->u.ng.err, cf->u.ng.path ? cf->u.ng.path : l->name,
                     pcapng_sink_error(&cf->u.ng));
}

/* DIR/LINK.EXT for one link (or TAP device), unless another link already
 * took that file name. */
static struct capture_file *
capture_add_link_file(struct capture *c, const char *where, const struct link *l)
{
    char base[LINK_NAME_LEN + 16];
    capture_link_file_name(where, c->dir_ng ? ".pcapng" : ".pcap", base, sizeof base);
    size_t plen = strlen(c->dir) + 1 + strlen(base) + 1;
    char *path = malloc(plen);
    if (path == NULL) {
        capture_fail(c, -ERR_NOMEM, where, "out of memory");
        return NULL;
    }
    snprintf(path, plen, "%s/%s", c->dir, base);
    for (size_t i = 0; i < c->n_files; i++) {
        const struct capture_file *o = c->files[i];
        const char *op = o->ng ? o->u.ng.path : o->u.pcap.path;
        if (o->where != NULL && op != NULL && strcmp(op, path) == 0) {
            char why[LINK_NAME_LEN * 2 + 64];
            snprintf(why, sizeof why, "links '%s' and '%s' would share this file", o->where,
                     where);
            capture_fail(c, -ERR_INVAL, path, why);
            free(path);
            return NULL;
        }
    }
    struct capture_file *cf = capture_add_file(c, path, where, c->dir_ng);
    free(path);
    if (cf != NULL && cf->ng && l != NULL)
        capture_add_iface(c, cf, l);
    return cf;
}

/* The file of host interface ifc, or NULL. */
static struct capture_file *
capture_iface_file(const struct capture *c, const struct iface *ifc)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (c->files[i]->ifc == ifc)
            return c->files[i];
    return NULL;
}

/* Write ev's frame into a host interface's file, as a frame on it. */
static void
capture_iface_write(struct capture_file *cf, const struct trace_event *ev)
{
    struct trace_event e = *ev;
    e.kind = TRACE_WIRE;
    e.where = cf->where;
    struct trace_sink *s = cf->ng ? &cf->u.ng.sink : &cf->u.pcap.sink;
    s->emit(s->ctx, &e);
}

/* A frame entered a link's wire: if a host interface sent it (its Ethernet
 * layer's transmit of the same packet came just before), that interface's
 * file records it. A frame a switch or hub sent, or a copy the link made,
 * had no such transmit. */
static void
capture_iface_sent(struct capture *c, const struct trace_event *ev)
{
    const struct capture_tx_cause *tc = &c->tx_causes[ev->pkt->id % CAPTURE_TX_CAUSES];
    if (tc->pkt_id != ev->pkt->id || tc->host == NULL || ev->where == NULL)
        return;
    const struct link *l = sim_link_by_name(c->sim, ev->where);
    if (l == NULL)
        return;
    const struct iface *from = NULL;
    bool a = l->a->host == tc->host, b = l->b->host == tc->host;
    if (a && b)  /* a host linked to itself: the source MAC tells the end */
        from = ev->pkt->len >= ETH_ALEN * 2 &&
               memcmp(ev->pkt->data + ETH_ALEN, l->b->mac, ETH_ALEN) == 0 ? l->b : l->a;
    else
        from = a ? l->a : b ? l->b : NULL;
    struct capture_file *cf = from != NULL ? capture_iface_file(c, from) : NULL;
    if (cf != NULL)
        capture_iface_write(cf, ev);
}

/* sim.on_host_rx: a frame arrives at a host interface, after the link's
 * delay, loss and corruption. Its file records it as it is, unless the NIC
 * will discard it for a bad FCS (tcpdump never sees such a frame). */
static void
capture_iface_received(void *ctx, const struct iface *ifc, const struct pkt *p, bool bad_fcs)
{
    struct capture *c = ctx;
    if (bad_fcs || c->err != 0)
        return;
    struct capture_file *cf = capture_iface_file(c, ifc);
    if (cf == NULL)
        return;
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = c->sim->now_ns;
    ev.kind = TRACE_WIRE;
    ev.layer = LAYER_WIRE;
    ev.host = ifc->host;
    ev.pkt = p;
    const struct capture_tx_cause *tc = &c->tx_causes[p->id % CAPTURE_TX_CAUSES];
    if (tc->pkt_id == p->id)
        ev.cause = tc->cause;  /* why it was sent, as on the link */
    else
        ev.cause = p->cause;
    capture_iface_write(cf, &ev);
}

/* DIR/HOST-IF.EXT for every interface of every host that is on a link. */
static void
capture_add_iface_files(struct capture *c, struct sim *s)
{
    for (size_t hi = 0; hi < s->n_hosts && c->err == 0; hi++) {
        const struct host *h = s->hosts[hi];
        for (unsigned k = 0; k < h->n_ifaces && c->err == 0; k++) {
            const struct iface *ifc = &h->ifaces[k];
            const struct link *l = link_of_iface(ifc);
            if (l == NULL)
                continue;
            char name[HOST_NAME_LEN + IFACE_NAME_LEN + 2];
            snprintf(name, sizeof name, "%s-%s", h->name, ifc->name);
            struct capture_file *cf = capture_add_link_file(c, name, NULL);
            if (cf == NULL)
                return;
            cf->ifc = ifc;
            c->n_iface_files++;
            if (cf->ng) {
                char end[96], descr[LINK_NAME_LEN + 96 + 96];
                capture_end_name(ifc, end, sizeof end);
                snprintf(descr, sizeof descr,
                         "%s on link %s: what it sent and received, as tcpdump there", end,
                         l->name);
                if (pcapng_sink_add_iface(&cf->u.ng, name, descr) < 0)
                    capture_fail(c, cf->u.ng.err, cf->u.ng.path ? cf->u.ng.path : name,
                                 pcapng_sink_error(&cf->u.ng));
            }
        }
    }
}

/* The sink: every frame to every file that keeps it. */
static void
capture_emit(void *ctx, const struct trace_event *ev)
{
    struct capture *c = ctx;
    if (ev->kind == TRACE_TX && ev->layer == LAYER_ETH && ev->pkt != NULL) {
        struct capture_tx_cause *tc = &c->tx_causes[ev->pkt->id % CAPTURE_TX_CAUSES];
        tc->pkt_id = ev->pkt->id;
        tc->host = ev->host;
        tc->cause = ev->cause;
        return;
    }
    if (!sim_event_is_frame(ev))
        return;
    const struct trace_event *orig_ev = ev;
    /* A frame a host sent itself comes back in on its lo and never crosses a
     * link: the files see it as a frame on the interface "HOST-lo" (named like
     * a TAP device's "HOST-DEV"), as `tcpdump -i lo` would record it. */
    struct trace_event lo_ev;
    char lo_where[HOST_NAME_LEN + 4];
    if (ev->kind != TRACE_WIRE) {
        snprintf(lo_where, sizeof lo_where, "%s-lo", ev->host != NULL ? ev->host->name : "");
        lo_ev = *ev;
        lo_ev.kind = TRACE_WIRE;
        lo_ev.where = lo_where;
        const struct capture_tx_cause *tc = &c->tx_causes[ev->pkt->id % CAPTURE_TX_CAUSES];
        if (tc->pkt_id == ev->pkt->id)
            lo_ev.cause = tc->cause;
        else  /* too long ago to know: say nothing rather than "arrival" */
            memset(&lo_ev.cause, 0, sizeof lo_ev.cause);
        ev = &lo_ev;
    }
    const char *where = ev->where ? ev->where : "";
    bool have_link_file = c->dir == NULL;
    if (c->n_iface_files > 0 && ev == orig_ev)
        capture_iface_sent(c, ev);
    for (size_t i = 0; i < c->n_files; i++) {
        struct capture_file *cf = c->files[i];
        if (cf->ifc != NULL)
            continue;  /* a host interface's file: capture_iface_*() */
        if (cf->where != NULL && strcmp(cf->where, where) != 0)
            continue;
        if (cf->where != NULL)
            have_link_file = true;
        struct trace_sink *s = cf->ng ? &cf->u.ng.sink : &cf->u.pcap.sink;
        s->emit(s->ctx, ev);
    }
    if (!have_link_file && c->err == 0) {
        /* a TAP device: not a link of the world, so its file starts now */
        struct capture_file *cf = capture_add_link_file(c, where, NULL);
        if (cf != NULL) {
            if (cf->ng)
                pcapng_sink_add_iface(&cf->u.ng, where, NULL);
            struct trace_sink *s = cf->ng ? &cf->u.ng.sink : &cf->u.pcap.sink;
            s->emit(s->ctx, ev);
        }
    }
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int
capture_open(struct capture *c, struct sim *s, const struct scenario *scn,
             const struct capture_opts *o)
{
    memset(c, 0, sizeof *c);
    c->sink.emit = capture_emit;
    c->sink.ctx = c;
    c->sim = s;
    c->scn = scn;
    c->appl = o->appl;
    if (o->file != NULL) {
        bool ng = o->pcapng || ends_with(o->file, ".pcapng");
        struct capture_file *cf = capture_add_file(c, o->file, NULL, ng);
        for (size_t i = 0; cf != NULL && ng && i < s->n_links && c->err == 0; i++)
            capture_add_iface(c, cf, s->links[i]);
    }
    if (o->dir != NULL && c->err == 0) {
        c->dir_ng = o->pcapng;
        c->dir = strdup(o->dir);
        if (c->dir == NULL)
            capture_fail(c, -ERR_NOMEM, o->dir, "out of memory");
        else if (mkdir(o->dir, 0777) != 0 && errno != EEXIST)
            capture_fail(c, -ERR_ACCES, o->dir, strerror(errno));
        for (size_t i = 0; c->err == 0 && i < s->n_links; i++)
            capture_add_link_file(c, s->links[i]->name, s->links[i]);
        capture_add_iface_files(c, s);
    }
    if (c->err != 0)
        capture_abort(c);  /* keeps c->err and c->errmsg */
    return c->err;
}

void
capture_attach(struct capture *c, struct trace *tr)
{
    if (c->tr != NULL)
        return;
    /* frames and causes only: no sentence is built for a capture, and with
     * nothing else listening no event above the Ethernet layer either */
    trace_attach_need(tr, &c->sink, TRACE_NEED_WIRE);
    c->tr = tr;
    if (c->n_iface_files > 0 && c->sim != NULL) {
        c->sim->on_host_rx = capture_iface_received;
        c->sim->host_rx_ctx = c;
    }
}

void
capture_detach(struct capture *c)
{
    if (c->tr == NULL)
        return;
    trace_detach(c->tr, &c->sink);
    c->tr = NULL;
    if (c->sim != NULL && c->sim->host_rx_ctx == c) {
        c->sim->on_host_rx = NULL;
        c->sim->host_rx_ctx = NULL;
    }
}

static void
capture_free(struct capture *c)
{
    for (size_t i = 0; i < c->n_files; i++) {
        free(c->files[i]->where);
        free(c->files[i]);
    }
    free(c->files);
    free(c->dir);
    c->files = NULL;
    c->n_files = c->cap_files = 0;
    c->n_iface_files = 0;
    c->dir = NULL;
}

int
capture_close(struct capture *c)
{
    capture_detach(c);
    for (size_t i = 0; i < c->n_files; i++) {
        struct capture_file *cf = c->files[i];
        const char *path = cf->ng ? cf->u.ng.path : cf->u.pcap.path;
        char name[CAPTURE_ERR_LEN / 2];
        snprintf(name, sizeof name, "%s", path ? path : "capture");
        int rc = cf->ng ? pcapng_sink_close(&cf->u.ng) : pcap_sink_close(&cf->u.pcap);
        c->write_cpu_ns += cf->ng ? cf->u.ng.out.write_cpu_ns : cf->u.pcap.out.write_cpu_ns;
        if (rc < 0)
            capture_fail(c, rc, name,
                         cf->ng ? pcapng_sink_error(&cf->u.ng) : pcap_sink_error(&cf->u.pcap));
    }
    capture_free(c);
    return c->err;
}

void
capture_abort(struct capture *c)
{
    capture_detach(c);
    for (size_t i = 0; i < c->n_files; i++) {
        struct capture_file *cf = c->files[i];
        if (cf->ng)
            pcapng_sink_abort(&cf->u.ng);
        else
            pcap_sink_abort(&cf->u.pcap);
    }
    capture_free(c);
}

const char *
capture_error(const struct capture *c)
{
    return c->errmsg;
}
