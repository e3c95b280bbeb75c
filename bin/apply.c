/*
 * apply.c: the engine of fw-apply (apply.h).  For each pending unit of
 * the catalogue (fw-units(5)) it renders the files, checks them all with
 * the daemons' own parsers, records the transaction, installs those that
 * changed and reloads, restarts or defers as the unit says; a failure
 * puts every file back and tells the daemons again.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sha2.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "confirm.h"
#include "run.h"
#include "unitcache.h"
#include "util.h"

#ifndef MPFW_VERSION
#define MPFW_VERSION "0"
#endif

const char *const action_names[] = {
	"none", "reload", "restart", "defer", "start", "stop"
};

bool watcher;

void
say_error(const struct fwconf_err *e)
{
	if (watcher)
		syslog(LOG_ERR, "%s", e->msg);
	else
		warnx("%s", e->msg);
}

void
apply_load(struct apply *a)
{
	struct fwconf_err e;

	if (units_load(&a->units, &e) == -1 ||
	    gen_current(&a->cur, &e) == -1)
		die(&e);
}

/* ---- stamps ---- */

/*
 * A cache of the inputs' hashes, ROOT/var/lib/mpfw/hashes (0600): per
 * settings file, the device, inode, size, modification and change times
 * of it and of its secrets file, and the hash of the two, so that an apply
 * with nothing pending reads neither (a table of a hundred thousand DNS
 * entries is 2 MB to hash).  An entry is trusted only when both files
 * are still those it names; none is made for a file changed in the last
 * two seconds, whose times a change within the same clock tick would not
 * change (git's "racy" files); the renders of a past generation
 * (FW_SETTINGS_DIR) does without it.  Losing it costs a hash, no more.
 */
struct hcache {
	char	 name[64];
	char	 id[2][FILE_ID_MAX];
	char	 hash[SHA256_DIGEST_STRING_LENGTH];
};

static struct hcache *hc;
static size_t nhc;
static bool hc_loaded, hc_dirty;

/* The hash of an entry's own fields, which ends its line. */
static void
hc_check(const struct hcache *h, char out[SHA256_DIGEST_STRING_LENGTH])
{
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, (const uint8_t *)h->name, strlen(h->name) + 1);
	SHA256Update(&ctx, (const uint8_t *)h->id[0], strlen(h->id[0]) + 1);
	SHA256Update(&ctx, (const uint8_t *)h->id[1], strlen(h->id[1]) + 1);
	SHA256Update(&ctx, (const uint8_t *)h->hash, strlen(h->hash));
	SHA256End(&ctx, out);
}

static void
hc_load(void)
{
	char path[PATH_MAX], *buf, *line, *next;
	char check[SHA256_DIGEST_STRING_LENGTH], want[SHA256_DIGEST_STRING_LENGTH];
	struct fwconf_err e;
	struct hcache h;
	size_t len;

	hc_loaded = true;
	if (state_dir(path, sizeof(path), "hashes") == -1 ||
	    fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return;
	for (line = buf; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			break;		/* cut short: not trusted */
		*next++ = '\0';
		if (sscanf(line, "%63s %127s %127s %64s %64s", h.name, h.id[0],
		    h.id[1], h.hash, check) != 5 || strlen(h.hash) != 64 ||
		    strspn(h.hash, "0123456789abcdef") != 64)
			continue;
		/* A line of two writers at once, or cut by a crash: not one
		 * that its own hash vouches for. */
		hc_check(&h, want);
		if (strcmp(check, want) != 0)
			continue;
		hc = xreallocarray(hc, nhc + 1, sizeof(*hc));
		hc[nhc++] = h;
	}
	free(buf);
}

static void
hc_save(void)
{
	char check[SHA256_DIGEST_STRING_LENGTH], *buf = NULL;
	size_t i, len = 0;
	FILE *m;

	hc_dirty = false;
	if ((m = open_memstream(&buf, &len)) == NULL)
		return;
	for (i = 0; i < nhc; i++) {
		hc_check(&hc[i], check);
		fprintf(m, "%s %s %s %s %s\n", hc[i].name, hc[i].id[0],
		    hc[i].id[1], hc[i].hash, check);
	}
	if (fclose(m) == 0)
		state_cache_write("hashes", buf, len, false);
	free(buf);
}

/* What identifies path's file: "absent", or its device, inode, size and
 * times; false when it cannot be cached (not a regular file, or changed
 * in the last two seconds). */
static bool
file_id(const char *path, char *buf, size_t size, time_t now)
{
	struct stat st;

	if (fwconf_lstat(path, &st) == -1) {
		snprintf(buf, size, "absent");
		return errno == ENOENT;
	}
	file_identity(&st, buf, size);
	return S_ISREG(st.st_mode) && !changed_lately(&st, now);
}

/* A settings file and its secrets, hashed together. */
static void
hash_input(const char *input, char out[SHA256_DIGEST_STRING_LENGTH])
{
	char path[2][PATH_MAX], *buf, id[2][128];
	struct fwconf_err e;
	SHA2_CTX ctx;
	size_t len, k = 0;
	bool cache;
	int i, r;

	if (fwconf_settings_path(path[0], sizeof(path[0]), input) == -1 ||
	    fwconf_secrets_path(path[1], sizeof(path[1]), input) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", input);
	cache = getenv("FW_SETTINGS_DIR") == NULL && strlen(input) < 64;
	if (cache) {
		time_t now = time(NULL);

		if (!hc_loaded)
			hc_load();
		cache = file_id(path[0], id[0], sizeof(id[0]), now);
		cache = file_id(path[1], id[1], sizeof(id[1]), now) && cache;
		for (k = 0; k < nhc && strcmp(hc[k].name, input) != 0; k++)
			;
		if (cache && k < nhc && strcmp(hc[k].id[0], id[0]) == 0 &&
		    strcmp(hc[k].id[1], id[1]) == 0) {
			memcpy(out, hc[k].hash, SHA256_DIGEST_STRING_LENGTH);
			return;
		}
	}
	SHA256Init(&ctx);
	for (i = 0; i < 2; i++) {
		if ((r = fwconf_read_all(path[i], &buf, &len, NULL, &e)) == -1)
			die(&e);
		if (r == 1)
			SHA256Update(&ctx, (const uint8_t *)"absent", 7);
		else {
			SHA256Update(&ctx, (const uint8_t *)"present", 8);
			SHA256Update(&ctx, (const uint8_t *)buf, len);
			explicit_bzero(buf, len);
		}
		free(buf);
	}
	SHA256End(&ctx, out);
	if (!cache)
		return;
	if (k == nhc) {
		hc = xreallocarray(hc, nhc + 1, sizeof(*hc));
		strlcpy(hc[nhc++].name, input, sizeof(hc->name));
	}
	memcpy(hc[k].id, id, sizeof(id));
	memcpy(hc[k].hash, out, SHA256_DIGEST_STRING_LENGTH);
	hc_dirty = true;
}

bool
unit_enabled(const struct fwconf_unit *u)
{
	const struct fwconf_schema *schema;
	const struct fwconf_key *k;
	struct fwconf_settings s;
	struct fwconf_err e;
	const char *bad;
	bool on;

	if (u->enable_file == NULL)
		return true;
	schema = fwconf_schema_builtin(u->enable_file);
	k = fwconf_key_find(schema, u->enable_key);
	if (fwconf_settings_open(&s, schema, &e) == -1)
		die(&e);
	if ((bad = fwconf_settings_invalid(&s, k)) != NULL)
		errx(FWCONF_REFUSED, "%s: %s", u->name, bad);
	if (u->enable_values != NULL) {
		char *vals = xstrdup(u->enable_values), *p;

		for (p = vals; (p = strchr(p, ',')) != NULL; p++)
			*p = ' ';
		on = fwconf_list_has(vals, fwconf_settings_get(&s, k));
		free(vals);
	} else
		on = strcmp(fwconf_settings_get(&s, k), "yes") == 0;
	fwconf_settings_close(&s);
	return on;
}

/*
 * A file written by hand (fw-units(5) `hand`), as installed: its content
 * hashed, or "absent".
 */
static void
hash_hand(const char *target, char out[SHA256_DIGEST_STRING_LENGTH])
{
	char path[PATH_MAX], *buf;
	struct fwconf_err e;
	size_t len;
	int r;

	installed_path(path, sizeof(path), target);
	if ((r = fwconf_read_all(path, &buf, &len, NULL, &e)) == -1)
		die(&e);
	if (r == 1) {
		strlcpy(out, "absent", SHA256_DIGEST_STRING_LENGTH);
		return;
	}
	SHA256Data((const uint8_t *)buf, len, out);
	free(buf);
}

/*
 * "def=H version=V enabled=B in.NAME=H ... hand.TARGET=H ...": each part
 * can be told.  A file written by hand counts as an input: an edit makes
 * the unit pending.  A target has no space; it may have a '=', so a part
 * is split at its last one.
 */
char *
make_stamp(const struct fwconf_unit *u, bool enabled)
{
	char def[SHA256_DIGEST_STRING_LENGTH], h[SHA256_DIGEST_STRING_LENGTH];
	char *stamp, *next;
	size_t i;

	SHA256Data((const uint8_t *)u->definition, strlen(u->definition), def);
	if (asprintf(&stamp, "def=%s version=%s enabled=%s", def, MPFW_VERSION,
	    enabled ? "yes" : "no") == -1)
		err(FWCONF_SYSTEM, NULL);
	for (i = 0; i < u->ninputs; i++) {
		hash_input(u->inputs[i], h);
		if (asprintf(&next, "%s in.%s=%s", stamp, u->inputs[i], h) == -1)
			err(FWCONF_SYSTEM, NULL);
		free(stamp);
		stamp = next;
	}
	for (i = 0; i < u->nfiles; i++) {
		if (!u->files[i].hand)
			continue;
		hash_hand(u->files[i].target, h);
		if (asprintf(&next, "%s hand.%s=%s", stamp, u->files[i].target,
		    h) == -1)
			err(FWCONF_SYSTEM, NULL);
		free(stamp);
		stamp = next;
	}
	if (hc_dirty)
		hc_save();
	return stamp;
}

/* The value of part (e.g. "enabled") in a stamp, or NULL. */
static char *
stamp_part(const char *stamp, const char *part)
{
	size_t n = strlen(part);
	const char *p;

	for (p = stamp; p != NULL && *p != '\0'; p = strchr(p, ' ')) {
		p += *p == ' ';
		if (strncmp(p, part, n) == 0 && p[n] == '=')
			return strndup(p + n + 1, strcspn(p + n + 1, " "));
	}
	return NULL;
}

const char *
stored_stamp(const struct gen *g, const char *unit)
{
	return tab_get(&g->stamps, unit);
}

bool
stamp_enabled(const struct gen *g, const struct fwconf_unit *u, bool dflt)
{
	const char *stamp = stored_stamp(g, u->name);
	char *on = stamp != NULL ? stamp_part(stamp, "enabled") : NULL;
	bool r = on != NULL ? strcmp(on, "yes") == 0 : dflt;

	free(on);
	return r;
}

/* Why a unit is pending, for status; NULL if it is not. */
char *
pending_reason(const char *old, const char *new)
{
	char *reason = NULL, *next, *word, *copy, *save = NULL, *was;
	const char *why;

	if (old == NULL)
		return xstrdup("never applied");
	if (strcmp(old, new) == 0)
		return NULL;
	copy = xstrdup(new);
	for (word = strtok_r(copy, " ", &save); word != NULL;
	    word = strtok_r(NULL, " ", &save)) {
		char *eq = strrchr(word, '=');

		*eq = '\0';
		was = stamp_part(old, word);
		if (was == NULL || strcmp(was, eq + 1) != 0) {
			why = strcmp(word, "def") == 0 ? "unit definition" :
			    strcmp(word, "version") == 0 ? "mpfw version" :
			    strcmp(word, "enabled") == 0 ? "switched on or off" :
			    strncmp(word, "in.", 3) == 0 ? word + 3 :
			    strncmp(word, "hand.", 5) == 0 ? word + 5 : NULL;
			if (why != NULL) {
				if (asprintf(&next, "%s%s%s%s", reason ?
				    reason : "", reason ? ", " : "", why,
				    strncmp(word, "in.", 3) == 0 ||
				    strncmp(word, "hand.", 5) == 0 ||
				    strcmp(word, "def") == 0 ||
				    strcmp(word, "version") == 0 ?
				    " changed" : "") == -1)
					err(FWCONF_SYSTEM, NULL);
				free(reason);
				reason = next;
			}
		}
		free(was);
	}
	free(copy);
	return reason != NULL ? reason : xstrdup("inputs changed");
}

/* The tools' files that are not settings of a schema: their tables. */
static const char *const tool_tables[] = { "dns", "sensors", "maint-keys" };
#define NTOOL_TABLES (sizeof(tool_tables) / sizeof(tool_tables[0]))

/*
 * Every settings file some unit reads, and every tool's, whether a unit
 * reads it here or not: export and import take them all.
 */
char **
all_inputs(const struct fwconf_units *us, size_t *np)
{
	const struct fwconf_schema *schemas;
	char **v = NULL;
	size_t i, f, k, n = 0, ns;

	schemas = fwconf_schema_builtin_all(&ns);
	for (i = 0; i < us->n + ns + NTOOL_TABLES; i++)
		for (f = 0; f < (i < us->n ? us->v[i].ninputs : 1); f++) {
			const char *name = i < us->n ? us->v[i].inputs[f] :
			    i < us->n + ns ? schemas[i - us->n].name :
			    tool_tables[i - us->n - ns];

			for (k = 0; k < n && strcmp(v[k], name) != 0; k++)
				;
			if (k == n) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = (char *)name;
			}
		}
	*np = n;
	return v;
}

/* ---- the stage: candidates, never shared ---- */

/*
 * Where stages are made: ROOT/run/mpfw, a tmpfs on every Debian, since
 * candidates live only as long as an apply, and making and removing a
 * score of files on the disk of the state directory, with its journal,
 * costs an apply of one DNS entry a tenth of its time.  The stages of
 * an mpfw of before are swept from the state directory too.
 */
static void
stage_base(char *buf, size_t size)
{
	if (fwconf_path(buf, size, "/run/mpfw") == -1)
		errx(FWCONF_SYSTEM, "/run/mpfw: path too long");
}

void
make_stage(struct apply *a)
{
	char base[PATH_MAX], lock[PATH_MAX];
	struct fwconf_err e;
	unsigned int r = arc4random();

	if (state_init(&e) == -1)
		die(&e);
	stage_base(base, sizeof(base));
	/* /run stays 0755, as the system has it. */
	if (fwconf_mkdirs_parent(base, &e) == -1 ||
	    fwconf_mkdirs(base, 0700, &e) == -1)
		die(&e);
	pathf(a->stage, sizeof(a->stage), "%s/stage.%ld.%08x", base,
	    (long)getpid(), r);
	if (fwconf_mkdir(a->stage, 0700) != 0)
		err(FWCONF_SYSTEM, "%s", a->stage);
	/* Held while the stage lives: the sweep takes only stages whose
	 * owner is gone. */
	pathf(lock, sizeof(lock), "%s/.owner", a->stage);
	if ((a->stage_lock = fwconf_open(lock, O_RDWR | O_CREAT | O_NOFOLLOW,
	    0600)) == -1 || flock(a->stage_lock, LOCK_EX) == -1)
		err(FWCONF_SYSTEM, "%s", lock);
}

void
drop_stage(struct apply *a)
{
	if (a->stage[0] == '\0')
		return;
	fwconf_rm_tree(a->stage);
	close(a->stage_lock);
	a->stage[0] = '\0';
}

/* Is the process whose pid a stage's name carries (stage.PID.X) alive? */
static bool
owner_alive(const char *name)
{
	char *end;
	long pid = strtol(name + 6, &end, 10);

	return pid > 0 && *end == '.' && (kill((pid_t)pid, 0) == 0 ||
	    errno == EPERM);
}

/* The stages in dir, and generations, a killed process left. */
static void
sweep_dir(const char *dir)
{
	char path[PATH_MAX], lock[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if ((d = fwconf_opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path))
			continue;
		if (strncmp(de->d_name, ".gen.tmp.", 9) == 0) {
			/* Left by an mpfw that built generations in
			 * directories; nothing makes them now. */
			fwconf_rm_tree(path);
			continue;
		}
		if (strncmp(de->d_name, "stage.", 6) != 0 ||
		    (size_t)snprintf(lock, sizeof(lock), "%s/.owner", path) >=
		    sizeof(lock))
			continue;
		/* We make stages as directories: anything else goes. */
		if (fwconf_lstat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
			fwconf_unlink(path);
			continue;
		}
		fd = fwconf_open(lock, O_RDWR | O_NOFOLLOW, 0);
		if (fd == -1 && errno != ENOENT)
			continue;
		/* No owner file yet: its maker may be about to write it,
		 * unless the pid in the name is gone or it is old. */
		if (fd == -1 && owner_alive(de->d_name) &&
		    time(NULL) - st.st_mtime < 60)
			continue;
		if (fd == -1 || flock(fd, LOCK_EX | LOCK_NB) == 0)
			fwconf_rm_tree(path);
		if (fd != -1)
			close(fd);
	}
	closedir(d);
}

/* Stages and generations a killed process left: provably abandoned. */
void
sweep_stages(void)
{
	char dir[PATH_MAX];

	stage_base(dir, sizeof(dir));
	sweep_dir(dir);
	if (state_dir(dir, sizeof(dir), "") == 0)
		sweep_dir(dir);
}

/* ---- rendering and checking ---- */

/* Bytes up to n, as read(2) gives them; 0 at the end, -1. */
static ssize_t
read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		if ((r = read(fd, buf + got, n - got)) == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Is the candidate a the same as the installed file b?  Sizes first, then
 * the bytes a piece at a time: a bulk hosts file of 100,000 entries is
 * 4 MB, never held whole.
 */
static bool
same_content(const char *a, const char *b)
{
	static char x[65536], y[65536];
	struct stat sa, sb;
	ssize_t nx, ny;
	bool same = false;
	int fa, fb;

	if ((fa = fwconf_open(a, O_RDONLY, 0)) == -1)
		err(FWCONF_SYSTEM, "%s", a);
	if ((fb = fwconf_open(b, O_RDONLY, 0)) == -1) {
		close(fa);
		return false;
	}
	if (fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 &&
	    sa.st_size == sb.st_size && S_ISREG(sb.st_mode))
		for (;;) {
			nx = read_full(fa, x, sizeof(x));
			ny = read_full(fb, y, sizeof(y));
			if (nx == -1 || nx != ny || memcmp(x, y, (size_t)nx) != 0)
				break;
			if (nx == 0) {
				same = true;
				break;
			}
		}
	close(fa);
	close(fb);
	return same;
}

void
installed_path(char *buf, size_t size, const char *target)
{
	if (fwconf_path(buf, size, target) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", target);
}

void
show_output(const char *output)
{
	size_t n = output != NULL ? strlen(output) : 0;

	if (n == 0 || watcher)
		return;
	fputs(output, stderr);
	if (output[n - 1] != '\n')
		fputc('\n', stderr);
}

/* The unit's group, looked up before anything is installed. */
static bool
resolve_group(struct job *j)
{
	struct group *gr;

	j->gid = (gid_t)-1;
	if (j->u->group == NULL)
		return true;
	if ((gr = getgrnam(j->u->group)) == NULL) {
		warnx("%s: group %s: no such group", j->u->name, j->u->group);
		return false;
	}
	j->gid = gr->gr_gid;
	return true;
}

/* A secret unit's files are never world-readable; 0600 unless a group
 * of the unit's reads them. */
static mode_t
installed_mode(const struct fwconf_unit *u, size_t file)
{
	if (!u->secret)
		return u->files[file].mode;
	return u->group != NULL ? u->files[file].mode & 0660 : 0600;
}

/*
 * A file written by hand is its own candidate: a copy of the installed
 * file goes to the stage, where the check reads it (%f, %d) with the
 * unit's other files; nothing is ever installed over it.  Changed since
 * the last apply (the hash in the stamps), it counts as a change of the
 * unit, which is then checked and reloaded; the file is not.
 */
static bool
stage_hand(struct apply *a, struct job *j, size_t i, const char *installed)
{
	const char *target = j->u->files[i].target;
	const char *old = stored_stamp(&a->cur, j->u->name);
	struct fwconf_err e;
	char *buf, *part, *was, *now;
	size_t len;
	int r;

	if ((r = fwconf_read_all(installed, &buf, &len, NULL, &e)) == -1)
		die(&e);
	if (r == 1) {
		warnx("%s: %s: no such file; it is written by hand "
		    "(fw-units(5)), and the unit is on", j->u->name, target);
		return false;
	}
	if (fwconf_write_atomic(j->cand[i], buf, len, 0600, (uid_t)-1,
	    (gid_t)-1, &e) == -1)
		die(&e);
	free(buf);
	if (asprintf(&part, "hand.%s", target) == -1)
		err(FWCONF_SYSTEM, NULL);
	was = old != NULL ? stamp_part(old, part) : NULL;
	now = stamp_part(j->stamp, part);
	if (was == NULL || now == NULL || strcmp(was, now) != 0)
		j->nchanged++;
	free(part);
	free(was);
	free(now);
	return true;
}

/* Does the unit have a file written by hand? */
static bool
has_hand(const struct fwconf_unit *u)
{
	size_t i;

	for (i = 0; i < u->nfiles; i++)
		if (u->files[i].hand)
			return true;
	return false;
}

/* Do paths a and b (or NULL) name files of the same directory? */
static bool
same_parent(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb;

	if (b == NULL || sa == NULL || (sb = strrchr(b, '/')) == NULL)
		return false;
	return sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
}

/*
 * Make the job's stage: the names of its candidates, their directories,
 * and the copies of its files written by hand.  False, having said why,
 * on failure.
 */
static bool
stage_job(struct apply *a, struct job *j)
{
	const struct fwconf_unit *u = j->u;
	char installed[PATH_MAX];
	const char *made = NULL;
	struct fwconf_err e;
	size_t i;

	pathf(j->dir, sizeof(j->dir), "%s/%s", a->stage, u->name);
	/* Zeroed: a render that fails leaves the files after it unset. */
	j->cand = xreallocarray(NULL, u->nfiles, sizeof(*j->cand));
	j->changed = xreallocarray(NULL, u->nfiles, sizeof(*j->changed));
	memset(j->cand, 0, u->nfiles * sizeof(*j->cand));
	for (i = 0; i < u->nfiles; i++) {
		j->changed[i] = false;
		if (asprintf(&j->cand[i], "%s%s", j->dir, u->files[i].target) ==
		    -1)
			err(FWCONF_SYSTEM, NULL);
		/* The files of a unit are often in one directory. */
		if (!same_parent(j->cand[i], made) &&
		    fwconf_mkdirs_parent(j->cand[i], &e) == -1)
			die(&e);
		made = j->cand[i];
		if (u->files[i].hand) {
			installed_path(installed, sizeof(installed),
			    u->files[i].target);
			if (!stage_hand(a, j, i, installed))
				return false;
		}
	}
	return true;
}

/* A command of a pool about a job: the job, its file, and %t. */
struct job_task {
	struct job *j;
	size_t	 file;
	char	 installed[PATH_MAX];	/* %t */
};

/* Say why the first render that failed, in catalogue order, failed. */
static void
render_failed(const struct job_task *rs, const struct run_task *t, size_t n)
{
	const struct fwconf_unit *u;
	const char *target;
	size_t i;

	for (i = 0; i < n && (t[i].output == NULL || t[i].status == 0); i++)
		;
	if (i == n)
		return;
	u = rs[i].j->u;
	target = u->files[rs[i].file].target;
	if (t[i].status == -1)
		warnx("%s: render of %s: %s", u->name, target, t[i].err.msg);
	else
		warnx("%s: render of %s failed (exit %d):", u->name, target,
		    t[i].status);
	show_output(t[i].output);
}

/*
 * Render every file of the n jobs, side by side (run_pool): a hosts
 * directory is sixteen renders, a full apply one or more a unit.  Then
 * each candidate is compared with the installed file.  False, having said
 * why, on failure: the first render that failed, in catalogue order, as
 * if they had run one after the other, and none started after it.
 */
bool
render_jobs(struct apply *a, struct job **js, size_t n)
{
	struct job_task *rs;
	struct run_task *t;
	size_t k, i, nt = 0;
	bool ok;

	for (k = 0; k < n; k++) {
		if (!stage_job(a, js[k]))
			return false;
		for (i = 0; i < js[k]->u->nfiles; i++)
			nt += !js[k]->u->files[i].hand;
	}
	rs = xreallocarray(NULL, nt + 1, sizeof(*rs));
	t = xreallocarray(NULL, nt + 1, sizeof(*t));
	memset(t, 0, (nt + 1) * sizeof(*t));
	for (k = 0, nt = 0; k < n; k++)
		for (i = 0; i < js[k]->u->nfiles; i++) {
			if (js[k]->u->files[i].hand)
				continue;
			rs[nt].j = js[k];
			rs[nt].file = i;
			installed_path(rs[nt].installed,
			    sizeof(rs[nt].installed), js[k]->u->files[i].target);
			t[nt].cmd = js[k]->u->files[i].render;
			t[nt].paths.candidate = js[k]->cand[i];
			t[nt].paths.target = rs[nt].installed;
			t[nt].paths.stage = js[k]->dir;
			t[nt].stdout_path = js[k]->cand[i];
			t[nt].mode = 0600;
			nt++;
		}
	if (!(ok = run_pool(t, nt, true)))
		render_failed(rs, t, nt);
	for (i = 0; i < nt; i++) {
		struct job *j = rs[i].j;

		if (ok) {
			j->changed[rs[i].file] = !same_content(
			    j->cand[rs[i].file], rs[i].installed);
			j->nchanged += j->changed[rs[i].file];
		}
		free(t[i].output);
	}
	free(rs);
	free(t);
	return ok;
}

/* Render each file of the job; false, having said why, on failure. */
bool
render_job(struct apply *a, struct job *j)
{
	return render_jobs(a, &j, 1);
}

static void
check_failed(const struct job *j, int st, const struct fwconf_err *e,
    const char *out)
{
	if (st == -1)
		warnx("%s: check: %s", j->u->name, e->msg);
	else
		warnx("%s: check failed (exit %d), nothing installed:",
		    j->u->name, st);
	show_output(out);
}

/*
 * The daemons' own checkers on each unit's candidates, all of a unit's
 * files together, side by side (run_pool), reported in catalogue order,
 * so that every broken unit is named at once.
 */
static bool
check_jobs(struct apply *a)
{
	struct run_task *t = xreallocarray(NULL, a->njobs + 1, sizeof(*t));
	struct job_task *rs = xreallocarray(NULL, a->njobs + 1, sizeof(*rs));
	size_t i, n = 0;
	bool ok = true;

	memset(t, 0, (a->njobs + 1) * sizeof(*t));
	for (i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];

		/* A file written by hand is checked before every action
		 * that makes the daemon read it. */
		if (j->cand == NULL || !(j->nchanged > 0 || (has_hand(j->u) &&
		    j->action != ACT_NONE && j->action != ACT_STOP)))
			continue;
		rs[n].j = j;
		installed_path(rs[n].installed, sizeof(rs[n].installed),
		    j->u->files[0].target);
		t[n].cmd = j->u->check;
		t[n].paths.candidate = j->cand[0];
		t[n].paths.target = rs[n].installed;
		t[n].paths.stage = j->dir;
		n++;
	}
	run_pool(t, n, false);
	for (i = 0; i < n; i++) {
		if (t[i].status != 0) {
			check_failed(rs[i].j, t[i].status, &t[i].err,
			    t[i].output);
			ok = false;
		}
		free(t[i].output);
	}
	free(t);
	free(rs);
	return ok;
}

/*
 * A unified diff of a candidate against the installed file, as the root
 * has it: diff(1) gets its contents on stdin, never its path, so that a
 * link out of the root reads as no file, not as what it points to.
 */
void
show_diff(const char *installed, const char *cand, const char *label,
    bool secret)
{
	char newlabel[PATH_MAX + 8], *buf;
	struct fwconf_err e;
	size_t len, off;
	ssize_t n;
	int status, fd, r;
	pid_t pid;

	fflush(stdout);
	if ((r = fwconf_read_all(installed, &buf, &len, NULL, &e)) == -1)
		die(&e);
	if (secret) {
		if (buf != NULL)
			explicit_bzero(buf, len);
		free(buf);
		printf("--- %s%s\n+++ %s\n@@ the unit carries a secret: its "
		    "contents are not shown @@\n", label, r == 0 ? "" :
		    " (new)", label);
		return;
	}
	if ((fd = memfd_create("mpfw-installed", MFD_CLOEXEC)) == -1)
		err(FWCONF_SYSTEM, "memfd_create");
	for (off = 0; off < len; off += (size_t)n)
		if ((n = write(fd, buf + off, len - off)) == -1) {
			if (errno != EINTR)
				err(FWCONF_SYSTEM, "diff of %s", label);
			n = 0;
		}
	free(buf);
	if (lseek(fd, 0, SEEK_SET) == -1)
		err(FWCONF_SYSTEM, "diff of %s", label);
	pathf(newlabel, sizeof(newlabel), "%s (new)", label);
	if ((pid = fork()) == -1)
		err(FWCONF_SYSTEM, "fork");
	if (pid == 0) {
		/* "(new)" marks a file that does not exist yet, nothing else. */
		if (dup2(fd, 0) == -1)
			_exit(127);
		execlp("diff", "diff", "-u", "--label", r == 0 ? label :
		    newlabel, "--label", label, r == 0 ? "-" : "/dev/null",
		    cand, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 1)
		errx(FWCONF_SYSTEM, "diff of %s failed", label);
}

/* The diffs of a rendered job's changed files; how many there were. */
size_t
diff_job(const struct job *j)
{
	char installed[PATH_MAX];
	size_t f, n = 0;

	for (f = 0; j->cand != NULL && f < j->u->nfiles; f++) {
		if (!j->changed[f])
			continue;
		installed_path(installed, sizeof(installed),
		    j->u->files[f].target);
		show_diff(installed, j->cand[f], j->u->files[f].target,
		    j->u->secret);
		n++;
	}
	return n;
}

/* ---- acting ---- */

/* The unit's command for act, or NULL when it has none. */
const char *
action_command(const struct fwconf_unit *u, enum action act)
{
	switch (act) {
	case ACT_RELOAD:
		return u->reload;
	case ACT_RESTART:
		return u->restart;
	case ACT_START:
		return u->start;
	case ACT_STOP:
		return u->stop;
	default:
		return NULL;
	}
}

static enum action
choose_action(const struct apply *a, const struct job *j, bool deferred)
{
	const struct fwconf_unit *u = j->u;

	if (j->was_enabled && !j->enabled)
		return u->stop != NULL ? ACT_STOP : ACT_NONE;
	if (!j->enabled)
		return ACT_NONE;
	if (!j->was_enabled)
		return u->start != NULL ? ACT_START : ACT_RESTART;
	if (j->nchanged == 0 && !(a->full && deferred))
		return ACT_NONE;
	if (a->full)
		return u->restart != NULL ? ACT_RESTART : ACT_RELOAD;
	switch (u->soft) {
	case FWCONF_SOFT_RELOAD:
		return ACT_RELOAD;
	case FWCONF_SOFT_RESTART:
		return ACT_RESTART;
	default:
		return ACT_DEFER;
	}
}

/*
 * Run a unit's command for act: 0, or, having said why as say asks, 1
 * when it failed and -1 when it did not finish.
 */
int
run_action(const struct fwconf_unit *u, enum action act, enum say say)
{
	const char *cmd = action_command(u, act);
	char installed[PATH_MAX], *out;
	struct run_paths p = { 0 };
	struct fwconf_err e, why;
	int st;

	if (cmd == NULL)
		return 0;
	installed_path(installed, sizeof(installed), u->files[0].target);
	p.target = installed;
	st = run_command(cmd, &p, NULL, 0, &out, &why);
	if (st == 0) {
		free(out);
		return 0;
	}
	if (say == SAY_NOTHING) {
		free(out);
		return st == -1 ? -1 : 1;
	}
	if (st == -1)
		fwconf_fail(&e, FWCONF_SYSTEM, "%s: %s: %s", u->name,
		    action_names[act], why.msg);
	else if (say == SAY_LINE)
		fwconf_fail(&e, FWCONF_SYSTEM, "%s: %s failed again (exit %d)",
		    u->name, action_names[act], st);
	else
		fwconf_fail(&e, FWCONF_SYSTEM, "%s: %s failed (exit %d)%s%.900s",
		    u->name, action_names[act], st, *out ? ": " : "", out);
	say_error(&e);
	free(out);
	return st == -1 ? -1 : 1;
}

/* The action that tells a daemon about the file it had before. */
static enum action
undo_action(enum action act)
{
	switch (act) {
	case ACT_START:
		return ACT_STOP;
	case ACT_STOP:
		return ACT_START;
	case ACT_RELOAD:
	case ACT_RESTART:
		return act;
	default:
		return ACT_NONE;
	}
}

static enum action
action_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(action_names[i], name) == 0)
			return (enum action)i;
	return ACT_NONE;
}

/* Which units an undo tells again, and whether it must succeed. */
enum tell { TELL_NOT, TELL_MUST, TELL_TRY };

/*
 * Put every file of the transaction back and tell its units again, as
 * tell says (NULL: all of the record's, each must succeed).  The record is
 * removed when all went well; otherwise it stays, marked, for the next
 * fw-apply, and every file that could not be put back is named.  0 or -1.
 */
static int
roll_back_txn(struct txn *x, const struct fwconf_units *us,
    enum tell (*tell)(void *, const char *), void *arg)
{
	enum tell how;
	const struct fwconf_unit *u;
	struct txn_file f;
	struct fwconf_err e;
	const char *unit, *act;
	size_t i = 0, nbad = 0;
	enum action back;

	while (txn_file_at(x, &i, &f))
		if (txn_restore(&f, &e) == -1) {
			say_error(&e);
			if (!watcher)
				warnx("%s: NOT restored: it holds the new "
				    "content of gen.%ld", f.target, txn_gen(x));
			nbad++;
		}
	for (i = 0; txn_unit_at(x, &i, &unit, &act);) {
		back = undo_action(action_named(act));
		how = tell != NULL ? tell(arg, unit) : TELL_MUST;
		if (back == ACT_NONE || how == TELL_NOT)
			continue;
		if ((u = fwconf_unit_find(us, unit)) == NULL) {
			warnx("%s: no longer in the catalogue: not told of its "
			    "restored file", unit);
			nbad++;
			continue;
		}
		/* The unit whose own action failed was said once already. */
		if (run_action(u, back, how == TELL_MUST ? SAY_LINE :
		    SAY_NOTHING) != 0 && how == TELL_MUST)
			nbad++;
	}
	if (nbad > 0) {
		if (txn_write(x, "undo failed", &e) == -1)
			say_error(&e);
		return -1;
	}
	if (txn_remove(&e) == -1) {
		say_error(&e);
		return -1;
	}
	return 0;
}

/*
 * The undo of a failed apply: a daemon that took its new file must hear
 * of the old one; the one whose action failed most likely kept its old
 * configuration, so telling it again may fail too, quietly; one that hung
 * is not run again (it would hang again); one never told is left alone.
 */
static enum tell
tell_after_failure(void *arg, const char *unit)
{
	struct apply *a = arg;
	size_t i;

	for (i = 0; i < a->njobs; i++)
		if (strcmp(a->jobs[i].u->name, unit) == 0)
			return a->jobs[i].outcome == RAN ? TELL_MUST :
			    a->jobs[i].outcome == FAILED ? TELL_TRY : TELL_NOT;
	return TELL_NOT;
}

static int
undo(struct apply *a)
{
	char gen[64];

	snprintf(gen, sizeof(gen), "gen.%ld", a->next.n);
	if (roll_back_txn(&a->txn, &a->units, tell_after_failure, a) == 0) {
		if (!watcher)
			warnx("the files of this apply are restored and the "
			    "daemons told");
		gen_abandon(&a->next);
		return FWCONF_SYSTEM;
	}
	warnx("the undo of %s did not finish: fw-apply status shows it, the "
	    "next fw-apply tries again", gen);
	return FWCONF_SYSTEM;
}

/*
 * At the start of every verb that holds the lock: an apply killed midway
 * is undone, so that every daemon was told about the file it has.  An
 * apply whose generation was committed is complete.  0, or 3 when the
 * undo could not finish (the record stays for the next try).
 */
int
recover(bool quiet)
{
	struct fwconf_units us;
	struct txn x;
	struct gen cur;
	struct fwconf_err e;
	char name[32], path[PATH_MAX];
	long n;
	int r;

	if ((r = txn_read(&x, &e)) == 1) {
		txn_free(&x);
		return 0;
	}
	if (r == -1)
		die(&e);
	/* What the interrupted apply had begun (its stage, its temporary
	 * generation) goes too: `status` settles only here. */
	sweep_stages();
	n = txn_gen(&x);
	if (gen_settle_current(n, &e) == -1 || gen_current(&cur, &e) == -1)
		die(&e);
	if (n > 0 && cur.n == n) {
		gen_free(&cur);
		txn_free(&x);
		return txn_remove(&e) == 0 ? 0 : FWCONF_SYSTEM;
	}
	gen_free(&cur);
	snprintf(name, sizeof(name), "gen.%ld", n);
	if (state_dir(path, sizeof(path), name) == 0)
		fwconf_rm_tree(path);
	if (units_load(&us, &e) == -1)
		die(&e);
	r = roll_back_txn(&x, &us, NULL, NULL);
	if (r == 0 && !quiet)
		warnx("an interrupted %s (gen.%ld) was undone: its files are "
		    "back as they were and the daemons told", txn_how(&x), n);
	syslog(r == 0 ? LOG_WARNING : LOG_ERR, "interrupted %s (gen.%ld): %s",
	    txn_how(&x), n, r == 0 ? "undone" : "undo did not finish");
	if (r != 0)
		warnx("an interrupted %s (gen.%ld) could not be undone: see "
		    "fw-apply status", txn_how(&x), n);
	txn_free(&x);
	fwconf_units_free(&us);
	return r == 0 ? 0 : FWCONF_SYSTEM;
}

/* ---- choosing ---- */

static bool
is_deferred(const struct gen *g, const char *unit)
{
	return fwconf_table_find(&g->deferred, unit) != -1;
}

struct job *
add_job(struct apply *a, const struct fwconf_unit *u)
{
	const char *old;
	struct job *j;
	char *on;

	j = &a->jobs[a->njobs++];
	memset(j, 0, sizeof(*j));
	j->u = u;
	j->stamp = make_stamp(u, unit_enabled(u));
	j->enabled = strstr(j->stamp, " enabled=yes") != NULL;
	j->gid = (gid_t)-1;
	old = stored_stamp(&a->cur, u->name);
	/* Never applied: as it is now, so the first apply starts nothing
	 * and stops nothing. */
	on = old != NULL ? stamp_part(old, "enabled") : NULL;
	j->was_enabled = on != NULL ? strcmp(on, "yes") == 0 : j->enabled;
	free(on);
	return j;
}

/* The named units, or those pending (and, for -f, those deferred). */
void
select_jobs(struct apply *a, int argc, char *argv[], bool every)
{
	const struct fwconf_unit *u;
	const char *old;
	struct job *j;
	size_t i;
	int k;

	a->jobs = xreallocarray(NULL, a->units.n + 1, sizeof(*a->jobs));
	for (i = 0; i < a->units.n; i++) {
		u = &a->units.v[i];
		for (k = 0; k < argc && strcmp(argv[k], u->name) != 0; k++)
			;
		if (argc > 0 && k == argc)
			continue;
		j = add_job(a, u);
		old = stored_stamp(&a->cur, u->name);
		if (argc == 0 && !every && old != NULL &&
		    strcmp(old, j->stamp) == 0 &&
		    !(a->full && is_deferred(&a->cur, u->name))) {
			free(j->stamp);
			a->njobs--;
		}
	}
}

/*
 * Forget a run's units, generations and jobs, so that another can follow
 * in the same process: a verb after the rollback of an expired countdown.
 */
void
apply_release(struct apply *a)
{
	struct job *j;
	size_t i, f;

	for (i = 0; i < a->njobs; i++) {
		j = &a->jobs[i];
		for (f = 0; j->cand != NULL && f < j->u->nfiles; f++)
			free(j->cand[f]);
		free(j->cand);
		free(j->changed);
		free(j->stamp);
	}
	free(a->jobs);
	a->jobs = NULL;
	a->njobs = 0;
	fwconf_units_free(&a->units);
	gen_free(&a->cur);
	gen_free(&a->next);
}

/* ---- committing ---- */

/*
 * The directories to fsync once the files written into them are all
 * there: one fsync a directory, not one a file.
 */
struct dirsync {
	char	 (*v)[PATH_MAX];
	size_t	 n;
};

static void
dirsync_add(struct dirsync *d, const char *file)
{
	char dir[PATH_MAX], *slash;
	size_t i;

	strlcpy(dir, file, sizeof(dir));
	if ((slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i], dir) == 0)
			return;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	strlcpy(d->v[d->n++], dir, sizeof(*d->v));
}

/* 0, or -1 with e filled: a file written may not survive a crash. */
static int
dirsync_run(struct dirsync *d, struct fwconf_err *e)
{
	size_t i;
	int fd, r = 0;

	for (i = 0; i < d->n && r == 0; i++) {
		if ((fd = fwconf_open(d->v[i], O_RDONLY | O_DIRECTORY, 0)) == -1 ||
		    fsync(fd) == -1)
			r = fwconf_fail_errno(e, "%s: fsync of directory",
			    d->v[i]);
		if (fd != -1)
			close(fd);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
	return r;
}

/*
 * The file at path into the store, as store_put_file does, but with the
 * fsync of the objects directory left to the caller, once for all the
 * files of an apply: 0 and its hash, 1 when there is no such file.
 */
static int
keep_copy(const char *path, hash_t h, struct dirsync *d, struct fwconf_err *e)
{
	char obj[PATH_MAX], dir[PATH_MAX], *buf;
	struct fwconf_out o;
	size_t len;
	int r;

	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) != 0)
		return r;
	hash_buf(buf, len, h);
	if (store_has(h)) {
		free(buf);
		return 0;
	}
	if (store_path(obj, sizeof(obj), h) == -1 ||
	    state_dir(dir, sizeof(dir), "objects") == -1) {
		free(buf);
		return fwconf_fail(e, FWCONF_SYSTEM, "store: path too long");
	}
	if (fwconf_mkdirs(dir, 0700, e) == -1 ||
	    fwconf_out_open(&o, obj, 0600, (uid_t)-1, (gid_t)-1, e) == -1) {
		free(buf);
		return -1;
	}
	o.dirsync_later = true;
	fwconf_out_write(&o, buf, len);
	free(buf);
	if (fwconf_out_close(&o, e) == -1)
		return -1;
	dirsync_add(d, obj);
	return 0;
}

/*
 * The record of one file this apply installs: the installed file kept in
 * the store first, to be put back if anything fails; of the candidate
 * only its hash, since it is installed from the stage, never read back
 * from the store.
 */
static void
note_file(struct apply *a, const struct job *j, size_t f, struct dirsync *d)
{
	char installed[PATH_MAX], *buf;
	struct txn_file tf;
	struct fwconf_err e;
	struct stat st;
	size_t len;
	int r;

	memset(&tf, 0, sizeof(tf));
	tf.target = j->u->files[f].target;
	tf.unit = j->u->name;
	tf.mode = installed_mode(j->u, f);
	tf.gid = j->gid;
	installed_path(installed, sizeof(installed), tf.target);
	if ((r = keep_copy(installed, tf.before, d, &e)) == -1)
		die(&e);
	if (r == 1)
		tf.before[0] = '\0';
	if (fwconf_lstat(installed, &st) == 0) {
		tf.was_mode = st.st_mode & 07777;
		tf.was_uid = st.st_uid;
		tf.was_gid = st.st_gid;
	} else {
		tf.was_mode = tf.mode;
		tf.was_uid = (uid_t)-1;
		tf.was_gid = (gid_t)-1;
	}
	if (fwconf_read_all(j->cand[f], &buf, &len, NULL, &e) != 0)
		die(&e);
	hash_buf(buf, len, tf.after);
	free(buf);
	txn_add_file(&a->txn, &tf);
}

/*
 * Install a candidate, as txn_install would put the object it names:
 * written whole or not at all, with the unit's mode and group; the
 * directory's fsync is left to the caller, once for all.
 */
static int
install(const struct job *j, size_t f, const struct txn_file *tf,
    struct dirsync *d, struct fwconf_err *e)
{
	char path[PATH_MAX], *buf;
	struct fwconf_out o;
	size_t len;

	installed_path(path, sizeof(path), tf->target);
	if (fwconf_read_all(j->cand[f], &buf, &len, NULL, e) != 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: the candidate is "
		    "gone", j->cand[f]);
	if (fwconf_mkdirs_parent(path, e) == -1 ||
	    fwconf_out_open(&o, path, tf->mode, (uid_t)-1, tf->gid, e) == -1) {
		free(buf);
		return -1;
	}
	o.dirsync_later = true;
	fwconf_out_write(&o, buf, len);
	free(buf);
	if (fwconf_out_close(&o, e) == -1)
		return -1;
	dirsync_add(d, path);
	return 0;
}

/* The next generation's tables, with what this apply does. */
static void
build_next(struct apply *a)
{
	char name[PATH_MAX + 8], units[4096] = "", when[32];
	struct fwconf_err e;
	char **inputs;
	struct job *j;
	size_t i, f, n;
	time_t t = time(NULL);

	inputs = all_inputs(&a->units, &n);
	for (i = 0; i < n; i++)
		if (snapshot_input(&a->next, inputs[i], &e) == -1)
			die(&e);
	free(inputs);
	for (i = 0; i < a->njobs; i++) {
		j = &a->jobs[i];
		tab_set(&a->next.stamps, j->u->name, j->stamp);
		if (j->action == ACT_DEFER)
			tab_set(&a->next.deferred, j->u->name, "restart");
		if (j->action == ACT_RESTART || j->action == ACT_STOP)
			tab_unset(&a->next.deferred, j->u->name);
		/* Only the hash of what was installed: diff -g renders a
		 * generation's files again from its settings. */
		for (f = 0; j->cand != NULL && f < j->u->nfiles; f++) {
			/* Never installed, and not rendered again by diff -g. */
			if (j->u->files[f].hand)
				continue;
			snprintf(name, sizeof(name), "files%s",
			    j->u->files[f].target);
			if (j->u->secret)
				tab_set(&a->next.tree, name, "secret");
			else {
				char *buf;
				size_t len;
				hash_t h;

				if (fwconf_read_all(j->cand[f], &buf, &len, NULL,
				    &e) != 0)
					die(&e);
				hash_buf(buf, len, h);
				free(buf);
				tab_set(&a->next.tree, name, h);
			}
		}
		if (j->action != ACT_NONE) {
			strlcat(units, *units ? " " : "", sizeof(units));
			strlcat(units, j->u->name, sizeof(units));
			strlcat(units, "=", sizeof(units));
			strlcat(units, action_names[j->action], sizeof(units));
		}
	}
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	tab_set(&a->next.record, "time", when);
	tab_set(&a->next.record, "user", fwconf_user());
	tab_set(&a->next.record, "how", a->how);
	tab_set(&a->next.record, "units", units);
	tab_set(&a->next.record, "confirm", a->confirm_secs > 0 ? "pending" :
	    "none");
	if (a->comment != NULL)
		tab_set(&a->next.record, "comment", a->comment);
}

/* The stage goes after the undo: it must not free room the undo then
 * counts on, nor the disk hide a failure the undo would meet anyway. */
static int
undo_and_drop(struct apply *a)
{
	int r = undo(a);

	drop_stage(a);
	return r;
}

/* What the -v and -n reports say of the units acted on. */
static void
show_plan(const struct apply *a)
{
	const struct job *j;
	size_t i;

	for (i = 0; i < a->njobs; i++) {
		j = &a->jobs[i];
		if (j->nchanged == 0 && j->action == ACT_NONE)
			continue;
		printf("%s\t%s\n", j->u->name, action_names[j->action]);
		diff_job(j);
	}
	fshut(stdout, "stdout");
}

/* Put the settings of a rollback back as they were, before any install. */
static void
restore_settings(struct apply *a)
{
	if (!a->txn_open)
		return;
	if (roll_back_txn(&a->txn, &a->units, NULL, NULL) == -1)
		warnx("the settings could not all be put back: see fw-apply "
		    "status");
	a->txn_open = false;
}

static bool
render_all(struct apply *a)
{
	struct job **js = xreallocarray(NULL, a->njobs + 1, sizeof(*js));
	bool ok = true;
	size_t i, n = 0;

	for (i = 0; i < a->njobs && ok; i++) {
		struct job *j = &a->jobs[i];

		/* Off and staying off: nothing to render, check or install,
		 * so a daemon that is not installed blocks nothing. */
		if (!j->enabled)
			continue;
		ok = resolve_group(j);
		js[n++] = j;
	}
	ok = ok && render_jobs(a, js, n);
	free(js);
	return ok;
}

/*
 * The apply of a->jobs, under the lock, after recover().  Returns the exit
 * status.  With a->txn_open, the record already holds settings files a
 * rollback wrote; they go back too if anything fails.
 */
int
run_apply(struct apply *a)
{
	struct dirsync ds = { 0 };
	struct fwconf_err e;
	size_t i, f;
	int r;

	if (a->njobs == 0 && !a->txn_open)
		return 0;
	make_stage(a);
	if (!render_all(a)) {
		restore_settings(a);
		drop_stage(a);
		return FWCONF_SYSTEM;
	}
	for (i = 0; i < a->njobs; i++)
		a->jobs[i].action = choose_action(a, &a->jobs[i],
		    is_deferred(&a->cur, a->jobs[i].u->name));
	if (!check_jobs(a)) {
		restore_settings(a);
		drop_stage(a);
		return FWCONF_SYSTEM;
	}
	if (a->dry) {
		show_plan(a);
		drop_stage(a);
		return 0;
	}
	if (gen_begin(&a->next, &a->cur, &e) == -1) {
		say_error(&e);
		restore_settings(a);
		drop_stage(a);
		return FWCONF_SYSTEM;
	}
	if (!a->txn_open && txn_new(&a->txn, a->next.n, a->how, &e) == -1)
		die(&e);
	a->txn_open = true;
	txn_set_gen(&a->txn, a->next.n);
	for (i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];

		for (f = 0; j->cand != NULL && f < j->u->nfiles; f++)
			if (j->changed[f])
				note_file(a, j, f, &ds);
		if (j->action != ACT_NONE)
			txn_add_unit(&a->txn, j->u->name,
			    action_names[j->action]);
	}
	build_next(a);
	/* The copies kept are on disk before the record names them.  After
	 * build_next, whose snapshot of a changed settings file, in the same
	 * directory, has its fsync commit the names of the copies already:
	 * this one then finds nothing left to do. */
	if (dirsync_run(&ds, &e) == -1)
		die(&e);
	/* The point before which nothing was installed. */
	if (txn_write(&a->txn, "applying", &e) == -1) {
		say_error(&e);
		restore_settings(a);
		gen_abandon(&a->next);
		drop_stage(a);
		return FWCONF_SYSTEM;
	}
	for (i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];
		struct txn_file tf;
		size_t k;
		bool found;

		for (f = 0; j->cand != NULL && f < j->u->nfiles; f++) {
			if (!j->changed[f])
				continue;
			/* Its record, for the mode and group it gets. */
			for (k = 0, found = false; !found &&
			    txn_file_at(&a->txn, &k, &tf);)
				found = strcmp(tf.target,
				    j->u->files[f].target) == 0;
			if (!found)
				errx(FWCONF_SYSTEM, "%s: not in the transaction "
				    "record", j->u->files[f].target);
			if (install(j, f, &tf, &ds, &e) == -1) {
				say_error(&e);
				return undo_and_drop(a);
			}
		}
	}
	/* Installed files on disk before any daemon reads them. */
	if (dirsync_run(&ds, &e) == -1) {
		say_error(&e);
		return undo_and_drop(a);
	}
	for (i = 0; i < a->njobs; i++) {
		struct job *j = &a->jobs[i];

		/* At boot no daemon runs yet: each reads its file when it
		 * starts, and a reload now would fail and undo the rollback. */
		if (a->quiet_daemons)
			continue;
		if (a->verbose && j->action != ACT_NONE)
			printf("%s\t%s\n", j->u->name, action_names[j->action]);
		if ((r = run_action(j->u, j->action, SAY_ALL)) != 0) {
			j->outcome = r == 1 ? FAILED : HUNG;
			return undo_and_drop(a);
		}
		j->outcome = RAN;
	}
	if (a->confirm_secs > 0 && confirm_write(a->confirm_secs, a->next.n,
	    0, &e) == -1) {
		say_error(&e);
		return undo_and_drop(a);
	}
	if (gen_commit(&a->next, &e) == -1) {
		say_error(&e);
		confirm_remove();
		return undo_and_drop(a);
	}
	/* Committed: from here on a crash leaves the new generation. */
	if (txn_remove(&e) == -1)
		say_error(&e);
	txn_free(&a->txn);
	a->txn_open = false;
	drop_stage(a);
	gen_prune();
	syslog(LOG_NOTICE, "%s: gen.%ld: %s%s%s", fwconf_user(), a->next.n,
	    a->how, *tab_get(&a->next.record, "units") ? ": " : "",
	    tab_get(&a->next.record, "units"));
	return 0;
}
