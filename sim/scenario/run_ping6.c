/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_ping6.c - ping to an IPv6 destination, as ping -6 (iputils)
 * does it and prints it. The stack keeps echo replies for ping in its ICMPv6
 * inbox (stack/icmp6.h); AF_INET6 sockets are not built yet.
 */
#include "sim/scenario/run.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/wire/bytes.h"

struct ping6_wait {
    struct host *h;
    uint16_t id, seq;
};

static bool
ping6_ready(struct scn_runner *r, void *ctx)
{
    (void)r;
    const struct ping6_wait *w = ctx;
    if (w->h->ip6 == NULL)
        return false;
    const struct icmp6_echo_msg *m = &w->h->ip6->inbox[w->seq % ICMP6_ECHO_INBOX];
    return m->used && m->id == w->id && m->seq == w->seq;
}

/* What ping -6 says about an ICMPv6 error [iputils ping6_common.c
 * print_icmp()]. */
static const char *
error_text(uint8_t type, uint8_t code)
{
    switch (type) {
    case ICMP6_DST_UNREACH:
        switch (code) {
        case 0: return "Destination unreachable: No route";
        case 1: return "Destination unreachable: Administratively prohibited";
        case 3: return "Destination unreachable: Address unreachable";
        case 4: return "Destination unreachable: Port unreachable";
        default: return "Destination unreachable";
        }
    case ICMP6_PACKET_TOO_BIG: return "Packet too big";
    case ICMP6_TIME_EXCEEDED: return code == 0 ? "Time exceeded: Hop limit" : "Time exceeded";
    case ICMP6_PARAM_PROB: return "Parameter problem";
    default: return "Unknown ICMPv6 error";
    }
}

void
step_ping6(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    const struct scn_ping_args *pa = &st->ping;
    struct host *h = r->hosts[st->host];
    char dst[IPV6_ADDR_STRLEN];
    ip6_addr_str(&pa->dest6, dst);
    run_say(r, false, "PING %s (%s) %u data bytes\n", dst, dst, pa->size);
    if (h->ip6 == NULL) {
        run_say(r, true, "ping: connect: Network is unreachable (%s has no IPv6 address)\n",
                h->name);
        return;
    }
    uint16_t id = h->ip6->next_echo_id++;
    uint8_t *data = calloc(1, pa->size + 1);
    uint64_t start = r->sim.now_ns, last = start;
    uint64_t rtt_min = UINT64_MAX, rtt_max = 0, rtt_sum = 0;
    double rtt_sq = 0;
    unsigned sent = 0, received = 0, errors = 0;
    for (uint32_t seq = 1; data != NULL && seq <= pa->count; seq++) {
        uint64_t t_send = r->sim.now_ns;
        /* As ping(8): a timestamp first when there is room, then bytes
         * counting up from 0x10 [iputils ping_common.c fill pattern]. */
        size_t o = 0;
        if (pa->size >= 16) {
            be32_put(data, (uint32_t)(t_send / NS_PER_S));
            be32_put(data + 4, (uint32_t)((t_send % NS_PER_S) / 1000));
            memset(data + 8, 0, 8);
            o = 16;
        }
        for (size_t i = o; i < pa->size; i++)
            data[i] = (uint8_t)(0x10 + i % 0xf0);
        run_enter(r, h, step_no);
        host_set_cause(h, cause_call(CALL_PING, (uint32_t)step_no));
        int sr = icmp6_echo_send(h, &pa->dest6, id, (uint16_t)seq, data, pa->size,
                                 (uint8_t)pa->ttl);
        run_leave(r, h);
        if (sr < 0) {
            run_say(r, false, "ping: sendmsg: %s\n", err_sentence(sr));
            errors++;
        } else {
            sent++;
        }
        struct ping6_wait w = { h, id, (uint16_t)seq };
        if (sr >= 0 && run_wait(r, ping6_ready, &w, t_send + pa->timeout_ns)) {
            struct icmp6_echo_msg m;
            run_enter(r, h, step_no);
            bool got = icmp6_echo_take(h, id, (uint16_t)seq, &m);
            run_leave(r, h);
            char from[IPV6_ADDR_STRLEN];
            ip6_addr_str(&m.from, from);
            last = r->sim.now_ns;
            if (got && m.type == ICMP6_ECHO_REPLY) {
                uint64_t rtt = r->sim.now_ns - t_send;
                received++;
                rtt_min = rtt < rtt_min ? rtt : rtt_min;
                rtt_max = rtt > rtt_max ? rtt : rtt_max;
                rtt_sum += rtt;
                rtt_sq += (double)rtt * (double)rtt;
                run_say(r, false, "%u bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n",
                        (unsigned)m.len, from, seq, m.hop_limit, (double)rtt / NS_PER_MS);
            } else if (got && m.type == ICMP6_PACKET_TOO_BIG) {
                run_say(r, false, "From %s icmp_seq=%u Packet too big: mtu=%u\n", from, seq,
                        m.param);
                errors++;
            } else if (got) {
                run_say(r, false, "From %s icmp_seq=%u %s\n", from, seq,
                        error_text(m.type, m.code));
                errors++;
            }
        } else if (sr >= 0) {
            run_say(r, false, "no answer yet for icmp_seq=%u\n", seq);
        }
        if (seq < pa->count) {
            uint64_t next = t_send + pa->interval_ns;
            if (next > r->sim.now_ns)
                run_until(r, next);
        }
    }
    free(data);
    unsigned loss = sent > 0 ? (unsigned)((sent - received) * 100u / sent) : 100u;
    char errs[32] = "";
    if (errors > 0)
        snprintf(errs, sizeof(errs), "+%u errors, ", errors);
    char summary[160];
    snprintf(summary, sizeof summary,
             "%u packets transmitted, %u received, %s%u%% packet loss, time %" PRIu64 "ms", sent,
             received, errs, loss, (last - start) / NS_PER_MS);
    run_say(r, false, "\n--- %s ping statistics ---\n%s\n", dst, summary);
    if (st->dvar >= 0)
        value_set(&r->values[st->dvar], (const uint8_t *)summary, strlen(summary));
    if (received > 0) {
        double avg = (double)rtt_sum / received;
        double var = rtt_sq / received - avg * avg;
        run_say(r, false, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
                (double)rtt_min / NS_PER_MS, avg / NS_PER_MS, (double)rtt_max / NS_PER_MS,
                (var > 0 ? sqrt(var) : 0) / NS_PER_MS);
    }
}

/* ------------------------------------------------------------------------ */
/* traceroute -6 -I -n: ICMPv6 echo requests with hop limits 1, 2, 3, ...
 * (UDP probes, traceroute's default, wait for UDP over IPv6). Each router
 * on the way answers the probe whose hop limit runs out there with time
 * exceeded [RFC 4443 3.3]; the destination answers with an echo reply. */

/* traceroute's 80-byte probes: 40 of IPv6, 8 of ICMPv6 header, 32 of data. */
#define TRACEROUTE6_DATA_LEN 32u

void
step_traceroute6(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    const struct scn_traceroute_args *ta = &st->traceroute;
    struct host *h = r->hosts[st->host];
    char dst[IPV6_ADDR_STRLEN];
    uint8_t data[TRACEROUTE6_DATA_LEN];
    bool done = false;

    ip6_addr_str(&ta->dest6, dst);
    /* [traceroute.c] the data counts up from 0x40, as its default probe does */
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(0x40 + i);
    run_say(r, false, "traceroute to %s (%s), %u hops max, %u byte packets\n", dst, dst,
            (unsigned)ta->max_hops, IPV6_HDR_LEN + ICMP6_HDR_LEN + TRACEROUTE6_DATA_LEN);
    if (h->ip6 == NULL) {
        run_say(r, true, "traceroute: %s has no IPv6 address\n", h->name);
        return;
    }
    uint16_t id = h->ip6->next_echo_id++;
    uint16_t seq = 1;
    for (uint32_t hop = 1; hop <= ta->max_hops && !done; hop++) {
        char line[1024];
        size_t o = 0;
        struct ip6_addr last;
        bool any_addr = false;
        o += (size_t)snprintf(line + o, sizeof line - o, "%2u ", (unsigned)hop);
        for (uint32_t probe = 0; probe < ta->probes; probe++, seq++) {
            uint64_t t_send = r->sim.now_ns;
            run_enter(r, h, step_no);
            host_set_cause(h, cause_call(CALL_PING, (uint32_t)step_no));
            int sr = icmp6_echo_send(h, &ta->dest6, id, seq, data, sizeof data, (uint8_t)hop);
            run_leave(r, h);
            if (sr < 0) {
                run_say(r, false, "%s\ntraceroute: sendto: %s\n", line, err_sentence(sr));
                done = true;
                o = 0;
                break;
            }
            struct ping6_wait w = { h, id, seq };
            struct icmp6_echo_msg m;
            bool got = false;
            if (run_wait(r, ping6_ready, &w, t_send + ta->wait_ns)) {
                run_enter(r, h, step_no);
                got = icmp6_echo_take(h, id, seq, &m);
                run_leave(r, h);
            }
            if (!got) {
                o += (size_t)snprintf(line + o, sizeof line - o, " *");
                if (o >= sizeof line)
                    o = sizeof line - 1;
                continue;
            }
            if (!any_addr || !ip6_addr_eq(&m.from, &last)) {
                char a[IPV6_ADDR_STRLEN];
                o += (size_t)snprintf(line + o, sizeof line - o, " %s", ip6_addr_str(&m.from, a));
            }
            any_addr = true;
            last = m.from;
            o += (size_t)snprintf(line + o, sizeof line - o, "  %.3f ms",
                                  (double)(r->sim.now_ns - t_send) / NS_PER_MS);
            if (m.type == ICMP6_ECHO_REPLY) {
                done = true;  /* the destination itself answered */
            } else if (m.type == ICMP6_DST_UNREACH) {
                /* [traceroute.c] the marks of ICMPv6 unreachables: !N no
                 * route, !A prohibited, !S beyond scope, !H address. */
                static const char *const marks[] = { " !N", " !A", " !S", " !H" };
                if (m.code < 4)
                    o += (size_t)snprintf(line + o, sizeof line - o, "%s", marks[m.code]);
                else
                    o += (size_t)snprintf(line + o, sizeof line - o, " !<%u>", m.code);
                done = true;
            } else if (m.type == ICMP6_PACKET_TOO_BIG) {
                o += (size_t)snprintf(line + o, sizeof line - o, " !F-%u", m.param);
                done = true;
            }
            if (o >= sizeof line)
                o = sizeof line - 1;
        }
        if (o > 0)
            run_say(r, false, "%s\n", line);
    }
}
