/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_loopback.c - lo: a host talking UDP and TCP to itself.
 *
 * Datagrams to the host's own address and to 127.x go down through the
 * transport, IPv4 and Ethernet layers, out of lo and back in, and never reach
 * a wire: nothing is queued on eth0, no ARP is asked, short frames are not
 * padded, the Ethernet addresses are all zeros (as Linux's lo has them), and
 * the source address is the one the host speaks to (127.0.0.1 for 127.x).
 * Frames on lo are delivered by host_poll() at the same instant, one round at
 * a time. 127.x arriving on a real interface is a martian and dropped
 * [RFC 1122 3.2.1.3 (g)].
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/loopback.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/wire/ipv4.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define LO_5 0x7f000005u  /* 127.0.0.5 */

static struct hw_world *
world(void)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    return w;
}

static void
done(struct hw_world *w)
{
    hw_destroy(w);
    free(w);
}

/* Run alice's loop until lo is empty (at most `rounds` rounds). */
static unsigned
drain(struct hw_world *w, unsigned rounds)
{
    unsigned n = 0;
    while (loopback_pending(ALICE(w)) && n < rounds) {
        hw_advance(w, 0);
        n++;
    }
    ck_assert(!loopback_pending(ALICE(w)));
    return n;
}

/* Whether some recorded event of alice at `layer` says `text`. */
static bool
said(const struct hw_world *w, int kind, int layer, const char *text)
{
    for (size_t i = 0; i < w->n_ev; i++)
        if ((int)w->ev[i].kind == kind && (int)w->ev[i].layer == layer &&
            w->ev[i].host == HW_ALICE && strstr(w->ev[i].text, text) != NULL)
            return true;
    return false;
}

START_TEST(test_udp_to_own_address_goes_through_lo_not_the_wire)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int rx = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    int tx = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_bind(a, rx, &(struct sock_addr){ 0, 9 }), 0);
    ck_assert_int_eq(sock_sendto(a, tx, (const uint8_t *)"x", 1,
                                 &(struct sock_addr){ HW_ALICE_ADDR, 9 }), 1);
    /* Down through the layers, queued on lo: nothing on eth0, no ARP. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ARP, HW_ALICE), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_UDP, HW_ALICE), 1);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_IPV4, HW_ALICE), 1);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ETH, HW_ALICE), 1);
    /* Zero MACs, no padding: 14 + 20 + 8 + 1 = 43 bytes, not 60. */
    ck_assert(said(w, TRACE_TX, LAYER_ETH,
                   "00:00:00:00:00:00 > 00:00:00:00:00:00, ethertype IPv4 (0x0800), length 43 on lo"));
    ck_assert(said(w, TRACE_TX, LAYER_IPV4, "route local 192.0.2.1 dev lo"));
    /* Delivered when the host next runs, at the same instant. */
    ck_assert_uint_eq(host_next_deadline(a), a->now_ns);
    uint8_t buf[8];
    struct sock_addr from;
    ck_assert_int_eq(sock_recvfrom(a, rx, buf, sizeof(buf), &from), -ERR_AGAIN);
    ck_assert_uint_eq(drain(w, 1), 1);
    ck_assert_int_eq(sock_recvfrom(a, rx, buf, sizeof(buf), &from), 1);
    ck_assert_uint_eq(from.addr, HW_ALICE_ADDR);
    ck_assert_uint_eq(hw_count(w, TRACE_RX, LAYER_ETH, HW_ALICE), 1);
    ck_assert_uint_eq(hw_count(w, TRACE_RX, LAYER_IPV4, HW_ALICE), 1);
    ck_assert(said(w, TRACE_RX, LAYER_ETH, "back from lo"));
    /* bob heard nothing. */
    ck_assert_uint_eq(hw_count(w, -1, -1, HW_BOB), 0);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    done(w);
}
END_TEST

START_TEST(test_udp_to_127_x_comes_from_127_0_0_1)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int rx = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    int tx = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    /* Any 127.x is this host's: bind to one, send to it. */
    ck_assert_int_eq(sock_bind(a, rx, &(struct sock_addr){ LO_5, 53 }), 0);
    ck_assert_uint_eq(ipv4_source_for(a, LO_5), LOOPBACK_ADDR);
    ck_assert_uint_eq(ipv4_path_mtu(a, LO_5), LOOPBACK_MTU);
    ck_assert_int_eq(sock_sendto(a, tx, (const uint8_t *)"q", 1, &(struct sock_addr){ LO_5, 53 }),
                     1);
    ck_assert(said(w, TRACE_TX, LAYER_IPV4, "route local 127.0.0.0/8 dev lo"));
    drain(w, 1);
    uint8_t buf[8];
    struct sock_addr from;
    ck_assert_int_eq(sock_recvfrom(a, rx, buf, sizeof(buf), &from), 1);
    ck_assert_uint_eq(from.addr, LOOPBACK_ADDR);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    done(w);
}
END_TEST

START_TEST(test_udp_closed_port_on_lo_is_refused)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int u = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_connect(a, u, &(struct sock_addr){ LOOPBACK_ADDR, 4444 }), 0);
    ck_assert_int_eq(sock_send(a, u, (const uint8_t *)"?", 1), 1);
    /* Round 1: the datagram finds no socket, ICMP port unreachable goes
     * out of lo; round 2: it comes back and errs the connected socket. */
    ck_assert_uint_eq(drain(w, 4), 2);
    ck_assert_uint_eq(a->stats.drops[DROP_UDP_NO_SOCKET], 1);
    uint8_t buf[4];
    ck_assert_int_eq(sock_recv(a, u, buf, sizeof(buf)), -ERR_CONNREFUSED);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    done(w);
}
END_TEST

START_TEST(test_tcp_over_loopback_handshake_and_data)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int l = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    ck_assert_int_eq(sock_bind(a, l, &(struct sock_addr){ 0, 7 }), 0);
    ck_assert_int_eq(sock_listen(a, l, 4), 0);
    int c = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    ck_assert_int_eq(sock_connect(a, c, &(struct sock_addr){ LOOPBACK_ADDR, 7 }),
                     -ERR_INPROGRESS);
    /* SYN, SYN-ACK, ACK: three rounds on lo. */
    ck_assert_uint_eq(drain(w, 10), 3);
    int s = sock_accept(a, l, NULL);
    ck_assert_int_ge(s, 0);
    const struct tcb *tp = tcp_tcb_by_fd(a, c);
    ck_assert_ptr_nonnull(tp);
    ck_assert_int_eq(tp->state, TCP_ESTABLISHED);
    /* The MSS lo allows: 65535 - 20 - 20, as Linux announces on lo. */
    ck_assert_uint_eq(tp->rcv_mss, 65495);
    ck_assert_int_eq(sock_send(a, c, (const uint8_t *)"hello", 5), 5);
    drain(w, 10);
    uint8_t buf[16];
    ck_assert_int_eq(sock_recv(a, s, buf, sizeof(buf)), 5);
    ck_assert_mem_eq(buf, "hello", 5);
    /* Everything went through TCP and IPv4 both ways, nothing on a wire. */
    ck_assert_uint_ge(a->stats.tx[LAYER_TCP], 4);
    ck_assert_uint_eq(a->stats.tx[LAYER_IPV4], a->stats.rx[LAYER_IPV4]);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ARP, HW_ALICE), 0);
    done(w);
}
END_TEST

START_TEST(test_frames_left_on_lo_are_freed_with_the_host)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int tx = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_sendto(a, tx, (const uint8_t *)"x", 1,
                                 &(struct sock_addr){ LOOPBACK_ADDR, 9 }), 1);
    ck_assert(loopback_pending(a));
    done(w);  /* the leak check: the frame on lo is dropped, not leaked */
}
END_TEST

START_TEST(test_loopback_address_from_a_wire_is_a_martian)
{
    struct hw_world *w = world();
    uint8_t frame[HWF_MAX];
    /* bob claims to send to alice's 127.0.0.1, then from 127.0.0.1. */
    size_t n = hwf_udp_frame(w, HW_BOB, HW_BOB_ADDR, 1000, LOOPBACK_ADDR, 9,
                             (const uint8_t *)"x", 1, frame);
    hw_inject(w, HW_ALICE, frame, n);
    n = hwf_udp_frame(w, HW_BOB, LOOPBACK_ADDR, 1000, HW_ALICE_ADDR, 9, (const uint8_t *)"x", 1,
                      frame);
    hw_inject(w, HW_ALICE, frame, n);
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_IPV4_MARTIAN], 2);
    ck_assert_uint_eq(hw_count(w, TRACE_RX, LAYER_UDP, HW_ALICE), 0);
    /* And no ICMP answer leaves for it. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    done(w);
}
END_TEST

START_TEST(test_lo_is_not_in_the_interface_table)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    ck_assert_str_eq(a->ifaces[0].name, "eth0");
    ck_assert_str_eq(a->lo.name, "lo");
    ck_assert(a->lo.loopback && a->lo.up);
    ck_assert(!a->ifaces[0].loopback);
    ck_assert_uint_eq(host_primary_addr(a), HW_ALICE_ADDR);
    ck_assert_ptr_eq(host_iface_by_addr(a, LOOPBACK_ADDR), &a->lo);
    ck_assert(ipv4_is_local(a, LO_5));
    done(w);
}
END_TEST

static Suite *
loopback_suite(void)
{
    Suite *s = suite_create("loopback");
    TCase *tc = tcase_create("udp");
    tcase_add_test(tc, test_udp_to_own_address_goes_through_lo_not_the_wire);
    tcase_add_test(tc, test_udp_to_127_x_comes_from_127_0_0_1);
    tcase_add_test(tc, test_udp_closed_port_on_lo_is_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("tcp");
    tcase_add_test(tc, test_tcp_over_loopback_handshake_and_data);
    suite_add_tcase(s, tc);
    tc = tcase_create("host");
    tcase_add_test(tc, test_frames_left_on_lo_are_freed_with_the_host);
    tcase_add_test(tc, test_loopback_address_from_a_wire_is_a_martian);
    tcase_add_test(tc, test_lo_is_not_in_the_interface_table);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(loopback_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
