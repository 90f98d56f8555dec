/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_live.c - one statement at a time into a scenario that already
 * ran: scenario_parse_step() and scn_runner_live(), what the view's command
 * line is built on.
 *
 * Good lines must become steps in the scenario's names (and define new ones
 * later lines can use); bad lines must give the parser's exact message,
 * position included, and leave the scenario as it was. Through the runner a
 * live call must keep blocking semantics (simulated time runs until it
 * completes), join background calls of the script, and survive the step
 * table moving under the runner's running jobs.
 */
#include "sim/scenario.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_run.h"

/* bob listens, with an accept left running in the background. */
#define SERVER                                                                 \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob 192.0.2.2/24\n"                                                  \
    "link alice bob delay 10ms\n"                                              \
    "bob: s = socket tcp\n"                                                    \
    "bob: bind s 80\n"                                                         \
    "bob: listen s 5\n"                                                        \
    "bob: a = accept s &\n"                                                    \
    "ping alice bob -> p\n"

static struct scenario *scn;

static void
setup(void)
{
    struct scn_diag d;
    scn = scenario_parse_string("t.scn", SERVER, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
}

static void
teardown(void)
{
    scenario_free(scn);
}

/* Parse a line that must be good; returns its step. */
static const struct scn_step *
live_ok(const char *text, unsigned line)
{
    struct scn_diag d;
    size_t n = scn->n_steps;
    long k = scenario_parse_step(scn, text, line, &d);
    ck_assert_msg(k >= 0, "'%s': %s", text, d.first);
    ck_assert_int_eq(k, (long)n);
    ck_assert_uint_eq(scn->n_steps, n + 1);
    ck_assert_uint_eq(d.n_errors, 0);
    return &scn->steps[k];
}

/* A line that must fail with exactly msg, leaving every table as it was. */
static void
live_bad(const char *text, const char *msg)
{
    struct scn_diag d;
    size_t steps = scn->n_steps, socks = scn->n_socks, dvars = scn->n_dvars;
    ck_assert_int_eq(scenario_parse_step(scn, text, 1, &d), -1);
    ck_assert_str_eq(d.first, msg);
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_uint_eq(scn->n_steps, steps);
    ck_assert_uint_eq(scn->n_socks, socks);
    ck_assert_uint_eq(scn->n_dvars, dvars);
}

/* ---- the parser ---------------------------------------------------------- */

START_TEST(test_live_line_becomes_a_step_in_the_scenarios_names)
{
    const struct scn_step *st = live_ok("alice: c = socket tcp", 1);
    ck_assert_int_eq(st->kind, SCN_STEP_SOCKET);
    ck_assert_int_eq(st->host, scenario_host_find(scn, "alice"));
    ck_assert_str_eq(scn->socks[st->sock].name, "c");
    ck_assert_str_eq(scn->files[st->file], SCN_LIVE_FILE);
    ck_assert_uint_eq(st->line, 1);

    /* the new socket is usable by the next line; the host's by name */
    st = live_ok("alice: connect c bob:80", 2);
    ck_assert_int_eq(st->kind, SCN_STEP_CONNECT);
    ck_assert_str_eq(scn->socks[st->sock].name, "c");
    ck_assert_uint_eq(st->connect.dest.addr.addr, scn->hosts[1].addr);
    ck_assert_uint_eq(st->line, 2);

    /* `wait` finds the script's background accept */
    st = live_ok("wait a", 3);
    ck_assert_int_eq(st->kind, SCN_STEP_WAIT);
    ck_assert_str_eq(scn->socks[st->sock].name, "a");

    /* indentation and a comment are not part of the step's text */
    st = live_ok("   alice: close c   # done", 4);
    ck_assert_str_eq(st->text, "alice: close c");
    ck_assert_uint_eq(st->col, 4);

    /* a data variable a live line defines is there for the next */
    st = live_ok("alice: recv c 10 -> data", 5);
    ck_assert_str_eq(scn->dvars[st->dvar].name, "data");
    live_ok("expect data == \"x\"", 6);

    /* steps that are not calls: link state, at, ping into the script's variable */
    ck_assert_int_eq(live_ok("link alice bob down", 7)->kind, SCN_STEP_LINK_STATE);
    ck_assert(live_ok("at 5s alice: close c", 8)->has_at);
    ck_assert_int_eq(live_ok("ping alice bob -> p", 9)->kind, SCN_STEP_PING);
    /* the live file is named once, however many lines came */
    size_t live_files = 0;
    for (size_t i = 0; i < scn->n_files; i++)
        live_files += strcmp(scn->files[i], SCN_LIVE_FILE) == 0;
    ck_assert_uint_eq(live_files, 1);
}
END_TEST

START_TEST(test_live_bad_lines_say_why_in_the_parsers_words)
{
    live_bad("alcie: c = socket tcp",
             "command line:1:1: error: unknown host 'alcie' (did you mean 'alice'?)");
    live_bad("alice: connect x bob:80",
             "command line:1:16: error: alice has no socket 'x' (sockets are defined with "
             "'VAR = socket udp')");
    /* the socket variable is defined before its type is read: it must go */
    live_bad("alice: s2 = socket foo",
             "command line:1:20: error: unknown socket type 'foo' (use udp, tcp, icmp, udp6, tcp6, local stream or local dgram)");
    ck_assert_int_eq(scenario_parse_step(scn, "alice: s2 = socket udp", 1, NULL), 5);
    live_bad("say \"unterminated",
             "command line:1:5: error: unterminated quoted text (it needs a closing '\"' on "
             "the same line)");
    live_bad("recv c 10", "command line:1:1: error: 'recv' is a call a host makes: write "
             "'HOST: recv ...'");
    live_bad("wait c", "command line:1:6: error: no background call on 'c' to wait for (a call "
             "ending in '&' starts one)");
    /* a live data variable keeps its kind, as in a file */
    live_ok("bob: recv a 5 -> got", 2);
    live_bad("ping alice bob -> got", "command line:1:19: error: 'got' already holds received "
             "data (defined at 2:18)");
}
END_TEST

START_TEST(test_live_refuses_what_is_no_step)
{
    live_bad("host carol 192.0.2.3/24",
             "command line:1:1: error: 'host' describes the world, which is built already; the "
             "command line runs steps (a host's calls, ping, traceroute, sleep, say, expect, "
             "set, drop, wait, at)");
    live_bad("  title \"x\"",
             "command line:1:3: error: 'title' describes the world, which is built already; "
             "the command line runs steps (a host's calls, ping, traceroute, sleep, say, "
             "expect, set, drop, wait, at)");
    live_bad("link alice bob delay 5ms",
             "command line:1:1: error: 'link' describes the world, which is built already; "
             "the command line can only take a link 'down' or 'up'");
    live_bad("repeat 3 {", "command line:1:1: error: 'repeat' needs a block of lines; the "
             "command line runs one statement at a time");
    live_bad("pause", "command line:1:1: error: 'pause' stops a script for the presenter; on "
             "the command line there is nothing to pause");
    live_bad("expect packets tcp == 1",
             "command line:1:8: error: expect packets counts frames from the start of a run, "
             "so it cannot be checked from the command line (it can in a file)");
    live_bad("", "command line:1:1: error: nothing to run: write a statement, like 'alice: s = "
             "socket udp'");
    live_bad("   # a comment", "command line:1:1: error: nothing to run: write a statement, "
             "like 'alice: s = socket udp'");
    live_bad("alice: d = socket udp\nbob: close s",
             "command line:1:22: error: one statement, on one line");
}
END_TEST

/* ---- through the runner -------------------------------------------------- */

static struct scn_runner *
run_script(void)
{
    struct scn_run_opts opts = { 0 };
    struct scn_runner *r = calloc(1, sizeof *r);
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    while (scn_runner_step(r))
        ;
    return r;
}

static long
run_ok(struct scn_runner *r, const char *text, unsigned line)
{
    struct scn_diag d;
    long k = scn_runner_live(r, scn, text, line, &d);
    ck_assert_msg(k >= 0, "'%s': %s", text, d.first);
    ck_assert_uint_eq(scn_runner_next(r), (size_t)k + 1);
    return k;
}

START_TEST(test_live_call_blocks_until_it_completes)
{
    struct scn_runner *r = run_script();
    unsigned passed = r->expects_passed;
    run_ok(r, "alice: c = socket tcp", 1);
    /* the step table moves under the background accept's job: twenty lines
     * make the parser grow it more than once */
    for (unsigned i = 0; i < 20; i++)
        run_ok(r, "say \"the table grows\"", 2 + i);
    uint64_t before = r->sim.now_ns;
    run_ok(r, "alice: connect c bob:80", 22);
    /* connect() returned after the handshake: at least one round trip */
    ck_assert_uint_ge(r->sim.now_ns - before, 20ull * 1000 * 1000);
    run_ok(r, "expect alice c state ESTABLISHED", 23);
    run_ok(r, "wait a", 24);
    run_ok(r, "expect bob a state ESTABLISHED", 25);
    run_ok(r, "alice: send c \"hi\"", 26);
    run_ok(r, "bob: recv a 2 -> got", 27);
    run_ok(r, "expect got == \"hi\"", 28);
    ck_assert_uint_eq(r->expects_passed, passed + 3);
    ck_assert_uint_eq(r->expects_failed, 0);
    scn_runner_destroy(r);
    free(r);
}
END_TEST

START_TEST(test_live_runner_checks_what_the_parser_cannot)
{
    struct scn_runner *r = run_script();
    struct scn_diag d;
    size_t steps = scn->n_steps;
    ck_assert_int_eq(scn_runner_live(r, scn, "expect alice counter udp.bogus == 1", 1, &d), -1);
    ck_assert_str_eq(d.first, "command line:1:1: error: unknown counter 'udp.bogus' (counters "
                     "look like udp.rx, ipv4.tx, arp.drop, icmp.rx.echo_reply, "
                     "drop.UDP_NO_SOCKET, drops)");
    ck_assert_int_eq(scn_runner_live(r, scn, "expect bob s error EBOGUS", 2, &d), -1);
    ck_assert_str_eq(d.first, "command line:2:1: error: unknown error name 'EBOGUS' (try "
                     "ECONNREFUSED, EADDRINUSE, EAGAIN, EMSGSIZE or none)");
    ck_assert_uint_eq(scn->n_steps, steps);
    ck_assert_uint_eq(scn_runner_next(r), steps);
    /* and the world goes on as if nothing had been typed */
    run_ok(r, "expect bob s state LISTEN", 3);
    scn_runner_destroy(r);
    free(r);
}
END_TEST

START_TEST(test_live_waits_for_the_script_to_end)
{
    struct scn_run_opts opts = { 0 };
    struct scn_runner r;
    char err[256];
    struct scn_diag d;
    ck_assert_int_eq(scn_runner_init(&r, scn, &opts, err, sizeof err), 0);
    scn_runner_step(&r);
    ck_assert_int_eq(scn_runner_live(&r, scn, "alice: c = socket tcp", 1, &d), -1);
    ck_assert_str_eq(d.first, "command line:1:1: error: the script is still running; a "
                     "statement from the command line runs after its last step");
    ck_assert_uint_eq(scn->n_socks, 2);
    scn_runner_destroy(&r);
}
END_TEST

static Suite *
live_suite(void)
{
    Suite *s = suite_create("scenario_live");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_live_line_becomes_a_step_in_the_scenarios_names);
    tcase_add_test(tc, test_live_bad_lines_say_why_in_the_parsers_words);
    tcase_add_test(tc, test_live_refuses_what_is_no_step);
    suite_add_tcase(s, tc);

    tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_live_call_blocks_until_it_completes);
    tcase_add_test(tc, test_live_runner_checks_what_the_parser_cannot);
    tcase_add_test(tc, test_live_waits_for_the_script_to_end);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(live_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
