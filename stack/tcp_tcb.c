/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_tcb.c - TCBs: creation and teardown, the state table, byte rings,
 * trace snapshots, and the host's TCP set-up.
 *
 * tcp_set_state() is the only writer of a TCB's state (docs/architecture.md, convention 11): it
 * checks every transition against the diagram of [RFC 9293 3.3.2 Figure 5]
 * (plus the aborts every state may take to CLOSED [RFC 9293 3.10.4, 3.10.7])
 * and emits the STATE event the view shows, e.g.
 * "SYN_SENT -> ESTABLISHED [RFC 9293 3.10.7.3]".
 * Called by: every tcp_*.c, socket.c (through tcp_user.c), host.c.
 * Calls: trace_tcp(), rng_next(), sock_lookup().
 */
#include "stack/tcp.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/checksum.h"

void
tcp_host_init(struct host *h)
{
    struct tcp_host *t = &h->tcp;
    memset(t, 0, sizeof(*t));
    /* [RFC 6528 3] "F() ... MUST NOT be computable from the outside": the
     * key comes from the host's seeded generator, so runs replay exactly. */
    t->isn_key[0] = rng_next(&h->rng);
    t->isn_key[1] = rng_next(&h->rng);
    t->msl_ns = TCP_MSL_NS_DEFAULT;
    t->rto_initial_ns = TCP_RTO_INITIAL_NS;
    t->rto_min_ns = TCP_RTO_MIN_NS;
    t->rto_max_ns = TCP_RTO_MAX_NS;
    t->delack_ns = TCP_DELACK_NS_DEFAULT;
    t->keep_idle_ns = TCP_KEEPIDLE_NS_DEFAULT;
    t->keep_intvl_ns = TCP_KEEPINTVL_NS_DEFAULT;
    t->keep_cnt = TCP_KEEPCNT_DEFAULT;
    t->syn_retries = TCP_SYN_RETRIES_DEFAULT;
    t->retries1 = TCP_RETRIES1_DEFAULT;
    t->retries2 = TCP_RETRIES2_DEFAULT;
    t->fin_timeout_ns = TCP_FIN_TIMEOUT_NS;
    t->challenge_ack_limit = TCP_CHALLENGE_ACK_LIMIT;
    t->iw_segs = TCP_IW_SEGS_DEFAULT;
    t->sack = true;
    t->timestamps = true;
    t->wscale = true;
    t->syncookies = true;
    t->somaxconn = TCP_SOMAXCONN_DEFAULT;
    t->default_cc = TCP_CC_NEWRENO;
}

void
tcp_host_destroy(struct host *h)
{
    while (h->tcp.tcbs != NULL)
        tcp_tcb_free(h->tcp.tcbs);
}

bool
tcp_port_in_use(const struct host *h, uint32_t laddr, uint16_t lport)
{
    for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next) {
        if (tp->lport != lport || tp->state == TCP_CLOSED)
            continue;
        if (tp->laddr == 0 || laddr == 0 || tp->laddr == laddr)
            return true;
    }
    return false;
}

/* ---- TCBs ---------------------------------------------------------------- */

struct tcb *
tcp_tcb_new(struct host *h)
{
    struct tcb *tp = calloc(1, sizeof(*tp));
    if (tp == NULL)
        return NULL;
    tp->host = h;
    tp->fd = -1;
    tp->linger_s = -1;
    tp->state = TCP_CLOSED;
    tp->cc_algo = h->tcp.default_cc;
    tp->sndbuf = SOCK_SNDBUF_DEFAULT;
    tp->rcvbuf = SOCK_RCVBUF_DEFAULT;
    tp->rto_ns = h->tcp.rto_initial_ns;
    tp->mss = TCP_DEFAULT_MSS;
    tp->rcv_mss = TCP_DEFAULT_MSS;
    /* [RFC 5681 3.1] "The initial value of ssthresh SHOULD be set arbitrarily high" */
    tp->ssthresh = UINT32_MAX;
    /* Keep creation order: timers and lookups visit TCBs oldest first. */
    struct tcb **pp = &h->tcp.tcbs;
    while (*pp != NULL)
        pp = &(*pp)->next;
    *pp = tp;
    return tp;
}

void
tcp_tcb_free(struct tcb *tp)
{
    struct host *h = tp->host;
    for (struct tcb **pp = &h->tcp.tcbs; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == tp) {
            *pp = tp->next;
            break;
        }
    }
    for (struct tcb *c = h->tcp.tcbs; c != NULL; c = c->next)
        if (c->listener == tp)
            c->listener = NULL;
    if (h->tcp.fd_hint == tp)
        h->tcp.fd_hint = NULL;
    for (int t = 0; t < TCP_T_COUNT; t++)
        tcp_timer_stop(tp, (enum tcp_timer_id)t); /* its deadlines leave the host's */
    tcp_ring_free(&tp->sndq);
    tcp_ring_free(&tp->rcvq);
    while (tp->ooo != NULL) {
        struct tcp_ooo *o = tp->ooo;
        tp->ooo = o->next;
        free(o);
    }
    free(tp);
}

struct tcb *
tcp_tcb_by_fd(const struct host *h, int fd)
{
    /* An fd >= 0 belongs to one TCB at most, so a hint that matches is the
     * one the walk would find; every socket call asks, most for the same. */
    struct tcb *hint = h->tcp.fd_hint;
    if (hint != NULL && hint->fd == fd && fd >= 0)
        return hint;
    for (struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next)
        if (tp->fd == fd && fd >= 0)
            return tp;
    return NULL;
}

const char *
tcp_state_name(enum tcp_state s)
{
    static const char *const names[TCP_STATE_COUNT] = {
        [TCP_CLOSED] = "CLOSED",           [TCP_LISTEN] = "LISTEN",
        [TCP_SYN_SENT] = "SYN_SENT",       [TCP_SYN_RECEIVED] = "SYN_RECEIVED",
        [TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN_WAIT_1",
        [TCP_FIN_WAIT_2] = "FIN_WAIT_2",   [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
        [TCP_CLOSING] = "CLOSING",         [TCP_LAST_ACK] = "LAST_ACK",
        [TCP_TIME_WAIT] = "TIME_WAIT",
    };
    return (unsigned)s < TCP_STATE_COUNT ? names[s] : "?";
}

/* [RFC 9293 3.3.2 Figure 5] Each bit is a state the row may move to. Every
 * state may also go to CLOSED (an abort, a reset, a timeout). A passive
 * open's child TCB is born CLOSED and goes straight to SYN_RECEIVED, the
 * listener itself staying in LISTEN (BSD's sonewconn; RFC 9293 draws one TCB). */
#define S(x) (1u << (x))
static const unsigned tcp_transitions[TCP_STATE_COUNT] = {
    [TCP_CLOSED] = S(TCP_LISTEN) | S(TCP_SYN_SENT) | S(TCP_SYN_RECEIVED),
    [TCP_LISTEN] = S(TCP_SYN_SENT),
    [TCP_SYN_SENT] = S(TCP_SYN_RECEIVED) | S(TCP_ESTABLISHED),
    [TCP_SYN_RECEIVED] = S(TCP_ESTABLISHED) | S(TCP_FIN_WAIT_1) | S(TCP_CLOSE_WAIT) | S(TCP_LISTEN),
    [TCP_ESTABLISHED] = S(TCP_FIN_WAIT_1) | S(TCP_CLOSE_WAIT),
    [TCP_FIN_WAIT_1] = S(TCP_FIN_WAIT_2) | S(TCP_CLOSING) | S(TCP_TIME_WAIT),
    [TCP_FIN_WAIT_2] = S(TCP_TIME_WAIT),
    [TCP_CLOSE_WAIT] = S(TCP_LAST_ACK),
    [TCP_CLOSING] = S(TCP_TIME_WAIT),
    [TCP_LAST_ACK] = 0,
    [TCP_TIME_WAIT] = 0,
};
#undef S

void
tcp_set_state(struct tcb *tp, enum tcp_state to, const char *rfc)
{
    enum tcp_state from = tp->state;
    if (from == to)
        return;
    bool ok = to == TCP_CLOSED || (tcp_transitions[from] & (1u << to)) != 0;
    assert(ok && "transition not in RFC 9293 Figure 5");
    if (!ok) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 9293 3.3.2", "refused transition %s -> %s",
                  tcp_state_name(from), tcp_state_name(to));
        return;
    }
    tp->state = to;
    if (to == TCP_TIME_WAIT)
        tp->host->tcp.stats.time_wait++;
    tcp_trace(tp, TRACE_STATE, NULL, rfc, "%s -> %s", tcp_state_name(from), tcp_state_name(to));
}

void
tcp_snapshot(const struct tcb *tp, struct trace_tcb *out)
{
    out->state = tcp_state_name(tp->state);
    out->v6 = tp->v6;
    /* An IPv4 connection of an AF_INET6 socket (its own, or its listener's
     * before accept()) names its ends as ::ffff:a.b.c.d, as the socket's
     * calls do [RFC 4291 2.5.5.2]. */
    const struct tcb *owner = tp->fd >= 0 ? tp : tp->listener;
    const struct socket *s =
        !tp->v6 && owner != NULL && owner->fd >= 0 ? sock_lookup(tp->host, owner->fd) : NULL;
    out->mapped = s != NULL && s->domain == SOCK_DOMAIN_INET6;
    out->laddr = tp->laddr;
    out->faddr = tp->faddr;
    if (tp->v6) {
        memcpy(out->laddr6, tp->a6.l.b, sizeof out->laddr6);
        memcpy(out->faddr6, tp->a6.f.b, sizeof out->faddr6);
    } else {
        memset(out->laddr6, 0, sizeof out->laddr6);
        memset(out->faddr6, 0, sizeof out->faddr6);
    }
    out->lport = tp->lport;
    out->fport = tp->fport;
    out->iss = tp->iss;
    out->irs = tp->irs;
    out->snd_una = tp->snd_una;
    out->snd_nxt = tp->snd_nxt;
    out->snd_wnd = tp->snd_wnd;
    out->rcv_nxt = tp->rcv_nxt;
    out->rcv_wnd = tp->rcv_wnd;
    out->cwnd = tp->cwnd;
    out->ssthresh = tp->ssthresh;
    out->srtt_ns = tp->srtt_ns;
    out->rto_ns = tcp_rto_current(tp);
    out->rtt_ns = tp->rtt_last_ns;
    out->rtt_at_ns = tp->rtt_last_at_ns;
    out->rtt_samples = tp->rtt_samples;
}

void
tcp_trace(const struct tcb *tp, enum trace_kind kind, const struct pkt *p, const char *rfc,
          const char *fmt, ...)
{
    struct host *h = tp->host;
    if (!trace_wants_events(h->trace)) {
        /* Nobody listens (or a capture alone, which reads no TCP event):
         * still count, as trace_rx/trace_tx do. */
        if (kind == TRACE_RX)
            h->stats.rx[LAYER_TCP]++;
        else if (kind == TRACE_TX)
            h->stats.tx[LAYER_TCP]++;
        return;
    }
    struct trace_tcb snap;
    tcp_snapshot(tp, &snap);
    va_list ap;
    va_start(ap, fmt);
    trace_vtcp(h, kind, p, &snap, rfc, fmt, ap);
    va_end(ap);
}

void
tcp_report_error(struct tcb *tp, int err)
{
    struct socket *s = tp->fd >= 0 ? sock_lookup(tp->host, tp->fd) : NULL;
    if (s != NULL)
        s->so_error = err;
    else
        tp->so_error = err;
}

bool
tcp_maybe_free(struct tcb *tp)
{
    if (tp->state != TCP_CLOSED || tp->fd >= 0)
        return false;
    tcp_tcb_free(tp);
    return true;
}

void
tcp_drop(struct tcb *tp, int err, const char *rfc)
{
    for (int t = 0; t < TCP_T_COUNT; t++)
        tcp_timer_stop(tp, (enum tcp_timer_id)t);
    if (err != 0)
        tcp_report_error(tp, err);
    tcp_set_state(tp, TCP_CLOSED, rfc);
    tcp_maybe_free(tp);
}

/* ---- rings ---------------------------------------------------------------- */

/* The buffer index k bytes after the oldest byte, k <= cap. head < cap, so
 * one subtraction wraps it (a division per copy showed in the profile). */
static size_t
tcp_ring_index(const struct tcp_ring *r, size_t k)
{
    size_t i = r->head + k;
    return i >= r->cap ? i - r->cap : i;
}

int
tcp_ring_alloc(struct tcp_ring *r, size_t cap)
{
    if (r->buf != NULL)
        return tcp_ring_resize(r, cap);
    r->buf = malloc(cap > 0 ? cap : 1);
    if (r->buf == NULL)
        return -1;
    r->cap = cap;
    r->head = 0;
    r->len = 0;
    return 0;
}

void
tcp_ring_free(struct tcp_ring *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

size_t
tcp_ring_free_space(const struct tcp_ring *r)
{
    return r->cap - r->len;
}

size_t
tcp_ring_write(struct tcp_ring *r, const uint8_t *src, size_t n)
{
    if (n > r->cap - r->len)
        n = r->cap - r->len;
    size_t tail = tcp_ring_index(r, r->len);
    size_t first = r->cap - tail < n ? r->cap - tail : n;
    memcpy(r->buf + tail, src, first);
    memcpy(r->buf, src + first, n - first);
    r->len += n;
    return n;
}

void
tcp_ring_peek(const struct tcp_ring *r, size_t off, uint8_t *dst, size_t n)
{
    assert(off + n <= r->len);
    if (n == 0)
        return;
    size_t start = tcp_ring_index(r, off);
    size_t first = r->cap - start < n ? r->cap - start : n;
    memcpy(dst, r->buf + start, first);
    memcpy(dst + first, r->buf, n - first);
}

uint32_t
tcp_ring_peek_csum(const struct tcp_ring *r, size_t off, uint8_t *dst, size_t n)
{
    if (n == 0)
        return 0; /* a SYN or a bare FIN: off means nothing then */
    assert(off + n <= r->len);
    size_t start = tcp_ring_index(r, off);
    size_t first = r->cap - start < n ? r->cap - start : n;
    uint32_t sum = csum_copy(0, dst, r->buf + start, first);
    if (first < n)
        sum = csum_add_at(sum, csum_copy(0, dst + first, r->buf, n - first), first);
    return sum;
}

uint32_t
tcp_ring_stage_csum(struct tcp_ring *r, const uint8_t *src, size_t n)
{
    assert(n <= r->cap - r->len);
    if (n == 0)
        return 0;
    size_t tail = tcp_ring_index(r, r->len);
    size_t first = r->cap - tail < n ? r->cap - tail : n;
    uint32_t sum = csum_copy(0, r->buf + tail, src, first);
    if (first < n)
        sum = csum_add_at(sum, csum_copy(0, r->buf, src + first, n - first), first);
    return sum;
}

void
tcp_ring_commit(struct tcp_ring *r, size_t n)
{
    assert(n <= r->cap - r->len);
    r->len += n;
}

void
tcp_ring_consume(struct tcp_ring *r, size_t n)
{
    if (n > r->len)
        n = r->len;
    r->len -= n;
    r->head = r->len == 0 ? 0 : tcp_ring_index(r, n);
}

size_t
tcp_ring_read(struct tcp_ring *r, uint8_t *dst, size_t n)
{
    if (n > r->len)
        n = r->len;
    if (n > 0)
        tcp_ring_peek(r, 0, dst, n);
    tcp_ring_consume(r, n);
    return n;
}

int
tcp_ring_resize(struct tcp_ring *r, size_t cap)
{
    if (cap < r->len)
        return -1;
    uint8_t *nb = malloc(cap > 0 ? cap : 1);
    if (nb == NULL)
        return -1;
    if (r->len > 0)
        tcp_ring_peek(r, 0, nb, r->len);
    free(r->buf);
    r->buf = nb;
    r->cap = cap;
    r->head = 0;
    return 0;
}
