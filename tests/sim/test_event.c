/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_event.c - Check suite for sim/event.c, the world's agenda.
 *
 * The heap must pop events by time, and events of the same time in the order
 * they were pushed (libuv's rule), whatever the mix of pushes and pops; and
 * destroying it must free the packets of frames still pending.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/event.h"
#include "stack/pkt.h"

/* A small deterministic generator for test data (the stack's own rng is
 * tested elsewhere; this keeps the suite independent of it). */
struct test_lcg {
    uint64_t x;  /* state */
};

static uint64_t
lcg_next(struct test_lcg *g)
{
    g->x = g->x * 6364136223846793005ull + 1442695040888963407ull;
    return g->x >> 33;
}

static struct sim_event
call_event(uint64_t at_ns, uintptr_t tag)
{
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = at_ns;
    ev.kind = SIM_EV_CALL;
    ev.u.call.ctx = (void *)tag;
    return ev;
}

/* A frame with no packet, its tag where the packet would be looked up: the
 * agenda treats frames (which arrive in time order) apart from calls. */
static struct sim_event
frame_event(uint64_t at_ns, uintptr_t tag)
{
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = at_ns;
    ev.kind = SIM_EV_FRAME;
    ev.u.frame.dst = (struct iface *)tag;
    return ev;
}

static uintptr_t
tag_of(const struct sim_event *ev)
{
    return ev->kind == SIM_EV_FRAME ? (uintptr_t)ev->u.frame.dst : (uintptr_t)ev->u.call.ctx;
}

START_TEST(test_empty_heap_has_nothing)
{
    struct event_heap hp;
    event_heap_init(&hp);
    struct sim_event out;
    ck_assert_uint_eq(event_heap_size(&hp), 0);
    ck_assert_ptr_null(event_heap_peek(&hp));
    ck_assert(!event_heap_pop(&hp, &out));
    event_heap_destroy(&hp);
}
END_TEST

START_TEST(test_pops_in_time_order)
{
    static const uint64_t times[] = { 50, 10, 40, 30, 20, 0, 60 };
    struct event_heap hp;
    event_heap_init(&hp);
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        struct sim_event ev = call_event(times[i], i);
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    ck_assert_uint_eq(event_heap_size(&hp), 7);
    ck_assert_uint_eq(event_heap_peek(&hp)->at_ns, 0);
    struct sim_event out;
    for (uint64_t want = 0; want <= 60; want += 10) {
        ck_assert(event_heap_pop(&hp, &out));
        ck_assert_uint_eq(out.at_ns, want);
    }
    ck_assert(!event_heap_pop(&hp, &out));
    event_heap_destroy(&hp);
}
END_TEST

START_TEST(test_push_numbers_events_in_insertion_order)
{
    struct event_heap hp;
    event_heap_init(&hp);
    for (uint64_t i = 0; i < 5; i++) {
        struct sim_event ev = call_event(100 - i, 0);
        ev.seq = 999;  /* whatever the caller left there is overwritten */
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
        ck_assert_uint_eq(ev.seq, i);
    }
    event_heap_destroy(&hp);
}
END_TEST

/* 5000 events at one instant come out exactly in push order. */
START_TEST(test_equal_times_pop_in_insertion_order)
{
    struct event_heap hp;
    event_heap_init(&hp);
    for (uintptr_t i = 0; i < 5000; i++) {
        struct sim_event ev = call_event(7, i);
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    struct sim_event out;
    for (uintptr_t i = 0; i < 5000; i++) {
        ck_assert(event_heap_pop(&hp, &out));
        ck_assert_uint_eq(tag_of(&out), i);
    }
    event_heap_destroy(&hp);
}
END_TEST

/* Two instants pushed alternately: each instant keeps its own push order. */
START_TEST(test_ties_break_by_insertion_across_interleaved_times)
{
    struct event_heap hp;
    event_heap_init(&hp);
    for (uintptr_t i = 0; i < 200; i++) {
        struct sim_event ev = call_event(i % 2 ? 5 : 9, i);
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    struct sim_event out;
    for (uintptr_t i = 1; i < 200; i += 2) {  /* the odd ones, due at 5 */
        ck_assert(event_heap_pop(&hp, &out));
        ck_assert_uint_eq(out.at_ns, 5);
        ck_assert_uint_eq(tag_of(&out), i);
    }
    for (uintptr_t i = 0; i < 200; i += 2) {  /* then the even ones, at 9 */
        ck_assert(event_heap_pop(&hp, &out));
        ck_assert_uint_eq(out.at_ns, 9);
        ck_assert_uint_eq(tag_of(&out), i);
    }
    event_heap_destroy(&hp);
}
END_TEST

/* Pushes and pops mixed, checked against a plain model: the minimum (time,
 * push number) of what is held, found by a linear scan. */
/* Push and pop against a plain list, frames and calls mixed;
 * `mostly_in_order` makes most frames due no earlier than the one before (a
 * link), a few earlier, and calls due ahead (wake-ups): the queue then fills,
 * wraps and grows while the heap takes the rest. */
static void
check_against_model(uint32_t seed, bool mostly_in_order)
{
    enum { OPS = 20000, MAXHELD = 4096 };
    struct model_item {
        uint64_t at_ns;
        uintptr_t tag;
    };
    struct model_item *held = malloc(MAXHELD * sizeof *held);
    ck_assert_ptr_nonnull(held);
    size_t n_held = 0;
    struct test_lcg g = { seed };
    uint64_t clock = 0;
    struct event_heap hp;
    event_heap_init(&hp);
    uintptr_t next_tag = 0;
    for (int op = 0; op < OPS; op++) {
        bool push = n_held == 0 || (n_held < MAXHELD && lcg_next(&g) % 3 != 0);
        if (push) {
            uint64_t at = lcg_next(&g) % 64;  /* few values: many ties */
            bool frame = lcg_next(&g) % 2 == 0;
            if (mostly_in_order) {
                /* frames mostly in order, a few late; calls anywhere ahead */
                clock += lcg_next(&g) % 3;
                frame = lcg_next(&g) % 4 != 0;
                if (!frame)
                    at = clock + lcg_next(&g) % 50;
                else if (lcg_next(&g) % 8 == 0)
                    at = clock - (clock > 5 ? lcg_next(&g) % 5 : 0);
                else
                    at = clock;
            }
            struct sim_event ev = frame ? frame_event(at, next_tag) : call_event(at, next_tag);
            ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
            held[n_held++] = (struct model_item){ at, next_tag++ };
        } else {
            size_t best = 0;
            for (size_t i = 1; i < n_held; i++) {
                if (held[i].at_ns < held[best].at_ns ||
                    (held[i].at_ns == held[best].at_ns && held[i].tag < held[best].tag))
                    best = i;
            }
            const struct sim_event *next = event_heap_peek(&hp);
            ck_assert_ptr_nonnull(next);
            ck_assert_uint_eq(tag_of(next), held[best].tag);
            struct sim_event out;
            ck_assert(event_heap_pop(&hp, &out));
            ck_assert_uint_eq(out.at_ns, held[best].at_ns);
            ck_assert_uint_eq(tag_of(&out), held[best].tag);
            held[best] = held[--n_held];
        }
        ck_assert_uint_eq(event_heap_size(&hp), n_held);
    }
    if (mostly_in_order) /* the queue took most frames: it grew past its first size */
        ck_assert_uint_gt(hp.fifo_cap, 64);
    event_heap_destroy(&hp);
    free(held);
}

START_TEST(test_interleaved_push_pop_matches_model)
{
    check_against_model(12345, false);
}
END_TEST

/* Mostly in time order, as a busy link pushes its frames. */
START_TEST(test_in_order_pushes_with_stragglers_match_model)
{
    check_against_model(777, true);
    check_against_model(4242, true);
}
END_TEST

/* 100 000 random pushes come out sorted by (time, push number). */
START_TEST(test_100k_random_pushes_pop_sorted)
{
    enum { N = 100000 };
    struct test_lcg g = { 42 };
    struct event_heap hp;
    event_heap_init(&hp);
    for (uintptr_t i = 0; i < N; i++) {
        struct sim_event ev = call_event(lcg_next(&g) % 50000, i);
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    ck_assert_uint_eq(event_heap_size(&hp), N);
    struct sim_event prev, out;
    ck_assert(event_heap_pop(&hp, &prev));
    size_t popped = 1;
    while (event_heap_pop(&hp, &out)) {
        ck_assert(out.at_ns > prev.at_ns || (out.at_ns == prev.at_ns && out.seq > prev.seq));
        /* the push number and the tag agree: seq is the insertion count */
        ck_assert_uint_eq(out.seq, tag_of(&out));
        prev = out;
        popped++;
    }
    ck_assert_uint_eq(popped, N);
    event_heap_destroy(&hp);
}
END_TEST

/* Handlers' pattern (pop, then push) mixed with peeks between them, two
 * pops in a row, two pushes, frames (the queue, compared with the heap's
 * earliest) and runs down to empty and one pop past it. Checked against a
 * plain list ordered by (at_ns, seq), with few distinct times so that ties
 * are everywhere. */
struct agenda_model {
    struct event_heap hp;
    struct test_lcg g;
    uint64_t clock;   /* time of the last event popped */
    struct agenda_item {
        uint64_t at_ns;
        uint64_t seq;
        uintptr_t tag;
    } *held;
    size_t n_held;
    uintptr_t next_tag;
};

static void
model_push(struct agenda_model *m)
{
    uint64_t at = m->clock + lcg_next(&m->g) % 8;
    uintptr_t tag = m->next_tag++;
    struct sim_event ev = lcg_next(&m->g) % 4 == 0 ? frame_event(at, tag) : call_event(at, tag);
    ck_assert_int_eq(event_heap_push(&m->hp, &ev), 0);
    m->held[m->n_held++] = (struct agenda_item){ at, ev.seq, tag };
}

/* The model's earliest, or n_held when empty. */
static size_t
agenda_model_first(const struct agenda_model *m)
{
    size_t best = m->n_held;
    for (size_t i = 0; i < m->n_held; i++)
        if (best == m->n_held || m->held[i].at_ns < m->held[best].at_ns ||
            (m->held[i].at_ns == m->held[best].at_ns && m->held[i].seq < m->held[best].seq))
            best = i;
    return best;
}

static void
model_peek(const struct agenda_model *m)
{
    size_t best = agenda_model_first(m);
    const struct sim_event *next = event_heap_peek(&m->hp);
    if (best == m->n_held) {
        ck_assert_ptr_null(next);
        return;
    }
    ck_assert_ptr_nonnull(next);
    ck_assert_uint_eq(next->at_ns, m->held[best].at_ns);
    ck_assert_uint_eq(next->seq, m->held[best].seq);
    ck_assert_uint_eq(tag_of(next), m->held[best].tag);
}

static void
model_pop(struct agenda_model *m)
{
    size_t best = agenda_model_first(m);
    struct sim_event out;
    if (best == m->n_held) {
        ck_assert(!event_heap_pop(&m->hp, &out));
        return;
    }
    ck_assert(event_heap_pop(&m->hp, &out));
    ck_assert_uint_eq(out.at_ns, m->held[best].at_ns);
    ck_assert_uint_eq(out.seq, m->held[best].seq);
    ck_assert_uint_eq(tag_of(&out), m->held[best].tag);
    m->clock = out.at_ns;
    m->held[best] = m->held[--m->n_held];
}

START_TEST(test_pops_pushes_and_peeks_match_model)
{
    enum { OPS = 40000, MAXHELD = 4096 };
    static const size_t targets[] = { 3, 30, 300, 3000 };  /* one to six levels */
    struct agenda_model m = { .g = { 2026 } };
    m.held = malloc(MAXHELD * sizeof *m.held);
    ck_assert_ptr_nonnull(m.held);
    event_heap_init(&m.hp);
    int drains = 0;
    for (int op = 0; op < OPS; op++) {
        size_t target = targets[(op / 2500) % 4];
        switch (lcg_next(&m.g) % 8) {
        case 0:
        case 1:
        case 2:
            model_pop(&m);  /* a handler's event and its successor */
            model_push(&m);
            break;
        case 3:
            model_pop(&m);
            model_peek(&m);
            model_push(&m);
            break;
        case 4:
            model_pop(&m);
            model_pop(&m);
            break;
        case 5:
            if (m.n_held < target) {
                model_push(&m);
                model_push(&m);
            }
            model_push(&m);
            break;
        case 6:
            model_peek(&m);
            break;
        case 7:
            if (lcg_next(&m.g) % 200 == 0) {
                while (m.n_held > 0)  /* pops until empty, then one more */
                    model_pop(&m);
                model_pop(&m);
                model_peek(&m);
                drains++;
            } else {
                model_pop(&m);
            }
            break;
        }
        ck_assert_uint_eq(event_heap_size(&m.hp), m.n_held);
        ck_assert_uint_lt(m.n_held, MAXHELD - 4);
    }
    ck_assert_int_gt(drains, 0);
    event_heap_destroy(&m.hp);
    free(m.held);
}
END_TEST

/* The hold model (every pop followed by one push) with now and then a
 * second pop or push, so that the size wanders: pops must come out in
 * (at_ns, seq) order, each event exactly once, down to empty. From 16,384
 * pending, a pop also asks for the events of the root's children
 * (event.c); the drain at the end crosses that size. */
static void
check_hold_model(size_t n, int ops)
{
    struct test_lcg g = { 99 + n };
    struct event_heap hp;
    event_heap_init(&hp);
    size_t max_tags = n + (size_t)ops * 2;
    unsigned char *seen = calloc(max_tags, 1);
    ck_assert_ptr_nonnull(seen);
    uintptr_t next_tag = 0;
    for (; next_tag < n; next_tag++) {
        struct sim_event ev = call_event(lcg_next(&g) % 4096, next_tag);
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    size_t held = n;
    struct sim_event prev = { 0 }, out;
    bool any = false;
    for (int op = 0; op < ops; op++) {
        uint64_t r = lcg_next(&g) % 16;
        int pops = r == 0 ? 2 : 1;
        int pushes = r == 1 ? 2 : 1;
        if (held > n + n / 8)
            pushes = 0;  /* keep near n */
        for (int k = 0; k < pops && held > 0; k++) {
            ck_assert(event_heap_pop(&hp, &out));
            held--;
            if (any)
                ck_assert(out.at_ns > prev.at_ns ||
                          (out.at_ns == prev.at_ns && out.seq > prev.seq));
            ck_assert_uint_eq(out.seq, tag_of(&out));
            ck_assert_uint_eq(seen[tag_of(&out)], 0);
            seen[tag_of(&out)] = 1;
            prev = out;
            any = true;
        }
        for (int k = 0; k < pushes; k++) {
            /* later than now, often by nothing: ties with what is pending */
            struct sim_event ev = call_event(
                prev.at_ns + lcg_next(&g) % 4096 / (1 + lcg_next(&g) % 64), next_tag++);
            ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
            held++;
        }
        ck_assert_uint_eq(event_heap_size(&hp), held);
    }
    while (event_heap_pop(&hp, &out)) {
        ck_assert(out.at_ns > prev.at_ns || (out.at_ns == prev.at_ns && out.seq > prev.seq));
        ck_assert_uint_eq(seen[tag_of(&out)], 0);
        seen[tag_of(&out)] = 1;
        prev = out;
        held--;
    }
    ck_assert_uint_eq(held, 0);
    ck_assert_ptr_null(event_heap_peek(&hp));
    for (uintptr_t t = 0; t < next_tag; t++)
        ck_assert_uint_eq(seen[t], 1);
    event_heap_destroy(&hp);
    free(seen);
}

START_TEST(test_hold_model_pops_in_order)
{
    check_hold_model(20000, 200000);  /* above the size that prefetches more */
    check_hold_model(1000, 50000);    /* below it */
    check_hold_model(5, 20000);       /* a heap of one or two levels */
}
END_TEST

/* The world's timer rule (sim/sim.c): a host's wake re-armed earlier is a
 * new push, the old one stays and goes stale. The caller tells them apart
 * by the insertion number push wrote back; both come out in time order. */
START_TEST(test_rearmed_wake_runs_first_and_old_one_is_recognisable)
{
    struct event_heap hp;
    event_heap_init(&hp);
    struct sim_event late = call_event(1000, 1);
    ck_assert_int_eq(event_heap_push(&hp, &late), 0);
    for (uintptr_t i = 0; i < 200; i++) {  /* other hosts' wakes around it */
        struct sim_event other = call_event(500 + i * 7, 100 + i);
        ck_assert_int_eq(event_heap_push(&hp, &other), 0);
    }
    struct sim_event early = call_event(400, 1);  /* re-armed earlier */
    ck_assert_int_eq(event_heap_push(&hp, &early), 0);
    uint64_t live_seq = early.seq;
    ck_assert_uint_ne(late.seq, early.seq);
    struct sim_event out;
    ck_assert(event_heap_pop(&hp, &out));
    ck_assert_uint_eq(out.at_ns, 400);
    ck_assert_uint_eq(out.seq, live_seq);  /* the live one: it runs */
    uint64_t prev = out.at_ns;
    bool saw_stale = false;
    while (event_heap_pop(&hp, &out)) {
        ck_assert_uint_ge(out.at_ns, prev);
        prev = out.at_ns;
        if (tag_of(&out) == 1) {
            ck_assert_uint_eq(out.at_ns, 1000);
            ck_assert_uint_eq(out.seq, late.seq);  /* stale: not the live seq */
            saw_stale = true;
        }
    }
    ck_assert(saw_stale);
    event_heap_destroy(&hp);
}
END_TEST

/* A slot freed by a pop is the next push's: what was popped is a copy, and
 * the heap's events keep their own data through many rounds of reuse, at
 * and across the sizes where the arrays grow (64, 128, ...). Ties at one
 * instant are broken by the insertion number kept with the event. */
START_TEST(test_slot_reuse_keeps_every_event_whole)
{
    enum { HELD = 300, ROUNDS = 20000 };
    uint64_t *at_of = malloc((HELD + ROUNDS) * sizeof *at_of);  /* by tag */
    ck_assert_ptr_nonnull(at_of);
    struct event_heap hp;
    event_heap_init(&hp);
    struct test_lcg g = { 99 };
    uintptr_t tag = 0;
    for (unsigned n = 0; n < HELD; n++) {  /* grows through 64, 128, 256, 512 */
        at_of[tag] = lcg_next(&g) % 16;
        struct sim_event ev = call_event(at_of[tag], tag);
        tag++;
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    uint64_t now = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        struct sim_event out;
        ck_assert(event_heap_pop(&hp, &out));
        ck_assert_uint_ge(out.at_ns, now);
        /* the event's data is the one pushed with that time */
        ck_assert_uint_lt(tag_of(&out), tag);
        ck_assert_uint_eq(out.at_ns, at_of[tag_of(&out)]);
        now = out.at_ns;
        const struct sim_event *next = event_heap_peek(&hp);
        if (next != NULL && next->at_ns == out.at_ns)
            ck_assert_uint_gt(next->seq, out.seq);
        at_of[tag] = now + lcg_next(&g) % 4;  /* many ties */
        struct sim_event ev = call_event(at_of[tag], tag);
        tag++;
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
        ck_assert_uint_eq(event_heap_size(&hp), HELD);
    }
    event_heap_destroy(&hp);
    free(at_of);
}
END_TEST

/* The TCP-timer pattern: 1,000 timers, each re-armed later (pushed again,
 * the old one left stale) far more often than it fires; every pop is in
 * (time, insertion) order and exactly the live wakes fire. */
START_TEST(test_many_rearmed_timers_fire_only_when_live)
{
    enum { N = 1000 };
    struct event_heap hp;
    event_heap_init(&hp);
    uint64_t live_seq[N];
    uint64_t live_at[N];
    struct test_lcg g = { 5 };
    for (uintptr_t i = 0; i < N; i++) {
        struct sim_event ev = call_event(100 + i, i);
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
        live_seq[i] = ev.seq;
        live_at[i] = ev.at_ns;
    }
    uint64_t now = 0, last_seq = 0, fired = 0, stale = 0;
    for (unsigned op = 0; op < 50000; op++) {
        uintptr_t t = lcg_next(&g) % N;
        if (lcg_next(&g) % 8 != 0) {  /* re-arm timer t, earlier or later */
            struct sim_event ev = call_event(now + 1 + lcg_next(&g) % 300, t);
            ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
            live_seq[t] = ev.seq;
            live_at[t] = ev.at_ns;
            continue;
        }
        struct sim_event out;
        ck_assert(event_heap_pop(&hp, &out));
        ck_assert(out.at_ns > now || (out.at_ns == now && out.seq > last_seq));
        now = out.at_ns;
        last_seq = out.seq;
        uintptr_t who = tag_of(&out);
        if (out.seq == live_seq[who]) {
            ck_assert_uint_eq(out.at_ns, live_at[who]);
            live_seq[who] = UINT64_MAX;  /* fired */
            fired++;
        } else {
            stale++;
        }
    }
    ck_assert_uint_gt(fired, 0);
    ck_assert_uint_gt(stale, fired);  /* re-armed far more often than fired */
    event_heap_destroy(&hp);
}
END_TEST

START_TEST(test_destroy_frees_pending_frames)
{
    struct pkt_pool pool = { 0 };
    struct event_heap hp;
    event_heap_init(&hp);
    for (int i = 0; i < 10; i++) {
        struct pkt *p = pkt_alloc(&pool, 0, 64);
        ck_assert_ptr_nonnull(p);
        struct sim_event ev;
        memset(&ev, 0, sizeof ev);
        ev.at_ns = (uint64_t)(1000 - i);
        ev.kind = i % 3 ? SIM_EV_FRAME : SIM_EV_CALL;
        if (ev.kind == SIM_EV_FRAME) {
            ev.u.frame.p = p;
        } else {
            pkt_free(p);  /* calls own no packet */
        }
        ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    }
    ck_assert_uint_gt(pool.live, 0);
    event_heap_destroy(&hp);
    ck_assert_uint_eq(pool.live, 0);
    ck_assert_uint_eq(event_heap_size(&hp), 0);
    /* destroyed is empty and usable again */
    struct sim_event ev = call_event(1, 1);
    ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    event_heap_destroy(&hp);
}
END_TEST

/* Destroyed after pops, frames pending in the heap and in the queue: each
 * pending frame's packet is freed once, a popped one not at all. Every
 * packet has a pool of its own, so a packet freed twice and another left
 * pending show, even where the two would cancel out in one pool's count. */
START_TEST(test_destroy_after_pops_frees_each_packet_once)
{
    enum { N = 40 };
    for (int pops = 1; pops <= 3; pops++) {
        struct pkt_pool pools[N + 1];
        memset(pools, 0, sizeof pools);
        struct event_heap hp;
        event_heap_init(&hp);
        /* the first frame goes to the queue; the rest, due earlier, to
         * the heap; a call among them owns nothing */
        for (int i = 0; i <= N; i++) {
            struct sim_event ev;
            memset(&ev, 0, sizeof ev);
            ev.at_ns = i == 0 ? 1000000 : (uint64_t)(1000 - i);
            ev.kind = i % 7 == 3 ? SIM_EV_CALL : SIM_EV_FRAME;
            ev.u.frame.p = pkt_alloc(&pools[i], 0, 64);
            ck_assert_ptr_nonnull(ev.u.frame.p);
            if (ev.kind == SIM_EV_CALL) {
                pkt_free(ev.u.frame.p);
                memset(&ev.u, 0, sizeof ev.u);
            }
            ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
        }
        struct pkt *popped[3] = { 0 };
        for (int k = 0; k < pops; k++) {
            struct sim_event out;
            ck_assert(event_heap_pop(&hp, &out));
            ck_assert_uint_eq(out.at_ns, (uint64_t)(1000 - N + k));
            popped[k] = out.kind == SIM_EV_FRAME ? out.u.frame.p : NULL;
        }
        ck_assert_uint_eq(event_heap_size(&hp), (size_t)(N + 1 - pops));
        event_heap_destroy(&hp);
        for (int i = 0; i <= N; i++) {
            bool held = false;
            for (int k = 0; k < pops; k++)
                held |= popped[k] != NULL && popped[k]->pool == &pools[i];
            ck_assert_uint_eq(pools[i].live, held ? 1 : 0);
        }
        for (int k = 0; k < pops; k++)
            pkt_free(popped[k]);
        for (int i = 0; i <= N; i++)
            ck_assert_uint_eq(pools[i].live, 0);
    }
}
END_TEST

START_TEST(test_popped_frame_belongs_to_the_popper)
{
    struct pkt_pool pool = { 0 };
    struct event_heap hp;
    event_heap_init(&hp);
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = SIM_EV_FRAME;
    ev.u.frame.p = pkt_alloc(&pool, 0, 64);
    ck_assert_int_eq(event_heap_push(&hp, &ev), 0);
    struct sim_event out;
    ck_assert(event_heap_pop(&hp, &out));
    event_heap_destroy(&hp);           /* must not free the popped packet */
    ck_assert_uint_eq(pool.live, 1);
    pkt_free(out.u.frame.p);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

static Suite *
event_suite(void)
{
    Suite *s = suite_create("sim/event");
    TCase *order = tcase_create("order");
    tcase_add_test(order, test_empty_heap_has_nothing);
    tcase_add_test(order, test_pops_in_time_order);
    tcase_add_test(order, test_push_numbers_events_in_insertion_order);
    tcase_add_test(order, test_equal_times_pop_in_insertion_order);
    tcase_add_test(order, test_ties_break_by_insertion_across_interleaved_times);
    tcase_add_test(order, test_interleaved_push_pop_matches_model);
    tcase_add_test(order, test_in_order_pushes_with_stragglers_match_model);
    tcase_add_test(order, test_100k_random_pushes_pop_sorted);
    tcase_add_test(order, test_rearmed_wake_runs_first_and_old_one_is_recognisable);
    tcase_add_test(order, test_slot_reuse_keeps_every_event_whole);
    tcase_add_test(order, test_many_rearmed_timers_fire_only_when_live);
    tcase_add_test(order, test_pops_pushes_and_peeks_match_model);
    tcase_add_test(order, test_hold_model_pops_in_order);
    suite_add_tcase(s, order);
    TCase *own = tcase_create("ownership");
    tcase_add_test(own, test_destroy_frees_pending_frames);
    tcase_add_test(own, test_popped_frame_belongs_to_the_popper);
    tcase_add_test(own, test_destroy_after_pops_frees_each_packet_once);
    suite_add_tcase(s, own);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(event_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
