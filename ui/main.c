/*
 * main.c - the netstep command line.
 *
 *   netstep run FILE [--trace] [--pcap OUT] [--seed N] [--quiet] [--step] [--pause]
 *                    [--tap HOST=DEV] [--pcap-dir DIR] [--pcapng]
 *   netstep check FILE...
 *   netstep list
 *   netstep ui FILE [...]   (the classroom view: ui/tui.c)
 *   netstep FILE            (the view on a terminal; else run with the trace)
 *
 * Exit status: 0 when every expect holds, 1 when one fails, 2 for a usage or
 * scenario error (nothing runs then).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/log_sink.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "ui/tui.h"

#ifndef NETSTEP_VERSION
#define NETSTEP_VERSION "0.0.0"
#endif

#define EXIT_EXPECT_FAILED 1
#define EXIT_USAGE 2
/* Long options without a letter. */
#define OPT_PCAP_DIR 256
#define OPT_PCAPNG 257

/* Lesson folders, in the order a course climbs the layers; then the lessons
 * on a real TAP device (docs/tap-mode.md). */
static const char *const lesson_dirs[] = { "link", "ip", "udp", "tcp", "socket", "app", "tap" };

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: netstep run FILE [--trace] [--pcap OUT] [--seed N] [--quiet] [--step]\n"
            "                        [--pause] [--tap HOST=DEV] [--pcap-dir DIR] [--pcapng]\n"
            "       netstep check FILE...\n"
            "       netstep list\n"
            "       netstep ui FILE [--model osi] [--theme high-contrast] [--ascii] [--projector]\n"
            "                       [--tap HOST=DEV]\n"
            "       netstep FILE\n"
            "       netstep --help | --version\n"
            "\n"
            "Runs a scenario over netstep's TCP/IP stack and shows what each layer did.\n"
            "\n"
            "commands:\n"
            "  run FILE     run the lesson; print each step, its result and the expects\n"
            "  check FILE   check scenario files without running them\n"
            "  list         list the bundled lessons with their titles\n"
            "  FILE         the same as 'run FILE --trace'\n"
            "\n"
            "options for run:\n"
            "  -t, --trace      print every trace event: time, host, layer, direction,\n"
            "                   what the layer decided, and why (the cause)\n"
            "  -w, --pcap OUT   write every frame of every link to OUT (pcap, ns stamps;\n"
            "                   pcapng with a comment per frame if OUT ends in .pcapng)\n"
            "      --pcap-dir DIR  also one capture per link: DIR/LINK.pcap\n"
            "      --pcapng     write pcapng: one interface per link, each frame's cause\n"
            "                   as its comment (DIR/LINK.pcapng with --pcap-dir)\n"
            "  -s, --seed N     use seed N instead of the file's (same seed, same run)\n"
            "  -q, --quiet      print only failed expects\n"
            "  -S, --step       run one step per Enter (or per line of input), printing\n"
            "                   the trace lines each step caused\n"
            "  -p, --pause      stop at each 'pause' until Enter is pressed\n"
            "  -T, --tap HOST=DEV  put HOST's eth0 on the TAP device DEV (a real wire to\n"
            "                   the Linux kernel; time follows the wall clock; see\n"
            "                   docs/tap-mode.md and scripts/tap-lab.sh)\n"
            "\n"
            "FILE may be a path, or a lesson name such as udp/echo.\n"
            "Exit status: 0 all expects hold, 1 an expect failed, 2 usage or scenario error.\n");
}

static const char *
scenario_dir(void)
{
    const char *env = getenv("NETSTEP_SCENARIOS");
    if (env != NULL && env[0] != '\0')
        return env;
    return NETSTEP_SCENARIO_DIR;
}

static bool
is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* FILE as given, or a bundled lesson: "udp/echo" -> <dir>/udp/echo.scn. */
static const char *
resolve_scenario(const char *arg, char *buf, size_t n)
{
    if (is_file(arg))
        return arg;
    snprintf(buf, n, "%s/%s", scenario_dir(), arg);
    if (is_file(buf))
        return buf;
    snprintf(buf, n, "%s/%s.scn", scenario_dir(), arg);
    if (is_file(buf))
        return buf;
    return arg;
}

static struct scenario *
load(const char *arg, char *pathbuf, size_t n)
{
    const char *path = resolve_scenario(arg, pathbuf, n);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_file(path, &diag);
    if (scn == NULL)
        scn_diag_print(&diag, stderr);
    else
        scn_diag_print_warnings(&diag, stderr);
    return scn;
}

static int
parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* Read one line of stdin; false at end of input. */
static bool
read_enter(void)
{
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n')
        ;
    return ch != EOF;
}

/* `pause` under --pause (or --step): wait for Enter. */
static void
on_pause(void *ctx, const char *text)
{
    (void)ctx;
    printf("-- pause%s%s -- press Enter to go on\n", text != NULL ? ": " : "",
           text != NULL ? text : "");
    fflush(stdout);
    read_enter();
}

/* --step: before each step, show it and wait for Enter (any terminal, or
 * one line of piped input per step). At the end of the input the remaining
 * steps run without stopping. The trace lines a step causes follow it. */
static void
run_stepwise(struct scn_runner *r)
{
    bool tty = isatty(STDIN_FILENO);
    bool eof = false;
    const struct scenario *scn = r->scn;
    for (size_t i = scn_runner_next(r); i < scn->n_steps; i = scn_runner_next(r)) {
        const struct scn_step *st = &scn->steps[i];
        if (!eof) {
            printf("-- step %zu/%zu, line %u: %s%s\n", i + 1, scn->n_steps, st->line, st->text,
                   tty ? "   [Enter]" : "");
            fflush(stdout);
            eof = !read_enter();
        }
        scn_runner_step(r);
        fflush(stdout);
    }
    scn_runner_finish(r);
}

static int
cmd_run(int argc, char **argv, bool trace_default)
{
    static const struct option longopts[] = {
        { "trace", no_argument, NULL, 't' },
        { "pcap", required_argument, NULL, 'w' },
        { "seed", required_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { "step", no_argument, NULL, 'S' },
        { "pause", no_argument, NULL, 'p' },
        { "tap", required_argument, NULL, 'T' },
        { "pcap-dir", required_argument, NULL, OPT_PCAP_DIR },
        { "pcapng", no_argument, NULL, OPT_PCAPNG },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool trace = trace_default, quiet = false, step = false, pause = false;
    const char *pcap_path = NULL;
    struct capture_opts cap_opts = { .appl = "netstep " NETSTEP_VERSION };
    const char *tap_arg = NULL;
    struct scn_run_opts opts = { .out = stdout };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "tw:s:qSpT:h", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            trace = true;
            break;
        case 'w':
            pcap_path = optarg;
            break;
        case 's':
            if (parse_u64(optarg, &opts.seed) < 0) {
                fprintf(stderr, "netstep: --seed needs a number, not '%s'\n", optarg);
                usage(stderr);
                return EXIT_USAGE;
            }
            opts.seed_given = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'S':
            step = true;
            trace = true;
            break;
        case 'p':
            pause = true;
            break;
        case 'T':
            if (strchr(optarg, '=') == NULL) {
                fprintf(stderr, "netstep: --tap needs HOST=DEV, not '%s'\n", optarg);
                usage(stderr);
                return EXIT_USAGE;
            }
            tap_arg = optarg;
            break;
        case OPT_PCAP_DIR:
            cap_opts.dir = optarg;
            break;
        case OPT_PCAPNG:
            cap_opts.pcapng = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "netstep: run needs exactly one scenario file\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    char pathbuf[PATH_MAX];
    struct scenario *scn = load(argv[optind], pathbuf, sizeof(pathbuf));
    if (scn == NULL)
        return EXIT_USAGE;

    opts.quiet = quiet;
    opts.trace_shown = trace;
    if (pause || step)
        opts.on_pause = on_pause;
    struct scn_runner *r = calloc(1, sizeof(*r));
    char err[512];
    if (r == NULL || scn_runner_init(r, scn, &opts, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", r == NULL ? "netstep: out of memory" : err);
        free(r);
        scenario_free(scn);
        return EXIT_USAGE;
    }
    if (tap_arg != NULL && scn_runner_attach_tap_arg(r, tap_arg, err, sizeof(err)) < 0) {
        fprintf(stderr, "netstep: %s\n", err);
        scn_runner_destroy(r);
        free(r);
        scenario_free(scn);
        return EXIT_USAGE;
    }
    struct log_sink log;
    struct capture pcap;
    bool have_pcap = false;
    if (trace && !quiet) {
        log_sink_init(&log, stdout);
        log_sink_attach(&log, &r->sim.trace);
    }
    cap_opts.file = pcap_path;
    if (pcap_path != NULL || cap_opts.dir != NULL) {
        if (capture_open(&pcap, &r->sim, scn, &cap_opts) < 0) {
            fprintf(stderr, "netstep: %s\n", capture_error(&pcap));
            scn_runner_destroy(r);
            free(r);
            scenario_free(scn);
            return EXIT_USAGE;
        }
        capture_attach(&pcap, &r->sim.trace);
        have_pcap = true;
    }
    if (!quiet) {
        printf("netstep: %s", scn->title != NULL ? scn->title : scn->name);
        printf(" (%s, seed %" PRIu64 ")\n", scn->name, r->seed);
        if (scn->about != NULL)
            printf("%s\n", scn->about);
        printf("\n");
    }
    if (step)
        run_stepwise(r);
    else
        scn_runner_run(r);
    unsigned passed = r->expects_passed, failed = r->expects_failed;
    uint64_t t_end = r->sim.now_ns;
    /* Detach the sinks before the world is torn down: teardown drops are not
     * part of the lesson. */
    if (trace && !quiet)
        log_sink_detach(&log);
    int rc = failed > 0 ? EXIT_EXPECT_FAILED : 0;
    if (have_pcap) {
        if (capture_close(&pcap) < 0) {
            fprintf(stderr, "netstep: %s\n", capture_error(&pcap));
            rc = EXIT_USAGE;
        }
    }
    scn_runner_destroy(r);
    free(r);
    if (!quiet || failed > 0)
        printf("\n%s: %u expect%s held, %u failed (simulated time %" PRIu64 ".%06" PRIu64 " s)\n",
               failed > 0 ? "FAILED" : "ok", passed, passed == 1 ? "" : "s", failed,
               t_end / 1000000000u, (t_end % 1000000000u) / 1000u);
    scenario_free(scn);
    return rc;
}

static int
cmd_check(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "netstep: check needs at least one scenario file\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        char pathbuf[PATH_MAX];
        struct scenario *scn = load(argv[i], pathbuf, sizeof(pathbuf));
        if (scn == NULL) {
            rc = EXIT_USAGE;
            continue;
        }
        /* Building the world checks what only the runner knows; a TAP
         * device is not opened (checking needs no device and no privilege). */
        struct scn_run_opts opts = { .no_tap = true };
        struct scn_runner *r = calloc(1, sizeof(*r));
        char err[512];
        if (r == NULL || scn_runner_init(r, scn, &opts, err, sizeof(err)) < 0) {
            fprintf(stderr, "%s\n", r == NULL ? "netstep: out of memory" : err);
            rc = EXIT_USAGE;
        } else {
            if (scn->n_taps > 0)
                printf("%s: ok (%zu hosts, %zu links, %zu TAP device%s, %zu steps)\n",
                       scn->name, scn->n_hosts, scn->n_links, scn->n_taps,
                       scn->n_taps == 1 ? "" : "s", scn->n_steps);
            else
                printf("%s: ok (%zu hosts, %zu links, %zu steps)\n", scn->name, scn->n_hosts,
                       scn->n_links, scn->n_steps);
            scn_runner_destroy(r);
        }
        free(r);
        scenario_free(scn);
    }
    return rc;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmd_list(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *base = scenario_dir();
    unsigned total = 0;
    for (size_t d = 0; d < sizeof(lesson_dirs) / sizeof(lesson_dirs[0]); d++) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s/%s", base, lesson_dirs[d]);
        DIR *dp = opendir(dir);
        if (dp == NULL)
            continue;
        char *names[256];
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(dp)) != NULL && n < 256) {
            size_t len = strlen(de->d_name);
            if (len > 4 && strcmp(de->d_name + len - 4, ".scn") == 0)
                names[n++] = strdup(de->d_name);
        }
        closedir(dp);
        qsort(names, n, sizeof(names[0]), name_cmp);
        if (n > 0)
            printf("%s/\n", lesson_dirs[d]);
        for (size_t i = 0; i < n; i++) {
            char path[PATH_MAX * 2];
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
            struct scn_diag diag;
            struct scenario *scn = scenario_parse_file(path, &diag);
            names[i][strlen(names[i]) - 4] = '\0';
            char id[128];
            snprintf(id, sizeof(id), "%s/%s", lesson_dirs[d], names[i]);
            printf("  %-28s %s\n", id,
                   scn == NULL ? "(does not parse: run 'netstep check' on it)"
                   : scn->title != NULL ? scn->title : "");
            scenario_free(scn);
            free(names[i]);
            total++;
        }
    }
    if (total == 0) {
        fprintf(stderr, "netstep: no lessons under %s\n", base);
        return EXIT_USAGE;
    }
    printf("\n%u lessons. Run one with: netstep run udp/echo\n", total);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("netstep %s\n", NETSTEP_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1, false);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "ui") == 0)
        return tui_main(argc - 1, argv + 1);
    if (cmd[0] == '-') {
        fprintf(stderr, "netstep: unknown option '%s'\n", cmd);
        usage(stderr);
        return EXIT_USAGE;
    }
    /* `netstep FILE`: the view on a terminal, else the trace. */
    char pathbuf[PATH_MAX];
    if (is_file(resolve_scenario(cmd, pathbuf, sizeof(pathbuf))) && isatty(STDOUT_FILENO))
        return tui_main(argc, argv);
    if (is_file(resolve_scenario(cmd, pathbuf, sizeof(pathbuf))))
        return cmd_run(argc, argv, true);
    fprintf(stderr, "netstep: no command or scenario file '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
