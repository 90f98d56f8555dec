/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_draw_labels.c - the ladder's labels never overlap (issue 13): a dense
 * burst (tcp/fast-retransmit's window of segments and its duplicate ACKs)
 * gets each label where it has room, slid along its arrow or put below it,
 * and leaves off the ones with no room; the retransmission's label, which
 * says why, is always shown. The check uses its own overlap test (corners
 * against edges), not the renderer's.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw_model.h"
#include "ui/draw_render.h"
#include "ui/view_model.h"

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

/* The four corners of a label box, in the picture's points. */
static void
corners(const struct draw_label_box *b, double x[4], double y[4])
{
    double c = cos(b->angle), s = sin(b->angle);
    static const int sx[4] = { -1, 1, 1, -1 }, sy[4] = { -1, -1, 1, 1 };
    for (int k = 0; k < 4; k++) {
        x[k] = b->cx + sx[k] * b->hw * c - sy[k] * b->hh * s;
        y[k] = b->cy + sx[k] * b->hw * s + sy[k] * b->hh * c;
    }
}

/* Whether point (px, py) is strictly inside the convex polygon x, y. */
static bool
inside(const double x[4], const double y[4], double px, double py)
{
    int sign = 0;
    for (int k = 0; k < 4; k++) {
        int n = (k + 1) % 4;
        double cr = (x[n] - x[k]) * (py - y[k]) - (y[n] - y[k]) * (px - x[k]);
        if (fabs(cr) < 1e-6)
            return false;
        int sg = cr > 0 ? 1 : -1;
        if (sign != 0 && sg != sign)
            return false;
        sign = sg;
    }
    return true;
}

/* Whether segments p0-p1 and q0-q1 cross properly. */
static bool
cross(double ax, double ay, double bx, double by, double cx, double cy, double dx, double dy)
{
    double d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    double d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
    double d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
    double d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
    return d1 * d2 < -1e-9 && d3 * d4 < -1e-9;
}

/* Two rectangles overlap when an edge of one crosses an edge of the other
 * or one holds a point of the other (a grid over it, edges included). */
static bool
overlap(const struct draw_label_box *a, const struct draw_label_box *b)
{
    double ax[4], ay[4], bx[4], by[4];
    corners(a, ax, ay);
    corners(b, bx, by);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            if (cross(ax[i], ay[i], ax[(i + 1) % 4], ay[(i + 1) % 4], bx[j], by[j],
                      bx[(j + 1) % 4], by[(j + 1) % 4]))
                return true;
    /* points all over each box, just inside its edges, against the other */
    const struct draw_label_box *box[2] = { a, b };
    for (int w = 0; w < 2; w++) {
        const struct draw_label_box *p = box[w];
        double ox[4], oy[4];
        corners(box[1 - w], ox, oy);
        double c = cos(p->angle), sn = sin(p->angle);
        for (int i = 0; i <= 8; i++)
            for (int j = 0; j <= 4; j++) {
                double u = (p->hw - 0.01) * (i / 4.0 - 1), v = (p->hh - 0.01) * (j / 2.0 - 1);
                if (inside(ox, oy, p->cx + u * c - v * sn, p->cy + u * sn + v * c))
                    return true;
            }
    }
    return false;
}

/* The ladder of a lesson and its label boxes; returns how many are shown
 * and fails the test if two shown ones overlap. */
static size_t
check_lesson(const char *rel, size_t *n_arrows, size_t *n_rexmit_shown, size_t *n_rexmit)
{
    struct view_model vm;
    struct scenario *s = build_lesson(&vm, rel);
    struct draw_select sel = { .to_ns = UINT64_MAX, .last_event = SIZE_MAX };
    struct draw_ladder l;
    char err[256];
    ck_assert_int_eq(draw_ladder_build(&vm, &sel, &l, err, sizeof err), 0);
    struct draw_label_box *b = calloc(l.n_arrows, sizeof *b);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(draw_ladder_labels(&l, b), 0);
    size_t shown = 0;
    *n_rexmit = *n_rexmit_shown = 0;
    for (size_t i = 0; i < l.n_arrows; i++) {
        if (l.arrows[i].why != NULL) {
            (*n_rexmit)++;
            *n_rexmit_shown += b[i].shown;
        }
        if (!b[i].shown)
            continue;
        shown++;
        ck_assert(b[i].hw > 10 && b[i].hh > 3);
        for (size_t j = 0; j < i; j++) {
            if (!b[j].shown)
                continue;
            ck_assert_msg(!overlap(&b[i], &b[j]), "%s: the labels of arrow %zu (%s) and %zu (%s) overlap",
                          rel, i, l.arrows[i].label, j, l.arrows[j].label);
            /* the renderer's own test agrees */
            ck_assert(!draw_label_boxes_overlap(&b[i], &b[j]));
        }
    }
    *n_arrows = l.n_arrows;
    free(b);
    draw_ladder_free(&l);
    view_model_destroy(&vm);
    scenario_free(s);
    return shown;
}

START_TEST(test_fast_retransmit_labels_do_not_overlap)
{
    size_t n, rs, r;
    size_t shown = check_lesson("tcp/fast-retransmit.scn", &n, &rs, &r);
    ck_assert_uint_ge(n, 25);
    /* the retransmission says why, always */
    ck_assert_uint_ge(r, 1);
    ck_assert_uint_eq(rs, r);
    /* most labels still fit: a burst loses some, not the picture's words */
    ck_assert_msg(shown * 2 > n, "only %zu of %zu labels shown", shown, n);
}
END_TEST

/* A ladder with room for everything keeps every label. */
START_TEST(test_handshake_keeps_every_label)
{
    size_t n, rs, r;
    size_t shown = check_lesson("tcp/handshake.scn", &n, &rs, &r);
    ck_assert_uint_eq(shown, n);
}
END_TEST

START_TEST(test_other_dense_ladders_do_not_overlap)
{
    size_t n, rs, r;
    check_lesson("tcp/sack-recovery.scn", &n, &rs, &r);
    ck_assert_uint_eq(rs, r);
    check_lesson("tcp/nagle-vs-delayed-ack.scn", &n, &rs, &r);
    check_lesson("link/switch-learning.scn", &n, &rs, &r);
}
END_TEST

/* The overlap test itself: two boxes side by side touch nothing; turned
 * into each other, they do. */
START_TEST(test_overlap_of_turned_boxes)
{
    struct draw_label_box a = { .shown = true, .cx = 0, .cy = 0, .angle = 0, .hw = 20, .hh = 5 };
    struct draw_label_box b = a;
    b.cy = 10.5;
    ck_assert(!draw_label_boxes_overlap(&a, &b));
    ck_assert(!overlap(&a, &b));
    b.cy = 9;
    ck_assert(draw_label_boxes_overlap(&a, &b));
    ck_assert(overlap(&a, &b));
    /* crossing labels of a data arrow and its ACK, the same middle */
    b.cy = 0;
    b.angle = 0.5;
    a.angle = -0.5;
    ck_assert(draw_label_boxes_overlap(&a, &b));
    ck_assert(overlap(&a, &b));
    /* far apart along a shared slope */
    b.angle = a.angle = 0.4;
    b.cx = 60 * cos(0.4);
    b.cy = 60 * sin(0.4);
    ck_assert(!draw_label_boxes_overlap(&a, &b));
    ck_assert(!overlap(&a, &b));
}
END_TEST

/* Each test runs in its own process (check forks): give back cairo's and
 * fontconfig's caches there, so the leak checker sees none. */
static void
teardown(void)
{
    draw_render_done();
}

static Suite *
labels_suite(void)
{
    Suite *s = suite_create("draw_labels");
    TCase *tc = tcase_create("ladder");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_overlap_of_turned_boxes);
    tcase_add_test(tc, test_fast_retransmit_labels_do_not_overlap);
    tcase_add_test(tc, test_handshake_keeps_every_label);
    tcase_add_test(tc, test_other_dense_ladders_do_not_overlap);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(labels_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
