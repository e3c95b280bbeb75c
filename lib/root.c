/*
 * root.c: every path lives under a root (-R or FW_ROOT, default /), and
 * read-only data under DATADIR (FW_DATADIR, default PREFIX/share/mpfw).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The root without trailing slashes: "" stands for "/". */
const char *
fwconf_root(void)
{
	const char *r;
	size_t n;

	if (root_done)
		return root_buf;
	r = root_override != NULL ? root_override : getenv("FW_ROOT");
	if (r == NULL)
		r = "";
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

int
fwconf_settings_path(char *buf, size_t size, const char *name)
{
	int n;

	n = snprintf(buf, size, "%s/etc/mpfw/%s", fwconf_root(), name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* mkdir -p, new directories get mode; existing ones are left alone. */
int
fwconf_mkdirs(const char *dir, mode_t mode, struct fwconf_err *e)
{
	char path[PATH_MAX];
	char *p;

	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long", dir);
	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, mode) == 0) {
			if (chmod(path, mode) == -1)
				return fwconf_fail_errno(e, "chmod %s", path);
		} else if (errno != EEXIST)
			return fwconf_fail_errno(e, "mkdir %s", path);
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}
