/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_cmd.c - `netstep packetdrill [OPTIONS] FILE.pkt...`: parse each script,
 * play it against a netstep host (sim/packetdrill/) and say pass, fail (with
 * packetdrill's kind of message: the line, what was expected, what was
 * sent) or skipped (with the feature netstep lacks). Shell lines netstep
 * does not model are listed after the verdict.
 */
#include "ui/pd_cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packetdrill/pd.h"

#define EXIT_USAGE 2
/* --compare: the width of each personality's column. */
#define PD_COMPARE_COL 52

/* What each line of a script did in one run (--compare). */
struct pd_said {
    unsigned line;  /* the script line */
    char *text;     /* the runner's words (malloc'd) */
};

struct pd_run_words {
    struct pd_said *said;  /* in the order said */
    size_t n, cap;         /* entries, slots */
    size_t begun;          /* script events begun */
    bool nomem;            /* a note was lost */
};

static void
words_line(void *ctx, size_t event)
{
    struct pd_run_words *w = ctx;
    w->begun = event + 1;
}

static void
words_note(void *ctx, unsigned line, const char *text)
{
    struct pd_run_words *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        struct pd_said *g = realloc(w->said, cap * sizeof *g);
        if (g == NULL) {
            w->nomem = true;
            return;
        }
        w->said = g;
        w->cap = cap;
    }
    /* "as the script expects" says nothing when two runs are set side by side */
    static const char tail[] = ", as the script expects";
    size_t len = strlen(text);
    if (len >= sizeof tail - 1 && strcmp(text + len - (sizeof tail - 1), tail) == 0)
        len -= sizeof tail - 1;
    char *t = malloc(2 * len + 1);
    if (t == NULL) {
        w->nomem = true;
        return;
    }
    /* one cell: a message's line breaks become "; " */
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            t[k++] = ';';
            t[k++] = ' ';
        } else {
            t[k++] = text[i];
        }
    }
    t[k] = '\0';
    w->said[w->n++] = (struct pd_said){ line, t };
}

static void
words_free(struct pd_run_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->said[i].text);
    free(w->said);
    memset(w, 0, sizeof *w);
}

/* What run w said of `line`, joined with "; ", into buf; "" if nothing. */
static void
words_of(const struct pd_run_words *w, unsigned line, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < w->n && k + 1 < n; i++) {
        if (w->said[i].line != line)
            continue;
        int m = snprintf(buf + k, n - k, "%s%s", k ? "; " : "", w->said[i].text);
        if (m < 0)
            break;
        k = (size_t)m >= n - k ? n - 1 : k + (size_t)m;
    }
}

/* The next at most `width` characters of *p, broken at a space when one is
 * in reach; *p moves past them. */
static int
wrap_next(const char **p, int width, const char **start)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    *start = s;
    int len = (int)strlen(s);
    if (len <= width) {
        *p = s + len;
        return len;
    }
    int cut = width;
    while (cut > width / 2 && s[cut] != ' ')
        cut--;
    if (s[cut] != ' ')
        cut = width;
    *p = s + cut;
    return cut;
}

/* Two cells side by side, each wrapped to PD_COMPARE_COL; the first row
 * starts with the line number. */
static void
print_side_by_side(unsigned line, const char *a, const char *b)
{
    const char *pa = a, *pb = b;
    bool first = true;
    while (first || *pa != '\0' || *pb != '\0') {
        const char *sa, *sb;
        int la = wrap_next(&pa, PD_COMPARE_COL, &sa);
        int lb = wrap_next(&pb, PD_COMPARE_COL, &sb);
        char num[16] = "";
        if (first)
            snprintf(num, sizeof num, "%u", line);
        printf("%-5s %-*.*s | %.*s\n", num, PD_COMPARE_COL, la, sa, lb, sb);
        first = false;
    }
}

static const char *
verdict_name(enum pd_verdict v)
{
    return v == PD_PASS ? "pass" : v == PD_FAIL ? "FAIL" : v == PD_SKIP ? "skipped" : "error";
}

/* --compare A,B: the script run with each personality (each with its own
 * #ifdef branch unless -D names one), and the lines whose outcome differs
 * printed side by side. 0, or EXIT_USAGE when the script cannot be read. */
static int
pd_compare(const char *path, const struct pd_options *base, const char *const names[2],
           bool defines_given)
{
    struct pd_run_words w[2] = { { 0 }, { 0 } };
    struct pd_result res[2];
    struct pd_script *sc[2] = { NULL, NULL };
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        struct pd_options o = *base;
        o.personality = names[i];
        if (!defines_given) {
            o.n_defines = 1;
            o.defines[0] = strcmp(names[i], "freebsd") == 0 ? "FreeBSD" : "STANDARD";
        }
        char msg[PD_MSG_LEN];
        sc[i] = pd_script_load(path, o.defines, o.n_defines, msg, sizeof msg);
        if (sc[i] == NULL) {
            fprintf(stderr, "%s\n", msg);
            rc = EXIT_USAGE;
            goto out;
        }
        struct pd_observer obs = { .ctx = &w[i], .line = words_line, .note = words_note };
        o.observer = &obs;
        pd_run(sc[i], &o, stdout, &res[i]);
        if (w[i].nomem) {
            fprintf(stderr, "netstep: packetdrill: out of memory comparing %s\n", path);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    printf("%s: %s %s, %s %s\n", path, names[0], verdict_name(res[0].verdict), names[1],
           verdict_name(res[1].verdict));
    for (int i = 0; i < 2; i++)
        if (res[i].verdict == PD_SKIP)
            printf("  %s: %s\n", names[i], res[i].msg);
    printf("%-5s %-*s | %s\n", "line", PD_COMPARE_COL, names[0], names[1]);
    /* the lines of both scripts (their #ifdef branches may differ), in order */
    unsigned differ = 0, lines = 0, last = 0;
    for (;;) {
        unsigned next = 0;
        for (int i = 0; i < 2; i++)
            for (size_t e = 0; e < sc[i]->n_events; e++)
                if (sc[i]->events[e].line > last &&
                    (next == 0 || sc[i]->events[e].line < next))
                    next = sc[i]->events[e].line;
        if (next == 0)
            break;
        last = next;
        lines++;
        char cell[2][PD_MSG_LEN];
        for (int i = 0; i < 2; i++) {
            size_t e = 0;
            while (e < sc[i]->n_events && sc[i]->events[e].line != next)
                e++;
            if (e == sc[i]->n_events)
                snprintf(cell[i], sizeof cell[i], "(not in this branch of the script)");
            else if (e >= w[i].begun)
                snprintf(cell[i], sizeof cell[i], "(not run: the run stopped before)");
            else
                words_of(&w[i], next, cell[i], sizeof cell[i]);
        }
        if (strcmp(cell[0], cell[1]) == 0)
            continue;
        differ++;
        print_side_by_side(next, cell[0], cell[1]);
    }
    printf("%u of %u lines differ\n", differ, lines);
out:
    for (int i = 0; i < 2; i++) {
        words_free(&w[i]);
        pd_script_free(sc[i]);
    }
    return rc;
}

static void
pd_usage(FILE *out)
{
    fprintf(out,
            "usage: netstep packetdrill [--personality netstep|freebsd|linux]\n"
            "                           [--tolerance_usecs N] [-D NAME] [--seed N]\n"
            "                           [--verbose] [--trace] FILE.pkt...\n"
            "       netstep packetdrill --compare P1,P2 [...] FILE.pkt...\n"
            "  Runs packetdrill scripts against netstep's TCP in a simulated world.\n"
            "  --personality P       tunables of another stack (docs/packetdrill.md)\n"
            "  --tolerance_usecs N   timing tolerance, instead of the script's\n"
            "  -D, --define NAME     take #ifdef NAME blocks (default: STANDARD, and\n"
            "                        FreeBSD with --personality freebsd)\n"
            "  --seed N              the world's seed (ISNs, timestamps); default 1\n"
            "  --verbose             print each line as it runs\n"
            "  --trace               print netstep's trace of every event\n"
            "  --compare P1,P2       run each script with both personalities and print\n"
            "                        the lines whose outcome differs side by side\n"
            "  Exit status: 0 all passed, 1 one failed, 2 usage or script error,\n"
            "  77 all skipped (a feature netstep lacks).\n");
}

int
pd_cmd_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "personality", required_argument, NULL, 'P' },
        { "tolerance_usecs", required_argument, NULL, 'T' },
        { "define", required_argument, NULL, 'D' },
        { "seed", required_argument, NULL, 's' },
        { "verbose", no_argument, NULL, 'v' },
        { "trace", no_argument, NULL, 't' },
        { "compare", required_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pd_options o = { .tolerance_us = -1, .seed = 1 };
    char compare_buf[64];
    const char *compare[2] = { NULL, NULL };
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+P:T:D:s:vth", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'P':
            if (!pd_personality_known(optarg)) {
                fprintf(stderr, "netstep: packetdrill: unknown personality '%s' (known: %s)\n",
                        optarg, pd_personality_names());
                pd_usage(stderr);
                return EXIT_USAGE;
            }
            o.personality = optarg;
            break;
        case 'T':
            o.tolerance_us = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || o.tolerance_us < 0) {
                fprintf(stderr, "netstep: packetdrill: --tolerance_usecs needs a number\n");
                pd_usage(stderr);
                return EXIT_USAGE;
            }
            break;
        case 'D':
            if (o.n_defines == PD_MAX_DEFINES) {
                fprintf(stderr, "netstep: packetdrill: at most %d -D names\n", PD_MAX_DEFINES);
                return EXIT_USAGE;
            }
            o.defines[o.n_defines++] = optarg;
            break;
        case 's':
            o.seed = strtoull(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0') {
                fprintf(stderr, "netstep: packetdrill: --seed needs a number\n");
                pd_usage(stderr);
                return EXIT_USAGE;
            }
            break;
        case 'C': {
            snprintf(compare_buf, sizeof compare_buf, "%s", optarg);
            char *comma = strchr(compare_buf, ',');
            if (comma != NULL)
                *comma = '\0';
            if (comma == NULL || !pd_personality_known(compare_buf) ||
                !pd_personality_known(comma + 1)) {
                fprintf(stderr, "netstep: packetdrill: --compare needs two personalities, "
                        "P1,P2 (known: %s)\n", pd_personality_names());
                pd_usage(stderr);
                return EXIT_USAGE;
            }
            compare[0] = compare_buf;
            compare[1] = comma + 1;
            break;
        }
        case 'v': o.verbose = true; break;
        case 't': o.trace = true; break;
        case 'h': pd_usage(stdout); return 0;
        default:
            fprintf(stderr, "netstep: packetdrill: unknown option '%s'\n", argv[optind - 1]);
            pd_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "netstep: packetdrill needs at least one script\n");
        pd_usage(stderr);
        return EXIT_USAGE;
    }
    if (compare[0] != NULL) {
        if (o.personality != NULL || o.verbose || o.trace) {
            fprintf(stderr, "netstep: packetdrill: --compare names the personalities itself, "
                    "and prints no run whole\n");
            pd_usage(stderr);
            return EXIT_USAGE;
        }
        int worst = 0;
        for (int i = optind; i < argc; i++) {
            int rc = pd_compare(argv[i], &o, compare, o.n_defines > 0);
            worst = rc > worst ? rc : worst;
            if (i + 1 < argc)
                putchar('\n');
        }
        fflush(stdout);
        return worst;
    }
    if (o.n_defines == 0) {
        /* The suites' #ifdef blocks: STANDARD is the RFCs' answer, FreeBSD
         * FreeBSD's own; each personality takes its own. */
        o.defines[o.n_defines++] =
            o.personality != NULL && strcmp(o.personality, "freebsd") == 0 ? "FreeBSD"
                                                                           : "STANDARD";
    }
    unsigned passed = 0, failed = 0, skipped = 0, errors = 0;
    for (int i = optind; i < argc; i++) {
        char msg[PD_MSG_LEN];
        struct pd_script *sc = pd_script_load(argv[i], o.defines, o.n_defines, msg, sizeof(msg));
        if (sc == NULL) {
            fprintf(stderr, "%s\n", msg);
            errors++;
            continue;
        }
        struct pd_result res;
        pd_run(sc, &o, stdout, &res);
        switch (res.verdict) {
        case PD_PASS:
            printf("%s: pass\n", argv[i]);
            passed++;
            break;
        case PD_FAIL:
            printf("%s: FAIL\n%s\n", argv[i], res.msg);
            failed++;
            break;
        case PD_SKIP:
            printf("%s: skipped\n%s\n", argv[i], res.msg);
            skipped++;
            break;
        case PD_ERROR:
            fprintf(stderr, "%s: %s\n", argv[i], res.msg);
            errors++;
            break;
        }
        if (res.notes[0] != '\0')
            fputs(res.notes, stdout);
        pd_script_free(sc);
    }
    if (argc - optind > 1)
        printf("%u passed, %u failed, %u skipped%s\n", passed, failed, skipped,
               errors ? ", and some could not be read" : "");
    fflush(stdout);
    if (errors > 0)
        return EXIT_USAGE;
    if (failed > 0)
        return 1;
    if (skipped > 0 && passed == 0)
        return 77;
    return 0;
}
