/* txn.c: the transaction record; see txn.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "txn.h"
#include "util.h"

static int
txn_path(char *buf, size_t size)
{
	return state_dir(buf, size, "txn");
}

int
txn_new(struct txn *x, long gen, const char *how, struct fwconf_err *e)
{
	char path[PATH_MAX], num[32];

	memset(x, 0, sizeof(*x));
	if (txn_path(path, sizeof(path)) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	x->t.path = xstrdup(path);
	snprintf(num, sizeof(num), "%ld", gen);
	tab_set(&x->t, "gen", num);
	tab_set(&x->t, "how", how);
	return 0;
}

/* A rollback's record is begun before its generation is known. */
void
txn_set_gen(struct txn *x, long gen)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", gen);
	tab_set(&x->t, "gen", num);
}

int
txn_read(struct txn *x, struct fwconf_err *e)
{
	char path[PATH_MAX];

	memset(x, 0, sizeof(*x));
	if (txn_path(path, sizeof(path)) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	if (fwconf_table_read(&x->t, path, e) == -1)
		return -1;
	if (!x->t.exists)
		return 1;
	if (tab_get(&x->t, "gen") == NULL || txn_gen(x) < 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: no generation: "
		    "damaged", path);
	return 0;
}

void
txn_free(struct txn *x)
{
	fwconf_table_free(&x->t);
}

void
txn_add_file(struct txn *x, const struct txn_file *f)
{
	char name[PATH_MAX + 8], value[512];

	snprintf(name, sizeof(name), "file:%s", f->target);
	snprintf(value, sizeof(value), "unit=%s before=%s after=%s mode=%04o "
	    "gid=%ld was=%04o:%ld:%ld", f->unit, *f->before ? f->before :
	    "none", *f->after ? f->after : "none", (unsigned int)f->mode,
	    f->gid == (gid_t)-1 ? -1L : (long)f->gid,
	    (unsigned int)f->was_mode, (long)f->was_uid, (long)f->was_gid);
	tab_set(&x->t, name, value);
}

void
txn_add_unit(struct txn *x, const char *unit, const char *action)
{
	char name[128];

	snprintf(name, sizeof(name), "unit:%s", unit);
	tab_set(&x->t, name, action);
}

/* Durable before the caller goes on: write_atomic fsyncs file and dir. */
int
txn_write(struct txn *x, const char *state, struct fwconf_err *e)
{
	tab_set(&x->t, "state", state);
	return state_table_write(&x->t, e);
}

int
txn_remove(struct fwconf_err *e)
{
	char path[PATH_MAX], dir[PATH_MAX];

	if (txn_path(path, sizeof(path)) == -1 ||
	    state_dir(dir, sizeof(dir), "") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	if (fwconf_unlink(path) == -1 && errno != ENOENT)
		return fwconf_fail_errno(e, "%s", path);
	return 0;
}

long
txn_gen(const struct txn *x)
{
	const char *v = tab_get(&x->t, "gen");

	return v != NULL ? strtol(v, NULL, 10) : 0;
}

const char *
txn_state(const struct txn *x)
{
	const char *v = tab_get(&x->t, "state");

	return v != NULL ? v : "applying";
}

const char *
txn_how(const struct txn *x)
{
	const char *v = tab_get(&x->t, "how");

	return v != NULL ? v : "apply";
}

/* "word=VALUE" of a record's value into buf. */
static bool
field(const char *value, const char *word, char *buf, size_t size)
{
	size_t n = strlen(word), len;
	const char *p;

	for (p = value; (p = strstr(p, word)) != NULL; p += n)
		if ((p == value || p[-1] == ' ') && p[n] == '=') {
			p += n + 1;
			len = strcspn(p, " ");
			if (len >= size)
				return false;
			memcpy(buf, p, len);
			buf[len] = '\0';
			return true;
		}
	return false;
}

bool
txn_file_at(const struct txn *x, size_t *i, struct txn_file *f)
{
	static char unit[128];
	char num[32];
	const struct fwconf_record *r;
	long gid, u, g;
	unsigned int m;

	for (; *i < x->t.nrecs; (*i)++) {
		r = &x->t.recs[*i];
		if (r->deleted || strncmp(r->name, "file:", 5) != 0)
			continue;
		memset(f, 0, sizeof(*f));
		f->target = r->name + 5;
		if (!field(r->value, "unit", unit, sizeof(unit)) ||
		    !field(r->value, "before", f->before, sizeof(f->before)) ||
		    !field(r->value, "after", f->after, sizeof(f->after)) ||
		    !field(r->value, "mode", num, sizeof(num)))
			continue;
		f->unit = unit;
		f->mode = (mode_t)strtol(num, NULL, 8);
		gid = field(r->value, "gid", num, sizeof(num)) ?
		    strtol(num, NULL, 10) : -1;
		f->gid = gid < 0 ? (gid_t)-1 : (gid_t)gid;
		f->was_mode = f->mode;
		f->was_uid = (uid_t)-1;
		f->was_gid = (gid_t)-1;
		if (field(r->value, "was", num, sizeof(num)) &&
		    sscanf(num, "%o:%ld:%ld", &m, &u, &g) == 3) {
			f->was_mode = (mode_t)m;
			f->was_uid = u < 0 ? (uid_t)-1 : (uid_t)u;
			f->was_gid = g < 0 ? (gid_t)-1 : (gid_t)g;
		}
		if (strcmp(f->before, "none") == 0)
			f->before[0] = '\0';
		if (strcmp(f->after, "none") == 0)
			f->after[0] = '\0';
		(*i)++;
		return true;
	}
	return false;
}

bool
txn_unit_at(const struct txn *x, size_t *i, const char **unit,
    const char **action)
{
	const struct fwconf_record *r;

	for (; *i < x->t.nrecs; (*i)++) {
		r = &x->t.recs[*i];
		if (r->deleted || strncmp(r->name, "unit:", 5) != 0)
			continue;
		*unit = r->name + 5;
		*action = r->value;
		(*i)++;
		return true;
	}
	return false;
}

/* Make target hold the object h (or not exist, for ""). */
static int
put(const char *target, const char *h, mode_t mode, uid_t uid, gid_t gid,
    struct fwconf_err *e)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int r;

	if (fwconf_path(path, sizeof(path), target) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: path too long",
		    target);
	if (*h == '\0') {
		if (fwconf_unlink(path) == -1 && errno != ENOENT)
			return fwconf_fail_errno(e, "%s", path);
		return 0;
	}
	if (store_get(h, &buf, &len, e) == -1)
		return -1;
	if ((r = fwconf_mkdirs_parent(path, e)) == 0)
		r = fwconf_write_atomic(path, buf, len, mode, uid, gid, e);
	free(buf);
	return r;
}

int
txn_restore(const struct txn_file *f, struct fwconf_err *e)
{
	return put(f->target, f->before, f->was_mode, f->was_uid, f->was_gid,
	    e);
}

int
txn_install(const struct txn_file *f, struct fwconf_err *e)
{
	return put(f->target, f->after, f->mode, (uid_t)-1, f->gid, e);
}
