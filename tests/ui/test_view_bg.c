/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_view_bg.c - recording a lesson behind the view (ui/view_bg.c),
 * headless: the recorder thread gives the model up at a yield point inside
 * a step when the view asks, the model the view then sees is whole (as of
 * the last step recorded) and equal to the same events recorded in the
 * foreground, the keys that need what is not recorded yet say so, the whole
 * recording equals view_model_build()'s, and a stop in the middle of a step
 * halts the world, joins the thread and leaks nothing (ASan).
 *
 * NETSTEP_UI_RECORD_HOLD holds the recorder after the setup steps, so
 * nothing here depends on how fast the machine is.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/scenario_run.h"
#include "sim/sim.h"
#include "ui/grid.h"
#include "ui/tui.h"
#include "ui/view.h"
#include "ui/view_bg.h"
#include "ui/view_model.h"
#include "ui/view_printed.h"

/* Eight steps of setup, then one step of a 4 MB transfer: tens of
 * thousands of events, many VIEW_BG_YIELD_EVENTS long. */
static const char lesson[] = "title \"a transfer\"\n"
                             "seed 1\n"
                             "host alice 192.0.2.1/24\n"
                             "host bob 192.0.2.2/24\n"
                             "link alice bob delay 1ms rate 100Mbit\n"
                             "bob: s = socket tcp\n"
                             "bob: bind s 9000\n"
                             "bob: listen s 5\n"
                             "bob: a = accept s &\n"
                             "alice: c = socket tcp\n"
                             "alice: connect c bob:9000\n"
                             "wait a\n"
                             "bob: recv a all timeout 3600s -> data &\n"
                             "alice: send c bytes 4000000\n"
                             "alice: close c\n"
                             "wait a\n"
                             "bob: close a\n";
#define SETUP_STEPS 8

static struct scenario *scn;
static struct view_model ref;       /* recorded in the foreground */
static struct view_model *m;        /* recorded behind */
static struct view_printed printed;
static struct view_bg bg;
static char hold[64];

static void
setup(void)
{
    struct scn_diag d;
    scn = scenario_parse_string("bg.scn", lesson, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    char err[256];
    ck_assert_msg(view_model_build(&ref, scn, false, 0, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_gt(ref.n_events, 8 * VIEW_BG_YIELD_EVENTS);
    /* the hold: after the setup steps, while this file exists */
    snprintf(hold, sizeof hold, "/tmp/netstep-bg-hold-%ld", (long)getpid());
    FILE *f = fopen(hold, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    char env[128];
    snprintf(env, sizeof env, "%d:%s", SETUP_STEPS, hold);
    setenv("NETSTEP_UI_RECORD_HOLD", env, 1);
    m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(view_model_open(m, scn, false, 0, err, sizeof err) == 0, "%s", err);
    memset(&printed, 0, sizeof printed);
    ck_assert_int_eq(view_printed_attach(&printed, m), 0);
    ck_assert_int_eq(view_bg_start(&bg, m, &printed), 0);
    unsetenv("NETSTEP_UI_RECORD_HOLD");
}

static void
teardown(void)
{
    unlink(hold);
    view_bg_stop(&bg);
    view_printed_detach(&printed, m);
    view_model_destroy(m);
    view_printed_free(&printed);
    free(m);
    view_model_destroy(&ref);
    scenario_free(scn);
}

static void
nap(void)
{
    struct timespec ts = { 0, 1000 * 1000 };
    nanosleep(&ts, NULL);
}

/* Wait (the lock not held) until the recorder holds after the setup steps;
 * returns with the lock held. */
static void
lock_at_hold(void)
{
    for (;;) {
        view_bg_lock(&bg);
        if (m->n_steps >= SETUP_STEPS)
            return;
        view_bg_unlock(&bg);
        nap();
    }
}

/* Lift the hold with the view still asking for the lock (want stays up,
 * the lock given and taken back), until the recorder has run into the
 * transfer's step and given the lock up at a yield point inside it. The
 * lock is held on return. */
static void
lock_inside_the_transfer(void)
{
    lock_at_hold();
    unlink(hold);
    while (record_count(&m->rec) == m->n_events && view_bg_recording(&bg)) {
        pthread_mutex_unlock(&bg.lock);
        nap();
        pthread_mutex_lock(&bg.lock);
    }
}

/* Events [0, n) of the model equal the foreground recording's. */
static void
same_events(const struct view_model *a, const struct view_model *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct record_event x, y;
        ck_assert(vm_event(a, i, &x));
        ck_assert(vm_event(b, i, &y));
        ck_assert_uint_eq(x.t_ns, y.t_ns);
        ck_assert_int_eq(x.kind, y.kind);
        ck_assert_uint_eq(x.len, y.len);
        ck_assert_msg(strcmp(x.text, y.text) == 0, "event %zu: '%s' against '%s'", i, x.text,
                      y.text);
    }
}

START_TEST(test_view_gets_the_model_inside_a_step)
{
    lock_inside_the_transfer();
    ck_assert(view_bg_recording(&bg));
    /* the log is ahead of the model: the lock was given up mid-step */
    ck_assert_uint_gt(record_count(&m->rec), m->n_events);
    ck_assert_uint_lt(record_count(&m->rec), ref.n_events);
    /* the model is whole as of its last step, and the same as recorded in
     * the foreground, sentences built lazily on this thread included */
    ck_assert_uint_eq(m->n_steps, SETUP_STEPS);
    ck_assert_uint_eq(m->step_start[m->n_steps], m->n_events);
    ck_assert_uint_gt(m->n_events, 0);
    same_events(&ref, m, m->n_events);
    struct grid g;
    ck_assert_int_eq(grid_init(&g, 160, 48), 0);
    struct view_state st;
    view_state_init(&st);
    struct view_opts o = { .utf8 = true, .recording = record_count(&m->rec) };
    view_render(m, &st, &o, &g);
    char line[512];
    grid_row_text(&g, 0, line, sizeof line);
    ck_assert_msg(strstr(line, "recording\u2026") != NULL, "header: %s", line);
    grid_free(&g);
    size_t seen = m->n_events;
    view_bg_unlock(&bg);
    view_bg_wait_done(&bg);
    /* the whole recording equals the foreground one */
    view_bg_lock(&bg);
    ck_assert(!view_bg_recording(&bg));
    ck_assert(!bg.failed);
    ck_assert_uint_gt(m->n_events, seen);
    ck_assert_uint_eq(m->n_events, ref.n_events);
    ck_assert_uint_eq(m->n_steps, ref.n_steps);
    for (size_t s = 0; s <= m->n_steps; s++)
        ck_assert_uint_eq(m->step_start[s], ref.step_start[s]);
    ck_assert_uint_eq(m->n_snaps, ref.n_snaps);
    ck_assert_uint_eq(m->n_wires, ref.n_wires);
    ck_assert_uint_eq(m->expects_passed, ref.expects_passed);
    same_events(&ref, m, m->n_events);
    view_bg_unlock(&bg);
}
END_TEST

START_TEST(test_keys_that_need_more_wait)
{
    lock_at_hold();
    ck_assert(view_bg_recording(&bg));
    size_t n = m->n_events;
    ck_assert_uint_gt(n, 2);
    struct view_state st;
    view_state_init(&st);
    /* at the start: forward and backward moves are answered now */
    ck_assert(!view_key_waits(m, &st, 'n'));
    ck_assert(!view_key_waits(m, &st, 's'));
    ck_assert(!view_key_waits(m, &st, 'g'));
    ck_assert(!view_key_waits(m, &st, 'p'));
    ck_assert(!view_key_waits(m, &st, 'q'));
    ck_assert(!view_key_waits(m, &st, '/'));
    /* the last event: G, the next event or step, and play wait */
    ck_assert(view_key_waits(m, &st, 'G'));
    st.cursor = n - 1;
    ck_assert(view_key_waits(m, &st, 'n'));
    ck_assert(view_key_waits(m, &st, ' '));
    ck_assert(view_key_waits(m, &st, 's'));
    ck_assert(view_key_waits(m, &st, 'p'));
    ck_assert(!view_key_waits(m, &st, 'b'));
    ck_assert(!view_key_waits(m, &st, 'S'));
    /* play: a tick waits when the event after the next is not recorded */
    st.playing = true;
    st.cursor = n - 2;
    ck_assert(view_key_waits(m, &st, VK_TICK));
    st.cursor = 0;
    ck_assert(!view_key_waits(m, &st, VK_TICK));
    st.playing = false;
    /* a time past the recorded end waits; one inside it does not */
    st.editing_time = true;
    snprintf(st.time_input, sizeof st.time_input, "100s");
    ck_assert(view_key_waits(m, &st, VK_ENTER));
    snprintf(st.time_input, sizeof st.time_input, "0s");
    ck_assert(!view_key_waits(m, &st, VK_ENTER));
    st.editing_time = false;
    /* a statement on the command line runs after the script: it waits */
    cmdline_open(&st.cmd);
    snprintf(st.cmd.text, sizeof st.cmd.text, "alice: x = socket udp");
    st.cmd.len = strlen(st.cmd.text);
    ck_assert(view_key_waits(m, &st, VK_ENTER));
    ck_assert(!view_key_waits(m, &st, 'x'));
    snprintf(st.cmd.text, sizeof st.cmd.text, "q");
    st.cmd.len = 1;
    ck_assert(!view_key_waits(m, &st, VK_ENTER));
    /* a key that waits gives, once recorded, what it gives on the whole log */
    view_state_init(&st);
    view_bg_unlock(&bg);
    unlink(hold);
    view_bg_wait_done(&bg);
    view_bg_lock(&bg);
    struct view_state a, b;
    view_state_init(&a);
    view_state_init(&b);
    ck_assert(view_key(m, &a, 'G'));
    ck_assert(view_key(&ref, &b, 'G'));
    ck_assert_uint_eq(a.cursor, ref.n_events - 1);
    ck_assert_uint_eq(a.cursor, b.cursor);
    view_bg_unlock(&bg);
}
END_TEST

/* The header while recording, at width w: the text's last column is w - 2
 * (one blank after it, as every header ends), whatever its bytes. */
static void
header_ends_with(int w, const char *tail, uint32_t last)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, w, 24), 0);
    struct view_state st;
    view_state_init(&st);
    struct view_opts o = { .utf8 = true, .recording = 1010006 };
    view_render(m, &st, &o, &g);
    char line[1024];
    grid_row_text(&g, 0, line, sizeof line);
    ck_assert_msg(strstr(line, tail) != NULL, "%dx24 header: '%s'", w, line);
    ck_assert_msg(strstr(line, "t=0.000000 s") != NULL, "%dx24 header cut: '%s'", w, line);
    ck_assert_msg(grid_at(&g, w - 2, 0)->ch == last && grid_at(&g, w - 1, 0)->ch == ' ',
                  "%dx24 header not right-aligned: '%s'", w, line);
    grid_free(&g);
}

START_TEST(test_header_while_recording_fits)
{
    lock_at_hold();
    /* the ellipsis is three bytes and one column: the count ends where the
     * play word would; below 100 columns the word "events" goes, so a
     * million-event count leaves the time and the cursor in sight */
    header_ends_with(100, "recording\u2026 1010006 events", 's');
    header_ends_with(80, "recording\u2026 1010006", '6');
    view_bg_unlock(&bg);
}
END_TEST

START_TEST(test_stop_inside_a_step_halts_and_joins)
{
    lock_inside_the_transfer();
    size_t at = record_count(&m->rec);
    view_bg_unlock(&bg);
    view_bg_stop(&bg);
    ck_assert(!bg.started);
    /* the world halted at the next yield point, long before the end */
    ck_assert_int_eq(m->runner->sim.halted, SIM_HALT_SIGNAL);
    ck_assert_uint_ge(record_count(&m->rec), at);
    ck_assert_uint_lt(record_count(&m->rec), ref.n_events);
    ck_assert_uint_lt(m->n_steps, ref.n_steps);
    /* a second stop is harmless; teardown frees all (ASan: no leak) */
    view_bg_stop(&bg);
}
END_TEST

START_TEST(test_stop_while_held)
{
    lock_at_hold();
    view_bg_unlock(&bg);
    view_bg_stop(&bg);
    ck_assert_uint_eq(m->n_steps, SETUP_STEPS);
    ck_assert_int_eq(m->runner->sim.halted, SIM_HALT_NONE);
}
END_TEST

static Suite *
bg_suite(void)
{
    Suite *s = suite_create("view_bg");
    TCase *tc = tcase_create("recorder");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_view_gets_the_model_inside_a_step);
    tcase_add_test(tc, test_keys_that_need_more_wait);
    tcase_add_test(tc, test_header_while_recording_fits);
    tcase_add_test(tc, test_stop_inside_a_step_halts_and_joins);
    tcase_add_test(tc, test_stop_while_held);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(bg_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
