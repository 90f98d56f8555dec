/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_printed.h - what a lesson's `ping` and `traceroute` print, kept for
 * the view with the place in the event log where each line was printed.
 *
 * `netstep run` prints ping's and traceroute's lines (PING ..., "64 bytes
 * from ...", the statistics, one line a hop) on its output; they are not
 * trace events. The view records the lesson with this as the runner's
 * output, so the lines can be shown as the cursor reaches the events that
 * produced them (view_render_script()).
 * Called by: tui.c (capture), view_panes.c and view_projector.c (reading).
 */
#ifndef NETSTEP_UI_VIEW_PRINTED_H
#define NETSTEP_UI_VIEW_PRINTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct view_model;

/* One printed line: after the first `at` events of the log, during step
 * `step`. */
struct view_printed_line {
    size_t at;    /* events recorded when it was printed */
    size_t step;  /* the script step running then */
    char *text;   /* without its newline */
};

struct view_printed {
    struct view_printed_line *lines;  /* in the order printed */
    size_t n_lines;
    size_t cap_lines;
    const struct view_model *m;       /* whose log and step count date the lines */
    FILE *out;                        /* the runner's output while attached */
    char part[512];                   /* a line not ended yet */
    size_t part_len;
    bool failed;                      /* memory ran out: lines are missing */
};

/* Make p the output of m's runner: from now on the lines its `ping` and
 * `traceroute` steps print are kept (the others, the step lines and the
 * answers to questions among them, are not). 0, or -1 (no memory). */
int view_printed_attach(struct view_printed *p, struct view_model *m);
/* Stop keeping lines (the runner prints nothing more) and close the stream;
 * the lines stay. */
void view_printed_detach(struct view_printed *p, struct view_model *m);
void view_printed_free(struct view_printed *p);

/* The lines step s printed by the time the cursor is on event `cursor`, in
 * order, into idx (at most max): the count. p may be NULL (none). */
size_t view_printed_of_step(const struct view_printed *p, size_t s, size_t cursor,
                            size_t *idx, size_t max);

/* The lines of the latest step in [from, to] that printed any by the time
 * the cursor is on event `cursor` (view_printed_of_step()): their count,
 * that step in *step. The narration's box shows them when that step came
 * after the narration in force (from: the step after it). */
size_t view_printed_latest(const struct view_printed *p, size_t from, size_t to, size_t cursor,
                           size_t *idx, size_t max, size_t *step);

#endif
