/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socket.h - the facade: a BSD-shaped socket layer over UDP, ICMP echo and
 * (later) TCP.
 *
 * A socket is named by a small integer, as a file descriptor is (the first one
 * is 3, after stdin, stdout and stderr, so a lesson reads like a C program).
 * Calls never block: one that would returns -ERR_AGAIN and the caller (the
 * scenario runner, the view) lets time run until sock_poll() says the socket
 * is ready, then calls again. That is how a blocking call looks from outside.
 *
 * Error semantics follow BSD and Linux: EADDRINUSE for a taken port,
 * EADDRNOTAVAIL for an address that is not ours, EMSGSIZE for a datagram that
 * cannot fit, and an ICMP port unreachable reported as ECONNREFUSED on the next
 * call of a *connected* UDP socket [RFC 1122 4.1.3.3].
 */
#ifndef NETSTEP_STACK_SOCKET_H
#define NETSTEP_STACK_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/wire/ipv6.h"

/* The per-host limit on descriptors, like RLIMIT_NOFILE (`ulimit -n`):
 * 1024, the soft limit most Linux systems give a process. Descriptors 0-2
 * are taken as a process's are (stdin, stdout, stderr), so a host has at
 * most nofile - 3 sockets open; one more gets EMFILE. Settable per host
 * (socks.nofile). The table itself grows as sockets are opened. */
#define SOCK_NOFILE_DEFAULT 1024u
#define SOCK_PATH_MAX   108  /* sizeof(sun_path) on Linux, NUL included */
#define SOCK_LOCAL_BACKLOG_MAX 16
#define SOCK_FD_BASE    3
#define SOCK_RCVBUF_DEFAULT  (208u * 1024)  /* Linux's net.core.rmem_default */
#define SOCK_SNDBUF_DEFAULT  (208u * 1024)  /* Linux's net.core.wmem_default */
#define SOCK_EPHEMERAL_LO    49152          /* [RFC 6335 6] dynamic ports */
#define SOCK_EPHEMERAL_HI    65535

enum sock_domain {
    SOCK_DOMAIN_INET,   /* AF_INET */
    SOCK_DOMAIN_LOCAL,  /* AF_LOCAL (Unix domain) */
    SOCK_DOMAIN_INET6,  /* AF_INET6 */
};

/* The family of a socket address. AF_INET is zero, so an address written
 * as { addr, port } - every IPv4 caller - is an IPv4 one as it was. */
enum sock_family {
    SOCK_AF_INET = 0,   /* addr holds the address */
    SOCK_AF_INET6 = 1,  /* addr6 holds it (an IPv4 peer of a dual-stack
                           socket as ::ffff:a.b.c.d [RFC 4291 2.5.5.2]) */
};

enum sock_type {
    SOCK_TYPE_DGRAM,   /* SOCK_DGRAM */
    SOCK_TYPE_STREAM,  /* SOCK_STREAM */
};

/* The protocol behind a socket, chosen from domain, type and protocol. */
enum sock_proto {
    SOCK_PROTO_UDP,   /* AF_INET, SOCK_DGRAM */
    SOCK_PROTO_ICMP,  /* AF_INET, SOCK_DGRAM, IPPROTO_ICMP: a ping socket, as Linux has */
    SOCK_PROTO_TCP,   /* AF_INET, SOCK_STREAM */
    SOCK_PROTO_LOCAL, /* AF_LOCAL, stream or datagram: named by a path, never below the socket layer */
};

/* Readiness, as poll(2) names it. */
#define SOCK_POLLIN   0x1
#define SOCK_POLLOUT  0x4
#define SOCK_POLLERR  0x8
#define SOCK_POLLHUP  0x10
/* A close() in progress (SO_LINGER) may finish: call sock_close() again. */
#define SOCK_POLLCLOSE 0x20

/* shutdown(2)'s `how`. */
enum sock_shut {
    SOCK_SHUT_RD,    /* SHUT_RD: no more receives */
    SOCK_SHUT_WR,    /* SHUT_WR: no more sends (TCP sends FIN) */
    SOCK_SHUT_RDWR,  /* SHUT_RDWR: both */
};

/* Options for sock_setsockopt()/sock_getsockopt(); values are integers. */
enum sock_opt {
    SOCK_OPT_ERROR,           /* SO_ERROR (get only): pending error, cleared by reading */
    SOCK_OPT_REUSEADDR,       /* SO_REUSEADDR: 0 or 1 */
    SOCK_OPT_BROADCAST,       /* SO_BROADCAST: 0 or 1 */
    SOCK_OPT_RCVBUF,          /* SO_RCVBUF: bytes */
    SOCK_OPT_SNDBUF,          /* SO_SNDBUF: bytes */
    SOCK_OPT_KEEPALIVE,       /* SO_KEEPALIVE: 0 or 1 */
    SOCK_OPT_LINGER,          /* SO_LINGER: -1 off, else seconds (0: close sends RST) */
    SOCK_OPT_TCP_NODELAY,     /* TCP_NODELAY: 0 or 1 (1 turns Nagle off) */
    SOCK_OPT_TCP_CONGESTION,  /* TCP_CONGESTION: enum tcp_cc_algo */
    SOCK_OPT_IP_TTL,          /* IP_TTL: 1..255, the TTL of datagrams sent; 0 = default (64) */
    SOCK_OPT_IP_DF,           /* IP_MTU_DISCOVER as IP_PMTUDISC_DO (1) or _DONT (0): set DF,
                                 and EMSGSIZE above the path MTU instead of fragmenting */
    SOCK_OPT_IP_RECVERR,      /* IP_RECVERR: 0 or 1: queue ICMP errors for sock_recv_error() */
    SOCK_OPT_IPV6_V6ONLY,     /* IPV6_V6ONLY: 0 or 1: an AF_INET6 socket speaks IPv6 only
                                 (default 0, as Linux: it takes IPv4 too) [RFC 3493 5.3] */
    SOCK_OPT_COUNT
};

/* One ICMP error about a datagram this socket sent, as Linux's IP_RECVERR
 * reports it (struct sock_extended_err + the offender's address): what
 * traceroute and ping print their "From ..." lines from. */
struct sock_icmp_err {
    int err;            /* ERR_* the error maps to (EHOSTUNREACH for time exceeded...) */
    uint8_t type;       /* ICMP type: 3 unreachable, 11 time exceeded */
    uint8_t code;       /* ICMP code */
    uint16_t mtu;       /* next-hop MTU of "fragmentation needed", else 0 */
    uint32_t offender;  /* who sent the ICMP error: the router, or the host */
    uint32_t dst;       /* destination of the datagram it quotes */
    uint16_t dport;     /* its destination port (UDP), or echo sequence (ping) */
    uint16_t sport;     /* its source port (UDP), or echo identifier (ping) */
    uint8_t ttl;        /* TTL of the ICMP error as it arrived */
    uint64_t at_ns;     /* when it arrived */
};

/* ICMP errors a socket with SOCK_OPT_IP_RECVERR keeps; the oldest is
 * dropped when more come (Linux bounds its error queue by the rcvbuf). */
#define SOCK_ERRQ_MAX 8

/* A socket address, sockaddr_in or sockaddr_in6: a family, then an IPv4
 * address (host order) or an IPv6 one, and a port (host order). The IPv4
 * fields come first and keep their places, so an IPv4 address is written and
 * read exactly as before and the IPv4 paths never look at the IPv6 part. */
struct sock_addr {
    uint32_t addr;           /* AF_INET: 0 is INADDR_ANY */
    uint16_t port;           /* 0 asks for an ephemeral port */
    uint8_t family;          /* enum sock_family */
    struct ip6_addr addr6;   /* AF_INET6: :: is in6addr_any */
};

/* The Internet protocol control block: the socket's 4-tuple, as BSD's inpcb
 * (and its in6pcb). An IPv4 connection (on an AF_INET socket, or on a
 * dual-stack AF_INET6 one) keeps its addresses in laddr/faddr; an IPv6 one
 * has v6 set and keeps them in laddr6/faddr6. */
struct inpcb {
    uint32_t laddr;          /* local address, 0 = any */
    uint16_t lport;          /* local port, 0 = not bound */
    uint32_t faddr;          /* foreign address, 0 = not connected */
    uint16_t fport;          /* foreign port */
    bool v6;                 /* the addresses are IPv6 ones */
    struct ip6_addr laddr6;  /* v6: local address, :: = any */
    struct ip6_addr faddr6;  /* v6: foreign address */
};

struct socket {
    int fd;                    /* the number the application holds */
    enum sock_domain domain;   /* address family */
    enum sock_type type;       /* datagram or stream */
    enum sock_proto proto;     /* the transport behind it */
    struct inpcb pcb;          /* addresses and ports */
    bool bound;                /* bind() or an implicit bind happened */
    bool connected;            /* connect() fixed the peer */
    int so_error;              /* pending asynchronous error, ERR_* (positive) */
    bool so_broadcast;         /* SO_BROADCAST */
    bool so_reuseaddr;         /* SO_REUSEADDR */
    size_t rcvbuf;             /* SO_RCVBUF: bytes the receive queue may hold */
    size_t sndbuf;             /* SO_SNDBUF */
    struct pkt_queue rcvq;     /* datagrams waiting for recv, each with l3/l4 offsets set */
    uint16_t ping_id;          /* ICMP sockets: the echo identifier (the "port") */
    uint8_t ip_ttl;            /* IP_TTL for datagrams sent (UDP, ICMP); 0 = default */
    bool ip_df;                /* IP_PMTUDISC_DO: DF set, no fragmentation */
    bool ip_recverr;           /* IP_RECVERR: ICMP errors queued in errq */
    bool v6only;               /* IPV6_V6ONLY (AF_INET6 only) */
    struct sock_icmp_err errq[SOCK_ERRQ_MAX];  /* IP_RECVERR queue, oldest first */
    unsigned errq_count;       /* entries in errq */
    uint64_t rx_datagrams;     /* datagrams queued, ever */
    uint64_t tx_datagrams;     /* datagrams sent, ever */
    /* AF_LOCAL (see local.c) */
    char path[SOCK_PATH_MAX];  /* the name bind() gave it, "" if none */
    char pcb_path[SOCK_PATH_MAX];  /* the path connect() named, "" if none */
    int peer;                  /* stream: the connected other end's fd, 0 if none */
    bool peer_eof;             /* stream: the other end will send no more (shutdown WR or close) */
    bool peer_gone;            /* stream: the other end is closed: sending gets EPIPE */
    bool shut_rd;              /* shutdown(SHUT_RD) */
    bool shut_wr;              /* shutdown(SHUT_WR) */
    bool listening;            /* stream: listen() was called */
    int backlog;               /* stream: connections the accept queue may hold */
    int acceptq[SOCK_LOCAL_BACKLOG_MAX];  /* stream: connected, not yet accepted fds */
    unsigned acceptq_n;        /* entries in acceptq */
    bool accepted;             /* stream: a server end not yet handed out by accept() */
    bool closing;              /* TCP: close() lingers (SO_LINGER) until the peer ACKs */
};

/* Sockets are allocated when opened and freed when closed, and the table of
 * pointers grows (doubling) as descriptors are needed: a host pays for the
 * sockets it has, up to its limit. */
struct sock_table {
    struct socket **s;          /* slot i is fd SOCK_FD_BASE + i; NULL when free */
    unsigned cap;               /* slots allocated */
    unsigned nofile;            /* RLIMIT_NOFILE: every fd is below it */
    uint16_t next_ephemeral;    /* where the next ephemeral port search starts */
    bool calls_untraced;        /* calls leave no CALL event: the caller's own
                                   queries, or the tries of a blocking call it
                                   traces whole (sock_trace_call()) */
};

struct host;

/* The calls. Each returns >= 0 on success and -ERR_* on failure. `h->cause`
 * should name the call (see host_begin_call()). */
int sock_socket(struct host *h, enum sock_domain domain, enum sock_type type,
                enum sock_proto proto);
int sock_bind(struct host *h, int fd, const struct sock_addr *a);
int sock_connect(struct host *h, int fd, const struct sock_addr *a);
/* Returns the bytes sent; the whole datagram or nothing. */
int sock_send(struct host *h, int fd, const uint8_t *buf, size_t len);
int sock_sendto(struct host *h, int fd, const uint8_t *buf, size_t len,
                const struct sock_addr *to);
/* Returns the bytes copied; a datagram longer than cap is truncated and the
 * rest discarded, as recv(2) does. -ERR_AGAIN when nothing is queued. */
int sock_recv(struct host *h, int fd, uint8_t *buf, size_t cap);
int sock_recvfrom(struct host *h, int fd, uint8_t *buf, size_t cap, struct sock_addr *from);
int sock_getsockname(struct host *h, int fd, struct sock_addr *out);
int sock_getpeername(struct host *h, int fd, struct sock_addr *out);
/* Close fd and free it: 0. A TCP socket with SO_LINGER > 0 whose data or FIN
 * the peer has not acknowledged yet stays open instead and the call returns
 * -ERR_INPROGRESS ("close in progress"), as a blocking close() would sleep:
 * wait for SOCK_POLLCLOSE, then call sock_close() again, which frees fd and
 * returns 0 if everything was acknowledged or -ERR_AGAIN (EWOULDBLOCK) if the
 * linger time ran out first (the connection then finishes on its own). */
int sock_close(struct host *h, int fd);

/* Whether the calls that follow are traced (they are by default). A caller
 * that runs a call the application did not write (a query for its own
 * bookkeeping), or that makes one blocking call out of non-blocking tries,
 * turns tracing off around them so no call shows that the application did
 * not make. Returns the previous setting, to restore. */
bool sock_trace_calls(struct host *h, bool on);
/* Trace a call as the application wrote it, in the same form the calls trace
 * themselves: `name(args) = r`, or `name(args) ...` while it is pending (a
 * blocking call that has started and not returned). Used with
 * sock_trace_calls(h, false) around the tries that make up the call. */
void sock_trace_call(struct host *h, enum socket_call call, int r, bool pending,
                     const char *fmt_args, ...) __attribute__((format(printf, 5, 6)));

/* Stream sockets (TCP). connect() on a stream socket starts the handshake and
 * returns -ERR_INPROGRESS; the caller waits for SOCK_POLLOUT or SOCK_POLLERR
 * and reads the outcome with SOCK_OPT_ERROR, as a non-blocking C program does.
 * send() returns the bytes taken into the send buffer (maybe fewer than len)
 * or -ERR_AGAIN when it is full; recv() returns 0 at end of stream. */
int sock_listen(struct host *h, int fd, int backlog);
/* A new fd for the oldest established connection, or -ERR_AGAIN. */
int sock_accept(struct host *h, int fd, struct sock_addr *peer);
int sock_shutdown(struct host *h, int fd, enum sock_shut how);
int sock_setsockopt(struct host *h, int fd, enum sock_opt opt, int64_t value);
int sock_getsockopt(struct host *h, int fd, enum sock_opt opt, int64_t *value);
const char *sock_opt_name(enum sock_opt opt);  /* "SO_RCVBUF", "TCP_NODELAY" */

/* Local (Unix-domain) sockets are named by a path in the host's own
 * namespace instead of an address and port. Their bytes go from one socket's
 * send() straight into the other's receive buffer: no TCP, no IP, no
 * Ethernet, nothing on the wire. socket(AF_LOCAL, SOCK_STREAM or SOCK_DGRAM)
 * makes one; send, recv, listen, accept, shutdown and close work as above. */
int sock_bind_path(struct host *h, int fd, const char *path);
int sock_connect_path(struct host *h, int fd, const char *path);
int sock_sendto_path(struct host *h, int fd, const uint8_t *buf, size_t len, const char *path);
/* As sock_recv(); for a datagram, `from` gets the sender's path ("" if it
 * had none). */
int sock_recvfrom_path(struct host *h, int fd, uint8_t *buf, size_t cap, char *from,
                       size_t from_len);

/* Take the oldest queued ICMP error of a socket with SOCK_OPT_IP_RECVERR
 * (recvmsg(fd, MSG_ERRQUEUE) on Linux): 0 and *out filled, -ERR_AGAIN when
 * none is queued, -ERR_BADF. A socket with errors queued polls SOCK_POLLERR. */
int sock_recv_error(struct host *h, int fd, struct sock_icmp_err *out);

/* For ICMP: queue e on s if it asked for IP_RECVERR (else nothing). */
void sock_queue_icmp_error(struct host *h, struct socket *s, const struct sock_icmp_err *e);

/* SOCK_POLL* bits that hold now; 0 for a bad fd. */
unsigned sock_poll(struct host *h, int fd);

/* ::ffff:a.b.c.d, the form an AF_INET6 socket sees an IPv4 address in
 * [RFC 4291 2.5.5.2] [RFC 3493 3.7]. */
bool sock_addr_is_v4mapped(const struct ip6_addr *a);
uint32_t sock_addr_v4_of_mapped(const struct ip6_addr *a);
void sock_addr_v4mapped(uint32_t v4, struct ip6_addr *out);
/* "192.0.2.1:80", or "[2001:db8::1]:80" as RFC 3986 3.2.2 writes an IPv6
 * host with a port; n >= SOCK_ADDR_STRLEN holds any. */
#define SOCK_ADDR_STRLEN 56
char *sock_addr_str(const struct sock_addr *a, char *buf, size_t n);

/* The socket behind fd, or NULL. */
struct socket *sock_lookup(struct host *h, int fd);
/* A new socket in the lowest free slot, zeroed but for fd (the
 * lowest free descriptor, as POSIX hands out); NULL when the next fd would
 * reach socks.nofile (EMFILE) or memory runs out. */
struct socket *sock_slot_new(struct host *h);
/* Free s's slot; s must hold no packets any more. */
void sock_slot_free(struct host *h, struct socket *s);

/* For the transports: queue a datagram on s (p->data at the payload; l3/l4
 * offsets set so recvfrom can read the source). Takes ownership of p; drops it
 * with SOCK_RCVBUF_FULL if it does not fit. */
void sock_deliver_dgram(struct host *h, struct socket *s, struct pkt *p);

void sock_table_init(struct sock_table *t);
/* Close every socket and free the table (host teardown). */
void sock_table_close_all(struct host *h);

const char *sock_proto_name(enum sock_proto p);  /* "udp" */

#endif
