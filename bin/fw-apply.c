/*
 * fw-apply: make the saved settings live (the manual's "Sanft Anwenden",
 * soft, and "Voll Anwenden", full), keep the history of what was applied,
 * and go back in it.  The engine is apply.c; this file holds the verbs.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "backup.h"
#include "confirm.h"
#include "history.h"
#include "keep.h"
#include "run.h"
#include "util.h"
#include "verb.h"

static struct apply a;
static bool opt_given;		/* -c, -f, -m or -n: options of the apply */

static const struct verb verbs[];
static const char *const lead = "[-R root]";
static const char *const apply_usage[] = {
	"[-R root] [-fnv] [-c seconds] [-m message] [unit ...]", NULL
};

static void
usage_to(FILE *fp)
{
	verb_usage(fp, verbs, lead, apply_usage);
}

static void __dead
usage(void)
{
	usage_to(stderr);
	exit(FWCONF_USAGE);
}

/* A generation number: "12", "gen.12". */
static long
gen_arg(const char *s)
{
	const char *errstr;
	long n;

	if (strncmp(s, "gen.", 4) == 0)
		s += 4;
	n = (long)strtonum(s, 1, LONG_MAX, &errstr);
	if (errstr != NULL)
		errx(FWCONF_USAGE, "%s: not a generation number", shown(s));
	return n;
}

/* ---- the -c deadline, kept without the watcher ---- */

/*
 * Roll back the apply on trial, as the watcher or whoever finds its
 * deadline passed; under the lock.  Settings saved before the countdown
 * and not applied are kept (dropped/), never lost.  0 or 3.
 */
static int
rollback_to(long target, const char *how, bool force, bool unconfirmed);

static int
expire_locked(bool at_boot)
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	struct gen cur;
	char how[96];
	long n;
	int r;

	if ((r = fwconf_confirm_read(&c, &e)) == -1)
		die(&e);
	if (r == 1)
		return 0;
	if (gen_current(&cur, &e) == -1)
		die(&e);
	n = strtol(c.generation + 4, NULL, 10);
	if (cur.n != n) {
		/* Left by an apply that never committed: stale. */
		gen_free(&cur);
		confirm_remove();
		return 0;
	}
	/* boot rolls back what a reboot cut short; by hand, in the same
	 * boot, it waits for the deadline like any other command. */
	if ((!at_boot || (c.boot[0] != '\0' && strcmp(c.boot, boot_id()) ==
	    0)) && (long long)time(NULL) < c.deadline) {
		gen_free(&cur);
		return 0;
	}
	tab_set(&cur.record, "confirm", "not confirmed");
	if (gen_write_record(&cur, &e) == -1)
		say_error(&e);
	snprintf(how, sizeof(how), "unconfirmed rollback of gen.%ld%s", n,
	    at_boot ? " at boot" : "");
	a.quiet_daemons = at_boot;
	r = rollback_to(n - 1, how, true, true);
	apply_release(&a);
	confirm_remove();
	if (unconfirmed_note(n, r == 0, keep_said(), &e) == -1)
		say_error(&e);
	syslog(r ? LOG_ERR : LOG_WARNING, "gen.%ld not confirmed in time: %s%s%s",
	    n, r ? "rollback failed" : "rolled back", *keep_said() ? "; " : "",
	    keep_said());
	if (r == 0 && !watcher)
		warnx("gen.%ld was not confirmed in time and is rolled back%s%s",
		    n, *keep_said() ? "; " : "", keep_said());
	gen_free(&cur);
	return r;
}

/* Any verb first: an expired countdown is settled before anything else. */
static int
settle_expired(void)
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	int lock, r;

	if (fwconf_confirm_read(&c, &e) != 0 ||
	    (long long)time(NULL) < c.deadline)
		return 0;
	if ((lock = fwconf_lock(&e)) == -1) {
		warnx("%s expired %lld seconds ago and is not rolled back yet: "
		    "%s", c.generation, (long long)time(NULL) - c.deadline,
		    e.msg);
		return FWCONF_SYSTEM;
	}
	if ((r = recover(false)) == 0)
		r = expire_locked(false);
	fwconf_unlock(lock);
	return r;
}

/* Under the lock, before any verb acts: what a crash left is settled. */
static int
settle(void)
{
	int r;

	sweep_stages();
	if ((r = recover(false)) != 0)
		return r;
	return expire_locked(false);
}

/* ---- apply ---- */

static int
report_flush(void)
{
	/* The apply happened; a lost report does not make it fail. */
	if (fflush(stdout) == EOF || ferror(stdout))
		warn("stdout (the apply itself succeeded)");
	return 0;
}

static void
check_units(int argc, char *argv[])
{
	const char *names[256], *near;
	size_t n = 0, i;
	const struct verb *v;
	int k;

	for (k = 0; k < argc; k++) {
		if (fwconf_unit_find(&a.units, argv[k]) != NULL)
			continue;
		for (v = verbs; v->name != NULL && n < 128; v++)
			if (!(v->flags & VERB_HIDDEN))
				names[n++] = v->name;
		for (i = 0; i < a.units.n && n < 256; i++)
			names[n++] = a.units.v[i].name;
		near = nearest(argv[k], names, n);
		warnx("%s: no such unit, nor a verb%s%s%s (verbs: status, "
		    "changes, diff, log, rollback, ...; fw-apply units lists "
		    "the units)", shown(argv[k]), near ? "; did you mean '" :
		    "", near ? near : "", near ? "'?" : "");
		exit(FWCONF_REFUSED);
	}
}

static int
cmd_apply(int argc, char *argv[])
{
	struct fwconf_err e;
	pid_t pid;
	int lock = -1, r;

	if (!a.dry) {
		if ((r = settle_expired()) != 0)
			return r;
		lock = lock_for_writing();
		if ((r = settle()) != 0)
			return r;
	}
	apply_load(&a);
	check_units(argc, argv);
	snprintf(a.how, sizeof(a.how), "%s", a.full ? "full apply" : "apply");
	select_jobs(&a, argc, argv, false);
	if (a.njobs == 0) {
		if (a.confirm_secs > 0)
			warnx("nothing to apply: no countdown started");
		fwconf_unlock(lock);
		return 0;
	}
	if ((r = run_apply(&a)) != 0 || a.dry) {
		fwconf_unlock(lock);
		return r;
	}
	unconfirmed_clear();
	if (a.confirm_secs > 0) {
		if ((pid = confirm_spawn_watcher(a.next.n)) > 0 &&
		    confirm_set_watcher(pid, &e) == -1)
			say_error(&e);
		fprintf(stderr, "fw-apply: applied gen.%ld; fw-apply confirm "
		    "within %ld second%s, or it is rolled back\n", a.next.n,
		    a.confirm_secs, a.confirm_secs == 1 ? "" : "s");
	}
	fwconf_unlock(lock);
	return report_flush();
}

/* ---- rollback, revert ---- */

/*
 * Record in x the settings files names[] as generation g has them (none,
 * where it had none); files already so are left out.
 */
static void
settings_of(struct txn *x, const struct gen *g, char **names, size_t n)
{
	char path[PATH_MAX], key[PATH_MAX], tgt[PATH_MAX];
	struct txn_file tf;
	struct fwconf_err e;
	struct stat st;
	const char *h;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		memset(&tf, 0, sizeof(tf));
		snprintf(tgt, sizeof(tgt), "/etc/mpfw/%s", names[i]);
		tf.target = tgt;
		tf.unit = "-";
		if (fwconf_settings_path(path, sizeof(path), names[i]) == -1)
			errx(FWCONF_SYSTEM, "%s: path too long", names[i]);
		if ((r = store_put_file(path, tf.before, &e)) == -1)
			die(&e);
		if (r == 1)
			tf.before[0] = '\0';
		snprintf(key, sizeof(key), "settings/%s", names[i]);
		h = tab_get(&g->tree, key);
		strlcpy(tf.after, h != NULL ? h : "", sizeof(tf.after));
		if (strcmp(tf.before, tf.after) == 0)
			continue;
		tf.mode = tf.was_mode = fwconf_lstat(path, &st) == 0 ?
		    st.st_mode & 07777 : 0644;
		tf.gid = tf.was_gid = (gid_t)-1;
		tf.was_uid = (uid_t)-1;
		txn_add_file(x, &tf);
	}
}

/* The record made durable, then every file of it written; a failure is
 * undone from the record.  0 or 3. */
static int
write_settings(struct txn *x, const char *state)
{
	struct fwconf_err e;
	struct txn_file tf;
	size_t k = 0;

	if (txn_write(x, state, &e) == -1)
		die(&e);
	while (txn_file_at(x, &k, &tf))
		if (txn_install(&tf, &e) == -1) {
			say_error(&e);
			recover(true);
			return FWCONF_SYSTEM;
		}
	return 0;
}

/*
 * Make generation target live again, as a new generation: its settings
 * back in etc/mpfw (secrets stay as they are: generations never keep
 * them), then every unit rendered, checked and applied from them.  With
 * force, unapplied settings are dropped and kept; else refused.
 */
static int
rollback_to(long target, const char *how, bool force, bool unconfirmed)
{
	char **names, **inputs;
	struct fwconf_err e;
	struct gen g;
	size_t n;
	int r;

	memset(&a.units, 0, sizeof(a.units));
	apply_load(&a);
	if (a.cur.n == 0)
		errx(FWCONF_REFUSED, "nothing has been applied: nothing to roll "
		    "back");
	if (target <= 0 || !gen_exists(target))
		errx(FWCONF_REFUSED, "gen.%ld: not kept (fw-apply log lists the "
		    "generations there are)", target);
	if (gen_load(&g, target, &e) == -1)
		die(&e);
	/* An unconfirmed apply's own changes are kept too: its engineer
	 * may want them back once the way in is sure. */
	names = changed_files(&a.units, unconfirmed ? &g : &a.cur, &n);
	r = unconfirmed ? keep_since(&a.units, &g, names, n) :
	    keep_unapplied(&a.units, &a.cur, names, n, force, "rollback");
	free(names);
	if (r != 0) {
		gen_free(&g);
		return FWCONF_REFUSED;
	}
	/* The settings of gen N, recorded first so that a failure, or a
	 * crash, puts the saved ones back. */
	if (txn_new(&a.txn, 0, how, &e) == -1)
		die(&e);
	a.txn_open = true;
	inputs = all_inputs(&a.units, &n);
	settings_of(&a.txn, &g, inputs, n);
	free(inputs);
	gen_free(&g);
	if ((r = write_settings(&a.txn, "restoring settings")) != 0)
		return r;
	snprintf(a.how, sizeof(a.how), "%s", how);
	select_jobs(&a, 0, NULL, true);
	return run_apply(&a);
}

static int
cmd_rollback(int argc, char *argv[])
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	bool force = false;
	char how[64];
	long target;
	int ch, lock, r;

	while ((ch = verb_getopt(argc, argv, "f", "rollback")) != -1) {
		if (ch != 'f')
			usage();
		force = true;
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	lock = lock_through_countdown();
	if ((r = settle()) != 0)
		return r;
	apply_load(&a);
	target = argc == 1 ? gen_arg(argv[0]) : a.cur.n - 1;
	if (a.cur.n == 0)
		errx(FWCONF_REFUSED, "nothing has been applied: nothing to roll "
		    "back");
	if (target == a.cur.n)
		errx(FWCONF_REFUSED, "gen.%ld is the current generation",
		    target);
	gen_free(&a.cur);
	fwconf_units_free(&a.units);
	snprintf(how, sizeof(how), "rollback to %ld", target);
	r = rollback_to(target, how, force, false);
	if (r == 0) {
		/* A rollback during a countdown ends it. */
		if (fwconf_confirm_read(&c, &e) == 0)
			confirm_remove();
		unconfirmed_clear();
		fprintf(stderr, "fw-apply: rolled back to gen.%ld as gen.%ld%s%s\n",
		    target, a.next.n, *keep_said() ? "; " : "", keep_said());
	}
	fwconf_unlock(lock);
	return r;
}

static int
cmd_revert(int argc, char *argv[])
{
	struct fwconf_err e;
	struct txn x;
	bool force = false;
	char **names;
	size_t n;
	int ch, lock, r;

	while ((ch = verb_getopt(argc, argv, "f", "revert")) != -1) {
		if (ch != 'f')
			usage();
		force = true;
	}
	if (optind != argc)
		usage();
	if ((r = settle_expired()) != 0)
		return r;
	lock = lock_for_writing();
	if ((r = settle()) != 0)
		return r;
	apply_load(&a);
	if (a.cur.n == 0)
		errx(FWCONF_REFUSED, "nothing has been applied: nothing to "
		    "revert to");
	names = changed_files(&a.units, &a.cur, &n);
	if (n == 0) {
		fprintf(stderr, "fw-apply: nothing to revert: the saved settings "
		    "are those of gen.%ld\n", a.cur.n);
		fwconf_unlock(lock);
		return 0;
	}
	if (keep_unapplied(&a.units, &a.cur, names, n, force, "revert") != 0) {
		free(names);
		return FWCONF_REFUSED;
	}
	if (txn_new(&x, 0, "revert", &e) == -1)
		die(&e);
	settings_of(&x, &a.cur, names, n);
	free(names);
	if ((r = write_settings(&x, "reverting")) != 0) {
		fwconf_unlock(lock);
		return r;
	}
	if (txn_remove(&e) == -1)
		die(&e);
	txn_free(&x);
	syslog(LOG_NOTICE, "%s: settings reverted to gen.%ld", fwconf_user(),
	    a.cur.n);
	fprintf(stderr, "fw-apply: reverted the settings to gen.%ld; %s\n",
	    a.cur.n, keep_said());
	fwconf_unlock(lock);
	return 0;
}

/* ---- confirm, boot, the watcher ---- */

static int
cmd_confirm(int argc, char *argv[])
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	struct gen cur;
	int lock, r;

	(void)argc;
	(void)argv;
	lock = lock_through_countdown();
	sweep_stages();
	if ((r = recover(false)) != 0)
		return r;
	if ((r = fwconf_confirm_read(&c, &e)) == -1)
		die(&e);
	if (r == 1)
		errx(FWCONF_REFUSED, "no apply awaits confirmation");
	if ((long long)time(NULL) >= c.deadline) {
		expire_locked(false);
		errx(FWCONF_REFUSED, "too late: %s was not confirmed in time and "
		    "is rolled back", c.generation);
	}
	if (gen_current(&cur, &e) == -1)
		die(&e);
	if (cur.n == strtol(c.generation + 4, NULL, 10)) {
		tab_set(&cur.record, "confirm", "confirmed");
		if (gen_write_record(&cur, &e) == -1)
			say_error(&e);
	}
	gen_free(&cur);
	confirm_remove();
	syslog(LOG_NOTICE, "%s: %s confirmed", fwconf_user(), c.generation);
	fwconf_unlock(lock);
	return 0;
}

/* At system start: an interrupted apply undone, an unconfirmed one
 * rolled back whatever its deadline (the watcher died with the system). */
static int
cmd_boot(int argc, char *argv[])
{
	int lock = lock_through_countdown(), r;

	(void)argc;
	(void)argv;
	sweep_stages();
	if ((r = recover(false)) == 0)
		r = expire_locked(true);
	fwconf_unlock(lock);
	return r;
}

/*
 * Late in the boot, once the system's services have started: the daemons
 * that run made those of the current generation.  The system starts what
 * its packages enable, whatever the settings say, and nothing starts a
 * daemon that mpfw runs itself (a second Squid, the tunnel): each unit
 * that is on is started (a start takes a running daemon as it is), each
 * that is off stopped.  A unit never applied is left alone; a start that
 * fails is said and does not keep the others from their turn.  A stop
 * that fails is taken as nothing to stop: a daemon that is off need not
 * be installed (service(8) fails on an unknown service).  0, or 3.
 */
static int
cmd_start(int argc, char *argv[])
{
	const struct fwconf_unit *u;
	enum action act;
	int lock, r, failed = 0;
	size_t i;

	(void)argc;
	(void)argv;
	lock = lock_through_countdown();
	if ((r = settle()) != 0)
		return r;
	apply_load(&a);
	for (i = 0; i < a.units.n; i++) {
		u = &a.units.v[i];
		if (stored_stamp(&a.cur, u->name) == NULL)
			continue;
		act = stamp_enabled(&a.cur, u, false) ? ACT_START : ACT_STOP;
		if (action_command(u, act) == NULL)
			continue;
		if (a.verbose)
			printf("%s\t%s\n", u->name, action_names[act]);
		if (run_action(u, act, act == ACT_STOP ? SAY_NOTHING :
		    SAY_ALL) != 0 && act == ACT_START)
			failed = 1;
	}
	fwconf_unlock(lock);
	report_flush();
	return failed ? FWCONF_SYSTEM : 0;
}

/*
 * The -c watcher: it holds no lock while it waits; when the time is up it
 * takes the lock, checks that its apply is still the unconfirmed one, and
 * rolls it back.  It answers to syslog.
 */
static int
cmd_watch(int argc, char *argv[])
{
	struct timespec nap = { 0, 200000000 };
	struct fwconf_confirm c;
	struct fwconf_err e;
	int lock, r, null;

	(void)argc;
	watcher = true;
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	for (;;) {
		if (fwconf_confirm_read(&c, &e) != 0 ||
		    strcmp(c.generation, argv[1]) != 0)
			return 0;		/* confirmed or rolled back */
		if ((long long)time(NULL) >= c.deadline)
			break;
		nanosleep(&nap, NULL);
	}
	while ((lock = fwconf_lock(&e)) == -1)
		nanosleep(&nap, NULL);
	if ((r = recover(true)) == 0 && fwconf_confirm_read(&c, &e) == 0 &&
	    strcmp(c.generation, argv[1]) == 0)
		r = expire_locked(false);
	fwconf_unlock(lock);
	return r;
}

/* Other tools call this when they find a deadline passed. */
static int
cmd_expire(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	return settle_expired();
}

/* ---- what is, and what was ---- */

static void
status_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
status_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* An interrupted apply is settled when status can take the lock. */
static bool
status_settle(void)
{
	struct fwconf_err e;
	struct txn x;
	int lock, r;

	if ((r = txn_read(&x, &e)) != 0) {
		txn_free(&x);
		return r == -1;
	}
	if ((lock = fwconf_lock(&e)) == -1) {
		status_line("applying\tgen.%ld\t%s", txn_gen(&x), txn_how(&x));
		txn_free(&x);
		return true;
	}
	txn_free(&x);
	r = recover(false);
	fwconf_unlock(lock);
	if (r != 0 && txn_read(&x, &e) == 0) {
		status_line("interrupted\tgen.%ld\t%s\t%s", txn_gen(&x),
		    txn_how(&x), txn_state(&x));
		txn_free(&x);
		return true;
	}
	return false;
}

/*
 * A pending unit whose rendered files are all as installed, and that is
 * not switched on or off, changes nothing when applied: "stale".
 */
static bool
files_differ(struct job *j)
{
	if (j->enabled != j->was_enabled)
		return true;
	if (!j->enabled)
		return false;
	if (!render_job(&a, j))
		return true;
	return j->nchanged > 0;
}

static int
cmd_status(int argc, char *argv[])
{
	struct fwconf_confirm c;
	struct fwconf_err e;
	struct job *j;
	char *why, *was;
	size_t i, npending = 0;
	bool staged = false, bad;

	(void)argc;
	(void)argv;
	/* Stages are swept by their owners' locks: safe without ours. */
	sweep_stages();
	bad = status_settle();
	if (settle_expired() != 0)
		bad = true;
	apply_load(&a);
	if (fwconf_confirm_read(&c, &e) == 0)
		status_line("countdown\t%lld\t%s", c.deadline -
		    (long long)time(NULL), c.generation);
	if ((was = unconfirmed_read()) != NULL) {
		status_line("%s", was);
		free(was);
		bad = true;
	}
	a.jobs = xreallocarray(NULL, a.units.n + 1, sizeof(*a.jobs));
	for (i = 0; i < a.units.n; i++) {
		j = add_job(&a, &a.units.v[i]);
		why = pending_reason(stored_stamp(&a.cur, j->u->name), j->stamp);
		if (why == NULL) {
			free(j->stamp);
			a.njobs--;
			continue;
		}
		if (!staged) {
			make_stage(&a);
			staged = true;
		}
		if (files_differ(j)) {
			status_line("pending\t%s\t%s", j->u->name, why);
			npending++;
		} else
			status_line("stale\t%s\t%s; no file differs",
			    j->u->name, why);
		free(why);
	}
	if (staged)
		drop_stage(&a);
	for (i = 0; i < a.cur.deferred.nrecs; i++)
		if (!a.cur.deferred.recs[i].deleted) {
			status_line("deferred\t%s\t%s",
			    a.cur.deferred.recs[i].name,
			    a.cur.deferred.recs[i].value);
			npending++;
		}
	fshut(stdout, "stdout");
	return npending > 0 || bad;
}

static int
cmd_changes(int argc, char *argv[])
{
	size_t n;

	(void)argc;
	(void)argv;
	apply_load(&a);
	n = changes(&a.units, &a.cur, stdout);
	fshut(stdout, "stdout");
	return n > 0;
}

/* Every unit (or those named) rendered and compared, like diff(1); with
 * -g N, generation N's settings and files against the current ones. */
static int
cmd_diff(int argc, char *argv[])
{
	struct job *j;
	long gen = 0;
	size_t i, ndiff = 0;
	int ch;

	while ((ch = verb_getopt(argc, argv, "g:", "diff")) != -1) {
		if (ch != 'g')
			usage();
		gen = gen_arg(optarg);
	}
	argc -= optind;
	argv += optind;
	apply_load(&a);
	check_units(argc, argv);
	if (gen > 0)
		return history_diff(&a, gen, argc, argv);
	make_stage(&a);
	a.jobs = xreallocarray(NULL, a.units.n + 1, sizeof(*a.jobs));
	for (i = 0; i < a.units.n; i++) {
		int k;

		for (k = 0; k < argc && strcmp(argv[k], a.units.v[i].name); k++)
			;
		if (argc > 0 && k == argc)
			continue;
		j = add_job(&a, &a.units.v[i]);
		if (!j->enabled)
			continue;
		if (!render_job(&a, j)) {
			drop_stage(&a);
			return FWCONF_SYSTEM;
		}
		ndiff += diff_job(j);
	}
	drop_stage(&a);
	fshut(stdout, "stdout");
	return ndiff > 0;
}

static int
cmd_show(int argc, char *argv[])
{
	long gen = 0;
	int ch;

	while ((ch = verb_getopt(argc, argv, "g:", "show")) != -1) {
		if (ch != 'g')
			usage();
		gen = gen_arg(optarg);
	}
	argc -= optind;
	argv += optind;
	if (gen == 0 || argc != 1) {
		warnx("show: -g N and one settings file, as in: fw-apply show "
		    "-g 12 services");
		usage();
	}
	apply_load(&a);
	return history_show(&a.units, gen, argv[0]);
}

static int
cmd_log(int argc, char *argv[])
{
	const char *errstr;
	bool verbose = false;
	long count = 0;
	int ch;

	while ((ch = verb_getopt(argc, argv, "n:v", "log")) != -1) {
		switch (ch) {
		case 'n':
			count = (long)strtonum(optarg, 1, 1000000, &errstr);
			if (errstr != NULL)
				errx(FWCONF_USAGE, "log -n %s: a count from 1",
				    shown(optarg));
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	return history_log(count, verbose);
}

static void
print_unit(const struct fwconf_unit *u)
{
	static const char *const cmds[] = { "check", "reload", "restart",
	    "start", "stop" };
	const char *vals[] = { u->check, u->reload, u->restart, u->start,
	    u->stop };
	size_t i;

	printf("# from %s\nunit %s {\n", u->origin, u->name);
	if (u->ninputs > 0) {
		printf("\tinputs  = {");
		for (i = 0; i < u->ninputs; i++)
			printf("%s%s", i ? ", " : "", u->inputs[i]);
		printf("}\n");
	}
	for (i = 0; i < u->nfiles; i++)
		if (u->files[i].hand)
			printf("\tfile %s {\n\t\ttarget = '%s'\n\t\thand   = "
			    "yes\n\t}\n", u->files[i].name, u->files[i].target);
		else
			printf("\tfile %s {\n\t\trender = '%s'\n\t\ttarget = "
			    "'%s'\n\t\tmode   = '%04o'\n\t}\n", u->files[i].name,
			    u->files[i].render, u->files[i].target,
			    (unsigned int)u->files[i].mode);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (vals[i] != NULL)
			printf("\t%-7s = '%s'\n", cmds[i], vals[i]);
	printf("\tsoft    = %s\n", fwconf_soft_name(u->soft));
	if (u->enable_file != NULL)
		printf("\tenable  = '%s.%s%s%s'\n", u->enable_file,
		    u->enable_key, u->enable_values ? "=" : "",
		    u->enable_values ? u->enable_values : "");
	if (u->group != NULL)
		printf("\tgroup   = '%s'\n", u->group);
	if (u->secret)
		printf("\tsecret  = true\n");
	printf("}\n");
}

/* name TAB files TAB soft TAB enable; -v the catalogue as loaded. */
static int
cmd_units(int argc, char *argv[])
{
	const struct fwconf_unit *u;
	bool verbose = false;
	size_t i, f;
	int ch;

	while ((ch = verb_getopt(argc, argv, "v", "units")) != -1) {
		if (ch != 'v')
			usage();
		verbose = true;
	}
	if (optind != argc)
		usage();
	apply_load(&a);
	for (i = 0; i < a.units.n; i++) {
		u = &a.units.v[i];
		if (verbose) {
			print_unit(u);
			continue;
		}
		printf("%s\t", u->name);
		for (f = 0; f < u->nfiles; f++)
			printf("%s%s", f ? "," : "", u->files[f].target);
		printf("\t%s\t", fwconf_soft_name(u->soft));
		if (u->enable_file != NULL)
			printf("%s.%s%s%s", u->enable_file, u->enable_key,
			    u->enable_values ? "=" : "", u->enable_values ?
			    u->enable_values : "");
		putchar('\n');
	}
	fshut(stdout, "stdout");
	return 0;
}

static int
cmd_export(int argc, char *argv[])
{
	bool secrets = false;
	int ch;

	while ((ch = verb_getopt(argc, argv, "s", "export")) != -1) {
		if (ch != 's')
			usage();
		secrets = true;
	}
	if (optind != argc)
		usage();
	apply_load(&a);
	if (export_settings(&a.units, stdout, secrets, NULL, 0) == -1)
		err(FWCONF_SYSTEM, "stdout");
	fshut(stdout, "stdout");
	return 0;
}

static int
cmd_import(int argc, char *argv[])
{
	bool force = false;
	int ch, r;

	while ((ch = verb_getopt(argc, argv, "f", "import")) != -1) {
		if (ch != 'f')
			usage();
		force = true;
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if ((r = settle_expired()) != 0)
		return r;
	apply_load(&a);
	return import_settings(&a.units, argc == 1 ? argv[0] : "-", force);
}

static const struct verb verbs[] = {
	{ "status", cmd_status, "", 0, 0, 0 },
	{ "changes", cmd_changes, "", 0, 0, 0 },
	{ "diff", cmd_diff, "[-g gen] [unit ...]", 0, -1, VERB_OPTIONS },
	{ "show", cmd_show, "-g gen file", 1, -1, VERB_OPTIONS },
	{ "log", cmd_log, "[-v] [-n count]", 0, -1, VERB_OPTIONS },
	{ "units", cmd_units, "[-v]", 0, -1, VERB_OPTIONS },
	{ "confirm", cmd_confirm, "", 0, 0, 0 },
	{ "rollback", cmd_rollback, "[-f] [gen]", 0, -1, VERB_OPTIONS },
	{ "revert", cmd_revert, "[-f]", 0, -1, VERB_OPTIONS },
	{ "export", cmd_export, "[-s]", 0, -1, VERB_OPTIONS },
	{ "import", cmd_import, "[-f] [file | -]", 0, -1, VERB_OPTIONS },
	{ "boot", cmd_boot, "", 0, 0, 0 },
	{ "start", cmd_start, "", 0, 0, 0 },
	{ "watch", cmd_watch, "gen", 1, 1, VERB_HIDDEN },
	{ "expire", cmd_expire, "", 0, 0, VERB_HIDDEN },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

/* A comment: printable, one line, at most 200 bytes. */
static const char *
comment_arg(const char *s)
{
	struct fwconf_err e;

	if (!fwconf_value_ok(s, &e, "-m"))
		errx(FWCONF_REFUSED, "%s; nothing applied", e.msg);
	if (strlen(s) > 200)
		errx(FWCONF_REFUSED, "-m: a comment of at most 200 bytes; "
		    "nothing applied");
	return s;
}

int
main(int argc, char *argv[])
{
	const struct verb *v;
	const char *errstr;
	int ch;

	openlog("fw-apply", LOG_PID, LOG_USER);
	verb_common(argc, argv, usage_to, verbs);
	while ((ch = getopt(argc, argv, "+R:c:fm:nv")) != -1) {
		switch (ch) {
		case 'R':
			use_root(optarg);
			break;
		case 'c':
			a.confirm_secs = strtonum(optarg, 1, 86400, &errstr);
			if (errstr != NULL)
				errx(FWCONF_USAGE, "-c %s: seconds from 1 to "
				    "86400", shown(optarg));
			opt_given = true;
			break;
		case 'f':
			a.full = opt_given = true;
			break;
		case 'm':
			a.comment = comment_arg(optarg);
			opt_given = true;
			break;
		case 'n':
			a.dry = opt_given = true;
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
	/* A bad FW_KEEP_GENERATIONS is refused now, not by the prune after
	 * an apply that was then done already. */
	(void)gen_keep();
	if (argc > 0 && (v = verb_find(verbs, argv[0])) != NULL) {
		if (opt_given)
			errx(FWCONF_USAGE, "-c, -f, -m and -n are options of the "
			    "apply, not of %s (its own go after it: fw-apply "
			    "%s -f)", v->name, v->name);
		return verb_dispatch(verbs, lead, argc, argv);
	}
	if (a.dry && a.confirm_secs > 0)
		errx(FWCONF_USAGE, "-n and -c: a dry run has nothing to confirm");
	return cmd_apply(argc, argv);
}
