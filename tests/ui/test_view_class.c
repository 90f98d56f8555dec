/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_view_class.c - the view in a classroom: a `pause` stops play (and a
 * live script), the lesson's introduction as a card, the projector layout
 * with the narration whole at 80x24, the OSI / TCP/IP key, and the screen
 * agreeing with the lesson (fragment fields in the units the header holds,
 * the state diagram lighting the transition the log names).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/grid.h"
#include "ui/tui.h"
#include "ui/view.h"
#include "ui/view_model.h"

static const struct view_opts utf8_opts = { .utf8 = true };
static const struct view_opts ascii_opts = { .utf8 = false };

/* A small lesson with two pauses, one with text and one without, and a
 * step between them that logs events of its own. */
static const char pause_lesson[] =
    "title \"pauses\"\n"
    "host alice 192.0.2.1/24\n"
    "host bob   192.0.2.2/24\n"
    "link alice bob delay 1ms\n"
    "bob: s = socket udp\n"
    "bob: bind s 7\n"
    "pause \"Ask the class: what will alice send first?\"\n"
    "alice: c = socket udp\n"
    "alice: sendto c bob:7 \"hi\"\n"
    "pause\n"
    "bob: recv s 64 -> d\n"
    "expect d == \"hi\"\n";

static struct scenario *
build_text(struct view_model *vm, const char *text)
{
    struct scn_diag diag;
    struct scenario *s = scenario_parse_string("pauses.scn", text, &diag);
    ck_assert_msg(s != NULL, "%s", diag.first);
    char err[256];
    ck_assert_int_eq(view_model_build(vm, s, false, 0, err, sizeof err), 0);
    return s;
}

static struct scenario *
build_lesson(struct view_model *vm, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, rel);
    struct scn_diag diag;
    struct scenario *s = scenario_parse_file(path, &diag);
    ck_assert_msg(s != NULL, "%s", diag.first);
    char err[256];
    ck_assert_int_eq(view_model_build(vm, s, false, 0, err, sizeof err), 0);
    return s;
}

/* Row y of g as text. */
static const char *
row(const struct grid *g, int y)
{
    static char buf[4][2048];
    static int k;
    k = (k + 1) % 4;
    grid_row_text(g, y, buf[k], sizeof buf[k]);
    return buf[k];
}

/* The whole screen as one string, rows joined by '\n'. */
static void
screen_text(const struct grid *g, char *out, size_t n)
{
    out[0] = '\0';
    for (int y = 0; y < g->h; y++) {
        strncat(out, row(g, y), n - strlen(out) - 1);
        strncat(out, "\n", n - strlen(out) - 1);
    }
    if (getenv("TEST_VIEW_DUMP") != NULL)
        fprintf(stderr, "%s\n", out);
}

/* The index of the first step of kind k at or after step from. */
static size_t
step_of_kind(const struct scenario *s, enum scn_step_kind k, size_t from)
{
    for (size_t i = from; i < s->n_steps; i++)
        if (s->steps[i].kind == k)
            return i;
    ck_abort_msg("no step of kind %d", (int)k);
    return 0;
}

/* ---- pause ----------------------------------------------------------------- */

/* Play runs up to a pause and stops there, the pause's text on a card;
 * p plays on past it (not stopping at the same pause again) to the next
 * pause; the last one without text still stops play. */
START_TEST(test_play_stops_at_each_pause)
{
    struct view_model vm;
    struct scenario *s = build_text(&vm, pause_lesson);
    size_t p1 = step_of_kind(s, SCN_STEP_PAUSE, 0), p2 = step_of_kind(s, SCN_STEP_PAUSE, p1 + 1);
    struct view_state st;
    view_state_init(&st);
    ck_assert(view_key(&vm, &st, 'p'));
    ck_assert(st.playing);
    for (int i = 0; i < 1000 && st.playing; i++)
        view_key(&vm, &st, VK_TICK);
    ck_assert(!st.playing);
    ck_assert_int_eq(st.card, VIEW_CARD_PAUSE);
    ck_assert_uint_eq(st.card_step, p1);
    /* stopped on the pause itself, not past it */
    ck_assert_uint_eq(vm_step_of(&vm, st.cursor), p1);
    ck_assert_uint_lt(st.cursor, vm.step_start[p1 + 1]);

    struct grid g;
    grid_init(&g, 80, 24);
    char all[80 * 24 * 4];
    view_render(&vm, &st, &utf8_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "Ask the class: what will alice send first?"));
    ck_assert_ptr_nonnull(strstr(all, "p plays on"));
    /* ticks while the card is up do nothing */
    size_t at = st.cursor;
    view_key(&vm, &st, VK_TICK);
    ck_assert_uint_eq(st.cursor, at);

    ck_assert(view_key(&vm, &st, 'p'));
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    ck_assert(st.playing);
    for (int i = 0; i < 1000 && st.playing; i++)
        view_key(&vm, &st, VK_TICK);
    ck_assert_int_eq(st.card, VIEW_CARD_PAUSE);
    ck_assert_uint_eq(st.card_step, p2);
    ck_assert_ptr_null(view_pause_text(&vm, p2));
    grid_clear(&g);
    view_render(&vm, &st, &utf8_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "The lesson pauses here"));

    /* any other key closes the card without playing on */
    ck_assert(view_key(&vm, &st, 'x'));
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    ck_assert(!st.playing);
    ck_assert(view_key(&vm, &st, 'p'));
    for (int i = 0; i < 1000 && st.playing; i++)
        view_key(&vm, &st, VK_TICK);
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    ck_assert_uint_eq(st.cursor, vm.n_events - 1);
    /* stepping by hand passes a pause without a card: only play stops */
    st.cursor = 0;
    view_key(&vm, &st, 's');
    view_key(&vm, &st, 's');
    view_key(&vm, &st, 's');
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* view_pause_between() names the pause the cursor entered, also when a
 * filter makes the cursor jump over the pause's own events. */
START_TEST(test_pause_between_finds_a_jumped_pause)
{
    struct view_model vm;
    struct scenario *s = build_text(&vm, pause_lesson);
    size_t p1 = step_of_kind(s, SCN_STEP_PAUSE, 0);
    ck_assert_uint_eq(view_pause_between(&vm, 0, vm.n_events - 1), p1);
    ck_assert_uint_eq(view_pause_between(&vm, vm.step_start[p1], vm.step_start[p1]), SIZE_MAX);
    ck_assert_uint_eq(view_pause_between(&vm, vm.step_start[p1] - 1, vm.step_start[p1]), p1);
    ck_assert_uint_eq(view_pause_between(&vm, 5, 3), SIZE_MAX);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* Live, the script waits at a pause: the session runs no further step
 * until the card is closed. */
START_TEST(test_live_script_waits_at_a_pause)
{
    struct scn_diag diag;
    struct scenario *s = scenario_parse_string("pauses.scn", pause_lesson, &diag);
    ck_assert_msg(s != NULL, "%s", diag.first);
    struct view_model vm;
    char err[256];
    ck_assert_int_eq(view_model_open(&vm, s, false, 0, err, sizeof err), 0);
    struct tui_session ss = { .m = &vm, .scn = s, .first_live = s->n_steps };
    struct view_state st;
    view_state_init(&st);
    size_t p1 = step_of_kind(s, SCN_STEP_PAUSE, 0);
    for (int i = 0; i < 100 && st.card == VIEW_CARD_NONE && vm.n_steps < s->n_steps; i++)
        tui_session_pump(&ss, &st);
    ck_assert_int_eq(st.card, VIEW_CARD_PAUSE);
    ck_assert_uint_eq(st.card_step, p1);
    ck_assert_uint_eq(vm.n_steps, p1 + 1);
    for (int i = 0; i < 10; i++)
        tui_session_pump(&ss, &st);
    ck_assert_uint_eq(vm.n_steps, p1 + 1);  /* held */
    view_key(&vm, &st, 'p');
    tui_session_pump(&ss, &st);
    ck_assert_uint_eq(vm.n_steps, p1 + 2);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* ---- the introduction ------------------------------------------------------ */

/* The lesson opens with its title and every word of its `about` text on a
 * card at 80x24; a key closes it without doing anything else; i shows it
 * again. */
START_TEST(test_title_card_shows_the_whole_about)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    ck_assert_ptr_nonnull(s->about);
    struct view_state st;
    view_state_open(&vm, &st);
    ck_assert_int_eq(st.card, VIEW_CARD_ABOUT);
    struct grid g;
    grid_init(&g, 80, 24);
    view_render(&vm, &st, &utf8_opts, &g);
    char all[80 * 24 * 4];
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "about this lesson"));
    ck_assert_ptr_nonnull(strstr(all, s->title));
    /* every word of the about text, in order */
    char words[2048];
    snprintf(words, sizeof words, "%s", s->about);
    const char *from = all;
    for (char *w = strtok(words, " \n"); w != NULL; w = strtok(NULL, " \n")) {
        const char *at = strstr(from, w);
        ck_assert_msg(at != NULL, "the card lacks '%s'", w);
        from = at + strlen(w);
    }
    ck_assert(view_key(&vm, &st, 's'));
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    ck_assert_uint_eq(st.cursor, 0);  /* the key only closed the card */
    view_key(&vm, &st, 'i');
    ck_assert_int_eq(st.card, VIEW_CARD_ABOUT);
    ck_assert(!view_key(&vm, &st, 'q'));  /* q still quits */
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);

    /* a lesson without `about`: no card, and i says why */
    s = build_text(&vm, pause_lesson);
    view_state_open(&vm, &st);
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    view_key(&vm, &st, 'i');
    ck_assert_int_eq(st.card, VIEW_CARD_NONE);
    ck_assert_ptr_nonnull(strstr(st.note, "no introduction"));
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* ---- the projector layout -------------------------------------------------- */

/* Whether every word of text appears in order from *from (moved past it). */
static bool
words_in_order(const char *text, const char **from)
{
    char words[1024];
    snprintf(words, sizeof words, "%s", text);
    const char *p = *from;
    for (char *w = strtok(words, " "); w != NULL; w = strtok(NULL, " ")) {
        const char *at = strstr(p, w);
        if (at == NULL)
            return false;
        p = at + strlen(w);
    }
    *from = p;
    return true;
}

/* At 80x24 and 100x30 in the projector layout, at every step of the
 * handshake lesson, the narration in force is on screen whole (every word,
 * no cut mark), with the layers pane and every key in the two-line bar. */
START_TEST(test_projector_shows_every_narration_whole)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    static const int sizes[][2] = { { 80, 24 }, { 100, 30 } };
    for (size_t z = 0; z < 2; z++) {
        struct grid g;
        grid_init(&g, sizes[z][0], sizes[z][1]);
        for (size_t k = 0; k < vm.n_steps; k++) {
            if (s->steps[k].kind != SCN_STEP_SAY)
                continue;
            struct view_state st;
            view_state_init(&st);
            st.projector = true;
            st.cursor = vm.step_start[k];
            grid_clear(&g);
            view_render(&vm, &st, &utf8_opts, &g);
            char all[100 * 30 * 4];
            screen_text(&g, all, sizeof all);
            /* the narration pane: from row 1 to its bottom edge */
            char nar[100 * 30 * 4] = "";
            for (int y = 2; y < g.h && strncmp(row(&g, y), "└", 3) != 0; y++) {
                strcat(nar, row(&g, y));
                strcat(nar, "\n");
            }
            ck_assert_msg(strstr(nar, "\xe2\x80\xa6") == NULL, "a cut mark at step %zu:\n%s",
                          k + 1, nar);
            /* the run of says ending at k, in order, whole */
            size_t b = k;
            while (b > 0 && s->steps[b - 1].kind == SCN_STEP_SAY)
                b--;
            const char *from = nar;
            for (size_t i = b; i <= k; i++)
                ck_assert_msg(words_in_order(s->steps[i].say.text, &from),
                              "%dx%d step %zu: narration cut: %s", g.w, g.h, k + 1,
                              s->steps[i].say.text);
            /* narration rows are inside the narration box, not cut by it */
            ck_assert_ptr_nonnull(strstr(row(&g, 1), "narration"));
            ck_assert_ptr_nonnull(strstr(all, "layers"));
            /* every key in the bar's two lines */
            char bar[600];
            snprintf(bar, sizeof bar, "%s\n%s", row(&g, g.h - 2), row(&g, g.h - 1));
            static const char *const need[] = { "space b event", "s S step", "p play",
                                                "[ ] speed",     "g G ends", "tab pane",
                                                "/ filter",      "t T TCP",  ": call",
                                                "@ time",        "m ' marks", "c cause", "i intro",
                                                "o OSI",         "P layout", "? help",
                                                "q quit" };
            for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
                ck_assert_msg(strstr(bar, need[i]) != NULL, "%dx%d: bar lacks '%s':\n%s", g.w,
                              g.h, need[i], bar);
        }
        grid_free(&g);
    }
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* P toggles the layout; tab changes which one pane it shows. */
START_TEST(test_projector_key_and_one_pane)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    struct view_state st;
    view_state_init(&st);
    view_key(&vm, &st, 'P');
    ck_assert(st.projector);
    struct grid g;
    grid_init(&g, 80, 24);
    char all[80 * 24 * 4];
    view_render(&vm, &st, &utf8_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "┌ events"));
    ck_assert_ptr_null(strstr(all, "┌ packet"));
    ck_assert_ptr_null(strstr(all, "┌ script"));
    view_key(&vm, &st, VK_TAB);
    grid_clear(&g);
    view_render(&vm, &st, &utf8_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "┌ packet"));
    ck_assert_ptr_null(strstr(all, "┌ events"));
    view_key(&vm, &st, 'P');
    ck_assert(!st.projector);
    grid_clear(&g);
    view_render(&vm, &st, &utf8_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "┌ script"));
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* ---- layer names ----------------------------------------------------------- */

/* o switches the layers pane between TCP/IP and OSI names, whichever the
 * command line chose; ? shows the two models side by side. */
START_TEST(test_o_toggles_the_layer_model)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "udp/echo.scn");
    struct view_state st;
    view_state_init(&st);
    struct grid g;
    grid_init(&g, 100, 30);
    char all[100 * 30 * 4];
    view_render(&vm, &st, &ascii_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_null(strstr(all, "5 Session"));
    ck_assert_ptr_nonnull(strstr(all, "|Socket"));
    view_key(&vm, &st, 'o');
    grid_clear(&g);
    view_render(&vm, &st, &ascii_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "5 Session"));
    ck_assert_ptr_nonnull(strstr(all, "layers (OSI)"));
    /* from --model osi, o goes back to TCP/IP */
    struct view_opts osi = { .utf8 = false, .osi = true };
    grid_clear(&g);
    view_render(&vm, &st, &osi, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_null(strstr(all, "5 Session"));
    /* the help screen: both, aligned column for column */
    view_key(&vm, &st, '?');
    grid_clear(&g);
    view_render(&vm, &st, &ascii_opts, &g);
    int y_tcpip = -1, y_osi = -1;
    for (int y = 0; y < g.h; y++) {
        if (strstr(row(&g, y), "TCP/IP  App"))
            y_tcpip = y;
        if (strstr(row(&g, y), "OSI     7-6 App"))
            y_osi = y;
    }
    ck_assert_int_ge(y_tcpip, 0);
    ck_assert_int_eq(y_osi, y_tcpip + 1);
    const char *a = row(&g, y_tcpip), *b = row(&g, y_osi);
    ck_assert_int_eq(strstr(a, "Transport") - a, strstr(b, "4 Transport") - b);
    ck_assert_int_eq(strstr(a, "Link") - a, strstr(b, "2-1 Link") - b);
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* ---- the screen agrees with the lesson ------------------------------------- */

/* The fragmentation lesson teaches "offset in units of 8 bytes": the packet
 * pane shows the flags by name and the offset as the field holds it, with
 * the byte beside (it printed "flags -+MF" and the offset in bytes). */
START_TEST(test_fragment_offset_in_units_of_8)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "ip/fragmentation.scn");
    struct record_event ev;
    int with_mf = 0, later = 0;
    for (size_t i = 0; vm_event(&vm, i, &ev); i++) {
        if (ev.kind != TRACE_WIRE || ev.bytes == NULL)
            continue;
        struct pkt_line lines[PKT_LINES_MAX];
        int n = view_decode(&ev, lines, PKT_LINES_MAX);
        for (int k = 0; k < n; k++) {
            if (strncmp(lines[k].text, "flags ", 6) != 0 || lines[k].layer != PL_NET)
                continue;
            ck_assert_ptr_null(strstr(lines[k].text, "+MF"));
            char flags[16];
            unsigned units, byte;
            ck_assert_msg(sscanf(lines[k].text, "flags %15[A-Z a-z], offset %u (x 8 = byte %u)",
                                 flags, &units, &byte) == 3,
                          "[%s]", lines[k].text);
            ck_assert_uint_eq(byte, units * 8);
            /* the field's own bits: the 13-bit offset */
            const uint8_t *f = ev.bytes + lines[k].off;
            ck_assert_uint_eq(units, ((unsigned)(f[0] & 0x1f) << 8) | f[1]);
            bool mf = (f[0] & 0x20) != 0, df = (f[0] & 0x40) != 0;
            ck_assert_int_eq(strstr(flags, "MF") != NULL, mf);
            ck_assert_int_eq(strstr(flags, "DF") != NULL, df);
            with_mf += mf;
            later += units > 0;
        }
    }
    ck_assert_int_gt(with_mf, 0);
    ck_assert_int_gt(later, 0);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* The log says bob's new connection went CLOSED -> SYN_RECEIVED (a new TCB
 * made by the listener); the diagram lit CLOSED and SYN_RECEIVED with no
 * arc between them. It must light the arc that transition is drawn as,
 * LISTEN -> SYN_RECEIVED, and say so next to the log's words. */
START_TEST(test_state_diagram_draws_the_listener_arc)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    struct record_event ev;
    size_t at = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev); i++)
        if (ev.kind == TRACE_STATE && strcmp(ev.where, "bob") == 0 &&
            strncmp(ev.text, "CLOSED -> SYN_RECEIVED", 22) == 0) {
            at = i;
            break;
        }
    ck_assert_uint_ne(at, SIZE_MAX);
    struct view_state st;
    view_state_init(&st);
    st.cursor = at;
    static const int widths[] = { 100, 80 };
    for (size_t z = 0; z < 2; z++) {
        int w = widths[z];
        struct grid g;
        grid_init(&g, w, 22);
        view_render_tcp_states(&vm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, w, 22 });
        ck_assert_ptr_nonnull(strstr(row(&g, 1), "bob: CLOSED -> SYN_RECEIVED"));
        ck_assert_ptr_nonnull(strstr(row(&g, 2), "LISTEN -> SYN_RECEIVED arc"));
        /* the row with LISTEN and SYN_RECEIVED: both lit, the arc's ends */
        int y = -1;
        for (int k = 3; k < g.h; k++)
            if (strstr(row(&g, k), "LISTEN") && strstr(row(&g, k), "SYN_RECEIVED"))
                y = k;
        ck_assert_int_ge(y, 0);
        const char *line = row(&g, y);
        char roles[256];
        grid_row_roles(&g, y, roles, sizeof roles);
        ck_assert_int_eq(roles[strstr(line, "LISTEN") - line], 'a' + ROLE_CHANGED - 1);
        ck_assert_int_eq(roles[strstr(line, "SYN_RECEIVED") - line], 'a' + ROLE_SELECTED - 1);
        /* no CLOSED anywhere is lit as the state left */
        for (int k = 3; k < g.h; k++) {
            const char *l = row(&g, k);
            grid_row_roles(&g, k, roles, sizeof roles);
            for (const char *c = strstr(l, "CLOSED"); c != NULL; c = strstr(c + 1, "CLOSED"))
                ck_assert_int_ne(roles[c - l], 'a' + ROLE_CHANGED - 1);
        }
        grid_free(&g);
    }
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* ---- connections ----------------------------------------------------------- */

/* The side-by-side congestion lesson at 120x36 with T: its eight connections
 * in one table, state, cwnd, ssthresh, flight, srtt, rto and timers in
 * that order, nothing scrolled away; the figures are the log's own TCB. */
START_TEST(test_conn_table_side_by_side_at_120x36)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/congestion-side-by-side.scn");
    struct view_state st;
    view_state_init(&st);
    /* after the losses: ssthresh has a number on every sender */
    st.cursor = vm.n_events - 1;
    view_key(&vm, &st, 'T');
    ck_assert(st.conn_table);
    struct grid g;
    grid_init(&g, 120, 36);
    view_render(&vm, &st, &utf8_opts, &g);
    char all[120 * 36 * 4];
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "TCP connections"));
    ck_assert_ptr_null(strstr(all, " more "));
    int head = -1;
    for (int y = 0; y < g.h; y++)
        if (strstr(row(&g, y), "host") && strstr(row(&g, y), "cwnd"))
            head = y;
    ck_assert_int_ge(head, 0);
    const char *h = row(&g, head);
    static const char *const cols[] = { "state", "cwnd", "ssthresh", "flight", "srtt", "rto",
                                        "timers" };
    const char *prev = h;
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        const char *c = strstr(prev, cols[i]);
        ck_assert_msg(c != NULL, "no column %s in order: %s", cols[i], h);
        prev = c + strlen(cols[i]);
    }
    ck_assert_int_eq(view_conns_count(&vm, &st), 8);
    static const char *const hosts[] = { "tahoe_a", "tahoe_b", "reno_a", "reno_b", "newreno_a",
                                         "newreno_b", "cubic_a", "cubic_b" };
    for (size_t i = 0; i < 8; i++) {
        bool found = false;
        for (int y = head + 1; y < head + 9; y++)
            found |= strncmp(row(&g, y) + strlen("│ "), hosts[i], strlen(hosts[i])) == 0;
        ck_assert_msg(found, "no row for %s", hosts[i]);
    }
    /* reno_a's row: its cwnd and ssthresh as its last TCB snapshot says */
    for (size_t i = 0; i < vm.n_conns; i++) {
        const struct vm_conn *c = &vm.conns[i];
        if (strcmp(vm_host_name(&vm, c->host), "reno_a") != 0)
            continue;
        size_t at = vm_last_tcb(&vm, c->host, c->laddr, c->lport, c->faddr, c->fport, st.cursor);
        struct record_event ev;
        ck_assert(vm_event(&vm, at, &ev));
        char want[64];
        snprintf(want, sizeof want, "%s  %u  %u", ev.tcb.state, ev.tcb.cwnd, ev.tcb.ssthresh);
        for (int y = head + 1; y < head + 9; y++)
            if (strstr(row(&g, y), "reno_a") == row(&g, y) + strlen("│ ")) {
                char squeezed[512];
                const char *r = row(&g, y);
                size_t n = 0;
                for (size_t k = 0; r[k] && n + 1 < sizeof squeezed; k++)
                    if (!(r[k] == ' ' && n > 1 && squeezed[n - 1] == ' ' && squeezed[n - 2] == ' '))
                        squeezed[n++] = r[k];
                squeezed[n] = '\0';
                ck_assert_msg(strstr(squeezed, want) != NULL, "[%s] lacks [%s]", squeezed, want);
            }
    }
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* A connection close() left in FIN_WAIT stays on the sockets panel (it
 * vanished with its descriptor); in the table, one leaves when it reaches
 * CLOSED and not before. */
START_TEST(test_connections_stay_until_closed)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/congestion-side-by-side.scn");
    struct view_state st;
    view_state_init(&st);
    st.cursor = vm.n_events - 1;
    struct grid g;
    grid_init(&g, 60, 80);
    view_render_sockets(&vm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 60, 80 });
    char all[60 * 80 * 2];
    screen_text(&g, all, sizeof all);
    const char *reno = strstr(all, "|reno_a");
    ck_assert_ptr_nonnull(reno);
    const char *orphan = strstr(reno, "(closed fd) tcp FIN_WAIT");
    ck_assert_ptr_nonnull(orphan);
    ck_assert(orphan < strstr(all, "|reno_b"));
    ck_assert_ptr_nonnull(strstr(orphan, "cwnd "));
    /* its timers from the stack, as for a socket's connection */
    ck_assert_ptr_nonnull(strstr(orphan, "timers "));
    ck_assert_ptr_null(strstr(all, "timers ?"));
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);

    /* close-and-time-wait: alice in TIME_WAIT is a row; once CLOSED, none */
    s = build_lesson(&vm, "tcp/close-and-time-wait.scn");
    view_state_init(&st);
    struct record_event ev;
    size_t tw = SIZE_MAX, closed = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev); i++) {
        if (ev.kind != TRACE_STATE || strcmp(ev.where, "alice") != 0)
            continue;
        if (strstr(ev.text, "-> TIME_WAIT") != NULL)
            tw = i;
        if (strncmp(ev.text, "TIME_WAIT -> CLOSED", 19) == 0)
            closed = i;
    }
    ck_assert_uint_ne(tw, SIZE_MAX);
    ck_assert_uint_ne(closed, SIZE_MAX);
    grid_init(&g, 120, 12);
    st.cursor = tw;
    view_render_conns(&vm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 120, 12 });
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "TIME_WAIT"));
    st.cursor = closed - 1;
    grid_clear(&g);
    view_render_conns(&vm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 120, 12 });
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "| alice"));
    /* still TIME_WAIT, its 2 x MSL timer running [RFC 9293 3.6.1] */
    const char *twr = strstr(all, "TIME_WAIT");
    ck_assert_ptr_nonnull(twr);
    ck_assert_ptr_nonnull(strstr(twr, "2msl"));
    ck_assert(strstr(twr, "2msl") < strchr(twr, '\n'));
    st.cursor = closed;
    grid_clear(&g);
    view_render_conns(&vm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 120, 12 });
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_null(strstr(all, "| alice"));
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* ---- following a packet, and causes ----------------------------------------- */

/* /#1 keeps the events of packet 1 and no other, on alice, the link and
 * bob: one packet followed across hosts. "#" or "#x" match nothing. */
START_TEST(test_filter_follows_one_packet)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    struct view_state st;
    view_state_init(&st);
    view_key(&vm, &st, '/');
    view_key(&vm, &st, '#');
    view_key(&vm, &st, '1');
    view_key(&vm, &st, VK_ENTER);
    ck_assert_str_eq(st.filter, "#1");
    size_t want = 0;
    struct record_event ev;
    for (size_t i = 0; vm_event(&vm, i, &ev); i++)
        want += ev.pkt_id == 1;
    ck_assert_uint_gt(want, 3);
    size_t seen = 0;
    bool on_alice = false, on_link = false, on_bob = false;
    st.cursor = 0;
    ck_assert(vm_event(&vm, 0, &ev) && ev.pkt_id != 1);
    for (size_t prev = SIZE_MAX; st.cursor != prev;) {
        prev = st.cursor;
        st.cursor = view_next_event(&vm, &st);
        if (st.cursor == prev)
            break;
        ck_assert(vm_event(&vm, st.cursor, &ev));
        ck_assert_uint_eq(ev.pkt_id, 1);
        seen++;
        on_alice |= strcmp(ev.where, "alice") == 0;
        on_bob |= strcmp(ev.where, "bob") == 0;
        on_link |= ev.host < 0;
    }
    ck_assert_uint_eq(seen, want);
    ck_assert(on_alice && on_link && on_bob);
    /* and back */
    size_t back = view_prev_event(&vm, &st);
    ck_assert(vm_event(&vm, back, &ev));
    ck_assert_uint_eq(ev.pkt_id, 1);
    ck_assert_uint_lt(back, st.cursor);
    struct view_filter vf;
    view_filter_init(&vf, &vm, "#");
    ck_assert_uint_eq(view_filter_find(&vm, &vf, 0, 1), SIZE_MAX);
    view_filter_init(&vf, &vm, "#x");
    ck_assert_uint_eq(view_filter_find(&vm, &vf, 0, 1), SIZE_MAX);
    ck_assert(vm_event(&vm, 5, &ev));
    ck_assert(!view_filter_match(&vm, &ev, "#"));
    view_model_destroy(&vm);
    scenario_free(s);

    /* through a router: alice, alice-r1, r1, r1-bob and bob */
    s = build_lesson(&vm, "ip/two-subnets.scn");
    view_state_init(&st);
    snprintf(st.filter, sizeof st.filter, "#1");
    static const char *const wheres[] = { "alice", "alice-r1", "r1", "r1-bob", "bob" };
    bool where_seen[5] = { false };
    for (size_t prev = SIZE_MAX; st.cursor != prev;) {
        prev = st.cursor;
        st.cursor = view_next_event(&vm, &st);
        ck_assert(vm_event(&vm, st.cursor, &ev));
        if (st.cursor == prev)
            break;
        ck_assert_uint_eq(ev.pkt_id, 1);
        for (size_t k = 0; k < 5; k++)
            where_seen[k] |= strcmp(ev.where, wheres[k]) == 0;
    }
    for (size_t k = 0; k < 5; k++)
        ck_assert_msg(where_seen[k], "packet 1 not followed on %s", wheres[k]);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* c jumps from an event to its cause and '' comes back: a retransmission
 * to the timer's expiry, bob's SYN-ACK to the SYN's arrival at bob, alice's
 * SYN to her connect() call. */
START_TEST(test_cause_key_jumps_and_back)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/retransmission-timeout.scn");
    struct record_event ev, cev;
    size_t rexmt = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev) && rexmt == SIZE_MAX; i++)
        if (ev.kind == TRACE_TX && ev.layer == LAYER_TCP && ev.cause.kind == CAUSE_TIMER)
            rexmt = i;
    ck_assert_uint_ne(rexmt, SIZE_MAX);
    struct view_state st;
    view_state_init(&st);
    st.cursor = rexmt;
    view_key(&vm, &st, 'c');
    ck_assert_uint_lt(st.cursor, rexmt);
    ck_assert(vm_event(&vm, st.cursor, &cev));
    ck_assert_int_eq(cev.kind, TRACE_TIMER);
    ck_assert_ptr_nonnull(strstr(cev.text, "expired"));
    ck_assert_ptr_nonnull(strstr(st.note, "the cause"));
    view_key(&vm, &st, '\'');
    view_key(&vm, &st, '\'');
    ck_assert_uint_eq(st.cursor, rexmt);
    view_model_destroy(&vm);
    scenario_free(s);

    s = build_lesson(&vm, "tcp/handshake.scn");
    size_t synack = SIZE_MAX, syn = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev); i++) {
        if (ev.kind != TRACE_TX || ev.layer != LAYER_TCP)
            continue;
        if (syn == SIZE_MAX && strcmp(ev.where, "alice") == 0)
            syn = i;
        if (synack == SIZE_MAX && strcmp(ev.where, "bob") == 0)
            synack = i;
    }
    ck_assert(vm_event(&vm, synack, &ev));
    ck_assert_int_eq(ev.cause.kind, CAUSE_ARRIVAL);
    size_t c = view_cause_event(&vm, synack);
    ck_assert_uint_lt(c, synack);
    ck_assert(vm_event(&vm, c, &cev));
    ck_assert_uint_eq(cev.pkt_id, ev.cause.pkt_id);
    ck_assert_str_eq(cev.where, "bob");
    ck_assert(vm_event(&vm, syn, &ev));
    ck_assert_int_eq(ev.cause.kind, CAUSE_CALL);
    c = view_cause_event(&vm, syn);
    ck_assert(vm_event(&vm, c, &cev));
    ck_assert_int_eq(cev.kind, TRACE_CALL);
    ck_assert_ptr_nonnull(strstr(cev.text, "connect("));
    /* the first event has no cause in the log */
    view_state_init(&st);
    view_key(&vm, &st, 'c');
    ck_assert_uint_eq(st.cursor, 0);
    ck_assert_ptr_nonnull(strstr(st.note, "no earlier event"));
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* A lesson's own answer (`answer N`) stays off the screen until the card
 * reveals it: the events pane showed the runner's note "answer to step N:
 * three" a row below the question, and the script pane and the projector's
 * step line the statement's "answer 2". Once the cursor reaches the note
 * (r on the card moves it there), both show it. */
START_TEST(test_fixed_answer_waits_for_the_reveal)
{
    static const char lesson[] =
        "host alice 192.0.2.1/24\n"
        "host bob 192.0.2.2/24\n"
        "link alice bob\n"
        "ask \"N?\" choices \"two\" \"three\" answer 2\n"
        "say \"Three: SYN, SYN-ACK, ACK.\"\n";
    struct view_model vm;
    struct scenario *s = build_text(&vm, lesson);
    size_t ask = step_of_kind(s, SCN_STEP_ASK, 0);
    struct grid g;
    ck_assert_int_eq(grid_init(&g, 160, 48), 0);
    static char all[160 * 48 * 4];
    struct view_state st;
    view_state_init(&st);
    st.card = VIEW_CARD_NONE;
    view_render(&vm, &st, &ascii_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert(view_fixed_answer_hidden(&vm, &st, ask));
    ck_assert_ptr_nonnull(strstr(all, "answer to step 1: ? (the question's card reveals it)"));
    ck_assert_ptr_null(strstr(all, "answer to step 1: three"));
    ck_assert_ptr_nonnull(strstr(all, "choices \"two\" \"three\" answer ?"));
    ck_assert_ptr_null(strstr(all, "answer 2"));
    /* the projector's step line, at the question */
    st.projector = true;
    st.cursor = vm.step_start[ask];
    grid_clear(&g);
    view_render(&vm, &st, &ascii_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "answer ?"));
    ck_assert_ptr_null(strstr(all, "answer 2"));
    /* the reveal: the cursor on the note */
    char answer[32];
    size_t at = view_ask_answer(&vm, ask, answer, sizeof answer);
    ck_assert_str_eq(answer, "three");
    st.projector = false;
    st.cursor = at;
    ck_assert(!view_fixed_answer_hidden(&vm, &st, ask));
    grid_clear(&g);
    view_render(&vm, &st, &ascii_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "answer to step 1: three"));
    ck_assert_ptr_nonnull(strstr(all, "choices \"two\" \"three\" answer 2"));
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* The local-socket lesson says "no packet at all": its socket-to-socket
 * delivery carried a buffer number and was titled "packet #5", and its data
 * ran on into the label beside it. */
START_TEST(test_local_socket_bytes_are_no_packet)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "socket/local-vs-tcp.scn");
    struct record_event ev;
    size_t at = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev) && at == SIZE_MAX; i++)
        if (ev.kind == TRACE_DELIVER && strstr(ev.text, "local stream") != NULL)
            at = i;
    ck_assert_uint_ne(at, SIZE_MAX);
    ck_assert(vm_event(&vm, at, &ev));
    ck_assert_ptr_nonnull(ev.bytes);
    ck_assert(!view_event_is_packet(&ev));
    struct view_state st;
    view_state_init(&st);
    st.cursor = at;
    struct grid g;
    grid_init(&g, 100, 30);
    view_render(&vm, &st, &utf8_opts, &g);
    char all[100 * 30 * 4];
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_null(strstr(all, "packet #"));
    ck_assert_ptr_nonnull(strstr(all, "data, 24 bytes: no packet"));
    char id[24];
    snprintf(id, sizeof id, "#%llu", (unsigned long long)ev.pkt_id);
    ck_assert_ptr_null(strstr(all, id));
    /* the data cut with a mark, two columns before its meaning */
    const char *d = strstr(all, "\"hello from the sam\xe2\x80\xa6  the stack never looks inside");
    ck_assert_msg(d != NULL, "%s", all);
    /* #N names no such packet: the filter finds nothing */
    struct view_filter vf;
    view_filter_init(&vf, &vm, id);
    size_t f = view_filter_find(&vm, &vf, 0, 1);
    ck_assert(f == SIZE_MAX || (vm_event(&vm, f, &ev) && view_event_is_packet(&ev)));
    /* a real packet still is one: the TCP segments of part 1 */
    size_t tcp = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev) && tcp == SIZE_MAX; i++)
        if (ev.kind == TRACE_TX && ev.layer == LAYER_TCP)
            tcp = i;
    ck_assert(vm_event(&vm, tcp, &ev));
    ck_assert(view_event_is_packet(&ev));
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* In the projector layout at 80x24 the layers pane's sentence keeps its
 * RFC: bob's answer to the SYN, with [RFC 9293 3.10.7.2] at its end. */
START_TEST(test_projector_sentence_keeps_its_rfc)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    struct record_event ev;
    size_t at = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev) && at == SIZE_MAX; i++)
        if (ev.kind == TRACE_RX && ev.layer == LAYER_TCP && strcmp(ev.where, "bob") == 0)
            at = i;
    ck_assert_uint_ne(at, SIZE_MAX);
    ck_assert(vm_event(&vm, at, &ev));
    ck_assert_ptr_nonnull(ev.rfc);
    struct view_state st;
    view_state_init(&st);
    st.projector = true;
    st.cursor = at;
    struct grid g;
    grid_init(&g, 80, 24);
    view_render(&vm, &st, &utf8_opts, &g);
    char all[80 * 24 * 4], want[64];
    screen_text(&g, all, sizeof all);
    snprintf(want, sizeof want, "[%s]", ev.rfc);
    const char *layers = strstr(all, "┌ layers");
    ck_assert_ptr_nonnull(layers);
    const char *rfc = strstr(layers, want);
    ck_assert_msg(rfc != NULL && rfc < strstr(layers, "┌ events"), "%s", all);
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* Below 140 columns, after tab has been round to the sockets pane once,
 * focusing the packet pane again shows the bytes beside it (the field to
 * byte link), not the sockets. */
START_TEST(test_tab_round_brings_the_bytes_back)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "tcp/handshake.scn");
    struct record_event ev;
    size_t at = SIZE_MAX;
    for (size_t i = 0; vm_event(&vm, i, &ev) && at == SIZE_MAX; i++)
        if (ev.kind == TRACE_WIRE && ev.bytes != NULL)
            at = i;
    struct view_state st;
    view_state_init(&st);
    st.cursor = at;
    struct grid g;
    grid_init(&g, 100, 30);
    char all[100 * 30 * 4];
    for (int i = 0; i < 5; i++)
        view_key(&vm, &st, VK_TAB);  /* packet, bytes, sockets, events, packet */
    ck_assert_int_eq(st.focus, PANE_PACKET);
    view_render(&vm, &st, &utf8_opts, &g);
    screen_text(&g, all, sizeof all);
    ck_assert_ptr_nonnull(strstr(all, "┌ bytes"));
    ck_assert_ptr_null(strstr(all, "┌ sockets"));
    /* with a field selected, its bytes are lit in the bytes pane */
    view_key(&vm, &st, VK_DOWN);
    view_key(&vm, &st, VK_DOWN);
    grid_clear(&g);
    view_render(&vm, &st, &utf8_opts, &g);
    bool lit = false;
    for (int y = 0; y < g.h; y++) {
        char roles[256];
        grid_row_roles(&g, y, roles, sizeof roles);
        lit |= strchr(roles, 'a' + ROLE_FIELD - 1) != NULL;
    }
    ck_assert(lit);
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

/* A live command's long error is shown whole above the line, wrapped. */
START_TEST(test_long_command_error_is_whole)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, "udp/echo.scn");
    struct view_state st;
    view_state_init(&st);
    view_key(&vm, &st, ':');
    ck_assert(st.cmd.active);
    snprintf(st.cmd.msg, sizeof st.cmd.msg,
             "error: unknown socket option 'SO_RCVBUF' (options are nodelay, rcvbuf, sndbuf, "
             "keepalive, linger, reuseaddr, broadcast and congestion)");
    st.cmd.msg_error = true;
    struct grid g;
    grid_init(&g, 80, 24);
    view_render(&vm, &st, &utf8_opts, &g);
    char all[80 * 24 * 4];
    screen_text(&g, all, sizeof all);
    const char *from = all;
    ck_assert_msg(words_in_order(st.cmd.msg, &from), "%s", all);
    grid_free(&g);
    view_model_destroy(&vm);
    scenario_free(s);
}
END_TEST

static Suite *
class_suite(void)
{
    Suite *s = suite_create("view_class");
    TCase *tc = tcase_create("pause");
    tcase_add_test(tc, test_play_stops_at_each_pause);
    tcase_add_test(tc, test_pause_between_finds_a_jumped_pause);
    tcase_add_test(tc, test_live_script_waits_at_a_pause);
    suite_add_tcase(s, tc);
    tc = tcase_create("cards_and_layout");
    tcase_add_test(tc, test_title_card_shows_the_whole_about);
    tcase_add_test(tc, test_projector_shows_every_narration_whole);
    tcase_add_test(tc, test_projector_key_and_one_pane);
    tcase_add_test(tc, test_o_toggles_the_layer_model);
    tcase_add_test(tc, test_conn_table_side_by_side_at_120x36);
    tcase_add_test(tc, test_connections_stay_until_closed);
    tcase_add_test(tc, test_filter_follows_one_packet);
    tcase_add_test(tc, test_cause_key_jumps_and_back);
    suite_add_tcase(s, tc);
    tc = tcase_create("agreement");
    tcase_add_test(tc, test_fragment_offset_in_units_of_8);
    tcase_add_test(tc, test_state_diagram_draws_the_listener_arc);
    tcase_add_test(tc, test_local_socket_bytes_are_no_packet);
    tcase_add_test(tc, test_projector_sentence_keeps_its_rfc);
    tcase_add_test(tc, test_tab_round_brings_the_bytes_back);
    tcase_add_test(tc, test_long_command_error_is_whole);
    tcase_add_test(tc, test_fixed_answer_waits_for_the_reveal);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(class_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
