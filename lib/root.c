/*
 * root.c: every path lives under a root (-R or FW_ROOT, default /), and
 * read-only data under DATADIR (FW_DATADIR, default PREFIX/share/mpfw).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwconf.h"

#ifndef FWCONF_DATADIR
#define FWCONF_DATADIR "/usr/local/share/mpfw"
#endif

static const char *root_override;
static char root_buf[PATH_MAX];
static bool root_done;

void
fwconf_set_root(const char *dir)
{
	root_override = dir;
	root_done = false;
}

/*
 * The root, absolute and without trailing slashes: "" stands for "/".
 * Absolute because commands and the -c watcher of fw-apply run elsewhere.
 */
const char *
fwconf_root(void)
{
	char abs[PATH_MAX];
	const char *r;
	size_t n;

	if (root_done)
		return root_buf;
	r = root_override != NULL ? root_override : getenv("FW_ROOT");
	if (r == NULL)
		r = "";
	if (*r != '\0' && realpath(r, abs) != NULL)
		r = abs;
	n = strlcpy(root_buf, r, sizeof(root_buf));
	if (n >= sizeof(root_buf))
		n = sizeof(root_buf) - 1;
	while (n > 0 && root_buf[n - 1] == '/')
		root_buf[--n] = '\0';
	root_done = true;
	return root_buf;
}

const char *
fwconf_datadir(void)
{
	const char *d = getenv("FW_DATADIR");

	return d != NULL && *d != '\0' ? d : FWCONF_DATADIR;
}

int
fwconf_path(char *buf, size_t size, const char *abspath)
{
	int n;

	n = snprintf(buf, size, "%s%s", fwconf_root(), abspath);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * ROOT/etc/mpfw/NAME; FW_SETTINGS_DIR, set by fw-apply alone, makes the
 * renders of a past generation read its settings from a scratch copy
 * while every path they write into a file stays that of the root.
 */
int
fwconf_settings_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("FW_SETTINGS_DIR");
	int n;

	if (dir != NULL && *dir == '/')
		n = snprintf(buf, size, "%s/%s", dir, name);
	else
		n = snprintf(buf, size, "%s/etc/mpfw/%s", fwconf_root(), name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * mkdir -p, in the root (path.c); new directories get mode, existing ones
 * are left alone.  The common case, a directory that exists, costs one
 * open; a missing one is made from the deepest directory that exists
 * down, never by a mkdir of each directory from the top, which fails on
 * all those that exist (a dozen for a stage under the state directory).
 */
int
fwconf_mkdirs(const char *dir, mode_t mode, struct fwconf_err *e)
{
	char path[PATH_MAX], *cut[PATH_MAX / 2], *slash;
	size_t n = 0;
	int fd;

	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long", dir);
	if ((fd = fwconf_open(path, O_RDONLY | O_DIRECTORY, 0)) != -1) {
		close(fd);
		return 0;
	}
	/* Up while the parent is missing... */
	while (fwconf_mkdir(path, mode) == -1) {
		if (errno != ENOENT || (slash = strrchr(path, '/')) == NULL ||
		    slash == path || n == sizeof(cut) / sizeof(cut[0]))
			return fwconf_fail_errno(e, "mkdir %s", path);
		*slash = '\0';
		cut[n++] = slash;
	}
	/* ...then down, making each. */
	while (n > 0) {
		*cut[--n] = '/';
		if (fwconf_mkdir(path, mode) == -1)
			return fwconf_fail_errno(e, "mkdir %s", path);
	}
	return 0;
}

/* The directories above a file, as fwconf_mkdirs with mode 0755. */
int
fwconf_mkdirs_parent(const char *path, struct fwconf_err *e)
{
	char dir[PATH_MAX], *slash;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	return fwconf_mkdirs(dir, 0755, e);
}
