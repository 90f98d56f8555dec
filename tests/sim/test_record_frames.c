/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_record_frames.c - the event log's frame bytes, kept compressed in
 * blocks, read back byte-exact in any order.
 *
 * Frames are fed to the record's sink directly (no world): compressible
 * ones (a lesson's payload pattern), incompressible ones (xorshift bytes),
 * small and large (a frame bigger than a quarter of a staging block gets a
 * block of its own), so that the log spans many blocks. Every event is
 * then read forward, backward, in a scattered order and alternating
 * between far ends, and compared with a copy. The contract record.h gives
 * record_event.bytes (valid through the next RECORD_BYTES_GETS - 1 gets,
 * however far apart, and while recording goes on) is checked as stated,
 * and numbers too wide for an entry's small fields read back too.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/record.h"
#include "stack/pkt.h"

#define N_FRAMES 3000

struct kept {
    uint8_t *bytes;
    size_t len;
    uint64_t pkt_id;
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Frame n: its length and bytes, some random, some the lesson's pattern. */
static size_t
make_frame(unsigned n, uint8_t *buf)
{
    size_t len = n % 97 == 5 ? 20000 + n % 13 : 60 + (size_t)(rng() % 1455);
    bool random = n % 3 == 1;
    for (size_t i = 0; i < len; i++)
        buf[i] = random ? (uint8_t)rng() : (uint8_t)("abcdefghijklmnopqrstuvwxyz"[(i + n) % 26]);
    /* a header that differs from frame to frame, as a real one does */
    memcpy(buf, &n, sizeof n);
    return len;
}

/* Feed frame n to the record as a WIRE event; keep a copy in *k. */
static void
emit_frame(struct record *rec, struct pkt_pool *pool, unsigned n, struct kept *k)
{
    static uint8_t buf[32768];
    size_t len = make_frame(n, buf);
    struct pkt *p = pkt_from_bytes(pool, buf, len);
    ck_assert_ptr_nonnull(p);
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = 1000u * n;
    ev.kind = TRACE_WIRE;
    ev.layer = LAYER_WIRE;
    ev.where = "wire";
    ev.pkt = p;
    snprintf(ev.text, sizeof ev.text, "frame %u", n);
    rec->sink.emit(rec->sink.ctx, &ev);
    k->bytes = malloc(len);
    ck_assert_ptr_nonnull(k->bytes);
    memcpy(k->bytes, buf, len);
    k->len = len;
    k->pkt_id = p->id;
    pkt_free(p);
}

static void
check_event(const struct record *rec, const struct kept *kept, size_t i)
{
    struct record_event ev;
    ck_assert(record_get(rec, i, &ev));
    ck_assert_uint_eq(ev.pkt_id, kept[i].pkt_id);
    ck_assert_uint_eq(ev.len, kept[i].len);
    ck_assert_ptr_nonnull(ev.bytes);
    ck_assert_msg(memcmp(ev.bytes, kept[i].bytes, kept[i].len) == 0, "event %zu's bytes differ", i);
}

START_TEST(test_frames_read_back_in_any_order)
{
    rng_state = 0x9E3779B97F4A7C15ull;
    struct pkt_pool pool = { 0 };
    struct record rec;
    record_init(&rec, NULL);
    struct kept *kept = calloc(N_FRAMES, sizeof *kept);
    for (unsigned n = 0; n < N_FRAMES; n++)
        emit_frame(&rec, &pool, n, &kept[n]);
    ck_assert_uint_eq(rec.lost, 0);
    ck_assert_uint_eq(record_count(&rec), N_FRAMES);
    ck_assert_uint_gt(rec.n_fblocks, 20);  /* many blocks, and boundaries */

    for (size_t i = 0; i < N_FRAMES; i++)
        check_event(&rec, kept, i);
    for (size_t i = N_FRAMES; i-- > 0;)
        check_event(&rec, kept, i);
    for (size_t k = 0; k < 4 * N_FRAMES; k++)
        check_event(&rec, kept, (size_t)(rng() % N_FRAMES));
    for (size_t i = 0; i < N_FRAMES / 2; i++) {
        check_event(&rec, kept, i);
        check_event(&rec, kept, N_FRAMES - 1 - i);
    }

    /* a third of the frames are random: they are kept raw, not grown; the
     * rest repeat a pattern and shrink */
    ck_assert_uint_lt(rec.pkt_bytes, rec.pkt_raw / 2);
    ck_assert_uint_gt(rec.pkt_bytes, rec.pkt_raw / 4);

    for (size_t i = 0; i < N_FRAMES; i++)
        free(kept[i].bytes);
    free(kept);
    record_destroy(&rec);
    pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(test_frames_of_random_bytes_kept_raw)
{
    /* incompressible frames only: every block is stored as it is (LZ4 would
     * grow it), and reads back */
    rng_state = 12345;
    struct pkt_pool pool = { 0 };
    struct record rec;
    record_init(&rec, NULL);
    enum { N = 200 };
    struct kept kept[N];
    static uint8_t buf[1514];
    for (unsigned n = 0; n < N; n++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (uint8_t)rng();
        struct pkt *p = pkt_from_bytes(&pool, buf, sizeof buf);
        struct trace_event ev;
        memset(&ev, 0, sizeof ev);
        ev.t_ns = n;
        ev.kind = TRACE_WIRE;
        ev.layer = LAYER_WIRE;
        ev.pkt = p;
        rec.sink.emit(rec.sink.ctx, &ev);
        kept[n].bytes = malloc(sizeof buf);
        memcpy(kept[n].bytes, buf, sizeof buf);
        kept[n].len = sizeof buf;
        kept[n].pkt_id = p->id;
        pkt_free(p);
    }
    ck_assert_uint_eq(record_count(&rec), N);
    ck_assert_uint_gt(rec.n_fblocks, 3);
    /* sealed blocks hold their raw size exactly */
    ck_assert_uint_le(rec.pkt_bytes, rec.pkt_raw);
    ck_assert_uint_ge(rec.pkt_bytes + rec.stage_used, rec.pkt_raw);
    for (size_t i = N; i-- > 0;)
        check_event(&rec, kept, i);
    for (size_t i = 0; i < N; i++)
        free(kept[i].bytes);
    record_destroy(&rec);
    pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(test_bytes_stay_valid_as_record_h_says)
{
    rng_state = 777;
    struct pkt_pool pool = { 0 };
    struct record rec;
    record_init(&rec, NULL);
    struct kept *kept = calloc(N_FRAMES, sizeof *kept);
    for (unsigned n = 0; n < N_FRAMES / 2; n++)
        emit_frame(&rec, &pool, n, &kept[n]);
    /* hold an old event's bytes and one of the open block's, then read
     * events in RECORD_BYTES_GETS - 2 other blocks, far apart, while
     * recording goes on (the open block fills and closes) */
    struct record_event held_old, held_new, ev;
    size_t old_i = 7, new_i = N_FRAMES / 2 - 1;
    ck_assert(record_get(&rec, old_i, &held_old));
    ck_assert(record_get(&rec, new_i, &held_new));
    unsigned next = N_FRAMES / 2;
    for (int k = 0; k < RECORD_BYTES_GETS - 2; k++) {
        size_t far = 100 + (size_t)k * 150;
        ck_assert(record_get(&rec, far, &ev));
        ck_assert_mem_eq(ev.bytes, kept[far].bytes, kept[far].len);
        for (int m = 0; m < 60; m++, next++)
            emit_frame(&rec, &pool, next, &kept[next]);
    }
    ck_assert_uint_eq(rec.lost, 0);
    ck_assert_mem_eq(held_old.bytes, kept[old_i].bytes, kept[old_i].len);
    ck_assert_mem_eq(held_new.bytes, kept[new_i].bytes, kept[new_i].len);
    for (size_t i = 0; i < next; i++)
        check_event(&rec, kept, i);
    for (size_t i = 0; i < next; i++)
        free(kept[i].bytes);
    free(kept);
    record_destroy(&rec);
    pkt_pool_destroy(&pool);
}
END_TEST

/* One event of test_wide_numbers_read_back: what was emitted. */
struct emitted {
    uint64_t t_ns, pkt_id, cause_pkt_id;
    uint32_t step;
    enum trace_kind kind;
    size_t len;
    uint8_t *bytes;  /* NULL: no packet */
};

START_TEST(test_wide_numbers_read_back)
{
    /* numbers an entry cannot hold in its small fields (a packet id far
     * from its chunk's, a step past 65535, a frame past 64 KiB) go to the
     * side table, times seconds apart start new bases, an empty packet
     * keeps no block: every one reads back */
    rng_state = 4242;
    struct pkt_pool pool = { 0 };
    struct record rec;
    record_init(&rec, NULL);
    enum { N = 20000 };
    struct emitted *em = calloc(N, sizeof *em);
    static uint8_t buf[70000];
    uint64_t t = 0;
    for (unsigned n = 0; n < N; n++) {
        struct emitted *x = &em[n];
        t += n % 1000 == 999 ? 9000000000ull : 1000 + rng() % 5000;
        x->t_ns = t;
        x->kind = n % 5 == 0 ? TRACE_STATE : TRACE_RX;
        x->step = n % 777 == 3 ? 70000u + n : n % 50;
        struct pkt *p = NULL;
        if (x->kind != TRACE_STATE) {
            size_t len = n % 613 == 11 ? sizeof buf - n % 7 : n % 409 == 1 ? 0 : 40 + rng() % 1400;
            for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)(n % 2 ? rng() : i * 7);
            p = pkt_from_bytes(&pool, buf, len);
            ck_assert_ptr_nonnull(p);
            x->pkt_id = p->id;
            x->len = len;
            x->bytes = malloc(len + 1);
            memcpy(x->bytes, buf, len);
        }
        /* now and then caused by a packet far from its neighbours */
        x->cause_pkt_id = n % 3 == 0 ? 0 : n % 97 == 2 ? x->pkt_id + 5000000 : x->pkt_id;
        struct trace_event ev;
        memset(&ev, 0, sizeof ev);
        ev.t_ns = x->t_ns;
        ev.kind = x->kind;
        ev.layer = LAYER_IPV4;
        ev.where = n % 2 ? "alice" : "bob";
        ev.pkt = p;
        ev.cause.kind = CAUSE_ARRIVAL;
        ev.cause.pkt_id = x->cause_pkt_id;
        ev.cause.step = x->step;
        snprintf(ev.text, sizeof ev.text, "event %u", n);
        rec.sink.emit(rec.sink.ctx, &ev);
        if (p != NULL)
            pkt_free(p);
    }
    ck_assert_uint_eq(rec.lost, 0);
    ck_assert_uint_eq(record_count(&rec), N);
    ck_assert_uint_gt(rec.n_wides, 0);
    ck_assert_uint_lt(rec.n_wides, N / 10);  /* only the few that need it */
    for (size_t k = 0; k < 2 * N; k++) {
        size_t i = k < N ? k : (size_t)(rng() % N);
        const struct emitted *x = &em[i];
        struct record_event ev;
        ck_assert(record_get(&rec, i, &ev));
        ck_assert_uint_eq(ev.t_ns, x->t_ns);
        ck_assert_int_eq(ev.kind, x->kind);
        ck_assert_uint_eq(ev.pkt_id, x->pkt_id);
        ck_assert_uint_eq(ev.cause.pkt_id, x->cause_pkt_id);
        ck_assert_uint_eq(ev.cause.step, x->step);
        ck_assert_str_eq(ev.where, i % 2 ? "alice" : "bob");
        if (x->bytes == NULL) {
            ck_assert_ptr_null(ev.bytes);
        } else {
            ck_assert_ptr_nonnull(ev.bytes);
            ck_assert_uint_eq(ev.len, x->len);
            ck_assert_msg(memcmp(ev.bytes, x->bytes, x->len) == 0, "event %zu's bytes differ", i);
        }
    }
    for (size_t i = 0; i < N; i++)
        free(em[i].bytes);
    free(em);
    record_destroy(&rec);
    pkt_pool_destroy(&pool);
}
END_TEST

static Suite *
record_frames_suite(void)
{
    Suite *s = suite_create("record_frames");
    TCase *tc = tcase_create("frames");
    tcase_add_test(tc, test_frames_read_back_in_any_order);
    tcase_add_test(tc, test_frames_of_random_bytes_kept_raw);
    tcase_add_test(tc, test_bytes_stay_valid_as_record_h_says);
    tcase_add_test(tc, test_wide_numbers_read_back);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(record_frames_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
