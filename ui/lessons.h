/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lessons.h - where a lesson name points: "udp/echo" -> DIR/udp/echo.scn.
 *
 * DIR is $NETSTEP_SCENARIOS, which ui/main.c sets once at start-up to the
 * folder it found (a teacher's own, the share directory beside the program,
 * or the source tree for the program in its build tree); the command line,
 * the view and `draw` all resolve names here so they can never disagree.
 */
#ifndef NETSTEP_UI_LESSONS_H
#define NETSTEP_UI_LESSONS_H

#include <stddef.h>

/* The folder of lessons: $NETSTEP_SCENARIOS, or the source tree's. */
const char *lessons_dir(void);

/* arg itself when it names a regular file; else DIR/arg, else DIR/arg.scn,
 * whichever is a regular file (written into buf of n bytes); else arg, so
 * the caller's error names what the user typed. */
const char *lesson_resolve(const char *arg, char *buf, size_t n);

#endif
