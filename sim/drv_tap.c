/*
 * drv_tap.c - the TAP driver: frames between a host's interface and a Linux
 * TAP device.
 *
 * Transmit: WIRE event, loss roll (DROP LINK_LOSS), write() to the device
 * (a refused write is DROP LINK_QUEUE_FULL: the kernel's queue was full).
 * Receive (drv_tap_pull, called by the real-time loop): read() a frame, WIRE
 * event, loss roll, then a SIM_EV_FRAME due now on the world's heap, which
 * sim_step() delivers through iface_input() like a frame off a link.
 * Ethernet framing per [IEEE 802.3 3.1]; the kernel hands over frames without
 * padding or FCS, and takes them the same way.
 * Called by: eth_output() through ifc->ops, realtime.c, the runner
 * (sim_attach_tap). Calls: open/ioctl/read/write, trace_emit(),
 * frame_describe(), event_heap_push(), link_dir_roll_loss().
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
#include <unistd.h>

#include "sim/event.h"
#include "sim/realtime.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/trace.h"
#include "stack/wire/describe.h"
#include "stack/wire/eth.h"

static const struct iface_ops drv_tap_ops = {
    .transmit = drv_tap_transmit,
};

/* One trace event on the device's wire: host NULL, where = "bob-nstap0". */
static void
drv_tap_trace(struct drv_tap *t, enum trace_kind kind, const struct pkt *p,
              enum drop_reason reason, const char *dir)
{
    struct sim *s = t->sim;
    if (!trace_wanted(&s->trace))
        return;
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = s->now_ns;
    ev.kind = kind;
    ev.layer = LAYER_WIRE;
    ev.host = NULL;
    ev.where = t->name;
    ev.pkt = p;
    ev.cause = p->cause;
    if (kind == TRACE_DROP) {
        ev.reason = (int)reason;
        ev.rfc = drop_reason_rfc(reason);
    } else {
        /* "<frame_describe> on bob-nstap0 (to kernel)", suffix always kept */
        char suffix[LINK_NAME_LEN + 24];
        int sl = snprintf(suffix, sizeof suffix, " on %s (%s)", t->name, dir);
        size_t suffix_len = sl < 0 ? 0 : (size_t)sl;
        if (suffix_len >= sizeof ev.text)
            suffix_len = 0;
        size_t room = sizeof ev.text - suffix_len;
        frame_describe(p->data, p->len, ev.text, room);
        size_t used = strnlen(ev.text, room - 1);
        memcpy(ev.text + used, suffix, suffix_len);
        ev.text[used + suffix_len] = '\0';
    }
    trace_emit(&s->trace, &ev);
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

int
drv_tap_transmit(struct iface *ifc, struct pkt *p)
{
    struct drv_tap *t = drv_tap_of_iface(ifc);
    if (t == NULL || t->fd < 0) {
        pkt_free(p);
        return -ERR_INVAL;
    }
    drv_tap_trace(t, TRACE_WIRE, p, DROP_NONE, "to kernel");
    if (link_dir_roll_loss(&t->dir[0])) {
        drv_tap_drop(t, p, DROP_LINK_LOSS);
        return 0;
    }
    ssize_t w = write(t->fd, p->data, p->len);
    if (w != (ssize_t)p->len) {
        /* EAGAIN: the device's queue toward the kernel is full; anything
         * else (EIO when it went down) loses the frame the same way. */
        t->tx_errors++;
        drv_tap_drop(t, p, DROP_LINK_QUEUE_FULL);
        return 0;
    }
    t->tx_frames++;
    t->tx_bytes += p->len;
    pkt_free(p);
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
        drv_tap_trace(t, TRACE_WIRE, p, DROP_NONE, "from kernel");
        if (link_dir_roll_loss(&t->dir[1])) {
            drv_tap_drop(t, p, DROP_LINK_LOSS);
            continue;
        }
        struct sim_event ev;
        memset(&ev, 0, sizeof ev);
        ev.at_ns = s->now_ns;
        ev.kind = SIM_EV_FRAME;
        ev.u.frame.dst = t->ifc;
        ev.u.frame.p = p;
        if (event_heap_push(&s->heap, &ev) < 0)
            drv_tap_drop(t, p, DROP_NO_MEMORY);
    }
    return got;
}

int
drv_tap_set_params(struct drv_tap *t, const struct link_params *p)
{
    struct link_params lp;
    memset(&lp, 0, sizeof lp);
    if (p != NULL) {
        lp.loss = p->loss;
        lp.loss_model = p->loss_model;
        lp.ge_p = p->ge_p;
        lp.ge_r = p->ge_r;
        lp.ge_1h = p->ge_1h;
        lp.ge_1k = p->ge_1k;
    }
    if (link_dir_set_params(&t->dir[0], &lp) < 0)
        return -ERR_INVAL;
    link_dir_set_params(&t->dir[1], &lp);
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
    link_dir_destroy(&t->dir[0]);
    link_dir_destroy(&t->dir[1]);
}

/* Open /dev/net/tun on devname: attach if it exists, else create. */
static int
drv_tap_open(struct drv_tap *t, const char *devname, char *err, size_t n)
{
    bool existed = if_nametoindex(devname) != 0;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, n, "cannot open /dev/net/tun: %s%s", strerror(errno),
                 errno == ENOENT ? " (load the tun module: modprobe tun)" : "");
        return errno == EACCES ? -ERR_ACCES : -ERR_NOENT;
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

int
sim_attach_tap(struct sim *s, struct iface *ifc, const char *devname, char *err, size_t n)
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
    int ret = t->rxbuf == NULL ? -ERR_NOMEM : drv_tap_open(t, devname, err, n);
    if (ret < 0) {
        if (ret == -ERR_NOMEM)
            snprintf(err, n, "tap: out of memory");
        free(t->rxbuf);
        free(t);
        return ret;
    }
    snprintf(t->name, sizeof t->name, "%s-%s", ifc->host->name, t->dev);
    uint64_t stream = DRV_TAP_RNG_STREAM_BASE + 2ull * rt->n_taps;
    link_dir_init(&t->dir[0], NULL, s->seed, stream);
    link_dir_init(&t->dir[1], NULL, s->seed, stream + 1);
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
