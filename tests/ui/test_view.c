/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_view.c - the classroom view's model and pane renderers, without a
 * terminal: grids compared with the rows they should hold.
 *
 * The lesson is scenarios/udp/echo.scn (recorded headless by the model).
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

static struct scenario *scn;
static struct view_model model;
static struct view_model *m = &model;
static const struct view_opts utf8_opts = { .utf8 = true };
static const struct view_opts ascii_opts = { .utf8 = false };

static void
setup(void)
{
    struct scn_diag diag;
    scn = scenario_parse_file(NETSTEP_SCENARIO_DIR "/udp/echo.scn", &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
}

static void
teardown(void)
{
    view_model_destroy(m);
    scenario_free(scn);
}

/* Row y of g as text. */
static const char *
row(const struct grid *g, int y)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    grid_row_text(g, y, buf[k], sizeof buf[k]);
    return buf[k];
}

/* With TEST_VIEW_DUMP set, print g (to see what a failing pane drew). */
static void
dump(const struct grid *g)
{
    if (getenv("TEST_VIEW_DUMP") == NULL)
        return;
    for (int y = 0; y < g->h; y++)
        fprintf(stderr, "\"%s\"\n", row(g, y));
}

/* The index of the first event of model vm whose text starts with prefix. */
static size_t
find_event_in(const struct view_model *vm, const char *where, enum trace_kind kind,
              const char *prefix)
{
    struct record_event ev;
    for (size_t i = 0; vm_event(vm, i, &ev); i++)
        if (ev.kind == kind && strcmp(ev.where, where) == 0 &&
            strncmp(ev.text, prefix, strlen(prefix)) == 0)
            return i;
    ck_abort_msg("no event %s %s", where, prefix);
    return 0;
}

static size_t
find_event(const char *where, enum trace_kind kind, const char *prefix)
{
    return find_event_in(m, where, kind, prefix);
}

/* A model of lesson `name` (a path under scenarios/) in *tm; its scenario,
 * for scenario_free() after view_model_destroy(). */
static struct scenario *
lesson_model(struct view_model *tm, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, name);
    struct scn_diag diag;
    struct scenario *ts = scenario_parse_file(path, &diag);
    ck_assert_msg(ts != NULL, "%s", diag.first);
    char err[256];
    ck_assert_int_eq(view_model_build(tm, ts, false, 0, err, sizeof err), 0);
    return ts;
}

/* A model of the TCP handshake lesson, for the tests that need TCP. */
static struct scenario *
handshake_model(struct view_model *tm)
{
    return lesson_model(tm, "tcp/handshake.scn");
}

/* ---- grid ---------------------------------------------------------------- */

START_TEST(test_grid_box_and_text)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, 12, 3), 0);
    grid_box(&g, (struct grid_rect){ 0, 0, 12, 3 }, "ab", ROLE_TITLE, grid_glyphs(true));
    grid_text(&g, 1, 1, 10, "hello, world", ROLE_NORMAL);
    ck_assert_str_eq(row(&g, 0), "┌ ab ──────┐");
    ck_assert_str_eq(row(&g, 1), "│hello, wor│");
    ck_assert_str_eq(row(&g, 2), "└──────────┘");
    grid_clear(&g);
    grid_box(&g, (struct grid_rect){ 0, 0, 12, 3 }, "ab", ROLE_TITLE, grid_glyphs(false));
    ck_assert_str_eq(row(&g, 0), "+ ab ------+");
    ck_assert_str_eq(row(&g, 1), "|          |");
    char roles[64];
    grid_row_roles(&g, 0, roles, sizeof roles);
    ck_assert_str_eq(roles, "abbbbaaaaaaa");  /* b: title, a: border */
    grid_free(&g);
}
END_TEST

START_TEST(test_grid_ascii_replaces_non_ascii)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, 8, 1), 0);
    g.ascii = true;
    grid_text(&g, 0, 0, 8, "a\xc3\xa9" "b\tc", ROLE_NORMAL);
    ck_assert_str_eq(row(&g, 0), "a?b?c");
    grid_free(&g);
}
END_TEST

static char wrapped[8][64];
static int n_wrapped;

static void
collect(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    snprintf(wrapped[n_wrapped++], sizeof wrapped[0], "%.*s", (int)len, line);
}

START_TEST(test_grid_wrap_breaks_at_words)
{
    n_wrapped = 0;
    ck_assert_int_eq(grid_wrap("the quick brown fox jumps", 10, collect, NULL), 3);
    ck_assert_str_eq(wrapped[0], "the quick");
    ck_assert_str_eq(wrapped[1], "brown fox");
    ck_assert_str_eq(wrapped[2], "jumps");
}
END_TEST

/* ---- model --------------------------------------------------------------- */

START_TEST(test_model_records_every_step)
{
    ck_assert_uint_eq(m->n_steps, 27);
    ck_assert_uint_eq(m->expects_failed, 0);
    ck_assert_uint_eq(m->step_start[0], 0);
    for (size_t i = 0; i < m->n_steps; i++) {
        struct record_event ev;
        ck_assert(m->step_start[i] < m->step_start[i + 1]);
        ck_assert(vm_event(m, m->step_start[i], &ev));
        /* every step begins with its App note */
        ck_assert_int_eq(ev.kind, TRACE_NOTE);
        ck_assert_int_eq(ev.layer, LAYER_APP);
        ck_assert_uint_eq(vm_step_of(m, m->step_start[i]), i);
    }
    ck_assert_uint_eq(m->step_start[m->n_steps], m->n_events);
}
END_TEST

START_TEST(test_model_pairs_wires_with_arrivals)
{
    ck_assert_uint_eq(m->n_wires, 4);  /* ARP request, reply, two datagrams */
    for (size_t i = 0; i < m->n_wires; i++) {
        struct record_event a, b;
        ck_assert(vm_event(m, m->wires[i].at, &a));
        ck_assert(vm_event(m, m->wires[i].end, &b));
        ck_assert_uint_eq(a.pkt_id, b.pkt_id);
        ck_assert_int_eq(b.kind, TRACE_RX);
        ck_assert_int_eq(b.host, m->wires[i].to);
        ck_assert_int_ne(m->wires[i].from, m->wires[i].to);
    }
    ck_assert_int_eq(m->wires[0].from, 0);  /* alice asks */
    ck_assert_int_eq(m->wires[1].from, 1);  /* bob answers */
}
END_TEST

/* Host's snapshot as of event i, decoded into one buffer (each test reads
 * one at a time). */
static struct vm_snap_buf snap_buf;

static const struct vm_snap *
snap_at(const struct view_model *vm, int host, size_t i)
{
    return vm_snap_get(vm, host, i, &snap_buf);
}

START_TEST(test_model_snapshots_as_of_the_cursor)
{
    size_t made = find_event("alice", TRACE_CALL, "socket(");
    size_t bound = find_event("alice", TRACE_CALL, "bind(3");
    ck_assert_ptr_null(snap_at(m, 0, made - 1));
    ck_assert_uint_eq(snap_at(m, 0, made)->n_socks, 1);
    ck_assert(!snap_at(m, 0, made)->socks[0].bound);
    const struct vm_snap *s = snap_at(m, 0, bound);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->n_socks, 1);
    ck_assert_uint_eq(s->socks[0].lport, 5000);
    ck_assert_str_eq(s->socks[0].proto, "udp");
    /* at the end both sockets are closed, the ARP caches full */
    s = snap_at(m, 0, m->n_events - 1);
    ck_assert_uint_eq(s->n_socks, 0);
    ck_assert_uint_eq(s->n_arp, 1);
    ck_assert_str_eq(s->arp[0].state, "REACHABLE");
}
END_TEST

/* ---- moves and keys -------------------------------------------------------- */

START_TEST(test_steps_forward_and_back)
{
    struct view_state st;
    view_state_init(&st);
    for (int i = 0; i < 5; i++)
        view_key(m, &st, 's');
    ck_assert_uint_eq(st.cursor, m->step_start[5]);
    view_key(m, &st, 'n');
    ck_assert_uint_eq(st.cursor, m->step_start[5] + 1);
    view_key(m, &st, 'S');  /* back to the start of this step */
    ck_assert_uint_eq(st.cursor, m->step_start[5]);
    view_key(m, &st, 'S');
    ck_assert_uint_eq(st.cursor, m->step_start[4]);
    view_key(m, &st, 'G');
    ck_assert_uint_eq(st.cursor, m->n_events - 1);
    view_key(m, &st, 'n');  /* stays on the last */
    ck_assert_uint_eq(st.cursor, m->n_events - 1);
    view_key(m, &st, 'g');
    ck_assert_uint_eq(st.cursor, 0);
    view_key(m, &st, 'b');
    ck_assert_uint_eq(st.cursor, 0);
    ck_assert(!view_key(m, &st, 'q'));
}
END_TEST

START_TEST(test_filter_keys_and_matching)
{
    struct view_state st;
    view_state_init(&st);
    const char *keys = "/arp";
    for (const char *k = keys; *k; k++)
        view_key(m, &st, *k);
    ck_assert(st.editing_filter);
    view_key(m, &st, VK_ENTER);
    ck_assert(!st.editing_filter);
    ck_assert_str_eq(st.filter, "arp");
    view_key(m, &st, 'n');
    struct record_event ev;
    ck_assert(vm_event(m, st.cursor, &ev));
    /* the first ARP event: alice's cache miss, which holds the UDP
     * datagram waiting for the reply, so it matches both its layer (arp)
     * and the protocol of the packet it carries (udp) */
    ck_assert(view_filter_match(m, &ev, "arp"));
    ck_assert_int_eq(ev.kind, TRACE_CACHE);
    ck_assert_str_eq(ev.where, "alice");
    ck_assert(view_filter_match(m, &ev, "ALICE"));
    ck_assert(!view_filter_match(m, &ev, "bob"));
    ck_assert(view_filter_match(m, &ev, "udp"));
    ck_assert(!view_filter_match(m, &ev, "icmp"));
    view_key(m, &st, '/');
    view_key(m, &st, VK_ESC);
    ck_assert_str_eq(st.filter, "");
}
END_TEST

START_TEST(test_play_stops_at_the_end)
{
    struct view_state st;
    view_state_init(&st);
    view_key(m, &st, 'p');
    ck_assert(st.playing);
    view_key(m, &st, VK_TICK);
    ck_assert_uint_eq(st.cursor, 1);
    /* play stops at each of the lesson's questions; p plays on past it */
    unsigned questions = 0;
    for (size_t i = 0; i < m->n_events + 5; i++) {
        view_key(m, &st, VK_TICK);
        if (st.card == VIEW_CARD_ASK) {
            ck_assert(!st.playing);
            questions++;
            view_key(m, &st, 'p');
        }
    }
    ck_assert_uint_ge(questions, 2);
    ck_assert(!st.playing);
    ck_assert_uint_eq(st.cursor, m->n_events - 1);
    view_key(m, &st, ']');
    view_key(m, &st, ']');
    view_key(m, &st, ']');
    view_key(m, &st, ']');
    ck_assert_int_eq(st.speed, VIEW_SPEEDS - 1);
}
END_TEST

/* ---- panes ----------------------------------------------------------------- */

START_TEST(test_header_says_where_we_are)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    grid_init(&g, 80, 1);
    view_render_header(m, &st, &utf8_opts, &g, (struct grid_rect){ 0, 0, 80, 1 });
    ck_assert_str_eq(row(&g, 0), " netstep  UDP echo: a client, a se… t=0.000000 s  event 1/75  "
                                 "step 1/27  PAUSED");
    st.playing = true;
    st.cursor = m->step_start[7];
    grid_clear(&g);
    view_render_header(m, &st, &utf8_opts, &g, (struct grid_rect){ 0, 0, 80, 1 });
    ck_assert_str_eq(row(&g, 0), " netstep  UDP echo: a client… t=0.000000 s  event 14/75  "
                                 "step 8/27  PLAYING 4/s");
    grid_free(&g);
}
END_TEST

START_TEST(test_script_marks_the_step_and_shows_the_say)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    st.cursor = m->step_start[7];  /* alice: sendto */
    grid_init(&g, 30, 10);
    view_render_script(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 30, 10 });
    ck_assert_str_eq(row(&g, 0), "+ script 8/27 ---------------+");
    ck_assert_str_eq(row(&g, 1), "|  say \"sendto() names the de|");
    ck_assert_str_eq(row(&g, 2), "|> alice: sendto c bob:7 \"hel|");
    ck_assert_str_eq(row(&g, 4), "|- say ----------------------|");
    ck_assert_str_eq(row(&g, 5), "| sendto() names the         |");
    ck_assert_str_eq(row(&g, 6), "| destination. alice must    |");
    char roles[64];
    grid_row_roles(&g, 2, roles, sizeof roles);
    ck_assert_int_eq(roles[1], 'a' + ROLE_CURRENT - 1);
    grid_free(&g);
}
END_TEST

START_TEST(test_layers_show_the_frame_on_the_wire)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event("alice-bob", TRACE_WIRE, "ARP, Request");
    grid_init(&g, 60, 10);
    view_render_layers(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 60, 10 });
    dump(&g);
    ck_assert_str_eq(row(&g, 1), "|                 alice                        bob         |");
    /* a cell too narrow for its text ends in '~' (the ASCII ellipsis) */
    ck_assert_str_eq(row(&g, 2), "|App       sendto c bob:7 \"hel~                            |");
    ck_assert_str_eq(row(&g, 3), "|Socket                                                    |");
    ck_assert_str_eq(row(&g, 4), "|Transport vUDP header and che~                            |");
    ck_assert_str_eq(row(&g, 5), "|Network   vARP who has this a~  ARP                       |");
    ck_assert_str_eq(row(&g, 6), "|Link      vEth 02:00:00:00:01~ =#2>==                     |");
    ck_assert_str_eq(row(&g, 7), "|alice-bob Wire wire: ARP, Request who-has 192.0.2.2 tell  |");
    ck_assert_str_eq(row(&g, 8), "|192.0.2.1, length 46 on alice-bob                         |");
    /* the next event is alice's sendto() returning: the frame is still on
     * the wire */
    st.cursor++;
    grid_clear(&g);
    view_render_layers(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 60, 10 });
    /* the Socket row does not say "Socket" twice */
    ck_assert_str_eq(row(&g, 3), "|Socket     sendto(3, 10 bytes~                            |");
    ck_assert_str_eq(row(&g, 6), "|Link      vEth 02:00:00:00:01~ =#2>==                     |");
    /* bob's Ethernet takes it: off the wire, up bob's column */
    st.cursor = find_event("bob", TRACE_RX, "02:00:00:00:01:01 > ff");
    grid_clear(&g);
    view_render_layers(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 60, 10 });
    dump(&g);
    ck_assert_str_eq(row(&g, 2), "|App                                   recvfrom srv 512 ->~|");
    ck_assert_str_eq(row(&g, 6), "|Link                           ====== ^Eth broadcast, so ~|");
    ck_assert_str_eq(row(&g, 7), "|bob Eth in: 02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff,        |");
    grid_free(&g);
}
END_TEST

START_TEST(test_layers_osi_labels)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    struct view_opts o = { .utf8 = false, .osi = true };
    grid_init(&g, 60, 10);
    view_render_layers(m, &st, &o, &g, (struct grid_rect){ 0, 0, 60, 10 });
    ck_assert_str_eq(row(&g, 0), "+ layers (OSI) --------------------------------------------+");
    ck_assert(strncmp(row(&g, 2), "|7-6 App", 8) == 0);
    ck_assert(strncmp(row(&g, 3), "|5 Session", 10) == 0);
    ck_assert(strncmp(row(&g, 6), "|2-1 Link", 9) == 0);
    /* the wider labels move the columns and the wire right by two */
    st.cursor = find_event("alice-bob", TRACE_WIRE, "ARP, Request");
    grid_clear(&g);
    view_render_layers(m, &st, &o, &g, (struct grid_rect){ 0, 0, 60, 10 });
    dump(&g);
    ck_assert_str_eq(row(&g, 1), "|                   alice                       bob        |");
    ck_assert_str_eq(row(&g, 5), "|3 Network   vARP who has this ~  ARP                      |");
    ck_assert_str_eq(row(&g, 6), "|2-1 Link    vEth 02:00:00:00:0~ =#2>==                    |");
    grid_free(&g);
}
END_TEST

START_TEST(test_events_pane_lines)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event("bob", TRACE_RX, "192.0.2.1 > 192.0.2.2");
    grid_init(&g, 100, 5);
    view_render_events(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 100, 5 });
    dump(&g);
    ck_assert_str_eq(row(&g, 1), "|  0.030144 bob       Eth    in    #1 02:00:00:00:01:01 > "
                                 "02:00:00:00:02:01, ethertype IPv4 (0x0800|");
    ck_assert_str_eq(row(&g, 2), "|  0.030144 bob       IPv4   in    #1 192.0.2.1 > 192.0.2.2: "
                                 "ttl 64, id 19690, length 38: destinati|");
    char roles[128];
    grid_row_roles(&g, 2, roles, sizeof roles);
    ck_assert_int_eq(roles[5], 'a' + ROLE_SELECTED - 1);
    grid_free(&g);
}
END_TEST

/* An injected frame's cause names the step's line, as the trace says it
 * (attack/land's first inject is line 21 of the lesson). */
START_TEST(test_events_pane_names_an_injected_frames_line)
{
    struct view_model lm;
    struct scenario *ls = lesson_model(&lm, "attack/land.scn");
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event_in(&lm, "mallory-bob", TRACE_WIRE, "IP 192.0.2.2.80 > 192.0.2.2.80");
    struct grid g;
    grid_init(&g, 200, 3);
    view_render_events(&lm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 200, 3 });
    dump(&g);
    const char *line = row(&g, 1);
    ck_assert_msg(strstr(line, "length 0 on mallory-bob  (inject step 7, line 21)") != NULL, "%s",
                  line);
    grid_free(&g);
    view_model_destroy(&lm);
    scenario_free(ls);
}
END_TEST

START_TEST(test_packet_decode_fields)
{
    struct record_event ev;
    size_t i = find_event("alice-bob", TRACE_WIRE, "IP 192.0.2.1.5000");
    ck_assert(vm_event(m, i, &ev));
    struct pkt_line lines[PKT_LINES_MAX];
    int n = view_decode(&ev, lines, PKT_LINES_MAX);
    /* Ethernet 4, IPv4 11, UDP 5, data 2 */
    ck_assert_int_eq(n, 22);
    ck_assert_str_eq(lines[0].text, "Ethernet 02:00:00:00:01:01 > 02:00:00:00:02:01");
    ck_assert_str_eq(lines[4].text, "IPv4 192.0.2.1 > 192.0.2.2");
    ck_assert_str_eq(lines[10].text, "ttl 64");
    ck_assert_int_eq(lines[10].off, 14 + 8);
    ck_assert_int_eq(lines[10].len, 1);
    ck_assert_str_eq(lines[15].text, "UDP 5000 > 7, length 18");
    ck_assert_str_eq(lines[17].text, "dst port 7");
    ck_assert_str_eq(lines[21].text, "\"hello, bob\"");
    ck_assert_int_eq(lines[21].off, 14 + 20 + 8);
    ck_assert_int_eq(lines[21].len, 10);
}
END_TEST

/* Bug fix: an ARP event that holds the IPv4 datagram waiting for the
 * reply ("no entry for 192.0.2.2: hold the packet and ask") was decoded as
 * an ARP packet, because the decoder went by the event's layer. */
START_TEST(test_packet_decode_goes_by_the_bytes)
{
    struct record_event ev;
    size_t i = find_event("alice", TRACE_CACHE, "no entry for 192.0.2.2");
    ck_assert(vm_event(m, i, &ev));
    ck_assert_int_eq(ev.layer, LAYER_ARP);
    struct pkt_line lines[PKT_LINES_MAX];
    int n = view_decode(&ev, lines, PKT_LINES_MAX);
    ck_assert_int_gt(n, 0);
    ck_assert_str_eq(lines[0].text, "IPv4 192.0.2.1 > 192.0.2.2");
}
END_TEST

START_TEST(test_packet_pane_folds_and_bytes_highlight)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event("bob", TRACE_RX, "5000 > 7");  /* bob's UDP in */
    st.focus = PANE_PACKET;
    grid_init(&g, 50, 8);
    view_render_packet(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 50, 8 });
    ck_assert_str_eq(row(&g, 0), "+ packet #1, 18 bytes ---------------------------+");
    ck_assert_str_eq(row(&g, 1), "|- UDP 5000 > 7, length 18                       |");
    ck_assert_str_eq(row(&g, 2), "|   src port 5000         the sending socket's po|");
    ck_assert_str_eq(row(&g, 6), "|+ Data, 10 bytes                                |");
    /* down twice: dst port, whose bytes light up in the bytes pane */
    view_key(m, &st, VK_DOWN);
    view_key(m, &st, VK_DOWN);
    grid_clear(&g);
    view_render_bytes(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 40, 5 });
    ck_assert_str_eq(row(&g, 1), "|0000 13 88 00 07 00 12 94 74 .......t |");
    char roles[64];
    grid_row_roles(&g, 1, roles, sizeof roles);
    ck_assert_int_eq(roles[12], 'a' + ROLE_FIELD - 1);   /* 00 of port 7 */
    ck_assert_int_eq(roles[6], 'a' + ROLE_LAYER_L4 - 1); /* 13 of port 5000 */
    /* Enter folds the UDP layer away */
    view_key(m, &st, VK_UP);
    view_key(m, &st, VK_UP);
    view_key(m, &st, VK_ENTER);
    grid_clear(&g);
    view_render_packet(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 50, 8 });
    ck_assert_str_eq(row(&g, 1), "|+ UDP 5000 > 7, length 18                       |");
    ck_assert_str_eq(row(&g, 2), "|+ Data, 10 bytes                                |");
    grid_free(&g);
}
END_TEST

START_TEST(test_sockets_pane_highlights_changes)
{
    struct grid g;
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event("alice", TRACE_CALL, "bind(3");
    grid_init(&g, 50, 8);
    view_render_sockets(m, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 50, 8 });
    ck_assert_str_eq(row(&g, 1), "|alice                                           |");
    /* the state before the addresses: the edge of a narrow pane cuts
     * those, not the state */
    ck_assert_str_eq(row(&g, 2), "| fd 3 udp UNCONN *:5000 *:* rq 0/0              |");
    ck_assert_str_eq(row(&g, 3), "|bob                                             |");
    ck_assert_str_eq(row(&g, 4), "| fd 3 udp UNCONN *:7 *:* rq 0/0                 |");
    char roles[64];
    grid_row_roles(&g, 2, roles, sizeof roles);
    ck_assert_int_eq(roles[2], 'a' + ROLE_CHANGED - 1);  /* bound in this step */
    grid_row_roles(&g, 4, roles, sizeof roles);
    ck_assert_int_eq(roles[2], '.');
    grid_free(&g);
}
END_TEST

/* A TCP connection shows its TCB (sequence numbers relative to the ISS, as
 * Wireshark shows them); a listener shows none. Built from its own lesson. */
START_TEST(test_sockets_pane_shows_the_tcb)
{
    struct view_model tm;
    struct scenario *ts = handshake_model(&tm);
    struct view_state st;
    view_state_init(&st);
    /* Right after alice's 18-byte request has gone out, before bob's ACK. */
    st.cursor = find_event_in(&tm, "alice", TRACE_CALL, "send(3, 18 bytes) = 18");
    struct grid g;
    grid_init(&g, 50, 14);
    view_render_sockets(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 50, 14 });
    dump(&g);
    /* too long for one line of 48: the state, then the two ends */
    ck_assert_str_eq(row(&g, 2), "| fd 3 tcp ESTABLISHED rq 0/0                    |");
    ck_assert_str_eq(row(&g, 3), "|   192.0.2.1:49157 192.0.2.2:80                 |");
    /* the figures a lecture needs first (cwnd, ssthresh, the 18 bytes in
     * flight, srtt, rto, timers), then the sequence numbers and windows */
    ck_assert_str_eq(row(&g, 4), "|   cwnd 14600 ssthresh inf flight 18 srtt 40ms  |");
    ck_assert_str_eq(row(&g, 5), "|   rto 1000ms timers rexmt snd.una 1 snd.nxt 19 |");
    ck_assert_str_eq(row(&g, 6), "|   snd.wnd 65535 rcv.nxt 1 rcv.wnd 212992       |");
    char roles[64];
    grid_row_roles(&g, 4, roles, sizeof roles);
    ck_assert_int_eq(roles[4], 'a' + ROLE_CHANGED - 1); /* snd.nxt moved in this step */
    /* bob's listener: its line, and no TCB under it */
    int y = 1;
    while (y < 13 && strstr(row(&g, y), "LISTEN") == NULL)
        y++;
    ck_assert_int_lt(y, 13);
    ck_assert_ptr_null(strstr(row(&g, y + 1), "cwnd "));
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* A sockets pane too short for both hosts shows the host of the selected
 * event and says on its frame how much is out of sight; with the focus,
 * up and down pick a socket and the pane keeps it in sight. A connection in
 * SYN_SENT shows its peer (the TCB's), not "*:*". */
START_TEST(test_sockets_pane_follows_the_host_and_scrolls)
{
    struct view_model tm;
    struct scenario *ts = handshake_model(&tm);
    struct view_state st;
    view_state_init(&st);
    struct grid g;
    grid_init(&g, 40, 6);
    struct grid_rect r = { 0, 0, 40, 6 };

    st.cursor = find_event_in(&tm, "alice", TRACE_STATE, "CLOSED -> SYN_SENT");
    view_render_sockets(&tm, &st, &ascii_opts, &g, r);
    dump(&g);
    ck_assert_str_eq(row(&g, 1), "|alice                                 |");
    ck_assert_str_eq(row(&g, 2), "| fd 3 tcp SYN_SENT rq 0/0             |");
    ck_assert_str_eq(row(&g, 3), "|   192.0.2.1:49157 192.0.2.2:80       |");
    ck_assert_ptr_nonnull(strstr(row(&g, 5), "v 4 more (tab here, then down) "));

    /* bob reads the request: his half of the pane comes into sight, from
     * his name down */
    st.cursor = find_event_in(&tm, "bob", TRACE_CALL, "recv(4");
    grid_clear(&g);
    view_render_sockets(&tm, &st, &ascii_opts, &g, r);
    dump(&g);
    ck_assert_ptr_nonnull(strstr(row(&g, 0), "^ "));
    ck_assert_ptr_nonnull(strstr(row(&g, 0), " above "));
    ck_assert_str_eq(row(&g, 1), "|bob                                   |");
    ck_assert_str_eq(row(&g, 2), "| fd 3 tcp LISTEN *:80 *:* rq 0/0      |");
    ck_assert_str_eq(row(&g, 3), "| fd 4 tcp ESTABLISHED rq 0/0          |");

    /* focused, down walks the sockets and ARP entries, the mark beside the
     * one picked, which stays in sight; it stops at the last */
    st.focus = PANE_SOCKETS;
    int items = view_sockets_items(&tm, &st);
    ck_assert_int_eq(items, 5);  /* alice: a socket, an ARP entry; bob: two, one */
    for (int i = 0; i < items + 2; i++)
        ck_assert(view_key(&tm, &st, VK_DOWN));
    ck_assert_int_eq(st.sock_sel, items - 1);
    grid_clear(&g);
    view_render_sockets(&tm, &st, &ascii_opts, &g, r);
    dump(&g);
    ck_assert_str_eq(row(&g, 4), "|>arp 192.0.2.1 02:00:00:00:01:01 REAC~|");
    ck_assert_ptr_null(strstr(row(&g, 5), "more"));
    ck_assert(view_key(&tm, &st, VK_UP));
    ck_assert(view_key(&tm, &st, VK_UP));
    ck_assert_int_eq(st.sock_sel, items - 3);  /* bob's listener */
    grid_clear(&g);
    view_render_sockets(&tm, &st, &ascii_opts, &g, r);
    dump(&g);
    bool marked = false;
    for (int y = 1; y < 5; y++)
        marked |= strncmp(row(&g, y), "|>fd 3 tcp LISTEN", 17) == 0;
    ck_assert_msg(marked, "the listener is not marked in sight");
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* The narration gets room before the script list (which keeps the current
 * step), and a cut narration ends in an ellipsis. */
START_TEST(test_script_say_gets_room_and_marks_a_cut)
{
    struct view_model tm;
    struct scenario *ts = handshake_model(&tm);
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event_in(&tm, "alice", TRACE_CALL, "socket(");  /* after two says */
    struct grid g;
    grid_init(&g, 26, 10);
    view_render_script(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 26, 10 });
    dump(&g);
    ck_assert_str_eq(row(&g, 1), "|> alice: c = socket tcp |");
    ck_assert_str_eq(row(&g, 2), "|  alice: connect c bob:8|");
    ck_assert_str_eq(row(&g, 3), "|- say ------------------|");
    ck_assert_str_eq(row(&g, 4), "| connect() sends a SYN  |");
    ck_assert_str_eq(row(&g, 8), "| permitted, timestamps,~|");
    /* tall enough, the whole of it and no mark */
    grid_free(&g);
    grid_init(&g, 26, 20);
    view_render_script(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 26, 20 });
    dump(&g);
    bool ends = false;
    for (int y = 0; y < 20; y++) {
        ck_assert_ptr_null(strstr(row(&g, y), "~"));
        ends |= strstr(row(&g, y), "ends.") != NULL;
    }
    ck_assert(ends);
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* A short state diagram keeps both ends of the transition in sight. */
START_TEST(test_tcp_state_diagram_short_pane_keeps_both_states)
{
    struct view_model tm;
    struct scenario *ts = handshake_model(&tm);
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event_in(&tm, "alice", TRACE_STATE, "FIN_WAIT_1 -> FIN_WAIT_2");
    struct grid g;
    grid_init(&g, 100, 8);  /* five rows of the diagram */
    view_render_tcp_states(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 100, 8 });
    dump(&g);
    int from_y = -1, to_y = -1;
    for (int y = 2; y < 7; y++) {
        if (strstr(row(&g, y), "FIN_WAIT_1") != NULL)
            from_y = y;
        if (strstr(row(&g, y), "FIN_WAIT_2") != NULL)
            to_y = y;
    }
    /* FIN_WAIT_1 and FIN_WAIT_2 are read whole, digit and all */
    ck_assert_ptr_nonnull(strstr(row(&g, 1), "alice: FIN_WAIT_1 -> FIN_WAIT_2"));
    ck_assert_int_ge(from_y, 2);
    ck_assert_int_ge(to_y, 2);
    char roles[128];
    const char *line = row(&g, from_y);
    grid_row_roles(&g, from_y, roles, sizeof roles);
    ck_assert_int_eq(roles[strstr(line, "FIN_WAIT_1") - line], 'a' + ROLE_CHANGED - 1);
    line = row(&g, to_y);
    grid_row_roles(&g, to_y, roles, sizeof roles);
    ck_assert_int_eq(roles[strstr(line, "FIN_WAIT_2") - line], 'a' + ROLE_SELECTED - 1);
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* An empty ':' line says what to type, with a host of the lesson. */
START_TEST(test_cmdline_hint_when_empty)
{
    struct view_state st;
    view_state_init(&st);
    struct grid g;
    grid_init(&g, 80, 24);
    ck_assert(view_key(m, &st, ':'));
    view_render(m, &st, &ascii_opts, &g);
    dump(&g);
    ck_assert_str_eq(row(&g, 23),
                     ":_  a script line, e.g.  alice: s = socket tcp   Tab completes, Esc cancels");
    ck_assert(view_key(m, &st, 'b'));
    view_render(m, &st, &ascii_opts, &g);
    ck_assert_str_eq(row(&g, 23), ":b_");
    grid_free(&g);
}
END_TEST

/* The TCP state diagram lights the state just entered and marks the one
 * just left, for the selected event's host. */
START_TEST(test_tcp_state_diagram_lights_the_transition)
{
    struct view_model tm;
    struct scenario *ts = handshake_model(&tm);
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event_in(&tm, "alice", TRACE_STATE, "SYN_SENT -> ESTABLISHED");
    struct record_event ev;
    ck_assert(vm_event(&tm, st.cursor, &ev));
    ck_assert_int_eq(ev.layer, LAYER_TCP);
    struct grid g;
    grid_init(&g, 100, 20);
    view_render_tcp_states(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 100, 20 });
    ck_assert_ptr_nonnull(strstr(row(&g, 1), "alice: SYN_SENT -> ESTABLISHED"));
    /* row 6 holds "SYN_SENT ---- ... ----> ESTABLISHED" */
    const char *line = row(&g, 6);
    const char *est = strstr(line, "ESTABLISHED");
    const char *syn = strstr(line, "SYN_SENT");
    ck_assert_ptr_nonnull(est);
    ck_assert_ptr_nonnull(syn);
    char roles[128];
    grid_row_roles(&g, 6, roles, sizeof roles);
    ck_assert_int_eq(roles[est - line], 'a' + ROLE_SELECTED - 1);
    ck_assert_int_eq(roles[syn - line], 'a' + ROLE_CHANGED - 1);
    /* the t key toggles it */
    ck_assert(view_key(&tm, &st, 't'));
    ck_assert(st.tcp_states);
    ck_assert(view_key(&tm, &st, 't'));
    ck_assert(!st.tcp_states);
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* At 80 columns the diagram's narrow layout shows all eleven states whole
 * (the wide one cut SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT), and on the
 * 80x24 screen the transition just taken stays in sight and lit. */
START_TEST(test_tcp_state_diagram_fits_80_columns)
{
    static const char *const states[] = { "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED",
                                          "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT" };
    struct view_model tm;
    struct scenario *ts = handshake_model(&tm);
    struct view_state st;
    view_state_init(&st);
    st.cursor = find_event_in(&tm, "bob", TRACE_STATE, "SYN_RECEIVED -> ESTABLISHED");
    struct grid g;
    grid_init(&g, 80, 20);
    view_render_tcp_states(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 80, 20 });
    dump(&g);
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        bool seen = false;
        for (int y = 2; y < g.h - 1; y++) {
            const char *line = row(&g, y);
            const char *p = strstr(line, states[i]);
            /* whole, inside the frame */
            seen |= p != NULL && p - line + (long)strlen(states[i]) <= 78;
        }
        ck_assert_msg(seen, "%s not shown whole at 80 columns", states[i]);
    }
    for (int y = 0; y < g.h; y++)
        ck_assert_msg(row(&g, y)[79] == '|' || row(&g, y)[79] == '+', "row %d runs over", y);
    grid_free(&g);

    /* the whole screen at 80x24: few rows, the two states of the transition kept */
    st.tcp_states = true;
    grid_init(&g, 80, 24);
    view_render(&tm, &st, &ascii_opts, &g);
    dump(&g);
    int y_from = -1, y_to = -1;
    for (int y = 0; y < g.h; y++) {
        const char *line = row(&g, y);
        char roles[128];
        grid_row_roles(&g, y, roles, sizeof roles);
        const char *a = strstr(line, "SYN_RECEIVED");
        const char *b = strstr(line, "ESTABLISHED");
        if (a != NULL && roles[a - line] == 'a' + ROLE_CHANGED - 1)
            y_from = y;
        if (b != NULL && roles[b - line] == 'a' + ROLE_SELECTED - 1)
            y_to = y;
    }
    ck_assert_msg(y_from >= 0 && y_to >= 0, "the transition is not in sight at 80x24");
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* The property the whole design rests on: stepping back shows exactly what
 * was shown before, at every size. */
START_TEST(test_back_shows_the_same_screen)
{
    static const int sizes[][2] = { { 80, 24 }, { 160, 48 }, { 100, 30 } };
    for (size_t s = 0; s < 3; s++) {
        struct grid a, b;
        grid_init(&a, sizes[s][0], sizes[s][1]);
        grid_init(&b, sizes[s][0], sizes[s][1]);
        struct view_state st;
        view_state_init(&st);
        for (int i = 0; i < 7; i++)
            view_key(m, &st, 's');
        view_render(m, &st, &utf8_opts, &a);
        for (int i = 0; i < 9; i++)
            view_key(m, &st, 'n');
        for (int i = 0; i < 9; i++)
            view_key(m, &st, 'b');
        view_render(m, &st, &utf8_opts, &b);
        for (int k = 0; k < a.w * a.h; k++) {
            ck_assert_uint_eq(a.cells[k].ch, b.cells[k].ch);
            ck_assert_uint_eq(a.cells[k].role, b.cells[k].role);
        }
        grid_free(&a);
        grid_free(&b);
    }
}
END_TEST

START_TEST(test_ascii_screen_has_only_ascii)
{
    struct grid g;
    grid_init(&g, 80, 24);
    struct view_state st;
    view_state_init(&st);
    for (size_t i = 0; i < m->n_events; i += 7) {
        st.cursor = i;
        view_render(m, &st, &ascii_opts, &g);
        for (int k = 0; k < g.w * g.h; k++)
            ck_assert_uint_lt(g.cells[k].ch, 0x80);
    }
    grid_free(&g);
}
END_TEST

START_TEST(test_help_lists_every_key)
{
    struct grid g;
    grid_init(&g, 80, 24);
    struct view_state st;
    view_state_init(&st);
    view_key(m, &st, '?');
    view_render(m, &st, &ascii_opts, &g);
    char all[80 * 24 * 4] = "";
    for (int y = 0; y < g.h; y++) {
        strcat(all, row(&g, y));
        strcat(all, "\n");
    }
    static const char *const keys[] = { "space or n", "s: ", "b or Backspace", "S: ", "p: ",
                                        "[ and ]", "g, G", "tab", "/: ", "?: ", "q: ",
                                        "Enter", "up, down", "@: ", "m a-z",
                                        "' a-z", "i: ", "o: ", "P: ", "T: all connections",
                                        "TCP/IP  App ", "OSI     7-6 App" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, "%.*s", (int)strcspn(keys[i], ":"), keys[i]);
        ck_assert_msg(strstr(all, want) != NULL, "help lacks '%s'", want);
    }
    /* c, sharing g's row; a question card's keys (key_ask_card()): the
     * student's typed answer, the teacher's digit, r and p; whole rows, not
     * cut at the screen's edge, and all of them at 80x24 */
    static const char *const card[] = {
        "g, G        the first, the last event; c: the event that caused this one",
        "typing      on a question card, an answer; Enter checks it, Esc closes",
        "1-9 r p     on a card, the teacher picks a choice, r reveals, p plays on",
    };
    for (size_t i = 0; i < sizeof card / sizeof card[0]; i++)
        ck_assert_msg(strstr(all, card[i]) != NULL, "help lacks '%s'", card[i]);
    view_key(m, &st, 'x');
    ck_assert(!st.help);
    grid_free(&g);
}
END_TEST

/* ---- jump to a time, bookmarks ------------------------------------------- */

START_TEST(test_parse_time_units_and_signs)
{
    uint64_t t = 7;
    ck_assert(view_parse_time("1.5s", 0, &t));
    ck_assert_uint_eq(t, 1500000000u);
    ck_assert(view_parse_time("250ms", 0, &t));
    ck_assert_uint_eq(t, 250000000u);
    ck_assert(view_parse_time("20us", 0, &t));
    ck_assert_uint_eq(t, 20000u);
    ck_assert(view_parse_time("900ns", 0, &t));
    ck_assert_uint_eq(t, 900u);
    ck_assert(view_parse_time("2", 0, &t));  /* seconds, as the header shows time */
    ck_assert_uint_eq(t, 2000000000u);
    ck_assert(view_parse_time(" 0.000001 s ", 0, &t));
    ck_assert_uint_eq(t, 1000u);
    /* relative to the event under the cursor */
    ck_assert(view_parse_time("+10ms", 5000000u, &t));
    ck_assert_uint_eq(t, 15000000u);
    ck_assert(view_parse_time("- 2ms", 5000000u, &t));
    ck_assert_uint_eq(t, 3000000u);
    ck_assert(view_parse_time("-1s", 5000000u, &t));  /* before the start: the start */
    ck_assert_uint_eq(t, 0);
    t = 7;
    static const char *const bad[] = { "", "ms", "1.0x", "1s2", "--1", "+", "1 2s", "s1",
                                       "99999999999999999999s" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!view_parse_time(bad[i], 0, &t), "'%s' parsed", bad[i]);
    ck_assert_uint_eq(t, 7);
}
END_TEST

static void
type(struct view_state *st, const char *keys)
{
    for (const char *k = keys; *k; k++)
        view_key(m, st, *k == '\n' ? VK_ENTER : *k == 27 ? VK_ESC : (unsigned char)*k);
}

static uint64_t
t_of(size_t i)
{
    struct record_event ev;
    ck_assert(vm_event(m, i, &ev));
    return ev.t_ns;
}

START_TEST(test_jump_to_a_time)
{
    struct view_state st;
    view_state_init(&st);
    type(&st, "@10ms");
    ck_assert(st.editing_time);
    ck_assert_str_eq(st.time_input, "10ms");
    struct grid g;
    grid_init(&g, 100, 30);
    view_render(m, &st, &ascii_opts, &g);
    ck_assert_str_eq(row(&g, 29), " jump to time: 10ms_   1.5s  250ms  +10ms  -1s; Enter jumps, "
                                  "Esc cancels");
    type(&st, "\n");
    /* the key bar answers with where the jump landed, until the next key */
    grid_clear(&g);
    view_render(m, &st, &ascii_opts, &g);
    ck_assert_ptr_nonnull(strstr(row(&g, 29), " at event "));
    grid_free(&g);
    ck_assert(!st.editing_time);
    /* the first event at or after 10 ms: the one before it is earlier */
    size_t at = st.cursor;
    ck_assert_uint_ge(t_of(at), 10000000u);
    ck_assert_uint_gt(at, 0);
    ck_assert_uint_lt(t_of(at - 1), 10000000u);
    ck_assert(strstr(st.note, "at event") != NULL);
    /* relative: 20 ms on from there */
    type(&st, "@+20ms\n");
    ck_assert_uint_ge(t_of(st.cursor), t_of(at) + 20000000u);
    ck_assert_uint_lt(t_of(st.cursor - 1), t_of(at) + 20000000u);
    /* past the end: the last event */
    type(&st, "@99s\n");
    ck_assert_uint_eq(st.cursor, m->n_events - 1);
    /* back to the start */
    type(&st, "@0\n");
    ck_assert_uint_eq(st.cursor, 0);
    /* not a time: the cursor stays and the key bar says why */
    st.cursor = 5;
    type(&st, "@1.0x\n");
    ck_assert_uint_eq(st.cursor, 5);
    ck_assert(strstr(st.note, "not a time: '1.0x'") != NULL);
    /* Esc cancels; Backspace edits */
    type(&st, "@10mx");
    view_key(m, &st, VK_BACKSPACE);
    ck_assert_str_eq(st.time_input, "10m");
    view_key(m, &st, VK_ESC);
    ck_assert(!st.editing_time);
    ck_assert_uint_eq(st.cursor, 5);
    /* with a filter, the first event at or after it that passes */
    type(&st, "/bob\n@10ms\n");
    struct record_event ev;
    ck_assert(vm_event(m, st.cursor, &ev));
    ck_assert_str_eq(ev.where, "bob");
    ck_assert_uint_ge(ev.t_ns, 10000000u);
}
END_TEST

START_TEST(test_bookmarks_set_list_and_jump)
{
    struct view_state st;
    view_state_init(&st);
    type(&st, "sss");
    size_t a = st.cursor;
    type(&st, "ma");
    ck_assert(st.marks_set & 1u);
    ck_assert_uint_eq(st.marks[0], a);
    ck_assert(strstr(st.note, "mark a set at event") != NULL);
    type(&st, "nnnmc");
    size_t c = st.cursor;
    type(&st, "G");
    /* the key bar lists the marks while ' waits for a letter */
    type(&st, "'");
    ck_assert_int_eq(st.pending, '\'');
    struct grid g;
    grid_init(&g, 100, 30);
    view_render(m, &st, &ascii_opts, &g);
    dump(&g);
    char want[80];
    snprintf(want, sizeof want, " to mark: press its letter  ' before the jump  a 0.000000s #%zu  "
             "c 0.000000s #%zu", a + 1, c + 1);
    ck_assert_str_eq(row(&g, 29), want);
    type(&st, "a");
    ck_assert_uint_eq(st.cursor, a);
    ck_assert_int_eq(st.pending, 0);
    /* '' goes back to where the jump left from, and again returns */
    type(&st, "''");
    ck_assert_uint_eq(st.cursor, m->n_events - 1);
    type(&st, "''");
    ck_assert_uint_eq(st.cursor, a);
    /* an unset mark leaves the cursor and says how to set it */
    type(&st, "'z");
    ck_assert_uint_eq(st.cursor, a);
    ck_assert_str_eq(st.note, "no mark z yet: m then z sets it");
    /* the events pane shows the letters beside their events */
    type(&st, "x");
    grid_free(&g);
    grid_init(&g, 100, 60);  /* events pane rows enough for both */
    view_render(m, &st, &ascii_opts, &g);
    dump(&g);
    bool seen_a = false, seen_c = false;
    for (int y = 0; y < g.h; y++) {
        const char *r = row(&g, y);
        seen_a |= strncmp(r, "|a ", 3) == 0;
        seen_c |= strncmp(r, "|c ", 3) == 0;
    }
    ck_assert(seen_a && seen_c);
    /* Esc after m sets nothing */
    type(&st, "m\033");
    ck_assert_uint_eq(st.marks_set, 1u | 4u);
    grid_free(&g);
}
END_TEST

/* Going back after a jump shows exactly the screen shown before it. */
START_TEST(test_back_from_a_jump_shows_the_same_screen)
{
    struct grid a, b;
    grid_init(&a, 120, 40);
    grid_init(&b, 120, 40);
    struct view_state st;
    view_state_init(&st);
    type(&st, "sssssn");
    view_render(m, &st, &utf8_opts, &a);
    type(&st, "@30ms\n");
    ck_assert_uint_ne(st.cursor, m->step_start[5] + 1);
    type(&st, "''");
    st.note[0] = '\0';  /* the key bar's answer is not part of the place */
    view_render(m, &st, &utf8_opts, &b);
    for (int k = 0; k < a.w * a.h; k++) {
        ck_assert_uint_eq(a.cells[k].ch, b.cells[k].ch);
        ck_assert_uint_eq(a.cells[k].role, b.cells[k].role);
    }
    grid_free(&a);
    grid_free(&b);
}
END_TEST

/* ---- indexes: the same answers as reading every event ---------------------- */

START_TEST(test_filter_index_agrees_with_decoding)
{
    static const char *const lessons[] = { "udp/echo.scn", "tcp/fast-retransmit.scn",
                                           "ip/fragmentation.scn", "link/hub-vs-switch.scn",
                                           "app/http.scn" };
    static const char *const filters[] = { "", "alice", "BOB", "tcp", "udp", "arp", "icmp",
                                           "ip", "IPv4", "eth", "ethernet", "drop", "link",
                                           "network", "transport", "socket", "app", "wire",
                                           "data,", "alice-bob", "http", "nothing" };
    for (size_t l = 0; l < sizeof lessons / sizeof lessons[0]; l++) {
        struct view_model tm;
        struct scenario *ts = lesson_model(&tm, lessons[l]);
        for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
            struct view_filter vf;
            view_filter_init(&vf, &tm, filters[f]);
            size_t hits = 0;
            for (size_t i = 0; i < tm.n_events; i++) {
                struct record_event ev;
                ck_assert(vm_event(&tm, i, &ev));
                bool slow = view_filter_match(&tm, &ev, filters[f]);
                ck_assert_msg(view_filter_hit(&tm, &vf, i) == slow, "%s: /%s at event %zu",
                              lessons[l], filters[f], i);
                hits += slow;
            }
            /* the filters that name something in the lesson find it */
            if (strcmp(filters[f], "nothing") != 0 && strcmp(filters[f], "drop") != 0 &&
                strcmp(filters[f], "icmp") != 0 && strcmp(filters[f], "data,") != 0 &&
                strcmp(filters[f], "tcp") != 0 && strcmp(filters[f], "udp") != 0 &&
                strcmp(filters[f], "alice-bob") != 0 && strcmp(filters[f], "http") != 0)
                ck_assert_msg(hits > 0, "%s: /%s found nothing", lessons[l], filters[f]);
        }
        /* and every screen of the lesson renders (a link to a switch has no
         * host at one end: under ASan this read out of bounds once) */
        struct grid g;
        grid_init(&g, 120, 40);
        struct view_state st;
        view_state_init(&st);
        for (st.cursor = 0; st.cursor < tm.n_events; st.cursor += 5)
            view_render(&tm, &st, &utf8_opts, &g);
        grid_free(&g);
        view_model_destroy(&tm);
        scenario_free(ts);
    }
}
END_TEST

START_TEST(test_layer_index_agrees_with_a_scan)
{
    struct view_model tm;
    struct scenario *ts = lesson_model(&tm, "tcp/fast-retransmit.scn");
    for (size_t i = 0; i < tm.n_events; i += 3) {
        for (int h = 0; h < (int)vm_n_hosts(&tm); h++) {
            for (int l = 0; l < LAYER_COUNT; l++) {
                size_t want = SIZE_MAX;
                struct record_event ev;
                for (size_t j = i + 1; j-- > 0;)
                    if (vm_event(&tm, j, &ev) && ev.host == h && (int)ev.layer == l) {
                        want = j;
                        break;
                    }
                ck_assert_uint_eq(vm_last_at_layer(&tm, h, (enum trace_layer)l, i), want);
            }
            size_t want = SIZE_MAX;
            struct record_event ev;
            for (size_t j = i + 1; j-- > 0;)
                if (vm_event(&tm, j, &ev) && ev.host == h && ev.kind == TRACE_STATE &&
                    ev.layer == LAYER_TCP) {
                    want = j;
                    break;
                }
            ck_assert_uint_eq(vm_last_tcp_state(&tm, h, i), want);
        }
    }
    /* every wire's frame left the link within wire_life events */
    for (size_t k = 0; k < tm.n_wires; k++)
        ck_assert_uint_le(tm.wires[k].end - tm.wires[k].at, tm.wire_life);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* An ACK moves snd_una with no state change, call or delivery on the
 * sender: the socket snapshot is older, and the sockets pane shows the
 * TCB the log's TCP event carries. */
START_TEST(test_sockets_pane_shows_the_tcb_of_the_event)
{
    struct view_model tm;
    struct scenario *ts = lesson_model(&tm, "tcp/slow-start.scn");
    size_t at = SIZE_MAX;
    uint32_t una = 0;
    for (size_t i = 0; i < tm.n_events && at == SIZE_MAX; i++) {
        struct record_event ev;
        ck_assert(vm_event(&tm, i, &ev));
        if (ev.kind != TRACE_RX || ev.layer != LAYER_TCP || !ev.has_tcb ||
            strcmp(ev.where, "alice") != 0)
            continue;
        const struct vm_snap *sn = snap_at(&tm, ev.host, i);
        for (size_t k = 0; sn != NULL && k < sn->n_socks; k++)
            if (sn->socks[k].has_tcb && sn->socks[k].lport == ev.tcb.lport &&
                sn->socks[k].snd_una != ev.tcb.snd_una - ev.tcb.iss &&
                ev.tcb.snd_una - ev.tcb.iss > 1000) {  /* an ACK of data */
                at = i;
                una = ev.tcb.snd_una - ev.tcb.iss;
            }
    }
    ck_assert_msg(at != SIZE_MAX, "no ACK after alice's latest socket snapshot");
    struct view_state st;
    view_state_init(&st);
    st.cursor = at;
    struct grid g;
    grid_init(&g, 120, 12);
    view_render_sockets(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 120, 12 });
    dump(&g);
    char want[32];
    snprintf(want, sizeof want, "snd.una %u ", una);
    bool seen = false;
    for (int y = 0; y < g.h; y++)
        seen |= strstr(row(&g, y), want) != NULL;
    ck_assert_msg(seen, "the pane does not show %s", want);
    grid_free(&g);
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* bob's half-open connection (SYN_RECEIVED, before accept() returns) has no
 * fd, so no socket: the pane shows it under his listener, as `ss -t -a`
 * shows SYN-RECV, with its TCB and what it waits for; once the handshake
 * completes it waits in the accept queue; after accept() it is a socket. */
START_TEST(test_sockets_show_listener_pending_connections)
{
    struct view_model tm;
    struct scenario *ts = lesson_model(&tm, "tcp/handshake.scn");
    size_t synrcvd = SIZE_MAX;
    for (size_t i = 0; i < tm.n_events && synrcvd == SIZE_MAX; i++) {
        struct record_event ev;
        ck_assert(vm_event(&tm, i, &ev));
        if (ev.kind == TRACE_STATE && strcmp(ev.where, "bob") == 0 &&
            strstr(ev.text, "-> SYN_RECEIVED") != NULL)
            synrcvd = i;
    }
    ck_assert_msg(synrcvd != SIZE_MAX, "bob never entered SYN_RECEIVED");
    int bob = -1;
    for (size_t h = 0; h < vm_n_hosts(&tm); h++)
        if (strcmp(vm_host_name(&tm, (int)h), "bob") == 0)
            bob = (int)h;
    const struct vm_snap *sn = snap_at(&tm, bob, synrcvd);
    ck_assert_ptr_nonnull(sn);
    size_t lst = SIZE_MAX;
    for (size_t k = 0; k < sn->n_socks; k++)
        if (strcmp(sn->socks[k].state, "LISTEN") == 0)
            lst = k;
    ck_assert_msg(lst != SIZE_MAX && lst + 1 < sn->n_socks, "no connection after the listener");
    const struct vm_sock *p = &sn->socks[lst + 1];
    ck_assert_int_eq(p->fd, -1);
    ck_assert_int_eq(p->listen_fd, sn->socks[lst].fd);
    ck_assert_str_eq(p->state, "SYN_RECEIVED");
    ck_assert(p->has_tcb);
    ck_assert_uint_eq(p->lport, sn->socks[lst].lport);
    ck_assert_uint_eq(p->rcv_nxt, 1);  /* the SYN, relative to the IRS */

    struct view_state st;
    view_state_init(&st);
    st.cursor = synrcvd;
    struct grid g;
    grid_init(&g, 40, 30);
    view_render_sockets(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 40, 30 });
    dump(&g);
    int at_l = -1, at_p = -1, at_una = -1;
    for (int y = 0; y < g.h; y++) {
        if (strstr(row(&g, y), "LISTEN") != NULL && at_l < 0)
            at_l = y;
        if (strstr(row(&g, y), "SYN_RECEIVED: handshake in progress") != NULL)
            at_p = y;
        if (at_p >= 0 && at_una < 0 && strstr(row(&g, y), "cwnd ") != NULL &&
            strstr(row(&g, y), "ssthresh ") != NULL)
            at_una = y;
    }
    ck_assert_msg(at_l >= 0 && at_p > at_l, "the half-open connection is not under the listener");
    ck_assert_msg(at_una > at_p, "its TCB is not shown");
    grid_free(&g);

    /* after bob's SYN_RECEIVED -> ESTABLISHED, before accept(): queued */
    size_t est = SIZE_MAX, acc = SIZE_MAX;
    for (size_t i = synrcvd; i < tm.n_events && acc == SIZE_MAX; i++) {
        struct record_event ev;
        ck_assert(vm_event(&tm, i, &ev));
        if (est == SIZE_MAX && ev.kind == TRACE_STATE && strcmp(ev.where, "bob") == 0 &&
            strstr(ev.text, "SYN_RECEIVED -> ESTABLISHED") != NULL)
            est = i;
        if (est != SIZE_MAX && ev.kind == TRACE_CALL && strcmp(ev.where, "bob") == 0 &&
            strstr(ev.text, "accept") != NULL)
            acc = i;
    }
    ck_assert(est != SIZE_MAX);
    st.cursor = est;
    grid_init(&g, 100, 30);
    view_render_sockets(&tm, &st, &ascii_opts, &g, (struct grid_rect){ 0, 0, 100, 30 });
    dump(&g);
    bool queued = false;
    for (int y = 0; y < g.h; y++)
        queued |= strstr(row(&g, y), "ESTABLISHED 192.0.2.2:80 192.0.2.1:") != NULL &&
                  strstr(row(&g, y), "in the accept queue, not accepted yet") != NULL;
    ck_assert_msg(queued, "the queued connection is not shown on one line");
    grid_free(&g);
    if (acc != SIZE_MAX) {
        sn = snap_at(&tm, bob, acc);
        for (size_t k = 0; sn != NULL && k < sn->n_socks; k++)
            ck_assert_int_lt(sn->socks[k].listen_fd, 0);  /* accepted: no longer pending */
    }
    view_model_destroy(&tm);
    scenario_free(ts);
}
END_TEST

/* The key bar at every width: '?' always on it, never a word cut at the
 * edge, and at 100 columns the keys a first-timer needs next (tab, /, :, @,
 * m) after stepping. */
START_TEST(test_keybar_fits_by_priority)
{
    static const char *const whats[] = { "event", "step", "back", "step back", "play",
                                         "speed", "first/last", "pane", "filter", "TCP states",
                                         "call", "time", "mark", "to mark", "help", "quit" };
    struct view_state st;
    view_state_init(&st);
    for (int w = 12; w <= 200; w++) {
        struct grid g;
        grid_init(&g, w, 1);
        view_render_keybar(&st, &g, (struct grid_rect){ 0, 0, w, 1 });
        char line[256];
        snprintf(line, sizeof line, "%s", row(&g, 0));
        size_t n = strlen(line);
        while (n > 0 && line[n - 1] == ' ')
            line[--n] = '\0';
        ck_assert_msg(strstr(line, "? help") != NULL, "no '? help' at %d: [%s]", w, line);
        bool whole = false;
        for (size_t i = 0; i < sizeof whats / sizeof whats[0]; i++) {
            size_t k = strlen(whats[i]);
            whole |= n >= k && strcmp(line + n - k, whats[i]) == 0;
        }
        ck_assert_msg(whole, "cut at %d: [%s]", w, line);
        if (w >= 52) {
            ck_assert_msg(strstr(line, "space event") && strstr(line, "s step") &&
                              strstr(line, "b back") && strstr(line, "q quit"),
                          "stepping keys missing at %d: [%s]", w, line);
        }
        if (w >= 100) {
            static const char *const need[] = { "tab pane", "/ filter", ": call", "@ time",
                                                "m mark" };
            for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
                ck_assert_msg(strstr(line, need[i]) != NULL, "no '%s' at %d: [%s]", need[i], w,
                              line);
        }
        grid_free(&g);
    }
}
END_TEST

static Suite *
view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("grid");
    tcase_add_test(tc, test_grid_box_and_text);
    tcase_add_test(tc, test_grid_ascii_replaces_non_ascii);
    tcase_add_test(tc, test_grid_wrap_breaks_at_words);
    suite_add_tcase(s, tc);

    tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_model_records_every_step);
    tcase_add_test(tc, test_model_pairs_wires_with_arrivals);
    tcase_add_test(tc, test_model_snapshots_as_of_the_cursor);
    tcase_add_test(tc, test_filter_index_agrees_with_decoding);
    tcase_add_test(tc, test_sockets_show_listener_pending_connections);
    tcase_add_test(tc, test_layer_index_agrees_with_a_scan);
    tcase_add_test(tc, test_sockets_pane_shows_the_tcb_of_the_event);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_steps_forward_and_back);
    tcase_add_test(tc, test_filter_keys_and_matching);
    tcase_add_test(tc, test_play_stops_at_the_end);
    tcase_add_test(tc, test_parse_time_units_and_signs);
    tcase_add_test(tc, test_jump_to_a_time);
    tcase_add_test(tc, test_bookmarks_set_list_and_jump);
    tcase_add_test(tc, test_back_from_a_jump_shows_the_same_screen);
    suite_add_tcase(s, tc);

    tc = tcase_create("panes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_header_says_where_we_are);
    tcase_add_test(tc, test_script_marks_the_step_and_shows_the_say);
    tcase_add_test(tc, test_layers_show_the_frame_on_the_wire);
    tcase_add_test(tc, test_layers_osi_labels);
    tcase_add_test(tc, test_events_pane_lines);
    tcase_add_test(tc, test_events_pane_names_an_injected_frames_line);
    tcase_add_test(tc, test_packet_decode_fields);
    tcase_add_test(tc, test_packet_decode_goes_by_the_bytes);
    tcase_add_test(tc, test_packet_pane_folds_and_bytes_highlight);
    tcase_add_test(tc, test_sockets_pane_highlights_changes);
    tcase_add_test(tc, test_sockets_pane_shows_the_tcb);
    tcase_add_test(tc, test_tcp_state_diagram_lights_the_transition);
    tcase_add_test(tc, test_sockets_pane_follows_the_host_and_scrolls);
    tcase_add_test(tc, test_script_say_gets_room_and_marks_a_cut);
    tcase_add_test(tc, test_tcp_state_diagram_short_pane_keeps_both_states);
    tcase_add_test(tc, test_tcp_state_diagram_fits_80_columns);
    tcase_add_test(tc, test_cmdline_hint_when_empty);
    tcase_add_test(tc, test_back_shows_the_same_screen);
    tcase_add_test(tc, test_ascii_screen_has_only_ascii);
    tcase_add_test(tc, test_help_lists_every_key);
    tcase_add_test(tc, test_keybar_fits_by_priority);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(view_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
