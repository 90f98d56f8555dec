/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_live.c - the view's live side without a terminal: the ':' command
 * line's editing and completion (ui/cmdline.c), statements typed there
 * running in the recorded world, `:w` writing a scenario that replays to the
 * same end, and the cursor following a growing log.
 *
 * Keys go through view_key() and tui_session_apply() exactly as the frame
 * loop sends them, so what is tested is what a person at the keyboard gets.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/cmdline.h"
#include "ui/grid.h"
#include "ui/tui.h"
#include "ui/view.h"
#include "ui/view_model.h"

#define ECHO NETSTEP_SCENARIO_DIR "/udp/echo.scn"

/* ---- editing and completion: a small world of names ---------------------- */

static struct scenario *names;

static void
names_setup(void)
{
    struct scn_diag d;
    names = scenario_parse_string("n.scn",
                                  "host alice 192.0.2.1/24\n"
                                  "host bob 192.0.2.2/24\n"
                                  "host carol 192.0.2.3/24\n"
                                  "link alice bob\n"
                                  "bob: srv = socket udp\n"
                                  "bob: sock2 = socket tcp\n"
                                  "alice: c = socket udp\n"
                                  "ping alice bob -> summary\n",
                                  &d);
    ck_assert_msg(names != NULL, "%s", d.first);
}

static void
names_teardown(void)
{
    scenario_free(names);
}

/* Type text into an open line, then Tab; returns the line. */
static const char *
tab(struct cmdline *cl, const char *text)
{
    cmdline_open(cl);
    for (const char *p = text; *p; p++)
        cmdline_key(cl, names, (unsigned char)*p);
    cmdline_key(cl, names, CMDLINE_KEY_TAB);
    return cl->text;
}

START_TEST(test_complete_unique_names_and_words)
{
    struct cmdline cl = { 0 };
    ck_assert_str_eq(tab(&cl, "al"), "alice: ");
    ck_assert_str_eq(cl.msg, "");
    ck_assert_str_eq(tab(&cl, "bob: recvfrom sr"), "bob: recvfrom srv ");
    ck_assert_str_eq(tab(&cl, "alice: x = so"), "alice: x = socket ");
    ck_assert_str_eq(tab(&cl, "alice: x = socket t"), "alice: x = socket tcp ");
    ck_assert_str_eq(tab(&cl, "bob: y = accept so"), "bob: y = accept sock2 ");
    ck_assert_str_eq(tab(&cl, "ping al"), "ping alice ");
    ck_assert_str_eq(tab(&cl, "ping alice ca"), "ping alice carol ");
    ck_assert_str_eq(tab(&cl, "expect su"), "expect summary ");
    ck_assert_str_eq(tab(&cl, "expect bob srv st"), "expect bob srv state ");
    ck_assert_str_eq(tab(&cl, "set alice tcp.ms"), "set alice tcp.msl ");
    ck_assert_str_eq(tab(&cl, "at 2s bob: cl"), "at 2s bob: close ");
    ck_assert_str_eq(tab(&cl, "link alice bob d"), "link alice bob down ");
    ck_assert_str_eq(tab(&cl, "bob: shutdown sock2 rd"), "bob: shutdown sock2 rd");
    /* a destination is HOST:PORT, so no space after the colon */
    ck_assert_str_eq(tab(&cl, "alice: sendto c b"), "alice: sendto c bob:");
    /* another host's sockets are not offered */
    ck_assert_str_eq(tab(&cl, "alice: close s"), "alice: close s");
    ck_assert_str_eq(cl.msg, "nothing to complete here");
}
END_TEST

/* inject and replay: where the frame goes, its layers, each layer's fields
 * and the values some fields take, as docs/scenario-language.md lists them. */
START_TEST(test_complete_inject_and_replay)
{
    struct cmdline cl = { 0 };
    ck_assert_str_eq(tab(&cl, "inj"), "inject ");
    ck_assert_str_eq(tab(&cl, "rep"), "replay ");
    ck_assert_str_eq(tab(&cl, "inject i"), "inject into ");
    ck_assert_str_eq(tab(&cl, "inject into b"), "inject into bob ");
    ck_assert_str_eq(tab(&cl, "inject on al"), "inject on alice ");
    ck_assert_str_eq(tab(&cl, "inject on alice bo"), "inject on alice bob ");
    ck_assert_str_eq(tab(&cl, "inject on alice bob to a"), "inject on alice bob to alice ");
    ck_assert_str_eq(tab(&cl, "inject on alice bob ip"), "inject on alice bob ipv4 ");
    ck_assert_str_eq(tab(&cl, "inject into bob e"), "inject into bob eth ");
    /* after ipv4 its fields and the transports; a transport's fields after it */
    ck_assert_str_eq(tab(&cl, "inject on alice bob ipv4 t"), "inject on alice bob ipv4 t");
    ck_assert_str_eq(cl.msg, "ttl  tos  tcp");
    ck_assert_str_eq(tab(&cl, "inject on alice bob ipv4 tc"), "inject on alice bob ipv4 tcp ");
    ck_assert_str_eq(tab(&cl, "inject on alice bob ipv4 tcp sp"),
                     "inject on alice bob ipv4 tcp sport ");
    ck_assert_str_eq(tab(&cl, "inject on alice bob ipv4 tcp sport 4444 dport 80 fl"),
                     "inject on alice bob ipv4 tcp sport 4444 dport 80 flags ");
    ck_assert_str_eq(tab(&cl, "inject on alice bob ipv4 tcp sport 1 dport 2 sa"),
                     "inject on alice bob ipv4 tcp sport 1 dport 2 sack");
    ck_assert_str_eq(cl.msg, "sackok  sack");
    /* a field's value: an address is a host's name; csum's words */
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 src b"), "inject into bob ipv4 src bob ");
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 src bob dst bob tcp csum b"),
                     "inject into bob ipv4 src bob dst bob tcp csum bad ");
    /* a number is typed, not offered; `proto tcp` is a value, not the layer */
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 ttl "), "inject into bob ipv4 ttl ");
    ck_assert_str_eq(cl.msg, "nothing to complete here");
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 proto tcp t"),
                     "inject into bob ipv4 proto tcp t");
    ck_assert_str_eq(cl.msg, "ttl  tos  tcp");
    /* ICMP's kinds, and its quote written with the same words */
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 icmp unreach ne"),
                     "inject into bob ipv4 icmp unreach ne");
    ck_assert_str_eq(cl.msg, "net  needfrag");
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 icmp unreach needfrag mtu 296 qu"),
                     "inject into bob ipv4 icmp unreach needfrag mtu 296 quote ");
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 icmp unreach port quote w"),
                     "inject into bob ipv4 icmp unreach port quote whole ");
    ck_assert_str_eq(tab(&cl, "inject into bob ipv4 icmp unreach port quote ipv4 u"),
                     "inject into bob ipv4 icmp unreach port quote ipv4 udp ");
    /* ARP's fields */
    ck_assert_str_eq(tab(&cl, "inject on alice bob arp re"), "inject on alice bob arp re");
    ck_assert_str_eq(cl.msg, "request  reply");
    ck_assert_str_eq(tab(&cl, "inject on alice bob arp reply sp"),
                     "inject on alice bob arp reply spa ");
    /* replay FILE on A B to END */
    ck_assert_str_eq(tab(&cl, "replay \"x.pcap\" o"), "replay \"x.pcap\" on ");
    ck_assert_str_eq(tab(&cl, "replay \"x.pcap\" on alice b"), "replay \"x.pcap\" on alice bob ");
    ck_assert_str_eq(tab(&cl, "replay \"x.pcap\" on alice bob t"),
                     "replay \"x.pcap\" on alice bob to ");
    ck_assert_str_eq(tab(&cl, "replay \"x.pcap\" on alice bob to b"),
                     "replay \"x.pcap\" on alice bob to bob ");
}
END_TEST

START_TEST(test_complete_several_extends_and_lists)
{
    struct cmdline cl = { 0 };
    ck_assert_str_eq(tab(&cl, "bob: rec"), "bob: recv");
    ck_assert_str_eq(cl.msg, "recv  recvfrom");
    ck_assert(!cl.msg_error);
    ck_assert_str_eq(tab(&cl, "bob: close s"), "bob: close s");
    ck_assert_str_eq(cl.msg, "srv  sock2");
    ck_assert_str_eq(tab(&cl, "wait "), "wait ");
    ck_assert_str_eq(cl.msg, "srv  sock2  c");
    /* the first word: hosts as calls, then statements */
    struct cmdline_cands cands;
    cmdline_candidates(names, "", &cands);
    ck_assert_str_eq(cands.word[0], "alice:");
    ck_assert_str_eq(cands.word[1], "bob:");
    ck_assert_str_eq(cands.word[2], "carol:");
    ck_assert_str_eq(cands.word[3], "ping");
    ck_assert_uint_eq(cands.n, 3 + 15);
    /* inside a quoted text nothing is a name */
    ck_assert_str_eq(tab(&cl, "say \"al"), "say \"al");
    ck_assert_str_eq(cl.msg, "nothing to complete here");
    /* a socket a live line defined is offered to the next */
    ck_assert_int_ge(scenario_parse_step(names, "alice: newsock = socket tcp", 1, NULL), 0);
    ck_assert_str_eq(tab(&cl, "alice: connect n"), "alice: connect newsock ");
}
END_TEST

START_TEST(test_editing_keys)
{
    struct cmdline cl = { 0 };
    cmdline_open(&cl);
    ck_assert(cl.active);
    for (const char *p = "bob: clox"; *p; p++)
        cmdline_key(&cl, names, *p);
    cmdline_key(&cl, names, CMDLINE_KEY_BACKSPACE);
    cmdline_key(&cl, names, 's');
    ck_assert_str_eq(cl.text, "bob: clos");
    cmdline_key(&cl, names, CMDLINE_KEY_KILL);
    ck_assert_str_eq(cl.text, "");
    cmdline_key(&cl, names, 'x');
    cmdline_key(&cl, names, CMDLINE_KEY_ENTER);
    ck_assert(cl.submitted);
    ck_assert_str_eq(cl.history[0], "x");
    /* Up brings it back; Down leaves an empty line */
    cmdline_open(&cl);
    cmdline_key(&cl, names, CMDLINE_KEY_UP);
    ck_assert_str_eq(cl.text, "x");
    cmdline_key(&cl, names, CMDLINE_KEY_DOWN);
    ck_assert_str_eq(cl.text, "");
    /* Enter on an empty line, Esc, Backspace over nothing: all just close */
    cmdline_key(&cl, names, CMDLINE_KEY_ENTER);
    ck_assert(!cl.active);
    cmdline_open(&cl);
    cmdline_key(&cl, names, 'a');
    cmdline_key(&cl, names, CMDLINE_KEY_ESC);
    ck_assert(!cl.active);
    ck_assert(!cl.submitted);
    cmdline_open(&cl);
    cmdline_key(&cl, names, CMDLINE_KEY_BACKSPACE);
    ck_assert(!cl.active);
    /* the line holds at most CMDLINE_LEN - 1 bytes */
    cmdline_open(&cl);
    for (int i = 0; i < 2 * CMDLINE_LEN; i++)
        cmdline_key(&cl, names, 'a');
    ck_assert_uint_eq(cl.len, CMDLINE_LEN - 1);
    ck_assert_uint_eq(strlen(cl.text), CMDLINE_LEN - 1);
}
END_TEST

START_TEST(test_commands)
{
    const char *arg;
    ck_assert_int_eq(cmdline_command("q", &arg), CMDLINE_QUIT);
    ck_assert_int_eq(cmdline_command(" w  out.scn", &arg), CMDLINE_WRITE);
    ck_assert_str_eq(arg, "out.scn");
    ck_assert_int_eq(cmdline_command("w", &arg), CMDLINE_WRITE);
    ck_assert_str_eq(arg, "");
    ck_assert_int_eq(cmdline_command("wait a", &arg), CMDLINE_STATEMENT);
    ck_assert_int_eq(cmdline_command("q: s = socket udp", &arg), CMDLINE_STATEMENT);
    ck_assert_int_eq(cmdline_command("w: s = socket udp", &arg), CMDLINE_STATEMENT);
}
END_TEST

/* ---- statements in the recorded world ------------------------------------ */

static struct scenario *scn;
static struct view_model model;
static struct view_model *m = &model;
static struct view_state st;
static struct tui_session ss;
static char *orig;

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static void
open_echo(bool seed_given, uint64_t seed)
{
    struct scn_diag d;
    scn = scenario_parse_file(ECHO, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, seed_given, seed, err, sizeof err), 0);
    orig = slurp(ECHO);
    ss = (struct tui_session){ .m = m, .scn = scn, .orig = orig, .first_live = scn->n_steps,
                               .seed_given = seed_given };
    view_state_init(&st);
}

static void
live_setup(void)
{
    open_echo(false, 0);
}

static void
live_teardown(void)
{
    view_model_destroy(m);
    scenario_free(scn);
    free(orig);
}

/* Keys as --keys spells them: "\n" is Enter, "\t" Tab, "\e" Esc. Returns
 * false if a key asked the view to quit. */
static bool
keys(const char *s)
{
    for (; *s; s++) {
        int k = *s == '\n' ? VK_ENTER : *s == '\t' ? VK_TAB : *s == 27 ? VK_ESC
                                                                      : (unsigned char)*s;
        if (!view_key(m, &st, k) || !tui_session_apply(&ss, &st))
            return false;
    }
    return true;
}

static const char *
row(const struct grid *g, int y)
{
    static char buf[2][1024];
    static int k;
    k ^= 1;
    grid_row_text(g, y, buf[k], sizeof buf[k]);
    return buf[k];
}

/* Whether bytes b[0..n) hold the text s. */
static bool
holds(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; b != NULL && i + k <= n; i++)
        if (memcmp(b + i, s, k) == 0)
            return true;
    return false;
}

START_TEST(test_typed_call_runs_and_its_packets_join_the_log)
{
    size_t steps = m->n_steps, events = m->n_events;
    ck_assert(keys(":alice: d = socket udp\n"));
    ck_assert(keys(":alice: sendto d bob:7 \"hi again\"\n"));
    ck_assert(keys(":sleep 50ms\n"));
    ck_assert_uint_eq(m->n_steps, steps + 3);
    ck_assert_uint_eq(scn->n_steps, steps + 3);
    ck_assert_str_eq(scn->steps[steps + 1].text, "alice: sendto d bob:7 \"hi again\"");
    /* the cursor is on the first event of the last call */
    ck_assert_uint_eq(st.cursor, m->step_start[steps + 2]);
    /* the datagram crossed the wire and reached bob: its events are logged */
    bool sent = false, arrived = false;
    struct record_event ev;
    for (size_t i = events; vm_event(m, i, &ev); i++) {
        sent = sent || (ev.kind == TRACE_WIRE && holds(ev.bytes, ev.len, "hi again"));
        arrived = arrived || (ev.kind == TRACE_RX && strcmp(ev.where, "bob") == 0 &&
                              ev.layer == LAYER_UDP);
    }
    ck_assert(sent);
    ck_assert(arrived);
    /* the key bar says what the last call did until the next key */
    struct grid g;
    grid_init(&g, 80, 24);
    view_render(m, &st, &(struct view_opts){ .utf8 = false }, &g);
    ck_assert_msg(strstr(row(&g, 23), "sleep 50ms") != NULL, "%s", row(&g, 23));
    view_key(m, &st, 'x');
    view_render(m, &st, &(struct view_opts){ .utf8 = false }, &g);
    ck_assert_ptr_null(strstr(row(&g, 23), "sleep 50ms"));
    /* the script pane lists the typed calls as steps */
    char title[32];
    snprintf(title, sizeof title, "script %zu/%zu", steps + 3, steps + 3);
    ck_assert_msg(strstr(row(&g, 1), title) != NULL, "%s", row(&g, 1));
    grid_free(&g);
}
END_TEST

START_TEST(test_typed_error_shows_and_nothing_runs)
{
    size_t steps = m->n_steps, events = m->n_events, socks = scn->n_socks;
    ck_assert(keys(":alcie: d = socket udp\n"));
    ck_assert(st.cmd.active);  /* open, to be mended */
    ck_assert(st.cmd.msg_error);
    ck_assert_str_eq(st.cmd.msg, "error: unknown host 'alcie' (did you mean 'alice'?)");
    ck_assert_uint_eq(st.cmd.err_col, 1);
    ck_assert_uint_eq(m->n_steps, steps);
    ck_assert_uint_eq(m->n_events, events);
    ck_assert_uint_eq(scn->n_socks, socks);
    struct grid g;
    grid_init(&g, 80, 24);
    view_render(m, &st, &(struct view_opts){ .utf8 = false }, &g);
    ck_assert_str_eq(row(&g, 22), " error: unknown host 'alcie' (did you mean 'alice'?)");
    ck_assert_msg(strncmp(row(&g, 23), ":alcie: d = socket udp_", 23) == 0, "%s", row(&g, 23));
    grid_free(&g);
    /* mend it: the message goes with the first key, and the call runs */
    for (size_t i = strlen("alcie: d = socket udp"); i > 0; i--)
        view_key(m, &st, VK_BACKSPACE);
    ck_assert(st.cmd.active);
    ck_assert_str_eq(st.cmd.msg, "");
    ck_assert(keys("alice: d = socket udp\n"));
    ck_assert(!st.cmd.active);
    ck_assert_uint_eq(m->n_steps, steps + 1);
}
END_TEST

START_TEST(test_quit_and_help)
{
    struct grid g;
    grid_init(&g, 100, 40);
    view_key(m, &st, '?');
    view_render(m, &st, &(struct view_opts){ .utf8 = false }, &g);
    bool listed = false;
    for (int y = 0; y < g.h; y++)
        listed = listed || strstr(row(&g, y), "run a script line now") != NULL;
    ck_assert(listed);
    view_key(m, &st, 'x');
    grid_free(&g);
    ck_assert(!keys(":q\n"));
}
END_TEST

START_TEST(test_follow_only_from_the_last_event)
{
    /* the cursor elsewhere: it stays as the log grows */
    st.cursor = 3;
    size_t old_n = m->n_events;
    ck_assert(keys(":sleep 1ms\n"));
    st.cursor = 3;
    view_follow(m, &st, old_n);
    ck_assert_uint_eq(st.cursor, 3);
    /* on the last event: it goes to the newest */
    st.cursor = old_n - 1;
    view_follow(m, &st, old_n);
    ck_assert_uint_eq(st.cursor, m->n_events - 1);
    /* with a filter, to the newest the filter shows */
    strcpy(st.filter, "udp");
    st.cursor = old_n - 1;
    view_follow(m, &st, old_n);
    struct record_event ev;
    ck_assert(vm_event(m, st.cursor, &ev));
    ck_assert(view_filter_match(m, &ev, "udp"));
    ck_assert_uint_lt(st.cursor, old_n);
}
END_TEST

/* ---- :w replays to the same end ----------------------------------------- */

/* Every event of a and b alike: time, kind, layer, host, text and bytes.
 * With canonical, the script's notes may differ in spacing: a step's note
 * quotes its line, and a file written out in canonical form spells each
 * line its own way. */
static void
assert_same_log(const struct view_model *a, const struct view_model *b, bool canonical)
{
    ck_assert_uint_eq(a->n_events, b->n_events);
    for (size_t i = 0; i < a->n_events; i++) {
        struct record_event x, y;
        ck_assert(vm_event(a, i, &x));
        ck_assert(vm_event(b, i, &y));
        bool note = canonical && x.kind == TRACE_NOTE && x.layer == LAYER_APP;
        ck_assert_msg(x.t_ns == y.t_ns && x.kind == y.kind && x.layer == y.layer &&
                          x.host == y.host && (note || strcmp(x.text, y.text) == 0) &&
                          x.len == y.len &&
                          (x.len == 0 || memcmp(x.bytes, y.bytes, x.len) == 0),
                      "event %zu differs: '%s' vs '%s'", i, x.text, y.text);
    }
    ck_assert_uint_eq(a->expects_passed, b->expects_passed);
    ck_assert_uint_eq(a->expects_failed, b->expects_failed);
}

/* The saved file, parsed and recorded afresh. */
static struct scenario *
replay(const char *path, struct view_model *vm)
{
    struct scn_diag d;
    struct scenario *s2 = scenario_parse_file(path, &d);
    ck_assert_msg(s2 != NULL, "%s", d.first);
    char err[256];
    ck_assert_int_eq(view_model_build(vm, s2, false, 0, err, sizeof err), 0);
    return s2;
}

static const char *const session =
    ":bob: e = socket udp\n"
    ":bob: bind e 7000\n"
    ":alice: d = socket udp\n"
    ":alice: sendto d bob:7000 \"again\"\n"
    ":bob: recvfrom e 64 -> again\n"
    ":expect again == \"again\"\n"
    ":sleep 20ms\n";

START_TEST(test_save_keeps_the_file_and_appends_the_calls)
{
    char path[] = "/tmp/netstep-live-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(keys(session));
    char cmd[128];
    snprintf(cmd, sizeof cmd, ":w %s\n", path);
    ck_assert(keys(cmd));
    ck_assert(!st.cmd.msg_error);
    char want[160];
    snprintf(want, sizeof want, "wrote %s: the lesson and 7 statements typed here", path);
    ck_assert_str_eq(st.cmd.msg, want);
    /* the lesson's own text, comments and all, then the calls as typed */
    char *saved = slurp(path);
    ck_assert(strncmp(saved, orig, strlen(orig)) == 0);
    ck_assert_str_eq(saved + strlen(orig), "\n# typed on the command line of netstep ui\n"
                                           "bob: e = socket udp\n"
                                           "bob: bind e 7000\n"
                                           "alice: d = socket udp\n"
                                           "alice: sendto d bob:7000 \"again\"\n"
                                           "bob: recvfrom e 64 -> again\n"
                                           "expect again == \"again\"\n"
                                           "sleep 20ms\n");
    free(saved);
    /* no PATH.tmp is left behind */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_ne(access(tmp, F_OK), 0);
    struct view_model again;
    struct scenario *s2 = replay(path, &again);
    assert_same_log(m, &again, false);
    ck_assert_uint_eq(again.expects_failed, 0);
    view_model_destroy(&again);
    scenario_free(s2);
    unlink(path);
}
END_TEST

START_TEST(test_save_with_another_seed_says_it)
{
    live_teardown();
    open_echo(true, 7);  /* the file says seed 1 */
    char path[] = "/tmp/netstep-live-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(keys(session));
    char cmd[128];
    snprintf(cmd, sizeof cmd, ":w %s\n", path);
    ck_assert(keys(cmd));
    ck_assert_msg(!st.cmd.msg_error, "%s", st.cmd.msg);
    char *saved = slurp(path);
    ck_assert_msg(strstr(saved, "\nseed 7   # the view ran with --seed 7\n") != NULL, "%s",
                  saved);
    ck_assert_ptr_null(strstr(saved, "seed   1"));
    free(saved);
    struct view_model again;
    struct scenario *s2 = replay(path, &again);
    assert_same_log(m, &again, false);
    view_model_destroy(&again);
    scenario_free(s2);
    unlink(path);
}
END_TEST

START_TEST(test_save_of_a_file_with_includes_writes_it_all_out)
{
    live_teardown();
    struct scn_diag d;
    scn = scenario_parse_file(NETSTEP_TEST_DATA "/include/main.scn", &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
    orig = slurp(NETSTEP_TEST_DATA "/include/main.scn");
    ss = (struct tui_session){ .m = m, .scn = scn, .orig = orig, .first_live = scn->n_steps };
    char path[] = "/tmp/netstep-live-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(keys(":bob: t = socket udp\n:ping bob alice\n"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, ":w %s\n", path);
    ck_assert(keys(cmd));
    ck_assert_msg(!st.cmd.msg_error, "%s", st.cmd.msg);
    /* one file, the included hosts in it, wherever it is saved */
    char *saved = slurp(path);
    ck_assert_ptr_null(strstr(saved, "include \""));
    ck_assert_ptr_nonnull(strstr(saved, "host alice"));
    ck_assert_ptr_nonnull(strstr(saved, "ping bob alice"));
    free(saved);
    struct view_model again;
    struct scenario *s2 = replay(path, &again);
    assert_same_log(m, &again, true);
    view_model_destroy(&again);
    scenario_free(s2);
    unlink(path);
}
END_TEST

START_TEST(test_save_errors_are_said)
{
    ck_assert(keys(":w\n"));
    ck_assert(st.cmd.msg_error);
    ck_assert_str_eq(st.cmd.msg, "error: ':w' needs a file name, like ':w session.scn'");
    ck_assert(keys("\e:w /nonexistent-dir/x.scn\n"));
    ck_assert_str_eq(st.cmd.msg,
                     "error: /nonexistent-dir/x.scn.tmp: No such file or directory");
}
END_TEST

static Suite *
live_suite(void)
{
    Suite *s = suite_create("live");
    TCase *tc = tcase_create("cmdline");
    tcase_add_checked_fixture(tc, names_setup, names_teardown);
    tcase_add_test(tc, test_complete_unique_names_and_words);
    tcase_add_test(tc, test_complete_several_extends_and_lists);
    tcase_add_test(tc, test_complete_inject_and_replay);
    tcase_add_test(tc, test_editing_keys);
    tcase_add_test(tc, test_commands);
    suite_add_tcase(s, tc);

    tc = tcase_create("session");
    tcase_add_checked_fixture(tc, live_setup, live_teardown);
    tcase_add_test(tc, test_typed_call_runs_and_its_packets_join_the_log);
    tcase_add_test(tc, test_typed_error_shows_and_nothing_runs);
    tcase_add_test(tc, test_quit_and_help);
    tcase_add_test(tc, test_follow_only_from_the_last_event);
    tcase_add_test(tc, test_save_keeps_the_file_and_appends_the_calls);
    tcase_add_test(tc, test_save_with_another_seed_says_it);
    tcase_add_test(tc, test_save_of_a_file_with_includes_writes_it_all_out);
    tcase_add_test(tc, test_save_errors_are_said);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(live_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
