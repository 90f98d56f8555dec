/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_num.c - command-line numbers (cli_num.h).
 *
 * strtoull alone takes " -1" (blanks, then a sign: the negation wraps to
 * UINT64_MAX) and "+5"; a seed is digits, so the first character must be
 * one.
 * Called by: main.c, tui.c, draw.c.
 */
#include "ui/cli_num.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int
cli_parse_u64(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)s[0]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}
