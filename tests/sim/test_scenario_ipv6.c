/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_ipv6.c - IPv6 in the scenario language: dual-stack host
 * addresses, ping to an IPv6 destination, the icmp6 filter in expects and
 * questions, and the exact message for each mistake (docs/ipv6.md).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario_helpers.h"
#include "sim/scenario.h"

#define PAIR                                                                   \
    "host alice 192.0.2.1/24 2001:db8::1/64\n"                                 \
    "host bob   192.0.2.2/24 2001:db8::2/64\n"                                 \
    "link alice bob delay 5ms\n"                                               \
    "seed 1\n"

static void
assert_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn == NULL, "parsed, but expected: %s", msg);
    ck_assert_str_eq(d.first, msg);
}

START_TEST(test_dual_stack_host_parses_and_prints)
{
    struct scenario *scn = scenario_parse_ok(
        "router r1 192.0.2.254/24 2001:db8:1::1/64 198.51.100.254/24 2001:db8:2::1/48\n"
        "host alice 192.0.2.1/24 2001:DB8:1:0::5/64 mac 02:00:00:00:00:01\n"
        "ping alice 2001:db8:1::1\n"
        "ping alice r1 ipv6 count 2\n");
    const struct scn_host *r = &scn->hosts[0];
    ck_assert_uint_eq(r->n_ifaces, 2);
    ck_assert(r->ipv6 && r->if_has_addr6[0] && r->if_has_addr6[1]);
    ck_assert_uint_eq(r->if_prefix6[1], 48);
    ck_assert_uint_eq(r->if_addr6[1].b[5], 2);
    const struct scn_host *a = &scn->hosts[1];
    ck_assert(a->if_has_addr6[0]);
    ck_assert_uint_eq(a->if_addr6[0].b[15], 5);
    ck_assert(scn->steps[0].ping.v6);
    ck_assert(scn->steps[1].ping.v6);
    ck_assert(ip6_addr_eq(&scn->steps[1].ping.dest6, &r->if_addr6[0]));
    /* printed in RFC 5952 form, and back */
    char *text = scenario_print_string(scn);
    ck_assert_ptr_nonnull(strstr(text, "host alice 192.0.2.1/24 2001:db8:1::5/64"));
    ck_assert_ptr_nonnull(strstr(text, "ping alice 2001:db8:1::1"));
    ck_assert_ptr_nonnull(strstr(text, "ping alice r1 ipv6 count 2"));
    free(text);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    { "host alice 2001:db8::1/64\n",
      "t.scn:1:12: error: an interface's IPv4 address comes first, then its IPv6 one: host NAME "
      "192.0.2.1/24 2001:db8::1/64 (IPv6-only hosts are not supported yet)" },
    { "host alice 192.0.2.1/24 2001:db8::1\n",
      "t.scn:1:25: error: IPv6 address needs a prefix length, like 2001:db8::1/64" },
    { "host alice 192.0.2.1/24 2001:db8:::1/64\n",
      "t.scn:1:25: error: bad IPv6 address '2001:db8:::1' (eight groups of hex, '::' for one run "
      "of zeros, like 2001:db8::1)" },
    { "host alice 192.0.2.1/24 2001:db8::1/129\n",
      "t.scn:1:37: error: IPv6 prefix length 129 is not in 1..128" },
    { "host alice 192.0.2.1/24 2001:db8::1/x\n",
      "t.scn:1:37: error: bad prefix length 'x' (a number 1..128)" },
    { "host alice 192.0.2.1/24 fe80::1/64\n",
      "t.scn:1:25: error: fe80::1 is link-local (fe80::/10): every IPv6 interface forms its own; "
      "give a global one, like 2001:db8::1/64" },
    { "host alice 192.0.2.1/24 ff02::1/64\n",
      "t.scn:1:25: error: ff02::1 cannot be a host's address (ff00::/8 is multicast)" },
    { "host alice 192.0.2.1/24 ::1/128\n",
      "t.scn:1:25: error: ::1 cannot be a host's address (::1 is loopback)" },
    { "host alice 192.0.2.1/24 2001:db8::1/64 2001:db8::5/64\n",
      "t.scn:1:40: error: eth0 has an IPv6 address already (one per interface)" },
    { "host alice 192.0.2.1/24 2001:db8::1/64\nhost bob 192.0.2.2/24 2001:db8::1/64\n",
      "t.scn:2:23: error: address 2001:db8::1 is already used by host 'alice' (at 1:6)" },
    { PAIR "ping alice 2001:db8::zz\n",
      "t.scn:5:12: error: bad IPv6 address '2001:db8::zz' (like 2001:db8::2)" },
    { PAIR "ping alice :: count 1\n",
      "t.scn:5:12: error: :: names no host: ping needs a destination" },
    { "host alice 192.0.2.1/24 2001:db8::1/64\nhost bob 192.0.2.2/24\nlink alice bob\n"
      "seed 1\nping alice bob ipv6\n",
      "t.scn:5:16: error: host 'bob' has no IPv6 address (give one after its IPv4 address, like "
      "host 192.0.2.2/24 2001:db8::2/64)" },
    { PAIR "ping alice 192.0.2.2 ipv6\n",
      "t.scn:5:22: error: 'ipv6' needs a host name as the destination" },
    { PAIR "ping alice 2001:db8::2 ipv6\n",
      "t.scn:5:24: error: the destination is an IPv6 address already" },
    { PAIR "ping alice bob ipv6 df\n",
      "t.scn:5:21: error: df is for IPv4: IPv6 routers never fragment, so there is no bit to set "
      "[RFC 8200 5]" },
    { PAIR "ping alice bob ipv6 size 65528\n",
      "t.scn:5:26: error: size 65528 is more than 65527 (the largest ICMPv6 payload in one IPv6 "
      "packet)" },
    { PAIR "ping alice bob size 65508\n",
      "t.scn:5:21: error: size 65508 is more than 65507 (the largest ICMP payload in one IPv4 "
      "datagram)" },
    { PAIR "ping alice bob:7\n", "t.scn:5:12: error: unknown host 'bob:7' (did you mean 'bob'?)" },
    { PAIR "ask \"q\" answer next icmp6 from alice field ttl\n",
      "t.scn:5:44: error: ttl (IPv4 time to live) is not in every frame this filter matches: "
      "name the protocol, like 'next tcp ...'" },
};

START_TEST(test_bad_ipv6_statements)
{
    assert_error(bad[_i].text, bad[_i].msg);
}
END_TEST

START_TEST(test_ping6_runs_and_counts)
{
    struct scenario_run *run = scenario_run_text(
        PAIR
        "ping alice bob ipv6 count 2 -> p\n"
        "expect p contains \"2 packets transmitted, 2 received, 0% packet loss\"\n"
        /* NS + 2 requests from alice, NA + 2 replies from bob, one wire */
        "expect packets icmp6 from alice == 3\n"
        "expect packets icmp6 from bob == 3\n"
        /* the echoes carry 56 bytes after their 8-byte header; ND 24 */
        "expect packets icmp6 len == 56 == 4\n"
        "expect packets icmp == 0\n"
        "expect packets arp == 0\n"
        "ping alice 2001:db8::99 count 1 timeout 1s -> q\n"
        "expect q contains \"1 packets transmitted, 0 received, 100% packet loss\"\n"
        "sleep 3s\n"
        "expect alice counter drop.ND_UNRESOLVED == 1\n"
        /* waiting long enough, ping hears why [RFC 4861 7.2.2] */
        "ping alice 2001:db8::98 count 1 timeout 5s -> u\n"
        "expect u contains \"1 packets transmitted, 0 received, +1 errors, 100% packet loss\"\n");
    scenario_assert_expects(run, 9);
    scenario_output_has(run, "From 2001:db8::1 icmp_seq=1 Destination unreachable: Address "
                             "unreachable");
    scenario_output_has(run, "64 bytes from 2001:db8::2: icmp_seq=1 ttl=64");
    scenario_output_has(run, "PING 2001:db8::99 (2001:db8::99) 56 data bytes");
    scenario_run_free(run);
}
END_TEST

START_TEST(test_ask_icmp6_fields)
{
    struct scenario_run *run = scenario_run_text(
        PAIR
        "ask \"type?\" answer next icmp6 from alice field type\n"
        "ask \"target?\" answer next icmp6 from alice field target\n"
        "ask \"lladdr?\" answer next icmp6 from bob field lladdr\n"
        "ping alice bob ipv6 count 1\n");
    scenario_assert_expects(run, 0);
    scenario_output_has(run, "answer: 135");
    scenario_output_has(run, "answer: 2001:db8::2");
    scenario_output_has(run, "answer: 02:");
    scenario_run_free(run);
}
END_TEST

static Suite *
scenario_ipv6_suite(void)
{
    Suite *s = suite_create("scenario_ipv6");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_dual_stack_host_parses_and_prints);
    tcase_add_loop_test(tc, test_bad_ipv6_statements, 0, (int)(sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_ping6_runs_and_counts);
    tcase_add_test(tc, test_ask_icmp6_fields);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(scenario_ipv6_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
