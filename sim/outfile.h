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
 * Nothing here prints; errors come back as -errno with a sentence.
 */
#ifndef NETSTEP_SIM_OUTFILE_H
#define NETSTEP_SIM_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

/* Room for an error sentence. */
#define OUTFILE_ERR_LEN 256
/* Symbolic links followed, at most (Linux's own limit for a path). */
#define OUTFILE_SYMLINKS_MAX 40

struct outfile {
    FILE *f;          /* where to write; NULL once closed */
    char *path;       /* as the user named it (for messages) */
    char *final_path; /* the regular file renamed into place, or NULL when direct */
    char *tmp_path;   /* final_path + ".tmp", or NULL when direct */
    bool direct;      /* written as it is: stdout, a FIFO, a device */
};

/* Resolve path as above and open it for writing. Returns 0, or -errno with
 * why filled (nothing is left open or created). */
int outfile_open(struct outfile *o, const char *path, char *why, size_t why_len);

/* Close o->f if still open (a caller that handed f to a library that
 * closed it sets o->f = NULL first). Then, for a regular file: ok renames
 * the temporary file over the real name, !ok removes it. Returns 0 or
 * -errno with why filled (a close or rename that failed). Safe twice. */
int outfile_finish(struct outfile *o, bool ok, char *why, size_t why_len);

/* The name messages use: the path as given. */
const char *outfile_name(const struct outfile *o);

#endif
