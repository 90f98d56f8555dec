/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_echo.c - `HOST: echo tcp|udp PORT`, the background echo
 * server [RFC 862]: a UDP datagram comes back to its sender, a TCP stream
 * comes back byte for byte and the server closes after the peer does, two
 * connections are served at once, bad lines are refused with FILE:LINE:COL
 * and the statement prints back as it parses.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario_helpers.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"

#define WORLD                                        \
    "host alice 192.0.2.1/24\n"                      \
    "host bob 192.0.2.2/24\n"                        \
    "switch sw\n"                                    \
    "link alice sw\nlink bob sw\n"

/* The SHA-256 of `bytes N`'s pattern ("abc...z" repeated), computed apart
 * from netstep (Python's hashlib). */
#define SHA_100000 "bc634ceb27746878af610424e3afd5024f31e06f1f3479deda6cb33a21258bf7"
#define SHA_20000  "87abfe9ab54dd8877db312bae5fa939a0066324d807386b629fd29a76d624097"
/* ... followed by "alice" (20000), by "carol" (30000) */
#define SHA_A "0ae5b9b6e523a8d3ae10a22df748488ae48b064b226f053903d6204e1d73432e"
#define SHA_C "ad9b75218b123f061393020978ab2b5b1d4a1e46558c14bee1e7d6f6ed2a70d0"

START_TEST(test_udp_datagram_comes_back_to_its_sender)
{
    struct scenario_run *run = scenario_run_text(WORLD
                                                 "bob: echo udp 7\n"
                                                 "alice: u = socket udp\n"
                                                 "alice: bind u 5000\n"
                                                 "alice: sendto u 192.0.2.2:7 \"hello\"\n"
                                                 "alice: recvfrom u 100 -> back\n"
                                                 "expect back == \"hello\"\n"
                                                 "alice: sendto u 192.0.2.2:7 \"again\"\n"
                                                 "alice: recvfrom u 100 -> back2\n"
                                                 "expect back2 == \"again\"\n");
    scenario_assert_expects(run, 2);
    scenario_output_has(run, "=> echoing udp port 7 in the background until the scenario ends");
    scenario_output_has(run, "5 bytes from 192.0.2.2:7: \"hello\"");
    scenario_run_free(run);
}
END_TEST

/* Nothing listens on a UDP port the echo server does not own: the
 * datagram is not answered (the server echoes its own port only). */
START_TEST(test_udp_other_port_is_not_echoed)
{
    struct scenario_run *run = scenario_run_text(WORLD
                                                 "bob: echo udp 7\n"
                                                 "alice: u = socket udp\n"
                                                 "alice: sendto u 192.0.2.2:9 \"hello\"\n"
                                                 "alice: recvfrom u 100 timeout 1s -> back\n");
    scenario_output_has(run, "-1 EAGAIN");
    scenario_run_free(run);
}
END_TEST

START_TEST(test_tcp_bytes_come_back_exactly_and_server_closes)
{
    struct scenario_run *run = scenario_run_text(WORLD
                                                 "bob: echo tcp 7\n"
                                                 "alice: s = socket tcp\n"
                                                 "alice: connect s 192.0.2.2:7\n"
                                                 "alice: send s bytes 100000\n"
                                                 "alice: shutdown s wr\n"
                                                 "alice: recv s all -> back\n"
                                                 "expect back sha256 " SHA_100000 "\n");
    scenario_assert_expects(run, 1);
    /* recv all ends at the server's FIN: it closed after alice did. */
    scenario_output_has(run, "alice: recv s all -> back");
    ck_assert_ptr_null(strstr(run->out, "timed out"));
    scenario_run_free(run);
}
END_TEST

START_TEST(test_two_tcp_clients_at_once)
{
    struct scenario_run *run = scenario_run_text("host alice 192.0.2.1/24\n"
                                                 "host bob 192.0.2.2/24\n"
                                                 "host carol 192.0.2.3/24\n"
                                                 "switch sw\n"
                                                 "link alice sw\nlink bob sw\nlink carol sw\n"
                                                 "bob: echo tcp 7\n"
                                                 "alice: s = socket tcp\n"
                                                 "carol: t = socket tcp\n"
                                                 "alice: connect s 192.0.2.2:7\n"
                                                 "carol: connect t 192.0.2.2:7\n"
                                                 "alice: send s bytes 20000\n"
                                                 "carol: send t bytes 30000\n"
                                                 "carol: send t \"carol\"\n"
                                                 "alice: send s \"alice\"\n"
                                                 "alice: shutdown s wr\n"
                                                 "carol: shutdown t wr\n"
                                                 "carol: recv t all -> c\n"
                                                 "alice: recv s all -> a\n"
                                                 "expect a sha256 " SHA_A "\n"
                                                 "expect c sha256 " SHA_C "\n");
    scenario_assert_expects(run, 2);
    ck_assert_ptr_null(strstr(run->out, "timed out"));
    scenario_run_free(run);
}
END_TEST

/* A second connection after the first is done is served too. */
START_TEST(test_tcp_connections_one_after_another)
{
    struct scenario_run *run = scenario_run_text(WORLD
                                                 "bob: echo tcp 7\n"
                                                 "alice: s1 = socket tcp\n"
                                                 "alice: connect s1 192.0.2.2:7\n"
                                                 "alice: send s1 bytes 20000\n"
                                                 "alice: shutdown s1 wr\n"
                                                 "alice: recv s1 all -> back1\n"
                                                 "expect back1 sha256 " SHA_20000 "\n"
                                                 "alice: close s1\n"
                                                 "alice: s2 = socket tcp\n"
                                                 "alice: connect s2 192.0.2.2:7\n"
                                                 "alice: send s2 bytes 20000\n"
                                                 "alice: shutdown s2 wr\n"
                                                 "alice: recv s2 all -> back2\n"
                                                 "expect back2 sha256 " SHA_20000 "\n"
                                                 "alice: close s2\n"
                                                 "alice: s3 = socket tcp\n"
                                                 "alice: connect s3 192.0.2.2:7\n"
                                                 "alice: send s3 bytes 20000\n"
                                                 "alice: shutdown s3 wr\n"
                                                 "alice: recv s3 all -> back3\n"
                                                 "expect back3 sha256 " SHA_20000 "\n"
                                                 "alice: close s3\n");
    scenario_assert_expects(run, 3);
    scenario_run_free(run);
}
END_TEST

static const struct {
    const char *text;
    const char *error;
} bad_echoes[] = {
    { WORLD "bob: echo\n", "t.scn:6:6: error: echo needs tcp or udp and a port" },
    { WORLD "bob: echo tcp\n", "t.scn:6:6: error: echo needs tcp or udp and a port" },
    { WORLD "bob: echo sctp 7\n", "t.scn:6:11: error: echo serves tcp or udp, found 'sctp'" },
    { WORLD "bob: echo tcp 0\n", "t.scn:6:15: error: port must be at least 1" },
    { WORLD "bob: echo udp 70000\n", "t.scn:6:15: error: port 70000 is more than 65535" },
    { WORLD "bob: echo tcp seven\n",
      "t.scn:6:15: error: port must be a whole number, found 'seven'" },
    { WORLD "bob: echo tcp 7 &\n", "t.scn:6:17: error: echo does not block, so '&' has nothing to run in the "
      "background" },
    { WORLD "bob: echo tcp 7 loud\n", "t.scn:6:17: error: unexpected 'loud' at the end of the line" },
    { WORLD "bob: ecko tcp 7\n", "t.scn:6:6: error: unknown call 'ecko' (did you mean 'echo'?)" },
};

START_TEST(test_echo_errors)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", bad_echoes[_i].text, &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, bad_echoes[_i].error);
}
END_TEST

START_TEST(test_echo_parses_and_prints_back)
{
    struct scenario *scn = scenario_parse_ok(WORLD "bob: echo tcp 7\nbob: echo udp 65535\n");
    char *text = NULL;
    size_t len = 0;

    ck_assert_uint_eq(scn->n_steps, 2);
    ck_assert_int_eq(scn->steps[0].kind, SCN_STEP_ECHO);
    ck_assert(scn->steps[0].echo.tcp);
    ck_assert_uint_eq(scn->steps[0].echo.port, 7);
    ck_assert(!scn->steps[1].echo.tcp);
    ck_assert_uint_eq(scn->steps[1].echo.port, 65535);

    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scenario_print(scn, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_ptr_nonnull(strstr(text, "bob: echo tcp 7\n"));
    ck_assert_ptr_nonnull(strstr(text, "bob: echo udp 65535\n"));
    struct scn_diag d;
    struct scenario *again = scenario_parse_string("printed.scn", text, &d);
    ck_assert_msg(again != NULL, "printed text does not parse: %s\n%s", d.first, text);
    ck_assert_msg(scenario_equal(scn, again), "printed text parses differently:\n%s", text);
    /* and a different port is a different scenario */
    struct scenario *other = scenario_parse_ok(WORLD "bob: echo tcp 8\nbob: echo udp 65535\n");
    ck_assert(!scenario_equal(scn, other));
    scenario_free(other);
    scenario_free(again);
    scenario_free(scn);
    free(text);
}
END_TEST

/* The port is taken: the second server's bind fails, and says so. */
START_TEST(test_port_in_use_is_reported)
{
    struct scenario_run *run = scenario_run_text(WORLD "bob: echo tcp 7\nbob: echo tcp 7\n");
    scenario_output_has(run, "bob: echo tcp 7                                    => -1 EADDRINUSE");
    scenario_run_free(run);
}
END_TEST

static Suite *
scenario_echo_suite(void)
{
    Suite *s = suite_create("scenario_echo");
    TCase *tc = tcase_create("echo");
    tcase_add_test(tc, test_udp_datagram_comes_back_to_its_sender);
    tcase_add_test(tc, test_udp_other_port_is_not_echoed);
    tcase_add_test(tc, test_tcp_bytes_come_back_exactly_and_server_closes);
    tcase_add_test(tc, test_two_tcp_clients_at_once);
    tcase_add_test(tc, test_tcp_connections_one_after_another);
    tcase_add_loop_test(tc, test_echo_errors, 0,
                        (int)(sizeof(bad_echoes) / sizeof(bad_echoes[0])));
    tcase_add_test(tc, test_echo_parses_and_prints_back);
    tcase_add_test(tc, test_port_in_use_is_reported);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_echo_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
