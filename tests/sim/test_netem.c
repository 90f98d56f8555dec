/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_netem.c - Check suite for sim/netem.c, the faults of one direction of
 * a wire that the simulated link and the TAP driver share.
 *
 * Each fault alone, with a fixed seed: which frames it hits is exactly what
 * the same draws from a fresh generator of the same seed say (so both
 * drivers, taking the draws in their order, replay), a knob at 0 or 1 takes
 * no draw at all, and the counters count what happened. Then the queue
 * (drop-tail at the limit, FIFO departures), the FIFO arrival under jitter,
 * where `corrupt` may strike, and the one WIRE/DROP event every wire emits.
 * (sim/test_faults.c checks the rates over 100,000 frames; sim/test_link.c
 * the serialisation arithmetic to the nanosecond.)
 */
#include <check.h>
#include <string.h>

#include "sim/netem.h"
#include "stack/err.h"
#include "stack/pkt.h"
#include "stack/trace.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"

#define SEED 42u
#define STREAM 7u
#define FRAMES 200u
#define MS (1000ull * 1000)

static struct netem
netem_with(const struct link_params *p)
{
    struct netem n;
    netem_init(&n, p, SEED, STREAM);
    return n;
}

/* The generator a fresh direction of SEED/STREAM starts with. */
static struct rng
fresh_rng(void)
{
    struct rng r;
    rng_seed(&r, SEED, STREAM);
    return r;
}

/* Nothing was drawn from n: its next number is a fresh generator's first. */
static void
assert_untouched(struct netem *n)
{
    struct rng r = fresh_rng();
    ck_assert_uint_eq(rng_next(&n->rng), rng_next(&r));
}

START_TEST(test_loss_hits_exactly_the_drawn_frames)
{
    struct link_params p = { .loss = 0.3 };
    struct netem n = netem_with(&p);
    struct rng r = fresh_rng();
    unsigned lost = 0;
    for (unsigned i = 0; i < FRAMES; i++) {
        bool want = rng_unit(&r) < 0.3;  /* one draw per frame */
        ck_assert_int_eq(netem_roll_loss(&n), want);
        lost += want;
    }
    ck_assert_uint_eq(n.lost, lost);
    ck_assert_uint_gt(lost, 0);
    ck_assert_uint_lt(lost, FRAMES);
    netem_destroy(&n);
}
END_TEST

START_TEST(test_certain_chances_draw_nothing)
{
    struct link_params p = { .loss = 1.0, .duplicate = 1.0, .corrupt = 1.0 };
    struct netem n = netem_with(&p);
    for (unsigned i = 0; i < 10; i++) {
        ck_assert(netem_roll_loss(&n));
        ck_assert(netem_roll_duplicate(&n));
        ck_assert(netem_roll_corrupt(&n));
        ck_assert(!netem_roll_reorder(&n));  /* reorder 0: never, no draw */
        ck_assert_uint_eq(netem_draw_delay(&n), 0);  /* no jitter: no draw */
    }
    ck_assert_uint_eq(n.lost, 10);
    ck_assert_uint_eq(n.duplicated, 10);
    ck_assert_uint_eq(n.corrupted, 10);
    ck_assert_uint_eq(n.reordered, 0);
    assert_untouched(&n);
    netem_destroy(&n);

    struct netem none = netem_with(NULL);
    for (unsigned i = 0; i < 10; i++) {
        ck_assert(!netem_roll_loss(&none));
        ck_assert(!netem_roll_duplicate(&none));
        ck_assert(!netem_roll_corrupt(&none));
    }
    ck_assert_uint_eq(none.lost + none.duplicated + none.corrupted, 0);
    assert_untouched(&none);
    netem_destroy(&none);
}
END_TEST

START_TEST(test_duplicate_and_corrupt_follow_their_draws)
{
    struct link_params p = { .duplicate = 0.2, .corrupt = 0.1 };
    struct netem n = netem_with(&p);
    struct rng r = fresh_rng();
    unsigned dup = 0, bad = 0;
    for (unsigned i = 0; i < FRAMES; i++) {
        /* the link's order for one frame: duplicate, then corrupt */
        bool want_dup = rng_unit(&r) < 0.2;
        bool want_bad = rng_unit(&r) < 0.1;
        ck_assert_int_eq(netem_roll_duplicate(&n), want_dup);
        ck_assert_int_eq(netem_roll_corrupt(&n), want_bad);
        dup += want_dup;
        bad += want_bad;
    }
    ck_assert_uint_eq(n.duplicated, dup);
    ck_assert_uint_eq(n.corrupted, bad);
    ck_assert_uint_gt(dup, bad);
    netem_destroy(&n);
}
END_TEST

/* Gilbert-Elliott with certain transitions: the first frame finds the good
 * state (1-k = 0: kept) while the chain moves to bad; from then on every
 * frame finds the bad state (1-h = 1: lost) until r moves it back. */
START_TEST(test_gemodel_loses_in_bursts_by_the_state_found)
{
    struct link_params p = { .loss_model = LINK_LOSS_GEMODEL, .ge_p = 1.0, .ge_r = 0.0,
                             .ge_1h = 1.0, .ge_1k = 0.0 };
    struct netem n = netem_with(&p);
    ck_assert(!netem_roll_loss(&n));
    ck_assert(n.ge_bad);
    for (unsigned i = 0; i < 5; i++)
        ck_assert(netem_roll_loss(&n));
    ck_assert_uint_eq(n.lost, 5);
    /* bad -> good with certainty: this frame still finds bad, the next good */
    p.ge_r = 1.0;
    p.ge_p = 0.0;
    ck_assert_int_eq(netem_set_params(&n, &p), 0);
    ck_assert(netem_roll_loss(&n));
    ck_assert(!n.ge_bad);
    ck_assert(!netem_roll_loss(&n));
    ck_assert_uint_eq(n.lost, 6);
    assert_untouched(&n);  /* every chance was 0 or 1 */
    netem_destroy(&n);
}
END_TEST

/* netem's `reorder 100% gap 3`: two frames delayed, the third goes at once. */
START_TEST(test_reorder_gap_pattern)
{
    struct link_params p = { .reorder = 1.0, .reorder_gap = 3 };
    struct netem n = netem_with(&p);
    static const bool jumps[] = { false, false, true, false, false, true, false, false, true };
    for (unsigned i = 0; i < sizeof jumps / sizeof jumps[0]; i++)
        ck_assert_msg(netem_roll_reorder(&n) == jumps[i], "frame %u", i);
    ck_assert_uint_eq(n.reordered, 3);
    netem_destroy(&n);
}
END_TEST

START_TEST(test_uniform_jitter_stays_in_range_and_arrivals_keep_order)
{
    struct link_params p = { .delay_ns = 10 * MS, .jitter_ns = 4 * MS };
    struct netem n = netem_with(&p);
    struct rng r = fresh_rng();
    uint64_t last = 0;
    bool clamped = false;
    for (unsigned i = 0; i < FRAMES; i++) {
        uint64_t d = netem_draw_delay(&n);
        ck_assert_uint_eq(d, 6 * MS + rng_below(&r, 8 * MS));  /* one draw, as netem */
        ck_assert_uint_ge(d, 6 * MS);
        ck_assert_uint_lt(d, 14 * MS);
        /* a frame every 100 us: jitter would let later frames pass */
        uint64_t depart = (uint64_t)i * 100000u;
        uint64_t arrive = netem_fifo_arrival(&n, depart, d);
        ck_assert_uint_ge(arrive, depart + d < last ? last : depart + d);
        clamped |= arrive != depart + d;
        last = arrive;
    }
    ck_assert(clamped);  /* the FIFO rule did hold some frames back */
    netem_destroy(&n);
}
END_TEST

/* limit 3 at 8 Mbit/s, 1000-byte frames (1 ms each): three queue, the
 * fourth is dropped at the tail, and departures follow each other. */
START_TEST(test_queue_limit_drops_at_the_tail)
{
    struct link_params p = { .rate_bps = 8000000, .limit = 3, .delay_ns = 2 * MS };
    struct netem n = netem_with(&p);
    uint64_t dep, arr;
    for (unsigned i = 1; i <= 3; i++) {
        ck_assert_int_eq(netem_schedule(&n, 0, 1000, &dep, &arr), NETEM_QUEUED);
        ck_assert_uint_eq(dep, i * MS);
        ck_assert_uint_eq(arr, i * MS + 2 * MS);
    }
    ck_assert_int_eq(netem_schedule(&n, 0, 1000, &dep, &arr), NETEM_QUEUE_FULL);
    ck_assert_uint_eq(n.tx_frames, 3);
    ck_assert_uint_eq(n.tx_bytes, 3000);
    ck_assert_uint_eq(n.queue_drops, 1);
    ck_assert_uint_eq(netem_backlog(&n, 0), 3);
    /* the first frame has left at 1 ms: room for one more, after the third */
    ck_assert_int_eq(netem_schedule(&n, 1 * MS, 1000, &dep, &arr), NETEM_QUEUED);
    ck_assert_uint_eq(dep, 4 * MS);
    assert_untouched(&n);  /* the queue draws nothing */
    netem_destroy(&n);
}
END_TEST

/* A UDP datagram of 28 bytes in a 60-byte frame: `corrupt` strikes inside
 * the datagram (never the padding), at the octet the draw names. */
static size_t
udp_frame(uint8_t *f)
{
    memset(f, 0, 60);
    be16_put(f + ETH_OFF_TYPE, ETHERTYPE_IPV4);
    f[ETH_HDR_LEN] = 0x45;
    be16_put(f + ETH_HDR_LEN + IPV4_OFF_TOTAL_LEN, 28);
    f[ETH_HDR_LEN + IPV4_OFF_PROTO] = 17;
    return 60;
}

START_TEST(test_corrupt_strikes_inside_the_datagram)
{
    uint8_t f[60], orig[60];
    size_t len = udp_frame(f);
    memcpy(orig, f, len);
    struct netem n = netem_with(NULL);
    ck_assert_uint_eq(netem_corrupt_span(f, len, false), 28);
    ck_assert_uint_eq(netem_corrupt_span(f, len, true), 0);  /* l2: a bad FCS */
    ck_assert(netem_corrupt_at(&n, f, len, 28 + 5));  /* draw taken modulo 28 */
    for (size_t i = 0; i < len; i++)
        ck_assert_uint_eq(f[i], i == ETH_HDR_LEN + 5 ? (uint8_t)~orig[i] : orig[i]);

    /* the link's way: the position drawn from the direction now */
    memcpy(f, orig, len);
    struct rng r = fresh_rng();
    size_t at = ETH_HDR_LEN + (size_t)rng_below(&r, 28);
    ck_assert(netem_corrupt_frame(&n, f, len));
    ck_assert_uint_eq(f[at], (uint8_t)~orig[at]);
    ck_assert_int_eq(memcmp(f + ETH_HDR_LEN + 28, orig + ETH_HDR_LEN + 28, 60 - 42), 0);

    /* not IPv4 (ARP): no checksum to catch it, so a bad FCS, bytes intact */
    be16_put(f + ETH_OFF_TYPE, ETHERTYPE_ARP);
    memcpy(orig, f, len);
    ck_assert(!netem_corrupt_at(&n, f, len, 3));
    ck_assert_int_eq(memcmp(f, orig, len), 0);
    netem_destroy(&n);
}
END_TEST

START_TEST(test_bad_params_change_nothing)
{
    struct link_params p = { .loss = 0.5, .limit = 9 };
    struct netem n = netem_with(&p);
    struct link_params bad = { .duplicate = 1.5 };
    ck_assert_int_eq(netem_set_params(&n, &bad), -ERR_INVAL);
    bad.duplicate = 0.0;
    bad.mtu = 40;  /* below IPv4's 68 */
    ck_assert_int_eq(netem_set_params(&n, &bad), -ERR_INVAL);
    ck_assert(n.params.loss == 0.5);
    ck_assert_uint_eq(n.params.limit, 9);
    struct link_params zero = { 0 };
    ck_assert_int_eq(netem_set_params(&n, &zero), 0);
    ck_assert_uint_eq(n.params.limit, LINK_LIMIT_DEFAULT);
    netem_destroy(&n);
}
END_TEST

/* The wire's trace event, caught by a sink. */
struct caught {
    unsigned n;
    struct trace_event ev;
};

static void
catch_event(void *ctx, const struct trace_event *ev)
{
    struct caught *c = ctx;
    c->n++;
    c->ev = *ev;
}

START_TEST(test_trace_names_the_wire_and_its_side)
{
    struct pkt_pool pool = { 0 };
    uint8_t f[60];
    size_t len = udp_frame(f);
    struct pkt *p = pkt_from_bytes(&pool, f, len);
    ck_assert_ptr_nonnull(p);

    struct trace tr;
    trace_init(&tr);
    netem_trace(&tr, 5, "alice-bob", TRACE_WIRE, p, DROP_NONE, NULL);  /* nobody listens */
    ck_assert_uint_eq(tr.events, 0);

    struct caught c = { 0 };
    struct trace_sink sink = { .emit = catch_event, .ctx = &c };
    trace_attach(&tr, &sink);
    netem_trace(&tr, 5, "alice-bob", TRACE_WIRE, p, DROP_NONE, NULL);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_uint_eq(c.ev.t_ns, 5);
    ck_assert_int_eq(c.ev.layer, LAYER_WIRE);
    ck_assert_ptr_null(c.ev.host);
    ck_assert_str_eq(c.ev.where, "alice-bob");
    size_t tl = strlen(c.ev.text);
    ck_assert_uint_gt(tl, strlen(" on alice-bob"));
    ck_assert_str_eq(c.ev.text + tl - strlen(" on alice-bob"), " on alice-bob");

    netem_trace(&tr, 6, "bob-nstap0", TRACE_WIRE, p, DROP_NONE, "to kernel");
    tl = strlen(c.ev.text);
    ck_assert_str_eq(c.ev.text + tl - strlen(" on bob-nstap0 (to kernel)"),
                     " on bob-nstap0 (to kernel)");

    netem_trace(&tr, 7, "alice-bob", TRACE_DROP, p, DROP_LINK_LOSS, NULL);
    ck_assert_uint_eq(c.n, 3);
    ck_assert_int_eq(c.ev.kind, TRACE_DROP);
    ck_assert_int_eq(c.ev.reason, DROP_LINK_LOSS);
    ck_assert_str_eq(c.ev.text, "");  /* sinks print the reason's sentence */

    trace_detach(&tr, &sink);
    pkt_free(p);
    pkt_pool_destroy(&pool);
}
END_TEST

static Suite *
netem_suite(void)
{
    Suite *s = suite_create("sim/netem");
    TCase *tc = tcase_create("draws");
    tcase_add_test(tc, test_loss_hits_exactly_the_drawn_frames);
    tcase_add_test(tc, test_certain_chances_draw_nothing);
    tcase_add_test(tc, test_duplicate_and_corrupt_follow_their_draws);
    tcase_add_test(tc, test_gemodel_loses_in_bursts_by_the_state_found);
    tcase_add_test(tc, test_reorder_gap_pattern);
    tcase_add_test(tc, test_uniform_jitter_stays_in_range_and_arrivals_keep_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("frames");
    tcase_add_test(tc, test_queue_limit_drops_at_the_tail);
    tcase_add_test(tc, test_corrupt_strikes_inside_the_datagram);
    tcase_add_test(tc, test_bad_params_change_nothing);
    tcase_add_test(tc, test_trace_names_the_wire_and_its_side);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(netem_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
