/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw_model.h - what the pictures show, read from the event log.
 *
 * A lesson recorded by view_model_build() becomes, here, the numbers behind
 * a picture: the ladder's columns, arrows and marks, and the time series of
 * the TCP plots (cwnd, ssthresh, bytes in flight, SRTT, RTO, the segments
 * sent and the ACK line). Nothing here draws: draw_render.c paints these
 * models with cairo, the view's panes paint them with characters, and
 * `draw --csv` prints them. The log is the only source.
 */
#ifndef NETSTEP_UI_DRAW_MODEL_H
#define NETSTEP_UI_DRAW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ui/view_model.h"

/* What to take from the log. */
struct draw_select {
    uint64_t from_ns;        /* events before this time are left out */
    uint64_t to_ns;          /* and after this one (UINT64_MAX: to the end) */
    const char *hosts;       /* "alice,bob": only these columns, in this order;
                                NULL: every host, router, switch and hub */
    const char *conn;        /* a plot's connection(s): "HOST" or "HOST:PORT";
                                NULL: every connection that sent data */
    bool say;                /* the ladder shows the lesson's narration */
    size_t first_event;      /* the ladder: events before this index are left out */
    size_t last_event;       /* and after this one (SIZE_MAX: to the end) */
};

/* One column of the ladder. */
struct draw_node {
    char name[40];           /* "alice", "r1", "sw1" */
    bool router;             /* a `router` */
    bool is_switch;          /* a `switch` or a `hub` */
    bool hub;                /* a `hub` */
    int host;                /* host index in the scenario, or -1 */
    int sw;                  /* switch index, or -1 */
};

/* How an arrow is drawn: printable without colour, by its line. */
enum draw_arrow_style {
    DRAW_ARROW_DATA,         /* payload, SYN, FIN, RST: solid */
    DRAW_ARROW_ACK,          /* a pure ACK: thin */
    DRAW_ARROW_OTHER,        /* ARP and everything not TCP: dotted */
};

/* One frame on one link. */
struct draw_arrow {
    size_t at;               /* its WIRE event */
    int from;                /* column it leaves */
    int to;                  /* column it reaches (or would have) */
    uint64_t t0_ns;          /* put on the link */
    uint64_t t1_ns;          /* arrived, or where it was lost */
    bool lost;               /* lost on the link: ends in a cross */
    bool in_flight;          /* still on the link when the lesson ended */
    uint64_t pkt_id;         /* the frame's packet id */
    enum draw_arrow_style style;
    const char *why;         /* a retransmission's cause ("RTO", "3 dup ACKs",
                                "recovery"), or NULL */
    char label[160];         /* tcpdump-style: "S 0:0(0) win 65535 <mss 1460>" */
};

enum draw_mark_kind {
    DRAW_MARK_CALL,          /* a socket call on the caller's line: "connect()" */
    DRAW_MARK_STATE,         /* a TCP state the connection entered */
    DRAW_MARK_DROP,          /* a frame the host dropped, with the reason */
    DRAW_MARK_SAY,           /* the lesson's narration (--say), at the side */
};

struct draw_mark {
    size_t at;               /* the event */
    int node;                /* column, or -1 for narration */
    uint64_t t_ns;           /* when */
    enum draw_mark_kind kind;
    char text[128];          /* what is written */
};

struct draw_ladder {
    char title[128];         /* the lesson's title */
    struct draw_node *nodes; /* columns, left to right */
    size_t n_nodes;
    struct draw_arrow *arrows;  /* in log order */
    size_t n_arrows;
    size_t cap_arrows;
    struct draw_mark *marks;    /* in log order */
    size_t n_marks;
    size_t cap_marks;
};

/* Build the ladder of m's log. 0, or -1 with a sentence in err (an unknown
 * host in sel->hosts, or memory). */
int draw_ladder_build(const struct view_model *m, const struct draw_select *sel,
                      struct draw_ladder *out, char *err, size_t err_len);
void draw_ladder_free(struct draw_ladder *l);
/* The ladder's numbers: one CSV line per arrow and per mark, in time order. */
int draw_ladder_csv(const struct draw_ladder *l, FILE *out);

/* ---- the topology --------------------------------------------------------- */

/* A node of the map, where the automatic layout put it. */
struct draw_place {
    struct draw_node node;   /* what it is */
    double x, y;             /* centre, in points, from the picture's top left */
    char addrs[4][40];       /* "eth0 192.0.2.1/24", per interface (first four) */
    char addrs6[4][48];      /* "2001:db8::1/64", its IPv6 address, or "" */
    unsigned n_addrs;
};

struct draw_wire {
    int a, b;                /* indexes into places */
    int a_if, b_if;          /* interface numbers at each end (hosts), or -1 */
    char name[96];           /* "alice-bob" */
    char label[128];         /* "10 ms, 10 Mbit/s, loss 5%" */
};

struct draw_topo {
    char title[128];
    struct draw_place *places;
    size_t n_places;
    struct draw_wire *wires;
    size_t n_wires;
    double width, height;    /* the picture's size, in points */
};

/* Lay out scn's hosts, routers, switches, hubs and links: a chain reads
 * left to right; a node with three or more links stands in the middle with
 * its neighbours around it; unconnected parts are drawn one below the other.
 * 0, or -1 (memory). */
int draw_topo_build(const struct scenario *scn, struct draw_topo *out);
void draw_topo_free(struct draw_topo *t);
/* The map's numbers: one CSV line per node and per link. */
int draw_topo_csv(const struct draw_topo *t, FILE *out);

/* ---- TCP plots ---------------------------------------------------------- */

/* One sample of one connection, at an event whose TCB snapshot changed what
 * the plot shows. */
struct draw_sample {
    size_t at;               /* the event */
    uint64_t t_ns;           /* its time */
    uint32_t cwnd;           /* bytes */
    uint32_t ssthresh;       /* bytes; UINT32_MAX-ish until the first loss */
    uint32_t flight;         /* snd_nxt - snd_una, bytes */
    uint32_t snd_una;        /* relative to iss */
    uint32_t snd_wnd;        /* the peer's window */
    uint64_t srtt_ns;        /* 0 before a sample */
    uint64_t rto_ns;         /* with back-off */
    uint64_t rtt_ns;         /* the last RTT sample R [RFC 6298 2], 0 before one */
    uint64_t rtt_at_ns;      /* when TCP took it */
    uint32_t rtt_samples;    /* samples so far: a new one where this grows */
};

/* One segment sent, for the time-sequence graph. */
struct draw_segment {
    uint64_t t_ns;           /* TCP handed it down */
    uint32_t seq;            /* relative to iss */
    uint32_t len;            /* payload bytes (SYN and FIN count one) */
    bool rexmit;             /* a retransmission */
};

/* One SACK block the peer reported, relative to iss. */
struct draw_sack {
    uint64_t t_ns;           /* the ACK arrived */
    uint32_t left;           /* first byte */
    uint32_t right;          /* one past the last */
};

struct draw_conn {
    char name[96];           /* "reno_a 49152 > 5001" */
    int host;                /* the sender's host index */
    uint32_t laddr, faddr;   /* the 4-tuple */
    uint16_t lport, fport;
    uint32_t iss;            /* initial send sequence number */
    struct draw_sample *samples;
    size_t n_samples, cap_samples;
    struct draw_segment *segs;
    size_t n_segs, cap_segs;
    struct draw_sack *sacks;
    size_t n_sacks, cap_sacks;
};

struct draw_conns {
    char title[128];         /* the lesson's title */
    struct draw_conn *c;
    size_t n;
    uint64_t t_end_ns;       /* the last event's time (in the window) */
};

/* The connections of m's log that sent data (or those sel->conn names), each
 * with its samples at every change of cwnd, ssthresh, flight, snd_una,
 * snd_wnd, srtt, rto or the RTT samples taken. 0, or -1 with a sentence in err. */
int draw_conns_build(const struct view_model *m, const struct draw_select *sel,
                     struct draw_conns *out, char *err, size_t err_len);
void draw_conns_free(struct draw_conns *cs);

enum draw_plot_kind {
    DRAW_PLOT_TIMESEQ,       /* Stevens' time-sequence graph */
    DRAW_PLOT_CWND,          /* cwnd, ssthresh, bytes in flight */
    DRAW_PLOT_RTT,           /* RTT samples, SRTT and RTO */
};

/* The numbers behind a plot, as CSV with a header line. */
int draw_conns_csv(const struct draw_conns *cs, enum draw_plot_kind kind, FILE *out);

/* A ssthresh this large means "not set yet": the plots leave it out. */
#define DRAW_SSTHRESH_INFINITE 0x3fffffffu

#endif
