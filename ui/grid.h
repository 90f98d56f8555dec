/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * grid.h - a character grid: what every pane renderer draws into.
 *
 * A grid is a plain rectangle of cells, each a Unicode code point and a role
 * (what the cell shows: a border, a drop, the selected field...). Renderers
 * are pure functions that fill a grid; only tui_curses.c turns roles into
 * colours and cells into a screen, so every pane is testable without a
 * terminal: tests compare grid_row_text() with the expected string.
 * Every glyph is taken to be one column wide (box drawing, arrows, ASCII).
 */
#ifndef NETSTEP_UI_GRID_H
#define NETSTEP_UI_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell shows; the theme gives each role its colour and attributes. */
enum grid_role {
    ROLE_NORMAL,
    ROLE_BORDER,      /* pane frames */
    ROLE_TITLE,       /* a pane's title in its frame */
    ROLE_FOCUS,       /* the focused pane's title */
    ROLE_HEADER,      /* the top line */
    ROLE_KEYBAR,      /* the bottom line */
    ROLE_KEY,         /* a key name in the key bar or help */
    ROLE_SELECTED,    /* the selected event, step or field line */
    ROLE_CURRENT,     /* the current script step */
    ROLE_SAY,         /* narration */
    ROLE_DIM,         /* steps not reached, inactive layers */
    ROLE_DROP,        /* a dropped packet */
    ROLE_WIRE,        /* frames on the wire */
    ROLE_LAYER_APP,   /* colours by layer, as the bytes pane paints them */
    ROLE_LAYER_SOCK,
    ROLE_LAYER_L4,
    ROLE_LAYER_L3,
    ROLE_LAYER_L2,
    ROLE_FIELD,       /* the selected field's bytes */
    ROLE_CHANGED,     /* changed since the step began */
    ROLE_COUNT
};

struct grid_cell {
    uint32_t ch;   /* code point */
    uint8_t role;  /* enum grid_role */
};

struct grid {
    int w;                    /* columns */
    int h;                    /* rows */
    struct grid_cell *cells;  /* w * h, row by row */
    bool ascii;               /* text outside ASCII shows as '?' */
};

struct grid_rect {
    int x;  /* left column */
    int y;  /* top row */
    int w;  /* columns */
    int h;  /* rows */
};

/* The glyphs frames and arrows are drawn with: Unicode or plain ASCII. */
struct grid_glyphs {
    uint32_t h, v, tl, tr, bl, br;  /* lines and corners */
    uint32_t down, up, right, left; /* arrows */
    uint32_t wire;                  /* a link between two hosts */
    uint32_t open, closed;          /* an expanded / collapsed layer */
    uint32_t mark;                  /* the current step */
};

const struct grid_glyphs *grid_glyphs(bool utf8);

/* 0, or -1 when memory runs out. The grid starts blank (spaces, NORMAL). */
int grid_init(struct grid *g, int w, int h);
void grid_free(struct grid *g);
/* Resize (contents are cleared). 0 or -1. */
int grid_resize(struct grid *g, int w, int h);
void grid_clear(struct grid *g);

const struct grid_cell *grid_at(const struct grid *g, int x, int y);
/* Set one cell; outside the grid is ignored. */
void grid_put(struct grid *g, int x, int y, uint32_t ch, enum grid_role role);
/* Write UTF-8 text from (x, y), at most max_w columns, clipped to the grid.
 * Control characters show as '?'; so does non-ASCII text when g->ascii.
 * Returns the columns written. */
int grid_text(struct grid *g, int x, int y, int max_w, const char *s, enum grid_role role);
/* Change the role of w cells from (x, y). */
void grid_paint(struct grid *g, int x, int y, int w, enum grid_role role);
void grid_fill(struct grid *g, struct grid_rect r, uint32_t ch, enum grid_role role);
/* A frame around r with title (may be NULL) in its top edge. */
void grid_box(struct grid *g, struct grid_rect r, const char *title, enum grid_role title_role,
              const struct grid_glyphs *gl);

/* Row y as UTF-8, trailing blanks removed, into buf (NUL-terminated). Returns
 * the length written. */
size_t grid_row_text(const struct grid *g, int y, char *buf, size_t n);
/* Row y's roles, one letter a cell ('.' NORMAL, 'a' + role - 1 for the rest),
 * cut where grid_row_text() cuts, for tests that check colours. */
size_t grid_row_roles(const struct grid *g, int y, char *buf, size_t n);
/* Word-wrap s into lines of at most w columns: calls out(ctx, line, len) per
 * line and returns the count. Words longer than w are cut. */
int grid_wrap(const char *s, int w, void (*out)(void *ctx, const char *line, size_t len),
              void *ctx);

#endif
