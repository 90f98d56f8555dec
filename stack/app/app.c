/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * app.c - recognising HTTP, WebSocket and DNS in a transport payload, for
 * the trace and the view (see app.h for the exact tests and their limits).
 * Called by: frame_describe(), the view's packet decoder.
 */
#include "stack/app/app.h"

#include <stdio.h>

#include "stack/app/dns.h"
#include "stack/app/http.h"
#include "stack/app/websocket.h"

/* Frames walked before giving up; a segment of small frames stays far below. */
#define APP_WS_FRAMES_MAX 64

bool
app_port_is_http(uint16_t port)
{
    return port == 80 || port == 8080;
}

/* The number of whole frames b[0..len) is made of exactly, or 0. */
static size_t
ws_frames_tile(const uint8_t *b, size_t len)
{
    size_t off = 0, n = 0;

    while (off < len && n < APP_WS_FRAMES_MAX) {
        struct ws_frame f;
        if (ws_frame_parse(b + off, len - off, &f) != APP_ERR_NONE)
            return 0;
        off += f.hdr_len + (size_t)f.payload_len;
        n++;
    }
    return off == len ? n : 0;
}

enum app_proto
app_guess(bool tcp, uint16_t sport, uint16_t dport, const uint8_t *b, size_t len)
{
    if (len == 0)
        return APP_PROTO_NONE;
    if (!tcp) {
        struct dns_msg m;
        if ((sport == DNS_PORT || dport == DNS_PORT) && dns_parse(b, len, &m) == APP_ERR_NONE)
            return APP_PROTO_DNS;
        return APP_PROTO_NONE;
    }
    if (!app_port_is_http(sport) && !app_port_is_http(dport))
        return APP_PROTO_NONE;
    struct http_head h;
    enum app_err e = http_head_parse(b, len, &h);
    if ((e == APP_ERR_NONE || e == APP_ERR_HTTP_INCOMPLETE) && h.start.len > 0)
        return APP_PROTO_HTTP;
    if (ws_frames_tile(b, len) > 0)
        return APP_PROTO_WEBSOCKET;
    return APP_PROTO_NONE;
}

int
app_describe(enum app_proto proto, const uint8_t *b, size_t len, char *buf, size_t n)
{
    switch (proto) {
    case APP_PROTO_HTTP: {
        struct http_head h;
        http_head_parse(b, len, &h);
        return http_describe(&h, b, buf, n);
    }
    case APP_PROTO_WEBSOCKET: {
        struct ws_frame f;
        size_t frames = ws_frames_tile(b, len);
        int r;
        ws_frame_parse(b, len, &f);
        r = ws_frame_describe(&f, buf, n);
        if (frames > 1 && r >= 0)
            r += snprintf((size_t)r < n ? buf + r : NULL, (size_t)r < n ? n - (size_t)r : 0,
                          " (+%zu more frame%s)", frames - 1, frames > 2 ? "s" : "");
        return r;
    }
    case APP_PROTO_DNS: {
        struct dns_msg m;
        dns_parse(b, len, &m);
        return dns_describe(&m, b, len, buf, n);
    }
    default:
        if (n > 0)
            buf[0] = '\0';
        return 0;
    }
}

const char *
app_proto_name(enum app_proto proto)
{
    switch (proto) {
    case APP_PROTO_HTTP:      return "HTTP";
    case APP_PROTO_WEBSOCKET: return "WebSocket";
    case APP_PROTO_DNS:       return "DNS";
    default:                  return NULL;
    }
}
