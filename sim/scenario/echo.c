/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/echo.c - `HOST: echo tcp|udp PORT`: a background echo server
 * [RFC 862].
 *
 * The host opens a socket, binds PORT and then, while the later steps run,
 * sends back everything it receives: each UDP datagram to its sender, and
 * on TCP every connection it accepts (any number, at once) byte for byte
 * until the peer closes, when it closes its side too. It runs until the
 * scenario ends. The runner moves it along with its background calls
 * (service_jobs() calls echo_service() after every event).
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"

#include <stdlib.h>
#include <string.h>

/* The largest UDP datagram read at once: an IPv4 datagram's payload
 * [RFC 768] fits. */
#define ECHO_DGRAM_MAX 65536

/* HOST: echo tcp|udp PORT */
int
parse_call_echo(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *tp = cur_next(c);
    const struct tok *tn;
    uint64_t port;

    (void)kw;
    if (word_is(tp, "tcp"))
        st->echo.tcp = true;
    else if (word_is(tp, "udp"))
        st->echo.tcp = false;
    else
        return perr(p, tp->col, "echo serves tcp or udp, found %s", show(tp).s);
    tn = cur_next(c);
    if (get_uint(p, tn, "port", 1, 65535, "", &port) < 0)
        return -1;
    st->echo.port = (uint16_t)port;
    return expect_end(p, c);
}

void
print_echo(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    (void)scn;
    fprintf(out, "echo %s %u", st->echo.tcp ? "tcp" : "udp", (unsigned)st->echo.port);
}

bool
eq_echo(const struct scn_step *a, const struct scn_step *b)
{
    return a->echo.tcp == b->echo.tcp && a->echo.port == b->echo.port;
}

/* Start the server: socket, bind to every address of the host, listen (tcp),
 * then leave it to echo_service(). */
int
call_echo(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
          size_t res_len)
{
    struct host *h = r->hosts[st->host];
    struct sock_addr any = { 0, st->echo.port };
    struct scn_echo *grown;
    int fd, rc;

    grown = realloc(r->echoes, (r->n_echoes + 1) * sizeof *grown);
    if (grown == NULL)
        return -ERR_NOMEM;
    r->echoes = grown;
    run_enter(r, h, step_no);
    fd = st->echo.tcp ? sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP)
                      : sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    rc = fd;
    if (fd >= 0) {
        rc = sock_bind(h, fd, &any);
        if (rc == 0 && st->echo.tcp)
            rc = sock_listen(h, fd, SCN_RUN_BACKLOG_DEFAULT);
        if (rc < 0)
            sock_close(h, fd);
    }
    run_leave(r, h);
    if (rc < 0)
        return rc;
    r->echoes[r->n_echoes++] = (struct scn_echo){ .st = st, .step_no = step_no, .fd = fd };
    snprintf(res, res_len, "echoing %s port %u in the background until the scenario ends",
             st->echo.tcp ? "tcp" : "udp", (unsigned)st->echo.port);
    return 0;
}

/* Send back each datagram waiting on e's socket to whoever sent it. */
static void
echo_udp(struct scn_runner *r, struct scn_echo *e, struct host *h)
{
    static const size_t cap = ECHO_DGRAM_MAX;
    uint8_t *buf = malloc(cap);
    struct sock_addr from;
    int n;

    if (buf == NULL)
        return;
    while ((n = sock_recvfrom(h, e->fd, buf, cap, &from)) >= 0) {
        if (sock_sendto(h, e->fd, buf, (size_t)n, &from) >= 0)
            e->bytes += (size_t)n;
    }
    (void)r;
    free(buf);
}

/* Move one connection along: send back what is pending, read more, close
 * after the peer did. Returns true if anything happened. */
static bool
echo_conn(struct scn_runner *r, struct scn_echo *e, struct scn_echo_conn *cn, struct host *h)
{
    bool moved = false;

    for (;;) {
        if (cn->off < cn->len) {
            int n = sock_send(h, cn->fd, cn->buf + cn->off, cn->len - cn->off);
            if (n == -ERR_AGAIN || n == 0)
                return moved;  /* the send buffer is full: SOCK_POLLOUT later */
            if (n < 0)
                break;  /* reset under us: give the connection up */
            cn->off += (size_t)n;
            e->bytes += (size_t)n;
            moved = true;
            continue;
        }
        int n = sock_recv(h, cn->fd, cn->buf, sizeof cn->buf);
        if (n == -ERR_AGAIN)
            return moved;
        if (n > 0) {
            cn->len = (size_t)n;
            cn->off = 0;
            moved = true;
            continue;
        }
        /* 0: the peer closed its side and everything it sent went back;
         * or an error: either way this side closes too. */
        break;
    }
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)e->step_no),
             "echo: the peer is done, closing connection fd %d", cn->fd);
    sock_close(h, cn->fd);
    cn->fd = -1;
    return true;
}

/* Accept every waiting connection on e's listener. Returns true if any. */
static bool
echo_accept(struct scn_runner *r, struct scn_echo *e, struct host *h)
{
    bool moved = false;
    struct sock_addr peer;
    int fd;

    while ((fd = sock_accept(h, e->fd, &peer)) >= 0) {
        struct scn_echo_conn *grown = realloc(e->conns, (e->n_conns + 1) * sizeof *grown);
        if (grown == NULL) {
            sock_close(h, fd);
            break;
        }
        e->conns = grown;
        struct scn_echo_conn *cn = &e->conns[e->n_conns++];
        cn->fd = fd;
        cn->len = cn->off = 0;
        run_note(r, h, cause_call(CALL_NONE, (uint32_t)e->step_no),
                 "echo: accepted a connection on port %u (fd %d)", (unsigned)e->st->echo.port,
                 fd);
        moved = true;
    }
    return moved;
}

void
echo_service(struct scn_runner *r)
{
    for (size_t i = 0; i < r->n_echoes; i++) {
        struct scn_echo *e = &r->echoes[i];
        struct host *h = r->hosts[e->st->host];
        run_enter(r, h, e->step_no);
        if (!e->st->echo.tcp) {
            echo_udp(r, e, h);
        } else {
            bool moved = true;
            while (moved) {
                moved = echo_accept(r, e, h);
                for (size_t k = 0; k < e->n_conns; k++)
                    if (e->conns[k].fd >= 0 && echo_conn(r, e, &e->conns[k], h))
                        moved = true;
            }
        }
        run_leave(r, h);
    }
}

void
echo_free(struct scn_runner *r)
{
    for (size_t i = 0; i < r->n_echoes; i++)
        free(r->echoes[i].conns);
    free(r->echoes);
    r->echoes = NULL;
    r->n_echoes = 0;
}
