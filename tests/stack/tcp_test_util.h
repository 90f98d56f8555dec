/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_test_util.h - small helpers every TCP suite shares (static, header-only):
 * a fixture world, injecting from the fake peer, taking bob's segments.
 */
#ifndef NETSTEP_TESTS_TCP_TEST_UTIL_H
#define NETSTEP_TESTS_TCP_TEST_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "harness/tcp_harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/socket.h"

#define BOB(w) (&(w)->host[HW_BOB])
#define PEER_ISS 5000u

static struct hw_world *w;

static void
setup(void)
{
    w = th_new();
}

static void
teardown(void)
{
    hw_destroy(w);
    free(w);
}

static inline void
peer_wnd(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd, const void *data, size_t len)
{
    struct tcp_hdr t = { .seq = seq, .ack = ack, .flags = flags, .wnd = wnd };
    th_inject(w, HW_BOB, &t, data, len);
}

static inline void
peer(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, size_t len)
{
    peer_wnd(flags, seq, ack, 65535, data, len);
}

static inline struct th_seg
take(void)
{
    struct th_seg s;
    ck_assert_msg(th_take(w, HW_BOB, &s), "bob sent nothing");
    return s;
}

static inline uint64_t
counter(const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(inspect_counter(BOB(w), name, &v), "no counter %s", name);
    return v;
}

/* bob sends len bytes of a pattern on fd. */
static inline void
bob_send(int fd, size_t len)
{
    static uint8_t buf[65536];
    for (size_t i = 0; i < len && i < sizeof(buf); i++)
        buf[i] = (uint8_t)i;
    hw_enter(w);
    ck_assert_int_eq(sock_send(BOB(w), fd, buf, len), (int)len);
}

#endif
