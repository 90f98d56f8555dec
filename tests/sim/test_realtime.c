/*
 * test_realtime.c - Check suite for sim_step_until() and sim_attach_tap()'s
 * refusals: the parts of TAP mode that need no device and no privilege.
 *
 * A simulated world must step with sim_step_until() exactly as with
 * sim_next_time() + sim_step() + sim_run_until(), so a runner can use it in
 * both modes; sim_attach_tap() must refuse bad arguments with a sentence and
 * leave the world virtual (no clock read, s->rt still NULL). The device itself
 * is exercised against the kernel by tests/interop/.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "sim/drv_tap.h"
#include "sim/sim.h"
#include "stack/err.h"
#include "stack/host.h"

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
