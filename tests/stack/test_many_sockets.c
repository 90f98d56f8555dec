/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_many_sockets.c - thousands of sockets per host: no fixed table. 1,000
 * concurrent TCP connections between two hosts open, each carries its own
 * bytes both ways, and all close; the client then holds 1,000 descriptors
 * and the server 1,001 (with its listener), under the default limit of
 * RLIMIT_NOFILE 1024.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "harness/tcp_harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"

#define CONNS 1000

START_TEST(test_a_thousand_concurrent_connections)
{
    struct hw_world *w = th_new();
    trace_detach(&w->trace, &w->sink); /* speed: nobody records */
    struct host *a = &w->host[HW_ALICE], *b = &w->host[HW_BOB];
    int lfd = th_listen(w, HW_BOB, TH_PORT, CONNS);
    static int cfd[CONNS], sfd[CONNS];
    hw_enter(w);
    for (int i = 0; i < CONNS; i++) {
        cfd[i] = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
        ck_assert_int_ge(cfd[i], SOCK_FD_BASE);
        int r = sock_connect(a, cfd[i], &(struct sock_addr){ HW_BOB_ADDR, TH_PORT });
        ck_assert_msg(r == 0 || r == -ERR_INPROGRESS, "connect %d: %d", i, r);
    }
    hw_deliver(w);
    for (int i = 0; i < CONNS; i++) {
        sfd[i] = sock_accept(b, lfd, NULL);
        ck_assert_msg(sfd[i] >= SOCK_FD_BASE, "accept %d: %d", i, sfd[i]);
    }
    ck_assert_int_eq(sock_accept(b, lfd, NULL), -ERR_AGAIN);
    /* Every connection carries its own number each way. */
    for (int i = 0; i < CONNS; i++) {
        char m[16];
        int n = snprintf(m, sizeof(m), "c%d", i);
        ck_assert_int_eq(sock_send(a, cfd[i], (const uint8_t *)m, (size_t)n), n);
    }
    hw_deliver(w);
    for (int i = 0; i < CONNS; i++) {
        uint8_t got[16] = { 0 };
        int n = sock_recv(b, sfd[i], got, sizeof(got) - 1);
        ck_assert_int_gt(n, 1);
        /* accept() hands connections out in arrival order; whichever this
         * is, it echoes its own bytes back with an 's'. */
        got[0] = 's';
        ck_assert_int_eq(sock_send(b, sfd[i], got, (size_t)n), n);
    }
    hw_deliver(w);
    for (int i = 0; i < CONNS; i++) {
        char want[16];
        int wn = snprintf(want, sizeof(want), "s%d", i);
        uint8_t got[16] = { 0 };
        ck_assert_int_eq(sock_recv(a, cfd[i], got, sizeof(got)), wn);
        ck_assert_int_eq(memcmp(got, want, (size_t)wn), 0);
    }
    ck_assert_uint_eq(a->tcp.stats.active_opens, CONNS);
    ck_assert_uint_eq(b->tcp.stats.passive_opens, CONNS);
    for (int i = 0; i < CONNS; i++) {
        ck_assert_int_eq(sock_close(a, cfd[i]), 0);
        ck_assert_int_eq(sock_close(b, sfd[i]), 0);
    }
    ck_assert_int_eq(sock_close(b, lfd), 0);
    hw_deliver(w);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
many_sockets_suite(void)
{
    Suite *s = suite_create("many_sockets");
    TCase *tc = tcase_create("many");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_a_thousand_concurrent_connections);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(many_sockets_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
