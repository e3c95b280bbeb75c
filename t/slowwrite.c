/*
 * slowwrite: an LD_PRELOAD shim for t/0050-crash.t.  A write(2) of 16 KiB
 * or more to a regular file goes out in 2 KiB slices with a pause between
 * them, as on a slow disk, so that a kill -9 can land inside it: the
 * kernel finishes one whole write(2) of a page-cache file before it
 * delivers the signal.  With SLOWWRITE_LOG set, a line "begin US" goes
 * there before each such write and "end US" after it, US the monotonic
 * clock in microseconds: a log that ends in "begin" belongs to a process
 * killed inside a write.  SLOWWRITE_PAUSE is the pause in microseconds
 * (default 20).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SLICE	2048
#define LARGE	16384

static ssize_t (*real_write)(int, const void *, size_t);

static void
note(const char *what)
{
	const char *log = getenv("SLOWWRITE_LOG");
	struct timespec now;
	char line[64];
	int fd, n, saved = errno;

	clock_gettime(CLOCK_MONOTONIC, &now);
	n = snprintf(line, sizeof(line), "%s %lld\n", what,
	    (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000);
	if (log != NULL && (fd = open(log, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600)) != -1) {
		if (real_write(fd, line, (size_t)n) == -1)
			(void)0;	/* the log is a hint, not the test */
		close(fd);
	}
	errno = saved;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	const char *p = buf, *us = getenv("SLOWWRITE_PAUSE");
	struct timespec pause = { 0, 20000 };
	struct stat st;
	size_t done = 0, n;
	ssize_t w = 0;

	if (real_write == NULL)
		*(void **)&real_write = dlsym(RTLD_NEXT, "write");
	if (len < LARGE || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return real_write(fd, buf, len);
	if (us != NULL && atol(us) > 0 && atol(us) < 1000000)
		pause.tv_nsec = atol(us) * 1000;
	note("begin");
	while (done < len) {
		n = len - done < SLICE ? len - done : SLICE;
		if ((w = real_write(fd, p + done, n)) <= 0)
			break;
		done += (size_t)w;
		nanosleep(&pause, NULL);
	}
	note("end");
	/* A short write, as the kernel makes one; an error only at once. */
	return done > 0 ? (ssize_t)done : w;
}
