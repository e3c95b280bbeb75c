/* history.c: log, diff -g, show -g and changes of fw-apply; history.h. */
#include <sys/wait.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history.h"
#include "run.h"
#include "util.h"
#include "verb.h"

char *
gen_settings(const struct gen *g, const char *name, size_t *len)
{
	char key[PATH_MAX];
	struct fwconf_err e;
	const char *h;
	char *buf;

	*len = 0;
	snprintf(key, sizeof(key), "settings/%s", name);
	if ((h = tab_get(&g->tree, key)) == NULL)
		return NULL;
	if (store_get(h, &buf, len, &e) == -1)
		die(&e);
	return buf;
}

/* The saved settings file, or NULL when there is none. */
static char *
saved_settings(const char *name, size_t *len)
{
	char path[PATH_MAX], *buf;
	struct fwconf_err e;
	int r;

	if (fwconf_settings_path(path, sizeof(path), name) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", name);
	if ((r = fwconf_read_all(path, &buf, len, NULL, &e)) == -1)
		die(&e);
	return r == 0 ? buf : NULL;
}

/* The effective value of every key of a settings file's text. */
static char **
values_of(const struct fwconf_schema *schema, const char *name,
    const char *buf, size_t len)
{
	struct fwconf_file f = { 0 };
	struct fwconf_err e;
	char **v = xreallocarray(NULL, schema->nkeys + 1, sizeof(*v)), *norm;
	const char *raw;
	size_t i;

	f.path = xstrdup(name);
	if (buf != NULL && fwconf_file_parse(&f, buf, len, &e) == -1)
		die(&e);
	for (i = 0; i < schema->nkeys; i++) {
		raw = fwconf_file_get(&f, schema->keys[i].name);
		norm = raw != NULL ? fwconf_validate(&schema->keys[i], raw,
		    &e) : NULL;
		v[i] = norm != NULL ? norm : xstrdup(raw != NULL ? raw :
		    schema->keys[i].def);
	}
	fwconf_file_free(&f);
	return v;
}

static void
free_values(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Which secrets of a settings file differ from their fingerprints in g. */
static size_t
secret_changes(const struct fwconf_schema *schema, const struct gen *g,
    FILE *out)
{
	char path[PATH_MAX], name[PATH_MAX];
	struct fwconf_file f;
	struct fwconf_err e;
	const char *v, *was;
	hash_t h;
	size_t i, n = 0;

	if (fwconf_secrets_path(path, sizeof(path), schema->name) == -1 ||
	    fwconf_file_read(&f, path, &e) == -1)
		return 0;
	for (i = 0; i < schema->nkeys; i++) {
		if (schema->keys[i].type != FWCONF_SECRET)
			continue;
		v = fwconf_file_get(&f, schema->keys[i].name);
		if (v != NULL && *v == '\0')
			v = NULL;
		snprintf(name, sizeof(name), "secret/%s/%s", schema->name,
		    schema->keys[i].name);
		was = tab_get(&g->tree, name);
		if (v != NULL)
			secret_hash(schema->name, schema->keys[i].name, v, h);
		if ((v == NULL) == (was == NULL) && (v == NULL ||
		    strcmp(h, was) == 0))
			continue;
		n++;
		if (out != NULL)
			fprintf(out, "%s\t%s\t(secret)\tchanged\n", schema->name,
			    schema->keys[i].name);
	}
	for (i = 0; i < f.nlines; i++)
		if (f.lines[i].value != NULL)
			explicit_bzero(f.lines[i].value,
			    strlen(f.lines[i].value));
	fwconf_file_free(&f);
	return n;
}

static size_t
setting_changes(const struct fwconf_schema *schema, const char *was,
    size_t wlen, const char *now, size_t nlen, FILE *out)
{
	char **a = values_of(schema, "applied", was, wlen);
	char **b = values_of(schema, "saved", now, nlen);
	size_t i, n = 0;

	for (i = 0; i < schema->nkeys; i++) {
		if (schema->keys[i].type == FWCONF_SECRET ||
		    strcmp(a[i], b[i]) == 0)
			continue;
		n++;
		if (out != NULL)
			fprintf(out, "%s\t%s\t%s\t%s\n", schema->name,
			    schema->keys[i].name, a[i], b[i]);
	}
	free_values(a, schema->nkeys);
	free_values(b, schema->nkeys);
	return n;
}

/* A table's entries: added, removed, changed; "(none)" for absent. */
static size_t
table_changes(const char *name, const char *was, size_t wlen,
    const char *now, size_t nlen, FILE *out)
{
	struct fwconf_table a = { 0 }, b = { 0 };
	struct fwconf_err e;
	size_t i = 0, j = 0, n = 0;
	int c;

	a.path = xstrdup(name);
	b.path = xstrdup(name);
	if ((was != NULL && fwconf_table_parse(&a, was, wlen, &e) == -1) ||
	    (now != NULL && fwconf_table_parse(&b, now, nlen, &e) == -1))
		die(&e);
	while (i < a.nrecs || j < b.nrecs) {
		c = i == a.nrecs ? 1 : j == b.nrecs ? -1 :
		    strcmp(a.recs[i].name, b.recs[j].name);
		if (c == 0 && strcmp(a.recs[i].value, b.recs[j].value) == 0) {
			i++, j++;
			continue;
		}
		n++;
		if (out != NULL)
			fprintf(out, "%s\t%s\t%s\t%s\n", name, c <= 0 ?
			    a.recs[i].name : b.recs[j].name, c <= 0 ?
			    a.recs[i].value : "(none)", c >= 0 ?
			    b.recs[j].value : "(none)");
		i += c <= 0;
		j += c >= 0;
	}
	fwconf_table_free(&a);
	fwconf_table_free(&b);
	return n;
}

/*
 * The lines of a file, comments and blank lines aside, sorted; *copy
 * holds them (the file may have no NUL at its end).
 */
static char **
sorted_lines(const char *text, size_t len, char **copy, size_t *np)
{
	char **v = NULL, *line, *next;
	size_t n = 0;

	*copy = xreallocarray(NULL, len + 1, 1);
	if (len > 0)
		memcpy(*copy, text, len);
	(*copy)[len] = '\0';
	for (line = *copy; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[strspn(line, " \t")] == '\0' ||
		    line[strspn(line, " \t")] == '#')
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = line;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	*np = n;
	return v;
}

/*
 * A file of lines, each a thing of its own (fw-maint's support keys):
 * each line added or removed, "present" or "(none)".
 */
static size_t
line_changes(const char *name, const char *was, size_t wlen, const char *now,
    size_t nlen, FILE *out)
{
	char **a, **b, *ca, *cb;
	size_t na, nb, i = 0, j = 0, n = 0;
	int c;

	a = sorted_lines(was, was != NULL ? wlen : 0, &ca, &na);
	b = sorted_lines(now, now != NULL ? nlen : 0, &cb, &nb);
	while (i < na || j < nb) {
		c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		n++;
		if (out != NULL)
			fprintf(out, "%s\t%s\t%s\t%s\n", name, c < 0 ? a[i] :
			    b[j], c < 0 ? "present" : "(none)", c < 0 ?
			    "(none)" : "present");
		i += c < 0;
		j += c > 0;
	}
	free(a);
	free(b);
	free(ca);
	free(cb);
	return n;
}

/* The tools' files that are lines, not a table of name and value. */
static bool
lines_file(const char *name)
{
	return strcmp(name, "maint-keys") == 0;
}

size_t
changes(const struct fwconf_units *us, const struct gen *g, FILE *out)
{
	const struct fwconf_schema *schema;
	char **inputs, *was, *now;
	size_t i, n, total = 0, wlen, nlen;

	inputs = all_inputs(us, &n);
	for (i = 0; i < n; i++) {
		schema = fwconf_schema_builtin(inputs[i]);
		was = gen_settings(g, inputs[i], &wlen);
		now = saved_settings(inputs[i], &nlen);
		if ((was == NULL) != (now == NULL) || wlen != nlen ||
		    (was != NULL && memcmp(was, now, wlen) != 0))
			total += schema != NULL ? setting_changes(schema, was,
			    wlen, now, nlen, out) : lines_file(inputs[i]) ?
			    line_changes(inputs[i], was, wlen, now, nlen, out) :
			    table_changes(inputs[i], was, wlen, now, nlen, out);
		if (schema != NULL)
			total += secret_changes(schema, g, out);
		free(was);
		free(now);
	}
	free(inputs);
	return total;
}

/* The files, byte for byte: what a rollback or revert would replace. */
char **
changed_files(const struct fwconf_units *us, const struct gen *g, size_t *np)
{
	char **inputs, **v = NULL, *was, *now;
	size_t i, n, k = 0, wlen, nlen;

	inputs = all_inputs(us, &n);
	for (i = 0; i < n; i++) {
		was = gen_settings(g, inputs[i], &wlen);
		now = saved_settings(inputs[i], &nlen);
		if ((was == NULL) != (now == NULL) || wlen != nlen ||
		    (was != NULL && memcmp(was, now, wlen) != 0)) {
			v = xreallocarray(v, k + 1, sizeof(*v));
			v[k++] = inputs[i];
		}
		free(was);
		free(now);
	}
	free(inputs);
	*np = k;
	return v;
}

/* ---- log ---- */

static int
by_number_desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static long *
generations(size_t *np)
{
	char dir[PATH_MAX], *end;
	struct dirent *de;
	long *v = NULL, num;
	size_t n = 0, cap = 0;
	DIR *d;

	*np = 0;
	if (state_dir(dir, sizeof(dir), "") == -1 ||
	    (d = fwconf_opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "gen.", 4) == 0 &&
		    (num = strtol(de->d_name + 4, &end, 10)) > 0 && *end == '\0') {
			v = xgrow(v, n, &cap, sizeof(*v));
			v[n++] = num;
		}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), by_number_desc);
	*np = n;
	return v;
}

static const char *
field(const struct gen *g, const char *name)
{
	const char *v = tab_get(&g->record, name);

	return v != NULL ? v : "";
}

/* gen.N TIME USER HOW CONFIRM COMMENT [UNITS], newest first. */
int
history_log(long count, bool verbose)
{
	struct fwconf_err e;
	struct gen g;
	size_t i, n;
	long *nums = generations(&n);

	for (i = 0; i < n && (count <= 0 || (long)i < count); i++) {
		if (gen_load(&g, nums[i], &e) == -1)
			die(&e);
		printf("gen.%ld\t%s\t%s\t%s\t%s\t%s", nums[i], field(&g, "time"),
		    field(&g, "user"), field(&g, "how"), field(&g, "confirm"),
		    field(&g, "comment"));
		if (verbose)
			printf("\t%s", field(&g, "units"));
		putchar('\n');
		gen_free(&g);
	}
	free(nums);
	fshut(stdout, "stdout");
	return 0;
}

/* ---- diff -g, show -g ---- */

/* diff -u of two files under their labels: 0 same, 1 different. */
static int
diff_paths(const char *a, const char *b, const char *la, const char *lb)
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		err(FWCONF_SYSTEM, "fork");
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", la, "--label", lb, a, b,
		    (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 1)
		errx(FWCONF_SYSTEM, "diff of %s failed", lb);
	return WEXITSTATUS(status);
}

/* An object (or nothing, for NULL) as a file of the stage to diff. */
static void
materialize(const struct apply *a, const char *h, const char *name,
    char *path, size_t size)
{
	struct fwconf_err e;
	char *buf;
	size_t len;

	if (h == NULL) {
		strlcpy(path, "/dev/null", size);
		return;
	}
	pathf(path, size, "%s/%s", a->stage, name);
	if (store_get(h, &buf, &len, &e) == -1 ||
	    fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1, (gid_t)-1,
	    &e) == -1)
		die(&e);
	free(buf);
}

static bool
unit_named(int argc, char *argv[], const char *unit)
{
	int k;

	for (k = 0; k < argc; k++)
		if (strcmp(argv[k], unit) == 0)
			return true;
	return argc == 0;
}

static bool
input_of_named(const struct fwconf_units *us, int argc, char *argv[],
    const char *input)
{
	size_t i, f;

	if (argc == 0)
		return true;
	for (i = 0; i < us->n; i++)
		if (unit_named(argc, argv, us->v[i].name))
			for (f = 0; f < us->v[i].ninputs; f++)
				if (strcmp(us->v[i].inputs[f], input) == 0)
					return true;
	return false;
}

/* Generation N's settings files, in a scratch directory of the stage. */
static void
scratch_settings(const struct apply *a, const struct gen *g, char *dir,
    size_t size)
{
	char path[PATH_MAX], **inputs;
	struct fwconf_err e;
	size_t i, n, len;
	char *buf;

	pathf(dir, size, "%s/settings", a->stage);
	if (fwconf_mkdirs(dir, 0700, &e) == -1)
		die(&e);
	inputs = all_inputs(&a->units, &n);
	for (i = 0; i < n; i++) {
		if ((buf = gen_settings(g, inputs[i], &len)) == NULL)
			continue;
		pathf(path, sizeof(path), "%s/%s", dir, inputs[i]);
		if (fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1,
		    (gid_t)-1, &e) == -1)
			die(&e);
		free(buf);
	}
	free(inputs);
}

/*
 * A unit's file as generation N had it: rendered again from N's settings
 * (the generation keeps only its hash), into out.  False if it fails.
 */
static bool
render_past(const struct fwconf_unit *u, size_t f, const char *settings,
    const char *out)
{
	char installed[PATH_MAX], *msg;
	struct run_paths p = { 0 };
	struct fwconf_err e;
	int st;

	installed_path(installed, sizeof(installed), u->files[f].target);
	p.candidate = out;
	p.target = installed;
	if (setenv("FW_SETTINGS_DIR", settings, 1) == -1)
		err(FWCONF_SYSTEM, "setenv");
	st = run_command(u->files[f].render, &p, out, 0600, &msg, &e);
	unsetenv("FW_SETTINGS_DIR");
	if (st != 0) {
		warnx("%s: render of %s from gen's settings failed%s%s", u->name,
		    u->files[f].target, st == -1 ? ": " : "", st == -1 ? e.msg :
		    "");
		show_output(msg);
	}
	free(msg);
	return st == 0;
}

/* Does the file rendered now have the hash gen N recorded? */
static void
note_if_other(const char *path, const char *h, long n, const char *target)
{
	struct fwconf_err e;
	hash_t now;
	size_t len;
	char *buf;

	if (h == NULL || fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return;
	hash_buf(buf, len, now);
	free(buf);
	if (strcmp(now, h) != 0)
		warnx("gen.%ld:%s: rendered again from its settings; what gen.%ld "
		    "installed was other (another mpfw version or unit)", n,
		    target, n);
}

/* Generation N's settings and files against the current ones. */
int
history_diff(struct apply *a, long n, int argc, char *argv[])
{
	char key[PATH_MAX + 8], old[PATH_MAX], cur[PATH_MAX], la[PATH_MAX + 32];
	char settings[PATH_MAX], name[32];
	const struct fwconf_unit *u;
	struct fwconf_err e;
	struct gen g;
	const char *h;
	char **inputs;
	size_t i, f, ni;
	int differ = 0, k = 0;

	if (gen_load(&g, n, &e) == -1)
		die(&e);
	make_stage(a);
	inputs = all_inputs(&a->units, &ni);
	for (i = 0; i < ni; i++) {
		if (!input_of_named(&a->units, argc, argv, inputs[i]))
			continue;
		snprintf(key, sizeof(key), "settings/%s", inputs[i]);
		snprintf(la, sizeof(la), "gen.%ld:/etc/mpfw/%s", n, inputs[i]);
		snprintf(name, sizeof(name), "o%d", k++);
		materialize(a, tab_get(&g.tree, key), name, old, sizeof(old));
		if (fwconf_settings_path(cur, sizeof(cur), inputs[i]) == -1 ||
		    access(cur, F_OK) == -1)
			strlcpy(cur, "/dev/null", sizeof(cur));
		differ |= diff_paths(old, cur, la, la + strcspn(la, ":") + 1);
	}
	free(inputs);
	scratch_settings(a, &g, settings, sizeof(settings));
	for (i = 0; i < a->units.n; i++) {
		u = &a->units.v[i];
		if (!unit_named(argc, argv, u->name))
			continue;
		for (f = 0; f < u->nfiles; f++) {
			snprintf(key, sizeof(key), "files%s", u->files[f].target);
			if ((h = tab_get(&g.tree, key)) == NULL)
				continue;	/* not installed by then */
			installed_path(cur, sizeof(cur), u->files[f].target);
			snprintf(la, sizeof(la), "gen.%ld:%s", n,
			    u->files[f].target);
			if (u->secret || strcmp(h, "secret") == 0) {
				printf("--- %s\n+++ %s\n@@ the unit carries a "
				    "secret: its contents are not shown @@\n",
				    la, u->files[f].target);
				continue;
			}
			pathf(old, sizeof(old), "%s/r%d", a->stage, k++);
			if (!render_past(u, f, settings, old)) {
				drop_stage(a);
				return FWCONF_SYSTEM;
			}
			note_if_other(old, h, n, u->files[f].target);
			if (access(cur, F_OK) == -1)
				strlcpy(cur, "/dev/null", sizeof(cur));
			differ |= diff_paths(old, cur, la, u->files[f].target);
		}
	}
	drop_stage(a);
	gen_free(&g);
	fshut(stdout, "stdout");
	return differ;
}

static bool
is_input(const struct fwconf_units *us, const char *name)
{
	char **inputs;
	size_t i, n;
	bool r = false;

	inputs = all_inputs(us, &n);
	for (i = 0; i < n; i++)
		r |= strcmp(inputs[i], name) == 0;
	free(inputs);
	return r;
}

int
history_show(const struct fwconf_units *us, long n, const char *file)
{
	const struct fwconf_schema *schema;
	struct fwconf_table t = { 0 };
	struct fwconf_err e;
	struct gen g;
	char **v, *buf, *q;
	size_t len, i;

	if (strchr(file, '/') != NULL || *file == '.')
		errx(FWCONF_REFUSED, "%s: not a settings file name (services, "
		    "dns, ...)", shown(file));
	if (gen_load(&g, n, &e) == -1)
		die(&e);
	buf = gen_settings(&g, file, &len);
	if ((schema = fwconf_schema_builtin(file)) != NULL) {
		v = values_of(schema, file, buf, len);
		for (i = 0; i < schema->nkeys; i++) {
			if (schema->keys[i].type == FWCONF_SECRET)
				continue;
			if ((q = fwconf_quote(v[i])) == NULL)
				err(FWCONF_SYSTEM, NULL);
			printf("%s=%s\n", schema->keys[i].name, q);
			free(q);
		}
		free_values(v, schema->nkeys);
	} else if (buf != NULL || is_input(us, file)) {
		t.path = xstrdup(file);
		if (buf != NULL && fwconf_table_parse(&t, buf, len, &e) == -1)
			die(&e);
		for (i = 0; i < t.nrecs; i++)
			printf("%s\t%s\n", t.recs[i].name, t.recs[i].value);
		fwconf_table_free(&t);
	} else
		errx(FWCONF_REFUSED, "%s: no such settings file", shown(file));
	free(buf);
	gen_free(&g);
	fshut(stdout, "stdout");
	return 0;
}
