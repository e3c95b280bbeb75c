/*
 * store.c: the content-addressed store; see store.h.
 *
 * A content up to CHUNKED_MIN bytes is one object, objects/XX/REST, named
 * by its SHA-256.  A larger one (a table of a hundred thousand DNS
 * entries) is cut into chunks at line ends chosen by the lines themselves
 * (content-defined: a line whose hash has its low bits zero ends a
 * chunk), each kept once as chunks/XX/REST under a 64-bit id, and the
 * content itself is a list of those ids, objects/XX/REST.chunks.  Fifty
 * versions of a table with one entry changing each time then cost one
 * table, fifty lists and fifty chunks.  A chunk id is short; the whole is
 * always checked against its full SHA-256 when read, so two chunks that
 * shared an id could never make a wrong file, only a refused one.
 */
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

#define CHUNKED_MIN	65536	/* smaller contents are one object */
#define CHUNK_LINES_MIN	32	/* a chunk ends after at least so many lines */
#define CHUNK_LINES_MAX	4096
#define CHUNK_MASK	0xff	/* about one line in 256 ends a chunk */
#define ID_LEN		16	/* hex digits of a chunk id */
#define LIST_MAGIC	"mpfw-chunks 1\n"

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

static int
list_path(char *buf, size_t size, const hash_t h)
{
	char rel[48 + HASH_LEN];

	if (!valid_hash(h)) {
		errno = EINVAL;
		return -1;
	}
	snprintf(rel, sizeof(rel), "objects/%.2s/%s.chunks", h, h + 2);
	return state_dir(buf, size, rel);
}

static int
chunk_path(char *buf, size_t size, const char *id)
{
	char rel[32 + HASH_LEN];

	snprintf(rel, sizeof(rel), "chunks/%.2s/%.*s", id, ID_LEN - 2, id + 2);
	return state_dir(buf, size, rel);
}

static bool
exists(const char *path)
{
	struct stat st;

	return fwconf_lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool
store_has(const hash_t h)
{
	char path[PATH_MAX];

	return (store_path(path, sizeof(path), h) == 0 && exists(path)) ||
	    (list_path(path, sizeof(path), h) == 0 && exists(path));
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

/* Written whole and fsync'd: a transaction may name it next. */
static int
put_file(const char *path, const char *buf, size_t len, struct fwconf_err *e)
{
	if (fwconf_mkdirs(dirname_of(path), 0700, e) == -1)
		return -1;
	return fwconf_write_atomic(path, buf, len, 0600, (uid_t)-1, (gid_t)-1,
	    e);
}

/* FNV-1a of a line: cheap, and only the line decides where chunks end. */
static uint32_t
line_hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 16777619u;
	}
	return h;
}

static int
put_chunks(const char *buf, size_t len, const char *listpath,
    struct fwconf_err *e)
{
	char path[PATH_MAX], id[HASH_LEN + 1], *list;
	const char *start = buf, *p = buf, *nl, *end = buf + len;
	size_t lines = 0, cap = len / 64 + 64, n = strlen(LIST_MAGIC);
	int r = 0;

	list = xmalloc(cap);
	memcpy(list, LIST_MAGIC, n);
	while (p < end && r == 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end - 1;
		lines++;
		if (nl + 1 == end || (lines >= CHUNK_LINES_MIN &&
		    ((line_hash(p, (size_t)(nl - p)) & CHUNK_MASK) == 0 ||
		    lines >= CHUNK_LINES_MAX))) {
			hash_buf(start, (size_t)(nl + 1 - start), id);
			id[ID_LEN] = '\0';
			if (chunk_path(path, sizeof(path), id) == -1)
				r = fwconf_fail(e, FWCONF_SYSTEM, "store: path "
				    "too long");
			else if (!exists(path))
				r = put_file(path, start, (size_t)(nl + 1 -
				    start), e);
			if (n + ID_LEN + 2 > cap)
				list = xreallocarray(list, cap *= 2, 1);
			memcpy(list + n, id, ID_LEN);
			n += ID_LEN;
			list[n++] = '\n';
			start = nl + 1;
			lines = 0;
		}
		p = nl + 1;
	}
	if (r == 0)
		r = put_file(listpath, list, n, e);
	free(list);
	return r;
}

int
store_put(const char *buf, size_t len, hash_t out, struct fwconf_err *e)
{
	char path[PATH_MAX];

	hash_buf(buf, len, out);
	if (store_has(out))
		return 0;
	if (len >= CHUNKED_MIN) {
		if (list_path(path, sizeof(path), out) == -1)
			return fwconf_fail(e, FWCONF_SYSTEM, "store: path too "
			    "long");
		return put_chunks(buf, len, path, e);
	}
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

/* A chunked content put back together. */
static int
get_chunks(const char *listpath, char **bufp, size_t *lenp,
    struct fwconf_err *e)
{
	char path[PATH_MAX], id[ID_LEN + 1], *list, *buf = NULL, *c, *p;
	size_t llen, clen, len = 0, cap = 0, n = strlen(LIST_MAGIC);
	int r;

	if ((r = fwconf_read_all(listpath, &list, &llen, NULL, e)) != 0)
		return r == 1 ? fwconf_fail(e, FWCONF_SYSTEM, "%s: missing",
		    listpath) : -1;
	if (llen < n || memcmp(list, LIST_MAGIC, n) != 0) {
		free(list);
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: not a chunk list",
		    listpath);
	}
	for (p = list + n; p + ID_LEN < list + llen + 1 && *p != '\0';
	    p += ID_LEN + 1) {
		memcpy(id, p, ID_LEN);
		id[ID_LEN] = '\0';
		if (chunk_path(path, sizeof(path), id) == -1 ||
		    (r = fwconf_read_all(path, &c, &clen, NULL, e)) != 0) {
			if (r == 1)
				fwconf_fail(e, FWCONF_SYSTEM, "%s: missing from "
				    "the store", path);
			free(list);
			free(buf);
			return -1;
		}
		while (len + clen + 1 > cap)
			buf = xreallocarray(buf, cap = cap ? cap * 2 : 65536, 1);
		memcpy(buf + len, c, clen);
		len += clen;
		free(c);
	}
	free(list);
	if (buf == NULL)
		buf = xstrdup("");
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
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
	if ((r = fwconf_read_all(path, buf, len, NULL, e)) == 1) {
		if (list_path(path, sizeof(path), h) == -1 || !exists(path))
			return fwconf_fail(e, FWCONF_SYSTEM, "object %s: missing "
			    "from the store", h);
		r = get_chunks(path, buf, len, e);
	}
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

/* The chunk ids of every live list, sorted. */
static char **
live_chunks(char *const *live, size_t nlive, size_t *np)
{
	char path[PATH_MAX], *list, *p, **ids = NULL;
	struct fwconf_err e;
	size_t i, len, n = 0, cap = 0, m = strlen(LIST_MAGIC);

	for (i = 0; i < nlive; i++) {
		if (list_path(path, sizeof(path), live[i]) == -1 ||
		    fwconf_read_all(path, &list, &len, NULL, &e) != 0)
			continue;
		for (p = list + m; len >= m && p + ID_LEN < list + len + 1 &&
		    *p != '\0'; p += ID_LEN + 1) {
			ids = xgrow(ids, n, &cap, sizeof(*ids));
			ids[n++] = strndup(p, ID_LEN);
		}
		free(list);
	}
	qsort(ids, n, sizeof(*ids), by_str);
	*np = n;
	return ids;
}

/* Each file of DIR/XX/ whose name (with XX before it) is not live goes. */
static void
sweep(const char *rel, char *const *live, size_t n, size_t idlen)
{
	char dir[PATH_MAX], sub[PATH_MAX], path[PATH_MAX], name[HASH_LEN + 8];
	struct dirent *de, *fe;
	DIR *d, *f;

	if (state_dir(dir, sizeof(dir), rel) == -1 ||
	    (d = fwconf_opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 2 || (size_t)snprintf(sub,
		    sizeof(sub), "%s/%s", dir, de->d_name) >= sizeof(sub) ||
		    (f = fwconf_opendir(sub)) == NULL)
			continue;
		while ((fe = readdir(f)) != NULL) {
			if (fe->d_name[0] == '.' || strlen(fe->d_name) < idlen - 2)
				continue;
			snprintf(name, sizeof(name), "%s%.*s", de->d_name,
			    (int)(idlen - 2), fe->d_name);
			if (!is_live(live, n, name) && (size_t)snprintf(path,
			    sizeof(path), "%s/%s", sub, fe->d_name) <
			    sizeof(path))
				fwconf_unlink(path);
		}
		closedir(f);
	}
	closedir(d);
}

void
store_gc(char *const *live, size_t n)
{
	char **ids;
	size_t nids, i;

	ids = live_chunks(live, n, &nids);
	sweep("objects", live, n, HASH_LEN);
	sweep("chunks", ids, nids, ID_LEN);
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
}
