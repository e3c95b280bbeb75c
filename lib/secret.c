/*
 * secret.c: secret keys (passwords) live apart from their settings file,
 * in ROOT/etc/mpfw/secrets/NAME, same format, directory 0700, file 0600
 * whatever was there before.  Their values are never logged or printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwconf.h"

int
fwconf_secrets_path(char *buf, size_t size, const char *name)
{
	char rel[PATH_MAX];

	if ((size_t)snprintf(rel, sizeof(rel), "/etc/mpfw/secrets/%s",
	    name) >= sizeof(rel))
		return -1;
	return fwconf_path(buf, size, rel);
}

int
fwconf_secrets_load(struct fwconf_settings *s, struct fwconf_err *e)
{
	char path[PATH_MAX];

	if (s->secrets_loaded)
		return 0;
	if (fwconf_secrets_path(path, sizeof(path), s->schema->name) == -1)
		return fwconf_fail_errno(e, "secrets");
	if (fwconf_file_read(&s->secrets, path, e) == -1)
		return -1;
	s->secrets_loaded = true;
	return 0;
}

const char *
fwconf_secret_get(const struct fwconf_settings *s, const struct fwconf_key *k)
{
	const char *v;

	if (!s->secrets_loaded)
		return NULL;
	v = fwconf_file_get(&s->secrets, k->name);
	return v != NULL && *v != '\0' ? v : NULL;
}

bool
fwconf_secret_isset(const struct fwconf_settings *s, const struct fwconf_key *k)
{
	return fwconf_secret_get(s, k) != NULL;
}

int
fwconf_secret_set(struct fwconf_settings *s, const struct fwconf_key *k,
    const char *value, struct fwconf_err *e)
{
	const char *old;

	if (fwconf_secrets_load(s, e) == -1)
		return -1;
	old = fwconf_file_get(&s->secrets, k->name);
	if (value == NULL && old == NULL)
		return 0;
	if (value != NULL && old != NULL && strcmp(old, value) == 0)
		return 0;
	if (value == NULL)
		fwconf_file_unset(&s->secrets, k->name);
	else if (fwconf_file_set(&s->secrets, k->name, value) == -1)
		return fwconf_fail_errno(e, "%s", s->secrets.path);
	if (fwconf_settings_note(s, k->name, NULL, NULL, true) == -1)
		return fwconf_fail_errno(e, "%s", s->secrets.path);
	return 0;
}

/*
 * The secrets directory, made or taken back: a real directory (not a
 * link), the writer's own (root's) and 0700, whoever had it before.
 */
static int
own_dir(const char *dir, struct fwconf_err *e)
{
	int fd, r = 0;

	if (fwconf_mkdirs(dir, 0700, e) == -1)
		return -1;
	if ((fd = fwconf_open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0)) ==
	    -1)
		return fwconf_fail_errno(e, "%s%s", dir, errno == ENOTDIR ||
		    errno == ELOOP ? ": not a directory of its own" : "");
	if (fchown(fd, geteuid(), getegid()) == -1 || fchmod(fd, 0700) == -1)
		r = fwconf_fail_errno(e, "%s", dir);
	close(fd);
	return r;
}

/*
 * A secrets file is the writer's own and 0600 whatever it was before: a
 * user who owned it must not read the next secret.  A directory made for
 * a write that failed goes again: no trace left.
 */
int
fwconf_secrets_write(struct fwconf_settings *s, struct fwconf_err *e)
{
	char dir[PATH_MAX];
	struct stat st;
	bool made;

	if (!s->secrets.changed)
		return 0;
	if (fwconf_path(dir, sizeof(dir), "/etc/mpfw/secrets") == -1)
		return fwconf_fail_errno(e, "secrets");
	made = fwconf_lstat(dir, &st) == -1;
	if (own_dir(dir, e) == 0) {
		s->secrets.exists = true;
		s->secrets.mode = 0600;
		s->secrets.uid = geteuid();
		s->secrets.gid = getegid();
		if (fwconf_file_write(&s->secrets, 0600, e) == 0)
			return 0;
	}
	if (made)
		fwconf_rm_tree(dir);
	return -1;
}
