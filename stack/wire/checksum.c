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

uint32_t
csum_add(uint32_t sum, const uint8_t *b, size_t len)
{
    uint64_t acc = sum;  /* 64 bits: no carry is lost however long b is */
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        acc += (uint32_t)b[i] << 8 | b[i + 1];
    if (len & 1)
        acc += (uint32_t)b[len - 1] << 8;  /* [RFC 1071 4.1] pad with a zero byte */
    return csum_fold(acc);
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
