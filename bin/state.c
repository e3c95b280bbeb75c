/* state.c: the generations of applied state; see state.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

/* Generations kept: so many rollbacks in a row are possible. */
#define KEEP 5

int
state_dir(char *buf, size_t size, const char *rel)
{
	char abs[PATH_MAX];

	if ((size_t)snprintf(abs, sizeof(abs), "/var/lib/mpfw%s%s",
	    *rel ? "/" : "", rel) >= sizeof(abs))
		return -1;
	return fwconf_path(buf, size, abs);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Under the lock: leftovers of an apply that was killed. */
void
state_sweep(void)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (state_dir(dir, sizeof(dir), "") == -1 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if ((strncmp(de->d_name, ".gen.tmp.", 9) == 0 ||
		    strncmp(de->d_name, "stage.", 6) == 0) &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) < sizeof(path))
			rm_tree(path);
	closedir(d);
}

static int
table_at(struct fwconf_table *t, const char *dir, const char *name,
    struct fwconf_err *e)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long", dir);
	return fwconf_table_read(t, path, e);
}

int
state_load(struct gen *g, long n, struct fwconf_err *e)
{
	char name[32], path[PATH_MAX], *buf;
	struct stat st;
	size_t len;

	memset(g, 0, sizeof(*g));
	g->n = n;
	pathf(name, sizeof(name), "gen.%ld", n);
	if (state_dir(g->dir, sizeof(g->dir), n > 0 ? name : "") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	if (n == 0) {
		/* Nothing applied: empty tables that are never written. */
		g->stamps.path = xstrdup("");
		g->deferred.path = xstrdup("");
		g->manifest.path = xstrdup("");
		return 0;
	}
	if (table_at(&g->stamps, g->dir, "stamps", e) == -1 ||
	    table_at(&g->deferred, g->dir, "deferred", e) == -1 ||
	    table_at(&g->manifest, g->dir, "manifest", e) == -1)
		return -1;
	pathf(path, sizeof(path), "%s/parent", g->dir);
	if (fwconf_read_all(path, &buf, &len, NULL, e) == 0) {
		g->parent = strtol(buf, NULL, 10);
		free(buf);
		pathf(name, sizeof(name), "gen.%ld", g->parent);
		if (g->parent > 0 && (state_dir(path, sizeof(path), name) == -1 ||
		    stat(path, &st) == -1))
			g->parent = 0;	/* pruned */
	}
	return 0;
}

int
state_current(struct gen *g, struct fwconf_err *e)
{
	char link[PATH_MAX], target[64];
	ssize_t n;
	long num;

	if (state_dir(link, sizeof(link), "current") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	if ((n = readlink(link, target, sizeof(target) - 1)) == -1) {
		if (errno != ENOENT)
			return fwconf_fail_errno(e, "%s", link);
		return state_load(g, 0, e);
	}
	target[n] = '\0';
	if (sscanf(target, "gen.%ld", &num) != 1 || num <= 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: points to %s", link,
		    target);
	return state_load(g, num, e);
}

void
state_free(struct gen *g)
{
	fwconf_table_free(&g->stamps);
	fwconf_table_free(&g->deferred);
	fwconf_table_free(&g->manifest);
}

/* The table read from cur, to be written into the new directory. */
static int
table_copy(struct fwconf_table *to, const struct gen *cur,
    const char *dir, const char *name, struct fwconf_err *e)
{
	char path[PATH_MAX];

	if (cur->n > 0) {
		if (table_at(to, cur->dir, name, e) == -1)
			return -1;
	} else
		memset(to, 0, sizeof(*to));
	pathf(path, sizeof(path), "%s/%s", dir, name);
	free(to->path);
	to->path = xstrdup(path);
	to->exists = false;
	to->changed = true;
	return 0;
}

int
state_begin(struct gen *next, const struct gen *cur, struct fwconf_err *e)
{
	char base[PATH_MAX];

	memset(next, 0, sizeof(*next));
	if (state_dir(base, sizeof(base), "") == -1 ||
	    fwconf_mkdirs(base, 0755, e) == -1 ||
	    (size_t)snprintf(next->dir, sizeof(next->dir), "%s/.gen.tmp.XXXXXX",
	    base) >= sizeof(next->dir))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: cannot make state",
		    base);
	if (mkdtemp(next->dir) == NULL)
		return fwconf_fail_errno(e, "%s", next->dir);
	chmod(next->dir, 0700);
	next->n = cur->n + 1;
	next->parent = cur->n;
	if (table_copy(&next->stamps, cur, next->dir, "stamps", e) == -1 ||
	    table_copy(&next->deferred, cur, next->dir, "deferred", e) == -1)
		return -1;
	memset(&next->manifest, 0, sizeof(next->manifest));
	pathf(base, sizeof(base), "%s/manifest", next->dir);
	next->manifest.path = xstrdup(base);
	next->manifest.changed = true;
	return 0;
}

/* from -> to, atomically; with keep_mode, to gets from's mode. */
int
copy_file(const char *from, const char *to, mode_t mode, bool keep_mode,
    struct fwconf_err *e)
{
	char dir[PATH_MAX], *buf, *slash;
	struct stat st;
	size_t len;
	int r;

	if ((r = fwconf_read_all(from, &buf, &len, &st, e)) != 0)
		return r == 1 ? fwconf_fail(e, FWCONF_SYSTEM, "%s: missing",
		    from) : -1;
	strlcpy(dir, to, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (fwconf_mkdirs(dir, 0755, e) == -1) {
			free(buf);
			return -1;
		}
	}
	r = fwconf_write_atomic(to, buf, len, keep_mode ? st.st_mode & 07777 :
	    mode, (uid_t)-1, (gid_t)-1, e);
	free(buf);
	return r;
}

int
state_backup(struct gen *g, const char *target, const char *unit,
    struct fwconf_err *e)
{
	char installed[PATH_MAX], backup[PATH_MAX], value[256];
	struct stat st;
	bool exists;

	if (fwconf_path(installed, sizeof(installed), target) == -1 ||
	    (size_t)snprintf(backup, sizeof(backup), "%s/backup%s", g->dir,
	    target) >= sizeof(backup))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long",
		    target);
	exists = lstat(installed, &st) == 0;
	if (exists && copy_file(installed, backup, 0, true, e) == -1)
		return -1;
	pathf(value, sizeof(value), "%s %s", unit, exists ? "replaced" :
	    "new");
	if (fwconf_table_find(&g->manifest, target) == -1 &&
	    fwconf_table_insert(&g->manifest, target, value) == -1)
		return fwconf_fail_errno(e, "manifest");
	return 0;
}

/* The settings file NAME and its secrets, as they are now. */
int
state_snapshot(struct gen *g, const char *input, struct fwconf_err *e)
{
	char from[PATH_MAX], to[PATH_MAX], dir[PATH_MAX];
	struct stat st;

	pathf(dir, sizeof(dir), "%s/settings/secrets", g->dir);
	if (fwconf_mkdirs(dir, 0700, e) == -1)
		return -1;
	if (fwconf_settings_path(from, sizeof(from), input) == 0 &&
	    stat(from, &st) == 0 &&
	    ((size_t)snprintf(to, sizeof(to), "%s/settings/%s", g->dir,
	    input) >= sizeof(to) || copy_file(from, to, 0, true, e) == -1))
		return -1;
	if (fwconf_secrets_path(from, sizeof(from), input) == 0 &&
	    stat(from, &st) == 0 &&
	    ((size_t)snprintf(to, sizeof(to), "%s/settings/secrets/%s", g->dir,
	    input) >= sizeof(to) || copy_file(from, to, 0600, false, e) == -1))
		return -1;
	return 0;
}

static int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Point `current` at gen.n (0: remove it), by renaming a new symlink. */
static int
point_current(long n, struct fwconf_err *e)
{
	char base[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX], name[32];

	pathf(name, sizeof(name), "gen.%ld", n);
	if (state_dir(base, sizeof(base), "") == -1 ||
	    state_dir(link, sizeof(link), "current") == -1 ||
	    state_dir(tmp, sizeof(tmp), ".current.tmp") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	if (n == 0) {
		if (unlink(link) == -1 && errno != ENOENT)
			return fwconf_fail_errno(e, "%s", link);
	} else {
		unlink(tmp);
		if (symlink(name, tmp) == -1 || rename(tmp, link) == -1) {
			fwconf_fail_errno(e, "%s", link);
			unlink(tmp);
			return -1;
		}
	}
	if (fsync_path(base) == -1)
		return fwconf_fail_errno(e, "%s", base);
	return 0;
}

static void
prune(long newest)
{
	char path[PATH_MAX], name[32];
	long n;

	for (n = newest - KEEP; n > 0; n--) {
		pathf(name, sizeof(name), "gen.%ld", n);
		if (state_dir(path, sizeof(path), name) == -1 ||
		    access(path, F_OK) == -1)
			break;
		rm_tree(path);
	}
}

int
state_commit(struct gen *g, struct fwconf_err *e)
{
	char path[PATH_MAX], name[32], num[32];
	int len;

	len = snprintf(num, sizeof(num), "%ld\n", g->parent);
	pathf(path, sizeof(path), "%s/parent", g->dir);
	g->stamps.changed = g->deferred.changed = g->manifest.changed = true;
	if (fwconf_write_atomic(path, num, (size_t)len, 0644, (uid_t)-1,
	    (gid_t)-1, e) == -1 ||
	    fwconf_table_write(&g->stamps, e) == -1 ||
	    fwconf_table_write(&g->deferred, e) == -1 ||
	    fwconf_table_write(&g->manifest, e) == -1)
		return -1;
	pathf(name, sizeof(name), "gen.%ld", g->n);
	if (state_dir(path, sizeof(path), name) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	rm_tree(path);		/* left by a crash before the switch */
	if (rename(g->dir, path) == -1)
		return fwconf_fail_errno(e, "%s", path);
	strlcpy(g->dir, path, sizeof(g->dir));
	if (point_current(g->n, e) == -1)
		return -1;
	prune(g->n);
	return 0;
}

void
state_abandon(struct gen *g)
{
	if (g->dir[0] != '\0')
		rm_tree(g->dir);
}

/* Put target back as it was before generation g installed it. */
int
state_restore_file(const struct gen *g, const char *target,
    struct fwconf_err *e)
{
	char installed[PATH_MAX], backup[PATH_MAX];
	ssize_t i = fwconf_table_find(&g->manifest, target);

	if (fwconf_path(installed, sizeof(installed), target) == -1 ||
	    (size_t)snprintf(backup, sizeof(backup), "%s/backup%s", g->dir,
	    target) >= sizeof(backup))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long",
		    target);
	if (i != -1 && strstr(g->manifest.recs[i].value, " new") != NULL) {
		if (unlink(installed) == -1 && errno != ENOENT)
			return fwconf_fail_errno(e, "%s", installed);
		return 0;
	}
	return copy_file(backup, installed, 0, true, e);
}

static int
restore_one(const char *from, const char *to, mode_t mode,
    struct fwconf_err *e)
{
	struct stat st;

	if (stat(from, &st) == 0)
		return copy_file(from, to, mode, mode == 0, e);
	if (unlink(to) == -1 && errno != ENOENT)
		return fwconf_fail_errno(e, "%s", to);
	return 0;
}

/* The settings files, with their secrets, as generation `from` had them. */
int
state_restore_settings(const struct gen *from, char *const *inputs, size_t n,
    struct fwconf_err *e)
{
	char src[PATH_MAX], dst[PATH_MAX], secrets[PATH_MAX];
	size_t i;

	if (fwconf_path(secrets, sizeof(secrets), "/etc/mpfw/secrets") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "secrets: path too long");
	for (i = 0; i < n; i++) {
		pathf(src, sizeof(src), "%s/settings/%s", from->dir,
		    inputs[i]);
		if (fwconf_settings_path(dst, sizeof(dst), inputs[i]) == -1 ||
		    restore_one(src, dst, 0, e) == -1)
			return -1;
		pathf(src, sizeof(src), "%s/settings/secrets/%s", from->dir,
		    inputs[i]);
		if (access(src, F_OK) == 0 &&
		    fwconf_mkdirs(secrets, 0700, e) == -1)
			return -1;
		if (fwconf_secrets_path(dst, sizeof(dst), inputs[i]) == -1 ||
		    restore_one(src, dst, 0600, e) == -1)
			return -1;
	}
	return 0;
}

/* After a rollback: `current` goes back to `to`, `from` is dropped. */
int
state_switch(const struct gen *to, const struct gen *from,
    struct fwconf_err *e)
{
	if (point_current(to->n, e) == -1)
		return -1;
	rm_tree(from->dir);
	return 0;
}
