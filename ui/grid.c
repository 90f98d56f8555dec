/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * grid.c - the character grid panes draw into (see grid.h).
 *
 * No curses here: a grid is data, so renderers stay pure and testable.
 */
#include "ui/grid.h"

#include <stdlib.h>
#include <string.h>

static const struct grid_glyphs glyphs_utf8 = {
    .h = 0x2500, .v = 0x2502, .tl = 0x250c, .tr = 0x2510, .bl = 0x2514, .br = 0x2518,
    .down = 0x2193, .up = 0x2191, .right = 0x2192, .left = 0x2190,
    .wire = 0x2550, .open = 0x25be, .closed = 0x25b8, .mark = 0x25b6,
};

static const struct grid_glyphs glyphs_ascii = {
    .h = '-', .v = '|', .tl = '+', .tr = '+', .bl = '+', .br = '+',
    .down = 'v', .up = '^', .right = '>', .left = '<',
    .wire = '=', .open = '-', .closed = '+', .mark = '>',
};

const struct grid_glyphs *
grid_glyphs(bool utf8)
{
    return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

int
grid_init(struct grid *g, int w, int h)
{
    memset(g, 0, sizeof *g);
    return grid_resize(g, w, h);
}

void
grid_free(struct grid *g)
{
    free(g->cells);
    g->cells = NULL;
    g->w = g->h = 0;
}

int
grid_resize(struct grid *g, int w, int h)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    struct grid_cell *c = realloc(g->cells, (size_t)w * (size_t)h * sizeof *c);
    if (c == NULL)
        return -1;
    g->cells = c;
    g->w = w;
    g->h = h;
    grid_clear(g);
    return 0;
}

void
grid_clear(struct grid *g)
{
    for (int i = 0; i < g->w * g->h; i++) {
        g->cells[i].ch = ' ';
        g->cells[i].role = ROLE_NORMAL;
    }
}

const struct grid_cell *
grid_at(const struct grid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return NULL;
    return &g->cells[y * g->w + x];
}

void
grid_put(struct grid *g, int x, int y, uint32_t ch, enum grid_role role)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return;
    g->cells[y * g->w + x].ch = ch;
    g->cells[y * g->w + x].role = (uint8_t)role;
}

/* The next code point of UTF-8 text s, advancing *s; malformed bytes are
 * U+FFFD, one byte each. */
static uint32_t
utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
          : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (n < 0) {
        *s += 1;
        return 0xfffd;
    }
    if (n == 0) {
        *s += 1;
        return c;
    }
    c &= 0x3fu >> n;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *s += 1;
            return 0xfffd;
        }
        c = (c << 6) | (p[i] & 0x3fu);
    }
    *s += n + 1;
    return c;
}

int
grid_text(struct grid *g, int x, int y, int max_w, const char *s, enum grid_role role)
{
    int col = 0;
    if (s == NULL)
        return 0;
    while (*s != '\0' && col < max_w) {
        uint32_t c = utf8_next(&s);
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (g->ascii && c >= 0x80))
            c = '?';
        grid_put(g, x + col, y, c, role);
        col++;
    }
    return col;
}

void
grid_paint(struct grid *g, int x, int y, int w, enum grid_role role)
{
    for (int i = 0; i < w; i++) {
        if (x + i >= 0 && x + i < g->w && y >= 0 && y < g->h)
            g->cells[y * g->w + x + i].role = (uint8_t)role;
    }
}

void
grid_fill(struct grid *g, struct grid_rect r, uint32_t ch, enum grid_role role)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            grid_put(g, x, y, ch, role);
}

void
grid_box(struct grid *g, struct grid_rect r, const char *title, enum grid_role title_role,
         const struct grid_glyphs *gl)
{
    if (r.w < 2 || r.h < 2)
        return;
    int x1 = r.x + r.w - 1, y1 = r.y + r.h - 1;
    for (int x = r.x + 1; x < x1; x++) {
        grid_put(g, x, r.y, gl->h, ROLE_BORDER);
        grid_put(g, x, y1, gl->h, ROLE_BORDER);
    }
    for (int y = r.y + 1; y < y1; y++) {
        grid_put(g, r.x, y, gl->v, ROLE_BORDER);
        grid_put(g, x1, y, gl->v, ROLE_BORDER);
    }
    grid_put(g, r.x, r.y, gl->tl, ROLE_BORDER);
    grid_put(g, x1, r.y, gl->tr, ROLE_BORDER);
    grid_put(g, r.x, y1, gl->bl, ROLE_BORDER);
    grid_put(g, x1, y1, gl->br, ROLE_BORDER);
    if (title != NULL && title[0] != '\0' && r.w > 6) {
        grid_put(g, r.x + 1, r.y, ' ', title_role);
        int n = grid_text(g, r.x + 2, r.y, r.w - 5, title, title_role);
        grid_put(g, r.x + 2 + n, r.y, ' ', title_role);
    }
}

/* Append code point c to buf as UTF-8; returns the new length. */
static size_t
utf8_put(char *buf, size_t len, size_t n, uint32_t c)
{
    char tmp[4];
    size_t k;
    if (c < 0x80) {
        tmp[0] = (char)c;
        k = 1;
    } else if (c < 0x800) {
        tmp[0] = (char)(0xc0 | (c >> 6));
        tmp[1] = (char)(0x80 | (c & 0x3f));
        k = 2;
    } else if (c < 0x10000) {
        tmp[0] = (char)(0xe0 | (c >> 12));
        tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (c & 0x3f));
        k = 3;
    } else {
        tmp[0] = (char)(0xf0 | (c >> 18));
        tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[3] = (char)(0x80 | (c & 0x3f));
        k = 4;
    }
    if (len + k < n) {
        memcpy(buf + len, tmp, k);
        return len + k;
    }
    return len;
}

/* Columns of row y up to the last non-blank cell. */
static int
row_used(const struct grid *g, int y)
{
    int end = g->w;
    while (end > 0 && g->cells[y * g->w + end - 1].ch == ' ')
        end--;
    return end;
}

size_t
grid_row_text(const struct grid *g, int y, char *buf, size_t n)
{
    size_t len = 0;
    if (n == 0)
        return 0;
    if (y >= 0 && y < g->h) {
        int end = row_used(g, y);
        for (int x = 0; x < end; x++)
            len = utf8_put(buf, len, n, g->cells[y * g->w + x].ch);
    }
    buf[len] = '\0';
    return len;
}

size_t
grid_row_roles(const struct grid *g, int y, char *buf, size_t n)
{
    size_t len = 0;
    if (n == 0)
        return 0;
    if (y >= 0 && y < g->h) {
        int end = row_used(g, y);
        for (int x = 0; x < end && len + 1 < n; x++) {
            int r = g->cells[y * g->w + x].role;
            buf[len++] = r == ROLE_NORMAL ? '.' : (char)('a' + r - 1);
        }
    }
    buf[len] = '\0';
    return len;
}

int
grid_wrap(const char *s, int w, void (*out)(void *ctx, const char *line, size_t len), void *ctx)
{
    int lines = 0;
    size_t width = w < 1 ? 1 : (size_t)w;
    while (*s != '\0') {
        while (*s == ' ')
            s++;
        if (*s == '\0')
            break;
        size_t len = strlen(s);
        size_t cut = len;
        if (len > width) {
            cut = width;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = width;
        }
        size_t shown = cut;
        while (shown > 0 && s[shown - 1] == ' ')
            shown--;
        out(ctx, s, shown);
        lines++;
        s += cut;
    }
    return lines;
}
