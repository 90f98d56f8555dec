/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sha256.h - SHA-256 [FIPS 180-4] for the tests: "what arrived equals what
 * was sent" without keeping both copies side by side.
 */
#ifndef NETSTEP_TESTS_SHA256_H
#define NETSTEP_TESTS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];       /* the state */
    uint64_t len;        /* bytes hashed */
    uint8_t buf[64];     /* the block being filled */
    size_t fill;         /* bytes in buf */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const uint8_t *p, size_t n);
void sha256_final(struct sha256 *c, uint8_t out[32]);

#endif
