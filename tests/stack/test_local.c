/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_local.c - AF_LOCAL sockets: named by paths, and nothing below them.
 *
 * Stream: bind, listen, connect (paired at once), accept, bytes both ways,
 * end of stream and EPIPE after close, half-close. Datagram: boundaries kept,
 * the sender's path reported. Errors as Linux names them. And the point of
 * the family: not one frame is transmitted, no layer below the socket sees a
 * packet, while the same exchange over TCP on the same hosts does.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"

#define ALICE(w) (&(w)->host[HW_ALICE])

static int
local_socket(struct host *h, enum sock_type t)
{
    return sock_socket(h, SOCK_DOMAIN_LOCAL, t, SOCK_PROTO_LOCAL);
}

static struct hw_world *
world(void)
{
    struct hw_world *w = calloc(1, sizeof(*w));
    ck_assert_ptr_nonnull(w);
    hw_init(w);
    hw_enter(w);
    return w;
}

static void
done(struct hw_world *w)
{
    hw_destroy(w);
    free(w);
}

START_TEST(test_stream_connect_accept_and_bytes_both_ways)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int srv = local_socket(a, SOCK_TYPE_STREAM);
    ck_assert_int_eq(sock_bind_path(a, srv, "/run/echo.sock"), 0);
    ck_assert_int_eq(sock_listen(a, srv, 4), 0);
    ck_assert_int_eq(sock_accept(a, srv, NULL), -ERR_AGAIN);
    int c = local_socket(a, SOCK_TYPE_STREAM);
    ck_assert_int_eq(sock_connect_path(a, c, "/run/echo.sock"), 0);
    ck_assert(sock_poll(a, srv) & SOCK_POLLIN);
    int s = sock_accept(a, srv, NULL);
    ck_assert_int_gt(s, c);
    ck_assert_int_eq(sock_send(a, c, (const uint8_t *)"hello ", 6), 6);
    ck_assert_int_eq(sock_send(a, c, (const uint8_t *)"world", 5), 5);
    uint8_t buf[32];
    /* A stream has no boundaries: one recv takes both writes. */
    ck_assert_int_eq(sock_recv(a, s, buf, sizeof(buf)), 11);
    ck_assert(memcmp(buf, "hello world", 11) == 0);
    ck_assert_int_eq(sock_send(a, s, (const uint8_t *)"back", 4), 4);
    ck_assert_int_eq(sock_recv(a, c, buf, 2), 2);
    ck_assert_int_eq(sock_recv(a, c, buf + 2, sizeof(buf)), 2);
    ck_assert(memcmp(buf, "back", 4) == 0);
    ck_assert_int_eq(sock_recv(a, c, buf, sizeof(buf)), -ERR_AGAIN);
    /* Close one end: the other reads end of stream, and a send gets EPIPE. */
    ck_assert_int_eq(sock_close(a, s), 0);
    ck_assert_int_eq(sock_recv(a, c, buf, sizeof(buf)), 0);
    ck_assert(sock_poll(a, c) & SOCK_POLLHUP);
    ck_assert_int_eq(sock_send(a, c, (const uint8_t *)"x", 1), -ERR_PIPE);
    ck_assert_int_eq(sock_close(a, c), 0);
    ck_assert_int_eq(sock_close(a, srv), 0);
    done(w);
}
END_TEST

START_TEST(test_nothing_goes_below_the_socket_layer)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int srv = local_socket(a, SOCK_TYPE_STREAM);
    sock_bind_path(a, srv, "/tmp/s");
    sock_listen(a, srv, 1);
    int c = local_socket(a, SOCK_TYPE_STREAM);
    sock_connect_path(a, c, "/tmp/s");
    int s = sock_accept(a, srv, NULL);
    static uint8_t big[100000];
    ck_assert_int_eq(sock_send(a, c, big, sizeof(big)), (int)sizeof(big));
    uint8_t buf[4096];
    size_t got = 0;
    int r;
    while ((r = sock_recv(a, s, buf, sizeof(buf))) > 0)
        got += (size_t)r;
    ck_assert_uint_eq(got, sizeof(big));
    /* Not a frame transmitted, and no layer below the socket counted one. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, -1, HW_ALICE), 0);
    ck_assert_uint_eq(hw_count(w, TRACE_RX, -1, HW_ALICE), 0);
    ck_assert_uint_eq(a->stats.tx[LAYER_ETH] + a->stats.tx[LAYER_IPV4] + a->stats.tx[LAYER_TCP], 0);
    ck_assert_uint_ge(hw_count(w, TRACE_DELIVER, LAYER_SOCKET, HW_ALICE), 1);
    const struct hw_event *e = hw_last(w, TRACE_DELIVER, LAYER_SOCKET, HW_ALICE);
    ck_assert_ptr_nonnull(strstr(e->text, "nothing on the wire"));
    sock_close(a, c);
    sock_close(a, s);
    sock_close(a, srv);
    done(w);
}
END_TEST

START_TEST(test_send_stops_at_the_receivers_buffer)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int srv = local_socket(a, SOCK_TYPE_STREAM);
    sock_bind_path(a, srv, "/tmp/s");
    sock_listen(a, srv, 1);
    int c = local_socket(a, SOCK_TYPE_STREAM);
    sock_connect_path(a, c, "/tmp/s");
    int s = sock_accept(a, srv, NULL);
    ck_assert_int_eq(sock_setsockopt(a, s, SOCK_OPT_RCVBUF, 1000), 0);
    static uint8_t big[3000];
    ck_assert_int_eq(sock_send(a, c, big, sizeof(big)), 1000);
    ck_assert_int_eq(sock_send(a, c, big, sizeof(big)), -ERR_AGAIN);
    ck_assert(!(sock_poll(a, c) & SOCK_POLLOUT));
    uint8_t buf[600];
    ck_assert_int_eq(sock_recv(a, s, buf, sizeof(buf)), 600);
    ck_assert(sock_poll(a, c) & SOCK_POLLOUT);
    ck_assert_int_eq(sock_send(a, c, big, sizeof(big)), 600);
    sock_close(a, c);
    sock_close(a, s);
    sock_close(a, srv);
    done(w);
}
END_TEST

START_TEST(test_half_close)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int srv = local_socket(a, SOCK_TYPE_STREAM);
    sock_bind_path(a, srv, "/tmp/s");
    sock_listen(a, srv, 1);
    int c = local_socket(a, SOCK_TYPE_STREAM);
    sock_connect_path(a, c, "/tmp/s");
    int s = sock_accept(a, srv, NULL);
    sock_send(a, c, (const uint8_t *)"q", 1);
    ck_assert_int_eq(sock_shutdown(a, c, SOCK_SHUT_WR), 0);
    ck_assert_int_eq(sock_send(a, c, (const uint8_t *)"x", 1), -ERR_PIPE);
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(a, s, buf, sizeof(buf)), 1);
    ck_assert_int_eq(sock_recv(a, s, buf, sizeof(buf)), 0); /* end of stream */
    /* The other direction still works. */
    ck_assert_int_eq(sock_send(a, s, (const uint8_t *)"answer", 6), 6);
    ck_assert_int_eq(sock_recv(a, c, buf, sizeof(buf)), 6);
    sock_close(a, c);
    sock_close(a, s);
    sock_close(a, srv);
    done(w);
}
END_TEST

START_TEST(test_datagrams_keep_boundaries_and_sender)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int d = local_socket(a, SOCK_TYPE_DGRAM);
    ck_assert_int_eq(sock_bind_path(a, d, "/run/log"), 0);
    int c = local_socket(a, SOCK_TYPE_DGRAM);
    ck_assert_int_eq(sock_bind_path(a, c, "/run/client"), 0);
    ck_assert_int_eq(sock_sendto_path(a, c, (const uint8_t *)"one", 3, "/run/log"), 3);
    ck_assert_int_eq(sock_sendto_path(a, c, (const uint8_t *)"two!", 4, "/run/log"), 4);
    uint8_t buf[16];
    char from[SOCK_PATH_MAX];
    ck_assert_int_eq(sock_recvfrom_path(a, d, buf, sizeof(buf), from, sizeof(from)), 3);
    ck_assert_str_eq(from, "/run/client");
    ck_assert_int_eq(sock_recvfrom_path(a, d, buf, sizeof(buf), from, sizeof(from)), 4);
    ck_assert(memcmp(buf, "two!", 4) == 0);
    ck_assert_int_eq(sock_recv(a, d, buf, sizeof(buf)), -ERR_AGAIN);
    /* connect() only fixes where send() goes. */
    ck_assert_int_eq(sock_connect_path(a, c, "/run/log"), 0);
    ck_assert_int_eq(sock_send(a, c, (const uint8_t *)"three", 5), 5);
    ck_assert_int_eq(sock_recv(a, d, buf, sizeof(buf)), 5);
    /* An unbound sender has no path to report. */
    int anon = local_socket(a, SOCK_TYPE_DGRAM);
    ck_assert_int_eq(sock_sendto_path(a, anon, (const uint8_t *)"?", 1, "/run/log"), 1);
    ck_assert_int_eq(sock_recvfrom_path(a, d, buf, sizeof(buf), from, sizeof(from)), 1);
    ck_assert_str_eq(from, "");
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    sock_close(a, d);
    sock_close(a, c);
    sock_close(a, anon);
    done(w);
}
END_TEST

START_TEST(test_errors_as_linux_names_them)
{
    struct hw_world *w = world();
    struct host *a = ALICE(w);
    int s = local_socket(a, SOCK_TYPE_STREAM);
    int t = local_socket(a, SOCK_TYPE_STREAM);
    int g = local_socket(a, SOCK_TYPE_DGRAM);
    ck_assert_int_eq(sock_bind_path(a, s, "/x"), 0);
    ck_assert_int_eq(sock_bind_path(a, t, "/x"), -ERR_ADDRINUSE);
    ck_assert_int_eq(sock_connect_path(a, t, "/nobody"), -ERR_NOENT);
    ck_assert_int_eq(sock_connect_path(a, t, "/x"), -ERR_CONNREFUSED); /* not listening */
    ck_assert_int_eq(sock_connect_path(a, g, "/x"), -ERR_PROTOTYPE);
    ck_assert_int_eq(sock_bind_path(a, t, ""), -ERR_INVAL);
    ck_assert_int_eq(sock_send(a, t, (const uint8_t *)"x", 1), -ERR_NOTCONN);
    ck_assert_int_eq(sock_sendto_path(a, g, (const uint8_t *)"x", 1, "/none"), -ERR_NOENT);
    ck_assert_int_eq(sock_send(a, g, (const uint8_t *)"x", 1), -ERR_DESTADDRREQ);
    struct sock_addr in = { HW_BOB_ADDR, 80 };
    ck_assert_int_eq(sock_connect(a, t, &in), -ERR_AFNOSUPPORT);
    int u = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_eq(sock_bind_path(a, u, "/y"), -ERR_AFNOSUPPORT);
    /* A connection waiting for accept() is reset when its listener closes. */
    ck_assert_int_eq(sock_listen(a, s, 1), 0);
    ck_assert_int_eq(sock_connect_path(a, t, "/x"), 0);
    int q = local_socket(a, SOCK_TYPE_STREAM);
    ck_assert_int_eq(sock_connect_path(a, q, "/x"), -ERR_AGAIN); /* backlog of 1 is full */
    ck_assert_int_eq(sock_close(a, s), 0);
    uint8_t buf[4];
    ck_assert_int_eq(sock_recv(a, t, buf, sizeof(buf)), -ERR_CONNRESET);
    sock_close(a, t);
    sock_close(a, g);
    sock_close(a, u);
    sock_close(a, q);
    done(w);
}
END_TEST

static Suite *
local_suite(void)
{
    Suite *s = suite_create("local");
    TCase *tc = tcase_create("stream");
    tcase_add_test(tc, test_stream_connect_accept_and_bytes_both_ways);
    tcase_add_test(tc, test_nothing_goes_below_the_socket_layer);
    tcase_add_test(tc, test_send_stops_at_the_receivers_buffer);
    tcase_add_test(tc, test_half_close);
    suite_add_tcase(s, tc);
    tc = tcase_create("datagram");
    tcase_add_test(tc, test_datagrams_keep_boundaries_and_sender);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors_as_linux_names_them);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(local_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
