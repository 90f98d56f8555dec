/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng_sink.h - the capture as pcapng: one interface per link, a comment
 * on every frame saying what caused it.
 *
 * libpcap writes only classic pcap (sim/pcap_sink.h keeps that path), so this
 * is a small writer of our own for the pcapng format (the IETF draft
 * [draft-ietf-opsawg-pcapng]), the blocks Wireshark and tshark read:
 *
 *   Section Header Block     once, first: byte order, version 1.0, and
 *                            shb_userappl naming the program
 *   Interface Description    one per link (or TAP device), in the order
 *     Block (IDB)            pcapng_sink_add_iface() was called, or when a
 *                            link's first frame shows up unannounced; with
 *                            if_name (the link's name), if_description (its
 *                            two ends) and if_tsresol = 9 (nanoseconds)
 *   Enhanced Packet Block    one per TRACE_WIRE frame: the interface of the
 *     (EPB)                  link it crossed, the virtual time in ns, the
 *                            frame, and an opt_comment with its cause
 *
 * Everything is written little-endian whatever the machine (the Section
 * Header's byte-order magic says so), and nothing comes from the wall clock
 * or from pointers, so the same run gives the same bytes anywhere.
 *
 * As with pcap_sink, the file is opened through sim/outfile.h: a regular
 * PATH is written as PATH.tmp and renamed to PATH only by a successful
 * pcapng_sink_close(); "-" is stdout, a FIFO or device is written as it is,
 * a symbolic link is followed. Errors come back as -ERR_* with a
 * sentence from pcapng_sink_error(); nothing here prints.
 */
#ifndef NETSTEP_SIM_PCAPNG_SINK_H
#define NETSTEP_SIM_PCAPNG_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/outfile.h"
#include "stack/trace.h"

/* Bytes of a frame the capture keeps (each interface's snaplen). */
#define PCAPNG_SINK_SNAPLEN 262144  /* as pcap_sink: a 65535-byte datagram on lo fits */
/* Room for an error sentence. */
#define PCAPNG_SINK_ERR_LEN 320
/* Longest comment kept on a frame (longer ones are cut). */
#define PCAPNG_COMMENT_LEN 512

/* Writes the comment for frame event ev into buf (NUL-terminated, at most n
 * bytes; "" for none) and returns its length, strlen(buf). */
typedef size_t (*pcapng_comment_fn)(void *ctx, const struct trace_event *ev, char *buf,
                                    size_t n);

struct pcapng_sink {
    struct trace_sink sink;       /* its emit() takes each frame (sim/capture.c) */
    FILE *f;                      /* out.f while open, else NULL */
    struct outfile out;           /* where the bytes go (PATH.tmp, stdout, a FIFO...) */
    char *path;                   /* PATH as given */
    char **if_names;              /* if_names[i]: name of interface i */
    size_t n_ifaces;              /* interfaces described so far */
    size_t cap_ifaces;            /* slots in if_names */
    size_t last_if;               /* interface of the previous frame (a lookup shortcut) */
    bool only_known;              /* frames of links not added are skipped, not added */
    pcapng_comment_fn comment;    /* the comment of each frame; NULL: the cause alone */
    void *comment_ctx;            /* its context */
    uint8_t *buf;                 /* the block being built, in out's buffer, or NULL */
    uint64_t frames;              /* frames written */
    int err;                      /* first error, -ERR_*, or 0 */
    char errmsg[PCAPNG_SINK_ERR_LEN];  /* its sentence, "" if none */
};

/* Open PATH (see sim/outfile.h) and write the Section Header Block naming `appl` (the
 * shb_userappl option, e.g. "netstep 0.1.0"; NULL for none). Returns 0 or
 * -ERR_* (message in pcapng_sink_error()); on failure nothing is left open. */
int pcapng_sink_open(struct pcapng_sink *ps, const char *path, const char *appl);

/* Write an Interface Description Block for the link called `name` (the
 * `where` of its trace events), with `description` (NULL for none). Returns
 * the interface id (0, 1, ...) or -ERR_*. */
int pcapng_sink_add_iface(struct pcapng_sink *ps, const char *name, const char *description);

/* Only frames of interfaces added with pcapng_sink_add_iface() are written;
 * others are skipped instead of getting an interface of their own (a file
 * for one link). */
void pcapng_sink_only_known(struct pcapng_sink *ps, bool only_known);

/* Who writes each frame's comment (NULL: pcapng_format_comment() without
 * step text). */
void pcapng_sink_set_comment(struct pcapng_sink *ps, pcapng_comment_fn fn, void *ctx);

/* Flush, close, and rename PATH.tmp to PATH. If anything failed (now
 * or while writing), PATH.tmp is removed, PATH is left as it was and the
 * first error is returned. Safe to call twice. */
int pcapng_sink_close(struct pcapng_sink *ps);

/* Close and remove PATH.tmp without producing PATH. */
void pcapng_sink_abort(struct pcapng_sink *ps);

/* The first error's sentence, "" if none. */
const char *pcapng_sink_error(const struct pcapng_sink *ps);

/* A frame's comment: "#12: sendto() step 5", "#13: ARP retry timer",
 * "#14: arrival of #12", "#12: arrival of #12 (forwarded)" when a router or
 * switch sends on the packet that arrived, "#15" when no cause was recorded.
 * step_text (may be NULL), for a step's cause, follows the cause: ", line 9:
 * alice: sendto c bob:9". A TCP segment ends with why TCP sent it ("; TCP:
 * fast retransmit"). The default comment is this with step_text NULL.
 * Returns the length written, strlen(buf) (0 when n is 0). */
size_t pcapng_format_comment(const struct trace_event *ev, const char *step_text, char *buf,
                             size_t n);

#endif
