/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ui/quiz.h - `netstep quiz FILE`: a lesson's questions in a plain terminal.
 */
#ifndef NETSTEP_UI_QUIZ_H
#define NETSTEP_UI_QUIZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario.h"

/* Run scn, asking each `ask` on out and reading one answer a line from in
 * (an empty line, or the end of input, skips it), then revealing the
 * stack's answer with the event that gave it; the score at the end.
 * Returns 0, or 1 when a question was never answered by the stack. */
int quiz_run(const struct scenario *scn, bool seed_given, uint64_t seed, FILE *in, FILE *out);

/* Whether typed (as a student wrote it) is the answer text (as the stack
 * gave it), or choice number `choice` (1-based, 0 if none) of n_choices. */
bool quiz_answer_matches(const char *typed, const char *answer, unsigned choice,
                         size_t n_choices);

#endif
