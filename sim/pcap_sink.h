/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_sink.h - the capture: every frame that went on a wire, for Wireshark.
 *
 * A trace sink that writes the frame of every TRACE_WIRE event to a classic
 * pcap file (the format libpcap writes: LINKTYPE_ETHERNET, nanosecond
 * timestamps; the records are written here, sim/pcap_sink.c) stamped with virtual
 * time. One WIRE event is emitted per frame a link accepts (lost frames too:
 * they were on the wire), so the capture is what a tap on every cable saw.
 * Frames a host sends to itself never reach a cable; they are recorded once,
 * as they come back in on its lo, with the all-zero MAC addresses Linux's lo
 * has: what `tcpdump -i lo` writes (also DLT_EN10MB), so one file holds both.
 *
 * PATH is opened through sim/outfile.h: a regular file is written as
 * PATH.tmp and renamed to PATH only by a successful pcap_sink_close(), so a
 * failed or abandoned capture leaves no half-written PATH behind; "-" is
 * stdout; a FIFO or a device is written as it is; a symbolic link is
 * followed and stays a link. Errors come back as -ERR_* with a sentence from
 * pcap_sink_error(); nothing here prints.
 */
#ifndef NETSTEP_SIM_PCAP_SINK_H
#define NETSTEP_SIM_PCAP_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/outfile.h"
#include "stack/trace.h"

/* Bytes of a frame the capture keeps (the file's snaplen). */
#define PCAP_SINK_SNAPLEN 262144  /* tcpdump's default: a 65535-byte datagram on lo fits */
/* Room for an error sentence. */
#define PCAP_SINK_ERR_LEN 320

struct pcap_sink {
    struct trace_sink sink;         /* what pcap_sink_attach() subscribes */
    struct trace *tr;               /* the bus it is attached to, or NULL */
    struct outfile out;             /* where the bytes go (PATH.tmp, stdout, a FIFO...) */
    char *path;                     /* PATH as given; NULL once closed */
    uint64_t frames;                /* frames written */
    int err;                        /* first error, -ERR_*, or 0 */
    char errmsg[PCAP_SINK_ERR_LEN]; /* its sentence, "" if none */
};

/* Open PATH (see sim/outfile.h) and write the pcap file header. Returns 0 or -ERR_*
 * (message in pcap_sink_error()). On failure nothing is left open and
 * pcap_sink_close() just returns the error. */
int pcap_sink_open(struct pcap_sink *ps, const char *path);

void pcap_sink_attach(struct pcap_sink *ps, struct trace *tr);
void pcap_sink_detach(struct pcap_sink *ps);

/* Detach, flush, close, and rename PATH.tmp to PATH (a FIFO or device is
 * just closed). If anything failed (now or while writing), PATH.tmp is
 * removed, PATH is left as it was and the first error is returned. Safe to call twice. */
int pcap_sink_close(struct pcap_sink *ps);

/* Detach, close and remove PATH.tmp without producing PATH. */
void pcap_sink_abort(struct pcap_sink *ps);

/* The first error's sentence, "" if none. */
const char *pcap_sink_error(const struct pcap_sink *ps);

#endif
