/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outfile.h - where a capture's bytes go, without replacing what the path
 * names.
 *
 * A capture path is resolved once, when it is opened:
 *
 *   "-"                 standard output, written as it is (for
 *                       `netstep run X --pcap - | tshark -r -`); refused
 *                       when standard output is a terminal.
 *   missing, or a       written as FILE.tmp in the same directory and
 *   regular file        renamed over FILE by outfile_finish(), so a run that
 *                       fails never leaves a half-written FILE behind.
 *   a symbolic link     followed (up to 40 links): what it points to is
 *                       treated as above, the link itself stays a link.
 *   a FIFO, a character written to as it is (opened without O_CREAT or
 *   device, a socket    O_TRUNC; no temporary file, no rename): a FIFO's
 *   or block device     reader, /dev/null, /dev/stdout's terminal or pipe.
 *   a directory         an error.
 *
 * The bytes go through a buffer of its own (outfile_reserve/commit): a
 * regular file takes them in writes of OUTFILE_BUFFER bytes, straight from
 * that buffer (a write per 4 KiB, what stdio does with a buffer it
 * allocates itself, cost a capture more CPU than the frames); a direct
 * output gets each record as it is committed, through stdio's own
 * buffering, so a live reader sees what it saw before.
 *
 * A regular file's disk blocks are reserved ahead of its writes,
 * OUTFILE_PREALLOC bytes at a time, with fallocate(FALLOC_FL_KEEP_SIZE):
 * the file's size stays what was written (a reader, or a run stopped at
 * any point, sees exactly the records written so far), and on ext4 a
 * write into reserved blocks costs the kernel a third less CPU than one
 * the file system must reserve page by page (docs/architecture.md,
 * "Capture"). What is left reserved past the end is given back when the
 * file is finished. A file system that cannot reserve (or has no room to)
 * is written plainly; tmpfs is never asked, since reserving there fills
 * memory pages before the bytes come, which costs more than it saves.
 *
 * Nothing here prints; errors come back as -errno with a sentence.
 */
#ifndef NETSTEP_SIM_OUTFILE_H
#define NETSTEP_SIM_OUTFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Room for an error sentence. */
#define OUTFILE_ERR_LEN 256
/* Symbolic links followed, at most (Linux's own limit for a path). */
#define OUTFILE_SYMLINKS_MAX 40
/* Bytes a regular file is written in, at most; a record reserved at once
 * must fit (a pcap or pcapng record of the largest frame does). */
#define OUTFILE_BUFFER (1u << 20)
/* Bytes of a regular file's disk blocks reserved at a time, ahead of its
 * writes (measured: 16 to 256 MiB cost the same; a step is sixty-four of
 * the writes above). */
#define OUTFILE_PREALLOC (64u << 20)

struct outfile {
    FILE *f;          /* where to write; NULL once closed */
    char *path;       /* as the user named it (for messages) */
    char *final_path; /* the regular file renamed into place, or NULL when direct */
    char *tmp_path;   /* final_path + ".tmp", or NULL when direct */
    bool direct;      /* written as it is: stdout, a FIFO, a device */
    unsigned char *buf; /* OUTFILE_BUFFER bytes not yet handed to f */
    size_t buf_len;   /* bytes in buf */
    int err;          /* first write error, an errno, or 0 */
    bool prealloc;    /* reserve disk blocks ahead of the writes (a regular
                         file not on tmpfs, until a reservation fails) */
    uint64_t written; /* bytes outfile_flush() handed to f */
    uint64_t prealloc_end; /* the file's blocks are reserved up to here */
    uint64_t write_cpu_ns; /* CPU time of the thread inside the writes to f:
                              the kernel's share of a capture (bench_tcp_bulk) */
};

/* Resolve path as above and open it for writing. Returns 0, or -errno with
 * why filled (nothing is left open or created). */
int outfile_open(struct outfile *o, const char *path, char *why, size_t why_len);

/* Room for n bytes (n <= OUTFILE_BUFFER) at the end of the buffer, which is
 * written out first if they do not fit. NULL when an earlier write failed
 * (o->err says why) or n is too large; nothing is written then. */
unsigned char *outfile_reserve(struct outfile *o, size_t n);

/* The n bytes reserved last are filled in: they are part of the file now
 * (a direct output is handed them at once). */
void outfile_commit(struct outfile *o, size_t n);

/* Hand the buffer to the file. Returns 0 or -errno (also kept in o->err). */
int outfile_flush(struct outfile *o);

/* Close o->f if still open (a caller that handed f to a library that
 * closed it sets o->f = NULL first). Then, for a regular file: ok renames
 * the temporary file over the real name, !ok removes it. Returns 0 or
 * -errno with why filled (a close or rename that failed). Safe twice. */
int outfile_finish(struct outfile *o, bool ok, char *why, size_t why_len);
/* (outfile_finish writes what is buffered first, and reports a write that
 * failed earlier as its error.) */

/* The name messages use: the path as given. */
const char *outfile_name(const struct outfile *o);

#endif
