/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_output.c - what TCP sends and when: segments, ACKs, SYNs, RSTs, probes.
 *
 * tcp_output() is the sender's one decision point, the shape of BSD's
 * tcp_output(): from snd_nxt it sends what the usable window allows
 * [RFC 9293 3.8.6] min(snd_wnd, cwnd) [RFC 5681 3.1], holding back small
 * segments by Nagle's algorithm [RFC 1122 4.2.3.4] and the sender's
 * silly-window avoidance [RFC 9293 3.8.6.2.1]; in SACK recovery it follows
 * [RFC 6675 5] (pipe, NextSeg). Every segment is built by tcp_xmit(), which
 * lays out the options as Linux does, advertises the receive window with the
 * receiver's SWS avoidance [RFC 9293 3.8.6.2.2], times one segment per RTT
 * [RFC 6298 3] and traces the segment the way tcpdump prints it, with why it
 * was sent. RSTs follow [RFC 9293 3.10.7.1] (no connection) and 3.10.4
 * (abort).
 * Called by: tcp_input.c, tcp_timer.c, tcp_user.c, tcp_cc.c.
 * Calls: ipv4_output(), tcp_emit(), trace_tcp() (its TRACE_TCP sentences).
 */
#include "stack/tcp.h"

#include <stdio.h>
#include <string.h>

#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/ipv6.h"
#include "stack/tcp_seq.h"
#include "stack/wire/ipv4.h"

uint32_t
tcp_ts_now(const struct tcb *tp)
{
    /* [RFC 7323 5.4] a 1 ms clock with a per-connection random offset. */
    return (uint32_t)(tp->host->now_ns / 1000000u) + tp->ts_off;
}

uint32_t
tcp_fin_seq(const struct tcb *tp)
{
    return tp->snd_buf_seq + (uint32_t)tp->sndq.len;
}

size_t
tcp_unsent(const struct tcb *tp)
{
    if (seq_lt(tp->snd_nxt, tp->snd_buf_seq))
        return tp->sndq.len;
    size_t off = tp->snd_nxt - tp->snd_buf_seq;
    return off < tp->sndq.len ? tp->sndq.len - off : 0;
}

uint32_t
tcp_rcv_window(struct tcb *tp)
{
    size_t cap = tp->rcvq.buf != NULL ? tp->rcvq.cap : tp->rcvbuf;
    size_t space = cap - tp->rcvq.len;
    uint32_t maxwin = 65535u << (tp->ws_ok ? tp->rcv_wscale : 0);
    if (space > maxwin)
        space = maxwin;
    if (seq_lt(tp->rcv_adv, tp->rcv_nxt))
        tp->rcv_adv = tp->rcv_nxt;
    uint32_t edge = tp->rcv_nxt + (uint32_t)space;
    if (seq_gt(edge, tp->rcv_adv)) {
        /* [RFC 9293 3.8.6.2.2] keep RCV.NXT + RCV.WND fixed until the window
         * can grow by min(Fr * RCV.BUFF, Eff.snd.MSS), Fr = 1/2. */
        uint32_t grow = edge - tp->rcv_adv;
        uint32_t thresh = (uint32_t)(cap / 2 < tp->rcv_mss ? cap / 2 : tp->rcv_mss);
        if (grow >= thresh || space == maxwin)
            tp->rcv_adv = edge;
    }
    tp->rcv_wnd = tp->rcv_adv - tp->rcv_nxt;
    return tp->rcv_wnd;
}

/* The options a segment of tp carries. */
static void
tcp_fill_opts(struct tcb *tp, uint8_t flags, struct tcp_opts *o)
{
    const struct tcp_host *th = &tp->host->tcp;
    memset(o, 0, sizeof(*o));
    o->bsd_layout = th->bsd_options;
    if (flags & TCP_SYN) {
        bool synack = (flags & TCP_ACK) != 0;
        o->has_mss = true;
        o->mss = tp->rcv_mss;
        /* On a SYN-ACK only what the SYN offered [RFC 7323 2.2, 3.2] [RFC 2018 2]. */
        if (th->wscale && (!synack || tp->ws_ok)) {
            o->has_wscale = true;
            o->wscale = tp->rcv_wscale;
        }
        if (th->sack && (!synack || tp->sack_ok))
            o->sack_permitted = true;
        if (th->timestamps && (!synack || tp->ts_ok)) {
            o->has_ts = true;
            o->ts_val = tcp_ts_now(tp);
            o->ts_ecr = synack ? tp->ts_recent : 0;
        }
        return;
    }
    if (tp->ts_ok && !(flags & TCP_RST)) {
        o->has_ts = true;
        o->ts_val = tcp_ts_now(tp);
        o->ts_ecr = tp->ts_recent;
    }
    if (tp->sack_ok && (flags & TCP_ACK) && !(flags & TCP_RST))
        o->sack_count = (uint8_t)tcp_sack_blocks(tp, o->sack, o->has_ts ? 3 : 4);
}

/* Data bytes a segment may carry: the MSS less the options [RFC 9293 3.7.1]. */
static uint32_t
tcp_eff_mss(struct tcb *tp)
{
    struct tcp_opts o;
    tcp_fill_opts(tp, TCP_ACK, &o);
    size_t ol = tcp_opts_len(&o);
    return tp->mss > ol + 1 ? (uint32_t)(tp->mss - ol) : 1;
}

/* Is this send a retransmission that counts as one? */
static bool
tcp_is_rexmit(const struct tcb *tp, uint32_t seq, size_t len, uint8_t flags, enum tcp_why why)
{
    if (why == TCP_WHY_PERSIST || why == TCP_WHY_KEEPALIVE || (flags & TCP_RST))
        return false;
    bool occupies = len > 0 || (flags & (TCP_SYN | TCP_FIN));
    return occupies && seq_lt(seq, tp->snd_max);
}

static const char *
tcp_why_rfc(enum tcp_why why)
{
    switch (why) {
    case TCP_WHY_OPEN: return "RFC 9293 3.5";
    case TCP_WHY_DATA: return "RFC 9293 3.10.2";
    case TCP_WHY_ACK: return "RFC 9293 3.10.7.4";
    case TCP_WHY_DELACK: return "RFC 1122 4.2.3.2";
    case TCP_WHY_RTO: return "RFC 6298 5.4";
    case TCP_WHY_FAST_RETRANSMIT: return "RFC 5681 3.2";
    case TCP_WHY_RECOVERY: return "RFC 6582 3.2";
    case TCP_WHY_WINDOW_UPDATE: return "RFC 9293 3.8.6.2.2";
    case TCP_WHY_PERSIST: return "RFC 9293 3.8.6.1";
    case TCP_WHY_KEEPALIVE: return "RFC 1122 4.2.3.6";
    case TCP_WHY_CHALLENGE_ACK: return "RFC 5961 3.2";
    case TCP_WHY_RESET: return "RFC 9293 3.10.7.1";
    case TCP_WHY_LIMITED_TRANSMIT: return "RFC 3042 2";
    case TCP_WHY_PMTU: return "RFC 1191 6.5";
    case TCP_WHY_CHALLENGE_SYN: return "RFC 5961 4.2";
    case TCP_WHY_CHALLENGE_BAD_ACK: return "RFC 5961 5.2";
    case TCP_WHY_NONE:
    case TCP_WHY_COUNT: break;
    }
    return "RFC 9293 3.10";
}

/* Build and send one segment of tp. */
static void
tcp_xmit(struct tcb *tp, uint32_t seq, size_t len, uint8_t flags, enum tcp_why why)
{
    struct host *h = tp->host;
    struct tcp_opts opts;
    tcp_fill_opts(tp, flags, &opts);
    /* Laid out once: their length sizes the packet, their bytes go in it. */
    uint8_t opt_bytes[TCP_OPT_MAX];
    size_t opt_len = tcp_opts_write(&opts, opt_bytes);
    size_t hl = TCP_HDR_MIN + opt_len;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, hl + len);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, hl + len);
    /* The data is summed as it is copied in, so tcp_emit_sum() need not
     * read it again. */
    uint32_t data_sum = tcp_ring_peek_csum(&tp->sndq, seq - tp->snd_buf_seq, b + hl, len);
    uint32_t wnd = tcp_rcv_window(tp);
    uint16_t wfield;
    if (flags & TCP_SYN)
        wfield = (uint16_t)(wnd > 65535 ? 65535 : wnd); /* [RFC 7323 2.2] never scaled on a SYN */
    else {
        uint32_t w = wnd >> (tp->ws_ok ? tp->rcv_wscale : 0);
        wfield = (uint16_t)(w > 65535 ? 65535 : w);
    }
    if (flags & TCP_RST)
        wfield = 0;
    struct tcp_hdr t = {
        .sport = tp->lport,
        .dport = tp->fport,
        .seq = seq,
        .ack = (flags & TCP_ACK) ? tp->rcv_nxt : 0,
        .flags = flags,
        .wnd = wfield,
    };
    if (tp->v6)
        tcp_emit_sum6_laid(&t, opt_bytes, opt_len, b, len, &tp->a6.l, &tp->a6.f, data_sum);
    else
        tcp_emit_sum_laid(&t, opt_bytes, opt_len, b, len, tp->laddr, tp->faddr, data_sum);
    if (tp->dsack_pending && opts.sack_count > 0)
        tp->dsack_pending = false; /* [RFC 2883 4] reported once */
    p->l4_off = pkt_off(p);
    p->cause.tcp_why = (uint8_t)why;

    bool rexmit = tcp_is_rexmit(tp, seq, len, flags, why);
    struct tcp_stats *st = &h->tcp.stats;
    st->segs_out++;
    if (len > 0)
        st->data_segs_out++;
    if (flags & TCP_RST)
        st->rst_tx++;
    if (rexmit) {
        st->retransmits++;
        tp->retransmits++;
        /* [RFC 6298 3] Karn: a retransmitted segment gives no RTT sample. */
        tp->rtt_timing = false;
    }
    uint32_t end = seq + (uint32_t)len + ((flags & TCP_SYN) ? 1 : 0) + ((flags & TCP_FIN) ? 1 : 0);
    if (!rexmit && end != seq && !tp->rtt_timing && seq == tp->snd_max &&
        why != TCP_WHY_PERSIST) {
        tp->rtt_timing = true;
        tp->rtt_seq = seq;
        tp->rtt_start_ns = h->now_ns;
    }
    if (flags & TCP_ACK) {
        tp->last_ack_sent = tp->rcv_nxt;
        tp->rcv_unacked = 0;
        tp->ack_now = false;
        tcp_timer_stop(tp, TCP_T_DELACK);
    }
    /* A zero-window probe's byte is not sent in the sense of moving the
     * flight forward [RFC 9293 3.8.6.1]: the receiver is expected to refuse
     * it. Only SND.MAX moves past it, so that an ACK of the byte, should the
     * receiver take it, acknowledges something sent; SND.NXT stays at
     * SND.UNA, and when the window opens the byte goes again at the head of
     * the first segment. Moving SND.NXT would leave a one-byte hole the
     * receiver holds everything after out of order behind (as BSD, whose
     * persist case updates snd_max only). A FIN sent as a probe moves on as
     * before: it takes no room in the window. */
    bool probe_byte = why == TCP_WHY_PERSIST && len > 0;
    if (seq_gt(end, tp->snd_nxt) && why != TCP_WHY_KEEPALIVE && !probe_byte)
        tp->snd_nxt = end;
    if (seq_gt(end, tp->snd_max) && why != TCP_WHY_KEEPALIVE)
        tp->snd_max = end;

    if (trace_wants_sentence(h->trace)) {
        /* the segment's words are made from p's header by the sink that
         * reads them (TRACE_TCP): nothing is formatted here */
        tcp_trace(tp, TRACE_TX, p, tcp_why_rfc(why), TRACE_TCP "; %s%s", len,
                  rexmit ? "retransmission: " : "", tcp_why_name(why));
    } else {
        trace_count(h, TRACE_TX, LAYER_TCP);
    }
    if (tp->v6) {
        ipv6_output(h, NULL, p, &tp->a6.l, &tp->a6.f, IPV6_NH_TCP, 0);
    } else {
        struct ipv4_tx tx = { .src = tp->laddr, .dst = tp->faddr, .proto = IPPROTO_TCP_,
                              .df = true };
        ipv4_output(h, p, &tx);
    }
    if (end != seq && !(flags & TCP_RST) && why != TCP_WHY_KEEPALIVE)
        tcp_rexmt_update(tp, false);
}

void
tcp_send_ack(struct tcb *tp, enum tcp_why why)
{
    if (tp->state == TCP_CLOSED || tp->state == TCP_LISTEN || tp->state == TCP_SYN_SENT)
        return;
    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, SYN-RECEIVED included. While
     * resending after a timeout snd_nxt has gone back; a bare ACK carries
     * snd_max instead (BSD), or the peer would find it old and drop it. */
    tcp_xmit(tp, tp->snd_max, 0, TCP_ACK, why);
}

void
tcp_send_syn(struct tcb *tp, enum tcp_why why)
{
    uint8_t flags = TCP_SYN;
    if (tp->state == TCP_SYN_RECEIVED)
        flags |= TCP_ACK;
    tcp_xmit(tp, tp->iss, 0, flags, why);
}

void
tcp_retransmit(struct tcb *tp, uint32_t seq, uint32_t max, enum tcp_why why)
{
    if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED) {
        tcp_send_syn(tp, why);
        return;
    }
    uint32_t eff = tcp_eff_mss(tp);
    size_t off = seq_lt(seq, tp->snd_buf_seq) ? 0 : seq - tp->snd_buf_seq;
    size_t avail = off < tp->sndq.len ? tp->sndq.len - off : 0;
    size_t len = avail;
    if (len > eff)
        len = eff;
    if (len > max)
        len = max;
    uint8_t flags = TCP_ACK;
    if (tp->fin_queued && seq + (uint32_t)len == tcp_fin_seq(tp))
        flags |= TCP_FIN;
    if (len > 0 && len == avail)
        flags |= TCP_PSH;
    if (len == 0 && !(flags & TCP_FIN))
        return;
    tcp_xmit(tp, seq, len, flags, why);
}

/* One segment of new data, len > 0 of the avail unsent bytes, at SND.NXT:
 * PSH when it empties the send buffer, the FIN with it when that is where
 * the stream ends. */
static void
tcp_send_new(struct tcb *tp, size_t len, size_t avail, enum tcp_why why)
{
    uint8_t flags = TCP_ACK;
    if (len == avail)
        flags |= TCP_PSH;
    if (tp->fin_queued && tp->snd_nxt + (uint32_t)len == tcp_fin_seq(tp))
        flags |= TCP_FIN;
    tcp_xmit(tp, tp->snd_nxt, len, flags, why);
}

bool
tcp_send_limited(struct tcb *tp)
{
    /* [RFC 3042 2] "a TCP SHOULD send a segment of previously unsent data
     * in response to each of the first two duplicate acknowledgments ...
     * provided that the receiver's advertised window allows the
     * transmission of the segment, the amount of outstanding data would
     * remain less than or equal to the congestion window plus 2*SMSS, and
     * that new data is available for transmission." cwnd does not change. */
    uint32_t eff = tcp_eff_mss(tp);
    size_t avail = tcp_unsent(tp);
    uint32_t right = tp->snd_una + tp->snd_wnd;
    if (avail == 0 || !seq_lt(tp->snd_nxt, right) || seq_lt(tp->snd_nxt, tp->snd_max))
        return false;
    size_t len = avail < eff ? avail : eff;
    if (len > right - tp->snd_nxt)
        return false; /* the window does not allow the whole segment */
    uint64_t outstanding = (uint64_t)(tp->snd_max - tp->snd_una) + len;
    if (outstanding > (uint64_t)tp->cwnd + 2u * tp->mss)
        return false;
    tcp_send_new(tp, len, avail, TCP_WHY_LIMITED_TRANSMIT);
    return true;
}

void
tcp_send_probe(struct tcb *tp)
{
    size_t off = tp->snd_una - tp->snd_buf_seq;
    tp->host->tcp.stats.window_probes++;
    if (off < tp->sndq.len) {
        tcp_xmit(tp, tp->snd_una, 1, TCP_ACK, TCP_WHY_PERSIST);
    } else if (tp->fin_queued) {
        tcp_xmit(tp, tp->snd_una, 0, TCP_ACK | TCP_FIN, TCP_WHY_PERSIST);
    }
}

void
tcp_send_keepalive(struct tcb *tp)
{
    tp->host->tcp.stats.keepalive_probes++;
    /* [RFC 1122 4.2.3.6] "SEG.SEQ = SND.NXT-1" with no data: the peer's
     * answer is an ACK, since it is an old sequence number. */
    tcp_xmit(tp, tp->snd_una - 1, 0, TCP_ACK, TCP_WHY_KEEPALIVE);
}

void
tcp_send_rst_tcb(struct tcb *tp, const char *rfc, const char *why_text)
{
    (void)rfc;
    (void)why_text;
    tcp_xmit(tp, tp->snd_max, 0, TCP_RST | TCP_ACK, TCP_WHY_RESET);
}

void
tcp_ip_output(struct host *h, struct pkt *p, uint32_t laddr, uint32_t faddr,
              const struct tcp_addr6 *a6)
{
    if (a6 != NULL) {
        ipv6_output(h, NULL, p, &a6->l, &a6->f, IPV6_NH_TCP, 0);
        return;
    }
    struct ipv4_tx tx = { .src = laddr, .dst = faddr, .proto = IPPROTO_TCP_, .df = true };
    ipv4_output(h, p, &tx);
}

uint16_t
tcp_mss_for(struct host *h, uint32_t faddr, const struct tcp_addr6 *a6)
{
    if (a6 != NULL) {
        /* [RFC 6691 2] the MSS is the MTU less the fixed IPv6 and TCP
         * headers: 1500 - 40 - 20 = 1440. */
        uint32_t mtu = ipv6_path_mtu(h, &a6->f);
        return (uint16_t)(mtu > IPV6_HDR_LEN + TCP_HDR_MIN ? mtu - IPV6_HDR_LEN - TCP_HDR_MIN
                                                           : TCP_DEFAULT_MSS);
    }
    unsigned mp = ipv4_max_payload(h, faddr);
    return (uint16_t)(mp > TCP_HDR_MIN ? mp - TCP_HDR_MIN : TCP_DEFAULT_MSS);
}

void
tcp_send_rst_for(struct host *h, uint32_t laddr, uint32_t faddr, const struct tcp_addr6 *a6,
                 const struct tcp_hdr *in, size_t seg_len, const char *rfc, const char *why_text)
{
    if (in->flags & TCP_RST)
        return; /* [RFC 9293 3.10.7.1] never a RST for a RST */
    struct tcp_hdr t = { .sport = in->dport, .dport = in->sport };
    if (in->flags & TCP_ACK) {
        /* "<SEQ=SEG.ACK><CTL=RST>" */
        t.seq = in->ack;
        t.flags = TCP_RST;
    } else {
        /* "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>" */
        t.seq = 0;
        t.ack = in->seq + (uint32_t)seg_len;
        t.flags = TCP_RST | TCP_ACK;
    }
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, TCP_HDR_MIN);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, TCP_HDR_MIN);
    if (a6 != NULL)
        tcp_emit6(&t, b, 0, &a6->l, &a6->f);
    else
        tcp_emit(&t, b, 0, laddr, faddr);
    p->l4_off = pkt_off(p);
    p->cause.tcp_why = TCP_WHY_RESET;
    h->tcp.stats.segs_out++;
    h->tcp.stats.rst_tx++;
    trace_tcp(h, TRACE_TX, p, NULL, rfc, TRACE_TCP "; reset: %s", (size_t)0, why_text);
    tcp_ip_output(h, p, laddr, faddr, a6);
}

/* Retransmit from seq (at most one segment, at most max bytes) in SACK
 * recovery, moving HighRxt past it [RFC 6675 5 (C.3)]. False if nothing went
 * or HighRxt did not move (no progress: stop). */
static bool
tcp_recovery_rexmit(struct tcb *tp, uint32_t seq, uint32_t max, uint32_t eff)
{
    uint32_t before = tp->high_rxt;
    tp->host->tcp.stats.sack_retransmits++;
    tcp_retransmit(tp, seq, max, TCP_WHY_RECOVERY);
    tp->high_rxt = seq + (max < eff ? max : eff);
    return tp->high_rxt != before;
}

/* [RFC 6675 5] Loss recovery with SACK: while cwnd - pipe >= 1 SMSS, send
 * what NextSeg() [RFC 6675 4] names: a lost hole (rule 1), new data (rule 2),
 * a hole not yet known to be lost (rule 3), or once per recovery the highest
 * outstanding unSACKed segment (rule 4, the rescue retransmission: it
 * repairs a lost tail - the last segment or the FIN - that no SACK above it
 * will ever mark lost). */
static void
tcp_output_sack_recovery(struct tcb *tp)
{
    uint32_t eff = tcp_eff_mss(tp);
    for (int guard = 0; guard < 1000; guard++) {
        uint32_t pipe = tcp_sack_pipe(tp);
        if (tp->cwnd <= pipe || tp->cwnd - pipe < eff)
            return;
        uint32_t seq, hole;
        /* Rule 1: the first lost hole above HighRxt. */
        if (tcp_sack_next_lost(tp, &seq, &hole)) {
            if (!tcp_recovery_rexmit(tp, seq, hole, eff))
                return;
            continue;
        }
        /* Rule 2: new data, if the receiver's window has room. */
        size_t avail = tcp_unsent(tp);
        uint32_t right = tp->snd_una + tp->snd_wnd;
        if (avail > 0 && seq_lt(tp->snd_nxt, right)) {
            size_t len = avail;
            if (len > eff)
                len = eff;
            if (len > right - tp->snd_nxt)
                len = right - tp->snd_nxt;
            tcp_send_new(tp, len, avail, TCP_WHY_RECOVERY);
            continue;
        }
        /* Rule 3: a hole below the highest SACK, lost or not yet. */
        if (tcp_sack_next_unsacked(tp, &seq, &hole)) {
            if (!tcp_recovery_rexmit(tp, seq, hole, eff))
                return;
            continue;
        }
        /* Rule 4: one rescue per recovery, while HighACK > RescueRxt. Sent,
         * as FreeBSD sends it, only for a partial ACK that leaves nothing
         * SACKed above it: then no later ACK can show the tail lost. Sent
         * whenever the pipe has room, it would resend a tail still in
         * flight (sack-recovery.scn's last segment, a spurious copy). */
        uint32_t top;
        if (tp->partial_ack && tp->n_sacked == 0 &&
            (!tp->rescue_sent || seq_gt(tp->snd_una, tp->rescue_rxt)) &&
            tcp_sack_highest_unsacked(tp, &top)) {
            uint32_t from = top + 1 - tp->snd_una > eff ? top + 1 - eff : tp->snd_una;
            tp->rescue_sent = true;
            tp->rescue_rxt = tp->recover;
            tp->host->tcp.stats.sack_retransmits++;
            tcp_trace(tp, TRACE_NOTE, NULL, "RFC 6675 4",
                      "nothing else to send: rescue retransmission of %u, the highest unSACKed",
                      top);
            tcp_retransmit(tp, from, top + 1 - from, TCP_WHY_RECOVERY);
            continue; /* HighRxt stays [RFC 6675 5 (C.3)] */
        }
        return;
    }
}

void
tcp_output(struct tcb *tp, enum tcp_why why)
{
    switch (tp->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
    case TCP_TIME_WAIT:
        if (tp->state == TCP_TIME_WAIT && tp->ack_now)
            tcp_xmit(tp, tp->snd_max, 0, TCP_ACK, why);
        return;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        if (tp->snd_nxt == tp->iss)
            tcp_send_syn(tp, why);
        else if (tp->ack_now && tp->state == TCP_SYN_RECEIVED)
            tcp_send_syn(tp, why);
        tp->ack_now = false;
        return;
    default:
        break;
    }
    if (tp->in_recovery && tp->sack_ok)
        tcp_output_sack_recovery(tp);
    /* The segment size is worked out (options and all) only when there is
     * data to send: a receiver calls this for every segment it gets. */
    uint32_t eff = 0;
    for (int guard = 0; guard < 100000; guard++) {
        size_t avail = tcp_unsent(tp);
        if (avail > 0 && eff == 0)
            eff = tcp_eff_mss(tp);
        bool fin_pending = tp->fin_queued && seq_leq(tp->snd_nxt, tcp_fin_seq(tp));
        uint32_t wnd = tp->snd_wnd < tp->cwnd ? tp->snd_wnd : tp->cwnd;
        uint32_t flight = tp->snd_nxt - tp->snd_una;
        if (tp->in_recovery && tp->sack_ok) {
            /* [RFC 6675] pipe, not snd_nxt - snd_una, governs recovery. */
            wnd = 0;
        }
        uint32_t usable = wnd > flight ? wnd - flight : 0;
        size_t len = avail;
        if (len > usable)
            len = usable;
        if (len > eff)
            len = eff;
        bool send = false;
        bool idle = tp->snd_max == tp->snd_una;
        if (len > 0) {
            if (len == eff)
                send = true;                           /* a full segment */
            else if ((tp->nodelay || idle || fin_pending) && len == avail)
                send = true;                           /* [RFC 1122 4.2.3.4] Nagle allows */
            else if (tp->max_snd_wnd > 0 && len >= tp->max_snd_wnd / 2)
                send = true;                           /* [RFC 9293 3.8.6.2.1] Fs = 1/2 */
            else if (seq_lt(tp->snd_nxt, tp->snd_max))
                send = true;                           /* resending after a timeout */
        }
        /* The FIN rides on the last data, or goes alone once all data went:
         * it takes no room in the peer's buffer. */
        bool fin = fin_pending && tp->snd_nxt + (uint32_t)len == tcp_fin_seq(tp) &&
                   (send || avail == 0);
        if (!send && !fin) {
            if (tp->ack_now)
                tcp_xmit(tp, tp->snd_max, 0, TCP_ACK, why == TCP_WHY_DATA ? TCP_WHY_ACK : why);
            break;
        }
        uint8_t flags = TCP_ACK;
        if (len > 0 && len == avail)
            flags |= TCP_PSH;
        if (fin)
            flags |= TCP_FIN;
        enum tcp_why w = why;
        if (seq_lt(tp->snd_nxt, tp->snd_max) && why != TCP_WHY_RTO && why != TCP_WHY_PMTU &&
            !tcp_timer_armed(tp, TCP_T_PERSIST))
            /* go-back-N after a timeout, or after Tahoe's fast retransmit
             * (slow start again from snd_una). With the persist timer still
             * running the window has just opened: what goes again is what
             * the closed window refused (a probe's byte), sent for the
             * reason the caller gives [RFC 9293 3.8.6.1]. */
            w = tp->resend_after_fr ? TCP_WHY_FAST_RETRANSMIT : TCP_WHY_RTO;
        tcp_xmit(tp, tp->snd_nxt, len, flags, w);
        if (fin || len == 0)
            break;
    }
    tcp_persist_check(tp);
}
