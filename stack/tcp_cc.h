/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_cc.h - congestion control behind a small interface [RFC 5681]
 * [RFC 6582] [RFC 9438].
 *
 * The loss-recovery state machine (duplicate ACK counting, fast retransmit on
 * the third duplicate ACK, fast recovery, RTO collapse) is common to every
 * algorithm and lives in tcp_cc.c; what an algorithm changes is small and sits
 * in `struct tcp_cc_ops`: how cwnd grows on an ACK, what ssthresh becomes on a
 * loss, whether there is fast recovery at all (Tahoe has none) and whether a
 * partial ACK keeps the sender in recovery (NewReno [RFC 6582 3.2]) or ends
 * it (Reno). Chosen per socket with TCP_CONGESTION; NewReno by default.
 * Called by: tcp_input.c (ACK processing), tcp_timer.c (RTO), tcp_user.c.
 */
#ifndef NETSTEP_STACK_TCP_CC_H
#define NETSTEP_STACK_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

struct tcb;

enum tcp_cc_algo {
    TCP_CC_TAHOE,    /* slow start, CA, fast retransmit; no fast recovery */
    TCP_CC_RENO,     /* [RFC 5681 3.2] fast recovery ends on the first new ACK */
    TCP_CC_NEWRENO,  /* [RFC 6582] partial ACKs stay in recovery (the default) */
    TCP_CC_CUBIC,    /* [RFC 9438] cubic window growth, beta 0.7 */
    TCP_CC_COUNT
};

struct tcp_cc_ops {
    const char *name;              /* "newreno", as TCP_CONGESTION names it */
    bool fast_recovery;            /* false: Tahoe collapses cwnd on a fast retransmit */
    bool partial_ack_recovery;     /* [RFC 6582 3.2 step 5] stay in recovery on a partial ACK */
    /* cwnd growth outside recovery for `acked` newly acknowledged bytes. */
    void (*cong_avoid)(struct tcb *tp, uint32_t acked);
    /* The new ssthresh after a loss is detected. */
    uint32_t (*ssthresh)(struct tcb *tp);
    /* A loss event happened (before ssthresh is asked); may be NULL. */
    void (*on_loss)(struct tcb *tp);
};

const struct tcp_cc_ops *tcp_cc_ops(enum tcp_cc_algo algo);
const char *tcp_cc_name(enum tcp_cc_algo algo);
/* The algorithm named (case-insensitive), or TCP_CC_COUNT. */
enum tcp_cc_algo tcp_cc_lookup(const char *name);

/* The initial window [RFC 6928 2]: min(10*MSS, max(2*MSS, 14600)). */
uint32_t tcp_cc_initial_window(uint32_t mss, unsigned iw_segs);

/* Set cwnd and ssthresh for a new connection (after the MSS is known). */
void tcp_cc_init(struct tcb *tp);
/* ACK processing: `acked` bytes of new data were acknowledged (snd_una moved
 * from old_una). Handles leaving recovery and partial ACKs. */
void tcp_cc_new_ack(struct tcb *tp, uint32_t old_una, uint32_t acked);
/* A duplicate ACK [RFC 5681 2] arrived. Counts it, fast-retransmits on the
 * third [RFC 5681 3.2 step 2], inflates cwnd after. */
void tcp_cc_dup_ack(struct tcb *tp);
/* The retransmission timer expired [RFC 5681 3.1 eq. 4] [RFC 6582 4]. */
void tcp_cc_rto(struct tcb *tp);
/* Bytes in flight as RFC 5681 defines FlightSize. */
uint32_t tcp_cc_flight_size(const struct tcb *tp);

#endif
