/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_seq.h - sequence number arithmetic modulo 2^32 [RFC 9293 3.4].
 *
 * "It is essential to remember that the actual sequence number space is
 * finite, though very large ... all arithmetic dealing with sequence numbers
 * must be performed modulo 2**32" [RFC 9293 3.4]. These helpers are the only
 * way stack/ compares sequence numbers (docs/architecture.md, convention 12): a plain `<` is wrong
 * as soon as the ISN sits near 2^32. The same helpers compare timestamps for
 * PAWS [RFC 7323 5.3], which wrap the same way.
 * Called by: tcp_input.c, tcp_output.c, tcp_timer.c, tcp_cc.c, tcp_sack.c.
 */
#ifndef NETSTEP_STACK_TCP_SEQ_H
#define NETSTEP_STACK_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* a < b */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

/* a <= b */
static inline bool
seq_leq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}

/* a > b */
static inline bool
seq_gt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

/* a >= b */
static inline bool
seq_geq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) >= 0;
}

/* lo <= a < hi: a falls in the half-open window [lo, hi). */
static inline bool
seq_in(uint32_t a, uint32_t lo, uint32_t hi)
{
    return seq_leq(lo, a) && seq_lt(a, hi);
}

/* The later of a and b. */
static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
    return seq_gt(a, b) ? a : b;
}

/* The earlier of a and b. */
static inline uint32_t
seq_min(uint32_t a, uint32_t b)
{
    return seq_lt(a, b) ? a : b;
}

#endif
