/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inspect.h - read-only snapshots of a host, for expects and the view.
 *
 * The view and the scenario runner read the stack only through the trace and
 * these functions (docs/architecture.md, "The three rings"): they copy out
 * what is there, never a pointer into the host.
 */
#ifndef NETSTEP_STACK_INSPECT_H
#define NETSTEP_STACK_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/wire/addr.h"
#include "stack/wire/ipv6.h"

struct host;

struct inspect_arp {
    uint32_t ip;             /* protocol address */
    uint8_t mac[ETH_ALEN];   /* hardware address, zero while incomplete */
    const char *state;       /* "REACHABLE", "INCOMPLETE", "PERMANENT" */
    const char *ifname;      /* "eth0" */
    uint64_t expires_ns;     /* REACHABLE: when it ages out */
    unsigned queued;         /* packets waiting on it */
};

/* Copies up to max entries; returns how many there are in all. */
size_t inspect_arp(const struct host *h, struct inspect_arp *out, size_t max);
/* The entry for ip, or false. */
bool inspect_arp_find(const struct host *h, uint32_t ip, struct inspect_arp *out);

struct inspect_socket {
    int fd;                 /* descriptor */
    const char *proto;      /* "udp", "icmp", "tcp" */
    uint32_t laddr;         /* local address (IPv4; 0 when v6) */
    uint16_t lport;         /* local port */
    uint32_t faddr;         /* foreign address (IPv4; 0 when v6) */
    uint16_t fport;         /* foreign port */
    bool v6;                /* the addresses are IPv6 ones, in laddr6/faddr6 */
    bool mapped;            /* IPv4 addresses of an AF_INET6 socket, which
                               names them ::ffff:a.b.c.d [RFC 4291 2.5.5.2] */
    struct ip6_addr laddr6; /* v6: local address, :: = any */
    struct ip6_addr faddr6; /* v6: foreign address */
    bool bound;             /* has a local port */
    bool connected;         /* has a fixed peer */
    const char *state;      /* "UNCONN", "ESTAB" or a TCP state name */
    int so_error;           /* pending error (ERR_*), 0 if none */
    size_t rcvq_bytes;      /* bytes queued to read */
    size_t rcvq_count;      /* datagrams queued to read */
};

size_t inspect_sockets(const struct host *h, struct inspect_socket *out, size_t max);
bool inspect_socket(const struct host *h, int fd, struct inspect_socket *out);

/* A named counter, as scenario expects name them: "<layer>.rx", "<layer>.tx",
 * "<layer>.drop" for layer eth arp ipv4 icmp udp tcp socket; "drop.<REASON>";
 * "drops" (all); "icmp.rx.<type>" / "icmp.tx.<type>" for echo_request,
 * echo_reply, unreachable, time_exceeded; "ipv4.forwarded"; "udp.delivered";
 * "local.tx" and "local.tx_bytes" (sends on local sockets, and the bytes they
 * moved from socket to socket without going below the socket layer);
 * "tcp.<name>" for each of TCP_STATS in stack/tcp.h (tcp.retransmits,
 * tcp.fast_retransmits, tcp.rto_timeouts, tcp.dupacks, tcp.challenge_acks,
 * tcp.rst_tx, tcp.rst_rx, tcp.active_opens, tcp.passive_opens, ...).
 * False if the name is unknown. */
bool inspect_counter(const struct host *h, const char *name, uint64_t *out);
/* Every counter name inspect_counter() knows, NULL-terminated is not possible
 * for the drop reasons, so: writes the i-th name into buf; false past the end. */
bool inspect_counter_name(size_t i, char *buf, size_t n);

/* A TCB as the view's TCB pane and scenario expects see it. */
struct inspect_tcb {
    int fd;                  /* socket, or -1 for an orphan */
    const char *state;       /* "ESTABLISHED" */
    uint32_t laddr;          /* local address (IPv4; 0 when v6) */
    uint16_t lport;          /* local port */
    uint32_t faddr;          /* foreign address (IPv4; 0 when v6) */
    uint16_t fport;          /* foreign port */
    bool v6;                 /* over IPv6: the addresses are laddr6/faddr6 */
    bool mapped;             /* IPv4 for an AF_INET6 socket (its own or its
                                listener's): shown as ::ffff:a.b.c.d */
    struct ip6_addr laddr6;  /* v6: local address */
    struct ip6_addr faddr6;  /* v6: foreign address */
    uint32_t iss;            /* initial send sequence number */
    uint32_t irs;            /* initial receive sequence number */
    uint32_t snd_una;        /* oldest unacknowledged */
    uint32_t snd_nxt;        /* next to send */
    uint32_t snd_max;        /* highest sent */
    uint32_t snd_wnd;        /* peer's window, bytes */
    uint32_t rcv_nxt;        /* next expected */
    uint32_t rcv_wnd;        /* advertised window, bytes */
    uint32_t cwnd;           /* congestion window */
    uint32_t ssthresh;       /* slow-start threshold */
    uint16_t mss;            /* send MSS */
    uint64_t srtt_ns;        /* smoothed RTT */
    uint64_t rttvar_ns;      /* RTT variation */
    uint64_t rto_ns;         /* current RTO with back-off */
    unsigned timers;         /* bit i set: timer i armed (rexmt persist keepalive delack 2msl) */
    char timers_str[48];     /* "rexmt,delack" or "-" */
    size_t sndq_bytes;       /* bytes in the send buffer (unacked + unsent) */
    size_t rcvq_bytes;       /* bytes waiting to be read */
    size_t ooo_bytes;        /* bytes held out of order */
    const char *cc;          /* "newreno" */
    bool in_recovery;        /* fast recovery */
    uint64_t retransmits;    /* segments retransmitted */
    uint64_t fast_retransmits; /* on the third duplicate ACK */
    uint64_t rto_timeouts;   /* timer expiries */
    uint64_t dupacks;        /* duplicate ACKs received */
};

/* The TCB behind socket fd, or false (not TCP, bad fd). */
bool inspect_tcb(const struct host *h, int fd, struct inspect_tcb *out);
/* Every TCB of the host (sockets, unaccepted connections, orphans). */
size_t inspect_tcbs(const struct host *h, struct inspect_tcb *out, size_t max);
/* One TCB field by name for expects: state (enum number), snd_una, snd_nxt,
 * snd_max, snd_wnd, snd_wl1, snd_wl2, iss, irs, rcv_nxt, rcv_wnd, cwnd,
 * ssthresh, mss, srtt_ns, rttvar_ns, rto_ns, srtt_ms, rto_ms, dupacks,
 * retransmits, fast_retransmits, rto_timeouts, sndq_bytes, rcvq_bytes,
 * ooo_bytes, in_recovery, recover, snd_wscale, rcv_wscale, sack_ok, ts_ok,
 * ws_ok, nodelay, keepalive, bytes_acked, bytes_received, timers,
 * snd_una_rel / snd_nxt_rel (minus ISS), rcv_nxt_rel (minus IRS).
 * False if fd has no TCB or the name is unknown. */
bool inspect_tcb_field(const struct host *h, int fd, const char *field, uint64_t *out);
/* The same field of the index-th TCB inspect_tcbs() lists: how a connection
 * no socket holds any more (FIN_WAIT_2, TIME_WAIT after close()) is read.
 * False past the end or if the name is unknown. */
bool inspect_tcbs_field(const struct host *h, size_t index, const char *field, uint64_t *out);
/* The i-th field name inspect_tcb_field() knows, or NULL past the end. */
const char *inspect_tcb_field_name(size_t i);
/* The connections listening socket fd made that accept() has not taken yet,
 * oldest first, as `ss -t -a` lists them under the listener's port: in
 * SYN_RECEIVED the handshake is still in progress, from ESTABLISHED on they
 * wait in the accept queue [RFC 9293 3.10.7.2]. Their fd is -1. Copies up to
 * max, the accept queue first; returns how many there are (0 when fd is not
 * a listener). */
size_t inspect_tcb_pending(const struct host *h, int fd, struct inspect_tcb *out, size_t max);
/* The TCP state name of socket fd ("SYN_SENT"), or false. */
bool inspect_tcp_state(const struct host *h, int fd, const char **state_name);

#endif
