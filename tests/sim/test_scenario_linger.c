/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_linger.c - `close` under SO_LINGER in the scenario runner.
 *
 * A positive linger time makes close block, as a C program's close() does
 * [BSD soclose()]: the runner turns the stack's "close in progress" into a
 * blocking job woken by SOCK_POLLCLOSE, in the foreground or with `&`. These
 * runs assert the simulated time close returns at (one round trip after it
 * was called, or exactly the linger time), its result (0, or EWOULDBLOCK
 * when the time runs out), that the fd is gone either way, and that
 * `expect ... state` still finds the connection left behind.
 */
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "harness/scenario_helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two hosts 10 ms apart (a 20 ms round trip), bob listening on port 80,
 * alice connected to him (a at bob): the connection is up at 0.05 s. */
#define PAIR(bob_opts)                                                         \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob 192.0.2.2/24\n"                                                  \
    "link alice bob delay 10ms\n"                                              \
    "bob: l = socket tcp\n" bob_opts                                           \
    "bob: bind l 80\n"                                                         \
    "bob: listen l\n"                                                          \
    "alice: c = socket tcp\n"                                                  \
    "alice: connect c bob:80\n"                                                \
    "bob: a = accept l\n"

/* Without linger, close returns at once; with `linger 5s` it returns 0 one
 * round trip later, when the peer's ACK of the data and the FIN is in; the
 * socket is gone and the connection it left is in FIN-WAIT-2. */
START_TEST(test_linger_close_blocks_until_the_fin_is_acknowledged)
{
    struct scenario_run *ru = scenario_run_text(
        PAIR("")
        "bob: b = accept l &\n"
        "alice: d = socket tcp\n"
        "alice: connect d bob:80\n"
        "wait b\n"
        "expect time == 80ms\n"
        "alice: send d \"plain\"\n"
        "alice: close d\n"                            /* the default: at once */
        "expect time == 80ms\n"
        "alice: setsockopt c linger 5s\n"
        "alice: send c bytes 3000\n"
        "alice: close c\n"
        "expect time == 100ms\n"                      /* one round trip */
        "expect alice c error == none\n"
        "expect alice c state FIN_WAIT_2\n"
        "alice: close c\n"                            /* the fd is gone */
        "expect alice c error == EBADF\n"
        "bob: recv a all -> got\n"
        "expect got length == 3000\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 7);
    scenario_output_has(ru, "[  0.080000] alice: close d                                     => 0\n");
    scenario_output_has(ru, "[  0.100000] alice: close c                                     => 0 (the peer "
            "acknowledged the data and the FIN)\n");
    scenario_run_free(ru);
}
END_TEST

/* The link is down: nothing is acknowledged, and close returns EWOULDBLOCK
 * at exactly the linger time - 8 s, longer than a call's 5 s default
 * timeout - with the fd gone and the connection retransmitting alone. */
START_TEST(test_linger_close_gives_up_at_the_linger_time)
{
    struct scenario_run *ru = scenario_run_text(
        PAIR("")
        "alice: setsockopt c linger 8s\n"
        "link alice bob down\n"
        "alice: send c \"lost\"\n"
        "alice: close c\n"
        "expect time == 8.05s\n"
        "expect alice c error == EWOULDBLOCK\n"
        "expect alice c state FIN_WAIT_1\n"
        "alice: close c\n"
        "expect alice c error == EBADF\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 4);
    scenario_output_has(ru, "[  8.050000] alice: close c                                     => -1 EAGAIN "
            "(Resource temporarily unavailable): the linger time ran out before the peer "
            "acknowledged everything; the socket is gone, the connection goes on alone\n");
    scenario_run_free(ru);
}
END_TEST

/* A zero window holds the data back; `close c &` lingers in the background
 * while the script goes on, and finishes with 0 once bob reads everything
 * and acknowledges the FIN. Without the read it would run out at 5 s. */
START_TEST(test_linger_close_in_the_background_ends_when_the_peer_reads)
{
    struct scenario_run *ru = scenario_run_text(
        PAIR("bob: setsockopt l rcvbuf 1000\n")
        "alice: setsockopt c linger 5s\n"
        "alice: send c bytes 3000\n"
        "alice: close c &\n"
        "sleep 1s\n"
        "expect alice c state FIN_WAIT_1\n"           /* still lingering */
        "expect alice c tcb snd_wnd == 0\n"
        "bob: recv a all -> got\n"
        "wait c\n"
        "expect time < 5s\n"
        "expect alice c error == none\n"
        "expect alice c state FIN_WAIT_2\n"
        "expect got length == 3000\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 6);
    scenario_output_has(ru, "alice: close c &                                   => 0 (the peer acknowledged "
            "the data and the FIN)  (background, line 13)\n");
    scenario_run_free(ru);
}
END_TEST

/* The same with nobody reading: the background close runs out at 5 s. */
START_TEST(test_linger_close_in_the_background_runs_out_on_a_zero_window)
{
    struct scenario_run *ru = scenario_run_text(
        PAIR("bob: setsockopt l rcvbuf 1000\n")
        "alice: setsockopt c linger 5s\n"
        "alice: send c bytes 3000\n"
        "alice: close c &\n"
        "wait c\n"
        "expect time == 5.05s\n"
        "expect alice c error == EWOULDBLOCK\n"
        "expect alice c state FIN_WAIT_1\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 3);
    scenario_run_free(ru);
}
END_TEST

/* close takes `&` but no timeout: the linger time is its wait. */
START_TEST(test_close_takes_no_timeout)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string(
        "t.scn", "host alice 192.0.2.1/24\nalice: c = socket tcp\nalice: close c timeout 1s\n",
        &d);
    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, "t.scn:3:16: error: close waits as long as SO_LINGER says "
                              "(setsockopt VAR linger 5s), so it takes no timeout");
    scn = scenario_parse_ok("host alice 192.0.2.1/24\nalice: c = socket tcp\nalice: close c &\n"
                   "wait c\n");
    ck_assert(scn->steps[1].background);
    scenario_free(scn);
}
END_TEST

static Suite *
scenario_linger_suite(void)
{
    Suite *s = suite_create("scenario_linger");
    TCase *tc = tcase_create("close");
    tcase_add_test(tc, test_linger_close_blocks_until_the_fin_is_acknowledged);
    tcase_add_test(tc, test_linger_close_gives_up_at_the_linger_time);
    tcase_add_test(tc, test_linger_close_in_the_background_ends_when_the_peer_reads);
    tcase_add_test(tc, test_linger_close_in_the_background_runs_out_on_a_zero_window);
    tcase_add_test(tc, test_close_takes_no_timeout);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_linger_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
