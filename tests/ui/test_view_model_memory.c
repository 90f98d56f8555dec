/* SPDX-License-Identifier: BSD-2-Clause
 *
 * test_view_model_memory.c - the view model's compact storage answers as
 * the world was, and stays small.
 *
 * Socket snapshots are kept as differences from the host's previous one and
 * the event lists as differences in blocks (view_model.c, view_index.c), so
 * these check what comes back out against the source: every snapshot the
 * model takes against the host's own sockets and ARP cache at that moment
 * (inspect_*(), read by a sink of the test's own attached after the
 * model's), the per-host lists against a scan of the whole log, and the
 * model's bytes per recorded event for a fixed bulk lesson against a bound
 * (counted by view_model_memory(), never timed).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_run.h"
#include "stack/inspect.h"
#include "ui/view_model.h"

/* A sink after the model's: on every event the model may snapshot after,
 * the model's latest snapshot of that host must show what inspect_*()
 * shows now. */
struct checker {
    struct trace_sink sink;
    struct view_model *m;
    size_t checks;         /* snapshots compared */
    size_t socks_seen;     /* sockets compared */
    size_t arp_seen;       /* ARP entries compared */
    size_t pending_seen;   /* connections waiting for accept() */
    size_t orphans_seen;   /* connections close() left to the stack */
    char failed[256];      /* the first difference, or "" */
};

static void
differs(struct checker *c, size_t at, int host, const char *what)
{
    if (c->failed[0] == '\0')
        snprintf(c->failed, sizeof c->failed, "event %zu, host %d: %s", at, host, what);
}

static void
check_emit(void *ctx, const struct trace_event *ev)
{
    struct checker *c = ctx;
    struct view_model *m = c->m;
    if (ev->host == NULL)
        return;
    if (ev->kind != TRACE_STATE && ev->kind != TRACE_CACHE && ev->kind != TRACE_CALL &&
        ev->kind != TRACE_DELIVER)
        return;
    size_t at = record_count(&m->rec) - 1;
    int host = sim_host_index(&m->runner->sim, ev->host);
    static struct vm_snap_buf buf;
    const struct vm_snap *s = vm_snap_get(m, host, at, &buf);
    if (s == NULL) {
        differs(c, at, host, "no snapshot");
        return;
    }
    c->checks++;
    struct inspect_socket is[VM_SNAP_SOCKS_MAX];
    size_t ns = inspect_sockets(ev->host, is, VM_SNAP_SOCKS_MAX);
    /* the sockets with a descriptor, in order (pending connections and
     * orphans, which have none, sit between and after them) */
    size_t k = 0;
    for (size_t i = 0; i < ns; i++) {
        while (k < s->n_socks && s->socks[k].fd < 0)
            k++;
        if (k == s->n_socks) {
            differs(c, at, host, "a socket missing");
            return;
        }
        const struct vm_sock *so = &s->socks[k++];
        c->socks_seen++;
        if (so->fd != is[i].fd || strcmp(so->proto, is[i].proto) != 0 ||
            strncmp(so->state, is[i].state, 15) != 0 || so->rcvq_bytes != is[i].rcvq_bytes ||
            so->rcvq_count != is[i].rcvq_count || so->bound != is[i].bound ||
            so->connected != is[i].connected)
            differs(c, at, host, "a socket's fields");
        if (!is[i].v6 && so->family == VM_SOCK_V6)
            differs(c, at, host, "a socket's family");
        if (is[i].v6 && so->family != VM_SOCK_V6)
            differs(c, at, host, "an IPv6 socket's family");
        struct inspect_tcb t;
        if (inspect_tcb(ev->host, is[i].fd, &t) != so->has_tcb) {
            differs(c, at, host, "a TCB missing or extra");
            continue;
        }
        if (!so->has_tcb)
            continue;
        if (so->snd_una != t.snd_una - t.iss || so->snd_nxt != t.snd_nxt - t.iss ||
            so->rcv_nxt != t.rcv_nxt - t.irs || so->snd_wnd != t.snd_wnd ||
            so->rcv_wnd != t.rcv_wnd || so->cwnd != t.cwnd || so->ssthresh != t.ssthresh ||
            so->srtt_ns != t.srtt_ns || so->rto_ns != t.rto_ns ||
            so->sndq_bytes != t.sndq_bytes || strcmp(so->timers, t.timers_str) != 0)
            differs(c, at, host, "a TCB's figures");
        if (t.fport != 0 && (so->lport != t.lport || so->fport != t.fport))
            differs(c, at, host, "a TCB's ports");
        if (so->family == VM_SOCK_V6 && t.fport != 0) {
            char text[IPV6_ADDR_STRLEN];
            if (strcmp(vm_addr6_text(m, so->faddr), ip6_addr_str(&t.faddr6, text)) != 0)
                differs(c, at, host, "an IPv6 peer");
        } else if (t.fport != 0 && so->faddr != t.faddr) {
            differs(c, at, host, "a peer");
        }
    }
    /* connections without a descriptor: those a listener holds for
     * accept() follow it, the ones close() left to the stack (orphans:
     * neither CLOSED nor LISTEN) come last */
    size_t pending = 0, loose = 0, m_pending = 0, m_orphans = 0;
    struct inspect_tcb all[VM_SNAP_SOCKS_MAX];
    for (size_t i = 0; i < ns; i++)
        pending += inspect_tcb_pending(ev->host, is[i].fd, all, 0);
    size_t nt = inspect_tcbs(ev->host, all, VM_SNAP_SOCKS_MAX);
    for (size_t i = 0; i < nt && i < VM_SNAP_SOCKS_MAX; i++)
        loose += all[i].fd < 0 && strcmp(all[i].state, "CLOSED") != 0 &&
                 strcmp(all[i].state, "LISTEN") != 0;
    for (size_t i = 0; i < s->n_socks; i++) {
        m_pending += s->socks[i].fd < 0 && s->socks[i].listen_fd >= 0;
        m_orphans += s->socks[i].fd < 0 && s->socks[i].listen_fd < 0;
    }
    if (m_pending != pending || m_orphans != loose - pending)
        differs(c, at, host, "connections without a descriptor");
    c->pending_seen += m_pending;
    c->orphans_seen += m_orphans;
    struct inspect_arp ia[VM_SNAP_ARP_MAX];
    size_t na = inspect_arp(ev->host, ia, VM_SNAP_ARP_MAX);
    if (na != s->n_arp) {
        differs(c, at, host, "the ARP cache's size");
        return;
    }
    for (size_t i = 0; i < na; i++) {
        const struct vm_arp *a = &s->arp[i];
        c->arp_seen++;
        if (a->ip != ia[i].ip || memcmp(a->mac, ia[i].mac, 6) != 0 ||
            strncmp(a->state, ia[i].state, 15) != 0 || a->queued != ia[i].queued)
            differs(c, at, host, "an ARP entry");
    }
}

static struct scenario *
lesson(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, rel);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_file(path, &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    return scn;
}

/* Record rel step by step with the checker attached; every snapshot must
 * match its host. Returns the model (built) for more checks. */
static struct view_model *
record_checked(const char *rel, struct scenario **scn, struct checker *c)
{
    *scn = lesson(rel);
    struct view_model *m = calloc(1, sizeof *m);
    char err[256];
    ck_assert_int_eq(view_model_open(m, *scn, false, 0, err, sizeof err), 0);
    memset(c, 0, sizeof *c);
    c->m = m;
    c->sink.emit = check_emit;
    c->sink.ctx = c;
    trace_attach_need(&m->runner->sim.trace, &c->sink, TRACE_NEED_FRAMES);
    while (vm_run_step(m))
        ;
    trace_detach(&m->runner->sim.trace, &c->sink);
    ck_assert(!m->failed);
    ck_assert_msg(c->failed[0] == '\0', "%s: %s", rel, c->failed);
    ck_assert_uint_gt(c->checks, 0);
    return m;
}

static void
done(struct view_model *m, struct scenario *scn)
{
    view_model_destroy(m);
    free(m);
    scenario_free(scn);
}

/* Every kind of socket a snapshot holds, through many differences and
 * past several whole ones (one every 32 of a host). */
START_TEST(test_snapshots_match_the_hosts)
{
    static const char *const lessons[] = {
        "tcp/slow-start.scn",          /* many deliveries: long runs of differences */
        "tcp/syn-backlog.scn",         /* connections waiting for accept() */
        "tcp/close-and-time-wait.scn", /* orphans after close() */
        "ipv6/tcp-handshake.scn",      /* IPv6 sockets, addresses interned */
        "link/arp.scn",                /* ARP entries coming and going */
        "udp/echo.scn",                /* datagrams queued */
    };
    size_t most = 0, socks = 0, arp = 0, pending = 0, orphans = 0;
    for (size_t l = 0; l < sizeof lessons / sizeof lessons[0]; l++) {
        struct scenario *scn;
        struct checker c;
        struct view_model *m = record_checked(lessons[l], &scn, &c);
        for (size_t h = 0; h < vm_n_hosts(m); h++)
            if (vm_snap_count(m, (int)h) > most)
                most = vm_snap_count(m, (int)h);
        socks += c.socks_seen;
        arp += c.arp_seen;
        pending += c.pending_seen;
        orphans += c.orphans_seen;
        done(m, scn);
    }
    ck_assert_uint_gt(most, 3 * 32);  /* several whole snapshots and the runs after them */
    ck_assert_uint_gt(socks, 100);
    ck_assert_uint_gt(arp, 10);
    ck_assert_uint_gt(pending, 0);
    ck_assert_uint_gt(orphans, 0);
}
END_TEST

static void
same_snap(const struct vm_snap *a, const struct vm_snap *b)
{
    ck_assert_uint_eq(a->at, b->at);
    ck_assert_int_eq(a->host, b->host);
    ck_assert_uint_eq(a->n_socks, b->n_socks);
    ck_assert_uint_eq(a->n_arp, b->n_arp);
    for (size_t i = 0; i < a->n_socks; i++) {
        const struct vm_sock *x = &a->socks[i], *y = &b->socks[i];
        ck_assert_int_eq(x->fd, y->fd);
        ck_assert_ptr_eq(x->state, y->state);
        ck_assert_uint_eq(x->rcv_nxt, y->rcv_nxt);
        ck_assert_uint_eq(x->rcvq_bytes, y->rcvq_bytes);
    }
}

/* vm_snap_get() finds the snapshot each event sees: the k-th from its own
 * event until the (k+1)-th's, none before the first; and a snapshot is
 * kept only when it shows something new or (as before) when the host's
 * previous one is not among the 16 latest of all hosts. */
START_TEST(test_snapshot_as_of_each_event)
{
    struct scenario *scn = lesson("tcp/slow-start.scn");
    struct view_model *m = calloc(1, sizeof *m);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
    static struct vm_snap_buf a, b;
    size_t total = 0;
    for (size_t h = 0; h < vm_n_hosts(m); h++) {
        size_t n = vm_snap_count(m, (int)h);
        total += n;
        for (size_t k = 0; k < n; k++) {
            const struct vm_snap *s = vm_snap_nth(m, (int)h, k, &a);
            ck_assert_ptr_nonnull(s);
            ck_assert_int_eq(s->host, (int)h);
            same_snap(vm_snap_get(m, (int)h, s->at, &b), s);
            size_t next_at = k + 1 < n ? vm_snap_nth(m, (int)h, k + 1, &b)->at : m->n_events;
            ck_assert_uint_gt(next_at, s->at);
            s = vm_snap_nth(m, (int)h, k, &a);
            same_snap(vm_snap_get(m, (int)h, next_at - 1, &b), s);
            if (k == 0 && s->at > 0)
                ck_assert_ptr_null(vm_snap_get(m, (int)h, s->at - 1, &b));
        }
        ck_assert_ptr_null(vm_snap_nth(m, (int)h, n, &a));
    }
    ck_assert_uint_eq(total, m->n_snaps);
    ck_assert_ptr_null(vm_snap_get(m, -1, 0, &a));
    ck_assert_ptr_null(vm_snap_get(m, (int)vm_n_hosts(m), m->n_events - 1, &a));
    done(m, scn);
}
END_TEST

/* The per-host lists, kept as differences, say what a scan of the log
 * says at every event: the latest event of each layer, the latest TCP
 * state change; and each connection's TCB events, read in order, are
 * exactly the log's events carrying that connection's TCB. */
START_TEST(test_lists_match_a_scan)
{
    struct scenario *scn = lesson("tcp/congestion-side-by-side.scn");
    struct view_model *m = calloc(1, sizeof *m);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
    size_t nh = vm_n_hosts(m);
    ck_assert_uint_gt(m->n_events, 10 * VM_LIST_BLOCK);
    size_t *last = malloc(nh * LAYER_COUNT * sizeof *last);
    size_t *state = malloc((nh + 1) * sizeof *state);
    ck_assert(last != NULL && state != NULL);
    for (size_t k = 0; k < nh * LAYER_COUNT; k++)
        last[k] = SIZE_MAX;
    for (size_t k = 0; k < nh + 1; k++)
        state[k] = SIZE_MAX;
    size_t tcb_events = 0;
    for (size_t i = 0; i < m->n_events; i++) {
        struct record_event ev;
        ck_assert(vm_event_facts(m, i, &ev));
        if (ev.host >= 0 && (size_t)ev.host < nh) {
            last[(size_t)ev.host * LAYER_COUNT + ev.layer] = i;
            if (ev.kind == TRACE_STATE && ev.layer == LAYER_TCP)
                state[0] = state[ev.host + 1] = i;
            tcb_events += ev.has_tcb;
        }
        for (size_t h = 0; h < nh; h++) {
            for (int l = 0; l < LAYER_COUNT; l++)
                ck_assert_uint_eq(vm_last_at_layer(m, (int)h, (enum trace_layer)l, i),
                                  last[h * LAYER_COUNT + (size_t)l]);
            ck_assert_uint_eq(vm_last_tcp_state(m, (int)h, i), state[h + 1]);
        }
        ck_assert_uint_eq(vm_last_tcp_state(m, -1, i), state[0]);
    }
    size_t listed = 0;
    for (size_t c = 0; c < m->n_conns; c++) {
        const struct vm_conn *cn = &m->conns[c];
        struct vm_list_iter it;
        vm_list_iter_init(&it, &cn->events);
        size_t prev = 0, n = 0;
        for (size_t at; vm_list_next(&it, &at); n++) {
            struct record_event ev;
            ck_assert(vm_event_facts(m, at, &ev));
            ck_assert(ev.has_tcb);
            ck_assert_int_eq(ev.host, cn->host);
            ck_assert_uint_eq(ev.tcb.lport, cn->lport);
            ck_assert_uint_eq(ev.tcb.fport, cn->fport);
            if (n > 0)
                ck_assert_uint_gt(at, prev);
            prev = at;
            /* the last of them at or before its own event is itself */
            ck_assert_uint_eq(vm_conn_last(m, cn, at), at);
        }
        ck_assert_uint_eq(n, cn->events.n);
        listed += n;
    }
    ck_assert_uint_eq(listed, tcb_events);
    free(last);
    free(state);
    done(m, scn);
}
END_TEST

/* The model's own memory (snapshots, wires, steps, indexes, strings; the
 * table pairing wires with their senders is given back after the script)
 * for a bulk transfer, per recorded event: about 74 bytes with every
 * snapshot kept whole, 4-byte list entries and 32-byte wires, about 10
 * now; the log itself is not counted here. */
START_TEST(test_model_bytes_per_event)
{
    const char *text = "title \"model memory\"\n"
                       "seed 1\n"
                       "host alice 192.0.2.1/24\n"
                       "host bob 192.0.2.2/24\n"
                       "link alice bob delay 1ms rate 100Mbit\n"
                       "bob: s = socket tcp\n"
                       "bob: bind s 9000\n"
                       "bob: listen s 5\n"
                       "bob: a = accept s &\n"
                       "alice: c = socket tcp\n"
                       "alice: connect c bob:9000\n"
                       "wait a\n"
                       "bob: recv a all timeout 3600s -> data &\n"
                       "alice: send c bytes 8000000\n"
                       "alice: close c\n"
                       "wait a\n"
                       "bob: close a\n";
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_string("memory.scn", text, &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    struct view_model *m = calloc(1, sizeof *m);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
    ck_assert_uint_gt(m->n_events, 50000);
    ck_assert_uint_gt(m->n_snaps, m->n_events / 10);  /* a snapshot every few events */
    struct vm_memory mem;
    view_model_memory(m, &mem);
    double per_event = (double)mem.model / (double)m->n_events;
    ck_assert_msg(per_event <= 16.0, "the model takes %.1f bytes an event", per_event);
    /* the snapshots' share: a few bytes each, not a copy of every socket */
    ck_assert_uint_le(mem.model - vm_index_memory(m), 8 * m->n_events);
    done(m, scn);
}
END_TEST

/* After the script the model gives back the table pairing wires with
 * their senders, and rebuilds it from the log when a typed statement makes
 * the log grow: the wires then are what the same statement at the end of
 * the script makes, a frame still on the wire when the script ended
 * included. */
START_TEST(test_live_wires_as_a_script)
{
    const char *text = "host alice 192.0.2.1/24\n"
                       "host bob 192.0.2.2/24\n"
                       "host carol 192.0.2.3/24\n"
                       "hub hub1\n"
                       "link alice hub1 delay 20ms\n"
                       "link bob hub1 delay 20ms\n"
                       "link carol hub1 delay 20ms\n"
                       "bob: s = socket udp\n"
                       "bob: bind s 7\n"
                       "alice: c = socket udp\n"
                       "alice: sendto c bob:7 \"first\"\n"
                       "sleep 100ms\n"
                       "alice: sendto c bob:7 \"on the wire as the script ends\"\n";
    const char *typed[] = { "sleep 30ms", "bob: sendto s alice:9 \"back\"", "sleep 50ms" };
    size_t n_typed = sizeof typed / sizeof typed[0];
    struct scn_diag diag;
    struct scenario *live = scenario_parse_string("live.scn", text, &diag);
    ck_assert_msg(live != NULL, "%s", diag.first);
    struct view_model *a = calloc(1, sizeof *a);
    char err[256];
    ck_assert_int_eq(view_model_build(a, live, false, 0, err, sizeof err), 0);
    ck_assert(a->frames_dropped);
    ck_assert_uint_eq(a->cap_frames, 0);
    size_t open_at_end = 0, script_end = a->n_events;
    for (size_t k = 0; k < a->n_wires; k++)
        open_at_end += a->wires[k].end == a->n_events;
    ck_assert_uint_gt(open_at_end, 0);
    for (size_t i = 0; i < n_typed; i++) {
        char result[128];
        ck_assert_int_ge(vm_live_call(a, live, typed[i], &diag, result, sizeof result), 0);
        ck_assert(!a->failed);
    }

    char script[1024];
    snprintf(script, sizeof script, "%s%s\n%s\n%s\n", text, typed[0], typed[1], typed[2]);
    struct scenario *whole = scenario_parse_string("whole.scn", script, &diag);
    ck_assert_msg(whole != NULL, "%s", diag.first);
    struct view_model *b = calloc(1, sizeof *b);
    ck_assert_int_eq(view_model_build(b, whole, false, 0, err, sizeof err), 0);

    ck_assert_uint_eq(a->n_events, b->n_events);
    ck_assert_uint_eq(a->n_wires, b->n_wires);
    ck_assert_uint_ge(a->n_wires, 10);  /* each frame on two of the hub's links or more */
    for (size_t k = 0; k < a->n_wires; k++) {
        ck_assert_uint_eq(a->wires[k].at, b->wires[k].at);
        ck_assert_uint_eq(a->wires[k].end, b->wires[k].end);
        ck_assert_int_eq(a->wires[k].from, b->wires[k].from);
        ck_assert_int_eq(a->wires[k].to, b->wires[k].to);
    }
    ck_assert_uint_eq(a->wire_life, b->wire_life);
    /* the hub passed on after the script the frame alice sent before its
     * end: a wire whose sender only the rebuilt table knew */
    bool relayed = false;
    for (size_t k = 0; k < a->n_wires; k++)
        relayed |= a->wires[k].at > script_end && a->wires[k].from == 0;
    ck_assert(relayed);
    done(a, live);
    done(b, whole);
}
END_TEST

static Suite *
memory_suite(void)
{
    Suite *s = suite_create("view_model_memory");
    TCase *tc = tcase_create("memory");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_snapshots_match_the_hosts);
    tcase_add_test(tc, test_snapshot_as_of_each_event);
    tcase_add_test(tc, test_lists_match_a_scan);
    tcase_add_test(tc, test_model_bytes_per_event);
    tcase_add_test(tc, test_live_wires_as_a_script);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(memory_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
