/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_view_ipv6.c - the packet pane decodes IPv6 frames: the fixed header,
 * extension headers in order, ICMPv6 echo and neighbour discovery with its
 * target and link-layer address options, router solicitation and
 * advertisement and redirect with theirs, each field at its byte offset.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/record.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv6.h"
#include "ui/view.h"

#define MAX_LINES 64

/* A neighbour solicitation for 2001:db8::2 from 2001:db8::1, behind a
 * destination options header when `dstopt`. Returns the frame length. */
static size_t
ns_frame(uint8_t *f, bool dstopt)
{
    static const uint8_t mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 0x0a };
    struct ip6_addr src, tgt, grp;
    ck_assert(ip6_addr_parse("2001:db8::1", &src));
    ck_assert(ip6_addr_parse("2001:db8::2", &tgt));
    ip6_solicited_node(&tgt, &grp);
    memset(f, 0, 200);
    ip6_multicast_mac(&grp, f);
    memcpy(f + 6, mac, ETH_ALEN);
    be16_put(f + 12, ETHERTYPE_IPV6);
    size_t ext = dstopt ? 8 : 0;
    struct ipv6_hdr h = { .payload_len = (uint16_t)(ext + 32),
                          .next_header = dstopt ? IPV6_NH_DSTOPTS : IPV6_NH_ICMPV6,
                          .hop_limit = 255, .src = src, .dst = grp };
    ipv6_emit(&h, f + 14);
    uint8_t *m = f + 54;
    if (dstopt) {
        m[0] = IPV6_NH_ICMPV6;
        m[2] = 1;  /* PadN */
        m[3] = 4;
        m += 8;
    }
    m[0] = ND_NEIGHBOR_SOLICIT;
    memcpy(m + 8, tgt.b, 16);
    m[24] = ND_OPT_SLLA;
    m[25] = 1;
    memcpy(m + 26, mac, ETH_ALEN);
    return 54 + ext + 32;
}

static const struct pkt_line *
find_line(const struct pkt_line *l, int n, const char *text)
{
    for (int i = 0; i < n; i++)
        if (strcmp(l[i].text, text) == 0)
            return &l[i];
    return NULL;
}

START_TEST(test_neighbour_solicitation_decoded)
{
    uint8_t f[200];
    struct record_event ev = { .kind = TRACE_WIRE, .layer = LAYER_WIRE, .bytes = f,
                               .len = ns_frame(f, false), .l2_off = 0,
                               .l3_off = RECORD_OFF_NONE, .l4_off = RECORD_OFF_NONE };
    struct pkt_line lines[MAX_LINES];
    int n = view_decode(&ev, lines, MAX_LINES);
    const struct pkt_line *l = find_line(lines, n, "IPv6 2001:db8::1 > ff02::1:ff00:2");
    ck_assert_ptr_nonnull(l);
    ck_assert(l->heading);
    ck_assert_int_eq(l->off, 14);
    l = find_line(lines, n, "hop limit 255");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 21);
    l = find_line(lines, n, "ICMPv6 neighbour solicitation");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 54);
    l = find_line(lines, n, "target 2001:db8::2");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 62);
    ck_assert_int_eq(l->len, 16);
    l = find_line(lines, n, "option source link-layer address 02:00:00:00:00:0a");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 78);
}
END_TEST

START_TEST(test_extension_header_shown_in_order)
{
    uint8_t f[200];
    struct record_event ev = { .kind = TRACE_WIRE, .layer = LAYER_WIRE, .bytes = f,
                               .len = ns_frame(f, true), .l2_off = 0,
                               .l3_off = RECORD_OFF_NONE, .l4_off = RECORD_OFF_NONE };
    struct pkt_line lines[MAX_LINES];
    int n = view_decode(&ev, lines, MAX_LINES);
    int ext = -1, icmp = -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(lines[i].text, "destination options header, 8 bytes, next header 58") == 0)
            ext = i;
        if (strcmp(lines[i].text, "ICMPv6 neighbour solicitation") == 0)
            icmp = i;
    }
    ck_assert_int_ge(ext, 0);
    ck_assert_int_gt(icmp, ext);
    ck_assert_int_eq(lines[ext].off, 54);
    ck_assert_int_eq(lines[icmp].off, 62);
}
END_TEST

/* An ND message of `len` bytes (m already filled) from fe80::1 to ff02::1
 * behind an IPv6 header. Returns the frame length. */
static size_t
nd_frame(uint8_t *f, const uint8_t *m, size_t len)
{
    struct ip6_addr src, all;
    ck_assert(ip6_addr_parse("fe80::1", &src));
    ip6_all_nodes(&all);
    memset(f, 0, 200);
    ip6_multicast_mac(&all, f);
    f[11] = 1;
    f[6] = 2;
    be16_put(f + 12, ETHERTYPE_IPV6);
    struct ipv6_hdr h = { .payload_len = (uint16_t)len, .next_header = IPV6_NH_ICMPV6,
                          .hop_limit = 255, .src = src, .dst = all };
    ipv6_emit(&h, f + 14);
    memcpy(f + 54, m, len);
    return 54 + len;
}

START_TEST(test_router_advertisement_decoded)
{
    uint8_t m[64] = { ND_ROUTER_ADVERT, 0, 0, 0, 64, 0x40 };
    be16_put(m + 6, 1800);
    m[16] = ND_OPT_SLLA;
    m[17] = 1;
    m[23] = 1;
    m[24] = 5;  /* MTU */
    m[25] = 1;
    be32_put(m + 28, 1400);
    m[32] = 3;  /* prefix information */
    m[33] = 4;
    m[34] = 64;
    m[35] = 0xc0;
    be32_put(m + 36, 86400);
    be32_put(m + 40, 3600);
    m[48] = 0x20;
    m[49] = 0x01;
    m[50] = 0x0d;
    m[51] = 0xb8;
    m[53] = 1;
    uint8_t f[200];
    struct record_event ev = { .kind = TRACE_WIRE, .layer = LAYER_WIRE, .bytes = f,
                               .len = nd_frame(f, m, 64), .l2_off = 0,
                               .l3_off = RECORD_OFF_NONE, .l4_off = RECORD_OFF_NONE };
    struct pkt_line lines[MAX_LINES];
    int n = view_decode(&ev, lines, MAX_LINES);
    const struct pkt_line *l = find_line(lines, n, "ICMPv6 router advertisement");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 54);
    l = find_line(lines, n, "router lifetime 1800 s");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 60);
    ck_assert_int_eq(l->len, 2);
    ck_assert_ptr_nonnull(find_line(lines, n, "flags O"));
    l = find_line(lines, n, "option source link-layer address 00:00:00:00:00:01");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 70);
    l = find_line(lines, n, "option MTU 1400");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 78);
    l = find_line(lines, n,
                  "option prefix 2001:db8:1::/64, flags LA, valid 86400 s, preferred 3600 s");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 86);
    ck_assert_int_eq(l->len, 32);
}
END_TEST

START_TEST(test_router_solicitation_and_redirect_decoded)
{
    uint8_t m[64] = { ND_ROUTER_SOLICIT };
    m[8] = ND_OPT_SLLA;
    m[9] = 1;
    m[15] = 0x0a;
    uint8_t f[200];
    struct record_event ev = { .kind = TRACE_WIRE, .layer = LAYER_WIRE, .bytes = f,
                               .len = nd_frame(f, m, 16), .l2_off = 0,
                               .l3_off = RECORD_OFF_NONE, .l4_off = RECORD_OFF_NONE };
    struct pkt_line lines[MAX_LINES];
    int n = view_decode(&ev, lines, MAX_LINES);
    ck_assert_ptr_nonnull(find_line(lines, n, "ICMPv6 router solicitation"));
    const struct pkt_line *l =
        find_line(lines, n, "option source link-layer address 00:00:00:00:00:0a");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 62);
    /* A redirect: target, destination, then a target link-layer option. */
    memset(m, 0, sizeof m);
    m[0] = ND_REDIRECT;
    m[8] = 0xfe;
    m[9] = 0x80;
    m[23] = 0x99;
    m[24] = 0x20;
    m[25] = 0x01;
    m[26] = 0x0d;
    m[27] = 0xb8;
    m[39] = 5;
    m[40] = ND_OPT_TLLA;
    m[41] = 1;
    m[47] = 0x99;
    ev.len = nd_frame(f, m, 48);
    n = view_decode(&ev, lines, MAX_LINES);
    ck_assert_ptr_nonnull(find_line(lines, n, "ICMPv6 redirect"));
    l = find_line(lines, n, "target fe80::99");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 62);
    l = find_line(lines, n, "destination 2001:db8::5");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 78);
    l = find_line(lines, n, "option target link-layer address 00:00:00:00:00:99");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->off, 94);
}
END_TEST

START_TEST(test_truncated_ipv6_says_so)
{
    uint8_t f[200];
    size_t n = ns_frame(f, false);
    (void)n;
    struct record_event ev = { .kind = TRACE_WIRE, .layer = LAYER_WIRE, .bytes = f, .len = 30,
                               .l2_off = 0, .l3_off = RECORD_OFF_NONE,
                               .l4_off = RECORD_OFF_NONE };
    struct pkt_line lines[MAX_LINES];
    int k = view_decode(&ev, lines, MAX_LINES);
    ck_assert_ptr_nonnull(find_line(lines, k, "IPv6 [truncated]"));
}
END_TEST

static Suite *
view_ipv6_suite(void)
{
    Suite *s = suite_create("view_ipv6");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_neighbour_solicitation_decoded);
    tcase_add_test(tc, test_extension_header_shown_in_order);
    tcase_add_test(tc, test_truncated_ipv6_says_so);
    tcase_add_test(tc, test_router_advertisement_decoded);
    tcase_add_test(tc, test_router_solicitation_and_redirect_decoded);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(view_ipv6_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
