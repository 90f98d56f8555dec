/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_world.c - the two-host world of fuzz_world.h.
 */
#include "fuzz_world.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/arp.h"
#include "stack/iface.h"
#include "stack/inspect.h"
#include "stack/socket.h"
#include "stack/tcp_seq.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"

#define FZ_TCB_MAX 256
/* After every descriptor is closed, the world gets this long to finish every
 * connection: longer than TIME-WAIT (2 x 2 min) and than giving up on an
 * unanswered peer (tcp.retries2 = 15 with RTO up to 60 s is about 15 min). */
#define FZ_DRAIN_NS    (40ull * 60 * 1000000000)
#define FZ_DRAIN_STEPS 20000

static const uint8_t fz_mac[2][ETH_ALEN] = {
    { 0x02, 0, 0, 0, 0x01, 0x01 },
    { 0x02, 0, 0, 0, 0x02, 0x01 },
};

void
fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static int
fz_transmit(struct iface *ifc, struct pkt *p)
{
    struct fz_world *w = ifc->drv;
    int self = ifc->host == &w->host[FZ_BOB] ? FZ_BOB : FZ_ALICE;
    /* A host that floods a wire nobody drains loses the oldest frames, as a
     * full queue would; the bound keeps one input's memory small. */
    if (w->out[self].count >= FZ_QUEUE_MAX)
        pkt_free(pkt_queue_pop(&w->out[self]));
    pkt_queue_push(&w->out[self], p);
    return 0;
}

static const struct iface_ops fz_ops = { .transmit = fz_transmit };

/* Read every event's sentence, so the describe code runs on hostile bytes
 * under the sanitizers as it does in a real run. */
static void
fz_sink(void *ctx, const struct trace_event *ev)
{
    struct fz_world *w = ctx;
    w->text_bytes += strlen(ev->text);
    snprintf(w->last_text, sizeof(w->last_text), "%s: %s", ev->host != NULL ? ev->host->name : "-",
             ev->text);
}

void
fz_init(struct fz_world *w)
{
    memset(w, 0, sizeof(*w));
    trace_init(&w->trace);
    w->sink.emit = fz_sink;
    w->sink.ctx = w;
    trace_attach(&w->trace, &w->sink);
    static const uint32_t addr[2] = { FZ_ALICE_ADDR, FZ_BOB_ADDR };
    static const char *const name[2] = { "alice", "bob" };
    for (int h = 0; h < 2; h++) {
        host_init(&w->host[h], name[h], &w->pool, &w->trace, 1, (uint64_t)h);
        struct iface *ifc = host_add_iface(&w->host[h], "eth0", fz_mac[h], addr[h], 24, 1500,
                                           &fz_ops, w);
        if (ifc == NULL)
            fz_fail("host_add_iface failed");
        host_iface_up(&w->host[h], ifc, false);
    }
    for (int h = 0; h < 2; h++)
        if (arp_cache_set_permanent(&w->host[h], &w->host[h].ifaces[0], addr[1 - h],
                                    fz_mac[1 - h]) != 0)
            fz_fail("arp_cache_set_permanent failed");
}

void
fz_enter(struct fz_world *w)
{
    w->host[0].now_ns = w->now_ns;
    w->host[1].now_ns = w->now_ns;
}

void
fz_inject(struct fz_world *w, int to, const uint8_t *frame, size_t len)
{
    fz_enter(w);
    struct pkt *p = pkt_from_bytes(&w->pool, frame, len);
    if (p == NULL)
        fz_fail("pkt_from_bytes(%zu bytes) failed", len);
    iface_input(&w->host[to].ifaces[0], p);
}

bool
fz_deliver_one(struct fz_world *w, int from)
{
    struct pkt *p = pkt_queue_pop(&w->out[from]);
    if (p == NULL)
        return false;
    fz_enter(w);
    iface_input(&w->host[1 - from].ifaces[0], p);
    return true;
}

size_t
fz_deliver(struct fz_world *w, size_t budget)
{
    size_t n = 0;
    bool moved = true;
    while (moved && n < budget) {
        moved = false;
        for (int from = 0; from < 2 && n < budget; from++)
            if (fz_deliver_one(w, from)) {
                n++;
                moved = true;
            }
    }
    return n;
}

bool
fz_lose_one(struct fz_world *w, int from)
{
    struct pkt *p = pkt_queue_pop(&w->out[from]);
    pkt_free(p);
    return p != NULL;
}

void
fz_lose_all(struct fz_world *w, int from)
{
    pkt_queue_purge(&w->out[from]);
}

void
fz_advance(struct fz_world *w, uint64_t ns)
{
    w->now_ns += ns;
    fz_enter(w);
    host_poll(&w->host[0]);
    host_poll(&w->host[1]);
}

bool
fz_advance_to_next(struct fz_world *w, uint64_t limit_ns)
{
    fz_enter(w);
    uint64_t next = host_next_deadline(&w->host[0]);
    uint64_t b = host_next_deadline(&w->host[1]);
    if (b < next)
        next = b;
    if (next == UINT64_MAX || next > w->now_ns + limit_ns)
        return false;
    fz_advance(w, next > w->now_ns ? next - w->now_ns : 0);
    return true;
}

void
fz_settle(struct fz_world *w, size_t budget, bool deliver)
{
    for (size_t round = 0; round < budget; round++) {
        size_t moved = deliver ? fz_deliver(w, 64) : 0;
        fz_enter(w);
        bool due = host_next_deadline(&w->host[0]) <= w->now_ns ||
                   host_next_deadline(&w->host[1]) <= w->now_ns;
        if (moved == 0 && !due)
            return;
        if (due) {
            host_poll(&w->host[0]);
            host_poll(&w->host[1]);
        }
    }
    fz_fail("a storm: after %zu rounds at %.6f s the hosts still make work without time "
            "moving (last event: %s)", budget, (double)w->now_ns / 1e9, w->last_text);
}

void
fz_fd_add(struct fz_world *w, int h, int fd)
{
    if (fd < 0)
        return;
    for (size_t i = 0; i < w->n_fd[h]; i++)
        if (w->fd[h][i] == fd)
            return;
    if (w->n_fd[h] == FZ_FD_MAX) {
        /* Full: close the new one at once rather than lose track of it. */
        fz_enter(w);
        sock_close(&w->host[h], fd);
        return;
    }
    w->fd[h][w->n_fd[h]++] = fd;
}

void
fz_fd_remove(struct fz_world *w, int h, int fd)
{
    for (size_t i = 0; i < w->n_fd[h]; i++)
        if (w->fd[h][i] == fd) {
            w->fd[h][i] = w->fd[h][--w->n_fd[h]];
            return;
        }
}

void
fz_check_tcbs(struct fz_world *w)
{
    _Static_assert(FZ_TCB_MAX >= 2 * FZ_FD_MAX, "room for every TCB the target can make");
    struct inspect_tcb *t = malloc(FZ_TCB_MAX * sizeof(*t));
    if (t == NULL)
        fz_fail("out of memory");
    for (int h = 0; h < 2; h++) {
        size_t n = inspect_tcbs(&w->host[h], t, FZ_TCB_MAX);
        for (size_t i = 0; i < n && i < FZ_TCB_MAX; i++) {
            if (t[i].state == NULL)
                fz_fail("%s: a TCB without a state", w->host[h].name);
            if (strcmp(t[i].state, "LISTEN") == 0 || strcmp(t[i].state, "CLOSED") == 0)
                continue;
            if (seq_gt(t[i].snd_una, t[i].snd_nxt) || seq_gt(t[i].snd_nxt, t[i].snd_max))
                fz_fail("%s: %s %u -> %u: snd_una %u, snd_nxt %u, snd_max %u out of order",
                        w->host[h].name, t[i].state, t[i].lport, t[i].fport, t[i].snd_una,
                        t[i].snd_nxt, t[i].snd_max);
        }
    }
    free(t);
}

void
fz_teardown(struct fz_world *w)
{
    fz_enter(w);
    for (int h = 0; h < 2; h++) {
        while (w->n_fd[h] > 0) {
            int fd = w->fd[h][--w->n_fd[h]];
            sock_close(&w->host[h], fd);
        }
        struct inspect_socket s;
        if (inspect_sockets(&w->host[h], &s, 1) != 0)
            fz_fail("%s: socket %d (%s %s) still open after every descriptor was closed",
                    w->host[h].name, s.fd, s.proto, s.state);
    }
    /* Every connection now finishes on its own: FINs are exchanged, TIME-WAIT
     * ends, a peer that does not answer is given up on. */
    uint64_t start = w->now_ns;
    struct inspect_tcb t;
    for (unsigned step = 0; step < FZ_DRAIN_STEPS; step++) {
        fz_settle(w, FZ_STORM_ROUNDS, true);
        if (inspect_tcbs(&w->host[0], &t, 1) == 0 && inspect_tcbs(&w->host[1], &t, 1) == 0)
            break;
        if (w->now_ns - start > FZ_DRAIN_NS || !fz_advance_to_next(w, FZ_DRAIN_NS))
            break;
    }
    fz_deliver(w, 4096);
    for (int h = 0; h < 2; h++)
        if (inspect_tcbs(&w->host[h], &t, 1) != 0)
            fz_fail("%s: connection %u -> %u still %s %.0f s after every socket was closed",
                    w->host[h].name, t.lport, t.fport, t.state,
                    (double)(w->now_ns - start) / 1e9);
    fz_lose_all(w, 0);
    fz_lose_all(w, 1);
    host_destroy(&w->host[0]);
    host_destroy(&w->host[1]);
    if (w->pool.live != 0)
        fz_fail("%llu packet(s) leaked", (unsigned long long)w->pool.live);
}

size_t
fz_tcp_frame(const struct fz_world *w, int to, uint32_t src, uint32_t dst, const uint8_t *seg,
             size_t seg_len, uint8_t ttl, uint8_t *frame)
{
    size_t max_seg = FZ_FRAME_MAX - ETH_HDR_LEN - 20;
    if (seg_len > max_seg)
        seg_len = max_seg;
    struct eth_hdr eth = { .type = 0x0800 };
    memcpy(eth.dst, fz_mac[to], ETH_ALEN);
    memcpy(eth.src, fz_mac[1 - to], ETH_ALEN);
    eth_emit(&eth, frame);
    struct ipv4_hdr ip = {
        .ihl = 20, .total_len = (uint16_t)(20 + seg_len), .id = 1, .df = true,
        .ttl = ttl, .proto = 6, .src = src, .dst = dst,
    };
    ipv4_emit(&ip, frame + ETH_HDR_LEN);
    uint8_t *tcp = frame + ETH_HDR_LEN + 20;
    memcpy(tcp, seg, seg_len);
    if (seg_len >= 18) {
        tcp[16] = tcp[17] = 0;
        uint32_t sum = csum_pseudo_ipv4(src, dst, 6, (uint16_t)seg_len);
        uint16_t c = csum_finish(csum_add(sum, tcp, seg_len));
        tcp[16] = (uint8_t)(c >> 8);
        tcp[17] = (uint8_t)c;
    }
    (void)w;
    return ETH_HDR_LEN + 20 + seg_len;
}
