/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_num.h - numbers as the command line gives them (--seed N), read the
 * same way by every subcommand: run, quiz, ui and draw.
 */
#ifndef NETSTEP_UI_CLI_NUM_H
#define NETSTEP_UI_CLI_NUM_H

#include <stdint.h>

/* s as a whole number into *out: decimal digits only (no sign, no blank,
 * nothing after them), at most UINT64_MAX. 0, or -1 with *out untouched. */
int cli_parse_u64(const char *s, uint64_t *out);

#endif
