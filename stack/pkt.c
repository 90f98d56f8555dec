/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt.c - the packet buffer: allocation, headroom, push/pull/put, queues.
 *
 * One malloc per packet: the struct and its bytes together, so a packet is
 * freed in one call and a leak is one count in the pool.
 */
#include "stack/pkt.h"

#include <stdlib.h>
#include <string.h>

#include "stack/wire/eth.h"

/* AddressSanitizer cannot see a buffer that is kept instead of freed: mark
 * a kept buffer unaddressable (all but its free-list link) so a use after
 * pkt_free() is still caught in the sanitizer build. */
#if defined(__SANITIZE_ADDRESS__)
#define PKT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PKT_ASAN 1
#endif
#endif
#ifdef PKT_ASAN
#include <sanitizer/asan_interface.h>
#define PKT_POISON(a, n) ASAN_POISON_MEMORY_REGION((a), (n))
#define PKT_UNPOISON(a, n) ASAN_UNPOISON_MEMORY_REGION((a), (n))
#else
#define PKT_POISON(a, n) ((void)(a), (void)(n))
#define PKT_UNPOISON(a, n) ((void)(a), (void)(n))
#endif

static const size_t pkt_class_cap[PKT_CLASS_COUNT] = {
    [PKT_CLASS_FRAME] = PKT_CLASS_FRAME_CAP,
    [PKT_CLASS_JUMBO] = PKT_CLASS_JUMBO_CAP,
};
static const size_t pkt_class_keep[PKT_CLASS_COUNT] = {
    [PKT_CLASS_FRAME] = PKT_POOL_KEEP_FRAME,
    [PKT_CLASS_JUMBO] = PKT_POOL_KEEP_JUMBO,
};

/* The smallest class a buffer of cap bytes fits, or PKT_CLASS_NONE. */
static enum pkt_class
pkt_class_for(size_t cap)
{
    if (cap <= PKT_CLASS_FRAME_CAP)
        return PKT_CLASS_FRAME;
    if (cap <= PKT_CLASS_JUMBO_CAP)
        return PKT_CLASS_JUMBO;
    return PKT_CLASS_NONE;
}

/* Everything of a kept packet but its link. */
static void
pkt_spare_poison(struct pkt *p, enum pkt_class c, bool poison)
{
    size_t before = offsetof(struct pkt, next);
    uint8_t *after = (uint8_t *)(&p->next + 1);
    size_t after_len = (size_t)((uint8_t *)(p + 1) - after) + pkt_class_cap[c];
    if (poison) {
        PKT_POISON(p, before);
        PKT_POISON(after, after_len);
    } else {
        PKT_UNPOISON(p, before);
        PKT_UNPOISON(after, after_len);
    }
}

void
pkt_pool_recycle(struct pkt_pool *pool)
{
    pool->recycle = true;
}

void
pkt_pool_destroy(struct pkt_pool *pool)
{
    for (unsigned c = 0; c < PKT_CLASS_COUNT; c++) {
        while (pool->spare[c] != NULL) {
            struct pkt *p = pool->spare[c];
            pool->spare[c] = p->next;
            pkt_spare_poison(p, (enum pkt_class)c, false);
            free(p);
        }
        pool->n_spare[c] = 0;
    }
    pool->recycle = false;
}

struct pkt *
pkt_alloc(struct pkt_pool *pool, size_t headroom, size_t size)
{
    size_t cap = headroom + size;
    if (cap > PKT_HEADROOM + PKT_MAX_FRAME + 65536)
        return NULL;
    struct pkt *p = NULL;
    enum pkt_class c = PKT_CLASS_NONE;
    if (pool != NULL && pool->recycle) {
        c = pkt_class_for(cap);
        if (c != PKT_CLASS_NONE && pool->spare[c] != NULL) {
            p = pool->spare[c];
            pool->spare[c] = p->next;
            pool->n_spare[c]--;
            pkt_spare_poison(p, c, false);
        }
    }
    if (p == NULL)
        p = malloc(sizeof(*p) + (c != PKT_CLASS_NONE ? pkt_class_cap[c] : cap));
    if (p == NULL)
        return NULL;
    /* Field by field: zeroing the whole struct compiles to a string store
     * that costs more than the rest of the allocation. Every field of
     * struct pkt is set here (a new field must be added here too). */
    p->head = (uint8_t *)(p + 1);
    p->data = p->head + headroom;
    p->len = 0;
    p->cap = cap;
    p->l2_off = p->l3_off = p->l4_off = -1;
    p->id = 0;
    p->born_ns = 0;
    p->pool = pool;
    p->rx_ifc = NULL;
    p->cause = (struct trace_cause){ 0 };
    p->next_hop = 0;
    p->buf_class = (uint8_t)c;
    p->gen = 0;
    p->held_lo = p->held_hi = (uint32_t)headroom;
    p->next = NULL;
    if (pool != NULL) {
        p->id = ++pool->next_id;
        pool->live++;
        pool->allocs++;
    }
    return p;
}

struct pkt *
pkt_from_bytes(struct pkt_pool *pool, const uint8_t *bytes, size_t len)
{
    /* A frame may arrive unpadded (a TAP device hands over 42-byte ARP
     * frames); keep room for the padding in case it is sent on again, as a
     * forwarded datagram is [IEEE 802.3 3.2.8]. */
    struct pkt *p = pkt_alloc(pool, PKT_HEADROOM, len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len);
    if (p == NULL)
        return NULL;
    memcpy(pkt_put(p, len), bytes, len);
    return p;
}

struct pkt *
pkt_clone(const struct pkt *p)
{
    size_t headroom = (size_t)(p->data - p->head);
    struct pkt *c = pkt_alloc(p->pool, headroom, p->cap - headroom);
    if (c == NULL)
        return NULL;
    memcpy(c->head, p->head, p->cap);
    c->len = p->len;
    c->l2_off = p->l2_off;
    c->l3_off = p->l3_off;
    c->l4_off = p->l4_off;
    c->born_ns = p->born_ns;
    c->rx_ifc = p->rx_ifc;
    c->cause = p->cause;
    c->next_hop = p->next_hop;
    c->held_lo = p->held_lo;
    c->held_hi = p->held_hi;
    return c;
}

void
pkt_free(struct pkt *p)
{
    if (p == NULL)
        return;
    struct pkt_pool *pool = p->pool;
    if (pool != NULL)
        pool->live--;
    enum pkt_class c = (enum pkt_class)p->buf_class;
    if (pool != NULL && pool->recycle && c != PKT_CLASS_NONE &&
        pool->n_spare[c] < pkt_class_keep[c]) {
        p->next = pool->spare[c];
        pool->spare[c] = p;
        pool->n_spare[c]++;
        pkt_spare_poison(p, c, true);
        return;
    }
    free(p);
}

uint8_t *
pkt_push(struct pkt *p, size_t n)
{
    if ((size_t)(p->data - p->head) < n)
        return NULL;
    uint32_t off = (uint32_t)(p->data - p->head), lo = off - (uint32_t)n;
    if (off > p->held_lo)
        p->gen++;  /* [lo, off) meets bytes held before */
    if (lo < p->held_lo)
        p->held_lo = lo;
    p->data -= n;
    p->len += n;
    return p->data;
}

uint8_t *
pkt_pull(struct pkt *p, size_t n)
{
    if (p->len < n)
        return NULL;
    p->data += n;
    p->len -= n;
    return p->data;
}

uint8_t *
pkt_put(struct pkt *p, size_t n)
{
    size_t used = (size_t)(p->data - p->head) + p->len;
    if (p->cap - used < n)
        return NULL;
    uint8_t *tail = p->data + p->len;
    uint32_t end = (uint32_t)used;
    if (end < p->held_hi)
        p->gen++;  /* [end, end + n) meets bytes held before */
    if (end + n > p->held_hi)
        p->held_hi = end + (uint32_t)n;
    p->len += n;
    return tail;
}

void
pkt_trim(struct pkt *p, size_t n)
{
    if (n < p->len)
        p->len = n;
}

void
pkt_queue_push(struct pkt_queue *q, struct pkt *p)
{
    p->next = NULL;
    if (q->last != NULL)
        q->last->next = p;
    else
        q->first = p;
    q->last = p;
    q->count++;
    q->bytes += p->len;
}

struct pkt *
pkt_queue_pop(struct pkt_queue *q)
{
    struct pkt *p = q->first;
    if (p == NULL)
        return NULL;
    q->first = p->next;
    if (q->first == NULL)
        q->last = NULL;
    p->next = NULL;
    q->count--;
    q->bytes -= p->len;
    return p;
}

void
pkt_queue_purge(struct pkt_queue *q)
{
    struct pkt *p;
    while ((p = pkt_queue_pop(q)) != NULL)
        pkt_free(p);
}
