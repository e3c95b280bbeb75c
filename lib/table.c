/*
 * table.c: table files (fwconf(5), "Tables"): one record a line, its name
 * and value separated by a tab, sorted by name in byte order, so a lookup
 * is a binary search and a bulk change is one merge: linear in the size
 * of the table, whatever the size of the change.
 *
 *	file    = *( *( comment / blank ) record ) *( comment / blank )
 *	record  = name [ HTAB value ] LF
 *	comment = "#" *( any byte but LF ) LF
 *
 * A record's line is written back exactly as read until it changes; the
 * comment and blank lines above a record move and go with it.  What a
 * name and a value may be is the tool's business, not the table's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fwconf.h"

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct fwconf_record *)a)->name,
	    ((const struct fwconf_record *)b)->name);
}

static struct fwconf_record *
grow(struct fwconf_table *t, size_t more)
{
	struct fwconf_record *r;
	size_t cap;

	if (t->nrecs + more > t->cap) {
		cap = t->cap ? t->cap : 64;
		while (cap < t->nrecs + more)
			cap *= 2;
		if ((r = reallocarray(t->recs, cap, sizeof(*r))) == NULL)
			return NULL;
		t->recs = r;
		t->cap = cap;
	}
	return t->recs;
}

/* Append "line\n" to *acc, a comment block being gathered. */
static int
gather(char **acc, const char *line, size_t n)
{
	size_t old = *acc != NULL ? strlen(*acc) : 0;
	char *p = realloc(*acc, old + n + 2);

	if (p == NULL)
		return -1;
	memcpy(p + old, line, n);
	p[old + n] = '\n';
	p[old + n + 1] = '\0';
	*acc = p;
	return 0;
}

static int
parse_record(struct fwconf_table *t, const char *line, size_t n,
    size_t lineno, char **pre, struct fwconf_err *e)
{
	const char *tab = memchr(line, '\t', n);
	size_t nlen = tab != NULL ? (size_t)(tab - line) : n;
	struct fwconf_record *r;

	if (nlen == 0 || memchr(line, ' ', nlen) != NULL)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s:%zu: not a name, a tab and a value", t->path, lineno);
	if (grow(t, 1) == NULL)
		return fwconf_fail_errno(e, "%s", t->path);
	r = &t->recs[t->nrecs];
	memset(r, 0, sizeof(*r));
	r->name = strndup(line, nlen);
	r->value = tab != NULL ? strndup(tab + 1, n - nlen - 1) : strdup("");
	r->text = strndup(line, n);
	r->pre = *pre;
	r->lineno = lineno;
	*pre = NULL;
	t->nrecs++;
	if (r->name == NULL || r->value == NULL || r->text == NULL)
		return fwconf_fail_errno(e, "%s", t->path);
	return 0;
}

/* A table not sorted by hand is sorted; names given twice are an error. */
static int
check_order(struct fwconf_table *t, struct fwconf_err *e)
{
	size_t i;

	for (i = 1; i < t->nrecs; i++)
		if (strcmp(t->recs[i - 1].name, t->recs[i].name) >= 0)
			break;
	if (i < t->nrecs) {
		qsort(t->recs, t->nrecs, sizeof(*t->recs), by_name);
		t->changed = true;
	}
	for (i = 1; i < t->nrecs; i++)
		if (strcmp(t->recs[i - 1].name, t->recs[i].name) == 0)
			return fwconf_fail(e, FWCONF_SYSTEM,
			    "%s:%zu: %s: also on line %zu", t->path,
			    t->recs[i].lineno, t->recs[i].name,
			    t->recs[i - 1].lineno);
	return 0;
}

/* Records from text; path names the table in messages and is kept. */
int
fwconf_table_parse(struct fwconf_table *t, const char *buf, size_t len,
    struct fwconf_err *e)
{
	const char *p, *end, *nl;
	char *pre = NULL;
	size_t lineno = 0;
	int r;

	for (p = buf, end = buf + len, r = 0; p < end && r == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
			r = fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: NUL byte",
			    t->path, lineno);
		else if (p == nl || *p == '#') {
			if (gather(&pre, p, (size_t)(nl - p)) == -1)
				r = fwconf_fail_errno(e, "%s", t->path);
		} else
			r = parse_record(t, p, (size_t)(nl - p), lineno, &pre, e);
	}
	free(t->trailer);
	t->trailer = pre;
	if (r == 0)
		r = check_order(t, e);
	return r;
}

int
fwconf_table_read(struct fwconf_table *t, const char *path,
    struct fwconf_err *e)
{
	struct stat st;
	char *buf;
	size_t len;
	int r;

	memset(t, 0, sizeof(*t));
	if ((t->path = strdup(path)) == NULL)
		return fwconf_fail_errno(e, "%s", path);
	if ((r = fwconf_read_all(path, &buf, &len, &st, e)) != 0)
		return r == 1 ? 0 : -1;
	t->exists = true;
	t->mode = st.st_mode & 07777;
	t->uid = st.st_uid;
	t->gid = st.st_gid;
	r = fwconf_table_parse(t, buf, len, e);
	free(buf);
	return r;
}

static void
free_record(struct fwconf_record *r)
{
	free(r->name);
	free(r->value);
	free(r->text);
	free(r->pre);
}

void
fwconf_table_free(struct fwconf_table *t)
{
	size_t i;

	for (i = 0; i < t->nrecs; i++)
		free_record(&t->recs[i]);
	free(t->recs);
	free(t->trailer);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

/* The index of name's record, or -1; deleted records are not found. */
ssize_t
fwconf_table_find(const struct fwconf_table *t, const char *name)
{
	size_t lo = 0, hi = t->nrecs, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, t->recs[mid].name);
		if (c == 0)
			return t->recs[mid].deleted ? -1 : (ssize_t)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* A new record at its place in the order; name must not be there. */
int
fwconf_table_insert(struct fwconf_table *t, const char *name,
    const char *value)
{
	size_t lo = 0, hi = t->nrecs, mid;
	struct fwconf_record r = { 0 };

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(name, t->recs[mid].name) < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (grow(t, 1) == NULL || (r.name = strdup(name)) == NULL ||
	    (r.value = strdup(value)) == NULL) {
		free(r.name);
		return -1;
	}
	memmove(&t->recs[lo + 1], &t->recs[lo],
	    (t->nrecs - lo) * sizeof(*t->recs));
	t->recs[lo] = r;
	t->nrecs++;
	t->changed = true;
	return 0;
}

int
fwconf_table_update(struct fwconf_table *t, size_t i, const char *value)
{
	struct fwconf_record *r = &t->recs[i];
	char *v;

	if (strcmp(r->value, value) == 0)
		return 0;
	if ((v = strdup(value)) == NULL)
		return -1;
	free(r->value);
	free(r->text);
	r->value = v;
	r->text = NULL;
	t->changed = true;
	return 0;
}

/* Marked, not moved: many deletes cost one pass when written. */
void
fwconf_table_delete(struct fwconf_table *t, size_t i)
{
	t->recs[i].deleted = true;
	t->changed = true;
}

/*
 * Merge sorted records with unique names into the table: a new name is
 * added, a known one takes the new value; with replace, names not in the
 * input go.  Takes the input's strings (the input array stays the
 * caller's).  One pass over both; note, if given, hears of each change.
 */
int
fwconf_table_merge(struct fwconf_table *t, struct fwconf_record *in,
    size_t nin, bool replace, fwconf_table_note *note, void *arg)
{
	struct fwconf_record *out, *old = t->recs;
	size_t i = 0, j = 0, n = 0, nold = t->nrecs;
	int c;

	if ((out = calloc(nold + nin + 1, sizeof(*out))) == NULL)
		return -1;
	while (i < nold || j < nin) {
		c = i == nold ? 1 : j == nin ? -1 : strcmp(old[i].name,
		    in[j].name);
		if (c < 0) {			/* only in the table */
			if (replace && !old[i].deleted) {
				old[i].deleted = true;
				t->changed = true;
				if (note != NULL)
					note(arg, old[i].name, old[i].value,
					    NULL);
			}
			out[n++] = old[i++];
		} else if (c > 0) {		/* only in the input */
			out[n] = in[j++];
			out[n].text = NULL;
			out[n].lineno = 0;
			out[n].deleted = false;
			t->changed = true;
			if (note != NULL)
				note(arg, out[n].name, NULL, out[n].value);
			n++;
		} else {			/* both: the new value */
			if (old[i].deleted || strcmp(old[i].value,
			    in[j].value) != 0) {
				if (note != NULL)
					note(arg, old[i].name, old[i].deleted ?
					    NULL : old[i].value, in[j].value);
				free(old[i].value);
				free(old[i].text);
				old[i].value = in[j].value;
				old[i].text = NULL;
				old[i].deleted = false;
				t->changed = true;
			} else
				free(in[j].value);
			free(in[j].name);
			free(in[j].pre);
			j++;
			out[n++] = old[i++];
		}
	}
	free(old);
	t->recs = out;
	t->nrecs = t->cap = n;
	return 0;
}

char *
fwconf_table_text(const struct fwconf_table *t, size_t *lenp)
{
	const struct fwconf_record *r;
	size_t i, len = 1, n;
	char *buf, *p;

	for (i = 0; i < t->nrecs; i++) {
		r = &t->recs[i];
		if (r->deleted)
			continue;
		len += (r->pre ? strlen(r->pre) : 0) + (r->text ? strlen(r->text) :
		    strlen(r->name) + 1 + strlen(r->value)) + 1;
	}
	len += t->trailer ? strlen(t->trailer) : 0;
	if ((buf = malloc(len)) == NULL)
		return NULL;
	for (p = buf, i = 0; i < t->nrecs; i++) {
		r = &t->recs[i];
		if (r->deleted)
			continue;
		if (r->pre != NULL) {
			n = strlen(r->pre);
			memcpy(p, r->pre, n);
			p += n;
		}
		if (r->text != NULL) {
			n = strlen(r->text);
			memcpy(p, r->text, n);
			p += n;
		} else {
			n = strlen(r->name);
			memcpy(p, r->name, n);
			p += n;
			*p++ = '\t';
			n = strlen(r->value);
			memcpy(p, r->value, n);
			p += n;
		}
		*p++ = '\n';
	}
	if (t->trailer != NULL) {
		n = strlen(t->trailer);
		memcpy(p, t->trailer, n);
		p += n;
	}
	*p = '\0';
	*lenp = (size_t)(p - buf);
	return buf;
}

/* Under the lock; like fwconf_file_write: a new table is 0644. */
int
fwconf_table_write(struct fwconf_table *t, struct fwconf_err *e)
{
	size_t len;
	char *text;
	int r;

	if (!t->changed)
		return 0;
	if ((text = fwconf_table_text(t, &len)) == NULL)
		return fwconf_fail_errno(e, "%s", t->path);
	r = fwconf_write_atomic(t->path, text, len, t->exists ? t->mode : 0644,
	    t->exists ? t->uid : (uid_t)-1, t->exists ? t->gid : (gid_t)-1, e);
	free(text);
	if (r == 0) {
		t->changed = false;
		t->exists = true;
	}
	return r;
}
