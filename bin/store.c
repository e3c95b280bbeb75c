/* store.c: the content-addressed store; see store.h. */
#include <errno.h>
#include <limits.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "store.h"
#include "util.h"

void
hash_buf(const char *buf, size_t len, hash_t out)
{
	SHA256Data((const uint8_t *)buf, len, out);
}

static bool
valid_hash(const char *h)
{
	return strlen(h) == HASH_LEN &&
	    strspn(h, "0123456789abcdef") == HASH_LEN;
}

int
store_path(char *buf, size_t size, const hash_t h)
{
	char rel[32 + HASH_LEN];

	if (!valid_hash(h)) {
		errno = EINVAL;
		return -1;
	}
	snprintf(rel, sizeof(rel), "objects/%.2s/%s", h, h + 2);
	return state_dir(buf, size, rel);
}

bool
store_has(const hash_t h)
{
	char path[PATH_MAX];
	struct stat st;

	return store_path(path, sizeof(path), h) == 0 &&
	    fwconf_lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *
dirname_of(const char *path)
{
	static char dir[PATH_MAX];
	char *slash;

	strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	return dir;
}

int
store_put(const char *buf, size_t len, hash_t out, struct fwconf_err *e)
{
	char path[PATH_MAX];

	hash_buf(buf, len, out);
	if (store_path(path, sizeof(path), out) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "store: path too long");
	if (store_has(out))
		return 0;
	if (fwconf_mkdirs(dirname_of(path), 0700, e) == -1)
		return -1;
	/* Written whole and fsync'd: a transaction may name it next. */
	return fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1, (gid_t)-1,
	    e);
}

int
store_put_file(const char *path, hash_t out, struct fwconf_err *e)
{
	size_t len;
	char *buf;
	int r;

	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) != 0)
		return r;
	r = store_put(buf, len, out, e);
	free(buf);
	return r;
}

int
store_get(const hash_t h, char **buf, size_t *len, struct fwconf_err *e)
{
	char path[PATH_MAX];
	hash_t check;
	int r;

	if (store_path(path, sizeof(path), h) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "store: %.64s: not a "
		    "hash", h);
	if ((r = fwconf_read_all(path, buf, len, NULL, e)) == 1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: missing from the "
		    "store", path);
	if (r == -1)
		return -1;
	/* A damaged object must never be installed as a daemon's file. */
	hash_buf(*buf, *len, check);
	if (strcmp(check, h) != 0) {
		free(*buf);
		*buf = NULL;
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: damaged: its content "
		    "no longer has its hash", path);
	}
	return 0;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_live(char *const *live, size_t n, const char *h)
{
	const char *key = h;

	return bsearch(&key, live, n, sizeof(*live), by_str) != NULL;
}

void
store_gc(char *const *live, size_t n)
{
	char dir[PATH_MAX], sub[PATH_MAX], path[PATH_MAX];
	struct dirent *de, *fe;
	hash_t h;
	DIR *d, *f;

	if (state_dir(dir, sizeof(dir), "objects") == -1 ||
	    (d = fwconf_opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 2 || (size_t)snprintf(sub,
		    sizeof(sub), "%s/%s", dir, de->d_name) >= sizeof(sub) ||
		    (f = fwconf_opendir(sub)) == NULL)
			continue;
		while ((fe = readdir(f)) != NULL) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", sub,
			    fe->d_name) >= sizeof(path))
				continue;
			/* The temporary file of a write killed midway (atomic.c):
			 * every write to the store holds the lock, as we do. */
			if (fe->d_name[0] == '.' &&
			    strstr(fe->d_name, ".mpfw-tmp.") != NULL) {
				fwconf_unlink(path);
				continue;
			}
			if (strlen(fe->d_name) != HASH_LEN - 2)
				continue;
			snprintf(h, sizeof(h), "%.2s%.62s", de->d_name, fe->d_name);
			if (!is_live(live, n, h))
				fwconf_unlink(path);
		}
		closedir(f);
	}
	closedir(d);
}
