/* SPDX-License-Identifier: BSD-2-Clause
 *
 * test_trace_format.c - the bus's formatter: printf's text for printf's
 * conversions, and addresses for TRACE_IPV4 and TRACE_MAC.
 *
 * A layer passes an address as its number and the sentence is made when a
 * sink reads it (trace_vformat() for a text sink, the event log's replay for
 * the view): the text must be what the layer used to format itself, cut at
 * the same place, with vsnprintf()'s return value.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/trace.h"
#include "stack/wire/addr.h"

static int
fmt(char *buf, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));

static int
fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int w = trace_vformat(buf, n, f, ap);
    va_end(ap);
    return w;
}

START_TEST(test_addresses_read_as_the_layers_wrote_them)
{
    char buf[TRACE_TEXT_LEN], a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN], m[MAC_ADDR_STRLEN];
    static const uint32_t addrs[] = { 0xC0000201u, 0, 0xFFFFFFFFu, 0x0A00FF09u, 0x7F000001u };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        int w = fmt(buf, sizeof buf, TRACE_IPV4 " > " TRACE_IPV4 ": ttl %u", addrs[i], 0xC6336401u,
                    64u);
        char want[TRACE_TEXT_LEN];
        int ww = snprintf(want, sizeof want, "%s > %s: ttl %u", ipv4_addr_str(addrs[i], a),
                          ipv4_addr_str(0xC6336401u, b), 64u);
        ck_assert_str_eq(buf, want);
        ck_assert_int_eq(w, ww);
    }
    static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x0a, 0xbc, 0xff };
    int w = fmt(buf, sizeof buf, TRACE_MAC " > " TRACE_MAC ", length %zu", trace_mac(mac),
                trace_mac((const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }), (size_t)1514);
    ck_assert_str_eq(buf, "02:00:5e:0a:bc:ff > ff:ff:ff:ff:ff:ff, length 1514");
    ck_assert_int_eq(w, (int)strlen(buf));
    mac_addr_str(mac, m);
    ck_assert_int_eq(trace_format_number(buf, sizeof buf, TRACE_MAC, trace_mac(mac)), 17);
    ck_assert_str_eq(buf, m);
    /* not one of ours: the caller formats it as printf would */
    ck_assert_int_eq(trace_format_number(buf, sizeof buf, "%u", 7), -1);
}
END_TEST

START_TEST(test_printf_conversions_unchanged_beside_them)
{
    /* every kind of argument the stack's sentences pass, after an address,
     * must come out as vsnprintf() alone makes it */
    char got[TRACE_TEXT_LEN], want[TRACE_TEXT_LEN];
    int w = fmt(got, sizeof got,
                TRACE_IPV4 " %d %-5s|%5.2f %lu %lld %zu %x %04x %c %% %*d %.*s %hhu %p", 0x01020304u,
                -42, "ab", 3.14159, 123456789012ul, -5ll, (size_t)77, 0xbeefu, 0x2au, 'z', 6, 9, 2,
                "xyz", (unsigned char)200, (void *)0x1234);
    int ww = snprintf(want, sizeof want, "1.2.3.4 %d %-5s|%5.2f %lu %lld %zu %x %04x %c %% %*d %.*s %hhu %p",
                      -42, "ab", 3.14159, 123456789012ul, -5ll, (size_t)77, 0xbeefu, 0x2au, 'z', 6,
                      9, 2, "xyz", (unsigned char)200, (void *)0x1234);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(w, ww);
    /* without our conversions it is vsnprintf() itself */
    w = fmt(got, sizeof got, "%s > %u", "x", 5u);
    ck_assert_str_eq(got, "x > 5");
    ck_assert_int_eq(w, 5);
}
END_TEST

START_TEST(test_cut_where_vsnprintf_cuts)
{
    /* a sentence longer than the buffer: the same prefix, the whole length */
    char long_s[300];
    memset(long_s, 'q', sizeof long_s - 1);
    long_s[sizeof long_s - 1] = '\0';
    for (size_t n = 0; n < 40; n++) {
        char got[64], want[64];
        memset(got, '#', sizeof got);
        memset(want, '#', sizeof want);
        int w = fmt(got, n, "ab " TRACE_IPV4 " cd " TRACE_MAC " %s", 0xC0000201u,
                    (uint64_t)0x020000000001ull, "tail");
        int ww = snprintf(want, n, "ab %s cd %s %s", "192.0.2.1", "02:00:00:00:00:01", "tail");
        ck_assert_int_eq(w, ww);
        ck_assert(memcmp(got, want, sizeof got) == 0);  /* nothing written past n */
    }
    char got[TRACE_TEXT_LEN], want[TRACE_TEXT_LEN];
    int w = fmt(got, sizeof got, TRACE_IPV4 " %s", 0xC0000201u, long_s);
    int ww = snprintf(want, sizeof want, "192.0.2.1 %s", long_s);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(w, ww);
    /* a buffer larger than a sentence: a long piece whole, what follows after it */
    char big[700], big_want[700];
    w = fmt(big, sizeof big, "%s " TRACE_IPV4 " %s!", long_s, 0xCB007101u, long_s);
    ww = snprintf(big_want, sizeof big_want, "%s 203.0.113.1 %s!", long_s, long_s);
    ck_assert_str_eq(big, big_want);
    ck_assert_int_eq(w, ww);
}
END_TEST

static Suite *
trace_format_suite(void)
{
    Suite *s = suite_create("trace_format");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, test_addresses_read_as_the_layers_wrote_them);
    tcase_add_test(tc, test_printf_conversions_unchanged_beside_them);
    tcase_add_test(tc, test_cut_where_vsnprintf_cuts);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(trace_format_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
