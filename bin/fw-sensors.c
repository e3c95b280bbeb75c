/*
 * fw-sensors: the hardware sensors (the manual's "Hardware Sensoren"):
 * what the sensor chips read, through libsensors; the kernel modules of
 * the chips, found by sensors-detect and kept in the table
 * ROOT/etc/mpfw/sensors, one a line, which fw-apply's unit `sensors`
 * renders into modules-load.d so that they load at boot; and a
 * monitoring check of the temperatures.
 *
 * Modules are loaded and unloaded through the program FW_MODPROBE
 * (default modprobe), sensors-detect is FW_SENSORS_DETECT, and what
 * holds a module is read under FW_SYSFS (default /sys): tests and
 * support point them elsewhere.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sensors/error.h>
#include <sensors/sensors.h>

#include "detect.h"
#include "render/render.h"
#include "util.h"
#include "verb.h"

extern char **environ;

/* What a child may print on stdout that we keep (sensors-detect's). */
#define OUTPUT_MAX	(16 * 1024 * 1024)
/* Bad names or input lines reported before the rest are only counted. */
#define REPORT_MAX	20

/* The monitoring plugins' states, in the order a worse one wins. */
enum state { ST_OK, ST_WARNING, ST_CRITICAL, ST_UNKNOWN };
static const char *const state_name[] = { "OK", "WARNING", "CRITICAL",
	"UNKNOWN" };
static const int state_rank[] = { 0, 2, 3, 1 };

static const struct verb verbs[];
static const char *const lead = "[-R root]";

static void
usage_to(FILE *fp)
{
	verb_usage(fp, verbs, lead, NULL);
}

static void __dead
usage(void)
{
	usage_to(stderr);
	exit(FWCONF_USAGE);
}

static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : def;
}

/* ---- children: modprobe and sensors-detect, run without a shell ---- */

struct child {
	char	*out;		/* stdout, NUL-terminated; NULL if not kept */
	size_t	 outlen;
	char	 err[2048];	/* the start of stderr */
	int	 status;	/* exit status, or 128 + the signal */
};

/* Read what fd has into buf; false at end of file. */
static bool
drain(int fd, char **buf, size_t *len, size_t *cap, size_t max)
{
	char tmp[8192];
	ssize_t n;

	if ((n = read(fd, tmp, sizeof(tmp))) == -1)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (*len + (size_t)n + 1 > max)
		n = (ssize_t)(max - 1 - *len);
	if (n > 0) {
		while (*len + (size_t)n + 1 > *cap)
			*buf = xreallocarray(*buf, *cap *= 2, 1);
		memcpy(*buf + *len, tmp, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
	return true;
}

/*
 * Run argv, a program looked up in PATH, with stdin from /dev/null;
 * keep its stdout when keep_out, and the start of its stderr.  -1 with
 * errno when it cannot be started.
 */
static int
run(char *const argv[], bool keep_out, struct child *c)
{
	posix_spawn_file_actions_t fa;
	struct pollfd pfd[2];
	size_t ecap = sizeof(c->err), elen = 0, ocap = 8192;
	char *ebuf;
	int op[2], ep[2], r, st, open = 2;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	if (pipe2(op, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(ep, O_CLOEXEC) == -1) {
		close(op[0]);
		close(op[1]);
		return -1;
	}
	if ((r = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
	    O_RDONLY, 0)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, op[1], 1)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, ep[1], 2)) != 0)
		errc(FWCONF_SYSTEM, r, "posix_spawn");
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(op[1]);
	close(ep[1]);
	if (r != 0) {
		close(op[0]);
		close(ep[0]);
		errno = r;
		return -1;
	}
	c->out = xmalloc(ocap);
	c->out[0] = '\0';
	ebuf = xmalloc(ecap);
	ebuf[0] = '\0';
	pfd[0].fd = op[0];
	pfd[1].fd = ep[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open > 0) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			err(FWCONF_SYSTEM, "poll");
		}
		if (pfd[0].revents && !drain(op[0], &c->out, &c->outlen, &ocap,
		    keep_out ? OUTPUT_MAX : 1)) {
			pfd[0].fd = -1;
			open--;
		}
		if (pfd[1].revents && !drain(ep[0], &ebuf, &elen, &ecap,
		    sizeof(c->err))) {
			pfd[1].fd = -1;
			open--;
		}
	}
	close(op[0]);
	close(ep[0]);
	memcpy(c->err, ebuf, elen + 1);
	free(ebuf);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			err(FWCONF_SYSTEM, "waitpid");
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (!keep_out) {
		free(c->out);
		c->out = NULL;
	}
	return 0;
}

/* The first line of s that is not blank, control bytes as '?'. */
static void
first_line(const char *s, char *buf, size_t size)
{
	size_t n, i;

	s += strspn(s, " \t\r\n");
	n = strcspn(s, "\r\n");
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[n] = '\0';
}

/* The last line of s that is not blank. */
static void
last_line(const char *s, size_t len, char *buf, size_t size)
{
	const char *end = s + len, *p;

	while (end > s && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	for (p = end; p > s && p[-1] != '\n'; p--)
		;
	len = (size_t)(end - p) < size ? (size_t)(end - p) : size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	first_line(buf, buf, size);
}

/*
 * FW_MODPROBE [opt] module, opt -r (unload), -n (a dry run) or NULL
 * (load): 0, or -1 with why (its first line of stderr) in buf.
 */
static int
modprobe(const char *module, const char *opt, char *why, size_t size)
{
	const char *prog = env_or("FW_MODPROBE", "modprobe");
	char *argv[4];
	struct child c;
	int i = 0;

	argv[i++] = (char *)prog;
	if (opt != NULL)
		argv[i++] = (char *)opt;
	argv[i++] = (char *)module;
	argv[i] = NULL;
	if (run(argv, false, &c) == -1) {
		snprintf(why, size, "%s: %s", prog, strerror(errno));
		return -1;
	}
	if (c.status == 0)
		return 0;
	first_line(c.err, why, size);
	if (*why == '\0')
		snprintf(why, size, "%s exited %d", prog, c.status);
	return -1;
}

/* ---- what holds a module: FW_SYSFS/module/NAME ---- */

static void
sys_path(char *buf, size_t size, const char *module, const char *what)
{
	pathf(buf, size, "%s/module/%s%s", env_or("FW_SYSFS", "/sys"), module,
	    what);
}

/* Loaded as a module (a built-in one has no initstate). */
static bool
loaded(const char *module)
{
	char path[4096];
	struct stat st;

	sys_path(path, sizeof(path), module, "/initstate");
	return stat(path, &st) == 0;
}

/* The modules that use module, or NULL; *n of them. */
static char **
holders(const char *module, size_t *np)
{
	char path[4096], **v = NULL;
	struct dirent *d;
	size_t n = 0, cap = 0;
	DIR *dir;

	sys_path(path, sizeof(path), module, "/holders");
	*np = 0;
	if ((dir = opendir(path)) == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			err(FWCONF_SYSTEM, "%s", path);
		return NULL;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		v = xgrow(v, n, &cap, sizeof(*v));
		v[n++] = xstrdup(d->d_name);
	}
	closedir(dir);
	*np = n;
	return v;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- the table, ROOT/etc/mpfw/sensors: one module a line ---- */

static void
open_table(struct fwconf_table *t)
{
	struct fwconf_err e;
	char path[4096];

	if (fwconf_settings_path(path, sizeof(path), "sensors") == -1)
		err(FWCONF_SYSTEM, "sensors");
	if (fwconf_table_read(t, path, &e) == -1)
		die(&e);
}

/*
 * A new module in the table.  Its line is the name alone: a record's
 * text is written as it is, and a record without a value needs no tab
 * (fwconf_table_text would write "name<TAB>").
 */
static void
table_add(struct fwconf_table *t, const char *name)
{
	ssize_t i;

	if (fwconf_table_insert(t, name, "") == -1 ||
	    (i = fwconf_table_find(t, name)) == -1)
		err(FWCONF_SYSTEM, "%s", t->path);
	t->recs[i].text = xstrdup(name);
}

static void
write_table(struct fwconf_table *t)
{
	struct fwconf_err e;

	if (fwconf_table_write(t, &e) == -1)
		die(&e);
}

/*
 * A record of a hand edit that the rules refuse: said on stderr, or,
 * when rendering, fatal: no bad byte reaches modules-load.d.
 */
static bool
record_ok(const struct fwconf_table *t, const struct fwconf_record *r,
    bool fatal)
{
	char why[256], *norm;

	why[0] = '\0';
	if (!module_name_ok(r->name))
		snprintf(why, sizeof(why), "not a module name (1 to %d of a-z, "
		    "0-9, _ and -, not first)", MODULE_NAME_MAX);
	else if (*r->value != '\0')
		snprintf(why, sizeof(why), "a module name alone, without "
		    "anything after it");
	else if (strchr(r->name, '-') != NULL) {
		norm = xstrdup(r->name);
		module_name_norm(norm);
		snprintf(why, sizeof(why), "written %s in this table", norm);
		free(norm);
	}
	if (why[0] == '\0')
		return true;
	if (fatal)
		errx(FWCONF_REFUSED, "%s:%zu: %s: %s", t->path, r->lineno,
		    shown(r->name), why);
	warnx("%s:%zu: %s: %s", t->path, r->lineno, shown(r->name), why);
	return false;
}

/* Names from the operands, or the first field of each line of stdin. */
static char **
module_operands(int argc, char *argv[], size_t *np)
{
	char **names = NULL, *buf, *line, *next;
	struct fwconf_err e;
	size_t n = 0, cap = 0, bad = 0, len;
	int a;

	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		buf = read_stream(stdin, "stdin", &len);
		if (memchr(buf, '\0', len) != NULL)
			errx(FWCONF_REFUSED, "stdin: NUL byte; nothing changed");
		for (line = buf; *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			else
				next = line + strlen(line);
			line += strspn(line, " \t");
			line[strcspn(line, " \t")] = '\0';
			if (*line == '\0' || *line == '#')
				continue;
			names = xgrow(names, n, &cap, sizeof(*names));
			if ((names[n] = module_name(line, &e)) != NULL)
				n++;
			else if (bad++ < REPORT_MAX)
				warnx("%s", e.msg);
		}
		free(buf);
	} else
		for (a = 0; a < argc; a++) {
			names = xgrow(names, n, &cap, sizeof(*names));
			if ((names[n] = module_name(argv[a], &e)) != NULL)
				n++;
			else if (bad++ < REPORT_MAX)
				warnx("%s", e.msg);
		}
	if (bad > 0)
		errx(FWCONF_REFUSED, "%zu bad module name%s; nothing changed",
		    bad, bad == 1 ? "" : "s");
	*np = n;
	return names;
}

static bool
listed(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int
cmd_list(int argc, char *argv[])
{
	struct fwconf_table t;
	size_t i;

	(void)argc;
	(void)argv;
	open_table(&t);
	for (i = 0; i < t.nrecs; i++) {
		record_ok(&t, &t.recs[i], false);
		printf("%s\n", t.recs[i].name);
	}
	fwconf_table_free(&t);
	fshut(stdout, "stdout");
	return 0;
}

/*
 * Load each module and record it.  A name the kernel does not know
 * (modprobe -n fails) is refused first, with nothing loaded; one that
 * fails to load (no such device) is not recorded, and makes it exit 3.
 */
static int
cmd_add(int argc, char *argv[])
{
	struct fwconf_table t;
	char **names, why[512];
	size_t n, i, unknown = 0;
	bool *added;
	int lock, status = 0;

	names = module_operands(argc - 1, argv + 1, &n);
	for (i = 0; i < n; i++)
		if (!listed(names, i, names[i]) &&
		    modprobe(names[i], "-n", why, sizeof(why)) == -1 &&
		    unknown++ < REPORT_MAX)
			warnx("%s: unknown module: %s", names[i], why);
	if (unknown > 0)
		errx(FWCONF_REFUSED, "%zu unknown module%s; nothing loaded or "
		    "changed", unknown, unknown == 1 ? "" : "s");
	added = xmalloc(n * sizeof(*added));
	lock = lock_for_writing();
	open_table(&t);
	for (i = 0; i < n; i++) {
		added[i] = false;
		if (listed(names, i, names[i]))
			continue;
		if (modprobe(names[i], NULL, why, sizeof(why)) == -1) {
			warnx("%s: not loaded, not recorded: %s", names[i], why);
			status = FWCONF_SYSTEM;
		} else if (fwconf_table_find(&t, names[i]) == -1) {
			table_add(&t, names[i]);
			added[i] = true;
		}
	}
	write_table(&t);
	fwconf_unlock(lock);
	for (i = 0; i < n; i++)
		if (added[i])
			fwconf_audit("sensors", names[i], NULL, "", false);
	free(added);
	fwconf_table_free(&t);
	free_list(names, n);
	return status;
}

/*
 * Unload and forget.  Carefully: a module another one still uses is not
 * touched unless that one goes too, and then goes first.
 */
static int
cmd_remove(int argc, char *argv[])
{
	struct fwconf_table t;
	char **names, **h, why[512];
	size_t n, i, j, nh, missing = 0, busy = 0;
	bool force = false, *done, progress;
	ssize_t at;
	int ch, lock, status = 0;

	while ((ch = verb_getopt(argc, argv, "f", "remove")) != -1) {
		if (ch != 'f')
			usage();
		force = true;
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		warnx("remove: a module is missing");
		usage();
	}
	if (argc > 1 && strcmp(argv[0], "-") == 0) {
		warnx("remove -: reads the names from stdin, and takes no more");
		usage();
	}
	names = module_operands(argc, argv, &n);
	lock = lock_for_writing();
	open_table(&t);
	for (i = 0; i < n; i++)
		if (!force && fwconf_table_find(&t, names[i]) == -1 &&
		    !listed(names, i, names[i]) && missing++ < REPORT_MAX)
			warnx("%s: not in the table (-f unloads it anyway)",
			    names[i]);
	if (missing > 0)
		errx(FWCONF_REFUSED, "%zu module%s not in the table; nothing "
		    "changed", missing, missing == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		h = holders(names[i], &nh);
		for (j = 0; j < nh; j++)
			if (!listed(names, n, h[j])) {
				warnx("%s: in use by %s: remove that first", names[i],
				    h[j]);
				busy++;
			}
		free_list(h, nh);
	}
	if (busy > 0)
		errx(FWCONF_REFUSED, "a module still in use by another; nothing "
		    "changed");

	/* The holders first: a pass unloads what nothing left holds. */
	done = xmalloc(n * sizeof(*done));
	for (i = 0; i < n; i++)
		done[i] = listed(names, i, names[i]) || !loaded(names[i]);
	do {
		progress = false;
		for (i = 0; i < n; i++) {
			if (done[i])
				continue;
			h = holders(names[i], &nh);
			for (j = 0; j < nh; j++)
				if (!listed(names, n, h[j]) || loaded(h[j]))
					break;
			free_list(h, nh);
			if (j < nh)
				continue;
			done[i] = progress = true;
			if (modprobe(names[i], "-r", why, sizeof(why)) == -1) {
				warnx("%s: forgotten, but still loaded: %s",
				    names[i], why);
				status = FWCONF_SYSTEM;
			}
		}
	} while (progress);
	for (i = 0; i < n; i++)
		if (!done[i]) {
			warnx("%s: forgotten, but still loaded: the modules that "
			    "hold it did not go", names[i]);
			status = FWCONF_SYSTEM;
		}
	for (i = 0; i < n; i++)
		if ((done[i] = (at = fwconf_table_find(&t, names[i])) != -1))
			fwconf_table_delete(&t, (size_t)at);
	write_table(&t);
	fwconf_unlock(lock);
	for (i = 0; i < n; i++)
		if (done[i])
			fwconf_audit("sensors", names[i], "", NULL, false);
	free(done);
	fwconf_table_free(&t);
	free_list(names, n);
	return status;
}

/* sensors-detect's output: the file named, stdin, or a run of it. */
static char *
detect_output(int argc, char *argv[], size_t *len, bool *from_run)
{
	const char *prog = env_or("FW_SENSORS_DETECT", "sensors-detect");
	char *av[3], line[256];
	struct child c;
	struct stat st;
	FILE *fp;
	char *buf;

	*from_run = argc == 0;
	if (argc == 1 && strcmp(argv[0], "-") == 0)
		return read_stream(stdin, "stdin", len);
	if (argc == 1) {
		if ((fp = fopen(argv[0], "re")) == NULL)
			err(FWCONF_REFUSED, "%s", shown(argv[0]));
		if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
			errx(FWCONF_REFUSED, "%s: a directory, not what "
			    "sensors-detect printed", shown(argv[0]));
		buf = read_stream(fp, argv[0], len);
		fclose(fp);
		return buf;
	}
	av[0] = (char *)prog;
	av[1] = "--auto";
	av[2] = NULL;
	if (run(av, true, &c) == -1)
		err(FWCONF_SYSTEM, "%s", prog);
	if (c.status != 0) {
		last_line(c.out, c.outlen, line, sizeof(line));
		if (*line == '\0')
			first_line(c.err, line, sizeof(line));
		errx(FWCONF_SYSTEM, "%s --auto: exited %d%s%s", prog, c.status,
		    *line ? ": " : "", line);
	}
	*len = c.outlen;
	return c.out;
}

struct outcome {
	const char *module, *status;
	char	 why[512];
};

/*
 * Run sensors-detect, or read what it printed, load the modules it
 * proposes and record those that loaded.  With -n, only say what would
 * be done.
 */
static int
cmd_detect(int argc, char *argv[])
{
	struct fwconf_table t;
	struct fwconf_err e;
	struct detect d;
	struct outcome *out;
	size_t len, i, n = 0;
	bool dry = false, from_run;
	char *text;
	int ch, lock = -1, status = 0;

	while ((ch = verb_getopt(argc, argv, "n", "detect")) != -1) {
		if (ch != 'n')
			usage();
		dry = true;
	}
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		warnx("detect: one file at most");
		usage();
	}
	text = detect_output(argc, argv, &len, &from_run);
	if (detect_parse(text, len, &d, &e) == -1) {
		free(text);
		errx(from_run ? FWCONF_SYSTEM : FWCONF_REFUSED, "%s: %s",
		    from_run ? env_or("FW_SENSORS_DETECT", "sensors-detect") :
		    strcmp(argv[0], "-") == 0 ? "stdin" : shown(argv[0]), e.msg);
	}
	free(text);

	if (!dry)
		lock = lock_for_writing();
	open_table(&t);
	out = xreallocarray(NULL, d.n + t.nrecs + 1, sizeof(*out));
	for (i = 0; i < d.n; i++, n++) {
		out[n].module = d.modules[i];
		out[n].why[0] = '\0';
		out[n].status = fwconf_table_find(&t, d.modules[i]) != -1 ?
		    "kept" : "new";
		if (dry)
			strlcpy(out[n].why, *out[n].status == 'k' ?
			    "already in the table" : "would be loaded",
			    sizeof(out[n].why));
		else if (modprobe(d.modules[i], NULL, out[n].why,
		    sizeof(out[n].why)) == -1) {
			out[n].status = "failed";
			status = FWCONF_SYSTEM;
		} else if (*out[n].status == 'k')
			strlcpy(out[n].why, "loaded, already in the table",
			    sizeof(out[n].why));
		else {
			strlcpy(out[n].why, "loaded", sizeof(out[n].why));
			table_add(&t, d.modules[i]);
		}
	}
	for (i = 0; i < t.nrecs; i++)
		if (!listed(d.modules, d.n, t.recs[i].name) &&
		    record_ok(&t, &t.recs[i], false)) {
			out[n].module = t.recs[i].name;
			out[n].status = "kept";
			strlcpy(out[n].why, "in the table, not proposed by "
			    "sensors-detect", sizeof(out[n].why));
			n++;
		}
	if (!dry) {
		write_table(&t);
		fwconf_unlock(lock);
		for (i = 0; i < n; i++)
			if (strcmp(out[i].status, "new") == 0)
				fwconf_audit("sensors", out[i].module, NULL, "",
				    false);
	}
	if (n == 0)
		warnx("sensors-detect proposes no module");
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", out[i].module, out[i].status,
		    out[i].why);
	fshut(stdout, "stdout");
	free(out);
	fwconf_table_free(&t);
	detect_free(&d);
	return status;
}

/* The modules-load.d file (bin/render/modules-load.c). */
static int
cmd_render(int argc, char *argv[])
{
	struct fwconf_table t;
	size_t i;

	(void)argc;
	(void)argv;
	open_table(&t);
	for (i = 0; i < t.nrecs; i++)
		record_ok(&t, &t.recs[i], true);
	render_modules_load(&t, stdout);
	fwconf_table_free(&t);
	fshut(stdout, "stdout");
	return 0;
}

/* ---- the readings, through libsensors ---- */

enum { L_LCRIT, L_MIN, L_MAX, L_CRIT, L_EMERGENCY, L_CAP, NLIMITS };
static const char *const limit_name[NLIMITS] = { "lcrit", "min", "max",
	"crit", "emergency", "cap" };

/* A kind of feature: which subfeatures hold its value and limits. */
struct kind {
	sensors_feature_type type;
	int	 input, input2, fault;	/* subfeature types; -1: none */
	const char *unit, *ascii;	/* as people read it; in a plugin line */
	const char *fmt;
	int	 lim[NLIMITS];
};

static const struct kind kinds[] = {
	{ SENSORS_FEATURE_IN, SENSORS_SUBFEATURE_IN_INPUT, -1, -1, "V", "V",
	    "%.2f", { SENSORS_SUBFEATURE_IN_LCRIT, SENSORS_SUBFEATURE_IN_MIN,
	    SENSORS_SUBFEATURE_IN_MAX, SENSORS_SUBFEATURE_IN_CRIT, -1, -1 } },
	{ SENSORS_FEATURE_FAN, SENSORS_SUBFEATURE_FAN_INPUT, -1,
	    SENSORS_SUBFEATURE_FAN_FAULT, "RPM", "RPM", "%.0f", { -1,
	    SENSORS_SUBFEATURE_FAN_MIN, SENSORS_SUBFEATURE_FAN_MAX, -1, -1,
	    -1 } },
	{ SENSORS_FEATURE_TEMP, SENSORS_SUBFEATURE_TEMP_INPUT, -1,
	    SENSORS_SUBFEATURE_TEMP_FAULT, "\302\260C", "C", "%.1f", {
	    SENSORS_SUBFEATURE_TEMP_LCRIT, SENSORS_SUBFEATURE_TEMP_MIN,
	    SENSORS_SUBFEATURE_TEMP_MAX, SENSORS_SUBFEATURE_TEMP_CRIT,
	    SENSORS_SUBFEATURE_TEMP_EMERGENCY, -1 } },
	{ SENSORS_FEATURE_POWER, SENSORS_SUBFEATURE_POWER_INPUT,
	    SENSORS_SUBFEATURE_POWER_AVERAGE, -1, "W", "W", "%.2f", {
	    SENSORS_SUBFEATURE_POWER_LCRIT, SENSORS_SUBFEATURE_POWER_MIN,
	    SENSORS_SUBFEATURE_POWER_MAX, SENSORS_SUBFEATURE_POWER_CRIT, -1,
	    SENSORS_SUBFEATURE_POWER_CAP } },
	{ SENSORS_FEATURE_ENERGY, SENSORS_SUBFEATURE_ENERGY_INPUT, -1, -1, "J",
	    "J", "%.2f", { -1, -1, -1, -1, -1, -1 } },
	{ SENSORS_FEATURE_CURR, SENSORS_SUBFEATURE_CURR_INPUT, -1, -1, "A", "A",
	    "%.2f", { SENSORS_SUBFEATURE_CURR_LCRIT, SENSORS_SUBFEATURE_CURR_MIN,
	    SENSORS_SUBFEATURE_CURR_MAX, SENSORS_SUBFEATURE_CURR_CRIT, -1,
	    -1 } },
	{ SENSORS_FEATURE_HUMIDITY, SENSORS_SUBFEATURE_HUMIDITY_INPUT, -1, -1,
	    "%RH", "%RH", "%.1f", { -1, -1, -1, -1, -1, -1 } },
	{ SENSORS_FEATURE_VID, SENSORS_SUBFEATURE_VID, -1, -1, "V", "V", "%.3f",
	    { -1, -1, -1, -1, -1, -1 } },
	{ SENSORS_FEATURE_INTRUSION, SENSORS_SUBFEATURE_INTRUSION_ALARM, -1, -1,
	    "", "", "%.0f", { -1, -1, -1, -1, -1, -1 } },
};

struct reading {
	const sensors_chip_name *cp;
	char	 chip[128];	/* libsensors' name of the chip */
	char	*feature;	/* its label, or the disk of a drivetemp chip */
	const char *name;	/* the feature's own name: temp1 */
	const struct kind *kind;
	bool	 disk;		/* a drivetemp chip: a hard disk */
	char	 dev[32];	/* its disk, block/NAME (sda), or "" */
	bool	 selected;
	int	 err;		/* 0, or a libsensors error (< 0) */
	double	 value, lim[NLIMITS];
	bool	 has[NLIMITS];
};

struct readings {
	struct reading *v;
	size_t	 n, cap;
};

/* Tabs, newlines and other control bytes would break a record. */
static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The disk of a drivetemp chip: its device's block/NAME, or "". */
static void
disk_name(const sensors_chip_name *cp, char *buf, size_t size)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;

	buf[0] = '\0';
	if (cp->path == NULL || snprintf(path, sizeof(path), "%s/device/block",
	    cp->path) >= (int)sizeof(path) || (dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.' && strlen(d->d_name) < size &&
		    strspn(d->d_name, "abcdefghijklmnopqrstuvwxyz0123456789") ==
		    strlen(d->d_name)) {
			strlcpy(buf, d->d_name, size);
			break;
		}
	closedir(dir);
}

static const struct kind *
kind_of(sensors_feature_type type)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].type == type)
			return &kinds[i];
	return NULL;
}

static const sensors_subfeature *
readable(const sensors_chip_name *cp, const sensors_feature *f, int type)
{
	const sensors_subfeature *s;

	if (type < 0 || (s = sensors_get_subfeature(cp, f,
	    (sensors_subfeature_type)type)) == NULL ||
	    !(s->flags & SENSORS_MODE_R))
		return NULL;
	return s;
}

static void
read_feature(struct readings *rs, const sensors_chip_name *cp,
    const char *chip, const char *disk, const sensors_feature *f)
{
	const struct kind *k = kind_of(f->type);
	const sensors_subfeature *in, *s;
	struct reading *r;
	double fault;
	char *label;
	int i;

	if (k == NULL || ((in = readable(cp, f, k->input)) == NULL &&
	    (in = readable(cp, f, k->input2)) == NULL))
		return;
	/* A sensor its chip says is broken (an open diode) reads nonsense. */
	if ((s = readable(cp, f, k->fault)) != NULL &&
	    sensors_get_value(cp, s->number, &fault) == 0 && fault != 0)
		return;
	rs->v = xgrow(rs->v, rs->n, &rs->cap, sizeof(*rs->v));
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->cp = cp;
	strlcpy(r->chip, chip, sizeof(r->chip));
	r->name = f->name;
	r->kind = k;
	r->disk = strcmp(cp->prefix, "drivetemp") == 0;
	if (r->disk)
		strlcpy(r->dev, disk, sizeof(r->dev));
	if ((label = sensors_get_label(cp, f)) == NULL)
		label = xstrdup(f->name);
	if (r->disk && *disk != '\0' && strcmp(label, f->name) == 0) {
		free(label);
		label = xstrdup(disk);
	}
	clean(label);
	r->feature = label;
	r->err = sensors_get_value(cp, in->number, &r->value);
	for (i = 0; i < NLIMITS && r->err == 0; i++)
		if ((s = readable(cp, f, k->lim[i])) != NULL &&
		    sensors_get_value(cp, s->number, &r->lim[i]) == 0)
			r->has[i] = true;
}

/* Every reading of every chip, in libsensors' order. */
static void
read_all(struct readings *rs)
{
	const sensors_chip_name *cp;
	const sensors_feature *f;
	char chip[128], disk[32];
	int c = 0, nf;

	memset(rs, 0, sizeof(*rs));
	while ((cp = sensors_get_detected_chips(NULL, &c)) != NULL) {
		if (sensors_snprintf_chip_name(chip, sizeof(chip), cp) < 0)
			strlcpy(chip, cp->prefix, sizeof(chip));
		clean(chip);
		disk_name(cp, disk, sizeof(disk));
		nf = 0;
		while ((f = sensors_get_features(cp, &nf)) != NULL)
			read_feature(rs, cp, chip, disk, f);
	}
}

static void
free_readings(struct readings *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->v[i].feature);
	free(rs->v);
}

/*
 * Mark the readings an operand names: a chip as libsensors writes it,
 * wildcards allowed (coretemp-*); with features, also a feature by its
 * label or name, or a disk.  0 when it names none.
 */
static size_t
select_by(struct readings *rs, const char *op, bool features)
{
	const sensors_chip_name *cp;
	sensors_chip_name m;
	size_t i, hits = 0;
	int c = 0;

	if (sensors_parse_chip_name(op, &m) == 0) {
		while ((cp = sensors_get_detected_chips(&m, &c)) != NULL)
			for (i = 0; i < rs->n; i++)
				if (rs->v[i].cp == cp) {
					rs->v[i].selected = true;
					hits++;
				}
		sensors_free_chip_name(&m);
	}
	for (i = 0; features && i < rs->n; i++)
		if (strcmp(rs->v[i].feature, op) == 0 ||
		    strcmp(rs->v[i].name, op) == 0) {
			rs->v[i].selected = true;
			hits++;
		}
	return hits;
}

/* fw-svc's settings of the disks. */
struct disks {
	bool	 show;		/* disk_temp */
	bool	 smart;		/* disk_smart */
	double	 warn, crit;	/* disk_temp_warn, disk_temp_crit */
};

static int
read_disks(struct disks *dk, struct fwconf_err *e)
{
	const struct fwconf_schema *schema = fwconf_schema_builtin("services");
	static const char *const keys[] = { "disk_temp", "disk_temp_warn",
	    "disk_temp_crit", "disk_smart" };
	enum { NKEYS = sizeof(keys) / sizeof(keys[0]) };
	struct fwconf_settings svc;
	const struct fwconf_key *k;
	const char *v[NKEYS], *bad;
	size_t i;

	if (schema == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "services: no such schema");
	if (fwconf_settings_open(&svc, schema, e) == -1)
		return -1;
	for (i = 0; i < NKEYS; i++) {
		if ((k = fwconf_key_find(schema, keys[i])) == NULL) {
			fwconf_settings_close(&svc);
			return fwconf_fail(e, FWCONF_SYSTEM, "services: no key %s",
			    keys[i]);
		}
		if ((bad = fwconf_settings_invalid(&svc, k)) != NULL) {
			fwconf_fail(e, FWCONF_REFUSED, "%s", bad);
			fwconf_settings_close(&svc);
			return -1;
		}
		v[i] = fwconf_settings_get(&svc, k);
	}
	dk->show = strcmp(v[0], "yes") == 0;
	dk->warn = strtod(v[1], NULL);
	dk->crit = strtod(v[2], NULL);
	dk->smart = strcmp(v[3], "yes") == 0;
	fwconf_settings_close(&svc);
	return 0;
}

static int
init_sensors(struct fwconf_err *e)
{
	int r;

	if ((r = sensors_init(NULL)) != 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "libsensors: %s",
		    sensors_strerror(r));
	return 0;
}

/* A number as short as it can be: 80, 42.5, 1.25. */
static char *
num(char *buf, size_t size, double v)
{
	char *p;

	snprintf(buf, size, "%.3f", v);
	if ((p = strchr(buf, '.')) != NULL) {
		p += strlen(p);
		while (p[-1] == '0')
			*--p = '\0';
		if (p[-1] == '.')
			p[-1] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		strlcpy(buf, "0", size);
	return buf;
}

/* ---- the SMART verdict of the disks, as smart-report keeps it ---- */

/*
 * smartd hands each problem it finds to smart-report (fw-svc render
 * smartd), which keeps the last one of each disk in this directory: a
 * file named after the device (sda), "FAILTYPE<TAB>message" on one line.
 * smartd repeats a lasting problem every day (-M daily), so one reported
 * in the last 25 hours holds; an older one is over.  The agent's
 * check_smart (share/mpfw/check-smart) reads them the same way.
 */
#define SMART_DIR	"/var/lib/smartmontools/mpfw"
#define SMART_FRESH	(25 * 60 * 60)
/* More than smartd's message ever is; the rest of a file is not read. */
#define SMART_LINE_MAX	1024

struct verdict {
	char	*disk;
	char	*type;		/* smartd's failure type; NULL: ok */
	char	*msg;
	bool	 bad;		/* the report could not be read */
};

struct verdicts {
	struct verdict *v;
	size_t	 n, cap;
};

static struct verdict *
verdict_of(struct verdicts *vs, const char *disk, bool add)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].disk, disk) == 0)
			return &vs->v[i];
	if (!add)
		return NULL;
	vs->v = xgrow(vs->v, vs->n, &vs->cap, sizeof(*vs->v));
	memset(&vs->v[vs->n], 0, sizeof(*vs->v));
	vs->v[vs->n].disk = xstrdup(disk);
	clean(vs->v[vs->n].disk);
	return &vs->v[vs->n++];
}

/* A report's line into v: the failure type, a tab, smartd's message. */
static int
read_report(int dfd, const char *name, struct verdict *v)
{
	char buf[SMART_LINE_MAX], *tab;
	ssize_t n;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf) - 1)) == -1 && errno == EINTR)
		;
	close(fd);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if ((tab = strchr(buf, '\t')) != NULL)
		*tab++ = '\0';
	/* A report says a problem: never "ok", even when it names none. */
	v->type = xstrdup(*buf == '\0' || strcmp(buf, "ok") == 0 ? "failed" :
	    buf);
	v->msg = xstrdup(tab != NULL ? tab : "");
	clean(v->type);
	clean(v->msg);
	return 0;
}

/*
 * The problems reported in the last 25 hours, as check-smart finds
 * them: the regular files of the directory, but those starting with a
 * dot (smart-report's file before it is complete).  With only, the
 * disks already in vs alone.  0, or -1 when one is unreadable (said).
 */
static int
read_reports(struct verdicts *vs, bool only)
{
	char path[4096];
	struct verdict *v;
	struct dirent *d;
	struct stat st;
	time_t now = time(NULL);
	DIR *dir;
	int status = 0;

	if (fwconf_path(path, sizeof(path), SMART_DIR) == -1) {
		warn("%s", SMART_DIR);
		return -1;
	}
	if ((dir = opendir(path)) == NULL) {
		if (errno == ENOENT)
			return 0;	/* no problem reported, ever */
		warn("%s", path);
		for (v = vs->v; v < vs->v + vs->n; v++)
			v->bad = true;
		return -1;
	}
	while ((errno = 0, d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' ||
		    fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(st.st_mode) || now - st.st_mtime >= SMART_FRESH)
			continue;
		if ((v = verdict_of(vs, d->d_name, !only)) == NULL)
			continue;
		if (read_report(dirfd(dir), d->d_name, v) == -1) {
			warn("%s/%s", path, d->d_name);
			v->bad = true;
			status = -1;
		}
	}
	if (errno != 0) {
		warn("%s", path);
		for (v = vs->v; v < vs->v + vs->n; v++)
			v->bad = true;
		status = -1;
	}
	closedir(dir);
	return status;
}

static int
verdict_cmp(const void *a, const void *b)
{
	return strcmp(((const struct verdict *)a)->disk,
	    ((const struct verdict *)b)->disk);
}

/*
 * show's SMART lines: one for each disk of a drivetemp chip (with chip
 * operands, of a chip they name) and, without operands, for each other
 * disk smartd reported a problem of; "ok" where none is reported.
 * -1 when a report could not be read: that disk has no line.
 */
static int
show_smart(const struct readings *rs, bool named)
{
	struct verdicts vs;
	struct verdict *v;
	size_t i;
	int status;

	memset(&vs, 0, sizeof(vs));
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].disk && rs->v[i].dev[0] != '\0' &&
		    (!named || rs->v[i].selected))
			verdict_of(&vs, rs->v[i].dev, true);
	status = read_reports(&vs, named);
	if (vs.n > 0)
		qsort(vs.v, vs.n, sizeof(*vs.v), verdict_cmp);
	for (v = vs.v; v < vs.v + vs.n; v++) {
		if (!v->bad)
			printf("smart\t%s\t%s\t\t%s\n", v->disk,
			    v->type != NULL ? v->type : "ok",
			    v->msg != NULL ? v->msg : "");
		free(v->disk);
		free(v->type);
		free(v->msg);
	}
	free(vs.v);
	return status;
}

static int
cmd_show(int argc, char *argv[])
{
	struct readings rs;
	struct fwconf_err e;
	struct disks dk;
	struct reading *r;
	char value[64], limits[256], n[32], one[64];
	size_t i, j;
	int a, status = 0;

	if (read_disks(&dk, &e) == -1)
		die(&e);
	if (init_sensors(&e) == -1)
		die(&e);
	read_all(&rs);
	for (a = 1; a < argc; a++)
		if (select_by(&rs, argv[a], false) == 0) {
			warnx("%s: no such chip", shown(argv[a]));
			status = FWCONF_REFUSED;
		}
	for (i = 0; i < rs.n; i++) {
		r = &rs.v[i];
		if (argc > 1 ? !r->selected : r->disk && !dk.show)
			continue;
		if (r->err != 0) {
			warnx("%s: %s: %s", r->chip, r->feature,
			    sensors_strerror(r->err));
			status = FWCONF_REFUSED;
			continue;
		}
		snprintf(value, sizeof(value), r->kind->fmt, r->value);
		limits[0] = '\0';
		for (j = 0; j < NLIMITS; j++)
			if (r->has[j]) {
				snprintf(one, sizeof(one), "%s%s=%s", *limits ? " " :
				    "", limit_name[j], num(n, sizeof(n), r->lim[j]));
				strlcat(limits, one, sizeof(limits));
			}
		printf("%s\t%s\t%s\t%s\t%s\n", r->chip, r->feature, value,
		    r->kind->unit, limits);
	}
	if (dk.smart && show_smart(&rs, argc > 1) == -1)
		status = FWCONF_REFUSED;
	free_readings(&rs);
	sensors_cleanup();
	fshut(stdout, "stdout");
	return status;
}

/* ---- check: a monitoring plugin ---- */

/* What a reading is checked against; NAN where there is no bound. */
struct bounds {
	double	 warn_lo, warn_hi, crit_lo, crit_hi;
};

/*
 * A chip's own limits, where they can be meant: a limit of 0, or a
 * maximum not above its minimum, is how a chip reports one not set.
 */
static void
chip_bounds(const struct reading *r, struct bounds *b)
{
	const double *l = r->lim;
	const bool *h = r->has;

	b->warn_lo = b->warn_hi = b->crit_lo = b->crit_hi = NAN;
	if (r->kind->type == SENSORS_FEATURE_FAN) {
		if (h[L_MIN] && l[L_MIN] > 0)
			b->warn_lo = l[L_MIN];
		return;
	}
	if (r->kind->type != SENSORS_FEATURE_TEMP &&
	    r->kind->type != SENSORS_FEATURE_IN &&
	    r->kind->type != SENSORS_FEATURE_CURR &&
	    r->kind->type != SENSORS_FEATURE_POWER)
		return;
	if (h[L_MAX] && l[L_MAX] != 0 && !(h[L_MIN] && l[L_MAX] <= l[L_MIN]))
		b->warn_hi = l[L_MAX];
	if (h[L_MIN] && l[L_MIN] != 0 && !(h[L_MAX] && l[L_MAX] <= l[L_MIN]))
		b->warn_lo = l[L_MIN];
	if (h[L_CRIT] && l[L_CRIT] != 0 &&
	    !(h[L_LCRIT] && l[L_CRIT] <= l[L_LCRIT]))
		b->crit_hi = l[L_CRIT];
	if (h[L_LCRIT] && l[L_LCRIT] != 0 &&
	    !(h[L_CRIT] && l[L_CRIT] <= l[L_LCRIT]))
		b->crit_lo = l[L_LCRIT];
}

static enum state
judge(double v, const struct bounds *b)
{
	if (v > b->crit_hi || v < b->crit_lo)	/* false against NAN */
		return ST_CRITICAL;
	if (v > b->warn_hi || v < b->warn_lo)
		return ST_WARNING;
	return ST_OK;
}

/* A Nagios threshold range: "hi", "lo:" or "lo:hi"; "" for none. */
static void
range(char *buf, size_t size, double lo, double hi)
{
	char a[32], b[32];

	if (isnan(lo) && isnan(hi))
		buf[0] = '\0';
	else if (isnan(lo))
		snprintf(buf, size, "%s", num(b, sizeof(b), hi));
	else
		snprintf(buf, size, "%s:%s", num(a, sizeof(a), lo), isnan(hi) ?
		    "" : num(b, sizeof(b), hi));
}

/* The name of a reading in the plugin line: sda, or "chip feature". */
static void
plugin_name(const struct reading *r, char *buf, size_t size)
{
	char *p;

	if (r->disk && strcmp(r->feature, r->name) != 0)
		strlcpy(buf, r->feature, size);
	else
		snprintf(buf, size, "%s %s", r->chip, r->feature);
	/* No quote, = or | in a plugin line but where the format puts them. */
	for (p = buf; *p != '\0'; p++)
		if (*p == '\'' || *p == '=' || *p == '|')
			*p = '_';
}

/* One item of performance data: label=value;warn;crit, empty ones off. */
static void
perf_item(FILE *fp, const char *label, double value, const char *warn,
    const char *crit)
{
	char v[32], item[192];
	size_t n;

	snprintf(item, sizeof(item), "%s;%s;%s", num(v, sizeof(v), value), warn,
	    crit);
	for (n = strlen(item); n > 0 && item[n - 1] == ';'; n--)
		item[n - 1] = '\0';
	if (strchr(label, ' ') != NULL)
		fprintf(fp, " '%s'=%s", label, item);
	else
		fprintf(fp, " %s=%s", label, item);
}

static void __dead
plugin_exit(enum state st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
plugin_exit(enum state st, const char *fmt, ...)
{
	va_list ap;
	char msg[512], *p;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (p = msg; *p != '\0'; p++)
		if (*p == '|' || (unsigned char)*p < 0x20)
			*p = '/';
	printf("SENSORS %s - %s\n", state_name[st], msg);
	fshut(stdout, "stdout");
	exit(st);
}

static double
celsius(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v))
		plugin_exit(ST_UNKNOWN, "-%s %.40s: not a temperature in degrees "
		    "Celsius", opt, s);
	return v;
}

static int
cmd_check(int argc, char *argv[])
{
	struct readings rs;
	struct fwconf_err e;
	struct disks dk;
	struct bounds b;
	struct reading *r;
	enum state st, worst = ST_OK;
	double w = NAN, c = NAN;
	char *perf = NULL, *bad = NULL, name[192], wr[64], cr[64], v[32];
	char *item;
	size_t plen = 0, blen = 0, i, n = 0, nbad = 0;
	FILE *pf, *bf;
	int ch, a, pass;

	while ((ch = verb_getopt(argc, argv, "w:c:", "check")) != -1)
		switch (ch) {
		case 'w':
			w = celsius("w", optarg);
			break;
		case 'c':
			c = celsius("c", optarg);
			break;
		default:
			plugin_exit(ST_UNKNOWN, "usage: %s check [-w C] [-c C] "
			    "[chip-or-feature ...]", getprogname());
		}
	argc -= optind;
	argv += optind;
	if (!isnan(w) && !isnan(c) && w >= c)
		plugin_exit(ST_UNKNOWN, "-w %s must be below -c %s",
		    num(wr, sizeof(wr), w), num(cr, sizeof(cr), c));
	if (read_disks(&dk, &e) == -1 || init_sensors(&e) == -1)
		plugin_exit(ST_UNKNOWN, "%s", e.msg);
	read_all(&rs);
	for (a = 0; a < argc; a++)
		if (select_by(&rs, argv[a], true) == 0)
			plugin_exit(ST_UNKNOWN, "%s: no such chip, sensor or disk",
			    shown(argv[a]));
	for (i = 0; i < rs.n; i++)
		if (argc == 0)
			rs.v[i].selected = !rs.v[i].disk || dk.show;
	if ((pf = open_memstream(&perf, &plen)) == NULL ||
	    (bf = open_memstream(&bad, &blen)) == NULL)
		plugin_exit(ST_UNKNOWN, "open_memstream: %s", strerror(errno));
	/* Critical readings first in the text, then warnings, unknowns. */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < rs.n; i++) {
			r = &rs.v[i];
			if (!r->selected)
				continue;
			plugin_name(r, name, sizeof(name));
			if (r->err != 0) {
				if (pass == 2)
					fprintf(bf, "%s%s unreadable (%s)", nbad++ ?
					    ", " : "", name, sensors_strerror(r->err));
				st = ST_UNKNOWN;
			} else {
				chip_bounds(r, &b);
				if (r->kind->type == SENSORS_FEATURE_TEMP) {
					if (r->disk) {
						b.warn_hi = dk.warn;
						b.crit_hi = dk.crit;
						b.warn_lo = b.crit_lo = NAN;
					}
					if (!isnan(w))
						b.warn_hi = w;
					if (!isnan(c))
						b.crit_hi = c;
				}
				st = judge(r->value, &b);
				if ((pass == 0 && st == ST_CRITICAL) ||
				    (pass == 1 && st == ST_WARNING))
					fprintf(bf, "%s%s %s %s", nbad++ ? ", " : "",
					    name, num(v, sizeof(v), r->value),
					    r->kind->ascii);
				if (pass == 0) {
					range(wr, sizeof(wr), b.warn_lo, b.warn_hi);
					range(cr, sizeof(cr), b.crit_lo, b.crit_hi);
					perf_item(pf, name, r->value, wr, cr);
				}
			}
			if (pass == 0) {
				n++;
				if (state_rank[st] > state_rank[worst])
					worst = st;
			}
		}
	if (fclose(pf) == EOF || fclose(bf) == EOF)
		plugin_exit(ST_UNKNOWN, "open_memstream: %s", strerror(errno));
	if (n == 0) {
		free(perf);
		free(bad);
		free_readings(&rs);
		sensors_cleanup();
		plugin_exit(ST_UNKNOWN, "no sensors found");
	}
	for (item = bad; *item != '\0'; item++)
		if (*item == '|')
			*item = '/';
	if (worst == ST_OK)
		printf("SENSORS OK - %zu sensor%s within limits |%s\n", n,
		    n == 1 ? "" : "s", perf);
	else
		printf("SENSORS %s - %s |%s\n", state_name[worst], bad, perf);
	free(perf);
	free(bad);
	free_readings(&rs);
	sensors_cleanup();
	fshut(stdout, "stdout");
	return worst;
}

static const struct verb verbs[] = {
	{ "show", cmd_show, "[chip ...]", 0, -1, 0 },
	{ "check", cmd_check, "[-w C] [-c C] [chip-or-feature ...]", 0, -1,
	    VERB_OPTIONS },
	{ "detect", cmd_detect, "[-n] [file | -]", 0, -1, VERB_OPTIONS },
	{ "list", cmd_list, "", 0, 0, 0 },
	{ "add", cmd_add, "module ... | add -", 1, -1, 0 },
	{ "remove", cmd_remove, "[-f] module ... | remove [-f] -", 0, -1,
	    VERB_OPTIONS },
	{ "render", cmd_render, "", 0, 0, 0 },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

int
main(int argc, char *argv[])
{
	int skip;

	verb_common(argc, argv, usage_to, verbs);
	skip = root_option(argc, argv, usage);
	return verb_dispatch(verbs, lead, argc - skip, argv + skip);
}
