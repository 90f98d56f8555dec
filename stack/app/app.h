/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * app.h - which application protocol a TCP or UDP payload holds, judged by
 * its ports and its bytes, and one line that says what it is.
 *
 * The stack itself never looks inside payloads; this is for the people who
 * watch it: the trace's tcpdump-like lines and the view's decoder.
 */
#ifndef NETSTEP_APP_APP_H
#define NETSTEP_APP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum app_proto {
    APP_PROTO_NONE,       /* not recognised */
    APP_PROTO_HTTP,       /* an HTTP/1.x request or status line [RFC 9112] */
    APP_PROTO_WEBSOCKET,  /* whole WebSocket frames [RFC 6455 5.2] */
    APP_PROTO_DNS,        /* a DNS message [RFC 1035 4.1] */
};

/* The ports HTTP (and so a WebSocket after its Upgrade) is looked for on:
 * 80 [RFC 9110 4.2.1] and 8080, the usual alternative. */
bool app_port_is_http(uint16_t port);

/* What b[0..len), the payload of one TCP segment (tcp true) or UDP datagram,
 * holds:
 *   DNS        UDP with port 53 on either side, and a message that parses
 *              completely (dns_parse() finds no error);
 *   HTTP       TCP with an HTTP port on either side, and a complete request
 *              line or status line at the start;
 *   WEBSOCKET  TCP with an HTTP port, not HTTP, and the payload is exactly a
 *              run of well-formed frames: valid header, no RSV bits, a known
 *              opcode, the shortest length encoding, and lengths that add up
 *              to the payload to the byte. Text never passes (its first byte
 *              has RSV bits set), so this is a strict test, but a test of
 *              shape: one segment cannot show that an Upgrade happened.
 * A segment that continues an earlier one (a frame or a head split across
 * segments) is not recognised. */
enum app_proto app_guess(bool tcp, uint16_t sport, uint16_t dport, const uint8_t *b, size_t len);
/* "HTTP GET /index.html", "WebSocket text FIN masked len 5",
 * "DNS query A www.example.test, id 4660"; for several WebSocket frames the
 * first and "(+2 more frames)". Returns what snprintf would. */
int app_describe(enum app_proto proto, const uint8_t *b, size_t len, char *buf, size_t n);
/* "HTTP", "WebSocket", "DNS", or NULL for NONE. */
const char *app_proto_name(enum app_proto proto);

#endif
