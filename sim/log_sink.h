/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log_sink.h - the text trace: one line per trace event, to a FILE*.
 *
 * A line reads
 *
 *     0.010000 alice    Eth    out   #1 02:00:00:00:01:01 > 02:00:00:00:02:01, ethertype IPv4
 *                                          (0x0800), length 98 on eth0 [IEEE 802.3 3.2]  (cause: sendto() step 5)
 *     0.010000 alice-bob Wire   wire  #1 IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 377, seq 1,
 *                                          length 64 on alice-bob  (cause: sendto() step 5)
 *
 * (each one line; wrapped here), printed as "%12.6f %-8s %-6s %-5s #id text":
 * time in seconds (microseconds shown, truncated), host or link name, layer,
 * direction (out in drop wire state timer cache call note deliver), the
 * packet's id, what the layer decided, its RFC tag, and the cause. A DROP
 * without text reads the reason's sentence and name: "lost on the link
 * (random loss) (LINK_LOSS)". The output depends only on the events, never
 * on the wall clock or on pointers, so a run with the same seed gives the same
 * bytes. The same formatter renders events from the log (record.h), so a view
 * can print the trace again from the record.
 */
#ifndef NETSTEP_SIM_LOG_SINK_H
#define NETSTEP_SIM_LOG_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/trace.h"

struct record_event;

struct log_sink {
    struct trace_sink sink;  /* what log_sink_attach() subscribes */
    FILE *out;               /* where lines go; not owned (never closed here) */
    struct trace *tr;        /* the bus it is attached to, or NULL */
    uint64_t lines;          /* lines written */
    bool error;              /* a write failed (see ferror(out)) */
};

void log_sink_init(struct log_sink *ls, FILE *out);
void log_sink_attach(struct log_sink *ls, struct trace *tr);
void log_sink_detach(struct log_sink *ls);

/* The line for ev, without the newline, into buf (NUL-terminated, cut to n).
 * Returns the length the whole line has, as snprintf does. */
int log_format_event(const struct trace_event *ev, char *buf, size_t n);
/* The same line for an event of the log. */
int log_format_record(const struct record_event *ev, char *buf, size_t n);

/* "sendto() step 5", "ARP retry timer", "arrival of #12", "step 4" (a step
 * that made no socket call), or "" for CAUSE_NONE. Returns what snprintf
 * would. */
int log_format_cause(const struct trace_cause *c, char *buf, size_t n);

/* "out" for TX, "in" for RX, "drop", "wire", "state", ... */
const char *log_dir_name(enum trace_kind kind);

#endif
