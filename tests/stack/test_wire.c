/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_wire.c - Check suite for stack/wire/: the Internet checksum, address
 * text, and parse, emit and describe for Ethernet, ARP, IPv4, ICMP, UDP and
 * TCP, then frame_describe() and a sweep that feeds every truncation and bit
 * flip of the golden frames to every parser.
 *
 * Where the golden bytes come from: every golden_* frame below was built
 * field by field with Python 3.11's struct module, following the RFC figure
 * named beside it, with checksums from a separate Python RFC 1071 routine
 * (not this code). tshark 4.0.17 with checksum validation turned on reports
 * every IPv4, ICMP, UDP and TCP checksum in them correct, and tcpdump 4.99.3
 * -nn -S prints each frame as the line quoted beside it. In the describe
 * tests, every expected line not marked "our words" is what that tcpdump
 * printed for the very frame the test builds (dumped to a pcap once, by hand).
 *
 * The sweep copies each frame into a heap buffer of exactly its length, so
 * under ASan a read past len fails the test.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/wire/addr.h"
#include "stack/wire/arp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/describe.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

/* RFC 5737 TEST-NET-1 addresses and locally administered MACs, as in every
 * netstep scenario. */
#define ADDR_A IPV4_ADDR(192, 0, 2, 1)
#define ADDR_B IPV4_ADDR(192, 0, 2, 2)

static const uint8_t mac_a[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_b[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_zero[ETH_ALEN] = { 0 };

/* Where the layers start in a golden frame without IP options. */
#define L3 ETH_HDR_LEN
#define L4 (ETH_HDR_LEN + IPV4_HDR_MIN)

/* ---- golden frames ------------------------------------------------------- */

/* ARP request [RFC 826], 192.0.2.1 asks for 192.0.2.2, broadcast, unpadded.
 * tcpdump: "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28" */
static const uint8_t golden_arp_request[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
};

/* ARP reply [RFC 826], 192.0.2.2 answers 192.0.2.1.
 * tcpdump: "ARP, Reply 192.0.2.2 is-at 02:00:00:00:00:02, length 28" */
static const uint8_t golden_arp_reply[42] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x02, 0xc0, 0x00, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
};

/* ICMP echo request [RFC 792] id 1 seq 1 with 56 body bytes 0x00..0x37, in
 * IPv4 [RFC 791 3.1] id 1234, DF, TTL 64.
 * tcpdump: "IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 1,
 * length 64" */
static const uint8_t golden_icmp_echo[98] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x54, 0x04, 0xd2, 0x40, 0x00, 0x40, 0x01,
    0xb1, 0xd3, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x08, 0x00,
    0x00, 0xeb, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
    0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
    0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
    0x36, 0x37,
};

/* UDP [RFC 768] 50000 -> 7, payload "hello" (odd length), IPv4 id 1235, DF.
 * tcpdump: "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 5" */
static const uint8_t golden_udp[47] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x04, 0xd3, 0x40, 0x00, 0x40, 0x11,
    0xb1, 0xf5, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0xc3, 0x50,
    0x00, 0x07, 0x00, 0x0d, 0x74, 0xa6, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

/* TCP SYN [RFC 9293 3.1] 50000 -> 7, seq 1000, win 65535, options in Linux's
 * order: MSS 1460, SACK-permitted + TS (val 100 ecr 0), NOP + wscale 7.
 * tcpdump: "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [S], seq 1000, win 65535,
 * options [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0" */
static const uint8_t golden_tcp_syn[74] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x04, 0xd4, 0x40, 0x00, 0x40, 0x06,
    0xb1, 0xe4, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0xc3, 0x50,
    0x00, 0x07, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
    0xff, 0xff, 0xfc, 0x58, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
    0x08, 0x0a, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
    0x03, 0x07,
};

/* TCP SYN-ACK 7 -> 50000, seq 5000 ack 1001, win 65160, IPv4 id 0, same
 * option layout with TS val 300 ecr 100.
 * tcpdump: "IP 192.0.2.2.7 > 192.0.2.1.50000: Flags [S.], seq 5000, ack 1001,
 * win 65160, options [mss 1460,sackOK,TS val 300 ecr 100,nop,wscale 7],
 * length 0" */
static const uint8_t golden_tcp_synack[74] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
    0xb6, 0xb8, 0xc0, 0x00, 0x02, 0x02, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x07,
    0xc3, 0x50, 0x00, 0x00, 0x13, 0x88, 0x00, 0x00, 0x03, 0xe9, 0xa0, 0x12,
    0xfe, 0x88, 0xe9, 0x0a, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
    0x08, 0x0a, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x00, 0x00, 0x64, 0x01, 0x03,
    0x03, 0x07,
};

/* TCP data, PSH+ACK, seq 1001 ack 5001 win 502, NOP NOP TS (101, 300) and
 * NOP NOP SACK with blocks 6000-6100 and 6200-6300, payload "hello world".
 * tcpdump: "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [P.], seq 1001:1012,
 * ack 5001, win 502, options [nop,nop,TS val 101 ecr 300,nop,nop,sack 2
 * {6000:6100}{6200:6300}], length 11" */
static const uint8_t golden_tcp_data[97] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x53, 0x04, 0xd5, 0x40, 0x00, 0x40, 0x06,
    0xb1, 0xcc, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0xc3, 0x50,
    0x00, 0x07, 0x00, 0x00, 0x03, 0xe9, 0x00, 0x00, 0x13, 0x89, 0xd0, 0x18,
    0x01, 0xf6, 0xcc, 0x47, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00,
    0x00, 0x65, 0x00, 0x00, 0x01, 0x2c, 0x01, 0x01, 0x05, 0x12, 0x00, 0x00,
    0x17, 0x70, 0x00, 0x00, 0x17, 0xd4, 0x00, 0x00, 0x18, 0x38, 0x00, 0x00,
    0x18, 0x9c, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x77, 0x6f, 0x72, 0x6c,
    0x64,
};

/* ICMP port unreachable [RFC 792] from 192.0.2.2, IPv4 id 7 without DF,
 * quoting the IP header and first 8 bytes of golden_udp's datagram.
 * tcpdump: "IP 192.0.2.2 > 192.0.2.1: ICMP 192.0.2.2 udp port 7 unreachable,
 * length 36" */
static const uint8_t golden_icmp_unreach[70] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x38, 0x00, 0x07, 0x00, 0x00, 0x40, 0x01,
    0xf6, 0xba, 0xc0, 0x00, 0x02, 0x02, 0xc0, 0x00, 0x02, 0x01, 0x03, 0x03,
    0xc4, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x21, 0x04, 0xd3,
    0x40, 0x00, 0x40, 0x11, 0xb1, 0xf5, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00,
    0x02, 0x02, 0xc3, 0x50, 0x00, 0x07, 0x00, 0x0d, 0x74, 0xa6,
};

/* IPv4 with 12 bytes of options [RFC 791 3.1]: NOP, Record Route (length 7,
 * pointer 4, one empty slot), then EOL padding; carries UDP "hi".
 * tcpdump: "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 2" */
static const uint8_t golden_ipv4_opts[56] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x48, 0x00, 0x00, 0x2a, 0x04, 0xd6, 0x40, 0x00, 0x40, 0x11,
    0xa6, 0xde, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x01, 0x07,
    0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc3, 0x50,
    0x00, 0x07, 0x00, 0x0a, 0x50, 0x15, 0x68, 0x69,
};

/* ---- helpers ------------------------------------------------------------- */

/* A heap copy of exactly len bytes, so ASan reports any read past len. */
static uint8_t *
copy_exact(const uint8_t *b, size_t len)
{
    uint8_t *p = malloc(len > 0 ? len : 1);

    ck_assert_ptr_nonnull(p);
    if (len > 0)
        memcpy(p, b, len);
    return p;
}

/* frame_describe() of b[0..len) must be exactly `expect`. */
static void
expect_describe(const uint8_t *b, size_t len, const char *expect)
{
    char buf[512];
    uint8_t *f = copy_exact(b, len);
    int r = frame_describe(f, len, buf, sizeof(buf));

    free(f);
    ck_assert_str_eq(buf, expect);
    ck_assert_int_eq(r, (int)strlen(expect));
}

/* A second, plainer RFC 1071 sum to check csum_* against: fold after every
 * word, pad an odd byte. */
static uint16_t
ref_csum(const uint8_t *b, size_t len)
{
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i < len; i += 2) {
        sum += (uint32_t)b[i] << 8 | (i + 1 < len ? b[i + 1] : 0);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static size_t
put_eth(uint8_t *f, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN],
        uint16_t type)
{
    struct eth_hdr eth;

    memcpy(eth.dst, dst, ETH_ALEN);
    memcpy(eth.src, src, ETH_ALEN);
    eth.type = type;
    eth_emit(&eth, f);
    return ETH_HDR_LEN;
}

/* An IPv4 header as Linux sends one: DF, TTL 64, no options. */
static struct ipv4_hdr
ip_hdr(uint32_t src, uint32_t dst, uint8_t proto, uint16_t id)
{
    struct ipv4_hdr ip;

    memset(&ip, 0, sizeof(ip));
    ip.id = id;
    ip.df = true;
    ip.ttl = IPV4_DEFAULT_TTL;
    ip.proto = proto;
    ip.src = src;
    ip.dst = dst;
    return ip;
}

/* Ethernet + ip + the transport bytes l4[0..l4_len) into f, total_len filled
 * in; MACs follow the IP addresses (A's MAC for 192.0.2.1). Returns the
 * frame length. */
static size_t
put_ipv4_frame(uint8_t *f, struct ipv4_hdr ip, const uint8_t *l4, size_t l4_len)
{
    size_t ihl = ipv4_hdr_len(&ip);

    put_eth(f, ip.dst == ADDR_A ? mac_a : mac_b, ip.src == ADDR_A ? mac_a : mac_b,
            ETHERTYPE_IPV4);
    ip.total_len = (uint16_t)(ihl + l4_len);
    ipv4_emit(&ip, f + ETH_HDR_LEN);
    if (l4_len > 0)
        memcpy(f + ETH_HDR_LEN + ihl, l4, l4_len);
    return ETH_HDR_LEN + ihl + l4_len;
}

static size_t
put_udp(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
        const void *payload, size_t len)
{
    struct udp_hdr u;

    u.sport = sport;
    u.dport = dport;
    u.len = (uint16_t)(UDP_HDR_LEN + len);
    u.csum = 0;
    if (len > 0)
        memcpy(b + UDP_HDR_LEN, payload, len);
    udp_emit(&u, b, src, dst);
    return UDP_HDR_LEN + len;
}

/* An ICMP message whose second word is `rest` whatever the type. */
static size_t
put_icmp(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest, const void *body,
         size_t len)
{
    struct icmp_hdr ic;

    memset(&ic, 0, sizeof(ic));
    ic.type = type;
    ic.code = code;
    ic.rest = rest;
    ic.id = (uint16_t)(rest >> 16);
    ic.seq = (uint16_t)rest;
    ic.mtu = (uint16_t)rest;
    if (len > 0)
        memcpy(b + ICMP_HDR_LEN, body, len);
    icmp_emit(&ic, b, ICMP_HDR_LEN + len);
    return ICMP_HDR_LEN + len;
}

static size_t
put_tcp(uint8_t *b, const struct tcp_hdr *t, const void *payload, size_t len,
        uint32_t src, uint32_t dst)
{
    size_t hdr_len = tcp_hdr_len(t);

    if (len > 0)
        memcpy(b + hdr_len, payload, len);
    tcp_emit(t, b, len, src, dst);
    return hdr_len + len;
}

/* A bare ACK 50000 -> 7, seq 1001 ack 5001 win 502, no options. */
static struct tcp_hdr
ack_hdr(void)
{
    struct tcp_hdr t;

    memset(&t, 0, sizeof(t));
    t.sport = 50000;
    t.dport = 7;
    t.seq = 1001;
    t.ack = 5001;
    t.flags = TCP_ACK;
    t.wnd = 502;
    return t;
}

/* golden_tcp_syn's header. */
static struct tcp_hdr
syn_hdr(void)
{
    struct tcp_hdr t;

    memset(&t, 0, sizeof(t));
    t.sport = 50000;
    t.dport = 7;
    t.seq = 1000;
    t.flags = TCP_SYN;
    t.wnd = 65535;
    t.opts.has_mss = true;
    t.opts.mss = 1460;
    t.opts.sack_permitted = true;
    t.opts.has_ts = true;
    t.opts.ts_val = 100;
    t.opts.has_wscale = true;
    t.opts.wscale = 7;
    return t;
}

/* ack_hdr() with the raw option bytes opt[0..opt_len) (a multiple of 4) and
 * a correct checksum, for option lists tcp_emit() would never write. */
static size_t
put_tcp_raw_opts(uint8_t *b, const uint8_t *opt, size_t opt_len, uint32_t src,
                 uint32_t dst)
{
    struct tcp_hdr t = ack_hdr();
    size_t hdr_len = TCP_HDR_MIN + opt_len;

    tcp_emit(&t, b, 0, src, dst);
    b[12] = (uint8_t)(hdr_len / 4 << 4);
    memcpy(b + TCP_HDR_MIN, opt, opt_len);
    be16_put(b + 16, 0);
    be16_put(b + 16, csum_finish(csum_add(csum_pseudo_ipv4(src, dst, IPPROTO_TCP_,
                                                           (uint16_t)hdr_len),
                                          b, hdr_len)));
    return hdr_len;
}

/* ---- checksum ------------------------------------------------------------ */

/* [RFC 1071 3] the numerical example: words 0001 f203 f4f5 f6f7 sum to
 * 2ddf0, which folds to ddf2; the checksum is its complement, 220d. */
START_TEST(test_csum_rfc1071_example)
{
    static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

    ck_assert_uint_eq(csum_compute(b, sizeof(b)), 0x220d);
    ck_assert_uint_eq((uint16_t)~csum_finish(csum_add(0, b, sizeof(b))), 0xddf2);
    /* in parts, as the RFC's byte-order discussion sums them */
    ck_assert_uint_eq(csum_finish(csum_add(csum_add(0, b, 4), b + 4, 4)), 0x220d);
    ck_assert_uint_eq(csum_finish(csum_add(csum_add(csum_add(0, b, 2), b + 2, 2), b + 4, 4)),
                      0x220d);
}
END_TEST

/* [RFC 1071 4.1] an odd last byte is padded with zero: 0102 + 0300 = 0402. */
START_TEST(test_csum_odd_length)
{
    static const uint8_t b[] = { 0x01, 0x02, 0x03 };

    ck_assert_uint_eq(csum_compute(b, 3), (uint16_t)~0x0402);
    ck_assert_uint_eq(csum_finish(csum_add(csum_add(0, b, 2), b + 2, 1)), (uint16_t)~0x0402);
    ck_assert_uint_eq(csum_compute(b, 1), (uint16_t)~0x0100);
    ck_assert_uint_eq(csum_compute(b, 0), 0xffff);
}
END_TEST

/* Long buffers carry out of 16 bits many times over; the sum must match the
 * fold-every-word reference, whole and split at every even point. */
START_TEST(test_csum_matches_reference_and_parts)
{
    size_t len = 200001, i, k;
    uint8_t *b = malloc(len);
    uint32_t x = 12345;

    ck_assert_ptr_nonnull(b);
    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)(x >> 16);
    }
    ck_assert_uint_eq(csum_compute(b, len), ref_csum(b, len));
    memset(b, 0xff, len);
    ck_assert_uint_eq(csum_compute(b, len - 1), ref_csum(b, len - 1));
    for (k = 0; k <= 64; k += 2)
        ck_assert_uint_eq(csum_finish(csum_add(csum_add(0, golden_tcp_data, k),
                                               golden_tcp_data + k,
                                               sizeof(golden_tcp_data) - k)),
                          ref_csum(golden_tcp_data, sizeof(golden_tcp_data)));
    free(b);
}
END_TEST

/* csum_add() sums eight bytes at a time as the machine loads them: it must
 * agree with the word-by-word definition for every length (odd ones
 * included) at every alignment of the start. */
START_TEST(test_csum_wide_sum_matches_reference_at_every_length_and_alignment)
{
    uint8_t buf[600];
    uint32_t x = 777;

    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t align = 0; align < 8; align++)
        for (size_t len = 0; len + align <= sizeof(buf); len++)
            ck_assert_uint_eq(csum_compute(buf + align, len), ref_csum(buf + align, len));
    /* Carries: all-ones words summed over a long buffer. */
    memset(buf, 0xff, sizeof(buf));
    for (size_t len = 0; len <= sizeof(buf); len += 7)
        ck_assert_uint_eq(csum_compute(buf, len), ref_csum(buf, len));
}
END_TEST

/* csum_copy() sums what it copies: the same sum as csum_add() at every
 * length and alignment, the bytes copied exactly, nothing written past them. */
START_TEST(test_csum_copy_sums_and_copies_exactly)
{
    uint8_t src[300], dst[320];
    uint32_t x = 4242;

    for (size_t i = 0; i < sizeof(src); i++) {
        x = x * 1103515245u + 12345u;
        src[i] = (uint8_t)(x >> 16);
    }
    for (size_t align = 0; align < 8; align++)
        for (size_t len = 0; len + align <= sizeof(src) - 8; len++) {
            memset(dst, 0xa5, sizeof(dst));
            uint32_t s = csum_copy(7, dst + align, src + align, len);
            ck_assert_uint_eq(s, csum_add(7, src + align, len));
            ck_assert_int_eq(memcmp(dst + align, src + align, len), 0);
            for (size_t i = 0; i < sizeof(dst); i++)
                if (i < align || i >= align + len)
                    ck_assert_uint_eq(dst[i], 0xa5);
        }
}
END_TEST

/* csum_add() and csum_copy() keep 32-bit lanes for a long stretch before
 * emptying them (a lane holds the whole 32-bit words and another their high
 * halves; the low halves are taken apart from the two at the end). Past
 * that stretch (256 KiB), and past where a lane that is never emptied
 * would overflow (2 MiB of 0xffff words), with every
 * word at its largest (0xffff, the worst case for the lanes) or with
 * pseudo-random bytes, the sums must still equal the word-by-word
 * definition, at an even and an odd start and an odd length. */
START_TEST(test_csum_long_buffers_keep_every_carry)
{
    enum { LONG = 2560 * 1024 };
    uint8_t *src = malloc(LONG + 8), *dst = malloc(LONG + 8);
    ck_assert_ptr_nonnull(src);
    ck_assert_ptr_nonnull(dst);
    for (int pattern = 0; pattern < 3; pattern++) {
        uint32_t x = 99;
        for (size_t i = 0; i < LONG + 8; i++) {
            x = x * 1103515245u + 12345u;
            src[i] = pattern == 0 ? 0xff : pattern == 1 ? (uint8_t)(x >> 16)
                                                        : (uint8_t)(i % 2 ? 0x01 : 0xff);
        }
        const size_t lens[] = { LONG, LONG - 1, 256 * 1024 + 64, 256 * 1024 + 1, 256 * 1024 - 2,
                                128 * 1024 + 32 };
        for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
            for (size_t align = 0; align < 2; align++) {
                uint16_t want = ref_csum(src + align, lens[k]);
                ck_assert_uint_eq(csum_compute(src + align, lens[k]), want);
                ck_assert_uint_eq(csum_finish(csum_copy(0, dst, src + align, lens[k])), want);
                ck_assert_int_eq(memcmp(dst, src + align, lens[k]), 0);
            }
    }
    free(src);
    free(dst);
}
END_TEST

/* A buffer summed in two parts split anywhere, odd offsets included (a ring
 * that wraps mid-word), gives the whole buffer's checksum through
 * csum_add_at(). */
START_TEST(test_csum_add_at_joins_parts_at_any_offset)
{
    for (size_t k = 0; k <= sizeof(golden_tcp_data); k++) {
        uint32_t first = csum_add(0, golden_tcp_data, k);
        uint32_t second = csum_add(0, golden_tcp_data + k, sizeof(golden_tcp_data) - k);
        ck_assert_uint_eq(csum_finish(csum_add_at(first, second, k)),
                          ref_csum(golden_tcp_data, sizeof(golden_tcp_data)));
    }
}
END_TEST

/* A header whose checksum field is right sums to zero. */
START_TEST(test_csum_verifies_to_zero)
{
    uint8_t b[20];

    memcpy(b, golden_icmp_echo + L3, 20);
    ck_assert_uint_eq(csum_compute(b, 20), 0);
    b[10] = b[11] = 0;
    ck_assert_uint_eq(csum_compute(b, 20), 0xb1d3);
}
END_TEST

/* [RFC 768] the pseudo-header is source, destination, zero, protocol,
 * length; its partial sum equals summing those 12 bytes, and with it
 * golden_udp's checksum comes out as on the wire (0x74a6). */
START_TEST(test_csum_pseudo_ipv4)
{
    static const uint8_t pseudo[12] = { 192, 0, 2, 1, 192, 0, 2, 2, 0, 17, 0, 13 };
    uint8_t dgram[13];
    uint32_t sum = csum_pseudo_ipv4(ADDR_A, ADDR_B, IPPROTO_UDP_, 13);

    ck_assert_uint_eq(csum_finish(sum), csum_compute(pseudo, sizeof(pseudo)));
    memcpy(dgram, golden_udp + L4, 13);
    ck_assert_uint_eq(csum_finish(csum_add(sum, dgram, 13)), 0);
    dgram[6] = dgram[7] = 0;
    ck_assert_uint_eq(csum_finish(csum_add(sum, dgram, 13)), 0x74a6);
    /* all-ones addresses: every word carries */
    ck_assert_uint_eq(csum_finish(csum_pseudo_ipv4(0xffffffffu, 0xffffffffu, 0xff, 0xffff)),
                      (uint16_t)~0x00ff);
}
END_TEST

/* ---- addresses ----------------------------------------------------------- */

START_TEST(test_ipv4_addr_str)
{
    char buf[IPV4_ADDR_STRLEN];

    ck_assert_str_eq(ipv4_addr_str(ADDR_A, buf), "192.0.2.1");
    ck_assert_str_eq(ipv4_addr_str(0, buf), "0.0.0.0");
    ck_assert_str_eq(ipv4_addr_str(IPV4_BROADCAST, buf), "255.255.255.255");
    ck_assert_str_eq(ipv4_addr_str(IPV4_ADDR(10, 20, 30, 40), buf), "10.20.30.40");
}
END_TEST

START_TEST(test_ipv4_addr_parse_good)
{
    uint32_t a = 0;

    ck_assert(ipv4_addr_parse("192.0.2.1", &a));
    ck_assert_uint_eq(a, ADDR_A);
    ck_assert(ipv4_addr_parse("0.0.0.0", &a));
    ck_assert_uint_eq(a, 0);
    ck_assert(ipv4_addr_parse("255.255.255.255", &a));
    ck_assert_uint_eq(a, IPV4_BROADCAST);
    ck_assert(ipv4_addr_parse("10.0.100.199", &a));
    ck_assert_uint_eq(a, IPV4_ADDR(10, 0, 100, 199));
}
END_TEST

START_TEST(test_ipv4_addr_parse_rejects)
{
    static const char *const bad[] = {
        "",            "1.2.3",      "1.2.3.4.5", "256.1.1.1",  "1.2.3.256",
        "x1.2.3.4",    " 1.2.3.4",   "1.2.3.4 ",  "1..2.3",     ".1.2.3",
        "1.2.3.",      "1.2.3.4.",   "01.2.3.4",  "1.2.3.04",   "1.2.3.00",
        "1234.1.1.1",  "+1.2.3.4",   "-1.2.3.4",  "0x1.2.3.4",  "1.2.3.4/24",
        "a.b.c.d",     "1.2.3.4x",   "1,2,3,4",   "999.999.999.999",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t a = 0xdeadbeef;

        ck_assert_msg(!ipv4_addr_parse(bad[i], &a), "accepted \"%s\"", bad[i]);
        ck_assert_uint_eq(a, 0xdeadbeef);  /* untouched on failure */
    }
    ck_assert(!ipv4_addr_parse(NULL, NULL));
}
END_TEST

START_TEST(test_ipv4_prefix_mask)
{
    ck_assert_uint_eq(ipv4_prefix_mask(0), 0);
    ck_assert_uint_eq(ipv4_prefix_mask(8), 0xff000000u);
    ck_assert_uint_eq(ipv4_prefix_mask(24), 0xffffff00u);
    ck_assert_uint_eq(ipv4_prefix_mask(32), 0xffffffffu);
}
END_TEST

START_TEST(test_mac_addr_str_and_parse)
{
    char buf[MAC_ADDR_STRLEN];
    uint8_t m[ETH_ALEN];
    static const uint8_t upper[ETH_ALEN] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

    ck_assert_str_eq(mac_addr_str(mac_a, buf), "02:00:00:00:00:01");
    ck_assert_str_eq(mac_addr_str(mac_bcast, buf), "ff:ff:ff:ff:ff:ff");
    ck_assert(mac_addr_parse("02:00:00:00:00:02", m));
    ck_assert_mem_eq(m, mac_b, ETH_ALEN);
    ck_assert(mac_addr_parse("AA:bb:Cc:DD:ee:FF", m));
    ck_assert_mem_eq(m, upper, ETH_ALEN);
}
END_TEST

START_TEST(test_mac_addr_parse_rejects)
{
    static const char *const bad[] = {
        "",
        "02:00:00:00:00",
        "02:00:00:00:00:01:02",
        "2:0:0:0:0:1",
        "02-00-00-00-00-01",
        "02:00:00:00:00:0g",
        "02:00:00:00:00:012",
        "02:00:00:00:00:01 ",
        " 02:00:00:00:00:01",
        "0200.0000.0001",
        "02:00:00:00:00:",
        "02::00:00:00:00:01",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t m[ETH_ALEN] = { 9, 9, 9, 9, 9, 9 };
        static const uint8_t nine[ETH_ALEN] = { 9, 9, 9, 9, 9, 9 };

        ck_assert_msg(!mac_addr_parse(bad[i], m), "accepted \"%s\"", bad[i]);
        ck_assert_mem_eq(m, nine, ETH_ALEN);
    }
    ck_assert(!mac_addr_parse(NULL, NULL));
}
END_TEST

START_TEST(test_mac_predicates)
{
    static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

    ck_assert(mac_is_broadcast(mac_bcast));
    ck_assert(!mac_is_broadcast(mac_a));
    ck_assert(!mac_is_broadcast(mcast));
    ck_assert(mac_is_multicast(mcast));
    ck_assert(mac_is_multicast(mac_bcast));  /* broadcast is a group address */
    ck_assert(!mac_is_multicast(mac_a));
    ck_assert(mac_is_zero(mac_zero));
    ck_assert(!mac_is_zero(mac_a));
}
END_TEST

/* ---- Ethernet ------------------------------------------------------------ */

START_TEST(test_eth_parse_golden)
{
    struct eth_hdr eth;

    ck_assert_int_eq(eth_parse(golden_arp_request, sizeof(golden_arp_request), &eth),
                     DROP_NONE);
    ck_assert_mem_eq(eth.dst, mac_bcast, ETH_ALEN);
    ck_assert_mem_eq(eth.src, mac_a, ETH_ALEN);
    ck_assert_uint_eq(eth.type, ETHERTYPE_ARP);
    ck_assert_int_eq(eth_parse(golden_udp, sizeof(golden_udp), &eth), DROP_NONE);
    ck_assert_uint_eq(eth.type, ETHERTYPE_IPV4);
    ck_assert_uint_eq(eth_hdr_len(&eth), 14);
}
END_TEST

START_TEST(test_eth_emit_golden)
{
    uint8_t f[ETH_HDR_LEN];

    ck_assert_uint_eq(put_eth(f, mac_bcast, mac_a, ETHERTYPE_ARP), ETH_HDR_LEN);
    ck_assert_mem_eq(f, golden_arp_request, ETH_HDR_LEN);
    put_eth(f, mac_b, mac_a, ETHERTYPE_IPV4);
    ck_assert_mem_eq(f, golden_udp, ETH_HDR_LEN);
}
END_TEST

START_TEST(test_eth_drops)
{
    struct eth_hdr eth;
    uint8_t f[ETH_HDR_LEN];
    size_t len;

    for (len = 0; len < ETH_HDR_LEN; len++) {
        uint8_t *b = copy_exact(golden_udp, len);

        ck_assert_int_eq(eth_parse(b, len, &eth), DROP_ETH_TRUNCATED);
        free(b);
    }
    /* [IEEE 802.3 3.2.6] 1500 is a length, 1536 (0x0600) the first type */
    put_eth(f, mac_b, mac_a, 1500);
    ck_assert_int_eq(eth_parse(f, sizeof(f), &eth), DROP_ETH_UNKNOWN_TYPE);
    put_eth(f, mac_b, mac_a, 0x05ff);
    ck_assert_int_eq(eth_parse(f, sizeof(f), &eth), DROP_ETH_UNKNOWN_TYPE);
    put_eth(f, mac_b, mac_a, 0x0600);
    ck_assert_int_eq(eth_parse(f, sizeof(f), &eth), DROP_NONE);
}
END_TEST

START_TEST(test_eth_describe)
{
    struct eth_hdr eth;
    char buf[128];

    eth_parse(golden_arp_request, sizeof(golden_arp_request), &eth);
    eth_describe(&eth, buf, sizeof(buf));
    ck_assert_str_eq(buf, "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806)");
    eth_parse(golden_udp, sizeof(golden_udp), &eth);
    eth_describe(&eth, buf, sizeof(buf));
    ck_assert_str_eq(buf, "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800)");
    eth.type = 0x1234;
    eth_describe(&eth, buf, sizeof(buf));
    ck_assert_str_eq(buf,
                     "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x1234)");
    ck_assert_str_eq(ethertype_name(ETHERTYPE_IPV4), "IPv4");
    ck_assert_str_eq(ethertype_name(ETHERTYPE_ARP), "ARP");
    ck_assert_ptr_null(ethertype_name(0x1234));
}
END_TEST

/* ---- ARP ----------------------------------------------------------------- */

static struct arp_hdr
arp_of(uint16_t op, const uint8_t sha[ETH_ALEN], uint32_t spa, const uint8_t tha[ETH_ALEN],
       uint32_t tpa)
{
    struct arp_hdr a;

    a.htype = ARP_HTYPE_ETH;
    a.ptype = ETHERTYPE_IPV4;
    a.hlen = ETH_ALEN;
    a.plen = 4;
    a.op = op;
    memcpy(a.sha, sha, ETH_ALEN);
    a.spa = spa;
    memcpy(a.tha, tha, ETH_ALEN);
    a.tpa = tpa;
    return a;
}

START_TEST(test_arp_parse_golden)
{
    struct arp_hdr a;

    ck_assert_int_eq(arp_parse(golden_arp_request + L3, ARP_LEN, &a), DROP_NONE);
    ck_assert_uint_eq(a.htype, ARP_HTYPE_ETH);
    ck_assert_uint_eq(a.ptype, ETHERTYPE_IPV4);
    ck_assert_uint_eq(a.hlen, 6);
    ck_assert_uint_eq(a.plen, 4);
    ck_assert_uint_eq(a.op, ARP_OP_REQUEST);
    ck_assert_mem_eq(a.sha, mac_a, ETH_ALEN);
    ck_assert_uint_eq(a.spa, ADDR_A);
    ck_assert_mem_eq(a.tha, mac_zero, ETH_ALEN);
    ck_assert_uint_eq(a.tpa, ADDR_B);
    ck_assert_int_eq(arp_parse(golden_arp_reply + L3, ARP_LEN, &a), DROP_NONE);
    ck_assert_uint_eq(a.op, ARP_OP_REPLY);
    ck_assert_mem_eq(a.sha, mac_b, ETH_ALEN);
    ck_assert_uint_eq(a.spa, ADDR_B);
    ck_assert_mem_eq(a.tha, mac_a, ETH_ALEN);
    ck_assert_uint_eq(a.tpa, ADDR_A);
    /* Ethernet padding after the 28 bytes is not ARP's business */
    {
        uint8_t padded[46] = { 0 };

        memcpy(padded, golden_arp_request + L3, ARP_LEN);
        ck_assert_int_eq(arp_parse(padded, sizeof(padded), &a), DROP_NONE);
    }
}
END_TEST

START_TEST(test_arp_emit_golden)
{
    struct arp_hdr a = arp_of(ARP_OP_REQUEST, mac_a, ADDR_A, mac_zero, ADDR_B);
    uint8_t b[ARP_LEN];

    arp_emit(&a, b);
    ck_assert_mem_eq(b, golden_arp_request + L3, ARP_LEN);
    ck_assert_uint_eq(arp_hdr_len(&a), ARP_LEN);
    a = arp_of(ARP_OP_REPLY, mac_b, ADDR_B, mac_a, ADDR_A);
    arp_emit(&a, b);
    ck_assert_mem_eq(b, golden_arp_reply + L3, ARP_LEN);
}
END_TEST

START_TEST(test_arp_drops)
{
    struct arp_hdr a;
    uint8_t b[ARP_LEN];
    size_t len;

    for (len = 0; len < ARP_LEN; len++) {
        uint8_t *p = copy_exact(golden_arp_request + L3, len);

        ck_assert_int_eq(arp_parse(p, len, &a), DROP_ARP_TRUNCATED);
        free(p);
    }
    memcpy(b, golden_arp_request + L3, ARP_LEN);
    b[1] = 6;  /* hardware type 6: IEEE 802 */
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_HW);
    memcpy(b, golden_arp_request + L3, ARP_LEN);
    b[4] = 8;  /* hardware address length 8 */
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_HW);
    memcpy(b, golden_arp_request + L3, ARP_LEN);
    be16_put(b + 2, 0x86dd);  /* protocol IPv6 */
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_PROTO);
    memcpy(b, golden_arp_request + L3, ARP_LEN);
    b[5] = 16;  /* protocol address length 16 */
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_PROTO);
    memcpy(b, golden_arp_request + L3, ARP_LEN);
    be16_put(b + 6, 0);
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_OP);
    be16_put(b + 6, 3);  /* RARP request [RFC 903] */
    ck_assert_int_eq(arp_parse(b, ARP_LEN, &a), DROP_ARP_BAD_OP);
}
END_TEST

START_TEST(test_arp_describe)
{
    struct arp_hdr a = arp_of(ARP_OP_REQUEST, mac_a, ADDR_A, mac_zero, ADDR_B);
    char buf[128];
    int r;

    r = arp_describe(&a, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Request who-has 192.0.2.2 tell 192.0.2.1");
    ck_assert_int_eq(r, (int)strlen(buf));
    a = arp_of(ARP_OP_REQUEST, mac_a, ADDR_A, mac_b, ADDR_B);
    arp_describe(&a, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Request who-has 192.0.2.2 (02:00:00:00:00:02) tell 192.0.2.1");
    a = arp_of(ARP_OP_REPLY, mac_b, ADDR_B, mac_a, ADDR_A);
    arp_describe(&a, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Reply 192.0.2.2 is-at 02:00:00:00:00:02");
    /* gratuitous: tcpdump 4.99.3 prints it as any request */
    a = arp_of(ARP_OP_REQUEST, mac_a, ADDR_A, mac_zero, ADDR_A);
    arp_describe(&a, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Request who-has 192.0.2.1 tell 192.0.2.1");
}
END_TEST

/* ---- IPv4 ---------------------------------------------------------------- */

START_TEST(test_ipv4_parse_golden)
{
    struct ipv4_hdr ip;

    ck_assert_int_eq(ipv4_parse(golden_icmp_echo + L3, sizeof(golden_icmp_echo) - L3, &ip),
                     DROP_NONE);
    ck_assert_uint_eq(ip.ihl, 20);
    ck_assert_uint_eq(ip.tos, 0);
    ck_assert_uint_eq(ip.total_len, 84);
    ck_assert_uint_eq(ip.id, 1234);
    ck_assert(ip.df);
    ck_assert(!ip.mf);
    ck_assert_uint_eq(ip.frag_off, 0);
    ck_assert_uint_eq(ip.ttl, 64);
    ck_assert_uint_eq(ip.proto, IPPROTO_ICMP_);
    ck_assert_uint_eq(ip.csum, 0xb1d3);
    ck_assert_uint_eq(ip.src, ADDR_A);
    ck_assert_uint_eq(ip.dst, ADDR_B);
    ck_assert_uint_eq(ip.opt_len, 0);
    ck_assert_uint_eq(ipv4_hdr_len(&ip), 20);
}
END_TEST

START_TEST(test_ipv4_parse_golden_options)
{
    static const uint8_t opts[12] = { 1, 7, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0 };
    struct ipv4_hdr ip;

    ck_assert_int_eq(ipv4_parse(golden_ipv4_opts + L3, sizeof(golden_ipv4_opts) - L3, &ip),
                     DROP_NONE);
    ck_assert_uint_eq(ip.ihl, 32);
    ck_assert_uint_eq(ip.opt_len, 12);
    ck_assert_mem_eq(ip.options, opts, 12);
    ck_assert_uint_eq(ip.total_len, 42);
    ck_assert_uint_eq(ip.proto, IPPROTO_UDP_);
}
END_TEST

START_TEST(test_ipv4_emit_golden)
{
    struct ipv4_hdr ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_ICMP_, 1234);
    uint8_t b[IPV4_HDR_MAX];

    ip.total_len = 84;
    ipv4_emit(&ip, b);
    ck_assert_mem_eq(b, golden_icmp_echo + L3, 20);
    /* with options, IHL taken from opt_len */
    ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 0x04d6);
    ip.total_len = 42;
    ip.opt_len = 12;
    memcpy(ip.options, golden_ipv4_opts + L3 + 20, 12);
    ck_assert_uint_eq(ipv4_hdr_len(&ip), 32);
    ipv4_emit(&ip, b);
    ck_assert_mem_eq(b, golden_ipv4_opts + L3, 32);
    /* B -> A, no DF: the quoted-back header of golden_icmp_unreach */
    ip = ip_hdr(ADDR_B, ADDR_A, IPPROTO_ICMP_, 7);
    ip.df = false;
    ip.total_len = 56;
    ipv4_emit(&ip, b);
    ck_assert_mem_eq(b, golden_icmp_unreach + L3, 20);
}
END_TEST

START_TEST(test_ipv4_emit_pads_options)
{
    struct ipv4_hdr ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), got;
    uint8_t b[IPV4_HDR_MAX + 8];

    /* a 3-byte option list (NOP NOP NOP) pads to a 4-byte word with EOL */
    ip.opt_len = 3;
    memset(ip.options, 1, 3);
    ip.total_len = 24;
    ck_assert_uint_eq(ipv4_hdr_len(&ip), 24);
    memset(b, 0xaa, sizeof(b));
    ipv4_emit(&ip, b);
    ck_assert_uint_eq(b[0], 0x46);
    ck_assert_uint_eq(b[23], 0);
    ck_assert_uint_eq(b[24], 0xaa);  /* nothing past the header */
    ck_assert_int_eq(ipv4_parse(b, 24, &got), DROP_NONE);
    /* an explicit ihl wins */
    ip.ihl = 28;
    ip.total_len = 28;
    ipv4_emit(&ip, b);
    ck_assert_uint_eq(b[0], 0x47);
    ck_assert_int_eq(ipv4_parse(b, 28, &got), DROP_NONE);
    ck_assert_uint_eq(got.opt_len, 8);
}
END_TEST

START_TEST(test_ipv4_round_trip_fragment)
{
    struct ipv4_hdr ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 0xbeef), got;
    uint8_t b[40] = { 0 };

    ip.df = false;
    ip.mf = true;
    ip.frag_off = 1480;
    ip.tos = 0x10;
    ip.ttl = 1;
    ip.total_len = 40;
    ipv4_emit(&ip, b);
    ck_assert_uint_eq(be16_get(b + IPV4_OFF_FRAG), 0x2000 | 185);
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_NONE);
    ck_assert(got.mf);
    ck_assert(!got.df);
    ck_assert_uint_eq(got.frag_off, 1480);
    ck_assert_uint_eq(got.tos, 0x10);
    ck_assert_uint_eq(got.ttl, 1);
    ck_assert_uint_eq(got.id, 0xbeef);
}
END_TEST

START_TEST(test_ipv4_drops_truncated)
{
    const uint8_t *ip = golden_icmp_echo + L3;
    size_t full = sizeof(golden_icmp_echo) - L3;
    struct ipv4_hdr h, got;
    uint8_t b[IPV4_HDR_MAX];
    size_t len;

    /* every cut, inside the header and inside the payload total_len claims */
    for (len = 0; len < full; len++) {
        uint8_t *p = copy_exact(ip, len);

        ck_assert_int_eq(ipv4_parse(p, len, &got), DROP_IPV4_TRUNCATED);
        free(p);
    }
    /* the header (IHL 60) runs past the 40 bytes that arrived */
    h = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);
    h.opt_len = 40;
    memset(h.options, 1, 40);
    h.total_len = 60;
    ipv4_emit(&h, b);
    ck_assert_int_eq(ipv4_parse(b, 40, &got), DROP_IPV4_TRUNCATED);
    ck_assert_int_eq(ipv4_parse(b, 60, &got), DROP_NONE);
    /* total length shorter than the header */
    h = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);
    h.total_len = 19;
    ipv4_emit(&h, b);
    ck_assert_int_eq(ipv4_parse(b, 20, &got), DROP_IPV4_TRUNCATED);
    h.total_len = 20;
    ipv4_emit(&h, b);
    ck_assert_int_eq(ipv4_parse(b, 20, &got), DROP_NONE);
    /* link padding past total_len is fine */
    {
        uint8_t padded[100] = { 0 };

        memcpy(padded, ip, full);
        ck_assert_int_eq(ipv4_parse(padded, sizeof(padded), &got), DROP_NONE);
        ck_assert_uint_eq(got.total_len, 84);
    }
}
END_TEST

START_TEST(test_ipv4_drops_version_and_ihl)
{
    uint8_t b[84];
    struct ipv4_hdr got;

    memcpy(b, golden_icmp_echo + L3, sizeof(b));
    b[0] = 0x65;  /* version 6 */
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_IPV4_BAD_VERSION);
    b[0] = 0x05;  /* version 0 */
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_IPV4_BAD_VERSION);
    b[0] = 0x44;  /* IHL 4 words: 16 bytes */
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_IPV4_BAD_IHL);
    b[0] = 0x40;
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_IPV4_BAD_IHL);
}
END_TEST

/* [RFC 791 3.1] option lengths count type and length octets and must stay
 * inside the header; EOL ends the list, NOP is one octet. */
START_TEST(test_ipv4_options_walk)
{
    static const struct {
        uint8_t opt[4];
        enum drop_reason want;
    } cases[] = {
        { { 0x07, 0x00, 0x00, 0x00 }, DROP_IPV4_BAD_OPTIONS },  /* length 0 */
        { { 0x07, 0x01, 0x00, 0x00 }, DROP_IPV4_BAD_OPTIONS },  /* length 1 */
        { { 0x07, 0x05, 0x04, 0x00 }, DROP_IPV4_BAD_OPTIONS },  /* runs past */
        { { 0x01, 0x01, 0x07, 0x03 }, DROP_IPV4_BAD_OPTIONS },  /* 3 > 2 left */
        { { 0x01, 0x01, 0x01, 0x07 }, DROP_IPV4_BAD_OPTIONS },  /* no length octet */
        { { 0x01, 0x01, 0x01, 0x01 }, DROP_NONE },              /* NOPs only */
        { { 0x00, 0x07, 0x00, 0x00 }, DROP_NONE },              /* EOL ends: rest ignored */
        { { 0x94, 0x04, 0x00, 0x00 }, DROP_NONE },              /* Router Alert [RFC 2113] */
        { { 0x01, 0x07, 0x03, 0x04 }, DROP_NONE },              /* RR, exactly fits */
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ipv4_hdr ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), got;
        uint8_t b[24];

        ip.opt_len = 4;
        memcpy(ip.options, cases[i].opt, 4);
        ip.total_len = 24;
        ipv4_emit(&ip, b);
        ck_assert_msg(ipv4_parse(b, sizeof(b), &got) == cases[i].want, "case %zu", i);
    }
}
END_TEST

START_TEST(test_ipv4_drops_bad_csum)
{
    uint8_t b[84];
    struct ipv4_hdr got;

    memcpy(b, golden_icmp_echo + L3, sizeof(b));
    b[8] = 63;  /* TTL changed without fixing the checksum */
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_IPV4_BAD_CSUM);
    /* every field is still decoded, for the describer */
    ck_assert_uint_eq(got.ttl, 63);
    ck_assert_uint_eq(got.src, ADDR_A);
    ck_assert_uint_eq(got.total_len, 84);
    memcpy(b, golden_icmp_echo + L3, sizeof(b));
    b[11] ^= 0x01;
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_IPV4_BAD_CSUM);
    /* the payload is not covered */
    memcpy(b, golden_icmp_echo + L3, sizeof(b));
    b[40] ^= 0xff;
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &got), DROP_NONE);
}
END_TEST

START_TEST(test_ipv4_describe)
{
    struct ipv4_hdr ip;
    char buf[160];
    int r;

    ipv4_parse(golden_icmp_echo + L3, 84, &ip);
    r = ipv4_describe(&ip, buf, sizeof(buf));
    ck_assert_str_eq(buf, "192.0.2.1 > 192.0.2.2: proto ICMP (1), ttl 64, id 1234, "
                          "flags [DF], length 84");
    ck_assert_int_eq(r, (int)strlen(buf));
    ipv4_parse(golden_icmp_unreach + L3, 56, &ip);
    ipv4_describe(&ip, buf, sizeof(buf));
    ck_assert_str_eq(buf, "192.0.2.2 > 192.0.2.1: proto ICMP (1), ttl 64, id 7, length 56");
    ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);
    ip.df = false;
    ip.mf = true;
    ip.frag_off = 1480;
    ip.total_len = 1500;
    ipv4_describe(&ip, buf, sizeof(buf));
    ck_assert_str_eq(buf, "192.0.2.1 > 192.0.2.2: proto UDP (17), ttl 64, id 1, "
                          "offset 1480, flags [+], length 1500");
    ip.proto = 99;
    ip.mf = false;
    ip.tos = 0x10;
    ipv4_describe(&ip, buf, sizeof(buf));
    ck_assert_str_eq(buf, "192.0.2.1 > 192.0.2.2: proto unknown (99), tos 0x10, ttl 64, "
                          "id 1, offset 1480, length 1500");
    ck_assert_str_eq(ipproto_name(IPPROTO_TCP_), "TCP");
    ck_assert_str_eq(ipproto_name(IPPROTO_UDP_), "UDP");
    ck_assert_str_eq(ipproto_name(IPPROTO_ICMP_), "ICMP");
    ck_assert_ptr_null(ipproto_name(99));
}
END_TEST

/* ---- ICMP ---------------------------------------------------------------- */

START_TEST(test_icmp_parse_golden)
{
    struct icmp_hdr ic;

    ck_assert_int_eq(icmp_parse(golden_icmp_echo + L4, 64, &ic), DROP_NONE);
    ck_assert_uint_eq(ic.type, ICMP_ECHO_REQUEST);
    ck_assert_uint_eq(ic.code, 0);
    ck_assert_uint_eq(ic.csum, 0x00eb);
    ck_assert_uint_eq(ic.id, 1);
    ck_assert_uint_eq(ic.seq, 1);
    ck_assert_uint_eq(ic.rest, 0x00010001);
    ck_assert_uint_eq(ic.body_len, 56);
    ck_assert_uint_eq(icmp_hdr_len(&ic), 8);
    ck_assert_int_eq(icmp_parse(golden_icmp_unreach + L4, 36, &ic), DROP_NONE);
    ck_assert_uint_eq(ic.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(ic.code, ICMP_UNREACH_PORT);
    ck_assert_uint_eq(ic.body_len, 28);
    ck_assert_uint_eq(ic.rest, 0);
    ck_assert_uint_eq(ic.id, 0);  /* not an echo */
}
END_TEST

START_TEST(test_icmp_emit_golden)
{
    struct icmp_hdr ic;
    uint8_t b[64];

    memset(&ic, 0, sizeof(ic));
    ic.type = ICMP_ECHO_REQUEST;
    ic.id = 1;
    ic.seq = 1;
    memcpy(b + 8, golden_icmp_echo + L4 + 8, 56);
    icmp_emit(&ic, b, 64);
    ck_assert_mem_eq(b, golden_icmp_echo + L4, 64);
    memset(&ic, 0, sizeof(ic));
    ic.type = ICMP_DEST_UNREACH;
    ic.code = ICMP_UNREACH_PORT;
    memcpy(b + 8, golden_icmp_unreach + L4 + 8, 28);
    icmp_emit(&ic, b, 36);
    ck_assert_mem_eq(b, golden_icmp_unreach + L4, 36);
}
END_TEST

START_TEST(test_icmp_round_trip_needfrag_and_odd)
{
    struct icmp_hdr ic, got;
    uint8_t b[64] = { 0 };

    /* [RFC 1191 4] next-hop MTU in the low half of the second word */
    memset(&ic, 0, sizeof(ic));
    ic.type = ICMP_DEST_UNREACH;
    ic.code = ICMP_UNREACH_NEEDFRAG;
    ic.mtu = 1400;
    icmp_emit(&ic, b, 36);
    ck_assert_uint_eq(be32_get(b + 4), 1400);
    ck_assert_int_eq(icmp_parse(b, 36, &got), DROP_NONE);
    ck_assert_uint_eq(got.mtu, 1400);
    /* an echo with an odd-length body */
    memset(&ic, 0, sizeof(ic));
    ic.type = ICMP_ECHO_REPLY;
    ic.id = 0xabcd;
    ic.seq = 0x1234;
    memset(b + 8, 0x5a, 9);
    icmp_emit(&ic, b, 17);
    ck_assert_int_eq(icmp_parse(b, 17, &got), DROP_NONE);
    ck_assert_uint_eq(got.id, 0xabcd);
    ck_assert_uint_eq(got.seq, 0x1234);
    ck_assert_uint_eq(got.body_len, 9);
    ck_assert_uint_eq(csum_compute(b, 17), 0);
}
END_TEST

START_TEST(test_icmp_drops)
{
    struct icmp_hdr ic;
    uint8_t b[64];
    size_t len;

    for (len = 0; len < ICMP_HDR_LEN; len++) {
        uint8_t *p = copy_exact(golden_icmp_echo + L4, len);

        ck_assert_int_eq(icmp_parse(p, len, &ic), DROP_ICMP_TRUNCATED);
        free(p);
    }
    memcpy(b, golden_icmp_echo + L4, 64);
    b[63] ^= 0x01;  /* the checksum covers the body too */
    ck_assert_int_eq(icmp_parse(b, 64, &ic), DROP_ICMP_BAD_CSUM);
    ck_assert_uint_eq(ic.seq, 1);  /* still decoded */
    /* a message cut short fails its checksum */
    ck_assert_int_eq(icmp_parse(golden_icmp_echo + L4, 60, &ic), DROP_ICMP_BAD_CSUM);
}
END_TEST

START_TEST(test_icmp_describe)
{
    struct icmp_hdr ic;
    char buf[128];

    icmp_parse(golden_icmp_echo + L4, 64, &ic);
    icmp_describe(&ic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ICMP echo request, id 1, seq 1, length 64");
    ic.type = ICMP_ECHO_REPLY;
    icmp_describe(&ic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ICMP echo reply, id 1, seq 1, length 64");
    icmp_parse(golden_icmp_unreach + L4, 36, &ic);
    icmp_describe(&ic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ICMP port unreachable, length 36");
    ic.code = ICMP_UNREACH_NEEDFRAG;
    ic.mtu = 1400;
    icmp_describe(&ic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ICMP unreachable - need to frag (mtu 1400), length 36");
    ic.type = ICMP_TIME_EXCEEDED;
    ic.code = ICMP_EXC_TTL;
    icmp_describe(&ic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ICMP time exceeded in-transit, length 36");
    ic.type = 42;
    ic.body_len = 0;
    icmp_describe(&ic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ICMP type-#42, length 8");
    ck_assert_str_eq(icmp_type_name(ICMP_DEST_UNREACH, ICMP_UNREACH_HOST), "host unreachable");
    ck_assert_str_eq(icmp_type_name(ICMP_ECHO_REQUEST, 0), "echo request");
    ck_assert_str_eq(icmp_type_name(ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME),
                     "ip reassembly time exceeded");
    ck_assert_ptr_nonnull(icmp_type_name(200, 200));
}
END_TEST

/* ---- UDP ----------------------------------------------------------------- */

START_TEST(test_udp_parse_golden)
{
    struct udp_hdr u;

    ck_assert_int_eq(udp_parse(golden_udp + L4, 13, ADDR_A, ADDR_B, &u), DROP_NONE);
    ck_assert_uint_eq(u.sport, 50000);
    ck_assert_uint_eq(u.dport, 7);
    ck_assert_uint_eq(u.len, 13);
    ck_assert_uint_eq(u.csum, 0x74a6);
    ck_assert_uint_eq(udp_hdr_len(&u), 8);
    /* with IP options in front, the same datagram shape */
    ck_assert_int_eq(udp_parse(golden_ipv4_opts + L3 + 32, 10, ADDR_A, ADDR_B, &u),
                     DROP_NONE);
    ck_assert_uint_eq(u.len, 10);
}
END_TEST

START_TEST(test_udp_emit_golden)
{
    uint8_t b[13];

    ck_assert_uint_eq(put_udp(b, ADDR_A, ADDR_B, 50000, 7, "hello", 5), 13);
    ck_assert_mem_eq(b, golden_udp + L4, 13);
}
END_TEST

/* [RFC 768] a computed checksum of zero goes out as 0xffff, and verifies. */
START_TEST(test_udp_zero_csum_sent_as_ffff)
{
    uint8_t b[10] = { 0 };
    uint8_t word[2];
    struct udp_hdr u;

    put_udp(b, ADDR_A, ADDR_B, 1000, 2000, "\0\0", 2);
    /* a payload word equal to that checksum makes the sum 0xffff: the
     * computed checksum becomes zero */
    memcpy(word, b + 6, 2);
    put_udp(b, ADDR_A, ADDR_B, 1000, 2000, word, 2);
    ck_assert_uint_eq(be16_get(b + 6), 0xffff);
    ck_assert_int_eq(udp_parse(b, 10, ADDR_A, ADDR_B, &u), DROP_NONE);
}
END_TEST

START_TEST(test_udp_drops)
{
    struct udp_hdr u;
    uint8_t b[13];
    size_t len;

    for (len = 0; len < UDP_HDR_LEN; len++) {
        uint8_t *p = copy_exact(golden_udp + L4, len);

        ck_assert_int_eq(udp_parse(p, len, ADDR_A, ADDR_B, &u), DROP_UDP_TRUNCATED);
        free(p);
    }
    for (len = UDP_HDR_LEN; len < 13; len++)  /* length field 13 past what arrived */
        ck_assert_int_eq(udp_parse(golden_udp + L4, len, ADDR_A, ADDR_B, &u),
                         DROP_UDP_TRUNCATED);
    for (len = 0; len < UDP_HDR_LEN; len++) {
        memcpy(b, golden_udp + L4, 13);
        be16_put(b + 4, (uint16_t)len);
        ck_assert_int_eq(udp_parse(b, 13, ADDR_A, ADDR_B, &u), DROP_UDP_BAD_LEN);
    }
    memcpy(b, golden_udp + L4, 13);
    b[12] ^= 0x20;  /* "hellO" */
    ck_assert_int_eq(udp_parse(b, 13, ADDR_A, ADDR_B, &u), DROP_UDP_BAD_CSUM);
    /* the pseudo-header is covered: same bytes, other destination */
    ck_assert_int_eq(udp_parse(golden_udp + L4, 13, ADDR_A, IPV4_ADDR(192, 0, 2, 3), &u),
                     DROP_UDP_BAD_CSUM);
    /* checksum 0: none was computed, so anything goes [RFC 768] */
    be16_put(b + 6, 0);
    ck_assert_int_eq(udp_parse(b, 13, ADDR_A, ADDR_B, &u), DROP_NONE);
}
END_TEST

/* Bytes after the UDP length (IP payload longer than the datagram) are not
 * summed. */
START_TEST(test_udp_ignores_trailing_bytes)
{
    uint8_t b[20];
    struct udp_hdr u;

    memcpy(b, golden_udp + L4, 13);
    memset(b + 13, 0x77, 7);
    ck_assert_int_eq(udp_parse(b, sizeof(b), ADDR_A, ADDR_B, &u), DROP_NONE);
    ck_assert_uint_eq(u.len, 13);
}
END_TEST

START_TEST(test_udp_describe)
{
    struct udp_hdr u = { 49152, 7, 13, 0 };
    char buf[64];
    int r;

    r = udp_describe(&u, buf, sizeof(buf));
    ck_assert_str_eq(buf, "49152 > 7: UDP, length 5");
    ck_assert_int_eq(r, (int)strlen(buf));
    u.len = 8;
    udp_describe(&u, buf, sizeof(buf));
    ck_assert_str_eq(buf, "49152 > 7: UDP, length 0");
}
END_TEST

/* ---- TCP ----------------------------------------------------------------- */

START_TEST(test_tcp_parse_golden)
{
    struct tcp_hdr t;
    const uint8_t *seg = golden_tcp_data + L4;

    ck_assert_int_eq(tcp_parse(golden_tcp_syn + L4, 40, ADDR_A, ADDR_B, &t), DROP_NONE);
    ck_assert_uint_eq(t.sport, 50000);
    ck_assert_uint_eq(t.dport, 7);
    ck_assert_uint_eq(t.seq, 1000);
    ck_assert_uint_eq(t.ack, 0);
    ck_assert_uint_eq(t.data_off, 40);
    ck_assert_uint_eq(t.flags, TCP_SYN);
    ck_assert_uint_eq(t.wnd, 65535);
    ck_assert_uint_eq(t.csum, 0xfc58);
    ck_assert_uint_eq(t.urp, 0);
    ck_assert(t.opts.has_mss);
    ck_assert_uint_eq(t.opts.mss, 1460);
    ck_assert(t.opts.sack_permitted);
    ck_assert(t.opts.has_ts);
    ck_assert_uint_eq(t.opts.ts_val, 100);
    ck_assert_uint_eq(t.opts.ts_ecr, 0);
    ck_assert(t.opts.has_wscale);
    ck_assert_uint_eq(t.opts.wscale, 7);
    ck_assert_uint_eq(t.opts.sack_count, 0);

    ck_assert_int_eq(tcp_parse(golden_tcp_synack + L4, 40, ADDR_B, ADDR_A, &t), DROP_NONE);
    ck_assert_uint_eq(t.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(t.seq, 5000);
    ck_assert_uint_eq(t.ack, 1001);
    ck_assert_uint_eq(t.opts.ts_val, 300);
    ck_assert_uint_eq(t.opts.ts_ecr, 100);

    ck_assert_int_eq(tcp_parse(seg, 63, ADDR_A, ADDR_B, &t), DROP_NONE);
    ck_assert_uint_eq(t.flags, TCP_PSH | TCP_ACK);
    ck_assert_uint_eq(t.data_off, 52);
    ck_assert(!t.opts.has_mss);
    ck_assert(!t.opts.has_wscale);
    ck_assert(!t.opts.sack_permitted);
    ck_assert(t.opts.has_ts);
    ck_assert_uint_eq(t.opts.ts_val, 101);
    ck_assert_uint_eq(t.opts.ts_ecr, 300);
    ck_assert_uint_eq(t.opts.sack_count, 2);
    ck_assert_uint_eq(t.opts.sack[0].left, 6000);
    ck_assert_uint_eq(t.opts.sack[0].right, 6100);
    ck_assert_uint_eq(t.opts.sack[1].left, 6200);
    ck_assert_uint_eq(t.opts.sack[1].right, 6300);
    ck_assert_mem_eq(seg + t.data_off, "hello world", 11);
}
END_TEST

START_TEST(test_tcp_emit_golden_frames)
{
    uint8_t seg[TCP_HDR_MAX + 16], f[128];
    struct tcp_hdr t = syn_hdr();
    size_t n;

    n = put_tcp(seg, &t, NULL, 0, ADDR_A, ADDR_B);
    ck_assert_uint_eq(n, 40);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 0x04d4), seg, n);
    ck_assert_uint_eq(n, sizeof(golden_tcp_syn));
    ck_assert_mem_eq(f, golden_tcp_syn, n);

    t.sport = 7;
    t.dport = 50000;
    t.seq = 5000;
    t.ack = 1001;
    t.flags = TCP_SYN | TCP_ACK;
    t.wnd = 65160;
    t.opts.ts_val = 300;
    t.opts.ts_ecr = 100;
    n = put_tcp(seg, &t, NULL, 0, ADDR_B, ADDR_A);
    n = put_ipv4_frame(f, ip_hdr(ADDR_B, ADDR_A, IPPROTO_TCP_, 0), seg, n);
    ck_assert_uint_eq(n, sizeof(golden_tcp_synack));
    ck_assert_mem_eq(f, golden_tcp_synack, n);

    t = ack_hdr();
    t.flags = TCP_PSH | TCP_ACK;
    t.opts.has_ts = true;
    t.opts.ts_val = 101;
    t.opts.ts_ecr = 300;
    t.opts.sack_count = 2;
    t.opts.sack[0].left = 6000;
    t.opts.sack[0].right = 6100;
    t.opts.sack[1].left = 6200;
    t.opts.sack[1].right = 6300;
    t.data_off = 99;  /* ignored by tcp_emit */
    ck_assert_uint_eq(tcp_opts_len(&t.opts), 32);
    ck_assert_uint_eq(tcp_hdr_len(&t), 52);
    n = put_tcp(seg, &t, "hello world", 11, ADDR_A, ADDR_B);
    ck_assert_uint_eq(n, 63);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 0x04d5), seg, n);
    ck_assert_uint_eq(n, sizeof(golden_tcp_data));
    ck_assert_mem_eq(f, golden_tcp_data, n);
}
END_TEST

/* The option bytes tcp_emit() lays out, written out by hand in the order of
 * Linux's tcp_options_write(): MSS; SACK-permitted folded into the TS word
 * (or NOP NOP before TS or SACK-permitted alone); NOP wscale; NOP NOP SACK,
 * with as many blocks as still fit in 40 bytes. TS is val 1 ecr 2; SACK
 * blocks are 0x10-0x20, 0x30-0x40, 0x50-0x60, 0x70-0x80. */
#define TS_1_2 8, 10, 0, 0, 0, 1, 0, 0, 0, 2
#define SACK_BLK1 0, 0, 0, 0x10, 0, 0, 0, 0x20
#define SACK_BLK2 0, 0, 0, 0x30, 0, 0, 0, 0x40
#define SACK_BLK3 0, 0, 0, 0x50, 0, 0, 0, 0x60
#define SACK_BLK4 0, 0, 0, 0x70, 0, 0, 0, 0x80

static const struct {
    const char *what;
    bool mss, wscale, sack_perm, ts;
    uint8_t sack_count;
    size_t len;
    uint8_t want[TCP_OPT_MAX];
} tcp_layouts[] = {
    { "Linux SYN", true, true, true, true, 0, 20,
      { 2, 4, 5, 0xb4, 4, 2, TS_1_2, 1, 3, 3, 7 } },
    { "SYN without TS", true, true, true, false, 0, 12,
      { 2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7 } },
    { "SYN without SACK-permitted", true, true, false, true, 0, 20,
      { 2, 4, 5, 0xb4, 1, 1, TS_1_2, 1, 3, 3, 7 } },
    { "MSS alone", true, false, false, false, 0, 4, { 2, 4, 5, 0xb4 } },
    { "wscale alone", false, true, false, false, 0, 4, { 1, 3, 3, 7 } },
    { "nothing", false, false, false, false, 0, 0, { 0 } },
    { "data with TS", false, false, false, true, 0, 12, { 1, 1, TS_1_2 } },
    { "TS and one SACK block", false, false, false, true, 1, 24,
      { 1, 1, TS_1_2, 1, 1, 5, 10, SACK_BLK1 } },
    { "one SACK block without TS", false, false, false, false, 1, 12,
      { 1, 1, 5, 10, SACK_BLK1 } },
    { "TS and 4 SACK blocks: 3 fit", false, false, false, true, 4, 40,
      { 1, 1, TS_1_2, 1, 1, 5, 26, SACK_BLK1, SACK_BLK2, SACK_BLK3 } },
    { "4 SACK blocks without TS", false, false, false, false, 4, 36,
      { 1, 1, 5, 34, SACK_BLK1, SACK_BLK2, SACK_BLK3, SACK_BLK4 } },
    { "everything: 2 blocks fit", true, true, true, true, 4, 40,
      { 2, 4, 5, 0xb4, 4, 2, TS_1_2, 1, 3, 3, 7, 1, 1, 5, 18, SACK_BLK1, SACK_BLK2 } },
};

START_TEST(test_tcp_emit_linux_layout)
{
    size_t i, k;

    for (i = 0; i < sizeof(tcp_layouts) / sizeof(tcp_layouts[0]); i++) {
        struct tcp_hdr t = ack_hdr(), got;
        uint8_t seg[TCP_HDR_MAX];

        t.opts.has_mss = tcp_layouts[i].mss;
        t.opts.mss = 1460;
        t.opts.has_wscale = tcp_layouts[i].wscale;
        t.opts.wscale = 7;
        t.opts.sack_permitted = tcp_layouts[i].sack_perm;
        t.opts.has_ts = tcp_layouts[i].ts;
        t.opts.ts_val = 1;
        t.opts.ts_ecr = 2;
        t.opts.sack_count = tcp_layouts[i].sack_count;
        for (k = 0; k < TCP_SACK_MAX; k++) {
            t.opts.sack[k].left = (uint32_t)(0x10 + 0x20 * k);
            t.opts.sack[k].right = (uint32_t)(0x20 + 0x20 * k);
        }
        ck_assert_msg(tcp_opts_len(&t.opts) == tcp_layouts[i].len, "%s: length %zu",
                      tcp_layouts[i].what, tcp_opts_len(&t.opts));
        put_tcp(seg, &t, NULL, 0, ADDR_A, ADDR_B);
        ck_assert_msg(memcmp(seg + TCP_HDR_MIN, tcp_layouts[i].want, tcp_layouts[i].len) == 0,
                      "%s: bytes differ", tcp_layouts[i].what);
        ck_assert_uint_eq(seg[12] >> 4, (TCP_HDR_MIN + tcp_layouts[i].len) / 4);
        ck_assert_int_eq(tcp_parse(seg, TCP_HDR_MIN + tcp_layouts[i].len, ADDR_A, ADDR_B, &got),
                         DROP_NONE);
    }
}
END_TEST

/* ipv4_emit() sums a header without options from the values it writes,
 * not from the bytes: for headers of every kind of field value (random,
 * all-ones, flags, fragment offsets) the checksum it writes must be the one
 * csum_compute() gives over the bytes with the field zero, so the header
 * verifies and parses. */
START_TEST(test_ipv4_emit_sum_from_values_matches_bytes)
{
    uint32_t x = 12345;
    for (unsigned n = 0; n < 20000; n++) {
        uint32_t r[4];
        for (unsigned k = 0; k < 4; k++) {
            x = x * 1103515245u + 12345u;
            r[k] = x ^ (x >> 15);
        }
        struct ipv4_hdr ip;
        memset(&ip, 0, sizeof ip);
        ip.ihl = IPV4_HDR_MIN;
        ip.tos = n < 2 ? 0xff * n : (uint8_t)r[0];
        ip.total_len = n < 2 ? (uint16_t)(0xffff * n) : (uint16_t)(r[0] >> 8);
        ip.id = n < 2 ? (uint16_t)(0xffff * n) : (uint16_t)r[1];
        ip.df = (r[1] >> 16) & 1;
        ip.mf = (r[1] >> 17) & 1;
        ip.frag_off = (uint16_t)(((r[1] >> 18) & 0x1fff) * 8);
        ip.ttl = n < 2 ? 0xff * n : (uint8_t)(r[0] >> 24);
        ip.proto = n < 2 ? 0xff * n : (uint8_t)(r[1] >> 8);
        ip.src = n < 2 ? 0xffffffffu * n : r[2];
        ip.dst = n < 2 ? 0xffffffffu * n : r[3];
        uint8_t b[IPV4_HDR_MIN];
        ipv4_emit(&ip, b);
        uint16_t got = be16_get(b + IPV4_OFF_CSUM);
        be16_put(b + IPV4_OFF_CSUM, 0);
        ck_assert_uint_eq(got, csum_compute(b, sizeof b));
        be16_put(b + IPV4_OFF_CSUM, got);
        ck_assert_uint_eq(csum_compute(b, sizeof b), 0);
    }
}
END_TEST

/* The sender lays its options out once (tcp_opts_write) and hands the
 * bytes to tcp_emit_sum_laid() / tcp_emit_sum6_laid(): for every option
 * combination, in both layouts, over IPv4 and IPv6, the segment must be
 * byte for byte what tcp_emit_sum() / tcp_emit_sum6() write from the
 * struct, tcp_opts_write() must say tcp_opts_len(), and the checksum,
 * summed from values rather than bytes, must be the one the bytes give
 * (pseudo-header, header and data summing to zero [RFC 1071 1]). */
START_TEST(test_tcp_emit_laid_matches_emit)
{
    static const uint8_t data[] = "abcdefg";  /* odd: 7 bytes */
    struct ip6_addr s6, d6;
    memset(&s6, 0, sizeof s6);
    memset(&d6, 0, sizeof d6);
    s6.b[0] = 0x20; s6.b[1] = 0x01; s6.b[15] = 1;
    d6.b[0] = 0x20; d6.b[1] = 0x01; d6.b[15] = 2;
    for (unsigned bsd = 0; bsd < 2; bsd++) {
        for (unsigned mask = 0; mask < 16; mask++) {
            for (unsigned count = 0; count <= TCP_SACK_MAX; count++) {
                struct tcp_hdr t = ack_hdr();
                t.opts.bsd_layout = bsd != 0;
                t.opts.has_mss = mask & 1;
                t.opts.mss = 1460;
                t.opts.has_wscale = (mask & 2) != 0;
                t.opts.wscale = 7;
                t.opts.sack_permitted = (mask & 4) != 0;
                t.opts.has_ts = (mask & 8) != 0;
                t.opts.ts_val = 0xdeadbeefu;
                t.opts.ts_ecr = 0x01234567u;
                t.opts.sack_count = (uint8_t)count;
                for (unsigned k = 0; k < TCP_SACK_MAX; k++) {
                    t.opts.sack[k].left = 1000 * k + 1;
                    t.opts.sack[k].right = 1000 * k + 501;
                }
                uint8_t opt[TCP_OPT_MAX];
                size_t ol = tcp_opts_write(&t.opts, opt);
                ck_assert_uint_eq(ol, tcp_opts_len(&t.opts));
                size_t hl = TCP_HDR_MIN + ol;
                uint8_t want[TCP_HDR_MAX + sizeof data], got[TCP_HDR_MAX + sizeof data];
                uint32_t dsum = csum_add(0, data, sizeof data - 1);
                for (unsigned v6 = 0; v6 < 2; v6++) {
                    memset(want, 0x55, sizeof want);
                    memset(got, 0xaa, sizeof got);
                    memcpy(want + hl, data, sizeof data - 1);
                    memcpy(got + hl, data, sizeof data - 1);
                    struct tcp_hdr bare = t;
                    memset(&bare.opts, 0, sizeof bare.opts);  /* not read */
                    if (v6) {
                        tcp_emit_sum6(&t, want, sizeof data - 1, &s6, &d6, dsum);
                        tcp_emit_sum6_laid(&bare, opt, ol, got, sizeof data - 1, &s6, &d6, dsum);
                    } else {
                        tcp_emit_sum(&t, want, sizeof data - 1, ADDR_A, ADDR_B, dsum);
                        tcp_emit_sum_laid(&bare, opt, ol, got, sizeof data - 1, ADDR_A, ADDR_B,
                                          dsum);
                    }
                    ck_assert_msg(memcmp(want, got, hl + sizeof data - 1) == 0,
                                  "bsd %u mask %u sack %u v6 %u: bytes differ", bsd, mask, count,
                                  v6);
                    size_t seg = hl + sizeof data - 1;
                    uint32_t pseudo = v6 ? csum_pseudo_ipv6(&s6, &d6, (uint32_t)seg, IPPROTO_TCP_)
                                         : csum_pseudo_ipv4(ADDR_A, ADDR_B, IPPROTO_TCP_,
                                                            (uint16_t)seg);
                    ck_assert_msg(csum_finish(csum_add(pseudo, got, seg)) == 0,
                                  "bsd %u mask %u sack %u v6 %u: checksum does not verify", bsd,
                                  mask, count, v6);
                }
            }
        }
    }
}
END_TEST

/* Every combination of MSS, wscale, SACK-permitted and TS with 0..4 SACK
 * blocks: the length is what the formats add up to, a multiple of 4 and at
 * most 40, data_off says so, and parse gives back what went in. */
START_TEST(test_tcp_every_option_combo_round_trips)
{
    unsigned mask, count;

    for (mask = 0; mask < 16; mask++) {
        for (count = 0; count <= TCP_SACK_MAX; count++) {
            struct tcp_hdr t = ack_hdr(), got;
            uint8_t seg[TCP_HDR_MAX + 3];
            size_t want = 0, room, blocks, n, k;

            t.seq = 0x01020304u + mask;
            t.ack = 0xfffffff0u;
            t.urp = 3;
            t.opts.has_mss = mask & 1;
            t.opts.mss = (uint16_t)(536 + count);
            t.opts.has_wscale = (mask & 2) != 0;
            t.opts.wscale = 14;
            t.opts.sack_permitted = (mask & 4) != 0;
            t.opts.has_ts = (mask & 8) != 0;
            t.opts.ts_val = 0xdeadbeefu;
            t.opts.ts_ecr = 0x01234567u;
            t.opts.sack_count = (uint8_t)count;
            for (k = 0; k < TCP_SACK_MAX; k++) {
                t.opts.sack[k].left = (uint32_t)(1000 * k + 1);
                t.opts.sack[k].right = (uint32_t)(1000 * k + 501);
            }
            /* MSS 4; TS 12 (SACK-permitted rides in its NOP pair) or
             * SACK-permitted 4; wscale 4; SACK 4 + 8 per block */
            want += t.opts.has_mss ? 4 : 0;
            want += t.opts.has_ts ? 12 : t.opts.sack_permitted ? 4 : 0;
            want += t.opts.has_wscale ? 4 : 0;
            room = (TCP_OPT_MAX - want - 4) / 8;
            blocks = count < room ? count : room;
            want += blocks > 0 ? 4 + 8 * blocks : 0;

            ck_assert_uint_eq(tcp_opts_len(&t.opts), want);
            ck_assert_uint_eq(want % 4, 0);
            ck_assert_uint_le(want, TCP_OPT_MAX);
            ck_assert_uint_eq(tcp_hdr_len(&t), TCP_HDR_MIN + want);
            n = put_tcp(seg, &t, "abc", 3, ADDR_A, ADDR_B);  /* odd length */
            ck_assert_uint_eq(n, TCP_HDR_MIN + want + 3);
            ck_assert_uint_eq(seg[12] >> 4, (TCP_HDR_MIN + want) / 4);
            ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &got), DROP_NONE);
            ck_assert_uint_eq(got.data_off, TCP_HDR_MIN + want);
            ck_assert_uint_eq(got.seq, t.seq);
            ck_assert_uint_eq(got.ack, t.ack);
            ck_assert_uint_eq(got.urp, 3);
            ck_assert_int_eq(got.opts.has_mss, t.opts.has_mss);
            if (got.opts.has_mss)
                ck_assert_uint_eq(got.opts.mss, t.opts.mss);
            ck_assert_int_eq(got.opts.has_wscale, t.opts.has_wscale);
            if (got.opts.has_wscale)
                ck_assert_uint_eq(got.opts.wscale, 14);
            ck_assert_int_eq(got.opts.sack_permitted, t.opts.sack_permitted);
            ck_assert_int_eq(got.opts.has_ts, t.opts.has_ts);
            if (got.opts.has_ts) {
                ck_assert_uint_eq(got.opts.ts_val, 0xdeadbeefu);
                ck_assert_uint_eq(got.opts.ts_ecr, 0x01234567u);
            }
            ck_assert_uint_eq(got.opts.sack_count, blocks);
            for (k = 0; k < blocks; k++) {
                ck_assert_uint_eq(got.opts.sack[k].left, t.opts.sack[k].left);
                ck_assert_uint_eq(got.opts.sack[k].right, t.opts.sack[k].right);
            }
            ck_assert_mem_eq(seg + got.data_off, "abc", 3);
        }
    }
}
END_TEST

START_TEST(test_tcp_drops_truncated_and_offset)
{
    struct tcp_hdr t;
    uint8_t seg[40];
    size_t len;

    for (len = 0; len < TCP_HDR_MIN; len++) {
        uint8_t *p = copy_exact(golden_tcp_syn + L4, len);

        ck_assert_int_eq(tcp_parse(p, len, ADDR_A, ADDR_B, &t), DROP_TCP_TRUNCATED);
        free(p);
    }
    /* header longer than the segment: the SYN's 40 bytes cut to 20..39 */
    for (len = TCP_HDR_MIN; len < 40; len++)
        ck_assert_int_eq(tcp_parse(golden_tcp_syn + L4, len, ADDR_A, ADDR_B, &t),
                         DROP_TCP_BAD_OFFSET);
    memcpy(seg, golden_tcp_syn + L4, 40);
    seg[12] = 4 << 4;  /* 4 words: shorter than the fixed header */
    ck_assert_int_eq(tcp_parse(seg, 40, ADDR_A, ADDR_B, &t), DROP_TCP_BAD_OFFSET);
    seg[12] = 0;
    ck_assert_int_eq(tcp_parse(seg, 40, ADDR_A, ADDR_B, &t), DROP_TCP_BAD_OFFSET);
    seg[12] = 15 << 4;  /* 60 bytes in a 40-byte segment */
    ck_assert_int_eq(tcp_parse(seg, 40, ADDR_A, ADDR_B, &t), DROP_TCP_BAD_OFFSET);
}
END_TEST

/* [RFC 9293 3.2] known kinds have fixed lengths; [RFC 2018 3] SACK is 2 + 8n
 * with n 1..4; no option may run past the header or lack its length octet. */
static const struct {
    const char *what;
    size_t len;  /* option bytes used, a multiple of 4 */
    uint8_t opt[TCP_OPT_MAX];
} tcp_bad_opts[] = {
    { "MSS with length 3", 4, { 2, 3, 5, 1 } },
    { "MSS with length 5", 8, { 2, 5, 5, 0xb4, 0, 1, 1, 1 } },
    { "wscale with length 2", 4, { 3, 2, 1, 1 } },
    { "wscale with length 4", 4, { 3, 4, 7, 0 } },
    { "SACK-permitted with length 3", 4, { 4, 3, 0, 1 } },
    { "TS with length 8", 8, { 8, 8, 0, 0, 0, 1, 0, 0 } },
    { "TS with length 12", 12, { 8, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 } },
    { "SACK with length 9", 12, { 1, 1, 5, 9, 0, 0, 0, 1, 0, 0, 0, 2 } },
    { "SACK with no block", 4, { 1, 1, 5, 2 } },
    { "SACK with 5 blocks (42 bytes)", 40, { 5, 42 } },
    { "unknown kind with length 0", 4, { 30, 0, 1, 1 } },
    { "unknown kind with length 1", 4, { 30, 1, 1, 1 } },
    { "option running past the header", 4, { 1, 1, 30, 4 } },
    { "kind with no length octet", 4, { 1, 1, 1, 30 } },
    { "MSS with no length octet", 4, { 1, 1, 1, 2 } },
};

START_TEST(test_tcp_drops_bad_options)
{
    size_t i;

    for (i = 0; i < sizeof(tcp_bad_opts) / sizeof(tcp_bad_opts[0]); i++) {
        uint8_t seg[TCP_HDR_MAX];
        struct tcp_hdr t;
        size_t n = put_tcp_raw_opts(seg, tcp_bad_opts[i].opt, tcp_bad_opts[i].len, ADDR_A,
                                    ADDR_B);

        ck_assert_msg(tcp_parse(seg, n, ADDR_A, ADDR_B, &t) == DROP_TCP_BAD_OPTIONS, "%s",
                      tcp_bad_opts[i].what);
    }
}
END_TEST

START_TEST(test_tcp_odd_options_accepted)
{
    /* an unknown kind with a sane length is skipped [RFC 9293 3.2 MUST-6] */
    static const uint8_t unknown_then_mss[8] = { 30, 4, 0xaa, 0xbb, 2, 4, 5, 0xb4 };
    /* EOL ends the list: what follows is not read */
    static const uint8_t eol_then_junk[4] = { 0, 30, 0, 0 };
    /* options need no alignment */
    static const uint8_t unaligned_ts[12] = { 8, 10, 0, 0, 0, 9, 0, 0, 0, 8, 1, 0 };
    uint8_t seg[TCP_HDR_MAX];
    struct tcp_hdr t;
    size_t n;

    n = put_tcp_raw_opts(seg, unknown_then_mss, 8, ADDR_A, ADDR_B);
    ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &t), DROP_NONE);
    ck_assert(t.opts.has_mss);
    ck_assert_uint_eq(t.opts.mss, 1460);
    n = put_tcp_raw_opts(seg, eol_then_junk, 4, ADDR_A, ADDR_B);
    ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &t), DROP_NONE);
    n = put_tcp_raw_opts(seg, unaligned_ts, 12, ADDR_A, ADDR_B);
    ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &t), DROP_NONE);
    ck_assert(t.opts.has_ts);
    ck_assert_uint_eq(t.opts.ts_val, 9);
    ck_assert_uint_eq(t.opts.ts_ecr, 8);
}
END_TEST

START_TEST(test_tcp_drops_bad_csum)
{
    uint8_t seg[63];
    struct tcp_hdr t;

    memcpy(seg, golden_tcp_data + L4, sizeof(seg));
    seg[62] ^= 0x01;  /* payload is covered */
    ck_assert_int_eq(tcp_parse(seg, sizeof(seg), ADDR_A, ADDR_B, &t), DROP_TCP_BAD_CSUM);
    ck_assert_uint_eq(t.opts.sack_count, 2);  /* still decoded */
    /* the pseudo-header is covered: another destination fails... */
    ck_assert_int_eq(tcp_parse(golden_tcp_data + L4, 63, ADDR_A, IPV4_ADDR(192, 0, 2, 3), &t),
                     DROP_TCP_BAD_CSUM);
    /* ...but swapped addresses do not: a one's complement sum does not see
     * order, which is why the ports and addresses are checked elsewhere */
    ck_assert_int_eq(tcp_parse(golden_tcp_data + L4, 63, ADDR_B, ADDR_A, &t), DROP_NONE);
    /* and so is the length: one byte less does not verify */
    ck_assert_int_eq(tcp_parse(golden_tcp_data + L4, 62, ADDR_A, ADDR_B, &t),
                     DROP_TCP_BAD_CSUM);
}
END_TEST

START_TEST(test_tcp_flags_str)
{
    char buf[12];

    ck_assert_str_eq(tcp_flags_str(0, buf, sizeof(buf)), "none");
    ck_assert_str_eq(tcp_flags_str(TCP_SYN, buf, sizeof(buf)), "S");
    ck_assert_str_eq(tcp_flags_str(TCP_SYN | TCP_ACK, buf, sizeof(buf)), "S.");
    ck_assert_str_eq(tcp_flags_str(TCP_ACK, buf, sizeof(buf)), ".");
    ck_assert_str_eq(tcp_flags_str(TCP_PSH | TCP_ACK, buf, sizeof(buf)), "P.");
    ck_assert_str_eq(tcp_flags_str(TCP_FIN | TCP_ACK, buf, sizeof(buf)), "F.");
    ck_assert_str_eq(tcp_flags_str(TCP_FIN | TCP_PSH | TCP_ACK, buf, sizeof(buf)), "FP.");
    ck_assert_str_eq(tcp_flags_str(TCP_RST, buf, sizeof(buf)), "R");
    ck_assert_str_eq(tcp_flags_str(TCP_RST | TCP_ACK, buf, sizeof(buf)), "R.");
    ck_assert_str_eq(tcp_flags_str(TCP_SYN | TCP_ECE | TCP_CWR, buf, sizeof(buf)), "SEW");
    ck_assert_str_eq(tcp_flags_str(0xff, buf, sizeof(buf)), "FSRP.UEW");
    /* a short buffer gets what fits */
    ck_assert_str_eq(tcp_flags_str(TCP_SYN | TCP_ACK, buf, 2), "S");
    ck_assert_str_eq(tcp_flags_str(TCP_SYN | TCP_ACK, buf, 1), "");
    ck_assert_str_eq(tcp_flags_str(0, buf, 3), "no");
}
END_TEST

START_TEST(test_tcp_describe)
{
    static const char wrapped[] = "50000 > 7: Flags [P.], seq 4294967280:16, ack 5001, "
                                  "win 502, length 32";
    struct tcp_hdr t = syn_hdr();
    char buf[256];
    int r;

    r = tcp_describe(&t, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [S], seq 1000, win 65535, options [mss 1460,"
                          "sackOK,TS val 100 ecr 0,nop,wscale 7], length 0");
    ck_assert_int_eq(r, (int)strlen(buf));
    tcp_parse(golden_tcp_data + L4, 63, ADDR_A, ADDR_B, &t);
    tcp_describe(&t, 11, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [P.], seq 1001:1012, ack 5001, win 502, "
                          "options [nop,nop,TS val 101 ecr 300,nop,nop,sack 2 "
                          "{6000:6100}{6200:6300}], length 11");
    /* no data, no SYN/FIN/RST: no seq, as tcpdump */
    t = ack_hdr();
    tcp_describe(&t, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [.], ack 5001, win 502, length 0");
    t.flags = TCP_FIN | TCP_ACK;
    tcp_describe(&t, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [F.], seq 1001, ack 5001, win 502, length 0");
    t.flags = TCP_RST;
    t.wnd = 0;
    tcp_describe(&t, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [R], seq 1001, win 0, length 0");
    t.flags = 0;
    tcp_describe(&t, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [none], win 0, length 0");
    t.flags = 0xff;
    t.urp = 7;
    tcp_describe(&t, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "50000 > 7: Flags [FSRP.UEW], seq 1001, ack 5001, win 0, urg 7, "
                          "length 0");
    /* the sequence range wraps as tcpdump's does */
    t = ack_hdr();
    t.flags = TCP_PSH | TCP_ACK;
    t.seq = 0xfffffff0u;
    r = tcp_describe(&t, 32, buf, sizeof(buf));
    ck_assert_str_eq(buf, wrapped);
    /* the return value counts the whole line even when the buffer is short */
    ck_assert_int_eq(tcp_describe(&t, 32, buf, 10), r);
    ck_assert_str_eq(buf, "50000 > 7");
    ck_assert_int_eq(tcp_describe(&t, 32, NULL, 0), r);
    ck_assert_int_eq(r, (int)strlen(wrapped));
}
END_TEST

/* tcp_describe_wire() prints the options as they lie in the segment. */
START_TEST(test_tcp_describe_wire)
{
    static const uint8_t unknown_eol[8] = { 99, 4, 1, 2, 0, 0, 0, 0 };
    static const uint8_t mss_nop_eol[8] = { 2, 4, 5, 0xb4, 1, 0, 0, 0 };
    static const uint8_t bsd_syn[12] = { 2, 4, 5, 0xb4, 1, 3, 3, 6, 4, 2, 0, 0 };
    uint8_t seg[TCP_HDR_MAX];
    struct tcp_hdr t;
    char buf[256];
    size_t n;

    n = put_tcp_raw_opts(seg, unknown_eol, 8, ADDR_A, ADDR_B);
    ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &t), DROP_NONE);
    tcp_describe_wire(&t, seg, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Flags [.], ack 5001, win 502, options [unknown-99 0x0102,eol], "
                          "length 0");
    n = put_tcp_raw_opts(seg, mss_nop_eol, 8, ADDR_A, ADDR_B);
    ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &t), DROP_NONE);
    tcp_describe_wire(&t, seg, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Flags [.], ack 5001, win 502, options [mss 1460,nop,eol], length 0");
    n = put_tcp_raw_opts(seg, bsd_syn, 12, ADDR_A, ADDR_B);
    ck_assert_int_eq(tcp_parse(seg, n, ADDR_A, ADDR_B, &t), DROP_NONE);
    tcp_describe_wire(&t, seg, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Flags [.], ack 5001, win 502, options [mss 1460,nop,wscale 6,"
                          "sackOK,eol], length 0");
    /* and golden_tcp_syn reads the same from the wire as from the struct */
    ck_assert_int_eq(tcp_parse(golden_tcp_syn + L4, 40, ADDR_A, ADDR_B, &t), DROP_NONE);
    tcp_describe_wire(&t, golden_tcp_syn + L4, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Flags [S], seq 1000, win 65535, options [mss 1460,sackOK,"
                          "TS val 100 ecr 0,nop,wscale 7], length 0");
}
END_TEST

/* ---- frame_describe() ---------------------------------------------------- */

START_TEST(test_describe_golden_frames)
{
    expect_describe(golden_arp_request, sizeof(golden_arp_request),
                    "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28");
    expect_describe(golden_arp_reply, sizeof(golden_arp_reply),
                    "ARP, Reply 192.0.2.2 is-at 02:00:00:00:00:02, length 28");
    expect_describe(golden_icmp_echo, sizeof(golden_icmp_echo),
                    "IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 1, length 64");
    expect_describe(golden_udp, sizeof(golden_udp),
                    "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 5");
    expect_describe(golden_tcp_syn, sizeof(golden_tcp_syn),
                    "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [S], seq 1000, win 65535, "
                    "options [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0");
    expect_describe(golden_tcp_synack, sizeof(golden_tcp_synack),
                    "IP 192.0.2.2.7 > 192.0.2.1.50000: Flags [S.], seq 5000, ack 1001, "
                    "win 65160, options [mss 1460,sackOK,TS val 300 ecr 100,nop,wscale 7], "
                    "length 0");
    expect_describe(golden_tcp_data, sizeof(golden_tcp_data),
                    "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [P.], seq 1001:1012, "
                    "ack 5001, win 502, options [nop,nop,TS val 101 ecr 300,nop,nop,"
                    "sack 2 {6000:6100}{6200:6300}], length 11");
    expect_describe(golden_icmp_unreach, sizeof(golden_icmp_unreach),
                    "IP 192.0.2.2 > 192.0.2.1: ICMP 192.0.2.2 udp port 7 unreachable, "
                    "length 36");
    expect_describe(golden_ipv4_opts, sizeof(golden_ipv4_opts),
                    "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 2");
}
END_TEST

START_TEST(test_describe_arp_variants)
{
    uint8_t f[60] = { 0 };
    struct arp_hdr a;

    /* padded to the 60-byte minimum: tcpdump counts the padding */
    memcpy(f, golden_arp_request, sizeof(golden_arp_request));
    expect_describe(f, 60, "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 46");
    a = arp_of(ARP_OP_REQUEST, mac_a, ADDR_A, mac_b, ADDR_B);
    arp_emit(&a, f + L3);
    expect_describe(f, 42,
                    "ARP, Request who-has 192.0.2.2 (02:00:00:00:00:02) tell 192.0.2.1, "
                    "length 28");
    a = arp_of(ARP_OP_REQUEST, mac_a, ADDR_A, mac_zero, ADDR_A);  /* gratuitous */
    arp_emit(&a, f + L3);
    expect_describe(f, 42, "ARP, Request who-has 192.0.2.1 tell 192.0.2.1, length 28");
    /* our words from here (tcpdump prints a hex dump, or "[|arp]") */
    a.op = 5;
    arp_emit(&a, f + L3);
    expect_describe(f, 42, "ARP, Unknown (5), length 28");
    a.op = ARP_OP_REQUEST;
    a.htype = 6;
    arp_emit(&a, f + L3);
    expect_describe(f, 42, "ARP, [not Ethernet: hardware type 6, length 6], length 28");
    a.htype = ARP_HTYPE_ETH;
    a.ptype = 0x86dd;
    a.plen = 16;
    arp_emit(&a, f + L3);
    expect_describe(f, 42, "ARP, [not IPv4: protocol type 0x86dd, length 16], length 28");
    expect_describe(golden_arp_request, 30, "ARP, [truncated], length 16");
}
END_TEST

/* An ICMP error from 192.0.2.2 quoting the first qlen bytes of quote. */
static size_t
put_icmp_error(uint8_t *f, uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
               size_t qlen)
{
    uint8_t m[128];
    size_t n = put_icmp(m, type, code, rest, quote, qlen);

    return put_ipv4_frame(f, ip_hdr(ADDR_B, ADDR_A, IPPROTO_ICMP_, 7), m, n);
}

START_TEST(test_describe_icmp_variants)
{
    static const struct {
        uint8_t type, code;
        uint32_t rest;
        size_t qlen;  /* bytes of golden_udp's datagram quoted */
        const char *want;  /* after "IP 192.0.2.2 > 192.0.2.1: " */
    } cases[] = {
        { 3, 0, 0, 28, "ICMP net 192.0.2.2 unreachable, length 36" },
        { 3, 1, 0, 28, "ICMP host 192.0.2.2 unreachable, length 36" },
        { 3, 2, 0, 28, "ICMP 192.0.2.2 protocol 17 unreachable, length 36" },
        { 3, 3, 0, 28, "ICMP 192.0.2.2 udp port 7 unreachable, length 36" },
        { 3, 3, 0, 24, "ICMP 192.0.2.2 udp port 7 unreachable, length 32" },
        { 3, 4, 1400, 28, "ICMP 192.0.2.2 unreachable - need to frag (mtu 1400), length 36" },
        { 3, 4, 0, 28, "ICMP 192.0.2.2 unreachable - need to frag, length 36" },
        { 3, 5, 0, 28, "ICMP 192.0.2.2 unreachable - source route failed, length 36" },
        { 3, 13, 0, 28, "ICMP host 192.0.2.2 unreachable - admin prohibited filter, length 36" },
        { 3, 16, 0, 28, "ICMP 192.0.2.2 unreachable - #16, length 36" },
        { 11, 0, 0, 28, "ICMP time exceeded in-transit, length 36" },
        { 11, 1, 0, 28, "ICMP ip reassembly time exceeded, length 36" },
        { 5, 1, 0, 28, "ICMP redirect 192.0.2.2 to host 0.0.0.0, length 36" },
        { 5, 0, IPV4_ADDR(192, 0, 2, 254), 28,
          "ICMP redirect 192.0.2.2 to net 192.0.2.254, length 36" },
        { 12, 0, 0x14000000, 28, "ICMP parameter problem - octet 20, length 36" },
        { 13, 0, 0, 0, "ICMP time stamp query id 0 seq 0, length 8" },
        { 42, 0, 0, 0, "ICMP type-#42, length 8" },
        /* a quote too short to name the port: the plain words (tcpdump
         * prints "[|icmp]") */
        { 3, 3, 0, 10, "ICMP port unreachable, length 18" },
    };
    uint8_t f[128];
    char want[160];
    size_t i, n;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = put_icmp_error(f, cases[i].type, cases[i].code, cases[i].rest, golden_udp + L3,
                           cases[i].qlen);
        snprintf(want, sizeof(want), "IP 192.0.2.2 > 192.0.2.1: %s", cases[i].want);
        expect_describe(f, n, want);
    }
    n = put_icmp_error(f, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, 0, golden_tcp_syn + L3, 28);
    expect_describe(f, n, "IP 192.0.2.2 > 192.0.2.1: ICMP 192.0.2.2 tcp port 7 unreachable, "
                          "length 36");
    n = put_icmp_error(f, ICMP_ECHO_REPLY, 0, 0x00010001, golden_icmp_echo + L4 + 8, 56);
    expect_describe(f, n, "IP 192.0.2.2 > 192.0.2.1: ICMP echo reply, id 1, seq 1, length 64");
    /* our words */
    n = put_icmp_error(f, ICMP_ECHO_REPLY, 0, 0x00010001, golden_icmp_echo + L4 + 8, 56);
    f[n - 1] ^= 1;
    expect_describe(f, n, "IP 192.0.2.2 > 192.0.2.1: ICMP echo reply, id 1, seq 1, length 64 "
                          "[bad icmp checksum]");
    n = put_ipv4_frame(f, ip_hdr(ADDR_B, ADDR_A, IPPROTO_ICMP_, 7), golden_icmp_echo + L4, 4);
    expect_describe(f, n, "IP 192.0.2.2 > 192.0.2.1: [truncated icmp header]");
}
END_TEST

START_TEST(test_describe_udp_variants)
{
    uint8_t f[128], d[120];
    size_t n;

    /* the example in describe.h; tcpdump itself would decode 49152 as
     * BCM-LI-SHIM, a protocol registered on that port */
    n = put_udp(d, ADDR_A, ADDR_B, 49152, 7, "hello", 5);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), d, n);
    expect_describe(f, n, "IP 192.0.2.1.49152 > 192.0.2.2.7: UDP, length 5");
    /* length field past the datagram: tcpdump's words */
    n = put_udp(d, ADDR_A, ADDR_B, 50000, 7, "hello", 5);
    be16_put(d + 4, 64);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), d, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, bad length 56 > 5");
    /* a first fragment: the datagram goes on in the next one */
    {
        uint8_t payload[100];
        struct ipv4_hdr ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);

        memset(payload, 'x', sizeof(payload));
        put_udp(d, ADDR_A, ADDR_B, 50000, 7, payload, sizeof(payload));
        ip.df = false;
        ip.mf = true;
        n = put_ipv4_frame(f, ip, d, 48);
        expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 100");
    }
    /* Ethernet padding is not the datagram's */
    memset(f, 0, 60);
    memcpy(f, golden_udp, sizeof(golden_udp));
    expect_describe(f, 60, "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 5");
    /* our words */
    n = put_udp(d, ADDR_A, ADDR_B, 50000, 7, "hello", 5);
    be16_put(d + 4, 4);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), d, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: [bad udp length 4]");
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), golden_udp + L4, 4);
    expect_describe(f, n, "IP 192.0.2.1 > 192.0.2.2: [truncated udp header]");
    memcpy(d, golden_udp + L4, 13);
    d[12] ^= 0x20;
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1), d, 13);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 5 [bad udp checksum]");
}
END_TEST

START_TEST(test_describe_tcp_variants)
{
    uint8_t f[128], seg[TCP_HDR_MAX + 32];
    struct tcp_hdr t = ack_hdr();
    size_t n;

    t.flags = TCP_FIN | TCP_ACK;
    n = put_tcp(seg, &t, NULL, 0, ADDR_A, ADDR_B);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [F.], seq 1001, ack 5001, "
                          "win 502, length 0");
    t = syn_hdr();
    t.flags = TCP_SYN | TCP_ECE | TCP_CWR;
    n = put_tcp(seg, &t, NULL, 0, ADDR_A, ADDR_B);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [SEW], seq 1000, "
                          "win 65535, options [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], "
                          "length 0");
    t = ack_hdr();
    t.opts.sack_count = 1;
    t.opts.sack[0].left = 3000;
    t.opts.sack[0].right = 4000;
    n = put_tcp(seg, &t, NULL, 0, ADDR_A, ADDR_B);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [.], ack 5001, win 502, "
                          "options [nop,nop,sack 1 {3000:4000}], length 0");
    t = ack_hdr();
    t.opts.has_mss = true;
    t.opts.mss = 1460;
    t.opts.sack_permitted = true;
    t.opts.has_wscale = true;
    t.opts.wscale = 7;
    n = put_tcp(seg, &t, NULL, 0, ADDR_A, ADDR_B);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [.], ack 5001, win 502, "
                          "options [mss 1460,nop,nop,sackOK,nop,wscale 7], length 0");
    /* our words */
    memcpy(seg, golden_tcp_syn + L4, 40);
    seg[12] = 4 << 4;
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, 40);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: [bad tcp header length 16]");
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), golden_tcp_syn + L4, 12);
    expect_describe(f, n, "IP 192.0.2.1 > 192.0.2.2: [truncated tcp header]");
    n = put_tcp_raw_opts(seg, tcp_bad_opts[0].opt, tcp_bad_opts[0].len, ADDR_A, ADDR_B);
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, n);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: [bad tcp options]");
    memcpy(seg, golden_tcp_syn + L4, 40);
    seg[15] ^= 1;  /* window 65534, checksum left alone */
    n = put_ipv4_frame(f, ip_hdr(ADDR_A, ADDR_B, IPPROTO_TCP_, 1), seg, 40);
    expect_describe(f, n, "IP 192.0.2.1.50000 > 192.0.2.2.7: Flags [S], seq 1000, win 65534, "
                          "options [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0 "
                          "[bad tcp checksum]");
}
END_TEST

START_TEST(test_describe_ipv4_variants)
{
    uint8_t f[128];
    struct ipv4_hdr ip;
    size_t n;

    ip = ip_hdr(ADDR_A, ADDR_B, 99, 1);
    n = put_ipv4_frame(f, ip, (const uint8_t *)"abcdefgh", 8);
    /* tcpdump 4.99.3 prints two spaces here */
    expect_describe(f, n, "IP 192.0.2.1 > 192.0.2.2:  ip-proto-99 8");
    ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);
    ip.frag_off = 1480;
    n = put_ipv4_frame(f, ip, (const uint8_t *)"abcdefgh", 8);
    expect_describe(f, n, "IP 192.0.2.1 > 192.0.2.2: ip-proto-17");
    /* our words */
    memcpy(f, golden_udp, sizeof(golden_udp));
    f[L3 + 8] = 1;  /* TTL 1, checksum not fixed */
    expect_describe(f, sizeof(golden_udp),
                    "IP 192.0.2.1.50000 > 192.0.2.2.7: UDP, length 5 [bad ip checksum]");
    f[L3 + 8] = 64;
    f[L3] = 0x65;
    expect_describe(f, sizeof(golden_udp), "IP [bad version 6]");
    f[L3] = 0x44;
    expect_describe(f, sizeof(golden_udp), "IP 192.0.2.1 > 192.0.2.2: [bad header length 16]");
    ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);
    ip.opt_len = 4;
    ip.options[0] = 7;  /* Record Route with length 0 */
    n = put_ipv4_frame(f, ip, golden_udp + L4, 13);
    expect_describe(f, n, "IP 192.0.2.1 > 192.0.2.2: [bad ip options]");
    expect_describe(golden_udp, 30, "IP [truncated header, 16 bytes]");
    expect_describe(golden_udp, 44, "IP 192.0.2.1 > 192.0.2.2: [truncated, 30 of 33 bytes]");
    expect_describe(golden_ipv4_opts, 38,
                    "IP 192.0.2.1 > 192.0.2.2: [truncated header, 24 of 32 bytes]");
    ip = ip_hdr(ADDR_A, ADDR_B, IPPROTO_UDP_, 1);
    ip.total_len = 19;
    put_eth(f, mac_b, mac_a, ETHERTYPE_IPV4);
    ipv4_emit(&ip, f + L3);
    expect_describe(f, L3 + 20, "IP 192.0.2.1 > 192.0.2.2: [bad total length 19]");
}
END_TEST

START_TEST(test_describe_link_variants)
{
    uint8_t f[60] = { 0 };

    expect_describe(golden_udp, 0, "[truncated ethernet header, 0 bytes]");
    expect_describe(golden_udp, 10, "[truncated ethernet header, 10 bytes]");
    /* tcpdump adds ": " and a hex dump of the payload */
    put_eth(f, mac_b, mac_a, 0x1234);
    expect_describe(f, 60, "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x1234), "
                           "length 60");
    /* IPv6 is decoded now (test_ipv6.c has the good frames); zeros are no
     * IPv6 header */
    put_eth(f, mac_b, mac_a, 0x86dd);
    expect_describe(f, 60, "IP6 [bad version 0]");
    put_eth(f, mac_b, mac_a, 46);
    expect_describe(f, 60, "02:00:00:00:00:01 > 02:00:00:00:00:02, 802.3, length 46");
}
END_TEST

/* The return value is the whole line's length whatever n is; the buffer gets
 * a NUL-terminated prefix and nothing past n is touched. */
START_TEST(test_describe_short_buffers)
{
    char full[512], buf[512];
    int want = frame_describe(golden_tcp_data, sizeof(golden_tcp_data), full, sizeof(full));
    size_t n;

    ck_assert_int_gt(want, 100);
    ck_assert_int_eq(frame_describe(golden_tcp_data, sizeof(golden_tcp_data), NULL, 0), want);
    for (n = 0; n <= (size_t)want + 2; n++) {
        size_t got_len = n == 0 ? 0 : (n - 1 < (size_t)want ? n - 1 : (size_t)want);

        memset(buf, 'Z', sizeof(buf));
        ck_assert_int_eq(frame_describe(golden_tcp_data, sizeof(golden_tcp_data), buf, n),
                         want);
        if (n > 0) {
            ck_assert_uint_eq(strlen(buf), got_len);
            ck_assert_int_eq(memcmp(buf, full, got_len), 0);
        }
        ck_assert_int_eq(buf[n], 'Z');
    }
}
END_TEST

/* ---- sweep: every truncation and bit flip, no crash ------------------------ */

static const struct {
    const uint8_t *b;
    size_t len;
} goldens[] = {
    { golden_arp_request, sizeof(golden_arp_request) },
    { golden_arp_reply, sizeof(golden_arp_reply) },
    { golden_icmp_echo, sizeof(golden_icmp_echo) },
    { golden_udp, sizeof(golden_udp) },
    { golden_tcp_syn, sizeof(golden_tcp_syn) },
    { golden_tcp_synack, sizeof(golden_tcp_synack) },
    { golden_tcp_data, sizeof(golden_tcp_data) },
    { golden_icmp_unreach, sizeof(golden_icmp_unreach) },
    { golden_ipv4_opts, sizeof(golden_ipv4_opts) },
};

/* Every parser at every layer offset, every describer on what parsed, and
 * frame_describe() at three buffer sizes that must agree. */
static void
poke(const uint8_t *b, size_t len)
{
    static const size_t offs[] = { 0, L3, L4, L3 + 32 };
    char buf[512], small[8];
    int r = frame_describe(b, len, buf, sizeof(buf));
    size_t i;

    ck_assert_int_ge(r, 0);
    ck_assert_int_lt(r, (int)sizeof(buf));
    ck_assert_uint_eq(strlen(buf), (size_t)r);
    ck_assert_int_eq(frame_describe(b, len, small, sizeof(small)), r);
    ck_assert_int_eq(frame_describe(b, len, NULL, 0), r);
    for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        const uint8_t *p = b + (offs[i] <= len ? offs[i] : len);
        size_t plen = offs[i] <= len ? len - offs[i] : 0;
        struct eth_hdr eth;
        struct arp_hdr arp;
        struct ipv4_hdr ip;
        struct icmp_hdr ic;
        struct udp_hdr u;
        struct tcp_hdr t;

        if (eth_parse(p, plen, &eth) == DROP_NONE)
            eth_describe(&eth, buf, sizeof(buf));
        if (arp_parse(p, plen, &arp) == DROP_NONE)
            arp_describe(&arp, buf, sizeof(buf));
        if (ipv4_parse(p, plen, &ip) == DROP_NONE)
            ipv4_describe(&ip, buf, sizeof(buf));
        if (icmp_parse(p, plen, &ic) == DROP_NONE)
            icmp_describe(&ic, buf, sizeof(buf));
        if (udp_parse(p, plen, ADDR_A, ADDR_B, &u) == DROP_NONE)
            udp_describe(&u, buf, sizeof(buf));
        switch (tcp_parse(p, plen, ADDR_A, ADDR_B, &t)) {
        case DROP_NONE:
        case DROP_TCP_BAD_CSUM:
            tcp_describe(&t, plen - t.data_off, buf, sizeof(buf));
            tcp_describe_wire(&t, p, plen - t.data_off, buf, sizeof(buf));
            break;
        default:
            break;
        }
    }
}

START_TEST(test_sweep_truncations)
{
    size_t g, len;

    for (g = 0; g < sizeof(goldens) / sizeof(goldens[0]); g++) {
        for (len = 0; len <= goldens[g].len; len++) {
            uint8_t *p = copy_exact(goldens[g].b, len);

            poke(p, len);
            free(p);
        }
    }
}
END_TEST

START_TEST(test_sweep_bit_flips)
{
    size_t g, i;
    int bit;

    for (g = 0; g < sizeof(goldens) / sizeof(goldens[0]); g++) {
        for (i = 0; i < goldens[g].len; i++) {
            for (bit = 0; bit < 8; bit++) {
                uint8_t *p = copy_exact(goldens[g].b, goldens[g].len);

                p[i] ^= (uint8_t)(1u << bit);
                poke(p, goldens[g].len);
                free(p);
            }
        }
    }
}
END_TEST

/* Random frames, steered towards the deep paths: an IPv4 or ARP type, a
 * version-4 header, one of our protocols and a total length that fits. */
START_TEST(test_sweep_random)
{
    uint32_t x = 0x5eed;
    int round;

    for (round = 0; round < 20000; round++) {
        uint8_t f[160];
        size_t len, i;
        uint8_t *p;

        for (i = 0; i < sizeof(f); i++) {
            x = x * 1664525u + 1013904223u;
            f[i] = (uint8_t)(x >> 24);
        }
        len = f[0] % sizeof(f);
        be16_put(f + 12, f[1] & 1 ? ETHERTYPE_IPV4 : ETHERTYPE_ARP);
        if (f[2] & 1) {
            static const uint8_t protos[] = { IPPROTO_ICMP_, IPPROTO_UDP_, IPPROTO_TCP_ };

            f[L3] = (uint8_t)(0x40 | (f[L3] & 0x0f));
            f[L3 + 9] = protos[f[3] % 3];
            if (len > L3)
                be16_put(f + L3 + 2, (uint16_t)(len - L3));
            f[L3 + 6] &= 0x40;  /* no fragments, mostly */
        }
        p = copy_exact(f, len);
        poke(p, len);
        free(p);
    }
}
END_TEST

/* ---- suite --------------------------------------------------------------- */

static Suite *
wire_suite(void)
{
    Suite *s = suite_create("wire");
    TCase *tc;

    tc = tcase_create("checksum");
    tcase_add_test(tc, test_csum_rfc1071_example);
    tcase_add_test(tc, test_csum_odd_length);
    tcase_add_test(tc, test_csum_matches_reference_and_parts);
    tcase_add_test(tc, test_csum_wide_sum_matches_reference_at_every_length_and_alignment);
    tcase_add_test(tc, test_csum_copy_sums_and_copies_exactly);
    tcase_add_test(tc, test_csum_long_buffers_keep_every_carry);
    tcase_add_test(tc, test_csum_add_at_joins_parts_at_any_offset);
    tcase_add_test(tc, test_csum_verifies_to_zero);
    tcase_add_test(tc, test_csum_pseudo_ipv4);
    tcase_add_test(tc, test_ipv4_emit_sum_from_values_matches_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("addr");
    tcase_add_test(tc, test_ipv4_addr_str);
    tcase_add_test(tc, test_ipv4_addr_parse_good);
    tcase_add_test(tc, test_ipv4_addr_parse_rejects);
    tcase_add_test(tc, test_ipv4_prefix_mask);
    tcase_add_test(tc, test_mac_addr_str_and_parse);
    tcase_add_test(tc, test_mac_addr_parse_rejects);
    tcase_add_test(tc, test_mac_predicates);
    suite_add_tcase(s, tc);

    tc = tcase_create("eth");
    tcase_add_test(tc, test_eth_parse_golden);
    tcase_add_test(tc, test_eth_emit_golden);
    tcase_add_test(tc, test_eth_drops);
    tcase_add_test(tc, test_eth_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("arp");
    tcase_add_test(tc, test_arp_parse_golden);
    tcase_add_test(tc, test_arp_emit_golden);
    tcase_add_test(tc, test_arp_drops);
    tcase_add_test(tc, test_arp_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("ipv4");
    tcase_add_test(tc, test_ipv4_parse_golden);
    tcase_add_test(tc, test_ipv4_parse_golden_options);
    tcase_add_test(tc, test_ipv4_emit_golden);
    tcase_add_test(tc, test_ipv4_emit_pads_options);
    tcase_add_test(tc, test_ipv4_round_trip_fragment);
    tcase_add_test(tc, test_ipv4_drops_truncated);
    tcase_add_test(tc, test_ipv4_drops_version_and_ihl);
    tcase_add_test(tc, test_ipv4_options_walk);
    tcase_add_test(tc, test_ipv4_drops_bad_csum);
    tcase_add_test(tc, test_ipv4_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("icmp");
    tcase_add_test(tc, test_icmp_parse_golden);
    tcase_add_test(tc, test_icmp_emit_golden);
    tcase_add_test(tc, test_icmp_round_trip_needfrag_and_odd);
    tcase_add_test(tc, test_icmp_drops);
    tcase_add_test(tc, test_icmp_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("udp");
    tcase_add_test(tc, test_udp_parse_golden);
    tcase_add_test(tc, test_udp_emit_golden);
    tcase_add_test(tc, test_udp_zero_csum_sent_as_ffff);
    tcase_add_test(tc, test_udp_drops);
    tcase_add_test(tc, test_udp_ignores_trailing_bytes);
    tcase_add_test(tc, test_udp_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("tcp");
    tcase_add_test(tc, test_tcp_parse_golden);
    tcase_add_test(tc, test_tcp_emit_golden_frames);
    tcase_add_test(tc, test_tcp_emit_linux_layout);
    tcase_add_test(tc, test_tcp_every_option_combo_round_trips);
    tcase_add_test(tc, test_tcp_emit_laid_matches_emit);
    tcase_add_test(tc, test_tcp_drops_truncated_and_offset);
    tcase_add_test(tc, test_tcp_drops_bad_options);
    tcase_add_test(tc, test_tcp_odd_options_accepted);
    tcase_add_test(tc, test_tcp_drops_bad_csum);
    tcase_add_test(tc, test_tcp_flags_str);
    tcase_add_test(tc, test_tcp_describe);
    tcase_add_test(tc, test_tcp_describe_wire);
    suite_add_tcase(s, tc);

    tc = tcase_create("describe");
    tcase_add_test(tc, test_describe_golden_frames);
    tcase_add_test(tc, test_describe_arp_variants);
    tcase_add_test(tc, test_describe_icmp_variants);
    tcase_add_test(tc, test_describe_udp_variants);
    tcase_add_test(tc, test_describe_tcp_variants);
    tcase_add_test(tc, test_describe_ipv4_variants);
    tcase_add_test(tc, test_describe_link_variants);
    tcase_add_test(tc, test_describe_short_buffers);
    suite_add_tcase(s, tc);

    tc = tcase_create("sweep");
    tcase_add_test(tc, test_sweep_truncations);
    tcase_add_test(tc, test_sweep_bit_flips);
    tcase_add_test(tc, test_sweep_random);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(wire_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
