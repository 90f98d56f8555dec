/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_isn.c - initial sequence numbers [RFC 6528].
 *
 * [RFC 6528 3] "ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey)" where M is a timer ticking every 4 microseconds and F a keyed
 * pseudorandom function. F here is SipHash-2-4 (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012), written from the paper's
 * description; the key is drawn from the host's seeded generator at host_init,
 * so a scenario replays with the same ISNs and a different seed gives others.
 * M comes from host->now_ns, the only clock the stack has (docs/architecture.md,
 * "The three rings").
 * A lesson or a test may fix the ISS instead (h->tcp.iss_fixed).
 * Called by: tcp_user.c (connect), tcp_input.c (LISTEN).
 */
#include "stack/tcp.h"

#include "stack/host.h"

static inline uint64_t
rotl64(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

/* One SipRound of the paper's Figure 2.1. */
static inline void
sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl64(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl64(v[0], 32);
    v[2] += v[3];
    v[3] = rotl64(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl64(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl64(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl64(v[2], 32);
}

static uint64_t
le64_get(const uint8_t *b)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = (x << 8) | b[i];
    return x;
}

uint64_t
tcp_siphash24(const uint64_t key[2], const uint8_t *in, size_t len)
{
    /* Initialization: the key XORed with "somepseudorandomlygeneratedbytes". */
    uint64_t v[4] = {
        key[0] ^ 0x736f6d6570736575ull,
        key[1] ^ 0x646f72616e646f6dull,
        key[0] ^ 0x6c7967656e657261ull,
        key[1] ^ 0x7465646279746573ull,
    };
    size_t full = len - len % 8;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t m = le64_get(in + i);
        v[3] ^= m;
        sip_round(v); /* c = 2 compression rounds */
        sip_round(v);
        v[0] ^= m;
    }
    /* The last word: remaining bytes, then len mod 256 in the top byte. */
    uint64_t m = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < len % 8; i++)
        m |= (uint64_t)in[full + i] << (8 * i);
    v[3] ^= m;
    sip_round(v);
    sip_round(v);
    v[0] ^= m;
    /* Finalization: d = 4 rounds. */
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint32_t
tcp_isn(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport)
{
    if (h->tcp.iss_fixed)
        return h->tcp.iss_value;
    uint8_t tuple[12] = {
        (uint8_t)(laddr >> 24), (uint8_t)(laddr >> 16), (uint8_t)(laddr >> 8), (uint8_t)laddr,
        (uint8_t)(lport >> 8),  (uint8_t)lport,
        (uint8_t)(faddr >> 24), (uint8_t)(faddr >> 16), (uint8_t)(faddr >> 8), (uint8_t)faddr,
        (uint8_t)(fport >> 8),  (uint8_t)fport,
    };
    /* [RFC 6528 3] "M is the 4 microsecond timer" */
    uint32_t m = (uint32_t)(h->now_ns / 4000u);
    uint32_t f = (uint32_t)tcp_siphash24(h->tcp.isn_key, tuple, sizeof(tuple));
    return m + f;
}

uint32_t
tcp_addr6_key(const struct host *h, const struct ip6_addr *a)
{
    return (uint32_t)tcp_siphash24(h->tcp.isn_key, a->b, sizeof(a->b));
}
