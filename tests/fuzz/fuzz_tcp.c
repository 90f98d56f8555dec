/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_tcp.c - libFuzzer target: timed sequences of frames, socket calls and
 * time steps into a host that has a listener and a connection in every TCP
 * state.
 *
 * Each input starts from the same world (fuzz_world.h): bob, the host under
 * test, listens on port 80 and holds connections with alice in SYN-SENT,
 * SYN-RECEIVED, ESTABLISHED (one idle, one with data unacknowledged both
 * ways and a hole in its receive queue), FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT,
 * CLOSING, LAST-ACK and TIME-WAIT, plus one handshake waiting in the accept
 * queue [RFC 9293 3.3.2], and UDP and ICMP (ping) sockets beside them so
 * raw frames of every protocol find a taker. alice is a real host, so what
 * bob sends can be delivered and answered. Then the input is read as
 * operations:
 *
 *   a TCP segment into bob: any header and payload bytes, with the ports,
 *       sequence and acknowledgment numbers optionally taken relative to one
 *       of bob's TCBs (so the fuzzer reaches the acceptable window instead of
 *       being refused at the first check) and the checksums made right;
 *   a raw frame into bob, any bytes at all;
 *   a socket call on bob or alice (socket, connect, send, recv, close,
 *       shutdown, listen, accept, setsockopt) with arguments from the input;
 *   a time step (1 ms to about 2 min) or a run to the next timer;
 *   delivering or losing what the hosts sent.
 *
 * After every operation the hosts must fall quiet without the clock moving
 * (no storm: fz_settle) and each TCB must keep SND.UNA <= SND.NXT <= SND.MAX;
 * at the end every descriptor is closed, every connection must finish within
 * the drain bound and no packet may be left alive (fz_teardown). A broken
 * promise aborts, so libFuzzer keeps the input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_world.h"
#include "stack/inspect.h"
#include "stack/socket.h"
#include "stack/wire/tcp.h"

#define FZ_OPS_MAX 256      /* operations read from one input */
#define FZ_SEND_MAX 20000   /* bytes one send may offer */

/* The input, read front to back; reads past the end give zeros. */
struct fz_input {
    const uint8_t *p;
    size_t n;
};

static uint8_t
in_u8(struct fz_input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static uint16_t
in_u16(struct fz_input *in)
{
    uint16_t hi = in_u8(in);
    return (uint16_t)(hi << 8 | in_u8(in));
}

static uint32_t
in_u32(struct fz_input *in)
{
    uint32_t hi = in_u16(in);
    return hi << 16 | in_u16(in);
}

/* Copy up to len bytes of input to dst; the rest of dst is zeros. */
static void
in_bytes(struct fz_input *in, uint8_t *dst, size_t len)
{
    size_t n = len < in->n ? len : in->n;
    memcpy(dst, in->p, n);
    memset(dst + n, 0, len - n);
    in->p += n;
    in->n -= n;
}

/* --- setting up every state ------------------------------------------ */

static int
must(int rc, const char *what)
{
    if (rc < 0)
        fz_fail("setup: %s failed (%d)", what, rc);
    return rc;
}

static int
tcp_socket(struct fz_world *w, int h)
{
    fz_enter(w);
    int fd = must(sock_socket(&w->host[h], SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP),
                  "socket");
    fz_fd_add(w, h, fd);
    return fd;
}

static int
tcp_listener(struct fz_world *w, int h, uint16_t port)
{
    int fd = tcp_socket(w, h);
    struct sock_addr a = { 0, port };
    must(sock_bind(&w->host[h], fd, &a), "bind");
    must(sock_listen(&w->host[h], fd, 8), "listen");
    return fd;
}

/* alice connects to bob:80, everything is delivered, bob accepts: returns
 * bob's descriptor, alice's in *afd. */
static int
established(struct fz_world *w, int bob_listener, int *afd)
{
    *afd = tcp_socket(w, FZ_ALICE);
    struct sock_addr to = { FZ_BOB_ADDR, 80 };
    fz_enter(w);
    sock_connect(&w->host[FZ_ALICE], *afd, &to);  /* EINPROGRESS */
    fz_deliver(w, 64);
    fz_enter(w);
    int bfd = must(sock_accept(&w->host[FZ_BOB], bob_listener, NULL), "accept");
    fz_fd_add(w, FZ_BOB, bfd);
    return bfd;
}

static void
close_fd(struct fz_world *w, int h, int fd)
{
    fz_enter(w);
    must(sock_close(&w->host[h], fd), "close");
    fz_fd_remove(w, h, fd);
}

static void
send_bytes(struct fz_world *w, int h, int fd, size_t len)
{
    uint8_t buf[4096];
    memset(buf, 'a' + h, sizeof(buf));
    fz_enter(w);
    must(sock_send(&w->host[h], fd, buf, len < sizeof(buf) ? len : sizeof(buf)), "send");
}

static void
setup(struct fz_world *w)
{
    static const char *const want[] = { "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
                                        "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
                                        "LAST_ACK", "TIME_WAIT" };
    int a, b;
    int lb = tcp_listener(w, FZ_BOB, 80);
    tcp_listener(w, FZ_ALICE, 81);

    /* ESTABLISHED and idle. */
    established(w, lb, &a);
    /* ESTABLISHED with 3000 bytes from bob unacknowledged (lost), 2000 from
     * alice unread, and alice's next segment held out of order after a hole. */
    b = established(w, lb, &a);
    send_bytes(w, FZ_ALICE, a, 2000);
    fz_deliver(w, 64);
    send_bytes(w, FZ_BOB, b, 3000);
    fz_lose_all(w, FZ_BOB);
    fz_enter(w);
    must(sock_setsockopt(&w->host[FZ_ALICE], a, SOCK_OPT_TCP_NODELAY, 1), "setsockopt");
    send_bytes(w, FZ_ALICE, a, 100);
    send_bytes(w, FZ_ALICE, a, 100);
    fz_lose_one(w, FZ_ALICE);
    fz_deliver(w, 64);
    fz_lose_all(w, FZ_BOB);
    /* CLOSE_WAIT: alice closed, bob has not. */
    b = established(w, lb, &a);
    close_fd(w, FZ_ALICE, a);
    fz_deliver(w, 64);
    /* LAST_ACK: both closed, bob's FIN lost. */
    b = established(w, lb, &a);
    close_fd(w, FZ_ALICE, a);
    fz_deliver(w, 64);
    close_fd(w, FZ_BOB, b);
    fz_lose_all(w, FZ_BOB);
    /* FIN_WAIT_1: bob closed (shutdown, so the descriptor stays), FIN lost. */
    b = established(w, lb, &a);
    fz_enter(w);
    must(sock_shutdown(&w->host[FZ_BOB], b, SOCK_SHUT_WR), "shutdown");
    fz_lose_all(w, FZ_BOB);
    /* FIN_WAIT_2: bob's FIN acknowledged, alice stays open. */
    b = established(w, lb, &a);
    fz_enter(w);
    must(sock_shutdown(&w->host[FZ_BOB], b, SOCK_SHUT_WR), "shutdown");
    fz_deliver(w, 64);
    /* CLOSING: both FINs cross; bob sees alice's before his is acknowledged. */
    b = established(w, lb, &a);
    fz_enter(w);
    must(sock_shutdown(&w->host[FZ_BOB], b, SOCK_SHUT_WR), "shutdown");
    must(sock_shutdown(&w->host[FZ_ALICE], a, SOCK_SHUT_WR), "shutdown");
    fz_deliver_one(w, FZ_ALICE);
    fz_lose_all(w, FZ_BOB);
    /* TIME_WAIT: bob closed first and the close finished. */
    b = established(w, lb, &a);
    close_fd(w, FZ_BOB, b);
    fz_deliver(w, 64);
    close_fd(w, FZ_ALICE, a);
    fz_deliver(w, 64);
    /* A completed handshake nobody accepted yet. */
    a = tcp_socket(w, FZ_ALICE);
    struct sock_addr to80 = { FZ_BOB_ADDR, 80 }, to81 = { FZ_ALICE_ADDR, 81 };
    fz_enter(w);
    sock_connect(&w->host[FZ_ALICE], a, &to80);
    fz_deliver(w, 64);
    /* SYN_RECEIVED: alice's SYN arrived, bob's SYN-ACK was lost. */
    a = tcp_socket(w, FZ_ALICE);
    fz_enter(w);
    sock_connect(&w->host[FZ_ALICE], a, &to80);
    fz_deliver_one(w, FZ_ALICE);
    fz_lose_all(w, FZ_BOB);
    /* SYN_SENT: bob's SYN to alice:81 was lost. */
    b = tcp_socket(w, FZ_BOB);
    fz_enter(w);
    sock_connect(&w->host[FZ_BOB], b, &to81);
    fz_lose_all(w, FZ_BOB);

    /* Every other protocol listening too, so a raw frame finds a taker:
     * UDP on port 7 and a connected UDP socket to alice:7, and a ping
     * socket (ICMP echo) as Linux's IPPROTO_ICMP datagram socket. */
    struct sock_addr port7 = { 0, 7 }, alice7 = { FZ_ALICE_ADDR, 7 };
    fz_enter(w);
    int u = must(sock_socket(&w->host[FZ_BOB], SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
                 "socket udp");
    fz_fd_add(w, FZ_BOB, u);
    must(sock_bind(&w->host[FZ_BOB], u, &port7), "bind udp");
    u = must(sock_socket(&w->host[FZ_BOB], SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP),
             "socket udp");
    fz_fd_add(w, FZ_BOB, u);
    must(sock_connect(&w->host[FZ_BOB], u, &alice7), "connect udp");
    u = must(sock_socket(&w->host[FZ_BOB], SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP),
             "socket icmp");
    fz_fd_add(w, FZ_BOB, u);
    must(sock_setsockopt(&w->host[FZ_BOB], u, SOCK_OPT_IP_RECVERR, 1), "setsockopt");

    /* The promise of this target: every state is there to be fuzzed. */
    struct inspect_tcb t[64];
    size_t n = inspect_tcbs(&w->host[FZ_BOB], t, 64);
    for (size_t s = 0; s < sizeof(want) / sizeof(want[0]); s++) {
        bool found = false;
        for (size_t i = 0; i < n && i < 64 && !found; i++)
            found = strcmp(t[i].state, want[s]) == 0;
        if (!found)
            fz_fail("setup: bob has no connection in %s", want[s]);
    }
    fz_check_tcbs(w);
}

/* --- operations ------------------------------------------------------ */

/* A sequence or acknowledgment number: raw from the input, or a TCB's
 * number plus a small signed offset, so in-window values are easy to hit. */
static uint32_t
pick_number(struct fz_input *in, const struct inspect_tcb *t, bool is_ack)
{
    uint8_t how = in_u8(in);
    int32_t delta = (int16_t)in_u16(in);
    if (t == NULL || how % 4 == 0)
        return in_u32(in);
    uint32_t base;
    if (is_ack)
        base = how % 4 == 1 ? t->snd_una : how % 4 == 2 ? t->snd_nxt : t->iss;
    else
        base = how % 4 == 1 ? t->rcv_nxt : how % 4 == 2 ? t->rcv_nxt + t->rcv_wnd : t->irs;
    return base + (uint32_t)delta;
}

/* Addresses a segment may claim to come from: alice, bob himself, the
 * broadcasts and others a stack must not believe [RFC 1122 3.2.1.3]. */
static uint32_t
pick_source(struct fz_input *in)
{
    static const uint32_t src[] = { FZ_ALICE_ADDR, FZ_ALICE_ADDR, FZ_ALICE_ADDR, FZ_ALICE_ADDR,
                                    FZ_BOB_ADDR,   0xc00002ffu,   0xffffffffu,   0x7f000001u,
                                    0x00000000u,   0xe0000001u,   0xc0000203u };
    uint8_t i = in_u8(in);
    if (i == 0xff)
        return in_u32(in);
    return src[i % (sizeof(src) / sizeof(src[0]))];
}

static void
op_segment(struct fz_world *w, struct fz_input *in)
{
    struct inspect_tcb t[64];
    size_t n = inspect_tcbs(&w->host[FZ_BOB], t, 64);
    if (n > 64)
        n = 64;
    uint8_t which = in_u8(in);
    const struct inspect_tcb *tcb = n > 0 && which < 0xf0 ? &t[which % n] : NULL;
    uint32_t src = pick_source(in);
    uint8_t shape = in_u8(in);

    uint8_t seg[FZ_FRAME_MAX];
    size_t opt_len = (size_t)(in_u8(in) % 41);
    size_t payload = (size_t)(in_u16(in) % 1461);
    size_t hdr = 20 + opt_len;
    in_bytes(in, seg, 20);
    if (tcb != NULL) {
        uint16_t sport = tcb->fport, dport = tcb->lport;
        seg[0] = (uint8_t)(sport >> 8);
        seg[1] = (uint8_t)sport;
        seg[2] = (uint8_t)(dport >> 8);
        seg[3] = (uint8_t)dport;
    }
    uint32_t seq = pick_number(in, tcb, false), ack = pick_number(in, tcb, true);
    seg[4] = (uint8_t)(seq >> 24), seg[5] = (uint8_t)(seq >> 16);
    seg[6] = (uint8_t)(seq >> 8), seg[7] = (uint8_t)seq;
    seg[8] = (uint8_t)(ack >> 24), seg[9] = (uint8_t)(ack >> 16);
    seg[10] = (uint8_t)(ack >> 8), seg[11] = (uint8_t)ack;
    /* Mostly a data offset that covers the options; sometimes the input's. */
    if (shape & 1)
        seg[12] = (uint8_t)((((hdr + 3) / 4) << 4) | (seg[12] & 0x0f));
    in_bytes(in, seg + 20, opt_len);
    /* Options padded with EOL to a multiple of 4. */
    size_t padded = (opt_len + 3) / 4 * 4;
    memset(seg + 20 + opt_len, 0, padded - opt_len);
    hdr = 20 + padded;
    in_bytes(in, seg + hdr, payload);
    size_t seg_len = hdr + payload;

    uint8_t frame[FZ_FRAME_MAX];
    size_t len = fz_tcp_frame(w, FZ_BOB, src, FZ_BOB_ADDR, seg, seg_len, 64, frame);
    if (shape & 2)                       /* damaged in flight: one bit flipped */
        frame[14 + (in_u16(in) % (len - 14))] ^= (uint8_t)(1u << (shape >> 5));
    fz_inject(w, FZ_BOB, frame, len);
}

static void
op_raw_frame(struct fz_world *w, struct fz_input *in)
{
    uint8_t frame[FZ_FRAME_MAX];
    size_t len = (size_t)(in_u16(in) % FZ_FRAME_MAX);
    in_bytes(in, frame, len);
    fz_inject(w, FZ_BOB, frame, len);
}

static int
pick_fd(struct fz_world *w, int h, struct fz_input *in)
{
    uint8_t i = in_u8(in);
    if (w->n_fd[h] == 0 || i == 0xff)
        return (int)(int8_t)in_u8(in);   /* not ours: -128..127 */
    return w->fd[h][i % w->n_fd[h]];
}

static void
op_call(struct fz_world *w, int h, struct fz_input *in)
{
    struct host *host = &w->host[h];
    uint8_t call = in_u8(in);
    int fd = pick_fd(w, h, in);
    static uint8_t buf[FZ_SEND_MAX];
    fz_enter(w);
    switch (call % 10) {
    case 0: {
        int nfd = sock_socket(host, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
        if (nfd >= 0 && in_u8(in) & 1) {
            struct sock_addr a = { 0, in_u16(in) };
            sock_bind(host, nfd, &a);
        }
        fz_fd_add(w, h, nfd);
        break;
    }
    case 1: {
        static const uint32_t to[] = { FZ_ALICE_ADDR, FZ_BOB_ADDR, 0x7f000001u, 0xc00002ffu };
        uint8_t i = in_u8(in);
        struct sock_addr a = { to[i % 4], (uint16_t)(i & 0x80 ? in_u16(in) : 80 + (i >> 2) % 2) };
        sock_connect(host, fd, &a);
        break;
    }
    case 2: {
        size_t len = in_u16(in) % FZ_SEND_MAX;
        memset(buf, (int)call, len);
        sock_send(host, fd, buf, len);
        break;
    }
    case 3:
        sock_recv(host, fd, buf, 1 + in_u16(in) % FZ_SEND_MAX);
        break;
    case 4:
        if (sock_close(host, fd) == 0)
            fz_fd_remove(w, h, fd);
        break;
    case 5:
        sock_shutdown(host, fd, (enum sock_shut)(in_u8(in) % 3));
        break;
    case 6:
        sock_listen(host, fd, (int)(int8_t)in_u8(in));
        break;
    case 7:
        fz_fd_add(w, h, sock_accept(host, fd, NULL));
        break;
    case 8: {
        enum sock_opt opt = (enum sock_opt)(in_u8(in) % SOCK_OPT_COUNT);
        int64_t value = (int32_t)in_u32(in);
        sock_setsockopt(host, fd, opt, value);
        break;
    }
    default: {
        int64_t v;
        sock_getsockopt(host, fd, (enum sock_opt)(in_u8(in) % SOCK_OPT_COUNT), &v);
        break;
    }
    }
}

static void
op_wire(struct fz_world *w, struct fz_input *in)
{
    uint8_t how = in_u8(in);
    int from = how & 1;
    switch ((how >> 1) % 4) {
    case 0:
        fz_deliver(w, 256);
        break;
    case 1:
        fz_deliver_one(w, from);
        break;
    case 2:
        fz_lose_one(w, from);
        break;
    default:
        fz_lose_all(w, from);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_world *w = malloc(sizeof(*w));
    if (w == NULL)
        return 0;
    fz_init(w);
    setup(w);
    struct fz_input in = { data, size };
    for (unsigned op = 0; op < FZ_OPS_MAX && in.n > 0; op++) {
        uint8_t kind = in_u8(&in);
        switch (kind % 8) {
        case 0:
        case 1:
            op_segment(w, &in);
            break;
        case 2:
            op_raw_frame(w, &in);
            break;
        case 3:
            op_call(w, FZ_BOB, &in);
            break;
        case 4:
            op_call(w, FZ_ALICE, &in);
            break;
        case 5:
            fz_advance(w, 1000000ull << (in_u8(&in) % 18));
            break;
        case 6:
            fz_advance_to_next(w, 600ull * 1000000000);
            break;
        default:
            op_wire(w, &in);
            break;
        }
        fz_settle(w, FZ_STORM_ROUNDS, false);
        fz_check_tcbs(w);
    }
    fz_teardown(w);
    free(w);
    return 0;
}
