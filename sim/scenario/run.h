/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run.h - what the scenario runner's files share (internal).
 *
 * The runner is cut like the parser: the world it builds and the checks
 * before it runs (run_world.c), jobs and the waits of blocking calls, one
 * function per host call (run_jobs.c), ping and traceroute (run_ping.c),
 * routes, links, per-packet rules and tunables (run_rules.c), expects
 * (run_expect.c), and running a step in line, under `at` or typed live
 * (run_step.c). Which function runs a step is the statement table's
 * business (stmt_table.c). The public API is sim/scenario_run.h.
 */
#ifndef NETSTEP_SIM_SCENARIO_RUN_INTERNAL_H
#define NETSTEP_SIM_SCENARIO_RUN_INTERNAL_H

#include "sim/scenario/parse.h"
#include "sim/scenario_run.h"

#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_S  UINT64_C(1000000000)

typedef bool (*run_ready_fn)(struct scn_runner *r, void *ctx);

struct sock_wait {
    struct host *h;
    int fd;
    unsigned events;
};

/* run_world.c */
void run_say(struct scn_runner *r, bool always, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void run_note(struct scn_runner *r, struct host *h, struct trace_cause cause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int rule_addr_host(const struct scenario *scn, bool given, const struct scn_addr *a);
int run_check_step(const struct scenario *scn, const struct scn_step *st, char *err, size_t n);
bool cmp_u64(uint64_t a, enum scn_cmp c, uint64_t b);
int run_check_counter(struct scn_runner *r, const struct scn_step *st, char *err, size_t err_len);
void job_free(struct scn_job *j);
void run_enter(struct scn_runner *r, struct host *h, size_t step_no);
void run_leave(struct scn_runner *r, struct host *h);
void fmt_time(uint64_t ns, char *buf, size_t n);
void fmt_bytes(const uint8_t *b, size_t len, char *buf, size_t n);
void value_set(struct scn_value *v, const uint8_t *data, size_t len);
struct scn_job;
void keep_received(struct scn_runner *r, struct scn_job *j, size_t len);
/* v received len bytes that were counted, not kept: digest is their SHA-256,
 * or NULL when nothing asked for it (then they were not hashed either). */
void value_set_streamed(struct scn_value *v, uint64_t len, const uint8_t digest[32]);

/* run_jobs.c */
uint8_t *app_payload_bytes(struct scn_runner *r, const struct scn_payload *pl, size_t *len,
                           char *why, size_t why_len);
void print_result(struct scn_runner *r, const struct scn_step *st, int ret, const char *res,
                  bool bg);
void service_jobs(struct scn_runner *r);
uint64_t jobs_deadline(const struct scn_runner *r);
bool run_wait(struct scn_runner *r, run_ready_fn ready, void *ctx, uint64_t deadline_ns);
void run_until(struct scn_runner *r, uint64_t t_ns);
int step_call(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool background,
              bool *running, char *res, size_t res_len);

/* run_ping.c */
void step_ping(struct scn_runner *r, const struct scn_step *st, size_t step_no);
/* Give the dual-stack hosts their IPv6 addresses (run_world.c); the first
 * step calls it, once every listener is attached. */
void run_start_ipv6(struct scn_runner *r);
/* An IPv6 ping (run_ping6.c). */
void step_ping6(struct scn_runner *r, const struct scn_step *st, size_t step_no);
void step_traceroute(struct scn_runner *r, const struct scn_step *st, size_t step_no);

/* run_rules.c */
void step_route_add(struct scn_runner *r, const struct scn_step *st, char *res, size_t n);
void step_route_show(struct scn_runner *r, const struct scn_step *st);
void step_traceroute6(struct scn_runner *r, const struct scn_step *st, size_t step_no);
void step_route6_add(struct scn_runner *r, const struct scn_step *st, char *res, size_t n);
void step_route6_show(struct scn_runner *r, const struct scn_step *st);
void step_link_state(struct scn_runner *r, const struct scn_step *st);
unsigned step_rule(struct scn_runner *r, const struct scn_step *st);
void step_set(struct scn_runner *r, const struct scn_step *st);

/* run_expect.c */
void run_expect(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);
/* TCB field `field` of TCP socket variable s on h, as expects and questions
 * read it: its socket's TCB, or after close() the connection it left behind
 * (FIN_WAIT_2, TIME_WAIT...). False when there is no TCB (or no such field). */
bool run_tcb_field(struct scn_runner *r, struct host *h, int s, const char *field, uint64_t *out);

/* run_jobs.c */
bool job_connect(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc,
                 char *res, size_t res_len);
bool job_send(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
              size_t res_len);
bool job_accept(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
                size_t res_len);
bool job_recv(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
              size_t res_len);
bool job_close(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
               size_t res_len);
int call_socket(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
                size_t res_len);
int call_listen(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
                size_t res_len);
int call_shutdown(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
                  size_t res_len);
int call_setsockopt(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
                    size_t res_len);
int call_bind(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
              size_t res_len);
int call_wait(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
              size_t res_len);

/* run_ping.c */
void run_ping_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);
void run_traceroute_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                         bool scheduled);

/* run_rules.c */
void run_route_show_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                         bool scheduled);
void run_route_add_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                        bool scheduled);
void run_link_state_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                         bool scheduled);
void run_drop_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);
void run_set_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);
void run_advertise_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                        bool scheduled);
void run_address_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                      bool scheduled);

/* run_step.c */
void run_say_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);
void run_pause_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                    bool scheduled);
void run_sleep_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                    bool scheduled);
void run_call_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);

/* run_expect.c */
void run_expect_result(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool ok,
                       const char *got);

/* ask.c: the questions' watcher */
void ask_runner_init(struct scn_runner *r);
void ask_runner_destroy(struct scn_runner *r);
void ask_runner_settle(struct scn_runner *r, const struct scn_step *st);
void ask_runner_finish(struct scn_runner *r);

/* echo.c: the background echo servers */
int call_echo(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
              size_t res_len);
void echo_service(struct scn_runner *r);
void echo_free(struct scn_runner *r);

#endif
