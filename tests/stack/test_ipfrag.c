/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ipfrag.c - IPv4 fragmentation and reassembly [RFC 791 3.2].
 *
 * "sweep": UDP datagrams cut by hand into fragments of every size class and
 * delivered in a shuffled order come out of bob's socket byte for byte, and
 * the stack's own fragmenter (alice over a small MTU) round-trips too.
 * "policy": overlap kills the datagram [RFC 5722 4], an exact duplicate is
 * only itself dropped, malformed fragments are refused, the memory and table
 * bounds hold, and the timer frees what never completed, with ICMP time
 * exceeded (code 1) only when fragment 0 arrived [RFC 1122 3.3.2].
 * Every test ends with the harness's leak check.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipfrag.h"
#include "stack/ipv4.h"
#include "stack/rng.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define S_NS     (1000ull * 1000 * 1000)

static int
udp_socket_on(struct hw_world *w, int who, uint16_t port)
{
    hw_enter(w);
    struct host *h = &w->host[who];
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr a = { .addr = 0, .port = port };
    ck_assert_int_eq(sock_bind(h, fd, &a), 0);
    ck_assert_int_eq(sock_setsockopt(h, fd, SOCK_OPT_RCVBUF, 1 << 20), 0);
    return fd;
}

/* A UDP datagram alice:5000 -> bob:7 with n data bytes (a seeded pattern),
 * header included: returns a malloc'd buffer of 8 + n bytes. */
static uint8_t *
make_udp(size_t n, uint8_t **data_out)
{
    uint8_t *data = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)(i * 7 + (i >> 8) + 1);
    uint8_t *dgram = malloc(UDP_HDR_LEN + n);
    hwf_udp(dgram, HW_ALICE_ADDR, 5000, HW_BOB_ADDR, 7, data, n);
    *data_out = data;
    return dgram;
}

/* Inject fragment [off, off+len) of dgram (total bytes) as id. */
static void
inject_frag(struct hw_world *w, const uint8_t *dgram, size_t total, size_t off, size_t len,
            uint16_t id)
{
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.id = id;
    ip.frag_off = (uint16_t)off;
    ip.mf = off + len < total;
    static uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, dgram + off,
                        len);
    hw_inject(w, HW_BOB, frame, n);
}

/* Cut a datagram of n data bytes into fragments of fs payload bytes, deliver
 * them in a shuffled order, and check bob reads it back byte for byte. */
static void
sweep_one(size_t n, size_t fs, uint64_t seed)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket_on(w, HW_BOB, 7);
    uint8_t *data;
    uint8_t *dgram = make_udp(n, &data);
    size_t total = UDP_HDR_LEN + n;
    size_t count = (total + fs - 1) / fs;
    size_t *order = malloc(count * sizeof(*order));
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    struct rng rng;
    rng_seed(&rng, seed, n * 2000 + fs);
    for (size_t i = count; i > 1; i--) {  /* Fisher-Yates */
        size_t j = (size_t)rng_below(&rng, i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < count; i++) {
        size_t off = order[i] * fs;
        size_t len = total - off < fs ? total - off : fs;
        inject_frag(w, dgram, total, off, len, (uint16_t)(n + fs));
    }
    uint8_t *buf = malloc(n + 1);
    int got = sock_recv(BOB(w), fd, buf, n + 1);
    ck_assert_msg(got == (int)n, "payload %zu, fragments of %zu: read %d", n, fs, got);
    ck_assert_msg(memcmp(buf, data, n) == 0, "payload %zu, fragments of %zu: bytes differ", n, fs);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 0);
    ck_assert_uint_eq(BOB(w)->ipfrag.mem, 0);
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_IPV4], 0);
    free(buf);
    free(order);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}

/* The edges of the sweep (1 and 60000 bytes, 8 and 1480 per fragment, the
 * sizes around one full fragment), then a seeded sample of the rest of the
 * 60000 x 185 grid; sampled so the suite stays fast under ASan. */
static const size_t sweep_sizes[] = { 1, 7, 8, 9, 1471, 1472, 1473, 2952, 2953, 8192, 60000 };
static const size_t sweep_frags[] = { 8, 16, 24, 552, 1000, 1472, 1480 };
#define SWEEP_EDGES ((int)(sizeof(sweep_sizes) / sizeof(sweep_sizes[0]) * \
                           (sizeof(sweep_frags) / sizeof(sweep_frags[0]))))
#define SWEEP_RANDOM 60

START_TEST(test_sweep_edges)
{
    size_t nf = sizeof(sweep_frags) / sizeof(sweep_frags[0]);
    size_t n = sweep_sizes[(size_t)_i / nf], fs = sweep_frags[(size_t)_i % nf];
    sweep_one(n, fs, 1);
}
END_TEST

START_TEST(test_sweep_random_sample)
{
    struct rng rng;
    rng_seed(&rng, 2024, (uint64_t)_i);
    size_t n = 1 + (size_t)rng_below(&rng, 60000);
    size_t fs = 8 * (1 + (size_t)rng_below(&rng, 185));  /* 8 ... 1480 */
    /* Few-fragment cases dominate by count; keep the run short. */
    if ((UDP_HDR_LEN + n) / fs > 2000)
        fs = 8 * (1 + (UDP_HDR_LEN + n) / 16000);
    sweep_one(n, fs, (uint64_t)_i);
}
END_TEST

/* alice's own fragmenter over an MTU of `mtu`, bob reassembles: the frames
 * are shuffled between them. */
START_TEST(test_stack_fragmenter_round_trip)
{
    static const struct {
        uint16_t mtu;
        size_t n;
    } cases[] = {
        { 68, 1 }, { 68, 41 }, { 68, 1000 }, { 576, 548 }, { 576, 549 }, { 576, 9000 },
        { 1500, 1473 }, { 1500, 65507 }, { 1006, 30000 }, { 9000, 65507 },
    };
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    ALICE(w)->ifaces[0].mtu = cases[_i].mtu;
    BOB(w)->ifaces[0].mtu = cases[_i].mtu;
    int bfd = udp_socket_on(w, HW_BOB, 7);
    int afd = udp_socket_on(w, HW_ALICE, 5000);
    uint8_t *data;
    uint8_t *dgram = make_udp(cases[_i].n, &data);
    free(dgram);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 7 };
    hw_enter(w);
    ck_assert_int_eq(sock_sendto(ALICE(w), afd, data, cases[_i].n, &to), (int)cases[_i].n);
    size_t count = hw_pending(w, HW_ALICE);
    size_t ip_len = IPV4_HDR_MIN + UDP_HDR_LEN + cases[_i].n;
    size_t per = ((cases[_i].mtu - IPV4_HDR_MIN) / 8) * 8;
    size_t expect = ip_len <= cases[_i].mtu ? 1 : (ip_len - IPV4_HDR_MIN + per - 1) / per;
    ck_assert_uint_eq(count, expect);
    struct pkt **frames = malloc(count * sizeof(*frames));
    for (size_t i = 0; i < count; i++) {
        frames[i] = hw_take(w, HW_ALICE);
        struct hwf f;
        hwf_decode(frames[i], &f);
        ck_assert_uint_le(f.ip.total_len, cases[_i].mtu);
        if (f.ip.mf)
            ck_assert_uint_eq((f.ip.total_len - IPV4_HDR_MIN) % 8, 0);
    }
    struct rng rng;
    rng_seed(&rng, 7, (uint64_t)_i);
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t)rng_below(&rng, i);
        struct pkt *t = frames[i - 1];
        frames[i - 1] = frames[j];
        frames[j] = t;
    }
    hw_enter(w);
    for (size_t i = 0; i < count; i++)
        iface_input(&BOB(w)->ifaces[0], frames[i]);
    free(frames);
    uint8_t *buf = malloc(cases[_i].n + 1);
    ck_assert_int_eq(sock_recv(BOB(w), bfd, buf, cases[_i].n + 1), (int)cases[_i].n);
    ck_assert_mem_eq(buf, data, cases[_i].n);
    free(buf);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- policy ------------------------------------------------------------ */

START_TEST(test_overlap_drops_the_whole_datagram)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket_on(w, HW_BOB, 7);
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);  /* 64 bytes of IP payload */
    inject_frag(w, dgram, 64, 0, 24, 9);
    inject_frag(w, dgram, 64, 24, 16, 9);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 1);
    /* bytes 32-47 overlap 24-39: everything held and this one go. */
    inject_frag(w, dgram, 64, 32, 16, 9);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_OVERLAP], 3);
    ck_assert_uint_eq(BOB(w)->ipfrag.mem, 0);
    ck_assert_uint_eq(BOB(w)->ipfrag.overlaps, 1);
    /* The rest of it, even a piece that would have completed it, is refused
     * until the timer runs out [RFC 5722 4]. */
    inject_frag(w, dgram, 64, 40, 24, 9);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_OVERLAP], 4);
    uint8_t buf[64];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), -ERR_AGAIN);
    /* The dead entry goes at the timer, silently: no ICMP for it. */
    hw_advance(w, IPFRAG_TIMEOUT_NS);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 0);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    /* Then a fresh copy with the same id reassembles. */
    inject_frag(w, dgram, 64, 32, 32, 9);
    inject_frag(w, dgram, 64, 0, 32, 9);
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 56);
    ck_assert_mem_eq(buf, data, 56);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_disagreeing_ends_drop_the_datagram)
{
    struct hw_world *w = hw_new();
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);
    inject_frag(w, dgram, 64, 32, 32, 3);   /* last: the datagram ends at 64 */
    inject_frag(w, dgram, 48, 32, 16, 3);   /* another "last", ending at 48 */
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_OVERLAP], 2);
    uint8_t *data2;
    uint8_t *big = make_udp(200, &data2);
    inject_frag(w, big, 208, 72, 8, 4);     /* id 4: a middle piece past... */
    inject_frag(w, big, 64, 32, 32, 4);     /* ...where the last one says it ends */
    free(big);
    free(data2);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_OVERLAP], 4);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_exact_duplicate_is_dropped_alone)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket_on(w, HW_BOB, 7);
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);
    inject_frag(w, dgram, 64, 0, 32, 5);
    inject_frag(w, dgram, 64, 0, 32, 5);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_DUP], 1);
    inject_frag(w, dgram, 64, 32, 32, 5);
    uint8_t buf[64];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 56);
    ck_assert_mem_eq(buf, data, 56);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_malformed_fragments_are_refused)
{
    struct hw_world *w = hw_new();
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);
    inject_frag(w, dgram, 64, 0, 20, 6);          /* MF and 20 bytes: not a multiple of 8 */
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.frag_off = 65528;                          /* + 16 bytes: past 65535 */
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, dgram, 16);
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_BAD], 2);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 0);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_memory_and_table_bounds)
{
    struct hw_world *w = hw_new();
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);
    /* Room for two 52-byte fragments (20 + 32), not three. */
    BOB(w)->ipfrag.mem_max = 110;
    inject_frag(w, dgram, 64, 0, 32, 1);
    inject_frag(w, dgram, 64, 0, 32, 2);
    inject_frag(w, dgram, 64, 0, 32, 3);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_NO_ROOM], 1);
    ck_assert_uint_eq(BOB(w)->ipfrag.mem, 104);
    /* A bigger bound: the table holds IPFRAG_MAX_DATAGRAMS datagrams. */
    BOB(w)->ipfrag.mem_max = IPFRAG_MEM_MAX;
    for (unsigned id = 10; id < 10 + IPFRAG_MAX_DATAGRAMS; id++)
        inject_frag(w, dgram, 64, 0, 32, (uint16_t)id);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), IPFRAG_MAX_DATAGRAMS);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_NO_ROOM], 1 + 2);
    free(dgram);
    free(data);
    hw_destroy(w);  /* host_destroy frees what is held */
    free(w);
}
END_TEST

START_TEST(test_timeout_with_fragment_zero_sends_time_exceeded)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);
    uint64_t live = w->pool.live;
    inject_frag(w, dgram, 64, 0, 32, 11);
    inject_frag(w, dgram, 64, 40, 24, 11);  /* 32..39 never comes */
    ck_assert_uint_eq(w->pool.live, live + 2);
    ck_assert_uint_eq(host_next_deadline(BOB(w)), IPFRAG_TIMEOUT_NS);
    hw_advance(w, IPFRAG_TIMEOUT_NS - 1);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 1);
    hw_advance(w, 1);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 0);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_TIMEOUT], 2);
    ck_assert_uint_eq(BOB(w)->ipfrag.timeouts, 1);
    ck_assert_uint_eq(BOB(w)->ipfrag.mem, 0);
    /* The timer says why (the dropped fragments keep their arrival cause). */
    const struct hw_event *ev = hw_last(w, TRACE_TIMER, LAYER_IPV4, HW_BOB);
    ck_assert_uint_eq(ev->cause.kind, CAUSE_TIMER);
    ck_assert_uint_eq(ev->cause.timer, TIMER_IPFRAG);
    /* ICMP time exceeded, code 1, quoting fragment 0's header and 8 bytes. */
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f.l4, f.l4_len, &icmp), DROP_NONE);
    ck_assert_uint_eq(icmp.type, ICMP_TIME_EXCEEDED);
    ck_assert_uint_eq(icmp.code, ICMP_EXC_FRAGTIME);
    ck_assert_uint_eq(icmp.body_len, IPV4_HDR_MIN + 8);
    const uint8_t *quote = f.l4 + ICMP_HDR_LEN;
    ck_assert_uint_eq(be16_get(quote + IPV4_OFF_ID), 11);
    ck_assert_uint_eq(be16_get(quote + IPV4_OFF_FRAG), IPV4_FLAG_MF);
    ck_assert_mem_eq(quote + IPV4_HDR_MIN, dgram, 8);
    pkt_free(p);
    ck_assert_uint_eq(w->pool.live, live);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_timeout_without_fragment_zero_is_silent)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint8_t *data;
    uint8_t *dgram = make_udp(56, &data);
    BOB(w)->ipfrag.timeout_ns = 15 * S_NS;  /* the tunable: RFC 791's 15 s */
    inject_frag(w, dgram, 64, 32, 32, 12);
    ck_assert_uint_eq(host_next_deadline(BOB(w)), 15 * S_NS);
    hw_advance(w, 15 * S_NS);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 0);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_FRAG_TIMEOUT], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(w->pool.live, 0);
    free(dgram);
    free(data);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
ipfrag_suite(void)
{
    Suite *s = suite_create("ipfrag");
    TCase *tc = tcase_create("sweep");
    tcase_add_loop_test(tc, test_sweep_edges, 0, SWEEP_EDGES);
    tcase_add_loop_test(tc, test_sweep_random_sample, 0, SWEEP_RANDOM);
    tcase_add_loop_test(tc, test_stack_fragmenter_round_trip, 0, 10);
    suite_add_tcase(s, tc);
    tc = tcase_create("policy");
    tcase_add_test(tc, test_overlap_drops_the_whole_datagram);
    tcase_add_test(tc, test_disagreeing_ends_drop_the_datagram);
    tcase_add_test(tc, test_exact_duplicate_is_dropped_alone);
    tcase_add_test(tc, test_malformed_fragments_are_refused);
    tcase_add_test(tc, test_memory_and_table_bounds);
    tcase_add_test(tc, test_timeout_with_fragment_zero_sends_time_exceeded);
    tcase_add_test(tc, test_timeout_without_fragment_zero_is_silent);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(ipfrag_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
