/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * describe.h - one line for a whole frame, in tcpdump -nn's shape.
 *
 * Decodes Ethernet, then ARP, IPv4 or IPv6, then ICMP, ICMPv6, UDP or TCP, as far as the
 * bytes allow, and says where it stopped if they do not ("[truncated]",
 * "[bad ip checksum]"). The text trace and the event pane print this.
 */
#ifndef NETSTEP_WIRE_DESCRIBE_H
#define NETSTEP_WIRE_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

/* Examples:
 *   "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28"
 *   "IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 1, length 64"
 *   "IP 192.0.2.1.49152 > 192.0.2.2.7: UDP, length 5"
 *   "IP 192.0.2.1.49152 > 192.0.2.2.80: Flags [S], seq 1, win 65535, options [...], length 0"
 * Returns what snprintf would. */
int frame_describe(const uint8_t *frame, size_t len, char *buf, size_t n);

#endif
