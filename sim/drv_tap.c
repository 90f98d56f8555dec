/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drv_tap.c - the TAP driver: frames between a host's interface and a Linux
 * TAP device.
 *
 * Both directions go through the same impairments as a simulated link, a
 * struct netem each (sim/netem.h: duplicate, queue and rate, WIRE event,
 * loss, corrupt, reorder, delay and jitter), direction 0 toward the kernel, 1 toward the
 * host, each with its own seeded generator; every draw of a frame is taken
 * before it meets the queue, so which frames are hit depends only on the
 * seed and their order.
 * Transmit: the impairments, then write() to the device at once, or a
 * SIM_EV_FRAME carrying the device (ev.u.frame.tap) that sim.c hands back to
 * drv_tap_emit() when the frame is due (a refused write is DROP
 * LINK_QUEUE_FULL: the kernel's queue was full).
 * Receive (drv_tap_pull, called by the real-time loop): read() a frame, the
 * impairments, then a SIM_EV_FRAME due when it arrives (now, without delay
 * or rate), which sim_step() delivers through iface_input() like a frame
 * off a link.
 * Ethernet framing per [IEEE 802.3 3.1]; the kernel hands over frames without
 * padding or FCS, and takes them the same way.
 * Called by: eth_output() through ifc->ops, realtime.c, the runner
 * (sim_attach_tap). Calls: open/ioctl/read/write, netem_trace(),
 * event_heap_push(), netem_schedule() and the netem_* draws.
 */
#include "sim/drv_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/event.h"
#include "sim/link.h"  /* only to take down the link an interface leaves */
#include "sim/realtime.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/rng.h"
#include "stack/trace.h"
#include "stack/wire/eth.h"

static const struct iface_ops drv_tap_ops = {
    .transmit = drv_tap_transmit,
};

/* One trace event on the device's wire: where = "bob-nstap0", side = "to
 * kernel" or "from kernel" (NULL for a drop). */
static void
drv_tap_trace(struct drv_tap *t, enum trace_kind kind, const struct pkt *p,
              enum drop_reason reason, const char *side)
{
    netem_trace(&t->sim->trace, t->sim->now_ns, t->name, kind, p, reason, side);
}

static void
drv_tap_drop(struct drv_tap *t, struct pkt *p, enum drop_reason reason)
{
    drv_tap_trace(t, TRACE_DROP, p, reason, NULL);
    pkt_free(p);
}

struct drv_tap *
drv_tap_of_iface(const struct iface *ifc)
{
    if (ifc == NULL || ifc->ops != &drv_tap_ops)
        return NULL;
    return ifc->drv;
}

/* What the impairments decided for one frame. Every draw is taken before
 * the frame meets the queue, in one fixed order (loss, corrupt and where,
 * reorder, delay), so each frame of a direction takes the same draws
 * whatever becomes of it: the Nth frame of a direction meets the same fate
 * for the same seed, however the kernel's frames are timed. */
struct tap_fate {
    bool lost;              /* lost on the wire (after WIRE, as on a link) */
    bool corrupt;           /* damaged */
    uint64_t corrupt_draw;  /* which octet: a raw draw, taken modulo the span */
    bool now;               /* reorder: skips the delay */
    uint64_t delay_ns;      /* delay with jitter (0 when `now`) */
};

static void
drv_tap_draw(struct netem *d, struct tap_fate *f)
{
    f->lost = netem_roll_loss(d);
    f->corrupt = netem_roll_corrupt(d);
    f->corrupt_draw = f->corrupt ? rng_next(&d->rng) : 0;
    f->now = netem_roll_reorder(d);
    f->delay_ns = f->now ? 0 : netem_draw_delay(d);
}

/* The frame never reached the wire (queue full): its draws were taken, so
 * the next frame meets the same stream, but nothing happened to it. */
static void
drv_tap_fate_void(struct netem *d, const struct tap_fate *f)
{
    d->lost -= f->lost;
    d->corrupted -= f->corrupt;
    d->reordered -= f->now;
}

/* Write p to the device now. */
static void
drv_tap_write(struct drv_tap *t, struct pkt *p)
{
    ssize_t w = write(t->fd, p->data, p->len);
    if (w != (ssize_t)p->len) {
        /* EAGAIN: the device's queue toward the kernel is full; anything
         * else (EIO when it went down) loses the frame the same way. */
        t->tx_errors++;
        drv_tap_drop(t, p, DROP_LINK_QUEUE_FULL);
        return;
    }
    t->tx_frames++;
    t->tx_bytes += p->len;
    t->dir[0].delivered++;
    pkt_free(p);
}

void
drv_tap_emit(struct drv_tap *t, struct pkt *p, bool bad_fcs)
{
    if (t->fd < 0) {
        pkt_free(p);
        return;
    }
    if (bad_fcs) {
        /* [IEEE 802.3 3.2.9] the kernel's NIC would discard a frame whose
         * FCS does not match; a TAP device carries no FCS, so the driver
         * discards it for the kernel. */
        drv_tap_drop(t, p, DROP_ETH_BAD_FCS);
        return;
    }
    drv_tap_write(t, p);
}

/* Put p on direction dir (0: to the kernel, 1: to the host): queue, WIRE,
 * loss, corruption, then the write or the arrival when it is due. */
static void
drv_tap_send(struct drv_tap *t, unsigned dir, struct pkt *p)
{
    struct sim *s = t->sim;
    struct netem *d = &t->dir[dir];
    struct tap_fate f;
    uint64_t depart_ns, arrive_ns;

    drv_tap_draw(d, &f);
    switch (netem_schedule(d, s->now_ns, p->len, &depart_ns, &arrive_ns)) {
    case NETEM_QUEUE_FULL:
        drv_tap_fate_void(d, &f);
        drv_tap_drop(t, p, DROP_LINK_QUEUE_FULL);
        return;
    case NETEM_NO_MEMORY:
        drv_tap_fate_void(d, &f);
        drv_tap_drop(t, p, DROP_NO_MEMORY);
        return;
    case NETEM_QUEUED:
        break;
    }
    drv_tap_trace(t, TRACE_WIRE, p, DROP_NONE, dir == 0 ? "to kernel" : "from kernel");
    if (f.lost) {
        drv_tap_drop(t, p, DROP_LINK_LOSS);
        return;
    }
    bool bad_fcs = false;
    if (f.corrupt) {
        pkt_touch(p);
        bad_fcs = !netem_corrupt_at(d, p->data, p->len, f.corrupt_draw);
    }
    if (f.now)
        arrive_ns = netem_sat_add(depart_ns, f.delay_ns);  /* may pass the frames ahead */
    else
        arrive_ns = netem_fifo_arrival(d, depart_ns, f.delay_ns);
    if (dir == 0 && arrive_ns <= s->now_ns) {
        drv_tap_emit(t, p, bad_fcs);  /* no delay, no rate: straight to the kernel */
        return;
    }
    struct sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at_ns = arrive_ns;
    ev.kind = SIM_EV_FRAME;
    ev.u.frame.p = p;
    ev.u.frame.bad_fcs = bad_fcs;
    if (dir == 0) {
        ev.u.frame.tap = t;       /* written when due */
    } else {
        ev.u.frame.dst = t->ifc;  /* reaches the host when due */
        ev.u.frame.via = d;
    }
    if (event_heap_push(&s->heap, &ev) < 0)
        drv_tap_drop(t, p, DROP_NO_MEMORY);
}

/* A frame entering direction dir: the duplicate roll, then the frame and
 * its copy (which is not rolled for duplication again, as in netem). */
static void
drv_tap_offer(struct drv_tap *t, unsigned dir, struct pkt *p)
{
    struct pkt *copy = netem_roll_duplicate(&t->dir[dir]) ? pkt_clone(p) : NULL;
    drv_tap_send(t, dir, p);
    if (copy != NULL)
        drv_tap_send(t, dir, copy);
}

int
drv_tap_transmit(struct iface *ifc, struct pkt *p)
{
    struct drv_tap *t = drv_tap_of_iface(ifc);
    if (t == NULL || t->fd < 0) {
        pkt_free(p);
        return -ERR_INVAL;
    }
    drv_tap_offer(t, 0, p);
    return 0;
}

unsigned
drv_tap_pull(struct drv_tap *t, unsigned max)
{
    struct sim *s = t->sim;
    unsigned got = 0;
    while (got < max && t->fd >= 0) {
        ssize_t n = read(t->fd, t->rxbuf, DRV_TAP_FRAME_MAX);
        if (n < 0)
            break;  /* EAGAIN: nothing more; other errors: try again later */
        got++;
        if ((size_t)n < ETH_HDR_LEN || (size_t)n > PKT_MAX_FRAME) {
            /* too short to be Ethernet, or a jumbo beyond what the stack
             * carries: never reaches a host */
            t->rx_errors++;
            continue;
        }
        struct pkt *p = pkt_from_bytes(&s->pool, t->rxbuf, (size_t)n);
        if (p == NULL) {
            t->rx_errors++;
            continue;
        }
        p->born_ns = s->now_ns;
        t->rx_frames++;
        t->rx_bytes += (size_t)n;
        drv_tap_offer(t, 1, p);
    }
    return got;
}

int
drv_tap_set_params(struct drv_tap *t, const struct link_params *p)
{
    struct link_params lp;
    memset(&lp, 0, sizeof lp);
    if (p != NULL) {
        lp = *p;
        lp.mtu = 0;  /* the device's MTU is the kernel's */
    }
    if (netem_set_params(&t->dir[0], &lp) < 0)
        return -ERR_INVAL;
    netem_set_params(&t->dir[1], &lp);
    return 0;
}

void
drv_tap_close(struct drv_tap *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    free(t->rxbuf);
    t->rxbuf = NULL;
    netem_destroy(&t->dir[0]);
    netem_destroy(&t->dir[1]);
}

/* Whether a device that does not exist may be created (--tap-create):
 * a choice the person makes once for the whole process, on the command line,
 * before any world is built. Off, a missing device is an error saying how
 * to make it, so a mistyped name never becomes a new, unconfigured device
 * with nobody on the other side. */
static bool drv_tap_create_allowed;

void
drv_tap_allow_create(bool allow)
{
    drv_tap_create_allowed = allow;
}

void
drv_tap_tun_error(int e, const struct stat *st, char *err, size_t n)
{
    if (e == ENOENT || e == ENODEV || e == ENXIO) {
        snprintf(err, n, "cannot open /dev/net/tun: %s: the kernel's TUN/TAP driver is not "
                 "there; load it once as root (modprobe tun), and if the node is missing, "
                 "make it (mknod /dev/net/tun c 10 200; chmod 0666 /dev/net/tun)",
                 strerror(e));
    } else if ((e == EACCES || e == EPERM) && st != NULL) {
        snprintf(err, n, "cannot open /dev/net/tun: %s: it is mode %04o, owner uid %u, "
                 "group gid %u, and this process (uid %u) may not read and write it; "
                 "as root, once: chmod 0666 /dev/net/tun (the usual mode: a device still "
                 "needs its owner's permission to attach), or run netstep as root",
                 strerror(e), (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
                 (unsigned)st->st_gid, (unsigned)getuid());
    } else {
        snprintf(err, n, "cannot open /dev/net/tun: %s", strerror(e));
    }
}

/* Open /dev/net/tun on devname: attach if it exists; create it only when
 * allowed (drv_tap_allow_create), else say how to make it. */
static int
drv_tap_open(struct drv_tap *t, const char *devname, char *err, size_t n)
{
    bool existed = if_nametoindex(devname) != 0;
    if (!existed && !drv_tap_create_allowed) {
        snprintf(err, n,
                 "TAP device %s does not exist: make it first with "
                 "`sudo ip tuntap add dev %s mode tap user $USER` (scripts/tap-lab.sh makes "
                 "one in a namespace, with the kernel's address and routes), or give "
                 "--tap-create to let netstep create it (needs CAP_NET_ADMIN; it is "
                 "unconfigured and disappears when netstep ends)",
                 devname, devname);
        return -ERR_NOENT;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        bool have_st = stat("/dev/net/tun", &st) == 0;
        drv_tap_tun_error(e, have_st ? &st : NULL, err, n);
        return e == EACCES || e == EPERM ? -ERR_ACCES : -ERR_NOENT;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", devname);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        if (e == EPERM && !existed)
            snprintf(err, n,
                     "TAP device %s does not exist and creating it needs CAP_NET_ADMIN: "
                     "make it first with `ip tuntap add dev %s mode tap user $USER`",
                     devname, devname);
        else if (e == EPERM)
            snprintf(err, n,
                     "TAP device %s belongs to another user: "
                     "make it with `ip tuntap add dev %s mode tap user $USER`",
                     devname, devname);
        else if (e == EINVAL)
            snprintf(err, n, "%s exists but is not a TAP device (a TUN, or another kind)",
                     devname);
        else if (e == EBUSY)
            snprintf(err, n, "TAP device %s is already attached to another program", devname);
        else
            snprintf(err, n, "cannot attach TAP device %s: %s", devname, strerror(e));
        return e == EPERM ? -ERR_ACCES : -ERR_INVAL;
    }
    t->fd = fd;
    t->created = !existed;
    snprintf(t->dev, sizeof t->dev, "%s", ifr.ifr_name);
    return 0;
}

/* The device's MTU, or 0 if it cannot be read. */
static unsigned
drv_tap_dev_mtu(const char *dev)
{
    int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sk < 0)
        return 0;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
    unsigned mtu = ioctl(sk, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0 ? (unsigned)ifr.ifr_mtu : 0;
    close(sk);
    return mtu;
}

/* sim_attach_tap() and drv_tap_attach_fd(): fd < 0 opens devname. */
static int
drv_tap_attach(struct sim *s, struct iface *ifc, const char *devname, int fd, char *err,
               size_t n)
{
    char scratch[8];
    if (err == NULL || n == 0) {
        err = scratch;
        n = sizeof scratch;
    }
    err[0] = '\0';
    if (s == NULL || ifc == NULL || ifc->host == NULL || sim_host_index(s, ifc->host) < 0) {
        snprintf(err, n, "tap: not an interface of a host of this world");
        return -ERR_INVAL;
    }
    if (devname == NULL || devname[0] == '\0' || strlen(devname) > DRV_TAP_DEV_LEN ||
        strchr(devname, '/') != NULL) {
        snprintf(err, n, "tap: a device name is 1 to %d characters, no '/'", DRV_TAP_DEV_LEN);
        return -ERR_INVAL;
    }
    if (drv_tap_of_iface(ifc) != NULL) {
        snprintf(err, n, "tap: %s of %s is already on a TAP device", ifc->name, ifc->host->name);
        return -ERR_INVAL;
    }
    struct link *was = link_of_iface(ifc);
    struct realtime *rt = realtime_get(s);
    if (rt == NULL || rt->n_taps >= REALTIME_TAPS_MAX) {
        snprintf(err, n, "tap: no room for another device");
        return -ERR_NOBUFS;
    }
    struct drv_tap *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, n, "tap: out of memory");
        return -ERR_NOMEM;
    }
    t->fd = -1;
    t->sim = s;
    t->ifc = ifc;
    t->rxbuf = malloc(DRV_TAP_FRAME_MAX);
    int ret = t->rxbuf == NULL ? -ERR_NOMEM : 0;
    if (ret == 0 && fd < 0) {
        ret = drv_tap_open(t, devname, err, n);
    } else if (ret == 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
            snprintf(err, n, "tap: descriptor %d: %s", fd, strerror(errno));
            ret = -ERR_INVAL;
        } else {
            t->fd = fd;
            snprintf(t->dev, sizeof t->dev, "%s", devname);
        }
    }
    if (ret < 0) {
        if (ret == -ERR_NOMEM)
            snprintf(err, n, "tap: out of memory");
        free(t->rxbuf);
        free(t);
        return ret;
    }
    snprintf(t->name, sizeof t->name, "%s-%s", ifc->host->name, t->dev);
    uint64_t stream = DRV_TAP_RNG_STREAM_BASE + 2ull * rt->n_taps;
    netem_init(&t->dir[0], NULL, s->seed, stream);
    netem_init(&t->dir[1], NULL, s->seed, stream + 1);
    realtime_add_tap(rt, t);  /* room checked above */

    unsigned mtu = drv_tap_dev_mtu(t->dev);
    if (mtu >= 68 && mtu < ifc->mtu)
        ifc->mtu = (uint16_t)mtu;
    if (was != NULL) {
        /* The interface leaves its simulated link for the device: the link
         * goes down (traced), so nothing more crosses it. */
        link_set_down(was, true);
    }
    ifc->ops = &drv_tap_ops;
    ifc->drv = t;
    struct host *h = ifc->host;
    sim_enter_host(s, h);
    host_iface_up(h, ifc, false);
    sim_host_entered(s, h);
    return 0;
}

int
sim_attach_tap(struct sim *s, struct iface *ifc, const char *devname, char *err, size_t n)
{
    return drv_tap_attach(s, ifc, devname, -1, err, n);
}

int
drv_tap_attach_fd(struct sim *s, struct iface *ifc, int fd, const char *name, char *err,
                  size_t n)
{
    if (fd < 0) {
        if (err != NULL && n > 0)
            snprintf(err, n, "tap: no descriptor");
        return -ERR_INVAL;
    }
    return drv_tap_attach(s, ifc, name, fd, err, n);
}
