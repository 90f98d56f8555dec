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

#define RA_WORLD                                                               \
    "router r1 192.0.2.254/24 2001:db8:1::1/64 198.51.100.254/24\n"          \
    "host alice 192.0.2.1/24 ipv6\n"                                          \
    "host bob 192.0.2.2/24\n"                                                 \
    "link r1 alice\n"                                                         \
    "seed 1\n"

START_TEST(test_advertise_and_address_parse_and_print)
{
    struct scenario *scn = scenario_parse_ok(
        RA_WORLD
        "advertise r1 eth0 2001:db8:1::/64\n"
        "advertise r1 eth0 2001:db8:1::/64 lifetime 0s valid infinity preferred 600s "
        "interval 10s mtu 1400 managed other no-autoconf off-link\n"
        "advertise r1 eth0 stop\n"
        "address bob eth0 2001:db8:1::7/64\n");
    ck_assert(scn->hosts[1].ipv6);
    ck_assert(!scn->hosts[1].if_has_addr6[0]);
    const struct scn_advertise_args *a = &scn->steps[1].advertise;
    ck_assert_int_eq(scn->steps[0].advertise.lifetime_s, -1);
    ck_assert_int_eq(a->lifetime_s, 0);
    ck_assert_int_eq(a->valid_s, 0xffffffffll);
    ck_assert_int_eq(a->preferred_s, 600);
    ck_assert_int_eq(a->interval_s, 10);
    ck_assert_uint_eq(a->mtu, 1400);
    ck_assert(a->managed && a->other && a->no_autoconf && a->off_link);
    ck_assert(scn->steps[2].advertise.stop);
    ck_assert_int_eq(scn->steps[3].host, 2);
    char *text = scenario_print_string(scn);
    ck_assert_ptr_nonnull(strstr(text, "host alice 192.0.2.1/24 ipv6\n"));
    ck_assert_ptr_nonnull(strstr(text, "advertise r1 eth0 2001:db8:1::/64\n"));
    ck_assert_ptr_nonnull(strstr(text, "advertise r1 eth0 2001:db8:1::/64 lifetime 0s valid "
                                       "infinity preferred 600s interval 10s mtu 1400 managed "
                                       "other no-autoconf off-link\n"));
    ck_assert_ptr_nonnull(strstr(text, "address bob eth0 2001:db8:1::7/64"));
    free(text);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

/* A router advertising, a host forming its address from it and using it;
 * a host given another's address and losing it to DAD. */
START_TEST(test_advertise_runs_slaac_and_dad)
{
    struct scenario_run *run = scenario_run_text(
        "router r1 192.0.2.254/24 2001:db8:1::1/64\n"
        "host alice 192.0.2.1/24 ipv6\n"
        "host bob 192.0.2.2/24 2001:db8:1::7/64\n"
        "host carol 192.0.2.3/24\n"
        "switch sw\nlink r1 sw\nlink alice sw\nlink bob sw\nlink carol sw\n"
        "seed 3\n"
        "ping alice bob ipv6 count 1 -> before\n"
        "expect before contains \"0 received\"\n"
        "sleep 12s\n"
        "advertise r1 eth0 2001:db8:1::/64\n"
        "sleep 3s\n"
        "ping alice bob ipv6 count 1 -> after\n"
        "expect after contains \"1 received\"\n"
        "address carol eth0 2001:db8:1::7/64\n"
        "sleep 3s\n"
        "expect r1 counter drop.ND_RS_NOT_ROUTER == 6\n");
    scenario_assert_expects(run, 3);
    scenario_output_has(run, "64 bytes from 2001:db8:1::7: icmp_seq=1");
    scenario_run_free(run);
}
END_TEST

static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    { RA_WORLD "advertise alice eth0 2001:db8:1::/64\n",
      "t.scn:6:11: error: alice is a host; only a router advertises [RFC 4861 6.2] (declare it "
      "with 'router')" },
    { RA_WORLD "advertise r1 eth1 2001:db8:2::/64\n",
      "t.scn:6:14: error: r1 eth1 has no IPv6 address; give it one on the router's line, like "
      "2001:db8:1::1/64 after its IPv4 address" },
    { RA_WORLD "advertise r1 eth7 2001:db8:1::/64\n",
      "t.scn:6:14: error: r1 has no eth7 (it has eth0..eth1)" },
    { RA_WORLD "advertise r1 eth0 2001:db8:1::1/64\n",
      "t.scn:6:19: error: 2001:db8:1::1/64 has bits set after the first 64; the prefix is "
      "2001:db8:1::/64" },
    { RA_WORLD "advertise r1 eth0 fe80::/64\n",
      "t.scn:6:19: error: fe80:: cannot be advertised: hosts form link-locals themselves" },
    { RA_WORLD "advertise r1 eth0 2001:db8:1::/64 lifetim 10s\n",
      "t.scn:6:35: error: unknown advertise option 'lifetim' (did you mean 'lifetime'?)" },
    { RA_WORLD "advertise r1 eth0 2001:db8:1::/64 lifetime 100s\n",
      "t.scn:6:1: error: a router lifetime of 100 s is shorter than the interval between "
      "advertisements (600 s): 0 or at least that [RFC 4861 6.2.1]" },
    { RA_WORLD "advertise r1 eth0 2001:db8:1::/64 valid 60s preferred 120s\n",
      "t.scn:6:1: error: the preferred lifetime is longer than the valid lifetime "
      "[RFC 4861 4.6.2]" },
    { RA_WORLD "advertise r1 eth0 2001:db8:1::/64 interval 2s\n",
      "t.scn:6:44: error: interval (MaxRtrAdvInterval) is 4 s at least [RFC 4861 6.2.1]" },
    { RA_WORLD "advertise r1 eth0 2001:db8:1::/64 lifetime 1500ms\n",
      "t.scn:6:44: error: lifetime is whole seconds in a router advertisement, not 1500ms" },
    { RA_WORLD "address bob eth0 fe80::1/64\n",
      "t.scn:6:18: error: fe80::1 cannot be given to an interface: every interface forms its "
      "own link-local" },
    { RA_WORLD "address bob eth0 2001:db8:1::7\n",
      "t.scn:6:18: error: expected IPV6ADDRESS/LEN like 2001:db8:1::7/64, found '2001:db8:1::7'" },
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

/* Two hosts with one IPv6 address: legal (duplicate address detection is
 * there for it [RFC 4862 5.4]), so a warning at the second, not an error. */
START_TEST(test_duplicate_ipv6_address_warns)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string(
        "t.scn", "host alice 192.0.2.1/24 2001:db8::1/64\nhost bob 192.0.2.2/24 2001:db8::1/64\n",
        &d);
    ck_assert_ptr_nonnull(scn);
    ck_assert_uint_eq(d.n_warnings, 1);
    ck_assert_str_eq(d.warnings[0].msg,
                     "t.scn:2:23: warning: address 2001:db8::1 is also host 'alice''s (at 1:6): "
                     "duplicate address detection will let only one of them use it "
                     "[RFC 4862 5.4]");
    scenario_free(scn);
}
END_TEST

START_TEST(test_bad_ipv6_statements)
{
    assert_error(bad[_i].text, bad[_i].msg);
}
END_TEST

START_TEST(test_ping6_runs_and_counts)
{
    struct scenario_run *run = scenario_run_text(
        PAIR
        /* the addresses are tentative until DAD passes [RFC 4862 5.4] */
        "ping alice bob ipv6 count 1 -> early\n"
        "expect early contains \"0 packets transmitted, 0 received, +1 errors\"\n"
        "sleep 2s\n"
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
    scenario_assert_expects(run, 10);
    scenario_output_has(run, "ping: sendmsg: Cannot assign requested address");
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
        "sleep 2s\n"
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
    tcase_add_test(tc, test_duplicate_ipv6_address_warns);
    tcase_add_test(tc, test_advertise_and_address_parse_and_print);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_ping6_runs_and_counts);
    tcase_add_test(tc, test_ask_icmp6_fields);
    tcase_add_test(tc, test_advertise_runs_slaac_and_dad);
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
