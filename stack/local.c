/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * local.c - AF_LOCAL (Unix-domain) sockets: the socket facade with nothing
 * below it.
 *
 * A local socket is named by a path in its host's own namespace, not by an
 * address and a port. Its bytes never go below the socket layer: send()
 * copies them straight into the receiving socket's buffer, on the same host,
 * in the same instant. There is no TCP header, no sequence number, no IP
 * route, no Ethernet frame and nothing on the wire, which is exactly the
 * contrast a lesson draws with a TCP socket on the same host.
 *
 * Streams (SOCK_STREAM) connect to a listening path: connect() makes the
 * server's end at once and queues it for accept(); the two ends are paired
 * and each keeps the other's descriptor. Closing one end gives the other end
 * of stream (recv returns 0) and EPIPE on send. Datagrams (SOCK_DGRAM) are
 * sent to a path and keep their boundaries; each carries its sender's path.
 * Errors follow Linux: EADDRINUSE for a taken path, ENOENT for a path nobody
 * bound, ECONNREFUSED for a path not listening, EPROTOTYPE for a socket of
 * the other type.
 * Called by: socket.c. Calls: pkt_*, trace.
 */
#include "stack/local.h"

#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"

/* The largest piece one packet buffer holds in a stream's receive queue. */
#define LOCAL_PIECE_MAX 65536u

/* The socket bound to path, or NULL. */
static struct socket *
local_find(struct host *h, const char *path)
{
    for (unsigned i = 0; i < h->socks.cap; i++) {
        struct socket *s = h->socks.s[i];
        if (s != NULL && s->proto == SOCK_PROTO_LOCAL && s->path[0] != '\0' &&
            strcmp(s->path, path) == 0)
            return s;
    }
    return NULL;
}

static bool
local_path_ok(const char *path)
{
    size_t n = path != NULL ? strlen(path) : 0;
    return n > 0 && n < SOCK_PATH_MAX;
}

int
local_bind(struct host *h, struct socket *s, const char *path)
{
    if (!local_path_ok(path))
        return -ERR_INVAL;
    if (s->path[0] != '\0')
        return -ERR_INVAL;
    if (local_find(h, path) != NULL)
        return -ERR_ADDRINUSE;
    memcpy(s->path, path, strlen(path) + 1);
    s->bound = true;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL,
                "socket %d is bound to the path %s: a name on this host only", s->fd, path);
    return 0;
}

int
local_listen(struct host *h, struct socket *s, int backlog)
{
    if (s->type != SOCK_TYPE_STREAM)
        return -ERR_OPNOTSUPP;
    if (s->path[0] == '\0')
        return -ERR_INVAL;
    if (backlog < 1)
        backlog = 1;
    if (backlog > SOCK_LOCAL_BACKLOG_MAX)
        backlog = SOCK_LOCAL_BACKLOG_MAX;
    s->listening = true;
    s->backlog = backlog;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL,
                "socket %d listens on %s (backlog %d)", s->fd, s->path, backlog);
    return 0;
}

int
local_connect(struct host *h, struct socket *s, const char *path)
{
    if (!local_path_ok(path))
        return -ERR_INVAL;
    /* A stream connects once; a datagram socket may be pointed elsewhere
     * (Linux's unix_dgram_connect). */
    if (s->connected && s->type == SOCK_TYPE_STREAM)
        return -ERR_ISCONN;
    struct socket *ls = local_find(h, path);
    if (ls == NULL)
        return -ERR_NOENT;
    if (ls->type != s->type)
        return -ERR_PROTOTYPE;
    if (s->type == SOCK_TYPE_DGRAM) {
        /* A datagram socket only remembers where send() goes. */
        memcpy(s->pcb_path, path, strlen(path) + 1);
        s->connected = true;
        return 0;
    }
    if (!ls->listening)
        return -ERR_CONNREFUSED;
    if ((int)ls->acceptq_n >= ls->backlog)
        return -ERR_AGAIN;
    /* The server's end is made now, as the kernel does; accept() hands it
     * over later. */
    struct socket *ns = sock_slot_new(h);
    if (ns == NULL)
        return -ERR_MFILE;
    ns->domain = SOCK_DOMAIN_LOCAL;
    ns->type = SOCK_TYPE_STREAM;
    ns->proto = SOCK_PROTO_LOCAL;
    ns->rcvbuf = ls->rcvbuf;
    ns->sndbuf = ls->sndbuf;
    ns->connected = true;
    ns->accepted = true;
    ns->peer = s->fd;
    memcpy(ns->pcb_path, path, strlen(path) + 1);
    s->peer = ns->fd;
    s->connected = true;
    memcpy(s->pcb_path, path, strlen(path) + 1);
    ls->acceptq[ls->acceptq_n++] = ns->fd;
    trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL,
                "socket %d is connected to %s at once: no handshake, no packet; the other "
                "end waits for accept()", s->fd, path);
    return 0;
}

int
local_accept(struct host *h, struct socket *ls)
{
    if (!ls->listening)
        return -ERR_INVAL;
    if (ls->acceptq_n == 0)
        return -ERR_AGAIN;
    int fd = ls->acceptq[0];
    memmove(&ls->acceptq[0], &ls->acceptq[1], (ls->acceptq_n - 1) * sizeof(ls->acceptq[0]));
    ls->acceptq_n--;
    struct socket *ns = sock_lookup(h, fd);
    if (ns != NULL)
        ns->accepted = false;
    return fd;
}

static struct socket *
local_peer(struct host *h, const struct socket *s)
{
    if (s->peer == 0)
        return NULL;
    struct socket *p = sock_lookup(h, s->peer);
    return p != NULL && p->proto == SOCK_PROTO_LOCAL && p->peer == s->fd ? p : NULL;
}

int
local_send(struct host *h, struct socket *s, const uint8_t *buf, size_t len, const char *to)
{
    if (s->shut_wr)
        return -ERR_PIPE;
    if (s->type == SOCK_TYPE_STREAM) {
        if (to != NULL)
            return s->connected ? -ERR_ISCONN : -ERR_NOTCONN;
        if (!s->connected)
            return -ERR_NOTCONN;
        struct socket *p = local_peer(h, s);
        if (p == NULL || s->peer_gone || p->shut_rd)
            return -ERR_PIPE;
        size_t room = p->rcvq.bytes < p->rcvbuf ? p->rcvbuf - p->rcvq.bytes : 0;
        if (room == 0)
            return -ERR_AGAIN;
        size_t n = len < room ? len : room;
        if (n == 0)
            return 0;
        /* Bytes sit in the receiver's buffer in pieces of at most 64 KiB. */
        for (size_t off = 0; off < n;) {
            size_t piece = n - off < LOCAL_PIECE_MAX ? n - off : LOCAL_PIECE_MAX;
            struct pkt *q = host_pkt_alloc(h, 0, piece);
            if (q == NULL)
                return off > 0 ? (int)off : -ERR_NOBUFS;
            memcpy(pkt_put(q, piece), buf + off, piece);
            pkt_queue_push(&p->rcvq, q);
            off += piece;
        }
        h->stats.local_tx++;
        h->stats.local_tx_bytes += n;
        trace_event(h, TRACE_DELIVER, LAYER_SOCKET, p->rcvq.last, NULL,
                    "local stream: %zu bytes from socket %d straight into socket %d's receive "
                    "buffer; no TCP, no IP, no Ethernet, nothing on the wire", n, s->fd, p->fd);
        return (int)n;
    }
    /* A datagram: to the named path, or to the connected one. */
    const char *dest = to != NULL ? to : (s->connected ? s->pcb_path : NULL);
    if (dest == NULL)
        return -ERR_DESTADDRREQ;
    if (!local_path_ok(dest))
        return -ERR_INVAL;
    struct socket *d = local_find(h, dest);
    if (d == NULL)
        return -ERR_NOENT;
    if (d->type != SOCK_TYPE_DGRAM)
        return -ERR_PROTOTYPE;
    if (d->rcvq.bytes + len > d->rcvbuf)
        return -ERR_AGAIN;
    /* The sender's path travels in front of the data, the way a UDP
     * datagram keeps its source in its headers: l3_off marks the path,
     * l4_off the data. */
    size_t pl = strlen(s->path) + 1;
    struct pkt *q = host_pkt_alloc(h, 0, pl + len);
    if (q == NULL)
        return -ERR_NOBUFS;
    uint8_t *b = pkt_put(q, pl + len);
    memcpy(b, s->path, pl);
    if (len > 0)
        memcpy(b + pl, buf, len);
    q->l3_off = pkt_off(q);
    pkt_pull(q, pl);
    q->l4_off = pkt_off(q);
    d->rx_datagrams++;
    s->tx_datagrams++;
    h->stats.local_tx++;
    h->stats.local_tx_bytes += len;
    trace_event(h, TRACE_DELIVER, LAYER_SOCKET, q, NULL,
                "local datagram: %zu bytes from socket %d to %s (socket %d), copied in place; "
                "nothing goes below the socket layer", len, s->fd, dest, d->fd);
    pkt_queue_push(&d->rcvq, q);
    return (int)len;
}

int
local_recv(struct host *h, struct socket *s, uint8_t *buf, size_t cap, char *from,
           size_t from_len)
{
    if (from != NULL && from_len > 0)
        from[0] = '\0';
    if (s->type == SOCK_TYPE_DGRAM) {
        struct pkt *q = pkt_queue_pop(&s->rcvq);
        if (q == NULL)
            return -ERR_AGAIN;
        size_t n = q->len < cap ? q->len : cap;
        memcpy(buf, q->data, n);
        if (from != NULL && from_len > 0) {
            const char *src = (const char *)pkt_l3(q);
            size_t sl = strlen(src); /* stored with its NUL by local_send */
            if (sl >= from_len)
                sl = from_len - 1;
            memcpy(from, src, sl);
            from[sl] = '\0';
        }
        pkt_free(q);
        return (int)n;
    }
    if (!s->connected && s->so_error == 0)
        return -ERR_NOTCONN;
    if (s->shut_rd)
        return 0;
    size_t got = 0;
    struct pkt *q;
    while (got < cap && (q = s->rcvq.first) != NULL) {
        size_t n = q->len < cap - got ? q->len : cap - got;
        memcpy(buf + got, q->data, n);
        got += n;
        s->rcvq.bytes -= n;
        pkt_pull(q, n);
        if (q->len == 0)
            pkt_free(pkt_queue_pop(&s->rcvq));
    }
    if (got > 0)
        return (int)got;
    /* Nothing queued: a reset first, then end of stream once the other end
     * will send no more. */
    if (s->so_error != 0) {
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    return s->peer_eof || local_peer(h, s) == NULL ? 0 : -ERR_AGAIN;
}

int
local_shutdown(struct host *h, struct socket *s, int how)
{
    if (s->type == SOCK_TYPE_STREAM && !s->connected)
        return -ERR_NOTCONN;
    if (how == SOCK_SHUT_RD || how == SOCK_SHUT_RDWR)
        s->shut_rd = true;
    if (how == SOCK_SHUT_WR || how == SOCK_SHUT_RDWR) {
        s->shut_wr = true;
        struct socket *p = local_peer(h, s);
        if (p != NULL)
            p->peer_eof = true;
    }
    return 0;
}

void
local_close(struct host *h, struct socket *s)
{
    struct socket *p = local_peer(h, s);
    if (p != NULL) {
        p->peer_eof = true;
        p->peer_gone = true;
        p->peer = 0;
        trace_event(h, TRACE_STATE, LAYER_SOCKET, NULL, NULL,
                    "socket %d's other end closed: it reads end of stream", p->fd);
    }
    /* Connections nobody accepted die with their listener. */
    for (unsigned i = 0; i < s->acceptq_n; i++) {
        struct socket *ns = sock_lookup(h, s->acceptq[i]);
        struct socket *c = ns != NULL ? local_peer(h, ns) : NULL;
        if (c != NULL) {
            c->peer_eof = true;
            c->peer_gone = true;
            c->peer = 0;
            c->so_error = ERR_CONNRESET;
        }
        if (ns != NULL) {
            pkt_queue_purge(&ns->rcvq);
            sock_slot_free(h, ns);
        }
    }
    s->acceptq_n = 0;
}

unsigned
local_poll(const struct host *h, const struct socket *s)
{
    unsigned ev = 0;
    if (s->listening)
        return s->acceptq_n > 0 ? SOCK_POLLIN : 0;
    if (s->rcvq.count > 0)
        ev |= SOCK_POLLIN;
    if (s->so_error != 0)
        ev |= SOCK_POLLERR | SOCK_POLLIN;
    if (s->type == SOCK_TYPE_DGRAM)
        return ev | SOCK_POLLOUT;
    const struct socket *p = local_peer((struct host *)h, s);
    if (s->connected && (s->peer_eof || p == NULL))
        ev |= SOCK_POLLIN;
    if (s->connected && (s->peer_gone || p == NULL))
        ev |= SOCK_POLLHUP;
    if (p != NULL && p->rcvq.bytes < p->rcvbuf && !s->shut_wr)
        ev |= SOCK_POLLOUT;
    return ev;
}
