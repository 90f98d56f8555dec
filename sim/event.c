/*
 * event.c - the world's agenda: a binary min-heap on (at_ns, seq).
 *
 * Push appends at the end and sifts the new event up; pop moves the last
 * event to the root and sifts it down. Both are O(log n). The insertion
 * number makes the order total, so which of two simultaneous events runs
 * first never depends on the heap's internal shape [DESIGN 7].
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

static void
event_swap(struct sim_event *a, struct sim_event *b)
{
    struct sim_event t = *a;
    *a = *b;
    *b = t;
}

static void
event_sift_up(struct event_heap *hp, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!event_before(&hp->ev[i], &hp->ev[parent]))
            break;
        event_swap(&hp->ev[i], &hp->ev[parent]);
        i = parent;
    }
}

static void
event_sift_down(struct event_heap *hp, size_t i)
{
    for (;;) {
        size_t left = 2 * i + 1;
        size_t right = left + 1;
        size_t first = i;
        if (left < hp->len && event_before(&hp->ev[left], &hp->ev[first]))
            first = left;
        if (right < hp->len && event_before(&hp->ev[right], &hp->ev[first]))
            first = right;
        if (first == i)
            break;
        event_swap(&hp->ev[i], &hp->ev[first]);
        i = first;
    }
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
    free(hp->ev);
    hp->ev = NULL;
    hp->len = 0;
    hp->cap = 0;
}

int
event_heap_push(struct event_heap *hp, struct sim_event *ev)
{
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

bool
event_heap_pop(struct event_heap *hp, struct sim_event *out)
{
    if (hp->len == 0)
        return false;
    *out = hp->ev[0];
    hp->len--;
    if (hp->len > 0) {
        hp->ev[0] = hp->ev[hp->len];
        event_sift_down(hp, 0);
    }
    return true;
}

const struct sim_event *
event_heap_peek(const struct event_heap *hp)
{
    return hp->len ? &hp->ev[0] : NULL;
}

size_t
event_heap_size(const struct event_heap *hp)
{
    return hp->len;
}
