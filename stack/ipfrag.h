/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipfrag.h - IPv4 reassembly [RFC 791 3.2] [RFC 815].
 *
 * Each host keeps a small table of datagrams being put back together, keyed
 * as [RFC 791 3.2] says by (source, destination, protocol, identification).
 * Fragments are held, sorted by offset, until the last byte is in; then one
 * datagram is built and handed back to ipv4_input(). Policies, each a named
 * drop:
 *   - the timer starts with the first fragment that arrives; when it runs out
 *     the fragments are dropped (IPV4_FRAG_TIMEOUT) and, only if fragment 0
 *     arrived, ICMP time exceeded code 1 goes to the source [RFC 792]
 *     [RFC 1122 3.3.2];
 *   - fragments that overlap (or disagree on where the datagram ends) discard
 *     the whole datagram, and every later fragment of it until the timer runs
 *     out (IPV4_FRAG_OVERLAP), the policy [RFC 5722 4] sets for IPv6 and
 *     Linux applies to IPv4 since 2018; an exact duplicate of a held fragment
 *     is only itself dropped (IPV4_FRAG_DUP), as a link that duplicates
 *     frames produces them;
 *   - the bytes held per host are bounded (IPV4_FRAG_NO_ROOM), as Linux's
 *     net.ipv4.ipfrag_high_thresh bounds them.
 * Called by: ipv4_input(), host_poll(). Calls: icmp_send_error(), pkt_drop().
 */
#ifndef NETSTEP_STACK_IPFRAG_H
#define NETSTEP_STACK_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct host;
struct pkt;
struct ipv4_hdr;

/* Datagrams reassembled at once per host. */
#define IPFRAG_MAX_DATAGRAMS 32
/* Reassembly timeout, settable per host (ipfrag.timeout_ns). [RFC 791 3.2]
 * suggests 15 s as a lower bound and [RFC 1122 3.3.2] 60 to 120 s; netstep
 * takes Linux's net.ipv4.ipfrag_time, 30 s, so a lesson matches a Linux box. */
#define IPFRAG_TIMEOUT_NS (30ull * 1000 * 1000 * 1000)
/* Bytes of held fragments (their IPv4 datagram lengths) per host, settable
 * (ipfrag.mem_max): Linux's net.ipv4.ipfrag_high_thresh, 4 MiB. */
#define IPFRAG_MEM_MAX (4u * 1024 * 1024)

struct ipfrag_entry {
    bool used;            /* slot taken */
    bool dead;            /* an overlap killed it: drop the rest until expiry */
    uint32_t src;         /* key: source address */
    uint32_t dst;         /* key: destination address */
    uint8_t proto;        /* key: protocol */
    uint16_t id;          /* key: identification */
    uint64_t expires_ns;  /* when the reassembly timer runs out */
    struct pkt *frags;    /* held fragments by offset, data at the IPv4 header */
    unsigned n_frags;     /* how many are held */
    uint32_t have_len;    /* payload bytes held */
    uint32_t total_len;   /* payload length, known once the last fragment came */
    bool have_last;       /* the fragment with MF clear arrived */
    size_t mem;           /* bytes this entry counts against mem_max */
};

struct ipfrag_table {
    struct ipfrag_entry *e;                       /* IPFRAG_MAX_DATAGRAMS slots for
                                                     datagrams in progress, allocated
                                                     at the first fragment (most hosts
                                                     never see one); NULL before */
    uint64_t timeout_ns;                          /* reassembly timeout */
    size_t mem_max;                               /* bound on held bytes */
    size_t mem;                                   /* bytes held now */
    uint64_t reassembled;                         /* datagrams completed */
    uint64_t timeouts;                            /* datagrams given up at the timer */
    uint64_t overlaps;                            /* datagrams killed by an overlap */
    /* ipfrag_next_deadline()'s answer, kept until an entry changes: the world
     * asks after every event, and most hosts never reassemble anything. */
    bool next_known;                              /* next_ns is the earliest deadline */
    uint64_t next_ns;                             /* that deadline, or UINT64_MAX */
};

void ipfrag_init(struct ipfrag_table *t);

/* A fragment for this host: p->data is its IPv4 header (trimmed to the total
 * length, l3_off set), ip its parsed header. Takes ownership of p. Returns the
 * whole datagram (a new packet, data at a rewritten IPv4 header with MF and
 * offset clear, l3_off set) when p completed it, else NULL (p held or
 * dropped). */
struct pkt *ipfrag_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip);

/* Run out the timers that are due. */
void ipfrag_poll(struct host *h);
/* The earliest reassembly deadline, or UINT64_MAX. Scans the table only when
 * an entry changed since the last answer. */
uint64_t ipfrag_next_deadline(struct host *h);
/* Drop everything held (host teardown). */
void ipfrag_flush(struct host *h);  /* also frees the slots */
/* Datagrams in progress. */
unsigned ipfrag_count(const struct host *h);

#endif
