/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sim_call.c - scheduled calls (SIM_EV_CALL, a scenario's `at`): what a
 * call enters gets its timers, and nothing else is touched.
 *
 * A call runs outside any host; the hosts it enters through sim_enter_host()
 * may have new deadlines (an ARP request waiting for its retry, a TCP
 * retransmission timer), so the loop re-arms them after the call. It re-arms
 * only those: a world of n hosts started by n calls must not cost n * n.
 * Then the scenario side: many `at` statements, each one run once, at its
 * time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/addr.h"

#define MS (1000ull * 1000)
#define SEC (1000ull * MS)
#define IDLE_HOSTS 200

/* alice and bob on a link, and IDLE_HOSTS hosts with no interface at all. */
static void
build(struct sim *s, struct host **alice)
{
    sim_init(s, 1);
    *alice = sim_add_host(s, "alice");
    struct host *bob = sim_add_host(s, "bob");
    ck_assert_ptr_nonnull(*alice);
    ck_assert_ptr_nonnull(bob);
    struct iface *a = sim_host_add_iface(s, *alice, IPV4_ADDR(192, 0, 2, 1), 24, 1500, NULL);
    struct iface *b = sim_host_add_iface(s, bob, IPV4_ADDR(192, 0, 2, 2), 24, 1500, NULL);
    ck_assert_ptr_nonnull(sim_add_link(s, a, b, NULL));
    for (unsigned i = 0; i < IDLE_HOSTS; i++) {
        char name[HOST_NAME_LEN];
        snprintf(name, sizeof name, "idle%u", i);
        ck_assert_ptr_nonnull(sim_add_host(s, name));
    }
}

/* alice sends a datagram to an address nobody has. The call does not re-arm
 * alice itself (no sim_host_entered): the loop must. */
static void
alice_sends_to_nobody(struct sim *s, void *ctx)
{
    struct host *alice = ctx;
    sim_enter_host(s, alice);
    int fd = sock_socket(alice, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, 0);
    struct sock_addr to = { IPV4_ADDR(192, 0, 2, 99), 9 };
    ck_assert_int_eq(sock_sendto(alice, fd, (const uint8_t *)"x", 1, &to), 1);
}

/* Enter a host and change nothing. */
static void
touch(struct sim *s, void *ctx)
{
    sim_enter_host(s, ctx);
}

static void
nothing(struct sim *s, void *ctx)
{
    (void)s;
    (void)ctx;
}

START_TEST(test_a_call_arms_the_timers_of_the_host_it_entered)
{
    struct sim s;
    struct host *alice;
    build(&s, &alice);
    ck_assert_int_ge(sim_schedule_call(&s, 1 * MS, alice_sends_to_nobody, alice), 0);
    sim_run_until(&s, 10 * SEC);
    /* The ARP request was retried once a second [RFC 1122 2.3.2.1] and then
     * given up: only alice's wake-up, armed after the call, could do that. */
    ck_assert_uint_eq(alice->stats.tx[LAYER_ARP], ARP_MAX_TRIES);
    ck_assert_uint_eq(alice->stats.drops[DROP_ARP_UNRESOLVED], 1);
    ck_assert_uint_eq(s.call_rearms, 1);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_a_call_touches_only_the_hosts_it_entered)
{
    struct sim s;
    struct host *alice;
    build(&s, &alice);
    /* One call per idle host, each entering its host (twice), and calls that
     * enter nobody: n calls re-arm n hosts, not n * (hosts in the world). */
    for (unsigned i = 0; i < IDLE_HOSTS; i++) {
        struct host *h = s.hosts[2 + i];
        ck_assert_int_ge(sim_schedule_call(&s, (1 + i) * MS, touch, h), 0);
        ck_assert_int_ge(sim_schedule_call(&s, (1 + i) * MS, touch, h), 0);
        ck_assert_int_ge(sim_schedule_call(&s, (1 + i) * MS, nothing, NULL), 0);
    }
    sim_run_until(&s, 1 * SEC);
    ck_assert_uint_eq(s.call_rearms, 2 * IDLE_HOSTS);
    /* Nothing is left marked for a later call. */
    for (size_t i = 0; i < s.n_hosts; i++)
        ck_assert(!s.wakes[i].entered);
    ck_assert_uint_eq(s.n_call_entered, 0);
    ck_assert(!s.in_call);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_host_index_is_its_slot_and_foreign_hosts_have_none)
{
    struct sim s, t;
    struct host *alice, *alice_t;
    build(&s, &alice);
    build(&t, &alice_t);
    for (size_t i = 0; i < s.n_hosts; i++)
        ck_assert_int_eq(sim_host_index(&s, s.hosts[i]), (int)i);
    /* the same slot of another world is another host */
    ck_assert_int_eq(sim_host_index(&s, alice_t), -1);
    ck_assert_int_eq(sim_host_index(&t, s.hosts[5]), -1);
    struct host loose;
    memset(&loose, 0, sizeof loose);
    ck_assert_int_eq(sim_host_index(&s, &loose), -1);
    ck_assert_int_eq(sim_host_index(&s, NULL), -1);
    sim_destroy(&t);
    sim_destroy(&s);
}
END_TEST

/* 1000 `at` statements across a world of 360 hosts: every one runs once, at
 * its time. The list of scheduled statements grows as they come (its
 * capacity once stayed behind when realloc grew the block in place, and the
 * statements after it were written past its end: glibc aborted this run). */
START_TEST(test_many_at_statements_each_run_once)
{
    enum { SITES = 3, HOSTS = 120, N = 1000 };
    static const char *const net[SITES] = { "192.0.2", "198.51.100", "203.0.113" };
    size_t cap = 200000;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t len = 0;
    for (unsigned s = 0; s < SITES; s++) {
        len += (size_t)snprintf(text + len, cap - len, "switch sw%u\n", s);
        for (unsigned j = 1; j <= HOSTS; j++)
            len += (size_t)snprintf(text + len, cap - len,
                                    "host h%u_%u %s.%u/24\nlink h%u_%u sw%u\n", s, j, net[s],
                                    j, s, j, s);
    }
    for (unsigned s = 0; s < SITES; s++)
        for (unsigned j = 1; j <= HOSTS; j++)
            len += (size_t)snprintf(text + len, cap - len, "h%u_%u: u = socket udp\n", s, j);
    for (unsigned k = 0; k < N; k++) {
        unsigned h = k % (SITES * HOSTS), s = h / HOSTS, j = 1 + h % HOSTS;
        len += (size_t)snprintf(text + len, cap - len, "at %ums h%u_%u: sendto u %s.%u:9 \"x\"\n",
                                10 + k, s, j, net[s], 1 + k / (SITES * HOSTS));
    }
    snprintf(text + len, cap - len, "sleep 2s\nexpect h0_1 counter udp.tx == 3\n");
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("at.scn", text, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    FILE *devnull = fopen("/dev/null", "w");
    struct scn_run_opts opts = { .out = devnull };
    struct scn_runner *r = calloc(1, sizeof *r);
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    scn_runner_run(r);
    ck_assert_uint_eq(r->n_ats, N);
    ck_assert_uint_ge(r->cap_ats, r->n_ats);
    for (size_t i = 0; i < r->n_ats; i++)
        ck_assert(r->ats[i]->ran);
    ck_assert_uint_eq(r->expects_failed, 0);
    ck_assert_uint_eq(r->expects_passed, 1);
    /* one call per statement, each entering its sender alone */
    ck_assert_uint_eq(r->sim.call_rearms, N);
    scn_runner_destroy(r);
    free(r);
    fclose(devnull);
    scenario_free(scn);
    free(text);
}
END_TEST

static Suite *
sim_call_suite(void)
{
    Suite *s = suite_create("sim_call");
    TCase *tc = tcase_create("call");
    tcase_add_test(tc, test_a_call_arms_the_timers_of_the_host_it_entered);
    tcase_add_test(tc, test_a_call_touches_only_the_hosts_it_entered);
    tcase_add_test(tc, test_host_index_is_its_slot_and_foreign_hosts_have_none);
    suite_add_tcase(s, tc);
    tc = tcase_create("at");
    tcase_add_test(tc, test_many_at_statements_each_run_once);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(sim_call_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
