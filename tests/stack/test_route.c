/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_route.c - the routing table: longest-prefix match [RFC 1812 5.2.4.3],
 * metrics, gateways on connected subnets, and `ip route`'s words.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/route.h"
#include "stack/socket.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define GW       IPV4_ADDR(192, 0, 2, 254)

static const char *
fmt(const struct host *h, const struct route *r)
{
    static char buf[128];
    ck_assert_ptr_nonnull(r);
    int n = route_format(h, r, buf, sizeof(buf));
    ck_assert_int_eq(n, (int)strlen(buf));
    return buf;
}

/* --- the table ------------------------------------------------------------ */

START_TEST(test_iface_up_adds_connected_route)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_uint_eq(a->routes.count, 1);
    const struct route *r = route_lookup(a, IPV4_ADDR(192, 0, 2, 77));
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->dst, IPV4_ADDR(192, 0, 2, 0));
    ck_assert_uint_eq(r->prefix_len, 24);
    ck_assert_uint_eq(r->gateway, 0);
    ck_assert_ptr_eq(r->ifc, &a->ifaces[0]);
    ck_assert_str_eq(fmt(a, r), "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1");
    ck_assert_ptr_null(route_lookup(a, IPV4_ADDR(198, 51, 100, 1)));
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_default_route_format)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    const struct route *r = route_lookup(a, IPV4_ADDR(203, 0, 113, 9));
    ck_assert_uint_eq(r->gateway, GW);
    ck_assert_ptr_eq(r->ifc, &a->ifaces[0]);  /* found from the gateway's subnet */
    ck_assert_str_eq(fmt(a, r), "default via 192.0.2.254 dev eth0 proto static");
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_format_host_route_and_metric)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 2, 3), 8, GW, NULL, 100, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(198, 51, 100, 7), 32, GW, NULL, 0, ROUTE_PROTO_STATIC),
                     0);
    ck_assert_str_eq(fmt(a, route_lookup(a, IPV4_ADDR(10, 9, 9, 9))),
                     "10.0.0.0/8 via 192.0.2.254 dev eth0 proto static metric 100");
    ck_assert_str_eq(fmt(a, route_lookup(a, IPV4_ADDR(198, 51, 100, 7))),
                     "198.51.100.7 via 192.0.2.254 dev eth0 proto static");
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_format_truncates_like_snprintf)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    char small[8];
    const struct route *r = &a->routes.r[0];
    int n = route_format(a, r, small, sizeof(small));
    ck_assert_int_eq(n, (int)strlen("192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1"));
    ck_assert_str_eq(small, "192.0.2");
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_destination_is_masked)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 2, 3), 8, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 200, 0, 1))->dst, IPV4_ADDR(10, 0, 0, 0));
    /* The same network written another way is the same route. */
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 7, 7, 7), 8, GW, NULL, 0, ROUTE_PROTO_STATIC),
                     -ERR_EXIST);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_add_errors)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    /* [RFC 1812 5.2.4.3] a gateway must be reachable on a connected subnet. */
    ck_assert_int_eq(route_add(a, 0, 0, IPV4_ADDR(198, 51, 100, 1), NULL, 0, ROUTE_PROTO_STATIC),
                     -ERR_NETUNREACH);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 0, 0, 0), 8, 0, NULL, 0, ROUTE_PROTO_STATIC),
                     -ERR_INVAL);
    ck_assert_int_eq(route_add(a, 0, 33, GW, NULL, 0, ROUTE_PROTO_STATIC), -ERR_INVAL);
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 0, ROUTE_PROTO_STATIC), -ERR_EXIST);
    /* The same prefix at another metric is another route. */
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 10, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(a->routes.count, 3);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_table_full)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    unsigned added = 0;
    while (a->routes.count < ROUTE_MAX) {
        ck_assert_int_eq(route_add(a, IPV4_ADDR(10, added, 0, 0), 16, GW, NULL, 0,
                                   ROUTE_PROTO_STATIC),
                         0);
        added++;
    }
    ck_assert_int_eq(route_add(a, IPV4_ADDR(11, 0, 0, 0), 16, GW, NULL, 0, ROUTE_PROTO_STATIC),
                     -ERR_NOBUFS);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_delete)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 0, 0, 0), 8, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 1, 1))->prefix_len, 8);
    ck_assert_int_eq(route_del(a, IPV4_ADDR(10, 0, 0, 0), 8), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 1, 1))->prefix_len, 0);
    ck_assert_int_eq(route_del(a, IPV4_ADDR(10, 0, 0, 0), 8), -ERR_NOENT);
    ck_assert_uint_eq(a->routes.count, 2);
    /* The rest kept their order and contents. */
    ck_assert_uint_eq(a->routes.r[0].proto, ROUTE_PROTO_KERNEL);
    ck_assert_uint_eq(a->routes.r[1].prefix_len, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- lookup --------------------------------------------------------------- */

START_TEST(test_longest_prefix_wins)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    static const uint8_t mac1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x01, 0x02 };
    struct hw_port port = { 0 };
    struct iface *eth1 = host_add_iface(a, "eth1", mac1, IPV4_ADDR(198, 51, 100, 1), 24, 1500,
                                        &hw_port_ops, &port);
    hw_enter(w);
    host_iface_up(a, eth1, false);
    uint32_t gw2 = IPV4_ADDR(198, 51, 100, 254);
    /* Added from least to most specific, and the other way, in one table. */
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(192, 0, 2, 9), 32, gw2, NULL, 0, ROUTE_PROTO_STATIC),
                     0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 1, 0, 0), 16, gw2, NULL, 0, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 0, 0, 0), 8, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);

    /* /32 beats the connected /24. */
    const struct route *r = route_lookup(a, IPV4_ADDR(192, 0, 2, 9));
    ck_assert_uint_eq(r->prefix_len, 32);
    ck_assert_ptr_eq(r->ifc, eth1);
    /* The /24 beats the default. */
    r = route_lookup(a, IPV4_ADDR(192, 0, 2, 10));
    ck_assert_uint_eq(r->prefix_len, 24);
    ck_assert_uint_eq(r->gateway, 0);
    /* /16 beats /8 whatever the order they were added in. */
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 1, 2, 3))->prefix_len, 16);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 2, 2, 3))->prefix_len, 8);
    /* Anything else takes the default. */
    r = route_lookup(a, IPV4_ADDR(203, 0, 113, 1));
    ck_assert_uint_eq(r->prefix_len, 0);
    ck_assert_uint_eq(r->gateway, GW);
    /* The source follows the route's interface. */
    ck_assert_uint_eq(ipv4_source_for(a, IPV4_ADDR(192, 0, 2, 9)), IPV4_ADDR(198, 51, 100, 1));
    ck_assert_uint_eq(ipv4_source_for(a, IPV4_ADDR(203, 0, 113, 1)), HW_ALICE_ADDR);
    pkt_queue_purge(&port.out);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_lower_metric_wins_a_tie)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    uint32_t gw_b = IPV4_ADDR(192, 0, 2, 253);
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 200, ROUTE_PROTO_STATIC), 0);
    ck_assert_int_eq(route_add(a, 0, 0, gw_b, NULL, 100, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(203, 0, 113, 1))->gateway, gw_b);
    /* And the other insertion order. */
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 0, 0, 0), 8, gw_b, NULL, 100, ROUTE_PROTO_STATIC),
                     0);
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 0, 0, 0), 8, GW, NULL, 50, ROUTE_PROTO_STATIC), 0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 0, 0, 1))->gateway, GW);
    /* A longer prefix still beats a better metric. */
    ck_assert_int_eq(route_add(a, IPV4_ADDR(10, 5, 0, 0), 16, gw_b, NULL, 1000, ROUTE_PROTO_STATIC),
                     0);
    ck_assert_uint_eq(route_lookup(a, IPV4_ADDR(10, 5, 0, 1))->gateway, gw_b);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_route_through_down_iface_is_skipped)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(route_add(a, 0, 0, GW, NULL, 0, ROUTE_PROTO_STATIC), 0);
    a->ifaces[0].up = false;
    ck_assert_ptr_null(route_lookup(a, IPV4_ADDR(192, 0, 2, 2)));
    ck_assert_ptr_null(route_lookup(a, IPV4_ADDR(203, 0, 113, 1)));
    ck_assert_uint_eq(ipv4_source_for(a, HW_BOB_ADDR), 0);
    a->ifaces[0].up = true;
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- the route in use ----------------------------------------------------- */

START_TEST(test_off_link_destination_resolves_the_gateway)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    /* bob is alice's router. */
    ck_assert_int_eq(route_add(a, 0, 0, HW_BOB_ADDR, NULL, 0, ROUTE_PROTO_STATIC), 0);
    hw_enter(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = IPV4_ADDR(203, 0, 113, 5), .port = 53 };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"q", 1, &to), 1);
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_uint_eq(f.arp.tpa, HW_BOB_ADDR);  /* the next hop, not the destination */
    pkt_free(p);
    /* After the reply the datagram goes to bob's MAC, addressed to 203.0.113.5. */
    ck_assert(hw_deliver_one(w, HW_ALICE) == false);
    struct arp_hdr rep = {
        .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4, .hlen = ETH_ALEN, .plen = 4,
        .op = ARP_OP_REPLY, .spa = HW_BOB_ADDR, .tpa = HW_ALICE_ADDR,
    };
    memcpy(rep.sha, w->host[HW_BOB].ifaces[0].mac, ETH_ALEN);
    memcpy(rep.tha, a->ifaces[0].mac, ETH_ALEN);
    uint8_t frame[HWF_MAX];
    hw_inject(w, HW_ALICE, frame, hwf_arp(frame, a->ifaces[0].mac, &rep));
    p = hw_take(w, HW_ALICE);
    hwf_decode(p, &f);
    ck_assert(f.is_ipv4);
    ck_assert_mem_eq(f.eth.dst, w->host[HW_BOB].ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(f.ip.dst, IPV4_ADDR(203, 0, 113, 5));
    ck_assert_uint_eq(f.ip.src, HW_ALICE_ADDR);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
route_suite(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_iface_up_adds_connected_route);
    tcase_add_test(tc, test_default_route_format);
    tcase_add_test(tc, test_format_host_route_and_metric);
    tcase_add_test(tc, test_format_truncates_like_snprintf);
    tcase_add_test(tc, test_destination_is_masked);
    tcase_add_test(tc, test_add_errors);
    tcase_add_test(tc, test_table_full);
    tcase_add_test(tc, test_delete);
    suite_add_tcase(s, tc);

    tc = tcase_create("lookup");
    tcase_add_test(tc, test_longest_prefix_wins);
    tcase_add_test(tc, test_lower_metric_wins_a_tie);
    tcase_add_test(tc, test_route_through_down_iface_is_skipped);
    tcase_add_test(tc, test_off_link_destination_resolves_the_gateway);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(route_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
