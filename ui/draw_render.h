/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw_render.h - paint the ladder and the TCP plots with cairo, into an
 * SVG, PDF or PNG file chosen by the name's extension.
 *
 * One drawing code for three formats, with real text metrics. Figures are
 * printable in black and white (line styles and markers carry the meaning)
 * and use the Okabe-Ito palette, which colour-blind readers tell apart.
 */
#ifndef NETSTEP_UI_DRAW_RENDER_H
#define NETSTEP_UI_DRAW_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/draw_model.h"

/* The output format a file name asks for: ".svg", ".pdf", ".png". */
enum draw_format { DRAW_FMT_NONE, DRAW_FMT_SVG, DRAW_FMT_PDF, DRAW_FMT_PNG };
enum draw_format draw_format_of(const char *path);

/* Write the picture to path. 0, or -1 with a sentence in err. */
int draw_render_ladder(const struct draw_ladder *l, const char *path, char *err, size_t err_len);
int draw_render_topo(const struct draw_topo *t, const char *path, char *err, size_t err_len);
/* Where the ladder puts an arrow's label: a box turned by the arrow's angle
 * (radians, as cairo turns: y grows downwards), centred on (cx, cy), 2*hw
 * along the arrow and 2*hh across it, in the picture's points. A label that
 * would overlap one placed before it is slid along its arrow, then put
 * below it, and left off (shown false) when there is no room at all. */
struct draw_label_box {
    bool shown;
    double cx, cy;
    double angle;
    double hw, hh;
};
/* The label boxes of l's arrows, out[i] for l->arrows[i], exactly as
 * draw_render_ladder() draws them. 0, or -1 (memory). */
int draw_ladder_labels(const struct draw_ladder *l, struct draw_label_box *out);
/* Whether two label boxes overlap (separating axes). */
bool draw_label_boxes_overlap(const struct draw_label_box *a, const struct draw_label_box *b);

/* Give back what cairo and fontconfig keep for the process's life (font
 * caches), once no picture is being drawn: a leak checker then sees none. */
void draw_render_done(void);
int draw_render_plot(const struct draw_conns *cs, enum draw_plot_kind kind, const char *path,
                     char *err, size_t err_len);

#endif
