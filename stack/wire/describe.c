/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * describe.c - one line for a whole Ethernet frame, as tcpdump -nn prints it.
 *
 * Decodes Ethernet, then ARP or IPv4, then ICMP, UDP or TCP, using each
 * format's *_parse() so the line never claims more than the checks allow, and
 * never reads past len. Where tcpdump -nn (without -e, with -S for absolute
 * sequence numbers) has words for a frame, these are the same words, so a
 * trace can be held next to a capture read by tcpdump. Where a frame is
 * malformed, the line says what is wrong in brackets, in our own words
 * ("[truncated udp header]", "[bad tcp checksum]"): tcpdump does not verify
 * checksums without -v. A payload recognised as HTTP, WebSocket or DNS
 * (app_guess(): by port and content) gets ": " and its own line at the end,
 * in our words ("HTTP GET /index.html"), where tcpdump would print its own.
 * Called by: the text trace, the event pane, tests.
 */
#include "stack/wire/describe.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "stack/app/app.h"
#include "stack/wire/arp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"
#include "stack/wire/text.h"

/* [RFC 1812 5.2.7.1] the last destination unreachable code with a name:
 * precedence cutoff in effect */
#define ICMP_UNREACH_LAST_NAMED 15

/* ---- ARP ----------------------------------------------------------------- */

/* "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28": the length is
 * everything after the Ethernet header, padding included, as tcpdump counts. */
static void
describe_arp(struct text *t, const uint8_t *b, size_t len)
{
    struct arp_hdr arp;

    text_add(t, "ARP, ");
    switch (arp_parse(b, len, &arp)) {
    case DROP_NONE:
        text_took(t, arp_describe(&arp, text_end(t), text_room(t)));
        break;
    case DROP_ARP_BAD_HW:
        text_add(t, "[not Ethernet: hardware type %u, length %u]", arp.htype, arp.hlen);
        break;
    case DROP_ARP_BAD_PROTO:
        text_add(t, "[not IPv4: protocol type 0x%04x, length %u]", arp.ptype, arp.plen);
        break;
    case DROP_ARP_BAD_OP:
        text_add(t, "Unknown (%u)", arp.op);
        break;
    default:
        text_add(t, "[truncated]");
        break;
    }
    text_add(t, ", length %zu", len);
}

/* ---- ICMP ---------------------------------------------------------------- */

/* The parts of the quoted datagram in an ICMP error [RFC 792] "Internet
 * Header + 64 bits of Original Data Datagram" that tcpdump prints. */
struct icmp_quote {
    bool has_ip;     /* the quoted fixed IPv4 header is all there */
    bool has_dport;  /* and so are the first 4 bytes of its payload */
    uint8_t proto;   /* quoted protocol */
    uint32_t dst;    /* quoted destination address */
    uint16_t dport;  /* quoted destination port (bytes 2-3 of the payload) */
};

static void
icmp_quote_read(const uint8_t *body, size_t len, struct icmp_quote *q)
{
    size_t ihl;

    memset(q, 0, sizeof(*q));
    if (len < IPV4_HDR_MIN)
        return;
    q->has_ip = true;
    q->proto = body[IPV4_OFF_PROTO];
    q->dst = be32_get(body + IPV4_OFF_DST);
    ihl = (size_t)(body[IPV4_OFF_VER_IHL] & 0x0f) * 4;
    if (ihl >= IPV4_HDR_MIN && len >= ihl + 4) {
        q->has_dport = true;
        q->dport = be16_get(body + ihl + 2);
    }
}

/* Whether name begins with word and a space. */
static bool
starts_with_word(const char *name, const char *word)
{
    size_t n = strlen(word);

    return strncmp(name, word, n) == 0 && name[n] == ' ';
}

/* Destination unreachable with the quoted destination, in tcpdump's words:
 * "ICMP 192.0.2.2 udp port 9 unreachable", "ICMP host 192.0.2.2 unreachable",
 * "ICMP 192.0.2.2 unreachable - need to frag (mtu 1400)". Writes nothing and
 * returns false if the quote is too short to name what tcpdump names. */
static bool
describe_unreach(struct text *t, const struct icmp_hdr *ic, const struct icmp_quote *q)
{
    char dst[IPV4_ADDR_STRLEN];
    const char *name = icmp_type_name(ic->type, ic->code);

    if (!q->has_ip || (ic->code == ICMP_UNREACH_PORT && !q->has_dport))
        return false;
    ipv4_addr_str(q->dst, dst);
    switch (ic->code) {
    case ICMP_UNREACH_PROTOCOL:
        text_add(t, "ICMP %s protocol %u unreachable", dst, q->proto);
        break;
    case ICMP_UNREACH_PORT:
        if (q->proto == IPPROTO_TCP_ || q->proto == IPPROTO_UDP_)
            text_add(t, "ICMP %s %s port %u unreachable", dst,
                     q->proto == IPPROTO_TCP_ ? "tcp" : "udp", q->dport);
        else
            text_add(t, "ICMP %s protocol %u port %u unreachable", dst, q->proto,
                     q->dport);
        break;
    case ICMP_UNREACH_NEEDFRAG:
        text_add(t, "ICMP %s %s", dst, name);
        if (ic->mtu != 0)
            text_add(t, " (mtu %u)", ic->mtu);
        break;
    default:
        /* The rest follow one pattern: the address goes after a leading
         * "net" or "host" ("host 192.0.2.2 unreachable - admin prohibited
         * filter"), else first ("192.0.2.2 unreachable - source route
         * failed"). A code with no name is "192.0.2.2 unreachable - #16". */
        if (ic->code > ICMP_UNREACH_LAST_NAMED)
            text_add(t, "ICMP %s unreachable - #%u", dst, ic->code);
        else if (starts_with_word(name, "net"))
            text_add(t, "ICMP net %s %s", dst, name + 4);
        else if (starts_with_word(name, "host"))
            text_add(t, "ICMP host %s %s", dst, name + 5);
        else
            text_add(t, "ICMP %s %s", dst, name);
        break;
    }
    return true;
}

/* "ICMP redirect 192.0.2.2 to host 192.0.2.254": the quoted destination and
 * the gateway in the second word [RFC 792]. Nothing and false without the
 * quote. */
static bool
describe_redirect(struct text *t, const struct icmp_hdr *ic, const struct icmp_quote *q)
{
    char dst[IPV4_ADDR_STRLEN], gw[IPV4_ADDR_STRLEN];

    if (!q->has_ip)
        return false;
    ipv4_addr_str(q->dst, dst);
    ipv4_addr_str(ic->rest, gw);
    if (ic->code > 3)  /* [RFC 792] codes 0-3: net, host, tos+net, tos+host */
        text_add(t, "ICMP redirect-#%u %s to net %s", ic->code, dst, gw);
    else
        text_add(t, "ICMP %s %s to %s %s", ic->code >= 2 ? "redirect-tos" : "redirect",
                 dst, ic->code & 1 ? "host" : "net", gw);
    return true;
}

/* "ICMP echo request, id 1, seq 1, length 64" and the other ICMP words, for
 * the message b[0..len) that icmp_parse() decoded into ic. */
static void
describe_icmp_msg(struct text *t, const struct icmp_hdr *ic, const uint8_t *b, size_t len)
{
    struct icmp_quote q;
    bool done = false;

    icmp_quote_read(b + ICMP_HDR_LEN, len - ICMP_HDR_LEN, &q);
    switch (ic->type) {
    case ICMP_DEST_UNREACH:
        done = describe_unreach(t, ic, &q);
        break;
    case ICMP_REDIRECT:
        done = describe_redirect(t, ic, &q);
        break;
    case ICMP_TIME_EXCEEDED:
        if (ic->code > ICMP_EXC_FRAGTIME) {
            text_add(t, "ICMP time exceeded-#%u", ic->code);
            done = true;
        }
        break;
    case ICMP_TIMESTAMP:
        text_add(t, "ICMP time stamp query id %u seq %u", (unsigned)(ic->rest >> 16),
                 (unsigned)(ic->rest & 0xffff));
        done = true;
        break;
    case ICMP_PARAM_PROBLEM:
        /* [RFC 792] code 0: the pointer (first octet of the second word)
         * says which octet of the quoted header was bad */
        if (ic->code != 0)
            text_add(t, "ICMP parameter problem - code %u", ic->code);
        else
            text_add(t, "ICMP parameter problem - octet %u", (unsigned)(ic->rest >> 24));
        done = true;
        break;
    default:
        break;
    }
    if (done)
        text_add(t, ", length %zu", len);
    else  /* needs no quote, or the quote is too short: the plain words */
        text_took(t, icmp_describe(ic, text_end(t), text_room(t)));
}

/* ---- IPv4 ---------------------------------------------------------------- */

/* What the IPv4 layer found, for the transport describers. */
struct ip_view {
    const struct ipv4_hdr *ip;
    char src[IPV4_ADDR_STRLEN];
    char dst[IPV4_ADDR_STRLEN];
    bool partial;  /* a first fragment: the transport checksum cannot be checked */
};

/* ": HTTP GET /index.html" after the transport's words, when app_guess()
 * recognises the payload b[0..len). */
static void
describe_app(struct text *t, bool tcp, uint16_t sport, uint16_t dport, const uint8_t *b,
             size_t len)
{
    enum app_proto proto = app_guess(tcp, sport, dport, b, len);

    if (proto == APP_PROTO_NONE)
        return;
    text_add(t, ": ");
    text_took(t, app_describe(proto, b, len, text_end(t), text_room(t)));
}

/* The transport's checksum verdict, if it had one to give. */
static const char *
describe_icmp(struct text *t, const struct ip_view *v, const uint8_t *b, size_t len)
{
    struct icmp_hdr ic;
    enum drop_reason r = icmp_parse(b, len, &ic);

    text_add(t, "IP %s > %s: ", v->src, v->dst);
    if (r == DROP_ICMP_TRUNCATED) {
        text_add(t, "[truncated icmp header]");
        return NULL;
    }
    describe_icmp_msg(t, &ic, b, len);
    return r == DROP_ICMP_BAD_CSUM && !v->partial ? "icmp" : NULL;
}

static const char *
describe_udp(struct text *t, const struct ip_view *v, const uint8_t *b, size_t len)
{
    struct udp_hdr udp;
    enum drop_reason r = udp_parse(b, len, v->ip->src, v->ip->dst, &udp);

    if (r == DROP_UDP_TRUNCATED && len < UDP_HDR_LEN) {
        text_add(t, "IP %s > %s: [truncated udp header]", v->src, v->dst);
        return NULL;
    }
    text_add(t, "IP %s.%u > %s.%u: ", v->src, udp.sport, v->dst, udp.dport);
    switch (r) {
    case DROP_UDP_BAD_LEN:
        text_add(t, "[bad udp length %u]", udp.len);
        return NULL;
    case DROP_UDP_TRUNCATED:
        if (!v->partial) {
            /* tcpdump's words: both lengths without the 8-byte header */
            text_add(t, "UDP, bad length %u > %zu", (unsigned)(udp.len - UDP_HDR_LEN),
                     len - UDP_HDR_LEN);
            return NULL;
        }
        break;  /* a first fragment: the rest of the datagram follows */
    default:
        break;
    }
    text_add(t, "UDP, length %u", (unsigned)(udp.len - UDP_HDR_LEN));
    if (!v->partial)
        describe_app(t, false, udp.sport, udp.dport, b + UDP_HDR_LEN,
                     (size_t)udp.len - UDP_HDR_LEN);
    return r == DROP_UDP_BAD_CSUM && !v->partial ? "udp" : NULL;
}

static const char *
describe_tcp(struct text *t, const struct ip_view *v, const uint8_t *b, size_t len)
{
    struct tcp_hdr tcp;
    enum drop_reason r = tcp_parse(b, len, v->ip->src, v->ip->dst, &tcp);

    if (r == DROP_TCP_TRUNCATED) {
        text_add(t, "IP %s > %s: [truncated tcp header]", v->src, v->dst);
        return NULL;
    }
    text_add(t, "IP %s.%u > %s.%u: ", v->src, tcp.sport, v->dst, tcp.dport);
    switch (r) {
    case DROP_TCP_BAD_OFFSET:
        text_add(t, "[bad tcp header length %u]", tcp.data_off);
        return NULL;
    case DROP_TCP_BAD_OPTIONS:
        text_add(t, "[bad tcp options]");
        return NULL;
    default:
        break;
    }
    text_took(t, tcp_describe_wire(&tcp, b, len - tcp.data_off, text_end(t),
                                   text_room(t)));
    if (!v->partial)
        describe_app(t, true, tcp.sport, tcp.dport, b + tcp.data_off, len - tcp.data_off);
    return r == DROP_TCP_BAD_CSUM && !v->partial ? "tcp" : NULL;
}

/* A header ipv4_parse() refused, said in brackets. b[0..len) holds at least
 * the fixed 20 bytes unless the reason is IPV4_TRUNCATED. */
static void
describe_ipv4_bad(struct text *t, const uint8_t *b, size_t len, enum drop_reason r)
{
    char src[IPV4_ADDR_STRLEN], dst[IPV4_ADDR_STRLEN];
    size_t ihl, total_len;

    if (len < IPV4_HDR_MIN) {
        text_add(t, "IP [truncated header, %zu bytes]", len);
        return;
    }
    if (r == DROP_IPV4_BAD_VERSION) {
        text_add(t, "IP [bad version %u]", b[IPV4_OFF_VER_IHL] >> 4);
        return;
    }
    text_add(t, "IP %s > %s: ", ipv4_addr_str(be32_get(b + IPV4_OFF_SRC), src),
             ipv4_addr_str(be32_get(b + IPV4_OFF_DST), dst));
    ihl = (size_t)(b[IPV4_OFF_VER_IHL] & 0x0f) * 4;
    total_len = be16_get(b + IPV4_OFF_TOTAL_LEN);
    switch (r) {
    case DROP_IPV4_BAD_IHL:
        text_add(t, "[bad header length %zu]", ihl);
        break;
    case DROP_IPV4_BAD_OPTIONS:
        text_add(t, "[bad ip options]");
        break;
    default:
        if (ihl > len)
            text_add(t, "[truncated header, %zu of %zu bytes]", len, ihl);
        else if (total_len < ihl)
            text_add(t, "[bad total length %zu]", total_len);
        else
            text_add(t, "[truncated, %zu of %zu bytes]", len, total_len);
        break;
    }
}

static void
describe_ipv4(struct text *t, const uint8_t *b, size_t len)
{
    struct ipv4_hdr ip;
    struct ip_view v;
    enum drop_reason r = ipv4_parse(b, len, &ip);
    const uint8_t *payload;
    size_t payload_len;
    const char *bad_csum = NULL;

    if (r != DROP_NONE && r != DROP_IPV4_BAD_CSUM) {
        describe_ipv4_bad(t, b, len, r);
        return;
    }
    v.ip = &ip;
    ipv4_addr_str(ip.src, v.src);
    ipv4_addr_str(ip.dst, v.dst);
    v.partial = ip.mf;
    /* Link padding past total_len is not the datagram's. */
    payload = b + ip.ihl;
    payload_len = (size_t)ip.total_len - ip.ihl;

    if (ip.frag_off != 0) {
        /* [RFC 791 3.2] a later fragment has no transport header to show */
        text_add(t, "IP %s > %s: ip-proto-%u", v.src, v.dst, ip.proto);
    } else {
        switch (ip.proto) {
        case IPPROTO_ICMP_:
            bad_csum = describe_icmp(t, &v, payload, payload_len);
            break;
        case IPPROTO_UDP_:
            bad_csum = describe_udp(t, &v, payload, payload_len);
            break;
        case IPPROTO_TCP_:
            bad_csum = describe_tcp(t, &v, payload, payload_len);
            break;
        default:
            /* tcpdump 4.99 prints two spaces here; kept so lines compare */
            text_add(t, "IP %s > %s:  ip-proto-%u %zu", v.src, v.dst, ip.proto,
                     payload_len);
            break;
        }
    }
    if (bad_csum != NULL)
        text_add(t, " [bad %s checksum]", bad_csum);
    if (r == DROP_IPV4_BAD_CSUM)
        text_add(t, " [bad ip checksum]");
}

/* ---- Ethernet ------------------------------------------------------------ */

int
frame_describe(const uint8_t *frame, size_t len, char *buf, size_t n)
{
    struct text t = { buf, n, 0 };
    struct eth_hdr eth;

    if (n > 0)
        buf[0] = '\0';
    if (eth_parse(frame, len, &eth) == DROP_ETH_TRUNCATED) {
        text_add(&t, "[truncated ethernet header, %zu bytes]", len);
        return (int)t.len;
    }
    switch (eth.type) {
    case ETHERTYPE_ARP:
        describe_arp(&t, frame + ETH_HDR_LEN, len - ETH_HDR_LEN);
        break;
    case ETHERTYPE_IPV4:
        describe_ipv4(&t, frame + ETH_HDR_LEN, len - ETH_HDR_LEN);
        break;
    case ETHERTYPE_IPV6:
        text_took(&t, ipv6_describe(frame + ETH_HDR_LEN, len - ETH_HDR_LEN, text_end(&t),
                                    text_room(&t)));
        break;
    default:
        /* tcpdump falls back to the link-level words for a type it does not
         * decode; so do we, for everything but IPv4, IPv6 and ARP. */
        text_took(&t, eth_describe(&eth, text_end(&t), text_room(&t)));
        if (eth.type >= 0x0600)
            text_add(&t, ", length %zu", len);
        break;
    }
    return (int)t.len;
}
