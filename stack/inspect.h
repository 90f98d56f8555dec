/*
 * inspect.h - read-only snapshots of a host, for expects and the view.
 *
 * The view and the scenario runner read the stack only through the trace and
 * these functions [DESIGN 2]: they copy out what is there, never a pointer
 * into the host.
 */
#ifndef NETSTEP_STACK_INSPECT_H
#define NETSTEP_STACK_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/wire/addr.h"

struct host;

struct inspect_arp {
    uint32_t ip;             /* protocol address */
    uint8_t mac[ETH_ALEN];   /* hardware address, zero while incomplete */
    const char *state;       /* "REACHABLE", "INCOMPLETE", "PERMANENT" */
    const char *ifname;      /* "eth0" */
    uint64_t expires_ns;     /* REACHABLE: when it ages out */
    unsigned queued;         /* packets waiting on it */
};

/* Copies up to max entries; returns how many there are in all. */
size_t inspect_arp(const struct host *h, struct inspect_arp *out, size_t max);
/* The entry for ip, or false. */
bool inspect_arp_find(const struct host *h, uint32_t ip, struct inspect_arp *out);

struct inspect_socket {
    int fd;                 /* descriptor */
    const char *proto;      /* "udp", "icmp", "tcp" */
    uint32_t laddr;         /* local address */
    uint16_t lport;         /* local port */
    uint32_t faddr;         /* foreign address */
    uint16_t fport;         /* foreign port */
    bool bound;             /* has a local port */
    bool connected;         /* has a fixed peer */
    const char *state;      /* "UNCONN", "ESTAB" or a TCP state name */
    int so_error;           /* pending error (ERR_*), 0 if none */
    size_t rcvq_bytes;      /* bytes queued to read */
    size_t rcvq_count;      /* datagrams queued to read */
};

size_t inspect_sockets(const struct host *h, struct inspect_socket *out, size_t max);
bool inspect_socket(const struct host *h, int fd, struct inspect_socket *out);

/* A named counter, as scenario expects name them: "<layer>.rx", "<layer>.tx",
 * "<layer>.drop" for layer eth arp ipv4 icmp udp tcp socket; "drop.<REASON>";
 * "drops" (all); "icmp.rx.<type>" / "icmp.tx.<type>" for echo_request,
 * echo_reply, unreachable, time_exceeded; "ipv4.forwarded"; "udp.delivered".
 * False if the name is unknown. */
bool inspect_counter(const struct host *h, const char *name, uint64_t *out);
/* Every counter name inspect_counter() knows, NULL-terminated is not possible
 * for the drop reasons, so: writes the i-th name into buf; false past the end. */
bool inspect_counter_name(size_t i, char *buf, size_t n);

#endif
