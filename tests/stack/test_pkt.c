/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_pkt.c - the packet buffer: headroom, push/pull/put bounds, queues, the
 * pool's live counter, clones; and pkt_drop(), the one way to discard.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/pkt.h"

/* --- allocation ----------------------------------------------------------- */

START_TEST(test_alloc_starts_empty_with_headroom)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, 64, 100);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->len, 0);
    ck_assert_uint_eq(p->cap, 164);
    ck_assert_int_eq(pkt_off(p), 64);
    ck_assert_int_eq(p->l2_off, -1);
    ck_assert_int_eq(p->l3_off, -1);
    ck_assert_int_eq(p->l4_off, -1);
    ck_assert_ptr_null(pkt_l2(p));
    ck_assert_ptr_null(pkt_l3(p));
    ck_assert_ptr_null(pkt_l4(p));
    ck_assert_ptr_null(p->next);
    ck_assert_ptr_eq(p->pool, &pool);
    pkt_free(p);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

START_TEST(test_pool_counts_live_and_numbers_from_one)
{
    struct pkt_pool pool = { 0 };
    struct pkt *a = pkt_alloc(&pool, 0, 10);
    struct pkt *b = pkt_alloc(&pool, 0, 10);
    ck_assert_uint_eq(a->id, 1);
    ck_assert_uint_eq(b->id, 2);
    ck_assert_uint_eq(pool.live, 2);
    ck_assert_uint_eq(pool.allocs, 2);
    pkt_free(a);
    ck_assert_uint_eq(pool.live, 1);
    struct pkt *c = pkt_alloc(&pool, 0, 10);
    ck_assert_uint_eq(c->id, 3);  /* ids are never reused */
    ck_assert_uint_eq(pool.allocs, 3);
    pkt_free(b);
    pkt_free(c);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

START_TEST(test_alloc_refuses_absurd_size)
{
    struct pkt_pool pool = { 0 };
    ck_assert_ptr_null(pkt_alloc(&pool, PKT_HEADROOM, PKT_MAX_FRAME + 65536 + 1));
    ck_assert_uint_eq(pool.live, 0);
    ck_assert_uint_eq(pool.allocs, 0);
}
END_TEST

START_TEST(test_alloc_without_pool_and_free_null)
{
    struct pkt *p = pkt_alloc(NULL, 0, 8);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->id, 0);
    pkt_free(p);
    pkt_free(NULL);  /* ignored */
}
END_TEST

START_TEST(test_from_bytes_copies)
{
    struct pkt_pool pool = { 0 };
    uint8_t bytes[5] = { 1, 2, 3, 4, 5 };
    struct pkt *p = pkt_from_bytes(&pool, bytes, sizeof(bytes));
    bytes[0] = 99;
    ck_assert_uint_eq(p->len, 5);
    ck_assert_int_eq(pkt_off(p), PKT_HEADROOM);
    ck_assert_uint_eq(p->data[0], 1);
    ck_assert_uint_eq(p->data[4], 5);
    pkt_free(p);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

START_TEST(test_from_bytes_keeps_room_to_pad_a_short_frame)
{
    /* A 42-byte ARP frame as a TAP device hands it over: if it is sent on
     * (forwarded) it must be padded to 60 bytes [IEEE 802.3 3.2.8]. */
    struct pkt_pool pool = { 0 };
    const uint8_t bytes[42] = { 0 };
    struct pkt *p = pkt_from_bytes(&pool, bytes, sizeof(bytes));
    ck_assert_uint_eq(p->len, 42);
    ck_assert_ptr_nonnull(pkt_put(p, 60 - 42));
    pkt_free(p);
}
END_TEST

/* --- push, pull, put, trim ------------------------------------------------ */

START_TEST(test_push_uses_headroom_until_exhausted)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, 20, 10);
    uint8_t *start = p->data;
    uint8_t *d = pkt_push(p, 8);
    ck_assert_ptr_eq(d, start - 8);
    ck_assert_uint_eq(p->len, 8);
    d = pkt_push(p, 12);  /* exactly the rest */
    ck_assert_ptr_eq(d, p->head);
    ck_assert_uint_eq(p->len, 20);
    /* No headroom left: NULL, and the packet is unchanged. */
    ck_assert_ptr_null(pkt_push(p, 1));
    ck_assert_ptr_eq(p->data, p->head);
    ck_assert_uint_eq(p->len, 20);
    pkt_free(p);
}
END_TEST

START_TEST(test_push_more_than_headroom_fails_whole)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, 13, 10);
    ck_assert_ptr_null(pkt_push(p, 14));  /* an Ethernet header does not fit */
    ck_assert_int_eq(pkt_off(p), 13);
    ck_assert_uint_eq(p->len, 0);
    pkt_free(p);
}
END_TEST

START_TEST(test_pull_strips_front_and_refuses_past_len)
{
    struct pkt_pool pool = { 0 };
    const uint8_t bytes[6] = { 10, 11, 12, 13, 14, 15 };
    struct pkt *p = pkt_from_bytes(&pool, bytes, sizeof(bytes));
    uint8_t *d = pkt_pull(p, 2);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d[0], 12);
    ck_assert_uint_eq(p->len, 4);
    ck_assert_ptr_null(pkt_pull(p, 5));
    ck_assert_uint_eq(p->len, 4);
    ck_assert_uint_eq(p->data[0], 12);
    ck_assert_ptr_nonnull(pkt_pull(p, 4));
    ck_assert_uint_eq(p->len, 0);
    /* What was pulled is headroom again. */
    ck_assert_ptr_nonnull(pkt_push(p, 6));
    ck_assert_uint_eq(p->data[0], 10);
    pkt_free(p);
}
END_TEST

START_TEST(test_put_appends_up_to_capacity)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, 4, 10);
    uint8_t *t = pkt_put(p, 6);
    ck_assert_ptr_eq(t, p->data);
    t = pkt_put(p, 4);
    ck_assert_ptr_eq(t, p->data + 6);
    ck_assert_uint_eq(p->len, 10);
    ck_assert_ptr_null(pkt_put(p, 1));
    ck_assert_uint_eq(p->len, 10);
    pkt_free(p);
}
END_TEST

START_TEST(test_trim_only_shortens)
{
    struct pkt_pool pool = { 0 };
    const uint8_t bytes[60] = { 0 };
    struct pkt *p = pkt_from_bytes(&pool, bytes, sizeof(bytes));
    pkt_trim(p, 100);
    ck_assert_uint_eq(p->len, 60);
    pkt_trim(p, 46);  /* e.g. IPv4 total length below the padded frame */
    ck_assert_uint_eq(p->len, 46);
    pkt_free(p);
}
END_TEST

/* pkt.gen changes before any byte the packet holds or held may be written
 * again, and only then: the event log shares a frame's bytes between events
 * while it stays the same. */
START_TEST(test_gen_changes_only_over_bytes_held)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, 64, 100);
    uint32_t g = p->gen;
    /* building: payload at a fresh tail, headers into fresh headroom */
    memset(pkt_put(p, 40), 'x', 40);
    memset(pkt_push(p, 20), 'h', 20);
    memset(pkt_push(p, 14), 'e', 14);
    ck_assert_uint_eq(p->gen, g);
    /* receiving: stripping headers writes nothing */
    ck_assert_ptr_nonnull(pkt_pull(p, 14));
    ck_assert_ptr_nonnull(pkt_pull(p, 20));
    ck_assert_uint_eq(p->gen, g);
    /* a header pushed back over bytes held before (a router's new Ethernet
     * header) is a write */
    ck_assert_ptr_nonnull(pkt_push(p, 14));
    ck_assert_uint_ne(p->gen, g);
    g = p->gen;
    /* so is a tail put back over bytes pkt_trim() cut */
    pkt_trim(p, 30);
    ck_assert_uint_eq(p->gen, g);
    ck_assert_ptr_nonnull(pkt_put(p, 4));
    ck_assert_uint_ne(p->gen, g);
    g = p->gen;
    /* these 20 reach the old end (what was cut was 24 bytes); past every
     * byte held, the tail is fresh again */
    ck_assert_ptr_nonnull(pkt_put(p, 20));
    uint32_t after_overlap = p->gen;
    ck_assert_uint_ne(after_overlap, g);
    ck_assert_ptr_nonnull(pkt_put(p, 8));
    ck_assert_uint_eq(p->gen, after_overlap);
    /* and a write in place says so itself */
    pkt_touch(p);
    ck_assert_uint_ne(p->gen, after_overlap);
    /* a clone is a new packet (new id) that held what its original held */
    struct pkt *c = pkt_clone(p);
    ck_assert_ptr_nonnull(c);
    uint32_t cg = c->gen;
    ck_assert_ptr_nonnull(pkt_pull(c, 6));
    ck_assert_ptr_nonnull(pkt_push(c, 6));
    ck_assert_uint_ne(c->gen, cg);
    pkt_free(c);
    pkt_free(p);
}
END_TEST

START_TEST(test_layer_offsets_survive_push_and_pull)
{
    struct pkt_pool pool = { 0 };
    struct pkt *p = pkt_alloc(&pool, PKT_HEADROOM, 100);
    pkt_put(p, 30);
    p->l4_off = pkt_off(p);
    pkt_push(p, 20);
    p->l3_off = pkt_off(p);
    pkt_push(p, 14);
    p->l2_off = pkt_off(p);
    ck_assert_ptr_eq(pkt_l2(p), p->data);
    ck_assert_ptr_eq(pkt_l3(p), p->data + 14);
    ck_assert_ptr_eq(pkt_l4(p), p->data + 34);
    ck_assert_uint_eq(pkt_len_from(p, p->l3_off), 50);
    ck_assert_uint_eq(pkt_len_from(p, p->l4_off), 30);
    ck_assert_uint_eq(pkt_len_from(p, -1), 0);
    pkt_pull(p, 34);
    ck_assert_ptr_eq(pkt_l2(p), p->data - 34);
    ck_assert_uint_eq(pkt_len_from(p, p->l2_off), 64);
    pkt_free(p);
}
END_TEST

/* --- clone ---------------------------------------------------------------- */

START_TEST(test_clone_is_deep_with_new_id)
{
    struct pkt_pool pool = { 0 };
    const uint8_t bytes[4] = { 1, 2, 3, 4 };
    struct pkt *p = pkt_from_bytes(&pool, bytes, sizeof(bytes));
    pkt_pull(p, 1);
    p->l3_off = pkt_off(p);
    p->cause = cause_timer(TIMER_ARP_RETRY);
    p->born_ns = 77;
    p->next_hop = 0xc0000202u;
    struct pkt *c = pkt_clone(p);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(pool.live, 2);
    ck_assert_uint_ne(c->id, p->id);
    ck_assert_uint_eq(c->len, 3);
    ck_assert_int_eq(pkt_off(c), pkt_off(p));
    ck_assert_int_eq(c->l3_off, p->l3_off);
    ck_assert_uint_eq(c->cause.kind, CAUSE_TIMER);
    ck_assert_uint_eq(c->cause.timer, TIMER_ARP_RETRY);
    ck_assert_uint_eq(c->born_ns, 77);
    ck_assert_uint_eq(c->next_hop, 0xc0000202u);
    ck_assert_ptr_null(c->next);
    /* Deep: writing one does not change the other, headroom included. */
    p->data[0] = 42;
    ck_assert_uint_eq(c->data[0], 2);
    ck_assert_ptr_nonnull(pkt_push(c, 1));
    ck_assert_uint_eq(c->data[0], 1);
    pkt_free(p);
    pkt_free(c);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

/* --- queues --------------------------------------------------------------- */

START_TEST(test_queue_is_fifo_and_counts_bytes)
{
    struct pkt_pool pool = { 0 };
    struct pkt_queue q = { 0 };
    struct pkt *p[3];
    for (int i = 0; i < 3; i++) {
        p[i] = pkt_alloc(&pool, 0, 10);
        pkt_put(p[i], (size_t)i + 1);
        pkt_queue_push(&q, p[i]);
    }
    ck_assert_uint_eq(q.count, 3);
    ck_assert_uint_eq(q.bytes, 6);
    ck_assert_ptr_eq(q.first, p[0]);
    ck_assert_ptr_eq(q.last, p[2]);
    for (int i = 0; i < 3; i++) {
        struct pkt *x = pkt_queue_pop(&q);
        ck_assert_ptr_eq(x, p[i]);
        ck_assert_ptr_null(x->next);
        pkt_free(x);
    }
    ck_assert_uint_eq(q.count, 0);
    ck_assert_uint_eq(q.bytes, 0);
    ck_assert_ptr_null(q.first);
    ck_assert_ptr_null(q.last);
    ck_assert_ptr_null(pkt_queue_pop(&q));
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

START_TEST(test_queue_reusable_after_emptying)
{
    struct pkt_pool pool = { 0 };
    struct pkt_queue q = { 0 };
    pkt_queue_push(&q, pkt_alloc(&pool, 0, 1));
    pkt_free(pkt_queue_pop(&q));
    struct pkt *a = pkt_alloc(&pool, 0, 1);
    struct pkt *b = pkt_alloc(&pool, 0, 1);
    pkt_queue_push(&q, a);
    pkt_queue_push(&q, b);
    ck_assert_ptr_eq(pkt_queue_pop(&q), a);
    ck_assert_ptr_eq(pkt_queue_pop(&q), b);
    pkt_free(a);
    pkt_free(b);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

START_TEST(test_queue_purge_frees_everything)
{
    struct pkt_pool pool = { 0 };
    struct pkt_queue q = { 0 };
    for (int i = 0; i < 5; i++)
        pkt_queue_push(&q, pkt_alloc(&pool, 0, 100));
    ck_assert_uint_eq(pool.live, 5);
    pkt_queue_purge(&q);
    ck_assert_uint_eq(pool.live, 0);
    ck_assert_uint_eq(q.count, 0);
    ck_assert_ptr_null(q.first);
}
END_TEST

/* --- pkt_drop and the reason table ---------------------------------------- */

START_TEST(test_drop_counts_traces_and_frees)
{
    struct hw_world *w = calloc(1, sizeof(*w));
    hw_init(w);
    struct host *h = &w->host[HW_BOB];
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, 10);
    uint64_t id = p->id;
    size_t before = w->n_ev;
    pkt_drop(h, p, LAYER_IPV4, DROP_IPV4_BAD_CSUM);
    ck_assert_uint_eq(h->stats.drops[DROP_IPV4_BAD_CSUM], 1);
    ck_assert_uint_eq(h->stats.drop_layer[LAYER_IPV4], 1);
    ck_assert_uint_eq(w->n_ev, before + 1);
    const struct hw_event *e = hw_last(w, TRACE_DROP, LAYER_IPV4, HW_BOB);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->reason, DROP_IPV4_BAD_CSUM);
    ck_assert_uint_eq(e->pkt_id, id);
    ck_assert_str_eq(e->text, "IPv4 header checksum is wrong");
    hw_destroy(w);  /* the packet was freed: nothing leaked */
    free(w);
}
END_TEST

START_TEST(test_drop_reason_table)
{
    ck_assert_str_eq(drop_reason_name(DROP_ARP_QUEUE_FULL), "ARP_QUEUE_FULL");
    ck_assert_str_eq(drop_reason_sentence(DROP_UDP_NO_SOCKET), "no socket bound to this UDP port");
    ck_assert_str_eq(drop_reason_rfc(DROP_UDP_NO_SOCKET), "RFC 1122 4.1.3.1");
    ck_assert_ptr_null(drop_reason_rfc(DROP_SOCK_CLOSED));
    ck_assert_int_eq(drop_reason_lookup("ipv4_bad_csum"), DROP_IPV4_BAD_CSUM);
    ck_assert_int_eq(drop_reason_lookup("NO_SUCH_REASON"), DROP_COUNT);
    ck_assert_str_eq(drop_reason_name(DROP_COUNT), "?");
    /* Every name looks itself up. */
    for (int r = 0; r < DROP_COUNT; r++)
        ck_assert_int_eq(drop_reason_lookup(drop_reason_name((enum drop_reason)r)), r);
}
END_TEST

START_TEST(test_err_names_are_errnos)
{
    ck_assert_str_eq(err_name(-ERR_CONNREFUSED), "ECONNREFUSED");
    ck_assert_str_eq(err_name(ERR_CONNREFUSED), "ECONNREFUSED");
    ck_assert_str_eq(err_sentence(-ERR_ADDRINUSE), "Address already in use");
    ck_assert_str_eq(err_name(0), "none");
    ck_assert_int_eq(err_lookup("EMSGSIZE"), ERR_MSGSIZE);
    ck_assert_int_eq(err_lookup("EWOULDBLOCK"), ERR_AGAIN);
    ck_assert_int_eq(err_lookup("ENOPE"), -1);
    ck_assert_str_eq(err_name(ERR_COUNT), "E?");
}
END_TEST

static Suite *
pkt_suite(void)
{
    Suite *s = suite_create("pkt");
    TCase *tc = tcase_create("alloc");
    tcase_add_test(tc, test_alloc_starts_empty_with_headroom);
    tcase_add_test(tc, test_pool_counts_live_and_numbers_from_one);
    tcase_add_test(tc, test_alloc_refuses_absurd_size);
    tcase_add_test(tc, test_alloc_without_pool_and_free_null);
    tcase_add_test(tc, test_from_bytes_copies);
    tcase_add_test(tc, test_from_bytes_keeps_room_to_pad_a_short_frame);
    suite_add_tcase(s, tc);

    tc = tcase_create("push_pull_put");
    tcase_add_test(tc, test_push_uses_headroom_until_exhausted);
    tcase_add_test(tc, test_push_more_than_headroom_fails_whole);
    tcase_add_test(tc, test_pull_strips_front_and_refuses_past_len);
    tcase_add_test(tc, test_put_appends_up_to_capacity);
    tcase_add_test(tc, test_trim_only_shortens);
    tcase_add_test(tc, test_gen_changes_only_over_bytes_held);
    tcase_add_test(tc, test_layer_offsets_survive_push_and_pull);
    suite_add_tcase(s, tc);

    tc = tcase_create("clone");
    tcase_add_test(tc, test_clone_is_deep_with_new_id);
    suite_add_tcase(s, tc);

    tc = tcase_create("queue");
    tcase_add_test(tc, test_queue_is_fifo_and_counts_bytes);
    tcase_add_test(tc, test_queue_reusable_after_emptying);
    tcase_add_test(tc, test_queue_purge_frees_everything);
    suite_add_tcase(s, tc);

    tc = tcase_create("drop");
    tcase_add_test(tc, test_drop_counts_traces_and_frees);
    tcase_add_test(tc, test_drop_reason_table);
    tcase_add_test(tc, test_err_names_are_errnos);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(pkt_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
