/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_states.c - one test per transition of [RFC 9293 3.3.2 Figure 5]:
 * opens (active, passive, simultaneous), closes (active, passive,
 * simultaneous), TIME-WAIT, resets, half-close, abortive close, a close
 * that lingers (SO_LINGER).
 * bob is the TCP under test; a fake peer at alice's address injects segments.
 */
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

/* Inject a bare segment from the peer. */
static void
peer(uint8_t flags, uint32_t seq, uint32_t ack, const char *data)
{
    struct tcp_hdr t = { .seq = seq, .ack = ack, .flags = flags, .wnd = 65535 };
    th_inject(w, HW_BOB, &t, data, data != NULL ? strlen(data) : 0);
}

static struct th_seg
take(void)
{
    struct th_seg s;
    ck_assert_msg(th_take(w, HW_BOB, &s), "bob sent nothing");
    return s;
}

static enum tcp_state
state(int fd)
{
    return th_tcb(w, HW_BOB, fd)->state;
}

START_TEST(test_closed_to_listen_on_listen)
{
    int fd = th_listen(w, HW_BOB, TH_PORT, 4);
    ck_assert_int_eq(state(fd), TCP_LISTEN);
    ck_assert_uint_eq(th_pending(w, HW_BOB), 0); /* nothing on the wire */
    const struct hw_event *e = hw_last(w, TRACE_STATE, LAYER_TCP, HW_BOB);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->text, "CLOSED -> LISTEN");
}
END_TEST

START_TEST(test_closed_to_syn_sent_on_connect)
{
    hw_enter(w);
    int fd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { HW_ALICE_ADDR, TH_PEER_PORT };
    ck_assert_int_eq(sock_connect(BOB(w), fd, &to), -ERR_INPROGRESS);
    ck_assert_int_eq(state(fd), TCP_SYN_SENT);
    struct th_seg s = take();
    ck_assert_uint_eq(s.t.flags, TCP_SYN);
    ck_assert(s.t.opts.has_mss);
    ck_assert_uint_eq(s.t.opts.mss, 1460); /* [RFC 9293 3.7.1] MTU 1500 - 40 */
    ck_assert(s.t.opts.sack_permitted && s.t.opts.has_ts && s.t.opts.has_wscale);
    ck_assert_uint_eq(s.why, TCP_WHY_OPEN);
    ck_assert_uint_eq(sock_poll(BOB(w), fd) & (SOCK_POLLOUT | SOCK_POLLERR), 0);
}
END_TEST

START_TEST(test_syn_sent_rcv_syn_ack_enters_established)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    struct tcb *tp = th_tcb(w, HW_BOB, fd);
    ck_assert_uint_eq(tp->snd_una, iss + 1);
    ck_assert_uint_eq(tp->rcv_nxt, PEER_ISS + 1);
    ck_assert(sock_poll(BOB(w), fd) & SOCK_POLLOUT);
    int64_t err = -1;
    ck_assert_int_eq(sock_getsockopt(BOB(w), fd, SOCK_OPT_ERROR, &err), 0);
    ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(test_listen_rcv_syn_enters_syn_received)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 4);
    peer(TCP_SYN, PEER_ISS, 0, NULL);
    struct th_seg s = take();
    ck_assert_uint_eq(s.t.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(s.t.ack, PEER_ISS + 1);
    ck_assert_int_eq(state(lfd), TCP_LISTEN); /* the listener stays */
    struct tcb *child = NULL;
    for (struct tcb *tp = BOB(w)->tcp.tcbs; tp != NULL; tp = tp->next)
        if (tp->listener != NULL)
            child = tp;
    ck_assert_ptr_nonnull(child);
    ck_assert_int_eq(child->state, TCP_SYN_RECEIVED);
    hw_enter(w);
    ck_assert_int_eq(sock_accept(BOB(w), lfd, NULL), -ERR_AGAIN);
}
END_TEST

START_TEST(test_inspect_pending_lists_unaccepted_children)
{
    /* A listener's connections before accept(), as `ss -t -a` shows them:
     * the handshake in progress, then waiting in the accept queue, then
     * gone from the list once accept() took it. */
    int lfd = th_listen(w, HW_BOB, TH_PORT, 4);
    struct inspect_tcb p[4];
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), lfd, p, 4), 0);
    peer(TCP_SYN, PEER_ISS, 0, NULL);
    struct th_seg s = take();
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), lfd, p, 4), 1);
    ck_assert_str_eq(p[0].state, "SYN_RECEIVED");
    ck_assert_int_eq(p[0].fd, -1);
    ck_assert_uint_eq(p[0].lport, TH_PORT);
    ck_assert_uint_eq(p[0].fport, TH_PEER_PORT);
    ck_assert_uint_eq(p[0].irs, PEER_ISS);
    ck_assert_uint_eq(p[0].iss, s.t.seq);
    ck_assert_uint_eq(p[0].snd_nxt, s.t.seq + 1);  /* the SYN-ACK's SYN */
    ck_assert_uint_eq(p[0].rcv_nxt, PEER_ISS + 1);
    /* max 0 copies nothing but still counts */
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), lfd, NULL, 0), 1);
    /* a non-listening fd, or no fd at all, has none */
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), lfd + 100, p, 4), 0);
    peer(TCP_ACK, PEER_ISS + 1, s.t.seq + 1, NULL);
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), lfd, p, 4), 1);
    ck_assert_str_eq(p[0].state, "ESTABLISHED");
    ck_assert_uint_eq(p[0].snd_una, s.t.seq + 1);
    hw_enter(w);
    int fd = sock_accept(BOB(w), lfd, NULL);
    ck_assert_int_ge(fd, 0);
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), lfd, p, 4), 0);
    ck_assert_uint_eq(inspect_tcb_pending(BOB(w), fd, p, 4), 0);  /* not a listener */
}
END_TEST

START_TEST(test_syn_received_rcv_ack_enters_established)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 4);
    uint32_t iss;
    int fd = th_passive_open(w, lfd, PEER_ISS, 65535, NULL, &iss);
    ck_assert_int_eq(state(fd), TCP_ESTABLISHED);
    ck_assert_uint_eq(th_tcb(w, HW_BOB, fd)->snd_una, iss + 1);
    uint64_t v;
    ck_assert(inspect_counter(BOB(w), "tcp.passive_opens", &v));
    ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(test_syn_sent_rcv_syn_enters_syn_received_simultaneous_open)
{
    hw_enter(w);
    int fd = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr me = { 0, TH_PORT };
    ck_assert_int_eq(sock_bind(BOB(w), fd, &me), 0);
    struct sock_addr to = { HW_ALICE_ADDR, TH_PEER_PORT };
    ck_assert_int_eq(sock_connect(BOB(w), fd, &to), -ERR_INPROGRESS);
    struct th_seg syn = take();
    /* The peer's SYN crosses ours. */
    peer(TCP_SYN, PEER_ISS, 0, NULL);
    ck_assert_int_eq(state(fd), TCP_SYN_RECEIVED);
    struct th_seg sa = take();
    ck_assert_uint_eq(sa.t.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(sa.t.seq, syn.t.seq); /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
    ck_assert_uint_eq(sa.t.ack, PEER_ISS + 1);
    /* Its SYN-ACK arrives: ESTABLISHED. */
    peer(TCP_SYN | TCP_ACK, PEER_ISS, syn.t.seq + 1, NULL);
    ck_assert_int_eq(state(fd), TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_simultaneous_open_between_two_hosts)
{
    hw_enter(w);
    struct host *a = &w->host[HW_ALICE];
    int fa = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    int fb = sock_socket(BOB(w), SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr pa = { 0, 1111 }, pb = { 0, 2222 };
    ck_assert_int_eq(sock_bind(a, fa, &pa), 0);
    ck_assert_int_eq(sock_bind(BOB(w), fb, &pb), 0);
    struct sock_addr ta = { HW_BOB_ADDR, 2222 }, tb = { HW_ALICE_ADDR, 1111 };
    ck_assert_int_eq(sock_connect(a, fa, &ta), -ERR_INPROGRESS);
    ck_assert_int_eq(sock_connect(BOB(w), fb, &tb), -ERR_INPROGRESS);
    hw_deliver(w);
    ck_assert_int_eq(th_tcb(w, HW_ALICE, fa)->state, TCP_ESTABLISHED);
    ck_assert_int_eq(state(fb), TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_syn_sent_rcv_rst_is_connection_refused)
{
    /* A real host with nothing on the port answers RST [RFC 9293 3.10.7.1]. */
    hw_enter(w);
    struct host *a = &w->host[HW_ALICE];
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { HW_BOB_ADDR, 81 };
    ck_assert_int_eq(sock_connect(a, fd, &to), -ERR_INPROGRESS);
    hw_deliver(w);
    ck_assert_int_eq(th_tcb(w, HW_ALICE, fd)->state, TCP_CLOSED);
    ck_assert(sock_poll(a, fd) & SOCK_POLLERR);
    int64_t err = 0;
    ck_assert_int_eq(sock_getsockopt(a, fd, SOCK_OPT_ERROR, &err), 0);
    ck_assert_int_eq(err, ERR_CONNREFUSED);
    ck_assert_uint_eq(hw_count_drops(w, DROP_TCP_NO_SOCKET), 1);
    uint64_t v;
    ck_assert(inspect_counter(BOB(w), "tcp.rst_tx", &v));
    ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(test_syn_received_rcv_rst_removes_half_open_connection)
{
    int lfd = th_listen(w, HW_BOB, TH_PORT, 4);
    peer(TCP_SYN, PEER_ISS, 0, NULL);
    take();
    peer(TCP_RST, PEER_ISS + 1, 0, NULL);
    unsigned n = 0;
    for (struct tcb *tp = BOB(w)->tcp.tcbs; tp != NULL; tp = tp->next)
        n++;
    ck_assert_uint_eq(n, 1); /* only the listener is left */
    ck_assert_int_eq(state(lfd), TCP_LISTEN);
}
END_TEST

START_TEST(test_established_close_enters_fin_wait_1_then_2_then_time_wait)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    ck_assert_int_eq(sock_shutdown(BOB(w), fd, SOCK_SHUT_WR), 0);
    ck_assert_int_eq(state(fd), TCP_FIN_WAIT_1);
    struct th_seg fin = take();
    ck_assert_uint_eq(fin.t.flags, TCP_FIN | TCP_ACK);
    ck_assert_uint_eq(fin.t.seq, iss + 1);
    peer(TCP_ACK, PEER_ISS + 1, iss + 2, NULL);
    ck_assert_int_eq(state(fd), TCP_FIN_WAIT_2);
    peer(TCP_FIN | TCP_ACK, PEER_ISS + 1, iss + 2, NULL);
    ck_assert_int_eq(state(fd), TCP_TIME_WAIT);
    struct th_seg ack = take();
    ck_assert_uint_eq(ack.t.flags, TCP_ACK);
    ck_assert_uint_eq(ack.t.ack, PEER_ISS + 2);
}
END_TEST

START_TEST(test_fin_wait_1_rcv_fin_ack_enters_time_wait)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    sock_shutdown(BOB(w), fd, SOCK_SHUT_WR);
    take();
    peer(TCP_FIN | TCP_ACK, PEER_ISS + 1, iss + 2, NULL);
    ck_assert_int_eq(state(fd), TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_simultaneous_close_fin_wait_1_closing_time_wait)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    sock_shutdown(BOB(w), fd, SOCK_SHUT_WR);
    take();
    /* The peer's FIN crosses ours: it does not acknowledge our FIN. */
    peer(TCP_FIN | TCP_ACK, PEER_ISS + 1, iss + 1, NULL);
    ck_assert_int_eq(state(fd), TCP_CLOSING);
    peer(TCP_ACK, PEER_ISS + 2, iss + 2, NULL);
    ck_assert_int_eq(state(fd), TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_time_wait_lasts_two_msl_then_closed)
{
    BOB(w)->tcp.msl_ns = 2 * TH_S;
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    sock_shutdown(BOB(w), fd, SOCK_SHUT_WR);
    take();
    peer(TCP_FIN | TCP_ACK, PEER_ISS + 1, iss + 2, NULL);
    take();
    hw_enter(w);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    ck_assert_ptr_nonnull(BOB(w)->tcp.tcbs); /* the orphan waits */
    ck_assert_int_eq(BOB(w)->tcp.tcbs->state, TCP_TIME_WAIT);
    hw_advance(w, 4 * TH_S - 1);
    ck_assert_ptr_nonnull(BOB(w)->tcp.tcbs);
    /* A retransmitted FIN is acknowledged and restarts the timer. */
    peer(TCP_FIN | TCP_ACK, PEER_ISS + 1, iss + 2, NULL);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.flags, TCP_ACK);
    hw_advance(w, 4 * TH_S - 1);
    ck_assert_ptr_nonnull(BOB(w)->tcp.tcbs);
    hw_advance(w, 1);
    ck_assert_ptr_null(BOB(w)->tcp.tcbs); /* 2*MSL later: deleted */
}
END_TEST

START_TEST(test_established_rcv_fin_enters_close_wait_then_last_ack_then_closed)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_FIN | TCP_ACK, PEER_ISS + 1, iss + 1, NULL);
    ck_assert_int_eq(state(fd), TCP_CLOSE_WAIT);
    struct th_seg a = take();
    ck_assert_uint_eq(a.t.ack, PEER_ISS + 2);
    hw_enter(w);
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), 0); /* end of stream */
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    struct th_seg fin = take();
    ck_assert_uint_eq(fin.t.flags, TCP_FIN | TCP_ACK);
    ck_assert_int_eq(BOB(w)->tcp.tcbs->state, TCP_LAST_ACK);
    peer(TCP_ACK, PEER_ISS + 2, iss + 2, NULL);
    ck_assert_ptr_null(BOB(w)->tcp.tcbs);
}
END_TEST

START_TEST(test_established_rcv_rst_at_rcv_nxt_is_connection_reset)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_RST, PEER_ISS + 1, 0, NULL);
    ck_assert_int_eq(state(fd), TCP_CLOSED);
    hw_enter(w);
    uint8_t buf[8];
    ck_assert_int_eq(sock_recv(BOB(w), fd, buf, sizeof(buf)), -ERR_CONNRESET);
}
END_TEST

START_TEST(test_close_with_unread_data_sends_rst)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    peer(TCP_ACK | TCP_PSH, PEER_ISS + 1, iss + 1, "unread");
    th_flush(w, HW_BOB);
    hw_enter(w);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.flags & TCP_RST, TCP_RST);
    ck_assert_uint_eq(r.t.seq, iss + 1);
    ck_assert_ptr_null(BOB(w)->tcp.tcbs);
}
END_TEST

START_TEST(test_linger_zero_close_sends_rst)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_LINGER, 0), 0);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    struct th_seg r = take();
    ck_assert_uint_eq(r.t.flags & TCP_RST, TCP_RST);
}
END_TEST

/* SO_LINGER with a time [BSD soclose()]: close() does not return while the
 * data and the FIN are unacknowledged - the socket layer says "close in
 * progress" (EINPROGRESS) and keeps the fd - and finishes with 0 once the
 * peer has acknowledged the FIN; the connection then goes on as an orphan. */
START_TEST(test_linger_close_waits_for_the_ack_of_data_and_fin)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_LINGER, 5), 0);
    static const uint8_t data[3000];
    ck_assert_int_eq(sock_send(BOB(w), fd, data, sizeof(data)), (int)sizeof(data));
    ck_assert_int_eq(sock_close(BOB(w), fd), -ERR_INPROGRESS);
    ck_assert_ptr_nonnull(sock_lookup(BOB(w), fd)); /* still open */
    ck_assert_uint_eq(sock_poll(BOB(w), fd) & SOCK_POLLCLOSE, 0);
    ck_assert_int_eq(sock_close(BOB(w), fd), -ERR_INPROGRESS); /* not yet */
    th_flush(w, HW_BOB);
    /* The data is acknowledged, the FIN not yet: still waiting. */
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 3000, NULL);
    ck_assert_uint_eq(sock_poll(BOB(w), fd) & SOCK_POLLCLOSE, 0);
    peer(TCP_ACK, PEER_ISS + 1, iss + 1 + 3001, NULL);
    ck_assert_uint_eq(sock_poll(BOB(w), fd) & SOCK_POLLCLOSE, SOCK_POLLCLOSE);
    hw_enter(w);
    ck_assert_int_eq(sock_close(BOB(w), fd), 0);
    ck_assert_ptr_null(sock_lookup(BOB(w), fd));
    const struct tcb *tp = BOB(w)->tcp.tcbs;
    ck_assert_ptr_nonnull(tp);
    ck_assert_int_eq(tp->fd, -1);
    ck_assert_str_eq(tcp_state_name(tp->state), "FIN_WAIT_2");
    ck_assert(tcp_timer_armed(tp, TCP_T_2MSL)); /* an orphan's FIN-WAIT-2 limit */
}
END_TEST

/* The linger time runs out first (the peer acknowledges nothing): close()
 * returns EWOULDBLOCK (-ERR_AGAIN), the fd is gone, and the connection keeps
 * retransmitting on its own. */
START_TEST(test_linger_close_gives_up_when_the_time_runs_out)
{
    uint32_t iss;
    int fd = th_active_open(w, PEER_ISS, 65535, NULL, &iss);
    hw_enter(w);
    ck_assert_int_eq(sock_setsockopt(BOB(w), fd, SOCK_OPT_LINGER, 2), 0);
    static const uint8_t data[1000];
    ck_assert_int_eq(sock_send(BOB(w), fd, data, sizeof(data)), (int)sizeof(data));
    ck_assert_int_eq(sock_close(BOB(w), fd), -ERR_INPROGRESS);
    hw_advance(w, 1900 * TH_MS);
    ck_assert_uint_eq(sock_poll(BOB(w), fd) & SOCK_POLLCLOSE, 0);
    hw_advance(w, 200 * TH_MS);
    ck_assert_uint_eq(sock_poll(BOB(w), fd) & SOCK_POLLCLOSE, SOCK_POLLCLOSE);
    hw_enter(w);
    ck_assert_int_eq(sock_close(BOB(w), fd), -ERR_AGAIN);
    ck_assert_ptr_null(sock_lookup(BOB(w), fd));
    const struct tcb *tp = BOB(w)->tcp.tcbs;
    ck_assert_ptr_nonnull(tp);
    ck_assert_str_eq(tcp_state_name(tp->state), "FIN_WAIT_1");
    ck_assert(tcp_timer_armed(tp, TCP_T_REXMT));
}
END_TEST

START_TEST(test_half_close_still_receives)
{
    int afd, bfd;
    th_pair(w, &afd, &bfd);
    struct host *a = &w->host[HW_ALICE];
    hw_enter(w);
    ck_assert_int_eq(sock_shutdown(a, afd, SOCK_SHUT_WR), 0);
    hw_deliver(w);
    ck_assert_int_eq(th_tcb(w, HW_ALICE, afd)->state, TCP_FIN_WAIT_2);
    ck_assert_int_eq(state(bfd), TCP_CLOSE_WAIT);
    hw_enter(w);
    ck_assert_int_eq(sock_send(a, afd, (const uint8_t *)"x", 1), -ERR_PIPE);
    ck_assert_int_eq(sock_send(BOB(w), bfd, (const uint8_t *)"still here", 10), 10);
    hw_deliver(w);
    uint8_t buf[32];
    hw_enter(w);
    ck_assert_int_eq(sock_recv(a, afd, buf, sizeof(buf)), 10);
    ck_assert_int_eq(memcmp(buf, "still here", 10), 0);
    ck_assert_int_eq(sock_close(BOB(w), bfd), 0);
    th_run(w, 200 * TH_MS);
    ck_assert_int_eq(th_tcb(w, HW_ALICE, afd)->state, TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_data_both_ways_and_clean_close)
{
    int afd, bfd;
    th_pair(w, &afd, &bfd);
    struct host *a = &w->host[HW_ALICE];
    hw_enter(w);
    ck_assert_int_eq(sock_send(a, afd, (const uint8_t *)"GET / HTTP/1.0\r\n\r\n", 18), 18);
    th_run(w, 500 * TH_MS);
    uint8_t buf[64];
    hw_enter(w);
    ck_assert_int_eq(sock_recv(BOB(w), bfd, buf, sizeof(buf)), 18);
    ck_assert_int_eq(sock_send(BOB(w), bfd, (const uint8_t *)"HTTP/1.0 200 OK\r\n", 17), 17);
    ck_assert_int_eq(sock_close(BOB(w), bfd), 0);
    th_run(w, 500 * TH_MS);
    hw_enter(w);
    ck_assert_int_eq(sock_recv(a, afd, buf, sizeof(buf)), 17);
    ck_assert_int_eq(sock_recv(a, afd, buf, sizeof(buf)), 0);
    ck_assert_int_eq(sock_close(a, afd), 0);
    th_run(w, 500 * TH_MS);
    /* bob closed first: bob is in TIME-WAIT, alice's TCB is gone. */
    ck_assert_ptr_null(a->tcp.tcbs);
    unsigned tw = 0;
    for (struct tcb *tp = BOB(w)->tcp.tcbs; tp != NULL; tp = tp->next)
        tw += tp->state == TCP_TIME_WAIT;
    ck_assert_uint_eq(tw, 1);
}
END_TEST

START_TEST(test_every_state_change_is_traced_with_a_tcb_snapshot)
{
    int afd, bfd;
    th_pair(w, &afd, &bfd);
    const struct hw_event *e = hw_last(w, TRACE_STATE, LAYER_TCP, HW_ALICE);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->text, "SYN_SENT -> ESTABLISHED");
}
END_TEST

static Suite *
tcp_states_suite(void)
{
    Suite *s = suite_create("tcp_states");
    TCase *tc = tcase_create("rfc9293_transitions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_closed_to_listen_on_listen);
    tcase_add_test(tc, test_closed_to_syn_sent_on_connect);
    tcase_add_test(tc, test_syn_sent_rcv_syn_ack_enters_established);
    tcase_add_test(tc, test_listen_rcv_syn_enters_syn_received);
    tcase_add_test(tc, test_syn_received_rcv_ack_enters_established);
    tcase_add_test(tc, test_inspect_pending_lists_unaccepted_children);
    tcase_add_test(tc, test_syn_sent_rcv_syn_enters_syn_received_simultaneous_open);
    tcase_add_test(tc, test_simultaneous_open_between_two_hosts);
    tcase_add_test(tc, test_syn_sent_rcv_rst_is_connection_refused);
    tcase_add_test(tc, test_syn_received_rcv_rst_removes_half_open_connection);
    tcase_add_test(tc, test_established_close_enters_fin_wait_1_then_2_then_time_wait);
    tcase_add_test(tc, test_fin_wait_1_rcv_fin_ack_enters_time_wait);
    tcase_add_test(tc, test_simultaneous_close_fin_wait_1_closing_time_wait);
    tcase_add_test(tc, test_time_wait_lasts_two_msl_then_closed);
    tcase_add_test(tc, test_established_rcv_fin_enters_close_wait_then_last_ack_then_closed);
    tcase_add_test(tc, test_established_rcv_rst_at_rcv_nxt_is_connection_reset);
    tcase_add_test(tc, test_close_with_unread_data_sends_rst);
    tcase_add_test(tc, test_linger_zero_close_sends_rst);
    tcase_add_test(tc, test_linger_close_waits_for_the_ack_of_data_and_fin);
    tcase_add_test(tc, test_linger_close_gives_up_when_the_time_runs_out);
    tcase_add_test(tc, test_half_close_still_receives);
    tcase_add_test(tc, test_data_both_ways_and_clean_close);
    tcase_add_test(tc, test_every_state_change_is_traced_with_a_tcb_snapshot);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(tcp_states_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
