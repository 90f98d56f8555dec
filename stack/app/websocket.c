/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * websocket.c - the WebSocket accept value [RFC 6455 4.2.2] and frames
 * [RFC 6455 5.2]: parse, emit, describe.
 *
 * Frame layout [RFC 6455 5.2]: byte 0 is FIN, RSV1-3 and a 4-bit opcode;
 * byte 1 is MASK and a 7-bit length, where 126 means "a 16-bit length
 * follows" and 127 "a 64-bit length follows" (most significant bit 0); then
 * the 4-byte masking key if MASK is set; then the payload. A client masks
 * every frame it sends and a server none [RFC 6455 5.1]; which side sent a
 * frame is the caller's business.
 * Called by: the scenario runner (payloads), frame_describe(), the view.
 */
#include "stack/app/websocket.h"

#include <stdio.h>
#include <string.h>

#include "stack/app/base64.h"
#include "stack/app/sha1.h"
#include "stack/wire/bytes.h"

enum app_err
ws_key_check(const char *key, size_t len)
{
    uint8_t raw[16];
    size_t n;

    /* [RFC 6455 4.1] "a randomly selected 16-byte value that has been
     * base64-encoded"; [RFC 6455 4.2.1] the server checks it decodes to 16 */
    if (base64_decode(key, len, raw, sizeof(raw), &n) != APP_ERR_NONE || n != 16)
        return APP_ERR_WS_KEY;
    return APP_ERR_NONE;
}

void
ws_accept(const char *key, size_t len, char out[WS_ACCEPT_LEN + 1])
{
    struct sha1_ctx c;
    uint8_t digest[SHA1_DIGEST_LEN];

    /* [RFC 6455 4.2.2] "concatenate this with the Globally Unique
     * Identifier ... take the SHA-1 hash of this concatenated value ...
     * this 20-byte hash is base64-encoded" */
    sha1_init(&c);
    sha1_update(&c, (const uint8_t *)key, len);
    sha1_update(&c, (const uint8_t *)WS_GUID, strlen(WS_GUID));
    sha1_final(&c, digest);
    base64_encode(digest, sizeof(digest), out, WS_ACCEPT_LEN + 1);
}

static bool
opcode_is_control(uint8_t op)
{
    return (op & 0x8) != 0;  /* [RFC 6455 5.5] opcodes with the high bit set */
}

const char *
ws_opcode_name(uint8_t opcode)
{
    switch (opcode) {
    case WS_OP_CONTINUATION: return "continuation";
    case WS_OP_TEXT:         return "text";
    case WS_OP_BINARY:       return "binary";
    case WS_OP_CLOSE:        return "close";
    case WS_OP_PING:         return "ping";
    case WS_OP_PONG:         return "pong";
    default:                 return NULL;
    }
}

enum app_err
ws_frame_parse(const uint8_t *b, size_t len, struct ws_frame *out)
{
    size_t off = 2;
    uint8_t len7;

    memset(out, 0, sizeof(*out));
    if (len < WS_HDR_MIN)
        return APP_ERR_WS_TRUNCATED;
    out->fin = (b[0] & 0x80) != 0;
    out->rsv = (uint8_t)(b[0] >> 4 & 0x7);
    out->opcode = b[0] & 0x0f;
    out->masked = (b[1] & 0x80) != 0;
    len7 = b[1] & 0x7f;
    if (len7 == 126) {
        out->len_bytes = 2;
    } else if (len7 == 127) {
        out->len_bytes = 8;
    }
    off += out->len_bytes + (out->masked ? 4u : 0u);
    if (len < off)
        return APP_ERR_WS_TRUNCATED;
    if (out->len_bytes == 2)
        out->payload_len = be16_get(b + 2);
    else if (out->len_bytes == 8)
        out->payload_len = (uint64_t)be32_get(b + 2) << 32 | be32_get(b + 6);
    else
        out->payload_len = len7;
    if (out->masked)
        memcpy(out->mask_key, b + 2 + out->len_bytes, 4);
    out->hdr_len = off;

    /* [RFC 6455 5.2] "RSV1, RSV2, RSV3: ... MUST be 0 unless an extension
     * is negotiated"; no extension is, here */
    if (out->rsv != 0)
        return APP_ERR_WS_RSV;
    if (ws_opcode_name(out->opcode) == NULL)
        return APP_ERR_WS_OPCODE;
    /* [RFC 6455 5.2] "the most significant bit MUST be 0" */
    if (out->len_bytes == 8 && (out->payload_len >> 63) != 0)
        return APP_ERR_WS_LEN_HIGH_BIT;
    /* [RFC 6455 5.2] "the minimal number of bytes MUST be used to encode
     * the length" */
    if ((out->len_bytes == 2 && out->payload_len < 126) ||
        (out->len_bytes == 8 && out->payload_len <= 0xffff))
        return APP_ERR_WS_LEN_NOT_MINIMAL;
    /* [RFC 6455 5.5] "All control frames MUST have a payload length of 125
     * bytes or less and MUST NOT be fragmented." */
    if (opcode_is_control(out->opcode) && out->payload_len > WS_CONTROL_MAX)
        return APP_ERR_WS_CONTROL_LONG;
    if (opcode_is_control(out->opcode) && !out->fin)
        return APP_ERR_WS_CONTROL_FRAGMENTED;
    if (out->payload_len > len - off)
        return APP_ERR_WS_TRUNCATED;
    return APP_ERR_NONE;
}

size_t
ws_frame_hdr_len(const struct ws_frame *f)
{
    size_t n = WS_HDR_MIN;

    if (f->payload_len > 0xffff)
        n += 8;
    else if (f->payload_len >= 126)
        n += 2;
    return n + (f->masked ? 4 : 0);
}

void
ws_mask(const uint8_t *in, size_t len, const uint8_t key[4], uint64_t offset, uint8_t *out)
{
    /* [RFC 6455 5.3] "j = i MOD 4; transformed-octet-i = original-octet-i
     * XOR masking-key-octet-j" */
    for (size_t i = 0; i < len; i++)
        out[i] = in[i] ^ key[(offset + i) % 4];
}

size_t
ws_frame_emit(const struct ws_frame *f, const uint8_t *payload, uint8_t *b, size_t n)
{
    size_t hl = ws_frame_hdr_len(f), off = 2;

    if (f->payload_len > n || hl > n - f->payload_len)
        return 0;
    b[0] = (uint8_t)((f->fin ? 0x80 : 0) | (f->rsv & 7) << 4 | (f->opcode & 0x0f));
    b[1] = f->masked ? 0x80 : 0;
    if (f->payload_len > 0xffff) {
        b[1] |= 127;
        be32_put(b + 2, (uint32_t)(f->payload_len >> 32));
        be32_put(b + 6, (uint32_t)f->payload_len);
        off += 8;
    } else if (f->payload_len >= 126) {
        b[1] |= 126;
        be16_put(b + 2, (uint16_t)f->payload_len);
        off += 2;
    } else {
        b[1] |= (uint8_t)f->payload_len;
    }
    if (f->masked) {
        memcpy(b + off, f->mask_key, 4);
        off += 4;
        ws_mask(payload, (size_t)f->payload_len, f->mask_key, 0, b + off);
    } else if (f->payload_len > 0) {
        memcpy(b + off, payload, (size_t)f->payload_len);
    }
    return off + (size_t)f->payload_len;
}

int
ws_frame_describe(const struct ws_frame *f, char *buf, size_t n)
{
    const char *name = ws_opcode_name(f->opcode);
    char op[16];

    if (name == NULL) {
        snprintf(op, sizeof(op), "opcode-%u", f->opcode);
        name = op;
    }
    return snprintf(buf, n, "WebSocket %s%s%s len %llu", name, f->fin ? " FIN" : "",
                    f->masked ? " masked" : "", (unsigned long long)f->payload_len);
}
