/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * craft.h - build any frame field by field, right or deliberately wrong.
 *
 * A lesson about an attack, a hostile-frame test and a packetdrill script
 * all need frames the stack would never send: a SYN from the target's own
 * address, a fragment that overlaps another, an ICMP "fragmentation needed"
 * quoting a segment that was never sent, a checksum that does not add up.
 * struct craft describes one such frame layer by layer (Ethernet II, then
 * ARP or IPv4, then ICMP, UDP or TCP, then the payload); craft_build() turns
 * it into bytes. Every field not set takes the value a correct sender would
 * give it: lengths and checksums are computed [RFC 1071], the IPv4 protocol
 * follows the transport, the EtherType follows the network layer. Only what
 * a field's `has_` flag or a craft_csum says is taken as given, so a frame
 * can be wrong in exactly one field.
 *
 * The bytes start at the Ethernet header (or at the IPv4 header when
 * c->no_eth is set, for a quoted datagram inside an ICMP error or a script
 * that speaks IP only). craft_pkt() wraps them in a packet of a world's pool;
 * craft_send_on_link() and craft_deliver() put that packet on a link (as if
 * one end's NIC sent it: rules, faults, the WIRE event the capture records)
 * or straight into an interface (as if it came off the wire).
 *
 * This API is shared: add to it, do not change what is here.
 */
#ifndef NETSTEP_SIM_CRAFT_H
#define NETSTEP_SIM_CRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/trace_cause.h"
#include "stack/wire/addr.h"

struct iface;
struct link;
struct sim;

/* Largest frame craft_build() writes: an Ethernet header and a full IPv4
 * datagram (an oversized frame is the link's business, not the builder's). */
#define CRAFT_MAX (14u + 65535u)
/* TCP and IPv4 options: at most 40 bytes each [RFC 9293 3.1] [RFC 791 3.1]. */
#define CRAFT_OPT_MAX 40u
/* TCP options one segment can list (40 bytes of NOPs). */
#define CRAFT_TCP_OPTS_MAX 40u

/* How a checksum field is filled. */
enum craft_csum_mode {
    CRAFT_CSUM_RIGHT = 0,  /* computed [RFC 1071] (the default) */
    CRAFT_CSUM_BAD,        /* the right value with its lowest bit flipped: never
                              equal to it nor to its ones' complement twin */
    CRAFT_CSUM_VALUE,      /* exactly `value` (UDP: 0 is "no checksum" [RFC 768]) */
};

struct craft_csum {
    enum craft_csum_mode mode;  /* how */
    uint16_t value;             /* CRAFT_CSUM_VALUE: the field's bytes, host order */
};

/* --- layer 2 ------------------------------------------------------------ */

struct craft_eth {
    uint8_t dst[ETH_ALEN];  /* destination MAC (the caller fills it) */
    uint8_t src[ETH_ALEN];  /* source MAC */
    bool has_type;          /* type given; else from the network layer */
    uint16_t type;          /* EtherType */
};

/* --- layer 3 ------------------------------------------------------------ */

enum craft_net {
    CRAFT_NET_NONE = 0,  /* nothing after Ethernet but the payload */
    CRAFT_NET_ARP,       /* ARP for IPv4 over Ethernet [RFC 826] */
    CRAFT_NET_IPV4,      /* IPv4 [RFC 791] */
};

/* Every field of the ARP body; craft_arp_defaults() fills htype, ptype,
 * hlen, plen and op with a request's values. */
struct craft_arp {
    uint16_t htype;        /* 1 = Ethernet */
    uint16_t ptype;        /* 0x0800 = IPv4 */
    uint8_t hlen;          /* 6 */
    uint8_t plen;          /* 4 */
    uint16_t op;           /* 1 request, 2 reply */
    uint8_t sha[ETH_ALEN]; /* sender hardware address */
    uint32_t spa;          /* sender protocol address, host order */
    uint8_t tha[ETH_ALEN]; /* target hardware address */
    uint32_t tpa;          /* target protocol address, host order */
};

struct craft_ipv4 {
    bool has_version;      /* version given; else 4 */
    uint8_t version;       /* 0..15 */
    bool has_ihl;          /* IHL given (in 32-bit words); else from the options */
    uint8_t ihl;           /* 0..15 words; the options area written is still opt_len */
    uint8_t tos;           /* DSCP and ECN */
    bool has_total_len;    /* total length given; else header + payload */
    uint16_t total_len;    /* the field, whatever the bytes that follow */
    uint16_t id;           /* identification */
    bool rf;               /* the reserved flag (the "evil bit" of RFC 3514) */
    bool df;               /* don't fragment */
    bool mf;               /* more fragments */
    uint16_t frag_off;     /* fragment offset in bytes: a multiple of 8, < 65536 */
    bool has_ttl;          /* ttl given; else 64 */
    uint8_t ttl;           /* time to live */
    bool has_proto;        /* protocol given; else from the transport (0 without one) */
    uint8_t proto;         /* protocol number */
    uint32_t src;          /* source address, host order */
    uint32_t dst;          /* destination address, host order */
    uint8_t opt_len;       /* bytes of options, 0..40; padded with EOL (0) to 4 */
    uint8_t options[CRAFT_OPT_MAX];  /* as on the wire */
    struct craft_csum csum;          /* header checksum */
    /* A fragment of the transport built below: when `slice` is set the
     * transport (header, checksum over the whole, payload) is built first and
     * only its bytes [slice_off, slice_off + slice_len) follow this header;
     * slice_len < 0 means to the end. frag_off is not implied: set it too. */
    bool slice;
    uint32_t slice_off;
    int32_t slice_len;
};

/* --- layer 4 ------------------------------------------------------------ */

enum craft_trans {
    CRAFT_TRANS_NONE = 0,  /* the payload follows the network header as is */
    CRAFT_TRANS_ICMP,      /* [RFC 792] */
    CRAFT_TRANS_UDP,       /* [RFC 768] */
    CRAFT_TRANS_TCP,       /* [RFC 9293 3.1] */
};

/* ICMP: the second word is id/seq for echo and the like, unused + next-hop
 * MTU for "fragmentation needed" [RFC 1191 4], zero for other errors; or
 * `rest` when has_rest. The body is the craft's payload: echo data, or the
 * quoted datagram of an error (see craft_quote_len). */
struct craft_icmp {
    uint8_t type;           /* message type */
    uint8_t code;           /* code */
    uint16_t id;            /* echo: identifier */
    uint16_t seq;           /* echo: sequence number */
    uint16_t mtu;           /* unreachable code 4: next-hop MTU */
    bool has_rest;          /* the second word given whole */
    uint32_t rest;          /* it */
    struct craft_csum csum; /* over the whole message */
};

struct craft_udp {
    uint16_t sport;          /* source port */
    uint16_t dport;          /* destination port */
    bool has_len;            /* length given; else 8 + payload */
    uint16_t len;            /* the field */
    struct craft_csum csum;  /* with the pseudo-header; a computed 0 is sent as 0xffff */
};

/* One TCP option, in the order it is to lie in the header. */
enum craft_tcpopt_kind {
    CRAFT_TCPOPT_EOL,        /* kind 0, one byte */
    CRAFT_TCPOPT_NOP,        /* kind 1, one byte */
    CRAFT_TCPOPT_MSS,        /* kind 2, len 4 [RFC 9293 3.2] */
    CRAFT_TCPOPT_WSCALE,     /* kind 3, len 3 [RFC 7323 2.2] */
    CRAFT_TCPOPT_SACK_PERM,  /* kind 4, len 2 [RFC 2018 2] */
    CRAFT_TCPOPT_SACK,       /* kind 5, len 2 + 8n [RFC 2018 3] */
    CRAFT_TCPOPT_TS,         /* kind 8, len 10 [RFC 7323 3.2] */
    CRAFT_TCPOPT_RAW,        /* raw bytes as given (any kind, any length byte) */
};

struct craft_tcpopt {
    enum craft_tcpopt_kind kind;
    uint16_t mss;                  /* MSS */
    uint8_t wscale;                /* WSCALE: shift count */
    uint32_t ts_val, ts_ecr;       /* TS */
    uint8_t n_sack;                /* SACK: blocks, 0..4 */
    uint32_t sack[4][2];           /* SACK: left and right edges */
    uint8_t raw_len;               /* RAW: bytes */
    uint8_t raw[CRAFT_OPT_MAX];    /* RAW: them */
};

struct craft_tcp {
    uint16_t sport;          /* source port */
    uint16_t dport;          /* destination port */
    uint32_t seq;            /* sequence number */
    uint32_t ack;            /* acknowledgment number (sent whatever the ACK flag) */
    uint8_t flags;           /* TCP_FIN .. TCP_CWR (stack/wire/tcp.h) */
    uint8_t reserved;        /* the 4 reserved bits [RFC 9293 3.1], 0..15 */
    uint16_t win;            /* window as on the wire */
    uint16_t urp;            /* urgent pointer */
    bool has_data_off;       /* data offset given (32-bit words); else from options */
    uint8_t data_off;        /* 0..15 words; the option bytes written stay the same */
    uint8_t n_opts;          /* options listed */
    struct craft_tcpopt opts[CRAFT_TCP_OPTS_MAX];
    bool no_opt_pad;         /* don't pad the options to 4 bytes with EOL */
    struct craft_csum csum;  /* with the pseudo-header */
};

/* --- the frame ---------------------------------------------------------- */

struct craft {
    bool no_eth;              /* start at the IPv4 header (eth is ignored) */
    struct craft_eth eth;
    enum craft_net net;
    struct craft_arp arp;     /* net == CRAFT_NET_ARP */
    struct craft_ipv4 ip;     /* net == CRAFT_NET_IPV4 */
    enum craft_trans trans;   /* with IPv4 only */
    struct craft_icmp icmp;   /* trans == CRAFT_TRANS_ICMP */
    struct craft_udp udp;     /* trans == CRAFT_TRANS_UDP */
    struct craft_tcp tcp;     /* trans == CRAFT_TRANS_TCP */
    const uint8_t *payload;   /* after the last header (not copied; may be NULL if 0) */
    size_t payload_len;       /* bytes of it */
    bool no_pad;              /* don't pad an Ethernet frame to 60 bytes with zeros */
};

/* A craft with nothing set: Ethernet with zero MACs, no network layer. */
void craft_init(struct craft *c);
/* Select ARP with a request's htype 1, ptype 0x0800, hlen 6, plen 4, op 1. */
void craft_arp_defaults(struct craft *c);
/* Append option o to c->tcp's list. -ERR_NOBUFS when the list is full. */
int craft_tcp_add_opt(struct craft *c, const struct craft_tcpopt *o);

/* Bytes the TCP options of t take, before padding. */
size_t craft_tcp_opts_len(const struct craft_tcp *t);

/* Write the frame c describes into buf[0..cap) and its length into *len.
 * Returns 0, or -ERR_INVAL (a field out of range: an odd fragment offset,
 * options over 40 bytes, ARP without Ethernet...) or -ERR_MSGSIZE (it does
 * not fit in cap or in an IPv4 datagram), with *why (if why is not NULL) set
 * to a sentence saying which. buf is left undefined on error. */
int craft_build(const struct craft *c, uint8_t *buf, size_t cap, size_t *len, const char **why);

/* How much of an IPv4 datagram d[0..len) an ICMP error quotes: its header
 * and the first 8 bytes of its data [RFC 792] (never more than len). */
size_t craft_quote_len(const uint8_t *d, size_t len);

/* A packet of s's pool holding frame[0..len) (p->data at the Ethernet
 * header) with cause `cause`; NULL when memory runs out. */
struct pkt *craft_pkt(struct sim *s, const uint8_t *frame, size_t len, struct trace_cause cause);

/* Put p on link l as if the interface at the other end from `to` had sent it
 * (to is l->a or l->b): the link's rules and faults apply, the capture
 * records it and it arrives at `to` when the wire says. Takes p on every
 * path. -ERR_INVAL if `to` is not an end of l. */
int craft_send_on_link(struct link *l, struct iface *to, struct pkt *p);

/* Hand p to interface ifc at the current time as if it had just come off the
 * wire (no link between: no faults, no WIRE event; the host's own capture
 * still sees it). Takes p on every path. 0 or -ERR_NOMEM. */
int craft_deliver(struct sim *s, struct iface *ifc, struct pkt *p);

#endif
