/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace_cause.h - why something happened: the answer to "why was this sent?".
 *
 * Every packet and every trace event carries a cause: the socket call a step
 * of the scenario made, the timer that fired, or the arrival of another packet.
 * Kept apart from trace.h so pkt.h can hold one without pulling in the bus.
 */
#ifndef NETSTEP_STACK_TRACE_CAUSE_H
#define NETSTEP_STACK_TRACE_CAUSE_H

#include <stdint.h>

enum cause_kind {
    CAUSE_NONE,     /* nothing recorded (a test injecting directly) */
    CAUSE_CALL,     /* a socket call; `call` names it, `step` is the scenario step */
    CAUSE_TIMER,    /* a timer fired; `timer` says which */
    CAUSE_ARRIVAL,  /* a packet arrived; `pkt_id` is its id */
};

/* For a scenario step that puts frames on a wire itself (`inject`,
 * `replay`, no socket call): which statement, so the trace says where the
 * frame came from as the capture's comment does. */
enum cause_origin {
    ORIGIN_NONE,
    ORIGIN_INJECT,  /* `inject`: the step's one crafted frame */
    ORIGIN_REPLAY,  /* `replay`: frame `frame` of the capture */
};

enum socket_call {
    CALL_NONE,
    CALL_SOCKET,
    CALL_BIND,
    CALL_LISTEN,
    CALL_ACCEPT,
    CALL_CONNECT,
    CALL_SEND,
    CALL_SENDTO,
    CALL_RECV,
    CALL_RECVFROM,
    CALL_SHUTDOWN,
    CALL_CLOSE,
    CALL_SETSOCKOPT,
    CALL_GETSOCKOPT,
    CALL_GETSOCKNAME,
    CALL_GETPEERNAME,
    CALL_PING,      /* the scenario's ping statement (an ICMP echo "socket") */
    CALL_COUNT
};

enum timer_kind {
    TIMER_NONE,
    TIMER_ARP_RETRY,     /* re-send an unanswered ARP request [RFC 1122 2.3.2.1] */
    TIMER_ARP_EXPIRE,    /* a cache entry aged out */
    TIMER_TCP_REXMT,     /* retransmission timeout [RFC 6298] */
    TIMER_TCP_DELACK,    /* delayed ACK [RFC 1122 4.2.3.2] */
    TIMER_TCP_PERSIST,   /* zero-window probe [RFC 9293 3.8.6.1] */
    TIMER_TCP_KEEPALIVE, /* keep-alive probe [RFC 1122 4.2.3.6] */
    TIMER_TCP_TIMEWAIT,  /* 2*MSL in TIME-WAIT [RFC 9293 3.6.1] */
    TIMER_IPFRAG,        /* reassembly timeout [RFC 791 3.2] */
    TIMER_TCP_LINGER,    /* SO_LINGER: how long close() waits for the peer's ACK */
    TIMER_ND,            /* a neighbour cache timer [RFC 4861 7.3.3] */
    TIMER_COUNT
};

/* Why TCP sent a segment, beyond the call or timer that ran: the answer the
 * view gives to "why was this segment sent?" [RFC 9293] [RFC 5681] [RFC 5961]. */
enum tcp_why {
    TCP_WHY_NONE,
    TCP_WHY_OPEN,             /* SYN or SYN-ACK of a handshake */
    TCP_WHY_DATA,             /* new data or FIN the application gave */
    TCP_WHY_ACK,              /* an ACK the arriving segment called for */
    TCP_WHY_DELACK,           /* the delayed-ACK timer [RFC 1122 4.2.3.2] */
    TCP_WHY_RTO,              /* retransmission timeout [RFC 6298 5.4] */
    TCP_WHY_FAST_RETRANSMIT,  /* third duplicate ACK [RFC 5681 3.2] */
    TCP_WHY_RECOVERY,         /* fast recovery: partial ACK or SACK hole [RFC 6582] [RFC 6675] */
    TCP_WHY_WINDOW_UPDATE,    /* the application read and the window opened */
    TCP_WHY_PERSIST,          /* zero-window probe [RFC 9293 3.8.6.1] */
    TCP_WHY_KEEPALIVE,        /* keep-alive probe [RFC 1122 4.2.3.6] */
    TCP_WHY_CHALLENGE_ACK,    /* to a RST in the window, not at RCV.NXT [RFC 5961 3.2] */
    TCP_WHY_RESET,            /* a RST */
    TCP_WHY_LIMITED_TRANSMIT, /* new data on the 1st or 2nd duplicate ACK [RFC 3042] */
    TCP_WHY_PMTU,             /* resent in smaller segments: the path MTU fell [RFC 1191 6.5] */
    TCP_WHY_CHALLENGE_SYN,    /* challenge ACK to a SYN on a synchronized connection [RFC 5961 4.2] */
    TCP_WHY_CHALLENGE_BAD_ACK, /* challenge ACK to an ACK outside the acceptable range [RFC 5961 5.2] */
    TCP_WHY_COUNT
};

struct trace_cause {
    uint8_t kind;     /* enum cause_kind */
    uint8_t call;     /* enum socket_call, for CAUSE_CALL */
    uint8_t timer;    /* enum timer_kind, for CAUSE_TIMER */
    uint32_t step;    /* scenario step (1-based), for CAUSE_CALL; 0 if none */
    uint64_t pkt_id;  /* the packet that arrived, for CAUSE_ARRIVAL */
    uint8_t tcp_why;  /* enum tcp_why for a TCP segment, else 0 */
    uint8_t origin;   /* enum cause_origin, for CAUSE_CALL with CALL_NONE */
    uint32_t line;    /* the step's line in its file, with an origin */
    uint32_t frame;   /* 1-based frame of the capture, for ORIGIN_REPLAY */
};

static inline struct trace_cause
cause_call(enum socket_call call, uint32_t step)
{
    struct trace_cause c = { .kind = CAUSE_CALL, .call = (uint8_t)call, .step = step };
    return c;
}

/* A frame an `inject` or `replay` step put on the wire (frame 0 for inject). */
static inline struct trace_cause
cause_wire_step(enum cause_origin origin, uint32_t step, uint32_t line, uint32_t frame)
{
    struct trace_cause c = { .kind = CAUSE_CALL, .call = CALL_NONE, .step = step,
                             .origin = (uint8_t)origin, .line = line, .frame = frame };
    return c;
}

static inline struct trace_cause
cause_timer(enum timer_kind timer)
{
    struct trace_cause c = { .kind = CAUSE_TIMER, .timer = (uint8_t)timer };
    return c;
}

static inline struct trace_cause
cause_arrival(uint64_t pkt_id)
{
    struct trace_cause c = { .kind = CAUSE_ARRIVAL, .pkt_id = pkt_id };
    return c;
}

const char *socket_call_name(enum socket_call call);  /* "sendto" */
const char *timer_kind_name(enum timer_kind timer);   /* "ARP retry" */
const char *tcp_why_name(enum tcp_why why);           /* "fast retransmit" */

#endif
