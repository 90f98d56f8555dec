/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_input.c - TCP segment arrival.
 *
 * Implements [RFC 9293 3.10.7] SEGMENT ARRIVES: the CLOSED, LISTEN and
 * SYN-SENT cases each in its own function, then "Otherwise" as the RFC's
 * first through eighth checks, in the RFC's order and labelled as such, with
 * [RFC 5961] folded in where it changes them (RST and SYN challenge ACKs,
 * the ACK acceptance range), PAWS [RFC 7323 5.3] before the first check, and
 * [RFC 5681 2, 3.2] duplicate-ACK counting inside the fifth.
 * Not implemented: urgent data (the sixth check ignores URG), the security
 * and precedence checks (no IP security option here), data on a SYN.
 * Called by: ipv4_input(). Calls: tcp_output(), tcp_send_*(), tcp_set_state(),
 * tcp_cc_*(), tcp_sack_*(), pkt_drop().
 */
#include "stack/tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/ipv6.h"
#include "stack/pkt.h"
#include "stack/socket.h"
#include "stack/tcp_seq.h"
#include "stack/wire/checksum.h"
#include "stack/wire/ipv4.h"

/* PAWS: TS.Recent older than 24 days is invalid [RFC 7323 5.5]. */
#define TCP_PAWS_IDLE_NS (24ull * 24 * 3600 * 1000000000ull)

/* One arriving segment, parsed. */
struct tcp_seg {
    struct tcp_hdr t;       /* header and options */
    uint32_t src;           /* IPv4 source (the peer); over IPv6 its tcp_addr6_key() */
    uint32_t dst;           /* IPv4 destination (us); over IPv6 its tcp_addr6_key() */
    const struct tcp_addr6 *a6;  /* over IPv6: the addresses (l = dst, f = src); else NULL */
    uint32_t seq;           /* SEG.SEQ after trimming */
    const uint8_t *data;    /* payload after trimming */
    uint32_t dlen;          /* payload bytes after trimming */
    bool syn;               /* SYN still counted */
    bool fin;               /* FIN still counted */
    uint32_t staged;        /* data bytes already copied after the receive
                             * buffer's held bytes (tcp_ring_stage_csum()),
                             * starting at `data` as it arrived */
    struct pkt *p;          /* the packet (owned by tcp_input until freed) */
};

/* The segment in tcpdump's words, first in each sentence about it: made
 * from the packet's header by whichever sink reads the sentence, so the
 * receive path formats nothing. Cut at 111 characters, as the 112-byte
 * buffer it used to be written into cut it (a long SACK list), so the
 * trace reads as it always has. Its argument is seg_payload(). */
#define SEG_WORDS TRACE_TCP_CUT(111)

/* SEG.LEN: data plus SYN and FIN [RFC 9293 3.4]. */
static uint32_t
seg_len(const struct tcp_seg *s)
{
    return s->dlen + (s->syn ? 1u : 0u) + (s->fin ? 1u : 0u);
}

/* The segment's payload as it arrived (before any trimming): SEG_WORDS's
 * argument. */
static size_t
seg_payload(const struct tcp_seg *s)
{
    return s->p->len - s->t.data_off;
}

/* The TCB for a segment: an exact 4-tuple first, else a listener. */
static struct tcb *
tcp_lookup(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport)
{
    struct tcb *listener = NULL;
    for (struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next) {
        if (tp->lport != lport || tp->state == TCP_CLOSED)
            continue;
        if (tp->v6) {
            /* [RFC 3493 3.7] a listener on [::] without IPV6_V6ONLY takes
             * IPv4 connections too, as the least specific listener. */
            if (tp->state == TCP_LISTEN && !tp->v6only && listener == NULL &&
                ip6_addr_is_unspecified(&tp->a6.l))
                listener = tp;
            continue;
        }
        if (tp->state == TCP_LISTEN) {
            if ((tp->laddr == 0 || tp->laddr == laddr) &&
                (listener == NULL || listener->laddr == 0))
                listener = tp;
            continue;
        }
        if (tp->laddr == laddr && tp->faddr == faddr && tp->fport == fport)
            return tp;
    }
    return listener;
}

/* The same over IPv6: the connection on exactly these addresses, else a
 * listener on the local address or on [::] (an IPv6 listener). */
static struct tcb *
tcp_lookup6(struct host *h, const struct tcp_addr6 *a, uint16_t lport, uint16_t fport)
{
    struct tcb *listener = NULL;
    for (struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next) {
        if (tp->lport != lport || tp->state == TCP_CLOSED || !tp->v6)
            continue;
        if (tp->state == TCP_LISTEN) {
            bool any = ip6_addr_is_unspecified(&tp->a6.l);
            if ((any || ip6_addr_eq(&tp->a6.l, &a->l)) &&
                (listener == NULL || ip6_addr_is_unspecified(&listener->a6.l)))
                listener = tp;
            continue;
        }
        if (tp->fport == fport && ip6_addr_eq(&tp->a6.f, &a->f) && ip6_addr_eq(&tp->a6.l, &a->l))
            return tp;
    }
    return listener;
}

/* Our window shift for a receive buffer of rcvbuf bytes [RFC 7323 2.3]. */
static uint8_t
tcp_wscale_for(size_t rcvbuf)
{
    uint8_t s = 0;
    while (s < TCP_MAX_WSCALE && (rcvbuf >> s) > 65535)
        s++;
    return s;
}

/* The options of a SYN or SYN-ACK: MSS [RFC 9293 3.7.1], window scale and
 * timestamps [RFC 7323 2, 3], SACK-permitted [RFC 2018 2]. */
static void
tcp_syn_options(struct tcb *tp, const struct tcp_seg *s)
{
    const struct tcp_host *th = &tp->host->tcp;
    const struct tcp_opts *o = &s->t.opts;
    uint16_t peer_mss = o->has_mss ? o->mss : TCP_DEFAULT_MSS;
    tp->mss = peer_mss < tp->rcv_mss ? peer_mss : tp->rcv_mss;
    if (tp->mss < 64)
        tp->mss = 64;
    if (o->has_wscale && th->wscale) {
        tp->ws_ok = true;
        tp->snd_wscale = o->wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : o->wscale;
    } else {
        tp->ws_ok = false;
        tp->snd_wscale = 0;
        tp->rcv_wscale = 0;
    }
    if (o->has_ts && th->timestamps) {
        tp->ts_ok = true;
        tp->ts_recent = o->ts_val;
        tp->ts_recent_ns = tp->host->now_ns;
    } else {
        tp->ts_ok = false;
    }
    tp->sack_ok = o->sack_permitted && th->sack;
    /* tcp.rcvbuf_round: a buffer of whole segments (the MSS less the
     * timestamp option when it is on), so a window of full segments fits;
     * how large a buffer is, is the stack's choice [RFC 9293 3.8.6.2.2]. */
    size_t seg = tp->mss > 12 && tp->ts_ok ? tp->mss - 12u : tp->mss;
    if (th->rcvbuf_round && seg > 0 && tp->rcvbuf % seg != 0) {
        size_t up = (tp->rcvbuf / seg + 1) * seg;
        if (tp->rcvq.buf == NULL || tcp_ring_resize(&tp->rcvq, up) == 0)
            tp->rcvbuf = up;
    }
}

/* [RFC 5961 7] a challenge ACK, at most challenge_ack_limit a second; why
 * says which section asked for it (3.2 RST, 4.2 SYN, 5.2 ACK). */
static void
tcp_challenge_ack(struct tcb *tp, enum tcp_why why)
{
    struct tcp_host *th = &tp->host->tcp;
    uint64_t now = tp->host->now_ns;
    if (th->challenge_sent == 0 || now - th->challenge_start_ns >= 1000000000ull) {
        th->challenge_start_ns = now;
        th->challenge_sent = 0;
    }
    if (th->challenge_sent >= th->challenge_ack_limit) {
        th->stats.challenge_limited++;
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 5961 7",
                  "challenge ACK suppressed: %u already sent this second", th->challenge_sent);
        return;
    }
    th->challenge_sent++;
    th->stats.challenge_acks++;
    tcp_send_ack(tp, why);
}

/* The socket holding tp, or NULL. */
static struct socket *
tcp_socket_of(struct tcb *tp)
{
    return tp->fd >= 0 ? sock_lookup(tp->host, tp->fd) : NULL;
}

/* A connection reached ESTABLISHED. */
static void
tcp_established(struct tcb *tp, const char *rfc)
{
    tcp_set_state(tp, TCP_ESTABLISHED, rfc);
    struct socket *so = tcp_socket_of(tp);
    if (so != NULL)
        so->connected = true;
    if (tp->passive)
        tp->accept_order = ++tp->host->tcp.next_accept_order;
    /* [RFC 6298 5.7] SYN lost, no RTT sample: the data RTO starts at 3 s. */
    if (tp->syn_rexmitted && !tp->has_rtt && tp->rto_ns < TCP_RTO_AFTER_SYN_LOSS_NS)
        tp->rto_ns = TCP_RTO_AFTER_SYN_LOSS_NS;
    tp->backoff = 0;
    tp->rexmit_count = 0;
    tp->r1_reported = false;
    if (tp->keepalive)
        tcp_timer_arm(tp, TCP_T_KEEPALIVE, tp->host->tcp.keep_idle_ns);
}

/* ---- [RFC 9293 3.10.7.1] CLOSED ------------------------------------------ */

static void
tcp_closed_input(struct host *h, struct tcp_seg *s)
{
    /* "If the state is CLOSED (i.e., TCB does not exist), then all data in
     * the incoming segment is discarded. An incoming segment containing a RST
     * is discarded. An incoming segment not containing a RST causes a RST to
     * be sent in response." */
    trace_rx(h, LAYER_TCP, s->p, "RFC 9293 3.10.7.1",
             SEG_WORDS ": no connection and no listener%s", seg_payload(s),
             (s->t.flags & TCP_RST) ? "; a RST is never answered" : ": answer with RST");
    if (!(s->t.flags & TCP_RST))
        tcp_send_rst_for(h, s->dst, s->src, s->a6, &s->t, seg_len(s), "RFC 9293 3.10.7.1",
                         "nothing listens on this port");
    pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_NO_SOCKET);
}

/* ---- [RFC 9293 3.10.7.2] LISTEN ------------------------------------------ */

static unsigned
tcp_listen_queued(const struct host *h, const struct tcb *lt, bool established)
{
    unsigned n = 0;
    for (const struct tcb *c = h->tcp.tcbs; c != NULL; c = c->next)
        if (c->listener == lt && !c->accepted && (c->state != TCP_SYN_RECEIVED) == established)
            n++;
    return n;
}

/* A new TCB for a connection to listener lt from the segment s (a SYN, or
 * the ACK that returns a SYN cookie), inheriting the listener's options and
 * buffers. NULL (s dropped) when memory runs out. */
static struct tcb *
tcp_listen_child(struct host *h, struct tcb *lt, struct tcp_seg *s)
{
    struct tcb *tp = tcp_tcb_new(h);
    if (tp == NULL) {
        pkt_drop(h, s->p, LAYER_TCP, DROP_NO_MEMORY);
        return NULL;
    }
    tp->listener = lt;
    tp->passive = true;
    tp->used = true;
    tp->lport = s->t.dport;
    tp->fport = s->t.sport;
    if (s->a6 != NULL) {
        /* over IPv6 (the IPv4 fields stay 0; keys are recomputed) */
        tp->v6 = true;
        tp->a6 = *s->a6;
    } else {
        tp->laddr = s->dst;
        tp->faddr = s->src;
    }
    tp->rcvbuf = lt->rcvbuf;
    tp->sndbuf = lt->sndbuf;
    tp->nodelay = lt->nodelay;
    tp->keepalive = lt->keepalive;
    tp->linger_s = lt->linger_s;
    tp->cc_algo = lt->cc_algo;
    if (tcp_ring_alloc(&tp->sndq, tp->sndbuf) < 0 || tcp_ring_alloc(&tp->rcvq, tp->rcvbuf) < 0) {
        tcp_tcb_free(tp);
        pkt_drop(h, s->p, LAYER_TCP, DROP_NO_MEMORY);
        return NULL;
    }
    tp->rcv_mss = tcp_mss_for(h, tp->faddr, tcb_a6(tp));
    return tp;
}

/* [RFC 4987 3.6] The SYN queue is full: answer the SYN with a cookie and
 * keep nothing. */
static void
tcp_listen_send_cookie(struct host *h, struct tcb *lt, struct tcp_seg *s, unsigned half)
{
    const struct tcp_opts *o = &s->t.opts;
    unsigned idx;
    uint32_t cookie = tcp_cookie_make(h, s->dst, s->t.dport, s->src, s->t.sport, s->seq,
                                      o->has_mss ? o->mss : TCP_DEFAULT_MSS, &idx);
    uint16_t our_mss = tcp_mss_for(h, s->src, s->a6);
    size_t wnd = lt->rcvbuf < 65535 ? lt->rcvbuf : 65535; /* unscaled: no window scale */
    tcp_trace(lt, TRACE_RX, s->p, "RFC 4987 3.6",
              SEG_WORDS ": SYN, but the SYN queue is full (%u half-open, backlog %d): answer "
              "with a SYN cookie instead of a TCB", seg_payload(s), half, lt->backlog);
    tcp_send_syn_cookie(h, s->dst, s->src, s->a6, &s->t, cookie, our_mss, (uint16_t)wnd);
    h->tcp.cookie_sent = true;
    h->tcp.last_cookie_ns = h->now_ns;
    pkt_free(s->p);
}

static void tcp_otherwise_input(struct host *h, struct tcb *tp, struct tcp_seg *s);

/* [RFC 4987 3.6] An ACK to a listener while cookies are in use: if SEG.ACK
 * - 1 is a cookie this host made for this connection, the connection is
 * rebuilt from it, ESTABLISHED at once, and the segment's data (if any)
 * goes on through the eight checks. Returns false if it is no cookie (the
 * caller answers as LISTEN does). */
static bool
tcp_listen_cookie_ack(struct host *h, struct tcb *lt, struct tcp_seg *s)
{
    uint32_t cookie = s->t.ack - 1;
    uint32_t peer_isn = s->seq - 1;
    unsigned age = 0;
    int idx = tcp_cookie_check(h, s->dst, s->t.dport, s->src, s->t.sport, peer_isn, cookie, &age);
    if (idx < 0) {
        h->tcp.stats.syncookies_failed++;
        return false;
    }
    if (tcp_listen_queued(h, lt, true) >= (unsigned)lt->backlog) {
        tcp_trace(lt, TRACE_RX, s->p, "RFC 4987 3.6",
                  SEG_WORDS ": a valid SYN cookie, but the accept queue is full", seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_BACKLOG_FULL);
        return true;
    }
    struct tcb *tp = tcp_listen_child(h, lt, s);
    if (tp == NULL)
        return true;
    /* What the cookie carried: the MSS. What it could not: window scale,
     * SACK-permitted, timestamps - the connection goes without them. */
    uint16_t mss = tcp_cookie_mss_of((unsigned)idx);
    tp->mss = mss < tp->rcv_mss ? mss : tp->rcv_mss;
    tp->ws_ok = false;
    tp->snd_wscale = 0;
    tp->rcv_wscale = 0;
    tp->ts_ok = false;
    tp->sack_ok = false;
    tp->irs = peer_isn;
    tp->rcv_nxt = s->seq;
    tp->rcv_adv = tp->rcv_nxt;
    tp->iss = cookie;
    tp->snd_una = cookie + 1;
    tp->snd_nxt = cookie + 1;
    tp->snd_max = cookie + 1;
    tp->snd_buf_seq = cookie + 1;
    tp->snd_wnd = s->t.wnd;
    tp->max_snd_wnd = tp->snd_wnd;
    tp->snd_wl1 = s->seq;
    tp->snd_wl2 = s->t.ack;
    tp->last_rx_ns = h->now_ns;
    tcp_cc_init(tp);
    h->tcp.stats.passive_opens++;
    h->tcp.stats.syncookies_ok++;
    tcp_trace(tp, TRACE_RX, s->p, "RFC 4987 3.6",
              SEG_WORDS ": ACK %u - 1 is a valid SYN cookie (t %u, %u tick%s old; MSS %u): the "
              "connection is rebuilt from it, without window scale, SACK or timestamps",
              seg_payload(s), s->t.ack, cookie >> 27, age, age == 1 ? "" : "s", mss);
    tcp_set_state(tp, TCP_SYN_RECEIVED, "RFC 4987 3.6");
    tcp_established(tp, "RFC 4987 3.6");
    if (s->dlen > 0 || s->fin) {
        tcp_otherwise_input(h, tp, s);
        return true;
    }
    pkt_free(s->p);
    return true;
}

/* Are SYN cookies in play: on, and one sent within a cookie's lifetime? */
static bool
tcp_cookies_recent(const struct host *h)
{
    const struct tcp_host *th = &h->tcp;
    return th->syncookies && th->cookie_sent &&
           h->now_ns - th->last_cookie_ns < 2 * 64ull * 1000000000ull;
}

static void
tcp_listen_input(struct host *h, struct tcb *lt, struct tcp_seg *s)
{
    /* "First, check for a RST": "An incoming RST should be ignored." */
    if (s->t.flags & TCP_RST) {
        tcp_trace(lt, TRACE_RX, s->p, "RFC 9293 3.10.7.2", SEG_WORDS ": RST to a listener: ignored",
                  seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_RST_IGNORED);
        return;
    }
    /* "Second, check for an ACK": "Any acknowledgment is bad if it arrives on
     * a connection still in the LISTEN state. An acceptable reset segment
     * should be formed for any arriving ACK-bearing segment." Unless it
     * returns a SYN cookie [RFC 4987 3.6]. */
    if (s->t.flags & TCP_ACK) {
        if (!(s->t.flags & TCP_SYN) && tcp_cookies_recent(h) && tcp_listen_cookie_ack(h, lt, s))
            return;
        tcp_trace(lt, TRACE_RX, s->p, "RFC 9293 3.10.7.2", SEG_WORDS ": an ACK to a listener: RST",
                  seg_payload(s));
        tcp_send_rst_for(h, s->dst, s->src, s->a6, &s->t, seg_len(s), "RFC 9293 3.10.7.2",
                         "ACK to a listener");
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_LISTEN_BAD);
        return;
    }
    /* "Third, check for a SYN" */
    if (!(s->t.flags & TCP_SYN)) {
        /* "Fourth, other data or control": "drop the segment and return". */
        tcp_trace(lt, TRACE_RX, s->p, "RFC 9293 3.10.7.2", SEG_WORDS ": neither SYN nor RST",
                  seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_LISTEN_BAD);
        return;
    }
    /* SYN with FIN opens and closes at once: no client does that, port
     * scanners and stack fingerprinting do. Linux discards it in LISTEN. */
    if (s->t.flags & TCP_FIN) {
        tcp_trace(lt, TRACE_RX, s->p, "RFC 9293 3.10.7.2",
                  SEG_WORDS ": SYN and FIN together: dropped", seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_SYN_FIN);
        return;
    }
    /* Bounded queues, as BSD and Linux bound them by the backlog: half-open
     * connections (the SYN queue) and connections waiting for accept(). A
     * full accept queue drops the SYN (Linux does so, cookies or not); a full
     * SYN queue is what a SYN flood makes, and a cookie answers it. */
    unsigned half = tcp_listen_queued(h, lt, false);
    unsigned full = tcp_listen_queued(h, lt, true);
    if (full < (unsigned)lt->backlog && half >= (unsigned)lt->backlog && h->tcp.syncookies) {
        tcp_listen_send_cookie(h, lt, s, half);
        return;
    }
    if (half >= (unsigned)lt->backlog || full >= (unsigned)lt->backlog) {
        tcp_trace(lt, TRACE_RX, s->p, "RFC 9293 3.10.7.2",
                  SEG_WORDS ": SYN, but the listen queues are full (%u half-open, %u to accept, "
                  "backlog %d)", seg_payload(s), half, full, lt->backlog);
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_BACKLOG_FULL);
        return;
    }
    struct tcb *tp = tcp_listen_child(h, lt, s);
    if (tp == NULL)
        return;
    tp->rcv_wscale = tcp_wscale_for(h->tcp.wscale_buf ? h->tcp.wscale_buf : tp->rcvbuf);
    tcp_syn_options(tp, s);
    tp->ts_off = (uint32_t)rng_next(&h->rng);
    /* "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be
     * selected and a SYN segment sent of the form
     * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>". */
    tp->irs = s->seq;
    tp->rcv_nxt = s->seq + 1;
    tp->rcv_adv = tp->rcv_nxt;
    tp->iss = tcp_isn(h, s->dst, tp->lport, s->src, tp->fport);
    tp->snd_una = tp->iss;
    tp->snd_nxt = tp->iss;
    tp->snd_max = tp->iss;
    tp->snd_buf_seq = tp->iss + 1;
    tp->snd_wnd = s->t.wnd; /* [RFC 7323 2.2] a SYN's window is never scaled */
    tp->max_snd_wnd = tp->snd_wnd;
    tp->snd_wl1 = s->seq;
    tp->snd_wl2 = tp->iss;
    tp->last_rx_ns = h->now_ns;
    tcp_cc_init(tp);
    h->tcp.stats.passive_opens++;
    tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.2",
              SEG_WORDS ": SYN to the listener on port %u: new connection, answer SYN-ACK",
              seg_payload(s), lt->lport);
    tcp_set_state(tp, TCP_SYN_RECEIVED, "RFC 9293 3.10.7.2");
    tcp_send_syn(tp, TCP_WHY_OPEN);
    pkt_free(s->p);
}

/* ---- [RFC 9293 3.10.7.3] SYN-SENT ----------------------------------------- */

static void
tcp_syn_sent_input(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    uint8_t f = s->t.flags;
    bool ack_ok = false;
    /* "First, check the ACK bit": "If SEG.ACK =< ISS or SEG.ACK > SND.NXT,
     * send a reset (unless the RST bit is set, if so drop the segment and
     * return) <SEQ=SEG.ACK><CTL=RST> and discard the segment." */
    if (f & TCP_ACK) {
        if (seq_leq(s->t.ack, tp->iss) || seq_gt(s->t.ack, tp->snd_max)) {
            tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.3",
                      SEG_WORDS ": acknowledges something never sent", seg_payload(s));
            if (!(f & TCP_RST))
                tcp_send_rst_for(h, s->dst, s->src, s->a6, &s->t, seg_len(s), "RFC 9293 3.10.7.3",
                                 "unacceptable ACK in SYN-SENT");
            pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_BAD_ACK);
            return;
        }
        ack_ok = seq_leq(tp->snd_una, s->t.ack) && seq_leq(s->t.ack, tp->snd_max);
    }
    /* "Second, check the RST bit": "If the ACK was acceptable, then signal to
     * the user 'error: connection reset', drop the segment, enter CLOSED
     * state, delete TCB, and return. Otherwise (no ACK), drop the segment"
     * [RFC 5961 3.2] in SYN-SENT a RST is acceptable only if it ACKs the SYN. */
    if (f & TCP_RST) {
        if (!ack_ok) {
            tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.3",
                      SEG_WORDS ": RST without an acceptable ACK: ignored", seg_payload(s));
            pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_RST_IGNORED);
            return;
        }
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.3",
                  SEG_WORDS ": connection refused: nobody listens there", seg_payload(s));
        h->tcp.stats.rst_rx++;
        h->tcp.stats.attempt_fails++;
        pkt_free(s->p);
        tcp_drop(tp, ERR_CONNREFUSED, "RFC 9293 3.10.7.3");
        return;
    }
    /* Third: security (not applicable). "Fourth, check the SYN bit" */
    if (!(f & TCP_SYN)) {
        /* "Fifth, if neither of the SYN or RST bits is set, then drop" */
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.3", SEG_WORDS ": neither SYN nor RST",
                  seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_SYN_SENT_BAD);
        return;
    }
    tcp_syn_options(tp, s);
    tp->irs = s->seq;
    tp->rcv_nxt = s->seq + 1;
    tp->rcv_adv = tp->rcv_nxt;
    tp->last_rx_ns = h->now_ns;
    if (f & TCP_ACK) {
        /* "SND.UNA should be advanced to equal SEG.ACK ... If SND.UNA > ISS
         * (our SYN has been ACKed), change the connection state to
         * ESTABLISHED, form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
         * and send it." */
        tp->snd_una = s->t.ack;
        if (tp->rtt_timing && seq_gt(s->t.ack, tp->rtt_seq)) {
            tcp_rtt_sample(tp, h->now_ns - tp->rtt_start_ns);
            tp->rtt_timing = false;
        }
        tp->snd_wnd = s->t.wnd;
        tp->max_snd_wnd = tp->snd_wnd;
        tp->snd_wl1 = s->seq;
        tp->snd_wl2 = s->t.ack;
        tcp_cc_init(tp);
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.3",
                  SEG_WORDS ": SYN-ACK acknowledges our SYN: connection established",
                  seg_payload(s));
        tcp_established(tp, "RFC 9293 3.10.7.3");
        tcp_rexmt_update(tp, true);
        tp->ack_now = true;
        pkt_free(s->p);
        tcp_output(tp, TCP_WHY_ACK);
        return;
    }
    /* "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
     * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it." (simultaneous open) */
    tp->snd_wnd = s->t.wnd;
    tp->max_snd_wnd = tp->snd_wnd;
    tp->snd_wl1 = s->seq;
    tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.3",
              SEG_WORDS ": a SYN crossed ours: simultaneous open", seg_payload(s));
    tcp_set_state(tp, TCP_SYN_RECEIVED, "RFC 9293 3.10.7.3");
    tcp_cc_init(tp);
    tcp_send_syn(tp, TCP_WHY_OPEN);
    pkt_free(s->p);
}

/* ---- the seventh and eighth checks: text and FIN ----------------------- */

/* [RFC 9293 3.10.7.4 eighth] the FIN is in order: "advance RCV.NXT over the
 * FIN, and send an acknowledgment for the FIN". */
static void
tcp_fin_arrived(struct tcb *tp)
{
    tp->rcv_nxt++;
    tp->fin_rcvd = true;
    tp->ack_now = true;
    switch (tp->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        tcp_set_state(tp, TCP_CLOSE_WAIT, "RFC 9293 3.10.7.4");
        break;
    case TCP_FIN_WAIT_1:
        /* "If our FIN has been ACKed ... enter TIME-WAIT ... otherwise, enter
         * the CLOSING state." */
        if (tp->fin_queued && seq_gt(tp->snd_una, tcp_fin_seq(tp))) {
            tcp_set_state(tp, TCP_TIME_WAIT, "RFC 9293 3.10.7.4");
            tcp_timewait_start(tp);
        } else {
            tcp_set_state(tp, TCP_CLOSING, "RFC 9293 3.10.7.4");
        }
        break;
    case TCP_FIN_WAIT_2:
        tcp_set_state(tp, TCP_TIME_WAIT, "RFC 9293 3.10.7.4");
        tcp_timewait_start(tp);
        break;
    case TCP_TIME_WAIT:
        tcp_timewait_start(tp); /* "Restart the 2 MSL time-wait timeout." */
        break;
    default:
        break; /* CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state." */
    }
}

/* Copy in-order bytes into the receive buffer. */
static uint32_t
tcp_take_data(struct tcb *tp, const uint8_t *data, uint32_t n)
{
    size_t took = tcp_ring_write(&tp->rcvq, data, n);
    tp->rcv_nxt += (uint32_t)took;
    tp->bytes_received += took;
    return (uint32_t)took;
}

/* The segment's in-order data: taken in where tcp_input() already copied it
 * while checking the checksum, else copied now. Only the data's right end can
 * have been trimmed (to the window) since: it still starts at RCV.NXT. */
static uint32_t
tcp_take_segment(struct tcb *tp, const struct tcp_seg *s)
{
    if (s->staged == 0 || s->dlen > s->staged)
        return tcp_take_data(tp, s->data, s->dlen);
    size_t took = s->dlen;
    tcp_ring_commit(&tp->rcvq, took);
    tp->rcv_nxt += (uint32_t)took;
    tp->bytes_received += took;
    return (uint32_t)took;
}

/* Hold an out-of-order segment [seq, seq+len) (+FIN) until the gap fills. */
static void
tcp_ooo_insert(struct tcb *tp, uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
    struct tcp_ooo **pp = &tp->ooo;
    if (len == 0) {
        /* A FIN alone, beyond a gap: it belongs after the held block that
         * ends where it is, else it is held by itself. (Matching it against
         * only the first block lost it when the gap before it had others.) */
        if (!fin)
            return;
        while (*pp != NULL && seq_lt((*pp)->seq + (*pp)->len, seq))
            pp = &(*pp)->next;
        if (*pp != NULL && (*pp)->seq + (*pp)->len == seq) {
            (*pp)->fin = true;
            return;
        }
        if (*pp != NULL && seq_leq((*pp)->seq, seq))
            return; /* a FIN inside data already held: not where the stream ends */
        struct tcp_ooo *o = malloc(sizeof(*o) + 1);
        if (o == NULL)
            return;
        o->seq = seq;
        o->len = 0;
        o->fin = true;
        o->next = *pp;
        *pp = o;
        return;
    }
    /* Trim against what is already held: keep only new bytes, in pieces. */
    while (len > 0 || fin) {
        while (*pp != NULL && seq_leq((*pp)->seq + (*pp)->len, seq) && !(len == 0 && fin)) {
            pp = &(*pp)->next;
        }
        struct tcp_ooo *nx = *pp;
        uint32_t take = len;
        if (nx != NULL && seq_lt(nx->seq, seq + len) && seq_leq(nx->seq, seq)) {
            /* starts inside nx: skip the overlap */
            uint32_t skip = nx->seq + nx->len - seq;
            if (skip >= len) {
                if (fin && nx->seq + nx->len == seq + len)
                    nx->fin = true;
                return;
            }
            seq += skip;
            data += skip;
            len -= skip;
            pp = &nx->next;
            continue;
        }
        if (nx != NULL && seq_lt(nx->seq, seq + len))
            take = nx->seq - seq; /* stop where nx begins */
        struct tcp_ooo *o = malloc(sizeof(*o) + (take > 0 ? take : 1));
        if (o == NULL)
            return;
        o->seq = seq;
        o->len = take;
        o->fin = fin && take == len;
        memcpy(o->data, data, take);
        o->next = nx;
        *pp = o;
        tp->ooo_bytes += take;
        pp = &o->next;
        seq += take;
        data += take;
        len -= take;
        if (o->fin || (len == 0))
            return;
    }
}

/* [RFC 2883 4] Data of an out-of-order segment that the queue already
 * holds is a duplicate: the first such range is reported as a D-SACK. */
static void
tcp_ooo_note_duplicate(struct tcb *tp, uint32_t seq, uint32_t len)
{
    uint32_t end = seq + len;
    for (const struct tcp_ooo *o = tp->ooo; o != NULL; o = o->next) {
        uint32_t l = seq_max(seq, o->seq), r = seq_min(end, o->seq + o->len);
        if (seq_lt(l, r)) {
            tcp_sack_note_duplicate(tp, l, r);
            return;
        }
    }
}

/* Move what the OOO queue holds at rcv_nxt into the buffer. Returns true if
 * a FIN was reached. */
static bool
tcp_ooo_drain(struct tcb *tp)
{
    bool fin = false;
    while (tp->ooo != NULL && seq_leq(tp->ooo->seq, tp->rcv_nxt)) {
        struct tcp_ooo *o = tp->ooo;
        uint32_t end = o->seq + o->len;
        if (seq_gt(end, tp->rcv_nxt)) {
            uint32_t skip = tp->rcv_nxt - o->seq;
            tcp_take_data(tp, o->data + skip, o->len - skip);
        }
        if (o->fin && tp->rcv_nxt == end)
            fin = true;
        tp->ooo = o->next;
        tp->ooo_bytes -= o->len;
        free(o);
        if (fin)
            break;
    }
    return fin;
}

/* [RFC 9293 3.10.7.4] "Seventh, process the segment text": in-order data
 * into the receive buffer, out-of-order data held for later. Returns true
 * when the FIN that follows the text is now in order (it is the eighth
 * check's to process). */
static bool
tcp_check_text(struct tcb *tp, struct tcp_seg *s)
{
    struct host *h = tp->host;
    bool fin_now = false;
    bool can_take = tp->state == TCP_ESTABLISHED || tp->state == TCP_FIN_WAIT_1 ||
                    tp->state == TCP_FIN_WAIT_2;
    if (s->dlen > 0 && can_take) {
        if (s->seq == tp->rcv_nxt) {
            bool filled_gap = tp->ooo != NULL;
            uint32_t took = tcp_take_segment(tp, s);
            if (took == s->dlen && s->fin)
                fin_now = true;
            if (filled_gap && tcp_ooo_drain(tp))
                fin_now = true;
            if (trace_wants_sentence(h->trace))
                tcp_trace(tp, TRACE_DELIVER, s->p, "RFC 9293 3.10.7.4",
                          "%u bytes in order to the receive buffer (%zu waiting to be read)%s",
                          took, tp->rcvq.len, filled_gap ? "; a gap filled" : "");
            tp->rcv_unacked += took;
            /* [RFC 5681 4.2] ACK at once a segment that fills a gap;
             * [RFC 1122 4.2.3.2] and at least every second full-sized segment. */
            if (filled_gap || tp->rcv_unacked >= 2u * tp->rcv_mss || h->tcp.delack_ns == 0 ||
                fin_now)
                tp->ack_now = true;
            else if (!tcp_timer_armed(tp, TCP_T_DELACK))
                tcp_timer_arm(tp, TCP_T_DELACK, h->tcp.delack_ns);
        } else {
            /* [RFC 5681 4.2] "A TCP receiver SHOULD send an immediate
             * duplicate ACK when an out-of-order segment arrives." */
            tcp_ooo_note_duplicate(tp, s->seq, s->dlen);
            tcp_ooo_insert(tp, s->seq, s->data, s->dlen, s->fin);
            tp->last_sack.left = s->seq;
            tp->last_sack.right = s->seq + s->dlen;
            tcp_sack_note_recent(tp, s->seq);
            h->tcp.stats.ooo_segments++;
            tp->ack_now = true;
            tcp_trace(tp, TRACE_NOTE, s->p, "RFC 9293 3.10.7.4",
                      "%u bytes out of order at %u (expected %u): held, duplicate ACK", s->dlen,
                      s->seq, tp->rcv_nxt);
        }
    } else if (s->dlen > 0) {
        /* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: "This should not occur
         * since a FIN has been received from the remote side. Ignore the
         * segment text." */
        tp->ack_now = true;
    } else if (s->fin && tp->fin_rcvd) {
        /* A FIN after the peer's FIN: its stream ended at the first one, so
         * no sequence number beyond it exists to hold or to advance over
         * (the eighth check acknowledges it, RCV.NXT unchanged). */
    } else if (s->fin && s->seq == tp->rcv_nxt) {
        fin_now = true;
    } else if (s->fin && seq_gt(s->seq, tp->rcv_nxt)) {
        tcp_ooo_insert(tp, s->seq, NULL, 0, true);
        tp->ack_now = true;
    }
    return fin_now;
}

/* [RFC 9293 3.10.7.4] "Eighth, check the FIN bit": a FIN now in order ends
 * the peer's stream; one repeated in TIME-WAIT restarts the 2 MSL wait. */
static void
tcp_check_fin(struct tcb *tp, const struct tcp_seg *s, bool fin_now)
{
    if (fin_now && !tp->fin_rcvd) {
        tcp_trace(tp, TRACE_NOTE, s->p, "RFC 9293 3.10.7.4",
                  "FIN: the peer has no more data; acknowledge it");
        tcp_fin_arrived(tp);
    } else if (s->fin && tp->state == TCP_TIME_WAIT) {
        /* "TIME-WAIT STATE: Remain in the TIME-WAIT state. Restart the 2 MSL
         * time-wait timeout", and the fifth check's "Acknowledge it". The
         * peer's FIN was already counted: RCV.NXT stays one past it, so the
         * ACK says ACK=RCV.NXT whatever the second FIN's SEG.SEQ (advancing
         * RCV.NXT here acknowledged sequence numbers never sent). */
        tcp_trace(tp, TRACE_NOTE, s->p, "RFC 9293 3.10.7.4",
                  "FIN again in TIME-WAIT: acknowledge RCV.NXT, restart 2 MSL");
        tcp_timewait_start(tp);
        tp->ack_now = true;
    }
}

/* ---- [RFC 9293 3.10.7.4] Otherwise ----------------------------------------- */

/* [RFC 9293 3.10.7.4] the four cases of segment acceptability. */
static bool
tcp_acceptable(const struct tcb *tp, const struct tcp_seg *s)
{
    uint32_t wnd = tp->rcv_wnd;
    uint32_t len = seg_len(s);
    uint32_t rn = tp->rcv_nxt;
    if (len == 0 && wnd == 0)
        return s->seq == rn;
    if (len == 0)
        return seq_in(s->seq, rn, rn + wnd);
    if (wnd == 0)
        return s->dlen == 0 && s->seq == rn; /* a lone FIN at RCV.NXT still counts */
    return seq_in(s->seq, rn, rn + wnd) || seq_in(s->seq + len - 1, rn, rn + wnd);
}

/* Simultaneous open: in SYN-RECEIVED the peer's SYN-ACK repeats its SYN
 * (old) but acknowledges ours. Taken as that ACK, as Linux does under
 * [RFC 5961 4.2]'s exception, so both ends reach ESTABLISHED. Returns true
 * (and strips the old SYN) when s is such a SYN-ACK. */
static bool
tcp_simopen_ack(const struct tcb *tp, struct tcp_seg *s)
{
    uint8_t f = s->t.flags;
    if (tp->state == TCP_SYN_RECEIVED && !tp->passive && (f & TCP_SYN) && (f & TCP_ACK) &&
        s->seq + 1 == tp->rcv_nxt && s->t.ack == tp->snd_nxt && s->dlen == 0) {
        s->syn = false;
        s->seq++;
        return true;
    }
    return false;
}

/* [RFC 7323 5.3] PAWS, before the acceptability test: R1 "If there is a
 * Timestamps option in the arriving segment, SEG.TSval < TS.Recent, TS.Recent
 * is valid, and the RST bit is not set, then treat the arriving segment as
 * not acceptable". Returns false when the segment was dropped. */
static bool
tcp_check_paws(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    const struct tcp_opts *o = &s->t.opts;
    if (tp->ts_ok && o->has_ts && !(s->t.flags & TCP_RST) && seq_lt(o->ts_val, tp->ts_recent) &&
        h->now_ns - tp->ts_recent_ns < TCP_PAWS_IDLE_NS) {
        tcp_trace(tp, TRACE_RX, s->p, "RFC 7323 5.3",
                  SEG_WORDS ": TSval %u is older than TS.Recent %u: an old duplicate (PAWS)",
                  seg_payload(s), o->ts_val, tp->ts_recent);
        h->tcp.stats.paws_drops++;
        tp->ack_now = true;
        tcp_send_ack(tp, TCP_WHY_ACK);
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_PAWS);
        return false;
    }
    return true;
}

/* [RFC 9293 3.10.7.4] "First, check sequence number": an unacceptable
 * segment is answered with an ACK (unless it is a RST) and dropped; an
 * acceptable one is trimmed to the window, and it counts as life from the
 * peer. seg_seq is SEG.SEQ as it arrived. Returns false when the segment was
 * dropped. */
static bool
tcp_check_sequence(struct host *h, struct tcb *tp, struct tcp_seg *s, uint32_t seg_seq)
{
    uint8_t f = s->t.flags;
    const struct tcp_opts *o = &s->t.opts;
    if (!tcp_acceptable(tp, s)) {
        bool old = seq_leq(s->seq + seg_len(s), tp->rcv_nxt);
        if (old && !(f & TCP_RST) && s->dlen > 0) {
            /* [RFC 2883 4] the ACK reports the duplicate as a D-SACK. */
            uint32_t from = s->seq + (s->syn ? 1u : 0u);
            tcp_sack_note_duplicate(tp, from, from + s->dlen);
        }
        /* "If the RCV.WND is zero, no segments will be acceptable, but
         * special allowance should be made to accept valid ACKs, URGs, and
         * RSTs": a segment refused only because the window is closed (it
         * starts at or past RCV.NXT, e.g. a pure ACK at RCV.NXT + 1 after
         * the peer's 1-byte zero-window probe) loses its text but its ACK
         * field is processed, or a host that does not read would stall its
         * own sending. RSTs at RCV.NXT are acceptable already; SYNs go the
         * usual way. */
        bool ack_allowed =
            tp->rcv_wnd == 0 && !old && (f & TCP_ACK) && !(f & (TCP_SYN | TCP_RST));
        const char *then = ack_allowed ? ": the text is refused, the ACK field still processed"
                           : (f & TCP_RST) ? ""
                                           : ": send an ACK";
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4",
                  SEG_WORDS ": not acceptable (RCV.NXT %u, RCV.WND %u)%s", seg_payload(s),
                  tp->rcv_nxt, tp->rcv_wnd, then);
        if (f & TCP_RST) {
            pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_RST_OUT_OF_WINDOW);
            return false;
        }
        if (ack_allowed) {
            /* The fifth check still judges the ACK [RFC 5961 5.2]; the ACK
             * in reply goes out after it, with the new SND.UNA. */
            s->dlen = 0;
            s->staged = 0;
            s->fin = false;
            tp->ack_now = true;
            return true;
        }
        /* "If an incoming segment is not acceptable, an acknowledgment should
         * be sent in reply (unless the RST bit is set)" */
        if (tp->state == TCP_TIME_WAIT && (f & TCP_FIN))
            tcp_timewait_start(tp); /* a retransmitted FIN: restart 2 MSL */
        if (tp->state == TCP_SYN_RECEIVED && (f & TCP_SYN) && !(f & TCP_ACK))
            tcp_send_syn(tp, TCP_WHY_OPEN); /* the peer lost our SYN-ACK */
        else
            tcp_send_ack(tp, TCP_WHY_ACK);
        pkt_drop(h, s->p, LAYER_TCP, old ? DROP_TCP_DUPLICATE : DROP_TCP_OUT_OF_WINDOW);
        return false;
    }
    /* Trim to the window: "segments with higher beginning sequence numbers
     * may be held for later processing", parts before RCV.NXT are old. */
    if (seq_lt(s->seq, tp->rcv_nxt)) {
        uint32_t cut = tp->rcv_nxt - s->seq;
        if (s->syn) {
            s->syn = false;
            cut--;
            s->seq++;
        }
        if (cut > s->dlen)
            cut = s->dlen;
        if (cut > 0 && !(f & TCP_RST)) /* [RFC 2883 4] the part already had */
            tcp_sack_note_duplicate(tp, s->seq, s->seq + cut);
        s->data += cut;
        s->dlen -= cut;
        s->seq += cut;
    }
    uint32_t right = tp->rcv_nxt + tp->rcv_wnd;
    if (s->dlen > 0 && seq_gt(s->seq + s->dlen, right)) {
        s->dlen = seq_gt(right, s->seq) ? right - s->seq : 0;
        s->fin = false;
    }
    tp->last_rx_ns = h->now_ns;
    tp->keep_sent = 0;
    if (tp->keepalive && tcp_timer_armed(tp, TCP_T_KEEPALIVE))
        tcp_timer_arm(tp, TCP_T_KEEPALIVE, h->tcp.keep_idle_ns);
    /* [RFC 7323 4.3] "If SEG.TSval >= TS.Recent and SEG.SEQ <= Last.ACK.sent
     * then SEG.TSval is copied to TS.Recent" */
    if (tp->ts_ok && o->has_ts && seq_geq(o->ts_val, tp->ts_recent) &&
        seq_leq(seg_seq, tp->last_ack_sent)) {
        tp->ts_recent = o->ts_val;
        tp->ts_recent_ns = h->now_ns;
    }
    return true;
}

/* [RFC 9293 3.10.7.4] "Second, check the RST bit", with [RFC 5961 3.2]:
 * reset only if SEG.SEQ is exactly RCV.NXT; otherwise (in the window) send a
 * challenge ACK. Returns false when the segment was consumed. */
static bool
tcp_check_rst(struct host *h, struct tcb *tp, struct tcp_seg *s, uint32_t seg_seq)
{
    if (!(s->t.flags & TCP_RST))
        return true;
    if (seg_seq != tp->rcv_nxt) {
        tcp_trace(tp, TRACE_RX, s->p, "RFC 5961 3.2",
                  SEG_WORDS ": RST in the window but not at RCV.NXT %u: challenge ACK",
                  seg_payload(s), tp->rcv_nxt);
        tcp_challenge_ack(tp, TCP_WHY_CHALLENGE_ACK);
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_RST_IN_WINDOW);
        return false;
    }
    h->tcp.stats.rst_rx++;
    int err = ERR_CONNRESET;
    if (tp->state == TCP_SYN_RECEIVED) {
        /* "If this connection was initiated with a passive OPEN, then
         * return this connection to the LISTEN state" - here the listener
         * never left LISTEN: the half-open child goes. Active: refused. */
        err = tp->passive ? 0 : ERR_CONNREFUSED;
        h->tcp.stats.attempt_fails++;
    } else if (tp->state == TCP_CLOSING || tp->state == TCP_LAST_ACK ||
               tp->state == TCP_TIME_WAIT) {
        err = 0; /* "enter the CLOSED state, delete the TCB, and return" */
    } else {
        h->tcp.stats.estab_resets++;
    }
    tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4", SEG_WORDS ": the peer reset the connection",
              seg_payload(s));
    pkt_free(s->p);
    tcp_drop(tp, err, "RFC 9293 3.10.7.4");
    return false;
}

/* [RFC 9293 3.10.7.4] "Fourth, check the SYN bit", with [RFC 5961 4.2]:
 * "irrespective of the sequence number, TCP endpoints MUST send a 'challenge
 * ACK'". Returns false when the segment was dropped. */
static bool
tcp_check_syn(struct host *h, struct tcb *tp, struct tcp_seg *s, bool simopen_ack)
{
    if (!(s->t.flags & TCP_SYN) || simopen_ack)
        return true;
    tcp_trace(tp, TRACE_RX, s->p, "RFC 5961 4.2",
              SEG_WORDS ": SYN on a synchronized connection: challenge ACK", seg_payload(s));
    tcp_challenge_ack(tp, TCP_WHY_CHALLENGE_SYN);
    pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_SYN_IN_WINDOW);
    return false;
}

/* [RFC 9293 3.10.7.4] fifth check, the acceptance range of SEG.ACK: "if
 * the ACK bit is off, drop the segment and return"; [RFC 5961 5.2]
 * "(SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT" else send an ACK and drop:
 * blind data injection fails here. Returns false when the segment was
 * dropped. */
static bool
tcp_ack_acceptable(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    if (!(s->t.flags & TCP_ACK)) {
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4", SEG_WORDS ": no ACK bit: dropped",
                  seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_NO_ACK);
        return false;
    }
    uint32_t ack = s->t.ack;
    uint32_t max_wnd = tp->max_snd_wnd > 0 ? tp->max_snd_wnd : 1;
    if (seq_gt(ack, tp->snd_max) || seq_lt(ack, tp->snd_una - max_wnd)) {
        tcp_trace(tp, TRACE_RX, s->p, "RFC 5961 5.2",
                  SEG_WORDS ": ACK %u outside [SND.UNA - MAX.SND.WND, SND.NXT]: challenge ACK",
                  seg_payload(s), ack);
        if (tp->state == TCP_SYN_RECEIVED) {
            tcp_send_rst_for(h, s->dst, s->src, s->a6, &s->t, seg_len(s), "RFC 9293 3.10.7.4",
                             "unacceptable ACK in SYN-RECEIVED");
        } else {
            tcp_challenge_ack(tp, TCP_WHY_CHALLENGE_BAD_ACK);
        }
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_BAD_ACK);
        return false;
    }
    return true;
}

/* [RFC 9293 3.10.7.4] fifth check in SYN-RECEIVED: "If SND.UNA < SEG.ACK =<
 * SND.NXT, then enter ESTABLISHED state and continue processing"; "If the
 * segment acknowledgment is not acceptable, form a reset segment
 * <SEQ=SEG.ACK><CTL=RST>". Other states only trace the arrival. Returns
 * false when the segment was dropped. */
static bool
tcp_ack_syn_received(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    uint32_t ack = s->t.ack;
    if (tp->state != TCP_SYN_RECEIVED) {
        if (trace_wants_sentence(h->trace))
            tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4", SEG_WORDS "", seg_payload(s));
        else
            trace_count(h, TRACE_RX, LAYER_TCP);
        return true;
    }
    if (!seq_gt(ack, tp->snd_una)) {
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4",
                  SEG_WORDS ": does not acknowledge our SYN: RST", seg_payload(s));
        tcp_send_rst_for(h, s->dst, s->src, s->a6, &s->t, seg_len(s), "RFC 9293 3.10.7.4",
                         "unacceptable ACK in SYN-RECEIVED");
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_BAD_ACK);
        return false;
    }
    if (tp->listener != NULL &&
        tcp_listen_queued(h, tp->listener, true) >= (unsigned)tp->listener->backlog) {
        tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4",
                  SEG_WORDS ": completes the handshake, but the accept queue is full",
                  seg_payload(s));
        pkt_drop(h, s->p, LAYER_TCP, DROP_TCP_BACKLOG_FULL);
        return false;
    }
    tp->snd_wnd = (uint32_t)s->t.wnd << tp->snd_wscale;
    tp->max_snd_wnd = tp->snd_wnd > tp->max_snd_wnd ? tp->snd_wnd : tp->max_snd_wnd;
    tp->snd_wl1 = s->seq;
    tp->snd_wl2 = ack;
    tcp_trace(tp, TRACE_RX, s->p, "RFC 9293 3.10.7.4",
              SEG_WORDS ": the ACK of our SYN-ACK: connection established", seg_payload(s));
    tcp_established(tp, "RFC 9293 3.10.7.4");
    return true;
}

/* [RFC 9293 3.10.7.4] fifth check, ESTABLISHED and after: "If SND.UNA <
 * SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK. Any segments on the
 * retransmission queue that are thereby entirely acknowledged are removed."
 * An ACK that advances nothing may be a duplicate [RFC 5681 2]. SACK blocks
 * are read first: duplicate-ACK handling and recovery read the scoreboard
 * [RFC 6675 5]. */
static void
tcp_ack_advance(struct host *h, struct tcb *tp, const struct tcp_seg *s)
{
    uint8_t f = s->t.flags;
    uint32_t ack = s->t.ack;
    if (tp->sack_ok && s->t.opts.sack_count > 0)
        tcp_sack_update(tp, &s->t.opts);
    uint32_t new_wnd = (uint32_t)s->t.wnd << tp->snd_wscale;
    if (seq_gt(ack, tp->snd_una)) {
        uint32_t old_una = tp->snd_una;
        uint32_t acked = ack - old_una;
        uint32_t data_acked = 0;
        if (seq_gt(ack, tp->snd_buf_seq)) {
            data_acked = ack - tp->snd_buf_seq;
            if (data_acked > tp->sndq.len)
                data_acked = (uint32_t)tp->sndq.len; /* the rest is our FIN */
            tcp_ring_consume(&tp->sndq, data_acked);
            tp->snd_buf_seq += data_acked;
        }
        tp->snd_una = ack;
        if (seq_lt(tp->snd_nxt, ack))
            tp->snd_nxt = ack;
        /* [RFC 9293 3.8.3] progress: the retransmission count of R1 and R2
         * is per segment, and this is a new one. */
        tp->rexmit_count = 0;
        tp->r1_reported = false;
        tp->soft_error = 0; /* the path works again [RFC 1122 4.2.3.9] */
        tp->bytes_acked += data_acked;
        if (tp->rtt_timing && seq_gt(ack, tp->rtt_seq)) {
            tcp_rtt_sample(tp, h->now_ns - tp->rtt_start_ns);
            tp->rtt_timing = false;
        }
        tcp_sack_trim(tp);
        bool was_recovering = tp->in_recovery;
        tcp_cc_new_ack(tp, old_una, acked);
        if (!was_recovering || !tp->in_recovery)
            tcp_rexmt_update(tp, true); /* [RFC 6298 5.3] */
        tp->persist_shift = 0;
    } else if (ack == tp->snd_una && s->dlen == 0 && !s->fin && !(f & TCP_SYN) &&
               tp->snd_max != tp->snd_una && new_wnd == tp->snd_wnd &&
               !tcp_timer_armed(tp, TCP_T_PERSIST) &&
               (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT ||
                tp->state == TCP_FIN_WAIT_1 || tp->state == TCP_CLOSING ||
                tp->state == TCP_LAST_ACK)) {
        /* [RFC 5681 2] DUPLICATE ACKNOWLEDGMENT: outstanding data, no data,
         * no SYN/FIN, ACK = SND.UNA, the same window. Not while the persist
         * timer runs: the window is closed and the ACK answers a probe
         * [RFC 9293 3.8.6.1], which reports no loss (BSD counts duplicate
         * ACKs only while the retransmission timer runs). */
        tcp_cc_dup_ack(tp);
    }
}

/* [RFC 9293 3.10.7.4] fifth check: "If SND.UNA =< SEG.ACK =< SND.NXT, the
 * send window should be updated. If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ
 * and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ,
 * and set SND.WL2 <- SEG.ACK." */
static void
tcp_ack_update_window(struct tcb *tp, const struct tcp_seg *s, uint32_t seg_seq)
{
    uint32_t ack = s->t.ack;
    uint32_t new_wnd = (uint32_t)s->t.wnd << tp->snd_wscale;
    if (seq_lt(tp->snd_wl1, seg_seq) || (tp->snd_wl1 == seg_seq && seq_leq(tp->snd_wl2, ack))) {
        tp->snd_wnd = new_wnd;
        tp->snd_wl1 = seg_seq;
        tp->snd_wl2 = ack;
        if (new_wnd > tp->max_snd_wnd)
            tp->max_snd_wnd = new_wnd;
    }
}

/* [RFC 9293 3.10.7.4] fifth check, the closing states: what an ACK of our
 * FIN moves to. Returns false when the connection is gone (LAST-ACK). */
static bool
tcp_ack_of_fin(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    bool fin_acked = tp->fin_queued && seq_gt(tp->snd_una, tcp_fin_seq(tp));
    if (!fin_acked)
        return true;
    switch (tp->state) {
    case TCP_FIN_WAIT_1:
        /* "if the FIN segment is now acknowledged, then enter FIN-WAIT-2" */
        tcp_set_state(tp, TCP_FIN_WAIT_2, "RFC 9293 3.10.7.4");
        if (tp->fd < 0)
            tcp_timer_arm(tp, TCP_T_2MSL, h->tcp.fin_timeout_ns);
        break;
    case TCP_CLOSING:
        /* "if the ACK acknowledges our FIN, then enter the TIME-WAIT state" */
        tcp_set_state(tp, TCP_TIME_WAIT, "RFC 9293 3.10.7.4");
        tcp_timewait_start(tp);
        break;
    case TCP_LAST_ACK:
        /* "If our FIN is now acknowledged, delete the TCB, enter the CLOSED
         * state, and return." */
        pkt_free(s->p);
        tcp_drop(tp, 0, "RFC 9293 3.10.7.4");
        return false;
    default:
        break;
    }
    return true;
}

/* [RFC 9293 3.10.7.4] "Fifth, check the ACK field", in its parts. Returns
 * false when the segment was consumed. */
static bool
tcp_check_ack(struct host *h, struct tcb *tp, struct tcp_seg *s, uint32_t seg_seq)
{
    if (!tcp_ack_acceptable(h, tp, s) || !tcp_ack_syn_received(h, tp, s))
        return false;
    tcp_ack_advance(h, tp, s);
    tcp_ack_update_window(tp, s, seg_seq);
    return tcp_ack_of_fin(h, tp, s);
}

/* [RFC 9293 3.10.7.4] SYN-RECEIVED and the synchronized states: the eight
 * checks in the RFC's order, each in its function above. */
static void
tcp_otherwise_input(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    uint32_t seg_seq = s->seq; /* SEG.SEQ as it arrived */

    tcp_rcv_window(tp); /* RCV.WND as advertised */
    bool simopen_ack = tcp_simopen_ack(tp, s);
    if (!tcp_check_paws(h, tp, s))
        return;
    if (!tcp_check_sequence(h, tp, s, seg_seq)) /* first */
        return;
    if (!tcp_check_rst(h, tp, s, seg_seq)) /* second */
        return;
    /* Third, "check security": no IP security option here, nothing to check. */
    if (!tcp_check_syn(h, tp, s, simopen_ack)) /* fourth */
        return;
    if (!tcp_check_ack(h, tp, s, seg_seq)) /* fifth */
        return;
    /* Sixth, "check the URG bit": urgent data is not implemented; the
     * pointer is ignored and the bytes are ordinary data. */
    bool fin_now = tcp_check_text(tp, s); /* seventh */
    tcp_check_fin(tp, s, fin_now);        /* eighth */
    pkt_free(s->p);
    if (tp->state != TCP_TIME_WAIT)
        tcp_output(tp, TCP_WHY_DATA);
    else if (tp->ack_now)
        tcp_output(tp, TCP_WHY_ACK);
    tcp_persist_check(tp);
}

/* [RFC 9293 3.1] Is the checksum good? The sum over the pseudo-header, the
 * header and the data must come to zero (tcp_parse()'s check). The data of
 * a segment that will go straight into tp's receive buffer - in order, in a
 * state that takes data, room for all of it - is copied there as it is
 * summed, one pass over it instead of two; s->staged says so. Nothing is
 * taken in yet: that is the seventh check's decision. */
static bool
tcp_checksum_ok(struct tcp_seg *s, struct tcb *tp, uint32_t pseudo_sum)
{
    const uint8_t *b = s->p->data;
    size_t len = s->p->len;
    size_t hl = s->t.data_off;
    uint32_t sum = csum_add(pseudo_sum, b, hl);
    size_t dlen = len - hl;
    bool stage = tp != NULL && dlen > 0 && tp->rcvq.buf != NULL &&
                 (tp->state == TCP_ESTABLISHED || tp->state == TCP_FIN_WAIT_1 ||
                  tp->state == TCP_FIN_WAIT_2) &&
                 !(s->t.flags & (TCP_SYN | TCP_RST)) && s->t.seq == tp->rcv_nxt &&
                 dlen <= tcp_ring_free_space(&tp->rcvq);
    uint32_t data_sum;
    if (stage)
        data_sum = tcp_ring_stage_csum(&tp->rcvq, b + hl, dlen);
    else
        data_sum = csum_add(0, b + hl, dlen);
    /* The header is whole 32-bit words: the data's sum lines up as it is. */
    if (csum_finish(csum_add_at(sum, data_sum, hl)) != 0)
        return false;
    s->staged = stage ? (uint32_t)dlen : 0;
    return true;
}

static void tcp_seg_fill(struct tcp_seg *s);
static void tcp_seg_dispatch(struct host *h, struct tcb *tp, struct tcp_seg *s);

void
tcp_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip)
{
    /* Every field is set below before it is read (no memset: this runs for
     * every segment). */
    struct tcp_seg s;
    s.p = p;
    s.staged = 0;
    enum drop_reason why = tcp_parse_header(p->data, p->len, &s.t);
    /* The lookup reads only; done before the checksum so a good in-order
     * segment's data can be copied while it is summed. */
    struct tcb *tp = why == DROP_NONE ? tcp_lookup(h, ip->dst, s.t.dport, ip->src, s.t.sport)
                                      : NULL;
    if (why == DROP_NONE &&
        !tcp_checksum_ok(&s, tp, csum_pseudo_ipv4(ip->src, ip->dst, IPPROTO_TCP_, (uint16_t)p->len)))
        why = DROP_TCP_BAD_CSUM;
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_TCP, why);
        return;
    }
    s.src = ip->src;
    s.dst = ip->dst;
    s.a6 = NULL;
    tcp_seg_fill(&s);
    /* [RFC 1122 4.2.3.10] a segment to a broadcast or multicast address is
     * not for a connection. */
    if (!ipv4_is_local(h, ip->dst)) {
        trace_rx(h, LAYER_TCP, p, "RFC 1122 4.2.3.10", SEG_WORDS ": to a broadcast address: ignored",
                 seg_payload(&s));
        pkt_drop(h, p, LAYER_TCP, DROP_TCP_NO_SOCKET);
        return;
    }
    tcp_seg_dispatch(h, tp, &s);
}

void
tcp_input6(struct host *h, struct pkt *p, const struct ipv6_hdr *ip)
{
    struct tcp_seg s;
    s.p = p;
    s.staged = 0;
    struct tcp_addr6 a6 = { .l = ip->dst, .f = ip->src };
    enum drop_reason why = tcp_parse_header(p->data, p->len, &s.t);
    struct tcb *tp = why == DROP_NONE ? tcp_lookup6(h, &a6, s.t.dport, s.t.sport) : NULL;
    /* [RFC 8200 8.1] the checksum covers the IPv6 pseudo-header: both
     * 128-bit addresses, the 32-bit upper-layer length, next header 6. */
    if (why == DROP_NONE &&
        !tcp_checksum_ok(&s, tp, csum_pseudo_ipv6(&ip->src, &ip->dst, (uint32_t)p->len,
                                                  IPPROTO_TCP_)))
        why = DROP_TCP_BAD_CSUM;
    if (why != DROP_NONE) {
        pkt_drop(h, p, LAYER_TCP, why);
        return;
    }
    s.src = tcp_addr6_key(h, &ip->src);
    s.dst = tcp_addr6_key(h, &ip->dst);
    s.a6 = &a6;
    tcp_seg_fill(&s);
    tcp_seg_dispatch(h, tp, &s);
}

/* The rest of the segment's fields, after the header and checksum. */
static void
tcp_seg_fill(struct tcp_seg *s)
{
    struct pkt *p = s->p;
    s->seq = s->t.seq;
    s->syn = (s->t.flags & TCP_SYN) != 0;
    s->fin = (s->t.flags & TCP_FIN) != 0;
    s->dlen = (uint32_t)(p->len - s->t.data_off);
    s->data = p->data + s->t.data_off;
}

/* SEGMENT ARRIVES, by the state of the TCB it is for [RFC 9293 3.10.7]. */
static void
tcp_seg_dispatch(struct host *h, struct tcb *tp, struct tcp_seg *s)
{
    if (tp == NULL) {
        tcp_closed_input(h, s);
        return;
    }
    h->tcp.stats.segs_in++;
    switch (tp->state) {
    case TCP_LISTEN:
        tcp_listen_input(h, tp, s);
        break;
    case TCP_SYN_SENT:
        tcp_syn_sent_input(h, tp, s);
        break;
    default:
        tcp_otherwise_input(h, tp, s);
        break;
    }
}

/* [RFC 1191 6.5] the path MTU to tp's peer fell: the send MSS follows,
 * and what is in flight - every segment of it too big, so lost - is sent
 * again from SND.UNA in segments of the new size, as after a timeout but
 * without a congestion signal (the loss was no congestion); what is queued
 * is cut to the new size as it is sent. */
static void
tcp_path_mtu_lowered(struct tcb *tp, uint16_t path_mtu)
{
    unsigned iph = tp->v6 ? IPV6_HDR_LEN : IPV4_HDR_MIN;
    uint16_t mss = path_mtu > iph + TCP_HDR_MIN ? (uint16_t)(path_mtu - iph - TCP_HDR_MIN)
                                                : TCP_DEFAULT_MSS;
    if (mss >= tp->mss)
        return;
    uint16_t old = tp->mss;
    tp->mss = mss;
    if (tp->cwnd < mss)
        tp->cwnd = mss;
    tcp_trace(tp, TRACE_NOTE, NULL, "RFC 1191 6.5",
              "path MTU %u: MSS lowered from %u to %u; resend from SND.UNA in the new size",
              path_mtu, old, mss);
    if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED)
        return; /* nothing but the SYN in flight, and it was small */
    tp->snd_nxt = tp->snd_una;
    tcp_output(tp, TCP_WHY_PMTU);
}

void
tcp_icmp_error(struct host *h, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
               uint32_t seq, uint8_t type, uint8_t code, uint16_t mtu, uint16_t quoted_len,
               int err)
{
    struct tcb *tp = tcp_lookup(h, src, sport, dst, dport);
    if (tp == NULL || tp->state == TCP_LISTEN)
        return;
    /* [RFC 5927 4.1] only an error quoting a sequence number in flight,
     * SND.UNA =< seq < SND.NXT, is believed. */
    if (!seq_in(seq, tp->snd_una, tp->snd_max)) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 5927 4.1",
                  "ICMP error quotes seq %u, not in flight [%u, %u): ignored", seq, tp->snd_una,
                  tp->snd_max);
        return;
    }
    if (type == 3 && code == 4) {
        /* [RFC 1191 6.1] fragmentation needed: learn the path MTU (with
         * the plateau table and the floor), lower the MSS to it. */
        uint16_t path_mtu = ipv4_pmtu_update(h, tp->faddr, mtu, quoted_len);
        tcp_path_mtu_lowered(tp, path_mtu);
        return;
    }
    /* [RFC 1122 4.2.3.9] net/host unreachable are soft errors: TCP "MUST NOT
     * abort the connection". Port and protocol unreachable are hard; like
     * Linux, abort only a connection still opening. */
    bool hard = type == 3 && (code == 2 || code == 3);
    if (hard && (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED)) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 1122 4.2.3.9", "ICMP hard error during the "
                  "handshake: abort (%s)", err_name(err));
        h->tcp.stats.attempt_fails++;
        tcp_drop(tp, err, "RFC 1122 4.2.3.9");
        return;
    }
    /* "it SHOULD make the information available to the application": kept,
     * and given as the reason if the retransmission timer gives up. */
    tp->soft_error = err;
    tcp_trace(tp, TRACE_NOTE, NULL, "RFC 1122 4.2.3.9",
              "ICMP soft error (%s): reported only if the connection times out", err_name(err));
}

void
tcp_icmp6_error(struct host *h, const struct ip6_addr *src, uint16_t sport,
                const struct ip6_addr *dst, uint16_t dport, uint32_t seq, uint8_t type,
                uint8_t code, uint32_t mtu, int err)
{
    struct tcp_addr6 a6 = { .l = *src, .f = *dst };
    struct tcb *tp = tcp_lookup6(h, &a6, sport, dport);
    if (tp == NULL || tp->state == TCP_LISTEN)
        return;
    /* [RFC 5927 4.1] only an error quoting a sequence number in flight,
     * SND.UNA =< seq < SND.NXT, is believed: a blind attacker must guess
     * the window as well as the 4-tuple. */
    if (!seq_in(seq, tp->snd_una, tp->snd_max)) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 5927 4.1",
                  "ICMPv6 error quotes seq %u, not in flight [%u, %u): ignored", seq, tp->snd_una,
                  tp->snd_max);
        return;
    }
    if (type == ICMP6_PACKET_TOO_BIG) {
        /* [RFC 8201 4] the path MTU is the MTU packet too big names, never
         * below IPv6's minimum of 1280 [RFC 8201 4: "a node MUST NOT reduce
         * its estimate ... below the IPv6 minimum link MTU"]. */
        uint32_t pmtu = mtu < IPV6_MIN_MTU ? IPV6_MIN_MTU : mtu;
        tcp_path_mtu_lowered(tp, (uint16_t)(pmtu > 65535 ? 65535 : pmtu));
        return;
    }
    /* [RFC 4443 3.1] code 4 port unreachable is hard (as ICMP's protocol
     * and port unreachable, [RFC 1122 4.2.3.9]); code 1 administratively
     * prohibited too, as Linux. Hard errors abort only a connection still
     * opening; anything else is soft. */
    bool hard = type == ICMP6_DST_UNREACH && (code == 1 || code == 4);
    if (hard && (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED)) {
        tcp_trace(tp, TRACE_NOTE, NULL, "RFC 1122 4.2.3.9", "ICMPv6 hard error during the "
                  "handshake: abort (%s)", err_name(err));
        h->tcp.stats.attempt_fails++;
        tcp_drop(tp, err, "RFC 1122 4.2.3.9");
        return;
    }
    tp->soft_error = err;
    tcp_trace(tp, TRACE_NOTE, NULL, "RFC 1122 4.2.3.9",
              "ICMPv6 soft error (%s): reported only if the connection times out", err_name(err));
}
