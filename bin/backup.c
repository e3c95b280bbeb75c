/* backup.c: fw-apply export and import; see backup.h. */
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "backup.h"
#include "history.h"
#include "keep.h"
#include "util.h"
#include "verb.h"

#ifndef MPFW_VERSION
#define MPFW_VERSION "0"
#endif

/*
 * The tool that validates each settings file, by its own rules, and how:
 * its hidden verify verb, or a render, which refuses any line of a table
 * that is not one it takes (fw-maint's support keys, fw-sensors' modules).
 */
static const struct owner {
	const char *file, *tool, *verb, *arg;
} owners[] = {
	{ "services", "fw-svc", "verify", NULL },
	{ "dns", "fw-dns", "verify", NULL },
	{ "proxy", "fw-proxy", "verify", NULL },
	{ "ups", "fw-ups", "verify", NULL },
	{ "maint", "fw-maint", "verify", NULL },
	{ "maint-keys", "fw-maint", "render", "maint-keys" },
	{ "sensors", "fw-sensors", "render", NULL },
};

static const struct owner *
owner(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(owners) / sizeof(owners[0]); i++)
		if (strcmp(owners[i].file, name) == 0)
			return &owners[i];
	return NULL;
}

static bool
listed(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

static void
put_file(FILE *out, const char *tag, const char *name, const char *path)
{
	struct fwconf_err e;
	size_t len;
	char *buf;
	int r;

	if ((r = fwconf_read_all(path, &buf, &len, NULL, &e)) == -1)
		die(&e);
	if (r == 1) {
		if (strcmp(tag, "settings") == 0)
			fprintf(out, "%%absent %s\n", name);
		return;
	}
	fprintf(out, "%%%s %s\n", tag, name);
	fwrite(buf, 1, len, out);
	if (len > 0 && buf[len - 1] != '\n')
		fputc('\n', out);
	explicit_bzero(buf, len);
	free(buf);
}

int
export_settings(const struct fwconf_units *us, FILE *out, bool secrets,
    char *const *only, size_t nonly)
{
	char path[PATH_MAX], when[32];
	char **inputs;
	size_t i, n;
	time_t t = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fprintf(out, "# mpfw export %s %s\n", MPFW_VERSION, when);
	inputs = all_inputs(us, &n);
	for (i = 0; i < n; i++) {
		if (only != NULL && !listed(only, nonly, inputs[i]))
			continue;
		if (fwconf_settings_path(path, sizeof(path), inputs[i]) == -1)
			errx(FWCONF_SYSTEM, "%s: path too long", inputs[i]);
		put_file(out, "settings", inputs[i], path);
		if (secrets && fwconf_secrets_path(path, sizeof(path),
		    inputs[i]) == 0)
			put_file(out, "secrets", inputs[i], path);
	}
	free(inputs);
	fputs("%end\n", out);
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}

/* ---- import ---- */

struct section {
	char	*name;
	bool	 secrets, absent;
	char	*text;
	size_t	 len;
};

struct stream {
	struct section *v;
	size_t	 n, cap;
};

static void
add_section(struct stream *s, const char *tag, const char *name,
    const char *src, size_t lineno)
{
	struct section *x;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0 &&
		    s->v[i].secrets == (strcmp(tag, "secrets") == 0))
			errx(FWCONF_REFUSED, "%s:%zu: %%%s %s: given twice; "
			    "nothing imported", src, lineno, tag, name);
	s->v = xgrow(s->v, s->n, &s->cap, sizeof(*s->v));
	x = &s->v[s->n++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(name);
	x->secrets = strcmp(tag, "secrets") == 0;
	x->absent = strcmp(tag, "absent") == 0;
	x->text = xstrdup("");
}

/* The sections of a stream, refused whole on the first defect. */
static void
parse_stream(char *buf, const char *src, const struct fwconf_units *us,
    struct stream *s)
{
	char *line, *next, **inputs, tag[16], name[80];
	struct section *cur = NULL;
	size_t lineno = 0, n, len;
	bool ended = false;

	inputs = all_inputs(us, &n);
	for (line = buf; *line != '\0' && !ended; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line != '%') {
			if (cur == NULL || cur->absent) {
				if (*line == '#' || *line == '\0')
					continue;
				errx(FWCONF_REFUSED, "%s:%zu: not in a %%settings "
				    "section; nothing imported", src, lineno);
			}
			len = strlen(line);
			cur->text = xreallocarray(cur->text, cur->len + len + 2,
			    1);
			memcpy(cur->text + cur->len, line, len);
			cur->len += len;
			cur->text[cur->len++] = '\n';
			cur->text[cur->len] = '\0';
			continue;
		}
		if (strcmp(line, "%end") == 0) {
			ended = true;
			break;
		}
		if (sscanf(line, "%%%15s %79s", tag, name) != 2 ||
		    (strcmp(tag, "settings") != 0 && strcmp(tag, "absent") != 0 &&
		    strcmp(tag, "secrets") != 0))
			errx(FWCONF_REFUSED, "%s:%zu: %s: not a section of an "
			    "mpfw export; nothing imported", src, lineno,
			    shown(line));
		if (!listed(inputs, n, name))
			errx(FWCONF_REFUSED, "%s:%zu: %s: no settings file of "
			    "that name here; nothing imported", src, lineno,
			    shown(name));
		add_section(s, tag, name, src, lineno);
		cur = &s->v[s->n - 1];
	}
	free(inputs);
	if (!ended)
		errx(FWCONF_REFUSED, "%s: no %%end: the stream is cut short; "
		    "nothing imported", src);
}

/* A scratch root with the settings as they would be after the import. */
static void
build_scratch(char *root, size_t size, const struct fwconf_units *us,
    const struct stream *s)
{
	char dir[PATH_MAX], path[PATH_MAX], from[PATH_MAX], **inputs;
	struct fwconf_err e;
	size_t i, n, len;
	char *buf;

	if (state_init(&e) == -1 || state_dir(dir, sizeof(dir), "") == -1)
		die(&e);
	pathf(root, size, "%s/import.%ld.%08x", dir, (long)getpid(),
	    arc4random());
	pathf(path, sizeof(path), "%s/etc/mpfw/secrets", root);
	if (fwconf_mkdirs(path, 0700, &e) == -1)
		die(&e);
	inputs = all_inputs(us, &n);
	for (i = 0; i < n; i++) {
		if (fwconf_settings_path(from, sizeof(from), inputs[i]) == -1)
			errx(FWCONF_SYSTEM, "path too long");
		pathf(path, sizeof(path), "%s/etc/mpfw/%s", root, inputs[i]);
		if (fwconf_read_all(from, &buf, &len, NULL, &e) == 0) {
			if (fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1,
			    (gid_t)-1, &e) == -1)
				die(&e);
			free(buf);
		}
		if (fwconf_secrets_path(from, sizeof(from), inputs[i]) == -1)
			errx(FWCONF_SYSTEM, "path too long");
		pathf(path, sizeof(path), "%s/etc/mpfw/secrets/%s", root,
		    inputs[i]);
		if (fwconf_read_all(from, &buf, &len, NULL, &e) == 0) {
			if (fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1,
			    (gid_t)-1, &e) == -1)
				die(&e);
			explicit_bzero(buf, len);
			free(buf);
		}
	}
	free(inputs);
	for (i = 0; i < s->n; i++) {
		pathf(path, sizeof(path), "%s/etc/mpfw/%s%s", root,
		    s->v[i].secrets ? "secrets/" : "", s->v[i].name);
		if (s->v[i].absent)
			fwconf_unlink(path);
		else if (fwconf_write_atomic(path, s->v[i].text, s->v[i].len,
		    0600, (uid_t)-1, (gid_t)-1, &e) == -1)
			die(&e);
	}
}

/* Each file checked by its own tool against the scratch root. */
static bool
verify(const char *root, const struct stream *s)
{
	char tool[PATH_MAX];
	const struct owner *o;
	size_t i, j;
	int status, null;
	bool ok = true;
	pid_t pid;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(s->v[j].name, s->v[i].name) == 0)
				break;
		if (j < i)
			continue;	/* settings and secrets: one check */
		if ((o = owner(s->v[i].name)) == NULL) {
			warnx("%s: no tool checks this file; nothing imported",
			    s->v[i].name);
			return false;
		}
		sibling(tool, sizeof(tool), o->tool);
		fflush(NULL);
		if ((pid = fork()) == -1)
			err(FWCONF_SYSTEM, "fork");
		if (pid == 0) {
			/* What a render prints is not wanted, only its word. */
			if (strcmp(o->verb, "render") == 0 &&
			    (null = open("/dev/null", O_WRONLY)) != -1)
				dup2(null, STDOUT_FILENO);
			execl(tool, o->tool, "-R", root, o->verb, o->arg,
			    (char *)NULL);
			warn("%s", tool);
			_exit(FWCONF_SYSTEM);
		}
		if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			warnx("%s: refused by %s", s->v[i].name, o->tool);
			ok = false;
		}
	}
	return ok;
}

/* Every file of the stream in place, all or none (a transaction). */
static int
install(const struct stream *s)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct txn_file tf;
	struct fwconf_err e;
	struct stat st;
	struct txn x;
	size_t i, k = 0;
	int r;

	if (txn_new(&x, 0, "import", &e) == -1)
		die(&e);
	for (i = 0; i < s->n; i++) {
		memset(&tf, 0, sizeof(tf));
		snprintf(target, sizeof(target), "/etc/mpfw/%s%s",
		    s->v[i].secrets ? "secrets/" : "", s->v[i].name);
		tf.target = target;
		tf.unit = "-";
		if (fwconf_path(path, sizeof(path), target) == -1)
			errx(FWCONF_SYSTEM, "path too long");
		if ((r = store_put_file(path, tf.before, &e)) == -1)
			die(&e);
		if (r == 1)
			tf.before[0] = '\0';
		if (!s->v[i].absent && store_put(s->v[i].text, s->v[i].len,
		    tf.after, &e) == -1)
			die(&e);
		tf.mode = s->v[i].secrets ? 0600 : 0644;
		tf.gid = (gid_t)-1;
		tf.was_mode = tf.mode;
		tf.was_uid = (uid_t)-1;
		tf.was_gid = (gid_t)-1;
		if (!s->v[i].secrets && fwconf_lstat(path, &st) == 0)
			tf.mode = tf.was_mode = st.st_mode & 07777;
		txn_add_file(&x, &tf);
	}
	if (txn_write(&x, "importing", &e) == -1)
		die(&e);
	if (fwconf_path(path, sizeof(path), "/etc/mpfw/secrets") == -1 ||
	    fwconf_mkdirs(path, 0700, &e) == -1)
		die(&e);
	while (txn_file_at(&x, &k, &tf))
		if (txn_install(&tf, &e) == -1) {
			say_error(&e);
			k = 0;
			while (txn_file_at(&x, &k, &tf))
				if (txn_restore(&tf, &e) == -1)
					say_error(&e);
			if (txn_remove(&e) == -1)
				say_error(&e);
			txn_free(&x);
			return FWCONF_SYSTEM;
		}
	if (txn_remove(&e) == -1)
		die(&e);
	txn_free(&x);
	return 0;
}

int
import_settings(const struct fwconf_units *us, const char *src, bool force)
{
	char root[PATH_MAX], **names;
	struct stream s = { 0 };
	struct fwconf_err e;
	struct gen cur;
	size_t len, i, n, nsettings = 0, nsecrets = 0;
	char *buf;
	FILE *fp = stdin;
	int lock, r;

	if (strcmp(src, "-") != 0 && (fp = fopen(src, "re")) == NULL)
		err(FWCONF_REFUSED, "%s", shown(src));
	buf = read_stream(fp, src, &len);
	if (fp != stdin)
		fclose(fp);
	if (memchr(buf, '\0', len) != NULL)
		errx(FWCONF_REFUSED, "%s: NUL byte; nothing imported", src);
	parse_stream(buf, strcmp(src, "-") == 0 ? "stdin" : src, us, &s);
	explicit_bzero(buf, len);
	free(buf);

	lock = lock_for_writing();
	if ((r = recover(false)) != 0)
		return r;
	if (gen_current(&cur, &e) == -1)
		die(&e);
	/* What the import would replace of the unapplied settings. */
	names = changed_files(us, &cur, &n);
	for (i = r = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < s.n && strcmp(s.v[k].name, names[i]) != 0; k++)
			;
		if (k == s.n)
			names[i] = NULL;
	}
	r = keep_unapplied(us, &cur, names, n, force, "import");
	free(names);
	if (r != 0) {
		gen_free(&cur);
		return FWCONF_REFUSED;
	}
	build_scratch(root, sizeof(root), us, &s);
	if (!verify(root, &s)) {
		fwconf_rm_tree(root);
		errx(FWCONF_REFUSED, "%s: nothing imported", src);
	}
	fwconf_rm_tree(root);
	r = install(&s);
	gen_prune();		/* secrets leave the store with the record */
	fwconf_unlock(lock);
	for (i = 0; i < s.n; i++) {
		if (s.v[i].secrets)
			nsecrets++;
		else
			nsettings++;
		explicit_bzero(s.v[i].text, s.v[i].len);
		free(s.v[i].text);
		free(s.v[i].name);
	}
	free(s.v);
	gen_free(&cur);
	if (r == 0 && !watcher)
		fprintf(stderr, "fw-apply: imported %zu settings file%s%s; "
		    "fw-apply status shows what is pending\n", nsettings,
		    nsettings == 1 ? "" : "s", nsecrets > 0 ? " and secrets" :
		    "");
	return r;
}
