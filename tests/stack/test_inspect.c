/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_inspect.c - the read-only snapshots scenario expects and the view use:
 * named counters, the ARP table, the socket table, the fields of a TCB no
 * socket holds any more.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "harness/tcp_harness.h"
#include "stack/arp.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/ipv6.h"
#include "stack/socket.h"
#include "stack/tcp.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])

static uint64_t
counter(const struct host *h, const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(inspect_counter(h, name, &v), "no counter %s", name);
    return v;
}

/* alice sends "hi" from a fresh socket to bob:port; everything is delivered. */
static void
exchange(struct hw_world *w, uint16_t port)
{
    hw_enter(w);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = port };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"hi", 2, &to), 2);
    hw_deliver(w);
}

/* --- counters ------------------------------------------------------------- */

START_TEST(test_counters_of_one_exchange)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    int rx = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr me = { .port = 7 };
    ck_assert_int_eq(sock_bind(BOB(w), rx, &me), 0);
    exchange(w, 7);
    const struct host *a = ALICE(w), *b = BOB(w);
    ck_assert_uint_eq(counter(a, "arp.tx"), 1);   /* the request */
    ck_assert_uint_eq(counter(b, "arp.rx"), 1);
    ck_assert_uint_eq(counter(b, "arp.tx"), 1);   /* the reply */
    ck_assert_uint_eq(counter(a, "udp.tx"), 1);
    ck_assert_uint_eq(counter(a, "ipv4.tx"), 1);
    ck_assert_uint_eq(counter(a, "ip.tx"), 1);    /* an alias */
    ck_assert_uint_eq(counter(a, "eth.tx"), 2);   /* request and datagram */
    ck_assert_uint_eq(counter(b, "eth.rx"), 2);
    ck_assert_uint_eq(counter(b, "ipv4.rx"), 1);
    ck_assert_uint_eq(counter(b, "udp.rx"), 1);
    ck_assert_uint_eq(counter(b, "udp.delivered"), 1);
    ck_assert_uint_eq(counter(a, "drops"), 0);
    ck_assert_uint_eq(counter(b, "drops"), 0);
    ck_assert_uint_eq(counter(b, "udp.drop"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_counters_of_a_refused_datagram)
{
    struct hw_world *w = hw_new();
    exchange(w, 9);
    const struct host *a = ALICE(w), *b = BOB(w);
    ck_assert_uint_eq(counter(b, "drop.UDP_NO_SOCKET"), 1);
    ck_assert_uint_eq(counter(b, "drop.udp_no_socket"), 1);  /* names are case-blind */
    ck_assert_uint_eq(counter(b, "drops"), 1);
    ck_assert_uint_eq(counter(b, "udp.drop"), 1);
    ck_assert_uint_eq(counter(b, "udp.drops"), 1);
    ck_assert_uint_eq(counter(b, "icmp.tx.unreachable"), 1);
    ck_assert_uint_eq(counter(a, "icmp.rx.unreachable"), 1);
    ck_assert_uint_eq(counter(a, "icmp.rx.echo_reply"), 0);
    ck_assert_uint_eq(counter(b, "drop.IPV4_BAD_CSUM"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_counters_of_a_ping)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    uint8_t req[16] = { ICMP_ECHO_REQUEST };
    struct sock_addr to = { .addr = HW_BOB_ADDR };
    ck_assert_int_eq(sock_sendto(a, fd, req, sizeof(req), &to), (int)sizeof(req));
    hw_deliver(w);
    ck_assert_uint_eq(counter(a, "icmp.tx.echo_request"), 1);
    ck_assert_uint_eq(counter(BOB(w), "icmp.rx.echo_request"), 1);
    ck_assert_uint_eq(counter(BOB(w), "icmp.tx.echo_reply"), 1);
    ck_assert_uint_eq(counter(a, "icmp.rx.echo_reply"), 1);
    ck_assert_uint_eq(counter(a, "icmp.rx.time_exceeded"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_unknown_counter_names)
{
    struct hw_world *w = hw_new();
    static const char *const bad[] = {
        "", "udp", "foo", "udp.bogus", "drop.NOPE", "drop.", "icmp.rx.redirect",
        "icmp.rx.nope", "ipv6.rx", ".rx", "udpx.rx",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t v = 12345;
        ck_assert_msg(!inspect_counter(ALICE(w), bad[i], &v), "'%s' should be unknown", bad[i]);
    }
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_every_listed_name_is_known_and_unique)
{
    struct hw_world *w = hw_new();
    static char names[256][64];
    size_t n = 0;
    while (inspect_counter_name(n, names[n], sizeof(names[n]))) {
        uint64_t v;
        ck_assert_msg(inspect_counter(ALICE(w), names[n], &v), "listed '%s' is unknown", names[n]);
        for (size_t j = 0; j < n; j++)
            ck_assert_str_ne(names[j], names[n]);
        n++;
        ck_assert_uint_lt(n, 256);
    }
    /* 5 fixed (drops, ipv4.forwarded, udp.delivered, local.tx,
     * local.tx_bytes), 7 layers x rx/tx/drop, 4 ICMP types x rx/tx, the TCP
     * counters, every drop reason, then IPv6's own counters (struct
     * ip6_stats). */
    size_t n_tcp = sizeof(struct tcp_stats) / sizeof(uint64_t);
    size_t n_ip6 = sizeof(struct ip6_stats) / sizeof(uint64_t);
    ck_assert_uint_eq(n, 5 + 21 + 8 + n_tcp + (DROP_COUNT - 1) + n_ip6);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- ARP table ------------------------------------------------------------ */

START_TEST(test_arp_states)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    struct inspect_arp e;
    ck_assert(!inspect_arp_find(a, HW_BOB_ADDR, &e));
    hw_enter(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 7 };
    sock_sendto(a, fd, (const uint8_t *)"x", 1, &to);
    sock_sendto(a, fd, (const uint8_t *)"y", 1, &to);
    ck_assert(inspect_arp_find(a, HW_BOB_ADDR, &e));
    ck_assert_uint_eq(e.ip, HW_BOB_ADDR);
    ck_assert_str_eq(e.state, "INCOMPLETE");
    ck_assert_str_eq(e.ifname, "eth0");
    ck_assert_uint_eq(e.queued, 2);
    ck_assert_uint_eq(e.expires_ns, 0);
    static const uint8_t zero[ETH_ALEN] = { 0 };
    ck_assert_mem_eq(e.mac, zero, ETH_ALEN);
    hw_deliver(w);
    ck_assert(inspect_arp_find(a, HW_BOB_ADDR, &e));
    ck_assert_str_eq(e.state, "REACHABLE");
    ck_assert_mem_eq(e.mac, BOB(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(e.queued, 0);
    ck_assert_uint_eq(e.expires_ns, w->now_ns + ARP_TIMEOUT_NS);
    static const uint8_t mac_c[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x01 };
    ck_assert_int_eq(arp_cache_set_permanent(a, &a->ifaces[0], IPV4_ADDR(192, 0, 2, 3), mac_c), 0);
    ck_assert(inspect_arp_find(a, IPV4_ADDR(192, 0, 2, 3), &e));
    ck_assert_str_eq(e.state, "PERMANENT");
    ck_assert_uint_eq(e.expires_ns, 0);
    /* The listing: both, and the total even when the caller has less room. */
    struct inspect_arp all[4];
    ck_assert_uint_eq(inspect_arp(a, all, 4), 2);
    ck_assert_uint_eq(inspect_arp(a, all, 1), 2);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- sockets -------------------------------------------------------------- */

START_TEST(test_socket_snapshots)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    hw_enter(w);
    int s1 = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    int s2 = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr me = { .addr = HW_BOB_ADDR, .port = 7 };
    ck_assert_int_eq(sock_bind(b, s1, &me), 0);
    struct sock_addr peer = { .addr = HW_ALICE_ADDR, .port = 9 };
    ck_assert_int_eq(sock_connect(b, s2, &peer), 0);
    exchange(w, 7);
    exchange(w, 7);
    struct inspect_socket is;
    ck_assert(inspect_socket(b, s1, &is));
    ck_assert_int_eq(is.fd, s1);
    ck_assert_str_eq(is.proto, "udp");
    ck_assert_str_eq(is.state, "UNCONN");
    ck_assert(is.bound);
    ck_assert(!is.connected);
    ck_assert_uint_eq(is.laddr, HW_BOB_ADDR);
    ck_assert_uint_eq(is.lport, 7);
    ck_assert_uint_eq(is.rcvq_count, 2);
    ck_assert_uint_eq(is.rcvq_bytes, 4);
    ck_assert(inspect_socket(b, s2, &is));
    ck_assert_str_eq(is.state, "ESTAB");
    ck_assert(is.connected);
    ck_assert_uint_eq(is.faddr, HW_ALICE_ADDR);
    ck_assert_uint_eq(is.fport, 9);
    ck_assert_int_eq(is.so_error, 0);
    ck_assert(!inspect_socket(b, 99, &is));
    ck_assert(!inspect_socket(b, 1, &is));
    struct inspect_socket all[4];
    ck_assert_uint_eq(inspect_sockets(b, all, 4), 2);
    ck_assert_int_eq(all[0].fd, s1);
    ck_assert_int_eq(all[1].fd, s2);
    ck_assert_uint_eq(inspect_sockets(b, all, 1), 2);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- TCBs ------------------------------------------------------------------ */

START_TEST(test_tcb_fields_of_a_connection_close_left_behind)
{
    /* After close() the connection lives on with no socket (FIN_WAIT_2):
     * inspect_tcbs() lists it with fd -1, and inspect_tcbs_field() reads its
     * fields by that place in the list, as inspect_tcb_field() does by fd. */
    struct hw_world *w = th_new();
    int afd, bfd;
    th_pair(w, &afd, &bfd);
    struct host *a = ALICE(w);
    uint64_t iss = 0;
    ck_assert(inspect_tcb_field(a, afd, "iss", &iss));
    hw_enter(w);
    ck_assert_int_eq(sock_close(a, afd), 0);
    hw_deliver(w);
    uint64_t v = 0;
    ck_assert(!inspect_tcb_field(a, afd, "snd_una", &v));
    struct inspect_tcb all[4];
    size_t n = inspect_tcbs(a, all, 4);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(all[0].fd, -1);
    ck_assert_str_eq(all[0].state, "FIN_WAIT_2");
    ck_assert(inspect_tcbs_field(a, 0, "state", &v));
    ck_assert_uint_eq(v, TCP_FIN_WAIT_2);
    ck_assert(inspect_tcbs_field(a, 0, "snd_una", &v));
    ck_assert_uint_eq(v, all[0].snd_una);
    ck_assert_uint_eq(v, (iss + 2) & 0xffffffffu); /* past the SYN and the FIN */
    ck_assert(inspect_tcbs_field(a, 0, "snd_una_rel", &v));
    ck_assert_uint_eq(v, 2);
    ck_assert(!inspect_tcbs_field(a, 0, "no_such_field", &v));
    ck_assert(!inspect_tcbs_field(a, 1, "snd_una", &v));
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
inspect_suite(void)
{
    Suite *s = suite_create("inspect");
    TCase *tc = tcase_create("counters");
    tcase_add_test(tc, test_counters_of_one_exchange);
    tcase_add_test(tc, test_counters_of_a_refused_datagram);
    tcase_add_test(tc, test_counters_of_a_ping);
    tcase_add_test(tc, test_unknown_counter_names);
    tcase_add_test(tc, test_every_listed_name_is_known_and_unique);
    suite_add_tcase(s, tc);

    tc = tcase_create("tables");
    tcase_add_test(tc, test_arp_states);
    tcase_add_test(tc, test_socket_snapshots);
    tcase_add_test(tc, test_tcb_fields_of_a_connection_close_left_behind);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(inspect_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
