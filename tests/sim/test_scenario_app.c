/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_app.c - the scenario language's application payloads
 * (websocket-accept, ws-frame, dns-query, dns-answer): their fields, the
 * exact message of every malformed form, parse -> print -> parse, and the
 * bytes sim/scenario_app.c builds from them, including from received data
 * that is not what the payload expects.
 */
#include "harness/scenario_helpers.h"
#include "sim/scenario.h"
#include "sim/scenario_app.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/websocket.h"
#include "stack/wire/addr.h"

/* Five lines: a mistake on the first line after it is on line 6. */
#define WORLD                                                                  \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob   192.0.2.2/24\n"                                                \
    "link alice bob\n"                                                         \
    "alice: s = socket udp\n"                                                  \
    "alice: recv s 512 -> req\n"

static struct scenario *
parse_ok(const char *text)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);

    ck_assert_msg(scn != NULL, "unexpected error: %s", d.first);
    return scn;
}

static void
assert_error(const char *text, const char *msg)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);

    ck_assert_msg(scn == NULL, "parsed, but expected: %s", msg);
    ck_assert_str_eq(d.first, msg);
}

/* The payload of the send on the last line. */
static const struct scn_payload *
last_payload(const struct scenario *scn)
{
    const struct scn_step *st = &scn->steps[scn->n_steps - 1];

    ck_assert(st->kind == SCN_STEP_SEND || st->kind == SCN_STEP_SENDTO);
    return &st->send.payload;
}

static uint8_t *
build(const struct scn_payload *pl, const struct scn_app_source *src, size_t *len)
{
    char why[160] = "";
    uint8_t *b = scn_app_payload_build(pl, src, len, why, sizeof(why));

    ck_assert_msg(b != NULL, "not built: %s", why);
    return b;
}

/* ---- fields and bytes ----------------------------------------------------- */

START_TEST(test_ws_accept_literal_key)
{
    struct scenario *scn = parse_ok(WORLD "alice: send s websocket-accept \"dGhlIHNhbXBsZSBub25jZQ==\"\n");
    const struct scn_payload *pl = last_payload(scn);
    size_t len;
    uint8_t *b;

    ck_assert_int_eq(pl->kind, SCN_PAYLOAD_WS_ACCEPT);
    ck_assert_int_eq(pl->app.from_dvar, -1);
    b = build(pl, NULL, &len);
    ck_assert_str_eq((char *)b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
                     "\r\n\r\n");
    ck_assert_uint_eq(len, strlen((char *)b));
    free(b);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_ws_accept_from_received_request)
{
    static const char req[] = "GET /chat HTTP/1.1\r\nHost: b\r\nsec-websocket-key: "
                              "x3JJHMbDL1EzLkh9GBhXDw==\r\n\r\n";
    struct scenario *scn = parse_ok(WORLD "alice: send s websocket-accept from req\n");
    const struct scn_payload *pl = last_payload(scn);
    struct scn_app_source src = { "req", true, (const uint8_t *)req, sizeof(req) - 1 };
    char want[WS_ACCEPT_LEN + 1];
    size_t len;
    uint8_t *b;

    ck_assert_int_eq(pl->app.from_dvar, 0);
    b = build(pl, &src, &len);
    /* the accept value for the key found in the request (header names are
     * case-insensitive), computed independently here */
    ws_accept("x3JJHMbDL1EzLkh9GBhXDw==", 24, want);
    ck_assert_ptr_nonnull(strstr((char *)b, want));
    free(b);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_ws_frame_forms)
{
    struct scenario *scn = parse_ok(WORLD
        "alice: send s ws-frame text \"Hello\" mask 0x37fa213d\n"
        "alice: send s ws-frame binary bytes 256\n"
        "alice: send s ws-frame text \"Hel\" more\n"
        "alice: send s ws-frame continuation \"lo\" mask 0x00000001\n"
        "alice: send s ws-frame close 1000 \"bye\"\n"
        "alice: send s ws-frame close\n"
        "alice: send s ws-frame ping mask 0xFFFFFFFF\n");
    /* [RFC 6455 5.7] the masked "Hello" */
    static const uint8_t hello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f,
                                     0x4d, 0x51, 0x58 };
    const struct scn_payload *pl = &scn->steps[2].send.payload;
    size_t len;
    uint8_t *b;

    ck_assert_int_eq(pl->kind, SCN_PAYLOAD_WS_FRAME);
    ck_assert_uint_eq(pl->app.ws_mask, 0x37fa213d);
    b = build(pl, NULL, &len);
    ck_assert_uint_eq(len, sizeof(hello));
    ck_assert(memcmp(b, hello, len) == 0);
    free(b);

    b = build(&scn->steps[3].send.payload, NULL, &len);  /* 16-bit length */
    ck_assert_uint_eq(len, 4 + 256);
    ck_assert(b[0] == 0x82 && b[1] == 126 && b[2] == 1 && b[3] == 0 && b[4] == 'a');
    free(b);

    b = build(&scn->steps[4].send.payload, NULL, &len);  /* FIN clear */
    ck_assert_uint_eq(b[0], 0x01);
    free(b);

    b = build(&scn->steps[6].send.payload, NULL, &len);  /* code 1000 then "bye" */
    ck_assert_uint_eq(len, 7);
    ck_assert(memcmp(b, "\x88\x05\x03\xe8" "bye", 7) == 0);
    free(b);

    b = build(&scn->steps[7].send.payload, NULL, &len);  /* an empty close */
    ck_assert_uint_eq(len, 2);
    ck_assert(b[0] == 0x88 && b[1] == 0x00);
    free(b);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_dns_query_and_answers)
{
    struct scenario *scn = parse_ok(WORLD
        "alice: sendto s bob:53 dns-query 4660 www.example.test A\n"
        "alice: send s dns-answer 4660 www.example.test A 203.0.113.80 ttl 300s\n"
        "alice: send s dns-answer to req A bob ttl 1s\n"
        "alice: send s dns-answer to req nxdomain\n"
        "alice: send s dns-query 1 example.test. AAAA\n");
    struct dns_msg m;
    struct scn_app_source src;
    size_t qlen, len;
    uint8_t *q, *b;

    q = build(&scn->steps[2].send.payload, NULL, &qlen);
    ck_assert_int_eq(dns_parse(q, qlen, &m), APP_ERR_NONE);
    ck_assert(!m.qr && m.rd && m.id == 4660 && m.qd[0].qtype == DNS_TYPE_A);

    /* the literal answer and the answer `to` the query are the same bytes
     * when they say the same */
    b = build(&scn->steps[3].send.payload, NULL, &len);
    ck_assert_int_eq(dns_parse(b, len, &m), APP_ERR_NONE);
    ck_assert(m.qr && m.aa && m.rd && m.n_an == 1);
    ck_assert_uint_eq(m.an[0].a, IPV4_ADDR(203, 0, 113, 80));
    ck_assert_uint_eq(m.an[0].ttl, 300);
    free(b);

    src = (struct scn_app_source){ "req", true, q, qlen };
    b = build(&scn->steps[4].send.payload, &src, &len);
    ck_assert_int_eq(dns_parse(b, len, &m), APP_ERR_NONE);
    ck_assert_uint_eq(m.id, 4660);
    ck_assert_uint_eq(m.an[0].a, IPV4_ADDR(192, 0, 2, 2));  /* bob's address */
    ck_assert_uint_eq(m.an[0].ttl, 1);
    free(b);

    b = build(&scn->steps[5].send.payload, &src, &len);
    ck_assert_int_eq(dns_parse(b, len, &m), APP_ERR_NONE);
    ck_assert_uint_eq(m.rcode, DNS_RCODE_NXDOMAIN);
    ck_assert_uint_eq(m.ancount, 0);
    free(b);
    free(q);
    ck_assert_uint_eq(scn->steps[6].send.payload.app.dns_type, DNS_TYPE_AAAA);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

START_TEST(test_expect_against_a_payload)
{
    struct scenario *scn = parse_ok(WORLD
        "expect req == dns-answer to req A 192.0.2.9\n"
        "expect req != ws-frame text \"x\"\n"
        "expect req contains websocket-accept from req\n"
        "expect req == \"plain\"\n");
    const struct scn_expect *e = &scn->steps[2].expect;

    ck_assert_int_eq(e->kind, SCN_EXPECT_DATA);
    ck_assert_int_eq(e->rhs.kind, SCN_PAYLOAD_DNS_ANSWER);
    ck_assert_int_eq(e->rhs.app.from_dvar, 0);
    ck_assert_int_eq(scn->steps[5].expect.rhs.kind, SCN_PAYLOAD_TEXT);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

/* ---- what cannot be built from received data ------------------------------ */

START_TEST(test_build_refuses_what_it_cannot_answer)
{
    struct scenario *scn = parse_ok(WORLD
        "alice: send s websocket-accept from req\n"
        "alice: send s dns-answer to req A 192.0.2.9\n");
    const struct scn_payload *ws = &scn->steps[2].send.payload;
    const struct scn_payload *dns = &scn->steps[3].send.payload;
    static const struct {
        int which;  /* 0 ws, 1 dns */
        const char *data;
        size_t len;
        bool set;
        const char *why;
    } bad[] = {
        { 0, NULL, 0, false, "req was never received" },
        { 0, NULL, 0, true, "req is not an HTTP request: no empty line ends the header "
                            "section (yet)" },
        { 0, "HTTP/1.1 200 OK\r\n\r\n", 19, true, "req is not an HTTP request: it is a "
                                                  "response" },
        { 0, "GET / HTTP/1.1\r\nHost: b\r\n\r\n", 27, true,
          "the request in req has no Sec-WebSocket-Key header [RFC 6455 4.1]" },
        { 0, "GET / HTTP/1.1\r\nSec-WebSocket-Key: abc=\r\n\r\n", 43, true,
          "the Sec-WebSocket-Key in req is not 16 bytes in base64 [RFC 6455 4.1]" },
        { 1, "hello", 5, true, "req is not a DNS query: the DNS message ends inside a field" },
        /* a response is not a query: the golden answer's header alone */
        { 1, "\x12\x34\x85\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12, true,
          "req is not a DNS query: it is a response" },
        { 1, "\x12\x34\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12, true,
          "req is not a DNS query: it asks no question" },
        { 1, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01x\x00\x00\x1c\x00\x01", 19,
          true, "the query in req asks for AAAA records; dns-answer gives A records" },
        { 1, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01.\x00\x00\x01\x00\x01", 19,
          true, "the name asked in req has octets dns-answer cannot copy" },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct scn_app_source src = { "req", bad[i].set, (const uint8_t *)bad[i].data,
                                      bad[i].len };
        char why[160] = "";
        size_t len = 99;
        uint8_t *b = scn_app_payload_build(bad[i].which == 0 ? ws : dns, &src, &len, why,
                                           sizeof(why));
        ck_assert_msg(b == NULL, "case %zu built", i);
        ck_assert_str_eq(why, bad[i].why);
        ck_assert_uint_eq(len, 0);
    }
    scenario_free(scn);
}
END_TEST

/* ---- malformed forms: the exact message ------------------------------------ */

static const struct {
    const char *text;
    const char *msg;
} bad_forms[] = {
    { WORLD "alice: send s websocket-accept\n",
      "t.scn:6:15: error: websocket-accept needs the client's key in quotes, or 'from DATA' "
      "to take it from a request received earlier" },
    { WORLD "alice: send s websocket-accept \"Zm9vYmFy\"\n",
      "t.scn:6:32: error: \"Zm9vYmFy\" is not a Sec-WebSocket-Key: that is 16 bytes in base64, "
      "24 characters like \"dGhlIHNhbXBsZSBub25jZQ==\" [RFC 6455 4.1]" },
    { WORLD "alice: send s websocket-accept key\n",
      "t.scn:6:32: error: websocket-accept needs the client's key in quotes, or 'from DATA' "
      "to take it from a request received earlier" },
    { WORLD "alice: send s websocket-accept from\n",
      "t.scn:6:32: error: 'from' needs the name of received data, like 'from request'" },
    { WORLD "alice: send s websocket-accept from rq\n",
      "t.scn:6:37: error: no data variable 'rq' (did you mean 'req'?)" },
    { WORLD "alice: send s websocket-accept from zzzzzz\n",
      "t.scn:6:37: error: no data variable 'zzzzzz' (data is kept with '-> NAME' after recv "
      "or recvfrom)" },
    { WORLD "ping alice bob -> pg\nalice: send s websocket-accept from pg\n",
      "t.scn:7:37: error: 'pg' holds a ping summary, not received data" },
    { WORLD "alice: send s ws-frame\n",
      "t.scn:6:15: error: ws-frame needs an opcode: text, binary, close, ping, pong or "
      "continuation" },
    { WORLD "alice: send s ws-frame txt \"a\"\n",
      "t.scn:6:24: error: unknown WebSocket opcode 'txt' (did you mean 'text'?)" },
    { WORLD "alice: send s ws-frame 1 \"a\"\n",
      "t.scn:6:24: error: unknown WebSocket opcode '1' (text, binary, close, ping, pong or "
      "continuation)" },
    { WORLD "alice: send s ws-frame text \"a\" mask 37fa213d\n",
      "t.scn:6:38: error: mask needs a 32-bit masking key: 0x and 8 hex digits, like "
      "0x37fa213d [RFC 6455 5.3]" },
    { WORLD "alice: send s ws-frame text \"a\" mask 0x37fa21\n",
      "t.scn:6:38: error: mask needs a 32-bit masking key: 0x and 8 hex digits, like "
      "0x37fa213d [RFC 6455 5.3]" },
    { WORLD "alice: send s ws-frame text \"a\" mask 0x37fa213g\n",
      "t.scn:6:38: error: mask needs a 32-bit masking key: 0x and 8 hex digits, like "
      "0x37fa213d [RFC 6455 5.3]" },
    { WORLD "alice: send s ws-frame text \"a\" mask\n",
      "t.scn:6:33: error: mask needs a 32-bit masking key: 0x and 8 hex digits, like "
      "0x37fa213d [RFC 6455 5.3]" },
    { WORLD "alice: send s ws-frame text \"a\" mask 0x00000001 mask 0x00000002\n",
      "t.scn:6:49: error: mask is given twice" },
    { WORLD "alice: send s ws-frame ping \"a\" more\n",
      "t.scn:6:33: error: a ping frame cannot be split: control frames always carry FIN "
      "[RFC 6455 5.5]" },
    { WORLD "alice: send s ws-frame pong bytes 126\n",
      "t.scn:6:15: error: a pong frame carries at most 125 bytes, this one 126 [RFC 6455 5.5]" },
    { WORLD "alice: send s ws-frame close \"bye\"\n",
      "t.scn:6:30: error: a close reason needs a status code before it, like 'ws-frame close "
      "1000 \"bye\"' [RFC 6455 5.5.1]" },
    { WORLD "alice: send s ws-frame close 999\n",
      "t.scn:6:30: error: close code must be at least 1000" },
    { WORLD "alice: send s ws-frame close 5000\n",
      "t.scn:6:30: error: close code 5000 is more than 4999 (codes are 1000..4999 "
      "[RFC 6455 7.4])" },
    { WORLD "alice: send s ws-frame close 1005\n",
      "t.scn:6:30: error: close code 1005 is only for reporting, never sent in a close frame "
      "[RFC 6455 7.4.1]" },
    { WORLD "alice: send s ws-frame text bytes\n",
      "t.scn:6:29: error: bytes needs a number" },
    { WORLD "alice: send s ws-frame text \"a\" fin\n",
      "t.scn:6:33: error: unexpected 'fin' at the end of the line" },
    { WORLD "alice: send s dns-query\n",
      "t.scn:6:15: error: dns-query needs an ID, a name and a type, like 'dns-query 4660 "
      "www.example.test A'" },
    { WORLD "alice: send s dns-query 65536 a.test A\n",
      "t.scn:6:25: error: DNS ID 65536 is more than 65535" },
    { WORLD "alice: send s dns-query 0x12 a.test A\n",
      "t.scn:6:25: error: DNS ID must be a whole number, found '0x12'" },
    { WORLD "alice: send s dns-query 1\n",
      "t.scn:6:15: error: dns-query needs a name to look up, like www.example.test" },
    { WORLD "alice: send s dns-query 1 a..test A\n",
      "t.scn:6:27: error: bad DNS name 'a..test': an empty label inside a name "
      "[RFC 1035 2.3.1]" },
    { WORLD "alice: send s dns-query 1 "
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test A\n",
      "t.scn:6:27: error: bad DNS name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': a label "
      "longer than 63 octets [RFC 1035 2.3.4]" },
    { WORLD "alice: send s dns-query 1 a.test\n",
      "t.scn:6:27: error: dns-query needs a record type after the name, like A" },
    { WORLD "alice: send s dns-query 1 a.test AAA\n",
      "t.scn:6:34: error: unknown DNS record type 'AAA' (did you mean 'AAAA'?)" },
    { WORLD "alice: send s dns-query 1 a.test \"A\"\n",
      "t.scn:6:34: error: unknown DNS record type \"A\" (A, NS, CNAME, SOA, PTR, MX, TXT or "
      "AAAA)" },
    { WORLD "alice: send s dns-answer\n",
      "t.scn:6:15: error: dns-answer needs the query it answers: 'to DATA' (a query received "
      "earlier) or an ID and a name" },
    { WORLD "alice: send s dns-answer to req\n",
      "t.scn:6:15: error: dns-answer needs 'A ADDRESS' (the record) or 'nxdomain' (no such "
      "name)" },
    { WORLD "alice: send s dns-answer to req AAAA ::1\n",
      "t.scn:6:33: error: dns-answer needs 'A ADDRESS' (the record) or 'nxdomain' (no such "
      "name), found 'AAAA'" },
    { WORLD "alice: send s dns-answer to req A\n",
      "t.scn:6:33: error: A needs an IPv4 address, like 203.0.113.80" },
    { WORLD "alice: send s dns-answer to req A 203.0.113.300\n",
      "t.scn:6:35: error: bad IPv4 address '203.0.113.300'" },
    { WORLD "alice: send s dns-answer to req A 192.0.2.9 ttl 300\n",
      "t.scn:6:49: error: duration '300' needs a unit: ns, us, ms or s" },
    { WORLD "alice: send s dns-answer to req A 192.0.2.9 ttl 1500ms\n",
      "t.scn:6:49: error: ttl '1500ms' must be whole seconds, at most 2147483647s "
      "[RFC 2181 8]" },
    { WORLD "alice: send s dns-answer to req A 192.0.2.9 ttl\n",
      "t.scn:6:45: error: ttl needs a duration in whole seconds, like 300s" },
    { WORLD "alice: send s ws-fram text \"a\"\n",
      "t.scn:6:15: error: expected a payload, found 'ws-fram' (did you mean 'ws-frame'?)" },
    { WORLD "expect req == dns-query 1 a..b A\n",
      "t.scn:6:27: error: bad DNS name 'a..b': an empty label inside a name [RFC 1035 2.3.1]" },
};

START_TEST(test_bad_forms)
{
    assert_error(bad_forms[_i].text, bad_forms[_i].msg);
}
END_TEST

static Suite *
scenario_app_suite(void)
{
    Suite *s = suite_create("scenario_app");
    TCase *tc = tcase_create("payloads");

    tcase_add_test(tc, test_ws_accept_literal_key);
    tcase_add_test(tc, test_ws_accept_from_received_request);
    tcase_add_test(tc, test_ws_frame_forms);
    tcase_add_test(tc, test_dns_query_and_answers);
    tcase_add_test(tc, test_expect_against_a_payload);
    tcase_add_test(tc, test_build_refuses_what_it_cannot_answer);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad");
    tcase_add_loop_test(tc, test_bad_forms, 0, (int)(sizeof(bad_forms) / sizeof(bad_forms[0])));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_app_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
