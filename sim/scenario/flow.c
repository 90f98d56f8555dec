/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/flow.c - flow control: sleep, pause, wait, repeat N { ... }
 * and at TIME.
 */
#include "sim/scenario/parse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int
parse_sleep(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_SLEEP);
    if (t == NULL)
        return perr(p, kw->col, "sleep needs a duration");
    if (get_dur(p, t, &st->sleep.duration_ns) < 0)
        return -1;
    return expect_end(p, c);
}

int
parse_pause(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    (void)kw;
    step_init(st, SCN_STEP_PAUSE);
    if (t == NULL)
        return 0;
    if (get_text(p, t, "pause", &st->say.text) < 0)
        return -1;
    return expect_end(p, c);
}

/* wait VAR (the host is found from the background calls). */
int
parse_wait(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_WAIT);
    if (t == NULL)
        return perr(p, kw->col, "wait needs the socket of a background call, like 'wait a'");
    if (parse_wait_var(p, t, -1, st) < 0)
        return -1;
    return expect_end(p, c);
}



/* repeat N { ... }, or repeat N as NAME { ... } with $NAME = 1..N */
int
parse_repeat(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *tn = cur_next(c);
    const struct tok *tb = cur_next(c);
    const struct tok *tname = NULL;
    uint64_t n;

    if (p->in_at)
        return perr(p, kw->col, "at cannot schedule a repeat");
    if (tn == NULL)
        return perr(p, kw->col, "repeat needs a count and '{', like 'repeat 3 {' or 'repeat 3 "
                    "as i {'");
    if (get_uint(p, tn, "repeat count", 1, SCN_REPEAT_MAX, "", &n) < 0)
        return -1;
    if (tb != NULL && word_is(tb, "as")) {
        tname = cur_next(c);
        if (tname == NULL || tname->kind != TOK_WORD || !is_var_name(tname->text) ||
            tname->len > SCN_NAME_MAX)
            return perr(p, tname != NULL ? tname->col : tb->col + 2,
                        "repeat ... as needs a counter name, like 'repeat 3 as i {' (then $i "
                        "is 1, 2, 3 in the block)");
        for (size_t i = 0; i < p->n_repeats; i++)
            if (strcmp(p->repeats[i].counter, tname->text) == 0)
                return perr(p, tname->col, "counter '%s' is already the counter of the repeat "
                            "at %u:%u", tname->text, p->repeats[i].line, p->repeats[i].col);
        tb = cur_next(c);
    }
    if (tb == NULL || !word_is(tb, "{"))
        return perr(p, tb != NULL ? tb->col
                       : tname != NULL ? tname->col + (unsigned)tname->len
                                       : tn->col + (unsigned)tn->len,
                    "repeat needs '{' at the end of its line (the block ends with '}' on a line "
                    "of its own)");
    if (expect_end(p, c) < 0)
        return -1;
    struct repeat_open *ro = reserve(p->repeats, p->n_repeats, &p->cap_repeats, sizeof *ro);
    if (ro == NULL)
        return perr_oom(p);
    p->repeats = ro;
    ro = &ro[p->n_repeats++];
    memset(ro, 0, sizeof *ro);
    ro->count = n;
    ro->first_step = p->scn->n_steps;
    ro->file = p->lines[p->cur_line].file;
    ro->line = cur_lineno(p);
    ro->col = kw->col;
    if (tname != NULL)
        memcpy(ro->counter, tname->text, tname->len + 1);
    ro->value = 1;
    ro->body_line = p->cur_line + 1;
    return 0;
}

/* } : close the innermost repeat. A plain one copies its body count-1 more
 * times; a counted one parses its lines again with the next value of its
 * counter, so each pass may define its own names (c$i). */
int
parse_repeat_end(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    struct repeat_open ro;

    if (p->n_repeats == 0)
        return perr(p, kw->col, "'}' without a 'repeat N {' to close");
    if (expect_end(p, c) < 0)
        return -1;
    struct repeat_open *top = &p->repeats[p->n_repeats - 1];
    if (top->file != p->lines[p->cur_line].file) {
        p->n_repeats--;
        return perr(p, kw->col, "'}' closes a repeat of another file");
    }
    if (top->counter[0] != '\0') {
        /* A body with errors is not parsed again: one mistake, one message. */
        if (top->value < top->count && p->diag->n_errors == 0) {
            top->value++;
            p->cur_line = top->body_line - 1;  /* the caller's loop steps to the body */
            return 0;
        }
        p->n_repeats--;
        return 0;
    }
    ro = p->repeats[--p->n_repeats];
    size_t body = scn->n_steps - ro.first_step;
    if (body == 0)
        return 0;
    if (ro.count > 1 && body * (ro.count - 1) > SCN_STEPS_MAX - scn->n_steps)
        return perr(p, kw->col, "this repeat makes more than %u steps", SCN_STEPS_MAX);
    for (uint64_t k = 1; k < ro.count; k++) {
        for (size_t i = 0; i < body; i++) {
            struct scn_step *ns = reserve(scn->steps, scn->n_steps, &p->cap_steps, sizeof *ns);
            if (ns == NULL)
                return perr_oom(p);
            scn->steps = ns;
            if (step_copy(&ns[scn->n_steps], &ns[ro.first_step + i]) < 0)
                return perr_oom(p);
            scn->n_steps++;
        }
    }
    return 0;
}

/* The world statements a counted repeat may hold: each pass defines its own
 * host, router, switch, hub or link with the counter in its name and
 * addresses (host h$i 10.0.$i.1/16), which is how a world of thousands of
 * hosts is written. The rest (title, about, seed, include, tap) say
 * something once about the whole world. */
static bool
builds_with_counter(const struct tok *kw)
{
    static const char *const words[] = { "host", "router", "switch", "hub", "link" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(kw->text, words[i]) == 0)
            return true;
    return false;
}

/* World statements are not allowed inside a repeat, except those above
 * inside repeats that all have a counter. */
int
check_not_in_repeat(struct parser *p, const struct tok *kw)
{
    if (p->n_repeats == 0)
        return 0;
    const struct repeat_open *ro = &p->repeats[p->n_repeats - 1];
    if (builds_with_counter(kw)) {
        for (unsigned i = 0; i < p->n_repeats; i++) {
            const struct repeat_open *r = &p->repeats[i];
            if (r->counter[0] == '\0')
                return perr(p, kw->col, "%s inside a repeat needs a counter to tell the passes "
                            "apart: write 'repeat N as i {' (the repeat at %u:%u) and use $i "
                            "in the name", kw->text, r->line, r->col);
        }
        return 0;
    }
    return perr(p, kw->col, "%s cannot be inside a repeat (the repeat at %u:%u): it "
                "describes the world, not a step", kw->text, ro->line, ro->col);
}

/* at TIME STATEMENT */
int
parse_at(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *tt = cur_next(c);
    const struct tok *t;
    uint64_t at_ns;
    int rc;

    if (p->in_at)
        return perr(p, kw->col, "at cannot schedule another at");
    if (tt == NULL)
        return perr(p, kw->col, "at needs a time and a statement, like 'at 2s alice: send c "
                    "\"hi\"'");
    if (get_dur(p, tt, &at_ns) < 0)
        return -1;
    t = cur_peek(c);
    if (t == NULL)
        return perr(p, kw->col, "at needs a statement after the time");
    const struct stmt_def *def = stmt_find(t);
    if (def != NULL && (def->where & STMT_AT) == 0)
        return perr(p, t->col, "at cannot schedule '%s' (it schedules host calls, say, "
                        "expect, set, drop rules and 'link A B down|up')", t->text);
    p->in_at = true;
    rc = parse_statement(p, c, st);
    p->in_at = false;
    if (rc < 0)
        return -1;
    if (rc == 0)
        return perr(p, t->col, "at needs a statement after the time");
    if (st->kind == SCN_STEP_WAIT)
        return perr(p, t->col, "at cannot schedule a wait");
    st->has_at = true;
    st->at_ns = at_ns;
    return 1;
}

/* ---------------------------------------------------------------------------
 * The rows of sleep and pause: print, compare, copy, clear
 * ------------------------------------------------------------------------- */

void
print_sleep(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    (void)scn;
    fputs("sleep ", out);
    print_dur(out, st->sleep.duration_ns);
}

bool
eq_sleep(const struct scn_step *a, const struct scn_step *b)
{
    return a->sleep.duration_ns == b->sleep.duration_ns;
}

void
print_pause(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    (void)scn;
    fputs("pause", out);
    if (st->say.text != NULL) {
        fputc(' ', out);
        print_cstr(out, st->say.text);
    }
}
