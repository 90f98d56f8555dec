/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/replay.c - `replay FILE [on A B [to END]]`: the frames of a
 * capture put on a link again, at their recorded relative times. The link
 * may also be named as the trace names it: `on alice-bob`.
 *
 * libpcap reads the file (pcap or pcapng, Ethernet only) when the scenario
 * is checked, so a missing or foreign file is a FILE:LINE:COL error before
 * anything runs; the step keeps the frames. When it runs, the first frame
 * goes on the wire at once and each later one as much later as the capture
 * says, through link_transmit() like any frame a NIC sends: the link's
 * delay, faults and rules apply, and the trace, the capture, the view and
 * `expect packets` see it. Which way a frame goes is read from its source
 * MAC: a frame from one end's MAC goes from that end to the other, so a
 * capture of the same world replays both directions as they were; any
 * other frame goes toward `to` END (the second end written by default).
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "sim/craft.h"
#include "sim/link.h"
#include "sim/sim.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/wire/describe.h"
#include "stack/wire/eth.h"

/* Most frames one replay may hold: a capture of a long lesson, not a
 * backbone trace. */
#define REPLAY_FRAMES_MAX 1000000u

struct scn_replay;

/* One frame of the capture, and what the scheduled call needs to send it. */
struct replay_frame {
    uint64_t offset_ns;       /* after the first frame */
    uint32_t len;             /* bytes captured */
    uint8_t *bytes;           /* them (owned) */
    struct scn_replay *owner; /* the step's replay */
};

struct scn_replay {
    char *path;               /* as written */
    char *full_path;          /* joined to the scenario's folder */
    int link;                 /* index into scenario.links */
    bool to_a;                /* frames of unknown source go toward the first end */
    bool has_on;              /* `on` was written (else the world's one link) */
    struct replay_frame *frames;
    size_t n_frames;
    /* set when the step runs: the scheduled calls read them */
    struct scn_runner *r;
    size_t step_no;
    uint32_t line;            /* the step's line, for the frames' cause */
    uint64_t start_ns;
};

static void
replay_free(struct scn_replay *rp)
{
    if (rp == NULL)
        return;
    for (size_t i = 0; i < rp->n_frames; i++)
        free(rp->frames[i].bytes);
    free(rp->frames);
    free(rp->path);
    free(rp->full_path);
    free(rp);
}

/* Read the capture into rp. 0, or -1 with why filled. */
static int
replay_load(struct scn_replay *rp, char *why, size_t why_len)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(rp->full_path,
                                                         PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (pc == NULL) {
        snprintf(why, why_len, "cannot read %s: %s", rp->path, errbuf);
        return -1;
    }
    int rc = -1;
    if (pcap_datalink(pc) != DLT_EN10MB) {
        snprintf(why, why_len, "%s is not an Ethernet capture (link type %s)", rp->path,
                 pcap_datalink_val_to_name(pcap_datalink(pc)) != NULL
                     ? pcap_datalink_val_to_name(pcap_datalink(pc)) : "unknown");
        goto out;
    }
    size_t cap = 0;
    uint64_t first = 0, last = 0;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int got;
    while ((got = pcap_next_ex(pc, &hdr, &data)) == 1) {
        if (rp->n_frames == REPLAY_FRAMES_MAX) {
            snprintf(why, why_len, "%s holds more than %u frames", rp->path, REPLAY_FRAMES_MAX);
            goto out;
        }
        if (hdr->caplen < ETH_HDR_LEN || hdr->caplen > PKT_MAX_FRAME) {
            snprintf(why, why_len, "frame %zu of %s is %u bytes: an Ethernet frame is %u..%u",
                     rp->n_frames + 1, rp->path, hdr->caplen, ETH_HDR_LEN, PKT_MAX_FRAME);
            goto out;
        }
        if (rp->n_frames == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct replay_frame *nf = realloc(rp->frames, ncap * sizeof *nf);
            if (nf == NULL) {
                snprintf(why, why_len, "out of memory");
                goto out;
            }
            rp->frames = nf;
            cap = ncap;
        }
        uint64_t t = (uint64_t)hdr->ts.tv_sec * 1000000000u + (uint64_t)hdr->ts.tv_usec;
        if (rp->n_frames == 0)
            first = last = t;
        if (t < last)
            t = last;  /* a capture out of order: never send back in time */
        last = t;
        struct replay_frame *f = &rp->frames[rp->n_frames];
        f->offset_ns = t - first;
        f->len = hdr->caplen;
        f->owner = rp;
        f->bytes = malloc(hdr->caplen);
        if (f->bytes == NULL) {
            snprintf(why, why_len, "out of memory");
            goto out;
        }
        memcpy(f->bytes, data, hdr->caplen);
        rp->n_frames++;
    }
    if (got == -1) {
        snprintf(why, why_len, "cannot read %s: %s", rp->path, pcap_geterr(pc));
        goto out;
    }
    if (rp->n_frames == 0) {
        snprintf(why, why_len, "%s holds no frame", rp->path);
        goto out;
    }
    rc = 0;
out:
    pcap_close(pc);
    return rc;
}

int
parse_replay(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    step_init(st, SCN_STEP_REPLAY);
    struct scn_replay *rp = calloc(1, sizeof *rp);
    if (rp == NULL)
        return perr_oom(p);
    st->replay.spec = rp;
    rp->link = -1;
    const struct tok *f = cur_next(c);
    if (f == NULL)
        return perr(p, kw->col, "replay needs a capture file, like 'replay \"handshake.pcap\" on "
                    "alice bob'");
    rp->path = str_dup_n(f->text, f->len);
    if (f->text[0] == '/' || strcmp(p->scn->dir, ".") == 0)
        rp->full_path = str_dup_n(f->text, f->len);
    else
        rp->full_path = str_printf("%s/%s", p->scn->dir, f->text);
    if (rp->path == NULL || rp->full_path == NULL)
        return perr_oom(p);
    if (word_is(cur_peek(c), "on")) {
        const struct tok *w = cur_next(c);
        if (parse_link_on(p, c, w, "", &rp->link, &rp->to_a) < 0)
            return -1;
        rp->has_on = true;
    } else if (p->scn->n_links == 1) {
        rp->link = 0;
    } else {
        return perr(p, f->col + (unsigned)f->raw_len + 1,
                    "replay needs the link to put the frames on: 'on A B' (the world has %zu "
                    "links)", p->scn->n_links);
    }
    if (expect_end(p, c) < 0)
        return -1;
    char why[PCAP_ERRBUF_SIZE + 256];
    if (replay_load(rp, why, sizeof why) < 0)
        return perr(p, f->col, "%s", why);
    return 1;
}

void
print_replay(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_replay *rp = st->replay.spec;
    struct scn_payload pl = { .kind = SCN_PAYLOAD_TEXT, .data = (uint8_t *)rp->path,
                              .len = strlen(rp->path) };
    fputs("replay ", out);
    print_payload(out, scn, &pl);
    if (!rp->has_on && !rp->to_a)
        return;
    const struct scn_link *l = &scn->links[rp->link];
    fputs(" on ", out);
    print_link_end(out, scn, l->a, l->a_if, l->a_sw);
    fputc(' ', out);
    print_link_end(out, scn, l->b, l->b_if, l->b_sw);
    if (rp->to_a) {
        fputs(" to ", out);
        print_link_end(out, scn, l->a, l->a_if, l->a_sw);
    }
}

bool
eq_replay(const struct scn_step *a, const struct scn_step *b)
{
    const struct scn_replay *x = a->replay.spec, *y = b->replay.spec;
    return strcmp(x->path, y->path) == 0 && x->link == y->link && x->to_a == y->to_a;
}

int
copy_replay(struct scn_step *dst, const struct scn_step *src)
{
    const struct scn_replay *s = src->replay.spec;
    struct scn_replay *d = calloc(1, sizeof *d);
    dst->replay.spec = d;
    if (d == NULL)
        return -1;
    d->link = s->link;
    d->to_a = s->to_a;
    d->has_on = s->has_on;
    d->path = strdup(s->path);
    d->full_path = strdup(s->full_path);
    d->frames = s->n_frames ? calloc(s->n_frames, sizeof *d->frames) : NULL;
    if (d->path == NULL || d->full_path == NULL || (s->n_frames && d->frames == NULL))
        return -1;
    for (size_t i = 0; i < s->n_frames; i++) {
        d->frames[i] = s->frames[i];
        d->frames[i].owner = d;
        d->frames[i].bytes = malloc(s->frames[i].len);
        if (d->frames[i].bytes == NULL)
            return -1;
        memcpy(d->frames[i].bytes, s->frames[i].bytes, s->frames[i].len);
        d->n_frames = i + 1;
    }
    return 0;
}

void
clear_replay(struct scn_step *st)
{
    replay_free(st->replay.spec);
    st->replay.spec = NULL;
}

/* One frame's turn: put it on the link, in the direction its source MAC
 * says. */
static void
replay_send(struct sim *s, void *ctx)
{
    const struct replay_frame *f = ctx;
    const struct scn_replay *rp = f->owner;
    struct link *l = rp->r->links[rp->link];
    struct iface *to = rp->to_a ? l->a : l->b;
    if (memcmp(f->bytes + ETH_OFF_SRC, l->a->mac, ETH_ALEN) == 0)
        to = l->b;
    else if (memcmp(f->bytes + ETH_OFF_SRC, l->b->mac, ETH_ALEN) == 0)
        to = l->a;
    /* the cause names the frame by its place in the capture, 1-based as
     * tcpdump and Wireshark number frames */
    uint32_t frame = (uint32_t)(f - rp->frames) + 1;
    struct pkt *p = craft_pkt(s, f->bytes, f->len,
                              cause_wire_step(ORIGIN_REPLAY, (uint32_t)rp->step_no, rp->line,
                                              frame));
    if (p != NULL)
        craft_send_on_link(l, to, p);
}

void
run_replay_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    struct scn_replay *rp = st->replay.spec;
    char t[32];

    (void)scheduled;
    fmt_time(r->sim.now_ns, t, sizeof t);
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s", step_no,
             st->text);
    rp->r = r;
    rp->step_no = step_no;
    rp->line = st->line;
    rp->start_ns = r->sim.now_ns;
    size_t sent = 0;
    for (size_t i = 0; i < rp->n_frames; i++) {
        uint64_t at = rp->start_ns + rp->frames[i].offset_ns;
        if (i == 0) {
            replay_send(&r->sim, &rp->frames[0]);  /* the first at once, in this step */
            sent++;
        } else if (sim_schedule_call(&r->sim, at, replay_send, &rp->frames[i]) == 0) {
            sent++;
        }
    }
    uint64_t span = rp->frames[rp->n_frames - 1].offset_ns;
    char d[32];
    fmt_time(span, d, sizeof d);
    if (r->opts.trace_shown)
        run_say(r, false, "%12s => %zu frames over %s s\n", "", sent, d);
    else
        run_say(r, false, "[%10s] %-50s => %zu frames over %s s\n", t, st->text, sent, d);
}
