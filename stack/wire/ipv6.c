/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire/ipv6.c - the IPv6 header, IPv6 addresses in text and the multicast
 * mappings: formats only, no state.
 */
#include "stack/wire/ipv6.h"

#include <stdio.h>
#include <string.h>

#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

enum drop_reason
ipv6_parse(const uint8_t *b, size_t len, struct ipv6_hdr *out)
{
    if (len < IPV6_HDR_LEN)
        return DROP_IPV6_TRUNCATED;
    if (b[0] >> 4 != 6)
        return DROP_IPV6_BAD_VERSION;
    out->traffic_class = (uint8_t)((b[0] << 4) | (b[1] >> 4));
    out->flow_label = (uint32_t)(b[1] & 0x0f) << 16 | (uint32_t)b[2] << 8 | b[3];
    out->payload_len = be16_get(b + 4);
    out->next_header = b[6];
    out->hop_limit = b[7];
    memcpy(out->src.b, b + 8, 16);
    memcpy(out->dst.b, b + 24, 16);
    /* [RFC 8200 3] A payload length of zero means a jumbo payload
     * [RFC 2675], which needs a hop-by-hop option no Ethernet can carry. */
    if ((size_t)IPV6_HDR_LEN + out->payload_len > len)
        return DROP_IPV6_TRUNCATED;
    return DROP_NONE;
}

void
ipv6_emit(const struct ipv6_hdr *h, uint8_t *b)
{
    b[0] = (uint8_t)(0x60 | h->traffic_class >> 4);
    b[1] = (uint8_t)((h->traffic_class & 0x0f) << 4 | ((h->flow_label >> 16) & 0x0f));
    b[2] = (uint8_t)(h->flow_label >> 8);
    b[3] = (uint8_t)h->flow_label;
    be16_put(b + 4, h->payload_len);
    b[6] = h->next_header;
    b[7] = h->hop_limit;
    memcpy(b + 8, h->src.b, 16);
    memcpy(b + 24, h->dst.b, 16);
}

char *
ip6_addr_str(const struct ip6_addr *a, char *buf)
{
    uint16_t g[8];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8; i++)
        g[i] = be16_get(a->b + 2 * i);
    /* [RFC 5952 4.2.2, 4.2.3] "::" replaces the longest run of two or more
     * zero groups, the first when runs tie. */
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    char *o = buf;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *o++ = ':';
            if (i == 0)
                *o++ = ':';
            i += best_len - 1;
            continue;
        }
        o += sprintf(o, "%x", g[i]);
        if (i < 7)
            *o++ = ':';
    }
    *o = '\0';
    return buf;
}

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool
ip6_addr_parse(const char *s, struct ip6_addr *out)
{
    uint16_t head[8], tail[8];
    int n_head = 0, n_tail = 0;
    bool gap = false;
    const char *p = s;

    if (p[0] == ':') {
        if (p[1] != ':')
            return false;
        gap = true;
        p += 2;
        if (*p == '\0')
            goto done;
    }
    for (;;) {
        unsigned v = 0;
        int digits = 0;
        while (hex_digit(*p) >= 0 && digits < 5) {
            v = v << 4 | (unsigned)hex_digit(*p);
            p++;
            digits++;
        }
        if (digits == 0 || digits > 4)
            return false;
        if (n_head + n_tail >= 8)
            return false;
        if (gap)
            tail[n_tail++] = (uint16_t)v;
        else
            head[n_head++] = (uint16_t)v;
        if (*p == '\0')
            break;
        if (*p != ':')
            return false;
        p++;
        if (*p == ':') {
            if (gap)
                return false;  /* "::" at most once [RFC 4291 2.2] */
            gap = true;
            p++;
            if (*p == '\0')
                break;
        }
    }
done:
    if (gap ? n_head + n_tail > 7 : n_head != 8)
        return false;
    memset(out->b, 0, 16);
    for (int i = 0; i < n_head; i++)
        be16_put(out->b + 2 * i, head[i]);
    for (int i = 0; i < n_tail; i++)
        be16_put(out->b + 2 * (8 - n_tail + i), tail[i]);
    return true;
}

bool
ip6_addr_eq(const struct ip6_addr *a, const struct ip6_addr *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

bool
ip6_addr_is_unspecified(const struct ip6_addr *a)
{
    static const struct ip6_addr zero;
    return ip6_addr_eq(a, &zero);
}

bool
ip6_addr_is_multicast(const struct ip6_addr *a)
{
    return a->b[0] == 0xff;
}

bool
ip6_addr_is_linklocal(const struct ip6_addr *a)
{
    return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

bool
ip6_addr_is_loopback(const struct ip6_addr *a)
{
    static const struct ip6_addr one = { .b = { [15] = 1 } };
    return ip6_addr_eq(a, &one);
}

bool
ip6_prefix_match(const struct ip6_addr *a, const struct ip6_addr *b, unsigned plen)
{
    unsigned bytes = plen / 8, bits = plen % 8;
    if (plen > 128)
        return false;
    if (memcmp(a->b, b->b, bytes) != 0)
        return false;
    if (bits == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - bits));
    return (a->b[bytes] & mask) == (b->b[bytes] & mask);
}

void
ip6_solicited_node(const struct ip6_addr *a, struct ip6_addr *out)
{
    memset(out->b, 0, 16);
    out->b[0] = 0xff;
    out->b[1] = 0x02;
    out->b[11] = 0x01;
    out->b[12] = 0xff;
    memcpy(out->b + 13, a->b + 13, 3);
}

void
ip6_all_nodes(struct ip6_addr *out)
{
    memset(out->b, 0, 16);
    out->b[0] = 0xff;
    out->b[1] = 0x02;
    out->b[15] = 0x01;
}

void
ip6_multicast_mac(const struct ip6_addr *group, uint8_t mac[ETH_ALEN])
{
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, group->b + 12, 4);
}

uint32_t
csum_pseudo_ipv6(const struct ip6_addr *src, const struct ip6_addr *dst, uint32_t len,
                 uint8_t next_header)
{
    uint8_t tail[8];
    be32_put(tail, len);
    tail[4] = tail[5] = tail[6] = 0;
    tail[7] = next_header;
    uint32_t sum = csum_add(0, src->b, 16);
    sum = csum_add(sum, dst->b, 16);
    return csum_add(sum, tail, sizeof tail);
}

/* TCP or UDP right after the IPv6 header, as tcpdump -nn writes it:
 * "IP6 2001:db8::1.49152 > 2001:db8::2.80: Flags [S], ..." or "...: UDP,
 * length 4"; a checksum that fails over the IPv6 pseudo-header is said. */
static int
describe_transport6(const struct ipv6_hdr *h, uint8_t nh, const uint8_t *m, size_t ml, char *buf,
                    size_t n)
{
    char s[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN];
    ip6_addr_str(&h->src, s);
    ip6_addr_str(&h->dst, d);
    if (nh == IPV6_NH_UDP) {
        struct udp_hdr u;
        enum drop_reason r = udp_parse6(m, ml, &h->src, &h->dst, &u);
        if (r == DROP_UDP_TRUNCATED || r == DROP_UDP_BAD_LEN)
            return snprintf(buf, n, "IP6 %s > %s: [truncated udp, length %zu]", s, d, ml);
        return snprintf(buf, n, "IP6 %s.%u > %s.%u: UDP, length %u%s", s, u.sport, d, u.dport,
                        (unsigned)(u.len - UDP_HDR_LEN),
                        r == DROP_UDP_BAD_CSUM ? (u.csum == 0 ? " [zero udp cksum]"
                                                              : " [bad udp cksum]")
                                               : "");
    }
    struct tcp_hdr t;
    enum drop_reason r = tcp_parse6(m, ml, &h->src, &h->dst, &t);
    if (r == DROP_TCP_TRUNCATED)
        return snprintf(buf, n, "IP6 %s > %s: [truncated tcp header]", s, d);
    int w = snprintf(buf, n, "IP6 %s.%u > %s.%u: ", s, t.sport, d, t.dport);
    if (w < 0)
        return w;
    size_t used = (size_t)w < n ? (size_t)w : n;
    if (r == DROP_TCP_BAD_OFFSET || r == DROP_TCP_BAD_OPTIONS)
        return w + snprintf(n > used ? buf + used : NULL, n - used, "%s",
                            r == DROP_TCP_BAD_OFFSET ? "[bad tcp header length]"
                                                     : "[bad tcp options]");
    if (used + 1 >= n)
        return w;  /* no room left: the caller's buffer holds the prefix */
    int k = tcp_describe_wire(&t, m, ml - t.data_off, buf + used, n - used);
    w += k > 0 ? k : 0;
    used = (size_t)w < n ? (size_t)w : n;
    if (r == DROP_TCP_BAD_CSUM)
        w += snprintf(n > used ? buf + used : NULL, n - used, " [bad tcp cksum]");
    return w;
}

int
ipv6_describe(const uint8_t *b, size_t len, char *buf, size_t n)
{
    struct ipv6_hdr h;
    char s[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN], t[IPV6_ADDR_STRLEN];
    enum drop_reason why = ipv6_parse(b, len, &h);
    if (why != DROP_NONE && len < IPV6_HDR_LEN)
        return snprintf(n ? buf : NULL, n, "IP6 [truncated header, %zu bytes]", len);
    if (why == DROP_IPV6_BAD_VERSION)
        return snprintf(n ? buf : NULL, n, "IP6 [bad version %u]", b[0] >> 4);
    if (why != DROP_NONE)
        return snprintf(n ? buf : NULL, n, "IP6 [truncated, %zu of %u bytes]", len,
                        IPV6_HDR_LEN + be16_get(b + 4));
    int w = snprintf(buf, n, "IP6 %s > %s: ", ip6_addr_str(&h.src, s), ip6_addr_str(&h.dst, d));
#define ADD(...)                                                                    \
    do {                                                                            \
        int r_ = snprintf((size_t)w < n ? buf + w : NULL, (size_t)w < n ? n - (size_t)w : 0, \
                          __VA_ARGS__);                                             \
        w += r_ > 0 ? r_ : 0;                                                       \
    } while (0)
    size_t off = IPV6_HDR_LEN, end = IPV6_HDR_LEN + h.payload_len;
    uint8_t nh = h.next_header;
    bool later_fragment = false;
    while ((nh == IPV6_NH_HOPOPT || nh == IPV6_NH_DSTOPTS || nh == IPV6_NH_ROUTING ||
            nh == IPV6_NH_FRAGMENT) && off + 8 <= end) {
        size_t hl = nh == IPV6_NH_FRAGMENT ? 8 : 8u * (b[off + 1] + 1u);
        if (nh == IPV6_NH_HOPOPT)
            ADD("HBH ");
        else if (nh == IPV6_NH_DSTOPTS)
            ADD("DSTOPT ");
        else if (nh == IPV6_NH_ROUTING)
            ADD("srcrt (type %u, segleft %u) ", b[off + 2], b[off + 3]);
        else
            ADD("frag (off %u%s, id 0x%08x) ", be16_get(b + off + 2) & 0xfff8,
                (be16_get(b + off + 2) & 1) ? ", more" : "", be32_get(b + off + 4));
        if (nh == IPV6_NH_FRAGMENT && (be16_get(b + off + 2) & 0xfff8) != 0)
            later_fragment = true;
        nh = b[off];
        off += hl;
    }
    if (off > end) {
        ADD("[extension header truncated]");
        return w;
    }
    const uint8_t *m = b + off;
    size_t ml = end - off;
    if (later_fragment) {
        /* A fragment after the first carries the middle of a payload:
         * there is no header of the next protocol to read in it. */
        ADD("next header %u, %zu bytes of fragment data", nh, ml);
        return w;
    }
    if ((nh == IPV6_NH_TCP || nh == IPV6_NH_UDP) && off == IPV6_HDR_LEN)
        return describe_transport6(&h, nh, m, ml, buf, n);
    if (nh != IPV6_NH_ICMPV6 || ml < 4) {
        ADD("next header %u, length %zu", nh, ml);
        return w;
    }
    struct ip6_addr tgt;
    switch (m[0]) {
    case ICMP6_ECHO_REQUEST:
    case ICMP6_ECHO_REPLY:
        ADD("ICMP6, echo %s, id %u, seq %u, length %zu",
            m[0] == ICMP6_ECHO_REQUEST ? "request" : "reply", ml >= 8 ? be16_get(m + 4) : 0,
            ml >= 8 ? be16_get(m + 6) : 0, ml);
        break;
    case ND_NEIGHBOR_SOLICIT:
    case ND_NEIGHBOR_ADVERT:
        if (ml < ND_NS_LEN) {
            ADD("ICMP6, %s [truncated]", icmp6_type_name(m[0]));
            break;
        }
        memcpy(tgt.b, m + 8, 16);
        if (m[0] == ND_NEIGHBOR_SOLICIT)
            ADD("ICMP6, neighbor solicitation, who has %s, length %zu", ip6_addr_str(&tgt, t),
                ml);
        else
            ADD("ICMP6, neighbor advertisement, tgt is %s, Flags [%s%s%s], length %zu",
                ip6_addr_str(&tgt, t), (m[4] & 0x80) ? "router, " : "",
                (m[4] & 0x40) ? "solicited, " : "", (m[4] & 0x20) ? "override" : "", ml);
        break;
    default: {
        const char *name = icmp6_type_name(m[0]);
        if (name != NULL)
            ADD("ICMP6, %s, code %u, length %zu", name, m[1], ml);
        else
            ADD("ICMP6, type %u, code %u, length %zu", m[0], m[1], ml);
        break;
    }
    }
#undef ADD
    return w;
}

const char *
icmp6_type_name(uint8_t type)
{
    switch (type) {
    case ICMP6_DST_UNREACH: return "destination unreachable";
    case ICMP6_PACKET_TOO_BIG: return "packet too big";
    case ICMP6_TIME_EXCEEDED: return "time exceeded";
    case ICMP6_PARAM_PROB: return "parameter problem";
    case ICMP6_ECHO_REQUEST: return "echo request";
    case ICMP6_ECHO_REPLY: return "echo reply";
    case ND_ROUTER_SOLICIT: return "router solicitation";
    case ND_ROUTER_ADVERT: return "router advertisement";
    case ND_NEIGHBOR_SOLICIT: return "neighbour solicitation";
    case ND_NEIGHBOR_ADVERT: return "neighbour advertisement";
    case ND_REDIRECT: return "redirect";
    case MLD_LISTENER_QUERY: return "multicast listener query";
    case MLD_LISTENER_REPORT: return "multicast listener report";
    case MLD_LISTENER_DONE: return "multicast listener done";
    case MLD2_LISTENER_REPORT: return "multicast listener report v2";
    default: return NULL;
    }
}
