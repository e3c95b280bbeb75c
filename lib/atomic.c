/*
 * atomic.c: read a file whole; replace a file whole or not at all.
 *
 * A replacement is written to a temporary file in the same directory,
 * fsync'd, renamed over the old file, and the directory fsync'd: a crash
 * at any instant leaves the old file or the new one.  Any failure (ENOSPC,
 * EIO, EDQUOT) removes the temporary file and leaves the old one alone.
 * Callers hold the lock (lock.c), which also makes it safe to sweep up the
 * temporary files a killed writer left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwconf.h"

#define TMP_TAG ".mpfw-tmp."

/* Returns 0 and the contents, 1 when the file does not exist, -1. */
int
fwconf_read_all(const char *path, char **bufp, size_t *lenp, struct stat *stp,
    struct fwconf_err *e)
{
	struct stat st;
	size_t cap, len = 0;
	ssize_t n;
	char *buf, *grown;
	int fd;

	*bufp = NULL;
	*lenp = 0;
	if ((fd = fwconf_open(path, O_RDONLY, 0)) == -1) {
		if (errno == ENOENT)
			return 1;
		return fwconf_fail_errno(e, "%s", path);
	}
	if (fstat(fd, &st) == -1) {
		fwconf_fail_errno(e, "%s", path);
		close(fd);
		return -1;
	}
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			if ((grown = realloc(buf, cap)) == NULL)
				goto fail;
			buf = grown;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	if (stp != NULL)
		*stp = st;
	return 0;
fail:
	fwconf_fail_errno(e, "%s", path);
	free(buf);
	close(fd);
	return -1;
}

/* Remove temporary files of base that a killed writer left in dir. */
static void
sweep_stale(int dir, const char *base)
{
	char prefix[NAME_MAX + 1];
	struct dirent *de;
	DIR *d;
	size_t n;
	int fd;

	n = (size_t)snprintf(prefix, sizeof(prefix), ".%s" TMP_TAG, base);
	if (n >= sizeof(prefix) || (fd = dup(dir)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, n) == 0)
			unlinkat(dir, de->d_name, 0);
	closedir(d);
}

/* mkostemp in a directory given by its fd. */
static int
temp_in(int dir, const char *base, char *name, size_t size)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[6];
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		arc4random_buf(rnd, sizeof(rnd));
		if ((size_t)snprintf(name, size, ".%s" TMP_TAG "%c%c%c%c%c%c",
		    base, chars[rnd[0] % 36], chars[rnd[1] % 36],
		    chars[rnd[2] % 36], chars[rnd[3] % 36], chars[rnd[4] % 36],
		    chars[rnd[5] % 36]) >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A replacement written as a stream (fwconf.h, struct fwconf_out): a
 * table of a hundred thousand records goes out in pieces of its old file
 * and new lines, never copied whole into memory first.  uid/gid of
 * (uid_t)-1 keep the writer's own; the file gets mode whatever the umask.
 */
int
fwconf_out_open(struct fwconf_out *o, const char *path, mode_t mode,
    uid_t uid, gid_t gid, struct fwconf_err *e)
{
	int saved;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->fd = -1;
	if ((o->dir = fwconf_open_parent(path, &o->base)) == -1)
		return fwconf_fail_errno(e, "%s: not written", path);
	sweep_stale(o->dir, o->base);
	if ((o->fd = temp_in(o->dir, o->base, o->tmp, sizeof(o->tmp))) == -1) {
		saved = errno;
		close(o->dir);
		errno = saved;
		return fwconf_fail_errno(e, "%s: cannot create a temporary "
		    "file", path);
	}
	if (fchmod(o->fd, mode) == -1 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    (uid != geteuid() || gid != getegid()) &&
	    fchown(o->fd, uid, gid) == -1)) {
		o->err = errno;
		fwconf_out_abort(o);
		errno = o->err;
		return fwconf_fail_errno(e, "%s: not written, the old file is "
		    "kept", path);
	}
	return 0;
}

static void
out_flush(struct fwconf_out *o)
{
	if (o->n > 0 && o->err == 0 && write_all(o->fd, o->buf, o->n) == -1)
		o->err = errno;
	o->n = 0;
}

/* Buffered; a failure is kept for fwconf_out_close to report. */
void
fwconf_out_write(struct fwconf_out *o, const void *p, size_t n)
{
	if (o->err != 0)
		return;
	if (o->n + n > sizeof(o->buf)) {
		out_flush(o);
		/* A large piece (a run of the old file) goes out directly. */
		if (n >= sizeof(o->buf) / 2) {
			if (o->err == 0 && write_all(o->fd, p, n) == -1)
				o->err = errno;
			return;
		}
	}
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

/* The temporary file goes, the old file stays. */
void
fwconf_out_abort(struct fwconf_out *o)
{
	if (o->fd != -1)
		close(o->fd);
	if (o->dir != -1) {
		unlinkat(o->dir, o->tmp, 0);
		close(o->dir);
	}
	o->fd = o->dir = -1;
}

/* Flush, fsync, rename over the old file, fsync the directory. */
int
fwconf_out_close(struct fwconf_out *o, struct fwconf_err *e)
{
	int saved;

	out_flush(o);
	if (o->err == 0 && fsync(o->fd) == -1)
		o->err = errno;
	if (o->err != 0) {
		saved = o->err;
		fwconf_out_abort(o);
		errno = saved;
		return fwconf_fail_errno(e, "%s: not written, the old file is "
		    "kept", o->path);
	}
	/* A link at path is replaced, never written through. */
	if (close(o->fd) == -1 || renameat(o->dir, o->tmp, o->dir,
	    o->base) == -1) {
		saved = errno;
		o->fd = -1;
		fwconf_out_abort(o);
		errno = saved;
		return fwconf_fail_errno(e, "%s: not written, the old file is "
		    "kept", o->path);
	}
	o->fd = -1;
	/*
	 * The new file is in place; a failed directory fsync means it may not
	 * survive a crash, which the caller must hear about.
	 */
	if (!o->dirsync_later && fsync(o->dir) == -1) {
		fwconf_fail_errno(e, "%s: fsync of directory", o->path);
		close(o->dir);
		o->dir = -1;
		return -1;
	}
	close(o->dir);
	o->dir = -1;
	return 0;
}

int
fwconf_write_atomic(const char *path, const char *buf, size_t len,
    mode_t mode, uid_t uid, gid_t gid, struct fwconf_err *e)
{
	struct fwconf_out o;

	if (fwconf_out_open(&o, path, mode, uid, gid, e) == -1)
		return -1;
	if (len >= sizeof(o.buf) / 2) {
		/* Written from the caller's buffer, not copied. */
		if (write_all(o.fd, buf, len) == -1)
			o.err = errno;
	} else
		fwconf_out_write(&o, buf, len);
	return fwconf_out_close(&o, e);
}
