/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_link.c - Check suite for sim/link.c and the world it lives in.
 *
 * "arithmetic": netem_schedule() to the nanosecond - serialisation, queueing
 * behind earlier frames, propagation delay, drop-tail at the limit.
 * "loss": the seeded loss rate, a golden count, replay.
 * "world": two hosts joined by a link in a struct sim; frames injected through
 * the driver arrive when the arithmetic says, each direction on its own; the
 * WIRE/DROP trace events, the event log, the text trace and the capture see
 * them; nothing leaks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/link.h"
#include "sim/log_sink.h"
#include "sim/pcap_sink.h"
#include "sim/record.h"
#include "sim/sim.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/socket.h"

#define MS (1000ull * 1000)
#define US 1000ull

/* ------------------------------------------------------------------------- */
/* arithmetic                                                                 */
/* ------------------------------------------------------------------------- */

START_TEST(test_serialisation_time_is_bits_over_rate)
{
    ck_assert_uint_eq(netem_serialisation_ns(8000000, 1000), 1 * MS);      /* 8 Mbit/s */
    ck_assert_uint_eq(netem_serialisation_ns(10000000, 1500), 1200 * US);  /* 10 Mbit/s */
    ck_assert_uint_eq(netem_serialisation_ns(1000000000, 64), 512);        /* 1 Gbit/s */
    ck_assert_uint_eq(netem_serialisation_ns(8000000, 0), 0);
    ck_assert_uint_eq(netem_serialisation_ns(0, 1500), 0);                 /* infinite rate */
}
END_TEST

START_TEST(test_serialisation_rounds_up_to_the_nanosecond)
{
    /* 8 bits at 3 bit/s = 2.666666666.. s */
    ck_assert_uint_eq(netem_serialisation_ns(3, 1), 2666666667ull);
    /* 800 bits at 1 Tbit/s = 0.8 ns */
    ck_assert_uint_eq(netem_serialisation_ns(1000000000000ull, 100), 1);
    /* a rate near the top of the range does not overflow */
    ck_assert_uint_eq(netem_serialisation_ns(1000000000000000000ull, 1500), 1);
    /* 9018-byte jumbo at 1 bit/s: 72144 s exactly */
    ck_assert_uint_eq(netem_serialisation_ns(1, 9018), 72144ull * 1000000000ull);
}
END_TEST

static struct netem
dir_with(uint64_t delay_ns, uint64_t rate_bps, uint32_t limit)
{
    struct link_params p = { .delay_ns = delay_ns, .rate_bps = rate_bps, .limit = limit };
    struct netem d;
    netem_init(&d, &p, 1, 0);
    return d;
}

START_TEST(test_one_frame_departs_after_serialising_and_arrives_after_delay)
{
    struct netem d = dir_with(10 * MS, 8000000, 0);
    uint64_t dep, arr;
    ck_assert_int_eq(netem_schedule(&d, 0, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 1 * MS);
    ck_assert_uint_eq(arr, 11 * MS);
    ck_assert_uint_eq(d.tx_frames, 1);
    ck_assert_uint_eq(d.tx_bytes, 1000);
    ck_assert_uint_eq(d.params.limit, LINK_LIMIT_DEFAULT);  /* 0 means the default */
    netem_destroy(&d);
}
END_TEST

START_TEST(test_back_to_back_frames_queue_behind_each_other)
{
    struct netem d = dir_with(10 * MS, 8000000, 0);
    uint64_t dep, arr;
    for (uint64_t i = 1; i <= 3; i++) {
        ck_assert_int_eq(netem_schedule(&d, 0, 1000, &dep, &arr), NETEM_QUEUED);
        ck_assert_uint_eq(dep, i * MS);
        ck_assert_uint_eq(arr, (10 + i) * MS);
    }
    ck_assert_uint_eq(netem_backlog(&d, 0), 3);
    ck_assert_uint_eq(netem_backlog(&d, 1 * MS), 2);  /* the first left at 1 ms */
    ck_assert_uint_eq(netem_backlog(&d, 3 * MS), 0);
    /* offered in the middle of the third frame: waits for it */
    ck_assert_int_eq(netem_schedule(&d, 2500 * US, 500, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 3 * MS + 500 * US);
    ck_assert_uint_eq(arr, 13 * MS + 500 * US);
    /* offered after the line went idle: starts at once */
    ck_assert_int_eq(netem_schedule(&d, 20 * MS, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 21 * MS);
    ck_assert_uint_eq(arr, 31 * MS);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_drop_tail_at_the_limit_counts_exactly)
{
    struct netem d = dir_with(0, 8000000, 5);
    uint64_t dep, arr;
    unsigned queued = 0, dropped = 0;
    for (int i = 0; i < 20; i++) {
        enum netem_verdict v = netem_schedule(&d, 0, 1000, &dep, &arr);
        if (v == NETEM_QUEUED)
            queued++;
        else if (v == NETEM_QUEUE_FULL)
            dropped++;
    }
    ck_assert_uint_eq(queued, 5);
    ck_assert_uint_eq(dropped, 15);
    ck_assert_uint_eq(d.queue_drops, 15);
    ck_assert_uint_eq(d.tx_frames, 5);
    ck_assert_uint_eq(d.tx_bytes, 5000);
    ck_assert_uint_eq(dep, 5 * MS);  /* the last accepted one */

    /* at 1 ms exactly the first frame's last bit has left: room for one */
    ck_assert_int_eq(netem_schedule(&d, 1 * MS, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 6 * MS);
    ck_assert_int_eq(netem_schedule(&d, 1 * MS, 1000, &dep, &arr), NETEM_QUEUE_FULL);
    /* at 2.5 ms frames departing at 3..6 ms are held: 4 of 5 */
    ck_assert_uint_eq(netem_backlog(&d, 2500 * US), 4);
    ck_assert_int_eq(netem_schedule(&d, 2500 * US, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 7 * MS);
    ck_assert_uint_eq(d.queue_drops, 16);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_limit_one_holds_only_the_frame_on_the_wire)
{
    struct netem d = dir_with(0, 8000000, 1);
    uint64_t dep, arr;
    ck_assert_int_eq(netem_schedule(&d, 0, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_int_eq(netem_schedule(&d, 999999, 1000, &dep, &arr), NETEM_QUEUE_FULL);
    ck_assert_int_eq(netem_schedule(&d, 1000000, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 2 * MS);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_infinite_rate_never_queues)
{
    struct netem d = dir_with(5 * MS, 0, 1);
    uint64_t dep, arr;
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(netem_schedule(&d, 7, 1500, &dep, &arr), NETEM_QUEUED);
        ck_assert_uint_eq(dep, 7);
        ck_assert_uint_eq(arr, 7 + 5 * MS);
    }
    ck_assert_uint_eq(d.queue_drops, 0);
    ck_assert_uint_eq(netem_backlog(&d, 7), 0);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_large_limit_grows_backlog_without_loss)
{
    struct netem d = dir_with(0, 8000, 3000);  /* 1 byte per ms */
    uint64_t dep, arr;
    for (uint64_t i = 1; i <= 3000; i++) {
        ck_assert_int_eq(netem_schedule(&d, 0, 1, &dep, &arr), NETEM_QUEUED);
        ck_assert_uint_eq(dep, i * MS);
    }
    ck_assert_int_eq(netem_schedule(&d, 0, 1, &dep, &arr), NETEM_QUEUE_FULL);
    ck_assert_uint_eq(netem_backlog(&d, 0), 3000);
    ck_assert_uint_eq(netem_backlog(&d, 1500 * MS), 1500);
    /* half of them gone: 1500 more fit, behind the rest */
    for (uint64_t i = 1; i <= 1500; i++) {
        ck_assert_int_eq(netem_schedule(&d, 1500 * MS, 1, &dep, &arr), NETEM_QUEUED);
        ck_assert_uint_eq(dep, (3000 + i) * MS);
    }
    ck_assert_int_eq(netem_schedule(&d, 1500 * MS, 1, &dep, &arr), NETEM_QUEUE_FULL);
    netem_destroy(&d);
}
END_TEST

START_TEST(test_changing_params_keeps_frames_already_held)
{
    struct netem d = dir_with(0, 8000000, 10);
    uint64_t dep, arr;
    ck_assert_int_eq(netem_schedule(&d, 0, 1000, &dep, &arr), NETEM_QUEUED);
    struct link_params faster = { .delay_ns = 1 * MS, .rate_bps = 16000000, .limit = 10 };
    ck_assert_int_eq(netem_set_params(&d, &faster), 0);
    ck_assert_int_eq(netem_schedule(&d, 0, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 1 * MS + 500 * US);  /* behind the first, at the new rate */
    ck_assert_uint_eq(arr, 2 * MS + 500 * US);
    struct link_params bad = { .loss = 1.5 };
    ck_assert_int_lt(netem_set_params(&d, &bad), 0);
    ck_assert_uint_eq(d.params.rate_bps, 16000000);
    netem_destroy(&d);
}
END_TEST

/* ------------------------------------------------------------------------- */
/* loss                                                                       */
/* ------------------------------------------------------------------------- */

/* Frames lost out of 100 000 at 10% loss, seed 1, stream LINK_RNG_STREAM_BASE
 * (link 0, direction a->b), with stack/rng.c's xoshiro256**. Found by running
 * this test; a change means the generator or the loss rule changed, and every
 * golden trace with loss changes with it. */
#define GOLDEN_LOST_10PCT_SEED1 10153u

static unsigned
count_lost(uint64_t seed, uint64_t stream, double loss, unsigned frames)
{
    struct link_params p = { .loss = loss };
    struct netem d;
    netem_init(&d, &p, seed, stream);
    unsigned lost = 0;
    for (unsigned i = 0; i < frames; i++)
        lost += netem_roll_loss(&d);
    ck_assert_uint_eq(d.lost, lost);
    netem_destroy(&d);
    return lost;
}

START_TEST(test_loss_rate_within_tolerance_and_golden)
{
    unsigned lost = count_lost(1, LINK_RNG_STREAM_BASE, 0.10, 100000);
    if (lost != GOLDEN_LOST_10PCT_SEED1)
        fprintf(stderr, "lost %u of 100000 (golden %u)\n", lost, GOLDEN_LOST_10PCT_SEED1);
    /* expected 10000, standard deviation ~95: 6 sigma either side */
    ck_assert_uint_ge(lost, 9430);
    ck_assert_uint_le(lost, 10570);
    ck_assert_uint_eq(lost, GOLDEN_LOST_10PCT_SEED1);
}
END_TEST

START_TEST(test_loss_replays_and_streams_differ)
{
    struct link_params p = { .loss = 0.3 };
    struct netem d1, d2, d3;
    netem_init(&d1, &p, 7, LINK_RNG_STREAM_BASE);
    netem_init(&d2, &p, 7, LINK_RNG_STREAM_BASE);
    netem_init(&d3, &p, 7, LINK_RNG_STREAM_BASE + 1);
    unsigned differ = 0;
    for (int i = 0; i < 10000; i++) {
        bool a = netem_roll_loss(&d1);
        ck_assert(a == netem_roll_loss(&d2));
        differ += a != netem_roll_loss(&d3);
    }
    ck_assert_uint_eq(d1.lost, d2.lost);
    ck_assert_uint_gt(differ, 1000);  /* the other direction is another stream */
    netem_destroy(&d1);
    netem_destroy(&d2);
    netem_destroy(&d3);
}
END_TEST

START_TEST(test_loss_zero_and_one_are_exact)
{
    ck_assert_uint_eq(count_lost(3, 0, 0.0, 10000), 0);
    ck_assert_uint_eq(count_lost(3, 0, 1.0, 10000), 10000);
}
END_TEST

/* ------------------------------------------------------------------------- */
/* world                                                                      */
/* ------------------------------------------------------------------------- */

/* Local experimental EtherType [IEEE 802 1.0]: every stack drops it
 * unparsed, so an injected frame causes no reply. */
#define TEST_ETHERTYPE 0x88b5

struct world {
    struct sim s;        /* the world */
    struct host *alice;  /* host 0 */
    struct host *bob;    /* host 1 */
    struct iface *ia;    /* alice's eth0 */
    struct iface *ib;    /* bob's eth0 */
    struct link *l;      /* alice-bob */
    struct record rec;   /* every event, for the checks */
};

static void
world_init(struct world *w, uint64_t seed, const struct link_params *p)
{
    sim_init(&w->s, seed);
    record_init(&w->rec, &w->s);
    record_attach(&w->rec);
    w->alice = sim_add_host(&w->s, "alice");
    w->bob = sim_add_host(&w->s, "bob");
    ck_assert_ptr_nonnull(w->alice);
    ck_assert_ptr_nonnull(w->bob);
    w->ia = sim_host_add_iface(&w->s, w->alice, IPV4_ADDR(192, 0, 2, 1), 24, 1500, NULL);
    w->ib = sim_host_add_iface(&w->s, w->bob, IPV4_ADDR(192, 0, 2, 2), 24, 1500, NULL);
    ck_assert_ptr_nonnull(w->ia);
    ck_assert_ptr_nonnull(w->ib);
    w->l = sim_add_link(&w->s, w->ia, w->ib, p);
    ck_assert_ptr_nonnull(w->l);
}

static void
world_destroy(struct world *w)
{
    sim_destroy(&w->s);
    ck_assert_uint_eq(w->s.pool.live, 0);
    record_destroy(&w->rec);
}

/* A len-byte Ethernet frame from src's MAC to dst's. */
static struct pkt *
make_frame(struct sim *s, const struct iface *src, const struct iface *dst, size_t len)
{
    struct pkt *p = pkt_alloc(&s->pool, PKT_HEADROOM, len);
    ck_assert_ptr_nonnull(p);
    uint8_t *b = pkt_put(p, len);
    ck_assert_ptr_nonnull(b);
    memset(b, 0xab, len);
    memcpy(b, dst->mac, ETH_ALEN);
    memcpy(b + 6, src->mac, ETH_ALEN);
    b[12] = TEST_ETHERTYPE >> 8;
    b[13] = TEST_ETHERTYPE & 0xff;
    p->l2_off = pkt_off(p);
    return p;
}

/* Offer a frame through the interface's driver; returns its id. */
static uint64_t
send_frame(struct world *w, struct iface *from, struct iface *to, size_t len)
{
    struct pkt *p = make_frame(&w->s, from, to, len);
    uint64_t id = p->id;
    ck_assert_int_eq(from->ops->transmit(from, p), 0);
    return id;
}

/* Run the world to the end, noting when each frame reached its interface. */
struct arrival {
    uint64_t id;        /* the frame */
    uint64_t at_ns;     /* when its SIM_EV_FRAME ran */
    struct iface *dst;  /* where it arrived */
};

static size_t
run_noting_arrivals(struct world *w, struct arrival *out, size_t cap)
{
    size_t n = 0;
    for (;;) {
        const struct sim_event *ev = event_heap_peek(&w->s.heap);
        if (ev == NULL)
            break;
        if (ev->kind == SIM_EV_FRAME && n < cap) {
            out[n].id = ev->u.frame.p->id;
            out[n].at_ns = ev->at_ns;
            out[n].dst = ev->u.frame.dst;
            n++;
        }
        uint64_t due = ev->at_ns;
        ck_assert(sim_step(&w->s));
        ck_assert_uint_eq(w->s.now_ns, due);
    }
    return n;
}

START_TEST(test_world_names_macs_and_brings_ifaces_up)
{
    struct world w;
    world_init(&w, 1, NULL);
    ck_assert_str_eq(w.l->name, "alice-bob");
    ck_assert_str_eq(w.ia->name, "eth0");
    static const uint8_t mac_a[ETH_ALEN] = { 2, 0, 0, 0, 1, 1 };
    static const uint8_t mac_b[ETH_ALEN] = { 2, 0, 0, 0, 2, 1 };
    ck_assert_mem_eq(w.ia->mac, mac_a, ETH_ALEN);
    ck_assert_mem_eq(w.ib->mac, mac_b, ETH_ALEN);
    ck_assert(w.ia->up && w.ib->up);
    ck_assert_ptr_eq(link_of_iface(w.ia), w.l);
    ck_assert_ptr_eq(link_peer(w.ia), w.ib);
    ck_assert_ptr_eq(link_peer(w.ib), w.ia);
    ck_assert_ptr_eq(sim_host_by_name(&w.s, "bob"), w.bob);
    ck_assert_ptr_null(sim_host_by_name(&w.s, "carol"));
    ck_assert_ptr_eq(sim_link_by_name(&w.s, "alice-bob"), w.l);
    ck_assert_ptr_null(sim_add_host(&w.s, "alice"));             /* taken */
    ck_assert_ptr_null(sim_add_link(&w.s, w.ia, w.ib, NULL));    /* already linked */
    ck_assert_int_eq(sim_host_index(&w.s, w.bob), 1);
    world_destroy(&w);
}
END_TEST

START_TEST(test_frames_arrive_when_the_arithmetic_says)
{
    struct link_params p = { .delay_ns = 10 * MS, .rate_bps = 8000000 };
    struct world w;
    world_init(&w, 1, &p);
    uint64_t id[4];
    for (int i = 0; i < 3; i++)
        id[i] = send_frame(&w, w.ia, w.ib, 1000);
    struct arrival arr[8];
    ck_assert_uint_eq(run_noting_arrivals(&w, arr, 8), 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(arr[i].id, id[i]);
        ck_assert_uint_eq(arr[i].at_ns, (11 + (uint64_t)i) * MS);
        ck_assert_ptr_eq(arr[i].dst, w.ib);
    }
    ck_assert_uint_eq(w.s.now_ns, 13 * MS);

    /* later, on an idle line */
    sim_run_until(&w.s, 20 * MS);
    ck_assert_uint_eq(w.s.now_ns, 20 * MS);
    id[3] = send_frame(&w, w.ia, w.ib, 1000);
    ck_assert_uint_eq(run_noting_arrivals(&w, arr, 8), 1);
    ck_assert_uint_eq(arr[0].id, id[3]);
    ck_assert_uint_eq(arr[0].at_ns, 31 * MS);

    ck_assert_uint_eq(w.l->dir[0].wire.tx_frames, 4);
    ck_assert_uint_eq(w.l->dir[0].wire.tx_bytes, 4000);
    ck_assert_uint_eq(w.l->dir[0].wire.delivered, 4);
    ck_assert_uint_eq(w.l->dir[1].wire.tx_frames, 0);
    world_destroy(&w);
}
END_TEST

START_TEST(test_directions_are_independent)
{
    struct link_params p = { .delay_ns = 10 * MS, .rate_bps = 8000000, .limit = 3 };
    struct world w;
    world_init(&w, 1, &p);
    /* alice fills her direction (3 held, 2 dropped) ... */
    for (int i = 0; i < 5; i++)
        send_frame(&w, w.ia, w.ib, 1000);
    /* ... bob's frame is not behind them and not dropped */
    uint64_t from_bob = send_frame(&w, w.ib, w.ia, 1000);
    struct arrival arr[8];
    size_t n = run_noting_arrivals(&w, arr, 8);
    ck_assert_uint_eq(n, 4);
    bool seen = false;
    for (size_t i = 0; i < n; i++) {
        if (arr[i].id == from_bob) {
            ck_assert_uint_eq(arr[i].at_ns, 11 * MS);
            ck_assert_ptr_eq(arr[i].dst, w.ia);
            seen = true;
        }
    }
    ck_assert(seen);
    ck_assert_uint_eq(w.l->dir[0].wire.queue_drops, 2);
    ck_assert_uint_eq(w.l->dir[0].wire.delivered, 3);
    ck_assert_uint_eq(w.l->dir[1].wire.queue_drops, 0);
    ck_assert_uint_eq(w.l->dir[1].wire.delivered, 1);
    world_destroy(&w);
}
END_TEST

/* Events of the log for packet id, in order. */
static size_t
events_of(const struct record *r, uint64_t id, struct record_event *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < record_count(r) && n < cap; i++) {
        struct record_event ev;
        ck_assert(record_get(r, i, &ev));
        if (ev.pkt_id == id)
            out[n++] = ev;
    }
    return n;
}

START_TEST(test_wire_event_describes_the_frame_on_the_link)
{
    struct link_params p = { .delay_ns = 1 * MS };
    struct world w;
    world_init(&w, 1, &p);
    sim_run_until(&w.s, 5 * MS);
    uint64_t id = send_frame(&w, w.ia, w.ib, 60);
    struct record_event ev[4];
    ck_assert_uint_eq(events_of(&w.rec, id, ev, 4), 1);
    ck_assert_int_eq(ev[0].kind, TRACE_WIRE);
    ck_assert_int_eq(ev[0].layer, LAYER_WIRE);
    ck_assert_int_eq(ev[0].host, -1);
    ck_assert_str_eq(ev[0].where, "alice-bob");
    ck_assert_uint_eq(ev[0].t_ns, 5 * MS);
    ck_assert_uint_eq(ev[0].len, 60);
    ck_assert_int_eq(ev[0].l2_off, 0);
    ck_assert_int_eq(ev[0].l3_off, RECORD_OFF_NONE);
    ck_assert_uint_eq(ev[0].bytes[12], TEST_ETHERTYPE >> 8);
    size_t tl = strlen(ev[0].text);
    ck_assert_uint_gt(tl, strlen(" on alice-bob"));
    ck_assert_str_eq(ev[0].text + tl - strlen(" on alice-bob"), " on alice-bob");
    /* after delivery bob's stack saw it (whatever it made of the frame) */
    sim_run_until(&w.s, UINT64_MAX);
    size_t n = events_of(&w.rec, id, ev, 4);
    ck_assert_uint_ge(n, 2);
    ck_assert_int_eq(ev[1].host, 1);
    ck_assert_uint_eq(ev[1].t_ns, 6 * MS);
    ck_assert_uint_eq(w.s.now_ns, 6 * MS);
    world_destroy(&w);
}
END_TEST

START_TEST(test_lost_frame_is_on_the_wire_then_dropped)
{
    struct link_params p = { .delay_ns = 1 * MS, .rate_bps = 8000000, .loss = 1.0 };
    struct world w;
    world_init(&w, 1, &p);
    uint64_t id1 = send_frame(&w, w.ia, w.ib, 1000);
    uint64_t id2 = send_frame(&w, w.ia, w.ib, 1000);
    ck_assert_uint_eq(w.s.pool.live, 0);          /* freed at once */
    ck_assert_uint_eq(event_heap_size(&w.s.heap), 0);
    struct record_event ev[4];
    ck_assert_uint_eq(events_of(&w.rec, id1, ev, 4), 2);
    ck_assert_int_eq(ev[0].kind, TRACE_WIRE);
    ck_assert_int_eq(ev[1].kind, TRACE_DROP);
    ck_assert_int_eq(ev[1].reason, DROP_LINK_LOSS);
    ck_assert_str_eq(ev[1].where, "alice-bob");
    ck_assert_int_eq(ev[1].host, -1);
    ck_assert_uint_eq(events_of(&w.rec, id2, ev, 4), 2);
    ck_assert_uint_eq(w.l->dir[0].wire.lost, 2);
    ck_assert_uint_eq(w.l->dir[0].wire.tx_frames, 2);
    /* the lost frames still used the serialiser: a third waits for them */
    uint64_t dep, arr;
    ck_assert_int_eq(netem_schedule(&w.l->dir[0].wire, 0, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 3 * MS);
    world_destroy(&w);
}
END_TEST

START_TEST(test_queue_full_and_down_drop_without_wire)
{
    struct link_params p = { .rate_bps = 8000000, .limit = 2 };
    struct world w;
    world_init(&w, 1, &p);
    uint64_t id[3];
    for (int i = 0; i < 3; i++)
        id[i] = send_frame(&w, w.ia, w.ib, 1000);
    struct record_event ev[4];
    ck_assert_uint_eq(events_of(&w.rec, id[2], ev, 4), 1);
    ck_assert_int_eq(ev[0].kind, TRACE_DROP);
    ck_assert_int_eq(ev[0].reason, DROP_LINK_QUEUE_FULL);
    ck_assert_uint_eq(w.l->dir[0].wire.queue_drops, 1);

    link_set_down(w.l, true);
    uint64_t down_id = send_frame(&w, w.ib, w.ia, 100);
    ck_assert_uint_eq(events_of(&w.rec, down_id, ev, 4), 1);
    ck_assert_int_eq(ev[0].kind, TRACE_DROP);
    ck_assert_int_eq(ev[0].reason, DROP_LINK_DOWN);
    ck_assert_uint_eq(w.l->dir[1].down_drops, 1);
    /* frames already in flight still arrive */
    struct arrival arr[4];
    ck_assert_uint_eq(run_noting_arrivals(&w, arr, 4), 2);
    world_destroy(&w);
}
END_TEST

START_TEST(test_unplugged_interface_drops_with_no_peer)
{
    struct world w;
    world_init(&w, 1, NULL);
    struct host *carol = sim_add_host(&w.s, "carol");
    struct iface *ic = sim_host_add_iface(&w.s, carol, IPV4_ADDR(192, 0, 2, 3), 24, 1500, NULL);
    ck_assert_ptr_nonnull(ic);
    static const uint8_t mac_c[ETH_ALEN] = { 2, 0, 0, 0, 3, 1 };
    ck_assert_mem_eq(ic->mac, mac_c, ETH_ALEN);
    uint64_t id = send_frame(&w, ic, w.ia, 60);
    struct record_event ev[2];
    ck_assert_uint_eq(events_of(&w.rec, id, ev, 2), 1);
    ck_assert_int_eq(ev[0].kind, TRACE_DROP);
    ck_assert_int_eq(ev[0].reason, DROP_LINK_NO_PEER);
    ck_assert_int_eq(ev[0].host, 2);
    ck_assert_uint_eq(w.s.pool.live, 0);
    world_destroy(&w);
}
END_TEST

START_TEST(test_destroy_frees_frames_in_flight)
{
    struct link_params p = { .delay_ns = 1000 * MS, .rate_bps = 1000000 };
    struct world w;
    world_init(&w, 1, &p);
    for (int i = 0; i < 50; i++) {
        send_frame(&w, w.ia, w.ib, 1500);
        send_frame(&w, w.ib, w.ia, 64);
    }
    sim_run_until(&w.s, 1010 * MS);  /* a few delivered, most still in flight */
    ck_assert_uint_gt(w.s.pool.live, 0);
    ck_assert_uint_gt(w.l->dir[1].wire.delivered, 0);
    world_destroy(&w);  /* asserts pool.live == 0 */
}
END_TEST

/* Host timers through wake-ups: alice's ARP requests go into a down link;
 * her retry timer (a SIM_EV_WAKE) asks again each second and finally gives
 * up, dropping the datagram it held. */
START_TEST(test_host_timers_run_from_wakes)
{
    struct world w;
    world_init(&w, 1, NULL);
    link_set_down(w.l, true);
    sim_enter_host(&w.s, w.alice);
    host_set_cause(w.alice, cause_call(CALL_SOCKET, 1));
    int fd = sock_socket(w.alice, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, 0);
    host_set_cause(w.alice, cause_call(CALL_SENDTO, 2));
    struct sock_addr to = { .addr = IPV4_ADDR(192, 0, 2, 2), .port = 7 };
    static const uint8_t hello[] = "hello";
    ck_assert_int_eq(sock_sendto(w.alice, fd, hello, 5, &to), 5);
    sim_host_entered(&w.s, w.alice);
    ck_assert_uint_eq(sim_next_time(&w.s), host_next_deadline(w.alice));
    ck_assert_uint_gt(sim_next_time(&w.s), 0);

    /* entering again changes nothing: still one live wake */
    sim_host_entered(&w.s, w.alice);
    ck_assert_uint_eq(event_heap_size(&w.s.heap), 1);

    sim_run_until(&w.s, 60ull * 1000 * MS);
    uint64_t down_at[8];
    size_t n_down = 0;
    uint64_t unresolved_at = 0;
    for (size_t i = 0; i < record_count(&w.rec); i++) {
        struct record_event ev;
        record_get(&w.rec, i, &ev);
        if (ev.kind == TRACE_DROP && ev.reason == DROP_LINK_DOWN && n_down < 8)
            down_at[n_down++] = ev.t_ns;
        if (ev.kind == TRACE_DROP && ev.reason == DROP_ARP_UNRESOLVED) {
            unresolved_at = ev.t_ns;
            ck_assert_int_eq(ev.host, 0);
        }
    }
    ck_assert_uint_eq(n_down, ARP_MAX_TRIES);
    for (size_t i = 0; i < n_down; i++)
        ck_assert_uint_eq(down_at[i], i * ARP_RETRY_NS);
    ck_assert_uint_eq(unresolved_at, ARP_MAX_TRIES * ARP_RETRY_NS);
    ck_assert_uint_eq(w.s.wake_spins, 0);
    ck_assert_uint_eq(w.s.now_ns, 60ull * 1000 * MS);
    sim_enter_host(&w.s, w.alice);
    sock_close(w.alice, fd);
    world_destroy(&w);
}
END_TEST

/* Calls run in (time, order scheduled); the clock never goes back. */
static void
note_call(struct sim *s, void *ctx)
{
    uint64_t *log = ctx;
    log[log[0] + 1] = s->now_ns;
    log[0]++;
}

START_TEST(test_calls_and_run_until_keep_time_order)
{
    struct sim s;
    sim_init(&s, 9);
    uint64_t log[8] = { 0 };
    ck_assert_int_eq(sim_schedule_call(&s, 5, note_call, log), 0);
    ck_assert_int_eq(sim_schedule_call(&s, 3, note_call, log), 0);
    ck_assert_int_eq(sim_schedule_call(&s, 5, note_call, log), 0);
    ck_assert_uint_eq(sim_next_time(&s), 3);
    sim_run_until(&s, 4);
    ck_assert_uint_eq(log[0], 1);
    ck_assert_uint_eq(s.now_ns, 4);
    sim_run_until(&s, 2);  /* never backwards */
    ck_assert_uint_eq(s.now_ns, 4);
    ck_assert_int_eq(sim_schedule_call(&s, 1, note_call, log), 0);  /* past: runs now */
    ck_assert_uint_eq(sim_next_time(&s), 4);
    sim_run_until(&s, 10);
    ck_assert_uint_eq(log[0], 4);
    ck_assert_uint_eq(log[1], 3);
    ck_assert_uint_eq(log[2], 4);
    ck_assert_uint_eq(log[3], 5);
    ck_assert_uint_eq(log[4], 5);
    ck_assert_uint_eq(s.now_ns, 10);
    ck_assert_uint_eq(s.events_run, 4);
    ck_assert(!sim_step(&s));
    ck_assert_uint_eq(sim_next_time(&s), UINT64_MAX);
    sim_destroy(&s);
}
END_TEST

START_TEST(test_log_line_format)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, 0, 8);
    ck_assert_ptr_nonnull(p);
    p->id = 7;  /* the line shows whatever id the packet has */
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = 10512345;
    ev.kind = TRACE_TX;
    ev.layer = LAYER_UDP;
    ev.where = "alice";
    ev.pkt = p;
    ev.rfc = "RFC 768";
    ev.cause = cause_call(CALL_SENDTO, 5);
    snprintf(ev.text, sizeof ev.text, "src 49152 dst 7 length 13");
    char line[256];
    log_format_event(&ev, line, sizeof line);
    ck_assert_str_eq(line, "    0.010512 alice    UDP    out   #7 src 49152 dst 7 length 13"
                           " [RFC 768]  (cause: sendto() step 5)");

    memset(&ev, 0, sizeof ev);
    ev.t_ns = 2000000000;
    ev.kind = TRACE_DROP;
    ev.layer = LAYER_WIRE;
    ev.where = "alice-bob";
    ev.pkt = p;
    ev.reason = DROP_LINK_LOSS;
    ev.cause = cause_arrival(3);
    log_format_event(&ev, line, sizeof line);
    ck_assert_str_eq(line, "    2.000000 alice-bob Wire   drop  #7 lost on the link (random loss)"
                           " (LINK_LOSS)  (cause: arrival of #3)");

    char cause[64];
    struct trace_cause c = cause_timer(TIMER_ARP_RETRY);
    log_format_cause(&c, cause, sizeof cause);
    ck_assert_str_eq(cause, "ARP retry timer");
    c = cause_call(CALL_NONE, 4);  /* a step with no socket call */
    log_format_cause(&c, cause, sizeof cause);
    ck_assert_str_eq(cause, "step 4");
    c = (struct trace_cause){ .kind = CAUSE_NONE };
    log_format_cause(&c, cause, sizeof cause);
    ck_assert_str_eq(cause, "");

    /* a cut line is still terminated and reports its full length */
    int full = log_format_event(&ev, line, 10);
    ck_assert_uint_eq(strlen(line), 9);
    ck_assert_int_gt(full, 60);
    pkt_free(p);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

/* One lossy run: its text trace and capture, as bytes. */
struct run_output {
    char *log;          /* the text trace */
    size_t log_len;     /* its bytes */
    uint8_t *pcap;      /* the capture file */
    size_t pcap_len;    /* its bytes */
    uint64_t lost;      /* frames lost, both directions */
    uint64_t frames;    /* frames the capture wrote */
};

static void
lossy_run(uint64_t seed, const char *pcap_path, struct run_output *out)
{
    struct link_params p = { .delay_ns = 2 * MS, .rate_bps = 100000000, .loss = 0.25 };
    struct world w;
    world_init(&w, seed, &p);
    FILE *f = open_memstream(&out->log, &out->log_len);
    ck_assert_ptr_nonnull(f);
    struct log_sink ls;
    log_sink_init(&ls, f);
    log_sink_attach(&ls, &w.s.trace);
    struct pcap_sink ps;
    ck_assert_int_eq(pcap_sink_open(&ps, pcap_path), 0);
    pcap_sink_attach(&ps, &w.s.trace);
    for (int i = 0; i < 200; i++) {
        sim_run_until(&w.s, (uint64_t)i * 100 * US);
        send_frame(&w, i % 2 ? w.ib : w.ia, i % 2 ? w.ia : w.ib, 60 + (size_t)i);
    }
    sim_run_until(&w.s, UINT64_MAX);
    out->lost = w.l->dir[0].wire.lost + w.l->dir[1].wire.lost;
    out->frames = ps.frames;
    ck_assert_int_eq(pcap_sink_close(&ps), 0);
    log_sink_detach(&ls);
    ck_assert(!ls.error);
    fclose(f);
    world_destroy(&w);

    FILE *pf = fopen(pcap_path, "rb");
    ck_assert_ptr_nonnull(pf);
    out->pcap = malloc(1 << 20);
    out->pcap_len = fread(out->pcap, 1, 1 << 20, pf);
    fclose(pf);
    remove(pcap_path);
}

START_TEST(test_same_seed_same_trace_and_capture)
{
    /* relative: ctest runs each build's tests in that build's directory */
    const char *path1 = "test_link_1.pcap";
    const char *path2 = "test_link_2.pcap";
    struct run_output r1, r2, r3;
    lossy_run(11, path1, &r1);
    lossy_run(11, path2, &r2);
    lossy_run(12, path2, &r3);

    ck_assert_uint_eq(r1.frames, 200);  /* every frame was on a wire */
    ck_assert_uint_gt(r1.lost, 20);
    ck_assert_uint_lt(r1.lost, 90);
    ck_assert_uint_eq(r1.log_len, r2.log_len);
    ck_assert_mem_eq(r1.log, r2.log, r1.log_len);
    ck_assert_uint_eq(r1.pcap_len, r2.pcap_len);
    ck_assert_mem_eq(r1.pcap, r2.pcap, r1.pcap_len);
    ck_assert(r1.lost != r3.lost || r1.log_len != r3.log_len ||
              memcmp(r1.log, r3.log, r1.log_len) != 0);

    /* pcap: nanosecond magic, little-endian on this machine; snaplen; DLT 1 */
    ck_assert_uint_ge(r1.pcap_len, 24);
    static const uint8_t magic_ns[4] = { 0x4d, 0x3c, 0xb2, 0xa1 };
    ck_assert_mem_eq(r1.pcap, magic_ns, 4);
    ck_assert_uint_eq(r1.pcap[20], 1);
    /* 200 records of 16-byte header + frame: sum of 60..259 */
    ck_assert_uint_eq(r1.pcap_len, 24 + 200 * 16 + (60 + 259) * 200 / 2);
    /* the second record (bob's first frame) at t = 100 us = 100000 ns */
    size_t rec2 = 24 + 16 + 60;
    uint32_t sec = (uint32_t)r1.pcap[rec2] | (uint32_t)r1.pcap[rec2 + 1] << 8;
    uint32_t nsec = (uint32_t)r1.pcap[rec2 + 4] | (uint32_t)r1.pcap[rec2 + 5] << 8 |
                    (uint32_t)r1.pcap[rec2 + 6] << 16 | (uint32_t)r1.pcap[rec2 + 7] << 24;
    ck_assert_uint_eq(sec, 0);
    ck_assert_uint_eq(nsec, 100000);

    /* the text trace: one line per event, the first a WIRE on alice-bob */
    ck_assert(strncmp(r1.log, "    0.000000 alice-bob Wire   wire  #", 37) == 0);
    free(r1.log);
    free(r2.log);
    free(r3.log);
    free(r1.pcap);
    free(r2.pcap);
    free(r3.pcap);
}
END_TEST

START_TEST(test_pcap_sink_reports_errors_and_leaves_no_file)
{
    struct pcap_sink ps;
    int err = pcap_sink_open(&ps, "/nonexistent-dir/x.pcap");
    ck_assert_int_lt(err, 0);
    ck_assert_str_ne(pcap_sink_error(&ps), "");
    ck_assert_int_eq(pcap_sink_close(&ps), err);

    const char *path = "test_link_abort.pcap";
    remove(path);
    ck_assert_int_eq(pcap_sink_open(&ps, path), 0);
    pcap_sink_abort(&ps);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_null(f);
    f = fopen("test_link_abort.pcap.tmp", "rb");
    ck_assert_ptr_null(f);
}
END_TEST

static Suite *
link_suite(void)
{
    Suite *s = suite_create("sim/link");
    TCase *arith = tcase_create("arithmetic");
    tcase_add_test(arith, test_serialisation_time_is_bits_over_rate);
    tcase_add_test(arith, test_serialisation_rounds_up_to_the_nanosecond);
    tcase_add_test(arith, test_one_frame_departs_after_serialising_and_arrives_after_delay);
    tcase_add_test(arith, test_back_to_back_frames_queue_behind_each_other);
    tcase_add_test(arith, test_drop_tail_at_the_limit_counts_exactly);
    tcase_add_test(arith, test_limit_one_holds_only_the_frame_on_the_wire);
    tcase_add_test(arith, test_infinite_rate_never_queues);
    tcase_add_test(arith, test_large_limit_grows_backlog_without_loss);
    tcase_add_test(arith, test_changing_params_keeps_frames_already_held);
    suite_add_tcase(s, arith);

    TCase *loss = tcase_create("loss");
    tcase_add_test(loss, test_loss_rate_within_tolerance_and_golden);
    tcase_add_test(loss, test_loss_replays_and_streams_differ);
    tcase_add_test(loss, test_loss_zero_and_one_are_exact);
    suite_add_tcase(s, loss);

    TCase *world = tcase_create("world");
    tcase_add_test(world, test_world_names_macs_and_brings_ifaces_up);
    tcase_add_test(world, test_frames_arrive_when_the_arithmetic_says);
    tcase_add_test(world, test_directions_are_independent);
    tcase_add_test(world, test_wire_event_describes_the_frame_on_the_link);
    tcase_add_test(world, test_lost_frame_is_on_the_wire_then_dropped);
    tcase_add_test(world, test_queue_full_and_down_drop_without_wire);
    tcase_add_test(world, test_unplugged_interface_drops_with_no_peer);
    tcase_add_test(world, test_destroy_frees_frames_in_flight);
    tcase_add_test(world, test_host_timers_run_from_wakes);
    tcase_add_test(world, test_calls_and_run_until_keep_time_order);
    tcase_add_test(world, test_log_line_format);
    tcase_add_test(world, test_same_seed_same_trace_and_capture);
    tcase_add_test(world, test_pcap_sink_reports_errors_and_leaves_no_file);
    suite_add_tcase(s, world);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(link_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
