/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario_helpers.c - scenario-level test helpers (scenario_helpers.h):
 * parse and run a scenario from text, look for a line in its printout.
 */
#include "scenario_helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_run.h"

struct scenario *
scenario_parse_ok(const char *text)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);

    ck_assert_msg(scn != NULL, "unexpected error: %s", d.first);
    return scn;
}

/* Run scn to its end (then free it), the printout into a new run. */
static struct scenario_run *
run_scenario(struct scenario *scn)
{
    struct scenario_run *run = calloc(1, sizeof(*run));
    struct scn_runner r;
    char err[512] = "";

    ck_assert_ptr_nonnull(run);
    FILE *f = open_memstream(&run->out, &run->out_len);
    ck_assert_ptr_nonnull(f);
    struct scn_run_opts opts = { .out = f };
    ck_assert_msg(scn_runner_init(&r, scn, &opts, err, sizeof(err)) == 0, "%s", err);
    scn_runner_run(&r);
    run->passed = r.expects_passed;
    run->failed = r.expects_failed;
    scn_runner_destroy(&r);
    ck_assert_int_eq(fclose(f), 0);
    scenario_free(scn);
    return run;
}

struct scenario_run *
scenario_run_text(const char *text)
{
    return run_scenario(scenario_parse_ok(text));
}

struct scenario_run *
scenario_run_file(const char *path)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_file(path, &d);

    ck_assert_msg(scn != NULL, "unexpected error: %s", d.first);
    return run_scenario(scn);
}

void
scenario_run_free(struct scenario_run *run)
{
    free(run->out);
    free(run);
}

void
scenario_output_has(const struct scenario_run *run, const char *text)
{
    ck_assert_msg(strstr(run->out, text) != NULL, "output lacks '%s':\n%s", text, run->out);
}

void
scenario_assert_expects(const struct scenario_run *run, unsigned n)
{
    if (run->failed != 0 || run->passed != n)
        fputs(run->out, stderr);
    ck_assert_uint_eq(run->failed, 0);
    ck_assert_uint_eq(run->passed, n);
}

char *
scenario_print_string(const struct scenario *scn)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scenario_print(scn, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

void
scenario_assert_round_trip(const struct scenario *a)
{
    struct scn_diag d;
    char *text = scenario_print_string(a);
    struct scenario *b = scenario_parse_string("printed.scn", text, &d);

    ck_assert_msg(b != NULL, "printed text does not parse: %s\n%s", d.first, text);
    ck_assert_msg(scenario_equal(a, b), "round trip changed the scenario:\n%s", text);
    char *again = scenario_print_string(b);
    ck_assert_str_eq(text, again);
    free(again);
    free(text);
    scenario_free(b);
}
