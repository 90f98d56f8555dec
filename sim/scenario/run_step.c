/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_step.c - running steps: one statement now (in line or
 * at its time), at scheduling, the runner's public step/run/finish, and live
 * statements in a world that goes on after the script.
 */
#include "sim/scenario/run.h"

#include <stdlib.h>
#include <string.h>

#include "sim/realtime.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/wire/addr.h"

/* The virtual time now, as the step lines print it. */
static void
now_str(const struct scn_runner *r, char *t, size_t n)
{
    fmt_time(r->sim.now_ns, t, n);
}

void
run_say_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    (void)scheduled;
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "say: %s", st->say.text);
    if (!r->opts.trace_shown)
        run_say(r, false, "\n  %s\n\n", st->say.text);
}

void
run_pause_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    (void)scheduled;
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "pause%s%s",
             st->say.text != NULL ? ": " : "", st->say.text != NULL ? st->say.text : "");
    if (r->opts.on_pause != NULL)
        r->opts.on_pause(r->opts.pause_ctx, st->say.text);
}

void
run_sleep_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    char t[32];

    (void)scheduled;
    now_str(r, t, sizeof(t));
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s", step_no, st->text);
    if (!r->opts.trace_shown)
        run_say(r, false, "[%10s] %s\n", t, st->text);
    run_until(r, r->sim.now_ns + st->sleep.duration_ns);
}

/* A host call: run it (a blocking call under `at` or with `&` goes on in
 * the background) and print its result. */
void
run_call_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    struct host *h = st->host >= 0 ? r->hosts[st->host] : NULL;
    char t[32], res[320];
    bool running = false;

    now_str(r, t, sizeof(t));
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s", step_no, st->text);
    int ret = step_call(r, st, step_no, st->background || scheduled, &running, res, sizeof(res));
    if (running) {
        if (r->opts.trace_shown)
            run_say(r, false, "%12s => %s\n", "", res);
        else
            run_say(r, false, "[%10s] %-50s => %s\n", t, st->text, res);
        return;
    }
    print_result(r, st, ret, res, false);
}

/* Run one statement now (in line, or because its `at` time came). */
static void
run_statement(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    const struct stmt_def *def = stmt_of_kind(st->kind);

    if (def != NULL && def->run != NULL)
        def->run(r, st, step_no, scheduled);
}

/* The callback of an `at` statement: its time has come. Blocking calls
 * become background jobs, so the world is never run from inside an event. */
static void
at_fire(struct sim *s, void *ctx)
{
    (void)s;
    struct scn_at *a = ctx;
    if (a->r->draining)
        return;  /* its time came after the script ended: reported as never run */
    a->ran = true;
    run_statement(a->r, a->st, a->step_no, true);
}

static void
schedule_at(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    char t[32];
    struct scn_at *a = calloc(1, sizeof(*a));
    bool grow = r->n_ats >= r->cap_ats;
    struct scn_at **na = !grow ? r->ats : realloc(r->ats, (r->cap_ats * 2 + 4) * sizeof(*na));
    if (a == NULL || na == NULL) {
        free(a);
        run_say(r, true, "%s:%u: out of memory scheduling this statement\n",
                r->scn->files[st->file], st->line);
        return;
    }
    /* The capacity grows whenever realloc ran, even when it grew the block
     * in place and handed back the same pointer. */
    if (grow) {
        r->ats = na;
        r->cap_ats = r->cap_ats * 2 + 4;
    }
    a->r = r;
    a->st = st;
    a->step_no = step_no;
    r->ats[r->n_ats++] = a;
    fmt_time(st->at_ns, t, sizeof(t));
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s (scheduled)",
             step_no, st->text);
    if (!r->opts.trace_shown) {
        char now[32];
        fmt_time(r->sim.now_ns, now, sizeof(now));
        run_say(r, false, "[%10s] %-50s => scheduled for %s s\n", now, st->text, t);
    }
    if (sim_schedule_call(&r->sim, st->at_ns, at_fire, a) < 0)
        run_say(r, true, "%s:%u: out of memory scheduling this statement\n",
                r->scn->files[st->file], st->line);
}

/* Connections of the world with data the peer has not acknowledged yet
 * (sent or still queued; a FIN alone does not count: no byte is lost
 * with it), and of those how many wait on a closed window (a peer
 * application that does not read: more time delivers nothing). */
static size_t
undelivered(const struct scn_runner *r, size_t *stalled)
{
    size_t n = 0;
    *stalled = 0;
    for (size_t i = 0; i < r->scn->n_hosts; i++) {
        for (const struct tcb *tp = r->hosts[i]->tcp.tcbs; tp != NULL; tp = tp->next) {
            bool open = tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT ||
                        tp->state == TCP_FIN_WAIT_1 || tp->state == TCP_CLOSING ||
                        tp->state == TCP_LAST_ACK;
            if (!open || tp->sndq.len == 0)
                continue;
            if (tp->snd_wnd == 0)
                (*stalled)++;
            else
                n++;
        }
    }
    return n;
}

/* The longest a connection can go on trying: R2 retransmissions of one
 * segment, each at most RTO_MAX apart [RFC 9293 3.8.3], on the host that
 * allows most. */
static uint64_t
drain_budget(const struct scn_runner *r)
{
    uint64_t most = 0;
    for (size_t i = 0; i < r->scn->n_hosts; i++) {
        const struct tcp_host *t = &r->hosts[i]->tcp;
        uint64_t b = ((uint64_t)t->retries2 + 1) * t->rto_max_ns;
        if (b > most)
            most = b;
    }
    return most;
}

/* At the end of the script the world runs on until every connection has
 * delivered what was sent (the peer acknowledged it, FIN included) or
 * failed, at most drain_budget(): so a run that says ok hides no data still
 * in flight. A connection whose peer's window is closed waits on that
 * peer's application, not on the network, and is not waited for. */
static void
drain(struct scn_runner *r)
{
    size_t stalled;
    if (r->drained)
        return;
    r->drained = true;
    if (undelivered(r, &stalled) == 0)
        return;
    char t0[32], t1[32];
    uint64_t start = r->sim.now_ns;
    uint64_t deadline = start + drain_budget(r);
    fmt_time(start, t0, sizeof(t0));
    r->draining = true;
    run_note(r, NULL, cause_call(CALL_NONE, 0),
             "the script ended at %s s with data not yet acknowledged: the world runs on "
             "until every connection delivers it or fails", t0);
    while (undelivered(r, &stalled) > 0) {
        if (r->sim.rt == NULL && sim_next_time(&r->sim) == UINT64_MAX)
            break;
        if (!sim_step_until(&r->sim, deadline) && r->sim.now_ns >= deadline)
            break;
    }
    r->draining = false;
    size_t left = undelivered(r, &stalled);
    fmt_time(r->sim.now_ns, t1, sizeof(t1));
    if (left > 0) {
        /* the bound was hit: not ok */
        r->expects_failed++;
        run_say(r, true, "%s: %zu connection%s still had data not acknowledged at %s s "
                "(the script ended at %s s; the world runs on at most (tcp.retries2 + 1) x "
                "tcp.rto_max after it)\n",
                r->scn->name, left, left == 1 ? "" : "s", t1, t0);
    } else {
        run_note(r, NULL, cause_call(CALL_NONE, 0), "every connection's data was acknowledged "
                 "(or the connection ended) by %s s", t1);
    }
}

bool
scn_runner_step(struct scn_runner *r)
{
    if (r->next_step >= r->scn->n_steps)
        return false;
    if (r->next_step == 0)
        run_start_ipv6(r);
    const struct scn_step *st = &r->scn->steps[r->next_step++];
    size_t step_no = r->next_step;
    if (st->has_at)
        schedule_at(r, st, step_no);
    else
        run_statement(r, st, step_no, false);
    ask_runner_settle(r, st);
    /* The last step drains the world (below), so every way of running a
     * lesson (run, the view, draw) sees the same events. On a real wire it
     * waits on the wall clock, so there only scn_runner_finish() does. */
    if (r->next_step == r->scn->n_steps && r->sim.rt == NULL)
        drain(r);
    return true;
}

size_t
scn_runner_next(const struct scn_runner *r)
{
    return r->next_step;
}

void
scn_runner_finish(struct scn_runner *r)
{
    char t[32];
    if (r->ended)
        return;
    r->ended = true;
    ask_runner_finish(r);
    fmt_time(r->sim.now_ns, t, sizeof(t));
    drain(r);
    for (size_t i = 0; i < r->scn->n_socks; i++) {
        struct scn_job *j = &r->jobs[i];
        if (!j->active)
            continue;
        run_say(r, false, "%s:%u: the background call '%s' was still waiting when the script "
                "ended at %s s\n", r->scn->files[j->st->file], j->st->line, j->st->text, t);
    }
    for (size_t i = 0; i < r->n_ats; i++) {
        const struct scn_at *a = r->ats[i];
        if (a->ran)
            continue;
        const struct stmt_def *def = stmt_of_kind(a->st->kind);
        bool is_expect = def != NULL && (def->where & STMT_CHECKS) != 0;
        if (is_expect)
            r->expects_failed++;
        run_say(r, is_expect, "%s:%u: %s: never ran, the script ended at %s s%s\n",
                r->scn->files[a->st->file], a->st->line, a->st->text, t,
                is_expect ? " (an expect that never ran fails)" : "");
    }
}

void
scn_runner_run(struct scn_runner *r)
{
    while (scn_runner_step(r))
        ;
    scn_runner_finish(r);
}

/* ------------------------------------------------------------------------ */
/* A world that goes on after the script: TAP devices, live statements. */

/* Events one poll runs at most, so a flooded wire cannot starve the view. */
#define SCN_POLL_EVENTS_MAX 4096u

bool
scn_runner_poll(struct scn_runner *r)
{
    if (r->sim.rt == NULL)
        return false;
    uint64_t before = r->sim.events_run;
    uint64_t now = realtime_now(r->sim.rt);
    for (unsigned i = 0; i < SCN_POLL_EVENTS_MAX && sim_step_until(&r->sim, now); i++)
        ;
    service_jobs(r);
    return r->sim.events_run != before;
}

uint64_t
scn_runner_next_due(const struct scn_runner *r)
{
    uint64_t next = sim_next_time(&r->sim);
    uint64_t jd = jobs_deadline(r);
    return jd < next ? jd : next;
}

/* diag holds the one error msg (a runner's "FILE:LINE:COL: error: ..."). */
static void
live_diag(struct scn_diag *diag, unsigned line, unsigned col, const char *msg)
{
    if (diag == NULL)
        return;
    memset(diag, 0, sizeof(*diag));
    diag->n_errors = 1;
    diag->n_kept = 1;
    diag->errors[0].line = line;
    diag->errors[0].col = col;
    snprintf(diag->errors[0].msg, sizeof(diag->errors[0].msg), "%s", msg);
    memcpy(diag->first, diag->errors[0].msg, sizeof(diag->first));
}

/* A per-name table of the runner grown from n_old to n_new entries (+1, as
 * scn_runner_init allocates them), the new ones zero; NULL without memory
 * (arr is then untouched). */
static void *
live_grow(void *arr, size_t n_old, size_t n_new, size_t el)
{
    if (n_new <= n_old)
        return arr;
    char *na = realloc(arr, (n_new + 1) * el);
    if (na != NULL)
        memset(na + (n_old + 1) * el, 0, (n_new - n_old) * el);
    return na;
}

/* arr = live_grow(arr, ...), or -1 leaving arr as it was. */
#define LIVE_GROW(arr, n_old, n_new)                                                       \
    ((grown = live_grow((arr), (n_old), (n_new), sizeof(*(arr)))) != NULL ? ((arr) = grown, 0) \
                                                                       : -1)

long
scn_runner_live(struct scn_runner *r, struct scenario *scn, const char *text, unsigned line,
                struct scn_diag *diag)
{
    char err[SCN_MSG_LEN];
    size_t n_steps = scn->n_steps, n_socks = scn->n_socks, n_dvars = scn->n_dvars;
    if (r->scn != scn || r->next_step < n_steps) {
        snprintf(err, sizeof(err), "%s:%u:1: error: the script is still running; a statement "
                 "from the command line runs after its last step", SCN_LIVE_FILE, line);
        live_diag(diag, line, 1, err);
        return -1;
    }
    /* The parser may move scn->steps: hold what points into it as indexes. */
    size_t *job_at = calloc(n_socks + r->n_ats + 1, sizeof(*job_at));
    if (job_at == NULL) {
        snprintf(err, sizeof(err), "%s: error: out of memory", SCN_LIVE_FILE);
        live_diag(diag, 0, 0, err);
        return -1;
    }
    size_t *at_at = job_at + n_socks;
    for (size_t i = 0; i < n_socks; i++)
        if (r->jobs[i].active)
            job_at[i] = (size_t)(r->jobs[i].st - scn->steps);
    for (size_t i = 0; i < r->n_ats; i++)
        at_at[i] = (size_t)(r->ats[i]->st - scn->steps);
    long k = scenario_parse_step(scn, text, line, diag);
    for (size_t i = 0; i < n_socks; i++)
        if (r->jobs[i].active)
            r->jobs[i].st = &scn->steps[job_at[i]];
    for (size_t i = 0; i < r->n_ats; i++)
        r->ats[i]->st = &scn->steps[at_at[i]];
    for (size_t i = 0; i < r->n_asks; i++)  /* questions still waiting */
        r->asks[i].st = &scn->steps[r->asks[i].step_no - 1];
    for (size_t i = 0; i < n_steps; i++)
        if (r->counts[i].filter != NULL)
            r->counts[i].filter = &scn->steps[i].expect.filter;
    free(job_at);
    if (k < 0)
        return -1;

    /* What the runner checks in a file before it runs, for this step. */
    const struct scn_step *st = &scn->steps[k];
    int bad = run_check_step(scn, st, err, sizeof(err));
    if (bad == 0)
        bad = run_check_counter(r, st, err, sizeof(err));
    void *grown;
    if (bad == 0 && (LIVE_GROW(r->sock_fd, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->sock_err, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->jobs, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->closed, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->values, n_dvars, scn->n_dvars) < 0 ||
                     LIVE_GROW(r->counts, n_steps, scn->n_steps) < 0)) {
        snprintf(err, sizeof(err), "%s: error: out of memory", SCN_LIVE_FILE);
        bad = -1;
    }
    if (bad < 0) {
        live_diag(diag, st->line, st->col, err);
        scenario_truncate(scn, n_steps, n_socks, n_dvars);
        return -1;
    }
    for (size_t i = n_socks; i < scn->n_socks; i++)
        r->sock_fd[i] = -1;
    scn_runner_step(r);
    return k;
}
