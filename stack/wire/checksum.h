/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * checksum.h - the Internet checksum [RFC 1071] and the IPv4 pseudo-header.
 *
 * The sum is accumulated in 32 bits over 16-bit big-endian words (an odd last
 * byte is padded with zero) and folded at the end, so parts can be summed
 * separately: pseudo-header, header, payload.
 */
#ifndef NETSTEP_WIRE_CHECKSUM_H
#define NETSTEP_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add the 16-bit words of b[0..len) to sum. [RFC 1071 4.1] */
uint32_t csum_add(uint32_t sum, const uint8_t *b, size_t len);
/* csum_add() that also copies b to dst (the buffers must not overlap): the
 * sender sums a segment's data as it copies it into the frame. */
uint32_t csum_copy(uint32_t sum, uint8_t *dst, const uint8_t *src, size_t len);
/* Add `part`, the csum_add() of bytes that sit at byte offset `off` of what
 * `sum` covers, to sum (a part at an odd offset is byte-swapped). */
uint32_t csum_add_at(uint32_t sum, uint32_t part, size_t off);
/* Fold the carries and complement: the value to put in a checksum field. */
uint16_t csum_finish(uint32_t sum);
/* The checksum of b[0..len) alone. A buffer whose checksum field is right sums
 * to 0 here. */
uint16_t csum_compute(const uint8_t *b, size_t len);
/* The partial sum of the IPv4 pseudo-header: source, destination, zero,
 * protocol, transport length. [RFC 768] [RFC 9293 3.1] */
uint32_t csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#endif
