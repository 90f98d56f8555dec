/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_expect.c - expects: each check against the live world,
 * and the line it prints.
 */
#include "sim/scenario/run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_app.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/route.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/wire/addr.h"
#include "stack/wire/arp.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"

/* ------------------------------------------------------------------------ */
/* Expectations */

static bool
mem_contains(const uint8_t *hay, size_t hn, const uint8_t *needle, size_t nn)
{
    if (nn == 0)
        return true;
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(hay + i, needle, nn) == 0)
            return true;
    return false;
}

/* Where the TCB of TCP socket variable s on h is: behind its descriptor
 * while the script holds one (*fd >= 0), else the connection its close()
 * left behind (FIN_WAIT_2, TIME_WAIT...), found by its 4-tuple among the
 * TCBs no socket holds (*fd = -1, *index its place in inspect_tcbs(), and
 * *state its state). False when there is none: never opened, or gone. */
static bool
run_tcb_find(struct scn_runner *r, struct host *h, int s, int *fd, size_t *index,
             const char **state)
{
    *fd = r->sock_fd[s];
    if (*fd >= 0)
        return inspect_tcp_state(h, *fd, state);
    const struct scn_closed *cl = &r->closed[s];
    if (!cl->known)
        return false;
    size_t n = inspect_tcbs(h, NULL, 0);
    struct inspect_tcb *all = calloc(n + 1, sizeof(*all));
    if (all == NULL)
        return false;
    n = inspect_tcbs(h, all, n);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (all[i].fd < 0 && all[i].laddr == cl->laddr && all[i].lport == cl->lport &&
            all[i].faddr == cl->faddr && all[i].fport == cl->fport) {
            found = true;
            *index = i;
            *state = all[i].state;
        }
    }
    free(all);
    return found;
}

/* The TCP state of socket variable s: its TCB's, or, once closed, the
 * state of the connection it left behind; CLOSED when nothing is left. */
static const char *
tcp_state_of(struct scn_runner *r, struct host *h, int s)
{
    int fd;
    size_t index = 0;
    const char *state = "CLOSED";
    if (!run_tcb_find(r, h, s, &fd, &index, &state))
        return "CLOSED";
    return state;
}

bool
run_tcb_field(struct scn_runner *r, struct host *h, int s, const char *field, uint64_t *out)
{
    int fd;
    size_t index = 0;
    const char *state = NULL;
    if (!run_tcb_find(r, h, s, &fd, &index, &state))
        return false;
    return fd >= 0 ? inspect_tcb_field(h, fd, field, out)
                   : inspect_tcbs_field(h, index, field, out);
}

/* Judge an expect; writes what was found into `got`. */
static bool
step_expect(struct scn_runner *r, const struct scn_step *st, char *got, size_t got_len)
{
    const struct scn_expect *e = &st->expect;
    struct host *h = st->host >= 0 ? r->hosts[st->host] : NULL;
    switch (e->kind) {
    case SCN_EXPECT_DATA:
    case SCN_EXPECT_LENGTH: {
        const struct scn_value *v = &r->values[e->dvar];
        if (!v->set) {
            snprintf(got, got_len, "%s was never received", r->scn->dvars[e->dvar].name);
            return false;
        }
        if (e->kind == SCN_EXPECT_LENGTH) {
            snprintf(got, got_len, "length %zu", v->len);
            return cmp_u64(v->len, e->cmp, e->number);
        }
        const uint8_t *want = e->text;
        size_t want_len = e->text_len;
        uint8_t *built = NULL;
        if (e->rhs.kind != SCN_PAYLOAD_TEXT) {
            /* `expect r == dns-answer ...`: the bytes that payload is now */
            char why[160] = "out of memory";
            built = app_payload_bytes(r, &e->rhs, &want_len, why, sizeof(why));
            if (built == NULL) {
                snprintf(got, got_len, "nothing to compare with: %s", why);
                return false;
            }
            want = built;
        }
        fmt_bytes(v->data, v->len, got, got_len);
        bool eq = v->len == want_len && (v->len == 0 || memcmp(v->data, want, v->len) == 0);
        bool held = e->cmp == SCN_CMP_EQ   ? eq
                  : e->cmp == SCN_CMP_NE ? !eq
                                         : mem_contains(v->data, v->len, want, want_len);
        free(built);
        return held;
    }
    case SCN_EXPECT_ERROR: {
        int want = err_lookup(e->err_name);
        int have = r->sock_err[st->sock];
        snprintf(got, got_len, "%s", err_name(have));
        return want == have;
    }
    case SCN_EXPECT_COUNTER: {
        uint64_t v = 0;
        if (!inspect_counter(h, e->counter, &v)) {
            snprintf(got, got_len, "no counter %s", e->counter);
            return false;
        }
        snprintf(got, got_len, "%" PRIu64, v);
        return cmp_u64(v, e->cmp, e->number);
    }
    case SCN_EXPECT_ARP: {
        struct inspect_arp a;
        bool found = inspect_arp_find(h, e->arp_addr.addr, &a);
        char m[MAC_ADDR_STRLEN];
        if (!found)
            snprintf(got, got_len, "absent");
        else if (strcmp(a.state, "INCOMPLETE") == 0)
            snprintf(got, got_len, "incomplete");
        else
            snprintf(got, got_len, "%s", mac_addr_str(a.mac, m));
        switch (e->arp_state) {
        case SCN_ARP_ABSENT: return !found;
        case SCN_ARP_INCOMPLETE: return found && strcmp(a.state, "INCOMPLETE") == 0;
        case SCN_ARP_PRESENT: return found && strcmp(a.state, "INCOMPLETE") != 0;
        case SCN_ARP_MAC:
            return found && strcmp(a.state, "INCOMPLETE") != 0 &&
                   memcmp(a.mac, e->arp_mac, ETH_ALEN) == 0;
        default: return false;
        }
    }
    case SCN_EXPECT_STATE: {
        const char *state = "CLOSED";
        struct inspect_socket is;
        int fd = r->sock_fd[st->sock];
        if (r->scn->socks[st->sock].type == SCN_SOCK_TCP)
            state = tcp_state_of(r, h, st->sock);
        else if (fd >= 0 && inspect_socket(h, fd, &is))
            state = is.state;
        snprintf(got, got_len, "%s", state);
        bool eq = strcmp(state, e->field) == 0;
        return e->cmp == SCN_CMP_NE ? !eq : eq;
    }
    case SCN_EXPECT_TCB: {
        uint64_t v = 0;
        if (!run_tcb_field(r, h, st->sock, e->field, &v)) {
            snprintf(got, got_len, "%s has no TCB", r->scn->socks[st->sock].name);
            return false;
        }
        snprintf(got, got_len, "%s %" PRIu64, e->field, v);
        return cmp_u64(v, e->cmp, e->number);
    }
    case SCN_EXPECT_ROUTE: {
        const struct route *rt = route_lookup(h, e->route_dest.addr);
        char ip[IPV4_ADDR_STRLEN];
        if (rt == NULL) {
            snprintf(got, got_len, "none");
            return e->route_kind == SCN_ROUTE_NONE;
        }
        if (rt->gateway == 0) {
            snprintf(got, got_len, "direct");
            return e->route_kind == SCN_ROUTE_DIRECT;
        }
        snprintf(got, got_len, "via %s", ipv4_addr_str(rt->gateway, ip));
        return e->route_kind == SCN_ROUTE_VIA && rt->gateway == e->route_gw.addr;
    }
    case SCN_EXPECT_PACKETS: {
        uint64_t n = r->counts[st - r->scn->steps].n;
        snprintf(got, got_len, "%" PRIu64 " packet%s", n, n == 1 ? "" : "s");
        return cmp_u64(n, e->cmp, e->number);
    }
    case SCN_EXPECT_TIME: {
        char t[32];
        fmt_time(r->sim.now_ns, t, sizeof(t));
        snprintf(got, got_len, "time %s s", t);
        return cmp_u64(r->sim.now_ns, e->cmp, e->number);
    }
    default:
        snprintf(got, got_len, "this check is not in this build yet");
        return false;
    }
}

/* The line an expect prints, and its count: ok, or where it is and what
 * was found (got may hold more lines, each indented). */
void
run_expect_result(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool ok,
                  const char *got)
{
    char t[32];
    struct host *h = st->host >= 0 ? r->hosts[st->host] : NULL;
    const char *file = r->scn->files[st->file];

    fmt_time(r->sim.now_ns, t, sizeof(t));
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s: %s", step_no,
             st->text, ok ? "holds" : "FAILS");
    if (ok) {
        r->expects_passed++;
        run_say(r, false, "[%10s] %-50s ok\n", t, st->text);
    } else {
        r->expects_failed++;
        run_say(r, true, "%s:%u: expect failed: %s\n    got: %s\n", file, st->line, st->text,
                got);
    }
}

void
run_expect(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    char got[256];
    bool ok = step_expect(r, st, got, sizeof(got));

    (void)scheduled;
    run_expect_result(r, st, step_no, ok, got);
}
