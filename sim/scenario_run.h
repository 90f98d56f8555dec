/*
 * scenario_run.h - run a parsed scenario: build its world, then its steps.
 *
 * The runner is the "application" above the socket facade. It turns each step
 * into socket calls on a host; a call that would block lets simulated time run
 * (frames fly, timers fire) until the call can complete or its timeout passes,
 * which is how a blocking call looks from above. Every step is announced on
 * the trace bus (a NOTE at the App layer), so the event log knows where each
 * step begins, and every expect is judged against the stack's own state.
 *
 * The runner prints what a person following the lesson wants to see (steps,
 * results, narration, ping's output, expect verdicts) to `out`; the packet
 * trace goes to whatever sinks the caller attached to runner->sim.trace.
 */
#ifndef NETSTEP_SIM_SCENARIO_RUN_H
#define NETSTEP_SIM_SCENARIO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario.h"
#include "sim/sim.h"

/* How long a blocking call waits when the step names no timeout. */
#define SCN_RUN_TIMEOUT_DEFAULT_NS (5ull * 1000 * 1000 * 1000)

struct scn_run_opts {
    bool seed_given;     /* --seed overrides the file's seed */
    uint64_t seed;       /* that seed */
    FILE *out;           /* where steps, results and verdicts go; NULL: nowhere */
    bool quiet;          /* only failed expects and errors */
    bool trace_shown;    /* a trace goes to the same output: steps and `say`
                            appear there as App notes, so print only results */
};

/* What a data variable holds now. */
struct scn_value {
    bool set;       /* written at least once */
    uint8_t *data;  /* bytes (malloc'd, one extra NUL), NULL when empty */
    size_t len;     /* bytes in data */
};

struct scn_runner {
    struct sim sim;               /* the world */
    const struct scenario *scn;   /* the script (not owned) */
    struct scn_run_opts opts;     /* as given */
    uint64_t seed;                /* the seed in force */
    struct host **hosts;          /* hosts[i] is scn->hosts[i] in the world */
    int *sock_fd;                 /* per socket variable: its fd, or -1 */
    int *sock_err;                /* per socket variable: the last call's error (ERR_*) */
    struct scn_value *values;     /* per data variable */
    size_t next_step;             /* index of the step to run next */
    unsigned expects_passed;      /* verdicts so far */
    unsigned expects_failed;
};

/* Check what the parser cannot (error and counter names, features this build
 * lacks), then build the world. On a problem, writes "FILE:LINE:COL: error:
 * MESSAGE" into err (if not NULL) and returns -1 with nothing built. */
int scn_runner_init(struct scn_runner *r, const struct scenario *scn,
                    const struct scn_run_opts *opts, char *err, size_t err_len);

/* Run the next step. Returns false when there was none. */
bool scn_runner_step(struct scn_runner *r);

/* Run every remaining step. The scenario ends with its last step: frames
 * still in flight then are not delivered (end a lesson with `sleep` to see
 * them arrive). */
void scn_runner_run(struct scn_runner *r);

/* Free the world and the runner's tables. */
void scn_runner_destroy(struct scn_runner *r);

#endif
