/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_harness.c - the TCP test helpers of tcp_harness.h.
 */
#include "tcp_harness.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "frames.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"

struct hw_world *
th_new(void)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    return w;
}

static void
th_inject_frame(struct hw_world *w, int to, const struct tcp_hdr *t, const void *data, size_t len,
                size_t damage_at)
{
    int from = 1 - to;
    uint32_t src = from == HW_ALICE ? HW_ALICE_ADDR : HW_BOB_ADDR;
    uint32_t dst = to == HW_ALICE ? HW_ALICE_ADDR : HW_BOB_ADDR;
    struct tcp_hdr h = *t;
    if (h.sport == 0)
        h.sport = TH_PEER_PORT;
    if (h.dport == 0)
        h.dport = TH_PORT;
    uint8_t seg[TCP_HDR_MAX + 1500];
    size_t hl = TCP_HDR_MIN + tcp_opts_len(&h.opts);
    ck_assert_uint_le(hl + len, sizeof(seg));
    if (len > 0)
        memcpy(seg + hl, data, len);
    tcp_emit(&h, seg, len, src, dst);
    if (damage_at < len)
        seg[hl + damage_at] ^= 0xff;
    struct ipv4_hdr ip = hwf_ip(src, dst, IPPROTO_TCP_);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, w->host[to].ifaces[0].mac, w->host[from].ifaces[0].mac, &ip, seg,
                        hl + len);
    hw_inject(w, to, frame, n);
}

void
th_inject(struct hw_world *w, int to, const struct tcp_hdr *t, const void *data, size_t len)
{
    th_inject_frame(w, to, t, data, len, SIZE_MAX);
}

void
th_inject_damaged(struct hw_world *w, int to, const struct tcp_hdr *t, const void *data,
                  size_t len, size_t at)
{
    th_inject_frame(w, to, t, data, len, at);
}

bool
th_take(struct hw_world *w, int from, struct th_seg *out)
{
    for (;;) {
        if (hw_pending(w, from) == 0)
            return false;
        struct pkt *p = hw_take(w, from);
        struct hwf f;
        hwf_decode(p, &f);
        if (!f.is_ipv4 || f.ip.proto != IPPROTO_TCP_) {
            pkt_free(p);
            continue;
        }
        memset(out, 0, sizeof(*out));
        enum drop_reason r = tcp_parse(f.l4, f.l4_len, f.ip.src, f.ip.dst, &out->t);
        ck_assert_msg(r == DROP_NONE, "host sent a TCP segment that does not parse: %s",
                      drop_reason_name(r));
        out->len = f.l4_len - out->t.data_off;
        ck_assert_uint_le(out->len, sizeof(out->data));
        memcpy(out->data, f.l4 + out->t.data_off, out->len);
        out->why = p->cause.tcp_why;
        out->id = p->id;
        pkt_free(p);
        return true;
    }
}

size_t
th_pending(struct hw_world *w, int from)
{
    return hw_pending(w, from);
}

void
th_flush(struct hw_world *w, int from)
{
    hw_lose(w, from);
}

struct tcb *
th_tcb(struct hw_world *w, int host, int fd)
{
    struct tcb *tp = tcp_tcb_by_fd(&w->host[host], fd);
    ck_assert_ptr_nonnull(tp);
    return tp;
}

int
th_listen(struct hw_world *w, int host, uint16_t port, int backlog)
{
    hw_enter(w);
    struct host *h = &w->host[host];
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    struct sock_addr a = { 0, port };
    ck_assert_int_eq(sock_bind(h, fd, &a), 0);
    ck_assert_int_eq(sock_listen(h, fd, backlog), 0);
    return fd;
}

int
th_passive_open(struct hw_world *w, int lfd, uint32_t peer_iss, uint16_t peer_wnd,
                const struct tcp_opts *opts, uint32_t *bob_iss)
{
    struct tcp_hdr syn = { .seq = peer_iss, .flags = TCP_SYN, .wnd = peer_wnd };
    if (opts != NULL)
        syn.opts = *opts;
    else
        syn.opts = (struct tcp_opts){ .has_mss = true, .mss = TH_MSS };
    th_inject(w, HW_BOB, &syn, NULL, 0);
    struct th_seg sa;
    ck_assert(th_take(w, HW_BOB, &sa));
    ck_assert_uint_eq(sa.t.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(sa.t.ack, peer_iss + 1);
    *bob_iss = sa.t.seq;
    struct tcp_hdr ack = { .seq = peer_iss + 1, .ack = sa.t.seq + 1, .flags = TCP_ACK,
                           .wnd = peer_wnd };
    if (opts != NULL && opts->has_ts && sa.t.opts.has_ts)
        ack.opts = (struct tcp_opts){ .has_ts = true, .ts_val = opts->ts_val,
                                      .ts_ecr = sa.t.opts.ts_val };
    th_inject(w, HW_BOB, &ack, NULL, 0);
    hw_enter(w);
    struct sock_addr peer;
    int fd = sock_accept(&w->host[HW_BOB], lfd, &peer);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    ck_assert_uint_eq(peer.addr, HW_ALICE_ADDR);
    ck_assert_uint_eq(peer.port, TH_PEER_PORT);
    return fd;
}

int
th_active_open(struct hw_world *w, uint32_t peer_iss, uint16_t peer_wnd,
               const struct tcp_opts *opts, uint32_t *bob_iss)
{
    hw_enter(w);
    struct host *b = &w->host[HW_BOB];
    int fd = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    struct sock_addr a = { 0, TH_PORT };
    ck_assert_int_eq(sock_bind(b, fd, &a), 0);
    struct sock_addr to = { HW_ALICE_ADDR, TH_PEER_PORT };
    ck_assert_int_eq(sock_connect(b, fd, &to), -ERR_INPROGRESS);
    struct th_seg syn;
    ck_assert(th_take(w, HW_BOB, &syn));
    ck_assert_uint_eq(syn.t.flags, TCP_SYN);
    *bob_iss = syn.t.seq;
    struct tcp_hdr sa = { .seq = peer_iss, .ack = syn.t.seq + 1, .flags = TCP_SYN | TCP_ACK,
                          .wnd = peer_wnd };
    if (opts != NULL)
        sa.opts = *opts;
    else
        sa.opts = (struct tcp_opts){ .has_mss = true, .mss = TH_MSS };
    th_inject(w, HW_BOB, &sa, NULL, 0);
    struct th_seg ack;
    ck_assert(th_take(w, HW_BOB, &ack));
    ck_assert_uint_eq(ack.t.flags, TCP_ACK);
    ck_assert_uint_eq(ack.t.ack, peer_iss + 1);
    ck_assert_int_eq(th_tcb(w, HW_BOB, fd)->state, TCP_ESTABLISHED);
    return fd;
}

void
th_run(struct hw_world *w, uint64_t ns)
{
    uint64_t end = w->now_ns + ns;
    for (;;) {
        hw_deliver(w);
        uint64_t a = host_next_deadline(&w->host[0]);
        uint64_t b = host_next_deadline(&w->host[1]);
        uint64_t next = a < b ? a : b;
        if (next > end)
            next = end;
        if (next < w->now_ns)
            next = w->now_ns;
        hw_advance(w, next - w->now_ns);
        if (w->now_ns >= end) {
            hw_deliver(w);
            return;
        }
    }
}

void
th_pair(struct hw_world *w, int *afd, int *bfd)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 8);
    hw_enter(w);
    struct host *a = &w->host[HW_ALICE];
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    struct sock_addr to = { HW_BOB_ADDR, TH_PORT };
    ck_assert_int_eq(sock_connect(a, fd, &to), -ERR_INPROGRESS);
    hw_deliver(w);
    hw_enter(w);
    struct sock_addr peer;
    int b = sock_accept(&w->host[HW_BOB], lfd, &peer);
    ck_assert_int_ge(b, SOCK_FD_BASE);
    ck_assert_int_eq(th_tcb(w, HW_ALICE, fd)->state, TCP_ESTABLISHED);
    ck_assert_int_eq(th_tcb(w, HW_BOB, b)->state, TCP_ESTABLISHED);
    *afd = fd;
    *bfd = b;
}
