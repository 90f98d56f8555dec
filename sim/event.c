/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event.c - the world's agenda: a binary min-heap on (at_ns, seq), and a
 * queue beside it for events pushed in time order.
 *
 * A frame due no earlier than the queue's last event is appended to the
 * queue (O(1): frames on a link arrive in the order they were sent). Any
 * other event goes to the heap: appended at the end and sifted up; pop takes the earlier of
 * the queue's head and the heap's root, and refills the root from the last
 * slot, sifted down. Both are O(log n). The insertion
 * number makes the order total, so which of two simultaneous events runs
 * first never depends on the heap's internal shape (docs/architecture.md,
 * "Time and determinism").
 * Called by: sim.c, link.c. Calls: pkt_free() (destroy only).
 */
#include "sim/event.h"

#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/pkt.h"

/* First allocation; the array doubles after that. */
#define EVENT_HEAP_INITIAL_CAP 64

/* True when a must run before b. */
static bool
event_before(const struct sim_event *a, const struct sim_event *b)
{
    if (a->at_ns != b->at_ns)
        return a->at_ns < b->at_ns;
    return a->seq < b->seq;
}

/* Move the event at slot i up to where it belongs: parents that must run
 * after it move down one level into the hole instead of being swapped. */
static void
event_sift_up(struct event_heap *hp, size_t i)
{
    struct sim_event moving = hp->ev[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!event_before(&moving, &hp->ev[parent]))
            break;
        hp->ev[i] = hp->ev[parent];
        i = parent;
    }
    hp->ev[i] = moving;
}

/* Place `moving` starting from the hole at slot i: the earlier child moves
 * up into the hole until `moving` runs before both children. */
static void
event_sift_down(struct event_heap *hp, size_t i, const struct sim_event *moving)
{
    for (;;) {
        size_t left = 2 * i + 1;
        if (left >= hp->len)
            break;
        size_t first = left;
        if (left + 1 < hp->len && event_before(&hp->ev[left + 1], &hp->ev[left]))
            first = left + 1;
        if (!event_before(&hp->ev[first], moving))
            break;
        hp->ev[i] = hp->ev[first];
        i = first;
    }
    hp->ev[i] = *moving;
}

void
event_heap_init(struct event_heap *hp)
{
    memset(hp, 0, sizeof *hp);
}

void
event_heap_destroy(struct event_heap *hp)
{
    for (size_t i = 0; i < hp->len; i++) {
        if (hp->ev[i].kind == SIM_EV_FRAME)
            pkt_free(hp->ev[i].u.frame.p);
    }
    for (size_t i = 0; i < hp->fifo_len; i++) {
        const struct sim_event *e = &hp->fifo[(hp->fifo_head + i) & (hp->fifo_cap - 1)];
        if (e->kind == SIM_EV_FRAME)
            pkt_free(e->u.frame.p);
    }
    free(hp->ev);
    free(hp->fifo);
    memset(hp, 0, sizeof *hp);
}

/* The queue's latest event, or NULL when it is empty. */
static const struct sim_event *
event_fifo_last(const struct event_heap *hp)
{
    if (hp->fifo_len == 0)
        return NULL;
    return &hp->fifo[(hp->fifo_head + hp->fifo_len - 1) & (hp->fifo_cap - 1)];
}

/* Room for one more event in the queue; false when memory runs out. */
static bool
event_fifo_reserve(struct event_heap *hp)
{
    if (hp->fifo_len < hp->fifo_cap)
        return true;
    size_t cap = hp->fifo_cap ? hp->fifo_cap * 2 : EVENT_HEAP_INITIAL_CAP;
    if (cap < hp->fifo_cap || cap > SIZE_MAX / sizeof *hp->fifo)
        return false;
    struct sim_event *grown = malloc(cap * sizeof *grown);
    if (grown == NULL)
        return false;
    for (size_t i = 0; i < hp->fifo_len; i++)
        grown[i] = hp->fifo[(hp->fifo_head + i) & (hp->fifo_cap - 1)];
    free(hp->fifo);
    hp->fifo = grown;
    hp->fifo_cap = cap;
    hp->fifo_head = 0;
    return true;
}

int
event_heap_push(struct event_heap *hp, struct sim_event *ev)
{
    const struct sim_event *last = event_fifo_last(hp);
    if (ev->kind == SIM_EV_FRAME && (last == NULL || last->at_ns <= ev->at_ns)) {
        /* A frame in time order (its seq is larger than any queued one):
         * append. Wake-ups, due far ahead, would make every frame after
         * them look out of order; they go to the heap. */
        if (!event_fifo_reserve(hp))
            return -ERR_NOMEM;
        ev->seq = hp->next_seq++;
        hp->fifo[(hp->fifo_head + hp->fifo_len) & (hp->fifo_cap - 1)] = *ev;
        hp->fifo_len++;
        return 0;
    }
    if (hp->len == hp->cap) {
        size_t cap = hp->cap ? hp->cap * 2 : EVENT_HEAP_INITIAL_CAP;
        if (cap < hp->cap || cap > SIZE_MAX / sizeof *hp->ev)
            return -ERR_NOMEM;
        struct sim_event *grown = realloc(hp->ev, cap * sizeof *grown);
        if (grown == NULL)
            return -ERR_NOMEM;
        hp->ev = grown;
        hp->cap = cap;
    }
    ev->seq = hp->next_seq++;
    hp->ev[hp->len] = *ev;
    hp->len++;
    event_sift_up(hp, hp->len - 1);
    return 0;
}

/* Does the queue's head run before the heap's root? */
static bool
event_fifo_first(const struct event_heap *hp)
{
    if (hp->fifo_len == 0)
        return false;
    return hp->len == 0 || event_before(&hp->fifo[hp->fifo_head], &hp->ev[0]);
}

/* How far ahead the queue asks for frames: the packet of the frame this many
 * pops ahead, and the bytes of the frame half as far (its packet was asked
 * for earlier, so reading where its bytes are does not wait). */
#define EVENT_PREFETCH_AHEAD 4u

/* The queue's frame `ahead` pops from now, or NULL. */
static const struct pkt *
event_fifo_frame_at(const struct event_heap *hp, size_t ahead)
{
    if (ahead >= hp->fifo_len)
        return NULL;
    const struct sim_event *e = &hp->fifo[(hp->fifo_head + ahead) & (hp->fifo_cap - 1)];
    return e->kind == SIM_EV_FRAME ? e->u.frame.p : NULL;
}

/* Ask the memory system for frames the queue will hand out soon. On a busy
 * link a frame waits behind a window of others and leaves the cache before
 * it is delivered; fetched while the events before it run, it is there when
 * the receiver sums it. A hint only: it changes nothing but time. */
static void
event_fifo_prefetch(const struct event_heap *hp)
{
    const struct pkt *far = event_fifo_frame_at(hp, EVENT_PREFETCH_AHEAD - 1);
    if (far != NULL)
        __builtin_prefetch(far);
    const struct pkt *near = event_fifo_frame_at(hp, EVENT_PREFETCH_AHEAD / 2 - 1);
    if (near != NULL)
        for (size_t off = 0; off < near->len; off += 64)
            /* locality 1: into the second-level cache. Asked into the
             * first, two dozen lines fill its few miss buffers and the
             * loop waits for them (most of the 9% event_heap_pop took of a
             * bulk transfer in the profile). */
            __builtin_prefetch(near->data + off, 0, 1);
}

bool
event_heap_pop(struct event_heap *hp, struct sim_event *out)
{
    if (event_fifo_first(hp)) {
        *out = hp->fifo[hp->fifo_head];
        hp->fifo_head = (hp->fifo_head + 1) & (hp->fifo_cap - 1);
        hp->fifo_len--;
        event_fifo_prefetch(hp);
        return true;
    }
    if (hp->len == 0)
        return false;
    *out = hp->ev[0];
    hp->len--;
    if (hp->len > 0) {
        struct sim_event last = hp->ev[hp->len];
        event_sift_down(hp, 0, &last);
    }
    return true;
}

const struct sim_event *
event_heap_peek(const struct event_heap *hp)
{
    if (event_fifo_first(hp))
        return &hp->fifo[hp->fifo_head];
    return hp->len ? &hp->ev[0] : NULL;
}

size_t
event_heap_size(const struct event_heap *hp)
{
    return hp->len + hp->fifo_len;
}
