/*
 * fw-apply: make the saved settings live (the manual's "Sanft Anwenden",
 * soft, and "Voll Anwenden", full).  For each pending unit of the
 * catalogue (fw-units(5)) it renders the files, checks them all with the
 * daemons' own parsers, installs those that changed and reloads, restarts
 * or defers as the unit says; a failure puts every file back.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <sha2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "state.h"
#include "util.h"

#ifndef MPFW_VERSION
#define MPFW_VERSION "0"
#endif

enum action { ACT_NONE, ACT_RELOAD, ACT_RESTART, ACT_DEFER, ACT_START,
	ACT_STOP };

static const char *const action_names[] = {
	"none", "reload", "restart", "defer", "start", "stop"
};

/* One unit in this apply. */
struct job {
	const struct fwconf_unit *u;
	char	*stamp;		/* what its stamp will be */
	bool	 enabled, was_enabled;
	char	 dir[PATH_MAX];		/* %d: candidates at target paths */
	char	**cand;			/* per file: the candidate */
	bool	*changed;		/* per file: differs from installed */
	size_t	 nchanged;
	enum action action;
	bool	 tried, ran;		/* its action was tried, and ran */
	gid_t	 gid;			/* of its installed files, or -1 */
};

struct apply {
	struct fwconf_units units;
	struct gen cur, next;
	struct job *jobs;
	size_t	 njobs;
	char	 stage[PATH_MAX];
	bool	 full, dry, verbose;
	long	 confirm_secs;
	int	 lock;
};

static void __dead
usage(void)
{
	fprintf(stderr,
	    "usage: fw-apply [-R root] [-fnv] [-c seconds] [unit ...]\n"
	    "       fw-apply [-R root] status | diff [unit ...]\n"
	    "       fw-apply [-R root] confirm | rollback | revert | boot\n");
	exit(FWCONF_USAGE);
}

/* Running as the -c watcher: its failures go to syslog, not a terminal. */
static bool watcher;

static void
say_error(const struct fwconf_err *e)
{
	if (watcher)
		syslog(LOG_ERR, "%s", e->msg);
	else
		warnx("%s", e->msg);
}

/* ---- stamps ---- */

static void
hash_file(SHA2_CTX *ctx, const char *path)
{
	struct fwconf_err e;
	size_t len;
	char *buf;
	int r;

	if ((r = fwconf_read_all(path, &buf, &len, NULL, &e)) == -1)
		die(&e);
	if (r == 1) {
		SHA256Update(ctx, (const uint8_t *)"absent", 7);
		return;
	}
	SHA256Update(ctx, (const uint8_t *)"present", 8);
	SHA256Update(ctx, (const uint8_t *)buf, len);
	free(buf);
}

/* A settings file and its secrets, hashed together. */
static void
hash_input(const char *input, char out[SHA256_DIGEST_STRING_LENGTH])
{
	char path[PATH_MAX];
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	if (fwconf_settings_path(path, sizeof(path), input) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", input);
	hash_file(&ctx, path);
	if (fwconf_secrets_path(path, sizeof(path), input) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", input);
	hash_file(&ctx, path);
	SHA256End(&ctx, out);
}

static bool
unit_enabled(const struct fwconf_unit *u)
{
	const struct fwconf_schema *schema;
	const struct fwconf_key *k;
	struct fwconf_settings s;
	struct fwconf_err e;
	const char *bad;
	bool on;

	if (u->enable_file == NULL)
		return true;
	schema = fwconf_schema_builtin(u->enable_file);
	k = fwconf_key_find(schema, u->enable_key);
	if (fwconf_settings_open(&s, schema, &e) == -1)
		die(&e);
	if ((bad = fwconf_settings_invalid(&s, k)) != NULL)
		errx(FWCONF_REFUSED, "%s: %s", u->name, bad);
	on = strcmp(fwconf_settings_get(&s, k), "yes") == 0;
	fwconf_settings_close(&s);
	return on;
}

/* "def=H version=V enabled=B in.NAME=H ...": each part can be told. */
static char *
make_stamp(const struct fwconf_unit *u, bool enabled)
{
	char def[SHA256_DIGEST_STRING_LENGTH], h[SHA256_DIGEST_STRING_LENGTH];
	char *stamp, *next;
	size_t i;

	SHA256Data((const uint8_t *)u->definition, strlen(u->definition), def);
	if (asprintf(&stamp, "def=%s version=%s enabled=%s", def, MPFW_VERSION,
	    enabled ? "yes" : "no") == -1)
		err(FWCONF_SYSTEM, NULL);
	for (i = 0; i < u->ninputs; i++) {
		hash_input(u->inputs[i], h);
		if (asprintf(&next, "%s in.%s=%s", stamp, u->inputs[i], h) == -1)
			err(FWCONF_SYSTEM, NULL);
		free(stamp);
		stamp = next;
	}
	return stamp;
}

/* The value of part (e.g. "enabled") in a stamp, or NULL. */
static char *
stamp_part(const char *stamp, const char *part)
{
	size_t n = strlen(part);
	const char *p;

	for (p = stamp; p != NULL && *p != '\0'; p = strchr(p, ' ')) {
		p += *p == ' ';
		if (strncmp(p, part, n) == 0 && p[n] == '=')
			return strndup(p + n + 1, strcspn(p + n + 1, " "));
	}
	return NULL;
}

static const char *
stored_stamp(const struct gen *g, const char *unit)
{
	ssize_t i = fwconf_table_find(&g->stamps, unit);

	return i == -1 ? NULL : g->stamps.recs[i].value;
}

/* Why a unit is pending, for status; NULL if it is not. */
static char *
pending_reason(const char *old, const char *new)
{
	char *reason = NULL, *next, *word, *copy, *save = NULL, *was;
	const char *why;

	if (old == NULL)
		return xstrdup("never applied");
	if (strcmp(old, new) == 0)
		return NULL;
	copy = xstrdup(new);
	for (word = strtok_r(copy, " ", &save); word != NULL;
	    word = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(word, '=');

		*eq = '\0';
		was = stamp_part(old, word);
		if (was == NULL || strcmp(was, eq + 1) != 0) {
			why = strcmp(word, "def") == 0 ? "unit definition" :
			    strcmp(word, "version") == 0 ? "mpfw version" :
			    strncmp(word, "in.", 3) == 0 ? word + 3 : NULL;
			if (why != NULL) {
				if (asprintf(&next, "%s%s%s changed", reason ?
				    reason : "", reason ? ", " : "", why) == -1)
					err(FWCONF_SYSTEM, NULL);
				free(reason);
				reason = next;
			}
		}
		free(was);
	}
	free(copy);
	return reason != NULL ? reason : xstrdup("inputs changed");
}

/* ---- rendering and checking ---- */

static bool
same_content(const char *a, const char *b)
{
	struct fwconf_err e;
	char *x, *y;
	size_t nx, ny;
	bool same;
	int r;

	if ((r = fwconf_read_all(a, &x, &nx, NULL, &e)) == -1)
		die(&e);
	if (r == 1)
		return false;
	if (fwconf_read_all(b, &y, &ny, NULL, &e) != 0) {
		free(x);
		return false;
	}
	same = nx == ny && memcmp(x, y, nx) == 0;
	free(x);
	free(y);
	return same;
}

static void
installed_path(char *buf, size_t size, const char *target)
{
	if (fwconf_path(buf, size, target) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", target);
}

static void
show_output(const char *output)
{
	size_t n = strlen(output);

	if (n == 0)
		return;
	fputs(output, stderr);
	if (output[n - 1] != '\n')
		fputc('\n', stderr);
}

/* Render each file of the job; false, having said why, on failure. */
static bool
render_job(struct apply *a, struct job *j)
{
	const struct fwconf_unit *u = j->u;
	struct run_paths p = { 0 };
	char installed[PATH_MAX], dir[PATH_MAX], *out, *slash;
	struct fwconf_err e;
	size_t i;
	int st;

	pathf(j->dir, sizeof(j->dir), "%s/%s", a->stage, u->name);
	j->cand = xreallocarray(NULL, u->nfiles, sizeof(*j->cand));
	j->changed = xreallocarray(NULL, u->nfiles, sizeof(*j->changed));
	for (i = 0; i < u->nfiles; i++) {
		if (asprintf(&j->cand[i], "%s%s", j->dir, u->files[i].target) ==
		    -1)
			err(FWCONF_SYSTEM, NULL);
		strlcpy(dir, j->cand[i], sizeof(dir));
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (fwconf_mkdirs(dir, 0700, &e) == -1)
			die(&e);
		installed_path(installed, sizeof(installed),
		    u->files[i].target);
		p.candidate = j->cand[i];
		p.target = installed;
		p.stage = j->dir;
		st = run_command(u->files[i].render, &p, j->cand[i],
		    u->secret ? 0600 : u->files[i].mode, &out, &e);
		if (st != 0) {
			if (st == -1)
				warnx("%s: render of %s: %s", u->name,
				    u->files[i].target, e.msg);
			else
				warnx("%s: render of %s failed (exit %d):",
				    u->name, u->files[i].target, st);
			show_output(out);
			free(out);
			return false;
		}
		free(out);
		chmod(j->cand[i], u->secret ? 0600 : u->files[i].mode);
		j->changed[i] = !same_content(j->cand[i], installed);
		j->nchanged += j->changed[i];
	}
	return true;
}

/* The daemon's own checker on all of the unit's candidates together. */
static bool
check_job(struct job *j)
{
	const struct fwconf_unit *u = j->u;
	char installed[PATH_MAX], *out;
	struct run_paths p;
	struct fwconf_err e;
	int st;

	installed_path(installed, sizeof(installed), u->files[0].target);
	p.candidate = j->cand[0];
	p.target = installed;
	p.stage = j->dir;
	st = run_command(u->check, &p, NULL, 0, &out, &e);
	if (st == 0) {
		free(out);
		return true;
	}
	if (st == -1)
		warnx("%s: check: %s", u->name, e.msg);
	else
		warnx("%s: check failed (exit %d), nothing installed:",
		    u->name, st);
	show_output(out);
	free(out);
	return false;
}

/* A unified diff of a candidate against the installed file. */
static void
show_diff(const char *installed, const char *cand, const char *label,
    bool secret)
{
	char newlabel[PATH_MAX + 8];
	int status;
	pid_t pid;

	fflush(stdout);
	if (secret) {
		printf("--- %s\n+++ %s (new)\n@@ the unit carries a secret: "
		    "its contents are not shown @@\n", label, label);
		return;
	}
	pathf(newlabel, sizeof(newlabel), "%s (new)", label);
	if ((pid = fork()) == -1)
		err(FWCONF_SYSTEM, "fork");
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", label, "--label",
		    newlabel, access(installed, F_OK) == 0 ? installed :
		    "/dev/null", cand, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 1)
		errx(FWCONF_SYSTEM, "diff of %s failed", label);
}

/* ---- acting ---- */

static const char *
action_command(const struct fwconf_unit *u, enum action act)
{
	switch (act) {
	case ACT_RELOAD:
		return u->reload;
	case ACT_RESTART:
		return u->restart;
	case ACT_START:
		return u->start;
	case ACT_STOP:
		return u->stop;
	default:
		return NULL;
	}
}

static enum action
choose_action(const struct apply *a, const struct job *j, bool deferred)
{
	const struct fwconf_unit *u = j->u;

	if (j->was_enabled && !j->enabled)
		return u->stop != NULL ? ACT_STOP : ACT_NONE;
	if (!j->enabled)
		return ACT_NONE;
	if (!j->was_enabled)
		return u->start != NULL ? ACT_START : ACT_RESTART;
	if (j->nchanged == 0 && !(a->full && deferred))
		return ACT_NONE;
	if (a->full)
		return u->restart != NULL ? ACT_RESTART : ACT_RELOAD;
	switch (u->soft) {
	case FWCONF_SOFT_RELOAD:
		return ACT_RELOAD;
	case FWCONF_SOFT_RESTART:
		return ACT_RESTART;
	default:
		return ACT_DEFER;
	}
}

/*
 * Run a unit's command for act: 0, or, having said why, 1 when it failed
 * and -1 when it did not finish (killed, timed out).
 */
static int
run_action(const struct fwconf_unit *u, enum action act)
{
	const char *cmd = action_command(u, act);
	char installed[PATH_MAX], *out;
	struct run_paths p = { 0 };
	struct fwconf_err e, why;
	int st;

	if (cmd == NULL)
		return 0;
	installed_path(installed, sizeof(installed), u->files[0].target);
	p.target = installed;
	st = run_command(cmd, &p, NULL, 0, &out, &why);
	if (st == 0) {
		free(out);
		return 0;
	}
	if (st == -1)
		fwconf_fail(&e, FWCONF_SYSTEM, "%s: %s: %s", u->name,
		    action_names[act], why.msg);
	else
		fwconf_fail(&e, FWCONF_SYSTEM, "%s: %s failed (exit %d)%s%.900s",
		    u->name, action_names[act], st, *out ? ": " : "", out);
	say_error(&e);
	free(out);
	return st == -1 ? -1 : 1;
}

/*
 * Undo: every file this apply installed goes back, the daemons told
 * again so that they serve the old files, and starts and stops reversed.
 */
static void
undo(struct apply *a, size_t installed_jobs)
{
	struct fwconf_err e;
	size_t i, f;

	for (i = 0; i < installed_jobs; i++)
		for (f = 0; f < a->jobs[i].u->nfiles; f++)
			if (a->jobs[i].changed[f] && state_restore_file(&a->next,
			    a->jobs[i].u->files[f].target, &e) == -1)
				say_error(&e);
	for (i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];

		if (j->action == ACT_START && j->ran)
			run_action(j->u, ACT_STOP);
		else if (j->action == ACT_STOP && j->ran)
			run_action(j->u, ACT_START);
		else if ((j->action == ACT_RELOAD ||
		    j->action == ACT_RESTART) && j->tried)
			run_action(j->u, j->action);
	}
}

/* A secret unit's files are never world-readable; 0600 unless a group
 * of the unit's reads them. */
static mode_t
installed_mode(const struct fwconf_unit *u, size_t file)
{
	if (!u->secret)
		return u->files[file].mode;
	return u->group != NULL ? u->files[file].mode & 0660 : 0600;
}

/* The unit's group, looked up before anything is installed. */
static bool
resolve_group(struct job *j)
{
	struct group *gr;

	j->gid = (gid_t)-1;
	if (j->u->group == NULL)
		return true;
	if ((gr = getgrnam(j->u->group)) == NULL) {
		warnx("%s: group %s: no such group", j->u->name, j->u->group);
		return false;
	}
	j->gid = gr->gr_gid;
	return true;
}

static bool
install_job(const struct job *j)
{
	char installed[PATH_MAX], *buf;
	struct fwconf_err e;
	size_t i, len;
	int r;

	for (i = 0; i < j->u->nfiles; i++) {
		if (!j->changed[i])
			continue;
		installed_path(installed, sizeof(installed),
		    j->u->files[i].target);
		if (fwconf_read_all(j->cand[i], &buf, &len, NULL, &e) != 0) {
			say_error(&e);
			return false;
		}
		if ((r = fwconf_mkdirs_parent(installed, &e)) == 0)
			r = fwconf_write_atomic(installed, buf, len,
			    installed_mode(j->u, i), (uid_t)-1, j->gid, &e);
		free(buf);
		if (r == -1) {
			say_error(&e);
			return false;
		}
	}
	return true;
}

/* ---- the apply ---- */

static void
load_units(struct apply *a)
{
	struct fwconf_err e;

	if (fwconf_units_load(&a->units, &e) == -1)
		die(&e);
}

static void
load_current(struct gen *g)
{
	struct fwconf_err e;

	if (state_current(g, &e) == -1)
		die(&e);
}

/* Every unit named must be in the catalogue. */
static void
check_names(const struct fwconf_units *us, int argc, char *argv[])
{
	int k;

	for (k = 0; k < argc; k++)
		if (fwconf_unit_find(us, argv[k]) == NULL)
			errx(FWCONF_REFUSED, "%.80s: no such unit (see "
			    "fw-units(5))", argv[k]);
}

/* Is the unit among those named?  No names name them all. */
static bool
named(int argc, char *argv[], const char *unit)
{
	int k;

	for (k = 0; k < argc; k++)
		if (strcmp(argv[k], unit) == 0)
			return true;
	return argc == 0;
}

static bool
is_deferred(const struct gen *g, const char *unit)
{
	return fwconf_table_find(&g->deferred, unit) != -1;
}

/* The named units, or those pending (and, for -f, those deferred). */
static void
select_jobs(struct apply *a, int argc, char *argv[])
{
	const struct fwconf_unit *u;
	const char *old, *was;
	struct job *j;
	char *stamp, *on;
	size_t i;

	check_names(&a->units, argc, argv);
	a->jobs = xreallocarray(NULL, a->units.n + 1, sizeof(*a->jobs));
	for (i = 0; i < a->units.n; i++) {
		u = &a->units.v[i];
		if (!named(argc, argv, u->name))
			continue;
		stamp = make_stamp(u, unit_enabled(u));
		old = stored_stamp(&a->cur, u->name);
		if (argc == 0 && old != NULL && strcmp(old, stamp) == 0 &&
		    !(a->full && is_deferred(&a->cur, u->name))) {
			free(stamp);
			continue;
		}
		j = &a->jobs[a->njobs++];
		memset(j, 0, sizeof(*j));
		j->u = u;
		j->stamp = stamp;
		j->enabled = strstr(stamp, " enabled=yes") != NULL;
		/* Never applied: as it is now, so the first apply starts
		 * nothing and stops nothing. */
		on = old != NULL ? stamp_part(old, "enabled") : NULL;
		was = on != NULL ? on : j->enabled ? "yes" : "no";
		j->was_enabled = strcmp(was, "yes") == 0;
		free(on);
	}
}

static void
make_stage(struct apply *a)
{
	struct fwconf_err e;
	char base[PATH_MAX];

	if (state_dir(base, sizeof(base), "") == -1)
		errx(FWCONF_SYSTEM, "state: path too long");
	if (fwconf_mkdirs(base, 0755, &e) == -1)
		die(&e);
	pathf(a->stage, sizeof(a->stage), "%s/stage.XXXXXX", base);
	if (mkdtemp(a->stage) == NULL)
		err(FWCONF_SYSTEM, "%s", a->stage);
}

/* Every settings file some unit reads. */
static char **
all_inputs(const struct fwconf_units *us, size_t *np)
{
	char **v = NULL;
	size_t i, f, k, n = 0;

	for (i = 0; i < us->n; i++)
		for (f = 0; f < us->v[i].ninputs; f++) {
			for (k = 0; k < n && strcmp(v[k],
			    us->v[i].inputs[f]) != 0; k++)
				;
			if (k == n) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = us->v[i].inputs[f];
			}
		}
	*np = n;
	return v;
}

/* Snapshot, stamps, backups: all written before any file is installed. */
static bool
prepare_next(struct apply *a)
{
	struct fwconf_err e;
	struct job *j;
	char **inputs;
	ssize_t at;
	size_t i, f, n;

	if (state_begin(&a->next, &a->cur, &e) == -1)
		goto fail;
	inputs = all_inputs(&a->units, &n);
	for (i = 0; i < n; i++)
		if (state_snapshot(&a->next, inputs[i], &e) == -1) {
			free(inputs);
			goto fail;
		}
	free(inputs);
	for (i = 0; i < a->njobs; i++) {
		j = &a->jobs[i];
		for (f = 0; f < j->u->nfiles; f++)
			if (j->changed[f] && state_backup(&a->next,
			    j->u->files[f].target, j->u->name, &e) == -1)
				goto fail;
		if ((at = fwconf_table_find(&a->next.stamps, j->u->name)) == -1 ?
		    fwconf_table_insert(&a->next.stamps, j->u->name, j->stamp) :
		    fwconf_table_update(&a->next.stamps, (size_t)at, j->stamp))
			err(FWCONF_SYSTEM, NULL);
		at = fwconf_table_find(&a->next.deferred, j->u->name);
		if (j->action == ACT_DEFER && at == -1 &&
		    fwconf_table_insert(&a->next.deferred, j->u->name,
		    "restart") == -1)
			err(FWCONF_SYSTEM, NULL);
		if ((j->action == ACT_RESTART || j->action == ACT_STOP) &&
		    at != -1)
			fwconf_table_delete(&a->next.deferred, (size_t)at);
	}
	return true;
fail:
	say_error(&e);
	return false;
}

static void
cleanup(struct apply *a)
{
	if (a->stage[0] != '\0')
		rm_tree(a->stage);
}

/* The diffs of a rendered job's changed files; how many there were. */
static size_t
diff_job(const struct job *j)
{
	char installed[PATH_MAX];
	size_t f, n = 0;

	for (f = 0; f < j->u->nfiles; f++) {
		if (!j->changed[f])
			continue;
		installed_path(installed, sizeof(installed),
		    j->u->files[f].target);
		show_diff(installed, j->cand[f], j->u->files[f].target,
		    j->u->secret);
		n++;
	}
	return n;
}

/* -n: what would change and how, with a diff. */
static void
show_plan(const struct apply *a)
{
	const struct job *j;
	size_t i;

	for (i = 0; i < a->njobs; i++) {
		j = &a->jobs[i];
		if (j->nchanged == 0 && j->action == ACT_NONE)
			continue;
		printf("%s\t%s\n", j->u->name, action_names[j->action]);
		diff_job(j);
	}
	fshut(stdout, "stdout");
}

/* The -c watcher runs apart, as the same program; see watch(). */
static void
spawn_watcher(const char *generation)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		err(FWCONF_SYSTEM, "fork");
	if (pid > 0)
		return;
	setsid();
	execl("/proc/self/exe", "fw-apply", "-R", *fwconf_root() ?
	    fwconf_root() : "/", "watch", generation, (char *)NULL);
	_exit(127);
}

static void
write_confirm(long secs, long generation)
{
	char path[PATH_MAX], buf[96];
	struct fwconf_err e;
	int n;

	n = snprintf(buf, sizeof(buf), "%lld gen.%ld\n",
	    (long long)time(NULL) + secs, generation);
	if (state_dir(path, sizeof(path), "confirm") == -1 ||
	    fwconf_write_atomic(path, buf, (size_t)n, 0644, (uid_t)-1,
	    (gid_t)-1, &e) == -1)
		die(&e);
	pathf(buf, sizeof(buf), "gen.%ld", generation);
	spawn_watcher(buf);
}

static void
clear_failure(void)
{
	char path[PATH_MAX];

	if (state_dir(path, sizeof(path), "confirm-failed") == 0)
		unlink(path);
}

static int
apply(struct apply *a, int argc, char *argv[])
{
	struct fwconf_err e;
	size_t i;
	bool ok = true;
	int r;

	load_units(a);
	load_current(&a->cur);
	select_jobs(a, argc, argv);
	if (a->njobs == 0)
		return 0;
	make_stage(a);
	for (i = 0; i < a->njobs && ok; i++)
		ok = resolve_group(&a->jobs[i]) && render_job(a, &a->jobs[i]);
	/* Check them all, so every broken unit is named at once. */
	for (i = 0; i < a->njobs && ok; i++)
		a->jobs[i].action = choose_action(a, &a->jobs[i],
		    is_deferred(&a->cur, a->jobs[i].u->name));
	for (i = 0; i < a->njobs && ok; i++)
		if (a->jobs[i].nchanged > 0 && !check_job(&a->jobs[i]))
			ok = false;
	for (; i < a->njobs && !ok; i++)
		if (a->jobs[i].nchanged > 0 && a->jobs[i].cand != NULL)
			check_job(&a->jobs[i]);
	if (!ok || a->dry) {
		if (ok)
			show_plan(a);
		cleanup(a);
		return ok ? 0 : FWCONF_SYSTEM;
	}
	if (!prepare_next(a)) {
		state_abandon(&a->next);
		cleanup(a);
		return FWCONF_SYSTEM;
	}
	for (i = 0; i < a->njobs; i++)
		if (!install_job(&a->jobs[i])) {
			undo(a, i + 1);
			goto fail;
		}
	for (i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];

		if (a->verbose && j->action != ACT_NONE)
			printf("%s\t%s\n", j->u->name, action_names[j->action]);
		/* One that hung is not run again by undo: it would hang. */
		if ((r = run_action(j->u, j->action)) != 0) {
			j->tried = r == 1;
			undo(a, a->njobs);
			goto fail;
		}
		j->tried = j->ran = true;
	}
	if (state_commit(&a->next, &e) == -1) {
		say_error(&e);
		for (i = 0; i < a->njobs; i++)
			a->jobs[i].tried = true;
		undo(a, a->njobs);
		goto fail;
	}
	clear_failure();
	if (a->confirm_secs > 0)
		write_confirm(a->confirm_secs, a->next.n);
	cleanup(a);
	fshut(stdout, "stdout");
	return 0;
fail:
	warnx("the files of this apply are restored");
	state_abandon(&a->next);
	cleanup(a);
	return FWCONF_SYSTEM;
}

/* ---- the other verbs ---- */

static int
cmd_status(struct apply *a, int argc)
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	char path[PATH_MAX], *msg, *stamp, *why;
	const struct fwconf_unit *u;
	size_t i, len, npending = 0;
	int r;

	if (argc != 0)
		usage();
	load_units(a);
	load_current(&a->cur);
	if ((r = fwconf_confirm_read(&c, &e)) == -1)
		die(&e);
	if (r == 0)
		printf("countdown\t%lld\t%s\n", c.deadline - (long long)time(NULL),
		    c.generation);
	if (state_dir(path, sizeof(path), "confirm-failed") == 0 &&
	    fwconf_read_all(path, &msg, &len, NULL, &e) == 0) {
		msg[strcspn(msg, "\n")] = '\0';
		printf("failed\t%s\n", msg);
		free(msg);
	}
	for (i = 0; i < a->units.n; i++) {
		u = &a->units.v[i];
		stamp = make_stamp(u, unit_enabled(u));
		why = pending_reason(stored_stamp(&a->cur, u->name), stamp);
		if (why != NULL) {
			printf("pending\t%s\t%s\n", u->name, why);
			npending++;
		}
		free(why);
		free(stamp);
	}
	for (i = 0; i < a->cur.deferred.nrecs; i++)
		if (!a->cur.deferred.recs[i].deleted)
			printf("deferred\t%s\t%s\n",
			    a->cur.deferred.recs[i].name,
			    a->cur.deferred.recs[i].value);
	fshut(stdout, "stdout");
	return npending > 0;
}

/* Every unit (or those named) rendered and compared, like diff(1). */
static int
cmd_diff(struct apply *a, int argc, char *argv[])
{
	struct job *j;
	size_t i, ndiff = 0;

	load_units(a);
	check_names(&a->units, argc, argv);
	make_stage(a);
	a->jobs = xreallocarray(NULL, a->units.n + 1, sizeof(*a->jobs));
	for (i = 0; i < a->units.n; i++) {
		if (!named(argc, argv, a->units.v[i].name))
			continue;
		j = &a->jobs[a->njobs++];
		memset(j, 0, sizeof(*j));
		j->u = &a->units.v[i];
		if (!render_job(a, j)) {
			cleanup(a);
			return FWCONF_SYSTEM;
		}
		ndiff += diff_job(j);
	}
	cleanup(a);
	fshut(stdout, "stdout");
	return ndiff > 0;
}

static void
remove_confirm(void)
{
	char path[PATH_MAX];

	if (state_dir(path, sizeof(path), "confirm") == 0 && unlink(path) == -1 &&
	    errno != ENOENT)
		err(FWCONF_SYSTEM, "%s", path);
}

static bool
stamp_enabled(const struct gen *g, const struct fwconf_unit *u, bool dflt)
{
	const char *stamp = stored_stamp(g, u->name);
	char *on = stamp != NULL ? stamp_part(stamp, "enabled") : NULL;
	bool r = on != NULL ? strcmp(on, "yes") == 0 : dflt;

	free(on);
	return r;
}

static bool
unit_in_manifest(const struct gen *g, const char *unit)
{
	size_t i, n = strlen(unit);

	for (i = 0; i < g->manifest.nrecs; i++)
		if (strncmp(g->manifest.recs[i].value, unit, n) == 0 &&
		    g->manifest.recs[i].value[n] == ' ')
			return true;
	return false;
}

/*
 * Back to the generation before cur: the files cur installed as they
 * were, the settings as that generation applied them (when it is kept),
 * and the daemons told.  Returns an exit status.
 */
static int
rollback(struct apply *a)
{
	struct gen *cur = &a->cur, prev;
	const struct fwconf_unit *u;
	struct fwconf_err e;
	char **inputs;
	size_t i, n;
	bool was, now, ok = true;

	if (cur->n == 0) {
		warnx("nothing has been applied: nothing to roll back");
		return FWCONF_REFUSED;
	}
	if (state_load(&prev, cur->parent, &e) == -1) {
		say_error(&e);
		return FWCONF_SYSTEM;
	}
	for (i = 0; i < cur->manifest.nrecs; i++)
		if (state_restore_file(cur, cur->manifest.recs[i].name, &e) == -1) {
			say_error(&e);
			ok = false;
		}
	inputs = all_inputs(&a->units, &n);
	if (prev.n > 0 && state_restore_settings(&prev, inputs, n, &e) == -1) {
		say_error(&e);
		ok = false;
	}
	free(inputs);
	for (i = 0; i < a->units.n; i++) {
		u = &a->units.v[i];
		now = prev.n > 0 ? stamp_enabled(&prev, u, true) :
		    unit_enabled(u);
		was = stamp_enabled(cur, u, now);
		if (was && !now)
			ok &= run_action(u, ACT_STOP) == 0;
		else if (!was && now)
			ok &= run_action(u, u->start ? ACT_START : ACT_RESTART) ==
			    0;
		else if (now && unit_in_manifest(cur, u->name) &&
		    u->soft != FWCONF_SOFT_DEFER)
			ok &= run_action(u, u->soft == FWCONF_SOFT_RELOAD ?
			    ACT_RELOAD : ACT_RESTART) == 0;
	}
	if (state_switch(&prev, cur, &e) == -1) {
		say_error(&e);
		ok = false;
	}
	syslog(LOG_NOTICE, "%s: rolled back gen.%ld to %s%ld%s",
	    fwconf_user(), cur->n, prev.n ? "gen." : "", prev.n,
	    prev.n ? "" : " (nothing earlier kept: settings left as they are)");
	state_free(&prev);
	return ok ? 0 : FWCONF_SYSTEM;
}

static int
cmd_confirm(void)
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	int lock = lock_through_countdown(), r;

	if ((r = fwconf_confirm_read(&c, &e)) == -1)
		die(&e);
	if (r == 1)
		errx(FWCONF_REFUSED, "no apply awaits confirmation");
	remove_confirm();
	clear_failure();
	fwconf_unlock(lock);
	return 0;
}

static int
cmd_rollback(struct apply *a)
{
	int lock = lock_through_countdown(), r;

	load_units(a);
	load_current(&a->cur);
	r = rollback(a);
	if (r != FWCONF_REFUSED)
		remove_confirm();
	fwconf_unlock(lock);
	return r;
}

static int
cmd_revert(struct apply *a)
{
	struct fwconf_err e;
	char **inputs;
	size_t n;
	int lock = lock_for_writing();

	load_units(a);
	load_current(&a->cur);
	if (a->cur.n == 0)
		errx(FWCONF_REFUSED, "nothing has been applied: nothing to "
		    "revert to");
	inputs = all_inputs(&a->units, &n);
	if (state_restore_settings(&a->cur, inputs, n, &e) == -1)
		die(&e);
	syslog(LOG_NOTICE, "%s: settings reverted to gen.%ld", fwconf_user(),
	    a->cur.n);
	free(inputs);
	fwconf_unlock(lock);
	return 0;
}

/* At system start: an apply never confirmed is rolled back. */
static int
cmd_boot(struct apply *a)
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	int lock = lock_through_countdown(), r;

	state_sweep();
	if ((r = fwconf_confirm_read(&c, &e)) == -1)
		die(&e);
	if (r == 1) {
		fwconf_unlock(lock);
		return 0;
	}
	load_units(a);
	load_current(&a->cur);
	r = rollback(a);
	remove_confirm();
	fwconf_unlock(lock);
	return r;
}

static void
record_failure(const char *why)
{
	char path[PATH_MAX], line[512];
	struct fwconf_err e;
	int n;

	n = snprintf(line, sizeof(line), "%s\n", why);
	if (state_dir(path, sizeof(path), "confirm-failed") == 0)
		fwconf_write_atomic(path, line, (size_t)n, 0644, (uid_t)-1,
		    (gid_t)-1, &e);
}

/*
 * The -c watcher: it holds no lock while it waits; when the time is up it
 * takes the lock, checks that its apply is still the unconfirmed one, and
 * rolls it back.  It answers to syslog.
 */
static int
cmd_watch(struct apply *a, const char *generation)
{
	struct timespec nap = { 0, 200000000 };
	struct fwconf_confirm c;
	struct fwconf_err e;
	int lock, r, null;

	watcher = true;
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	for (;;) {
		if (fwconf_confirm_read(&c, &e) != 0 ||
		    strcmp(c.generation, generation) != 0)
			return 0;		/* confirmed or rolled back */
		if ((long long)time(NULL) >= c.deadline)
			break;
		nanosleep(&nap, NULL);
	}
	while ((lock = fwconf_lock(&e)) == -1)
		nanosleep(&nap, NULL);
	if (fwconf_confirm_read(&c, &e) != 0 ||
	    strcmp(c.generation, generation) != 0)
		return 0;
	load_units(a);
	load_current(&a->cur);
	r = rollback(a);
	remove_confirm();
	if (r != 0)
		record_failure("the rollback of an unconfirmed apply failed; "
		    "see the system log");
	syslog(r ? LOG_ERR : LOG_WARNING, "%s not confirmed in time: %s",
	    generation, r ? "rollback failed" : "rolled back");
	fwconf_unlock(lock);
	return r;
}

int
main(int argc, char *argv[])
{
	static struct apply a;
	const char *verb, *errstr;
	int ch, r;

	openlog("fw-apply", LOG_PID, LOG_USER);
	while ((ch = getopt(argc, argv, "+R:c:fnv")) != -1) {
		switch (ch) {
		case 'R':
			use_root(optarg);
			break;
		case 'c':
			a.confirm_secs = strtonum(optarg, 1, 86400, &errstr);
			if (errstr != NULL)
				errx(FWCONF_USAGE, "-c %s: seconds from 1 to "
				    "86400", optarg);
			break;
		case 'f':
			a.full = true;
			break;
		case 'n':
			a.dry = true;
			break;
		case 'v':
			a.verbose = true;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	run_setup();
	verb = argc > 0 ? argv[0] : "";
	if (strcmp(verb, "status") == 0)
		return cmd_status(&a, argc - 1);
	if (strcmp(verb, "diff") == 0)
		return cmd_diff(&a, argc - 1, argv + 1);
	if (strcmp(verb, "confirm") == 0 && argc == 1)
		return cmd_confirm();
	if (strcmp(verb, "rollback") == 0 && argc == 1)
		return cmd_rollback(&a);
	if (strcmp(verb, "revert") == 0 && argc == 1)
		return cmd_revert(&a);
	if (strcmp(verb, "boot") == 0 && argc == 1)
		return cmd_boot(&a);
	if (strcmp(verb, "watch") == 0 && argc == 2)
		return cmd_watch(&a, argv[1]);
	if (strcmp(verb, "confirm") == 0 || strcmp(verb, "rollback") == 0 ||
	    strcmp(verb, "revert") == 0 || strcmp(verb, "boot") == 0 ||
	    strcmp(verb, "watch") == 0)
		usage();
	if (a.dry)
		return apply(&a, argc, argv);
	a.lock = lock_for_writing();
	state_sweep();
	r = apply(&a, argc, argv);
	fwconf_unlock(a.lock);
	return r;
}
