/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw.h - `netstep draw`: the lesson's pictures as files.
 *
 *   netstep draw ladder|timeseq|cwnd|rtt FILE -o OUT.svg|.pdf|.png
 *                [--seed N] [--from T] [--to T] [--hosts a,b] [--conn HOST[:PORT]]
 *                [--say] [--csv]
 *
 * Runs the scenario as `run` does, with the event log attached, and draws
 * from the log (docs/pictures.md).
 */
#ifndef NETSTEP_UI_DRAW_H
#define NETSTEP_UI_DRAW_H

/* argv[0] is "draw". Exit status: 0, or 2 for a usage or scenario error. */
int draw_main(int argc, char **argv);

#endif
