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

uint32_t
csum_add(uint32_t sum, const uint8_t *b, size_t len)
{
    /* [RFC 1071 2(B), 2(C)] The sum does not depend on byte order and carries
     * can be deferred: add eight bytes at a time as the machine loads them,
     * as two 32-bit halves into a 64-bit accumulator (no carry is lost for
     * any length a packet can have), fold to 16 bits, and swap the result
     * into network order if the machine is little-endian. */
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        acc += (w & 0xffffffffu) + (w >> 32);
    }
    for (; i + 2 <= len; i += 2) {
        uint16_t w;
        memcpy(&w, b + i, 2);
        acc += w;
    }
    uint32_t part = csum_fold(acc);
    if (csum_host_is_little_endian())
        part = csum_swap16(part);
    if (i < len)
        part += (uint32_t)b[i] << 8;  /* [RFC 1071 4.1] pad the odd byte with zero */
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
