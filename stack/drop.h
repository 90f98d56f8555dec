/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drop.h - the named reasons a packet is discarded, and pkt_drop().
 *
 * One X-macro list gives the enum, the short name, the sentence a student reads
 * and the RFC tag. pkt_drop() is the only way the stack discards a packet: it
 * counts the drop on the host, emits a DROP trace event and frees the packet,
 * so the view can always say where and why a packet died.
 */
#ifndef NETSTEP_STACK_DROP_H
#define NETSTEP_STACK_DROP_H

#include "stack/trace.h"

/*     name                  sentence                                            RFC tag */
#define DROP_REASONS(X)                                                                       \
    X(NONE,                  "not dropped",                                      NULL)           \
    X(NO_MEMORY,             "out of packet memory",                             NULL)           \
    X(ETH_TRUNCATED,         "frame shorter than an Ethernet header",            "IEEE 802.3 3.1") \
    X(ETH_NOT_FOR_US,        "destination MAC is neither ours nor broadcast",    "IEEE 802.3 3.2.3") \
    X(ETH_UNKNOWN_TYPE,      "EtherType this stack does not speak",              "IEEE 802.3 3.2.6") \
    X(ETH_BAD_FCS,           "frame check sequence is wrong: corrupted on the wire", "IEEE 802.3 3.2.9") \
    X(ETH_TOO_LONG,          "frame longer than the interface MTU allows",       "IEEE 802.3 3.2.7") \
    X(ARP_TRUNCATED,         "ARP packet too short",                             "RFC 826")      \
    X(ARP_BAD_HW,            "ARP hardware type or length is not Ethernet",      "RFC 826")      \
    X(ARP_BAD_PROTO,         "ARP protocol type or length is not IPv4",          "RFC 826")      \
    X(ARP_BAD_OP,            "ARP opcode is neither request nor reply",          "RFC 826")      \
    X(ARP_NOT_FOR_US,        "ARP target address is not ours",                   "RFC 826")      \
    X(ARP_BAD_SENDER,        "ARP sender hardware address is broadcast or multicast: never cached", "RFC 1812 3.3.2") \
    X(ARP_QUEUE_FULL,        "too many packets waiting for this ARP reply",      "RFC 1122 2.3.2.2") \
    X(ARP_UNRESOLVED,        "no ARP reply after every retry",                   "RFC 1122 2.3.2.1") \
    X(IPV4_TRUNCATED,        "IPv4 header or total length runs past the frame",  "RFC 791 3.1")  \
    X(IPV4_BAD_VERSION,      "IP version is not 4",                              "RFC 791 3.1")  \
    X(IPV4_BAD_IHL,          "IPv4 header length below 20 bytes",                "RFC 791 3.1")  \
    X(IPV4_BAD_CSUM,         "IPv4 header checksum is wrong",                    "RFC 791 3.1")  \
    X(IPV4_BAD_OPTIONS,      "IPv4 options are malformed",                       "RFC 791 3.1")  \
    X(IPV4_BAD_SRC,          "IPv4 source is broadcast or multicast",            "RFC 1122 3.2.1.3") \
    X(IPV4_ZERO_SRC,         "IPv4 source 0.0.0.0 is only for a host learning its own address", "RFC 1122 3.2.1.3") \
    X(IPV4_OWN_SRC,          "IPv4 source is one of my own addresses, yet it came from a wire", "RFC 1122 3.2.1.3") \
    X(IPV4_MARTIAN,          "a loopback address (127.x) arrived from outside the host", "RFC 1122 3.2.1.3") \
    X(IPV4_NOT_FOR_US,       "not our address and this host does not forward",   "RFC 1122 3.3.4.2") \
    X(IPV4_TTL_EXPIRED,      "TTL reached zero while forwarding",                "RFC 791 3.2")  \
    X(IPV4_NO_ROUTE,         "no route to the destination",                      "RFC 1812 5.2.7.1") \
    X(IPV4_NO_FORWARD_BCAST, "not forwarded: a link-layer broadcast, or to a broadcast or multicast address", "RFC 1812 5.3.4") \
    X(IPV4_FRAG_TIMEOUT,     "reassembly timed out before every fragment came",  "RFC 791 3.2")  \
    X(IPV4_FRAG_OVERLAP,     "fragments overlap or disagree: the whole datagram is discarded", "RFC 5722 4") \
    X(IPV4_FRAG_DUP,         "an exact duplicate of a fragment already held",    "RFC 791 3.2")  \
    X(IPV4_FRAG_BAD,         "fragment empty, not a multiple of 8 bytes, or past 65535", "RFC 791 3.2") \
    X(IPV4_FRAG_NO_ROOM,     "reassembly memory or table of this host is full",  NULL)           \
    X(IPV4_TOO_BIG,          "datagram larger than the MTU and DF is set",       "RFC 791 3.2")  \
    X(IPV4_UNKNOWN_PROTO,    "no transport for this IP protocol number",         "RFC 1122 3.2.2.1") \
    X(ICMP_TRUNCATED,        "ICMP message too short",                           "RFC 792")      \
    X(ICMP_BAD_CSUM,         "ICMP checksum is wrong",                           "RFC 792")      \
    X(ICMP_UNHANDLED,        "ICMP type this stack ignores",                     "RFC 1122 3.2.2") \
    X(ICMP_NO_ERROR_REPLY,   "no ICMP error about an ICMP error or broadcast",   "RFC 1122 3.2.2") \
    X(UDP_TRUNCATED,         "UDP length runs past the IP payload",              "RFC 768")      \
    X(UDP_BAD_LEN,           "UDP length field below 8 bytes",                   "RFC 768")      \
    X(UDP_BAD_CSUM,          "UDP checksum is wrong",                            "RFC 768")      \
    X(UDP_NO_SOCKET,         "no socket bound to this UDP port",                 "RFC 1122 4.1.3.1") \
    X(UDP_RCVBUF_FULL,       "socket receive buffer is full",                    "RFC 1122 4.1.3.5") \
    X(TCP_TRUNCATED,         "TCP header runs past the IP payload",              "RFC 9293 3.1") \
    X(TCP_BAD_OFFSET,        "TCP data offset below 5 words or past the segment", "RFC 9293 3.1") \
    X(TCP_BAD_OPTIONS,       "TCP options are malformed",                        "RFC 9293 3.2") \
    X(TCP_BAD_CSUM,          "TCP checksum is wrong",                            "RFC 9293 3.1") \
    X(TCP_NO_SOCKET,         "no connection or listener for this TCP segment",   "RFC 9293 3.10.7.1") \
    X(TCP_OUT_OF_WINDOW,     "segment not acceptable: outside the receive window", "RFC 9293 3.10.7.4") \
    X(TCP_RST_OUT_OF_WINDOW, "RST outside the receive window",                   "RFC 5961 3.2") \
    X(TCP_RST_IN_WINDOW,     "RST in window but not at RCV.NXT: challenge ACK",  "RFC 5961 3.2") \
    X(TCP_SYN_IN_WINDOW,     "SYN on a synchronized connection: challenge ACK",  "RFC 5961 4.2") \
    X(TCP_BAD_ACK,           "ACK acknowledges something not sent, or too old",  "RFC 5961 5.2") \
    X(TCP_NO_ACK,            "segment without ACK on a synchronized connection", "RFC 9293 3.10.7.4") \
    X(TCP_PAWS,              "timestamp older than TS.Recent (PAWS)",            "RFC 7323 5.3") \
    X(TCP_BACKLOG_FULL,      "listen queue full: SYN or handshake ACK dropped",  "RFC 9293 3.10.7.2") \
    X(TCP_LISTEN_BAD,        "segment to a listener that is neither SYN nor RST", "RFC 9293 3.10.7.2") \
    X(TCP_SYN_FIN,           "SYN and FIN together: a scanner's probe, not an open", "RFC 9293 3.10.7.2") \
    X(TCP_SYN_SENT_BAD,      "segment in SYN-SENT with neither SYN nor RST",     "RFC 9293 3.10.7.3") \
    X(TCP_RST_IGNORED,       "RST not acceptable in this state",                 "RFC 9293 3.10.7.3") \
    X(TCP_DUPLICATE,         "data already received (old duplicate)",            "RFC 9293 3.10.7.4") \
    X(TCP_RCV_SHUT,          "data after shutdown(SHUT_RD) or close: discarded", "RFC 9293 3.10.7.4") \
    X(TCP_CLOSED,            "connection closed with this still queued",         "RFC 9293 3.10.4") \
    X(SOCK_RCVBUF_FULL,      "socket receive buffer is full",                    NULL)           \
    X(SOCK_CLOSED,           "the socket was closed with this still queued",     NULL)           \
    X(HOST_DOWN,             "the host was shut down with this still queued",    NULL)           \
    X(LINK_QUEUE_FULL,       "link queue full (drop-tail)",                      NULL)           \
    X(LINK_LOSS,             "lost on the link (random loss)",                   NULL)           \
    X(SWITCH_FILTERED,       "destination is on the port it came in by: filtered", "IEEE 802.1D 7.7.1") \
    X(LINK_RULE,             "dropped by a rule on the link",                    NULL)           \
    X(LINK_DOWN,             "the link is down",                                 NULL)           \
    X(LINK_NO_PEER,          "nothing is attached to the other end",             NULL)           \
    X(IPV6_TRUNCATED,        "IPv6 header or payload length runs past the frame", "RFC 8200 3") \
    X(IPV6_BAD_VERSION,      "IP version is not 6",                              "RFC 8200 3")   \
    X(IPV6_BAD_SRC,          "IPv6 source is multicast",                         "RFC 4291 2.7") \
    X(IPV6_LOOPBACK_WIRE,    "IPv6 source or destination ::1 (loopback) arrived from a wire", "RFC 4291 2.5.3") \
    X(IPV6_OWN_SRC,          "IPv6 source is one of my own addresses, yet it came from a wire", "RFC 4291 2.5.3") \
    X(IPV6_NOT_FOR_US,       "not one of my IPv6 addresses or groups, and this host does not forward", "RFC 8200 3") \
    X(IPV6_NO_ROUTE,         "no on-link prefix or route for this IPv6 destination", "RFC 4861 5.2") \
    X(IPV6_TOO_BIG,          "IPv6 packet longer than 65535 bytes of payload (no jumbograms)", "RFC 8200 3") \
    X(IPV6_BAD_EXT,          "an extension header runs past the packet",         "RFC 8200 4")   \
    X(IPV6_HBH_NOT_FIRST,    "a hop-by-hop options header that does not follow the IPv6 header", "RFC 8200 4.3") \
    X(IPV6_UNKNOWN_OPTION,   "an option this host does not know, whose type says discard", "RFC 8200 4.2") \
    X(IPV6_RH0,              "routing header type 0 (or another unknown type) with segments left", "RFC 5095 3") \
    X(IPV6_FRAG_BAD_LEN,     "a fragment with more to come whose length is not a multiple of 8", "RFC 8200 4.5") \
    X(IPV6_FRAG_TOO_LONG,    "a fragment that would end past 65535 bytes of payload", "RFC 8200 4.5") \
    X(IPV6_FRAG_OVERLAP,     "fragments overlap: the whole packet is dropped",   "RFC 5722 4")   \
    X(IPV6_FRAG_DEAD,        "a fragment of a packet already dropped for overlapping fragments", "RFC 5722 4") \
    X(IPV6_FRAG_INCONSISTENT, "a fragment past the end its last fragment gave, or a last one that disagrees", "RFC 8200 4.5") \
    X(IPV6_FRAG_TIMEOUT,     "not every fragment came within 60 seconds",        "RFC 8200 4.5") \
    X(IPV6_FRAG_LIMIT,       "too many packets or fragments being reassembled",  "RFC 8200 4.5") \
    X(IPV6_LINKLOCAL_FWD,    "a link-local source or destination: a router never forwards it", "RFC 4291 2.5.6") \
    X(IPV6_HOP_LIMIT,        "hop limit would reach 0 at this router",            "RFC 8200 3")   \
    X(IPV6_TOO_BIG_FWD,      "larger than the next link's MTU, and a router never fragments", "RFC 4443 3.2") \
    X(IPV6_NO_NEXT_HEADER,   "next header 59: nothing follows",                  "RFC 8200 4.7") \
    X(IPV6_UNKNOWN_NH,       "no handler for this next header value",           "RFC 8200 4")   \
    X(ICMPV6_TRUNCATED,      "ICMPv6 message too short",                         "RFC 4443 2.1") \
    X(ICMPV6_BAD_CSUM,       "ICMPv6 checksum is wrong (it covers the IPv6 pseudo-header)", "RFC 4443 2.3") \
    X(ICMPV6_UNHANDLED,      "ICMPv6 type this stack ignores",                   "RFC 4443 2.4") \
    X(ICMPV6_RATE_LIMITED,   "ICMPv6 error not sent: the error rate limit is reached", "RFC 4443 2.4") \
    X(ICMPV6_NO_ERROR_REPLY, "no ICMPv6 error about an error, a multicast or an unspecified source", "RFC 4443 2.4") \
    X(ND_INVALID,            "neighbour discovery message fails validation (hop limit not 255, code, length or options)", "RFC 4861 7.1") \
    X(ND_NOT_OUR_TARGET,     "neighbour solicitation for an address that is not mine", "RFC 4861 7.2.3") \
    X(ND_NO_ENTRY,           "unsolicited advertisement for a neighbour not in the cache", "RFC 4861 7.2.5") \
    X(ND_QUEUE_FULL,         "too many packets waiting for this neighbour",      "RFC 4861 7.2.2") \
    X(ND_UNRESOLVED,         "no neighbour advertisement after every solicitation", "RFC 4861 7.3.3") \
    X(ND_RS_NOT_ROUTER,      "router solicitation at an interface that does not advertise", "RFC 4861 6.2.6") \
    X(ND_RA_AT_ROUTER,       "router advertisement at a router, which takes no configuration from it", "RFC 4861 6.2.7") \
    X(ND_REDIRECT_INVALID,   "redirect not from the current first-hop router, or for a multicast destination", "RFC 4861 8.1") \
    X(ND_DAD_TENTATIVE,      "packet for a tentative address, which is not yet assigned", "RFC 4862 5.4") \
    X(IPV6_NO_SOURCE,        "no IPv6 address to send from: each is still tentative (or duplicate)", "RFC 4862 5.4")

enum drop_reason {
#define DROP_ENUM(name, sentence, rfc) DROP_##name,
    DROP_REASONS(DROP_ENUM)
#undef DROP_ENUM
    DROP_COUNT
};

const char *drop_reason_name(enum drop_reason r);      /* "IPV4_BAD_CSUM" */
const char *drop_reason_sentence(enum drop_reason r);  /* "IPv4 header checksum is wrong" */
const char *drop_reason_rfc(enum drop_reason r);       /* "RFC 791 3.1" or NULL */
/* The reason whose name matches (case-insensitive), or DROP_COUNT. */
enum drop_reason drop_reason_lookup(const char *name);

struct host;
struct pkt;

/* Discard p on host h at `layer` for `reason`: count it, trace it, free it.
 * Takes ownership of p. (A link that drops a frame is not a host; sim/ traces
 * and frees those itself.) */
void pkt_drop(struct host *h, struct pkt *p, enum trace_layer layer, enum drop_reason reason);

#endif
