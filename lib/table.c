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
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* ---- tables read in place ---------------------------------------------
 *
 * A view maps the file and finds its records on demand: a name, a value
 * and a line are pointers into the mapping, and nothing is copied unless
 * a record changes.  Records are in name order once fwconf_view_check has
 * seen the whole file (a table sorted by hand is sorted then, into a copy)
 * or once fwconf_view_trusted says that this very file was checked before.
 */

void
fwconf_view_close(struct fwconf_view *v)
{
	if (v->mapped)
		munmap(v->map, v->maplen);
	free(v->copy);
	free(v->path);
	memset(v, 0, sizeof(*v));
}

int
fwconf_view_open(struct fwconf_view *v, const char *path,
    struct fwconf_err *e)
{
	void *p;
	int fd;

	memset(v, 0, sizeof(*v));
	if ((v->path = strdup(path)) == NULL)
		return fwconf_fail_errno(e, "%s", path);
	if ((fd = fwconf_open(path, O_RDONLY, 0)) == -1) {
		if (errno == ENOENT)
			return 0;
		return fwconf_fail_errno(e, "%s", path);
	}
	if (fstat(fd, &v->st) == -1) {
		fwconf_fail_errno(e, "%s", path);
		close(fd);
		return -1;
	}
	v->exists = true;
	if (!S_ISREG(v->st.st_mode)) {
		close(fd);
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: not a regular file",
		    path);
	}
	if (v->st.st_size > 0) {
		if ((uintmax_t)v->st.st_size > SIZE_MAX / 2) {
			close(fd);
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: too large",
			    path);
		}
		p = mmap(NULL, (size_t)v->st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (p == MAP_FAILED) {
			fwconf_fail_errno(e, "%s", path);
			close(fd);
			return -1;
		}
		v->map = p;
		v->maplen = (size_t)v->st.st_size;
		v->mapped = true;
		v->buf = p;
		v->len = v->maplen;
	}
	close(fd);
	return 0;
}

/* The offset just past the line that starts at pos. */
static size_t
line_end(const struct fwconf_view *v, size_t pos)
{
	const char *nl = memchr(v->buf + pos, '\n', v->len - pos);

	return nl != NULL ? (size_t)(nl - v->buf) + 1 : v->len;
}

/* Is the line at pos a comment or a blank line? */
static bool
is_comment(const struct fwconf_view *v, size_t pos)
{
	return v->buf[pos] == '\n' || v->buf[pos] == '#';
}

/* The start of the comment and blank lines just above the line at pos. */
static size_t
comments_above(const struct fwconf_view *v, size_t pos)
{
	const char *nl;
	size_t prev;

	while (pos > 0) {
		nl = pos >= 2 ? memrchr(v->buf, '\n', pos - 1) : NULL;
		prev = nl != NULL ? (size_t)(nl - v->buf) + 1 : 0;
		if (!is_comment(v, prev))
			break;
		pos = prev;
	}
	return pos;
}

/* The record whose line starts at line; its comment block from start. */
static void
fill(const struct fwconf_view *v, size_t start, size_t line,
    struct fwconf_vrec *r)
{
	const char *p = v->buf + line, *tab;
	size_t end = line_end(v, line);
	size_t n = end - line - (v->buf[end - 1] == '\n');

	tab = memchr(p, '\t', n);
	r->start = start;
	r->line = line;
	r->end = end;
	r->name = p;
	r->nlen = tab != NULL ? (size_t)(tab - p) : n;
	r->value = tab != NULL ? tab + 1 : p + n;
	r->vlen = tab != NULL ? n - r->nlen - 1 : 0;
	r->lineno = 0;
}

/*
 * The next record at or after *pos (the start of a line): false at the
 * end, where *pos is left at the comment lines after the last record.
 */
bool
fwconf_view_next(const struct fwconf_view *v, size_t *pos,
    struct fwconf_vrec *r)
{
	size_t line = *pos;

	while (line < v->len && is_comment(v, line))
		line = line_end(v, line);
	if (line >= v->len)
		return false;
	fill(v, *pos, line, r);
	*pos = r->end;
	return true;
}

static int
cmp_name(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	return c != 0 ? c : na < nb ? -1 : na > nb;
}

/* Records by name, for a file sorted by hand. */
struct vsort {
	const char *name;
	size_t	 nlen, start, line, end, lineno;
};

static int
by_vname(const void *a, const void *b)
{
	const struct vsort *x = a, *y = b;

	return cmp_name(x->name, x->nlen, y->name, y->nlen);
}

/*
 * A table out of order is sorted into a copy, each record with the comment
 * lines above it, the comment lines after the last record kept last; the
 * view then reads the copy, and a writer writes it.  Names twice: -1.
 */
static int
sort_copy(struct fwconf_view *v, size_t nrecs, struct fwconf_err *e)
{
	struct vsort *s;
	struct fwconf_vrec r;
	size_t pos = 0, i = 0, n, lineno = 1, at;
	char *copy;

	if ((s = reallocarray(NULL, nrecs + 1, sizeof(*s))) == NULL ||
	    (copy = malloc(v->len + nrecs + 2)) == NULL) {
		free(s);
		return fwconf_fail_errno(e, "%s", v->path);
	}
	for (at = 0; fwconf_view_next(v, &at, &r) && i < nrecs; i++) {
		for (; pos < r.line; pos = line_end(v, pos))
			lineno++;
		s[i].name = r.name;
		s[i].nlen = r.nlen;
		s[i].start = r.start;
		s[i].line = r.line;
		s[i].end = r.end;
		s[i].lineno = lineno;
	}
	n = i;
	qsort(s, n, sizeof(*s), by_vname);
	for (i = 1; i < n; i++)
		if (cmp_name(s[i - 1].name, s[i - 1].nlen, s[i].name,
		    s[i].nlen) == 0) {
			fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %.*s: also on line "
			    "%zu", v->path, s[i].lineno > s[i - 1].lineno ?
			    s[i].lineno : s[i - 1].lineno, (int)s[i].nlen,
			    s[i].name, s[i].lineno > s[i - 1].lineno ?
			    s[i - 1].lineno : s[i].lineno);
			free(s);
			free(copy);
			return -1;
		}
	for (pos = 0, i = 0; i < n; i++) {
		memcpy(copy + pos, v->buf + s[i].start, s[i].end - s[i].start);
		pos += s[i].end - s[i].start;
		if (copy[pos - 1] != '\n')
			copy[pos++] = '\n';
	}
	memcpy(copy + pos, v->buf + at, v->len - at);
	pos += v->len - at;
	free(s);
	v->copy = copy;
	v->buf = copy;
	v->len = pos;
	v->resorted = true;
	return 0;
}

/*
 * The one check of a table read in place: every line a record or a
 * comment, no NUL byte, names not empty and without blanks, each name
 * once; a table out of order is sorted (into a copy).  fn, if given, is
 * told of each record in file order with its line number, and its
 * answer, and ours, is the result: 1 all good, 0 some record refused by
 * fn, -1 broken (e filled).
 */
int
fwconf_view_check(struct fwconf_view *v, fwconf_view_fn *fn, void *arg,
    struct fwconf_err *e)
{
	struct fwconf_vrec r, prev = { 0 };
	size_t pos = 0, end, lineno = 0, nrecs = 0, prevno = 0;
	bool sorted = true, good = true, plain = true;
	int c;

	while (pos < v->len) {
		end = line_end(v, pos);
		lineno++;
		if (memchr(v->buf + pos, '\0', end - pos) != NULL)
			return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: NUL byte",
			    v->path, lineno);
		if (is_comment(v, pos)) {
			plain = false;
			pos = end;
			continue;
		}
		fill(v, pos, pos, &r);
		r.lineno = lineno;
		if (r.nlen == 0 || memchr(r.name, ' ', r.nlen) != NULL)
			return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: not a name, "
			    "a tab and a value", v->path, lineno);
		if (r.vlen == 0 && r.name + r.nlen == r.value)
			plain = false;		/* no tab: list adds one */
		if (nrecs > 0 && sorted) {
			c = cmp_name(prev.name, prev.nlen, r.name, r.nlen);
			if (c == 0)
				return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: "
				    "%.*s: also on line %zu", v->path, lineno,
				    (int)r.nlen, r.name, prevno);
			if (c > 0)
				sorted = false;
		}
		if (fn != NULL && !fn(arg, v, &r))
			good = false;
		prev = r;
		prevno = lineno;
		nrecs++;
		pos = end;
	}
	if (v->len > 0 && v->buf[v->len - 1] != '\n')
		plain = false;
	if (!sorted && sort_copy(v, nrecs, e) == -1)
		return -1;
	v->checked = true;
	v->plain = plain && !v->resorted;
	v->nrecs = nrecs;
	return good ? 1 : 0;
}

/*
 * Where name is, in a view whose records are in order (checked or
 * trusted): 1 and its record, or 0 and, in r->start, where a record of
 * that name would go: before the comment lines of the next record, or
 * before the comment lines after the last.  A bisection of the bytes,
 * as look(1) does: no record before it is read.
 */
int
fwconf_view_find(const struct fwconf_view *v, const char *name, size_t nlen,
    struct fwconf_vrec *r)
{
	size_t lo = 0, hi = v->len, mid, s, at;
	struct fwconf_vrec x;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		s = mid == 0 || v->buf[mid - 1] == '\n' ? mid : line_end(v, mid);
		at = s;
		if (s >= hi || !fwconf_view_next(v, &at, &x) || x.line >= hi) {
			hi = mid;
			continue;
		}
		if (cmp_name(x.name, x.nlen, name, nlen) < 0)
			lo = x.end;
		else
			hi = x.line;
	}
	/* The first record at or after hi is the first not below name. */
	at = hi == 0 || v->buf[hi - 1] == '\n' ? hi : line_end(v, hi);
	s = at;
	if (fwconf_view_next(v, &at, r)) {
		if (cmp_name(r->name, r->nlen, name, nlen) == 0) {
			r->start = comments_above(v, r->line);
			return 1;
		}
		r->start = comments_above(v, r->line);
		return 0;
	}
	/* After the last record: before the comment lines that end the file. */
	memset(r, 0, sizeof(*r));
	r->start = r->line = r->end = comments_above(v, v->len);
	return 0;
}

/* ---- trust: a file checked once is not checked again ---- */

#define MARK_MAGIC "mpfw-checked-1"

/* ROOT/var/lib/mpfw/checked.BASE for the table at path. */
static int
mark_path(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	char rel[PATH_MAX];

	base = base != NULL ? base + 1 : path;
	if ((size_t)snprintf(rel, sizeof(rel), "/var/lib/mpfw/checked.%s",
	    base) >= sizeof(rel))
		return -1;
	return fwconf_path(buf, size, rel);
}

/*
 * The line that says which file was checked, and what was learnt, ended
 * by an FNV-1a of the rest: two writers at once, or a crash, can make a
 * note of pieces of two, which no check would then match.
 */
static int
mark_line(char *buf, size_t size, const char *path, const struct stat *st,
    const char *rules, size_t nrecs, bool plain)
{
	uint64_t h = 14695981039346656037ull;
	int n, i;

	n = snprintf(buf, size, MARK_MAGIC " %ju %ju %jd %jd.%09ld %jd.%09ld "
	    "%zu %d %s %s", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
	    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
	    st->st_ctim.tv_nsec, nrecs, plain, rules, path);
	if (n < 0 || (size_t)n >= size)
		return (int)size;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ull;
	}
	return n + snprintf(buf + n, size - (size_t)n, " %016jx\n",
	    (uintmax_t)h);
}

/*
 * Was this very file (device, inode, size, modification and change time)
 * checked before against rules (a word naming the caller's rules and
 * their version)?  Then its records are in order and good, and the view
 * says so.  Any doubt is a no: the caller checks.
 */
bool
fwconf_view_trusted(struct fwconf_view *v, const char *rules)
{
	char path[PATH_MAX], got[PATH_MAX + 256], want[PATH_MAX + 256];
	size_t nrecs;
	ssize_t n;
	int fd, plain;

	if (!v->exists || v->checked)
		return v->checked;
	if (mark_path(v->path, path, sizeof(path)) == -1 ||
	    (fd = fwconf_open(path, O_RDONLY | O_NOFOLLOW, 0)) == -1)
		return false;
	n = read(fd, got, sizeof(got) - 1);
	close(fd);
	if (n <= 0)
		return false;
	got[n] = '\0';
	/* The counts are taken from the note, then the whole line compared. */
	if (sscanf(got, MARK_MAGIC " %*s %*s %*s %*s %*s %zu %d", &nrecs,
	    &plain) != 2 || (plain != 0 && plain != 1))
		return false;
	if (mark_line(want, sizeof(want), v->path, &v->st, rules, nrecs,
	    plain == 1) >= (int)sizeof(want) || strcmp(got, want) != 0)
		return false;
	v->checked = true;
	v->plain = plain == 1;
	v->nrecs = nrecs;
	return true;
}

static void
write_mark(const char *table, const struct stat *st, const char *rules,
    size_t nrecs, bool plain, bool mkdir)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], dir[PATH_MAX], line[PATH_MAX + 256];
	struct fwconf_err e;
	int fd, n;
	bool ok;

	if (strpbrk(rules, " \t\n") != NULL || mark_path(table, path,
	    sizeof(path)) == -1 || (n = mark_line(line, sizeof(line), table, st,
	    rules, nrecs, plain)) >= (int)sizeof(line) ||
	    fwconf_path(dir, sizeof(dir), "/var/lib/mpfw") == -1)
		return;
	if (mkdir && fwconf_mkdirs(dir, 0700, &e) == -1)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* A fixed name, truncated: a killed writer leaves nothing new, and
	 * two at once make a note of the wrong length, never trusted. */
	if ((fd = fwconf_open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    0600)) == -1)
		return;
	ok = write(fd, line, (size_t)n) == n;
	if (close(fd) == -1 || !ok || fwconf_rename(tmp, path) == -1)
		fwconf_unlink(tmp);
}

/*
 * A reader that checked the whole view and found it good notes so, for
 * the next reader: best effort, silently, never for a file changed in the
 * last two seconds (a change within the same tick of the clock would
 * keep its times: git's "racy" files), nor for a file out of order.
 */
void
fwconf_view_trust(const struct fwconf_view *v, const char *rules)
{
	struct timespec now;

	if (!v->exists || !v->checked || v->resorted)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec - v->st.st_ctim.tv_sec < 2)
		return;
	write_mark(v->path, &v->st, rules, v->nrecs, v->plain, false);
}

/*
 * A writer, under the lock, that has just written path from a good table
 * notes it as checked: what it wrote is what it checked.
 */
void
fwconf_trust_written(const char *path, const char *rules, size_t nrecs,
    bool plain, off_t size)
{
	struct stat st;

	if (fwconf_lstat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size != size)
		return;
	write_mark(path, &st, rules, nrecs, plain, true);
}
