/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw.c - `netstep draw`: ladder diagrams and TCP plots as SVG, PDF or PNG.
 *
 * Runs the lesson headless with the event log attached (view_model_build(),
 * exactly as the view does), turns the log into a picture's model
 * (draw_model.c) and paints it with cairo (draw_render.c), or prints the
 * model's numbers as CSV. Exit status: 0, or 2 for a usage, scenario or
 * output error, with a sentence on stderr.
 * Called by: main() (ui/main.c). Calls: view_model_build(),
 * draw_ladder_build(), draw_conns_build(), draw_render_*().
 */
#include "ui/cli_num.h"
#include "ui/lessons.h"
#include "ui/draw.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/scenario.h"
#include "ui/draw_model.h"
#include "ui/draw_render.h"
#include "ui/view_model.h"

#define DRAW_EXIT_USAGE 2

static void
draw_usage(FILE *out)
{
    fprintf(out,
            "usage: netstep draw ladder|timeseq|cwnd|rtt|topology FILE -o OUT.svg|.pdf|.png\n"
            "                    [options]\n"
            "       netstep draw ladder|timeseq|cwnd|rtt|topology FILE --csv [-o OUT.csv]\n"
            "\n"
            "Runs the lesson and draws what happened (see docs/pictures.md):\n"
            "  ladder   each host a vertical line, time going down, each frame an arrow\n"
            "  timeseq  sequence numbers sent and acknowledged against time (Stevens)\n"
            "  cwnd     congestion window, ssthresh and bytes in flight against time\n"
            "  rtt      RTT samples, smoothed round-trip time and retransmission timeout\n"
            "  topology hosts, routers, switches and links with their delay, rate, faults\n"
            "           and addresses\n"
            "\n"
            "options:\n"
            "  -o, --output OUT   the file; .svg, .pdf or .png chooses the format\n"
            "  -s, --seed N       use seed N instead of the file's\n"
            "      --from T       leave out what happens before T (1.5, 200ms, 2s)\n"
            "      --to T         and after T\n"
            "      --hosts A,B    ladder: only these hosts, routers or switches, in this order\n"
            "      --conn H[:P]   plots: only the connections of host H (on port P);\n"
            "                     several separated by commas (default: those that sent data)\n"
            "      --say          ladder: the lesson's narration at the side\n"
            "      --csv          print the numbers behind the picture instead (CSV)\n");
}

/* "1.5" or "1.5s", "200ms", "300us", "10ns" -> nanoseconds. */
static int
parse_time(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || v < 0 || s[0] == '-')
        return -1;
    double mul = 1e9;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
        mul = 1e9;
    else if (strcmp(end, "ms") == 0)
        mul = 1e6;
    else if (strcmp(end, "us") == 0)
        mul = 1e3;
    else if (strcmp(end, "ns") == 0)
        mul = 1;
    else
        return -1;
    double ns = v * mul;
    if (ns > 1.8e19)
        return -1;
    *out = (uint64_t)(ns + 0.5);
    return 0;
}

/* The topology's CSV to path ("-" or NULL: stdout). */
static int
draw_topo_csv_to(const struct draw_topo *t, const char *path, char *err, size_t err_len)
{
    FILE *out = path == NULL || strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (out == NULL) {
        snprintf(err, err_len, "netstep: %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = draw_topo_csv(t, out);
    if (out != stdout && fclose(out) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, err_len, "netstep: cannot write the CSV");
    return rc;
}

enum draw_what { DRAW_LADDER, DRAW_TIMESEQ, DRAW_CWND, DRAW_RTT, DRAW_TOPOLOGY };

static int
bad_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "netstep: draw: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    draw_usage(stderr);
    return DRAW_EXIT_USAGE;
}

#define OPT_FROM 300
#define OPT_TO 301
#define OPT_HOSTS 302
#define OPT_CONN 303
#define OPT_SAY 304
#define OPT_CSV 305

int
draw_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' }, { "seed", required_argument, NULL, 's' },
        { "from", required_argument, NULL, OPT_FROM }, { "to", required_argument, NULL, OPT_TO },
        { "hosts", required_argument, NULL, OPT_HOSTS },
        { "conn", required_argument, NULL, OPT_CONN }, { "say", no_argument, NULL, OPT_SAY },
        { "csv", no_argument, NULL, OPT_CSV }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        draw_usage(stdout);
        return 0;
    }
    if (argc < 2)
        return bad_usage("which picture? ladder, timeseq, cwnd, rtt or topology", NULL);
    enum draw_what what;
    if (strcmp(argv[1], "ladder") == 0)
        what = DRAW_LADDER;
    else if (strcmp(argv[1], "timeseq") == 0)
        what = DRAW_TIMESEQ;
    else if (strcmp(argv[1], "cwnd") == 0)
        what = DRAW_CWND;
    else if (strcmp(argv[1], "rtt") == 0)
        what = DRAW_RTT;
    else if (strcmp(argv[1], "topology") == 0)
        what = DRAW_TOPOLOGY;
    else
        return bad_usage("no such picture", argv[1]);

    struct draw_select sel = { .to_ns = UINT64_MAX, .last_event = SIZE_MAX };
    const char *out_path = NULL;
    bool csv = false, seed_given = false;
    uint64_t seed = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "o:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out_path = optarg;
            break;
        case 's':
            if (cli_parse_u64(optarg, &seed) < 0)
                return bad_usage("--seed needs a number, not", optarg);
            seed_given = true;
            break;
        case OPT_FROM:
            if (parse_time(optarg, &sel.from_ns) < 0)
                return bad_usage("--from needs a time such as 1.5, 200ms or 2s, not", optarg);
            break;
        case OPT_TO:
            if (parse_time(optarg, &sel.to_ns) < 0)
                return bad_usage("--to needs a time such as 1.5, 200ms or 2s, not", optarg);
            break;
        case OPT_HOSTS:
            sel.hosts = optarg;
            break;
        case OPT_CONN:
            sel.conn = optarg;
            break;
        case OPT_SAY:
            sel.say = true;
            break;
        case OPT_CSV:
            csv = true;
            break;
        case 'h':
            draw_usage(stdout);
            return 0;
        default:
            draw_usage(stderr);
            return DRAW_EXIT_USAGE;
        }
    }
    if (optind != argc - 2)
        return bad_usage("needs exactly one scenario file", NULL);
    if (!csv && out_path == NULL)
        return bad_usage("needs -o OUT.svg, OUT.pdf or OUT.png (or --csv)", NULL);
    if (!csv && draw_format_of(out_path) == DRAW_FMT_NONE)
        return bad_usage("the output's name must end in .svg, .pdf or .png:", out_path);
    if (sel.from_ns > sel.to_ns)
        return bad_usage("--from is after --to", NULL);
    if (what == DRAW_TOPOLOGY && (sel.hosts || sel.say || sel.conn || sel.from_ns || sel.to_ns != UINT64_MAX))
        return bad_usage("the topology takes no --hosts, --conn, --say, --from or --to", NULL);
    if (what != DRAW_LADDER && (sel.hosts != NULL || sel.say))
        return bad_usage("--hosts and --say are for the ladder; plots take --conn", NULL);
    if (what == DRAW_LADDER && sel.conn != NULL)
        return bad_usage("--conn is for the plots; the ladder takes --hosts", NULL);

    char pathbuf[PATH_MAX];
    const char *path = lesson_resolve(argv[optind + 1], pathbuf, sizeof pathbuf);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_file(path, &diag);
    if (scn == NULL) {
        scn_diag_print(&diag, stderr);
        return DRAW_EXIT_USAGE;
    }
    scn_diag_print_warnings(&diag, stderr);
    if (scn->n_taps > 0) {
        fprintf(stderr, "netstep: draw: %s runs on a real TAP device; draw a simulated lesson\n",
                scn->name);
        scenario_free(scn);
        return DRAW_EXIT_USAGE;
    }
    char err[512];
    if (what == DRAW_TOPOLOGY) {
        /* the map is the lesson's world as written: nothing needs to run */
        struct draw_topo t;
        int rc = draw_topo_build(scn, &t);
        if (rc < 0)
            snprintf(err, sizeof err, "netstep: out of memory");
        else if (csv)
            rc = draw_topo_csv_to(&t, out_path, err, sizeof err);
        else
            rc = draw_render_topo(&t, out_path, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "%s\n", err);
        draw_topo_free(&t);
        scenario_free(scn);
        draw_render_done();
        return rc < 0 ? DRAW_EXIT_USAGE : 0;
    }
    struct view_model *m = calloc(1, sizeof *m);
    if (m == NULL || view_model_build(m, scn, seed_given, seed, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", m == NULL ? "netstep: out of memory" : err);
        free(m);
        scenario_free(scn);
        return DRAW_EXIT_USAGE;
    }
    FILE *out = stdout;
    if (csv && out_path != NULL && strcmp(out_path, "-") != 0) {
        out = fopen(out_path, "w");
        if (out == NULL) {
            fprintf(stderr, "netstep: %s: %s\n", out_path, strerror(errno));
            view_model_destroy(m);
            free(m);
            scenario_free(scn);
            return DRAW_EXIT_USAGE;
        }
    }
    int rc = 0;
    if (what == DRAW_LADDER) {
        struct draw_ladder l;
        rc = draw_ladder_build(m, &sel, &l, err, sizeof err);
        if (rc == 0) {
            rc = csv ? draw_ladder_csv(&l, out) : draw_render_ladder(&l, out_path, err, sizeof err);
            if (rc < 0 && csv)
                snprintf(err, sizeof err, "netstep: cannot write the CSV");
            draw_ladder_free(&l);
        }
    } else {
        enum draw_plot_kind kind = what == DRAW_TIMESEQ ? DRAW_PLOT_TIMESEQ
                                   : what == DRAW_CWND  ? DRAW_PLOT_CWND
                                                        : DRAW_PLOT_RTT;
        struct draw_conns cs;
        rc = draw_conns_build(m, &sel, &cs, err, sizeof err);
        if (rc == 0) {
            rc = csv ? draw_conns_csv(&cs, kind, out)
                     : draw_render_plot(&cs, kind, out_path, err, sizeof err);
            if (rc < 0 && csv)
                snprintf(err, sizeof err, "netstep: cannot write the CSV");
            draw_conns_free(&cs);
        }
    }
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        snprintf(err, sizeof err, "netstep: %s: %s", out_path, strerror(errno));
        rc = -1;
    }
    if (rc < 0)
        fprintf(stderr, "%s\n", err);
    view_model_destroy(m);
    free(m);
    scenario_free(scn);
    draw_render_done();
    return rc < 0 ? DRAW_EXIT_USAGE : 0;
}
