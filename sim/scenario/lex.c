/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/lex.c - the lexer: characters, "did you mean" suggestions,
 * and cutting a line into words and quoted texts (decoding escapes, dropping
 * comments).
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Characters (ASCII only, so the locale never changes what a file means)
 * ------------------------------------------------------------------------- */

bool
is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

bool
is_lower(char ch)
{
    return ch >= 'a' && ch <= 'z';
}

bool
is_upper(char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static bool
is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

int
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

char
fold(char ch)
{
    return is_upper(ch) ? (char)(ch - 'A' + 'a') : ch;
}

/* Host names: [a-z_][a-z0-9_-]* */
bool
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
bool
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


void
suggest_init(struct suggest *sg, const char *word)
{
    sg->word = word;
    sg->best = NULL;
    sg->best_d = UINT32_MAX;
}

/* Consider cand: within distance 2, and closer than the words are long (so
 * "x" never suggests "s"). A difference only of case beats any other, so
 * "mbit" suggests "Mbit" rather than "bit". */
void
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

void
suggest_list(struct suggest *sg, const char *const *cands)
{
    for (size_t i = 0; cands[i] != NULL; i++)
        suggest_try(sg, cands[i]);
}

/* ---------------------------------------------------------------------------
 * Lexing
 * ------------------------------------------------------------------------- */


/* Format into a fresh heap string; NULL when out of memory. */

char *
str_printf(const char *fmt, ...)
{
    char buf[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

char *
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
int
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
