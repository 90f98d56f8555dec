/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * craft6.c - IPv6 frames for scripted peers (see craft6.h). The transport
 * is written by craft.c exactly as for IPv4 (one encoder of TCP options and
 * UDP/TCP headers), then carried over IPv6 with its checksum recomputed over
 * the IPv6 pseudo-header [RFC 8200 8.1].
 */
#include "sim/craft6.h"

#include <stdlib.h>
#include <string.h>

#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"

#define CRAFT6_HDR_LEN 40u  /* the fixed IPv6 header [RFC 8200 3] */

int
craft6_frame(const struct craft6_ip *ip, uint8_t next_header, const uint8_t *l4, size_t l4_len,
             int csum_off, uint8_t *buf, size_t cap, size_t *len, const char **why)
{
    size_t total = ETH_HDR_LEN + CRAFT6_HDR_LEN + l4_len;
    if (l4_len > 65535u) {
        *why = "an IPv6 payload longer than 65535 bytes needs a jumbogram [RFC 2675]";
        return -1;
    }
    if (total > cap) {
        *why = "the frame does not fit the buffer";
        return -1;
    }
    if (csum_off >= 0 && (size_t)csum_off + 2 > l4_len) {
        *why = "the checksum field lies past the packet";
        return -1;
    }
    memcpy(buf, ip->eth_dst, ETH_ALEN);
    memcpy(buf + ETH_ALEN, ip->eth_src, ETH_ALEN);
    be16_put(buf + 12, ETHERTYPE_IPV6);
    struct ipv6_hdr h;
    memset(&h, 0, sizeof h);
    h.traffic_class = ip->traffic_class;
    h.payload_len = (uint16_t)l4_len;
    h.next_header = next_header;
    h.hop_limit = ip->hop_limit ? ip->hop_limit : IPV6_DEFAULT_HLIM;
    h.src = ip->src;
    h.dst = ip->dst;
    ipv6_emit(&h, buf + ETH_HDR_LEN);
    uint8_t *b = buf + ETH_HDR_LEN + CRAFT6_HDR_LEN;
    memcpy(b, l4, l4_len);
    if (csum_off >= 0) {
        b[csum_off] = 0;
        b[csum_off + 1] = 0;
        uint32_t sum = csum_pseudo_ipv6(&ip->src, &ip->dst, (uint32_t)l4_len, next_header);
        be16_put(b + csum_off, csum_finish(csum_add(sum, b, l4_len)));
    }
    *len = total;
    return 0;
}

int
craft6_build(const struct craft *c, const struct craft6_ip *ip, uint8_t *buf, size_t cap,
             size_t *len, const char **why)
{
    struct craft t = *c;
    int csum_off;
    uint8_t nh;
    const struct craft_csum *mode;
    switch (c->trans) {
    case CRAFT_TRANS_TCP:
        csum_off = 16;
        nh = IPV6_NH_TCP;
        mode = &c->tcp.csum;
        t.tcp.csum.mode = CRAFT_CSUM_RIGHT;
        break;
    case CRAFT_TRANS_UDP:
        csum_off = 6;
        nh = IPV6_NH_UDP;
        mode = &c->udp.csum;
        t.udp.csum.mode = CRAFT_CSUM_RIGHT;
        break;
    default:
        *why = "only TCP and UDP are built over IPv6";
        return -1;
    }
    t.no_eth = true;
    t.net = CRAFT_NET_IPV4;
    memset(&t.ip, 0, sizeof t.ip);
    t.ip.src = 0xc0000201u;  /* any addresses: the IPv4 checksum is redone below */
    t.ip.dst = 0xc0000202u;
    uint8_t *tmp = malloc(CRAFT_MAX);
    if (tmp == NULL) {
        *why = "out of memory";
        return -1;
    }
    size_t tlen = 0;
    if (craft_build(&t, tmp, CRAFT_MAX, &tlen, why) < 0) {
        free(tmp);
        return -1;
    }
    size_t ihl = (size_t)(tmp[0] & 0x0f) * 4;
    int rc = craft6_frame(ip, nh, tmp + ihl, tlen - ihl, csum_off, buf, cap, len, why);
    free(tmp);
    if (rc < 0)
        return -1;
    uint8_t *field = buf + ETH_HDR_LEN + CRAFT6_HDR_LEN + csum_off;
    uint16_t right = be16_get(field);
    /* [RFC 8200 8.1] a UDP checksum that comes out 0 is sent as 0xffff. */
    if (nh == IPV6_NH_UDP && right == 0)
        right = 0xffff;
    switch (mode->mode) {
    case CRAFT_CSUM_RIGHT: be16_put(field, right); break;
    case CRAFT_CSUM_BAD: be16_put(field, (uint16_t)(right ^ 1u)); break;
    case CRAFT_CSUM_VALUE: be16_put(field, mode->value); break;
    }
    return 0;
}
