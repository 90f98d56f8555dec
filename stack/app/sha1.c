/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sha1.c - SHA-1 as FIPS 180-4 section 6.1 gives it, step by step.
 *
 * Padding [FIPS 180-4 5.1.1]: a 1 bit, zeros, then the message length in
 * bits as a 64-bit big-endian number, to a multiple of 512 bits. Each 512-bit
 * block is hashed by the computation of [FIPS 180-4 6.1.2]: a message
 * schedule of 80 words, then 80 rounds with the functions and constants of
 * [FIPS 180-4 4.1.1, 4.2.1].
 * Called by: ws_accept().
 */
#include "stack/app/sha1.h"

#include <string.h>

#include "stack/wire/bytes.h"

/* [FIPS 180-4 3.2] ROTL^n(x): circular left shift */
static uint32_t
rotl(uint32_t x, unsigned n)
{
    return x << n | x >> (32 - n);
}

/* [FIPS 180-4 6.1.2] steps 1-4 for one block */
static void
sha1_block(uint32_t h[5], const uint8_t *m)
{
    uint32_t w[80];
    uint32_t a, b, c, d, e;

    /* 1. Prepare the message schedule */
    for (int t = 0; t < 16; t++)
        w[t] = be32_get(m + 4 * t);
    for (int t = 16; t < 80; t++)
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    /* 2. Initialize the five working variables */
    a = h[0];
    b = h[1];
    c = h[2];
    d = h[3];
    e = h[4];

    /* 3. Eighty rounds; f_t and K_t change every 20 [FIPS 180-4 4.1.1, 4.2.1] */
    for (int t = 0; t < 80; t++) {
        uint32_t f, k, tmp;
        if (t < 20) {
            f = (b & c) ^ (~b & d);  /* Ch */
            k = 0x5a827999;
        } else if (t < 40) {
            f = b ^ c ^ d;           /* Parity */
            k = 0x6ed9eba1;
        } else if (t < 60) {
            f = (b & c) ^ (b & d) ^ (c & d);  /* Maj */
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;           /* Parity */
            k = 0xca62c1d6;
        }
        tmp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = tmp;
    }

    /* 4. Compute the intermediate hash value */
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void
sha1_init(struct sha1_ctx *c)
{
    /* [FIPS 180-4 5.3.1] the initial hash value */
    c->h[0] = 0x67452301;
    c->h[1] = 0xefcdab89;
    c->h[2] = 0x98badcfe;
    c->h[3] = 0x10325476;
    c->h[4] = 0xc3d2e1f0;
    c->used = 0;
    c->total_len = 0;
}

void
sha1_update(struct sha1_ctx *c, const uint8_t *data, size_t len)
{
    c->total_len += len;
    while (len > 0) {
        size_t take = SHA1_BLOCK_LEN - c->used;
        if (take > len)
            take = len;
        memcpy(c->block + c->used, data, take);
        c->used += take;
        data += take;
        len -= take;
        if (c->used == SHA1_BLOCK_LEN) {
            sha1_block(c->h, c->block);
            c->used = 0;
        }
    }
}

void
sha1_final(struct sha1_ctx *c, uint8_t digest[SHA1_DIGEST_LEN])
{
    uint64_t bits = c->total_len * 8;

    /* [FIPS 180-4 5.1.1] append "1", then k zero bits so that the length
     * ends the block: 448 mod 512 bits are message, bit and zeros */
    c->block[c->used++] = 0x80;
    if (c->used > SHA1_BLOCK_LEN - 8) {
        memset(c->block + c->used, 0, SHA1_BLOCK_LEN - c->used);
        sha1_block(c->h, c->block);
        c->used = 0;
    }
    memset(c->block + c->used, 0, SHA1_BLOCK_LEN - 8 - c->used);
    be32_put(c->block + 56, (uint32_t)(bits >> 32));
    be32_put(c->block + 60, (uint32_t)bits);
    sha1_block(c->h, c->block);
    for (int i = 0; i < 5; i++)
        be32_put(digest + 4 * i, c->h[i]);
    memset(c, 0, sizeof(*c));
}

void
sha1(const uint8_t *data, size_t len, uint8_t digest[SHA1_DIGEST_LEN])
{
    struct sha1_ctx c;

    sha1_init(&c);
    sha1_update(&c, data, len);
    sha1_final(&c, digest);
}
