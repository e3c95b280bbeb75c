/*
 * unitcache.c: the unit catalogue (fw-units(5)) parsed once and kept in
 * ROOT/var/lib/mpfw/units.cache (0600), so that fw-apply does not parse
 * units.conf and units.d again on every run: with libconfuse that is
 * about a millisecond, a tenth of an apply of one DNS entry.
 *
 * The cache begins with its key: the identity (device, inode, size,
 * modification and change times) of the fw-apply that wrote it and of
 * every file the catalogue was read from, in the order it was read.  It
 * is used only when the key is the very one the files have now, and
 * when it passes its check, the SHA-256 of all before it: anything else,
 * and the files are parsed again.  As with the cache of the inputs'
 * hashes (apply.c), none is written while a file changed in the last two
 * seconds, whose times a change within the same clock tick would leave
 * as they are.  It is written without an fsync: lost or torn, it costs a
 * parse.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "unitcache.h"
#include "util.h"

#define MAGIC "mpfw units cache 1\n"

/* Bytes of text, grown as needed. */
struct text {
	char	*s;
	size_t	 len, cap;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = xreallocarray(t->s, t->cap, 1);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
putf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		err(FWCONF_SYSTEM, NULL);
	put(t, s, (size_t)n);
	free(s);
}

/* A string, NUL-free, length first; "-" for none. */
static void
put_str(struct text *t, const char *s)
{
	if (s == NULL)
		put(t, "-\n", 2);
	else {
		putf(t, "%zu:", strlen(s));
		put(t, s, strlen(s));
		put(t, "\n", 1);
	}
}

/*
 * The key: the identity of each file, false if one cannot be had or
 * *racy, changed too lately for its times to tell a change.
 */
static bool
add_id(struct text *t, const char *what, const char *path, bool *racy)
{
	char id[FILE_ID_MAX];
	struct stat st;

	if (stat(path, &st) == -1)
		return false;
	*racy |= changed_lately(&st, time(NULL));
	file_identity(&st, id, sizeof(id));
	putf(t, "%s %s ", what, id);
	put_str(t, path);
	return true;
}

static bool
make_key(struct text *key, bool *racy)
{
	struct fwconf_err e;
	char **paths;
	size_t n, i;
	bool ok;

	*racy = false;
	put(key, MAGIC, strlen(MAGIC));
	if (fwconf_units_sources(&paths, &n, &e) == -1)
		return false;
	ok = add_id(key, "exe", "/proc/self/exe", racy);
	for (i = 0; i < n; i++) {
		ok = ok && add_id(key, "src", paths[i], racy);
		free(paths[i]);
	}
	free(paths);
	put(key, "end\n", 4);
	return ok;
}

/* ---- the units, to text and back ---- */

static void
put_unit(struct text *t, const struct fwconf_unit *u)
{
	size_t i;

	put_str(t, u->name);
	put_str(t, u->origin);
	putf(t, "%zu\n", u->ninputs);
	for (i = 0; i < u->ninputs; i++)
		put_str(t, u->inputs[i]);
	putf(t, "%zu\n", u->nfiles);
	for (i = 0; i < u->nfiles; i++) {
		put_str(t, u->files[i].name);
		put_str(t, u->files[i].render);
		put_str(t, u->files[i].target);
		putf(t, "%o %d\n", (unsigned int)u->files[i].mode,
		    u->files[i].hand);
	}
	put_str(t, u->check);
	put_str(t, u->reload);
	put_str(t, u->restart);
	put_str(t, u->start);
	put_str(t, u->stop);
	putf(t, "%d %d\n", (int)u->soft, u->secret);
	put_str(t, u->enable_file);
	put_str(t, u->enable_key);
	put_str(t, u->enable_values);
	put_str(t, u->group);
	put_str(t, u->definition);
}

/* Where reading a cache is; bad once anything did not parse. */
struct cursor {
	const char *p, *end;
	bool	 bad;
};

static char *
get_str(struct cursor *c)
{
	unsigned long n;
	char *end, *s;

	if (c->bad || c->p >= c->end)
		goto bad;
	if (*c->p == '-' && c->p + 1 < c->end && c->p[1] == '\n') {
		c->p += 2;
		return NULL;
	}
	errno = 0;
	n = strtoul(c->p, &end, 10);
	if (errno != 0 || end == c->p || end >= c->end || *end != ':' ||
	    n > (unsigned long)(c->end - end - 1) || end[1 + n] != '\n' ||
	    memchr(end + 1, '\0', n) != NULL)
		goto bad;
	s = xmalloc(n + 1);
	memcpy(s, end + 1, n);
	s[n] = '\0';
	c->p = end + 2 + n;
	return s;
bad:
	c->bad = true;
	return NULL;
}

/* A string that must be there. */
static char *
get_some(struct cursor *c)
{
	char *s = get_str(c);

	if (s == NULL)
		c->bad = true;
	return s;
}

/* Numbers on one line, as scanf's format has them. */
static void
get_nums(struct cursor *c, const char *fmt, int count, void *a, void *b)
{
	const char *nl;
	char line[64];

	if (c->bad || (nl = memchr(c->p, '\n', (size_t)(c->end - c->p))) ==
	    NULL || (size_t)(nl - c->p) >= sizeof(line)) {
		c->bad = true;
		return;
	}
	memcpy(line, c->p, (size_t)(nl - c->p));
	line[nl - c->p] = '\0';
	c->p = nl + 1;
	if (sscanf(line, fmt, a, b) != count)
		c->bad = true;
}

static void
get_unit(struct cursor *c, struct fwconf_unit *u)
{
	unsigned int mode;
	size_t i, n;
	int hand, soft, secret;

	memset(u, 0, sizeof(*u));
	u->name = get_some(c);
	u->origin = get_some(c);
	get_nums(c, "%zu", 1, &n, NULL);
	if (c->bad || n > 4096)
		goto bad;
	u->inputs = xreallocarray(NULL, n + 1, sizeof(*u->inputs));
	for (u->ninputs = 0; u->ninputs < n; u->ninputs++)
		u->inputs[u->ninputs] = get_some(c);
	get_nums(c, "%zu", 1, &n, NULL);
	if (c->bad || n > 4096)
		goto bad;
	u->files = xreallocarray(NULL, n + 1, sizeof(*u->files));
	memset(u->files, 0, (n + 1) * sizeof(*u->files));
	for (u->nfiles = 0; u->nfiles < n; u->nfiles++) {
		i = u->nfiles;
		u->files[i].name = get_some(c);
		u->files[i].render = get_str(c);
		u->files[i].target = get_some(c);
		get_nums(c, "%o %d", 2, &mode, &hand);
		u->files[i].mode = (mode_t)mode;
		u->files[i].hand = hand != 0;
	}
	u->check = get_str(c);
	u->reload = get_str(c);
	u->restart = get_str(c);
	u->start = get_str(c);
	u->stop = get_str(c);
	get_nums(c, "%d %d", 2, &soft, &secret);
	if (soft < FWCONF_SOFT_RELOAD || soft > FWCONF_SOFT_DEFER)
		c->bad = true;
	u->soft = (enum fwconf_soft)soft;
	u->secret = secret != 0;
	u->enable_file = get_str(c);
	u->enable_key = get_str(c);
	u->enable_values = get_str(c);
	u->group = get_str(c);
	u->definition = get_some(c);
	return;
bad:
	c->bad = true;
}

/* The units of a cache whose key is key; false if it is not one. */
static bool
read_cache(const char *path, const struct text *key, struct fwconf_units *us)
{
	char *buf, sum[SHA256_DIGEST_STRING_LENGTH];
	struct cursor c;
	struct fwconf_err e;
	size_t len, n;
	const char *check;

	if (fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return false;
	/* The last line is the check: "check HASH\n". */
	if (len < key->len + 6 + SHA256_DIGEST_STRING_LENGTH ||
	    memcmp(buf, key->s, key->len) != 0 || buf[len - 1] != '\n')
		goto no;
	check = buf + len - SHA256_DIGEST_STRING_LENGTH - 6;
	if (memcmp(check, "check ", 6) != 0)
		goto no;
	SHA256Data((const unsigned char *)buf, (size_t)(check - buf), sum);
	if (memcmp(sum, check + 6, SHA256_DIGEST_STRING_LENGTH - 1) != 0)
		goto no;
	c.p = buf + key->len;
	c.end = check;
	c.bad = false;
	get_nums(&c, "%zu", 1, &n, NULL);
	if (c.bad || n > 4096)
		goto no;
	us->v = xreallocarray(NULL, n + 1, sizeof(*us->v));
	for (us->n = 0; us->n < n && !c.bad; us->n++)
		get_unit(&c, &us->v[us->n]);
	if (c.bad || c.p != c.end) {
		fwconf_units_free(us);
		goto no;
	}
	free(buf);
	return true;
no:
	free(buf);
	return false;
}

static void
write_cache(const struct text *key, const struct fwconf_units *us)
{
	char sum[SHA256_DIGEST_STRING_LENGTH];
	struct text t = { 0 };
	size_t i;

	put(&t, key->s, key->len);
	putf(&t, "%zu\n", us->n);
	for (i = 0; i < us->n; i++)
		put_unit(&t, &us->v[i]);
	SHA256Data((const unsigned char *)t.s, t.len, sum);
	putf(&t, "check %s\n", sum);
	state_cache_write("units.cache", t.s, t.len, false);
	free(t.s);
}

int
units_load(struct fwconf_units *us, struct fwconf_err *e)
{
	char path[PATH_MAX];
	struct text key = { 0 };
	bool racy = true, keyed;

	memset(us, 0, sizeof(*us));
	keyed = state_dir(path, sizeof(path), "units.cache") == 0 &&
	    make_key(&key, &racy);
	if (keyed && read_cache(path, &key, us)) {
		free(key.s);
		return 0;
	}
	if (fwconf_units_load(us, e) == -1) {
		free(key.s);
		return -1;
	}
	/* Where there is no state directory yet, none is made: a verb
	 * that only reads makes none. */
	if (keyed && !racy)
		write_cache(&key, us);
	free(key.s);
	return 0;
}
