/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_switch.c - Check suite for sim/switch.c: learning, flooding, forwarding
 * to one port, no reflection, aging, the hub, and a bad frame at the switch.
 *
 * alice (port 1), bob (port 2) and carol (port 3) share one segment
 * 192.0.2.0/24 through sw1. Link i joins host i (end a) to its port (end b):
 * dir[1] carries what the switch sends to the host.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/link.h"
#include "sim/record.h"
#include "sim/sim.h"
#include "sim/switch.h"
#include "stack/host.h"
#include "stack/socket.h"

#define S_NS (1000ull * 1000 * 1000)

struct seg {
    struct sim s;
    struct record rec;
    struct lan_switch *sw;
    struct host *h[3];
    struct link *l[3];
    int fd[3];
};

static void
seg_init(struct seg *g, bool hub)
{
    sim_init(&g->s, 1);
    record_init(&g->rec, &g->s);
    record_attach(&g->rec);
    g->sw = sim_add_switch(&g->s, "sw1", hub);
    ck_assert_ptr_nonnull(g->sw);
    ck_assert_ptr_null(sim_add_switch(&g->s, "sw1", false));  /* names are unique */
    static const char *const names[3] = { "alice", "bob", "carol" };
    for (int i = 0; i < 3; i++) {
        g->h[i] = sim_add_host(&g->s, names[i]);
        struct iface *ifc =
            sim_host_add_iface(&g->s, g->h[i], IPV4_ADDR(192, 0, 2, 1 + i), 24, 1500, NULL);
        g->l[i] = sim_add_link(&g->s, ifc, switch_add_port(g->sw), NULL);
        ck_assert_ptr_nonnull(g->l[i]);
        sim_enter_host(&g->s, g->h[i]);
        g->fd[i] = sock_socket(g->h[i], SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
        struct sock_addr a = { .port = 7 };
        ck_assert_int_eq(sock_bind(g->h[i], g->fd[i], &a), 0);
    }
    ck_assert_str_eq(g->l[0]->name, "alice-sw1");
}

static void
seg_destroy(struct seg *g)
{
    sim_destroy(&g->s);
    ck_assert_uint_eq(g->s.pool.live, 0);
    record_destroy(&g->rec);
}

/* Host i sends "hi" to host j's port 7, then the world runs for 1 s. */
static void
seg_send(struct seg *g, int i, int j)
{
    sim_enter_host(&g->s, g->h[i]);
    struct sock_addr to = { .addr = g->h[j]->ifaces[0].addr, .port = 7 };
    ck_assert_int_eq(sock_sendto(g->h[i], g->fd[i], (const uint8_t *)"hi", 2, &to), 2);
    sim_host_entered(&g->s, g->h[i]);
    sim_run_until(&g->s, g->s.now_ns + S_NS);
}

static int
seg_recv(struct seg *g, int j)
{
    uint8_t buf[8];
    sim_enter_host(&g->s, g->h[j]);
    return sock_recv(g->h[j], g->fd[j], buf, sizeof buf);
}

/* Frames the switch sent toward host i. */
static uint64_t
to_host(const struct seg *g, int i)
{
    return g->l[i]->dir[1].wire.tx_frames;
}

START_TEST(test_switch_floods_then_learns_and_forwards)
{
    struct seg g;
    seg_init(&g, false);
    seg_send(&g, 0, 1);
    /* who-has bob: flooded to bob and carol; bob's reply went to alice only;
     * then the datagram to bob only. */
    ck_assert_int_eq(seg_recv(&g, 1), 2);
    ck_assert_uint_eq(to_host(&g, 2), 1);  /* carol saw the broadcast only */
    ck_assert_uint_eq(to_host(&g, 1), 2);  /* ARP request + datagram */
    ck_assert_uint_eq(to_host(&g, 0), 1);  /* ARP reply */
    ck_assert_uint_eq(switch_lookup(g.sw, g.h[0]->ifaces[0].mac, g.s.now_ns), 1);
    ck_assert_uint_eq(switch_lookup(g.sw, g.h[1]->ifaces[0].mac, g.s.now_ns), 2);
    ck_assert_uint_eq(switch_lookup(g.sw, g.h[2]->ifaces[0].mac, g.s.now_ns), 0);
    ck_assert_uint_eq(g.sw->flooded, 1);
    ck_assert_uint_eq(g.sw->forwarded, 2);
    ck_assert_uint_eq(g.sw->learned, 2);
    /* Never back out of the ingress port: alice's link carried no copy of
     * her own broadcast. */
    ck_assert_uint_eq(g.l[0]->dir[1].wire.tx_frames, 1);
    /* The switch's decisions are in the trace, under its name. */
    bool learned = false, flood = false, fwd = false;
    for (size_t i = 0; i < record_count(&g.rec); i++) {
        struct record_event e;
        record_get(&g.rec, i, &e);
        if (e.where == NULL || strcmp(e.where, "sw1") != 0)
            continue;
        learned |= strcmp(e.text, "learned 02:00:00:00:01:01 on port 1") == 0;
        flood |= strstr(e.text, "broadcast: flood to every port but 1") != NULL;
        fwd |= strstr(e.text, "forward to port 2 only") != NULL;
    }
    ck_assert(learned && flood && fwd);
    seg_destroy(&g);
}
END_TEST

START_TEST(test_switch_entries_age_out)
{
    struct seg g;
    seg_init(&g, false);
    g.sw->aging_ns = 10 * S_NS;
    seg_send(&g, 0, 1);
    ck_assert_int_eq(seg_recv(&g, 1), 2);
    uint64_t carol = to_host(&g, 2);
    sim_run_until(&g.s, g.s.now_ns + 20 * S_NS);
    ck_assert_uint_eq(switch_lookup(g.sw, g.h[1]->ifaces[0].mac, g.s.now_ns), 0);
    /* alice still knows bob's MAC (ARP: 60 s), the switch does not: flood. */
    seg_send(&g, 0, 1);
    ck_assert_int_eq(seg_recv(&g, 1), 2);
    ck_assert_uint_eq(to_host(&g, 2), carol + 1);
    ck_assert_uint_eq(g.sw->aged, 1);
    ck_assert_uint_eq(g.h[2]->stats.drops[DROP_ETH_NOT_FOR_US], 1);
    seg_destroy(&g);
}
END_TEST

START_TEST(test_frame_for_its_own_port_is_filtered)
{
    struct seg g;
    seg_init(&g, false);
    seg_send(&g, 0, 1);  /* the switch knows alice on port 1 */
    /* A frame from port 1 to alice's MAC: it must not go back out. */
    struct iface *ia = &g.h[0]->ifaces[0];
    struct pkt *p = pkt_alloc(&g.s.pool, PKT_HEADROOM, 60);
    ck_assert_ptr_nonnull(p);
    uint8_t *b = pkt_put(p, 60);
    ck_assert_ptr_nonnull(b);
    memset(b, 0, 60);
    memcpy(b, ia->mac, ETH_ALEN);
    memcpy(b + 6, g.h[2]->ifaces[0].mac, ETH_ALEN);
    b[12] = 0x88;
    b[13] = 0xb5;
    ck_assert_int_eq(ia->ops->transmit(ia, p), 0);
    uint64_t before = to_host(&g, 0);
    sim_run_until(&g.s, g.s.now_ns + S_NS);
    ck_assert_uint_eq(to_host(&g, 0), before);
    ck_assert_uint_eq(g.sw->filtered, 1);
    seg_destroy(&g);
}
END_TEST

START_TEST(test_hub_repeats_to_every_other_port)
{
    struct seg g;
    seg_init(&g, true);
    seg_send(&g, 0, 1);
    ck_assert_int_eq(seg_recv(&g, 1), 2);
    /* carol saw everything: request, reply, datagram. */
    ck_assert_uint_eq(to_host(&g, 2), 3);
    ck_assert_uint_eq(to_host(&g, 0), 1);  /* bob's reply; never her own frames back */
    ck_assert_uint_eq(to_host(&g, 1), 2);  /* request + datagram */
    ck_assert_uint_eq(g.sw->learned, 0);
    ck_assert_uint_eq(g.h[2]->stats.drops[DROP_ETH_NOT_FOR_US], 2);
    seg_destroy(&g);
}
END_TEST

START_TEST(test_bad_frame_dies_at_the_switch)
{
    struct seg g;
    seg_init(&g, false);
    struct link_params p = { .corrupt = 1.0, .corrupt_l2 = true };
    ck_assert_int_eq(link_set_params(g.l[0], &p), 0);
    seg_send(&g, 0, 1);
    ck_assert_uint_eq(to_host(&g, 1) + to_host(&g, 2), 0);
    /* the request and its retry reached the switch, which dropped both */
    ck_assert_uint_eq(g.l[0]->dir[0].wire.delivered, 2);
    ck_assert_uint_eq(g.sw->learned + g.sw->flooded + g.sw->forwarded, 0);
    seg_destroy(&g);
}
END_TEST

static Suite *
switch_suite(void)
{
    Suite *s = suite_create("sim/switch");
    TCase *tc = tcase_create("switch");
    tcase_add_test(tc, test_switch_floods_then_learns_and_forwards);
    tcase_add_test(tc, test_switch_entries_age_out);
    tcase_add_test(tc, test_frame_for_its_own_port_is_filtered);
    tcase_add_test(tc, test_bad_frame_dies_at_the_switch);
    suite_add_tcase(s, tc);
    tc = tcase_create("hub");
    tcase_add_test(tc, test_hub_repeats_to_every_other_port);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(switch_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
