/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_diag.c - scenario mistakes as a compiler shows them.
 *
 * After "FILE:LINE:COL: error: ..." comes the source line and a caret under
 * the column (a warning stays one line); colour only on a terminal without
 * NO_COLOR; an unknown name is
 * reported once, not at every later use; and `check`'s warnings for hosts on
 * one link in different subnets and for a gateway on no attached subnet.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt() and friends, for a terminal */

#include "sim/scenario.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parse text (it must fail or warn) and return what scn_diag_write() prints
 * for the errors (or the warnings), without colour or with it. Caller frees. */
static char *
diag_text(const char *text, bool warnings, bool colour, struct scn_diag *d)
{
    struct scenario *scn = scenario_parse_string("t.scn", text, d);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scn_diag_write(d, f, warnings, colour), 0);
    fclose(f);
    scenario_free(scn);
    return buf;
}

START_TEST(test_source_line_and_caret)
{
    struct scn_diag d;
    char *out = diag_text("host alice 192.0.2.1/24\n  hots bob 192.0.2.2/24\n", false, false, &d);

    ck_assert_str_eq(out, "t.scn:2:3: error: unknown statement 'hots' (did you mean 'host'?)\n"
                          "    2 |   hots bob 192.0.2.2/24\n"
                          "      |   ^\n");
    free(out);
}
END_TEST

/* A column counts bytes and a tab is one: the tab shows as one space, so the
 * caret stays under the word. */
START_TEST(test_caret_after_tab)
{
    struct scn_diag d;
    char *out = diag_text("host alice 192.0.2.1/24\n\tping alice bobb\n", false, false, &d);

    ck_assert_str_eq(out, "t.scn:2:13: error: unknown host 'bobb'\n"
                          "    2 |  ping alice bobb\n"
                          "      |             ^\n");
    free(out);
}
END_TEST

START_TEST(test_colour)
{
    struct scn_diag d;
    char *out = diag_text("hots a 192.0.2.1/24\n", false, true, &d);

    ck_assert_str_eq(out, "\033[1mt.scn:1:1:\033[0m \033[1;31merror:\033[0m unknown statement "
                          "'hots' (did you mean 'host'?)\n"
                          "    1 | hots a 192.0.2.1/24\n"
                          "      | \033[1;32m^\033[0m\n");
    free(out);
}
END_TEST

/* Colour needs a terminal, and NO_COLOR (set and not empty) turns it off. */
START_TEST(test_colour_only_on_a_terminal)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    FILE *mem;
    FILE *tty;
    char *buf = NULL;
    size_t len = 0;

    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    tty = fopen(ptsname(master), "w");
    ck_assert_ptr_nonnull(tty);
    mem = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(mem);

    unsetenv("NO_COLOR");
    ck_assert(scn_diag_colour(tty));
    ck_assert(!scn_diag_colour(mem));
    setenv("NO_COLOR", "1", 1);
    ck_assert(!scn_diag_colour(tty));
    setenv("NO_COLOR", "", 1);
    ck_assert(scn_diag_colour(tty));
    unsetenv("NO_COLOR");

    fclose(mem);
    free(buf);
    fclose(tty);
    close(master);
}
END_TEST

/* One misspelt `host` is one error: the lines that use its host do not
 * fail again. */
START_TEST(test_misspelt_host_is_one_error)
{
    struct scn_diag d;
    char *out = diag_text("hots alice 192.0.2.1/24\n"
                          "host bob 192.0.2.2/24\n"
                          "link alice bob\n"
                          "alice: s = socket udp\n"
                          "alice: bind s 7\n"
                          "ping alice bob\n"
                          "ping bob alice\n"
                          "expect alice counter udp.rx == 0\n",
                          false, false, &d);

    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_str_eq(out, "t.scn:1:1: error: unknown statement 'hots' (did you mean 'host'?)\n"
                          "    1 | hots alice 192.0.2.1/24\n"
                          "      | ^\n");
    free(out);
}
END_TEST

/* A name never defined: its first use is reported, with the suggestion;
 * later uses of the same name are not. Another unknown name still is. */
START_TEST(test_unknown_names_reported_once)
{
    struct scn_diag d;
    char *out = diag_text("host alice 192.0.2.1/24\n"
                          "host bob 192.0.2.2/24\n"
                          "link alice bob\n"
                          "alcie: s = socket udp\n"
                          "alcie: bind s 7\n"
                          "ping alcie bob\n"
                          "alice: t = socket udp\n"
                          "alice: bind u 7\n"
                          "alice: sendto u bob:7 \"x\"\n"
                          "alice: recv t 10 -> got\n"
                          "expect gto == \"x\"\n"
                          "expect gto == \"y\"\n"
                          "ping carol bob\n",
                          false, false, &d);

    ck_assert_uint_eq(d.n_errors, 4);
    ck_assert_str_eq(d.errors[0].msg, "t.scn:4:1: error: unknown host 'alcie' (did you mean "
                                      "'alice'?)");
    ck_assert_str_eq(d.errors[1].msg, "t.scn:8:13: error: alice has no socket 'u' (sockets "
                                      "are defined with 'VAR = socket udp')");
    ck_assert_str_eq(d.errors[2].msg, "t.scn:11:8: error: no data variable 'gto' (did you mean "
                                      "'got'?)");
    ck_assert_str_eq(d.errors[3].msg, "t.scn:13:6: error: unknown host 'carol'");
    free(out);
}
END_TEST

/* The same socket name on another host is another name. */
START_TEST(test_unknown_socket_per_host)
{
    struct scn_diag d;
    char *out = diag_text("host alice 192.0.2.1/24\n"
                          "host bob 192.0.2.2/24\n"
                          "link alice bob\n"
                          "alice: close s\n"
                          "bob: close s\n"
                          "alice: close s\n",
                          false, false, &d);

    ck_assert_uint_eq(d.n_errors, 2);
    ck_assert_uint_eq(d.errors[0].line, 4);
    ck_assert_uint_eq(d.errors[1].line, 5);
    free(out);
}
END_TEST

START_TEST(test_warn_link_subnets)
{
    struct scn_diag d;
    char *out = diag_text("host a 192.0.2.1/24\n"
                          "host b 198.51.100.2/24\n"
                          "link a b\n"
                          "ping a b\n",
                          true, false, &d);

    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_uint_eq(d.n_warnings, 1);
    ck_assert_str_eq(out, "t.scn:3:1: warning: a (192.0.2.1/24) and b (198.51.100.2/24) share "
                          "this link but sit in different subnets, so neither can reach the "
                          "other directly\n");
    free(out);
}
END_TEST

/* On a switch, each host link is compared with the segment's first. */
START_TEST(test_warn_switch_subnets)
{
    struct scn_diag d;
    char *out = diag_text("host a 192.0.2.1/24\n"
                          "host b 192.0.2.2/24\n"
                          "host c 203.0.113.3/24\n"
                          "switch sw\n"
                          "link a sw\n"
                          "link b sw\n"
                          "link c sw\n"
                          "ping a b\n",
                          true, false, &d);

    ck_assert_uint_eq(d.n_warnings, 1);
    ck_assert_str_eq(d.warnings[0].msg, "t.scn:7:1: warning: c (203.0.113.3/24) and a "
                                        "(192.0.2.1/24) are on one segment (switch sw) but sit "
                                        "in different subnets, so neither can reach the other "
                                        "directly");
    free(out);
}
END_TEST

/* Hosts in one subnet, and a router's two subnets on two links: no warning. */
START_TEST(test_no_warning_when_subnets_match)
{
    struct scn_diag d;
    char *out = diag_text("host a 192.0.2.1/24\n"
                          "router r 192.0.2.254/24 198.51.100.254/24\n"
                          "host b 198.51.100.1/24\n"
                          "link a r:eth0\n"
                          "link r:eth1 b\n"
                          "a: route add default via 192.0.2.254\n"
                          "ping a b\n",
                          true, false, &d);

    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_uint_eq(d.n_warnings, 0);
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

START_TEST(test_warn_gateway_on_no_link)
{
    struct scn_diag d;
    char *out = diag_text("host a 192.0.2.1/24 198.51.100.1/24\n"
                          "host b 192.0.2.2/24\n"
                          "link a:eth0 b\n"
                          "a: route add 203.0.113.0/24 via 198.51.100.7\n"
                          "ping a b\n",
                          true, false, &d);

    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_uint_eq(d.n_warnings, 1);
    ck_assert_str_eq(d.warnings[0].msg, "t.scn:4:1: warning: gateway 198.51.100.7 is on the "
                                        "subnet of a:eth1, which is on no link, so no attached "
                                        "subnet holds it and nothing can answer for it");
    free(out);
}
END_TEST

static Suite *
scenario_diag_suite(void)
{
    Suite *s = suite_create("scenario_diag");
    TCase *tc = tcase_create("diag");

    tcase_add_test(tc, test_source_line_and_caret);
    tcase_add_test(tc, test_caret_after_tab);
    tcase_add_test(tc, test_colour);
    tcase_add_test(tc, test_colour_only_on_a_terminal);
    tcase_add_test(tc, test_misspelt_host_is_one_error);
    tcase_add_test(tc, test_unknown_names_reported_once);
    tcase_add_test(tc, test_unknown_socket_per_host);
    tcase_add_test(tc, test_warn_link_subnets);
    tcase_add_test(tc, test_warn_switch_subnets);
    tcase_add_test(tc, test_no_warning_when_subnets_match);
    tcase_add_test(tc, test_warn_gateway_on_no_link);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_diag_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
