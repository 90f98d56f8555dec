/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * text.h - a line built piece by piece into the caller's buffer.
 *
 * The describe functions write tcpdump-shaped lines from several parts; this
 * is an snprintf that appends. `len` counts every character asked for,
 * written or not, so the total is what snprintf would have returned for the
 * whole line and a short buffer truncates cleanly.
 */
#ifndef NETSTEP_WIRE_TEXT_H
#define NETSTEP_WIRE_TEXT_H

#include <stddef.h>

struct text {
    char *buf;   /* caller's buffer */
    size_t n;    /* its size */
    size_t len;  /* characters asked for so far */
};

void text_init(struct text *t, char *buf, size_t n);
void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where a *_describe() call should write next (NULL once the buffer is full),
 * how much room it has, and how to account for what it wrote there. */
char *text_end(const struct text *t);
size_t text_room(const struct text *t);
void text_took(struct text *t, int r);

#endif
