/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json_out.h - the event log as JSON Lines: one object per trace event.
 *
 * `netstep run FILE --json` writes the whole log this way, for people's own
 * tools (Python, jq, a spreadsheet). The schema is in docs/pictures.md; the
 * objects are built and escaped by jansson, never by hand.
 */
#ifndef NETSTEP_UI_JSON_OUT_H
#define NETSTEP_UI_JSON_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "sim/record.h"

/* Write event ev (index i in the log) as one line of JSON to out.
 * Returns 0, or -1 if out of memory or the write failed. */
int json_out_event(const struct record_event *ev, size_t i, FILE *out);

/* Every event of rec, in order. Returns 0, or -1 as above. */
int json_out_record(const struct record *rec, FILE *out);

#endif
