/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_projector.c - the view for a classroom: cards over the screen (the
 * lesson's introduction, a pause's question) and the projector layout.
 *
 * A card is closed by any key (tui.c); it is drawn over the screen as it
 * is, so closing it shows the same screen again. The projector layout is
 * for large fonts on 80x24 to 100x30: the narration wrapped in full across
 * the width, the layers pane with its sentence and RFC, one pane (the one
 * tab focuses), and every key in a two-line bar; nothing a class reads is
 * cut. Like every pane, pure functions of (model, state, size).
 * Called by: view_render(). Calls: the pane renderers.
 */
#include "ui/view.h"
#include "ui/view_printed.h"

#include <stdio.h>
#include <string.h>

#include "sim/scenario.h"
#include "sim/scenario_run.h"

#define BODY_MIN_H 6  /* shorter: header and key bar only (as view.c) */

/* A key and what it does, as the projector's bar shows it. */
struct proj_key {
    const char *key;
    const char *what;
};

/* ---- cards: the introduction, a pause ------------------------------------ */

#define CARD_MAX_W 76     /* a line a reader takes in at once */
#define CARD_LINES 48     /* more wrapped lines than any screen shows */
#define CARD_TEXT 2048    /* the text wrapped, newlines as blanks */

#define CARD_LINE_MAX 256  /* a wrapped line: the widest screen's pane */

struct card_lines {
    char line[CARD_LINES][CARD_LINE_MAX];
    int n;
    int printed_from;  /* narration: the first line ping or traceroute printed, or 0 */
};

static void
card_add(void *ctx, const char *line, size_t len)
{
    struct card_lines *cl = ctx;
    if (cl->n < CARD_LINES) {
        snprintf(cl->line[cl->n], sizeof cl->line[cl->n], "%.*s", (int)len, line);
        cl->n++;
    }
}

/* Wrap text to w columns: an `about` line break is a blank (the author broke
 * a sentence to fit the file), an empty `about ""` line starts a paragraph. */
static void
card_wrap(struct card_lines *cl, const char *text, int w)
{
    while (*text != '\0') {
        const char *end = strstr(text, "\n\n");
        size_t len = end != NULL ? (size_t)(end - text) : strlen(text);
        char para[CARD_TEXT];
        snprintf(para, sizeof para, "%.*s", (int)len, text);
        for (char *c = para; *c; c++)
            if (*c == '\n')
                *c = ' ';
        if (cl->n > 0)
            card_add(cl, "", 0);
        grid_wrap(para, w, card_add, cl);
        text += len;
        while (*text == '\n')
            text++;
    }
}

void
view_render_card(const struct view_model *m, const struct view_state *st,
                 const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    int w = r.w < CARD_MAX_W + 4 ? r.w : CARD_MAX_W + 4;
    int tw = w - 4;
    if (tw < 8 || r.h < 5)
        return;
    struct card_lines cl_buf = { .n = 0 };  /* 12 KiB */
    struct card_lines *cl = &cl_buf;
    const char *frame_title, *hint;
    if (st->card == VIEW_CARD_PAUSE) {
        const char *text = view_pause_text(m, st->card_step);
        char head[64];
        snprintf(head, sizeof head, "The lesson pauses here (step %zu).", st->card_step + 1);
        card_add(cl, head, strlen(head));
        if (text != NULL && text[0] != '\0') {
            card_add(cl, "", 0);
            grid_wrap(text, tw, card_add, cl);
        }
        frame_title = "pause";
        hint = "p plays on; any other key closes this";
    } else if (st->card == VIEW_CARD_ASK) {
        const struct scn_ask_args *a = &m->scn->steps[st->card_step].ask;
        char head[64];
        snprintf(head, sizeof head, "A question (step %zu). Predict, then reveal:",
                 st->card_step + 1);
        card_add(cl, head, strlen(head));
        card_add(cl, "", 0);
        grid_wrap(a->question, tw, card_add, cl);
        if (a->n_choices > 0)
            card_add(cl, "", 0);
        for (size_t i = 0; i < a->n_choices; i++) {
            char line[CARD_MAX_W + 8];
            snprintf(line, sizeof line, "%s %zu) %s",
                     st->card_choice == i + 1 ? ">" : " ", i + 1, a->choices[i]);
            grid_wrap(line, tw, card_add, cl);
        }
        /* the field a student types an answer into (tui.c key_ask_card) */
        char field[VIEW_ANSWER_LEN + 16];
        card_add(cl, "", 0);
        snprintf(field, sizeof field, "your answer: %s_", st->card_typed);
        grid_wrap(field, tw, card_add, cl);
        frame_title = "question";
        if (st->card_typed[0] != '\0')
            hint = "Enter checks your answer against the stack's; Backspace edits";
        else if (a->n_choices > 0)
            hint = "type an answer, or 1-9 picks a choice; r or Enter reveals; p plays on";
        else
            hint = "type an answer; r or Enter reveals the stack's; p plays on";
    } else if (st->card == VIEW_CARD_HALT) {
        /* what `netstep run` prints when the world halts (sim_halt) */
        char head[96];
        snprintf(head, sizeof head, "The world halted here, after event %zu:", st->cursor + 1);
        card_add(cl, head, strlen(head));
        card_add(cl, "", 0);
        grid_wrap(m->runner->sim.halt_msg, tw, card_add, cl);
        frame_title = "halted";
        hint = "the world ran no further; any key closes this";
    } else {
        const char *title = m->scn->title != NULL ? m->scn->title : m->scn->name;
        grid_wrap(title, tw, card_add, cl);
        card_wrap(cl, m->scn->about != NULL ? m->scn->about : "", tw);
        frame_title = "about this lesson";
        hint = "any key closes this; i shows it again";
    }
    card_add(cl, "", 0);
    card_add(cl, hint, strlen(hint));
    int h = cl->n + 2 < r.h ? cl->n + 2 : r.h;
    struct grid_rect box = { r.x + (r.w - w) / 2, r.y + (r.h - h) / 2, w, h };
    grid_fill(g, box, ' ', ROLE_NORMAL);
    grid_box(g, box, frame_title, ROLE_FOCUS, gl);
    /* the hint is the last row whatever is cut above it */
    int rows = h - 2;
    for (int i = 0; i < rows; i++) {
        int k = i == rows - 1 ? cl->n - 1 : i;
        enum grid_role role = k == cl->n - 1 ? ROLE_KEY : k == 0 ? ROLE_SELECTED : ROLE_NORMAL;
        if ((st->card == VIEW_CARD_PAUSE || st->card == VIEW_CARD_ASK) && k > 1 && k < cl->n - 1)
            role = ROLE_SAY;
        grid_text(g, box.x + 2, box.y + 1 + i, tw, cl->line[k], role);
    }
}

/* ---- the projector layout ----------------------------------------------- */

/* The projector layout: rows for the layers pane (its box, the host names,
 * five layer rows and the sentence), and the fewest for the focus pane. */
#define PROJ_LAYERS_H 9
#define PROJ_FOCUS_MIN_H 4
#define PROJ_SENTENCE_MAX 3  /* the layers pane's sentence, wrapped */
#define PROJ_KEYBAR_H 2

static void
narration_line(void *ctx, const char *line, size_t len)
{
    struct card_lines *cl = ctx;
    card_add(cl, line, len);
}

/* The narration in force, wrapped in full: the current step, then the
 * latest run of `say` steps up to it, or what a ping or traceroute after
 * those printed by the cursor's event (view_printed.h). Lines into cl, at
 * most w wide. */
static void
narration_lines(const struct view_model *m, const struct view_state *st,
                const struct view_printed *printed, int w, struct card_lines *cl)
{
    const struct scenario *scn = m->scn;
    if (m->n_steps == 0)
        return;
    size_t cur = vm_step_of(m, st->cursor);
    char head[CARD_TEXT];
    /* a `say` step is the narration below: its number only */
    if (scn->steps[cur].kind == SCN_STEP_SAY)
        snprintf(head, sizeof head, "step %zu/%zu", cur + 1, m->n_steps);
    else {
        char kept[CARD_TEXT];
        snprintf(head, sizeof head, "step %zu/%zu: %s", cur + 1, m->n_steps,
                 view_step_text(m, st, cur, kept, sizeof kept));
    }
    for (char *c = head; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    grid_wrap(head, w, narration_line, cl);
    size_t end = cur + 1, begin;
    while (end > 0 && scn->steps[end - 1].kind != SCN_STEP_SAY)
        end--;
    size_t idx[CARD_LINES], step;
    size_t n = view_printed_latest(printed, end, cur, st->cursor, idx, CARD_LINES, &step);
    if (n > 0)
        cl->printed_from = cl->n;
    for (size_t k = 0; k < n; k++)
        grid_wrap(printed->lines[idx[k]].text, w, narration_line, cl);
    if (end == 0 || n > 0)
        return;
    for (begin = end - 1; begin > 0 && scn->steps[begin - 1].kind == SCN_STEP_SAY;)
        begin--;
    view_wrap_says(scn, begin, end, w, narration_line, cl);
}

/* Rows the projector's narration pane needs (its box included). */
static int
narration_need(const struct view_model *m, const struct view_state *st,
               const struct view_printed *printed, int w)
{
    struct card_lines cl = { .n = 0 };
    narration_lines(m, st, printed, w - 4, &cl);
    return cl.n + 2;
}

static void
render_narration(const struct view_model *m, const struct view_state *st,
                 const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_box(g, r, "narration", ROLE_TITLE, gl);
    struct card_lines cl = { .n = 0 };
    narration_lines(m, st, o->printed, r.w - 4, &cl);
    int rows = r.h - 2;
    /* printed lines that do not all fit: the latest stay, as on a terminal */
    int skip = 0;
    if (cl.printed_from > 0 && cl.n > rows && rows > cl.printed_from) {
        skip = cl.n - rows;
        memmove(cl.line[cl.printed_from], cl.line[cl.printed_from + skip],
                (size_t)(cl.n - cl.printed_from - skip) * sizeof cl.line[0]);
        cl.n -= skip;
    }
    for (int i = 0; i < cl.n && i < rows; i++)
        grid_text(g, r.x + 2, r.y + 1 + i, r.w - 4, cl.line[i],
                  i == 0 ? ROLE_CURRENT : i >= cl.printed_from && cl.printed_from > 0 ? ROLE_NORMAL
                                                                                     : ROLE_SAY);
    /* cut short on a tiny screen: say so where the text stops */
    if (cl.n > rows && rows > 0)
        grid_put(g, r.x + r.w - 2, r.y + rows, o->utf8 ? 0x2026 : '~', ROLE_SAY);
}

/* The projector's key bar: every key, in pairs where a key has a reverse,
 * so that all fit in two lines of 80 columns. */
static const struct proj_key proj_keys[] = {
    { "space b", "event" }, { "s S", "step" },  { "p", "play" },
    { "[ ]", "speed" },     { "g G", "ends" },  { "tab", "pane" },
    { "/", "filter" },      { "t T", "TCP" },   { ":", "call" },
    { "@", "time" },        { "m '", "marks" }, { "c", "cause" },
    { "i", "intro" },       { "o", "OSI" },     { "P", "layout" },
    { "?", "help" },        { "q", "quit" },
};
#define N_PROJ_KEYS (sizeof proj_keys / sizeof proj_keys[0])

/* Lines the projector's keys take at width w with gap columns between. */
static int
keybar2_lines(int w, int gap)
{
    int x = 1, lines = 1;
    for (size_t i = 0; i < N_PROJ_KEYS; i++) {
        int need = (int)(strlen(proj_keys[i].key) + 1 + strlen(proj_keys[i].what));
        if (x + need > w) {
            lines++;
            x = 1;
        }
        x += need + gap;
    }
    return lines;
}

/* The key bar in two lines, every key whole: the second line takes what
 * the first has no room for; the gap between keys narrows to one column
 * when two do not leave room for all. */
static void
render_keybar2(struct grid *g, struct grid_rect r)
{
    grid_fill(g, r, ' ', ROLE_KEYBAR);
    int gap = keybar2_lines(r.w, 2) <= r.h ? 2 : 1;
    int x = r.x + 1, y = r.y;
    for (size_t i = 0; i < N_PROJ_KEYS; i++) {
        int need = (int)(strlen(proj_keys[i].key) + 1 + strlen(proj_keys[i].what));
        if (x + need > r.x + r.w && y + 1 < r.y + r.h) {
            y++;
            x = r.x + 1;
        }
        x += grid_text(g, x, y, r.w - (x - r.x), proj_keys[i].key, ROLE_KEY);
        x++;
        x += grid_text(g, x, y, r.w - (x - r.x), proj_keys[i].what, ROLE_KEYBAR);
        x += gap;
    }
}

void
view_render_projector(const struct view_model *m, const struct view_state *st,
                      const struct view_opts *o, struct grid *g)
{
    int W = g->w, H = g->h;
    int bar_y = H - PROJ_KEYBAR_H;
    struct grid_rect bar = { 0, bar_y, W, PROJ_KEYBAR_H };
    render_keybar2(g, bar);
    /* a line being typed, or the answer to the last key, takes the lower
     * line of the bar; an error is wrapped over both when it is long */
    struct grid_rect low = { 0, H - 1, W, 1 };
    if (st->cmd.active || st->cmd.msg[0] != '\0' || st->editing_filter) {
        grid_fill(g, low, ' ', ROLE_KEYBAR);
        view_render_keybar(st, g, low);
        if (!st->cmd.active && st->cmd.msg[0] != '\0' && (int)strlen(st->cmd.msg) > W - 2) {
            struct card_lines cl = { .n = 0 };
            grid_wrap(st->cmd.msg, W - 2, narration_line, &cl);
            grid_fill(g, bar, ' ', ROLE_KEYBAR);
            for (int i = 0; i < cl.n && i < PROJ_KEYBAR_H; i++)
                grid_text(g, 1, bar_y + i, W - 2, cl.line[i],
                          st->cmd.msg_error ? ROLE_DROP : ROLE_KEYBAR);
        }
    } else {
        view_render_jumpbar(m, st, g, low);
    }
    int bh = bar_y - 1;
    /* an open line's error (or completions) above it, wrapped whole: over
     * the bar's upper line, and the body's last rows when it needs more */
    if (st->cmd.active && st->cmd.msg[0] != '\0') {
        struct card_lines cl = { .n = 0 };
        grid_wrap(st->cmd.msg, W - 2, narration_line, &cl);
        int rows = cl.n < H - 2 ? cl.n : H - 2;
        for (int i = 0; i < rows; i++) {
            int y = H - 1 - rows + i;
            grid_fill(g, (struct grid_rect){ 0, y, W, 1 }, ' ', ROLE_NORMAL);
            grid_text(g, 1, y, W - 2, cl.line[i], st->cmd.msg_error ? ROLE_DROP : ROLE_NORMAL);
        }
        if (rows > 1)
            bh -= rows - 1;
    }
    if (bh < BODY_MIN_H)
        return;
    struct grid_rect body = { 0, 1, W, bh };
    if (st->help) {
        view_render_help(o, g, body);
        return;
    }
    if (st->card != VIEW_CARD_NONE) {
        struct view_state under = *st;
        under.card = VIEW_CARD_NONE;
        view_render_projector(m, &under, o, g);
        view_render_card(m, st, o, g, body);
        return;
    }
    /* The narration whole first; then the layers pane with its sentence
     * (the RFC at its end) on up to PROJ_SENTENCE_MAX lines; the focus
     * pane takes the rest, PROJ_FOCUS_MIN_H rows at the least. */
    int need = narration_need(m, st, o->printed, W);
    int sentence = view_layers_sentence_lines(m, st, W);
    sentence = sentence < 1 ? 1 : sentence > PROJ_SENTENCE_MAX ? PROJ_SENTENCE_MAX : sentence;
    int spare = bh - PROJ_FOCUS_MIN_H - need - (PROJ_LAYERS_H + sentence - 1);
    if (spare < 0)
        sentence = sentence + spare > 1 ? sentence + spare : 1;
    int lay_h = PROJ_LAYERS_H + sentence - 1;
    if (lay_h > bh - 3)
        lay_h = bh - 3;
    int nar_h = need;
    if (nar_h > bh - lay_h - PROJ_FOCUS_MIN_H)
        nar_h = bh - lay_h - PROJ_FOCUS_MIN_H;
    if (nar_h < 3)
        nar_h = 3;
    int focus_h = bh - lay_h - nar_h;
    render_narration(m, st, o, g, (struct grid_rect){ 0, 1, W, nar_h });
    view_render_layers(m, st, o, g, (struct grid_rect){ 0, 1 + nar_h, W, lay_h });
    if (focus_h < 3)
        return;
    struct grid_rect fr = { 0, 1 + nar_h + lay_h, W, focus_h };
    if (st->tcp_states)
        view_render_tcp_states(m, st, o, g, fr);
    else if (st->conn_table)
        view_render_conns(m, st, o, g, fr);
    else if (st->focus == PANE_PACKET)
        view_render_packet(m, st, o, g, fr);
    else if (st->focus == PANE_BYTES)
        view_render_bytes(m, st, o, g, fr);
    else if (st->focus == PANE_SOCKETS)
        view_render_sockets(m, st, o, g, fr);
    else
        view_render_events(m, st, o, g, fr);
}

