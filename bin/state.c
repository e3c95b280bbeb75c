/* state.c: the generations of applied state; see state.h. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gencache.h"
#include "state.h"
#include "util.h"

#define KEEP_DEFAULT 50

int
state_dir(char *buf, size_t size, const char *rel)
{
	char abs[PATH_MAX];

	if ((size_t)snprintf(abs, sizeof(abs), "/var/lib/mpfw%s%s",
	    *rel ? "/" : "", rel) >= sizeof(abs))
		return -1;
	return fwconf_path(buf, size, abs);
}

static char salt[65];

/* The directory, root's alone, and the salt of the secrets' hashes. */
int
state_init(struct fwconf_err *e)
{
	char dir[PATH_MAX], path[PATH_MAX], *buf;
	unsigned char rnd[32];
	size_t len, i;
	int r;

	if (state_dir(dir, sizeof(dir), "") == -1 ||
	    state_dir(path, sizeof(path), "salt") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	/* Only the state is root's alone: /var and /var/lib stay 0755,
	 * or daemons that drop their privileges cannot reach /var/log. */
	if (fwconf_mkdirs_parent(dir, e) == -1 || fwconf_mkdirs(dir, 0700, e) ==
	    -1)
		return -1;
	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) == -1)
		return -1;
	if (r == 0 && len >= 64) {
		memcpy(salt, buf, 64);
		free(buf);
		return 0;
	}
	free(buf);
	arc4random_buf(rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(salt + 2 * i, 3, "%02x", rnd[i]);
	return fwconf_write_atomic(path, salt, 64, 0600, (uid_t)-1, (gid_t)-1,
	    e);
}

/* ---- tables as maps ---- */

const char *
tab_get(const struct fwconf_table *t, const char *name)
{
	ssize_t i = fwconf_table_find(t, name);

	return i == -1 ? NULL : t->recs[i].value;
}

/* name's record, deleted or not, or -1. */
static ssize_t
find_any(const struct fwconf_table *t, const char *name)
{
	size_t lo = 0, hi = t->nrecs, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, t->recs[mid].name)) == 0)
			return (ssize_t)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Insert, or update (a record deleted earlier comes back). */
void
tab_set(struct fwconf_table *t, const char *name, const char *value)
{
	ssize_t i = find_any(t, name);

	if (i != -1 && t->recs[i].deleted) {
		free(t->recs[i].text);
		t->recs[i].text = NULL;
		free(t->recs[i].value);
		t->recs[i].value = xstrdup("");
		t->recs[i].deleted = false;
		t->changed = true;
	}
	if ((i == -1 ? fwconf_table_insert(t, name, value) :
	    fwconf_table_update(t, (size_t)i, value)) == -1)
		err(FWCONF_SYSTEM, NULL);
}

void
tab_unset(struct fwconf_table *t, const char *name)
{
	ssize_t i = fwconf_table_find(t, name);

	if (i != -1)
		fwconf_table_delete(t, (size_t)i);
}

/* ---- generations ---- */

/*
 * A generation is one file, gen.N, a table whose names carry the part
 * they belong to: "record:", "tree:", "stamp:", "deferred:".  One file,
 * not a directory of four: fifty generations cost fifty blocks.
 */
static const char *const parts[] = { "record:", "tree:", "stamp:",
    "deferred:" };

static struct fwconf_table *
part_of(struct gen *g, size_t i)
{
	struct fwconf_table *t[] = { &g->record, &g->tree, &g->stamps,
	    &g->deferred };

	return t[i];
}

static void
empty_tables(struct gen *g)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		memset(part_of(g, i), 0, sizeof(struct fwconf_table));
		part_of(g, i)->path = xstrdup(g->path);
	}
}

bool
gen_exists(long n)
{
	char name[32], path[PATH_MAX];
	struct stat st;

	snprintf(name, sizeof(name), "gen.%ld", n);
	return n > 0 && state_dir(path, sizeof(path), name) == 0 &&
	    fwconf_lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
gen_load(struct gen *g, long n, struct fwconf_err *e)
{
	struct fwconf_table all;
	const struct fwconf_record *r;
	char name[32];
	size_t i, k;

	memset(g, 0, sizeof(*g));
	g->n = n;
	snprintf(name, sizeof(name), "gen.%ld", n);
	if (n > 0 && state_dir(g->path, sizeof(g->path), name) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	empty_tables(g);
	if (n == 0)
		return 0;	/* nothing applied: empty, never written */
	if (!gen_exists(n))
		return fwconf_fail(e, FWCONF_REFUSED, "gen.%ld: no such "
		    "generation (fw-apply log lists those kept)", n);
	if (fwconf_table_read(&all, g->path, e) == -1) {
		fwconf_table_free(&all);
		return -1;
	}
	for (i = 0; i < all.nrecs; i++) {
		r = &all.recs[i];
		for (k = 0; k < 4; k++)
			if (strncmp(r->name, parts[k], strlen(parts[k])) == 0) {
				tab_set(part_of(g, k), r->name +
				    strlen(parts[k]), r->value);
				break;
			}
	}
	fwconf_table_free(&all);
	for (k = 0; k < 4; k++)
		part_of(g, k)->changed = false;
	return 0;
}

int
gen_current(struct gen *g, struct fwconf_err *e)
{
	char link[PATH_MAX], target[64];
	ssize_t n;
	long num;
	char *end;

	if (state_dir(link, sizeof(link), "current") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	if ((n = fwconf_readlink(link, target, sizeof(target) - 1)) == -1) {
		if (errno != ENOENT)
			return fwconf_fail_errno(e, "%s", link);
		return gen_load(g, 0, e);
	}
	target[n] = '\0';
	num = strncmp(target, "gen.", 4) == 0 ? strtol(target + 4, &end, 10) :
	    0;
	if (num <= 0 || *end != '\0')
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: points to %s", link,
		    target);
	return gen_load(g, num, e);
}

void
gen_free(struct gen *g)
{
	size_t i;

	for (i = 0; i < 4; i++)
		fwconf_table_free(part_of(g, i));
}

/* A new generation after cur: its tables begin as cur's, but the record. */
int
gen_begin(struct gen *next, const struct gen *cur, struct fwconf_err *e)
{
	struct gen *c = (struct gen *)cur;
	const struct fwconf_record *r;
	char name[32];
	size_t i, k;

	memset(next, 0, sizeof(*next));
	next->n = cur->n + 1;
	/* Numbers only grow: one pruned or rolled over is never reused. */
	while (gen_exists(next->n))
		next->n++;
	snprintf(name, sizeof(name), "gen.%ld", next->n);
	if (state_dir(next->path, sizeof(next->path), name) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	empty_tables(next);
	for (k = 1; k < 4; k++)
		for (i = 0; i < part_of(c, k)->nrecs; i++) {
			r = &part_of(c, k)->recs[i];
			if (!r->deleted)
				tab_set(part_of(next, k), r->name, r->value);
		}
	return 0;
}

static long current_number(void);

static int
fsync_dir(const char *path)
{
	int fd = fwconf_open(path, O_RDONLY | O_DIRECTORY, 0), r;

	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Point `current` at gen.n, by renaming a new symlink over it. */
static int
point_current(long n, struct fwconf_err *e)
{
	char base[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX], name[32];

	snprintf(name, sizeof(name), "gen.%ld", n);
	if (state_dir(base, sizeof(base), "") == -1 ||
	    state_dir(link, sizeof(link), "current") == -1 ||
	    state_dir(tmp, sizeof(tmp), ".current.tmp") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	fwconf_unlink(tmp);
	if (fwconf_symlink(name, tmp) == -1 || fwconf_rename(tmp, link) == -1) {
		fwconf_fail_errno(e, "%s", link);
		fwconf_unlink(tmp);
		return -1;
	}
	if (fsync_dir(base) == -1)
		return fwconf_fail_errno(e, "%s", base);
	return 0;
}

/* State tables are root's alone, like everything under var/lib/mpfw. */
int
state_table_write(struct fwconf_table *t, struct fwconf_err *e)
{
	t->changed = true;
	t->exists = true;
	t->mode = 0600;
	t->uid = (uid_t)-1;
	t->gid = (gid_t)-1;
	return fwconf_table_write(t, e);
}

/*
 * The cache NAME of the state directory written whole, a temporary file
 * renamed over it, or with append added at its end in one write.  No
 * fsync: each cache checks itself, and one lost or torn costs its reader
 * a parse, a read or a hash (t/0056 sets them aside).  Nothing happens
 * where the state directory is not made yet, nor on a failure: a cache
 * is never worth an error.
 */
void
state_cache_write(const char *name, const char *buf, size_t len, bool append)
{
	char path[PATH_MAX], tmp[PATH_MAX], dot[NAME_MAX + 8];
	bool ok;
	int fd;

	snprintf(dot, sizeof(dot), ".%s.tmp", name);
	if (state_dir(path, sizeof(path), name) == -1 ||
	    state_dir(tmp, sizeof(tmp), append ? name : dot) == -1)
		return;
	if ((fd = fwconf_open(tmp, O_WRONLY | O_CREAT | O_NOFOLLOW |
	    (append ? O_APPEND : O_TRUNC), 0600)) == -1)
		return;
	ok = len == 0 || write(fd, buf, len) == (ssize_t)len;
	if (close(fd) == -1)
		ok = false;
	if (!append && (!ok || fwconf_rename(tmp, path) == -1))
		fwconf_unlink(tmp);
}

/*
 * The four parts as one file, written whole or not at all.  With
 * dirsync_later the fsync of the state directory is the caller's, who
 * renames `current` in it next: one fsync commits both names.
 */
static int
gen_write(struct gen *g, bool dirsync_later, struct fwconf_err *e)
{
	struct fwconf_table all = { 0 };
	const struct fwconf_record *r;
	struct fwconf_out o;
	char name[PATH_MAX + 16], *text;
	size_t i, k, len;
	int rv;

	all.path = xstrdup(g->path);
	for (k = 0; k < 4; k++)
		for (i = 0; i < part_of(g, k)->nrecs; i++) {
			r = &part_of(g, k)->recs[i];
			if (r->deleted)
				continue;
			snprintf(name, sizeof(name), "%s%s", parts[k], r->name);
			tab_set(&all, name, r->value);
		}
	if ((text = fwconf_table_text(&all, &len)) == NULL)
		rv = fwconf_fail_errno(e, "%s", g->path);
	else if ((rv = fwconf_out_open(&o, g->path, 0600, (uid_t)-1,
	    (gid_t)-1, e)) == 0) {
		o.dirsync_later = dirsync_later;
		fwconf_out_write(&o, text, len);
		rv = fwconf_out_close(&o, e);
	}
	free(text);
	fwconf_table_free(&all);
	return rv;
}

int
gen_write_record(struct gen *g, struct fwconf_err *e)
{
	return gen_write(g, false, e);
}

/*
 * The generation made whole, then current: the apply's point of no
 * return.  The directory's one fsync, after both renames, makes both
 * durable before the caller removes the transaction record; until then
 * a crash rolls the apply back whatever it left of them.
 */
int
gen_commit(struct gen *g, struct fwconf_err *e)
{
	if (gen_write(g, true, e) == -1)
		return -1;
	return point_current(g->n, e);
}

/*
 * A crash between the two renames of gen_commit, before the fsync that
 * makes both durable, may leave `current` naming generation n, the one
 * the unfinished transaction was making, while gen.n itself never
 * reached the disk.  Then `current` goes back to the newest generation
 * before n: the transaction is rolled back as if current had never
 * moved.  0, or -1 with e filled.
 */
int
gen_settle_current(long n, struct fwconf_err *e)
{
	long prev;

	if (n <= 0 || current_number() != n || gen_exists(n))
		return 0;
	for (prev = n - 1; prev > 0 && !gen_exists(prev); prev--)
		;
	if (prev == 0) {
		char link[PATH_MAX];

		if (state_dir(link, sizeof(link), "current") == -1 ||
		    (fwconf_unlink(link) == -1 && errno != ENOENT))
			return fwconf_fail_errno(e, "current");
		return 0;
	}
	return point_current(prev, e);
}

/* A generation written but never made current goes. */
void
gen_abandon(struct gen *g)
{
	char link[PATH_MAX], target[64];
	ssize_t n;

	if (g->path[0] == '\0')
		return;
	if (state_dir(link, sizeof(link), "current") == 0 &&
	    (n = fwconf_readlink(link, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		if (strcmp(target, strrchr(g->path, '/') + 1) == 0)
			return;
	}
	fwconf_unlink(g->path);
}

long
gen_keep(void)
{
	return env_number("FW_KEEP_GENERATIONS", 1, 100000, KEEP_DEFAULT, NULL);
}

/*
 * Every hash a table's values name (a transaction), or only those of
 * names starting with prefix (a tree: its files are hashes of what was
 * installed, not kept in the store).
 */
static void
live_hashes(const struct fwconf_table *t, const char *prefix, char ***v,
    size_t *n, size_t *cap)
{
	const char *p, *val;
	size_t i, len;

	for (i = 0; i < t->nrecs; i++) {
		if (t->recs[i].deleted || (prefix != NULL &&
		    strncmp(t->recs[i].name, prefix, strlen(prefix)) != 0))
			continue;
		for (val = t->recs[i].value; (p = strpbrk(val,
		    "0123456789abcdef")) != NULL; val = p + len) {
			len = strspn(p, "0123456789abcdef");
			if (len == HASH_LEN && (p == t->recs[i].value ||
			    strchr(" =", p[-1]) != NULL)) {
				*v = xgrow(*v, *n, cap, sizeof(**v));
				(*v)[(*n)++] = strndup(p, HASH_LEN);
			}
		}
	}
}

/* The number of the generation `current` names, or 0. */
static long
current_number(void)
{
	char link[PATH_MAX], target[64], *end;
	ssize_t n;
	long num;

	if (state_dir(link, sizeof(link), "current") == -1 ||
	    (n = fwconf_readlink(link, target, sizeof(target) - 1)) == -1)
		return 0;
	target[n] = '\0';
	if (strncmp(target, "gen.", 4) != 0)
		return 0;
	num = strtol(target + 4, &end, 10);
	return *end == '\0' && num > 0 ? num : 0;
}

/* A generation found in the state directory: its number and identity. */
struct found {
	long	 n;
	char	 id[FILE_ID_MAX];
};

/*
 * The hashes generation g (its file at path) names in the store, onto
 * live: from the cache while the file is the one it saw, else read.
 */
static void
gen_names(struct gencache *c, const struct found *g, const char *path,
    char ***live, size_t *nlive, size_t *cap)
{
	struct fwconf_table t;
	struct fwconf_err e;
	const char *cached, *p;
	size_t from = *nlive;

	if ((cached = gencache_get(c, g->n, g->id)) != NULL) {
		for (p = cached; *p != '\0'; p += HASH_LEN + (p[HASH_LEN] == ' ')) {
			*live = xgrow(*live, *nlive, cap, sizeof(**live));
			(*live)[(*nlive)++] = strndup(p, HASH_LEN);
		}
		return;
	}
	if (fwconf_table_read(&t, path, &e) == 0) {
		live_hashes(&t, "tree:settings/", live, nlive, cap);
		gencache_put(c, g->n, g->id, *live + from, *nlive - from);
	}
	fwconf_table_free(&t);
}

/*
 * The generations in the state directory: regular files gen.N, each
 * looked at once, by name in the directory, so that a link named gen.99
 * neither counts nor leads anywhere.
 */
static struct found *
find_gens(const char *dir, size_t *np)
{
	struct found *v = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0, cap = 0;
	long num;
	char *end;
	DIR *d;

	*np = 0;
	if ((d = fwconf_opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "gen.", 4) == 0 &&
		    (num = strtol(de->d_name + 4, &end, 10)) > 0 && *end == '\0' &&
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode)) {
			v = xgrow(v, n, &cap, sizeof(*v));
			v[n].n = num;
			file_identity(&st, v[n].id, sizeof(v[n].id));
			n++;
		}
	closedir(d);
	*np = n;
	return v;
}

/*
 * Keep the newest FW_KEEP_GENERATIONS, and always the current one; the
 * store keeps what is named.
 */
void
gen_prune(void)
{
	char dir[PATH_MAX], path[PATH_MAX], **live = NULL;
	struct gencache cache;
	struct fwconf_table t;
	struct fwconf_err e;
	struct found *gens;
	long keep = gen_keep(), cur = current_number();
	size_t n, cap = 0, nlive = 0, i, j, u, newer;

	if (state_dir(dir, sizeof(dir), "") == -1 ||
	    (gens = find_gens(dir, &n)) == NULL)
		return;
	gencache_load(&cache);
	for (i = 0; i < n; i++) {
		pathf(path, sizeof(path), "%s/gen.%ld", dir, gens[i].n);
		/* Newest first by number: the n-keep smallest go. */
		for (j = 0, newer = 0; j < n; j++)
			newer += gens[j].n > gens[i].n;
		if ((long)newer >= keep && gens[i].n != cur) {
			fwconf_unlink(path);
			continue;
		}
		gen_names(&cache, &gens[i], path, &live, &nlive, &cap);
	}
	free(gens);
	gencache_save(&cache);
	gencache_free(&cache);
	/* What an unfinished transaction names stays too. */
	if (state_dir(path, sizeof(path), "txn") == 0 &&
	    fwconf_table_read(&t, path, &e) == 0)
		live_hashes(&t, NULL, &live, &nlive, &cap);
	fwconf_table_free(&t);
	if (nlive > 0)
		qsort(live, nlive, sizeof(*live), str_cmp);
	/* Once each: most generations name the same settings. */
	for (i = 1, u = nlive > 0; i < nlive; i++)
		if (strcmp(live[i], live[u - 1]) != 0)
			live[u++] = live[i];
		else
			free(live[i]);
	nlive = u;
	store_gc(live, nlive);
	for (i = 0; i < nlive; i++)
		free(live[i]);
	free(live);
}

/* ---- settings files ---- */

/* The hash of settings file input as it is now; *exists false if none. */
int
settings_hash(const char *input, hash_t out, bool *exists,
    struct fwconf_err *e)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int r;

	if (fwconf_settings_path(path, sizeof(path), input) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long", input);
	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) == -1)
		return -1;
	*exists = r == 0;
	hash_buf(r == 0 ? buf : "", r == 0 ? len : 0, out);
	free(buf);
	return 0;
}

/* A secret's fingerprint: salted, so that a weak password is not found
 * by hashing guesses, and kept only under the 0700 state directory. */
void
secret_hash(const char *input, const char *key, const char *value,
    hash_t out)
{
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, (const uint8_t *)salt, strlen(salt));
	SHA256Update(&ctx, (const uint8_t *)input, strlen(input) + 1);
	SHA256Update(&ctx, (const uint8_t *)key, strlen(key) + 1);
	SHA256Update(&ctx, (const uint8_t *)value, strlen(value));
	SHA256End(&ctx, out);
}

/* The secrets of input as fingerprints in g's tree, never their values. */
static int
snapshot_secrets(struct gen *g, const char *input, struct fwconf_err *e)
{
	char path[PATH_MAX], name[PATH_MAX];
	struct fwconf_file f;
	hash_t h;
	size_t i;

	for (i = 0; i < g->tree.nrecs; i++) {
		snprintf(name, sizeof(name), "secret/%s/", input);
		if (strncmp(g->tree.recs[i].name, name, strlen(name)) == 0)
			fwconf_table_delete(&g->tree, i);
	}
	if (fwconf_secrets_path(path, sizeof(path), input) == -1 ||
	    fwconf_file_read(&f, path, e) == -1)
		return -1;
	for (i = 0; i < f.nlines; i++)
		if (f.lines[i].key != NULL && *f.lines[i].value != '\0') {
			secret_hash(input, f.lines[i].key, f.lines[i].value, h);
			snprintf(name, sizeof(name), "secret/%s/%s", input,
			    f.lines[i].key);
			tab_set(&g->tree, name, h);
		}
	for (i = 0; i < f.nlines; i++)
		if (f.lines[i].value != NULL)
			explicit_bzero(f.lines[i].value,
			    strlen(f.lines[i].value));
	fwconf_file_free(&f);
	return 0;
}

/* Settings file input, as it is now, into g: stored, named in its tree. */
int
snapshot_input(struct gen *g, const char *input, struct fwconf_err *e)
{
	char path[PATH_MAX], name[PATH_MAX], *buf;
	const char *prev;
	size_t len;
	hash_t h;
	int r;

	if (fwconf_settings_path(path, sizeof(path), input) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long", input);
	snprintf(name, sizeof(name), "settings/%s", input);
	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) == -1)
		return -1;
	if (r == 1)
		tab_unset(&g->tree, name);
	else {
		/* The version before may then be kept as a delta. */
		prev = tab_get(&g->tree, name);
		r = store_put_over(buf, len, prev, h, e);
		free(buf);
		if (r == -1)
			return -1;
		tab_set(&g->tree, name, h);
	}
	return snapshot_secrets(g, input, e);
}
