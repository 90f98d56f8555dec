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

struct scenario_run *
scenario_run_text(const char *text)
{
    struct scenario_run *run = calloc(1, sizeof(*run));
    struct scn_runner r;
    char err[512] = "";

    ck_assert_ptr_nonnull(run);
    struct scenario *scn = scenario_parse_ok(text);
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
