/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_eth.c - the Ethernet layer and the driver boundary: which frames a
 * host accepts [IEEE 802.3 3.2], padding on the way out, a link that is down.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/host.h"
#include "stack/iface.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])

/* A 60-byte frame to dst of EtherType type from alice, zero payload. */
static void
inject_frame(struct hw_world *w, const uint8_t dst[ETH_ALEN], uint16_t type, size_t len)
{
    uint8_t frame[HWF_MAX] = { 0 };
    struct eth_hdr eth = { .type = type };
    memcpy(eth.dst, dst, ETH_ALEN);
    memcpy(eth.src, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    eth_emit(&eth, frame);
    hw_inject(w, HW_BOB, frame, len);
}

static void
expect_eth_drop(struct hw_world *w, enum drop_reason why)
{
    ck_assert_msg(BOB(w)->stats.drops[why] == 1, "expected %s", drop_reason_name(why));
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_ETH], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
}

START_TEST(test_frame_for_another_station_is_dropped)
{
    struct hw_world *w = hw_new();
    static const uint8_t other[ETH_ALEN] = { 0x02, 0, 0, 0, 0x09, 0x09 };
    inject_frame(w, other, ETHERTYPE_IPV4, ETH_MIN_FRAME);
    expect_eth_drop(w, DROP_ETH_NOT_FOR_US);
    ck_assert_uint_eq(BOB(w)->stats.rx[LAYER_ETH], 0);  /* never accepted */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_unknown_ethertype_is_dropped)
{
    struct hw_world *w = hw_new();
    inject_frame(w, BOB(w)->ifaces[0].mac, 0x86dd, ETH_MIN_FRAME);  /* IPv6 */
    expect_eth_drop(w, DROP_ETH_UNKNOWN_TYPE);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_8023_length_field_is_not_a_type)
{
    struct hw_world *w = hw_new();
    inject_frame(w, BOB(w)->ifaces[0].mac, 46, ETH_MIN_FRAME);
    expect_eth_drop(w, DROP_ETH_UNKNOWN_TYPE);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_runt_is_truncated)
{
    struct hw_world *w = hw_new();
    inject_frame(w, BOB(w)->ifaces[0].mac, ETHERTYPE_IPV4, ETH_HDR_LEN - 1);
    expect_eth_drop(w, DROP_ETH_TRUNCATED);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_frame_over_mtu_is_too_long)
{
    struct hw_world *w = hw_new();
    inject_frame(w, BOB(w)->ifaces[0].mac, ETHERTYPE_IPV4, ETH_HDR_LEN + 1501);
    expect_eth_drop(w, DROP_ETH_TOO_LONG);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_broadcast_frame_is_accepted)
{
    struct hw_world *w = hw_new();
    inject_frame(w, hwf_mac_bcast, ETHERTYPE_ARP, ETH_MIN_FRAME);
    ck_assert_uint_eq(BOB(w)->stats.rx[LAYER_ETH], 1);
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_ETH], 0);
    /* (the zeroed ARP body is the ARP layer's to refuse) */
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_ARP], 1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_short_frame_is_padded_with_zeros)
{
    struct hw_world *w = hw_new();
    hw_enter(w);
    struct host *a = ALICE(w);
    struct pkt *p = host_pkt_alloc(a, PKT_HEADROOM, 4);
    memcpy(pkt_put(p, 4), "abcd", 4);
    ck_assert_int_eq(eth_output(&a->ifaces[0], p, hwf_mac_bcast, 0x88b5), 0);
    p = hw_take(w, HW_ALICE);
    ck_assert_uint_eq(p->len, ETH_MIN_FRAME);
    ck_assert_mem_eq(p->data + ETH_HDR_LEN, "abcd", 4);
    for (size_t i = ETH_HDR_LEN + 4; i < ETH_MIN_FRAME; i++)
        ck_assert_uint_eq(p->data[i], 0);
    struct eth_hdr eth;
    ck_assert_int_eq(eth_parse(p->data, p->len, &eth), DROP_NONE);
    ck_assert_uint_eq(eth.type, 0x88b5);
    ck_assert_mem_eq(eth.src, a->ifaces[0].mac, ETH_ALEN);
    ck_assert_int_eq(p->l2_off, pkt_off(p));
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_down_interface_neither_sends_nor_receives)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    b->ifaces[0].up = false;
    inject_frame(w, b->ifaces[0].mac, ETHERTYPE_IPV4, ETH_MIN_FRAME);
    ck_assert_uint_eq(b->stats.drops[DROP_LINK_DOWN], 1);
    struct pkt *p = host_pkt_alloc(b, PKT_HEADROOM, 10);
    pkt_put(p, 10);
    ck_assert_int_eq(iface_transmit(&b->ifaces[0], p), -ERR_NETUNREACH);
    ck_assert_uint_eq(b->stats.drops[DROP_LINK_DOWN], 2);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    b->ifaces[0].up = true;
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_interface_without_driver_has_no_peer)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    static const uint8_t mac1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
    struct iface *eth1 = host_add_iface(b, "eth1", mac1, IPV4_ADDR(198, 51, 100, 1), 24, 1500,
                                        NULL, NULL);
    hw_enter(w);
    host_iface_up(b, eth1, false);
    struct pkt *p = host_pkt_alloc(b, PKT_HEADROOM, 10);
    pkt_put(p, 10);
    ck_assert_int_eq(iface_transmit(eth1, p), -ERR_NETUNREACH);
    ck_assert_uint_eq(b->stats.drops[DROP_LINK_NO_PEER], 1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_host_interfaces)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    ck_assert_uint_eq(host_primary_addr(b), HW_BOB_ADDR);
    ck_assert_ptr_eq(host_iface_by_addr(b, HW_BOB_ADDR), &b->ifaces[0]);
    ck_assert_ptr_null(host_iface_by_addr(b, 0));
    ck_assert_ptr_null(host_iface_by_addr(b, HW_ALICE_ADDR));
    static const uint8_t mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x09 };
    ck_assert_ptr_null(host_add_iface(b, "bad", mac, 1, 33, 1500, NULL, NULL));
    while (b->n_ifaces < HOST_MAX_IFACES)
        ck_assert_ptr_nonnull(host_add_iface(b, "ethN", mac, 0, 0, 1500, NULL, NULL));
    ck_assert_ptr_null(host_add_iface(b, "one-too-many", mac, 0, 0, 1500, NULL, NULL));
    /* Bringing an interface up twice adds its route once. */
    unsigned routes = b->routes.count;
    host_iface_up(b, &b->ifaces[0], false);
    ck_assert_uint_eq(b->routes.count, routes);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
eth_suite(void)
{
    Suite *s = suite_create("eth");
    TCase *tc = tcase_create("input");
    tcase_add_test(tc, test_frame_for_another_station_is_dropped);
    tcase_add_test(tc, test_unknown_ethertype_is_dropped);
    tcase_add_test(tc, test_8023_length_field_is_not_a_type);
    tcase_add_test(tc, test_runt_is_truncated);
    tcase_add_test(tc, test_frame_over_mtu_is_too_long);
    tcase_add_test(tc, test_broadcast_frame_is_accepted);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_test(tc, test_short_frame_is_padded_with_zeros);
    suite_add_tcase(s, tc);

    tc = tcase_create("iface");
    tcase_add_test(tc, test_down_interface_neither_sends_nor_receives);
    tcase_add_test(tc, test_interface_without_driver_has_no_peer);
    tcase_add_test(tc, test_host_interfaces);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(eth_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
