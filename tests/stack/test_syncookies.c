/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_syncookies.c - SYN flood defence [RFC 4987 3.6]: when a listener's
 * SYN queue is full, SYNs are answered with cookies and no state; an ACK
 * returning a valid cookie opens the connection (MSS from the cookie, no
 * window scale, SACK or timestamps); a forged or stale one does not; with
 * tcp.syncookies off the SYN is dropped; a full accept queue still drops.
 * And a real client connects at once while spoofed SYNs flood the server.
 * listen()'s backlog is clamped to somaxconn.
 */
#include "tcp_test_util.h"

#define FLOOD_BACKLOG 16

/* The fake peer (alice's address) sends a SYN from port sport with ISN iss
 * and MSS 1460; returns bob's answer, or fails if there is none. */
static struct th_seg
syn_from(uint16_t sport, uint32_t iss)
{
    struct tcp_hdr t = { .sport = sport, .dport = TH_PORT, .seq = iss, .flags = TCP_SYN,
                         .wnd = 65535 };
    t.opts.has_mss = true;
    t.opts.mss = 1460;
    th_inject(w, HW_BOB, &t, NULL, 0);
    return take();
}

static void
ack_from(uint16_t sport, uint32_t seq, uint32_t ack, const void *data, size_t len)
{
    struct tcp_hdr t = { .sport = sport, .dport = TH_PORT, .seq = seq, .ack = ack,
                         .flags = TCP_ACK | (len > 0 ? TCP_PSH : 0), .wnd = 65535 };
    th_inject(w, HW_BOB, &t, data, len);
}

static size_t
tcb_count(struct host *h)
{
    size_t n = 0;
    for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next)
        n++;
    return n;
}

/* Fill the SYN queue: FLOOD_BACKLOG half-open connections. */
static int
listener_with_full_syn_queue(void)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, FLOOD_BACKLOG);
    for (uint16_t i = 0; i < FLOOD_BACKLOG; i++) {
        struct th_seg sa = syn_from((uint16_t)(20000 + i), 1000u * i);
        ck_assert_uint_eq(sa.t.flags, TCP_SYN | TCP_ACK);
    }
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_sent, 0);
    return lfd;
}

START_TEST(test_full_syn_queue_answers_with_cookies_and_keeps_no_state)
{
    listener_with_full_syn_queue();
    size_t tcbs = tcb_count(BOB(w));
    for (uint16_t i = 0; i < 200; i++) {
        struct th_seg sa = syn_from((uint16_t)(30000 + i), 77u * i);
        ck_assert_uint_eq(sa.t.flags, TCP_SYN | TCP_ACK);
        ck_assert_uint_eq(sa.t.ack, 77u * i + 1);
        /* Only the MSS is offered: a cookie carries nothing else. */
        ck_assert(sa.t.opts.has_mss);
        ck_assert(!sa.t.opts.has_wscale);
        ck_assert(!sa.t.opts.sack_permitted);
        ck_assert(!sa.t.opts.has_ts);
        ck_assert_uint_eq(sa.t.opts.mss, 1460);
        /* [RFC 4987 3.6] bits 24-26: the MSS index (1460 is the last). */
        ck_assert_uint_eq((sa.t.seq >> 24) & 7u, 7);
    }
    ck_assert_uint_eq(tcb_count(BOB(w)), tcbs);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_sent, 200);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_TCP_BACKLOG_FULL], 0);
}
END_TEST

START_TEST(test_valid_cookie_ack_opens_the_connection)
{
    int lfd = listener_with_full_syn_queue();
    struct th_seg sa = syn_from(40001, 900000);
    uint32_t cookie = sa.t.seq;
    ack_from(40001, 900001, cookie + 1, "hello", 5);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_ok, 1);
    int fd = sock_accept(BOB(w), lfd, NULL);
    ck_assert_int_ge(fd, 0);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    ck_assert_int_eq(tp->state, TCP_ESTABLISHED);
    ck_assert_uint_eq(tp->iss, cookie);
    ck_assert_uint_eq(tp->irs, 900000);
    ck_assert_uint_eq(tp->mss, 1460);
    ck_assert(!tp->ws_ok && !tp->sack_ok && !tp->ts_ok);
    /* The data on the ACK was taken, and acknowledged. */
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 5);
    ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
    ck_assert_uint_eq(tp->rcv_nxt, 900006);
    /* And the connection works both ways. */
    bob_send(fd, 100);
    struct th_seg d;
    do {
        d = take();
    } while (d.len == 0);
    ck_assert_uint_eq(d.t.seq, cookie + 1);
    ck_assert_uint_eq(d.len, 100);
}
END_TEST

START_TEST(test_forged_or_stale_cookie_is_refused_with_rst)
{
    int lfd = listener_with_full_syn_queue();
    struct th_seg sa = syn_from(40002, 1234);
    uint32_t cookie = sa.t.seq;
    /* One bit of the hash wrong. */
    ack_from(40002, 1235, (cookie ^ 1u) + 1, NULL, 0);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_ok, 0);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_failed, 1);
    struct th_seg r = take();
    ck_assert(r.t.flags & TCP_RST);
    /* The right cookie for another ISN (the hash covers it). */
    ack_from(40002, 99999, cookie + 1, NULL, 0);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_failed, 2);
    take();
    /* The right one, three ticks (192 s) later: too old. */
    hw_advance(w, 192 * TH_S);
    th_flush(w, HW_BOB);
    ack_from(40002, 1235, cookie + 1, NULL, 0);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_ok, 0);
    ck_assert_int_eq(sock_accept(BOB(w), lfd, NULL), -ERR_AGAIN);
}
END_TEST

START_TEST(test_cookie_within_its_lifetime_is_good)
{
    int lfd = listener_with_full_syn_queue();
    struct th_seg sa = syn_from(40003, 555);
    hw_advance(w, 70 * TH_S); /* the next tick: still good */
    th_flush(w, HW_BOB);
    ack_from(40003, 556, sa.t.seq + 1, NULL, 0);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_ok, 1);
    ck_assert_int_ge(sock_accept(BOB(w), lfd, NULL), 0);
}
END_TEST

START_TEST(test_cookies_off_drops_the_syn)
{
    BOB(w)->tcp.syncookies = false;
    listener_with_full_syn_queue();
    struct tcp_hdr t = { .sport = 40004, .dport = TH_PORT, .seq = 1, .flags = TCP_SYN,
                         .wnd = 65535 };
    th_inject(w, HW_BOB, &t, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_TCP_BACKLOG_FULL], 1);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_sent, 0);
}
END_TEST

START_TEST(test_full_accept_queue_drops_even_with_cookies)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 1);
    (void)lfd;
    struct th_seg sa = syn_from(40005, 10);
    ack_from(40005, 11, sa.t.seq + 1, NULL, 0); /* established, waits for accept */
    struct tcp_hdr t = { .sport = 40006, .dport = TH_PORT, .seq = 1, .flags = TCP_SYN,
                         .wnd = 65535 };
    th_inject(w, HW_BOB, &t, NULL, 0);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_TCP_BACKLOG_FULL], 1);
    ck_assert_uint_eq(BOB(w)->tcp.stats.syncookies_sent, 0);
}
END_TEST

START_TEST(test_backlog_is_clamped_to_somaxconn)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 100000);
    ck_assert_int_eq(th_tcb(w, HW_BOB, lfd)->backlog, TCP_SOMAXCONN_DEFAULT);
    BOB(w)->tcp.somaxconn = 128;
    hw_enter(w);
    ck_assert_int_eq(sock_listen(BOB(w), lfd, 4096), 0);
    ck_assert_int_eq(th_tcb(w, HW_BOB, lfd)->backlog, 128);
    ck_assert_int_eq(sock_listen(BOB(w), lfd, 0), 0);
    ck_assert_int_eq(th_tcb(w, HW_BOB, lfd)->backlog, 1);
}
END_TEST

/* Spoofed SYNs from ports whose SYN-ACKs go nowhere (the test drops them)
 * fill bob's SYN queue; then alice's real TCP connects and must be
 * ESTABLISHED within one round trip, no retransmission. */
static void
flood_then_connect(bool cookies, bool *connected, uint64_t *retransmits)
{
    struct hw_world *fw = th_new();
    struct host *a = &fw->host[HW_ALICE], *b = &fw->host[HW_BOB];
    b->tcp.syncookies = cookies;
    int lfd = th_listen(fw, HW_BOB, TH_PORT, 64);
    for (uint32_t i = 0; i < 10000; i++) {
        struct tcp_hdr t = { .sport = (uint16_t)(1024 + i % 60000), .dport = TH_PORT,
                             .seq = i * 7919u, .flags = TCP_SYN, .wnd = 65535 };
        th_inject(fw, HW_BOB, &t, NULL, 0);
        th_flush(fw, HW_BOB); /* the SYN-ACKs go to a host that is not there */
    }
    hw_enter(fw);
    int cfd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    int r = sock_connect(a, cfd, &(struct sock_addr){ HW_BOB_ADDR, TH_PORT });
    ck_assert(r == 0 || r == -ERR_INPROGRESS);
    hw_deliver(fw);
    struct tcb *tp = th_tcb(fw, HW_ALICE, cfd);
    *connected = tp->state == TCP_ESTABLISHED;
    *retransmits = tp->retransmits;
    if (*connected) {
        int afd = sock_accept(b, lfd, NULL);
        ck_assert_int_ge(afd, 0);
        sock_close(b, afd);
    }
    sock_close(a, cfd);
    sock_close(b, lfd);
    hw_destroy(fw);
    free(fw);
}

START_TEST(test_real_client_connects_at_once_during_a_flood)
{
    bool ok;
    uint64_t rexmit;
    flood_then_connect(true, &ok, &rexmit);
    ck_assert(ok);
    ck_assert_uint_eq(rexmit, 0);
    /* Without cookies the same client waits in SYN_SENT. */
    flood_then_connect(false, &ok, &rexmit);
    ck_assert(!ok);
}
END_TEST

static Suite *
syncookies_suite(void)
{
    Suite *s = suite_create("syncookies");
    TCase *tc = tcase_create("syncookies");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_full_syn_queue_answers_with_cookies_and_keeps_no_state);
    tcase_add_test(tc, test_valid_cookie_ack_opens_the_connection);
    tcase_add_test(tc, test_forged_or_stale_cookie_is_refused_with_rst);
    tcase_add_test(tc, test_cookie_within_its_lifetime_is_good);
    tcase_add_test(tc, test_cookies_off_drops_the_syn);
    tcase_add_test(tc, test_full_accept_queue_drops_even_with_cookies);
    tcase_add_test(tc, test_backlog_is_clamped_to_somaxconn);
    tcase_add_test(tc, test_real_client_connects_at_once_during_a_flood);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(syncookies_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
