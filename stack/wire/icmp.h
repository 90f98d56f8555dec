/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp.h - the ICMP message [RFC 792]: parse, emit, describe.
 *
 * The checksum covers the whole message, so parse and emit take the message
 * length: emit writes the 8-byte header in front of a body already in place.
 */
#ifndef NETSTEP_WIRE_ICMP_H
#define NETSTEP_WIRE_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include "stack/drop.h"

#define ICMP_HDR_LEN 8

#define ICMP_ECHO_REPLY     0
#define ICMP_DEST_UNREACH   3
#define ICMP_ECHO_REQUEST   8
#define ICMP_TIME_EXCEEDED  11
/* Named for describing only; the stack does not act on these. */
#define ICMP_SOURCE_QUENCH   4   /* [RFC 792], deprecated by [RFC 6633] */
#define ICMP_REDIRECT        5   /* [RFC 792] */
#define ICMP_ROUTER_SOLICIT  10  /* [RFC 1256] */
#define ICMP_PARAM_PROBLEM   12  /* [RFC 792] */
#define ICMP_TIMESTAMP       13  /* [RFC 792] */
#define ICMP_TIMESTAMP_REPLY 14  /* [RFC 792] */

/* Destination unreachable codes [RFC 792] [RFC 1812 5.2.7.1] */
#define ICMP_UNREACH_NET        0
#define ICMP_UNREACH_HOST       1
#define ICMP_UNREACH_PROTOCOL   2
#define ICMP_UNREACH_PORT       3
#define ICMP_UNREACH_NEEDFRAG   4
/* Time exceeded codes */
#define ICMP_EXC_TTL            0
#define ICMP_EXC_FRAGTIME       1

struct icmp_hdr {
    uint8_t type;       /* message type */
    uint8_t code;       /* subtype */
    uint16_t csum;      /* as received (parse only) */
    uint16_t id;        /* echo: identifier */
    uint16_t seq;       /* echo: sequence number */
    uint16_t mtu;       /* unreachable/needfrag: next-hop MTU [RFC 1191 4] */
    uint32_t rest;      /* the raw second word, for types not named above */
    size_t body_len;    /* bytes after the 8-byte header (parse only) */
};

/* Validates the length and the checksum over b[0..len). ICMP_TRUNCATED,
 * ICMP_BAD_CSUM. Never writes b. */
enum drop_reason icmp_parse(const uint8_t *b, size_t len, struct icmp_hdr *out);
/* Writes the header at b and the checksum over b[0..len), where b[8..len) is
 * the body already in place. */
void icmp_emit(const struct icmp_hdr *icmp, uint8_t *b, size_t len);
size_t icmp_hdr_len(const struct icmp_hdr *icmp);
/* "ICMP echo request, id 1, seq 1, length 64", "ICMP 192.0.2.2 udp port 9
 * unreachable" needs the quote, so here: "ICMP port unreachable, length 36". */
int icmp_describe(const struct icmp_hdr *icmp, char *buf, size_t n);
/* "echo request", "port unreachable", ... */
const char *icmp_type_name(uint8_t type, uint8_t code);

#endif
