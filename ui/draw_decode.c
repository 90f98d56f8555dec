/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw_decode.c - decode a logged frame's headers for the pictures and JSON.
 *
 * Uses the stack's parsers (stack/wire/) on the bytes the event log kept, so
 * a label on the ladder says what the stack put on the wire. TCP is read
 * without its checksum (tcp_parse_header): a segment the link corrupted is
 * still drawn, as tcpdump would still print it.
 * Called by: draw_model.c, json_out.c. Calls: eth_parse(), arp_parse(),
 * ipv4_parse(), ipv6_parse(), icmp_parse(), tcp_parse_header().
 */
#include "ui/draw_decode.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stack/wire/bytes.h"

/* Bytes of ev from offset off on, or NULL if the log did not keep them. */
static const uint8_t *
frame_at(const struct record_event *ev, int16_t off, size_t *len)
{
    if (ev->bytes == NULL || off == RECORD_OFF_NONE || off < 0 || (size_t)off >= ev->len)
        return NULL;
    *len = ev->len - (size_t)off;
    return ev->bytes + off;
}

/* The transport header at l4 (len bytes from there), for IPv4 protocol or
 * IPv6 next header proto (TCP and UDP have the same numbers in both). */
static void
decode_l4(const uint8_t *l4, size_t len, uint8_t proto, struct draw_frame *out)
{
    switch (proto) {
    case IPPROTO_TCP_:
        if (tcp_parse_header(l4, len, &out->tcp) == DROP_NONE) {
            out->has_tcp = true;
            out->payload_len = len - out->tcp.data_off;
        }
        break;
    case IPPROTO_UDP_:
        /* [RFC 768]: read the four fields as they are, checksum unchecked */
        if (len >= UDP_HDR_LEN) {
            out->udp.sport = be16_get(l4);
            out->udp.dport = be16_get(l4 + 2);
            out->udp.len = be16_get(l4 + 4);
            out->udp.csum = be16_get(l4 + 6);
            out->has_udp = true;
            out->payload_len = len - UDP_HDR_LEN;
        }
        break;
    case IPPROTO_ICMP_:
        if (icmp_parse(l4, len, &out->icmp) == DROP_NONE)
            out->has_icmp = true;
        break;
    case IPV6_NH_ICMPV6:
        /* [RFC 4443 2.1] type, code, checksum; then the message body */
        if (len >= 4) {
            out->has_icmp6 = true;
            out->icmp6_type = l4[0];
            out->icmp6_code = l4[1];
            if ((l4[0] == 128 || l4[0] == 129) && len >= 8)
                out->icmp6_seq = be16_get(l4 + 6);
            if ((l4[0] == 135 || l4[0] == 136) && len >= 24) {
                out->icmp6_has_target = true;
                memcpy(out->icmp6_target.b, l4 + 8, 16);
            }
        }
        break;
    default:
        break;
    }
}

/* After the IPv6 header at l3: the extension headers [RFC 8200 4] up to the
 * transport one, which is decoded unless the packet is a later fragment. */
static void
decode_ip6_payload(const struct record_event *ev, const uint8_t *l3, struct draw_frame *out)
{
    size_t len = out->ip6.payload_len;  /* ipv6_parse() checked it is there */
    size_t at = IPV6_HDR_LEN;
    uint8_t nh = out->ip6.next_header;
    for (int hops = 0; hops < 8; hops++) {
        if (nh == IPV6_NH_HOPOPT || nh == IPV6_NH_ROUTING || nh == IPV6_NH_DSTOPTS) {
            if (at + 2 > IPV6_HDR_LEN + len)
                return;
            size_t ext = ((size_t)l3[at + 1] + 1) * 8;
            nh = l3[at];
            at += ext;
        } else if (nh == IPV6_NH_FRAGMENT) {
            if (at + 8 > IPV6_HDR_LEN + len)
                return;
            out->ip6_fragment = true;
            if ((be16_get(l3 + at + 2) & 0xfff8) != 0)
                return;  /* a later fragment: no transport header in it */
            nh = l3[at];
            at += 8;
        } else {
            break;
        }
    }
    (void)ev;
    if (at > IPV6_HDR_LEN + len)
        return;
    decode_l4(l3 + at, IPV6_HDR_LEN + len - at, nh, out);
}

void
draw_decode(const struct record_event *ev, struct draw_frame *out)
{
    memset(out, 0, sizeof *out);
    size_t len;
    const uint8_t *b = frame_at(ev, ev->l2_off, &len);
    if (b != NULL && eth_parse(b, len, &out->eth) == DROP_NONE)
        out->has_eth = true;

    uint8_t proto = 0;
    size_t l4_room = 0;   /* the IP payload's length, when the IP header says it */
    b = frame_at(ev, ev->l3_off, &len);
    bool v6 = b != NULL && (out->has_eth ? out->eth.type == ETHERTYPE_IPV6
                                         : len >= 1 && b[0] >> 4 == 6);
    if (v6) {
        if (ipv6_parse(b, len, &out->ip6) == DROP_NONE) {
            out->has_ip6 = true;
            decode_ip6_payload(ev, b, out);
        }
        return;
    }
    if (b != NULL) {
        bool arp = out->has_eth ? out->eth.type == ETHERTYPE_ARP : (len >= 1 && b[0] >> 4 != 4);
        if (arp) {
            if (arp_parse(b, len, &out->arp) == DROP_NONE)
                out->has_arp = true;
        } else if (ipv4_parse(b, len, &out->ip) == DROP_NONE) {
            out->has_ip = true;
            proto = out->ip.proto;
            l4_room = out->ip.total_len - out->ip.ihl;
        }
    }
    int16_t l4_off = ev->l4_off;
    if (l4_off == RECORD_OFF_NONE && out->has_ip && ev->l3_off != RECORD_OFF_NONE)
        l4_off = (int16_t)(ev->l3_off + out->ip.ihl);  /* a router forwards without reading it */
    b = frame_at(ev, l4_off, &len);
    if (b == NULL)
        return;
    if (out->has_ip) {
        if (out->ip.frag_off != 0)
            return;  /* a later fragment: no transport header in it [RFC 791 3.2] */
        if (l4_room < len)
            len = l4_room;  /* Ethernet padding is no payload [IEEE 802.3 3.2.8] */
    } else {
        /* A transport-layer event before IP added its header: the layer says
         * which protocol it is. */
        switch (ev->layer) {
        case LAYER_TCP:  proto = IPPROTO_TCP_; break;
        case LAYER_UDP:  proto = IPPROTO_UDP_; break;
        case LAYER_ICMP: proto = IPPROTO_ICMP_; break;
        default:         return;
        }
    }
    decode_l4(b, len, proto, out);
}

void
draw_tcp_flags(uint8_t flags, char *buf, size_t n)
{
    size_t k = 0;
    static const struct {
        uint8_t bit;
        char ch;
    } order[] = { { TCP_SYN, 'S' }, { TCP_FIN, 'F' }, { TCP_PSH, 'P' }, { TCP_RST, 'R' },
                  { TCP_URG, 'U' }, { TCP_ECE, 'E' }, { TCP_CWR, 'W' }, { TCP_ACK, '.' } };
    for (size_t i = 0; i < sizeof order / sizeof order[0] && k + 1 < n; i++)
        if (flags & order[i].bit)
            buf[k++] = order[i].ch;
    if (n > 0)
        buf[k < n ? k : n - 1] = '\0';
}

int
draw_tcp_label(const struct tcp_hdr *tcp, size_t payload_len, bool know_isn, uint32_t isn,
               bool know_peer_isn, uint32_t peer_isn, char *buf, size_t n)
{
    char flags[12];
    draw_tcp_flags(tcp->flags & (uint8_t)~TCP_ACK, flags, sizeof flags);
    if (flags[0] == '\0')
        snprintf(flags, sizeof flags, ".");
    /* SYN and FIN take one sequence number each [RFC 9293 3.4], but tcpdump
     * prints first:last(len) with the payload length only. */
    uint32_t seq = know_isn ? tcp->seq - isn : tcp->seq;
    uint32_t ack = know_peer_isn ? tcp->ack - peer_isn : tcp->ack;
    int w = 0;
    char *p = buf;
    size_t room = n;
#define LABEL_PUT(...)                                                                  \
    do {                                                                                \
        int k_ = snprintf(p, room, __VA_ARGS__);                                        \
        if (k_ > 0) {                                                                   \
            w += k_;                                                                    \
            size_t adv_ = (size_t)k_ < room ? (size_t)k_ : (room > 0 ? room - 1 : 0);   \
            p += adv_;                                                                  \
            room -= adv_;                                                               \
        }                                                                               \
    } while (0)
    LABEL_PUT("%s", flags);
    if (payload_len > 0 || (tcp->flags & (TCP_SYN | TCP_FIN | TCP_RST)))
        LABEL_PUT(" %" PRIu32 ":%" PRIu32 "(%zu)", seq, seq + (uint32_t)payload_len, payload_len);
    if (tcp->flags & TCP_ACK)
        LABEL_PUT(" ack %" PRIu32, ack);
    LABEL_PUT(" win %u", (unsigned)tcp->wnd);
    const struct tcp_opts *o = &tcp->opts;
    if (o->has_mss || o->sack_permitted || o->has_wscale || o->sack_count > 0) {
        const char *sep = "";
        LABEL_PUT(" <");
        if (o->has_mss) {
            LABEL_PUT("%smss %u", sep, (unsigned)o->mss);
            sep = ",";
        }
        if (o->sack_permitted) {
            LABEL_PUT("%ssackOK", sep);
            sep = ",";
        }
        if (o->has_ts && (tcp->flags & TCP_SYN)) {
            LABEL_PUT("%sTS", sep);
            sep = ",";
        }
        if (o->has_wscale) {
            LABEL_PUT("%swscale %u", sep, (unsigned)o->wscale);
            sep = ",";
        }
        for (unsigned i = 0; i < o->sack_count; i++) {
            uint32_t l = know_peer_isn ? o->sack[i].left - peer_isn : o->sack[i].left;
            uint32_t r = know_peer_isn ? o->sack[i].right - peer_isn : o->sack[i].right;
            LABEL_PUT("%s%s%" PRIu32 ":%" PRIu32, sep, i == 0 ? "sack " : "", l, r);
            sep = " ";
        }
        LABEL_PUT(">");
    }
#undef LABEL_PUT
    return w;
}
