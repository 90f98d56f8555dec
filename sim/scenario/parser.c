/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/parser.c - parser state and errors: the token cursor,
 * FILE:LINE:COL messages, and resolving host, socket and data-variable names
 * against what earlier lines defined.
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Parser state and errors
 * ------------------------------------------------------------------------- */

const struct tok *
cur_peek(const struct cur *c)
{
    return c->i < c->ln->n_toks ? &c->ln->toks[c->i] : NULL;
}

const struct tok *
cur_peek2(const struct cur *c)
{
    return c->i + 1 < c->ln->n_toks ? &c->ln->toks[c->i + 1] : NULL;
}

const struct tok *
cur_next(struct cur *c)
{
    const struct tok *t = cur_peek(c);

    if (t != NULL)
        c->i++;
    return t;
}

void
diag_clear(struct scn_diag *d)
{
    d->n_errors = 0;
    d->n_kept = 0;
    d->first[0] = '\0';
    d->n_warnings = 0;
    d->n_warn_kept = 0;
}

/* Record one warning at name:line:col. */
struct scn_error *
diag_warn(struct scn_diag *d, const char *name, unsigned line, unsigned col, const char *msg)
{
    d->n_warnings++;
    if (d->n_warn_kept >= SCN_DIAG_MAX)
        return NULL;

    struct scn_error *e = &d->warnings[d->n_warn_kept++];
    int n = snprintf(e->msg, sizeof e->msg, "%s:%u:%u: warning: ", name, line, col);
    e->line = line;
    e->col = col;
    if (n > 0 && (size_t)n < sizeof e->msg - 1)
        snprintf(e->msg + n, sizeof e->msg - (size_t)n, "%.*s",
                 (int)(sizeof e->msg - (size_t)n - 1), msg);
    e->src[0] = '\0';
    return e;
}

/* Record one error; line 0 means "about the whole file" (no position). */
struct scn_error *
diag_add(struct scn_diag *d, const char *name, unsigned line, unsigned col, const char *msg)
{
    d->n_errors++;
    if (d->n_kept >= SCN_DIAG_MAX)
        return NULL;

    struct scn_error *e = &d->errors[d->n_kept++];
    int n;
    e->line = line;
    e->col = line == 0 ? 0 : col;
    if (line == 0)
        n = snprintf(e->msg, sizeof e->msg, "%s: error: ", name);
    else
        n = snprintf(e->msg, sizeof e->msg, "%s:%u:%u: error: ", name, line, col);
    if (n > 0 && (size_t)n < sizeof e->msg - 1)
        snprintf(e->msg + n, sizeof e->msg - (size_t)n, "%.*s",
                 (int)(sizeof e->msg - (size_t)n - 1), msg);
    if (d->n_kept == 1)
        memcpy(d->first, e->msg, sizeof d->first);
    e->src[0] = '\0';
    return e;
}

/* Keep the source line src (may be NULL) with message e (may be NULL: not
 * kept), for showing it under the message. */
void
diag_set_src(struct scn_error *e, const char *src)
{
    if (e != NULL && src != NULL)
        snprintf(e->src, sizeof e->src, "%s", src);
}

/* The text of line lineno of file number file, or NULL. */
const char *
line_src(const struct parser *p, unsigned file, unsigned lineno)
{
    for (size_t i = 0; i < p->n_lines; i++)
        if (p->lines[i].file == file && p->lines[i].lineno == lineno)
            return p->lines[i].src;
    return NULL;
}

unsigned
cur_lineno(const struct parser *p)
{
    return p->cur_line < p->n_lines ? p->lines[p->cur_line].lineno : 0;
}

/* The name messages give the file of the current line. */
static const char *
cur_file(const struct parser *p)
{
    if (p->cur_line < p->n_lines && p->scn->files != NULL)
        return p->scn->files[p->lines[p->cur_line].file];
    return p->name;
}

/* Report a mistake at column col of the current line. Always returns -1, so
 * parse functions can `return perr(...)`. */

int
perr(struct parser *p, unsigned col, const char *fmt, ...)
{
    char msg[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_set_src(diag_add(p->diag, cur_file(p), cur_lineno(p), col, msg),
                 p->cur_line < p->n_lines ? p->lines[p->cur_line].src : NULL);
    return -1;
}

void
pwarn(struct parser *p, unsigned col, const char *fmt, ...)
{
    char msg[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_set_src(diag_warn(p->diag, cur_file(p), cur_lineno(p), col, msg),
                 p->cur_line < p->n_lines ? p->lines[p->cur_line].src : NULL);
}

int
perr_oom(struct parser *p)
{
    diag_add(p->diag, p->name, 0, 0, "out of memory");
    return -1;
}


struct shown
show(const struct tok *t)
{
    struct shown out;
    const char *q = t->kind == TOK_WORD ? "'" : "";

    if (t->raw_len > SHOW_MAX)
        snprintf(out.s, sizeof out.s, "%s%.*s...%s", q, SHOW_MAX - 3, t->raw, q);
    else
        snprintf(out.s, sizeof out.s, "%s%.*s%s", q, (int)t->raw_len, t->raw, q);
    return out;
}

bool
word_is(const struct tok *t, const char *w)
{
    return t != NULL && t->kind == TOK_WORD && strcmp(t->text, w) == 0;
}

/* Error for anything left on the line after a complete statement. */
int
expect_end(struct parser *p, struct cur *c)
{
    const struct tok *t = cur_peek(c);

    if (t == NULL)
        return 0;
    return perr(p, t->col, "unexpected %s at the end of the line", show(t).s);
}

/* Make room in arr (n used, *cap allocated, el bytes each) for one more
 * element. Returns the array, perhaps moved, or NULL when out of memory (arr
 * is then untouched). */
void *
reserve(void *arr, size_t n, size_t *cap, size_t el)
{
    size_t ncap;
    void *na;

    if (n < *cap)
        return arr;
    ncap = *cap == 0 ? 8 : *cap * 2;
    na = realloc(arr, ncap * el);
    if (na != NULL)
        *cap = ncap;
    return na;
}

/* ---------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------- */

int
scenario_switch_find(const struct scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->n_switches; i++)
        if (strcmp(scn->switches[i].name, name) == 0)
            return (int)i;
    return -1;
}

int
scenario_host_find(const struct scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->n_hosts; i++)
        if (strcmp(scn->hosts[i].name, name) == 0)
            return (int)i;
    return -1;
}

int
sock_find(const struct scenario *scn, int host, const char *name)
{
    for (size_t i = 0; i < scn->n_socks; i++)
        if (scn->socks[i].host == host && strcmp(scn->socks[i].name, name) == 0)
            return (int)i;
    return -1;
}

int
dvar_find(const struct scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->n_dvars; i++)
        if (strcmp(scn->dvars[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A `host NAME` line after the current one, for the hint "defined later". */
const struct tok *
host_defined_later(const struct parser *p, const char *name, unsigned *line)
{
    for (size_t i = p->cur_line + 1; i < p->n_lines; i++) {
        const struct line *ln = &p->lines[i];
        if (ln->err == NULL && ln->n_toks >= 2 &&
            (word_is(&ln->toks[0], "host") || word_is(&ln->toks[0], "router")) &&
            word_is(&ln->toks[1], name)) {
            *line = ln->lineno;
            return &ln->toks[1];
        }
    }
    return NULL;
}

/* Whether the unknown name s[0..n) of this kind (and host) was reported
 * already: then the caller fails without a message. Otherwise it is
 * remembered (the caller reports it now). */
bool
name_reported(struct parser *p, char kind, int host, const char *s, size_t n)
{
    char name[SCN_NAME_MAX + 1];
    struct reported *rp;

    snprintf(name, sizeof name, "%.*s", (int)(n > SCN_NAME_MAX ? SCN_NAME_MAX : n), s);
    for (size_t i = 0; i < p->n_reported; i++)
        if (p->reported[i].kind == kind && p->reported[i].host == host &&
            strcmp(p->reported[i].name, name) == 0)
            return true;
    rp = reserve(p->reported, p->n_reported, &p->cap_reported, sizeof *rp);
    if (rp == NULL)
        return false;  /* out of memory: report it again rather than never */
    p->reported = rp;
    rp = &rp[p->n_reported++];
    rp->kind = kind;
    rp->host = host;
    memcpy(rp->name, name, sizeof name);
    return false;
}

/* "unknown host 'alcie' (did you mean 'alice'?)" for the name s[0..n). */
int
err_unknown_host(struct parser *p, const char *s, size_t n, unsigned col)
{
    char name[EDIT_MAX + 1];
    struct suggest sg;
    unsigned later_line = 0;
    const struct tok *later;
    int shown = n > SHOW_MAX ? SHOW_MAX : (int)n;

    if (name_reported(p, 'h', -1, s, n))
        return -1;
    snprintf(name, sizeof name, "%.*s", (int)(n > EDIT_MAX ? EDIT_MAX : n), s);
    later = n <= SCN_NAME_MAX ? host_defined_later(p, name, &later_line) : NULL;
    if (later != NULL)
        return perr(p, col, "unknown host '%.*s' (it is defined later, at %u:%u; define "
                    "hosts before using them)", shown, s, later_line, later->col);
    suggest_init(&sg, name);
    for (size_t i = 0; i < p->scn->n_hosts; i++)
        suggest_try(&sg, p->scn->hosts[i].name);
    if (sg.best != NULL)
        return perr(p, col, "unknown host '%.*s' (did you mean '%s'?)", shown, s, sg.best);
    return perr(p, col, "unknown host '%.*s'", shown, s);
}

/* Check that t spells a valid name of the given sort. */
int
check_name(struct parser *p, const struct tok *t, bool host)
{
    const char *what = host ? "host" : "variable";

    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a %s name, found %s", what, show(t).s);
    if (host && !is_host_name(t->text))
        return perr(p, t->col, "bad host name %s (a host name starts with a-z or '_' and "
                    "uses a-z, 0-9, '_' and '-')", show(t).s);
    if (!host && !is_var_name(t->text))
        return perr(p, t->col, "bad variable name %s (a variable starts with a-z or '_' "
                    "and uses letters, digits and '_')", show(t).s);
    if (t->len > SCN_NAME_MAX)
        return perr(p, t->col, "name %s is longer than %d characters", show(t).s,
                    SCN_NAME_MAX);
    return 0;
}

/* The host named by word t, or an error. */
int
get_host(struct parser *p, const struct tok *t, int *out)
{
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a host name, found %s", show(t).s);
    *out = scenario_host_find(p->scn, t->text);
    if (*out < 0)
        return err_unknown_host(p, t->text, t->len, t->col);
    return 0;
}

/* The socket variable t of host h, or an error. */
int
get_sock(struct parser *p, const struct tok *t, int h, int *out)
{
    const struct scenario *scn = p->scn;
    struct suggest sg;

    if (t->kind != TOK_WORD || !is_var_name(t->text))
        return perr(p, t->col, "expected a socket variable, found %s", show(t).s);
    *out = sock_find(scn, h, t->text);
    if (*out >= 0)
        return 0;
    if (name_reported(p, 's', h, t->text, t->len))
        return -1;
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < scn->n_socks; i++)
        if (scn->socks[i].host == h)
            suggest_try(&sg, scn->socks[i].name);
    if (sg.best != NULL)
        return perr(p, t->col, "%s has no socket %s (did you mean '%s'?)", scn->hosts[h].name,
                    show(t).s, sg.best);
    return perr(p, t->col, "%s has no socket %s (sockets are defined with 'VAR = socket "
                "udp')", scn->hosts[h].name, show(t).s);
}

static const char *
dvar_kind_phrase(enum scn_dvar_kind k)
{
    return k == SCN_DVAR_PING ? "a ping summary" : "received data";
}

/* `-> NAME`: define (or reuse) the data variable t. */
int
def_dvar(struct parser *p, const struct tok *arrow, const struct tok *t, enum scn_dvar_kind kind,
         int *out)
{
    struct scenario *scn = p->scn;

    if (t == NULL)
        return perr(p, arrow->col, "'->' needs a name, like '-> reply'");
    if (check_name(p, t, false) < 0)
        return -1;
    if (scenario_host_find(scn, t->text) >= 0)
        return perr(p, t->col, "%s is a host; the data needs another name", show(t).s);
    *out = dvar_find(scn, t->text);
    if (*out >= 0) {
        const struct scn_dvar *dv = &scn->dvars[*out];
        if (dv->kind != kind)
            return perr(p, t->col, "%s already holds %s (defined at %u:%u)", show(t).s,
                        dvar_kind_phrase(dv->kind), dv->line, dv->col);
        return 0;
    }
    struct scn_dvar *dvs = reserve(scn->dvars, scn->n_dvars, &p->cap_dvars, sizeof *dvs);
    if (dvs == NULL)
        return perr_oom(p);
    scn->dvars = dvs;
    struct scn_dvar *dv = &dvs[scn->n_dvars++];
    memset(dv, 0, sizeof *dv);
    memcpy(dv->name, t->text, t->len + 1);
    dv->kind = kind;
    dv->line = cur_lineno(p);
    dv->col = t->col;
    *out = (int)(scn->n_dvars - 1);
    return 0;
}
