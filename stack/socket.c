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
 *
 * AF_INET6 sockets [RFC 3493]: an address is a struct sock_addr of family
 * SOCK_AF_INET6. A connection or datagram to a plain IPv6 address runs over
 * IPv6 (pcb.v6); one to an IPv4-mapped address ::ffff:a.b.c.d runs over
 * IPv4 and the socket sees the IPv4 peer in that mapped form [RFC 4291
 * 2.5.5.2] [RFC 3493 3.7], unless IPV6_V6ONLY is set [RFC 3493 5.3].
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
#include "stack/ipv6.h"
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
/* And in one IPv6 packet without a jumbogram: 65535 - 8 [RFC 8200 3]. */
#define UDP6_MAX_PAYLOAD 65527

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
static void sock_trace_vcall(struct host *h, enum socket_call call, int r, bool pending,
                             const char *fmt_args, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void
sock_trace_vcall(struct host *h, enum socket_call call, int r, bool pending,
                 const char *fmt_args, va_list ap)
{
    char args[96];
    /* The arguments are part of the sentence only: a bus whose sinks read
     * none (a capture) still gets the event, without them. Formatted by
     * the bus's plain formatter: vsnprintf() cost more than the event. */
    if (trace_wants_sentence(h->trace))
        trace_vformat_plain(args, sizeof(args), fmt_args, ap);
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

bool
sock_addr_is_v4mapped(const struct ip6_addr *a)
{
    static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(a->b, prefix, sizeof(prefix)) == 0;
}

uint32_t
sock_addr_v4_of_mapped(const struct ip6_addr *a)
{
    return be32_get(a->b + 12);
}

void
sock_addr_v4mapped(uint32_t v4, struct ip6_addr *out)
{
    memset(out->b, 0, 10);
    out->b[10] = 0xff;
    out->b[11] = 0xff;
    be32_put(out->b + 12, v4);
}

char *
sock_addr_str(const struct sock_addr *a, char *buf, size_t n)
{
    if (a->family == SOCK_AF_INET6 && sock_addr_is_v4mapped(&a->addr6)) {
        /* [RFC 5952 5] a mapped address ends in dotted decimal */
        char ip[IPV4_ADDR_STRLEN];
        snprintf(buf, n, "[::ffff:%s]:%u", ipv4_addr_str(sock_addr_v4_of_mapped(&a->addr6), ip),
                 a->port);
    } else if (a->family == SOCK_AF_INET6) {
        char ip[IPV6_ADDR_STRLEN];
        snprintf(buf, n, "[%s]:%u", ip6_addr_str(&a->addr6, ip), a->port);
    } else {
        char ip[IPV4_ADDR_STRLEN];
        snprintf(buf, n, "%s:%u", ipv4_addr_str(a->addr, ip), a->port);
    }
    return buf;
}

static char *
sa_str(const struct sock_addr *a, char *buf, size_t n)
{
    return sock_addr_str(a, buf, n);
}

/* An address as the socket's family writes it: an AF_INET6 socket sees an
 * IPv4 endpoint as ::ffff:a.b.c.d [RFC 3493 3.7]. */
static void
sock_addr_for(const struct socket *s, bool v6, uint32_t v4, const struct ip6_addr *a6,
              uint16_t port, struct sock_addr *out)
{
    *out = (struct sock_addr){ .port = port };
    if (s->domain != SOCK_DOMAIN_INET6) {
        out->addr = v4;
        return;
    }
    out->family = SOCK_AF_INET6;
    if (v6)
        out->addr6 = *a6;
    else if (v4 != 0)
        sock_addr_v4mapped(v4, &out->addr6);
}

/* Where an address given to a call leads: IPv4 (*v6 false, *v4 set) or
 * IPv6 (*a6 set). An AF_INET socket takes only AF_INET addresses and an
 * AF_INET6 one only AF_INET6 addresses (EAFNOSUPPORT, as Linux); a mapped
 * address on an IPV6_V6ONLY socket leads nowhere (ENETUNREACH, as Linux's
 * connect). */
static int
sock_endpoint(const struct socket *s, const struct sock_addr *a, bool *v6, uint32_t *v4,
              struct ip6_addr *a6)
{
    *v6 = false;
    *v4 = 0;
    memset(a6, 0, sizeof(*a6));
    if (s->domain != SOCK_DOMAIN_INET6) {
        if (a->family != SOCK_AF_INET)
            return -ERR_AFNOSUPPORT;
        *v4 = a->addr;
        return 0;
    }
    if (a->family != SOCK_AF_INET6)
        return -ERR_AFNOSUPPORT;
    if (sock_addr_is_v4mapped(&a->addr6)) {
        if (s->v6only)
            return -ERR_NETUNREACH;
        *v4 = sock_addr_v4_of_mapped(&a->addr6);
        return 0;
    }
    *v6 = true;
    *a6 = a->addr6;
    return 0;
}

/* Whether addr is one of the host's IPv6 unicast addresses. */
static bool
sock_ipv6_is_local(struct host *h, const struct ip6_addr *addr)
{
    if (h->ip6 == NULL)
        return false;
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (ipv6_is_mine(h, &h->ifaces[i], addr))
            return true;
    return false;
}

/* What a local binding covers: IPv4 addresses (v4_all, or v4 itself), IPv6
 * addresses (v6_all, or a6 itself). A dual-stack wildcard [::] covers both
 * families, as on Linux: it and 0.0.0.0 take the same port. */
struct sock_cover {
    bool v4_any, v4_all;  /* any IPv4 at all; every IPv4 address */
    uint32_t v4;
    bool v6_any, v6_all;
    struct ip6_addr a6;
};

static struct sock_cover
sock_cover_of(bool v6, uint32_t laddr, const struct ip6_addr *laddr6, bool v6only)
{
    struct sock_cover c = { 0 };
    if (!v6) {
        c.v4_any = true;
        c.v4_all = laddr == 0;
        c.v4 = laddr;
        return c;
    }
    c.v6_any = true;
    c.v6_all = ip6_addr_is_unspecified(laddr6);
    c.a6 = *laddr6;
    if (c.v6_all && !v6only)
        c.v4_any = c.v4_all = true;
    return c;
}

static bool
sock_cover_overlap(const struct sock_cover *a, const struct sock_cover *b)
{
    if (a->v4_any && b->v4_any && (a->v4_all || b->v4_all || a->v4 == b->v4))
        return true;
    return a->v6_any && b->v6_any && (a->v6_all || b->v6_all || ip6_addr_eq(&a->a6, &b->a6));
}

/* Is lport taken, for what `want` covers, by another socket of the same
 * protocol? */
static bool
sock_port_in_use(struct host *h, const struct socket *self, enum sock_proto proto,
                 const struct sock_cover *want, uint16_t lport)
{
    for (unsigned i = 0; i < h->socks.cap; i++) {
        const struct socket *s = h->socks.s[i];
        if (s == NULL || s == self || s->proto != proto || s->pcb.lport != lport)
            continue;
        /* Wildcard overlaps everything; two specific addresses overlap only
         * when equal. SO_REUSEADDR on both sides lets them share. */
        struct sock_cover c = sock_cover_of(s->pcb.v6, s->pcb.laddr, &s->pcb.laddr6, s->v6only);
        if (sock_cover_overlap(&c, want) && !(s->so_reuseaddr && self->so_reuseaddr))
            return true;
    }
    /* A TCP port is also held by connections whose socket is gone (FIN-WAIT,
     * TIME-WAIT): SO_REUSEADDR lets a new socket bind over those. */
    if (proto == SOCK_PROTO_TCP && !self->so_reuseaddr) {
        const struct tcb *mine = tcp_tcb_by_fd(h, self->fd);
        for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next) {
            if (tp == mine || tp->lport != lport || tp->state == TCP_CLOSED)
                continue;
            struct sock_cover c = sock_cover_of(tp->v6, tp->laddr, &tp->a6.l, tp->v6only);
            if (sock_cover_overlap(&c, want))
                return true;
        }
    }
    return false;
}

/* Pick an ephemeral port for s [RFC 6056]: the next free one in the range. */
static int
sock_ephemeral(struct host *h, struct socket *s, const struct sock_cover *want)
{
    unsigned span = SOCK_EPHEMERAL_HI - SOCK_EPHEMERAL_LO + 1;
    for (unsigned n = 0; n < span; n++) {
        uint16_t port = h->socks.next_ephemeral;
        h->socks.next_ephemeral =
            port == SOCK_EPHEMERAL_HI ? SOCK_EPHEMERAL_LO : (uint16_t)(port + 1);
        if (!sock_port_in_use(h, s, s->proto, want, port))
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
    struct sock_cover want = sock_cover_of(s->pcb.v6, s->pcb.laddr, &s->pcb.laddr6, s->v6only);
    int port = sock_ephemeral(h, s, &want);
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
    const char *dname = domain == SOCK_DOMAIN_LOCAL   ? "AF_LOCAL"
                        : domain == SOCK_DOMAIN_INET6 ? "AF_INET6"
                                                      : "AF_INET";
    if (domain != SOCK_DOMAIN_INET && domain != SOCK_DOMAIN_LOCAL && domain != SOCK_DOMAIN_INET6)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%s, %s", dname, tname);
    if ((domain == SOCK_DOMAIN_LOCAL) != (proto == SOCK_PROTO_LOCAL))
        return sock_ret(h, -ERR_PROTONOSUPPORT, "%s, %s", dname, tname);
    if (domain != SOCK_DOMAIN_LOCAL && (type == SOCK_TYPE_STREAM) != (proto == SOCK_PROTO_TCP))
        return sock_ret(h, -ERR_PROTONOSUPPORT, "%s, %s", dname, tname);
    /* Ping sockets are AF_INET's only (ICMPv6 echo has its own path). */
    if (domain == SOCK_DOMAIN_INET6 && proto == SOCK_PROTO_ICMP)
        return sock_ret(h, -ERR_PROTONOSUPPORT, "%s, %s", dname, tname);
    struct socket *s = sock_slot_new(h);
    if (s != NULL) {
        s->domain = domain;
        /* An AF_INET6 socket starts as [::]: IPv6, any address. */
        s->pcb.v6 = domain == SOCK_DOMAIN_INET6;
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
    char as[SOCK_ADDR_STRLEN];
    sa_str(a, as, sizeof(as));
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%d, %s", fd, as);
    if (s->bound)
        return sock_ret(h, -ERR_INVAL, "%d, %s", fd, as);
    bool v6;
    uint32_t v4;
    struct ip6_addr a6;
    int e = sock_endpoint(s, a, &v6, &v4, &a6);
    if (e < 0)
        return sock_ret(h, e == -ERR_NETUNREACH ? -ERR_INVAL : e, "%d, %s", fd, as);
    /* [POSIX bind] the address must be one of this host's, or any. */
    if (v6 ? !ip6_addr_is_unspecified(&a6) && !sock_ipv6_is_local(h, &a6)
           : v4 != 0 && !ipv4_is_local(h, v4) && !ipv4_is_broadcast(h, v4))
        return sock_ret(h, -ERR_ADDRNOTAVAIL, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_ICMP) {
        s->pcb.laddr = v4;
        return sock_ret(h, sock_autobind(h, s), "%d, %s", fd, as);
    }
    struct sock_cover want = sock_cover_of(v6, v4, &a6, s->v6only);
    uint16_t port = a->port;
    if (port == 0) {
        e = sock_ephemeral(h, s, &want);
        if (e < 0)
            return sock_ret(h, e, "%d, %s", fd, as);
        port = (uint16_t)e;
    } else if (sock_port_in_use(h, s, s->proto, &want, port)) {
        return sock_ret(h, -ERR_ADDRINUSE, "%d, %s", fd, as);
    }
    s->pcb.v6 = v6;
    s->pcb.laddr = v4;
    s->pcb.laddr6 = a6;
    s->pcb.lport = port;
    s->bound = true;
    if (v6) {
        char ip[IPV6_ADDR_STRLEN];
        trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL, "socket %d is bound to [%s]:%u%s",
                    fd, ip6_addr_str(&a6, ip), port,
                    !ip6_addr_is_unspecified(&a6) ? ""
                    : s->v6only ? " (any IPv6 address; IPV6_V6ONLY: no IPv4)"
                                : " (any address, IPv6 and IPv4 as ::ffff:a.b.c.d)");
    } else {
        /* the address alone: `as` is the call's ADDR:PORT argument */
        char ip[IPV4_ADDR_STRLEN];
        trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL, "socket %d is bound to %s:%u%s", fd,
                    ipv4_addr_str(v4, ip), port, v4 == 0 ? " (any address)" : "");
    }
    return sock_ret(h, 0, "%d, %s", fd, as);
}

/* connect() on an AF_INET6 socket: to an IPv6 peer over IPv6, or to an
 * IPv4-mapped one over IPv4 (not with IPV6_V6ONLY) [RFC 3493 3.7]. */
static int
sock_connect6(struct host *h, struct socket *s, const struct sock_addr *a, const char *as)
{
    bool v6;
    uint32_t v4;
    struct ip6_addr a6;
    int e = sock_endpoint(s, a, &v6, &v4, &a6);
    if (e < 0)
        return e;
    if (a->port == 0 && s->proto != SOCK_PROTO_ICMP)
        return -ERR_INVAL;
    if (!v6) {
        /* An IPv4 peer: only from a socket not bound to an IPv6 address. */
        if (s->bound && s->pcb.v6 && !ip6_addr_is_unspecified(&s->pcb.laddr6))
            return -ERR_NETUNREACH;
        if (v4 == 0 || ipv4_is_broadcast(h, v4))
            return v4 == 0 ? -ERR_INVAL : -ERR_NETUNREACH;
        if (ipv4_source_for(h, v4) == 0)
            return -ERR_NETUNREACH;
    } else {
        if (ip6_addr_is_unspecified(&a6))
            return -ERR_INVAL;
        /* TCP has no multicast peers; UDP may send to a group. */
        if (ip6_addr_is_multicast(&a6) && s->proto == SOCK_PROTO_TCP)
            return -ERR_NETUNREACH;
        if (s->bound && !s->pcb.v6)
            return -ERR_NETUNREACH;  /* bound to an IPv4 address */
        struct iface *ifc;
        struct ip6_addr src;
        /* No route is ENETUNREACH; a route but every address still
         * tentative [RFC 4862 5.4] is EADDRNOTAVAIL, as Linux says it. */
        int r6 = ipv6_select(h, &a6, &ifc, &src);
        if (r6 < 0)
            return r6;
    }
    struct tcb *tp = s->proto == SOCK_PROTO_TCP ? tcp_tcb_by_fd(h, s->fd) : NULL;
    if (s->proto == SOCK_PROTO_TCP && (tp == NULL || tp->state != TCP_CLOSED || tp->used))
        return tcp_user_connect(h, s, a); /* its state answers (EALREADY, EISCONN...) */
    if (!s->bound)
        s->pcb.v6 = v6;  /* the implicit bind takes the peer's family */
    e = sock_autobind(h, s);
    if (e < 0)
        return e;
    s->pcb.v6 = v6;
    if (s->proto == SOCK_PROTO_TCP) {
        int r = tcp_user_connect(h, s, a);
        if (r == -ERR_INPROGRESS) {
            s->pcb.faddr = v4;
            s->pcb.faddr6 = a6;
            s->pcb.fport = a->port;
            s->so_error = 0;
        }
        return r;
    }
    s->pcb.faddr = v4;
    s->pcb.faddr6 = a6;
    s->pcb.fport = a->port;
    s->connected = true;
    s->so_error = 0;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, "RFC 1122 4.1.3.3",
                "socket %d is connected to %s: nothing is sent for UDP, the peer is only remembered",
                s->fd, as);
    return 0;
}

int
sock_connect(struct host *h, int fd, const struct sock_addr *a)
{
    sock_enter(h, CALL_CONNECT);
    char as[SOCK_ADDR_STRLEN];
    sa_str(a, as, sizeof(as));
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL)
        return sock_ret(h, -ERR_BADF, "%d, %s", fd, as);
    if (s->proto == SOCK_PROTO_LOCAL)
        return sock_ret(h, -ERR_AFNOSUPPORT, "%d, %s", fd, as);
    if (s->domain == SOCK_DOMAIN_INET6)
        return sock_ret(h, sock_connect6(h, s, a, as), "%d, %s", fd, as);
    if (a->family != SOCK_AF_INET)
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
        int r = tcp_user_connect(h, s, a);
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

/* A datagram from an AF_INET6 socket (or a mistaken family): sent over
 * IPv6 here (the bytes sent, or -ERR_*), or *over_ipv4 set when it goes to
 * an IPv4-mapped address and IPv4 carries it (the caller goes on). */
static int
sock_send6(struct host *h, struct socket *s, const uint8_t *buf, size_t len,
           const struct sock_addr *to, bool *over_ipv4)
{
    *over_ipv4 = false;
    bool v6 = s->pcb.v6;
    uint32_t v4 = s->pcb.faddr;
    struct ip6_addr a6 = s->pcb.faddr6;
    uint16_t dport = s->pcb.fport;
    if (to != NULL) {
        int e = sock_endpoint(s, to, &v6, &v4, &a6);
        if (e < 0)
            return e;
        dport = to->port;
    }
    if (!v6) {
        if (s->bound && s->pcb.v6 && !ip6_addr_is_unspecified(&s->pcb.laddr6))
            return -ERR_NETUNREACH;  /* bound to an IPv6 address: no IPv4 source */
        if (!s->bound)
            s->pcb.v6 = false;
        *over_ipv4 = true;
        return 0;
    }
    if (s->bound && !s->pcb.v6)
        return -ERR_NETUNREACH;  /* bound or connected over IPv4 */
    /* [RFC 8200 5] without fragmentation a datagram must fit the link
     * (a fragmenting sender is another part of the stack). */
    if (len > UDP6_MAX_PAYLOAD)
        return -ERR_MSGSIZE;
    int e = sock_autobind(h, s);
    if (e < 0)
        return e;
    if (dport == 0)
        return -ERR_INVAL;
    int r = udp_output6(h, s, buf, len, &a6, dport);
    if (r >= 0)
        s->tx_datagrams++;
    return r;
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
    if (s->domain == SOCK_DOMAIN_INET6 || (to != NULL && to->family != SOCK_AF_INET)) {
        bool over_ipv4;
        int r = sock_send6(h, s, buf, len, to, &over_ipv4);
        if (!over_ipv4)
            return r;
        /* an IPv4-mapped destination: on as IPv4 */
    }
    uint32_t dst = to == NULL ? s->pcb.faddr
                   : to->family == SOCK_AF_INET6 ? sock_addr_v4_of_mapped(&to->addr6)
                                                 : to->addr;
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
    char as[SOCK_ADDR_STRLEN];
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
    uint16_t port = s->proto == SOCK_PROTO_UDP && l4 != NULL ? be16_get(l4) : 0;
    if (ip != NULL && (ip[0] >> 4) == 6) {
        struct ip6_addr a6;
        memcpy(a6.b, ip + 8, sizeof(a6.b));  /* the IPv6 source [RFC 8200 3] */
        sock_addr_for(s, true, 0, &a6, port, from);
        return;
    }
    sock_addr_for(s, false, ip != NULL ? be32_get(ip + IPV4_OFF_SRC) : 0, NULL, port, from);
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
    char as[SOCK_ADDR_STRLEN];
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
        if (r >= 0 && from != NULL)
            sock_addr_for(s, s->pcb.v6, s->pcb.faddr, &s->pcb.faddr6, s->pcb.fport, from);
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
    /* A connected socket reports the source address its route chose. */
    uint32_t v4 = s->pcb.laddr;
    struct ip6_addr a6 = s->pcb.laddr6;
    if (s->connected && !s->pcb.v6 && v4 == 0)
        v4 = ipv4_source_for(h, s->pcb.faddr);
    if (s->connected && s->pcb.v6 && ip6_addr_is_unspecified(&a6)) {
        struct iface *ifc;
        if (ipv6_select(h, &s->pcb.faddr6, &ifc, &a6) < 0)
            memset(&a6, 0, sizeof(a6));
    }
    if (s->domain == SOCK_DOMAIN_INET6 && !s->pcb.v6 && v4 == 0)
        sock_addr_for(s, true, 0, &a6, s->pcb.lport, out); /* [::], not ::ffff:0.0.0.0 */
    else
        sock_addr_for(s, s->pcb.v6, v4, &a6, s->pcb.lport, out);
    char as[SOCK_ADDR_STRLEN];
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
    sock_addr_for(s, s->pcb.v6, s->pcb.faddr, &s->pcb.faddr6, s->pcb.fport, out);
    char as[SOCK_ADDR_STRLEN];
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
        [SOCK_OPT_IP_RECVERR] = "IP_RECVERR", [SOCK_OPT_IPV6_V6ONLY] = "IPV6_V6ONLY",
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
    ns->v6only = s->v6only;
    ns->type = s->type;
    ns->proto = s->proto;
    int r = tcp_user_accept(h, s, ns);
    if (r < 0) {
        sock_slot_free(h, ns);
        return sock_ret(h, r, "%d", fd);
    }
    char as[SOCK_ADDR_STRLEN];
    struct sock_addr pa;
    sock_addr_for(ns, ns->pcb.v6, ns->pcb.faddr, &ns->pcb.faddr6, ns->pcb.fport, &pa);
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
    case SOCK_OPT_IPV6_V6ONLY:
        /* [RFC 3493 5.3] AF_INET6 only, and (as Linux) only before bind:
         * what the socket covers is fixed when it takes its port. */
        if (s->domain != SOCK_DOMAIN_INET6)
            r = -ERR_OPNOTSUPP;
        else if (s->bound)
            r = -ERR_INVAL;
        else
            s->v6only = value != 0;
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
    case SOCK_OPT_IPV6_V6ONLY:
        if (s->domain != SOCK_DOMAIN_INET6)
            r = -ERR_OPNOTSUPP;
        else
            v = s->v6only;
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
