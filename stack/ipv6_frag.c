/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6_frag.c - IPv6 fragmentation at the source and reassembly at the
 * destination [RFC 8200 4.5], overlapping fragments [RFC 5722], fragment
 * identifications [RFC 7739 5.3.3].
 *
 * Called by: ipv6_output() (a packet over the path MTU), ipv6_input() (a
 * fragment that is not atomic), ipv6_poll() (the 60-second timer).
 * Calls: nd6_output(), eth_output(), icmp6_send_error().
 */
#include "stack/ipv6_frag.h"

#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/pkt.h"
#include "stack/tcp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"

/* [RFC 7739 5.3.3] Identification = F(src, dst, secret1) +
 * counter[G(src, dst, secret2)]: each (source, destination) pair sees ids
 * that go up by one, starting somewhere nobody else can predict. */
static uint32_t
next_id(struct host *h, const struct ip6_addr *src, const struct ip6_addr *dst)
{
    uint8_t in[33];
    memcpy(in, src->b, 16);
    memcpy(in + 16, dst->b, 16);
    in[32] = 'F';
    uint32_t offset = (uint32_t)tcp_siphash24(h->ip6->frag.id_key, in, sizeof in);
    in[32] = 'G';
    unsigned slot = (unsigned)(tcp_siphash24(h->ip6->frag.id_key, in, sizeof in) %
                               IP6_FRAG_COUNTERS);
    return offset + ++h->ip6->frag.counters[slot];
}

int
ipv6_fragment_output(struct host *h, struct iface *ifc, struct pkt *p, uint32_t mtu,
                     const struct ip6_addr *next_hop)
{
    const uint8_t *b = p->data;
    struct ip6_addr src, dst;
    memcpy(src.b, b + 8, 16);
    memcpy(dst.b, b + 24, 16);
    size_t data_len = p->len - IPV6_HDR_LEN;
    /* [RFC 8200 4.5] each fragment's data is a multiple of 8 bytes (all
     * but the last), as much as fits with the header and the fragment
     * header in the MTU. */
    size_t chunk = ((mtu - IPV6_HDR_LEN - IP6_FRAG_HDR_LEN) / 8) * 8;
    size_t n_frags = (data_len + chunk - 1) / chunk;
    uint32_t id = next_id(h, &src, &dst);
    char s[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.5",
                "%s > %s: %zu bytes, more than the path MTU %u: the source fragments it (a "
                "router never would) into %zu fragments of at most %zu bytes of data, "
                "identification 0x%08x [RFC 7739 5.3.3]", ip6_addr_str(&src, s),
                ip6_addr_str(&dst, d), p->len, mtu, n_frags, chunk, id);
    bool mcast = ip6_addr_is_multicast(&dst);
    int rc = 0;
    for (size_t k = 0; k < n_frags; k++) {
        size_t off = k * chunk;
        size_t len = data_len - off < chunk ? data_len - off : chunk;
        bool more = k + 1 < n_frags;
        struct pkt *f = host_pkt_alloc(h, PKT_HEADROOM, IPV6_HDR_LEN + IP6_FRAG_HDR_LEN + len);
        uint8_t *fb = f != NULL ? pkt_put(f, IPV6_HDR_LEN + IP6_FRAG_HDR_LEN + len) : NULL;
        if (fb == NULL) {
            if (f != NULL)
                pkt_drop(h, f, LAYER_IPV6, DROP_NO_MEMORY);
            rc = -ERR_NOBUFS;
            break;
        }
        f->cause = p->cause;
        memcpy(fb, b, IPV6_HDR_LEN);
        be16_put(fb + 4, (uint16_t)(IP6_FRAG_HDR_LEN + len));
        fb[6] = IPV6_NH_FRAGMENT;
        /* [RFC 8200 4.5] the fragment header: the original next header,
         * the offset in 8-byte units, M on all but the last, the id. */
        uint8_t *fh = fb + IPV6_HDR_LEN;
        fh[0] = b[6];
        fh[1] = 0;
        be16_put(fh + 2, (uint16_t)(off | (more ? 1u : 0u)));
        be32_put(fh + 4, id);
        memcpy(fh + IP6_FRAG_HDR_LEN, b + IPV6_HDR_LEN + off, len);
        f->l3_off = pkt_off(f);
        f->l4_off = -1;
        h->ip6->stats.frag_created++;
        trace_tx(h, LAYER_IPV6, f, "RFC 8200 4.5",
                 "%s > %s, fragment %zu of %zu on %s: offset %zu (%zu in 8-byte units), %zu "
                 "bytes, %s, id 0x%08x", s, d, k + 1, n_frags, ifc->name, off, off / 8, len,
                 more ? "more fragments" : "the last", id);
        int r;
        if (mcast) {
            uint8_t mac[ETH_ALEN];
            ip6_multicast_mac(&dst, mac);
            r = eth_output(ifc, f, mac, ETHERTYPE_IPV6);
        } else {
            r = nd6_output(ifc, f, next_hop);
        }
        if (r < 0 && rc == 0)
            rc = r;
    }
    if (rc == 0)
        h->ip6->stats.frag_ok++;
    pkt_free(p);
    return rc;
}

/* --- reassembly ---------------------------------------------------------- */

static void
entry_drop(struct host *h, struct ip6_reasm *e, enum drop_reason why)
{
    for (unsigned i = 0; i < e->n; i++)
        pkt_drop(h, e->f[i].p, LAYER_IPV6, why);
    e->n = 0;
}

/* Give the packet up: every fragment dropped for `why`; a dead entry stays
 * until its timer so that the rest of its fragments are dropped too. */
static void
entry_abandon(struct host *h, struct ip6_reasm *e, enum drop_reason why, bool keep_dead)
{
    entry_drop(h, e, why);
    h->ip6->stats.reasm_fails++;
    if (keep_dead)
        e->dead = true;
    else
        *e = (struct ip6_reasm){ 0 };
}

static struct ip6_reasm *
entry_find(struct host *h, const struct ip6_addr *src, const struct ip6_addr *dst, uint32_t id,
           bool create)
{
    struct ip6_reasm *free_slot = NULL;
    for (unsigned i = 0; i < IP6_REASM_MAX; i++) {
        struct ip6_reasm *e = &h->ip6->frag.reasm[i];
        if (!e->used) {
            if (free_slot == NULL)
                free_slot = e;
            continue;
        }
        if (e->id == id && ip6_addr_eq(&e->src, src) && ip6_addr_eq(&e->dst, dst))
            return e;
    }
    if (!create || free_slot == NULL)
        return NULL;
    *free_slot = (struct ip6_reasm){ .used = true, .src = *src, .dst = *dst, .id = id,
                                     .expires_ns = h->now_ns + IP6_REASM_TIMEOUT_NS };
    return free_slot;
}

/* Put the packet together: the first fragment's unfragmentable part with
 * its fragment header taken out, then every fragment's data in place. */
static struct pkt *
entry_join(struct host *h, struct ip6_reasm *e, size_t *frag_off, size_t *nh_field)
{
    const struct ip6_reasm_frag *first = NULL;
    for (unsigned i = 0; i < e->n && first == NULL; i++)
        if (e->f[i].start == 0)
            first = &e->f[i];
    size_t unfrag = first->frag_off;
    struct pkt *w = host_pkt_alloc(h, PKT_HEADROOM, unfrag + e->total);
    uint8_t *wb = w != NULL ? pkt_put(w, unfrag + e->total) : NULL;
    if (wb == NULL) {
        if (w != NULL)
            pkt_free(w);
        entry_abandon(h, e, DROP_NO_MEMORY, false);
        return NULL;
    }
    const uint8_t *fb = first->p->data;
    memcpy(wb, fb, unfrag);
    /* [RFC 8200 4.5] the next header of the last unfragmentable header is
     * what the first fragment's fragment header named; the payload length
     * is the unfragmentable headers' plus the data's. */
    wb[first->nh_field] = fb[unfrag];
    be16_put(wb + 4, (uint16_t)(unfrag - IPV6_HDR_LEN + e->total));
    for (unsigned i = 0; i < e->n; i++) {
        const struct ip6_reasm_frag *f = &e->f[i];
        memcpy(wb + unfrag + f->start, f->p->data + f->frag_off + IP6_FRAG_HDR_LEN,
               f->end - f->start);
    }
    w->l3_off = pkt_off(w);
    w->rx_ifc = first->p->rx_ifc;
    w->cause = first->p->cause;
    *frag_off = unfrag;
    *nh_field = first->nh_field;
    char s[IPV6_ADDR_STRLEN], d[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_STATE, LAYER_IPV6, w, "RFC 8200 4.5",
                "%s > %s id 0x%08x: all %u fragments are here; reassembled into %zu bytes "
                "(fragment header gone, next header %u)", ip6_addr_str(&e->src, s),
                ip6_addr_str(&e->dst, d), e->id, e->n, unfrag + e->total, wb[first->nh_field]);
    for (unsigned i = 0; i < e->n; i++)
        pkt_free(e->f[i].p);
    h->ip6->stats.reasm_ok++;
    *e = (struct ip6_reasm){ 0 };
    return w;
}

struct pkt *
ipv6_reasm_input(struct host *h, struct pkt *p, size_t *frag_off, size_t *nh_field)
{
    const uint8_t *b = p->data;
    size_t fo_at = *frag_off;
    uint16_t fo = be16_get(b + fo_at + 2);
    uint32_t start = fo & 0xfff8u;
    bool more = (fo & 1) != 0;
    uint32_t id = be32_get(b + fo_at + 4);
    uint32_t len = (uint32_t)(p->len - fo_at - IP6_FRAG_HDR_LEN);
    struct ip6_addr src, dst;
    memcpy(src.b, b + 8, 16);
    memcpy(dst.b, b + 24, 16);
    h->ip6->stats.reasm_reqd++;
    trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.5",
                "fragment id 0x%08x: offset %u (%u in 8-byte units), %u bytes, %s", id, start,
                start / 8, len, more ? "more to come" : "the last");
    if (more && len % 8 != 0) {
        /* [RFC 8200 4.5] a fragment that is not the last must carry a
         * multiple of 8 bytes: parameter problem, code 0, pointing at the
         * payload length. */
        trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.5",
                    "%u bytes with more to come is not a multiple of 8: parameter problem "
                    "pointing at the payload length", len);
        icmp6_send_error(h, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 4, false);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_BAD_LEN);
        return NULL;
    }
    if (start + len > 65535u) {
        /* [RFC 8200 4.5] past the largest payload: parameter problem, code
         * 0, pointing at the fragment offset. */
        trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 8200 4.5",
                    "offset %u + %u bytes runs past 65535: parameter problem pointing at the "
                    "fragment offset", start, len);
        icmp6_send_error(h, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER,
                         (uint32_t)(fo_at + 2), false);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_TOO_LONG);
        return NULL;
    }
    struct ip6_reasm *e = entry_find(h, &src, &dst, id, true);
    if (e == NULL) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_LIMIT);
        return NULL;
    }
    if (e->dead) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_DEAD);
        return NULL;
    }
    uint32_t end = start + len;
    for (unsigned i = 0; i < e->n; i++) {
        if (start < e->f[i].end && end > e->f[i].start) {
            /* [RFC 5722 4] overlapping fragments are how attacks slip past
             * filters: the whole packet is dropped, its fragments yet to
             * come too, and no ICMP is sent. */
            trace_event(h, TRACE_STATE, LAYER_IPV6, p, "RFC 5722 4",
                        "bytes %u..%u overlap bytes %u..%u of an earlier fragment of id "
                        "0x%08x: the whole packet is dropped, and its later fragments", start,
                        end, e->f[i].start, e->f[i].end, id);
            pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_OVERLAP);
            entry_abandon(h, e, DROP_IPV6_FRAG_OVERLAP, true);
            return NULL;
        }
    }
    bool past_end = e->have_last && (end > e->total || (!more && end != e->total));
    for (unsigned i = 0; i < e->n && !more && !past_end; i++)
        past_end = e->f[i].end > end;
    if (past_end) {
        trace_event(h, TRACE_STATE, LAYER_IPV6, p, "RFC 8200 4.5",
                    "bytes %u..%u disagree with where the last fragment says id 0x%08x ends: "
                    "the packet is dropped", start, end, id);
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_INCONSISTENT);
        entry_abandon(h, e, DROP_IPV6_FRAG_INCONSISTENT, false);
        return NULL;
    }
    if (e->n == IP6_REASM_RANGES) {
        pkt_drop(h, p, LAYER_IPV6, DROP_IPV6_FRAG_LIMIT);
        entry_abandon(h, e, DROP_IPV6_FRAG_LIMIT, false);
        return NULL;
    }
    e->f[e->n++] = (struct ip6_reasm_frag){ .p = p, .start = start, .end = end,
                                            .frag_off = (uint16_t)fo_at,
                                            .nh_field = (uint16_t)*nh_field };
    if (!more) {
        e->have_last = true;
        e->total = end;
    }
    uint32_t held = 0;
    bool have_first = false;
    for (unsigned i = 0; i < e->n; i++) {
        held += e->f[i].end - e->f[i].start;
        have_first |= e->f[i].start == 0;
    }
    if (!e->have_last || !have_first || held != e->total)
        return NULL;
    return entry_join(h, e, frag_off, nh_field);
}

void
ipv6_reasm_poll(struct host *h)
{
    for (unsigned i = 0; i < IP6_REASM_MAX; i++) {
        struct ip6_reasm *e = &h->ip6->frag.reasm[i];
        if (!e->used || h->now_ns < e->expires_ns)
            continue;
        if (e->dead) {
            *e = (struct ip6_reasm){ 0 };
            continue;
        }
        const struct ip6_reasm_frag *first = NULL;
        for (unsigned k = 0; k < e->n && first == NULL; k++)
            if (e->f[k].start == 0)
                first = &e->f[k];
        char s[IPV6_ADDR_STRLEN];
        trace_event(h, TRACE_STATE, LAYER_IPV6, first != NULL ? first->p : NULL,
                    "RFC 8200 4.5",
                    "id 0x%08x from %s: 60 seconds and still not whole (%u fragments held): "
                    "dropped%s", e->id, ip6_addr_str(&e->src, s), e->n,
                    first != NULL ? "; the first fragment came, so its source hears time "
                                    "exceeded, code 1"
                                  : "; the first fragment never came, so no error is sent");
        /* [RFC 8200 4.5] time exceeded, fragment reassembly time exceeded,
         * to the source, but only when the first fragment arrived. */
        if (first != NULL)
            icmp6_send_error(h, first->p, ICMP6_TIME_EXCEEDED, ICMP6_TIMEEX_REASSEMBLY, 0,
                             false);
        entry_abandon(h, e, DROP_IPV6_FRAG_TIMEOUT, false);
    }
}

uint64_t
ipv6_reasm_deadline(const struct host *h)
{
    uint64_t t = UINT64_MAX;
    for (unsigned i = 0; i < IP6_REASM_MAX; i++) {
        const struct ip6_reasm *e = &h->ip6->frag.reasm[i];
        if (e->used && e->expires_ns < t)
            t = e->expires_ns;
    }
    return t;
}

void
ipv6_reasm_flush(struct host *h)
{
    for (unsigned i = 0; i < IP6_REASM_MAX; i++) {
        struct ip6_reasm *e = &h->ip6->frag.reasm[i];
        for (unsigned k = 0; k < e->n; k++)
            pkt_free(e->f[k].p);
        *e = (struct ip6_reasm){ 0 };
    }
}
