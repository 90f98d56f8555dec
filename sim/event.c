/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event.c - the world's agenda: a 4-ary min-heap of small keys on (at_ns,
 * seq), and a queue beside it for events pushed in time order.
 *
 * A frame due no earlier than the queue's last event is appended to the
 * queue (O(1): frames on a link arrive in the order they were sent). Any
 * other event goes to the heap: the event is stored in a free slot of an
 * array that never moves it, and a 16-byte key (time, slot) is appended to
 * the heap and sifted up; pop takes the earlier of the queue's head and the
 * heap's root, and refills the root from the last key, sifted down. Both
 * are O(log n); the sifts move keys, not 64-byte events, and the slot freed
 * by a pop is the next push's (still in the cache). Pop asks the memory
 * system for the next root's event and, in a large heap, for its
 * children's (EVENT_PREFETCH_CHILDREN_MIN): hints only, they change nothing
 * but time. The insertion number makes the order total, so which of two
 * simultaneous events runs first never depends on the heap's internal
 * shape (docs/architecture.md, "Time and determinism").
 * Called by: sim.c, link.c. Calls: pkt_free() (destroy only).
 */
#include "sim/event.h"

#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/pkt.h"

/* First allocation; the arrays double after that. */
#define EVENT_HEAP_INITIAL_CAP 64

/* Children per node. Four halves the depth of a binary heap; and with
 * 16-byte keys in an array aligned to 64 bytes, laid out so that the four
 * children of a node fill one cache line (LaMarca and Ladner's aligned
 * d-heap), a sift-down reads one line a level. At 100,000 pending events
 * the binary heap of whole 64-byte events this replaced took about twice
 * as long an event (bench_engine's hold model). */
#define EVENT_HEAP_ARITY 4
/* Key i (0 is the root) is stored at key[i + EVENT_KEY_SKEW]: the children
 * of i, 4i+1 .. 4i+4, then sit at 4(i+1) .. 4(i+1)+3, a 64-byte group. */
#define EVENT_KEY_SKEW (EVENT_HEAP_ARITY - 1)
#define EVENT_KEY_ALIGN 64

/* Pending heap events from which a pop also asks for the events of the
 * root's children. With this many the events (64 bytes each) fill 1 MiB,
 * the second-level cache of the machine measured, and fall out of it: the
 * root's event, asked for one pop ahead, came from farther than one
 * event's run could hide, and much of pop's time went to copying it out.
 * An event is a child of the root for some pops before it is the
 * earliest: asked for then, it is in the cache when popped (bench_engine's
 * hold model at 100,000 pending: 99 ns an event before, 83 after). With
 * fewer the events are in the cache anyway and the hints only cost (hold
 * model at 1,000: 50 ns an event before, 60 asked for always).
 * Tried beside this and slower: a pop that leaves the root empty for the
 * next push to fill (one sift down instead of a sift down and a sift up,
 * but one that stops at a level no branch predictor can guess: with these
 * events fetched early it lost at every size from 1,000 to 100,000), and
 * the sift down's grandchildren left unasked in the top levels. */
#define EVENT_PREFETCH_CHILDREN_MIN 16384

/* The key of heap position i. */
static inline struct event_key *
key_at(const struct event_heap *hp, size_t i)
{
    return &hp->key[i + EVENT_KEY_SKEW];
}

/* True when key a must run before key b. Equal times are rare outside a
 * burst at one instant; then the insertion numbers, kept with the events,
 * decide. */
static inline bool
key_before(const struct event_heap *hp, const struct event_key *a, const struct event_key *b)
{
    if (a->at_ns != b->at_ns)
        return a->at_ns < b->at_ns;
    return hp->ev[a->slot].seq < hp->ev[b->slot].seq;
}

/* True when event a must run before event b. */
static bool
event_before(const struct sim_event *a, const struct sim_event *b)
{
    if (a->at_ns != b->at_ns)
        return a->at_ns < b->at_ns;
    return a->seq < b->seq;
}

/* Move the key at position i up to where it belongs: parents that must run
 * after it move down one level into the hole instead of being swapped. */
static void
event_sift_up(struct event_heap *hp, size_t i)
{
    struct event_key moving = *key_at(hp, i);
    while (i > 0) {
        size_t parent = (i - 1) / EVENT_HEAP_ARITY;
        if (!key_before(hp, &moving, key_at(hp, parent)))
            break;
        *key_at(hp, i) = *key_at(hp, parent);
        i = parent;
    }
    *key_at(hp, i) = moving;
}

/* Place `moving` starting from the hole at position i: the earliest child
 * moves up into the hole until `moving` runs before all of them. */
static void
event_sift_down(struct event_heap *hp, size_t i, const struct event_key *moving)
{
    for (;;) {
        size_t child = EVENT_HEAP_ARITY * i + 1;
        if (child >= hp->len)
            break;
        size_t end = child + EVENT_HEAP_ARITY;
        if (end > hp->len)
            end = hp->len;
        /* the grandchildren's lines, asked for while these children are
         * compared: below the cached top levels every level is a miss.
         * Where all four lines hold keys (all but the bottom of the
         * heap), four hints without a test each: the loop's tests cost
         * the hold model about a twentieth of its time at 1,000 and
         * 100,000 pending. */
        size_t grand = EVENT_HEAP_ARITY * child + 1;
        if (grand + 3 * EVENT_HEAP_ARITY < hp->len) {
            __builtin_prefetch(key_at(hp, grand));
            __builtin_prefetch(key_at(hp, grand + 4));
            __builtin_prefetch(key_at(hp, grand + 8));
            __builtin_prefetch(key_at(hp, grand + 12));
        } else {
            for (size_t g = 0; g < EVENT_HEAP_ARITY && grand + g * EVENT_HEAP_ARITY < hp->len; g++)
                __builtin_prefetch(key_at(hp, grand + g * EVENT_HEAP_ARITY));
        }
        size_t first = child;
        for (size_t c = child + 1; c < end; c++)
            if (key_before(hp, key_at(hp, c), key_at(hp, first)))
                first = c;
        if (!key_before(hp, key_at(hp, first), moving))
            break;
        *key_at(hp, i) = *key_at(hp, first);
        i = first;
    }
    *key_at(hp, i) = *moving;
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
        const struct sim_event *e = &hp->ev[key_at(hp, i)->slot];
        if (e->kind == SIM_EV_FRAME)
            pkt_free(e->u.frame.p);
    }
    for (size_t i = 0; i < hp->fifo_len; i++) {
        const struct sim_event *e = &hp->fifo[(hp->fifo_head + i) & (hp->fifo_cap - 1)];
        if (e->kind == SIM_EV_FRAME)
            pkt_free(e->u.frame.p);
    }
    free(hp->key);
    free(hp->ev);
    free(hp->free_slot);
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

/* Double the heap: its keys, the events they name, and the free slots (the
 * new ones). False when memory runs out; nothing changed then. */
static bool
event_heap_grow(struct event_heap *hp)
{
    size_t cap = hp->cap ? hp->cap * 2 : EVENT_HEAP_INITIAL_CAP;
    if (cap > UINT32_MAX || cap > SIZE_MAX / sizeof *hp->ev)
        return false;
    /* aligned_alloc wants a multiple of the alignment; realloc would not
     * keep the alignment, so the keys are copied */
    size_t key_bytes = (cap + EVENT_KEY_SKEW) * sizeof(struct event_key);
    key_bytes = (key_bytes + EVENT_KEY_ALIGN - 1) / EVENT_KEY_ALIGN * EVENT_KEY_ALIGN;
    struct event_key *key = aligned_alloc(EVENT_KEY_ALIGN, key_bytes);
    if (key == NULL)
        return false;
    if (hp->len > 0)
        memcpy(key_at(&(struct event_heap){ .key = key }, 0), key_at(hp, 0),
               hp->len * sizeof *key);
    free(hp->key);
    hp->key = key;
    struct sim_event *ev = realloc(hp->ev, cap * sizeof *ev);
    if (ev == NULL)
        return false;
    hp->ev = ev;
    uint32_t *free_slot = realloc(hp->free_slot, cap * sizeof *free_slot);
    if (free_slot == NULL)
        return false;
    hp->free_slot = free_slot;
    /* Every old slot is in use (the heap is full): the free ones are the new,
     * handed out lowest first. */
    for (size_t i = cap; i > hp->cap; i--)
        hp->free_slot[hp->n_free++] = (uint32_t)(i - 1);
    hp->cap = cap;
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
        /* Copied first, numbered after: numbering ev and then copying it
         * made the copy's wide loads wait for the number's store to land
         * (a load that spans a narrower store just made is not served from
         * it), a stall on every frame. The same below. */
        struct sim_event *q = &hp->fifo[(hp->fifo_head + hp->fifo_len) & (hp->fifo_cap - 1)];
        *q = *ev;
        q->seq = ev->seq = hp->next_seq++;
        hp->fifo_len++;
        return 0;
    }
    if (hp->len == hp->cap && !event_heap_grow(hp))
        return -ERR_NOMEM;
    uint32_t slot = hp->free_slot[--hp->n_free];
    hp->ev[slot] = *ev;
    hp->ev[slot].seq = ev->seq = hp->next_seq++;
    *key_at(hp, hp->len) = (struct event_key){ .at_ns = ev->at_ns, .slot = slot };
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
    return hp->len == 0 || event_before(&hp->fifo[hp->fifo_head], &hp->ev[key_at(hp, 0)->slot]);
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
    uint32_t slot = key_at(hp, 0)->slot;
    *out = hp->ev[slot];
    hp->free_slot[hp->n_free++] = slot;
    hp->len--;
    if (hp->len > 0) {
        struct event_key last = *key_at(hp, hp->len);
        event_sift_down(hp, 0, &last);
        /* the next event out of the heap: fetched while this one runs */
        __builtin_prefetch(&hp->ev[key_at(hp, 0)->slot]);
        /* and, in a large heap, the root's children's events: the one
         * after it is one of them unless a push runs earlier */
        if (hp->len >= EVENT_PREFETCH_CHILDREN_MIN)
            for (size_t c = 1; c <= EVENT_HEAP_ARITY; c++)
                __builtin_prefetch(&hp->ev[key_at(hp, c)->slot]);
    }
    return true;
}

const struct sim_event *
event_heap_peek(const struct event_heap *hp)
{
    if (event_fifo_first(hp))
        return &hp->fifo[hp->fifo_head];
    return hp->len ? &hp->ev[key_at(hp, 0)->slot] : NULL;
}

size_t
event_heap_size(const struct event_heap *hp)
{
    return hp->len + hp->fifo_len;
}
