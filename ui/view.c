/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view.c - the screen's layout, header, key bar and help, and the moves of
 * the cursor (next event, next step, the filter).
 *
 * Layout, from 80x24 up: a header line; script and layers side by side;
 * the events list across the width; then the packet pane with the bytes
 * (and on wide screens the sockets) beside it; the key bar at the bottom.
 * A card (the introduction, a pause) is drawn over it; the projector layout
 * is view_projector.c's. Also where the play stops: the script's pauses;
 * what a blocking call did underneath (view_call_detail()); the narration's
 * say lines joined into paragraphs (view_wrap_says()).
 * Called by: tui.c, tests. Calls: the pane renderers (view_panes.c,
 * view_packet.c, view_tcpstate.c, view_conns.c, view_projector.c).
 */
#include "ui/view.h"

#include <ctype.h>
#include <stdlib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/scenario.h"
#include "ui/grid.h"

const unsigned view_speed_eps[VIEW_SPEEDS] = { 1, 2, 4, 8, 16, 32 };

void
view_state_init(struct view_state *st)
{
    memset(st, 0, sizeof *st);
    st->speed = 2;
    st->focus = PANE_EVENTS;
    st->field = -1;
}

void
view_state_open(const struct view_model *m, struct view_state *st)
{
    view_state_init(st);
    if (m->scn->about != NULL && m->scn->about[0] != '\0')
        st->card = VIEW_CARD_ABOUT;
}

const char *
view_pause_text(const struct view_model *m, size_t s)
{
    if (s >= m->scn->n_steps || m->scn->steps[s].kind != SCN_STEP_PAUSE)
        return NULL;
    return m->scn->steps[s].say.text;
}

size_t
view_pause_between(const struct view_model *m, size_t from, size_t to)
{
    if (to <= from || m->n_steps == 0)
        return SIZE_MAX;
    /* the steps whose first event lies in (from, to]: a step that logged
     * nothing starts where the next one does, and counts as entered too.
     * An `ask` stops play as a pause does: the class answers first. */
    for (size_t s = vm_step_of(m, from) + 1; s < m->n_steps && m->step_start[s] <= to; s++)
        if (m->step_start[s] > from && (m->scn->steps[s].kind == SCN_STEP_PAUSE ||
                                        m->scn->steps[s].kind == SCN_STEP_ASK))
            return s;
    return SIZE_MAX;
}

size_t
view_ask_answer(const struct view_model *m, size_t s, char *answer, size_t n)
{
    char head[48];
    struct record_event ev;

    answer[0] = '\0';
    if (s >= m->scn->n_steps || m->scn->steps[s].kind != SCN_STEP_ASK || s >= m->n_steps)
        return SIZE_MAX;
    /* the runner's note "answer to step N: TEXT (event K: ...)" */
    int hl = snprintf(head, sizeof head, "answer to step %zu: ", s + 1);
    for (size_t i = m->step_start[s]; i < m->n_events; i++) {
        if (!vm_event(m, i, &ev) || ev.kind != TRACE_NOTE || ev.layer != LAYER_APP ||
            strncmp(ev.text, head, (size_t)hl) != 0)
            continue;
        const char *t = ev.text + hl;
        const char *k = strstr(t, " (event ");
        size_t len = k != NULL ? (size_t)(k - t) : strlen(t);
        snprintf(answer, n, "%.*s", (int)len, t);
        if (k == NULL)
            return i;  /* the lesson's own answer: its note */
        unsigned long long e = strtoull(k + 8, NULL, 10);
        return e >= 1 && e <= m->n_events ? (size_t)(e - 1) : i;
    }
    return SIZE_MAX;
}

bool
view_fixed_answer_hidden(const struct view_model *m, const struct view_state *st, size_t s)
{
    if (s >= m->scn->n_steps || m->scn->steps[s].kind != SCN_STEP_ASK ||
        m->scn->steps[s].ask.kind != SCN_ASK_FIXED)
        return false;
    char answer[8];
    size_t at = view_ask_answer(m, s, answer, sizeof answer);
    return at == SIZE_MAX || st->cursor < at;
}

const char *
view_step_text(const struct view_model *m, const struct view_state *st, size_t s, char *buf,
               size_t n)
{
    const char *text = m->scn->steps[s].text;
    if (!view_fixed_answer_hidden(m, st, s))
        return text;
    /* the last " answer " is the keyword: only the number follows it */
    const char *kw = NULL;
    for (const char *p = strstr(text, " answer "); p != NULL; p = strstr(p + 1, " answer "))
        kw = p;
    if (kw == NULL)
        return text;
    snprintf(buf, n, "%.*s answer ?", (int)(kw - text), text);
    return buf;
}

bool
view_event_hides_answer(const struct view_model *m, const struct view_state *st,
                        const struct record_event *ev)
{
    static const char head[] = "answer to step ";
    if (ev->kind != TRACE_NOTE || ev->layer != LAYER_APP ||
        strncmp(ev->text, head, sizeof head - 1) != 0)
        return false;
    char *end;
    unsigned long step = strtoul(ev->text + sizeof head - 1, &end, 10);
    return end[0] == ':' && step >= 1 && view_fixed_answer_hidden(m, st, (size_t)step - 1);
}

/* ---- filter and moves ---------------------------------------------------- */

static bool
word_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* Whether the frame in ev carries protocol name p ("arp", "ip", "udp"...). */
static bool
frame_carries(const struct record_event *ev, const char *p)
{
    struct pkt_line lines[PKT_LINES_MAX];
    int n = view_decode(ev, lines, PKT_LINES_MAX);
    size_t pl = strlen(p);
    for (int i = 0; i < n; i++) {
        if (!lines[i].heading)
            continue;
        const char *t = lines[i].text;
        if (strncasecmp(t, p, pl) == 0 && (t[pl] == ' ' || t[pl] == '\0'))
            return true;
        if (word_eq(p, "ip") && strncmp(t, "IPv4", 4) == 0)
            return true;
        if (word_eq(p, "eth") && strncmp(t, "Ethernet", 8) == 0)
            return true;
    }
    return false;
}

/* The N of a filter "#N" (a packet as the panes number it), or 0. */
static uint64_t
filter_pkt_id(const char *f)
{
    if (f == NULL || f[0] != '#' || !isdigit((unsigned char)f[1]))
        return 0;
    uint64_t id = 0;
    for (const char *p = f + 1; *p; p++) {
        if (!isdigit((unsigned char)*p) || id > (UINT64_MAX - 9) / 10)
            return 0;
        id = id * 10 + (uint64_t)(*p - '0');
    }
    return id;
}

bool
view_filter_match(const struct view_model *m, const struct record_event *ev, const char *f)
{
    (void)m;
    if (f == NULL || f[0] == '\0')
        return true;
    uint64_t id = filter_pkt_id(f);
    if (id != 0 || f[0] == '#')
        return id != 0 && ev->pkt_id == id && view_event_is_packet(ev);
    if (ev->where != NULL && word_eq(ev->where, f))
        return true;
    if (word_eq(trace_layer_name(ev->layer), f))
        return true;
    if ((word_eq(f, "transport") && (ev->layer == LAYER_TCP || ev->layer == LAYER_UDP ||
                                     ev->layer == LAYER_ICMP)) ||
        (word_eq(f, "network") && (ev->layer == LAYER_IPV4 || ev->layer == LAYER_ARP)) ||
        (word_eq(f, "link") && ev->layer == LAYER_ETH) ||
        (word_eq(f, "drop") && ev->kind == TRACE_DROP))
        return true;
    return ev->bytes != NULL && frame_carries(ev, f);
}

void
view_filter_init(struct view_filter *vf, const struct view_model *m, const char *f)
{
    memset(vf, 0, sizeof *vf);
    vf->f = f != NULL ? f : "";
    vf->all = vf->f[0] == '\0';
    if (vf->all)
        return;
    for (size_t i = 0; i < m->n_wheres && i < sizeof vf->where_ok; i++)
        vf->where_ok[i] = word_eq(m->wheres[i], f);
    for (int l = 0; l < LAYER_COUNT; l++)
        if (word_eq(trace_layer_name((enum trace_layer)l), f))
            vf->layers |= (uint16_t)(1u << l);
    if (word_eq(f, "transport"))
        vf->layers |= 1u << LAYER_TCP | 1u << LAYER_UDP | 1u << LAYER_ICMP;
    if (word_eq(f, "network"))
        vf->layers |= 1u << LAYER_IPV4 | 1u << LAYER_ARP;
    if (word_eq(f, "link"))
        vf->layers |= 1u << LAYER_ETH;
    vf->drops = word_eq(f, "drop");
    vf->protos = view_word_protos(f);
    vf->pkt_id = filter_pkt_id(f);
    if (vf->pkt_id != 0 || f[0] == '#') {
        /* a packet: nothing else matches */
        memset(vf->where_ok, 0, sizeof vf->where_ok);
        vf->layers = 0;
        vf->drops = false;
        vf->protos = 0;
    }
}

bool
view_filter_hit(const struct view_model *m, const struct view_filter *vf, size_t i)
{
    if (vf->all)
        return i < m->n_events;
    if (i >= m->n_indexed) {
        /* not indexed yet (the log grew): the slow way */
        struct record_event ev;
        return vm_event(m, i, &ev) && view_filter_match(m, &ev, vf->f);
    }
    if (vf->f[0] == '#') {
        struct record_event ev;
        return vf->pkt_id != 0 && vm_event(m, i, &ev) && ev.pkt_id == vf->pkt_id &&
               view_event_is_packet(&ev);
    }
    const struct vm_key *k = &m->keys[i];
    unsigned kind = k->kl >> 4, layer = k->kl & 15;
    if (k->where < sizeof vf->where_ok ? vf->where_ok[k->where] : word_eq(m->wheres[k->where], vf->f))
        return true;
    if ((vf->layers >> layer & 1u) || (vf->drops && kind == TRACE_DROP) || (k->protos & vf->protos))
        return true;
    if (k->protos & VM_P_OTHER) {
        struct record_event ev;
        return vm_event(m, i, &ev) && frame_carries(&ev, vf->f);
    }
    return false;
}

/* Whether key k might pass vf: true for certain unless it is a frame with a
 * header the keys do not name (then view_filter_hit() decodes it). */
static inline bool
key_hit(const struct view_filter *vf, struct vm_key k)
{
    unsigned kind = (unsigned)k.kl >> 4, layer = k.kl & 15u;
    return (k.where < sizeof vf->where_ok && vf->where_ok[k.where]) ||
           (vf->layers >> layer & 1u) || (vf->drops && kind == TRACE_DROP) ||
           (k.protos & vf->protos) || k.where >= sizeof vf->where_ok ||
           (k.protos & VM_P_OTHER);
}

size_t
view_filter_find(const struct view_model *m, const struct view_filter *vf, size_t i, int dir)
{
    if (vf->all)
        return i < m->n_events ? i : SIZE_MAX;
    if (vf->f[0] == '#') {
        /* a packet: its id is in each event, not in the 4-byte keys, so
         * every event is read */
        for (; i < m->n_events; i += dir > 0 ? 1 : (size_t)-1) {
            if (view_filter_hit(m, vf, i))
                return i;
            if (dir < 0 && i == 0)
                break;
        }
        return SIZE_MAX;
    }
    /* the indexed part in a tight loop over 4-byte keys, then the rest */
    while (i < m->n_events) {
        if (i < m->n_indexed) {
            const struct vm_key *keys = m->keys;
            if (dir > 0)
                while (i < m->n_indexed && !key_hit(vf, keys[i]))
                    i++;
            else
                while (i != SIZE_MAX && !key_hit(vf, keys[i]))
                    i--;
            if (i == SIZE_MAX || i >= m->n_events)
                return SIZE_MAX;
            if (i >= m->n_indexed)
                continue;
        }
        if (view_filter_hit(m, vf, i))
            return i;
        if (dir < 0 && i == 0)
            return SIZE_MAX;
        i += dir > 0 ? 1 : (size_t)-1;
    }
    return SIZE_MAX;
}

/* Whether a call event's text is a call still pending: `connect(...) ...`. */
static bool
call_pending(const char *text)
{
    size_t n = strlen(text);
    return n >= 5 && strcmp(text + n - 5, ") ...") == 0;
}

/* Whether event ev is a call line of the same call as sel (host, step, call). */
static bool
same_call(const struct record_event *ev, const struct record_event *sel)
{
    return ev->kind == TRACE_CALL && ev->host == sel->host && ev->cause.kind == CAUSE_CALL &&
           ev->cause.step == sel->cause.step && ev->cause.call == sel->cause.call;
}

/* The other half of blocking call event i (the pending line and its return
 * share host, step and call, and a foreground call returns within its
 * step): forward from a pending line, back from a return. SIZE_MAX when it
 * has none (a call that did not wait). */
static size_t
call_partner(const struct view_model *m, size_t i, const struct record_event *sel)
{
    if (sel->kind != TRACE_CALL)
        return SIZE_MAX;
    struct record_event ev;
    uint32_t step = sel->cause.step;
    if (sel->cause.kind != CAUSE_CALL || step == 0 || step > m->n_steps)
        return SIZE_MAX;
    size_t lo = m->step_start[step - 1], hi = m->step_start[step];
    if (call_pending(sel->text)) {
        for (size_t k = i + 1; k < hi; k++)
            if (vm_event(m, k, &ev) && same_call(&ev, sel))
                return call_pending(ev.text) ? SIZE_MAX : k;
        return SIZE_MAX;
    }
    for (size_t k = i; k-- > lo;)
        if (vm_event(m, k, &ev) && same_call(&ev, sel))
            return call_pending(ev.text) ? k : SIZE_MAX;
    return SIZE_MAX;
}

/* How the runner makes each blocking call out of non-blocking tries
 * (sim/scenario/run_jobs.c): what the student did not write but may ask.
 * Short, so the sentence with it fits the projector's three lines. */
static const char *
call_mechanics(enum socket_call call)
{
    switch (call) {
    case CALL_CONNECT:
        return "Underneath: connect() = -1 EINPROGRESS, poll() until writable, "
               "getsockopt(SO_ERROR) [RFC 9293 3.10.1]";
    case CALL_SEND:
        return "Underneath: send() of what fits, poll() until writable, again "
               "[RFC 9293 3.10.2]";
    case CALL_CLOSE:
        return "Underneath: close() = -1 EINPROGRESS (SO_LINGER), a wait for the "
               "peer's ACK or the linger time [RFC 9293 3.10.4]";
    default:
        return "Underneath: tried again when its socket was ready";
    }
}

bool
view_call_returns(const struct view_model *m, size_t i)
{
    struct record_event ev;
    return vm_event(m, i, &ev) && !call_pending(ev.text) && call_partner(m, i, &ev) != SIZE_MAX;
}

int
view_call_detail(const struct view_model *m, size_t i, char *buf, size_t n)
{
    struct record_event sel, other;
    buf[0] = '\0';
    if (n == 0 || !vm_event(m, i, &sel) || sel.kind != TRACE_CALL)
        return 0;
    size_t k = call_partner(m, i, &sel);
    if (k == SIZE_MAX || !vm_event(m, k, &other))
        return 0;
    const struct record_event *start = k < i ? &other : &sel;
    const struct record_event *end = k < i ? &sel : &other;
    uint64_t waited_us = (end->t_ns - start->t_ns) / 1000;
    const char *mech = call_mechanics((enum socket_call)sel.cause.call);
    if (k > i) {
        const char *result = strstr(end->text, ") = ");
        return snprintf(buf, n, "Blocks until %" PRIu64 ".%06" PRIu64 " s (event %zu): %s. %s.",
                        end->t_ns / 1000000000, end->t_ns / 1000 % 1000000, k + 1,
                        result != NULL ? result + 2 : end->text, mech);
    }
    return snprintf(buf, n, "Blocked %" PRIu64 ".%03" PRIu64 " ms, since event %zu. %s.",
                    waited_us / 1000, waited_us % 1000, k + 1, mech);
}

/* Whether a `say` text ends its sentence (the next one starts a line). */
static bool
say_ends_sentence(const char *t)
{
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '"' || t[n - 1] == '\'' || t[n - 1] == ')'))
        n--;
    return n == 0 || t[n - 1] == '.' || t[n - 1] == '!' || t[n - 1] == '?';
}

int
view_wrap_says(const struct scenario *scn, size_t begin, size_t end, int w,
               void (*out)(void *ctx, const char *line, size_t len), void *ctx)
{
    /* a sentence the last say leaves open ends in the says that follow it:
     * shown whole from its first part on */
    while (end > begin && end < scn->n_steps && scn->steps[end].kind == SCN_STEP_SAY &&
           scn->steps[end - 1].kind == SCN_STEP_SAY &&
           !say_ends_sentence(scn->steps[end - 1].say.text))
        end++;
    size_t total = 1;
    for (size_t i = begin; i < end; i++)
        if (scn->steps[i].kind == SCN_STEP_SAY)
            total += strlen(scn->steps[i].say.text) + 1;
    char *para = malloc(total);
    int lines = 0;
    if (para == NULL) {
        /* no room to join: each text on its own, as written */
        for (size_t i = begin; i < end; i++)
            if (scn->steps[i].kind == SCN_STEP_SAY)
                lines += grid_wrap(scn->steps[i].say.text, w, out, ctx);
        return lines;
    }
    size_t len = 0;
    for (size_t i = begin; i < end; i++) {
        if (scn->steps[i].kind != SCN_STEP_SAY)
            continue;
        const char *t = scn->steps[i].say.text;
        if (len > 0)
            para[len++] = ' ';
        memcpy(para + len, t, strlen(t));
        len += strlen(t);
        para[len] = '\0';
        /* a sentence that goes on in the next `say` goes on in the same
         * paragraph: wrapped as one text, never left as a fragment */
        if (say_ends_sentence(t) || i + 1 == end) {
            lines += grid_wrap(para, w, out, ctx);
            len = 0;
        }
    }
    if (len > 0)
        lines += grid_wrap(para, w, out, ctx);
    free(para);
    return lines;
}

size_t
view_cause_event(const struct view_model *m, size_t i)
{
    struct record_event sel, ev;
    if (!vm_event(m, i, &sel))
        return SIZE_MAX;
    const struct trace_cause *c = &sel.cause;
    switch (c->kind) {
    case CAUSE_ARRIVAL: {
        /* the arrival's latest event on this host, else anywhere */
        size_t any = SIZE_MAX;
        for (size_t k = i; k-- > 0;) {
            if (!vm_event(m, k, &ev) || ev.pkt_id != c->pkt_id)
                continue;
            if (sel.host < 0 || ev.host == sel.host)
                return k;
            if (any == SIZE_MAX)
                any = k;
        }
        return any;
    }
    case CAUSE_TIMER:
        /* the expiry: the timer's own event, which names it as its cause */
        for (size_t k = i; k-- > 0;)
            if (vm_event(m, k, &ev) && ev.kind == TRACE_TIMER && ev.host == sel.host &&
                ev.cause.kind == CAUSE_TIMER && ev.cause.timer == c->timer)
                return k;
        return SIZE_MAX;
    case CAUSE_CALL: {
        if (c->step == 0 || c->step > m->n_steps)
            return SIZE_MAX;
        /* the call in its step on this host (logged when it returns, so
         * perhaps after the packets it sent); else the step's first event */
        size_t s = c->step - 1, end = m->step_start[s + 1];
        for (size_t k = m->step_start[s]; k < end; k++)
            if (k != i && vm_event(m, k, &ev) && ev.kind == TRACE_CALL &&
                (sel.host < 0 || ev.host == sel.host))
                return k;
        return m->step_start[s] != i ? m->step_start[s] : SIZE_MAX;
    }
    default:
        return SIZE_MAX;
    }
}

size_t
view_next_event(const struct view_model *m, const struct view_state *st)
{
    struct view_filter vf;
    view_filter_init(&vf, m, st->filter);
    size_t i = view_filter_find(m, &vf, st->cursor + 1, 1);
    return i != SIZE_MAX ? i : st->cursor;
}

size_t
view_prev_event(const struct view_model *m, const struct view_state *st)
{
    struct view_filter vf;
    view_filter_init(&vf, m, st->filter);
    size_t i = st->cursor > 0 ? view_filter_find(m, &vf, st->cursor - 1, -1) : SIZE_MAX;
    return i != SIZE_MAX ? i : st->cursor;
}

size_t
view_next_step(const struct view_model *m, size_t cursor)
{
    if (m->n_events == 0)
        return 0;
    size_t s = vm_step_of(m, cursor);
    if (s + 1 < m->n_steps)
        return m->step_start[s + 1];
    return m->n_events - 1;
}

size_t
view_prev_step(const struct view_model *m, size_t cursor)
{
    size_t s = vm_step_of(m, cursor);
    if (m->n_steps == 0)
        return 0;
    if (cursor > m->step_start[s])
        return m->step_start[s];
    return s > 0 ? m->step_start[s - 1] : 0;
}

/* ---- jump to a time ------------------------------------------------------ */

bool
view_parse_time(const char *s, uint64_t now_ns, uint64_t *out_ns)
{
    while (*s == ' ')
        s++;
    int sign = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '+' ? 1 : -1;
    while (*s == ' ')
        s++;
    /* whole and fraction apart, in integers: "1.5s" is exactly 1500000000 ns */
    uint64_t whole = 0, frac = 0, frac_div = 1;
    bool digits = false;
    for (; isdigit((unsigned char)*s); s++, digits = true) {
        if (whole > (UINT64_MAX - 9) / 10)
            return false;
        whole = whole * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++, digits = true) {
            if (frac_div < 1000000000u) {  /* below a nanosecond is noise */
                frac = frac * 10 + (uint64_t)(*s - '0');
                frac_div *= 10;
            }
        }
    }
    if (!digits)
        return false;
    while (*s == ' ')
        s++;
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { "", 1000000000 } };
    uint64_t unit = 0;
    size_t ul = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        ul = strlen(units[i].name);
        if (strncmp(s, units[i].name, ul) == 0) {
            unit = units[i].ns;
            break;
        }
    }
    s += ul;
    while (*s == ' ')
        s++;
    if (unit == 0 || *s != '\0' || whole > UINT64_MAX / unit)
        return false;
    uint64_t t = whole * unit + frac * unit / frac_div;
    if (sign > 0)
        t = t > UINT64_MAX - now_ns ? UINT64_MAX : now_ns + t;
    else if (sign < 0)
        t = t > now_ns ? 0 : now_ns - t;
    *out_ns = t;
    return true;
}

size_t
view_time_event(const struct view_model *m, const struct view_state *st, uint64_t t_ns)
{
    if (m->n_events == 0)
        return st->cursor;
    /* The log is in time order (virtual time never runs backwards), so the
     * first event at or after t_ns is a binary search away. */
    size_t lo = 0, hi = m->n_events;
    struct record_event ev;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vm_event(m, mid, &ev) && ev.t_ns < t_ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct view_state probe = *st;
    struct view_filter vf;
    view_filter_init(&vf, m, st->filter);
    if (lo < m->n_events && view_filter_hit(m, &vf, lo))
        return lo;
    probe.cursor = lo < m->n_events ? lo : m->n_events - 1;
    size_t next = view_next_event(m, &probe);
    if (next != probe.cursor)
        return next;
    /* nothing at or after it passes the filter: the last one before that does */
    if (lo == m->n_events && view_filter_hit(m, &vf, probe.cursor))
        return probe.cursor;
    size_t prev = view_prev_event(m, &probe);
    return prev != probe.cursor ? prev : st->cursor;
}

/* ---- header, key bar, help ---------------------------------------------- */

void
view_render_header(const struct view_model *m, const struct view_state *st,
                   const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    grid_fill(g, r, ' ', ROLE_HEADER);
    struct record_event ev;
    uint64_t t = vm_event(m, st->cursor, &ev) ? ev.t_ns : 0;
    char right[160];
    char play[48];
    if (o->recording > 0)  /* the lesson is still being recorded behind the view
                              (below 100 columns a million-event count fits
                              only without the word) */
        snprintf(play, sizeof play, "recording%s %zu%s", o->utf8 ? "\u2026" : "...",
                 o->recording, r.w >= 100 ? " events" : "");
    else if (st->playing)
        snprintf(play, sizeof play, "PLAYING %u/s", view_speed_eps[st->speed]);
    else if (vm_realtime(m))
        snprintf(play, sizeof play, "LIVE");  /* on a real wire: the log grows by itself */
    else
        snprintf(play, sizeof play, "PAUSED");
    size_t step = vm_step_of(m, st->cursor);
    snprintf(right, sizeof right, "t=%" PRIu64 ".%06" PRIu64 " s  event %zu/%zu  step %zu/%zu  %s%s ",
             t / 1000000000u, t % 1000000000u / 1000u, m->n_events ? st->cursor + 1 : 0,
             m->n_events, m->n_steps ? step + 1 : 0, m->n_steps, play,
             o->osi ? "  model: OSI" : (r.w >= 120 ? "  model: TCP/IP" : ""));
    int rw = (int)strlen(right);
    if (o->recording > 0 && o->utf8)
        rw -= 2;  /* the ellipsis: three bytes, one column */
    int x = r.x;
    x += grid_text(g, x, r.y, r.w, " netstep  ", ROLE_HEADER);
    const char *title = m->scn->title != NULL ? m->scn->title : m->scn->name;
    int room = r.w - (x - r.x) - rw - 1;
    if (room > 3) {
        int tl = (int)strlen(title);
        x += grid_text(g, x, r.y, room, title, ROLE_HEADER);
        if (tl > room)
            grid_put(g, x - 1, r.y, o->utf8 ? 0x2026 : '~', ROLE_HEADER);
    }
    grid_text(g, r.x + r.w - rw, r.y, rw, right, ROLE_HEADER);
}

struct keyhelp {
    const char *key;   /* as the key bar shows it */
    const char *what;  /* short, for the key bar */
    const char *help;  /* for the help screen */
};

static const struct keyhelp keys[] = {
    { "space", "event", "space or n: one event forward; b or Backspace: one back" },
    { "s", "step", "s: to the next step of the script (a socket call); S: one step back" },
    { "b", "back", NULL },
    { "S", "step back", NULL },
    { "p", "play", "p: play or pause (play stops at a pause); [ and ]: slower, faster" },
    { "[ ]", "speed", NULL },
    { "g G", "first/last", "g, G: the first, the last event; c: the event that caused this one" },
    { "tab", "pane", "tab: focus the next pane (events, packet, bytes, sockets)" },
    { "/", "filter", "/: show a host, layer, protocol or packet (#4) only; Esc ends" },
    { "t", "TCP states", "t T L C M: TCP states, all TCBs, ladder, cwnd plot, map (again: back)" },
    { ":", "call", ":: run a script line now (Tab completes, :w FILE saves)" },
    { "@", "time", "@: jump to a time: 1.5s, 250ms, +10ms or -1s, then Enter" },
    { "m", "mark", "m a-z: bookmark this event; ' a-z: back to it ('': before the jump)" },
    { "'", "to mark", NULL },
    { "T", "connections", NULL },
    { "c", "cause", NULL },
    { "i", "intro", "i: the lesson's introduction again" },
    { "o", "OSI", "o: layer names OSI or TCP/IP (both below)" },
    { "P", "projector", "P: the projector layout (large fonts; also --projector)" },
    { NULL, NULL, "up, down: a field, a socket, else an event; Enter folds a layer" },
    { NULL, NULL, "< >: scroll the host columns when not all fit" },
    /* A question card takes the keys first (tui.c, key_ask_card()): what a
     * student types is the answer, except the teacher's keys while nothing
     * is typed yet. */
    { NULL, NULL, "typing: on a question card, an answer; Enter checks it, Esc closes" },
    { NULL, NULL, "1-9 r p: on a card, the teacher picks a choice, r reveals, p plays on" },
    { "?", "help", "?: this help (any key closes it); q: quit" },
    { "q", "quit", NULL },
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* The ':' line, and what the last line did (until the next key). */
static bool
render_cmdline(const struct view_state *st, struct grid *g, struct grid_rect r)
{
    const struct cmdline *cl = &st->cmd;
    if (cl->active) {
        /* the end of a long line stays in sight */
        int room = r.w - 3;
        const char *shown = cl->text;
        if ((int)cl->len > room && room > 0)
            shown += cl->len - (size_t)room;
        int x = r.x + grid_text(g, r.x, r.y, r.w, ":", ROLE_KEY);
        x += grid_text(g, x, r.y, r.w - (x - r.x), shown, ROLE_KEYBAR);
        grid_put(g, x, r.y, '_', ROLE_KEY);
        if (cl->msg_error && cl->err_col > 0 && shown == cl->text &&
            (int)cl->err_col <= (int)cl->len)
            grid_paint(g, r.x + (int)cl->err_col, r.y, 1, ROLE_DROP);
        return true;
    }
    if (cl->msg[0] == '\0')
        return false;
    grid_text(g, r.x + 1, r.y, r.w - 1, cl->msg, cl->msg_error ? ROLE_DROP : ROLE_KEYBAR);
    return true;
}

/* The key bar while a mark key waits for its letter: the marks in use. */
static void
keybar_marks(const struct view_model *m, const struct view_state *st, struct grid *g,
             struct grid_rect r)
{
    bool jump = st->pending == '\'';
    int x = r.x + grid_text(g, r.x, r.y, r.w, jump ? " to mark: " : " set mark: ", ROLE_KEY);
    x += grid_text(g, x, r.y, r.w - (x - r.x), jump ? "press its letter" : "press a-z",
                   ROLE_KEYBAR);
    if (jump && st->have_jump) {
        x += grid_text(g, x + 2, r.y, r.w - (x + 2 - r.x), "'", ROLE_KEY) + 2;
        x += grid_text(g, x + 1, r.y, r.w - (x + 1 - r.x), "before the jump", ROLE_KEYBAR) + 1;
    }
    if (st->marks_set == 0) {
        grid_text(g, x + 2, r.y, r.w - (x + 2 - r.x), "(no marks yet)", ROLE_DIM);
        return;
    }
    for (int i = 0; i < VIEW_MARKS && x < r.x + r.w; i++) {
        if (!(st->marks_set & (1u << i)))
            continue;
        struct record_event ev;
        uint64_t t = vm_event(m, st->marks[i], &ev) ? ev.t_ns : 0;
        char letter[2] = { (char)('a' + i), '\0' };
        char at[48];
        snprintf(at, sizeof at, "%" PRIu64 ".%06" PRIu64 "s #%zu", t / 1000000000u,
                 t % 1000000000u / 1000u, st->marks[i] + 1);
        x += 2;
        x += grid_text(g, x, r.y, r.w - (x - r.x), letter, ROLE_KEY) + 1;
        x += grid_text(g, x, r.y, r.w - (x - r.x), at, ROLE_KEYBAR);
    }
}

bool
view_render_jumpbar(const struct view_model *m, const struct view_state *st, struct grid *g,
                    struct grid_rect r)
{
    if (st->pending != 'm' && st->pending != '\'' && !st->editing_time && st->note[0] == '\0')
        return false;
    grid_fill(g, r, ' ', ROLE_KEYBAR);
    if (st->pending == 'm' || st->pending == '\'') {
        keybar_marks(m, st, g, r);
        return true;
    }
    if (st->editing_time) {
        int x = r.x + grid_text(g, r.x, r.y, r.w, " jump to time: ", ROLE_KEY);
        x += grid_text(g, x, r.y, r.w - (x - r.x), st->time_input, ROLE_KEYBAR);
        grid_put(g, x, r.y, '_', ROLE_KEY);
        grid_text(g, x + 2, r.y, r.w - (x + 2 - r.x),
                  "  1.5s  250ms  +10ms  -1s; Enter jumps, Esc cancels", ROLE_KEYBAR);
        return true;
    }
    grid_text(g, r.x + 1, r.y, r.w - 1, st->note, ROLE_KEYBAR);
    return true;
}

void
view_render_keybar(const struct view_state *st, struct grid *g, struct grid_rect r)
{
    grid_fill(g, r, ' ', ROLE_KEYBAR);
    if (render_cmdline(st, g, r))
        return;
    if (st->editing_filter) {
        int x = r.x + grid_text(g, r.x, r.y, r.w, " filter: ", ROLE_KEY);
        x += grid_text(g, x, r.y, r.w - (x - r.x), st->filter, ROLE_KEYBAR);
        grid_put(g, x, r.y, '_', ROLE_KEY);
        grid_text(g, x + 2, r.y, r.w - (x + 2 - r.x),
                  "  host, layer or protocol; Enter keeps it, Esc clears", ROLE_KEYBAR);
        return;
    }
    /* Which keys show, by what a first-timer needs most: '?' always (it
     * lists the rest), then stepping, back, quit, the panes and the line
     * keys; each taken if it still fits whole, then drawn in the table's
     * order so the bar reads the same at every width. */
    static const char *const priority[] = { "?", "space", "s", "b", "q", "tab", "/", ":",
                                            "@", "m", "t", "S", "p", "g G", "[ ]", "'" };
    bool shown[N_KEYS] = { false };
    int used = 1;
    for (size_t p = 0; p < sizeof priority / sizeof priority[0]; p++)
        for (size_t i = 0; i < N_KEYS; i++) {
            if (keys[i].key == NULL || strcmp(keys[i].key, priority[p]) != 0)
                continue;
            int need = (int)(strlen(keys[i].key) + strlen(keys[i].what) + 3);
            if (used + need - 2 <= r.w || p == 0) {  /* the last gap may fall off */
                shown[i] = true;
                used += need;
            }
        }
    int x = r.x + 1;
    for (size_t i = 0; i < N_KEYS; i++) {
        if (!shown[i])
            continue;
        x += grid_text(g, x, r.y, r.w - (x - r.x), keys[i].key, ROLE_KEY);
        x++;
        x += grid_text(g, x, r.y, r.w - (x - r.x), keys[i].what, ROLE_KEYBAR);
        x += 2;
    }
}

/* The layers pane's rows under both models, side by side, as the pane
 * labels them (the socket layer is where OSI puts its session layer). */
static const char *const layer_models[] = {
    "TCP/IP  App      Socket     Transport    Network    Link",
    "OSI     7-6 App  5 Session  4 Transport  3 Network  2-1 Link",
};
#define N_LAYER_MODELS (sizeof layer_models / sizeof layer_models[0])

void
view_render_help(const struct view_opts *o, struct grid *g, struct grid_rect r)
{
    const struct grid_glyphs *gl = grid_glyphs(o->utf8);
    grid_fill(g, r, ' ', ROLE_NORMAL);
    grid_box(g, r, "help: every key", ROLE_FOCUS, gl);
    int y = r.y + 1, x = r.x + 2, w = r.w - 4;
    static const char *const intro[] = {
        "The view replays a recorded lesson. The cursor is one event of the log;",
        "every pane shows the lesson as of that event, so going back shows the",
        "same screen again.",
        "",
    };
    int n_help = 0;
    for (size_t i = 0; i < N_KEYS; i++)
        n_help += keys[i].help != NULL;
    /* On a short screen the keys and the layer models come first: the
     * introduction only if all fit. */
    int n_intro = (int)(sizeof intro / sizeof intro[0]);
    if (n_help + (int)N_LAYER_MODELS + n_intro <= r.h - 2)
        for (int i = 0; i < n_intro; i++)
            grid_text(g, x, y++, w, intro[i], ROLE_NORMAL);
    /* the keys' column as wide as the longest key name, and a gap */
    int kw = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        if (keys[i].help == NULL)
            continue;
        int kl = (int)strcspn(keys[i].help, ":") + 2;
        kw = kl > kw ? kl : kw;
    }
    int y_keys_end = r.y + r.h - 1 - (int)N_LAYER_MODELS;
    for (size_t i = 0; i < N_KEYS && y < y_keys_end; i++) {
        const char *h = keys[i].help;
        if (h == NULL)
            continue;
        const char *colon = strstr(h + 1, ": ");  /* after the key, which may be ':' */
        int kl = colon ? (int)(colon - h) : 0;
        char key[40];
        snprintf(key, sizeof key, "%.*s", kl, h);
        grid_text(g, x, y, kw, key, ROLE_KEY);
        grid_text(g, x + kw, y, w - kw, colon ? colon + 2 : h, ROLE_NORMAL);
        y++;
    }
    /* OSI and TCP/IP side by side, the one the layers pane uses lit */
    if (y + (int)N_LAYER_MODELS < r.y + r.h - 1)
        y++;
    for (size_t i = 0; i < N_LAYER_MODELS && y < r.y + r.h - 1; i++, y++) {
        grid_text(g, x, y, w, layer_models[i], (i == 1) == o->osi ? ROLE_SELECTED : ROLE_NORMAL);
        grid_paint(g, x, y, 6, ROLE_KEY);
    }
    if (y + 1 < r.y + r.h - 1)
        grid_text(g, x, y + 1, w, "Layers: out reads top-down, in reads bottom-up.", ROLE_DIM);
}

/* ---- the whole screen ---------------------------------------------------- */

/* The body (between the header and the key bar) is split by height in
 * twenty-seconds: 10 for script and layers, 5 for the events, the rest for
 * the packet panes: at 80x24, a body of 22 rows, 10, 5 and 7. */
#define BODY_PARTS 22
#define TOP_PARTS 10
#define EVENTS_PARTS 5
#define BODY_MIN_H 6     /* shorter: header and key bar only */
#define TOP_MIN_H 9      /* the box, the host names and the five layer rows,
                            the sentence: when the body has 20 rows for it */
#define EVENTS_MIN_H 4   /* the box and two events */
#define BOTTOM_MIN_H 3   /* less: no packet panes, the events take the rows */
/* The script pane: a third of the width, within these bounds. */
#define SCRIPT_MIN_W 24
#define SCRIPT_MAX_W 48
/* The bytes pane: 8 bytes a row (hex and ASCII), or 16 on a very wide screen. */
#define BYTES_W 40
#define BYTES_WIDE_W 74
#define BYTES_WIDE_MIN_SCREEN_W 200
/* From this width the sockets pane sits beside packet and bytes, taking 2/5
 * of what the bytes leave; below it, it shares the bytes pane's place. */
#define SOCKETS_BESIDE_MIN_SCREEN_W 140

#define CMD_MSG_ROWS_MAX 3   /* a command line's error, wrapped above it */
#define CMD_MSG_LINE 256

/* A command line's error, wrapped. */
struct msg_lines {
    char line[CMD_MSG_ROWS_MAX][CMD_MSG_LINE];
    int n;
};

static void
msg_add(void *ctx, const char *line, size_t len)
{
    struct msg_lines *ml = ctx;
    if (ml->n < CMD_MSG_ROWS_MAX) {
        snprintf(ml->line[ml->n], sizeof ml->line[ml->n], "%.*s", (int)len, line);
        ml->n++;
    }
}

void
view_render(const struct view_model *m, const struct view_state *st,
            const struct view_opts *o_in, struct grid *g)
{
    int W = g->w, H = g->h;
    /* 'o' shows the other layer model than the command line chose */
    struct view_opts o_flip = *o_in;
    o_flip.osi = o_in->osi != st->osi_flip;
    const struct view_opts *o = &o_flip;
    grid_clear(g);
    g->ascii = !o->utf8;
    if (st->projector) {
        view_render_header(m, st, o, g, (struct grid_rect){ 0, 0, W, 1 });
        view_render_projector(m, st, o, g);
        return;
    }
    view_render_header(m, st, o, g, (struct grid_rect){ 0, 0, W, 1 });
    if (!view_render_jumpbar(m, st, g, (struct grid_rect){ 0, H - 1, W, 1 }))
        view_render_keybar(st, g, (struct grid_rect){ 0, H - 1, W, 1 });
    /* An empty ':' line says what it takes, with one of the lesson's own
     * hosts: a first-timer has not read the scenario language. */
    if (st->cmd.active && st->cmd.len == 0 && vm_n_hosts(m) > 0) {
        char hint[160];
        snprintf(hint, sizeof hint,
                 "a script line, e.g.  %s: s = socket tcp   Tab completes, Esc cancels",
                 vm_host_name(m, 0));
        grid_text(g, 4, H - 1, W - 5, hint, ROLE_KEYBAR);
    }
    int bh = H - 2;
    /* an open command line's error or completions, just above it, wrapped
     * whole (a long error cut at the edge hid what to mend) */
    if (st->cmd.active && st->cmd.msg[0] != '\0' && H >= 3) {
        struct msg_lines cl = { .n = 0 };
        grid_wrap(st->cmd.msg, W - 2, msg_add, &cl);
        int rows = cl.n;
        if (rows > H - 2)
            rows = H - 2;
        bh -= rows;
        for (int i = 0; i < rows; i++) {
            int y = H - 1 - rows + i;
            grid_fill(g, (struct grid_rect){ 0, y, W, 1 }, ' ', ROLE_NORMAL);
            grid_text(g, 1, y, W - 2, cl.line[i], st->cmd.msg_error ? ROLE_DROP : ROLE_NORMAL);
        }
    }
    if (bh < BODY_MIN_H)
        return;
    if (st->help) {
        view_render_help(o, g, (struct grid_rect){ 0, 1, W, bh });
        return;
    }
    if (st->card != VIEW_CARD_NONE) {
        /* the screen as it is, the card over it */
        struct view_state under = *st;
        under.card = VIEW_CARD_NONE;
        view_render(m, &under, o_in, g);
        view_render_card(m, st, o, g, (struct grid_rect){ 0, 1, W, bh });
        return;
    }
    int top_h = bh * TOP_PARTS / BODY_PARTS, ev_h = bh * EVENTS_PARTS / BODY_PARTS;
    if (top_h < TOP_MIN_H)
        top_h = bh >= 20 ? TOP_MIN_H : bh / 2;
    if (ev_h < EVENTS_MIN_H)
        ev_h = EVENTS_MIN_H;
    int bot_h = bh - top_h - ev_h;
    if (bot_h < BOTTOM_MIN_H) {
        ev_h += bot_h;
        bot_h = 0;
    }
    int script_w = W / 3;
    if (script_w < SCRIPT_MIN_W)
        script_w = SCRIPT_MIN_W;
    if (script_w > SCRIPT_MAX_W)
        script_w = SCRIPT_MAX_W;
    view_render_script(m, st, o, g, (struct grid_rect){ 0, 1, script_w, top_h });
    view_render_layers(m, st, o, g, (struct grid_rect){ script_w, 1, W - script_w, top_h });
    view_render_events(m, st, o, g, (struct grid_rect){ 0, 1 + top_h, W, ev_h });
    if (bot_h == 0)
        return;
    int y = 1 + top_h + ev_h;
    if (st->tcp_states) {
        view_render_tcp_states(m, st, o, g, (struct grid_rect){ 0, y, W, bot_h });
        return;
    }
    if (st->conn_table) {
        view_render_conns(m, st, o, g, (struct grid_rect){ 0, y, W, bot_h });
        return;
    }
    if (st->ladder || st->plot || st->map) {
        /* the pictures of docs/pictures.md, drawn with characters */
        struct grid_rect below = { 0, y, W, bot_h };
        if (st->ladder)
            view_render_ladder(m, st, o, g, below);
        else if (st->plot)
            view_render_plot(m, st, o, g, below);
        else
            view_render_map(m, st, o, g, below);
        return;
    }
    int bytes_w = W >= BYTES_WIDE_MIN_SCREEN_W ? BYTES_WIDE_W : BYTES_W;
    if (W >= SOCKETS_BESIDE_MIN_SCREEN_W) {
        int sock_w = (W - bytes_w) * 2 / 5;
        int pkt_w = W - bytes_w - sock_w;
        view_render_packet(m, st, o, g, (struct grid_rect){ 0, y, pkt_w, bot_h });
        view_render_bytes(m, st, o, g, (struct grid_rect){ pkt_w, y, bytes_w, bot_h });
        view_render_sockets(m, st, o, g, (struct grid_rect){ pkt_w + bytes_w, y, sock_w, bot_h });
    } else {
        int pkt_w = W - bytes_w;
        view_render_packet(m, st, o, g, (struct grid_rect){ 0, y, pkt_w, bot_h });
        /* an event without a packet has no bytes to show: show the
         * sockets instead, unless the bytes pane has the focus */
        struct record_event ev;
        bool no_bytes = vm_event(m, st->cursor, &ev) && ev.bytes == NULL;
        if (st->bottom_sockets || (no_bytes && st->focus != PANE_BYTES))
            view_render_sockets(m, st, o, g, (struct grid_rect){ pkt_w, y, bytes_w, bot_h });
        else
            view_render_bytes(m, st, o, g, (struct grid_rect){ pkt_w, y, bytes_w, bot_h });
    }
}
