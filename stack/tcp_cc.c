/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_cc.c - congestion control: slow start, congestion avoidance, fast
 * retransmit and fast recovery [RFC 5681], NewReno's partial ACKs [RFC 6582],
 * the initial window [RFC 6928], and the four algorithms behind tcp_cc_ops:
 * Tahoe, Reno, NewReno (the default) and CUBIC [RFC 9438].
 *
 * The recovery state machine is common: the third duplicate ACK (not the
 * second) triggers fast retransmit [RFC 5681 3.2 step 2]; Tahoe then starts
 * over from one segment, the others enter fast recovery. With SACK the
 * recovery follows [RFC 6675 5] (tcp_output.c sends by pipe) instead of
 * inflating cwnd.
 * Called by: tcp_input.c (ACKs), tcp_timer.c (RTO), tcp_user.c (connect).
 * Calls: tcp_retransmit(), tcp_output(), tcp_rexmt_update(), tcp_trace().
 */
#include "stack/tcp_cc.h"

#include <strings.h>

#include "stack/host.h"
#include "stack/tcp.h"
#include "stack/tcp_seq.h"

uint32_t
tcp_cc_flight_size(const struct tcb *tp)
{
    return tp->snd_max - tp->snd_una;
}

uint32_t
tcp_cc_initial_window(uint32_t mss, unsigned iw_segs)
{
    if (iw_segs == 10) {
        /* [RFC 6928 2] "min (10*MSS, max (2*MSS, 14600))" */
        uint32_t a = 2 * mss > 14600 ? 2 * mss : 14600;
        return 10 * mss < a ? 10 * mss : a;
    }
    return (iw_segs > 0 ? iw_segs : 1) * mss;
}

/* ---- Reno's growth, shared by Tahoe, Reno and NewReno ------------------- */

static void
reno_cong_avoid(struct tcb *tp, uint32_t acked)
{
    uint32_t mss = tp->mss;
    if (tp->cwnd < tp->ssthresh) {
        /* [RFC 5681 3.1 eq. 2] slow start: cwnd += min (N, SMSS) */
        tp->cwnd += acked < mss ? acked : mss;
    } else {
        /* [RFC 5681 3.1 eq. 3] congestion avoidance: cwnd += SMSS*SMSS/cwnd */
        uint32_t inc = (uint32_t)((uint64_t)mss * mss / tp->cwnd);
        tp->cwnd += inc > 0 ? inc : 1;
    }
}

static uint32_t
reno_ssthresh(struct tcb *tp)
{
    /* [RFC 5681 3.1 eq. 4] ssthresh = max (FlightSize / 2, 2*SMSS) */
    uint32_t half = tcp_cc_flight_size(tp) / 2;
    return half > 2u * tp->mss ? half : 2u * tp->mss;
}

/* ---- CUBIC [RFC 9438] ------------------------------------------------------ */

#define CUBIC_C    0.4  /* [RFC 9438 5] C */
#define CUBIC_BETA 0.7  /* [RFC 9438 4.6] beta_cubic */

/* Cube root by Newton's method (the stack links no libm). */
static double
cubic_cbrt(double x)
{
    if (x <= 0)
        return 0;
    double r = x > 1 ? x / 3 : 1;
    for (int i = 0; i < 60; i++)
        r = r - (r * r * r - x) / (3 * r * r);
    return r;
}

static void
cubic_on_loss(struct tcb *tp)
{
    /* [RFC 9438 4.7] fast convergence: a flow whose W_max shrinks releases
     * bandwidth for newcomers. */
    if (tp->cwnd < tp->cubic_w_max)
        tp->cubic_w_max = (uint32_t)(tp->cwnd * (1.0 + CUBIC_BETA) / 2.0);
    else
        tp->cubic_w_max = tp->cwnd;
    tp->cubic_epoch_ns = 0;
}

static uint32_t
cubic_ssthresh(struct tcb *tp)
{
    /* [RFC 9438 4.6] ssthresh = flight_size * beta_cubic, at least 2 segments */
    uint32_t s = (uint32_t)(tcp_cc_flight_size(tp) * CUBIC_BETA);
    return s > 2u * tp->mss ? s : 2u * tp->mss;
}

static void
cubic_cong_avoid(struct tcb *tp, uint32_t acked)
{
    if (tp->cwnd < tp->ssthresh) {
        reno_cong_avoid(tp, acked);
        return;
    }
    double mss = tp->mss;
    uint64_t now = tp->host->now_ns;
    if (tp->cubic_epoch_ns == 0) {
        /* [RFC 9438 4.2] a new congestion-avoidance epoch: K from W_max. */
        tp->cubic_epoch_ns = now;
        if (tp->cubic_w_max < tp->cwnd)
            tp->cubic_w_max = tp->cwnd;
        double wmax = tp->cubic_w_max / mss;
        double k = cubic_cbrt(wmax * (1 - CUBIC_BETA) / CUBIC_C);
        tp->cubic_k_ns = (uint64_t)(k * 1e9);
        tp->cubic_w_est = tp->cwnd;
    }
    double rtt = tp->srtt_ns > 0 ? (double)tp->srtt_ns : 100e6;
    double t = (double)(now - tp->cubic_epoch_ns + (uint64_t)rtt) / 1e9 - (double)tp->cubic_k_ns / 1e9;
    /* [RFC 9438 4.2 eq. 1] W_cubic(t) = C*(t - K)^3 + W_max, in segments */
    double target = (CUBIC_C * t * t * t + tp->cubic_w_max / mss) * mss;
    double cwnd = tp->cwnd;
    if (target < cwnd)
        target = cwnd;
    if (target > 1.5 * cwnd)
        target = 1.5 * cwnd;
    /* [RFC 9438 4.3] the Reno-friendly estimate W_est, alpha = 3(1-b)/(1+b) */
    double alpha = 3.0 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA);
    tp->cubic_w_est += (uint32_t)(alpha * mss * acked / cwnd);
    double inc = (target - cwnd) * acked / cwnd;
    uint32_t next = tp->cwnd + (uint32_t)inc;
    if (tp->cubic_w_est > next)
        next = tp->cubic_w_est;
    tp->cwnd = next > tp->cwnd ? next : tp->cwnd + 1;
}

static const struct tcp_cc_ops tcp_cc_table[TCP_CC_COUNT] = {
    [TCP_CC_TAHOE] = { "tahoe", false, false, reno_cong_avoid, reno_ssthresh, NULL },
    [TCP_CC_RENO] = { "reno", true, false, reno_cong_avoid, reno_ssthresh, NULL },
    [TCP_CC_NEWRENO] = { "newreno", true, true, reno_cong_avoid, reno_ssthresh, NULL },
    [TCP_CC_CUBIC] = { "cubic", true, true, cubic_cong_avoid, cubic_ssthresh, cubic_on_loss },
};

const struct tcp_cc_ops *
tcp_cc_ops(enum tcp_cc_algo algo)
{
    return &tcp_cc_table[(unsigned)algo < TCP_CC_COUNT ? algo : TCP_CC_NEWRENO];
}

const char *
tcp_cc_name(enum tcp_cc_algo algo)
{
    return (unsigned)algo < TCP_CC_COUNT ? tcp_cc_table[algo].name : "?";
}

enum tcp_cc_algo
tcp_cc_lookup(const char *name)
{
    for (int i = 0; i < TCP_CC_COUNT; i++)
        if (strcasecmp(name, tcp_cc_table[i].name) == 0)
            return (enum tcp_cc_algo)i;
    return TCP_CC_COUNT;
}

/* ---- the recovery state machine -------------------------------------------- */

void
tcp_cc_init(struct tcb *tp)
{
    tp->cwnd = tcp_cc_initial_window(tp->mss, tp->host->tcp.iw_segs);
    tp->ssthresh = UINT32_MAX;
    tp->dupacks = 0;
    tp->in_recovery = false;
    /* [RFC 6582 3.2 step 1] "recover is initialized to the initial send sequence number" */
    tp->recover = tp->iss;
    tp->cubic_w_max = 0;
    tp->cubic_epoch_ns = 0;
}

void
tcp_cc_dup_ack(struct tcb *tp)
{
    const struct tcp_cc_ops *ops = tcp_cc_ops(tp->cc_algo);
    tp->dupacks++;
    tp->dupacks_rx++;
    tp->host->tcp.stats.dupacks++;
    if (tp->in_recovery) {
        if (!tp->sack_ok) {
            /* [RFC 5681 3.2 step 4] inflate: one more segment left the network */
            tp->cwnd += tp->mss;
        }
        tcp_output(tp, TCP_WHY_RECOVERY);
        return;
    }
    if (tp->dupacks > TCP_DUPTHRESH && !ops->fast_recovery) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 5681 3.2",
                  "duplicate ACK %u for %u: already retransmitted; no fast recovery (%s) waits "
                  "for a new ACK", tp->dupacks, tp->snd_una, ops->name);
        return;
    }
    if (tp->dupacks != TCP_DUPTHRESH) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 5681 3.2",
                  "duplicate ACK %u for %u: fast retransmit waits for the third", tp->dupacks,
                  tp->snd_una);
        /* [RFC 3042 2] the first two duplicates each let one new segment
         * out, so a small window still yields the third duplicate. */
        if (tp->dupacks < TCP_DUPTHRESH)
            tcp_send_limited(tp);
        return;
    }
    if (ops->partial_ack_recovery && !seq_gt(tp->snd_una, tp->recover)) {
        /* [RFC 6582 3.2 step 2] the ACK does not cover more than recover:
         * these duplicates are from the previous episode. */
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 6582 3.2",
                  "third duplicate ACK, but it does not cover recover (%u): no fast retransmit",
                  tp->recover);
        return;
    }
    if (ops->on_loss != NULL)
        ops->on_loss(tp);
    tp->ssthresh = ops->ssthresh(tp);
    tp->recover = tp->snd_max;
    tp->fast_retransmits++;
    tp->host->tcp.stats.fast_retransmits++;
    tcp_trace(tp, TRACE_NOTE, NULL, "RFC 5681 3.2",
              "third duplicate ACK: fast retransmit of %u, ssthresh = %u (%s)", tp->snd_una,
              tp->ssthresh, ops->name);
    if (!ops->fast_recovery) {
        /* Tahoe: no fast recovery; one segment, then slow start again.
         * dupacks keeps counting until a new ACK resets it, so the rest of
         * the window's duplicates (the receiver still holds the hole) do not
         * trigger another fast retransmit of the same segment, as in 4.3BSD
         * Tahoe, where only the threshold'th duplicate retransmits. */
        tp->cwnd = tp->mss;
        tp->snd_nxt = tp->snd_una;
        tp->resend_after_fr = true;
        tcp_retransmit(tp, tp->snd_una, tp->mss, TCP_WHY_FAST_RETRANSMIT);
        return;
    }
    tp->in_recovery = true;
    tp->partial_seen = false;
    tp->high_rxt = tp->snd_una;
    tp->rescue_sent = false; /* [RFC 6675 4] RescueRxt undefined on entry */
    tcp_retransmit(tp, tp->snd_una, tp->mss, TCP_WHY_FAST_RETRANSMIT);
    if (tp->sack_ok) {
        /* [RFC 6675 5 step 4] cwnd = ssthresh; pipe decides what goes. */
        tp->high_rxt = tp->snd_una + tp->mss;
        tp->cwnd = tp->ssthresh;
    } else {
        /* [RFC 5681 3.2 step 3] cwnd = ssthresh + 3*SMSS */
        tp->cwnd = tp->ssthresh + 3u * tp->mss;
    }
    tcp_output(tp, TCP_WHY_RECOVERY);
}

void
tcp_cc_new_ack(struct tcb *tp, uint32_t old_una, uint32_t acked)
{
    const struct tcp_cc_ops *ops = tcp_cc_ops(tp->cc_algo);
    (void)old_una;
    if (tp->in_recovery) {
        if (seq_geq(tp->snd_una, tp->recover) || !ops->partial_ack_recovery) {
            /* [RFC 6582 3.2 step 3] full ACK: cwnd = min (ssthresh,
             * max (FlightSize, SMSS) + SMSS); [RFC 5681 3.2 step 6] Reno
             * deflates to ssthresh on any new ACK. */
            uint32_t flight = tcp_cc_flight_size(tp);
            uint32_t c = (flight > tp->mss ? flight : tp->mss) + tp->mss;
            tp->cwnd = ops->partial_ack_recovery && c < tp->ssthresh ? c : tp->ssthresh;
            tp->in_recovery = false;
            tp->dupacks = 0;
            tcp_trace(tp, TRACE_NOTE, NULL, ops->partial_ack_recovery ? "RFC 6582 3.2" : "RFC 5681 3.2",
                      "%s: fast recovery ends, cwnd = %u",
                      seq_geq(tp->snd_una, tp->recover) ? "full ACK" : "new ACK (Reno)", tp->cwnd);
            return;
        }
        /* [RFC 6582 3.2 step 4] partial ACK: retransmit the first
         * unacknowledged segment, deflate cwnd by the amount acked, add back
         * one SMSS if that was at least one SMSS. */
        if (tp->sack_ok) {
            tp->partial_ack = true; /* the rescue retransmission may go [RFC 6675 4] */
            tcp_output(tp, TCP_WHY_RECOVERY);
            tp->partial_ack = false;
        } else {
            tcp_retransmit(tp, tp->snd_una, tp->mss, TCP_WHY_RECOVERY);
            tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : tp->mss;
            if (acked >= tp->mss)
                tp->cwnd += tp->mss;
        }
        if (!tp->partial_seen) {
            /* [RFC 6582 3.2 step 5] reset the timer on the first partial ACK */
            tp->partial_seen = true;
            tcp_rexmt_update(tp, true);
        }
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 6582 3.2",
                  "partial ACK (%u < recover %u): stay in fast recovery, retransmit %u",
                  tp->snd_una, tp->recover, tp->snd_una);
        return;
    }
    tp->dupacks = 0;
    tcp_cc_ops(tp->cc_algo)->cong_avoid(tp, acked);
}

void
tcp_cc_rto(struct tcb *tp)
{
    const struct tcp_cc_ops *ops = tcp_cc_ops(tp->cc_algo);
    /* [RFC 5681 3.1] eq. 4 on the first retransmission; later expiries of
     * the same segment keep ssthresh. */
    if (tp->rexmit_count <= 1) {
        if (ops->on_loss != NULL)
            ops->on_loss(tp);
        tp->ssthresh = ops->ssthresh(tp);
    }
    /* "cwnd MUST be set to no more than the loss window, LW, which equals
     * 1 full-sized segment" */
    tp->cwnd = tp->mss;
    tp->in_recovery = false;
    tp->dupacks = 0;
    /* [RFC 6582 4] recover = HighData after a timeout */
    tp->recover = tp->snd_max;
    tp->cubic_epoch_ns = 0;
    tp->resend_after_fr = false;
}
