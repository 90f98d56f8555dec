/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_stress.c - byte-exact delivery under faults: 1 MiB each way
 * between two real hosts while the test loses 10% of frames, reorders 25%,
 * duplicates 5% and corrupts one octet of the TCP segment in 1%, with a
 * seeded generator, for 20 seeds. SHA-256 of what arrived must equal that
 * of what was sent, and bob's and alice's TCP_BAD_CSUM counters must equal
 * the corrupted frames they were handed. A second case loses 30% of frames
 * in both directions for 5 seeds: the connections must not give up while
 * ACKs keep advancing SND.UNA [RFC 9293 3.8.3]. The first case runs again
 * over IPv6 (AF_INET6 sockets, the IPv6 pseudo-header, neighbour discovery
 * through the same faulty link) for 20 seeds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "harness/sha256.h"
#include "harness/tcp_harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv6.h"
#include "stack/rng.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"

#define STRESS_BYTES (1024u * 1024u)
#define STRESS_SEEDS 20
#define HEAVY_LOSS_SEEDS 5

/* What the test's link does to frames, in percent. */
struct fault_mix {
    unsigned loss;       /* frames lost */
    unsigned dup;        /* of those kept, duplicated (loss..loss+dup) */
    unsigned reorder;    /* held back to be overtaken */
    unsigned corrupt;    /* one octet of the TCP segment flipped */
    unsigned retries2;   /* R2 of both hosts */
    bool v6;             /* the connection runs over IPv6 */
};

static const struct fault_mix mix_everything = { 10, 5, 25, 1, TCP_RETRIES2_DEFAULT, false };
static const struct fault_mix mix_heavy_loss = { 30, 0, 0, 0, TCP_RETRIES2_DEFAULT, false };
static const struct fault_mix mix_everything6 = { 10, 5, 25, 1, TCP_RETRIES2_DEFAULT, true };

struct side {
    int fd;                  /* socket */
    size_t sent;             /* bytes accepted by send() */
    size_t got;              /* bytes received */
    bool eof;                /* recv() returned 0 */
    struct sha256 tx;        /* hash of what was sent */
    struct sha256 rx;        /* hash of what arrived */
    struct rng data;         /* the byte stream */
};

struct stress {
    struct hw_world *w;
    struct rng faults;       /* the test's own generator */
    struct fault_mix mix;    /* what it does with it */
    struct pkt *held[2];     /* a frame held back to be reordered */
    uint64_t corrupted[2];   /* corrupted frames delivered to host i */
};

/* Deliver p to host `to`, applying corruption. */
static void
hand(struct stress *st, int to, struct pkt *p)
{
    struct hw_world *w = st->w;
    if (st->mix.v6) {
        /* Over IPv6: one octet of a TCP segment (neighbour discovery goes
         * undamaged, so every corrupted frame is TCP's to catch). */
        if (rng_below(&st->faults, 100) < st->mix.corrupt && p->len > ETH_HDR_LEN + IPV6_HDR_LEN &&
            p->data[ETH_HDR_LEN + 6] == IPV6_NH_TCP) {
            size_t lo = ETH_HDR_LEN + IPV6_HDR_LEN;
            size_t hi = lo + be16_get(p->data + ETH_HDR_LEN + 4);
            if (hi > p->len)
                hi = p->len;
            if (hi > lo) {
                p->data[lo + rng_below(&st->faults, hi - lo)] ^=
                    (uint8_t)(1 + rng_below(&st->faults, 255));
                st->corrupted[to]++;
            }
        }
    } else if (rng_below(&st->faults, 100) < st->mix.corrupt &&
               p->len > ETH_HDR_LEN + IPV4_HDR_MIN) {
        /* One octet inside the TCP segment (not the Ethernet padding). */
        uint16_t total = be16_get(p->data + ETH_HDR_LEN + 2);
        size_t lo = ETH_HDR_LEN + IPV4_HDR_MIN, hi = ETH_HDR_LEN + (size_t)total;
        if (hi > p->len)
            hi = p->len;
        if (hi > lo) {
            p->data[lo + rng_below(&st->faults, hi - lo)] ^= (uint8_t)(1 + rng_below(&st->faults, 255));
            st->corrupted[to]++;
        }
    }
    hw_enter(w);
    iface_input(&w->host[to].ifaces[0], p);
}

/* Move every queued frame, with faults; true if anything moved. */
static bool
pump(struct stress *st)
{
    struct hw_world *w = st->w;
    bool moved = false;
    for (int from = 0; from < 2; from++) {
        struct pkt *p;
        while ((p = pkt_queue_pop(&w->out[from])) != NULL) {
            moved = true;
            int to = 1 - from;
            unsigned r = (unsigned)rng_below(&st->faults, 100);
            if (r < st->mix.loss) {
                pkt_free(p); /* lost */
                continue;
            }
            if (r < st->mix.loss + st->mix.dup) {
                struct pkt *dup = pkt_clone(p);
                if (dup != NULL)
                    hand(st, to, dup);
            }
            if (st->held[from] == NULL && rng_below(&st->faults, 100) < st->mix.reorder) {
                st->held[from] = p; /* overtaken by the next frame */
                continue;
            }
            hand(st, to, p);
            if (st->held[from] != NULL) {
                struct pkt *h = st->held[from];
                st->held[from] = NULL;
                hand(st, to, h);
            }
        }
    }
    for (int from = 0; from < 2; from++) {
        if (st->held[from] != NULL && w->out[from].count == 0) {
            struct pkt *h = st->held[from];
            st->held[from] = NULL;
            hand(st, 1 - from, h);
            moved = true;
        }
    }
    return moved;
}

static void
app(struct hw_world *w, int host, struct side *s)
{
    struct host *h = &w->host[host];
    uint8_t buf[16384];
    hw_enter(w);
    while (s->sent < STRESS_BYTES) {
        size_t n = STRESS_BYTES - s->sent < sizeof(buf) ? STRESS_BYTES - s->sent : sizeof(buf);
        struct rng save = s->data;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rng_next(&s->data);
        int r = sock_send(h, s->fd, buf, n);
        if (r <= 0) {
            s->data = save;
            break;
        }
        /* Rewind the generator to just past what was taken. */
        s->data = save;
        for (int i = 0; i < r; i++)
            (void)rng_next(&s->data);
        sha256_update(&s->tx, buf, (size_t)r);
        s->sent += (size_t)r;
        if (s->sent == STRESS_BYTES)
            ck_assert_int_eq(sock_shutdown(h, s->fd, SOCK_SHUT_WR), 0);
    }
    for (;;) {
        int r = sock_recv(h, s->fd, buf, sizeof(buf));
        if (r > 0) {
            sha256_update(&s->rx, buf, (size_t)r);
            s->got += (size_t)r;
            continue;
        }
        if (r == 0)
            s->eof = true;
        break;
    }
}

/* The IPv6 pair: 2001:db8::1 and ::2 on the hosts, bob listening on
 * [::]:TH_PORT with an AF_INET6 socket, alice connecting from another; ND
 * and the handshake go over the faultless wire, as th_pair()'s do. */
static void
pair6(struct hw_world *w, int *afd, int *bfd)
{
    struct ip6_addr a6, b6;
    ck_assert(ip6_addr_parse("2001:db8::1", &a6));
    ck_assert(ip6_addr_parse("2001:db8::2", &b6));
    hw_enter(w);
    struct host *a = &w->host[HW_ALICE], *b = &w->host[HW_BOB];
    ck_assert_int_eq(ipv6_addr_add(a, &a->ifaces[0], &a6, 64), 0);
    ck_assert_int_eq(ipv6_addr_add(b, &b->ifaces[0], &b6, 64), 0);
    /* [RFC 4862 5.4] nothing is sent from an address before duplicate
     * address detection passes (at most 1 s of random delay, then
     * RetransTimer), over the faultless wire as the handshake. */
    for (int i = 0; i < 30; i++) {
        hw_advance(w, 100 * 1000 * 1000ull);
        hw_deliver(w);
    }
    ck_assert(ipv6_is_mine(a, &a->ifaces[0], &a6));
    ck_assert(ipv6_is_mine(b, &b->ifaces[0], &b6));
    int lfd = sock_socket(b, SOCK_DOMAIN_INET6, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr any = { .family = SOCK_AF_INET6, .port = TH_PORT };
    ck_assert_int_eq(sock_bind(b, lfd, &any), 0);
    ck_assert_int_eq(sock_listen(b, lfd, 8), 0);
    int fd = sock_socket(a, SOCK_DOMAIN_INET6, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { .family = SOCK_AF_INET6, .addr6 = b6, .port = TH_PORT };
    ck_assert_int_eq(sock_connect(a, fd, &to), -ERR_INPROGRESS);
    for (int i = 0; i < 10; i++) {
        hw_deliver(w);
        hw_advance(w, 1000000);
    }
    hw_enter(w);
    struct sock_addr peer;
    int c = sock_accept(b, lfd, &peer);
    ck_assert_int_ge(c, SOCK_FD_BASE);
    ck_assert(th_tcb(w, HW_ALICE, fd)->v6);
    ck_assert_int_eq(th_tcb(w, HW_ALICE, fd)->state, TCP_ESTABLISHED);
    ck_assert_int_eq(th_tcb(w, HW_BOB, c)->state, TCP_ESTABLISHED);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, c)->mss, 1440);
    *afd = fd;
    *bfd = c;
}

static void
run_seed(uint64_t seed, const struct fault_mix *mix)
{
    struct stress st = { 0 };
    st.mix = *mix;
    st.w = th_new();
    struct hw_world *w = st.w;
    trace_detach(&w->trace, &w->sink); /* speed: nobody records */
    rng_seed(&st.faults, seed, 99);
    /* R2 as the mix says (a lesson may shorten it). */
    for (int i = 0; i < 2; i++)
        w->host[i].tcp.retries2 = mix->retries2;
    int afd, bfd;
    if (mix->v6)
        pair6(w, &afd, &bfd);
    else
        th_pair(w, &afd, &bfd);
    struct side s[2] = { { .fd = afd }, { .fd = bfd } };
    for (int i = 0; i < 2; i++) {
        sha256_init(&s[i].tx);
        sha256_init(&s[i].rx);
        rng_seed(&s[i].data, seed, (uint64_t)i);
    }
    for (int step = 0; step < 20000000; step++) {
        app(w, HW_ALICE, &s[0]);
        app(w, HW_BOB, &s[1]);
        if (s[0].eof && s[1].eof && s[0].sent == STRESS_BYTES && s[1].sent == STRESS_BYTES)
            break;
        if (!pump(&st)) {
            uint64_t a = host_next_deadline(&w->host[0]);
            uint64_t b = host_next_deadline(&w->host[1]);
            uint64_t next = a < b ? a : b;
            if (next == UINT64_MAX) {
                for (int i = 0; i < 2; i++) {
                    const struct tcp_stats *ts = &w->host[i].tcp.stats;
                    fprintf(stderr, "host %d rst_rx %llu rst_tx %llu timeouts %llu ch %llu rto %llu\n", i,
                            (unsigned long long)ts->rst_rx, (unsigned long long)ts->rst_tx,
                            (unsigned long long)ts->timeouts, (unsigned long long)ts->challenge_acks,
                            (unsigned long long)ts->rto_timeouts);
                    const struct tcb *tp = tcp_tcb_by_fd(&w->host[i], s[i].fd);
                    if (tp == NULL)
                        continue;
                    fprintf(stderr,
                            "seed %llu host %d %s una %u nxt %u max %u buf_seq %u sndq %zu "
                            "wnd %u cwnd %u rcv_nxt %u rcvq %zu ooo %zu fin_q %d fin_r %d "
                            "rec %d sent %zu got %zu\n",
                            (unsigned long long)seed, i, tcp_state_name(tp->state), tp->snd_una,
                            tp->snd_nxt, tp->snd_max, tp->snd_buf_seq, tp->sndq.len, tp->snd_wnd,
                            tp->cwnd, tp->rcv_nxt, tp->rcvq.len, tp->ooo_bytes, tp->fin_queued,
                            tp->fin_rcvd, tp->in_recovery, s[i].sent, s[i].got);
                }
            }
            ck_assert_msg(next != UINT64_MAX, "seed %llu: stalled with no timer",
                          (unsigned long long)seed);
            hw_advance(w, next > w->now_ns ? next - w->now_ns : 0);
        }
    }
    ck_assert_msg(s[0].eof && s[1].eof, "seed %llu: transfer did not finish (%zu, %zu)",
                  (unsigned long long)seed, s[0].got, s[1].got);
    ck_assert_uint_eq(s[0].got, STRESS_BYTES);
    ck_assert_uint_eq(s[1].got, STRESS_BYTES);
    uint8_t d[4][32];
    sha256_final(&s[0].tx, d[0]);
    sha256_final(&s[1].rx, d[1]);
    sha256_final(&s[1].tx, d[2]);
    sha256_final(&s[0].rx, d[3]);
    ck_assert_msg(memcmp(d[0], d[1], 32) == 0, "seed %llu: alice -> bob differs",
                  (unsigned long long)seed);
    ck_assert_msg(memcmp(d[2], d[3], 32) == 0, "seed %llu: bob -> alice differs",
                  (unsigned long long)seed);
    /* Every corrupted frame died in tcp_parse(): by its checksum, or, when
     * the octet hit the data offset or an option, by the header check that
     * tcp_parse() runs before the checksum. */
    for (int i = 0; i < 2; i++) {
        const uint64_t *dr = w->host[i].stats.drops;
        uint64_t caught = dr[DROP_TCP_BAD_CSUM] + dr[DROP_TCP_BAD_OFFSET] + dr[DROP_TCP_BAD_OPTIONS] +
                          dr[DROP_TCP_TRUNCATED];
        ck_assert_msg(caught == st.corrupted[i],
                      "seed %llu host %d: %llu checksum drops (+%llu header), %llu corrupted",
                      (unsigned long long)seed, i, (unsigned long long)dr[DROP_TCP_BAD_CSUM],
                      (unsigned long long)(caught - dr[DROP_TCP_BAD_CSUM]),
                      (unsigned long long)st.corrupted[i]);
        ck_assert_uint_ge(dr[DROP_TCP_BAD_CSUM] * 2, caught);
        /* Nobody gave up: both transfers made progress all along. */
        ck_assert_uint_eq(w->host[i].tcp.stats.timeouts, 0);
    }
    for (int i = 0; i < 2; i++)
        pkt_free(st.held[i]); /* a frame still held back by the test */
    hw_enter(w);
    sock_close(&w->host[0], afd);
    sock_close(&w->host[1], bfd);
    hw_destroy(w);
    free(w);
}

START_TEST(test_one_mib_each_way_under_loss_reorder_duplication_corruption)
{
    run_seed((uint64_t)_i + 1, &mix_everything);
}
END_TEST

START_TEST(test_one_mib_each_way_over_ipv6_under_the_same_faults)
{
    run_seed((uint64_t)_i + 1, &mix_everything6);
}
END_TEST

START_TEST(test_one_mib_each_way_at_thirty_percent_loss)
{
    run_seed((uint64_t)_i + 1, &mix_heavy_loss);
}
END_TEST

START_TEST(test_sha256_known_answer)
{
    /* [FIPS 180-2 B.1] SHA-256("abc") */
    static const uint8_t want[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    };
    struct sha256 c;
    uint8_t out[32];
    sha256_init(&c);
    sha256_update(&c, (const uint8_t *)"abc", 3);
    sha256_final(&c, out);
    ck_assert_int_eq(memcmp(out, want, 32), 0);
}
END_TEST

static Suite *
tcp_stress_suite(void)
{
    Suite *s = suite_create("tcp_stress");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sha256_known_answer);
    tcase_add_loop_test(tc, test_one_mib_each_way_under_loss_reorder_duplication_corruption, 0,
                        STRESS_SEEDS);
    tcase_add_loop_test(tc, test_one_mib_each_way_at_thirty_percent_loss, 0, HEAVY_LOSS_SEEDS);
    tcase_add_loop_test(tc, test_one_mib_each_way_over_ipv6_under_the_same_faults, 0,
                        STRESS_SEEDS);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp_stress_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
