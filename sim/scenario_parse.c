/*
 * scenario_parse.c - scenario text to a checked struct scenario, and back.
 *
 * Implements the v0 language of docs/scenario-language.md. Two passes: first
 * lex_line() cuts every line into words and quoted texts (decoding escapes,
 * dropping comments), then parse_line() reads each line's statement in file
 * order, resolving every name against what earlier lines defined. Every
 * mistake becomes one "FILE:LINE:COL: error: MESSAGE" in the caller's
 * scn_diag; a line stops at its first mistake and parsing goes on with the
 * next line, so a teacher sees every broken line at once. Names a broken line
 * was defining are still defined, so one typo does not cascade.
 * scenario_print() writes the tree back in canonical syntax.
 * Called by: scenario_run.c, ui/main.c. Calls: ipv4_addr_parse(),
 * mac_addr_parse() (stack/wire/addr.h).
 */
#include "sim/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/srcfile.h"
#include "stack/app/dns.h"
#include "stack/app/websocket.h"
#include "stack/inspect.h"

#define SHOW_MAX 40  /* bytes of a token quoted in a message */
#define EDIT_MAX 40  /* longest word edit_distance() compares */

/* ---------------------------------------------------------------------------
 * Characters (ASCII only, so the locale never changes what a file means)
 * ------------------------------------------------------------------------- */

static bool
is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool
is_lower(char ch)
{
    return ch >= 'a' && ch <= 'z';
}

static bool
is_upper(char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static bool
is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static int
hex_value(char ch)
{
    if (is_digit(ch))
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static char
fold(char ch)
{
    return is_upper(ch) ? (char)(ch - 'A' + 'a') : ch;
}

/* Host names: [a-z_][a-z0-9_-]* */
static bool
is_host_name(const char *s)
{
    if (!is_lower(s[0]) && s[0] != '_')
        return false;
    for (size_t i = 1; s[i] != '\0'; i++)
        if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

/* Socket and data variables: [a-z_][a-zA-Z0-9_]* */
static bool
is_var_name(const char *s)
{
    if (!is_lower(s[0]) && s[0] != '_')
        return false;
    for (size_t i = 1; s[i] != '\0'; i++)
        if (!is_lower(s[i]) && !is_upper(s[i]) && !is_digit(s[i]) && s[i] != '_')
            return false;
    return true;
}

/* ---------------------------------------------------------------------------
 * Suggestions: "did you mean 'host'?"
 * ------------------------------------------------------------------------- */

/* Optimal-string-alignment distance: insertions, deletions, substitutions and
 * swaps of two neighbours each cost 1 ("hots" is 1 from "host"). */
static unsigned
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    unsigned d[EDIT_MAX + 1][EDIT_MAX + 1];

    if (la > EDIT_MAX || lb > EDIT_MAX)
        return UINT32_MAX;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* The closest candidate seen so far for one misspelt word. */
struct suggest {
    const char *word;  /* what was written */
    const char *best;  /* closest candidate, or NULL */
    unsigned best_d;   /* its distance */
};

static void
suggest_init(struct suggest *sg, const char *word)
{
    sg->word = word;
    sg->best = NULL;
    sg->best_d = UINT32_MAX;
}

/* Consider cand: within distance 2, and closer than the words are long (so
 * "x" never suggests "s"). A difference only of case beats any other, so
 * "mbit" suggests "Mbit" rather than "bit". */
static void
suggest_try(struct suggest *sg, const char *cand)
{
    size_t lw = strlen(sg->word);
    size_t lc = strlen(cand);
    size_t longest = lw > lc ? lw : lc;
    bool case_only = lw == lc && strcmp(sg->word, cand) != 0;
    unsigned d;

    for (size_t i = 0; case_only && i < lw; i++)
        case_only = fold(sg->word[i]) == fold(cand[i]);
    if (case_only) {
        d = 0;
    } else {
        d = edit_distance(sg->word, cand);
        if (d == 0 || d > 2 || d >= longest)
            return;
    }
    if (sg->best == NULL || d < sg->best_d) {
        sg->best = cand;
        sg->best_d = d;
    }
}

static void
suggest_list(struct suggest *sg, const char *const *cands)
{
    for (size_t i = 0; cands[i] != NULL; i++)
        suggest_try(sg, cands[i]);
}

/* ---------------------------------------------------------------------------
 * Lexing
 * ------------------------------------------------------------------------- */

enum tok_kind {
    TOK_WORD,    /* a run of non-blank characters */
    TOK_STRING,  /* "a quoted text" */
};

struct tok {
    enum tok_kind kind;  /* word or quoted text */
    unsigned col;        /* 1-based column of its first byte */
    const char *raw;     /* its spelling in the line, quotes included */
    size_t raw_len;      /* bytes of raw */
    char *text;          /* word: the word; string: the decoded bytes; NUL-terminated */
    size_t len;          /* bytes of text without the NUL */
};

struct line {
    unsigned file;     /* index into scenario.files */
    unsigned lineno;   /* 1-based, in that file */
    const char *src;   /* the line, NUL-terminated, without its newline */
    struct tok *toks;  /* the tokens */
    size_t n_toks;     /* entries of toks */
    char *arena;       /* storage for every token's text */
    unsigned err_col;  /* a lexing error's column, 0 if none */
    char *err;         /* a lexing error's message, or NULL */
    size_t text_off;   /* the statement text: offset of the first token */
    size_t text_len;   /* ... up to the end of the last token */
};

/* Format into a fresh heap string; NULL when out of memory. */
static char *
str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
str_printf(const char *fmt, ...)
{
    char buf[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

static char *
str_dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Decode the quoted text starting at src[*i] (the opening quote) into out.
 * Returns 0 with *i past the closing quote, or -1 with ln->err set. */
static int
lex_string(struct line *ln, size_t *i, char *out, size_t *out_len)
{
    const char *s = ln->src;
    size_t open = *i;
    size_t j = open + 1;
    size_t n = 0;

    for (;;) {
        char ch = s[j];
        if (ch == '\0') {
            ln->err_col = (unsigned)open + 1;
            ln->err = str_printf("unterminated quoted text (it needs a closing '\"' "
                                 "on the same line)");
            return -1;
        }
        if (ch == '"')
            break;
        if (ch != '\\') {
            out[n++] = ch;
            j++;
            continue;
        }
        switch (s[j + 1]) {
        case 'n': out[n++] = '\n'; j += 2; break;
        case 'r': out[n++] = '\r'; j += 2; break;
        case 't': out[n++] = '\t'; j += 2; break;
        case '0': out[n++] = '\0'; j += 2; break;
        case '\\': out[n++] = '\\'; j += 2; break;
        case '"': out[n++] = '"'; j += 2; break;
        case 'x': {
            int hi = hex_value(s[j + 2]);
            int lo = hi < 0 ? -1 : hex_value(s[j + 3]);
            if (hi < 0 || lo < 0) {
                ln->err_col = (unsigned)j + 1;
                ln->err = str_printf("'\\x' needs two hex digits, like \\x41");
                return -1;
            }
            out[n++] = (char)(hi << 4 | lo);
            j += 4;
            break;
        }
        case '\0':
            ln->err_col = (unsigned)open + 1;
            ln->err = str_printf("unterminated quoted text (it needs a closing '\"' "
                                 "on the same line)");
            return -1;
        default:
            ln->err_col = (unsigned)j + 1;
            ln->err = str_printf("unknown escape '\\%c' (use \\n \\r \\t \\0 \\\\ \\\" "
                                 "or \\xHH)", s[j + 1]);
            return -1;
        }
    }
    out[n] = '\0';
    *out_len = n;
    *i = j + 1;
    return 0;
}

/* Cut ln->src into tokens. Returns 0, or -1 when out of memory (a mistake in
 * the text is not a failure here: it is kept in ln->err for parse_line()). */
static int
lex_line(struct line *ln)
{
    const char *s = ln->src;
    size_t src_len = strlen(s);
    size_t i = 0;
    size_t used = 0;
    size_t text_end = 0;

    /* Every token is at least one byte plus a separator, and its text is no
     * longer than its spelling plus a NUL. */
    ln->toks = malloc((src_len / 2 + 1) * sizeof *ln->toks);
    ln->arena = malloc(2 * src_len + 2);
    if (ln->toks == NULL || ln->arena == NULL)
        return -1;

    for (;;) {
        while (is_blank(s[i]))
            i++;
        if (s[i] == '\0' || s[i] == '#')
            break;

        struct tok *t = &ln->toks[ln->n_toks];
        size_t start = i;
        t->col = (unsigned)i + 1;
        t->raw = s + i;
        t->text = ln->arena + used;
        if (s[i] == '"') {
            t->kind = TOK_STRING;
            if (lex_string(ln, &i, t->text, &t->len) < 0)
                return ln->err == NULL ? -1 : 0;
        } else {
            t->kind = TOK_WORD;
            while (s[i] != '\0' && !is_blank(s[i]) && s[i] != '#' && s[i] != '"')
                i++;
            t->len = i - start;
            memcpy(t->text, s + start, t->len);
            t->text[t->len] = '\0';
            if (s[i] == '"') {
                ln->err_col = (unsigned)i + 1;
                ln->err = str_printf("missing space before the quote");
                return ln->err == NULL ? -1 : 0;
            }
        }
        t->raw_len = i - start;
        used += t->len + 1;
        if (ln->n_toks == 0)
            ln->text_off = start;
        text_end = i;
        ln->n_toks++;
        if (t->kind == TOK_STRING && s[i] != '\0' && !is_blank(s[i]) && s[i] != '#') {
            ln->err_col = (unsigned)i + 1;
            ln->err = str_printf("missing space after the closing quote");
            return ln->err == NULL ? -1 : 0;
        }
    }
    ln->text_len = ln->n_toks == 0 ? 0 : text_end - ln->text_off;
    return 0;
}

/* ---------------------------------------------------------------------------
 * Parser state and errors
 * ------------------------------------------------------------------------- */

struct parser {
    struct scenario *scn;       /* what is being built */
    struct scn_diag *diag;      /* where errors go (never NULL here) */
    const char *name;           /* file name for messages */
    struct line *lines;         /* every line, lexed */
    size_t n_lines;             /* entries of lines */
    size_t cur_line;            /* index of the line being parsed */
    unsigned title_line;        /* where title was set, 0 if not yet */
    unsigned title_col;         /* its column */
    unsigned seed_line;         /* where seed was set, 0 if not yet */
    unsigned seed_col;          /* its column */
    size_t cap_hosts;           /* allocated entries of scn->hosts */
    size_t cap_links;           /* ... scn->links */
    size_t cap_switches;        /* ... scn->switches */
    size_t cap_taps;            /* ... scn->taps */
    size_t cap_socks;           /* ... scn->socks */
    size_t cap_dvars;           /* ... scn->dvars */
    size_t cap_steps;           /* ... scn->steps */
    size_t cap_lines;           /* allocated entries of lines */
    size_t cap_files;           /* ... scn->files */
    char **bufs;                /* texts of included files (lines point into them) */
    size_t n_bufs;              /* entries of bufs */
    struct repeat_open *repeats;/* `repeat N {` blocks not closed yet, innermost last */
    size_t n_repeats;           /* entries of repeats */
    size_t cap_repeats;         /* allocated entries of repeats */
    struct bg_call *bgs;        /* (host, socket) pairs a background call named */
    size_t n_bgs;               /* entries of bgs */
    size_t cap_bgs;             /* allocated entries of bgs */
    bool in_at;                 /* parsing the statement after `at TIME` */
};

/* An open `repeat N {`: the steps from first_step on are its body. */
struct repeat_open {
    uint64_t count;     /* N */
    size_t first_step;  /* index of the body's first step */
    unsigned file;      /* where `repeat` is */
    unsigned line;
    unsigned col;
};

/* A socket a background call (`&`, or a call under `at`) runs on: what
 * `wait VAR` may join. */
struct bg_call {
    int host;  /* host index */
    int sock;  /* the socket variable the call is known by */
};

/* Walks the tokens of one line. */
struct cur {
    const struct line *ln;  /* the line */
    size_t i;               /* next token */
};

static const struct tok *
cur_peek(const struct cur *c)
{
    return c->i < c->ln->n_toks ? &c->ln->toks[c->i] : NULL;
}

static const struct tok *
cur_peek2(const struct cur *c)
{
    return c->i + 1 < c->ln->n_toks ? &c->ln->toks[c->i + 1] : NULL;
}

static const struct tok *
cur_next(struct cur *c)
{
    const struct tok *t = cur_peek(c);

    if (t != NULL)
        c->i++;
    return t;
}

static void
diag_clear(struct scn_diag *d)
{
    d->n_errors = 0;
    d->n_kept = 0;
    d->first[0] = '\0';
    d->n_warnings = 0;
    d->n_warn_kept = 0;
}

/* Record one warning at name:line:col. */
static void
diag_warn(struct scn_diag *d, const char *name, unsigned line, unsigned col, const char *msg)
{
    d->n_warnings++;
    if (d->n_warn_kept >= SCN_DIAG_MAX)
        return;

    struct scn_error *e = &d->warnings[d->n_warn_kept++];
    int n = snprintf(e->msg, sizeof e->msg, "%s:%u:%u: warning: ", name, line, col);
    e->line = line;
    e->col = col;
    if (n > 0 && (size_t)n < sizeof e->msg - 1)
        snprintf(e->msg + n, sizeof e->msg - (size_t)n, "%.*s",
                 (int)(sizeof e->msg - (size_t)n - 1), msg);
}

/* Record one error; line 0 means "about the whole file" (no position). */
static void
diag_add(struct scn_diag *d, const char *name, unsigned line, unsigned col, const char *msg)
{
    d->n_errors++;
    if (d->n_kept >= SCN_DIAG_MAX)
        return;

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
}

static unsigned
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
static int
perr(struct parser *p, unsigned col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
perr(struct parser *p, unsigned col, const char *fmt, ...)
{
    char msg[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(p->diag, cur_file(p), cur_lineno(p), col, msg);
    return -1;
}

static int
perr_oom(struct parser *p)
{
    diag_add(p->diag, p->name, 0, 0, "out of memory");
    return -1;
}

/* How a token looks in a message: 'word' or "text", shortened. */
struct shown {
    char s[SHOW_MAX + 8];  /* quotes, "..." and the NUL */
};

static struct shown
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

static bool
word_is(const struct tok *t, const char *w)
{
    return t != NULL && t->kind == TOK_WORD && strcmp(t->text, w) == 0;
}

/* Error for anything left on the line after a complete statement. */
static int
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
static void *
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

static int
sock_find(const struct scenario *scn, int host, const char *name)
{
    for (size_t i = 0; i < scn->n_socks; i++)
        if (scn->socks[i].host == host && strcmp(scn->socks[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int
dvar_find(const struct scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->n_dvars; i++)
        if (strcmp(scn->dvars[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A `host NAME` line after the current one, for the hint "defined later". */
static const struct tok *
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

/* "unknown host 'alcie' (did you mean 'alice'?)" for the name s[0..n). */
static int
err_unknown_host(struct parser *p, const char *s, size_t n, unsigned col)
{
    char name[EDIT_MAX + 1];
    struct suggest sg;
    unsigned later_line = 0;
    const struct tok *later;
    int shown = n > SHOW_MAX ? SHOW_MAX : (int)n;

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
static int
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
static int
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
static int
get_sock(struct parser *p, const struct tok *t, int h, int *out)
{
    const struct scenario *scn = p->scn;
    struct suggest sg;

    if (t->kind != TOK_WORD || !is_var_name(t->text))
        return perr(p, t->col, "expected a socket variable, found %s", show(t).s);
    *out = sock_find(scn, h, t->text);
    if (*out >= 0)
        return 0;
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
static int
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

/* ---------------------------------------------------------------------------
 * Values: numbers, durations, rates, percentages, addresses, payloads
 * ------------------------------------------------------------------------- */

enum num_status {
    NUM_OK,        /* parsed */
    NUM_BAD,       /* not a number */
    NUM_RANGE,     /* too large for 64 bits */
    NUM_FRACTION,  /* finer than the unit can hold */
};

/* All of s[0..n) as a decimal integer. */
static enum num_status
parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0)
        return NUM_BAD;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return NUM_BAD;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NUM_RANGE;
        v = v * 10 + d;
    }
    *out = v;
    return NUM_OK;
}

/* Length of the [0-9]+(\.[0-9]+)? at the start of s, 0 if none. */
static size_t
decimal_len(const char *s)
{
    size_t i = 0;

    while (is_digit(s[i]))
        i++;
    if (i > 0 && s[i] == '.' && is_digit(s[i + 1])) {
        i++;
        while (is_digit(s[i]))
            i++;
    }
    return i;
}

/* The decimal s[0..n) times 10^exp10, exactly: "1.5" with exp10 3 is 1500. */
static enum num_status
decimal_scale(const char *s, size_t n, unsigned exp10, uint64_t *out)
{
    uint64_t v = 0;
    unsigned frac = 0;
    size_t i = 0;
    size_t end = n;

    for (; i < n && s[i] != '.'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NUM_RANGE;
        v = v * 10 + d;
    }
    if (i < n) {
        i++;
        while (end > i && s[end - 1] == '0')
            end--;
        for (; i < end; i++, frac++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (frac == exp10)
                return NUM_FRACTION;
            if (v > (UINT64_MAX - d) / 10)
                return NUM_RANGE;
            v = v * 10 + d;
        }
    }
    for (; frac < exp10; frac++) {
        if (v > UINT64_MAX / 10)
            return NUM_RANGE;
        v *= 10;
    }
    *out = v;
    return NUM_OK;
}

/* A unit and the power of ten it multiplies by. */
struct unit {
    const char *name;  /* as written */
    unsigned exp10;    /* value = number * 10^exp10 */
};

static const struct unit time_units[] = {
    { "ns", 0 }, { "us", 3 }, { "ms", 6 }, { "s", 9 }, { NULL, 0 },
};

/* tc(8) spells rates kbit, Mbit, Gbit; bps here means bits (not tc's bytes). */
static const struct unit rate_units[] = {
    { "bit", 0 }, { "bps", 0 }, { "kbit", 3 }, { "Mbit", 6 }, { "Gbit", 9 }, { NULL, 0 },
};

static const struct unit *
unit_find(const struct unit *units, const char *name)
{
    for (size_t i = 0; units[i].name != NULL; i++)
        if (strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

/* DUR: "10ms", "1.5s", "250us" -> nanoseconds. */
static int
get_dur(struct parser *p, const struct tok *t, uint64_t *out)
{
    size_t n = t->kind == TOK_WORD ? decimal_len(t->text) : 0;
    const char *unit = t->text + n;
    const struct unit *u;

    if (n == 0)
        return perr(p, t->col, "expected a duration like 10ms or 1.5s, found %s", show(t).s);
    if (*unit == '\0')
        return perr(p, t->col, "duration %s needs a unit: ns, us, ms or s", show(t).s);
    u = unit_find(time_units, unit);
    if (u == NULL)
        return perr(p, t->col, "unknown time unit '%.*s' in %s (use ns, us, ms or s)",
                    SHOW_MAX, unit, show(t).s);
    switch (decimal_scale(t->text, n, u->exp10, out)) {
    case NUM_OK:
        return 0;
    case NUM_FRACTION:
        return perr(p, t->col, "duration %s is not a whole number of nanoseconds", show(t).s);
    default:
        return perr(p, t->col, "duration %s is too long", show(t).s);
    }
}

/* RATE: "10Mbit", "1.5Gbit", "64kbit", "9600bps" -> bits per second. */
static int
get_rate(struct parser *p, const struct tok *t, uint64_t *out)
{
    static const char *const names[] = { "bit", "bps", "kbit", "Mbit", "Gbit", NULL };
    size_t n = t->kind == TOK_WORD ? decimal_len(t->text) : 0;
    const char *unit = t->text + n;
    const struct unit *u;

    if (n == 0)
        return perr(p, t->col, "expected a rate like 10Mbit, found %s", show(t).s);
    if (*unit == '\0')
        return perr(p, t->col, "rate %s needs a unit: bit, kbit, Mbit or Gbit", show(t).s);
    u = unit_find(rate_units, unit);
    if (u == NULL) {
        struct suggest sg;
        suggest_init(&sg, unit);
        suggest_list(&sg, names);
        /* "Mbps" is closest to "bps" by spelling, but means megabits. */
        if (strlen(unit) == 4 && strcmp(unit + 1, "bps") == 0 && strchr("kKmMgG", unit[0]))
            sg.best = names[fold(unit[0]) == 'k' ? 2 : fold(unit[0]) == 'm' ? 3 : 4];
        if (sg.best != NULL)
            return perr(p, t->col, "unknown rate unit '%.*s' in %s (did you mean '%s'?)",
                        SHOW_MAX, unit, show(t).s, sg.best);
        return perr(p, t->col, "unknown rate unit '%.*s' in %s (use bit, kbit, Mbit or Gbit)",
                    SHOW_MAX, unit, show(t).s);
    }
    switch (decimal_scale(t->text, n, u->exp10, out)) {
    case NUM_OK:
        return 0;
    case NUM_FRACTION:
        return perr(p, t->col, "rate %s is not a whole number of bits per second", show(t).s);
    default:
        return perr(p, t->col, "rate %s is too large", show(t).s);
    }
}

/* PCT: "10%", "0.5%" -> parts per million (1% is 10000 ppm). */
static int
get_pct(struct parser *p, const struct tok *t, uint32_t *out)
{
    size_t n = t->kind == TOK_WORD ? decimal_len(t->text) : 0;
    const char *rest = t->text + n;
    uint64_t ppm = 0;

    if (n > 0 && *rest == '\0')
        return perr(p, t->col, "percentage %s needs a '%%' sign, like 10%%", show(t).s);
    if (n == 0 || strcmp(rest, "%") != 0)
        return perr(p, t->col, "expected a percentage like 10%% or 0.5%%, found %s",
                    show(t).s);
    switch (decimal_scale(t->text, n, 4, &ppm)) {
    case NUM_OK:
        break;
    case NUM_FRACTION:
        return perr(p, t->col, "percentage %s is finer than 0.0001%%", show(t).s);
    default:
        ppm = UINT64_MAX;
        break;
    }
    if (ppm > SCN_PPM_ONE)
        return perr(p, t->col, "percentage %s is more than 100%%", show(t).s);
    *out = (uint32_t)ppm;
    return 0;
}

/* A whole number lo..hi named `what`; `why` explains the upper bound ("" if
 * it needs no explaining). */
static int
get_uint(struct parser *p, const struct tok *t, const char *what, uint64_t lo, uint64_t hi,
         const char *why, uint64_t *out)
{
    enum num_status st = t->kind == TOK_WORD ? parse_u64(t->text, t->len, out) : NUM_BAD;

    if (st == NUM_BAD)
        return perr(p, t->col, "%s must be a whole number, found %s", what, show(t).s);
    if (st == NUM_RANGE || *out > hi)
        return perr(p, t->col, "%s %.*s is more than %" PRIu64 "%s", what, SHOW_MAX, t->text,
                    hi, why);
    if (*out < lo)
        return perr(p, t->col, "%s must be at least %" PRIu64, what, lo);
    return 0;
}

/* A port, s[0..n) at column col. */
static int
get_port(struct parser *p, const char *s, size_t n, unsigned col, uint16_t *out)
{
    uint64_t v = 0;
    int shown = n > SHOW_MAX ? SHOW_MAX : (int)n;

    switch (parse_u64(s, n, &v)) {
    case NUM_BAD:
        return perr(p, col, "bad port '%.*s' (a port is a number 1..65535)", shown, s);
    case NUM_OK:
        if (v >= 1 && v <= 65535) {
            *out = (uint16_t)v;
            return 0;
        }
        /* fall through */
    default:
        return perr(p, col, "port %.*s is out of range 1..65535", shown, s);
    }
}

/* An address written as s[0..n) at column col: dotted, or a host's name. */
static int
get_addr(struct parser *p, const char *s, size_t n, unsigned col, struct scn_addr *out)
{
    char buf[IPV4_ADDR_STRLEN];
    int shown = n > SHOW_MAX ? SHOW_MAX : (int)n;

    out->host = -1;
    if (n == 0)
        return perr(p, col, "missing address");
    if (is_digit(s[0])) {
        if (n >= sizeof buf)
            return perr(p, col, "bad IPv4 address '%.*s'", shown, s);
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (!ipv4_addr_parse(buf, &out->addr))
            return perr(p, col, "bad IPv4 address '%.*s'", shown, s);
        out->kind = SCN_ADDR_DOTTED;
        return 0;
    }
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *h = &p->scn->hosts[i];
        if (strlen(h->name) == n && memcmp(h->name, s, n) == 0) {
            out->kind = SCN_ADDR_HOST;
            out->host = (int)i;
            out->addr = h->addr;
            return 0;
        }
    }
    return err_unknown_host(p, s, n, col);
}

/* DEST:PORT (or, for bind, a bare PORT) in token t. */
static int
get_endpoint(struct parser *p, const struct tok *t, bool bare_port_ok, struct scn_endpoint *out)
{
    const char *colon;
    size_t alen;

    memset(out, 0, sizeof *out);
    out->addr.host = -1;
    if (t->kind != TOK_WORD)
        goto out_bad;
    colon = strrchr(t->text, ':');
    if (colon == NULL) {
        if (bare_port_ok)
            return get_port(p, t->text, t->len, t->col, &out->port);
        goto out_bad;
    }
    alen = (size_t)(colon - t->text);
    if (alen == 0)
        return perr(p, t->col, "missing address before ':' in %s", show(t).s);
    if (get_addr(p, t->text, alen, t->col, &out->addr) < 0)
        return -1;
    return get_port(p, colon + 1, t->len - alen - 1, t->col + (unsigned)alen + 1, &out->port);

out_bad:
    if (bare_port_ok)
        return perr(p, t->col, "expected PORT or ADDRESS:PORT, like 7 or 192.0.2.1:7, found %s",
                    show(t).s);
    return perr(p, t->col, "expected ADDRESS:PORT, like 192.0.2.2:7 or bob:7, found %s",
                show(t).s);
}

/* A quoted text for title, about and say: no NUL bytes. */
static int
get_text(struct parser *p, const struct tok *t, const char *after, char **out)
{
    if (t->kind != TOK_STRING)
        return perr(p, t->col, "expected a quoted text after '%s', found %s", after,
                    show(t).s);
    if (memchr(t->text, '\0', t->len) != NULL)
        return perr(p, t->col, "this text cannot contain \\0");
    *out = str_dup_n(t->text, t->len);
    return *out == NULL ? perr_oom(p) : 0;
}

static int get_app_payload(struct parser *p, struct cur *c, const struct tok *kw,
                           struct scn_payload *out);
static bool is_app_payload_word(const struct tok *t);

/* PAYLOAD: "TEXT" | bytes N | file PATH | an application payload. */
static int
get_payload(struct parser *p, struct cur *c, struct scn_payload *out)
{
    const struct tok *t = cur_next(c);
    const struct scenario *scn = p->scn;

    out->app.from_dvar = -1;
    if (is_app_payload_word(t))
        return get_app_payload(p, c, t, out);
    if (t->kind == TOK_STRING) {
        out->kind = SCN_PAYLOAD_TEXT;
        out->len = t->len;
        out->data = (uint8_t *)str_dup_n(t->text, t->len);
        return out->data == NULL ? perr_oom(p) : 0;
    }
    if (word_is(t, "bytes")) {
        const struct tok *n = cur_next(c);
        uint64_t v;
        if (n == NULL)
            return perr(p, t->col, "bytes needs a number");
        if (get_uint(p, n, "bytes", 0, SCN_LEN_MAX, "", &v) < 0)
            return -1;
        out->kind = SCN_PAYLOAD_FILL;
        out->len = (size_t)v;
        return 0;
    }
    if (word_is(t, "file")) {
        const struct tok *f = cur_next(c);
        if (f == NULL)
            return perr(p, t->col, "file needs a path");
        if (f->len == 0 || memchr(f->text, '\0', f->len) != NULL)
            return perr(p, f->col, "bad file path %s", show(f).s);
        out->kind = SCN_PAYLOAD_FILE;
        out->path = str_dup_n(f->text, f->len);
        if (f->text[0] == '/' || strcmp(scn->dir, ".") == 0)
            out->full_path = str_dup_n(f->text, f->len);
        else
            out->full_path = str_printf("%s/%s", scn->dir, f->text);
        return out->path == NULL || out->full_path == NULL ? perr_oom(p) : 0;
    }
    if (t->kind == TOK_WORD) {
        static const char *const app_words[] = { "websocket-accept", "ws-frame", "dns-query",
                                                 "dns-answer", NULL };
        struct suggest sg;
        suggest_init(&sg, t->text);
        suggest_list(&sg, app_words);
        if (sg.best != NULL)
            return perr(p, t->col, "expected a payload, found %s (did you mean '%s'?)",
                        show(t).s, sg.best);
    }
    return perr(p, t->col, "expected a payload (a quoted text, 'bytes N' or 'file PATH'), "
                "found %s", show(t).s);
}

/* ---------------------------------------------------------------------------
 * Application payloads: the stack's codecs (stack/app/) build the bytes, the
 * runner at send time (sim/scenario_app.c). Here: the words, checked.
 * ------------------------------------------------------------------------- */

static bool
is_app_payload_word(const struct tok *t)
{
    return word_is(t, "websocket-accept") || word_is(t, "ws-frame") || word_is(t, "dns-query") ||
           word_is(t, "dns-answer");
}

/* `from DVAR` / `to DVAR`: t names data received earlier. */
static int
get_data_ref(struct parser *p, const struct tok *kw, const struct tok *t, int *out)
{
    const struct scenario *scn = p->scn;
    struct suggest sg;

    if (t == NULL)
        return perr(p, kw->col, "'%s' needs the name of received data, like '%s request'",
                    kw->text, kw->text);
    *out = t->kind == TOK_WORD ? dvar_find(scn, t->text) : -1;
    if (*out >= 0) {
        if (scn->dvars[*out].kind != SCN_DVAR_DATA)
            return perr(p, t->col, "%s holds a ping summary, not received data", show(t).s);
        return 0;
    }
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < scn->n_dvars; i++)
        suggest_try(&sg, scn->dvars[i].name);
    if (sg.best != NULL)
        return perr(p, t->col, "no data variable %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "no data variable %s (data is kept with '-> NAME' after recv or "
                "recvfrom)", show(t).s);
}

/* websocket-accept "KEY" | websocket-accept from DVAR */
static int
get_ws_accept(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    const struct tok *t = cur_next(c);

    out->kind = SCN_PAYLOAD_WS_ACCEPT;
    if (word_is(t, "from"))
        return get_data_ref(p, t, cur_next(c), &out->app.from_dvar);
    if (t == NULL || t->kind != TOK_STRING)
        return perr(p, t != NULL ? t->col : kw->col, "websocket-accept needs the client's key "
                    "in quotes, or 'from DATA' to take it from a request received earlier");
    if (ws_key_check(t->text, t->len) != APP_ERR_NONE)
        return perr(p, t->col, "%s is not a Sec-WebSocket-Key: that is 16 bytes in base64, "
                    "24 characters like \"dGhlIHNhbXBsZSBub25jZQ==\" [RFC 6455 4.1]",
                    show(t).s);
    out->data = (uint8_t *)str_dup_n(t->text, t->len);
    out->len = t->len;
    return out->data == NULL ? perr_oom(p) : 0;
}

static const char *const ws_opcode_words[] = { "continuation", "text", "binary", "close",
                                                "ping", "pong", NULL };
static const uint8_t ws_opcode_values[] = { WS_OP_CONTINUATION, WS_OP_TEXT, WS_OP_BINARY,
                                            WS_OP_CLOSE, WS_OP_PING, WS_OP_PONG };

/* mask 0xHHHHHHHH */
static int
get_ws_mask(struct parser *p, const struct tok *kw, const struct tok *t, uint32_t *out)
{
    uint32_t v = 0;

    if (t == NULL || t->kind != TOK_WORD || t->len != 10 || t->text[0] != '0' ||
        (t->text[1] != 'x' && t->text[1] != 'X'))
        goto out_bad;
    for (size_t i = 2; i < 10; i++) {
        char ch = t->text[i];
        unsigned d;
        if (is_digit(ch))
            d = (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            d = (unsigned)(ch - 'A' + 10);
        else
            goto out_bad;
        v = v << 4 | d;
    }
    *out = v;
    return 0;

out_bad:
    return perr(p, t != NULL ? t->col : kw->col, "mask needs a 32-bit masking key: 0x and 8 "
                "hex digits, like 0x37fa213d [RFC 6455 5.3]");
}

/* ws-frame OPCODE [ "TEXT" | bytes N | CODE ["REASON"] ] { mask 0xHHHHHHHH | more } */
static int
get_ws_frame(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    const struct tok *t = cur_next(c);
    struct scn_app_payload *a = &out->app;
    bool control;
    size_t total;
    int i;

    out->kind = SCN_PAYLOAD_WS_FRAME;
    if (t == NULL)
        return perr(p, kw->col, "ws-frame needs an opcode: text, binary, close, ping, pong or "
                    "continuation");
    for (i = 0; ws_opcode_words[i] != NULL; i++)
        if (word_is(t, ws_opcode_words[i]))
            break;
    if (ws_opcode_words[i] == NULL) {
        struct suggest sg;
        suggest_init(&sg, t->text);
        suggest_list(&sg, ws_opcode_words);
        if (sg.best != NULL && t->kind == TOK_WORD)
            return perr(p, t->col, "unknown WebSocket opcode %s (did you mean '%s'?)",
                        show(t).s, sg.best);
        return perr(p, t->col, "unknown WebSocket opcode %s (text, binary, close, ping, pong "
                    "or continuation)", show(t).s);
    }
    a->ws_opcode = ws_opcode_values[i];
    control = (a->ws_opcode & 0x8) != 0;

    /* [RFC 6455 5.5.1] a close frame's body: a 2-byte status code, then a reason */
    t = cur_peek(c);
    if (a->ws_opcode == WS_OP_CLOSE && t != NULL && t->kind == TOK_WORD && is_digit(t->text[0])) {
        uint64_t v;
        cur_next(c);
        if (get_uint(p, t, "close code", 1000, 4999, " (codes are 1000..4999 [RFC 6455 7.4])",
                     &v) < 0)
            return -1;
        /* [RFC 6455 7.4.1] 1005, 1006 and 1015 "MUST NOT be set as a status
         * code in a Close control frame" */
        if (v == 1005 || v == 1006 || v == 1015)
            return perr(p, t->col, "close code %" PRIu64 " is only for reporting, never sent in "
                        "a close frame [RFC 6455 7.4.1]", v);
        a->ws_has_code = true;
        a->ws_code = (uint16_t)v;
    }
    t = cur_peek(c);
    if (t != NULL && t->kind == TOK_STRING) {
        cur_next(c);
        out->data = (uint8_t *)str_dup_n(t->text, t->len);
        if (out->data == NULL)
            return perr_oom(p);
        out->len = t->len;
        if (a->ws_opcode == WS_OP_CLOSE && !a->ws_has_code)
            return perr(p, t->col, "a close reason needs a status code before it, like "
                        "'ws-frame close 1000 \"bye\"' [RFC 6455 5.5.1]");
    } else if (word_is(t, "bytes") && a->ws_opcode != WS_OP_CLOSE) {
        const struct tok *n;
        uint64_t v;
        cur_next(c);
        n = cur_next(c);
        if (n == NULL)
            return perr(p, t->col, "bytes needs a number");
        if (get_uint(p, n, "bytes", 0, SCN_LEN_MAX, "", &v) < 0)
            return -1;
        a->ws_fill = true;
        out->len = (size_t)v;
    }
    for (;;) {
        t = cur_peek(c);
        if (word_is(t, "mask")) {
            cur_next(c);
            if (a->ws_masked)
                return perr(p, t->col, "mask is given twice");
            if (get_ws_mask(p, t, cur_next(c), &a->ws_mask) < 0)
                return -1;
            a->ws_masked = true;
        } else if (word_is(t, "more")) {
            cur_next(c);
            if (control)
                return perr(p, t->col, "a %s frame cannot be split: control frames always "
                            "carry FIN [RFC 6455 5.5]", ws_opcode_words[i]);
            a->ws_more = true;
        } else {
            break;
        }
    }
    total = out->len + (a->ws_has_code ? 2 : 0);
    if (control && total > WS_CONTROL_MAX)
        return perr(p, kw->col, "a %s frame carries at most 125 bytes, this one %zu "
                    "[RFC 6455 5.5]", ws_opcode_words[i], total);
    return 0;
}

static int
get_dns_name(struct parser *p, const struct tok *t, const struct tok *kw, char **out)
{
    uint8_t wire[DNS_NAME_MAX + 1];
    size_t wl;
    enum app_err e;

    if (t == NULL || t->kind != TOK_WORD)
        return perr(p, t != NULL ? t->col : kw->col, "%s needs a name to look up, like "
                    "www.example.test", kw->text);
    e = dns_name_encode(t->text, wire, sizeof(wire), &wl);
    if (e != APP_ERR_NONE)
        return perr(p, t->col, "bad DNS name %s: %s [%s]", show(t).s, app_err_str(e),
                    app_err_rfc(e));
    *out = str_dup_n(t->text, t->len);
    return *out == NULL ? perr_oom(p) : 0;
}

static const char *const dns_type_words[] = { "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT",
                                              "AAAA", NULL };
static const uint16_t dns_type_values[] = { DNS_TYPE_A, DNS_TYPE_NS, DNS_TYPE_CNAME,
                                            DNS_TYPE_SOA, DNS_TYPE_PTR, DNS_TYPE_MX,
                                            DNS_TYPE_TXT, DNS_TYPE_AAAA };

/* dns-query ID NAME TYPE */
static int
get_dns_query(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    const struct tok *tid = cur_next(c), *tname, *ttype;
    uint64_t v;

    out->kind = SCN_PAYLOAD_DNS_QUERY;
    if (tid == NULL)
        return perr(p, kw->col, "dns-query needs an ID, a name and a type, like "
                    "'dns-query 4660 www.example.test A'");
    if (get_uint(p, tid, "DNS ID", 0, 65535, "", &v) < 0)
        return -1;
    out->app.dns_id = (uint16_t)v;
    tname = cur_next(c);
    if (get_dns_name(p, tname, kw, &out->app.dns_name) < 0)
        return -1;
    ttype = cur_next(c);
    if (ttype == NULL)
        return perr(p, tname->col, "dns-query needs a record type after the name, like A");
    for (int i = 0; dns_type_words[i] != NULL; i++) {
        if (word_is(ttype, dns_type_words[i])) {
            out->app.dns_type = dns_type_values[i];
            return 0;
        }
    }
    struct suggest sg;
    suggest_init(&sg, ttype->text);
    suggest_list(&sg, dns_type_words);
    if (sg.best != NULL && ttype->kind == TOK_WORD)
        return perr(p, ttype->col, "unknown DNS record type %s (did you mean '%s'?)",
                    show(ttype).s, sg.best);
    return perr(p, ttype->col, "unknown DNS record type %s (A, NS, CNAME, SOA, PTR, MX, TXT "
                "or AAAA)", show(ttype).s);
}

/* dns-answer (ID NAME | to DVAR) (A ADDR | nxdomain) [ttl DUR] */
static int
get_dns_answer(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    struct scn_app_payload *a = &out->app;
    const struct tok *t = cur_next(c);
    uint64_t v;

    out->kind = SCN_PAYLOAD_DNS_ANSWER;
    a->dns_type = DNS_TYPE_A;
    a->dns_ttl_s = 300;
    if (t == NULL)
        return perr(p, kw->col, "dns-answer needs the query it answers: 'to DATA' (a query "
                    "received earlier) or an ID and a name");
    if (word_is(t, "to")) {
        if (get_data_ref(p, t, cur_next(c), &a->from_dvar) < 0)
            return -1;
    } else {
        if (get_uint(p, t, "DNS ID", 0, 65535, "", &v) < 0)
            return -1;
        a->dns_id = (uint16_t)v;
        if (get_dns_name(p, cur_next(c), kw, &a->dns_name) < 0)
            return -1;
    }
    t = cur_next(c);
    if (word_is(t, "nxdomain")) {
        a->dns_nxdomain = true;
    } else if (word_is(t, "A")) {
        const struct tok *ta = cur_next(c);
        struct scn_addr addr;
        if (ta == NULL || ta->kind != TOK_WORD)
            return perr(p, ta != NULL ? ta->col : t->col, "A needs an IPv4 address, like "
                        "203.0.113.80");
        if (get_addr(p, ta->text, ta->len, ta->col, &addr) < 0)
            return -1;
        a->dns_addr = addr.addr;
    } else {
        return perr(p, t != NULL ? t->col : kw->col, "dns-answer needs 'A ADDRESS' (the "
                    "record) or 'nxdomain' (no such name)%s%s", t != NULL ? ", found " : "",
                    t != NULL ? show(t).s : "");
    }
    t = cur_peek(c);
    if (word_is(t, "ttl")) {
        const struct tok *td;
        uint64_t ns;
        cur_next(c);
        td = cur_next(c);
        if (td == NULL)
            return perr(p, t->col, "ttl needs a duration in whole seconds, like 300s");
        if (get_dur(p, td, &ns) < 0)
            return -1;
        /* [RFC 2181 8] a TTL is 0..2^31-1 seconds */
        if (ns % 1000000000ull != 0 || ns / 1000000000ull > 2147483647ull)
            return perr(p, td->col, "ttl %s must be whole seconds, at most 2147483647s "
                        "[RFC 2181 8]", show(td).s);
        a->dns_ttl_s = (uint32_t)(ns / 1000000000ull);
    }
    return 0;
}

static int
get_app_payload(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    if (word_is(kw, "websocket-accept"))
        return get_ws_accept(p, c, kw, out);
    if (word_is(kw, "ws-frame"))
        return get_ws_frame(p, c, kw, out);
    if (word_is(kw, "dns-query"))
        return get_dns_query(p, c, kw, out);
    return get_dns_answer(p, c, kw, out);
}

/* ---------------------------------------------------------------------------
 * Header and world statements
 * ------------------------------------------------------------------------- */

static int
parse_title(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *t = cur_next(c);
    char *text;

    if (t == NULL)
        return perr(p, kw->col, "title needs a quoted text");
    if (p->title_line != 0)
        return perr(p, kw->col, "title is already set at %u:%u", p->title_line, p->title_col);
    if (get_text(p, t, "title", &text) < 0)
        return -1;
    p->scn->title = text;
    p->title_line = cur_lineno(p);
    p->title_col = kw->col;
    return expect_end(p, c);
}

static int
parse_about(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *t = cur_next(c);
    struct scenario *scn = p->scn;
    char *text;

    if (t == NULL)
        return perr(p, kw->col, "about needs a quoted text");
    if (get_text(p, t, "about", &text) < 0)
        return -1;
    if (scn->about != NULL) {
        /* Exactly as long as both paragraphs: no cap on a description. */
        size_t a = strlen(scn->about), b = strlen(text);
        char *joined = malloc(a + 1 + b + 1);
        if (joined == NULL) {
            free(text);
            return perr_oom(p);
        }
        memcpy(joined, scn->about, a);
        joined[a] = '\n';
        memcpy(joined + a + 1, text, b + 1);
        free(text);
        text = joined;
        free(scn->about);
    }
    scn->about = text;
    return expect_end(p, c);
}

static int
parse_seed(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *t = cur_next(c);

    if (t == NULL)
        return perr(p, kw->col, "seed needs a number");
    if (p->seed_line != 0)
        return perr(p, kw->col, "seed is already set at %u:%u", p->seed_line, p->seed_col);
    if (get_uint(p, t, "seed", 0, UINT64_MAX, "", &p->scn->seed) < 0)
        return -1;
    p->scn->has_seed = true;
    p->seed_line = cur_lineno(p);
    p->seed_col = kw->col;
    return expect_end(p, c);
}

/* An address a host can own: not 0, loopback, multicast or reserved, and not
 * its subnet's network or broadcast address. */
static int
check_host_addr(struct parser *p, const struct tok *t, uint32_t a, unsigned len)
{
    char s[IPV4_ADDR_STRLEN];
    uint32_t mask = ipv4_prefix_mask(len);

    ipv4_addr_str(a, s);
    if (a == 0)
        return perr(p, t->col, "0.0.0.0 cannot be a host's address (it means 'any address')");
    if (a >> 24 == 127)
        return perr(p, t->col, "%s cannot be a host's address (127.0.0.0/8 is loopback)", s);
    if (a >> 28 == 0xe)
        return perr(p, t->col, "%s cannot be a host's address (it is multicast)", s);
    if (a >> 28 == 0xf)
        return perr(p, t->col, "%s cannot be a host's address (240.0.0.0/4 is reserved)", s);
    if (len <= 30 && (a & ~mask) == 0)
        return perr(p, t->col, "%s is the network address of %s/%u; a host needs one of the "
                    "addresses inside it", s, s, len);
    if (len <= 30 && (a & ~mask) == ~mask) {
        char net[IPV4_ADDR_STRLEN];
        return perr(p, t->col, "%s is the broadcast address of %s/%u", s,
                    ipv4_addr_str(a & mask, net), len);
    }
    return 0;
}

/* ADDR/LEN into interface `idx` of host h. */
static int
parse_host_addr(struct parser *p, const struct tok *t, struct scn_host *h, unsigned idx)
{
    char buf[IPV4_ADDR_STRLEN];
    const char *slash = t->kind == TOK_WORD ? strchr(t->text, '/') : NULL;
    uint64_t len;
    uint32_t a;
    size_t alen;

    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected ADDRESS/LEN like 192.0.2.1/24, found %s", show(t).s);
    if (slash == NULL) {
        if (t->len < sizeof buf && ipv4_addr_parse(t->text, &a))
            return perr(p, t->col, "host address needs a prefix length, like %s/24", t->text);
        return perr(p, t->col, "expected ADDRESS/LEN like 192.0.2.1/24, found %s", show(t).s);
    }
    alen = (size_t)(slash - t->text);
    if (alen >= sizeof buf)
        return perr(p, t->col, "bad IPv4 address '%.*s'", SHOW_MAX, t->text);
    memcpy(buf, t->text, alen);
    buf[alen] = '\0';
    if (!ipv4_addr_parse(buf, &a))
        return perr(p, t->col, "bad IPv4 address '%s'", buf);

    const char *ls = slash + 1;
    unsigned lcol = t->col + (unsigned)alen + 1;
    switch (parse_u64(ls, strlen(ls), &len)) {
    case NUM_BAD:
        return perr(p, lcol, "bad prefix length '%.*s' (a number 0..32)", SHOW_MAX, ls);
    case NUM_OK:
        if (len <= 32)
            break;
        /* fall through */
    default:
        return perr(p, lcol, "prefix length %.*s is more than 32", SHOW_MAX, ls);
    }
    if (check_host_addr(p, t, a, (unsigned)len) < 0)
        return -1;
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *o = &p->scn->hosts[i];
        for (unsigned k = 0; k < (o == h ? idx : o->n_ifaces); k++)
            if (o->if_addr[k] == a && o == h)
                return perr(p, t->col, "address %s is given twice (eth%u has it already)", buf,
                            k);
            else if (o->if_addr[k] == a)
                return perr(p, t->col, "address %s is already used by %s '%s' (at %u:%u)",
                            buf, o->router ? "router" : "host", o->name, o->line, o->col);
    }
    for (unsigned k = 0; k < idx; k++) {
        uint32_t m = ipv4_prefix_mask(len < h->if_prefix[k] ? (unsigned)len : h->if_prefix[k]);
        char net[IPV4_ADDR_STRLEN];
        if ((h->if_addr[k] & m) == (a & m))
            return perr(p, t->col, "%s is on the same subnet as eth%u (%s/%u); each interface "
                        "needs a subnet of its own", buf, k,
                        ipv4_addr_str(h->if_addr[k], net), h->if_prefix[k]);
    }
    h->if_addr[idx] = a;
    h->if_prefix[idx] = (unsigned)len;
    if (idx == 0) {
        h->addr = a;
        h->prefix_len = (unsigned)len;
    }
    return 0;
}

static int
parse_host_mac(struct parser *p, const struct tok *t, struct scn_host *h)
{
    uint8_t mac[ETH_ALEN];
    static const uint8_t zero[ETH_ALEN];

    if (t->kind != TOK_WORD || !mac_addr_parse(t->text, mac))
        return perr(p, t->col, "bad MAC address %s (six hex pairs, like 02:00:00:00:00:01)",
                    show(t).s);
    if (mac[0] & 1)
        return perr(p, t->col, "MAC %s is a multicast address; a host needs a unicast one",
                    t->text);
    if (memcmp(mac, zero, ETH_ALEN) == 0)
        return perr(p, t->col, "MAC %s is all zeros; a host needs a real address", t->text);
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *o = &p->scn->hosts[i];
        if (o != h && o->has_mac && memcmp(o->mac, mac, ETH_ALEN) == 0)
            return perr(p, t->col, "MAC %s is already used by host '%s' (at %u:%u)", t->text,
                        o->name, o->line, o->col);
    }
    memcpy(h->mac, mac, ETH_ALEN);
    h->has_mac = true;
    return 0;
}

/* host|router NAME ADDR/LEN [ADDR/LEN ...] [mtu N] [mac MAC] */
static int
parse_host(struct parser *p, struct cur *c, const struct tok *kw)
{
    bool router = word_is(kw, "router");
    static const char *const options[] = { "mtu", "mac", NULL };
    struct scenario *scn = p->scn;
    const struct tok *tn = cur_next(c);
    const struct tok *ta = cur_next(c);
    const struct tok *seen_mtu = NULL;
    const struct tok *seen_mac = NULL;
    const struct tok *t;
    struct scn_host *h;
    size_t hi;
    int d;

    if (tn == NULL || ta == NULL)
        return perr(p, kw->col, "%s needs a name and an address", kw->text);
    if (check_name(p, tn, true) < 0)
        return -1;
    d = scenario_host_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "host '%s' is already defined at %u:%u", tn->text,
                    scn->hosts[d].line, scn->hosts[d].col);
    d = scenario_switch_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already a %s (defined at %u:%u)", tn->text,
                    scn->switches[d].hub ? "hub" : "switch", scn->switches[d].line,
                    scn->switches[d].col);
    d = dvar_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already the name of data (defined at %u:%u)",
                    tn->text, scn->dvars[d].line, scn->dvars[d].col);

    /* Define the host now, so later lines that use it do not fail too. */
    h = reserve(scn->hosts, scn->n_hosts, &p->cap_hosts, sizeof *h);
    if (h == NULL)
        return perr_oom(p);
    scn->hosts = h;
    hi = scn->n_hosts++;
    h = &scn->hosts[hi];
    memset(h, 0, sizeof *h);
    memcpy(h->name, tn->text, tn->len + 1);
    h->mtu = SCN_MTU_DEFAULT;
    h->router = router;
    h->line = cur_lineno(p);
    h->col = tn->col;
    h->n_ifaces = 1;
    if (parse_host_addr(p, ta, h, 0) < 0)
        return -1;
    /* More addresses: one interface each, eth1, eth2, ... */
    while ((t = cur_peek(c)) != NULL && t->kind == TOK_WORD && is_digit(t->text[0])) {
        cur_next(c);
        if (h->n_ifaces == SCN_IFACE_MAX)
            return perr(p, t->col, "a host has at most %d interfaces", SCN_IFACE_MAX);
        if (parse_host_addr(p, t, h, h->n_ifaces) < 0)
            return -1;
        h->n_ifaces++;
    }

    while ((t = cur_next(c)) != NULL) {
        const struct tok *v = cur_next(c);
        h = &scn->hosts[hi];
        if (word_is(t, "mtu")) {
            uint64_t mtu;
            if (seen_mtu != NULL)
                return perr(p, t->col, "'mtu' is given twice");
            seen_mtu = t;
            if (v == NULL)
                return perr(p, t->col, "mtu needs a number");
            if (get_uint(p, v, "mtu", 68, 65535, "", &mtu) < 0)
                return -1;
            h->mtu = (unsigned)mtu;
        } else if (word_is(t, "mac")) {
            if (seen_mac != NULL)
                return perr(p, t->col, "'mac' is given twice");
            seen_mac = t;
            if (v == NULL)
                return perr(p, t->col, "mac needs an address");
            if (parse_host_mac(p, v, h) < 0)
                return -1;
        } else {
            struct suggest sg;
            suggest_init(&sg, t->text);
            if (t->kind == TOK_WORD)
                suggest_list(&sg, options);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown host option %s (did you mean '%s'?)", show(t).s,
                            sg.best);
            return perr(p, t->col, "unknown host option %s (host options are mtu and mac)",
                        show(t).s);
        }
    }
    return 0;
}

/* switch NAME | hub NAME */
static int
parse_switch(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    const struct tok *tn = cur_next(c);
    struct scn_switch *sw;
    int d;

    if (tn == NULL)
        return perr(p, kw->col, "%s needs a name", kw->text);
    if (check_name(p, tn, true) < 0)
        return -1;
    d = scenario_host_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already a host (defined at %u:%u)", tn->text,
                    scn->hosts[d].line, scn->hosts[d].col);
    d = scenario_switch_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already a %s (defined at %u:%u)", tn->text,
                    scn->switches[d].hub ? "hub" : "switch", scn->switches[d].line,
                    scn->switches[d].col);
    sw = reserve(scn->switches, scn->n_switches, &p->cap_switches, sizeof *sw);
    if (sw == NULL)
        return perr_oom(p);
    scn->switches = sw;
    sw = &scn->switches[scn->n_switches++];
    memset(sw, 0, sizeof *sw);
    memcpy(sw->name, tn->text, tn->len + 1);
    sw->hub = word_is(kw, "hub");
    sw->line = cur_lineno(p);
    sw->col = tn->col;
    return expect_end(p, c);
}

/* Does host h have an interface whose subnet holds addr? Its index, or -1. */
static int
host_iface_on(const struct scn_host *h, uint32_t addr)
{
    for (unsigned k = 0; k < h->n_ifaces; k++) {
        uint32_t m = ipv4_prefix_mask(h->if_prefix[k]);
        if ((h->if_addr[k] & m) == (addr & m))
            return (int)k;
    }
    return -1;
}

/* Is interface `ifc` of host `h` (or a switch) already an end of a link? */
static const struct scn_link *
link_using(const struct scenario *scn, int h, int ifc)
{
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *o = &scn->links[i];
        if ((o->a == h && o->a_if == ifc) || (o->b == h && o->b_if == ifc))
            return o;
    }
    return NULL;
}

/* One end of a link: NAME, NAME:ethN, or a switch. Fills host/if/sw. */
static int
get_link_end(struct parser *p, const struct tok *t, int *host, int *ifc, int *sw)
{
    const struct scenario *scn = p->scn;
    const char *colon = t->kind == TOK_WORD ? strchr(t->text, ':') : NULL;
    char name[SCN_NAME_MAX + 1];
    size_t n = colon != NULL ? (size_t)(colon - t->text) : t->len;

    *host = -1;
    *ifc = -1;
    *sw = -1;
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a host or switch name, found %s", show(t).s);
    if (n > SCN_NAME_MAX)
        return err_unknown_host(p, t->text, n, t->col);
    memcpy(name, t->text, n);
    name[n] = '\0';
    *sw = scenario_switch_find(scn, name);
    if (*sw >= 0) {
        if (colon != NULL)
            return perr(p, t->col + (unsigned)n, "a %s's ports are not named: write '%s'",
                        scn->switches[*sw].hub ? "hub" : "switch", name);
        return 0;
    }
    *host = scenario_host_find(scn, name);
    if (*host < 0 && scn->n_switches == 0)
        return err_unknown_host(p, t->text, n, t->col);
    if (*host < 0) {
        struct suggest sg;
        unsigned later_line = 0;
        if (host_defined_later(p, name, &later_line) != NULL)
            return err_unknown_host(p, t->text, n, t->col);
        suggest_init(&sg, name);
        for (size_t i = 0; i < scn->n_hosts; i++)
            suggest_try(&sg, scn->hosts[i].name);
        for (size_t i = 0; i < scn->n_switches; i++)
            suggest_try(&sg, scn->switches[i].name);
        if (sg.best != NULL)
            return perr(p, t->col, "unknown host or switch '%s' (did you mean '%s'?)", name,
                        sg.best);
        return perr(p, t->col, "unknown host or switch '%s'", name);
    }
    if (colon != NULL) {
        const struct scn_host *h = &scn->hosts[*host];
        const char *in = colon + 1;
        uint64_t k;
        if (strncmp(in, "eth", 3) != 0 || parse_u64(in + 3, strlen(in + 3), &k) != NUM_OK ||
            k >= h->n_ifaces) {
            if (h->n_ifaces == 1)
                return perr(p, t->col + (unsigned)n + 1, "%s has no interface '%.*s' (it has "
                            "eth0)", name, SHOW_MAX, in);
            return perr(p, t->col + (unsigned)n + 1, "%s has no interface '%.*s' (it has "
                        "eth0..eth%u)", name, SHOW_MAX, in, h->n_ifaces - 1);
        }
        *ifc = (int)k;
    }
    return 0;
}

/* The interface of host h (index hi) that a link to the other end uses when
 * none is named: the only one; else the one on a subnet of the other host;
 * else (a switch, or no shared subnet) the first one not yet on a link. */
static int
pick_iface(const struct scenario *scn, int hi, int other_host, int other_if)
{
    const struct scn_host *h = &scn->hosts[hi];
    if (h->n_ifaces == 1)
        return 0;
    if (other_host >= 0) {
        const struct scn_host *o = &scn->hosts[other_host];
        for (unsigned k = 0; k < o->n_ifaces; k++) {
            if (other_if >= 0 && (unsigned)other_if != k)
                continue;
            int mine = host_iface_on(h, o->if_addr[k]);
            if (mine >= 0 && link_using(scn, hi, mine) == NULL)
                return mine;
        }
        for (unsigned k = 0; k < o->n_ifaces; k++) {
            if (other_if >= 0 && (unsigned)other_if != k)
                continue;
            int mine = host_iface_on(h, o->if_addr[k]);
            if (mine >= 0)
                return mine;
        }
    }
    for (unsigned k = 0; k < h->n_ifaces; k++)
        if (link_using(scn, hi, (int)k) == NULL)
            return (int)k;
    return 0;
}

/* A free interface of host hi, for a hint, or -1. */
static int
free_iface(const struct scenario *scn, int hi)
{
    for (unsigned k = 0; k < scn->hosts[hi].n_ifaces; k++)
        if (link_using(scn, hi, (int)k) == NULL)
            return (int)k;
    return -1;
}

/* The percentage after option t (v), into *out. */
static int
link_pct(struct parser *p, const struct tok *t, const struct tok *v, uint32_t *out)
{
    if (v == NULL)
        return perr(p, t->col, "%s needs a percentage", t->text);
    return get_pct(p, v, out);
}

/* Is tok t a percentage (a number then '%')? */
static bool
is_pct_word(const struct tok *t)
{
    return t != NULL && t->kind == TOK_WORD && t->len >= 2 &&
           (is_digit(t->text[0]) || t->text[0] == '.') && t->text[t->len - 1] == '%';
}

static int tap_conflict(struct parser *p, const struct tok *t, int h, int ifc);
static int parse_wire_options(struct parser *p, struct cur *c, struct scn_link *lk, bool tap);

/* link A B [delay DUR [JITTER]] [rate RATE] [loss PCT | loss gemodel P R [1-H [1-K]]]
 *          [duplicate PCT] [reorder PCT [gap N]] [corrupt PCT [l2]] [mtu N] [limit N] */
static int
parse_link(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    const struct tok *ta = cur_next(c);
    const struct tok *tb = cur_next(c);
    struct scn_link lk = { .limit = SCN_LINK_LIMIT_DEFAULT, .reorder_gap = 1 };

    if (ta == NULL || tb == NULL)
        return perr(p, kw->col, "link needs two ends, like 'link alice bob' or 'link alice "
                    "r1:eth0'");
    if (get_link_end(p, ta, &lk.a, &lk.a_if, &lk.a_sw) < 0 ||
        get_link_end(p, tb, &lk.b, &lk.b_if, &lk.b_sw) < 0)
        return -1;
    if (lk.a_sw >= 0 && lk.a_sw == lk.b_sw)
        return perr(p, tb->col, "a link joins two different things, not '%s' to itself",
                    tb->text);
    if (lk.a >= 0 && lk.a == lk.b && (lk.a_if < 0 || lk.a_if == lk.b_if))
        return perr(p, tb->col, "a link joins two different hosts, not '%s' to itself",
                    tb->text);
    if (lk.a >= 0 && lk.a_if < 0)
        lk.a_if = pick_iface(scn, lk.a, lk.b, lk.b_if);
    if (lk.b >= 0 && lk.b_if < 0)
        lk.b_if = pick_iface(scn, lk.b, lk.a, lk.a_if);
    if (lk.a < 0)
        lk.a_if = 0;
    if (lk.b < 0)
        lk.b_if = 0;
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *o = &scn->links[i];
        if (lk.a >= 0 && lk.b >= 0 &&
            ((o->a == lk.a && o->a_if == lk.a_if && o->b == lk.b && o->b_if == lk.b_if) ||
             (o->a == lk.b && o->a_if == lk.b_if && o->b == lk.a && o->b_if == lk.a_if)))
            return perr(p, kw->col, "%s and %s are already linked at %u:%u", ta->text,
                        tb->text, o->line, o->col);
    }
    for (int end = 0; end < 2; end++) {
        int h = end == 0 ? lk.a : lk.b;
        int ifc = end == 0 ? lk.a_if : lk.b_if;
        const struct tok *tt = end == 0 ? ta : tb;
        const struct scn_link *o = h >= 0 ? link_using(scn, h, ifc) : NULL;
        if (h >= 0 && tap_conflict(p, tt, h, ifc) < 0)
            return -1;
        if (o == NULL)
            continue;
        const struct scn_host *sh = &scn->hosts[h];
        int fr = free_iface(scn, h);
        if (sh->n_ifaces == 1)
            return perr(p, tt->col, "%s's only interface is already on a link (at %u:%u); to "
                        "join more hosts, link them all to a switch", sh->name, o->line,
                        o->col);
        if (fr >= 0)
            return perr(p, tt->col, "%s's eth%d is already on a link (at %u:%u); name a free "
                        "interface, like %s:eth%d", sh->name, ifc, o->line, o->col, sh->name,
                        fr);
        return perr(p, tt->col, "every interface of %s is already on a link (eth%d at %u:%u)",
                    sh->name, ifc, o->line, o->col);
    }

    if (parse_wire_options(p, c, &lk, false) < 0)
        return -1;

    struct scn_link *nl = reserve(scn->links, scn->n_links, &p->cap_links, sizeof *nl);
    if (nl == NULL)
        return perr_oom(p);
    scn->links = nl;
    lk.line = cur_lineno(p);
    lk.col = kw->col;
    nl[scn->n_links++] = lk;
    return 0;
}

/* The netem options of a `link` or a `tap` line, up to its end, into lk
 * (made with the defaults). A tap takes them all but mtu. */
static int
parse_wire_options(struct parser *p, struct cur *c, struct scn_link *lk, bool tap)
{
    static const char *const options[] = { "delay", "rate", "loss", "limit", "duplicate",
                                           "reorder", "corrupt", "mtu", NULL };
    static const char *const tap_options[] = { "delay", "rate", "loss", "limit", "duplicate",
                                               "reorder", "corrupt", NULL };
    const char *stmt = tap ? "tap" : "link";
    const struct tok *seen[8] = { NULL };
    const struct tok *t;

    while ((t = cur_next(c)) != NULL) {
        const struct tok *v = cur_next(c);
        size_t opt = 0;
        while (options[opt] != NULL && !word_is(t, options[opt]))
            opt++;
        if (options[opt] == NULL) {
            struct suggest sg;
            suggest_init(&sg, t->text);
            if (t->kind == TOK_WORD)
                suggest_list(&sg, tap ? tap_options : options);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown %s option %s (did you mean '%s'?)", stmt,
                            show(t).s, sg.best);
            if (tap)
                return perr(p, t->col, "unknown tap option %s (tap options are delay, rate, "
                            "loss, duplicate, reorder, corrupt and limit)", show(t).s);
            return perr(p, t->col, "unknown link option %s (link options are delay, rate, "
                        "loss, duplicate, reorder, corrupt, mtu and limit)", show(t).s);
        }
        if (tap && word_is(t, "mtu"))
            return perr(p, t->col, "a tap has no mtu option: the device's MTU is the "
                        "kernel's (ip link set DEV mtu N) and the host's is set on its host "
                        "line (mtu N)");
        if (seen[opt] != NULL)
            return perr(p, t->col, "'%s' is given twice", options[opt]);
        seen[opt] = t;
        switch (opt) {
        case 0: {
            const struct tok *j = cur_peek(c);
            if (v == NULL)
                return perr(p, t->col, "delay needs a duration");
            if (get_dur(p, v, &lk->delay_ns) < 0)
                return -1;
            if (j != NULL && j->kind == TOK_WORD && (is_digit(j->text[0]) || j->text[0] == '.')) {
                cur_next(c);
                if (get_dur(p, j, &lk->jitter_ns) < 0)
                    return -1;
                if (lk->jitter_ns > lk->delay_ns)
                    return perr(p, j->col, "jitter %s is more than the delay; a frame cannot "
                                "arrive before it is sent", j->text);
            }
            break;
        }
        case 1:
            if (v == NULL)
                return perr(p, t->col, "rate needs a rate, like 10Mbit");
            if (get_rate(p, v, &lk->rate_bps) < 0)
                return -1;
            break;
        case 2:
            if (word_is(v, "gemodel")) {
                const struct tok *pp = cur_next(c);
                const struct tok *rr = cur_next(c);
                lk->gemodel = true;
                lk->ge_1h_ppm = SCN_PPM_ONE;
                if (pp == NULL || rr == NULL)
                    return perr(p, v->col, "loss gemodel needs P and R, like 'loss gemodel 1%% "
                                "30%%' (P: good to bad, R: bad to good)");
                if (get_pct(p, pp, &lk->ge_p_ppm) < 0 || get_pct(p, rr, &lk->ge_r_ppm) < 0)
                    return -1;
                if (is_pct_word(cur_peek(c)) && get_pct(p, cur_next(c), &lk->ge_1h_ppm) < 0)
                    return -1;
                if (is_pct_word(cur_peek(c)) && get_pct(p, cur_next(c), &lk->ge_1k_ppm) < 0)
                    return -1;
                break;
            }
            if (link_pct(p, t, v, &lk->loss_ppm) < 0)
                return -1;
            break;
        case 3: {
            uint64_t limit;
            if (v == NULL)
                return perr(p, t->col, "limit needs a number of packets");
            if (get_uint(p, v, "limit", 1, UINT32_MAX, "", &limit) < 0)
                return -1;
            lk->limit = (uint32_t)limit;
            break;
        }
        case 4:
            if (link_pct(p, t, v, &lk->duplicate_ppm) < 0)
                return -1;
            break;
        case 5:
            if (link_pct(p, t, v, &lk->reorder_ppm) < 0)
                return -1;
            if (word_is(cur_peek(c), "gap")) {
                const struct tok *g = cur_next(c);
                const struct tok *gv = cur_next(c);
                uint64_t gap;
                if (gv == NULL)
                    return perr(p, g->col, "gap needs a number of frames");
                if (get_uint(p, gv, "gap", 1, UINT32_MAX, "", &gap) < 0)
                    return -1;
                lk->reorder_gap = (uint32_t)gap;
            }
            break;
        case 6:
            if (link_pct(p, t, v, &lk->corrupt_ppm) < 0)
                return -1;
            if (word_is(cur_peek(c), "l2")) {
                cur_next(c);
                lk->corrupt_l2 = true;
            }
            break;
        default: {
            uint64_t mtu;
            if (v == NULL)
                return perr(p, t->col, "mtu needs a number");
            if (get_uint(p, v, "mtu", 68, 65535, "", &mtu) < 0)
                return -1;
            lk->mtu = (unsigned)mtu;
            break;
        }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * tap: a host's interface on a Linux TAP device (TAP mode)
 * ------------------------------------------------------------------------- */

static int check_not_in_repeat(struct parser *p, const struct tok *kw);

const struct scn_tap *
scenario_tap_of(const struct scenario *scn, int h, int ifc)
{
    for (size_t i = 0; i < scn->n_taps; i++)
        if (scn->taps[i].host == h && scn->taps[i].ifc == ifc)
            return &scn->taps[i];
    return NULL;
}

/* A link end (token t) that is interface ifc of host h: an error if a tap
 * already put that interface on a TAP device. */
static int
tap_conflict(struct parser *p, const struct tok *t, int h, int ifc)
{
    const struct scn_tap *tp = scenario_tap_of(p->scn, h, ifc);
    if (tp == NULL)
        return 0;
    return perr(p, t->col, "%s's eth%d is on TAP device %s (at %u:%u); an interface is on a "
                "link or on a TAP device, not both", p->scn->hosts[h].name, ifc, tp->dev,
                tp->line, tp->col);
}

/* Is s a device name `ip tuntap add dev NAME` takes, in the letters a lesson
 * needs: 1..15 of [A-Za-z0-9_.-], and not "." or ".."? */
static bool
is_tap_dev_name(const char *s, size_t n)
{
    if (n == 0 || n > SCN_TAP_DEV_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_lower(s[i]) && !is_upper(s[i]) && !is_digit(s[i]) && s[i] != '_' &&
            s[i] != '-' && s[i] != '.')
            return false;
    return true;
}

/* tap HOST[:ethN] DEV [delay DUR [JITTER]] [rate RATE] [loss ...] [duplicate PCT]
 *                     [reorder PCT [gap N]] [corrupt PCT [l2]] [limit N] */
static int
parse_tap(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    const struct tok *th = cur_next(c);
    const struct tok *td = cur_next(c);
    struct scn_tap tp;
    int sw;

    memset(&tp, 0, sizeof tp);
    tp.wire = (struct scn_link){ .a = -1, .b = -1, .a_sw = -1, .b_sw = -1,
                                 .limit = SCN_LINK_LIMIT_DEFAULT, .reorder_gap = 1 };
    if (th == NULL || td == NULL)
        return perr(p, kw->col, "tap needs a host and a TAP device, like 'tap bob nstap0'");
    if (get_link_end(p, th, &tp.host, &tp.ifc, &sw) < 0)
        return -1;
    if (sw >= 0)
        return perr(p, th->col, "'%s' is a %s: a tap puts a host's interface on a TAP device "
                    "(link a host to the %s and tap that host)", scn->switches[sw].name,
                    scn->switches[sw].hub ? "hub" : "switch",
                    scn->switches[sw].hub ? "hub" : "switch");
    if (tp.ifc < 0)
        tp.ifc = 0;
    const struct scn_host *sh = &scn->hosts[tp.host];
    if (td->kind != TOK_WORD || !is_tap_dev_name(td->text, td->len))
        return perr(p, td->col, "bad TAP device name %s (1 to %d letters, digits, '-', '_' "
                    "or '.', as 'ip tuntap add dev NAME mode tap' takes it)", show(td).s,
                    SCN_TAP_DEV_MAX);
    const struct scn_tap *o = scenario_tap_of(scn, tp.host, tp.ifc);
    if (o != NULL)
        return perr(p, th->col, "%s's eth%d is already on TAP device %s (at %u:%u)", sh->name,
                    tp.ifc, o->dev, o->line, o->col);
    for (size_t i = 0; i < scn->n_taps; i++)
        if (strcmp(scn->taps[i].dev, td->text) == 0)
            return perr(p, td->col, "TAP device %s is already %s's eth%d (at %u:%u); each "
                        "tap needs a device of its own", td->text,
                        scn->hosts[scn->taps[i].host].name, scn->taps[i].ifc,
                        scn->taps[i].line, scn->taps[i].col);
    const struct scn_link *l = link_using(scn, tp.host, tp.ifc);
    if (l != NULL) {
        int fr = free_iface(scn, tp.host);
        if (fr >= 0 && scenario_tap_of(scn, tp.host, fr) == NULL)
            return perr(p, th->col, "%s's eth%d is already on a link (at %u:%u); an interface "
                        "is on a link or on a TAP device, not both: name a free one, like "
                        "%s:eth%d", sh->name, tp.ifc, l->line, l->col, sh->name, fr);
        return perr(p, th->col, "%s's eth%d is already on a link (at %u:%u); an interface is "
                    "on a link or on a TAP device, not both", sh->name, tp.ifc, l->line,
                    l->col);
    }
    if (scn->n_taps >= SCN_TAPS_MAX)
        return perr(p, kw->col, "a scenario holds at most %d taps", SCN_TAPS_MAX);
    memcpy(tp.dev, td->text, td->len);
    tp.dev[td->len] = '\0';
    if (parse_wire_options(p, c, &tp.wire, true) < 0)
        return -1;

    struct scn_tap *nt = reserve(scn->taps, scn->n_taps, &p->cap_taps, sizeof *nt);
    if (nt == NULL)
        return perr_oom(p);
    scn->taps = nt;
    tp.line = cur_lineno(p);
    tp.col = kw->col;
    tp.wire.line = tp.line;
    tp.wire.col = tp.col;
    nt[scn->n_taps++] = tp;
    return 0;
}

/* The `tap` statement: a world statement, so not under `at` or `repeat`. */
static int
parse_tap_statement(struct parser *p, struct cur *c, const struct tok *kw)
{
    if (p->in_at)
        return perr(p, kw->col, "at cannot schedule a tap; a tap is part of the world from "
                    "the start");
    if (check_not_in_repeat(p, kw) < 0)
        return -1;
    return parse_tap(p, c, kw);
}

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

static void step_init(struct scn_step *st, enum scn_step_kind kind);

/* link A B down|up: a step. */
static int
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

/* ---------------------------------------------------------------------------
 * Steps
 * ------------------------------------------------------------------------- */

/* Free what a payload owns (not pl itself). */
static void
payload_free(struct scn_payload *pl)
{
    free(pl->data);
    free(pl->path);
    free(pl->full_path);
    free(pl->app.dns_name);
    pl->data = NULL;
    pl->path = pl->full_path = pl->app.dns_name = NULL;
}

/* *dst = *src with everything it owns duplicated. Returns false when out of
 * memory (dst then owns nothing). */
static bool
payload_copy(struct scn_payload *dst, const struct scn_payload *src)
{
    *dst = *src;
    dst->data = src->data != NULL ? (uint8_t *)str_dup_n((const char *)src->data, src->len)
                                  : NULL;
    dst->path = src->path != NULL ? strdup(src->path) : NULL;
    dst->full_path = src->full_path != NULL ? strdup(src->full_path) : NULL;
    dst->app.dns_name = src->app.dns_name != NULL ? strdup(src->app.dns_name) : NULL;
    if ((src->data != NULL && dst->data == NULL) || (src->path != NULL && dst->path == NULL) ||
        (src->full_path != NULL && dst->full_path == NULL) ||
        (src->app.dns_name != NULL && dst->app.dns_name == NULL)) {
        payload_free(dst);
        return false;
    }
    return true;
}

/* Free what st owns (not st itself). */
static void
step_clear(struct scn_step *st)
{
    free(st->text);
    st->text = NULL;
    switch (st->kind) {
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        payload_free(&st->send.payload);
        break;
    case SCN_STEP_SAY:
    case SCN_STEP_PAUSE:
        free(st->say.text);
        break;
    case SCN_STEP_EXPECT:
        free(st->expect.text);
        payload_free(&st->expect.rhs);
        break;
    default:
        break;
    }
}

/* Copy src into dst, duplicating what it owns (for `repeat`). Returns 0, or
 * -1 when out of memory (dst then owns nothing). */
static int
step_copy(struct scn_step *dst, const struct scn_step *src)
{
    bool ok = true;

    *dst = *src;
    dst->text = src->text != NULL ? strdup(src->text) : NULL;
    ok = src->text == NULL || dst->text != NULL;
    switch (src->kind) {
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        ok = payload_copy(&dst->send.payload, &src->send.payload) && ok;
        break;
    case SCN_STEP_SAY:
    case SCN_STEP_PAUSE:
        dst->say.text = src->say.text != NULL ? strdup(src->say.text) : NULL;
        ok = ok && (src->say.text == NULL || dst->say.text != NULL);
        break;
    case SCN_STEP_EXPECT:
        dst->expect.text = src->expect.text != NULL
                               ? (uint8_t *)str_dup_n((const char *)src->expect.text,
                                                      src->expect.text_len)
                               : NULL;
        ok = ok && (src->expect.text == NULL || dst->expect.text != NULL);
        ok = payload_copy(&dst->expect.rhs, &src->expect.rhs) && ok;
        break;
    default:
        break;
    }
    if (!ok) {
        step_clear(dst);
        return -1;
    }
    return 0;
}

static void
step_init(struct scn_step *st, enum scn_step_kind kind)
{
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->host = -1;
    st->sock = -1;
    st->dvar = -1;
    switch (kind) {
    case SCN_STEP_BIND:
        st->bind.local.addr.host = -1;
        break;
    case SCN_STEP_CONNECT:
        st->connect.dest.addr.host = -1;
        break;
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        st->send.dest.addr.host = -1;
        break;
    case SCN_STEP_PING:
        st->ping.dest.host = -1;
        break;
    case SCN_STEP_EXPECT:
        st->expect.dvar = -1;
        st->expect.rhs.app.from_dvar = -1;
        st->expect.arp_addr.host = -1;
        st->expect.route_dest.host = -1;
        st->expect.route_gw.host = -1;
        st->expect.filter.from.host = -1;
        st->expect.filter.to.host = -1;
        break;
    case SCN_STEP_ACCEPT:
        st->accept.new_sock = -1;
        break;
    case SCN_STEP_DROP:
        st->drop.filter.from.host = -1;
        st->drop.filter.to.host = -1;
        break;
    default:
        break;
    }
}

/* Whether k is written `HOST: ...`. */
static bool
step_is_call(enum scn_step_kind k)
{
    switch (k) {
    case SCN_STEP_SOCKET:
    case SCN_STEP_BIND:
    case SCN_STEP_CONNECT:
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
    case SCN_STEP_CLOSE:
    case SCN_STEP_LISTEN:
    case SCN_STEP_ACCEPT:
    case SCN_STEP_SHUTDOWN:
    case SCN_STEP_SETSOCKOPT:
    case SCN_STEP_WAIT:
    case SCN_STEP_ROUTE_ADD:
    case SCN_STEP_ROUTE_SHOW:
        return true;
    default:
        return false;
    }
}

/* Whether a call of kind k can block (so it takes a timeout and '&'). */
static bool
step_blocks(enum scn_step_kind k)
{
    switch (k) {
    case SCN_STEP_CONNECT:
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
    case SCN_STEP_ACCEPT:
    case SCN_STEP_CLOSE: /* with SO_LINGER, until the peer ACKs the FIN */
        return true;
    default:
        return false;
    }
}

/* The socket a blocking call is known by, for `wait`: accept's new socket,
 * else the socket it acts on. */
static int
step_job_sock(const struct scn_step *st)
{
    return st->kind == SCN_STEP_ACCEPT ? st->accept.new_sock : st->sock;
}

/* Remember that a background call runs on (host, sock). */
static int
bg_add(struct parser *p, int host, int sock)
{
    for (size_t i = 0; i < p->n_bgs; i++)
        if (p->bgs[i].host == host && p->bgs[i].sock == sock)
            return 0;
    struct bg_call *b = reserve(p->bgs, p->n_bgs, &p->cap_bgs, sizeof *b);
    if (b == NULL)
        return perr_oom(p);
    p->bgs = b;
    b[p->n_bgs].host = host;
    b[p->n_bgs].sock = sock;
    p->n_bgs++;
    return 0;
}

/* Options after a call's arguments: `timeout DUR` for calls that block and
 * `-> NAME` for calls that return data. */
static int
parse_call_options(struct parser *p, struct cur *c, const struct tok *call, struct scn_step *st)
{
    bool blocks = step_blocks(st->kind);
    bool gives_data = st->kind == SCN_STEP_RECV || st->kind == SCN_STEP_RECVFROM;
    const struct tok *seen_timeout = NULL;
    const struct tok *seen_arrow = NULL;
    const struct tok *t;

    while ((t = cur_next(c)) != NULL) {
        if (word_is(t, "timeout")) {
            const struct tok *v = cur_next(c);
            if (!blocks)
                return perr(p, t->col, "%s does not block, so it takes no timeout", call->text);
            if (st->kind == SCN_STEP_CLOSE)
                return perr(p, t->col, "close waits as long as SO_LINGER says (setsockopt VAR "
                            "linger 5s), so it takes no timeout");
            if (seen_timeout != NULL)
                return perr(p, t->col, "'timeout' is given twice");
            seen_timeout = t;
            if (v == NULL)
                return perr(p, t->col, "timeout needs a duration");
            if (get_dur(p, v, &st->timeout_ns) < 0)
                return -1;
            st->has_timeout = true;
        } else if (word_is(t, "->")) {
            if (!gives_data)
                return perr(p, t->col, "%s returns no data, so '->' cannot follow it "
                            "(only recv, recvfrom and ping)", call->text);
            if (seen_arrow != NULL)
                return perr(p, t->col, "'->' is given twice");
            seen_arrow = t;
            if (def_dvar(p, t, cur_next(c), SCN_DVAR_DATA, &st->dvar) < 0)
                return -1;
        } else if (t->kind == TOK_WORD && strncmp(t->text, "->", 2) == 0) {
            return perr(p, t->col + 2, "missing space after '->'");
        } else {
            return perr(p, t->col, "unexpected %s at the end of the line", show(t).s);
        }
    }
    return 0;
}

/* Whether sockets of type t carry a byte stream (listen, accept, recv all). */
static bool
sock_type_is_stream(enum scn_sock_type t)
{
    return t == SCN_SOCK_TCP || t == SCN_SOCK_LOCAL_STREAM;
}

static bool
sock_type_is_local(enum scn_sock_type t)
{
    return t == SCN_SOCK_LOCAL_STREAM || t == SCN_SOCK_LOCAL_DGRAM;
}

/* `socket local stream|dgram` (tl is `local`, or `unix`, which is refused
 * with the right spelling): a Unix-domain socket, named by a path. */
static int
parse_socket_local(struct parser *p, struct cur *c, const struct tok *tl, struct scn_step *st)
{
    static const char *const kinds[] = { "stream", "dgram", NULL };
    const struct tok *tk = cur_next(c);
    struct suggest sg;

    if (word_is(tl, "unix"))
        return perr(p, tl->col, "Unix-domain sockets are written 'socket local stream' or "
                    "'socket local dgram' (AF_LOCAL is AF_UNIX's POSIX name)");
    if (tk == NULL)
        return perr(p, tl->col, "a local socket is 'local stream' or 'local dgram'");
    for (int i = 0; kinds[i] != NULL; i++) {
        if (word_is(tk, kinds[i])) {
            enum scn_sock_type ty = i == 0 ? SCN_SOCK_LOCAL_STREAM : SCN_SOCK_LOCAL_DGRAM;
            p->scn->socks[st->sock].type = ty;
            st->socket.type = ty;
            return expect_end(p, c);
        }
    }
    suggest_init(&sg, tk->text);
    if (tk->kind == TOK_WORD)
        suggest_list(&sg, kinds);
    if (sg.best != NULL)
        return perr(p, tk->col, "unknown local socket type %s (did you mean '%s'?)",
                    show(tk).s, sg.best);
    return perr(p, tk->col, "unknown local socket type %s (use stream or dgram)", show(tk).s);
}

/* A local socket's PATH in token t (a word or a quoted text): absolute, at
 * most SCN_PATH_MAX bytes, no NUL. */
static int
get_path(struct parser *p, const struct tok *t, const char *sock, struct scn_endpoint *out)
{
    memset(out, 0, sizeof *out);
    out->addr.host = -1;
    if (t->kind == TOK_WORD && strchr(t->text, ':') != NULL && t->text[0] != '/')
        return perr(p, t->col, "'%s' is a local socket: it is named by a path like "
                    "/tmp/echo.sock, not by ADDRESS:PORT (found %s)", sock, show(t).s);
    if (t->len == 0 || memchr(t->text, '\0', t->len) != NULL || t->text[0] != '/')
        return perr(p, t->col, "a local socket's path starts with '/', like /tmp/echo.sock "
                    "(found %s)", show(t).s);
    if (t->len > SCN_PATH_MAX)
        return perr(p, t->col, "path is %zu bytes; a local socket's path holds at most %d",
                    t->len, SCN_PATH_MAX);
    memcpy(out->path, t->text, t->len);
    out->path[t->len] = '\0';
    return 0;
}

/* The address a call names, by the socket's kind: a PATH for a local
 * socket, ADDRESS:PORT (or, for bind, a bare PORT) for the others. */
static int
get_sock_endpoint(struct parser *p, const struct tok *t, int sock, bool bare_port_ok,
                  struct scn_endpoint *out)
{
    const struct scn_sock *sk = &p->scn->socks[sock];

    if (sock_type_is_local(sk->type))
        return get_path(p, t, sk->name, out);
    if (t->len > 0 && t->text[0] == '/')
        return perr(p, t->col, "'%s' is a %s socket: it is named by %s, not by a path (paths "
                    "name 'socket local stream' and 'socket local dgram')", sk->name,
                    scn_sock_type_name(sk->type),
                    bare_port_ok ? "PORT or ADDRESS:PORT" : "ADDRESS:PORT");
    return get_endpoint(p, t, bare_port_ok, out);
}

/* HOST: VAR = socket TYPE */
static int
parse_socket_def(struct parser *p, struct cur *c, int h, struct scn_step *st)
{
    static const char *const types[] = { "udp", "tcp", "icmp", NULL };
    struct scenario *scn = p->scn;
    const struct tok *tv = cur_next(c);
    const struct tok *eq = cur_next(c);
    const struct tok *kw = cur_next(c);
    const struct tok *tt = cur_next(c);
    struct scn_sock *sk;
    int d;

    if (check_name(p, tv, false) < 0)
        return -1;
    d = sock_find(scn, h, tv->text);
    if (d >= 0)
        return perr(p, tv->col, "socket '%s' on %s is already defined at %u:%u", tv->text,
                    scn->hosts[h].name, scn->socks[d].line, scn->socks[d].col);
    sk = reserve(scn->socks, scn->n_socks, &p->cap_socks, sizeof *sk);
    if (sk == NULL)
        return perr_oom(p);
    scn->socks = sk;
    sk = &sk[scn->n_socks++];
    memset(sk, 0, sizeof *sk);
    memcpy(sk->name, tv->text, tv->len + 1);
    sk->host = h;
    sk->type = SCN_SOCK_UDP;
    sk->line = cur_lineno(p);
    sk->col = tv->col;
    st->sock = (int)(scn->n_socks - 1);
    st->host = h;

    if (kw == NULL)
        return perr(p, eq->col, "expected 'socket TYPE' or 'accept VAR' after '='");
    if (word_is(kw, "accept")) {
        int nsock = st->sock;
        scn->socks[nsock].type = SCN_SOCK_TCP;
        step_init(st, SCN_STEP_ACCEPT);
        st->host = h;
        st->accept.new_sock = nsock;
        if (tt == NULL)
            return perr(p, kw->col, "accept needs a listening socket, like '%s = accept s'",
                        tv->text);
        if (get_sock(p, tt, h, &st->sock) < 0)
            return -1;
        if (!sock_type_is_stream(scn->socks[st->sock].type))
            return perr(p, tt->col, "accept needs a stream socket (tcp or local stream); '%s' "
                        "is %s", tt->text, scn_sock_type_name(scn->socks[st->sock].type));
        /* The connection is of its listener's kind. */
        scn->socks[nsock].type = scn->socks[st->sock].type;
        if (st->sock == nsock)
            return perr(p, tt->col, "accept needs another socket to listen on, not '%s' itself",
                        tt->text);
        return parse_call_options(p, c, kw, st);
    }
    if (!word_is(kw, "socket")) {
        struct suggest sg;
        static const char *const words[] = { "socket", "accept", NULL };
        suggest_init(&sg, kw->text);
        if (kw->kind == TOK_WORD)
            suggest_list(&sg, words);
        if (sg.best != NULL)
            return perr(p, kw->col, "expected 'socket' or 'accept' after '=', found %s (did you "
                        "mean '%s'?)", show(kw).s, sg.best);
        return perr(p, kw->col, "expected 'socket' or 'accept' after '=', found %s", show(kw).s);
    }
    if (tt == NULL)
        return perr(p, kw->col, "socket needs a type (udp, tcp, icmp, local stream or local "
                    "dgram)");
    if (word_is(tt, "local") || word_is(tt, "unix"))
        return parse_socket_local(p, c, tt, st);
    for (size_t i = 0; types[i] != NULL; i++) {
        if (word_is(tt, types[i])) {
            enum scn_sock_type ty = i == 0 ? SCN_SOCK_UDP : i == 1 ? SCN_SOCK_TCP : SCN_SOCK_ICMP;
            scn->socks[st->sock].type = ty;
            st->socket.type = ty;
            return expect_end(p, c);
        }
    }
    struct suggest sg;
    suggest_init(&sg, tt->text);
    if (tt->kind == TOK_WORD)
        suggest_list(&sg, types);
    if (sg.best != NULL)
        return perr(p, tt->col, "unknown socket type %s (did you mean '%s'?)", show(tt).s,
                    sg.best);
    return perr(p, tt->col, "unknown socket type %s (use udp, tcp, icmp, local stream or local "
                "dgram)", show(tt).s);
}

/* The calls a host makes, with what each needs when arguments are missing. */
struct call_def {
    const char *name;          /* the word */
    enum scn_step_kind kind;   /* its step */
    size_t n_args;             /* words it needs after the call (a payload counts 1) */
    const char *needs;         /* "bind needs a socket and a port" */
};

static const struct call_def calls[] = {
    { "bind", SCN_STEP_BIND, 2, "bind needs a socket and a port" },
    { "connect", SCN_STEP_CONNECT, 2, "connect needs a socket and a destination" },
    { "send", SCN_STEP_SEND, 2, "send needs a socket and a payload" },
    { "sendto", SCN_STEP_SENDTO, 3, "sendto needs a socket, a destination and a payload" },
    { "recv", SCN_STEP_RECV, 2, "recv needs a socket and a byte count" },
    { "recvfrom", SCN_STEP_RECVFROM, 2, "recvfrom needs a socket and a byte count" },
    { "close", SCN_STEP_CLOSE, 1, "close needs a socket" },
    { "listen", SCN_STEP_LISTEN, 1, "listen needs a socket" },
    { "shutdown", SCN_STEP_SHUTDOWN, 2, "shutdown needs a socket and rd, wr or rdwr" },
    { "setsockopt", SCN_STEP_SETSOCKOPT, 3, "setsockopt needs a socket, an option and a value" },
    { "wait", SCN_STEP_WAIT, 1, "wait needs the socket of a background call" },
};

#define N_CALLS (sizeof calls / sizeof calls[0])

/* on|off into *out (1 or 0). */
static int
get_on_off(struct parser *p, const struct tok *t, const char *what, int64_t *out)
{
    if (word_is(t, "on")) {
        *out = 1;
        return 0;
    }
    if (word_is(t, "off")) {
        *out = 0;
        return 0;
    }
    return perr(p, t->col, "%s takes on or off, found %s", what, show(t).s);
}

static const char *const cc_names[] = { "tahoe", "reno", "newreno", "cubic", NULL };

/* A congestion control algorithm's name. */
static int
get_cc(struct parser *p, const struct tok *t, int64_t *out)
{
    struct suggest sg;

    for (int i = 0; cc_names[i] != NULL; i++) {
        if (word_is(t, cc_names[i])) {
            *out = i;
            return 0;
        }
    }
    suggest_init(&sg, t->text);
    if (t->kind == TOK_WORD)
        suggest_list(&sg, cc_names);
    if (sg.best != NULL)
        return perr(p, t->col, "unknown congestion control %s (did you mean '%s'?)", show(t).s,
                    sg.best);
    return perr(p, t->col, "unknown congestion control %s (use tahoe, reno, newreno or cubic)",
                show(t).s);
}

static const char *const sockopt_names[] = { "nodelay", "rcvbuf", "sndbuf", "keepalive",
                                             "linger", "reuseaddr", "broadcast", "congestion",
                                             NULL };

/* setsockopt VAR OPTION VALUE (the socket is read). */
static int
parse_setsockopt(struct parser *p, struct cur *c, struct scn_step *st)
{
    struct scn_setsockopt_args *a = &st->sockopt;
    const struct tok *to = cur_next(c);
    const struct tok *tv = cur_next(c);
    enum scn_sock_type ty = p->scn->socks[st->sock].type;
    int opt = -1;
    uint64_t v;

    for (int i = 0; sockopt_names[i] != NULL; i++)
        if (word_is(to, sockopt_names[i]))
            opt = i;
    if (opt < 0) {
        struct suggest sg;
        suggest_init(&sg, to->text);
        if (to->kind == TOK_WORD)
            suggest_list(&sg, sockopt_names);
        if (sg.best != NULL)
            return perr(p, to->col, "unknown socket option %s (did you mean '%s'?)", show(to).s,
                        sg.best);
        return perr(p, to->col, "unknown socket option %s (options are nodelay, rcvbuf, sndbuf, "
                    "keepalive, linger, reuseaddr, broadcast and congestion)", show(to).s);
    }
    a->opt = (enum scn_sockopt)opt;
    if ((opt == SCN_OPT_NODELAY || opt == SCN_OPT_CONGESTION || opt == SCN_OPT_KEEPALIVE ||
         opt == SCN_OPT_LINGER) && ty != SCN_SOCK_TCP)
        return perr(p, to->col, "%s is a TCP option; '%s' is a %s socket", to->text,
                    p->scn->socks[st->sock].name, scn_sock_type_name(ty));
    switch (a->opt) {
    case SCN_OPT_RCVBUF:
    case SCN_OPT_SNDBUF:
        if (get_uint(p, tv, to->text, 1, SCN_LEN_MAX, " bytes", &v) < 0)
            return -1;
        a->value = (int64_t)v;
        break;
    case SCN_OPT_LINGER:
        if (word_is(tv, "off")) {
            a->value = -1;
            break;
        }
        if (get_dur(p, tv, &v) < 0)
            return -1;
        if (v % 1000000000ull != 0)
            return perr(p, tv->col, "linger counts whole seconds, like 0s or 5s (found %s)",
                        show(tv).s);
        if (v / 1000000000ull > 3600)
            return perr(p, tv->col, "linger %s is more than an hour", show(tv).s);
        a->value = (int64_t)(v / 1000000000ull);
        break;
    case SCN_OPT_CONGESTION:
        if (get_cc(p, tv, &a->value) < 0)
            return -1;
        break;
    default:
        if (get_on_off(p, tv, to->text, &a->value) < 0)
            return -1;
        break;
    }
    return expect_end(p, c);
}

/* shutdown VAR rd|wr|rdwr */
static int
parse_shutdown(struct parser *p, struct cur *c, struct scn_step *st)
{
    static const char *const hows[] = { "rd", "wr", "rdwr", NULL };
    const struct tok *t = cur_next(c);
    struct suggest sg;

    for (int i = 0; hows[i] != NULL; i++) {
        if (word_is(t, hows[i])) {
            st->shutdown.how = (enum scn_shut)i;
            return expect_end(p, c);
        }
    }
    suggest_init(&sg, t->text);
    if (t->kind == TOK_WORD)
        suggest_list(&sg, hows);
    if (sg.best != NULL)
        return perr(p, t->col, "shutdown takes rd, wr or rdwr, found %s (did you mean '%s'?)",
                    show(t).s, sg.best);
    return perr(p, t->col, "shutdown takes rd, wr or rdwr, found %s", show(t).s);
}

/* wait VAR, with VAR a socket of host h that a background call runs on.
 * h < 0: any host (`wait VAR` without `HOST:`). */
static int
parse_wait_var(struct parser *p, const struct tok *t, int h, struct scn_step *st)
{
    const struct scenario *scn = p->scn;
    int found = -1;

    if (t->kind != TOK_WORD || !is_var_name(t->text))
        return perr(p, t->col, "expected a socket variable, found %s", show(t).s);
    for (size_t i = 0; i < p->n_bgs; i++) {
        const struct bg_call *b = &p->bgs[i];
        if ((h >= 0 && b->host != h) || strcmp(scn->socks[b->sock].name, t->text) != 0)
            continue;
        if (found >= 0 && p->bgs[found].host != b->host)
            return perr(p, t->col, "both %s and %s have a background call on '%s': write "
                        "'HOST: wait %s'", scn->hosts[p->bgs[found].host].name,
                        scn->hosts[b->host].name, t->text, t->text);
        found = (int)i;
    }
    if (found < 0)
        return perr(p, t->col, "no background call on '%s' to wait for (a call ending in '&' "
                    "starts one)", t->text);
    st->host = p->bgs[found].host;
    st->sock = p->bgs[found].sock;
    return 0;
}

/* HOST: CALL ARGS... (tp is the `HOST:` token). */
static int parse_route_add(struct parser *p, struct cur *c, const struct tok *kw, int h,
                           struct scn_step *st);
static int parse_ip_route(struct parser *p, struct cur *c, const struct tok *kw, int h,
                          struct scn_step *st);

static int
parse_call(struct parser *p, struct cur *c, const struct tok *tp, struct scn_step *st)
{
    static const char *const names[] = { "socket", "bind", "connect", "send", "sendto",
                                         "recv", "recvfrom", "close", "listen", "accept",
                                         "shutdown", "setsockopt", "wait", NULL };
    char hname[SCN_NAME_MAX + 2];
    const struct call_def *def = NULL;
    const struct tok *t;
    const struct tok *amp = NULL;
    struct line trimmed;
    int h;

    if (tp->len - 1 > SCN_NAME_MAX)
        return err_unknown_host(p, tp->text, tp->len - 1, tp->col);
    memcpy(hname, tp->text, tp->len - 1);
    hname[tp->len - 1] = '\0';
    h = scenario_host_find(p->scn, hname);
    if (h < 0)
        return err_unknown_host(p, hname, tp->len - 1, tp->col);

    /* A trailing `&` runs the call in the background: read the rest without it. */
    if (c->ln->n_toks > c->i && word_is(&c->ln->toks[c->ln->n_toks - 1], "&")) {
        amp = &c->ln->toks[c->ln->n_toks - 1];
        trimmed = *c->ln;
        trimmed.n_toks--;
        c->ln = &trimmed;
    }

    t = cur_peek(c);
    if (t == NULL)
        return perr(p, tp->col, "'%s' needs a call after it, like '%s s = socket udp'",
                    tp->text, tp->text);
    if (word_is(t, "route") || word_is(t, "ip")) {
        int rc;
        cur_next(c);
        if (amp != NULL)
            return perr(p, amp->col, "%s does not block, so '&' has nothing to run in the "
                        "background", t->text);
        rc = word_is(t, "route") ? parse_route_add(p, c, t, h, st)
                                 : parse_ip_route(p, c, t, h, st);
        return rc;
    }
    if (word_is(cur_peek2(c), "=")) {
        step_init(st, SCN_STEP_SOCKET);
        if (parse_socket_def(p, c, h, st) < 0)
            return -1;
    } else {
        cur_next(c);
        for (size_t i = 0; i < N_CALLS; i++)
            if (word_is(t, calls[i].name))
                def = &calls[i];
        if (def == NULL) {
            struct suggest sg;
            if (word_is(t, "socket"))
                return perr(p, t->col, "a socket needs a variable to hold it, like '%s s = "
                            "socket udp'", tp->text);
            if (word_is(t, "accept"))
                return perr(p, t->col, "accept makes a new socket: write '%s a = accept VAR'",
                            tp->text);
            suggest_init(&sg, t->text);
            if (t->kind == TOK_WORD)
                suggest_list(&sg, names);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown call %s (did you mean '%s'?)", show(t).s,
                            sg.best);
            return perr(p, t->col, "unknown call %s (calls are socket, bind, listen, accept, "
                        "connect, send, sendto, recv, recvfrom, shutdown, setsockopt, close and "
                        "wait)", show(t).s);
        }

        step_init(st, def->kind);
        st->host = h;
        if (c->ln->n_toks - c->i < def->n_args)
            return perr(p, t->col, "%s", def->needs);
        if (def->kind == SCN_STEP_WAIT) {
            if (amp != NULL)
                return perr(p, amp->col, "wait joins a background call; it cannot run in the "
                            "background itself");
            if (parse_wait_var(p, cur_next(c), h, st) < 0)
                return -1;
            return expect_end(p, c);
        }
        if (get_sock(p, cur_next(c), h, &st->sock) < 0)
            return -1;
        enum scn_sock_type ty = p->scn->socks[st->sock].type;

        switch (def->kind) {
        case SCN_STEP_BIND:
            if (get_sock_endpoint(p, cur_next(c), st->sock, true, &st->bind.local) < 0)
                return -1;
            break;
        case SCN_STEP_CONNECT:
            if (get_sock_endpoint(p, cur_next(c), st->sock, false, &st->connect.dest) < 0)
                return -1;
            break;
        case SCN_STEP_SENDTO:
            if (get_sock_endpoint(p, cur_next(c), st->sock, false, &st->send.dest) < 0)
                return -1;
            /* fall through */
        case SCN_STEP_SEND:
            if (get_payload(p, c, &st->send.payload) < 0)
                return -1;
            break;
        case SCN_STEP_RECV:
        case SCN_STEP_RECVFROM: {
            uint64_t n;
            const struct tok *tn = cur_next(c);
            if (word_is(tn, "all")) {
                if (def->kind == SCN_STEP_RECVFROM || !sock_type_is_stream(ty))
                    return perr(p, tn->col, "'all' reads a stream to its end: it needs recv on "
                                "a tcp or local stream socket");
                st->recv.all = true;
                break;
            }
            if (get_uint(p, tn, "byte count", 1, SCN_LEN_MAX, "", &n) < 0)
                return -1;
            st->recv.max_len = (size_t)n;
            break;
        }
        case SCN_STEP_LISTEN: {
            const struct tok *tb = cur_peek(c);
            uint64_t n;
            if (!sock_type_is_stream(ty))
                return perr(p, t->col, "listen needs a stream socket (tcp or local stream); "
                            "'%s' is %s", p->scn->socks[st->sock].name, scn_sock_type_name(ty));
            if (tb != NULL && tb->kind == TOK_WORD && is_digit(tb->text[0])) {
                cur_next(c);
                if (get_uint(p, tb, "backlog", 0, SCN_BACKLOG_MAX, "", &n) < 0)
                    return -1;
                st->listen.has_backlog = true;
                st->listen.backlog = (uint32_t)n;
            }
            break;
        }
        case SCN_STEP_SHUTDOWN:
            if (parse_shutdown(p, c, st) < 0)
                return -1;
            break;
        case SCN_STEP_SETSOCKOPT:
            if (parse_setsockopt(p, c, st) < 0)
                return -1;
            break;
        default:
            break;
        }
        if (parse_call_options(p, c, t, st) < 0)
            return -1;
    }
    if (amp != NULL) {
        if (!step_blocks(st->kind))
            return perr(p, amp->col, "%s does not block, so '&' has nothing to run in the "
                        "background", st->kind == SCN_STEP_SOCKET ? "socket"
                                                                    : scn_step_kind_name(st->kind));
        st->background = true;
    }
    if ((st->background || p->in_at) && step_blocks(st->kind))
        return bg_add(p, st->host, step_job_sock(st));
    return 0;
}

/* `ping HOST DEST` and `traceroute HOST DEST`: the host that runs the
 * command and where it goes. */
static int
parse_host_dest(struct parser *p, const struct tok *kw, const struct tok *th,
                const struct tok *td, int *host, struct scn_addr *dest)
{
    if (th == NULL || td == NULL)
        return perr(p, kw->col, "%s needs a host and a destination", kw->text);
    if (get_host(p, th, host) < 0)
        return -1;
    if (td->kind != TOK_WORD)
        return perr(p, td->col, "expected an address or a host name, found %s", show(td).s);
    return get_addr(p, td->text, td->len, td->col, dest);
}

/* Which of `options` t names, with a suggestion when it names none and an
 * error when it was given already (seen[] has one slot per option). `cmd`
 * and `list` word the message: "unknown ping option 'x' (ping options are
 * ...)". Returns the index, or -1 after reporting. */
static int
find_option(struct parser *p, const struct tok *t, const char *const *options,
            const struct tok **seen, const char *cmd, const char *list)
{
    size_t opt = 0;
    while (options[opt] != NULL && !word_is(t, options[opt]))
        opt++;
    if (options[opt] == NULL) {
        struct suggest sg;
        suggest_init(&sg, t->text);
        if (t->kind == TOK_WORD)
            suggest_list(&sg, options);
        if (sg.best != NULL)
            return perr(p, t->col, "unknown %s option %s (did you mean '%s'?)", cmd, show(t).s,
                        sg.best);
        return perr(p, t->col, "unknown %s option %s (%s options are %s)", cmd, show(t).s, cmd,
                    list);
    }
    if (seen[opt] != NULL)
        return perr(p, t->col, "'%s' is given twice", options[opt]);
    seen[opt] = t;
    return (int)opt;
}

/* ping HOST DEST [count N] [size N] [interval DUR] [timeout DUR] [-> DVAR] */
static int
parse_ping(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    static const char *const options[] = { "count", "size", "interval", "timeout", "->",
                                           "df", "ttl", NULL };
    const struct tok *th = cur_next(c);
    const struct tok *td = cur_next(c);
    const struct tok *seen[7] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    const struct tok *t;
    struct scn_ping_args *pa = &st->ping;

    step_init(st, SCN_STEP_PING);
    pa->count = SCN_PING_COUNT_DEFAULT;
    pa->size = SCN_PING_SIZE_DEFAULT;
    pa->interval_ns = SCN_PING_INTERVAL_DEFAULT_NS;
    pa->timeout_ns = SCN_PING_TIMEOUT_DEFAULT_NS;
    if (parse_host_dest(p, kw, th, td, &st->host, &pa->dest) < 0)
        return -1;

    while ((t = cur_next(c)) != NULL) {
        uint64_t v;
        int found = find_option(p, t, options, seen, "ping",
                                "count, size, interval, timeout, df, ttl and '-> NAME'");
        if (found < 0)
            return -1;
        size_t opt = (size_t)found;
        if (opt == 5) {
            pa->df = true;
            continue;
        }
        const struct tok *a = cur_next(c);
        if (opt == 6) {
            if (a == NULL)
                return perr(p, t->col, "ttl needs a number");
            if (get_uint(p, a, "ttl", 1, 255, "", &v) < 0)
                return -1;
            pa->ttl = (uint32_t)v;
            continue;
        }
        if (opt == 4) {
            if (def_dvar(p, t, a, SCN_DVAR_PING, &st->dvar) < 0)
                return -1;
            continue;
        }
        if (a == NULL)
            return perr(p, t->col, "%s needs a %s", options[opt],
                        opt <= 1 ? "number" : "duration");
        switch (opt) {
        case 0:
            if (get_uint(p, a, "count", 1, 1000000, "", &v) < 0)
                return -1;
            pa->count = (uint32_t)v;
            break;
        case 1:
            if (get_uint(p, a, "size", 0, SCN_PING_SIZE_MAX,
                         " (the largest ICMP payload in one IPv4 datagram)", &v) < 0)
                return -1;
            pa->size = (uint32_t)v;
            break;
        case 2:
            if (get_dur(p, a, &pa->interval_ns) < 0)
                return -1;
            break;
        default:
            if (get_dur(p, a, &pa->timeout_ns) < 0)
                return -1;
            break;
        }
    }
    return 0;
}

/* traceroute HOST DEST [max-hops N] [probes N] [wait DUR] */
static int
parse_traceroute(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    static const char *const options[] = { "max-hops", "probes", "wait", NULL };
    const struct tok *th = cur_next(c);
    const struct tok *td = cur_next(c);
    const struct tok *seen[3] = { NULL, NULL, NULL };
    const struct tok *t;
    struct scn_traceroute_args *ta = &st->traceroute;

    step_init(st, SCN_STEP_TRACEROUTE);
    ta->max_hops = SCN_TRACEROUTE_HOPS_DEFAULT;
    ta->probes = SCN_TRACEROUTE_PROBES_DEFAULT;
    ta->wait_ns = SCN_TRACEROUTE_WAIT_DEFAULT_NS;
    if (parse_host_dest(p, kw, th, td, &st->host, &ta->dest) < 0)
        return -1;
    while ((t = cur_next(c)) != NULL) {
        uint64_t v;
        int found = find_option(p, t, options, seen, "traceroute", "max-hops, probes and wait");
        if (found < 0)
            return -1;
        size_t opt = (size_t)found;
        const struct tok *a = cur_next(c);
        if (a == NULL)
            return perr(p, t->col, "%s needs a %s", options[opt], opt < 2 ? "number" : "duration");
        switch (opt) {
        case 0:
            if (get_uint(p, a, "max-hops", 1, SCN_HOPS_MAX, "", &v) < 0)
                return -1;
            ta->max_hops = (uint32_t)v;
            break;
        case 1:
            if (get_uint(p, a, "probes", 1, 10, "", &v) < 0)
                return -1;
            ta->probes = (uint32_t)v;
            break;
        default:
            if (get_dur(p, a, &ta->wait_ns) < 0)
                return -1;
            if (ta->wait_ns == 0)
                return perr(p, a->col, "wait must be more than 0s");
            break;
        }
    }
    return 0;
}

/* HOST: route add DEST/LEN|default [via GW] [dev ethN] */
static int
parse_route_add(struct parser *p, struct cur *c, const struct tok *kw, int h,
                struct scn_step *st)
{
    const struct scn_host *sh = &p->scn->hosts[h];
    const struct tok *ta = cur_next(c);
    const struct tok *td = cur_next(c);
    const struct tok *t;
    const struct tok *seen_via = NULL, *seen_dev = NULL;
    struct scn_route_args *ra = &st->route;

    step_init(st, SCN_STEP_ROUTE_ADD);
    st->host = h;
    ra->dev = -1;
    ra->gw.host = -1;
    if (!word_is(ta, "add"))
        return perr(p, ta != NULL ? ta->col : kw->col, "route needs 'add', like '%s: route add "
                    "default via 192.0.2.254' (to see the table: '%s: ip route')", sh->name,
                    sh->name);
    if (td == NULL)
        return perr(p, ta->col, "route add needs a destination: ADDRESS/LEN or default");
    if (word_is(td, "default")) {
        ra->dst = 0;
        ra->prefix_len = 0;
    } else {
        const char *slash = td->kind == TOK_WORD ? strchr(td->text, '/') : NULL;
        char buf[IPV4_ADDR_STRLEN], net[IPV4_ADDR_STRLEN];
        uint64_t len;
        size_t alen = slash != NULL ? (size_t)(slash - td->text) : 0;
        if (slash == NULL || alen >= sizeof buf)
            return perr(p, td->col, "expected a destination like 198.51.100.0/24 or default, "
                        "found %s", show(td).s);
        memcpy(buf, td->text, alen);
        buf[alen] = '\0';
        if (!ipv4_addr_parse(buf, &ra->dst))
            return perr(p, td->col, "bad IPv4 address '%s'", buf);
        if (parse_u64(slash + 1, strlen(slash + 1), &len) != NUM_OK || len > 32)
            return perr(p, td->col + (unsigned)alen + 1, "bad prefix length '%.*s' (a number "
                        "0..32)", SHOW_MAX, slash + 1);
        ra->prefix_len = (unsigned)len;
        if ((ra->dst & ~ipv4_prefix_mask(ra->prefix_len)) != 0)
            return perr(p, td->col, "%s has host bits set; the network is %s/%u", td->text,
                        ipv4_addr_str(ra->dst & ipv4_prefix_mask(ra->prefix_len), net),
                        ra->prefix_len);
    }
    while ((t = cur_next(c)) != NULL) {
        const struct tok *v = cur_next(c);
        if (word_is(t, "via")) {
            char gs[IPV4_ADDR_STRLEN];
            if (seen_via != NULL)
                return perr(p, t->col, "'via' is given twice");
            seen_via = t;
            if (v == NULL || v->kind != TOK_WORD)
                return perr(p, t->col, "via needs a gateway address");
            if (get_addr(p, v->text, v->len, v->col, &ra->gw) < 0)
                return -1;
            ra->has_gw = true;
            if (ra->gw.kind == SCN_ADDR_HOST) {
                /* A neighbour named by name: its address on our side. */
                const struct scn_host *g = &p->scn->hosts[ra->gw.host];
                for (unsigned k = 0; k < g->n_ifaces; k++)
                    if (host_iface_on(sh, g->if_addr[k]) >= 0) {
                        ra->gw.addr = g->if_addr[k];
                        break;
                    }
            }
            if (ra->gw.host == h || host_iface_on(sh, ra->gw.addr) < 0) {
                char nets[160] = "";
                size_t o = 0;
                for (unsigned k = 0; k < sh->n_ifaces && o < sizeof nets; k++) {
                    char a[IPV4_ADDR_STRLEN];
                    o += (size_t)snprintf(nets + o, sizeof nets - o, "%s%s/%u",
                                          k > 0 ? ", " : "",
                                          ipv4_addr_str(sh->if_addr[k] &
                                                            ipv4_prefix_mask(sh->if_prefix[k]), a),
                                          sh->if_prefix[k]);
                }
                return perr(p, v->col, "gateway %s is not on a subnet of %s (%s); a gateway is "
                            "a neighbour on one of them", ipv4_addr_str(ra->gw.addr, gs),
                            sh->name, nets);
            }
        } else if (word_is(t, "dev")) {
            uint64_t k;
            if (seen_dev != NULL)
                return perr(p, t->col, "'dev' is given twice");
            seen_dev = t;
            if (v == NULL)
                return perr(p, t->col, "dev needs an interface, like eth0");
            if (v->kind != TOK_WORD || strncmp(v->text, "eth", 3) != 0 ||
                parse_u64(v->text + 3, v->len - 3, &k) != NUM_OK || k >= sh->n_ifaces)
            {
                if (sh->n_ifaces == 1)
                    return perr(p, v->col, "%s has no interface %s (it has eth0)", sh->name,
                                show(v).s);
                return perr(p, v->col, "%s has no interface %s (it has eth0..eth%u)", sh->name,
                            show(v).s, sh->n_ifaces - 1);
            }
            ra->dev = (int)k;
        } else {
            return perr(p, t->col, "unknown route option %s (route options are via and dev)",
                        show(t).s);
        }
    }
    if (!ra->has_gw && ra->dev < 0)
        return perr(p, td->col, "route add needs 'via GATEWAY' or 'dev ethN'");
    if (ra->has_gw && ra->dev >= 0 &&
        host_iface_on(sh, ra->gw.addr) != ra->dev) {
        char gs[IPV4_ADDR_STRLEN];
        return perr(p, seen_dev->col, "gateway %s is not on eth%d's subnet",
                    ipv4_addr_str(ra->gw.addr, gs), ra->dev);
    }
    return 0;
}

/* HOST: ip route [show] */
static int
parse_ip_route(struct parser *p, struct cur *c, const struct tok *kw, int h, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_ROUTE_SHOW);
    st->host = h;
    if (!word_is(t, "route"))
        return perr(p, t != NULL ? t->col : kw->col, "ip needs 'route', like '%s: ip route' "
                    "(netstep's ip knows only its route table)", p->scn->hosts[h].name);
    if (word_is(cur_peek(c), "show"))
        cur_next(c);
    if (word_is(cur_peek(c), "add"))
        return perr(p, cur_peek(c)->col, "write '%s: route add ...' to add a route",
                    p->scn->hosts[h].name);
    return expect_end(p, c);
}

static int
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

static int
parse_say(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_SAY);
    if (t == NULL)
        return perr(p, kw->col, "say needs a quoted text");
    if (get_text(p, t, "say", &st->say.text) < 0)
        return -1;
    return expect_end(p, c);
}

/* The comparison operators, in enum scn_cmp order. */
static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=", "contains", NULL };

/* A numeric comparison: == != < <= > >= */
static int
get_num_cmp(struct parser *p, const struct tok *t, enum scn_cmp *out)
{
    for (int i = SCN_CMP_EQ; i <= SCN_CMP_GE; i++) {
        if (word_is(t, cmp_names[i])) {
            *out = (enum scn_cmp)i;
            return 0;
        }
    }
    return perr(p, t->col, "expected a comparison (== != < <= > >=), found %s", show(t).s);
}

/* expect DVAR OP "TEXT" | expect DVAR length OP N */
static int
parse_expect_data(struct parser *p, struct cur *c, const struct tok *tv, struct scn_step *st)
{
    struct scn_expect *e = &st->expect;
    const struct tok *t = cur_next(c);

    e->dvar = dvar_find(p->scn, tv->text);
    if (t == NULL)
        return perr(p, tv->col, "expect needs a comparison and a quoted text after '%s'",
                    tv->text);
    if (word_is(t, "length")) {
        const struct tok *op = cur_next(c);
        const struct tok *n = cur_next(c);
        e->kind = SCN_EXPECT_LENGTH;
        if (op == NULL || n == NULL)
            return perr(p, t->col, "length needs a comparison and a number, like 'length == 5'");
        if (get_num_cmp(p, op, &e->cmp) < 0)
            return -1;
        if (get_uint(p, n, "length", 0, UINT64_MAX, "", &e->number) < 0)
            return -1;
        return expect_end(p, c);
    }

    e->kind = SCN_EXPECT_DATA;
    if (word_is(t, "==")) {
        e->cmp = SCN_CMP_EQ;
    } else if (word_is(t, "!=")) {
        e->cmp = SCN_CMP_NE;
    } else if (word_is(t, "contains")) {
        e->cmp = SCN_CMP_CONTAINS;
    } else {
        for (int i = SCN_CMP_LT; i <= SCN_CMP_GE; i++)
            if (word_is(t, cmp_names[i]))
                return perr(p, t->col, "expected ==, != or contains, found %s (to compare "
                            "sizes, write 'expect %s length %s N')", show(t).s, tv->text,
                            t->text);
        return perr(p, t->col, "expected ==, != or contains, found %s", show(t).s);
    }
    const struct tok *v = cur_peek(c);
    if (v == NULL)
        return perr(p, t->col, "%s needs a quoted text after it", t->text);
    if (is_app_payload_word(v)) {
        /* the data against the bytes an application payload would send */
        if (get_payload(p, c, &e->rhs) < 0)
            return -1;
        return expect_end(p, c);
    }
    cur_next(c);
    if (v->kind != TOK_STRING)
        return perr(p, v->col, "expected a quoted text, found %s", show(v).s);
    e->text = (uint8_t *)str_dup_n(v->text, v->len);
    if (e->text == NULL)
        return perr_oom(p);
    e->text_len = v->len;
    return expect_end(p, c);
}

/* expect HOST counter NAME OP N */
static int
parse_expect_counter(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *tn = cur_next(c);
    const struct tok *op = cur_next(c);
    const struct tok *n = cur_next(c);

    e->kind = SCN_EXPECT_COUNTER;
    if (tn == NULL || op == NULL || n == NULL)
        return perr(p, kw->col, "counter needs a name, a comparison and a number, like "
                    "'counter udp.rx == 1'");
    bool ok = tn->kind == TOK_WORD;
    for (size_t i = 0; ok && i < tn->len; i++) {
        char ch = tn->text[i];
        ok = is_lower(ch) || is_upper(ch) || is_digit(ch) || ch == '_' || ch == '.';
    }
    if (!ok)
        return perr(p, tn->col, "bad counter name %s (counter names use letters, digits, '_' "
                    "and '.', like udp.rx)", show(tn).s);
    if (tn->len > SCN_COUNTER_MAX)
        return perr(p, tn->col, "counter name %s is longer than %d characters", show(tn).s,
                    SCN_COUNTER_MAX);
    memcpy(e->counter, tn->text, tn->len + 1);
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_uint(p, n, "counter value", 0, UINT64_MAX, "", &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

/* expect HOST arp ADDR [==] VALUE */
static int
parse_expect_arp(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    static const char *const states[] = { "absent", "incomplete", "present", NULL };
    const struct tok *ta = cur_next(c);
    const struct tok *v = cur_next(c);

    e->kind = SCN_EXPECT_ARP;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "=="))
        v = cur_next(c);
    if (ta == NULL || v == NULL)
        return perr(p, kw->col, "arp needs an address and a state, like 'arp 192.0.2.2 "
                    "present'");
    if (ta->kind != TOK_WORD)
        return perr(p, ta->col, "expected an address or a host name, found %s", show(ta).s);
    if (get_addr(p, ta->text, ta->len, ta->col, &e->arp_addr) < 0)
        return -1;
    if (word_is(v, "absent")) {
        e->arp_state = SCN_ARP_ABSENT;
    } else if (word_is(v, "incomplete")) {
        e->arp_state = SCN_ARP_INCOMPLETE;
    } else if (word_is(v, "present")) {
        e->arp_state = SCN_ARP_PRESENT;
    } else if (v->kind == TOK_WORD && mac_addr_parse(v->text, e->arp_mac)) {
        e->arp_state = SCN_ARP_MAC;
    } else {
        struct suggest sg;
        suggest_init(&sg, v->text);
        if (v->kind == TOK_WORD)
            suggest_list(&sg, states);
        if (sg.best != NULL)
            return perr(p, v->col, "unknown ARP state %s (did you mean '%s'?)", show(v).s,
                        sg.best);
        return perr(p, v->col, "expected a MAC address, 'absent', 'incomplete' or 'present', "
                    "found %s", show(v).s);
    }
    return expect_end(p, c);
}

/* expect HOST VAR error [==] ERRNAME */
static int
parse_expect_error(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *v = cur_next(c);
    bool ok;

    e->kind = SCN_EXPECT_ERROR;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "=="))
        v = cur_next(c);
    if (v == NULL)
        return perr(p, kw->col, "error needs an error name, like 'error == ECONNREFUSED' or "
                    "'error none'");
    ok = v->kind == TOK_WORD && (strcmp(v->text, "none") == 0 || (v->text[0] == 'E' &&
                                                                   v->len >= 2));
    for (size_t i = 1; ok && v->text[0] == 'E' && i < v->len; i++)
        ok = is_upper(v->text[i]) || is_digit(v->text[i]);
    if (!ok)
        return perr(p, v->col, "bad error name %s (use none or an errno name like "
                    "ECONNREFUSED)", show(v).s);
    if (v->len > SCN_NAME_MAX)
        return perr(p, v->col, "error name %s is longer than %d characters", show(v).s,
                    SCN_NAME_MAX);
    memcpy(e->err_name, v->text, v->len + 1);
    return expect_end(p, c);
}

/* The state names `expect HOST VAR state` knows: TCP's eleven [RFC 9293
 * 3.3.2], and UNCONN / ESTAB for datagram sockets (as ss(8) shows them). */
static const char *const state_names[] = {
    "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
    "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "UNCONN", "ESTAB", NULL,
};

/* expect HOST VAR state [==] NAME */
static int
parse_expect_state(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *v = cur_next(c);
    struct suggest sg;

    e->kind = SCN_EXPECT_STATE;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "==")) {
        v = cur_next(c);
    } else if (word_is(v, "!=")) {
        e->cmp = SCN_CMP_NE;
        v = cur_next(c);
    }
    if (v == NULL)
        return perr(p, kw->col, "state needs a state name, like 'state ESTABLISHED'");
    for (size_t i = 0; state_names[i] != NULL; i++) {
        if (word_is(v, state_names[i])) {
            memcpy(e->field, v->text, v->len + 1);
            return expect_end(p, c);
        }
    }
    suggest_init(&sg, v->text);
    if (v->kind == TOK_WORD)
        suggest_list(&sg, state_names);
    if (sg.best != NULL)
        return perr(p, v->col, "unknown state %s (did you mean '%s'?)", show(v).s, sg.best);
    return perr(p, v->col, "unknown state %s (TCP states are written as RFC 9293 names them, "
                "like ESTABLISHED or TIME_WAIT)", show(v).s);
}

/* expect HOST VAR tcb FIELD OP N */
static int
parse_expect_tcb(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *tf = cur_next(c);
    const struct tok *op = cur_next(c);
    const struct tok *n = cur_next(c);

    e->kind = SCN_EXPECT_TCB;
    if (tf == NULL || op == NULL || n == NULL)
        return perr(p, kw->col, "tcb needs a field, a comparison and a number, like 'tcb cwnd "
                    ">= 14600'");
    bool ok = tf->kind == TOK_WORD && (is_lower(tf->text[0]) || tf->text[0] == '_');
    for (size_t i = 0; ok && i < tf->len; i++)
        ok = is_lower(tf->text[i]) || is_digit(tf->text[i]) || tf->text[i] == '_';
    if (!ok || tf->len > SCN_FIELD_MAX)
        return perr(p, tf->col, "bad TCB field %s (fields are named as RFC 9293 names them, "
                    "like snd_una, rcv_wnd, cwnd)", show(tf).s);
    /* The stack's own list of fields (stack/inspect.c), so that `netstep
     * check` finds a misspelt one and points at the word itself. */
    bool known = false;
    for (size_t i = 0; !known && inspect_tcb_field_name(i) != NULL; i++)
        known = word_is(tf, inspect_tcb_field_name(i));
    if (!known) {
        struct suggest sg;
        suggest_init(&sg, tf->text);
        for (size_t i = 0; inspect_tcb_field_name(i) != NULL; i++)
            suggest_try(&sg, inspect_tcb_field_name(i));
        if (sg.best != NULL)
            return perr(p, tf->col, "unknown TCB field %s (did you mean '%s'? the fields are "
                        "listed under 'expect' in docs/scenario-language.md)", show(tf).s,
                        sg.best);
        return perr(p, tf->col, "unknown TCB field %s (try snd_una, snd_nxt, rcv_nxt, cwnd, "
                    "ssthresh, srtt_ms, rto_ms or retransmits; the fields are listed under "
                    "'expect' in docs/scenario-language.md)", show(tf).s);
    }
    memcpy(e->field, tf->text, tf->len + 1);
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_uint(p, n, "field value", 0, UINT64_MAX, "", &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

/* expect HOST route DEST [==] via ADDR | direct | none */
static int
parse_expect_route(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *td = cur_next(c);
    const struct tok *v = cur_next(c);

    e->kind = SCN_EXPECT_ROUTE;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "=="))
        v = cur_next(c);
    if (td == NULL || v == NULL)
        return perr(p, kw->col, "route needs a destination and an answer, like 'route "
                    "198.51.100.7 via 192.0.2.254', 'route bob direct' or 'route 10.9.9.9 "
                    "none'");
    if (td->kind != TOK_WORD)
        return perr(p, td->col, "expected an address or a host name, found %s", show(td).s);
    if (get_addr(p, td->text, td->len, td->col, &e->route_dest) < 0)
        return -1;
    if (word_is(v, "direct")) {
        e->route_kind = SCN_ROUTE_DIRECT;
    } else if (word_is(v, "none")) {
        e->route_kind = SCN_ROUTE_NONE;
    } else if (word_is(v, "via")) {
        const struct tok *tg = cur_next(c);
        e->route_kind = SCN_ROUTE_VIA;
        if (tg == NULL)
            return perr(p, v->col, "via needs the gateway's address or host name");
        if (tg->kind != TOK_WORD)
            return perr(p, tg->col, "expected an address or a host name, found %s", show(tg).s);
        if (get_addr(p, tg->text, tg->len, tg->col, &e->route_gw) < 0)
            return -1;
    } else {
        return perr(p, v->col, "expected 'via ADDRESS', 'direct' or 'none', found %s",
                    show(v).s);
    }
    return expect_end(p, c);
}

/* expect HOST counter|arp|route|VAR error|state|tcb ... (th names host h). */
static int
parse_expect_host(struct parser *p, struct cur *c, const struct tok *th, int h,
                  struct scn_step *st)
{
    static const char *const checks[] = { "counter", "arp", "route", "error", "state", "tcb",
                                          NULL };
    const struct tok *t = cur_next(c);
    const struct tok *t3;

    st->host = h;
    if (t == NULL)
        return perr(p, th->col, "expect needs a check after the host: counter, arp, route or "
                    "'SOCKET error|state|tcb'");
    if (word_is(t, "counter"))
        return parse_expect_counter(p, c, t, &st->expect);
    if (word_is(t, "arp"))
        return parse_expect_arp(p, c, t, &st->expect);
    if (word_is(t, "route"))
        return parse_expect_route(p, c, t, &st->expect);
    t3 = cur_peek(c);
    if (t->kind == TOK_WORD && is_var_name(t->text) && sock_find(p->scn, h, t->text) >= 0) {
        st->sock = sock_find(p->scn, h, t->text);
        if (t3 == NULL)
            return perr(p, t->col, "expect needs a check after the socket, like 'error none' or "
                        "'state ESTABLISHED'");
        cur_next(c);
        if (word_is(t3, "error"))
            return parse_expect_error(p, c, t3, &st->expect);
        if (word_is(t3, "state"))
            return parse_expect_state(p, c, t3, &st->expect);
        if (word_is(t3, "tcb")) {
            if (p->scn->socks[st->sock].type != SCN_SOCK_TCP)
                return perr(p, t3->col, "'%s' is a %s socket; only tcp sockets have a TCB",
                            t->text, scn_sock_type_name(p->scn->socks[st->sock].type));
            return parse_expect_tcb(p, c, t3, &st->expect);
        }
        return perr(p, t3->col, "expected 'error', 'state' or 'tcb' after the socket, found %s",
                    show(t3).s);
    }
    if (word_is(t3, "error") || word_is(t3, "state") || word_is(t3, "tcb"))
        return get_sock(p, t, h, &st->sock);

    struct suggest sg;
    suggest_init(&sg, t->text);
    if (t->kind == TOK_WORD)
        suggest_list(&sg, checks);
    if (sg.best != NULL && strcmp(sg.best, "error") != 0 && strcmp(sg.best, "state") != 0 &&
        strcmp(sg.best, "tcb") != 0)
        return perr(p, t->col, "unknown check %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "unknown check %s (use counter, arp, route or 'SOCKET error|state|"
                "tcb')", show(t).s);
}

static const char *const proto_names[] = { "", "arp", "ip", "icmp", "udp", "tcp", NULL };

/* TCP flags as `flags` writes them: letters of tcpdump (S A F R P U E W, W
 * for CWR) or names (SYN ACK FIN RST PSH URG ECE CWR) joined with '+'. */
static int
get_tcp_flags(struct parser *p, const struct tok *t, uint8_t *out)
{
    static const struct {
        const char *name;
        char letter;
        uint8_t bit;
    } flags[] = {
        { "FIN", 'F', 0x01 }, { "SYN", 'S', 0x02 }, { "RST", 'R', 0x04 }, { "PSH", 'P', 0x08 },
        { "ACK", 'A', 0x10 }, { "URG", 'U', 0x20 }, { "ECE", 'E', 0x40 }, { "CWR", 'W', 0x80 },
    };
    const char *s = t->text;
    uint8_t v = 0;

    if (t->kind != TOK_WORD || t->len == 0)
        goto out_bad;
    while (*s != '\0') {
        size_t n = strcspn(s, "+");
        bool named = false;
        for (size_t i = 0; i < 8 && !named; i++) {
            if (n == 3 && strncmp(s, flags[i].name, 3) == 0) {
                v |= flags[i].bit;
                named = true;
            }
        }
        for (size_t k = 0; !named && k < n; k++) {
            bool hit = false;
            for (size_t i = 0; i < 8; i++) {
                if (s[k] == flags[i].letter) {
                    v |= flags[i].bit;
                    hit = true;
                }
            }
            if (!hit)
                goto out_bad;
        }
        if (n == 0)
            goto out_bad;
        s += n;
        if (*s == '+')
            s++;
        if (s[-1] == '+' && *s == '\0')
            goto out_bad;
    }
    *out = v;
    return 0;

out_bad:
    return perr(p, t->col, "bad TCP flags %s (write letters as tcpdump does, like S, SA, A, FA, "
                "R, or names like SYN+ACK)", show(t).s);
}

/* FILTER: [PROTO] [from ADDR] [to ADDR] [port N] [flags FLAGS] [len OP N].
 * Stops at the first word that is not part of a filter (the caller's
 * comparison). `what` names the statement for messages. */
static int
parse_filter(struct parser *p, struct cur *c, struct scn_filter *f)
{
    static const char *const parts[] = { "from", "to", "port", "flags", "len", NULL };
    const struct tok *t = cur_peek(c);
    const struct tok *seen[5] = { NULL, NULL, NULL, NULL, NULL };

    f->proto = SCN_PROTO_ANY;
    for (int i = 1; t != NULL && proto_names[i] != NULL; i++) {
        if (word_is(t, proto_names[i])) {
            f->proto = (enum scn_proto)i;
            cur_next(c);
            break;
        }
    }
    while ((t = cur_peek(c)) != NULL) {
        size_t part = 0;
        while (parts[part] != NULL && !word_is(t, parts[part]))
            part++;
        if (parts[part] == NULL) {
            if (t->kind == TOK_WORD && (is_lower(t->text[0]))) {
                struct suggest sg;
                suggest_init(&sg, t->text);
                suggest_list(&sg, parts);
                suggest_list(&sg, proto_names + 1);
                if (sg.best != NULL)
                    return perr(p, t->col, "unknown filter word %s (did you mean '%s'?)",
                                show(t).s, sg.best);
                return perr(p, t->col, "unknown filter word %s (a filter is [arp|ip|icmp|udp|"
                            "tcp] [from ADDR] [to ADDR] [port N] [flags F] [len OP N])",
                            show(t).s);
            }
            return 0;
        }
        cur_next(c);
        if (seen[part] != NULL)
            return perr(p, t->col, "'%s' is given twice", parts[part]);
        seen[part] = t;
        const struct tok *v = cur_next(c);
        if (v == NULL) {
            static const char *const needs[] = {
                "from needs an address or a host name, like 'from alice'",
                "to needs an address or a host name, like 'to bob'",
                "port needs a number, like 'port 80'",
                "flags needs TCP flags, like 'flags SA'",
                "len needs a comparison and a number, like 'len > 0'",
            };
            return perr(p, t->col, "%s", needs[part]);
        }
        switch (part) {
        case 0:
        case 1: {
            struct scn_addr *a = part == 0 ? &f->from : &f->to;
            if (v->kind != TOK_WORD)
                return perr(p, v->col, "expected an address or a host name, found %s",
                            show(v).s);
            if (get_addr(p, v->text, v->len, v->col, a) < 0)
                return -1;
            if (part == 0)
                f->has_from = true;
            else
                f->has_to = true;
            break;
        }
        case 2:
            if (f->proto != SCN_PROTO_UDP && f->proto != SCN_PROTO_TCP)
                return perr(p, t->col, "port needs udp or tcp first, like 'tcp port 80'");
            if (get_port(p, v->text, v->len, v->col, &f->port) < 0)
                return -1;
            break;
        case 3:
            if (f->proto != SCN_PROTO_TCP)
                return perr(p, t->col, "flags are TCP's: write 'tcp ... flags %s'", v->text);
            if (get_tcp_flags(p, v, &f->flags) < 0)
                return -1;
            break;
        default: {
            const struct tok *n = cur_next(c);
            if (n == NULL)
                return perr(p, t->col, "len needs a comparison and a number, like 'len > 0'");
            if (get_num_cmp(p, v, &f->len_cmp) < 0)
                return -1;
            if (get_uint(p, n, "len", 0, UINT64_MAX, "", &f->len) < 0)
                return -1;
            f->has_len = true;
            break;
        }
        }
    }
    return 0;
}

/* expect packets FILTER OP N */
static int
parse_expect_packets(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *op;
    const struct tok *n;

    e->kind = SCN_EXPECT_PACKETS;
    if (parse_filter(p, c, &e->filter) < 0)
        return -1;
    op = cur_next(c);
    n = cur_next(c);
    if (op == NULL || n == NULL)
        return perr(p, kw->col, "packets needs a filter, a comparison and a number, like "
                    "'packets tcp from alice flags S == 1'");
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_uint(p, n, "packet count", 0, UINT64_MAX, "", &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

/* expect time OP DUR */
static int
parse_expect_time(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *op = cur_next(c);
    const struct tok *d = cur_next(c);

    e->kind = SCN_EXPECT_TIME;
    if (op == NULL || d == NULL)
        return perr(p, kw->col, "time needs a comparison and a duration, like 'time < 2s'");
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_dur(p, d, &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

static int
parse_expect(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct scenario *scn = p->scn;
    const struct tok *t = cur_next(c);
    const struct tok *t2;
    const struct tok *t3;
    struct suggest sg;
    int h;

    step_init(st, SCN_STEP_EXPECT);
    if (t == NULL)
        return perr(p, kw->col, "expect needs something to check");
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a data variable or a host after 'expect', found %s",
                    show(t).s);
    h = scenario_host_find(scn, t->text);
    if (h >= 0)
        return parse_expect_host(p, c, t, h, st);
    if (word_is(t, "packets") && dvar_find(scn, t->text) < 0)
        return parse_expect_packets(p, c, t, &st->expect);
    if (word_is(t, "time") && dvar_find(scn, t->text) < 0)
        return parse_expect_time(p, c, t, &st->expect);
    if (dvar_find(scn, t->text) >= 0)
        return parse_expect_data(p, c, t, st);

    /* Neither: guess from the words that follow which one was meant. */
    t2 = cur_peek(c);
    t3 = cur_peek2(c);
    if (word_is(t2, "counter") || word_is(t2, "arp") || word_is(t2, "route") ||
        word_is(t3, "error") || word_is(t3, "state") || word_is(t3, "tcb"))
        return err_unknown_host(p, t->text, t->len, t->col);
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < scn->n_dvars; i++)
        suggest_try(&sg, scn->dvars[i].name);
    if (sg.best != NULL)
        return perr(p, t->col, "no data variable %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "no data variable %s (data variables are defined with '-> NAME' "
                "after recv, recvfrom or ping)", show(t).s);
}

/* ---------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------- */

static const char *const statements[] = { "title", "about", "seed", "host", "link", "ping",
                                          "sleep", "say", "expect", "pause", "wait", "at",
                                          "repeat", "include", "set", "drop", "router",
                                          "switch", "hub", "traceroute", "duplicate",
                                          "corrupt", "delay", "tap", NULL };

static int
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
static int
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

/* The tunables of `set`, in enum scn_set_key order, with the kind of value. */
enum set_value { SETV_DUR, SETV_COUNT, SETV_ON_OFF, SETV_DELACK, SETV_CC, SETV_U32 };

static const struct {
    const char *name;
    enum set_value value;
} set_keys[SCN_SET_KEY_COUNT] = {
    [SCN_SET_TCP_MSL] = { "tcp.msl", SETV_DUR },
    [SCN_SET_TCP_RTO_MIN] = { "tcp.rto_min", SETV_DUR },
    [SCN_SET_TCP_RTO_INITIAL] = { "tcp.rto_initial", SETV_DUR },
    [SCN_SET_TCP_RTO_MAX] = { "tcp.rto_max", SETV_DUR },
    [SCN_SET_TCP_DELACK] = { "tcp.delack", SETV_DELACK },
    [SCN_SET_TCP_KEEPIDLE] = { "tcp.keepidle", SETV_DUR },
    [SCN_SET_TCP_KEEPINTVL] = { "tcp.keepintvl", SETV_DUR },
    [SCN_SET_TCP_KEEPCNT] = { "tcp.keepcnt", SETV_COUNT },
    [SCN_SET_TCP_SYN_RETRIES] = { "tcp.syn_retries", SETV_COUNT },
    [SCN_SET_TCP_RETRIES2] = { "tcp.retries2", SETV_COUNT },
    [SCN_SET_TCP_IW] = { "tcp.iw", SETV_COUNT },
    [SCN_SET_TCP_SACK] = { "tcp.sack", SETV_ON_OFF },
    [SCN_SET_TCP_TIMESTAMPS] = { "tcp.timestamps", SETV_ON_OFF },
    [SCN_SET_TCP_WSCALE] = { "tcp.wscale", SETV_ON_OFF },
    [SCN_SET_TCP_CC] = { "tcp.cc", SETV_CC },
    [SCN_SET_TCP_ISS] = { "tcp.iss", SETV_U32 },
    [SCN_SET_IPV4_FORWARDING] = { "ipv4.forwarding", SETV_ON_OFF },
};

/* set HOST KEY VALUE */
static int
parse_set(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *th = cur_next(c);
    const struct tok *tk = cur_next(c);
    const struct tok *tv = cur_next(c);
    int key = -1;
    int64_t iv;

    step_init(st, SCN_STEP_SET);
    if (th == NULL || tk == NULL || tv == NULL)
        return perr(p, kw->col, "set needs a host, a name and a value, like 'set alice tcp.msl "
                    "1s'");
    if (get_host(p, th, &st->host) < 0)
        return -1;
    for (int i = 0; i < SCN_SET_KEY_COUNT; i++)
        if (word_is(tk, set_keys[i].name))
            key = i;
    if (key < 0) {
        struct suggest sg;
        suggest_init(&sg, tk->text);
        for (int i = 0; tk->kind == TOK_WORD && i < SCN_SET_KEY_COUNT; i++)
            suggest_try(&sg, set_keys[i].name);
        if (sg.best != NULL)
            return perr(p, tk->col, "unknown setting %s (did you mean '%s'?)", show(tk).s,
                        sg.best);
        return perr(p, tk->col, "unknown setting %s (settings are tcp.msl, tcp.rto_min, "
                    "tcp.rto_initial, tcp.rto_max, tcp.delack, tcp.keepidle, tcp.keepintvl, "
                    "tcp.keepcnt, tcp.syn_retries, tcp.retries2, tcp.iw, tcp.sack, "
                    "tcp.timestamps, tcp.wscale, tcp.cc, tcp.iss and ipv4.forwarding)",
                    show(tk).s);
    }
    st->set.key = (enum scn_set_key)key;
    switch (set_keys[key].value) {
    case SETV_DUR:
        if (get_dur(p, tv, &st->set.value) < 0)
            return -1;
        break;
    case SETV_COUNT:
        if (get_uint(p, tv, tk->text, 0, 1000000, "", &st->set.value) < 0)
            return -1;
        break;
    case SETV_U32:
        if (get_uint(p, tv, tk->text, 0, UINT32_MAX, "", &st->set.value) < 0)
            return -1;
        break;
    case SETV_ON_OFF:
        if (get_on_off(p, tv, tk->text, &iv) < 0)
            return -1;
        st->set.value = (uint64_t)iv;
        break;
    case SETV_DELACK:
        if (word_is(tv, "off")) {
            st->set.value = 0;
        } else if (word_is(tv, "on")) {
            st->set.value = SCN_DELACK_ON;
        } else {
            if (tv->kind != TOK_WORD || !is_digit(tv->text[0]))
                return perr(p, tv->col, "tcp.delack takes on, off or a duration, found %s",
                            show(tv).s);
            if (get_dur(p, tv, &st->set.value) < 0)
                return -1;
            if (st->set.value == 0 || st->set.value == SCN_DELACK_ON)
                return perr(p, tv->col, "tcp.delack %s: write 'off' to turn delayed ACKs off",
                            show(tv).s);
        }
        break;
    default:
        if (get_cc(p, tv, &iv) < 0)
            return -1;
        st->set.value = (uint64_t)iv;
        break;
    }
    return expect_end(p, c);
}

/* drop NTH FILTER: "3rd", "1st", "22nd", "11th". */
static int
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

/* repeat N { */
static int
parse_repeat(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *tn = cur_next(c);
    const struct tok *tb = cur_next(c);
    uint64_t n;

    if (p->in_at)
        return perr(p, kw->col, "at cannot schedule a repeat");
    if (tn == NULL)
        return perr(p, kw->col, "repeat needs a count and '{', like 'repeat 3 {'");
    if (get_uint(p, tn, "repeat count", 1, SCN_REPEAT_MAX, "", &n) < 0)
        return -1;
    if (tb == NULL || !word_is(tb, "{"))
        return perr(p, tb != NULL ? tb->col : tn->col + (unsigned)tn->len,
                    "repeat needs '{' at the end of its line (the block ends with '}' on a line "
                    "of its own)");
    if (expect_end(p, c) < 0)
        return -1;
    struct repeat_open *ro = reserve(p->repeats, p->n_repeats, &p->cap_repeats, sizeof *ro);
    if (ro == NULL)
        return perr_oom(p);
    p->repeats = ro;
    ro = &ro[p->n_repeats++];
    ro->count = n;
    ro->first_step = p->scn->n_steps;
    ro->file = p->lines[p->cur_line].file;
    ro->line = cur_lineno(p);
    ro->col = kw->col;
    return 0;
}

/* } : close the innermost repeat and copy its body count-1 more times. */
static int
parse_repeat_end(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    struct repeat_open ro;

    if (p->n_repeats == 0)
        return perr(p, kw->col, "'}' without a 'repeat N {' to close");
    if (expect_end(p, c) < 0)
        return -1;
    ro = p->repeats[--p->n_repeats];
    if (ro.file != p->lines[p->cur_line].file)
        return perr(p, kw->col, "'}' closes a repeat of another file");
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

/* Steps are not allowed inside repeat when they define the world. */
static int
check_not_in_repeat(struct parser *p, const struct tok *kw)
{
    if (p->n_repeats == 0)
        return 0;
    const struct repeat_open *ro = &p->repeats[p->n_repeats - 1];
    return perr(p, kw->col, "%s cannot be inside a repeat (the repeat at %u:%u): it "
                "describes the world, not a step", kw->text, ro->line, ro->col);
}

static int parse_statement(struct parser *p, struct cur *c, struct scn_step *st);

/* at TIME STATEMENT */
static int
parse_at(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    static const char *const never[] = { "title", "about", "seed", "host", "router", "switch",
                                         "hub", "include", "repeat", "at", "sleep", "ping",
                                         "traceroute", "wait", "pause", "}", NULL };
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
    for (size_t i = 0; never[i] != NULL; i++)
        if (word_is(t, never[i]))
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

/* A first word that is no statement: say what it probably was. */
static int
err_unknown_statement(struct parser *p, struct cur *c, const struct tok *t)
{
    const struct tok *t2 = cur_peek(c);
    const char *colon;
    struct suggest sg;

    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a statement, found %s", show(t).s);
    if (scenario_host_find(p->scn, t->text) >= 0)
        return perr(p, t->col, "unknown statement %s (a host's calls are written '%s: CALL')",
                    show(t).s, t->text);
    colon = strchr(t->text, ':');
    if (colon != NULL && colon[1] != '\0') {
        size_t n = (size_t)(colon - t->text);
        for (size_t i = 0; i < p->scn->n_hosts; i++) {
            const char *hn = p->scn->hosts[i].name;
            if (strlen(hn) == n && memcmp(hn, t->text, n) == 0)
                return perr(p, t->col + (unsigned)n + 1, "missing space after '%.*s:'", (int)n,
                            t->text);
        }
    }
    if (word_is(t2, "="))
        return perr(p, t->col, "a socket belongs to a host: write 'HOST: %s = ...'", t->text);
    for (size_t i = 0; i < N_CALLS; i++)
        if (word_is(t, calls[i].name))
            return perr(p, t->col, "%s is a call a host makes: write 'HOST: %s ...'", show(t).s,
                        t->text);
    suggest_init(&sg, t->text);
    suggest_list(&sg, statements);
    if (sg.best != NULL)
        return perr(p, t->col, "unknown statement %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "unknown statement %s", show(t).s);
}

/* Parse one statement into st (if it is a step). Returns 1 if st was filled,
 * 0 for a statement that is no step, -1 on error. */
static int
parse_statement(struct parser *p, struct cur *c, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    if (t->kind == TOK_WORD && t->len >= 2 && t->text[t->len - 1] == ':')
        return parse_call(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "title"))
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_title(p, c, t);
    if (word_is(t, "about"))
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_about(p, c, t);
    if (word_is(t, "seed"))
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_seed(p, c, t);
    if (word_is(t, "host"))
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_host(p, c, t);
    if (word_is(t, "router"))
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_host(p, c, t);
    if (word_is(t, "switch") || word_is(t, "hub"))
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_switch(p, c, t);
    if (word_is(t, "link")) {
        const struct tok *t3 = c->i + 2 < c->ln->n_toks ? &c->ln->toks[c->i + 2] : NULL;
        if (word_is(t3, "down") || word_is(t3, "up"))
            return parse_link_state(p, c, t, st) < 0 ? -1 : 1;
        if (p->in_at)
            return perr(p, t->col, "at cannot schedule a link's definition; it can schedule "
                        "'link A B down' and 'link A B up'");
        return check_not_in_repeat(p, t) < 0 ? -1 : parse_link(p, c, t);
    }
    if (word_is(t, "tap"))
        return parse_tap_statement(p, c, t);
    if (word_is(t, "traceroute"))
        return parse_traceroute(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "duplicate") || word_is(t, "corrupt") || word_is(t, "delay"))
        return parse_drop(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "ping"))
        return parse_ping(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "sleep"))
        return parse_sleep(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "say"))
        return parse_say(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "expect"))
        return parse_expect(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "pause"))
        return parse_pause(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "wait"))
        return parse_wait(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "set"))
        return parse_set(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "drop"))
        return parse_drop(p, c, t, st) < 0 ? -1 : 1;
    if (word_is(t, "at"))
        return parse_at(p, c, t, st);
    if (word_is(t, "repeat"))
        return parse_repeat(p, c, t);
    if (word_is(t, "}"))
        return parse_repeat_end(p, c, t);
    return err_unknown_statement(p, c, t);
}

/* After a broken line: define the `-> NAME` it meant to define, so the
 * expects that read it do not fail too. */
static void
recover_dvars(struct parser *p, const struct line *ln)
{
    for (size_t i = 0; i + 1 < ln->n_toks; i++) {
        const struct tok *t = &ln->toks[i + 1];
        if (!word_is(&ln->toks[i], "->") || t->kind != TOK_WORD || !is_var_name(t->text) ||
            t->len > SCN_NAME_MAX || dvar_find(p->scn, t->text) >= 0 ||
            scenario_host_find(p->scn, t->text) >= 0)
            continue;
        struct scn_dvar *dv = reserve(p->scn->dvars, p->scn->n_dvars, &p->cap_dvars, sizeof *dv);
        if (dv == NULL)
            return;
        p->scn->dvars = dv;
        dv = &dv[p->scn->n_dvars++];
        memset(dv, 0, sizeof *dv);
        memcpy(dv->name, t->text, t->len + 1);
        dv->kind = word_is(&ln->toks[0], "ping") ? SCN_DVAR_PING : SCN_DVAR_DATA;
        dv->line = ln->lineno;
        dv->col = t->col;
    }
}

static void
parse_line(struct parser *p, const struct line *ln)
{
    struct cur c = { .ln = ln, .i = 0 };
    struct scn_step st;
    int rc;

    if (ln->err != NULL) {
        perr(p, ln->err_col, "%s", ln->err);
        recover_dvars(p, ln);
        return;
    }
    if (ln->n_toks == 0)
        return;
    step_init(&st, SCN_STEP_SAY);
    rc = parse_statement(p, &c, &st);
    if (rc == 1 && p->scn->n_steps >= SCN_STEPS_MAX) {
        step_clear(&st);
        perr(p, ln->toks[0].col, "more than %u steps", SCN_STEPS_MAX);
        return;
    }
    if (rc == 1) {
        struct scn_step *ns;
        st.file = ln->file;
        st.line = ln->lineno;
        st.col = ln->toks[0].col;
        st.text = str_dup_n(ln->src + ln->text_off, ln->text_len);
        ns = st.text == NULL ? NULL
                             : reserve(p->scn->steps, p->scn->n_steps, &p->cap_steps, sizeof *ns);
        if (ns == NULL) {
            step_clear(&st);
            perr_oom(p);
            return;
        }
        p->scn->steps = ns;
        ns[p->scn->n_steps++] = st;
        return;
    }
    step_clear(&st);
    if (rc < 0)
        recover_dvars(p, ln);
}

/* At the end of the text: every `repeat {` must have found its `}`. */
static void
check_repeats_closed(struct parser *p)
{
    for (size_t i = 0; i < p->n_repeats; i++) {
        const struct repeat_open *ro = &p->repeats[i];
        diag_add(p->diag, p->scn->files[ro->file], ro->line, ro->col,
                 "this repeat has no closing '}' (a '}' on a line of its own ends the block)");
    }
    p->n_repeats = 0;
}

static void
warn(struct parser *p, unsigned file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
warn(struct parser *p, unsigned file, unsigned line, unsigned col, const char *fmt, ...)
{
    char msg[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_warn(p->diag, p->scn->files[file], line, col, msg);
}

/* Which union-find set host h is in. */
static int
uf_find(int *up, int h)
{
    while (up[h] != h) {
        up[h] = up[up[h]];
        h = up[h];
    }
    return h;
}

/* The host a step sends to, or -1: a destination written as a host name or
 * as the address of a host. */
static int
step_peer(const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_addr *a = NULL;

    switch (st->kind) {
    case SCN_STEP_CONNECT:
        a = &st->connect.dest.addr;
        break;
    case SCN_STEP_SENDTO:
        a = &st->send.dest.addr;
        break;
    case SCN_STEP_PING:
        a = &st->ping.dest;
        break;
    case SCN_STEP_TRACEROUTE:
        a = &st->traceroute.dest;
        break;
    default:
        return -1;
    }
    if (a->kind == SCN_ADDR_HOST)
        return a->host;
    for (size_t i = 0; i < scn->n_hosts; i++)
        for (unsigned k = 0; k < scn->hosts[i].n_ifaces; k++)
            if (scn->hosts[i].if_addr[k] == a->addr)
                return (int)i;
    return -1;
}

/* Warnings, on a scenario without errors: sockets nothing uses after their
 * definition, and traffic between hosts no chain of links joins. */
static void
find_warnings(struct parser *p)
{
    const struct scenario *scn = p->scn;
    int *up = calloc(scn->n_hosts + scn->n_switches + 1, sizeof *up);
    bool *warned = calloc(scn->n_hosts * scn->n_hosts + 1, sizeof *warned);
    unsigned file = 0;

    for (size_t i = 0; i < scn->n_socks; i++) {
        const struct scn_sock *sk = &scn->socks[i];
        bool used = false;
        for (size_t j = 0; j < scn->n_steps && !used; j++) {
            const struct scn_step *st = &scn->steps[j];
            bool defines = (st->kind == SCN_STEP_SOCKET && st->sock == (int)i) ||
                           (st->kind == SCN_STEP_ACCEPT && st->accept.new_sock == (int)i);
            if (defines) {
                file = st->file;
                continue;
            }
            used = st->sock == (int)i;
        }
        if (!used)
            warn(p, file, sk->line, sk->col, "socket '%s' on %s is never used after it is made",
                 sk->name, scn->hosts[sk->host].name);
    }
    if (up == NULL || warned == NULL)
        goto out;
    /* Nodes: hosts, then switches; a link joins its two ends. */
    for (size_t h = 0; h < scn->n_hosts + scn->n_switches; h++)
        up[h] = (int)h;
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        int na = l->a >= 0 ? l->a : (int)scn->n_hosts + l->a_sw;
        int nb = l->b >= 0 ? l->b : (int)scn->n_hosts + l->b_sw;
        up[uf_find(up, na)] = uf_find(up, nb);
    }
    for (size_t j = 0; j < scn->n_steps; j++) {
        const struct scn_step *st = &scn->steps[j];
        int peer = step_peer(scn, st);
        if (peer < 0 || st->host < 0 || peer == st->host)
            continue;
        if (uf_find(up, st->host) == uf_find(up, peer))
            continue;
        size_t a = (size_t)(st->host < peer ? st->host : peer);
        size_t b = (size_t)(st->host < peer ? peer : st->host);
        if (warned[a * scn->n_hosts + b])
            continue;
        warned[a * scn->n_hosts + b] = true;
        warn(p, st->file, st->line, st->col, "%s and %s have no path between them (no chain of "
             "links joins them), so this traffic cannot arrive", scn->hosts[st->host].name,
             scn->hosts[peer].name);
    }
out:
    free(up);
    free(warned);
}

/* ---------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------- */

/* The directory part of name: "lessons/a.scn" -> "lessons", "a.scn" -> ".". */
static char *
dir_of(const char *name)
{
    const char *slash = strrchr(name, '/');

    if (slash == NULL)
        return strdup(".");
    if (slash == name)
        return strdup("/");
    return str_dup_n(name, (size_t)(slash - name));
}

char *
scenario_read_file(const char *path, size_t *len, char *why, size_t why_len)
{
    return srcfile_read(path, SRCFILE_MAX_LEN, len, why, why_len);
}

/* One file being cut into lines, and the files that included it. */
struct include_frame {
    const struct include_frame *up;  /* the including file, or NULL */
    char *real;                      /* its realpath(), or NULL if unknown */
    unsigned file;                   /* its index in scenario.files */
};

static struct line *
new_line(struct parser *p)
{
    struct line *ls = reserve(p->lines, p->n_lines, &p->cap_lines, sizeof *ls);

    if (ls == NULL)
        return NULL;
    p->lines = ls;
    memset(&ls[p->n_lines], 0, sizeof *ls);
    return &ls[p->n_lines++];
}

static int split_lines(struct parser *p, char *buf, size_t len, const struct include_frame *fr,
                       unsigned depth);

/* Put a lexing-time error on line li. Returns 0, or -1 when out of memory. */
static int
line_fail(struct parser *p, size_t li, unsigned col, const char *msg)
{
    struct line *ln = &p->lines[li];

    free(ln->err);
    ln->err = strdup(msg);
    ln->err_col = col;
    ln->n_toks = 0;
    return ln->err == NULL ? -1 : 0;
}

/* `include "FILE"` on line li of frame fr: read FILE (relative to the
 * including file's directory) and cut it into lines after this one. */
static int
do_include(struct parser *p, size_t li, const struct include_frame *fr, unsigned depth)
{
    struct scenario *scn = p->scn;
    const struct line *ln = &p->lines[li];
    const struct tok *kw = &ln->toks[0];
    char msg[SCN_MSG_LEN];
    char why[SCN_MSG_LEN / 2];
    char shown[SHOW_MAX + 1];
    char *path;
    char *dir;
    char *buf;
    size_t len = 0;
    unsigned col;

    if (ln->n_toks < 2)
        return line_fail(p, li, kw->col, "include needs a file name, like 'include "
                         "\"two-hosts.scn\"'");
    if (ln->n_toks > 2) {
        snprintf(msg, sizeof msg, "unexpected %s at the end of the line", show(&ln->toks[2]).s);
        return line_fail(p, li, ln->toks[2].col, msg);
    }
    col = ln->toks[1].col;
    if (ln->toks[1].len == 0 || memchr(ln->toks[1].text, '\0', ln->toks[1].len) != NULL)
        return line_fail(p, li, col, "bad file name in include");
    if (depth >= SCN_INCLUDE_DEPTH_MAX) {
        snprintf(msg, sizeof msg, "includes nest more than %d deep (do two files include each "
                 "other?)", SCN_INCLUDE_DEPTH_MAX);
        return line_fail(p, li, col, msg);
    }
    dir = dir_of(scn->files[fr->file]);
    if (dir == NULL)
        return -1;
    if (ln->toks[1].text[0] == '/' || strcmp(dir, ".") == 0)
        path = strdup(ln->toks[1].text);
    else
        path = str_printf("%s/%s", dir, ln->toks[1].text);
    free(dir);
    if (path == NULL)
        return -1;
    snprintf(shown, sizeof shown, "%.*s", SHOW_MAX, ln->toks[1].text);

    char *real = realpath(path, NULL);
    for (const struct include_frame *f = fr; real != NULL && f != NULL; f = f->up) {
        if (f->real != NULL && strcmp(f->real, real) == 0) {
            /* The chain, outermost first: a.scn -> b.scn -> a.scn */
            char chain[SCN_MSG_LEN / 2] = "";
            const struct include_frame *stack[SCN_INCLUDE_DEPTH_MAX + 1];
            size_t n = 0;
            for (const struct include_frame *g = fr; g != NULL && n < SCN_INCLUDE_DEPTH_MAX;
                 g = g->up)
                stack[n++] = g;
            size_t used = 0;
            while (n-- > 0 && used < sizeof chain) {
                const char *nm = scn->files[stack[n]->file];
                const char *base = strrchr(nm, '/');
                int k = snprintf(chain + used, sizeof chain - used, "%s -> ",
                                 base != NULL ? base + 1 : nm);
                used += k > 0 ? (size_t)k : 0;
            }
            snprintf(msg, sizeof msg, "'%s' is already being included, so this would never end "
                     "(%s%s)", shown, chain, shown);
            free(real);
            free(path);
            return line_fail(p, li, col, msg);
        }
    }
    buf = scenario_read_file(path, &len, why, sizeof why);
    if (buf == NULL) {
        snprintf(msg, sizeof msg, "cannot include '%s': %s", shown, why);
        free(real);
        free(path);
        return line_fail(p, li, col, msg);
    }
    char **nb = reserve(p->bufs, p->n_bufs, &(size_t){ p->n_bufs }, sizeof *nb);
    char **nf = nb == NULL ? NULL : reserve(scn->files, scn->n_files, &p->cap_files, sizeof *nf);
    if (nf == NULL) {
        if (nb != NULL)
            p->bufs = nb;
        free(buf);
        free(real);
        free(path);
        return -1;
    }
    p->bufs = nb;
    p->bufs[p->n_bufs++] = buf;
    scn->files = nf;
    scn->files[scn->n_files++] = path;
    p->lines[li].n_toks = 0;  /* the include line itself is done */

    struct include_frame sub = { .up = fr, .real = real, .file = (unsigned)(scn->n_files - 1) };
    int rc = split_lines(p, buf, len, &sub, depth + 1);
    free(real);
    return rc;
}

/* Cut text into lines and lex them, following includes. Returns 0, or -1
 * when out of memory. */
static int
split_lines(struct parser *p, char *buf, size_t len, const struct include_frame *fr,
            unsigned depth)
{
    size_t start = 0;

    /* A UTF-8 byte order mark is not part of the first line. */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        start = 3;
    /* buf[len] exists, so the last line can be terminated in place too. */
    for (unsigned lineno = 1; start < len; lineno++) {
        char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - buf) : len;
        char *zero = memchr(buf + start, '\0', end - start);
        struct line *ln = new_line(p);

        if (ln == NULL)
            return -1;
        if (end > start && buf[end - 1] == '\r')
            buf[end - 1] = '\0';
        buf[end] = '\0';
        ln->file = fr->file;
        ln->lineno = lineno;
        ln->src = buf + start;
        start = end + 1;
        if (zero != NULL) {
            ln->err_col = (unsigned)(zero - ln->src) + 1;
            ln->err = strdup("the line holds a NUL byte (is this a text file?)");
            if (ln->err == NULL)
                return -1;
            continue;
        }
        if (lex_line(ln) < 0)
            return -1;
        if (ln->err == NULL && ln->n_toks > 0 && word_is(&ln->toks[0], "include") &&
            do_include(p, p->n_lines - 1, fr, depth) < 0)
            return -1;
    }
    return 0;
}

static void
free_lines(struct parser *p)
{
    for (size_t i = 0; i < p->n_lines; i++) {
        free(p->lines[i].toks);
        free(p->lines[i].arena);
        free(p->lines[i].err);
    }
    free(p->lines);
    for (size_t i = 0; i < p->n_bufs; i++)
        free(p->bufs[i]);
    free(p->bufs);
    free(p->repeats);
    free(p->bgs);
}

static void check_repeats_closed(struct parser *p);
static void find_warnings(struct parser *p);

/* Parse len bytes of text (buf is ours to modify; it needs len + 1 bytes). */
static struct scenario *
parse_buffer(const char *name, char *buf, size_t len, struct scn_diag *diag)
{
    struct parser p = { .diag = diag, .name = name };
    struct scenario *scn = calloc(1, sizeof *scn);

    if (scn == NULL) {
        perr_oom(&p);
        return NULL;
    }
    p.scn = scn;
    scn->name = strdup(name);
    scn->dir = dir_of(name);
    scn->files = calloc(4, sizeof *scn->files);
    p.cap_files = 4;
    if (scn->name == NULL || scn->dir == NULL || scn->files == NULL)
        goto out_oom;
    scn->files[0] = strdup(name);
    if (scn->files[0] == NULL)
        goto out_oom;
    scn->n_files = 1;

    struct include_frame top = { .up = NULL, .real = realpath(name, NULL), .file = 0 };
    int rc = split_lines(&p, buf, len, &top, 0);
    free(top.real);
    if (rc < 0)
        goto out_oom;
    for (p.cur_line = 0; p.cur_line < p.n_lines; p.cur_line++)
        parse_line(&p, &p.lines[p.cur_line]);
    check_repeats_closed(&p);
    if (diag->n_errors == 0)
        find_warnings(&p);
    free_lines(&p);
    if (diag->n_errors > 0) {
        scenario_free(scn);
        return NULL;
    }
    return scn;

out_oom:
    free_lines(&p);
    perr_oom(&p);
    scenario_free(scn);
    return NULL;
}

struct scenario *
scenario_parse_string(const char *name, const char *text, struct scn_diag *diag)
{
    struct scn_diag local;
    size_t len = strlen(text);
    char *buf;
    struct scenario *scn;

    if (diag == NULL)
        diag = &local;
    diag_clear(diag);
    if (name == NULL)
        name = "<string>";
    buf = str_dup_n(text, len);
    if (buf == NULL) {
        diag_add(diag, name, 0, 0, "out of memory");
        return NULL;
    }
    scn = parse_buffer(name, buf, len, diag);
    free(buf);
    return scn;
}

struct scenario *
scenario_parse_file(const char *path, struct scn_diag *diag)
{
    struct scn_diag local;
    char why[SCN_MSG_LEN / 2];
    struct scenario *scn;
    size_t len = 0;
    char *buf;

    if (diag == NULL)
        diag = &local;
    diag_clear(diag);
    buf = scenario_read_file(path, &len, why, sizeof why);
    if (buf == NULL) {
        diag_add(diag, path, 0, 0, why);
        return NULL;
    }
    scn = parse_buffer(path, buf, len, diag);
    free(buf);
    return scn;
}

/* The index of SCN_LIVE_FILE in scn->files, added on first use; -1 when out
 * of memory. */
static long
live_file(struct scenario *scn)
{
    for (size_t i = 0; i < scn->n_files; i++)
        if (strcmp(scn->files[i], SCN_LIVE_FILE) == 0)
            return (long)i;
    char *name = strdup(SCN_LIVE_FILE);
    char **nf = name == NULL ? NULL : realloc(scn->files, (scn->n_files + 1) * sizeof *nf);
    if (nf == NULL) {
        free(name);
        return -1;
    }
    scn->files = nf;
    nf[scn->n_files++] = name;
    return (long)(scn->n_files - 1);
}

/* What a live line may not be: the first word, and why. */
static const char *
live_refusal(const struct line *ln)
{
    static const char *const world[] = { "title", "about", "seed", "host", "router", "switch",
                                         "hub", "include", NULL };
    const struct tok *t = &ln->toks[0];

    for (size_t i = 0; world[i] != NULL; i++)
        if (word_is(t, world[i]))
            return "describes the world, which is built already; the command line runs steps "
                   "(a host's calls, ping, traceroute, sleep, say, expect, set, drop, wait, at)";
    if (word_is(t, "link") && !(ln->n_toks >= 4 && (word_is(&ln->toks[3], "down") ||
                                                   word_is(&ln->toks[3], "up"))))
        return "describes the world, which is built already; the command line can only take a "
               "link 'down' or 'up'";
    if (word_is(t, "repeat") || word_is(t, "}"))
        return "needs a block of lines; the command line runs one statement at a time";
    if (word_is(t, "pause"))
        return "stops a script for the presenter; on the command line there is nothing to "
               "pause";
    return NULL;
}

long
scenario_parse_step(struct scenario *scn, const char *text, unsigned line, struct scn_diag *diag)
{
    struct scn_diag local;
    size_t n_steps = scn->n_steps, n_socks = scn->n_socks, n_dvars = scn->n_dvars;
    struct parser p = { .scn = scn, .name = SCN_LIVE_FILE, .cap_socks = scn->n_socks,
                        .cap_dvars = scn->n_dvars, .cap_steps = scn->n_steps };
    struct line ln = { .lineno = line };
    const char *why;
    long file;

    if (diag == NULL)
        diag = &local;
    diag_clear(diag);
    p.diag = diag;
    p.lines = &ln;
    p.n_lines = 1;
    file = live_file(scn);
    ln.src = file < 0 ? NULL : str_dup_n(text, strcspn(text, "\r\n"));
    if (ln.src == NULL || lex_line(&ln) < 0) {
        perr_oom(&p);
        goto out;
    }
    ln.file = (unsigned)file;
    if (text[strcspn(text, "\r\n")] != '\0') {
        perr(&p, (unsigned)strcspn(text, "\r\n") + 1, "one statement, on one line");
        goto out;
    }
    if (ln.err == NULL && ln.n_toks == 0) {
        perr(&p, 1, "nothing to run: write a statement, like 'alice: s = socket udp'");
        goto out;
    }
    if (ln.err == NULL && (why = live_refusal(&ln)) != NULL) {
        perr(&p, ln.toks[0].col, "%s %s", show(&ln.toks[0]).s, why);
        goto out;
    }
    /* the background calls so far, for `wait` */
    for (size_t i = 0; i < scn->n_steps; i++) {
        const struct scn_step *st = &scn->steps[i];
        if ((st->background || st->has_at) && step_blocks(st->kind) &&
            bg_add(&p, st->host, step_job_sock(st)) < 0)
            goto out;
    }
    parse_line(&p, &ln);
    if (diag->n_errors == 0 && scn->n_steps == n_steps)
        perr(&p, ln.toks[0].col, "%s is not a step", show(&ln.toks[0]).s);
    if (diag->n_errors == 0 && scn->steps[n_steps].kind == SCN_STEP_EXPECT &&
        scn->steps[n_steps].expect.kind == SCN_EXPECT_PACKETS) {
        size_t k = 0;
        while (k + 1 < ln.n_toks && !word_is(&ln.toks[k], "packets"))
            k++;
        perr(&p, ln.toks[k].col, "expect packets counts frames from the start of a run, so it "
             "cannot be checked from the command line (it can in a file)");
    }
out:
    free(ln.toks);
    free(ln.arena);
    free(ln.err);
    free((char *)ln.src);
    free(p.bgs);
    free(p.repeats);
    if (diag->n_errors > 0) {
        scenario_truncate(scn, n_steps, n_socks, n_dvars);
        return -1;
    }
    return (long)n_steps;
}

void
scenario_truncate(struct scenario *scn, size_t n_steps, size_t n_socks, size_t n_dvars)
{
    while (scn->n_steps > n_steps)
        step_clear(&scn->steps[--scn->n_steps]);
    if (scn->n_socks > n_socks)
        scn->n_socks = n_socks;
    if (scn->n_dvars > n_dvars)
        scn->n_dvars = n_dvars;
}

void
scenario_free(struct scenario *scn)
{
    if (scn == NULL)
        return;
    for (size_t i = 0; i < scn->n_steps; i++)
        step_clear(&scn->steps[i]);
    free(scn->steps);
    free(scn->dvars);
    free(scn->socks);
    free(scn->links);
    free(scn->taps);
    free(scn->switches);
    free(scn->hosts);
    free(scn->about);
    free(scn->title);
    free(scn->dir);
    free(scn->name);
    for (size_t i = 0; i < scn->n_files; i++)
        free(scn->files[i]);
    free(scn->files);
    free(scn);
}

int
scn_diag_print_warnings(const struct scn_diag *diag, FILE *out)
{
    for (unsigned i = 0; i < diag->n_warn_kept; i++)
        if (fprintf(out, "%s\n", diag->warnings[i].msg) < 0)
            return -1;
    if (diag->n_warnings > diag->n_warn_kept &&
        fprintf(out, "(and %u more warnings)\n", diag->n_warnings - diag->n_warn_kept) < 0)
        return -1;
    return 0;
}

int
scn_diag_print(const struct scn_diag *diag, FILE *out)
{
    for (unsigned i = 0; i < diag->n_kept; i++)
        if (fprintf(out, "%s\n", diag->errors[i].msg) < 0)
            return -1;
    if (diag->n_errors > diag->n_kept &&
        fprintf(out, "(and %u more errors)\n", diag->n_errors - diag->n_kept) < 0)
        return -1;
    return 0;
}

/* ---------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------- */

const char *
scn_step_kind_name(enum scn_step_kind k)
{
    static const char *const names[SCN_STEP_KIND_COUNT] = {
        [SCN_STEP_SOCKET] = "socket", [SCN_STEP_BIND] = "bind",
        [SCN_STEP_CONNECT] = "connect", [SCN_STEP_SEND] = "send",
        [SCN_STEP_SENDTO] = "sendto", [SCN_STEP_RECV] = "recv",
        [SCN_STEP_RECVFROM] = "recvfrom", [SCN_STEP_CLOSE] = "close",
        [SCN_STEP_PING] = "ping", [SCN_STEP_SLEEP] = "sleep",
        [SCN_STEP_SAY] = "say", [SCN_STEP_EXPECT] = "expect",
        [SCN_STEP_PAUSE] = "pause", [SCN_STEP_WAIT] = "wait",
        [SCN_STEP_LISTEN] = "listen", [SCN_STEP_ACCEPT] = "accept",
        [SCN_STEP_SHUTDOWN] = "shutdown", [SCN_STEP_SETSOCKOPT] = "setsockopt",
        [SCN_STEP_SET] = "set", [SCN_STEP_DROP] = "drop",
        [SCN_STEP_ROUTE_ADD] = "route add", [SCN_STEP_ROUTE_SHOW] = "ip route",
        [SCN_STEP_TRACEROUTE] = "traceroute", [SCN_STEP_LINK_STATE] = "link",
    };
    return (unsigned)k < SCN_STEP_KIND_COUNT ? names[k] : "?";
}

const char *
scn_sock_type_name(enum scn_sock_type t)
{
    static const char *const names[SCN_SOCK_TYPE_COUNT] = {
        [SCN_SOCK_UDP] = "udp", [SCN_SOCK_TCP] = "tcp", [SCN_SOCK_ICMP] = "icmp",
        [SCN_SOCK_LOCAL_STREAM] = "local stream", [SCN_SOCK_LOCAL_DGRAM] = "local dgram",
    };
    return (unsigned)t < SCN_SOCK_TYPE_COUNT ? names[t] : "?";
}

const char *
scn_cmp_name(enum scn_cmp c)
{
    return (unsigned)c < SCN_CMP_COUNT ? cmp_names[c] : "?";
}

const char *
scn_sockopt_name(enum scn_sockopt o)
{
    return (unsigned)o < SCN_OPT_COUNT ? sockopt_names[o] : "?";
}

const char *
scn_cc_name(enum scn_cc c)
{
    return (unsigned)c < SCN_CC_COUNT ? cc_names[c] : "?";
}

const char *
scn_set_key_name(enum scn_set_key k)
{
    return (unsigned)k < SCN_SET_KEY_COUNT ? set_keys[k].name : "?";
}

const char *
scn_shut_name(enum scn_shut h)
{
    static const char *const names[SCN_SHUT_COUNT] = { "rd", "wr", "rdwr" };
    return (unsigned)h < SCN_SHUT_COUNT ? names[h] : "?";
}

const char *
scn_proto_name(enum scn_proto pr)
{
    return (unsigned)pr < SCN_PROTO_COUNT ? proto_names[pr] : "?";
}

const char *
scn_rule_action_name(enum scn_rule_action a)
{
    static const char *const names[SCN_RULE_ACTION_COUNT] = { "drop", "delay", "duplicate",
                                                              "corrupt" };
    return (unsigned)a < SCN_RULE_ACTION_COUNT ? names[a] : "?";
}

const char *
scn_arp_state_name(enum scn_arp_state s)
{
    static const char *const names[SCN_ARP_STATE_COUNT] = {
        [SCN_ARP_MAC] = "mac", [SCN_ARP_ABSENT] = "absent",
        [SCN_ARP_INCOMPLETE] = "incomplete", [SCN_ARP_PRESENT] = "present",
    };
    return (unsigned)s < SCN_ARP_STATE_COUNT ? names[s] : "?";
}

/* ---------------------------------------------------------------------------
 * Printing, in canonical syntax
 * ------------------------------------------------------------------------- */

static void
print_text(FILE *out, const uint8_t *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = s[i];
        switch (ch) {
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\0': fputs("\\0", out); break;
        case '\\': fputs("\\\\", out); break;
        case '"': fputs("\\\"", out); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                fprintf(out, "\\x%02x", ch);
            else
                fputc(ch, out);
        }
    }
    fputc('"', out);
}

static void
print_cstr(FILE *out, const char *s)
{
    print_text(out, (const uint8_t *)s, strlen(s));
}

/* v * 10^-exp10 in the largest unit that keeps it whole. */
static void
print_scaled(FILE *out, uint64_t v, const struct unit *units, size_t n_units)
{
    for (size_t i = n_units; i-- > 0;) {
        uint64_t div = 1;
        for (unsigned e = 0; e < units[i].exp10; e++)
            div *= 10;
        if (v % div == 0 && (v != 0 || i == n_units - 1)) {
            fprintf(out, "%" PRIu64 "%s", v / div, units[i].name);
            return;
        }
    }
}

static void
print_dur(FILE *out, uint64_t ns)
{
    print_scaled(out, ns, time_units, 4);
}

static void
print_rate(FILE *out, uint64_t bps)
{
    static const struct unit units[] = {
        { "bit", 0 }, { "kbit", 3 }, { "Mbit", 6 }, { "Gbit", 9 },
    };
    print_scaled(out, bps, units, 4);
}

static void
print_pct(FILE *out, uint32_t ppm)
{
    char frac[8];
    size_t n;

    snprintf(frac, sizeof frac, "%04u", (unsigned)(ppm % 10000));
    n = strlen(frac);
    while (n > 0 && frac[n - 1] == '0')
        frac[--n] = '\0';
    if (n == 0)
        fprintf(out, "%u%%", (unsigned)(ppm / 10000));
    else
        fprintf(out, "%u.%s%%", (unsigned)(ppm / 10000), frac);
}

static void
print_addr(FILE *out, const struct scenario *scn, const struct scn_addr *a)
{
    char s[IPV4_ADDR_STRLEN];

    if (a->kind == SCN_ADDR_HOST)
        fputs(scn->hosts[a->host].name, out);
    else
        fputs(ipv4_addr_str(a->addr, s), out);
}

static void
print_endpoint(FILE *out, const struct scenario *scn, const struct scn_endpoint *ep)
{
    if (ep->path[0] != '\0') {
        print_cstr(out, ep->path);
        return;
    }
    if (ep->addr.kind != SCN_ADDR_NONE) {
        print_addr(out, scn, &ep->addr);
        fputc(':', out);
    }
    fprintf(out, "%u", (unsigned)ep->port);
}

/* The words of an application payload, as get_app_payload() reads them. */
static void
print_app_payload(FILE *out, const struct scenario *scn, const struct scn_payload *pl)
{
    const struct scn_app_payload *a = &pl->app;
    char addr[IPV4_ADDR_STRLEN];

    switch (pl->kind) {
    case SCN_PAYLOAD_WS_ACCEPT:
        fputs("websocket-accept ", out);
        if (a->from_dvar >= 0)
            fprintf(out, "from %s", scn->dvars[a->from_dvar].name);
        else
            print_text(out, pl->data, pl->len);
        break;
    case SCN_PAYLOAD_WS_FRAME:
        fprintf(out, "ws-frame %s", ws_opcode_name(a->ws_opcode));
        if (a->ws_has_code)
            fprintf(out, " %u", a->ws_code);
        if (a->ws_fill) {
            fprintf(out, " bytes %zu", pl->len);
        } else if (pl->data != NULL) {
            fputc(' ', out);
            print_text(out, pl->data, pl->len);
        }
        if (a->ws_masked)
            fprintf(out, " mask 0x%08" PRIx32, a->ws_mask);
        if (a->ws_more)
            fputs(" more", out);
        break;
    case SCN_PAYLOAD_DNS_QUERY:
        fprintf(out, "dns-query %u %s %s", a->dns_id, a->dns_name, dns_type_name(a->dns_type));
        break;
    default:
        fputs("dns-answer ", out);
        if (a->from_dvar >= 0)
            fprintf(out, "to %s", scn->dvars[a->from_dvar].name);
        else
            fprintf(out, "%u %s", a->dns_id, a->dns_name);
        if (a->dns_nxdomain)
            fputs(" nxdomain", out);
        else
            fprintf(out, " A %s", ipv4_addr_str(a->dns_addr, addr));
        fprintf(out, " ttl %" PRIu32 "s", a->dns_ttl_s);
        break;
    }
}

static void
print_payload(FILE *out, const struct scenario *scn, const struct scn_payload *pl)
{
    switch (pl->kind) {
    case SCN_PAYLOAD_TEXT:
        print_text(out, pl->data, pl->len);
        break;
    case SCN_PAYLOAD_FILL:
        fprintf(out, "bytes %zu", pl->len);
        break;
    case SCN_PAYLOAD_FILE:
        fputs("file ", out);
        print_cstr(out, pl->path);
        break;
    default:
        print_app_payload(out, scn, pl);
        break;
    }
}

static void
print_tcp_flags(FILE *out, uint8_t flags)
{
    static const char letters[] = "FSRPAUEW";

    for (int i = 0; i < 8; i++)
        if (flags & (1u << i))
            fputc(letters[i], out);
}

/* A filter, with a leading space when it prints anything. */
static void
print_filter(FILE *out, const struct scenario *scn, const struct scn_filter *f)
{
    if (f->proto != SCN_PROTO_ANY)
        fprintf(out, " %s", scn_proto_name(f->proto));
    if (f->has_from) {
        fputs(" from ", out);
        print_addr(out, scn, &f->from);
    }
    if (f->has_to) {
        fputs(" to ", out);
        print_addr(out, scn, &f->to);
    }
    if (f->port != 0)
        fprintf(out, " port %u", (unsigned)f->port);
    if (f->flags != 0) {
        fputs(" flags ", out);
        print_tcp_flags(out, f->flags);
    }
    if (f->has_len)
        fprintf(out, " len %s %" PRIu64, scn_cmp_name(f->len_cmp), f->len);
}

static void
print_expect(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_expect *e = &st->expect;
    char mac[MAC_ADDR_STRLEN];

    fputs("expect ", out);
    switch (e->kind) {
    case SCN_EXPECT_DATA:
        fprintf(out, "%s %s ", scn->dvars[e->dvar].name, scn_cmp_name(e->cmp));
        print_payload(out, scn, e->rhs.kind != SCN_PAYLOAD_TEXT ? &e->rhs
                      : &(struct scn_payload){ .kind = SCN_PAYLOAD_TEXT, .data = e->text,
                                               .len = e->text_len });
        break;
    case SCN_EXPECT_LENGTH:
        fprintf(out, "%s length %s %" PRIu64, scn->dvars[e->dvar].name, scn_cmp_name(e->cmp),
                e->number);
        break;
    case SCN_EXPECT_ERROR:
        fprintf(out, "%s %s error == %s", scn->hosts[st->host].name, scn->socks[st->sock].name,
                e->err_name);
        break;
    case SCN_EXPECT_COUNTER:
        fprintf(out, "%s counter %s %s %" PRIu64, scn->hosts[st->host].name, e->counter,
                scn_cmp_name(e->cmp), e->number);
        break;
    case SCN_EXPECT_ARP:
        fprintf(out, "%s arp ", scn->hosts[st->host].name);
        print_addr(out, scn, &e->arp_addr);
        if (e->arp_state == SCN_ARP_MAC)
            fprintf(out, " == %s", mac_addr_str(e->arp_mac, mac));
        else
            fprintf(out, " == %s", scn_arp_state_name(e->arp_state));
        break;
    case SCN_EXPECT_STATE:
        fprintf(out, "%s %s state %s %s", scn->hosts[st->host].name, scn->socks[st->sock].name,
                scn_cmp_name(e->cmp), e->field);
        break;
    case SCN_EXPECT_TCB:
        fprintf(out, "%s %s tcb %s %s %" PRIu64, scn->hosts[st->host].name,
                scn->socks[st->sock].name, e->field, scn_cmp_name(e->cmp), e->number);
        break;
    case SCN_EXPECT_ROUTE:
        fprintf(out, "%s route ", scn->hosts[st->host].name);
        print_addr(out, scn, &e->route_dest);
        if (e->route_kind == SCN_ROUTE_VIA) {
            fputs(" == via ", out);
            print_addr(out, scn, &e->route_gw);
        } else {
            fprintf(out, " == %s", e->route_kind == SCN_ROUTE_DIRECT ? "direct" : "none");
        }
        break;
    case SCN_EXPECT_PACKETS:
        fputs("packets", out);
        print_filter(out, scn, &e->filter);
        fprintf(out, " %s %" PRIu64, scn_cmp_name(e->cmp), e->number);
        break;
    default:
        fprintf(out, "time %s ", scn_cmp_name(e->cmp));
        print_dur(out, e->number);
        break;
    }
}

/* A link's end: a switch, a host, or host:ethN when the host has several. */
static void
print_link_end(FILE *out, const struct scenario *scn, int h, int ifc, int sw)
{
    if (sw >= 0)
        fputs(scn->switches[sw].name, out);
    else if (scn->hosts[h].n_ifaces > 1)
        fprintf(out, "%s:eth%d", scn->hosts[h].name, ifc);
    else
        fputs(scn->hosts[h].name, out);
}

static void
print_step(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const char *sock = st->sock >= 0 ? scn->socks[st->sock].name : "";

    if (st->has_at) {
        fputs("at ", out);
        print_dur(out, st->at_ns);
        fputc(' ', out);
    }
    if (step_is_call(st->kind))
        fprintf(out, "%s: ", scn->hosts[st->host].name);
    switch (st->kind) {
    case SCN_STEP_SOCKET:
        fprintf(out, "%s = socket %s", sock, scn_sock_type_name(st->socket.type));
        break;
    case SCN_STEP_BIND:
        fprintf(out, "bind %s ", sock);
        print_endpoint(out, scn, &st->bind.local);
        break;
    case SCN_STEP_CONNECT:
        fprintf(out, "connect %s ", sock);
        print_endpoint(out, scn, &st->connect.dest);
        break;
    case SCN_STEP_SEND:
        fprintf(out, "send %s ", sock);
        print_payload(out, scn, &st->send.payload);
        break;
    case SCN_STEP_SENDTO:
        fprintf(out, "sendto %s ", sock);
        print_endpoint(out, scn, &st->send.dest);
        fputc(' ', out);
        print_payload(out, scn, &st->send.payload);
        break;
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
        if (st->recv.all)
            fprintf(out, "%s %s all", scn_step_kind_name(st->kind), sock);
        else
            fprintf(out, "%s %s %zu", scn_step_kind_name(st->kind), sock, st->recv.max_len);
        break;
    case SCN_STEP_LISTEN:
        fprintf(out, "listen %s", sock);
        if (st->listen.has_backlog)
            fprintf(out, " %u", (unsigned)st->listen.backlog);
        break;
    case SCN_STEP_ACCEPT:
        fprintf(out, "%s = accept %s", scn->socks[st->accept.new_sock].name, sock);
        break;
    case SCN_STEP_SHUTDOWN:
        fprintf(out, "shutdown %s %s", sock, scn_shut_name(st->shutdown.how));
        break;
    case SCN_STEP_SETSOCKOPT: {
        const struct scn_setsockopt_args *a = &st->sockopt;
        fprintf(out, "setsockopt %s %s ", sock, scn_sockopt_name(a->opt));
        switch (a->opt) {
        case SCN_OPT_RCVBUF:
        case SCN_OPT_SNDBUF:
            fprintf(out, "%" PRId64, a->value);
            break;
        case SCN_OPT_LINGER:
            if (a->value < 0)
                fputs("off", out);
            else
                fprintf(out, "%" PRId64 "s", a->value);
            break;
        case SCN_OPT_CONGESTION:
            fputs(scn_cc_name((enum scn_cc)a->value), out);
            break;
        default:
            fputs(a->value ? "on" : "off", out);
            break;
        }
        break;
    }
    case SCN_STEP_WAIT:
        fprintf(out, "wait %s", sock);
        break;
    case SCN_STEP_PAUSE:
        fputs("pause", out);
        if (st->say.text != NULL) {
            fputc(' ', out);
            print_cstr(out, st->say.text);
        }
        break;
    case SCN_STEP_SET: {
        const struct scn_set_args *a = &st->set;
        fprintf(out, "set %s %s ", scn->hosts[st->host].name, scn_set_key_name(a->key));
        switch (set_keys[a->key].value) {
        case SETV_DUR:
            print_dur(out, a->value);
            break;
        case SETV_DELACK:
            if (a->value == 0)
                fputs("off", out);
            else if (a->value == SCN_DELACK_ON)
                fputs("on", out);
            else
                print_dur(out, a->value);
            break;
        case SETV_ON_OFF:
            fputs(a->value ? "on" : "off", out);
            break;
        case SETV_CC:
            fputs(scn_cc_name((enum scn_cc)a->value), out);
            break;
        default:
            fprintf(out, "%" PRIu64, a->value);
            break;
        }
        break;
    }
    case SCN_STEP_DROP: {
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
        break;
    }
    case SCN_STEP_ROUTE_ADD: {
        const struct scn_route_args *ra = &st->route;
        char a[IPV4_ADDR_STRLEN];
        fputs("route add ", out);
        if (ra->prefix_len == 0 && ra->dst == 0)
            fputs("default", out);
        else
            fprintf(out, "%s/%u", ipv4_addr_str(ra->dst, a), ra->prefix_len);
        if (ra->has_gw) {
            fputs(" via ", out);
            print_addr(out, scn, &ra->gw);
        }
        if (ra->dev >= 0)
            fprintf(out, " dev eth%d", ra->dev);
        break;
    }
    case SCN_STEP_ROUTE_SHOW:
        fputs("ip route", out);
        break;
    case SCN_STEP_TRACEROUTE: {
        const struct scn_traceroute_args *ta = &st->traceroute;
        fprintf(out, "traceroute %s ", scn->hosts[st->host].name);
        print_addr(out, scn, &ta->dest);
        if (ta->max_hops != SCN_TRACEROUTE_HOPS_DEFAULT)
            fprintf(out, " max-hops %u", (unsigned)ta->max_hops);
        if (ta->probes != SCN_TRACEROUTE_PROBES_DEFAULT)
            fprintf(out, " probes %u", (unsigned)ta->probes);
        if (ta->wait_ns != SCN_TRACEROUTE_WAIT_DEFAULT_NS) {
            fputs(" wait ", out);
            print_dur(out, ta->wait_ns);
        }
        break;
    }
    case SCN_STEP_LINK_STATE: {
        const struct scn_link *l = &scn->links[st->link_state.link];
        fputs("link ", out);
        print_link_end(out, scn, l->a, l->a_if, l->a_sw);
        fputc(' ', out);
        print_link_end(out, scn, l->b, l->b_if, l->b_sw);
        fputs(st->link_state.down ? " down" : " up", out);
        break;
    }
    case SCN_STEP_CLOSE:
        fprintf(out, "close %s", sock);
        break;
    case SCN_STEP_PING: {
        const struct scn_ping_args *pa = &st->ping;
        fprintf(out, "ping %s ", scn->hosts[st->host].name);
        print_addr(out, scn, &pa->dest);
        if (pa->count != SCN_PING_COUNT_DEFAULT)
            fprintf(out, " count %u", (unsigned)pa->count);
        if (pa->size != SCN_PING_SIZE_DEFAULT)
            fprintf(out, " size %u", (unsigned)pa->size);
        if (pa->interval_ns != SCN_PING_INTERVAL_DEFAULT_NS) {
            fputs(" interval ", out);
            print_dur(out, pa->interval_ns);
        }
        if (pa->timeout_ns != SCN_PING_TIMEOUT_DEFAULT_NS) {
            fputs(" timeout ", out);
            print_dur(out, pa->timeout_ns);
        }
        if (pa->df)
            fputs(" df", out);
        if (pa->ttl != 0)
            fprintf(out, " ttl %u", (unsigned)pa->ttl);
        break;
    }
    case SCN_STEP_SLEEP:
        fputs("sleep ", out);
        print_dur(out, st->sleep.duration_ns);
        break;
    case SCN_STEP_SAY:
        fputs("say ", out);
        print_cstr(out, st->say.text);
        break;
    case SCN_STEP_EXPECT:
        print_expect(out, scn, st);
        break;
    default:
        break;
    }
    if (st->has_timeout) {
        fputs(" timeout ", out);
        print_dur(out, st->timeout_ns);
    }
    if (st->dvar >= 0)
        fprintf(out, " -> %s", scn->dvars[st->dvar].name);
    if (st->background)
        fputs(" &", out);
    fputc('\n', out);
}

/* The netem options of a link or tap, defaults left out. */
static void
print_wire_options(FILE *out, const struct scn_link *l)
{
    if (l->delay_ns != 0 || l->jitter_ns != 0) {
        fputs(" delay ", out);
        print_dur(out, l->delay_ns);
        if (l->jitter_ns != 0) {
            fputc(' ', out);
            print_dur(out, l->jitter_ns);
        }
    }
    if (l->rate_bps != 0) {
        fputs(" rate ", out);
        print_rate(out, l->rate_bps);
    }
    if (l->gemodel) {
        fputs(" loss gemodel ", out);
        print_pct(out, l->ge_p_ppm);
        fputc(' ', out);
        print_pct(out, l->ge_r_ppm);
        fputc(' ', out);
        print_pct(out, l->ge_1h_ppm);
        fputc(' ', out);
        print_pct(out, l->ge_1k_ppm);
    } else if (l->loss_ppm != 0) {
        fputs(" loss ", out);
        print_pct(out, l->loss_ppm);
    }
    if (l->duplicate_ppm != 0) {
        fputs(" duplicate ", out);
        print_pct(out, l->duplicate_ppm);
    }
    if (l->reorder_ppm != 0) {
        fputs(" reorder ", out);
        print_pct(out, l->reorder_ppm);
        if (l->reorder_gap != 1)
            fprintf(out, " gap %u", (unsigned)l->reorder_gap);
    }
    if (l->corrupt_ppm != 0) {
        fputs(" corrupt ", out);
        print_pct(out, l->corrupt_ppm);
        if (l->corrupt_l2)
            fputs(" l2", out);
    }
    if (l->mtu != 0)
        fprintf(out, " mtu %u", l->mtu);
    if (l->limit != SCN_LINK_LIMIT_DEFAULT)
        fprintf(out, " limit %u", (unsigned)l->limit);
}

int
scenario_print(const struct scenario *scn, FILE *out)
{
    char addr[IPV4_ADDR_STRLEN];
    char mac[MAC_ADDR_STRLEN];

    if (scn->title != NULL) {
        fputs("title ", out);
        print_cstr(out, scn->title);
        fputc('\n', out);
    }
    if (scn->about != NULL) {
        fputs("about ", out);
        print_cstr(out, scn->about);
        fputc('\n', out);
    }
    if (scn->has_seed)
        fprintf(out, "seed %" PRIu64 "\n", scn->seed);
    if (scn->title != NULL || scn->about != NULL || scn->has_seed)
        fputc('\n', out);

    for (size_t i = 0; i < scn->n_hosts; i++) {
        const struct scn_host *h = &scn->hosts[i];
        fprintf(out, "%s %s", h->router ? "router" : "host", h->name);
        for (unsigned k = 0; k < h->n_ifaces; k++)
            fprintf(out, " %s/%u", ipv4_addr_str(h->if_addr[k], addr), h->if_prefix[k]);
        if (h->mtu != SCN_MTU_DEFAULT)
            fprintf(out, " mtu %u", h->mtu);
        if (h->has_mac)
            fprintf(out, " mac %s", mac_addr_str(h->mac, mac));
        fputc('\n', out);
    }
    for (size_t i = 0; i < scn->n_switches; i++)
        fprintf(out, "%s %s\n", scn->switches[i].hub ? "hub" : "switch", scn->switches[i].name);
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        fputs("link ", out);
        print_link_end(out, scn, l->a, l->a_if, l->a_sw);
        fputc(' ', out);
        print_link_end(out, scn, l->b, l->b_if, l->b_sw);
        print_wire_options(out, l);
        fputc('\n', out);
    }
    for (size_t i = 0; i < scn->n_taps; i++) {
        const struct scn_tap *tp = &scn->taps[i];
        fputs("tap ", out);
        print_link_end(out, scn, tp->host, tp->ifc, -1);
        fprintf(out, " %s", tp->dev);
        print_wire_options(out, &tp->wire);
        fputc('\n', out);
    }
    if (scn->n_hosts > 0 && scn->n_steps > 0)
        fputc('\n', out);

    for (size_t i = 0; i < scn->n_steps; i++)
        print_step(out, scn, &scn->steps[i]);
    return ferror(out) ? -1 : 0;
}

/* ---------------------------------------------------------------------------
 * Equality
 * ------------------------------------------------------------------------- */

static bool
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool
bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static bool
addr_eq(const struct scn_addr *a, const struct scn_addr *b)
{
    return a->kind == b->kind && a->addr == b->addr && a->host == b->host;
}

static bool
endpoint_eq(const struct scn_endpoint *a, const struct scn_endpoint *b)
{
    return addr_eq(&a->addr, &b->addr) && a->port == b->port && strcmp(a->path, b->path) == 0;
}

static bool
app_payload_eq(const struct scn_app_payload *a, const struct scn_app_payload *b)
{
    return a->from_dvar == b->from_dvar && a->ws_opcode == b->ws_opcode &&
           a->ws_more == b->ws_more && a->ws_masked == b->ws_masked &&
           a->ws_mask == b->ws_mask && a->ws_fill == b->ws_fill &&
           a->ws_has_code == b->ws_has_code && a->ws_code == b->ws_code &&
           a->dns_id == b->dns_id && str_eq(a->dns_name, b->dns_name) &&
           a->dns_type == b->dns_type && a->dns_nxdomain == b->dns_nxdomain &&
           a->dns_addr == b->dns_addr && a->dns_ttl_s == b->dns_ttl_s;
}

static bool
payload_eq(const struct scn_payload *a, const struct scn_payload *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case SCN_PAYLOAD_TEXT:
        return bytes_eq(a->data, a->len, b->data, b->len);
    case SCN_PAYLOAD_FILL:
        return a->len == b->len;
    case SCN_PAYLOAD_FILE:
        return str_eq(a->path, b->path);
    default:
        /* ws-frame ... bytes N: len is N and there is no data */
        return (a->app.ws_fill ? a->len == b->len : bytes_eq(a->data, a->len, b->data, b->len)) &&
               app_payload_eq(&a->app, &b->app);
    }
}

static bool
filter_eq(const struct scn_filter *a, const struct scn_filter *b)
{
    return a->proto == b->proto && a->has_from == b->has_from &&
           (!a->has_from || addr_eq(&a->from, &b->from)) && a->has_to == b->has_to &&
           (!a->has_to || addr_eq(&a->to, &b->to)) && a->port == b->port &&
           a->flags == b->flags && a->has_len == b->has_len &&
           (!a->has_len || (a->len_cmp == b->len_cmp && a->len == b->len));
}

static bool
expect_eq(const struct scn_expect *a, const struct scn_expect *b)
{
    if (a->kind != b->kind || a->cmp != b->cmp)
        return false;
    switch (a->kind) {
    case SCN_EXPECT_DATA:
        return a->dvar == b->dvar && bytes_eq(a->text, a->text_len, b->text, b->text_len) &&
               payload_eq(&a->rhs, &b->rhs);
    case SCN_EXPECT_LENGTH:
        return a->dvar == b->dvar && a->number == b->number;
    case SCN_EXPECT_ERROR:
        return strcmp(a->err_name, b->err_name) == 0;
    case SCN_EXPECT_COUNTER:
        return strcmp(a->counter, b->counter) == 0 && a->number == b->number;
    case SCN_EXPECT_ARP:
        return addr_eq(&a->arp_addr, &b->arp_addr) && a->arp_state == b->arp_state &&
               (a->arp_state != SCN_ARP_MAC || memcmp(a->arp_mac, b->arp_mac, ETH_ALEN) == 0);
    case SCN_EXPECT_STATE:
        return strcmp(a->field, b->field) == 0;
    case SCN_EXPECT_TCB:
        return strcmp(a->field, b->field) == 0 && a->number == b->number;
    case SCN_EXPECT_ROUTE:
        return addr_eq(&a->route_dest, &b->route_dest) && a->route_kind == b->route_kind &&
               (a->route_kind != SCN_ROUTE_VIA || addr_eq(&a->route_gw, &b->route_gw));
    case SCN_EXPECT_PACKETS:
        return filter_eq(&a->filter, &b->filter) && a->number == b->number;
    default:
        return a->number == b->number;
    }
}

static bool
step_eq(const struct scn_step *a, const struct scn_step *b)
{
    if (a->kind != b->kind || a->host != b->host || a->sock != b->sock || a->dvar != b->dvar ||
        a->has_timeout != b->has_timeout || (a->has_timeout && a->timeout_ns != b->timeout_ns) ||
        a->background != b->background || a->has_at != b->has_at ||
        (a->has_at && a->at_ns != b->at_ns))
        return false;
    switch (a->kind) {
    case SCN_STEP_SOCKET:
        return a->socket.type == b->socket.type;
    case SCN_STEP_BIND:
        return endpoint_eq(&a->bind.local, &b->bind.local);
    case SCN_STEP_CONNECT:
        return endpoint_eq(&a->connect.dest, &b->connect.dest);
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        return endpoint_eq(&a->send.dest, &b->send.dest) &&
               payload_eq(&a->send.payload, &b->send.payload);
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
        return a->recv.max_len == b->recv.max_len && a->recv.all == b->recv.all;
    case SCN_STEP_LISTEN:
        return a->listen.has_backlog == b->listen.has_backlog &&
               a->listen.backlog == b->listen.backlog;
    case SCN_STEP_ACCEPT:
        return a->accept.new_sock == b->accept.new_sock;
    case SCN_STEP_SHUTDOWN:
        return a->shutdown.how == b->shutdown.how;
    case SCN_STEP_SETSOCKOPT:
        return a->sockopt.opt == b->sockopt.opt && a->sockopt.value == b->sockopt.value;
    case SCN_STEP_SET:
        return a->set.key == b->set.key && a->set.value == b->set.value;
    case SCN_STEP_DROP:
        return a->drop.nth == b->drop.nth && filter_eq(&a->drop.filter, &b->drop.filter) &&
               a->drop.action == b->drop.action && a->drop.delay_ns == b->drop.delay_ns;
    case SCN_STEP_PING:
        return addr_eq(&a->ping.dest, &b->ping.dest) && a->ping.count == b->ping.count &&
               a->ping.size == b->ping.size && a->ping.interval_ns == b->ping.interval_ns &&
               a->ping.timeout_ns == b->ping.timeout_ns && a->ping.df == b->ping.df &&
               a->ping.ttl == b->ping.ttl;
    case SCN_STEP_ROUTE_ADD:
        return a->route.dst == b->route.dst && a->route.prefix_len == b->route.prefix_len &&
               a->route.has_gw == b->route.has_gw &&
               (!a->route.has_gw || addr_eq(&a->route.gw, &b->route.gw)) &&
               a->route.dev == b->route.dev;
    case SCN_STEP_TRACEROUTE:
        return addr_eq(&a->traceroute.dest, &b->traceroute.dest) &&
               a->traceroute.max_hops == b->traceroute.max_hops &&
               a->traceroute.probes == b->traceroute.probes &&
               a->traceroute.wait_ns == b->traceroute.wait_ns;
    case SCN_STEP_LINK_STATE:
        return a->link_state.link == b->link_state.link &&
               a->link_state.down == b->link_state.down;
    case SCN_STEP_SLEEP:
        return a->sleep.duration_ns == b->sleep.duration_ns;
    case SCN_STEP_SAY:
    case SCN_STEP_PAUSE:
        return str_eq(a->say.text, b->say.text);
    case SCN_STEP_EXPECT:
        return expect_eq(&a->expect, &b->expect);
    default:
        return true;
    }
}

/* Two taps: the same interface, device and impairments. */
static bool
tap_eq(const struct scn_tap *x, const struct scn_tap *y)
{
    const struct scn_link *u = &x->wire, *v = &y->wire;
    return x->host == y->host && x->ifc == y->ifc && strcmp(x->dev, y->dev) == 0 &&
           u->delay_ns == v->delay_ns && u->jitter_ns == v->jitter_ns &&
           u->rate_bps == v->rate_bps && u->loss_ppm == v->loss_ppm && u->limit == v->limit &&
           u->gemodel == v->gemodel && u->ge_p_ppm == v->ge_p_ppm &&
           u->ge_r_ppm == v->ge_r_ppm && u->ge_1h_ppm == v->ge_1h_ppm &&
           u->ge_1k_ppm == v->ge_1k_ppm && u->duplicate_ppm == v->duplicate_ppm &&
           u->reorder_ppm == v->reorder_ppm && u->reorder_gap == v->reorder_gap &&
           u->corrupt_ppm == v->corrupt_ppm && u->corrupt_l2 == v->corrupt_l2;
}

bool
scenario_equal(const struct scenario *a, const struct scenario *b)
{
    if (!str_eq(a->title, b->title) || !str_eq(a->about, b->about) ||
        a->has_seed != b->has_seed || a->seed != b->seed || a->n_hosts != b->n_hosts ||
        a->n_links != b->n_links || a->n_socks != b->n_socks || a->n_dvars != b->n_dvars ||
        a->n_switches != b->n_switches ||
        a->n_steps != b->n_steps)
        return false;
    for (size_t i = 0; i < a->n_hosts; i++) {
        const struct scn_host *x = &a->hosts[i];
        const struct scn_host *y = &b->hosts[i];
        if (strcmp(x->name, y->name) != 0 || x->addr != y->addr ||
            x->prefix_len != y->prefix_len || x->mtu != y->mtu || x->has_mac != y->has_mac ||
            memcmp(x->mac, y->mac, ETH_ALEN) != 0 || x->router != y->router ||
            x->n_ifaces != y->n_ifaces)
            return false;
        for (unsigned k = 0; k < x->n_ifaces; k++)
            if (x->if_addr[k] != y->if_addr[k] || x->if_prefix[k] != y->if_prefix[k])
                return false;
    }
    for (size_t i = 0; i < a->n_switches; i++)
        if (strcmp(a->switches[i].name, b->switches[i].name) != 0 ||
            a->switches[i].hub != b->switches[i].hub)
            return false;
    for (size_t i = 0; i < a->n_links; i++) {
        const struct scn_link *x = &a->links[i];
        const struct scn_link *y = &b->links[i];
        if (x->a != y->a || x->b != y->b || x->delay_ns != y->delay_ns ||
            x->rate_bps != y->rate_bps || x->loss_ppm != y->loss_ppm || x->limit != y->limit ||
            x->a_if != y->a_if || x->b_if != y->b_if || x->a_sw != y->a_sw ||
            x->b_sw != y->b_sw || x->jitter_ns != y->jitter_ns || x->gemodel != y->gemodel ||
            x->ge_p_ppm != y->ge_p_ppm || x->ge_r_ppm != y->ge_r_ppm ||
            x->ge_1h_ppm != y->ge_1h_ppm || x->ge_1k_ppm != y->ge_1k_ppm ||
            x->duplicate_ppm != y->duplicate_ppm || x->reorder_ppm != y->reorder_ppm ||
            x->reorder_gap != y->reorder_gap || x->corrupt_ppm != y->corrupt_ppm ||
            x->corrupt_l2 != y->corrupt_l2 || x->mtu != y->mtu)
            return false;
    }
    if (a->n_taps != b->n_taps)
        return false;
    for (size_t i = 0; i < a->n_taps; i++)
        if (!tap_eq(&a->taps[i], &b->taps[i]))
            return false;
    for (size_t i = 0; i < a->n_socks; i++)
        if (strcmp(a->socks[i].name, b->socks[i].name) != 0 ||
            a->socks[i].host != b->socks[i].host || a->socks[i].type != b->socks[i].type)
            return false;
    for (size_t i = 0; i < a->n_dvars; i++)
        if (strcmp(a->dvars[i].name, b->dvars[i].name) != 0 ||
            a->dvars[i].kind != b->dvars[i].kind)
            return false;
    for (size_t i = 0; i < a->n_steps; i++)
        if (!step_eq(&a->steps[i], &b->steps[i]))
            return false;
    return true;
}
