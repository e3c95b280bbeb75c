/* util.c: die-on-error wrappers for the tools; the library never dies. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "verb.h"

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
	settle_countdown();
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

/* The path of another mpfw tool: installed beside this one. */
void
sibling(char *buf, size_t size, const char *tool)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		pathf(buf, size, "%s", tool);
		return;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	pathf(buf, size, "%s/%s", self, tool);
}

/*
 * Before anything else: an fw-apply -c whose deadline passed and that the
 * watcher did not roll back (it died, the machine slept) is rolled back
 * now, by fw-apply; the deadline does not depend on the watcher.  A
 * command that cannot do it says so and goes on; a writer is then
 * refused by the lock.
 */
void
settle_countdown(void)
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	char tool[PATH_MAX];
	int status;
	pid_t pid;

	if (getenv("FW_APPLYING") != NULL ||
	    fwconf_confirm_read(&c, &e) != 0 ||
	    (long long)time(NULL) < c.deadline)
		return;
	sibling(tool, sizeof(tool), "fw-apply");
	fflush(NULL);
	if ((pid = fork()) == -1)
		err(FWCONF_SYSTEM, "fork");
	if (pid == 0) {
		execl(tool, "fw-apply", "-R", *fwconf_root() ? fwconf_root() :
		    "/", "expire", (char *)NULL);
		warn("%s", tool);
		_exit(FWCONF_SYSTEM);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		warnx("%s was not confirmed in time and could not be rolled "
		    "back: see fw-apply status", c.generation);
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

/*
 * What identifies a file to the caches of the state directory (the
 * inputs' hashes, the unit catalogue, what each generation names): its
 * device, inode, size, and modification and change times.  Any write, a
 * rename over it or a restore changes one of them.
 */
void
file_identity(const struct stat *st, char *buf, size_t size)
{
	snprintf(buf, size, "%ju:%ju:%jd:%jd.%09ld:%jd.%09ld",
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino, (intmax_t)st->st_size,
	    (intmax_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	    (intmax_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

/*
 * Changed in the last two seconds?  A change within the same tick of the
 * clock would leave its times as they are (git's "racy" files): a cache
 * keyed on its identity is not made for it yet.
 */
bool
changed_lately(const struct stat *st, time_t now)
{
	return now - st->st_mtim.tv_sec < 2 || now - st->st_ctim.tv_sec < 2;
}

/*
 * The whole number in the environment variable name, from min to max;
 * dflt when it is unset or empty.  Anything else stops the tool, exit 2,
 * naming the variable and the range, in what ("seconds") if not NULL.
 */
long
env_number(const char *name, long min, long max, long dflt, const char *what)
{
	const char *s = getenv(name), *errstr;
	long n;

	if (s == NULL || *s == '\0')
		return dflt;
	n = (long)strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		errx(FWCONF_USAGE, "%s=%s: must be a number%s%s from %ld to %ld",
		    name, shown(s), what != NULL ? " of " : "",
		    what != NULL ? what : "", min, max);
	return n;
}

/* strcmp for qsort and bsearch of an array of strings. */
int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
