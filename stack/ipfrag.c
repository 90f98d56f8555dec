/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipfrag.c - IPv4 reassembly [RFC 791 3.2]: hold fragments, rebuild the
 * datagram, give up at the timer; overlap, duplicate and memory policies as
 * ipfrag.h states them.
 *
 * A held fragment keeps its own bytes (data at its IPv4 header); its offset
 * and length are read back from the header, so nothing is added to struct
 * pkt. The list of an entry is sorted by offset and never holds two
 * fragments that overlap, so "every byte is in" is "the lengths add up to the
 * total" once the last fragment has told the total.
 * Called by: ipv4_input(), host_poll(), host_destroy().
 * Calls: icmp_send_error(), pkt_drop(), trace_*().
 */
#include "stack/ipfrag.h"

#include <stdlib.h>
#include <string.h>

#include "stack/drop.h"
#include "stack/host.h"
#include "stack/icmp.h"
#include "stack/pkt.h"
#include "stack/wire/bytes.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"

/* Slots to look through: none before the first fragment. */
static unsigned
ipfrag_slots(const struct ipfrag_table *t)
{
    return t->e != NULL ? IPFRAG_MAX_DATAGRAMS : 0;
}

void
ipfrag_init(struct ipfrag_table *t)
{
    memset(t, 0, sizeof(*t));
    t->timeout_ns = IPFRAG_TIMEOUT_NS;
    t->mem_max = IPFRAG_MEM_MAX;
}

/* Offset of a held fragment's payload in the datagram, in bytes. */
static uint32_t
frag_start(const struct pkt *f)
{
    return (uint32_t)(be16_get(f->data + IPV4_OFF_FRAG) & IPV4_FRAG_MASK) * 8;
}

/* Payload bytes a held fragment carries. */
static uint32_t
frag_len(const struct pkt *f)
{
    return (uint32_t)f->len - (uint32_t)(f->data[0] & 0xf) * 4;
}

static struct ipfrag_entry *
ipfrag_find(struct host *h, const struct ipv4_hdr *ip)
{
    for (unsigned i = 0; i < ipfrag_slots(&h->ipfrag); i++) {
        struct ipfrag_entry *e = &h->ipfrag.e[i];
        if (e->used && e->src == ip->src && e->dst == ip->dst && e->proto == ip->proto &&
            e->id == ip->id)
            return e;
    }
    return NULL;
}

/* Drop every fragment e holds for `why`; the entry stays as it is. */
static void
ipfrag_drop_all(struct host *h, struct ipfrag_entry *e, enum drop_reason why)
{
    struct pkt *f = e->frags;
    while (f != NULL) {
        struct pkt *next = f->next;
        f->next = NULL;
        pkt_drop(h, f, LAYER_IPV4, why);
        f = next;
    }
    h->ipfrag.mem -= e->mem;
    e->frags = NULL;
    e->n_frags = 0;
    e->have_len = 0;
    e->mem = 0;
}

static void
ipfrag_free_entry(struct host *h, struct ipfrag_entry *e, enum drop_reason why)
{
    h->ipfrag.next_known = false;
    ipfrag_drop_all(h, e, why);
    memset(e, 0, sizeof(*e));
}

/* Kill the datagram: every fragment, this one too, and every later one until
 * the timer runs out [RFC 5722 4]. */
static void
ipfrag_kill(struct host *h, struct ipfrag_entry *e, struct pkt *p, const char *what)
{
    trace_event(h, TRACE_NOTE, LAYER_IPV4, p, "RFC 5722 4",
                "fragment of id %u %s: discard the whole datagram (%u fragments held)", e->id,
                what, e->n_frags);
    h->ipfrag.overlaps++;
    ipfrag_drop_all(h, e, DROP_IPV4_FRAG_OVERLAP);
    e->dead = true;
    e->have_last = false;
    e->total_len = 0;
    pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_OVERLAP);
}

/* Every byte is in: build the datagram from the fragments and free them. */
static struct pkt *
ipfrag_rebuild(struct host *h, struct ipfrag_entry *e, const struct pkt *last)
{
    struct pkt *first = e->frags;
    struct ipv4_hdr ip;
    /* The first fragment's header, options and all, heads the datagram
     * [RFC 791 3.2 "reassembly"]. It parsed when it arrived. */
    if (ipv4_parse(first->data, first->len, &ip) != DROP_NONE)
        return NULL;
    size_t hl = ip.ihl;
    struct pkt *d = host_pkt_alloc(h, PKT_HEADROOM, hl + e->total_len);
    if (d == NULL)
        return NULL;
    uint8_t *b = pkt_put(d, hl + e->total_len);
    for (const struct pkt *f = e->frags; f != NULL; f = f->next)
        memcpy(b + hl + frag_start(f), f->data + (f->data[0] & 0xf) * 4, frag_len(f));
    ip.total_len = (uint16_t)(hl + e->total_len);
    ip.mf = false;
    ip.frag_off = 0;
    ipv4_emit(&ip, b);
    d->l3_off = pkt_off(d);
    d->rx_ifc = last->rx_ifc;
    return d;
}

static struct pkt *
ipfrag_input_table(struct host *h, struct pkt *p, const struct ipv4_hdr *ip)
{
    struct ipfrag_table *t = &h->ipfrag;
    uint32_t start = ip->frag_off;
    uint32_t len = (uint32_t)ip->total_len - ip->ihl;
    uint32_t end = start + len;
    /* [RFC 791 3.2] every fragment but the last carries a multiple of 8
     * bytes, and the datagram fits the 16-bit total length. */
    if (len == 0 || (ip->mf && len % 8 != 0) || end + ip->ihl > IPV4_MAX_LEN) {
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_BAD);
        return NULL;
    }
    if (t->mem + p->len > t->mem_max) {
        trace_event(h, TRACE_NOTE, LAYER_IPV4, p, NULL,
                    "reassembly memory full (%zu of %zu bytes held): fragment not held", t->mem,
                    t->mem_max);
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_NO_ROOM);
        return NULL;
    }
    struct ipfrag_entry *e = ipfrag_find(h, ip);
    if (e == NULL && t->e == NULL) {
        /* The host's first fragment: the slots are allocated now. */
        t->e = calloc(IPFRAG_MAX_DATAGRAMS, sizeof *t->e);
        if (t->e == NULL) {
            trace_event(h, TRACE_NOTE, LAYER_IPV4, p, NULL,
                        "no memory for a reassembly table: fragment not held");
            pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_NO_ROOM);
            return NULL;
        }
    }
    if (e == NULL) {
        for (unsigned i = 0; i < IPFRAG_MAX_DATAGRAMS && e == NULL; i++)
            if (!t->e[i].used)
                e = &t->e[i];
        if (e == NULL) {
            trace_event(h, TRACE_NOTE, LAYER_IPV4, p, NULL,
                        "reassembly table full (%u datagrams): fragment not held",
                        IPFRAG_MAX_DATAGRAMS);
            pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_NO_ROOM);
            return NULL;
        }
        memset(e, 0, sizeof(*e));
        e->used = true;
        e->src = ip->src;
        e->dst = ip->dst;
        e->proto = ip->proto;
        e->id = ip->id;
        e->expires_ns = h->now_ns + t->timeout_ns;
        trace_event(h, TRACE_TIMER, LAYER_IPV4, p, "RFC 791 3.2",
                    "first fragment of id %u to arrive: reassembly timer %llu s", ip->id,
                    (unsigned long long)(t->timeout_ns / 1000000000ull));
    }
    if (e->dead) {
        pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_OVERLAP);
        return NULL;
    }
    /* Where the datagram ends must be told once, and nothing may lie past it. */
    if (!ip->mf) {
        if ((e->have_last && e->total_len != end)) {
            ipfrag_kill(h, e, p, "disagrees on the datagram's length");
            return NULL;
        }
    } else if (e->have_last && end > e->total_len) {
        ipfrag_kill(h, e, p, "runs past the last fragment");
        return NULL;
    }
    struct pkt **at = &e->frags;
    for (struct pkt *f = e->frags; f != NULL; f = f->next) {
        uint32_t fs = frag_start(f), fe = fs + frag_len(f);
        if (fs == start && fe == end) {
            pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_FRAG_DUP);
            return NULL;
        }
        if (start < fe && fs < end) {
            ipfrag_kill(h, e, p, "overlaps one already held");
            return NULL;
        }
        if (!ip->mf && fe > end) {
            ipfrag_kill(h, e, p, "ends before data already held");
            return NULL;
        }
        if (fs < start)
            at = &f->next;
    }
    p->next = *at;
    *at = p;
    e->n_frags++;
    e->have_len += len;
    e->mem += p->len;
    t->mem += p->len;
    if (!ip->mf) {
        e->have_last = true;
        e->total_len = end;
    }
    if (!e->have_last || e->have_len != e->total_len) {
        trace_event(h, TRACE_NOTE, LAYER_IPV4, p, "RFC 791 3.2",
                    "hold fragment of id %u, bytes %u-%u (%u fragments, %u bytes%s)", ip->id,
                    start, end, e->n_frags, e->have_len, e->have_last ? "" : ", end not known yet");
        return NULL;
    }
    struct pkt *d = ipfrag_rebuild(h, e, p);
    if (d == NULL) {
        ipfrag_free_entry(h, e, DROP_NO_MEMORY);
        return NULL;
    }
    t->reassembled++;
    trace_event(h, TRACE_NOTE, LAYER_IPV4, d, "RFC 791 3.2",
                "id %u reassembled from %u fragments: %u bytes of payload", e->id, e->n_frags,
                e->total_len);
    /* The fragments are used up, not dropped. */
    struct pkt *f = e->frags;
    while (f != NULL) {
        struct pkt *next = f->next;
        pkt_free(f);
        f = next;
    }
    t->mem -= e->mem;
    memset(e, 0, sizeof(*e));
    return d;
}

struct pkt *
ipfrag_input(struct host *h, struct pkt *p, const struct ipv4_hdr *ip)
{
    /* Any entry may be created, completed or killed: forget the cached
     * deadline on the way in and out (ICMP sent inside may reach the world). */
    h->ipfrag.next_known = false;
    struct pkt *d = ipfrag_input_table(h, p, ip);
    h->ipfrag.next_known = false;
    return d;
}

void
ipfrag_poll(struct host *h)
{
    for (unsigned i = 0; i < ipfrag_slots(&h->ipfrag); i++) {
        struct ipfrag_entry *e = &h->ipfrag.e[i];
        if (!e->used || e->expires_ns > h->now_ns)
            continue;
        struct trace_cause saved = h->cause;
        host_set_cause(h, cause_timer(TIMER_IPFRAG));
        if (!e->dead) {
            h->ipfrag.timeouts++;
            bool first = e->frags != NULL && frag_start(e->frags) == 0;
            trace_event(h, TRACE_TIMER, LAYER_IPV4, NULL, "RFC 791 3.2",
                        "reassembly of id %u timed out with %u of %s bytes%s", e->id, e->have_len,
                        e->have_last ? "the" : "an unknown number of",
                        first ? ": tell the source" : "; fragment 0 never came, so say nothing");
            /* [RFC 792] time exceeded, code 1, only when fragment zero is
             * available [RFC 1122 3.3.2]: it quotes fragment 0. */
            if (first)
                icmp_send_error(h, e->frags, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
        }
        ipfrag_free_entry(h, e, DROP_IPV4_FRAG_TIMEOUT);
        host_set_cause(h, saved);
    }
}

uint64_t
ipfrag_next_deadline(struct host *h)
{
    if (h->ipfrag.next_known)
        return h->ipfrag.next_ns;
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < ipfrag_slots(&h->ipfrag); i++)
        if (h->ipfrag.e[i].used && h->ipfrag.e[i].expires_ns < next)
            next = h->ipfrag.e[i].expires_ns;
    h->ipfrag.next_ns = next;
    h->ipfrag.next_known = true;
    return next;
}

void
ipfrag_flush(struct host *h)
{
    for (unsigned i = 0; i < ipfrag_slots(&h->ipfrag); i++)
        if (h->ipfrag.e[i].used)
            ipfrag_free_entry(h, &h->ipfrag.e[i], DROP_HOST_DOWN);
    free(h->ipfrag.e);  /* allocated again by the next fragment */
    h->ipfrag.e = NULL;
}

unsigned
ipfrag_count(const struct host *h)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ipfrag_slots(&h->ipfrag); i++)
        n += h->ipfrag.e[i].used;
    return n;
}
