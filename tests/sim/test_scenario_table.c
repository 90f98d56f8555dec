/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_table.c - the statement table (sim/scenario/stmt_table.c)
 * keeps its promises.
 *
 * Every step kind has exactly one row that owns its functions (print, run;
 * a call also its call or job function); every row has a word and a
 * one-line help; calls that take arguments say what they need; rows that
 * share a word stand where the same statements may stand; and a misspelt
 * word is answered from the table's words.
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <check.h>
#include <string.h>

START_TEST(test_every_kind_has_one_owner)
{
    for (int k = 0; k < SCN_STEP_KIND_COUNT; k++) {
        unsigned owners = 0;
        for (size_t i = 0; i < stmt_table_len; i++)
            if (stmt_table[i].kind == k && stmt_table[i].print != NULL)
                owners++;
        ck_assert_msg(owners == 1, "kind %d (%s) has %u owning rows", k,
                      scn_step_kind_name((enum scn_step_kind)k), owners);
        const struct stmt_def *def = stmt_of_kind((enum scn_step_kind)k);
        ck_assert_ptr_nonnull(def);
        ck_assert_msg(def->run != NULL, "%s cannot run", def->word);
        if (def->where & STMT_BLOCKS)
            ck_assert_msg(def->job != NULL, "%s blocks but has no job function", def->word);
        else if (def->run == run_call_step)
            ck_assert_msg(def->call != NULL, "%s is a call without a call function", def->word);
    }
}
END_TEST

START_TEST(test_rows_are_complete)
{
    for (size_t i = 0; i < stmt_table_len; i++) {
        const struct stmt_def *d = &stmt_table[i];
        ck_assert_msg(d->word != NULL && d->word[0] != '\0', "row %zu has no word", i);
        ck_assert_msg(d->help != NULL && strstr(d->help, d->word) != NULL &&
                          strstr(d->help, ": ") != NULL,
                      "%s has no help line showing it and saying what it does", d->word);
        ck_assert_msg(strchr(d->help, '\n') == NULL, "%s: help is one line", d->word);
        if (d->n_args > 0)
            ck_assert_msg(d->needs != NULL, "%s takes words but says none", d->word);
        if (d->where & STMT_CALL)
            ck_assert_msg(d->parse != NULL, "call %s cannot be parsed", d->word);
        /* A row that shares its word stands where the row it narrows does. */
        for (size_t j = i + 1; j < stmt_table_len; j++)
            if (strcmp(stmt_table[j].word, d->word) == 0 &&
                ((stmt_table[j].where ^ d->where) & (STMT_CALL | STMT_ASSIGN)) == 0 &&
                d->claims != NULL)
                ck_assert_msg(((stmt_table[j].where ^ d->where) & (STMT_WORLD | STMT_AT)) == 0,
                              "the two rows of %s stand in different places", d->word);
    }
}
END_TEST

/* A misspelling is answered from the table's words. */
START_TEST(test_suggestions_come_from_the_table)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", "traceroot a b\n", &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, "t.scn:1:1: error: unknown statement 'traceroot' (did you mean "
                              "'traceroute'?)");
    scn = scenario_parse_string("t.scn", "host a 192.0.2.1/24\na: rout add default via "
                                "192.0.2.2\n", &d);
    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, "t.scn:2:4: error: unknown call 'rout' (did you mean 'route'?)");
}
END_TEST

static Suite *
scenario_table_suite(void)
{
    Suite *s = suite_create("scenario_table");
    TCase *tc = tcase_create("table");

    tcase_add_test(tc, test_every_kind_has_one_owner);
    tcase_add_test(tc, test_rows_are_complete);
    tcase_add_test(tc, test_suggestions_come_from_the_table);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_table_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
