/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capture.h - the captures a run asked for: one file for the whole run, one
 * per link, or both; classic pcap or pcapng.
 *
 *   file  every frame of every link in one file. Classic pcap through libpcap
 *         (sim/pcap_sink.h), or pcapng (sim/pcapng_sink.h) when the name ends
 *         in ".pcapng" or `pcapng` is set: then each link is an interface of
 *         its own (if_name = the link's name, if_description = its two ends)
 *         and each frame carries a comment saying what caused it.
 *   dir   one file per link, DIR/LINK.pcap (DIR/LINK.pcapng with `pcapng`),
 *         holding exactly the frames that crossed that link. LINK is the
 *         link's name ("alice-r1", "alice-sw1"; a second link between the same
 *         pair is "alice-bob/2", whose file is "alice-bob_2.pcap": every
 *         character other than a letter, digit, '.', '-' or '_' becomes '_').
 *         Every link of the world gets its file, even one no frame crossed;
 *         a TAP device's frames ("alice-tap0") get theirs when the first
 *         comes. DIR is created if it does not exist (one level).
 *         Besides, one file per host interface on a link, DIR/HOST-IF.pcap
 *         ("alice-eth0.pcap", "r1-eth1.pcap"): that interface's own view,
 *         as tcpdump -i eth0 on the host would record it. A frame it sent
 *         is recorded as it leaves (when it enters the wire, the time the
 *         link file has too); a frame it received as it arrives, after the
 *         link's delay, loss and corruption: a frame lost on the link is
 *         in the sender's file only, a corrupted one shows its damage (a
 *         bad checksum) in the receiver's; a duplicate made by the link is
 *         received twice but was sent once. A frame whose Ethernet FCS is
 *         bad (`corrupt` on a non-IPv4 frame, or `corrupt ... l2`) is
 *         discarded by the receiving NIC before tcpdump could see it, so it
 *         is in the sender's file only. With pcapng each such file has one
 *         interface block, named HOST-IF and described by the host, the
 *         interface, its address and its link. Frames a host sends itself
 *         are in DIR/HOST-lo.pcap (made when the first comes).
 *         The link file is the wire's view: every frame that entered it,
 *         at the moment it entered, as the sender sent it.
 *
 * A frame's comment (pcapng only) reads
 *     #7: sendto() step 4, line 12: alice sendto s bob:7 "hi"
 *     #9: ARP retry timer
 *     #10: arrival of #7
 * that is: the frame's packet id (as the trace prints it), then its cause:
 * the scenario step and the line that made the call, the timer that fired,
 * or the packet whose arrival made the stack send it (see log_format_cause).
 *
 * Each file is written as NAME.tmp and renamed by capture_close(), so a file
 * that failed is never left half-written under its real name.
 */
#ifndef NETSTEP_SIM_CAPTURE_H
#define NETSTEP_SIM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/pcap_sink.h"
#include "sim/pcapng_sink.h"
#include "stack/trace.h"

struct scenario;
struct sim;

#define CAPTURE_ERR_LEN 400

struct capture_opts {
    const char *file;  /* one file for every link, or NULL */
    const char *dir;   /* one file per link in this directory, or NULL */
    bool pcapng;       /* pcapng for both (a file ending in .pcapng is pcapng anyway) */
    const char *appl;  /* the pcapng shb_userappl, "netstep 0.1.0"; NULL for none */
};

/* One output file. */
struct capture_file {
    char *where;                 /* the link it keeps, or NULL for every link */
    const struct iface *ifc;     /* a host interface's own file (where = "HOST-IF"), or NULL */
    bool ng;                     /* pcapng (else classic pcap) */
    union {
        struct pcap_sink pcap;   /* !ng */
        struct pcapng_sink ng;   /* ng */
    } u;
};

/* Recent transmits whose causes a looped-back frame can find. */
#define CAPTURE_TX_CAUSES 256u

struct capture {
    struct trace_sink sink;       /* what capture_attach() subscribes */
    struct trace *tr;             /* the bus it is attached to, or NULL */
    const struct scenario *scn;   /* for the comments' step lines (may be NULL) */
    struct capture_file **files;  /* each malloc'd: the sinks point at themselves */
    size_t n_files;               /* entries of files */
    size_t cap_files;             /* slots in files */
    char *dir;                    /* per-link directory, or NULL */
    bool dir_ng;                  /* per-link files are pcapng */
    const char *appl;             /* shb_userappl (not owned) */
    int err;                      /* first error, -ERR_*, or 0 */
    char errmsg[CAPTURE_ERR_LEN]; /* "FILE: why", "" if none */
    /* The cause of each recent Ethernet transmit, by packet id modulo the
     * size: a frame looped back on lo is recorded as it comes back in, and
     * its comment tells why it was sent, not that it arrived. */
    struct capture_tx_cause {
        uint64_t pkt_id;
        const struct host *host;  /* the host whose Ethernet layer sent it */
        struct trace_cause cause;
    } tx_causes[CAPTURE_TX_CAUSES];
    struct sim *sim;              /* the world (its links, its clock, on_host_rx) */
    size_t n_iface_files;         /* files of host interfaces among files */
    uint64_t write_cpu_ns;        /* after capture_close(): CPU time inside the files'
                                     writes (sim/outfile.h), for bench_tcp_bulk */
};

/* Open the files o asks for, naming the links of s; scn (may be NULL) gives
 * comments their step lines and must outlive the capture. Returns 0, or
 * -ERR_* with nothing left open or behind (message in capture_error()). */
int capture_open(struct capture *c, struct sim *s, const struct scenario *scn,
                 const struct capture_opts *o);

/* Subscribe to tr and, for the host interfaces' files, to the world's
 * frame arrivals (sim.on_host_rx). */
void capture_attach(struct capture *c, struct trace *tr);
void capture_detach(struct capture *c);

/* Detach, then close every file: one written without error is renamed to
 * its real name, one that failed is removed. Returns 0 or the first error. */
int capture_close(struct capture *c);

/* Detach and remove every file without producing any. */
void capture_abort(struct capture *c);

const char *capture_error(const struct capture *c);

/* The file name a link gets in a capture directory: name with every
 * character other than [A-Za-z0-9._-] replaced by '_', then ext. */
void capture_link_file_name(const char *link_name, const char *ext, char *buf, size_t n);

/* The comment capture puts on a frame (see above): scn may be NULL.
 * Returns its length, strlen(buf). */
size_t capture_format_comment(const struct scenario *scn, const struct trace_event *ev, char *buf,
                              size_t n);

#endif
