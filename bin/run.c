/*
 * run.c: a unit's commands.  A command of plain words (letters, digits,
 * blanks and _./%=:,@+-) runs without a shell, its words split on blanks;
 * any other runs with /bin/sh -c, %f %t %d then replaced by shell-quoted
 * paths.  Either way: stdin from /dev/null, FW_ROOT and FW_DATADIR
 * exported, a process group of its own.  What it prints is kept to show
 * when it fails.  A command that outlives FW_APPLY_TIMEOUT seconds
 * (default 120) is killed with its process group, so a hung reload cannot
 * hold the lock for ever.  Commands may run side by side: run_start, then
 * run_finish each, or run_pool for a list of them, as many at once as
 * there are cores.  They are started with posix_spawn.
 */
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "util.h"

extern char **environ;

#define OUTPUT_MAX 65536

static double timeout_secs = 120;

/* The environment every command sees; once per process. */
void
run_setup(void)
{
	const char *root = fwconf_root(), *t = getenv("FW_APPLY_TIMEOUT");
	char *end;

	/* FW_APPLYING: the commands run under fw-apply's lock and must
	 * not try to settle a countdown themselves. */
	if (setenv("FW_ROOT", *root ? root : "/", 1) == -1 ||
	    setenv("FW_DATADIR", fwconf_datadir(), 1) == -1 ||
	    setenv("FW_APPLYING", "1", 1) == -1)
		err(FWCONF_SYSTEM, "setenv");
	if (t != NULL && *t != '\0') {
		errno = 0;
		timeout_secs = strtod(t, &end);
		if (errno != 0 || end == t || *end != '\0' ||
		    !isfinite(timeout_secs) || timeout_secs <= 0 ||
		    timeout_secs > 86400)
			errx(FWCONF_USAGE, "FW_APPLY_TIMEOUT=%.40s: must be a "
			    "number of seconds above 0, at most 86400", t);
	}
}

/* How many checks run side by side: the cores the machine has. */
long
run_parallel(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
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

/* cmd with its placeholders replaced; units.c allowed only these. */
static char *
expand(const char *cmd, const struct run_paths *p, bool quote)
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
		if (path == NULL)
			path = "";
		if (quote)
			append_quoted(&buf, &len, &cap, path);
		else
			append(&buf, &len, &cap, path, strlen(path));
	}
	return buf;
}

/*
 * Plain words need no shell: five execs for one apply become one.  A
 * first word with '=' would be an assignment to sh.
 */
static bool
plain(const char *cmd)
{
	size_t first = strcspn(cmd, " \t");

	return cmd[strspn(cmd, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
	    "TUVWXYZ0123456789 \t_./%=:,@+-")] == '\0' &&
	    memchr(cmd, '=', first) == NULL && cmd[strspn(cmd, " \t")] != '\0';
}

/* The words of a plain command, placeholders replaced, NULL-ended. */
static char **
words(const char *cmd, const struct run_paths *p)
{
	char **argv = NULL, *copy = xstrdup(cmd), *w, *save = NULL;
	size_t n = 0;

	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		argv = xreallocarray(argv, n + 2, sizeof(*argv));
		argv[n++] = expand(w, p, false);
	}
	argv[n] = NULL;
	free(copy);
	return argv;
}

static void
free_words(char **argv)
{
	size_t i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The child's standard streams and process group, for posix_spawn: stdin
 * from /dev/null, stdout to out, stderr to cap, a group of its own.  0,
 * or an errno.
 */
static int
spawn_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, int out,
    int cap)
{
	int rc;

	if ((rc = posix_spawn_file_actions_init(fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(at)) != 0) {
		posix_spawn_file_actions_destroy(fa);
		return rc;
	}
	if ((rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null",
	    O_RDONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(fa, out, 1)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(fa, cap, 2)) != 0 ||
	    (rc = posix_spawnattr_setpgroup(at, 0)) != 0 ||
	    (rc = posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP)) != 0) {
		posix_spawn_file_actions_destroy(fa);
		posix_spawnattr_destroy(at);
	}
	return rc;
}

/*
 * argv, whose program has no #!, run by sh, as execvp would: sh finds
 * it in PATH and, as POSIX has it, runs a file it cannot exec as a
 * script.  0 or an errno.
 */
static int
spawn_script(pid_t *pid, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *at, char **argv)
{
	char **shv;
	size_t n;
	int rc;

	for (n = 0; argv[n] != NULL; n++)
		;
	shv = xreallocarray(NULL, n + 4, sizeof(*shv));
	shv[0] = "sh";
	shv[1] = "-c";
	shv[2] = "exec \"$0\" \"$@\"";
	memcpy(shv + 3, argv, (n + 1) * sizeof(*shv));
	rc = posix_spawn(pid, "/bin/sh", fa, at, shv, environ);
	free(shv);
	return rc;
}

/*
 * Start cmd.  posix_spawn, not fork: fw-apply's pages are not copied for
 * a child that execs at once, which is most of what a render costs it.
 * A program that cannot be run is told as a shell would: on its output,
 * with the status 127 (not found) or 126, when run_finish is called.
 */
int
run_start(struct run *r, const char *cmd, const struct run_paths *p,
    const char *stdout_path, mode_t mode, struct fwconf_err *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char *line = NULL, **argv = NULL, *sh[4];
	int rc;

	memset(r, 0, sizeof(*r));
	r->out = r->cap = r->pidfd = -1;
	r->pid = -1;
	r->stdout_path = stdout_path;
	if (plain(cmd))
		argv = words(cmd, p);
	else {
		line = expand(cmd, p, true);
		sh[0] = "sh";
		sh[1] = "-c";
		sh[2] = line;
		sh[3] = NULL;
	}
	if ((r->cap = memfd_create("mpfw-output", MFD_CLOEXEC)) == -1) {
		fwconf_fail_errno(e, "memfd_create");
		goto fail;
	}
	if (stdout_path != NULL && (r->out = fwconf_open(stdout_path, O_WRONLY |
	    O_CREAT | O_TRUNC | O_NOFOLLOW, mode)) == -1) {
		fwconf_fail_errno(e, "%s", stdout_path);
		goto fail;
	}
	if ((rc = spawn_setup(&fa, &at, r->out != -1 ? r->out : r->cap,
	    r->cap)) != 0) {
		errno = rc;
		fwconf_fail_errno(e, "posix_spawn");
		goto fail;
	}
	fflush(NULL);
	if (argv != NULL) {
		rc = posix_spawnp(&r->pid, argv[0], &fa, &at, argv, environ);
		/* A script without #!: sh runs it, as execvp would. */
		if (rc == ENOEXEC)
			rc = spawn_script(&r->pid, &fa, &at, argv);
	} else
		rc = posix_spawn(&r->pid, "/bin/sh", &fa, &at, sh, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	r->start = now();
	if (rc != 0) {
		r->pid = -1;
		r->spawn_status = rc == ENOENT ? 127 : 126;
		dprintf(r->cap, "%s: %s\n", argv != NULL ? argv[0] : "/bin/sh",
		    strerror(rc));
	} else
		r->pidfd = (int)pidfd_open(r->pid, 0);
	free(line);
	free_words(argv);
	return 0;
fail:
	if (r->out != -1)
		close(r->out);
	if (r->cap != -1)
		close(r->cap);
	r->out = r->cap = -1;
	free(line);
	free_words(argv);
	return -1;
}

/*
 * Wait for pid; past the timeout kill its group.  Its status, or -1.  A
 * pidfd wakes us the moment it exits; polling with naps would notice a
 * command up to a nap late, on every command of every apply.
 */
static int
wait_bounded(struct run *r, bool *timed_out)
{
	struct timespec nap = { 0, 1000000 };
	struct pollfd pfd = { .fd = r->pidfd, .events = POLLIN };
	double left;
	int status, n;
	pid_t w;

	*timed_out = false;
	for (;;) {
		w = waitpid(r->pid, &status, WNOHANG);
		if (w == r->pid)
			return status;
		if (w == -1 && errno != EINTR)
			return -1;
		left = timeout_secs - (now() - r->start);
		if (left <= 0) {
			kill(-r->pid, SIGKILL);
			waitpid(r->pid, &status, 0);
			*timed_out = true;
			return status;
		}
		if (pfd.fd != -1) {
			n = poll(&pfd, 1, (int)(left * 1000) + 1);
			if (n == -1 && errno != EINTR)
				pfd.fd = -1;
		} else
			nanosleep(&nap, NULL);	/* no pidfd: short naps */
	}
}

static char *
read_capture(int fd)
{
	char *buf = xmalloc(OUTPUT_MAX + 1);
	ssize_t n = fd != -1 ? pread(fd, buf, OUTPUT_MAX, 0) : 0;

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * Wait for a started command.  Returns its exit status, or -1 (e filled)
 * when it could not run, died by a signal or timed out.  *output is
 * always set, to what it printed, or "".
 */
int
run_finish(struct run *r, char **output, struct fwconf_err *e)
{
	bool timed_out;
	int status;

	if (r->pid == -1 && r->spawn_status == 0) {
		*output = xstrdup("");
		return -1;
	}
	if (r->pid == -1) {
		status = r->spawn_status;
		*output = read_capture(r->cap);
		goto done;
	}
	status = wait_bounded(r, &timed_out);
	*output = read_capture(r->cap);
	if (status == -1)
		fwconf_fail_errno(e, "waitpid");
	else if (timed_out)
		fwconf_fail(e, FWCONF_SYSTEM, "timed out after %g second%s "
		    "(FW_APPLY_TIMEOUT), killed", timeout_secs,
		    timeout_secs == 1 ? "" : "s");
	else if (WIFSIGNALED(status))
		fwconf_fail(e, FWCONF_SYSTEM, "killed by signal %d",
		    WTERMSIG(status));
	else {
		status = WEXITSTATUS(status);
		if (r->out != -1 && close(r->out) == -1) {
			r->out = -1;
			fwconf_fail_errno(e, "%s", r->stdout_path);
			status = -1;
		}
		r->out = -1;
		goto done;
	}
	status = -1;
done:
	if (r->out != -1)
		close(r->out);
	if (r->cap != -1)
		close(r->cap);
	if (r->pidfd != -1)
		close(r->pidfd);
	r->out = r->cap = r->pidfd = -1;
	r->pid = -1;
	return status;
}

int
run_command(const char *cmd, const struct run_paths *p,
    const char *stdout_path, mode_t mode, char **output, struct fwconf_err *e)
{
	struct run r;

	if (run_start(&r, cmd, p, stdout_path, mode, e) == -1) {
		*output = xstrdup("");
		return -1;
	}
	return run_finish(&r, output, e);
}

/*
 * Has a started command ended?  Asked without reaping it (WNOWAIT), so
 * that run_finish reaps it and reads what it said.  One past the timeout
 * counts too: run_finish kills it.
 */
static bool
ended(const struct run *r)
{
	siginfo_t si;

	if (r->pid == -1)
		return true;		/* it never started: run_finish says */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    -1)
		return true;		/* run_finish says why */
	return si.si_pid != 0 || now() - r->start >= timeout_secs;
}

enum { TASK_WAITING, TASK_RUNNING, TASK_DONE };

/* Start task t: false if it could not start (its status -1 then). */
static bool
pool_start(struct run_task *t)
{
	t->output = NULL;
	if (run_start(&t->r, t->cmd, &t->paths, t->stdout_path, t->mode,
	    &t->err) == 0) {
		t->state = TASK_RUNNING;
		return true;
	}
	t->state = TASK_DONE;
	t->status = -1;
	t->output = xstrdup("");
	return false;
}

/* Wait until one of the running tasks may have ended. */
static void
pool_wait(struct run_task *t, size_t n, struct pollfd *pfd)
{
	size_t i, np = 0;

	/* The pidfds wake us the moment one ends; the timeout of the poll
	 * only bounds the wait for FW_APPLY_TIMEOUT's sake. */
	for (i = 0; i < n; i++)
		if (t[i].state == TASK_RUNNING && t[i].r.pidfd != -1) {
			pfd[np].fd = t[i].r.pidfd;
			pfd[np].events = POLLIN;
			np++;
		}
	poll(pfd, np, np > 0 ? 100 : 1);
}

/*
 * Run the n tasks, as many side by side as there are cores, the next
 * started as soon as any ends: one slow command does not hold up the
 * quick ones queued behind it.  With stop_at_failure none is started
 * after one has failed, and those started are waited for.  True if every
 * task ran and exited 0; each says how it ended, those never started
 * with output NULL.
 */
bool
run_pool(struct run_task *t, size_t n, bool stop_at_failure)
{
	struct pollfd *pfd = xreallocarray(NULL, n + 1, sizeof(*pfd));
	long width = run_parallel(), running = 0;
	size_t next = 0, i;
	bool failed = false;

	for (i = 0; i < n; i++) {
		t[i].state = TASK_WAITING;
		t[i].output = NULL;
		t[i].status = -1;
	}
	while ((next < n && !(failed && stop_at_failure)) || running > 0) {
		while (next < n && running < width &&
		    !(failed && stop_at_failure)) {
			if (pool_start(&t[next]))
				running++;
			else
				failed = true;
			next++;
		}
		if (running == 0)
			continue;
		pool_wait(t, n, pfd);
		for (i = 0; i < n; i++)
			if (t[i].state == TASK_RUNNING && ended(&t[i].r)) {
				t[i].status = run_finish(&t[i].r, &t[i].output,
				    &t[i].err);
				t[i].state = TASK_DONE;
				failed |= t[i].status != 0;
				running--;
			}
	}
	free(pfd);
	return !failed && next == n;
}
