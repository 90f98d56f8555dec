/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_timers.c - the retransmission timer [RFC 6298] (arithmetic,
 * back-off, Karn, 3 s after a lost SYN), delayed ACK [RFC 1122 4.2.3.2],
 * Nagle [RFC 1122 4.2.3.4], zero window and persist [RFC 9293 3.8.6.1]
 * (a refused probe's byte goes again when the window opens, and the answers
 * to probes are not duplicate ACKs), window updates after a read.
 */
#include "tcp_test_util.h"

START_TEST(test_rto_arithmetic_rfc6298)
{
    BOB(w)->tcp.rto_min_ns = 200 * TH_MS;
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    tp->has_rtt = false;
    tcp_rtt_sample(tp, 100 * TH_MS);
    /* [RFC 6298 2.2] SRTT = R, RTTVAR = R/2, RTO = SRTT + 4*RTTVAR */
    ck_assert_uint_eq(tp->srtt_ns, 100 * TH_MS);
    ck_assert_uint_eq(tp->rttvar_ns, 50 * TH_MS);
    ck_assert_uint_eq(tp->rto_ns, 300 * TH_MS);
    tcp_rtt_sample(tp, 200 * TH_MS);
    /* [RFC 6298 2.3] RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5; SRTT = 112.5 */
    ck_assert_uint_eq(tp->rttvar_ns, 62500000u);
    ck_assert_uint_eq(tp->srtt_ns, 112500000u);
    ck_assert_uint_eq(tp->rto_ns, 112500000u + 250000000u);
    /* [RFC 6298 2.4] rounded up to the minimum */
    BOB(w)->tcp.rto_min_ns = TH_S;
    tcp_rtt_sample(tp, 1 * TH_MS);
    ck_assert_uint_eq(tp->rto_ns, TH_S);
}
END_TEST

START_TEST(test_lost_syn_retransmits_at_1s_then_backs_off_and_data_rto_is_3s)
{
    hw_enter(w);
    int fd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { HW_ALICE_ADDR, TH_PEER_PORT };
    ck_assert_int_eq(sock_connect(BOB(w), fd, &to), -ERR_INPROGRESS);
    struct th_seg syn = take();
    hw_advance(w, TH_S - 1);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    hw_advance(w, 1); /* [RFC 6298 2.1] initial RTO 1 s */
    struct th_seg again = take();
    ck_assert_uint_eq(again.t.flags, TCP_SYN);
    ck_assert_uint_eq(again.t.seq, syn.t.seq);
    ck_assert_uint_eq(again.why, TCP_WHY_RTO);
    hw_advance(w, 2 * TH_S - 1);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    hw_advance(w, 1); /* [RFC 6298 5.5] doubled */
    take();
    struct tcp_hdr sa = { .seq = PEER_ISS, .ack = syn.t.seq + 1, .flags = TCP_SYN | TCP_ACK,
                          .wnd = 65535, .dport = syn.t.sport,
                          .opts = { .has_mss = true, .mss = 1460 } };
    th_inject(w, HW_BOB, &sa, NULL, 0);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    ck_assert_int_eq(tp->state, TCP_ESTABLISHED);
    /* [RFC 6298 5.7] no sample (Karn), SYN retransmitted: RTO 3 s */
    ck_assert(!tp->has_rtt);
    ck_assert_uint_eq(tcp_rto_current(tp), 3 * TH_S);
}
END_TEST

START_TEST(test_data_rto_backs_off_and_collapses_cwnd)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 4 * 1460);
    for (int i = 0; i < 4; i++)
        take();
    hw_advance(w, TH_S);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.seq, iss + 1);
    ck_assert_uint_eq(r.why, TCP_WHY_RTO);
    ck_assert_uint_eq(tp->cwnd, 1460); /* [RFC 5681 3.1] LW = 1 SMSS */
    ck_assert_uint_eq(tp->ssthresh, 2 * 1460); /* max(FlightSize/2, 2*SMSS) */
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    hw_advance(w, 2 * TH_S);
    take();
    hw_advance(w, 4 * TH_S);
    take();
    ck_assert_uint_eq(tp->rto_timeouts, 3);
    ck_assert_uint_eq(counter("tcp.rto_timeouts"), 3);
    ck_assert_uint_eq(tcp_rto_current(tp), 8 * TH_S);
    /* The ACK arrives: Karn, no sample from a retransmitted segment. */
    uint64_t srtt = tp->srtt_ns;
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 1460, NULL, 0);
    ck_assert_uint_eq(tp->srtt_ns, srtt);
}
END_TEST

/* [RFC 9293 3.8.3] R2 counts retransmissions of one segment. Every segment
 * here is lost once and arrives when retransmitted: SND.UNA advances each
 * time, but Karn's rule gives no RTT sample, so the RTO stays backed off.
 * Twenty such segments (more than R2 = 15 expiries in all) must not end the
 * connection. */
START_TEST(test_progress_resets_the_retransmission_count_not_the_backoff)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    uint32_t acked = iss + 1;
    for (int i = 0; i < 20; i++) {
        bob_send(fd, 1000);
        struct th_seg first = take();
        ck_assert_uint_eq(first.t.seq, acked);
        hw_advance(w, tcp_rto_current(tp)); /* first transmission lost */
        struct th_seg again = take();
        ck_assert_uint_eq(again.why, TCP_WHY_RTO);
        ck_assert_uint_eq(tp->rexmit_count, 1);
        acked += (uint32_t)again.len;
        peer(TCP_ACK, PEER_ISS + 1, acked, NULL, 0);
        ck_assert_uint_eq(tp->snd_una, acked);
        ck_assert_uint_eq(tp->rexmit_count, 0); /* progress */
        ck_assert_uint_gt(tp->backoff, 0);      /* no sample: still backed off */
        th_flush(w, HW_BOB);
    }
    ck_assert_uint_eq(tp->rto_timeouts, 20);
    ck_assert_int_eq(tp->state, TCP_ESTABLISHED);
    ck_assert_uint_eq(BOB(w)->tcp.stats.timeouts, 0);
}
END_TEST

/* One segment never acknowledged: R1 is said once after retries1
 * retransmissions, and R2 ends the connection with ETIMEDOUT after retries2. */
START_TEST(test_the_same_segment_lost_r2_times_gives_up_after_r1_notice)
{
    uint32_t iss;
    BOB(w)->tcp.retries2 = 5;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 1000);
    take();
    for (unsigned i = 1; i <= 5; i++) {
        hw_advance(w, tcp_rto_current(tp));
        ck_assert_uint_eq(take().why, TCP_WHY_RTO);
        ck_assert_uint_eq(tp->rexmit_count, i);
        ck_assert_uint_eq(BOB(w)->tcp.stats.r1_reached, i >= TCP_RETRIES1_DEFAULT ? 1 : 0);
    }
    ck_assert_uint_eq(BOB(w)->tcp.stats.timeouts, 0);
    hw_advance(w, tcp_rto_current(tp));
    ck_assert_uint_eq(BOB(w)->tcp.stats.timeouts, 1);
    uint8_t b[8];
    ck_assert_int_eq(sock_recv(BOB(w), fd, b, sizeof(b)), -ERR_TIMEDOUT);
}
END_TEST

START_TEST(test_delayed_ack_waits_200ms_for_one_segment_not_for_two)
{
    uint32_t iss;
    th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    static uint8_t seg[1460];
    peer(TCP_ACK, PEER_ISS + 1, iss + 1, seg, 100);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    hw_advance(w, 200 * TH_MS - 1);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    hw_advance(w, 1);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 101);
    ck_assert_uint_eq(a.why, TCP_WHY_DELACK);
    /* [RFC 1122 4.2.3.2] at least every second full-sized segment */
    peer(TCP_ACK, PEER_ISS + 101, iss + 1, seg, 1460);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    peer(TCP_ACK, PEER_ISS + 1561, iss + 1, seg, 1460);
    a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 3021);
}
END_TEST

START_TEST(test_nagle_holds_a_small_segment_until_the_ack_and_nodelay_does_not)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    bob_send(fd, 1);
    take();
    bob_send(fd, 1);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0); /* held: data in flight */
    peer(TCP_ACK, PEER_ISS + 1, iss + 2, NULL, 0);
    struct th_seg s = take();
    ck_assert_uint_eq(s.len, 1);
    ck_assert_uint_eq(s.t.seq, iss + 2);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_TCP_NODELAY, 1), 0);
    bob_send(fd, 1);
    take();
    bob_send(fd, 1);
    take(); /* sent at once */
}
END_TEST

START_TEST(test_zero_window_then_persist_probes_with_backoff)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 1000);
    take();
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1001, 0, NULL, 0); /* ACKed, window 0 */
    bob_send(fd, 500);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    ck_assert(tcp_timer_armed(tp, TCP_T_PERSIST));
    ck_assert(!tcp_timer_armed(tp, TCP_T_REXMT));
    hw_advance(w, TH_S);
    struct th_seg p1 = take();
    ck_assert_uint_eq(p1.len, 1);
    ck_assert_uint_eq(p1.t.seq, iss + 1001);
    ck_assert_uint_eq(p1.why, TCP_WHY_PERSIST);
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1001, 0, NULL, 0);
    hw_advance(w, 2 * TH_S); /* backed off */
    struct th_seg p2 = take();
    ck_assert_uint_eq(p2.t.seq, iss + 1001);
    ck_assert_uint_eq(counter("tcp.window_probes"), 2);
    /* The window opens: the rest goes. */
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1002, 4000, NULL, 0);
    struct th_seg d = take();
    ck_assert_uint_eq(d.t.seq, iss + 1002);
    ck_assert_uint_eq(d.len, 499);
    ck_assert(!tcp_timer_armed(tp, TCP_T_PERSIST));
}
END_TEST

START_TEST(test_refused_probes_leave_no_hole_and_no_fast_retransmit)
{
    /* The receiver refuses each 1-byte probe (its window is 0) and answers
     * with its ACK only [RFC 9293 3.10.7.4]. The probe's byte is not part
     * of the flight: SND.NXT stays at SND.UNA [RFC 9293 3.8.6.1], so when
     * the window opens the byte goes again at the head of the first
     * segment, with no one-byte hole for the receiver to hold the rest out
     * of order behind. The answers to probes report no loss: no duplicate
     * ACKs, no fast retransmit into the closed window, ssthresh unchanged. */
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    bob_send(fd, 1000);
    take();
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1001, 0, NULL, 0); /* ACKed, window 0 */
    bob_send(fd, 3000);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    uint32_t ssthresh = tp->ssthresh;
    for (unsigned i = 0; i < 3; i++) {
        hw_advance(w, TH_S << i); /* 1 s, then backed off: 2 s, 4 s */
        struct th_seg p = take();
        ck_assert_uint_eq(p.why, TCP_WHY_PERSIST);
        ck_assert_uint_eq(p.t.seq, iss + 1001);
        ck_assert_uint_eq(p.len, 1);
        ck_assert_uint_eq(tp->snd_nxt, iss + 1001);
        ck_assert_uint_eq(tp->snd_max, iss + 1002);
        peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1001, 0, NULL, 0); /* refused */
        ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    }
    ck_assert_uint_eq(counter("tcp.window_probes"), 3);
    ck_assert_uint_eq(counter("tcp.dupacks"), 0);
    ck_assert_uint_eq(counter("tcp.fast_retransmits"), 0);
    /* The window opens, the probe's byte still unacknowledged: two full
     * segments go from SND.UNA, back to back (Nagle holds the last 80
     * bytes until they are acknowledged [RFC 1122 4.2.3.4]). */
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 1001, 4000, NULL, 0);
    uint32_t next = iss + 1001;
    struct th_seg d;
    while (th_take(w, HW_BOB, &d)) {
        ck_assert_uint_eq(d.t.seq, next);
        ck_assert_uint_eq(d.len, TH_MSS);
        ck_assert_uint_ne(d.why, TCP_WHY_RTO);
        ck_assert_uint_ne(d.why, TCP_WHY_FAST_RETRANSMIT);
        next += (uint32_t)d.len;
    }
    ck_assert_uint_eq(next, iss + 1001 + 2 * TH_MSS);
    ck_assert(!tcp_timer_armed(tp, TCP_T_PERSIST));
    ck_assert(tcp_timer_armed(tp, TCP_T_REXMT));
    /* The peer takes them in order; the rest follows at once. */
    peer_wnd(TCP_ACK, PEER_ISS + 1, next, 4000, NULL, 0);
    d = take();
    ck_assert_uint_eq(d.t.seq, next);
    ck_assert_uint_eq(d.len, 3000 - 2 * TH_MSS);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    peer_wnd(TCP_ACK, PEER_ISS + 1, iss + 4001, 4000, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(tp->snd_una, iss + 4001);
    ck_assert_uint_eq(counter("tcp.dupacks"), 0);
    ck_assert_uint_eq(counter("tcp.fast_retransmits"), 0);
    ck_assert_uint_eq(tp->ssthresh, ssthresh);
    ck_assert(!tp->in_recovery);
}
END_TEST

START_TEST(test_receiver_advertises_zero_window_then_updates_after_read)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 4);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), lfd, SOCK_OPT_RCVBUF, 4096), 0);
    uint32_t iss;
    int fd = th_passive_open(w, lfd, PEER_ISS, 65535, NULL, &iss);
    static uint8_t seg[4096];
    peer(TCP_ACK, PEER_ISS + 1, iss + 1, seg, 1460);
    peer(TCP_ACK, PEER_ISS + 1461, iss + 1, seg, 1460);
    peer(TCP_ACK, PEER_ISS + 2921, iss + 1, seg, 1176);
    hw_advance(w, 200 * TH_MS); /* the delayed ACK says: window 0 */
    struct th_seg a;
    struct th_seg last = { 0 };
    while (th_take(w, HW_BOB, &a))
        last = a;
    ck_assert_uint_eq(last.t.ack, PEER_ISS + 4097);
    ck_assert_uint_eq(last.t.wnd, 0);
    hw_enter(w);
    uint8_t buf[4096];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 4096);
    struct th_seg u = take();
    ck_assert_uint_eq(u.why, TCP_WHY_WINDOW_UPDATE);
    ck_assert_uint_eq(u.t.wnd, 4096);
}
END_TEST

static Suite *
tcp_timers_suite(void)
{
    Suite *s = suite_create("tcp_timers");
    TCase *tc = tcase_create("timers_and_flow");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rto_arithmetic_rfc6298);
    tcase_add_test(tc, test_lost_syn_retransmits_at_1s_then_backs_off_and_data_rto_is_3s);
    tcase_add_test(tc, test_data_rto_backs_off_and_collapses_cwnd);
    tcase_add_test(tc, test_progress_resets_the_retransmission_count_not_the_backoff);
    tcase_add_test(tc, test_the_same_segment_lost_r2_times_gives_up_after_r1_notice);
    tcase_add_test(tc, test_delayed_ack_waits_200ms_for_one_segment_not_for_two);
    tcase_add_test(tc, test_nagle_holds_a_small_segment_until_the_ack_and_nodelay_does_not);
    tcase_add_test(tc, test_zero_window_then_persist_probes_with_backoff);
    tcase_add_test(tc, test_refused_probes_leave_no_hole_and_no_fast_retransmit);
    tcase_add_test(tc, test_receiver_advertises_zero_window_then_updates_after_read);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp_timers_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
