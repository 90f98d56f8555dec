/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_syncookie.c - SYN cookies [RFC 4987 3.6]: a listener whose SYN queue
 * is full answers a SYN without keeping any state, and rebuilds the
 * connection from the ACK that completes the handshake.
 *
 * The cookie is the ISS of the SYN-ACK, laid out as [RFC 4987 3.6] says:
 * the top 5 bits are a time counter t mod 32 (t ticks every 64 s), the next
 * 3 bits index the MSS table below, and the low 24 bits are a keyed hash of
 * the two addresses and ports, t, the peer's ISN and the MSS index. The key
 * is derived from the host's seeded ISN key, so runs replay exactly. A
 * cookie is good for two ticks (64 to 128 s), as Linux allows.
 * What a cookie cannot carry: window scale, SACK-permitted and timestamps
 * (Linux hides them in the timestamp; this stack does not): a connection
 * made from a cookie has none of them, and its SYN-ACK offers only the MSS.
 * Called by: tcp_input.c (LISTEN). Calls: ipv4_output(), tcp_siphash24().
 */
#include "stack/tcp.h"

#include <string.h>

#include "stack/host.h"
#include "stack/ipv4.h"
#include "stack/ipv6.h"
#include "stack/pkt.h"
#include "stack/wire/bytes.h"
#include "stack/wire/tcp.h"

/* The time counter: 64 s a tick, as Linux's MAX_SYNCOOKIE_AGE counts. */
#define TCP_COOKIE_TICK_NS (64ull * 1000000000ull)
/* A cookie older than this many ticks is refused. */
#define TCP_COOKIE_MAX_AGE 2

/* [RFC 4987 3.6] "3 bits ... encoding of an MSS value": the sizes peers
 * send most (Ethernet less IPv4 and TCP with and without timestamps, a
 * PPPoE or tunnel path, the 536 default [RFC 9293 3.7.1]). */
static const uint16_t tcp_cookie_mss[8] = { 216, 536, 1024, 1200, 1300, 1400, 1440, 1460 };

uint16_t
tcp_cookie_mss_of(unsigned index)
{
    return tcp_cookie_mss[index & 7];
}

static uint32_t
tcp_cookie_tick(const struct host *h)
{
    return (uint32_t)(h->now_ns / TCP_COOKIE_TICK_NS);
}

/* The 24-bit keyed hash of the connection, t, the peer's ISN and the MSS
 * index. The key is the ISN key turned, so knowing ISNs tells nothing of it. */
static uint32_t
tcp_cookie_hash(const struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
                uint16_t fport, uint32_t t, uint32_t peer_isn, unsigned mss_index)
{
    uint64_t key[2] = { h->tcp.isn_key[1] ^ 0x73796e636f6f6b69ull,   /* "syncooki" */
                        h->tcp.isn_key[0] ^ 0x6520525443343938ull }; /* "e RTC498" */
    uint8_t in[4 + 2 + 4 + 2 + 4 + 4 + 1];
    be32_put(in, laddr);
    be16_put(in + 4, lport);
    be32_put(in + 6, faddr);
    be16_put(in + 10, fport);
    be32_put(in + 12, t);
    be32_put(in + 16, peer_isn);
    in[20] = (uint8_t)mss_index;
    return (uint32_t)tcp_siphash24(key, in, sizeof(in)) & 0xffffffu;
}

uint32_t
tcp_cookie_make(const struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
                uint16_t fport, uint32_t peer_isn, uint16_t peer_mss, unsigned *mss_index)
{
    /* The largest table entry not above what the peer said it takes. */
    unsigned idx = 0;
    for (unsigned i = 0; i < 8; i++)
        if (tcp_cookie_mss[i] <= peer_mss)
            idx = i;
    uint32_t t = tcp_cookie_tick(h);
    *mss_index = idx;
    return ((t & 31u) << 27) | ((uint32_t)idx << 24) |
           tcp_cookie_hash(h, laddr, lport, faddr, fport, t, peer_isn, idx);
}

int
tcp_cookie_check(const struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
                 uint16_t fport, uint32_t peer_isn, uint32_t cookie, unsigned *age)
{
    uint32_t now = tcp_cookie_tick(h);
    unsigned idx = (cookie >> 24) & 7u;
    /* t mod 32 names the tick it was made in: now, or one before. */
    for (unsigned a = 0; a < TCP_COOKIE_MAX_AGE && a <= now; a++) {
        uint32_t t = now - a;
        if ((cookie >> 27) != (t & 31u))
            continue;
        if ((cookie & 0xffffffu) != tcp_cookie_hash(h, laddr, lport, faddr, fport, t, peer_isn, idx))
            return -1;
        *age = a;
        return (int)idx;
    }
    return -1;
}

void
tcp_send_syn_cookie(struct host *h, uint32_t laddr, uint32_t faddr, const struct tcp_addr6 *a6,
                    const struct tcp_hdr *syn, uint32_t cookie, uint16_t mss, uint16_t wnd)
{
    /* <SEQ=cookie><ACK=SEG.SEQ+1><CTL=SYN,ACK>, offering the MSS only. */
    struct tcp_hdr t = {
        .sport = syn->dport,
        .dport = syn->sport,
        .seq = cookie,
        .ack = syn->seq + 1,
        .flags = TCP_SYN | TCP_ACK,
        .wnd = wnd,
    };
    t.opts.has_mss = true;
    t.opts.mss = mss;
    size_t hl = tcp_hdr_len(&t);
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, hl);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, hl);
    if (a6 != NULL)
        tcp_emit6(&t, b, 0, &a6->l, &a6->f);
    else
        tcp_emit(&t, b, 0, laddr, faddr);
    p->l4_off = pkt_off(p);
    p->cause.tcp_why = TCP_WHY_OPEN;
    h->tcp.stats.segs_out++;
    h->tcp.stats.syncookies_sent++;
    trace_tcp(h, TRACE_TX, p, NULL, "RFC 4987 3.6",
              TRACE_TCP "; SYN cookie, no TCB: t %u, MSS %u (index %u), 24-bit hash; it cannot "
              "carry wscale, SACK or TS", (size_t)0, cookie >> 27,
              tcp_cookie_mss[(cookie >> 24) & 7u], (cookie >> 24) & 7u);
    tcp_ip_output(h, p, laddr, faddr, a6);
}
