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

#include <stddef.h>

#include "ui/draw_model.h"

/* The output format a file name asks for: ".svg", ".pdf", ".png". */
enum draw_format { DRAW_FMT_NONE, DRAW_FMT_SVG, DRAW_FMT_PDF, DRAW_FMT_PNG };
enum draw_format draw_format_of(const char *path);

/* Write the picture to path. 0, or -1 with a sentence in err. */
int draw_render_ladder(const struct draw_ladder *l, const char *path, char *err, size_t err_len);
int draw_render_topo(const struct draw_topo *t, const char *path, char *err, size_t err_len);
/* Give back what cairo and fontconfig keep for the process's life (font
 * caches), once no picture is being drawn: a leak checker then sees none. */
void draw_render_done(void);
int draw_render_plot(const struct draw_conns *cs, enum draw_plot_kind kind, const char *path,
                     char *err, size_t err_len);

#endif
