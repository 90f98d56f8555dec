/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/file.c - files and entry points: reading, includes,
 * scenario_parse_string/file, live statements (scenario_parse_step), freeing
 * and diagnostics.
 */
#include "sim/scenario/parse.h"
#include "sim/srcfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A scenario file, whole: only a regular file, at most SRCFILE_MAX_LEN bytes
 * (sim/srcfile.c), so /dev/zero or a FIFO is refused at once. */
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
    free(p->reported);
}


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

/* Why a live line cannot be this statement, or NULL: the row says, but for
 * `link`, which is a step only as `link A B down|up`. */
static const char *
live_refusal(const struct line *ln)
{
    const struct tok *t = &ln->toks[0];
    const struct stmt_def *def = stmt_find(t);

    if (word_is(t, "link") && !(ln->n_toks >= 4 && (word_is(&ln->toks[3], "down") ||
                                                   word_is(&ln->toks[3], "up"))))
        return "describes the world, which is built already; the command line can only take a "
               "link 'down' or 'up'";
    return def != NULL ? def->not_live : NULL;
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
    free(p.reported);
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

bool
scn_diag_colour(FILE *out)
{
    const char *no = getenv("NO_COLOR");

    return (no == NULL || no[0] == '\0') && isatty(fileno(out));
}

#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_ERROR "\033[1;31m"    /* bold red, as compilers show "error:" */
#define SGR_WARNING "\033[1;35m"  /* bold magenta, as compilers show "warning:" */
#define SGR_CARET "\033[1;32m"    /* bold green */

/* One message: "FILE:LINE:COL: error: TEXT", then (show_src) the source
 * line and a caret under the column. The source is shown with each tab and control
 * byte as one space, so the caret (a column counts bytes) stays under it. */
static int
diag_write_one(FILE *out, const struct scn_error *e, const char *what, const char *sgr,
               bool colour, bool show_src)
{
    char tag[16];
    const char *cut;
    int n;

    snprintf(tag, sizeof tag, ": %s: ", what);
    cut = strstr(e->msg, tag);
    if (!colour || cut == NULL)
        n = fprintf(out, "%s\n", e->msg);
    else
        n = fprintf(out, SGR_BOLD "%.*s:" SGR_RESET " %s%s:" SGR_RESET " %s\n",
                    (int)(cut - e->msg), e->msg, sgr, what, cut + strlen(tag));
    if (n < 0)
        return -1;
    if (!show_src || e->line == 0 || e->src[0] == '\0')
        return 0;
    size_t len = strlen(e->src);
    if (fprintf(out, "%5u | ", e->line) < 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)e->src[i];
        if (fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, out) == EOF)
            return -1;
    }
    if (fputc('\n', out) == EOF)
        return -1;
    if (e->col < 1 || e->col > len + 1)
        return 0;
    if (fprintf(out, "%5s | %*s%s^%s\n", "", (int)(e->col - 1), "", colour ? SGR_CARET : "",
                colour ? SGR_RESET : "") < 0)
        return -1;
    return 0;
}

int
scn_diag_write(const struct scn_diag *diag, FILE *out, bool warnings, bool colour)
{
    /* A warning stays one line: lessons that warn on purpose keep their
     * golden traces, which hold what `run` prints on stderr. */
    const struct scn_error *list = warnings ? diag->warnings : diag->errors;
    unsigned kept = warnings ? diag->n_warn_kept : diag->n_kept;
    unsigned total = warnings ? diag->n_warnings : diag->n_errors;

    for (unsigned i = 0; i < kept; i++)
        if (diag_write_one(out, &list[i], warnings ? "warning" : "error",
                           warnings ? SGR_WARNING : SGR_ERROR, colour, !warnings) < 0)
            return -1;
    if (total > kept && fprintf(out, "(and %u more %s)\n", total - kept,
                                warnings ? "warnings" : "errors") < 0)
        return -1;
    return 0;
}

int
scn_diag_print_warnings(const struct scn_diag *diag, FILE *out)
{
    return scn_diag_write(diag, out, true, scn_diag_colour(out));
}

int
scn_diag_print(const struct scn_diag *diag, FILE *out)
{
    return scn_diag_write(diag, out, false, scn_diag_colour(out));
}
