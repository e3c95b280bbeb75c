/*
 * path.c: file operations that never leave the root.
 *
 * Under a root (-R, FW_ROOT) every path of the root is resolved by the
 * kernel as if the root were "/" (openat2 with RESOLVE_IN_ROOT): a
 * symbolic link, absolute or with "..", cannot lead out of it, whatever
 * an attacker or a careless copy put there.  The last component of a path
 * that is written, renamed or removed is never followed: a link there is
 * itself replaced or removed, never written through.  Paths outside the
 * root (DATADIR, /proc, /dev/null) and every path when the root is "/"
 * are used as they are.
 */
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwconf.h"

static int root_fd = -1;
static char root_of_fd[PATH_MAX];

/* The root's fd, opened once per root. */
static int
rootfd(void)
{
	const char *root = fwconf_root();

	if (root_fd != -1 && strcmp(root, root_of_fd) == 0)
		return root_fd;
	if (root_fd != -1)
		close(root_fd);
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	strlcpy(root_of_fd, root, sizeof(root_of_fd));
	return root_fd;
}

/* The path relative to the root when it lies under it, else NULL. */
static const char *
inside(const char *path)
{
	const char *root = fwconf_root();
	size_t n = strlen(root);

	if (n == 0 || strncmp(path, root, n) != 0 ||
	    (path[n] != '/' && path[n] != '\0'))
		return NULL;
	path += n;
	path += strspn(path, "/");
	return *path != '\0' ? path : ".";
}

static int
open_in_root(const char *rel, int flags, mode_t mode)
{
	struct open_how how = { 0 };
	int fd, dir = rootfd();

	if (dir == -1)
		return -1;
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	do
		fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof(how));
	while (fd == -1 && errno == EAGAIN);
	return fd;
}

int
fwconf_open(const char *path, int flags, mode_t mode)
{
	const char *rel = inside(path);

	if (rel == NULL)
		return open(path, flags | O_CLOEXEC, mode);
	return open_in_root(rel, flags, mode);
}

/*
 * The directory that holds path's last component, opened for reading (so
 * it can be fsync'd and listed), and that component in *base.  "." and
 * ".." are not a last component one can write.
 */
int
fwconf_open_parent(const char *path, const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		*base = path;
		strlcpy(dir, ".", sizeof(dir));
	} else {
		*base = slash + 1;
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (**base == '\0' || strcmp(*base, ".") == 0 ||
	    strcmp(*base, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	return fwconf_open(dir, O_RDONLY | O_DIRECTORY, 0);
}

int
fwconf_lstat(const char *path, struct stat *st)
{
	const char *base;
	int dir, r, saved;

	if (inside(path) == NULL)
		return lstat(path, st);
	if ((dir = fwconf_open_parent(path, &base)) == -1)
		return -1;
	r = fstatat(dir, base, st, AT_SYMLINK_NOFOLLOW);
	saved = errno;
	close(dir);
	errno = saved;
	return r;
}

int
fwconf_unlink(const char *path)
{
	const char *base;
	int dir, r, saved;

	if (inside(path) == NULL)
		return unlink(path);
	if ((dir = fwconf_open_parent(path, &base)) == -1)
		return -1;
	r = unlinkat(dir, base, 0);
	saved = errno;
	close(dir);
	errno = saved;
	return r;
}

/* Both paths in the root, or both outside it. */
int
fwconf_rename(const char *from, const char *to)
{
	const char *b1, *b2;
	int d1, d2, r, saved;

	if (inside(from) == NULL && inside(to) == NULL)
		return rename(from, to);
	if ((d1 = fwconf_open_parent(from, &b1)) == -1)
		return -1;
	if ((d2 = fwconf_open_parent(to, &b2)) == -1) {
		saved = errno;
		close(d1);
		errno = saved;
		return -1;
	}
	r = renameat(d1, b1, d2, b2);
	saved = errno;
	close(d1);
	close(d2);
	errno = saved;
	return r;
}

int
fwconf_symlink(const char *target, const char *path)
{
	const char *base;
	int dir, r, saved;

	if (inside(path) == NULL)
		return symlink(target, path);
	if ((dir = fwconf_open_parent(path, &base)) == -1)
		return -1;
	r = symlinkat(target, dir, base);
	saved = errno;
	close(dir);
	errno = saved;
	return r;
}

ssize_t
fwconf_readlink(const char *path, char *buf, size_t size)
{
	const char *base;
	ssize_t r;
	int dir, saved;

	if (inside(path) == NULL)
		return readlink(path, buf, size);
	if ((dir = fwconf_open_parent(path, &base)) == -1)
		return -1;
	r = readlinkat(dir, base, buf, size);
	saved = errno;
	close(dir);
	errno = saved;
	return r;
}

/*
 * One directory, with mode whatever the umask; 0 when made, 1 when it was
 * there (as a directory), -1.
 */
int
fwconf_mkdir(const char *path, mode_t mode)
{
	const char *base;
	struct stat st;
	int dir, fd, r = 0, saved;

	if ((dir = fwconf_open_parent(path, &base)) == -1)
		return -1;
	if (mkdirat(dir, base, mode) == -1) {
		saved = errno;
		/* A link to a directory in the root counts as one. */
		if (saved == EEXIST && (fd = fwconf_open(path, O_RDONLY |
		    O_DIRECTORY, 0)) != -1) {
			close(fd);
			close(dir);
			return 1;
		}
		if (saved == EEXIST && fstatat(dir, base, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
			saved = ENOTDIR;
		close(dir);
		errno = saved;
		return -1;
	}
	if ((fd = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fchmod(fd, mode) == -1)
		r = -1;
	saved = errno;
	if (fd != -1)
		close(fd);
	close(dir);
	errno = saved;
	return r;
}

/* Remove what dir (an open directory) holds, links not followed. */
static int
empty_dir(int dir)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, r = 0, sub;

	if ((fd = dup(dir)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((sub = openat(dir, de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
				r = -1;
				continue;
			}
			if (empty_dir(sub) == -1)
				r = -1;
			close(sub);
			if (unlinkat(dir, de->d_name, AT_REMOVEDIR) == -1)
				r = -1;
		} else if (unlinkat(dir, de->d_name, 0) == -1)
			r = -1;
	}
	closedir(d);
	return r;
}

/* rm -rf path, in the root; a link at path is removed, not followed. */
int
fwconf_rm_tree(const char *path)
{
	const char *base;
	struct stat st;
	int dir, sub, r;

	if ((dir = fwconf_open_parent(path, &base)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		close(dir);
		return errno == ENOENT ? 0 : -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = unlinkat(dir, base, 0);
		close(dir);
		return r;
	}
	if ((sub = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		close(dir);
		return -1;
	}
	r = empty_dir(sub);
	close(sub);
	if (unlinkat(dir, base, AT_REMOVEDIR) == -1)
		r = -1;
	close(dir);
	return r;
}

DIR *
fwconf_opendir(const char *path)
{
	DIR *d;
	int fd = fwconf_open(path, O_RDONLY | O_DIRECTORY, 0);

	if (fd == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}
