/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/faults.c - per-packet rules: drop, duplicate, corrupt and
 * delay NTH FILTER.
 */
#include "sim/scenario/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* drop NTH FILTER: "3rd", "1st", "22nd", "11th". */
int
parse_drop(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t = cur_next(c);
    size_t nd = 0;
    uint64_t n;
    const char *want;

    struct line trimmed;

    step_init(st, SCN_STEP_DROP);
    st->drop.action = word_is(kw, "delay")       ? SCN_RULE_DELAY
                      : word_is(kw, "duplicate") ? SCN_RULE_DUPLICATE
                      : word_is(kw, "corrupt")   ? SCN_RULE_CORRUPT
                                                 : SCN_RULE_DROP;
    if (t == NULL)
        return perr(p, kw->col, "%s needs which one and what, like '%s 3rd tcp from alice%s'",
                    kw->text, kw->text, st->drop.action == SCN_RULE_DELAY ? " by 200ms" : "");
    /* delay ... by DUR: read the filter without the last two words. */
    if (st->drop.action == SCN_RULE_DELAY) {
        const struct tok *tby = c->ln->n_toks >= c->i + 2 ? &c->ln->toks[c->ln->n_toks - 2]
                                                          : NULL;
        if (tby == NULL || tby < t || !word_is(tby, "by"))
            return perr(p, kw->col, "delay needs 'by DURATION' at the end, like 'delay 3rd tcp "
                        "from alice by 200ms'");
        if (get_dur(p, tby + 1, &st->drop.delay_ns) < 0)
            return -1;
        trimmed = *c->ln;
        trimmed.n_toks -= 2;
        c->ln = &trimmed;
    }
    while (t->kind == TOK_WORD && is_digit(t->text[nd]))
        nd++;
    if (nd == 0 || parse_u64(t->text, nd, &n) != NUM_OK || n == 0 || n > UINT32_MAX)
        return perr(p, t->col, "expected which match to %s, like 1st, 2nd, 3rd or 10th, "
                    "found %s", kw->text, show(t).s);
    want = (n % 100 >= 11 && n % 100 <= 13) ? "th"
           : n % 10 == 1                   ? "st"
           : n % 10 == 2                   ? "nd"
           : n % 10 == 3                   ? "rd"
                                           : "th";
    if (strcmp(t->text + nd, want) != 0)
        return perr(p, t->col, "write '%" PRIu64 "%s', not %s", n, want, show(t).s);
    st->drop.nth = (uint32_t)n;
    if (parse_filter(p, c, &st->drop.filter) < 0)
        return -1;
    if (cur_peek(c) == NULL && st->drop.filter.proto == SCN_PROTO_ANY &&
        !st->drop.filter.has_from && !st->drop.filter.has_to)
        return perr(p, t->col + (unsigned)t->len + 1, "%s needs a filter saying which frames "
                    "count, like 'tcp from alice'", kw->text);
    return expect_end(p, c);
}

void
init_drop(struct scn_step *st)
{
    st->drop.filter.from.host = -1;
    st->drop.filter.to.host = -1;
}

void
print_drop(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    uint32_t n = st->drop.nth;
    const char *sfx = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                      : n % 10 == 1                   ? "st"
                      : n % 10 == 2                   ? "nd"
                      : n % 10 == 3                   ? "rd"
                                                      : "th";

    fprintf(out, "%s %u%s", scn_rule_action_name(st->drop.action), (unsigned)n, sfx);
    print_filter(out, scn, &st->drop.filter);
    if (st->drop.action == SCN_RULE_DELAY) {
        fputs(" by ", out);
        print_dur(out, st->drop.delay_ns);
    }
}

bool
eq_drop(const struct scn_step *a, const struct scn_step *b)
{
    return a->drop.nth == b->drop.nth && filter_eq(&a->drop.filter, &b->drop.filter) &&
           a->drop.action == b->drop.action && a->drop.delay_ns == b->drop.delay_ns;
}

/* ---------------------------------------------------------------------------
 * link A B down|up: a link's state as a step
 * ------------------------------------------------------------------------- */

/* The link whose ends are written ta and tb (either order), or an error. */
static int
find_link(struct parser *p, const struct tok *ta, const struct tok *tb, int *out)
{
    const struct scenario *scn = p->scn;
    int ah, ai, as, bh, bi, bs;

    if (get_link_end(p, ta, &ah, &ai, &as) < 0 || get_link_end(p, tb, &bh, &bi, &bs) < 0)
        return -1;
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        for (int flip = 0; flip < 2; flip++) {
            int xh = flip ? l->b : l->a, xi = flip ? l->b_if : l->a_if, xs = flip ? l->b_sw : l->a_sw;
            int yh = flip ? l->a : l->b, yi = flip ? l->a_if : l->b_if, ys = flip ? l->a_sw : l->b_sw;
            if (xh == ah && xs == as && (ai < 0 || ai == xi) && yh == bh && ys == bs &&
                (bi < 0 || bi == yi)) {
                *out = (int)i;
                return 0;
            }
        }
    }
    return perr(p, ta->col, "there is no link between %s and %s", ta->text, tb->text);
}

/* link A B down|up: a step. */
int
parse_link_state(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *ta = cur_next(c);
    const struct tok *tb = cur_next(c);
    const struct tok *tw = cur_next(c);

    step_init(st, SCN_STEP_LINK_STATE);
    (void)kw;
    if (find_link(p, ta, tb, &st->link_state.link) < 0)
        return -1;
    st->link_state.down = word_is(tw, "down");
    return expect_end(p, c);
}

/* `link`: a link's definition (world), or `link A B down|up` (a step). */
int
parse_link_statement(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t3 = c->i + 2 < c->ln->n_toks ? &c->ln->toks[c->i + 2] : NULL;

    if (word_is(t3, "down") || word_is(t3, "up"))
        return parse_link_state(p, c, kw, st) < 0 ? -1 : 1;
    if (p->in_at)
        return perr(p, kw->col, "at cannot schedule a link's definition; it can schedule "
                    "'link A B down' and 'link A B up'");
    return check_not_in_repeat(p, kw) < 0 ? -1 : parse_link(p, c, kw);
}

void
print_link_state(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_link *l = &scn->links[st->link_state.link];

    fputs("link ", out);
    print_link_end(out, scn, l->a, l->a_if, l->a_sw);
    fputc(' ', out);
    print_link_end(out, scn, l->b, l->b_if, l->b_sw);
    fputs(st->link_state.down ? " down" : " up", out);
}

bool
eq_link_state(const struct scn_step *a, const struct scn_step *b)
{
    return a->link_state.link == b->link_state.link && a->link_state.down == b->link_state.down;
}
