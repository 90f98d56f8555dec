/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_user.c - the user calls of [RFC 9293 3.10.1-3.10.6] (OPEN, SEND,
 * RECEIVE, CLOSE, ABORT, STATUS) in the shape socket.c needs them.
 *
 * BSD semantics on top: connect() returns EINPROGRESS and the caller waits
 * for writability; listen() bounds the half-open and accept queues by the
 * backlog; close() with unread data, or with SO_LINGER 0, aborts with a RST
 * [RFC 1122 4.2.2.13] [RFC 2525 2.17]; after close the TCB lives on as an
 * orphan until its FIN is acknowledged and TIME-WAIT ends.
 * Called by: socket.c. Calls: tcp_output(), tcp_send_*(), tcp_set_state(),
 * tcp_isn(), tcp_cc_init().
 */
#include "stack/tcp.h"

#include <string.h>

#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/ipv6.h"
#include "stack/socket.h"
#include "stack/tcp_seq.h"

int
tcp_user_attach(struct host *h, struct socket *s)
{
    struct tcb *tp = tcp_tcb_new(h);
    if (tp == NULL)
        return -ERR_NOBUFS;
    tp->fd = s->fd;
    h->tcp.fd_hint = tp;
    tp->sndbuf = s->sndbuf;
    tp->rcvbuf = s->rcvbuf;
    return 0;
}

static uint8_t
tcp_user_wscale(size_t rcvbuf)
{
    uint8_t sh = 0;
    while (sh < TCP_MAX_WSCALE && (rcvbuf >> sh) > 65535)
        sh++;
    return sh;
}

int
tcp_user_listen(struct host *h, struct socket *s, int backlog)
{
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return -ERR_BADF;
    if (tp->state != TCP_LISTEN && (tp->state != TCP_CLOSED || s->connected))
        return -ERR_INVAL;
    /* Linux clamps the backlog to somaxconn and takes 0 as 1 in effect;
     * a second listen() changes it, clamped the same way. */
    if (backlog < 1)
        backlog = 1;
    if ((unsigned)backlog > h->tcp.somaxconn)
        backlog = h->tcp.somaxconn > 0 ? (int)h->tcp.somaxconn : 1;
    tp->backlog = backlog;
    if (tp->state == TCP_LISTEN)
        return 0;
    tp->laddr = s->pcb.laddr;
    tp->lport = s->pcb.lport;
    tp->v6 = s->pcb.v6;
    tp->v6only = s->v6only;
    tp->a6.l = s->pcb.laddr6;
    tcp_set_state(tp, TCP_LISTEN, "RFC 9293 3.10.1");
    return 0;
}

struct tcb *
tcp_user_accept_ready(const struct host *h, const struct socket *s)
{
    const struct tcb *lt = tcp_tcb_by_fd(h, s->fd);
    if (lt == NULL || lt->state != TCP_LISTEN)
        return NULL;
    struct tcb *best = NULL;
    for (struct tcb *c = h->tcp.tcbs; c != NULL; c = c->next) {
        if (c->listener != lt || c->accepted || c->state == TCP_SYN_RECEIVED ||
            c->state == TCP_CLOSED)
            continue;
        if (best == NULL || c->accept_order < best->accept_order)
            best = c;
    }
    return best;
}

int
tcp_user_accept(struct host *h, struct socket *s, struct socket *ns)
{
    struct tcb *c = tcp_user_accept_ready(h, s);
    if (c == NULL)
        return -ERR_AGAIN;
    c->accepted = true;
    c->listener = NULL;
    c->fd = ns->fd;
    h->tcp.fd_hint = c;
    ns->pcb.laddr = c->laddr;
    ns->pcb.lport = c->lport;
    ns->pcb.faddr = c->faddr;
    ns->pcb.fport = c->fport;
    ns->pcb.v6 = c->v6;
    ns->pcb.laddr6 = c->a6.l;
    ns->pcb.faddr6 = c->a6.f;
    ns->bound = true;
    ns->connected = true;
    ns->rcvbuf = c->rcvbuf;
    ns->sndbuf = c->sndbuf;
    ns->so_reuseaddr = s->so_reuseaddr;
    if (c->so_error != 0) {
        ns->so_error = c->so_error;
        c->so_error = 0;
    }
    return 0;
}

int
tcp_user_connect(struct host *h, struct socket *s, const struct sock_addr *a)
{
    /* An AF_INET6 address to a plain IPv6 peer goes over IPv6; an
     * IPv4-mapped one (socket.c has refused it under IPV6_V6ONLY) and an
     * AF_INET one over IPv4. */
    bool v6 = a->family == SOCK_AF_INET6 && !sock_addr_is_v4mapped(&a->addr6);
    uint32_t faddr = a->family != SOCK_AF_INET6 ? a->addr
                     : v6 ? 0 : sock_addr_v4_of_mapped(&a->addr6);
    uint16_t fport = a->port;
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return -ERR_BADF;
    switch (tp->state) {
    case TCP_CLOSED:
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        return -ERR_ALREADY;
    case TCP_LISTEN:
        return -ERR_INVAL;
    default:
        return -ERR_ISCONN;
    }
    if (tp->used || s->connected)
        return -ERR_ISCONN; /* a used TCB is not reopened */
    tp->used = true;
    if (v6) {
        struct ip6_addr src = s->pcb.laddr6;
        struct iface *ifc;
        if (ip6_addr_is_unspecified(&src) && ipv6_select(h, &a->addr6, &ifc, &src) < 0)
            return -ERR_NETUNREACH;
        tp->v6 = true;
        tp->a6.l = src;
        tp->a6.f = a->addr6;
        tp->laddr = tp->faddr = 0;
    } else {
        uint32_t src = s->pcb.laddr != 0 ? s->pcb.laddr : ipv4_source_for(h, faddr);
        if (src == 0)
            return -ERR_NETUNREACH;
        tp->v6 = false;
        tp->laddr = src;
        tp->faddr = faddr;
    }
    tp->lport = s->pcb.lport;
    tp->fport = fport;
    tp->sndbuf = s->sndbuf;
    tp->rcvbuf = s->rcvbuf;
    if (tcp_ring_alloc(&tp->sndq, tp->sndbuf) < 0 || tcp_ring_alloc(&tp->rcvq, tp->rcvbuf) < 0)
        return -ERR_NOBUFS;
    tp->rcv_mss = tcp_mss_for(h, faddr, tcb_a6(tp));
    tp->mss = tp->rcv_mss;
    /* [RFC 7323 2.3] the shift is the stack's choice: enough for the
     * socket's buffer, or for the largest buffer allowed (tcp.wscale_buf). */
    tp->rcv_wscale = h->tcp.wscale
                         ? tcp_user_wscale(h->tcp.wscale_buf ? h->tcp.wscale_buf : tp->rcvbuf)
                         : 0;
    tp->ws_ok = h->tcp.wscale; /* until the SYN-ACK says otherwise */
    tp->ts_off = (uint32_t)rng_next(&h->rng);
    /* [RFC 9293 3.10.1] OPEN in CLOSED, active: "select an ISS. Send a SYN
     * segment of the form <SEQ=ISS><CTL=SYN>, set SND.UNA to ISS, SND.NXT to
     * ISS+1, enter SYN-SENT state". */
    tp->iss = v6 ? tcp_isn(h, tcp_addr6_key(h, &tp->a6.l), tp->lport, tcp_addr6_key(h, &tp->a6.f),
                           fport)
                 : tcp_isn(h, tp->laddr, tp->lport, faddr, fport);
    tp->snd_una = tp->iss;
    tp->snd_nxt = tp->iss;
    tp->snd_max = tp->iss;
    tp->snd_buf_seq = tp->iss + 1;
    tcp_cc_init(tp);
    h->tcp.stats.active_opens++;
    tcp_set_state(tp, TCP_SYN_SENT, "RFC 9293 3.10.1");
    tcp_send_syn(tp, TCP_WHY_OPEN);
    return -ERR_INPROGRESS;
}

int
tcp_user_send(struct host *h, struct socket *s, const uint8_t *buf, size_t len)
{
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return -ERR_BADF;
    if (s->so_error != 0) {
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    switch (tp->state) {
    case TCP_CLOSED:
        return tp->used ? -ERR_PIPE : -ERR_NOTCONN;
    case TCP_LISTEN:
        return -ERR_NOTCONN;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        return -ERR_AGAIN; /* a blocking send waits for the handshake */
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        break;
    default:
        return -ERR_PIPE; /* [RFC 9293 3.10.2] "error: connection closing" */
    }
    if (tp->fin_queued)
        return -ERR_PIPE;
    if (len == 0)
        return 0;
    size_t n = tcp_ring_write(&tp->sndq, buf, len);
    if (n == 0)
        return -ERR_AGAIN;
    if (trace_wanted(h->trace))
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 9293 3.10.2",
                  "send: %zu bytes into the send buffer (%zu queued)", n, tp->sndq.len);
    tcp_output(tp, TCP_WHY_DATA);
    return (int)n;
}

int
tcp_user_recv(struct host *h, struct socket *s, uint8_t *buf, size_t cap)
{
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return -ERR_BADF;
    if (tp->state == TCP_LISTEN)
        return -ERR_NOTCONN;
    if (tp->rd_shut)
        return 0;
    if (tp->rcvq.len > 0 && cap > 0) {
        uint32_t before = tcp_rcv_window(tp);
        size_t n = tcp_ring_read(&tp->rcvq, buf, cap);
        /* [RFC 9293 3.8.6.2.2] tell the peer once the window grew enough:
         * the same SWS rule decides (tcp_rcv_window moves the edge). */
        if (tp->state == TCP_ESTABLISHED || tp->state == TCP_FIN_WAIT_1 ||
            tp->state == TCP_FIN_WAIT_2) {
            uint32_t old_adv = tp->rcv_adv;
            uint32_t after = tcp_rcv_window(tp);
            if (tp->rcv_adv != old_adv && (before == 0 || after - before >= 2u * tp->rcv_mss ||
                                           after >= tp->rcvq.cap / 2 + before)) {
                h->tcp.stats.window_updates++;
                tcp_send_ack(tp, TCP_WHY_WINDOW_UPDATE);
            }
        }
        return (int)n;
    }
    if (s->so_error != 0) {
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    if (tp->fin_rcvd)
        return 0; /* end of stream */
    switch (tp->state) {
    case TCP_CLOSED:
        return tp->used ? 0 : -ERR_NOTCONN;
    default:
        return -ERR_AGAIN;
    }
}

/* [RFC 9293 3.10.4] CLOSE of the sending side: queue a FIN after the data. */
static void
tcp_user_fin(struct tcb *tp)
{
    if (tp->fin_queued)
        return;
    switch (tp->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        /* "Queue this until all preceding SENDs have been segmentized, then
         * form a FIN segment and send it. ... enter FIN-WAIT-1 state." */
        tp->fin_queued = true;
        tcp_set_state(tp, TCP_FIN_WAIT_1, "RFC 9293 3.10.4");
        break;
    case TCP_CLOSE_WAIT:
        /* "Queue this request until all preceding SENDs have been
         * segmentized; then send a FIN segment, enter LAST-ACK state." */
        tp->fin_queued = true;
        tcp_set_state(tp, TCP_LAST_ACK, "RFC 9293 3.10.4");
        break;
    default:
        return;
    }
    if (tp->state != TCP_SYN_RECEIVED)
        tcp_output(tp, TCP_WHY_DATA);
}

int
tcp_user_shutdown(struct host *h, struct socket *s, int how)
{
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return -ERR_BADF;
    if (tp->state == TCP_CLOSED || tp->state == TCP_LISTEN || tp->state == TCP_SYN_SENT)
        return -ERR_NOTCONN;
    if (how == SOCK_SHUT_RD || how == SOCK_SHUT_RDWR) {
        tp->rd_shut = true;
        tcp_ring_consume(&tp->rcvq, tp->rcvq.len);
    }
    if (how == SOCK_SHUT_WR || how == SOCK_SHUT_RDWR)
        tcp_user_fin(tp);
    return 0;
}

/* Abort: RST to the peer if synchronized, then CLOSED [RFC 9293 3.10.5]. */
static void
tcp_user_abort(struct tcb *tp, const char *rfc, const char *why)
{
    switch (tp->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        tcp_trace(tp, TRACE_NOTE, NULL, rfc, "abort: %s: send RST", why);
        tcp_send_rst_tcb(tp, rfc, why);
        break;
    default:
        break;
    }
    tcp_drop(tp, 0, rfc);
}

/* Has a lingering close nothing more to wait for: our FIN acknowledged
 * (and with it every byte), or the connection gone? */
static bool
tcp_linger_done(const struct tcb *tp)
{
    if (tp->state == TCP_CLOSED)
        return true;
    return tp->fin_queued && seq_gt(tp->snd_una, tcp_fin_seq(tp));
}

/* The socket lets go of tp: from now on it is an orphan finishing alone. */
static void
tcp_user_orphan(struct host *h, struct tcb *tp)
{
    tp->fd = -1;
    tcp_timer_stop(tp, TCP_T_LINGER);
    if (tp->state == TCP_FIN_WAIT_2)
        tcp_timer_arm(tp, TCP_T_2MSL, h->tcp.fin_timeout_ns);
    tcp_maybe_free(tp);
}

int
tcp_user_close(struct host *h, struct socket *s)
{
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return 0;
    if (s->closing) {
        /* The second call of a lingering close [BSD soclose()]. */
        bool done = tcp_linger_done(tp);
        if (!done && !tp->linger_expired)
            return -ERR_INPROGRESS;
        s->closing = false;
        tcp_user_orphan(h, tp);
        return done ? 0 : -ERR_AGAIN;
    }
    tp->fd = -1;
    if (tp->state == TCP_LISTEN) {
        /* Connections the application never accepted are reset (Linux). */
        for (struct tcb *c = h->tcp.tcbs, *next; c != NULL; c = next) {
            next = c->next;
            if (c->listener == tp && !c->accepted)
                tcp_user_abort(c, "RFC 9293 3.10.4", "its listener closed");
        }
        tcp_drop(tp, 0, "RFC 9293 3.10.4");
        return 0;
    }
    if (tp->state == TCP_CLOSED || tp->state == TCP_SYN_SENT) {
        /* "Delete the TCB and return 'error: closing' responses" */
        tcp_drop(tp, 0, "RFC 9293 3.10.4");
        return 0;
    }
    if (tp->rcvq.len > 0 || tp->ooo != NULL) {
        /* [RFC 1122 4.2.2.13] "If such a host issues a CLOSE call while
         * received data is still pending in TCP, or if new data is received
         * after CLOSE is called, its TCP SHOULD send a RST" [RFC 2525 2.17]. */
        tcp_user_abort(tp, "RFC 1122 4.2.2.13", "closed with unread data");
        return 0;
    }
    if (tp->linger_s == 0) {
        /* SO_LINGER with a zero timeout: an abortive close. */
        tcp_user_abort(tp, "RFC 9293 3.10.5", "SO_LINGER 0");
        return 0;
    }
    tp->rd_shut = true;
    tcp_user_fin(tp);
    if (tp->linger_s > 0 && !tcp_linger_done(tp)) {
        /* SO_LINGER with a time: close() blocks until the peer has
         * acknowledged the data and the FIN, or the time runs out
         * [BSD soclose(): SO_LINGER "the system will block the process on
         * the close attempt until it is able to transmit the data"]. */
        tp->fd = s->fd;
        h->tcp.fd_hint = tp;
        tp->linger_expired = false;
        s->closing = true;
        tcp_timer_arm(tp, TCP_T_LINGER, (uint64_t)tp->linger_s * 1000000000ull);
        tcp_trace(tp, TRACE_NOTE, NULL, NULL,
                  "close() lingers up to %d s for the peer to acknowledge %zu bytes and the FIN",
                  tp->linger_s, tp->sndq.len);
        return -ERR_INPROGRESS;
    }
    if (tp->state == TCP_FIN_WAIT_2)
        tcp_timer_arm(tp, TCP_T_2MSL, h->tcp.fin_timeout_ns);
    return 0;
}

unsigned
tcp_user_poll(const struct host *h, const struct socket *s)
{
    const struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    unsigned ev = 0;
    if (s->so_error != 0)
        ev |= SOCK_POLLERR | SOCK_POLLIN | SOCK_POLLOUT;
    if (tp == NULL)
        return ev | SOCK_POLLHUP;
    if (tp->state == TCP_LISTEN) {
        if (tcp_user_accept_ready(h, s) != NULL)
            ev |= SOCK_POLLIN;
        return ev;
    }
    if (tp->rcvq.len > 0 || tp->fin_rcvd || tp->rd_shut)
        ev |= SOCK_POLLIN;
    bool can_send = tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT;
    if (can_send && !tp->fin_queued && tcp_ring_free_space(&tp->sndq) > 0)
        ev |= SOCK_POLLOUT;
    if (tp->state == TCP_CLOSED && (tp->used))
        ev |= SOCK_POLLHUP | SOCK_POLLIN | SOCK_POLLOUT;
    if (tp->fin_rcvd && tp->fin_queued)
        ev |= SOCK_POLLHUP;
    if (s->closing && (tcp_linger_done(tp) || tp->linger_expired))
        ev |= SOCK_POLLCLOSE;
    return ev;
}

int
tcp_user_set_buf(struct host *h, struct socket *s, bool rcv, size_t bytes)
{
    struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
    if (tp == NULL)
        return -ERR_BADF;
    struct tcp_ring *r = rcv ? &tp->rcvq : &tp->sndq;
    if (r->buf != NULL) {
        /* An open connection keeps what it promised: the ring may grow, or
         * shrink only to what it holds plus the window already advertised. */
        size_t need = r->len + (rcv ? tp->rcv_wnd + tp->ooo_bytes : 0);
        if (bytes < need)
            bytes = need;
        if (tcp_ring_resize(r, bytes) < 0)
            return -ERR_NOBUFS;
    }
    if (rcv)
        tp->rcvbuf = bytes;
    else
        tp->sndbuf = bytes;
    return 0;
}
