/*
 * sim/scenario/faults.c - per-packet rules: drop, duplicate, corrupt and
 * delay NTH FILTER.
 */
#include "sim/scenario/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/websocket.h"
#include "stack/inspect.h"

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
