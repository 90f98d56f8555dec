/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_sink.c - the capture: TRACE_WIRE frames, and frames looped back on a
 * host's lo, to a pcap file through libpcap.
 *
 * libpcap writes classic pcap only; with PCAP_TSTAMP_PRECISION_NANO the
 * record header's tv_usec field carries nanoseconds and the file gets the
 * nanosecond magic (0xa1b23c4d), which Wireshark and tshark read
 * (docs/architecture.md, "Classic pcap through libpcap, pcapng by hand").
 * Virtual time goes straight into the timestamps, so a run with the same seed
 * gives the same bytes.
 * Called by: trace_emit() through the sink. Calls: libpcap.
 */
#include "sim/pcap_sink.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "stack/err.h"
#include "stack/pkt.h"

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

static void
pcap_sink_emit(void *ctx, const struct trace_event *ev)
{
    struct pcap_sink *ps = ctx;
    if (!sim_event_is_frame(ev) || ps->dumper == NULL)
        return;
    const struct pkt *p = ev->pkt;
    struct pcap_pkthdr hdr;
    memset(&hdr, 0, sizeof hdr);
    hdr.ts.tv_sec = (time_t)(ev->t_ns / 1000000000u);
    hdr.ts.tv_usec = (suseconds_t)(ev->t_ns % 1000000000u);  /* nanoseconds in NANO mode */
    hdr.len = p->len > UINT32_MAX ? UINT32_MAX : (bpf_u_int32)p->len;
    hdr.caplen = hdr.len > PCAP_SINK_SNAPLEN ? PCAP_SINK_SNAPLEN : hdr.len;
    pcap_dump((u_char *)ps->dumper, &hdr, p->data);
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
    ps->pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_SINK_SNAPLEN,
                                                  PCAP_TSTAMP_PRECISION_NANO);
    if (ps->pd == NULL) {
        pcap_sink_fail(ps, -ERR_NOMEM, path, "libpcap could not make a capture handle");
        goto out_free;
    }
    char why[OUTFILE_ERR_LEN];
    if (outfile_open(&ps->out, path, why, sizeof why) < 0) {
        pcap_sink_fail(ps, -ERR_ACCES, "cannot write capture", why);
        goto out_close;
    }
    /* A regular file takes the frames in large writes (a write per 4 KiB
     * costs more than the frames); a pipe or stdout keeps stdio's default,
     * so a live reader is not kept waiting. */
    if (!ps->out.direct)
        setvbuf(ps->out.f, NULL, _IOFBF, PCAP_SINK_BUFFER);
    ps->dumper = pcap_dump_fopen(ps->pd, ps->out.f);
    if (ps->dumper == NULL) {
        pcap_sink_fail(ps, -ERR_ACCES, "cannot write capture", pcap_geterr(ps->pd));
        outfile_finish(&ps->out, false, why, sizeof why);
        goto out_close;
    }
    return 0;

out_close:
    pcap_close(ps->pd);
    ps->pd = NULL;
out_free:
    free(ps->path);
    ps->path = NULL;
    return ps->err;
}

void
pcap_sink_attach(struct pcap_sink *ps, struct trace *tr)
{
    if (ps->tr != NULL || ps->dumper == NULL)
        return;
    trace_attach_need(tr, &ps->sink, TRACE_NEED_FRAMES);  /* frames only: no sentences */
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

/* Close the dumper and the handle, then put the file in place (ok) or
 * remove it; record the error if there was one. */
static void
pcap_sink_finish(struct pcap_sink *ps, bool ok)
{
    char why[OUTFILE_ERR_LEN];
    if (ps->dumper != NULL) {
        FILE *f = pcap_dump_file(ps->dumper);
        if (pcap_dump_flush(ps->dumper) != 0 || (f != NULL && ferror(f)))
            pcap_sink_fail(ps, -ERR_NOBUFS, ps->path, strerror(errno ? errno : EIO));
        pcap_dump_close(ps->dumper);  /* fclose()s out.f */
        ps->out.f = NULL;
        ps->dumper = NULL;
    }
    if (ps->pd != NULL) {
        pcap_close(ps->pd);
        ps->pd = NULL;
    }
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
