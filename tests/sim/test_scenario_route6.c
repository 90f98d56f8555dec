/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_route6.c - IPv6 routes, traceroute and IPv6 filters in the
 * scenario language: `route add PREFIX6 via ...`, `route -6 add`, `ip -6
 * route`, `traceroute HOST ADDR6`, `ip6` and `icmp6 type N` in expects and
 * per-packet rules, and the exact message for each mistake.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario_helpers.h"
#include "sim/scenario.h"

/* alice - r1 - bob, one IPv6 prefix per link, the second link 1280 bytes. */
#define CHAIN                                                                              \
    "host   alice 192.0.2.1/24 2001:db8:1::1/64\n"                                         \
    "router r1    192.0.2.254/24 2001:db8:1::fe/64 203.0.113.254/24 2001:db8:2::fe/64\n"   \
    "host   bob   203.0.113.2/24 2001:db8:2::2/64\n"                                       \
    "link alice r1 delay 1ms\n"                                                            \
    "link r1 bob delay 1ms mtu 1280\n"                                                     \
    "seed 1\n"

static void
assert_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn == NULL, "parsed, but expected: %s", msg);
    ck_assert_str_eq(d.first, msg);
}

START_TEST(test_route6_statements_parse_and_print)
{
    struct scenario *scn = scenario_parse_ok(
        CHAIN
        "alice: route add default via 2001:db8:1::fe\n"
        "alice: route add 2001:db8:7::/48 via fe80::1 dev eth0\n"
        "bob: route -6 add default via r1\n"
        "r1: ip -6 route\n"
        "r1: route add ::/0 dev eth1\n"
        "traceroute alice 2001:db8:2::2 probes 1\n"
        "traceroute alice bob ipv6\n"
        "expect packets ip6 from alice == 0\n"
        "expect packets icmp6 type 2 == 0\n");
    const struct scn_route_args *ra = &scn->steps[0].route;
    ck_assert(ra->v6 && ra->has_gw && ra->prefix_len == 0);
    ck_assert_uint_eq(ra->gw6.b[15], 0xfe);
    ck_assert(scn->steps[1].route.v6 && scn->steps[1].route.dev == 0);
    ck_assert_uint_eq(scn->steps[1].route.prefix_len, 48);
    /* r1 by name: its address on bob's prefix */
    ck_assert_uint_eq(scn->steps[2].route.gw6.b[5], 2);
    ck_assert(scn->steps[3].route.v6);
    ck_assert(scn->steps[4].route.v6 && !scn->steps[4].route.has_gw);
    ck_assert(scn->steps[5].traceroute.v6 && scn->steps[6].traceroute.v6);
    char *text = scenario_print_string(scn);
    ck_assert_ptr_nonnull(strstr(text, "alice: route add default via 2001:db8:1::fe\n"));
    ck_assert_ptr_nonnull(strstr(text, "alice: route add 2001:db8:7::/48 via fe80::1 dev eth0\n"));
    ck_assert_ptr_nonnull(strstr(text, "bob: route -6 add default via r1\n"));
    ck_assert_ptr_nonnull(strstr(text, "r1: ip -6 route\n"));
    ck_assert_ptr_nonnull(strstr(text, "r1: route -6 add default dev eth1\n"));
    ck_assert_ptr_nonnull(strstr(text, "traceroute alice 2001:db8:2::2 probes 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "traceroute alice bob ipv6\n"));
    ck_assert_ptr_nonnull(strstr(text, "icmp6 type 2"));
    free(text);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    { CHAIN "alice: route add default via fe80::1\n",
      "t.scn:7:26: error: a link-local gateway needs its interface: 'via fe80::1 dev ethN' "
      "(fe80::/64 is on every link) [RFC 4007 6]" },
    { CHAIN "alice: route add default via 2001:db8:9::1\n",
      "t.scn:7:30: error: gateway 2001:db8:9::1 is not on an IPv6 prefix of alice "
      "(2001:db8:1::1/64); a gateway is a neighbour on one of them, or a link-local fe80:: "
      "address with 'dev ethN'" },
    { CHAIN "alice: route add 2001:db8:2::1/64 via 2001:db8:1::fe\n",
      "t.scn:7:18: error: 2001:db8:2::1/64 has host bits set; the prefix is 2001:db8:2::/64" },
    { CHAIN "alice: route add 2001:db8:2::/129 via 2001:db8:1::fe\n",
      "t.scn:7:31: error: bad prefix length '129' (a number 0..128)" },
    { CHAIN "alice: route add ff02::/16 dev eth0\n",
      "t.scn:7:18: error: ff02:: is multicast: a route leads to unicast addresses" },
    { "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b\n"
      "a: route add 2001:db8::/64 dev eth0\n",
      "t.scn:4:14: error: a has no IPv6 address (give one after an IPv4 address, like host "
      "192.0.2.1/24 2001:db8:1::1/64)" },
    { CHAIN "traceroute alice ff02::1\n",
      "t.scn:7:18: error: bad IPv6 destination 'ff02::1' (like 2001:db8::2)" },
    { CHAIN "expect packets icmp type 3 == 1\n",
      "t.scn:7:21: error: type is ICMPv6's: write 'icmp6 type 3'" },
};

START_TEST(test_bad_route6_statements)
{
    assert_error(bad[_i].text, bad[_i].msg);
}
END_TEST

START_TEST(test_routes_traceroute_and_rules_run)
{
    struct scenario_run *run = scenario_run_text(
        CHAIN
        "alice: route add default via 2001:db8:1::fe\n"
        "bob: route -6 add default via r1\n"
        "r1: ip -6 route\n"
        /* the addresses are tentative until DAD passes [RFC 4862 5.4] */
        "sleep 2s\n"
        "traceroute alice bob ipv6 probes 1\n"
        /* the second echo request alice sends is lost on her link */
        "drop 2nd icmp6 type 128 from alice\n"
        "ping alice bob ipv6 count 3 -> p\n"
        "expect p contains \"3 packets transmitted, 2 received\"\n"
        /* too big for r1's link to bob: packet too big, then fragments */
        "ping alice bob ipv6 size 1300 count 2 -> big\n"
        "expect big contains \"2 packets transmitted, 1 received, +1 errors\"\n"
        "expect packets icmp6 type 2 from r1 == 1\n"
        "expect alice counter ipv6.frag_created == 2\n"
        "expect r1 counter ipv6.forwarded >= 8\n");
    scenario_assert_expects(run, 5);
    scenario_output_has(run, "2001:db8:1::/64 dev eth0 proto kernel metric 256 pref medium\n"
                             "2001:db8:2::/64 dev eth1 proto kernel metric 256 pref medium\n"
                             "fe80::/64 dev eth0 proto kernel metric 256 pref medium\n");
    scenario_output_has(run, "traceroute to 2001:db8:2::2 (2001:db8:2::2), 30 hops max, 80 byte "
                             "packets\n 1  2001:db8:1::fe  ");
    scenario_output_has(run, "\n 2  2001:db8:2::2  ");
    scenario_output_has(run, "From 2001:db8:1::fe icmp_seq=1 Packet too big: mtu=1280");
    scenario_run_free(run);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("scenario_route6");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_route6_statements_parse_and_print);
    tcase_add_loop_test(tc, test_bad_route6_statements, 0, (int)(sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_routes_traceroute_and_rules_run);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
