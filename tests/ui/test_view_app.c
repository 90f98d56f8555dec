/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_view_app.c - the packet pane's application layer: HTTP, WebSocket and
 * DNS decoded field by field from the lessons app/websocket.scn and
 * app/dns.scn (recorded headless), each field with its bytes, and the events
 * pane's Wire lines naming the protocol.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view.h"
#include "ui/view_model.h"

static struct scenario *scn;
static struct view_model model;
static struct view_model *m = &model;

static void
build(const char *lesson)
{
    struct scn_diag diag;
    char err[256];

    scn = scenario_parse_file(lesson, &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
}

static void
setup_ws(void)
{
    build(NETSTEP_SCENARIO_DIR "/app/websocket.scn");
}

static void
setup_dns(void)
{
    build(NETSTEP_SCENARIO_DIR "/app/dns.scn");
}

static void
teardown(void)
{
    view_model_destroy(m);
    scenario_free(scn);
}

/* The decoded lines of the first Wire event whose text contains needle. */
static int
decode_wire(const char *needle, struct record_event *ev, struct pkt_line *lines)
{
    for (size_t i = 0; vm_event(m, i, ev); i++) {
        if (ev->kind == TRACE_WIRE && strstr(ev->text, needle) != NULL) {
            int n = view_decode(ev, lines, PKT_LINES_MAX);
            if (getenv("TEST_VIEW_DUMP") != NULL)
                for (int k = 0; k < n; k++)
                    fprintf(stderr, "%2d %d %-40s %s\n", k, lines[k].layer, lines[k].text,
                            lines[k].meaning);
            return n;
        }
    }
    ck_abort_msg("no Wire event with '%s'", needle);
    return 0;
}

/* The index of the line whose text is exactly text, at or after from. */
static int
line_at(const struct pkt_line *lines, int n, int from, const char *text)
{
    for (int i = from; i < n; i++)
        if (strcmp(lines[i].text, text) == 0)
            return i;
    ck_abort_msg("no line '%s'", text);
    return -1;
}

/* The field's bytes in the event, as text. */
static void
field_bytes(const struct record_event *ev, const struct pkt_line *l, char *out, size_t n)
{
    size_t len = (size_t)l->len < n - 1 ? (size_t)l->len : n - 1;
    memcpy(out, ev->bytes + l->off, len);
    out[len] = '\0';
}

START_TEST(test_http_upgrade_request_fields)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    char got[64];
    int n = decode_wire(": HTTP GET /chat", &ev, lines);
    int h = line_at(lines, n, 0, "HTTP GET /chat");

    ck_assert(lines[h].heading);
    ck_assert_int_eq(lines[h].layer, PL_DATA);
    ck_assert_int_eq(lines[h].off, 14 + 20 + 32);  /* after TCP with timestamps */
    ck_assert_int_eq(lines[h].len, 154);           /* the whole head */
    int k = line_at(lines, n, h, "method GET");
    field_bytes(&ev, &lines[k], got, sizeof got);
    ck_assert_str_eq(got, "GET");
    k = line_at(lines, n, h, "target /chat");
    field_bytes(&ev, &lines[k], got, sizeof got);
    ck_assert_str_eq(got, "/chat");
    k = line_at(lines, n, h, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
    ck_assert_str_eq(lines[k].meaning,
                     "16 random bytes in base64, from the client [RFC 6455 4.1]");
    field_bytes(&ev, &lines[k], got, sizeof got);
    ck_assert_str_eq(got, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    k = line_at(lines, n, h, "(empty line)");
    ck_assert_int_eq(lines[k].off + lines[k].len, lines[h].off + lines[h].len);
}
END_TEST

START_TEST(test_http_101_response_fields)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = decode_wire(": HTTP 101", &ev, lines);
    int h = line_at(lines, n, 0, "HTTP 101 Switching Protocols");
    int k = line_at(lines, n, h, "status 101 Switching Protocols");

    ck_assert_str_eq(lines[k].meaning, "the connection now speaks the protocol asked for");
    ck_assert_int_eq(lines[k].len, 3);
    line_at(lines, n, h, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
END_TEST

START_TEST(test_websocket_masked_frame_is_shown_unmasked)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = decode_wire("WebSocket text FIN masked", &ev, lines);
    int h = line_at(lines, n, 0, "WebSocket text FIN masked len 5");
    int p0 = lines[h].off;

    ck_assert(lines[h].heading);
    ck_assert_int_eq(lines[h].len, 11);
    ck_assert_int_eq(line_at(lines, n, h, "FIN 1"), h + 1);
    line_at(lines, n, h, "opcode 1 (text)");
    line_at(lines, n, h, "MASK 1");
    int k = line_at(lines, n, h, "payload length 5");
    ck_assert_int_eq(lines[k].off, p0 + 1);
    k = line_at(lines, n, h, "masking key 37 fa 21 3d");
    ck_assert_int_eq(lines[k].off, p0 + 2);
    ck_assert_int_eq(lines[k].len, 4);
    k = line_at(lines, n, h, "payload \"Hello\"");
    ck_assert_int_eq(lines[k].off, p0 + 6);
    ck_assert_str_eq(lines[k].meaning, "unmasked: the wire has it XORed with the key");
    /* the bytes themselves are the masked ones [RFC 6455 5.7] */
    ck_assert_int_eq(ev.bytes[p0 + 6], 0x7f);
}
END_TEST

START_TEST(test_websocket_close_frame_status_and_reason)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = decode_wire("WebSocket close FIN len 5", &ev, lines);
    int h = line_at(lines, n, 0, "WebSocket close FIN len 5");

    line_at(lines, n, h, "MASK 0");
    line_at(lines, n, h, "status code 1000");
    line_at(lines, n, h, "reason \"bye\"");
}
END_TEST

START_TEST(test_dns_query_and_answer_fields)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = decode_wire("DNS query A www", &ev, lines);
    int h = line_at(lines, n, 0, "DNS query A www.example.test, id 4660");
    int dns = lines[h].off;

    ck_assert_int_eq(dns, 14 + 20 + 8);
    ck_assert_int_eq(lines[h].len, 34);
    line_at(lines, n, h, "id 4660 (0x1234)");
    line_at(lines, n, h, "flags 0x0100: query, RD");
    int k = line_at(lines, n, h, "question www.example.test");
    ck_assert_int_eq(lines[k].off, dns + 12);
    ck_assert_int_eq(lines[k].len, 18);
    line_at(lines, n, h, "type A, class 1");

    n = decode_wire("DNS response A www", &ev, lines);
    h = line_at(lines, n, 0, "DNS response A www.example.test -> 203.0.113.80, id 4660");
    dns = lines[h].off;
    line_at(lines, n, h, "flags 0x8500: response, AA, RD, NOERROR");
    line_at(lines, n, h, "answers 1");
    k = line_at(lines, n, h, "answer www.example.test");
    ck_assert_int_eq(lines[k].off, dns + 34);
    ck_assert_int_eq(lines[k].len, 2);
    ck_assert_str_eq(lines[k].meaning,
                     "ends in a pointer (c0 ..) to a name earlier [RFC 1035 4.1.4]");
    line_at(lines, n, h, "ttl 300");
    k = line_at(lines, n, h, "address 203.0.113.80");
    ck_assert_int_eq(lines[k].off, dns + 46);
    ck_assert_int_eq(lines[k].len, 4);

    n = decode_wire("NXDOMAIN", &ev, lines);
    line_at(lines, n, 0, "flags 0x8503: response, AA, RD, NXDOMAIN");
}
END_TEST

START_TEST(test_plain_data_stays_data)
{
    /* the SYN carries nothing, and an ARP frame has no transport: no
     * application heading appears for either */
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = decode_wire("Flags [S]", &ev, lines);
    for (int i = 0; i < n; i++)
        ck_assert_int_ne(lines[i].layer, PL_DATA);
}
END_TEST

static Suite *
view_app_suite(void)
{
    Suite *s = suite_create("view_app");
    TCase *tc = tcase_create("websocket");

    tcase_add_checked_fixture(tc, setup_ws, teardown);
    tcase_add_test(tc, test_http_upgrade_request_fields);
    tcase_add_test(tc, test_http_101_response_fields);
    tcase_add_test(tc, test_websocket_masked_frame_is_shown_unmasked);
    tcase_add_test(tc, test_websocket_close_frame_status_and_reason);
    tcase_add_test(tc, test_plain_data_stays_data);
    suite_add_tcase(s, tc);
    tc = tcase_create("dns");
    tcase_add_checked_fixture(tc, setup_dns, teardown);
    tcase_add_test(tc, test_dns_query_and_answer_fields);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(view_app_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
