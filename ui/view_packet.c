/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_packet.c - the packet and bytes panes: the selected frame decoded
 * field by field, each field with a line saying what it means, and its bytes
 * in hex and ASCII coloured by layer, the selected field's bytes highlighted.
 *
 * Decoding reads the recorded bytes with the wire module's offsets and byte
 * helpers (C5): host order only in the decoded numbers, never in place.
 * Called by: view.c. Calls: be16_get(), be32_get(), ipv4_addr_str(), ...
 */
#include "ui/view.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "stack/app/app.h"
#include "stack/app/dns.h"
#include "stack/app/http.h"
#include "stack/app/websocket.h"
#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"

struct decoder {
    struct pkt_line *lines;  /* output */
    int max;                 /* room */
    int n;                   /* lines written */
    unsigned *protos;        /* not NULL: only note the headings' VM_P_* bits */
};

static void
add(struct decoder *d, enum pkt_layer layer, bool heading, int off, int len,
    const char *meaning, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#include <stdarg.h>

static void
add(struct decoder *d, enum pkt_layer layer, bool heading, int off, int len,
    const char *meaning, const char *fmt, ...)
{
    if (d->protos != NULL) {
        /* every heading's format begins with its protocol's word */
        if (heading)
            *d->protos |= view_heading_protos(fmt);
        return;
    }
    if (d->n >= d->max)
        return;
    struct pkt_line *l = &d->lines[d->n++];
    memset(l, 0, sizeof *l);
    l->layer = layer;
    l->heading = heading;
    l->off = off;
    l->len = len;
    snprintf(l->meaning, sizeof l->meaning, "%s", meaning != NULL ? meaning : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    va_end(ap);
}

/* Up to 24 bytes as text, dots for what is not printable. */
static void
ascii_preview(const uint8_t *b, size_t len, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < len && i < 24 && k + 1 < n; i++)
        out[k++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
    out[k] = '\0';
}

static void
decode_data(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len <= 0)
        return;
    char pre[32];
    ascii_preview(b + off, (size_t)len, pre, sizeof pre);
    add(d, PL_DATA, true, off, len, "what the application gave its socket",
        "Data, %d bytes", len);
    add(d, PL_DATA, false, off, len, "the stack never looks inside", "\"%s%s\"", pre,
        len > 24 ? "..." : "");
}

/* ---- application protocols (stack/app/) ----------------------------------- */

/* What a header field is for, in one line; NULL for the generic sentence. */
static const char *
http_field_meaning(const uint8_t *b, const struct http_field *f)
{
    static const struct {
        const char *name;
        const char *meaning;
    } known[] = {
        { "Host", "which site: one address can serve many [RFC 9110 7.2]" },
        { "User-Agent", "the client program" },
        { "Content-Type", "what kind of data the body is" },
        { "Content-Length", "body bytes after the empty line [RFC 9112 6.2]" },
        { "Connection", "options for this connection only; here: Upgrade" },
        { "Upgrade", "asks to switch protocol on this connection [RFC 9110 7.8]" },
        { "Sec-WebSocket-Key", "16 random bytes in base64, from the client [RFC 6455 4.1]" },
        { "Sec-WebSocket-Accept", "base64 SHA-1 of key + GUID: the server read it [RFC 6455 4.2.2]" },
        { "Sec-WebSocket-Version", "13, the version RFC 6455 defines" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (f->name.len == strlen(known[i].name) &&
            strncasecmp((const char *)b + f->name.off, known[i].name, f->name.len) == 0)
            return known[i].meaning;
    return NULL;
}

static const char *
http_status_meaning(unsigned status)
{
    /* [RFC 9110 15] the first digit is the class */
    switch (status / 100) {
    case 1: return status == 101 ? "the connection now speaks the protocol asked for"
                                 : "informational: more follows";
    case 2: return "success";
    case 3: return "redirection: look elsewhere";
    case 4: return "client error";
    default: return "server error";
    }
}

static void
decode_http(struct decoder *d, const uint8_t *b, int off, int len)
{
    const uint8_t *p = b + off;
    struct http_head h;
    char line[PKT_LINE_TEXT], pre[32];
    enum app_err e = http_head_parse(p, (size_t)len, &h);

    http_describe(&h, p, line, sizeof line);
    add(d, PL_DATA, true, off, h.head_len > 0 ? (int)h.head_len : len,
        h.is_request ? "Hypertext Transfer Protocol request [RFC 9112 3]"
                     : "Hypertext Transfer Protocol response [RFC 9112 4]", "%s", line);
    if (h.is_request) {
        add(d, PL_DATA, false, off + (int)h.method.off, (int)h.method.len,
            "what the client asks the server to do", "method %.*s", (int)h.method.len,
            (const char *)p + h.method.off);
        add(d, PL_DATA, false, off + (int)h.target.off, (int)h.target.len,
            "which resource on the server", "target %.*s", (int)h.target.len,
            (const char *)p + h.target.off);
        add(d, PL_DATA, false, off + (int)h.version.off, (int)h.version.len,
            "the protocol version the client speaks", "%.*s", (int)h.version.len,
            (const char *)p + h.version.off);
    } else {
        add(d, PL_DATA, false, off, (int)h.version.len, "the protocol version the server speaks",
            "%.*s", (int)h.version.len, (const char *)p);
        add(d, PL_DATA, false, off + 9, 3, http_status_meaning(h.status), "status %u %.*s",
            h.status, (int)h.reason.len, (const char *)p + h.reason.off);
    }
    for (size_t i = 0; i < h.n_fields; i++) {
        const struct http_field *f = &h.f[i];
        const char *m = http_field_meaning(p, f);
        add(d, PL_DATA, false, off + (int)f->line.off, (int)f->line.len,
            m != NULL ? m : "a header field: name, colon, value [RFC 9112 5]", "%.*s: %.*s",
            (int)f->name.len, (const char *)p + f->name.off, (int)f->value.len,
            (const char *)p + f->value.off);
    }
    if (e == APP_ERR_NONE) {
        add(d, PL_DATA, false, off + (int)h.head_len - 2, 2,
            "the empty line: the header section ends [RFC 9112 2.1]", "(empty line)");
        if ((int)h.head_len < len) {
            int blen = len - (int)h.head_len;
            ascii_preview(p + h.head_len, (size_t)blen, pre, sizeof pre);
            add(d, PL_DATA, false, off + (int)h.head_len, blen, "the body",
                "body \"%s%s\"", pre, blen > 24 ? "..." : "");
        }
    } else {
        add(d, PL_DATA, false, off + len, 0, app_err_str(e), "(the head goes on)");
    }
}

static const char *
ws_opcode_meaning(uint8_t op)
{
    switch (op) {
    case WS_OP_CONTINUATION: return "continues the message of an earlier frame";
    case WS_OP_TEXT:         return "a text message, UTF-8";
    case WS_OP_BINARY:       return "a binary message";
    case WS_OP_CLOSE:        return "control: closing the connection [RFC 6455 5.5.1]";
    case WS_OP_PING:         return "control: are you there? [RFC 6455 5.5.2]";
    default:                 return "control: the answer to a ping [RFC 6455 5.5.3]";
    }
}

/* One frame at b[off..off+f->hdr_len+payload_len). */
static void
decode_ws_frame(struct decoder *d, const uint8_t *b, int off, const struct ws_frame *f)
{
    char head[PKT_LINE_TEXT], pre[32];
    uint8_t plain[24];
    int plen = (int)f->payload_len, poff = off + (int)f->hdr_len;
    size_t show = plen < (int)sizeof plain ? (size_t)plen : sizeof plain;

    ws_frame_describe(f, head, sizeof head);
    add(d, PL_DATA, true, off, (int)f->hdr_len + plen, "WebSocket frame [RFC 6455 5.2]", "%s",
        head);
    add(d, PL_DATA, false, off, 1, f->fin ? "the last (or only) frame of its message"
                                          : "more frames of this message follow",
        "FIN %d", f->fin ? 1 : 0);
    add(d, PL_DATA, false, off, 1, ws_opcode_meaning(f->opcode), "opcode %u (%s)", f->opcode,
        ws_opcode_name(f->opcode));
    add(d, PL_DATA, false, off + 1, 1, f->masked ? "client to server: the payload is XORed"
                                                 : "not masked: servers never mask [RFC 6455 5.1]",
        "MASK %d", f->masked ? 1 : 0);
    add(d, PL_DATA, false, off + 1, 1 + f->len_bytes,
        f->len_bytes == 0 ? "7 bits; 126 means 16 bits follow, 127 means 64"
        : f->len_bytes == 2 ? "126, then the length in 16 bits"
                            : "127, then the length in 64 bits",
        "payload length %llu", (unsigned long long)f->payload_len);
    if (f->masked)
        add(d, PL_DATA, false, off + 2 + f->len_bytes, 4, "byte i is XORed with key[i mod 4]",
            "masking key %02x %02x %02x %02x", f->mask_key[0], f->mask_key[1], f->mask_key[2],
            f->mask_key[3]);
    if (plen == 0)
        return;
    /* [RFC 6455 5.3] unmask what is shown; the bytes pane keeps the wire's */
    if (f->masked)
        ws_mask(b + poff, show, f->mask_key, 0, plain);
    else
        memcpy(plain, b + poff, show);
    if (f->opcode == WS_OP_CLOSE && plen >= 2) {
        add(d, PL_DATA, false, poff, 2, "why: 1000 normal, 1001 going away [RFC 6455 7.4.1]",
            "status code %u", (unsigned)(plain[0] << 8 | plain[1]));
        if (plen > 2) {
            ascii_preview(plain + 2, show - 2, pre, sizeof pre);
            add(d, PL_DATA, false, poff + 2, plen - 2, f->masked ? "unmasked: the wire has it XORed"
                                                                 : "words for people",
                "reason \"%s%s\"", pre, plen - 2 > 22 ? "..." : "");
        }
        return;
    }
    ascii_preview(plain, show, pre, sizeof pre);
    add(d, PL_DATA, false, poff, plen, f->masked ? "unmasked: the wire has it XORed with the key"
                                                 : "the application's data, as sent",
        "payload \"%s%s\"", pre, plen > 24 ? "..." : "");
}

static void
decode_websocket(struct decoder *d, const uint8_t *b, int off, int len)
{
    int at = off;
    while (at < off + len) {
        struct ws_frame f;
        if (ws_frame_parse(b + at, (size_t)(off + len - at), &f) != APP_ERR_NONE)
            break;  /* app_guess() saw whole frames; nothing else can come */
        decode_ws_frame(d, b, at, &f);
        at += (int)f.hdr_len + (int)f.payload_len;
    }
}

/* "flags 0x8500: response, AA, RD" */
static void
dns_flags_text(const struct dns_msg *m, uint16_t raw, char *out, size_t n)
{
    const char *rc = dns_rcode_name(m->rcode);
    snprintf(out, n, "flags 0x%04x: %s%s%s%s%s%s%s", raw, m->qr ? "response" : "query",
             m->aa ? ", AA" : "", m->tc ? ", TC" : "", m->rd ? ", RD" : "", m->ra ? ", RA" : "",
             m->qr ? ", " : "", m->qr ? (rc != NULL ? rc : "rcode ?") : "");
}

static void
decode_dns_name(struct decoder *d, const uint8_t *p, int len, int off, size_t name_off,
                size_t name_len, const char *what)
{
    char name[PKT_LINE_TEXT];
    dns_name_read(p, (size_t)len, name_off, name, sizeof name, NULL);
    bool ptr = name_len >= 2 && (p[name_off + name_len - 2] & 0xc0) == 0xc0;
    add(d, PL_DATA, false, off + (int)name_off, (int)name_len,
        ptr ? "ends in a pointer (c0 ..) to a name earlier [RFC 1035 4.1.4]"
            : "labels: a length byte, then the letters; 0 ends [RFC 1035 3.1]",
        "%s %s", what, name);
}

static void
decode_dns(struct decoder *d, const uint8_t *b, int off, int len)
{
    const uint8_t *p = b + off;
    struct dns_msg m;
    char line[PKT_LINE_TEXT];

    if (dns_parse(p, (size_t)len, &m) != APP_ERR_NONE)
        return;
    dns_describe(&m, p, (size_t)len, line, sizeof line);
    add(d, PL_DATA, true, off, len, "Domain Name System [RFC 1035 4.1]", "%s", line);
    add(d, PL_DATA, false, off, 2, "matches the answer to its question", "id %u (0x%04x)",
        m.id, m.id);
    dns_flags_text(&m, be16_get(p + 2), line, sizeof line);
    add(d, PL_DATA, false, off + 2, 2, "QR, opcode, AA TC RD RA, rcode [RFC 1035 4.1.1]", "%s",
        line);
    add(d, PL_DATA, false, off + 4, 2, "questions that follow", "questions %u", m.qdcount);
    add(d, PL_DATA, false, off + 6, 2, "answer records", "answers %u", m.ancount);
    add(d, PL_DATA, false, off + 8, 2, "records naming the servers in charge", "authority %u",
        m.nscount);
    add(d, PL_DATA, false, off + 10, 2, "records that may help", "additional %u", m.arcount);
    for (size_t i = 0; i < m.n_qd; i++) {
        const struct dns_question *q = &m.qd[i];
        const char *tn = dns_type_name(q->qtype);
        decode_dns_name(d, p, len, off, q->off, q->name_len, "question");
        add(d, PL_DATA, false, off + (int)(q->off + q->name_len), 4,
            "record type and class asked for (IN: Internet)", "type %s, class %u",
            tn != NULL ? tn : "?", q->qclass);
    }
    for (size_t i = 0; i < m.n_an; i++) {
        const struct dns_rr *rr = &m.an[i];
        const char *tn = dns_type_name(rr->type);
        int fixed = off + (int)(rr->off + rr->name_len);
        decode_dns_name(d, p, len, off, rr->off, rr->name_len, "answer");
        add(d, PL_DATA, false, fixed, 4, "record type and class", "type %s, class %u",
            tn != NULL ? tn : "?", rr->rclass);
        add(d, PL_DATA, false, fixed + 4, 4, "seconds the answer may be cached", "ttl %u",
            rr->ttl);
        add(d, PL_DATA, false, fixed + 8, 2, "bytes of data that follow", "rdlength %u",
            rr->rdlength);
        if (rr->type == DNS_TYPE_A && rr->rclass == DNS_CLASS_IN) {
            char a[IPV4_ADDR_STRLEN];
            add(d, PL_DATA, false, off + (int)rr->rdata_off, 4, "the IPv4 address asked for",
                "address %s", ipv4_addr_str(rr->a, a));
        } else if (rr->rdlength > 0) {
            add(d, PL_DATA, false, off + (int)rr->rdata_off, rr->rdlength, "record data",
                "data, %u bytes", rr->rdlength);
        }
    }
}

/* The payload as its application protocol if app_guess() recognises it,
 * else as plain data. */
static void
decode_payload(struct decoder *d, bool tcp, uint16_t sport, uint16_t dport, const uint8_t *b,
               int off, int len)
{
    switch (len > 0 ? app_guess(tcp, sport, dport, b + off, (size_t)len) : APP_PROTO_NONE) {
    case APP_PROTO_HTTP:
        decode_http(d, b, off, len);
        break;
    case APP_PROTO_WEBSOCKET:
        decode_websocket(d, b, off, len);
        break;
    case APP_PROTO_DNS:
        decode_dns(d, b, off, len);
        break;
    default:
        decode_data(d, b, off, len);
        break;
    }
}

static void
decode_udp(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < 8) {
        add(d, PL_TRANSPORT, true, off, len, "shorter than a UDP header", "UDP [truncated]");
        return;
    }
    const uint8_t *u = b + off;
    int ulen = be16_get(u + 4);
    add(d, PL_TRANSPORT, true, off, 8, "User Datagram Protocol [RFC 768]",
        "UDP %u > %u, length %d", be16_get(u), be16_get(u + 2), ulen);
    add(d, PL_TRANSPORT, false, off, 2, "the sending socket's port", "src port %u",
        be16_get(u));
    add(d, PL_TRANSPORT, false, off + 2, 2, "picks the socket that receives it",
        "dst port %u", be16_get(u + 2));
    add(d, PL_TRANSPORT, false, off + 4, 2, "header + data bytes", "length %d", ulen);
    add(d, PL_TRANSPORT, false, off + 6, 2, "over a pseudo-header, header and data",
        "checksum 0x%04x", be16_get(u + 6));
    int data = ulen - 8;
    if (data > len - 8)
        data = len - 8;
    decode_payload(d, false, be16_get(u), be16_get(u + 2), b, off + 8, data);
}

static void
decode_icmp(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < 8) {
        add(d, PL_TRANSPORT, true, off, len, "shorter than an ICMP header", "ICMP [truncated]");
        return;
    }
    const uint8_t *c = b + off;
    add(d, PL_TRANSPORT, true, off, 8, "Internet Control Message Protocol [RFC 792]",
        "ICMP %s", icmp_type_name(c[0], c[1]));
    add(d, PL_TRANSPORT, false, off, 1, "what kind of message", "type %u", c[0]);
    add(d, PL_TRANSPORT, false, off + 1, 1, "the detail within the type", "code %u", c[1]);
    add(d, PL_TRANSPORT, false, off + 2, 2, "over the whole message", "checksum 0x%04x",
        be16_get(c + 2));
    if (c[0] == ICMP_ECHO_REQUEST || c[0] == ICMP_ECHO_REPLY) {
        add(d, PL_TRANSPORT, false, off + 4, 2, "matches replies to the pinging socket",
            "id %u", be16_get(c + 4));
        add(d, PL_TRANSPORT, false, off + 6, 2, "counts the requests", "seq %u",
            be16_get(c + 6));
    } else {
        add(d, PL_TRANSPORT, false, off + 4, 4, "depends on the type", "rest 0x%08x",
            be32_get(c + 4));
    }
    decode_data(d, b, off + 8, len - 8);
}

static void
decode_tcp(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < 20) {
        add(d, PL_TRANSPORT, true, off, len, "shorter than a TCP header", "TCP [truncated]");
        return;
    }
    const uint8_t *t = b + off;
    int hl = (t[12] >> 4) * 4;
    char fl[16] = "";
    if (d->protos == NULL)  /* the headings' words need no fields */
        tcp_flags_str(t[13], fl, sizeof fl);
    add(d, PL_TRANSPORT, true, off, hl, "Transmission Control Protocol [RFC 9293 3.1]",
        "TCP %u > %u [%s]", be16_get(t), be16_get(t + 2), fl);
    add(d, PL_TRANSPORT, false, off, 2, "the sending connection's port", "src port %u",
        be16_get(t));
    add(d, PL_TRANSPORT, false, off + 2, 2, "picks the connection that receives it",
        "dst port %u", be16_get(t + 2));
    add(d, PL_TRANSPORT, false, off + 4, 4, "number of the first data byte (or the SYN)",
        "seq %u", be32_get(t + 4));
    add(d, PL_TRANSPORT, false, off + 8, 4, "next byte the sender expects, if ACK",
        "ack %u", be32_get(t + 8));
    add(d, PL_TRANSPORT, false, off + 12, 2, "header length and control bits",
        "offset %d, flags [%s]", hl, fl);
    add(d, PL_TRANSPORT, false, off + 14, 2, "bytes the sender can still receive",
        "window %u", be16_get(t + 14));
    add(d, PL_TRANSPORT, false, off + 16, 2, "over a pseudo-header, header and data",
        "checksum 0x%04x", be16_get(t + 16));
    if (hl > 20 && hl <= len)
        add(d, PL_TRANSPORT, false, off + 20, hl - 20, "MSS, window scale, SACK, timestamps",
            "options, %d bytes", hl - 20);
    if (hl >= 20 && hl <= len)
        decode_payload(d, true, be16_get(t), be16_get(t + 2), b, off + hl, len - hl);
}

static void
decode_transport(struct decoder *d, int proto, const uint8_t *b, int off, int len)
{
    switch (proto) {
    case IPPROTO_UDP_:
        decode_udp(d, b, off, len);
        break;
    case IPPROTO_ICMP_:
        decode_icmp(d, b, off, len);
        break;
    case IPPROTO_TCP_:
        decode_tcp(d, b, off, len);
        break;
    default:
        decode_data(d, b, off, len);
        break;
    }
}

static void
decode_ipv4(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < IPV4_HDR_MIN) {
        add(d, PL_NET, true, off, len, "shorter than an IPv4 header", "IPv4 [truncated]");
        return;
    }
    const uint8_t *p = b + off;
    int ihl = (p[0] & 15) * 4;
    int total = be16_get(p + IPV4_OFF_TOTAL_LEN);
    char src[IPV4_ADDR_STRLEN] = "", dst[IPV4_ADDR_STRLEN] = "";
    if (d->protos == NULL) {  /* the headings' words need no addresses */
        ipv4_addr_str(be32_get(p + IPV4_OFF_SRC), src);
        ipv4_addr_str(be32_get(p + IPV4_OFF_DST), dst);
    }
    const char *pn = ipproto_name(p[IPV4_OFF_PROTO]);
    uint16_t frag = be16_get(p + IPV4_OFF_FRAG);
    add(d, PL_NET, true, off, ihl, "Internet Protocol version 4 [RFC 791 3.1]",
        "IPv4 %s > %s", src, dst);
    add(d, PL_NET, false, off, 1, "IP version 4; header length in 4-byte words",
        "version %u, ihl %d", p[0] >> 4, ihl);
    add(d, PL_NET, false, off + IPV4_OFF_TOS, 1, "DSCP and ECN: priority hints", "tos 0x%02x",
        p[IPV4_OFF_TOS]);
    add(d, PL_NET, false, off + IPV4_OFF_TOTAL_LEN, 2, "header + payload bytes",
        "total length %d", total);
    add(d, PL_NET, false, off + IPV4_OFF_ID, 2, "groups the fragments of one datagram",
        "id %u", be16_get(p + IPV4_OFF_ID));
    /* The flags by name, and the offset as the field holds it, in units of
     * 8 bytes [RFC 791 3.1 "Fragment Offset"], with the byte count beside:
     * the lesson on fragmentation teaches the units, so the pane shows them. */
    unsigned frag_units = frag & IPV4_FRAG_MASK;
    bool df = (frag & IPV4_FLAG_DF) != 0, mf = (frag & IPV4_FLAG_MF) != 0;
    add(d, PL_NET, false, off + IPV4_OFF_FRAG, 2,
        "DF: don't fragment; MF: more fragments follow; offset in 8-byte units",
        "flags %s, offset %u (x 8 = byte %u)",
        df && mf ? "DF MF" : df ? "DF" : mf ? "MF" : "none", frag_units, frag_units * 8);
    add(d, PL_NET, false, off + IPV4_OFF_TTL, 1, "hops left; each router takes one",
        "ttl %u", p[IPV4_OFF_TTL]);
    add(d, PL_NET, false, off + IPV4_OFF_PROTO, 1, "which transport gets the payload",
        "protocol %u (%s)", p[IPV4_OFF_PROTO], pn != NULL ? pn : "?");
    add(d, PL_NET, false, off + IPV4_OFF_CSUM, 2, "over the header only",
        "checksum 0x%04x", be16_get(p + IPV4_OFF_CSUM));
    add(d, PL_NET, false, off + IPV4_OFF_SRC, 4, "the sending host", "src %s", src);
    add(d, PL_NET, false, off + IPV4_OFF_DST, 4, "the host it is for; routes pick the way",
        "dst %s", dst);
    if (ihl > IPV4_HDR_MIN && ihl <= len)
        add(d, PL_NET, false, off + IPV4_HDR_MIN, ihl - IPV4_HDR_MIN, "rarely used",
            "options, %d bytes", ihl - IPV4_HDR_MIN);
    if (ihl < IPV4_HDR_MIN || ihl > len)
        return;
    int plen = (total < len ? total : len) - ihl;
    if ((frag & (IPV4_FLAG_MF | IPV4_FRAG_MASK)) != 0)
        decode_data(d, b, off + ihl, plen);
    else
        decode_transport(d, p[IPV4_OFF_PROTO], b, off + ihl, plen);
}

static void
decode_arp(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < 28) {
        add(d, PL_NET, true, off, len, "shorter than an ARP packet", "ARP [truncated]");
        return;
    }
    const uint8_t *a = b + off;
    char sha[MAC_ADDR_STRLEN], tha[MAC_ADDR_STRLEN];
    char spa[IPV4_ADDR_STRLEN], tpa[IPV4_ADDR_STRLEN];
    mac_addr_str(a + 8, sha);
    ipv4_addr_str(be32_get(a + 14), spa);
    mac_addr_str(a + 18, tha);
    ipv4_addr_str(be32_get(a + 24), tpa);
    uint16_t op = be16_get(a + 6);
    add(d, PL_NET, true, off, 28, "Address Resolution Protocol [RFC 826]", "ARP %s",
        op == 1 ? "request" : op == 2 ? "reply" : "?");
    add(d, PL_NET, false, off, 2, "1: Ethernet addresses", "hardware type %u", be16_get(a));
    add(d, PL_NET, false, off + 2, 2, "0x0800: IPv4 addresses", "protocol type 0x%04x",
        be16_get(a + 2));
    add(d, PL_NET, false, off + 4, 2, "address lengths in bytes", "hlen %u, plen %u", a[4],
        a[5]);
    add(d, PL_NET, false, off + 6, 2, "1: who has this address?  2: it is at",
        "op %u (%s)", op, op == 1 ? "request" : op == 2 ? "reply" : "?");
    add(d, PL_NET, false, off + 8, 6, "the asker's MAC: the target learns it", "sender MAC %s",
        sha);
    add(d, PL_NET, false, off + 14, 4, "the asker's IPv4 address", "sender IP %s", spa);
    add(d, PL_NET, false, off + 18, 6, "unknown in a request: what is asked", "target MAC %s",
        tha);
    add(d, PL_NET, false, off + 24, 4, "the address being resolved", "target IP %s", tpa);
}

/* Router solicitation, router advertisement and redirect [RFC 4861 4.1,
 * 4.2, 4.5] after their first 4 bytes, with their options: link-layer
 * addresses, prefix information, MTU, redirected header [4.6]. */
static void
decode_nd_router(struct decoder *d, const uint8_t *b, int off, int len)
{
    const uint8_t *c = b + off;
    int opts = c[0] == ND_ROUTER_SOLICIT ? 8 : c[0] == ND_ROUTER_ADVERT ? 16 : 40;
    if (len < opts) {
        add(d, PL_TRANSPORT, true, off + 4, len - 4, "shorter than this message",
            "[truncated]");
        return;
    }
    char a[IPV6_ADDR_STRLEN], m[MAC_ADDR_STRLEN];
    struct ip6_addr x;
    if (c[0] == ND_ROUTER_SOLICIT) {
        add(d, PL_TRANSPORT, false, off + 4, 4, "unused, zero", "reserved");
    } else if (c[0] == ND_ROUTER_ADVERT) {
        add(d, PL_TRANSPORT, false, off + 4, 1, "hop limit hosts should use (0: theirs)",
            "cur hop limit %u", c[4]);
        add(d, PL_TRANSPORT, false, off + 5, 1,
            "M: addresses from DHCPv6; O: other configuration from DHCPv6", "flags %s%s%s",
            (c[5] & 0x80) ? "M " : "", (c[5] & 0x40) ? "O" : "",
            (c[5] & 0xc0) == 0 ? "none" : "");
        add(d, PL_TRANSPORT, false, off + 6, 2,
            "seconds hosts may use this router as a default router (0: not one)",
            "router lifetime %u s", be16_get(c + 6));
        add(d, PL_TRANSPORT, false, off + 8, 4, "ms a neighbour counts as reachable (0: keep)",
            "reachable time %u ms", be32_get(c + 8));
        add(d, PL_TRANSPORT, false, off + 12, 4, "ms between solicitations (0: keep)",
            "retrans timer %u ms", be32_get(c + 12));
    } else {
        add(d, PL_TRANSPORT, false, off + 4, 4, "unused, zero", "reserved");
        memcpy(x.b, c + 8, 16);
        add(d, PL_TRANSPORT, false, off + 8, 16, "the better first hop (or the destination)",
            "target %s", ip6_addr_str(&x, a));
        memcpy(x.b, c + 24, 16);
        add(d, PL_TRANSPORT, false, off + 24, 16, "whose packets should go there",
            "destination %s", ip6_addr_str(&x, a));
    }
    for (int o = opts; o + 2 <= len && c[o + 1] != 0 && o + 8 * c[o + 1] <= len;
         o += 8 * c[o + 1]) {
        int olen = 8 * c[o + 1];
        if ((c[o] == ND_OPT_SLLA || c[o] == ND_OPT_TLLA) && olen == 8) {
            add(d, PL_TRANSPORT, false, off + o, 8,
                c[o] == ND_OPT_SLLA ? "the sender's MAC: hosts need not ask for it"
                                    : "the target's MAC, so the host need not ask",
                "option %s link-layer address %s", c[o] == ND_OPT_SLLA ? "source" : "target",
                mac_addr_str(c + o + 2, m));
        } else if (c[o] == 3 && olen == 32) {
            memcpy(x.b, c + o + 16, 16);
            uint32_t valid = be32_get(c + o + 4), pref = be32_get(c + o + 8);
            add(d, PL_TRANSPORT, false, off + o, 32,
                "L: on-link; A: form an address from it (SLAAC); lifetimes in seconds",
                "option prefix %s/%u, flags %s%s, valid %u s, preferred %u s",
                ip6_addr_str(&x, a), c[o + 2], (c[o + 3] & 0x80) ? "L" : "-",
                (c[o + 3] & 0x40) ? "A" : "-", valid, pref);
        } else if (c[o] == 5 && olen == 8) {
            add(d, PL_TRANSPORT, false, off + o, 8, "the link's MTU, for every host on it",
                "option MTU %u", be32_get(c + o + 4));
        } else if (c[o] == 4) {
            add(d, PL_TRANSPORT, false, off + o, olen,
                "as much of the redirected packet as fits", "option redirected header, %d bytes",
                olen - 8);
        } else {
            add(d, PL_TRANSPORT, false, off + o, olen, "an option this view does not name",
                "option type %u, %d bytes", c[o], olen);
        }
    }
}

/* ICMPv6 [RFC 4443 2.1], with neighbour discovery's target and options
 * [RFC 4861 4.3, 4.4, 4.6.1]. */
static void
decode_icmp6(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < 4) {
        add(d, PL_TRANSPORT, true, off, len, "shorter than an ICMPv6 header",
            "ICMPv6 [truncated]");
        return;
    }
    const uint8_t *c = b + off;
    const char *name = icmp6_type_name(c[0]);
    add(d, PL_TRANSPORT, true, off, len < 8 ? len : 8, "ICMPv6 [RFC 4443 2.1]", "ICMPv6 %s",
        name != NULL ? name : "unknown type");
    add(d, PL_TRANSPORT, false, off, 1, "below 128 an error, from 128 informational",
        "type %u", c[0]);
    add(d, PL_TRANSPORT, false, off + 1, 1, "the detail within the type", "code %u", c[1]);
    add(d, PL_TRANSPORT, false, off + 2, 2, "over the message and the IPv6 pseudo-header",
        "checksum 0x%04x", be16_get(c + 2));
    if (len < 8)
        return;
    if (c[0] == ND_ROUTER_SOLICIT || c[0] == ND_ROUTER_ADVERT || c[0] == ND_REDIRECT) {
        decode_nd_router(d, b, off, len);
        return;
    }
    bool nd = c[0] == ND_NEIGHBOR_SOLICIT || c[0] == ND_NEIGHBOR_ADVERT;
    if ((c[0] == ICMP6_ECHO_REQUEST || c[0] == ICMP6_ECHO_REPLY)) {
        add(d, PL_TRANSPORT, false, off + 4, 2, "matches replies to the pinging program",
            "id %u", be16_get(c + 4));
        add(d, PL_TRANSPORT, false, off + 6, 2, "counts the requests", "seq %u",
            be16_get(c + 6));
        decode_data(d, b, off + 8, len - 8);
        return;
    }
    if (!nd || len < ND_NS_LEN) {
        add(d, PL_TRANSPORT, false, off + 4, 4, "depends on the type", "rest 0x%08x",
            be32_get(c + 4));
        decode_data(d, b, off + 8, len - 8);
        return;
    }
    if (c[0] == ND_NEIGHBOR_ADVERT)
        add(d, PL_TRANSPORT, false, off + 4, 4,
            "R: a router; S: answers a solicitation; O: replace a cached address",
            "flags %s%s%s", (c[4] & 0x80) ? "R " : "", (c[4] & 0x40) ? "S " : "",
            (c[4] & 0x20) ? "O" : "");
    else
        add(d, PL_TRANSPORT, false, off + 4, 4, "unused, zero", "reserved");
    struct ip6_addr t;
    char ts[IPV6_ADDR_STRLEN];
    memcpy(t.b, c + 8, 16);
    add(d, PL_TRANSPORT, false, off + 8, 16,
        c[0] == ND_NEIGHBOR_SOLICIT ? "the address being resolved" : "the address it is about",
        "target %s", ip6_addr_str(&t, ts));
    for (int o = ND_NS_LEN; o + 2 <= len && c[o + 1] != 0 && o + 8 * c[o + 1] <= len;
         o += 8 * c[o + 1]) {
        char mac[MAC_ADDR_STRLEN];
        if ((c[o] == ND_OPT_SLLA || c[o] == ND_OPT_TLLA) && c[o + 1] == 1)
            add(d, PL_TRANSPORT, false, off + o, 8,
                c[o] == ND_OPT_SLLA ? "the sender's MAC: the target learns it"
                                    : "the answer: the target's MAC",
                "option %s link-layer address %s", c[o] == ND_OPT_SLLA ? "source" : "target",
                mac_addr_str(c + o + 2, mac));
        else
            add(d, PL_TRANSPORT, false, off + o, 8 * c[o + 1], "an option this view does not name",
                "option type %u, %d bytes", c[o], 8 * c[o + 1]);
    }
}

/* IPv6 [RFC 8200 3] and its extension headers in order [RFC 8200 4.1]. */
static void
decode_ipv6(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < IPV6_HDR_LEN) {
        add(d, PL_NET, true, off, len, "shorter than an IPv6 header", "IPv6 [truncated]");
        return;
    }
    const uint8_t *p = b + off;
    struct ip6_addr s, t;
    char src[IPV6_ADDR_STRLEN], dst[IPV6_ADDR_STRLEN];
    memcpy(s.b, p + 8, 16);
    memcpy(t.b, p + 24, 16);
    ip6_addr_str(&s, src);
    ip6_addr_str(&t, dst);
    int plen = be16_get(p + 4);
    add(d, PL_NET, true, off, IPV6_HDR_LEN, "Internet Protocol version 6 [RFC 8200 3]",
        "IPv6 %s > %s", src, dst);
    add(d, PL_NET, false, off, 4, "version 6, traffic class, flow label",
        "version %u, class 0x%02x, flow 0x%05x", p[0] >> 4, (p[0] & 15) << 4 | p[1] >> 4,
        (unsigned)(be32_get(p) & 0xfffff));
    add(d, PL_NET, false, off + 4, 2, "bytes after this 40-byte header", "payload length %d",
        plen);
    add(d, PL_NET, false, off + 6, 1, "an extension header or the upper layer",
        "next header %u", p[6]);
    add(d, PL_NET, false, off + 7, 1, "hops left; each router takes one (255: never forwarded)",
        "hop limit %u", p[7]);
    add(d, PL_NET, false, off + 8, 16, "the sending interface", "src %s", src);
    add(d, PL_NET, false, off + 24, 16,
        ip6_addr_is_multicast(&t) ? "a multicast group: only its members take it"
                                  : "the interface it is for",
        "dst %s", dst);
    int end = IPV6_HDR_LEN + plen < len ? IPV6_HDR_LEN + plen : len;
    int o = IPV6_HDR_LEN;
    uint8_t nh = p[6];
    while ((nh == IPV6_NH_HOPOPT || nh == IPV6_NH_DSTOPTS || nh == IPV6_NH_ROUTING ||
            nh == IPV6_NH_FRAGMENT) && o + 8 <= end) {
        int hl = nh == IPV6_NH_FRAGMENT ? 8 : 8 * (p[o + 1] + 1);
        add(d, PL_NET, false, off + o, hl < end - o ? hl : end - o,
            nh == IPV6_NH_HOPOPT ? "read by every router on the way [RFC 8200 4.3]"
            : nh == IPV6_NH_DSTOPTS ? "read by the destination only [RFC 8200 4.6]"
            : nh == IPV6_NH_ROUTING ? "places to visit on the way [RFC 8200 4.4]"
                                    : "one piece of a packet the source cut [RFC 8200 4.5]",
            "%s header, %d bytes, next header %u",
            nh == IPV6_NH_HOPOPT ? "hop-by-hop options" : nh == IPV6_NH_DSTOPTS
                ? "destination options" : nh == IPV6_NH_ROUTING ? "routing" : "fragment",
            hl, p[o]);
        nh = p[o];
        o += hl;
    }
    if (o > end)
        return;
    if (nh == IPV6_NH_ICMPV6)
        decode_icmp6(d, b, off + o, end - o);
    else if (nh == IPV6_NH_TCP)
        decode_tcp(d, b, off + o, end - o);  /* the same header over IPv6 [RFC 8200 8] */
    else if (nh == IPV6_NH_UDP)
        decode_udp(d, b, off + o, end - o);
    else
        decode_data(d, b, off + o, end - o);
}

static void
decode_eth(struct decoder *d, const uint8_t *b, int off, int len)
{
    if (len < ETH_HDR_LEN) {
        add(d, PL_LINK, true, off, len, "shorter than an Ethernet header",
            "Ethernet [truncated]");
        return;
    }
    const uint8_t *e = b + off;
    char dst[MAC_ADDR_STRLEN] = "", src[MAC_ADDR_STRLEN] = "";
    if (d->protos == NULL) {  /* the headings' words need no addresses */
        mac_addr_str(e + ETH_OFF_DST, dst);
        mac_addr_str(e + ETH_OFF_SRC, src);
    }
    uint16_t type = be16_get(e + ETH_OFF_TYPE);
    const char *tn = ethertype_name(type);
    add(d, PL_LINK, true, off, ETH_HDR_LEN, "Ethernet II [IEEE 802.3 3.2]", "Ethernet %s > %s",
        src, dst);
    add(d, PL_LINK, false, off + ETH_OFF_DST, 6,
        mac_is_broadcast(e) ? "broadcast: every host on the link takes it"
                            : "the interface this frame is for",
        "dst %s", dst);
    add(d, PL_LINK, false, off + ETH_OFF_SRC, 6, "the sending interface", "src %s", src);
    add(d, PL_LINK, false, off + ETH_OFF_TYPE, 2, "which protocol is inside",
        "type 0x%04x (%s)", type, tn != NULL ? tn : "?");
    if (type == ETHERTYPE_ARP)
        decode_arp(d, b, off + ETH_HDR_LEN, len - ETH_HDR_LEN);
    else if (type == ETHERTYPE_IPV4)
        decode_ipv4(d, b, off + ETH_HDR_LEN, len - ETH_HDR_LEN);
    else if (type == ETHERTYPE_IPV6)
        decode_ipv6(d, b, off + ETH_HDR_LEN, len - ETH_HDR_LEN);
    else
        decode_data(d, b, off + ETH_HDR_LEN, len - ETH_HDR_LEN);
}

static bool
off_ok(int16_t off, size_t len)
{
    return off != RECORD_OFF_NONE && off >= 0 && (size_t)off < len;
}

/* The headings' first words, and the bit each stands for. */
static const struct {
    const char *word;
    unsigned bit;
} heading_words[] = {
    { "Ethernet", VM_P_ETH }, { "IPv4", VM_P_IPV4 }, { "ARP", VM_P_ARP }, { "ICMP", VM_P_ICMP },
    { "UDP", VM_P_UDP },      { "TCP", VM_P_TCP },   { "Data,", VM_P_DATA },
};

unsigned
view_heading_protos(const char *heading)
{
    size_t n = strcspn(heading, " ");
    for (size_t i = 0; i < sizeof heading_words / sizeof heading_words[0]; i++)
        if (strlen(heading_words[i].word) == n && strncmp(heading, heading_words[i].word, n) == 0)
            return heading_words[i].bit;
    return VM_P_OTHER;
}

unsigned
view_word_protos(const char *word)
{
    size_t n = strlen(word);
    unsigned bits = 0;
    for (size_t i = 0; i < sizeof heading_words / sizeof heading_words[0]; i++)
        if (strlen(heading_words[i].word) == n && strncasecmp(word, heading_words[i].word, n) == 0)
            bits |= heading_words[i].bit;
    if (strcasecmp(word, "ip") == 0)
        bits |= VM_P_IPV4;
    if (strcasecmp(word, "eth") == 0)
        bits |= VM_P_ETH;
    return bits;
}

static int view_decode_into(const struct record_event *ev, struct decoder *d);

unsigned
view_frame_protos(const struct record_event *ev)
{
    unsigned bits = 0;
    struct decoder d = { .lines = NULL, .max = 0, .n = 0, .protos = &bits };
    view_decode_into(ev, &d);
    return bits;
}

int
view_decode(const struct record_event *ev, struct pkt_line *lines, int max)
{
    struct decoder d = { .lines = lines, .max = max, .n = 0 };
    return view_decode_into(ev, &d);
}

static int
view_decode_into(const struct record_event *ev, struct decoder *dp)
{
    struct decoder d = *dp;
    if (ev->bytes == NULL || ev->len == 0)
        return 0;
    int len = ev->len > 65535 ? 65535 : (int)ev->len;
    const uint8_t *b = ev->bytes;
    if (off_ok(ev->l2_off, ev->len)) {
        decode_eth(&d, b, ev->l2_off, len - ev->l2_off);
    } else if (off_ok(ev->l3_off, ev->len)) {
        /* Decide by the bytes, not by the event's layer: an ARP event can
         * carry the IPv4 datagram it holds while it resolves. An ARP packet
         * starts with hardware type 0x0001, never with IP version 4. */
        int o = ev->l3_off;
        if ((b[o] >> 4) == 4)
            decode_ipv4(&d, b, o, len - o);
        else if ((b[o] >> 4) == 6 && ev->layer != LAYER_ARP)
            decode_ipv6(&d, b, o, len - o);
        else if (ev->layer == LAYER_ARP)
            decode_arp(&d, b, o, len - o);
        else
            decode_data(&d, b, o, len - o);
    } else if (off_ok(ev->l4_off, ev->len)) {
        int o = ev->l4_off;
        int proto = ev->layer == LAYER_UDP ? IPPROTO_UDP_ : ev->layer == LAYER_TCP ? IPPROTO_TCP_
                  : ev->layer == LAYER_ICMP ? IPPROTO_ICMP_ : -1;
        if (ev->layer == LAYER_ICMPV6)
            decode_icmp6(&d, b, o, len - o);
        else
            decode_transport(&d, proto, b, o, len - o);
    } else {
        decode_data(&d, b, 0, len);
    }
    return d.n;
}

/* ---- the packet and bytes panes ------------------------------------------- */

static enum pkt_layer
event_pkt_layer(enum trace_layer l)
{
    switch (l) {
    case LAYER_IPV4:
    case LAYER_IPV6:
    case LAYER_ARP:    return PL_NET;
    case LAYER_ICMPV6: return PL_TRANSPORT;
    case LAYER_TCP:
    case LAYER_UDP:
    case LAYER_ICMP:   return PL_TRANSPORT;
    case LAYER_SOCKET:
    case LAYER_APP:    return PL_DATA;
    default:           return PL_LINK;
    }
}

/* The lines the packet pane shows: headings always, a layer's fields unless
 * it is folded. By default only the event's own layer is unfolded; the
 * person's folds (st->collapsed) flip that. vis[] gets indexes into lines;
 * returns how many, and *sel the selected one (index into vis). */
static int
packet_visible(const struct record_event *ev, const struct view_state *st,
               const struct pkt_line *lines, int n, int *vis, int *sel)
{
    enum pkt_layer own = (enum pkt_layer)view_packet_layer_own(ev, lines, n);
    int k = 0, own_head = 0;
    for (int i = 0; i < n; i++) {
        bool open = (lines[i].layer == own) != ((st->collapsed >> lines[i].layer) & 1u);
        if (lines[i].heading && lines[i].layer == own)
            own_head = k;
        if (lines[i].heading || open)
            vis[k++] = i;
    }
    *sel = st->field >= 0 && st->field < k ? st->field : own_head;
    return k;
}

static enum grid_role
pkt_role(enum pkt_layer l)
{
    switch (l) {
    case PL_LINK:      return ROLE_LAYER_L2;
    case PL_NET:       return ROLE_LAYER_L3;
    case PL_TRANSPORT: return ROLE_LAYER_L4;
    default:           return ROLE_LAYER_APP;
    }
}

int
view_packet_lines(const struct view_model *m, const struct view_state *st, int *sel)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int vis[PKT_LINES_MAX];
    *sel = 0;
    if (!vm_event(m, st->cursor, &ev))
        return 0;
    int n = view_decode(&ev, lines, PKT_LINES_MAX);
    return packet_visible(&ev, st, lines, n, vis, sel);
}

int
view_packet_layer_at(const struct view_model *m, const struct view_state *st)
{
    struct record_event ev;
    struct pkt_line lines[PKT_LINES_MAX];
    int vis[PKT_LINES_MAX], sel;
    if (!vm_event(m, st->cursor, &ev))
        return -1;
    int n = view_decode(&ev, lines, PKT_LINES_MAX);
    int k = packet_visible(&ev, st, lines, n, vis, &sel);
    return k > 0 ? (int)lines[vis[sel]].layer : -1;
}

void
view_render_packet(const struct view_model *m, const struct view_state *st,
                   const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    struct record_event ev;
    bool have = vm_event(m, st->cursor, &ev);
    char title[64];
    if (have && view_event_is_packet(&ev))
        snprintf(title, sizeof title, "packet #%llu, %zu bytes", (unsigned long long)ev.pkt_id,
                 ev.len);
    else if (have && ev.bytes != NULL)
        /* bytes that never had a header (a local socket's): not a packet,
         * whatever buffer number the stack gave them */
        snprintf(title, sizeof title, "data, %zu bytes: no packet", ev.len);
    else
        snprintf(title, sizeof title, "packet");
    grid_box(g, r, title, st->focus == PANE_PACKET ? ROLE_FOCUS : ROLE_TITLE, gl);
    int x = r.x + 1, w = r.w - 2, y0 = r.y + 1, ih = r.h - 2;
    if (!have || ih < 1)
        return;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = view_decode(&ev, lines, PKT_LINES_MAX);
    if (n == 0) {
        grid_text(g, x + 1, y0, w - 1, "no packet in this event", ROLE_DIM);
        return;
    }
    int vis[PKT_LINES_MAX], sel;
    int k = packet_visible(&ev, st, lines, n, vis, &sel);
    int top = 0;
    if (sel >= ih)
        top = sel - ih + 1;
    if (k - top < ih && k > ih)
        top = k - ih;
    int tw = w > 60 ? 24 : 22;
    for (int row = 0; row < ih && top + row < k; row++) {
        const struct pkt_line *l = &lines[vis[top + row]];
        int y = y0 + row;
        enum grid_role role = l->heading ? pkt_role(l->layer) : ROLE_NORMAL;
        bool is_sel = top + row == sel;
        if (is_sel) {
            role = ROLE_SELECTED;
            grid_paint(g, x, y, w, role);
        }
        if (l->heading) {
            bool open = (l->layer == (enum pkt_layer)view_packet_layer_own(&ev, lines, n)) !=
                        ((st->collapsed >> l->layer) & 1u);
            grid_put(g, x, y, open ? gl->open : gl->closed, role);
            int used = grid_text(g, x + 2, y, w - 2, l->text, role);
            if (w - 2 - used > 4 && w > 50)
                grid_text(g, x + 4 + used, y, w - 4 - used, l->meaning,
                          is_sel ? role : ROLE_DIM);
        } else {
            /* a field longer than its column ends in a mark, so that it
             * does not read on into the meaning beside it */
            int fw = tw - 2, used = grid_text(g, x + 3, y, fw, l->text, role);
            if (used == fw && (int)strlen(l->text) > fw)
                grid_put(g, x + 3 + fw - 1, y, o->utf8 ? 0x2026 : '~', role);
            if (w > tw + 10)
                grid_text(g, x + 3 + tw, y, w - 3 - tw, l->meaning, is_sel ? role : ROLE_DIM);
        }
    }
}

bool
view_event_is_packet(const struct record_event *ev)
{
    return ev->pkt_id != 0 &&
           (ev->bytes == NULL || ev->l2_off != RECORD_OFF_NONE || ev->l3_off != RECORD_OFF_NONE ||
            ev->l4_off != RECORD_OFF_NONE);
}

int
view_packet_layer_own(const struct record_event *ev, const struct pkt_line *lines, int n)
{
    enum pkt_layer own = event_pkt_layer(ev->layer);
    for (int i = 0; i < n; i++)
        if (lines[i].layer == own)
            return own;
    return n > 0 ? (int)lines[0].layer : (int)own;
}

/* A row of the bytes pane: the offset ("0040") and a blank, then per byte
 * its two hex digits and a blank, then the bytes as characters, one cell
 * each: 6 + 4 cells a byte, and 16, 8 or 4 bytes a row, whichever fits. */
#define BYTES_OFFSET_DIGITS 4
#define BYTES_HEX_X (BYTES_OFFSET_DIGITS + 1)
#define BYTES_HEX_CELL_W 3
#define BYTES_ROW_EXTRA_W (BYTES_HEX_X + 1)
#define BYTES_CELLS_PER_BYTE (BYTES_HEX_CELL_W + 1)

void
view_render_bytes(const struct view_model *m, const struct view_state *st,
                  const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_box(g, r, "bytes", st->focus == PANE_BYTES ? ROLE_FOCUS : ROLE_TITLE, gl);
    struct record_event ev;
    int x = r.x + 1, w = r.w - 2, y0 = r.y + 1, ih = r.h - 2;
    if (!vm_event(m, st->cursor, &ev) || ev.bytes == NULL || ih < 1)
        return;
    int per = (w - BYTES_ROW_EXTRA_W) / BYTES_CELLS_PER_BYTE;
    per = per >= 16 ? 16 : per >= 8 ? 8 : 4;
    struct pkt_line lines[PKT_LINES_MAX];
    int n = view_decode(&ev, lines, PKT_LINES_MAX);
    int vis[PKT_LINES_MAX], sel = 0;
    int k = packet_visible(&ev, st, lines, n, vis, &sel);
    int sel_off = -1, sel_len = 0;
    if (k > 0) {
        sel_off = lines[vis[sel]].off;
        sel_len = lines[vis[sel]].len;
    }
    int len = (int)ev.len;
    int nrows = (len + per - 1) / per;
    int top = 0;
    if (sel_off >= 0 && sel_off / per >= ih)
        top = sel_off / per - ih / 2;
    if (top > nrows - ih)
        top = nrows - ih;
    if (top < 0)
        top = 0;
    for (int row = 0; row < ih && top + row < nrows; row++) {
        int y = y0 + row, base = (top + row) * per;
        char hex[16];
        snprintf(hex, sizeof hex, "%04x", base);
        grid_text(g, x, y, BYTES_OFFSET_DIGITS, hex, ROLE_DIM);
        for (int i = 0; i < per && base + i < len; i++) {
            int b = base + i;
            enum grid_role role = ROLE_NORMAL;
            for (int j = 0; j < n; j++)
                if (lines[j].heading && b >= lines[j].off && b < lines[j].off + lines[j].len)
                    role = pkt_role(lines[j].layer);
            if (b >= sel_off && b < sel_off + sel_len)
                role = ROLE_FIELD;
            static const char digits[] = "0123456789abcdef";
            int hx = x + BYTES_HEX_X + i * BYTES_HEX_CELL_W;
            grid_put(g, hx, y, (uint32_t)digits[ev.bytes[b] >> 4], role);
            grid_put(g, hx + 1, y, (uint32_t)digits[ev.bytes[b] & 15], role);
            uint8_t c = ev.bytes[b];
            grid_put(g, x + BYTES_HEX_X + per * BYTES_HEX_CELL_W + i, y,
                     c >= 0x20 && c < 0x7f ? c : '.', role);
        }
    }
}
