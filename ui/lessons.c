/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lessons.c - lesson names to paths, for every command (see lessons.h).
 */
#include "ui/lessons.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

const char *
lessons_dir(void)
{
    const char *env = getenv("NETSTEP_SCENARIOS");
    if (env != NULL && env[0] != '\0')
        return env;
    return NETSTEP_SCENARIO_DIR;
}

static bool
is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *
lesson_resolve(const char *arg, char *buf, size_t n)
{
    if (is_file(arg))
        return arg;
    snprintf(buf, n, "%s/%s", lessons_dir(), arg);
    if (is_file(buf))
        return buf;
    snprintf(buf, n, "%s/%s.scn", lessons_dir(), arg);
    if (is_file(buf))
        return buf;
    return arg;
}
