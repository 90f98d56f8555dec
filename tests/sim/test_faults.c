/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_faults.c - Check suite for the link faults: sim/netem.c's draws, and
 * the rules, down/up and MTU of a simulated link (sim/link.c).
 *
 * "rates": each fault's observed rate over 100,000 frames is within six
 * standard deviations of its setting, and, the generators being seeded, the
 * exact count is golden (a change means the generator or the fault's rule
 * changed, and every golden trace using it changes too).
 * "world": two hosts on a link; per-packet rules hit exactly the packet they
 * name; jitter keeps FIFO order; reorder lets frames jump; corruption is
 * caught by a checksum or as a bad FCS; link down/up at a given time; MTU.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/link.h"
#include "sim/sim.h"
#include "stack/arp.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/eth.h"
#include "stack/wire/tcp.h"

#define MS (1000ull * 1000)
#define N_DRAWS 100000u

/* Draws of one direction with parameters p, seed 1, link 0 a->b. */
static struct netem
dir_of(const struct link_params *p)
{
    struct netem d;
    netem_init(&d, p, 1, LINK_RNG_STREAM_BASE);
    return d;
}

/* |count - n*rate| within 6 sigma of a binomial. */
static void
check_rate(const char *what, uint64_t count, double rate, uint64_t golden)
{
    double mean = N_DRAWS * rate, sd = sqrt(N_DRAWS * rate * (1 - rate));
    if (count != golden)
        fprintf(stderr, "%s: %llu of %u (golden %llu)\n", what, (unsigned long long)count,
                N_DRAWS, (unsigned long long)golden);
    ck_assert_msg(fabs((double)count - mean) <= 6 * sd + 1, "%s: %llu, expected about %.0f", what,
                  (unsigned long long)count, mean);
    ck_assert_uint_eq(count, golden);
}

/* Golden counts, found by running this suite (seed 1, stream
 * LINK_RNG_STREAM_BASE, stack/rng.c's xoshiro256**). */
#define GOLDEN_DUP_5PCT      4976u
#define GOLDEN_CORRUPT_2PCT  2014u
#define GOLDEN_REORDER_25PCT 25167u
#define GOLDEN_REORDER_GAP5  16661u
#define GOLDEN_GE_LOSS       8890u
#define GOLDEN_GE_LOSS_PARTIAL 5444u

START_TEST(test_duplicate_rate)
{
    struct link_params p = { .duplicate = 0.05 };
    struct netem d = dir_of(&p);
    for (unsigned i = 0; i < N_DRAWS; i++)
        netem_roll_duplicate(&d);
    check_rate("duplicate 5%", d.duplicated, 0.05, GOLDEN_DUP_5PCT);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_corrupt_rate)
{
    struct link_params p = { .corrupt = 0.02 };
    struct netem d = dir_of(&p);
    for (unsigned i = 0; i < N_DRAWS; i++)
        netem_roll_corrupt(&d);
    check_rate("corrupt 2%", d.corrupted, 0.02, GOLDEN_CORRUPT_2PCT);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_reorder_rate_and_gap)
{
    /* gap 1 (tc's default): each frame jumps with chance P. */
    struct link_params p = { .delay_ns = 10 * MS, .reorder = 0.25 };
    struct netem d = dir_of(&p);
    for (unsigned i = 0; i < N_DRAWS; i++)
        netem_roll_reorder(&d);
    check_rate("reorder 25%", d.reordered, 0.25, GOLDEN_REORDER_25PCT);
    netem_destroy(&d);
    /* gap 5, 50%: four frames delayed, then each jumps with chance 1/2:
     * one jump per 4 + 2 frames on average. */
    p.reorder = 0.5;
    p.reorder_gap = 5;
    d = dir_of(&p);
    unsigned since = 0, min_since = 1000;
    for (unsigned i = 0; i < N_DRAWS; i++) {
        if (netem_roll_reorder(&d)) {
            if (since < min_since)
                min_since = since;
            since = 0;
        } else {
            since++;
        }
    }
    ck_assert_uint_eq(min_since, 4);  /* never before gap - 1 delayed frames */
    check_rate("reorder 50% gap 5", d.reordered, 1.0 / 6, GOLDEN_REORDER_GAP5);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_gilbert_elliott_bursts)
{
    /* p 1%, r 10%, all lost in the bad state, none in the good: the loss rate
     * is the bad state's share p / (p + r) = 9.09%, in bursts of mean 1/r. */
    struct link_params p = { .loss_model = LINK_LOSS_GEMODEL, .ge_p = 0.01, .ge_r = 0.10,
                             .ge_1h = 1.0, .ge_1k = 0.0 };
    struct netem d = dir_of(&p);
    unsigned bursts = 0;
    bool prev = false;
    for (unsigned i = 0; i < N_DRAWS; i++) {
        bool lost = netem_roll_loss(&d);
        bursts += lost && !prev;
        prev = lost;
    }
    double rate = 0.01 / 0.11;
    if (d.lost != GOLDEN_GE_LOSS)
        fprintf(stderr, "gemodel: %llu lost (golden %u)\n", (unsigned long long)d.lost,
                GOLDEN_GE_LOSS);
    /* Bursts make the count vary more than a binomial: allow 10%. */
    ck_assert(fabs((double)d.lost - N_DRAWS * rate) < 0.1 * N_DRAWS * rate);
    ck_assert_uint_eq(d.lost, GOLDEN_GE_LOSS);
    double mean_burst = (double)d.lost / bursts;
    ck_assert_msg(mean_burst > 8.0 && mean_burst < 12.0, "mean burst %.2f", mean_burst);
    netem_destroy(&d);
    /* 1-h 50%, 1-k 1%: rate = pi_B * 0.5 + pi_G * 0.01 = 0.0545. */
    p.ge_1h = 0.5;
    p.ge_1k = 0.01;
    d = dir_of(&p);
    for (unsigned i = 0; i < N_DRAWS; i++)
        netem_roll_loss(&d);
    rate = (0.01 / 0.11) * 0.5 + (0.10 / 0.11) * 0.01;
    if (d.lost != GOLDEN_GE_LOSS_PARTIAL)
        fprintf(stderr, "gemodel partial: %llu lost (golden %u)\n", (unsigned long long)d.lost,
                GOLDEN_GE_LOSS_PARTIAL);
    ck_assert(fabs((double)d.lost - N_DRAWS * rate) < 0.1 * N_DRAWS * rate);
    ck_assert_uint_eq(d.lost, GOLDEN_GE_LOSS_PARTIAL);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_jitter_uniform_and_normal)
{
    struct link_params p = { .delay_ns = 100 * MS, .jitter_ns = 10 * MS };
    struct netem d = dir_of(&p);
    double sum = 0, sq = 0;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < N_DRAWS; i++) {
        uint64_t x = netem_draw_delay(&d);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        sum += (double)x;
    }
    ck_assert_uint_ge(lo, 90 * MS);
    ck_assert_uint_lt(hi, 110 * MS);
    ck_assert(fabs(sum / N_DRAWS - 100.0 * MS) < 0.1 * MS);
    netem_destroy(&d);
    p.jitter_dist = LINK_JITTER_NORMAL;
    d = dir_of(&p);
    sum = 0;
    for (unsigned i = 0; i < N_DRAWS; i++) {
        double x = (double)netem_draw_delay(&d);
        sum += x;
        sq += x * x;
    }
    double mean = sum / N_DRAWS, sd = sqrt(sq / N_DRAWS - mean * mean);
    ck_assert(fabs(mean - 100.0 * MS) < 0.2 * MS);
    ck_assert(fabs(sd - 10.0 * MS) < 0.2 * MS);
    netem_destroy(&d);
    /* Never negative. */
    p.delay_ns = 1 * MS;
    d = dir_of(&p);
    for (unsigned i = 0; i < 1000; i++)
        ck_assert_uint_lt(netem_draw_delay(&d), 100 * MS);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_bad_chances_are_refused)
{
    struct link_params p = { .duplicate = 1.5 };
    struct netem d = dir_of(NULL);
    ck_assert_int_eq(netem_set_params(&d, &p), -ERR_INVAL);
    p.duplicate = 0;
    p.ge_p = -0.1;
    ck_assert_int_eq(netem_set_params(&d, &p), -ERR_INVAL);
    p.ge_p = NAN;
    ck_assert_int_eq(netem_set_params(&d, &p), -ERR_INVAL);
    netem_destroy(&d);
}
END_TEST

/* --- world --------------------------------------------------------------- */

struct world {
    struct sim s;
    struct host *alice, *bob;
    struct iface *ia, *ib;
    struct link *l;
    int afd, bfd;
};

static void
world_init(struct world *w, const struct link_params *p)
{
    sim_init(&w->s, 1);
    w->alice = sim_add_host(&w->s, "alice");
    w->bob = sim_add_host(&w->s, "bob");
    w->ia = sim_host_add_iface(&w->s, w->alice, IPV4_ADDR(192, 0, 2, 1), 24, 1500, NULL);
    w->ib = sim_host_add_iface(&w->s, w->bob, IPV4_ADDR(192, 0, 2, 2), 24, 1500, NULL);
    w->l = sim_add_link(&w->s, w->ia, w->ib, p);
    ck_assert_ptr_nonnull(w->l);
    sim_enter_host(&w->s, w->alice);
    sim_enter_host(&w->s, w->bob);
    arp_cache_set_permanent(w->alice, w->ia, w->ib->addr, w->ib->mac);
    arp_cache_set_permanent(w->bob, w->ib, w->ia->addr, w->ia->mac);
    w->afd = sock_socket(w->alice, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    w->bfd = sock_socket(w->bob, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr a = { .port = 7 };
    ck_assert_int_eq(sock_bind(w->bob, w->bfd, &a), 0);
}

static void
world_destroy(struct world *w)
{
    sim_destroy(&w->s);
    ck_assert_uint_eq(w->s.pool.live, 0);
}

/* alice sends datagram "<i>" (two digits) to bob:7 now. */
static void
send_numbered(struct world *w, unsigned i)
{
    char msg[8];
    snprintf(msg, sizeof msg, "%02u", i);
    sim_enter_host(&w->s, w->alice);
    struct sock_addr to = { .addr = w->ib->addr, .port = 7 };
    ck_assert_int_eq(sock_sendto(w->alice, w->afd, (const uint8_t *)msg, 2, &to), 2);
    sim_host_entered(&w->s, w->alice);
}

/* Run to the end; write the numbers bob read, in order; return how many. */
static size_t
received(struct world *w, unsigned *out, size_t cap)
{
    sim_run_until(&w->s, UINT64_MAX);
    size_t n = 0;
    uint8_t buf[8];
    sim_enter_host(&w->s, w->bob);
    int r;
    while ((r = sock_recv(w->bob, w->bfd, buf, sizeof buf)) == 2 && n < cap)
        out[n++] = (unsigned)((buf[0] - '0') * 10 + (buf[1] - '0'));
    return n;
}

START_TEST(test_rule_drop_hits_the_nth_udp_only)
{
    struct world w;
    world_init(&w, NULL);
    struct link_rule r = { .action = LINK_RULE_DROP, .nth = 3, .from = w.alice,
                           .proto = LINK_RULE_UDP };
    ck_assert_int_eq(link_add_rule(w.l, &r), 0);
    for (unsigned i = 1; i <= 10; i++)
        send_numbered(&w, i);
    unsigned got[16];
    size_t n = received(&w, got, 16);
    ck_assert_uint_eq(n, 9);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_ne(got[i], 3);
    ck_assert_uint_eq(w.l->rules[0].seen, 3);  /* it stops counting once it acted */
    ck_assert_uint_eq(w.l->dir[0].rule_hits, 1);
    ck_assert_uint_eq(w.l->dir[0].wire.tx_frames, 10);  /* the dropped one was on the wire */
    world_destroy(&w);
}
END_TEST

START_TEST(test_rule_duplicate_delay_corrupt)
{
    struct world w;
    struct link_params p = { .delay_ns = 1 * MS };
    world_init(&w, &p);
    struct link_rule dup = { .action = LINK_RULE_DUPLICATE, .nth = 4, .proto = LINK_RULE_UDP,
                             .port = 7 };
    struct link_rule late = { .action = LINK_RULE_DELAY, .nth = 2, .proto = LINK_RULE_UDP,
                              .delay_ns = 5 * MS };
    struct link_rule bad = { .action = LINK_RULE_CORRUPT, .nth = 6, .from = w.alice };
    ck_assert_int_eq(link_add_rule(w.l, &dup), 0);
    ck_assert_int_eq(link_add_rule(w.l, &late), 1);
    ck_assert_int_eq(link_add_rule(w.l, &bad), 2);
    for (unsigned i = 1; i <= 8; i++)
        send_numbered(&w, i);
    unsigned got[16];
    size_t n = received(&w, got, 16);
    /* 4 twice, 6 damaged (caught by a checksum), 2 last: it was held 5 ms. */
    static const unsigned want[] = { 1, 3, 4, 4, 5, 7, 8, 2 };
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(got[i], want[i]);
    uint64_t csum = w.bob->stats.drops[DROP_UDP_BAD_CSUM] + w.bob->stats.drops[DROP_IPV4_BAD_CSUM] +
                    w.bob->stats.drops[DROP_IPV4_TRUNCATED] + w.bob->stats.drops[DROP_IPV4_BAD_VERSION] +
                    w.bob->stats.drops[DROP_IPV4_BAD_IHL];
    ck_assert_uint_eq(csum, 1);
    ck_assert_uint_eq(w.l->dir[0].wire.corrupted, 1);
    ck_assert_uint_eq(w.l->dir[0].wire.duplicated, 1);
    world_destroy(&w);
}
END_TEST

START_TEST(test_rule_filters)
{
    struct world w;
    world_init(&w, NULL);
    /* A hand-made TCP SYN and SYN-ACK from alice: the filter reads flags. */
    uint8_t f[ETH_HDR_LEN + 40];
    memset(f, 0, sizeof f);
    memcpy(f, w.ib->mac, ETH_ALEN);
    memcpy(f + 6, w.ia->mac, ETH_ALEN);
    f[12] = 0x08;
    f[14] = 0x45;
    f[16] = 0;
    f[17] = 40;
    f[14 + 9] = 6;
    f[34] = 0xc3;  /* sport 50000 */
    f[35] = 0x50;
    f[37] = 80;    /* dport 80 */
    f[34 + 12] = 0x50;  /* data offset: 5 words, no options */
    f[34 + 13] = TCP_SYN;
    struct pkt *p = pkt_from_bytes(&w.s.pool, f, sizeof f);
    struct link_dir *d = &w.l->dir[0];
    struct link_rule syn = { .proto = LINK_RULE_TCP, .tcp_flags = TCP_SYN,
                             .tcp_flags_not = TCP_ACK };
    struct link_rule port80 = { .proto = LINK_RULE_TCP, .port = 80 };
    struct link_rule port81 = { .proto = LINK_RULE_ANY, .port = 81 };
    struct link_rule from_bob = { .from = w.bob };
    struct link_rule big = { .has_len = true, .len_cmp = LINK_CMP_GT, .len = 0 };
    ck_assert(link_rule_matches(&syn, d, p));
    ck_assert(link_rule_matches(&port80, d, p));
    ck_assert(!link_rule_matches(&port81, d, p));
    ck_assert(!link_rule_matches(&from_bob, d, p));
    ck_assert(!link_rule_matches(&big, d, p));
    p->data[34 + 13] = TCP_SYN | TCP_ACK;
    ck_assert(!link_rule_matches(&syn, d, p));
    ck_assert(link_rule_matches(&from_bob, &w.l->dir[1], p));
    struct link_rule udp = { .proto = LINK_RULE_UDP };
    ck_assert(!link_rule_matches(&udp, d, p));
    pkt_free(p);
    world_destroy(&w);
}
END_TEST

START_TEST(test_jitter_keeps_fifo_and_reorder_jumps)
{
    struct world w;
    struct link_params p = { .delay_ns = 20 * MS, .jitter_ns = 10 * MS };
    world_init(&w, &p);
    for (unsigned i = 0; i < 40; i++) {
        send_numbered(&w, i);
        sim_run_until(&w.s, w.s.now_ns + 100 * 1000);  /* 0.1 ms apart */
    }
    unsigned got[64];
    size_t n = received(&w, got, 64);
    ck_assert_uint_eq(n, 40);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(got[i], i);
    world_destroy(&w);

    /* reorder 100% gap 3: every third frame skips the 10 ms delay. */
    struct link_params q = { .delay_ns = 10 * MS, .reorder = 1.0, .reorder_gap = 3 };
    world_init(&w, &q);
    for (unsigned i = 1; i <= 9; i++)
        send_numbered(&w, i);
    n = received(&w, got, 64);
    static const unsigned want[] = { 3, 6, 9, 1, 2, 4, 5, 7, 8 };
    ck_assert_uint_eq(n, 9);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(got[i], want[i]);
    world_destroy(&w);
}
END_TEST

START_TEST(test_corrupt_l2_is_a_bad_fcs)
{
    struct world w;
    struct link_params p = { .corrupt = 1.0, .corrupt_l2 = true };
    world_init(&w, &p);
    send_numbered(&w, 1);
    unsigned got[4];
    ck_assert_uint_eq(received(&w, got, 4), 0);
    ck_assert_uint_eq(w.bob->stats.drops[DROP_ETH_BAD_FCS], 1);
    world_destroy(&w);
}
END_TEST

static void
send_call(struct sim *s, void *ctx)
{
    (void)s;
    struct world *w = ctx;
    send_numbered(w, (unsigned)(w->s.now_ns / MS));
}

START_TEST(test_link_down_and_up_at_a_time)
{
    struct world w;
    world_init(&w, NULL);
    ck_assert_int_eq(link_schedule_down(w.l, 5 * MS, true), 0);
    ck_assert_int_eq(link_schedule_down(w.l, 10 * MS, false), 0);
    for (uint64_t t = 4; t <= 11; t += 2)  /* 4, 6, 8, 10 */
        sim_schedule_call(&w.s, t * MS, send_call, &w);
    unsigned got[8];
    size_t n = received(&w, got, 8);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(got[0], 4);
    ck_assert_uint_eq(got[1], 10);  /* up at 10 ms, before the send at 10 ms */
    ck_assert_uint_eq(w.l->dir[0].down_drops, 2);
    world_destroy(&w);
}
END_TEST

START_TEST(test_link_mtu_sets_both_interfaces)
{
    struct world w;
    struct link_params p = { .mtu = 576 };
    world_init(&w, &p);
    ck_assert_uint_eq(w.ia->mtu, 576);
    ck_assert_uint_eq(w.ib->mtu, 576);
    /* A 1000-byte datagram crosses as two fragments and is reassembled. */
    static uint8_t big[1000];
    memset(big, 'z', sizeof big);
    sim_enter_host(&w.s, w.alice);
    struct sock_addr to = { .addr = w.ib->addr, .port = 7 };
    ck_assert_int_eq(sock_sendto(w.alice, w.afd, big, sizeof big, &to), 1000);
    sim_host_entered(&w.s, w.alice);
    sim_run_until(&w.s, UINT64_MAX);
    ck_assert_uint_eq(w.l->dir[0].wire.tx_frames, 2);
    sim_enter_host(&w.s, w.bob);
    static uint8_t buf[1100];
    ck_assert_int_eq(sock_recv(w.bob, w.bfd, buf, sizeof buf), 1000);
    ck_assert_mem_eq(buf, big, 1000);
    struct link_params bad = { .mtu = 60 };
    ck_assert_int_eq(link_set_params(w.l, &bad), -ERR_INVAL);
    world_destroy(&w);
}
END_TEST

static Suite *
faults_suite(void)
{
    Suite *s = suite_create("sim/faults");
    TCase *tc = tcase_create("rates");
    tcase_add_test(tc, test_duplicate_rate);
    tcase_add_test(tc, test_corrupt_rate);
    tcase_add_test(tc, test_reorder_rate_and_gap);
    tcase_add_test(tc, test_gilbert_elliott_bursts);
    tcase_add_test(tc, test_jitter_uniform_and_normal);
    tcase_add_test(tc, test_bad_chances_are_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("world");
    tcase_add_test(tc, test_rule_drop_hits_the_nth_udp_only);
    tcase_add_test(tc, test_rule_duplicate_delay_corrupt);
    tcase_add_test(tc, test_rule_filters);
    tcase_add_test(tc, test_jitter_keeps_fifo_and_reorder_jumps);
    tcase_add_test(tc, test_corrupt_l2_is_a_bad_fcs);
    tcase_add_test(tc, test_link_down_and_up_at_a_time);
    tcase_add_test(tc, test_link_mtu_sets_both_interfaces);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(faults_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
