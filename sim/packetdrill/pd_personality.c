/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_personality.c - personalities and sysctls: the choices RFCs leave to a
 * stack, as named sets of netstep's tunables.
 *
 * A personality changes only what `set HOST KEY VALUE` can also change in a
 * scenario (docs/scenario-language.md, "set"), and the default socket
 * buffer sizes that `setsockopt VAR rcvbuf|sndbuf` set per socket; never a
 * rule of an RFC. The values and where they come from are in
 * docs/packetdrill.md, "Personalities".
 *
 * Shell lines of a script (`sysctl -w NAME=VALUE`) are mapped to the same
 * tunables where netstep has one, and reported as not modelled otherwise.
 */
#include "sim/packetdrill/pd.h"

#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#define MS_NS 1000000ull
#define S_NS 1000000000ull

struct pd_setting {
    enum scn_set_key key;  /* the `set` key */
    uint64_t value;        /* as struct scn_set_args holds it (ns, counts, 0/1) */
};

struct pd_personality {
    const char *name;                  /* --personality NAME */
    struct pd_setting settings[10];    /* applied in order */
    unsigned n_settings;               /* entries */
    uint32_t rcvbuf;                   /* SO_RCVBUF of new sockets, 0: the stack's */
    uint32_t sndbuf;                   /* SO_SNDBUF of new sockets, 0: the stack's */
};

static const struct pd_personality personalities[] = {
    /* netstep's own defaults: nothing changes. */
    { .name = "netstep" },
    /* FreeBSD: tcp_timer.h TCPTV_MIN (30 ms minimum RTO), TCPTV_RTOBASE
     * (1 s), TCPTV_DELACK (100 ms), TCPTV_MSL (30 s); tcp_input.c V_tcp_initcwnd_segments
     * (10); congestion control newreno; options laid out by
     * tcp_addoptions() (tcp_output.c); the window scale chosen for
     * kern.ipc.maxsockbuf (2 MiB, tcp_syncache.c and tcp_usrreq.c); the
     * receive buffer rounded up to whole segments (tcp_input.c tcp_mss());
     * net.inet.tcp.recvspace 65536 and sendspace 32768 (tcp_usrreq.c). */
    { .name = "freebsd",
      .settings = { { SCN_SET_TCP_RTO_MIN, 30 * MS_NS },
                    { SCN_SET_TCP_RTO_INITIAL, 1 * S_NS },
                    { SCN_SET_TCP_DELACK, 100 * MS_NS },
                    { SCN_SET_TCP_MSL, 30 * S_NS },
                    { SCN_SET_TCP_IW, 10 },
                    { SCN_SET_TCP_CC, SCN_CC_NEWRENO },
                    { SCN_SET_TCP_BSD_OPTIONS, 1 },
                    { SCN_SET_TCP_WSCALE_BUF, 2097152 },
                    { SCN_SET_TCP_RCVBUF_ROUND, 1 } },
      .n_settings = 9,
      .rcvbuf = 65536,
      .sndbuf = 32768 },
    /* Linux: include/net/tcp.h TCP_RTO_MIN (200 ms), TCP_TIMEOUT_INIT (1 s),
     * TCP_DELACK_MIN (40 ms), TCP_TIMEWAIT_LEN (60 s, so MSL 30 s),
     * TCP_INIT_CWND (10), tcp_syn_retries 6, tcp_retries2 15; congestion
     * control cubic; tcp_rmem/tcp_wmem defaults 131072 / 16384
     * (Documentation/networking/ip-sysctl.rst: tcp_rmem's default "results
     * in initial window of 65535"); the window scale chosen for the
     * largest buffer autotuning may reach, tcp_rmem's max, 6291456 by
     * default (tcp_select_initial_window() takes the larger of it and
     * rmem_max), which gives the shift 7 Linux's SYNs carry. */
    { .name = "linux",
      .settings = { { SCN_SET_TCP_RTO_MIN, 200 * MS_NS },
                    { SCN_SET_TCP_RTO_INITIAL, 1 * S_NS },
                    { SCN_SET_TCP_DELACK, 40 * MS_NS },
                    { SCN_SET_TCP_MSL, 30 * S_NS },
                    { SCN_SET_TCP_IW, 10 },
                    { SCN_SET_TCP_SYN_RETRIES, 6 },
                    { SCN_SET_TCP_RETRIES2, 15 },
                    { SCN_SET_TCP_CC, SCN_CC_CUBIC },
                    { SCN_SET_TCP_WSCALE_BUF, 6291456 } },
      .n_settings = 9,
      .rcvbuf = 131072,
      .sndbuf = 16384 },
};

#define N_PERSONALITIES (sizeof(personalities) / sizeof(personalities[0]))

static const struct pd_personality *
personality_find(const char *name)
{
    if (name == NULL)
        return &personalities[0];
    for (size_t i = 0; i < N_PERSONALITIES; i++)
        if (strcmp(personalities[i].name, name) == 0)
            return &personalities[i];
    return NULL;
}

bool
pd_personality_known(const char *name)
{
    return personality_find(name) != NULL;
}

const char *
pd_personality_names(void)
{
    return "netstep, freebsd, linux";
}

int
pd_personality_apply(const char *name, struct host *h, struct pd_sockdefaults *sd)
{
    const struct pd_personality *p = personality_find(name);
    if (p == NULL)
        return -1;
    for (unsigned i = 0; i < p->n_settings; i++)
        scn_set_apply(h, p->settings[i].key, p->settings[i].value);
    sd->rcvbuf = p->rcvbuf;
    sd->sndbuf = p->sndbuf;
    return 0;
}

int
pd_personality_describe(const char *name, char *buf, size_t n)
{
    const struct pd_personality *p = personality_find(name);
    size_t k = 0;
    if (p == NULL)
        return -1;
    buf[0] = '\0';
    for (unsigned i = 0; i < p->n_settings && k < n; i++) {
        const struct pd_setting *s = &p->settings[i];
        char v[32];
        if (s->key == SCN_SET_TCP_CC)
            snprintf(v, sizeof(v), "%s", scn_cc_name((enum scn_cc)s->value));
        else if (s->key == SCN_SET_TCP_BSD_OPTIONS || s->key == SCN_SET_TCP_RCVBUF_ROUND)
            snprintf(v, sizeof(v), "%s", s->value ? "on" : "off");
        else if (s->key == SCN_SET_TCP_IW || s->key == SCN_SET_TCP_SYN_RETRIES ||
                 s->key == SCN_SET_TCP_RETRIES2 || s->key == SCN_SET_TCP_WSCALE_BUF)
            snprintf(v, sizeof(v), "%llu", (unsigned long long)s->value);
        else
            snprintf(v, sizeof(v), "%llums", (unsigned long long)(s->value / MS_NS));
        k += (size_t)snprintf(buf + k, n - k, "%s%s %s", k ? ", " : "", scn_set_key_name(s->key),
                              v);
    }
    if (p->rcvbuf != 0 && k < n)
        k += (size_t)snprintf(buf + k, n - k, "%srcvbuf %u, sndbuf %u", k ? ", " : "", p->rcvbuf,
                              p->sndbuf);
    if (k == 0)
        snprintf(buf, n, "netstep's defaults");
    return 0;
}

/* ---- sysctl -w NAME=VALUE ------------------------------------------------ */

enum pd_sysctl_map {
    MAP_SET_ON_OFF,   /* 0/1 -> a `set` key's off/on */
    MAP_SET_MS,       /* milliseconds -> a `set` duration */
    MAP_SET_COUNT,    /* a number -> a `set` count */
    MAP_RCVBUF,       /* the default SO_RCVBUF of new sockets */
    MAP_SNDBUF,       /* the default SO_SNDBUF */
    MAP_RFC1323,      /* FreeBSD: 1 both, 2 window scale only, 3 timestamps only, 0 none */
    MAP_DELAYED_ACK,  /* 0 off, else on */
    MAP_MATCHES,      /* netstep always behaves as these values say: nothing to change */
    MAP_NOOP,         /* no state of netstep's to act on (a fresh host every run) */
};

struct pd_sysctl {
    const char *name;          /* FreeBSD's sysctl name */
    enum pd_sysctl_map map;    /* how */
    enum scn_set_key key;      /* the `set` key, for MAP_SET_* */
    const char *matches;       /* MAP_MATCHES: the values netstep behaves as, comma-separated */
    const char *why;           /* MAP_MATCHES: why those */
};

static const struct pd_sysctl sysctls[] = {
    { "net.inet.tcp.sack.enable", MAP_SET_ON_OFF, SCN_SET_TCP_SACK, NULL, NULL },
    { "net.inet.tcp.rfc1323", MAP_RFC1323, 0, NULL, NULL },
    { "net.inet.tcp.syncookies", MAP_SET_ON_OFF, SCN_SET_TCP_SYNCOOKIES, NULL, NULL },
    { "net.inet.tcp.delacktime", MAP_SET_MS, SCN_SET_TCP_DELACK, NULL, NULL },
    { "net.inet.tcp.delayed_ack", MAP_DELAYED_ACK, 0, NULL, NULL },
    { "net.inet.tcp.rexmit_min", MAP_SET_MS, SCN_SET_TCP_RTO_MIN, NULL, NULL },
    { "net.inet.tcp.rexmit_initial", MAP_SET_MS, SCN_SET_TCP_RTO_INITIAL, NULL, NULL },
    { "net.inet.tcp.msl", MAP_SET_MS, SCN_SET_TCP_MSL, NULL, NULL },
    { "net.inet.tcp.keepidle", MAP_SET_MS, SCN_SET_TCP_KEEPIDLE, NULL, NULL },
    { "net.inet.tcp.keepintvl", MAP_SET_MS, SCN_SET_TCP_KEEPINTVL, NULL, NULL },
    { "net.inet.tcp.keepcnt", MAP_SET_COUNT, SCN_SET_TCP_KEEPCNT, NULL, NULL },
    { "net.inet.tcp.initcwnd_segments", MAP_SET_COUNT, SCN_SET_TCP_IW, NULL, NULL },
    { "net.inet.tcp.recvspace", MAP_RCVBUF, 0, NULL, NULL },
    { "net.inet.tcp.sendspace", MAP_SNDBUF, 0, NULL, NULL },
    { "net.inet.tcp.hostcache.purgenow", MAP_NOOP, 0, NULL, NULL },
    { "kern.ipc.maxsockbuf", MAP_SET_COUNT, SCN_SET_TCP_WSCALE_BUF, NULL, NULL },
    /* RFC 5961's checks are always on in netstep [RFC 5961 3.2, 4.2]. */
    { "net.inet.tcp.insecure_rst", MAP_MATCHES, 0, "0", "netstep always applies RFC 5961 3.2" },
    { "net.inet.tcp.insecure_syn", MAP_MATCHES, 0, "0", "netstep always applies RFC 5961 4.2" },
    /* A SYN with FIN is dropped in LISTEN as a scan (stack/drop.h TCP_SYN_FIN). */
    { "net.inet.tcp.drop_synfin", MAP_MATCHES, 0, "1", "netstep always drops SYN+FIN in LISTEN" },
    /* A segment to a closed port is answered with a RST [RFC 9293 3.10.7.1]. */
    { "net.inet.tcp.blackhole", MAP_MATCHES, 0, "0", "netstep always answers a closed port" },
    /* netstep has no ECN: it neither asks for it nor agrees to it, as
     * ecn.enable=2 does when the peer does not ask. */
    { "net.inet.tcp.ecn.enable", MAP_MATCHES, 0, "0,2", "netstep has no ECN" },
};

int
pd_shell_apply(const char *cmd, struct host *h, struct pd_sockdefaults *sd, char *why, size_t n)
{
    char name[96];
    const char *p = cmd;
    while (*p == ' ')
        p++;
    if (strncmp(p, "sysctl -w ", 10) != 0) {
        snprintf(why, n, "not a sysctl; netstep does not run shell commands");
        return 0;
    }
    p += 10;
    while (*p == ' ')
        p++;
    const char *eq = strchr(p, '=');
    if (eq == NULL || (size_t)(eq - p) >= sizeof(name)) {
        snprintf(why, n, "not a sysctl assignment");
        return 0;
    }
    memcpy(name, p, (size_t)(eq - p));
    name[eq - p] = '\0';
    char *end;
    long long v = strtoll(eq + 1, &end, 10);
    bool numeric = end != eq + 1 && (*end == '\0' || *end == ' ');
    for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
        const struct pd_sysctl *s = &sysctls[i];
        if (strcmp(s->name, name) != 0)
            continue;
        if (!numeric || v < 0) {
            snprintf(why, n, "%s takes a number here", name);
            return 0;
        }
        switch (s->map) {
        case MAP_SET_ON_OFF: scn_set_apply(h, s->key, v != 0); return 1;
        case MAP_SET_MS: scn_set_apply(h, s->key, (uint64_t)v * MS_NS); return 1;
        case MAP_SET_COUNT: scn_set_apply(h, s->key, (uint64_t)v); return 1;
        case MAP_RCVBUF: sd->rcvbuf = (uint32_t)v; return 1;
        case MAP_SNDBUF: sd->sndbuf = (uint32_t)v; return 1;
        case MAP_DELAYED_ACK:
            scn_set_apply(h, SCN_SET_TCP_DELACK, v != 0 ? SCN_DELACK_ON : 0);
            return 1;
        case MAP_RFC1323:
            scn_set_apply(h, SCN_SET_TCP_WSCALE, v == 1 || v == 2);
            scn_set_apply(h, SCN_SET_TCP_TIMESTAMPS, v == 1 || v == 3);
            return 1;
        case MAP_NOOP: return 1;
        case MAP_MATCHES: {
            char val[24];
            snprintf(val, sizeof(val), "%lld", v);
            const char *m = s->matches;
            size_t k = strlen(val);
            for (const char *q = m; q != NULL; q = strchr(q, ',')) {
                if (*q == ',')
                    q++;
                if (strncmp(q, val, k) == 0 && (q[k] == '\0' || q[k] == ','))
                    return 1;
            }
            snprintf(why, n, "%s=%lld: %s (only %s)", name, v, s->why, m);
            return 0;
        }
        }
    }
    snprintf(why, n, "%s has no netstep counterpart", name);
    return 0;
}
