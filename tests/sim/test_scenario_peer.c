/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_peer.c - a scenario as a real peer: the hardening tunables
 * of `set` (tcp.syncookies, tcp.somaxconn, tcp.retries1, host.nofile,
 * ipv4.min_pmtu) parse, print back, refuse bad values with FILE:LINE:COL
 * and change what the host does; `repeat N as i` gives each pass its own
 * names (1,000 concurrent connections).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario_helpers.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "stack/host.h"
#include "stack/tcp.h"

#define WORLD                                        \
    "host alice 192.0.2.1/24\n"                      \
    "host bob 192.0.2.2/24\n"                        \
    "switch sw\n"                                    \
    "link alice sw\nlink bob sw\n"

/* ------------------------------------------------------------------------ */
/* set: the hardening tunables */

START_TEST(test_set_hardening_keys_parse_and_print_back)
{
    struct scenario *scn = scenario_parse_ok(WORLD
                                             "set bob tcp.syncookies off\n"
                                             "set bob tcp.somaxconn 16\n"
                                             "set alice tcp.retries1 5\n"
                                             "set alice host.nofile 2048\n"
                                             "set alice ipv4.min_pmtu 68\n"
                                             "set bob tcp.syncookies on\n");
    static const struct {
        enum scn_set_key key;
        uint64_t value;
    } want[] = {
        { SCN_SET_TCP_SYNCOOKIES, 0 }, { SCN_SET_TCP_SOMAXCONN, 16 },
        { SCN_SET_TCP_RETRIES1, 5 },   { SCN_SET_HOST_NOFILE, 2048 },
        { SCN_SET_IPV4_MIN_PMTU, 68 }, { SCN_SET_TCP_SYNCOOKIES, 1 },
    };

    ck_assert_uint_eq(scn->n_steps, 6);
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(scn->steps[i].kind, SCN_STEP_SET);
        ck_assert_int_eq(scn->steps[i].set.key, want[i].key);
        ck_assert_uint_eq(scn->steps[i].set.value, want[i].value);
    }
    ck_assert_str_eq(scn_set_key_name(SCN_SET_HOST_NOFILE), "host.nofile");
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;
    const char *error;
} bad_sets[] = {
    { WORLD "set bob tcp.somaxconn 0\n", "t.scn:6:23: error: tcp.somaxconn must be at least 1" },
    { WORLD "set bob tcp.somaxconn 4097\n",
      "t.scn:6:23: error: tcp.somaxconn 4097 is more than 4096" },
    { WORLD "set bob host.nofile 3\n", "t.scn:6:21: error: host.nofile must be at least 4" },
    { WORLD "set bob host.nofile 1048577\n",
      "t.scn:6:21: error: host.nofile 1048577 is more than 1048576" },
    { WORLD "set bob ipv4.min_pmtu 67\n", "t.scn:6:23: error: ipv4.min_pmtu must be at least 68" },
    { WORLD "set bob ipv4.min_pmtu 65536\n",
      "t.scn:6:23: error: ipv4.min_pmtu 65536 is more than 65535" },
    { WORLD "set bob tcp.syncookies maybe\n",
      "t.scn:6:24: error: tcp.syncookies takes on or off, found 'maybe'" },
    { WORLD "set bob tcp.retries1 -1\n",
      "t.scn:6:22: error: tcp.retries1 must be a whole number, found '-1'" },
    { WORLD "set bob tcp.synccookies on\n",
      "t.scn:6:9: error: unknown setting 'tcp.synccookies' (did you mean 'tcp.syncookies'?)" },
};

START_TEST(test_set_hardening_keys_refuse_bad_values)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", bad_sets[_i].text, &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, bad_sets[_i].error);
}
END_TEST

#define SYN(N) "mallory: m" #N " = socket tcp\nmallory: connect m" #N " bob:80 &\n"

/* A flood of 12 SYNs into a backlog of 4 from a host that then vanishes;
 * alice connects after it. COOKIES is "on" or "off". */
#define FLOOD(COOKIES) FLOOD_SET(COOKIES, "")
#define FLOOD_SET(COOKIES, MORE)                                                      \
    "host alice 192.0.2.1/24\n"                                               \
    "host bob 192.0.2.2/24\n"                                                 \
    "host mallory 192.0.2.66/24\n"                                            \
    "switch sw\n"                                                             \
    "link alice sw delay 1ms\nlink bob sw delay 1ms\nlink mallory sw delay 1ms\n" \
    "set bob tcp.syncookies " COOKIES "\n" MORE                              \
    "ping mallory bob\n"                                                      \
    "bob: s = socket tcp\nbob: bind s 80\nbob: listen s 4\n"                  \
    SYN(1) SYN(2) SYN(3) SYN(4) SYN(5) SYN(6)                                 \
    SYN(7) SYN(8) SYN(9) SYN(10) SYN(11) SYN(12)                              \
    "sleep 3ms\n"                                                             \
    "link mallory sw down\n"                                                  \
    "sleep 100ms\n"                                                           \
    "alice: c = socket tcp\n"                                                 \
    "alice: connect c bob:80 &\n"                                             \
    "sleep 2s\n"

START_TEST(test_syncookies_off_keeps_alice_out_of_a_flood)
{
    struct scenario_run *run = scenario_run_text(FLOOD("off")
                                                 "expect alice c state SYN_SENT\n"
                                                 "expect bob counter tcp.syncookies_sent == 0\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);

    run = scenario_run_text(FLOOD("on")
                            "expect alice c state ESTABLISHED\n"
                            "expect bob counter tcp.syncookies_ok == 1\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);
}
END_TEST

/* somaxconn clamps the backlog: with 2, a listen of 4 keeps 2 half-open
 * connections, so 10 of the 12 SYNs get cookies (8 with the default), and
 * alice's SYN one more. */
START_TEST(test_somaxconn_clamps_the_backlog)
{
    struct scenario_run *run = scenario_run_text(FLOOD_SET("on", "set bob tcp.somaxconn 2\n")
                                                 "expect bob counter tcp.syncookies_sent == 11\n"
                                                 "expect alice c state ESTABLISHED\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);
}
END_TEST

/* alice's data goes into a link that lost bob: R1 is reported after
 * tcp.retries1 retransmissions, and not before (with the default 3 it would
 * be by 16 s). */
#define LOST_PEER(R1)                                                          \
    WORLD                                                                      \
    "set alice tcp.retries1 " R1 "\n"                                          \
    "bob: l = socket tcp\nbob: bind l 80\nbob: listen l 1\n"                   \
    "alice: c = socket tcp\nalice: connect c bob:80\n"                         \
    "link bob sw down\n"                                                       \
    "alice: send c \"x\"\n"

START_TEST(test_retries1_says_when)
{
    /* RTOs 1, 2, 4, 8 s: 4 retransmissions by 16 s. */
    struct scenario_run *run = scenario_run_text(LOST_PEER("5") "sleep 16s\n"
                                                 "expect alice counter tcp.r1_reached == 0\n"
                                                 "sleep 32s\n"
                                                 "expect alice counter tcp.r1_reached == 1\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);
}
END_TEST

/* host.nofile 5: descriptors 3 and 4 are the only ones, the third socket
 * fails with EMFILE. */
START_TEST(test_nofile_limits_sockets)
{
    struct scenario_run *run = scenario_run_text(WORLD
                                                 "set alice host.nofile 5\n"
                                                 "alice: a = socket udp\n"
                                                 "alice: b = socket udp\n"
                                                 "alice: c = socket udp\n"
                                                 "expect alice c error == EMFILE\n"
                                                 "alice: close a\n"
                                                 "alice: d = socket udp\n"
                                                 "expect alice d error == none\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);
}
END_TEST

/* A router whose link to bob carries 300 bytes: alice learns mtu 300 only
 * when her floor allows it; with the default floor (552) she keeps 552. */
#define NARROW(FLOOR)                                                     \
    "host alice 192.0.2.1/24\n"                                           \
    "host bob 198.51.100.2/24\n"                                          \
    "router r 192.0.2.254/24 198.51.100.254/24\n"                         \
    "link alice r\nlink r bob mtu 300\n" FLOOR                            \
    "alice: route add default via r\n"                                    \
    "bob: route add default via r\n"                                      \
    "ping alice bob size 1000 df\n"                                       \
    "ping alice bob size 1000 df\n"

START_TEST(test_min_pmtu_is_the_floor)
{
    struct scenario_run *run = scenario_run_text(NARROW("set alice ipv4.min_pmtu 68\n"));
    scenario_output_has(run, "Frag needed and DF set (mtu = 300)");
    scenario_output_has(run, "local error: message too long, mtu=300");
    scenario_run_free(run);

    run = scenario_run_text(NARROW(""));
    scenario_output_has(run, "Frag needed and DF set (mtu = 300)");
    ck_assert_msg(strstr(run->out, "mtu=300") == NULL, "the floor was not kept:\n%s", run->out);
    scenario_run_free(run);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* repeat N as NAME: a counter */

START_TEST(test_counted_repeat_names_each_pass)
{
    struct scenario *scn = scenario_parse_ok(WORLD
                                             "repeat 3 as i {\n"
                                             "  alice: c$i = socket udp\n"
                                             "  say \"pass $i costs $5\"\n"
                                             "}\n"
                                             "repeat 2 as i {\n"
                                             "  repeat 2 as j {\n"
                                             "    alice: sendto c$j bob:7 \"$i.$j\"\n"
                                             "  }\n"
                                             "}\n");

    ck_assert_uint_eq(scn->n_steps, 10);
    ck_assert_uint_eq(scn->n_socks, 3);
    ck_assert_str_eq(scn->socks[0].name, "c1");
    ck_assert_str_eq(scn->socks[2].name, "c3");
    ck_assert_int_eq(scn->steps[1].kind, SCN_STEP_SAY);
    /* in a quoted text, a $ that names no counter stays as written */
    ck_assert_str_eq(scn->steps[3].say.text, "pass 2 costs $5");
    ck_assert_str_eq(scn->steps[3].text, "say \"pass 2 costs $5\"");
    /* steps keep the line they are written on */
    ck_assert_uint_eq(scn->steps[2].line, 7);
    ck_assert_uint_eq(scn->steps[4].line, 7);
    ck_assert_uint_eq(scn->steps[5].line, 8);
    ck_assert_str_eq(scn->steps[4].text, "alice: c3 = socket udp");
    ck_assert_str_eq(scn->steps[9].text, "alice: sendto c2 bob:7 \"2.2\"");
    ck_assert_int_eq(scn->steps[8].sock, 0);
    ck_assert_int_eq(scn->steps[9].sock, 1);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;
    const char *error;
} bad_repeats[] = {
    { WORLD "repeat 3 as {\n}\n",
      "t.scn:6:13: error: repeat ... as needs a counter name, like 'repeat 3 as i {' (then $i is "
      "1, 2, 3 in the block)" },
    { WORLD "repeat 3 as i\n}\n",
      "t.scn:6:14: error: repeat needs '{' at the end of its line (the block ends with '}' on a "
      "line of its own)" },
    { WORLD "repeat 3 as i {\n  alice: c$j = socket udp\n}\n",
      "t.scn:7:11: error: '$j' is not the counter of an enclosing repeat (write 'repeat N as j {' "
      "around this line)" },
    { WORLD "alice: c$i = socket udp\n",
      "t.scn:6:9: error: '$i' is not the counter of an enclosing repeat (write 'repeat N as i {' "
      "around this line)" },
    { WORLD "repeat 2 as i {\n  repeat 2 as i {\n  }\n}\n",
      "t.scn:7:15: error: counter 'i' is already the counter of the repeat at 6:1" },
    /* one mistake in a body of 1000 passes is one error */
    { WORLD "repeat 1000 as i {\n  alice: c$i = socket tcpp\n}\n",
      "t.scn:7:23: error: unknown socket type 'tcpp' (did you mean 'tcp'?)" },
    /* without a counter each pass defines the same name again */
    { WORLD "repeat 2 {\n  alice: c = socket udp\n}\nalice: c = socket udp\n",
      "t.scn:9:8: error: socket 'c' on alice is already defined at 7:10" },
};

START_TEST(test_counted_repeat_errors)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", bad_repeats[_i].text, &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, bad_repeats[_i].error);
    if (_i == 5)
        ck_assert_uint_eq(d.n_errors, 1);
}
END_TEST

/* A scenario file of tests/data/peer run to its end with every expect held;
 * returns the number of expects. */
static unsigned
run_data_file(const char *name, uint64_t seed)
{
    char path[512];
    struct scn_diag d;
    struct scn_runner r;
    char err[512] = "";
    char *out = NULL;
    size_t out_len = 0;

    snprintf(path, sizeof path, "%s/peer/%s", NETSTEP_TEST_DATA, name);
    struct scenario *scn = scenario_parse_file(path, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    FILE *f = open_memstream(&out, &out_len);
    ck_assert_ptr_nonnull(f);
    struct scn_run_opts opts = { .out = f, .seed_given = seed != 0, .seed = seed };
    ck_assert_msg(scn_runner_init(&r, scn, &opts, err, sizeof(err)) == 0, "%s", err);
    scn_runner_run(&r);
    unsigned passed = r.expects_passed, failed = r.expects_failed;
    scn_runner_destroy(&r);
    ck_assert_int_eq(fclose(f), 0);
    if (failed != 0)
        fputs(out, stderr);
    free(out);
    scenario_free(scn);
    ck_assert_msg(failed == 0, "%s (seed %llu): %u expects failed", name,
                  (unsigned long long)seed, failed);
    return passed;
}

/* Issue 11's done-when: 1,000 concurrent connections between two hosts. */
START_TEST(test_thousand_concurrent_connections)
{
    ck_assert_uint_eq(run_data_file("thousand.scn", 0), 1004);
}
END_TEST

/* Issue 11's done-when: 1 MiB each way at 30% loss, byte-exact against the
 * file sent (expect VAR == file), under 5 seeds. */
START_TEST(test_mib_each_way_at_thirty_percent_loss)
{
    ck_assert_uint_eq(run_data_file("lossy-mib.scn", (uint64_t)_i + 1), 4);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Replies to the peer recvfrom and accept learned */

#define ECHO_WORLD                                    \
    "host alice 192.0.2.1/24\n"                       \
    "host bob 192.0.2.2/24\n"                         \
    "link alice bob delay 1ms\n"                      \
    "bob: s = socket udp\nbob: bind s 7\n"

START_TEST(test_reply_parses_and_prints_back)
{
    struct scenario *scn = scenario_parse_ok(ECHO_WORLD
                                             "alice: c = socket udp\n"
                                             "bob: recvfrom s 512 timeout 2s -> msg from who\n"
                                             "bob: sendto s who msg\n"
                                             "bob: sendto s who \"pong\"\n"
                                             "bob: l = socket tcp\n"
                                             "bob: a = accept l from caller\n");
    const struct scn_step *st = &scn->steps[3];

    ck_assert_int_eq(st->kind, SCN_STEP_RECVFROM);
    ck_assert_str_eq(scn->dvars[st->dvar].name, "msg");
    ck_assert_str_eq(scn->dvars[st->from_dvar].name, "who");
    st = &scn->steps[4];
    ck_assert_int_eq(st->send.dest_dvar, scn->steps[3].from_dvar);
    ck_assert_int_eq(st->send.payload.kind, SCN_PAYLOAD_DATA);
    ck_assert_int_eq(st->send.payload.app.from_dvar, scn->steps[3].dvar);
    ck_assert_int_eq(scn->steps[5].send.payload.kind, SCN_PAYLOAD_TEXT);
    ck_assert_str_eq(scn->dvars[scn->steps[7].from_dvar].name, "caller");
    ck_assert_int_eq(scn->steps[2].from_dvar, -1);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;
    const char *error;
} bad_replies[] = {
    { ECHO_WORLD "bob: recvfrom s 512 from a from b\n", "t.scn:6:28: error: 'from' is given twice" },
    { ECHO_WORLD "bob: recv s 512 from who\n",
      "t.scn:6:17: error: unexpected 'from' at the end of the line" },
    { ECHO_WORLD "bob: recvfrom s 512 from\n",
      "t.scn:6:21: error: 'from' needs a name after it, like 'from reply'" },
    { ECHO_WORLD "bob: sendto s who \"pong\"\n",
      "t.scn:6:15: error: expected ADDRESS:PORT, like 192.0.2.2:7, [2001:db8::2]:7 or bob:7, found 'who'" },
    { ECHO_WORLD "bob: sendto s bob:7 nothing\n",
      "t.scn:6:21: error: expected a payload (a quoted text, 'bytes N', 'file PATH' or a data "
      "variable), found 'nothing'" },
};

START_TEST(test_reply_errors)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", bad_replies[_i].text, &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, bad_replies[_i].error);
}
END_TEST

/* A UDP server answers a client whose source port it never knew: alice's
 * port is an ephemeral one the stack picked. */
START_TEST(test_udp_server_answers_an_unknown_port)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        char text[2048];
        snprintf(text, sizeof text, "seed %llu\n" ECHO_WORLD
                 "alice: c = socket udp\n"
                 "alice: sendto c bob:7 \"ping\"\n"
                 "bob: recvfrom s 512 -> msg from who\n"
                 "expect who contains \"192.0.2.1:\"\n"
                 "bob: sendto s who \"pong\"\n"
                 "bob: sendto s who msg\n"
                 "alice: recv c 512 -> r1\n"
                 "alice: recv c 512 -> r2\n"
                 "expect r1 == \"pong\"\n"
                 "expect r2 == \"ping\"\n"
                 "expect bob counter udp.tx == 2\n",
                 (unsigned long long)seed);
        struct scenario_run *run = scenario_run_text(text);
        scenario_assert_expects(run, 4);
        scenario_run_free(run);
    }
}
END_TEST

/* accept's `from` keeps who connected; a sendto to a variable holding no
 * address fails with EDESTADDRREQ and says why. */
START_TEST(test_accept_from_and_a_bad_reply)
{
    struct scenario_run *run = scenario_run_text(ECHO_WORLD
                                                 "bob: l = socket tcp\nbob: bind l 80\n"
                                                 "bob: listen l\n"
                                                 "alice: t = socket tcp\n"
                                                 "alice: bind t 40000\n"
                                                 "alice: connect t bob:80\n"
                                                 "bob: a = accept l from caller\n"
                                                 "expect caller == \"192.0.2.1:40000\"\n"
                                                 "alice: send t \"hi\"\n"
                                                 "bob: recv a 10 -> hi\n"
                                                 "bob: sendto s hi \"x\"\n"
                                                 "expect bob s error == EDESTADDRREQ\n");
    scenario_assert_expects(run, 2);
    scenario_output_has(run, "hi holds \"hi\", not ADDRESS:PORT");
    scenario_run_free(run);
}
END_TEST

/* A local datagram server answers the path its client bound. */
START_TEST(test_local_reply_goes_to_the_path)
{
    struct scenario_run *run = scenario_run_text(ECHO_WORLD
                                                 "bob: d = socket local dgram\n"
                                                 "bob: bind d /run/srv.sock\n"
                                                 "bob: e = socket local dgram\n"
                                                 "bob: bind e /run/cli.sock\n"
                                                 "bob: sendto e /run/srv.sock \"q\"\n"
                                                 "bob: recvfrom d 100 -> q from who\n"
                                                 "expect who == \"/run/cli.sock\"\n"
                                                 "bob: sendto d who \"a\"\n"
                                                 "bob: recvfrom e 100 -> a\n"
                                                 "expect a == \"a\"\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* A runner that streams: bytes N made as sent, recv all counted and hashed */

#define BULK(N, CHECKS)                                              \
    "host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\n"                \
    "link alice bob delay 1ms rate 10Gbit\n"                          \
    "bob: l = socket tcp\nbob: bind l 80\nbob: listen l\n"            \
    "alice: c = socket tcp\nalice: connect c bob:80\n"                \
    "bob: a = accept l\n"                                             \
    "alice: send c bytes " N " timeout 600s &\n"                      \
    "bob: recv a all timeout 600s -> got &\n"                         \
    "alice: wait c\nalice: close c\nbob: wait a\n" CHECKS

/* Run text; check the data variable `got` afterwards: kept (bytes in
 * memory) or streamed (only its length and digest). */
static void
run_and_check_got(const char *text, bool kept, size_t len, unsigned expects)
{
    struct scenario *scn = scenario_parse_ok(text);
    struct scn_runner r;
    char err[256] = "";
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    struct scn_run_opts opts = { .out = f };

    ck_assert_int_eq(scn_runner_init(&r, scn, &opts, err, sizeof err), 0);
    scn_runner_run(&r);
    fclose(f);
    if (r.expects_failed != 0 || r.expects_passed != expects)
        fputs(out, stderr);
    ck_assert_uint_eq(r.expects_failed, 0);
    ck_assert_uint_eq(r.expects_passed, expects);
    int d = -1;
    for (size_t i = 0; i < scn->n_dvars; i++)
        if (strcmp(scn->dvars[i].name, "got") == 0)
            d = (int)i;
    ck_assert_int_ge(d, 0);
    ck_assert(r.values[d].set);
    ck_assert_uint_eq(r.values[d].len, len);
    if (kept) {
        ck_assert_ptr_nonnull(r.values[d].data);
    } else {
        ck_assert_ptr_null(r.values[d].data);
        ck_assert(r.values[d].hashed);
    }
    scn_runner_destroy(&r);
    scenario_free(scn);
    free(out);
}

/* With only length and sha256 checks the bytes are not kept; with a text
 * check they are, and both ways agree on what arrived. 20 MiB: more than
 * the 16 MiB bytes N stopped at. */
START_TEST(test_recv_all_keeps_bytes_only_when_needed)
{
    /* sha256 of "abcd...xyz" repeated for 20971520 bytes */
    run_and_check_got(BULK("20971520",
                           "expect got length == 20971520\n"
                           "expect got sha256 "
                           "0d5bad1b008dd3d494ea40008cc0077fdfaa21e7d388ab4fee2fbbf842c5cf12\n"),
                      false, 20971520, 2);
    run_and_check_got(BULK("20971520",
                           "expect got contains \"xyzabc\"\n"
                           "expect got sha256 "
                           "0d5bad1b008dd3d494ea40008cc0077fdfaa21e7d388ab4fee2fbbf842c5cf12\n"),
                      true, 20971520, 2);
}
END_TEST

/* A streamed digest that does not match fails and says what arrived. */
START_TEST(test_streamed_digest_can_fail)
{
    struct scenario_run *run = scenario_run_text(
        BULK("1000", "expect got sha256 "
                     "0000000000000000000000000000000000000000000000000000000000000000\n"));
    ck_assert_uint_eq(run->failed, 1);
    scenario_output_has(run, "1000 bytes with sha256 ");
    scenario_run_free(run);
}
END_TEST

/* bytes N on a datagram socket beyond what a datagram carries: EMSGSIZE,
 * not 2 GiB of memory. */
START_TEST(test_huge_datagram_is_refused)
{
    struct scenario_run *run = scenario_run_text(ECHO_WORLD
                                                 "alice: c = socket udp\n"
                                                 "alice: sendto c bob:7 bytes 2147483647\n"
                                                 "expect alice c error == EMSGSIZE\n");
    scenario_assert_expects(run, 1);
    scenario_run_free(run);
}
END_TEST

/* One connection carries 256 MiB (tests/data/peer/bulk.scn), in constant
 * memory: bytes made as sent, counted and hashed as received. */
START_TEST(test_quarter_gib_over_one_connection)
{
    ck_assert_uint_eq(run_data_file("bulk.scn", 0), 2);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The end of a script: the world runs until sent data is acknowledged */

#define SEND_AND_LEAVE(LOSS, N, SETS)                                         \
    "host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\n"                        \
    "link alice bob delay 10ms rate 1Mbit loss " LOSS "\n" SETS               \
    "bob: l = socket tcp\nbob: bind l 80\nbob: listen l\n"                    \
    "alice: c = socket tcp\nalice: setsockopt c sndbuf 1000000\n"             \
    "alice: connect c bob:80\nbob: a = accept l\n"                            \
    "alice: send c bytes " N "\nalice: close c\n"

/* Run text; returns how many of alice's connections still hold data. */
static size_t
run_and_count_left(const char *text, unsigned *failed, uint64_t *end_ns, char **out)
{
    struct scenario *scn = scenario_parse_ok(text);
    struct scn_runner r;
    char err[256] = "";
    size_t out_len = 0, left = 0;
    FILE *f = open_memstream(out, &out_len);
    struct scn_run_opts opts = { .out = f };

    ck_assert_int_eq(scn_runner_init(&r, scn, &opts, err, sizeof err), 0);
    scn_runner_run(&r);
    fclose(f);
    for (const struct tcb *tp = r.hosts[0]->tcp.tcbs; tp != NULL; tp = tp->next)
        if (tp->sndq.len > 0)
            left++;
    *failed = r.expects_failed;
    *end_ns = r.sim.now_ns;
    scn_runner_destroy(&r);
    scenario_free(scn);
    return left;
}

/* A script that ends right after send and close: 200 kB at 1 Mbit/s take
 * 1.6 s, and the run goes on until bob acknowledged every byte. */
START_TEST(test_the_world_drains_after_the_script)
{
    unsigned failed;
    uint64_t end;
    char *out = NULL;

    ck_assert_uint_eq(run_and_count_left(SEND_AND_LEAVE("5%", "200000", ""), &failed, &end, &out), 0);
    ck_assert_uint_eq(failed, 0);
    ck_assert_uint_gt(end, 1600 * 1000000ull);
    free(out);
}
END_TEST

/* When the bound ((tcp.retries2 + 1) x tcp.rto_max, here 2 s) passes first
 * (1 MB at 1 Mbit/s take 8 s, making progress all along), the run says so
 * and does not end ok. */
START_TEST(test_the_drain_bound_is_reported)
{
    unsigned failed;
    uint64_t end;
    char *out = NULL;

    ck_assert_uint_eq(run_and_count_left(SEND_AND_LEAVE("0%", "1000000",
                                                        "set alice tcp.rto_max 1s\n"
                                                        "set alice tcp.retries2 1\n"),
                                         &failed, &end, &out), 1);
    ck_assert_uint_eq(failed, 1);
    ck_assert_msg(strstr(out, "1 connection still had data not acknowledged") != NULL, "%.300s",
                  out);
    free(out);
}
END_TEST

static Suite *
scenario_peer_suite(void)
{
    Suite *s = suite_create("scenario_peer");
    TCase *tc = tcase_create("set");

    tcase_add_test(tc, test_set_hardening_keys_parse_and_print_back);
    tcase_add_loop_test(tc, test_set_hardening_keys_refuse_bad_values, 0,
                        (int)(sizeof(bad_sets) / sizeof(bad_sets[0])));
    tcase_add_test(tc, test_syncookies_off_keeps_alice_out_of_a_flood);
    tcase_add_test(tc, test_somaxconn_clamps_the_backlog);
    tcase_add_test(tc, test_retries1_says_when);
    tcase_add_test(tc, test_nofile_limits_sockets);
    tcase_add_test(tc, test_min_pmtu_is_the_floor);
    suite_add_tcase(s, tc);

    tc = tcase_create("repeat");
    tcase_add_test(tc, test_counted_repeat_names_each_pass);
    tcase_add_loop_test(tc, test_counted_repeat_errors, 0,
                        (int)(sizeof(bad_repeats) / sizeof(bad_repeats[0])));
    tcase_add_test(tc, test_thousand_concurrent_connections);
    tcase_add_loop_test(tc, test_mib_each_way_at_thirty_percent_loss, 0, 5);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("reply");
    tcase_add_test(tc, test_reply_parses_and_prints_back);
    tcase_add_loop_test(tc, test_reply_errors, 0,
                        (int)(sizeof(bad_replies) / sizeof(bad_replies[0])));
    tcase_add_test(tc, test_udp_server_answers_an_unknown_port);
    tcase_add_test(tc, test_accept_from_and_a_bad_reply);
    tcase_add_test(tc, test_local_reply_goes_to_the_path);
    suite_add_tcase(s, tc);

    tc = tcase_create("stream");
    tcase_add_test(tc, test_recv_all_keeps_bytes_only_when_needed);
    tcase_add_test(tc, test_streamed_digest_can_fail);
    tcase_add_test(tc, test_huge_datagram_is_refused);
    tcase_add_test(tc, test_quarter_gib_over_one_connection);
    /* 256 MiB take a few seconds; a sanitizer build and a loaded machine
     * many times that */
    tcase_set_timeout(tc, 900);
    suite_add_tcase(s, tc);

    tc = tcase_create("drain");
    tcase_add_test(tc, test_the_world_drains_after_the_script);
    tcase_add_test(tc, test_the_drain_bound_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_peer_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
