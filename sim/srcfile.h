/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * srcfile.h - reading a scenario file whole, with a bound.
 *
 * A scenario is text a person wrote: a few kilobytes. The reader refuses at
 * once what cannot be one, instead of reading until memory runs out or
 * waiting forever: a path that is not a regular file (a device such as
 * /dev/zero or /dev/urandom, a FIFO, a directory), and a file larger than
 * SRCFILE_MAX_LEN. A FIFO is opened without waiting for a writer, so
 * refusing it does not hang either.
 * Called by: scenario_read_file() (sim/scenario/file.c).
 */
#ifndef NETSTEP_SIM_SRCFILE_H
#define NETSTEP_SIM_SRCFILE_H

#include <stddef.h>

/* The largest scenario file read: 16 MiB, far above any lesson (the biggest
 * bundled one is a few kilobytes) and small enough to hold in memory. */
#define SRCFILE_MAX_LEN ((size_t)16 * 1024 * 1024)

/* Read the regular file at path, at most max_len bytes, into a fresh
 * NUL-terminated buffer the caller frees; *len gets its length. NULL with
 * why filled ("cannot open: ...", "not a regular file (a character device)",
 * "larger than 16 MiB, the most a scenario file may hold") otherwise. */
char *srcfile_read(const char *path, size_t max_len, size_t *len, char *why, size_t why_len);

#endif
