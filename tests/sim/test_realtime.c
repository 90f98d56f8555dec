/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_realtime.c - Check suite for sim_step_until() and sim_attach_tap()'s
 * refusals: the parts of TAP mode that need no device and no privilege.
 *
 * A simulated world must step with sim_step_until() exactly as with
 * sim_next_time() + sim_step() + sim_run_until(), so a runner can use it in
 * both modes; sim_attach_tap() must refuse bad arguments with a sentence and
 * leave the world virtual (no clock read, s->rt still NULL). The device itself
 * is exercised against the kernel by tests/interop/.
 * A storm must halt TAP mode too, where the clock follows the wall clock and
 * so never stands still: driven by a fake wall clock (realtime_set_clock)
 * that moves a microsecond at every read, a loop of hubs halts at
 * SIM_INSTANT_EVENTS_MAX events naming its hosts, while a chain of events
 * that each wait a little, however long, does not, and neither does a world
 * a device keeps feeding (an AF_UNIX pair stands in for the TAP device).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/drv_tap.h"
#include "sim/realtime.h"
#include "sim/sim.h"
#include "sim/switch.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/addr.h"

static unsigned calls_run;

static void
count_call(struct sim *s, void *ctx)
{
    (void)s;
    (void)ctx;
    calls_run++;
}

START_TEST(test_step_until_runs_an_event_due_before_the_limit)
{
    struct sim s;
    sim_init(&s, 1);
    calls_run = 0;
    ck_assert_int_eq(sim_schedule_call(&s, 100, count_call, NULL), 0);
    ck_assert(sim_step_until(&s, 150));
    ck_assert_uint_eq(calls_run, 1);
    ck_assert_uint_eq(s.now_ns, 100);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_step_until_stops_at_the_limit_when_the_event_is_later)
{
    struct sim s;
    sim_init(&s, 1);
    calls_run = 0;
    sim_schedule_call(&s, 500, count_call, NULL);
    ck_assert(!sim_step_until(&s, 200));
    ck_assert_uint_eq(calls_run, 0);
    ck_assert_uint_eq(s.now_ns, 200);  /* the clock waited until the limit */
    ck_assert(sim_step_until(&s, 500));
    ck_assert_uint_eq(calls_run, 1);
    ck_assert_uint_eq(s.now_ns, 500);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_step_until_never_moves_time_back_or_to_infinity)
{
    struct sim s;
    sim_init(&s, 1);
    sim_run_until(&s, 1000);
    ck_assert(!sim_step_until(&s, 10));
    ck_assert_uint_eq(s.now_ns, 1000);
    ck_assert(!sim_step_until(&s, UINT64_MAX));  /* empty heap */
    ck_assert_uint_eq(s.now_ns, 1000);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_attach_tap_refuses_bad_names_and_stays_virtual)
{
    struct sim s;
    sim_init(&s, 1);
    struct host *h = sim_add_host(&s, "bob");
    struct iface *ifc = sim_host_add_iface(&s, h, 0xc0000202u, 24, 1500, NULL);
    char err[200];
    ck_assert_int_eq(sim_attach_tap(&s, ifc, "", err, sizeof err), -ERR_INVAL);
    ck_assert(strstr(err, "device name") != NULL);
    ck_assert_int_eq(sim_attach_tap(&s, ifc, "much-too-long-name0", err, sizeof err), -ERR_INVAL);
    ck_assert_int_eq(sim_attach_tap(&s, ifc, "a/b", err, sizeof err), -ERR_INVAL);
    ck_assert_int_eq(sim_attach_tap(&s, NULL, "nstap0", err, sizeof err), -ERR_INVAL);
    ck_assert_int_eq(sim_attach_tap(&s, ifc, "", NULL, 0), -ERR_INVAL);  /* no err buffer */
    ck_assert_ptr_null(s.rt);
    ck_assert_ptr_null(drv_tap_of_iface(ifc));
    sim_destroy(&s);
    ck_assert_uint_eq(s.pool.live, 0);
}
END_TEST

/* A wall clock that moves 1 us at every read (so the world's clock moves
 * between any two events, as the real one does) and jumps when waited on. */
static uint64_t fake_wall_ns;

static uint64_t
fake_clock(void *ctx)
{
    (void)ctx;
    fake_wall_ns += 1000;
    return fake_wall_ns;
}

static void
fake_sleep(void *ctx, uint64_t ns)
{
    (void)ctx;
    fake_wall_ns += ns;
}

/* Run s in TAP-mode steps (as a runner does) until it halts or `events` ran. */
static void
run_live(struct sim *s, uint64_t events)
{
    while (s->halted == SIM_HALT_NONE && s->events_run < events)
        sim_step_until(s, s->now_ns + 1000000000u);
}

START_TEST(test_storm_halts_in_tap_mode_though_the_clock_moves)
{
    /* alice - h1 = h2 - bob: two hubs joined twice over links without
     * delay; alice's ARP request circles them forever. */
    struct sim s;
    sim_init(&s, 1);
    struct lan_switch *h1 = sim_add_switch(&s, "h1", true);
    struct lan_switch *h2 = sim_add_switch(&s, "h2", true);
    struct host *alice = sim_add_host(&s, "alice");
    struct host *bob = sim_add_host(&s, "bob");
    struct iface *a = sim_host_add_iface(&s, alice, IPV4_ADDR(192, 0, 2, 1), 24, 1500, NULL);
    struct iface *b = sim_host_add_iface(&s, bob, IPV4_ADDR(192, 0, 2, 2), 24, 1500, NULL);
    ck_assert_ptr_nonnull(sim_add_link(&s, a, switch_add_port(h1), NULL));
    ck_assert_ptr_nonnull(sim_add_link(&s, b, switch_add_port(h2), NULL));
    ck_assert_ptr_nonnull(sim_add_link(&s, switch_add_port(h1), switch_add_port(h2), NULL));
    ck_assert_ptr_nonnull(sim_add_link(&s, switch_add_port(h1), switch_add_port(h2), NULL));
    struct realtime *rt = realtime_get(&s);
    ck_assert_ptr_nonnull(rt);
    fake_wall_ns = 5000000000u;
    realtime_set_clock(rt, fake_clock, fake_sleep, NULL);

    sim_enter_host(&s, alice);
    int fd = sock_socket(alice, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, 0);
    struct sock_addr to = { .addr = IPV4_ADDR(192, 0, 2, 2), .port = 7 };
    static const uint8_t hello[] = "hello";
    ck_assert_int_eq(sock_sendto(alice, fd, hello, sizeof hello, &to), (int)sizeof hello);
    sim_host_entered(&s, alice);
    uint64_t start_ns = s.now_ns;

    run_live(&s, 3u * SIM_INSTANT_EVENTS_MAX);
    ck_assert_int_eq(s.halted, SIM_HALT_STORM);
    ck_assert_uint_eq(s.events_run, SIM_INSTANT_EVENTS_MAX);
    /* the clock did move, a microsecond or more per event */
    ck_assert_uint_ge(s.now_ns - start_ns, (uint64_t)SIM_INSTANT_EVENTS_MAX * 1000u);
    ck_assert_msg(strstr(s.halt_msg, "a storm: 1000000 events in a row from ") != NULL,
                  "halt_msg: %s", s.halt_msg);
    ck_assert_msg(strstr(s.halt_msg, "none waited for a delay, a timer or a frame from a device")
                  != NULL, "halt_msg: %s", s.halt_msg);
    /* who made it: the hosts, the hubs, the looping links, the last frame */
    ck_assert_msg(strstr(s.halt_msg, "handled by alice ") != NULL &&
                  strstr(s.halt_msg, " h1 ") != NULL && strstr(s.halt_msg, " h2 ") != NULL &&
                  strstr(s.halt_msg, "h1-h2/2 ") != NULL &&
                  strstr(s.halt_msg, "; the last frame: #") != NULL, "halt_msg: %s", s.halt_msg);
    sim_destroy(&s);
}
END_TEST

/* A call that schedules itself again after `gap_ns` (0: at once). */
static uint64_t chain_gap_ns;

static void
chain_call(struct sim *s, void *ctx)
{
    sim_schedule_call(s, s->now_ns + chain_gap_ns, chain_call, ctx);
}

START_TEST(test_events_that_wait_a_little_are_no_storm_in_tap_mode)
{
    /* More events in a row than one instant may hold, each 1 us after the
     * one before: a busy world, not a storm. */
    struct sim s;
    sim_init(&s, 1);
    struct realtime *rt = realtime_get(&s);
    fake_wall_ns = 0;
    realtime_set_clock(rt, fake_clock, fake_sleep, NULL);
    chain_gap_ns = 1000;
    ck_assert_int_eq(sim_schedule_call(&s, s.now_ns, chain_call, NULL), 0);
    run_live(&s, SIM_INSTANT_EVENTS_MAX + 1000u);
    ck_assert_int_eq(s.halted, SIM_HALT_NONE);
    ck_assert_uint_ge(s.events_run, SIM_INSTANT_EVENTS_MAX + 1000u);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_events_due_at_once_are_a_storm_in_tap_mode)
{
    /* The same chain without a gap: each call due when the one before ran,
     * so the run halts, though the wall clock moved at every event. */
    struct sim s;
    sim_init(&s, 1);
    struct realtime *rt = realtime_get(&s);
    fake_wall_ns = 0;
    realtime_set_clock(rt, fake_clock, fake_sleep, NULL);
    chain_gap_ns = 0;
    ck_assert_int_eq(sim_schedule_call(&s, s.now_ns, chain_call, NULL), 0);
    run_live(&s, 3u * SIM_INSTANT_EVENTS_MAX);
    ck_assert_int_eq(s.halted, SIM_HALT_STORM);
    ck_assert_uint_eq(s.events_run, SIM_INSTANT_EVENTS_MAX);
    ck_assert_uint_ge(s.now_ns, (uint64_t)SIM_INSTANT_EVENTS_MAX * 1000u);
    sim_destroy(&s);
}
END_TEST

/* The wire's far end: every 100,000 clock reads, one frame into the device. */
static int feed_fd = -1;
static uint64_t feed_reads;

static uint64_t
feeding_clock(void *ctx)
{
    if (++feed_reads % 100000u == 0) {
        uint8_t frame[60] = { 0x02, 0, 0, 0, 0x77, 0x77, 0x02, 0, 0, 0, 0x66, 0x66, 0x08, 0x00 };
        ck_assert_int_eq(write(feed_fd, frame, sizeof frame), (int)sizeof frame);
    }
    return fake_clock(ctx);
}

START_TEST(test_a_world_a_device_keeps_feeding_is_no_storm)
{
    /* The chain of calls due at once, as in the storm above, but frames keep
     * coming from a device meanwhile (a flood netstep cannot keep up with):
     * the world is busy because of the wire, not on its own. */
    struct sim s;
    sim_init(&s, 1);
    struct host *h = sim_add_host(&s, "bob");
    struct iface *ifc = sim_host_add_iface(&s, h, IPV4_ADDR(192, 0, 2, 2), 24, 1500, NULL);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    char err[200];
    ck_assert_int_eq(drv_tap_attach_fd(&s, ifc, sv[0], "wire", err, sizeof err), 0);
    feed_fd = sv[1];
    feed_reads = 0;
    fake_wall_ns = 0;
    realtime_set_clock(s.rt, feeding_clock, fake_sleep, NULL);
    chain_gap_ns = 0;
    ck_assert_int_eq(sim_schedule_call(&s, s.now_ns, chain_call, NULL), 0);
    run_live(&s, 3u * SIM_INSTANT_EVENTS_MAX);
    ck_assert_int_eq(s.halted, SIM_HALT_NONE);
    ck_assert_uint_ge(s.events_run, 3u * SIM_INSTANT_EVENTS_MAX);
    ck_assert_uint_ge(drv_tap_of_iface(ifc)->rx_frames, 20);  /* the feed did arrive */
    sim_destroy(&s);
    close(sv[1]);
}
END_TEST

static Suite *
realtime_suite(void)
{
    Suite *s = suite_create("sim/realtime");
    TCase *step = tcase_create("step_until");
    tcase_add_test(step, test_step_until_runs_an_event_due_before_the_limit);
    tcase_add_test(step, test_step_until_stops_at_the_limit_when_the_event_is_later);
    tcase_add_test(step, test_step_until_never_moves_time_back_or_to_infinity);
    suite_add_tcase(s, step);
    TCase *tap = tcase_create("attach");
    tcase_add_test(tap, test_attach_tap_refuses_bad_names_and_stays_virtual);
    TCase *storm = tcase_create("storm");
    tcase_set_timeout(storm, 120);
    tcase_add_test(storm, test_storm_halts_in_tap_mode_though_the_clock_moves);
    tcase_add_test(storm, test_events_that_wait_a_little_are_no_storm_in_tap_mode);
    tcase_add_test(storm, test_events_due_at_once_are_a_storm_in_tap_mode);
    tcase_add_test(storm, test_a_world_a_device_keeps_feeding_is_no_storm);
    suite_add_tcase(s, storm);
    suite_add_tcase(s, tap);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(realtime_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
