/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario_helpers.h - scenario-level test helpers: parse a scenario from
 * text, run it headless into a buffer, and look for a line in what it
 * printed. For the sim and ui suites (they link the sim ring); the stack
 * suites never see these.
 */
#ifndef NETSTEP_TESTS_SCENARIO_HELPERS_H
#define NETSTEP_TESTS_SCENARIO_HELPERS_H

#include <stddef.h>

#include "sim/scenario.h"

/* One headless run: what the runner printed and the expects' tally. */
struct scenario_run {
    char *out;         /* the runner's printout, NUL-terminated */
    size_t out_len;    /* bytes of out */
    unsigned passed;   /* expects that held */
    unsigned failed;   /* expects that failed */
};

/* Parse text (named "t.scn" in messages) that must be good; the test fails
 * with the first error if it is not. */
struct scenario *scenario_parse_ok(const char *text);

/* Parse and run text to its end, the printout into run->out. The test fails
 * if it does not parse or the world cannot be built. Free with
 * scenario_run_free(). */
struct scenario_run *scenario_run_text(const char *text);

/* The same for the scenario file at path. */
struct scenario_run *scenario_run_file(const char *path);

void scenario_run_free(struct scenario_run *run);

/* Every expect of run held, and there were n of them; on failure the
 * printout goes to stderr (Check cannot carry a long message). */
void scenario_assert_expects(const struct scenario_run *run, unsigned n);

/* scn as scenario_print() writes it, in a string to free(). */
char *scenario_print_string(const struct scenario *scn);

/* parse -> print -> parse gives an equal tree, and printing that again gives
 * the same text. */
void scenario_assert_round_trip(const struct scenario *a);

/* The test fails, showing the whole printout, unless it contains text. */
void scenario_output_has(const struct scenario_run *run, const char *text);

#endif
