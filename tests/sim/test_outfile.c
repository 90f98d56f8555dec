/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_outfile.c - Check suite for where a capture's bytes go (sim/outfile.h):
 * nothing but a regular file is ever replaced.
 *
 * In a fresh directory under /tmp: a new file appears only when finished
 * (FILE.tmp until then, removed if abandoned, the old FILE kept); a
 * symbolic link, and a chain of two, is followed and stays a link; a
 * dangling link creates its target; a FIFO is written to as it is (a reader
 * gets the bytes; no .tmp; it stays a FIFO); /dev/null stays a device; a
 * directory is refused; a FILE.tmp that is not a regular file is never
 * written through. A regular file's blocks reserved ahead of the writes
 * never show in its size (a reader sees the records written, no more) and
 * are given back when it is finished.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sim/outfile.h"

static char dir[PATH_MAX];

static void
make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/netstep-outfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *
at(const char *name)
{
    static char buf[4][PATH_MAX + 64];
    static unsigned k;
    char *b = buf[k++ % 4];
    snprintf(b, PATH_MAX + 64, "%s/%s", dir, name);
    return b;
}

/* The whole content of path, or "" (at most 255 bytes). */
static const char *
content(const char *path)
{
    static char buf[256];
    buf[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool
exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void
write_whole(const char *path, const char *text, bool ok)
{
    struct outfile o;
    char why[OUTFILE_ERR_LEN];
    ck_assert_int_eq(outfile_open(&o, path, why, sizeof why), 0);
    fputs(text, o.f);
    ck_assert_int_eq(outfile_finish(&o, ok, why, sizeof why), 0);
}

START_TEST(test_regular_file_appears_only_when_finished)
{
    make_dir();
    const char *p = at("a.pcap");
    FILE *f = fopen(p, "w");
    fputs("old", f);
    fclose(f);
    struct outfile o;
    char why[OUTFILE_ERR_LEN];
    ck_assert_int_eq(outfile_open(&o, p, why, sizeof why), 0);
    ck_assert(!o.direct);
    fputs("new", o.f);
    fflush(o.f);
    ck_assert_str_eq(content(p), "old");  /* still the old one while writing */
    ck_assert(exists(at("a.pcap.tmp")));
    ck_assert_int_eq(outfile_finish(&o, true, why, sizeof why), 0);
    ck_assert_str_eq(content(p), "new");
    ck_assert(!exists(at("a.pcap.tmp")));
    /* abandoned: the old file stays, no .tmp */
    write_whole(p, "lost", false);
    ck_assert_str_eq(content(p), "new");
    ck_assert(!exists(at("a.pcap.tmp")));
    remove_dir();
}
END_TEST

START_TEST(test_symlink_is_followed_and_stays_a_link)
{
    make_dir();
    ck_assert_int_eq(mkdir(at("real"), 0777), 0);
    ck_assert_int_eq(symlink("real/t.pcap", at("l.pcap")), 0);   /* dangling */
    ck_assert_int_eq(symlink("l.pcap", at("chain.pcap")), 0);    /* link to a link */
    write_whole(at("l.pcap"), "one", true);
    struct stat st;
    ck_assert_int_eq(lstat(at("l.pcap"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_str_eq(content(at("real/t.pcap")), "one");
    write_whole(at("chain.pcap"), "two", true);
    ck_assert_int_eq(lstat(at("chain.pcap"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(lstat(at("l.pcap"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_str_eq(content(at("real/t.pcap")), "two");
    ck_assert(!exists(at("real/t.pcap.tmp")));
    ck_assert(!exists(at("l.pcap.tmp")));
    remove_dir();
}
END_TEST

START_TEST(test_fifo_is_written_as_it_is)
{
    make_dir();
    const char *p = at("f.pcap");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    /* a reader first, so opening for writing does not wait */
    int rd = open(p, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(rd, 0);
    struct outfile o;
    char why[OUTFILE_ERR_LEN];
    ck_assert_int_eq(outfile_open(&o, p, why, sizeof why), 0);
    ck_assert(o.direct);
    fputs("through", o.f);
    ck_assert_int_eq(outfile_finish(&o, true, why, sizeof why), 0);
    char buf[16] = "";
    ck_assert_int_eq(read(rd, buf, sizeof buf - 1), 7);
    ck_assert_str_eq(buf, "through");
    close(rd);
    struct stat st;
    ck_assert_int_eq(lstat(p, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    ck_assert(!exists(at("f.pcap.tmp")));
    remove_dir();
}
END_TEST

START_TEST(test_device_and_directory)
{
    struct stat before, after;
    ck_assert_int_eq(stat("/dev/null", &before), 0);
    struct outfile o;
    char why[OUTFILE_ERR_LEN];
    ck_assert_int_eq(outfile_open(&o, "/dev/null", why, sizeof why), 0);
    ck_assert(o.direct);
    fputs("gone", o.f);
    ck_assert_int_eq(outfile_finish(&o, true, why, sizeof why), 0);
    ck_assert_int_eq(stat("/dev/null", &after), 0);
    ck_assert(S_ISCHR(after.st_mode));
    ck_assert_uint_eq(after.st_rdev, before.st_rdev);
    ck_assert_uint_eq(after.st_ino, before.st_ino);
    ck_assert(!exists("/dev/null.tmp"));

    make_dir();
    ck_assert_int_eq(outfile_open(&o, dir, why, sizeof why), -EISDIR);
    ck_assert_msg(strstr(why, "Is a directory") != NULL, "%s", why);
    /* a FILE.tmp that is a FIFO is not written through */
    ck_assert_int_eq(mkfifo(at("x.pcap.tmp"), 0600), 0);
    ck_assert_int_eq(outfile_open(&o, at("x.pcap"), why, sizeof why), -EEXIST);
    ck_assert(!exists(at("x.pcap")));
    remove_dir();
}
END_TEST

/* statfs(2)'s f_type of ext2/3/4 (linux/magic.h), where fallocate()
 * is known to work. */
#define EXT4_MAGIC 0xEF53

/* Allocated bytes of path. */
static long long
allocated(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (long long)st.st_blocks * 512;
}

START_TEST(test_reserved_blocks_never_show_and_are_given_back)
{
    make_dir();
    const char *p = at("big.pcap");
    struct outfile o;
    char why[OUTFILE_ERR_LEN];
    ck_assert_int_eq(outfile_open(&o, p, why, sizeof why), 0);
    /* 3.5 buffers of records: three writes while open, the rest at the end */
    size_t rec = 1000, n = (OUTFILE_BUFFER / rec) * 7 / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned char *b = outfile_reserve(&o, rec);
        ck_assert_ptr_nonnull(b);
        memset(b, (int)('a' + i % 26), rec);
        outfile_commit(&o, rec);
    }
    struct stat st;
    ck_assert_int_eq(stat(at("big.pcap.tmp"), &st), 0);
    /* what a reader (or a run stopped now) sees: whole buffers written */
    ck_assert_uint_eq((uint64_t)st.st_size, o.written);
    ck_assert_uint_eq(o.written, 3 * (uint64_t)(OUTFILE_BUFFER / rec) * rec);
    struct statfs sfs;
    ck_assert_int_eq(statfs(dir, &sfs), 0);
    if (sfs.f_type == EXT4_MAGIC) {
        /* reserved ahead: more is allocated than written */
        ck_assert(o.prealloc);
        ck_assert_uint_eq(o.prealloc_end, OUTFILE_PREALLOC);
        ck_assert_int_gt(allocated(at("big.pcap.tmp")), (long long)o.written + 2 * OUTFILE_BUFFER);
    }
    ck_assert_int_eq(outfile_finish(&o, true, why, sizeof why), 0);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq((uint64_t)st.st_size, n * rec);
    /* given back: no more than the bytes, rounded up to a few blocks */
    ck_assert_int_le(allocated(p), (long long)(n * rec) + 64 * 1024);
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *b = malloc(rec);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(fread(b, 1, rec, f), rec);
        ck_assert_msg(b[0] == 'a' + i % 26 && b[rec - 1] == 'a' + i % 26, "record %zu", i);
    }
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
    free(b);
    remove_dir();
}
END_TEST

static Suite *
outfile_suite(void)
{
    Suite *s = suite_create("sim/outfile");
    TCase *tc = tcase_create("targets");
    tcase_add_test(tc, test_regular_file_appears_only_when_finished);
    tcase_add_test(tc, test_symlink_is_followed_and_stays_a_link);
    tcase_add_test(tc, test_fifo_is_written_as_it_is);
    tcase_add_test(tc, test_device_and_directory);
    tcase_add_test(tc, test_reserved_blocks_never_show_and_are_given_back);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(outfile_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
