/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sha1.h - SHA-1 [FIPS 180-4 6.1], for Sec-WebSocket-Accept [RFC 6455 4.2.2].
 *
 * SHA-1 is broken for collision resistance; RFC 6455 uses it only to prove
 * that the server read the client's handshake, not for security. A caller
 * feeds bytes in any pieces and takes the 20-byte digest at the end.
 */
#ifndef NETSTEP_APP_SHA1_H
#define NETSTEP_APP_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN 20
#define SHA1_BLOCK_LEN  64

struct sha1_ctx {
    uint32_t h[5];                  /* H0..H4, the running hash value */
    uint8_t block[SHA1_BLOCK_LEN];  /* the block being filled */
    size_t used;                    /* bytes in block */
    uint64_t total_len;             /* message bytes so far */
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const uint8_t *data, size_t len);
void sha1_final(struct sha1_ctx *c, uint8_t digest[SHA1_DIGEST_LEN]);
/* The three in one call. */
void sha1(const uint8_t *data, size_t len, uint8_t digest[SHA1_DIGEST_LEN]);

#endif
