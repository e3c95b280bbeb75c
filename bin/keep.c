/* keep.c: unapplied settings are never dropped silently; keep.h. */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backup.h"
#include "history.h"
#include "keep.h"
#include "util.h"

static char said[PATH_MAX + 128];

const char *
keep_said(void)
{
	return said;
}

/* The key-level changes of the files named, on fp. */
static size_t
changes_of(const struct fwconf_units *us, const struct gen *g, char **names,
    size_t n, FILE *fp)
{
	char *buf = NULL, *line, *next;
	size_t len = 0, i, count = 0;
	FILE *mem;

	if ((mem = open_memstream(&buf, &len)) == NULL)
		err(FWCONF_SYSTEM, NULL);
	changes(us, g, mem);
	fclose(mem);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (i = 0; i < n; i++)
			if (names[i] != NULL && strncmp(line, names[i],
			    strlen(names[i])) == 0 &&
			    line[strlen(names[i])] == '\t')
				break;
		if (i == n)
			continue;
		count++;
		if (fp != NULL)
			fprintf(fp, "%s\n", line);
	}
	free(buf);
	return count;
}

static int keep(const struct fwconf_units *, const struct gen *, char **,
    size_t, bool, const char *, const char *);

int
keep_unapplied(const struct fwconf_units *us, const struct gen *g,
    char **names, size_t n, bool force, const char *verb)
{
	return keep(us, g, names, n, force, verb, "unapplied ");
}

int
keep_since(const struct fwconf_units *us, const struct gen *g, char **names,
    size_t n)
{
	return keep(us, g, names, n, true, "unconfirmed", "");
}

static int
keep(const struct fwconf_units *us, const struct gen *g, char **names,
    size_t n, bool force, const char *verb, const char *what)
{
	char dir[PATH_MAX], path[PATH_MAX], when[32], *buf = NULL;
	struct fwconf_err e;
	struct stat st;
	size_t len = 0, i, k, count;
	time_t t = time(NULL);
	char **only;
	FILE *mem;

	said[0] = '\0';
	for (i = k = 0; i < n; i++)
		k += names[i] != NULL;
	if (k == 0)
		return 0;
	if (!force) {
		count = changes_of(us, g, names, n, stderr);
		warnx("%s would drop %zu unapplied change%s (above): apply them "
		    "first, or fw-apply %s -f drops them and keeps them to "
		    "import later", verb, count, count == 1 ? "" : "s", verb);
		return 1;
	}
	count = changes_of(us, g, names, n, NULL);
	only = xreallocarray(NULL, k + 1, sizeof(*only));
	for (i = k = 0; i < n; i++)
		if (names[i] != NULL)
			only[k++] = names[i];
	if ((mem = open_memstream(&buf, &len)) == NULL ||
	    export_settings(us, mem, false, only, k) == -1 || fclose(mem) == EOF)
		err(FWCONF_SYSTEM, "keeping the dropped settings");
	free(only);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", gmtime(&t));
	if (state_dir(dir, sizeof(dir), "dropped") == -1 ||
	    fwconf_mkdirs(dir, 0700, &e) == -1)
		errx(FWCONF_SYSTEM, "%s: cannot keep the dropped settings", dir);
	/* Under the lock: two drops in one second get two files. */
	pathf(path, sizeof(path), "%s/%s-%s.export", dir, when, verb);
	for (i = 2; fwconf_lstat(path, &st) == 0; i++) {
		if (i > 999)
			errx(FWCONF_SYSTEM, "%s: cannot keep the dropped "
			    "settings: too many of this second", dir);
		pathf(path, sizeof(path), "%s/%s-%s.%zu.export", dir, when,
		    verb, i);
	}
	if (errno != ENOENT)
		err(FWCONF_SYSTEM, "%s", path);
	if (fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1, (gid_t)-1,
	    &e) == -1)
		die(&e);
	free(buf);
	snprintf(said, sizeof(said), "dropped %zu %schange%s, kept in %s "
	    "(fw-apply import brings them back)", count, what, count == 1 ? "" :
	    "s", path);
	return 0;
}
