/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ui/quiz.c - `netstep quiz FILE`: the lesson's questions in a plain
 * terminal. Each `ask` is printed when the script reaches it, before
 * anything it asks about has happened; the student types an answer (one a
 * line, so answers can be piped in); the stack then runs on, and when it has
 * given its answer the quiz reveals it with the event that gave it and says
 * whether the prediction was right. The score comes at the end.
 */
#include "ui/quiz.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/scenario_run.h"

#define QUIZ_LINE_MAX 256

struct quiz {
    const struct scenario *scn;
    FILE *in;
    FILE *out;
    char (*typed)[QUIZ_LINE_MAX];  /* per step: what the student typed */
    unsigned asked;
    unsigned right;
    unsigned revealed;
    bool input_ended;
};

/* s without blanks around it, in place. */
static char *
trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* A number as the stack prints it: decimal digits, an optional sign. */
static bool
as_number(const char *s, long long *out)
{
    char *end;
    if (*s == '\0')
        return false;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

bool
quiz_answer_matches(const char *typed, const char *answer, unsigned choice, size_t n_choices)
{
    long long a, b;

    if (typed[0] == '\0')
        return false;
    if (strcasecmp(typed, answer) == 0)
        return true;
    if (n_choices > 0 && choice > 0 && as_number(typed, &a) && a == (long long)choice)
        return true;
    if (as_number(typed, &a) && as_number(answer, &b))
        return a == b;
    if (strcasecmp(answer, "yes") == 0)
        return strcasecmp(typed, "y") == 0;
    if (strcasecmp(answer, "no") == 0)
        return strcasecmp(typed, "n") == 0;
    return false;
}

static void
on_ask(void *ctx, const struct scn_step *st, size_t step_no)
{
    struct quiz *q = ctx;
    const struct scn_ask_args *a = &st->ask;
    char line[QUIZ_LINE_MAX];

    q->asked++;
    fprintf(q->out, "\nQuestion %u (line %u): %s\n", q->asked, st->line, a->question);
    for (size_t i = 0; i < a->n_choices; i++)
        fprintf(q->out, "  %zu) %s\n", i + 1, a->choices[i]);
    fprintf(q->out, "your answer%s: ", a->n_choices > 0 ? " (number or text)" : "");
    fflush(q->out);
    line[0] = '\0';
    if (q->input_ended || fgets(line, sizeof(line), q->in) == NULL) {
        q->input_ended = true;
        line[0] = '\0';
    } else if (strchr(line, '\n') == NULL) {
        /* A line longer than an answer: the rest of it is not the next one. */
        int ch;
        while ((ch = fgetc(q->in)) != EOF && ch != '\n')
            ;
    }
    char *t = trim(line);
    /* Piped answers are not echoed by a terminal: show what was read. */
    fprintf(q->out, "%s\n", t[0] != '\0' ? t : "(no answer: just reveal)");
    snprintf(q->typed[step_no - 1], QUIZ_LINE_MAX, "%s", t);
}

static void
on_answer(void *ctx, const struct scn_step *st, size_t step_no, const struct scn_ask_answer *ans)
{
    struct quiz *q = ctx;
    const char *typed = q->typed[step_no - 1];
    char t[32];

    fprintf(q->out, "\nAnswer (line %u): %s\n", st->line, st->ask.question);
    if (!ans->answered) {
        fprintf(q->out, "  the stack never answered it: %s\n", ans->why);
        return;
    }
    q->revealed++;
    if (ans->choice > 0)
        fprintf(q->out, "  answer: %u) %s\n", ans->choice, ans->text);
    else
        fprintf(q->out, "  answer: %s\n", ans->text);
    if (ans->from_stack) {
        snprintf(t, sizeof(t), "%" PRIu64 ".%06" PRIu64, ans->t_ns / 1000000000u,
                 (ans->t_ns % 1000000000u) / 1000u);
        fprintf(q->out, "  from event %" PRIu64 " at %s s: %s\n", ans->event, t,
                ans->event_text);
    }
    if (typed[0] == '\0') {
        fprintf(q->out, "  (not answered)\n");
    } else if (quiz_answer_matches(typed, ans->text, ans->choice, st->ask.n_choices)) {
        q->right++;
        fprintf(q->out, "  you said %s: right\n", typed);
    } else {
        fprintf(q->out, "  you said %s: not this time\n", typed);
    }
}

int
quiz_run(const struct scenario *scn, bool seed_given, uint64_t seed, FILE *in, FILE *out)
{
    struct quiz q = { .scn = scn, .in = in, .out = out };
    struct scn_run_opts opts = {
        .seed_given = seed_given,
        .seed = seed,
        .no_tap = true,
        .on_ask = on_ask,
        .on_answer = on_answer,
    };
    char err[512];
    int rc = 0;

    opts.ask_ctx = &q;
    q.typed = calloc(scn->n_steps + 1, sizeof(*q.typed));
    struct scn_runner *r = calloc(1, sizeof(*r));
    if (q.typed == NULL || r == NULL) {
        fprintf(stderr, "netstep: out of memory\n");
        free(q.typed);
        free(r);
        return 2;
    }
    if (scn_runner_init(r, scn, &opts, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        free(q.typed);
        free(r);
        return 2;
    }
    fprintf(out, "netstep quiz: %s\n", scn->title != NULL ? scn->title : scn->name);
    if (scn->about != NULL)
        fprintf(out, "%s\n", scn->about);
    fprintf(out, "Answer each question before the stack does; an empty line just reveals.\n");
    scn_runner_run(r);
    if (r->asks_unanswered > 0)
        rc = 1;
    scn_runner_destroy(r);
    free(r);
    if (q.asked == 0)
        fprintf(out, "\nThis lesson asks no questions.\n");
    else
        fprintf(out, "\nscore: %u of %u right (%u revealed)\n", q.right, q.asked, q.revealed);
    free(q.typed);
    return rc;
}
