/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - the netstep command line.
 *
 *   netstep run FILE [--trace] [--pcap OUT] [--seed N] [--quiet] [--step] [--pause]
 *                    [--tap HOST=DEV] [--pcap-dir DIR] [--pcapng]
 *   netstep check FILE...
 *   netstep list
 *   netstep draw ladder|timeseq|cwnd|rtt|topology FILE -o OUT   (ui/draw.c)
 *   netstep ui FILE [...]   (the classroom view: ui/tui.c; off a terminal,
 *                            run with the trace)
 *   netstep FILE            (the view on a terminal; else run with the trace)
 *
 * Every command takes --help. Lesson names are looked up in NETSTEP_SCENARIOS,
 * then beside the program (find_lessons_dir()), so an installed copy works.
 *
 * Exit status: 0 when every expect holds, 1 when one fails (or the world
 * halted on a storm), 2 for a usage or scenario error (nothing runs then);
 * 128 + N when `run` was stopped by signal N (SIGHUP 129, SIGINT 130,
 * SIGTERM 143): the run stops at the current event, every capture is closed
 * whole, and stderr says where it stopped.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/drv_tap.h"
#include "sim/log_sink.h"
#include "sim/scenario.h"
#include "sim/record.h"
#include "sim/scenario_run.h"
#include "ui/cli_num.h"
#include "ui/quiz.h"
#include "ui/draw.h"
#include "ui/lessons.h"
#include "ui/pd_cmd.h"
#include "ui/json_out.h"
#include "sim/sim.h"
#include "ui/tui.h"

#ifndef NETSTEP_VERSION
#define NETSTEP_VERSION "0.0.0"
#endif

#define EXIT_EXPECT_FAILED 1
#define EXIT_USAGE 2
/* Long options without a letter. */
#define OPT_PCAP_DIR 256
#define OPT_PCAPNG 257
#define OPT_JSON 258
#define OPT_TAP_CREATE 259

/* Lesson folders, in the order a course climbs the layers, then the attacks
 * the stack survives (built with `inject`); then the lessons
 * on a real TAP device (docs/tap-mode.md). */
static const char *const lesson_dirs[] = { "link", "ip", "ipv6", "udp", "tcp", "socket", "app",
                                           "attack", "tap" };

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: netstep run FILE [--trace] [--pcap OUT] [--seed N] [--quiet] [--step]\n"
            "                        [--pause] [--tap HOST=DEV] [--pcap-dir DIR] [--pcapng]\n"
            "                        [--json]\n"
            "       netstep ui FILE [--model osi|tcpip] [--theme default|high-contrast|mono]\n"
            "                       [--ascii] [--projector] [--seed N] [--tap HOST=DEV]\n"
            "       netstep check FILE...\n"
            "       netstep quiz FILE [--seed N]\n"
            "       netstep list\n"
            "       netstep packetdrill [--personality P] FILE.pkt...   (docs/packetdrill.md)\n"
            "       netstep draw ladder|timeseq|cwnd|rtt|topology FILE -o OUT.svg|.pdf|.png\n"
            "                    (netstep draw --help; docs/pictures.md)\n"
            "       netstep FILE\n"
            "       netstep --help | --version\n"
            "\n"
            "netstep runs a small simulated network (hosts with a real Ethernet, ARP,\n"
            "IPv4, ICMP, UDP and TCP stack behind BSD-style sockets, joined by links with\n"
            "delay, rate and loss) from a scenario file, one socket call at a time, and\n"
            "shows what each call set off below the socket: which layer did what, why\n"
            "(the RFC section) and what caused it. Every frame can go to a capture that\n"
            "opens in Wireshark. Nothing leaves the program unless --tap asks it to.\n"
            "\n"
            "commands:\n"
            "  run FILE     run the lesson; print each step, its result and the expects\n"
            "  ui FILE      the classroom view: step through the lesson event by event\n"
            "               (needs a terminal; 'netstep ui --help' for its options)\n"
            "  check FILE   check scenario files (a lesson that asks questions is run,\n"
            "               to see that the stack answers each one)\n"
            "  quiz FILE    the lesson's questions in the terminal: type an answer a line\n"
            "               (or pipe them in), see the stack's answer, get a score\n"
            "  list         list the lessons with their titles\n"
            "  FILE         on a terminal the same as 'ui FILE', otherwise the same as\n"
            "               'run FILE --trace'\n"
            "Each command takes --help.\n"
            "\n"
            "options for run:\n"
            "  -t, --trace      print every trace event: time, host, layer, direction,\n"
            "                   what the layer decided, and why (the cause)\n"
            "  -w, --pcap OUT   write every frame of every link to OUT (pcap, ns stamps;\n"
            "                   pcapng with a comment per frame if OUT ends in .pcapng)\n"
            "      --pcap-dir DIR  also one capture per link, DIR/LINK.pcap, and one per\n"
            "                   host interface as tcpdump there sees it: DIR/alice-eth0.pcap\n"
            "      --pcapng     write pcapng: one interface per link, each frame's cause\n"
            "                   as its comment (DIR/LINK.pcapng with --pcap-dir)\n"
            "  -s, --seed N     use seed N instead of the file's (same seed, same run)\n"
            "  -q, --quiet      print only failed expects\n"
            "  -S, --step       run one step per Enter (or per line of input), printing\n"
            "                   the trace lines each step caused\n"
            "  -p, --pause      stop at each 'pause' until Enter is pressed\n"
            "      --json       write every event as one JSON object a line on stdout\n"
            "                   (JSON Lines; schema in docs/pictures.md); results go\n"
            "                   to stderr\n"
            "  -T, --tap HOST=DEV  put HOST's eth0 on the TAP device DEV (a real wire to\n"
            "                   the Linux kernel; time follows the wall clock; see\n"
            "                   docs/tap-mode.md and scripts/tap-lab.sh)\n"
            "      --tap-create create a TAP device that does not exist (needs\n"
            "                   CAP_NET_ADMIN); without it a missing device is an error\n"
            "\n"
            "FILE may be a path, or a lesson name such as udp/echo. Lessons are looked\n"
            "for in $NETSTEP_SCENARIOS, then in ../share/netstep/scenarios beside the\n"
            "program, then (for a program in its build tree) in the source tree.\n"
            "NO_COLOR set and not empty turns the view's colours off.\n"
            "Exit status: 0 all expects hold, 1 an expect failed, 2 usage or scenario error.\n"
            "See netstep(1) and netstep-scenario(5).\n");
}

static bool
is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the lessons are, in this order:
 *   1. $NETSTEP_SCENARIOS, when set (a teacher's own folder);
 *   2. the share directory relative to this program's own location
 *      (/proc/self/exe, then NETSTEP_REL_SCENARIO_DIR, "../share/netstep/
 *      scenarios" for the usual layout), so an installed copy, or a whole
 *      prefix moved elsewhere, finds the lessons installed with it;
 *   3. the source tree's scenarios/, but only for the program in the build
 *      tree it was built in (an installed copy never reads the checkout).
 * Sets NETSTEP_SCENARIOS to the answer so every later look-up (run, check,
 * list, the view) agrees. When none exists it names the share directory the
 * program expected, so `netstep list` says where it looked. */
static void
find_lessons_dir(void)
{
    const char *env = getenv("NETSTEP_SCENARIOS");
    if (env != NULL && env[0] != '\0')
        return;
    char buf[PATH_MAX * 2];
    size_t n = sizeof(buf);
    char exe[PATH_MAX];
    char *bin_dir = NULL;
    if (realpath("/proc/self/exe", exe) != NULL) {
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            bin_dir = exe;
        }
    }
    snprintf(buf, n, "%s", NETSTEP_SCENARIO_DIR);
    if (bin_dir != NULL) {
        snprintf(buf, n, "%s/%s", bin_dir, NETSTEP_REL_SCENARIO_DIR);
        char build[PATH_MAX];
        if (!is_dir(buf) && realpath(NETSTEP_BUILD_DIR, build) != NULL &&
            strcmp(build, bin_dir) == 0 && is_dir(NETSTEP_SCENARIO_DIR))
            snprintf(buf, n, "%s", NETSTEP_SCENARIO_DIR);
    }
    setenv("NETSTEP_SCENARIOS", buf, 1);
}

static bool
is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static struct scenario *
load(const char *arg, char *pathbuf, size_t n)
{
    const char *path = lesson_resolve(arg, pathbuf, n);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_file(path, &diag);
    if (scn == NULL)
        scn_diag_print(&diag, stderr);
    else
        scn_diag_print_warnings(&diag, stderr);
    return scn;
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

/* `pause` under --pause (or --step): wait for Enter. ctx: the report's FILE. */
static void
on_pause(void *ctx, const char *text)
{
    FILE *out = ctx;
    fprintf(out, "-- pause%s%s -- press Enter to go on\n", text != NULL ? ": " : "",
            text != NULL ? text : "");
    fflush(out);
    read_enter();
}

/* The signal that stopped the run (SIGINT, SIGTERM, SIGHUP), or 0; the
 * world's loop looks at it before each event (sim.stop_signal). */
static volatile sig_atomic_t run_stop_signal;

static void
on_stop_signal(int sig)
{
    run_stop_signal = sig;
}

/* Without SA_RESTART, so a wait for Enter or on a TAP device ends at once. */
static void
catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* What the run must finish when the world halts early. */
struct run_end {
    struct scn_runner *r;
    struct log_sink *log;    /* attached, or NULL */
    struct capture *pcap;    /* open, or NULL */
    FILE *report;            /* stdout, or stderr with --pcap - */
};

/* The world halted (sim_halt): a signal or a storm. Finish what the run
 * wrote (the captures closed whole and renamed into place), say on stderr
 * where it stopped, and exit: 128 + the signal, or 1 for a storm. */
static void
on_world_halt(struct sim *s, void *ctx)
{
    struct run_end *e = ctx;
    const struct scenario *scn = e->r->scn;
    if (e->log != NULL)
        log_sink_detach(e->log);
    int rc = 0;
    char capture_note[CAPTURE_ERR_LEN + 64] = "";
    if (e->pcap != NULL) {
        if (capture_close(e->pcap) < 0)
            snprintf(capture_note, sizeof capture_note, "; capture: %s", capture_error(e->pcap));
        else
            snprintf(capture_note, sizeof capture_note, "; the captures are closed and whole");
    }
    fflush(e->report);
    char where[600] = "before the first step";
    size_t step = scn_runner_next(e->r);
    if (step > 0 && step <= scn->n_steps) {
        const struct scn_step *st = &scn->steps[step - 1];
        snprintf(where, sizeof where, "in step %zu of %zu (%s line %u: %s)", step, scn->n_steps,
                 st->file < scn->n_files ? scn->files[st->file] : scn->name, st->line,
                 st->text != NULL ? st->text : "");
    }
    uint64_t t = s->halt_ns;
    if (s->halted == SIM_HALT_SIGNAL) {
        int sig = s->halt_signal;
        fprintf(stderr, "netstep: stopped by %s at %" PRIu64 ".%06" PRIu64 " s of simulated "
                "time, %s%s\n", sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM"
                : sig == SIGHUP ? "SIGHUP" : "a signal", t / 1000000000u,
                (t % 1000000000u) / 1000u, where, capture_note);
        rc = 128 + sig;
    } else {
        fprintf(stderr, "netstep: error: the world halted on %s, %s%s\n", s->halt_msg, where,
                capture_note);
        rc = EXIT_EXPECT_FAILED;
    }
    fflush(stderr);
    exit(rc);
}

/* --step: before each step, show it and wait for Enter (any terminal, or
 * one line of piped input per step). At the end of the input the remaining
 * steps run without stopping. The trace lines a step causes follow it. */
static void
run_stepwise(struct scn_runner *r, FILE *out)
{
    bool tty = isatty(STDIN_FILENO);
    bool eof = false;
    const struct scenario *scn = r->scn;
    for (size_t i = scn_runner_next(r); i < scn->n_steps; i = scn_runner_next(r)) {
        const struct scn_step *st = &scn->steps[i];
        if (!eof) {
            fprintf(out, "-- step %zu/%zu, line %u: %s%s\n", i + 1, scn->n_steps, st->line,
                    st->text, tty ? "   [Enter]" : "");
            fflush(out);
            eof = !read_enter();
        }
        if (run_stop_signal != 0)
            sim_halt(&r->sim, SIM_HALT_SIGNAL, (int)run_stop_signal, "stopped by a signal");
        scn_runner_step(r);
        fflush(out);
    }
    scn_runner_finish(r);
}

/* Every step, then the end of the script; a signal between steps stops the
 * run as one during a step does (sim.stop_signal). */
static void
run_all(struct scn_runner *r)
{
    while (scn_runner_next(r) < r->scn->n_steps) {
        if (run_stop_signal != 0)
            sim_halt(&r->sim, SIM_HALT_SIGNAL, (int)run_stop_signal, "stopped by a signal");
        scn_runner_step(r);
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
        { "json", no_argument, NULL, OPT_JSON },
        { "tap-create", no_argument, NULL, OPT_TAP_CREATE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool trace = trace_default, quiet = false, step = false, pause = false;
    bool json = false;  /* --json: the event log as JSON Lines on stdout */
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
            if (cli_parse_u64(optarg, &opts.seed) < 0) {
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
        case OPT_JSON:
            json = true;
            break;
        case OPT_TAP_CREATE:
            drv_tap_allow_create(true);
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
    if (json && ((trace && !trace_default) || step)) {
        fprintf(stderr, "netstep: --json writes the events on stdout: not with --trace or --step\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    if (json && pcap_path != NULL && strcmp(pcap_path, "-") == 0) {
        fprintf(stderr, "netstep: --json and --pcap - both want stdout: give the capture a file name\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    catch_stop_signals();  /* from here on: a signal stops the run at its next event */
    /* `--pcap -` puts the capture on stdout: everything the run says (the
     * steps, the trace, the verdicts) goes to stderr instead. */
    FILE *report = pcap_path != NULL && strcmp(pcap_path, "-") == 0 ? stderr : stdout;
    opts.out = report;
    opts.pause_ctx = report;
    char pathbuf[PATH_MAX];
    struct scenario *scn = load(argv[optind], pathbuf, sizeof(pathbuf));
    if (scn == NULL)
        return EXIT_USAGE;
    if (json) {
        /* stdout carries only JSON; failed expects still reach the person. */
        trace = false;
        quiet = true;
        opts.out = stderr;
    }

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
    struct record rec;
    bool have_pcap = false;
    if (json) {
        record_init(&rec, &r->sim);
        record_attach(&rec);
    }
    if (trace && !quiet) {
        log_sink_init(&log, report);
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
        fprintf(report, "netstep: %s", scn->title != NULL ? scn->title : scn->name);
        fprintf(report, " (%s, seed %" PRIu64 ")\n", scn->name, r->seed);
        if (scn->about != NULL)
            fprintf(report, "%s\n", scn->about);
        fprintf(report, "\n");
    }
    struct run_end end = { .r = r, .log = trace && !quiet ? &log : NULL,
                           .pcap = have_pcap ? &pcap : NULL, .report = report };
    r->sim.on_halt = on_world_halt;
    r->sim.halt_ctx = &end;
    r->sim.stop_signal = &run_stop_signal;
    if (step)
        run_stepwise(r, report);
    else
        run_all(r);
    unsigned passed = r->expects_passed, failed = r->expects_failed;
    uint64_t t_end = r->sim.now_ns;
    /* Detach the sinks before the world is torn down: teardown drops are not
     * part of the lesson. */
    if (trace && !quiet)
        log_sink_detach(&log);
    int rc = failed > 0 ? EXIT_EXPECT_FAILED : 0;
    if (json) {
        record_detach(&rec);
        if (rec.lost > 0 || json_out_record(&rec, stdout) < 0 || fflush(stdout) == EOF) {
            fprintf(stderr, "netstep: --json: %s\n",
                    rec.lost > 0 ? "out of memory recording the events" : "cannot write the events");
            rc = EXIT_USAGE;
        }
        record_destroy(&rec);
    }
    if (have_pcap) {
        if (capture_close(&pcap) < 0) {
            fprintf(stderr, "netstep: %s\n", capture_error(&pcap));
            rc = EXIT_USAGE;
        }
    }
    scn_runner_destroy(r);
    free(r);
    if (!quiet || failed > 0 || json)
        fprintf(json ? stderr : report,
                "\n%s: %u expect%s held, %u failed (simulated time %" PRIu64 ".%06" PRIu64 " s)\n",
                failed > 0 ? "FAILED" : "ok", passed, passed == 1 ? "" : "s", failed,
                t_end / 1000000000u, (t_end % 1000000000u) / 1000u);
    scenario_free(scn);
    return rc;
}

/* `--help` or `-h` as a subcommand's only argument. */
static bool
asks_help(int argc, char **argv)
{
    return argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
}

/* `netstep check`: a question the stack never answers is an error. */
struct check_asks {
    const struct scenario *scn;
    unsigned bad;
};

static void
check_on_answer(void *ctx, const struct scn_step *st, size_t step_no,
                const struct scn_ask_answer *ans)
{
    struct check_asks *ca = ctx;
    (void)step_no;
    if (ans->answered && st->ask.n_choices > 0 && ans->choice == 0) {
        ca->bad++;
        fprintf(stderr, "%s:%u:%u: error: the stack answers '%s', which is none of the "
                "choices\n", ca->scn->files[st->file], st->line, st->col, ans->text);
        return;
    }
    if (ans->answered)
        return;
    ca->bad++;
    fprintf(stderr, "%s:%u:%u: error: no event answers this question: %s\n",
            ca->scn->files[st->file], st->line, st->col, ans->why);
}

static bool
scenario_asks(const struct scenario *scn)
{
    for (size_t i = 0; i < scn->n_steps; i++)
        if (scn->steps[i].kind == SCN_STEP_ASK)
            return true;
    return false;
}

/* The questions of scn, checked by running it headless: 0, or -1 after
 * saying which were never answered. */
static int
check_questions(const struct scenario *scn)
{
    struct check_asks ca = { .scn = scn };
    struct scn_run_opts opts = { .no_tap = true, .on_answer = check_on_answer, .ask_ctx = &ca };
    struct scn_runner *r = calloc(1, sizeof(*r));
    char err[512];
    if (r == NULL || scn_runner_init(r, scn, &opts, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", r == NULL ? "netstep: out of memory" : err);
        free(r);
        return -1;
    }
    scn_runner_run(r);
    scn_runner_destroy(r);
    free(r);
    return ca.bad > 0 ? -1 : 0;
}

static int
cmd_quiz(int argc, char **argv)
{
    const char *file = NULL;
    bool seed_given = false;
    uint64_t seed = 0;

    if (asks_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--seed") == 0 || strcmp(argv[i], "-s") == 0) && i + 1 < argc) {
            if (cli_parse_u64(argv[++i], &seed) < 0) {
                fprintf(stderr, "netstep: --seed needs a number, not '%s'\n", argv[i]);
                usage(stderr);
                return EXIT_USAGE;
            }
            seed_given = true;
        } else if (argv[i][0] == '-' || file != NULL) {
            fprintf(stderr, "netstep: quiz: unexpected '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        } else {
            file = argv[i];
        }
    }
    if (file == NULL) {
        fprintf(stderr, "netstep: quiz needs a scenario file\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    char pathbuf[PATH_MAX];
    struct scenario *scn = load(file, pathbuf, sizeof(pathbuf));
    if (scn == NULL)
        return EXIT_USAGE;
    if (scn->n_taps > 0) {
        fprintf(stderr, "netstep: quiz: %s uses a TAP device; quiz runs simulated lessons\n",
                scn->name);
        scenario_free(scn);
        return EXIT_USAGE;
    }
    int rc = quiz_run(scn, seed_given, seed, stdin, stdout);
    scenario_free(scn);
    return rc;
}

static int
cmd_check(int argc, char **argv)
{
    if (asks_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
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
        } else if (scn->n_taps == 0 && scenario_asks(scn) && check_questions(scn) < 0) {
            rc = EXIT_USAGE;
            scn_runner_destroy(r);
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
    if (asks_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    if (argc != 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *base = lessons_dir();
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
        fprintf(stderr,
                "netstep: no lessons under %s (set NETSTEP_SCENARIOS to a folder of\n"
                "lessons, or install netstep with its lessons: see README.md)\n",
                base);
        return EXIT_USAGE;
    }
    printf("\n%u lessons. Run one with: netstep run udp/echo\n", total);
    return 0;
}

/* `netstep ui` with no terminal to draw on or read keys from (a pipe, a
 * script, CI, an editor's build button, `make demo` there) would wait for
 * ever on a screen nobody sees. True unless both ends are terminals, or the
 * options ask for --dump (a screen as text, made for that case) or --help. */
static bool
ui_lacks_terminal(int argc, char **argv)
{
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        return false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strncmp(a, "--", 2) == 0) {
            /* --dump, --keys, --help and their abbreviations */
            if (a[2] == 'd' || a[2] == 'k' || a[2] == 'h')
                return false;
        } else if (a[0] == '-') {
            const char *p = a + 1;
            while (*p == 'a')  /* -a takes no value: -ad80x24 is --ascii --dump */
                p++;
            if (*p == 'd' || *p == 'h')
                return false;
        }
    }
    return true;
}

/* The trace instead of the view: `ui ARGS` becomes `run ARGS --trace`
 * without the options only the view has (--model, --theme, --ascii); the
 * lesson, --seed and --tap mean the same to both. */
static int
ui_as_trace(int argc, char **argv)
{
    char **run_argv = calloc((size_t)argc + 1, sizeof(*run_argv));
    if (run_argv == NULL) {
        fprintf(stderr, "netstep: out of memory\n");
        return EXIT_USAGE;
    }
    char run_word[] = "run";
    int n = 0;
    run_argv[n++] = run_word;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--model") == 0 || strcmp(a, "-m") == 0 || strcmp(a, "--theme") == 0 ||
            strcmp(a, "-T") == 0) {
            i++;  /* and its value */
            continue;
        }
        if (strncmp(a, "--model=", 8) == 0 || strncmp(a, "--theme=", 8) == 0 ||
            strcmp(a, "--ascii") == 0 || strcmp(a, "-a") == 0 ||
            (a[0] == '-' && (a[1] == 'm' || a[1] == 'T') && a[2] != '\0'))
            continue;
        run_argv[n++] = argv[i];
    }
    fprintf(stderr, "netstep: the view needs a terminal; here is the lesson's trace "
                    "instead (netstep run FILE --trace)\n");
    int rc = cmd_run(n, run_argv, true);
    free(run_argv);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    find_lessons_dir();
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
    if (strcmp(cmd, "quiz") == 0)
        return cmd_quiz(argc - 1, argv + 1);
    if (strcmp(cmd, "ui") == 0) {
        if (ui_lacks_terminal(argc - 1, argv + 1))
            return ui_as_trace(argc - 1, argv + 1);
        return tui_main(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "draw") == 0)
        return draw_main(argc - 1, argv + 1);
    if (strcmp(cmd, "packetdrill") == 0)
        return pd_cmd_main(argc - 1, argv + 1);
    if (cmd[0] == '-') {
        fprintf(stderr, "netstep: unknown option '%s'\n", cmd);
        usage(stderr);
        return EXIT_USAGE;
    }
    /* `netstep FILE`: the view on a terminal, else the trace. */
    char pathbuf[PATH_MAX];
    if (is_file(lesson_resolve(cmd, pathbuf, sizeof(pathbuf))) && isatty(STDOUT_FILENO))
        return tui_main(argc, argv);
    if (is_file(lesson_resolve(cmd, pathbuf, sizeof(pathbuf))))
        return cmd_run(argc, argv, true);
    fprintf(stderr, "netstep: no command or scenario file '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
