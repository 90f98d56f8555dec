/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * base64.h - base64 [RFC 4648 4]: encode, and a strict decode.
 *
 * Sec-WebSocket-Key and Sec-WebSocket-Accept are base64 text [RFC 6455 4.1,
 * 4.2.2]. Decoding is strict, as [RFC 4648 3.3, 3.5] allow: no whitespace, no
 * characters outside the alphabet, padding only at the end, zero pad bits.
 */
#ifndef NETSTEP_APP_BASE64_H
#define NETSTEP_APP_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "stack/app/apperr.h"

/* Characters base64 needs for len bytes, not counting a NUL. */
#define BASE64_ENC_LEN(len) (((len) + 2) / 3 * 4)

/* Writes the base64 text of in[0..len) and a NUL into out[0..n). Returns the
 * text's length, or 0 with out untouched if n < BASE64_ENC_LEN(len) + 1
 * (and len > 0). */
size_t base64_encode(const uint8_t *in, size_t len, char *out, size_t n);
/* Decodes text[0..len) into out[0..n); *out_len gets the byte count. Returns
 * APP_ERR_NONE, BASE64_LENGTH, BASE64_CHAR, BASE64_PADDING, BASE64_PAD_BITS
 * or NO_ROOM; on an error *out_len is 0. */
enum app_err base64_decode(const char *text, size_t len, uint8_t *out, size_t n,
                           size_t *out_len);

#endif
