/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ipv4.c - IPv4 on a host: header checks [RFC 791 3.1], mine/forward/drop
 * [RFC 1122 3.2.1, 3.3.4.2], protocol unreachable [RFC 1122 3.2.2.1], output
 * defaults, and forwarding with TTL [RFC 791 3.2] [RFC 1812 5.2].
 *
 * Frames are made by hand with the wire emitters and injected into bob as if
 * alice had sent them; each test breaks one field.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/ipfrag.h"
#include "stack/ipv4.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])

#define NET2       IPV4_ADDR(198, 51, 100, 0)
#define BOB_ETH1   IPV4_ADDR(198, 51, 100, 254)
#define CAROL_ADDR IPV4_ADDR(198, 51, 100, 1)
static const uint8_t mac_bob1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t mac_carol[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x01 };

/* Inject into bob a datagram alice "sent": ip + payload in a frame to bob's MAC. */
static void
inject_ip(struct hw_world *w, const struct ipv4_hdr *ip, const uint8_t *payload, size_t len)
{
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, ip, payload, len);
    hw_inject(w, HW_BOB, frame, n);
}

/* A UDP datagram alice:5000 -> bob:7 as bytes, for inject_ip(). */
static size_t
udp_payload(uint8_t *buf, uint32_t dst, const char *text)
{
    return hwf_udp(buf, HW_ALICE_ADDR, 5000, dst, 7, (const uint8_t *)text, strlen(text));
}

static int
bob_udp_socket(struct hw_world *w, uint16_t port)
{
    hw_enter(w);
    int fd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr a = { .addr = 0, .port = port };
    ck_assert_int_eq(sock_bind(BOB(w), fd, &a), 0);
    return fd;
}

static uint64_t
counter(const struct host *h, const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(inspect_counter(h, name, &v), "no counter %s", name);
    return v;
}

/* bob dropped exactly one packet, for `why`, at the IPv4 layer, and sent nothing. */
static void
expect_ipv4_drop(struct hw_world *w, enum drop_reason why)
{
    ck_assert_msg(BOB(w)->stats.drops[why] == 1, "expected one %s drop", drop_reason_name(why));
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_IPV4], 1);
    ck_assert_uint_eq(hw_count_drops(w, (int)why), 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
}

/* --- header checks -------------------------------------------------------- */

START_TEST(test_good_datagram_is_delivered)
{
    struct hw_world *w = hw_new();
    int fd = bob_udp_socket(w, 7);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, HW_BOB_ADDR, "hello"));
    uint8_t buf[16];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 5);
    ck_assert_mem_eq(buf, "hello", 5);
    ck_assert_uint_eq(counter(BOB(w), "ipv4.rx"), 1);
    ck_assert_uint_eq(counter(BOB(w), "drops"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bad_header_checksum)
{
    struct hw_world *w = hw_new();
    int fd = bob_udp_socket(w, 7);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t l4[64], frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4,
                        udp_payload(l4, HW_BOB_ADDR, "hello"));
    frame[ETH_HDR_LEN + IPV4_OFF_CSUM + 1] ^= 0x01;
    hw_inject(w, HW_BOB, frame, n);
    expect_ipv4_drop(w, DROP_IPV4_BAD_CSUM);
    ck_assert_uint_eq(counter(BOB(w), "drop.IPV4_BAD_CSUM"), 1);
    ck_assert_uint_eq(counter(BOB(w), "ipv4.rx"), 0);
    uint8_t buf[16];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

/* One byte of the IPv4 header changed before injection (checks that come
 * before the checksum see it first). */
static const struct {
    size_t off;      /* byte in the IPv4 header */
    uint8_t val;     /* new value */
    enum drop_reason why;
} bad_fields[] = {
    { IPV4_OFF_VER_IHL, 0x65, DROP_IPV4_BAD_VERSION },  /* version 6 */
    { IPV4_OFF_VER_IHL, 0x05, DROP_IPV4_BAD_VERSION },  /* version 0 */
    { IPV4_OFF_VER_IHL, 0x44, DROP_IPV4_BAD_IHL },      /* IHL 4: 16 bytes */
    { IPV4_OFF_VER_IHL, 0x40, DROP_IPV4_BAD_IHL },      /* IHL 0 */
    { IPV4_OFF_VER_IHL, 0x4f, DROP_IPV4_TRUNCATED },    /* IHL 15: 60 bytes, more than arrived */
    { IPV4_OFF_TOTAL_LEN, 0x01, DROP_IPV4_TRUNCATED },  /* total length 256+: past the frame */
};

START_TEST(test_bad_field_dropped_with_reason)
{
    struct hw_world *w = hw_new();
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t l4[64], frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4,
                        udp_payload(l4, HW_BOB_ADDR, "x"));
    frame[ETH_HDR_LEN + bad_fields[_i].off] = bad_fields[_i].val;
    hw_inject(w, HW_BOB, frame, n);
    expect_ipv4_drop(w, bad_fields[_i].why);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_total_length_below_header_is_truncated)
{
    struct hw_world *w = hw_new();
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.total_len = 19;  /* checksum is right; the length is not */
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, HW_BOB_ADDR, "x"));
    expect_ipv4_drop(w, DROP_IPV4_TRUNCATED);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_total_length_past_frame_is_truncated)
{
    struct hw_world *w = hw_new();
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.total_len = 200;  /* the tail was lost */
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, HW_BOB_ADDR, "x"));
    expect_ipv4_drop(w, DROP_IPV4_TRUNCATED);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_frame_shorter_than_header_is_truncated)
{
    struct hw_world *w = hw_new();
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t frame[HWF_MAX];
    hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, NULL, 0);
    hw_inject(w, HW_BOB, frame, ETH_HDR_LEN + 19);
    expect_ipv4_drop(w, DROP_IPV4_TRUNCATED);
    hw_destroy(w);
    free(w);
}
END_TEST

static const struct {
    uint8_t opt[8];  /* the options, 4 or 8 bytes */
    uint8_t len;
} bad_options[] = {
    { { 0x07, 0x09, 0x04, 0x00 }, 4 },                    /* record route, length 9 > 4 left */
    { { 0x44, 0x01, 0x00, 0x00 }, 4 },                    /* timestamp, length 1 < 2 */
    { { 0x01, 0x01, 0x01, 0x07 }, 4 },                    /* NOPs, then no room for a length */
    { { 0x83, 0x00, 0x00, 0x00 }, 4 },                    /* loose source route, length 0 */
    { { 0x07, 0x03, 0x04, 0x01, 0x83, 0x05, 0, 0 }, 8 },  /* second option runs past */
};

START_TEST(test_options_with_bad_length)
{
    struct hw_world *w = hw_new();
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.ihl = (uint8_t)(IPV4_HDR_MIN + bad_options[_i].len);
    ip.opt_len = bad_options[_i].len;
    memcpy(ip.options, bad_options[_i].opt, bad_options[_i].len);
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, HW_BOB_ADDR, "x"));
    expect_ipv4_drop(w, DROP_IPV4_BAD_OPTIONS);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_good_options_are_skipped)
{
    struct hw_world *w = hw_new();
    int fd = bob_udp_socket(w, 7);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    /* NOP, NOP, then a 4-byte option of an unknown type, then EOL padding. */
    static const uint8_t opts[8] = { 0x01, 0x01, 0x9e, 0x04, 0xab, 0xcd, 0x00, 0x00 };
    ip.ihl = 28;
    ip.opt_len = 8;
    memcpy(ip.options, opts, sizeof(opts));
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, HW_BOB_ADDR, "opt"));
    uint8_t buf[16];
    struct sock_addr from;
    ck_assert_int_eq(sock_recvfrom(BOB(w), fd, buf, sizeof(buf), &from), 3);
    ck_assert_mem_eq(buf, "opt", 3);
    ck_assert_uint_eq(from.addr, HW_ALICE_ADDR);
    ck_assert_uint_eq(from.port, 5000);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_broadcast_or_multicast_source_is_dropped)
{
    struct hw_world *w = hw_new();
    bob_udp_socket(w, 7);
    struct ipv4_hdr ip = hwf_ip(IPV4_BROADCAST, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t l4[64];
    inject_ip(w, &ip, l4, hwf_udp(l4, IPV4_BROADCAST, 5000, HW_BOB_ADDR, 7, NULL, 0));
    ip = hwf_ip(IPV4_ADDR(224, 0, 0, 1), HW_BOB_ADDR, IPPROTO_UDP_);
    inject_ip(w, &ip, l4, hwf_udp(l4, IPV4_ADDR(224, 0, 0, 1), 5000, HW_BOB_ADDR, 7, NULL, 0));
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_BAD_SRC], 2);
    ck_assert_uint_eq(BOB(w)->stats.udp_delivered, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- mine, or not --------------------------------------------------------- */

START_TEST(test_not_for_us_on_a_host)
{
    struct hw_world *w = hw_new();
    ck_assert(!BOB(w)->forwarding);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, IPV4_ADDR(192, 0, 2, 77), IPPROTO_UDP_);
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, IPV4_ADDR(192, 0, 2, 77), "x"));
    expect_ipv4_drop(w, DROP_IPV4_NOT_FOR_US);
    ck_assert_uint_eq(BOB(w)->stats.ipv4_forwarded, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_fragments_are_reassembled)
{
    struct hw_world *w = hw_new();
    int fd = bob_udp_socket(w, 7);
    /* One UDP datagram (8-byte header + 24 bytes) cut in two by hand: bytes
     * 0-15 (MF set) and 16-31, delivered last piece first. */
    const char *text = "reassemble me, bob! 1234";
    uint8_t l4[64];
    size_t n = udp_payload(l4, HW_BOB_ADDR, text);
    ck_assert_uint_eq(n, 32);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    ip.id = 77;
    ip.frag_off = 16;  /* the last fragment */
    inject_ip(w, &ip, l4 + 16, 16);
    uint8_t buf[64];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), -ERR_AGAIN);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 1);
    ip.frag_off = 0;
    ip.mf = true;  /* the first fragment: more follow */
    inject_ip(w, &ip, l4, 16);
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 24);
    ck_assert_mem_eq(buf, text, 24);
    ck_assert_uint_eq(ipfrag_count(BOB(w)), 0);
    ck_assert_uint_eq(BOB(w)->ipfrag.reassembled, 1);
    ck_assert_uint_eq(counter(BOB(w), "drops"), 0);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_directed_and_limited_broadcast_are_accepted)
{
    struct hw_world *w = hw_new();
    int fd = bob_udp_socket(w, 7);
    uint8_t l4[64], frame[HWF_MAX], buf[8];
    uint32_t dsts[2] = { IPV4_ADDR(192, 0, 2, 255), IPV4_BROADCAST };
    for (int i = 0; i < 2; i++) {
        struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, dsts[i], IPPROTO_UDP_);
        size_t n = hwf_ipv4(frame, hwf_mac_bcast, ALICE(w)->ifaces[0].mac, &ip, l4,
                            udp_payload(l4, dsts[i], "b"));
        hw_inject(w, HW_BOB, frame, n);
        ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 1);
    }
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_unknown_protocol_gets_protocol_unreachable)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, 253);  /* [RFC 3692] experimental */
    const uint8_t payload[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, payload,
                        sizeof(payload));
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_UNKNOWN_PROTO], 1);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_ipv4);
    ck_assert_uint_eq(f.ip.proto, IPPROTO_ICMP_);
    ck_assert_uint_eq(f.ip.src, HW_BOB_ADDR);
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f.l4, f.l4_len, &icmp), DROP_NONE);
    ck_assert_uint_eq(icmp.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(icmp.code, ICMP_UNREACH_PROTOCOL);
    /* [RFC 792] the quote is the IP header and the first 64 bits of data. */
    ck_assert_uint_eq(icmp.body_len, IPV4_HDR_MIN + 8);
    ck_assert_mem_eq(f.l4 + ICMP_HDR_LEN, frame + ETH_HDR_LEN, IPV4_HDR_MIN + 8);
    pkt_free(p);
    ck_assert_uint_eq(counter(BOB(w), "icmp.tx.unreachable"), 1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_unknown_protocol_to_broadcast_is_silent)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, IPV4_ADDR(192, 0, 2, 255), 253);
    uint8_t frame[HWF_MAX];
    const uint8_t payload[8] = { 0 };
    size_t n = hwf_ipv4(frame, hwf_mac_bcast, ALICE(w)->ifaces[0].mac, &ip, payload,
                        sizeof(payload));
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_UNKNOWN_PROTO], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_ethernet_padding_is_trimmed)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    /* An echo request with 4 bytes of data is a 46-byte frame: 14 bytes of
     * padding follow on the wire. Non-zero padding would break the ICMP
     * checksum and lengthen the reply if IPv4 did not trim to total length. */
    uint8_t l4[64];
    size_t n = hwf_icmp_echo(l4, ICMP_ECHO_REQUEST, 0x77, 1, (const uint8_t *)"ping", 4);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_);
    uint8_t frame[HWF_MAX];
    size_t len = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4, n);
    ck_assert_uint_eq(len, 46);
    memset(frame + len, 0xaa, ETH_MIN_FRAME - len);
    hw_inject(w, HW_BOB, frame, ETH_MIN_FRAME);
    ck_assert_uint_eq(counter(BOB(w), "drops"), 0);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.total_len, IPV4_HDR_MIN + 12);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f.l4, f.l4_len, &icmp), DROP_NONE);
    ck_assert_uint_eq(icmp.type, ICMP_ECHO_REPLY);
    ck_assert_uint_eq(icmp.body_len, 4);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- output --------------------------------------------------------------- */

START_TEST(test_output_defaults)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    hw_enter(w);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 7 };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"ab", 2, &to), 2);
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"cd", 2, &to), 2);
    struct pkt *p1 = hw_take(w, HW_ALICE), *p2 = hw_take(w, HW_ALICE);
    struct hwf f1, f2;
    hwf_decode(p1, &f1);
    hwf_decode(p2, &f2);
    ck_assert_uint_eq(f1.ip.ttl, IPV4_DEFAULT_TTL);
    ck_assert_uint_eq(f1.ip.ttl, 64);
    ck_assert_uint_eq(f1.ip.ihl, IPV4_HDR_MIN);
    ck_assert_uint_eq(f1.ip.tos, 0);
    ck_assert(!f1.ip.df);
    ck_assert(!f1.ip.mf);
    ck_assert_uint_eq(f1.ip.frag_off, 0);
    ck_assert_uint_eq(f1.ip.proto, IPPROTO_UDP_);
    ck_assert_uint_eq(f1.ip.src, HW_ALICE_ADDR);
    ck_assert_uint_eq(f1.ip.dst, HW_BOB_ADDR);
    ck_assert_uint_eq(f1.ip.total_len, IPV4_HDR_MIN + UDP_HDR_LEN + 2);
    /* A short datagram is padded to the Ethernet minimum. */
    ck_assert_uint_eq(f1.frame_len, ETH_MIN_FRAME);
    /* Each datagram gets the next identification. */
    ck_assert_uint_eq(f2.ip.id, (uint16_t)(f1.ip.id + 1));
    ck_assert_uint_eq(counter(a, "ipv4.tx"), 2);
    pkt_free(p1);
    pkt_free(p2);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_output_honours_ttl_tos_df)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    hw_enter(w);
    struct host *a = ALICE(w);
    struct pkt *p = host_pkt_alloc(a, PKT_HEADROOM, 8);
    memset(pkt_put(p, 8), 0, 8);
    struct ipv4_tx tx = { .dst = HW_BOB_ADDR, .proto = 253, .ttl = 1, .tos = 0x10, .df = true };
    ck_assert_int_eq(ipv4_output(a, p, &tx), 0);
    p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.ttl, 1);
    ck_assert_uint_eq(f.ip.tos, 0x10);
    ck_assert(f.ip.df);
    ck_assert_uint_eq(f.ip.proto, 253);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_output_errors)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct host *a = ALICE(w);
    struct pkt *p = host_pkt_alloc(a, PKT_HEADROOM, 8);
    pkt_put(p, 8);
    struct ipv4_tx tx = { .dst = IPV4_ADDR(203, 0, 113, 1), .proto = IPPROTO_UDP_ };
    ck_assert_int_eq(ipv4_output(a, p, &tx), -ERR_NETUNREACH);
    ck_assert_uint_eq(a->stats.drops[DROP_IPV4_NO_ROUTE], 1);
    /* 1481 bytes of payload make a 1501-byte datagram: over the MTU, so with
     * DF it is refused [RFC 791 3.2]... */
    p = host_pkt_alloc(a, PKT_HEADROOM, 1481);
    pkt_put(p, 1481);
    tx.dst = HW_BOB_ADDR;
    tx.df = true;
    ck_assert_int_eq(ipv4_output(a, p, &tx), -ERR_MSGSIZE);
    ck_assert_uint_eq(a->stats.drops[DROP_IPV4_TOO_BIG], 1);
    /* ...and without DF it leaves as two fragments (held for ARP). */
    p = host_pkt_alloc(a, PKT_HEADROOM, 1481);
    pkt_put(p, 1481);
    tx.df = false;
    ck_assert_int_eq(ipv4_output(a, p, &tx), 0);
    ck_assert_uint_eq(arp_cache_lookup(a, HW_BOB_ADDR)->pending.count, 2);
    /* Nothing can exceed what the 16-bit total length holds. */
    p = host_pkt_alloc(a, PKT_HEADROOM, IPV4_MAX_LEN - IPV4_HDR_MIN + 1);
    pkt_put(p, IPV4_MAX_LEN - IPV4_HDR_MIN + 1);
    ck_assert_int_eq(ipv4_output(a, p, &tx), -ERR_MSGSIZE);
    ck_assert_uint_eq(a->stats.drops[DROP_IPV4_TOO_BIG], 2);
    /* 1480 fit exactly (an ARP request goes out for it). */
    p = host_pkt_alloc(a, PKT_HEADROOM, 1480);
    pkt_put(p, 1480);
    ck_assert_int_eq(ipv4_output(a, p, &tx), 0);
    ck_assert_uint_eq(ipv4_max_payload(a, HW_BOB_ADDR), 1480);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_broadcast_output_needs_no_arp)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct host *a = ALICE(w);
    uint32_t dsts[2] = { IPV4_BROADCAST, IPV4_ADDR(192, 0, 2, 255) };
    for (int i = 0; i < 2; i++) {
        struct pkt *p = host_pkt_alloc(a, PKT_HEADROOM, 8);
        pkt_put(p, 8);
        struct ipv4_tx tx = { .dst = dsts[i], .proto = 253 };
        ck_assert_int_eq(ipv4_output(a, p, &tx), 0);
        p = hw_take(w, HW_ALICE);
        struct hwf f;
        hwf_decode(p, &f);
        ck_assert(f.is_ipv4);
        ck_assert_mem_eq(f.eth.dst, hwf_mac_bcast, ETH_ALEN);
        ck_assert_uint_eq(f.ip.src, HW_ALICE_ADDR);
        ck_assert_uint_eq(f.ip.dst, dsts[i]);
        pkt_free(p);
    }
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ARP, HW_ALICE), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- forwarding ----------------------------------------------------------- */

/* bob routes between alice's 192.0.2.0/24 (eth0) and 198.51.100.0/24 (eth1,
 * a recording port) where carol is 198.51.100.1; alice routes that subnet via
 * bob. */
static struct iface *
make_router(struct hw_world *w, struct hw_port *port, uint16_t mtu, bool know_carol)
{
    struct host *b = BOB(w);
    b->forwarding = true;
    struct iface *eth1 = host_add_iface(b, "eth1", mac_bob1, BOB_ETH1, 24, mtu, &hw_port_ops, port);
    ck_assert_ptr_nonnull(eth1);
    hw_enter(w);
    host_iface_up(b, eth1, false);
    ck_assert_int_eq(route_add(ALICE(w), NET2, 24, HW_BOB_ADDR, NULL, 0, ROUTE_PROTO_STATIC), 0);
    hw_learn_each_other(w);
    if (know_carol)
        ck_assert_int_eq(arp_cache_set_permanent(b, eth1, CAROL_ADDR, mac_carol), 0);
    return eth1;
}

/* A datagram alice -> carol with this TTL, injected into bob. */
static void
inject_to_carol(struct hw_world *w, uint8_t ttl, bool df, const char *text)
{
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, CAROL_ADDR, IPPROTO_UDP_);
    ip.ttl = ttl;
    ip.df = df;
    uint8_t l4[HWF_MAX];
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5000, CAROL_ADDR, 9, (const uint8_t *)text, strlen(text));
    inject_ip(w, &ip, l4, n);
}

/* The ICMP error bob sent alice: returns its header; checks addresses and the quote. */
static struct icmp_hdr
take_icmp_error(struct hw_world *w, uint8_t quoted_ttl)
{
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.proto, IPPROTO_ICMP_);
    ck_assert_uint_eq(f.ip.src, HW_BOB_ADDR);  /* the interface toward alice */
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f.l4, f.l4_len, &icmp), DROP_NONE);
    ck_assert_uint_eq(icmp.body_len, IPV4_HDR_MIN + 8);
    const uint8_t *quote = f.l4 + ICMP_HDR_LEN;
    /* The quoted header is the one that arrived, checksum and all. */
    ck_assert_uint_eq(csum_compute(quote, IPV4_HDR_MIN), 0);
    ck_assert_uint_eq(quote[IPV4_OFF_TTL], quoted_ttl);
    ck_assert_uint_eq(be32_get(quote + IPV4_OFF_DST), CAROL_ADDR);
    ck_assert_uint_eq(be16_get(quote + IPV4_HDR_MIN + 2), 9);  /* the UDP port */
    pkt_free(p);
    return icmp;
}

START_TEST(test_forward_decrements_ttl)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    struct iface *eth1 = make_router(w, &port, 1500, true);
    hw_enter(w);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = CAROL_ADDR, .port = 9 };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"via bob", 7, &to), 7);
    hw_deliver(w);
    ck_assert_uint_eq(port.out.count, 1);
    struct pkt *p = pkt_queue_pop(&port.out);
    struct hwf f;
    hwf_decode(p, &f);  /* the header checksum was recomputed */
    ck_assert_mem_eq(f.eth.dst, mac_carol, ETH_ALEN);
    ck_assert_mem_eq(f.eth.src, eth1->mac, ETH_ALEN);
    ck_assert_uint_eq(f.ip.ttl, IPV4_DEFAULT_TTL - 1);
    ck_assert_uint_eq(f.ip.src, HW_ALICE_ADDR);
    ck_assert_uint_eq(f.ip.dst, CAROL_ADDR);
    struct udp_hdr udp;
    ck_assert_int_eq(udp_parse(f.l4, f.l4_len, f.ip.src, f.ip.dst, &udp), DROP_NONE);
    ck_assert_uint_eq(udp.dport, 9);
    ck_assert_mem_eq(f.l4 + UDP_HDR_LEN, "via bob", 7);
    pkt_free(p);
    ck_assert_uint_eq(BOB(w)->stats.ipv4_forwarded, 1);
    ck_assert_uint_eq(counter(BOB(w), "ipv4.forwarded"), 1);
    ck_assert_uint_eq(counter(BOB(w), "drops"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_forward_ttl_2_leaves_with_ttl_1)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, 1500, true);
    inject_to_carol(w, 2, false, "x");
    ck_assert_uint_eq(port.out.count, 1);
    struct hwf f;
    struct pkt *p = pkt_queue_pop(&port.out);
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.ttl, 1);
    pkt_free(p);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_forward_ttl_1_sends_time_exceeded)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, 1500, true);
    inject_to_carol(w, 1, false, "x");
    ck_assert_uint_eq(port.out.count, 0);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_TTL_EXPIRED], 1);
    ck_assert_uint_eq(BOB(w)->stats.ipv4_forwarded, 0);
    struct icmp_hdr icmp = take_icmp_error(w, 1);
    ck_assert_uint_eq(icmp.type, ICMP_TIME_EXCEEDED);
    ck_assert_uint_eq(icmp.code, ICMP_EXC_TTL);
    ck_assert_uint_eq(counter(BOB(w), "icmp.tx.time_exceeded"), 1);
    /* TTL 0 on arrival is expired too. */
    inject_to_carol(w, 0, false, "x");
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_TTL_EXPIRED], 2);
    icmp = take_icmp_error(w, 0);
    ck_assert_uint_eq(icmp.type, ICMP_TIME_EXCEEDED);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_forward_without_route_sends_net_unreachable)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, 1500, true);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, IPV4_ADDR(203, 0, 113, 1), IPPROTO_UDP_);
    uint8_t l4[64];
    inject_ip(w, &ip, l4, udp_payload(l4, IPV4_ADDR(203, 0, 113, 1), "x"));
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_NO_ROUTE], 1);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f.l4, f.l4_len, &icmp), DROP_NONE);
    ck_assert_uint_eq(icmp.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(icmp.code, ICMP_UNREACH_NET);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_forward_too_big_with_df_sends_need_frag)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, 576, true);
    char big[601];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    inject_to_carol(w, 64, true, big);
    ck_assert_uint_eq(port.out.count, 0);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_TOO_BIG], 1);
    struct icmp_hdr icmp = take_icmp_error(w, 64);
    ck_assert_uint_eq(icmp.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(icmp.code, ICMP_UNREACH_NEEDFRAG);
    ck_assert_uint_eq(icmp.mtu, 576);  /* [RFC 1191 4] */
    /* Without DF the router fragments it [RFC 791 3.2]: 628 bytes of
     * datagram through a 576 MTU are 556 + 92 (552 + 72 bytes of payload). */
    inject_to_carol(w, 64, false, big);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_TOO_BIG], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(port.out.count, 2);
    struct pkt *f1 = pkt_queue_pop(&port.out), *f2 = pkt_queue_pop(&port.out);
    struct hwf d1, d2;
    hwf_decode(f1, &d1);
    hwf_decode(f2, &d2);
    ck_assert(d1.ip.mf);
    ck_assert_uint_eq(d1.ip.frag_off, 0);
    ck_assert_uint_eq(d1.ip.total_len, 572);
    ck_assert(!d2.ip.mf);
    ck_assert_uint_eq(d2.ip.frag_off, 552);
    ck_assert_uint_eq(d2.ip.total_len, 20 + 8 + 600 - 552);
    ck_assert_uint_eq(d1.ip.id, d2.ip.id);
    ck_assert_uint_eq(d1.ip.ttl, 63);
    pkt_free(f1);
    pkt_free(f2);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_forward_resolves_next_hop_on_the_other_side)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    struct iface *eth1 = make_router(w, &port, 1500, false);
    inject_to_carol(w, 64, false, "queued");
    /* bob asks on eth1, holding the datagram. */
    ck_assert_uint_eq(port.out.count, 1);
    struct pkt *p = pkt_queue_pop(&port.out);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_uint_eq(f.arp.spa, BOB_ETH1);
    ck_assert_uint_eq(f.arp.tpa, CAROL_ADDR);
    ck_assert_mem_eq(f.arp.sha, eth1->mac, ETH_ALEN);
    pkt_free(p);
    /* carol answers on eth1. */
    struct arp_hdr rep = {
        .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4, .hlen = ETH_ALEN, .plen = 4,
        .op = ARP_OP_REPLY, .spa = CAROL_ADDR, .tpa = BOB_ETH1,
    };
    memcpy(rep.sha, mac_carol, ETH_ALEN);
    memcpy(rep.tha, eth1->mac, ETH_ALEN);
    uint8_t frame[HWF_MAX];
    hw_inject_on(w, HW_BOB, 1, frame, hwf_arp(frame, eth1->mac, &rep));
    ck_assert_uint_eq(port.out.count, 1);
    p = pkt_queue_pop(&port.out);
    hwf_decode(p, &f);
    ck_assert(f.is_ipv4);
    ck_assert_mem_eq(f.eth.dst, mac_carol, ETH_ALEN);
    ck_assert_uint_eq(f.ip.ttl, 63);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_router_own_address_on_other_iface_is_local)
{
    struct hw_world *w = hw_new();
    struct hw_port port = { 0 };
    make_router(w, &port, 1500, true);
    int fd = bob_udp_socket(w, 7);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, BOB_ETH1, IPPROTO_UDP_);
    uint8_t l4[64], buf[8];
    inject_ip(w, &ip, l4, udp_payload(l4, BOB_ETH1, "me"));
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 2);
    ck_assert_uint_eq(port.out.count, 0);
    ck_assert_uint_eq(BOB(w)->stats.ipv4_forwarded, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
ipv4_suite(void)
{
    Suite *s = suite_create("ipv4");
    TCase *tc = tcase_create("header");
    tcase_add_test(tc, test_good_datagram_is_delivered);
    tcase_add_test(tc, test_bad_header_checksum);
    tcase_add_loop_test(tc, test_bad_field_dropped_with_reason, 0,
                        (int)(sizeof(bad_fields) / sizeof(bad_fields[0])));
    tcase_add_test(tc, test_total_length_below_header_is_truncated);
    tcase_add_test(tc, test_total_length_past_frame_is_truncated);
    tcase_add_test(tc, test_frame_shorter_than_header_is_truncated);
    tcase_add_loop_test(tc, test_options_with_bad_length, 0,
                        (int)(sizeof(bad_options) / sizeof(bad_options[0])));
    tcase_add_test(tc, test_good_options_are_skipped);
    tcase_add_test(tc, test_broadcast_or_multicast_source_is_dropped);
    tcase_add_test(tc, test_ethernet_padding_is_trimmed);
    suite_add_tcase(s, tc);

    tc = tcase_create("input");
    tcase_add_test(tc, test_not_for_us_on_a_host);
    tcase_add_test(tc, test_fragments_are_reassembled);
    tcase_add_test(tc, test_directed_and_limited_broadcast_are_accepted);
    tcase_add_test(tc, test_unknown_protocol_gets_protocol_unreachable);
    tcase_add_test(tc, test_unknown_protocol_to_broadcast_is_silent);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_test(tc, test_output_defaults);
    tcase_add_test(tc, test_output_honours_ttl_tos_df);
    tcase_add_test(tc, test_output_errors);
    tcase_add_test(tc, test_broadcast_output_needs_no_arp);
    suite_add_tcase(s, tc);

    tc = tcase_create("forward");
    tcase_add_test(tc, test_forward_decrements_ttl);
    tcase_add_test(tc, test_forward_ttl_2_leaves_with_ttl_1);
    tcase_add_test(tc, test_forward_ttl_1_sends_time_exceeded);
    tcase_add_test(tc, test_forward_without_route_sends_net_unreachable);
    tcase_add_test(tc, test_forward_too_big_with_df_sends_need_frag);
    tcase_add_test(tc, test_forward_resolves_next_hop_on_the_other_side);
    tcase_add_test(tc, test_router_own_address_on_other_iface_is_local);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(ipv4_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
