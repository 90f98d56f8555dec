/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * websocket.h - the WebSocket opening handshake's accept value [RFC 6455
 * 4.2.2] and the base framing protocol [RFC 6455 5.2]: parse, emit, describe.
 */
#ifndef NETSTEP_APP_WEBSOCKET_H
#define NETSTEP_APP_WEBSOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/app/apperr.h"

/* [RFC 6455 1.3] the GUID the server appends to the client's key */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* base64 of a 16-byte key, and of a 20-byte SHA-1 digest */
#define WS_KEY_LEN    24
#define WS_ACCEPT_LEN 28

#define WS_HDR_MIN 2
#define WS_HDR_MAX 14  /* 2 + 8 (64-bit length) + 4 (masking key) */
#define WS_CONTROL_MAX 125

/* [RFC 6455 5.2] opcodes; 3-7 and 0xB-0xF are reserved */
#define WS_OP_CONTINUATION 0x0
#define WS_OP_TEXT         0x1
#define WS_OP_BINARY       0x2
#define WS_OP_CLOSE        0x8
#define WS_OP_PING         0x9
#define WS_OP_PONG         0xa

struct ws_frame {
    bool fin;              /* the final fragment of a message */
    uint8_t rsv;           /* RSV1..RSV3 as bits 2..0 */
    uint8_t opcode;        /* WS_OP_* */
    bool masked;           /* MASK: a masking key follows the length */
    uint8_t mask_key[4];   /* the masking key, if masked */
    uint64_t payload_len;  /* payload bytes */
    uint8_t len_bytes;     /* how the length was written: 0 (7-bit), 2 or 8 */
    size_t hdr_len;        /* 2..14; 0 if the header itself is cut short */
};

/* Checks that key[0..len) is the base64 of 16 bytes [RFC 6455 4.1]:
 * APP_ERR_NONE or APP_ERR_WS_KEY. */
enum app_err ws_key_check(const char *key, size_t len);
/* [RFC 6455 4.2.2] base64(SHA-1(key + GUID)) into out, NUL-terminated. The
 * key is used as written (the RFC hashes the text, not its decoding). */
void ws_accept(const char *key, size_t len, char out[WS_ACCEPT_LEN + 1]);

/* Parses the frame header at b[0..len) into out. Checks, in order:
 * WS_TRUNCATED (header cut short: out->hdr_len is 0), WS_RSV, WS_OPCODE,
 * WS_LEN_HIGH_BIT, WS_LEN_NOT_MINIMAL, WS_CONTROL_LONG,
 * WS_CONTROL_FRAGMENTED, and WS_TRUNCATED again if the payload does not all
 * fit in len (out is then complete). Never writes b. */
enum app_err ws_frame_parse(const uint8_t *b, size_t len, struct ws_frame *out);
/* Header bytes for f's payload_len and masked (the shortest length form). */
size_t ws_frame_hdr_len(const struct ws_frame *f);
/* Writes f's header and payload[0..f->payload_len), masked with f->mask_key
 * if f->masked, into b[0..n). Returns the bytes written, or 0 if n is too
 * small. len_bytes and hdr_len of f are ignored. */
size_t ws_frame_emit(const struct ws_frame *f, const uint8_t *payload, uint8_t *b, size_t n);
/* [RFC 6455 5.3] out[i] = in[i] XOR key[(offset + i) mod 4]; masking and
 * unmasking are the same operation. in and out may be the same buffer. */
void ws_mask(const uint8_t *in, size_t len, const uint8_t key[4], uint64_t offset,
             uint8_t *out);
/* "text", "binary", "close", "ping", "pong", "continuation", or NULL if reserved. */
const char *ws_opcode_name(uint8_t opcode);
/* "WebSocket text FIN masked len 5" */
int ws_frame_describe(const struct ws_frame *f, char *buf, size_t n);

#endif
