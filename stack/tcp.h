/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp.h - the TCP layer of a host: the TCB, per-host TCP state and tunables,
 * and the functions the TCP files call on one another [RFC 9293].
 *
 * A TCB exists for every TCP socket from socket() on (state CLOSED, as BSD's
 * tcp_attach makes one), for every connection a listener created that was not
 * accepted yet, and for every connection the application closed that is still
 * finishing (FIN-WAIT, LAST-ACK, TIME-WAIT: an "orphan", fd -1). Field names
 * are RFC 9293 3.3.1's. `state` is written only by tcp_set_state().
 *
 * Files: tcp_input.c (SEGMENT ARRIVES), tcp_output.c (what to send and the
 * segments themselves), tcp_timer.c (RTO, persist, keepalive, delayed ACK,
 * TIME-WAIT), tcp_cc.c (congestion control), tcp_sack.c (SACK both sides),
 * tcp_user.c (the user calls of RFC 9293 3.10.1-6 under the socket facade),
 * tcp_isn.c (ISNs [RFC 6528]).
 */
#ifndef NETSTEP_STACK_TCP_H
#define NETSTEP_STACK_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/tcp_cc.h"
#include "stack/trace.h"
#include "stack/trace_cause.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"

struct host;
struct pkt;
struct ipv4_hdr;
struct socket;

/* [RFC 9293 3.3.2] the eleven states. */
enum tcp_state {
    TCP_CLOSED,
    TCP_LISTEN,
    TCP_SYN_SENT,
    TCP_SYN_RECEIVED,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
    TCP_STATE_COUNT
};

enum tcp_timer_id {
    TCP_T_REXMT,      /* retransmission [RFC 6298] */
    TCP_T_PERSIST,    /* zero-window probe [RFC 9293 3.8.6.1] */
    TCP_T_KEEPALIVE,  /* keep-alive [RFC 1122 4.2.3.6] */
    TCP_T_DELACK,     /* delayed ACK [RFC 1122 4.2.3.2] */
    TCP_T_2MSL,       /* TIME-WAIT [RFC 9293 3.6.1]; FIN-WAIT-2 of an orphan */
    TCP_T_LINGER,     /* SO_LINGER: a close() waiting for the peer's ACK gives up */
    TCP_T_COUNT
};

/* Defaults, each with its source. Every one is a per-host tunable in
 * struct tcp_host so a lesson can shorten it. */
/* [RFC 9293 3.4.2] "MSL ... is arbitrarily defined to be 2 minutes" */
#define TCP_MSL_NS_DEFAULT        (120ull * 1000000000ull)
/* [RFC 6298 2.1] "the sender SHOULD set RTO <- 1 second" */
#define TCP_RTO_INITIAL_NS        (1000ull * 1000000ull)
/* [RFC 6298 2.4] "if it is less than 1 second, then the RTO SHOULD be rounded up to 1 second" */
#define TCP_RTO_MIN_NS            (1000ull * 1000000ull)
/* [RFC 6298 2.5] "A maximum value MAY be placed on RTO provided it is at least 60 seconds" */
#define TCP_RTO_MAX_NS            (60ull * 1000000000ull)
/* [RFC 6298 5.7] "the RTO MUST be re-initialized to 3 seconds when data transmission begins" */
#define TCP_RTO_AFTER_SYN_LOSS_NS (3000ull * 1000000ull)
/* [RFC 6298 2] G, the clock granularity: this stack's clock is in ns; 1 ms
 * keeps RTTVAR from collapsing to nothing on a perfectly regular link. */
#define TCP_CLOCK_G_NS            (1000000ull)
/* [RFC 1122 4.2.3.2] "the delay MUST be less than 0.5 seconds"; 200 ms is
 * BSD's fast-timer tick and Linux's TCP_DELACK_MAX, the classic figure the
 * Nagle/delayed-ACK stall is known by. */
#define TCP_DELACK_NS_DEFAULT     (200ull * 1000000ull)
/* [RFC 1122 4.2.3.6] "MUST be no less than two hours" */
#define TCP_KEEPIDLE_NS_DEFAULT   (7200ull * 1000000000ull)
#define TCP_KEEPINTVL_NS_DEFAULT  (75ull * 1000000000ull)   /* Linux tcp_keepalive_intvl */
#define TCP_KEEPCNT_DEFAULT       9                         /* Linux tcp_keepalive_probes */
#define TCP_SYN_RETRIES_DEFAULT   6                         /* Linux tcp_syn_retries */
#define TCP_RETRIES2_DEFAULT      15                        /* Linux tcp_retries2 [RFC 1122 4.2.3.5] R2 */
/* [RFC 1122 4.2.3.5] "R1 SHOULD correspond to at least 3 retransmissions";
 * Linux tcp_retries1 is 3. */
#define TCP_RETRIES1_DEFAULT      3
#define TCP_FIN_TIMEOUT_NS        (60ull * 1000000000ull)   /* Linux tcp_fin_timeout (orphans) */
/* [RFC 5961 7] rate-limit challenge ACKs; Linux's tcp_challenge_ack_limit */
#define TCP_CHALLENGE_ACK_LIMIT   1000
/* [RFC 6928 2] IW = min(10*MSS, max(2*MSS, 14600)) */
#define TCP_IW_SEGS_DEFAULT       10
/* [RFC 9293 3.7.1] the default send MSS when the peer sends none */
#define TCP_DEFAULT_MSS           536
#define TCP_MAX_WSCALE            14   /* [RFC 7323 2.3] */
/* listen()'s backlog is clamped to somaxconn: 4096, Linux's
 * net.core.somaxconn since 5.4 (128 before), and the most the scenario
 * language's `listen` takes. Settable per host (tcp_host.somaxconn). */
#define TCP_SOMAXCONN_DEFAULT     4096
#define TCP_SACK_SCOREBOARD       32   /* SACKed ranges the sender remembers */
#define TCP_DUPTHRESH             3    /* [RFC 5681 3.2] [RFC 6675 2] DupThresh */

/* A byte ring: the send buffer (bytes from snd_buf_seq on: unacknowledged,
 * then not yet sent) or the receive buffer (in-order bytes not yet read). */
struct tcp_ring {
    uint8_t *buf;  /* cap bytes */
    size_t cap;    /* SO_SNDBUF / SO_RCVBUF */
    size_t head;   /* index of the oldest byte */
    size_t len;    /* bytes held */
};

/* A segment that arrived out of order, held until the gap before it fills
 * [RFC 9293 3.10.7.4 seventh]. A sorted, non-overlapping list. */
struct tcp_ooo {
    uint32_t seq;          /* first sequence number */
    uint32_t len;          /* bytes of data */
    bool fin;              /* a FIN follows the data */
    struct tcp_ooo *next;  /* next higher */
    uint8_t data[];        /* len bytes */
};

/* Per-host TCP counters, readable as "tcp.<name>" through inspect_counter(). */
#define TCP_STATS(X)                                                             \
    X(active_opens,      "connections opened by connect() (SYN sent)")        \
    X(passive_opens,     "connections a listener accepted a SYN for")          \
    X(attempt_fails,     "opens that ended in a reset or timeout")             \
    X(estab_resets,      "synchronized connections reset")                     \
    X(segs_in,           "segments received on a connection or listener")      \
    X(segs_out,          "segments sent")                                      \
    X(data_segs_out,     "segments sent carrying data")                        \
    X(retransmits,       "segments retransmitted, for any reason")             \
    X(fast_retransmits,  "retransmissions on the third duplicate ACK")         \
    X(sack_retransmits,  "retransmissions of SACK holes in recovery")          \
    X(rto_timeouts,      "retransmission timer expiries")                      \
    X(dupacks,           "duplicate ACKs received")                            \
    X(challenge_acks,    "challenge ACKs sent")                                \
    X(challenge_limited, "challenge ACKs not sent: over the rate limit")       \
    X(rst_tx,            "RSTs sent")                                          \
    X(rst_rx,            "RSTs received that reset a connection")              \
    X(delayed_acks,      "ACKs sent by the delayed-ACK timer")                 \
    X(window_probes,     "zero-window probes sent")                            \
    X(window_updates,    "window updates sent after the application read")     \
    X(keepalive_probes,  "keep-alive probes sent")                             \
    X(keepalive_drops,   "connections dropped by keep-alive")                  \
    X(paws_drops,        "segments dropped by PAWS")                           \
    X(ooo_segments,      "segments queued out of order")                       \
    X(timeouts,          "connections dropped after too many retransmissions") \
    X(time_wait,         "connections that entered TIME-WAIT")                \
    X(r1_reached,        "segments retransmitted R1 times (negative advice)") \
    X(syncookies_sent,   "SYN-ACKs sent carrying a SYN cookie (queue full)")  \
    X(syncookies_ok,     "connections opened from a valid SYN cookie")        \
    X(syncookies_failed, "ACKs to a listener whose SYN cookie was invalid")

struct tcp_stats {
#define TCP_STAT_FIELD(name, sentence) uint64_t name;
    TCP_STATS(TCP_STAT_FIELD)
#undef TCP_STAT_FIELD
};

/* The IPv6 addresses of a connection (or of a segment, seen from the
 * receiver): local and foreign. An IPv4 connection never reads them. */
struct tcp_addr6 {
    struct ip6_addr l;             /* local address (:: = any, for a listener) */
    struct ip6_addr f;             /* foreign address */
};

struct tcb {
    struct tcb *next;              /* host's list */
    struct host *host;             /* owner */
    int fd;                        /* the socket holding it, or -1 */
    struct tcb *listener;          /* passive open: the listener, until accepted */
    uint64_t accept_order;         /* passive open: arrival order for accept() */
    bool accepted;                 /* passive open: accept() took it */
    int backlog;                   /* LISTEN: listen()'s backlog */
    uint32_t laddr;                /* local address */
    uint16_t lport;                /* local port */
    uint32_t faddr;                /* foreign address */
    uint16_t fport;                /* foreign port */
    bool v6;                       /* over IPv6: the addresses are in a6, laddr/faddr are 0 */
    bool v6only;                   /* an IPv6 listener on [::] that takes no IPv4 (IPV6_V6ONLY) */
    enum tcp_state state;          /* written only by tcp_set_state() */
    bool passive;                  /* created by a passive OPEN (LISTEN) */
    bool used;                     /* an OPEN happened: CLOSED now means "was connected" */

    /* Send sequence variables [RFC 9293 3.3.1]. */
    uint32_t iss;                  /* initial send sequence number */
    uint32_t snd_una;              /* oldest unacknowledged */
    uint32_t snd_nxt;              /* next to send */
    uint32_t snd_max;              /* highest ever sent + 1 (snd_nxt goes back on RTO) */
    uint32_t snd_wnd;              /* send window, scaled */
    uint32_t snd_wl1;              /* segment sequence number of the last window update */
    uint32_t snd_wl2;              /* segment acknowledgment number of the last window update */
    uint32_t max_snd_wnd;          /* largest window the peer offered [RFC 5961 5.2] */
    /* Receive sequence variables. */
    uint32_t irs;                  /* initial receive sequence number */
    uint32_t rcv_nxt;              /* next expected */
    uint32_t rcv_wnd;              /* window last advertised (rcv_adv - rcv_nxt) */
    uint32_t rcv_adv;              /* right edge advertised: never moves left */

    /* Options [RFC 9293 3.7.1] [RFC 7323] [RFC 2018]. */
    uint16_t mss;                  /* send MSS: min(peer's MSS, ours) */
    uint16_t rcv_mss;              /* the MSS we announced (interface MTU - 40) */
    uint8_t snd_wscale;            /* peer's shift for windows it sends */
    uint8_t rcv_wscale;            /* our shift for windows we send */
    bool ws_ok;                    /* both sent window scale */
    bool ts_ok;                    /* both sent timestamps */
    bool sack_ok;                  /* both sent SACK-permitted */
    uint32_t ts_recent;            /* [RFC 7323 4.3] TS.Recent */
    uint64_t ts_recent_ns;         /* when ts_recent was set (PAWS's 24 days) */
    uint32_t last_ack_sent;        /* [RFC 7323 4.3] Last.ACK.sent */
    uint32_t ts_off;               /* random offset of our TSval clock [RFC 7323 5.4] */

    /* Buffers. */
    size_t sndbuf;                 /* SO_SNDBUF */
    size_t rcvbuf;                 /* SO_RCVBUF */
    struct tcp_ring sndq;          /* bytes from snd_buf_seq on */
    struct tcp_ring rcvq;          /* in-order bytes not yet read */
    uint32_t snd_buf_seq;          /* sequence number of sndq's first byte */
    bool fin_queued;               /* the user closed the sending side: FIN follows sndq */
    bool fin_rcvd;                 /* the peer's FIN was processed (rcv_nxt counts it) */
    bool rd_shut;                  /* shutdown(SHUT_RD) */
    struct tcp_ooo *ooo;           /* out-of-order segments */
    size_t ooo_bytes;              /* bytes held in ooo */
    struct tcp_sack_block last_sack; /* [RFC 2018 4] block of the latest OOO segment first */
    uint32_t sack_recent[TCP_SACK_MAX]; /* [RFC 2018 4] where the latest OOO segments began,
                                         * most recent first: the order of the later blocks */
    uint8_t n_sack_recent;              /* entries of sack_recent */
    bool dsack_pending;            /* [RFC 2883 4] report dsack in the next ACK */
    struct tcp_sack_block dsack;   /* the duplicate received most recently */

    /* Sender's SACK scoreboard [RFC 6675 3]. */
    struct tcp_sack_block sacked[TCP_SACK_SCOREBOARD];  /* sorted, merged */
    unsigned n_sacked;             /* entries used */
    uint32_t high_rxt;             /* [RFC 6675 2] HighRxt */
    bool rescue_sent;              /* [RFC 6675 4] RescueRxt is defined (this recovery) */
    bool partial_ack;              /* tcp_output() runs for a partial ACK in SACK recovery */
    uint32_t rescue_rxt;           /* [RFC 6675 2] RescueRxt */

    /* Congestion control [RFC 5681] [RFC 6582]. */
    enum tcp_cc_algo cc_algo;      /* TCP_CONGESTION */
    uint32_t cwnd;                 /* congestion window, bytes */
    uint32_t ssthresh;             /* slow-start threshold, bytes */
    unsigned dupacks;              /* consecutive duplicate ACKs */
    bool in_recovery;              /* fast recovery */
    uint32_t recover;              /* [RFC 6582 3.2] recover */
    bool partial_seen;             /* [RFC 6582 3.2 step 5] first partial ACK resets the timer */
    uint32_t ca_acc;               /* congestion avoidance: bytes acked toward one MSS */
    uint32_t cubic_w_max;          /* [RFC 9438 4.1] W_max, bytes */
    uint64_t cubic_k_ns;           /* [RFC 9438 4.2] K */
    uint64_t cubic_epoch_ns;       /* start of the current congestion-avoidance epoch; 0 none */
    uint32_t cubic_w_est;          /* [RFC 9438 4.3] W_est, bytes */

    /* Retransmission timer [RFC 6298]. */
    uint64_t srtt_ns;              /* SRTT; 0 before the first sample */
    uint64_t rttvar_ns;            /* RTTVAR */
    uint64_t rto_ns;               /* RTO before back-off */
    unsigned backoff;              /* the RTO is rto_ns << backoff [RFC 6298 5.5]; a new
                                    * RTT sample ends it (Karn) */
    unsigned rexmit_count;         /* [RFC 9293 3.8.3] retransmissions of the segment at
                                    * SND.UNA: R1 and R2 count these; progress (SND.UNA
                                    * advancing) starts it again from 0 */
    bool r1_reported;              /* R1 was passed for this segment (told once) */
    bool has_rtt;                  /* a sample was taken */
    bool resend_after_fr;          /* Tahoe: what goes again below snd_max follows a fast
                                    * retransmit, not a timeout (cleared by an RTO) */
    uint64_t rtt_last_ns;          /* the last sample R itself [RFC 6298 2], 0 before one */
    uint64_t rtt_last_at_ns;       /* when it was taken */
    uint32_t rtt_samples;          /* samples taken so far */
    bool rtt_timing;               /* one segment is being timed */
    uint32_t rtt_seq;              /* its sequence number */
    uint64_t rtt_start_ns;         /* when it was sent */
    bool syn_rexmitted;            /* [RFC 6298 5.7] the SYN or SYN-ACK was retransmitted */

    uint64_t timer_ns[TCP_T_COUNT];/* deadlines; 0 = not armed */
    unsigned persist_shift;        /* persist back-off */
    unsigned keep_sent;            /* keep-alive probes unanswered */
    uint64_t last_rx_ns;           /* when the last segment arrived */
    uint32_t rcv_unacked;          /* bytes received since our last ACK */
    bool ack_now;                  /* send an ACK at the next output */

    /* Socket options. */
    bool nodelay;                  /* TCP_NODELAY: Nagle off */
    bool keepalive;                /* SO_KEEPALIVE */
    int linger_s;                  /* SO_LINGER: -1 off */
    bool linger_expired;           /* a lingering close() ran out of time */
    int so_error;                  /* pending error (ERR_*) while no socket holds it */
    int soft_error;                /* last ICMP soft error (ERR_*) since progress, 0: none */

    /* Per-connection counters. */
    uint64_t retransmits;          /* segments retransmitted */
    uint64_t fast_retransmits;     /* on the third duplicate ACK */
    uint64_t rto_timeouts;         /* timer expiries */
    uint64_t dupacks_rx;           /* duplicate ACKs received */
    uint64_t bytes_acked;          /* bytes of ours acknowledged */
    uint64_t bytes_received;       /* bytes delivered in order */

    /* Last, so the fields an IPv4 segment touches keep their places (and
     * cache lines): the two flags above sit in what was padding. */
    struct tcp_addr6 a6;           /* v6: the addresses */
};

/* The TCP part of struct host. */
struct tcp_host {
    struct tcb *tcbs;              /* every TCB of the host */
    uint64_t isn_key[2];           /* [RFC 6528 3] the secret key, from the seed */
    bool iss_fixed;                /* lessons and tests: every ISS is iss_value */
    uint32_t iss_value;            /* the fixed ISS */
    uint64_t next_accept_order;    /* numbers connections for accept() */
    uint64_t challenge_start_ns;   /* [RFC 5961 7] this one-second window */
    unsigned challenge_sent;       /* challenge ACKs in it */
    /* Tunables (set after host_init, before use). */
    uint64_t msl_ns;               /* MSL; TIME-WAIT lasts 2*MSL */
    uint64_t rto_initial_ns;       /* RTO before the first sample */
    uint64_t rto_min_ns;           /* lower bound of the RTO */
    uint64_t rto_max_ns;           /* upper bound of the RTO */
    uint64_t delack_ns;            /* delayed-ACK timeout; 0 turns delayed ACKs off */
    uint64_t keep_idle_ns;         /* keep-alive idle time */
    uint64_t keep_intvl_ns;        /* between probes */
    unsigned keep_cnt;             /* probes before giving up */
    unsigned syn_retries;          /* SYN retransmissions before ETIMEDOUT */
    unsigned retries1;             /* [RFC 9293 3.8.3] R1: retransmissions of one segment
                                    * before negative advice to IP and a word to the user */
    unsigned retries2;             /* R2: retransmissions of one segment before ETIMEDOUT */
    uint64_t fin_timeout_ns;       /* an orphan's FIN-WAIT-2 */
    unsigned challenge_ack_limit;  /* per second */
    unsigned iw_segs;              /* initial window in segments */
    bool sack;                     /* offer SACK-permitted */
    bool timestamps;               /* offer timestamps */
    bool wscale;                   /* offer window scale */
    bool bsd_options;              /* lay options out as BSD does, not as Linux
                                    * (tcp.bsd_options; wire/tcp.h) */
    bool rcvbuf_round;             /* round the receive buffer up to whole segments
                                    * once the MSS is known, as BSD's tcp_mss()
                                    * does (tcp.rcvbuf_round) */
    size_t wscale_buf;             /* choose the window scale for a buffer of this
                                    * size (BSD: kern.ipc.maxsockbuf), 0: for
                                    * the socket's SO_RCVBUF (tcp.wscale_buf) */
    bool syncookies;               /* [RFC 4987 3.6] answer with a SYN cookie when a
                                    * listener's SYN queue is full (default on) */
    unsigned somaxconn;            /* the largest listen() backlog kept */
    bool cookie_sent;              /* a SYN cookie was ever sent ... */
    uint64_t last_cookie_ns;       /* ... last at this time: an ACK to a listener is
                                    * checked as a cookie only within its lifetime */
    enum tcp_cc_algo default_cc;   /* for new sockets */
    struct tcp_stats stats;        /* counters */
    /* tcp_next_deadline()'s answer, kept up to date by every timer change
     * (tcp_timer_arm/stop) until the earliest timer is stopped or moved
     * later; then the next question scans the TCBs again. */
    struct tcb *fd_hint;           /* the TCB last given a socket: tcp_tcb_by_fd() tries it first */
    bool next_known;               /* next_ns is the earliest armed timer */
    uint64_t next_ns;              /* that deadline, or UINT64_MAX */
};

/* tp's IPv6 addresses, or NULL for an IPv4 connection (what tcp_ip_output()
 * and tcp_mss_for() take). */
static inline const struct tcp_addr6 *
tcb_a6(const struct tcb *tp)
{
    return tp->v6 ? &tp->a6 : NULL;
}

/* ---- host-level ------------------------------------------------------- */

/* Defaults and the ISN key from the host's generator (host_init). */
void tcp_host_init(struct host *h);
/* Free every TCB (host teardown). */
void tcp_host_destroy(struct host *h);
/* p->data is the TCP header. Takes ownership of p. [RFC 9293 3.10.7] */
void tcp_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip);
/* The same for a segment that came over IPv6 [RFC 8200 8.1]. */
struct ipv6_hdr;
void tcp_input6(struct host *h, struct pkt *p, const struct ipv6_hdr *ip);
/* An ICMPv6 error quoting a segment of ours, src:sport -> dst:dport with
 * sequence number seq: packet too big lowers the MSS to the new path MTU
 * [RFC 8201 4]; destination unreachable is a soft error, or hard during
 * the handshake for "port unreachable" [RFC 4443 3.1] [RFC 1122 4.2.3.9].
 * Believed only when seq is in flight [RFC 5927 4.1]. */
void tcp_icmp6_error(struct host *h, const struct ip6_addr *src, uint16_t sport,
                     const struct ip6_addr *dst, uint16_t dport, uint32_t seq, uint8_t type,
                     uint8_t code, uint32_t mtu, int err);
/* An ICMP error quoting a segment of ours (seq: the quoted sequence number;
 * quoted_len: the refused datagram's total length): soft errors [RFC 1122
 * 4.2.3.9], "fragmentation needed" with the next-hop MTU [RFC 1191], which
 * updates the path MTU cache only when the quote is in flight [RFC 5927
 * 4.1]. err is ERR_*. */
void tcp_icmp_error(struct host *h, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                    uint32_t seq, uint8_t type, uint8_t code, uint16_t mtu, uint16_t quoted_len,
                    int err);
/* Run expired timers. */
void tcp_poll(struct host *h);
/* The earliest armed timer of any TCB, or UINT64_MAX (cached, see next_ns). */
uint64_t tcp_next_deadline(struct host *h);
/* Does any TCB (socket or orphan) hold lport? (bind's EADDRINUSE) */
bool tcp_port_in_use(const struct host *h, uint32_t laddr, uint16_t lport);

/* ---- TCBs --------------------------------------------------------------- */

struct tcb *tcp_tcb_new(struct host *h);
void tcp_tcb_free(struct tcb *tp);
struct tcb *tcp_tcb_by_fd(const struct host *h, int fd);
const char *tcp_state_name(enum tcp_state s);  /* "SYN_SENT" */
/* The only writer of tp->state: checks the transition against the table of
 * [RFC 9293 3.3.2 Figure 5] and emits a STATE event with `rfc` as the tag. */
void tcp_set_state(struct tcb *tp, enum tcp_state to, const char *rfc);
/* Fill a trace snapshot of tp. */
void tcp_snapshot(const struct tcb *tp, struct trace_tcb *out);
/* A TRACE event about tp, carrying its snapshot. */
void tcp_trace(const struct tcb *tp, enum trace_kind kind, const struct pkt *p, const char *rfc,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Report err to the socket (or keep it for accept()), wake it. */
void tcp_report_error(struct tcb *tp, int err);
/* Drop the connection: CLOSED, error to the user, timers off; frees an orphan. */
void tcp_drop(struct tcb *tp, int err, const char *rfc);
/* tp reached CLOSED and nobody holds it: free it. Returns true if freed. */
bool tcp_maybe_free(struct tcb *tp);

/* ---- rings ------------------------------------------------------------ */

int tcp_ring_alloc(struct tcp_ring *r, size_t cap);
void tcp_ring_free(struct tcp_ring *r);
size_t tcp_ring_free_space(const struct tcp_ring *r);
size_t tcp_ring_write(struct tcp_ring *r, const uint8_t *src, size_t n);
/* Copy n bytes from offset off (from the oldest) without consuming. */
void tcp_ring_peek(const struct tcp_ring *r, size_t off, uint8_t *dst, size_t n);
/* tcp_ring_peek() that returns the csum_add() of the bytes copied, read in
 * the same pass (the sender's segment checksum [RFC 1071]). */
uint32_t tcp_ring_peek_csum(const struct tcp_ring *r, size_t off, uint8_t *dst, size_t n);
/* Copy n bytes (n <= free space) into the free space after the held bytes
 * without taking them in, and return their csum_add(): the receiver sums an
 * in-order segment as it copies it, then takes the bytes with
 * tcp_ring_commit() only if the checksum was good and the data is wanted. */
uint32_t tcp_ring_stage_csum(struct tcp_ring *r, const uint8_t *src, size_t n);
/* Take in n bytes staged by tcp_ring_stage_csum(). */
void tcp_ring_commit(struct tcp_ring *r, size_t n);
size_t tcp_ring_read(struct tcp_ring *r, uint8_t *dst, size_t n);
void tcp_ring_consume(struct tcp_ring *r, size_t n);
/* Change the capacity, keeping the bytes; fails if they do not fit. */
int tcp_ring_resize(struct tcp_ring *r, size_t cap);

/* ---- output (tcp_output.c) -------------------------------------------- */

/* Why a segment is sent; carried in its cause and printed in its trace. */
/* (enum tcp_why is in trace_cause.h) */

/* Send what the windows, Nagle and SWS avoidance allow [RFC 9293 3.8.6]
 * [RFC 1122 4.2.3.4], and any ACK owed. `why` labels the segments. */
void tcp_output(struct tcb *tp, enum tcp_why why);
/* An ACK now (no data unless some is due anyway). */
void tcp_send_ack(struct tcb *tp, enum tcp_why why);
/* SYN (SYN_SENT) or SYN-ACK (SYN_RECEIVED). */
void tcp_send_syn(struct tcb *tp, enum tcp_why why);
/* Retransmit one segment starting at seq (at most one MSS, at most `max`). */
void tcp_retransmit(struct tcb *tp, uint32_t seq, uint32_t max, enum tcp_why why);
/* [RFC 3042] Limited transmit: one segment of new data on the first or
 * second duplicate ACK if the peer's window and cwnd + 2*SMSS allow it.
 * Returns whether it went. */
bool tcp_send_limited(struct tcb *tp);
/* A zero-window probe: one byte at snd_una [RFC 9293 3.8.6.1]. */
void tcp_send_probe(struct tcb *tp);
/* A keep-alive probe: seq snd_una - 1, no data [RFC 1122 4.2.3.6]. */
void tcp_send_keepalive(struct tcb *tp);
/* RST from tp's 4-tuple: seq snd_nxt, ACK rcv_nxt (an abort) [RFC 9293 3.10.5]. */
void tcp_send_rst_tcb(struct tcb *tp, const char *rfc, const char *why_text);
/* A RST answering segment t (no TCB, or an unacceptable segment)
 * [RFC 9293 3.10.7.1]. */
void tcp_send_rst_for(struct host *h, uint32_t laddr, uint32_t faddr, const struct tcp_addr6 *a6,
                      const struct tcp_hdr *t, size_t seg_len, const char *rfc,
                      const char *why_text);
/* Hand a segment built at p to IPv4 (a6 NULL: laddr -> faddr) or IPv6
 * (a6->l -> a6->f). Takes p. */
void tcp_ip_output(struct host *h, struct pkt *p, uint32_t laddr, uint32_t faddr,
                   const struct tcp_addr6 *a6);
/* The MSS to announce for a connection to faddr (or a6->f): the path MTU
 * less the IP and TCP headers, 40 over IPv4 and 60 over IPv6
 * [RFC 9293 3.7.1] [RFC 6691]. */
uint16_t tcp_mss_for(struct host *h, uint32_t faddr, const struct tcp_addr6 *a6);
/* The window we can advertise now, in bytes, after SWS avoidance. */
uint32_t tcp_rcv_window(struct tcb *tp);
/* TSval for now [RFC 7323 4.1]. */
uint32_t tcp_ts_now(const struct tcb *tp);
/* Sequence number of our FIN (valid when fin_queued). */
uint32_t tcp_fin_seq(const struct tcb *tp);
/* Data bytes queued and not yet sent at snd_nxt. */
size_t tcp_unsent(const struct tcb *tp);

/* ---- timers (tcp_timer.c) --------------------------------------------- */

void tcp_timer_arm(struct tcb *tp, enum tcp_timer_id t, uint64_t after_ns);
void tcp_timer_stop(struct tcb *tp, enum tcp_timer_id t);
bool tcp_timer_armed(const struct tcb *tp, enum tcp_timer_id t);
const char *tcp_timer_name(enum tcp_timer_id t);
/* The RTO with back-off, clamped to [rto_min, rto_max]. */
uint64_t tcp_rto_current(const struct tcb *tp);
/* [RFC 6298 2.2, 2.3] fold one RTT measurement into SRTT, RTTVAR, RTO. */
void tcp_rtt_sample(struct tcb *tp, uint64_t rtt_ns);
/* Arm the retransmission timer if data or a SYN/FIN is outstanding
 * [RFC 6298 5.1], stop it when all is acknowledged [RFC 6298 5.2]. */
void tcp_rexmt_update(struct tcb *tp, bool restart);
/* Enter TIME-WAIT's 2*MSL (or restart it). */
void tcp_timewait_start(struct tcb *tp);
/* Zero window with data waiting: arm persist unless a timer already covers it. */
void tcp_persist_check(struct tcb *tp);

/* ---- SACK (tcp_sack.c) ------------------------------------------------- */

/* Receiver: the SACK blocks to send [RFC 2018 4]; returns how many (<= max).
 * A duplicate waiting to be reported comes first, as a D-SACK [RFC 2883 4]. */
/* An out-of-order segment starting at seq arrived: its block goes first in the
 * next SACK options and then after newer ones [RFC 2018 4]. */
void tcp_sack_note_recent(struct tcb *tp, uint32_t seq);
unsigned tcp_sack_blocks(const struct tcb *tp, struct tcp_sack_block *out, unsigned max);
/* Receiver: [left, right) arrived again (data only); the next ACK reports it
 * as a D-SACK block [RFC 2883 4], if SACK is on. */
void tcp_sack_note_duplicate(struct tcb *tp, uint32_t left, uint32_t right);
/* Sender: merge the blocks of an arriving ACK into the scoreboard. */
void tcp_sack_update(struct tcb *tp, const struct tcp_opts *o);
/* Forget everything at or below snd_una. */
void tcp_sack_trim(struct tcb *tp);
void tcp_sack_clear(struct tcb *tp);
/* [RFC 6675 4] IsLost(seq). */
bool tcp_sack_is_lost(const struct tcb *tp, uint32_t seq);
/* [RFC 6675 4] the pipe estimate. */
uint32_t tcp_sack_pipe(const struct tcb *tp);
/* [RFC 6675 4] NextSeg() rule 1: the first lost, unSACKed sequence at or above
 * HighRxt; *len is the hole's remaining length. False if none. */
bool tcp_sack_next_lost(const struct tcb *tp, uint32_t *seq, uint32_t *len);
/* [RFC 6675 4] NextSeg() rule 3: the first unSACKed sequence at or above
 * HighRxt and below the highest SACKed octet, lost or not yet; *len is the
 * length of its hole from there. False if none. */
bool tcp_sack_next_unsacked(const struct tcb *tp, uint32_t *seq, uint32_t *len);
/* [RFC 6675 4] NextSeg() rule 4: the highest outstanding sequence number no
 * SACK covers (HighData - 1 when nothing SACKed reaches it). False when all
 * that is outstanding is SACKed. */
bool tcp_sack_highest_unsacked(const struct tcb *tp, uint32_t *seq);
/* Is seq covered by a SACK block? */
bool tcp_sack_is_sacked(const struct tcb *tp, uint32_t seq);

/* ---- SYN cookies (tcp_syncookie.c) [RFC 4987 3.6] ----------------------- */

/* The cookie (an ISS) for a SYN from faddr:fport with ISN peer_isn and MSS
 * option peer_mss to laddr:lport; *mss_index gets the MSS table index it
 * encodes. */
uint32_t tcp_cookie_make(const struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
                         uint16_t fport, uint32_t peer_isn, uint16_t peer_mss,
                         unsigned *mss_index);
/* Is cookie (SEG.ACK - 1) one this host made for that SYN, at most two ticks
 * ago? Returns its MSS index (*age: ticks since), or -1. */
int tcp_cookie_check(const struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
                     uint16_t fport, uint32_t peer_isn, uint32_t cookie, unsigned *age);
/* The MSS an index stands for. */
uint16_t tcp_cookie_mss_of(unsigned index);
/* Send the SYN-ACK carrying cookie to a SYN (no TCB). */
void tcp_send_syn_cookie(struct host *h, uint32_t laddr, uint32_t faddr,
                         const struct tcp_addr6 *a6, const struct tcp_hdr *syn, uint32_t cookie,
                         uint16_t mss, uint16_t wnd);

/* ---- ISN (tcp_isn.c) --------------------------------------------------- */

/* [RFC 6528 3] ISN = M + F(localip, localport, remoteip, remoteport, secretkey) */
uint32_t tcp_isn(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport);
/* An IPv6 address folded to 32 bits under the host's secret key, for the
 * ISN and SYN cookie functions, which take 32-bit addresses: the fold is
 * keyed (SipHash), so a peer cannot choose addresses that collide. */
uint32_t tcp_addr6_key(const struct host *h, const struct ip6_addr *a);
/* SipHash-2-4 of len bytes under a 128-bit key (exposed for its test vector). */
uint64_t tcp_siphash24(const uint64_t key[2], const uint8_t *in, size_t len);

/* ---- the user side (tcp_user.c), for socket.c ------------------------- */

int tcp_user_attach(struct host *h, struct socket *s);
int tcp_user_listen(struct host *h, struct socket *s, int backlog);
int tcp_user_accept(struct host *h, struct socket *s, struct socket *ns);
/* The oldest acceptable child of listener s, or NULL. */
struct tcb *tcp_user_accept_ready(const struct host *h, const struct socket *s);
/* a: AF_INET, or AF_INET6 (an IPv4-mapped one connects over IPv4). */
struct sock_addr;
int tcp_user_connect(struct host *h, struct socket *s, const struct sock_addr *a);
int tcp_user_send(struct host *h, struct socket *s, const uint8_t *buf, size_t len);
int tcp_user_recv(struct host *h, struct socket *s, uint8_t *buf, size_t cap);
int tcp_user_shutdown(struct host *h, struct socket *s, int how);
/* CLOSE [RFC 9293 3.10.4]. 0: the socket may go. With SO_LINGER > 0 and
 * data or the FIN not yet acknowledged: the FIN is queued, s->closing is set
 * and -ERR_INPROGRESS returned; call again once tcp_user_poll() reports
 * SOCK_POLLCLOSE: 0 when everything was acknowledged, -ERR_AGAIN
 * (EWOULDBLOCK) when the linger time ran out first (BSD's soclose()). */
int tcp_user_close(struct host *h, struct socket *s);
unsigned tcp_user_poll(const struct host *h, const struct socket *s);
/* A buffer size option changed. */
int tcp_user_set_buf(struct host *h, struct socket *s, bool rcv, size_t bytes);

#endif
