/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_timer.c - TCP's timers: retransmission [RFC 6298], persist
 * [RFC 9293 3.8.6.1] [RFC 1122 4.2.2.17], keep-alive [RFC 1122 4.2.3.6],
 * delayed ACK [RFC 1122 4.2.3.2] and TIME-WAIT [RFC 9293 3.6.1, 3.10.8].
 *
 * Each TCB holds a deadline per timer (0 = not armed); host_poll() calls
 * tcp_poll(), which fires every expired one, and host_next_deadline() asks
 * tcp_next_deadline() when to come back. No clock is read: "now" is
 * host->now_ns (docs/architecture.md, convention 10). The RTT estimator of RFC 6298 2 lives here
 * too, with Karn's rule [RFC 6298 3] applied by the sender (tcp_output.c stops
 * timing on any retransmission). The limits R1 and R2 [RFC 9293 3.8.3]
 * count retransmissions of one segment (tcb.rexmit_count, reset when
 * SND.UNA advances), apart from the back-off exponent (tcb.backoff, ended
 * only by a new RTT sample).
 * Called by: host_poll(), tcp_input.c, tcp_output.c, tcp_user.c.
 * Calls: tcp_output(), tcp_send_syn(), tcp_send_probe(), tcp_send_keepalive(),
 * tcp_send_ack(), tcp_cc_rto(), tcp_drop().
 */
#include "stack/tcp.h"

#include "stack/err.h"
#include "stack/host.h"
#include "stack/tcp_seq.h"

const char *
tcp_timer_name(enum tcp_timer_id t)
{
    static const char *const names[TCP_T_COUNT] = {
        [TCP_T_REXMT] = "rexmt",   [TCP_T_PERSIST] = "persist", [TCP_T_KEEPALIVE] = "keepalive",
        [TCP_T_DELACK] = "delack", [TCP_T_2MSL] = "2msl",       [TCP_T_LINGER] = "linger",
    };
    return (unsigned)t < TCP_T_COUNT ? names[t] : "?";
}

/* The one writer of timer_ns[]: keeps the host's cached earliest deadline
 * right. A timer that moves earlier can only lower it; the earliest one
 * stopped or moved later leaves it unknown until the next scan. */
static void
tcp_timer_set(struct tcb *tp, enum tcp_timer_id t, uint64_t at_ns)
{
    struct tcp_host *th = &tp->host->tcp;
    uint64_t old = tp->timer_ns[t];
    tp->timer_ns[t] = at_ns;
    if (!th->next_known)
        return;
    if (old != 0 && old == th->next_ns && (at_ns == 0 || at_ns > old))
        th->next_known = false;
    else if (at_ns != 0 && at_ns < th->next_ns)
        th->next_ns = at_ns;
}

void
tcp_timer_arm(struct tcb *tp, enum tcp_timer_id t, uint64_t after_ns)
{
    tcp_timer_set(tp, t, tp->host->now_ns + (after_ns > 0 ? after_ns : 1));
}

void
tcp_timer_stop(struct tcb *tp, enum tcp_timer_id t)
{
    tcp_timer_set(tp, t, 0);
}

bool
tcp_timer_armed(const struct tcb *tp, enum tcp_timer_id t)
{
    return tp->timer_ns[t] != 0;
}

uint64_t
tcp_rto_current(const struct tcb *tp)
{
    const struct tcp_host *th = &tp->host->tcp;
    uint64_t rto = tp->rto_ns;
    /* [RFC 6298 5.5] "The host MUST set RTO <- RTO * 2 ("back off the timer")" */
    for (unsigned i = 0; i < tp->backoff && rto < th->rto_max_ns; i++)
        rto *= 2;
    if (rto < th->rto_min_ns)
        rto = th->rto_min_ns;
    if (rto > th->rto_max_ns)
        rto = th->rto_max_ns;
    return rto;
}

void
tcp_rtt_sample(struct tcb *tp, uint64_t r)
{
    const struct tcp_host *th = &tp->host->tcp;
    /* Kept for the pictures: each measurement, not only its average. */
    tp->rtt_last_ns = r;
    tp->rtt_last_at_ns = tp->host->now_ns;
    tp->rtt_samples++;
    if (!tp->has_rtt) {
        /* [RFC 6298 2.2] SRTT <- R, RTTVAR <- R/2 */
        tp->srtt_ns = r;
        tp->rttvar_ns = r / 2;
        tp->has_rtt = true;
    } else {
        /* [RFC 6298 2.3] RTTVAR <- (1 - 1/4) * RTTVAR + 1/4 * |SRTT - R'|,
         * then SRTT <- (1 - 1/8) * SRTT + 1/8 * R', in that order. */
        uint64_t diff = tp->srtt_ns > r ? tp->srtt_ns - r : r - tp->srtt_ns;
        tp->rttvar_ns = (3 * tp->rttvar_ns + diff) / 4;
        tp->srtt_ns = (7 * tp->srtt_ns + r) / 8;
    }
    /* RTO <- SRTT + max (G, K*RTTVAR), K = 4, then [RFC 6298 2.4, 2.5] bounds. */
    uint64_t k_rttvar = 4 * tp->rttvar_ns;
    uint64_t rto = tp->srtt_ns + (k_rttvar > TCP_CLOCK_G_NS ? k_rttvar : TCP_CLOCK_G_NS);
    if (rto < th->rto_min_ns)
        rto = th->rto_min_ns;
    if (rto > th->rto_max_ns)
        rto = th->rto_max_ns;
    tp->rto_ns = rto;
    /* A new sample ends the back-off [RFC 6298 5.7 note; Karn]. */
    tp->backoff = 0;
}

void
tcp_rexmt_update(struct tcb *tp, bool restart)
{
    if (tp->snd_max == tp->snd_una) {
        /* [RFC 6298 5.2] "When all outstanding data has been acknowledged,
         * turn off the retransmission timer." */
        tcp_timer_stop(tp, TCP_T_REXMT);
        return;
    }
    if (tcp_timer_armed(tp, TCP_T_PERSIST))
        return;
    /* [RFC 6298 5.1] arm if not running; [RFC 6298 5.3] restart on an ACK
     * of new data. */
    if (restart || !tcp_timer_armed(tp, TCP_T_REXMT))
        tcp_timer_arm(tp, TCP_T_REXMT, tcp_rto_current(tp));
}

void
tcp_timewait_start(struct tcb *tp)
{
    for (int t = 0; t < TCP_T_COUNT; t++)
        tcp_timer_stop(tp, (enum tcp_timer_id)t);
    /* [RFC 9293 3.10.7.4 eighth] "Start the time-wait timer" for 2 MSL. */
    tcp_timer_arm(tp, TCP_T_2MSL, 2 * tp->host->tcp.msl_ns);
}

void
tcp_persist_check(struct tcb *tp)
{
    bool data_waiting = tcp_unsent(tp) > 0 ||
                        (seq_gt(tp->snd_max, tp->snd_una) && tp->snd_max - tp->snd_una <= 1 &&
                         tp->sndq.len > 0);
    if (tp->snd_wnd == 0 && data_waiting && seq_leq(tp->snd_max, tp->snd_una + 1)) {
        /* [RFC 9293 3.8.6.1] the window is zero and data waits: probe it. */
        tcp_timer_stop(tp, TCP_T_REXMT);
        if (!tcp_timer_armed(tp, TCP_T_PERSIST)) {
            tp->persist_shift = 0;
            tcp_timer_arm(tp, TCP_T_PERSIST, tcp_rto_current(tp));
        }
    } else if (tp->snd_wnd > 0 && tcp_timer_armed(tp, TCP_T_PERSIST)) {
        tcp_timer_stop(tp, TCP_T_PERSIST);
        tp->persist_shift = 0;
        tcp_rexmt_update(tp, false);
    }
}

/* ---- expiries ------------------------------------------------------------- */

static void tcp_persist_expired(struct tcb *tp);

static void
tcp_rexmt_expired(struct tcb *tp)
{
    struct tcp_host *th = &tp->host->tcp;
    bool syn = tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED;
    unsigned limit = syn ? th->syn_retries : th->retries2;
    if (tp->snd_max == tp->snd_una)
        return;
    /* [RFC 9293 3.8.3] R1 and R2 count "the number of transmissions of
     * the same segment" [RFC 1122 4.2.3.5]: rexmit_count, which progress
     * resets. The RTO's back-off exponent is another number, which only a
     * new RTT sample ends [RFC 6298 5.7]; after retransmissions Karn's rule
     * withholds those, so it cannot also be the count of a segment's
     * retries without killing connections that are making progress. */
    if (tp->rexmit_count >= limit) {
        /* R2 reached: "close the connection". */
        /* [RFC 1122 4.2.3.9] an ICMP soft error seen meanwhile is "made
         * available to the application" as the reason, else ETIMEDOUT. */
        int err = tp->soft_error != 0 ? tp->soft_error : ERR_TIMEDOUT;
        tcp_trace(tp, TRACE_TIMER, NULL, "RFC 9293 3.8.3",
                  "retransmission timer expired %u times for the same segment: give up "
                  "(%s)", tp->rexmit_count + 1, err_name(err));
        th->stats.timeouts++;
        if (syn && !tp->passive)
            th->stats.attempt_fails++;
        tcp_drop(tp, err, "RFC 1122 4.2.3.5");
        return;
    }
    if (tp->snd_wnd == 0 && !syn && tp->sndq.len > 0) {
        /* The peer closed its window on data in flight: nothing may be
         * retransmitted into it, so switch to probing [RFC 9293 3.8.6.1].
         * What was in flight beyond the closed window goes again from
         * SND.UNA when it opens: SND.NXT comes back (as BSD pulls snd_nxt
         * back to snd_una when the send window is zero). */
        tp->snd_nxt = tp->snd_una;
        tp->persist_shift = 0;
        tcp_persist_expired(tp);
        return;
    }
    uint64_t old = tcp_rto_current(tp);
    if (old < th->rto_max_ns)
        tp->backoff++;
    tp->rexmit_count++;
    if (tp->rexmit_count >= th->retries1 && !tp->r1_reported && !syn) {
        /* R1: "the TCP should notify the application" and "pass negative
         * advice to the IP layer" [RFC 9293 3.8.3]. Here the trace is the
         * notice (a BSD socket has no call to carry it, as on Linux), and
         * the advice changes nothing: one route per destination. */
        tp->r1_reported = true;
        th->stats.r1_reached++;
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 9293 3.8.3",
                  "R1: the segment at %u is retransmitted %u times: negative advice to IP; "
                  "the connection keeps trying until R2 (%u)", tp->snd_una, tp->rexmit_count,
                  limit);
    }
    tp->rto_timeouts++;
    th->stats.rto_timeouts++;
    /* [RFC 6298 3] Karn: no RTT sample from a retransmitted segment. */
    tp->rtt_timing = false;
    tcp_trace(tp, TRACE_TIMER, NULL, "RFC 6298 5.4",
              "retransmission timer expired after %llu ms: retransmit from snd_una, RTO backs "
              "off to %llu ms [RFC 6298 5.5]",
              (unsigned long long)(old / 1000000u),
              (unsigned long long)(tcp_rto_current(tp) / 1000000u));
    if (syn) {
        /* [RFC 6298 5.7] remembered: the RTO for data becomes 3 s. */
        tp->syn_rexmitted = true;
        tp->snd_nxt = tp->snd_una;
        tcp_send_syn(tp, TCP_WHY_RTO);
        tcp_timer_arm(tp, TCP_T_REXMT, tcp_rto_current(tp));
        return;
    }
    tcp_cc_rto(tp);
    /* [RFC 2018 8] the receiver may renege: forget what the peer SACKed. */
    tcp_sack_clear(tp);
    tp->snd_nxt = tp->snd_una;
    tcp_retransmit(tp, tp->snd_una, tp->mss, TCP_WHY_RTO);
    tp->snd_nxt = seq_max(tp->snd_nxt, tp->snd_una);
    /* [RFC 6298 5.6] start the timer with the backed-off RTO. */
    tcp_timer_arm(tp, TCP_T_REXMT, tcp_rto_current(tp));
}

static void
tcp_persist_expired(struct tcb *tp)
{
    uint64_t base = tcp_rto_current(tp);
    tcp_trace(tp, TRACE_TIMER, NULL, "RFC 9293 3.8.6.1",
              "persist timer: the peer's window is still zero; probe it with one byte");
    tcp_send_probe(tp);
    /* [RFC 1122 4.2.2.17] "SHOULD increase exponentially the interval between
     * successive probes"; never give up while the peer answers. */
    if (tp->persist_shift < 6)
        tp->persist_shift++;
    uint64_t next = base << tp->persist_shift;
    if (next > tp->host->tcp.rto_max_ns)
        next = tp->host->tcp.rto_max_ns;
    tcp_timer_arm(tp, TCP_T_PERSIST, next);
}

static void
tcp_keepalive_expired(struct tcb *tp)
{
    struct tcp_host *th = &tp->host->tcp;
    if (!tp->keepalive || (tp->state != TCP_ESTABLISHED && tp->state != TCP_CLOSE_WAIT))
        return;
    if (tp->keep_sent >= th->keep_cnt) {
        tcp_trace(tp, TRACE_TIMER, NULL, "RFC 1122 4.2.3.6",
                  "keep-alive: %u probes unanswered, the peer is gone (ETIMEDOUT)", tp->keep_sent);
        th->stats.keepalive_drops++;
        tcp_send_rst_tcb(tp, "RFC 1122 4.2.3.6", "keep-alive gave up");
        tcp_drop(tp, ERR_TIMEDOUT, "RFC 1122 4.2.3.6");
        return;
    }
    tcp_trace(tp, TRACE_TIMER, NULL, "RFC 1122 4.2.3.6",
              "keep-alive timer: idle for %llu s, probe %u of %u",
              (unsigned long long)((tp->host->now_ns - tp->last_rx_ns) / 1000000000u),
              tp->keep_sent + 1, th->keep_cnt);
    tcp_send_keepalive(tp);
    tp->keep_sent++;
    tcp_timer_arm(tp, TCP_T_KEEPALIVE, th->keep_intvl_ns);
}

static void
tcp_2msl_expired(struct tcb *tp)
{
    if (tp->state == TCP_TIME_WAIT) {
        tcp_trace(tp, TRACE_TIMER, NULL, "RFC 9293 3.10.8",
                  "TIME-WAIT: 2*MSL passed, delete the TCB");
        tcp_drop(tp, 0, "RFC 9293 3.10.8");
    } else if (tp->state == TCP_FIN_WAIT_2 && tp->fd < 0) {
        tcp_trace(tp, TRACE_TIMER, NULL, NULL,
                  "FIN-WAIT-2 of a closed socket: no FIN from the peer in time (tcp_fin_timeout)");
        tcp_drop(tp, 0, "RFC 9293 3.10.4");
    }
}

/* Fire timer t of tp. Returns false if tp was freed. */
static bool
tcp_timer_fire(struct tcb *tp, enum tcp_timer_id t)
{
    struct host *h = tp->host;
    static const enum timer_kind kinds[TCP_T_COUNT] = {
        [TCP_T_REXMT] = TIMER_TCP_REXMT,         [TCP_T_PERSIST] = TIMER_TCP_PERSIST,
        [TCP_T_KEEPALIVE] = TIMER_TCP_KEEPALIVE, [TCP_T_DELACK] = TIMER_TCP_DELACK,
        [TCP_T_2MSL] = TIMER_TCP_TIMEWAIT,       [TCP_T_LINGER] = TIMER_TCP_LINGER,
    };
    struct trace_cause saved = h->cause;
    host_set_cause(h, cause_timer(kinds[t]));
    bool alive = true;
    tcp_timer_stop(tp, t);
    switch (t) {
    case TCP_T_REXMT:
        tcp_rexmt_expired(tp);
        break;
    case TCP_T_PERSIST:
        tcp_persist_expired(tp);
        break;
    case TCP_T_KEEPALIVE:
        tcp_keepalive_expired(tp);
        break;
    case TCP_T_DELACK:
        tcp_trace(tp, TRACE_TIMER, NULL, "RFC 1122 4.2.3.2",
                  "delayed-ACK timer: acknowledge what arrived");
        h->tcp.stats.delayed_acks++;
        tcp_send_ack(tp, TCP_WHY_DELACK);
        break;
    case TCP_T_2MSL:
        tcp_2msl_expired(tp);
        break;
    case TCP_T_LINGER:
        /* The close() waiting on SO_LINGER may return now: the data and
         * the FIN go on as they would after a plain close. */
        tp->linger_expired = true;
        tcp_trace(tp, TRACE_TIMER, NULL, NULL,
                  "SO_LINGER time (%d s) ran out before the peer acknowledged everything: "
                  "close() returns EWOULDBLOCK, the connection carries on",
                  tp->linger_s);
        break;
    case TCP_T_COUNT:
        break;
    }
    /* Was tp freed? Look for it. */
    alive = false;
    for (struct tcb *c = h->tcp.tcbs; c != NULL; c = c->next)
        if (c == tp)
            alive = true;
    host_set_cause(h, saved);
    return alive;
}

void
tcp_poll(struct host *h)
{
    struct tcb *tp = h->tcp.tcbs;
    while (tp != NULL) {
        struct tcb *next = tp->next;
        bool alive = true;
        for (int t = 0; t < TCP_T_COUNT && alive; t++)
            if (tp->timer_ns[t] != 0 && tp->timer_ns[t] <= h->now_ns)
                alive = tcp_timer_fire(tp, (enum tcp_timer_id)t);
        tp = next;
    }
}

uint64_t
tcp_next_deadline(struct host *h)
{
    if (h->tcp.next_known)
        return h->tcp.next_ns;
    uint64_t best = UINT64_MAX;
    for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next)
        for (int t = 0; t < TCP_T_COUNT; t++)
            if (tp->timer_ns[t] != 0 && tp->timer_ns[t] < best)
                best = tp->timer_ns[t];
    h->tcp.next_ns = best;
    h->tcp.next_known = true;
    return best;
}
