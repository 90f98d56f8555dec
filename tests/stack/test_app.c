/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_app.c - Check suite for stack/app/: SHA-1, base64, the WebSocket
 * accept value and frames, DNS messages and HTTP heads, each with its
 * malformed inputs (a named error, never a crash), then a sweep that feeds
 * every truncation and bit flip of the golden messages to every parser.
 *
 * Where the vectors come from: SHA-1 of "abc", the 448-bit message and a
 * million 'a' are the examples of FIPS 180-2 appendix A; the lengths around a
 * block boundary were computed with Python 3.11's hashlib (not this code).
 * base64: [RFC 4648 10]. The accept value and the frames: [RFC 6455 1.3,
 * 5.7]. The DNS messages were built by hand from the figures of
 * [RFC 1035 4.1]; tshark 4.0 decodes them as the comments say.
 *
 * The sweep copies each message into a heap buffer of exactly its length, so
 * under ASan a read past len fails the test.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/app.h"
#include "stack/app/apperr.h"
#include "stack/app/base64.h"
#include "stack/app/dns.h"
#include "stack/app/http.h"
#include "stack/app/sha1.h"
#include "stack/app/websocket.h"
#include "stack/wire/addr.h"

static void
hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void
sha1_hex(const void *msg, size_t len, char out[41])
{
    uint8_t d[SHA1_DIGEST_LEN];

    sha1(msg, len, d);
    hex(d, sizeof(d), out);
}

/* ---- SHA-1 --------------------------------------------------------------- */

START_TEST(test_sha1_fips_examples)
{
    char h[41];
    static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    sha1_hex("abc", 3, h);
    ck_assert_str_eq(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1_hex(two_block, strlen(two_block), h);
    ck_assert_str_eq(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    sha1_hex("", 0, h);
    ck_assert_str_eq(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

START_TEST(test_sha1_million_a_in_pieces)
{
    /* fed in uneven pieces, so sha1_update() must carry partial blocks */
    struct sha1_ctx c;
    uint8_t piece[997], d[SHA1_DIGEST_LEN];
    char h[41];
    size_t left = 1000000;

    memset(piece, 'a', sizeof(piece));
    sha1_init(&c);
    while (left > 0) {
        size_t n = left < sizeof(piece) ? left : sizeof(piece);
        sha1_update(&c, piece, n);
        left -= n;
    }
    sha1_final(&c, d);
    hex(d, sizeof(d), h);
    ck_assert_str_eq(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}
END_TEST

START_TEST(test_sha1_padding_boundaries)
{
    /* 55 bytes: the length still fits the block; 56: it needs another */
    static const struct {
        size_t n;
        const char *digest;
    } v[] = {
        { 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a" },
        { 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699" },
        { 63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5" },
        { 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d" },
        { 65, "11655326c708d70319be2610e8a57d9a5b959d3b" },
        { 119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56" },
        { 120, "f34c1488385346a55709ba056ddd08280dd4c6d6" },
    };
    uint8_t a[120];
    char h[41];

    memset(a, 'a', sizeof(a));
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        sha1_hex(a, v[i].n, h);
        ck_assert_msg(strcmp(h, v[i].digest) == 0, "%zu bytes: %s", v[i].n, h);
    }
}
END_TEST

/* ---- base64 -------------------------------------------------------------- */

static const struct {
    const char *raw;
    const char *b64;
} rfc4648_vectors[] = {
    { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
    { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

START_TEST(test_base64_rfc4648_vectors)
{
    for (size_t i = 0; i < sizeof(rfc4648_vectors) / sizeof(rfc4648_vectors[0]); i++) {
        const char *raw = rfc4648_vectors[i].raw, *b64 = rfc4648_vectors[i].b64;
        char enc[16];
        uint8_t dec[16];
        size_t n;
        ck_assert_uint_eq(base64_encode((const uint8_t *)raw, strlen(raw), enc, sizeof(enc)),
                          strlen(b64));
        ck_assert_str_eq(enc, b64);
        ck_assert_int_eq(base64_decode(b64, strlen(b64), dec, sizeof(dec), &n), APP_ERR_NONE);
        ck_assert_uint_eq(n, strlen(raw));
        ck_assert(memcmp(dec, raw, n) == 0);
    }
}
END_TEST

START_TEST(test_base64_encode_needs_room)
{
    char out[8] = "xxxxxxx";

    /* "foobar" needs 8 characters and a NUL */
    ck_assert_uint_eq(base64_encode((const uint8_t *)"foobar", 6, out, 8), 0);
    ck_assert_str_eq(out, "xxxxxxx");
}
END_TEST

START_TEST(test_base64_decode_refuses_malformed)
{
    static const struct {
        const char *text;
        enum app_err want;
    } bad[] = {
        { "Zg=", APP_ERR_BASE64_LENGTH },    /* not a multiple of 4 */
        { "Zm9", APP_ERR_BASE64_LENGTH },
        { "Zm9v\n", APP_ERR_BASE64_LENGTH },
        { "Zm 9", APP_ERR_BASE64_CHAR },     /* whitespace inside */
        { "Zm-v", APP_ERR_BASE64_CHAR },     /* base64url, not base64 */
        { "Z===", APP_ERR_BASE64_PADDING },  /* three '=' */
        { "Zg==Zm8=", APP_ERR_BASE64_PADDING },  /* padding in the middle */
        { "=Zm8", APP_ERR_BASE64_PADDING },
        { "Zh==", APP_ERR_BASE64_PAD_BITS }, /* 'h' leaves bits under the pad */
        { "Zm9=", APP_ERR_BASE64_PAD_BITS },
    };
    uint8_t out[16];
    size_t n = 99;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum app_err e = base64_decode(bad[i].text, strlen(bad[i].text), out, sizeof(out), &n);
        ck_assert_msg(e == bad[i].want, "'%s': got %s", bad[i].text, app_err_name(e));
        ck_assert_uint_eq(n, 0);
    }
    ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, out, 5, &n), APP_ERR_NO_ROOM);
}
END_TEST

/* ---- WebSocket ----------------------------------------------------------- */

START_TEST(test_ws_accept_rfc6455_example)
{
    /* [RFC 6455 1.3] "the server would ... concatenate ... the string
     * "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11" ...
     * This value is then base64-encoded ... s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" */
    static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==";
    char acc[WS_ACCEPT_LEN + 1];

    ck_assert_int_eq(ws_key_check(key, strlen(key)), APP_ERR_NONE);
    ws_accept(key, strlen(key), acc);
    ck_assert_str_eq(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
END_TEST

START_TEST(test_ws_key_must_be_16_bytes_of_base64)
{
    ck_assert_int_eq(ws_key_check("Zm9vYmFy", 8), APP_ERR_WS_KEY);  /* 6 bytes */
    ck_assert_int_eq(ws_key_check("dGhlIHNhbXBsZSBub25jZQ", 22), APP_ERR_WS_KEY);
    ck_assert_int_eq(ws_key_check("dGhlIHNhbXBsZSBub25jZQ=!", 24), APP_ERR_WS_KEY);
    ck_assert_int_eq(ws_key_check("", 0), APP_ERR_WS_KEY);
}
END_TEST

/* [RFC 6455 5.7] "A single-frame masked text message ... "Hello"" */
static const uint8_t golden_ws_masked_hello[] = {
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
};
/* [RFC 6455 5.7] "A single-frame unmasked text message" */
static const uint8_t golden_ws_hello[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
/* [RFC 6455 5.7] "A fragmented unmasked text message": "Hel", then "lo" */
static const uint8_t golden_ws_hel[] = { 0x01, 0x03, 0x48, 0x65, 0x6c };
static const uint8_t golden_ws_lo[] = { 0x80, 0x02, 0x6c, 0x6f };

START_TEST(test_ws_parse_rfc_examples)
{
    struct ws_frame f;
    uint8_t plain[5];

    ck_assert_int_eq(ws_frame_parse(golden_ws_masked_hello, sizeof(golden_ws_masked_hello), &f),
                     APP_ERR_NONE);
    ck_assert(f.fin);
    ck_assert_uint_eq(f.opcode, WS_OP_TEXT);
    ck_assert(f.masked);
    ck_assert_uint_eq(f.payload_len, 5);
    ck_assert_uint_eq(f.hdr_len, 6);
    ck_assert_uint_eq(f.len_bytes, 0);
    ws_mask(golden_ws_masked_hello + f.hdr_len, 5, f.mask_key, 0, plain);
    ck_assert(memcmp(plain, "Hello", 5) == 0);

    ck_assert_int_eq(ws_frame_parse(golden_ws_hello, sizeof(golden_ws_hello), &f), APP_ERR_NONE);
    ck_assert(f.fin && !f.masked && f.hdr_len == 2 && f.payload_len == 5);

    ck_assert_int_eq(ws_frame_parse(golden_ws_hel, sizeof(golden_ws_hel), &f), APP_ERR_NONE);
    ck_assert(!f.fin);
    ck_assert_uint_eq(f.opcode, WS_OP_TEXT);
    ck_assert_int_eq(ws_frame_parse(golden_ws_lo, sizeof(golden_ws_lo), &f), APP_ERR_NONE);
    ck_assert(f.fin);
    ck_assert_uint_eq(f.opcode, WS_OP_CONTINUATION);
}
END_TEST

START_TEST(test_ws_emit_matches_rfc_examples)
{
    struct ws_frame f = { .fin = true, .opcode = WS_OP_TEXT, .masked = true,
                          .mask_key = { 0x37, 0xfa, 0x21, 0x3d }, .payload_len = 5 };
    uint8_t b[16];

    ck_assert_uint_eq(ws_frame_emit(&f, (const uint8_t *)"Hello", b, sizeof(b)),
                      sizeof(golden_ws_masked_hello));
    ck_assert(memcmp(b, golden_ws_masked_hello, sizeof(golden_ws_masked_hello)) == 0);
    f.masked = false;
    ck_assert_uint_eq(ws_frame_emit(&f, (const uint8_t *)"Hello", b, sizeof(b)), 7);
    ck_assert(memcmp(b, golden_ws_hello, 7) == 0);
    /* not enough room: nothing */
    ck_assert_uint_eq(ws_frame_emit(&f, (const uint8_t *)"Hello", b, 6), 0);
}
END_TEST

START_TEST(test_ws_16_and_64_bit_lengths)
{
    /* [RFC 6455 5.7] "256 bytes binary message in a single unmasked frame:
     * 0x82 0x7E 0x0100", and 64 KiB: "0x82 0x7F 0x0000000000010000" */
    static uint8_t payload[65536], b[65536 + 14];
    struct ws_frame f = { .fin = true, .opcode = WS_OP_BINARY, .payload_len = 256 };
    struct ws_frame g;

    ck_assert_uint_eq(ws_frame_hdr_len(&f), 4);
    ck_assert_uint_eq(ws_frame_emit(&f, payload, b, sizeof(b)), 260);
    ck_assert(b[0] == 0x82 && b[1] == 0x7e && b[2] == 0x01 && b[3] == 0x00);
    ck_assert_int_eq(ws_frame_parse(b, 260, &g), APP_ERR_NONE);
    ck_assert_uint_eq(g.payload_len, 256);
    ck_assert_uint_eq(g.len_bytes, 2);

    f.payload_len = 65536;
    ck_assert_uint_eq(ws_frame_hdr_len(&f), 10);
    ck_assert_uint_eq(ws_frame_emit(&f, payload, b, sizeof(b)), 65546);
    static const uint8_t want[10] = { 0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0 };
    ck_assert(memcmp(b, want, 10) == 0);
    ck_assert_int_eq(ws_frame_parse(b, 65546, &g), APP_ERR_NONE);
    ck_assert_uint_eq(g.payload_len, 65536);
    ck_assert_uint_eq(g.len_bytes, 8);

    /* the edges: 125 fits in 7 bits, 126 needs 16, 65535 still 16 */
    f.payload_len = 125;
    ck_assert_uint_eq(ws_frame_hdr_len(&f), 2);
    f.payload_len = 126;
    ck_assert_uint_eq(ws_frame_hdr_len(&f), 4);
    f.payload_len = 65535;
    f.masked = true;
    ck_assert_uint_eq(ws_frame_hdr_len(&f), 8);
}
END_TEST

START_TEST(test_ws_mask_continues_across_pieces)
{
    /* unmasking "Hello" as "He" then "llo" gives the same bytes when the
     * second piece starts at offset 2 */
    static const uint8_t key[4] = { 0x37, 0xfa, 0x21, 0x3d };
    const uint8_t *m = golden_ws_masked_hello + 6;
    uint8_t out[5];

    ws_mask(m, 2, key, 0, out);
    ws_mask(m + 2, 3, key, 2, out + 2);
    ck_assert(memcmp(out, "Hello", 5) == 0);
}
END_TEST

START_TEST(test_ws_parse_refuses_malformed)
{
    static const struct {
        uint8_t b[12];
        size_t len;
        enum app_err want;
        const char *why;
    } bad[] = {
        { { 0x81 }, 1, APP_ERR_WS_TRUNCATED, "one byte" },
        { { 0x81, 0x85, 0x37, 0xfa }, 4, APP_ERR_WS_TRUNCATED, "masking key cut short" },
        { { 0x82, 0x7e, 0x01 }, 3, APP_ERR_WS_TRUNCATED, "16-bit length cut short" },
        { { 0x81, 0x05, 'H', 'e' }, 4, APP_ERR_WS_TRUNCATED, "payload cut short" },
        { { 0xc1, 0x00 }, 2, APP_ERR_WS_RSV, "RSV1 without an extension" },
        { { 0x83, 0x00 }, 2, APP_ERR_WS_OPCODE, "opcode 3 is reserved" },
        { { 0x8b, 0x00 }, 2, APP_ERR_WS_OPCODE, "opcode 0xB is reserved" },
        { { 0x82, 0x7e, 0x00, 0x05 }, 4, APP_ERR_WS_LEN_NOT_MINIMAL, "5 in 16 bits" },
        { { 0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 10, APP_ERR_WS_LEN_NOT_MINIMAL,
          "65535 in 64 bits" },
        { { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1 }, 10, APP_ERR_WS_LEN_HIGH_BIT,
          "top bit of the 64-bit length" },
        { { 0x89, 0x7e, 0x00, 0x7e }, 4, APP_ERR_WS_CONTROL_LONG, "ping of 126 bytes" },
        { { 0x09, 0x00 }, 2, APP_ERR_WS_CONTROL_FRAGMENTED, "ping without FIN" },
    };
    struct ws_frame f;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum app_err e = ws_frame_parse(bad[i].b, bad[i].len, &f);
        ck_assert_msg(e == bad[i].want, "%s: got %s", bad[i].why, app_err_name(e));
    }
}
END_TEST

START_TEST(test_ws_describe)
{
    struct ws_frame f;
    char line[64];

    ws_frame_parse(golden_ws_masked_hello, sizeof(golden_ws_masked_hello), &f);
    ws_frame_describe(&f, line, sizeof(line));
    ck_assert_str_eq(line, "WebSocket text FIN masked len 5");
    ws_frame_parse(golden_ws_hel, sizeof(golden_ws_hel), &f);
    ws_frame_describe(&f, line, sizeof(line));
    ck_assert_str_eq(line, "WebSocket text len 3");
    ck_assert_str_eq(ws_opcode_name(WS_OP_CLOSE), "close");
    ck_assert_ptr_null(ws_opcode_name(3));
}
END_TEST

/* ---- DNS ----------------------------------------------------------------- */

/* A standard query, id 0x1234, RD, for A www.example.test IN [RFC 1035 4.1].
 * tshark: "Standard query 0x1234 A www.example.test" */
static const uint8_t golden_dns_query[] = {
    0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
    0x00, 0x01, 0x00, 0x01,
};
/* Its answer: QR AA RD, one A record 203.0.113.80 TTL 300 whose name is the
 * pointer 0xc00c to the question's. tshark: "Standard query response 0x1234
 * A www.example.test A 203.0.113.80" */
static const uint8_t golden_dns_answer[] = {
    0x12, 0x34, 0x85, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
    0x00, 0x01, 0x00, 0x01,
    0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
    203, 0, 113, 80,
};

START_TEST(test_dns_parse_query)
{
    struct dns_msg m;
    char name[DNS_NAME_TEXT_MAX + 1];
    size_t wl;

    ck_assert_int_eq(dns_parse(golden_dns_query, sizeof(golden_dns_query), &m), APP_ERR_NONE);
    ck_assert_uint_eq(m.id, 0x1234);
    ck_assert(!m.qr && m.rd && !m.aa && !m.ra);
    ck_assert_uint_eq(m.qdcount, 1);
    ck_assert_uint_eq(m.ancount, 0);
    ck_assert_uint_eq(m.n_qd, 1);
    ck_assert_uint_eq(m.qd[0].off, 12);
    ck_assert_uint_eq(m.qd[0].name_len, 18);
    ck_assert_uint_eq(m.qd[0].qtype, DNS_TYPE_A);
    ck_assert_uint_eq(m.qd[0].qclass, DNS_CLASS_IN);
    ck_assert_int_eq(dns_name_read(golden_dns_query, sizeof(golden_dns_query), 12, name,
                                   sizeof(name), &wl), APP_ERR_NONE);
    ck_assert_str_eq(name, "www.example.test");
    ck_assert_uint_eq(wl, 18);
}
END_TEST

START_TEST(test_dns_parse_answer_follows_the_pointer)
{
    struct dns_msg m;
    char name[DNS_NAME_TEXT_MAX + 1];
    size_t wl;

    ck_assert_int_eq(dns_parse(golden_dns_answer, sizeof(golden_dns_answer), &m), APP_ERR_NONE);
    ck_assert(m.qr && m.aa && m.rd);
    ck_assert_uint_eq(m.rcode, DNS_RCODE_NOERROR);
    ck_assert_uint_eq(m.n_an, 1);
    ck_assert_uint_eq(m.an[0].off, 34);
    ck_assert_uint_eq(m.an[0].name_len, 2);  /* the pointer takes 2 octets */
    ck_assert_uint_eq(m.an[0].type, DNS_TYPE_A);
    ck_assert_uint_eq(m.an[0].ttl, 300);
    ck_assert_uint_eq(m.an[0].rdlength, 4);
    ck_assert_uint_eq(m.an[0].rdata_off, 46);
    ck_assert_uint_eq(m.an[0].a, IPV4_ADDR(203, 0, 113, 80));
    ck_assert_int_eq(dns_name_read(golden_dns_answer, sizeof(golden_dns_answer), 34, name,
                                   sizeof(name), &wl), APP_ERR_NONE);
    ck_assert_str_eq(name, "www.example.test");
    ck_assert_uint_eq(wl, 2);
}
END_TEST

START_TEST(test_dns_emit_matches_golden)
{
    uint32_t a = IPV4_ADDR(203, 0, 113, 80);
    struct dns_spec q = { .id = 0x1234, .rd = true, .qname = "www.example.test",
                          .qtype = DNS_TYPE_A };
    struct dns_spec r = { .id = 0x1234, .qr = true, .aa = true, .rd = true,
                          .qname = "www.example.test.", .qtype = DNS_TYPE_A, .n_a = 1,
                          .a = &a, .ttl = 300 };
    uint8_t b[512];
    enum app_err e;

    ck_assert_uint_eq(dns_emit(&q, b, sizeof(b), &e), sizeof(golden_dns_query));
    ck_assert_int_eq(e, APP_ERR_NONE);
    ck_assert(memcmp(b, golden_dns_query, sizeof(golden_dns_query)) == 0);
    ck_assert_uint_eq(dns_emit(&r, b, sizeof(b), &e), sizeof(golden_dns_answer));
    ck_assert(memcmp(b, golden_dns_answer, sizeof(golden_dns_answer)) == 0);
    ck_assert_uint_eq(dns_emit(&r, b, sizeof(golden_dns_answer) - 1, &e), 0);
    ck_assert_int_eq(e, APP_ERR_NO_ROOM);
}
END_TEST

START_TEST(test_dns_name_encode_limits)
{
    uint8_t b[300];
    size_t wl;
    char label63[64], label64[65], name[300];

    memset(label63, 'a', 63);
    label63[63] = '\0';
    memset(label64, 'a', 64);
    label64[64] = '\0';
    ck_assert_int_eq(dns_name_encode(label63, b, sizeof(b), &wl), APP_ERR_NONE);
    ck_assert_uint_eq(wl, 65);
    ck_assert_int_eq(dns_name_encode(label64, b, sizeof(b), &wl), APP_ERR_DNS_LABEL_LONG);
    ck_assert_int_eq(dns_name_encode("a..b", b, sizeof(b), &wl), APP_ERR_DNS_LABEL_EMPTY);
    ck_assert_int_eq(dns_name_encode(".a", b, sizeof(b), &wl), APP_ERR_DNS_LABEL_EMPTY);
    ck_assert_int_eq(dns_name_encode("a..", b, sizeof(b), &wl), APP_ERR_DNS_LABEL_EMPTY);
    /* four labels of 63: 4 * 64 + 1 = 257 octets, over 255 */
    snprintf(name, sizeof(name), "%s.%s.%s.%s", label63, label63, label63, label63);
    ck_assert_int_eq(dns_name_encode(name, b, sizeof(b), &wl), APP_ERR_DNS_NAME_LONG);
    ck_assert_int_eq(dns_name_encode(".", b, sizeof(b), &wl), APP_ERR_NONE);
    ck_assert_uint_eq(wl, 1);  /* the root */
    ck_assert_int_eq(dns_name_encode("www", b, 4, &wl), APP_ERR_NO_ROOM);
}
END_TEST

START_TEST(test_dns_name_read_escapes_and_root)
{
    static const uint8_t odd[] = { 3, 'a', '.', 0x01, 0 };
    static const uint8_t root[] = { 0 };
    char name[64];

    ck_assert_int_eq(dns_name_read(odd, sizeof(odd), 0, name, sizeof(name), NULL),
                     APP_ERR_NONE);
    ck_assert_str_eq(name, "a\\046\\001");
    ck_assert_int_eq(dns_name_read(root, 1, 0, name, sizeof(name), NULL), APP_ERR_NONE);
    ck_assert_str_eq(name, ".");
}
END_TEST

/* A message: the golden query's header with the question's name replaced. */
static size_t
dns_with_name(const uint8_t *name, size_t name_len, uint8_t *b)
{
    memcpy(b, golden_dns_query, 12);
    memcpy(b + 12, name, name_len);
    memcpy(b + 12 + name_len, "\x00\x01\x00\x01", 4);
    return 12 + name_len + 4;
}

START_TEST(test_dns_parse_refuses_malformed)
{
    static const struct {
        uint8_t name[16];
        size_t len;
        enum app_err want;
        const char *why;
    } bad[] = {
        { { 0xc0, 0x0c }, 2, APP_ERR_DNS_POINTER, "a pointer to itself: a loop" },
        { { 0xc0, 0x0e, 0x01, 'a', 0 }, 5, APP_ERR_DNS_POINTER, "a pointer forwards" },
        { { 0x01, 'a', 0xc0, 0x0c }, 4, APP_ERR_DNS_POINTER,
          "a pointer back to its own name's start: a loop through a label" },
        { { 0xc0, 0x00 }, 2, APP_ERR_DNS_TRUNCATED,
          "a pointer into the header, where 0x12 is read as a label of 18 past the end" },
        { { 0x40, 'a', 0 }, 3, APP_ERR_DNS_LABEL_TYPE, "label type 01" },
        { { 0x80, 'a', 0 }, 3, APP_ERR_DNS_LABEL_TYPE, "label type 10" },
        { { 0x05, 'a', 'b' }, 3, APP_ERR_DNS_TRUNCATED, "a label past the end" },
    };
    uint8_t b[64];
    struct dns_msg m;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = dns_with_name(bad[i].name, bad[i].len, b);
        enum app_err e = dns_parse(b, bad[i].name[0] == 0x05 ? 12 + 3 : n, &m);
        ck_assert_msg(e == bad[i].want, "%s: got %s", bad[i].why, app_err_name(e));
    }
}
END_TEST

START_TEST(test_dns_parse_refuses_bad_records)
{
    uint8_t b[128];
    struct dns_msg m;
    size_t n = sizeof(golden_dns_answer);

    ck_assert_int_eq(dns_parse(golden_dns_answer, 11, &m), APP_ERR_DNS_TRUNCATED);
    /* A with RDLENGTH 5 (and one byte more, so the length is consistent) */
    memcpy(b, golden_dns_answer, n);
    b[45] = 5;
    b[n] = 0;
    ck_assert_int_eq(dns_parse(b, n + 1, &m), APP_ERR_DNS_RDATA);
    /* a byte after the last record */
    memcpy(b, golden_dns_answer, n);
    b[n] = 0;
    ck_assert_int_eq(dns_parse(b, n + 1, &m), APP_ERR_DNS_TRAILING);
    /* ANCOUNT 2 but one record */
    memcpy(b, golden_dns_answer, n);
    b[7] = 2;
    ck_assert_int_eq(dns_parse(b, n, &m), APP_ERR_DNS_TRUNCATED);
    /* a name of more than 255 octets through chained pointers back */
    {
        uint8_t big[600];
        size_t k = 12;
        memcpy(big, golden_dns_query, 12);
        /* name 1 at 12: 63 'a' then the root; later names: 63 'a' and a
         * pointer to the one before, each legal alone, 256+ together */
        size_t prev = 12;
        big[k++] = 63;
        memset(big + k, 'a', 63);
        k += 63;
        big[k++] = 0;
        for (int i = 0; i < 4; i++) {
            size_t start = k;
            big[k++] = 63;
            memset(big + k, 'a', 63);
            k += 63;
            big[k++] = (uint8_t)(0xc0 | prev >> 8);
            big[k++] = (uint8_t)prev;
            prev = start;
        }
        ck_assert_int_eq(dns_name_read(big, k, prev, (char[8]){ 0 }, 8, NULL),
                         APP_ERR_DNS_NAME_LONG);
    }
}
END_TEST

START_TEST(test_dns_describe)
{
    struct dns_msg m;
    char line[128];
    uint8_t b[64];

    dns_parse(golden_dns_query, sizeof(golden_dns_query), &m);
    dns_describe(&m, golden_dns_query, sizeof(golden_dns_query), line, sizeof(line));
    ck_assert_str_eq(line, "DNS query A www.example.test, id 4660");
    dns_parse(golden_dns_answer, sizeof(golden_dns_answer), &m);
    dns_describe(&m, golden_dns_answer, sizeof(golden_dns_answer), line, sizeof(line));
    ck_assert_str_eq(line, "DNS response A www.example.test -> 203.0.113.80, id 4660");
    /* NXDOMAIN: the answer's header with RCODE 3 and no records */
    memcpy(b, golden_dns_answer, 34);
    b[3] = 0x03;
    b[7] = 0;
    ck_assert_int_eq(dns_parse(b, 34, &m), APP_ERR_NONE);
    dns_describe(&m, b, 34, line, sizeof(line));
    ck_assert_str_eq(line, "DNS response NXDOMAIN A www.example.test, id 4660");
}
END_TEST

/* ---- HTTP ---------------------------------------------------------------- */

static const char golden_http_get[] =
    "GET /index.html HTTP/1.1\r\nHost: bob.example\r\nUser-Agent:netstep \r\n\r\nbody";
static const char golden_http_101[] =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

static int
span_eq(const char *b, struct http_span s, const char *want)
{
    return s.len == strlen(want) && memcmp(b + s.off, want, s.len) == 0;
}

START_TEST(test_http_request_head)
{
    struct http_head h;
    const char *b = golden_http_get;
    const struct http_field *f;
    char line[64];

    ck_assert_int_eq(http_head_parse((const uint8_t *)b, strlen(b), &h), APP_ERR_NONE);
    ck_assert(h.is_request);
    ck_assert(span_eq(b, h.method, "GET"));
    ck_assert(span_eq(b, h.target, "/index.html"));
    ck_assert(span_eq(b, h.version, "HTTP/1.1"));
    ck_assert_uint_eq(h.start.len, 26);
    ck_assert_uint_eq(h.n_fields, 2);
    ck_assert(span_eq(b, h.f[0].name, "Host"));
    ck_assert(span_eq(b, h.f[0].value, "bob.example"));
    /* OWS around the value is not part of it [RFC 9112 5] */
    ck_assert(span_eq(b, h.f[1].value, "netstep"));
    ck_assert_uint_eq(h.head_len, strlen(b) - 4);
    f = http_field_find(&h, (const uint8_t *)b, "user-agent");
    ck_assert_ptr_eq(f, &h.f[1]);
    ck_assert_ptr_null(http_field_find(&h, (const uint8_t *)b, "Hos"));
    http_describe(&h, (const uint8_t *)b, line, sizeof(line));
    ck_assert_str_eq(line, "HTTP GET /index.html");
}
END_TEST

START_TEST(test_http_status_head)
{
    struct http_head h;
    const char *b = golden_http_101;
    char line[64];

    ck_assert_int_eq(http_head_parse((const uint8_t *)b, strlen(b), &h), APP_ERR_NONE);
    ck_assert(!h.is_request);
    ck_assert_uint_eq(h.status, 101);
    ck_assert(span_eq(b, h.reason, "Switching Protocols"));
    ck_assert_uint_eq(h.n_fields, 3);
    ck_assert(span_eq(b, http_field_find(&h, (const uint8_t *)b, "SEC-WEBSOCKET-ACCEPT")->value,
                      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    http_describe(&h, (const uint8_t *)b, line, sizeof(line));
    ck_assert_str_eq(line, "HTTP 101 Switching Protocols");
    /* an empty reason-phrase is allowed [RFC 9112 4] */
    ck_assert_int_eq(http_head_parse((const uint8_t *)"HTTP/1.1 204 \r\n\r\n", 17, &h),
                     APP_ERR_NONE);
    ck_assert_uint_eq(h.status, 204);
}
END_TEST

START_TEST(test_http_refuses_malformed)
{
    static const struct {
        const char *text;
        enum app_err want;
    } bad[] = {
        { "GET /index.html HTTP/1.1\r\nHost: b\r\n", APP_ERR_HTTP_INCOMPLETE },
        { "GET /index.ht", APP_ERR_HTTP_INCOMPLETE },
        { "GET / HTTP/1.1\nHost: b\r\n\r\n", APP_ERR_HTTP_LINE_END },
        { "GET / HTTP/1.1\r\nHost: b\n\r\n", APP_ERR_HTTP_LINE_END },
        { "\n", APP_ERR_HTTP_LINE_END },
        { "GET / HTTP/1.1\r\nHost : b\r\n\r\n", APP_ERR_HTTP_FIELD },
        { "GET / HTTP/1.1\r\nno colon here\r\n\r\n", APP_ERR_HTTP_FIELD },
        { "GET / HTTP/1.1\r\n: empty name\r\n\r\n", APP_ERR_HTTP_FIELD },
        { "GET / HTTP/1.1\r\n folded: line\r\n\r\n", APP_ERR_HTTP_FIELD },
        { "GET /  HTTP/1.1\r\n\r\n", APP_ERR_HTTP_START_LINE },
        { "GET / HTTP/1.10\r\n\r\n", APP_ERR_HTTP_START_LINE },
        { "GET / http/1.1\r\n\r\n", APP_ERR_HTTP_START_LINE },
        { "HTTP/1.1 20 OK\r\n\r\n", APP_ERR_HTTP_START_LINE },
        { "HTTP/1.1 200OK\r\n\r\n", APP_ERR_HTTP_START_LINE },
        { "\x16\x03\x01\x02\r\n", APP_ERR_HTTP_START_LINE },
        { "\x16\x03\x01\x02", APP_ERR_HTTP_START_LINE },  /* a TLS record: no LF yet */
        { "HTTP/1", APP_ERR_HTTP_INCOMPLETE },
        { "POST /up", APP_ERR_HTTP_INCOMPLETE },
        { "\r\n\r\n", APP_ERR_HTTP_START_LINE },
    };
    struct http_head h;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum app_err e = http_head_parse((const uint8_t *)bad[i].text, strlen(bad[i].text), &h);
        ck_assert_msg(e == bad[i].want, "case %zu: got %s", i, app_err_name(e));
    }
    /* an incomplete head keeps what was complete */
    http_head_parse((const uint8_t *)bad[0].text, strlen(bad[0].text), &h);
    ck_assert_uint_eq(h.start.len, 26);
    ck_assert_uint_eq(h.n_fields, 1);
    ck_assert_uint_eq(h.head_len, 0);
}
END_TEST

START_TEST(test_http_too_many_fields)
{
    char b[2048];
    size_t k = (size_t)snprintf(b, sizeof(b), "GET / HTTP/1.1\r\n");
    struct http_head h;

    for (int i = 0; i <= HTTP_FIELDS_MAX; i++)
        k += (size_t)snprintf(b + k, sizeof(b) - k, "X-%d: %d\r\n", i, i);
    k += (size_t)snprintf(b + k, sizeof(b) - k, "\r\n");
    ck_assert_int_eq(http_head_parse((const uint8_t *)b, k, &h), APP_ERR_HTTP_TOO_MANY);
    ck_assert_uint_eq(h.n_fields, HTTP_FIELDS_MAX);
}
END_TEST

/* ---- recognising a payload ------------------------------------------------ */

static const char *
guess_line(bool tcp, uint16_t sport, uint16_t dport, const void *b, size_t len)
{
    static char line[128];
    enum app_proto p = app_guess(tcp, sport, dport, b, len);

    app_describe(p, b, len, line, sizeof(line));
    return p == APP_PROTO_NONE ? "(none)" : line;
}

START_TEST(test_guess_by_port_and_content)
{
    uint8_t two[sizeof(golden_ws_masked_hello) + sizeof(golden_ws_hello)];

    ck_assert_str_eq(guess_line(true, 49152, 80, golden_http_get, strlen(golden_http_get)),
                     "HTTP GET /index.html");
    ck_assert_str_eq(guess_line(true, 8080, 49152, golden_http_101, strlen(golden_http_101)),
                     "HTTP 101 Switching Protocols");
    /* a head cut short is still HTTP once its start line is whole */
    ck_assert_str_eq(guess_line(true, 49152, 80, golden_http_get, 30), "HTTP GET /index.html");
    ck_assert_str_eq(guess_line(true, 49152, 80, golden_ws_masked_hello,
                                sizeof(golden_ws_masked_hello)),
                     "WebSocket text FIN masked len 5");
    memcpy(two, golden_ws_masked_hello, sizeof(golden_ws_masked_hello));
    memcpy(two + sizeof(golden_ws_masked_hello), golden_ws_hello, sizeof(golden_ws_hello));
    ck_assert_str_eq(guess_line(true, 80, 49152, two, sizeof(two)),
                     "WebSocket text FIN masked len 5 (+1 more frame)");
    ck_assert_str_eq(guess_line(false, 49152, 53, golden_dns_query, sizeof(golden_dns_query)),
                     "DNS query A www.example.test, id 4660");
}
END_TEST

START_TEST(test_guess_refuses_what_it_cannot_be_sure_of)
{
    /* the same bytes on other ports: nothing */
    ck_assert_str_eq(guess_line(true, 49152, 22, golden_http_get, strlen(golden_http_get)),
                     "(none)");
    ck_assert_str_eq(guess_line(false, 49152, 5353, golden_dns_query, sizeof(golden_dns_query)),
                     "(none)");
    ck_assert_str_eq(guess_line(true, 49152, 53, golden_dns_query, sizeof(golden_dns_query)),
                     "(none)");  /* DNS over TCP has a length prefix; not decoded */
    /* a body segment of text is neither HTTP nor a frame: 'h' has RSV bits */
    ck_assert_str_eq(guess_line(true, 80, 49152, "hello from netstep", 18), "(none)");
    /* a frame with one byte missing, or one byte extra, is not a whole frame */
    ck_assert_str_eq(guess_line(true, 49152, 80, golden_ws_hello, sizeof(golden_ws_hello) - 1),
                     "(none)");
    ck_assert_str_eq(guess_line(true, 49152, 80, golden_http_101, 3), "(none)");
    ck_assert_str_eq(guess_line(false, 53, 49152, golden_dns_answer, sizeof(golden_dns_answer) - 1),
                     "(none)");
    ck_assert_str_eq(guess_line(true, 49152, 80, "", 0), "(none)");
    ck_assert_ptr_null(app_proto_name(APP_PROTO_NONE));
    ck_assert_str_eq(app_proto_name(APP_PROTO_WEBSOCKET), "WebSocket");
}
END_TEST

/* ---- the sweep ------------------------------------------------------------ */

/* Every parser over b[0..len) from a heap copy of exactly len bytes: any read
 * past the end is an ASan failure; every answer must be a named error. */
static void
parse_all(const uint8_t *src, size_t len)
{
    uint8_t *b = malloc(len > 0 ? len : 1);
    struct ws_frame f;
    struct dns_msg m;
    struct http_head h;
    char line[256];
    enum app_err e;

    ck_assert_ptr_nonnull(b);
    memcpy(b, src, len);
    e = ws_frame_parse(b, len, &f);
    ck_assert_int_lt(e, APP_ERR_COUNT);
    if (f.hdr_len > 0)
        ws_frame_describe(&f, line, sizeof(line));
    e = dns_parse(b, len, &m);
    ck_assert_int_lt(e, APP_ERR_COUNT);
    if (e == APP_ERR_NONE)
        dns_describe(&m, b, len, line, sizeof(line));
    e = http_head_parse(b, len, &h);
    ck_assert_int_lt(e, APP_ERR_COUNT);
    http_describe(&h, b, line, sizeof(line));
    for (int tcp = 0; tcp < 2; tcp++) {
        enum app_proto p = app_guess(tcp, 80, 53, b, len);
        app_describe(p, b, len, line, sizeof(line));
    }
    free(b);
}

START_TEST(test_sweep_truncations_and_bit_flips)
{
    static const struct {
        const uint8_t *b;
        size_t len;
    } golden[] = {
        { golden_ws_masked_hello, sizeof(golden_ws_masked_hello) },
        { golden_ws_hello, sizeof(golden_ws_hello) },
        { golden_dns_query, sizeof(golden_dns_query) },
        { golden_dns_answer, sizeof(golden_dns_answer) },
        { (const uint8_t *)golden_http_get, sizeof(golden_http_get) - 1 },
        { (const uint8_t *)golden_http_101, sizeof(golden_http_101) - 1 },
    };
    uint8_t b[256];

    for (size_t g = 0; g < sizeof(golden) / sizeof(golden[0]); g++) {
        size_t len = golden[g].len;
        for (size_t cut = 0; cut <= len; cut++)
            parse_all(golden[g].b, cut);
        for (size_t bit = 0; bit < len * 8; bit++) {
            memcpy(b, golden[g].b, len);
            b[bit / 8] ^= (uint8_t)(1u << bit % 8);
            parse_all(b, len);
        }
    }
}
END_TEST

START_TEST(test_error_names_and_sentences)
{
    ck_assert_str_eq(app_err_name(APP_ERR_DNS_POINTER), "DNS_POINTER");
    ck_assert_str_eq(app_err_rfc(APP_ERR_WS_RSV), "RFC 6455 5.2");
    for (int e = 0; e < APP_ERR_COUNT; e++)
        ck_assert(strlen(app_err_str((enum app_err)e)) > 0);
    ck_assert_str_eq(app_err_name(APP_ERR_COUNT), "?");
}
END_TEST

static Suite *
app_suite(void)
{
    Suite *s = suite_create("app");
    TCase *tc;

    tc = tcase_create("sha1");
    tcase_add_test(tc, test_sha1_fips_examples);
    tcase_add_test(tc, test_sha1_million_a_in_pieces);
    tcase_add_test(tc, test_sha1_padding_boundaries);
    suite_add_tcase(s, tc);

    tc = tcase_create("base64");
    tcase_add_test(tc, test_base64_rfc4648_vectors);
    tcase_add_test(tc, test_base64_encode_needs_room);
    tcase_add_test(tc, test_base64_decode_refuses_malformed);
    suite_add_tcase(s, tc);

    tc = tcase_create("websocket");
    tcase_add_test(tc, test_ws_accept_rfc6455_example);
    tcase_add_test(tc, test_ws_key_must_be_16_bytes_of_base64);
    tcase_add_test(tc, test_ws_parse_rfc_examples);
    tcase_add_test(tc, test_ws_emit_matches_rfc_examples);
    tcase_add_test(tc, test_ws_16_and_64_bit_lengths);
    tcase_add_test(tc, test_ws_mask_continues_across_pieces);
    tcase_add_test(tc, test_ws_parse_refuses_malformed);
    tcase_add_test(tc, test_ws_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("dns");
    tcase_add_test(tc, test_dns_parse_query);
    tcase_add_test(tc, test_dns_parse_answer_follows_the_pointer);
    tcase_add_test(tc, test_dns_emit_matches_golden);
    tcase_add_test(tc, test_dns_name_encode_limits);
    tcase_add_test(tc, test_dns_name_read_escapes_and_root);
    tcase_add_test(tc, test_dns_parse_refuses_malformed);
    tcase_add_test(tc, test_dns_parse_refuses_bad_records);
    tcase_add_test(tc, test_dns_describe);
    suite_add_tcase(s, tc);

    tc = tcase_create("http");
    tcase_add_test(tc, test_http_request_head);
    tcase_add_test(tc, test_http_status_head);
    tcase_add_test(tc, test_http_refuses_malformed);
    tcase_add_test(tc, test_http_too_many_fields);
    suite_add_tcase(s, tc);

    tc = tcase_create("guess");
    tcase_add_test(tc, test_guess_by_port_and_content);
    tcase_add_test(tc, test_guess_refuses_what_it_cannot_be_sure_of);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_test(tc, test_sweep_truncations_and_bit_flips);
    tcase_add_test(tc, test_error_names_and_sentences);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(app_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
