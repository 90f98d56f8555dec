/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp.c - the ICMP message [RFC 792]: parse, emit, describe.
 *
 * Every message starts with type, code and a checksum over the whole message;
 * the second 32-bit word depends on the type: identifier and sequence number
 * for echo, the next-hop MTU for "fragmentation needed" [RFC 1191 4], unused
 * (zero) for the other errors. The error body (the quoted IP header and 8
 * bytes of its payload [RFC 792]) is the caller's to read; frame_describe()
 * decodes it for the tcpdump line.
 * Called by: icmp_input(), icmp_output(), frame_describe().
 */
#include "stack/wire/icmp.h"

#include <stdio.h>

#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"

#define ICMP_OFF_TYPE 0
#define ICMP_OFF_CODE 1
#define ICMP_OFF_CSUM 2
#define ICMP_OFF_REST 4  /* the type-dependent second word */

/* Echo and its reply carry identifier and sequence number [RFC 792]. */
static bool
icmp_is_echo(uint8_t type)
{
    return type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY;
}

static bool
icmp_is_needfrag(uint8_t type, uint8_t code)
{
    return type == ICMP_DEST_UNREACH && code == ICMP_UNREACH_NEEDFRAG;
}

enum drop_reason
icmp_parse(const uint8_t *b, size_t len, struct icmp_hdr *out)
{
    if (len < ICMP_HDR_LEN)
        return DROP_ICMP_TRUNCATED;
    out->type = b[ICMP_OFF_TYPE];
    out->code = b[ICMP_OFF_CODE];
    out->csum = be16_get(b + ICMP_OFF_CSUM);
    out->rest = be32_get(b + ICMP_OFF_REST);
    out->id = 0;
    out->seq = 0;
    out->mtu = 0;
    if (icmp_is_echo(out->type)) {
        out->id = (uint16_t)(out->rest >> 16);
        out->seq = (uint16_t)out->rest;
    } else if (icmp_is_needfrag(out->type, out->code)) {
        out->mtu = (uint16_t)out->rest;  /* [RFC 1191 4] low 16 bits */
    }
    out->body_len = len - ICMP_HDR_LEN;
    /* [RFC 792] "the 16-bit one's complement of the one's complement sum of
     * the ICMP message starting with the ICMP Type." Checked last, so a
     * corrupted message is still fully decoded for the describer. */
    if (csum_compute(b, len) != 0)
        return DROP_ICMP_BAD_CSUM;
    return DROP_NONE;
}

void
icmp_emit(const struct icmp_hdr *icmp, uint8_t *b, size_t len)
{
    uint32_t rest = icmp->rest;

    if (icmp_is_echo(icmp->type))
        rest = (uint32_t)icmp->id << 16 | icmp->seq;
    else if (icmp_is_needfrag(icmp->type, icmp->code))
        rest = icmp->mtu;
    b[ICMP_OFF_TYPE] = icmp->type;
    b[ICMP_OFF_CODE] = icmp->code;
    be16_put(b + ICMP_OFF_CSUM, 0);
    be32_put(b + ICMP_OFF_REST, rest);
    be16_put(b + ICMP_OFF_CSUM, csum_compute(b, len < ICMP_HDR_LEN ? ICMP_HDR_LEN : len));
}

size_t
icmp_hdr_len(const struct icmp_hdr *icmp)
{
    (void)icmp;
    return ICMP_HDR_LEN;
}

/* tcpdump's phrases for destination unreachable, without the quoted address
 * it puts in them ("host %s unreachable" becomes "host unreachable").
 * [RFC 792] codes 0-5, [RFC 1122 3.2.2.1] 6-12, [RFC 1812 5.2.7.1] 13-15. */
static const char *const icmp_unreach_names[] = {
    "net unreachable",
    "host unreachable",
    "protocol unreachable",
    "port unreachable",
    "unreachable - need to frag",
    "unreachable - source route failed",
    "net unreachable - unknown",
    "host unreachable - unknown",
    "unreachable - source host isolated",
    "net unreachable - admin prohibited",
    "host unreachable - admin prohibited",
    "net unreachable - tos prohibited",
    "host unreachable - tos prohibited",
    "host unreachable - admin prohibited filter",
    "host unreachable - host precedence violation",
    "host unreachable - precedence cutoff",
};

/* The name of a type (and code) tcpdump knows, or NULL. */
static const char *
icmp_name(uint8_t type, uint8_t code)
{
    switch (type) {
    case ICMP_ECHO_REPLY:
        return "echo reply";
    case ICMP_DEST_UNREACH:
        if (code < sizeof(icmp_unreach_names) / sizeof(icmp_unreach_names[0]))
            return icmp_unreach_names[code];
        return "unreachable";
    case ICMP_SOURCE_QUENCH:
        return "source quench";
    case ICMP_REDIRECT:
        return "redirect";
    case ICMP_ECHO_REQUEST:
        return "echo request";
    case ICMP_ROUTER_SOLICIT:
        return "router solicitation";
    case ICMP_TIME_EXCEEDED:
        if (code == ICMP_EXC_TTL)
            return "time exceeded in-transit";
        if (code == ICMP_EXC_FRAGTIME)
            return "ip reassembly time exceeded";
        return "time exceeded";
    case ICMP_PARAM_PROBLEM:
        return "parameter problem";
    case ICMP_TIMESTAMP:
        return "time stamp request";
    case ICMP_TIMESTAMP_REPLY:
        return "time stamp reply";
    default:
        return NULL;
    }
}

const char *
icmp_type_name(uint8_t type, uint8_t code)
{
    const char *name = icmp_name(type, code);

    return name != NULL ? name : "unknown type";
}

/* tcpdump -nn's words where they need no quoted packet: "ICMP echo request,
 * id 1, seq 1, length 64", "ICMP port unreachable, length 36",
 * "ICMP unreachable - need to frag (mtu 1400), length 36", "ICMP type-#42,
 * length 8". The length is the whole message's. */
int
icmp_describe(const struct icmp_hdr *icmp, char *buf, size_t n)
{
    size_t len = ICMP_HDR_LEN + icmp->body_len;
    const char *name = icmp_name(icmp->type, icmp->code);

    if (name == NULL)
        return snprintf(buf, n, "ICMP type-#%u, length %zu", icmp->type, len);
    if (icmp_is_echo(icmp->type))
        return snprintf(buf, n, "ICMP %s, id %u, seq %u, length %zu", name, icmp->id,
                        icmp->seq, len);
    if (icmp_is_needfrag(icmp->type, icmp->code) && icmp->mtu != 0)
        return snprintf(buf, n, "ICMP %s (mtu %u), length %zu", name, icmp->mtu, len);
    return snprintf(buf, n, "ICMP %s, length %zu", name, len);
}
