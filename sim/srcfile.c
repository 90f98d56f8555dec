/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * srcfile.c - reading a scenario file whole, with a bound (see srcfile.h).
 *
 * The file is opened non-blocking (a FIFO would otherwise wait for a writer
 * before fstat() could tell what it is), checked with fstat() on the open
 * descriptor (so what is checked is what is read), and read to at most
 * max_len + 1 bytes: a file that grows while it is read is still refused.
 */
#include "sim/srcfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
srcfile_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISFIFO(mode))
        return "a FIFO or pipe";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a plain file";
}

/* "16 MiB" for a whole number of MiB, else the bytes. */
static void
srcfile_size_str(size_t n, char *buf, size_t len)
{
    if (n % (1024 * 1024) == 0)
        snprintf(buf, len, "%zu MiB", n / (1024 * 1024));
    else
        snprintf(buf, len, "%zu bytes", n);
}

char *
srcfile_read(const char *path, size_t max_len, size_t *len, char *why, size_t why_len)
{
    char bound[32];
    srcfile_size_str(max_len, bound, sizeof bound);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(why, why_len, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_len, "cannot open: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "not a regular file (%s): a scenario is read from a file",
                 srcfile_kind(st.st_mode));
        close(fd);
        return NULL;
    }
    if ((unsigned long long)st.st_size > max_len) {
        snprintf(why, why_len, "larger than %s, the most a scenario file may hold", bound);
        close(fd);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap + 1);
    size_t n = 0;
    if (buf == NULL) {
        snprintf(why, why_len, "out of memory");
        close(fd);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max_len)
                break;  /* read max_len + 1 bytes: too large, said below */
            size_t ncap = cap * 2 > max_len + 1 ? max_len + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                snprintf(why, why_len, "out of memory");
                goto fail;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(why, why_len, "cannot read: %s", strerror(errno));
            goto fail;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > max_len) {
        snprintf(why, why_len, "larger than %s, the most a scenario file may hold", bound);
        goto fail;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;

fail:
    close(fd);
    free(buf);
    return NULL;
}
