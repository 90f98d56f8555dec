/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_recovery.c - loss recovery details beyond the counts of
 * test_tcp_cc.c: a FIN queued during SACK recovery [RFC 6675 5] [RFC 9293
 * 3.10.4], NextSeg() rules 3 and 4 [RFC 6675 4].
 */
#include "tcp_test_util.h"

#define MSS 1460u

/* Bob's data segments and FINs as the fake receiver sees them. */
struct seen {
    unsigned data;     /* segments with data */
    unsigned fins;     /* segments with FIN */
    uint32_t fin_seq;  /* sequence number of the last FIN */
};

static void
drain(struct seen *sn)
{
    struct th_seg s;
    while (th_take(w, HW_BOB, &s)) {
        if (s.len > 0)
            sn->data++;
        if (s.t.flags & TCP_FIN) {
            sn->fins++;
            sn->fin_seq = s.t.seq + (uint32_t)s.len;
        }
    }
}

/* A SACK dup ACK: cumulative ack at `ack`, one block [l, r). */
static void
sack_ack(uint32_t ack, uint32_t l, uint32_t r)
{
    struct tcp_hdr a = { .seq = PEER_ISS + 1, .ack = ack, .flags = TCP_ACK, .wnd = 65535 };
    a.opts.sack_count = 1;
    a.opts.sack[0] = (struct tcp_sack_block){ l, r };
    th_inject(w, HW_BOB, &a, NULL, 0);
}

START_TEST(test_fin_queued_in_sack_recovery_goes_out_without_rto)
{
    struct tcp_opts o = { .has_mss = true, .mss = MSS, .sack_permitted = true };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    uint32_t base = iss + 1;
    bob_send(fd, 10 * MSS);
    struct seen sn = { 0 };
    drain(&sn);
    ck_assert_uint_eq(sn.data, 10);
    /* Segment 0 arrives; 1 is lost; 2, 3, 4 arrive: three SACK dup ACKs. */
    peer(TCP_ACK, PEER_ISS + 1, base + MSS, NULL, 0);
    for (unsigned k = 2; k <= 4; k++)
        sack_ack(base + MSS, base + 2 * MSS, base + (k + 1) * MSS);
    ck_assert(tp->in_recovery);
    drain(&sn);
    /* The application closes while the connection recovers. */
    hw_enter(w);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    drain(&sn);
    /* The rest arrives and is SACKed, then the retransmission fills the hole. */
    for (unsigned k = 5; k <= 9; k++) {
        sack_ack(base + MSS, base + 2 * MSS, base + (k + 1) * MSS);
        drain(&sn);
    }
    ck_assert_uint_eq(sn.fins, 1);
    ck_assert_uint_eq(sn.fin_seq, base + 10 * MSS);
    ck_assert_uint_eq(tp->rto_timeouts, 0);
}
END_TEST


/* A fake SACK receiver for `total` bytes from base: loses the first
 * transmission of the segments starting at the offsets in lost[], answers
 * every arrival with a cumulative ACK and the SACK block holding it, counts
 * FINs. `on_recovery` runs once, when bob first enters recovery. Time moves
 * 100 ms whenever bob has nothing to send (so a timeout would show). */
struct sack_rcvr {
    uint32_t base;            /* bob's ISS + 1 */
    size_t total;             /* data bytes bob sends */
    uint8_t got[64 * 1460];   /* bytes received */
    uint32_t rcv_nxt;         /* offset acknowledged */
    uint32_t lost[4];         /* offsets lost once */
    unsigned n_lost;          /* entries */
    bool lose_fin;            /* lose the first FIN too */
    bool fin;                 /* the FIN is in order: acknowledged */
    bool fin_held;            /* a FIN arrived (after all the data) */
    unsigned fins;            /* FINs seen (retransmissions too) */
    void (*on_recovery)(int fd);
    bool closed_in_recovery;  /* on_recovery ran */
    int fd;                   /* bob's socket */
};

static void
sack_rcvr_run(struct sack_rcvr *r, struct tcb *tp, int rounds)
{
    bool recovered = false;
    for (int k = 0; k < rounds && !r->fin; k++) {
        struct th_seg s;
        bool any = false;
        while (th_take(w, HW_BOB, &s)) {
            any = true;
            uint32_t off = s.t.seq - r->base;
            bool drop = false;
            for (unsigned i = 0; i < r->n_lost; i++)
                if (s.len > 0 && r->lost[i] == off) {
                    r->lost[i] = UINT32_MAX;
                    drop = true;
                }
            if ((s.t.flags & TCP_FIN) && r->lose_fin) {
                r->lose_fin = false;
                drop = true;
            }
            if (drop)
                continue;
            for (size_t i = 0; i < s.len; i++)
                r->got[off + i] = 1;
            while (r->rcv_nxt < r->total && r->got[r->rcv_nxt])
                r->rcv_nxt++;
            if (s.t.flags & TCP_FIN) {
                r->fins++;
                r->fin_held = true; /* held out of order until the data is in */
            }
            if (r->fin_held && r->rcv_nxt == r->total)
                r->fin = true;
            struct tcp_hdr a = { .seq = PEER_ISS + 1,
                                 .ack = r->base + r->rcv_nxt + (r->fin ? 1 : 0),
                                 .flags = TCP_ACK, .wnd = 65535 };
            uint32_t l = off, rr = off + (uint32_t)s.len;
            while (l > 0 && r->got[l - 1])
                l--;
            while (rr < r->total && r->got[rr])
                rr++;
            if (s.len > 0 && l > r->rcv_nxt) {
                a.opts.sack_count = 1;
                a.opts.sack[0] = (struct tcp_sack_block){ r->base + l, r->base + rr };
            }
            th_inject(w, HW_BOB, &a, NULL, 0);
            if (tp->in_recovery && !recovered && r->on_recovery != NULL) {
                recovered = true;
                r->closed_in_recovery = true;
                r->on_recovery(r->fd);
            }
        }
        if (!any)
            hw_advance(w, 100 * TH_MS);
    }
}

static void
close_now(int fd)
{
    hw_enter(w);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
}

/* [RFC 9293 3.10.4] CLOSE: "form a FIN segment and send it" once the queued
 * data is segmentized. Closed in SACK recovery with data not yet sent, the
 * FIN follows that data as the pipe lets it go [RFC 6675 5], with no
 * retransmission timeout. */
START_TEST(test_fin_queued_in_recovery_with_unsent_data_needs_no_rto)
{
    struct tcp_opts o = { .has_mss = true, .mss = MSS, .sack_permitted = true };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    static struct sack_rcvr r;
    memset(&r, 0, sizeof(r));
    r.base = iss + 1;
    r.total = 30 * MSS;
    r.lost[0] = 1 * MSS;
    r.n_lost = 1;
    r.on_recovery = close_now;
    r.fd = fd;
    bob_send(fd, r.total);
    sack_rcvr_run(&r, tp, 200);
    ck_assert(r.fin);
    ck_assert_uint_eq(tp->rto_timeouts, 0);
}
END_TEST


/* [RFC 6675 4] NextSeg() rule 3: a hole below the highest SACK that is not
 * lost yet by IsLost() (one segment SACKed above it) is resent when the
 * pipe has room and there is no new data, instead of waiting for the
 * retransmission timer. */
START_TEST(test_rule3_resends_a_hole_not_yet_lost_without_rto)
{
    struct tcp_opts o = { .has_mss = true, .mss = MSS, .sack_permitted = true };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    static struct sack_rcvr r;
    memset(&r, 0, sizeof(r));
    r.base = iss + 1;
    r.total = 10 * MSS;
    r.lost[0] = 2 * MSS;
    r.lost[1] = 8 * MSS; /* only segment 9 above it: never "lost" */
    r.n_lost = 2;
    r.fd = fd;
    bob_send(fd, r.total);
    sack_rcvr_run(&r, tp, 200);
    ck_assert_uint_eq(r.rcv_nxt, r.total);
    ck_assert_uint_eq(tp->snd_una, r.base + r.total);
    ck_assert_uint_eq(tp->rto_timeouts, 0);
    ck_assert_uint_eq(tp->retransmits, 2); /* the two holes, nothing else */
}
END_TEST

/* [RFC 6675 4] NextSeg() rule 4, the rescue retransmission: in SACK
 * recovery the FIN is lost too; the partial ACK that covers all the data
 * leaves nothing SACKed and nothing new to send, so the highest unSACKed
 * sequence number - the FIN - is resent at once, not after a timeout. */
START_TEST(test_rule4_rescues_a_lost_fin_in_sack_recovery_without_rto)
{
    struct tcp_opts o = { .has_mss = true, .mss = MSS, .sack_permitted = true };
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, &o, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    static struct sack_rcvr r;
    memset(&r, 0, sizeof(r));
    r.base = iss + 1;
    r.total = 10 * MSS;
    r.lost[0] = 2 * MSS;
    r.n_lost = 1;
    r.lose_fin = true;
    r.fd = fd;
    bob_send(fd, r.total);
    close_now(fd); /* the FIN follows the data */
    sack_rcvr_run(&r, tp, 200);
    ck_assert(r.fin);
    ck_assert_uint_eq(r.fins, 1); /* the rescue; the first was lost */
    ck_assert_uint_eq(tp->rto_timeouts, 0);
    ck_assert_uint_eq(counter("tcp.rto_timeouts"), 0);
}
END_TEST

static Suite *
tcp_recovery_suite(void)
{
    Suite *s = suite_create("tcp_recovery");
    TCase *tc = tcase_create("recovery");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_fin_queued_in_sack_recovery_goes_out_without_rto);
    tcase_add_test(tc, test_fin_queued_in_recovery_with_unsent_data_needs_no_rto);
    tcase_add_test(tc, test_rule3_resends_a_hole_not_yet_lost_without_rto);
    tcase_add_test(tc, test_rule4_rescues_a_lost_fin_in_sack_recovery_without_rto);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp_recovery_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
