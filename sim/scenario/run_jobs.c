/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_jobs.c - host calls: payload bytes, jobs (a blocking
 * call that waits, in the foreground or the background), waiting for the
 * world, and one function per call. A foreground blocking call is traced
 * once, as the script wrote it, not try by try (job_whole()).
 */
#include "sim/scenario/run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_app.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/tcp_cc.h"
#include "stack/wire/addr.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"

/* ------------------------------------------------------------------------ */
/* The steps. Each returns the call's result (>= 0 or -ERR_*). */

static bool is_stream(struct scn_runner *r, const struct scn_step *st);
static bool is_local(struct scn_runner *r, const struct scn_step *st);

/* The most a stream call moves in one step: its result is an int, as
 * send(2) and recv(2) return at most SSIZE_MAX (here 2 GiB - 1). */
#define STREAM_MAX SCN_STREAM_MAX

/* The most of `bytes N` offered to one sock_send: the pattern repeats every
 * 26 bytes, so one buffer of GEN_CHUNK + 26 bytes serves every offset and a
 * payload of any size costs this much memory. It is the old limit of
 * `bytes N`, so a payload up to it is offered whole, as it always was. */
#define GEN_CHUNK ((size_t)SCN_LEN_MAX)

/* The largest buffer a streamed recv all offers: more than a receive buffer
 * holds (SO_RCVBUF is at most 16 MiB), so a recv is never cut short. */
#define STREAM_BUF ((size_t)SCN_LEN_MAX + 4096)

/* `bytes N`'s pattern at offset off: "abcdefghijklmnopqrstuvwxyz" repeated. */
static void
fill_pattern(uint8_t *b, size_t n, uint64_t off)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)('a' + (off + i) % 26);
}

/* Whether an `expect d sha256 HEX` reads the digest of data variable d: a
 * streamed recv all hashes what it reads only then (hashing a gigabyte
 * costs as much as moving it through the stack). */
static bool
dvar_needs_digest(const struct scenario *scn, int d)
{
    for (size_t i = 0; i < scn->n_steps; i++) {
        const struct scn_step *st = &scn->steps[i];
        if (st->kind == SCN_STEP_EXPECT_BYTES && st->bytes.var == d && st->bytes.sha256)
            return true;
    }
    return false;
}

/* Whether some step needs the bytes data variable d holds, not just how many
 * there were and their SHA-256: a text or file comparison, a payload or an
 * address made from it. Without one, recv all streams (counts and hashes). */
static bool
dvar_needs_bytes(const struct scenario *scn, int d)
{
    for (size_t i = 0; i < scn->n_steps; i++) {
        const struct scn_step *st = &scn->steps[i];
        switch (st->kind) {
        case SCN_STEP_EXPECT:
            if (st->expect.dvar == d && st->expect.kind != SCN_EXPECT_LENGTH)
                return true;
            break;
        case SCN_STEP_EXPECT_BYTES:
            if (st->bytes.var == d && !st->bytes.sha256)
                return true;
            break;
        case SCN_STEP_SEND:
        case SCN_STEP_SENDTO:
            if (st->send.payload.app.from_dvar == d ||
                (st->kind == SCN_STEP_SENDTO && st->send.dest_dvar == d))
                return true;
            break;
        default:
            break;
        }
    }
    return false;
}

static uint64_t
step_timeout(const struct scn_step *st)
{
    return st->has_timeout ? st->timeout_ns : SCN_RUN_TIMEOUT_DEFAULT_NS;
}

/* An application payload's bytes (sim/scenario_app.c), reading the data
 * variable it names as it is now. */
uint8_t *
app_payload_bytes(struct scn_runner *r, const struct scn_payload *pl, size_t *len, char *why,
                  size_t why_len)
{
    struct scn_app_source src = { 0 };

    if (pl->app.from_dvar >= 0) {
        const struct scn_value *v = &r->values[pl->app.from_dvar];
        src = (struct scn_app_source){ .name = r->scn->dvars[pl->app.from_dvar].name,
                                       .set = v->set, .data = v->data, .len = v->len };
    }
    return scn_app_payload_build(pl, &src, len, why, why_len);
}

/* The bytes a send step carries; *owned is set when the caller must free. */
static uint8_t *
payload_bytes(struct scn_runner *r, const struct scn_payload *pl, size_t *len, bool *owned,
              char *why, size_t why_len)
{
    *owned = false;
    if (pl->kind >= SCN_PAYLOAD_WS_ACCEPT) {
        uint8_t *b = app_payload_bytes(r, pl, len, why, why_len);
        *owned = b != NULL;
        return b;
    }
    if (pl->kind == SCN_PAYLOAD_TEXT) {
        *len = pl->len;
        return pl->data;
    }
    if (pl->kind == SCN_PAYLOAD_DATA) {
        /* a copy: a background recv may write the variable while this
         * send is still under way */
        const struct scn_value *v = &r->values[pl->app.from_dvar];
        if (!v->set) {
            snprintf(why, why_len, "%s was never received", r->scn->dvars[pl->app.from_dvar].name);
            return NULL;
        }
        uint8_t *b = malloc(v->len + 1);
        if (b == NULL)
            return NULL;
        if (v->len > 0)
            memcpy(b, v->data, v->len);
        *len = v->len;
        *owned = true;
        return b;
    }
    if (pl->kind == SCN_PAYLOAD_FILL) {
        uint8_t *b = malloc(pl->len + 1);
        if (b == NULL)
            return NULL;
        /* A printable, recognisable pattern, so a capture shows where bytes
         * of a bulk payload sit: "abcdefghijklmnopqrstuvwxyz" repeated. */
        fill_pattern(b, pl->len, 0);
        *len = pl->len;
        *owned = true;
        return b;
    }
    FILE *f = fopen(pl->full_path, "rb");
    if (f == NULL) {
        snprintf(why, why_len, "cannot read %s: %s", pl->path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    while (b != NULL) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap >= SCN_LEN_MAX) {
            snprintf(why, why_len, "%s is larger than %u bytes", pl->path, SCN_LEN_MAX);
            free(b);
            b = NULL;
            break;
        }
        uint8_t *nb = realloc(b, cap * 2);
        if (nb == NULL) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (b != NULL) {
        *len = n;
        *owned = true;
    }
    return b;
}


/* The socket address endpoint e names for socket variable sock, in the
 * socket's family: an AF_INET6 socket's bare PORT binds [::]. (The parser
 * gave an AF_INET6 socket's addresses as IPv6 ones, so without r an
 * endpoint with an address still comes out in the right family.) */
static void
endpoint_sock_addr(const struct scn_runner *r, int sock, const struct scn_endpoint *e,
                   struct sock_addr *out)
{
    *out = (struct sock_addr){ .addr = e->addr.addr, .port = e->port };
    if (e->addr.v6 || (r != NULL && sock >= 0 && r->scn->socks[sock].inet6)) {
        out->addr = 0;
        out->family = SOCK_AF_INET6;
        if (e->addr.v6)
            out->addr6 = e->addr.addr6;
    }
}

/* Keep a peer's address in data variable d as ADDRESS:PORT (`from NAME`),
 * [ADDRESS]:PORT for IPv6: text a lesson can check with expect and a later
 * sendto can answer. */
static void
keep_peer(struct scn_runner *r, int d, const struct sock_addr *peer)
{
    char text[SOCK_ADDR_STRLEN];
    sock_addr_str(peer, text, sizeof text);
    value_set(&r->values[d], (const uint8_t *)text, strlen(text));
}

/* The peer kept in data variable d (ADDRESS:PORT); false with res saying
 * why when it holds none. */
static bool
peer_of(struct scn_runner *r, int d, struct sock_addr *to, char *res, size_t res_len)
{
    const struct scn_value *v = &r->values[d];
    const char *name = r->scn->dvars[d].name;
    char buf[SOCK_ADDR_STRLEN];
    const char *colon;
    unsigned long port = 0;
    char *end = NULL;

    if (!v->set || v->len == 0 || v->len >= sizeof buf) {
        snprintf(res, res_len, "%s holds no address (keep one with 'recvfrom VAR N from %s' "
                 "or 'accept VAR from %s')", name, name, name);
        return false;
    }
    memcpy(buf, v->data, v->len);
    buf[v->len] = '\0';
    colon = strrchr(buf, ':');
    if (colon != NULL) {
        buf[colon - buf] = '\0';
        port = strtoul(colon + 1, &end, 10);
    }
    *to = (struct sock_addr){ 0 };
    size_t blen = strlen(buf);
    bool v6 = blen > 2 && buf[0] == '[' && buf[blen - 1] == ']';
    if (v6) {
        buf[blen - 1] = '\0';
        to->family = SOCK_AF_INET6;
    }
    if (colon == NULL || end == NULL || *end != '\0' || port == 0 || port > 65535 ||
        (v6 ? !ip6_addr_parse(buf + 1, &to->addr6) : !ipv4_addr_parse(buf, &to->addr))) {
        fmt_bytes(v->data, v->len, buf, sizeof buf);
        snprintf(res, res_len, "%s holds %s, not ADDRESS:PORT", name, buf);
        return false;
    }
    to->port = (uint16_t)port;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Jobs: blocking calls, in the foreground or the background */

/* The socket variable a job is filed under: accept's new socket, else the
 * socket the call acts on. */
static int
job_sock(const struct scn_step *st)
{
    return st->kind == SCN_STEP_ACCEPT ? st->accept.new_sock : st->sock;
}

/* Start job j for step st: set up its buffers. Returns 0, or a negative
 * ERR_* with res filled when it cannot even start (a file that cannot be
 * read). */
static int
job_start(struct scn_runner *r, struct scn_job *j, const struct scn_step *st, size_t step_no,
          char *res, size_t res_len)
{
    memset(j, 0, sizeof(*j));
    j->st = st;
    j->step_no = step_no;
    j->deadline_ns = r->sim.now_ns + step_timeout(st);
    if ((st->kind == SCN_STEP_SEND || st->kind == SCN_STEP_SENDTO) &&
        st->send.payload.kind == SCN_PAYLOAD_FILL &&
        (is_stream(r, st) || st->send.payload.len > SCN_LEN_MAX)) {
        /* `bytes N` on a stream: made GEN_CHUNK at a time as it is sent */
        j->generated = true;
        j->len = st->send.payload.len;
        j->cap = j->len < GEN_CHUNK ? j->len : GEN_CHUNK;
        j->buf = malloc(j->cap + 26);
        j->owned = true;
        if (j->buf == NULL)
            return -ERR_NOMEM;
        fill_pattern(j->buf, j->cap + 26, 0);
    } else if (st->kind == SCN_STEP_SEND || st->kind == SCN_STEP_SENDTO) {
        char why[160] = "out of memory";
        bool owned = false;
        size_t len = 0;
        uint8_t *data = payload_bytes(r, &st->send.payload, &len, &owned, why, sizeof(why));
        if (data == NULL && st->send.payload.kind != SCN_PAYLOAD_TEXT) {
            snprintf(res, res_len, "cannot send: %s", why);
            return -ERR_INVAL;
        }
        j->buf = data;
        j->len = len;
        j->owned = owned;
    } else if (st->kind == SCN_STEP_RECV && st->recv.all &&
               (st->dvar < 0 || !dvar_needs_bytes(r->scn, st->dvar))) {
        /* recv all that no expect needs the bytes of: counted and hashed
         * through one buffer, so a stream of any length takes no memory */
        j->streamed = true;
        j->hashed = st->dvar >= 0 && dvar_needs_digest(r->scn, st->dvar);
        scn_sha256_init(&j->sha);
        j->vcap = 4096;
        j->cap = 4096;  /* grows with vcap, up to STREAM_BUF */
        j->buf = malloc(j->cap + 1);
        j->owned = true;
        if (j->buf == NULL)
            return -ERR_NOMEM;
    } else if (st->kind == SCN_STEP_RECV || st->kind == SCN_STEP_RECVFROM) {
        j->cap = st->recv.all ? 4096 : st->recv.max_len;
        j->buf = malloc(j->cap + 1);
        j->owned = true;
        if (j->buf == NULL)
            return -ERR_NOMEM;
    }
    j->active = true;
    return 0;
}

/* Try j's call once more. Returns 1 when it finished (*ret is the result),
 * 0 when it must wait for j->events. */
static bool
is_stream(struct scn_runner *r, const struct scn_step *st)
{
    enum scn_sock_type t = r->scn->socks[st->sock].type;
    return t == SCN_SOCK_TCP || t == SCN_SOCK_LOCAL_STREAM;
}

/* Whether the step's socket is a local (AF_LOCAL) one, named by a path. */
static bool
is_local(struct scn_runner *r, const struct scn_step *st)
{
    enum scn_sock_type t = r->scn->socks[st->sock].type;
    return t == SCN_SOCK_LOCAL_STREAM || t == SCN_SOCK_LOCAL_DGRAM;
}

/* recv all: read until the end of the stream, growing the buffer. */
static int
job_recv_all(struct scn_runner *r, struct scn_job *j, struct host *h, int fd)
{
    while (j->streamed) {
        /* Offer recv the sizes a kept recv all offers (its buffer doubling
         * from 4096), so the trace reads the same, from one buffer of at
         * most STREAM_BUF bytes that is reused. */
        if (j->vcap - j->total < 4096)
            j->vcap *= 2;
        size_t want = j->vcap - j->total < STREAM_BUF ? (size_t)(j->vcap - j->total) : STREAM_BUF;
        if (j->cap < want) {
            uint8_t *nb = realloc(j->buf, want + 1);
            if (nb == NULL)
                return -ERR_NOMEM;
            j->buf = nb;
            j->cap = want;
        }
        int n = sock_recv(h, fd, j->buf, want);
        if (n <= 0)
            return n < 0 ? n : (int)j->total;
        if (j->total + (uint64_t)n > STREAM_MAX)
            return -ERR_NOBUFS;
        if (j->hashed)
            scn_sha256_update(&j->sha, j->buf, (size_t)n);
        if (j->head_len < sizeof j->head) {
            size_t take = sizeof j->head - j->head_len < (size_t)n ? sizeof j->head - j->head_len
                                                                   : (size_t)n;
            memcpy(j->head + j->head_len, j->buf, take);
            j->head_len += take;
        }
        j->total += (uint64_t)n;
    }
    for (;;) {
        if (j->cap - j->len < 4096) {
            size_t ncap = j->cap * 2;
            if (ncap > STREAM_MAX)
                ncap = STREAM_MAX;
            if (ncap <= j->cap)
                return -ERR_NOBUFS;
            uint8_t *nb = realloc(j->buf, ncap + 1);
            if (nb == NULL)
                return -ERR_NOMEM;
            j->buf = nb;
            j->cap = ncap;
        }
        int n = sock_recv(h, fd, j->buf + j->len, j->cap - j->len);
        if (n < 0)
            return n;
        if (n == 0)
            return (int)j->len;
        j->len += (size_t)n;
    }
    (void)r;
}

/* ---------------------------------------------------------------------------
 * A blocking call as the script wrote it. The runner makes a blocking
 * connect, stream send or close out of non-blocking tries and a wait, as a C
 * program with O_NONBLOCK and poll() would; the student wrote one call. So a
 * foreground one is traced whole: its tries run with call tracing off, and
 * the runner traces one line, `connect(3, 192.0.2.2:80) = 0`, when it
 * returns, after `connect(3, 192.0.2.2:80) ...` when it started and had to
 * wait (strace's way of showing a call that sleeps). A background call (`&`,
 * `at`) is the script asking for the non-blocking mechanics, and shows them:
 * EINPROGRESS, then the SO_ERROR query.
 * ------------------------------------------------------------------------- */

/* Whether job j's call is traced whole by the runner, not try by try. */
static bool
job_whole(struct scn_runner *r, const struct scn_job *j)
{
    const struct scn_step *st = j->st;
    if (j->background)
        return false;
    switch (st->kind) {
    case SCN_STEP_CONNECT:
        return !is_local(r, st);
    case SCN_STEP_SEND:
        return is_stream(r, st);
    case SCN_STEP_CLOSE:
        return true;
    default:
        return false;
    }
}

/* Trace j's call line: pending (`...`) when it has started to wait, else
 * its result rc. */
static void
job_trace_whole(struct scn_job *j, struct host *h, int fd, int rc, bool pending)
{
    const struct scn_step *st = j->st;
    char as[SOCK_ADDR_STRLEN];
    struct sock_addr a;

    switch (st->kind) {
    case SCN_STEP_CONNECT:
        endpoint_sock_addr(NULL, st->sock, &st->connect.dest, &a);
        sock_trace_call(h, CALL_CONNECT, rc, pending, "%d, %s", fd,
                        sock_addr_str(&a, as, sizeof as));
        break;
    case SCN_STEP_SEND:
        sock_trace_call(h, CALL_SEND, rc, pending, "%d, %zu bytes", fd, j->len);
        break;
    case SCN_STEP_CLOSE:
        sock_trace_call(h, CALL_CLOSE, rc, pending, "%d", fd);
        break;
    default:
        return;
    }
    if (pending)
        j->traced_pending = true;
}

/* A whole-traced try of j returned rc and is done (or not): trace the call
 * line it owes, once. */
static void
job_trace_try(struct scn_job *j, struct host *h, int fd, int rc, bool done)
{
    if (done)
        job_trace_whole(j, h, fd, rc, false);
    else if (!j->traced_pending)
        job_trace_whole(j, h, fd, rc, true);
}

/* Before a TCP socket is closed, remember its 4-tuple: the connection may
 * live on after close (FIN-WAIT, TIME-WAIT), and `expect ... state` finds it
 * by that once the socket variable holds no fd. */
static void
close_remember(struct scn_runner *r, const struct scn_step *st, struct host *h, int fd)
{
    if (r->scn->socks[st->sock].type != SCN_SOCK_TCP)
        return;
    struct sock_addr la = { 0 }, fa = { 0 };
    struct scn_closed *cl = &r->closed[st->sock];
    /* the runner's own bookkeeping, not calls of the script: untraced */
    bool traced = sock_trace_calls(h, false);
    cl->known = sock_getsockname(h, fd, &la) == 0 && sock_getpeername(h, fd, &fa) == 0;
    sock_trace_calls(h, traced);
    cl->laddr = la.addr;
    cl->lport = la.port;
    cl->faddr = fa.addr;
    cl->fport = fa.port;
}

/* A close finished with rc: the fd is gone on 0, and also on -ERR_AGAIN
 * after a lingering close whose time ran out - BSD's soclose() frees the
 * socket and returns the EWOULDBLOCK of its sleep all the same, while the
 * connection finishes on its own. */
static void
close_finished(struct scn_runner *r, const struct scn_job *j, int rc, char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    if (rc == 0 || (j->started && rc == -ERR_AGAIN))
        r->sock_fd[st->sock] = -1;
    if (!j->started)
        return;
    if (rc == 0)
        snprintf(res, res_len, "0 (the peer acknowledged the data and the FIN)");
    else if (rc == -ERR_AGAIN)
        snprintf(res, res_len, "the linger time ran out before the peer acknowledged "
                 "everything; the socket is gone, the connection goes on alone");
}

/* ---------------------------------------------------------------------------
 * One function per blocking call: one try, with the host entered. Each sets
 * *rc and returns whether the call finished (an -ERR_AGAIN that is not a
 * "wait more" finishes too: a lingering close whose time ran out).
 * ------------------------------------------------------------------------- */

bool
job_connect(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc,
            char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    struct sock_addr a;

    endpoint_sock_addr(r, st->sock, &st->connect.dest, &a);
    (void)res;
    (void)res_len;
    if (is_local(r, st)) {
        /* A local connect has no handshake: paired at once, or refused.
         * A full accept queue (EAGAIN) waits out the timeout. */
        *rc = sock_connect_path(h, fd, st->connect.dest.path);
        j->events = 0;
        return *rc != -ERR_AGAIN;
    }
    bool whole = job_whole(r, j);
    bool traced = sock_trace_calls(h, !whole);
    if (!j->started) {
        *rc = sock_connect(h, fd, &a);
        if (*rc == -ERR_INPROGRESS) {
            /* The handshake runs; wait for it as a non-blocking C
             * program does: writable or an error, then SO_ERROR. */
            j->started = true;
            j->events = SOCK_POLLOUT | SOCK_POLLERR;
            *rc = -ERR_AGAIN;
        }
    } else {
        int64_t e = 0;
        *rc = sock_getsockopt(h, fd, SOCK_OPT_ERROR, &e);
        if (*rc == 0 && e != 0)
            *rc = -(int)e;
    }
    sock_trace_calls(h, traced);
    if (whole)
        job_trace_try(j, h, fd, *rc, *rc != -ERR_AGAIN);
    return *rc != -ERR_AGAIN;
}

/* send and sendto. */
bool
job_send(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
         size_t res_len)
{
    const struct scn_step *st = j->st;

    *rc = 0;
    if (st->kind == SCN_STEP_SEND && is_stream(r, st)) {
        /* A blocking stream send returns when every byte is in the
         * send buffer: put in what fits, let time run, again. In the
         * foreground it is one call, traced whole. */
        bool whole = job_whole(r, j);
        bool traced = sock_trace_calls(h, !whole);
        while (j->off < j->len || j->len == 0) {
            if (j->generated) {
                /* the pattern at offset off starts at buf[off % 26] */
                size_t n = j->len - j->off < j->cap ? j->len - j->off : j->cap;
                *rc = sock_send(h, fd, j->buf + j->off % 26, n);
            } else {
                *rc = sock_send(h, fd, j->buf + j->off, j->len - j->off);
            }
            if (*rc < 0 || j->len == 0)
                break;
            j->off += (size_t)*rc;
        }
        sock_trace_calls(h, traced);
        if (*rc >= 0)
            *rc = (int)j->off;
        else if (*rc == -ERR_AGAIN && j->off > 0)
            snprintf(res, res_len, "%zu of %zu bytes in the send buffer", j->off, j->len);
        if (*rc == -ERR_AGAIN)
            j->events = SOCK_POLLOUT | SOCK_POLLERR;
        if (whole)
            job_trace_try(j, h, fd, *rc, *rc != -ERR_AGAIN);
        return *rc != -ERR_AGAIN;
    } else if (j->generated) {
        /* no datagram carries more than SCN_LEN_MAX (UDP: 65507) */
        *rc = -ERR_MSGSIZE;
    } else if (st->kind == SCN_STEP_SEND) {
        *rc = sock_send(h, fd, j->buf, j->len);
    } else if (is_local(r, st)) {
        char path[SOCK_PATH_MAX] = "";
        const char *to = st->send.dest.path;
        if (st->send.dest_dvar >= 0) {
            /* the path `recvfrom ... from NAME` kept */
            const struct scn_value *v = &r->values[st->send.dest_dvar];
            if (!v->set || v->len == 0 || v->len >= sizeof path) {
                snprintf(res, res_len, "%s holds no socket path",
                         r->scn->dvars[st->send.dest_dvar].name);
                *rc = -ERR_DESTADDRREQ;
                return true;
            }
            memcpy(path, v->data, v->len);
            to = path;
        }
        *rc = sock_sendto_path(h, fd, j->buf, j->len, to);
        /* A local datagram socket always polls writable, so a full
         * receiver cannot be waited for by poll: wait out the timeout. */
        if (*rc == -ERR_AGAIN) {
            j->events = 0;
            return false;
        }
    } else if (st->send.dest_dvar >= 0) {
        struct sock_addr to;
        if (!peer_of(r, st->send.dest_dvar, &to, res, res_len)) {
            *rc = -ERR_DESTADDRREQ;
            return true;
        }
        *rc = sock_sendto(h, fd, j->buf, j->len, &to);
    } else {
        struct sock_addr to;
        endpoint_sock_addr(r, st->sock, &st->send.dest, &to);
        *rc = sock_sendto(h, fd, j->buf, j->len, &to);
    }
    if (*rc == -ERR_AGAIN)
        j->events = SOCK_POLLOUT | SOCK_POLLERR;
    return *rc != -ERR_AGAIN;
}

bool
job_accept(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
           size_t res_len)
{
    const struct scn_step *st = j->st;
    struct sock_addr peer = { 0 };

    *rc = sock_accept(h, fd, &peer);
    if (*rc == -ERR_AGAIN) {
        j->events = SOCK_POLLIN | SOCK_POLLERR;
        return false;
    }
    if (*rc >= 0) {
        char as[SOCK_ADDR_STRLEN];
        const struct socket *ls = sock_lookup(h, fd);
        r->sock_fd[st->accept.new_sock] = *rc;
        r->closed[st->accept.new_sock].known = false;
        if (st->from_dvar >= 0 && !is_local(r, st))
            keep_peer(r, st->from_dvar, &peer);
        if (is_local(r, st))
            snprintf(res, res_len, "%d (a connection to %s)", *rc,
                     ls != NULL ? ls->path : "?");
        else
            snprintf(res, res_len, "%d (a connection from %s)", *rc,
                     sock_addr_str(&peer, as, sizeof as));
    }
    return true;
}

/* recv and recvfrom. */
bool
job_recv(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
         size_t res_len)
{
    const struct scn_step *st = j->st;
    struct sock_addr from = { 0 };
    char from_path[SOCK_PATH_MAX] = "";

    if (st->recv.all)
        *rc = job_recv_all(r, j, h, fd);
    else if (st->kind == SCN_STEP_RECVFROM && is_local(r, st))
        *rc = sock_recvfrom_path(h, fd, j->buf, j->cap, from_path, sizeof(from_path));
    else
        *rc = st->kind == SCN_STEP_RECV ? sock_recv(h, fd, j->buf, j->cap)
                                        : sock_recvfrom(h, fd, j->buf, j->cap, &from);
    if (*rc == -ERR_AGAIN) {
        j->events = SOCK_POLLIN | SOCK_POLLERR | SOCK_POLLHUP;
        return false;
    }
    if (*rc >= 0) {
        char shown[200], as[SOCK_ADDR_STRLEN];
        if (j->streamed)
            fmt_bytes(j->head, (size_t)*rc < 61 ? (size_t)*rc : 61, shown, sizeof(shown));
        else
            fmt_bytes(j->buf, (size_t)*rc, shown, sizeof(shown));
        if (st->dvar >= 0)
            keep_received(r, j, (size_t)*rc);
        if (st->from_dvar >= 0 && st->kind == SCN_STEP_RECVFROM && is_local(r, st))
            value_set(&r->values[st->from_dvar], (const uint8_t *)from_path, strlen(from_path));
        else if (st->from_dvar >= 0 && st->kind == SCN_STEP_RECVFROM)
            keep_peer(r, st->from_dvar, &from);
        if (st->kind == SCN_STEP_RECVFROM && is_local(r, st))
            snprintf(res, res_len, "%d bytes from %s: %s", *rc,
                     from_path[0] != '\0' ? from_path : "an unnamed socket", shown);
        else if (st->kind == SCN_STEP_RECVFROM)
            snprintf(res, res_len, "%d bytes from %s: %s", *rc,
                     sock_addr_str(&from, as, sizeof as), shown);
        else if (st->recv.all)
            snprintf(res, res_len, "%d bytes, then the end of the stream: %s", *rc, shown);
        else if (*rc == 0 && is_local(r, st))
            snprintf(res, res_len, "0 bytes: the end of the stream (the other end closed "
                     "or shut down)");
        else if (*rc == 0 && is_stream(r, st))
            snprintf(res, res_len, "0 bytes: the end of the stream (the peer sent FIN)");
        else
            snprintf(res, res_len, "%d bytes: %s", *rc, shown);
    } else if (st->dvar >= 0) {
        value_set(&r->values[st->dvar], NULL, 0);
    }
    return true;
}

/* Put what a recv received (len bytes; recv all: what arrived so far) into
 * its data variable: the bytes, or for a streamed recv all their count and
 * SHA-256. */
void
keep_received(struct scn_runner *r, struct scn_job *j, size_t len)
{
    const struct scn_step *st = j->st;

    if (j->streamed) {
        uint8_t d[32];
        scn_sha256_final(&j->sha, d);
        value_set_streamed(&r->values[st->dvar], j->total, j->hashed ? d : NULL);
    } else {
        value_set(&r->values[st->dvar], j->buf, len);
    }
}

bool
job_close(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc, char *res,
          size_t res_len)
{
    const struct scn_step *st = j->st;
    bool whole = job_whole(r, j);

    if (!j->started) {
        close_remember(r, st, h, fd);
        bool traced = sock_trace_calls(h, !whole);
        *rc = sock_close(h, fd);
        sock_trace_calls(h, traced);
    } else {
        bool traced = sock_trace_calls(h, !whole);
        *rc = sock_close(h, fd);
        sock_trace_calls(h, traced);
        if (*rc == -ERR_AGAIN) {
            /* Not "wait more": the linger time ran out. */
            if (whole)
                job_trace_try(j, h, fd, *rc, true);
            close_finished(r, j, *rc, res, res_len);
            return true;
        }
    }
    if (*rc == -ERR_INPROGRESS) {
        /* SO_LINGER > 0: close() sleeps until the peer has acknowledged
         * the data and the FIN, or the linger time runs out; the stack
         * says which with SOCK_POLLCLOSE. The wait is the linger time,
         * not the call's timeout: the stack's linger timer, armed this
         * very instant, fires at the deadline and ends it. */
        int64_t linger_s = 0;
        bool traced = sock_trace_calls(h, false);  /* the runner's own query */
        sock_getsockopt(h, fd, SOCK_OPT_LINGER, &linger_s);
        sock_trace_calls(h, traced);
        uint64_t until = r->sim.now_ns + (uint64_t)(linger_s > 0 ? linger_s : 0) * NS_PER_S;
        if (until > j->deadline_ns)
            j->deadline_ns = until;
        j->started = true;
        j->events = SOCK_POLLCLOSE;
        *rc = -ERR_AGAIN;
        if (whole)
            job_trace_try(j, h, fd, *rc, false);
        return false;
    }
    if (whole)
        job_trace_try(j, h, fd, *rc, *rc != -ERR_AGAIN);
    close_finished(r, j, *rc, res, res_len);
    return *rc != -ERR_AGAIN;
}

/* Try j's call once more. Returns 1 when it finished (*ret is the result),
 * 0 when it must wait for j->events. */
static int
job_try(struct scn_runner *r, struct scn_job *j, int *ret, char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    const struct stmt_def *def = stmt_of_kind(st->kind);
    struct host *h = r->hosts[st->host];
    int fd = r->sock_fd[st->sock];
    int rc = -ERR_INVAL;
    bool done = true;

    res[0] = '\0';
    run_enter(r, h, j->step_no);
    if (def != NULL && def->job != NULL)
        done = def->job(r, j, h, fd, &rc, res, res_len);
    run_leave(r, h);
    if (!done)
        return 0;
    *ret = rc;
    return 1;
}

/* j ran out of time: the call fails with EAGAIN, as a blocking call with
 * SO_RCVTIMEO/SO_SNDTIMEO does. */
static int
job_timeout(struct scn_runner *r, struct scn_job *j, char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    char t[32];
    fmt_time(step_timeout(st), t, sizeof(t));
    run_note(r, r->hosts[st->host], cause_call(CALL_NONE, (uint32_t)j->step_no),
             "nothing happened within %s s: the call gives up", t);
    snprintf(res, res_len, "timed out after %s s", t);
    if ((st->kind == SCN_STEP_RECV || st->kind == SCN_STEP_RECVFROM) && st->dvar >= 0)
        keep_received(r, j, st->recv.all ? j->len : 0);
    /* A connect that did not finish in time: ETIMEDOUT (the handshake goes
     * on in the stack); every other call: EAGAIN, as SO_RCVTIMEO gives. */
    int ret = st->kind == SCN_STEP_CONNECT && j->started ? -ERR_TIMEDOUT : -ERR_AGAIN;
    if (j->traced_pending) {
        /* the pending call line returns now, with the timeout's error */
        struct host *h = r->hosts[st->host];
        run_enter(r, h, j->step_no);
        job_trace_whole(j, h, r->sock_fd[st->sock], ret, false);
        run_leave(r, h);
    }
    return ret;
}

/* Print a call's result line. `bg` marks a background call finishing. */
void
print_result(struct scn_runner *r, const struct scn_step *st, int ret, const char *res, bool bg)
{
    char t[32], line[400];
    fmt_time(r->sim.now_ns, t, sizeof(t));
    if (ret >= 0 && res[0] != '\0')
        snprintf(line, sizeof(line), "%s", res);
    else if (ret >= 0)
        snprintf(line, sizeof(line), "%d", ret);
    else
        snprintf(line, sizeof(line), "-1 %s (%s)%s%s", err_name(ret), err_sentence(ret),
                 res[0] != '\0' ? ": " : "", res);
    if (bg)
        run_say(r, false, "[%10s] %-50s => %s  (background, line %u)\n", t, st->text, line,
                st->line);
    else if (r->opts.trace_shown)
        run_say(r, false, "%12s => %s\n", "", line);
    else
        run_say(r, false, "[%10s] %-50s => %s\n", t, st->text, line);
}

/* A job finished with ret: record it on its socket, free it. */
static void
job_done(struct scn_runner *r, struct scn_job *j, int ret, const char *res)
{
    const struct scn_step *st = j->st;
    if (j->background) {
        run_note(r, r->hosts[st->host], cause_call(CALL_NONE, (uint32_t)j->step_no),
                 "background call of step %zu finished: %s", j->step_no, st->text);
        print_result(r, st, ret, res, true);
    }
    r->sock_err[st->sock] = ret < 0 ? -ret : 0;
    job_free(j);
}

/* Move every background job along: those whose socket is ready are tried
 * again, those past their deadline fail. */
void
service_jobs(struct scn_runner *r)
{
    char res[320];
    echo_service(r);  /* a server, not a call: it answers after the script too */
    if (r->draining)
        return;  /* after the script: its calls are reported as still waiting */
    for (size_t i = 0; i < r->scn->n_socks; i++) {
        struct scn_job *j = &r->jobs[i];
        if (!j->active || !j->background)
            continue;
        struct host *h = r->hosts[j->st->host];
        int fd = r->sock_fd[j->st->sock];
        int ret;
        if ((sock_poll(h, fd) & j->events) != 0 && job_try(r, j, &ret, res, sizeof(res)) == 1)
            job_done(r, j, ret, res);
        else if (r->sim.now_ns >= j->deadline_ns)
            job_done(r, j, job_timeout(r, j, res, sizeof(res)), res);
    }
}

/* The earliest deadline of a background job, or UINT64_MAX. */
uint64_t
jobs_deadline(const struct scn_runner *r)
{
    uint64_t d = UINT64_MAX;
    for (size_t i = 0; i < r->scn->n_socks; i++)
        if (r->jobs[i].active && r->jobs[i].background && r->jobs[i].deadline_ns < d)
            d = r->jobs[i].deadline_ns;
    return d;
}

/* ------------------------------------------------------------------------ */
/* Waiting: let the world run until a condition holds or a deadline passes. */


/* Returns true if ready() held before `deadline_ns`; the clock is then at the
 * event that made it so. Otherwise the clock is at the deadline. Background
 * jobs move along on the way. ready may be NULL (never ready). */
bool
run_wait(struct scn_runner *r, run_ready_fn ready, void *ctx, uint64_t deadline_ns)
{
    /* On a real wire a wait can last as long as a person takes to type
     * `curl`: what the run printed so far must be out first, even into a
     * pipe or a file. */
    if (r->sim.rt != NULL && r->opts.out != NULL)
        fflush(r->opts.out);
    for (;;) {
        service_jobs(r);
        if (ready != NULL && ready(r, ctx))
            return true;
        uint64_t jd = jobs_deadline(r);
        uint64_t limit = jd < deadline_ns ? jd : deadline_ns;
        if (limit == UINT64_MAX) {
            /* A simulated world with nothing left to happen never will;
             * a TAP device can still bring a frame, so wait in slices. */
            if (r->sim.rt == NULL && sim_next_time(&r->sim) == UINT64_MAX)
                return false;
            if (r->sim.rt != NULL)
                limit = r->sim.now_ns + UINT64_C(1000000000);
        }
        /* One event if one is due by the limit (in TAP mode: or a frame
         * arrives first); otherwise the clock moves to the limit. */
        if (sim_step_until(&r->sim, limit))
            continue;
        if (r->sim.now_ns >= deadline_ns) {
            service_jobs(r);
            return ready != NULL && ready(r, ctx);
        }
    }
}

void
run_until(struct scn_runner *r, uint64_t t_ns)
{
    if (t_ns > r->sim.now_ns)
        run_wait(r, NULL, NULL, t_ns);
}


static bool
sock_ready(struct scn_runner *r, void *ctx)
{
    (void)r;
    struct sock_wait *w = ctx;
    return (sock_poll(w->h, w->fd) & w->events) != 0;
}

static bool
job_finished(struct scn_runner *r, void *ctx)
{
    (void)r;
    const struct scn_job *j = ctx;
    return !j->active;
}

/* Join the background job on socket variable s, if one runs. */
static void
join_job(struct scn_runner *r, int s)
{
    struct scn_job *j = &r->jobs[s];
    if (j->active)
        run_wait(r, job_finished, j, j->deadline_ns);
}

/* Run a blocking call to its end in the foreground (or leave it in the
 * background). Returns the result, or 1 with *running set for a background
 * call still going. */
static int
run_blocking(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool background,
             bool *running, char *res, size_t res_len)
{
    struct scn_job *j = &r->jobs[job_sock(st)];
    int ret = 0;
    *running = false;
    int rc = job_start(r, j, st, step_no, res, res_len);
    if (rc < 0) {
        job_free(j);
        return rc;
    }
    /* known before the first try: a background call shows its mechanics */
    j->background = background;
    for (;;) {
        if (job_try(r, j, &ret, res, res_len) == 1)
            break;
        if (background) {
            j->background = true;
            *running = true;
            snprintf(res, res_len, "running in the background until %s",
                     "it completes or times out");
            return 0;
        }
        struct sock_wait w = { r->hosts[st->host], r->sock_fd[st->sock], j->events };
        if (!run_wait(r, sock_ready, &w, j->deadline_ns)) {
            ret = job_timeout(r, j, res, res_len);
            break;
        }
    }
    job_free(j);
    return ret;
}

/* ---------------------------------------------------------------------------
 * One function per call that never blocks: its result (>= 0 or -ERR_*).
 * ------------------------------------------------------------------------- */

int
call_socket(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
            size_t res_len)
{
    struct host *h = r->hosts[st->host];
    int ret;

    (void)res;
    (void)res_len;
    run_enter(r, h, step_no);
    enum sock_domain inet = st->socket.inet6 ? SOCK_DOMAIN_INET6 : SOCK_DOMAIN_INET;
    if (st->socket.type == SCN_SOCK_TCP)
        ret = sock_socket(h, inet, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
    else if (st->socket.type == SCN_SOCK_LOCAL_STREAM)
        ret = sock_socket(h, SOCK_DOMAIN_LOCAL, SOCK_TYPE_STREAM, SOCK_PROTO_LOCAL);
    else if (st->socket.type == SCN_SOCK_LOCAL_DGRAM)
        ret = sock_socket(h, SOCK_DOMAIN_LOCAL, SOCK_TYPE_DGRAM, SOCK_PROTO_LOCAL);
    else
        ret = sock_socket(h, inet, SOCK_TYPE_DGRAM,
                          st->socket.type == SCN_SOCK_ICMP ? SOCK_PROTO_ICMP : SOCK_PROTO_UDP);
    if (ret >= 0) {
        r->sock_fd[st->sock] = ret;
        r->closed[st->sock].known = false;
    }
    run_leave(r, h);
    return ret;
}

int
call_listen(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
            size_t res_len)
{
    struct host *h = r->hosts[st->host];
    int ret;

    (void)res;
    (void)res_len;
    run_enter(r, h, step_no);
    ret = sock_listen(h, r->sock_fd[st->sock], st->listen.has_backlog ? (int)st->listen.backlog
                                                                      : SCN_RUN_BACKLOG_DEFAULT);
    run_leave(r, h);
    return ret;
}

int
call_shutdown(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
              size_t res_len)
{
    static const enum sock_shut how[SCN_SHUT_COUNT] = { SOCK_SHUT_RD, SOCK_SHUT_WR,
                                                        SOCK_SHUT_RDWR };
    struct host *h = r->hosts[st->host];
    int ret;

    (void)res;
    (void)res_len;
    run_enter(r, h, step_no);
    ret = sock_shutdown(h, r->sock_fd[st->sock], how[st->shutdown.how]);
    run_leave(r, h);
    return ret;
}

int
call_setsockopt(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
                size_t res_len)
{
    static const enum sock_opt opt[SCN_OPT_COUNT] = {
        [SCN_OPT_NODELAY] = SOCK_OPT_TCP_NODELAY, [SCN_OPT_RCVBUF] = SOCK_OPT_RCVBUF,
        [SCN_OPT_SNDBUF] = SOCK_OPT_SNDBUF, [SCN_OPT_KEEPALIVE] = SOCK_OPT_KEEPALIVE,
        [SCN_OPT_LINGER] = SOCK_OPT_LINGER, [SCN_OPT_REUSEADDR] = SOCK_OPT_REUSEADDR,
        [SCN_OPT_BROADCAST] = SOCK_OPT_BROADCAST,
        [SCN_OPT_CONGESTION] = SOCK_OPT_TCP_CONGESTION,
        [SCN_OPT_V6ONLY] = SOCK_OPT_IPV6_V6ONLY,
    };
    struct host *h = r->hosts[st->host];
    int64_t v = st->sockopt.value;
    int ret;

    (void)res;
    (void)res_len;
    if (st->sockopt.opt == SCN_OPT_CONGESTION)
        v = tcp_cc_lookup(scn_cc_name((enum scn_cc)v));
    run_enter(r, h, step_no);
    ret = sock_setsockopt(h, r->sock_fd[st->sock], opt[st->sockopt.opt], v);
    run_leave(r, h);
    return ret;
}

int
call_bind(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
          size_t res_len)
{
    struct host *h = r->hosts[st->host];
    int fd = r->sock_fd[st->sock];
    struct sock_addr a;
    int ret;

    endpoint_sock_addr(r, st->sock, &st->bind.local, &a);

    (void)res;
    (void)res_len;
    run_enter(r, h, step_no);
    ret = is_local(r, st) ? sock_bind_path(h, fd, st->bind.local.path) : sock_bind(h, fd, &a);
    run_leave(r, h);
    return ret;
}

/* wait: join the background call on the step's socket. */
int
call_wait(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
          size_t res_len)
{
    struct scn_job *j = &r->jobs[st->sock];

    (void)step_no;
    if (!j->active) {
        snprintf(res, res_len, "nothing to wait for: the background call already finished");
        return 0;
    }
    const struct scn_step *bst = j->st;
    run_wait(r, job_finished, j, j->deadline_ns);
    int e = r->sock_err[bst->sock];
    snprintf(res, res_len, "joined the call of line %u (%s)", bst->line,
             e == 0 ? "it succeeded" : err_name(-e));
    return 0;
}

/* One host call. Returns its result (>= 0 or -ERR_*); *running is set for
 * a background call that goes on. */
int
step_call(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool background,
          bool *running, char *res, size_t res_len)
{
    const struct stmt_def *def = stmt_of_kind(st->kind);
    int ret = -ERR_INVAL;

    res[0] = '\0';
    *running = false;
    /* A call on a socket a background call still uses waits for it first
     * (but wait itself is the joining). */
    if ((def->where & STMT_JOINS) == 0 && st->sock >= 0)
        join_job(r, st->sock);
    if (def->where & STMT_BLOCKS) {
        ret = run_blocking(r, st, step_no, background, running, res, res_len);
        if (*running)
            return 0;
    } else if (def->call != NULL) {
        ret = def->call(r, st, step_no, res, res_len);
    }
    /* wait reports the call it joined; the socket's error stays that call's. */
    if (st->sock >= 0 && (def->where & STMT_JOINS) == 0)
        r->sock_err[st->sock] = ret < 0 ? -ret : 0;
    return ret;
}
