/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_input.c - segment arrival [RFC 9293 3.10.7.4] checks by name:
 * acceptability, RFC 5961 blind RST / SYN / data protections and the
 * challenge-ACK rate limit, PAWS [RFC 7323 5.3], out-of-order data with SACK
 * blocks [RFC 2018] and D-SACK [RFC 2883], and sequence numbers that wrap
 * past 2^32, the ACKs a closed receive window still takes; and the send
 * ring's copy-and-checksum.
 */
#include "tcp_test_util.h"

#include "stack/tcp.h"
#include "stack/wire/checksum.h"

START_TEST(test_rst_at_rcv_nxt_resets_but_in_window_gets_challenge_ack)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_RST, PEER_ISS + 100, 0, NULL, 0); /* in window, not RCV.NXT */
    ck_assert_int_eq(th_tcb(w, HW_BOB, fd)->state, TCP_ESTABLISHED);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.flags, TCP_ACK);
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 1);
    ck_assert_uint_eq(a.why, TCP_WHY_CHALLENGE_ACK);
    ck_assert_uint_eq(counter("tcp.challenge_acks"), 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_RST_IN_WINDOW), 1);
}
END_TEST

START_TEST(test_rst_out_of_window_is_dropped_silently)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_RST, PEER_ISS + 10000000, 0, NULL, 0);
    ck_assert_int_eq(th_tcb(w, HW_BOB, fd)->state, TCP_ESTABLISHED);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_RST_OUT_OF_WINDOW), 1);
}
END_TEST

START_TEST(test_syn_on_established_gets_challenge_ack)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_SYN, PEER_ISS + 1, 0, NULL, 0);
    ck_assert_int_eq(th_tcb(w, HW_BOB, fd)->state, TCP_ESTABLISHED);
    struct th_seg a = take();
    ck_assert_uint_eq(a.why, TCP_WHY_CHALLENGE_SYN); /* cites [RFC 5961 4.2], not 3.2 */
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_SYN_IN_WINDOW), 1);
}
END_TEST

START_TEST(test_ack_of_unsent_data_is_dropped_with_challenge_ack)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 50000, "evil", 4);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, fd)->rcv_nxt, PEER_ISS + 1); /* data not taken */
    struct th_seg a = take();
    ck_assert_uint_eq(a.why, TCP_WHY_CHALLENGE_BAD_ACK); /* cites [RFC 5961 5.2] */
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_BAD_ACK), 1);
}
END_TEST

START_TEST(test_challenge_acks_are_rate_limited)
{
    BOB(w)->tcp.challenge_ack_limit = 2;
    uint32_t iss;
    th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    for (int i = 0; i < 5; i++)
        peer(TCP_RST, PEER_ISS + 10 + (uint32_t)i, 0, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 2);
    ck_assert_uint_eq(counter("tcp.challenge_limited"), 3);
    th_flush(w, HW_BOB);
    hw_advance(w, TH_S); /* a new second */
    peer(TCP_RST, PEER_ISS + 10, 0, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 1);
}
END_TEST

START_TEST(test_segment_beyond_window_is_not_acceptable_and_acked)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    uint32_t wnd = th_tcb(w, HW_BOB, fd)->rcv_wnd;
    peer(TCP_ACK, PEER_ISS + 1 + wnd + 10, iss + 1, "x", 1);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_OUT_OF_WINDOW), 1);
}
END_TEST

/* bob's window closed: his application reads nothing, 4096 bytes fill
 * SO_RCVBUF. bob sends 1000 bytes of his own. Returns bob's fd. */
static int
bob_window_closed_with_data_out(uint32_t *iss)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 4);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), lfd, SOCK_OPT_RCVBUF, 4096), 0);
    int fd = th_passive_open(w, lfd, PEER_ISS, 65535, NULL, iss);
    static uint8_t seg[1460];
    peer(TCP_ACK, PEER_ISS + 1, *iss + 1, seg, 1460);
    peer(TCP_ACK, PEER_ISS + 1461, *iss + 1, seg, 1460);
    peer(TCP_ACK, PEER_ISS + 2921, *iss + 1, seg, 1176);
    hw_advance(w, 200 * TH_MS);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, fd)->rcv_wnd, 0);
    th_flush(w, HW_BOB);
    bob_send(fd, 1000);
    struct th_seg d = take();
    ck_assert_uint_eq(d.t.seq, *iss + 1);
    ck_assert_uint_eq(d.len, 1000);
    th_flush(w, HW_BOB);
    return fd;
}

/* [RFC 9293 3.10.7.4] "If the RCV.WND is zero, no segments will be
 * acceptable, but special allowance should be made to accept valid ACKs":
 * after a 1-byte zero-window probe the peer's SND.NXT is RCV.NXT + 1, so
 * its pure ACKs are not acceptable to the closed window; their ACK field
 * must still move SND.UNA, or bob's own data stalls until ETIMEDOUT. */
START_TEST(test_zero_window_still_takes_the_ack_of_a_pure_ack_past_rcv_nxt)
{
    uint32_t iss;
    int fd = bob_window_closed_with_data_out(&iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    peer(TCP_ACK, PEER_ISS + 4097, iss + 1, "p", 1); /* the probe: refused */
    ck_assert_uint_eq(tp->rcv_nxt, PEER_ISS + 4097);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 4097);
    ck_assert_uint_eq(a.t.wnd, 0);
    th_flush(w, HW_BOB);
    ck_assert_uint_eq(tp->snd_una, iss + 1);
    peer(TCP_ACK, PEER_ISS + 4098, iss + 1001, NULL, 0); /* SEG.SEQ = RCV.NXT + 1 */
    ck_assert_uint_eq(tp->snd_una, iss + 1001);
    ck_assert_uint_eq(tp->rcv_nxt, PEER_ISS + 4097);
    ck_assert_int_eq(tp->state, TCP_ESTABLISHED);
}
END_TEST

/* The same allowance for a probe that carries the ACK: its byte is refused
 * (the window is zero) and answered with an ACK saying so, its ACK field
 * taken. An ACK of data never sent is still refused [RFC 5961 5.2]. */
START_TEST(test_zero_window_probe_byte_is_refused_but_its_ack_is_taken)
{
    uint32_t iss;
    int fd = bob_window_closed_with_data_out(&iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    peer(TCP_ACK, PEER_ISS + 4097, iss + 501, "p", 1);
    ck_assert_uint_eq(tp->snd_una, iss + 501);
    ck_assert_uint_eq(tp->rcv_nxt, PEER_ISS + 4097);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 4097);
    ck_assert_uint_eq(a.t.wnd, 0);
    th_flush(w, HW_BOB);
    peer(TCP_ACK, PEER_ISS + 4098, iss + 50000, NULL, 0);
    ck_assert_uint_eq(tp->snd_una, iss + 501);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_BAD_ACK), 1);
}
END_TEST

START_TEST(test_old_duplicate_data_is_dropped_and_acked)
{
    uint32_t iss;
    th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "abcd", 4);
    th_flush(w, HW_BOB);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "abcd", 4);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 5);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_DUPLICATE), 1);
}
END_TEST

START_TEST(test_out_of_order_data_gets_immediate_dup_ack_with_sack_block)
{
    struct tcp_opts o = { .has_mss = true, .mss = 1460, .sack_permitted = true };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    ck_assert(th_tcb(w, HW_BOB, fd)->sack_ok);
    peer(TCP_ACK, PEER_ISS + 101, iss + 1, "later", 5);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 1);
    ck_assert_uint_eq(a.t.opts.sack_count, 1);
    ck_assert_uint_eq(a.t.opts.sack[0].left, PEER_ISS + 101);
    ck_assert_uint_eq(a.t.opts.sack[0].right, PEER_ISS + 106);
    /* The gap fills: everything is acknowledged at once. */
    static uint8_t gap[100];
    peer(TCP_ACK, PEER_ISS + 1, iss + 1, gap, sizeof(gap));
    a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 106);
    ck_assert_uint_eq(a.t.opts.sack_count, 0);
    hw_enter(w);
    uint8_t buf[200];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 105);
    ck_assert_int_eq(memcmp(buf + 100, "later", 5), 0);
}
END_TEST

START_TEST(test_paws_drops_an_old_timestamp)
{
    struct tcp_opts o = { .has_mss = true, .mss = 1460, .has_ts = true, .ts_val = 1000 };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    ck_assert(tp->ts_ok);
    struct tcp_hdr t = { .seq = PEER_ISS + 1, .ack = iss + 1, .flags = TCP_ACK, .wnd = 65535,
                         .opts = { .has_ts = true, .ts_val = 999, .ts_ecr = 0 } };
    th_inject(w, HW_BOB, &t, "old", 3);
    ck_assert_uint_eq(tp->rcv_nxt, PEER_ISS + 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_PAWS), 1);
    t.opts.ts_val = 1001;
    th_inject(w, HW_BOB, &t, "new", 3);
    ck_assert_uint_eq(tp->rcv_nxt, PEER_ISS + 4);
}
END_TEST

START_TEST(test_closed_port_answers_rst_ack_for_syn)
{
    struct tcp_hdr t = { .seq = 77, .flags = TCP_SYN, .wnd = 1000, .dport = 9 };
    th_inject(w, HW_BOB, &t, NULL, 0);
    struct th_seg r = take();
    /* [RFC 9293 3.10.7.1] <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
    ck_assert_uint_eq(r.t.flags, TCP_RST | TCP_ACK);
    ck_assert_uint_eq(r.t.seq, 0);
    ck_assert_uint_eq(r.t.ack, 78);
    /* and a RST is never answered */
    struct tcp_hdr rst = { .seq = 1, .flags = TCP_RST, .dport = 9 };
    th_inject(w, HW_BOB, &rst, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
}
END_TEST

START_TEST(test_sequence_numbers_wrap_past_2_32)
{
    w->host[HW_ALICE].tcp.iss_fixed = true;
    w->host[HW_ALICE].tcp.iss_value = 0xfffffc00u;
    BOB(w)->tcp.iss_fixed = true;
    BOB(w)->tcp.iss_value = 0xffffff00u;
    int afd, bfd;
    th_pair(w, &afd, &bfd);
    struct host *a = &w->host[HW_ALICE];
    static uint8_t out[8000], in[8000];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 7);
    hw_enter(w);
    ck_assert_int_eq(sock_send(a, afd, out, sizeof(out)), (int)sizeof(out));
    ck_assert_int_eq(sock_send(BOB(w), bfd, out, sizeof(out)), (int)sizeof(out));
    th_run(w, TH_S);
    hw_enter(w);
    ck_assert_int_eq(sock_recv(BOB(w), bfd, in, sizeof(in)), (int)sizeof(in));
    ck_assert_int_eq(memcmp(in, out, sizeof(in)), 0);
    ck_assert_int_eq(sock_recv(a, afd, in, sizeof(in)), (int)sizeof(in));
    ck_assert_int_eq(memcmp(in, out, sizeof(in)), 0);
    struct tcb *ta = th_tcb(w, HW_ALICE, afd);
    ck_assert_uint_lt(ta->snd_una, 0x10000u); /* wrapped */
    ck_assert_uint_eq(ta->snd_una, 0xfffffc00u + 1 + 8000);
    ck_assert_uint_eq(ta->retransmits, 0);
}
END_TEST

/* [RFC 2883 4] D-SACK: a duplicate below the cumulative ACK is reported as
 * the first SACK block of the ACK it draws, once; a segment that repeats
 * part of what arrived has that part reported; without SACK, nothing. */
START_TEST(test_dsack_reports_an_old_duplicate_once)
{
    struct tcp_opts o = { .has_mss = true, .mss = 1460, .sack_permitted = true };
    uint32_t iss;
    th_active_open(w, PEER_ISS, 65535, &o, &iss);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "abcd", 4);
    th_flush(w, HW_BOB);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "abcd", 4);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 5);
    ck_assert_uint_eq(a.t.opts.sack_count, 1);
    ck_assert_uint_eq(a.t.opts.sack[0].left, PEER_ISS + 1);
    ck_assert_uint_eq(a.t.opts.sack[0].right, PEER_ISS + 5);
    /* Part old, part new: the old part is the D-SACK. */
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 3, iss + 1, "cdefgh", 6);
    while (th_pending(w, HW_BOB) > 1)
        take();
    a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 9);
    ck_assert_uint_eq(a.t.opts.sack_count, 1);
    ck_assert_uint_eq(a.t.opts.sack[0].left, PEER_ISS + 3);
    ck_assert_uint_eq(a.t.opts.sack[0].right, PEER_ISS + 5);
    /* Reported once: the next ACK (the delayed one) carries no block. */
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 9, iss + 1, "ij", 2);
    hw_advance(w, 300 * TH_MS);
    while (th_pending(w, HW_BOB) > 1)
        take();
    a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 11);
    ck_assert_uint_eq(a.t.opts.sack_count, 0);
}
END_TEST

/* [RFC 2883 4 (2)] A duplicate of data held out of order: the D-SACK block
 * first, then the block that holds it. */
START_TEST(test_dsack_of_held_data_is_followed_by_its_block)
{
    struct tcp_opts o = { .has_mss = true, .mss = 1460, .sack_permitted = true };
    uint32_t iss;
    th_active_open(w, PEER_ISS, 65535, &o, &iss);
    peer(TCP_ACK, PEER_ISS + 101, iss + 1, "later", 5);
    peer(TCP_ACK, PEER_ISS + 201, iss + 1, "after", 5);
    th_flush(w, HW_BOB);
    peer(TCP_ACK, PEER_ISS + 101, iss + 1, "later", 5);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 1);
    ck_assert_uint_ge(a.t.opts.sack_count, 2);
    ck_assert_uint_eq(a.t.opts.sack[0].left, PEER_ISS + 101);
    ck_assert_uint_eq(a.t.opts.sack[0].right, PEER_ISS + 106);
    ck_assert_uint_eq(a.t.opts.sack[1].left, PEER_ISS + 101);
    ck_assert_uint_eq(a.t.opts.sack[1].right, PEER_ISS + 106);
}
END_TEST

/* Without SACK-permitted on the connection no block is ever sent. */
START_TEST(test_no_dsack_without_sack)
{
    uint32_t iss;
    th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "abcd", 4);
    th_flush(w, HW_BOB);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "abcd", 4);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 5);
    ck_assert_uint_eq(a.t.opts.sack_count, 0);
}
END_TEST

/* [RFC 9293 3.10.7.4 eighth] A FIN that arrives alone beyond a gap, after
 * two held blocks, is kept with the block it follows: once the gaps fill,
 * the FIN is acknowledged with the data (it was lost when it was compared
 * with the first block only, and the sender had to resend it). */
START_TEST(test_bare_fin_beyond_two_held_blocks_is_acknowledged_when_gaps_fill)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    static uint8_t d[300];
    peer(TCP_ACK, PEER_ISS + 101, iss + 1, d, 5);   /* held: [100, 105) */
    peer(TCP_ACK, PEER_ISS + 201, iss + 1, d, 5);   /* held: [200, 205) */
    peer(TCP_ACK | TCP_FIN, PEER_ISS + 206, iss + 1, NULL, 0);
    th_flush(w, HW_BOB);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1, d, 100);
    peer(TCP_ACK, PEER_ISS + 106, iss + 1, d, 95);
    struct th_seg a = { 0 };
    while (th_pending(w, HW_BOB) > 0)
        a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 207); /* 205 bytes and the FIN */
    ck_assert_str_eq(tcp_state_name(th_tcb(w, HW_BOB, fd)->state), "CLOSE_WAIT");
}
END_TEST

/* [RFC 9293 3.1] An in-order segment damaged in flight is dropped on its
 * checksum, although the receiver copies its data into the receive buffer
 * while summing it: none of those bytes is delivered or acknowledged, and
 * the undamaged copy that follows is delivered exactly. */
START_TEST(test_damaged_in_order_segment_is_dropped_and_not_delivered)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    static const char good[] = "the quick brown fox";
    struct tcp_hdr t = { .seq = PEER_ISS + 1, .ack = iss + 1, .flags = TCP_ACK | TCP_PSH,
                         .wnd = 65535 };
    th_inject_damaged(w, HW_BOB, &t, good, sizeof(good), 4);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_BAD_CSUM), 1);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0); /* not acknowledged */
    ck_assert_uint_eq(th_tcb(w, HW_BOB, fd)->rcv_nxt, PEER_ISS + 1);
    uint8_t buf[64];
    hw_enter(w);
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), -ERR_AGAIN);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, good, sizeof(good));
    hw_enter(w);
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), (int)sizeof(good));
    ck_assert_int_eq(memcmp(buf, good, sizeof(good)), 0);
}
END_TEST

/* The sender sums a segment's data as it copies it out of the send ring:
 * wherever the ring wraps (at an odd offset too, splitting a 16-bit word),
 * the sum and the bytes are those of the data in order. */
START_TEST(test_ring_peek_csum_matches_the_data_across_the_wrap)
{
    struct tcp_ring r = { 0 };
    ck_assert_int_eq(tcp_ring_alloc(&r, 64), 0);
    uint8_t data[64], out[64];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 37 + 11);
    for (size_t head = 0; head < 64; head++) {
        /* Put the ring's oldest byte at `head`, then fill it. */
        r.head = head;
        r.len = 0;
        ck_assert_uint_eq(tcp_ring_write(&r, data, 64), 64);
        for (size_t off = 0; off < 64; off += 5)
            for (size_t n = 0; off + n <= 64; n += 3) {
                memset(out, 0, sizeof(out));
                uint32_t s = tcp_ring_peek_csum(&r, off, out, n);
                ck_assert_int_eq(memcmp(out, data + off, n), 0);
                ck_assert_uint_eq(csum_finish(s), csum_compute(data + off, n));
            }
    }
    tcp_ring_free(&r);
}
END_TEST

static Suite *
tcp_input_suite(void)
{
    Suite *s = suite_create("tcp_input");
    TCase *tc = tcase_create("rfc9293_3_10_7_4");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rst_at_rcv_nxt_resets_but_in_window_gets_challenge_ack);
    tcase_add_test(tc, test_rst_out_of_window_is_dropped_silently);
    tcase_add_test(tc, test_syn_on_established_gets_challenge_ack);
    tcase_add_test(tc, test_ack_of_unsent_data_is_dropped_with_challenge_ack);
    tcase_add_test(tc, test_challenge_acks_are_rate_limited);
    tcase_add_test(tc, test_segment_beyond_window_is_not_acceptable_and_acked);
    tcase_add_test(tc, test_zero_window_still_takes_the_ack_of_a_pure_ack_past_rcv_nxt);
    tcase_add_test(tc, test_zero_window_probe_byte_is_refused_but_its_ack_is_taken);
    tcase_add_test(tc, test_old_duplicate_data_is_dropped_and_acked);
    tcase_add_test(tc, test_out_of_order_data_gets_immediate_dup_ack_with_sack_block);
    tcase_add_test(tc, test_paws_drops_an_old_timestamp);
    tcase_add_test(tc, test_closed_port_answers_rst_ack_for_syn);
    tcase_add_test(tc, test_sequence_numbers_wrap_past_2_32);
    tcase_add_test(tc, test_damaged_in_order_segment_is_dropped_and_not_delivered);
    tcase_add_test(tc, test_bare_fin_beyond_two_held_blocks_is_acknowledged_when_gaps_fill);
    tcase_add_test(tc, test_dsack_reports_an_old_duplicate_once);
    tcase_add_test(tc, test_dsack_of_held_data_is_followed_by_its_block);
    tcase_add_test(tc, test_no_dsack_without_sack);
    suite_add_tcase(s, tc);
    TCase *ring = tcase_create("rings");
    tcase_add_test(ring, test_ring_peek_csum_matches_the_data_across_the_wrap);
    suite_add_tcase(s, ring);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp_input_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
