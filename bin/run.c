/*
 * run.c: a unit's commands run with /bin/sh -c, stdin from /dev/null,
 * FW_ROOT and FW_DATADIR exported, %f %t %d replaced by shell-quoted
 * paths.  What they print is kept to show when they fail.  A command that
 * outlives FW_APPLY_TIMEOUT seconds (default 120) is killed with its
 * process group, so a hung reload cannot hold the lock for ever.
 */
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include <poll.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "util.h"

#define OUTPUT_MAX 65536

static double timeout_secs = 120;

/* The environment every command sees; once per process. */
void
run_setup(void)
{
	const char *root = fwconf_root(), *t = getenv("FW_APPLY_TIMEOUT");
	char *end;

	if (setenv("FW_ROOT", *root ? root : "/", 1) == -1 ||
	    setenv("FW_DATADIR", fwconf_datadir(), 1) == -1)
		err(FWCONF_SYSTEM, "setenv");
	if (t != NULL && *t != '\0') {
		timeout_secs = strtod(t, &end);
		if (*end != '\0' || timeout_secs <= 0)
			errx(FWCONF_USAGE, "FW_APPLY_TIMEOUT=%.40s: must be a "
			    "number of seconds", t);
	}
}

static void
append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	while (*len + n + 1 > *cap)
		*buf = xreallocarray(*buf, *cap *= 2, 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static void
append_quoted(char **buf, size_t *len, size_t *cap, const char *s)
{
	append(buf, len, cap, "'", 1);
	for (; *s != '\0'; s++)
		if (*s == '\'')
			append(buf, len, cap, "'\\''", 4);
		else
			append(buf, len, cap, s, 1);
	append(buf, len, cap, "'", 1);
}

/* The command with its placeholders replaced; units.c allowed only these. */
static char *
expand(const char *cmd, const struct run_paths *p)
{
	size_t len = 0, cap = strlen(cmd) + 64;
	char *buf = xmalloc(cap);
	const char *path;

	buf[0] = '\0';
	for (; *cmd != '\0'; cmd++) {
		if (*cmd != '%') {
			append(&buf, &len, &cap, cmd, 1);
			continue;
		}
		cmd++;
		if (*cmd == '%') {
			append(&buf, &len, &cap, "%", 1);
			continue;
		}
		path = *cmd == 'f' ? p->candidate : *cmd == 't' ? p->target :
		    p->stage;
		append_quoted(&buf, &len, &cap, path != NULL ? path : "");
	}
	return buf;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Wait for pid; past the timeout kill its group.  Its status, or -1.  A
 * pidfd wakes us the moment it exits; polling with naps would notice a
 * command up to a nap late, on every command of every apply.
 */
static int
wait_bounded(pid_t pid, bool *timed_out)
{
	struct timespec nap = { 0, 1000000 };
	struct pollfd pfd = { .events = POLLIN };
	double left, start = now();
	int status, r;
	pid_t w;

	*timed_out = false;
	pfd.fd = pidfd_open(pid, 0);
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w == -1 && errno != EINTR) {
			status = -1;
			break;
		}
		left = timeout_secs - (now() - start);
		if (left <= 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			*timed_out = true;
			break;
		}
		if (pfd.fd != -1) {
			r = poll(&pfd, 1, (int)(left * 1000) + 1);
			if (r == -1 && errno != EINTR) {
				close(pfd.fd);
				pfd.fd = -1;
			}
		} else {
			/* No pidfd (a kernel before 5.3): short naps. */
			nanosleep(&nap, NULL);
		}
	}
	if (pfd.fd != -1)
		close(pfd.fd);
	return status;
}

static char *
read_capture(int fd)
{
	char *buf = xmalloc(OUTPUT_MAX + 1);
	ssize_t n = pread(fd, buf, OUTPUT_MAX, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * Run cmd.  Its stdout goes to stdout_path (created with mode) when given;
 * what else it prints is returned in *output.  Returns its exit status,
 * or -1 (e filled) when it could not run, died by a signal or timed out.
 */
int
run_command(const char *cmd, const struct run_paths *p,
    const char *stdout_path, mode_t mode, char **output, struct fwconf_err *e)
{
	char *line = expand(cmd, p);
	int cap, out = -1, status;
	bool timed_out;
	pid_t pid;

	*output = NULL;
	if ((cap = memfd_create("mpfw-output", MFD_CLOEXEC)) == -1) {
		free(line);
		return fwconf_fail_errno(e, "memfd_create");
	}
	if (stdout_path != NULL && (out = open(stdout_path, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, mode)) == -1) {
		fwconf_fail_errno(e, "%s", stdout_path);
		goto fail;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fwconf_fail_errno(e, "fork");
		goto fail;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null == -1 || dup2(null, 0) == -1 ||
		    dup2(out != -1 ? out : cap, 1) == -1 || dup2(cap, 2) == -1)
			_exit(127);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	status = wait_bounded(pid, &timed_out);
	*output = read_capture(cap);
	if (status == -1)
		fwconf_fail_errno(e, "waitpid");
	else if (timed_out)
		fwconf_fail(e, FWCONF_SYSTEM, "timed out after %g seconds "
		    "(FW_APPLY_TIMEOUT), killed", timeout_secs);
	else if (WIFSIGNALED(status))
		fwconf_fail(e, FWCONF_SYSTEM, "killed by signal %d",
		    WTERMSIG(status));
	else {
		status = WEXITSTATUS(status);
		if (out != -1 && close(out) == -1) {
			out = -1;
			fwconf_fail_errno(e, "%s", stdout_path);
			goto fail;
		}
		close(cap);
		free(line);
		return status;
	}
fail:
	if (out != -1)
		close(out);
	close(cap);
	free(line);
	return -1;
}
