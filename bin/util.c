/* util.c: die-on-error wrappers for the tools; the library never dies. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		err(FWCONF_SYSTEM, NULL);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL)
		err(FWCONF_SYSTEM, NULL);
	return p;
}

/* Room for element n of an array of *cap: doubling, so n appends are O(n). */
void *
xgrow(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	return xreallocarray(p, *cap, size);
}

char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		err(FWCONF_SYSTEM, NULL);
	return d;
}

void
die(const struct fwconf_err *e)
{
	errx(e->status ? e->status : FWCONF_SYSTEM, "%s", e->msg);
}

/*
 * Flush and check a stream before exiting: `fw-dns list > /full/disk`
 * must fail, not exit 0 (sbase fshut).
 */
void
fshut(FILE *fp, const char *name)
{
	if (fflush(fp) == EOF || ferror(fp))
		err(FWCONF_SYSTEM, "%s", name);
}

/* All of a stream, NUL-terminated (NUL bytes inside are kept: len). */
char *
read_stream(FILE *fp, const char *name, size_t *lenp)
{
	size_t cap = 8192, len = 0, n;
	char *buf = xmalloc(cap);

	while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = xreallocarray(buf, cap *= 2, 1);
	}
	if (ferror(fp))
		err(FWCONF_SYSTEM, "%s", name);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* -R: the root must be a directory; a typo must not create a new tree. */
void
use_root(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1)
		err(FWCONF_USAGE, "-R %s", dir);
	if (!S_ISDIR(st.st_mode))
		errx(FWCONF_USAGE, "-R %s: not a directory", dir);
	fwconf_set_root(dir);
}

/*
 * The one option of the editing tools, -R root, before the verb; returns
 * optind.  Options after the verb are the verb's.
 */
int
root_option(int argc, char *argv[], void (*usage)(void))
{
	int ch;

	while ((ch = getopt(argc, argv, "+R:")) != -1) {
		if (ch != 'R')
			usage();
		use_root(optarg);
	}
	return optind;
}

/*
 * The writer lock, even while an fw-apply -c countdown runs: for confirm,
 * rollback and boot, which end the countdown.  Exits 3 on timeout.
 */
int
lock_through_countdown(void)
{
	struct fwconf_err e;
	int fd;

	if ((fd = fwconf_lock(&e)) == -1)
		die(&e);
	return fd;
}

/* The writer lock; exits 3 on timeout, 1 during a fw-apply -c countdown. */
int
lock_for_writing(void)
{
	struct fwconf_err e;
	int fd = lock_through_countdown();

	if (fwconf_confirm_refuse(&e) == -1)
		die(&e);
	return fd;
}

/* snprintf for paths: one that does not fit is fatal, never cut short. */
void
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		errx(FWCONF_SYSTEM, "%.80s...: path too long", buf);
}
