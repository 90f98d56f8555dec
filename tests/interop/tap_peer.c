/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tap_peer.c - one netstep host on a TAP device, driven by the sim API.
 *
 * The netstep end of the interop tests (tests/interop/interop.sh): builds a
 * world with one host whose eth0 is a TAP device (sim_attach_tap), then acts
 * as the application above its sockets, in real time:
 *
 *   tap_peer [OPTIONS] serve            UDP echo and TCP echo on port 7, a tiny
 *                                       HTTP/1.0 server on port 80; runs until
 *                                       SIGTERM/SIGINT or --time
 *   tap_peer [OPTIONS] ping DST COUNT   COUNT echo requests; every reply must come
 *   tap_peer [OPTIONS] send DST PORT N  connect, send N bytes of the pattern,
 *                                       shutdown(SHUT_WR), wait for the peer's FIN,
 *                                       close: this end must be in TIME_WAIT
 *
 * OPTIONS: --dev NAME (default nstap0), --addr A.B.C.D/P (192.0.2.2/24),
 * --pcap FILE (capture of the TAP wire), --loss P (both directions, between
 * the host and the device), --seed N, --time SECONDS (wall-clock limit, 60),
 * --rto-min-ms MS (the host's RTO floor, as `ip route ... rto_min` sets
 * Linux's; the RFC 6298 floor of 1 s stalls a lossy sub-millisecond path),
 * --believe-own-src 1 (re-create the LAND bug of old: a frame from the
 * device whose IPv4 source is the host's own address is, besides being
 * dropped as IPV4_OWN_SRC, handed to the host's lo as if it had sent it to
 * itself; a SYN from its own address and port to a listener then has the
 * host answer itself there, which once looped forever).
 *
 * serve ends with the host's counters a test asserts on: the drops named
 * IPV4_OWN_SRC, the echo replies sent. A world that halts (a storm,
 * sim_halt) ends any mode at once with "halted: WHY" and exit 3.
 *
 * The pattern: stream byte i is pattern_block[i % 65536], the block made by
 * the LCG x = x * 1103515245 + 12345 (mod 2^32), byte = (x >> 16) & 0xff,
 * from x = 1; kside.py builds the same block.
 *
 * Exit: 0 when the mode's goal was met, 1 when it was not, 2 for bad usage or
 * a device that cannot be attached, 3 when the world halted on a storm.
 * Every loop is bounded by --time.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/drv_tap.h"
#include "sim/pcap_sink.h"
#include "sim/realtime.h"
#include "sim/sim.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/pkt.h"
#include "stack/route.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/icmp.h"

#define NS_PER_S 1000000000ull
#define NS_PER_MS 1000000ull
#define PATTERN_LEN 65536u
#define CONN_MAX 16
#define CONN_BUF (256u * 1024)
#define HTTP_BODY                                                                \
    "<!doctype html>\n<title>netstep</title>\n"                                  \
    "<p>Hello from netstep's TCP, over a TAP device.</p>\n"

static volatile sig_atomic_t peer_stop;

static void
on_signal(int sig)
{
    (void)sig;
    peer_stop = 1;
}

struct conn {
    int fd;           /* the accepted socket, 0 when the slot is free */
    bool http;        /* port 80: one request, one response, close */
    bool responding;  /* http: the response is in buf */
    bool eof;         /* the peer sent FIN */
    uint8_t *buf;     /* bytes received and not yet echoed */
    size_t len;       /* bytes in buf */
    size_t off;       /* bytes of buf already sent */
    uint64_t bytes;   /* bytes echoed, ever */
};

struct peer {
    struct sim sim;           /* the world */
    struct host *h;           /* the one host */
    struct iface *ifc;        /* its eth0, on the TAP device */
    uint64_t deadline_ns;     /* --time, in virtual time */
    uint8_t pattern[PATTERN_LEN];  /* the stream pattern */
    struct conn conns[CONN_MAX];   /* serve: connections */
    bool believe_own_src;     /* --believe-own-src: re-create the LAND loop */
    struct pkt *own_src;      /* such a frame, waiting to be handed to lo */
};

/* sim.on_host_rx with --believe-own-src: keep a copy of a frame from the
 * device whose IPv4 source is the host's own address (the host itself drops
 * the original as IPV4_OWN_SRC). */
static void
peer_host_rx(void *ctx, const struct iface *ifc, const struct pkt *f, bool bad_fcs)
{
    struct peer *p = ctx;
    const uint8_t *b = f->data;
    if (bad_fcs || ifc != p->ifc || p->own_src != NULL || f->len < 34 || b[12] != 0x08 ||
        b[13] != 0x00 || be32_get(b + 14 + 12) != p->ifc->addr)
        return;
    p->own_src = pkt_from_bytes(&p->sim.pool, b, f->len);
}

/* Hand the kept frame to lo, as lo's own transmit queues what the host sends
 * itself (stack/loopback.c): lo's Ethernet addresses are all zero. */
static void
peer_believe(struct peer *p)
{
    struct pkt *f = p->own_src;
    if (f == NULL)
        return;
    p->own_src = NULL;
    memset(f->data, 0, 12);
    sim_enter_host(&p->sim, p->h);
    pkt_queue_push(&p->h->loopq, f);
    sim_host_entered(&p->sim, p->h);
    printf("believed: a frame from my own address, handed to lo\n");
    fflush(stdout);
}

static void
peer_enter(struct peer *p, enum socket_call c)
{
    sim_enter_host(&p->sim, p->h);
    host_set_cause(p->h, cause_call(c, 0));
}

static void
peer_leave(struct peer *p)
{
    host_set_cause(p->h, (struct trace_cause){ .kind = CAUSE_NONE });
    sim_host_entered(&p->sim, p->h);
}

/* Let the world run for at most slice_ns; false once stopped or out of time. */
static bool
peer_run(struct peer *p, uint64_t slice_ns)
{
    peer_believe(p);
    if (peer_stop || p->sim.halted != SIM_HALT_NONE || p->sim.now_ns >= p->deadline_ns)
        return false;
    uint64_t limit = p->sim.now_ns + slice_ns;
    if (limit > p->deadline_ns)
        limit = p->deadline_ns;
    sim_step_until(&p->sim, limit);
    return !peer_stop && p->sim.halted == SIM_HALT_NONE && p->sim.now_ns < p->deadline_ns;
}

/* Wait until fd polls one of events (or out of time). */
static bool
peer_wait(struct peer *p, int fd, unsigned events)
{
    while ((sock_poll(p->h, fd) & events) == 0) {
        if (!peer_run(p, 50 * NS_PER_MS))
            return false;
    }
    return true;
}

static void
pattern_init(uint8_t *b)
{
    uint32_t x = 1;
    for (size_t i = 0; i < PATTERN_LEN; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)((x >> 16) & 0xff);
    }
}

/* --- serve ------------------------------------------------------------------ */

static int
serve_socket(struct peer *p, enum sock_type type, enum sock_proto proto, uint16_t port)
{
    peer_enter(p, CALL_SOCKET);
    int fd = sock_socket(p->h, SOCK_DOMAIN_INET, type, proto);
    struct sock_addr a = { 0, port };
    int r = fd < 0 ? fd : sock_bind(p->h, fd, &a);
    if (r >= 0 && type == SOCK_TYPE_STREAM)
        r = sock_listen(p->h, fd, 16);
    peer_leave(p);
    if (r < 0) {
        fprintf(stderr, "tap_peer: port %u: %s\n", port, err_name(r));
        return r;
    }
    return fd;
}

static void
conn_close(struct peer *p, struct conn *c)
{
    peer_enter(p, CALL_CLOSE);
    sock_close(p->h, c->fd);
    peer_leave(p);
    free(c->buf);
    memset(c, 0, sizeof *c);
}

static void
serve_accept(struct peer *p, int lfd, bool http)
{
    for (;;) {
        peer_enter(p, CALL_ACCEPT);
        int fd = sock_accept(p->h, lfd, NULL);
        peer_leave(p);
        if (fd < 0)
            return;
        struct conn *c = NULL;
        for (unsigned i = 0; i < CONN_MAX && c == NULL; i++)
            if (p->conns[i].fd == 0)
                c = &p->conns[i];
        uint8_t *buf = c != NULL ? malloc(CONN_BUF) : NULL;
        if (buf == NULL) {
            peer_enter(p, CALL_CLOSE);
            sock_close(p->h, fd);
            peer_leave(p);
            continue;
        }
        memset(c, 0, sizeof *c);
        c->fd = fd;
        c->http = http;
        c->buf = buf;
    }
}

/* Move one connection along as far as it goes without waiting. */
static void
serve_conn(struct peer *p, struct conn *c)
{
    for (;;) {
        bool progress = false;
        if (c->off < c->len) {
            peer_enter(p, CALL_SEND);
            int n = sock_send(p->h, c->fd, c->buf + c->off, c->len - c->off);
            peer_leave(p);
            if (n > 0) {
                c->off += (size_t)n;
                c->bytes += (size_t)n;
                progress = true;
            } else if (n != -ERR_AGAIN) {
                conn_close(p, c);
                return;
            }
        }
        if (c->off == c->len && !c->responding) {
            c->off = c->len = 0;
        }
        if (c->http && c->responding && c->off == c->len) {
            conn_close(p, c);  /* HTTP/1.0: the server closes first */
            return;
        }
        if (!c->eof && !c->responding && c->len < CONN_BUF) {
            peer_enter(p, CALL_RECV);
            int n = sock_recv(p->h, c->fd, c->buf + c->len, CONN_BUF - c->len);
            peer_leave(p);
            if (n > 0) {
                c->len += (size_t)n;
                progress = true;
                if (c->http) {
                    c->off = c->len;  /* a request is read, not echoed */
                    bool whole = false;
                    for (size_t i = 0; i + 3 < c->len; i++)
                        if (memcmp(c->buf + i, "\r\n\r\n", 4) == 0)
                            whole = true;
                    if (whole || c->len >= 8192) {
                        int hl = snprintf((char *)c->buf, CONN_BUF,
                                          "HTTP/1.0 200 OK\r\nServer: netstep\r\n"
                                          "Content-Type: text/html\r\nContent-Length: %zu\r\n"
                                          "Connection: close\r\n\r\n%s",
                                          strlen(HTTP_BODY), HTTP_BODY);
                        c->len = (size_t)hl;
                        c->off = 0;
                        c->responding = true;
                    }
                }
            } else if (n == 0) {
                c->eof = true;
                progress = true;
            } else if (n != -ERR_AGAIN) {
                conn_close(p, c);
                return;
            }
        }
        if (c->eof && c->off == c->len) {
            conn_close(p, c);  /* echo: the peer closed first; we follow */
            return;
        }
        if (!progress)
            return;
    }
}

static void
serve_udp(struct peer *p, int ufd)
{
    uint8_t buf[65536];
    for (;;) {
        struct sock_addr from;
        peer_enter(p, CALL_RECVFROM);
        int n = sock_recvfrom(p->h, ufd, buf, sizeof buf, &from);
        if (n >= 0) {
            host_set_cause(p->h, cause_call(CALL_SENDTO, 0));
            sock_sendto(p->h, ufd, buf, (size_t)n, &from);
        }
        peer_leave(p);
        if (n < 0)
            return;
    }
}

static int
mode_serve(struct peer *p)
{
    int ufd = serve_socket(p, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP, 7);
    int tfd = serve_socket(p, SOCK_TYPE_STREAM, SOCK_PROTO_TCP, 7);
    int hfd = serve_socket(p, SOCK_TYPE_STREAM, SOCK_PROTO_TCP, 80);
    if (ufd < 0 || tfd < 0 || hfd < 0)
        return 1;
    printf("ready\n");
    fflush(stdout);
    while (peer_run(p, 100 * NS_PER_MS)) {
        serve_udp(p, ufd);
        serve_accept(p, tfd, false);
        serve_accept(p, hfd, true);
        for (unsigned i = 0; i < CONN_MAX; i++) {
            if (p->conns[i].fd == 0)
                continue;
            serve_conn(p, &p->conns[i]);
        }
    }
    for (unsigned i = 0; i < CONN_MAX; i++)
        free(p->conns[i].buf);
    printf("serve: stopped at %.3f s\n", (double)p->sim.now_ns / NS_PER_S);
    static const char *const counters[] = { "drop.IPV4_OWN_SRC", "icmp.tx.echo_reply",
                                            "tcp.rx" };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        uint64_t v = 0;
        if (!inspect_counter(p->h, counters[i], &v))
            return 1;
        printf("counter %s %llu\n", counters[i], (unsigned long long)v);
    }
    return 0;
}

/* --- ping --------------------------------------------------------------------- */

static int
mode_ping(struct peer *p, uint32_t dst, unsigned count)
{
    peer_enter(p, CALL_SOCKET);
    int fd = sock_socket(p->h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    peer_leave(p);
    if (fd < 0)
        return 1;
    unsigned got = 0;
    for (unsigned seq = 1; seq <= count; seq++) {
        uint8_t req[ICMP_HDR_LEN + 56];
        memset(req, 0, sizeof req);
        req[0] = ICMP_ECHO_REQUEST;
        be16_put(req + 6, (uint16_t)seq);
        for (size_t i = ICMP_HDR_LEN; i < sizeof req; i++)
            req[i] = (uint8_t)(0x10 + (i - ICMP_HDR_LEN));
        uint64_t t0 = p->sim.now_ns;
        struct sock_addr to = { dst, 0 };
        peer_enter(p, CALL_PING);
        int r = sock_sendto(p->h, fd, req, sizeof req, &to);
        peer_leave(p);
        if (r < 0) {
            printf("ping: sendto: %s\n", err_name(r));
            continue;
        }
        uint64_t until = t0 + 2 * NS_PER_S;
        bool ok = false;
        while (!ok && p->sim.now_ns < until) {
            if ((sock_poll(p->h, fd) & SOCK_POLLIN) == 0) {
                if (!peer_run(p, 20 * NS_PER_MS))
                    break;
                continue;
            }
            uint8_t rep[256];
            struct sock_addr from;
            peer_enter(p, CALL_RECVFROM);
            int n = sock_recvfrom(p->h, fd, rep, sizeof rep, &from);
            peer_leave(p);
            if (n >= ICMP_HDR_LEN && rep[0] == ICMP_ECHO_REPLY && be16_get(rep + 6) == seq &&
                from.addr == dst) {
                char a[IPV4_ADDR_STRLEN];
                printf("%d bytes from %s: icmp_seq=%u time=%.3f ms\n", n,
                       ipv4_addr_str(from.addr, a), seq,
                       (double)(p->sim.now_ns - t0) / NS_PER_MS);
                ok = true;
                got++;
            }
        }
        /* ping's one-second rhythm, shortened */
        uint64_t next = t0 + 200 * NS_PER_MS;
        while (p->sim.now_ns < next && peer_run(p, next - p->sim.now_ns)) {
        }
    }
    printf("ping: %u sent, %u received\n", count, got);
    return got == count ? 0 : 1;
}

/* --- send --------------------------------------------------------------------- */

static struct tcb *
find_tcb(struct peer *p, uint16_t lport, uint32_t faddr, uint16_t fport)
{
    for (struct tcb *tp = p->h->tcp.tcbs; tp != NULL; tp = tp->next)
        if (tp->lport == lport && tp->faddr == faddr && tp->fport == fport)
            return tp;
    return NULL;
}

static int
mode_send(struct peer *p, uint32_t dst, uint16_t port, uint64_t bytes)
{
    peer_enter(p, CALL_SOCKET);
    int fd = sock_socket(p->h, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr to = { dst, port };
    host_set_cause(p->h, cause_call(CALL_CONNECT, 0));
    int r = fd < 0 ? fd : sock_connect(p->h, fd, &to);
    peer_leave(p);
    if (r < 0 && r != -ERR_INPROGRESS) {
        printf("send: connect: %s\n", err_name(r));
        return 1;
    }
    if (!peer_wait(p, fd, SOCK_POLLOUT | SOCK_POLLERR)) {
        printf("send: connect timed out\n");
        return 1;
    }
    int64_t soerr = 0;
    sock_getsockopt(p->h, fd, SOCK_OPT_ERROR, &soerr);
    if (soerr != 0) {
        printf("send: connect: %s\n", err_name(-(int)soerr));
        return 1;
    }
    struct sock_addr me;
    sock_getsockname(p->h, fd, &me);
    uint64_t t0 = p->sim.now_ns;
    uint64_t sent = 0;
    while (sent < bytes) {
        size_t at = (size_t)(sent % PATTERN_LEN);
        size_t len = PATTERN_LEN - at;
        if (len > bytes - sent)
            len = (size_t)(bytes - sent);
        peer_enter(p, CALL_SEND);
        int n = sock_send(p->h, fd, p->pattern + at, len);
        peer_leave(p);
        if (n > 0) {
            sent += (uint64_t)n;
        } else if (n == -ERR_AGAIN) {
            if (!peer_wait(p, fd, SOCK_POLLOUT | SOCK_POLLERR))
                break;
        } else {
            printf("send: send: %s after %llu bytes\n", err_name(n), (unsigned long long)sent);
            return 1;
        }
    }
    if (sent < bytes) {
        printf("send: out of time after %llu bytes\n", (unsigned long long)sent);
        return 1;
    }
    /* Our FIN first: this end goes FIN_WAIT_1, FIN_WAIT_2, then TIME_WAIT on
     * the peer's FIN [RFC 9293 3.6]. */
    peer_enter(p, CALL_SHUTDOWN);
    sock_shutdown(p->h, fd, SOCK_SHUT_WR);
    peer_leave(p);
    bool fin = false;
    while (!fin) {
        if (!peer_wait(p, fd, SOCK_POLLIN | SOCK_POLLERR | SOCK_POLLHUP))
            break;
        uint8_t junk[4096];
        peer_enter(p, CALL_RECV);
        int n = sock_recv(p->h, fd, junk, sizeof junk);
        peer_leave(p);
        if (n == 0)
            fin = true;
        else if (n < 0 && n != -ERR_AGAIN)
            break;
    }
    uint64_t t1 = p->sim.now_ns;
    struct tcb *tp = find_tcb(p, me.port, dst, port);
    uint64_t rexmt = tp != NULL ? tp->retransmits : 0;
    peer_enter(p, CALL_CLOSE);
    sock_close(p->h, fd);
    peer_leave(p);
    tp = find_tcb(p, me.port, dst, port);
    const char *state = tp != NULL ? tcp_state_name(tp->state) : "gone";
    double secs = (double)(t1 - t0) / NS_PER_S;
    printf("send: %llu bytes in %.3f s: %.1f Mbit/s, %llu segments retransmitted; "
           "peer FIN %s; state after close %s\n",
           (unsigned long long)sent, secs, secs > 0 ? (double)sent * 8 / secs / 1e6 : 0.0,
           (unsigned long long)rexmt, fin ? "received" : "missing", state);
    return fin && tp != NULL && tp->state == TCP_TIME_WAIT ? 0 : 1;
}

/* --- main --------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr,
            "usage: tap_peer [--dev NAME] [--addr A.B.C.D/P] [--pcap FILE] [--loss P]\n"
            "                [--seed N] [--time SECONDS] [--rto-min-ms MS] [--believe-own-src 1]\n"
            "                serve | ping DST COUNT | send DST PORT BYTES\n");
    return 2;
}

int
main(int argc, char **argv)
{
    const char *dev = "nstap0", *pcap_path = NULL, *addr_s = "192.0.2.2/24";
    double loss = 0, time_s = 60, rto_min_ms = 0;
    uint64_t seed = 1;
    bool believe = false;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--dev") == 0)
            dev = argv[i + 1];
        else if (strcmp(argv[i], "--addr") == 0)
            addr_s = argv[i + 1];
        else if (strcmp(argv[i], "--pcap") == 0)
            pcap_path = argv[i + 1];
        else if (strcmp(argv[i], "--loss") == 0)
            loss = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(argv[i + 1], NULL, 0);
        else if (strcmp(argv[i], "--rto-min-ms") == 0)
            rto_min_ms = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--time") == 0)
            time_s = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--believe-own-src") == 0)
            believe = strcmp(argv[i + 1], "1") == 0;
        else
            return usage();
    }
    if (i >= argc || time_s <= 0 || time_s > 600)
        return usage();
    const char *mode = argv[i++];

    char abuf[32];
    snprintf(abuf, sizeof abuf, "%s", addr_s);
    char *slash = strchr(abuf, '/');
    unsigned prefix = 24;
    if (slash != NULL) {
        *slash = '\0';
        prefix = (unsigned)strtoul(slash + 1, NULL, 10);
    }
    uint32_t addr;
    if (!ipv4_addr_parse(abuf, &addr) || prefix < 1 || prefix > 30)
        return usage();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct peer *p = calloc(1, sizeof *p);
    if (p == NULL)
        return 2;
    pattern_init(p->pattern);
    sim_init(&p->sim, seed);
    struct pcap_sink ps;
    bool have_pcap = false;
    if (pcap_path != NULL) {
        if (pcap_sink_open(&ps, pcap_path) < 0) {
            fprintf(stderr, "tap_peer: %s\n", pcap_sink_error(&ps));
            return 2;
        }
        pcap_sink_attach(&ps, &p->sim.trace);
        have_pcap = true;
    }
    p->h = sim_add_host(&p->sim, "netstep");
    p->ifc = p->h != NULL ? sim_host_add_iface(&p->sim, p->h, addr, prefix, 1500, NULL) : NULL;
    if (p->h != NULL && rto_min_ms > 0)
        p->h->tcp.rto_min_ns = (uint64_t)(rto_min_ms * NS_PER_MS);
    char err[256];
    int ret = p->ifc != NULL ? sim_attach_tap(&p->sim, p->ifc, dev, err, sizeof err) : -ERR_NOMEM;
    if (ret < 0) {
        fprintf(stderr, "tap_peer: %s\n", err);
        if (have_pcap)
            pcap_sink_abort(&ps);
        sim_destroy(&p->sim);
        free(p);
        return 2;
    }
    if (loss > 0) {
        struct link_params lp;
        memset(&lp, 0, sizeof lp);
        lp.loss = loss;
        if (drv_tap_set_params(drv_tap_of_iface(p->ifc), &lp) < 0)
            return usage();
    }
    p->deadline_ns = p->sim.now_ns + (uint64_t)(time_s * NS_PER_S);
    if (believe) {
        p->believe_own_src = true;
        p->sim.on_host_rx = peer_host_rx;
        p->sim.host_rx_ctx = p;
    }

    int rc;
    if (strcmp(mode, "serve") == 0 && i == argc) {
        rc = mode_serve(p);
    } else if (strcmp(mode, "ping") == 0 && i + 2 == argc) {
        uint32_t dst;
        rc = ipv4_addr_parse(argv[i], &dst) ? mode_ping(p, dst, (unsigned)atoi(argv[i + 1])) : 2;
    } else if (strcmp(mode, "send") == 0 && i + 3 == argc) {
        uint32_t dst;
        rc = ipv4_addr_parse(argv[i], &dst)
                 ? mode_send(p, dst, (uint16_t)atoi(argv[i + 1]), strtoull(argv[i + 2], NULL, 0))
                 : 2;
    } else {
        rc = usage();
    }

    if (p->sim.halted != SIM_HALT_NONE) {
        printf("halted: %s\n", p->sim.halt_msg);
        rc = 3;
    }
    if (p->own_src != NULL)
        pkt_free(p->own_src);
    struct drv_tap *t = drv_tap_of_iface(p->ifc);
    printf("tap: %llu frames out, %llu in, %llu lost to kernel, %llu lost from kernel, "
           "%llu write errors\n",
           (unsigned long long)t->tx_frames, (unsigned long long)t->rx_frames,
           (unsigned long long)t->dir[0].lost, (unsigned long long)t->dir[1].lost,
           (unsigned long long)t->tx_errors);
    sim_destroy(&p->sim);
    if (have_pcap && pcap_sink_close(&ps) < 0) {
        fprintf(stderr, "tap_peer: %s\n", pcap_sink_error(&ps));
        rc = rc ? rc : 1;
    }
    if (p->sim.pool.live != 0) {
        fprintf(stderr, "tap_peer: %llu packets leaked\n", (unsigned long long)p->sim.pool.live);
        rc = rc ? rc : 1;
    }
    free(p);
    return rc;
}
