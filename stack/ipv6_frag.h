/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6_frag.h - IPv6 fragmentation, which only the source does [RFC 8200
 * 4.5, 5], and reassembly at the destination with RFC 8200 4.5's rules:
 * a 60-second timer (time exceeded code 1 when the first fragment came),
 * a parameter problem for a fragment whose length is not a multiple of 8 or
 * that runs past 65535 bytes, and a datagram with overlapping fragments
 * dropped whole [RFC 5722]. Atomic fragments (offset 0, M clear) never get
 * here: ipv6_input() processes them whole [RFC 6946].
 *
 * Fragment identifications follow RFC 7739 5.3.3: a keyed hash of the
 * source and destination picks a counter and adds an offset, so one
 * destination sees ids that increase, and nobody can guess another's. The
 * key is derived from the host's seeded RFC 7217 key: deterministic runs.
 */
#ifndef NETSTEP_STACK_IPV6_FRAG_H
#define NETSTEP_STACK_IPV6_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/wire/ipv6.h"

struct host;
struct iface;
struct pkt;

#define IP6_FRAG_HDR_LEN     8
#define IP6_REASM_MAX        8      /* packets reassembled at once per host */
#define IP6_REASM_RANGES     64     /* fragments per packet */
#define IP6_REASM_TIMEOUT_NS (60ull * 1000 * 1000 * 1000)  /* [RFC 8200 4.5] 60 s */
#define IP6_FRAG_COUNTERS    64     /* RFC 7739 5.3.3's table of counters */

/* One fragment held: its packet (data at the IPv6 header) and the bytes of
 * the fragmentable part it carries, [start, end). */
struct ip6_reasm_frag {
    struct pkt *p;
    uint32_t start, end;
    uint16_t frag_off;        /* where its fragment header starts */
    uint16_t nh_field;        /* where the next-header field naming it sits */
};

/* One packet being put back together. */
struct ip6_reasm {
    bool used;
    bool dead;                /* an overlap killed it [RFC 5722]: drop the rest until expiry */
    struct ip6_addr src, dst; /* the key [RFC 8200 4.5] ... */
    uint32_t id;              /* ... with the identification */
    uint64_t expires_ns;      /* 60 s after the first fragment to arrive */
    struct ip6_reasm_frag f[IP6_REASM_RANGES];  /* held, in arrival order */
    unsigned n;
    bool have_last;           /* the fragment with M clear came */
    uint32_t total;           /* the fragmentable part's length, once have_last */
};

struct ip6_frag_state {
    uint64_t id_key[2];                       /* RFC 7739's secret, from the RFC 7217 key */
    uint32_t counters[IP6_FRAG_COUNTERS];
    struct ip6_reasm reasm[IP6_REASM_MAX];
};

/* Send the IPv6 packet p (p->data is its 40-byte header, no extension
 * headers) in fragments of at most `mtu` bytes on ifc to next_hop
 * [RFC 8200 4.5]. Takes ownership of p. */
int ipv6_fragment_output(struct host *h, struct iface *ifc, struct pkt *p, uint32_t mtu,
                         const struct ip6_addr *next_hop);

/* A non-atomic fragment for this host: p->data is its IPv6 header, the
 * fragment header at *frag_off, named by the next-header field at
 * *nh_field. Takes ownership of p. Returns the whole packet when this
 * fragment completed it, else NULL (held, or dropped with its reason). The
 * whole packet is the first fragment's unfragmentable part, then the data:
 * *frag_off is set to where the data starts, *nh_field to the field that
 * now names what the fragment header named. */
struct pkt *ipv6_reasm_input(struct host *h, struct pkt *p, size_t *frag_off, size_t *nh_field);

void ipv6_reasm_poll(struct host *h);
uint64_t ipv6_reasm_deadline(const struct host *h);
void ipv6_reasm_flush(struct host *h);

#endif
