/*
 * store.c: the content-addressed store; see store.h.
 *
 * Each content is one file, objects/HASH, named by its SHA-256.  A large
 * settings file (a table of a hundred thousand DNS entries) that changes
 * a little at each apply is kept as reverse deltas, as RCS keeps files:
 * the newest version whole, each older one as objects/HASH.delta, "the
 * version after me, with these bytes in the middle instead of its own".
 * Fifty versions with one entry changing each time then cost one table
 * and fifty small deltas.  What is read is always checked against the
 * full SHA-256 it is asked by, so a damaged chain gives a refusal, never
 * a wrong file.
 */
#include <errno.h>
#include <fcntl.h>
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

#define DELTA_MIN	65536	/* smaller versions are simply kept whole */
#define DELTA_MAGIC	"mpfw-delta 1"

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

static int
object_path(char *buf, size_t size, const hash_t h, const char *suffix)
{
	char rel[32 + HASH_LEN];

	if (!valid_hash(h)) {
		errno = EINVAL;
		return -1;
	}
	snprintf(rel, sizeof(rel), "objects/%s%s", h, suffix);
	return state_dir(buf, size, rel);
}

int
store_path(char *buf, size_t size, const hash_t h)
{
	return object_path(buf, size, h, "");
}

static bool
exists(const char *path)
{
	struct stat st;

	return fwconf_lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
has_whole(const hash_t h)
{
	char path[PATH_MAX];

	return object_path(path, sizeof(path), h, "") == 0 && exists(path);
}

bool
store_has(const hash_t h)
{
	char path[PATH_MAX];

	return has_whole(h) || (object_path(path, sizeof(path), h, ".delta") ==
	    0 && exists(path));
}

/* Written whole and fsync'd: a transaction may name it next. */
static int
put_file(const char *path, const char *buf, size_t len, struct fwconf_err *e)
{
	char dir[PATH_MAX];

	if (state_dir(dir, sizeof(dir), "objects") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "store: path too long");
	if (fwconf_mkdirs(dir, 0700, e) == -1)
		return -1;
	return fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1, (gid_t)-1,
	    e);
}

int
store_put(const char *buf, size_t len, hash_t out, struct fwconf_err *e)
{
	char path[PATH_MAX];

	hash_buf(buf, len, out);
	if (store_has(out))
		return 0;
	if (store_path(path, sizeof(path), out) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "store: path too long");
	return put_file(path, buf, len, e);
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

/*
 * prev, kept whole, becomes a delta against next: the bytes they share at
 * their start and end are taken from next.  A delta is written only when
 * it is small; the whole is removed only once the delta is on disk.
 */
static void
make_delta(const hash_t prev, const hash_t next, const char *nbuf, size_t nlen)
{
	char path[PATH_MAX], head[256], *pbuf, *out;
	struct fwconf_err e;
	size_t plen, pre = 0, suf = 0, mid, n;

	if (store_get(prev, &pbuf, &plen, &e) == -1)
		return;
	while (pre < plen && pre < nlen && pbuf[pre] == nbuf[pre])
		pre++;
	while (suf < plen - pre && suf < nlen - pre &&
	    pbuf[plen - 1 - suf] == nbuf[nlen - 1 - suf])
		suf++;
	mid = plen - pre - suf;
	if (plen < DELTA_MIN || mid > plen / 4) {
		free(pbuf);
		return;
	}
	n = (size_t)snprintf(head, sizeof(head), DELTA_MAGIC " %s %zu %zu\n",
	    next, pre, suf);
	out = xmalloc(n + mid + 1);
	memcpy(out, head, n);
	memcpy(out + n, pbuf + pre, mid);
	free(pbuf);
	if (object_path(path, sizeof(path), prev, ".delta") == 0 &&
	    put_file(path, out, n + mid, &e) == 0 &&
	    store_path(path, sizeof(path), prev) == 0)
		fwconf_unlink(path);
	free(out);
}

int
store_put_over(const char *buf, size_t len, const char *prev, hash_t out,
    struct fwconf_err *e)
{
	bool was = false;

	hash_buf(buf, len, out);
	was = store_has(out);
	if (store_put(buf, len, out, e) == -1)
		return -1;
	if (!was && prev != NULL && len >= DELTA_MIN && valid_hash(prev) &&
	    strcmp(prev, out) != 0 && has_whole(prev))
		make_delta(prev, out, buf, len);
	return 0;
}

/* A delta's header: the base it is made from and what it keeps of it. */
static int
parse_delta(const char *buf, size_t len, hash_t base, size_t *pre,
    size_t *suf, size_t *off)
{
	const char *nl = memchr(buf, '\n', len < 256 ? len : 256);
	char magic[16], ver[8];

	if (nl == NULL || sscanf(buf, "%15s %7s %64s %zu %zu", magic, ver, base,
	    pre, suf) != 5 || strcmp(magic, "mpfw-delta") != 0 ||
	    strcmp(ver, "1") != 0 || !valid_hash(base))
		return -1;
	*off = (size_t)(nl + 1 - buf);
	return 0;
}

/* A version kept as a delta: its base, then the middle put in. */
static int
get_delta(const hash_t h, char **bufp, size_t *lenp, int depth,
    struct fwconf_err *e)
{
	char path[PATH_MAX], *d, *b, *out;
	size_t dlen, blen, pre, suf, off, mid;
	hash_t base;
	int r;

	if (depth > 1000)
		return fwconf_fail(e, FWCONF_SYSTEM, "object %s: a chain of "
		    "deltas without end", h);
	if (object_path(path, sizeof(path), h, ".delta") == -1 ||
	    (r = fwconf_read_all(path, &d, &dlen, NULL, e)) == 1)
		return fwconf_fail(e, FWCONF_SYSTEM, "object %s: missing from "
		    "the store", h);
	if (r == -1)
		return -1;
	if (parse_delta(d, dlen, base, &pre, &suf, &off) == -1) {
		free(d);
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: not a delta", path);
	}
	if (has_whole(base)) {
		if (object_path(path, sizeof(path), base, "") == -1 ||
		    fwconf_read_all(path, &b, &blen, NULL, e) != 0)
			r = fwconf_fail(e, FWCONF_SYSTEM, "object %s: missing",
			    base);
	} else
		r = get_delta(base, &b, &blen, depth + 1, e);
	if (r != 0 || pre + suf > blen) {
		free(d);
		if (r == 0)
			free(b);
		return r != 0 ? -1 : fwconf_fail(e, FWCONF_SYSTEM, "%s: does "
		    "not fit its base", path);
	}
	mid = dlen - off;
	out = xmalloc(pre + mid + suf + 1);
	memcpy(out, b, pre);
	memcpy(out + pre, d + off, mid);
	memcpy(out + pre + mid, b + blen - suf, suf);
	out[pre + mid + suf] = '\0';
	free(b);
	free(d);
	*bufp = out;
	*lenp = pre + mid + suf;
	return 0;
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
		r = get_delta(h, buf, len, 0, e);
	if (r == -1)
		return -1;
	/* A damaged object must never be installed as a daemon's file. */
	hash_buf(*buf, *len, check);
	if (strcmp(check, h) != 0) {
		free(*buf);
		*buf = NULL;
		return fwconf_fail(e, FWCONF_SYSTEM, "object %s: damaged: its "
		    "content no longer has its hash", h);
	}
	return 0;
}

/* ---- garbage ---- */

static bool
is_live(char *const *live, size_t n, const char *h)
{
	const char *key = h;

	return bsearch(&key, live, n, sizeof(*live), str_cmp) != NULL;
}

/* The base of a delta, or false. */
static bool
delta_base(const char *h, hash_t base)
{
	char path[PATH_MAX], buf[256];
	size_t pre, suf, off;
	ssize_t n;
	int fd;

	if (object_path(path, sizeof(path), h, ".delta") == -1 ||
	    (fd = fwconf_open(path, O_RDONLY, 0)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return parse_delta(buf, (size_t)n, base, &pre, &suf, &off) == 0;
}

/*
 * Remove every object not named in live, nor the base (and its base...)
 * of a delta that is: an old version is read through the newer ones.
 */
void
store_gc(char *const *live, size_t n)
{
	char dir[PATH_MAX], path[PATH_MAX], name[HASH_LEN + 1], **all;
	struct dirent *de;
	size_t i, nall, cap;
	hash_t base;
	DIR *d;

	cap = n + 16;
	all = xreallocarray(NULL, cap, sizeof(*all));
	for (nall = 0; nall < n; nall++)
		all[nall] = xstrdup(live[nall]);
	for (i = 0; i < nall; i++)
		if (delta_base(all[i], base)) {
			all = xgrow(all, nall, &cap, sizeof(*all));
			all[nall++] = xstrdup(base);
		}
	qsort(all, nall, sizeof(*all), str_cmp);
	if (state_dir(dir, sizeof(dir), "objects") == -1 ||
	    (d = fwconf_opendir(dir)) == NULL)
		goto done;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && strstr(de->d_name, ".mpfw-tmp.") !=
		    NULL) {
			/* The temporary file of a write killed midway (atomic.c):
			 * every write to the store holds the lock, as we do. */
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) < sizeof(path))
				fwconf_unlink(path);
			continue;
		}
		if (strlen(de->d_name) < HASH_LEN)
			continue;
		snprintf(name, sizeof(name), "%.*s", HASH_LEN, de->d_name);
		if (!is_live(all, nall, name) && (size_t)snprintf(path,
		    sizeof(path), "%s/%s", dir, de->d_name) < sizeof(path))
			fwconf_unlink(path);
	}
	closedir(d);
done:
	for (i = 0; i < nall; i++)
		free(all[i]);
	free(all);
}
