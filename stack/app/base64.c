/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * base64.c - base64 [RFC 4648 4]: 3 bytes become 4 characters of 6 bits each.
 *
 * [RFC 4648 4] "The encoding process represents 24-bit groups of input bits
 * as output strings of 4 encoded characters", from the alphabet of Table 1;
 * a final group of 1 or 2 bytes gets "==" or "=" [RFC 4648 4 (2), (3)].
 * Called by: ws_accept(), ws_key_check().
 */
#include "stack/app/base64.h"

/* [RFC 4648 4] Table 1: The Base 64 Alphabet */
static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encode(const uint8_t *in, size_t len, char *out, size_t n)
{
    size_t need = BASE64_ENC_LEN(len), k = 0;

    if (n < need + 1)
        return 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t group = (uint32_t)in[i] << 16;
        size_t left = len - i;
        if (left > 1)
            group |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            group |= in[i + 2];
        out[k++] = alphabet[group >> 18 & 63];
        out[k++] = alphabet[group >> 12 & 63];
        out[k++] = left > 1 ? alphabet[group >> 6 & 63] : '=';
        out[k++] = left > 2 ? alphabet[group & 63] : '=';
    }
    out[k] = '\0';
    return k;
}

/* The 6-bit value of a character of the alphabet, or -1. */
static int
b64_value(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

enum app_err
base64_decode(const char *text, size_t len, uint8_t *out, size_t n, size_t *out_len)
{
    size_t pad = 0, bytes, k = 0;

    *out_len = 0;
    if (len % 4 != 0)
        return APP_ERR_BASE64_LENGTH;
    if (len > 0 && text[len - 1] == '=')
        pad = len > 1 && text[len - 2] == '=' ? 2 : 1;
    for (size_t i = 0; i < len - pad; i++) {
        if (text[i] == '=')
            return APP_ERR_BASE64_PADDING;
        if (b64_value(text[i]) < 0)
            return APP_ERR_BASE64_CHAR;
    }
    bytes = len / 4 * 3 - pad;
    if (bytes > n)
        return APP_ERR_NO_ROOM;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t group = 0;
        for (size_t j = 0; j < 4; j++) {
            int v = text[i + j] == '=' ? 0 : b64_value(text[i + j]);
            group = group << 6 | (uint32_t)v;
        }
        /* [RFC 4648 3.5] the bits under the padding must be zero */
        if (i + 4 == len && ((pad == 1 && (group & 0xff) != 0) ||
                             (pad == 2 && (group & 0xffff) != 0)))
            return APP_ERR_BASE64_PAD_BITS;
        out[k++] = (uint8_t)(group >> 16);
        if (k < bytes)
            out[k++] = (uint8_t)(group >> 8);
        if (k < bytes)
            out[k++] = (uint8_t)group;
    }
    *out_len = bytes;
    return APP_ERR_NONE;
}
