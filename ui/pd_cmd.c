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

static void
pd_usage(FILE *out)
{
    fprintf(out,
            "usage: netstep packetdrill [--personality netstep|freebsd|linux]\n"
            "                           [--tolerance_usecs N] [-D NAME] [--seed N]\n"
            "                           [--verbose] [--trace] FILE.pkt...\n"
            "  Runs packetdrill scripts against netstep's TCP in a simulated world.\n"
            "  --personality P       tunables of another stack (docs/packetdrill.md)\n"
            "  --tolerance_usecs N   timing tolerance, instead of the script's\n"
            "  -D, --define NAME     take #ifdef NAME blocks (default: STANDARD, and\n"
            "                        FreeBSD with --personality freebsd)\n"
            "  --seed N              the world's seed (ISNs, timestamps); default 1\n"
            "  --verbose             print each line as it runs\n"
            "  --trace               print netstep's trace of every event\n"
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
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pd_options o = { .tolerance_us = -1, .seed = 1 };
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
