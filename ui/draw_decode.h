/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw_decode.h - the headers of a logged frame, decoded for the pictures
 * and the JSON output.
 *
 * The event log keeps each event's packet bytes and where its Ethernet,
 * IPv4/IPv6/ARP and ICMP/ICMPv6/UDP/TCP headers begin (sim/record.h). This reads them
 * back through the stack's own parsers (stack/wire/) into one struct, so the
 * ladder's labels, the plots and `run --json` agree on every number. Pure:
 * no I/O.
 */
#ifndef NETSTEP_UI_DRAW_DECODE_H
#define NETSTEP_UI_DRAW_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/record.h"
#include "stack/wire/arp.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

/* The headers found in one event's bytes; a has_ flag per header. */
struct draw_frame {
    bool has_eth;            /* eth holds the Ethernet header */
    struct eth_hdr eth;
    bool has_arp;            /* arp holds the ARP message */
    struct arp_hdr arp;
    bool has_ip;             /* ip holds the IPv4 header */
    struct ipv4_hdr ip;
    bool has_ip6;            /* ip6 holds the IPv6 header [RFC 8200 3] */
    struct ipv6_hdr ip6;
    bool ip6_fragment;       /* it carries a Fragment header [RFC 8200 4.5] */
    bool has_icmp6;          /* an ICMPv6 message [RFC 4443 2.1]: */
    uint8_t icmp6_type;      /* its type, */
    uint8_t icmp6_code;      /* code, */
    uint16_t icmp6_seq;      /* echo: the sequence number [RFC 4443 4.1] */
    bool icmp6_has_target;   /* neighbour solicitation or advertisement: */
    struct ip6_addr icmp6_target;  /* the target address [RFC 4861 4.3, 4.4] */
    bool has_icmp;           /* icmp holds the ICMP header */
    struct icmp_hdr icmp;
    bool has_udp;            /* udp holds the UDP header */
    struct udp_hdr udp;
    bool has_tcp;            /* tcp holds the TCP header and options */
    struct tcp_hdr tcp;
    size_t payload_len;      /* bytes after the TCP or UDP header */
};

/* Decode ev's bytes (nothing is set for an event without a packet). A
 * header the bytes do not hold, or that does not parse, stays unset. */
void draw_decode(const struct record_event *ev, struct draw_frame *out);

/* tcpdump's old one-line shape for a segment, with sequence numbers relative
 * to the sender's initial one (isn) and acknowledgement numbers relative to
 * the receiver's (peer_isn): "S 0:0(0) win 65535 <mss 1460,sackOK,TS,wscale 2>",
 * ". ack 1 win 53248", "P 1:19(18) ack 1 win 53248", "F 19:19(0) ack 26".
 * With know_isn false the numbers are absolute. Returns snprintf's count. */
int draw_tcp_label(const struct tcp_hdr *tcp, size_t payload_len, bool know_isn, uint32_t isn,
                   bool know_peer_isn, uint32_t peer_isn, char *buf, size_t n);

/* The flag letters tcpdump prints in "Flags [S.]": "S.", "P.", "F.", "R". */
void draw_tcp_flags(uint8_t flags, char *buf, size_t n);

#endif
