/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socket.c - the facade: BSD-shaped calls over UDP, ICMP echo and TCP.
 *
 * Everything an application can do with a datagram socket goes through here,
 * and every call that completes is traced at the socket layer with its
 * arguments and result, so the view can show the facade and, below it, what
 * the call set off. Calls never block; -ERR_AGAIN tells the caller to let
 * time run and try again. A caller that makes one blocking call out of
 * such tries turns call tracing off around them (sock_trace_calls()) and
 * traces the call once, as the application wrote it (sock_trace_call()).
 * Called by: the scenario runner, the view's command line, tests.
 * Calls: udp_output(), ipv4_output() (ping sockets), tcp_user_*() (stream
 * sockets: the protocol side lives in tcp_user.c).
 */
#include "stack/socket.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/local.h"
#include "stack/tcp.h"
#include "stack/udp.h"
#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/udp.h"

/* Largest UDP payload in one IPv4 datagram: 65535 - 20 - 8. */
#define UDP_MAX_PAYLOAD 65507

void
sock_table_init(struct sock_table *t)
{
    memset(t, 0, sizeof(*t));
    t->nofile = SOCK_NOFILE_DEFAULT;
    t->next_ephemeral = SOCK_EPHEMERAL_LO;
}

const char *
sock_proto_name(enum sock_proto p)
{
    switch (p) {
    case SOCK_PROTO_UDP: return "udp";
    case SOCK_PROTO_ICMP: return "icmp";
    case SOCK_PROTO_TCP: return "tcp";
    case SOCK_PROTO_LOCAL: return "local";
    }
    return "?";
}

struct socket *
sock_lookup(struct host *h, int fd)
{
    int i = fd - SOCK_FD_BASE;
    if (i < 0 || (unsigned)i >= h->socks.cap)
        return NULL;
    return h->socks.s[i];
}

/* The lowest free slot, growing the table if every slot is taken; -1 when
 * the next descriptor would reach the limit, or memory runs out. */
static int
sock_slot_find(struct host *h)
{
    struct sock_table *t = &h->socks;
    for (unsigned i = 0; i < t->cap; i++)
        if (t->s[i] == NULL)
            return (int)i;
    unsigned max = t->nofile > SOCK_FD_BASE ? t->nofile - SOCK_FD_BASE : 0;
    if (t->cap >= max)
        return -1; /* EMFILE */
    unsigned ncap = t->cap < 16 ? 16 : t->cap * 2;
    if (ncap > max)
        ncap = max;
    struct socket **ns = realloc(t->s, ncap * sizeof(*ns));
    if (ns == NULL)
        return -1;
    for (unsigned i = t->cap; i < ncap; i++)
        ns[i] = NULL;
    int first = (int)t->cap;
    t->s = ns;
    t->cap = ncap;
    return first;
}

struct socket *
sock_slot_new(struct host *h)
{
    int i = sock_slot_find(h);
    if (i < 0)
        return NULL;
    struct socket *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->fd = i + SOCK_FD_BASE;
    h->socks.s[i] = s;
    return s;
}

void
sock_slot_free(struct host *h, struct socket *s)
{
    int i = s->fd - SOCK_FD_BASE;
    if (i >= 0 && (unsigned)i < h->socks.cap && h->socks.s[i] == s)
        h->socks.s[i] = NULL;
    free(s);
}

/* Mark what follows as caused by `call`, keeping the step the caller named
 * (the scenario runner sets cause_call(CALL_NONE, step) before a call). */
static void
sock_enter(struct host *h, enum socket_call call)
{
    uint32_t step = h->cause.kind == CAUSE_CALL ? h->cause.step : 0;
    h->cause = cause_call(call, step);
}

/* The CALL event of call: `name(args) = r`, or `name(args) ...` pending. */
static void
sock_trace_vcall(struct host *h, enum socket_call call, int r, bool pending,
                 const char *fmt_args, va_list ap)
{
    char args[96];
    /* The arguments are part of the sentence only: a bus whose sinks read
     * none (a capture) still gets the event, without them. */
    if (trace_wants_sentence(h->trace))
        vsnprintf(args, sizeof(args), fmt_args, ap);
    else
        args[0] = '\0';
    struct trace_cause saved = h->cause;
    uint32_t step = h->cause.kind == CAUSE_CALL ? h->cause.step : 0;
    h->cause = cause_call(call, step);
    const char *name = socket_call_name(call);
    if (pending)
        trace_event(h, TRACE_CALL, LAYER_SOCKET, NULL, NULL, "%s(%s) ...", name, args);
    else if (r >= 0)
        trace_event(h, TRACE_CALL, LAYER_SOCKET, NULL, NULL, "%s(%s) = %d", name, args, r);
    else
        trace_event(h, TRACE_CALL, LAYER_SOCKET, NULL, NULL, "%s(%s) = -1 %s (%s)", name, args,
                    err_name(r), err_sentence(r));
    h->cause = saved;
}

bool
sock_trace_calls(struct host *h, bool on)
{
    bool was = !h->socks.calls_untraced;
    h->socks.calls_untraced = !on;
    return was;
}

void
sock_trace_call(struct host *h, enum socket_call call, int r, bool pending,
                const char *fmt_args, ...)
{
    if (!trace_wanted(h->trace))
        return;
    va_list ap;
    va_start(ap, fmt_args);
    sock_trace_vcall(h, call, r, pending, fmt_args, ap);
    va_end(ap);
}

/* Trace a completed call and pass its result through; nothing while the
 * caller has call tracing off (sock_trace_calls()). */
static int
sock_ret(struct host *h, int r, const char *fmt_args, ...)
    __attribute__((format(printf, 3, 4)));

static int
sock_ret(struct host *h, int r, const char *fmt_args, ...)
{
    if (!trace_wanted(h->trace) || h->socks.calls_untraced)
        return r; /* a CALL event is not counted: nothing to build */
    va_list ap;
    va_start(ap, fmt_args);
    sock_trace_vcall(h, (enum socket_call)h->cause.call, r, false, fmt_args, ap);
    va_end(ap);
    return r;
}

static char *
sa_str(const struct sock_addr *a, char *buf, size_t n)
{
    char ip[IPV4_ADDR_STRLEN];
    snprintf(buf, n, "%s:%u", ipv4_addr_str(a->addr, ip), a->port);
    return buf;
}

/* Is lport taken for laddr by another socket of the same protocol? */
static bool
sock_port_in_use(struct host *h, const struct socket *self, enum sock_proto proto, uint32_t laddr,
                 uint16_t lport)
{
    for (unsigned i = 0; i < h->socks.cap; i++) {
        const struct socket *s = h->socks.s[i];
        if (s == NULL || s == self || s->proto != proto || s->pcb.lport != lport)
            continue;
        /* Wildcard overlaps everything; two specific addresses overlap only
         * when equal. SO_REUSEADDR on both sides lets them share. */
        bool overlap = s->pcb.laddr == 0 || laddr == 0 || s->pcb.laddr == laddr;
        if (overlap && !(s->so_reuseaddr && self->so_reuseaddr))
            return true;
    }
    /* A TCP port is also held by connections whose socket is gone (FIN-WAIT,
     * TIME-WAIT): SO_REUSEADDR lets a new socket bind over those. */
    if (proto == SOCK_PROTO_TCP && !self->so_reuseaddr && tcp_port_in_use(h, laddr, lport)) {
        const struct tcb *mine = tcp_tcb_by_fd(h, self->fd);
        for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next)
            if (tp != mine && tp->lport == lport && tp->state != TCP_CLOSED &&
                (tp->laddr == 0 || laddr == 0 || tp->laddr == laddr))
                return true;
    }
    return false;
}

/* Pick an ephemeral port for s [RFC 6056]: the next free one in the range. */
static int
sock_ephemeral(struct host *h, struct socket *s, uint32_t laddr)
{
    unsigned span = SOCK_EPHEMERAL_HI - SOCK_EPHEMERAL_LO + 1;
    for (unsigned n = 0; n < span; n++) {
        uint16_t port = h->socks.next_ephemeral;
        h->socks.next_ephemeral =
            port == SOCK_EPHEMERAL_HI ? SOCK_EPHEMERAL_LO : (uint16_t)(port + 1);
        if (!sock_port_in_use(h, s, s->proto, laddr, port))
            return port;
    }
    return -ERR_ADDRINUSE;
}

/* Give s a local port if it has none (an implicit bind, as the first sendto
 * or connect does). */
static int
sock_autobind(struct host *h, struct socket *s)
{
    if (s->bound)
        return 0;
    if (s->proto == SOCK_PROTO_ICMP) {
        s->ping_id = h->next_ping_id++;
        s->pcb.lport = s->ping_id;
        s->bound = true;
        return 0;
    }
    int port = sock_ephemeral(h, s, s->pcb.laddr);
    if (port < 0)
        return port;
    s->pcb.lport = (uint16_t)port;
    s->bound = true;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 6335 6",
                "socket %d gets ephemeral port %u (implicit bind)", s->fd, port);
    return 0;
}

/* A pending asynchronous error is returned, once, by the next call. */
static int
sock_take_error(struct socket *s)
{
    int e = s->so_error;
    s->so_error = 0;
    return e == 0 ? 0 : -e;
}

int
sock_socket(struct host *h, enum sock_domain domain, enum sock_type type, enum sock_proto proto)
{
    sock_enter(h, CALL_SOCKET);
    const char *tname = type == SOCK_TYPE_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM";
    const char *dname = domain == SOCK_DOMAIN_LOCAL ? "AF_LOCAL" : "AF_INET";
    if (domain != SOCK_DOMAIN_INET && domain != SOCK_DOMAIN_LOCAL)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%s, %s", dname, tname);
    if ((domain == SOCK_DOMAIN_LOCAL) != (proto == SOCK_PROTO_LOCAL))
        return sock_ret(h, -ERR_PROTONOSUPPORT, "%s, %s", dname, tname);
    if (domain == SOCK_DOMAIN_INET && (type == SOCK_TYPE_STREAM) != (proto == SOCK_PROTO_TCP))
        return sock_ret(h, -ERR_PROTONOSUPPORT, "%s, %s", dname, tname);
    struct socket *s = sock_slot_new(h);
    if (s != NULL) {
        s->domain = domain;
        s->type = type;
        s->proto = proto;
        s->rcvbuf = SOCK_RCVBUF_DEFAULT;
        s->sndbuf = SOCK_SNDBUF_DEFAULT;
        if (proto == SOCK_PROTO_TCP) {
            /* A stream socket has its TCB from the start, in CLOSED (BSD's
             * tcp_attach), so options set before connect() have a home. */
            int e = tcp_user_attach(h, s);
            if (e < 0) {
                sock_slot_free(h, s);
                return sock_ret(h, e, "%s, %s", dname, tname);
            }
        }
        return sock_ret(h, s->fd, "%s, %s, %s", dname, tname,
                        proto == SOCK_PROTO_ICMP ? "IPPROTO_ICMP" : "0");
    }
    return sock_ret(h, -ERR_MFILE, "%s, %s", dname, tname);
}

int
sock_bind(struct host *h, int fd, const struct sock_addr *a)
{
    sock_enter(h, CALL_BIND);
    char as[32];
    sa_str(a, as, sizeof(as));
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%d, %s", fd, as);
    if (s->bound)
        return sock_ret(h, -ERR_INVAL, "%d, %s", fd, as);
    /* [POSIX bind] the address must be one of this host's, or any. */
    if (a->addr != 0 && !ipv4_is_local(h, a->addr) && !ipv4_is_broadcast(h, a->addr))
        return sock_ret(h, -ERR_ADDRNOTAVAIL, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_ICMP) {
        s->pcb.laddr = a->addr;
        return sock_ret(h, sock_autobind(h, s), "%d, %s", fd, as);
    }
    uint16_t port = a->port;
    if (port == 0) {
        int e = sock_ephemeral(h, s, a->addr);
        if (e < 0)
            return sock_ret(h, e, "%d, %s", fd, as);
        port = (uint16_t)e;
    } else if (sock_port_in_use(h, s, s->proto, a->addr, port)) {
        return sock_ret(h, -ERR_ADDRINUSE, "%d, %s", fd, as);
    }
    s->pcb.laddr = a->addr;
    s->pcb.lport = port;
    s->bound = true;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL, "socket %d is bound to %s:%u", fd,
                a->addr == 0 ? "0.0.0.0 (any address)" : as, port);
    return sock_ret(h, 0, "%d, %s", fd, as);
}

int
sock_connect(struct host *h, int fd, const struct sock_addr *a)
{
    sock_enter(h, CALL_CONNECT);
    char as[32];
    sa_str(a, as, sizeof(as));
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%d, %s", fd, as);
    if (a->addr == 0 || (a->port == 0 && s->proto == SOCK_PROTO_UDP))
        return sock_ret(h, -ERR_INVAL, "%d, %s", fd, as);
    if (ipv4_is_broadcast(h, a->addr) && !s->so_broadcast)
        return sock_ret(h, -ERR_ACCES, "%d, %s", fd, as);
    uint32_t src = ipv4_source_for(h, a->addr);
    if (src == 0 && !ipv4_is_broadcast(h, a->addr))
        return sock_ret(h, -ERR_NETUNREACH, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_TCP) {
        if (a->port == 0 || ipv4_is_broadcast(h, a->addr))
            return sock_ret(h, a->port == 0 ? -ERR_INVAL : -ERR_NETUNREACH, "%d, %s", fd, as);
        struct tcb *tp = tcp_tcb_by_fd(h, fd);
        if (tp != NULL && tp->state == TCP_CLOSED && !tp->used) {
            int e = sock_autobind(h, s);
            if (e < 0)
                return sock_ret(h, e, "%d, %s", fd, as);
        }
        int r = tcp_user_connect(h, s, a->addr, a->port);
        if (r == -ERR_INPROGRESS) {
            s->pcb.faddr = a->addr;
            s->pcb.fport = a->port;
            s->so_error = 0;
        }
        return sock_ret(h, r, "%d, %s", fd, as);
    }
    int e = sock_autobind(h, s);
    if (e < 0)
        return sock_ret(h, e, "%d, %s", fd, as);
    /* A UDP connect sends nothing: it only fixes the peer, so send() needs no
     * address and only that peer's datagrams are received. */
    s->pcb.faddr = a->addr;
    s->pcb.fport = a->port;
    s->connected = true;
    s->so_error = 0;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                "socket %d is connected to %s: nothing is sent for UDP, the peer is only remembered",
                fd, as);
    return sock_ret(h, 0, "%d, %s", fd, as);
}

static int
sock_send_common(struct host *h, struct socket *s, const uint8_t *buf, size_t len,
                 const struct sock_addr *to)
{
    int e = sock_take_error(s);
    if (e < 0)
        return e;
    if (to == NULL) {
        if (!s->connected)
            return -ERR_DESTADDRREQ;
    }
    uint32_t dst = to != NULL ? to->addr : s->pcb.faddr;
    uint16_t dport = to != NULL ? to->port : s->pcb.fport;
    if (ipv4_is_broadcast(h, dst) && !s->so_broadcast)
        return -ERR_ACCES;
    /* A datagram larger than the path MTU is fragmented [RFC 791 3.2], up to
     * what one IPv4 datagram holds; with DF (IP_PMTUDISC_DO) it must fit the
     * path MTU instead, as Linux answers EMSGSIZE. */
    if (s->proto == SOCK_PROTO_UDP &&
        (len > UDP_MAX_PAYLOAD || (s->ip_df && len + UDP_HDR_LEN > ipv4_max_payload(h, dst))))
        return -ERR_MSGSIZE;
    e = sock_autobind(h, s);
    if (e < 0)
        return e;
    if (s->proto == SOCK_PROTO_UDP) {
        if (dport == 0)
            return -ERR_INVAL;
        int r = udp_output(h, s, buf, len, dst, dport);
        if (r >= 0)
            s->tx_datagrams++;
        return r;
    }
    /* A ping socket: the application wrote an ICMP echo request; the stack
     * puts the socket's identifier in it and the checksum, as Linux does. */
    if (len < ICMP_HDR_LEN || buf[0] != ICMP_ECHO_REQUEST)
        return -ERR_INVAL;
    if (len > IPV4_MAX_LEN - IPV4_HDR_MIN || (s->ip_df && len > ipv4_max_payload(h, dst)))
        return -ERR_MSGSIZE;
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, len);
    if (p == NULL)
        return -ERR_NOBUFS;
    uint8_t *b = pkt_put(p, len);
    memcpy(b, buf, len);
    struct icmp_hdr icmp = { .type = ICMP_ECHO_REQUEST, .code = 0, .id = s->ping_id,
                             .seq = be16_get(buf + 6) };
    icmp_emit(&icmp, b, len);
    p->l4_off = pkt_off(p);
    host_count_icmp(h, true, ICMP_ECHO_REQUEST);
    trace_tx(h, LAYER_ICMP, p, "RFC 792", "ICMP echo request, id %u, seq %u, length %zu", icmp.id,
             icmp.seq, len);
    struct ipv4_tx tx = { .src = s->pcb.laddr, .dst = dst, .proto = IPPROTO_ICMP_,
                          .ttl = s->ip_ttl, .df = s->ip_df };
    int r = ipv4_output(h, p, &tx);
    if (r >= 0)
        s->tx_datagrams++;
    return r < 0 ? r : (int)len;
}

int
sock_send(struct host *h, int fd, const uint8_t *buf, size_t len)
{
    sock_enter(h, CALL_SEND);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %zu bytes", fd, len);
    if (s->proto == SOCK_PROTO_TCP || s->proto == SOCK_PROTO_LOCAL) {
        int r = s->proto == SOCK_PROTO_TCP ? tcp_user_send(h, s, buf, len)
                                           : local_send(h, s, buf, len, NULL);
        return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu bytes", fd, len);
    }
    return sock_ret(h, sock_send_common(h, s, buf, len, NULL), "%d, %zu bytes", fd, len);
}

int
sock_sendto(struct host *h, int fd, const uint8_t *buf, size_t len, const struct sock_addr *to)
{
    sock_enter(h, CALL_SENDTO);
    char as[32];
    sa_str(to, as, sizeof(as));
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %zu bytes, %s", fd, len, as);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%d, %zu bytes, %s", fd, len, as);
    if (s->proto == SOCK_PROTO_TCP) {
        /* [POSIX sendto] on a connection-mode socket the address is ignored. */
        int r = tcp_user_send(h, s, buf, len);
        return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu bytes, %s", fd, len, as);
    }
    return sock_ret(h, sock_send_common(h, s, buf, len, to), "%d, %zu bytes, %s", fd, len, as);
}

/* The source of a queued datagram, from the headers it kept. */
static void
sock_dgram_source(const struct socket *s, const struct pkt *p, struct sock_addr *from)
{
    const uint8_t *ip = pkt_l3(p);
    const uint8_t *l4 = pkt_l4(p);
    from->addr = ip != NULL ? be32_get(ip + IPV4_OFF_SRC) : 0;
    if (s->proto == SOCK_PROTO_UDP && l4 != NULL)
        from->port = be16_get(l4);
    else
        from->port = 0;
}

static int
sock_recv_common(struct host *h, struct socket *s, uint8_t *buf, size_t cap,
                 struct sock_addr *from)
{
    int e = sock_take_error(s);
    if (e < 0)
        return e;
    struct pkt *p = pkt_queue_pop(&s->rcvq);
    if (p == NULL)
        return -ERR_AGAIN;
    size_t n = p->len < cap ? p->len : cap;
    memcpy(buf, p->data, n);
    if (from != NULL)
        sock_dgram_source(s, p, from);
    char as[32];
    struct sock_addr src;
    sock_dgram_source(s, p, &src);
    trace_event(h, TRACE_DELIVER, LAYER_SOCKET, p, NULL,
                "socket %d: the application reads %zu of %zu bytes from %s%s", s->fd, n, p->len,
                sa_str(&src, as, sizeof(as)),
                n < p->len ? " (the rest of the datagram is discarded)" : "");
    pkt_free(p);
    return (int)n;
}

int
sock_recv(struct host *h, int fd, uint8_t *buf, size_t cap)
{
    sock_enter(h, CALL_RECV);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %zu", fd, cap);
    if (s->proto == SOCK_PROTO_TCP || s->proto == SOCK_PROTO_LOCAL) {
        int r = s->proto == SOCK_PROTO_TCP ? tcp_user_recv(h, s, buf, cap)
                                           : local_recv(h, s, buf, cap, NULL, 0);
        return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu", fd, cap);
    }
    int r = sock_recv_common(h, s, buf, cap, NULL);
    return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu", fd, cap);
}

int
sock_recvfrom(struct host *h, int fd, uint8_t *buf, size_t cap, struct sock_addr *from)
{
    sock_enter(h, CALL_RECVFROM);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %zu", fd, cap);
    if (s->proto == SOCK_PROTO_TCP) {
        int r = tcp_user_recv(h, s, buf, cap);
        if (r >= 0 && from != NULL) {
            from->addr = s->pcb.faddr;
            from->port = s->pcb.fport;
        }
        return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu", fd, cap);
    }
    if (s->proto == SOCK_PROTO_LOCAL) {
        int r = local_recv(h, s, buf, cap, NULL, 0);
        if (r >= 0 && from != NULL)
            *from = (struct sock_addr){ 0 };
        return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu", fd, cap);
    }
    int r = sock_recv_common(h, s, buf, cap, from);
    return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu", fd, cap);
}

int
sock_getsockname(struct host *h, int fd, struct sock_addr *out)
{
    sock_enter(h, CALL_GETSOCKNAME);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d", fd);
    out->addr = s->pcb.laddr;
    out->port = s->pcb.lport;
    /* A connected socket reports the source address its route chose. */
    if (out->addr == 0 && s->connected)
        out->addr = ipv4_source_for(h, s->pcb.faddr);
    char as[32];
    return sock_ret(h, 0, "%d, %s", fd, sa_str(out, as, sizeof(as)));
}

int
sock_getpeername(struct host *h, int fd, struct sock_addr *out)
{
    sock_enter(h, CALL_GETPEERNAME);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d", fd);
    if (!s->connected)
        return sock_ret(h, -ERR_NOTCONN, "%d", fd);
    out->addr = s->pcb.faddr;
    out->port = s->pcb.fport;
    char as[32];
    return sock_ret(h, 0, "%d, %s", fd, sa_str(out, as, sizeof(as)));
}

static void
sock_release(struct host *h, struct socket *s)
{
    struct pkt *p;
    while ((p = pkt_queue_pop(&s->rcvq)) != NULL)
        pkt_drop(h, p, LAYER_SOCKET, DROP_SOCK_CLOSED);
    sock_slot_free(h, s);
}

int
sock_close(struct host *h, int fd)
{
    sock_enter(h, CALL_CLOSE);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d", fd);
    size_t left = s->rcvq.count;
    int r = 0;
    if (s->proto == SOCK_PROTO_TCP)
        r = tcp_user_close(h, s);
    else if (s->proto == SOCK_PROTO_LOCAL)
        local_close(h, s);
    if (r == -ERR_INPROGRESS) /* SO_LINGER: the socket stays until the peer ACKs */
        return sock_ret(h, r, "%d", fd);
    sock_release(h, s);
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL, "socket %d closed%s%s", fd,
                left > 0 ? "; unread datagrams discarded" : "",
                r == -ERR_AGAIN ? "; the linger time ran out before the peer acknowledged all"
                                : "");
    return sock_ret(h, r, "%d", fd);
}

unsigned
sock_poll(struct host *h, int fd)
{
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return 0;
    if (s->proto == SOCK_PROTO_TCP)
        return tcp_user_poll(h, s);
    if (s->proto == SOCK_PROTO_LOCAL)
        return local_poll(h, s);
    unsigned ev = SOCK_POLLOUT;
    if (s->rcvq.count > 0)
        ev |= SOCK_POLLIN;
    if (s->so_error != 0)
        ev |= SOCK_POLLERR | SOCK_POLLIN;
    if (s->errq_count > 0)
        ev |= SOCK_POLLERR;
    return ev;
}

void
sock_queue_icmp_error(struct host *h, struct socket *s, const struct sock_icmp_err *e)
{
    if (!s->ip_recverr)
        return;
    if (s->errq_count == SOCK_ERRQ_MAX) {
        memmove(&s->errq[0], &s->errq[1], (SOCK_ERRQ_MAX - 1) * sizeof(s->errq[0]));
        s->errq_count--;
    }
    s->errq[s->errq_count++] = *e;
    char off[IPV4_ADDR_STRLEN];
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                "socket %d: ICMP error from %s queued (IP_RECVERR, %u waiting)", s->fd,
                ipv4_addr_str(e->offender, off), s->errq_count);
}

int
sock_recv_error(struct host *h, int fd, struct sock_icmp_err *out)
{
    sock_enter(h, CALL_RECVFROM);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, MSG_ERRQUEUE", fd);
    if (s->errq_count == 0)
        return -ERR_AGAIN;
    *out = s->errq[0];
    memmove(&s->errq[0], &s->errq[1], (s->errq_count - 1) * sizeof(s->errq[0]));
    s->errq_count--;
    /* Linux also clears the pending error the queued one set. */
    if (s->so_error == out->err)
        s->so_error = 0;
    char off[IPV4_ADDR_STRLEN];
    return sock_ret(h, 0, "%d, MSG_ERRQUEUE -> %s from %s", fd, err_name(out->err),
                    ipv4_addr_str(out->offender, off));
}

void
sock_deliver_dgram(struct host *h, struct socket *s, struct pkt *p)
{
    if (s->rcvq.bytes + p->len > s->rcvbuf) {
        pkt_drop(h, p, LAYER_SOCKET, DROP_SOCK_RCVBUF_FULL);
        return;
    }
    s->rx_datagrams++;
    if (s->proto == SOCK_PROTO_UDP)
        h->stats.udp_delivered++;
    trace_event(h, TRACE_DELIVER, LAYER_SOCKET, p, NULL,
                "socket %d: %zu bytes queued for the application (%zu datagram%s waiting)", s->fd,
                p->len, s->rcvq.count + 1, s->rcvq.count == 0 ? "" : "s");
    pkt_queue_push(&s->rcvq, p);
}

void
sock_table_close_all(struct host *h)
{
    for (unsigned i = 0; i < h->socks.cap; i++)
        if (h->socks.s[i] != NULL)
            sock_release(h, h->socks.s[i]);
    free(h->socks.s);
    h->socks.s = NULL;
    h->socks.cap = 0;
}

/* ---- stream sockets and options ------------------------------------------ */

const char *
sock_opt_name(enum sock_opt opt)
{
    static const char *const names[SOCK_OPT_COUNT] = {
        [SOCK_OPT_ERROR] = "SO_ERROR",         [SOCK_OPT_REUSEADDR] = "SO_REUSEADDR",
        [SOCK_OPT_BROADCAST] = "SO_BROADCAST", [SOCK_OPT_RCVBUF] = "SO_RCVBUF",
        [SOCK_OPT_SNDBUF] = "SO_SNDBUF",       [SOCK_OPT_KEEPALIVE] = "SO_KEEPALIVE",
        [SOCK_OPT_LINGER] = "SO_LINGER",       [SOCK_OPT_TCP_NODELAY] = "TCP_NODELAY",
        [SOCK_OPT_TCP_CONGESTION] = "TCP_CONGESTION",
        [SOCK_OPT_IP_TTL] = "IP_TTL",          [SOCK_OPT_IP_DF] = "IP_MTU_DISCOVER",
        [SOCK_OPT_IP_RECVERR] = "IP_RECVERR",
    };
    return (unsigned)opt < SOCK_OPT_COUNT ? names[opt] : "?";
}

int
sock_listen(struct host *h, int fd, int backlog)
{
    sock_enter(h, CALL_LISTEN);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %d", fd, backlog);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, local_listen(h, s, backlog), "%d, %d", fd, backlog);
    if (s->proto != SOCK_PROTO_TCP)
        return sock_ret(h, -ERR_OPNOTSUPP, "%d, %d", fd, backlog);
    /* Like Linux, listen() on an unbound socket binds an ephemeral port. */
    int e = sock_autobind(h, s);
    if (e < 0)
        return sock_ret(h, e, "%d, %d", fd, backlog);
    return sock_ret(h, tcp_user_listen(h, s, backlog), "%d, %d", fd, backlog);
}

int
sock_accept(struct host *h, int fd, struct sock_addr *peer)
{
    sock_enter(h, CALL_ACCEPT);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d", fd);
    if (s->proto == SOCK_PROTO_LOCAL) {
        int r = local_accept(h, s);
        if (r >= 0 && peer != NULL)
            *peer = (struct sock_addr){ 0 };
        return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %s", fd, s->path);
    }
    if (s->proto != SOCK_PROTO_TCP)
        return sock_ret(h, -ERR_OPNOTSUPP, "%d", fd);
    struct tcb *lt = tcp_tcb_by_fd(h, fd);
    if (lt == NULL || lt->state != TCP_LISTEN)
        return sock_ret(h, -ERR_INVAL, "%d", fd);
    if (tcp_user_accept_ready(h, s) == NULL)
        return -ERR_AGAIN;
    struct socket *ns = sock_slot_new(h);
    if (ns == NULL)
        return sock_ret(h, -ERR_MFILE, "%d", fd);
    ns->domain = s->domain;
    ns->type = s->type;
    ns->proto = s->proto;
    int r = tcp_user_accept(h, s, ns);
    if (r < 0) {
        sock_slot_free(h, ns);
        return sock_ret(h, r, "%d", fd);
    }
    char as[32];
    struct sock_addr pa = { ns->pcb.faddr, ns->pcb.fport };
    if (peer != NULL)
        *peer = pa;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 9293 3.10.1",
                "socket %d: connection from %s taken off the accept queue", ns->fd,
                sa_str(&pa, as, sizeof(as)));
    return sock_ret(h, ns->fd, "%d, %s", fd, as);
}

int
sock_shutdown(struct host *h, int fd, enum sock_shut how)
{
    sock_enter(h, CALL_SHUTDOWN);
    static const char *const hows[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
    const char *hn = (unsigned)how <= SOCK_SHUT_RDWR ? hows[how] : "?";
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s", fd, hn);
    if ((unsigned)how > SOCK_SHUT_RDWR)
        return sock_ret(h, -ERR_INVAL, "%d, %s", fd, hn);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, local_shutdown(h, s, (int)how), "%d, %s", fd, hn);
    if (s->proto != SOCK_PROTO_TCP)
        return sock_ret(h, s->connected ? 0 : -ERR_NOTCONN, "%d, %s", fd, hn);
    return sock_ret(h, tcp_user_shutdown(h, s, (int)how), "%d, %s", fd, hn);
}

/* Smallest and largest buffer sizes SO_RCVBUF/SO_SNDBUF accept. */
#define SOCK_BUF_MIN 128u
#define SOCK_BUF_MAX (16u * 1024 * 1024)

int
sock_setsockopt(struct host *h, int fd, enum sock_opt opt, int64_t value)
{
    sock_enter(h, CALL_SETSOCKOPT);
    const char *on = sock_opt_name(opt);
    long long v = (long long)value;
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s, %lld", fd, on, v);
    struct tcb *tp = s->proto == SOCK_PROTO_TCP ? tcp_tcb_by_fd(h, fd) : NULL;
    bool tcp_only = opt == SOCK_OPT_KEEPALIVE || opt == SOCK_OPT_LINGER ||
                    opt == SOCK_OPT_TCP_NODELAY || opt == SOCK_OPT_TCP_CONGESTION;
    /* Linux says ENOPROTOOPT for a TCP option on UDP; err.h's nearest is
     * EOPNOTSUPP. */
    if (tcp_only && tp == NULL)
        return sock_ret(h, -ERR_OPNOTSUPP, "%d, %s, %lld", fd, on, v);
    int r = 0;
    switch (opt) {
    case SOCK_OPT_ERROR:
        r = -ERR_INVAL; /* read-only */
        break;
    case SOCK_OPT_REUSEADDR:
        s->so_reuseaddr = value != 0;
        break;
    case SOCK_OPT_BROADCAST:
        s->so_broadcast = value != 0;
        break;
    case SOCK_OPT_RCVBUF:
    case SOCK_OPT_SNDBUF: {
        if (value <= 0) {
            r = -ERR_INVAL;
            break;
        }
        size_t n = value < SOCK_BUF_MIN ? SOCK_BUF_MIN
                                        : value > SOCK_BUF_MAX ? SOCK_BUF_MAX : (size_t)value;
        bool rcv = opt == SOCK_OPT_RCVBUF;
        if (tp != NULL) {
            r = tcp_user_set_buf(h, s, rcv, n);
            if (r < 0)
                break;
            n = rcv ? tp->rcvbuf : tp->sndbuf;
        }
        if (rcv)
            s->rcvbuf = n;
        else
            s->sndbuf = n;
        break;
    }
    case SOCK_OPT_KEEPALIVE:
        tp->keepalive = value != 0;
        if (tp->keepalive && tp->state == TCP_ESTABLISHED)
            tcp_timer_arm(tp, TCP_T_KEEPALIVE, h->tcp.keep_idle_ns);
        else if (!tp->keepalive)
            tcp_timer_stop(tp, TCP_T_KEEPALIVE);
        break;
    case SOCK_OPT_LINGER:
        if (value < -1 || value > 3600)
            r = -ERR_INVAL;
        else
            tp->linger_s = (int)value;
        break;
    case SOCK_OPT_TCP_NODELAY:
        tp->nodelay = value != 0;
        /* Turning Nagle off pushes what it was holding back (Linux). */
        if (tp->nodelay)
            tcp_output(tp, TCP_WHY_DATA);
        break;
    case SOCK_OPT_TCP_CONGESTION:
        if (value < 0 || value >= TCP_CC_COUNT)
            r = -ERR_INVAL;
        else
            tp->cc_algo = (enum tcp_cc_algo)value;
        break;
    case SOCK_OPT_IP_TTL:
        /* Linux: 1..255, and -1 restores the default. */
        if (value < -1 || value > 255)
            r = -ERR_INVAL;
        else
            s->ip_ttl = value <= 0 ? 0 : (uint8_t)value;
        break;
    case SOCK_OPT_IP_DF:
        s->ip_df = value != 0;
        break;
    case SOCK_OPT_IP_RECVERR:
        s->ip_recverr = value != 0;
        if (!s->ip_recverr)
            s->errq_count = 0;
        break;
    case SOCK_OPT_COUNT:
    default:
        r = -ERR_INVAL;
        break;
    }
    if (opt == SOCK_OPT_TCP_CONGESTION && r == 0)
        return sock_ret(h, r, "%d, %s, \"%s\"", fd, on, tcp_cc_name((enum tcp_cc_algo)value));
    return sock_ret(h, r, "%d, %s, %lld", fd, on, v);
}

int
sock_getsockopt(struct host *h, int fd, enum sock_opt opt, int64_t *value)
{
    sock_enter(h, CALL_GETSOCKOPT);
    const char *on = sock_opt_name(opt);
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s", fd, on);
    struct tcb *tp = s->proto == SOCK_PROTO_TCP ? tcp_tcb_by_fd(h, fd) : NULL;
    int64_t v = 0;
    int r = 0;
    switch (opt) {
    case SOCK_OPT_ERROR:
        v = s->so_error;
        s->so_error = 0;
        break;
    case SOCK_OPT_REUSEADDR:
        v = s->so_reuseaddr;
        break;
    case SOCK_OPT_BROADCAST:
        v = s->so_broadcast;
        break;
    case SOCK_OPT_RCVBUF:
        /* A connection's buffer may have grown with it (tcp.rcvbuf_round). */
        v = (int64_t)(tp != NULL && tp->rcvbuf > s->rcvbuf ? tp->rcvbuf : s->rcvbuf);
        break;
    case SOCK_OPT_SNDBUF:
        v = (int64_t)s->sndbuf;
        break;
    case SOCK_OPT_KEEPALIVE:
    case SOCK_OPT_LINGER:
    case SOCK_OPT_TCP_NODELAY:
    case SOCK_OPT_TCP_CONGESTION:
        if (tp == NULL) {
            r = -ERR_OPNOTSUPP;
            break;
        }
        v = opt == SOCK_OPT_KEEPALIVE ? tp->keepalive
            : opt == SOCK_OPT_LINGER  ? tp->linger_s
            : opt == SOCK_OPT_TCP_NODELAY ? tp->nodelay
                                          : (int64_t)tp->cc_algo;
        break;
    case SOCK_OPT_IP_TTL:
        v = s->ip_ttl != 0 ? s->ip_ttl : IPV4_DEFAULT_TTL;
        break;
    case SOCK_OPT_IP_DF:
        v = s->ip_df;
        break;
    case SOCK_OPT_IP_RECVERR:
        v = s->ip_recverr;
        break;
    case SOCK_OPT_COUNT:
    default:
        r = -ERR_INVAL;
        break;
    }
    if (r == 0 && value != NULL)
        *value = v;
    if (r < 0)
        return sock_ret(h, r, "%d, %s", fd, on);
    if (opt == SOCK_OPT_ERROR && v != 0)
        return sock_ret(h, 0, "%d, %s -> %s", fd, on, err_name((int)v));
    return sock_ret(h, 0, "%d, %s -> %lld", fd, on, (long long)v);
}

/* ---- AF_LOCAL calls named by a path (local.c does the work) ------------- */

/* The local socket behind fd, or NULL with *err set. */
static struct socket *
sock_local(struct host *h, int fd, int *err)
{
    struct socket *s = sock_lookup(h, fd);
    *err = s == NULL ? -ERR_BADF : s->proto != SOCK_PROTO_LOCAL ? -ERR_AFNOSUPPORT : 0;
    return *err == 0 ? s : NULL;
}

int
sock_bind_path(struct host *h, int fd, const char *path)
{
    sock_enter(h, CALL_BIND);
    int e;
    struct socket *s = sock_local(h, fd, &e);
    return sock_ret(h, s == NULL ? e : local_bind(h, s, path), "%d, \"%s\"", fd, path);
}

int
sock_connect_path(struct host *h, int fd, const char *path)
{
    sock_enter(h, CALL_CONNECT);
    int e;
    struct socket *s = sock_local(h, fd, &e);
    return sock_ret(h, s == NULL ? e : local_connect(h, s, path), "%d, \"%s\"", fd, path);
}

int
sock_sendto_path(struct host *h, int fd, const uint8_t *buf, size_t len, const char *path)
{
    sock_enter(h, CALL_SENDTO);
    int e;
    struct socket *s = sock_local(h, fd, &e);
    int r = s == NULL ? e : local_send(h, s, buf, len, path);
    return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu bytes, \"%s\"", fd, len, path);
}

int
sock_recvfrom_path(struct host *h, int fd, uint8_t *buf, size_t cap, char *from, size_t from_len)
{
    sock_enter(h, CALL_RECVFROM);
    int e;
    struct socket *s = sock_local(h, fd, &e);
    int r = s == NULL ? e : local_recv(h, s, buf, cap, from, from_len);
    return r == -ERR_AGAIN ? r : sock_ret(h, r, "%d, %zu", fd, cap);
}
