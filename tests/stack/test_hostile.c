/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_hostile.c - one case per hostile frame: each is handed to bob (who
 * listens on TH_PORT, has a UDP socket on UDP_PORT and, for the TCP cases,
 * an established connection with the fake peer), and each case asserts the
 * named drop reason it must die with, or the RFC's answer, and that bob
 * stays well: he still answers a ping, and when the world is torn down no
 * packet is left alive (the pool's leak check).
 *
 * Drawn from the attacks and bug classes of AMNESIA:33, Ripple20, URGENT/11
 * and NAME:WRECK that apply to IPv4, TCP, UDP, ICMP and ARP: lengths that
 * lie (IP total length, IHL, UDP length, TCP data offset), options that run
 * past their header or have length 0 or 1, impossible addresses (LAND, own,
 * broadcast, multicast, 0.0.0.0, loopback from a wire), overlapping and tiny
 * fragments, MSS 0, urgent pointers past the data, ICMP errors that lie
 * about the path MTU or quote what was never sent, RSTs and SYNs aimed at a
 * connection from outside its window [RFC 5961].
 */
#include "tcp_test_util.h"

#include "stack/ipv4.h"
#include "stack/loopback.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

#define UDP_PORT     7777
#define BOB_BCAST    0xc00002ffu  /* 192.0.2.255: the subnet's directed broadcast */
#define LIMITED_BC   0xffffffffu
#define MCAST        0xe0000001u  /* 224.0.0.1 */
#define LOOPBACK     0x7f000001u
#define ROUTER       0xc00002feu

/* ---- building frames -------------------------------------------------------- */

/* Recompute the IPv4 header checksum of frame (after a test's edit). */
static void
fix_ip_csum(uint8_t *frame)
{
    uint8_t *ip = frame + ETH_HDR_LEN;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    be16_put(ip + IPV4_OFF_CSUM, 0);
    be16_put(ip + IPV4_OFF_CSUM, csum_compute(ip, ihl));
}

/* An IPv4 datagram from src to dst with payload, from alice's MAC to
 * eth_dst (NULL: bob's). */
static size_t
ip_frame(uint8_t *frame, uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *payload,
         size_t len, const uint8_t *eth_dst)
{
    struct ipv4_hdr ip = hwf_ip(src, dst, proto);
    return hwf_ipv4(frame, eth_dst != NULL ? eth_dst : BOB(w)->ifaces[0].mac,
                    w->host[HW_ALICE].ifaces[0].mac, &ip, payload, len);
}

/* A TCP segment (header + options + data) with a good checksum into buf. */
static size_t
tcp_seg(uint8_t *buf, uint32_t src, uint32_t dst, const struct tcp_hdr *t, const void *data,
        size_t len)
{
    size_t hl = TCP_HDR_MIN + tcp_opts_len(&t->opts);
    if (len > 0)
        memcpy(buf + hl, data, len);
    tcp_emit(t, buf, len, src, dst);
    return hl + len;
}

/* Recompute the TCP checksum of seg (len bytes) after an edit. */
static void
fix_tcp_csum(uint8_t *seg, size_t len, uint32_t src, uint32_t dst)
{
    be16_put(seg + 16, 0);
    uint32_t sum = csum_pseudo_ipv4(src, dst, IPPROTO_TCP_, (uint16_t)len);
    be16_put(seg + 16, csum_finish(csum_add(sum, seg, len)));
}

static size_t
udp_frame(uint8_t *frame, uint32_t src, uint32_t dst, uint16_t dport, const char *text)
{
    uint8_t l4[256];
    size_t n = hwf_udp(l4, src, 5555, dst, dport, (const uint8_t *)text, strlen(text));
    return ip_frame(frame, src, dst, IPPROTO_UDP_, l4, n, NULL);
}

static void
inject(const uint8_t *frame, size_t n)
{
    hw_inject(w, HW_BOB, frame, n);
}

static uint64_t
drops(enum drop_reason r)
{
    return BOB(w)->stats.drops[r];
}

/* ---- the world of every case ---------------------------------------------- */

static int lfd, ufd, cfd;      /* bob's listener, UDP socket, established connection */
static uint32_t bob_iss;       /* the connection's ISS (bob's) */
static uint32_t peer_nxt;      /* the fake peer's next sequence number */

static void
world_up(void)
{
    setup();
    lfd = th_listen(w, HW_BOB, TH_PORT, 8);
    cfd = th_passive_open(w, lfd, PEER_ISS, 65535, NULL, &bob_iss);
    peer_nxt = PEER_ISS + 1;
    hw_enter(w);
    ufd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_bind(BOB(w), ufd, &(struct sock_addr){ 0, UDP_PORT }), 0);
    th_flush(w, HW_BOB);
}

/* bob is still himself: a ping from alice gets its reply, the connection
 * is still ESTABLISHED, and nothing else is queued. */
static void
still_well(void)
{
    th_flush(w, HW_BOB);
    uint8_t icmp[16], frame[HWF_MAX];
    size_t n = hwf_icmp_echo(icmp, ICMP_ECHO_REQUEST, 77, 1, (const uint8_t *)"ping", 4);
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, n, NULL));
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 1);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf d;
    hwf_decode(p, &d);
    ck_assert(d.is_ipv4 && d.ip.proto == IPPROTO_ICMP_ && d.l4[0] == ICMP_ECHO_REPLY);
    pkt_free(p);
    ck_assert_int_eq(th_tcb(w, HW_BOB, cfd)->state, TCP_ESTABLISHED);
}

static void
world_down(void)
{
    still_well();
    teardown(); /* hw_destroy: asserts no packet is alive */
}

/* Bob sent nothing in answer. */
static void
silent(void)
{
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
}

/* ---- Ethernet ------------------------------------------------------------- */

static void
case_eth_runt(void)
{
    uint8_t frame[10] = { 0 };
    inject(frame, sizeof(frame));
    ck_assert_uint_eq(drops(DROP_ETH_TRUNCATED), 1);
}

static void
case_eth_unknown_type(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    be16_put(frame + 12, 0x86dd); /* IPv6 */
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_ETH_UNKNOWN_TYPE), 1);
}

static void
case_eth_other_unicast(void)
{
    uint8_t frame[HWF_MAX];
    static const uint8_t other[ETH_ALEN] = { 0x02, 0, 0, 0, 0x77, 0x77 };
    uint8_t l4[64];
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5555, HW_BOB_ADDR, UDP_PORT, (const uint8_t *)"x", 1);
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_, l4, n, other));
    ck_assert_uint_eq(drops(DROP_ETH_NOT_FOR_US), 1);
}

/* ---- impossible addresses [RFC 1122 3.2.1.3] ------------------------------ */

/* LAND: a SYN from bob's own address and port to the same, from the wire. */
static void
case_land(void)
{
    uint8_t seg[64], frame[HWF_MAX];
    struct tcp_hdr t = { .sport = TH_PORT, .dport = TH_PORT, .seq = 1, .flags = TCP_SYN,
                         .wnd = 65535 };
    size_t n = tcp_seg(seg, HW_BOB_ADDR, HW_BOB_ADDR, &t, NULL, 0);
    for (int i = 0; i < 3; i++)
        inject(frame, ip_frame(frame, HW_BOB_ADDR, HW_BOB_ADDR, IPPROTO_TCP_, seg, n, NULL));
    ck_assert_uint_eq(drops(DROP_IPV4_OWN_SRC), 3);
    silent();
    ck_assert(!loopback_pending(BOB(w)));
}

static void
case_own_source_udp(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, HW_BOB_ADDR, HW_BOB_ADDR, UDP_PORT, "me?"));
    ck_assert_uint_eq(drops(DROP_IPV4_OWN_SRC), 1);
    uint8_t b[8];
    ck_assert_int_eq(sock_recv(BOB(w), ufd, b, sizeof(b)), -ERR_AGAIN);
}

static void
case_directed_broadcast_source_syn(void)
{
    uint8_t seg[64], frame[HWF_MAX];
    struct tcp_hdr t = { .sport = 1234, .dport = TH_PORT, .seq = 1, .flags = TCP_SYN,
                         .wnd = 65535 };
    size_t n = tcp_seg(seg, BOB_BCAST, HW_BOB_ADDR, &t, NULL, 0);
    inject(frame, ip_frame(frame, BOB_BCAST, HW_BOB_ADDR, IPPROTO_TCP_, seg, n, NULL));
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_SRC), 1);
    silent(); /* no SYN-ACK to ff:ff:ff:ff:ff:ff */
}

static void
case_limited_broadcast_source(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, LIMITED_BC, HW_BOB_ADDR, UDP_PORT, "x"));
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_SRC), 1);
}

static void
case_multicast_source(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, MCAST, HW_BOB_ADDR, UDP_PORT, "x"));
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_SRC), 1);
}

static void
case_zero_source(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, 0, HW_BOB_ADDR, 9, "x")); /* closed port: no ICMP to 0 */
    ck_assert_uint_eq(drops(DROP_IPV4_ZERO_SRC), 1);
    silent();
}

static void
case_loopback_source(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, LOOPBACK, HW_BOB_ADDR, UDP_PORT, "x"));
    ck_assert_uint_eq(drops(DROP_IPV4_MARTIAN), 1);
}

static void
case_loopback_destination(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, HW_ALICE_ADDR, LOOPBACK, UDP_PORT, "x"));
    ck_assert_uint_eq(drops(DROP_IPV4_MARTIAN), 1);
}

static void
case_syn_to_broadcast(void)
{
    uint8_t seg[64], frame[HWF_MAX];
    struct tcp_hdr t = { .sport = 1234, .dport = TH_PORT, .seq = 1, .flags = TCP_SYN,
                         .wnd = 65535 };
    size_t n = tcp_seg(seg, HW_ALICE_ADDR, BOB_BCAST, &t, NULL, 0);
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, BOB_BCAST, IPPROTO_TCP_, seg, n, hwf_mac_bcast));
    ck_assert_uint_eq(drops(DROP_TCP_NO_SOCKET), 1);
    silent(); /* [RFC 1122 4.2.3.10] no SYN-ACK, no RST */
}

static void
case_udp_to_broadcast_closed_port(void)
{
    uint8_t frame[HWF_MAX], l4[64];
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5555, LIMITED_BC, 9, (const uint8_t *)"x", 1);
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, LIMITED_BC, IPPROTO_UDP_, l4, n, hwf_mac_bcast));
    ck_assert_uint_eq(drops(DROP_UDP_NO_SOCKET), 1);
    silent(); /* [RFC 1122 3.2.2] no ICMP error about a broadcast */
}

/* ---- ARP -------------------------------------------------------------------- */

static struct arp_hdr
arp_request_for_bob(const uint8_t sha[ETH_ALEN], uint32_t spa)
{
    struct arp_hdr a = { .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4,
                         .hlen = ETH_ALEN, .plen = 4, .op = ARP_OP_REQUEST,
                         .spa = spa, .tpa = HW_BOB_ADDR };
    memcpy(a.sha, sha, ETH_ALEN);
    return a;
}

static void
case_arp_broadcast_sender_mac(void)
{
    uint8_t frame[HWF_MAX];
    struct arp_hdr a = arp_request_for_bob(hwf_mac_bcast, 0xc0000209u);
    inject(frame, hwf_arp(frame, hwf_mac_bcast, &a));
    ck_assert_uint_eq(drops(DROP_ARP_BAD_SENDER), 1);
    silent();
    /* Not cached: a datagram to that address still needs ARP. */
    struct inspect_arp e;
    ck_assert(!inspect_arp_find(BOB(w), 0xc0000209u, &e));
}

static void
case_arp_multicast_sender_mac(void)
{
    uint8_t frame[HWF_MAX];
    static const uint8_t mc[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    struct arp_hdr a = arp_request_for_bob(mc, 0xc0000209u);
    inject(frame, hwf_arp(frame, hwf_mac_bcast, &a));
    ck_assert_uint_eq(drops(DROP_ARP_BAD_SENDER), 1);
    silent();
}

static void
case_arp_truncated(void)
{
    uint8_t frame[HWF_MAX];
    struct arp_hdr a = arp_request_for_bob(w->host[HW_ALICE].ifaces[0].mac, HW_ALICE_ADDR);
    size_t n = hwf_arp(frame, hwf_mac_bcast, &a);
    (void)n;
    inject(frame, ETH_HDR_LEN + 20);
    ck_assert_uint_eq(drops(DROP_ARP_TRUNCATED), 1);
}

static void
case_arp_bad_hw(void)
{
    uint8_t frame[HWF_MAX];
    struct arp_hdr a = arp_request_for_bob(w->host[HW_ALICE].ifaces[0].mac, HW_ALICE_ADDR);
    size_t n = hwf_arp(frame, hwf_mac_bcast, &a);
    be16_put(frame + ETH_HDR_LEN, 6); /* IEEE 802 */
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_ARP_BAD_HW), 1);
}

static void
case_arp_bad_proto(void)
{
    uint8_t frame[HWF_MAX];
    struct arp_hdr a = arp_request_for_bob(w->host[HW_ALICE].ifaces[0].mac, HW_ALICE_ADDR);
    size_t n = hwf_arp(frame, hwf_mac_bcast, &a);
    frame[ETH_HDR_LEN + 5] = 16; /* protocol address length 16 */
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_ARP_BAD_PROTO), 1);
}

static void
case_arp_bad_op(void)
{
    uint8_t frame[HWF_MAX];
    struct arp_hdr a = arp_request_for_bob(w->host[HW_ALICE].ifaces[0].mac, HW_ALICE_ADDR);
    size_t n = hwf_arp(frame, hwf_mac_bcast, &a);
    be16_put(frame + ETH_HDR_LEN + 6, 9);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_ARP_BAD_OP), 1);
}

static void
case_arp_not_for_us(void)
{
    uint8_t frame[HWF_MAX];
    struct arp_hdr a = arp_request_for_bob(w->host[HW_ALICE].ifaces[0].mac, 0xc0000233u);
    a.tpa = 0xc0000299u;
    inject(frame, hwf_arp(frame, hwf_mac_bcast, &a));
    ck_assert_uint_eq(drops(DROP_ARP_NOT_FOR_US), 1);
    silent();
}

/* ---- IPv4 header ------------------------------------------------------------ */

static void
case_ip_version_6(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    frame[ETH_HDR_LEN] = 0x65;
    fix_ip_csum(frame);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_VERSION), 1);
}

static void
case_ip_ihl_below_5(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    frame[ETH_HDR_LEN] = 0x44;
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_IHL), 1);
}

static void
case_ip_ihl_past_total_length(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    frame[ETH_HDR_LEN] = 0x4f; /* 60-byte header in a 29-byte datagram */
    fix_ip_csum(frame);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_IPV4_TRUNCATED), 1);
}

static void
case_ip_total_length_past_frame(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    be16_put(frame + ETH_HDR_LEN + IPV4_OFF_TOTAL_LEN, 1400);
    fix_ip_csum(frame);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_IPV4_TRUNCATED), 1);
}

static void
case_ip_total_length_below_header(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    be16_put(frame + ETH_HDR_LEN + IPV4_OFF_TOTAL_LEN, 12);
    fix_ip_csum(frame);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_IPV4_TRUNCATED), 1);
}

static void
case_ip_bad_checksum(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "x");
    frame[ETH_HDR_LEN + IPV4_OFF_CSUM] ^= 0x55;
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_CSUM), 1);
}

/* A datagram with IPv4 options (opt_len bytes from opts). */
static size_t
ip_with_options(uint8_t *frame, const uint8_t *opts, size_t opt_len)
{
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.opt_len = (uint8_t)opt_len;
    ip.ihl = (uint8_t)(IPV4_HDR_MIN + opt_len);
    memcpy(ip.options, opts, opt_len);
    uint8_t l4[64];
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5555, HW_BOB_ADDR, UDP_PORT, (const uint8_t *)"x", 1);
    return hwf_ipv4(frame, BOB(w)->ifaces[0].mac, w->host[HW_ALICE].ifaces[0].mac, &ip, l4, n);
}

static void
case_ip_option_length_zero(void)
{
    uint8_t frame[HWF_MAX];
    static const uint8_t opts[4] = { 0x07, 0x00, 0x00, 0x00 }; /* record route, length 0 */
    inject(frame, ip_with_options(frame, opts, sizeof(opts)));
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_OPTIONS), 1);
}

static void
case_ip_option_past_header(void)
{
    uint8_t frame[HWF_MAX];
    static const uint8_t opts[4] = { 0x07, 0x27, 0x04, 0x00 }; /* length 39 in 4 bytes */
    inject(frame, ip_with_options(frame, opts, sizeof(opts)));
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_OPTIONS), 1);
}

static void
case_ip_unknown_protocol(void)
{
    uint8_t frame[HWF_MAX];
    static const uint8_t body[8] = { 0 };
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, 253, body, sizeof(body), NULL));
    ck_assert_uint_eq(drops(DROP_IPV4_UNKNOWN_PROTO), 1);
    /* [RFC 1122 3.2.2.1] the answer: protocol unreachable. */
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf d;
    hwf_decode(p, &d);
    ck_assert(d.is_ipv4 && d.l4[0] == ICMP_DEST_UNREACH && d.l4[1] == ICMP_UNREACH_PROTOCOL);
    pkt_free(p);
}

/* ---- fragments --------------------------------------------------------------- */

static size_t
fragment(uint8_t *frame, uint16_t id, uint16_t off, bool mf, const uint8_t *data, size_t len)
{
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.id = id;
    ip.frag_off = off;
    ip.mf = mf;
    return hwf_ipv4(frame, BOB(w)->ifaces[0].mac, w->host[HW_ALICE].ifaces[0].mac, &ip, data,
                    len);
}

static void
case_frag_overlap(void)
{
    uint8_t frame[HWF_MAX], data[64] = { 0 };
    inject(frame, fragment(frame, 1, 0, true, data, 32));
    inject(frame, fragment(frame, 1, 16, true, data, 32)); /* bytes 16-47 again */
    /* [RFC 5722 4] the whole datagram goes: the held fragment and this one. */
    ck_assert_uint_eq(drops(DROP_IPV4_FRAG_OVERLAP), 2);
    ck_assert_uint_eq(BOB(w)->ipfrag.mem, 0);
}

static void
case_frag_tiny_not_multiple_of_8(void)
{
    uint8_t frame[HWF_MAX], data[8] = { 0 };
    inject(frame, fragment(frame, 2, 0, true, data, 3)); /* MF with 3 bytes */
    ck_assert_uint_eq(drops(DROP_IPV4_FRAG_BAD), 1);
}

static void
case_frag_empty(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, fragment(frame, 3, 8, true, NULL, 0));
    ck_assert_uint_eq(drops(DROP_IPV4_FRAG_BAD), 1);
}

static void
case_frag_past_65535(void)
{
    uint8_t frame[HWF_MAX], data[64] = { 0 };
    inject(frame, fragment(frame, 4, 65528, false, data, 64));
    ck_assert_uint_eq(drops(DROP_IPV4_FRAG_BAD), 1);
}

static void
case_frag_duplicate(void)
{
    uint8_t frame[HWF_MAX], data[16] = { 0 };
    inject(frame, fragment(frame, 5, 0, true, data, 16));
    inject(frame, fragment(frame, 5, 0, true, data, 16));
    ck_assert_uint_eq(drops(DROP_IPV4_FRAG_DUP), 1);
    /* The held fragment times out later; advancing past it frees it. */
    hw_advance(w, 31 * TH_S);
    ck_assert_uint_ge(drops(DROP_IPV4_FRAG_TIMEOUT), 1);
}

/* ---- ICMP -------------------------------------------------------------------- */

static void
case_icmp_truncated(void)
{
    uint8_t frame[HWF_MAX];
    static const uint8_t body[4] = { ICMP_ECHO_REQUEST, 0, 0, 0 };
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, body, 4, NULL));
    ck_assert_uint_eq(drops(DROP_ICMP_TRUNCATED), 1);
    silent();
}

static void
case_icmp_bad_checksum(void)
{
    uint8_t frame[HWF_MAX], icmp[16];
    size_t n = hwf_icmp_echo(icmp, ICMP_ECHO_REQUEST, 1, 1, (const uint8_t *)"abcd", 4);
    icmp[2] ^= 0xff;
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, n, NULL));
    ck_assert_uint_eq(drops(DROP_ICMP_BAD_CSUM), 1);
    silent();
}

static void
case_icmp_unknown_type(void)
{
    uint8_t frame[HWF_MAX], icmp[8] = { 42, 0, 0, 0, 0, 0, 0, 0 };
    be16_put(icmp + 2, csum_compute(icmp, sizeof(icmp)));
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, 8, NULL));
    ck_assert_uint_eq(drops(DROP_ICMP_UNHANDLED), 1);
    silent();
}

/* An ICMP error whose quote is cut short: an error about it would be an
 * error about an error, and the quote cannot be trusted: dropped, silent. */
static void
case_icmp_error_with_truncated_quote(void)
{
    uint8_t frame[HWF_MAX], icmp[8 + 12] = { ICMP_DEST_UNREACH, ICMP_UNREACH_PORT };
    icmp[8] = 0x45;
    be16_put(icmp + 2, csum_compute(icmp, sizeof(icmp)));
    inject(frame, ip_frame(frame, ROUTER, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, sizeof(icmp), NULL));
    ck_assert_uint_eq(drops(DROP_ICMP_TRUNCATED), 1);
    silent();
}

/* An ICMP error quoting an ICMP error (the quote says protocol ICMP, type
 * 3): it is taken in, but never answered [RFC 1122 3.2.2]. */
static void
case_icmp_error_about_icmp_error(void)
{
    uint8_t frame[HWF_MAX], icmp[8 + 20 + 8];
    memset(icmp, 0, sizeof(icmp));
    icmp[0] = ICMP_DEST_UNREACH;
    icmp[1] = ICMP_UNREACH_HOST;
    struct ipv4_hdr q = hwf_ip(HW_BOB_ADDR, HW_ALICE_ADDR, IPPROTO_ICMP_);
    q.total_len = 56;
    ipv4_emit(&q, icmp + 8);
    icmp[28] = ICMP_DEST_UNREACH;
    icmp[29] = ICMP_UNREACH_PORT;
    be16_put(icmp + 2, csum_compute(icmp, sizeof(icmp)));
    inject(frame, ip_frame(frame, ROUTER, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, sizeof(icmp), NULL));
    silent();
}

static void
case_ping_to_broadcast(void)
{
    uint8_t frame[HWF_MAX], icmp[16];
    size_t n = hwf_icmp_echo(icmp, ICMP_ECHO_REQUEST, 9, 1, (const uint8_t *)"all?", 4);
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, BOB_BCAST, IPPROTO_ICMP_, icmp, n, hwf_mac_bcast));
    /* [RFC 1122 3.2.2.6] a host MAY answer a broadcast echo; if it does,
     * from its own address, never the broadcast one; one reply at most. */
    ck_assert_uint_le(hw_pending(w, HW_BOB), 1);
    if (hw_pending(w, HW_BOB) == 1) {
        struct pkt *p = hw_take(w, HW_BOB);
        struct hwf d;
        hwf_decode(p, &d);
        ck_assert_uint_eq(d.ip.src, HW_BOB_ADDR);
        ck_assert_uint_eq(d.ip.dst, HW_ALICE_ADDR);
        pkt_free(p);
    }
}

static void
case_ping_from_broadcast_source(void)
{
    uint8_t frame[HWF_MAX], icmp[16];
    size_t n = hwf_icmp_echo(icmp, ICMP_ECHO_REQUEST, 9, 1, (const uint8_t *)"smurf", 5);
    inject(frame, ip_frame(frame, BOB_BCAST, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, n, NULL));
    ck_assert_uint_eq(drops(DROP_IPV4_BAD_SRC), 1);
    silent(); /* smurf: no reply to a whole subnet */
}

/* ICMP "fragmentation needed" about a TCP segment (the connection's). */
static void
needfrag_tcp(uint16_t mtu, uint16_t quoted_len, uint32_t seq)
{
    struct tcb *tp = th_tcb(w, HW_BOB, cfd);
    uint8_t icmp[8 + 20 + 8], frame[HWF_MAX];
    memset(icmp, 0, sizeof(icmp));
    icmp[0] = ICMP_DEST_UNREACH;
    icmp[1] = ICMP_UNREACH_NEEDFRAG;
    be16_put(icmp + 6, mtu);
    struct ipv4_hdr q = hwf_ip(HW_BOB_ADDR, HW_ALICE_ADDR, IPPROTO_TCP_);
    q.total_len = quoted_len;
    q.df = true;
    ipv4_emit(&q, icmp + 8);
    be16_put(icmp + 28, tp->lport);
    be16_put(icmp + 30, tp->fport);
    be32_put(icmp + 32, seq);
    be16_put(icmp + 2, csum_compute(icmp, sizeof(icmp)));
    inject(frame, ip_frame(frame, ROUTER, HW_BOB_ADDR, IPPROTO_ICMP_, icmp, sizeof(icmp), NULL));
}

/* One segment of bob's in flight, lost. */
static void
bob_in_flight(void)
{
    bob_send(cfd, 1000);
    th_flush(w, HW_BOB);
}

static void
case_needfrag_mtu_0(void)
{
    bob_in_flight();
    needfrag_tcp(0, 1040, bob_iss + 1);
    /* [RFC 1191 7] the plateau below 1040 is 1006. */
    ck_assert_uint_eq(ipv4_path_mtu(BOB(w), HW_ALICE_ADDR), 1006);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, cfd)->mss, 1006 - 40);
}

static void
case_needfrag_mtu_68(void)
{
    bob_in_flight();
    needfrag_tcp(68, 1040, bob_iss + 1);
    ck_assert_uint_eq(ipv4_path_mtu(BOB(w), HW_ALICE_ADDR), IPV4_PMTU_MIN_DEFAULT);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, cfd)->mss, IPV4_PMTU_MIN_DEFAULT - 40);
    ck_assert_uint_eq(drops(DROP_IPV4_TOO_BIG), 0);
}

static void
case_needfrag_spoofed_quote(void)
{
    bob_in_flight();
    needfrag_tcp(576, 1040, bob_iss + 1 + 500000);
    ck_assert_uint_eq(ipv4_path_mtu(BOB(w), HW_ALICE_ADDR), 1500);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, cfd)->mss, TH_MSS);
    silent();
}

/* ---- UDP --------------------------------------------------------------------- */

static void
case_udp_length_past_payload(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "abc");
    be16_put(frame + ETH_HDR_LEN + IPV4_HDR_MIN + 4, 200);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_UDP_TRUNCATED), 1);
}

static void
case_udp_length_below_8(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "abc");
    be16_put(frame + ETH_HDR_LEN + IPV4_HDR_MIN + 4, 5);
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_UDP_BAD_LEN), 1);
}

static void
case_udp_bad_checksum(void)
{
    uint8_t frame[HWF_MAX];
    size_t n = udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, UDP_PORT, "abc");
    frame[ETH_HDR_LEN + IPV4_HDR_MIN + 8] ^= 0x20;
    inject(frame, n);
    ck_assert_uint_eq(drops(DROP_UDP_BAD_CSUM), 1);
}

static void
case_udp_closed_port(void)
{
    uint8_t frame[HWF_MAX];
    inject(frame, udp_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, 9, "abc"));
    ck_assert_uint_eq(drops(DROP_UDP_NO_SOCKET), 1);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf d;
    hwf_decode(p, &d);
    ck_assert(d.l4[0] == ICMP_DEST_UNREACH && d.l4[1] == ICMP_UNREACH_PORT);
    pkt_free(p);
}

/* ---- TCP header -------------------------------------------------------------- */

/* A segment from the fake peer on the established connection. */
static size_t
peer_seg(uint8_t *seg, uint8_t flags, uint32_t seq, uint32_t ack, const void *data, size_t len)
{
    struct tcp_hdr t = { .sport = TH_PEER_PORT, .dport = TH_PORT, .seq = seq, .ack = ack,
                         .flags = flags, .wnd = 65535 };
    return tcp_seg(seg, HW_ALICE_ADDR, HW_BOB_ADDR, &t, data, len);
}

static void
inject_tcp(const uint8_t *seg, size_t n)
{
    uint8_t frame[HWF_MAX];
    inject(frame, ip_frame(frame, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_TCP_, seg, n, NULL));
}

static void
case_tcp_truncated(void)
{
    uint8_t seg[64];
    peer_seg(seg, TCP_ACK, peer_nxt, bob_iss + 1, NULL, 0);
    inject_tcp(seg, 12);
    ck_assert_uint_eq(drops(DROP_TCP_TRUNCATED), 1);
}

static void
case_tcp_data_offset_below_5(void)
{
    uint8_t seg[64];
    size_t n = peer_seg(seg, TCP_ACK, peer_nxt, bob_iss + 1, "abcd", 4);
    seg[12] = 0x30;
    fix_tcp_csum(seg, n, HW_ALICE_ADDR, HW_BOB_ADDR);
    inject_tcp(seg, n);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_OFFSET), 1);
}

static void
case_tcp_data_offset_past_segment(void)
{
    uint8_t seg[64];
    size_t n = peer_seg(seg, TCP_ACK, peer_nxt, bob_iss + 1, "abcd", 4);
    seg[12] = 0xf0; /* 60 bytes of header in 24 */
    fix_tcp_csum(seg, n, HW_ALICE_ADDR, HW_BOB_ADDR);
    inject_tcp(seg, n);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_OFFSET), 1);
}

/* A segment with a 4-byte option area holding opt. */
static void
tcp_with_option(const uint8_t opt[4], uint8_t flags)
{
    uint8_t seg[64];
    size_t n = peer_seg(seg, flags, peer_nxt, bob_iss + 1, NULL, 0);
    memmove(seg + 24, seg + 20, n - 20);
    memcpy(seg + 20, opt, 4);
    seg[12] = 0x60;
    n += 4;
    fix_tcp_csum(seg, n, HW_ALICE_ADDR, HW_BOB_ADDR);
    inject_tcp(seg, n);
}

static void
case_tcp_option_past_header(void)
{
    static const uint8_t opt[4] = { 2, 40, 5, 0xb4 }; /* MSS, length 40 */
    tcp_with_option(opt, TCP_ACK);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_OPTIONS), 1);
}

static void
case_tcp_option_length_zero(void)
{
    static const uint8_t opt[4] = { 8, 0, 0, 0 }; /* timestamps, length 0: a loop */
    tcp_with_option(opt, TCP_ACK);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_OPTIONS), 1);
}

static void
case_tcp_option_length_one(void)
{
    static const uint8_t opt[4] = { 30, 1, 1, 1 };
    tcp_with_option(opt, TCP_ACK);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_OPTIONS), 1);
}

static void
case_tcp_mss_option_wrong_length(void)
{
    static const uint8_t opt[4] = { 2, 3, 5, 1 };
    tcp_with_option(opt, TCP_SYN);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_OPTIONS), 1);
    silent();
}

static void
case_tcp_bad_checksum(void)
{
    uint8_t seg[64];
    size_t n = peer_seg(seg, TCP_ACK | TCP_PSH, peer_nxt, bob_iss + 1, "evil", 4);
    seg[n - 1] ^= 1;
    inject_tcp(seg, n);
    ck_assert_uint_eq(drops(DROP_TCP_BAD_CSUM), 1);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, cfd)->rcv_nxt, peer_nxt);
}

/* ---- TCP flags and state [RFC 9293 3.10.7, RFC 5961] ------------------------- */

/* A segment to the listener from a new port. */
static void
to_listener(uint8_t flags, const struct tcp_opts *opts)
{
    uint8_t seg[96];
    struct tcp_hdr t = { .sport = 41000, .dport = TH_PORT, .seq = 777, .ack = 1,
                         .flags = flags, .wnd = 65535 };
    if (opts != NULL)
        t.opts = *opts;
    inject_tcp(seg, tcp_seg(seg, HW_ALICE_ADDR, HW_BOB_ADDR, &t, NULL, 0));
}

static void
case_syn_fin_to_listener(void)
{
    to_listener(TCP_SYN | TCP_FIN, NULL);
    ck_assert_uint_eq(drops(DROP_TCP_SYN_FIN), 1);
    silent();
}

static void
case_syn_rst_to_listener(void)
{
    to_listener(TCP_SYN | TCP_RST, NULL);
    ck_assert_uint_eq(drops(DROP_TCP_RST_IGNORED), 1);
    silent();
}

static void
case_ack_to_listener(void)
{
    to_listener(TCP_ACK, NULL);
    ck_assert_uint_eq(drops(DROP_TCP_LISTEN_BAD), 1);
    struct th_seg r = take();
    ck_assert(r.t.flags & TCP_RST); /* [RFC 9293 3.10.7.2] <SEQ=SEG.ACK><CTL=RST> */
    ck_assert_uint_eq(r.t.seq, 1);
}

static void
case_bare_segment_to_listener(void)
{
    to_listener(TCP_PSH, NULL);
    ck_assert_uint_eq(drops(DROP_TCP_LISTEN_BAD), 1);
    silent();
}

static void
case_syn_with_mss_zero(void)
{
    struct tcp_opts o = { .has_mss = true, .mss = 0 };
    to_listener(TCP_SYN, &o);
    struct th_seg sa = take();
    ck_assert_uint_eq(sa.t.flags, TCP_SYN | TCP_ACK);
    /* MSS 0 would make every segment empty (and a loop that never ends):
     * the stack keeps at least 64. */
    const struct tcb *tp = NULL;
    for (const struct tcb *t = BOB(w)->tcp.tcbs; t != NULL; t = t->next)
        if (t->fport == 41000)
            tp = t;
    ck_assert_ptr_nonnull(tp);
    ck_assert_uint_ge(tp->mss, 64);
}

static void
case_syn_with_window_scale_255(void)
{
    struct tcp_opts o = { .has_mss = true, .mss = 1460, .has_wscale = true, .wscale = 255 };
    to_listener(TCP_SYN, &o);
    take();
    for (const struct tcb *t = BOB(w)->tcp.tcbs; t != NULL; t = t->next)
        if (t->fport == 41000)
            ck_assert_uint_le(t->snd_wscale, TCP_MAX_WSCALE); /* [RFC 7323 2.3] */
}

static void
case_rst_to_closed_port_is_not_answered(void)
{
    uint8_t seg[64];
    struct tcp_hdr t = { .sport = 41001, .dport = 9, .seq = 5, .flags = TCP_RST };
    inject_tcp(seg, tcp_seg(seg, HW_ALICE_ADDR, HW_BOB_ADDR, &t, NULL, 0));
    ck_assert_uint_eq(drops(DROP_TCP_NO_SOCKET), 1);
    silent();
}

static void
case_syn_to_closed_port_gets_rst(void)
{
    uint8_t seg[64];
    struct tcp_hdr t = { .sport = 41002, .dport = 9, .seq = 5, .flags = TCP_SYN };
    inject_tcp(seg, tcp_seg(seg, HW_ALICE_ADDR, HW_BOB_ADDR, &t, NULL, 0));
    ck_assert_uint_eq(drops(DROP_TCP_NO_SOCKET), 1);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.flags, TCP_RST | TCP_ACK);
    ck_assert_uint_eq(r.t.ack, 6);
}

static void
case_rst_out_of_window(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_RST, peer_nxt + 1000000, 0, NULL, 0));
    ck_assert_uint_eq(drops(DROP_TCP_RST_OUT_OF_WINDOW), 1);
    silent();
}

static void
case_rst_in_window_not_at_rcv_nxt(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_RST, peer_nxt + 100, 0, NULL, 0));
    ck_assert_uint_eq(drops(DROP_TCP_RST_IN_WINDOW), 1);
    struct th_seg c = take(); /* [RFC 5961 3.2] the challenge ACK */
    ck_assert_uint_eq(c.t.flags, TCP_ACK);
    ck_assert_uint_eq(c.t.ack, peer_nxt);
}

static void
case_syn_on_established(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_SYN, peer_nxt + 5, 0, NULL, 0));
    ck_assert_uint_eq(drops(DROP_TCP_SYN_IN_WINDOW), 1);
    struct th_seg c = take(); /* [RFC 5961 4.2] the challenge ACK */
    ck_assert_uint_eq(c.t.flags, TCP_ACK);
}

static void
case_blind_data_with_bad_ack(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_ACK | TCP_PSH, peer_nxt, bob_iss + 1 + 900000, "inject", 6));
    ck_assert_uint_eq(drops(DROP_TCP_BAD_ACK), 1);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, cfd)->rcv_nxt, peer_nxt);
    take(); /* [RFC 5961 5.2] the challenge ACK */
}

static void
case_segment_without_ack(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_PSH, peer_nxt, 0, "noack", 5));
    ck_assert_uint_eq(drops(DROP_TCP_NO_ACK), 1);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, cfd)->rcv_nxt, peer_nxt);
}

static void
case_data_out_of_window(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_ACK, peer_nxt + 5000000, bob_iss + 1, "far", 3));
    ck_assert_uint_eq(drops(DROP_TCP_OUT_OF_WINDOW), 1);
    struct th_seg a = take(); /* "an acknowledgment should be sent in reply" */
    ck_assert_uint_eq(a.t.ack, peer_nxt);
}

static void
case_old_duplicate(void)
{
    uint8_t seg[64];
    inject_tcp(seg, peer_seg(seg, TCP_ACK, peer_nxt - 3, bob_iss + 1, "old", 3));
    ck_assert_uint_eq(drops(DROP_TCP_DUPLICATE), 1);
    take();
}

/* URGENT/11: an urgent pointer far past the data. Urgent data is not
 * implemented: the pointer is ignored and the bytes are ordinary data. */
static void
case_urgent_pointer_past_data(void)
{
    uint8_t seg[64];
    size_t n = peer_seg(seg, TCP_ACK | TCP_URG, peer_nxt, bob_iss + 1, "urgent", 6);
    be16_put(seg + 18, 60000);
    fix_tcp_csum(seg, n, HW_ALICE_ADDR, HW_BOB_ADDR);
    inject_tcp(seg, n);
    uint8_t b[16];
    ck_assert_int_eq(sock_recv(BOB(w), cfd, b, sizeof(b)), 6);
    ck_assert_int_eq(memcmp(b, "urgent", 6), 0);
}

static void
case_sack_of_data_never_sent(void)
{
    uint8_t seg[96];
    bob_send(cfd, 100);
    th_flush(w, HW_BOB);
    struct tcp_hdr t = { .sport = TH_PEER_PORT, .dport = TH_PORT, .seq = peer_nxt,
                         .ack = bob_iss + 1, .flags = TCP_ACK, .wnd = 65535 };
    t.opts.sack_count = 1;
    t.opts.sack[0].left = bob_iss + 500000;
    t.opts.sack[0].right = bob_iss + 600000;
    inject_tcp(seg, tcp_seg(seg, HW_ALICE_ADDR, HW_BOB_ADDR, &t, NULL, 0));
    /* Nothing believed: the scoreboard holds nothing past SND.MAX. */
    struct tcb *tp = th_tcb(w, HW_BOB, cfd);
    ck_assert_uint_eq(tp->snd_una, bob_iss + 1);
}

/* ---- the table -------------------------------------------------------------- */

struct hostile_case {
    const char *name;
    void (*run)(void);
};

static const struct hostile_case cases[] = {
    { "Ethernet runt", case_eth_runt },
    { "unknown EtherType", case_eth_unknown_type },
    { "frame for another station", case_eth_other_unicast },
    { "LAND SYN", case_land },
    { "own address as source", case_own_source_udp },
    { "SYN from the directed broadcast", case_directed_broadcast_source_syn },
    { "limited broadcast source", case_limited_broadcast_source },
    { "multicast source", case_multicast_source },
    { "0.0.0.0 source", case_zero_source },
    { "127.0.0.1 source from a wire", case_loopback_source },
    { "127.0.0.1 destination from a wire", case_loopback_destination },
    { "SYN to the broadcast address", case_syn_to_broadcast },
    { "UDP to broadcast, closed port", case_udp_to_broadcast_closed_port },
    { "ARP broadcast sender MAC", case_arp_broadcast_sender_mac },
    { "ARP multicast sender MAC", case_arp_multicast_sender_mac },
    { "ARP truncated", case_arp_truncated },
    { "ARP hardware type", case_arp_bad_hw },
    { "ARP protocol length", case_arp_bad_proto },
    { "ARP opcode", case_arp_bad_op },
    { "ARP for another address", case_arp_not_for_us },
    { "IP version 6", case_ip_version_6 },
    { "IHL below 5", case_ip_ihl_below_5 },
    { "IHL past the total length", case_ip_ihl_past_total_length },
    { "total length past the frame", case_ip_total_length_past_frame },
    { "total length below the header", case_ip_total_length_below_header },
    { "IP checksum", case_ip_bad_checksum },
    { "IP option of length 0", case_ip_option_length_zero },
    { "IP option past the header", case_ip_option_past_header },
    { "unknown IP protocol", case_ip_unknown_protocol },
    { "overlapping fragments", case_frag_overlap },
    { "tiny fragment", case_frag_tiny_not_multiple_of_8 },
    { "empty fragment", case_frag_empty },
    { "fragment past 65535", case_frag_past_65535 },
    { "duplicate fragment", case_frag_duplicate },
    { "ICMP truncated", case_icmp_truncated },
    { "ICMP checksum", case_icmp_bad_checksum },
    { "ICMP unknown type", case_icmp_unknown_type },
    { "ICMP error, quote cut short", case_icmp_error_with_truncated_quote },
    { "ICMP error about an ICMP error", case_icmp_error_about_icmp_error },
    { "ping to the broadcast address", case_ping_to_broadcast },
    { "ping from the broadcast address (smurf)", case_ping_from_broadcast_source },
    { "frag-needed MTU 0", case_needfrag_mtu_0 },
    { "frag-needed MTU 68", case_needfrag_mtu_68 },
    { "frag-needed spoofed quote", case_needfrag_spoofed_quote },
    { "UDP length past the payload", case_udp_length_past_payload },
    { "UDP length below 8", case_udp_length_below_8 },
    { "UDP checksum", case_udp_bad_checksum },
    { "UDP to a closed port", case_udp_closed_port },
    { "TCP header truncated", case_tcp_truncated },
    { "TCP data offset below 5", case_tcp_data_offset_below_5 },
    { "TCP data offset past the segment", case_tcp_data_offset_past_segment },
    { "TCP option past the header", case_tcp_option_past_header },
    { "TCP option of length 0", case_tcp_option_length_zero },
    { "TCP option of length 1", case_tcp_option_length_one },
    { "TCP MSS option of length 3", case_tcp_mss_option_wrong_length },
    { "TCP checksum", case_tcp_bad_checksum },
    { "SYN+FIN to a listener", case_syn_fin_to_listener },
    { "SYN+RST to a listener", case_syn_rst_to_listener },
    { "ACK to a listener", case_ack_to_listener },
    { "neither SYN nor ACK to a listener", case_bare_segment_to_listener },
    { "SYN with MSS 0", case_syn_with_mss_zero },
    { "SYN with window scale 255", case_syn_with_window_scale_255 },
    { "RST to a closed port", case_rst_to_closed_port_is_not_answered },
    { "SYN to a closed port", case_syn_to_closed_port_gets_rst },
    { "RST out of window", case_rst_out_of_window },
    { "RST in window, not at RCV.NXT", case_rst_in_window_not_at_rcv_nxt },
    { "SYN on an established connection", case_syn_on_established },
    { "blind data with a bad ACK", case_blind_data_with_bad_ack },
    { "data without ACK", case_segment_without_ack },
    { "data out of window", case_data_out_of_window },
    { "old duplicate data", case_old_duplicate },
    { "urgent pointer past the data", case_urgent_pointer_past_data },
    { "SACK of data never sent", case_sack_of_data_never_sent },
};

#define N_CASES ((int)(sizeof(cases) / sizeof(cases[0])))

START_TEST(test_hostile_frame)
{
    world_up();
    cases[_i].run();
    world_down();
}
END_TEST

START_TEST(test_there_are_fifty_cases_or_more)
{
    ck_assert_int_ge(N_CASES, 50);
}
END_TEST

static Suite *
hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("frames");
    tcase_add_test(tc, test_there_are_fifty_cases_or_more);
    tcase_add_loop_test(tc, test_hostile_frame, 0, N_CASES);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(hostile_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
