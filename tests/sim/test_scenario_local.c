/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_local.c - local (Unix-domain) sockets and loopback in the
 * scenario language: the parser's messages for every malformed use, the
 * round trip through scenario_print(), and runs that check what the runner
 * does with them (BSD errnos, bytes that never go below the socket layer, a
 * host talking TCP and UDP to itself through lo).
 *
 * Every malformed input asserts the exact message and position a teacher
 * would see. Runs print into memory and assert on the verdicts and on the
 * result lines a student reads.
 */
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "harness/scenario_helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/host.h"

/* One host; four lines, so the first line after it is line 5. */
#define ONE                                                                    \
    "host alice 192.0.2.1/24\n"                                                \
    "alice: l = socket local stream\n"                                         \
    "alice: d = socket local dgram\n"                                          \
    "alice: u = socket udp\n"

static void
assert_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);

    ck_assert_msg(scn == NULL, "parsed, but expected: %s", msg);
    ck_assert_uint_ge(d.n_errors, 1);
    ck_assert_str_eq(d.first, msg);
}

/* ------------------------------------------------------------------------ */
/* The parser */

static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    { ONE "alice: s = socket local\n",
      "t.scn:5:19: error: a local socket is 'local stream' or 'local dgram'" },
    { ONE "alice: s = socket local steam\n",
      "t.scn:5:25: error: unknown local socket type 'steam' (did you mean 'stream'?)" },
    { ONE "alice: s = socket local raw\n",
      "t.scn:5:25: error: unknown local socket type 'raw' (use stream or dgram)" },
    { ONE "alice: s = socket local stream now\n",
      "t.scn:5:32: error: unexpected 'now' at the end of the line" },
    { ONE "alice: s = socket unix stream\n",
      "t.scn:5:19: error: Unix-domain sockets are written 'socket local stream' or 'socket "
      "local dgram' (AF_LOCAL is AF_UNIX's POSIX name)" },
    { ONE "alice: bind l 7\n",
      "t.scn:5:15: error: a local socket's path starts with '/', like /tmp/echo.sock (found "
      "'7')" },
    { ONE "alice: bind l run/echo.sock\n",
      "t.scn:5:15: error: a local socket's path starts with '/', like /tmp/echo.sock (found "
      "'run/echo.sock')" },
    { ONE "alice: connect l alice:7\n",
      "t.scn:5:18: error: 'l' is a local socket: it is named by a path like /tmp/echo.sock, "
      "not by ADDRESS:PORT (found 'alice:7')" },
    { ONE "alice: sendto d 192.0.2.1:9 \"x\"\n",
      "t.scn:5:17: error: 'd' is a local socket: it is named by a path like /tmp/echo.sock, "
      "not by ADDRESS:PORT (found '192.0.2.1:9')" },
    { ONE "alice: bind l \"\"\n",
      "t.scn:5:15: error: a local socket's path starts with '/', like /tmp/echo.sock (found "
      "\"\")" },
    { ONE "alice: bind l /" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
      "t.scn:5:15: error: path is 111 bytes; a local socket's path holds at most 107" },
    { ONE "alice: bind u /run/x\n",
      "t.scn:5:15: error: 'u' is a udp socket: it is named by PORT or ADDRESS:PORT, not by a "
      "path (paths name 'socket local stream' and 'socket local dgram')" },
    { ONE "alice: t = socket tcp\nalice: connect t /run/x\n",
      "t.scn:6:18: error: 't' is a tcp socket: it is named by ADDRESS:PORT, not by a path "
      "(paths name 'socket local stream' and 'socket local dgram')" },
    { ONE "alice: listen d 5\n",
      "t.scn:5:8: error: listen needs a stream socket (tcp or local stream); 'd' is local "
      "dgram" },
    { ONE "alice: a = accept d\n",
      "t.scn:5:19: error: accept needs a stream socket (tcp or local stream); 'd' is local "
      "dgram" },
    { ONE "alice: recv d all\n",
      "t.scn:5:15: error: 'all' reads a stream to its end: it needs recv on a tcp or local "
      "stream socket" },
    { ONE "alice: setsockopt l nodelay on\n",
      "t.scn:5:21: error: nodelay is a TCP option; 'l' is a local stream socket" },
    { ONE "expect alice l tcb cwnd > 0\n",
      "t.scn:5:16: error: 'l' is a local stream socket; only tcp sockets have a TCB" },
    { ONE "alice: bind l /run/a /run/b\n",
      "t.scn:5:22: error: unexpected '/run/b' at the end of the line" },
    { ONE "alice: sendto d /run/log\n",
      "t.scn:5:8: error: sendto needs a socket, a destination and a payload" },
    { ONE "alice: sendto d /run/log nothing\n",
      "t.scn:5:26: error: expected a payload (a quoted text, 'bytes N', 'file PATH' or a data variable), found "
      "'nothing'" },
    { ONE "alice: connect l /run/x &&\n",
      "t.scn:5:25: error: unexpected '&&' at the end of the line" },
    /* loopback: 127.x is no host's address, but it is a destination */
    { "host alice 127.0.0.1/8\n",
      "t.scn:1:12: error: 127.0.0.1 cannot be a host's address (127.0.0.0/8 is loopback)" },
    { "host alice 192.0.2.1/24 127.0.0.2/8\n",
      "t.scn:1:25: error: 127.0.0.2 cannot be a host's address (127.0.0.0/8 is loopback)" },
};

START_TEST(test_bad_local_uses)
{
    assert_error(bad[_i].text, bad[_i].msg);
}
END_TEST

START_TEST(test_good_local_uses_and_round_trip)
{
    const char *text = ONE
        "alice: bind l /run/echo.sock\n"
        "alice: listen l\n"
        "alice: a = accept l &\n"
        "alice: c = socket local stream\n"
        "alice: connect c /run/echo.sock timeout 1s\n"
        "wait a\n"
        "alice: send c \"hi\"\n"
        "alice: recv a all -> all\n"
        "alice: bind d \"/run/with space\"\n"
        "alice: e = socket local dgram\n"
        "alice: sendto e \"/run/with space\" bytes 3\n"
        "alice: recvfrom d 10 -> got\n"
        "alice: connect u 127.0.0.1:9\n"
        "alice: sendto u alice:9 \"x\"\n"
        "expect alice a state ESTAB\n"
        "expect alice l state LISTEN\n"
        "expect alice counter local.tx == 2\n"
        "expect packets udp to 127.0.0.1 == 0\n";
    struct scenario *scn = scenario_parse_ok(text);
    /* Types, and the paths where an address would be. */
    ck_assert_int_eq(scn->socks[0].type, SCN_SOCK_LOCAL_STREAM);
    ck_assert_int_eq(scn->socks[1].type, SCN_SOCK_LOCAL_DGRAM);
    ck_assert_int_eq(scn->socks[3].type, SCN_SOCK_LOCAL_STREAM); /* a: its listener's kind */
    ck_assert_str_eq(scn->steps[3].bind.local.path, "/run/echo.sock");
    ck_assert_uint_eq(scn->steps[3].bind.local.port, 0);
    ck_assert_str_eq(scn->steps[7].connect.dest.path, "/run/echo.sock");
    ck_assert(scn->steps[10].recv.all);
    ck_assert_str_eq(scn->steps[11].bind.local.path, "/run/with space");
    ck_assert_str_eq(scn->steps[13].send.dest.path, "/run/with space");
    ck_assert_str_eq(scn->steps[15].connect.dest.path, "");
    ck_assert_uint_eq(scn->steps[15].connect.dest.addr.addr, 0x7f000001u);
    ck_assert_str_eq(scn_sock_type_name(SCN_SOCK_LOCAL_STREAM), "local stream");
    ck_assert_str_eq(scn_sock_type_name(SCN_SOCK_LOCAL_DGRAM), "local dgram");

    /* parse -> print -> parse gives the same scenario */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scenario_print(scn, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_ptr_nonnull(strstr(buf, "alice: l = socket local stream\n"));
    ck_assert_ptr_nonnull(strstr(buf, "alice: bind l \"/run/echo.sock\"\n"));
    ck_assert_ptr_nonnull(strstr(buf, "alice: sendto e \"/run/with space\" bytes 3\n"));
    struct scenario *again = scenario_parse_ok(buf);
    ck_assert(scenario_equal(scn, again));
    /* and a different path is a different scenario */
    char *moved = strdup(buf);
    char *at = strstr(moved, "/run/echo.sock");
    at[5] = 'E';
    struct scenario *other = scenario_parse_ok(moved);
    ck_assert(!scenario_equal(scn, other));
    scenario_free(other);
    free(moved);
    scenario_free(again);
    free(buf);
    scenario_free(scn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The runner */

START_TEST(test_run_local_stream_errnos_and_bytes)
{
    struct scenario_run *ru = scenario_run_text(
        ONE
        "alice: bind l /run/echo.sock\n"
        "alice: listen l 4\n"
        "alice: b = socket local stream\n"
        "alice: bind b /run/echo.sock\n"
        "expect alice b error == EADDRINUSE\n"                   /* 9 */
        "alice: c = socket local stream\n"
        "alice: connect c /run/missing.sock\n"
        "expect alice c error == ENOENT\n"
        "alice: bind b /run/b.sock\n"
        "alice: connect c /run/b.sock\n"
        "expect alice c error == ECONNREFUSED\n"                 /* bound, not listening */
        "alice: connect c /run/echo.sock\n"
        "alice: a = accept l\n"
        "expect alice a state ESTAB\n"
        "expect alice l state LISTEN\n"
        "alice: send c \"hello\\n\"\n"
        "alice: recv a 100 -> got\n"
        "expect got == \"hello\\n\"\n"
        "expect alice counter local.tx == 1\n"
        "expect alice counter local.tx_bytes == 6\n"
        "expect alice counter ipv4.tx == 0\n"
        "expect alice counter eth.tx == 0\n"
        "expect packets == 0\n"
        "alice: close c\n"
        "alice: send a \"late\"\n"
        "expect alice a error == EPIPE\n"
        "alice: recv a 10 -> eof\n"
        "expect eof length == 0\n"
        "alice: close a\n"
        "expect alice a state CLOSED\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 14);
    scenario_output_has(ru, "alice: a = accept l                                => 8 (a connection to "
            "/run/echo.sock)");
    scenario_output_has(ru, "=> 0 bytes: the end of the stream (the other end closed or shut down)");
    scenario_output_has(ru, "alice: connect c /run/missing.sock                 => -1 ENOENT");
    scenario_run_free(ru);
}
END_TEST

START_TEST(test_run_local_dgram_keeps_boundaries_and_names_the_sender)
{
    struct scenario_run *ru = scenario_run_text(
        ONE
        "alice: bind d /run/log.sock\n"
        "alice: e = socket local dgram\n"
        "alice: bind e /run/client.sock\n"
        "alice: sendto e /run/log.sock \"one\"\n"
        "alice: sendto e /run/log.sock \"two\"\n"
        "alice: recvfrom d 100 -> m1\n"
        "alice: recv d 100 -> m2\n"
        "expect m1 == \"one\"\n"
        "expect m2 == \"two\"\n"
        "alice: f = socket local dgram\n"
        "alice: sendto f /run/log.sock \"anon\"\n"
        "alice: recvfrom d 100\n"
        "alice: sendto e /run/nobody \"x\"\n"
        "expect alice e error == ENOENT\n"
        "alice: connect e /run/log.sock\n"
        "alice: send e \"three\"\n"
        "alice: recv d 2 -> cut\n"
        "expect cut == \"th\"\n"
        "alice: connect e /run/nowhere\n"               /* a datagram may reconnect */
        "expect alice e error == ENOENT\n"
        "alice: bind l /run/other\n"
        "alice: connect e /run/other\n"
        "expect alice e error == EPROTOTYPE\n"
        "alice: connect e /run/client.sock\n"
        "expect alice e error == none\n"
        "alice: recv d 10 timeout 10ms\n"
        "expect alice d error == EAGAIN\n"
        "expect alice counter local.tx == 4\n"
        "expect packets == 0\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 10);
    scenario_output_has(ru, "=> 3 bytes from /run/client.sock: \"one\"");
    scenario_output_has(ru, "=> 4 bytes from an unnamed socket: \"anon\"");
    scenario_run_free(ru);
}
END_TEST

START_TEST(test_run_local_type_mismatch_is_eprototype)
{
    struct scenario_run *ru = scenario_run_text(
        ONE
        "alice: bind l /run/stream\n"
        "alice: listen l\n"
        "alice: bind d /run/dgram\n"
        "alice: s = socket local stream\n"
        "alice: connect s /run/dgram\n"
        "expect alice s error == EPROTOTYPE\n"
        "alice: e = socket local dgram\n"
        "alice: sendto e /run/stream \"x\"\n"
        "expect alice e error == EPROTOTYPE\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 2);
    scenario_run_free(ru);
}
END_TEST

START_TEST(test_run_tcp_and_udp_over_loopback)
{
    struct scenario_run *ru = scenario_run_text(
        "host alice 192.0.2.1/24\n"
        "host bob 192.0.2.2/24\n"
        "link alice bob delay 10ms\n"
        "alice: l = socket tcp\n"
        "alice: bind l 7\n"
        "alice: listen l\n"
        "alice: a = accept l &\n"
        "alice: c = socket tcp\n"
        "alice: connect c 127.0.0.1:7\n"
        "wait a\n"
        "alice: send c \"over lo\"\n"
        "alice: recv a 100 -> got\n"
        "expect got == \"over lo\"\n"
        "expect time == 0s\n"                                  /* lo takes no time */
        "expect alice c tcb mss == 65495\n"                    /* lo's 65535 - 40, as Linux */
        "expect packets tcp to 127.0.0.1 == 4\n"               /* SYN, SYN-ACK, ACK, data
                                                                   (its ACK is delayed) */
        "expect packets arp == 0\n"
        "expect bob counter eth.rx == 0\n"
        "alice: u = socket udp\n"
        "alice: bind u 9\n"
        "alice: v = socket udp\n"
        "alice: sendto v alice:9 \"to myself\"\n"
        "alice: recvfrom u 100 -> d\n"
        "expect d == \"to myself\"\n"
        "expect packets udp from alice to alice == 1\n"
        "alice: connect v 127.0.0.1:10\n"
        "alice: send v \"nobody\"\n"
        "sleep 1ms\n"
        "alice: send v \"again\"\n"
        "expect alice v error == ECONNREFUSED\n"
        "expect alice counter drop.UDP_NO_SOCKET == 1\n"
        "expect alice counter drop.IPV4_MARTIAN == 0\n");
    ck_assert_uint_eq(ru->failed, 0);
    ck_assert_uint_eq(ru->passed, 11);
    scenario_output_has(ru, "=> 9 bytes from 192.0.2.1:");
    scenario_run_free(ru);
}
END_TEST

static Suite *
scenario_local_suite(void)
{
    Suite *s = suite_create("scenario_local");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_bad_local_uses, 0, (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(tc, test_good_local_uses_and_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_run_local_stream_errnos_and_bytes);
    tcase_add_test(tc, test_run_local_dgram_keeps_boundaries_and_names_the_sender);
    tcase_add_test(tc, test_run_local_type_mismatch_is_eprototype);
    tcase_add_test(tc, test_run_tcp_and_udp_over_loopback);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_local_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
