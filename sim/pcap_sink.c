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

    size_t len = strlen(path);
    ps->path = malloc(len + 1);
    ps->tmp_path = malloc(len + sizeof ".tmp");
    if (ps->path == NULL || ps->tmp_path == NULL) {
        pcap_sink_fail(ps, -ERR_NOMEM, path, "out of memory");
        goto out_free;
    }
    memcpy(ps->path, path, len + 1);
    memcpy(ps->tmp_path, path, len);
    memcpy(ps->tmp_path + len, ".tmp", sizeof ".tmp");

    ps->pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_SINK_SNAPLEN,
                                                  PCAP_TSTAMP_PRECISION_NANO);
    if (ps->pd == NULL) {
        pcap_sink_fail(ps, -ERR_NOMEM, path, "libpcap could not make a capture handle");
        goto out_free;
    }
    ps->dumper = pcap_dump_open(ps->pd, ps->tmp_path);
    if (ps->dumper == NULL) {
        /* pcap_geterr names the file and the system's reason */
        pcap_sink_fail(ps, -ERR_ACCES, "cannot write capture", pcap_geterr(ps->pd));
        pcap_close(ps->pd);
        ps->pd = NULL;
        goto out_free;
    }
    return 0;

out_free:
    free(ps->path);
    free(ps->tmp_path);
    ps->path = NULL;
    ps->tmp_path = NULL;
    return ps->err;
}

void
pcap_sink_attach(struct pcap_sink *ps, struct trace *tr)
{
    if (ps->tr != NULL || ps->dumper == NULL)
        return;
    trace_attach(tr, &ps->sink);
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

/* Close the dumper and the handle; record a write error if there was one. */
static void
pcap_sink_close_files(struct pcap_sink *ps)
{
    if (ps->dumper != NULL) {
        FILE *f = pcap_dump_file(ps->dumper);
        if (pcap_dump_flush(ps->dumper) != 0 || (f != NULL && ferror(f)))
            pcap_sink_fail(ps, -ERR_NOBUFS, ps->tmp_path, strerror(errno ? errno : EIO));
        pcap_dump_close(ps->dumper);
        ps->dumper = NULL;
    }
    if (ps->pd != NULL) {
        pcap_close(ps->pd);
        ps->pd = NULL;
    }
}

static void
pcap_sink_free_names(struct pcap_sink *ps)
{
    free(ps->path);
    free(ps->tmp_path);
    ps->path = NULL;
    ps->tmp_path = NULL;
}

int
pcap_sink_close(struct pcap_sink *ps)
{
    pcap_sink_detach(ps);
    if (ps->tmp_path == NULL)
        return ps->err;  /* never opened, or closed already */
    pcap_sink_close_files(ps);
    if (ps->err == 0 && rename(ps->tmp_path, ps->path) != 0)
        pcap_sink_fail(ps, -ERR_ACCES, ps->path, strerror(errno));
    if (ps->err != 0)
        remove(ps->tmp_path);
    pcap_sink_free_names(ps);
    return ps->err;
}

void
pcap_sink_abort(struct pcap_sink *ps)
{
    pcap_sink_detach(ps);
    if (ps->tmp_path == NULL)
        return;
    pcap_sink_close_files(ps);
    remove(ps->tmp_path);
    pcap_sink_free_names(ps);
}

const char *
pcap_sink_error(const struct pcap_sink *ps)
{
    return ps->errmsg;
}
