/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_bulk.c - how fast netstep's TCP moves bulk data, beside Linux's.
 *
 * Moves N bytes (default 1 GiB) from alice to bob over an ideal simulated
 * link (no delay, no rate limit, no loss) and reports payload megabytes per
 * CPU-second, first with nobody listening to the trace, then with the event
 * log recording every event (a smaller transfer: the log keeps every frame),
 * and with a sink that reads every event as the log does and keeps nothing,
 * which splits log on's time into the stack's, the building of its events
 * and the log's own,
 * then the capture's cost: the same transfer with nothing listening, into a
 * classic pcap file, and into a pcapng file (each frame with its cause
 * comment), as CPU-time ratios against the run with nothing listening.
 * Beside them, the floor: the same number of bytes as each capture file
 * written to the same directory with one write() of 1 MiB at a time, its
 * blocks reserved ahead as sim/outfile.c reserves a capture's (and, for
 * comparison, plain write()s), as CPU time. The kernel's share of writing
 * a file (page cache, the file system's blocks) is counted in a process's
 * CPU time, so a capture can cost no less than off + floor: its ratio is
 * printed beside the goal's.
 * Each capture run also counts the CPU time inside its file's write()s
 * (sim/outfile.h), which swings with what else the machine writes: the
 * time outside them is the capture's own cost.
 * The capture rows run in CAPTURE_ROUNDS rounds of off, pcap and pcapng,
 * each figure the best over the rounds (the machine is shared: a round
 * puts the three side by side, so a change of load falls on all three).
 * In the same run it moves the same number of bytes through Linux's own TCP
 * over loopback, a sender and a receiver process, and prints the ratios.
 * The rate rows run in RATE_ROUNDS rounds of Linux, log off (MTU 1500 and
 * 9000), log on and events alone, each figure the best over the rounds:
 * one measurement of each, minutes apart on a shared machine, had put the
 * neighbours' load into the ratios (Linux alone swung from 2,490 to 3,686
 * MB/s between four runs).
 * Every process is pinned to CPU 0, so each side has one core, and CPU time
 * (user + system, the kernel's TCP work included) is what is compared: the
 * machines are shared and noisy, wall time would measure the neighbours.
 *
 *   bench_tcp_bulk [--bytes N] [--log-bytes N] [--capture-bytes N]
 *                  [--capture-dir DIR] [--only netstep|linux|capture]
 *                  [--capture-kind off|pcap|pcapng] [--log-kind on|events]
 *
 * The capture files go to DIR (default /tmp) and are removed after.
 *
 * --only runs one half (no ratio): for a profiler, which should see netstep's
 * work without the kernel's, or the other way round; `--only capture` runs
 * the capture rows alone. --capture-kind runs one capture transfer of that
 * kind, once, and prints its CPU time: what a profiler should look at
 * (perf record -g bench_tcp_bulk --capture-kind pcap). --log-kind does the
 * same for one transfer of --log-bytes with the event log on, or with the
 * sink that only reads the events.
 *
 * Network safety: the Linux half uses 127.0.0.1 only, one connection, a
 * bounded byte count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/outfile.h"
#include "sim/record.h"
#include "sim/sim.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"

#define MiB (1024ull * 1024)
#define CHUNK (256u * 1024)

static void
pin_to_cpu0(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        fprintf(stderr, "bench: could not pin to CPU 0 (%s); figures are per process anyway\n",
                strerror(errno));
}

static double
cpu_seconds_self(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- netstep ------------------------------------------------------------ */

struct ns_world {
    struct sim sim;
    struct host *a, *b;
    int listener, client, server;
};

static int
ns_call_done(struct ns_world *w, struct host *h)
{
    sim_host_entered(&w->sim, h);
    return 0;
}

/* Run the world until fn says done or nothing is left to happen. */
static void
ns_run_until_ready(struct ns_world *w, struct host *h, int fd, unsigned events)
{
    while ((sock_poll(h, fd) & events) == 0 && sim_step(&w->sim))
        ;
}

static int
ns_setup(struct ns_world *w, uint16_t mtu)
{
    sim_init(&w->sim, 1);
    w->a = sim_add_host(&w->sim, "alice");
    w->b = sim_add_host(&w->sim, "bob");
    struct iface *ia = sim_host_add_iface(&w->sim, w->a, 0xc0000201u, 24, mtu, NULL);
    struct iface *ib = sim_host_add_iface(&w->sim, w->b, 0xc0000202u, 24, mtu, NULL);
    struct link_params lp = { 0 };
    if (ia == NULL || ib == NULL || sim_add_link(&w->sim, ia, ib, &lp) == NULL)
        return -1;
    sim_enter_host(&w->sim, w->b);
    w->listener = sock_socket(w->b, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    struct sock_addr any = { 0, 5001 };
    /* Buffers as Linux autotunes them for a bulk flow on loopback. */
    sock_setsockopt(w->b, w->listener, SOCK_OPT_RCVBUF, 4 * (int64_t)MiB);
    if (sock_bind(w->b, w->listener, &any) < 0 || sock_listen(w->b, w->listener, 5) < 0)
        return -1;
    ns_call_done(w, w->b);
    sim_enter_host(&w->sim, w->a);
    w->client = sock_socket(w->a, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    sock_setsockopt(w->a, w->client, SOCK_OPT_SNDBUF, 4 * (int64_t)MiB);
    struct sock_addr to = { 0xc0000202u, 5001 };
    int r = sock_connect(w->a, w->client, &to);
    ns_call_done(w, w->a);
    if (r < 0 && r != -ERR_INPROGRESS)
        return -1;
    ns_run_until_ready(w, w->a, w->client, SOCK_POLLOUT | SOCK_POLLERR);
    ns_run_until_ready(w, w->b, w->listener, SOCK_POLLIN);
    sim_enter_host(&w->sim, w->b);
    w->server = sock_accept(w->b, w->listener, NULL);
    ns_call_done(w, w->b);
    return w->server >= 0 ? 0 : -1;
}

/* Move `bytes` from alice to bob; returns the CPU seconds it took. */
static double
ns_transfer(struct ns_world *w, uint64_t bytes, bool *ok)
{
    static uint8_t out[CHUNK], in[CHUNK];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)('a' + i % 26);
    uint64_t sent = 0, got = 0;
    double t0 = cpu_seconds_self();
    while (got < bytes) {
        if (sent < bytes) {
            sim_enter_host(&w->sim, w->a);
            size_t n = bytes - sent < CHUNK ? (size_t)(bytes - sent) : CHUNK;
            int r = sock_send(w->a, w->client, out, n);
            ns_call_done(w, w->a);
            if (r > 0)
                sent += (uint64_t)r;
        }
        sim_enter_host(&w->sim, w->b);
        int r;
        while ((r = sock_recv(w->b, w->server, in, sizeof(in))) > 0)
            got += (uint64_t)r;
        ns_call_done(w, w->b);
        if (r == 0 || (r < 0 && r != -ERR_AGAIN))
            break;
        /* Let the world run until bob has something to read or alice room. */
        unsigned spins = 0;
        while ((sock_poll(w->b, w->server) & SOCK_POLLIN) == 0 &&
               (sent == bytes || (sock_poll(w->a, w->client) & SOCK_POLLOUT) == 0)) {
            if (!sim_step(&w->sim) || ++spins > 10000000u)
                break;
        }
        /* A world that halted never moves again: say why rather than spin.
         * Over this ideal link (no delay) the clock stands still, so past
         * about 1.4 GiB the storm rule (SIM_INSTANT_EVENTS_MAX events at
         * one instant) halts it. */
        if (w->sim.halted != SIM_HALT_NONE) {
            fprintf(stderr, "bench: the world halted after %llu of %llu bytes: %s\n",
                    (unsigned long long)got, (unsigned long long)bytes, w->sim.halt_msg);
            break;
        }
    }
    *ok = got == bytes;
    return cpu_seconds_self() - t0;
}

/* What listens to the world's trace during a transfer: nobody; the event
 * log; a capture; or a sink that asks for every event, as the log does,
 * and keeps nothing (what the stack's building of events costs alone). */
enum ns_listener { NS_NOBODY, NS_LOG, NS_PCAP, NS_PCAPNG, NS_BUS };

static void
bus_emit(void *ctx, const struct trace_event *ev)
{
    (void)ctx;
    (void)ev;
}

/* CPU seconds to move `bytes` with `who` listening (capture files in dir;
 * *file_bytes gets the size of the file written, when file_bytes is not
 * NULL). */
static double
ns_cpu(uint64_t bytes, uint16_t mtu, enum ns_listener who, const char *dir, bool *ok,
       uint64_t *file_bytes, double *write_cpu)
{
    struct ns_world *w = calloc(1, sizeof(*w));
    struct record rec;
    struct capture cap;
    char path[512] = "";
    if (w == NULL || ns_setup(w, mtu) < 0) {
        fprintf(stderr, "bench: netstep set-up failed\n");
        *ok = false;
        free(w);
        return 0;
    }
    struct trace_sink bus = { .emit = bus_emit };
    if (who == NS_LOG) {
        record_init(&rec, &w->sim);
        record_attach(&rec);
    } else if (who == NS_BUS) {
        trace_attach_need(&w->sim.trace, &bus, TRACE_NEED_FORMAT);
    } else if (who == NS_PCAP || who == NS_PCAPNG) {
        snprintf(path, sizeof path, "%s/bench-tcp-bulk-%ld.%s", dir, (long)getpid(),
                 who == NS_PCAP ? "pcap" : "pcapng");
        struct capture_opts o = { .file = path, .appl = "bench_tcp_bulk" };
        if (capture_open(&cap, &w->sim, NULL, &o) < 0) {
            fprintf(stderr, "bench: %s\n", capture_error(&cap));
            *ok = false;
            sim_destroy(&w->sim);
            free(w);
            return 0;
        }
        capture_attach(&cap, &w->sim.trace);
    }
    double cpu = ns_transfer(w, bytes, ok);
    if (who == NS_BUS)
        trace_detach(&w->sim.trace, &bus);
    if (who == NS_LOG) {
        struct record_memory mem;
        record_memory(&rec, &mem);
        printf("  (event log: %zu events recorded, %.1f bytes an event)\n", record_count(&rec),
               record_count(&rec) ? (double)mem.total / (double)record_count(&rec) : 0.0);
        record_detach(&rec);
        record_destroy(&rec);
    } else if (who == NS_PCAP || who == NS_PCAPNG) {
        double t0 = cpu_seconds_self();
        if (capture_close(&cap) < 0) {
            fprintf(stderr, "bench: %s\n", capture_error(&cap));
            *ok = false;
        }
        cpu += cpu_seconds_self() - t0;  /* the last buffered writes count */
        if (write_cpu != NULL)
            *write_cpu = (double)cap.write_cpu_ns / 1e9;
        struct stat st;
        if (file_bytes != NULL)
            *file_bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
        unlink(path);
    }
    sim_destroy(&w->sim);
    free(w);
    return cpu;
}

static double
ns_rate(uint64_t bytes, uint16_t mtu, enum ns_listener who, bool *ok)
{
    double cpu = ns_cpu(bytes, mtu, who, NULL, ok, NULL, NULL);
    return cpu > 0 ? (double)bytes / 1e6 / cpu : 0;
}

/* ns_rate() for one round of the rate rows: *best keeps the highest rate
 * so far, *all_ok whether every round's transfer completed. */
static double
ns_rate_best(uint64_t bytes, uint16_t mtu, enum ns_listener who, double *best, bool *all_ok)
{
    bool ok = true;
    double mbs = ns_rate(bytes, mtu, who, &ok);
    *all_ok = *all_ok && ok;
    if (mbs > *best)
        *best = mbs;
    return mbs;
}

/* The floor of a capture: CPU seconds to write `bytes` bytes to a new file
 * in dir, one write() of 1 MiB at a time, closed, as capture_close() closes
 * its file. What the kernel and the file system charge for the bytes alone;
 * 0 (and *ok false) when the file cannot be written. With `reserve`, the
 * file's blocks are reserved ahead of the writes as sim/outfile.c reserves
 * a capture's (fallocate() of OUTFILE_PREALLOC bytes at a time, the rest
 * given back at the end); without, plain write()s. */
static double
floor_cpu(uint64_t bytes, const char *dir, bool reserve, bool *ok)
{
    static uint8_t block[MiB];
    memset(block, 0x5a, sizeof block);
    char path[512];
    snprintf(path, sizeof path, "%s/bench-tcp-bulk-floor-%ld", dir, (long)getpid());
    double t0 = cpu_seconds_self();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        *ok = false;
        return 0;
    }
    uint64_t left = bytes, reserved = 0;
    while (left > 0 && *ok) {
        size_t n = left < sizeof block ? (size_t)left : sizeof block;
        if (reserve && bytes - left + n > reserved) {
            if (fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)reserved, OUTFILE_PREALLOC) != 0)
                reserve = false;
            reserved += OUTFILE_PREALLOC;
        }
        if (write(fd, block, n) != (ssize_t)n)
            *ok = false;
        left -= n;
    }
    if (reserved > 0 && ftruncate(fd, (off_t)bytes) != 0)
        *ok = false;
    if (close(fd) != 0)
        *ok = false;
    double cpu = cpu_seconds_self() - t0;
    unlink(path);
    return cpu;
}

/* Rounds of the capture rows: each round runs off, pcap and pcapng one
 * after another, so a change in the machine's load falls on all three
 * alike; each figure is the best (least) over the rounds. */
#define CAPTURE_ROUNDS 5
/* Rounds of the rate rows (Linux, log off, log on), the same way. */
#define RATE_ROUNDS 3

/* The best CPU time of a capture kind over the rounds, the least CPU time
 * outside its file's writes (the capture's own cost; the writes' share
 * swings with what else the machine writes), and its file's size. */
struct capture_best {
    double cpu;
    double own;
    uint64_t file_bytes;
    bool ok;
};

/* One more run of `who` into b. */
static void
capture_round(struct capture_best *b, int round, uint64_t bytes, enum ns_listener who,
              const char *dir)
{
    bool one = true;
    double write_cpu = 0;
    double cpu = ns_cpu(bytes, 1500, who, dir, &one, &b->file_bytes, &write_cpu);
    if (!one)
        b->ok = false;
    if (round == 0 || cpu < b->cpu)
        b->cpu = cpu;
    if (round == 0 || cpu - write_cpu < b->own)
        b->own = cpu - write_cpu;
}

/* ---- Linux over loopback -------------------------------------------------- */

static double
linux_rate(uint64_t bytes, bool *ok)
{
    *ok = false;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0)
        return 0;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
        close(ls);
        return 0;
    }
    /* the children's figures count every child reaped so far (each round
     * forks one): the difference is this one's */
    struct rusage before, kids_before;
    getrusage(RUSAGE_SELF, &before);
    getrusage(RUSAGE_CHILDREN, &kids_before);
    pid_t pid = fork();
    if (pid == 0) {
        /* The sender: one connection, `bytes` bytes, then exit. */
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            _exit(2);
        static uint8_t buf[CHUNK];
        memset(buf, 'x', sizeof(buf));
        uint64_t left = bytes;
        while (left > 0) {
            ssize_t n = write(s, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));
            if (n <= 0)
                _exit(3);
            left -= (uint64_t)n;
        }
        close(s);
        _exit(0);
    }
    if (pid < 0) {
        close(ls);
        return 0;
    }
    int c = accept(ls, NULL, NULL);
    uint64_t got = 0;
    static uint8_t buf[CHUNK];
    ssize_t n;
    while (c >= 0 && (n = read(c, buf, sizeof(buf))) > 0)
        got += (uint64_t)n;
    if (c >= 0)
        close(c);
    close(ls);
    int status = 0;
    waitpid(pid, &status, 0);
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    double cpu = (double)(self.ru_utime.tv_sec - before.ru_utime.tv_sec) +
                 (double)(self.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
                 (double)(self.ru_stime.tv_sec - before.ru_stime.tv_sec) +
                 (double)(self.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6 +
                 (double)(kids.ru_utime.tv_sec - kids_before.ru_utime.tv_sec) +
                 (double)(kids.ru_utime.tv_usec - kids_before.ru_utime.tv_usec) / 1e6 +
                 (double)(kids.ru_stime.tv_sec - kids_before.ru_stime.tv_sec) +
                 (double)(kids.ru_stime.tv_usec - kids_before.ru_stime.tv_usec) / 1e6;
    *ok = got == bytes && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return cpu > 0 ? (double)bytes / 1e6 / cpu : 0;
}

static int
parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
        return -1;
    if (*end == 'M')
        v *= MiB;
    else if (*end == 'G')
        v *= 1024 * MiB;
    else if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

int
main(int argc, char **argv)
{
    uint64_t bytes = 1024 * MiB, log_bytes = 64 * MiB, cap_bytes = 256 * MiB;
    const char *cap_dir = "/tmp";
    bool run_ns = true, run_linux = true, run_stack = true;
    int one_kind = -1;  /* --capture-kind: an enum ns_listener, or -1 */
    int one_log = -1;   /* --log-kind: NS_LOG or NS_BUS, or -1 */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bytes") == 0 && i + 1 < argc && parse_size(argv[i + 1], &bytes) == 0)
            i++;
        else if (strcmp(argv[i], "--log-bytes") == 0 && i + 1 < argc &&
                 parse_size(argv[i + 1], &log_bytes) == 0)
            i++;
        else if (strcmp(argv[i], "--capture-bytes") == 0 && i + 1 < argc &&
                 parse_size(argv[i + 1], &cap_bytes) == 0)
            i++;
        else if (strcmp(argv[i], "--capture-dir") == 0 && i + 1 < argc)
            cap_dir = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                 (strcmp(argv[i + 1], "netstep") == 0 || strcmp(argv[i + 1], "linux") == 0 ||
                  strcmp(argv[i + 1], "capture") == 0)) {
            run_ns = strcmp(argv[i + 1], "linux") != 0;
            run_linux = !run_ns;
            run_stack = strcmp(argv[i + 1], "capture") != 0;
            i++;
        } else if (strcmp(argv[i], "--capture-kind") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "off") == 0 || strcmp(argv[i + 1], "pcap") == 0 ||
                    strcmp(argv[i + 1], "pcapng") == 0)) {
            i++;
            one_kind = strcmp(argv[i], "off") == 0    ? NS_NOBODY
                       : strcmp(argv[i], "pcap") == 0 ? NS_PCAP
                                                      : NS_PCAPNG;
        } else if (strcmp(argv[i], "--log-kind") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "on") == 0 || strcmp(argv[i + 1], "events") == 0)) {
            i++;
            one_log = strcmp(argv[i], "on") == 0 ? NS_LOG : NS_BUS;
        } else {
            fprintf(stderr, "usage: bench_tcp_bulk [--bytes N[M|G]] [--log-bytes N[M|G]] "
                            "[--capture-bytes N[M|G]] [--capture-dir DIR] "
                            "[--only netstep|linux|capture] "
                            "[--capture-kind off|pcap|pcapng] [--log-kind on|events]\n");
            return 2;
        }
    }
    if (one_log >= 0) {
        /* one transfer of --log-bytes with the log on (or the events-alone
         * sink), for a profiler */
        pin_to_cpu0();
        bool ok = true;
        double mbs = ns_rate(log_bytes, 1500, (enum ns_listener)one_log, &ok);
        printf("netstep, %s %.1f MB/s (%llu MiB, MTU 1500)%s\n",
               one_log == NS_LOG ? "log on" : "events alone", mbs,
               (unsigned long long)(log_bytes / MiB), ok ? "" : "  TRANSFER FAILED");
        return ok ? 0 : 1;
    }
    if (one_kind >= 0) {
        /* one capture transfer, for a profiler */
        pin_to_cpu0();
        bool ok = true;
        uint64_t size = 0;
        double write_cpu = 0;
        double cpu = ns_cpu(cap_bytes, 1500, (enum ns_listener)one_kind, cap_dir, &ok, &size,
                            &write_cpu);
        printf("capture %s: %.3f s CPU (%llu MiB, a %.1f MiB file; %.3f s in its write()s)%s\n",
               one_kind == NS_NOBODY ? "off" : one_kind == NS_PCAP ? "pcap" : "pcapng", cpu, (unsigned long long)(cap_bytes / MiB), (double)size / MiB,
               write_cpu, ok ? "" : "  FAILED");
        return ok ? 0 : 1;
    }
    pin_to_cpu0();
    bool ok_ns = true, ok_jumbo = true, ok_log = true, ok_linux = true, ok_cap = true;
    double cap_off = 0, cap_pcap = 0, cap_ng = 0;
    double linux_mbs = 0, ns_mbs = 0, jumbo_mbs = 0, log_mbs = 0;
    printf("tcp_bulk: payload MB per CPU-second, one core each\n");
    fflush(stdout);  /* before the Linux half forks */
    /* Rounds of the rate rows, each measuring every figure once in turn:
     * each is the best (highest) over the rounds, so that a change in the
     * machine's load between two measurements is not read as a ratio. */
    double bus_mbs = 0;
    bool ok_bus = true;
    for (int round = 0; round < RATE_ROUNDS; round++) {
        double lx = 0, off = 0, jumbo = 0, log = 0, bus = 0;
        if (run_linux) {
            bool ok = true;
            lx = linux_rate(bytes, &ok);
            ok_linux = ok_linux && ok;
            linux_mbs = lx > linux_mbs ? lx : linux_mbs;
        }
        if (run_ns && run_stack) {
            off = ns_rate_best(bytes, 1500, NS_NOBODY, &ns_mbs, &ok_ns);
            /* Linux's loopback has a 64 KiB MTU; the nearest Ethernet can
             * do is a 9000-byte jumbo frame, which cuts the per-segment
             * work six-fold. */
            jumbo = ns_rate_best(bytes, 9000, NS_NOBODY, &jumbo_mbs, &ok_jumbo);
            log = ns_rate_best(log_bytes, 1500, NS_LOG, &log_mbs, &ok_log);
            bus = ns_rate_best(log_bytes, 1500, NS_BUS, &bus_mbs, &ok_bus);
        }
        printf("  round %d:", round + 1);
        if (run_linux)
            printf(" linux %.1f MB/s%s", lx, run_ns && run_stack ? "," : "");
        if (run_ns && run_stack)
            printf(" log off %.1f (MTU 9000: %.1f), log on %.1f, events alone %.1f MB/s", off,
                   jumbo, log, bus);
        printf("\n");
        fflush(stdout);  /* before the Linux half forks again */
    }
    if (run_linux)
        printf("  linux loopback        %8.1f MB/s  (%llu MiB; each figure the best of %d "
               "rounds)%s\n", linux_mbs, (unsigned long long)(bytes / MiB), RATE_ROUNDS,
               ok_linux ? "" : "  TRANSFER FAILED");
    if (run_ns && run_stack) {
        printf("  netstep, log off      %8.1f MB/s  (%llu MiB, MTU 1500)%s\n", ns_mbs,
               (unsigned long long)(bytes / MiB), ok_ns ? "" : "  TRANSFER FAILED");
        printf("  netstep, log off      %8.1f MB/s  (%llu MiB, MTU 9000)%s\n", jumbo_mbs,
               (unsigned long long)(bytes / MiB), ok_jumbo ? "" : "  TRANSFER FAILED");
        printf("  netstep, log on       %8.1f MB/s  (%llu MiB, MTU 1500)%s\n", log_mbs,
               (unsigned long long)(log_bytes / MiB), ok_log ? "" : "  TRANSFER FAILED");
        printf("  netstep, events alone %8.1f MB/s  (%llu MiB, MTU 1500: a sink that reads "
               "every event and keeps nothing)%s\n", bus_mbs,
               (unsigned long long)(log_bytes / MiB), ok_bus ? "" : "  TRANSFER FAILED");
        /* Log on's time in three parts: the stack (log off), the events it
         * builds for any sink that reads them all, and the log's own work. */
        if (ns_mbs > 0 && bus_mbs > 0 && log_mbs > 0) {
            double stack = 1 / ns_mbs, events = 1 / bus_mbs - stack, log = 1 / log_mbs - 1 / bus_mbs;
            double all = 1 / log_mbs;
            printf("  (log on's time: the stack %.0f%%, building its events %.0f%%, the log "
                   "keeping them %.0f%%)\n", 100 * stack / all, 100 * events / all,
                   100 * log / all);
        }
        ok_log = ok_log && ok_bus;
    }
    if (run_ns) {
        /* the capture's cost: the same transfer three ways, one after
         * another, then the bytes of each file written plainly */
        struct capture_best off = { .ok = true }, pc = { .ok = true }, ng = { .ok = true };
        for (int round = 0; round < CAPTURE_ROUNDS; round++) {
            capture_round(&off, round, cap_bytes, NS_NOBODY, cap_dir);
            capture_round(&pc, round, cap_bytes, NS_PCAP, cap_dir);
            capture_round(&ng, round, cap_bytes, NS_PCAPNG, cap_dir);
        }
        bool ok1 = off.ok, ok2 = pc.ok, ok3 = ng.ok, ok4 = true;
        uint64_t pcap_size = pc.file_bytes, ng_size = ng.file_bytes;
        double own_pcap = pc.own, own_ng = ng.own;
        cap_off = off.cpu;
        cap_pcap = pc.cpu;
        cap_ng = ng.cpu;
        double floor_pcap = 0, floor_ng = 0, plain_pcap = 0, plain_ng = 0;
        for (int i = 0; i < 3; i++) {
            double f1 = floor_cpu(pcap_size, cap_dir, true, &ok4);
            double f2 = floor_cpu(ng_size, cap_dir, true, &ok4);
            double p1 = floor_cpu(pcap_size, cap_dir, false, &ok4);
            double p2 = floor_cpu(ng_size, cap_dir, false, &ok4);
            floor_pcap = i == 0 || f1 < floor_pcap ? f1 : floor_pcap;
            floor_ng = i == 0 || f2 < floor_ng ? f2 : floor_ng;
            plain_pcap = i == 0 || p1 < plain_pcap ? p1 : plain_pcap;
            plain_ng = i == 0 || p2 < plain_ng ? p2 : plain_ng;
        }
        ok_cap = ok1 && ok2 && ok3 && ok4;
        printf("  capture off           %8.3f s CPU  (%llu MiB, MTU 1500; each the best of %d "
               "rounds of off, pcap, pcapng)%s\n", cap_off, (unsigned long long)(cap_bytes / MiB),
               CAPTURE_ROUNDS, ok1 ? "" : "  TRANSFER FAILED");
        printf("  capture pcap          %8.3f s CPU  (a %.1f MiB file in %s; %.3f s outside "
               "its write()s)%s\n", cap_pcap, (double)pcap_size / MiB, cap_dir, own_pcap,
               ok2 ? "" : "  FAILED");
        printf("  capture pcapng        %8.3f s CPU  (a %.1f MiB file; %.3f s outside its "
               "write()s)%s\n", cap_ng, (double)ng_size / MiB, own_ng, ok3 ? "" : "  FAILED");
        printf("  floor, pcap's bytes   %8.3f s CPU  (1 MiB write()s to the same directory, "
               "blocks reserved ahead as the capture's; plain write()s %.3f s)%s\n",
               floor_pcap, plain_pcap, ok4 ? "" : "  FAILED");
        printf("  floor, pcapng's bytes %8.3f s CPU  (plain write()s %.3f s)\n", floor_ng,
               plain_ng);
        if (cap_off > 0) {
            printf("  row: capture pcap/off = %.2fx (goal <= 1.15x); the file system's floor "
                   "(off + writing the bytes)/off = %.2fx; without its write()s %.2fx\n",
                   cap_pcap / cap_off, (cap_off + floor_pcap) / cap_off, own_pcap / cap_off);
            printf("  row: capture pcapng/off = %.2fx (goal <= 1.30x); the file system's floor "
                   "%.2fx; without its write()s %.2fx\n",
                   cap_ng / cap_off, (cap_off + floor_ng) / cap_off, own_ng / cap_off);
        }
    }
    if (run_ns && run_stack && run_linux && linux_mbs > 0) {
        printf("  row: netstep log off (MTU 1500) / linux loopback, per core = %.2f (goal >= 0.75)\n",
               ns_mbs / linux_mbs);
        printf("  row: netstep log off (MTU 9000) / linux loopback, per core = %.2f\n",
               jumbo_mbs / linux_mbs);
        printf("  row: netstep log on (MTU 1500) / linux loopback, per core = %.2f (goal >= 0.25)\n",
               log_mbs / linux_mbs);
    }
    return ok_ns && ok_jumbo && ok_log && ok_linux && ok_cap ? 0 : 1;
}
