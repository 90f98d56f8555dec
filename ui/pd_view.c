/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_view.c - a packetdrill script shown step by step in the classroom view
 * (`netstep ui FILE.pkt [--personality P]`).
 *
 * The view is a cursor over a recorded lesson (view_model.h). A script is
 * made into one: a world with the script's host (`local`, 192.0.2.2/24, no
 * link) is opened as the view opens a lesson, the script is played in it by
 * sim/packetdrill/ with the view's event log attached, and each script line
 * becomes a step that starts where the runner began that line. The runner
 * narrates as it goes (pd_options.narrate): what the peer sends, what each
 * call returned, what netstep sent for each `>` line, and where the script
 * and netstep part; the last step says the verdict. A run that fails stops
 * at the failing line, as packetdrill's does: the steps end there.
 * Called by: tui.c. Calls: pd_script_load(), pd_run_in(), view_model_open().
 */
#include "ui/pd_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packetdrill/pd.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "ui/view_model.h"

/* Where each script line's events begin in the log. */
struct pd_view_lines {
    const struct view_model *m;  /* its log */
    size_t *start;               /* per script event: record count when it began */
    size_t n_started;            /* script events begun */
};

static void
pd_view_line(void *ctx, size_t i)
{
    struct pd_view_lines *l = ctx;
    l->start[i] = record_count(&l->m->rec);
    l->n_started = i + 1;
}

/* Line `line` (1-based) of text, without its indentation and trailing
 * blanks, into buf. */
static void
source_line(const char *text, unsigned line, char *buf, size_t n)
{
    const char *p = text;
    for (unsigned k = 1; k < line && p != NULL; k++) {
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    buf[0] = '\0';
    if (p == NULL)
        return;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t len = strcspn(p, "\n");
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    snprintf(buf, n, "%.*s", (int)len, p);
}

/* Append a step parsed from `stmt` and give it the text shown in the script
 * pane (and, for a say, the narration). -1 when it could not be added. */
static long
add_step(struct scenario *scn, const char *stmt, const char *shown, const char *say, int host)
{
    struct scn_diag diag;
    long k = scenario_parse_step(scn, stmt, (unsigned)scn->n_steps + 1, &diag);
    if (k < 0)
        return -1;
    struct scn_step *st = &scn->steps[k];
    char *t = strdup(shown);
    if (t == NULL)
        return -1;
    free(st->text);
    st->text = t;
    if (say != NULL) {
        char *s = strdup(say);
        if (s == NULL)
            return -1;
        free(st->say.text);
        st->say.text = s;
    }
    st->host = host;
    return k;
}

/* res->msg without its "FILE:LINE: " and with its line breaks as spaces. */
static void
verdict_words(const struct pd_script *sc, const struct pd_result *res, char *buf, size_t n)
{
    const char *m = res->msg;
    size_t pl = strlen(sc->path);
    if (strncmp(m, sc->path, pl) == 0 && m[pl] == ':') {
        m += pl + 1;
        while (*m >= '0' && *m <= '9')
            m++;
        if (*m == ':')
            m++;
        while (*m == ' ')
            m++;
    }
    /* packetdrill's two packet lines, as words */
    size_t k = 0;
    while (*m != '\0' && k + 1 < n) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(m, "\nscript packet:", 15) == 0) {
            rep = "; the script expected";
            skip = 15;
        } else if (strncmp(m, "\nactual packet:", 15) == 0) {
            rep = "; netstep sent";
            skip = 15;
        } else if (*m == '\n') {
            rep = "; ";
            skip = 1;
        }
        if (rep != NULL) {
            k += (size_t)snprintf(buf + k, n - k, "%s", rep);
            if (k >= n)
                k = n - 1;
            m += skip;
            while (skip > 1 && *m == ' ')
                m++;
            if (skip > 1 && k + 1 < n)
                buf[k++] = ' ';
            continue;
        }
        buf[k++] = *m++;
    }
    buf[k] = '\0';
}

bool
pd_view_is_script(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".pkt") == 0;
}

int
pd_view_open(struct view_model *m, struct scenario **scn_out, const char *path,
             const char *personality, bool seed_given, uint64_t seed, char *err, size_t err_len)
{
    *scn_out = NULL;
    struct pd_options o = { .tolerance_us = -1, .seed = seed_given ? seed : 1,
                            .personality = personality, .narrate = true,
                            /* step 1 is the introduction: event i is step i + 2 */
                            .step_of_event = 2 };
    o.defines[o.n_defines++] =
        personality != NULL && strcmp(personality, "freebsd") == 0 ? "FreeBSD" : "STANDARD";
    char msg[PD_MSG_LEN];
    struct pd_script *sc = pd_script_load(path, o.defines, o.n_defines, msg, sizeof msg);
    if (sc == NULL) {
        snprintf(err, err_len, "%s", msg);
        return 2;
    }
    size_t len;
    char why[128];
    char *text = scenario_read_file(path, &len, why, sizeof why);
    const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    const char *pname = personality != NULL ? personality : "netstep";
    /* The world: the script's host alone, as `netstep packetdrill` builds it. */
    char world[512];
    snprintf(world, sizeof world,
             "title \"packetdrill %s, personality %s\"\nseed %llu\nhost local 192.0.2.2/24\n",
             base, pname, (unsigned long long)o.seed);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_string(path, world, &diag);
    struct pd_view_lines lines = { .m = m };
    lines.start = calloc(sc->n_events + 1, sizeof *lines.start);
    if (text == NULL || scn == NULL || lines.start == NULL) {
        snprintf(err, err_len, "netstep: %s: %s", path,
                 text == NULL ? why : scn == NULL ? diag.first : "out of memory");
        goto fail;
    }
    if (view_model_open(m, scn, true, o.seed, err, err_len) < 0)
        goto fail;
    struct pd_observer obs = { .ctx = &lines, .line = pd_view_line };
    o.observer = &obs;
    struct pd_result res;
    pd_run_in(sc, &o, stdout, &res, &m->runner->sim, m->runner->hosts[0]);

    /* The verdict, in words, as the last event of the log. */
    char words[PD_MSG_LEN], say[PD_MSG_LEN + 256];
    verdict_words(sc, &res, words, sizeof words);
    size_t verdict_at = record_count(&m->rec);
    unsigned fail_line = 0;
    switch (res.verdict) {
    case PD_PASS:
        snprintf(say, sizeof say,
                 "Every line held: netstep, with the %s personality, answered as the script "
                 "expects.%s",
                 pname, res.not_modelled ? " Some shell lines were not modelled (their steps "
                                           "say which); the script ran on." : "");
        break;
    case PD_FAIL:
        fail_line = lines.n_started > 0 ? sc->events[lines.n_started - 1].line : 0;
        snprintf(say, sizeof say,
                 "Line %u did not hold, and the run stops there, as packetdrill's does: %s.",
                 fail_line, words);
        break;
    default:
        snprintf(say, sizeof say, "The script did not run: %s.", words);
        break;
    }
    pd_note(&m->runner->sim, "%s", say);

    /* The lesson the view shows: the introduction, a step a line run, the
     * verdict. */
    char intro[512];
    snprintf(intro, sizeof intro,
             "packetdrill script %s against netstep's TCP (personality %s). Each line is a step: "
             "< lines are segments the scripted peer sends, > lines what netstep must send, the "
             "others socket calls with the result the script expects.",
             base, pname);
    size_t first_step = scn->n_steps;
    if (add_step(scn, "say \"-\"", "packetdrill", intro, -1) < 0)
        goto fail_nomem;
    for (size_t i = 0; i < lines.n_started; i++) {
        const struct pd_event *ev = &sc->events[i];
        char src[256], shown[300];
        source_line(text, ev->line, src, sizeof src);
        snprintf(shown, sizeof shown, "%u: %s", ev->line, src);
        if (add_step(scn, "sleep 0s", shown, NULL, ev->kind == PD_EV_SYSCALL ? 0 : -1) < 0)
            goto fail_nomem;
    }
    if (add_step(scn, "say \"-\"", res.verdict == PD_PASS ? "pass" : res.verdict == PD_FAIL
                                                                         ? "FAIL"
                                                                         : "skipped",
                 say, -1) < 0)
        goto fail_nomem;

    /* Where each step starts: the introduction at the world's first event,
     * each line where the runner began it, the verdict at its note. */
    size_t n_steps = scn->n_steps - first_step;
    size_t *ss = realloc(m->step_start, (n_steps + 1) * sizeof *ss);
    if (ss == NULL)
        goto fail_nomem;
    m->step_start = ss;
    m->cap_steps = n_steps + 1;
    ss[0] = 0;
    for (size_t i = 0; i < lines.n_started; i++)
        ss[1 + i] = lines.start[i];
    ss[n_steps - 1] = verdict_at;
    m->n_steps = n_steps;
    m->n_events = record_count(&m->rec);
    ss[n_steps] = m->n_events;
    m->expects_passed = res.verdict == PD_PASS ? 1 : 0;
    m->expects_failed = res.verdict == PD_FAIL ? 1 : 0;
    record_compact(&m->rec);
    if (vm_index_extend(m) < 0 || m->rec.lost > 0)
        goto fail_nomem;
    free(lines.start);
    free(text);
    pd_script_free(sc);
    *scn_out = scn;
    return 0;

fail_nomem:
    snprintf(err, err_len, "netstep: out of memory recording %s", path);
    view_model_destroy(m);
fail:
    free(lines.start);
    free(text);
    scenario_free(scn);
    pd_script_free(sc);
    return 2;
}
