/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_printed.c - the runner's printed output, line by line, dated by the
 * event log: a stdio stream (fopencookie) whose every write notes how many
 * events the log held then and which step was running.
 *
 * The stream is unbuffered, so a line is dated when the runner prints it,
 * not when a buffer fills: "64 bytes from ..." lands just after the event
 * that delivered the echo reply.
 * Called by: tui.c. Calls: record_count().
 */
#define _GNU_SOURCE  /* fopencookie */
#include "ui/view_printed.h"

#include <stdlib.h>
#include <string.h>

#include "sim/record.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "ui/view_model.h"

/* Only ping's and traceroute's own lines: the runner's step lines and its
 * answers to questions ("[  0.010009] answer: 8 ...") start with '[', and
 * a blank line carries nothing to read. */
static bool
printed_kept(const struct view_model *m, size_t step, const char *line, size_t len)
{
    if (step >= m->scn->n_steps || len == 0 || line[0] == '[')
        return false;
    enum scn_step_kind k = m->scn->steps[step].kind;
    return k == SCN_STEP_PING || k == SCN_STEP_TRACEROUTE;
}

static void
printed_line_end(struct view_printed *p)
{
    const struct view_model *m = p->m;
    size_t step = m->n_steps;  /* vm_run_step() counts the step once it is done */
    if (!printed_kept(m, step, p->part, p->part_len)) {
        p->part_len = 0;
        return;
    }
    if (p->n_lines == p->cap_lines) {
        size_t cap = p->cap_lines ? p->cap_lines * 2 : 32;
        struct view_printed_line *grown = realloc(p->lines, cap * sizeof *grown);
        if (grown == NULL) {
            p->failed = true;
            p->part_len = 0;
            return;
        }
        p->lines = grown;
        p->cap_lines = cap;
    }
    char *text = malloc(p->part_len + 1);
    if (text == NULL) {
        p->failed = true;
        p->part_len = 0;
        return;
    }
    memcpy(text, p->part, p->part_len);
    text[p->part_len] = '\0';
    p->lines[p->n_lines++] = (struct view_printed_line){
        .at = record_count(&m->rec), .step = step, .text = text };
    p->part_len = 0;
}

static ssize_t
printed_write(void *cookie, const char *buf, size_t size)
{
    struct view_printed *p = cookie;
    for (size_t i = 0; i < size; i++) {
        if (buf[i] == '\n')
            printed_line_end(p);
        else if (p->part_len + 1 < sizeof p->part)
            p->part[p->part_len++] = buf[i];  /* a longer line is cut */
    }
    return (ssize_t)size;
}

int
view_printed_attach(struct view_printed *p, struct view_model *m)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    cookie_io_functions_t io = { .write = printed_write };
    p->out = fopencookie(p, "w", io);
    if (p->out == NULL)
        return -1;
    setvbuf(p->out, NULL, _IONBF, 0);
    m->runner->opts.out = p->out;
    return 0;
}

void
view_printed_detach(struct view_printed *p, struct view_model *m)
{
    if (p->out == NULL)
        return;
    if (m->runner->opts.out == p->out)
        m->runner->opts.out = NULL;
    fclose(p->out);
    p->out = NULL;
}

void
view_printed_free(struct view_printed *p)
{
    for (size_t i = 0; i < p->n_lines; i++)
        free(p->lines[i].text);
    free(p->lines);
    memset(p, 0, sizeof *p);
}

size_t
view_printed_of_step(const struct view_printed *p, size_t s, size_t cursor, size_t *idx,
                     size_t max)
{
    size_t n = 0;
    if (max == 0)
        return 0;
    for (size_t i = 0; p != NULL && i < p->n_lines; i++) {
        const struct view_printed_line *l = &p->lines[i];
        if (l->step != s || l->at > cursor + 1)
            continue;
        if (n == max) {  /* the latest lines are the ones to keep */
            memmove(idx, idx + 1, (max - 1) * sizeof *idx);
            n--;
        }
        idx[n++] = i;
    }
    return n;
}

size_t
view_printed_latest(const struct view_printed *p, size_t from, size_t to, size_t cursor,
                    size_t *idx, size_t max, size_t *step)
{
    for (size_t s = to + 1; s-- > from;) {
        size_t n = view_printed_of_step(p, s, cursor, idx, max);
        if (n > 0) {
            *step = s;
            return n;
        }
    }
    return 0;
}
