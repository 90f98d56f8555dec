/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rng.c - the seeded generator: the same seed replays the same numbers,
 * streams differ, bounds hold.
 */
#include <check.h>
#include <stdlib.h>

#include "stack/rng.h"

START_TEST(test_same_seed_same_sequence)
{
    struct rng a, b;
    rng_seed(&a, 42, 3);
    rng_seed(&b, 42, 3);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(rng_next(&a), rng_next(&b));
}
END_TEST

START_TEST(test_streams_and_seeds_differ)
{
    struct rng a, b, c;
    rng_seed(&a, 42, 0);
    rng_seed(&b, 42, 1);
    rng_seed(&c, 43, 0);
    int same_ab = 0, same_ac = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a);
        same_ab += x == rng_next(&b);
        same_ac += x == rng_next(&c);
    }
    ck_assert_int_eq(same_ab, 0);
    ck_assert_int_eq(same_ac, 0);
}
END_TEST

START_TEST(test_zero_seed_is_usable)
{
    struct rng r;
    rng_seed(&r, 0, 0);
    ck_assert(r.s[0] | r.s[1] | r.s[2] | r.s[3]);
    uint64_t x = rng_next(&r), y = rng_next(&r);
    ck_assert_uint_ne(x, y);
}
END_TEST

START_TEST(test_below_stays_below_and_covers)
{
    struct rng r;
    rng_seed(&r, 7, 0);
    ck_assert_uint_eq(rng_below(&r, 0), 0);
    ck_assert_uint_eq(rng_below(&r, 1), 0);
    unsigned seen[6] = { 0 };
    for (int i = 0; i < 6000; i++) {
        uint64_t v = rng_below(&r, 6);
        ck_assert_uint_lt(v, 6);
        seen[v]++;
    }
    /* Each face of a fair die turns up roughly 1000 times. */
    for (int i = 0; i < 6; i++) {
        ck_assert_uint_gt(seen[i], 800);
        ck_assert_uint_lt(seen[i], 1200);
    }
    /* A bound that does not divide 2^64. */
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_lt(rng_below(&r, UINT64_MAX / 3 * 2), UINT64_MAX / 3 * 2);
}
END_TEST

START_TEST(test_unit_is_in_range)
{
    struct rng r;
    rng_seed(&r, 9, 9);
    double sum = 0;
    for (int i = 0; i < 10000; i++) {
        double u = rng_unit(&r);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
    }
    ck_assert(sum / 10000 > 0.45 && sum / 10000 < 0.55);
}
END_TEST

static Suite *
rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("replay");
    tcase_add_test(tc, test_same_seed_same_sequence);
    tcase_add_test(tc, test_streams_and_seeds_differ);
    tcase_add_test(tc, test_zero_seed_is_usable);
    suite_add_tcase(s, tc);

    tc = tcase_create("range");
    tcase_add_test(tc, test_below_stays_below_and_covers);
    tcase_add_test(tc, test_unit_is_in_range);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(rng_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
