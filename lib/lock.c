/*
 * lock.c: the one exclusive lock of all writers and fw-apply, an flock(2)
 * on ROOT/etc/mpfw/.lock.  A writer waits up to FW_LOCK_TIMEOUT seconds
 * (default 10); one that gives up names the holder, found in /proc/locks,
 * so nothing is written to the lock file and nothing there can go stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "fwconf.h"

#define DEFAULT_TIMEOUT 10.0

static int
lock_timeout(double *secs, struct fwconf_err *e)
{
	const char *s = getenv("FW_LOCK_TIMEOUT");
	char *end;

	*secs = DEFAULT_TIMEOUT;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	*secs = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || !isfinite(*secs) ||
	    *secs < 0 || *secs > 86400)
		return fwconf_fail(e, FWCONF_USAGE, "FW_LOCK_TIMEOUT=%.40s: "
		    "must be a number of seconds from 0 to 86400", s);
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(long usec)
{
	struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* "pid 123 (fw-svc)" for the holder of fd's flock; "" when unknown. */
static void
holder(int fd, char *buf, size_t size)
{
	char line[256], want[64], path[64], comm[64] = "";
	struct stat st;
	long pid = 0;
	FILE *fp;

	buf[0] = '\0';
	if (fstat(fd, &st) == -1 || (fp = fopen("/proc/locks", "re")) == NULL)
		return;
	/* "1: FLOCK  ADVISORY  WRITE 1234 fe:01:5678 0 EOF"; waiters have "->" */
	snprintf(want, sizeof(want), " %02x:%02x:%lu ", major(st.st_dev),
	    minor(st.st_dev), (unsigned long)st.st_ino);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, "FLOCK") != NULL && strstr(line, "->") == NULL &&
		    strstr(line, want) != NULL &&
		    sscanf(line, "%*s %*s %*s %*s %ld", &pid) == 1)
			break;
	fclose(fp);
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((fp = fopen(path, "re")) != NULL) {
		if (fgets(comm, sizeof(comm), fp) == NULL)
			comm[0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
	}
	snprintf(buf, size, "pid %ld%s%s%s", pid, comm[0] ? " (" : "", comm,
	    comm[0] ? ")" : "");
}

int
fwconf_lock(struct fwconf_err *e)
{
	char dir[PATH_MAX], path[PATH_MAX], held[128];
	double timeout, start;
	long delay = 1000;
	int fd;

	if (lock_timeout(&timeout, e) == -1)
		return -1;
	if (fwconf_path(dir, sizeof(dir), "/etc/mpfw") == -1 ||
	    fwconf_path(path, sizeof(path), "/etc/mpfw/.lock") == -1)
		return fwconf_fail_errno(e, "lock");
	if (fwconf_mkdirs(dir, 0755, e) == -1)
		return -1;
	/* A link there could make the lock a file outside: refused. */
	if ((fd = fwconf_open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644)) == -1)
		return fwconf_fail_errno(e, "%s%s", path, errno == ELOOP ?
		    ": a symbolic link, not a lock file" : "");
	start = now();
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			fwconf_fail_errno(e, "%s", path);
			close(fd);
			return -1;
		}
		if (now() - start >= timeout) {
			holder(fd, held, sizeof(held));
			fwconf_fail(e, FWCONF_SYSTEM, "%s: still locked after "
			    "%g seconds (FW_LOCK_TIMEOUT)%s%s", path, timeout,
			    held[0] ? " by " : "", held);
			close(fd);
			return -1;
		}
		/* Back off from 1 ms to 32 ms; a writer holds it for ms. */
		nap(delay);
		if (delay < 32000)
			delay *= 2;
	}
	return fd;
}

void
fwconf_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
