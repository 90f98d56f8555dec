/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_drv_tap.c - Check suite for the TAP driver's impairments, without a
 * TAP device and without privilege.
 *
 * drv_tap_attach_fd() puts a host's interface on one end of an AF_UNIX
 * SOCK_SEQPACKET pair, which keeps frame boundaries as a TAP device does; the
 * test plays the kernel on the other end. Checked: frames cross both ways
 * unchanged; `delay` holds a frame toward the kernel until its time; rate and
 * limit refuse what does not fit (DROP LINK_QUEUE_FULL); `corrupt` damages an
 * octet inside the IPv4 datagram, and `corrupt l2` toward the kernel is
 * dropped as a bad FCS; loss and duplication hit the same frames for the same
 * seed, in each direction, and other frames for another seed.
 * The real device against the real kernel: tests/interop/.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/drv_tap.h"
#include "sim/realtime.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/trace.h"

#define NS_PER_MS 1000000ull
#define FRAMES 120u
#define FRAME_LEN 60u
/* Where a test frame carries its number (inside the IPv4 payload). */
#define FRAME_INDEX_OFF 34u

/* One world: host bob whose eth0 is on one end of a socket pair. */
struct rig {
    struct sim s;
    struct host *h;
    struct iface *ifc;
    struct drv_tap *t;
    int kernel;               /* the test's end of the pair */
    struct trace_sink sink;   /* records the tap wire's drops */
    unsigned drops[FRAMES];   /* per frame number: DROP events on the tap wire */
    unsigned drop_reason[8];  /* how many of each reason (LOSS, QUEUE_FULL, BAD_FCS...) */
};

static void
rig_emit(void *ctx, const struct trace_event *ev)
{
    struct rig *r = ctx;
    if (ev->kind != TRACE_DROP || ev->host != NULL || ev->pkt == NULL ||
        strcmp(ev->where, r->t->name) != 0)
        return;
    const struct pkt *p = ev->pkt;
    if (p->len > FRAME_INDEX_OFF + 1) {
        unsigned i = ((unsigned)p->data[FRAME_INDEX_OFF] << 8) | p->data[FRAME_INDEX_OFF + 1];
        if (i < FRAMES)
            r->drops[i]++;
    }
    if (ev->reason == DROP_LINK_LOSS)
        r->drop_reason[0]++;
    else if (ev->reason == DROP_LINK_QUEUE_FULL)
        r->drop_reason[1]++;
    else if (ev->reason == DROP_ETH_BAD_FCS)
        r->drop_reason[2]++;
}

static void
rig_init(struct rig *r, uint64_t seed, const struct link_params *lp)
{
    memset(r, 0, sizeof *r);
    sim_init(&r->s, seed);
    r->h = sim_add_host(&r->s, "bob");
    r->ifc = sim_host_add_iface(&r->s, r->h, 0xc0000202u, 24, 1500, NULL);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    char err[200];
    ck_assert_int_eq(drv_tap_attach_fd(&r->s, r->ifc, sv[0], "pair0", err, sizeof err), 0);
    r->kernel = sv[1];
    r->t = drv_tap_of_iface(r->ifc);
    ck_assert_ptr_nonnull(r->t);
    ck_assert_ptr_nonnull(r->s.rt);  /* the world follows the wall clock now */
    ck_assert_str_eq(r->t->name, "bob-pair0");
    if (lp != NULL)
        ck_assert_int_eq(drv_tap_set_params(r->t, lp), 0);
    r->sink.emit = rig_emit;
    r->sink.ctx = r;
    trace_attach(&r->s.trace, &r->sink);
}

static void
rig_destroy(struct rig *r)
{
    trace_detach(&r->s.trace, &r->sink);
    sim_destroy(&r->s);
    close(r->kernel);
    ck_assert_uint_eq(r->s.pool.live, 0);
}

/* Frame number i: Ethernet to bob (or from bob), IPv4 header, its number. */
static void
make_frame(uint8_t *b, unsigned i, bool to_host)
{
    static const uint8_t kmac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
    static const uint8_t bmac[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 };
    memset(b, 0, FRAME_LEN);
    memcpy(b, to_host ? bmac : kmac, 6);
    memcpy(b + 6, to_host ? kmac : bmac, 6);
    b[12] = 0x08;  /* IPv4 */
    b[14] = 0x45;
    b[17] = FRAME_LEN - 14;  /* total length */
    b[23] = 253;   /* protocol: experimentation [RFC 3692]: nobody's */
    b[FRAME_INDEX_OFF] = (uint8_t)(i >> 8);
    b[FRAME_INDEX_OFF + 1] = (uint8_t)i;
}

/* bob's eth0 sends frame number i. */
static void
host_sends(struct rig *r, unsigned i)
{
    uint8_t b[FRAME_LEN];
    make_frame(b, i, false);
    struct pkt *p = pkt_from_bytes(&r->s.pool, b, sizeof b);
    ck_assert_ptr_nonnull(p);
    sim_enter_host(&r->s, r->h);
    ck_assert_int_eq(drv_tap_transmit(r->ifc, p), 0);
}

/* Let the world run for ns of the wall clock. */
static void
settle(struct rig *r, uint64_t ns)
{
    sim_run_until(&r->s, r->s.now_ns + ns);
}

/* Every frame waiting at the kernel's end: got[number]++; returns how many. */
static unsigned
kernel_reads(struct rig *r, unsigned *got, uint8_t *last)
{
    uint8_t b[2048];
    unsigned n = 0;
    for (;;) {
        ssize_t k = recv(r->kernel, b, sizeof b, MSG_DONTWAIT);
        if (k < 0) {
            ck_assert_int_eq(errno, EAGAIN);
            return n;
        }
        ck_assert_int_eq(k, FRAME_LEN);
        unsigned i = ((unsigned)b[FRAME_INDEX_OFF] << 8) | b[FRAME_INDEX_OFF + 1];
        if (got != NULL && i < FRAMES)
            got[i]++;
        if (last != NULL)
            memcpy(last, b, FRAME_LEN);
        n++;
    }
}

START_TEST(test_frames_cross_both_ways_unchanged)
{
    struct rig r;
    rig_init(&r, 1, NULL);
    uint8_t want[FRAME_LEN], got[FRAME_LEN];
    make_frame(want, 7, false);
    host_sends(&r, 7);  /* no impairment: written at once */
    ck_assert_uint_eq(kernel_reads(&r, NULL, got), 1);
    ck_assert_mem_eq(got, want, FRAME_LEN);
    ck_assert_uint_eq(r.t->tx_frames, 1);

    make_frame(want, 8, true);
    ck_assert_int_eq(send(r.kernel, want, FRAME_LEN, 0), FRAME_LEN);
    settle(&r, 2 * NS_PER_MS);
    ck_assert_uint_eq(r.t->rx_frames, 1);
    ck_assert_uint_eq(r.t->dir[1].delivered, 1);  /* it reached bob's eth0 */
    rig_destroy(&r);
}
END_TEST

START_TEST(test_delay_holds_a_frame_toward_the_kernel_until_due)
{
    struct link_params lp = { .delay_ns = 5 * NS_PER_MS };
    struct rig r;
    rig_init(&r, 1, &lp);
    host_sends(&r, 1);
    uint64_t sent_ns = r.s.now_ns;
    ck_assert_uint_eq(kernel_reads(&r, NULL, NULL), 0);  /* not yet */
    ck_assert_uint_eq(sim_next_time(&r.s), sent_ns + 5 * NS_PER_MS);
    settle(&r, 10 * NS_PER_MS);
    ck_assert_uint_eq(kernel_reads(&r, NULL, NULL), 1);
    ck_assert_uint_eq(r.t->dir[0].delivered, 1);
    /* and a frame from the kernel is due 5 ms after it was read */
    uint8_t b[FRAME_LEN];
    make_frame(b, 2, true);
    ck_assert_int_eq(send(r.kernel, b, FRAME_LEN, 0), FRAME_LEN);
    while (r.t->rx_frames == 0)
        sim_step_until(&r.s, r.s.now_ns + NS_PER_MS);
    ck_assert_uint_eq(r.t->dir[1].delivered, 0);
    ck_assert_uint_ge(sim_next_time(&r.s), r.s.now_ns + 4 * NS_PER_MS);
    settle(&r, 10 * NS_PER_MS);
    ck_assert_uint_eq(r.t->dir[1].delivered, 1);
    rig_destroy(&r);
}
END_TEST

START_TEST(test_rate_and_limit_refuse_what_does_not_fit)
{
    /* 60 bytes at 100 kbit/s: 4.8 ms each; a queue of 2 holds two of five */
    struct link_params lp = { .rate_bps = 100000, .limit = 2 };
    struct rig r;
    rig_init(&r, 1, &lp);
    for (unsigned i = 0; i < 5; i++)
        host_sends(&r, i);
    ck_assert_uint_eq(r.drop_reason[1], 3);
    ck_assert_uint_eq(r.drops[2] + r.drops[3] + r.drops[4], 3);
    settle(&r, 20 * NS_PER_MS);
    unsigned got[FRAMES] = { 0 };
    ck_assert_uint_eq(kernel_reads(&r, got, NULL), 2);
    ck_assert_uint_eq(got[0], 1);
    ck_assert_uint_eq(got[1], 1);
    rig_destroy(&r);
}
END_TEST

START_TEST(test_corrupt_damages_one_octet_inside_the_datagram)
{
    struct link_params lp = { .corrupt = 1.0 };
    struct rig r;
    rig_init(&r, 1, &lp);
    uint8_t want[FRAME_LEN], got[FRAME_LEN];
    make_frame(want, 3, false);
    host_sends(&r, 3);
    ck_assert_uint_eq(kernel_reads(&r, NULL, got), 1);
    unsigned differ = 0, where = 0;
    for (unsigned k = 0; k < FRAME_LEN; k++)
        if (got[k] != want[k]) {
            differ++;
            where = k;
        }
    ck_assert_uint_eq(differ, 1);
    ck_assert_uint_ge(where, 14);  /* never the Ethernet header */
    ck_assert_uint_eq(got[where], (uint8_t)~want[where]);
    ck_assert_uint_eq(r.t->dir[0].corrupted, 1);
    rig_destroy(&r);

    /* l2: a bad FCS, which the kernel's NIC would drop: never written */
    struct link_params l2 = { .corrupt = 1.0, .corrupt_l2 = true };
    rig_init(&r, 1, &l2);
    host_sends(&r, 4);
    ck_assert_uint_eq(kernel_reads(&r, NULL, NULL), 0);
    ck_assert_uint_eq(r.drop_reason[2], 1);
    ck_assert_uint_eq(r.drops[4], 1);
    rig_destroy(&r);
}
END_TEST

/* Run FRAMES frames host -> kernel and FRAMES kernel -> host through loss
 * and duplication with seed; per frame number: copies the kernel read, and
 * drops on the tap wire of the kernel's frames. */
static void
lossy_run(uint64_t seed, unsigned *to_kernel, unsigned *from_kernel_dropped,
          unsigned *from_kernel_delivered)
{
    struct link_params lp = { .loss = 0.3, .duplicate = 0.2 };
    struct rig r;
    rig_init(&r, seed, &lp);
    memset(to_kernel, 0, FRAMES * sizeof *to_kernel);
    for (unsigned i = 0; i < FRAMES; i++) {
        host_sends(&r, i);
        kernel_reads(&r, to_kernel, NULL);
    }
    memset(r.drops, 0, sizeof r.drops);
    for (unsigned i = 0; i < FRAMES; i++) {
        uint8_t b[FRAME_LEN];
        make_frame(b, i, true);
        ck_assert_int_eq(send(r.kernel, b, FRAME_LEN, 0), FRAME_LEN);
        uint64_t before = r.t->rx_frames;
        while (r.t->rx_frames == before)  /* the driver has read it */
            sim_step_until(&r.s, r.s.now_ns + NS_PER_MS);
    }
    settle(&r, NS_PER_MS);
    memcpy(from_kernel_dropped, r.drops, sizeof r.drops);
    *from_kernel_delivered = (unsigned)r.t->dir[1].delivered;
    rig_destroy(&r);
}

START_TEST(test_same_seed_hits_the_same_frames_each_way)
{
    unsigned a[FRAMES], b[FRAMES], c[FRAMES];
    unsigned da[FRAMES], db[FRAMES], dc[FRAMES];
    unsigned na, nb, nc;
    lossy_run(5, a, da, &na);
    lossy_run(5, b, db, &nb);
    lossy_run(6, c, dc, &nc);
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert_mem_eq(da, db, sizeof da);
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(a, c, sizeof a) != 0);
    ck_assert(memcmp(da, dc, sizeof da) != 0);
    /* the impairments acted: some frames lost, some doubled, each way */
    unsigned lost = 0, doubled = 0, dropped = 0;
    for (unsigned i = 0; i < FRAMES; i++) {
        lost += a[i] == 0;
        doubled += a[i] == 2;
        dropped += da[i];
    }
    ck_assert_uint_gt(lost, 10);
    ck_assert_uint_lt(lost, FRAMES / 2);
    ck_assert_uint_gt(doubled, 3);
    ck_assert_uint_gt(dropped, 10);
    ck_assert_uint_gt(na, FRAMES / 2);
}
END_TEST

START_TEST(test_attach_fd_refuses_no_descriptor)
{
    struct sim s;
    sim_init(&s, 1);
    struct host *h = sim_add_host(&s, "bob");
    struct iface *ifc = sim_host_add_iface(&s, h, 0xc0000202u, 24, 1500, NULL);
    char err[100];
    ck_assert_int_eq(drv_tap_attach_fd(&s, ifc, -1, "x", err, sizeof err), -ERR_INVAL);
    ck_assert_str_eq(err, "tap: no descriptor");
    ck_assert_ptr_null(drv_tap_of_iface(ifc));
    sim_destroy(&s);
}
END_TEST

static Suite *
drv_tap_suite(void)
{
    Suite *s = suite_create("sim/drv_tap");
    TCase *tc = tcase_create("impairments");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_frames_cross_both_ways_unchanged);
    tcase_add_test(tc, test_delay_holds_a_frame_toward_the_kernel_until_due);
    tcase_add_test(tc, test_rate_and_limit_refuse_what_does_not_fit);
    tcase_add_test(tc, test_corrupt_damages_one_octet_inside_the_datagram);
    tcase_add_test(tc, test_same_seed_hits_the_same_frames_each_way);
    tcase_add_test(tc, test_attach_fd_refuses_no_descriptor);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(drv_tap_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
