/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drv_tap.h - the TAP driver: a host's interface on a real Linux TAP device.
 *
 * The same `struct iface_ops` as the simulated link (sim/link.h): the
 * Ethernet layer hands a finished frame to drv_tap_transmit(), which writes
 * it to /dev/net/tun; frames the kernel sends to the device are read by the
 * real-time loop (sim/realtime.h) and arrive through iface_input() like any
 * frame off a simulated wire. The device is opened with IFF_TAP | IFF_NO_PI
 * (plain Ethernet frames, no packet-information header, no offloads, so every
 * frame carries full checksums), non-blocking.
 *
 * Every frame, in or out, is a TRACE_WIRE event named "HOST-DEV" (for example
 * "bob-nstap0"), so the capture (pcap_sink) and the text trace record the
 * real wire like a simulated one. Impairments can sit between the host and
 * the device: every knob of struct link_params but mtu (delay and jitter,
 * rate and limit, loss random or Gilbert-Elliott, duplicate, reorder,
 * corrupt), in both directions, each with its own seeded generator, so the
 * kernel's TCP meets loss. As on a link, a lost frame is traced WIRE then
 * DROP LINK_LOSS; a frame damaged `l2` toward the kernel is dropped by the
 * driver (DROP ETH_BAD_FCS), as the kernel's NIC would.
 *
 * Attaching: a device that exists (made beforehand with
 * `ip tuntap add dev NAME mode tap user USER`) is attached without any
 * privilege; one that does not exist is an error that says how to make it,
 * unless creating was asked for (drv_tap_allow_create(), `--tap-create`):
 * then it is created (needs CAP_NET_ADMIN) and disappears when netstep
 * closes it. The driver configures nothing on the
 * kernel side: addresses and routes are the person's (scripts/tap-lab.sh).
 */
#ifndef NETSTEP_SIM_DRV_TAP_H
#define NETSTEP_SIM_DRV_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/netem.h"

struct iface;
struct sim;

/* Longest device name (IFNAMSIZ without the NUL). */
#define DRV_TAP_DEV_LEN 15
/* Largest frame read from the device; larger ones are dropped. */
#define DRV_TAP_FRAME_MAX 65536u
/* "bob-nstap0": host name, '-', device name; the `where` of its events. */
#define DRV_TAP_NAME_LEN 80
/* Random streams of TAP devices start here (links use 1 << 32). */
#define DRV_TAP_RNG_STREAM_BASE (1ull << 33)

struct drv_tap {
    struct sim *sim;               /* the world: clock, pool, heap, trace bus */
    struct iface *ifc;             /* the interface on the device */
    int fd;                        /* /dev/net/tun, attached, O_NONBLOCK */
    char dev[DRV_TAP_DEV_LEN + 1]; /* "nstap0" */
    char name[DRV_TAP_NAME_LEN];   /* "bob-nstap0": the `where` of its events */
    bool created;                  /* the device did not exist: we made it */
    struct netem dir[2];           /* impairments: dir[0] host -> kernel, dir[1] kernel -> host */
    uint8_t *rxbuf;                /* DRV_TAP_FRAME_MAX bytes for read() */
    /* counters */
    uint64_t tx_frames;            /* frames written to the device */
    uint64_t tx_bytes;             /* their bytes */
    uint64_t rx_frames;            /* frames read from the device */
    uint64_t rx_bytes;             /* their bytes */
    uint64_t tx_errors;            /* write() refused a frame */
    uint64_t rx_errors;            /* frames too short or too long, or no memory */
};

/* The one call a runner makes: put ifc (an interface of a host of s) on TAP
 * device devname. An interface already on a simulated link leaves it, and
 * that link goes down (a `--tap` given for a scenario that cabled the host);
 * a runner that knows beforehand simply makes no link for it. Opens the device (attach or create), makes
 * the world real-time (sim/realtime.h), caps ifc's MTU at the device's,
 * brings ifc up without a gratuitous ARP. Returns 0, or -ERR_* with a
 * sentence for a person in err (n bytes; may be NULL). */
int sim_attach_tap(struct sim *s, struct iface *ifc, const char *devname, char *err, size_t n);

/* The same with a descriptor opened elsewhere, which the driver then owns
 * and makes non-blocking: a TAP device a privileged helper opened and
 * handed over (as qemu's `-netdev tap,fd=N`), or, in tests, one end of an
 * AF_UNIX SOCK_SEQPACKET pair, which keeps frame boundaries as a TAP device
 * does. `name` labels the wire ("HOST-name"). On failure fd stays the
 * caller's. */
int drv_tap_attach_fd(struct sim *s, struct iface *ifc, int fd, const char *name, char *err,
                      size_t n);

/* Let sim_attach_tap() create a device that does not exist (the command
 * line's --tap-create), for the whole process; off by default. */
void drv_tap_allow_create(bool allow);

struct stat;
/* The sentence for open("/dev/net/tun") failing with errno e: why, and
 * what to do (load the module; the node's mode, owner and the fix). st is
 * the node's stat(), or NULL if it has none. */
void drv_tap_tun_error(int e, const struct stat *st, char *err, size_t n);

/* The driver of ifc if it is on a TAP device, else NULL. */
struct drv_tap *drv_tap_of_iface(const struct iface *ifc);

/* Impairments between the host and the device, both directions: every
 * field of p but mtu (NULL: none). Generators seeded from the world's seed
 * when the device was attached. -ERR_INVAL for a chance outside [0, 1]. */
int drv_tap_set_params(struct drv_tap *t, const struct link_params *p);

/* The driver entry point (ifc->ops->transmit). Takes ownership of p. */
int drv_tap_transmit(struct iface *ifc, struct pkt *p);

/* A frame toward the kernel whose time has come (sim.c, for a SIM_EV_FRAME
 * with u.frame.tap set): written to the device, or dropped as a bad FCS.
 * Takes ownership of p. */
void drv_tap_emit(struct drv_tap *t, struct pkt *p, bool bad_fcs);

/* Read up to max frames the device holds and schedule each as a SIM_EV_FRAME
 * due now. Returns the frames read (0 when none was waiting). */
unsigned drv_tap_pull(struct drv_tap *t, unsigned max);

/* Close the device and free the buffers (not t itself). */
void drv_tap_close(struct drv_tap *t);

#endif
