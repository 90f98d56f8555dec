/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outfile.c - opening a capture's output without replacing what the path
 * names (see outfile.h): stdout, FIFOs and devices as they are, symbolic
 * links followed, regular files through a temporary file and rename().
 * Called by: pcap_sink_open(), pcapng_sink_open().
 */
#define _GNU_SOURCE /* fallocate() */
#include "sim/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* statfs(2)'s f_type of tmpfs (linux/magic.h's TMPFS_MAGIC). */
#define OUTFILE_TMPFS_MAGIC 0x01021994

static int
outfile_fail(int err, char *why, size_t why_len, const char *name, const char *what)
{
    snprintf(why, why_len, "%s: %s", name, what != NULL ? what : strerror(err));
    return -err;
}

/* dir of `base_file` joined with `rel` (an absolute rel stands alone). */
static char *
outfile_join(const char *base_file, const char *rel)
{
    if (rel[0] == '/')
        return strdup(rel);
    const char *slash = strrchr(base_file, '/');
    size_t dlen = slash != NULL ? (size_t)(slash - base_file) + 1 : 0;
    size_t rlen = strlen(rel);
    char *s = malloc(dlen + rlen + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, base_file, dlen);
    memcpy(s + dlen, rel, rlen + 1);
    return s;
}

/* Follow symbolic links from path: *out gets the first name that is not
 * one (it may not exist), st its lstat() (st_mode 0 if missing). */
static int
outfile_follow(const char *path, char **out, struct stat *st, char *why, size_t why_len)
{
    char *cur = strdup(path);
    if (cur == NULL)
        return outfile_fail(ENOMEM, why, why_len, path, NULL);
    for (unsigned hops = 0;; hops++) {
        if (lstat(cur, st) != 0) {
            int e = errno;
            if (e != ENOENT) {
                free(cur);
                return outfile_fail(e, why, why_len, path, NULL);
            }
            memset(st, 0, sizeof *st);  /* missing: it will be created */
            break;
        }
        if (!S_ISLNK(st->st_mode))
            break;
        if (hops == OUTFILE_SYMLINKS_MAX) {
            free(cur);
            return outfile_fail(ELOOP, why, why_len, path, NULL);
        }
        char target[PATH_MAX];
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0) {
            int e = errno;
            free(cur);
            return outfile_fail(e, why, why_len, path, NULL);
        }
        target[n] = '\0';
        char *next = outfile_join(cur, target);
        free(cur);
        if (next == NULL)
            return outfile_fail(ENOMEM, why, why_len, path, NULL);
        cur = next;
    }
    *out = cur;
    return 0;
}

static void
outfile_free(struct outfile *o)
{
    free(o->buf);
    o->buf = NULL;
    o->buf_len = 0;
    free(o->path);
    free(o->final_path);
    free(o->tmp_path);
    o->path = o->final_path = o->tmp_path = NULL;
}

/* Open fd as o->f, with the buffer; closes fd on failure. */
static int
outfile_fdopen(struct outfile *o, int fd, char *why, size_t why_len)
{
    o->buf = malloc(OUTFILE_BUFFER);
    if (o->buf == NULL) {
        close(fd);
        return outfile_fail(ENOMEM, why, why_len, o->path, NULL);
    }
    o->f = fdopen(fd, "wb");
    if (o->f == NULL) {
        int e = errno;
        close(fd);
        return outfile_fail(e, why, why_len, o->path, NULL);
    }
    /* A regular file gets whole buffers of ours: stdio's own buffer would
     * only copy them again. A direct output keeps stdio's buffering. */
    if (!o->direct)
        setvbuf(o->f, NULL, _IONBF, 0);
    return 0;
}

/* Reserve the next OUTFILE_PREALLOC bytes of the file's blocks; the file's
 * size does not change. When the file system cannot (EOPNOTSUPP) or has no
 * room (ENOSPC), the file is written plainly from then on, and a write that
 * truly finds no room says so itself. */
static void
outfile_prealloc(struct outfile *o)
{
    off_t from = (off_t)o->prealloc_end;
    /* counted before the call: a reservation that failed half way may
     * still have taken blocks, which outfile_finish() gives back */
    o->prealloc_end += OUTFILE_PREALLOC;
    if (fallocate(fileno(o->f), FALLOC_FL_KEEP_SIZE, from, (off_t)OUTFILE_PREALLOC) != 0)
        o->prealloc = false;
}

int
outfile_flush(struct outfile *o)
{
    if (o->err != 0)
        return -o->err;
    if (o->buf_len == 0 || o->f == NULL)
        return 0;
    /* what the write costs the kernel, told apart from the frames' own
     * cost (a clock read per megabyte) */
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    if (o->prealloc && o->written + o->buf_len > o->prealloc_end)
        outfile_prealloc(o);
    errno = 0;
    size_t written = fwrite(o->buf, 1, o->buf_len, o->f);
    o->written += written;
    int e = errno;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    o->write_cpu_ns += (uint64_t)((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 +
                                  (t1.tv_nsec - t0.tv_nsec));
    errno = e;
    if (written != o->buf_len) {
        o->err = errno ? errno : EIO;
        return -o->err;
    }
    o->buf_len = 0;
    return 0;
}

unsigned char *
outfile_reserve(struct outfile *o, size_t n)
{
    if (o->err != 0 || o->buf == NULL || n > OUTFILE_BUFFER)
        return NULL;
    if (o->buf_len + n > OUTFILE_BUFFER && outfile_flush(o) < 0)
        return NULL;
    return o->buf + o->buf_len;
}

void
outfile_commit(struct outfile *o, size_t n)
{
    o->buf_len += n;
    if (o->direct)
        outfile_flush(o);  /* stdio's buffering decides, as before */
}

int
outfile_open(struct outfile *o, const char *path, char *why, size_t why_len)
{
    memset(o, 0, sizeof *o);
    if (path == NULL || path[0] == '\0')
        return outfile_fail(EINVAL, why, why_len, "capture", "no file name given");
    o->path = strdup(path);
    if (o->path == NULL)
        return outfile_fail(ENOMEM, why, why_len, path, NULL);
    int rc;
    if (strcmp(path, "-") == 0) {
        o->direct = true;
        if (isatty(STDOUT_FILENO)) {
            rc = outfile_fail(EINVAL, why, why_len, "-",
                              "standard output is a terminal: a capture is binary, pipe it "
                              "(| tshark -r -) or name a file");
            goto fail;
        }
        /* A duplicate: closing the capture leaves fd 1 itself open. */
        int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (fd < 0) {
            rc = outfile_fail(errno, why, why_len, "-", NULL);
            goto fail;
        }
        if ((rc = outfile_fdopen(o, fd, why, why_len)) < 0)
            goto fail;
        return 0;
    }
    char *target = NULL;
    struct stat st;
    if ((rc = outfile_follow(path, &target, &st, why, why_len)) < 0)
        goto fail;
    if (S_ISDIR(st.st_mode)) {
        free(target);
        rc = outfile_fail(EISDIR, why, why_len, path, NULL);
        goto fail;
    }
    if (st.st_mode != 0 && !S_ISREG(st.st_mode)) {
        /* A FIFO, a device: written as it is, never created or replaced. */
        o->direct = true;
        int fd = open(target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        free(target);
        if (fd < 0) {
            rc = outfile_fail(errno, why, why_len, path, NULL);
            goto fail;
        }
        if ((rc = outfile_fdopen(o, fd, why, why_len)) < 0)
            goto fail;
        return 0;
    }
    /* A regular file, or none yet: TARGET.tmp beside it, renamed at the end. */
    o->final_path = target;
    size_t len = strlen(target);
    o->tmp_path = malloc(len + sizeof ".tmp");
    if (o->tmp_path == NULL) {
        rc = outfile_fail(ENOMEM, why, why_len, path, NULL);
        goto fail;
    }
    memcpy(o->tmp_path, target, len);
    memcpy(o->tmp_path + len, ".tmp", sizeof ".tmp");
    struct stat tst;
    if (lstat(o->tmp_path, &tst) == 0 && !S_ISREG(tst.st_mode)) {
        rc = outfile_fail(EEXIST, why, why_len, o->tmp_path,
                          "exists and is not a regular file: the capture will not replace it");
        goto fail;
    }
    int fd = open(o->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = outfile_fail(errno, why, why_len, o->tmp_path, NULL);
        goto fail;
    }
    if ((rc = outfile_fdopen(o, fd, why, why_len)) < 0) {
        remove(o->tmp_path);
        goto fail;
    }
    struct statfs sfs;
    o->prealloc = fstatfs(fd, &sfs) == 0 && sfs.f_type != OUTFILE_TMPFS_MAGIC;
    return 0;

fail:
    outfile_free(o);
    return rc;
}

int
outfile_finish(struct outfile *o, bool ok, char *why, size_t why_len)
{
    int rc = 0;
    if (o->f != NULL && ok && outfile_flush(o) < 0)
        rc = outfile_fail(o->err, why, why_len, o->path, NULL);
    else if (o->err != 0)
        rc = outfile_fail(o->err, why, why_len, o->path, NULL);
    if (o->f != NULL) {
        if (rc == 0 && (fflush(o->f) != 0 || ferror(o->f)))
            rc = outfile_fail(errno ? errno : EIO, why, why_len, o->path, NULL);
        /* Blocks reserved past the end stay the file's until it is
         * truncated [fallocate(2), FALLOC_FL_KEEP_SIZE]: a truncate to its
         * own size gives them back. The bytes are whole either way, so a
         * failure here costs only disk space and is not the run's error. */
        struct stat st;
        if (o->prealloc_end > 0 && ok && rc == 0 && fstat(fileno(o->f), &st) == 0 &&
            ftruncate(fileno(o->f), st.st_size) != 0)
            errno = 0;
        if (fclose(o->f) != 0 && rc == 0)
            rc = outfile_fail(errno ? errno : EIO, why, why_len, o->path, NULL);
        o->f = NULL;
    }
    if (o->tmp_path != NULL) {
        if (ok && rc == 0 && rename(o->tmp_path, o->final_path) != 0)
            rc = outfile_fail(errno, why, why_len, o->final_path, NULL);
        if (!ok || rc != 0)
            remove(o->tmp_path);
    }
    outfile_free(o);
    return rc;
}

const char *
outfile_name(const struct outfile *o)
{
    return o->path != NULL ? o->path : "capture";
}
