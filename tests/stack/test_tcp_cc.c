/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_cc.c - congestion control by the numbers: initial window
 * [RFC 6928], slow start [RFC 5681 3.1], fast retransmit on the third
 * duplicate ACK and not the second [RFC 5681 3.2], NewReno recovering three
 * losses in one window without a timeout [RFC 6582], Tahoe, SACK-based
 * recovery [RFC 6675], limited transmit [RFC 3042].
 */
#include "tcp_test_util.h"

#define MSS 1460u

/* A fake receiver: takes bob's segments, loses those whose first byte is in
 * `lose` (first transmission only), answers each arrival with a cumulative
 * ACK (and SACK blocks when sack is on), until everything is acknowledged. */
struct rcvr {
    uint32_t base;          /* bob's ISS + 1 */
    uint8_t got[64 * 1460]; /* bytes received */
    size_t total;           /* bytes bob sends */
    uint32_t rcv_nxt;       /* cumulative ACK */
    uint32_t lost[8];       /* offsets lost once */
    unsigned n_lost;        /* entries */
    bool sack;              /* send SACK blocks */
};

static bool
lose_once(struct rcvr *r, uint32_t off)
{
    for (unsigned i = 0; i < r->n_lost; i++)
        if (r->lost[i] == off) {
            r->lost[i] = UINT32_MAX;
            return true;
        }
    return false;
}

static void
receive_all(struct rcvr *r, int rounds)
{
    for (int k = 0; k < rounds; k++) {
        struct th_seg s;
        bool any = false;
        while (th_take(w, HW_BOB, &s)) {
            any = true;
            if (s.len == 0)
                continue;
            uint32_t off = s.t.seq - r->base;
            if (lose_once(r, off))
                continue;
            for (size_t i = 0; i < s.len; i++)
                r->got[off + i] = 1;
            while (r->rcv_nxt < r->total && r->got[r->rcv_nxt])
                r->rcv_nxt++;
            struct tcp_hdr a = { .seq = PEER_ISS + 1, .ack = r->base + r->rcv_nxt,
                                 .flags = TCP_ACK, .wnd = 65535 };
            if (r->sack) {
                /* the block holding this segment */
                uint32_t l = off, rr = off + (uint32_t)s.len;
                while (l > 0 && r->got[l - 1])
                    l--;
                while (rr < r->total && r->got[rr])
                    rr++;
                if (l > r->rcv_nxt) {
                    a.opts.sack_count = 1;
                    a.opts.sack[0] = (struct tcp_sack_block){ r->base + l, r->base + rr };
                }
            }
            th_inject(w, HW_BOB, &a, NULL, 0);
        }
        if (r->rcv_nxt >= r->total)
            return;
        if (!any)
            hw_advance(w, 100 * TH_MS);
    }
}

START_TEST(test_initial_window_is_ten_segments)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, fd)->cwnd, 10 * MSS); /* min(10*MSS, max(2*MSS, 14600)) */
    bob_send(fd, 20 * MSS);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 10);
    ck_assert_uint_eq(tcp_cc_initial_window(536, 10), 10 * 536);
    ck_assert_uint_eq(tcp_cc_initial_window(8960, 10), 2 * 8960);
}
END_TEST

START_TEST(test_slow_start_grows_one_mss_per_ack_then_congestion_avoidance)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 20 * MSS);
    th_flush(w, HW_BOB);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    ck_assert_uint_eq(tp->cwnd, 11 * MSS); /* [RFC 5681 eq. 2] */
    tp->ssthresh = tp->cwnd;
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 2 * MSS, NULL, 0);
    ck_assert_uint_eq(tp->cwnd, 11 * MSS + MSS * MSS / (11 * MSS)); /* [RFC 5681 eq. 3] */
}
END_TEST

START_TEST(test_fast_retransmit_on_third_dup_ack_not_second)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 10 * MSS);
    th_flush(w, HW_BOB);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0); /* segment 2 is lost */
    th_flush(w, HW_BOB);
    uint32_t flight = tp->snd_max - tp->snd_una;
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0); /* two duplicates: nothing yet */
    ck_assert_uint_eq(tp->dupacks, 2);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.seq, iss + 1 + MSS);
    ck_assert_uint_eq(r.why, TCP_WHY_FAST_RETRANSMIT);
    ck_assert_uint_eq(tp->ssthresh, flight / 2);
    ck_assert_uint_eq(tp->cwnd, flight / 2 + 3 * MSS); /* [RFC 5681 3.2 step 3] */
    ck_assert(tp->in_recovery);
    ck_assert_uint_eq(counter("tcp.fast_retransmits"), 1);
    ck_assert_uint_eq(counter("tcp.dupacks"), 3);
}
END_TEST

/* [RFC 3042 2] Limited transmit: the first and the second duplicate ACK
 * each send one segment of new data (cwnd unchanged); the third starts fast
 * retransmit as before. */
START_TEST(test_limited_transmit_sends_new_data_on_first_two_dup_acks)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 20 * MSS);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 10);
    th_flush(w, HW_BOB);
    uint32_t cwnd = tp->cwnd;
    for (unsigned k = 0; k < 2; k++) {
        peer(TCP_ACK, PEER_ISS + 1, iss + 1, NULL, 0);
        struct th_seg s = take();
        ck_assert_uint_eq(s.t.seq, iss + 1 + (10 + k) * MSS);
        ck_assert_uint_eq(s.len, MSS);
        ck_assert_uint_eq(s.why, TCP_WHY_LIMITED_TRANSMIT);
        ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
        ck_assert_uint_eq(tp->cwnd, cwnd);
    }
    peer(TCP_ACK, PEER_ISS + 1, iss + 1, NULL, 0);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.seq, iss + 1);
    ck_assert_uint_eq(r.why, TCP_WHY_FAST_RETRANSMIT);
    /* FlightSize counted the two limited-transmit segments [RFC 3042 2]. */
    ck_assert_uint_eq(tp->ssthresh, 12 * MSS / 2);
}
END_TEST

/* Limited transmit stays within cwnd + 2*SMSS and the peer's window: with
 * the window full, a duplicate ACK sends nothing. */
START_TEST(test_limited_transmit_respects_the_peer_window)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 10 * MSS, NULL, &iss);
    bob_send(fd, 20 * MSS);
    th_flush(w, HW_BOB);
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1, 10 * MSS, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
}
END_TEST

static void
three_losses(enum tcp_cc_algo algo, bool sack, uint64_t *rto, uint64_t *fr)
{
    struct tcp_opts o = { .has_mss = true, .mss = MSS, .sack_permitted = sack };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    tp->cc_algo = algo;
    static struct rcvr r;
    memset(&r, 0, sizeof(r));
    r.base = iss + 1;
    r.total = 30 * MSS;
    r.sack = sack;
    r.lost[0] = 2 * MSS;
    r.lost[1] = 5 * MSS;
    r.lost[2] = 8 * MSS;
    r.n_lost = 3;
    bob_send(fd, r.total);
    receive_all(&r, 400);
    ck_assert_uint_eq(r.rcv_nxt, r.total);
    ck_assert_uint_eq(tp->snd_una, iss + 1 + r.total);
    *rto = tp->rto_timeouts;
    *fr = tp->fast_retransmits;
}

START_TEST(test_newreno_recovers_three_losses_in_one_window_without_rto)
{
    uint64_t rto, fr;
    three_losses(TCP_CC_NEWRENO, false, &rto, &fr);
    ck_assert_uint_eq(rto, 0);
    ck_assert_uint_eq(fr, 1); /* one fast retransmit, then partial ACKs */
}
END_TEST

START_TEST(test_sack_recovers_three_losses_without_rto)
{
    uint64_t rto, fr;
    three_losses(TCP_CC_NEWRENO, true, &rto, &fr);
    ck_assert_uint_eq(rto, 0);
    ck_assert_uint_eq(fr, 1);
    ck_assert_uint_ge(counter("tcp.sack_retransmits"), 2);
}
END_TEST

START_TEST(test_tahoe_collapses_to_one_segment_on_fast_retransmit)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_TCP_CONGESTION, TCP_CC_TAHOE), 0);
    bob_send(fd, 10 * MSS);
    th_flush(w, HW_BOB);
    for (int i = 0; i < 4; i++)
        peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    ck_assert_uint_eq(tp->cwnd, MSS);
    ck_assert(!tp->in_recovery);
    ck_assert_str_eq(tcp_cc_name(TCP_CC_CUBIC), "cubic");
    ck_assert_int_eq(tcp_cc_lookup("Reno"), TCP_CC_RENO);
}
END_TEST

/* The window's remaining duplicates after Tahoe's fast retransmit are not
 * news of another loss: one retransmission, ssthresh set once. */
START_TEST(test_tahoe_retransmits_once_for_a_window_of_duplicates)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_TCP_CONGESTION, TCP_CC_TAHOE), 0);
    bob_send(fd, 10 * MSS);
    th_flush(w, HW_BOB);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    for (int i = 0; i < 9; i++)
        peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    ck_assert_uint_eq(tp->fast_retransmits, 1);
    ck_assert_uint_eq(tp->cwnd, MSS);
    th_flush(w, HW_BOB);
    /* a new ACK ends the episode: slow start from one segment, and a later
     * third duplicate is a new loss */
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 2 * MSS, NULL, 0);
    ck_assert_uint_eq(tp->cwnd, 2 * MSS);
    for (int i = 0; i < 3; i++)
        peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 2 * MSS, NULL, 0);
    ck_assert_uint_eq(tp->fast_retransmits, 2);
}
END_TEST

START_TEST(test_tahoe_recovers_three_losses_in_one_window_without_rto)
{
    uint64_t rto, fr;
    three_losses(TCP_CC_TAHOE, false, &rto, &fr);
    ck_assert_uint_eq(rto, 0);
}
END_TEST

/* After Tahoe's fast retransmit, slow start sends again from snd_una; those
 * segments go because of the duplicate ACKs, not a timeout, and say so. */
START_TEST(test_tahoe_resends_after_fast_retransmit_name_it)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_TCP_CONGESTION, TCP_CC_TAHOE), 0);
    bob_send(fd, 10 * MSS);
    th_flush(w, HW_BOB);
    for (int i = 0; i < 4; i++)
        peer(TCP_ACK, PEER_ISS + 1, iss + 1 + MSS, NULL, 0);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.seq, iss + 1 + MSS);
    ck_assert_uint_eq(r.why, TCP_WHY_FAST_RETRANSMIT);
    th_flush(w, HW_BOB);
    /* the retransmission is acknowledged: cwnd 2, the next two go again */
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 2 * MSS, NULL, 0);
    ck_assert_uint_ge(th_pending(w, HW_BOB), 1);
    for (int k = 0; th_pending(w, HW_BOB) > 0; k++) {
        r = take();
        ck_assert_uint_eq(r.t.seq, iss + 1 + (uint32_t)(2 + k) * MSS);
        ck_assert_msg(r.why == TCP_WHY_FAST_RETRANSMIT, "resend %d says why %d", k, (int)r.why);
    }
    ck_assert_uint_eq(tp->rto_timeouts, 0);
}
END_TEST

START_TEST(test_cubic_transfer_completes_and_grows)
{
    uint64_t rto, fr;
    three_losses(TCP_CC_CUBIC, false, &rto, &fr);
    ck_assert_uint_eq(rto, 0);
}
END_TEST

static Suite *
tcp_cc_suite(void)
{
    Suite *s = suite_create("tcp_cc");
    TCase *tc = tcase_create("rfc5681_6582_6675");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_initial_window_is_ten_segments);
    tcase_add_test(tc, test_slow_start_grows_one_mss_per_ack_then_congestion_avoidance);
    tcase_add_test(tc, test_fast_retransmit_on_third_dup_ack_not_second);
    tcase_add_test(tc, test_limited_transmit_sends_new_data_on_first_two_dup_acks);
    tcase_add_test(tc, test_limited_transmit_respects_the_peer_window);
    tcase_add_test(tc, test_newreno_recovers_three_losses_in_one_window_without_rto);
    tcase_add_test(tc, test_sack_recovers_three_losses_without_rto);
    tcase_add_test(tc, test_tahoe_collapses_to_one_segment_on_fast_retransmit);
    tcase_add_test(tc, test_tahoe_retransmits_once_for_a_window_of_duplicates);
    tcase_add_test(tc, test_tahoe_recovers_three_losses_in_one_window_without_rto);
    tcase_add_test(tc, test_tahoe_resends_after_fast_retransmit_name_it);
    tcase_add_test(tc, test_cubic_transfer_completes_and_grows);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp_cc_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
