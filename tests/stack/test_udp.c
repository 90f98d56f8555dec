/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_udp.c - UDP on a host [RFC 768] [RFC 1122 4.1]: demultiplexing by
 * specificity, port unreachable, checksums, lengths, the receive buffer.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])

static uint64_t
counter(const struct host *h, const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(inspect_counter(h, name, &v), "no counter %s", name);
    return v;
}

/* A UDP socket on bob: bound to laddr:port, with SO_REUSEADDR set first when
 * asked, and connected to alice:peer_port when that is non-zero. */
static int
bob_socket(struct hw_world *w, uint32_t laddr, uint16_t port, bool reuse, uint16_t peer_port)
{
    hw_enter(w);
    struct host *b = BOB(w);
    int fd = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    sock_lookup(b, fd)->so_reuseaddr = reuse;
    struct sock_addr a = { .addr = laddr, .port = port };
    ck_assert_int_eq(sock_bind(b, fd, &a), 0);
    if (peer_port != 0) {
        struct sock_addr peer = { .addr = HW_ALICE_ADDR, .port = peer_port };
        ck_assert_int_eq(sock_connect(b, fd, &peer), 0);
    }
    return fd;
}

/* alice:sport -> dst:7 with one byte, injected into bob. */
static void
inject_udp(struct hw_world *w, uint16_t sport, uint32_t dst, uint8_t byte)
{
    uint8_t frame[HWF_MAX];
    size_t n = hwf_udp_frame(w, HW_ALICE, HW_ALICE_ADDR, sport, dst, 7, &byte, 1, frame);
    if (dst != HW_BOB_ADDR)
        memcpy(frame, hwf_mac_bcast, ETH_ALEN);
    hw_inject(w, HW_BOB, frame, n);
}

/* The byte waiting on fd, or -1 if nothing is. */
static int
read_byte(struct hw_world *w, int fd)
{
    uint8_t b;
    int r = sock_recv(BOB(w), fd, &b, 1);
    return r == 1 ? b : -1;
}

/* --- demultiplexing ------------------------------------------------------- */

START_TEST(test_most_specific_socket_wins)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    /* Made most specific first, so the choice is not insertion order. */
    int conn = bob_socket(w, 0, 7, true, 5000);          /* connected to alice:5000 */
    int bound = bob_socket(w, HW_BOB_ADDR, 7, true, 0);  /* 192.0.2.2:7 */
    int wild = bob_socket(w, 0, 7, true, 0);             /* 0.0.0.0:7 */
    inject_udp(w, 5000, HW_BOB_ADDR, 'c');               /* the 4-tuple matches */
    inject_udp(w, 5001, HW_BOB_ADDR, 'b');               /* another peer: the bound address */
    inject_udp(w, 5001, IPV4_ADDR(192, 0, 2, 255), 'w'); /* a broadcast: only the wildcard */
    ck_assert_int_eq(read_byte(w, conn), 'c');
    ck_assert_int_eq(read_byte(w, bound), 'b');
    ck_assert_int_eq(read_byte(w, wild), 'w');
    ck_assert_int_eq(read_byte(w, conn), -1);
    ck_assert_int_eq(read_byte(w, bound), -1);
    ck_assert_int_eq(read_byte(w, wild), -1);
    ck_assert_uint_eq(counter(BOB(w), "udp.delivered"), 3);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_wildcard_catches_what_nothing_else_does)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int wild = bob_socket(w, 0, 7, true, 0);
    int conn = bob_socket(w, 0, 7, true, 5000);
    inject_udp(w, 6000, HW_BOB_ADDR, 'x');
    ck_assert_int_eq(read_byte(w, wild), 'x');
    ck_assert_int_eq(read_byte(w, conn), -1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_connected_socket_hears_only_its_peer)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int conn = bob_socket(w, 0, 7, false, 5000);
    /* A datagram from another port has no socket: port unreachable. */
    inject_udp(w, 5001, HW_BOB_ADDR, 'x');
    ck_assert_int_eq(read_byte(w, conn), -1);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 1);
    inject_udp(w, 5000, HW_BOB_ADDR, 'y');
    ck_assert_int_eq(read_byte(w, conn), 'y');
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_source_is_reported_by_recvfrom)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    inject_udp(w, 4242, HW_BOB_ADDR, 'x');
    uint8_t buf[4];
    struct sock_addr from;
    ck_assert_int_eq(sock_recvfrom(BOB(w), fd, buf, sizeof(buf), &from), 1);
    ck_assert_uint_eq(from.addr, HW_ALICE_ADDR);
    ck_assert_uint_eq(from.port, 4242);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- no socket ------------------------------------------------------------ */

START_TEST(test_no_socket_sends_port_unreachable)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    inject_udp(w, 5000, HW_BOB_ADDR, 'x');
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    ck_assert_uint_eq(counter(BOB(w), "drop.UDP_NO_SOCKET"), 1);
    ck_assert_uint_eq(counter(BOB(w), "udp.drop"), 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_UDP_NO_SOCKET), 1);
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert_uint_eq(f.ip.proto, IPPROTO_ICMP_);
    ck_assert_uint_eq(f.l4[0], ICMP_DEST_UNREACH);
    ck_assert_uint_eq(f.l4[1], ICMP_UNREACH_PORT);
    /* The quoted UDP header names alice's port and port 7. */
    ck_assert_uint_eq(be16_get(f.l4 + ICMP_HDR_LEN + IPV4_HDR_MIN), 5000);
    ck_assert_uint_eq(be16_get(f.l4 + ICMP_HDR_LEN + IPV4_HDR_MIN + 2), 7);
    pkt_free(p);
    /* Binding the port makes the next one welcome. */
    int fd = bob_socket(w, 0, 7, false, 0);
    inject_udp(w, 5000, HW_BOB_ADDR, 'y');
    ck_assert_int_eq(read_byte(w, fd), 'y');
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_closed_socket_port_is_unreachable_again)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    inject_udp(w, 5000, HW_BOB_ADDR, 'x');
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 1);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- checksums and lengths ------------------------------------------------ */

/* A UDP datagram alice:5000 -> bob:7 carrying "hello", edited by the test,
 * injected into bob. The UDP header starts at frame + 34. */
#define UDP_AT (ETH_HDR_LEN + IPV4_HDR_MIN)

static size_t
hello_frame(struct hw_world *w, uint8_t *frame)
{
    return hwf_udp_frame(w, HW_ALICE, HW_ALICE_ADDR, 5000, HW_BOB_ADDR, 7,
                         (const uint8_t *)"hello", 5, frame);
}

START_TEST(test_bad_checksum_is_dropped_and_counted)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    uint8_t frame[HWF_MAX];
    size_t n = hello_frame(w, frame);
    frame[UDP_AT + UDP_HDR_LEN] ^= 0x20;  /* "Hello" */
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_BAD_CSUM], 1);
    ck_assert_uint_eq(counter(BOB(w), "drop.UDP_BAD_CSUM"), 1);
    ck_assert_int_eq(read_byte(w, fd), -1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);  /* no ICMP for a corrupt datagram */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_checksum_covers_the_pseudo_header)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    /* Checksummed as if from 192.0.2.9, sent from alice. */
    uint8_t l4[64];
    size_t n = hwf_udp(l4, IPV4_ADDR(192, 0, 2, 9), 5000, HW_BOB_ADDR, 7, (const uint8_t *)"hi", 2);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t frame[HWF_MAX];
    hw_inject(w, HW_BOB, frame,
              hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4, n));
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_BAD_CSUM], 1);
    ck_assert_int_eq(read_byte(w, fd), -1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_zero_checksum_is_accepted)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    uint8_t frame[HWF_MAX];
    size_t n = hello_frame(w, frame);
    /* [RFC 768] zero: "the transmitter generated no checksum". */
    frame[UDP_AT + 6] = 0;
    frame[UDP_AT + 7] = 0;
    hw_inject(w, HW_BOB, frame, n);
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 5);
    ck_assert_mem_eq(buf, "hello", 5);
    ck_assert_uint_eq(counter(BOB(w), "drops"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_length_below_8_is_bad)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    bob_socket(w, 0, 7, false, 0);
    uint8_t frame[HWF_MAX];
    size_t n = hello_frame(w, frame);
    be16_put(frame + UDP_AT + 4, 7);
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_BAD_LEN], 1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_length_past_ip_payload_is_truncated)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    bob_socket(w, 0, 7, false, 0);
    uint8_t frame[HWF_MAX];
    size_t n = hello_frame(w, frame);
    be16_put(frame + UDP_AT + 4, 14);  /* 13 bytes are there */
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_TRUNCATED], 1);
    /* And an IP payload shorter than a UDP header. */
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    const uint8_t short_udp[4] = { 0x13, 0x88, 0, 7 }; /* ports only: 4 of UDP's 8 header bytes */
    hw_inject(w, HW_BOB, frame,
              hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, short_udp, 4));
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_TRUNCATED], 2);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_length_shorter_than_ip_payload_trims)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    /* UDP says 3 bytes of data; the IP datagram carries 5. The checksum is
     * computed over the 3 the UDP length names. */
    uint8_t l4[16];
    hwf_udp(l4, HW_ALICE_ADDR, 5000, HW_BOB_ADDR, 7, (const uint8_t *)"hel", 3);
    memcpy(l4 + 11, "lo", 2);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    uint8_t frame[HWF_MAX];
    hw_inject(w, HW_BOB, frame,
              hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4, 13));
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 3);
    ck_assert_mem_eq(buf, "hel", 3);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_output_header_and_checksum)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    hw_enter(w);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr me = { .addr = 0, .port = 4000 };
    ck_assert_int_eq(sock_bind(a, fd, &me), 0);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 7 };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"12345", 5, &to), 5);
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    struct udp_hdr udp;
    ck_assert_int_eq(udp_parse(f.l4, f.l4_len, f.ip.src, f.ip.dst, &udp), DROP_NONE);
    ck_assert_uint_eq(udp.sport, 4000);
    ck_assert_uint_eq(udp.dport, 7);
    ck_assert_uint_eq(udp.len, UDP_HDR_LEN + 5);
    ck_assert_uint_ne(udp.csum, 0);  /* always computed over IPv4 */
    ck_assert_mem_eq(f.l4 + UDP_HDR_LEN, "12345", 5);
    ck_assert_uint_eq(counter(a, "udp.tx"), 1);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- the receive buffer --------------------------------------------------- */

START_TEST(test_full_receive_buffer_drops)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    int fd = bob_socket(w, 0, 7, false, 0);
    sock_lookup(BOB(w), fd)->rcvbuf = 2;  /* room for two one-byte datagrams */
    inject_udp(w, 5000, HW_BOB_ADDR, '1');
    inject_udp(w, 5000, HW_BOB_ADDR, '2');
    inject_udp(w, 5000, HW_BOB_ADDR, '3');
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_SOCK_RCVBUF_FULL], 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_SOCK_RCVBUF_FULL), 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);  /* a full buffer is not an ICMP matter */
    struct inspect_socket is;
    ck_assert(inspect_socket(BOB(w), fd, &is));
    ck_assert_uint_eq(is.rcvq_count, 2);
    ck_assert_uint_eq(is.rcvq_bytes, 2);
    /* The newest was dropped; the two queued are intact. */
    ck_assert_int_eq(read_byte(w, fd), '1');
    /* Reading made room again. */
    inject_udp(w, 5000, HW_BOB_ADDR, '4');
    ck_assert_int_eq(read_byte(w, fd), '2');
    ck_assert_int_eq(read_byte(w, fd), '4');
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
udp_suite(void)
{
    Suite *s = suite_create("udp");
    TCase *tc = tcase_create("demux");
    tcase_add_test(tc, test_most_specific_socket_wins);
    tcase_add_test(tc, test_wildcard_catches_what_nothing_else_does);
    tcase_add_test(tc, test_connected_socket_hears_only_its_peer);
    tcase_add_test(tc, test_source_is_reported_by_recvfrom);
    suite_add_tcase(s, tc);

    tc = tcase_create("no_socket");
    tcase_add_test(tc, test_no_socket_sends_port_unreachable);
    tcase_add_test(tc, test_closed_socket_port_is_unreachable_again);
    suite_add_tcase(s, tc);

    tc = tcase_create("checksum_length");
    tcase_add_test(tc, test_bad_checksum_is_dropped_and_counted);
    tcase_add_test(tc, test_checksum_covers_the_pseudo_header);
    tcase_add_test(tc, test_zero_checksum_is_accepted);
    tcase_add_test(tc, test_length_below_8_is_bad);
    tcase_add_test(tc, test_length_past_ip_payload_is_truncated);
    tcase_add_test(tc, test_length_shorter_than_ip_payload_trims);
    tcase_add_test(tc, test_output_header_and_checksum);
    suite_add_tcase(s, tc);

    tc = tcase_create("rcvbuf");
    tcase_add_test(tc, test_full_receive_buffer_drops);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(udp_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
