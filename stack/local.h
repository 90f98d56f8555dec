/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * local.h - AF_LOCAL (Unix-domain) sockets, for the socket layer only.
 *
 * socket.c checks descriptors and traces each call; these do the work.
 * Each returns >= 0 or -ERR_*.
 */
#ifndef NETSTEP_STACK_LOCAL_H
#define NETSTEP_STACK_LOCAL_H

#include <stddef.h>
#include <stdint.h>

struct host;
struct socket;

int local_bind(struct host *h, struct socket *s, const char *path);
int local_connect(struct host *h, struct socket *s, const char *path);
int local_listen(struct host *h, struct socket *s, int backlog);
/* The fd of the oldest connection waiting on listener ls, or -ERR_AGAIN. */
int local_accept(struct host *h, struct socket *ls);
/* to: a datagram's destination path, or NULL for the connected peer. */
int local_send(struct host *h, struct socket *s, const uint8_t *buf, size_t len, const char *to);
int local_recv(struct host *h, struct socket *s, uint8_t *buf, size_t cap, char *from,
               size_t from_len);
int local_shutdown(struct host *h, struct socket *s, int how);
/* Tell the peer and the listener; queued data is freed by the caller. */
void local_close(struct host *h, struct socket *s);
unsigned local_poll(const struct host *h, const struct socket *s);

#endif
