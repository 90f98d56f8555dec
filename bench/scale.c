/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scale.c - how netstep's world grows: memory per host and time per flow.
 *
 * The world of issue 4: 1,000 hosts behind 10 switches and 10 routers. Each
 * host sends one UDP datagram and makes one short TCP connection (connect,
 * a 64-byte request, close), every one of them across a router.
 *
 * Addressing. Simulated addresses come only from the documentation ranges
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 [RFC 5737]), which hold
 * about 760 usable host addresses: not 1,000. So the world is 10 sites that
 * are not connected to each other, each one the same picture with the same
 * addresses:
 *
 *     100 hosts 192.0.2.1-100 --- switch swN --- rN --- srvN 198.51.100.1
 *     (default via 192.0.2.254)       192.0.2.254  198.51.100.254
 *
 * Host j of site N sends to srvN, so every flow is switched, then routed.
 * The sites share one world: one clock, one event heap, one packet pool.
 *
 * What is measured, each world in a child process of its own so one world's
 * heap does not flatter or burden the next:
 *   memory per host  the resident set (VmRSS) and the bytes malloc() hands
 *                    out (mallinfo2), after the world is built minus before,
 *                    divided by the 1,000 end hosts (routers, servers and
 *                    switches are in the total, as they are in the world)
 *   time per flow    wall-clock and CPU time of the whole traffic phase (from
 *                    the first sendto to the last TIME-WAIT expiring, all in
 *                    simulated time) divided by the flows: 2 per host
 * The machines are shared and noisy, so the same run first measures a
 * baseline world of one site (100 hosts) and prints the big world's figures
 * as ratios to it: 1.00 means the cost per host and per flow does not grow
 * with the world.
 *
 * What the world itself costs shows too: the bench prints the packets
 * dropped on the way and the TCP segments sent again. (Each router has 101
 * neighbours on its LAN; when its ARP table held 64 and queued 3 packets per
 * neighbour being resolved, a site dropped ~350 packets and resent ~330
 * segments. stack/arp.h now grows the table as Linux does.)
 * Simulated time ends at about 242 s: the last TIME-WAIT (2 MSL, 240 s).
 *
 * ns-3: when libns3-dev was installed at configure time
 * (scripts/install-deps.sh --bench), CMake builds bench/ns3/scale_ns3.cc,
 * the same world in ns-3, and this bench runs it as a child process for the
 * baseline and for the world, and prints netstep / ns-3 ratios: below 1.00
 * netstep uses less. Otherwise it says the comparison was skipped and how
 * to get it.
 *
 *   bench_scale [--sites N]      (default 10; the baseline is always 1 site)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/sim.h"
#include "sim/switch.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/route.h"
#include "stack/socket.h"
#include "stack/wire/addr.h"

#define HOSTS_PER_SITE 100u
#define SITES_MAX 1000u
#define UDP_PORT 9    /* discard */
#define TCP_PORT 80
#define REQUEST_LEN 64
#define US 1000ull
#define SEC 1000000000ull
#define START_GAP_NS (2 * 1000 * US)

/* Site n's two networks, 10.A.B.0/24 with A.B = n (the LAN) and
 * 10.128+A.B.0/24 (the server's side): every address of the world is its
 * own, in 10.0.0.0/8 [RFC 1918]. Nothing leaves the process, so a simulated
 * world may use any address; only TAP-attached hosts keep to the
 * documentation ranges. */
static uint32_t
site_net(unsigned n, bool server_side)
{
    return IPV4_ADDR(10, (server_side ? 128 : 0) + (n >> 8), n & 255, 0);
}
#define LAN_GW(n)   (site_net(n, false) | 254)
#define SRV_ADDR(n) (site_net(n, true) | 1)
#define SRV_GW(n)   (site_net(n, true) | 254)

struct site {
    struct lan_switch *sw;
    struct host *router;
    struct host *server;
    struct host *hosts[HOSTS_PER_SITE];
    int udp_fd;                   /* server: bound to UDP_PORT */
    int listen_fd;                /* server: listening on TCP_PORT */
    int client_tcp[HOSTS_PER_SITE];  /* each host's TCP socket */
};

struct world {
    struct sim sim;
    unsigned n_sites;
    struct site *sites;
};

/* What a child reports back through the pipe. */
struct result {
    bool ok;
    char why[160];
    unsigned hosts;          /* end hosts */
    unsigned flows;          /* UDP datagrams + TCP connections attempted */
    unsigned udp_ok;         /* datagrams the servers received */
    unsigned tcp_ok;         /* connections whose whole request arrived, then EOF */
    double rss_kib;          /* VmRSS after building minus before */
    double heap_bytes;       /* mallinfo2 in-use bytes after minus before */
    double rss_after_kib;    /* VmRSS after the traffic minus before building */
    double wall_s;           /* traffic phase, wall clock */
    double cpu_s;            /* traffic phase, CPU */
    uint64_t events;         /* events the loop ran */
    uint64_t drops;          /* packets hosts dropped, other than broadcast ARP
                                requests for someone else (which is filtering) */
    uint64_t arp_queue_full; /* of them: no room while a router resolved a neighbour */
    uint64_t retransmits;    /* TCP segments sent again */
    uint64_t sim_ns;         /* simulated time at the end */
    bool counted_drops;      /* drops and retransmissions were counted (netstep) */
};

static double
now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS in KiB from /proc/self/status, or -1. */
static long
rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return -1;
    char line[256];
    long v = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
            break;
    fclose(f);
    return v;
}

static size_t
heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->why, sizeof res->why, fmt, ap);
    va_end(ap);
    res->ok = false;
    return -1;
}

/* One site: switch, router, server, 100 hosts, as the header draws it. */
static int
build_site(struct world *w, unsigned n, struct result *res)
{
    struct site *st = &w->sites[n];
    struct sim *s = &w->sim;
    struct link_params lan = { .delay_ns = 50 * US };   /* a short LAN cable */
    struct link_params wan = { .delay_ns = 500 * US };  /* router to server */
    char name[SWITCH_NAME_LEN];
    snprintf(name, sizeof name, "sw%u", n);
    st->sw = sim_add_switch(s, name, false);
    char hname[HOST_NAME_LEN];
    snprintf(hname, sizeof hname, "r%u", n);
    st->router = sim_add_host(s, hname);
    snprintf(hname, sizeof hname, "srv%u", n);
    st->server = sim_add_host(s, hname);
    if (st->sw == NULL || st->router == NULL || st->server == NULL)
        return fail(res, "site %u: no memory", n);
    st->router->forwarding = true;
    struct iface *r0 = sim_host_add_iface(s, st->router, LAN_GW(n), 24, 1500, NULL);
    struct iface *r1 = sim_host_add_iface(s, st->router, SRV_GW(n), 24, 1500, NULL);
    struct iface *sv = sim_host_add_iface(s, st->server, SRV_ADDR(n), 24, 1500, NULL);
    if (r0 == NULL || r1 == NULL || sv == NULL ||
        sim_add_link(s, r0, switch_add_port(st->sw), &lan) == NULL ||
        sim_add_link(s, r1, sv, &wan) == NULL)
        return fail(res, "site %u: cannot build the router", n);
    sim_enter_host(s, st->server);
    if (route_add(st->server, 0, 0, SRV_GW(n), NULL, 0, ROUTE_PROTO_STATIC) < 0)
        return fail(res, "site %u: server route", n);
    for (unsigned j = 0; j < HOSTS_PER_SITE; j++) {
        snprintf(hname, sizeof hname, "s%uh%u", n, j + 1);
        struct host *h = sim_add_host(s, hname);
        struct iface *ifc = h ? sim_host_add_iface(s, h, site_net(n, false) | (j + 1), 24,
                                                   1500, NULL)
                              : NULL;
        struct iface *port = switch_add_port(st->sw);
        if (ifc == NULL || port == NULL || sim_add_link(s, ifc, port, &lan) == NULL)
            return fail(res, "site %u: cannot attach a host (switch full?)", n);
        sim_enter_host(s, h);
        if (route_add(h, 0, 0, LAN_GW(n), NULL, 0, ROUTE_PROTO_STATIC) < 0)
            return fail(res, "site %u: host route", n);
        st->hosts[j] = h;
    }
    return 0;
}

/* Host h sends its datagram, then starts its connection; the fd goes to
 * *tcp_fd. Entered from outside the loop, as a scenario step is. */
static void
client_start(struct sim *s, struct host *h, unsigned site, int *tcp_fd, struct result *res)
{
    static const uint8_t hello[32] = "one datagram across the router";
    sim_enter_host(s, h);
    int u_fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to_u = { SRV_ADDR(site), UDP_PORT }, to_t = { SRV_ADDR(site), TCP_PORT };
    if (u_fd < 0 || sock_sendto(h, u_fd, hello, sizeof hello, &to_u) < 0)
        fail(res, "host %s: sendto failed", h->name);
    sock_close(h, u_fd);
    int c = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    int rc = c < 0 ? c : sock_connect(h, c, &to_t);
    if (rc < 0 && rc != -ERR_INPROGRESS)
        fail(res, "host %s: connect failed (%d)", h->name, rc);
    *tcp_fd = c;
    sim_host_entered(s, h);
    res->flows += 2;
}

struct client_start_call {
    struct world *w;
    unsigned site, host;
    struct result *res;
};

static void
client_start_call(struct sim *s, void *ctx)
{
    struct client_start_call *c = ctx;
    client_start(s, c->w->sites[c->site].hosts[c->host], c->site,
                 &c->w->sites[c->site].client_tcp[c->host], c->res);
}

/* The servers open their sockets; then host j of every site starts at
 * j * 2 ms, each start a call scheduled on the world's clock (a
 * SIM_EV_CALL, as a scenario's `at`), which re-arms only the host it
 * entered. Hosts do not all start in the same instant: 200 connections
 * opened in one instant is a lesson of its own (a SYN burst), not this
 * measurement. */
static int
start_traffic(struct world *w, struct result *res, struct client_start_call *calls)
{
    struct sim *s = &w->sim;
    for (unsigned n = 0; n < w->n_sites; n++) {
        struct site *st = &w->sites[n];
        struct host *sv = st->server;
        sim_enter_host(s, sv);
        st->udp_fd = sock_socket(sv, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
        st->listen_fd = sock_socket(sv, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
        struct sock_addr u = { 0, UDP_PORT }, t = { 0, TCP_PORT };
        if (st->udp_fd < 0 || st->listen_fd < 0 || sock_bind(sv, st->udp_fd, &u) < 0 ||
            sock_bind(sv, st->listen_fd, &t) < 0 ||
            sock_listen(sv, st->listen_fd, (int)HOSTS_PER_SITE + 8) < 0)
            return fail(res, "site %u: server sockets", n);
        sim_host_entered(s, sv);
    }
    for (unsigned j = 0; j < HOSTS_PER_SITE; j++)
        for (unsigned n = 0; n < w->n_sites; n++) {
            struct client_start_call *c = &calls[j * w->n_sites + n];
            *c = (struct client_start_call){ w, n, j, res };
            if (sim_schedule_call(s, j * START_GAP_NS, client_start_call, c) < 0)
                return fail(res, "no memory to schedule the starts");
        }
    return res->ok ? 0 : -1;
}

/* Connected hosts send their request and close. */
static int
clients_send_and_close(struct world *w, struct result *res)
{
    struct sim *s = &w->sim;
    uint8_t req[REQUEST_LEN];
    memset(req, 'q', sizeof req);
    for (unsigned n = 0; n < w->n_sites; n++)
        for (unsigned j = 0; j < HOSTS_PER_SITE; j++) {
            struct host *h = w->sites[n].hosts[j];
            int c = w->sites[n].client_tcp[j];
            sim_enter_host(s, h);
            if ((sock_poll(h, c) & SOCK_POLLOUT) == 0)
                return fail(res, "host %s: not connected after 1 s", h->name);
            if (sock_send(h, c, req, sizeof req) != REQUEST_LEN)
                return fail(res, "host %s: send failed", h->name);
            sock_close(h, c);
            sim_host_entered(s, h);
        }
    return 0;
}

/* Each server reads its datagrams, then accepts every connection, reads the
 * request to EOF and closes. */
static void
servers_serve(struct world *w, struct result *res)
{
    struct sim *s = &w->sim;
    uint8_t buf[256];
    for (unsigned n = 0; n < w->n_sites; n++) {
        struct site *st = &w->sites[n];
        struct host *sv = st->server;
        sim_enter_host(s, sv);
        while (sock_recvfrom(sv, st->udp_fd, buf, sizeof buf, NULL) == 32)
            res->udp_ok++;
        int a;
        while ((a = sock_accept(sv, st->listen_fd, NULL)) >= 0) {
            size_t got = 0;
            int r;
            while ((r = sock_recv(sv, a, buf, sizeof buf)) > 0)
                got += (size_t)r;
            if (r == 0 && got == REQUEST_LEN)
                res->tcp_ok++;
            sock_close(sv, a);
        }
        sim_host_entered(s, sv);
    }
}

/* Build a world of n_sites and measure its memory; with `traffic`, run the
 * flows too and measure their time. */
static void
measure(unsigned n_sites, bool traffic, struct result *res)
{
    memset(res, 0, sizeof *res);
    res->ok = true;
    res->hosts = n_sites * HOSTS_PER_SITE;
    struct world *w = calloc(1, sizeof *w);
    struct site *sites = calloc(n_sites, sizeof *sites);
    struct client_start_call *calls = calloc((size_t)n_sites * HOSTS_PER_SITE, sizeof *calls);
    if (w == NULL || sites == NULL || calls == NULL) {
        fail(res, "out of memory");
        free(calls);
        free(sites);
        free(w);
        return;
    }
    long rss0 = rss_kib();
    size_t heap0 = heap_in_use();
    sim_init(&w->sim, 1);
    w->n_sites = n_sites;
    w->sites = sites;
    for (unsigned n = 0; n < n_sites && res->ok; n++)
        build_site(w, n, res);
    res->rss_kib = (double)(rss_kib() - rss0);
    res->heap_bytes = (double)heap_in_use() - (double)heap0;
    if (!res->ok || !traffic)
        return;  /* a child process: its exit frees the world */

    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    if (start_traffic(w, res, calls) == 0) {
        sim_run_until(&w->sim, 1 * SEC);
        if (res->ok && clients_send_and_close(w, res) == 0) {
            sim_run_until(&w->sim, 2 * SEC);
            servers_serve(w, res);
            /* FINs, last ACKs, and TIME-WAIT running out */
            sim_run_until(&w->sim, UINT64_MAX);
        }
    }
    res->wall_s = now_s(CLOCK_MONOTONIC) - w0;
    res->cpu_s = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    res->rss_after_kib = (double)(rss_kib() - rss0);
    res->events = w->sim.events_run;
    for (size_t i = 0; i < w->sim.n_hosts; i++) {
        const struct host *h = w->sim.hosts[i];
        for (unsigned k = 0; k < DROP_COUNT; k++)
            if (k != DROP_ARP_NOT_FOR_US)
                res->drops += h->stats.drops[k];
        res->arp_queue_full += h->stats.drops[DROP_ARP_QUEUE_FULL];
        res->retransmits += h->tcp.stats.retransmits;
    }
    res->sim_ns = w->sim.now_ns;
    res->counted_drops = true;
    if (res->ok && (res->udp_ok != res->hosts || res->tcp_ok != res->hosts)) {
        snprintf(res->why, sizeof res->why, "only %u datagrams and %u connections of %u arrived",
                 res->udp_ok, res->tcp_ok, res->hosts);
        res->ok = false;
    }
    sim_destroy(&w->sim);
    free(calls);
    free(sites);
    free(w);
}

/* measure() in a child, so each world starts from a fresh heap. */
static int
measure_in_child(unsigned n_sites, bool traffic, struct result *res)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        struct result r;
        measure(n_sites, traffic, &r);
        ssize_t k = write(fd[1], &r, sizeof r);
        _exit(k == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    if (pid < 0) {
        close(fd[0]);
        return -1;
    }
    ssize_t k = read(fd[0], res, sizeof *res);
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return k == (ssize_t)sizeof *res && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

#ifdef NETSTEP_SCALE_NS3
/* ns-3's half: bench/ns3/scale_ns3.cc, built by CMake when pkg-config found
 * ns-3, run as a child process; it prints "key value" lines. Returns 0 and
 * fills *r, or -1 with r->why saying what went wrong. */
static int
measure_ns3(unsigned n_sites, bool traffic, struct result *r)
{
    memset(r, 0, sizeof *r);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' --sites %u%s", NETSTEP_SCALE_NS3, n_sites,
             traffic ? "" : " --build-only");
    fflush(stdout);
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return fail(r, "cannot run %s", NETSTEP_SCALE_NS3);
    char key[64];
    double v;
    unsigned seen = 0;
    while (fscanf(f, "%63s %lf", key, &v) == 2) {
        seen++;
        if (strcmp(key, "hosts") == 0) r->hosts = (unsigned)v;
        else if (strcmp(key, "flows") == 0) r->flows = (unsigned)v;
        else if (strcmp(key, "udp_ok") == 0) r->udp_ok = (unsigned)v;
        else if (strcmp(key, "tcp_ok") == 0) r->tcp_ok = (unsigned)v;
        else if (strcmp(key, "rss_kib") == 0) r->rss_kib = v;
        else if (strcmp(key, "heap_bytes") == 0) r->heap_bytes = v;
        else if (strcmp(key, "rss_after_kib") == 0) r->rss_after_kib = v;
        else if (strcmp(key, "wall_s") == 0) r->wall_s = v;
        else if (strcmp(key, "cpu_s") == 0) r->cpu_s = v;
        else if (strcmp(key, "events") == 0) r->events = (uint64_t)v;
        else if (strcmp(key, "sim_s") == 0) r->sim_ns = (uint64_t)(v * 1e9);
        else seen--;
    }
    int status = pclose(f);
    if (!traffic) {
        if (seen < 3 || r->hosts == 0)
            return fail(r, "%s printed no figures (exit status %d)", NETSTEP_SCALE_NS3, status);
        r->ok = true;
        return 0;
    }
    if (seen < 11 || r->hosts == 0 || r->flows == 0)
        return fail(r, "%s printed no figures (exit status %d)", NETSTEP_SCALE_NS3, status);
    if (r->udp_ok != r->hosts || r->tcp_ok != r->hosts)
        return fail(r, "in ns-3 only %u datagrams and %u connections of %u arrived", r->udp_ok,
                    r->tcp_ok, r->hosts);
    r->ok = true;
    return 0;
}
#endif

static void
print_result(const char *label, const struct result *r)
{
    printf("%s: %u hosts, %u flows, %" PRIu64 " events, %.3f s simulated\n", label, r->hosts,
           r->flows, r->events, (double)r->sim_ns / 1e9);
    printf("  memory per host  %8.1f KiB resident, %8.1f KiB malloc'd"
           " (after the traffic: %.1f KiB resident)\n",
           r->rss_kib / r->hosts, r->heap_bytes / 1024.0 / r->hosts, r->rss_after_kib / r->hosts);
    printf("  time per flow    %8.2f us wall, %8.2f us CPU\n", r->wall_s * 1e6 / r->flows,
           r->cpu_s * 1e6 / r->flows);
    if (r->counted_drops)
        printf("  on the way       %" PRIu64 " packets dropped (%" PRIu64 " for a full ARP queue),"
               " %" PRIu64 " TCP retransmissions\n",
               r->drops, r->arp_queue_full, r->retransmits);
}

/* Memory per host of worlds of 1,000, 10,000 and 100,000 hosts (up to
 * max_hosts), built and not run, each in a child process, with ns-3's
 * beside them when it is there. Returns main's exit status. */
static int
memory_rows(unsigned max_hosts)
{
    printf("\nmemory per host, worlds built (not run), each in a process of its own:\n");
    for (unsigned hosts = 1000; hosts <= max_hosts && hosts <= SITES_MAX * HOSTS_PER_SITE;
         hosts *= 10) {
        struct result r;
        if (measure_in_child(hosts / HOSTS_PER_SITE, false, &r) < 0 || !r.ok) {
            fprintf(stderr, "bench_scale: the %u-host world failed: %s\n", hosts,
                    r.ok ? "no result" : r.why);
            return 1;
        }
        printf("  %6u hosts  netstep %6.2f KiB malloc'd, %6.2f KiB resident", hosts,
               r.heap_bytes / 1024.0 / r.hosts, r.rss_kib / r.hosts);
#if defined(NETSTEP_SCALE_NS3)
        struct result n;
        if (measure_ns3(hosts / HOSTS_PER_SITE, false, &n) < 0) {
            printf("; ns-3 failed: %s\n", n.why);
            return 1;
        }
        printf("; ns-3 %6.2f KiB malloc'd, %6.2f KiB resident\n", n.heap_bytes / 1024.0 / n.hosts,
               n.rss_kib / n.hosts);
        printf("    row: memory per host at %u hosts, netstep / ns-3: %.2f malloc'd, %.2f "
               "resident\n",
               hosts, (r.heap_bytes / r.hosts) / (n.heap_bytes / n.hosts),
               (r.rss_kib / r.hosts) / (n.rss_kib / n.hosts));
#else
        printf("\n");
#endif
    }
    return 0;
}

int
main(int argc, char **argv)
{
    unsigned sites = 10;
    unsigned max_hosts = 100000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sites") == 0 && i + 1 < argc) {
            sites = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--max-hosts") == 0 && i + 1 < argc) {
            max_hosts = (unsigned)strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: bench_scale [--sites N] [--max-hosts N]\n"
                            "  --sites      the world whose flows are timed: 1..%u sites of %u"
                            " hosts (default 10)\n"
                            "  --max-hosts  the largest world of the memory rows (1,000, 10,000,"
                            " 100,000; default 100000)\n",
                    SITES_MAX, HOSTS_PER_SITE);
            return 2;
        }
    }
    if (sites < 1 || sites > SITES_MAX) {
        fprintf(stderr, "bench_scale: --sites must be 1..%u\n", SITES_MAX);
        return 2;
    }
    printf("netstep scale: sites of %u hosts on a switch, a router, a server;\n"
           "each host sends one UDP datagram and makes one TCP connection to its server.\n\n",
           HOSTS_PER_SITE);
    struct result base, big;
    if (measure_in_child(1, true, &base) < 0 || measure_in_child(sites, true, &big) < 0) {
        fprintf(stderr, "bench_scale: a measuring process failed\n");
        return 1;
    }
    if (!base.ok || !big.ok) {
        fprintf(stderr, "bench_scale: %s\n", !base.ok ? base.why : big.why);
        return 1;
    }
    print_result("baseline (1 site)", &base);
    char label[64];
    snprintf(label, sizeof label, "world (%u sites)", sites);
    print_result(label, &big);
    printf("\nratios, world / baseline (1.00 = cost per host or flow does not grow):\n");
    if (base.heap_bytes > 0 && big.heap_bytes > 0)
        printf("  memory per host  %.2f resident, %.2f malloc'd\n",
               (big.rss_kib / big.hosts) / (base.rss_kib / base.hosts),
               (big.heap_bytes / big.hosts) / (base.heap_bytes / base.hosts));
    else  /* a sanitizer's allocator does not answer mallinfo2() */
        printf("  memory per host  %.2f resident (malloc'd bytes not known)\n",
               (big.rss_kib / big.hosts) / (base.rss_kib / base.hosts));
    printf("  time per flow    %.2f wall, %.2f CPU\n",
           (big.wall_s / big.flows) / (base.wall_s / base.flows),
           (big.cpu_s / big.flows) / (base.cpu_s / base.flows));
#if defined(NETSTEP_NS3_SANITIZER_BUILD)
    printf("\nns-3: skipped in a sanitizer build (ns-3's libraries are not built with them)\n");
    return memory_rows(max_hosts);
#elif !defined(NETSTEP_SCALE_NS3)
    int has_ns3 = system("pkg-config --exists ns3-core ns3-csma ns3-bridge 2>/dev/null");
    printf("\nns-3: skipped: %s\n",
           has_ns3 == 0 ? "ns-3 is installed now, but was not when this build was configured;\n"
                          "  run cmake again (make bench does) to build bench/ns3/scale_ns3.cc"
                        : "ns-3 is not installed; scripts/install-deps.sh --bench installs\n"
                          "  Debian's libns3-dev, then make bench builds and runs the comparison");
    return memory_rows(max_hosts);
#else
    struct result nbase, nbig;
    printf("\nthe same worlds in ns-3 %s (bench/ns3/scale_ns3.cc, CSMA cables, a bridge as"
           " switch):\n", NETSTEP_NS3_VERSION);
    if (measure_ns3(1, true, &nbase) < 0 || measure_ns3(sites, true, &nbig) < 0) {
        printf("ns-3: failed: %s\n", !nbase.ok ? nbase.why : nbig.why);
        return 1;
    }
    print_result("ns-3 baseline (1 site)", &nbase);
    snprintf(label, sizeof label, "ns-3 world (%u sites)", sites);
    print_result(label, &nbig);
    printf("\nratios, netstep / ns-3 (below 1.00: netstep uses less):\n");
    const struct result *pairs[2][2] = { { &base, &nbase }, { &big, &nbig } };
    const char *names[2] = { "baseline", "world   " };
    for (unsigned k = 0; k < 2; k++) {
        const struct result *a = pairs[k][0], *b = pairs[k][1];
        printf("  %s  memory per host %.2f resident, ", names[k],
               (a->rss_kib / a->hosts) / (b->rss_kib / b->hosts));
        if (a->heap_bytes > 0 && b->heap_bytes > 0)
            printf("%.2f malloc'd", (a->heap_bytes / a->hosts) / (b->heap_bytes / b->hosts));
        else
            printf("malloc'd not known");
        printf("; time per flow %.2f CPU, %.2f wall; events per flow %.2f\n",
               (a->cpu_s / a->flows) / (b->cpu_s / b->flows),
               (a->wall_s / a->flows) / (b->wall_s / b->flows),
               ((double)a->events / a->flows) / ((double)b->events / b->flows));
    }
    return memory_rows(max_hosts);
#endif
}
