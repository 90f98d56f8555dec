/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_storm.c - a storm's halt message names its last frame whole.
 *
 * A bulk TCP transfer over a link without delay never moves the clock, so
 * a million events in, the world halts as a storm (SIM_INSTANT_EVENTS_MAX)
 * and says who made it and the last frame, in tcpdump's words. A data
 * segment with timestamps is a long line; it was cut at 159 characters,
 * which read "length 1" for a 1448-byte segment. It must read whole.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/addr.h"

/* A host's calls end as the bench's and the runner's do. */
static void
done(struct sim *s, struct host *h)
{
    sim_host_entered(s, h);
}

static bool
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* Step until fd on h polls `want`, or the world halts. */
static void
run_until(struct sim *s, struct host *h, int fd, unsigned want)
{
    for (unsigned i = 0; i < 100000 && (sock_poll(h, fd) & want) == 0; i++)
        if (!sim_step(s))
            break;
}

START_TEST(test_a_storm_names_its_last_frame_whole)
{
    static uint8_t out[65536], in[65536];
    memset(out, 'a', sizeof out);
    struct sim s;
    sim_init(&s, 1);
    struct host *a = sim_add_host(&s, "alice"), *b = sim_add_host(&s, "bob");
    struct iface *ia = sim_host_add_iface(&s, a, IPV4_ADDR(192, 0, 2, 1), 24, 1500, NULL);
    struct iface *ib = sim_host_add_iface(&s, b, IPV4_ADDR(192, 0, 2, 2), 24, 1500, NULL);
    struct link_params lp = { 0 };  /* no delay: the clock stands still */
    ck_assert_ptr_nonnull(sim_add_link(&s, ia, ib, &lp));

    sim_enter_host(&s, b);
    int lfd = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr any = { 0, 5001 };
    ck_assert_int_eq(sock_bind(b, lfd, &any), 0);
    ck_assert_int_eq(sock_listen(b, lfd, 5), 0);
    done(&s, b);
    sim_enter_host(&s, a);
    int cfd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { IPV4_ADDR(192, 0, 2, 2), 5001 };
    int r = sock_connect(a, cfd, &to);
    ck_assert(r == 0 || r == -ERR_INPROGRESS);
    done(&s, a);
    run_until(&s, a, cfd, SOCK_POLLOUT);
    run_until(&s, b, lfd, SOCK_POLLIN);
    sim_enter_host(&s, b);
    int sfd = sock_accept(b, lfd, NULL);
    ck_assert_int_ge(sfd, 0);
    done(&s, b);

    /* alice sends, bob reads, until the world halts (each round runs an
     * event at least, so the storm comes before the bound) */
    for (unsigned round = 0; round < 2 * SIM_INSTANT_EVENTS_MAX && s.halted == SIM_HALT_NONE;
         round++) {
        sim_enter_host(&s, a);
        sock_send(a, cfd, out, sizeof out);
        done(&s, a);
        sim_enter_host(&s, b);
        while (sock_recv(b, sfd, in, sizeof in) > 0)
            ;
        done(&s, b);
        run_until(&s, b, sfd, SOCK_POLLIN);
    }
    ck_assert_int_eq(s.halted, SIM_HALT_STORM);
    const char *last = strstr(s.halt_msg, "; the last frame: #");
    ck_assert_msg(last != NULL, "halt_msg: %s", s.halt_msg);
    /* a segment of the transfer: data (1448 bytes, MSS less timestamps) or
     * an ACK, its line whole to the end */
    bool whole = ends_with(last, ", length 1448") || ends_with(last, ", length 0");
    ck_assert_msg(whole, "the last frame is cut: %s", last);
    ck_assert_msg(strstr(last, " IP 192.0.2.") != NULL && strstr(last, "Flags [") != NULL,
                  "the last frame: %s", last);
    sim_destroy(&s);
}
END_TEST

static Suite *
storm_suite(void)
{
    Suite *s = suite_create("storm");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_a_storm_names_its_last_frame_whole);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(storm_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
