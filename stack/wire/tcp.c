/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp.c - the TCP header and its options [RFC 9293 3.1, 3.2]: parse, emit,
 * describe.
 *
 * Options handled: MSS [RFC 9293 3.2], window scale and timestamps
 * [RFC 7323 2.2, 3.2], SACK-permitted and SACK [RFC 2018 2, 3]; any other kind
 * with a sane length is skipped [RFC 9293 3.2 MUST-6]. Emitted options are laid
 * out the way Linux lays them out (tcp_options_write()), so a capture of this
 * stack reads like a capture of Linux: MSS; SACK-permitted folded into the
 * timestamp word, or NOP NOP before either alone; NOP and window scale; NOP
 * NOP and SACK blocks. Which options go on which segment (MSS, window scale
 * and SACK-permitted only on a SYN) is the caller's choice.
 * Called by: tcp_input(), tcp_output(), frame_describe().
 */
#include "stack/wire/tcp.h"

#include <stdio.h>
#include <string.h>

#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/text.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"

#define TCP_OFF_SPORT    0
#define TCP_OFF_DPORT    2
#define TCP_OFF_SEQ      4
#define TCP_OFF_ACK      8
#define TCP_OFF_DATA_OFF 12  /* high nibble: header length in 32-bit words */
#define TCP_OFF_FLAGS    13
#define TCP_OFF_WND      14
#define TCP_OFF_CSUM     16
#define TCP_OFF_URP      18

/* Option lengths, counting the kind and length octets themselves */
#define TCPOLEN_MSS        4   /* [RFC 9293 3.2] */
#define TCPOLEN_WSCALE     3   /* [RFC 7323 2.2] */
#define TCPOLEN_SACK_PERM  2   /* [RFC 2018 2] */
#define TCPOLEN_TS         10  /* [RFC 7323 3.2] */
#define TCPOLEN_SACK_BASE  2   /* [RFC 2018 3] plus 8 per block */
#define TCPOLEN_SACK_BLOCK 8

/* ---- options ------------------------------------------------------------- */

/* Walks the option bytes opt[0..len) into o. [RFC 9293 3.2] "an option may
 * begin on any octet boundary"; EOL ends the list; NOP is one octet; every
 * other kind has a length octet that counts the kind and itself. */
static enum drop_reason
tcp_opts_parse(const uint8_t *opt, size_t len, struct tcp_opts *o)
{
    size_t i = 0;

    while (i < len) {
        uint8_t kind = opt[i];
        size_t olen;

        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (len - i < 2)
            return DROP_TCP_BAD_OPTIONS;  /* no room for the length octet */
        olen = opt[i + 1];
        /* [RFC 9293 3.2 MUST-7] be prepared for an illegal length (zero) */
        if (olen < 2 || olen > len - i)
            return DROP_TCP_BAD_OPTIONS;
        switch (kind) {
        case TCPOPT_MSS:
            if (olen != TCPOLEN_MSS)
                return DROP_TCP_BAD_OPTIONS;
            o->has_mss = true;
            o->mss = be16_get(opt + i + 2);
            break;
        case TCPOPT_WSCALE:
            if (olen != TCPOLEN_WSCALE)
                return DROP_TCP_BAD_OPTIONS;
            o->has_wscale = true;
            o->wscale = opt[i + 2];
            break;
        case TCPOPT_SACK_PERM:
            if (olen != TCPOLEN_SACK_PERM)
                return DROP_TCP_BAD_OPTIONS;
            o->sack_permitted = true;
            break;
        case TCPOPT_TS:
            if (olen != TCPOLEN_TS)
                return DROP_TCP_BAD_OPTIONS;
            o->has_ts = true;
            o->ts_val = be32_get(opt + i + 2);
            o->ts_ecr = be32_get(opt + i + 6);
            break;
        case TCPOPT_SACK: {
            /* [RFC 2018 3] Length = 2 + 8n; at most 4 blocks fit in 40. */
            size_t blocks = (olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_BLOCK;
            size_t b;

            if ((olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_BLOCK != 0 || blocks == 0 ||
                blocks > TCP_SACK_MAX)
                return DROP_TCP_BAD_OPTIONS;
            o->sack_count = (uint8_t)blocks;
            for (b = 0; b < blocks; b++) {
                const uint8_t *p = opt + i + TCPOLEN_SACK_BASE + b * TCPOLEN_SACK_BLOCK;

                o->sack[b].left = be32_get(p);
                o->sack[b].right = be32_get(p + 4);
            }
            break;
        }
        default:
            break;  /* [RFC 9293 3.2 MUST-6] ignore a kind we do not know */
        }
        i += olen;
    }
    return DROP_NONE;
}

/* Lays out o into opt[] the way Linux does and returns the length, always a
 * multiple of 4. SACK blocks that do not fit in what is left of the 40 bytes
 * are left out from the end, so the first block, the most recent one
 * [RFC 2018 4], always goes: with timestamps 3 fit [RFC 2018 3]. */
static size_t
tcp_opts_layout(const struct tcp_opts *o, uint8_t opt[TCP_OPT_MAX])
{
    size_t n = 0;
    size_t blocks, room, b;

    if (o->has_mss) {
        opt[n++] = TCPOPT_MSS;
        opt[n++] = TCPOLEN_MSS;
        be16_put(opt + n, o->mss);
        n += 2;
    }
    if (o->has_ts) {
        if (o->sack_permitted) {
            opt[n++] = TCPOPT_SACK_PERM;  /* fills the two octets a NOP pair would */
            opt[n++] = TCPOLEN_SACK_PERM;
        } else {
            opt[n++] = TCPOPT_NOP;
            opt[n++] = TCPOPT_NOP;
        }
        opt[n++] = TCPOPT_TS;
        opt[n++] = TCPOLEN_TS;
        be32_put(opt + n, o->ts_val);
        be32_put(opt + n + 4, o->ts_ecr);
        n += 8;
    } else if (o->sack_permitted) {
        opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_SACK_PERM;
        opt[n++] = TCPOLEN_SACK_PERM;
    }
    if (o->has_wscale) {
        opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_WSCALE;
        opt[n++] = TCPOLEN_WSCALE;
        opt[n++] = o->wscale;
    }
    blocks = o->sack_count < TCP_SACK_MAX ? o->sack_count : TCP_SACK_MAX;
    room = (TCP_OPT_MAX - n - 2 - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_BLOCK;
    if (blocks > room)
        blocks = room;
    if (blocks > 0) {
        opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_SACK;
        opt[n++] = (uint8_t)(TCPOLEN_SACK_BASE + blocks * TCPOLEN_SACK_BLOCK);
        for (b = 0; b < blocks; b++) {
            be32_put(opt + n, o->sack[b].left);
            be32_put(opt + n + 4, o->sack[b].right);
            n += TCPOLEN_SACK_BLOCK;
        }
    }
    return n;
}

/* Lays out o as BSD's tcp_addoptions() does: each option in the order of
 * its kind (MSS, window scale, SACK-permitted, timestamps, SACK), NOPs
 * before an option only to align it (wscale at 1 mod 2, SACK-permitted at
 * an even offset, TS and SACK at 2 mod 4 so their 32-bit fields line up
 * [RFC 7323 Appendix A]), then one EOL and zero padding to the 32-bit
 * boundary [RFC 9293 3.1]. */
static size_t
tcp_opts_layout_bsd(const struct tcp_opts *o, uint8_t opt[TCP_OPT_MAX])
{
    size_t n = 0;
    size_t blocks, room, b;

    if (o->has_mss) {
        opt[n++] = TCPOPT_MSS;
        opt[n++] = TCPOLEN_MSS;
        be16_put(opt + n, o->mss);
        n += 2;
    }
    if (o->has_wscale) {
        while (n == 0 || n % 2 != 1)
            opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_WSCALE;
        opt[n++] = TCPOLEN_WSCALE;
        opt[n++] = o->wscale;
    }
    if (o->sack_permitted) {
        while (n % 2 != 0)
            opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_SACK_PERM;
        opt[n++] = TCPOLEN_SACK_PERM;
    }
    if (o->has_ts) {
        while (n == 0 || n % 4 != 2)
            opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_TS;
        opt[n++] = TCPOLEN_TS;
        be32_put(opt + n, o->ts_val);
        be32_put(opt + n + 4, o->ts_ecr);
        n += 8;
    }
    blocks = o->sack_count < TCP_SACK_MAX ? o->sack_count : TCP_SACK_MAX;
    if (blocks > 0) {
        size_t pad = 0;
        while ((n + pad) == 0 || (n + pad) % 4 != 2)
            pad++;
        room = TCP_OPT_MAX > n + pad + TCPOLEN_SACK_BASE
                   ? (TCP_OPT_MAX - n - pad - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_BLOCK
                   : 0;
        if (blocks > room)
            blocks = room;
    }
    if (blocks > 0) {
        while (n == 0 || n % 4 != 2)
            opt[n++] = TCPOPT_NOP;
        opt[n++] = TCPOPT_SACK;
        opt[n++] = (uint8_t)(TCPOLEN_SACK_BASE + blocks * TCPOLEN_SACK_BLOCK);
        for (b = 0; b < blocks; b++) {
            be32_put(opt + n, o->sack[b].left);
            be32_put(opt + n + 4, o->sack[b].right);
            n += TCPOLEN_SACK_BLOCK;
        }
    }
    if (n % 4 != 0)
        opt[n++] = TCPOPT_EOL;
    while (n % 4 != 0)
        opt[n++] = 0; /* padding, zero [RFC 9293 3.1] */
    return n;
}

/* The layout o asks for. */
size_t
tcp_opts_write(const struct tcp_opts *o, uint8_t opt[TCP_OPT_MAX])
{
    return o->bsd_layout ? tcp_opts_layout_bsd(o, opt) : tcp_opts_layout(o, opt);
}

size_t
tcp_opts_len(const struct tcp_opts *o)
{
    uint8_t scratch[TCP_OPT_MAX];

    return tcp_opts_write(o, scratch);
}

/* ---- header -------------------------------------------------------------- */

enum drop_reason
tcp_parse(const uint8_t *b, size_t len, uint32_t src, uint32_t dst, struct tcp_hdr *out)
{
    enum drop_reason r = tcp_parse_header(b, len, out);
    if (r != DROP_NONE)
        return r;
    /* [RFC 9293 3.1] the checksum covers the pseudo-header, the header and
     * the data; with the field in place a good segment sums to zero. Checked
     * last so a corrupted segment is still fully decoded for the describer.
     * len is an IP payload, so it fits the pseudo-header's 16 bits. */
    uint32_t sum = csum_pseudo_ipv4(src, dst, IPPROTO_TCP_, (uint16_t)len);
    if (csum_finish(csum_add(sum, b, len)) != 0)
        return DROP_TCP_BAD_CSUM;
    return DROP_NONE;
}

enum drop_reason
tcp_parse6(const uint8_t *b, size_t len, const struct ip6_addr *src, const struct ip6_addr *dst,
           struct tcp_hdr *out)
{
    enum drop_reason r = tcp_parse_header(b, len, out);
    if (r != DROP_NONE)
        return r;
    uint32_t sum = csum_pseudo_ipv6(src, dst, (uint32_t)len, IPPROTO_TCP_);
    if (csum_finish(csum_add(sum, b, len)) != 0)
        return DROP_TCP_BAD_CSUM;
    return DROP_NONE;
}

enum drop_reason
tcp_parse_header(const uint8_t *b, size_t len, struct tcp_hdr *out)
{
    if (len < TCP_HDR_MIN)
        return DROP_TCP_TRUNCATED;
    out->sport = be16_get(b + TCP_OFF_SPORT);
    out->dport = be16_get(b + TCP_OFF_DPORT);
    out->seq = be32_get(b + TCP_OFF_SEQ);
    out->ack = be32_get(b + TCP_OFF_ACK);
    out->data_off = (uint8_t)((b[TCP_OFF_DATA_OFF] >> 4) * 4);
    out->flags = b[TCP_OFF_FLAGS];
    out->wnd = be16_get(b + TCP_OFF_WND);
    out->csum = be16_get(b + TCP_OFF_CSUM);
    out->urp = be16_get(b + TCP_OFF_URP);
    memset(&out->opts, 0, sizeof(out->opts));
    /* [RFC 9293 3.1] Data Offset: "The number of 32-bit words in the TCP
     * header"; at least the 5 fixed words, and not past the segment. */
    if (out->data_off < TCP_HDR_MIN || out->data_off > len)
        return DROP_TCP_BAD_OFFSET;
    return tcp_opts_parse(b + TCP_HDR_MIN, out->data_off - TCP_HDR_MIN, &out->opts);
}

size_t
tcp_hdr_len(const struct tcp_hdr *tcp)
{
    return TCP_HDR_MIN + tcp_opts_len(&tcp->opts);
}

/* The fixed 20 bytes of the header at b, for a header of hdr_len bytes
 * (its options already in place after them, or to be). */
static void
tcp_emit_fixed(const struct tcp_hdr *tcp, uint8_t *b, size_t hdr_len)
{
    be16_put(b + TCP_OFF_SPORT, tcp->sport);
    be16_put(b + TCP_OFF_DPORT, tcp->dport);
    be32_put(b + TCP_OFF_SEQ, tcp->seq);
    be32_put(b + TCP_OFF_ACK, tcp->ack);
    b[TCP_OFF_DATA_OFF] = (uint8_t)(hdr_len / 4 << 4);  /* reserved bits zero */
    b[TCP_OFF_FLAGS] = tcp->flags;
    be16_put(b + TCP_OFF_WND, tcp->wnd);
    be16_put(b + TCP_OFF_CSUM, 0);
    be16_put(b + TCP_OFF_URP, tcp->urp);
}

/* The header with options laid out already (opt_len bytes at opt). */
static size_t
tcp_emit_header_laid(const struct tcp_hdr *tcp, const uint8_t *opt, size_t opt_len, uint8_t *b)
{
    size_t hdr_len = TCP_HDR_MIN + opt_len;
    memcpy(b + TCP_HDR_MIN, opt, opt_len);
    tcp_emit_fixed(tcp, b, hdr_len);
    return hdr_len;
}

/* The sum of the fixed header's ten 16-bit words, taken from the values
 * tcp_emit_fixed() writes (the checksum word zero) and not read back from
 * the bytes: those were just stored one or two at a time, and wide loads
 * of them wait until the stores land. [RFC 1071 2] the sum of the words
 * as numbers is the one's complement sum of the header, the same as
 * csum_add() of its bytes gives. At most ten times 0xffff: no overflow. */
static uint32_t
tcp_fixed_sum(const struct tcp_hdr *tcp, size_t hdr_len)
{
    return (uint32_t)tcp->sport + tcp->dport + (tcp->seq >> 16) + (tcp->seq & 0xffffu) +
           (tcp->ack >> 16) + (tcp->ack & 0xffffu) +
           ((uint32_t)(hdr_len / 4 << 4) << 8 | tcp->flags) + tcp->wnd + tcp->urp;
}

/* The segment with its options laid out already (opt_len bytes at opt),
 * the payload in place after them and its sum given, `pseudo` the sum of
 * the pseudo-header: header, options, then the checksum of the three. The
 * header's part of the sum is its fixed words (tcp_fixed_sum()) and the
 * options from the caller's copy, neither read back from b. */
static void
tcp_emit_laid(const struct tcp_hdr *tcp, const uint8_t *opt, size_t opt_len, uint8_t *b,
              uint32_t pseudo, uint32_t payload_sum)
{
    size_t hdr_len = tcp_emit_header_laid(tcp, opt, opt_len, b);
    uint32_t sum = csum_add_at(pseudo, tcp_fixed_sum(tcp, hdr_len), 0);
    sum = csum_add(sum, opt, opt_len);
    sum = csum_add_at(sum, payload_sum, hdr_len);
    be16_put(b + TCP_OFF_CSUM, csum_finish(sum));
}

void
tcp_emit_sum_laid(const struct tcp_hdr *tcp, const uint8_t *opt, size_t opt_len, uint8_t *b,
                  size_t payload_len, uint32_t src, uint32_t dst, uint32_t payload_sum)
{
    /* [RFC 9293 3.1] pseudo-header, header, data; the header is whole 32-bit
     * words, so the payload's sum lines up with the words as it is. */
    size_t seg_len = TCP_HDR_MIN + opt_len + payload_len;
    tcp_emit_laid(tcp, opt, opt_len, b, csum_pseudo_ipv4(src, dst, IPPROTO_TCP_, (uint16_t)seg_len),
                  payload_sum);
}

void
tcp_emit_sum6_laid(const struct tcp_hdr *tcp, const uint8_t *opt, size_t opt_len, uint8_t *b,
                   size_t payload_len, const struct ip6_addr *src, const struct ip6_addr *dst,
                   uint32_t payload_sum)
{
    /* [RFC 8200 8.1] over IPv6 the pseudo-header holds both 128-bit
     * addresses, a 32-bit upper-layer length and the next header. */
    size_t seg_len = TCP_HDR_MIN + opt_len + payload_len;
    tcp_emit_laid(tcp, opt, opt_len, b, csum_pseudo_ipv6(src, dst, (uint32_t)seg_len, IPPROTO_TCP_),
                  payload_sum);
}

/* The struct's options laid out here, then as the sender does it. */
void
tcp_emit_sum(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len, uint32_t src,
             uint32_t dst, uint32_t payload_sum)
{
    uint8_t opt[TCP_OPT_MAX];
    size_t opt_len = tcp_opts_write(&tcp->opts, opt);
    tcp_emit_sum_laid(tcp, opt, opt_len, b, payload_len, src, dst, payload_sum);
}

void
tcp_emit_sum6(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len,
              const struct ip6_addr *src, const struct ip6_addr *dst, uint32_t payload_sum)
{
    uint8_t opt[TCP_OPT_MAX];
    size_t opt_len = tcp_opts_write(&tcp->opts, opt);
    tcp_emit_sum6_laid(tcp, opt, opt_len, b, payload_len, src, dst, payload_sum);
}

void
tcp_emit6(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len, const struct ip6_addr *src,
          const struct ip6_addr *dst)
{
    size_t hdr_len = TCP_HDR_MIN + tcp_opts_len(&tcp->opts);
    tcp_emit_sum6(tcp, b, payload_len, src, dst, csum_add(0, b + hdr_len, payload_len));
}

void
tcp_emit(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len, uint32_t src,
         uint32_t dst)
{
    size_t hdr_len = TCP_HDR_MIN + tcp_opts_len(&tcp->opts);
    tcp_emit_sum(tcp, b, payload_len, src, dst, csum_add(0, b + hdr_len, payload_len));
}

/* ---- describe ------------------------------------------------------------ */

char *
tcp_flags_str(uint8_t flags, char *buf, size_t n)
{
    /* tcpdump's letters, in its order: FIN SYN RST PSH ACK URG ECE CWR */
    static const char letters[] = "FSRP.UEW";
    size_t i, k = 0;

    if (n == 0)
        return buf;
    if (flags == 0) {
        snprintf(buf, n, "none");
        return buf;
    }
    for (i = 0; i < 8 && k + 1 < n; i++) {
        if (flags & (1u << i))
            buf[k++] = letters[i];
    }
    buf[k] = '\0';
    return buf;
}

/* The option bytes as tcpdump prints them: comma-separated, "nop", "eol"
 * (which ends the list), "mss 1460", "wscale 7", "sackOK", "TS val 1 ecr 2",
 * "sack 2 {1:2}{3:4}", "unknown-99 0x0102". A length that disagrees with the
 * kind gets "[len N]"; one that runs out gets "[bad opt]" and ends the list. */
static void
tcp_opts_text(struct text *t, const uint8_t *opt, size_t len)
{
    size_t i = 0;

    text_add(t, ", options [");
    while (i < len) {
        uint8_t kind = opt[i];
        const uint8_t *d;
        size_t olen, dlen, want, k;

        if (i > 0)
            text_add(t, ",");
        if (kind == TCPOPT_EOL) {
            text_add(t, "eol");
            break;
        }
        if (kind == TCPOPT_NOP) {
            text_add(t, "nop");
            i++;
            continue;
        }
        olen = len - i >= 2 ? opt[i + 1] : 0;
        if (olen < 2 || olen > len - i) {
            text_add(t, "[bad opt]");
            break;
        }
        d = opt + i + 2;
        dlen = olen - 2;
        want = dlen;
        switch (kind) {
        case TCPOPT_MSS:
            want = TCPOLEN_MSS - 2;
            text_add(t, "mss");
            if (dlen >= want)
                text_add(t, " %u", be16_get(d));
            break;
        case TCPOPT_WSCALE:
            want = TCPOLEN_WSCALE - 2;
            text_add(t, "wscale");
            if (dlen >= want)
                text_add(t, " %u", d[0]);
            break;
        case TCPOPT_SACK_PERM:
            want = 0;
            text_add(t, "sackOK");
            break;
        case TCPOPT_TS:
            want = TCPOLEN_TS - 2;
            text_add(t, "TS");
            if (dlen >= want)
                text_add(t, " val %u ecr %u", be32_get(d), be32_get(d + 4));
            break;
        case TCPOPT_SACK:
            text_add(t, "sack");
            if (dlen % TCPOLEN_SACK_BLOCK != 0) {
                text_add(t, " invalid sack");
                break;
            }
            text_add(t, " %zu ", dlen / TCPOLEN_SACK_BLOCK);
            for (k = 0; k < dlen; k += TCPOLEN_SACK_BLOCK)
                text_add(t, "{%u:%u}", be32_get(d + k), be32_get(d + k + 4));
            break;
        default:
            text_add(t, "unknown-%u", kind);
            if (dlen > 0)
                text_add(t, " 0x");
            for (k = 0; k < dlen; k++)
                text_add(t, "%02x", d[k]);
            break;
        }
        if (dlen < want) {
            text_add(t, "[bad opt]");
            break;
        }
        if (dlen != want)
            text_add(t, "[len %zu]", olen);
        i += olen;
    }
    text_add(t, "]");
}

/* Everything after "a.port > b.port: ", in tcpdump's order: flags; seq (a
 * range when there is data, and only when there is data or SYN, FIN or RST);
 * ack when ACK is set; win; urg when URG is set; options; payload length. */
static void
tcp_body_text(struct text *t, const struct tcp_hdr *tcp, const uint8_t *opt,
              size_t opt_len, size_t payload_len)
{
    char flags[12];

    text_add(t, "Flags [%s]", tcp_flags_str(tcp->flags, flags, sizeof(flags)));
    if (payload_len > 0)
        text_add(t, ", seq %u:%u", tcp->seq, (uint32_t)(tcp->seq + payload_len));
    else if (tcp->flags & (TCP_SYN | TCP_FIN | TCP_RST))
        text_add(t, ", seq %u", tcp->seq);
    if (tcp->flags & TCP_ACK)
        text_add(t, ", ack %u", tcp->ack);
    text_add(t, ", win %u", tcp->wnd);
    if (tcp->flags & TCP_URG)
        text_add(t, ", urg %u", tcp->urp);
    if (opt_len > 0)
        tcp_opts_text(t, opt, opt_len);
    text_add(t, ", length %zu", payload_len);
}

int
tcp_describe(const struct tcp_hdr *tcp, size_t payload_len, char *buf, size_t n)
{
    uint8_t opt[TCP_OPT_MAX];
    size_t opt_len = tcp_opts_layout(&tcp->opts, opt);
    struct text t;

    text_init(&t, buf, n);
    text_add(&t, "%u > %u: ", tcp->sport, tcp->dport);
    tcp_body_text(&t, tcp, opt, opt_len, payload_len);
    return (int)t.len;
}

int
tcp_describe_wire(const struct tcp_hdr *tcp, const uint8_t *b, size_t payload_len,
                  char *buf, size_t n)
{
    size_t opt_len = 0;
    struct text t;

    if (tcp->data_off > TCP_HDR_MIN)
        opt_len = (tcp->data_off > TCP_HDR_MAX ? TCP_HDR_MAX : tcp->data_off) - TCP_HDR_MIN;
    text_init(&t, buf, n);
    tcp_body_text(&t, tcp, b + TCP_HDR_MIN, opt_len, payload_len);
    return (int)t.len;
}
