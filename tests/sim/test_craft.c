/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_craft.c - Check suite for sim/craft.c: frames built field by field
 * are checked byte by byte and through the stack's own parsers (which verify
 * every checksum); deliberate damage (bad checksum, wrong lengths) lands in
 * exactly the field asked for; a crafted SYN put on a link is answered by a
 * listening host.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/craft.h"
#include "sim/link.h"
#include "sim/sim.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/trace.h"
#include "stack/wire/arp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

static const uint8_t MAC_A[ETH_ALEN] = { 0x02, 0, 0, 0, 1, 1 };
static const uint8_t MAC_B[ETH_ALEN] = { 0x02, 0, 0, 0, 2, 1 };
#define IP_A IPV4_ADDR(192, 0, 2, 1)
#define IP_B IPV4_ADDR(192, 0, 2, 2)

static uint8_t frame[CRAFT_MAX];

/* A craft from A to B over IPv4 with transport t. */
static void
ip_craft(struct craft *c, enum craft_trans t)
{
    craft_init(c);
    memcpy(c->eth.dst, MAC_B, ETH_ALEN);
    memcpy(c->eth.src, MAC_A, ETH_ALEN);
    c->net = CRAFT_NET_IPV4;
    c->ip.src = IP_A;
    c->ip.dst = IP_B;
    c->trans = t;
}

static size_t
build_ok(const struct craft *c)
{
    size_t len = 0;
    const char *why = NULL;
    int rc = craft_build(c, frame, sizeof frame, &len, &why);
    ck_assert_msg(rc == 0, "craft_build: %s", why != NULL ? why : "?");
    return len;
}

static void
add_opt(struct craft *c, struct craft_tcpopt o)
{
    ck_assert_int_eq(craft_tcp_add_opt(c, &o), 0);
}

START_TEST(test_tcp_syn_with_every_option)
{
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_TCP);
    c.ip.id = 0x1234;
    c.ip.has_ttl = true;
    c.ip.ttl = 1;
    c.ip.tos = 0x10;
    c.ip.df = true;
    c.tcp.sport = 4444;
    c.tcp.dport = 80;
    c.tcp.seq = 1000;
    c.tcp.ack = 0;
    c.tcp.flags = TCP_SYN;
    c.tcp.win = 512;
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_MSS, .mss = 1460 });
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_SACK_PERM });
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_TS, .ts_val = 7, .ts_ecr = 0 });
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_NOP });
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_WSCALE, .wscale = 7 });
    static const uint8_t data[3] = { 'a', 'b', 'c' };
    c.payload = data;
    c.payload_len = sizeof data;
    size_t len = build_ok(&c);
    ck_assert_uint_eq(len, 14 + 20 + 40 + 3);

    /* Ethernet */
    ck_assert_mem_eq(frame, MAC_B, 6);
    ck_assert_mem_eq(frame + 6, MAC_A, 6);
    ck_assert_uint_eq(be16_get(frame + 12), ETHERTYPE_IPV4);
    /* IPv4, field by field */
    const uint8_t *ip = frame + 14;
    ck_assert_uint_eq(ip[0], 0x45);
    ck_assert_uint_eq(ip[1], 0x10);
    ck_assert_uint_eq(be16_get(ip + 2), 20 + 40 + 3);
    ck_assert_uint_eq(be16_get(ip + 4), 0x1234);
    ck_assert_uint_eq(be16_get(ip + 6), 0x4000);  /* DF, offset 0 */
    ck_assert_uint_eq(ip[8], 1);
    ck_assert_uint_eq(ip[9], 6);
    ck_assert_uint_eq(be32_get(ip + 12), IP_A);
    ck_assert_uint_eq(be32_get(ip + 16), IP_B);
    ck_assert_uint_eq(csum_compute(ip, 20), 0);  /* header checksum verifies */
    /* TCP, field by field */
    const uint8_t *t = ip + 20;
    ck_assert_uint_eq(be16_get(t), 4444);
    ck_assert_uint_eq(be16_get(t + 2), 80);
    ck_assert_uint_eq(be32_get(t + 4), 1000);
    ck_assert_uint_eq(be32_get(t + 8), 0);
    ck_assert_uint_eq(t[12], 10u << 4);  /* 40 bytes of header */
    ck_assert_uint_eq(t[13], TCP_SYN);
    ck_assert_uint_eq(be16_get(t + 14), 512);
    ck_assert_uint_eq(be16_get(t + 18), 0);
    static const uint8_t opts[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7,
                                      0, 0, 0, 0, 1, 3, 3, 7 };
    ck_assert_mem_eq(t + 20, opts, sizeof opts);
    ck_assert_mem_eq(t + 40, "abc", 3);
    uint32_t sum = csum_pseudo_ipv4(IP_A, IP_B, 6, 43);
    ck_assert_uint_eq(csum_finish(csum_add(sum, t, 43)), 0);  /* TCP checksum verifies */

    /* and the stack's own parsers agree with every field */
    struct ipv4_hdr ih;
    ck_assert_int_eq(ipv4_parse(ip, len - 14, &ih), DROP_NONE);
    ck_assert(ih.df && !ih.mf);
    struct tcp_hdr th;
    ck_assert_int_eq(tcp_parse(t, 43, IP_A, IP_B, &th), DROP_NONE);
    ck_assert(th.opts.has_mss && th.opts.mss == 1460);
    ck_assert(th.opts.sack_permitted);
    ck_assert(th.opts.has_ts && th.opts.ts_val == 7);
    ck_assert(th.opts.has_wscale && th.opts.wscale == 7);
}
END_TEST

START_TEST(test_tcp_sack_eol_raw_and_padding)
{
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_TCP);
    c.tcp.flags = TCP_ACK;
    c.tcp.ack = 5000;
    struct craft_tcpopt sack = { .kind = CRAFT_TCPOPT_SACK, .n_sack = 2 };
    sack.sack[0][0] = 100;
    sack.sack[0][1] = 200;
    sack.sack[1][0] = 300;
    sack.sack[1][1] = 400;
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_NOP });
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_NOP });
    add_opt(&c, sack);
    struct craft_tcpopt raw = { .kind = CRAFT_TCPOPT_RAW, .raw_len = 3, .raw = { 0xfe, 3, 0xaa } };
    add_opt(&c, raw);
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_EOL });
    ck_assert_uint_eq(craft_tcp_opts_len(&c.tcp), 2 + 18 + 3 + 1);
    size_t len = build_ok(&c);
    const uint8_t *t = frame + 34;
    ck_assert_uint_eq(t[12] >> 4, 11);  /* 24 option bytes: 44 */
    static const uint8_t opts[24] = { 1, 1, 5, 18, 0, 0, 0, 100, 0, 0, 0, 200,
                                      0, 0, 1, 0x2c, 0, 0, 1, 0x90, 0xfe, 3, 0xaa, 0 };
    ck_assert_mem_eq(t + 20, opts, sizeof opts);
    ck_assert_uint_eq(len, 14 + 20 + 44);
    struct tcp_hdr th;
    ck_assert_int_eq(tcp_parse(t, 44, IP_A, IP_B, &th), DROP_NONE);
    ck_assert_uint_eq(th.opts.sack_count, 2);
    ck_assert_uint_eq(th.opts.sack[1].right, 400);

    /* unpadded: 3 bytes of options, data offset rounds up, no EOL written */
    ip_craft(&c, CRAFT_TRANS_TCP);
    add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_WSCALE, .wscale = 14 });
    c.tcp.no_opt_pad = true;
    c.payload = (const uint8_t *)"Z";
    c.payload_len = 1;
    build_ok(&c);
    ck_assert_uint_eq(t[12] >> 4, 6);
    ck_assert_uint_eq(t[23], 'Z');
    ck_assert_uint_eq(be16_get(frame + 14 + 2), 20 + 23 + 1);

    /* over 40 bytes of options is refused, with a reason */
    ip_craft(&c, CRAFT_TRANS_TCP);
    for (int i = 0; i < 5; i++)
        add_opt(&c, (struct craft_tcpopt){ .kind = CRAFT_TCPOPT_TS });
    size_t n = 0;
    const char *why = NULL;
    ck_assert_int_eq(craft_build(&c, frame, sizeof frame, &n, &why), -ERR_INVAL);
    ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_bad_checksums_land_where_asked)
{
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_TCP);
    c.tcp.flags = TCP_RST;
    size_t len = build_ok(&c);
    uint16_t right_ip = be16_get(frame + 24), right_tcp = be16_get(frame + 34 + 16);

    c.tcp.csum.mode = CRAFT_CSUM_BAD;
    build_ok(&c);
    ck_assert_uint_eq(be16_get(frame + 24), right_ip);  /* IPv4 untouched */
    ck_assert_uint_ne(be16_get(frame + 34 + 16), right_tcp);
    struct tcp_hdr th;
    ck_assert_int_eq(tcp_parse(frame + 34, 20, IP_A, IP_B, &th), DROP_TCP_BAD_CSUM);

    c.tcp.csum.mode = CRAFT_CSUM_RIGHT;
    c.ip.csum.mode = CRAFT_CSUM_BAD;
    build_ok(&c);
    struct ipv4_hdr ih;
    ck_assert_int_eq(ipv4_parse(frame + 14, len - 14, &ih), DROP_IPV4_BAD_CSUM);
    ck_assert_int_eq(tcp_parse(frame + 34, 20, IP_A, IP_B, &th), DROP_NONE);

    c.ip.csum.mode = CRAFT_CSUM_VALUE;
    c.ip.csum.value = 0xbeef;
    build_ok(&c);
    ck_assert_uint_eq(be16_get(frame + 24), 0xbeef);

    /* UDP: "no checksum" is 0 on the wire and still accepted [RFC 768] */
    ip_craft(&c, CRAFT_TRANS_UDP);
    c.udp.sport = 9;
    c.udp.dport = 7;
    c.udp.csum.mode = CRAFT_CSUM_VALUE;
    c.udp.csum.value = 0;
    build_ok(&c);
    ck_assert_uint_eq(be16_get(frame + 34 + 6), 0);
    struct udp_hdr uh;
    ck_assert_int_eq(udp_parse(frame + 34, 8, IP_A, IP_B, &uh), DROP_NONE);
    c.udp.csum.mode = CRAFT_CSUM_BAD;
    build_ok(&c);
    ck_assert_int_eq(udp_parse(frame + 34, 8, IP_A, IP_B, &uh), DROP_UDP_BAD_CSUM);
}
END_TEST

START_TEST(test_udp_and_lengths)
{
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_UDP);
    c.udp.sport = 49152;
    c.udp.dport = 7;
    c.payload = (const uint8_t *)"hello";
    c.payload_len = 5;
    size_t len = build_ok(&c);
    ck_assert_uint_eq(len, 60);  /* 47 bytes padded to the minimum frame */
    ck_assert_uint_eq(frame[47], 0);
    const uint8_t *u = frame + 34;
    ck_assert_uint_eq(be16_get(u), 49152);
    ck_assert_uint_eq(be16_get(u + 2), 7);
    ck_assert_uint_eq(be16_get(u + 4), 13);
    ck_assert_mem_eq(u + 8, "hello", 5);
    ck_assert_uint_eq(be16_get(frame + 14 + 2), 33);
    ck_assert_uint_eq(frame[14 + 9], 17);
    ck_assert_uint_eq(frame[14 + 8], 64);  /* default TTL */
    struct udp_hdr uh;
    ck_assert_int_eq(udp_parse(u, 13, IP_A, IP_B, &uh), DROP_NONE);

    /* no_pad keeps the frame short */
    c.no_pad = true;
    ck_assert_uint_eq(build_ok(&c), 47);

    /* lengths that lie: only the field changes */
    c.udp.has_len = true;
    c.udp.len = 200;
    c.ip.has_total_len = true;
    c.ip.total_len = 21;
    c.ip.has_ihl = true;
    c.ip.ihl = 4;
    ck_assert_uint_eq(build_ok(&c), 47);
    ck_assert_uint_eq(be16_get(u + 4), 200);
    ck_assert_uint_eq(be16_get(frame + 16), 21);
    ck_assert_uint_eq(frame[14], 0x44);
    ck_assert_uint_eq(csum_compute(frame + 14, 20), 0);  /* the lie is checksummed */
    struct ipv4_hdr ih;
    ck_assert_int_eq(ipv4_parse(frame + 14, 33, &ih), DROP_IPV4_BAD_IHL);
}
END_TEST

START_TEST(test_ipv4_options_and_fragments)
{
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_NONE);
    c.ip.has_proto = true;
    c.ip.proto = 6;
    c.ip.mf = true;
    c.ip.rf = true;
    c.ip.frag_off = 1480;
    c.ip.id = 77;
    c.ip.opt_len = 3;  /* a record-route stub, padded with EOL */
    c.ip.options[0] = 7;
    c.ip.options[1] = 3;
    c.ip.options[2] = 4;
    static const uint8_t body[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    c.payload = body;
    c.payload_len = sizeof body;
    size_t len = build_ok(&c);
    ck_assert_uint_eq(len, 60);  /* 54 bytes, padded */
    const uint8_t *ip = frame + 14;
    ck_assert_uint_eq(ip[0], 0x46);
    ck_assert_uint_eq(be16_get(ip + 6), 0x8000 | 0x2000 | 185);
    ck_assert_uint_eq(ip[9], 6);
    ck_assert_uint_eq(ip[23], 0);  /* EOL pad */
    ck_assert_uint_eq(csum_compute(ip, 24), 0);
    ck_assert_mem_eq(ip + 24, body, 16);

    /* an offset that is not a multiple of 8 cannot be encoded */
    c.ip.frag_off = 12;
    size_t n;
    const char *why = NULL;
    ck_assert_int_eq(craft_build(&c, frame, sizeof frame, &n, &why), -ERR_INVAL);
    ck_assert_ptr_nonnull(why);
}
END_TEST

/* Two slices of one UDP datagram reassemble into exactly the whole. */
START_TEST(test_slices_of_one_transport)
{
    static uint8_t whole[64];
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_UDP);
    c.udp.sport = 1;
    c.udp.dport = 2;
    static const uint8_t data[20] = "twenty bytes of data";
    c.payload = data;
    c.payload_len = sizeof data;
    c.no_pad = true;
    size_t wl = build_ok(&c);
    memcpy(whole, frame + 34, wl - 34);  /* 28 transport bytes */

    c.ip.slice = true;
    c.ip.slice_off = 0;
    c.ip.slice_len = 8;
    c.ip.mf = true;
    size_t l1 = build_ok(&c);
    ck_assert_uint_eq(l1, 14 + 20 + 8);
    ck_assert_mem_eq(frame + 34, whole, 8);
    ck_assert_uint_eq(be16_get(frame + 16), 28);
    ck_assert_uint_eq(frame[23], 17);  /* the protocol follows the transport */

    c.ip.slice_off = 8;
    c.ip.slice_len = -1;
    c.ip.mf = false;
    c.ip.frag_off = 8;
    size_t l2 = build_ok(&c);
    ck_assert_uint_eq(l2, 14 + 20 + 20);
    ck_assert_mem_eq(frame + 34, whole + 8, 20);
    ck_assert_uint_eq(be16_get(frame + 20), 1);  /* offset 8 bytes = 1 unit */

    c.ip.slice_off = 30;
    size_t n;
    ck_assert_int_eq(craft_build(&c, frame, sizeof frame, &n, NULL), -ERR_INVAL);
}
END_TEST

START_TEST(test_icmp_messages)
{
    /* echo request */
    struct craft c;
    ip_craft(&c, CRAFT_TRANS_ICMP);
    c.icmp.type = ICMP_ECHO_REQUEST;
    c.icmp.id = 0x4242;
    c.icmp.seq = 3;
    c.payload = (const uint8_t *)"ping";
    c.payload_len = 4;
    build_ok(&c);
    const uint8_t *m = frame + 34;
    ck_assert_uint_eq(m[0], 8);
    ck_assert_uint_eq(m[1], 0);
    ck_assert_uint_eq(be16_get(m + 4), 0x4242);
    ck_assert_uint_eq(be16_get(m + 6), 3);
    ck_assert_uint_eq(csum_compute(m, 12), 0);
    ck_assert_uint_eq(frame[23], 1);

    /* the datagram to quote: B's TCP segment to A */
    struct craft q;
    ip_craft(&q, CRAFT_TRANS_TCP);
    q.no_eth = true;
    q.ip.src = IP_B;
    q.ip.dst = IP_A;
    q.tcp.sport = 80;
    q.tcp.dport = 4444;
    q.tcp.seq = 0xdeadbeef;
    q.tcp.flags = TCP_ACK;
    q.payload = (const uint8_t *)"0123456789";
    q.payload_len = 10;
    static uint8_t quoted[128];
    size_t ql = 0;
    ck_assert_int_eq(craft_build(&q, quoted, sizeof quoted, &ql, NULL), 0);
    ck_assert_uint_eq(ql, 50);  /* no Ethernet, no padding */
    ck_assert_uint_eq(quoted[0], 0x45);
    ck_assert_uint_eq(craft_quote_len(quoted, ql), 28);

    /* fragmentation needed, next-hop MTU 576 [RFC 1191 4] */
    ip_craft(&c, CRAFT_TRANS_ICMP);
    c.icmp.type = ICMP_DEST_UNREACH;
    c.icmp.code = ICMP_UNREACH_NEEDFRAG;
    c.icmp.mtu = 576;
    c.payload = quoted;
    c.payload_len = craft_quote_len(quoted, ql);
    size_t len = build_ok(&c);
    ck_assert_uint_eq(len, 14 + 20 + 8 + 28);
    ck_assert_uint_eq(be16_get(m + 4), 0);
    ck_assert_uint_eq(be16_get(m + 6), 576);
    ck_assert_mem_eq(m + 8, quoted, 28);
    struct icmp_hdr ih;
    ck_assert_int_eq(icmp_parse(m, 36, &ih), DROP_NONE);
    ck_assert_uint_eq(ih.mtu, 576);

    /* time exceeded: the second word is unused and zero even with id set */
    c.icmp.type = ICMP_TIME_EXCEEDED;
    c.icmp.code = ICMP_EXC_TTL;
    c.icmp.id = 9;
    build_ok(&c);
    ck_assert_uint_eq(be32_get(m + 4), 0);
    ck_assert_uint_eq(csum_compute(m, 36), 0);

    /* port unreachable with a bad checksum */
    c.icmp.type = ICMP_DEST_UNREACH;
    c.icmp.code = ICMP_UNREACH_PORT;
    c.icmp.csum.mode = CRAFT_CSUM_BAD;
    build_ok(&c);
    ck_assert_int_eq(icmp_parse(m, 36, &ih), DROP_ICMP_BAD_CSUM);

    /* the whole second word */
    c.icmp.csum.mode = CRAFT_CSUM_RIGHT;
    c.icmp.has_rest = true;
    c.icmp.rest = 0x01020304;
    build_ok(&c);
    ck_assert_uint_eq(be32_get(m + 4), 0x01020304);
}
END_TEST

START_TEST(test_arp_and_raw_ethernet)
{
    struct craft c;
    craft_init(&c);
    memset(c.eth.dst, 0xff, ETH_ALEN);
    memcpy(c.eth.src, MAC_A, ETH_ALEN);
    craft_arp_defaults(&c);
    c.arp.op = ARP_OP_REPLY;
    memcpy(c.arp.sha, MAC_A, ETH_ALEN);
    c.arp.spa = IP_B;  /* a spoofed claim: A says it is B */
    memcpy(c.arp.tha, MAC_B, ETH_ALEN);
    c.arp.tpa = IP_B;
    size_t len = build_ok(&c);
    ck_assert_uint_eq(len, 60);
    ck_assert_uint_eq(be16_get(frame + 12), ETHERTYPE_ARP);
    static const uint8_t body[28] = { 0, 1, 8, 0, 6, 4, 0, 2, 2, 0, 0, 0, 1, 1, 192, 0, 2, 2,
                                      2, 0, 0, 0, 2, 1, 192, 0, 2, 2 };
    ck_assert_mem_eq(frame + 14, body, 28);
    struct arp_hdr ah;
    ck_assert_int_eq(arp_parse(frame + 14, 46, &ah), DROP_NONE);
    ck_assert_uint_eq(ah.spa, IP_B);

    /* any EtherType with raw bytes */
    craft_init(&c);
    c.eth.has_type = true;
    c.eth.type = 0x88b5;
    c.payload = (const uint8_t *)"xyz";
    c.payload_len = 3;
    c.no_pad = true;
    ck_assert_uint_eq(build_ok(&c), 17);
    ck_assert_uint_eq(be16_get(frame + 12), 0x88b5);

    /* what cannot be: TCP without IPv4, ARP without Ethernet, a tiny buffer */
    craft_init(&c);
    c.trans = CRAFT_TRANS_TCP;
    size_t n;
    const char *why = NULL;
    ck_assert_int_eq(craft_build(&c, frame, sizeof frame, &n, &why), -ERR_INVAL);
    craft_arp_defaults(&c);
    c.trans = CRAFT_TRANS_NONE;
    c.no_eth = true;
    ck_assert_int_eq(craft_build(&c, frame, sizeof frame, &n, &why), -ERR_INVAL);
    c.no_eth = false;
    ck_assert_int_eq(craft_build(&c, frame, 30, &n, &why), -ERR_MSGSIZE);
}
END_TEST

/* Wire events of a world, by TCP flags: what the capture would hold. */
struct wire_count {
    struct trace_sink sink;
    unsigned syn, synack, rst, arp;
};

static void
wire_count_emit(void *ctx, const struct trace_event *ev)
{
    struct wire_count *w = ctx;
    if (ev->kind != TRACE_WIRE || ev->pkt == NULL)
        return;
    const uint8_t *f = ev->pkt->data;
    if (be16_get(f + 12) == ETHERTYPE_ARP) {
        w->arp++;
        return;
    }
    uint8_t flags = f[14 + 20 + 13];
    if (flags == TCP_SYN)
        w->syn++;
    else if (flags == (TCP_SYN | TCP_ACK))
        w->synack++;
    else if (flags & TCP_RST)
        w->rst++;
}

/* End to end: a SYN crafted on alice's side of alice-bob reaches bob, who
 * listens on port 80 and answers with a SYN-ACK; alice, who never sent a
 * SYN, resets it [RFC 9293 3.10.7.1]. A second SYN handed straight to bob's
 * interface is answered too but was never on the wire itself. */
START_TEST(test_crafted_syn_is_answered)
{
    struct sim *s = calloc(1, sizeof *s);
    sim_init(s, 1);
    struct wire_count wc = { .sink = { .emit = wire_count_emit } };
    wc.sink.ctx = &wc;
    trace_attach(&s->trace, &wc.sink);
    struct host *a = sim_add_host(s, "alice"), *b = sim_add_host(s, "bob");
    struct iface *ia = sim_host_add_iface(s, a, IP_A, 24, 1500, NULL);
    struct iface *ib = sim_host_add_iface(s, b, IP_B, 24, 1500, NULL);
    struct link *l = sim_add_link(s, ia, ib, NULL);
    ck_assert_ptr_nonnull(l);
    sim_enter_host(s, b);
    int fd = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr ad = { .port = 80 };
    ck_assert_int_eq(sock_bind(b, fd, &ad), 0);
    ck_assert_int_eq(sock_listen(b, fd, 4), 0);
    sim_host_entered(s, b);

    struct craft c;
    ip_craft(&c, CRAFT_TRANS_TCP);
    memcpy(c.eth.src, ia->mac, ETH_ALEN);
    memcpy(c.eth.dst, ib->mac, ETH_ALEN);
    c.tcp.sport = 4444;
    c.tcp.dport = 80;
    c.tcp.seq = 1000;
    c.tcp.flags = TCP_SYN;
    c.tcp.win = 512;
    size_t len = build_ok(&c);
    struct pkt *p = craft_pkt(s, frame, len, cause_call(CALL_NONE, 1));
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->cause.step, 1);
    ck_assert_int_eq(craft_send_on_link(l, ib, p), 0);
    sim_run_until(s, 1000000000ull);
    ck_assert_uint_eq(wc.syn, 1);
    ck_assert_uint_ge(l->dir[0].wire.delivered, 1);
    ck_assert_uint_eq(wc.synack, 1);
    ck_assert_uint_eq(wc.rst, 1);

    /* into bob's interface, no link between: the SYN is not on the wire */
    c.tcp.sport = 5555;
    len = build_ok(&c);
    ck_assert_int_eq(craft_deliver(s, ib, craft_pkt(s, frame, len, cause_call(CALL_NONE, 2))), 0);
    sim_run_until(s, 2000000000ull);
    ck_assert_uint_eq(wc.syn, 1);
    ck_assert_uint_eq(wc.synack, 2);
    ck_assert_uint_eq(wc.rst, 2);

    /* an interface that is not an end of the link: refused, not leaked */
    ck_assert_int_eq(craft_send_on_link(l, NULL, craft_pkt(s, frame, len, cause_call(CALL_NONE, 3))),
                     -ERR_INVAL);
    sim_destroy(s);
    ck_assert_uint_eq(s->pool.live, 0);
    trace_detach(&s->trace, &wc.sink);
    free(s);
}
END_TEST

static Suite *
craft_suite(void)
{
    Suite *s = suite_create("sim/craft");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, test_tcp_syn_with_every_option);
    tcase_add_test(tc, test_tcp_sack_eol_raw_and_padding);
    tcase_add_test(tc, test_bad_checksums_land_where_asked);
    tcase_add_test(tc, test_udp_and_lengths);
    tcase_add_test(tc, test_ipv4_options_and_fragments);
    tcase_add_test(tc, test_slices_of_one_transport);
    tcase_add_test(tc, test_icmp_messages);
    tcase_add_test(tc, test_arp_and_raw_ethernet);
    suite_add_tcase(s, tc);
    tc = tcase_create("deliver");
    tcase_add_test(tc, test_crafted_syn_is_answered);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(craft_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
