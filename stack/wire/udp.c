/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp.c - the UDP header [RFC 768]: parse, emit, describe.
 *
 * Four 16-bit fields: source port, destination port, length (header and data)
 * and a checksum over the pseudo-header, the header and the data. A checksum
 * of zero means the sender computed none; a computed zero is sent as all ones
 * [RFC 768]. Over IPv6 the pseudo-header is IPv6's and the checksum is
 * mandatory: a zero one is refused [RFC 8200 8.1].
 * Called by: udp_input(), udp_output(), frame_describe().
 */
#include "stack/wire/udp.h"

#include <stdio.h>

#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"

#define UDP_OFF_SPORT 0
#define UDP_OFF_DPORT 2
#define UDP_OFF_LEN   4
#define UDP_OFF_CSUM  6

/* The fields and the length checks common to both families. */
static enum drop_reason
udp_parse_fields(const uint8_t *b, size_t len, struct udp_hdr *out)
{
    if (len < UDP_HDR_LEN)
        return DROP_UDP_TRUNCATED;
    out->sport = be16_get(b + UDP_OFF_SPORT);
    out->dport = be16_get(b + UDP_OFF_DPORT);
    out->len = be16_get(b + UDP_OFF_LEN);
    out->csum = be16_get(b + UDP_OFF_CSUM);
    if (out->len < UDP_HDR_LEN)
        return DROP_UDP_BAD_LEN;
    /* [RFC 768] Length "is the length in octets of this user datagram
     * including this header and the data". Bytes past it (link padding) are
     * not the datagram's; a length past what arrived is a lost tail. */
    if (out->len > len)
        return DROP_UDP_TRUNCATED;
    return DROP_NONE;
}

enum drop_reason
udp_parse(const uint8_t *b, size_t len, uint32_t src, uint32_t dst, struct udp_hdr *out)
{
    uint32_t sum;
    enum drop_reason r = udp_parse_fields(b, len, out);
    if (r != DROP_NONE)
        return r;
    /* [RFC 768] "An all zero transmitted checksum value means that the
     * transmitter generated no checksum"; [RFC 1122 4.1.3.4] accept it. */
    if (out->csum == 0)
        return DROP_NONE;
    sum = csum_pseudo_ipv4(src, dst, IPPROTO_UDP_, out->len);
    if (csum_finish(csum_add(sum, b, out->len)) != 0)
        return DROP_UDP_BAD_CSUM;
    return DROP_NONE;
}

void
udp_emit(const struct udp_hdr *udp, uint8_t *b, uint32_t src, uint32_t dst)
{
    uint32_t sum;
    uint16_t csum;

    be16_put(b + UDP_OFF_SPORT, udp->sport);
    be16_put(b + UDP_OFF_DPORT, udp->dport);
    be16_put(b + UDP_OFF_LEN, udp->len);
    be16_put(b + UDP_OFF_CSUM, 0);
    sum = csum_pseudo_ipv4(src, dst, IPPROTO_UDP_, udp->len);
    csum = csum_finish(csum_add(sum, b, udp->len < UDP_HDR_LEN ? UDP_HDR_LEN : udp->len));
    /* [RFC 768] "If the computed checksum is zero, it is transmitted as all
     * ones (the equivalent in one's complement arithmetic)." */
    be16_put(b + UDP_OFF_CSUM, csum == 0 ? 0xffff : csum);
}

enum drop_reason
udp_parse6(const uint8_t *b, size_t len, const struct ip6_addr *src, const struct ip6_addr *dst,
           struct udp_hdr *out)
{
    enum drop_reason r = udp_parse_fields(b, len, out);
    if (r != DROP_NONE)
        return r;
    /* [RFC 8200 8.1] "IPv6 receivers must discard UDP packets containing a
     * zero checksum": IPv6 has no header checksum of its own, so UDP's is
     * the only one over the addresses. */
    if (out->csum == 0)
        return DROP_UDP_BAD_CSUM;
    uint32_t sum = csum_pseudo_ipv6(src, dst, out->len, IPPROTO_UDP_);
    if (csum_finish(csum_add(sum, b, out->len)) != 0)
        return DROP_UDP_BAD_CSUM;
    return DROP_NONE;
}

void
udp_emit6(const struct udp_hdr *udp, uint8_t *b, const struct ip6_addr *src,
          const struct ip6_addr *dst)
{
    be16_put(b + UDP_OFF_SPORT, udp->sport);
    be16_put(b + UDP_OFF_DPORT, udp->dport);
    be16_put(b + UDP_OFF_LEN, udp->len);
    be16_put(b + UDP_OFF_CSUM, 0);
    uint32_t sum = csum_pseudo_ipv6(src, dst, udp->len, IPPROTO_UDP_);
    uint16_t csum = csum_finish(csum_add(sum, b, udp->len < UDP_HDR_LEN ? UDP_HDR_LEN : udp->len));
    /* [RFC 8200 8.1] a computed zero goes as all ones, as over IPv4: zero
     * would say "no checksum", which IPv6 does not allow. */
    be16_put(b + UDP_OFF_CSUM, csum == 0 ? 0xffff : csum);
}

size_t
udp_hdr_len(const struct udp_hdr *udp)
{
    (void)udp;
    return UDP_HDR_LEN;
}

/* "49152 > 7: UDP, length 5": tcpdump counts the payload, not the header. */
int
udp_describe(const struct udp_hdr *udp, char *buf, size_t n)
{
    if (udp->len < UDP_HDR_LEN)
        return snprintf(buf, n, "%u > %u: [bad udp length %u]", udp->sport, udp->dport,
                        udp->len);
    return snprintf(buf, n, "%u > %u: UDP, length %u", udp->sport, udp->dport,
                    (unsigned)(udp->len - UDP_HDR_LEN));
}
