/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_ping.c - ping and traceroute, as ping(8) and
 * traceroute(8) -n do them, printing what they print.
 */
#include "sim/scenario/run.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stack/addr6.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/udp.h"

/* ping: what ping(8) does, over a ping socket, printing what it prints. */
struct ping_wait {
    struct host *h;
    int fd;
};

static bool
ping_ready(struct scn_runner *r, void *ctx)
{
    (void)r;
    struct ping_wait *w = ctx;
    return (sock_poll(w->h, w->fd) & (SOCK_POLLIN | SOCK_POLLERR)) != 0;
}

/* What ping(8) and traceroute(8) say about an ICMP error [iputils
 * ping4_common.c pr_icmph()]: "Time to live exceeded". */
static void
icmp_err_text(const struct sock_icmp_err *e, char *buf, size_t n)
{
    if (e->type == ICMP_TIME_EXCEEDED) {
        snprintf(buf, n, "%s", e->code == 0 ? "Time to live exceeded"
                                            : "Frag reassembly time exceeded");
        return;
    }
    if (e->type != ICMP_DEST_UNREACH) {
        snprintf(buf, n, "Bad ICMP type: %u", e->type);
        return;
    }
    switch (e->code) {
    case 0: snprintf(buf, n, "Destination Net Unreachable"); break;
    case 1: snprintf(buf, n, "Destination Host Unreachable"); break;
    case 2: snprintf(buf, n, "Destination Protocol Unreachable"); break;
    case 3: snprintf(buf, n, "Destination Port Unreachable"); break;
    case 4: snprintf(buf, n, "Frag needed and DF set (mtu = %u)", e->mtu); break;
    default: snprintf(buf, n, "Dest Unreachable, Bad Code: %u", e->code); break;
    }
}

/* The TTL of the datagram at the head of fd's receive queue, as ping(8)
 * reads it from the IP header recvmsg() returns; 0 if unknown. */
static unsigned
head_ttl(struct host *h, int fd)
{
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL || s->rcvq.first == NULL || pkt_l3(s->rcvq.first) == NULL)
        return 0;
    return pkt_l3(s->rcvq.first)[IPV4_OFF_TTL];
}

/* A destination named by a dual-stack host has an IPv4 and an IPv6 address:
 * say in the trace which one RFC 6724's destination selection would take
 * and by which rule. `ping HOST` still pings IPv4 (`ping HOST ipv6` the
 * other), as the lessons were written. */
static void
say_family_choice(struct scn_runner *r, struct host *h, const struct scn_ping_args *pa)
{
    if (pa->dest.kind != SCN_ADDR_HOST || pa->dest.host < 0 || h->ip6 == NULL)
        return;
    const struct scn_host *d = &r->scn->hosts[pa->dest.host];
    for (unsigned k = 0; k < d->n_ifaces; k++) {
        if (d->if_addr[k] != pa->dest.addr || !d->if_has_addr6[k])
            continue;
        const char *why = "";
        bool v6 = addr6_prefer_ipv6(h, &d->if_addr6[k], pa->dest.addr, &why);
        char a4[IPV4_ADDR_STRLEN], a6[IPV6_ADDR_STRLEN];
        trace_event(h, TRACE_NOTE, LAYER_APP, NULL, "RFC 6724 6",
                    "%s is %s and %s: destination selection would take %s (%s); ping without "
                    "'ipv6' pings IPv4, as ping -4 does", d->name,
                    ipv4_addr_str(pa->dest.addr, a4), ip6_addr_str(&d->if_addr6[k], a6),
                    v6 ? "IPv6" : "IPv4", why);
        return;
    }
}

void
step_ping(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    const struct scn_ping_args *pa = &st->ping;
    if (pa->v6) {
        step_ping6(r, st, step_no);
        return;
    }
    struct host *h = r->hosts[st->host];
    char dst[IPV4_ADDR_STRLEN];
    ipv4_addr_str(pa->dest.addr, dst);
    run_say(r, false, "PING %s (%s) %u(%u) bytes of data.\n", dst, dst, pa->size,
            pa->size + 28);
    run_enter(r, h, step_no);
    say_family_choice(r, h, pa);
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    run_leave(r, h);
    if (fd < 0) {
        run_say(r, true, "ping: socket: %s\n", err_sentence(fd));
        return;
    }
    /* As ping(8): IP_RECVERR for the "From ROUTER" lines, -t and -M do. */
    run_enter(r, h, step_no);
    sock_setsockopt(h, fd, SOCK_OPT_IP_RECVERR, 1);
    if (pa->ttl != 0)
        sock_setsockopt(h, fd, SOCK_OPT_IP_TTL, pa->ttl);
    if (pa->df)
        sock_setsockopt(h, fd, SOCK_OPT_IP_DF, 1);
    run_leave(r, h);
    size_t len = ICMP_HDR_LEN + pa->size;
    uint8_t *req = calloc(1, len);
    uint8_t *rep = malloc(len + 64);
    uint64_t start = r->sim.now_ns, last = start;
    uint64_t rtt_min = UINT64_MAX, rtt_max = 0, rtt_sum = 0;
    double rtt_sq = 0;
    unsigned sent = 0, received = 0, errors = 0;
    for (uint32_t seq = 1; req != NULL && rep != NULL && seq <= pa->count; seq++) {
        uint64_t t_send = r->sim.now_ns;
        unsigned errors_before = errors;
        req[0] = ICMP_ECHO_REQUEST;
        be16_put(req + 6, (uint16_t)seq);
        /* As ping(8) does: a timestamp first when there is room, then bytes
         * counting up from 0x10 [iputils ping_common.c fill pattern]. */
        size_t o = ICMP_HDR_LEN;
        if (pa->size >= 16) {
            be32_put(req + o, (uint32_t)(t_send / NS_PER_S));
            be32_put(req + o + 4, (uint32_t)((t_send % NS_PER_S) / 1000));
            o += 16;
            memset(req + o - 8, 0, 8);
        }
        for (size_t i = o; i < len; i++)
            req[i] = (uint8_t)(0x10 + (i - ICMP_HDR_LEN) % 0xf0);
        run_enter(r, h, step_no);
        host_set_cause(h, cause_call(CALL_PING, (uint32_t)step_no));
        struct sock_addr to = { pa->dest.addr, 0 };
        int sr = sock_sendto(h, fd, req, len, &to);
        run_leave(r, h);
        if (sr == -ERR_MSGSIZE) {
            /* ping -M do above the path MTU: the kernel refuses at once. */
            run_say(r, false, "ping: local error: message too long, mtu=%u\n",
                    ipv4_path_mtu(h, pa->dest.addr));
            errors++;
            sent++;
        } else if (sr < 0) {
            run_say(r, false, "ping: sendto: %s\n", err_sentence(sr));
            errors++;
        } else {
            sent++;
        }
        uint64_t deadline = t_send + pa->timeout_ns;
        bool got = false;
        while (sr >= 0 && !got) {
            struct ping_wait w = { h, fd };
            if (!run_wait(r, ping_ready, &w, deadline))
                break;
            run_enter(r, h, step_no);
            host_set_cause(h, cause_call(CALL_PING, (uint32_t)step_no));
            struct sock_icmp_err qe;
            if (sock_recv_error(h, fd, &qe) == 0) {
                run_leave(r, h);
                if (qe.dport != seq)
                    continue;
                char off[IPV4_ADDR_STRLEN], why[64];
                icmp_err_text(&qe, why, sizeof(why));
                run_say(r, false, "From %s icmp_seq=%u %s\n", ipv4_addr_str(qe.offender, off),
                        seq, why);
                errors++;
                last = r->sim.now_ns;
                break;
            }
            unsigned ttl = head_ttl(h, fd);
            struct sock_addr from;
            int n = sock_recvfrom(h, fd, rep, len + 64, &from);
            run_leave(r, h);
            if (n < 0) {
                if (n != -ERR_AGAIN) {
                    run_say(r, false, "From %s icmp_seq=%u %s\n", dst, seq, err_sentence(n));
                    errors++;
                    break;
                }
                continue;
            }
            if (n < ICMP_HDR_LEN || be16_get(rep + 6) != seq)
                continue;
            got = true;
            received++;
            uint64_t rtt = r->sim.now_ns - t_send;
            last = r->sim.now_ns;
            rtt_min = rtt < rtt_min ? rtt : rtt_min;
            rtt_max = rtt > rtt_max ? rtt : rtt_max;
            rtt_sum += rtt;
            rtt_sq += (double)rtt * (double)rtt;
            char ip[IPV4_ADDR_STRLEN];
            run_say(r, false, "%d bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n", n,
                    ipv4_addr_str(from.addr, ip), seq, ttl, (double)rtt / NS_PER_MS);
        }
        if (sr >= 0 && !got && errors == errors_before)
            run_say(r, false, "no answer yet for icmp_seq=%u\n", seq);
        if (seq < pa->count) {
            uint64_t next = t_send + pa->interval_ns;
            if (next > r->sim.now_ns)
                run_until(r, next);
        }
    }
    run_enter(r, h, step_no);
    sock_close(h, fd);
    run_leave(r, h);
    free(req);
    free(rep);
    unsigned loss = sent > 0 ? (unsigned)((sent - received) * 100u / sent) : 100u;
    uint64_t elapsed_ms = (last - start) / NS_PER_MS;
    char summary[160];
    char errs[32] = "";
    if (errors > 0)
        snprintf(errs, sizeof(errs), "+%u errors, ", errors);
    snprintf(summary, sizeof(summary),
             "%u packets transmitted, %u received, %s%u%% packet loss, time %" PRIu64 "ms", sent,
             received, errs, loss, elapsed_ms);
    run_say(r, false, "\n--- %s ping statistics ---\n%s\n", dst, summary);
    if (received > 0) {
        double avg = (double)rtt_sum / received;
        double var = rtt_sq / received - avg * avg;
        double mdev = var > 0 ? sqrt(var) : 0;
        run_say(r, false, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
                (double)rtt_min / NS_PER_MS, avg / NS_PER_MS, (double)rtt_max / NS_PER_MS,
                mdev / NS_PER_MS);
    }
    if (st->dvar >= 0)
        value_set(&r->values[st->dvar], (const uint8_t *)summary, strlen(summary));
}

/* ------------------------------------------------------------------------ */
/* traceroute: what traceroute(8) -n does with its default UDP probes. */

/* The first UDP port a probe goes to, and traceroute's 32 bytes of data
 * (60-byte packets: 20 IPv4 + 8 UDP + 32). */
#define TRACEROUTE_PORT_BASE 33434u
#define TRACEROUTE_DATA_LEN  32u

void
step_traceroute(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    const struct scn_traceroute_args *ta = &st->traceroute;
    struct host *h = r->hosts[st->host];
    char dst[IPV4_ADDR_STRLEN];
    uint8_t data[TRACEROUTE_DATA_LEN];
    unsigned port = TRACEROUTE_PORT_BASE;
    bool done = false;

    if (ta->v6) {
        step_traceroute6(r, st, step_no);
        return;
    }
    ipv4_addr_str(ta->dest.addr, dst);
    /* [traceroute.c] the data counts up from 0x40, as its default probe does */
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0x40 + i);
    run_say(r, false, "traceroute to %s (%s), %u hops max, %u byte packets\n", dst, dst,
            (unsigned)ta->max_hops, IPV4_HDR_MIN + UDP_HDR_LEN + TRACEROUTE_DATA_LEN);
    run_enter(r, h, step_no);
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    if (fd >= 0)
        sock_setsockopt(h, fd, SOCK_OPT_IP_RECVERR, 1);
    run_leave(r, h);
    if (fd < 0) {
        run_say(r, true, "traceroute: socket: %s\n", err_sentence(fd));
        return;
    }
    for (uint32_t ttl = 1; ttl <= ta->max_hops && !done; ttl++) {
        char line[512];
        size_t o = 0;
        uint32_t last_addr = 0;
        bool any_addr = false;
        o += (size_t)snprintf(line + o, sizeof(line) - o, "%2u ", (unsigned)ttl);
        for (uint32_t probe = 0; probe < ta->probes; probe++, port++) {
            uint64_t t_send = r->sim.now_ns;
            run_enter(r, h, step_no);
            host_set_cause(h, cause_call(CALL_SENDTO, (uint32_t)step_no));
            sock_setsockopt(h, fd, SOCK_OPT_IP_TTL, ttl);
            struct sock_addr to = { ta->dest.addr, (uint16_t)port };
            int sr = sock_sendto(h, fd, data, sizeof(data), &to);
            run_leave(r, h);
            if (sr < 0) {
                run_say(r, false, "%s\ntraceroute: sendto: %s\n", line, err_sentence(sr));
                done = true;
                o = 0;
                break;
            }
            struct sock_icmp_err qe;
            bool got = false;
            uint64_t deadline = t_send + ta->wait_ns;
            while (!got) {
                struct ping_wait w = { h, fd };
                if (!run_wait(r, ping_ready, &w, deadline))
                    break;
                run_enter(r, h, step_no);
                int er = sock_recv_error(h, fd, &qe);
                if (er != 0) {
                    uint8_t junk[64];
                    while (sock_recv(h, fd, junk, sizeof(junk)) >= 0) {
                    }
                }
                run_leave(r, h);
                got = er == 0 && qe.dport == port;
            }
            if (!got) {
                o += (size_t)snprintf(line + o, sizeof(line) - o, " *");
                continue;
            }
            if (!any_addr || qe.offender != last_addr) {
                char a[IPV4_ADDR_STRLEN];
                o += (size_t)snprintf(line + o, sizeof(line) - o, " %s",
                                      ipv4_addr_str(qe.offender, a));
            }
            any_addr = true;
            last_addr = qe.offender;
            o += (size_t)snprintf(line + o, sizeof(line) - o, "  %.3f ms",
                                  (double)(qe.at_ns - t_send) / NS_PER_MS);
            if (o >= sizeof(line))
                o = sizeof(line) - 1;
            /* [traceroute.c] !N !H !P !F annotate unreachables; the
             * destination's port unreachable is the answer we wanted. */
            if (qe.type == ICMP_DEST_UNREACH) {
                static const char *const marks[] = { " !N", " !H", " !P", "", " !F" };
                if (qe.code < 5)
                    o += (size_t)snprintf(line + o, sizeof(line) - o, "%s", marks[qe.code]);
                else
                    o += (size_t)snprintf(line + o, sizeof(line) - o, " !<%u>", qe.code);
                done = true;
            }
            if (o >= sizeof(line))
                o = sizeof(line) - 1;
        }
        if (o > 0)
            run_say(r, false, "%s\n", line);
    }
    run_enter(r, h, step_no);
    sock_close(h, fd);
    run_leave(r, h);
}

/* The line a ping or traceroute step starts with, then the command. */
void
run_ping_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    char t[32];

    (void)scheduled;
    fmt_time(r->sim.now_ns, t, sizeof(t));
    run_note(r, r->hosts[st->host], cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s",
             step_no, st->text);
    if (!r->opts.trace_shown)
        run_say(r, false, "[%10s] %s\n", t, st->text);
    step_ping(r, st, step_no);
}

void
run_traceroute_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                    bool scheduled)
{
    char t[32];

    (void)scheduled;
    fmt_time(r->sim.now_ns, t, sizeof(t));
    run_note(r, r->hosts[st->host], cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s",
             step_no, st->text);
    if (!r->opts.trace_shown)
        run_say(r, false, "[%10s] %s\n", t, st->text);
    step_traceroute(r, st, step_no);
}
