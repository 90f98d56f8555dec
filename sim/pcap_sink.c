/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_sink.c - every frame on a wire, and every frame a host sent itself
 * (as it came back in on the host's lo), to a classic pcap file.
 *
 * The records are written here, into sim/outfile's buffer, in the format
 * libpcap's pcap_dump() writes with PCAP_TSTAMP_PRECISION_NANO: a 24-byte
 * file header with the nanosecond magic (0xa1b23c4d), version 2.4, snaplen
 * and LINKTYPE_ETHERNET, then per frame a 16-byte record header (seconds,
 * nanoseconds, captured length, length), all in the host's byte order, and
 * the frame (docs/architecture.md, "Classic pcap and pcapng, written by
 * hand"). pcap_dump() costs two stdio calls a frame; this is one copy into
 * a buffer that goes to the file a megabyte at a time. tests/sim's
 * test_capture compares the bytes with libpcap's, and tshark reads every
 * lesson's capture (tests/lesson_check.sh).
 * Virtual time goes straight into the timestamps, so a run with the same seed
 * gives the same bytes.
 * Called by: sim/capture.c (its sink's emit() per frame). Calls: sim/outfile.
 */
#include "sim/pcap_sink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "stack/err.h"
#include "stack/pkt.h"

/* The classic pcap format: the magic of nanosecond timestamps, the version
 * libpcap writes, and LINKTYPE_ETHERNET (DLT_EN10MB's number in a file). */
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_LINKTYPE_ETHERNET 1u
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

/* Remember the first error only: later ones are usually its consequences. */
static int
pcap_sink_fail(struct pcap_sink *ps, int err, const char *what, const char *detail)
{
    if (ps->err == 0) {
        ps->err = err;
        snprintf(ps->errmsg, sizeof ps->errmsg, "%s: %s", what, detail ? detail : "failed");
    }
    return ps->err;
}

/* A 32-bit field in the host's byte order, as libpcap writes them. */
static void
pcap_put32(unsigned char *b, uint32_t v)
{
    memcpy(b, &v, sizeof v);
}

static void
pcap_put16(unsigned char *b, uint16_t v)
{
    memcpy(b, &v, sizeof v);
}

static void
pcap_sink_emit(void *ctx, const struct trace_event *ev)
{
    struct pcap_sink *ps = ctx;
    if (!sim_event_is_frame(ev) || ps->path == NULL || ps->err != 0)
        return;
    const struct pkt *p = ev->pkt;
    uint32_t len = p->len > UINT32_MAX ? UINT32_MAX : (uint32_t)p->len;
    uint32_t caplen = len > PCAP_SINK_SNAPLEN ? PCAP_SINK_SNAPLEN : len;
    unsigned char *b = outfile_reserve(&ps->out, PCAP_RECORD_HEADER_LEN + caplen);
    if (b == NULL) {
        pcap_sink_fail(ps, -ERR_NOBUFS, ps->path, strerror(ps->out.err ? ps->out.err : EIO));
        return;
    }
    /* seconds as libpcap's 32-bit field holds them; nanoseconds in the
     * field that holds microseconds in the other magic's files */
    pcap_put32(b, (uint32_t)(ev->t_ns / 1000000000u));
    pcap_put32(b + 4, (uint32_t)(ev->t_ns % 1000000000u));
    pcap_put32(b + 8, caplen);
    pcap_put32(b + 12, len);
    memcpy(b + PCAP_RECORD_HEADER_LEN, p->data, caplen);
    outfile_commit(&ps->out, PCAP_RECORD_HEADER_LEN + caplen);
    ps->frames++;
}

int
pcap_sink_open(struct pcap_sink *ps, const char *path)
{
    memset(ps, 0, sizeof *ps);
    ps->sink.emit = pcap_sink_emit;
    ps->sink.ctx = ps;
    if (path == NULL || path[0] == '\0')
        return pcap_sink_fail(ps, -ERR_INVAL, "capture", "no file name given");

    ps->path = strdup(path);
    if (ps->path == NULL)
        return pcap_sink_fail(ps, -ERR_NOMEM, path, "out of memory");
    char why[OUTFILE_ERR_LEN];
    if (outfile_open(&ps->out, path, why, sizeof why) < 0) {
        pcap_sink_fail(ps, -ERR_ACCES, "cannot write capture", why);
        free(ps->path);
        ps->path = NULL;
        return ps->err;
    }
    unsigned char *b = outfile_reserve(&ps->out, PCAP_FILE_HEADER_LEN);
    pcap_put32(b, PCAP_MAGIC_NSEC);
    pcap_put16(b + 4, PCAP_VERSION_MAJOR);
    pcap_put16(b + 6, PCAP_VERSION_MINOR);
    pcap_put32(b + 8, 0);   /* thiszone: timestamps are UTC */
    pcap_put32(b + 12, 0);  /* sigfigs */
    pcap_put32(b + 16, PCAP_SINK_SNAPLEN);
    pcap_put32(b + 20, PCAP_LINKTYPE_ETHERNET);
    outfile_commit(&ps->out, PCAP_FILE_HEADER_LEN);
    return 0;
}

void
pcap_sink_attach(struct pcap_sink *ps, struct trace *tr)
{
    if (ps->tr != NULL || ps->path == NULL)
        return;
    trace_attach_need(tr, &ps->sink, TRACE_NEED_WIRE);  /* frames only: no sentences */
    ps->tr = tr;
}

void
pcap_sink_detach(struct pcap_sink *ps)
{
    if (ps->tr == NULL)
        return;
    trace_detach(ps->tr, &ps->sink);
    ps->tr = NULL;
}

/* Write what is buffered and put the file in place (ok) or remove it;
 * record the error if there was one. */
static void
pcap_sink_finish(struct pcap_sink *ps, bool ok)
{
    char why[OUTFILE_ERR_LEN];
    if (outfile_finish(&ps->out, ok && ps->err == 0, why, sizeof why) < 0 && ok)
        pcap_sink_fail(ps, -ERR_ACCES, "cannot write capture", why);
    free(ps->path);
    ps->path = NULL;
}

int
pcap_sink_close(struct pcap_sink *ps)
{
    pcap_sink_detach(ps);
    if (ps->path == NULL)
        return ps->err;  /* never opened, or closed already */
    pcap_sink_finish(ps, true);
    return ps->err;
}

void
pcap_sink_abort(struct pcap_sink *ps)
{
    pcap_sink_detach(ps);
    if (ps->path == NULL)
        return;
    pcap_sink_finish(ps, false);
}

const char *
pcap_sink_error(const struct pcap_sink *ps)
{
    return ps->errmsg;
}
