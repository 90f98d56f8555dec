/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_pmtu.c - path MTU that cannot be turned into a weapon: ICMP
 * "fragmentation needed" with an impossible MTU (0, below 68) takes the
 * plateau table [RFC 1191 7]; the path MTU has a floor (min_pmtu, 552) below
 * which DF is cleared; a quote of a sequence number not in flight is not
 * believed [RFC 5927 4.1]; and a real decrease mid-transfer makes TCP resend
 * what is in flight in smaller segments so 256 KiB still arrive byte-exact
 * [RFC 1191 6.5].
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "harness/tcp_harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

#define PEER_ISS   5000u
#define ROUTER     0xc00002feu  /* 192.0.2.254: the router that says "too big" */

/* ICMP "fragmentation needed" (next-hop mtu) from ROUTER to host `to`,
 * quoting a TCP datagram from `to` to the other host of total length
 * quoted_len whose segment starts at seq. */
static void
inject_needfrag(struct hw_world *w, int to, uint16_t mtu, uint16_t quoted_len, uint16_t sport,
                uint16_t dport, uint32_t seq)
{
    uint8_t icmp[8 + IPV4_HDR_MIN + 8];
    memset(icmp, 0, sizeof(icmp));
    struct ipv4_hdr q = hwf_ip(w->host[to].ifaces[0].addr, w->host[1 - to].ifaces[0].addr,
                               IPPROTO_TCP_);
    q.total_len = quoted_len;
    q.df = true;
    ipv4_emit(&q, icmp + 8);
    be16_put(icmp + 8 + IPV4_HDR_MIN, sport);
    be16_put(icmp + 8 + IPV4_HDR_MIN + 2, dport);
    be32_put(icmp + 8 + IPV4_HDR_MIN + 4, seq);
    icmp[0] = ICMP_DEST_UNREACH;
    icmp[1] = ICMP_UNREACH_NEEDFRAG;
    be16_put(icmp + 6, mtu);
    be16_put(icmp + 2, csum_compute(icmp, sizeof(icmp)));
    struct ipv4_hdr ip = hwf_ip(ROUTER, w->host[to].ifaces[0].addr, IPPROTO_ICMP_);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, w->host[to].ifaces[0].mac, w->host[1 - to].ifaces[0].mac, &ip,
                        icmp, sizeof(icmp));
    hw_inject(w, to, frame, n);
}

/* bob, connected to the fake peer, has one full segment of 1460 in flight. */
struct flight {
    struct hw_world *w;
    int fd;
    struct tcb *tp;
    uint32_t iss;
};

static struct flight
one_segment_in_flight(void)
{
    struct flight f;
    f.w = th_new();
    f.fd = th_active_open(f.w, PEER_ISS, 65535, NULL, &f.iss);
    f.tp = th_tcb(f.w, HW_BOB, f.fd);
    static uint8_t data[4000];
    ck_assert_int_eq(sock_send(&f.w->host[HW_BOB], f.fd, data, sizeof(data)), (int)sizeof(data));
    th_flush(f.w, HW_BOB); /* all of it lost: a router refused it */
    ck_assert_uint_eq(f.tp->mss, TH_MSS);
    return f;
}

static void
done(struct flight *f)
{
    hw_destroy(f->w);
    free(f->w);
}

START_TEST(test_mtu_zero_takes_the_plateau_below_the_refused_length)
{
    struct flight f = one_segment_in_flight();
    inject_needfrag(f.w, HW_BOB, 0, 1500, f.tp->lport, f.tp->fport, f.iss + 1);
    /* [RFC 1191 7] the plateau below 1500 is 1492. */
    ck_assert_uint_eq(ipv4_path_mtu(&f.w->host[HW_BOB], HW_ALICE_ADDR), 1492);
    ck_assert_uint_eq(f.tp->mss, 1492 - 40);
    /* What was in flight went again, in the new size, DF still set. */
    struct th_seg s;
    ck_assert(th_take(f.w, HW_BOB, &s));
    ck_assert_uint_eq(s.t.seq, f.iss + 1);
    ck_assert_uint_eq(s.why, TCP_WHY_PMTU);
    ck_assert_uint_eq(s.len, 1492 - 40); /* no options on this connection */
    done(&f);
}
END_TEST

START_TEST(test_mtu_68_or_a_tiny_quote_is_held_at_the_floor_without_df)
{
    struct flight f = one_segment_in_flight();
    struct host *bob = &f.w->host[HW_BOB];
    /* A forged 68 would mean 28-byte segments: the floor (552) holds. */
    inject_needfrag(f.w, HW_BOB, 68, 1500, f.tp->lport, f.tp->fport, f.iss + 1);
    ck_assert_uint_eq(ipv4_path_mtu(bob, HW_ALICE_ADDR), IPV4_PMTU_MIN_DEFAULT);
    ck_assert_uint_eq(f.tp->mss, IPV4_PMTU_MIN_DEFAULT - 40);
    ck_assert_uint_eq(bob->stats.drops[DROP_IPV4_TOO_BIG], 0);
    /* At the floor DF is cleared: a smaller path fragments, not drops. */
    struct pkt *p = hw_take(f.w, HW_BOB);
    struct hwf d;
    hwf_decode(p, &d);
    ck_assert(d.is_ipv4);
    ck_assert(!d.ip.df);
    ck_assert_uint_le(d.ip.total_len, IPV4_PMTU_MIN_DEFAULT);
    pkt_free(p);
    /* MTU 0 with a quoted length of 40 (a plateau table answer of 68) and
     * MTU 1: the same floor. */
    inject_needfrag(f.w, HW_BOB, 0, 40, f.tp->lport, f.tp->fport, f.iss + 1);
    inject_needfrag(f.w, HW_BOB, 1, 1500, f.tp->lport, f.tp->fport, f.iss + 1);
    ck_assert_uint_eq(ipv4_path_mtu(bob, HW_ALICE_ADDR), IPV4_PMTU_MIN_DEFAULT);
    ck_assert_uint_eq(f.tp->mss, IPV4_PMTU_MIN_DEFAULT - 40);
    done(&f);
}
END_TEST

START_TEST(test_floor_is_a_tunable)
{
    struct flight f = one_segment_in_flight();
    struct host *bob = &f.w->host[HW_BOB];
    bob->pmtu.min_mtu = 296;
    inject_needfrag(f.w, HW_BOB, 300, 1500, f.tp->lport, f.tp->fport, f.iss + 1);
    ck_assert_uint_eq(ipv4_path_mtu(bob, HW_ALICE_ADDR), 300);
    ck_assert_uint_eq(f.tp->mss, 260);
    done(&f);
}
END_TEST

START_TEST(test_quote_not_in_flight_changes_nothing)
{
    struct flight f = one_segment_in_flight();
    struct host *bob = &f.w->host[HW_BOB];
    uint32_t nxt = f.tp->snd_max;
    /* [RFC 5927 4.1] SND.UNA =< seq < SND.NXT, else not believed: before
     * SND.UNA, at SND.NXT, and far away. */
    inject_needfrag(f.w, HW_BOB, 576, 1500, f.tp->lport, f.tp->fport, f.iss);
    inject_needfrag(f.w, HW_BOB, 576, 1500, f.tp->lport, f.tp->fport, nxt);
    inject_needfrag(f.w, HW_BOB, 576, 1500, f.tp->lport, f.tp->fport, nxt + 100000);
    ck_assert_uint_eq(ipv4_path_mtu(bob, HW_ALICE_ADDR), 1500);
    ck_assert_uint_eq(f.tp->mss, TH_MSS);
    ck_assert_uint_eq(th_pending(f.w, HW_BOB), 0);
    /* Nor does one quoting another connection's ports. */
    inject_needfrag(f.w, HW_BOB, 576, 1500, f.tp->lport, (uint16_t)(f.tp->fport + 1),
                    f.iss + 1);
    ck_assert_uint_eq(ipv4_path_mtu(bob, HW_ALICE_ADDR), 1500);
    done(&f);
}
END_TEST

/* ---- a real decrease mid-transfer ------------------------------------------ */

#define XFER_BYTES (256u * 1024u)
#define PATH_MTU   576

static uint8_t
byte_at(size_t i)
{
    return (uint8_t)(i * 131u + (i >> 9));
}

/* The wire between alice and bob is a "router" whose next hop has MTU
 * PATH_MTU: a larger datagram with DF from alice dies and alice is told. */
static bool
pump_through_small_mtu(struct hw_world *w, unsigned *refused)
{
    bool moved = false;
    for (int from = 0; from < 2; from++) {
        struct pkt *p;
        while ((p = pkt_queue_pop(&w->out[from])) != NULL) {
            moved = true;
            struct hwf d;
            hwf_decode(p, &d);
            if (from == HW_ALICE && d.is_ipv4 && d.ip.df && d.ip.total_len > PATH_MTU &&
                d.ip.proto == IPPROTO_TCP_) {
                uint16_t sport = be16_get(d.l4), dport = be16_get(d.l4 + 2);
                uint32_t seq = be32_get(d.l4 + 4);
                uint16_t tl = d.ip.total_len;
                pkt_free(p);
                (*refused)++;
                inject_needfrag(w, HW_ALICE, PATH_MTU, tl, sport, dport, seq);
                continue;
            }
            hw_enter(w);
            iface_input(&w->host[1 - from].ifaces[0], p);
        }
    }
    return moved;
}

START_TEST(test_decrease_mid_transfer_resegments_and_completes_byte_exact)
{
    struct hw_world *w = th_new();
    trace_detach(&w->trace, &w->sink);
    int afd, bfd;
    th_pair(w, &afd, &bfd);
    struct host *a = &w->host[HW_ALICE], *b = &w->host[HW_BOB];
    static uint8_t got[XFER_BYTES];
    size_t sent = 0, rcvd = 0;
    unsigned refused = 0;
    for (int step = 0; step < 200000 && rcvd < XFER_BYTES; step++) {
        hw_enter(w);
        while (sent < XFER_BYTES) {
            uint8_t buf[8192];
            size_t n = XFER_BYTES - sent < sizeof(buf) ? XFER_BYTES - sent : sizeof(buf);
            for (size_t i = 0; i < n; i++)
                buf[i] = byte_at(sent + i);
            int r = sock_send(a, afd, buf, n);
            if (r <= 0)
                break;
            sent += (size_t)r;
        }
        for (;;) {
            int r = sock_recv(b, bfd, got + rcvd, XFER_BYTES - rcvd);
            if (r <= 0)
                break;
            rcvd += (size_t)r;
        }
        if (!pump_through_small_mtu(w, &refused)) {
            uint64_t na = host_next_deadline(a), nb = host_next_deadline(b);
            uint64_t next = na < nb ? na : nb;
            if (next == UINT64_MAX)
                break;
            hw_advance(w, next > w->now_ns ? next - w->now_ns : 0);
        }
    }
    ck_assert_uint_eq(rcvd, XFER_BYTES);
    for (size_t i = 0; i < XFER_BYTES; i++)
        ck_assert_msg(got[i] == byte_at(i), "byte %zu differs", i);
    struct tcb *tp = th_tcb(w, HW_ALICE, afd);
    ck_assert_uint_eq(tp->mss, PATH_MTU - 40);
    ck_assert_uint_gt(refused, 0);
    /* Refused only while the old size was in flight: once told, never
     * again (no black hole, no endless refusals). */
    ck_assert_uint_le(refused, TCP_IW_SEGS_DEFAULT + 2);
    ck_assert_uint_eq(a->tcp.stats.timeouts, 0);
    hw_enter(w);
    sock_close(a, afd);
    sock_close(b, bfd);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
pmtu_suite(void)
{
    Suite *s = suite_create("pmtu");
    TCase *tc = tcase_create("pmtu");
    tcase_add_test(tc, test_mtu_zero_takes_the_plateau_below_the_refused_length);
    tcase_add_test(tc, test_mtu_68_or_a_tiny_quote_is_held_at_the_floor_without_df);
    tcase_add_test(tc, test_floor_is_a_tunable);
    tcase_add_test(tc, test_quote_not_in_flight_changes_nothing);
    tcase_add_test(tc, test_decrease_mid_transfer_resegments_and_completes_byte_exact);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(pmtu_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
