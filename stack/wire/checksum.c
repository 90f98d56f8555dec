/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * checksum.c - the Internet checksum [RFC 1071] and the IPv4 pseudo-header.
 *
 * The one's complement sum of 16-bit big-endian words, accumulated wide and
 * folded, so a checksum can be built from parts: pseudo-header, header,
 * payload. Every part but the last should have an even length, because each
 * call pads its own odd last byte with zero [RFC 1071 4.1].
 * Called by: every wire format with a checksum (ipv4, icmp, udp, tcp).
 */
#include "stack/wire/checksum.h"

#include <stdbool.h>
#include <string.h>

/* Fold the carries out of the top half until the sum fits in 16 bits. One's
 * complement addition is end-around carry, so this keeps the sum's value.
 * [RFC 1071 2(1)] */
static uint32_t
csum_fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint32_t)sum;
}

/* Swap the two bytes of a 16-bit value held in a uint32_t. */
static uint32_t
csum_swap16(uint32_t v)
{
    return ((v & 0xff) << 8) | (v >> 8);
}

/* Whether this machine stores the low byte of a word first. */
static int
csum_host_is_little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* Thirty-two bytes as eight 32-bit lanes (GCC and Clang vector extensions;
 * the compiler uses SIMD registers where the machine has them, two 16-byte
 * halves on a machine with SSE2 only, plain integers where it has none). */
typedef uint32_t csum_lanes __attribute__((vector_size(32)));

/* On x86-64 with glibc the sum is built twice, for AVX2 (a 32-byte lane
 * vector in one register) and for the baseline (two SSE2 halves), and the
 * loader picks one by the CPU it runs on (an ifunc). The bytes summed, and
 * so every checksum, are the same either way. */
#if defined(__x86_64__) && defined(__GLIBC__) && (defined(__clang__) || __GNUC__ >= 6)
#define CSUM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CSUM_CLONES
#endif

/* Blocks of 64 bytes summed before the lanes are emptied into 64 bits. Each
 * lane of an accumulator takes one 32-bit word per block, i.e. one high and
 * one low 16-bit half, each at most 0xffff: 4096 blocks (256 KiB) keep both
 * the sum of the high halves and the sum of the low halves far below 2^32,
 * which is what csum_words needs to take them apart again. */
#define CSUM_BLOCKS_PER_FLUSH 4096u

/* csum_words with the copy decided at compile time (always inlined into the
 * two callers below, so the copying loop tests nothing per block). */
static inline __attribute__((always_inline)) uint64_t
csum_words_body(uint8_t *dst, const uint8_t *b, size_t len, bool copy)
{
    /* [RFC 1071 2(B), 2(C)] The sum does not depend on byte order and carries
     * can be deferred. Every 32-bit load is added whole into a 32-bit lane
     * (`all`, which wraps) and its high 16-bit word into another (`hi`,
     * which cannot). The sum of the low words is then all - hi * 2^16, exact
     * modulo 2^32 and so exact, being below 2^32: one shift and two adds per
     * load instead of a mask, a shift and two adds. */
    uint64_t acc = 0;
    size_t i = 0;
    while (i + 64 <= len) {
        csum_lanes all0 = { 0 }, hi0 = { 0 }, all1 = { 0 }, hi1 = { 0 };
        for (unsigned n = 0; n < CSUM_BLOCKS_PER_FLUSH && i + 64 <= len; n++, i += 64) {
            csum_lanes w0, w1;
            memcpy(&w0, b + i, 32);
            memcpy(&w1, b + i + 32, 32);
            if (copy) {
                memcpy(dst + i, &w0, 32);
                memcpy(dst + i + 32, &w1, 32);
            }
            all0 += w0;
            hi0 += w0 >> 16;
            all1 += w1;
            hi1 += w1 >> 16;
        }
        csum_lanes lo0 = all0 - (hi0 << 16), lo1 = all1 - (hi1 << 16);
        for (unsigned k = 0; k < 8; k++)
            acc += (uint64_t)lo0[k] + hi0[k] + lo1[k] + hi1[k];
    }
    /* The rest (all of a 20-byte IPv4 header): eight bytes at a time as two
     * 32-bit halves, then words. */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        if (copy)
            memcpy(dst + i, &w, 8);
        acc += (w & 0xffffffffu) + (w >> 32);
    }
    for (; i + 2 <= len; i += 2) {
        uint16_t w;
        memcpy(&w, b + i, 2);
        if (copy)
            memcpy(dst + i, &w, 2);
        acc += w;
    }
    if (i < len) {
        if (copy)
            dst[i] = b[i];
        /* [RFC 1071 4.1] pad the odd byte with zero: the word b[i],0 */
        const uint8_t last[2] = { b[i], 0 };
        uint16_t w;
        memcpy(&w, last, 2);
        acc += w;
    }
    return acc;
}

/* The sum of b[0..len) as 16-bit words in the machine's byte order, not yet
 * folded; `dst`, when not NULL, receives a copy of the bytes on the way (one
 * pass over memory instead of two). An odd last byte is added as the high
 * half of a big-endian word, i.e. as the machine loads it from b[len-1],0. */
CSUM_CLONES static uint64_t
csum_words(uint8_t *dst, const uint8_t *b, size_t len)
{
    if (dst != NULL)
        return csum_words_body(dst, b, len, true);
    return csum_words_body(NULL, b, len, false);
}

/* csum_words() of a short buffer with no copy: a header (20 to 60 bytes)
 * is below one 64-byte block, so only the tail loops of csum_words_body()
 * would run; called here directly (inlined), the same sum without the
 * indirect call through the loader's choice of clone and the vector set-up,
 * for the two or three header sums every segment takes. */
static inline uint64_t
csum_words_short(const uint8_t *b, size_t len)
{
    return csum_words_body(NULL, b, len, false);
}

/* Add a machine-order sum of words to a network-order partial sum. */
static uint32_t
csum_merge(uint32_t sum, uint64_t words)
{
    uint32_t part = csum_fold(words);
    if (csum_host_is_little_endian())
        part = csum_swap16(part);
    return csum_fold((uint64_t)sum + part);
}

uint32_t
csum_add(uint32_t sum, const uint8_t *b, size_t len)
{
    if (len < 64)
        return csum_merge(sum, csum_words_short(b, len));
    return csum_merge(sum, csum_words(NULL, b, len));
}

uint32_t
csum_copy(uint32_t sum, uint8_t *dst, const uint8_t *src, size_t len)
{
    return csum_merge(sum, csum_words(dst, src, len));
}

uint32_t
csum_add_at(uint32_t sum, uint32_t part, size_t off)
{
    /* [RFC 1071 2(B)] a part that starts at an odd offset has its bytes in
     * the other halves of the words: swap it before adding. */
    part = csum_fold(part);
    if (off % 2 != 0)
        part = csum_swap16(part);
    return csum_fold((uint64_t)sum + part);
}

uint16_t
csum_finish(uint32_t sum)
{
    return (uint16_t)~csum_fold(sum);
}

uint16_t
csum_compute(const uint8_t *b, size_t len)
{
    return csum_finish(csum_add(0, b, len));
}

uint32_t
csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    /* [RFC 9293 3.1] source, destination, zero, PTCL, TCP length: summing the
     * 12 bytes as words is the same as summing these halves. */
    uint64_t acc = 0;

    acc += src >> 16;
    acc += src & 0xffff;
    acc += dst >> 16;
    acc += dst & 0xffff;
    acc += proto;  /* the zero byte is the high half of this word */
    acc += len;
    return csum_fold(acc);
}
