/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_parse.c - the scenario parser: good files, bad files, values,
 * and parse -> print -> parse round trips.
 *
 * Every malformed input asserts the exact message a teacher would see,
 * position included ("t.scn:5:11: error: ..."). The corpus files under
 * tests/data/bad/ each hold one mistake; tests/data/good/ holds complete
 * scenarios that must parse and survive a round trip through
 * scenario_print(). NETSTEP_TEST_DATA is the absolute path of tests/data.
 */
#include "harness/scenario_helpers.h"
#include "sim/scenario.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NETSTEP_TEST_DATA
#error "NETSTEP_TEST_DATA must name tests/data"
#endif

#define MS (1000ull * 1000)
#define SEC (1000ull * 1000 * 1000)

/* A small world every string test starts from: four lines, so a mistake on
 * the first line after it is on line 5. */
#define WORLD                                                                  \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob   192.0.2.2/24\n"                                                \
    "link alice bob\n"                                                         \
    "alice: s = socket udp\n"

/* A router between alice and bob, for the network tests: four lines. */
#define NET                                                                    \
    "host alice 192.0.2.1/24\n"                                                \
    "router r1 192.0.2.254/24 198.51.100.254/24\n"                             \
    "host bob 198.51.100.1/24\n"                                               \
    "link alice r1\n"

/* ------------------------------------------------------------------------ */
/* Helpers */

/* Parse text that must be good; fail the test with the first error if not. */
static struct scenario *
parse_ok(const char *text)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);

    ck_assert_msg(scn != NULL, "unexpected error: %s", d.first);
    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_str_eq(d.first, "");
    return scn;
}

/* Parse text that must fail with exactly `msg` as its first error. */
static void
assert_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);

    ck_assert_msg(scn == NULL, "parsed, but expected: %s", msg);
    ck_assert_uint_ge(d.n_errors, 1);
    ck_assert_str_eq(d.first, msg);
    ck_assert_str_eq(d.errors[0].msg, msg);
}

static const struct scn_step *
step(const struct scenario *scn, size_t i)
{
    ck_assert_uint_lt(i, scn->n_steps);
    return &scn->steps[i];
}

/* ------------------------------------------------------------------------ */
/* Good inputs: every field */

START_TEST(test_header_title_about_seed)
{
    struct scenario *scn = parse_ok("title \"UDP \\\"echo\\\"\"\n"
                                    "about \"first\"   # a comment\n"
                                    "about \"second\"\n"
                                    "seed 18446744073709551615\n");

    ck_assert_str_eq(scn->title, "UDP \"echo\"");
    ck_assert_str_eq(scn->about, "first\nsecond");
    ck_assert(scn->has_seed);
    ck_assert_uint_eq(scn->seed, UINT64_MAX);
    ck_assert_uint_eq(scn->n_steps, 0);
    scenario_free(scn);
}
END_TEST

START_TEST(test_empty_file_is_an_empty_scenario)
{
    struct scenario *scn = parse_ok("\n   \n# only a comment\n\t\n");

    ck_assert_ptr_null(scn->title);
    ck_assert_ptr_null(scn->about);
    ck_assert(!scn->has_seed);
    ck_assert_uint_eq(scn->n_hosts + scn->n_links + scn->n_steps, 0);
    scenario_free(scn);
}
END_TEST

START_TEST(test_host_and_link_defaults)
{
    struct scenario *scn = parse_ok("host alice 192.0.2.1/24\n"
                                    "host bob-2 192.0.2.2/25\n"
                                    "link alice bob-2\n");

    ck_assert_uint_eq(scn->n_hosts, 2);
    ck_assert_str_eq(scn->hosts[0].name, "alice");
    ck_assert_uint_eq(scn->hosts[0].addr, IPV4_ADDR(192, 0, 2, 1));
    ck_assert_uint_eq(scn->hosts[0].prefix_len, 24);
    ck_assert_uint_eq(scn->hosts[0].mtu, 1500);
    ck_assert(!scn->hosts[0].has_mac);
    ck_assert_uint_eq(scn->hosts[0].line, 1);
    ck_assert_uint_eq(scn->hosts[0].col, 6);
    ck_assert_uint_eq(scn->hosts[1].prefix_len, 25);
    ck_assert_uint_eq(scenario_host_find(scn, "bob-2"), 1);
    ck_assert_int_eq(scenario_host_find(scn, "carol"), -1);

    ck_assert_uint_eq(scn->n_links, 1);
    ck_assert_int_eq(scn->links[0].a, 0);
    ck_assert_int_eq(scn->links[0].b, 1);
    ck_assert_uint_eq(scn->links[0].delay_ns, 0);
    ck_assert_uint_eq(scn->links[0].rate_bps, 0);
    ck_assert_uint_eq(scn->links[0].loss_ppm, 0);
    ck_assert_uint_eq(scn->links[0].limit, 1000);
    ck_assert_uint_eq(scn->links[0].line, 3);
    scenario_free(scn);
}
END_TEST

START_TEST(test_host_and_link_options)
{
    struct scenario *scn = parse_ok("host alice 10.0.0.1/8 mac 02:AB:cd:00:00:01 mtu 9000\n"
                                    "host bob 10.0.0.2/31\n"
                                    "link bob alice limit 5 loss 2.5% rate 1.5Mbit delay 250us\n");
    const struct scn_host *a = &scn->hosts[0];
    const struct scn_link *l = &scn->links[0];
    static const uint8_t mac[ETH_ALEN] = { 0x02, 0xab, 0xcd, 0, 0, 1 };

    ck_assert_uint_eq(a->mtu, 9000);
    ck_assert(a->has_mac);
    ck_assert_mem_eq(a->mac, mac, ETH_ALEN);
    ck_assert_int_eq(l->a, 1);
    ck_assert_int_eq(l->b, 0);
    ck_assert_uint_eq(l->delay_ns, 250000);
    ck_assert_uint_eq(l->rate_bps, 1500000);
    ck_assert_uint_eq(l->loss_ppm, 25000);
    ck_assert_uint_eq(l->limit, 5);
    scenario_free(scn);
}
END_TEST

START_TEST(test_calls_and_their_fields)
{
    struct scenario *scn = parse_ok(WORLD
                                    "bob: s = socket udp\n"
                                    "  alice: p = socket icmp   # ping socket\n"
                                    "alice: t = socket tcp\n"
                                    "alice: bind s 5000\n"
                                    "bob:   bind s 192.0.2.2:7\n"
                                    "alice: bind p bob:1\n"
                                    "alice: connect s bob:7 timeout 2s\n"
                                    "alice: send s \"a\\0b\"\n"
                                    "alice: sendto s 192.0.2.2:7 bytes 1000\n"
                                    "bob:   recvfrom s 512 -> got\n"
                                    "bob:   recv s 1 timeout 0s -> got\n"
                                    "alice: close s\n");
    const struct scn_step *st;

    ck_assert_uint_eq(scn->n_socks, 4);
    ck_assert_str_eq(scn->socks[1].name, "s");
    ck_assert_int_eq(scn->socks[1].host, 1);
    ck_assert_int_eq(scn->socks[2].type, SCN_SOCK_ICMP);
    ck_assert_int_eq(scn->socks[3].type, SCN_SOCK_TCP);
    ck_assert_uint_eq(scn->n_dvars, 1);
    ck_assert_int_eq(scn->dvars[0].kind, SCN_DVAR_DATA);
    ck_assert_uint_eq(scn->dvars[0].line, 14);

    st = step(scn, 0); /* alice: s = socket udp, from WORLD */
    ck_assert_int_eq(st->kind, SCN_STEP_SOCKET);
    ck_assert_int_eq(st->host, 0);
    ck_assert_int_eq(st->sock, 0);
    ck_assert_int_eq(st->socket.type, SCN_SOCK_UDP);

    st = step(scn, 2);
    ck_assert_uint_eq(st->line, 6);
    ck_assert_uint_eq(st->col, 3);
    ck_assert_str_eq(st->text, "alice: p = socket icmp");

    st = step(scn, 4);
    ck_assert_int_eq(st->kind, SCN_STEP_BIND);
    ck_assert_int_eq(st->bind.local.addr.kind, SCN_ADDR_NONE);
    ck_assert_uint_eq(st->bind.local.addr.addr, 0);
    ck_assert_uint_eq(st->bind.local.port, 5000);

    st = step(scn, 5);
    ck_assert_int_eq(st->host, 1);
    ck_assert_int_eq(st->sock, 1);
    ck_assert_int_eq(st->bind.local.addr.kind, SCN_ADDR_DOTTED);
    ck_assert_uint_eq(st->bind.local.addr.addr, IPV4_ADDR(192, 0, 2, 2));
    ck_assert_int_eq(st->bind.local.addr.host, -1);

    st = step(scn, 6);
    ck_assert_int_eq(st->sock, 2);
    ck_assert_int_eq(st->bind.local.addr.kind, SCN_ADDR_HOST);
    ck_assert_int_eq(st->bind.local.addr.host, 1);

    st = step(scn, 7);
    ck_assert_int_eq(st->kind, SCN_STEP_CONNECT);
    ck_assert_int_eq(st->connect.dest.addr.kind, SCN_ADDR_HOST);
    ck_assert_uint_eq(st->connect.dest.addr.addr, IPV4_ADDR(192, 0, 2, 2));
    ck_assert_uint_eq(st->connect.dest.port, 7);
    ck_assert(st->has_timeout);
    ck_assert_uint_eq(st->timeout_ns, 2 * SEC);

    st = step(scn, 8);
    ck_assert_int_eq(st->kind, SCN_STEP_SEND);
    ck_assert_int_eq(st->send.dest.addr.kind, SCN_ADDR_NONE);
    ck_assert_int_eq(st->send.payload.kind, SCN_PAYLOAD_TEXT);
    ck_assert_uint_eq(st->send.payload.len, 3);
    ck_assert_mem_eq(st->send.payload.data, "a\0b", 4);
    ck_assert(!st->has_timeout);

    st = step(scn, 9);
    ck_assert_int_eq(st->kind, SCN_STEP_SENDTO);
    ck_assert_int_eq(st->send.dest.addr.kind, SCN_ADDR_DOTTED);
    ck_assert_int_eq(st->send.payload.kind, SCN_PAYLOAD_FILL);
    ck_assert_uint_eq(st->send.payload.len, 1000);
    ck_assert_ptr_null(st->send.payload.data);

    st = step(scn, 10);
    ck_assert_int_eq(st->kind, SCN_STEP_RECVFROM);
    ck_assert_uint_eq(st->recv.max_len, 512);
    ck_assert_int_eq(st->dvar, 0);

    st = step(scn, 11);
    ck_assert_int_eq(st->kind, SCN_STEP_RECV);
    ck_assert_int_eq(st->dvar, 0);
    ck_assert(st->has_timeout);
    ck_assert_uint_eq(st->timeout_ns, 0);

    st = step(scn, 12);
    ck_assert_int_eq(st->kind, SCN_STEP_CLOSE);
    ck_assert_int_eq(st->sock, 0);
    ck_assert_int_eq(st->dvar, -1);
    scenario_free(scn);
}
END_TEST

START_TEST(test_file_payload_is_relative_to_the_scenario)
{
    struct scn_diag d;
    const char *text = WORLD "alice: send s file data/req.bin\n"
                             "alice: send s file \"/abs/x y.bin\"\n";
    struct scenario *scn = scenario_parse_string("lessons/udp/big.scn", text, &d);

    ck_assert_msg(scn != NULL, "%s", d.first);
    ck_assert_str_eq(scn->dir, "lessons/udp");
    ck_assert_int_eq(scn->steps[1].send.payload.kind, SCN_PAYLOAD_FILE);
    ck_assert_str_eq(scn->steps[1].send.payload.path, "data/req.bin");
    ck_assert_str_eq(scn->steps[1].send.payload.full_path, "lessons/udp/data/req.bin");
    ck_assert_str_eq(scn->steps[2].send.payload.full_path, "/abs/x y.bin");
    scenario_free(scn);

    scn = scenario_parse_string("big.scn", text, &d);
    ck_assert_ptr_nonnull(scn);
    ck_assert_str_eq(scn->dir, ".");
    ck_assert_str_eq(scn->steps[1].send.payload.full_path, "data/req.bin");
    scenario_free(scn);
}
END_TEST

START_TEST(test_ping_defaults_and_options)
{
    struct scenario *scn = parse_ok(WORLD
                                    "ping alice bob\n"
                                    "ping alice 192.0.2.99 count 3 size 0 interval 10ms "
                                    "timeout 1.5s -> p\n"
                                    "ping bob alice -> p size 65507\n");
    const struct scn_step *st = step(scn, 1);

    ck_assert_int_eq(st->kind, SCN_STEP_PING);
    ck_assert_int_eq(st->host, 0);
    ck_assert_int_eq(st->ping.dest.kind, SCN_ADDR_HOST);
    ck_assert_int_eq(st->ping.dest.host, 1);
    ck_assert_uint_eq(st->ping.count, 1);
    ck_assert_uint_eq(st->ping.size, 56);
    ck_assert_uint_eq(st->ping.interval_ns, SEC);
    ck_assert_uint_eq(st->ping.timeout_ns, SEC);
    ck_assert_int_eq(st->dvar, -1);
    ck_assert(!st->has_timeout);

    st = step(scn, 2);
    ck_assert_int_eq(st->ping.dest.kind, SCN_ADDR_DOTTED);
    ck_assert_uint_eq(st->ping.dest.addr, IPV4_ADDR(192, 0, 2, 99));
    ck_assert_uint_eq(st->ping.count, 3);
    ck_assert_uint_eq(st->ping.size, 0);
    ck_assert_uint_eq(st->ping.interval_ns, 10 * MS);
    ck_assert_uint_eq(st->ping.timeout_ns, 1500 * MS);
    ck_assert_int_eq(st->dvar, 0);
    ck_assert_int_eq(scn->dvars[0].kind, SCN_DVAR_PING);

    st = step(scn, 3);
    ck_assert_int_eq(st->host, 1);
    ck_assert_uint_eq(st->ping.size, 65507);
    ck_assert_int_eq(st->dvar, 0);
    scenario_free(scn);
}
END_TEST

START_TEST(test_sleep_and_say)
{
    struct scenario *scn = parse_ok("sleep 1.5s\nsay \"tab\\there\"\n");

    ck_assert_int_eq(step(scn, 0)->kind, SCN_STEP_SLEEP);
    ck_assert_uint_eq(step(scn, 0)->sleep.duration_ns, 1500 * MS);
    ck_assert_int_eq(step(scn, 1)->kind, SCN_STEP_SAY);
    ck_assert_str_eq(step(scn, 1)->say.text, "tab\there");
    ck_assert_int_eq(step(scn, 1)->host, -1);
    scenario_free(scn);
}
END_TEST

START_TEST(test_every_expect_form)
{
    struct scenario *scn = parse_ok(WORLD
                                    "alice: recv s 100 -> d\n"
                                    "expect d == \"hi\\n\"\n"
                                    "expect d != \"\"\n"
                                    "expect d contains \"i\"\n"
                                    "expect d length <= 3\n"
                                    "expect alice s error == ECONNREFUSED\n"
                                    "expect alice s error none\n"
                                    "expect bob counter drop.UDP_NO_SOCKET > 0\n"
                                    "expect alice counter icmp.rx.echo_reply >= "
                                    "18446744073709551615\n"
                                    "expect alice arp bob == 02:00:00:00:00:02\n"
                                    "expect alice arp 192.0.2.77 absent\n"
                                    "expect alice arp bob incomplete\n"
                                    "expect alice arp bob == present\n");
    const struct scn_expect *e;
    static const uint8_t mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };

    e = &step(scn, 2)->expect;
    ck_assert_int_eq(step(scn, 2)->kind, SCN_STEP_EXPECT);
    ck_assert_int_eq(e->kind, SCN_EXPECT_DATA);
    ck_assert_int_eq(e->cmp, SCN_CMP_EQ);
    ck_assert_int_eq(e->dvar, 0);
    ck_assert_uint_eq(e->text_len, 3);
    ck_assert_mem_eq(e->text, "hi\n", 4);
    ck_assert_int_eq(step(scn, 2)->dvar, -1);

    e = &step(scn, 3)->expect;
    ck_assert_int_eq(e->cmp, SCN_CMP_NE);
    ck_assert_uint_eq(e->text_len, 0);
    e = &step(scn, 4)->expect;
    ck_assert_int_eq(e->cmp, SCN_CMP_CONTAINS);

    e = &step(scn, 5)->expect;
    ck_assert_int_eq(e->kind, SCN_EXPECT_LENGTH);
    ck_assert_int_eq(e->cmp, SCN_CMP_LE);
    ck_assert_uint_eq(e->number, 3);

    e = &step(scn, 6)->expect;
    ck_assert_int_eq(e->kind, SCN_EXPECT_ERROR);
    ck_assert_int_eq(step(scn, 6)->host, 0);
    ck_assert_int_eq(step(scn, 6)->sock, 0);
    ck_assert_str_eq(e->err_name, "ECONNREFUSED");
    ck_assert_str_eq(step(scn, 7)->expect.err_name, "none");

    e = &step(scn, 8)->expect;
    ck_assert_int_eq(e->kind, SCN_EXPECT_COUNTER);
    ck_assert_int_eq(step(scn, 8)->host, 1);
    ck_assert_int_eq(step(scn, 8)->sock, -1);
    ck_assert_str_eq(e->counter, "drop.UDP_NO_SOCKET");
    ck_assert_int_eq(e->cmp, SCN_CMP_GT);
    ck_assert_uint_eq(e->number, 0);
    ck_assert_int_eq(step(scn, 9)->expect.cmp, SCN_CMP_GE);
    ck_assert_uint_eq(step(scn, 9)->expect.number, UINT64_MAX);

    e = &step(scn, 10)->expect;
    ck_assert_int_eq(e->kind, SCN_EXPECT_ARP);
    ck_assert_int_eq(e->arp_addr.kind, SCN_ADDR_HOST);
    ck_assert_uint_eq(e->arp_addr.addr, IPV4_ADDR(192, 0, 2, 2));
    ck_assert_int_eq(e->arp_state, SCN_ARP_MAC);
    ck_assert_mem_eq(e->arp_mac, mac, ETH_ALEN);
    e = &step(scn, 11)->expect;
    ck_assert_int_eq(e->arp_addr.kind, SCN_ADDR_DOTTED);
    ck_assert_int_eq(e->arp_state, SCN_ARP_ABSENT);
    ck_assert_int_eq(step(scn, 12)->expect.arp_state, SCN_ARP_INCOMPLETE);
    ck_assert_int_eq(step(scn, 13)->expect.arp_state, SCN_ARP_PRESENT);
    scenario_free(scn);
}
END_TEST

START_TEST(test_names_sockets_per_host_and_keywords_as_names)
{
    /* Two hosts may each have an `s`; a data variable may be called `length`
     * and a socket `bind`, since position decides what a word is. */
    struct scenario *scn = parse_ok(WORLD
                                    "bob: s = socket udp\n"
                                    "bob: bind = socket udp\n"
                                    "bob: bind bind 9\n"
                                    "bob: recv bind 10 -> length\n"
                                    "expect length length == 0\n");

    ck_assert_uint_eq(scn->n_socks, 3);
    ck_assert_int_eq(step(scn, 3)->sock, 2);
    ck_assert_int_eq(step(scn, 5)->expect.kind, SCN_EXPECT_LENGTH);
    scenario_free(scn);
}
END_TEST

START_TEST(test_lines_crlf_tabs_comments_and_bom)
{
    struct scenario *scn = parse_ok("\xef\xbb\xbfhost alice 192.0.2.1/24\r\n"
                                    "\t# a comment line\r\n"
                                    "say \"# not a comment\"\t# but this is\r\n"
                                    "say\t\"x\"#comment right after\n"
                                    "sleep 1ms");

    ck_assert_uint_eq(scn->n_steps, 3);
    ck_assert_str_eq(step(scn, 0)->say.text, "# not a comment");
    ck_assert_str_eq(step(scn, 0)->text, "say \"# not a comment\"");
    ck_assert_uint_eq(step(scn, 0)->line, 3);
    ck_assert_str_eq(step(scn, 1)->text, "say\t\"x\"");
    ck_assert_uint_eq(step(scn, 2)->line, 5);
    ck_assert_uint_eq(step(scn, 2)->sleep.duration_ns, MS);
    scenario_free(scn);
}
END_TEST

START_TEST(test_good_files)
{
    struct scn_diag d;
    struct scenario *scn;

    scn = scenario_parse_file(NETSTEP_TEST_DATA "/good/udp_echo.scn", &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    ck_assert_str_eq(scn->title, "UDP echo");
    ck_assert_uint_eq(scn->seed, 1);
    ck_assert_uint_eq(scn->n_hosts, 2);
    ck_assert(scn->hosts[1].has_mac);
    ck_assert_uint_eq(scn->links[0].delay_ns, 5 * MS);
    ck_assert_uint_eq(scn->links[0].rate_bps, 10000000);
    ck_assert_uint_eq(scn->n_steps, 17);
    ck_assert_str_eq(scn->steps[1].text, "bob:   bind s 7");
    ck_assert_uint_eq(scn->steps[1].line, 12);
    ck_assert_str_eq(scn->name, NETSTEP_TEST_DATA "/good/udp_echo.scn");
    ck_assert_str_eq(scn->dir, NETSTEP_TEST_DATA "/good");
    scenario_free(scn);

    scn = scenario_parse_file(NETSTEP_TEST_DATA "/good/ping_arp.scn", &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    ck_assert_uint_eq(scn->hosts[1].mtu, 1400);
    ck_assert_uint_eq(scn->links[0].limit, 100);
    ck_assert_uint_eq(scn->n_dvars, 2);
    ck_assert_int_eq(scn->dvars[1].kind, SCN_DVAR_PING);
    scenario_free(scn);

    scn = scenario_parse_file(NETSTEP_TEST_DATA "/good/udp_refused.scn", &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    ck_assert_int_eq(scn->steps[2].send.payload.kind, SCN_PAYLOAD_FILL);
    ck_assert_uint_eq(scn->steps[2].send.payload.len, 64);
    ck_assert_str_eq(scn->steps[10].expect.err_name, "EAGAIN");
    scenario_free(scn);
}
END_TEST

START_TEST(test_diag_may_be_null)
{
    struct scenario *scn = scenario_parse_string(NULL, "sleep 1s\n", NULL);

    ck_assert_ptr_nonnull(scn);
    ck_assert_str_eq(scn->name, "<string>");
    scenario_free(scn);
    ck_assert_ptr_null(scenario_parse_string(NULL, "slep 1s\n", NULL));
    ck_assert_ptr_null(scenario_parse_file(NETSTEP_TEST_DATA "/missing.scn", NULL));
    scenario_free(NULL);
}
END_TEST

START_TEST(test_names_of_enums)
{
    ck_assert_str_eq(scn_step_kind_name(SCN_STEP_RECVFROM), "recvfrom");
    ck_assert_str_eq(scn_step_kind_name(SCN_STEP_EXPECT), "expect");
    ck_assert_str_eq(scn_sock_type_name(SCN_SOCK_ICMP), "icmp");
    ck_assert_str_eq(scn_cmp_name(SCN_CMP_GE), ">=");
    ck_assert_str_eq(scn_cmp_name(SCN_CMP_CONTAINS), "contains");
    ck_assert_str_eq(scn_arp_state_name(SCN_ARP_INCOMPLETE), "incomplete");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Values: durations, rates, percentages, escapes */

/* The duration `text` parses to ns (via `sleep`). */
static void
assert_dur(const char *text, uint64_t ns)
{
    char buf[128];
    struct scenario *scn;

    snprintf(buf, sizeof buf, "sleep %s\n", text);
    scn = parse_ok(buf);
    ck_assert_msg(scn->steps[0].sleep.duration_ns == ns, "%s gave %llu", text,
                  (unsigned long long)scn->steps[0].sleep.duration_ns);
    scenario_free(scn);
}

START_TEST(test_durations)
{
    assert_dur("0s", 0);
    assert_dur("0ns", 0);
    assert_dur("1ns", 1);
    assert_dur("250us", 250000);
    assert_dur("10ms", 10 * MS);
    assert_dur("1.5s", 1500 * MS);
    assert_dur("0.000000001s", 1);
    assert_dur("1.000000000s", SEC);
    assert_dur("2.50ms", 2500000);
    assert_dur("007ms", 7 * MS);
    assert_dur("18446744073s", 18446744073ull * SEC);
    assert_dur("18446744073709551615ns", UINT64_MAX);

    assert_error("sleep 1.5ns\n",
                 "t.scn:1:7: error: duration '1.5ns' is not a whole number of nanoseconds");
    assert_error("sleep 0.0000000001s\n",
                 "t.scn:1:7: error: duration '0.0000000001s' is not a whole number of "
                 "nanoseconds");
    assert_error("sleep 18446744074s\n", "t.scn:1:7: error: duration '18446744074s' is too long");
    assert_error("sleep 18446744073709551616ns\n",
                 "t.scn:1:7: error: duration '18446744073709551616ns' is too long");
    assert_error("sleep 10\n", "t.scn:1:7: error: duration '10' needs a unit: ns, us, ms or s");
    assert_error("sleep 10sec\n",
                 "t.scn:1:7: error: unknown time unit 'sec' in '10sec' (use ns, us, ms or s)");
    assert_error("sleep 10 ms\n", "t.scn:1:7: error: duration '10' needs a unit: ns, us, ms or s");
    assert_error("sleep ms\n",
                 "t.scn:1:7: error: expected a duration like 10ms or 1.5s, found 'ms'");
    assert_error("sleep .5s\n",
                 "t.scn:1:7: error: expected a duration like 10ms or 1.5s, found '.5s'");
    assert_error("sleep 1.s\n",
                 "t.scn:1:7: error: unknown time unit '.s' in '1.s' (use ns, us, ms or s)");
    assert_error("sleep -1s\n",
                 "t.scn:1:7: error: expected a duration like 10ms or 1.5s, found '-1s'");
    assert_error("sleep \"1s\"\n",
                 "t.scn:1:7: error: expected a duration like 10ms or 1.5s, found \"1s\"");
}
END_TEST

/* The link option `opt VALUE` parses; returns the scenario. */
static struct scenario *
parse_link_opt(const char *opt)
{
    char buf[256];

    snprintf(buf, sizeof buf, "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b %s\n", opt);
    return parse_ok(buf);
}

START_TEST(test_rates)
{
    static const struct {
        const char *text;
        uint64_t bps;
    } good[] = {
        { "rate 10Mbit", 10000000 }, { "rate 1.5Gbit", 1500000000 }, { "rate 64kbit", 64000 },
        { "rate 9600bps", 9600 }, { "rate 100bit", 100 }, { "rate 0bit", 0 },
        { "rate 1.001kbit", 1001 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct scenario *scn = parse_link_opt(good[i].text);
        ck_assert_msg(scn->links[0].rate_bps == good[i].bps, "%s", good[i].text);
        scenario_free(scn);
    }

    const char *h = "host a 192.0.2.1/24\nhost b 192.0.2.2/24\n";
    char buf[256];
    snprintf(buf, sizeof buf, "%slink a b rate 10mbit\n", h);
    assert_error(buf,
                 "t.scn:3:15: error: unknown rate unit 'mbit' in '10mbit' (did you mean 'Mbit'?)");
    snprintf(buf, sizeof buf, "%slink a b rate 10Mbps\n", h);
    assert_error(buf,
                 "t.scn:3:15: error: unknown rate unit 'Mbps' in '10Mbps' (did you mean 'Mbit'?)");
    snprintf(buf, sizeof buf, "%slink a b rate 10MB/s\n", h);
    assert_error(buf,
                 "t.scn:3:15: error: unknown rate unit 'MB/s' in '10MB/s' (use bit, kbit, Mbit or "
                      "Gbit)");
    snprintf(buf, sizeof buf, "%slink a b rate 10\n", h);
    assert_error(buf, "t.scn:3:15: error: rate '10' needs a unit: bit, kbit, Mbit or Gbit");
    snprintf(buf, sizeof buf, "%slink a b rate 1.5bit\n", h);
    assert_error(buf, "t.scn:3:15: error: rate '1.5bit' is not a whole number of bits per second");
    snprintf(buf, sizeof buf, "%slink a b rate 99999999999Gbit\n", h);
    assert_error(buf, "t.scn:3:15: error: rate '99999999999Gbit' is too large");
    snprintf(buf, sizeof buf, "%slink a b rate\n", h);
    assert_error(buf, "t.scn:3:10: error: rate needs a rate, like 10Mbit");
}
END_TEST

START_TEST(test_percentages)
{
    static const struct {
        const char *text;
        uint32_t ppm;
    } good[] = {
        { "loss 10%", 100000 }, { "loss 0.5%", 5000 }, { "loss 100%", 1000000 },
        { "loss 0%", 0 }, { "loss 0.0001%", 1 }, { "loss 100.000%", 1000000 },
        { "loss 33.3333%", 333333 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct scenario *scn = parse_link_opt(good[i].text);
        ck_assert_msg(scn->links[0].loss_ppm == good[i].ppm, "%s", good[i].text);
        scenario_free(scn);
    }

    const char *h = "host a 192.0.2.1/24\nhost b 192.0.2.2/24\n";
    char buf[256];
    snprintf(buf, sizeof buf, "%slink a b loss 100.0001%%\n", h);
    assert_error(buf, "t.scn:3:15: error: percentage '100.0001%' is more than 100%");
    snprintf(buf, sizeof buf, "%slink a b loss 0.00001%%\n", h);
    assert_error(buf, "t.scn:3:15: error: percentage '0.00001%' is finer than 0.0001%");
    snprintf(buf, sizeof buf, "%slink a b loss 10\n", h);
    assert_error(buf, "t.scn:3:15: error: percentage '10' needs a '%' sign, like 10%");
    snprintf(buf, sizeof buf, "%slink a b loss 0.1\n", h);
    assert_error(buf, "t.scn:3:15: error: percentage '0.1' needs a '%' sign, like 10%");
    snprintf(buf, sizeof buf, "%slink a b loss 10%%%%\n", h);
    assert_error(buf, "t.scn:3:15: error: expected a percentage like 10% or 0.5%, found '10%%'");
    snprintf(buf, sizeof buf, "%slink a b loss 99999999999999999999%%\n", h);
    assert_error(buf, "t.scn:3:15: error: percentage '99999999999999999999%' is more than 100%");
}
END_TEST

START_TEST(test_escapes)
{
    struct scenario *scn =
        parse_ok(WORLD "alice: send s \"\\n\\r\\t\\0\\\\\\\"\\x41\\xfF\\x00z\"\n");
    const struct scn_payload *pl = &step(scn, 1)->send.payload;
    static const uint8_t want[] = { '\n', '\r', '\t', 0, '\\', '"', 'A', 0xff, 0, 'z' };

    ck_assert_uint_eq(pl->len, sizeof want);
    ck_assert_mem_eq(pl->data, want, sizeof want);
    ck_assert_uint_eq(pl->data[pl->len], 0);
    scenario_free(scn);

    scn = parse_ok("say \"\"\nsay \"caf\xc3\xa9\"\n");
    ck_assert_str_eq(step(scn, 0)->say.text, "");
    ck_assert_str_eq(step(scn, 1)->say.text, "caf\xc3\xa9");
    scenario_free(scn);

    assert_error("say \"a\\qb\"\n",
                 "t.scn:1:7: error: unknown escape '\\q' (use \\n \\r \\t \\0 \\\\ \\\" or \\xHH)");
    assert_error("say \"\\x4\"\n", "t.scn:1:6: error: '\\x' needs two hex digits, like \\x41");
    assert_error("say \"ab\\xZZ\"\n", "t.scn:1:8: error: '\\x' needs two hex digits, like \\x41");
    assert_error("say \"abc\\\n", "t.scn:1:5: error: unterminated quoted text (it needs a closing "
                                  "'\"' on the same line)");
    assert_error("say \"a\\0b\"\n", "t.scn:1:5: error: this text cannot contain \\0");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Bad inputs as strings: the exact first message */

static const struct {
    const char *text;  /* the scenario */
    const char *msg;   /* its first error */
} bad_strings[] = {
    /* statements */
    { "hots alice 192.0.2.1/24\n",
      "t.scn:1:1: error: unknown statement 'hots' (did you mean 'host'?)" },
    { "frobnicate\n", "t.scn:1:1: error: unknown statement 'frobnicate'" },
    { "\"title\"\n", "t.scn:1:1: error: expected a statement, found \"title\"" },
    { WORLD "alice bind s 7\n",
      "t.scn:5:1: error: unknown statement 'alice' (a host's calls are written 'alice: CALL')" },
    { WORLD "alice:bind s 7\n", "t.scn:5:7: error: missing space after 'alice:'" },
    { WORLD "bind s 7\n",
      "t.scn:5:1: error: 'bind' is a call a host makes: write 'HOST: bind ...'" },
    { WORLD "x = socket udp\n",
      "t.scn:5:1: error: a socket belongs to a host: write 'HOST: x = ...'" },
    { "title \"a\"\ntitle \"b\"\n", "t.scn:2:1: error: title is already set at 1:1" },
    { "title\n", "t.scn:1:1: error: title needs a quoted text" },
    { "title UDP\n", "t.scn:1:7: error: expected a quoted text after 'title', found 'UDP'" },
    { "about \"a\" \"b\"\n", "t.scn:1:11: error: unexpected \"b\" at the end of the line" },
    { "seed 1\nseed 2\n", "t.scn:2:1: error: seed is already set at 1:1" },
    { "seed -1\n", "t.scn:1:6: error: seed must be a whole number, found '-1'" },
    { "seed 18446744073709551616\n",
      "t.scn:1:6: error: seed 18446744073709551616 is more than 18446744073709551615" },
    { "say \"a\"b\n", "t.scn:1:8: error: missing space after the closing quote" },
    { "say x\"a\"\n", "t.scn:1:6: error: missing space before the quote" },
    { "say\n", "t.scn:1:1: error: say needs a quoted text" },
    { "sleep\n", "t.scn:1:1: error: sleep needs a duration" },
    { "sleep 1s 2s\n", "t.scn:1:10: error: unexpected '2s' at the end of the line" },

    /* hosts */
    { "host alice\n", "t.scn:1:1: error: host needs a name and an address" },
    { "host Alice 192.0.2.1/24\n",
      "t.scn:1:6: error: bad host name 'Alice' (a host name starts with a-z or '_' and uses a-z, "
      "0-9, '_' and '-')" },
    { "host a23456789012345678901234567890123 192.0.2.1/24\n",
      "t.scn:1:6: error: name 'a23456789012345678901234567890123' is longer than 31 characters" },
    { "host alice 192.0.2.1\n",
      "t.scn:1:12: error: host address needs a prefix length, like 192.0.2.1/24" },
    { "host alice 192.0.2/24\n", "t.scn:1:12: error: bad IPv4 address '192.0.2'" },
    { "host alice alice/24\n", "t.scn:1:12: error: bad IPv4 address 'alice'" },
    { "host alice 192.0.2.1/x\n",
      "t.scn:1:22: error: bad prefix length 'x' (a number 0..32)" },
    { "host alice 192.0.2.1/99999999999999999999\n",
      "t.scn:1:22: error: prefix length 99999999999999999999 is more than 32" },
    { "host alice 0.0.0.0/0\n",
      "t.scn:1:12: error: 0.0.0.0 cannot be a host's address (it means 'any address')" },
    { "host alice 127.0.0.1/8\n",
      "t.scn:1:12: error: 127.0.0.1 cannot be a host's address (127.0.0.0/8 is loopback)" },
    { "host alice 224.0.0.1/4\n",
      "t.scn:1:12: error: 224.0.0.1 cannot be a host's address (it is multicast)" },
    { "host alice 255.255.255.255/32\n",
      "t.scn:1:12: error: 255.255.255.255 cannot be a host's address (240.0.0.0/4 is reserved)" },
    { "host alice 192.0.2.0/24\n",
      "t.scn:1:12: error: 192.0.2.0 is the network address of 192.0.2.0/24; a host needs one of "
      "the addresses inside it" },
    { "host alice 192.0.2.255/24\n",
      "t.scn:1:12: error: 192.0.2.255 is the broadcast address of 192.0.2.0/24" },
    { "host alice 192.0.2.1/24 mtu 67\n", "t.scn:1:29: error: mtu must be at least 68" },
    { "host alice 192.0.2.1/24 mtu 65536\n", "t.scn:1:29: error: mtu 65536 is more than 65535" },
    { "host alice 192.0.2.1/24 mtu\n", "t.scn:1:25: error: mtu needs a number" },
    { "host alice 192.0.2.1/24 mtu 1500 mtu 1400\n", "t.scn:1:34: error: 'mtu' is given twice" },
    { "host alice 192.0.2.1/24 mac 02:00:00:00:00\n",
      "t.scn:1:29: error: bad MAC address '02:00:00:00:00' (six hex pairs, like "
      "02:00:00:00:00:01)" },
    { "host alice 192.0.2.1/24 mac 01:00:5e:00:00:01\n",
      "t.scn:1:29: error: MAC 01:00:5e:00:00:01 is a multicast address; a host needs a unicast "
      "one" },
    { "host alice 192.0.2.1/24 mac 00:00:00:00:00:00\n",
      "t.scn:1:29: error: MAC 00:00:00:00:00:00 is all zeros; a host needs a real address" },
    { "host a 192.0.2.1/24 mac 02:00:00:00:00:01\nhost b 192.0.2.2/24 mac 02:00:00:00:00:01\n",
      "t.scn:2:25: error: MAC 02:00:00:00:00:01 is already used by host 'a' (at 1:6)" },
    { "host alice 192.0.2.1/24 mut 1400\n",
      "t.scn:1:25: error: unknown host option 'mut' (did you mean 'mtu'?)" },
    { "host alice 192.0.2.1/24 speed 1\n",
      "t.scn:1:25: error: unknown host option 'speed' (host options are mtu, mac and ipv6)" },

    /* links */
    { "host a 192.0.2.1/24\nlink a\n", "t.scn:2:1: error: link needs two ends, like 'link alice bob' or 'link alice r1:eth0'" },
    { "host a 192.0.2.1/24\nlink a b\n", "t.scn:2:8: error: unknown host 'b'" },
    { "host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nhost carol 192.0.2.3/24\n"
      "link alice bob\nlink carol alice\n",
      "t.scn:5:12: error: alice's only interface is already on a link (at 4:1); to join more "
      "hosts, link them all to a switch" },
    { "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b delay 1ms delay 2ms\n",
      "t.scn:3:20: error: 'delay' is given twice" },
    { "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b limit 0\n",
      "t.scn:3:16: error: limit must be at least 1" },
    { "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b jitter 1ms\n",
      "t.scn:3:10: error: unknown link option 'jitter' (link options are delay, rate, loss, duplicate, reorder, corrupt, mtu and "
      "limit)" },
    { "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b delay\n",
      "t.scn:3:10: error: delay needs a duration" },

    /* host calls */
    { WORLD "alice:\n",
      "t.scn:5:1: error: 'alice:' needs a call after it, like 'alice: s = socket udp'" },
    { WORLD "alcie: bind s 7\n", "t.scn:5:1: error: unknown host 'alcie' (did you mean 'alice'?)" },
    { WORLD "alice: bnd s 7\n", "t.scn:5:8: error: unknown call 'bnd' (did you mean 'bind'?)" },
    { WORLD "alice: listen s 5\n", "t.scn:5:8: error: listen needs a stream socket (tcp or local stream); 's' is udp" },
    { WORLD "alice: lisen s 5\n", "t.scn:5:8: error: unknown call 'lisen' (did you mean 'listen'?)" },
    { WORLD "alice: frob s 5\n",
      "t.scn:5:8: error: unknown call 'frob' (calls are socket, bind, listen, accept, connect, "
      "send, sendto, recv, recvfrom, shutdown, setsockopt, close and wait)" },
    { WORLD "alice: socket udp\n",
      "t.scn:5:8: error: a socket needs a variable to hold it, like 'alice: s = socket udp'" },
    { WORLD "alice: S = socket udp\n",
      "t.scn:5:8: error: bad variable name 'S' (a variable starts with a-z or '_' and uses "
      "letters, digits and '_')" },
    { WORLD "alice: t = sokcet udp\n",
      "t.scn:5:12: error: expected 'socket' or 'accept' after '=', found 'sokcet' (did you mean "
      "'socket'?)" },
    { WORLD "alice: t =\n", "t.scn:5:10: error: expected 'socket TYPE' or 'accept VAR' after '='" },
    { WORLD "alice: t = socket\n", "t.scn:5:12: error: socket needs a type (udp, tcp, icmp, udp6, tcp6, local stream or local dgram)" },
    { WORLD "alice: t = socket raw\n",
      "t.scn:5:19: error: unknown socket type 'raw' (use udp, tcp, icmp, udp6, tcp6, local stream or local dgram)" },
    { WORLD "alice: t = socket UDP\n",
      "t.scn:5:19: error: unknown socket type 'UDP' (did you mean 'udp'?)" },
    { WORLD "alice: bind x 7\n",
      "t.scn:5:13: error: alice has no socket 'x' (sockets are defined with 'VAR = socket udp')" },
    { WORLD "alice: srv = socket udp\nalice: bind svr 7\n",
      "t.scn:6:13: error: alice has no socket 'svr' (did you mean 'srv'?)" },
    { WORLD "alice: bind 7 s\n", "t.scn:5:13: error: expected a socket variable, found '7'" },
    { WORLD "alice: bind s http\n",
      "t.scn:5:15: error: bad port 'http' (a port is a number 1..65535)" },
    { WORLD "alice: bind s 192.0.2.1:\n",
      "t.scn:5:25: error: bad port '' (a port is a number 1..65535)" },
    { WORLD "alice: bind s :7\n", "t.scn:5:15: error: missing address before ':' in ':7'" },
    { WORLD "alice: bind s \"7\"\n",
      "t.scn:5:15: error: expected PORT or ADDRESS:PORT, like 7 or 192.0.2.1:7, found \"7\"" },
    { WORLD "alice: connect s\n", "t.scn:5:8: error: connect needs a socket and a destination" },
    { WORLD "alice: connect s bob\n",
      "t.scn:5:18: error: expected ADDRESS:PORT, like 192.0.2.2:7, [2001:db8::2]:7 or bob:7, found 'bob'" },
    { WORLD "alice: connect s bobb:7\n",
      "t.scn:5:18: error: unknown host 'bobb' (did you mean 'bob'?)" },
    { WORLD "alice: connect s 192.0.2.256:7\n",
      "t.scn:5:18: error: bad IPv4 address '192.0.2.256'" },
    { WORLD "alice: connect s bob:7 timeout\n", "t.scn:5:24: error: timeout needs a duration" },
    { WORLD "alice: connect s bob:7 timeout 1s timeout 2s\n",
      "t.scn:5:35: error: 'timeout' is given twice" },
    { WORLD "alice: send s\n", "t.scn:5:8: error: send needs a socket and a payload" },
    { WORLD "alice: send s hello\n",
      "t.scn:5:15: error: expected a payload (a quoted text, 'bytes N', 'file PATH' or a data variable), found "
      "'hello'" },
    { WORLD "alice: send s bytes\n", "t.scn:5:15: error: bytes needs a number" },
    { WORLD "alice: send s bytes many\n",
      "t.scn:5:21: error: bytes must be a whole number, found 'many'" },
    { WORLD "alice: send s bytes 2147483648\n",
      "t.scn:5:21: error: bytes 2147483648 is more than 2147483647" },
    { WORLD "alice: send s file\n", "t.scn:5:15: error: file needs a path" },
    { WORLD "alice: send s \"x\" -> d\n",
      "t.scn:5:19: error: send returns no data, so '->' cannot follow it (only recv, recvfrom and "
      "ping)" },
    { WORLD "alice: sendto s bob:7\n",
      "t.scn:5:8: error: sendto needs a socket, a destination and a payload" },
    { WORLD "alice: recv s\n", "t.scn:5:8: error: recv needs a socket and a byte count" },
    { WORLD "alice: recv s 0\n", "t.scn:5:15: error: byte count must be at least 1" },
    { WORLD "alice: recvfrom s 1 ->\n", "t.scn:5:21: error: '->' needs a name, like '-> reply'" },
    { WORLD "alice: recv s 1 -> Data\n",
      "t.scn:5:20: error: bad variable name 'Data' (a variable starts with a-z or '_' and uses "
      "letters, digits and '_')" },
    { WORLD "alice: recv s 1 -> bob\n",
      "t.scn:5:20: error: 'bob' is a host; the data needs another name" },
    { WORLD "ping alice bob -> p\nalice: recv s 1 -> p\n",
      "t.scn:6:20: error: 'p' already holds a ping summary (defined at 5:19)" },
    { WORLD "alice: recv s 1 ->d\n", "t.scn:5:19: error: missing space after '->'" },
    { WORLD "alice: close\n", "t.scn:5:8: error: close needs a socket" },
    { WORLD "alice: bind s 7 timeout 1s\n",
      "t.scn:5:17: error: bind does not block, so it takes no timeout" },

    /* ping */
    { WORLD "ping alice\n", "t.scn:5:1: error: ping needs a host and a destination" },
    { WORLD "ping alice bob count\n", "t.scn:5:16: error: count needs a number" },
    { WORLD "ping alice bob count 2 count 3\n", "t.scn:5:24: error: 'count' is given twice" },
    { WORLD "ping alice bob cuont 2\n",
      "t.scn:5:16: error: unknown ping option 'cuont' (did you mean 'count'?)" },
    { WORLD "ping alice bob interval\n", "t.scn:5:16: error: interval needs a duration" },
    { WORLD "ping alice 192.0.2\n", "t.scn:5:12: error: bad IPv4 address '192.0.2'" },
    { WORLD "ping alice bob:7\n", "t.scn:5:12: error: unknown host 'bob:7' (did you mean 'bob'?)" },

    /* expect */
    { WORLD "expect\n", "t.scn:5:1: error: expect needs something to check" },
    { WORLD "expect \"x\"\n",
      "t.scn:5:8: error: expected a data variable or a host after 'expect', found \"x\"" },
    { WORLD "expect reply == \"x\"\n",
      "t.scn:5:8: error: no data variable 'reply' (data variables are defined with '-> NAME' after "
      "recv, recvfrom or ping)" },
    { WORLD "alice: recv s 9 -> d\nexpect d\n",
      "t.scn:6:8: error: expect needs a comparison and a quoted text after 'd'" },
    { WORLD "alice: recv s 9 -> d\nexpect d = \"x\"\n",
      "t.scn:6:10: error: expected ==, != or contains, found '='" },
    { WORLD "alice: recv s 9 -> d\nexpect d < \"x\"\n",
      "t.scn:6:10: error: expected ==, != or contains, found '<' (to compare sizes, write 'expect "
      "d length < N')" },
    { WORLD "alice: recv s 9 -> d\nexpect d == x\n",
      "t.scn:6:13: error: expected a quoted text, found 'x'" },
    { WORLD "alice: recv s 9 -> d\nexpect d ==\n",
      "t.scn:6:10: error: == needs a quoted text after it" },
    { WORLD "alice: recv s 9 -> d\nexpect d length 3\n",
      "t.scn:6:10: error: length needs a comparison and a number, like 'length == 5'" },
    { WORLD "alice: recv s 9 -> d\nexpect d length contains 3\n",
      "t.scn:6:17: error: expected a comparison (== != < <= > >=), found 'contains'" },
    { WORLD "expect alcie counter udp.rx == 1\n",
      "t.scn:5:8: error: unknown host 'alcie' (did you mean 'alice'?)" },
    { WORLD "expect alcie s error none\n",
      "t.scn:5:8: error: unknown host 'alcie' (did you mean 'alice'?)" },
    { WORLD "expect alice\n",
      "t.scn:5:8: error: expect needs a check after the host: counter, arp, route or 'SOCKET "
      "error|state|tcb'" },
    { WORLD "expect alice countr udp.rx == 1\n",
      "t.scn:5:14: error: unknown check 'countr' (did you mean 'counter'?)" },
    { WORLD "expect alice s stat TIME_WAIT\n",
      "t.scn:5:16: error: expected 'error', 'state' or 'tcb' after the socket, found 'stat'" },
    { WORLD "expect bob s error none\n",
      "t.scn:5:12: error: bob has no socket 's' (sockets are defined with 'VAR = socket udp')" },
    { WORLD "expect alice s error\n",
      "t.scn:5:16: error: error needs an error name, like 'error == ECONNREFUSED' or "
      "'error none'" },
    { WORLD "expect alice s error == econnrefused\n",
      "t.scn:5:25: error: bad error name 'econnrefused' (use none or an errno name like "
      "ECONNREFUSED)" },
    { WORLD "expect alice counter udp.rx\n",
      "t.scn:5:14: error: counter needs a name, a comparison and a number, like 'counter udp.rx "
      "== 1'" },
    { WORLD "expect alice counter udp-rx == 1\n",
      "t.scn:5:22: error: bad counter name 'udp-rx' (counter names use letters, digits, '_' and "
      "'.', like udp.rx)" },
    { WORLD "expect alice counter udp.rx =< 1\n",
      "t.scn:5:29: error: expected a comparison (== != < <= > >=), found '=<'" },
    { WORLD "expect alice counter udp.rx == -1\n",
      "t.scn:5:32: error: counter value must be a whole number, found '-1'" },
    { WORLD "expect alice arp bob\n",
      "t.scn:5:14: error: arp needs an address and a state, like 'arp 192.0.2.2 present'" },
    { WORLD "expect alice arp bob == prsent\n",
      "t.scn:5:25: error: unknown ARP state 'prsent' (did you mean 'present'?)" },
    { WORLD "expect alice arp bob == 02:00\n",
      "t.scn:5:25: error: expected a MAC address, 'absent', 'incomplete' or 'present', found "
      "'02:00'" },
    { WORLD "expect alice arp bob present now\n",
      "t.scn:5:30: error: unexpected 'now' at the end of the line" },

    /* v1: background calls, wait, TCP calls, set, drop, at, repeat, new expects, include */
    { WORLD "alice: recv s 10 &&\n",
      "t.scn:5:18: error: unexpected '&&' at the end of the line" },
    { WORLD "alice: bind s 7 &\n",
      "t.scn:5:17: error: bind does not block, so '&' has nothing to run in the background" },
    { WORLD "alice: t = socket tcp\nalice: listen t many\n",
      "t.scn:6:17: error: unexpected 'many' at the end of the line" },
    { WORLD "alice: t = socket tcp\nalice: listen t 5000\n",
      "t.scn:6:17: error: backlog 5000 is more than 4096" },
    { WORLD "alice: a = accept\n",
      "t.scn:5:12: error: accept needs a listening socket, like 'a = accept s'" },
    { WORLD "alice: a = accept s\n",
      "t.scn:5:19: error: accept needs a stream socket (tcp or local stream); 's' is udp" },
    { WORLD "alice: t = socket tcp\nalice: a = accept t timeout\n\n",
      "t.scn:6:21: error: timeout needs a duration" },
    { WORLD "alice: t = socket tcp\nalice: shutdown t both\n",
      "t.scn:6:19: error: shutdown takes rd, wr or rdwr, found 'both'" },
    { WORLD "alice: t = socket tcp\nalice: shutdown t\n",
      "t.scn:6:8: error: shutdown needs a socket and rd, wr or rdwr" },
    { WORLD "alice: t = socket tcp\nalice: setsockopt t nodely on\n",
      "t.scn:6:21: error: unknown socket option 'nodely' (did you mean 'nodelay'?)" },
    { WORLD "alice: t = socket tcp\nalice: setsockopt t nodelay yes\n",
      "t.scn:6:29: error: nodelay takes on or off, found 'yes'" },
    { WORLD "alice: setsockopt s nodelay on\n",
      "t.scn:5:21: error: nodelay is a TCP option; 's' is a udp socket" },
    { WORLD "alice: t = socket tcp\nalice: setsockopt t linger 1500ms\n",
      "t.scn:6:28: error: linger counts whole seconds, like 0s or 5s (found '1500ms')" },
    { WORLD "alice: t = socket tcp\nalice: setsockopt t congestion vegas\n",
      "t.scn:6:32: error: unknown congestion control 'vegas' (use tahoe, reno, newreno or cubic)" },
    { WORLD "alice: t = socket tcp\nalice: setsockopt t rcvbuf 0\n",
      "t.scn:6:28: error: rcvbuf must be at least 1" },
    { WORLD "alice: recv s all\n",
      "t.scn:5:15: error: 'all' reads a stream to its end: it needs recv on a tcp or local stream socket" },
    { WORLD "alice: t = socket tcp\nalice: recvfrom t all\n",
      "t.scn:6:19: error: 'all' reads a stream to its end: it needs recv on a tcp or local stream socket" },
    { WORLD "wait s\n",
      "t.scn:5:6: error: no background call on 's' to wait for (a call ending in '&' starts one)" },
    { WORLD "alice: recv s 10 &\nbob: s = socket udp\nbob: recv s 10 &\nwait s\n",
      "t.scn:8:6: error: both alice and bob have a background call on 's': write 'HOST: wait s'" },
    { WORLD "alice: wait s &\n",
      "t.scn:5:15: error: wait joins a background call; it cannot run in the background itself" },
    { WORLD "alice: recv s 10 &\nwait s now\n",
      "t.scn:6:8: error: unexpected 'now' at the end of the line" },
    { WORLD "pause \"a\" \"b\"\n",
      "t.scn:5:11: error: unexpected \"b\" at the end of the line" },
    { WORLD "pause now\n",
      "t.scn:5:7: error: expected a quoted text after 'pause', found 'now'" },
    { WORLD "set alice tcp.mls 1s\n",
      "t.scn:5:11: error: unknown setting 'tcp.mls' (did you mean 'tcp.msl'?)" },
    { WORLD "set alice tcp.msl 1\n",
      "t.scn:5:19: error: duration '1' needs a unit: ns, us, ms or s" },
    { WORLD "set alice tcp.delack 0s\n",
      "t.scn:5:22: error: tcp.delack '0s': write 'off' to turn delayed ACKs off" },
    { WORLD "set alice tcp.sack maybe\n",
      "t.scn:5:20: error: tcp.sack takes on or off, found 'maybe'" },
    { WORLD "set alice tcp.cc vegas\n",
      "t.scn:5:18: error: unknown congestion control 'vegas' (use tahoe, reno, newreno or cubic)" },
    { WORLD "set alice\n",
      "t.scn:5:1: error: set needs a host, a name and a value, like 'set alice tcp.msl 1s'" },
    { WORLD "set carol tcp.msl 1s\n",
      "t.scn:5:5: error: unknown host 'carol'" },
    { WORLD "drop tcp from alice\n",
      "t.scn:5:6: error: expected which match to drop, like 1st, 2nd, 3rd or 10th, found 'tcp'" },
    { WORLD "drop 3th tcp from alice\n",
      "t.scn:5:6: error: write '3rd', not '3th'" },
    { WORLD "drop 3rd\n",
      "t.scn:5:10: error: drop needs a filter saying which frames count, like 'tcp from alice'" },
    { WORLD "drop 1st tcp flags X\n",
      "t.scn:5:20: error: bad TCP flags 'X' (write letters as tcpdump does, like S, SA, A, FA, R, or names like SYN+ACK)" },
    { WORLD "drop 1st udp flags S\n",
      "t.scn:5:14: error: flags are TCP's: write 'tcp ... flags S'" },
    { WORLD "drop 1st tcp frm alice\n",
      "t.scn:5:14: error: unknown filter word 'frm' (did you mean 'from'?)" },
    { WORLD "drop 1st tcp from alice len 0\n",
      "t.scn:5:25: error: len needs a comparison and a number, like 'len > 0'" },
    { WORLD "drop 2nd icmp port 7\n",
      "t.scn:5:15: error: port needs udp or tcp first, like 'tcp port 80'" },
    { WORLD "at 1s sleep 1s\n",
      "t.scn:5:7: error: at cannot schedule 'sleep' (it schedules host calls, say, expect, set, drop rules and 'link A B down|up')" },
    { WORLD "at 1s host carol 192.0.2.3/24\n",
      "t.scn:5:7: error: at cannot schedule 'host' (it schedules host calls, say, expect, set, drop rules and 'link A B down|up')" },
    { WORLD "at alice: send s \"x\"\n",
      "t.scn:5:4: error: expected a duration like 10ms or 1.5s, found 'alice:'" },
    { WORLD "at 1s\n",
      "t.scn:5:1: error: at needs a statement after the time" },
    { WORLD "at 1x say \"x\"\n",
      "t.scn:5:4: error: unknown time unit 'x' in '1x' (use ns, us, ms or s)" },
    { WORLD "repeat 3\nsay \"x\"\n}\n",
      "t.scn:5:9: error: repeat needs '{' at the end of its line (the block ends with '}' on a line of its own)" },
    { WORLD "repeat 0 {\n}\n",
      "t.scn:5:8: error: repeat count must be at least 1" },
    { WORLD "repeat 3 {\nsay \"x\"\n",
      "t.scn:5:1: error: this repeat has no closing '}' (a '}' on a line of its own ends the block)" },
    { WORLD "}\n",
      "t.scn:5:1: error: '}' without a 'repeat N {' to close" },
    { WORLD "repeat 2 {\nhost carol 192.0.2.3/24\n}\n",
      "t.scn:6:1: error: host inside a repeat needs a counter to tell the passes apart: write "
      "'repeat N as i {' (the repeat at 5:1) and use $i in the name" },
    { WORLD "repeat 2 as i {\nrepeat 2 {\nswitch s$i\n}\n}\n",
      "t.scn:7:1: error: switch inside a repeat needs a counter to tell the passes apart: write "
      "'repeat N as i {' (the repeat at 6:1) and use $i in the name" },
    { WORLD "repeat 2 as i {\nseed 3\n}\n",
      "t.scn:6:1: error: seed cannot be inside a repeat (the repeat at 5:1): it describes the world, not a step" },
    { WORLD "repeat 2 as i {\nhost carol$i 192.0.2.3/24\n}\n",
      "t.scn:6:14: error: address 192.0.2.3 is already used by host 'carol1' (at 6:6)" },
    { WORLD "repeat 2 { say\n",
      "t.scn:5:12: error: unexpected 'say' at the end of the line" },
    { WORLD "expect packets tcp == x\n",
      "t.scn:5:23: error: packet count must be a whole number, found 'x'" },
    { WORLD "expect packets tcp from alice\n",
      "t.scn:5:8: error: packets needs a filter, a comparison and a number, like 'packets tcp from alice flags S == 1'" },
    { WORLD "expect packets udp flags S == 1\n",
      "t.scn:5:20: error: flags are TCP's: write 'tcp ... flags S'" },
    { WORLD "expect time < 2\n",
      "t.scn:5:15: error: duration '2' needs a unit: ns, us, ms or s" },
    { WORLD "expect time 2s\n",
      "t.scn:5:8: error: time needs a comparison and a duration, like 'time < 2s'" },
    { WORLD "expect alice s state ESTABLISH\n",
      "t.scn:5:22: error: unknown state 'ESTABLISH' (did you mean 'ESTABLISHED'?)" },
    { WORLD "expect alice s state\n",
      "t.scn:5:16: error: state needs a state name, like 'state ESTABLISHED'" },
    { WORLD "expect alice s tcb cwnd >= 1\n",
      "t.scn:5:16: error: 's' is a udp socket; only tcp sockets have a TCB" },
    { WORLD "expect alice route bob\n",
      "t.scn:5:14: error: route needs a destination and an answer, like 'route 198.51.100.7 via 192.0.2.254', 'route bob direct' or 'route 10.9.9.9 none'" },
    { WORLD "expect alice route bob via\n",
      "t.scn:5:24: error: via needs the gateway's address or host name" },
    { WORLD "expect alice route bob maybe\n",
      "t.scn:5:24: error: expected 'via ADDRESS', 'direct' or 'none', found 'maybe'" },
    { WORLD "expect alice rout bob direct\n",
      "t.scn:5:14: error: unknown check 'rout' (did you mean 'route'?)" },
    { WORLD "include\n",
      "t.scn:5:1: error: include needs a file name, like 'include \"two-hosts.scn\"'" },
    { WORLD "include \"nope.scn\"\n",
      "t.scn:5:9: error: cannot include 'nope.scn': cannot open: No such file or directory" },
    { WORLD "include \"a.scn\" \"b.scn\"\n",
      "t.scn:5:17: error: unexpected \"b.scn\" at the end of the line" },

    /* lexing */
    { "say \"abc\n",
      "t.scn:1:5: error: unterminated quoted text (it needs a closing '\"' on the same line)" },

    /* networks (issue 4): interfaces, routers, switches, link faults,
     * routes, ip route, traceroute, ping ttl/df, link down/up, rules */
    { "host a 192.0.2.1/24 192.0.2.9/24\n",
      "t.scn:1:21: error: 192.0.2.9 is on the same subnet as eth0 (192.0.2.1/24); each interface needs a subnet of its own" },
    { "host a 192.0.2.1/24 198.51.100.1/24 198.51.100.1/24\n",
      "t.scn:1:37: error: address 198.51.100.1 is given twice (eth1 has it already)" },
    { "host a 192.0.2.1/24\nhost b 198.51.100.1/24 192.0.2.1/24\n",
      "t.scn:2:24: error: address 192.0.2.1 is already used by host 'a' (at 1:6)" },
    { "host a 192.0.2.1/24 198.51.100.0/24\n",
      "t.scn:1:21: error: 198.51.100.0 is the network address of 198.51.100.0/24; a host needs one of the addresses inside it" },
    { "host a 192.0.2.1/24 1.2.3.4/24 1.2.4.4/24 1.2.5.4/24 1.2.6.4/24 1.2.7.4/24 1.2.8.4/24 1.2.9.4/24 1.2.10.4/24\n",
      "t.scn:1:98: error: a host has at most 8 interfaces" },
    { "router r1\n",
      "t.scn:1:1: error: router needs a name and an address" },
    { "router r1 192.0.2.1/24 mtu\n",
      "t.scn:1:24: error: mtu needs a number" },
    { "switch\n",
      "t.scn:1:1: error: switch needs a name" },
    { "switch sw1\nswitch sw1\n",
      "t.scn:2:8: error: 'sw1' is already a switch (defined at 1:8)" },
    { "host a 192.0.2.1/24\nhub a\n",
      "t.scn:2:5: error: 'a' is already a host (defined at 1:6)" },
    { "switch sw1\nhost sw1 192.0.2.1/24\n",
      "t.scn:2:6: error: 'sw1' is already a switch (defined at 1:8)" },
    { "switch sw1 extra\n",
      "t.scn:1:12: error: unexpected 'extra' at the end of the line" },
    { "switch Sw1\n",
      "t.scn:1:8: error: bad host name 'Sw1' (a host name starts with a-z or '_' and uses a-z, 0-9, '_' and '-')" },
    { NET "link r1 bob\nlink r1:eth1 carol\n",
      "t.scn:6:14: error: unknown host 'carol'" },
    { NET "link r1:eth7 bob\n",
      "t.scn:5:9: error: r1 has no interface 'eth7' (it has eth0..eth1)" },
    { NET "link alice:eth1 bob\n",
      "t.scn:5:12: error: alice has no interface 'eth1' (it has eth0)" },
    { NET "link r1:wlan0 bob\n",
      "t.scn:5:9: error: r1 has no interface 'wlan0' (it has eth0..eth1)" },
    { NET "link alice bob\n",
      "t.scn:5:6: error: alice's only interface is already on a link (at 4:1); to join more hosts, link them all to a switch" },
    { NET "link r1:eth0 bob\n",
      "t.scn:5:6: error: r1's eth0 is already on a link (at 4:1); name a free interface, like r1:eth1" },
    { NET "link r1 bob\nlink r1 bob\n",
      "t.scn:6:1: error: r1 and bob are already linked at 5:1" },
    { "switch sw1\nlink sw1 sw1\n",
      "t.scn:2:10: error: a link joins two different things, not 'sw1' to itself" },
    { "switch sw1\nhost a 192.0.2.1/24\nlink a sw1:1\n",
      "t.scn:3:11: error: a switch's ports are not named: write 'sw1'" },
    { "switch sw1\nhost a 192.0.2.1/24\nlink a sww1\n",
      "t.scn:3:8: error: unknown host or switch 'sww1' (did you mean 'sw1'?)" },
    { NET "link r1 bob delay 10ms 20ms\n",
      "t.scn:5:24: error: jitter 20ms is more than the delay; a frame cannot arrive before it is sent" },
    { NET "link r1 bob loss gemodel 1%\n",
      "t.scn:5:18: error: loss gemodel needs P and R, like 'loss gemodel 1% 30%' (P: good to bad, R: bad to good)" },
    { NET "link r1 bob loss gemodel 1% 150%\n",
      "t.scn:5:29: error: percentage '150%' is more than 100%" },
    { NET "link r1 bob duplicate\n",
      "t.scn:5:13: error: duplicate needs a percentage" },
    { NET "link r1 bob reorder 25% gap 0\n",
      "t.scn:5:29: error: gap must be at least 1" },
    { NET "link r1 bob reorder 25% gap\n",
      "t.scn:5:25: error: gap needs a number of frames" },
    { NET "link r1 bob corrupt 200%\n",
      "t.scn:5:21: error: percentage '200%' is more than 100%" },
    { NET "link r1 bob mtu 60\n",
      "t.scn:5:17: error: mtu must be at least 68" },
    { NET "link r1 bob mtu\n",
      "t.scn:5:13: error: mtu needs a number" },
    { NET "link r1 bob duplicat 1%\n",
      "t.scn:5:13: error: unknown link option 'duplicat' (did you mean 'duplicate'?)" },
    { NET "link r1 bob mtu 576 mtu 576\n",
      "t.scn:5:21: error: 'mtu' is given twice" },
    { NET "alice: route\n",
      "t.scn:5:8: error: route needs 'add', like 'alice: route add default via 192.0.2.254' (to see the table: 'alice: ip route')" },
    { NET "alice: route del default\n",
      "t.scn:5:14: error: route needs 'add', like 'alice: route add default via 192.0.2.254' (to see the table: 'alice: ip route')" },
    { NET "alice: route add\n",
      "t.scn:5:14: error: route add needs a destination: ADDRESS/LEN or default" },
    { NET "alice: route add default\n",
      "t.scn:5:18: error: route add needs 'via GATEWAY' or 'dev ethN'" },
    { NET "alice: route add 198.51.100.7/24 via 192.0.2.254\n",
      "t.scn:5:18: error: 198.51.100.7/24 has host bits set; the network is 198.51.100.0/24" },
    { NET "alice: route add 198.51.100.0/33 via 192.0.2.254\n",
      "t.scn:5:31: error: bad prefix length '33' (a number 0..32)" },
    { NET "alice: route add 198.51.100.0 via 192.0.2.254\n",
      "t.scn:5:18: error: expected a destination like 198.51.100.0/24 or default, found '198.51.100.0'" },
    { NET "alice: route add 198.51.100.0/24 via 203.0.113.1\n",
      "t.scn:5:38: error: gateway 203.0.113.1 is not on a subnet of alice (192.0.2.0/24); a gateway is a neighbour on one of them" },
    { NET "alice: route add default via alice\n",
      "t.scn:5:30: error: gateway 192.0.2.1 is not on a subnet of alice (192.0.2.0/24); a gateway is a neighbour on one of them" },
    { NET "alice: route add default via\n",
      "t.scn:5:26: error: via needs a gateway address" },
    { NET "alice: route add default via 192.0.2.254 dev eth1\n",
      "t.scn:5:46: error: alice has no interface 'eth1' (it has eth0)" },
    { NET "r1: route add default via 192.0.2.9 dev eth1\n",
      "t.scn:5:37: error: gateway 192.0.2.9 is not on eth1's subnet" },
    { NET "alice: route add default via 192.0.2.254 metric 5\n",
      "t.scn:5:42: error: unknown route option 'metric' (route options are via and dev)" },
    { NET "alice: route add default via 192.0.2.254 via 192.0.2.254\n",
      "t.scn:5:42: error: 'via' is given twice" },
    { NET "alice: route add default via 192.0.2.254 &\n",
      "t.scn:5:42: error: route does not block, so '&' has nothing to run in the background" },
    { NET "alice: ip addr\n",
      "t.scn:5:11: error: ip needs 'route', like 'alice: ip route' (netstep's ip knows only its route table)" },
    { NET "alice: ip route add default via r1\n",
      "t.scn:5:17: error: write 'alice: route add ...' to add a route" },
    { NET "alice: ip route show all\n",
      "t.scn:5:22: error: unexpected 'all' at the end of the line" },
    { NET "traceroute\n",
      "t.scn:5:1: error: traceroute needs a host and a destination" },
    { NET "traceroute alice\n",
      "t.scn:5:1: error: traceroute needs a host and a destination" },
    { NET "traceroute alcie bob\n",
      "t.scn:5:12: error: unknown host 'alcie' (did you mean 'alice'?)" },
    { NET "traceroute alice bob max-hops 0\n",
      "t.scn:5:31: error: max-hops must be at least 1" },
    { NET "traceroute alice bob max-hops 256\n",
      "t.scn:5:31: error: max-hops 256 is more than 255" },
    { NET "traceroute alice bob probes 11\n",
      "t.scn:5:29: error: probes 11 is more than 10" },
    { NET "traceroute alice bob wait 0s\n",
      "t.scn:5:27: error: wait must be more than 0s" },
    { NET "traceroute alice bob wait\n",
      "t.scn:5:22: error: wait needs a duration" },
    { NET "traceroute alice bob maxhops 5\n",
      "t.scn:5:22: error: unknown traceroute option 'maxhops' (did you mean 'max-hops'?)" },
    { NET "traceroute alice bob probes 2 probes 2\n",
      "t.scn:5:31: error: 'probes' is given twice" },
    { NET "traceroute alice bob -> x\n",
      "t.scn:5:22: error: unknown traceroute option '->' (traceroute options are max-hops, probes, wait and ipv6)" },
    { NET "ping alice bob ttl 0\n",
      "t.scn:5:20: error: ttl must be at least 1" },
    { NET "ping alice bob ttl 256\n",
      "t.scn:5:20: error: ttl 256 is more than 255" },
    { NET "ping alice bob ttl\n",
      "t.scn:5:16: error: ttl needs a number" },
    { NET "ping alice bob df df\n",
      "t.scn:5:19: error: 'df' is given twice" },
    { NET "ping alice bob dff\n",
      "t.scn:5:16: error: unknown ping option 'dff' (did you mean 'df'?)" },
    { NET "link alice bob down\n",
      "t.scn:5:6: error: there is no link between alice and bob" },
    { NET "link alice r1 sideways\n",
      "t.scn:5:1: error: alice and r1 are already linked at 4:1" },
    { NET "at 2s link alice r1\n",
      "t.scn:5:7: error: at cannot schedule a link's definition; it can schedule 'link A B down' and 'link A B up'" },
    { NET "at 2s traceroute alice bob\n",
      "t.scn:5:7: error: at cannot schedule 'traceroute' (it schedules host calls, say, expect, set, drop rules and 'link A B down|up')" },
    { NET "duplicate\n",
      "t.scn:5:1: error: duplicate needs which one and what, like 'duplicate 3rd tcp from alice'" },
    { NET "corrupt 2nd\n",
      "t.scn:5:13: error: corrupt needs a filter saying which frames count, like 'tcp from alice'" },
    { NET "delay 3rd tcp from alice\n",
      "t.scn:5:1: error: delay needs 'by DURATION' at the end, like 'delay 3rd tcp from alice by 200ms'" },
    { NET "delay 3rd tcp from alice by\n",
      "t.scn:5:1: error: delay needs 'by DURATION' at the end, like 'delay 3rd tcp from alice by 200ms'" },
    { NET "delay 3rd tcp from alice by 10\n",
      "t.scn:5:29: error: duration '10' needs a unit: ns, us, ms or s" },
    { NET "duplicate 3th tcp\n",
      "t.scn:5:11: error: write '3rd', not '3th'" },
    { NET "link r1 bob corrupt 1% l3\n",
      "t.scn:5:24: error: unknown link option 'l3' (link options are delay, rate, loss, duplicate, reorder, corrupt, mtu and limit)" },
    { NET "link r1 bob loss gemodel 1% 30% 50% 5% 7%\n",
      "t.scn:5:40: error: unknown link option '7%' (link options are delay, rate, loss, duplicate, reorder, corrupt, mtu and limit)" },
    { NET "drop 1st tcp from alice\nalice: x = socket tcp\nat 1s link alice r1 down\nlink r1 bob up\n",
      "t.scn:8:6: error: there is no link between r1 and bob" },
};

#define N_BAD_STRINGS (sizeof bad_strings / sizeof bad_strings[0])

START_TEST(test_bad_string)
{
    assert_error(bad_strings[_i].text, bad_strings[_i].msg);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Bad inputs as files: tests/data/bad/, one mistake each */

static const struct {
    const char *file;  /* under tests/data/bad/ */
    const char *msg;   /* the first error, after "PATH:" */
} bad_files[] = {
    { "bad_address.scn", "2:12: error: bad IPv4 address '192.0.2.300'" },
    { "bad_escape.scn",
      "7:38: error: unknown escape '\\q' (use \\n \\r \\t \\0 \\\\ \\\" or \\xHH)" },
    { "bad_rate_unit.scn",
      "4:21: error: unknown rate unit 'mbit' in '10mbit' (did you mean 'Mbit'?)" },
    { "bind_missing_port.scn", "5:8: error: bind needs a socket and a port" },
    { "duplicate_address.scn",
      "3:12: error: address 192.0.2.1 is already used by host 'alice' (at 2:6)" },
    { "duplicate_host.scn", "3:6: error: host 'alice' is already defined at 2:6" },
    { "duplicate_link.scn", "5:1: error: bob and alice are already linked at 4:1" },
    { "duration_without_unit.scn", "4:22: error: duration '10' needs a unit: ns, us, ms or s" },
    { "expect_undefined_data.scn", "7:8: error: no data variable 'rpely' (did you mean 'reply'?)" },
    { "host_used_before_defined.scn",
      "2:6: error: unknown host 'alice' (it is defined later, at 3:6; define hosts before using "
      "them)" },
    { "link_to_self.scn", "3:12: error: a link joins two different hosts, not 'alice' to itself" },
    { "loss_over_100.scn", "4:21: error: percentage '150%' is more than 100%" },
    { "ping_count_zero.scn", "6:22: error: count must be at least 1" },
    { "ping_size_too_big.scn",
      "6:21: error: size 65508 is more than 65507 (the largest ICMP payload in one IPv4 "
      "datagram)" },
    { "port_out_of_range.scn", "7:22: error: port 70000 is out of range 1..65535" },
    { "prefix_too_long.scn", "2:22: error: prefix length 33 is more than 32" },
    { "recv_zero_bytes.scn", "6:15: error: byte count must be at least 1" },
    { "socket_of_other_host.scn",
      "7:13: error: bob has no socket 's' (sockets are defined with 'VAR = socket udp')" },
    { "socket_redefined.scn", "5:8: error: socket 's' on alice is already defined at 4:8" },
    { "socket_type_typo.scn", "4:19: error: unknown socket type 'tpc' (did you mean 'tcp'?)" },
    { "trailing_garbage.scn", "5:16: error: unexpected 'now' at the end of the line" },
    { "unknown_host.scn", "6:1: error: unknown host 'alcie' (did you mean 'alice'?)" },
    { "unknown_statement.scn", "2:1: error: unknown statement 'hots' (did you mean 'host'?)" },
    { "unterminated_string.scn",
      "2:5: error: unterminated quoted text (it needs a closing '\"' on the same line)" },
};

#define N_BAD_FILES (sizeof bad_files / sizeof bad_files[0])

START_TEST(test_bad_file)
{
    char path[512];
    char want[1024];
    struct scn_diag d;
    struct scenario *scn;

    snprintf(path, sizeof path, "%s/bad/%s", NETSTEP_TEST_DATA, bad_files[_i].file);
    snprintf(want, sizeof want, "%s:%s", path, bad_files[_i].msg);
    scn = scenario_parse_file(path, &d);
    ck_assert_msg(scn == NULL, "%s parsed", path);
    ck_assert_str_eq(d.first, want);
    /* One mistake per file, and it does not cascade into others. */
    ck_assert_uint_eq(d.n_errors, 1);
}
END_TEST

START_TEST(test_bad_corpus_is_all_listed)
{
    DIR *dir = opendir(NETSTEP_TEST_DATA "/bad");
    struct dirent *de;
    size_t n = 0;

    ck_assert_ptr_nonnull(dir);
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        bool listed = false;
        if (len < 4 || strcmp(de->d_name + len - 4, ".scn") != 0)
            continue;
        for (size_t i = 0; i < N_BAD_FILES; i++)
            if (strcmp(bad_files[i].file, de->d_name) == 0)
                listed = true;
        ck_assert_msg(listed, "%s has no expected message in bad_files[]", de->d_name);
        n++;
    }
    closedir(dir);
    ck_assert_uint_eq(n, N_BAD_FILES);
}
END_TEST

START_TEST(test_unreadable_file)
{
    struct scn_diag d;

    ck_assert_ptr_null(scenario_parse_file(NETSTEP_TEST_DATA "/no-such.scn", &d));
    ck_assert_str_eq(d.first,
                     NETSTEP_TEST_DATA
                     "/no-such.scn: error: cannot open: No such file or directory");
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_uint_eq(d.errors[0].line, 0);
    ck_assert_uint_eq(d.errors[0].col, 0);

    ck_assert_ptr_null(scenario_parse_file(NETSTEP_TEST_DATA "/bad", &d));
    ck_assert_str_eq(d.first, NETSTEP_TEST_DATA "/bad: error: not a regular file (a directory): "
                                                "a scenario is read from a file");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Many errors at once */

START_TEST(test_all_errors_are_collected_in_order)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("m.scn",
                                                 "host alice 192.0.2.1/24\n"
                                                 "hots bob 192.0.2.2/24\n"
                                                 "alice: s = socket tpc\n"
                                                 "alice: bind s 0\n"
                                                 "alice: recv s 0 -> d\n"
                                                 "expect d == \"x\"\n"
                                                 "sleep 5\n",
                                                 &d);

    ck_assert_ptr_null(scn);
    /* The socket and the data variable of broken lines are still defined,
     * so lines 4 and 6 report only their own mistakes (6 has none). */
    ck_assert_uint_eq(d.n_errors, 5);
    ck_assert_uint_eq(d.n_kept, 5);
    ck_assert_str_eq(d.errors[0].msg,
                     "m.scn:2:1: error: unknown statement 'hots' (did you mean 'host'?)");
    ck_assert_str_eq(d.errors[1].msg,
                     "m.scn:3:19: error: unknown socket type 'tpc' (did you mean 'tcp'?)");
    ck_assert_str_eq(d.errors[2].msg, "m.scn:4:15: error: port 0 is out of range 1..65535");
    ck_assert_str_eq(d.errors[3].msg, "m.scn:5:15: error: byte count must be at least 1");
    ck_assert_str_eq(d.errors[4].msg,
                     "m.scn:7:7: error: duration '5' needs a unit: ns, us, ms or s");
    ck_assert_uint_eq(d.errors[2].line, 4);
    ck_assert_uint_eq(d.errors[2].col, 15);
    ck_assert_str_eq(d.first, d.errors[0].msg);
}
END_TEST

START_TEST(test_errors_past_the_limit_are_counted)
{
    struct scn_diag d;
    char *text = malloc(40 * 8 + 1);
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    ck_assert_ptr_nonnull(text);
    text[0] = '\0';
    for (int i = 0; i < 40; i++)
        strcat(text, "slep 1s\n");
    ck_assert_ptr_null(scenario_parse_string("many.scn", text, &d));
    ck_assert_uint_eq(d.n_errors, 40);
    ck_assert_uint_eq(d.n_kept, SCN_DIAG_MAX);
    ck_assert_str_eq(d.errors[SCN_DIAG_MAX - 1].msg,
                     "many.scn:20:1: error: unknown statement 'slep' (did you mean 'sleep'?)");

    f = open_memstream(&out, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scn_diag_print(&d, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "many.scn:1:1: error: unknown statement 'slep'"));
    ck_assert_ptr_nonnull(strstr(out, "\n(and 20 more errors)\n"));
    free(out);
    free(text);
}
END_TEST

START_TEST(test_long_tokens_are_shortened_in_messages)
{
    struct scn_diag d;
    char text[600];

    snprintf(text, sizeof text, "sleep %0300d\n", 7);
    ck_assert_ptr_null(scenario_parse_string("t.scn", text, &d));
    ck_assert_str_eq(d.first,
                     "t.scn:1:7: error: duration '0000000000000000000000000000000000000...' "
                              "needs a unit: ns, us, ms or s");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* v1 statements: what the tree holds */

START_TEST(test_v1_statements_and_their_fields)
{
    struct scenario *scn = parse_ok(WORLD
                                    "bob: l = socket tcp\n"
                                    "bob: listen l 5\n"
                                    "bob: a = accept l timeout 2s &\n"
                                    "alice: t = socket tcp\n"
                                    "alice: setsockopt t linger 5s\n"
                                    "alice: connect t bob:80\n"
                                    "wait a\n"
                                    "alice: send t bytes 1000\n"
                                    "bob: recv a all -> body\n"
                                    "bob: shutdown a rdwr\n"
                                    "at 1500ms alice: send s \"x\"\n"
                                    "repeat 2 {\n"
                                    "  repeat 3 {\n"
                                    "    say \"in\"\n"
                                    "  }\n"
                                    "  pause\n"
                                    "}\n"
                                    "set alice tcp.delack off\n"
                                    "drop 22nd tcp from alice flags A len > 0\n"
                                    "expect packets tcp to bob port 80 flags SYN+ACK == 1\n"
                                    "expect time <= 2s\n"
                                    "expect alice t state ESTABLISHED\n"
                                    "expect alice t tcb cwnd >= 14600\n"
                                    "expect alice route bob == via 192.0.2.2\n");
    const struct scn_step *st;

    ck_assert_uint_eq(scn->socks[2].type, SCN_SOCK_TCP);       /* a, made by accept */
    st = step(scn, 3);
    ck_assert_int_eq(st->kind, SCN_STEP_ACCEPT);
    ck_assert_int_eq(st->sock, 1);
    ck_assert_int_eq(st->accept.new_sock, 2);
    ck_assert(st->background);
    ck_assert_uint_eq(st->timeout_ns, 2 * SEC);
    st = step(scn, 5);
    ck_assert_int_eq(st->sockopt.opt, SCN_OPT_LINGER);
    ck_assert_int_eq(st->sockopt.value, 5);
    st = step(scn, 7);
    ck_assert_int_eq(st->kind, SCN_STEP_WAIT);
    ck_assert_int_eq(st->host, 1);
    ck_assert_int_eq(st->sock, 2);
    ck_assert(step(scn, 9)->recv.all);
    ck_assert_int_eq(step(scn, 10)->shutdown.how, SCN_SHUT_RDWR);
    st = step(scn, 11);
    ck_assert(st->has_at);
    ck_assert_uint_eq(st->at_ns, 1500 * MS);
    ck_assert_int_eq(st->kind, SCN_STEP_SEND);
    /* repeat 2 { repeat 3 { say } pause }: 2 * (3 + 1) steps, original lines kept */
    for (size_t i = 12; i < 20; i++)
        ck_assert_int_eq(step(scn, i)->kind, (i - 12) % 4 == 3 ? SCN_STEP_PAUSE : SCN_STEP_SAY);
    ck_assert_uint_eq(step(scn, 12)->line, 18);
    ck_assert_uint_eq(step(scn, 16)->line, 18);
    ck_assert_uint_eq(step(scn, 19)->line, 20);
    st = step(scn, 20);
    ck_assert_int_eq(st->set.key, SCN_SET_TCP_DELACK);
    ck_assert_uint_eq(st->set.value, 0);
    st = step(scn, 21);
    ck_assert_uint_eq(st->drop.nth, 22);
    ck_assert_int_eq(st->drop.filter.proto, SCN_PROTO_TCP);
    ck_assert_uint_eq(st->drop.filter.flags, 0x10);
    ck_assert(st->drop.filter.has_len);
    st = step(scn, 22);
    ck_assert_uint_eq(st->expect.filter.flags, 0x12);
    ck_assert_uint_eq(st->expect.filter.port, 80);
    ck_assert_int_eq(step(scn, 23)->expect.kind, SCN_EXPECT_TIME);
    ck_assert_str_eq(step(scn, 24)->expect.field, "ESTABLISHED");
    ck_assert_str_eq(step(scn, 25)->expect.field, "cwnd");
    ck_assert_int_eq(step(scn, 26)->expect.route_kind, SCN_ROUTE_VIA);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_include_reads_the_topology_relative_to_the_file)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_file(NETSTEP_TEST_DATA "/include/main.scn", &d);

    ck_assert_msg(scn != NULL, "%s", d.first);
    ck_assert_uint_eq(scn->n_hosts, 2);
    ck_assert_uint_eq(scn->n_files, 2);
    ck_assert_str_eq(scn->files[1], NETSTEP_TEST_DATA "/include/two-hosts.scn");
    ck_assert_uint_eq(scn->hosts[1].line, 3);
    ck_assert_uint_eq(step(scn, 0)->file, 0);
    ck_assert_uint_eq(step(scn, 0)->line, 4);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_include_cycle_and_errors_inside_included_files)
{
    struct scn_diag d;

    ck_assert_ptr_null(scenario_parse_file(NETSTEP_TEST_DATA "/include/loop-a.scn", &d));
    ck_assert_str_eq(d.first, NETSTEP_TEST_DATA "/include/loop-b.scn:3:9: error: 'loop-a.scn' is "
                     "already being included, so this would never end (loop-a.scn -> "
                     "loop-b.scn -> loop-a.scn)");
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_ptr_null(scenario_parse_file(NETSTEP_TEST_DATA "/include/broken.scn", &d));
    ck_assert_str_eq(d.first, NETSTEP_TEST_DATA "/include/sub/broken-topology.scn:3:1: error: "
                     "unknown statement 'hots' (did you mean 'host'?)");
}
END_TEST

START_TEST(test_warnings_unused_sockets_and_no_path)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("w.scn",
                                                 "host alice 192.0.2.1/24\n"
                                                 "host bob 192.0.2.2/24\n"
                                                 "host carol 192.0.2.3/24\n"
                                                 "link alice bob\n"
                                                 "alice: s = socket udp\n"
                                                 "alice: u = socket udp\n"
                                                 "alice: sendto s carol:7 \"x\"\n"
                                                 "ping alice 192.0.2.3\n"
                                                 "ping alice bob\n",
                                                 &d);

    ck_assert_ptr_nonnull(scn);
    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_uint_eq(d.n_warnings, 2);
    ck_assert_str_eq(d.warnings[0].msg,
                     "w.scn:6:8: warning: socket 'u' on alice is never used after it is made");
    ck_assert_str_eq(d.warnings[1].msg,
                     "w.scn:7:1: warning: alice and carol have no path between them (no chain of "
                     "links joins them), so this traffic cannot arrive");
    scenario_free(scn);
}
END_TEST

START_TEST(test_errors_in_repeat_are_reported_once)
{
    struct scn_diag d;

    ck_assert_ptr_null(scenario_parse_string("r.scn",
                                             WORLD "repeat 3 {\n  alice: bnd s 7\n}\n", &d));
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_str_eq(d.first, "r.scn:6:10: error: unknown call 'bnd' (did you mean 'bind'?)");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Round trips: parse -> print -> parse */

START_TEST(test_round_trip_good_files)
{
    static const char *const files[] = { "udp_echo.scn", "ping_arp.scn", "udp_refused.scn" };

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        struct scn_diag d;
        snprintf(path, sizeof path, "%s/good/%s", NETSTEP_TEST_DATA, files[i]);
        struct scenario *scn = scenario_parse_file(path, &d);
        ck_assert_msg(scn != NULL, "%s", d.first);
        scenario_assert_round_trip(scn);
        scenario_free(scn);
    }
}
END_TEST

/* Every lesson in scenarios/ survives parse -> print -> parse. */
START_TEST(test_round_trip_every_lesson)
{
    static const char *const dirs[] = { "link", "ip", "udp", "tcp", "socket", "app", "tap",
                                        NULL };
    unsigned n = 0;

    for (size_t i = 0; dirs[i] != NULL; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, dirs[i]);
        DIR *d = opendir(path);
        if (d == NULL)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".scn") != 0)
                continue;
            char file[1024];
            struct scn_diag diag;
            snprintf(file, sizeof file, "%s/%s", path, e->d_name);
            struct scenario *scn = scenario_parse_file(file, &diag);
            ck_assert_msg(scn != NULL, "%s", diag.first);
            scenario_assert_round_trip(scn);
            scenario_free(scn);
            n++;
        }
        closedir(d);
    }
    ck_assert_uint_ge(n, 30);
}
END_TEST

START_TEST(test_networks_fields_and_round_trip)
{
    struct scenario *scn = parse_ok(
        "host alice 192.0.2.1/24\n"
        "router r1 192.0.2.254/24 198.51.100.1/30 mtu 9000\n"
        "router r2 198.51.100.2/30 203.0.113.254/24\n"
        "host bob 203.0.113.2/24\n"
        "host carol 203.0.113.3/24\n"
        "switch sw1\nhub hub1\n"
        "link alice r1 delay 10ms 2ms rate 1Mbit loss gemodel 1% 30% duplicate 1% "
        "reorder 25% gap 5 corrupt 0.5% l2 mtu 576 limit 10\n"
        "link r2 r1\n"
        "link r2:eth1 sw1 loss 5%\n"
        "link bob sw1\nlink carol hub1\n"
        "alice: route add default via r1\n"
        "r1: route add 203.0.113.0/24 via 198.51.100.2 dev eth1\n"
        "r2: route add 192.0.2.0/24 dev eth0\n"
        "alice: ip route\nr1: ip route show\n"
        "traceroute alice bob\ntraceroute alice 203.0.113.2 max-hops 5 probes 1 wait 1s\n"
        "ping alice bob df ttl 3 size 1000\n"
        "link alice r1 down\nat 2s link r1 alice up\n"
        "drop 3rd tcp from alice len > 0\nduplicate 1st udp port 53\n"
        "corrupt 2nd icmp from r1\ndelay 4th tcp flags S by 300ms\n");
    const struct scenario *x = scn;

    ck_assert_uint_eq(x->n_hosts, 5);
    ck_assert_uint_eq(x->hosts[1].n_ifaces, 2);
    ck_assert(x->hosts[1].router && !x->hosts[0].router);
    ck_assert_uint_eq(x->hosts[1].if_addr[1], 0xc6336401u);
    ck_assert_uint_eq(x->hosts[1].if_prefix[1], 30);
    ck_assert_uint_eq(x->n_switches, 2);
    ck_assert(!x->switches[0].hub && x->switches[1].hub);
    ck_assert_uint_eq(x->n_links, 5);
    const struct scn_link *l = &x->links[0];
    ck_assert_int_eq(l->a, 0);
    ck_assert_int_eq(l->b, 1);
    ck_assert_int_eq(l->b_if, 0);
    ck_assert_uint_eq(l->jitter_ns, 2 * MS);
    ck_assert(l->gemodel);
    ck_assert_uint_eq(l->ge_p_ppm, 10000);
    ck_assert_uint_eq(l->ge_r_ppm, 300000);
    ck_assert_uint_eq(l->ge_1h_ppm, 1000000);
    ck_assert_uint_eq(l->ge_1k_ppm, 0);
    ck_assert_uint_eq(l->reorder_gap, 5);
    ck_assert(l->corrupt_l2);
    ck_assert_uint_eq(l->mtu, 576);
    /* r2 r1: matched by subnet, r2's eth0 to r1's eth1 */
    ck_assert_int_eq(x->links[1].a_if, 0);
    ck_assert_int_eq(x->links[1].b_if, 1);
    ck_assert_int_eq(x->links[2].a_if, 1);
    ck_assert_int_eq(x->links[2].b_sw, 0);
    ck_assert_int_eq(x->links[2].b, -1);

    const struct scn_step *st = step(scn, 0);
    ck_assert_int_eq(st->kind, SCN_STEP_ROUTE_ADD);
    ck_assert_uint_eq(st->route.prefix_len, 0);
    ck_assert_uint_eq(st->route.gw.addr, 0xc00002feu);
    st = step(scn, 1);
    ck_assert_int_eq(st->route.dev, 1);
    st = step(scn, 2);
    ck_assert(!st->route.has_gw);
    ck_assert_int_eq(step(scn, 3)->kind, SCN_STEP_ROUTE_SHOW);
    st = step(scn, 5);
    ck_assert_int_eq(st->kind, SCN_STEP_TRACEROUTE);
    ck_assert_uint_eq(st->traceroute.max_hops, 30);
    ck_assert_uint_eq(st->traceroute.probes, 3);
    st = step(scn, 6);
    ck_assert_uint_eq(st->traceroute.max_hops, 5);
    ck_assert_uint_eq(st->traceroute.wait_ns, SEC);
    st = step(scn, 7);
    ck_assert(st->ping.df);
    ck_assert_uint_eq(st->ping.ttl, 3);
    st = step(scn, 8);
    ck_assert_int_eq(st->kind, SCN_STEP_LINK_STATE);
    ck_assert(st->link_state.down);
    st = step(scn, 9);
    ck_assert(st->has_at && !st->link_state.down);
    ck_assert_int_eq(st->link_state.link, 0);
    ck_assert_int_eq(step(scn, 11)->drop.action, SCN_RULE_DUPLICATE);
    ck_assert_int_eq(step(scn, 12)->drop.action, SCN_RULE_CORRUPT);
    st = step(scn, 13);
    ck_assert_int_eq(st->drop.action, SCN_RULE_DELAY);
    ck_assert_uint_eq(st->drop.delay_ns, 300 * MS);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_round_trip_every_construct)
{
    struct scenario *scn = parse_ok("title \"all\\tof \\\"it\\\"\"\n"
                                    "about \"a\"\nabout \"b\\x01\"\n"
                                    "seed 0\n"
                                    "host alice 10.1.2.3/8 mtu 576 mac 02:00:00:00:00:0a\n"
                                    "host bob 10.1.2.4/8\n"
                                    "link alice bob delay 1500ms rate 1500kbit loss 0.0001% "
                                    "limit 1\n"
                                    "alice: s = socket udp\nalice: p = socket icmp\n"
                                    "bob: t = socket tcp\nbob: s = socket udp\n"
                                    "alice: bind s 1\nbob: bind s 10.1.2.4:65535\n"
                                    "alice: bind p alice:9\n"
                                    "alice: connect s 10.1.2.4:7 timeout 0s\n"
                                    "alice: send s \"\\0\\xff\\r\\n\\\\\" timeout 123456789ns\n"
                                    "alice: send s bytes 0\n"
                                    "alice: send s file \"a b/c\\\"d\"\n"
                                    "alice: sendto s bob:7 bytes 16777216\n"
                                    "bob: recvfrom s 65535 -> d\nbob: recv s 1 timeout 1us\n"
                                    "bob: close t\n"
                                    "ping alice bob count 1000000 size 65507 interval 0s timeout "
                                    "90s -> p\n"
                                    "ping bob 10.1.2.3\n"
                                    "sleep 0s\nsay \"\"\n"
                                    "expect d == \"\"\nexpect d != \"x\"\nexpect d contains "
                                    "\"\\n\"\n"
                                    "expect p length != 0\nexpect p length < 1\n"
                                    "expect d length > 2\nexpect d length >= 3\n"
                                    "expect alice s error EADDRINUSE\n"
                                    "expect bob counter ipv4.tx <= 5\n"
                                    "expect alice arp 10.1.2.4 02:00:00:00:00:0b\n"
                                    "expect alice arp bob absent\n");

    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_print_is_canonical)
{
    struct scenario *scn = parse_ok("host  a  192.0.2.1/24   # x\n"
                                    "host b 192.0.2.2/24 mtu 1500\n"
                                    "link a b delay 2000ms rate 2000000bit loss 12.50% limit 1000\n"
                                    "a: s = socket udp\n"
                                    "a:   recv s 9 -> x timeout 0.5s\n"
                                    "ping a b count 1 size 56 interval 1s timeout 1000ms\n"
                                    "expect a s error none\n");
    char *text = scenario_print_string(scn);

    ck_assert_str_eq(text, "host a 192.0.2.1/24\n"
                           "host b 192.0.2.2/24\n"
                           "link a b delay 2s rate 2Mbit loss 12.5%\n"
                           "\n"
                           "a: s = socket udp\n"
                           "a: recv s 9 timeout 500ms -> x\n"
                           "ping a b\n"
                           "expect a s error == none\n");
    free(text);
    scenario_free(scn);
}
END_TEST

START_TEST(test_equal_ignores_positions_only)
{
    struct scenario *a = parse_ok("host a 192.0.2.1/24\nsleep 1s\n");
    struct scenario *b = parse_ok("\n\nhost   a 192.0.2.1/24\n   sleep 1000ms # x\n");
    struct scenario *c = parse_ok("host a 192.0.2.1/24\nsleep 2s\n");

    ck_assert(scenario_equal(a, b));
    ck_assert(!scenario_equal(a, c));
    scenario_free(a);
    scenario_free(b);
    scenario_free(c);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* tap: a host's interface on a Linux TAP device */

/* Regression: `about` paragraphs were joined through a 512-byte buffer, so a
 * long description (a TAP lesson's set-up commands) lost its end. */
START_TEST(test_long_about_is_kept_whole)
{
    char text[4096];
    size_t n = 0;
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "about \"paragraph %02d: sudo ip netns exec netstep-lab curl -v "
                              "http://192.0.2.2/\"\n", i);
    struct scenario *scn = parse_ok(text);
    ck_assert_ptr_nonnull(scn->about);
    ck_assert_uint_eq(strlen(scn->about), 12 * 70 + 11);
    ck_assert_ptr_nonnull(strstr(scn->about, "paragraph 11: sudo ip netns exec netstep-lab curl "
                                             "-v http://192.0.2.2/"));
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_tap_fields_and_defaults)
{
    struct scenario *scn = parse_ok(NET
                                    "tap bob nstap0\n"
                                    "tap r1:eth1 lab-1.x delay 10ms 2ms rate 100Mbit loss "
                                    "gemodel 1% 20% duplicate 1% reorder 5% gap 3 corrupt 0.5% "
                                    "l2 limit 50\n"
                                    "ping bob 192.0.2.1 -> r\n");

    ck_assert_uint_eq(scn->n_taps, 2);
    ck_assert_uint_eq(scn->n_links, 1);
    const struct scn_tap *a = &scn->taps[0];
    ck_assert_int_eq(a->host, 2);
    ck_assert_int_eq(a->ifc, 0);
    ck_assert_str_eq(a->dev, "nstap0");
    ck_assert_uint_eq(a->line, 5);
    ck_assert_uint_eq(a->col, 1);
    /* no options: no impairment, the link defaults */
    ck_assert_uint_eq(a->wire.delay_ns, 0);
    ck_assert_uint_eq(a->wire.rate_bps, 0);
    ck_assert_uint_eq(a->wire.loss_ppm, 0);
    ck_assert_uint_eq(a->wire.limit, SCN_LINK_LIMIT_DEFAULT);
    ck_assert_uint_eq(a->wire.reorder_gap, 1);
    ck_assert_uint_eq(a->wire.mtu, 0);
    ck_assert_int_eq(a->wire.a, -1);
    ck_assert_int_eq(a->wire.b, -1);

    const struct scn_tap *b = &scn->taps[1];
    ck_assert_int_eq(b->host, 1);
    ck_assert_int_eq(b->ifc, 1);
    ck_assert_str_eq(b->dev, "lab-1.x");
    ck_assert_uint_eq(b->wire.delay_ns, 10 * MS);
    ck_assert_uint_eq(b->wire.jitter_ns, 2 * MS);
    ck_assert_uint_eq(b->wire.rate_bps, 100000000);
    ck_assert(b->wire.gemodel);
    ck_assert_uint_eq(b->wire.ge_p_ppm, 10000);
    ck_assert_uint_eq(b->wire.ge_r_ppm, 200000);
    ck_assert_uint_eq(b->wire.ge_1h_ppm, SCN_PPM_ONE);
    ck_assert_uint_eq(b->wire.duplicate_ppm, 10000);
    ck_assert_uint_eq(b->wire.reorder_ppm, 50000);
    ck_assert_uint_eq(b->wire.reorder_gap, 3);
    ck_assert_uint_eq(b->wire.corrupt_ppm, 5000);
    ck_assert(b->wire.corrupt_l2);
    ck_assert_uint_eq(b->wire.limit, 50);

    ck_assert_ptr_eq(scenario_tap_of(scn, 2, 0), a);
    ck_assert_ptr_eq(scenario_tap_of(scn, 1, 1), b);
    ck_assert_ptr_null(scenario_tap_of(scn, 1, 0));
    ck_assert_ptr_null(scenario_tap_of(scn, 0, 0));
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_tap_prints_canonically_and_equality_sees_it)
{
    struct scenario *scn = parse_ok("host bob 192.0.2.2/24\n"
                                    "tap bob nstap0 loss 2.0% delay 1000us\n");
    char *text = scenario_print_string(scn);
    ck_assert_str_eq(text, "host bob 192.0.2.2/24\n"
                           "tap bob nstap0 delay 1ms loss 2%\n");
    struct scenario *other_dev = parse_ok("host bob 192.0.2.2/24\n"
                                          "tap bob nstap1 loss 2% delay 1ms\n");
    struct scenario *other_loss = parse_ok("host bob 192.0.2.2/24\n"
                                           "tap bob nstap0 loss 3% delay 1ms\n");
    struct scenario *none = parse_ok("host bob 192.0.2.2/24\n");
    ck_assert(!scenario_equal(scn, other_dev));
    ck_assert(!scenario_equal(scn, other_loss));
    ck_assert(!scenario_equal(scn, none));
    free(text);
    scenario_free(scn);
    scenario_free(other_dev);
    scenario_free(other_loss);
    scenario_free(none);
}
END_TEST

/* A host with two interfaces may have one on a link and one on a TAP device:
 * a netstep router between a simulated world and the kernel. */
START_TEST(test_tap_and_link_on_different_interfaces)
{
    struct scenario *scn = parse_ok(NET "tap r1:eth1 nstap0\n");
    ck_assert_uint_eq(scn->n_taps, 1);
    ck_assert_int_eq(scn->links[0].b, 1);
    ck_assert_int_eq(scn->links[0].b_if, 0);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;  /* the scenario */
    const char *msg;   /* its first error */
} tap_bad_strings[] = {
    { WORLD "tap bbo nstap0\n", "t.scn:5:5: error: unknown host 'bbo' (did you mean 'bob'?)" },
    { "tap bob nstap0\nhost bob 192.0.2.2/24\n",
      "t.scn:1:5: error: unknown host 'bob' (it is defined later, at 2:6; define hosts before "
      "using them)" },
    { "host bob 192.0.2.2/24\ntap bob nstap0\ntap bob nstap1\n",
      "t.scn:3:5: error: bob's eth0 is already on TAP device nstap0 (at 2:1)" },
    { "host bob 192.0.2.2/24\nhost carol 192.0.2.3/24\ntap bob nstap0\ntap carol nstap0\n",
      "t.scn:4:11: error: TAP device nstap0 is already bob's eth0 (at 3:1); each tap needs a "
      "device of its own" },
    { WORLD "tap bob nstap0\n",
      "t.scn:5:5: error: bob's eth0 is already on a link (at 3:1); an interface is on a link "
      "or on a TAP device, not both" },
    { NET "tap r1 nstap0\n",
      "t.scn:5:5: error: r1's eth0 is already on a link (at 4:1); an interface is on a link "
      "or on a TAP device, not both: name a free one, like r1:eth1" },
    { "host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\ntap bob nstap0\nlink alice bob\n",
      "t.scn:4:12: error: bob's eth0 is on TAP device nstap0 (at 3:1); an interface is on a "
      "link or on a TAP device, not both" },
    { "host bob 192.0.2.2/24\nswitch sw1\ntap sw1 nstap0\n",
      "t.scn:3:5: error: 'sw1' is a switch: a tap puts a host's interface on a TAP device "
      "(link a host to the switch and tap that host)" },
    { NET "tap r1:eth2 nstap0\n",
      "t.scn:5:8: error: r1 has no interface 'eth2' (it has eth0..eth1)" },
    { "host bob 192.0.2.2/24\ntap bob\n",
      "t.scn:2:1: error: tap needs a host and a TAP device, like 'tap bob nstap0'" },
    { "host bob 192.0.2.2/24\ntap bob nstap0/x\n",
      "t.scn:2:9: error: bad TAP device name 'nstap0/x' (1 to 15 letters, digits, '-', '_' or "
      "'.', as 'ip tuntap add dev NAME mode tap' takes it)" },
    { "host bob 192.0.2.2/24\ntap bob a234567890123456\n",
      "t.scn:2:9: error: bad TAP device name 'a234567890123456' (1 to 15 letters, digits, '-', "
      "'_' or '.', as 'ip tuntap add dev NAME mode tap' takes it)" },
    { "host bob 192.0.2.2/24\ntap bob ..\n",
      "t.scn:2:9: error: bad TAP device name '..' (1 to 15 letters, digits, '-', '_' or '.', "
      "as 'ip tuntap add dev NAME mode tap' takes it)" },
    { "host bob 192.0.2.2/24\ntap bob nstap0 mtu 1400\n",
      "t.scn:2:16: error: a tap has no mtu option: the device's MTU is the kernel's (ip link "
      "set DEV mtu N) and the host's is set on its host line (mtu N)" },
    { "host bob 192.0.2.2/24\ntap bob nstap0 lsos 2%\n",
      "t.scn:2:16: error: unknown tap option 'lsos' (did you mean 'loss'?)" },
    { "host bob 192.0.2.2/24\ntap bob nstap0 2%\n",
      "t.scn:2:16: error: unknown tap option '2%' (tap options are delay, rate, loss, "
      "duplicate, reorder, corrupt and limit)" },
    { "host bob 192.0.2.2/24\ntap bob nstap0 loss 2% loss 3%\n",
      "t.scn:2:24: error: 'loss' is given twice" },
    { "host bob 192.0.2.2/24\ntap bob nstap0 loss 200%\n",
      "t.scn:2:21: error: percentage '200%' is more than 100%" },
    { "host bob 192.0.2.2/24\ntap bob nstap0 delay 1ms 2ms\n",
      "t.scn:2:26: error: jitter 2ms is more than the delay; a frame cannot arrive before it "
      "is sent" },
    { "host bob 192.0.2.2/24\nat 1s tap bob nstap0\n",
      "t.scn:2:7: error: at cannot schedule a tap; a tap is part of the world from the start" },
    { "host bob 192.0.2.2/24\nrepeat 2 {\ntap bob nstap0\n}\n",
      "t.scn:3:1: error: tap cannot be inside a repeat (the repeat at 2:1): it describes the "
      "world, not a step" },
    { "host a 192.0.2.1/24\nhost b 192.0.2.2/24\nhost c 192.0.2.3/24\nhost d 192.0.2.4/24\n"
      "host e 192.0.2.5/24\nhost f 192.0.2.6/24\nhost g 192.0.2.7/24\nhost h 192.0.2.8/24\n"
      "host i 192.0.2.9/24\ntap a t1\ntap b t2\ntap c t3\ntap d t4\ntap e t5\ntap f t6\n"
      "tap g t7\ntap h t8\ntap i t9\n",
      "t.scn:18:1: error: a scenario holds at most 8 taps" },
    { "host bob 192.0.2.2/24\ntpa bob nstap0\n",
      "t.scn:2:1: error: unknown statement 'tpa' (did you mean 'tap'?)" },
};

#define N_TAP_BAD_STRINGS (sizeof tap_bad_strings / sizeof tap_bad_strings[0])

START_TEST(test_tap_bad_string)
{
    assert_error(tap_bad_strings[_i].text, tap_bad_strings[_i].msg);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *
scenario_parse_suite(void)
{
    Suite *s = suite_create("scenario_parse");
    TCase *tc;

    tc = tcase_create("good");
    tcase_add_test(tc, test_header_title_about_seed);
    tcase_add_test(tc, test_empty_file_is_an_empty_scenario);
    tcase_add_test(tc, test_host_and_link_defaults);
    tcase_add_test(tc, test_host_and_link_options);
    tcase_add_test(tc, test_calls_and_their_fields);
    tcase_add_test(tc, test_file_payload_is_relative_to_the_scenario);
    tcase_add_test(tc, test_ping_defaults_and_options);
    tcase_add_test(tc, test_sleep_and_say);
    tcase_add_test(tc, test_every_expect_form);
    tcase_add_test(tc, test_names_sockets_per_host_and_keywords_as_names);
    tcase_add_test(tc, test_lines_crlf_tabs_comments_and_bom);
    tcase_add_test(tc, test_good_files);
    tcase_add_test(tc, test_diag_may_be_null);
    tcase_add_test(tc, test_names_of_enums);
    tcase_add_test(tc, test_v1_statements_and_their_fields);
    tcase_add_test(tc, test_include_reads_the_topology_relative_to_the_file);
    tcase_add_test(tc, test_include_cycle_and_errors_inside_included_files);
    tcase_add_test(tc, test_warnings_unused_sockets_and_no_path);
    tcase_add_test(tc, test_errors_in_repeat_are_reported_once);
    suite_add_tcase(s, tc);

    tc = tcase_create("values");
    tcase_add_test(tc, test_durations);
    tcase_add_test(tc, test_rates);
    tcase_add_test(tc, test_percentages);
    tcase_add_test(tc, test_escapes);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad");
    tcase_add_loop_test(tc, test_bad_string, 0, (int)N_BAD_STRINGS);
    tcase_add_loop_test(tc, test_bad_file, 0, (int)N_BAD_FILES);
    tcase_add_test(tc, test_bad_corpus_is_all_listed);
    tcase_add_test(tc, test_unreadable_file);
    tcase_add_test(tc, test_all_errors_are_collected_in_order);
    tcase_add_test(tc, test_errors_past_the_limit_are_counted);
    tcase_add_test(tc, test_long_tokens_are_shortened_in_messages);
    suite_add_tcase(s, tc);

    tc = tcase_create("round_trip");
    tcase_add_test(tc, test_round_trip_good_files);
    tcase_add_test(tc, test_round_trip_every_construct);
    tcase_add_test(tc, test_networks_fields_and_round_trip);
    tcase_add_test(tc, test_round_trip_every_lesson);
    tcase_add_test(tc, test_print_is_canonical);
    tcase_add_test(tc, test_equal_ignores_positions_only);
    suite_add_tcase(s, tc);

    tc = tcase_create("tap");
    tcase_add_test(tc, test_long_about_is_kept_whole);
    tcase_add_test(tc, test_tap_fields_and_defaults);
    tcase_add_test(tc, test_tap_prints_canonically_and_equality_sees_it);
    tcase_add_test(tc, test_tap_and_link_on_different_interfaces);
    tcase_add_loop_test(tc, test_tap_bad_string, 0, (int)N_TAP_BAD_STRINGS);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_parse_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
