/*
 * view_model.c - record a whole lesson headless, then answer "as of event i".
 *
 * Called by: tui.c, tests. Calls: scn_runner_*(), record_*(), inspect_*().
 */
#include "ui/view_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_run.h"
#include "stack/inspect.h"

#define VM_MAX_SOCKS 64
#define VM_MAX_ARP 64

/* The sink that snapshots a host after events that change what it shows. */
struct vm_snapper {
    struct trace_sink sink;   /* attached after the record, so it sees the
                                 event the record has just stored */
    struct view_model *m;     /* where snapshots go */
    struct scn_runner *r;     /* the world, for host indexes */
    bool failed;              /* memory ran out */
};

static void
copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src != NULL ? src : "");
}

static int
vm_snapshot(struct view_model *m, const struct host *h, int host, size_t at)
{
    struct inspect_socket is[VM_MAX_SOCKS];
    struct inspect_arp ia[VM_MAX_ARP];
    size_t ns = inspect_sockets(h, is, VM_MAX_SOCKS);
    size_t na = inspect_arp(h, ia, VM_MAX_ARP);
    if (ns > VM_MAX_SOCKS)
        ns = VM_MAX_SOCKS;
    if (na > VM_MAX_ARP)
        na = VM_MAX_ARP;
    if (m->n_snaps == m->cap_snaps) {
        size_t cap = m->cap_snaps ? m->cap_snaps * 2 : 64;
        struct vm_snap *grown = realloc(m->snaps, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        m->snaps = grown;
        m->cap_snaps = cap;
    }
    struct vm_snap *s = &m->snaps[m->n_snaps];
    memset(s, 0, sizeof *s);
    s->at = at;
    s->host = host;
    s->socks = ns ? calloc(ns, sizeof *s->socks) : NULL;
    s->arp = na ? calloc(na, sizeof *s->arp) : NULL;
    if ((ns && s->socks == NULL) || (na && s->arp == NULL)) {
        free(s->socks);
        free(s->arp);
        return -1;
    }
    for (size_t i = 0; i < ns; i++) {
        struct vm_sock *d = &s->socks[i];
        d->fd = is[i].fd;
        copy_str(d->proto, sizeof d->proto, is[i].proto);
        d->laddr = is[i].laddr;
        d->lport = is[i].lport;
        d->faddr = is[i].faddr;
        d->fport = is[i].fport;
        d->bound = is[i].bound;
        d->connected = is[i].connected;
        copy_str(d->state, sizeof d->state, is[i].state);
        d->rcvq_bytes = is[i].rcvq_bytes;
        d->rcvq_count = is[i].rcvq_count;
        struct inspect_tcb t;
        if (inspect_tcb(h, is[i].fd, &t)) {
            d->has_tcb = true;
            d->snd_una = t.snd_una - t.iss;
            d->snd_nxt = t.snd_nxt - t.iss;
            d->snd_wnd = t.snd_wnd;
            d->rcv_nxt = t.rcv_nxt - t.irs;
            d->rcv_wnd = t.rcv_wnd;
            d->cwnd = t.cwnd;
            d->ssthresh = t.ssthresh;
            d->srtt_ns = t.srtt_ns;
            d->rto_ns = t.rto_ns;
            d->sndq_bytes = t.sndq_bytes;
            copy_str(d->timers, sizeof d->timers, t.timers_str);
        }
    }
    for (size_t i = 0; i < na; i++) {
        struct vm_arp *d = &s->arp[i];
        d->ip = ia[i].ip;
        memcpy(d->mac, ia[i].mac, sizeof d->mac);
        copy_str(d->state, sizeof d->state, ia[i].state);
        d->queued = ia[i].queued;
    }
    s->n_socks = ns;
    s->n_arp = na;
    /* The same as the host's previous snapshot (a delivery the application
     * read at once, a call that changed nothing shown): that one stands. */
    for (size_t k = m->n_snaps, seen = 0; k-- > 0 && seen < 16; seen++) {
        const struct vm_snap *p = &m->snaps[k];
        if (p->host != host)
            continue;
        if (p->n_socks == ns && p->n_arp == na &&
            (ns == 0 || memcmp(p->socks, s->socks, ns * sizeof *s->socks) == 0) &&
            (na == 0 || memcmp(p->arp, s->arp, na * sizeof *s->arp) == 0)) {
            free(s->socks);
            free(s->arp);
            return 0;
        }
        break;
    }
    m->n_snaps++;
    return 0;
}

static void
vm_snapper_emit(void *ctx, const struct trace_event *ev)
{
    struct vm_snapper *sn = ctx;
    struct view_model *m = sn->m;
    if (ev->host == NULL || sn->failed)
        return;
    switch (ev->kind) {
    case TRACE_STATE:
    case TRACE_CACHE:
    case TRACE_CALL:
    case TRACE_DELIVER:
        break;
    default:
        return;
    }
    size_t n = record_count(&m->rec);
    if (n == 0)
        return;
    int host = sim_host_index(&sn->r->sim, ev->host);
    if (host < 0)
        return;
    if (vm_snapshot(m, ev->host, host, n - 1) < 0)
        sn->failed = true;
}

/* The host index at the other end of the link called `name` from host
 * `from`, or -1. Links are named "A-B" (or "A-B/2", ...). */
static int
vm_link_peer(const struct scenario *scn, const char *name, int from)
{
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        char want[2 * SCN_NAME_MAX + 8];
        if (l->a < 0 || l->b < 0)
            continue;  /* an end on a switch: the frame goes to no host directly */
        snprintf(want, sizeof want, "%s-%s", scn->hosts[l->a].name, scn->hosts[l->b].name);
        size_t n = strlen(want);
        if (strncmp(name, want, n) != 0 || (name[n] != '\0' && name[n] != '/'))
            continue;
        if (from == l->a)
            return l->b;
        if (from == l->b)
            return l->a;
    }
    return -1;
}

/* Pair every WIRE event with the event that takes its frame off the link. */
static int
vm_index_wires(struct view_model *m)
{
    size_t n = 0;
    struct record_event ev;
    for (size_t i = 0; i < m->n_events; i++)
        if (vm_event(m, i, &ev) && ev.kind == TRACE_WIRE)
            n++;
    m->wires = n ? calloc(n, sizeof *m->wires) : NULL;
    if (n && m->wires == NULL)
        return -1;
    m->n_wires = 0;
    for (size_t i = 0; i < m->n_events; i++) {
        if (!vm_event(m, i, &ev) || ev.kind != TRACE_WIRE)
            continue;
        struct vm_wire *w = &m->wires[m->n_wires++];
        w->at = i;
        w->end = m->n_events;
        w->from = w->to = -1;
        uint64_t id = ev.pkt_id;
        char where[80];
        copy_str(where, sizeof where, ev.where);
        for (size_t j = i; j-- > 0;) {
            struct record_event pe;
            if (vm_event(m, j, &pe) && pe.pkt_id == id && pe.host >= 0 &&
                pe.kind == TRACE_TX) {
                w->from = pe.host;
                break;
            }
        }
        w->to = vm_link_peer(m->scn, where, w->from);
        if (id == 0)
            continue;
        for (size_t j = i + 1; j < m->n_events; j++) {
            struct record_event ne;
            if (!vm_event(m, j, &ne) || ne.pkt_id != id)
                continue;
            if (ne.kind == TRACE_RX || ne.kind == TRACE_DROP || ne.kind == TRACE_WIRE) {
                w->end = j;
                break;
            }
        }
    }
    return 0;
}

int
view_model_build(struct view_model *m, const struct scenario *scn, bool seed_given,
                 uint64_t seed, char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    m->scn = scn;
    m->n_steps = scn->n_steps;
    struct scn_run_opts opts = { .seed_given = seed_given, .seed = seed, .out = NULL };
    struct scn_runner *r = calloc(1, sizeof *r);
    m->step_start = calloc(scn->n_steps + 1, sizeof *m->step_start);
    if (r == NULL || m->step_start == NULL) {
        snprintf(err, err_len, "netstep: out of memory");
        goto out_fail;
    }
    if (scn_runner_init(r, scn, &opts, err, err_len) < 0)
        goto out_fail;
    m->seed = r->seed;
    record_init(&m->rec, &r->sim);
    record_attach(&m->rec);
    struct vm_snapper sn = { .m = m, .r = r };
    sn.sink.emit = vm_snapper_emit;
    sn.sink.ctx = &sn;
    trace_attach(&r->sim.trace, &sn.sink);
    for (size_t i = 0; i < scn->n_steps; i++) {
        m->step_start[i] = record_count(&m->rec);
        scn_runner_step(r);
    }
    /* Teardown drops are not part of the lesson. */
    trace_detach(&r->sim.trace, &sn.sink);
    record_detach(&m->rec);
    record_compact(&m->rec);
    m->rec.sim = NULL;
    m->n_events = record_count(&m->rec);
    m->step_start[scn->n_steps] = m->n_events;
    m->expects_passed = r->expects_passed;
    m->expects_failed = r->expects_failed;
    scn_runner_destroy(r);
    free(r);
    r = NULL;
    if (sn.failed || m->rec.lost > 0 || vm_index_wires(m) < 0 || vm_index_extend(m) < 0) {
        snprintf(err, err_len, "netstep: out of memory recording the lesson");
        view_model_destroy(m);
        return -1;
    }
    return 0;

out_fail:
    free(r);
    free(m->step_start);
    m->step_start = NULL;
    return -1;
}

void
view_model_destroy(struct view_model *m)
{
    vm_index_free(m);
    record_destroy(&m->rec);
    for (size_t i = 0; i < m->n_snaps; i++) {
        free(m->snaps[i].socks);
        free(m->snaps[i].arp);
    }
    free(m->snaps);
    free(m->wires);
    free(m->step_start);
    memset(m, 0, sizeof *m);
}

void
view_model_memory(const struct view_model *m, struct vm_memory *out)
{
    struct record_memory rm;
    record_memory(&m->rec, &rm);
    memset(out, 0, sizeof *out);
    out->index = rm.index;
    out->text = rm.text;
    out->packet = rm.packet;
    out->tcb = rm.tcb;
    out->events_with_packet = rm.with_packet;
    size_t model = m->cap_snaps * sizeof *m->snaps + m->n_wires * sizeof *m->wires +
                   (m->n_steps + 1) * sizeof *m->step_start;
    for (size_t i = 0; i < m->n_snaps; i++)
        model += m->snaps[i].n_socks * sizeof(struct vm_sock) +
                 m->snaps[i].n_arp * sizeof(struct vm_arp);
    out->model = model + vm_index_memory(m);
    out->total = rm.total + out->model;
}

bool
vm_event(const struct view_model *m, size_t i, struct record_event *out)
{
    return record_get(&m->rec, i, out);
}

size_t
vm_step_of(const struct view_model *m, size_t i)
{
    if (m->n_steps == 0)
        return 0;
    /* the last step whose first event is at or before i */
    size_t lo = 0, hi = m->n_steps;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->step_start[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const char *
vm_host_name(const struct view_model *m, int host)
{
    if (host < 0 || (size_t)host >= m->scn->n_hosts)
        return "?";
    return m->scn->hosts[host].name;
}

size_t
vm_n_hosts(const struct view_model *m)
{
    return m->scn->n_hosts;
}
