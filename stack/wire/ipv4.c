/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv4.c - the IPv4 header [RFC 791 3.1]: parse, emit, describe.
 *
 * Parsing checks, in order: the 20 fixed bytes are there, version 4, IHL of at
 * least 5 words, the header and the total length fit in what arrived and
 * agree, every option's length, and last the header checksum. Only after all
 * of that is the header trusted; the checksum comes last so that a packet
 * whose only fault is a flipped bit still has every field decoded for the
 * describer. Options are kept as bytes, not interpreted.
 * Called by: ipv4_input(), ipv4_output(), icmp (the quoted header),
 * frame_describe().
 */
#include "stack/wire/ipv4.h"

#include <stdio.h>
#include <string.h>

#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

/* [RFC 791 3.1] option types with no length octet */
#define IPOPT_EOL 0  /* end of option list */
#define IPOPT_NOP 1  /* no operation */

/* [RFC 791 3.1] "The option field is variable in length. There may be zero or
 * more options." Each is one type octet, or type, length (counting itself and
 * the type octet) and data. The list ends at the header's end or at an EOL. */
static bool
ipv4_options_ok(const uint8_t *opt, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t olen;

        if (opt[i] == IPOPT_EOL)
            return true;
        if (opt[i] == IPOPT_NOP) {
            i++;
            continue;
        }
        if (len - i < 2)
            return false;  /* no room for the length octet */
        olen = opt[i + 1];
        if (olen < 2 || olen > len - i)
            return false;
        i += olen;
    }
    return true;
}

enum drop_reason
ipv4_parse(const uint8_t *b, size_t len, struct ipv4_hdr *out)
{
    size_t ihl, total_len;
    uint16_t frag;

    if (len < IPV4_HDR_MIN)
        return DROP_IPV4_TRUNCATED;
    if (b[IPV4_OFF_VER_IHL] >> 4 != 4)
        return DROP_IPV4_BAD_VERSION;
    ihl = (size_t)(b[IPV4_OFF_VER_IHL] & 0x0f) * 4;
    if (ihl < IPV4_HDR_MIN)
        return DROP_IPV4_BAD_IHL;
    if (ihl > len)
        return DROP_IPV4_TRUNCATED;
    total_len = be16_get(b + IPV4_OFF_TOTAL_LEN);
    /* A total length shorter than the header is a header that runs past its
     * own datagram; one longer than what arrived lost its tail. */
    if (total_len < ihl || total_len > len)
        return DROP_IPV4_TRUNCATED;
    if (!ipv4_options_ok(b + IPV4_HDR_MIN, ihl - IPV4_HDR_MIN))
        return DROP_IPV4_BAD_OPTIONS;

    out->ihl = (uint8_t)ihl;
    out->tos = b[IPV4_OFF_TOS];
    out->total_len = (uint16_t)total_len;
    out->id = be16_get(b + IPV4_OFF_ID);
    frag = be16_get(b + IPV4_OFF_FRAG);
    out->df = (frag & IPV4_FLAG_DF) != 0;
    out->mf = (frag & IPV4_FLAG_MF) != 0;
    out->frag_off = (uint16_t)((frag & IPV4_FRAG_MASK) * 8);  /* 8-byte units */
    out->ttl = b[IPV4_OFF_TTL];
    out->proto = b[IPV4_OFF_PROTO];
    out->csum = be16_get(b + IPV4_OFF_CSUM);
    out->src = be32_get(b + IPV4_OFF_SRC);
    out->dst = be32_get(b + IPV4_OFF_DST);
    out->opt_len = (uint8_t)(ihl - IPV4_HDR_MIN);
    memset(out->options, 0, sizeof(out->options));
    memcpy(out->options, b + IPV4_HDR_MIN, out->opt_len);

    /* [RFC 791 3.1] "The checksum field is the 16 bit one's complement of the
     * one's complement sum of all 16 bit words in the header." Summed with
     * the field in place, a good header gives 0 here. */
    if (csum_compute(b, ihl) != 0)
        return DROP_IPV4_BAD_CSUM;
    return DROP_NONE;
}

/* ip->ihl if the caller set it, else 20 + opt_len rounded up to whole 32-bit
 * words (IHL counts words; the rounding pads with EOL), never past 60. */
size_t
ipv4_hdr_len(const struct ipv4_hdr *ip)
{
    size_t opt_len = ip->opt_len > IPV4_OPT_MAX ? IPV4_OPT_MAX : ip->opt_len;
    size_t len = ip->ihl != 0 ? ip->ihl : IPV4_HDR_MIN + ((opt_len + 3) & ~(size_t)3);

    if (len < IPV4_HDR_MIN)
        return IPV4_HDR_MIN;
    if (len > IPV4_HDR_MAX)
        return IPV4_HDR_MAX;
    return len & ~(size_t)3;
}

void
ipv4_emit(const struct ipv4_hdr *ip, uint8_t *b)
{
    size_t ihl = ipv4_hdr_len(ip);
    size_t room = ihl - IPV4_HDR_MIN;
    size_t opt_len = ip->opt_len < room ? ip->opt_len : room;
    uint16_t frag = (uint16_t)((ip->frag_off / 8) & IPV4_FRAG_MASK);

    if (ip->df)
        frag |= IPV4_FLAG_DF;
    if (ip->mf)
        frag |= IPV4_FLAG_MF;
    b[IPV4_OFF_VER_IHL] = (uint8_t)(4 << 4 | ihl / 4);
    b[IPV4_OFF_TOS] = ip->tos;
    be16_put(b + IPV4_OFF_TOTAL_LEN, ip->total_len);
    be16_put(b + IPV4_OFF_ID, ip->id);
    be16_put(b + IPV4_OFF_FRAG, frag);
    b[IPV4_OFF_TTL] = ip->ttl;
    b[IPV4_OFF_PROTO] = ip->proto;
    be16_put(b + IPV4_OFF_CSUM, 0);  /* [RFC 791 3.1] zero while summing */
    be32_put(b + IPV4_OFF_SRC, ip->src);
    be32_put(b + IPV4_OFF_DST, ip->dst);
    memcpy(b + IPV4_HDR_MIN, ip->options, opt_len);
    memset(b + IPV4_HDR_MIN + opt_len, IPOPT_EOL, room - opt_len);
    if (ihl == IPV4_HDR_MIN) {
        /* [RFC 791 3.1] [RFC 1071 2] The header without options, summed from
         * the values just written (checksum word zero) rather than read back:
         * wide loads of bytes just stored one or two at a time wait for the
         * stores to land, on every datagram. The sum of the ten words as
         * numbers (at most ten times 0xffff) is the same one's complement
         * sum csum_compute() of the bytes gives. */
        uint32_t words = ((uint32_t)(4u << 4 | ihl / 4) << 8 | ip->tos) + ip->total_len + ip->id +
                         frag + ((uint32_t)ip->ttl << 8 | ip->proto) + (ip->src >> 16) +
                         (ip->src & 0xffffu) + (ip->dst >> 16) + (ip->dst & 0xffffu);
        be16_put(b + IPV4_OFF_CSUM, csum_finish(words));
        return;
    }
    be16_put(b + IPV4_OFF_CSUM, csum_compute(b, ihl));
}

const char *
ipproto_name(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_ICMP_:
        return "ICMP";
    case IPPROTO_TCP_:
        return "TCP";
    case IPPROTO_UDP_:
        return "UDP";
    default:
        return NULL;
    }
}

/* "192.0.2.1 > 192.0.2.2: proto UDP (17), ttl 64, id 1, length 33", with
 * tcpdump -v's words for what applies: "tos 0x10", "offset 1480",
 * "flags [DF]" / "[+]" (more fragments), "optlen 4". */
int
ipv4_describe(const struct ipv4_hdr *ip, char *buf, size_t n)
{
    char src[IPV4_ADDR_STRLEN], dst[IPV4_ADDR_STRLEN];
    char tos[16] = "", off[24] = "", flags[16] = "", opts[16] = "";
    const char *name = ipproto_name(ip->proto);

    if (ip->tos != 0)
        snprintf(tos, sizeof(tos), ", tos 0x%x", ip->tos);
    if (ip->frag_off != 0 || ip->mf)
        snprintf(off, sizeof(off), ", offset %u", ip->frag_off);
    if (ip->df || ip->mf)
        snprintf(flags, sizeof(flags), ", flags [%s%s]", ip->df ? "DF" : "",
                 ip->mf ? "+" : "");
    if (ip->opt_len != 0)
        snprintf(opts, sizeof(opts), ", optlen %u", ip->opt_len);
    return snprintf(buf, n, "%s > %s: proto %s (%u)%s, ttl %u, id %u%s%s%s, length %u",
                    ipv4_addr_str(ip->src, src), ipv4_addr_str(ip->dst, dst),
                    name != NULL ? name : "unknown", ip->proto, tos, ip->ttl, ip->id,
                    off, flags, opts, ip->total_len);
}
