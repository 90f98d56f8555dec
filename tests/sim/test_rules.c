/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rules.c - per-packet rules by destination, address and length.
 *
 * A scenario with two LANs behind a router arms rules with `to HOST`, `to
 * ADDRESS`, `from ADDRESS` and every length comparison; the run must show
 * each rule acting on exactly the datagram it names and no other, on the one
 * link where that datagram is counted once. Then the exact messages for
 * rules written wrong, and the payload length the links compare.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/link.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "stack/pkt.h"
#include "stack/trace.h"
#include "stack/wire/eth.h"

/* The topology and the datagrams, in the order they are sent. */
#define RULES_WORLD                                                              \
    "seed 1\n"                                                                   \
    "host   alice 192.0.2.1/24\n"                                                \
    "host   carol 192.0.2.3/24\n"                                                \
    "router r1    192.0.2.254/24 198.51.100.254/24\n"                            \
    "host   bob   198.51.100.1/24\n"                                             \
    "host   dave  198.51.100.4/24\n"                                             \
    "switch lan1\n"                                                              \
    "switch lan2\n"                                                              \
    "link alice lan1 delay 1ms\n"                                                \
    "link carol lan1 delay 1ms\n"                                                \
    "link r1 lan1 delay 1ms\n"                                                   \
    "link r1 lan2 delay 1ms\n"                                                   \
    "link bob lan2 delay 1ms\n"                                                  \
    "link dave lan2 delay 1ms\n"                                                 \
    "alice: route add default via r1\n"                                          \
    "carol: route add default via r1\n"                                          \
    "bob:   route add default via r1\n"                                          \
    "dave:  route add default via r1\n"                                          \
    "bob:   u = socket udp\n"                                                    \
    "bob:   bind u 7\n"                                                          \
    "dave:  v = socket udp\n"                                                    \
    "dave:  bind v 7\n"                                                          \
    "alice: a = socket udp\n"                                                    \
    "carol: c = socket udp\n"                                                    \
    /* every MAC resolved: no datagram waits for ARP */                          \
    "ping alice bob\n"                                                           \
    "ping carol dave\n"                                                          \
    "ping bob dave\n"                                                            \
    "ping alice carol\n"

static const char rules_scenario[] =
    RULES_WORLD
    "drop 2nd udp to bob\n"                         /* "22" */
    "drop 1st udp to bob len >= 4\n"                /* "4444" */
    "duplicate 1st udp to 198.51.100.1 len > 2\n"   /* "333" */
    "drop 1st udp to dave len == 3\n"               /* "yyy" */
    "drop 1st udp from 192.0.2.3 len <= 2\n"        /* "xx" */
    "drop 1st udp to dave len < 2\n"                /* "w" */
    "drop 1st udp to 198.51.100.77\n"               /* "nobody", on alice's link */
    "delay 4th udp from carol to dave len != 1 by 1ms\n"  /* "vv", still last */
    /* frames on bob's and carol's links that the rules there must not count:
     * from bob (not to him), to carol (not from her) */
    "bob:   w = socket udp\n"
    "bob:   sendto w dave:7 \"fromb\"\n"
    "alice: sendto a carol:9 \"hi\"\n"
    "sleep 2ms\n"  /* both on the wire before the datagrams the rules name */
    "alice: sendto a bob:7 \"1\"\n"
    "alice: sendto a bob:7 \"22\"\n"
    "alice: sendto a bob:7 \"333\"\n"
    "alice: sendto a bob:7 \"4444\"\n"
    "alice: sendto a 198.51.100.77:7 \"nobody\"\n"
    "carol: sendto c dave:7 \"xx\"\n"
    "carol: sendto c dave:7 \"yyy\"\n"
    "carol: sendto c dave:7 \"zzz\"\n"
    "carol: sendto c dave:7 \"w\"\n"
    "carol: sendto c dave:7 \"vv\"\n"
    "bob:   recv u 64 timeout 1s -> b1\n"
    "bob:   recv u 64 timeout 1s -> b2\n"
    "bob:   recv u 64 timeout 1s -> b3\n"
    "expect b1 == \"1\"\n"
    "expect b2 == \"333\"\n"
    "expect b3 == \"333\"\n"
    "expect bob counter udp.rx == 3\n"
    "dave:  recv v 64 timeout 1s -> d0\n"
    "dave:  recv v 64 timeout 1s -> d1\n"
    "dave:  recv v 64 timeout 1s -> d2\n"
    "expect d0 == \"fromb\"\n"
    "expect d1 == \"zzz\"\n"
    "expect d2 == \"vv\"\n"
    "expect dave counter udp.rx == 3\n";

/* UDP payloads seen on the wires, by packet id (a router forwards the same
 * packet, so its id stays). */
#define MAX_IDS 512
struct payloads {
    char text[MAX_IDS][16];
};

static void
record_payload(void *ctx, const struct trace_event *ev)
{
    struct payloads *pl = ctx;
    if (ev->kind != TRACE_WIRE || ev->pkt == NULL || ev->pkt->id >= MAX_IDS)
        return;
    const uint8_t *b = ev->pkt->data;
    size_t len = ev->pkt->len;
    if (len < ETH_HDR_LEN + 28 || b[12] != 0x08 || b[13] != 0x00 || b[ETH_HDR_LEN + 9] != 17)
        return;
    size_t ihl = (size_t)(b[ETH_HDR_LEN] & 0xf) * 4;
    size_t udp_len = (size_t)b[ETH_HDR_LEN + ihl + 4] << 8 | b[ETH_HDR_LEN + ihl + 5];
    size_t n = udp_len - 8 < 15 ? udp_len - 8 : 15;
    memcpy(pl->text[ev->pkt->id], b + ETH_HDR_LEN + ihl + 8, n);
    pl->text[ev->pkt->id][n] = '\0';
}

/* The payload rule k of link `name` acted on, "" if none. */
static const char *
hit(struct scn_runner *r, const struct payloads *pl, const char *name, unsigned k)
{
    struct link *l = sim_link_by_name(&r->sim, name);
    ck_assert_msg(l != NULL, "no link %s", name);
    ck_assert_uint_gt(l->n_rules, k);
    uint64_t id = l->rules[k].hit_pkt_id;
    ck_assert_uint_lt(id, MAX_IDS);
    return id == 0 ? "" : pl->text[id];
}

START_TEST(test_each_rule_hits_the_datagram_it_names)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("rules.scn", rules_scenario, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    FILE *devnull = fopen("/dev/null", "w");
    struct scn_run_opts opts = { .out = devnull, .quiet = true };
    struct scn_runner *r = calloc(1, sizeof *r);
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    struct payloads *pl = calloc(1, sizeof *pl);
    struct trace_sink sink = { .emit = record_payload, .ctx = pl };
    trace_attach(&r->sim.trace, &sink);
    scn_runner_run(r);
    ck_assert_uint_eq(r->expects_failed, 0);
    ck_assert_uint_eq(r->expects_passed, 8);

    /* A rule naming a receiver sits on that receiver's link only; one
     * naming a sender on the sender's; an address nobody has, everywhere. */
    ck_assert_uint_eq(sim_link_by_name(&r->sim, "bob-lan2")->n_rules, 4);
    ck_assert_str_eq(hit(r, pl, "bob-lan2", 0), "22");    /* 2nd to bob */
    ck_assert_str_eq(hit(r, pl, "bob-lan2", 1), "4444");  /* to bob, len >= 4 */
    ck_assert_str_eq(hit(r, pl, "bob-lan2", 2), "333");   /* to bob's address, len > 2 */
    ck_assert_str_eq(hit(r, pl, "bob-lan2", 3), "");      /* .77 never reaches bob's link */
    ck_assert_uint_eq(sim_link_by_name(&r->sim, "dave-lan2")->n_rules, 3);
    ck_assert_str_eq(hit(r, pl, "dave-lan2", 0), "yyy");  /* to dave, len == 3 */
    ck_assert_str_eq(hit(r, pl, "dave-lan2", 1), "w");    /* to dave, len < 2 */
    ck_assert_str_eq(hit(r, pl, "dave-lan2", 2), "");
    ck_assert_uint_eq(sim_link_by_name(&r->sim, "carol-lan1")->n_rules, 3);
    ck_assert_str_eq(hit(r, pl, "carol-lan1", 0), "xx");  /* from carol's address, len <= 2 */
    ck_assert_str_eq(hit(r, pl, "carol-lan1", 1), "");
    /* carol's link: then `from carol to dave len != 1`, its 4th */
    ck_assert_str_eq(hit(r, pl, "carol-lan1", 2), "vv");
    ck_assert_uint_eq(sim_link_by_name(&r->sim, "alice-lan1")->n_rules, 1);
    ck_assert_str_eq(hit(r, pl, "alice-lan1", 0), "nobody");
    ck_assert_uint_eq(sim_link_by_name(&r->sim, "r1-lan1")->n_rules, 1);
    ck_assert_str_eq(hit(r, pl, "r1-lan1", 0), "");
    ck_assert_uint_eq(sim_link_by_name(&r->sim, "r1-lan2")->n_rules, 1);
    ck_assert_str_eq(hit(r, pl, "r1-lan2", 0), "");

    trace_detach(&r->sim.trace, &sink);
    scn_runner_destroy(r);
    free(r);
    free(pl);
    fclose(devnull);
    scenario_free(scn);
}
END_TEST

/* Parse text that must fail with exactly msg. */
static void
assert_parse_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn == NULL, "parsed, but expected: %s", msg);
    ck_assert_str_eq(d.first, msg);
    scenario_free(scn);
}

/* Parse text that must parse but be refused by the runner with msg. */
static void
assert_run_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    struct scn_run_opts opts = { 0 };
    struct scn_runner *r = calloc(1, sizeof *r);
    char err[256];
    ck_assert_int_lt(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    ck_assert_str_eq(err, msg);
    free(r);
    scenario_free(scn);
}

#define TWO "host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nlink alice bob\n"

/* `ip` counts every IPv4 datagram whatever it carries, and no ARP: alice's
 * ARP request is not counted, her UDP datagram is the 1st, her ping's echo
 * request the 2nd (dropped), the next datagram the 3rd. With len, the
 * bytes above the transport header, as for udp. */
static const char ip_rule_scenario[] =
    "seed 1\n"
    "host alice 192.0.2.1/24\n"
    "host bob 192.0.2.2/24\n"
    "link alice bob delay 1ms\n"
    "bob:   u = socket udp\n"
    "bob:   bind u 7\n"
    "alice: a = socket udp\n"
    "drop 2nd ip from alice\n"
    "alice: sendto a bob:7 \"1\"\n"
    "ping alice bob count 1 -> p\n"
    "alice: sendto a bob:7 \"3\"\n"
    "bob:   recv u 64 timeout 1s -> b1\n"
    "bob:   recv u 64 timeout 1s -> b2\n"
    "expect b1 == \"1\"\n"
    "expect b2 == \"3\"\n"
    "expect p contains \"1 packets transmitted, 0 received\"\n"
    "duplicate 1st ip to bob len == 5\n"
    "alice: sendto a bob:7 \"ab\"\n"
    "alice: sendto a bob:7 \"hello\"\n"
    "bob:   recv u 64 timeout 1s -> c1\n"
    "bob:   recv u 64 timeout 1s -> c2\n"
    "bob:   recv u 64 timeout 1s -> c3\n"
    "expect c1 == \"ab\"\n"
    "expect c2 == \"hello\"\n"
    "expect c3 == \"hello\"\n"
    "expect bob counter udp.rx == 5\n"
    "expect alice counter arp.tx >= 1\n";

START_TEST(test_ip_rule_counts_every_ipv4_datagram_and_no_arp)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("ip.scn", ip_rule_scenario, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    FILE *devnull = fopen("/dev/null", "w");
    struct scn_run_opts opts = { .out = devnull, .quiet = true };
    struct scn_runner *r = calloc(1, sizeof *r);
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    scn_runner_run(r);
    ck_assert_uint_eq(r->expects_failed, 0);
    ck_assert_uint_eq(r->expects_passed, 8);
    struct link *l = sim_link_by_name(&r->sim, "alice-bob");
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->n_rules, 2);
    ck_assert_uint_eq(l->rules[0].proto, LINK_RULE_IPV4);
    ck_assert_uint_ne(l->rules[0].hit_pkt_id, 0);
    ck_assert_uint_ne(l->rules[1].hit_pkt_id, 0);
    scn_runner_destroy(r);
    free(r);
    fclose(devnull);
    scenario_free(scn);
}
END_TEST

START_TEST(test_malformed_rules_say_what_is_wrong)
{
    assert_parse_error(TWO "drop 1st udp to\n",
                       "t.scn:4:14: error: to needs an address or a host name, like 'to bob'");
    assert_parse_error(TWO "drop 1st udp from\n",
                       "t.scn:4:14: error: from needs an address or a host name, like "
                       "'from alice'");
    assert_parse_error(TWO "drop 1st udp to bob to alice\n",
                       "t.scn:4:21: error: 'to' is given twice");
    assert_parse_error(TWO "drop 1st udp to carol\n", "t.scn:4:17: error: unknown host 'carol'");
    assert_parse_error(TWO "drop 1st udp to 192.0.2.300\n",
                       "t.scn:4:17: error: bad IPv4 address '192.0.2.300'");
    assert_parse_error(TWO "drop 1st udp len = 3\n",
                       "t.scn:4:18: error: expected a comparison (== != < <= > >=), found '='");
    assert_parse_error(TWO "drop 1st udp len <\n",
                       "t.scn:4:14: error: len needs a comparison and a number, like 'len > 0'");
    assert_parse_error(TWO "drop 1st udp len\n",
                       "t.scn:4:14: error: len needs a comparison and a number, like 'len > 0'");
    assert_parse_error(TWO "drop 1st udp len <= x\n",
                       "t.scn:4:21: error: len must be a whole number, found 'x'");
    assert_parse_error(TWO "drop 1st udp len == 3 len < 4\n",
                       "t.scn:4:23: error: 'len' is given twice");
    assert_parse_error(TWO "drop 1st udp port\n",
                       "t.scn:4:14: error: port needs a number, like 'port 80'");
    assert_parse_error(TWO "drop 1st tcp flags\n",
                       "t.scn:4:14: error: flags needs TCP flags, like 'flags SA'");
    assert_parse_error(TWO "delay 1st udp to bob len <= 2\n",
                       "t.scn:4:1: error: delay needs 'by DURATION' at the end, like 'delay "
                       "3rd tcp from alice by 200ms'");
    /* what the links cannot do, said before anything runs */
    assert_run_error(TWO "drop 1st arp to bob len == 0\n",
                     "t.scn:4:1: error: a per-packet rule's len needs ip, icmp, udp, tcp, ip6 "
                     "or icmp6 before it");
    assert_run_error(TWO "drop 1st to bob len > 1\n",
                     "t.scn:4:1: error: a per-packet rule's len needs ip, icmp, udp, tcp, ip6 "
                     "or icmp6 before it");
}
END_TEST

START_TEST(test_rules_with_to_and_every_len_print_back)
{
    struct scn_diag d;
    const char *text = TWO "drop 1st udp to bob len < 3\n"
                           "drop 2nd ip from alice\n"
                           "duplicate 1st ip to bob len > 4\n"
                           "corrupt 2nd tcp from 192.0.2.1 to 192.0.2.2 len == 0\n"
                           "duplicate 3rd icmp to 203.0.113.9 len != 56\n"
                           "delay 4th udp from alice len <= 10 by 5ms\n";
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_int_eq(scenario_print(scn, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "drop 1st udp to bob len < 3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "drop 2nd ip from alice\n"));
    ck_assert_ptr_nonnull(strstr(buf, "duplicate 1st ip to bob len > 4\n"));
    ck_assert_ptr_nonnull(strstr(buf, "corrupt 2nd tcp from 192.0.2.1 to 192.0.2.2 len == 0\n"));
    ck_assert_ptr_nonnull(strstr(buf, "duplicate 3rd icmp to 203.0.113.9 len != 56\n"));
    ck_assert_ptr_nonnull(strstr(buf, "delay 4th udp from alice len <= 10 by 5ms\n"));
    struct scenario *again = scenario_parse_string("p.scn", buf, &d);
    ck_assert_msg(again != NULL, "%s", d.first);
    ck_assert(scenario_equal(scn, again));
    scenario_free(again);
    scenario_free(scn);
    free(buf);
}
END_TEST

/* An Ethernet + IPv4 frame with protocol proto, total length total, the
 * fragment word frag, and the bytes after the IPv4 header zero except the
 * TCP data offset doff (words). */
static size_t
make_frame(uint8_t *f, uint8_t proto, unsigned total, uint16_t frag, uint8_t doff)
{
    memset(f, 0, ETH_HDR_LEN + total);
    f[12] = 0x08;
    f[14] = 0x45;
    f[16] = (uint8_t)(total >> 8);
    f[17] = (uint8_t)total;
    f[20] = (uint8_t)(frag >> 8);
    f[21] = (uint8_t)frag;
    f[23] = proto;
    f[34 + 12] = (uint8_t)(doff << 4);
    return ETH_HDR_LEN + total;
}

START_TEST(test_payload_length_skips_the_transport_header)
{
    uint8_t f[ETH_HDR_LEN + 200];
    /* TCP with 12 bytes of options and 10 of data: the options are header */
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 6, 20 + 32 + 10, 0, 8)), 10);
    /* a pure ACK with options carries nothing */
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 6, 52, 0, 8)), 0);
    /* a damaged data offset counts as the 20-byte minimum */
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 6, 20 + 20 + 5, 0, 0)), 5);
    /* UDP and ICMP: 8-byte headers */
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 17, 20 + 8 + 3, 0, 0)), 3);
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 1, 20 + 8 + 56, 0, 0)), 56);
    /* fragments: the whole IPv4 payload, first (MF set) or later */
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 17, 20 + 96, 0x2000, 0)), 96);
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 17, 20 + 40, 12, 0)), 40);
    /* another protocol: its IPv4 payload */
    ck_assert_uint_eq(link_frame_payload_len(f, make_frame(f, 47, 20 + 30, 0, 0)), 30);
    /* a total length beyond the frame: only what the frame holds */
    size_t n = make_frame(f, 17, 20 + 8 + 3, 0, 0);
    f[17] = 200;
    ck_assert_uint_eq(link_frame_payload_len(f, n), 3);
    /* ARP, and frames too short for IPv4 */
    f[12] = 0x08;
    f[13] = 0x06;
    ck_assert_uint_eq(link_frame_payload_len(f, 60), 0);
    ck_assert_uint_eq(link_frame_payload_len(f, 20), 0);
}
END_TEST

static Suite *
rules_suite(void)
{
    Suite *s = suite_create("sim/rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_each_rule_hits_the_datagram_it_names);
    tcase_add_test(tc, test_ip_rule_counts_every_ipv4_datagram_and_no_arp);
    tcase_add_test(tc, test_malformed_rules_say_what_is_wrong);
    tcase_add_test(tc, test_rules_with_to_and_every_len_print_back);
    tcase_add_test(tc, test_payload_length_skips_the_transport_header);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(rules_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
