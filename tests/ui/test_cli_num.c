/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cli_num.c - cli_parse_u64(), the command line's whole numbers
 * (--seed N for run, quiz, ui and draw).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "ui/cli_num.h"

START_TEST(test_digits_are_taken)
{
    uint64_t v = 7;
    ck_assert_int_eq(cli_parse_u64("0", &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(cli_parse_u64("42", &v), 0);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(cli_parse_u64("18446744073709551615", &v), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

/* Anything but digits is refused and leaves the value alone: strtoull on
 * its own took " -1" as UINT64_MAX (blanks, then a sign) and "+5" as 5. */
START_TEST(test_anything_else_is_refused)
{
    static const char *const bad[] = { "", "-1", " -1", "+5", " 5", "5 ", "12x", "banana",
                                       "0x10", "18446744073709551616" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 7;
        ck_assert_msg(cli_parse_u64(bad[i], &v) == -1, "'%s' was taken", bad[i]);
        ck_assert_uint_eq(v, 7);
    }
}
END_TEST

static Suite *
cli_num_suite(void)
{
    Suite *s = suite_create("cli_num");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_digits_are_taken);
    tcase_add_test(tc, test_anything_else_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(cli_num_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
