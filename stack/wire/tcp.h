/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp.h - the TCP header and its options [RFC 9293 3.1, 3.2] [RFC 7323]
 * [RFC 2018]: parse, emit, describe.
 */
#ifndef NETSTEP_WIRE_TCP_H
#define NETSTEP_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"

#define TCP_HDR_MIN 20
#define TCP_HDR_MAX 60
#define TCP_OPT_MAX 40
#define TCP_SACK_MAX 4  /* at most 4 blocks fit in 40 bytes of options */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

/* Option kinds [RFC 9293 3.2] [RFC 7323 2.2, 3.2] [RFC 2018 2, 3] */
#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2
#define TCPOPT_WSCALE    3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK      5
#define TCPOPT_TS        8

struct tcp_sack_block {
    uint32_t left;   /* first sequence number of the block */
    uint32_t right;  /* sequence number just past the block */
};

struct tcp_opts {
    bool has_mss;           /* MSS present (SYN only) */
    uint16_t mss;           /* maximum segment size */
    bool has_wscale;        /* window scale present (SYN only) */
    uint8_t wscale;         /* shift count, as sent (the receiver clamps to 14) */
    bool sack_permitted;    /* SACK-permitted present (SYN only) */
    bool has_ts;            /* timestamps present */
    uint32_t ts_val;        /* TSval */
    uint32_t ts_ecr;        /* TSecr */
    uint8_t sack_count;     /* SACK blocks present, 0..4 */
    struct tcp_sack_block sack[TCP_SACK_MAX];  /* SACK blocks */
    bool bsd_layout;        /* emit only: BSD's order and padding, not Linux's */
};

struct tcp_hdr {
    uint16_t sport;         /* source port */
    uint16_t dport;         /* destination port */
    uint32_t seq;           /* sequence number */
    uint32_t ack;           /* acknowledgment number */
    uint8_t data_off;       /* header length in bytes (20..60) */
    uint8_t flags;          /* TCP_FIN .. TCP_CWR */
    uint16_t wnd;           /* window, unscaled as on the wire */
    uint16_t csum;          /* as received (parse only) */
    uint16_t urp;           /* urgent pointer */
    struct tcp_opts opts;   /* decoded options */
};

/* b[0..len) is the IP payload. Checks TCP_TRUNCATED, TCP_BAD_OFFSET,
 * TCP_BAD_OPTIONS (an option running past the header, a wrong length for a
 * known kind) and TCP_BAD_CSUM with the pseudo-header. Unknown option kinds
 * with a sane length are skipped. Never writes b. */
enum drop_reason tcp_parse(const uint8_t *b, size_t len, uint32_t src, uint32_t dst,
                           struct tcp_hdr *out);
/* tcp_parse() without the checksum, for a receiver that sums the segment
 * itself (while copying its data). Never writes b. */
enum drop_reason tcp_parse_header(const uint8_t *b, size_t len, struct tcp_hdr *out);
/* Bytes the options take, padded to a multiple of 4, in the order Linux sends
 * them (MSS, SACK-permitted+TS, NOP+wscale; on data: NOP NOP TS, NOP NOP SACK),
 * or with o->bsd_layout as BSD's tcp_addoptions() does (MSS, NOP+wscale,
 * SACK-permitted, NOPs to put TS and SACK at 2 mod 4, EOL padding at the end).
 * Either order is the RFCs' to choose [RFC 9293 3.1] [RFC 7323 Appendix A]. */
size_t tcp_opts_len(const struct tcp_opts *o);
/* The same options written into opt as tcp_emit() would write them after
 * the header; returns their length (tcp_opts_len()). */
size_t tcp_opts_write(const struct tcp_opts *o, uint8_t opt[TCP_OPT_MAX]);
/* Writes header and options at b, where b[hdr_len..hdr_len+payload_len) is the
 * payload in place, and the checksum with the pseudo-header. data_off is
 * computed from the options (tcp->data_off is ignored). */
void tcp_emit(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len,
              uint32_t src, uint32_t dst);
/* tcp_emit() for a payload whose csum_add() the caller already has (it
 * summed the bytes while copying them in): the payload is not read again. */
void tcp_emit_sum(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len, uint32_t src,
                  uint32_t dst, uint32_t payload_sum);
/* tcp_emit_sum() with the options laid out already by tcp_opts_write()
 * (opt_len bytes at opt, copied in after the fixed header; tcp->opts is not
 * read): a sender that needed their length to size the packet lays them
 * out once, not twice. */
void tcp_emit_sum_laid(const struct tcp_hdr *tcp, const uint8_t *opt, size_t opt_len, uint8_t *b,
                       size_t payload_len, uint32_t src, uint32_t dst, uint32_t payload_sum);
/* The same three over IPv6: the pseudo-header of RFC 8200 8.1 (both 128-bit
 * addresses, a 32-bit length, next header 6) in place of IPv4's. */
struct ip6_addr;
enum drop_reason tcp_parse6(const uint8_t *b, size_t len, const struct ip6_addr *src,
                            const struct ip6_addr *dst, struct tcp_hdr *out);
void tcp_emit6(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len,
               const struct ip6_addr *src, const struct ip6_addr *dst);
void tcp_emit_sum6(const struct tcp_hdr *tcp, uint8_t *b, size_t payload_len,
                   const struct ip6_addr *src, const struct ip6_addr *dst, uint32_t payload_sum);
void tcp_emit_sum6_laid(const struct tcp_hdr *tcp, const uint8_t *opt, size_t opt_len,
                        uint8_t *b, size_t payload_len, const struct ip6_addr *src,
                        const struct ip6_addr *dst, uint32_t payload_sum);
size_t tcp_hdr_len(const struct tcp_hdr *tcp);
/* tcpdump -nn's shape: "49152 > 80: Flags [S], seq 1000, win 65535,
 * options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0". Relative
 * sequence numbers are the caller's business; these are absolute. */
int tcp_describe(const struct tcp_hdr *tcp, size_t payload_len, char *buf, size_t n);
/* As tcp_describe() without the "49152 > 80: " prefix, and with the options
 * printed from the bytes b[20..tcp->data_off) as they lie on the wire (order,
 * padding and unknown kinds included), the way tcpdump shows them. b is the
 * segment tcp_parse() filled tcp from. Used by frame_describe(). */
int tcp_describe_wire(const struct tcp_hdr *tcp, const uint8_t *b, size_t payload_len,
                      char *buf, size_t n);
/* "S", "S.", ".", "P.", "F.", "R", "R." as tcpdump prints flags. */
char *tcp_flags_str(uint8_t flags, char *buf, size_t n);

#endif
