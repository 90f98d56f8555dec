/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_index.c - indexes over the recorded log, so the view answers a key
 * without reading every event [issue 6: a key within 50 ms at 1 000 000
 * events].
 *
 * Built once per event as the log grows (vm_index_extend()), each is an
 * append-only list, so a query is a binary search:
 *   - keys: 4 bytes an event (where, kind, layer, the headers its frame
 *     holds) that the filter tests instead of decoding the frame;
 *   - by_layer: per host and layer, its events (the layers pane's "latest
 *     event of this layer in this step");
 *   - tcp_states: per host, the TCP state changes (the state diagram);
 *   - conns: per TCP connection, the events carrying its TCB snapshot;
 *   - wire_life: the most events a frame spent on a link, which bounds how
 *     far back a frame still in flight can have been sent.
 * The lists keep each index as its difference from the one before (a byte
 * or two; struct vm_list). Memory: about 5.5 bytes an event (the key, one
 * list entry, the TCB events of a connection), measured with the rest by
 * bench/view_scale.c.
 * Called by: view_model.c, the panes, view.c. Calls: vm_event(), view_decode().
 */
#include "ui/view_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/wire/addr.h"
#include "stack/wire/ipv6.h"

#include "ui/view.h"

static uint8_t *
put_varint(uint8_t *p, uint32_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* The varint at *p (advanced); the list's own code, so never cut short. */
static uint32_t
get_varint(const uint8_t **p)
{
    uint32_t x = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint32_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0 || shift >= 28)
            return x;
    }
}

/* Append v, at least l's latest entry. 0, or -1 when memory runs out. */
static int
list_push(struct vm_list *l, size_t v)
{
    if (l->n % VM_LIST_BLOCK == 0) {
        size_t b = l->n / VM_LIST_BLOCK;
        if (b == l->cap_blocks) {
            size_t cap = l->cap_blocks ? l->cap_blocks * 2 : 4;
            struct vm_list_block *grown = realloc(l->blocks, cap * sizeof *grown);
            if (grown == NULL)
                return -1;
            l->blocks = grown;
            l->cap_blocks = cap;
        }
        if (l->code_len > UINT32_MAX)
            return -1;
        l->blocks[b].first = (uint32_t)v;
        l->blocks[b].off = (uint32_t)l->code_len;
    } else {
        if (l->code_len + 5 > l->code_cap) {
            size_t cap = l->code_cap ? l->code_cap * 2 : 64;
            uint8_t *grown = realloc(l->code, cap);
            if (grown == NULL)
                return -1;
            l->code = grown;
            l->code_cap = cap;
        }
        l->code_len = (size_t)(put_varint(l->code + l->code_len, (uint32_t)v - l->last) - l->code);
    }
    l->last = (uint32_t)v;
    l->n++;
    return 0;
}

/* The last entry of l that is at most v, or SIZE_MAX. */
static size_t
list_last_le(const struct vm_list *l, size_t v)
{
    size_t nb = (l->n + VM_LIST_BLOCK - 1) / VM_LIST_BLOCK;
    size_t lo = 0, hi = nb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->blocks[mid].first <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return SIZE_MAX;
    size_t b = lo - 1, in_block = l->n - b * VM_LIST_BLOCK;
    if (in_block > VM_LIST_BLOCK)
        in_block = VM_LIST_BLOCK;
    uint32_t cur = l->blocks[b].first;
    const uint8_t *p = l->code + l->blocks[b].off;
    for (size_t k = 1; k < in_block; k++) {
        uint32_t next = cur + get_varint(&p);
        if (next > v)
            break;
        cur = next;
    }
    return cur;
}

void
vm_list_iter_init(struct vm_list_iter *it, const struct vm_list *l)
{
    it->l = l;
    it->k = 0;
    it->cur = 0;
    it->p = NULL;
}

bool
vm_list_next(struct vm_list_iter *it, size_t *out)
{
    const struct vm_list *l = it->l;
    if (it->k >= l->n)
        return false;
    if (it->k % VM_LIST_BLOCK == 0) {
        const struct vm_list_block *b = &l->blocks[it->k / VM_LIST_BLOCK];
        it->cur = b->first;
        it->p = l->code + b->off;
    } else {
        it->cur += get_varint(&it->p);
    }
    it->k++;
    *out = it->cur;
    return true;
}

static void
list_free(struct vm_list *l)
{
    free(l->blocks);
    free(l->code);
}

static size_t
list_memory(const struct vm_list *l)
{
    return sizeof *l + l->cap_blocks * sizeof *l->blocks + l->code_cap;
}

/* Room in the per-host lists for every host of the lesson. */
static int
vm_index_hosts(struct view_model *m)
{
    size_t nh = vm_n_hosts(m);
    if (nh <= m->n_hosts_indexed && m->by_layer != NULL)
        return 0;
    struct vm_list *bl = realloc(m->by_layer, (nh ? nh : 1) * LAYER_COUNT * sizeof *bl);
    if (bl == NULL)
        return -1;
    m->by_layer = bl;
    struct vm_list *ts = realloc(m->tcp_states, (nh + 1) * sizeof *ts);
    if (ts == NULL)
        return -1;
    m->tcp_states = ts;
    size_t old = m->n_hosts_indexed;
    memset(bl + old * LAYER_COUNT, 0, (nh - old) * LAYER_COUNT * sizeof *bl);
    memset(ts + (old ? old + 1 : 0), 0, (nh + 1 - (old ? old + 1 : 0)) * sizeof *ts);
    m->n_hosts_indexed = nh;
    return 0;
}

static int
vm_where_id(struct view_model *m, const char *where)
{
    /* the record interns names: one pointer per name */
    for (size_t i = m->n_wheres; i-- > 0;)
        if (m->wheres[i] == where)
            return (int)i;
    if (m->n_wheres >= UINT16_MAX)
        return -1;
    if (m->n_wheres == m->cap_wheres) {
        size_t cap = m->cap_wheres ? m->cap_wheres * 2 : 16;
        const char **grown = realloc(m->wheres, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        m->wheres = grown;
        m->cap_wheres = cap;
    }
    m->wheres[m->n_wheres] = where;
    return (int)m->n_wheres++;
}

/* Whether c is the connection snapshot t names. */
static bool
vm_conn_is(const struct vm_conn *c, int host, const struct trace_tcb *t)
{
    return c->host == host && c->laddr == t->laddr && c->lport == t->lport &&
           c->faddr == t->faddr && c->fport == t->fport && c->v6 == t->v6 &&
           c->mapped == t->mapped &&
           (!t->v6 || (memcmp(c->laddr6, t->laddr6, 16) == 0 &&
                       memcmp(c->faddr6, t->faddr6, 16) == 0));
}

static struct vm_conn *
vm_conn_of(struct view_model *m, int host, const struct trace_tcb *t, struct vm_conn **last)
{
    struct vm_conn *c = *last;
    if (c != NULL && vm_conn_is(c, host, t))
        return c;
    for (size_t i = 0; i < m->n_conns; i++) {
        c = &m->conns[i];
        if (vm_conn_is(c, host, t))
            return *last = c;
    }
    if (m->n_conns == m->cap_conns) {
        size_t cap = m->cap_conns ? m->cap_conns * 2 : 8;
        struct vm_conn *grown = realloc(m->conns, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        m->conns = grown;
        m->cap_conns = cap;
    }
    c = &m->conns[m->n_conns++];
    memset(c, 0, sizeof *c);
    c->host = host;
    c->laddr = t->laddr;
    c->lport = t->lport;
    c->faddr = t->faddr;
    c->fport = t->fport;
    c->v6 = t->v6;
    c->mapped = t->mapped;
    memcpy(c->laddr6, t->laddr6, 16);
    memcpy(c->faddr6, t->faddr6, 16);
    return *last = c;
}

/* What view_frame_protos() said of the event before: a frame's events
 * share its bytes in the log (record.h), and decoding is most of the
 * indexes' cost, so an event that decodes as the one before it (a WIRE
 * event after its frame's Ethernet TX, a delivery after its segment's TCP
 * RX) takes its answer. Keyed by everything view_frame_protos() reads,
 * but the layer when the frame decodes from its Ethernet header
 * (view_decode_into() reads the layer only for a header-less start). */
struct protos_memo {
    const uint8_t *bytes;
    size_t len;
    int16_t l2, l3, l4;
    int layer;
    uint8_t bits;
};

static uint8_t
frame_protos(struct protos_memo *memo, const struct record_event *ev)
{
    if (ev->bytes == NULL)
        return (uint8_t)view_frame_protos(ev);
    bool from_eth = ev->l2_off != RECORD_OFF_NONE && ev->l2_off >= 0 &&
                    (size_t)ev->l2_off < ev->len;
    int layer = from_eth ? -1 : (int)ev->layer;
    if (memo->bytes != ev->bytes || memo->len != ev->len || memo->l2 != ev->l2_off ||
        memo->l3 != ev->l3_off || memo->l4 != ev->l4_off || memo->layer != layer) {
        memo->bytes = ev->bytes;
        memo->len = ev->len;
        memo->l2 = ev->l2_off;
        memo->l3 = ev->l3_off;
        memo->l4 = ev->l4_off;
        memo->layer = layer;
        memo->bits = (uint8_t)view_frame_protos(ev);
    }
    return memo->bits;
}

int
vm_index_extend(struct view_model *m)
{
    struct protos_memo memo = { .bytes = NULL };
    if (m->n_events > UINT32_MAX || vm_index_hosts(m) < 0)
        return -1;
    if (m->n_events > m->cap_keys) {
        /* the log grows a step at a time while the script runs: double */
        size_t cap = m->cap_keys * 2 > m->n_events ? m->cap_keys * 2 : m->n_events;
        struct vm_key *keys = realloc(m->keys, cap * sizeof *keys);
        if (keys == NULL)
            return -1;
        m->keys = keys;
        m->cap_keys = cap;
    }
    struct vm_conn *last = NULL;
    int nh = (int)m->n_hosts_indexed;
    for (size_t i = m->n_indexed; i < m->n_events; i++) {
        struct record_event ev;
        if (!vm_event_facts(m, i, &ev))  /* no sentence: none is read here */
            return -1;
        int w = vm_where_id(m, ev.where);
        if (w < 0)
            return -1;
        m->keys[i].where = (uint16_t)w;
        m->keys[i].kl = (uint8_t)((ev.kind & 15) << 4 | (ev.layer & 15));
        m->keys[i].protos = frame_protos(&memo, &ev);
        if (ev.host < 0 || ev.host >= nh)
            continue;
        if (list_push(&m->by_layer[(size_t)ev.host * LAYER_COUNT + ev.layer], i) < 0)
            return -1;
        if (ev.kind == TRACE_STATE && ev.layer == LAYER_TCP &&
            (list_push(&m->tcp_states[0], i) < 0 || list_push(&m->tcp_states[ev.host + 1], i) < 0))
            return -1;
        if (ev.has_tcb) {
            struct vm_conn *c = vm_conn_of(m, ev.host, &ev.tcb, &last);
            if (c == NULL || list_push(&c->events, i) < 0)
                return -1;
        }
    }
    m->n_indexed = m->n_events;
    /* every wire, ended or not: a frame still on a link counts to the end.
     * Wires before first_open_wire have their end and were counted once. */
    for (size_t k = m->wires_lived; k < m->n_wires; k++) {
        size_t life = m->wires[k].end - m->wires[k].at;
        if (life > m->wire_life)
            m->wire_life = life;
    }
    m->wires_lived = m->first_open_wire;
    return 0;
}

void
vm_index_free(struct view_model *m)
{
    size_t nh = m->n_hosts_indexed;
    for (size_t i = 0; m->by_layer != NULL && i < nh * LAYER_COUNT; i++)
        list_free(&m->by_layer[i]);
    for (size_t i = 0; m->tcp_states != NULL && i < nh + 1; i++)
        list_free(&m->tcp_states[i]);
    for (size_t i = 0; i < m->n_conns; i++)
        list_free(&m->conns[i].events);
    free(m->by_layer);
    free(m->tcp_states);
    free(m->conns);
    free(m->keys);
    free(m->wheres);
}

static void
list_compact(struct vm_list *l)
{
    size_t nb = (l->n + VM_LIST_BLOCK - 1) / VM_LIST_BLOCK;
    if (nb > 0 && nb < l->cap_blocks) {
        struct vm_list_block *b = realloc(l->blocks, nb * sizeof *b);
        if (b != NULL) {
            l->blocks = b;
            l->cap_blocks = nb;
        }
    }
    if (l->code_len > 0 && l->code_len < l->code_cap) {
        uint8_t *c = realloc(l->code, l->code_len);
        if (c != NULL) {
            l->code = c;
            l->code_cap = l->code_len;
        }
    }
}

void
vm_index_compact(struct view_model *m)
{
    size_t nh = m->n_hosts_indexed;
    for (size_t i = 0; m->by_layer != NULL && i < nh * LAYER_COUNT; i++)
        list_compact(&m->by_layer[i]);
    for (size_t i = 0; m->tcp_states != NULL && i < nh + 1; i++)
        list_compact(&m->tcp_states[i]);
    for (size_t i = 0; i < m->n_conns; i++)
        list_compact(&m->conns[i].events);
    if (m->n_indexed > 0 && m->n_indexed < m->cap_keys) {
        struct vm_key *keys = realloc(m->keys, m->n_indexed * sizeof *keys);
        if (keys != NULL) {
            m->keys = keys;
            m->cap_keys = m->n_indexed;
        }
    }
}

size_t
vm_index_memory(const struct view_model *m)
{
    size_t n = m->cap_keys * sizeof *m->keys + m->cap_wheres * sizeof *m->wheres +
               m->cap_conns * sizeof *m->conns;
    size_t nh = m->n_hosts_indexed;
    for (size_t i = 0; m->by_layer != NULL && i < nh * LAYER_COUNT; i++)
        n += list_memory(&m->by_layer[i]);
    for (size_t i = 0; m->tcp_states != NULL && i < nh + 1; i++)
        n += list_memory(&m->tcp_states[i]);
    for (size_t i = 0; i < m->n_conns; i++)
        n += list_memory(&m->conns[i].events) - sizeof m->conns[i].events;
    return n;
}

size_t
vm_last_at_layer(const struct view_model *m, int host, enum trace_layer layer, size_t i)
{
    if (host < 0 || (size_t)host >= m->n_hosts_indexed || (unsigned)layer >= LAYER_COUNT)
        return SIZE_MAX;
    return list_last_le(&m->by_layer[(size_t)host * LAYER_COUNT + layer], i);
}

size_t
vm_last_tcp_state(const struct view_model *m, int host, size_t i)
{
    if (m->tcp_states == NULL || host < -1 || host >= (int)m->n_hosts_indexed)
        return SIZE_MAX;
    return list_last_le(&m->tcp_states[host + 1], i);
}

size_t
vm_conn_last(const struct view_model *m, const struct vm_conn *c, size_t i)
{
    if (!c->v6)
        return vm_last_tcb(m, c->host, c->laddr, c->lport, c->faddr, c->fport, i);
    /* as vm_last_tcb(): a local address not chosen yet (::) matches the
     * same connection once it is */
    static const uint8_t any[16];
    bool any_local = memcmp(c->laddr6, any, 16) == 0;
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < m->n_conns; k++) {
        const struct vm_conn *o = &m->conns[k];
        if (!o->v6 || o->host != c->host || o->lport != c->lport || o->fport != c->fport ||
            memcmp(o->faddr6, c->faddr6, 16) != 0 ||
            (!any_local && memcmp(o->laddr6, c->laddr6, 16) != 0))
            continue;
        size_t at = list_last_le(&o->events, i);
        if (at != SIZE_MAX && (best == SIZE_MAX || at > best))
            best = at;
    }
    return best;
}

char *
vm_conn_foreign(const struct vm_conn *c, char *buf)
{
    if (c->v6) {
        /* brackets keep the port apart from the address's colons
         * [RFC 5952 6] */
        struct ip6_addr a;
        char s[IPV6_ADDR_STRLEN];
        memcpy(a.b, c->faddr6, sizeof a.b);
        snprintf(buf, VM_ENDPOINT_STRLEN, "[%s]:%u", ip6_addr_str(&a, s), (unsigned)c->fport);
    } else {
        char s[IPV4_ADDR_STRLEN];
        snprintf(buf, VM_ENDPOINT_STRLEN, c->mapped ? "[::ffff:%s]:%u" : "%s:%u",
                 ipv4_addr_str(c->faddr, s), (unsigned)c->fport);
    }
    return buf;
}

size_t
vm_last_tcb(const struct view_model *m, int host, uint32_t laddr, uint16_t lport, uint32_t faddr,
            uint16_t fport, size_t i)
{
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < m->n_conns; k++) {
        const struct vm_conn *c = &m->conns[k];
        if (c->host != host || c->lport != lport || c->faddr != faddr || c->fport != fport ||
            (laddr != 0 && c->laddr != laddr))
            continue;
        size_t at = list_last_le(&c->events, i);
        if (at != SIZE_MAX && (best == SIZE_MAX || at > best))
            best = at;
    }
    return best;
}
